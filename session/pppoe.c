/*
 * pppoe.c: the PPPoE transport of a session child (RFC 2516 5.5).  The
 * discovery stage is over when the child starts: the parent opened a
 * packet socket whose filter passes only this session's frames from its
 * peer, and the discovery process has sent (or is sending) the PADS.
 * Here PPP frames go in and out of Ethernet frames; PADT in either
 * direction is the discovery process's business.
 */
#include <sys/types.h>

#include <errno.h>
#include <event.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "session.h"
#include "pppoe.h"
#include "ppp.h"
#include "wire.h"

#define PPPOE_ETHERTYPE_SESSION	0x8864
#define PPPOE_READ_BURST	32	/* frames per wakeup */
/*
 * The discovery process may not have sent the PADS yet when we could
 * send our first LCP frame, and a client drops session frames before
 * its PADS (RFC 2516 5.4), costing a restart timer: PPP starts with the
 * peer's first frame (clients send at once), or after this long.
 */
#define PPPOE_START_WAIT_MS	500

struct pppoe {
	int			 fd;
	struct event		 ev;
	struct sess_pppoe	 conf;
	struct transport	 tr;
	int			 up;		/* PPP started */
	struct event		 start_ev;	/* or start it anyway */
	uint64_t		 bad;		/* frames that failed the checks */
	/* separate: an input frame's answer is built while it is read */
	uint8_t			 in[PPPOE_ETH_HDR + PPPOE_HDR + PPP_MTU_MAX];
	uint8_t			 out[PPPOE_ETH_HDR + PPPOE_HDR + PPP_MTU_MAX];
};

/* This child's one session. */
static struct pppoe	 pppoe;

static void	 pppoe_read(int, short, void *);
static void	 pppoe_link_up(void);
static void	 pppoe_start_timer(int, short, void *);
static void	 pppoe_input(const uint8_t *, size_t);
static int	 pppoe_output(void *, const uint8_t *, size_t);
static void	 pppoe_close(void *, const char *);

void
pppoe_start(const struct sess_init *init, int fd)
{
	struct transport	*tr = &pppoe.tr;
	struct timeval		 tv = { 0, PPPOE_START_WAIT_MS * 1000 };
	int			 mtu;

	pppoe.fd = fd;
	pppoe.conf = init->pppoe;
	mtu = pppoe.conf.max_payload;
	if (mtu < PPP_MRU_MIN || mtu > PPP_MTU_MAX)
		mtu = PPPOE_MTU;
	event_set(&pppoe.ev, fd, EV_READ | EV_PERSIST, pppoe_read, NULL);
	event_add(&pppoe.ev, NULL);
	log_info("session id %u on %s", pppoe.conf.session_id,
	    pppoe.conf.ifname);

	memset(tr, 0, sizeof(*tr));
	tr->name = "pppoe";
	tr->overhead = PPPOE_OVERHEAD;
	tr->mtu = mtu;
	/* RFC 2516 7: no address and control field, no ACCM. */
	tr->flags = PPP_LINK_NO_ADDRCTL | PPP_LINK_NO_ACCM;
	tr->output = pppoe_output;
	tr->close = pppoe_close;
	evtimer_set(&pppoe.start_ev, pppoe_start_timer, NULL);
	evtimer_add(&pppoe.start_ev, &tv);
}

static void
pppoe_link_up(void)
{
	if (pppoe.up)
		return;
	pppoe.up = 1;
	evtimer_del(&pppoe.start_ev);
	session_link_up(&pppoe.tr);
}

static void
pppoe_start_timer(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	pppoe_link_up();
}

static void
pppoe_read(int fd, short event, void *arg)
{
	ssize_t	 n;
	int	 i;

	(void)event;
	(void)arg;
	for (i = 0; i < PPPOE_READ_BURST; i++) {
		if ((n = read(fd, pppoe.in, sizeof(pppoe.in))) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				session_link_down("packet socket read error");
			return;
		}
		pppoe_input(pppoe.in, n);
	}
}

/*
 * The kernel's filter checked the ethertype, version, code, session id
 * and source; the length is ours to check.  Short frames carry Ethernet
 * padding, so the payload is what LENGTH says.
 */
static void
pppoe_input(const uint8_t *frame, size_t len)
{
	struct wire_reader	 r;
	uint16_t		 type, sid, length;
	uint8_t			 vertype, code, dst[6], src[6];

	wire_reader_init(&r, frame, len);
	wire_get_bytes(&r, dst, sizeof(dst));
	wire_get_bytes(&r, src, sizeof(src));
	wire_get_u16(&r, &type);
	wire_get_u8(&r, &vertype);
	wire_get_u8(&r, &code);
	wire_get_u16(&r, &sid);
	wire_get_u16(&r, &length);
	if (r.error || type != PPPOE_ETHERTYPE_SESSION ||
	    vertype != PPPOE_VERTYPE || code != PPPOE_CODE_SESSION ||
	    sid != pppoe.conf.session_id ||
	    memcmp(src, pppoe.conf.peer_mac, sizeof(src)) != 0 ||
	    length > r.len) {
		/* Only a lying LENGTH gets past the filter: note, drop. */
		if (pppoe.bad++ == 0)
			log_warnx("dropping a malformed session frame "
			    "(%zu bytes, LENGTH %u)", len, length);
		return;
	}
	/* The peer's first frame: it has its PADS. */
	pppoe_link_up();
	session_link_input(r.p, length);
}

static int
pppoe_output(void *arg, const uint8_t *ppp, size_t len)
{
	uint8_t	*f = pppoe.out;

	(void)arg;
	if (len > sizeof(pppoe.out) - PPPOE_ETH_HDR - PPPOE_HDR) {
		log_warnx("dropping a %zu-byte frame: too large", len);
		return (-1);
	}
	memcpy(f, pppoe.conf.peer_mac, 6);
	memcpy(f + 6, pppoe.conf.local_mac, 6);
	f[12] = PPPOE_ETHERTYPE_SESSION >> 8;
	f[13] = PPPOE_ETHERTYPE_SESSION & 0xff;
	f[14] = PPPOE_VERTYPE;
	f[15] = PPPOE_CODE_SESSION;
	f[16] = pppoe.conf.session_id >> 8;
	f[17] = pppoe.conf.session_id & 0xff;
	f[18] = len >> 8;
	f[19] = len & 0xff;
	memcpy(f + PPPOE_ETH_HDR + PPPOE_HDR, ppp, len);
	if (write(pppoe.fd, f, PPPOE_ETH_HDR + PPPOE_HDR + len) == -1) {
		if (errno != EAGAIN && errno != ENOBUFS)
			log_warn("packet socket write");
		return (-1);
	}
	return (0);
}

/* The PADT goes from the discovery process once the parent sees us go. */
static void
pppoe_close(void *arg, const char *reason)
{
	(void)arg;
	(void)reason;
	if (pppoe.bad > 0)
		log_info("%llu malformed session frames dropped",
		    (unsigned long long)pppoe.bad);
}

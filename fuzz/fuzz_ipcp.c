/*
 * fuzz_ipcp: arbitrary IPCP packets into the server side of IPCP on a
 * link in the Network phase.
 *
 * Input layout: one setup octet, then records of
 *	op(1) length(2, big-endian) data(length)
 * The setup octet says when the addresses come (bits 0-1: before the
 * phase, from inside need_addrs, only with an op 3 record, never),
 * whether DNS (bit 2) and NBNS (bit 3) servers are configured, whether
 * we have no local address (bit 4), PAP first (bit 5: the link waits in
 * Authenticate until an op 4 record), a peer MRU of 200 (bit 6) and
 * PPPoE rules (bit 7).  Ops (modulo 9): 0 the data as an IPCP packet,
 * 1 let the earliest timer fire, 2 the data as a whole frame, 3 the
 * addresses (the first 4 octets of data, if any, replace the peer's),
 * 4 authentication succeeds, 5 the data as an LCP packet, 6 close the
 * link, 7 an IPCP packet and a timer, 8 the peer Acks our IPCP request
 * as it stands (which the fuzzer could hardly guess).
 *
 * Every frame the engine sends is checked: well formed, never longer
 * than the peer may receive, and every IPCP Configure packet carries
 * only what the configuration allows: our request only our address, a
 * Nak only the assigned and configured values.  When IPCP opens, the
 * peer has exactly the assigned address.
 */
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fsm.h"
#include "fz_link.h"
#include "ipcp.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "wire.h"

struct fz {
	struct fz_link		 fl;
	struct ipcp		*ipcp;
	int			 sync;		/* addresses at once */
	int			 up;
	struct ipcp_addrs	 addrs;
};

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	 fz_check(void *, uint16_t, const uint8_t *,
		    struct wire_reader *);
static void	 fz_check_ipcp(struct fz *, struct wire_reader *);
static int	 fz_allowed(const struct fz *, uint8_t, const uint8_t *);
static void	 fz_need_addrs(void *);
static void	 fz_up(void *);
static void	 fz_down(void *);
static void	 fz_frame(struct fz *, uint16_t, const struct wire_reader *);
static void	 fz_open(struct fz *, int);
static void	 fz_ack_ours(struct fz *);

static void
fz_check(void *arg, uint16_t proto, const uint8_t *frame,
    struct wire_reader *r)
{
	(void)frame;
	if (proto == PPP_IPCP)
		fz_check_ipcp(arg, r);
}

/* May a Nak of ours carry this option with this value? */
static int
fz_allowed(const struct fz *z, uint8_t type, const uint8_t *v)
{
	const struct in_addr	*want;

	switch (type) {
	case IPCP_OPT_ADDR:
		want = &z->addrs.peer;
		break;
	case IPCP_OPT_DNS1:
		want = &z->addrs.dns[0];
		break;
	case IPCP_OPT_NBNS1:
		want = &z->addrs.nbns[0];
		break;
	case IPCP_OPT_DNS2:
		want = &z->addrs.dns[1];
		break;
	case IPCP_OPT_NBNS2:
		want = &z->addrs.nbns[1];
		break;
	default:
		return (0);
	}
	return (want->s_addr != INADDR_ANY && memcmp(v, want, 4) == 0);
}

static void
fz_check_ipcp(struct fz *z, struct wire_reader *r)
{
	struct wire_reader	 opts;
	const uint8_t		*v;
	uint8_t			 code, id, type, olen;
	uint16_t		 len;

	if (wire_get_u8(r, &code) == -1 || wire_get_u8(r, &id) == -1 ||
	    wire_get_u16(r, &len) == -1 || len < CP_HDRLEN ||
	    (size_t)(len - CP_HDRLEN) != wire_left(r))
		abort();
	if (code < CP_CONFREQ || code > CP_CODEREJ)
		abort();
	/* Nothing is said before the addresses are known. */
	if (!z->ipcp->have_addrs)
		abort();
	if (code != CP_CONFREQ && code != CP_CONFNAK)
		return;
	opts = *r;
	while (wire_left(&opts) > 0) {
		if (wire_get_u8(&opts, &type) == -1 ||
		    wire_get_u8(&opts, &olen) == -1 || olen != 6 ||
		    wire_get_ref(&opts, &v, 4) == -1)
			abort();
		if (code == CP_CONFREQ) {
			if (type != IPCP_OPT_ADDR ||
			    z->addrs.local.s_addr == INADDR_ANY ||
			    memcmp(v, &z->addrs.local, 4) != 0)
				abort();
		} else if (!fz_allowed(z, type, v))
			abort();
	}
}

static void
fz_need_addrs(void *arg)
{
	struct fz	*z = arg;

	if (z->sync)
		ipcp_set_addrs(z->ipcp, &z->addrs);
}

static void
fz_up(void *arg)
{
	struct fz		*z = arg;
	const struct ipcp_addrs	*a = ipcp_agreed(z->ipcp);

	if (a == NULL || a->peer.s_addr != z->addrs.peer.s_addr ||
	    a->peer.s_addr == INADDR_ANY)
		abort();
	z->up++;
}

static void
fz_down(void *arg)
{
	struct fz	*z = arg;

	if (z->up <= 0 || ipcp_opened(z->ipcp))
		abort();
	z->up--;
}

/* A frame in an allocation of its own, so ASan sees any over-read. */
static void
fz_frame(struct fz *z, uint16_t proto, const struct wire_reader *rec)
{
	struct wire_reader	 r = *rec;
	size_t			 len = wire_left(&r);
	size_t			 hdr = proto != 0 ? 2 : 0;
	uint8_t			*frame;

	if ((frame = malloc(hdr + len > 0 ? hdr + len : 1)) == NULL)
		return;
	if (hdr > 0) {
		frame[0] = proto >> 8;
		frame[1] = proto & 0xff;
	}
	wire_get_bytes(&r, frame + hdr, len);
	ppp_input(z->fl.ppp, frame, hdr + len);
	free(frame);
}

/* Play a peer that accepts our LCP request, to leave Establish. */
static void
fz_open(struct fz *z, int small_mru)
{
	static const uint8_t opts[] = { 0x01, 0x04, 0x00, 0xc8, 0x05, 0x06,
	    0x12, 0x34, 0x56, 0x78 };
	struct lcp	*lcp = z->fl.ppp->lcp;
	uint8_t		 frame[PPP_FRAME_MAX];
	size_t		 n = 0, olen;

	olen = small_mru ? sizeof(opts) : sizeof(opts) - 4;
	frame[n++] = 0xc0;
	frame[n++] = 0x21;
	frame[n++] = CP_CONFREQ;
	frame[n++] = 1;
	frame[n++] = 0;
	frame[n++] = 4 + olen;
	memcpy(frame + n, small_mru ? opts : opts + 4, olen);
	ppp_input(z->fl.ppp, frame, n + olen);
	n = 2;
	frame[n++] = CP_CONFACK;
	frame[n++] = lcp->fsm.reqid;
	frame[n++] = (4 + lcp->fsm.reqlen) >> 8;
	frame[n++] = (4 + lcp->fsm.reqlen) & 0xff;
	memcpy(frame + n, lcp->fsm.req, lcp->fsm.reqlen);
	ppp_input(z->fl.ppp, frame, n + lcp->fsm.reqlen);
}

static void
fz_ack_ours(struct fz *z)
{
	const struct fsm	*f = &z->ipcp->fsm;
	uint8_t			 frame[6 + FSM_OPTS_MAX];
	size_t			 n = 0;

	frame[n++] = PPP_IPCP >> 8;
	frame[n++] = PPP_IPCP & 0xff;
	frame[n++] = CP_CONFACK;
	frame[n++] = f->reqid;
	frame[n++] = (4 + f->reqlen) >> 8;
	frame[n++] = (4 + f->reqlen) & 0xff;
	memcpy(frame + n, f->req, f->reqlen);
	ppp_input(z->fl.ppp, frame, n + f->reqlen);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, LOG_DAEMON);
	log_setverbose(0);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_reader	 in, rec;
	struct ppp_params	 conf;
	struct ppp_link		 link;
	struct ipcp_cb		 cb;
	struct ipcp_addrs	 a;
	struct fz		 z;
	uint8_t			 setup, op;
	uint16_t		 len;
	int			 when;

	wire_reader_init(&in, data, size);
	if (wire_get_u8(&in, &setup) == -1)
		return (0);
	memset(&z, 0, sizeof(z));
	fz_link_init(&z.fl, &link, (setup & 0x80) != 0, 7, fz_check, &z);
	when = setup & 3;
	z.sync = when == 1;
	if (!(setup & 0x10))
		z.addrs.local.s_addr = htonl(0x0a000001);
	z.addrs.peer.s_addr = htonl(0x0a000002);
	if (setup & 0x04) {
		z.addrs.dns[0].s_addr = htonl(0xc0000235);
		z.addrs.dns[1].s_addr = htonl(0xc6336435);
	}
	if (setup & 0x08) {
		z.addrs.nbns[0].s_addr = htonl(0xc0000289);
		z.addrs.nbns[1].s_addr = htonl(0xc6336489);
	}

	ppp_params_default(&conf);
	conf.echo_interval = 0;
	if (setup & 0x20) {
		conf.auth[0] = PPP_AUTH_PAP;
		conf.nauth = 1;
	}
	if ((z.fl.ppp = ppp_new(1, &conf, &link)) == NULL)
		return (0);
	memset(&cb, 0, sizeof(cb));
	cb.arg = &z;
	cb.need_addrs = fz_need_addrs;
	cb.up = fz_up;
	cb.down = fz_down;
	if ((z.ipcp = ipcp_new(z.fl.ppp, &cb)) == NULL) {
		ppp_free(z.fl.ppp);
		return (0);
	}
	if (when == 0)
		ipcp_set_addrs(z.ipcp, &z.addrs);
	ppp_start(z.fl.ppp);
	fz_open(&z, (setup & 0x40) != 0);

	while (wire_get_u8(&in, &op) == 0 && wire_get_u16(&in, &len) == 0) {
		if (wire_left(&in) < len)
			len = wire_left(&in);
		wire_get_sub(&in, &rec, len);
		switch (op % 9) {
		case 0:
			fz_frame(&z, PPP_IPCP, &rec);
			break;
		case 1:
			fz_link_fire(&z.fl);
			break;
		case 2:
			fz_frame(&z, 0, &rec);
			break;
		case 3:
			if (when != 2)
				break;
			a = z.addrs;
			if (wire_left(&rec) >= 4)
				wire_get_bytes(&rec, &a.peer, 4);
			/* What the checks hold the engine to. */
			if (!z.ipcp->have_addrs)
				z.addrs = a;
			ipcp_set_addrs(z.ipcp, &a);
			break;
		case 4:
			ppp_auth_done(z.fl.ppp, 1, NULL);
			break;
		case 5:
			fz_frame(&z, PPP_LCP, &rec);
			break;
		case 6:
			ppp_close(z.fl.ppp, "fuzz");
			break;
		case 7:
			fz_frame(&z, PPP_IPCP, &rec);
			fz_link_fire(&z.fl);
			break;
		default:
			fz_ack_ours(&z);
			break;
		}
	}
	ipcp_free(z.ipcp);
	ppp_free(z.fl.ppp);
	return (0);
}

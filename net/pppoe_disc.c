/*
 * pppoe_disc.c: the PPPoE discovery process.  Exec'd by the parent,
 * chrooted, without privileges, under seccomp; it gets the discovery
 * sockets (one per "listen pppoe") over its channel.
 *
 * PADI gets a PADO with an AC-Cookie and no state is kept; a PADR whose
 * cookie is ours becomes a request to the parent, which starts the
 * session and gives its id, and the PADS goes out from here.  A PADT from
 * a peer goes to the parent; when a session ends the parent says so and
 * the PADT to the peer goes out from here.
 *
 * Floods cost little: per-interface and per-MAC token buckets (the MAC
 * table has a fixed size), a bounded table of PADRs waiting for the
 * parent, and log lines about dropped frames limited per interval.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/tree.h>

#include <errno.h>
#include <event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"
#include "pppoe.h"
#include "pppoe_disc.h"

#define DISC_BURST_MAX		64	/* frames per socket per wakeup */
#define DISC_MAC_BUCKETS	4096	/* per-MAC rate state, fixed */
#define DISC_PENDING_MAX	128	/* PADRs the parent has not answered */
#define DISC_TAG_COPY_MAX	128	/* Host-Uniq, Relay-Session-Id kept */
#define DISC_LOG_BUDGET		20	/* drop lines per DISC_LOG_INTERVAL */
#define DISC_LOG_INTERVAL	10	/* seconds */
#define DISC_STATS_INTERVAL	1	/* seconds between reports */
#define DISC_PADS_AGAIN_MS	10000	/* a PADR repeated this soon after
					   its PADS gets the same PADS */

/* A token bucket: rate per second, as many in a burst. */
struct bucket {
	uint64_t	 last_ms;
	uint32_t	 tokens_milli;	/* thousandths of a token */
};

struct mac_bucket {
	uint32_t	 ifindex;
	uint8_t		 mac[6];
	struct bucket	 b;
};

struct disc_if {
	TAILQ_ENTRY(disc_if)	 entry;
	struct disc_iface	 conf;
	int			 fd;
	struct event		 ev;
	struct bucket		 all;
};
TAILQ_HEAD(disc_ifs, disc_if);

/* A PADR waiting for the parent; what its PADS must echo. */
struct disc_pending {
	TAILQ_ENTRY(disc_pending) entry;
	uint32_t		 reqid;
	uint32_t		 ifindex;
	uint8_t			 mac[6];
	char			 service[DISC_SERVICE_LEN];
	uint8_t			 host_uniq[DISC_TAG_COPY_MAX];
	size_t			 host_uniq_len;
	int			 has_host_uniq;
	uint8_t			 relay_id[DISC_TAG_COPY_MAX];
	size_t			 relay_id_len;
	int			 has_relay_id;
	int			 max_payload;	/* echoed if not 0 */
};
TAILQ_HEAD(disc_pendings, disc_pending);

/* A running session, for PADT checks and the session limits. */
struct live_session {
	RB_ENTRY(live_session)	 entry;
	uint32_t		 ifindex;
	uint8_t			 mac[6];
	uint16_t		 session_id;
	/* its PADS, for a client that sends its PADR again */
	uint64_t		 started_ms;	/* 0: unknown (restart) */
	struct disc_pending	 pads;
};
RB_HEAD(live_sessions, live_session);


struct disc {
	struct imsgev		 parent_iev;
	struct disc_conf	 conf;
	struct disc_ifs		 ifs;
	struct disc_ifs		 next_ifs;	/* being received */
	int			 receiving;
	struct live_sessions	 sessions;
	uint32_t		 nsessions;
	struct disc_pendings	 pending;
	uint32_t		 npending;
	uint32_t		 next_reqid;
	struct pppoe_cookie_key	 cookie;
	uint32_t		 salt;		/* MAC table hash */
	struct mac_bucket	 macs[DISC_MAC_BUCKETS];
	struct disc_stats	 stats;
	int			 stats_dirty;
	struct event		 stats_ev;
	time_t			 log_start;
	int			 log_used;
	uint64_t		 log_suppressed;
	uint8_t			 frame[1518];	/* one read at a time */
};

/* The process's one state object. */
static struct disc	 disc;

static void	 disc_dispatch_parent(int, short, void *);
static void	 disc_conf_iface(struct imsg *);
static void	 disc_conf_end(void);
static void	 disc_if_free(struct disc_ifs *, struct disc_if *);
static struct disc_if *disc_if_find(uint32_t);
static void	 disc_read(int, short, void *);
static void	 disc_input(struct disc_if *, const uint8_t *, size_t);
static void	 disc_padi(struct disc_if *, const struct pppoe_disc *);
static void	 disc_padr(struct disc_if *, const struct pppoe_disc *);
static void	 disc_padt_in(struct disc_if *, const struct pppoe_disc *);
static int	 disc_service_ok(const struct disc_if *,
		    const struct pppoe_tag *);
static int	 disc_max_payload(const struct disc_if *,
		    const struct pppoe_disc *);
static int	 disc_over_limits(const struct disc_if *, const uint8_t *);
static int	 disc_rate_ok(struct disc_if *, const uint8_t *);
static int	 bucket_take(struct bucket *, int, uint64_t);
static void	 disc_answer(struct imsg *);
static void	 disc_pads(struct disc_if *, const struct disc_pending *,
		    const struct disc_session *);
static void	 disc_session_ref(struct imsg *);
static void	 disc_session_add(uint32_t, const uint8_t *, uint16_t,
		    const struct disc_pending *);
static struct live_session *disc_pads_again(const struct disc_pending *);
static void	 disc_padt_out(uint32_t, const uint8_t *, uint16_t);
static void	 disc_send(struct disc_if *, const struct pppoe_buf *,
		    const char *);
static void	 disc_drop(const struct disc_if *, const uint8_t *,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static void	 disc_stats_changed(void);
static void	 disc_stats_timer(int, short, void *);
static uint64_t	 disc_now_ms(void);
static int	 live_cmp(struct live_session *, struct live_session *);
static struct live_session *live_first(uint32_t, const uint8_t *);
static struct live_session *live_next(struct live_session *);

RB_PROTOTYPE(live_sessions, live_session, entry, live_cmp);
RB_GENERATE(live_sessions, live_session, entry, live_cmp)

static int
live_cmp(struct live_session *a, struct live_session *b)
{
	int	 c;

	if (a->ifindex != b->ifindex)
		return (a->ifindex < b->ifindex ? -1 : 1);
	if ((c = memcmp(a->mac, b->mac, sizeof(a->mac))) != 0)
		return (c);
	return (a->session_id < b->session_id ? -1 :
	    a->session_id > b->session_id);
}

void
pppoe_disc_main(const char *user, const char *chroot_dir)
{
	log_procinit("discovery");
	/* The HMAC for cookies comes from OpenSSL: fetch it while we can. */
	if (pppoe_cookie_init(&disc.cookie) == -1)
		fatalx("cannot set up the AC-Cookie key");
	if (getrandom(&disc.salt, sizeof(disc.salt), 0) !=
	    sizeof(disc.salt))
		fatal("getrandom");
	event_init();
	sandbox_demote(SANDBOX_DISCOVERY, user, chroot_dir, "discovery");

	TAILQ_INIT(&disc.ifs);
	TAILQ_INIT(&disc.next_ifs);
	TAILQ_INIT(&disc.pending);
	RB_INIT(&disc.sessions);
	disc.next_reqid = 1;
	evtimer_set(&disc.stats_ev, disc_stats_timer, NULL);
	imsgev_init(&disc.parent_iev, PPPOXD_IMSG_FD, disc_dispatch_parent,
	    NULL);
	imsgev_add(&disc.parent_iev);
	event_dispatch();
	fatalx("event loop ended");
}

static void
disc_dispatch_parent(int fd, short event, void *arg)
{
	struct imsgev	*iev = &disc.parent_iev;
	struct imsg	 imsg;
	int		 r;

	(void)fd;
	(void)arg;
	if (imsgev_io(iev, event) == -1)
		exit(0);	/* the parent is gone; so are we */
	while ((r = imsgev_get(iev, &imsg)) > 0) {
		switch (imsg.hdr.type) {
		case IMSG_DISC_CONF:
			if (imsg_get_data(&imsg, &disc.conf,
			    sizeof(disc.conf)) == -1)
				fatalx("bad %s", imsg_type_name(imsg.hdr.type));
			while (!TAILQ_EMPTY(&disc.next_ifs))
				disc_if_free(&disc.next_ifs,
				    TAILQ_FIRST(&disc.next_ifs));
			disc.receiving = 1;
			break;
		case IMSG_DISC_IFACE:
			disc_conf_iface(&imsg);
			break;
		case IMSG_DISC_CONF_END:
			disc_conf_end();
			break;
		case IMSG_DISC_SESSION:
			disc_answer(&imsg);
			break;
		case IMSG_DISC_SESSION_UP:
		case IMSG_DISC_SESSION_END:
			disc_session_ref(&imsg);
			break;
		default:
			fatalx("unexpected message %s from parent",
			    imsg_type_name(imsg.hdr.type));
		}
		imsg_free(&imsg);
	}
	if (r == -1)
		fatalx("protocol error on the parent channel");
	imsgev_add(iev);
}

static void
disc_conf_iface(struct imsg *imsg)
{
	struct disc_if	*di;
	int		 fd;

	if ((di = calloc(1, sizeof(*di))) == NULL)
		fatal("%s", __func__);
	if (!disc.receiving ||
	    imsg_get_data(imsg, &di->conf, sizeof(di->conf)) == -1 ||
	    (fd = imsg_get_fd(imsg)) == -1 ||
	    memchr(di->conf.ifname, '\0', sizeof(di->conf.ifname)) == NULL ||
	    memchr(di->conf.ac_name, '\0', sizeof(di->conf.ac_name)) == NULL ||
	    di->conf.nservices < 0 || di->conf.nservices > DISC_SERVICE_MAX)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	di->fd = fd;
	event_set(&di->ev, fd, EV_READ | EV_PERSIST, disc_read, di);
	TAILQ_INSERT_TAIL(&disc.next_ifs, di, entry);
}

/* The new set replaces the old one; sessions are not affected. */
static void
disc_conf_end(void)
{
	struct disc_if	*di;

	if (!disc.receiving)
		fatalx("%s without %s", imsg_type_name(IMSG_DISC_CONF_END),
		    imsg_type_name(IMSG_DISC_CONF));
	disc.receiving = 0;
	while ((di = TAILQ_FIRST(&disc.ifs)) != NULL)
		disc_if_free(&disc.ifs, di);
	while ((di = TAILQ_FIRST(&disc.next_ifs)) != NULL) {
		TAILQ_REMOVE(&disc.next_ifs, di, entry);
		TAILQ_INSERT_TAIL(&disc.ifs, di, entry);
		event_add(&di->ev, NULL);
		log_debug("serving %s, AC-Name \"%s\", %d service(s)%s",
		    di->conf.ifname, di->conf.ac_name, di->conf.nservices,
		    di->conf.any_service ? " and any" : "");
	}
}

/* From the running set (its event is added) or the one being received. */
static void
disc_if_free(struct disc_ifs *head, struct disc_if *di)
{
	if (head == &disc.ifs)
		event_del(&di->ev);
	TAILQ_REMOVE(head, di, entry);
	close(di->fd);
	free(di);
}

static struct disc_if *
disc_if_find(uint32_t ifindex)
{
	struct disc_if	*di;

	TAILQ_FOREACH(di, &disc.ifs, entry)
		if (di->conf.ifindex == ifindex)
			return (di);
	return (NULL);
}

static void
disc_read(int fd, short event, void *arg)
{
	struct disc_if	*di = arg;
	ssize_t		 n;
	int		 i;

	(void)event;
	for (i = 0; i < DISC_BURST_MAX; i++) {
		if ((n = read(fd, disc.frame, sizeof(disc.frame))) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: read", di->conf.ifname);
			return;
		}
		disc_input(di, disc.frame, n);
	}
}

static void
disc_input(struct disc_if *di, const uint8_t *frame, size_t len)
{
	struct pppoe_disc	 d;
	const char		*why;
	char			 m[18];

	if (pppoe_disc_parse(frame, len, &d, &why) == -1) {
		disc.stats.malformed++;
		disc_stats_changed();
		disc_drop(di, len >= 12 ? frame + 6 : NULL, "%s", why);
		return;
	}
	switch (d.code) {
	case PPPOE_CODE_PADI:
		disc.stats.padi++;
		break;
	case PPPOE_CODE_PADR:
		disc.stats.padr++;
		break;
	case PPPOE_CODE_PADT:
		disc.stats.padt_in++;
		break;
	}
	disc_stats_changed();
	/* On a promiscuous interface: another concentrator's, seen only. */
	if (d.code != PPPOE_CODE_PADI &&
	    memcmp(d.dst, di->conf.mac, sizeof(d.dst)) != 0) {
		log_debug("%s: ignoring code 0x%02x to %s", di->conf.ifname,
		    d.code, pppoe_mac_str(d.dst, m, sizeof(m)));
		return;
	}
	switch (d.code) {
	case PPPOE_CODE_PADI:
		disc_padi(di, &d);
		break;
	case PPPOE_CODE_PADR:
		disc_padr(di, &d);
		break;
	case PPPOE_CODE_PADT:
		disc_padt_in(di, &d);
		break;
	}
	disc_stats_changed();
}

static void
disc_padi(struct disc_if *di, const struct pppoe_disc *d)
{
	struct pppoe_buf	 b;
	uint8_t			 cookie[PPPOE_COOKIE_LEN];
	uint16_t		 mp;
	int			 i, max_payload;

	if (!disc_rate_ok(di, d->src))
		return;
	if (!disc_service_ok(di, &d->service)) {
		disc.stats.unknown_service++;
		disc_drop(di, d->src, "PADI for service \"%.*s\", not offered",
		    d->service.len > 64 ? 64 : (int)d->service.len,
		    (const char *)d->service.p);
		return;
	}
	/* RFC 2516 allows silence; a full AC had better not offer. */
	if (disc_over_limits(di, d->src))
		return;
	if (pppoe_cookie_make(&disc.cookie, d->src, di->conf.ifindex,
	    disc_now_ms() / 1000, cookie) == -1)
		return;
	max_payload = disc_max_payload(di, d);

	pppoe_build_start(&b, d->src, di->conf.mac, PPPOE_CODE_PADO, 0);
	if (pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, di->conf.ac_name,
	    strlen(di->conf.ac_name)) == -1)
		return;
	/* The service asked for; for "any", each we offer. */
	if (pppoe_build_tag(&b, PPPOE_TAG_SERVICE, d->service.p,
	    d->service.len) == -1)
		return;
	if (d->service.len == 0)
		for (i = 0; i < di->conf.nservices; i++)
			if (pppoe_build_tag(&b, PPPOE_TAG_SERVICE,
			    di->conf.services[i],
			    strlen(di->conf.services[i])) == -1)
				return;
	if (pppoe_build_tag(&b, PPPOE_TAG_COOKIE, cookie,
	    sizeof(cookie)) == -1)
		return;
	if (d->host_uniq.present && pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ,
	    d->host_uniq.p, d->host_uniq.len) == -1)
		return;
	if (d->relay_id.present && pppoe_build_tag(&b, PPPOE_TAG_RELAY_ID,
	    d->relay_id.p, d->relay_id.len) == -1)
		return;
	if (max_payload > 0) {
		mp = htons((uint16_t)max_payload);
		if (pppoe_build_tag(&b, PPPOE_TAG_MAX_PAYLOAD, &mp,
		    sizeof(mp)) == -1)
			return;
	}
	disc_send(di, &b, "PADO");
	disc.stats.pado++;
}

/*
 * A PADR with our cookie: one request to the parent per MAC and
 * Host-Uniq at a time (clients resend PADR while they wait).  A service
 * we do not offer gets a PADS with Service-Name-Error at once.
 */
static void
disc_padr(struct disc_if *di, const struct pppoe_disc *d)
{
	struct disc_pending	 want, *p;
	struct disc_session_req	 req;
	struct disc_session	 ans;
	struct live_session	*ls;
	char			 m[18];

	/*
	 * Not rate-limited: a PADR needs a cookie from a PADI that was,
	 * and a client starting several sessions at once sends them all.
	 */
	if (!d->cookie.present || pppoe_cookie_check(&disc.cookie, d->src,
	    di->conf.ifindex, disc_now_ms() / 1000, d->cookie.p,
	    d->cookie.len) == -1) {
		disc.stats.bad_cookie++;
		disc_drop(di, d->src, "PADR without a valid AC-Cookie");
		return;
	}
	if (d->host_uniq.len > DISC_TAG_COPY_MAX ||
	    d->relay_id.len > DISC_TAG_COPY_MAX) {
		disc.stats.malformed++;
		disc_drop(di, d->src, "PADR with a Host-Uniq or "
		    "Relay-Session-Id longer than %d", DISC_TAG_COPY_MAX);
		return;
	}
	memset(&want, 0, sizeof(want));
	want.ifindex = di->conf.ifindex;
	memcpy(want.mac, d->src, 6);
	snprintf(want.service, sizeof(want.service), "%.*s",
	    (int)d->service.len, (const char *)d->service.p);
	want.has_host_uniq = d->host_uniq.present;
	want.host_uniq_len = d->host_uniq.len;
	memcpy(want.host_uniq, d->host_uniq.p, d->host_uniq.len);
	want.has_relay_id = d->relay_id.present;
	want.relay_id_len = d->relay_id.len;
	memcpy(want.relay_id, d->relay_id.p, d->relay_id.len);
	want.max_payload = disc_max_payload(di, d);

	if (!disc_service_ok(di, &d->service) ||
	    d->service.len >= sizeof(want.service)) {
		disc.stats.unknown_service++;
		disc_drop(di, d->src, "PADR for service \"%.*s\", not offered",
		    d->service.len > 64 ? 64 : (int)d->service.len,
		    (const char *)d->service.p);
		disc_pads(di, &want, NULL);
		return;
	}
	if ((ls = disc_pads_again(&want)) != NULL) {
		memset(&ans, 0, sizeof(ans));
		ans.refusal = DISC_OK;
		ans.session_id = ls->session_id;
		log_debug("%s: PADR again from %s: PADS for session %u again",
		    di->conf.ifname, pppoe_mac_str(want.mac, m, sizeof(m)),
		    ls->session_id);
		disc_pads(di, &ls->pads, &ans);
		return;
	}
	TAILQ_FOREACH(p, &disc.pending, entry)
		if (p->ifindex == want.ifindex &&
		    memcmp(p->mac, want.mac, 6) == 0 &&
		    p->host_uniq_len == want.host_uniq_len &&
		    memcmp(p->host_uniq, want.host_uniq,
		    want.host_uniq_len) == 0)
			return;		/* the same PADR again */
	if (disc_over_limits(di, d->src))
		return;
	if (disc.npending >= DISC_PENDING_MAX) {
		disc.stats.over_limit++;
		disc_drop(di, d->src, "PADR while %d others wait",
		    DISC_PENDING_MAX);
		return;
	}
	if ((p = malloc(sizeof(*p))) == NULL) {
		log_warn("%s", __func__);
		return;
	}
	*p = want;
	p->reqid = disc.next_reqid++;
	TAILQ_INSERT_TAIL(&disc.pending, p, entry);
	disc.npending++;

	memset(&req, 0, sizeof(req));
	req.ifindex = p->ifindex;
	memcpy(req.peer_mac, p->mac, 6);
	strlcpy(req.service, p->service, sizeof(req.service));
	req.max_payload = p->max_payload > 0 ? p->max_payload : PPPOE_MTU;
	imsgev_compose(&disc.parent_iev, IMSG_DISC_SESSION_REQ, p->reqid, -1,
	    &req, sizeof(req));
}

/* The sessions of one MAC on one interface, in session id order. */
static struct live_session *
live_first(uint32_t ifindex, const uint8_t *mac)
{
	struct live_session	 key, *s;

	memset(&key, 0, sizeof(key));
	key.ifindex = ifindex;
	memcpy(key.mac, mac, sizeof(key.mac));
	s = RB_NFIND(live_sessions, &disc.sessions, &key);
	if (s == NULL || s->ifindex != ifindex ||
	    memcmp(s->mac, mac, sizeof(s->mac)) != 0)
		return (NULL);
	return (s);
}

static struct live_session *
live_next(struct live_session *s)
{
	struct live_session	*n;

	n = RB_NEXT(live_sessions, &disc.sessions, s);
	if (n == NULL || n->ifindex != s->ifindex ||
	    memcmp(n->mac, s->mac, sizeof(n->mac)) != 0)
		return (NULL);
	return (n);
}

/*
 * A client whose PADS got lost sends its PADR again, with the same
 * Host-Uniq: it gets the same PADS, not a second session.  Later, the
 * same PADR is a client that started over, and a new session.
 */
static struct live_session *
disc_pads_again(const struct disc_pending *want)
{
	struct live_session	*s;
	uint64_t		 now = disc_now_ms();

	for (s = live_first(want->ifindex, want->mac); s != NULL;
	    s = live_next(s))
		if (s->started_ms != 0 &&
		    now - s->started_ms < DISC_PADS_AGAIN_MS &&
		    s->pads.has_host_uniq == want->has_host_uniq &&
		    s->pads.host_uniq_len == want->host_uniq_len &&
		    memcmp(s->pads.host_uniq, want->host_uniq,
		    want->host_uniq_len) == 0)
			return (s);
	return (NULL);
}

static void
disc_padt_in(struct disc_if *di, const struct pppoe_disc *d)
{
	struct live_session	 key;
	struct disc_padt	 padt;

	memset(&key, 0, sizeof(key));
	key.ifindex = di->conf.ifindex;
	memcpy(key.mac, d->src, 6);
	key.session_id = d->session_id;
	if (RB_FIND(live_sessions, &disc.sessions, &key) == NULL) {
		disc.stats.unknown_session++;
		disc_drop(di, d->src, "PADT for no session of it (%u)",
		    d->session_id);
		return;
	}
	memset(&padt, 0, sizeof(padt));
	padt.ifindex = key.ifindex;
	memcpy(padt.peer_mac, key.mac, 6);
	padt.session_id = key.session_id;
	imsgev_compose(&disc.parent_iev, IMSG_DISC_PADT, 0, -1, &padt,
	    sizeof(padt));
}

/*
 * An empty Service-Name asks for any service; a named one must be
 * configured, unless none is, as pppoe-server without -S.
 */
static int
disc_service_ok(const struct disc_if *di, const struct pppoe_tag *svc)
{
	int	 i;

	if (svc->len == 0)
		return (di->conf.any_service);
	if (di->conf.nservices == 0)
		return (1);
	for (i = 0; i < di->conf.nservices; i++)
		if (strlen(di->conf.services[i]) == svc->len &&
		    memcmp(di->conf.services[i], svc->p, svc->len) == 0)
			return (1);
	return (0);
}

/*
 * RFC 4638: a PPP-Max-Payload above 1492 is echoed when the Ethernet
 * MTU carries it with the PPPoE header and PPP protocol field (RFC 4638
 * 4: 1508 for 1500); 0 means no tag (and 1492).
 */
static int
disc_max_payload(const struct disc_if *di, const struct pppoe_disc *d)
{
	if (d->max_payload <= PPPOE_MTU ||
	    d->max_payload + PPPOE_OVERHEAD > di->conf.mtu)
		return (0);
	return (d->max_payload);
}

/* Sessions at their limit: say nothing (RFC 2516 lets the AC be silent). */
static int
disc_over_limits(const struct disc_if *di, const uint8_t *mac)
{
	struct live_session	*s;
	int			 n = 0;

	if (disc.conf.max_sessions > 0 &&
	    disc.nsessions + disc.npending >= disc.conf.max_sessions) {
		disc.stats.over_limit++;
		disc_drop(di, mac, "max-sessions %u reached",
		    disc.conf.max_sessions);
		return (1);
	}
	if (di->conf.max_per_mac <= 0)
		return (0);
	for (s = live_first(di->conf.ifindex, mac); s != NULL;
	    s = live_next(s))
		n++;
	if (n >= di->conf.max_per_mac) {
		disc.stats.over_limit++;
		disc_drop(di, mac, "max-sessions-per-mac %d reached",
		    di->conf.max_per_mac);
		return (1);
	}
	return (0);
}

/*
 * padi-limit and padi-limit-per-mac.  The per-MAC state is a fixed
 * table indexed by a salted hash: a flood from random MACs reuses slots
 * instead of growing memory.
 */
static int
disc_rate_ok(struct disc_if *di, const uint8_t *mac)
{
	struct mac_bucket	*mb;
	uint64_t		 now = disc_now_ms();
	uint32_t		 h = disc.salt ^ di->conf.ifindex;
	int			 i;

	if (!bucket_take(&di->all, di->conf.padi_limit, now)) {
		disc.stats.rate_limited++;
		disc_drop(di, mac, "over padi-limit %d/s",
		    di->conf.padi_limit);
		return (0);
	}
	if (di->conf.padi_limit_per_mac <= 0)
		return (1);
	for (i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619U;	/* FNV-1a */
	mb = &disc.macs[h % DISC_MAC_BUCKETS];
	if (mb->ifindex != di->conf.ifindex || memcmp(mb->mac, mac, 6) != 0) {
		memset(mb, 0, sizeof(*mb));
		mb->ifindex = di->conf.ifindex;
		memcpy(mb->mac, mac, 6);
	}
	if (!bucket_take(&mb->b, di->conf.padi_limit_per_mac, now)) {
		disc.stats.rate_limited++;
		disc_drop(di, mac, "over padi-limit-per-mac %d/s",
		    di->conf.padi_limit_per_mac);
		return (0);
	}
	return (1);
}

/* One token from a bucket of rate per second and burst rate; 0: none. */
static int
bucket_take(struct bucket *b, int rate, uint64_t now)
{
	uint64_t	 cap, t;

	if (rate <= 0)
		return (1);
	cap = (uint64_t)rate * 1000;
	if (b->last_ms == 0)
		t = cap;
	else {
		/* rate tokens per 1000 ms, in thousandths of a token */
		t = b->tokens_milli + (now - b->last_ms) * rate;
		if (t > cap)
			t = cap;
	}
	b->last_ms = now;
	if (t < 1000) {
		b->tokens_milli = t;
		return (0);
	}
	b->tokens_milli = t - 1000;
	return (1);
}

/* The parent's answer to a PADR: PADS with the session, or an error. */
static void
disc_answer(struct imsg *imsg)
{
	struct disc_session	 ans;
	struct disc_pending	*p;
	struct disc_if		*di;

	if (imsg_get_data(imsg, &ans, sizeof(ans)) == -1 ||
	    memchr(ans.reason, '\0', sizeof(ans.reason)) == NULL)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	TAILQ_FOREACH(p, &disc.pending, entry)
		if (p->reqid == imsg->hdr.peerid)
			break;
	if (p == NULL)
		fatalx("%s for no request", imsg_type_name(imsg->hdr.type));
	TAILQ_REMOVE(&disc.pending, p, entry);
	disc.npending--;
	if (ans.refusal == DISC_OK)
		disc_session_add(p->ifindex, p->mac, ans.session_id, p);
	if ((di = disc_if_find(p->ifindex)) != NULL)
		disc_pads(di, p, &ans);
	free(p);
}

/* PADS: with a session (ans DISC_OK), or session 0 and an error tag. */
static void
disc_pads(struct disc_if *di, const struct disc_pending *p,
    const struct disc_session *ans)
{
	struct pppoe_buf	 b;
	uint16_t		 tag, mp;
	const char		*reason;

	if (ans != NULL && ans->refusal == DISC_OK) {
		pppoe_build_start(&b, p->mac, di->conf.mac, PPPOE_CODE_PADS,
		    ans->session_id);
		tag = 0;
		reason = NULL;
	} else {
		pppoe_build_start(&b, p->mac, di->conf.mac, PPPOE_CODE_PADS,
		    0);
		switch (ans == NULL ? DISC_REFUSE_SERVICE : ans->refusal) {
		case DISC_REFUSE_SERVICE:
			tag = PPPOE_TAG_SERVICE_ERR;
			break;
		case DISC_REFUSE_SYSTEM:
			tag = PPPOE_TAG_SYSTEM_ERR;
			break;
		default:
			tag = PPPOE_TAG_GENERIC_ERR;
			break;
		}
		reason = ans == NULL ? "service not offered" : ans->reason;
	}
	if (pppoe_build_tag(&b, PPPOE_TAG_SERVICE, p->service,
	    strlen(p->service)) == -1)
		return;
	if (p->has_host_uniq && pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ,
	    p->host_uniq, p->host_uniq_len) == -1)
		return;
	if (p->has_relay_id && pppoe_build_tag(&b, PPPOE_TAG_RELAY_ID,
	    p->relay_id, p->relay_id_len) == -1)
		return;
	if (tag == 0 && p->max_payload > 0) {
		mp = htons((uint16_t)p->max_payload);
		if (pppoe_build_tag(&b, PPPOE_TAG_MAX_PAYLOAD, &mp,
		    sizeof(mp)) == -1)
			return;
	}
	if (tag != 0) {
		if (pppoe_build_tag(&b, tag, reason, strlen(reason)) == -1)
			return;
		disc.stats.refused++;
	}
	disc_send(di, &b, "PADS");
	disc.stats.pads++;
	disc_stats_changed();
}

/* IMSG_DISC_SESSION_UP and _END: the session table follows the parent's. */
static void
disc_session_ref(struct imsg *imsg)
{
	struct disc_sess	 ds;
	struct live_session	 key, *s;

	if (imsg_get_data(imsg, &ds, sizeof(ds)) == -1)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	if (imsg->hdr.type == IMSG_DISC_SESSION_UP) {
		disc_session_add(ds.ifindex, ds.peer_mac, ds.session_id, NULL);
		return;
	}
	memset(&key, 0, sizeof(key));
	key.ifindex = ds.ifindex;
	memcpy(key.mac, ds.peer_mac, 6);
	key.session_id = ds.session_id;
	if ((s = RB_FIND(live_sessions, &disc.sessions, &key)) != NULL) {
		RB_REMOVE(live_sessions, &disc.sessions, s);
		disc.nsessions--;
		free(s);
	}
	if (ds.send_padt)
		disc_padt_out(ds.ifindex, ds.peer_mac, ds.session_id);
}

static void
disc_session_add(uint32_t ifindex, const uint8_t *mac, uint16_t sid,
    const struct disc_pending *p)
{
	struct live_session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	s->ifindex = ifindex;
	memcpy(s->mac, mac, 6);
	s->session_id = sid;
	if (p != NULL) {
		s->pads = *p;
		s->started_ms = disc_now_ms();
	}
	if (RB_INSERT(live_sessions, &disc.sessions, s) != NULL) {
		free(s);	/* known already */
		return;
	}
	disc.nsessions++;
}

static void
disc_padt_out(uint32_t ifindex, const uint8_t *mac, uint16_t sid)
{
	struct disc_if		*di;
	struct pppoe_buf	 b;
	static const char	 msg[] = "session closed";

	if ((di = disc_if_find(ifindex)) == NULL)
		return;		/* not served any more */
	pppoe_build_start(&b, mac, di->conf.mac, PPPOE_CODE_PADT, sid);
	if (pppoe_build_tag(&b, PPPOE_TAG_GENERIC_ERR, msg,
	    sizeof(msg) - 1) == -1)
		return;
	disc_send(di, &b, "PADT");
	disc.stats.padt_out++;
	disc_stats_changed();
}

static void
disc_send(struct disc_if *di, const struct pppoe_buf *b, const char *what)
{
	if (write(di->fd, b->data, b->len) == -1)
		log_warn("%s: sending %s", di->conf.ifname, what);
}

/*
 * Why a frame was dropped, at most DISC_LOG_BUDGET lines per interval
 * so that a flood does not become a flood of log lines.
 */
static void
disc_drop(const struct disc_if *di, const uint8_t *mac, const char *fmt, ...)
{
	char	 why[160], m[18];
	time_t	 now = time(NULL);
	va_list	 ap;

	if (now - disc.log_start >= DISC_LOG_INTERVAL) {
		if (disc.log_suppressed > 0)
			log_info("%llu more dropped discovery frames not "
			    "logged", (unsigned long long)disc.log_suppressed);
		disc.log_start = now;
		disc.log_used = 0;
		disc.log_suppressed = 0;
	}
	if (disc.log_used >= DISC_LOG_BUDGET) {
		disc.log_suppressed++;
		return;
	}
	disc.log_used++;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_info("%s: dropped frame from %s: %s", di->conf.ifname,
	    mac != NULL ? pppoe_mac_str(mac, m, sizeof(m)) : "?", why);
}

static void
disc_stats_changed(void)
{
	struct timeval	 tv = { DISC_STATS_INTERVAL, 0 };

	if (disc.stats_dirty)
		return;
	disc.stats_dirty = 1;
	evtimer_add(&disc.stats_ev, &tv);
}

static void
disc_stats_timer(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	disc.stats_dirty = 0;
	imsgev_compose(&disc.parent_iev, IMSG_DISC_STATS, 0, -1, &disc.stats,
	    sizeof(disc.stats));
}

static uint64_t
disc_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

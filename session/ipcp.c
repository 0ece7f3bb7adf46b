/*
 * ipcp.c: IPCP for the server side of a link (see ipcp.h).  The option
 * table below is the whole of the negotiation; where RFC 1332 leaves a
 * choice this does what pppd does as a server with a fixed local
 * address, the pool address as the remote one, "novj", "ms-dns" and
 * "ms-wins":
 *	IP-Address	the peer gets exactly the assigned address: anything
 *			else (0.0.0.0 from clients that want one) is Naked
 *			with it; ours is requested and never moved
 *	DNS, NBNS	Naked with the configured server, Rejected when none
 *			is configured (pitfalls C1: never Nak with 0.0.0.0)
 *	VJ, IP-Addresses and anything unknown: Rejected
 * Unlike an automaton-only protocol (fsm_register()), IPCP does not open
 * when the Network phase begins but when the parent has given it the
 * addresses; a Configure-Request that comes in between is kept.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fsm.h"
#include "ipcp.h"
#include "log.h"
#include "ppp.h"
#include "wire.h"

/* Room for "a.b.c.d". */
#define IPCP_ADDRSTRLEN		INET_ADDRSTRLEN

static void	 ipcp_proto_input(void *, struct wire_reader *);
static void	 ipcp_proto_up(void *);
static void	 ipcp_proto_down(void *);
static void	 ipcp_proto_protrej(void *);
static void	 ipcp_open(struct ipcp *);
static void	 ipcp_hold(struct ipcp *, struct wire_reader *);
static const char *ipcp_ntoa(struct in_addr, char *);
static void	 ipcp_shut(struct ipcp *, const char *, const char *);

static void	 ipcp_reset(struct fsm *);
static void	 ipcp_req_begin(struct fsm *);
static int	 ipcp_req_end(struct fsm *, struct wire_writer *);
static void	 ipcp_up(struct fsm *);
static void	 ipcp_down(struct fsm *);
static void	 ipcp_finished(struct fsm *);
static void	 ipcp_fail(struct fsm *, const char *);

static int	 ipcp_refuse_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static int	 ipcp_addr_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 ipcp_addr_nak(struct fsm *, struct wire_reader *, int);
static void	 ipcp_addr_rej(struct fsm *);
static int	 ipcp_addr_add(struct fsm *, struct wire_writer *);
static int	 ipcp_server_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *, struct in_addr,
		    struct in_addr *, const char *);
static int	 ipcp_dns1_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static int	 ipcp_nbns1_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static int	 ipcp_dns2_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static int	 ipcp_nbns2_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);

static const struct fsm_opt ipcp_opts[] = {
	/* RFC 1332 3.1: superseded by IP-Address; pppd "-ipaddrs"
	 * behaviour, which every current client copes with. */
	{ IPCP_OPT_ADDRS, 10, 10, "IP-Addresses",
	    ipcp_refuse_req, NULL, NULL, NULL },
	/* Van Jacobson (002d) and anything else: novj (pitfalls C1). */
	{ IPCP_OPT_COMP, 4, 255, "IP-Compression-Protocol",
	    ipcp_refuse_req, NULL, NULL, NULL },
	{ IPCP_OPT_ADDR, 6, 6, "IP-Address",
	    ipcp_addr_req, ipcp_addr_nak, ipcp_addr_rej, ipcp_addr_add },
	{ IPCP_OPT_DNS1, 6, 6, "Primary-DNS",
	    ipcp_dns1_req, NULL, NULL, NULL },
	{ IPCP_OPT_NBNS1, 6, 6, "Primary-NBNS",
	    ipcp_nbns1_req, NULL, NULL, NULL },
	{ IPCP_OPT_DNS2, 6, 6, "Secondary-DNS",
	    ipcp_dns2_req, NULL, NULL, NULL },
	{ IPCP_OPT_NBNS2, 6, 6, "Secondary-NBNS",
	    ipcp_nbns2_req, NULL, NULL, NULL },
};

static const struct fsm_callbacks ipcp_callbacks = {
	.name = "IPCP",
	.proto = PPP_IPCP,
	.opts = ipcp_opts,
	.nopts = sizeof(ipcp_opts) / sizeof(ipcp_opts[0]),
	.reset = ipcp_reset,
	.req_begin = ipcp_req_begin,
	.req_end = ipcp_req_end,
	.up = ipcp_up,
	.down = ipcp_down,
	.finished = ipcp_finished,
	.fail = ipcp_fail,
};

/*
 * Register before the link reaches the Network phase (before
 * ppp_start()): need_addrs is called from inside the registration
 * otherwise, before the caller has the pointer.
 */
struct ipcp *
ipcp_new(struct ppp *ppp, const struct ipcp_cb *cb)
{
	struct ipcp		*ip;
	struct ppp_proto	 p;

	if (cb->need_addrs == NULL) {
		log_warnx("ppp %u: IPCP needs a need_addrs callback", ppp->id);
		return (NULL);
	}
	if ((ip = calloc(1, sizeof(*ip))) == NULL)
		return (NULL);
	ip->ppp = ppp;
	ip->cb = *cb;
	fsm_init(&ip->fsm, ppp, &ipcp_callbacks, ip);

	memset(&p, 0, sizeof(p));
	p.proto = PPP_IPCP;
	p.name = "IPCP";
	p.phase = PPP_PHASE_NETWORK;
	p.arg = ip;
	p.input = ipcp_proto_input;
	p.up = ipcp_proto_up;
	p.down = ipcp_proto_down;
	p.protrej = ipcp_proto_protrej;
	if (ppp_register(ppp, &p) == -1) {
		free(ip);
		return (NULL);
	}
	return (ip);
}

/* Before ppp_free(): the automaton's timer lives on the link's list. */
void
ipcp_free(struct ipcp *ip)
{
	if (ip == NULL)
		return;
	ppp_unregister(ip->ppp, PPP_IPCP);
	ppp_timer_del(ip->ppp, &ip->fsm.timer);
	free(ip);
}

/*
 * The parent's answer to need_addrs.  The parent allocates once per
 * session, so only the first answer counts.  A peer address of 0 means
 * there is none for this peer: the link cannot carry IP and ends.
 */
void
ipcp_set_addrs(struct ipcp *ip, const struct ipcp_addrs *a)
{
	char	 l[IPCP_ADDRSTRLEN], p[IPCP_ADDRSTRLEN];

	if (ip->ppp->finished)
		return;
	if (ip->have_addrs) {
		ppp_log(ip->ppp, LOG_WARNING, "IPCP: addresses already set, "
		    "ignoring new ones");
		return;
	}
	if (a->peer.s_addr == INADDR_ANY) {
		ipcp_shut(ip, "no IP address for the peer", NULL);
		return;
	}
	if (a->peer.s_addr == a->local.s_addr) {
		ipcp_shut(ip, "local and peer IP addresses are the same: ",
		    ipcp_ntoa(a->peer, p));
		return;
	}
	ip->addrs = *a;
	ip->have_addrs = 1;
	ppp_log(ip->ppp, LOG_DEBUG, "IPCP: addresses: local %s, peer %s",
	    ipcp_ntoa(a->local, l), ipcp_ntoa(a->peer, p));
	if (ip->active)
		ipcp_open(ip);
}

int
ipcp_opened(const struct ipcp *ip)
{
	return (ip->opened);
}

/*
 * What was agreed, while Opened: local and peer are the addresses of the
 * interface; dns and nbns are the servers the peer took (0: it did not
 * ask for that one, or we had none).
 */
const struct ipcp_addrs *
ipcp_agreed(const struct ipcp *ip)
{
	return (ip->opened ? &ip->agreed : NULL);
}

static const char *
ipcp_ntoa(struct in_addr a, char *buf)
{
	if (inet_ntop(AF_INET, &a, buf, IPCP_ADDRSTRLEN) == NULL)
		strlcpy(buf, "?", IPCP_ADDRSTRLEN);
	return (buf);
}

/* IPCP cannot carry IP on this link: end it, with why. */
static void
ipcp_shut(struct ipcp *ip, const char *why, const char *detail)
{
	char	 reason[160];

	snprintf(reason, sizeof(reason), "IPCP: %s%s", why,
	    detail != NULL ? detail : "");
	ppp_close(ip->ppp, reason);
}

/* The Network phase began: open now if we can, else ask. */
static void
ipcp_proto_up(void *arg)
{
	struct ipcp	*ip = arg;

	ip->active = 1;
	if (ip->have_addrs) {
		ipcp_open(ip);
		return;
	}
	if (ip->asked)
		return;		/* the answer is on its way */
	ip->asked = 1;
	ppp_log(ip->ppp, LOG_DEBUG, "IPCP: waiting for addresses");
	ip->cb.need_addrs(ip->cb.arg);
}

static void
ipcp_proto_down(void *arg)
{
	struct ipcp	*ip = arg;

	ip->active = 0;
	ip->has_held = 0;
	/* Initial and Starting have nothing to take down. */
	if (ip->fsm.state != FSM_INITIAL && ip->fsm.state != FSM_STARTING)
		fsm_down(&ip->fsm);
}

static void
ipcp_proto_protrej(void *arg)
{
	struct ipcp	*ip = arg;

	fsm_protreject(&ip->fsm);
}

static void
ipcp_proto_input(void *arg, struct wire_reader *r)
{
	struct ipcp	*ip = arg;

	if (!ip->have_addrs) {
		ipcp_hold(ip, r);
		return;
	}
	fsm_input(&ip->fsm, r);
}

/*
 * Before the addresses the automaton is in Initial, where RFC 1661
 * discards everything and pppd, in Closed, answers Terminate-Ack
 * (pitfalls C1).  Keep the latest Configure-Request instead; nothing
 * else can be useful yet.
 */
static void
ipcp_hold(struct ipcp *ip, struct wire_reader *r)
{
	uint8_t	 code = 0;

	if (wire_peek_u8(r, &code) == -1 || code != CP_CONFREQ) {
		ppp_log(ip->ppp, LOG_DEBUG, "IPCP: dropped %s: no addresses "
		    "yet", wire_left(r) > 0 ? fsm_code_name(code) :
		    "empty packet");
		return;
	}
	if (wire_left(r) > sizeof(ip->held)) {
		ppp_log(ip->ppp, LOG_DEBUG, "IPCP: dropped oversized early "
		    "Configure-Request");
		return;
	}
	ip->heldlen = wire_left(r);
	wire_get_bytes(r, ip->held, ip->heldlen);
	ip->has_held = 1;
	ppp_log(ip->ppp, LOG_DEBUG, "IPCP: keeping an early Configure-Request "
	    "until the addresses are known");
}

/* Start negotiating, and answer the request that waited for us. */
static void
ipcp_open(struct ipcp *ip)
{
	struct wire_reader	 r;

	fsm_open(&ip->fsm);
	fsm_up(&ip->fsm);
	if (!ip->has_held || !ip->active)
		return;
	ip->has_held = 0;
	ppp_log(ip->ppp, LOG_DEBUG, "IPCP: answering the early "
	    "Configure-Request");
	wire_reader_init(&r, ip->held, ip->heldlen);
	fsm_input(&ip->fsm, &r);
}

/* A negotiation starts: ask for our address, as configured. */
static void
ipcp_reset(struct fsm *f)
{
	struct ipcp	*ip = f->arg;

	ip->req_addr = ip->addrs.local.s_addr != INADDR_ANY;
	ip->naks = 0;
	ip->hinted = 0;
}

static void
ipcp_req_begin(struct fsm *f)
{
	struct ipcp	*ip = f->arg;

	ip->his_addr = 0;
	memset(&ip->his, 0, sizeof(ip->his));
}

/*
 * A request without IP-Address: tell the peer its address once with a
 * Nak, as pppd does; if it still does not ask, it gets the address
 * anyway when IPCP opens (pppd: "ho->hisaddr = wo->hisaddr").
 */
static int
ipcp_req_end(struct fsm *f, struct wire_writer *nak)
{
	struct ipcp	*ip = f->arg;

	if (ip->his_addr || ip->hinted)
		return (FSM_ACK);
	if (nak->len == 0)
		ip->hinted = 1;
	wire_put_u8(nak, IPCP_OPT_ADDR);
	wire_put_u8(nak, 6);
	wire_put_bytes(nak, &ip->addrs.peer, sizeof(ip->addrs.peer));
	return (FSM_NAK);
}

static void
ipcp_up(struct fsm *f)
{
	struct ipcp	*ip = f->arg;
	char		 l[IPCP_ADDRSTRLEN], p[IPCP_ADDRSTRLEN];
	char		 d0[IPCP_ADDRSTRLEN], d1[IPCP_ADDRSTRLEN];
	char		 n0[IPCP_ADDRSTRLEN], n1[IPCP_ADDRSTRLEN];

	ip->agreed = ip->his;
	ip->agreed.local = ip->addrs.local;
	ip->agreed.peer = ip->addrs.peer;
	ip->opened = 1;
	ppp_log(ip->ppp, LOG_INFO, "IPCP: opened: local %s, peer %s, dns "
	    "%s %s, nbns %s %s%s", ipcp_ntoa(ip->agreed.local, l),
	    ipcp_ntoa(ip->agreed.peer, p), ipcp_ntoa(ip->agreed.dns[0], d0),
	    ipcp_ntoa(ip->agreed.dns[1], d1), ipcp_ntoa(ip->agreed.nbns[0], n0),
	    ipcp_ntoa(ip->agreed.nbns[1], n1),
	    ip->req_addr || ip->addrs.local.s_addr == INADDR_ANY ? "" :
	    " (the peer did not take our address)");
	if (ip->cb.up != NULL)
		ip->cb.up(ip->cb.arg);
}

static void
ipcp_down(struct fsm *f)
{
	struct ipcp	*ip = f->arg;

	ip->opened = 0;
	ppp_log(ip->ppp, LOG_INFO, "IPCP: down");
	if (ip->cb.down != NULL)
		ip->cb.down(ip->cb.arg);
}

/*
 * IPCP gave up or was terminated while the link stays: with no network
 * protocol left the link is useless, and pppd closes it too ("No network
 * protocols running").
 */
static void
ipcp_finished(struct fsm *f)
{
	struct ipcp	*ip = f->arg;

	if (!ip->active || ip->ppp->finished)
		return;
	ipcp_shut(ip, f->reason[0] != '\0' ? f->reason : "finished", NULL);
}

static void
ipcp_fail(struct fsm *f, const char *why)
{
	struct ipcp	*ip = f->arg;

	ipcp_shut(ip, why, NULL);
}

/* Options we never take. */
static int
ipcp_refuse_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	(void)f;
	(void)r;
	(void)nak;
	return (FSM_REJ);
}

/*
 * The peer's IP-Address: it gets the assigned one or nothing.  Past
 * Max-Failure a Nak would become a Reject, which lets the peer go on
 * without an address it agreed to; a peer that will not take ours does
 * not get IP at all, so the link ends instead.
 */
static int
ipcp_addr_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct ipcp	*ip = f->arg;
	struct in_addr	 a;
	char		 want[IPCP_ADDRSTRLEN], got[IPCP_ADDRSTRLEN];
	char		 why[96];

	memset(&a, 0, sizeof(a));
	wire_get_bytes(r, &a, sizeof(a));
	ip->his_addr = 1;
	if (a.s_addr == ip->addrs.peer.s_addr) {
		ip->his.peer = a;
		return (FSM_ACK);
	}
	ipcp_ntoa(ip->addrs.peer, want);
	ipcp_ntoa(a, got);
	if (f->reject_if_disagree) {
		snprintf(why, sizeof(why), "peer will not take its address "
		    "%s, insists on %s", want, got);
		fsm_fail(f, why);
		return (FSM_REJ);
	}
	ppp_log(ip->ppp, LOG_DEBUG, "IPCP: peer asks for %s, offering %s",
	    got, want);
	wire_put_bytes(nak, &ip->addrs.peer, sizeof(ip->addrs.peer));
	return (FSM_NAK);
}

/*
 * The peer Naks our address.  A server does not move: ask again for the
 * same one (pppd without ipcp-accept-local), until IPCP_NAK_LOOPS say
 * the peer never will take it; then go on without the option, which
 * leaves our address unsaid but still ours.
 */
static void
ipcp_addr_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	struct ipcp	*ip = f->arg;
	struct in_addr	 a;
	char		 got[IPCP_ADDRSTRLEN];

	if (!ours)
		return;		/* a hint to ask for one: we have ours */
	memset(&a, 0, sizeof(a));
	wire_get_bytes(r, &a, sizeof(a));
	if (++ip->naks >= IPCP_NAK_LOOPS) {
		ppp_log(ip->ppp, LOG_INFO, "IPCP: peer Naked our address %d "
		    "times, no longer sending it", ip->naks);
		ip->req_addr = 0;
		return;
	}
	ppp_log(ip->ppp, LOG_DEBUG, "IPCP: peer suggests %s as our address, "
	    "keeping ours", ipcp_ntoa(a, got));
}

static void
ipcp_addr_rej(struct fsm *f)
{
	struct ipcp	*ip = f->arg;

	ppp_log(ip->ppp, LOG_INFO, "IPCP: peer rejected our address, going "
	    "on without it");
	ip->req_addr = 0;
}

static int
ipcp_addr_add(struct fsm *f, struct wire_writer *w)
{
	struct ipcp	*ip = f->arg;

	if (!ip->req_addr)
		return (0);
	wire_put_bytes(w, &ip->addrs.local, sizeof(ip->addrs.local));
	return (1);
}

/*
 * A DNS or NBNS server (RFC 1877): the configured one, else Reject; a
 * Nak with 0.0.0.0 would only make Windows ask again (pitfalls C1).
 */
static int
ipcp_server_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak,
    struct in_addr conf, struct in_addr *took, const char *name)
{
	struct ipcp	*ip = f->arg;
	struct in_addr	 a;

	if (conf.s_addr == INADDR_ANY) {
		ppp_log(ip->ppp, LOG_DEBUG, "IPCP: no %s configured, "
		    "rejecting it", name);
		return (FSM_REJ);
	}
	memset(&a, 0, sizeof(a));
	wire_get_bytes(r, &a, sizeof(a));
	if (a.s_addr == conf.s_addr) {
		*took = a;
		return (FSM_ACK);
	}
	wire_put_bytes(nak, &conf, sizeof(conf));
	return (FSM_NAK);
}

static int
ipcp_dns1_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct ipcp	*ip = f->arg;

	return (ipcp_server_req(f, r, nak, ip->addrs.dns[0], &ip->his.dns[0],
	    "primary DNS"));
}

static int
ipcp_nbns1_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct ipcp	*ip = f->arg;

	return (ipcp_server_req(f, r, nak, ip->addrs.nbns[0],
	    &ip->his.nbns[0], "primary NBNS"));
}

static int
ipcp_dns2_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct ipcp	*ip = f->arg;

	return (ipcp_server_req(f, r, nak, ip->addrs.dns[1], &ip->his.dns[1],
	    "secondary DNS"));
}

static int
ipcp_nbns2_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct ipcp	*ip = f->arg;

	return (ipcp_server_req(f, r, nak, ip->addrs.nbns[1],
	    &ip->his.nbns[1], "secondary NBNS"));
}

/*
 * lcp.c: LCP for the authenticator side of a link.  The option table
 * below is the whole of the negotiation: MRU, ACCM, Authentication-
 * Protocol, Magic-Number, PFC and ACFC; anything else the peer asks for
 * (Callback, MRRU, Endpoint-Discriminator, Quality-Protocol...) is not in
 * the table and so is Configure-Rejected as received (pitfalls B1).
 * Beyond the automaton: the Echo keepalive, Protocol-Reject both ways,
 * and Discard-Request, Identification and Time-Remaining, which are
 * accepted and ignored as pppd does (pitfalls B2).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>

#include "fsm.h"
#include "lcp.h"
#include "ppp.h"
#include "wire.h"

static void	 lcp_reset(struct fsm *);
static void	 lcp_req_begin(struct fsm *);
static void	 lcp_up(struct fsm *);
static void	 lcp_down(struct fsm *);
static void	 lcp_started(struct fsm *);
static void	 lcp_finished(struct fsm *);
static void	 lcp_rxr(struct fsm *, uint8_t, uint8_t, struct wire_reader *);
static int	 lcp_extcode(struct fsm *, uint8_t, uint8_t,
		    struct wire_reader *);
static void	 lcp_coderej(struct fsm *, uint8_t);
static void	 lcp_fail(struct fsm *, const char *);

static int	 lcp_mru_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 lcp_mru_nak(struct fsm *, struct wire_reader *, int);
static void	 lcp_mru_rej(struct fsm *);
static int	 lcp_mru_add(struct fsm *, struct wire_writer *);
static int	 lcp_accm_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 lcp_accm_nak(struct fsm *, struct wire_reader *, int);
static void	 lcp_accm_rej(struct fsm *);
static int	 lcp_accm_add(struct fsm *, struct wire_writer *);
static int	 lcp_auth_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 lcp_auth_nak(struct fsm *, struct wire_reader *, int);
static void	 lcp_auth_rej(struct fsm *);
static int	 lcp_auth_add(struct fsm *, struct wire_writer *);
static int	 lcp_magic_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 lcp_magic_nak(struct fsm *, struct wire_reader *, int);
static void	 lcp_magic_rej(struct fsm *);
static int	 lcp_magic_add(struct fsm *, struct wire_writer *);
static int	 lcp_pfc_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 lcp_pfc_rej(struct fsm *);
static int	 lcp_pfc_add(struct fsm *, struct wire_writer *);
static int	 lcp_acfc_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 lcp_acfc_rej(struct fsm *);
static int	 lcp_acfc_add(struct fsm *, struct wire_writer *);

static uint32_t	 lcp_new_magic(struct lcp *, uint32_t);
static int	 lcp_auth_allowed(const struct lcp *, int);
static void	 lcp_echo_timeout(void *);

static const struct fsm_opt lcp_opts[] = {
	{ LCP_OPT_MRU, 4, 4, "MRU",
	    lcp_mru_req, lcp_mru_nak, lcp_mru_rej, lcp_mru_add },
	{ LCP_OPT_ACCM, 6, 6, "ACCM",
	    lcp_accm_req, lcp_accm_nak, lcp_accm_rej, lcp_accm_add },
	/* 4 for PAP and EAP, 5 for CHAP with its algorithm. */
	{ LCP_OPT_AUTH, 4, 255, "Authentication-Protocol",
	    lcp_auth_req, lcp_auth_nak, lcp_auth_rej, lcp_auth_add },
	{ LCP_OPT_MAGIC, 6, 6, "Magic-Number",
	    lcp_magic_req, lcp_magic_nak, lcp_magic_rej, lcp_magic_add },
	{ LCP_OPT_PFC, 2, 2, "Protocol-Field-Compression",
	    lcp_pfc_req, NULL, lcp_pfc_rej, lcp_pfc_add },
	{ LCP_OPT_ACFC, 2, 2, "Address-and-Control-Field-Compression",
	    lcp_acfc_req, NULL, lcp_acfc_rej, lcp_acfc_add },
};

static const struct fsm_callbacks lcp_callbacks = {
	.name = "LCP",
	.proto = PPP_LCP,
	.opts = lcp_opts,
	.nopts = sizeof(lcp_opts) / sizeof(lcp_opts[0]),
	.reset = lcp_reset,
	.req_begin = lcp_req_begin,
	.up = lcp_up,
	.down = lcp_down,
	.started = lcp_started,
	.finished = lcp_finished,
	.rxr = lcp_rxr,
	.extcode = lcp_extcode,
	.coderej = lcp_coderej,
	.fail = lcp_fail,
};

/* enum ppp_auth to the option's protocol and CHAP algorithm. */
static const struct {
	uint16_t	 proto;
	uint8_t		 alg;		/* 0: no algorithm octet */
} lcp_auth_wire[] = {
	[PPP_AUTH_NONE] = { 0, 0 },
	[PPP_AUTH_PAP] = { PPP_PAP, 0 },
	[PPP_AUTH_CHAP_MD5] = { PPP_CHAP, CHAP_ALG_MD5 },
	[PPP_AUTH_MSCHAP_V1] = { PPP_CHAP, CHAP_ALG_MSCHAP_V1 },
	[PPP_AUTH_MSCHAP_V2] = { PPP_CHAP, CHAP_ALG_MSCHAP_V2 },
};
#define LCP_NAUTH	(sizeof(lcp_auth_wire) / sizeof(lcp_auth_wire[0]))

void
lcp_init(struct lcp *lcp, struct ppp *ppp)
{
	memset(lcp, 0, sizeof(*lcp));
	lcp->ppp = ppp;
	lcp->peer_mru = PPP_MRU_DEFAULT;
	fsm_init(&lcp->fsm, ppp, &lcp_callbacks, lcp);
	/*
	 * Our first Configure-Request may reach a peer that is not yet
	 * listening (known_pitfalls B1): retry it soon.  Not so in the
	 * NCPs, where a retry that crosses a slow Ack makes the peer
	 * renegotiate, and pppd drops a link whose required MPPE went down.
	 */
	lcp->fsm.first_timeout_ms = ppp->params.first_restart_ms;
	ppp_timer_init(&lcp->echo_timer, lcp_echo_timeout, lcp);
}

void
lcp_input(struct lcp *lcp, struct wire_reader *r)
{
	fsm_input(&lcp->fsm, r);
}

int
lcp_opened(const struct lcp *lcp)
{
	return (lcp->fsm.state == FSM_OPENED);
}

/* The link is finished: nothing of LCP may fire any more. */
void
lcp_stop(struct lcp *lcp)
{
	ppp_timer_del(lcp->ppp, &lcp->echo_timer);
	ppp_timer_del(lcp->ppp, &lcp->fsm.timer);
}

/*
 * Any frame from the peer proves it alive, not only Echo-Replies: a busy
 * peer may answer echoes late (pitfalls B4, accel-ppp 71764788).
 */
void
lcp_alive(struct lcp *lcp)
{
	lcp->echo_pending = 0;
}

/*
 * Protocol-Reject a frame nobody here handles (pitfalls B6).  RFC 1661
 * 5.7: only in Opened; the data is the protocol and the frame's
 * information field, cut to the peer's MRU.
 */
void
lcp_send_protrej(struct lcp *lcp, uint16_t proto,
    const struct wire_reader *info)
{
	uint8_t			 buf[PPP_MTU_MAX];
	struct wire_writer	 w;
	struct wire_reader	 r = *info;
	size_t			 room = ppp_peer_mru(lcp->ppp);

	if (!lcp_opened(lcp)) {
		ppp_log(lcp->ppp, LOG_DEBUG, "LCP: dropped frame of protocol "
		    "0x%04x while LCP is not opened", proto);
		return;
	}
	room = room > CP_HDRLEN ? room - CP_HDRLEN : 0;
	if (room > sizeof(buf))
		room = sizeof(buf);
	ppp_log(lcp->ppp, LOG_INFO, "LCP: Protocol-Rejecting unsupported "
	    "protocol 0x%04x", proto);
	wire_writer_init(&w, buf, room);
	if (wire_put_u16(&w, proto) == -1)
		return;
	if (wire_left(&r) > wire_room(&w))
		wire_truncate(&r, wire_room(&w));
	wire_put_reader(&w, &r);
	fsm_send(&lcp->fsm, CP_PROTREJ, fsm_newid(&lcp->fsm), buf, w.len);
}

static uint32_t
lcp_new_magic(struct lcp *lcp, uint32_t avoid)
{
	uint32_t	 m;
	int		 i;

	/* Never zero (RFC 1661 6.4), never the value to avoid. */
	for (i = 0; i < 16; i++)
		if ((m = ppp_random(lcp->ppp)) != 0 && m != avoid)
			return (m);
	return (avoid == 1 ? 2 : 1);
}

static int
lcp_auth_allowed(const struct lcp *lcp, int method)
{
	int	 i;

	for (i = 0; i < lcp->ppp->params.nauth; i++)
		if (lcp->ppp->params.auth[i] == method)
			return (1);
	return (0);
}

/* A negotiation starts: request what the configuration says. */
static void
lcp_reset(struct fsm *f)
{
	struct lcp		*lcp = f->arg;
	const struct ppp	*ppp = lcp->ppp;
	size_t			 mru;

	memset(&lcp->want, 0, sizeof(lcp->want));
	mru = ppp->params.mru;
	if (mru > ppp->link.mtu)
		mru = ppp->link.mtu;
	/* 1500 is the default and goes unsaid, as with pppd; PPPoE's 1492
	 * must be asked for (pitfalls E1). */
	lcp->want.mru = mru;
	lcp->want.neg_mru = mru != PPP_MRU_DEFAULT;
	lcp->want.neg_accm = ppp->params.request_accm &&
	    !(ppp->link.flags & PPP_LINK_NO_ACCM);
	lcp->want.accm = 0;
	lcp->want.auth = ppp->params.nauth > 0 ? ppp->params.auth[0] :
	    PPP_AUTH_NONE;
	lcp->auth_tried = 1U << lcp->want.auth;
	lcp->want.neg_magic = 1;
	lcp->want.magic = lcp_new_magic(lcp, 0);
	/* RFC 2516 7: on PPPoE neither, PFC being NOT RECOMMENDED. */
	lcp->want.pfc = ppp->params.request_pfc &&
	    !(ppp->link.flags & PPP_LINK_NO_ADDRCTL);
	lcp->want.acfc = ppp->params.request_acfc &&
	    !(ppp->link.flags & PPP_LINK_NO_ADDRCTL);
}

static void
lcp_req_begin(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	memset(&lcp->his, 0, sizeof(lcp->his));
	lcp->his.mru = PPP_MRU_DEFAULT;
}

static void
lcp_up(struct fsm *f)
{
	struct lcp	*lcp = f->arg;
	struct ppp	*ppp = lcp->ppp;

	lcp->magic = lcp->want.neg_magic ? lcp->want.magic : 0;
	lcp->peer_mru = lcp->his.neg_mru ? lcp->his.mru : PPP_MRU_DEFAULT;
	lcp->echo_pending = 0;
	ppp_log(ppp, LOG_INFO, "LCP: opened: MRU %u/%u, magic 0x%08x/0x%08x, "
	    "auth %s%s%s", lcp->want.neg_mru ? lcp->want.mru :
	    PPP_MRU_DEFAULT, lcp->peer_mru, lcp->magic, lcp->his.magic,
	    ppp_auth_name(lcp->want.auth), lcp->his.pfc ? ", pfc" : "",
	    lcp->his.acfc ? ", acfc" : "");
	if (ppp->params.echo_interval > 0 && ppp->params.echo_failures > 0 &&
	    !lcp->echo_off)
		ppp_timer_add(ppp, &lcp->echo_timer,
		    ppp->params.echo_interval * 1000);
	ppp_lcp_up(ppp, lcp->want.auth);
}

static void
lcp_down(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	ppp_log(lcp->ppp, LOG_INFO, "LCP: down");
	ppp_timer_del(lcp->ppp, &lcp->echo_timer);
	lcp->peer_mru = PPP_MRU_DEFAULT;
	lcp->magic = 0;
	ppp_lcp_down(lcp->ppp, f->state == FSM_CLOSING ||
	    f->state == FSM_STOPPING);
}

static void
lcp_started(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	ppp_log(lcp->ppp, LOG_DEBUG, "LCP: started");
}

static void
lcp_finished(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	ppp_lcp_finished(lcp->ppp, f->reason[0] != '\0' ? f->reason :
	    "LCP finished");
}

/*
 * Echo-Request, Echo-Reply and Discard-Request in Opened.  Each starts
 * with the sender's magic; our own coming back means a loop (pitfalls B3,
 * as accel-ppp does), but only when we have a magic: 0 is what both
 * sides send when none was negotiated.
 */
static void
lcp_rxr(struct fsm *f, uint8_t code, uint8_t id, struct wire_reader *r)
{
	struct lcp		*lcp = f->arg;
	uint8_t			 buf[PPP_MTU_MAX];
	struct wire_writer	 w;
	size_t			 room;
	uint32_t		 magic;

	if (wire_get_u32(r, &magic) == -1) {
		ppp_log(lcp->ppp, LOG_DEBUG, "LCP: dropped %s without a "
		    "magic number", fsm_code_name(code));
		return;
	}
	if (lcp->magic != 0 && magic == lcp->magic) {
		ppp_log(lcp->ppp, LOG_WARNING, "LCP: received our own magic "
		    "0x%08x in %s", magic, fsm_code_name(code));
		fsm_fail(f, "link is looped back");
		return;
	}
	switch (code) {
	case CP_ECHOREQ:
		/* The reply carries our magic; the data is cut to fit the
		 * peer's MRU (pitfalls B4). */
		room = ppp_peer_mru(lcp->ppp);
		room = room > CP_HDRLEN ? room - CP_HDRLEN : 0;
		if (room > sizeof(buf))
			room = sizeof(buf);
		wire_writer_init(&w, buf, room);
		if (wire_put_u32(&w, lcp->magic) == -1)
			return;
		if (wire_left(r) > wire_room(&w))
			wire_truncate(r, wire_room(&w));
		wire_put_reader(&w, r);
		fsm_send(f, CP_ECHOREP, id, buf, w.len);
		break;
	case CP_ECHOREP:
		ppp_log(lcp->ppp, LOG_DEBUG, "LCP: Echo-Reply id %u", id);
		break;
	default:
		break;			/* Discard-Request */
	}
}

static int
lcp_extcode(struct fsm *f, uint8_t code, uint8_t id, struct wire_reader *r)
{
	struct lcp	*lcp = f->arg;
	uint16_t	 proto;
	uint32_t	 magic, secs;
	char		 text[80];

	switch (code) {
	case CP_PROTREJ:
		if (!lcp_opened(lcp)) {
			ppp_log(lcp->ppp, LOG_DEBUG, "LCP: dropped Protocol-"
			    "Reject id %u: LCP is not opened", id);
			return (FSM_EXT_DONE);
		}
		if (wire_get_u16(r, &proto) == -1) {
			ppp_log(lcp->ppp, LOG_DEBUG, "LCP: dropped Protocol-"
			    "Reject without a protocol");
			return (FSM_EXT_DONE);
		}
		if (proto == PPP_LCP) {
			ppp_log(lcp->ppp, LOG_WARNING, "LCP: peer Protocol-"
			    "Rejected LCP itself");
			return (FSM_EXT_RXJ_MINUS);
		}
		ppp_protrej_rcvd(lcp->ppp, proto);
		return (FSM_EXT_RXJ_PLUS);
	case CP_IDENT:
		/* Windows RAS sends three after LCP opens (pitfalls B2). */
		if (wire_get_u32(r, &magic) == -1) {
			ppp_log(lcp->ppp, LOG_DEBUG, "LCP: dropped short "
			    "Identification");
			return (FSM_EXT_DONE);
		}
		wire_printable(text, sizeof(text), r);
		ppp_log(lcp->ppp, LOG_DEBUG, "LCP: peer identifies as \"%s\"",
		    text);
		return (FSM_EXT_DONE);
	case CP_TIMEREM:
		if (wire_get_u32(r, &magic) == -1 ||
		    wire_get_u32(r, &secs) == -1) {
			ppp_log(lcp->ppp, LOG_DEBUG, "LCP: dropped short "
			    "Time-Remaining");
			return (FSM_EXT_DONE);
		}
		wire_printable(text, sizeof(text), r);
		ppp_log(lcp->ppp, LOG_DEBUG, "LCP: peer has %u seconds "
		    "remaining \"%s\"", secs, text);
		return (FSM_EXT_DONE);
	default:
		return (FSM_EXT_UNKNOWN);
	}
}

/* A peer that Code-Rejects Echo gets no more of them, but keeps the link. */
static void
lcp_coderej(struct fsm *f, uint8_t code)
{
	struct lcp	*lcp = f->arg;

	if (code == CP_ECHOREQ) {
		lcp->echo_off = 1;
		ppp_timer_del(lcp->ppp, &lcp->echo_timer);
	}
}

/* LCP failing is the link failing. */
static void
lcp_fail(struct fsm *f, const char *why)
{
	struct lcp	*lcp = f->arg;

	ppp_close(lcp->ppp, why);
}

static void
lcp_echo_timeout(void *arg)
{
	struct lcp	*lcp = arg;
	struct ppp	*ppp = lcp->ppp;
	uint8_t		 buf[4];
	struct wire_writer w;

	if (!lcp_opened(lcp) || lcp->echo_off)
		return;
	if (lcp->echo_pending >= ppp->params.echo_failures) {
		ppp_log(ppp, LOG_WARNING, "LCP: no answer to %u Echo-Requests",
		    lcp->echo_pending);
		ppp_close(ppp, "peer not responding to LCP Echo-Requests");
		return;
	}
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put_u32(&w, lcp->magic);
	fsm_send(&lcp->fsm, CP_ECHOREQ, ++lcp->echo_id, buf, w.len);
	lcp->echo_pending++;
	ppp_timer_add(ppp, &lcp->echo_timer, ppp->params.echo_interval * 1000);
}

/* MRU: ours is what the link carries; the peer's must fit the link. */
static int
lcp_mru_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct lcp	*lcp = f->arg;
	uint16_t	 mru = 0;

	wire_get_u16(r, &mru);
	if (mru < PPP_MRU_MIN) {
		wire_put_u16(nak, PPP_MRU_MIN);
		return (FSM_NAK);
	}
	/* Never Ack more than the link can carry (pitfalls E1). */
	if (mru > lcp->ppp->link.mtu) {
		wire_put_u16(nak, lcp->ppp->link.mtu);
		return (FSM_NAK);
	}
	lcp->his.neg_mru = 1;
	lcp->his.mru = mru;
	return (FSM_ACK);
}

static void
lcp_mru_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	struct lcp	*lcp = f->arg;
	uint16_t	 mru;

	(void)ours;
	if (wire_get_u16(r, &mru) == -1)
		return;
	/* Take a value we can live with; else ask again for ours. */
	if (mru >= PPP_MRU_MIN && mru <= lcp->ppp->link.mtu) {
		lcp->want.neg_mru = 1;
		lcp->want.mru = mru;
	}
}

static void
lcp_mru_rej(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	lcp->want.neg_mru = 0;
}

static int
lcp_mru_add(struct fsm *f, struct wire_writer *w)
{
	struct lcp	*lcp = f->arg;

	if (!lcp->want.neg_mru)
		return (0);
	wire_put_u16(w, lcp->want.mru);
	return (1);
}

/* ACCM: meaningless on GRE and L2TP but harmless; banned on PPPoE. */
static int
lcp_accm_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct lcp	*lcp = f->arg;

	(void)nak;
	if (lcp->ppp->link.flags & PPP_LINK_NO_ACCM)
		return (FSM_REJ);
	wire_get_u32(r, &lcp->his.accm);
	lcp->his.neg_accm = 1;
	return (FSM_ACK);
}

static void
lcp_accm_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	struct lcp	*lcp = f->arg;
	uint32_t	 accm;

	if (ours && wire_get_u32(r, &accm) == 0)
		lcp->want.accm |= accm;
}

static void
lcp_accm_rej(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	lcp->want.neg_accm = 0;
}

static int
lcp_accm_add(struct fsm *f, struct wire_writer *w)
{
	struct lcp	*lcp = f->arg;

	if (!lcp->want.neg_accm)
		return (0);
	wire_put_u32(w, lcp->want.accm);
	return (1);
}

/* We authenticate the peer; we never authenticate ourselves to it. */
static int
lcp_auth_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct lcp	*lcp = f->arg;

	(void)r;
	(void)nak;
	ppp_log(lcp->ppp, LOG_DEBUG, "LCP: peer wants us to authenticate; "
	    "rejecting");
	return (FSM_REJ);
}

/*
 * The peer Naks our method.  As pppd does: take the method it names if
 * the configuration allows it and it was not tried yet; otherwise offer
 * the next untried one in configuration order.  Windows Naks all but
 * MS-CHAPv2 (pitfalls A5), so it gets there in one round trip.
 */
static void
lcp_auth_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	struct lcp	*lcp = f->arg;
	struct ppp	*ppp = lcp->ppp;
	uint16_t	 proto;
	uint8_t		 alg = 0;
	int		 i, next = PPP_AUTH_NONE, old = lcp->want.auth;

	if (!ours)
		return;		/* a hint to authenticate ourselves */
	if (wire_get_u16(r, &proto) == 0) {
		if (proto == PPP_PAP && wire_left(r) == 0)
			next = PPP_AUTH_PAP;
		else if (proto == PPP_CHAP && wire_get_u8(r, &alg) == 0 &&
		    wire_left(r) == 0) {
			for (i = 0; i < (int)LCP_NAUTH; i++)
				if (lcp_auth_wire[i].proto == PPP_CHAP &&
				    lcp_auth_wire[i].alg == alg)
					next = i;
		}
	}
	if (next == PPP_AUTH_NONE || !lcp_auth_allowed(lcp, next) ||
	    (lcp->auth_tried & (1U << next))) {
		next = PPP_AUTH_NONE;
		for (i = 0; i < ppp->params.nauth; i++)
			if (!(lcp->auth_tried & (1U << ppp->params.auth[i]))) {
				next = ppp->params.auth[i];
				break;
			}
	}
	if (next == PPP_AUTH_NONE) {
		fsm_fail(f, "peer refused every authentication protocol "
		    "we offer");
		return;
	}
	ppp_log(ppp, LOG_INFO, "LCP: peer refused %s, offering %s",
	    ppp_auth_name(old), ppp_auth_name(next));
	lcp->want.auth = next;
	lcp->auth_tried |= 1U << next;
}

static void
lcp_auth_rej(struct fsm *f)
{
	fsm_fail(f, "peer refused to authenticate");
}

static int
lcp_auth_add(struct fsm *f, struct wire_writer *w)
{
	struct lcp	*lcp = f->arg;
	int		 a = lcp->want.auth;

	if (a <= PPP_AUTH_NONE || a >= (int)LCP_NAUTH)
		return (0);
	wire_put_u16(w, lcp_auth_wire[a].proto);
	if (lcp_auth_wire[a].alg != 0)
		wire_put_u8(w, lcp_auth_wire[a].alg);
	return (1);
}

/*
 * Magic-Number (RFC 1661 6.4).  Zero is illegal and is Naked.  Our own
 * value may mean a loop: Nak it with a fresh value and remember that, so
 * that seeing it come back as a Nak of our request proves the loop.  The
 * RFC says that Nak MUST be sent, so Max-Failure does not turn it into a
 * Reject (which would let a looped link "open" with no magic at all).
 */
static int
lcp_magic_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct lcp	*lcp = f->arg;
	uint32_t	 magic = 0;

	wire_get_u32(r, &magic);
	if (magic == 0) {
		wire_put_u32(nak, lcp_new_magic(lcp, lcp->want.magic));
		return (FSM_NAK);
	}
	if (lcp->want.neg_magic && magic == lcp->want.magic) {
		ppp_log(lcp->ppp, LOG_DEBUG, "LCP: peer requests our own "
		    "magic 0x%08x", magic);
		lcp->nak_magic = lcp_new_magic(lcp, magic);
		wire_put_u32(nak, lcp->nak_magic);
		return (FSM_NAK_ALWAYS);
	}
	lcp->his.neg_magic = 1;
	lcp->his.magic = magic;
	return (FSM_ACK);
}

static void
lcp_magic_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	struct lcp	*lcp = f->arg;
	uint32_t	 magic;

	if (!ours || wire_get_u32(r, &magic) == -1)
		return;
	if (magic == lcp->want.magic ||
	    (lcp->nak_magic != 0 && magic == lcp->nak_magic)) {
		if (++lcp->loops >= lcp->ppp->params.max_loopback) {
			fsm_fail(f, "link is looped back");
			return;
		}
	} else
		lcp->loops = 0;
	lcp->want.magic = lcp_new_magic(lcp, magic);
}

/* The peer will not do magic: send zeros from now on (pitfalls B3). */
static void
lcp_magic_rej(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	lcp->want.neg_magic = 0;
	lcp->want.magic = 0;
}

static int
lcp_magic_add(struct fsm *f, struct wire_writer *w)
{
	struct lcp	*lcp = f->arg;

	if (!lcp->want.neg_magic)
		return (0);
	wire_put_u32(w, lcp->want.magic);
	return (1);
}

static int
lcp_pfc_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct lcp	*lcp = f->arg;

	(void)r;
	(void)nak;
	lcp->his.pfc = 1;
	return (FSM_ACK);
}

static void
lcp_pfc_rej(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	lcp->want.pfc = 0;
}

static int
lcp_pfc_add(struct fsm *f, struct wire_writer *w)
{
	struct lcp	*lcp = f->arg;

	(void)w;
	return (lcp->want.pfc ? 1 : 0);
}

/* ACFC: PPPoE frames have no Address and Control (RFC 2516 7). */
static int
lcp_acfc_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct lcp	*lcp = f->arg;

	(void)r;
	(void)nak;
	if (lcp->ppp->link.flags & PPP_LINK_NO_ADDRCTL)
		return (FSM_REJ);
	lcp->his.acfc = 1;
	return (FSM_ACK);
}

static void
lcp_acfc_rej(struct fsm *f)
{
	struct lcp	*lcp = f->arg;

	lcp->want.acfc = 0;
}

static int
lcp_acfc_add(struct fsm *f, struct wire_writer *w)
{
	struct lcp	*lcp = f->arg;

	(void)w;
	return (lcp->want.acfc ? 1 : 0);
}

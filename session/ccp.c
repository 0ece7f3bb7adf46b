/*
 * ccp.c: CCP (RFC 1962) with MPPE (RFC 3078) for the server side of a
 * link, on the shared automaton (fsm.c), and the encrypted data path:
 * datagrams out through mppe_encrypt(), Compressed Datagrams (0x00FD)
 * in through mppe_decrypt() and on to the session.  ccp.h has the
 * policy; where it follows pppd (pppd/ccp.c) or Linux
 * (drivers/net/ppp/ppp_mppe.c) the comments say so.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ccp.h"
#include "fsm.h"
#include "log.h"
#include "mppe.h"
#include "ppp.h"
#include "wire.h"

static void	 ccp_reset(struct fsm *);
static void	 ccp_req_begin(struct fsm *);
static void	 ccp_up(struct fsm *);
static void	 ccp_down(struct fsm *);
static void	 ccp_finished(struct fsm *);
static int	 ccp_extcode(struct fsm *, uint8_t, uint8_t,
		    struct wire_reader *);
static void	 ccp_fail(struct fsm *, const char *);

static int	 ccp_mppe_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 ccp_mppe_nak(struct fsm *, struct wire_reader *, int);
static void	 ccp_mppe_rej(struct fsm *);
static int	 ccp_mppe_add(struct fsm *, struct wire_writer *);

static void	 ccp_proto_input(void *, struct wire_reader *);
static void	 ccp_proto_up(void *);
static void	 ccp_proto_down(void *);
static void	 ccp_start(struct ccp *);
static void	 ccp_keys_timeout(void *);
static void	 ccp_proto_protrej(void *);
static void	 ccp_comp_input(void *, struct wire_reader *);
static void	 ccp_comp_protrej(void *);

static int	 ccp_must_encrypt(const struct ccp *);
static void	 ccp_no_mppe(struct ccp *, const char *);
static int	 ccp_mppe_start(struct ccp *);
static void	 ccp_mppe_stop(struct ccp *);
static void	 ccp_send_reset(struct ccp *);
static void	 ccp_open_timeout(void *);
static void	 ccp_reset_timeout(void *);
static void	 ccp_drop_in(struct ccp *, const char *);
static void	 ccp_drop_out(struct ccp *, const char *);
static int	 ccp_network_proto(uint16_t);
static uint32_t	 ccp_usable(const struct ccp *);
static uint32_t	 ccp_strongest(uint32_t);
static int	 ccp_keybits(uint32_t);

static const struct fsm_opt ccp_opts[] = {
	{ CCP_OPT_MPPE, 6, 6, "MPPE",
	    ccp_mppe_req, ccp_mppe_nak, ccp_mppe_rej, ccp_mppe_add },
};

static const struct fsm_callbacks ccp_callbacks = {
	.name = "CCP",
	.proto = PPP_CCP,
	.opts = ccp_opts,
	.nopts = sizeof(ccp_opts) / sizeof(ccp_opts[0]),
	.reset = ccp_reset,
	.req_begin = ccp_req_begin,
	.up = ccp_up,
	.down = ccp_down,
	.finished = ccp_finished,
	.extcode = ccp_extcode,
	.fail = ccp_fail,
};

struct ccp *
ccp_new(struct ppp *ppp, const struct ccp_policy *policy,
    const struct ccp_cb *cb)
{
	struct ccp		*ccp;
	struct ppp_proto	 p;

	if (policy->mppe < CCP_MPPE_OFF || policy->mppe > CCP_MPPE_REQUIRED) {
		log_warnx("ppp %u: CCP: bad MPPE policy %d", ppp->id,
		    policy->mppe);
		return (NULL);
	}
	if (policy->mppe != CCP_MPPE_OFF && cb->deliver == NULL) {
		log_warnx("ppp %u: CCP: no deliver callback", ppp->id);
		return (NULL);
	}
	if ((ccp = calloc(1, sizeof(*ccp))) == NULL)
		return (NULL);
	ccp->ppp = ppp;
	ccp->policy = *policy;
	ccp->cb = *cb;
	if ((ccp->policy.bits & (CCP_MPPE_40 | CCP_MPPE_56 |
	    CCP_MPPE_128)) == 0)
		ccp->policy.bits = CCP_MPPE_40 | CCP_MPPE_128;
	if (ccp->policy.bits & CCP_MPPE_40)
		ccp->allowed |= MPPE_OPT_L;
	if (ccp->policy.bits & CCP_MPPE_56)
		ccp->allowed |= MPPE_OPT_M;
	if (ccp->policy.bits & CCP_MPPE_128)
		ccp->allowed |= MPPE_OPT_S;
	fsm_init(&ccp->fsm, ppp, &ccp_callbacks, ccp);
	ppp_timer_init(&ccp->open_timer, ccp_open_timeout, ccp);
	ppp_timer_init(&ccp->reset_timer, ccp_reset_timeout, ccp);
	ppp_timer_init(&ccp->keys_timer, ccp_keys_timeout, ccp);
	if (ccp->policy.mppe == CCP_MPPE_OFF)
		return (ccp);

	memset(&p, 0, sizeof(p));
	p.proto = PPP_CCP;
	p.name = "CCP";
	p.phase = PPP_PHASE_NETWORK;
	p.arg = ccp;
	p.input = ccp_proto_input;
	p.up = ccp_proto_up;
	p.down = ccp_proto_down;
	p.protrej = ccp_proto_protrej;
	if (ppp_register(ppp, &p) == -1) {
		free(ccp);
		return (NULL);
	}
	memset(&p, 0, sizeof(p));
	p.proto = PPP_COMP;
	p.name = "MPPE";
	p.phase = PPP_PHASE_NETWORK;
	p.arg = ccp;
	p.input = ccp_comp_input;
	p.protrej = ccp_comp_protrej;
	if (ppp_register(ppp, &p) == -1) {
		ppp_unregister(ppp, PPP_CCP);
		free(ccp);
		return (NULL);
	}
	return (ccp);
}

/* Before ppp_free(): our timers and protocols live in the ppp. */
void
ccp_free(struct ccp *ccp)
{
	if (ccp == NULL)
		return;
	ppp_timer_del(ccp->ppp, &ccp->fsm.timer);
	ppp_timer_del(ccp->ppp, &ccp->open_timer);
	ppp_timer_del(ccp->ppp, &ccp->reset_timer);
	ppp_timer_del(ccp->ppp, &ccp->keys_timer);
	if (ccp->policy.mppe != CCP_MPPE_OFF) {
		ppp_unregister(ccp->ppp, PPP_CCP);
		ppp_unregister(ccp->ppp, PPP_COMP);
	}
	mppe_clear(&ccp->tx);
	mppe_clear(&ccp->rx);
	explicit_bzero(ccp, sizeof(*ccp));
	free(ccp);
}

/*
 * The start keys of RFC 3079, 16 octets each, from the server's point
 * of view: send is server to peer (RADIUS MS-MPPE-Send-Key).
 */
void
ccp_set_keys(struct ccp *ccp, const uint8_t *send_start,
    const uint8_t *recv_start)
{
	memcpy(ccp->send_start, send_start, sizeof(ccp->send_start));
	memcpy(ccp->recv_start, recv_start, sizeof(ccp->recv_start));
	ccp->have_keys = 1;
	if (ccp->keys_wait) {
		ccp->keys_wait = 0;
		ppp_timer_del(ccp->ppp, &ccp->keys_timer);
		ccp_start(ccp);
	}
}

/* MPPE is up: network-layer datagrams go through it both ways. */
int
ccp_encrypt_ok(struct ccp *ccp)
{
	return (ccp->mppe_up);
}

/*
 * May an unencrypted datagram of this protocol from the peer be taken?
 * Not a network-layer one while MPPE is up (Linux mppe_incomp), is
 * required, or was up on this link.  A refused one is counted and
 * logged as dropped; the caller drops it.
 */
int
ccp_plain_ok(struct ccp *ccp, uint16_t proto)
{
	if (!ccp_network_proto(proto))
		return (1);
	if (ccp->mppe_up || ccp_must_encrypt(ccp)) {
		ccp_drop_in(ccp, "unencrypted datagram while MPPE is "
		    "required");
		return (0);
	}
	return (1);
}

/* Octets every datagram may grow by: subtract from the interface MTU. */
size_t
ccp_overhead(const struct ccp *ccp)
{
	return (ccp->policy.mppe != CCP_MPPE_OFF ? MPPE_PAD : 0);
}

/*
 * Send a datagram: through MPPE when it is up and the protocol is a
 * network-layer one (0x0021-0x00FA, as Linux mppe_compress), else plain,
 * unless MPPE is required and not up: then it is dropped.
 */
int
ccp_output(struct ccp *ccp, uint16_t proto, const uint8_t *data, size_t len)
{
	size_t	 n;

	/* RFC 1661 2: low octet odd, high octet even; 0x00FD is ours. */
	if ((proto & 0x0101) != 0x0001 || proto == PPP_COMP) {
		ccp_drop_out(ccp, "invalid protocol number");
		return (-1);
	}
	if (!ccp_network_proto(proto))
		return (ppp_output(ccp->ppp, proto, data, len));
	if (!ccp->mppe_up) {
		if (ccp_must_encrypt(ccp)) {
			ccp_drop_out(ccp, "MPPE is required but not up");
			return (-1);
		}
		ccp->opackets++;
		return (ppp_output(ccp->ppp, proto, data, len));
	}
	/* Checked before the coherency count moves on. */
	if (len > ppp_peer_mru(ccp->ppp) ||
	    ppp_peer_mru(ccp->ppp) - len < MPPE_PAD) {
		ccp_drop_out(ccp, "too long for the peer's MRU once "
		    "encrypted");
		return (-1);
	}
	if (mppe_encrypt(&ccp->tx, proto, data, len, ccp->obuf,
	    sizeof(ccp->obuf), &n) == -1) {
		ccp_drop_out(ccp, "encryption failed");
		return (-1);
	}
	ccp->opackets++;
	return (ppp_output(ccp->ppp, PPP_COMP, ccp->obuf, n));
}

static int
ccp_network_proto(uint16_t proto)
{
	return (proto >= 0x0021 && proto <= 0x00fa);
}

static int
ccp_must_encrypt(const struct ccp *ccp)
{
	return (ccp->policy.mppe == CCP_MPPE_REQUIRED || ccp->secure);
}

static void
ccp_drop_in(struct ccp *ccp, const char *why)
{
	ccp->idropped++;
	ccp->last_drop = why;
	ppp_log(ccp->ppp, LOG_DEBUG, "MPPE: dropped received datagram: %s",
	    why);
}

static void
ccp_drop_out(struct ccp *ccp, const char *why)
{
	ccp->odropped++;
	ccp->last_drop = why;
	ppp_log(ccp->ppp, LOG_DEBUG, "MPPE: dropped datagram to send: %s",
	    why);
}

/*
 * The strengths we can offer on this link: the policy's, but only 128
 * bits after MS-CHAPv1, whose 40- and 56-bit keys would come from the
 * LAN Manager hash, which auth does not keep (pppd also disables 40-bit
 * MPPE there).
 */
static uint32_t
ccp_usable(const struct ccp *ccp)
{
	if (ccp->ppp->auth == PPP_AUTH_MSCHAP_V1)
		return (ccp->allowed & MPPE_OPT_S);
	return (ccp->allowed);
}

/* The strongest of a set of strength bits, as one bit. */
static uint32_t
ccp_strongest(uint32_t bits)
{
	if (bits & MPPE_OPT_S)
		return (MPPE_OPT_S);
	if (bits & MPPE_OPT_M)
		return (MPPE_OPT_M);
	if (bits & MPPE_OPT_L)
		return (MPPE_OPT_L);
	return (0);
}

static int
ccp_keybits(uint32_t bit)
{
	switch (bit) {
	case MPPE_OPT_S:
		return (128);
	case MPPE_OPT_M:
		return (56);
	case MPPE_OPT_L:
		return (40);
	}
	return (0);
}

/*
 * The peer will not do MPPE the way we can.  If encryption is a must,
 * the link ends once the current packet has been dealt with (fsm_fail,
 * then ccp_fail); otherwise MPPE is off for the rest of the link, in
 * both directions, and data goes plain.
 */
static void
ccp_no_mppe(struct ccp *ccp, const char *why)
{
	char	 reason[128];

	if (ccp_must_encrypt(ccp)) {
		snprintf(reason, sizeof(reason), "MPPE required but %s", why);
		fsm_fail(&ccp->fsm, reason);
		return;
	}
	if (!ccp->refused)
		ppp_log(ccp->ppp, LOG_INFO, "CCP: %s: continuing without "
		    "encryption", why);
	ccp->refused = 1;
	ccp->want.mppe = 0;
}

/*
 * The NETWORK phase begins.  The keys may come in the same turn, just
 * after (the authenticator reports success before it hands them over):
 * the verdict on missing keys waits for a zero-delay timer.
 */
static void
ccp_proto_up(void *arg)
{
	struct ccp	*ccp = arg;

	ccp->disabled = 0;
	ccp->heldlen = 0;
	if (!ccp->have_keys) {
		ccp->keys_wait = 1;
		ppp_timer_add(ccp->ppp, &ccp->keys_timer, 0);
		return;
	}
	ccp_start(ccp);
}

static void
ccp_start(struct ccp *ccp)
{
	struct wire_reader	 r;

	if (ccp_usable(ccp) == 0) {
		ccp->heldlen = 0;
		if (ccp->policy.mppe == CCP_MPPE_REQUIRED) {
			ppp_close(ccp->ppp, "MPPE required but not available: "
			    "MS-CHAPv1 gives 128-bit keys only, which the "
			    "policy does not allow");
			return;
		}
		ppp_log(ccp->ppp, LOG_INFO, "CCP: MS-CHAPv1 gives 128-bit MPPE "
		    "keys only, which the policy does not allow: not "
		    "negotiating");
		ccp->disabled = 1;
		return;
	}
	if (ccp_must_encrypt(ccp))
		ppp_timer_add(ccp->ppp, &ccp->open_timer, CCP_OPEN_TIMEOUT_MS);
	fsm_open(&ccp->fsm);
	fsm_up(&ccp->fsm);
	if (ccp->heldlen > 0) {
		/* The peer's request that came while we had no keys. */
		wire_reader_init(&r, ccp->held, ccp->heldlen);
		ccp->heldlen = 0;
		fsm_input(&ccp->fsm, &r);
	}
}

/* Still no keys: say why we cannot negotiate. */
static void
ccp_keys_timeout(void *arg)
{
	struct ccp	*ccp = arg;

	if (!ccp->keys_wait)
		return;
	ccp->keys_wait = 0;
	ccp->heldlen = 0;
	if (ccp->policy.mppe == CCP_MPPE_REQUIRED) {
		ppp_close(ccp->ppp, "MPPE required but not available: no MPPE "
		    "keys (the peer did not authenticate with MS-CHAP)");
		return;
	}
	/* As if off: Protocol-Reject whatever CCP the peer sends. */
	ppp_log(ccp->ppp, LOG_INFO, "CCP: no MPPE keys (the peer did not "
	    "authenticate with MS-CHAP): not negotiating");
	ccp->disabled = 1;
}

static void
ccp_proto_down(void *arg)
{
	struct ccp	*ccp = arg;

	ppp_timer_del(ccp->ppp, &ccp->open_timer);
	ppp_timer_del(ccp->ppp, &ccp->keys_timer);
	ccp->keys_wait = 0;
	ccp->heldlen = 0;
	if (ccp->fsm.state != FSM_INITIAL)
		fsm_down(&ccp->fsm);
	ccp_mppe_stop(ccp);
	ccp->disabled = 0;
}

static void
ccp_proto_input(void *arg, struct wire_reader *r)
{
	struct ccp	*ccp = arg;
	const uint8_t	*p;
	size_t		 len = wire_left(r);

	if (ccp->disabled) {
		if (wire_get_ref(r, &p, len) == 0)
			ppp_send_protrej(ccp->ppp, PPP_CCP, p, len);
		return;
	}
	if (ccp->keys_wait) {
		/* Keep the latest, as the engine does before a phase. */
		if (len <= sizeof(ccp->held) &&
		    wire_get_bytes(r, ccp->held, len) == 0)
			ccp->heldlen = len;
		return;
	}
	fsm_input(&ccp->fsm, r);
}

/* The peer does not do CCP at all (pppd ccp_protrej). */
static void
ccp_proto_protrej(void *arg)
{
	struct ccp	*ccp = arg;

	if (ccp_must_encrypt(ccp)) {
		ppp_close(ccp->ppp, "MPPE required but peer negotiation "
		    "failed: peer Protocol-Rejected CCP");
		return;
	}
	ppp_log(ccp->ppp, LOG_INFO, "CCP: peer Protocol-Rejected CCP: "
	    "continuing without encryption");
	ccp->refused = 1;
	fsm_protreject(&ccp->fsm);
}

static void
ccp_comp_protrej(void *arg)
{
	struct ccp	*ccp = arg;

	ppp_log(ccp->ppp, LOG_WARNING, "CCP: peer Protocol-Rejected "
	    "compressed datagrams");
}

/* A Compressed Datagram: decrypt it and hand the datagram on. */
static void
ccp_comp_input(void *arg, struct wire_reader *r)
{
	struct ccp		*ccp = arg;
	struct wire_reader	 in;
	const uint8_t		*p;
	const char		*why;
	char			 reason[128];
	size_t			 len = wire_left(r), n;
	uint16_t		 proto;
	uint8_t			 b0, b1;

	if (wire_get_ref(r, &p, len) == -1)
		return;
	if (ccp->disabled) {
		ppp_send_protrej(ccp->ppp, PPP_COMP, p, len);
		return;
	}
	if (!ccp->mppe_up) {
		/* Also while CCP renegotiates (pitfalls C2). */
		ccp_drop_in(ccp, "compressed datagram while MPPE is not up");
		return;
	}
	switch (mppe_decrypt(&ccp->rx, p, len, ccp->ibuf, sizeof(ccp->ibuf),
	    &n, &why)) {
	case MPPE_RX_OK:
		break;
	case MPPE_RX_RESET:
		ccp_drop_in(ccp, why);
		ccp_send_reset(ccp);
		return;
	case MPPE_RX_FATAL:
		ccp_drop_in(ccp, why);
		snprintf(reason, sizeof(reason), "too many MPPE errors (last: "
		    "%s)", why);
		ppp_close(ccp->ppp, reason);
		return;
	default:
		ccp_drop_in(ccp, why);
		return;
	}
	/* The protocol field inside may be compressed (Linux accepts it). */
	wire_reader_init(&in, ccp->ibuf, n);
	if (wire_get_u8(&in, &b0) == -1)
		return;
	if (b0 & 1)
		proto = b0;
	else if (wire_get_u8(&in, &b1) == -1 || (b1 & 1) == 0) {
		ccp_drop_in(ccp, "invalid protocol field inside");
		return;
	} else
		proto = (b0 << 8) | b1;
	if (!ccp_network_proto(proto)) {
		ccp_drop_in(ccp, "encrypted datagram of a protocol that is "
		    "not a network-layer one");
		return;
	}
	n = wire_left(&in);
	if (wire_get_ref(&in, &p, n) == -1)
		return;
	ccp->ipackets++;
	ccp->cb.deliver(ccp->cb.arg, proto, p, n);
}

/* MPPE, required, is still not up: give up on the link. */
static void
ccp_open_timeout(void *arg)
{
	struct ccp	*ccp = arg;
	char		 reason[128];

	if (ccp->mppe_up || !ccp_must_encrypt(ccp) ||
	    ccp->ppp->phase != PPP_PHASE_NETWORK)
		return;
	snprintf(reason, sizeof(reason), "MPPE required but peer negotiation "
	    "failed: MPPE not up within %d seconds",
	    CCP_OPEN_TIMEOUT_MS / 1000);
	ppp_close(ccp->ppp, reason);
}

/*
 * Stateful MPPE lost sync.  As pppd ccp_datainput(): one Reset-Request
 * at a time; if more packets are dropped while it is unanswered, repeat
 * it when its timer expires.
 */
static void
ccp_send_reset(struct ccp *ccp)
{
	if (ccp->fsm.state != FSM_OPENED)
		return;
	if (ccp->reset_pending) {
		ccp->reset_repeat = 1;
		return;
	}
	ccp->reset_id = fsm_newid(&ccp->fsm);
	fsm_send(&ccp->fsm, CCP_RESETREQ, ccp->reset_id, NULL, 0);
	ccp->reset_pending = 1;
	ccp->reset_repeat = 0;
	ppp_timer_add(ccp->ppp, &ccp->reset_timer, CCP_RESET_TIMEOUT_MS);
}

static void
ccp_reset_timeout(void *arg)
{
	struct ccp	*ccp = arg;

	if (ccp->fsm.state == FSM_OPENED && ccp->reset_pending &&
	    ccp->reset_repeat) {
		fsm_send(&ccp->fsm, CCP_RESETREQ, ccp->reset_id, NULL, 0);
		ccp->reset_repeat = 0;
		ppp_timer_add(ccp->ppp, &ccp->reset_timer,
		    CCP_RESET_TIMEOUT_MS);
		return;
	}
	ccp->reset_pending = 0;
}

/* Reset-Request and Reset-Ack (RFC 1962 section 2), only in Opened. */
static int
ccp_extcode(struct fsm *f, uint8_t code, uint8_t id, struct wire_reader *r)
{
	struct ccp	*ccp = f->arg;

	(void)r;
	switch (code) {
	case CCP_RESETREQ:
		if (f->state != FSM_OPENED) {
			ppp_log(ccp->ppp, LOG_DEBUG, "CCP: dropped Reset-"
			    "Request in state %s", fsm_state_name(f->state));
			return (FSM_EXT_DONE);
		}
		/* Fresh tables and A on our next packet; the Ack is sent
		 * always (RFC 1962; Linux notes RFC 3078 implies not). */
		if (ccp->mppe_up)
			mppe_flush(&ccp->tx);
		ppp_log(ccp->ppp, LOG_DEBUG, "CCP: Reset-Request id %u", id);
		fsm_send(f, CCP_RESETACK, id, NULL, 0);
		return (FSM_EXT_DONE);
	case CCP_RESETACK:
		if (ccp->reset_pending && id == ccp->reset_id) {
			ccp->reset_pending = 0;
			ccp->reset_repeat = 0;
			ppp_timer_del(ccp->ppp, &ccp->reset_timer);
		} else
			ppp_log(ccp->ppp, LOG_DEBUG, "CCP: dropped Reset-Ack "
			    "id %u: none of ours is waiting for it", id);
		return (FSM_EXT_DONE);
	default:
		return (FSM_EXT_UNKNOWN);
	}
}

/* A handler found the link must end (see ccp_no_mppe()). */
static void
ccp_fail(struct fsm *f, const char *why)
{
	struct ccp	*ccp = f->arg;

	ppp_close(ccp->ppp, why);
}

/* A negotiation starts: request what the policy allows. */
static void
ccp_reset(struct fsm *f)
{
	struct ccp	*ccp = f->arg;

	ccp->want.mppe = ccp->have_keys && !ccp->refused;
	ccp->want.bits = ccp_usable(ccp);
	ccp->want.stateless = 1;
}

static void
ccp_req_begin(struct fsm *f)
{
	struct ccp	*ccp = f->arg;

	memset(&ccp->his, 0, sizeof(ccp->his));
}

/*
 * CCP opened: MPPE starts if both directions agreed on it with the same
 * strength.  Anything else is no encryption at all.
 */
static void
ccp_up(struct fsm *f)
{
	struct ccp	*ccp = f->arg;

	if (!ccp->want.mppe && !ccp->his.mppe) {
		if (ccp_must_encrypt(ccp)) {
			ccp_no_mppe(ccp, "peer negotiation failed (CCP opened "
			    "without MPPE)");
			return;
		}
		ppp_log(ccp->ppp, LOG_INFO, "CCP: opened without compression "
		    "or encryption");
		return;
	}
	if (!ccp->want.mppe || !ccp->his.mppe ||
	    ccp_strongest(ccp->want.bits) != ccp->his.bits) {
		ccp_no_mppe(ccp, !ccp->want.mppe || !ccp->his.mppe ?
		    "peer negotiation failed (MPPE in one direction only)" :
		    "peer negotiation failed (MPPE strengths differ between "
		    "directions)");
		if (!ccp_must_encrypt(ccp))
			fsm_close(f, "MPPE not agreed in both directions");
		return;
	}
	if (ccp_mppe_start(ccp) == -1)
		ccp_no_mppe(ccp, "not available (cannot start MPPE: RC4 or "
		    "SHA-1 missing)");
}

/*
 * CCP leaves Opened.  Renegotiation (pitfalls C2: a Configure-Request in
 * Opened) restarts MPPE from its initial keys once CCP reopens, and
 * encrypted data is dropped meanwhile; the peer closing CCP after MPPE
 * was up ends the link, as in pppd ("MPPE disabled by peer").
 */
static void
ccp_down(struct fsm *f)
{
	struct ccp	*ccp = f->arg;
	int		 was_up = ccp->mppe_up;

	ccp_mppe_stop(ccp);
	switch (f->state) {
	case FSM_STOPPING:
		if (ccp_must_encrypt(ccp))
			fsm_fail(f, "MPPE disabled by peer");
		break;
	case FSM_REQSENT:
	case FSM_ACKSENT:
		if (was_up)
			ppp_log(ccp->ppp, LOG_INFO, "CCP: renegotiating; "
			    "encrypted data is dropped until MPPE is up again");
		if (ccp_must_encrypt(ccp))
			ppp_timer_add(ccp->ppp, &ccp->open_timer,
			    CCP_OPEN_TIMEOUT_MS);
		break;
	default:
		break;
	}
}

/* CCP gave up (no answer, Terminate, Code-Reject of a basic code). */
static void
ccp_finished(struct fsm *f)
{
	struct ccp	*ccp = f->arg;
	char		 reason[128];

	if (ccp->ppp->phase != PPP_PHASE_NETWORK)
		return;
	if (!ccp_must_encrypt(ccp)) {
		ppp_log(ccp->ppp, LOG_INFO, "CCP: finished (%s): no "
		    "encryption", f->reason[0] != '\0' ? f->reason : "closed");
		return;
	}
	/* This-Layer-Finished is the automaton's last action: safe. */
	snprintf(reason, sizeof(reason), "MPPE required but peer negotiation "
	    "failed: CCP %.72s", f->reason[0] != '\0' ? f->reason : "finished");
	ppp_close(ccp->ppp, reason);
}

static int
ccp_mppe_start(struct ccp *ccp)
{
	int	 bits = ccp_keybits(ccp->his.bits);

	if (mppe_init(&ccp->tx, ccp->send_start, bits,
	    ccp->his.stateless) == -1 ||
	    mppe_init(&ccp->rx, ccp->recv_start, bits,
	    ccp->want.stateless) == -1) {
		mppe_clear(&ccp->tx);
		mppe_clear(&ccp->rx);
		return (-1);
	}
	ccp->mppe_up = 1;
	ccp->secure = 1;
	ccp->reset_pending = 0;
	ppp_timer_del(ccp->ppp, &ccp->open_timer);
	ppp_log(ccp->ppp, LOG_INFO, "CCP: MPPE %d-bit enabled, %s to the "
	    "peer, %s from it", bits, ccp->his.stateless ? "stateless" :
	    "stateful", ccp->want.stateless ? "stateless" : "stateful");
	if (ccp->cb.up != NULL)
		ccp->cb.up(ccp->cb.arg);
	return (0);
}

static void
ccp_mppe_stop(struct ccp *ccp)
{
	ppp_timer_del(ccp->ppp, &ccp->reset_timer);
	ccp->reset_pending = 0;
	ccp->reset_repeat = 0;
	if (!ccp->mppe_up)
		return;
	ccp->mppe_up = 0;
	mppe_clear(&ccp->tx);
	mppe_clear(&ccp->rx);
	ppp_log(ccp->ppp, LOG_INFO, "CCP: MPPE down");
	if (ccp->cb.down != NULL)
		ccp->cb.down(ccp->cb.arg);
}

/*
 * The peer's MPPE request: what we send.  Nak toward what we can do
 * (ccp.h); past Max-Failure give up on MPPE instead of Rejecting it
 * silently, so that both directions stay alike.
 */
static int
ccp_mppe_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct ccp	*ccp = f->arg;
	uint32_t	 v = 0, o, offered, common;
	int		 naked = 0;

	if (ccp->refused || !ccp->have_keys) {
		ppp_log(ccp->ppp, LOG_DEBUG, "CCP: rejecting MPPE: it was "
		    "refused earlier on this link");
		return (FSM_REJ);
	}
	wire_get_u32(r, &v);
	o = v;
	if (o & ~MPPE_OPT_KNOWN) {
		ppp_log(ccp->ppp, LOG_DEBUG, "CCP: peer's MPPE request sets "
		    "unknown bits 0x%08x", o & ~MPPE_OPT_KNOWN);
		o &= MPPE_OPT_KNOWN;
		naked = 1;
	}
	if (o & (MPPE_OPT_C | MPPE_OPT_D)) {
		/* No MPPC compression; D is obsolete (pppd Naks both). */
		o &= ~(MPPE_OPT_C | MPPE_OPT_D);
		naked = 1;
	}
	if (!(o & MPPE_OPT_H) && !ccp->policy.stateful) {
		/* pppd Rejects it; a Nak says what would do. */
		ppp_log(ccp->ppp, LOG_DEBUG, "CCP: refusing MPPE stateful "
		    "mode offered by peer");
		o |= MPPE_OPT_H;
		naked = 1;
	}
	offered = o & MPPE_OPT_STRENGTHS;
	common = offered & ccp->want.bits;
	if (common == 0) {
		/* None named (Windows 10) or none we allow: all ours. */
		o = (o & ~MPPE_OPT_STRENGTHS) | ccp->want.bits;
		naked = 1;
	} else if (ccp_strongest(common) != offered) {
		o = (o & ~MPPE_OPT_STRENGTHS) | ccp_strongest(common);
		naked = 1;
	}
	if (naked) {
		if (f->reject_if_disagree) {
			ccp_no_mppe(ccp, "peer negotiation failed (no "
			    "agreement on MPPE after repeated Naks)");
			return (FSM_REJ);
		}
		wire_put_u32(nak, o);
		return (FSM_NAK);
	}
	ccp->his.mppe = 1;
	ccp->his.bits = offered;
	ccp->his.stateless = (o & MPPE_OPT_H) != 0;
	return (FSM_ACK);
}

/* The peer Naks our request: take its choice if it is one of ours. */
static void
ccp_mppe_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	struct ccp	*ccp = f->arg;
	uint32_t	 v, str;

	if (!ours || !ccp->want.mppe || wire_get_u32(r, &v) == -1)
		return;
	str = v & MPPE_OPT_STRENGTHS;
	if (v & ~(MPPE_OPT_H | MPPE_OPT_STRENGTHS))
		ccp_no_mppe(ccp, "peer negotiation failed (peer suggests "
		    "MPPC or unknown MPPE bits)");
	else if (str == 0 || (str & ~ccp->want.bits) != 0)
		ccp_no_mppe(ccp, "peer negotiation failed (peer suggests an "
		    "MPPE strength we do not allow)");
	else if (!(v & MPPE_OPT_H) && !ccp->policy.stateful)
		ccp_no_mppe(ccp, "peer negotiation failed (peer wants MPPE "
		    "stateful mode)");
	else {
		ccp->want.bits = str;
		ccp->want.stateless = (v & MPPE_OPT_H) != 0;
	}
}

static void
ccp_mppe_rej(struct fsm *f)
{
	struct ccp	*ccp = f->arg;

	ccp_no_mppe(ccp, "peer refused it");
}

/* Stateless as pppd always asks, every strength allowed. */
static int
ccp_mppe_add(struct fsm *f, struct wire_writer *w)
{
	struct ccp	*ccp = f->arg;

	if (!ccp->want.mppe)
		return (0);
	wire_put_u32(w, (ccp->want.stateless ? MPPE_OPT_H : 0) |
	    ccp->want.bits);
	return (1);
}

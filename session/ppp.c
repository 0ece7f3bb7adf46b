/*
 * ppp.c: the per-link glue of the PPP engine (see ppp.h): phases, frame
 * input and demultiplexing, frame output through the transport, the
 * protocol registry and the timers multiplexed onto the caller's single
 * callback.  Malformed frames are logged and dropped here; everything
 * that needs an answer is answered by LCP or the protocol it belongs to.
 */
#include <sys/queue.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fsm.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "wire.h"

#define PPP_TIMER_BURST		64	/* timers run per ppp_timeout() */

static void	 ppp_set_phase(struct ppp *, enum ppp_phase);
static int	 ppp_phase_allows(const struct ppp *, int);
static void	 ppp_finish(struct ppp *, const char *);
static void	 ppp_finish_timeout(void *);
static struct ppp_proto_entry *ppp_find(struct ppp *, uint16_t);
static void	 ppp_hold(struct ppp *, struct ppp_proto_entry *,
		    const struct wire_reader *);
static void	 ppp_drop_held(struct ppp_proto_entry *);
static int	 ppp_xmit(struct ppp *, uint16_t, const uint8_t *, size_t,
		    const uint8_t *, size_t);
static size_t	 ppp_rcv_limit(const struct ppp *);
static void	 ppp_timer_sched(struct ppp *);

static const char *const ppp_phase_names[] = {
	"Dead", "Establish", "Authenticate", "Network", "Terminate"
};

static const char *const ppp_auth_names[] = {
	"none", "PAP", "CHAP-MD5", "MS-CHAPv1", "MS-CHAPv2"
};

const char *
ppp_phase_name(enum ppp_phase p)
{
	if ((unsigned int)p >= sizeof(ppp_phase_names) /
	    sizeof(ppp_phase_names[0]))
		return ("?");
	return (ppp_phase_names[p]);
}

const char *
ppp_auth_name(enum ppp_auth a)
{
	if ((unsigned int)a >= sizeof(ppp_auth_names) /
	    sizeof(ppp_auth_names[0]))
		return ("?");
	return (ppp_auth_names[a]);
}

void
ppp_params_default(struct ppp_params *c)
{
	memset(c, 0, sizeof(*c));
	c->mru = PPP_MRU_DEFAULT;
	c->nauth = 0;
	c->echo_interval = 30;
	c->echo_failures = 4;
	c->restart_ms = 3000;		/* RFC 1661 4.6 */
	c->first_restart_ms = 1000;
	c->max_configure = 10;
	c->max_terminate = 2;
	c->max_failure = 5;
	c->max_loopback = 10;		/* pppd lcp_loopbackfail */
	c->request_pfc = 1;		/* pppd asks for both by default */
	c->request_acfc = 1;
	c->request_accm = 0;
}

struct ppp *
ppp_new(uint32_t id, const struct ppp_params *params,
    const struct ppp_link *link)
{
	struct ppp	*ppp;
	int		 i, j, n;

	if (link->output == NULL || link->now == NULL ||
	    link->set_timer == NULL || link->finished == NULL) {
		log_warnx("ppp %u: transport lacks a required callback", id);
		return (NULL);
	}
	if ((ppp = calloc(1, sizeof(*ppp))) == NULL)
		return (NULL);
	if ((ppp->lcp = calloc(1, sizeof(*ppp->lcp))) == NULL) {
		free(ppp);
		return (NULL);
	}
	ppp->id = id;
	ppp->phase = PPP_PHASE_DEAD;
	ppp->params = *params;
	ppp->link = *link;
	if (ppp->link.name == NULL)
		ppp->link.name = "link";
	if (ppp->link.mtu == 0 || ppp->link.mtu > PPP_MTU_MAX)
		ppp->link.mtu = PPP_MTU_MAX;
	if (ppp->link.mtu < PPP_MRU_MIN)
		ppp->link.mtu = PPP_MRU_MIN;

	/* Keep only methods we know, each once. */
	for (i = 0, n = 0; i < params->nauth && i < PPP_AUTH_MAX; i++) {
		if (params->auth[i] <= PPP_AUTH_NONE ||
		    params->auth[i] > PPP_AUTH_MSCHAP_V2)
			continue;
		for (j = 0; j < n; j++)
			if (ppp->params.auth[j] == params->auth[i])
				break;
		if (j == n)
			ppp->params.auth[n++] = params->auth[i];
	}
	ppp->params.nauth = n;
	if (ppp->params.max_configure < 1)
		ppp->params.max_configure = 1;
	if (ppp->params.max_terminate < 1)
		ppp->params.max_terminate = 1;
	if (ppp->params.max_loopback < 1)
		ppp->params.max_loopback = 1;
	if (ppp->params.restart_ms == 0)
		ppp->params.restart_ms = 3000;
	if (ppp->params.mru < PPP_MRU_MIN)
		ppp->params.mru = PPP_MRU_DEFAULT;
	/* Seconds become milliseconds in an unsigned int. */
	if (ppp->params.echo_interval > PPP_ECHO_INTERVAL_MAX)
		ppp->params.echo_interval = PPP_ECHO_INTERVAL_MAX;

	TAILQ_INIT(&ppp->timers);
	ppp->timer_set = -1;
	ppp_timer_init(&ppp->finish_timer, ppp_finish_timeout, ppp);
	lcp_init(ppp->lcp, ppp);
	return (ppp);
}

void
ppp_free(struct ppp *ppp)
{
	int	 i;

	if (ppp == NULL)
		return;
	for (i = 0; i < ppp->nprotos; i++)
		ppp_drop_held(&ppp->protos[i]);
	free(ppp->lcp);
	free(ppp);
}

/* The transport is ready: open LCP and bring its lower layer up. */
void
ppp_start(struct ppp *ppp)
{
	if (ppp->phase != PPP_PHASE_DEAD || ppp->finished)
		return;
	ppp_log(ppp, LOG_DEBUG, "starting over %s, link MTU %zu",
	    ppp->link.name, ppp->link.mtu);
	ppp_set_phase(ppp, PPP_PHASE_ESTABLISH);
	fsm_open(&ppp->lcp->fsm);
	fsm_up(&ppp->lcp->fsm);
}

/* The transport is gone: nothing can be sent any more. */
void
ppp_lowerdown(struct ppp *ppp)
{
	if (ppp->finished)
		return;
	fsm_down(&ppp->lcp->fsm);
	ppp_finish(ppp, "lower layer down");
}

/* End the link: LCP Terminate-Request with the reason, then finished. */
void
ppp_close(struct ppp *ppp, const char *reason)
{
	enum fsm_state	 s;

	if (ppp->finished)
		return;
	if (reason == NULL)
		reason = "closed";
	if (ppp->reason[0] == '\0')
		strlcpy(ppp->reason, reason, sizeof(ppp->reason));
	ppp_log(ppp, LOG_INFO, "closing: %s", reason);
	if (ppp->phase != PPP_PHASE_DEAD)
		ppp_set_phase(ppp, PPP_PHASE_TERMINATE);
	fsm_close(&ppp->lcp->fsm, reason);
	/* States from which Close produces no This-Layer-Finished. */
	s = ppp->lcp->fsm.state;
	if (s == FSM_INITIAL || s == FSM_CLOSED)
		ppp_finish(ppp, reason);
}

void
ppp_auth_done(struct ppp *ppp, int success, const char *reason)
{
	if (ppp->phase != PPP_PHASE_AUTHENTICATE) {
		ppp_log(ppp, LOG_DEBUG, "authentication result ignored in "
		    "phase %s", ppp_phase_name(ppp->phase));
		return;
	}
	if (!success) {
		ppp_close(ppp, reason != NULL ? reason :
		    "authentication failed");
		return;
	}
	ppp_log(ppp, LOG_INFO, "authenticated with %s",
	    ppp_auth_name(ppp->auth));
	ppp_set_phase(ppp, PPP_PHASE_NETWORK);
}

void
ppp_lcp_up(struct ppp *ppp, enum ppp_auth auth)
{
	ppp->auth = auth;
	ppp_set_phase(ppp, auth != PPP_AUTH_NONE ? PPP_PHASE_AUTHENTICATE :
	    PPP_PHASE_NETWORK);
}

void
ppp_lcp_down(struct ppp *ppp, int closing)
{
	ppp->auth = PPP_AUTH_NONE;
	if (!ppp->finished)
		ppp_set_phase(ppp, closing ? PPP_PHASE_TERMINATE :
		    PPP_PHASE_ESTABLISH);
}

void
ppp_lcp_finished(struct ppp *ppp, const char *reason)
{
	ppp_finish(ppp, reason);
}

/*
 * The link is dead.  Tell the transport from a timer of its own, so that
 * it may free us: never from inside a call it is making into us.
 */
static void
ppp_finish(struct ppp *ppp, const char *reason)
{
	struct ppp_timer	*t;
	int			 i;

	if (ppp->finished)
		return;
	if (ppp->reason[0] == '\0')
		strlcpy(ppp->reason, reason, sizeof(ppp->reason));
	ppp_log(ppp, LOG_INFO, "link finished: %s", ppp->reason);
	ppp_set_phase(ppp, PPP_PHASE_DEAD);
	ppp->finished = 1;
	for (i = 0; i < ppp->nprotos; i++)
		ppp_drop_held(&ppp->protos[i]);
	lcp_stop(ppp->lcp);
	while ((t = TAILQ_FIRST(&ppp->timers)) != NULL) {
		TAILQ_REMOVE(&ppp->timers, t, entry);
		t->armed = 0;
	}
	ppp_timer_add(ppp, &ppp->finish_timer, 0);
}

static void
ppp_finish_timeout(void *arg)
{
	(void)arg;		/* ppp_timeout() makes the call */
}

/* Protocols take frames from their phase up to Network. */
static int
ppp_phase_allows(const struct ppp *ppp, int phase)
{
	return ((int)ppp->phase >= phase && ppp->phase <= PPP_PHASE_NETWORK &&
	    ppp->phase != PPP_PHASE_DEAD);
}

static void
ppp_set_phase(struct ppp *ppp, enum ppp_phase phase)
{
	struct ppp_proto_entry	*e;
	struct wire_reader	 r;
	uint8_t			*held;
	int			 i;

	if (ppp->phase == phase)
		return;
	ppp_log(ppp, LOG_DEBUG, "phase %s -> %s", ppp_phase_name(ppp->phase),
	    ppp_phase_name(phase));
	ppp->phase = phase;
	if (ppp->link.phase != NULL)
		ppp->link.phase(ppp->link.arg, phase);

	/* Down in the reverse order of up; a callback may move the phase
	 * again, and then that nested call has done the rest. */
	for (i = ppp->nprotos - 1; i >= 0; i--) {
		e = &ppp->protos[i];
		if (phase == PPP_PHASE_DEAD || phase == PPP_PHASE_TERMINATE)
			ppp_drop_held(e);
		if (!e->up || ppp_phase_allows(ppp, e->p.phase))
			continue;
		e->up = 0;
		if (e->p.down != NULL)
			e->p.down(e->p.arg);
		if (ppp->phase != phase)
			return;
	}
	for (i = 0; i < ppp->nprotos; i++) {
		e = &ppp->protos[i];
		if (e->up || !ppp_phase_allows(ppp, e->p.phase))
			continue;
		e->up = 1;
		if (e->p.up != NULL)
			e->p.up(e->p.arg);
		if (ppp->phase != phase)
			return;
		if (e->held != NULL) {
			/* A frame that came before its phase (pitfalls
			 * A6, C1): deliver it now, as if just received. */
			held = e->held;
			e->held = NULL;
			wire_reader_init(&r, held, e->heldlen);
			ppp_log(ppp, LOG_DEBUG, "delivering held %s frame",
			    e->p.name);
			e->p.input(e->p.arg, &r);
			free(held);
			if (ppp->phase != phase)
				return;
		}
	}
}

int
ppp_register(struct ppp *ppp, const struct ppp_proto *p)
{
	struct ppp_proto_entry	*e;

	if (p->proto == PPP_LCP || p->input == NULL ||
	    p->phase < PPP_PHASE_ESTABLISH || p->phase > PPP_PHASE_NETWORK ||
	    ppp_find(ppp, p->proto) != NULL || ppp->nprotos >= PPP_PROTO_MAX) {
		log_warnx("ppp %u: cannot register protocol 0x%04x", ppp->id,
		    p->proto);
		return (-1);
	}
	e = &ppp->protos[ppp->nprotos++];
	memset(e, 0, sizeof(*e));
	e->p = *p;
	if (e->p.name == NULL)
		e->p.name = "protocol";
	if (ppp_phase_allows(ppp, e->p.phase)) {
		e->up = 1;
		if (e->p.up != NULL)
			e->p.up(e->p.arg);
	}
	return (0);
}

/* Not from a protocol's own callback: the table moves under the caller. */
void
ppp_unregister(struct ppp *ppp, uint16_t proto)
{
	struct ppp_proto_entry	*e;
	int			 i;

	if ((e = ppp_find(ppp, proto)) == NULL)
		return;
	ppp_drop_held(e);
	i = e - ppp->protos;
	memmove(e, e + 1, (ppp->nprotos - i - 1) * sizeof(*e));
	ppp->nprotos--;
}

static struct ppp_proto_entry *
ppp_find(struct ppp *ppp, uint16_t proto)
{
	int	 i;

	for (i = 0; i < ppp->nprotos; i++)
		if (ppp->protos[i].p.proto == proto)
			return (&ppp->protos[i]);
	return (NULL);
}

/* Keep the latest early frame of a protocol until its phase begins. */
static void
ppp_hold(struct ppp *ppp, struct ppp_proto_entry *e,
    const struct wire_reader *r)
{
	struct wire_reader	 copy = *r;
	size_t			 len = wire_left(r);

	ppp_drop_held(e);
	if ((e->held = malloc(len > 0 ? len : 1)) == NULL) {
		log_warn("ppp %u: holding a frame", ppp->id);
		return;
	}
	wire_get_bytes(&copy, e->held, len);
	e->heldlen = len;
	ppp_log(ppp, LOG_DEBUG, "holding early %s frame until phase %s",
	    e->p.name, ppp_phase_name(e->p.phase));
}

static void
ppp_drop_held(struct ppp_proto_entry *e)
{
	free(e->held);
	e->held = NULL;
	e->heldlen = 0;
}

/*
 * Protocol-Reject a frame of a protocol this link does not run: for a
 * registered protocol that finds itself disabled (CCP without MPPE, for
 * instance); ppp_input() does it for unregistered ones.
 */
void
ppp_send_protrej(struct ppp *ppp, uint16_t proto, const uint8_t *info,
    size_t len)
{
	struct wire_reader	 r;

	wire_reader_init(&r, info, len);
	lcp_send_protrej(ppp->lcp, proto, &r);
}

void
ppp_protrej_rcvd(struct ppp *ppp, uint16_t proto)
{
	struct ppp_proto_entry	*e;

	if ((e = ppp_find(ppp, proto)) == NULL || e->p.protrej == NULL) {
		ppp_log(ppp, LOG_DEBUG, "peer Protocol-Rejected 0x%04x, "
		    "which we do not use", proto);
		return;
	}
	ppp_log(ppp, LOG_INFO, "peer Protocol-Rejected %s", e->p.name);
	e->p.protrej(e->p.arg);
}

/* Largest information field we accept: what the link carries, >= 1500. */
static size_t
ppp_rcv_limit(const struct ppp *ppp)
{
	return (ppp->link.mtu > PPP_MRU_DEFAULT ? ppp->link.mtu :
	    PPP_MRU_DEFAULT);
}

/*
 * One frame from the transport.  Address and Control are optional
 * (ACFC) and the Protocol field may be one octet (PFC): both are accepted
 * whether negotiated or not, since telling them apart is unambiguous.
 */
void
ppp_input(struct ppp *ppp, const uint8_t *frame, size_t len)
{
	struct wire_reader	 r;
	struct ppp_proto_entry	*e;
	uint8_t			 b, c;
	uint16_t		 proto;

	if (ppp->phase == PPP_PHASE_DEAD) {
		ppp_log(ppp, LOG_DEBUG, "dropped frame: link is dead");
		return;
	}
	wire_reader_init(&r, frame, len);
	if (wire_left(&r) == 0) {
		ppp_log(ppp, LOG_DEBUG, "dropped empty frame");
		return;
	}
	if (wire_peek_u8(&r, &b) == 0 && b == PPP_ALLSTATIONS) {
		wire_skip(&r, 1);
		if (wire_get_u8(&r, &c) == -1 || c != PPP_UI) {
			ppp_log(ppp, LOG_DEBUG, "dropped frame with a bad "
			    "Control field");
			return;
		}
	}
	if (wire_get_u8(&r, &b) == -1) {
		ppp_log(ppp, LOG_DEBUG, "dropped frame without a Protocol "
		    "field");
		return;
	}
	if (b & 1)
		proto = b;
	else {
		if (wire_get_u8(&r, &c) == -1) {
			ppp_log(ppp, LOG_DEBUG, "dropped frame with a "
			    "truncated Protocol field");
			return;
		}
		if ((c & 1) == 0) {
			ppp_log(ppp, LOG_DEBUG, "dropped frame with invalid "
			    "protocol 0x%02x%02x", b, c);
			return;
		}
		proto = (b << 8) | c;
	}
	if (wire_left(&r) > ppp_rcv_limit(ppp)) {
		ppp_log(ppp, LOG_DEBUG, "dropped oversized frame of protocol "
		    "0x%04x: %zu octets, limit %zu", proto, wire_left(&r),
		    ppp_rcv_limit(ppp));
		return;
	}
	lcp_alive(ppp->lcp);

	if (proto == PPP_LCP) {
		lcp_input(ppp->lcp, &r);
		return;
	}
	if ((e = ppp_find(ppp, proto)) == NULL) {
		lcp_send_protrej(ppp->lcp, proto, &r);
		return;
	}
	if (ppp_phase_allows(ppp, e->p.phase)) {
		e->p.input(e->p.arg, &r);
		return;
	}
	/* Ahead of its phase while LCP negotiates or is up: keep it. */
	if ((ppp->phase == PPP_PHASE_ESTABLISH ||
	    ppp->phase == PPP_PHASE_AUTHENTICATE) &&
	    ppp->lcp->fsm.state >= FSM_REQSENT) {
		ppp_hold(ppp, e, &r);
		return;
	}
	ppp_log(ppp, LOG_DEBUG, "dropped %s frame in phase %s", e->p.name,
	    ppp_phase_name(ppp->phase));
}

/* Largest information field the peer accepts. */
size_t
ppp_peer_mru(const struct ppp *ppp)
{
	size_t	 mru = ppp->lcp->peer_mru;

	if (mru > ppp->link.mtu)
		mru = ppp->link.mtu;
	return (mru);
}

/*
 * Frame and send.  LCP always goes with FF 03 and a two-octet protocol
 * (pitfalls B4); other protocols are compressed as the peer asked.
 */
static int
ppp_xmit(struct ppp *ppp, uint16_t proto, const uint8_t *hdr, size_t hdrlen,
    const uint8_t *data, size_t len)
{
	struct wire_writer	 w;
	const struct lcp	*lcp = ppp->lcp;
	int			 opened = lcp_opened(lcp);

	if (ppp->finished)
		return (-1);
	if (hdrlen + len > ppp_peer_mru(ppp)) {
		ppp_log(ppp, LOG_DEBUG, "not sending %zu octets of protocol "
		    "0x%04x: over the peer's MRU %zu", hdrlen + len, proto,
		    ppp_peer_mru(ppp));
		return (-1);
	}
	wire_writer_init(&w, ppp->obuf, sizeof(ppp->obuf));
	if (!(ppp->link.flags & PPP_LINK_NO_ADDRCTL) &&
	    (proto == PPP_LCP || !opened || !lcp->his.acfc)) {
		wire_put_u8(&w, PPP_ALLSTATIONS);
		wire_put_u8(&w, PPP_UI);
	}
	if (proto < 0x100 && opened && lcp->his.pfc)
		wire_put_u8(&w, proto);
	else
		wire_put_u16(&w, proto);
	wire_put_bytes(&w, hdr, hdrlen);
	wire_put_bytes(&w, data, len);
	if (w.error)
		return (-1);
	return (ppp->link.output(ppp->link.arg, w.p, w.len));
}

/* A packet of a protocol that has its own frames (data, auth). */
int
ppp_output(struct ppp *ppp, uint16_t proto, const uint8_t *info, size_t len)
{
	return (ppp_xmit(ppp, proto, NULL, 0, info, len));
}

/* A control packet: Code, Identifier, Length, then data. */
int
ppp_send_cp(struct ppp *ppp, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len)
{
	uint8_t			 hdr[CP_HDRLEN];
	struct wire_writer	 w;

	if (len > 0xffff - CP_HDRLEN)
		return (-1);
	wire_writer_init(&w, hdr, sizeof(hdr));
	wire_put_u8(&w, code);
	wire_put_u8(&w, id);
	wire_put_u16(&w, CP_HDRLEN + len);
	return (ppp_xmit(ppp, proto, hdr, w.len, data, len));
}

uint32_t
ppp_random(struct ppp *ppp)
{
	if (ppp->link.random != NULL)
		return (ppp->link.random(ppp->link.arg));
	return (arc4random());
}

void
ppp_log(struct ppp *ppp, int pri, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	switch (pri) {
	case LOG_DEBUG:
		log_debug("ppp %u: %s", ppp->id, buf);
		break;
	case LOG_INFO:
	case LOG_NOTICE:
		log_info("ppp %u: %s", ppp->id, buf);
		break;
	default:
		log_warnx("ppp %u: %s", ppp->id, buf);
		break;
	}
}

void
ppp_timer_init(struct ppp_timer *t, void (*fn)(void *), void *arg)
{
	memset(t, 0, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
}

/* (Re)arm a timer ms from now; the list stays sorted by deadline. */
void
ppp_timer_add(struct ppp *ppp, struct ppp_timer *t, unsigned int ms)
{
	struct ppp_timer	*o;

	if (t->armed)
		TAILQ_REMOVE(&ppp->timers, t, entry);
	t->when = ppp->link.now(ppp->link.arg) + ms;
	t->armed = 1;
	TAILQ_FOREACH(o, &ppp->timers, entry)
		if (o->when > t->when)
			break;
	if (o != NULL)
		TAILQ_INSERT_BEFORE(o, t, entry);
	else
		TAILQ_INSERT_TAIL(&ppp->timers, t, entry);
	ppp_timer_sched(ppp);
}

void
ppp_timer_del(struct ppp *ppp, struct ppp_timer *t)
{
	if (!t->armed)
		return;
	TAILQ_REMOVE(&ppp->timers, t, entry);
	t->armed = 0;
	ppp_timer_sched(ppp);
}

int
ppp_timer_pending(const struct ppp_timer *t)
{
	return (t->armed);
}

/* Tell the caller when to call ppp_timeout() next. */
static void
ppp_timer_sched(struct ppp *ppp)
{
	struct ppp_timer	*t;
	uint64_t		 now;
	int64_t			 delay = -1;

	if (ppp->in_timeout)
		return;
	if ((t = TAILQ_FIRST(&ppp->timers)) != NULL) {
		now = ppp->link.now(ppp->link.arg);
		delay = t->when > now ? (int64_t)(t->when - now) : 0;
	}
	if (delay == -1 && ppp->timer_set == -1)
		return;
	ppp->timer_set = delay;
	ppp->link.set_timer(ppp->link.arg, delay);
}

/*
 * The delay asked for has passed: run every timer that is due.  When the
 * link has finished, telling the transport is the very last thing done,
 * since the transport may free the ppp in that call.
 */
void
ppp_timeout(struct ppp *ppp)
{
	struct ppp_timer	*t;
	uint64_t		 now;
	int			 n, finished = 0;

	ppp->in_timeout = 1;
	ppp->timer_set = -1;
	now = ppp->link.now(ppp->link.arg);
	for (n = 0; n < PPP_TIMER_BURST; n++) {
		if ((t = TAILQ_FIRST(&ppp->timers)) == NULL || t->when > now)
			break;
		TAILQ_REMOVE(&ppp->timers, t, entry);
		t->armed = 0;
		if (t == &ppp->finish_timer)
			finished = 1;
		else
			t->fn(t->arg);
	}
	ppp->in_timeout = 0;
	if (finished) {
		ppp->link.set_timer(ppp->link.arg, -1);
		ppp->link.finished(ppp->link.arg, ppp->reason);
		return;
	}
	ppp_timer_sched(ppp);
}

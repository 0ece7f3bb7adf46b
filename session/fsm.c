/*
 * fsm.c: the option-negotiation automaton of RFC 1661 section 4, shared
 * by every control protocol.  The state transition table is data: each
 * (state, event) cell lists the RFC's actions and the next state, so the
 * code below only has to carry actions out and classify packets into
 * events.  npppd's and pppd's fsm.c have the same shape (one automaton,
 * callbacks per protocol); where the RFC leaves a choice this follows
 * pppd, and the comments say where.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "fsm.h"
#include "ppp.h"
#include "wire.h"

/* RFC 1661 4.4 actions. */
#define A_TLU		0x0001	/* This-Layer-Up */
#define A_TLD		0x0002	/* This-Layer-Down */
#define A_TLS		0x0004	/* This-Layer-Started */
#define A_TLF		0x0008	/* This-Layer-Finished */
#define A_IRC		0x0010	/* Initialize-Restart-Count */
#define A_ZRC		0x0020	/* Zero-Restart-Count */
#define A_SCR		0x0040	/* Send-Configure-Request */
#define A_SCA		0x0080	/* Send-Configure-Ack */
#define A_SCN		0x0100	/* Send-Configure-Nak/Rej */
#define A_STR		0x0200	/* Send-Terminate-Request */
#define A_STA		0x0400	/* Send-Terminate-Ack */
#define A_SCJ		0x0800	/* Send-Code-Reject */
#define A_SER		0x1000	/* Send-Echo-Reply */

#define NONE		(-1)	/* "-": cannot happen in this state */

struct fsm_trans {
	int		 act;
	int		 next;
};

/* A cell that cannot happen, and one that can. */
#define XX		{ 0, NONE }
#define T(a, n)		{ (a), FSM_##n }

/*
 * RFC 1661 section 4.1, one row per state, the events in enum order:
 * Up Down Open Close TO+ TO- RCR+ RCR- RCA RCN RTR RTA RUC RXJ+ RXJ- RXR.
 * The "r" (restart) option is not taken: Open in Stopped, Closing,
 * Stopping or Opened changes nothing.  Nor is "p" (passive): a server
 * that heard nothing gives up.  The "x" (crossed connection) cells are
 * reachable only if a duplicate Ack or Nak were accepted, and as in pppd
 * one is not (fsm_rca, fsm_rcn).
 */
static const struct fsm_trans fsm_table[FSM_NSTATES][FSM_NEVENTS] = {
	[FSM_INITIAL] = {
		T(0, CLOSED), XX, T(A_TLS, STARTING), T(0, INITIAL),
		XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX },
	[FSM_STARTING] = {
		T(A_IRC | A_SCR, REQSENT), XX, T(0, STARTING),
		T(A_TLF, INITIAL),
		XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX },
	[FSM_CLOSED] = {
		XX, T(0, INITIAL), T(A_IRC | A_SCR, REQSENT), T(0, CLOSED),
		XX, XX,
		T(A_STA, CLOSED), T(A_STA, CLOSED), T(A_STA, CLOSED),
		T(A_STA, CLOSED), T(A_STA, CLOSED), T(0, CLOSED),
		T(A_SCJ, CLOSED), T(0, CLOSED), T(A_TLF, CLOSED),
		T(0, CLOSED) },
	[FSM_STOPPED] = {
		XX, T(A_TLS, STARTING), T(0, STOPPED), T(0, CLOSED),
		XX, XX,
		T(A_IRC | A_SCR | A_SCA, ACKSENT),
		T(A_IRC | A_SCR | A_SCN, REQSENT),
		T(A_STA, STOPPED), T(A_STA, STOPPED), T(A_STA, STOPPED),
		T(0, STOPPED), T(A_SCJ, STOPPED), T(0, STOPPED),
		T(A_TLF, STOPPED), T(0, STOPPED) },
	[FSM_CLOSING] = {
		XX, T(0, INITIAL), T(0, STOPPING), T(0, CLOSING),
		T(A_STR, CLOSING), T(A_TLF, CLOSED),
		T(0, CLOSING), T(0, CLOSING), T(0, CLOSING), T(0, CLOSING),
		T(A_STA, CLOSING), T(A_TLF, CLOSED), T(A_SCJ, CLOSING),
		T(0, CLOSING), T(A_TLF, CLOSED), T(0, CLOSING) },
	[FSM_STOPPING] = {
		XX, T(0, STARTING), T(0, STOPPING), T(0, CLOSING),
		T(A_STR, STOPPING), T(A_TLF, STOPPED),
		T(0, STOPPING), T(0, STOPPING), T(0, STOPPING),
		T(0, STOPPING), T(A_STA, STOPPING), T(A_TLF, STOPPED),
		T(A_SCJ, STOPPING), T(0, STOPPING), T(A_TLF, STOPPED),
		T(0, STOPPING) },
	[FSM_REQSENT] = {
		XX, T(0, STARTING), T(0, REQSENT), T(A_IRC | A_STR, CLOSING),
		T(A_SCR, REQSENT), T(A_TLF, STOPPED),
		T(A_SCA, ACKSENT), T(A_SCN, REQSENT), T(A_IRC, ACKRCVD),
		T(A_IRC | A_SCR, REQSENT), T(A_STA, REQSENT), T(0, REQSENT),
		T(A_SCJ, REQSENT), T(0, REQSENT), T(A_TLF, STOPPED),
		T(0, REQSENT) },
	[FSM_ACKRCVD] = {
		XX, T(0, STARTING), T(0, ACKRCVD), T(A_IRC | A_STR, CLOSING),
		T(A_SCR, REQSENT), T(A_TLF, STOPPED),
		T(A_SCA | A_TLU, OPENED), T(A_SCN, ACKRCVD),
		T(A_SCR, REQSENT), T(A_SCR, REQSENT), T(A_STA, REQSENT),
		T(0, REQSENT), T(A_SCJ, ACKRCVD), T(0, REQSENT),
		T(A_TLF, STOPPED), T(0, ACKRCVD) },
	[FSM_ACKSENT] = {
		XX, T(0, STARTING), T(0, ACKSENT), T(A_IRC | A_STR, CLOSING),
		T(A_SCR, ACKSENT), T(A_TLF, STOPPED),
		T(A_SCA, ACKSENT), T(A_SCN, REQSENT), T(A_IRC | A_TLU, OPENED),
		T(A_IRC | A_SCR, ACKSENT), T(A_STA, REQSENT), T(0, ACKSENT),
		T(A_SCJ, ACKSENT), T(0, ACKSENT), T(A_TLF, STOPPED),
		T(0, ACKSENT) },
	[FSM_OPENED] = {
		XX, T(A_TLD, STARTING), T(0, OPENED),
		T(A_TLD | A_IRC | A_STR, CLOSING), XX, XX,
		T(A_TLD | A_SCR | A_SCA, ACKSENT),
		T(A_TLD | A_SCR | A_SCN, REQSENT), T(A_TLD | A_SCR, REQSENT),
		T(A_TLD | A_SCR, REQSENT), T(A_TLD | A_ZRC | A_STA, STOPPING),
		T(A_TLD | A_SCR, REQSENT), T(A_SCJ, OPENED), T(0, OPENED),
		T(A_TLD | A_IRC | A_STR, STOPPING), T(A_SER, OPENED) },
};

/* What came with the event that the actions may need. */
struct fsm_pkt {
	uint8_t			 code;		/* received code */
	uint8_t			 id;		/* received identifier */
	struct wire_reader	 data;		/* received data */
	struct wire_reader	 raw;		/* whole packet, for scj */
	uint8_t			 reply_code;	/* for sca / scn */
	const uint8_t		*reply;
	size_t			 reply_len;
};

static void	 fsm_run(struct fsm *, enum fsm_event, struct fsm_pkt *);
static int	 fsm_timed(enum fsm_state);
static void	 fsm_timeout(void *);
static void	 fsm_scr(struct fsm *, enum fsm_state, int);
static void	 fsm_str(struct fsm *, int);
static void	 fsm_arm(struct fsm *, int);
static void	 fsm_set_reason(struct fsm *, const char *, const char *);
static const struct fsm_opt *fsm_opt_find(const struct fsm *, uint8_t);
static size_t	 fsm_room(const struct fsm *);
static void	 fsm_rcr(struct fsm *, struct fsm_pkt *);
static int	 fsm_reqci(struct fsm *, struct fsm_pkt *, struct wire_writer *,
		    struct wire_writer *);
static void	 fsm_rca(struct fsm *, struct fsm_pkt *);
static void	 fsm_rcn(struct fsm *, struct fsm_pkt *);
static int	 fsm_nakci(struct fsm *, struct wire_reader *, int);
static int	 fsm_rejci_check(struct fsm *, struct wire_reader *);
static void	 fsm_rejci(struct fsm *, struct wire_reader *);
static void	 fsm_rtr(struct fsm *, struct fsm_pkt *);
static void	 fsm_rxj(struct fsm *, struct fsm_pkt *);
static void	 fsm_check_fail(struct fsm *);
static void	 fsm_proto_input(void *, struct wire_reader *);
static void	 fsm_proto_up(void *);
static void	 fsm_proto_down(void *);
static void	 fsm_proto_protrej(void *);

static const char *const fsm_state_names[FSM_NSTATES] = {
	"Initial", "Starting", "Closed", "Stopped", "Closing", "Stopping",
	"Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened"
};

static const char *const fsm_event_names[FSM_NEVENTS] = {
	"Up", "Down", "Open", "Close", "TO+", "TO-", "RCR+", "RCR-", "RCA",
	"RCN", "RTR", "RTA", "RUC", "RXJ+", "RXJ-", "RXR"
};

static const char *const fsm_code_names[] = {
	"code 0", "Configure-Request", "Configure-Ack", "Configure-Nak",
	"Configure-Reject", "Terminate-Request", "Terminate-Ack",
	"Code-Reject", "Protocol-Reject", "Echo-Request", "Echo-Reply",
	"Discard-Request", "Identification", "Time-Remaining"
};

const char *
fsm_state_name(enum fsm_state s)
{
	if ((unsigned int)s >= FSM_NSTATES)
		return ("?");
	return (fsm_state_names[s]);
}

const char *
fsm_event_name(enum fsm_event e)
{
	if ((unsigned int)e >= FSM_NEVENTS)
		return ("?");
	return (fsm_event_names[e]);
}

const char *
fsm_code_name(uint8_t code)
{
	if (code >= sizeof(fsm_code_names) / sizeof(fsm_code_names[0]))
		return ("unknown code");
	return (fsm_code_names[code]);
}

void
fsm_init(struct fsm *f, struct ppp *ppp, const struct fsm_callbacks *cb,
    void *arg)
{
	memset(f, 0, sizeof(*f));
	f->cb = cb;
	f->ppp = ppp;
	f->arg = arg;
	f->state = FSM_INITIAL;
	/* Random first identifiers: a LAC may have used low ones (B5). */
	f->id = ppp_random(ppp) & 0xff;
	f->reqid = f->id;
	f->termid = f->id;
	f->reply_seen = 1;		/* nothing outstanding */
	f->timeout_ms = ppp->params.restart_ms;
	/* LCP sets first_timeout_ms; an NCP's peer is up and answers. */
	f->first_timeout_ms = 0;
	f->max_configure = ppp->params.max_configure;
	f->max_terminate = ppp->params.max_terminate;
	f->max_failure = ppp->params.max_failure;
	ppp_timer_init(&f->timer, fsm_timeout, f);
}

void
fsm_up(struct fsm *f)
{
	fsm_run(f, FSM_UP, NULL);
}

void
fsm_down(struct fsm *f)
{
	fsm_run(f, FSM_DOWN, NULL);
}

void
fsm_open(struct fsm *f)
{
	fsm_run(f, FSM_OPEN, NULL);
}

void
fsm_close(struct fsm *f, const char *reason)
{
	if (reason == NULL)
		reason = "";
	strlcpy(f->term_reason, reason, sizeof(f->term_reason));
	fsm_set_reason(f, "closed: ", reason);
	fsm_run(f, FSM_CLOSE, NULL);
}

/* The peer Protocol-Rejected this protocol: RXJ-. */
void
fsm_protreject(struct fsm *f)
{
	fsm_set_reason(f, "", "peer Protocol-Rejected it");
	fsm_run(f, FSM_RXJ_MINUS, NULL);
}

/*
 * An option handler found that negotiation cannot succeed (no acceptable
 * authentication method, a looped-back link).  The layer is closed once
 * the current packet has been dealt with.
 */
void
fsm_fail(struct fsm *f, const char *reason)
{
	if (f->fail[0] == '\0')
		strlcpy(f->fail, reason, sizeof(f->fail));
}

uint8_t
fsm_newid(struct fsm *f)
{
	return (++f->id);
}

int
fsm_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	ppp_log(f->ppp, LOG_DEBUG, "%s: send %s id %u len %zu", f->cb->name,
	    fsm_code_name(code), id, len + CP_HDRLEN);
	return (ppp_send_cp(f->ppp, f->cb->proto, code, id, data, len));
}

/* Largest data field a control packet to the peer may carry. */
static size_t
fsm_room(const struct fsm *f)
{
	size_t	 mru = ppp_peer_mru(f->ppp);

	return (mru > CP_HDRLEN ? mru - CP_HDRLEN : 0);
}

static int
fsm_timed(enum fsm_state s)
{
	return (s == FSM_CLOSING || s == FSM_STOPPING || s == FSM_REQSENT ||
	    s == FSM_ACKRCVD || s == FSM_ACKSENT);
}

/* Record why the layer is going down, unless it already is. */
static void
fsm_set_reason(struct fsm *f, const char *prefix, const char *why)
{
	if (f->state == FSM_CLOSING || f->state == FSM_STOPPING ||
	    f->state == FSM_CLOSED || f->state == FSM_STOPPED)
		if (f->reason[0] != '\0')
			return;
	snprintf(f->reason, sizeof(f->reason), "%s%s", prefix, why);
}

static void
fsm_run(struct fsm *f, enum fsm_event ev, struct fsm_pkt *pkt)
{
	const struct fsm_trans	*t = &fsm_table[f->state][ev];
	enum fsm_state		 old = f->state;
	uint8_t			 code;

	if (t->next == NONE) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: event %s ignored in state %s",
		    f->cb->name, fsm_event_name(ev), fsm_state_name(old));
		return;
	}
	if ((enum fsm_state)t->next != old)
		ppp_log(f->ppp, LOG_DEBUG, "%s: %s: %s -> %s", f->cb->name,
		    fsm_event_name(ev), fsm_state_name(old),
		    fsm_state_name(t->next));

	if (t->act & A_IRC)
		f->restart = (t->next == FSM_CLOSING ||
		    t->next == FSM_STOPPING) ? f->max_terminate :
		    f->max_configure;
	if (t->act & A_ZRC)
		f->restart = 0;
	f->state = t->next;

	/* tld before anything is sent, with the state already left. */
	if ((t->act & A_TLD) && f->cb->down != NULL)
		f->cb->down(f);
	if (t->act & A_SCR)
		fsm_scr(f, old, ev == FSM_TO_PLUS);
	if ((t->act & (A_SCA | A_SCN)) && pkt != NULL) {
		code = pkt->reply_code;
		fsm_send(f, code, pkt->id, pkt->reply, pkt->reply_len);
		if (code == CP_CONFNAK)
			f->naks_sent++;
		else if (code == CP_CONFACK)
			f->naks_sent = 0;
	}
	if (t->act & A_STR)
		fsm_str(f, ev == FSM_TO_PLUS);
	if ((t->act & A_STA) && pkt != NULL)
		fsm_send(f, CP_TERMACK, pkt->id, NULL, 0);
	if ((t->act & A_SCJ) && pkt != NULL) {
		/* The rejected packet, cut to what the peer can receive. */
		if (wire_left(&pkt->raw) > fsm_room(f))
			wire_truncate(&pkt->raw, fsm_room(f));
		fsm_send(f, CP_CODEREJ, fsm_newid(f), pkt->raw.p,
		    wire_left(&pkt->raw));
	}
	if ((t->act & A_SER) && pkt != NULL && f->cb->rxr != NULL)
		f->cb->rxr(f, pkt->code, pkt->id, &pkt->data);

	if (!fsm_timed(f->state))
		ppp_timer_del(f->ppp, &f->timer);
	else if (!ppp_timer_pending(&f->timer))
		fsm_arm(f, 0);		/* zrc: wait one period in Stopping */

	if ((t->act & A_TLU) && f->cb->up != NULL)
		f->cb->up(f);
	if ((t->act & A_TLS) && f->cb->started != NULL)
		f->cb->started(f);
	if ((t->act & A_TLF) && f->cb->finished != NULL)
		f->cb->finished(f);
}

static void
fsm_arm(struct fsm *f, int first)
{
	ppp_timer_add(f->ppp, &f->timer,
	    first && f->first_timeout_ms > 0 ? f->first_timeout_ms :
	    f->timeout_ms);
}

static void
fsm_timeout(void *arg)
{
	struct fsm	*f = arg;

	if (!fsm_timed(f->state))
		return;
	if (f->restart > 0) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: timeout in %s, %d left",
		    f->cb->name, fsm_state_name(f->state), f->restart);
		fsm_run(f, FSM_TO_PLUS, NULL);
		return;
	}
	if (f->state == FSM_REQSENT || f->state == FSM_ACKRCVD ||
	    f->state == FSM_ACKSENT)
		fsm_set_reason(f, "", "no answer to Configure-Request");
	ppp_log(f->ppp, LOG_INFO, "%s: gave up in state %s",
	    f->cb->name, fsm_state_name(f->state));
	fsm_run(f, FSM_TO_MINUS, NULL);
}

/*
 * Send-Configure-Request.  A new request gets a new identifier and is
 * built from the option table; a retransmission (on TO+) resends the
 * same bytes with the same identifier, as pppd does.
 */
static void
fsm_scr(struct fsm *f, enum fsm_state old, int retransmit)
{
	struct wire_writer	 w;
	size_t			 i, start, cap;
	const struct fsm_opt	*o;
	int			 first = 0;

	if (!retransmit) {
		if (old != FSM_REQSENT && old != FSM_ACKRCVD &&
		    old != FSM_ACKSENT) {
			/* A new negotiation: back to the configuration. */
			if (f->cb->reset != NULL)
				f->cb->reset(f);
			f->naks_sent = 0;
			first = 1;
			f->reason[0] = '\0';
		}
		cap = fsm_room(f);
		if (cap > sizeof(f->req))
			cap = sizeof(f->req);
		wire_writer_init(&w, f->req, cap);
		for (i = 0; i < f->cb->nopts; i++) {
			o = &f->cb->opts[i];
			if (o->add == NULL)
				continue;
			start = w.len;
			wire_put_u8(&w, o->type);
			wire_put_u8(&w, 0);
			if (o->add(f, &w) == 1 && !w.error &&
			    w.len - start <= 255) {
				wire_set_u8(&w, start + 1, w.len - start);
				continue;
			}
			if (w.error)
				ppp_log(f->ppp, LOG_WARNING, "%s: option %s "
				    "does not fit in a request", f->cb->name,
				    o->name);
			wire_rewind(&w, start);
		}
		f->reqlen = w.len;
		f->reqid = fsm_newid(f);
		f->restart = f->max_configure;
	}
	f->reply_seen = 0;
	fsm_send(f, CP_CONFREQ, f->reqid, f->req, f->reqlen);
	f->restart--;
	fsm_arm(f, first);
}

/* Send-Terminate-Request, with our reason as its data. */
static void
fsm_str(struct fsm *f, int retransmit)
{
	if (!retransmit)
		f->termid = fsm_newid(f);
	fsm_send(f, CP_TERMREQ, f->termid, (const uint8_t *)f->term_reason,
	    strnlen(f->term_reason, sizeof(f->term_reason)));
	f->restart--;
	fsm_arm(f, 0);
}

static const struct fsm_opt *
fsm_opt_find(const struct fsm *f, uint8_t type)
{
	size_t	 i;

	for (i = 0; i < f->cb->nopts; i++)
		if (f->cb->opts[i].type == type)
			return (&f->cb->opts[i]);
	return (NULL);
}

/* One control packet of this protocol: the frame's information field. */
void
fsm_input(struct fsm *f, struct wire_reader *r)
{
	struct fsm_pkt	 pkt;
	uint16_t	 len;
	int		 ext;

	memset(&pkt, 0, sizeof(pkt));
	pkt.raw = *r;
	if (wire_get_u8(r, &pkt.code) == -1 || wire_get_u8(r, &pkt.id) == -1 ||
	    wire_get_u16(r, &len) == -1) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped packet shorter than "
		    "its header (%zu octets)", f->cb->name,
		    wire_left(&pkt.raw));
		return;
	}
	if (len < CP_HDRLEN) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped %s with Length %u, "
		    "less than its header", f->cb->name,
		    fsm_code_name(pkt.code), len);
		return;
	}
	if ((size_t)(len - CP_HDRLEN) > wire_left(r)) {
		/* RFC 1661 5: a packet longer than its frame is discarded. */
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped %s with Length %u "
		    "beyond the %zu octets received", f->cb->name,
		    fsm_code_name(pkt.code), len, wire_left(&pkt.raw));
		return;
	}
	/* Octets after Length are padding. */
	wire_truncate(r, len - CP_HDRLEN);
	wire_truncate(&pkt.raw, len);
	pkt.data = *r;

	if (f->state == FSM_INITIAL || f->state == FSM_STARTING) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped %s in state %s",
		    f->cb->name, fsm_code_name(pkt.code),
		    fsm_state_name(f->state));
		return;
	}
	ppp_log(f->ppp, LOG_DEBUG, "%s: received %s id %u len %u in %s",
	    f->cb->name, fsm_code_name(pkt.code), pkt.id, len,
	    fsm_state_name(f->state));

	switch (pkt.code) {
	case CP_CONFREQ:
		fsm_rcr(f, &pkt);
		break;
	case CP_CONFACK:
		fsm_rca(f, &pkt);
		break;
	case CP_CONFNAK:
	case CP_CONFREJ:
		fsm_rcn(f, &pkt);
		break;
	case CP_TERMREQ:
		fsm_rtr(f, &pkt);
		break;
	case CP_TERMACK:
		fsm_run(f, FSM_RTA, &pkt);
		break;
	case CP_CODEREJ:
		fsm_rxj(f, &pkt);
		break;
	case CP_ECHOREQ:
	case CP_ECHOREP:
	case CP_DISCREQ:
		if (f->cb->rxr != NULL) {
			fsm_run(f, FSM_RXR, &pkt);
			break;
		}
		/* FALLTHROUGH */
	default:
		ext = FSM_EXT_UNKNOWN;
		if (f->cb->extcode != NULL)
			ext = f->cb->extcode(f, pkt.code, pkt.id, &pkt.data);
		if (ext == FSM_EXT_UNKNOWN) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: unknown code %u, "
			    "sending Code-Reject", f->cb->name, pkt.code);
			fsm_run(f, FSM_RUC, &pkt);
		} else if (ext == FSM_EXT_RXJ_PLUS)
			fsm_run(f, FSM_RXJ_PLUS, &pkt);
		else if (ext == FSM_EXT_RXJ_MINUS)
			fsm_run(f, FSM_RXJ_MINUS, &pkt);
		break;
	}
	fsm_check_fail(f);
}

/* A handler asked for the layer to be closed while we were busy. */
static void
fsm_check_fail(struct fsm *f)
{
	char	 why[sizeof(f->fail)];

	if (f->fail[0] == '\0')
		return;
	strlcpy(why, f->fail, sizeof(why));
	f->fail[0] = '\0';
	ppp_log(f->ppp, LOG_WARNING, "%s: %s", f->cb->name, why);
	if (f->state == FSM_CLOSING || f->state == FSM_CLOSED ||
	    f->state == FSM_INITIAL)
		return;
	if (f->cb->fail != NULL)
		f->cb->fail(f, why);
	else
		fsm_close(f, why);
}

/* Configure-Request: classify it as RCR+ or RCR- and build the answer. */
static void
fsm_rcr(struct fsm *f, struct fsm_pkt *pkt)
{
	uint8_t			 nakbuf[PPP_MTU_MAX], rejbuf[PPP_MTU_MAX];
	struct wire_writer	 nak, rej;
	size_t			 room;
	int			 verdict, acts;

	acts = fsm_table[f->state][FSM_RCR_PLUS].act |
	    fsm_table[f->state][FSM_RCR_MINUS].act;
	if ((acts & (A_SCA | A_SCN)) == 0) {
		/* Closed, Closing, Stopping: the options do not matter. */
		fsm_run(f, FSM_RCR_PLUS, pkt);
		return;
	}

	room = fsm_room(f);
	if (room > sizeof(nakbuf))
		room = sizeof(nakbuf);
	wire_writer_init(&nak, nakbuf, room);
	wire_writer_init(&rej, rejbuf, room);
	verdict = fsm_reqci(f, pkt, &nak, &rej);

	if (verdict == FSM_REJ) {
		pkt->reply_code = CP_CONFREJ;
		pkt->reply = rejbuf;
		pkt->reply_len = rej.len;
	} else if (verdict == FSM_NAK) {
		pkt->reply_code = CP_CONFNAK;
		pkt->reply = nakbuf;
		pkt->reply_len = nak.len;
	} else {
		pkt->reply_code = CP_CONFACK;
		pkt->reply = pkt->data.p;
		pkt->reply_len = wire_left(&pkt->data);
	}
	if (nak.error || rej.error || pkt->reply_len > room) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped Configure-Request: "
		    "the answer would not fit the peer's MRU", f->cb->name);
		return;
	}
	ppp_log(f->ppp, LOG_DEBUG, "%s: answering Configure-Request id %u "
	    "with %s", f->cb->name, pkt->id, fsm_code_name(pkt->reply_code));
	fsm_run(f, verdict == FSM_ACK ? FSM_RCR_PLUS : FSM_RCR_MINUS, pkt);
}

/*
 * Judge every option of a Configure-Request through the option table.
 * Rejects win over Naks (RFC 1661 5.3-5.4); past Max-Failure a Nak
 * becomes a Reject (RFC 1661 4.6).  A malformed option list is answered
 * as pppd does: the rest of the packet from the bad option on is
 * Rejected exactly as received.
 */
static int
fsm_reqci(struct fsm *f, struct fsm_pkt *pkt, struct wire_writer *nak,
    struct wire_writer *rej)
{
	struct wire_reader	 r = pkt->data, opt, body;
	const struct fsm_opt	*o;
	uint8_t			 type, len;
	size_t			 start;
	int			 v, rejected = 0;

	f->reject_if_disagree = f->max_failure > 0 &&
	    f->naks_sent >= f->max_failure;
	if (f->cb->req_begin != NULL)
		f->cb->req_begin(f);

	while (wire_left(&r) > 0) {
		opt = r;
		if (wire_get_u8(&r, &type) == -1 ||
		    wire_get_u8(&r, &len) == -1 || len < 2 ||
		    wire_skip(&r, len - 2) == -1) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: malformed option "
			    "list, rejecting its last %zu octets",
			    f->cb->name, wire_left(&opt));
			wire_put_reader(rej, &opt);
			rejected = 1;
			break;
		}
		wire_truncate(&opt, len);
		body = opt;
		wire_skip(&body, 2);

		o = fsm_opt_find(f, type);
		if (o == NULL || len < o->minlen || len > o->maxlen) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: rejecting %s option "
			    "%u length %u", f->cb->name, o == NULL ?
			    "unknown" : o->name, type, len);
			wire_put_reader(rej, &opt);
			rejected = 1;
			continue;
		}
		start = nak->len;
		wire_put_u8(nak, type);
		wire_put_u8(nak, 0);
		v = o->req(f, &body, nak);
		if (v == FSM_NAK_ALWAYS)
			v = FSM_NAK;
		else if (v == FSM_NAK && f->reject_if_disagree) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: Max-Failure reached, "
			    "rejecting %s instead of a Nak", f->cb->name,
			    o->name);
			v = FSM_REJ;
		}
		if (v == FSM_NAK && !nak->error && nak->len - start <= 255) {
			wire_set_u8(nak, start + 1, nak->len - start);
			continue;
		}
		wire_rewind(nak, start);
		if (v != FSM_ACK) {
			wire_put_reader(rej, &opt);
			rejected = 1;
		}
	}
	if (rejected)
		return (FSM_REJ);
	if (f->cb->req_end != NULL && !f->reject_if_disagree)
		f->cb->req_end(f, nak);
	return (nak->len > 0 ? FSM_NAK : FSM_ACK);
}

/* Configure-Ack: valid only for our outstanding request, word for word. */
static void
fsm_rca(struct fsm *f, struct fsm_pkt *pkt)
{
	if (pkt->id != f->reqid || f->reply_seen) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped Configure-Ack id %u: "
		    "no request of ours is waiting for it", f->cb->name,
		    pkt->id);
		return;
	}
	if (!wire_equal(&pkt->data, f->req, f->reqlen)) {
		/* RFC 1661 5.2: it MUST match exactly; else discard. */
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped Configure-Ack id %u: "
		    "its options differ from our request", f->cb->name,
		    pkt->id);
		return;
	}
	f->reply_seen = 1;
	fsm_run(f, FSM_RCA, pkt);
}

/* Configure-Nak or -Reject: check it, let the options adapt, then RCN. */
static void
fsm_rcn(struct fsm *f, struct fsm_pkt *pkt)
{
	struct wire_reader	 r = pkt->data;
	int			 apply;

	if (pkt->id != f->reqid || f->reply_seen) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped %s id %u: no request "
		    "of ours is waiting for it", f->cb->name,
		    fsm_code_name(pkt->code), pkt->id);
		return;
	}
	/* Closed and Stopped answer with Terminate-Ack and keep nothing. */
	apply = f->state == FSM_REQSENT || f->state == FSM_ACKRCVD ||
	    f->state == FSM_ACKSENT || f->state == FSM_OPENED;
	if (pkt->code == CP_CONFNAK) {
		if (fsm_nakci(f, &r, 0) == -1)
			return;
		if (apply)
			fsm_nakci(f, &pkt->data, 1);
	} else {
		if (fsm_rejci_check(f, &r) == -1)
			return;
		if (apply)
			fsm_rejci(f, &pkt->data);
	}
	f->reply_seen = 1;
	/* Nothing left to negotiate: fsm_input() closes instead. */
	if (f->fail[0] != '\0')
		return;
	fsm_run(f, FSM_RCN, pkt);
}

/*
 * Walk the options of a Configure-Nak: first only to check its format
 * (apply 0; -1 if malformed, as pppd discards a "bad Nak"), then to hand
 * each known option to its handler.
 */
static int
fsm_nakci(struct fsm *f, struct wire_reader *r, int apply)
{
	const struct fsm_opt	*o;
	struct wire_reader	 body, ours;
	uint8_t			 type, len, t, l;
	int			 requested;

	while (wire_left(r) > 0) {
		if (wire_get_u8(r, &type) == -1 ||
		    wire_get_u8(r, &len) == -1 || len < 2 ||
		    wire_get_sub(r, &body, len - 2) == -1) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: dropped Configure-Nak "
			    "with a malformed option list", f->cb->name);
			return (-1);
		}
		if ((o = fsm_opt_find(f, type)) == NULL)
			continue;	/* a hint we cannot use */
		if (len < o->minlen || len > o->maxlen) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: dropped Configure-Nak "
			    "with %s of length %u", f->cb->name, o->name, len);
			return (-1);
		}
		if (!apply || o->nak == NULL)
			continue;
		/* Did our request carry this option? */
		requested = 0;
		wire_reader_init(&ours, f->req, f->reqlen);
		while (wire_get_u8(&ours, &t) == 0 &&
		    wire_get_u8(&ours, &l) == 0 && l >= 2 &&
		    wire_skip(&ours, l - 2) == 0)
			if (t == type)
				requested = 1;
		o->nak(f, &body, requested);
	}
	return (0);
}

/*
 * A Configure-Reject must list options of our request exactly as sent,
 * in the same order, and nothing else (RFC 1661 5.4).  pppd discards one
 * that does not; so do we.
 */
static int
fsm_rejci_check(struct fsm *f, struct wire_reader *r)
{
	struct wire_reader	 ours, theirs, mine;
	uint8_t			 type, len, t, l;
	int			 found;

	wire_reader_init(&ours, f->req, f->reqlen);
	while (wire_left(r) > 0) {
		theirs = *r;
		if (wire_get_u8(r, &type) == -1 ||
		    wire_get_u8(r, &len) == -1 || len < 2 ||
		    wire_skip(r, len - 2) == -1) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: dropped Configure-"
			    "Reject with a malformed option list",
			    f->cb->name);
			return (-1);
		}
		wire_truncate(&theirs, len);
		found = 0;
		while (!found && wire_left(&ours) > 0) {
			mine = ours;
			if (wire_get_u8(&ours, &t) == -1 ||
			    wire_get_u8(&ours, &l) == -1 || l < 2 ||
			    wire_skip(&ours, l - 2) == -1)
				break;
			wire_truncate(&mine, l);
			found = wire_equal(&mine, theirs.p, len);
		}
		if (!found) {
			ppp_log(f->ppp, LOG_DEBUG, "%s: dropped Configure-"
			    "Reject of option %u that is not in our request "
			    "as sent", f->cb->name, type);
			return (-1);
		}
	}
	return (0);
}

static void
fsm_rejci(struct fsm *f, struct wire_reader *r)
{
	const struct fsm_opt	*o;
	uint8_t			 type, len;

	while (wire_get_u8(r, &type) == 0 && wire_get_u8(r, &len) == 0 &&
	    len >= 2 && wire_skip(r, len - 2) == 0) {
		if ((o = fsm_opt_find(f, type)) == NULL)
			continue;
		ppp_log(f->ppp, LOG_DEBUG, "%s: peer rejected %s",
		    f->cb->name, o->name);
		if (o->rej != NULL)
			o->rej(f);
	}
}

/* Terminate-Request: keep the peer's reason for the logs. */
static void
fsm_rtr(struct fsm *f, struct fsm_pkt *pkt)
{
	char	 text[64];

	wire_printable(text, sizeof(text), &pkt->data);
	if (f->state == FSM_OPENED)
		ppp_log(f->ppp, LOG_INFO, "%s: peer terminates: \"%s\"",
		    f->cb->name, text);
	fsm_set_reason(f, "peer terminated: ", text);
	fsm_run(f, FSM_RTR, pkt);
}

/*
 * Code-Reject: the peer does not know one of our codes.  The codes of
 * the automaton itself (1-7) are needed, so losing one is RXJ-; any
 * other (Echo, Identification...) is RXJ+ and the protocol is told.
 */
static void
fsm_rxj(struct fsm *f, struct fsm_pkt *pkt)
{
	struct wire_reader	 r = pkt->data;
	uint8_t			 code;

	if (wire_get_u8(&r, &code) == -1) {
		ppp_log(f->ppp, LOG_DEBUG, "%s: dropped empty Code-Reject",
		    f->cb->name);
		return;
	}
	ppp_log(f->ppp, LOG_WARNING, "%s: peer Code-Rejected %s",
	    f->cb->name, fsm_code_name(code));
	if (code >= CP_CONFREQ && code <= CP_CODEREJ) {
		fsm_set_reason(f, "peer Code-Rejected ", fsm_code_name(code));
		fsm_run(f, FSM_RXJ_MINUS, pkt);
		return;
	}
	if (f->cb->coderej != NULL)
		f->cb->coderej(f, code);
	fsm_run(f, FSM_RXJ_PLUS, pkt);
}

/*
 * Glue for protocols that are nothing but an automaton (IPCP, CCP): the
 * link's phase drives Up and Open, frames go to fsm_input().
 */
int
fsm_register(struct fsm *f, int phase)
{
	struct ppp_proto	 p;

	memset(&p, 0, sizeof(p));
	p.proto = f->cb->proto;
	p.name = f->cb->name;
	p.phase = phase;
	p.arg = f;
	p.input = fsm_proto_input;
	p.up = fsm_proto_up;
	p.down = fsm_proto_down;
	p.protrej = fsm_proto_protrej;
	return (ppp_register(f->ppp, &p));
}

static void
fsm_proto_input(void *arg, struct wire_reader *r)
{
	fsm_input(arg, r);
}

static void
fsm_proto_up(void *arg)
{
	struct fsm	*f = arg;

	fsm_open(f);
	fsm_up(f);
}

static void
fsm_proto_down(void *arg)
{
	fsm_down(arg);
}

static void
fsm_proto_protrej(void *arg)
{
	fsm_protreject(arg);
}

/*
 * auth_ppp.c: PAP and CHAP/MS-CHAP as the authenticator (see auth_ppp.h).
 * Pure protocol: challenges and verdicts come from the auth process
 * through the session's callbacks; this file frames, checks and times.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "auth_ppp.h"
#include "fsm.h"
#include "log.h"
#include "pppoxd.h"
#include "ppp.h"
#include "wire.h"

enum auth_ppp_state {
	AP_IDLE,		/* the phase has not begun */
	AP_WAIT_CHALLENGE,	/* CHAP: auth is choosing a challenge */
	AP_CHALLENGED,		/* CHAP: waiting for the Response */
	AP_LISTEN,		/* PAP: waiting for a Request */
	AP_PENDING,		/* auth is verifying the peer's answer */
	AP_RETRY,		/* MS-CHAP: waiting for Identifier + 1 */
	AP_SUCCESS,
	AP_FAILED
};

struct auth_ppp {
	struct ppp		*ppp;
	struct auth_ppp_cb	 cb;
	char			 our_name[PPP_NAME_MAX];
	int			 max_failures;

	enum auth_ppp_state	 state;
	enum ppp_auth		 method;	/* NONE until the phase */
	int			 up;		/* our phase is on */
	int			 started;	/* the overall timer runs */
	int			 failures;

	/* CHAP: the Challenge, and the Identifier a Response must bear. */
	uint8_t			 id;
	uint8_t			 challenge[AUTH_CHALLENGE_MAX];
	size_t			 chlen;
	int			 sent;		/* since the phase last began */
	int			 transmits;

	uint8_t			 pending_id;	/* of the answer auth has */
	char			 user[PPP_NAME_MAX];

	/* The last Success/Failure or Ack/Nak, for repeated answers. */
	int			 have_last;
	uint8_t			 last_code;
	uint8_t			 last_id;
	char			 last_msg[AUTH_MESSAGE_MAX];

	/* A verdict that came while LCP renegotiated. */
	int			 have_held;
	struct auth_result	 held;

	struct ppp_timer	 restart;
	struct ppp_timer	 timeout;
};

static void	 auth_ppp_pap_input(void *, struct wire_reader *);
static void	 auth_ppp_chap_input(void *, struct wire_reader *);
static void	 auth_ppp_pap_up(void *);
static void	 auth_ppp_chap_up(void *);
static void	 auth_ppp_down(void *);
static void	 auth_ppp_up(struct auth_ppp *);
static int	 auth_ppp_header(struct auth_ppp *, const char *,
		    struct wire_reader *, uint8_t *, uint8_t *);
static int	 auth_ppp_is_chap(enum ppp_auth);
static int	 auth_ppp_method(enum ppp_auth);
static const char *auth_ppp_proto(const struct auth_ppp *);
static void	 auth_ppp_printable(char *, size_t, const uint8_t *, size_t);
static void	 auth_ppp_send_challenge(struct auth_ppp *);
static void	 auth_ppp_restart_timeout(void *);
static void	 auth_ppp_overall_timeout(void *);
static void	 auth_ppp_response(struct auth_ppp *, uint8_t,
		    struct wire_reader *);
static void	 auth_ppp_pap_request(struct auth_ppp *, uint8_t,
		    struct wire_reader *);
static int	 auth_ppp_check_name(struct auth_ppp *, const uint8_t *,
		    size_t, char *, size_t);
static void	 auth_ppp_submit(struct auth_ppp *, uint8_t, const uint8_t *,
		    size_t, const uint8_t *, size_t);
static void	 auth_ppp_verdict(struct auth_ppp *,
		    const struct auth_result *);
static void	 auth_ppp_local_failure(struct auth_ppp *, uint8_t,
		    const char *);
static void	 auth_ppp_answer(struct auth_ppp *, uint8_t, uint8_t,
		    const char *);
static void	 auth_ppp_resend(struct auth_ppp *, uint8_t);
static void	 auth_ppp_no_retry(char *);
static void	 auth_ppp_succeed(struct auth_ppp *,
		    const struct auth_result *);
static void	 auth_ppp_fail(struct auth_ppp *, const char *,
		    const struct auth_result *);

struct auth_ppp *
auth_ppp_new(struct ppp *ppp, const struct auth_ppp_cb *cb,
    const char *our_name, int max_failures)
{
	struct auth_ppp		*ap;
	struct ppp_proto	 p;

	if (cb->challenge_req == NULL || cb->request == NULL ||
	    cb->done == NULL) {
		log_warnx("ppp %u: authentication lacks a callback", ppp->id);
		return (NULL);
	}
	if ((ap = calloc(1, sizeof(*ap))) == NULL)
		return (NULL);
	ap->ppp = ppp;
	ap->cb = *cb;
	strlcpy(ap->our_name, our_name != NULL ? our_name : "",
	    sizeof(ap->our_name));
	ap->max_failures = max_failures > 0 ? max_failures : 1;
	ap->state = AP_IDLE;
	ap->method = PPP_AUTH_NONE;
	ppp_timer_init(&ap->restart, auth_ppp_restart_timeout, ap);
	ppp_timer_init(&ap->timeout, auth_ppp_overall_timeout, ap);

	memset(&p, 0, sizeof(p));
	p.phase = PPP_PHASE_AUTHENTICATE;
	p.arg = ap;
	p.down = auth_ppp_down;
	p.proto = PPP_PAP;
	p.name = "PAP";
	p.input = auth_ppp_pap_input;
	p.up = auth_ppp_pap_up;
	if (ppp_register(ppp, &p) == -1) {
		free(ap);
		return (NULL);
	}
	p.proto = PPP_CHAP;
	p.name = "CHAP";
	p.input = auth_ppp_chap_input;
	p.up = auth_ppp_chap_up;
	if (ppp_register(ppp, &p) == -1) {
		ppp_unregister(ppp, PPP_PAP);
		free(ap);
		return (NULL);
	}
	return (ap);
}

void
auth_ppp_free(struct auth_ppp *ap)
{
	if (ap == NULL)
		return;
	ppp_timer_del(ap->ppp, &ap->restart);
	ppp_timer_del(ap->ppp, &ap->timeout);
	ppp_unregister(ap->ppp, PPP_PAP);
	ppp_unregister(ap->ppp, PPP_CHAP);
	explicit_bzero(ap, sizeof(*ap));
	free(ap);
}

static int
auth_ppp_is_chap(enum ppp_auth m)
{
	return (m == PPP_AUTH_CHAP_MD5 || m == PPP_AUTH_MSCHAP_V1 ||
	    m == PPP_AUTH_MSCHAP_V2);
}

/* enum ppp_auth to enum auth_method, as it travels to auth. */
static int
auth_ppp_method(enum ppp_auth m)
{
	switch (m) {
	case PPP_AUTH_CHAP_MD5:
		return (AUTH_CHAP_MD5);
	case PPP_AUTH_MSCHAP_V1:
		return (AUTH_MSCHAP_V1);
	case PPP_AUTH_MSCHAP_V2:
		return (AUTH_MSCHAP_V2);
	default:
		return (AUTH_PAP);
	}
}

static const char *
auth_ppp_proto(const struct auth_ppp *ap)
{
	return (ap->method == PPP_AUTH_PAP ? "PAP" : "CHAP");
}

static void
auth_ppp_printable(char *dst, size_t dstsz, const uint8_t *p, size_t len)
{
	struct wire_reader	 r;

	wire_reader_init(&r, p, len);
	wire_printable(dst, dstsz, &r);
}

static void
auth_ppp_pap_up(void *arg)
{
	struct auth_ppp	*ap = arg;

	if (ap->ppp->auth == PPP_AUTH_PAP)
		auth_ppp_up(ap);
}

static void
auth_ppp_chap_up(void *arg)
{
	struct auth_ppp	*ap = arg;

	if (auth_ppp_is_chap(ap->ppp->auth))
		auth_ppp_up(ap);
}

/*
 * The Authenticate phase begins, the first time or again after LCP
 * renegotiated.  An exchange under way goes on where it was.
 */
static void
auth_ppp_up(struct auth_ppp *ap)
{
	struct ppp		*ppp = ap->ppp;
	struct auth_result	 held;
	char			 why[128];

	if (ap->up)
		return;
	ap->up = 1;
	if (!ap->started) {
		ap->started = 1;
		ppp_timer_add(ppp, &ap->timeout, AUTH_PPP_TIMEOUT_MS);
	}
	if (ap->method != PPP_AUTH_NONE && ap->method != ppp->auth &&
	    ap->state != AP_SUCCESS && ap->state != AP_FAILED) {
		snprintf(why, sizeof(why), "peer renegotiated authentication "
		    "from %s to %s during the exchange",
		    ppp_auth_name(ap->method), ppp_auth_name(ppp->auth));
		auth_ppp_fail(ap, why, NULL);
		return;
	}
	switch (ap->state) {
	case AP_IDLE:
		ap->method = ppp->auth;
		ppp_log(ppp, LOG_DEBUG, "%s: authenticating the peer with %s",
		    auth_ppp_proto(ap), ppp_auth_name(ap->method));
		if (ap->method == PPP_AUTH_PAP) {
			ap->state = AP_LISTEN;
			break;
		}
		ap->state = AP_WAIT_CHALLENGE;
		ap->cb.challenge_req(ap->cb.arg, auth_ppp_method(ap->method));
		break;
	case AP_CHALLENGED:
		/* First time, or the peer lost it to the renegotiation. */
		ap->transmits = 0;
		auth_ppp_send_challenge(ap);
		break;
	case AP_PENDING:
		if (ap->have_held) {
			held = ap->held;
			explicit_bzero(&ap->held, sizeof(ap->held));
			ap->have_held = 0;
			auth_ppp_verdict(ap, &held);
			explicit_bzero(&held, sizeof(held));
		}
		break;
	case AP_SUCCESS:
		/* Auth will not issue another challenge to this session. */
		ppp_log(ppp, LOG_WARNING, "%s: LCP renegotiated after the "
		    "peer authenticated", auth_ppp_proto(ap));
		ppp_auth_done(ppp, 0, "LCP renegotiated after authentication; "
		    "cannot authenticate again");
		break;
	default:
		break;
	}
}

static void
auth_ppp_down(void *arg)
{
	struct auth_ppp	*ap = arg;

	if (!ap->up)
		return;
	ap->up = 0;
	ap->sent = 0;
	ppp_timer_del(ap->ppp, &ap->restart);
}

void
auth_ppp_challenge(struct auth_ppp *ap, const struct auth_challenge *ch)
{
	struct ppp	*ppp = ap->ppp;
	size_t		 want;
	char		 why[128];

	if (ap->state != AP_WAIT_CHALLENGE) {
		ppp_log(ppp, LOG_DEBUG, "CHAP: challenge from auth not "
		    "expected; dropped");
		return;
	}
	switch (ap->method) {
	case PPP_AUTH_MSCHAP_V1:
		want = 8;		/* RFC 2433 section 5 */
		break;
	case PPP_AUTH_MSCHAP_V2:
		want = 16;		/* RFC 2759 section 4 */
		break;
	default:
		want = 0;		/* CHAP-MD5: any length */
		break;
	}
	if (ch->len == 0 || ch->len > sizeof(ap->challenge) ||
	    (want != 0 && ch->len != want)) {
		snprintf(why, sizeof(why), "auth sent a %u-octet challenge "
		    "for %s", ch->len, ppp_auth_name(ap->method));
		ppp_log(ppp, LOG_WARNING, "CHAP: %s", why);
		auth_ppp_fail(ap, why, NULL);
		return;
	}
	memcpy(ap->challenge, ch->challenge, ch->len);
	ap->chlen = ch->len;
	ap->id = ppp_random(ppp) & 0xff;
	ap->state = AP_CHALLENGED;
	ap->transmits = 0;
	/* Else it goes out when the phase begins again. */
	if (ap->up)
		auth_ppp_send_challenge(ap);
}

static void
auth_ppp_send_challenge(struct auth_ppp *ap)
{
	struct ppp		*ppp = ap->ppp;
	uint8_t			 buf[1 + AUTH_CHALLENGE_MAX + PPP_NAME_MAX];
	struct wire_writer	 w;
	size_t			 namelen, room;

	namelen = strlen(ap->our_name);
	/* Our name is ours to shorten; the Challenge must reach the peer. */
	room = ppp_peer_mru(ppp);
	room = room > CP_HDRLEN + 1 + ap->chlen ? room - CP_HDRLEN - 1 -
	    ap->chlen : 0;
	if (namelen > room)
		namelen = room;
	wire_writer_init(&w, buf, sizeof(buf));
	wire_put_u8(&w, ap->chlen);
	wire_put_bytes(&w, ap->challenge, ap->chlen);
	wire_put_bytes(&w, ap->our_name, namelen);
	if (w.error)
		return;
	ap->transmits++;
	ap->sent = 1;
	ppp_log(ppp, LOG_DEBUG, "CHAP: Challenge id %u (%d of %d)", ap->id,
	    ap->transmits, AUTH_PPP_MAX_CHALLENGE);
	ppp_send_cp(ppp, PPP_CHAP, CHAP_CHALLENGE, ap->id, buf, w.len);
	ppp_timer_add(ppp, &ap->restart, AUTH_PPP_RESTART_MS);
}

static void
auth_ppp_restart_timeout(void *arg)
{
	struct auth_ppp	*ap = arg;
	char		 why[128];

	if (ap->state != AP_CHALLENGED || !ap->up)
		return;
	if (ap->transmits >= AUTH_PPP_MAX_CHALLENGE) {
		snprintf(why, sizeof(why), "peer did not answer %d CHAP "
		    "Challenges", ap->transmits);
		ppp_log(ap->ppp, LOG_WARNING, "CHAP: %s", why);
		auth_ppp_fail(ap, why, NULL);
		return;
	}
	auth_ppp_send_challenge(ap);
}

static void
auth_ppp_overall_timeout(void *arg)
{
	struct auth_ppp	*ap = arg;
	char		 why[128];

	if (ap->state == AP_SUCCESS || ap->state == AP_FAILED)
		return;
	snprintf(why, sizeof(why), "peer did not authenticate within %d "
	    "seconds", AUTH_PPP_TIMEOUT_MS / 1000);
	ppp_log(ap->ppp, LOG_WARNING, "%s: %s", auth_ppp_proto(ap), why);
	auth_ppp_fail(ap, why, NULL);
}

/*
 * Code, Identifier and Length; what follows Length is padding
 * (RFC 1661 section 5).  -1 for a packet to drop.
 */
static int
auth_ppp_header(struct auth_ppp *ap, const char *name, struct wire_reader *r,
    uint8_t *code, uint8_t *id)
{
	uint16_t	 len;

	if (wire_get_u8(r, code) == -1 || wire_get_u8(r, id) == -1 ||
	    wire_get_u16(r, &len) == -1) {
		ppp_log(ap->ppp, LOG_DEBUG, "%s: dropped packet with a short "
		    "header", name);
		return (-1);
	}
	if (len < CP_HDRLEN || (size_t)(len - CP_HDRLEN) > wire_left(r)) {
		ppp_log(ap->ppp, LOG_DEBUG, "%s: dropped packet code %u id %u: "
		    "Length %u, %zu octets present", name, *code, *id, len,
		    wire_left(r) + CP_HDRLEN);
		return (-1);
	}
	wire_truncate(r, len - CP_HDRLEN);
	return (0);
}

static void
auth_ppp_chap_input(void *arg, struct wire_reader *r)
{
	struct auth_ppp	*ap = arg;
	struct ppp	*ppp = ap->ppp;
	uint8_t		 code, id;

	if (auth_ppp_header(ap, "CHAP", r, &code, &id) == -1)
		return;
	if (!auth_ppp_is_chap(ap->method)) {
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped code %u id %u: not "
		    "authenticating with CHAP", code, id);
		return;
	}
	switch (code) {
	case CHAP_RESPONSE:
		auth_ppp_response(ap, id, r);
		break;
	case CHAP_CHALLENGE:
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Challenge id %u: we do "
		    "not authenticate ourselves", id);
		break;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped %s id %u from the peer",
		    code == CHAP_SUCCESS ? "Success" : "Failure", id);
		break;
	case CHAP_MSCHAP_CHPW1:
	case CHAP_MSCHAP_CHPW2:
	case CHAP_MSCHAP_CHPW3:
		ppp_log(ppp, LOG_INFO, "CHAP: dropped Change-Password (code "
		    "%u): not supported", code);
		break;
	default:
		/* pppd sends no Code-Reject for CHAP either. */
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped unknown code %u id %u",
		    code, id);
		break;
	}
}

/* Value-Size, Value, Name (RFC 1994 section 4.1). */
static void
auth_ppp_response(struct auth_ppp *ap, uint8_t id, struct wire_reader *r)
{
	struct ppp	*ppp = ap->ppp;
	const uint8_t	*value, *name;
	uint8_t		 vsize;
	size_t		 namelen, want;
	char		 pname[64], why[160];

	if (wire_get_u8(r, &vsize) == -1 ||
	    wire_get_ref(r, &value, vsize) == -1) {
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Response id %u: "
		    "Value-Size past the end", id);
		return;
	}
	namelen = wire_left(r);
	if (namelen == 0) {
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Response id %u without "
		    "a Name", id);
		return;
	}
	wire_get_ref(r, &name, namelen);

	switch (ap->state) {
	case AP_CHALLENGED:
		if (!ap->sent || id != ap->id) {
			ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Response id %u: "
			    "our Challenge is id %u", id, ap->id);
			return;
		}
		break;
	case AP_RETRY:
		if (id == ap->id)
			break;
		if (ap->have_last && id == ap->last_id) {
			auth_ppp_resend(ap, id);
			return;
		}
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Response id %u: the "
		    "retry must be id %u", id, ap->id);
		return;
	case AP_PENDING:
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Response id %u while "
		    "id %u is being verified", id, ap->pending_id);
		return;
	case AP_SUCCESS:
	case AP_FAILED:
		if (ap->have_last && id == ap->last_id)
			auth_ppp_resend(ap, id);
		else
			ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Response id %u "
			    "after the verdict on id %u", id, ap->last_id);
		return;
	default:
		ppp_log(ppp, LOG_DEBUG, "CHAP: dropped Response id %u: no "
		    "Challenge outstanding", id);
		return;
	}

	want = ap->method == PPP_AUTH_CHAP_MD5 ? AUTH_PPP_MD5_VALUE :
	    AUTH_PPP_MSCHAP_VALUE;
	if (vsize != want) {
		auth_ppp_printable(pname, sizeof(pname), name, namelen);
		snprintf(why, sizeof(why), "%s Response from \"%s\" with "
		    "Value-Size %u, not %zu", ppp_auth_name(ap->method), pname,
		    vsize, want);
		auth_ppp_local_failure(ap, id, why);
		return;
	}
	if (auth_ppp_check_name(ap, name, namelen, why, sizeof(why)) == -1) {
		auth_ppp_local_failure(ap, id, why);
		return;
	}
	ppp_timer_del(ppp, &ap->restart);
	auth_ppp_submit(ap, id, name, namelen, value, vsize);
}

static void
auth_ppp_pap_input(void *arg, struct wire_reader *r)
{
	struct auth_ppp	*ap = arg;
	struct ppp	*ppp = ap->ppp;
	uint8_t		 code, id;

	if (auth_ppp_header(ap, "PAP", r, &code, &id) == -1)
		return;
	if (ap->method != PPP_AUTH_PAP) {
		ppp_log(ppp, LOG_DEBUG, "PAP: dropped code %u id %u: not "
		    "authenticating with PAP", code, id);
		return;
	}
	switch (code) {
	case PAP_AUTHREQ:
		auth_ppp_pap_request(ap, id, r);
		break;
	case PAP_AUTHACK:
	case PAP_AUTHNAK:
		ppp_log(ppp, LOG_DEBUG, "PAP: dropped %s id %u: we do not "
		    "authenticate ourselves", code == PAP_AUTHACK ? "Ack" :
		    "Nak", id);
		break;
	default:
		ppp_log(ppp, LOG_DEBUG, "PAP: dropped unknown code %u id %u",
		    code, id);
		break;
	}
}

/* Peer-ID-Length, Peer-ID, Passwd-Length, Password (RFC 1334 2.2.1). */
static void
auth_ppp_pap_request(struct auth_ppp *ap, uint8_t id, struct wire_reader *r)
{
	struct ppp	*ppp = ap->ppp;
	const uint8_t	*peerid, *passwd;
	uint8_t		 idlen, pwlen;
	char		 why[160];

	if (wire_get_u8(r, &idlen) == -1 ||
	    wire_get_ref(r, &peerid, idlen) == -1 ||
	    wire_get_u8(r, &pwlen) == -1 ||
	    wire_get_ref(r, &passwd, pwlen) == -1) {
		ppp_log(ppp, LOG_DEBUG, "PAP: dropped Request id %u: its "
		    "lengths run past the end", id);
		return;
	}
	if (idlen == 0) {
		ppp_log(ppp, LOG_DEBUG, "PAP: dropped Request id %u with an "
		    "empty Peer-ID", id);
		return;
	}
	switch (ap->state) {
	case AP_LISTEN:
		break;
	case AP_PENDING:
		ppp_log(ppp, LOG_DEBUG, "PAP: dropped Request id %u while "
		    "id %u is being verified", id, ap->pending_id);
		return;
	case AP_SUCCESS:
	case AP_FAILED:
		/* RFC 1334 2.2.1: a repeat after the verdict gets it again. */
		if (ap->have_last)
			auth_ppp_resend(ap, id);
		return;
	default:
		ppp_log(ppp, LOG_DEBUG, "PAP: dropped Request id %u", id);
		return;
	}
	if (auth_ppp_check_name(ap, peerid, idlen, why, sizeof(why)) == -1) {
		auth_ppp_local_failure(ap, id, why);
		return;
	}
	auth_ppp_submit(ap, id, peerid, idlen, passwd, pwlen);
}

/* The name goes to auth and to logs as a C string. */
static int
auth_ppp_check_name(struct auth_ppp *ap, const uint8_t *name, size_t len,
    char *why, size_t whysz)
{
	char	 pname[64];

	auth_ppp_printable(pname, sizeof(pname), name, len);
	if (len > PPP_NAME_MAX - 1) {
		snprintf(why, whysz, "%s name of %zu octets (\"%s...\"), "
		    "longer than %d", ppp_auth_name(ap->method), len, pname,
		    PPP_NAME_MAX - 1);
		return (-1);
	}
	if (memchr(name, '\0', len) != NULL) {
		snprintf(why, whysz, "%s name \"%s\" contains a NUL octet",
		    ppp_auth_name(ap->method), pname);
		return (-1);
	}
	return (0);
}

/* Hand the peer's answer to auth; the request never reaches a log. */
static void
auth_ppp_submit(struct auth_ppp *ap, uint8_t id, const uint8_t *name,
    size_t namelen, const uint8_t *resp, size_t resplen)
{
	struct auth_request	 req;
	char			 pname[64];

	memset(&req, 0, sizeof(req));
	req.method = auth_ppp_method(ap->method);
	req.id = id;
	memcpy(req.name, name, namelen);
	memcpy(req.response, resp, resplen);
	req.response_len = resplen;
	memcpy(ap->user, name, namelen);
	ap->user[namelen] = '\0';
	ap->pending_id = id;
	ap->state = AP_PENDING;
	auth_ppp_printable(pname, sizeof(pname), name, namelen);
	ppp_log(ap->ppp, LOG_DEBUG, "%s: verifying id %u from \"%s\"",
	    auth_ppp_proto(ap), id, pname);
	ap->cb.request(ap->cb.arg, &req);
	explicit_bzero(&req, sizeof(req));
}

void
auth_ppp_result(struct auth_ppp *ap, const struct auth_result *res)
{
	struct ppp	*ppp = ap->ppp;

	if (ap->state != AP_PENDING) {
		ppp_log(ppp, LOG_DEBUG, "%s: verdict from auth not expected; "
		    "dropped", auth_ppp_proto(ap));
		return;
	}
	if (!ap->up) {
		if (ppp->phase != PPP_PHASE_ESTABLISH) {
			ppp_log(ppp, LOG_DEBUG, "%s: verdict from auth dropped: "
			    "the link is ending", auth_ppp_proto(ap));
			return;
		}
		/* Answer once the phase is back, or the peer drops it. */
		ap->held = *res;
		ap->have_held = 1;
		return;
	}
	auth_ppp_verdict(ap, res);
}

static void
auth_ppp_verdict(struct auth_ppp *ap, const struct auth_result *res)
{
	struct ppp	*ppp = ap->ppp;
	char		 msg[AUTH_MESSAGE_MAX], puser[64], why[160];
	int		 retry, mschap;
	uint8_t		 code;

	/* auth's text, NUL-terminated whatever it sent. */
	memcpy(msg, res->message, sizeof(msg));
	msg[sizeof(msg) - 1] = '\0';
	if (res->ok) {
		code = ap->method == PPP_AUTH_PAP ? PAP_AUTHACK : CHAP_SUCCESS;
		auth_ppp_answer(ap, code, ap->pending_id, msg);
		auth_ppp_succeed(ap, res);
		return;
	}
	ap->failures++;
	mschap = ap->method == PPP_AUTH_MSCHAP_V1 ||
	    ap->method == PPP_AUTH_MSCHAP_V2;
	retry = res->retry && ap->failures < ap->max_failures &&
	    (mschap || ap->method == PPP_AUTH_PAP);
	if (mschap && !retry)
		auth_ppp_no_retry(msg);
	code = ap->method == PPP_AUTH_PAP ? PAP_AUTHNAK : CHAP_FAILURE;
	auth_ppp_answer(ap, code, ap->pending_id, msg);
	auth_ppp_printable(puser, sizeof(puser), (const uint8_t *)ap->user,
	    strlen(ap->user));
	if (retry) {
		ppp_log(ppp, LOG_INFO, "%s authentication of \"%s\" failed "
		    "(%d of %d attempts); the peer may retry",
		    ppp_auth_name(ap->method), puser, ap->failures,
		    ap->max_failures);
		if (ap->method == PPP_AUTH_PAP)
			ap->state = AP_LISTEN;
		else {
			/* RFC 2759 9.1.4: auth holds the new challenge. */
			ap->state = AP_RETRY;
			ap->id = ap->pending_id + 1;
		}
		return;
	}
	snprintf(why, sizeof(why), "%s authentication of \"%s\" failed%s",
	    ppp_auth_name(ap->method), puser,
	    ap->failures >= ap->max_failures && res->retry &&
	    ap->method != PPP_AUTH_CHAP_MD5 ? " too many times" : "");
	auth_ppp_fail(ap, why, res);
}

/* A Response or Request we refuse without asking auth: a final failure. */
static void
auth_ppp_local_failure(struct auth_ppp *ap, uint8_t id, const char *why)
{
	char	 msg[AUTH_MESSAGE_MAX], hex[2 * AUTH_CHALLENGE_MAX + 1];
	size_t	 i;

	ppp_log(ap->ppp, LOG_WARNING, "%s", why);
	for (i = 0; i < ap->chlen; i++)
		snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02X",
		    ap->challenge[i]);
	hex[2 * ap->chlen] = '\0';
	/* The formats of RFC 2433 section 7 and RFC 2759 section 6. */
	switch (ap->method) {
	case PPP_AUTH_MSCHAP_V1:
		snprintf(msg, sizeof(msg), "E=691 R=0 C=%s V=0", hex);
		break;
	case PPP_AUTH_MSCHAP_V2:
		snprintf(msg, sizeof(msg), "E=691 R=0 C=%s V=3 "
		    "M=Authentication failed", hex);
		break;
	default:
		strlcpy(msg, "Authentication failed", sizeof(msg));
		break;
	}
	ap->failures++;
	auth_ppp_answer(ap, ap->method == PPP_AUTH_PAP ? PAP_AUTHNAK :
	    CHAP_FAILURE, id, msg);
	auth_ppp_fail(ap, why, NULL);
}

/*
 * Send Success/Failure (Message only) or Ack/Nak (Msg-Length and
 * Message), remembering it for repeats; cut to the peer's MRU.
 */
static void
auth_ppp_answer(struct auth_ppp *ap, uint8_t code, uint8_t id,
    const char *msg)
{
	strlcpy(ap->last_msg, msg, sizeof(ap->last_msg));
	ap->last_code = code;
	ap->last_id = id;
	ap->have_last = 1;
	auth_ppp_resend(ap, id);
}

static void
auth_ppp_resend(struct auth_ppp *ap, uint8_t id)
{
	struct ppp		*ppp = ap->ppp;
	uint8_t			 buf[1 + AUTH_MESSAGE_MAX];
	struct wire_writer	 w;
	size_t			 len, room, hdr;
	int			 pap = ap->method == PPP_AUTH_PAP;

	len = strlen(ap->last_msg);
	hdr = CP_HDRLEN + (pap ? 1 : 0);	/* Msg-Length */
	room = ppp_peer_mru(ppp);
	room = room > hdr ? room - hdr : 0;
	if (len > room)
		len = room;
	if (pap && len > 255)
		len = 255;
	wire_writer_init(&w, buf, sizeof(buf));
	if (pap)
		wire_put_u8(&w, len);
	wire_put_bytes(&w, ap->last_msg, len);
	if (w.error)
		return;
	ppp_log(ppp, LOG_DEBUG, "%s: %s id %u", auth_ppp_proto(ap),
	    pap ? (ap->last_code == PAP_AUTHACK ? "Ack" : "Nak") :
	    (ap->last_code == CHAP_SUCCESS ? "Success" : "Failure"), id);
	ppp_send_cp(ppp, pap ? PPP_PAP : PPP_CHAP, ap->last_code, id, buf,
	    w.len);
}

/*
 * No retry follows this Failure, whatever auth expected: say so, or a
 * Windows peer asks its user again only to find the link gone.
 */
static void
auth_ppp_no_retry(char *msg)
{
	size_t	 i;

	for (i = 0; msg[i] != '\0'; i++)
		if ((i == 0 || msg[i - 1] == ' ') && msg[i] == 'R' &&
		    msg[i + 1] == '=' && msg[i + 2] == '1' &&
		    (msg[i + 3] == ' ' || msg[i + 3] == '\0')) {
			msg[i + 2] = '0';
			return;
		}
}

static void
auth_ppp_succeed(struct auth_ppp *ap, const struct auth_result *res)
{
	struct ppp	*ppp = ap->ppp;
	char		 puser[64];

	ap->state = AP_SUCCESS;
	ppp_timer_del(ppp, &ap->restart);
	ppp_timer_del(ppp, &ap->timeout);
	auth_ppp_printable(puser, sizeof(puser), (const uint8_t *)ap->user,
	    strlen(ap->user));
	ppp_log(ppp, LOG_INFO, "%s: peer authenticated as \"%s\" with %s",
	    auth_ppp_proto(ap), puser, ppp_auth_name(ap->method));
	/* The session takes the MPPE keys before CCP can start. */
	ap->cb.done(ap->cb.arg, 1, ap->user, res);
	ppp_auth_done(ppp, 1, NULL);
}

static void
auth_ppp_fail(struct auth_ppp *ap, const char *why,
    const struct auth_result *res)
{
	struct ppp	*ppp = ap->ppp;

	ap->state = AP_FAILED;
	ppp_timer_del(ppp, &ap->restart);
	ppp_timer_del(ppp, &ap->timeout);
	explicit_bzero(&ap->held, sizeof(ap->held));
	ap->have_held = 0;
	if (ppp->phase == PPP_PHASE_AUTHENTICATE)
		ppp_auth_done(ppp, 0, why);
	else
		ppp_close(ppp, why);
	ap->cb.done(ap->cb.arg, 0, ap->user, res);
}

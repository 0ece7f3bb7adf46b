/*
 * auth_ppp.h: the authenticator side of PAP (RFC 1334), CHAP-MD5
 * (RFC 1994), MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) on top of the
 * PPP engine, inside the session child.
 *
 * The module is protocol only: it never sees a secret and computes
 * nothing with one.  The session wires three callbacks to its channel to
 * the auth process:
 *
 *	challenge_req	CHAP: ask auth for a challenge for a method (enum
 *			auth_method).  Auth answers later; the session
 *			hands the answer to auth_ppp_challenge().
 *	request		The peer's answer (name, and the Response Value or
 *			the PAP password) for auth to verify.  Auth answers
 *			later; the session hands it to auth_ppp_result().
 *	done		Authentication is over, called at most once per
 *			module.  ok 1: the module has already called
 *			ppp_auth_done(ppp, 1, NULL) and res holds auth's
 *			result with the MPPE keys.  ok 0: it has already
 *			ended the link (ppp_auth_done(ppp, 0, reason), or
 *			ppp_close() outside the Authenticate phase); res
 *			is auth's result if the verdict came from auth,
 *			NULL for a local failure (malformed Response,
 *			no answer, timeout).  user is the name as the peer
 *			sent it ("" if it never sent one).  It is the last
 *			thing the module does in that call; still, done
 *			runs inside engine callbacks, where ppp_unregister()
 *			is not allowed, so it must not auth_ppp_free().
 *
 * The session may call auth_ppp_challenge() and auth_ppp_result() from
 * inside challenge_req and request (a synchronous answer) or any time
 * later; an answer the module no longer expects is logged and dropped.
 * auth_ppp_new() registers PAP and CHAP with the engine and is called
 * before ppp_start(); auth_ppp_free() unregisters them and must come
 * before ppp_free().
 *
 * Behaviour, as pppd and the Windows RAS server do as authenticators:
 * - The method is the one LCP negotiated (ppp->auth), taken when the
 *   Authenticate phase begins.  CHAP: Challenge with a random first
 *   Identifier, Value from auth and Name our_name, resent unchanged every
 *   AUTH_PPP_RESTART_MS up to AUTH_PPP_MAX_CHALLENGE times.  PAP: we wait
 *   for the peer's Authenticate-Request.
 * - A Response must carry the outstanding Identifier; while auth is
 *   verifying, repeats are dropped (Windows resends, pitfalls A6); after
 *   the verdict a repeat gets the same Success or Failure again, a
 *   repeated PAP Request the same Ack or Nak.
 * - A failed attempt: MS-CHAPv1/v2 stay in the phase if auth allows a
 *   retry and fewer than max_failures attempts failed; the peer then
 *   answers auth's new challenge (in the Failure's C=) with Identifier + 1
 *   (RFC 2759 9.1.4).  PAP takes another Request on the same terms.
 *   CHAP-MD5 fails at once, as pppd does.  When no retry follows, the
 *   Failure says R=0 whatever auth wrote.
 * - The whole exchange must end within AUTH_PPP_TIMEOUT_MS of the phase
 *   first beginning.
 * - LCP renegotiating during the exchange keeps it: the Challenge is sent
 *   again with the same Identifier and Value, so a Response the engine
 *   held across the renegotiation still counts.  The auth process issues
 *   no second challenge to a session that logged in, so LCP renegotiating
 *   after success ends the link with a logged reason, as does a peer
 *   switching methods in mid-exchange.
 * - Malformed packets are logged and dropped; a well-framed Response with
 *   a wrong Value-Size, or a name with a NUL octet or longer than
 *   PPP_NAME_MAX - 1, is answered with a Failure (Nak) and fails the
 *   link.  Passwords and Response values are never logged.
 */
#ifndef PPPOXD_AUTH_PPP_H
#define PPPOXD_AUTH_PPP_H

#include "pppoxd.h"
#include "ppp.h"

#define AUTH_PPP_RESTART_MS	3000	/* pppd chap-restart */
#define AUTH_PPP_MAX_CHALLENGE	10	/* pppd chap-max-challenge */
#define AUTH_PPP_TIMEOUT_MS	60000	/* the whole exchange */

/* PAP codes (RFC 1334 section 2.2). */
#define PAP_AUTHREQ		1
#define PAP_AUTHACK		2
#define PAP_AUTHNAK		3

/* CHAP codes (RFC 1994 section 4, RFC 2433, RFC 2759). */
#define CHAP_CHALLENGE		1
#define CHAP_RESPONSE		2
#define CHAP_SUCCESS		3
#define CHAP_FAILURE		4
#define CHAP_MSCHAP_CHPW1	5	/* MS-CHAPv1 Change-Password */
#define CHAP_MSCHAP_CHPW2	6
#define CHAP_MSCHAP_CHPW3	7	/* MS-CHAPv2 Change-Password */

/* Response Value-Size per method. */
#define AUTH_PPP_MD5_VALUE	16
#define AUTH_PPP_MSCHAP_VALUE	49

struct auth_ppp;

struct auth_ppp_cb {
	void	*arg;
	void	(*challenge_req)(void *, int);
	void	(*request)(void *, const struct auth_request *);
	void	(*done)(void *, int, const char *,
		    const struct auth_result *);
};

/* auth_ppp.c */
struct auth_ppp	*auth_ppp_new(struct ppp *, const struct auth_ppp_cb *,
		    const char *, int);
void		 auth_ppp_free(struct auth_ppp *);
void		 auth_ppp_challenge(struct auth_ppp *,
		    const struct auth_challenge *);
void		 auth_ppp_result(struct auth_ppp *, const struct auth_result *);

#endif /* PPPOXD_AUTH_PPP_H */

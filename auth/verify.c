/*
 * verify.c: one login exchange checked against the secrets.  Pure: no
 * I/O, no clock; auth.c adds the throttle and the messages around it.
 */
#include <sys/types.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "pppoxd.h"
#include "log.h"
#include "secrets.h"
#include "chap.h"
#include "verify.h"

static int	 verify_pap(const struct secret *,
		    const struct auth_request *);

const char *
verify_method_name(int method)
{
	switch (method) {
	case AUTH_PAP:
		return ("PAP");
	case AUTH_CHAP_MD5:
		return ("CHAP-MD5");
	case AUTH_MSCHAP_V1:
		return ("MS-CHAPv1");
	case AUTH_MSCHAP_V2:
		return ("MS-CHAPv2");
	}
	return ("unknown");
}

/*
 * The entry for a user name under a DOMAIN\user policy (enum
 * auth_strip_domain): Windows sends DOMAIN\user (known_pitfalls A1).
 * With the fallback a "*" client entry is the last resort, after the
 * name without its domain: a catch-all must not hide a user's own line.
 */
const struct secret *
verify_lookup(const struct secrets *sec, const char *name, size_t namelen,
    int strip_domain)
{
	const struct secret	*s;

	switch (strip_domain) {
	case AUTH_STRIP_DOMAIN_NO:
		return (secrets_lookup(sec, name, namelen, 0));
	case AUTH_STRIP_DOMAIN_YES:
		return (secrets_lookup(sec, name, namelen,
		    SECRETS_LOOKUP_STRIP_DOMAIN));
	case AUTH_STRIP_DOMAIN_FALLBACK:
	default:
		s = secrets_lookup(sec, name, namelen, 0);
		if (s != NULL && strcmp(s->s_client, "*") != 0)
			return (s);
		return (secrets_lookup(sec, name, namelen,
		    SECRETS_LOOKUP_STRIP_DOMAIN));
	}
}

static int
verify_pap(const struct secret *s, const struct auth_request *req)
{
	if (req->response_len != s->s_secretlen)
		return (0);
	return (crypto_memeq(req->response, s->s_secret, s->s_secretlen));
}

/*
 * Check req against the secrets, looked up under the strip_domain
 * policy, and the challenge auth issued.  Fills res (message, 128-bit
 * MPPE start keys) and v (user, address).  Returns 1 if the login is
 * good, 0 if not, with *reason saying why.
 */
int
verify_request(const struct secrets *sec, int strip_domain,
    const struct auth_request *req, const uint8_t *challenge, size_t chlen,
    struct auth_result *res, struct auth_verdict *v, const char **reason)
{
	const struct secret	*s;
	struct mppe_keys	 keys;
	uint8_t			 pwhash[MSCHAP_HASH_LEN];
	char			 authresp[MSCHAP_AUTHRESP_LEN + 1];
	size_t			 namelen;
	int			 ok = 0;

	namelen = strnlen(req->name, sizeof(req->name));
	*reason = "wrong password";
	if (sec == NULL || (s = verify_lookup(sec, req->name, namelen,
	    strip_domain)) == NULL) {
		*reason = "unknown user";
		return (0);
	}
	switch (req->method) {
	case AUTH_PAP:
		ok = verify_pap(s, req);
		break;
	case AUTH_CHAP_MD5:
		ok = chap_md5_verify(req->id, s->s_secret, s->s_secretlen,
		    challenge, chlen, req->response, req->response_len) == 1;
		break;
	case AUTH_MSCHAP_V1:
		if (chlen != MSCHAP_V1_CHALLENGE_LEN ||
		    mschap_nt_password_hash(s->s_secret, s->s_secretlen,
		    MSCHAP_CHARSET_LATIN1, pwhash) == -1)
			break;
		ok = mschap_v1_verify(challenge, req->response,
		    req->response_len, pwhash) == 1;
		/*
		 * 128-bit keys only: RFC 3079 derives 40/56-bit MS-CHAPv1
		 * keys from the LAN Manager hash, which we do not keep.
		 */
		if (ok) {
			if (mppe_keys_v1(&keys, s->s_secret, s->s_secretlen,
			    pwhash, challenge, 128) == 0) {
				memcpy(res->send_key, keys.send_start,
				    sizeof(res->send_key));
				memcpy(res->recv_key, keys.recv_start,
				    sizeof(res->recv_key));
				res->have_keys = 1;
			}
			mppe_keys_clear(&keys);
		}
		break;
	case AUTH_MSCHAP_V2:
		if (chlen != MSCHAP_V2_CHALLENGE_LEN ||
		    req->response_len != MSCHAP_RESPONSE_LEN ||
		    mschap_nt_password_hash(s->s_secret, s->s_secretlen,
		    MSCHAP_CHARSET_LATIN1, pwhash) == -1)
			break;
		ok = mschap_v2_verify(challenge, req->response,
		    req->response_len, req->name, namelen, pwhash) == 1;
		if (!ok)
			break;
		if (mschap_v2_authenticator_response(pwhash,
		    req->response + MSCHAP_V2_NT_RESPONSE,
		    req->response + MSCHAP_V2_PEER_CHALLENGE, challenge,
		    req->name, namelen, authresp) == -1 ||
		    mschap_v2_success_message(res->message,
		    sizeof(res->message), authresp,
		    "Authentication succeeded") == -1) {
			ok = 0;
			*reason = "cannot compute the authenticator response";
			break;
		}
		/* Keys for every strength; the session reduces them. */
		if (mppe_keys_v2(&keys, pwhash,
		    req->response + MSCHAP_V2_NT_RESPONSE, 128) == 0) {
			memcpy(res->send_key, keys.send_start,
			    sizeof(res->send_key));
			memcpy(res->recv_key, keys.recv_start,
			    sizeof(res->recv_key));
			res->have_keys = 1;
		}
		mppe_keys_clear(&keys);
		break;
	default:
		*reason = "unknown method";
		break;
	}
	explicit_bzero(pwhash, sizeof(pwhash));
	if (!ok)
		return (0);

	switch (s->s_policy) {
	case SECRET_ADDR_ANY:
		v->addr = AUTH_ADDR_POOL;
		break;
	case SECRET_ADDR_FIXED:
		v->addr = AUTH_ADDR_FIXED;
		v->fixed = s->s_fixed;
		break;
	case SECRET_ADDR_LIST:
		/* pppd's "suggested" address, else one from the pool. */
		if (s->s_fixed.s_addr != INADDR_ANY) {
			v->addr = AUTH_ADDR_FIXED;
			v->fixed = s->s_fixed;
		} else
			v->addr = AUTH_ADDR_POOL;
		break;
	case SECRET_ADDR_NONE:
	default:
		/* As pppd: a secret without addresses may not connect. */
		*reason = "the secrets file allows this user no address";
		res->have_keys = 0;
		explicit_bzero(res->send_key, sizeof(res->send_key));
		explicit_bzero(res->recv_key, sizeof(res->recv_key));
		return (0);
	}
	strlcpy(v->user, req->name, sizeof(v->user));
	return (1);
}

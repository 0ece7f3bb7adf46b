/*
 * mschap.c: MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) as the
 * authenticator computes them.  Function names follow the RFCs'
 * pseudo-code (NtPasswordHash, ChallengeHash, GenerateNTResponse, ...).
 *
 * Verification works from the 16-byte NT password hash, so the caller
 * hashes a secret once and every temporary derived from it is wiped
 * here.  The LAN Manager response of MS-CHAPv1 is not supported, as in
 * pppd built without MSLANMAN: a response with the UseNT flag clear is
 * refused.  The LM password hash is provided only because RFC 3079
 * derives 40- and 56-bit MPPE keys for MS-CHAPv1 from it.
 */
#include <sys/types.h>
#include <sys/uio.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "chap.h"
#include "secrets.h"

#define MSCHAP_LM_PASSWORD_MAX	14

static const uint8_t mschap_magic1[39] =
    "Magic server to client signing constant";
static const uint8_t mschap_magic2[41] =
    "Pad to make it do more than one iteration";
static const uint8_t mschap_lm_magic[8] = "KGS!@#$%";

static int	mschap_utf16le(const uint8_t *, size_t, enum mschap_charset,
		    uint8_t *, size_t *);
static int	mschap_des(const uint8_t *, const uint8_t *, uint8_t *);
static void	mschap_hex(const uint8_t *, size_t, char *);

/*
 * NtPasswordHash (RFC 2759 section 8.3): MD4 of the password in
 * UTF-16LE without terminator; out[MSCHAP_HASH_LEN].
 */
int
mschap_nt_password_hash(const uint8_t *secret, size_t len,
    enum mschap_charset charset, uint8_t *out)
{
	uint8_t		uni[2 * MSCHAP_PASSWORD_MAX];
	size_t		unilen;
	struct iovec	iov;
	int		rv;

	if (mschap_utf16le(secret, len, charset, uni, &unilen) == -1)
		return (-1);
	iov.iov_base = uni;
	iov.iov_len = unilen;
	rv = crypto_md4(&iov, 1, out);
	explicit_bzero(uni, sizeof(uni));
	return (rv);
}

/* HashNtPasswordHash (RFC 2759 section 8.4): MD4 of the hash. */
int
mschap_hash_nt_password_hash(const uint8_t *hash, uint8_t *out)
{
	struct iovec	iov;

	iov.iov_base = (void *)(uintptr_t)hash;
	iov.iov_len = MSCHAP_HASH_LEN;
	return (crypto_md4(&iov, 1, out));
}

/*
 * LmPasswordHash (RFC 2433 section A.2): the password upper-cased
 * (ASCII letters only; Windows uses the OEM code page), zero-padded to
 * 14 bytes, each half a DES key for "KGS!@#$%".  There is none for a
 * longer password: returns -1.
 */
int
mschap_lm_password_hash(const uint8_t *secret, size_t len, uint8_t *out)
{
	uint8_t	pw[MSCHAP_LM_PASSWORD_MAX];
	size_t	i;
	int	rv = -1;

	if (len > MSCHAP_LM_PASSWORD_MAX)
		return (-1);
	memset(pw, 0, sizeof(pw));
	for (i = 0; i < len; i++)
		pw[i] = (secret[i] >= 'a' && secret[i] <= 'z') ?
		    secret[i] - 'a' + 'A' : secret[i];
	if (mschap_des(pw, mschap_lm_magic, out) == 0 &&
	    mschap_des(pw + 7, mschap_lm_magic, out + 8) == 0)
		rv = 0;
	explicit_bzero(pw, sizeof(pw));
	return (rv);
}

/*
 * ChallengeResponse (RFC 2759 section 8.5): the 8-byte challenge DES
 * encrypted with the three 7-byte thirds of the zero-padded 21-byte
 * hash; out[MSCHAP_NT_RESPONSE_LEN].
 */
int
mschap_challenge_response(const uint8_t *challenge, const uint8_t *hash,
    uint8_t *out)
{
	uint8_t	zhash[21];
	int	rv = -1;

	memset(zhash, 0, sizeof(zhash));
	memcpy(zhash, hash, MSCHAP_HASH_LEN);
	if (mschap_des(zhash, challenge, out) == 0 &&
	    mschap_des(zhash + 7, challenge, out + 8) == 0 &&
	    mschap_des(zhash + 14, challenge, out + 16) == 0)
		rv = 0;
	explicit_bzero(zhash, sizeof(zhash));
	return (rv);
}

/*
 * Check an MS-CHAPv1 Response Value (LM-Response, NT-Response, UseNT)
 * against our 8-byte challenge: 1 match, 0 mismatch, -1 crypto error.
 */
int
mschap_v1_verify(const uint8_t *challenge, const uint8_t *value,
    size_t valuelen, const uint8_t *pwhash)
{
	uint8_t	resp[MSCHAP_NT_RESPONSE_LEN];
	int	rv;

	if (valuelen != MSCHAP_RESPONSE_LEN)
		return (0);
	if (value[MSCHAP_V1_USE_NT] == 0) {
		log_info("mschap: peer sent only a LAN Manager response, "
		    "which is not supported");
		return (0);
	}
	if (mschap_challenge_response(challenge, pwhash, resp) == -1)
		rv = -1;
	else
		rv = crypto_memeq(resp, value + MSCHAP_V1_NT_RESPONSE,
		    sizeof(resp));
	explicit_bzero(resp, sizeof(resp));
	return (rv);
}

/*
 * The MS-CHAPv1 Failure message "E=e R=r C=<16 hex> V=0": C is the new
 * challenge for the retry, V=0 says password change is not supported,
 * as pppd sends.  Returns its length, or -1 if it does not fit.
 */
int
mschap_v1_failure_message(char *buf, size_t bufsz, int error, int retry,
    const uint8_t *challenge)
{
	char	hex[2 * MSCHAP_V1_CHALLENGE_LEN + 1];
	int	n;

	mschap_hex(challenge, MSCHAP_V1_CHALLENGE_LEN, hex);
	n = snprintf(buf, bufsz, "E=%d R=%d C=%s V=0", error, retry ? 1 : 0,
	    hex);
	if (n < 0 || (size_t)n >= bufsz)
		return (-1);
	return (n);
}

/*
 * ChallengeHash (RFC 2759 section 8.2): SHA-1 of the peer challenge,
 * our challenge and the user name without any "DOMAIN\" prefix
 * (through the last backslash, as pppd); out[8].
 */
int
mschap_v2_challenge_hash(const uint8_t *peer_challenge,
    const uint8_t *auth_challenge, const char *name, size_t namelen,
    uint8_t *out)
{
	uint8_t		md[CRYPTO_SHA1_LEN];
	struct iovec	iov[3];
	const char	*user;
	size_t		userlen;

	user = secrets_strip_domain(name, namelen, &userlen);
	iov[0].iov_base = (void *)(uintptr_t)peer_challenge;
	iov[0].iov_len = MSCHAP_V2_CHALLENGE_LEN;
	iov[1].iov_base = (void *)(uintptr_t)auth_challenge;
	iov[1].iov_len = MSCHAP_V2_CHALLENGE_LEN;
	iov[2].iov_base = (void *)(uintptr_t)user;
	iov[2].iov_len = userlen;
	if (crypto_sha1(iov, 3, md) == -1)
		return (-1);
	memcpy(out, md, MSCHAP_V1_CHALLENGE_LEN);
	return (0);
}

/* GenerateNTResponse (RFC 2759 section 8.1); out[MSCHAP_NT_RESPONSE_LEN]. */
int
mschap_v2_nt_response(const uint8_t *auth_challenge,
    const uint8_t *peer_challenge, const char *name, size_t namelen,
    const uint8_t *pwhash, uint8_t *out)
{
	uint8_t	challenge[MSCHAP_V1_CHALLENGE_LEN];

	if (mschap_v2_challenge_hash(peer_challenge, auth_challenge, name,
	    namelen, challenge) == -1)
		return (-1);
	return (mschap_challenge_response(challenge, pwhash, out));
}

/*
 * Check an MS-CHAPv2 Response Value (Peer-Challenge, Reserved,
 * NT-Response, Flags) from the peer called name against our 16-byte
 * challenge: 1 match, 0 mismatch, -1 crypto error.  Reserved and Flags
 * are not checked, as pppd does not: Windows 98 sets Flags to 4.
 */
int
mschap_v2_verify(const uint8_t *auth_challenge, const uint8_t *value,
    size_t valuelen, const char *name, size_t namelen, const uint8_t *pwhash)
{
	uint8_t	resp[MSCHAP_NT_RESPONSE_LEN];
	int	rv;

	if (valuelen != MSCHAP_RESPONSE_LEN)
		return (0);
	if (mschap_v2_nt_response(auth_challenge,
	    value + MSCHAP_V2_PEER_CHALLENGE, name, namelen, pwhash,
	    resp) == -1)
		rv = -1;
	else
		rv = crypto_memeq(resp, value + MSCHAP_V2_NT_RESPONSE,
		    sizeof(resp));
	explicit_bzero(resp, sizeof(resp));
	return (rv);
}

/*
 * GenerateAuthenticatorResponse (RFC 2759 section 8.7): "S=" and 40
 * upper-case hex digits, NUL-terminated in out[MSCHAP_AUTHRESP_LEN + 1].
 */
int
mschap_v2_authenticator_response(const uint8_t *pwhash,
    const uint8_t *nt_response, const uint8_t *peer_challenge,
    const uint8_t *auth_challenge, const char *name, size_t namelen,
    char *out)
{
	uint8_t		hashhash[MSCHAP_HASH_LEN];
	uint8_t		digest[CRYPTO_SHA1_LEN];
	uint8_t		challenge[MSCHAP_V1_CHALLENGE_LEN];
	struct iovec	iov[3];
	int		rv = -1;

	if (mschap_hash_nt_password_hash(pwhash, hashhash) == -1)
		goto done;
	iov[0].iov_base = hashhash;
	iov[0].iov_len = sizeof(hashhash);
	iov[1].iov_base = (void *)(uintptr_t)nt_response;
	iov[1].iov_len = MSCHAP_NT_RESPONSE_LEN;
	iov[2].iov_base = (void *)(uintptr_t)mschap_magic1;
	iov[2].iov_len = sizeof(mschap_magic1);
	if (crypto_sha1(iov, 3, digest) == -1)
		goto done;
	if (mschap_v2_challenge_hash(peer_challenge, auth_challenge, name,
	    namelen, challenge) == -1)
		goto done;
	iov[0].iov_base = digest;
	iov[0].iov_len = sizeof(digest);
	iov[1].iov_base = challenge;
	iov[1].iov_len = sizeof(challenge);
	iov[2].iov_base = (void *)(uintptr_t)mschap_magic2;
	iov[2].iov_len = sizeof(mschap_magic2);
	if (crypto_sha1(iov, 3, digest) == -1)
		goto done;
	out[0] = 'S';
	out[1] = '=';
	mschap_hex(digest, sizeof(digest), out + 2);
	rv = 0;
 done:
	explicit_bzero(hashhash, sizeof(hashhash));
	explicit_bzero(digest, sizeof(digest));
	return (rv);
}

/*
 * The MS-CHAPv2 Success message in the exact RFC 2759 section 5 form,
 * "S=<auth> M=<text>", or just "S=<auth>" if text is NULL (known_
 * pitfalls A2).  Returns its length, or -1 if it does not fit.
 */
int
mschap_v2_success_message(char *buf, size_t bufsz, const char *authresp,
    const char *text)
{
	int	n;

	if (text != NULL)
		n = snprintf(buf, bufsz, "%.*s M=%s", MSCHAP_AUTHRESP_LEN,
		    authresp, text);
	else
		n = snprintf(buf, bufsz, "%.*s", MSCHAP_AUTHRESP_LEN,
		    authresp);
	if (n < 0 || (size_t)n >= bufsz)
		return (-1);
	return (n);
}

/*
 * The MS-CHAPv2 Failure message "E=e R=r C=<32 hex> V=3 M=<text>"
 * (RFC 2759 section 6): C is the new challenge the retry must use, V=3
 * the version the RFC says to send; " M=..." is left out if text is
 * NULL.  Returns its length, or -1 if it does not fit.
 */
int
mschap_v2_failure_message(char *buf, size_t bufsz, int error, int retry,
    const uint8_t *challenge, const char *text)
{
	char	hex[2 * MSCHAP_V2_CHALLENGE_LEN + 1];
	int	n;

	mschap_hex(challenge, MSCHAP_V2_CHALLENGE_LEN, hex);
	n = snprintf(buf, bufsz, "E=%d R=%d C=%s V=3%s%s", error,
	    retry ? 1 : 0, hex, text != NULL ? " M=" : "",
	    text != NULL ? text : "");
	if (n < 0 || (size_t)n >= bufsz)
		return (-1);
	return (n);
}

/*
 * The secret as UTF-16LE: every byte zero-extended (pppd), or decoded
 * from strict UTF-8 (no overlong forms, surrogates or values past
 * U+10FFFF) with surrogate pairs beyond U+FFFF.  A secret of at most
 * MSCHAP_PASSWORD_MAX bytes never needs more than that many code units.
 */
static int
mschap_utf16le(const uint8_t *in, size_t len, enum mschap_charset charset,
    uint8_t *out, size_t *outlen)
{
	size_t		i, n = 0, need, k;
	uint32_t	cp, min;

	if (len > MSCHAP_PASSWORD_MAX)
		return (-1);
	for (i = 0; i < len; ) {
		cp = in[i++];
		if (charset == MSCHAP_CHARSET_UTF8 && cp >= 0x80) {
			if (cp >= 0xc2 && cp <= 0xdf) {
				need = 1;
				cp &= 0x1f;
				min = 0x80;
			} else if (cp >= 0xe0 && cp <= 0xef) {
				need = 2;
				cp &= 0x0f;
				min = 0x800;
			} else if (cp >= 0xf0 && cp <= 0xf4) {
				need = 3;
				cp &= 0x07;
				min = 0x10000;
			} else
				return (-1);
			if (len - i < need)
				return (-1);
			for (k = 0; k < need; k++) {
				if ((in[i] & 0xc0) != 0x80)
					return (-1);
				cp = (cp << 6) | (in[i++] & 0x3f);
			}
			if (cp < min || cp > 0x10ffff ||
			    (cp >= 0xd800 && cp <= 0xdfff))
				return (-1);
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			out[n++] = (0xd800 | (cp >> 10)) & 0xff;
			out[n++] = (0xd800 | (cp >> 10)) >> 8;
			cp = 0xdc00 | (cp & 0x3ff);
		}
		out[n++] = cp & 0xff;
		out[n++] = cp >> 8;
	}
	*outlen = n;
	return (0);
}

/* DES-encrypt one block with a 7-byte key (RFC 2759 section 8.6). */
static int
mschap_des(const uint8_t *key7, const uint8_t *in, uint8_t *out)
{
	uint8_t	key[8];
	int	rv;

	crypto_des_key_expand(key7, key);
	rv = crypto_des_ecb(key, in, out);
	explicit_bzero(key, sizeof(key));
	return (rv);
}

/* Upper-case hex, NUL-terminated: out[2 * len + 1]. */
static void
mschap_hex(const uint8_t *in, size_t len, char *out)
{
	static const char	digits[] = "0123456789ABCDEF";
	size_t			i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

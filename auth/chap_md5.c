/*
 * chap_md5.c: CHAP with MD5 (RFC 1994 section 4.1):
 * Response = MD5(Identifier || secret || Challenge).
 */
#include <sys/types.h>
#include <sys/uio.h>
#include <stdint.h>
#include <string.h>

#include "chap.h"

/* The Value a peer knowing secret sends; out[CHAP_MD5_LEN]. */
int
chap_md5_response(uint8_t id, const uint8_t *secret, size_t secretlen,
    const uint8_t *challenge, size_t challen, uint8_t *out)
{
	struct iovec	iov[3];

	iov[0].iov_base = &id;
	iov[0].iov_len = 1;
	iov[1].iov_base = (void *)(uintptr_t)secret;
	iov[1].iov_len = secretlen;
	iov[2].iov_base = (void *)(uintptr_t)challenge;
	iov[2].iov_len = challen;
	return (crypto_md5(iov, 3, out));
}

/*
 * Check a Response Value of resplen bytes against the challenge we sent
 * with Identifier id: 1 if it matches, 0 if not, -1 on a crypto failure.
 */
int
chap_md5_verify(uint8_t id, const uint8_t *secret, size_t secretlen,
    const uint8_t *challenge, size_t challen, const uint8_t *resp,
    size_t resplen)
{
	uint8_t	md[CHAP_MD5_LEN];
	int	rv;

	if (resplen != CHAP_MD5_LEN)
		return (0);
	if (chap_md5_response(id, secret, secretlen, challenge, challen,
	    md) == -1)
		rv = -1;
	else
		rv = crypto_memeq(md, resp, sizeof(md));
	explicit_bzero(md, sizeof(md));
	return (rv);
}

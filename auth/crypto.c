/*
 * crypto.c: the primitives MS-CHAP and MPPE are built from (MD4, MD5,
 * SHA-1, single-block DES-ECB, RC4), on OpenSSL 3 EVP.
 *
 * OpenSSL 3 moved MD4, DES and RC4 to the "legacy" provider, and loading
 * any provider explicitly turns off the implicit "default" one, so both
 * are loaded here (known_pitfalls H).  crypto_init() also fetches every
 * algorithm once: a provider is a shared object that dlopen()s, and
 * fetching reads configuration, neither of which works after chroot, so
 * the auth process calls crypto_init() before it demotes itself and
 * nothing here touches the file system afterwards.
 */
#include <sys/types.h>
#include <sys/uio.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "log.h"
#include "chap.h"

struct crypto_rc4 {
	EVP_CIPHER_CTX	*ctx;
};

static OSSL_PROVIDER	*crypto_legacy;
static OSSL_PROVIDER	*crypto_default;
static EVP_MD		*crypto_md4_md;
static EVP_MD		*crypto_md5_md;
static EVP_MD		*crypto_sha1_md;
static EVP_CIPHER	*crypto_des_cipher;
static EVP_CIPHER	*crypto_rc4_cipher;

static const char	*crypto_error(void);
static void		 crypto_cleanup(void);
static int		 crypto_digest(const EVP_MD *, const struct iovec *,
			    int, uint8_t *);

/*
 * Load the providers and fetch the algorithms.  Returns -1, having
 * said why, if any of them is missing; calling it again once it worked
 * does nothing.
 */
int
crypto_init(void)
{
	if (crypto_rc4_cipher != NULL)
		return (0);

	if ((crypto_legacy = OSSL_PROVIDER_load(NULL, "legacy")) == NULL) {
		log_warnx("crypto: cannot load the OpenSSL \"legacy\" "
		    "provider (%s); MS-CHAP and MPPE need its MD4, DES and "
		    "RC4.  Install it (Debian 12: libssl3, later: "
		    "openssl-provider-legacy) or point OPENSSL_MODULES at its "
		    "directory", crypto_error());
		return (-1);
	}
	if ((crypto_default = OSSL_PROVIDER_load(NULL, "default")) == NULL) {
		log_warnx("crypto: cannot load the OpenSSL \"default\" "
		    "provider (%s)", crypto_error());
		crypto_cleanup();
		return (-1);
	}
	if ((crypto_md4_md = EVP_MD_fetch(NULL, "MD4", NULL)) == NULL ||
	    (crypto_md5_md = EVP_MD_fetch(NULL, "MD5", NULL)) == NULL ||
	    (crypto_sha1_md = EVP_MD_fetch(NULL, "SHA1", NULL)) == NULL ||
	    (crypto_des_cipher = EVP_CIPHER_fetch(NULL, "DES-ECB",
	    NULL)) == NULL ||
	    (crypto_rc4_cipher = EVP_CIPHER_fetch(NULL, "RC4", NULL)) == NULL) {
		log_warnx("crypto: OpenSSL lacks MD4, MD5, SHA1, DES-ECB or "
		    "RC4 (%s)", crypto_error());
		crypto_cleanup();
		return (-1);
	}
	return (0);
}

/* 1 if the n bytes at a and b are equal, in time independent of them. */
int
crypto_memeq(const void *a, const void *b, size_t n)
{
	return (CRYPTO_memcmp(a, b, n) == 0);
}

/* MD4 of the concatenated iovecs into out[CRYPTO_MD4_LEN]. */
int
crypto_md4(const struct iovec *iov, int iovcnt, uint8_t *out)
{
	return (crypto_digest(crypto_md4_md, iov, iovcnt, out));
}

int
crypto_md5(const struct iovec *iov, int iovcnt, uint8_t *out)
{
	return (crypto_digest(crypto_md5_md, iov, iovcnt, out));
}

int
crypto_sha1(const struct iovec *iov, int iovcnt, uint8_t *out)
{
	return (crypto_digest(crypto_sha1_md, iov, iovcnt, out));
}

/*
 * Encrypt one 8-byte block with an 8-byte DES key.  The provider sets
 * the key unchecked, so a weak key or bad parity still encrypts
 * (known_pitfalls A4: DES_set_key_checked() would refuse the weak key
 * MS-CHAP produces for one NT hash in 65536).
 */
int
crypto_des_ecb(const uint8_t *key, const uint8_t *in, uint8_t *out)
{
	EVP_CIPHER_CTX	*ctx;
	int		 len = 0, rv = -1;

	if (crypto_des_cipher == NULL)
		return (-1);
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return (-1);
	if (EVP_EncryptInit_ex2(ctx, crypto_des_cipher, key, NULL, NULL) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_EncryptUpdate(ctx, out, &len, in, CRYPTO_DES_LEN) &&
	    len == CRYPTO_DES_LEN)
		rv = 0;
	EVP_CIPHER_CTX_free(ctx);
	return (rv);
}

/*
 * Spread 56 key bits over 8 bytes, 7 bits each, and set odd parity in
 * the low bit: RFC 2759 section 8.6 DesEncrypt's key setup.
 */
void
crypto_des_key_expand(const uint8_t *in, uint8_t *out)
{
	int	i, bits;
	uint8_t	b;

	out[0] = in[0];
	out[1] = (in[0] << 7) | (in[1] >> 1);
	out[2] = (in[1] << 6) | (in[2] >> 2);
	out[3] = (in[2] << 5) | (in[3] >> 3);
	out[4] = (in[3] << 4) | (in[4] >> 4);
	out[5] = (in[4] << 3) | (in[5] >> 5);
	out[6] = (in[5] << 2) | (in[6] >> 6);
	out[7] = in[6] << 1;
	for (i = 0; i < 8; i++) {
		b = out[i] & 0xfe;
		for (bits = 0; b != 0; b &= b - 1)
			bits++;
		out[i] = (out[i] & 0xfe) | ((bits & 1) == 0);
	}
}

/*
 * An RC4 stream: set a key, then run bytes through it; the stream
 * position carries over between calls until the next key.
 */
struct crypto_rc4 *
crypto_rc4_new(void)
{
	struct crypto_rc4	*r;

	if (crypto_rc4_cipher == NULL)
		return (NULL);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	if ((r->ctx = EVP_CIPHER_CTX_new()) == NULL) {
		free(r);
		return (NULL);
	}
	return (r);
}

/* RC4 keys are of any length; MPPE uses 8 (40/56-bit) or 16 bytes. */
int
crypto_rc4_setkey(struct crypto_rc4 *r, const uint8_t *key, size_t keylen)
{
	if (keylen == 0 || keylen > CRYPTO_RC4_KEY_MAX)
		return (-1);
	if (!EVP_EncryptInit_ex2(r->ctx, crypto_rc4_cipher, NULL, NULL,
	    NULL) ||
	    !EVP_CIPHER_CTX_set_key_length(r->ctx, (int)keylen) ||
	    !EVP_EncryptInit_ex2(r->ctx, NULL, key, NULL, NULL))
		return (-1);
	return (0);
}

/* in and out may be the same buffer. */
int
crypto_rc4(struct crypto_rc4 *r, const uint8_t *in, uint8_t *out,
    size_t len)
{
	int	outl = 0;

	if (len > INT_MAX)
		return (-1);
	if (len == 0)
		return (0);
	if (!EVP_EncryptUpdate(r->ctx, out, &outl, in, (int)len) ||
	    (size_t)outl != len)
		return (-1);
	return (0);
}

void
crypto_rc4_free(struct crypto_rc4 *r)
{
	if (r == NULL)
		return;
	/* Freeing the context cleanses the key schedule. */
	EVP_CIPHER_CTX_free(r->ctx);
	free(r);
}

int
crypto_rc4_oneshot(const uint8_t *key, size_t keylen, const uint8_t *in,
    uint8_t *out, size_t len)
{
	struct crypto_rc4	*r;
	int			 rv = -1;

	if ((r = crypto_rc4_new()) == NULL)
		return (-1);
	if (crypto_rc4_setkey(r, key, keylen) == 0 &&
	    crypto_rc4(r, in, out, len) == 0)
		rv = 0;
	crypto_rc4_free(r);
	return (rv);
}

static int
crypto_digest(const EVP_MD *md, const struct iovec *iov, int iovcnt,
    uint8_t *out)
{
	EVP_MD_CTX	*ctx;
	unsigned int	 len;
	int		 i, rv = -1;

	if (md == NULL)
		return (-1);
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	if (!EVP_DigestInit_ex2(ctx, md, NULL))
		goto done;
	for (i = 0; i < iovcnt; i++)
		if (iov[i].iov_len > 0 &&
		    !EVP_DigestUpdate(ctx, iov[i].iov_base, iov[i].iov_len))
			goto done;
	if (EVP_DigestFinal_ex(ctx, out, &len) &&
	    len == (unsigned int)EVP_MD_get_size(md))
		rv = 0;
 done:
	EVP_MD_CTX_free(ctx);
	return (rv);
}

/* The oldest queued OpenSSL error, for a message; clears the queue. */
static const char *
crypto_error(void)
{
	static char	buf[256];
	unsigned long	e;

	if ((e = ERR_get_error()) == 0)
		return ("no error reported");
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return (buf);
}

static void
crypto_cleanup(void)
{
	EVP_MD_free(crypto_md4_md);
	EVP_MD_free(crypto_md5_md);
	EVP_MD_free(crypto_sha1_md);
	EVP_CIPHER_free(crypto_des_cipher);
	EVP_CIPHER_free(crypto_rc4_cipher);
	crypto_md4_md = crypto_md5_md = crypto_sha1_md = NULL;
	crypto_des_cipher = crypto_rc4_cipher = NULL;
	if (crypto_default != NULL)
		OSSL_PROVIDER_unload(crypto_default);
	if (crypto_legacy != NULL)
		OSSL_PROVIDER_unload(crypto_legacy);
	crypto_default = crypto_legacy = NULL;
}

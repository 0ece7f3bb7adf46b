/*
 * chap.h: the authentication crypto of the auth process: CHAP-MD5
 * (RFC 1994), MS-CHAPv1 (RFC 2433), MS-CHAPv2 (RFC 2759) and the MPPE
 * keys derived from them (RFC 3079), on OpenSSL 3 EVP.
 *
 * Functions returning int return 0 (or 1 for "verified") on success and
 * -1 if the crypto library failed or an argument is out of range; the
 * verify functions return 1 for a match, 0 for a mismatch and -1 for an
 * error, which the caller treats as a mismatch.
 */
#ifndef PPPOXD_CHAP_H
#define PPPOXD_CHAP_H

#include <sys/types.h>
#include <sys/uio.h>
#include <stdint.h>

#define CRYPTO_MD4_LEN		16
#define CRYPTO_MD5_LEN		16
#define CRYPTO_SHA1_LEN		20
#define CRYPTO_DES_LEN		8
#define CRYPTO_RC4_KEY_MAX	64

#define CHAP_MD5_LEN		16

#define MSCHAP_V1_CHALLENGE_LEN	8
#define MSCHAP_V2_CHALLENGE_LEN	16
#define MSCHAP_RESPONSE_LEN	49	/* Value of a Response packet */
#define MSCHAP_NT_RESPONSE_LEN	24
#define MSCHAP_HASH_LEN		16
#define MSCHAP_AUTHRESP_LEN	42	/* "S=" and 40 upper-case hex */
#define MSCHAP_PASSWORD_MAX	256	/* Unicode characters, RFC 2759 */

/* Offsets in a Response Value (RFC 2433 section 3, RFC 2759 section 4). */
#define MSCHAP_V1_LM_RESPONSE	0
#define MSCHAP_V1_NT_RESPONSE	24
#define MSCHAP_V1_USE_NT	48
#define MSCHAP_V2_PEER_CHALLENGE 0
#define MSCHAP_V2_NT_RESPONSE	24
#define MSCHAP_V2_FLAGS		48

#define MSCHAP_ERROR_AUTHENTICATION_FAILURE	691
#define MSCHAP_ERROR_NO_DIALIN_PERMISSION	649

/*
 * How the secret's bytes become the UTF-16LE password of NtPasswordHash.
 * pppd's ascii2unicode() zero-extends every byte, i.e. reads the secret
 * as Latin-1, which is what LATIN1 does and the pppd-compatible default.
 * Windows hashes the real UTF-16 string, so a non-ASCII password written
 * in UTF-8 matches Windows only with UTF8 (known_pitfalls A3).
 */
enum mschap_charset {
	MSCHAP_CHARSET_LATIN1,
	MSCHAP_CHARSET_UTF8,
};

#define MPPE_KEY_MAX		16

/*
 * The keys of one MPPE session, from the server's point of view (RFC
 * 3079 with IsServer TRUE): send is server to peer.  The start keys are
 * the MasterSendKey/MasterReceiveKey of the rekey (and RADIUS's
 * MS-MPPE-Send-Key/Recv-Key); the session keys are the initial RC4 keys.
 */
struct mppe_keys {
	int		 bits;			/* 40, 56 or 128 */
	size_t		 keylen;		/* 8 or 16 */
	uint8_t		 send_start[MPPE_KEY_MAX];
	uint8_t		 recv_start[MPPE_KEY_MAX];
	uint8_t		 send_key[MPPE_KEY_MAX];
	uint8_t		 recv_key[MPPE_KEY_MAX];
};

struct crypto_rc4;

/* crypto.c */
int	 crypto_init(void);
int	 crypto_md4(const struct iovec *, int, uint8_t *);
int	 crypto_md5(const struct iovec *, int, uint8_t *);
int	 crypto_sha1(const struct iovec *, int, uint8_t *);
int	 crypto_des_ecb(const uint8_t *, const uint8_t *, uint8_t *);
void	 crypto_des_key_expand(const uint8_t *, uint8_t *);
struct crypto_rc4 *crypto_rc4_new(void);
int	 crypto_rc4_setkey(struct crypto_rc4 *, const uint8_t *, size_t);
int	 crypto_rc4(struct crypto_rc4 *, const uint8_t *, uint8_t *, size_t);
void	 crypto_rc4_free(struct crypto_rc4 *);
int	 crypto_rc4_oneshot(const uint8_t *, size_t, const uint8_t *,
	    uint8_t *, size_t);
int	 crypto_memeq(const void *, const void *, size_t);

/* chap_md5.c */
int	 chap_md5_response(uint8_t, const uint8_t *, size_t, const uint8_t *,
	    size_t, uint8_t *);
int	 chap_md5_verify(uint8_t, const uint8_t *, size_t, const uint8_t *,
	    size_t, const uint8_t *, size_t);

/* mschap.c */
int	 mschap_nt_password_hash(const uint8_t *, size_t,
	    enum mschap_charset, uint8_t *);
int	 mschap_hash_nt_password_hash(const uint8_t *, uint8_t *);
int	 mschap_lm_password_hash(const uint8_t *, size_t, uint8_t *);
int	 mschap_challenge_response(const uint8_t *, const uint8_t *,
	    uint8_t *);
int	 mschap_v1_verify(const uint8_t *, const uint8_t *, size_t,
	    const uint8_t *);
int	 mschap_v1_failure_message(char *, size_t, int, int,
	    const uint8_t *);
int	 mschap_v2_challenge_hash(const uint8_t *, const uint8_t *,
	    const char *, size_t, uint8_t *);
int	 mschap_v2_nt_response(const uint8_t *, const uint8_t *,
	    const char *, size_t, const uint8_t *, uint8_t *);
int	 mschap_v2_verify(const uint8_t *, const uint8_t *, size_t,
	    const char *, size_t, const uint8_t *);
int	 mschap_v2_authenticator_response(const uint8_t *, const uint8_t *,
	    const uint8_t *, const uint8_t *, const char *, size_t, char *);
int	 mschap_v2_success_message(char *, size_t, const char *,
	    const char *);
int	 mschap_v2_failure_message(char *, size_t, int, int, const uint8_t *,
	    const char *);

/* mppe_keys.c */
int	 mppe_v2_master_key(const uint8_t *, const uint8_t *, uint8_t *);
int	 mppe_v2_asymmetric_start_key(const uint8_t *, uint8_t *, size_t,
	    int, int);
int	 mppe_v1_start_key(const uint8_t *, const uint8_t *, uint8_t *);
int	 mppe_get_new_key_from_sha(const uint8_t *, const uint8_t *, size_t,
	    uint8_t *);
int	 mppe_reduce_key(uint8_t *, size_t, int);
int	 mppe_initial_session_key(const uint8_t *, size_t, int, uint8_t *);
int	 mppe_rekey(const uint8_t *, uint8_t *, size_t, int);
int	 mppe_keys_v2(struct mppe_keys *, const uint8_t *, const uint8_t *,
	    int);
int	 mppe_keys_v1(struct mppe_keys *, const uint8_t *, size_t,
	    const uint8_t *, const uint8_t *, int);
void	 mppe_keys_clear(struct mppe_keys *);

#endif /* PPPOXD_CHAP_H */

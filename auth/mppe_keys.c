/*
 * mppe_keys.c: MPPE keys (RFC 3079) from MS-CHAP credentials, and the
 * rekey step of RFC 3078 section 7.3.
 *
 * Key lengths: 40- and 56-bit MPPE use 8-byte RC4 keys whose first three
 * or one bytes are then overwritten with the fixed salt D1 26 9E or D1;
 * 128-bit MPPE uses 16-byte keys.  The initial session key is
 * GetNewKeyFromSHA(StartKey, StartKey) reduced, with no RC4 step; every
 * later key goes through RC4 (Linux ppp_mppe.c mppe_rekey(), and
 * known_pitfalls C3: the RFC 3079 example keys are the initial ones).
 *
 * The rekey belongs to the session process in the end; it lives here
 * with the rest of the MPPE crypto so the RFC vectors test all of it.
 */
#include <sys/types.h>
#include <sys/uio.h>
#include <stdint.h>
#include <string.h>

#include "chap.h"

#define MPPE_SHS_PAD_LEN	40

static const uint8_t mppe_magic1[27] = "This is the MPPE Master Key";
static const uint8_t mppe_magic2[84] = "On the client side, this is the "
    "send key; on the server side, it is the receive key.";
static const uint8_t mppe_magic3[84] = "On the client side, this is the "
    "receive key; on the server side, it is the send key.";

static size_t	mppe_keylen(int);
static int	mppe_sha_pad(const uint8_t *, size_t, const uint8_t *,
		    size_t, size_t, uint8_t *);

/*
 * GetMasterKey (RFC 3079 section 3.4): from the NT password hash and
 * the peer's NT-Response (not its challenge: known_pitfalls C4);
 * out[16].
 */
int
mppe_v2_master_key(const uint8_t *pwhash, const uint8_t *nt_response,
    uint8_t *out)
{
	uint8_t		hashhash[MSCHAP_HASH_LEN];
	uint8_t		digest[CRYPTO_SHA1_LEN];
	struct iovec	iov[3];
	int		rv = -1;

	if (mschap_hash_nt_password_hash(pwhash, hashhash) == -1)
		goto done;
	iov[0].iov_base = hashhash;
	iov[0].iov_len = sizeof(hashhash);
	iov[1].iov_base = (void *)(uintptr_t)nt_response;
	iov[1].iov_len = MSCHAP_NT_RESPONSE_LEN;
	iov[2].iov_base = (void *)(uintptr_t)mppe_magic1;
	iov[2].iov_len = sizeof(mppe_magic1);
	if (crypto_sha1(iov, 3, digest) == -1)
		goto done;
	memcpy(out, digest, MPPE_KEY_MAX);
	rv = 0;
 done:
	explicit_bzero(hashhash, sizeof(hashhash));
	explicit_bzero(digest, sizeof(digest));
	return (rv);
}

/*
 * GetAsymmetricStartKey (RFC 3079 section 3.4): keylen (8 or 16) bytes
 * of the start key for one direction; the server's send key is the
 * client's receive key.
 */
int
mppe_v2_asymmetric_start_key(const uint8_t *master, uint8_t *out,
    size_t keylen, int is_send, int is_server)
{
	const uint8_t	*magic;

	if (keylen != 8 && keylen != MPPE_KEY_MAX)
		return (-1);
	if (is_send)
		magic = is_server ? mppe_magic3 : mppe_magic2;
	else
		magic = is_server ? mppe_magic2 : mppe_magic3;
	return (mppe_sha_pad(master, MPPE_KEY_MAX, magic, sizeof(mppe_magic2),
	    keylen, out));
}

/*
 * GetStartKey for MS-CHAPv1 128-bit keys (RFC 3079 section 2): from
 * HashNtPasswordHash and our 8-byte challenge; out[16].
 */
int
mppe_v1_start_key(const uint8_t *hashhash, const uint8_t *challenge,
    uint8_t *out)
{
	uint8_t		digest[CRYPTO_SHA1_LEN];
	struct iovec	iov[3];

	iov[0].iov_base = (void *)(uintptr_t)hashhash;
	iov[0].iov_len = MSCHAP_HASH_LEN;
	iov[1].iov_base = (void *)(uintptr_t)hashhash;
	iov[1].iov_len = MSCHAP_HASH_LEN;
	iov[2].iov_base = (void *)(uintptr_t)challenge;
	iov[2].iov_len = MSCHAP_V1_CHALLENGE_LEN;
	if (crypto_sha1(iov, 3, digest) == -1)
		return (-1);
	memcpy(out, digest, MPPE_KEY_MAX);
	explicit_bzero(digest, sizeof(digest));
	return (0);
}

/*
 * GetNewKeyFromSHA (RFC 3079 section 3; GetKey in section 2): keylen bytes
 * of SHA-1(StartKey, 40 x 00, SessionKey, 40 x F2).
 */
int
mppe_get_new_key_from_sha(const uint8_t *start, const uint8_t *current,
    size_t keylen, uint8_t *out)
{
	if (keylen != 8 && keylen != MPPE_KEY_MAX)
		return (-1);
	return (mppe_sha_pad(start, keylen, current, keylen, keylen, out));
}

/*
 * Weaken a key to its strength (RFC 3079 sections 2.1, 2.2, 3.1, 3.2):
 * 40-bit overwrites bytes 0-2 with D1 26 9E, 56-bit byte 0 with D1.
 */
int
mppe_reduce_key(uint8_t *key, size_t keylen, int bits)
{
	if (keylen != mppe_keylen(bits))
		return (-1);
	switch (bits) {
	case 40:
		key[0] = 0xd1;
		key[1] = 0x26;
		key[2] = 0x9e;
		break;
	case 56:
		key[0] = 0xd1;
		break;
	}
	return (0);
}

/* The first RC4 key of a direction: from its start key, no RC4 step. */
int
mppe_initial_session_key(const uint8_t *start, size_t keylen, int bits,
    uint8_t *out)
{
	if (keylen != mppe_keylen(bits) ||
	    mppe_get_new_key_from_sha(start, start, keylen, out) == -1)
		return (-1);
	return (mppe_reduce_key(out, keylen, bits));
}

/*
 * Replace key, the current session key of a direction, by the next one
 * (RFC 3078 section 7.3): the interim key from GetNewKeyFromSHA is RC4
 * encrypted with itself, then reduced.
 */
int
mppe_rekey(const uint8_t *start, uint8_t *key, size_t keylen, int bits)
{
	uint8_t	interim[MPPE_KEY_MAX];
	int	rv = -1;

	if (keylen != mppe_keylen(bits))
		return (-1);
	if (mppe_get_new_key_from_sha(start, key, keylen, interim) == 0 &&
	    crypto_rc4_oneshot(interim, keylen, interim, key, keylen) == 0)
		rv = mppe_reduce_key(key, keylen, bits);
	explicit_bzero(interim, sizeof(interim));
	return (rv);
}

/*
 * The server's keys after MS-CHAPv2 (RFC 3079 section 3), from the NT
 * password hash and the peer's NT-Response.
 */
int
mppe_keys_v2(struct mppe_keys *k, const uint8_t *pwhash,
    const uint8_t *nt_response, int bits)
{
	uint8_t	master[MPPE_KEY_MAX];
	int	rv = -1;

	memset(k, 0, sizeof(*k));
	if ((k->keylen = mppe_keylen(bits)) == 0)
		return (-1);
	k->bits = bits;
	if (mppe_v2_master_key(pwhash, nt_response, master) == 0 &&
	    mppe_v2_asymmetric_start_key(master, k->send_start, k->keylen,
	    1, 1) == 0 &&
	    mppe_v2_asymmetric_start_key(master, k->recv_start, k->keylen,
	    0, 1) == 0 &&
	    mppe_initial_session_key(k->send_start, k->keylen, bits,
	    k->send_key) == 0 &&
	    mppe_initial_session_key(k->recv_start, k->keylen, bits,
	    k->recv_key) == 0)
		rv = 0;
	explicit_bzero(master, sizeof(master));
	if (rv == -1)
		mppe_keys_clear(k);
	return (rv);
}

/*
 * The keys after MS-CHAPv1 (RFC 3079 section 2), the same in both
 * directions.  128-bit keys come from the NT password hash and our
 * challenge; 40- and 56-bit keys from the first 8 bytes of the LAN
 * Manager hash of the secret, so there are none for a secret longer
 * than 14 bytes (-1; offer 128-bit instead).  pppd instead cuts the
 * 128-bit start key to 8 bytes for 40-bit; this follows the RFC.
 */
int
mppe_keys_v1(struct mppe_keys *k, const uint8_t *secret, size_t secretlen,
    const uint8_t *pwhash, const uint8_t *challenge, int bits)
{
	uint8_t	hash[MSCHAP_HASH_LEN];
	int	rv = -1;

	memset(k, 0, sizeof(*k));
	if ((k->keylen = mppe_keylen(bits)) == 0)
		return (-1);
	k->bits = bits;
	if (bits == 128) {
		if (mschap_hash_nt_password_hash(pwhash, hash) == -1 ||
		    mppe_v1_start_key(hash, challenge, k->send_start) == -1)
			goto done;
	} else {
		if (mschap_lm_password_hash(secret, secretlen, hash) == -1)
			goto done;
		memcpy(k->send_start, hash, k->keylen);
	}
	memcpy(k->recv_start, k->send_start, k->keylen);
	if (mppe_initial_session_key(k->send_start, k->keylen, bits,
	    k->send_key) == -1)
		goto done;
	memcpy(k->recv_key, k->send_key, k->keylen);
	rv = 0;
 done:
	explicit_bzero(hash, sizeof(hash));
	if (rv == -1)
		mppe_keys_clear(k);
	return (rv);
}

void
mppe_keys_clear(struct mppe_keys *k)
{
	explicit_bzero(k, sizeof(*k));
}

/* RC4 key bytes for a strength, 0 if it is none of 40, 56 and 128. */
static size_t
mppe_keylen(int bits)
{
	switch (bits) {
	case 40:
	case 56:
		return (8);
	case 128:
		return (MPPE_KEY_MAX);
	}
	return (0);
}

/* outlen bytes of SHA-1(a, 40 x 00, b, 40 x F2). */
static int
mppe_sha_pad(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    size_t outlen, uint8_t *out)
{
	uint8_t		pad1[MPPE_SHS_PAD_LEN], pad2[MPPE_SHS_PAD_LEN];
	uint8_t		digest[CRYPTO_SHA1_LEN];
	struct iovec	iov[4];

	memset(pad1, 0x00, sizeof(pad1));
	memset(pad2, 0xf2, sizeof(pad2));
	iov[0].iov_base = (void *)(uintptr_t)a;
	iov[0].iov_len = alen;
	iov[1].iov_base = pad1;
	iov[1].iov_len = sizeof(pad1);
	iov[2].iov_base = (void *)(uintptr_t)b;
	iov[2].iov_len = blen;
	iov[3].iov_base = pad2;
	iov[3].iov_len = sizeof(pad2);
	if (crypto_sha1(iov, 4, digest) == -1)
		return (-1);
	memcpy(out, digest, outlen);
	explicit_bzero(digest, sizeof(digest));
	return (0);
}

/*
 * test_crypto: the auth crypto against published vectors (RFC 1320 MD4
 * suite, FIPS 81 DES, RFC 6229 RC4, RFC 2433, RFC 2759 section 9, RFC
 * 3079 section 2.5 and 3.5) and the computed edge cases of
 * /work/shared/protocol/vectors.json (weak DES key, DOMAIN\user,
 * non-ASCII password, rekey sequence).  Values are copied verbatim from
 * there; where an RFC misprints a value vectors.json names the erratum
 * and the reproduced value is used.
 *
 * usage: test_crypto primitives|chap-md5|mschapv1|mschapv2|mppe|no-legacy
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "chap.h"
#include "test.h"

#define MAXBUF	512

static size_t	unhex(const char *, uint8_t *);
static int	hexeq(const uint8_t *, size_t, const char *);
static int	md4_str(const char *, uint8_t *);
static void	test_primitives(void);
static void	test_chap_md5(void);
static void	test_mschapv1(void);
static void	test_mschapv2(void);
static void	test_mppe(void);
static void	test_no_legacy(void);

#define CHECK_HEX(buf, len, hex)	CHECK(hexeq((buf), (len), (hex)))

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t		n = 0;
	unsigned int	b;

	while (s[0] != '\0' && s[1] != '\0' && n < MAXBUF) {
		if (sscanf(s, "%2x", &b) != 1)
			abort();
		out[n++] = b;
		s += 2;
	}
	return (n);
}

static int
hexeq(const uint8_t *buf, size_t len, const char *hex)
{
	uint8_t	want[MAXBUF];

	if (unhex(hex, want) != len)
		return (0);
	return (memcmp(buf, want, len) == 0);
}

static int
md4_str(const char *s, uint8_t *out)
{
	struct iovec	iov;

	iov.iov_base = (void *)(uintptr_t)s;
	iov.iov_len = strlen(s);
	return (crypto_md4(&iov, 1, out));
}

static void
test_primitives(void)
{
	static const struct {
		const char	*msg;
		const char	*md4;
	} md4[] = {
		{ "", "31d6cfe0d16ae931b73c59d7e0c089c0" },
		{ "a", "bde52cb31de33e46245e05fbdbd6fb24" },
		{ "abc", "a448017aaf21d8525fc10ae87aa6729d" },
		{ "message digest", "d9130a8164549fe818874806e1c7014b" },
		{ "abcdefghijklmnopqrstuvwxyz",
		    "d79e1c308aa5bbcdeea8ed63df412da9" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789", "043f8582f241db351ce627e153e7f0e4" },
		{ "1234567890123456789012345678901234567890123456789012345678"
		    "9012345678901234567890",
		    "e33b4ddc9c38f2199c3e7b164fcc0536" },
	};
	uint8_t			 out[MAXBUF], key[MAXBUF], in[MAXBUF];
	uint8_t			 a[32], b[32];
	struct iovec		 iov[3];
	struct crypto_rc4	*r;
	size_t			 i, klen;

	/* RFC 1320 A.5, and the same digest over split iovecs. */
	for (i = 0; i < sizeof(md4) / sizeof(md4[0]); i++) {
		CHECK(md4_str(md4[i].msg, out) == 0);
		CHECK_HEX(out, 16, md4[i].md4);
	}
	iov[0].iov_base = (void *)(uintptr_t)"message";
	iov[0].iov_len = 7;
	iov[1].iov_base = (void *)(uintptr_t)"";
	iov[1].iov_len = 0;
	iov[2].iov_base = (void *)(uintptr_t)" digest";
	iov[2].iov_len = 7;
	CHECK(crypto_md4(iov, 3, out) == 0);
	CHECK_HEX(out, 16, "d9130a8164549fe818874806e1c7014b");

	/* Well-known MD5 and SHA-1 of "abc" (RFC 1321, FIPS 180). */
	iov[0].iov_base = (void *)(uintptr_t)"abc";
	iov[0].iov_len = 3;
	CHECK(crypto_md5(iov, 1, out) == 0);
	CHECK_HEX(out, 16, "900150983cd24fb0d6963f7d28e17f72");
	CHECK(crypto_sha1(iov, 1, out) == 0);
	CHECK_HEX(out, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");

	/* FIPS 81 Appendix B, Table B1, first block. */
	unhex("0123456789abcdef", key);
	CHECK(crypto_des_ecb(key, (const uint8_t *)"Now is t", out) == 0);
	CHECK_HEX(out, 8, "3fa40e8a984d4815");

	/* RFC 2759 9.3 (RFC 2433 B.3): 7-byte keys with odd parity. */
	unhex("fc156af7edcd6c", in);
	crypto_des_key_expand(in, out);
	CHECK_HEX(out, 8, "fd0b5b5e7f6e34d9");
	unhex("0edde3337d427f", in);
	crypto_des_key_expand(in, out);
	CHECK_HEX(out, 8, "0e6e796737ea08fe");

	/* RFC 6229 section 2, offset 0. */
	memset(in, 0, 16);
	klen = unhex("0102030405", key);
	CHECK(crypto_rc4_oneshot(key, klen, in, out, 16) == 0);
	CHECK_HEX(out, 16, "b2396305f03dc027ccc3524a0a1118a8");
	klen = unhex("0102030405060708090a0b0c0d0e0f10", key);
	CHECK(crypto_rc4_oneshot(key, klen, in, out, 16) == 0);
	CHECK_HEX(out, 16, "9ac7cc9a609d1ef7b2932899cde41b97");

	/* A stream continues across calls and restarts on a new key. */
	CHECK((r = crypto_rc4_new()) != NULL);
	if (r != NULL) {
		klen = unhex("0102030405", key);
		CHECK(crypto_rc4_setkey(r, key, klen) == 0);
		CHECK(crypto_rc4(r, in, out, 5) == 0);
		CHECK(crypto_rc4(r, in, out + 5, 11) == 0);
		CHECK_HEX(out, 16, "b2396305f03dc027ccc3524a0a1118a8");
		klen = unhex("0102030405060708090a0b0c0d0e0f10", key);
		CHECK(crypto_rc4_setkey(r, key, klen) == 0);
		memcpy(out, in, 16);
		CHECK(crypto_rc4(r, out, out, 16) == 0);	/* in place */
		CHECK_HEX(out, 16, "9ac7cc9a609d1ef7b2932899cde41b97");
		CHECK(crypto_rc4_setkey(r, key, 0) == -1);
		CHECK(crypto_rc4_setkey(r, key, CRYPTO_RC4_KEY_MAX + 1) == -1);
		crypto_rc4_free(r);
	}

	memset(a, 7, sizeof(a));
	memset(b, 7, sizeof(b));
	CHECK(crypto_memeq(a, b, sizeof(a)) == 1);
	b[31] = 8;
	CHECK(crypto_memeq(a, b, sizeof(a)) == 0);
}

static void
test_chap_md5(void)
{
	uint8_t	chal[16], out[16], resp[16];

	/* vectors.json "CHAP-MD5 response" (RFC 1994 4.1, computed). */
	unhex("000102030405060708090a0b0c0d0e0f", chal);
	CHECK(chap_md5_response(0x2a, (const uint8_t *)"secret", 6, chal, 16,
	    out) == 0);
	CHECK_HEX(out, 16, "03dc98c5a832692b49df73cf48fcb4e9");

	unhex("03dc98c5a832692b49df73cf48fcb4e9", resp);
	CHECK(chap_md5_verify(0x2a, (const uint8_t *)"secret", 6, chal, 16,
	    resp, 16) == 1);
	CHECK(chap_md5_verify(0x2b, (const uint8_t *)"secret", 6, chal, 16,
	    resp, 16) == 0);
	CHECK(chap_md5_verify(0x2a, (const uint8_t *)"secreT", 6, chal, 16,
	    resp, 16) == 0);
	CHECK(chap_md5_verify(0x2a, (const uint8_t *)"secret", 6, chal, 15,
	    resp, 16) == 0);
	CHECK(chap_md5_verify(0x2a, (const uint8_t *)"secret", 6, chal, 16,
	    resp, 15) == 0);
	resp[15] ^= 1;
	CHECK(chap_md5_verify(0x2a, (const uint8_t *)"secret", 6, chal, 16,
	    resp, 16) == 0);
}

static void
test_mschapv1(void)
{
	uint8_t	chal[8], hash[16], out[MAXBUF];
	uint8_t	value[MSCHAP_RESPONSE_LEN];
	char	msg[128];

	/* RFC 2433 Appendix B.2. */
	unhex("102db5df085d3041", chal);
	CHECK(mschap_nt_password_hash((const uint8_t *)"MyPw", 4,
	    MSCHAP_CHARSET_LATIN1, hash) == 0);
	CHECK_HEX(hash, 16, "fc156af7edcd6c0edde3337d427f4eac");
	CHECK(mschap_challenge_response(chal, hash, out) == 0);
	CHECK_HEX(out, 24, "4e9d3c8f9cfd385d5bf4d3246791956ca4c351ab409a3d61");

	/* Response Value: LM (zero), NT, UseNT = 1. */
	memset(value, 0, sizeof(value));
	unhex("4e9d3c8f9cfd385d5bf4d3246791956ca4c351ab409a3d61",
	    value + MSCHAP_V1_NT_RESPONSE);
	value[MSCHAP_V1_USE_NT] = 1;
	CHECK(mschap_v1_verify(chal, value, sizeof(value), hash) == 1);
	CHECK(mschap_v1_verify(chal, value, sizeof(value) - 1, hash) == 0);
	value[MSCHAP_V1_USE_NT] = 0;		/* LM only: refused */
	CHECK(mschap_v1_verify(chal, value, sizeof(value), hash) == 0);
	value[MSCHAP_V1_USE_NT] = 1;
	value[MSCHAP_V1_NT_RESPONSE + 23] ^= 0x80;
	CHECK(mschap_v1_verify(chal, value, sizeof(value), hash) == 0);
	value[MSCHAP_V1_NT_RESPONSE + 23] ^= 0x80;
	CHECK(mschap_nt_password_hash((const uint8_t *)"MyPW", 4,
	    MSCHAP_CHARSET_LATIN1, hash) == 0);
	CHECK(mschap_v1_verify(chal, value, sizeof(value), hash) == 0);

	/* LM hash (RFC 2433 A.2; RFC 3079 2.5.1 publishes clientPass's). */
	CHECK(mschap_lm_password_hash((const uint8_t *)"MyPw", 4, hash) == 0);
	CHECK_HEX(hash, 16, "75ba30198e6d1975aad3b435b51404ee");
	CHECK(mschap_challenge_response(chal, hash, out) == 0);
	CHECK_HEX(out, 24, "91881d0152ab0c33c524135ec24a95ee64e23cdc2d33347d");
	CHECK(mschap_lm_password_hash((const uint8_t *)"clientPass", 10,
	    hash) == 0);
	CHECK_HEX(hash, 16, "76a152936096d7830e2390227404afd2");
	CHECK(mschap_lm_password_hash((const uint8_t *)"fifteen-letters",
	    15, hash) == -1);

	CHECK(mschap_v1_failure_message(msg, sizeof(msg),
	    MSCHAP_ERROR_AUTHENTICATION_FAILURE, 1, chal) ==
	    (int)strlen("E=691 R=1 C=102DB5DF085D3041 V=0"));
	CHECK(strcmp(msg, "E=691 R=1 C=102DB5DF085D3041 V=0") == 0);
	CHECK(mschap_v1_failure_message(msg, 10, 691, 1, chal) == -1);
}

static void
test_mschapv2(void)
{
	uint8_t		auth[16], peer[16], hash[16];
	uint8_t		out[MAXBUF], pw[MAXBUF];
	uint8_t		value[MSCHAP_RESPONSE_LEN], ch[8];
	char		resp[MSCHAP_AUTHRESP_LEN + 1], msg[256];
	struct iovec	iov[3];
	size_t		len;

	/* RFC 2759 section 9.2. */
	unhex("5b5d7c7d7b3f2f3e3c2c602132262628", auth);
	unhex("21402324255e262a28295f2b3a337c7e", peer);
	CHECK(mschap_v2_challenge_hash(peer, auth, "User", 4, out) == 0);
	CHECK_HEX(out, 8, "d02e4386bce91226");
	CHECK(mschap_nt_password_hash((const uint8_t *)"clientPass", 10,
	    MSCHAP_CHARSET_LATIN1, hash) == 0);
	CHECK_HEX(hash, 16, "44ebba8d5312b8d611474411f56989ae");
	CHECK(mschap_v2_nt_response(auth, peer, "User", 4, hash, out) == 0);
	CHECK_HEX(out, 24, "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
	CHECK(mschap_hash_nt_password_hash(hash, out) == 0);
	CHECK_HEX(out, 16, "41c00c584bd2d91c4017a2a12fa59f3f");
	unhex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df", out);
	memset(resp, 'x', sizeof(resp));
	CHECK(mschap_v2_authenticator_response(hash, out, peer, auth, "User",
	    4, resp) == 0);
	CHECK(strcmp(resp, "S=407A5589115FD0D6209F510FE9C04566932CDA56") == 0);

	/* The 49-octet Response Value of that exchange verifies. */
	CHECK(unhex("21402324255e262a28295f2b3a337c7e0000000000000000"
	    "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df00", value) ==
	    MSCHAP_RESPONSE_LEN);
	CHECK(mschap_v2_verify(auth, value, sizeof(value), "User", 4,
	    hash) == 1);
	CHECK(mschap_v2_verify(auth, value, sizeof(value) - 1, "User", 4,
	    hash) == 0);
	CHECK(mschap_v2_verify(auth, value, sizeof(value), "user", 4,
	    hash) == 0);
	CHECK(mschap_v2_verify(peer, value, sizeof(value), "User", 4,
	    hash) == 0);
	value[MSCHAP_V2_FLAGS] = 4;	/* Windows 98: not checked */
	CHECK(mschap_v2_verify(auth, value, sizeof(value), "User", 4,
	    hash) == 1);
	value[MSCHAP_V2_PEER_CHALLENGE] ^= 1;
	CHECK(mschap_v2_verify(auth, value, sizeof(value), "User", 4,
	    hash) == 0);
	value[MSCHAP_V2_PEER_CHALLENGE] ^= 1;
	CHECK(mschap_nt_password_hash((const uint8_t *)"clientpass", 10,
	    MSCHAP_CHARSET_LATIN1, pw) == 0);
	CHECK(mschap_v2_verify(auth, value, sizeof(value), "User", 4,
	    pw) == 0);

	/* DOMAIN\user: only what follows the last backslash is hashed. */
	CHECK(mschap_v2_verify(auth, value, sizeof(value), "EXAMPLE\\User",
	    12, hash) == 1);
	CHECK(mschap_v2_verify(auth, value, sizeof(value), "A\\B\\User", 8,
	    hash) == 1);
	CHECK(mschap_v2_nt_response(auth, peer, "EXAMPLE\\User", 12, hash,
	    out) == 0);
	CHECK_HEX(out, 24, "82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df");
	CHECK(mschap_v2_authenticator_response(hash, value +
	    MSCHAP_V2_NT_RESPONSE, peer, auth, "EXAMPLE\\User", 12, resp) == 0);
	CHECK(strcmp(resp, "S=407A5589115FD0D6209F510FE9C04566932CDA56") == 0);
	/* ...and hashing the whole name gives the published wrong value. */
	iov[0].iov_base = peer;
	iov[0].iov_len = 16;
	iov[1].iov_base = auth;
	iov[1].iov_len = 16;
	iov[2].iov_base = (void *)(uintptr_t)"EXAMPLE\\User";
	iov[2].iov_len = 12;
	CHECK(crypto_sha1(iov, 3, pw) == 0);
	memcpy(ch, pw, 8);
	CHECK(mschap_challenge_response(ch, hash, out) == 0);
	CHECK_HEX(out, 24, "76dc498f851f3062097cd5e42cc61e3a1877e54a4cb83ad9");

	/* The third DES key is the weak key 01..01 (known_pitfalls A4). */
	CHECK(mschap_nt_password_hash((const uint8_t *)"weak43764", 9,
	    MSCHAP_CHARSET_LATIN1, hash) == 0);
	CHECK_HEX(hash, 16, "cf9b4a65254bad8b4553bd0b6ce10000");
	memset(pw, 0, 7);
	memcpy(pw, hash + 14, 2);
	crypto_des_key_expand(pw, out);
	CHECK_HEX(out, 8, "0101010101010101");
	CHECK(mschap_v2_nt_response(auth, peer, "User", 4, hash, out) == 0);
	CHECK_HEX(out, 24, "93d3381d836d37303ebe0e29fb54ae5e651b607991f4db3f");
	CHECK(mschap_v2_authenticator_response(hash, out, peer, auth, "User",
	    4, resp) == 0);
	CHECK(strcmp(resp, "S=0850C8133A50D8926AF6DC427CB4D41B0C4BEF39") == 0);

	/* "Pässwörd€" in UTF-8: pppd's Latin-1 reading, and real UTF-16. */
	len = unhex("50c3a4737377c3b67264e282ac", pw);
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_UTF8,
	    hash) == 0);
	CHECK_HEX(hash, 16, "04e9d4087e1303bea8e5239aa5ddd064");
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_LATIN1,
	    hash) == 0);
	CHECK_HEX(hash, 16, "11bbbd5955cea5c30f506332b612fd6c");
	/* U+1F600 becomes the surrogate pair D83D DE00. */
	len = unhex("f09f9880", pw);
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_UTF8,
	    hash) == 0);
	iov[0].iov_base = out;
	iov[0].iov_len = unhex("3dd800de", out);
	CHECK(crypto_md4(iov, 1, pw) == 0);
	CHECK(memcmp(hash, pw, 16) == 0);
	/* Broken, overlong, surrogate and out-of-range UTF-8 is refused. */
	len = unhex("c328", pw);
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_UTF8,
	    hash) == -1);
	len = unhex("c080", pw);
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_UTF8,
	    hash) == -1);
	len = unhex("eda080", pw);
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_UTF8,
	    hash) == -1);
	len = unhex("f4908080", pw);
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_UTF8,
	    hash) == -1);
	len = unhex("e282", pw);
	CHECK(mschap_nt_password_hash(pw, len, MSCHAP_CHARSET_UTF8,
	    hash) == -1);
	memset(pw, 'a', MSCHAP_PASSWORD_MAX + 1);
	CHECK(mschap_nt_password_hash(pw, MSCHAP_PASSWORD_MAX,
	    MSCHAP_CHARSET_LATIN1, hash) == 0);
	CHECK(mschap_nt_password_hash(pw, MSCHAP_PASSWORD_MAX + 1,
	    MSCHAP_CHARSET_LATIN1, hash) == -1);

	/* Success and Failure messages (RFC 2759 sections 5 and 6). */
	CHECK(mschap_v2_success_message(msg, sizeof(msg),
	    "S=407A5589115FD0D6209F510FE9C04566932CDA56",
	    "Access granted") == 42 + 3 + 14);
	CHECK(strcmp(msg, "S=407A5589115FD0D6209F510FE9C04566932CDA56 "
	    "M=Access granted") == 0);
	CHECK(mschap_v2_success_message(msg, sizeof(msg),
	    "S=407A5589115FD0D6209F510FE9C04566932CDA56", NULL) == 42);
	CHECK(strcmp(msg, "S=407A5589115FD0D6209F510FE9C04566932CDA56") == 0);
	CHECK(mschap_v2_success_message(msg, 42,
	    "S=407A5589115FD0D6209F510FE9C04566932CDA56", NULL) == -1);
	CHECK(mschap_v2_failure_message(msg, sizeof(msg),
	    MSCHAP_ERROR_AUTHENTICATION_FAILURE, 1, auth,
	    "Authentication failed") > 0);
	CHECK(strcmp(msg, "E=691 R=1 C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 "
	    "M=Authentication failed") == 0);
	CHECK(mschap_v2_failure_message(msg, sizeof(msg),
	    MSCHAP_ERROR_NO_DIALIN_PERMISSION, 0, auth, NULL) > 0);
	CHECK(strcmp(msg, "E=649 R=0 C=5B5D7C7D7B3F2F3E3C2C602132262628 "
	    "V=3") == 0);
	CHECK(mschap_v2_failure_message(msg, 20, 691, 1, auth, "x") == -1);
}

static void
test_mppe(void)
{
	uint8_t			 hash[16], ntresp[24];
	uint8_t			 master[16], key[16];
	uint8_t			 start[16], out[MAXBUF], chal[8], hh[16];
	struct mppe_keys	 k;
	const char		*msg = "test message";

	/* RFC 3079 section 3.5, from the RFC 2759 9.2 exchange. */
	CHECK(mschap_nt_password_hash((const uint8_t *)"clientPass", 10,
	    MSCHAP_CHARSET_LATIN1, hash) == 0);
	unhex("82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df", ntresp);
	CHECK(mppe_v2_master_key(hash, ntresp, master) == 0);
	CHECK_HEX(master, 16, "fdece3717a8c838cb388e527ae3cdd31");

	/* 3.5.3: 128-bit send key, server side. */
	CHECK(mppe_v2_asymmetric_start_key(master, start, 16, 1, 1) == 0);
	CHECK_HEX(start, 16, "8b7cdc149b993a1ba118cb153f56dccb");
	CHECK(mppe_initial_session_key(start, 16, 128, key) == 0);
	CHECK_HEX(key, 16, "405cb2247a7956e6e211007ae27b22d4");
	CHECK(crypto_rc4_oneshot(key, 16, (const uint8_t *)msg, out, 12) == 0);
	CHECK_HEX(out, 12, "81848317df68846272fb5abe");

	/* 3.5.1: 40-bit send key. */
	CHECK(mppe_v2_asymmetric_start_key(master, start, 8, 1, 1) == 0);
	CHECK_HEX(start, 8, "8b7cdc149b993a1b");
	CHECK(mppe_initial_session_key(start, 8, 40, key) == 0);
	CHECK_HEX(key, 8, "d1269ec49fa62e3e");
	CHECK(crypto_rc4_oneshot(key, 8, (const uint8_t *)msg, out, 12) == 0);
	CHECK_HEX(out, 12, "929137917e5803d668d75898");

	/* 3.5.2: 56-bit; the RFC prints ...57 58, an erratum for 57 b8. */
	CHECK(mppe_initial_session_key(start, 8, 56, key) == 0);
	CHECK_HEX(key, 8, "d15c00c49fa62e3e");
	CHECK(crypto_rc4_oneshot(key, 8, (const uint8_t *)msg, out, 12) == 0);
	CHECK_HEX(out, 12, "3f106833fa448da842bc57b8");

	/* Receive keys; the client's send key is the server's receive. */
	CHECK(mppe_v2_asymmetric_start_key(master, start, 16, 0, 1) == 0);
	CHECK_HEX(start, 16, "d5f0e9521e3ea9589645e86051c82226");
	CHECK(mppe_initial_session_key(start, 16, 128, key) == 0);
	CHECK_HEX(key, 16, "49d11d0f0cc6befba2a9b4b688f91eee");
	CHECK(mppe_v2_asymmetric_start_key(master, start, 16, 1, 0) == 0);
	CHECK_HEX(start, 16, "d5f0e9521e3ea9589645e86051c82226");
	CHECK(mppe_v2_asymmetric_start_key(master, start, 16, 0, 0) == 0);
	CHECK_HEX(start, 16, "8b7cdc149b993a1ba118cb153f56dccb");
	CHECK(mppe_v2_asymmetric_start_key(master, start, 8, 0, 1) == 0);
	CHECK_HEX(start, 8, "d5f0e9521e3ea958");
	CHECK(mppe_initial_session_key(start, 8, 40, key) == 0);
	CHECK_HEX(key, 8, "d1269ed2ae999038");

	/* All of it in one call. */
	CHECK(mppe_keys_v2(&k, hash, ntresp, 128) == 0);
	CHECK(k.bits == 128 && k.keylen == 16);
	CHECK_HEX(k.send_start, 16, "8b7cdc149b993a1ba118cb153f56dccb");
	CHECK_HEX(k.recv_start, 16, "d5f0e9521e3ea9589645e86051c82226");
	CHECK_HEX(k.send_key, 16, "405cb2247a7956e6e211007ae27b22d4");
	CHECK_HEX(k.recv_key, 16, "49d11d0f0cc6befba2a9b4b688f91eee");
	CHECK(mppe_keys_v2(&k, hash, ntresp, 40) == 0);
	CHECK(k.bits == 40 && k.keylen == 8);
	CHECK_HEX(k.send_key, 8, "d1269ec49fa62e3e");
	CHECK_HEX(k.recv_key, 8, "d1269ed2ae999038");
	CHECK(mppe_keys_v2(&k, hash, ntresp, 64) == -1);
	CHECK(k.keylen == 0);
	mppe_keys_clear(&k);

	/* Rekey (RFC 3078 7.3 as Linux ppp_mppe.c does it). */
	unhex("8b7cdc149b993a1ba118cb153f56dccb", start);
	unhex("405cb2247a7956e6e211007ae27b22d4", key);
	CHECK(mppe_rekey(start, key, 16, 128) == 0);
	CHECK_HEX(key, 16, "726f10500e2b54135b1b74d7682f0471");
	/* The first stateless packet, ccount 0, is sent with this key. */
	unhex("002145000014", out + 64);
	CHECK(crypto_rc4_oneshot(key, 16, out + 64, out, 6) == 0);
	CHECK_HEX(out, 6, "7058132be07b");
	CHECK(mppe_rekey(start, key, 16, 128) == 0);
	CHECK_HEX(key, 16, "2805bc7869bec825573a7803e95a3acd");
	CHECK(mppe_rekey(start, key, 8, 128) == -1);
	CHECK(mppe_rekey(start, key, 16, 40) == -1);
	/* A 40-bit rekey keeps the salt. */
	unhex("d1269ec49fa62e3e", key);
	CHECK(mppe_rekey(start, key, 8, 40) == 0);
	CHECK(key[0] == 0xd1 && key[1] == 0x26 && key[2] == 0x9e);

	/* RFC 3079 2.5.3: 128-bit from MS-CHAPv1 (step 3 misprints ca). */
	unhex("102db5df085d3041", chal);
	CHECK(mschap_hash_nt_password_hash(hash, hh) == 0);
	CHECK_HEX(hh, 16, "41c00c584bd2d91c4017a2a12fa59f3f");
	CHECK(mppe_v1_start_key(hh, chal, start) == 0);
	CHECK_HEX(start, 16, "a8947850cfc0acc1d1789fb62ddcddb0");
	CHECK(mppe_get_new_key_from_sha(start, start, 16, key) == 0);
	CHECK_HEX(key, 16, "59d159bc09f76f1da2a86a28ffec0b1e");
	CHECK(mppe_keys_v1(&k, (const uint8_t *)"clientPass", 10, hash, chal,
	    128) == 0);
	CHECK_HEX(k.send_start, 16, "a8947850cfc0acc1d1789fb62ddcddb0");
	CHECK_HEX(k.send_key, 16, "59d159bc09f76f1da2a86a28ffec0b1e");
	CHECK(memcmp(k.send_key, k.recv_key, 16) == 0);
	CHECK(memcmp(k.send_start, k.recv_start, 16) == 0);

	/* RFC 3079 2.5.1 and 2.5.2: 40/56-bit from the LM hash. */
	unhex("76a152936096d7830e2390227404afd2", start);
	CHECK(mppe_get_new_key_from_sha(start, start, 8, key) == 0);
	CHECK_HEX(key, 8, "d80801538cec4a08");
	CHECK(mppe_keys_v1(&k, (const uint8_t *)"clientPass", 10, hash, chal,
	    40) == 0);
	CHECK_HEX(k.send_key, 8, "d1269e538cec4a08");
	CHECK_HEX(k.recv_key, 8, "d1269e538cec4a08");
	CHECK_HEX(k.send_start, 8, "76a152936096d783");
	CHECK(mppe_keys_v1(&k, (const uint8_t *)"clientPass", 10, hash, chal,
	    56) == 0);
	CHECK_HEX(k.send_key, 8, "d10801538cec4a08");
	CHECK(mppe_keys_v1(&k, (const uint8_t *)"a-longer-password", 17,
	    hash, chal, 40) == -1);
	mppe_keys_clear(&k);

	CHECK(mppe_reduce_key(key, 16, 40) == -1);
	CHECK(mppe_reduce_key(key, 8, 128) == -1);
	CHECK(mppe_get_new_key_from_sha(start, start, 12, key) == -1);
}

/*
 * Run with OPENSSL_MODULES pointing nowhere: crypto_init() must say
 * that the legacy provider is missing and fail, and nothing must
 * compute (or crash) without it.
 */
static void
test_no_legacy(void)
{
	uint8_t	out[32], key[8];
	char	buf[4096];
	ssize_t	n;
	int	mfd, saved;

	memset(key, 1, sizeof(key));
	CHECK(md4_str("abc", out) == -1);
	CHECK(crypto_des_ecb(key, key, out) == -1);
	CHECK(crypto_rc4_new() == NULL);
	CHECK(chap_md5_verify(1, key, 8, key, 8, key, 16) == -1);

	CHECK((mfd = memfd_create("stderr", 0)) != -1);
	fflush(stderr);
	saved = dup(2);
	dup2(mfd, 2);
	CHECK(crypto_init() == -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(mfd, buf, sizeof(buf) - 1, 0);
	close(mfd);
	buf[n > 0 ? n : 0] = '\0';
	fprintf(stderr, "%s", buf);
	CHECK(strstr(buf, "\"legacy\" provider") != NULL);
	CHECK(md4_str("abc", out) == -1);
	CHECK(mschap_nt_password_hash((const uint8_t *)"x", 1,
	    MSCHAP_CHARSET_LATIN1, out) == -1);
}

static const struct test_case cases[] = {
	{ "primitives",	test_primitives },
	{ "chap-md5",	test_chap_md5 },
	{ "mschapv1",	test_mschapv1 },
	{ "mschapv2",	test_mschapv2 },
	{ "mppe",	test_mppe },
	{ "no-legacy",	test_no_legacy },
};

int
main(int argc, char *argv[])
{
	test_log(NULL, 0);
	/* no-legacy sees crypto_init() fail; every other case needs it. */
	if (argc == 2 && strcmp(argv[1], "no-legacy") != 0) {
		if (crypto_init() == -1) {
			fprintf(stderr, "crypto_init failed\n");
			return (1);
		}
		CHECK(crypto_init() == 0);	/* again: a no-op */
	}
	return (test_run("test_crypto", cases, TEST_NCASES(cases), argc,
	    argv, 0));
}

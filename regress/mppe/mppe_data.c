/*
 * mppe_data: the MPPE transform (session/mppe.c) alone, one case per
 * run.  A sending and a receiving struct mppe_dir stand for the two ends
 * of one direction; packets between them are lost, repeated or corrupted
 * on purpose.  The vectors are those of shared/protocol/vectors.json
 * (RFC 3079 section 3.5 and the computed rekey and first stateless
 * packet values), copied here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chap.h"
#include "log.h"
#include "mppe.h"
#include "test.h"

#define PKT_MAX		1600

/* RFC 3079 3.5: the server's send start key, which is 8 octets long
 * for 40/56 bits: the first 8 of the 128-bit one. */
static const uint8_t send_start[16] = {
	0x8b, 0x7c, 0xdc, 0x14, 0x9b, 0x99, 0x3a, 0x1b,
	0xa1, 0x18, 0xcb, 0x15, 0x3f, 0x56, 0xdc, 0xcb
};
/* vectors.json: the server's receive start key (computed). */
static const uint8_t recv_start[16] = {
	0xd5, 0xf0, 0xe9, 0x52, 0x1e, 0x3e, 0xa9, 0x58,
	0x96, 0x45, 0xe8, 0x60, 0x51, 0xc8, 0x22, 0x26
};

struct pkt {
	uint8_t		 b[PKT_MAX];
	size_t		 len;
};

static struct mppe_dir tx, rx;

static int	 hex(const char *, uint8_t *, size_t);
static void	 pair(int, int);
static void	 unpair(void);
static size_t	 payload(uint8_t *, uint32_t);
static int	 send_one(struct pkt *, uint32_t);
static int	 recv_ok(const struct pkt *, uint32_t);
static enum mppe_rx recv_raw(const struct pkt *, const char **);
static void	 case_vectors(void);
static void	 case_rfc3079_ciphertext(void);
static void	 exchange(int, int, int);
static void	 case_stateless_1000(void);
static void	 case_stateful_1000(void);
static void	 case_stateless_jump(void);
static void	 case_stateless_late(void);
static void	 case_stateful_loss(void);
static void	 case_stateful_loss_flag(void);
static void	 case_stateful_flush_lost(void);
static void	 case_bad_headers(void);
static void	 case_sanity(void);
static void	 case_bounds(void);

static int
hex(const char *s, uint8_t *out, size_t max)
{
	size_t		 n = 0;
	unsigned int	 v;

	while (s[0] != '\0' && s[1] != '\0' && n < max) {
		if (sscanf(s, "%2x", &v) != 1)
			return (-1);
		out[n++] = v;
		s += 2;
	}
	return ((int)n);
}

static void
pair(int bits, int stateless)
{
	CHECK(mppe_init(&tx, send_start, bits, stateless) == 0);
	CHECK(mppe_init(&rx, send_start, bits, stateless) == 0);
}

static void
unpair(void)
{
	mppe_clear(&tx);
	mppe_clear(&rx);
}

/* The i-th test datagram: its length and content follow from i. */
static size_t
payload(uint8_t *buf, uint32_t i)
{
	size_t	 len = (i * 2654435761u) % 1400, k;

	for (k = 0; k < len; k++)
		buf[k] = (uint8_t)(i + k * 7);
	return (len);
}

static int
send_one(struct pkt *p, uint32_t i)
{
	uint8_t	 data[PKT_MAX];
	size_t	 len = payload(data, i);

	return (mppe_encrypt(&tx, 0x0021, data, len, p->b, sizeof(p->b),
	    &p->len));
}

static enum mppe_rx
recv_raw(const struct pkt *p, const char **why)
{
	uint8_t	 out[PKT_MAX];
	size_t	 n;

	return (mppe_decrypt(&rx, p->b, p->len, out, sizeof(out), &n, why));
}

/* The packet decrypts to datagram i, protocol field first. */
static int
recv_ok(const struct pkt *p, uint32_t i)
{
	uint8_t		 out[PKT_MAX], want[PKT_MAX];
	size_t		 n, len;
	const char	*why;

	want[0] = 0x00;
	want[1] = 0x21;
	len = payload(want + 2, i) + 2;
	if (mppe_decrypt(&rx, p->b, p->len, out, sizeof(out), &n, &why) !=
	    MPPE_RX_OK) {
		fprintf(stderr, "packet %u dropped: %s\n", i, why);
		return (0);
	}
	return (n == len && memcmp(out, want, len) == 0);
}

/*
 * vectors.json: the initial session keys (RFC 3079 3.5.1-3.5.3), the
 *128-bit key change sequence and the first stateless packet, byte for
 * byte.
 */
static void
case_vectors(void)
{
	static const uint8_t ip[] = { 0x45, 0x00, 0x00, 0x14 };
	uint8_t		 k[16], frame[16], out[64];
	size_t		 n;

	CHECK(mppe_init(&tx, send_start, 128, 1) == 0);
	CHECK(hex("405cb2247a7956e6e211007ae27b22d4", k, 16) == 16);
	CHECK_MEM(tx.key, k, 16);
	CHECK(tx.ccount == 0xfff);
	CHECK(mppe_encrypt(&tx, 0x0021, ip, sizeof(ip), out, sizeof(out),
	    &n) == 0);
	CHECK(hex("90007058132be07b", frame, 8) == 8);
	CHECK(n == 8);
	CHECK_MEM(out, frame, 8);
	CHECK(hex("726f10500e2b54135b1b74d7682f0471", k, 16) == 16);
	CHECK_MEM(tx.key, k, 16);
	CHECK(mppe_encrypt(&tx, 0x0021, ip, sizeof(ip), out, sizeof(out),
	    &n) == 0);
	CHECK(hex("2805bc7869bec825573a7803e95a3acd", k, 16) == 16);
	CHECK_MEM(tx.key, k, 16);
	CHECK(out[0] == 0x90 && out[1] == 0x01);
	mppe_clear(&tx);

	CHECK(mppe_init(&tx, send_start, 40, 1) == 0);
	CHECK(tx.keylen == 8);
	CHECK(hex("d1269ec49fa62e3e", k, 8) == 8);
	CHECK_MEM(tx.key, k, 8);
	mppe_clear(&tx);
	CHECK(mppe_init(&tx, send_start, 56, 0) == 0);
	CHECK(hex("d15c00c49fa62e3e", k, 8) == 8);
	CHECK_MEM(tx.key, k, 8);
	mppe_clear(&tx);
	CHECK(mppe_init(&tx, recv_start, 128, 1) == 0);
	CHECK(hex("49d11d0f0cc6befba2a9b4b688f91eee", k, 16) == 16);
	CHECK_MEM(tx.key, k, 16);
	mppe_clear(&tx);
	CHECK(mppe_init(&tx, recv_start, 40, 1) == 0);
	CHECK(hex("d1269ed2ae999038", k, 8) == 8);
	CHECK_MEM(tx.key, k, 8);
	mppe_clear(&tx);
	/* Not a strength. */
	CHECK(mppe_init(&tx, send_start, 64, 1) == -1);
	CHECK(tx.rc4 == NULL);
}

/*
 * The first stateful packet uses the initial session key as is: with
 * RFC 3079's "test message" ciphertexts as the encrypted part of a
 * stateful packet with count 0 and no A, the receiver gets the text
 * back (the RFC prints ...57 58 for 56 bits; ...57 b8 is right,
 * vectors.json explains).
 */
static void
case_rfc3079_ciphertext(void)
{
	static const struct {
		int		 bits;
		const char	*ct;
	} v[] = {
		{ 40, "929137917e5803d668d75898" },
		{ 56, "3f106833fa448da842bc57b8" },
		{ 128, "81848317df68846272fb5abe" },
	};
	struct pkt	 p;
	uint8_t		 out[64];
	size_t		 i, n;
	const char	*why;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK(mppe_init(&rx, send_start, v[i].bits, 0) == 0);
		p.b[0] = MPPE_BIT_D;
		p.b[1] = 0x00;
		CHECK(hex(v[i].ct, p.b + 2, 12) == 12);
		p.len = 14;
		CHECK(mppe_decrypt(&rx, p.b, p.len, out, sizeof(out), &n,
		    &why) == MPPE_RX_OK);
		CHECK(n == 12 && memcmp(out, "test message", 12) == 0);
		CHECK(rx.rekeys == 0);
		mppe_clear(&rx);
	}
}

/*
 * count packets from tx to rx; every header is checked: D always, the
 * count one more each time, A on every stateless packet and on exactly
 * the stateful flag packets, whose key changes.
 */
static void
exchange(int bits, int stateless, int count)
{
	struct pkt	 p;
	uint8_t		 scratch[PKT_MAX];
	uint16_t	 cc;
	int		 i, flags = 0, ok = 1;

	pair(bits, stateless);
	for (i = 0; i < count && ok; i++) {
		CHECK(send_one(&p, i) == 0);
		cc = ((p.b[0] << 8) | p.b[1]) & MPPE_CCOUNT_MASK;
		ok = cc == (i & MPPE_CCOUNT_MASK) && (p.b[0] & MPPE_BIT_D);
		if (stateless)
			ok = ok && (p.b[0] & MPPE_BIT_A);
		else {
			ok = ok && ((p.b[0] & MPPE_BIT_A) != 0) ==
			    ((cc & 0xff) == 0xff);
			flags += (cc & 0xff) == 0xff;
		}
		ok = ok && p.len == payload(scratch, i) + MPPE_PAD;
		ok = ok && recv_ok(&p, i);
		CHECK(ok);
	}
	CHECK(tx.packets == (uint64_t)count && rx.packets == (uint64_t)count);
	if (stateless)
		CHECK(tx.rekeys == (uint64_t)count &&
		    rx.rekeys == (uint64_t)count);
	else
		CHECK(tx.rekeys == (uint64_t)flags &&
		    rx.rekeys == (uint64_t)flags);
	if (bits == 40)
		CHECK(tx.key[0] == 0xd1 && tx.key[1] == 0x26 &&
		    tx.key[2] == 0x9e);
	if (bits == 56)
		CHECK(tx.key[0] == 0xd1);
	CHECK_MEM(tx.key, rx.key, tx.keylen);
	unpair();
}

static void
case_stateless_1000(void)
{
	exchange(128, 1, 1000);
	exchange(56, 1, 1000);
	exchange(40, 1, 1000);
}

/* Past the count's wrap at 0xFFF, so sixteen and more flag packets. */
static void
case_stateful_1000(void)
{
	exchange(128, 0, 1000);
	exchange(40, 0, 1000);
	exchange(56, 0, 5000);
}

/*
 * Stateless: lost packets cost nothing, the receiver rekeys once per
 * count it missed, up to half the count space (Linux); beyond that the
 * packet is taken for a late one.
 */
static void
case_stateless_jump(void)
{
	static const int lost[] = { 1, 2, 10, 255, 256, 300, 2047 };
	struct pkt	 p;
	const char	*why;
	uint32_t	 i = 0;
	size_t		 k;
	int		 j;

	pair(128, 1);
	for (k = 0; k < sizeof(lost) / sizeof(lost[0]); k++) {
		for (j = 0; j < lost[k]; j++)
			CHECK(send_one(&p, i++) == 0);
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
		i++;
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
		i++;
	}
	/* 2048 lost: a step of 2049, more than half: dropped as late. */
	for (j = 0; j < 2048; j++)
		CHECK(send_one(&p, i++) == 0);
	CHECK(send_one(&p, i) == 0);
	CHECK(recv_raw(&p, &why) == MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "late") != NULL);
	unpair();
}

/* Stateless: a reordered (older) or repeated packet is dropped. */
static void
case_stateless_late(void)
{
	struct pkt	 p[8];
	const char	*why;
	int		 i;

	pair(128, 1);
	for (i = 0; i < 8; i++)
		CHECK(send_one(&p[i], i) == 0);
	CHECK(recv_ok(&p[0], 0));
	CHECK(recv_ok(&p[3], 3));
	CHECK(recv_raw(&p[2], &why) == MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "late") != NULL);
	CHECK(recv_raw(&p[3], &why) == MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "repeated") != NULL);
	CHECK(rx.sanity == 2);
	CHECK(recv_ok(&p[4], 4));
	CHECK(rx.sanity == 1);
	CHECK(recv_ok(&p[7], 7));
	unpair();
}

/*
 * Stateful: a gap makes the receiver ask for a reset and drop until a
 * flushed packet; the sender's reset sets A on one packet and re-keys
 * RC4 with the same key; both go on in step.
 */
static void
case_stateful_loss(void)
{
	struct pkt	 p;
	const char	*why;
	uint32_t	 i;
	uint64_t	 rekeys;

	pair(128, 0);
	for (i = 0; i < 10; i++) {
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
	}
	CHECK(send_one(&p, i++) == 0);		/* lost */
	CHECK(send_one(&p, i) == 0);
	CHECK(recv_raw(&p, &why) == MPPE_RX_RESET);
	CHECK(why != NULL && strstr(why, "gap") != NULL);
	CHECK(rx.discard);
	i++;
	CHECK(send_one(&p, i++) == 0);
	CHECK(recv_raw(&p, &why) == MPPE_RX_RESET);
	CHECK(why != NULL && strstr(why, "flushed") != NULL);
	/* The peer's Reset-Request arrives at the sender. */
	rekeys = tx.rekeys;
	mppe_flush(&tx);
	CHECK(send_one(&p, i) == 0);
	CHECK(p.b[0] & MPPE_BIT_A);
	CHECK(tx.rekeys == rekeys);		/* same key */
	CHECK(recv_ok(&p, i));
	CHECK(!rx.discard);
	i++;
	/* Once only. */
	CHECK(send_one(&p, i) == 0);
	CHECK(!(p.b[0] & MPPE_BIT_A));
	CHECK(recv_ok(&p, i));
	for (i++; i < 600; i++) {
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
	}
	unpair();
}

/*
 * Stateful: the lost packets include flag packets whose keys changed;
 * a flushed packet after the gap resynchronises without a reset.
 */
static void
case_stateful_loss_flag(void)
{
	struct pkt	 p;
	const char	*why;
	uint32_t	 i;

	pair(40, 0);
	for (i = 0; i < 250; i++) {
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
	}
	/* 250-799 lost: flag packets 255, 511 and 767 among them. */
	for (; i < 800; i++)
		CHECK(send_one(&p, i) == 0);
	CHECK(send_one(&p, i) == 0);
	CHECK(recv_raw(&p, &why) == MPPE_RX_RESET);
	i++;
	mppe_flush(&tx);
	CHECK(send_one(&p, i) == 0);
	CHECK(recv_ok(&p, i));
	CHECK(rx.rekeys == tx.rekeys && tx.rekeys == 3);
	/* 802-1100 lost (flags 1023); the flag packet 1279 arrives. */
	for (i++; i < 1279; i++)
		CHECK(send_one(&p, i) == 0);
	CHECK(send_one(&p, i) == 0);
	CHECK(p.b[0] & MPPE_BIT_A);
	CHECK(recv_ok(&p, i));
	CHECK(rx.rekeys == tx.rekeys && tx.rekeys == 5);
	for (i++; i < 1500; i++) {
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
	}
	unpair();
}

/* Stateful: the flushed packet itself is lost; a second reset helps. */
static void
case_stateful_flush_lost(void)
{
	struct pkt	 p;
	const char	*why;
	uint32_t	 i;

	pair(128, 0);
	for (i = 0; i < 5; i++) {
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
	}
	CHECK(send_one(&p, i++) == 0);		/* lost */
	CHECK(send_one(&p, i++) == 0);
	CHECK(recv_raw(&p, &why) == MPPE_RX_RESET);
	mppe_flush(&tx);
	CHECK(send_one(&p, i++) == 0);		/* flushed, lost */
	CHECK(send_one(&p, i++) == 0);
	CHECK(recv_raw(&p, &why) == MPPE_RX_RESET);
	mppe_flush(&tx);
	CHECK(send_one(&p, i) == 0);
	CHECK(recv_ok(&p, i));
	for (i++; i < 300; i++) {
		CHECK(send_one(&p, i) == 0);
		CHECK(recv_ok(&p, i));
	}
	unpair();
}

/* Malformed headers: each dropped with its reason, nothing consumed. */
static void
case_bad_headers(void)
{
	struct pkt	 p, good;
	const char	*why;
	size_t		 len;

	pair(128, 1);
	CHECK(send_one(&good, 3) == 0);
	for (len = 0; len <= 2; len++) {
		memcpy(p.b, good.b, good.len);
		p.len = len;
		CHECK(recv_raw(&p, &why) == MPPE_RX_DROP);
		CHECK(why != NULL && strstr(why, "shorter") != NULL);
	}
	CHECK(rx.sanity == 0);
	p = good;
	p.b[0] &= ~MPPE_BIT_D;
	CHECK(recv_raw(&p, &why) == MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "D (encrypted)") != NULL);
	p = good;
	p.b[0] |= MPPE_BIT_C;
	CHECK(recv_raw(&p, &why) == MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "C (MPPC") != NULL);
	p = good;
	p.b[0] &= ~MPPE_BIT_A;
	CHECK(recv_raw(&p, &why) == MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "stateless") != NULL);
	CHECK(rx.sanity == 300);
	CHECK(rx.ccount == 0xfff && rx.rekeys == 0);
	/* B alone is ignored, as Linux does. */
	CHECK(recv_ok(&good, 3));
	CHECK(rx.sanity == 150);
	unpair();

	/* Stateful: a flag packet must carry A. */
	pair(128, 0);
	for (len = 0; len < 255; len++) {
		CHECK(send_one(&p, len) == 0);
		CHECK(recv_ok(&p, len));
	}
	CHECK(send_one(&p, 255) == 0);
	good = p;
	p.b[0] &= ~MPPE_BIT_A;
	CHECK(recv_raw(&p, &why) == MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "flag packet") != NULL);
	CHECK(recv_ok(&good, 255));
	unpair();
}

/* A peer that sends nothing but bogus packets: fatal at 1600 points. */
static void
case_sanity(void)
{
	struct pkt	 p;
	const char	*why;
	int		 i;

	pair(128, 1);
	CHECK(send_one(&p, 0) == 0);
	p.b[0] &= ~MPPE_BIT_D;
	for (i = 0; i < 15; i++)
		CHECK(recv_raw(&p, &why) == MPPE_RX_DROP);
	CHECK(recv_raw(&p, &why) == MPPE_RX_FATAL);
	CHECK(why != NULL && strstr(why, "D (encrypted)") != NULL);
	unpair();
}

/* Buffers too small are refused, not overrun; no RC4 is no service. */
static void
case_bounds(void)
{
	uint8_t		 data[64], out[64];
	size_t		 n;
	struct pkt	 p;
	const char	*why;

	memset(data, 0x5a, sizeof(data));
	pair(128, 1);
	CHECK(mppe_encrypt(&tx, 0x0021, data, 61, out, sizeof(out), &n) ==
	    -1);
	CHECK(mppe_encrypt(&tx, 0x0021, data, 60, out, sizeof(out), &n) ==
	    0 && n == 64);
	memcpy(p.b, out, n);
	p.len = n;
	CHECK(mppe_decrypt(&rx, p.b, p.len, out, 61, &n, &why) ==
	    MPPE_RX_DROP);
	CHECK(why != NULL && strstr(why, "longer") != NULL);
	CHECK(mppe_decrypt(&rx, p.b, p.len, out, 62, &n, &why) ==
	    MPPE_RX_OK && n == 62);
	unpair();
	memset(&rx, 0, sizeof(rx));
	CHECK(mppe_decrypt(&rx, p.b, p.len, out, sizeof(out), &n, &why) ==
	    MPPE_RX_DROP);
	CHECK(mppe_encrypt(&rx, 0x0021, data, 4, out, sizeof(out), &n) == -1);
}

static const struct test_case cases[] = {
	{ "vectors", case_vectors },
	{ "rfc3079-ciphertext", case_rfc3079_ciphertext },
	{ "stateless-1000", case_stateless_1000 },
	{ "stateful-1000", case_stateful_1000 },
	{ "stateless-jump", case_stateless_jump },
	{ "stateless-late", case_stateless_late },
	{ "stateful-loss", case_stateful_loss },
	{ "stateful-loss-flag", case_stateful_loss_flag },
	{ "stateful-flush-lost", case_stateful_flush_lost },
	{ "bad-headers", case_bad_headers },
	{ "sanity", case_sanity },
	{ "bounds", case_bounds },
};

int
main(int argc, char *argv[])
{
	test_log(NULL, 2);
	if (crypto_init() == -1) {
		fprintf(stderr, "crypto_init failed\n");
		return (1);
	}
	return (test_run("mppe_data", cases, TEST_NCASES(cases), argc,
	    argv, 0));
}

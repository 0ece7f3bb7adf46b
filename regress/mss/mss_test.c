/*
 * mss_test.c: TCP MSS clamping.  Segments are built here with a correct
 * checksum; after clamping, the incrementally updated checksum must
 * verify as a receiver verifies it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "mss.h"

static const uint8_t	src_ip[4] = { 10, 78, 1, 10 };
static const uint8_t	dst_ip[4] = { 10, 77, 0, 1 };

static uint16_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t	 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)sum);
}

/*
 * The ones' complement sum over the pseudo-header and the segment, its
 * checksum field taken as it is or as zero.
 */
static uint16_t
tcp_sum(const uint8_t *ip, int zero_field)
{
	size_t		 ihl = (ip[0] & 0x0f) * 4;
	size_t		 tlen = (size_t)(ip[2] << 8 | ip[3]) - ihl;
	uint8_t		 pseudo[12];
	uint8_t		 seg[1500];

	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	pseudo[10] = tlen >> 8;
	pseudo[11] = tlen & 0xff;
	memcpy(seg, ip + ihl, tlen);
	if (zero_field)
		seg[16] = seg[17] = 0;
	return (csum_add(csum_add(0, pseudo, sizeof(pseudo)), seg, tlen));
}

/*
 * An IPv4 TCP segment with flags and the given options (padded to 4),
 * checksummed; returns its length.
 */
static size_t
segment(uint8_t *p, uint8_t flags, const uint8_t *opts, size_t olen,
    size_t payload)
{
	size_t	 thl = 20 + ((olen + 3) & ~(size_t)3);
	size_t	 len = 20 + thl + payload;
	uint16_t c;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = len >> 8;
	p[3] = len & 0xff;
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, src_ip, 4);
	memcpy(p + 16, dst_ip, 4);
	p[20] = 0xc3; p[21] = 0x50;	/* 50000 */
	p[22] = 0x00; p[23] = 0x50;	/* 80 */
	p[24] = 0x12; p[27] = 0x34;	/* seq */
	p[32] = (thl / 4) << 4;
	p[33] = flags;
	p[34] = 0xfa; p[35] = 0xf0;	/* window */
	memcpy(p + 40, opts, olen);
	for (c = 0; c < payload; c++)
		p[20 + thl + c] = (uint8_t)c;
	c = ~tcp_sum(p, 1);
	p[36] = c >> 8;
	p[37] = c & 0xff;
	return (len);
}

static uint16_t
mss_at(const uint8_t *p, size_t off)
{
	return ((uint16_t)(p[40 + off + 2] << 8 | p[40 + off + 3]));
}

/* What a receiver checks: the sum over all of it is 0xffff. */
static int
csum_ok(const uint8_t *p)
{
	return (tcp_sum(p, 0) == 0xffff);
}

static const uint8_t	syn_opts[] = {
	2, 4, 0x05, 0xb4,		/* MSS 1460 */
	4, 2,				/* SACK permitted */
	8, 10, 0, 0, 0, 1, 0, 0, 0, 0,	/* timestamps */
	1,				/* NOP */
	3, 3, 7,			/* window scale */
};

static void
test_clamp(void)
{
	uint8_t	 p[128];
	size_t	 len;

	len = segment(p, 0x02, syn_opts, sizeof(syn_opts), 0);
	CHECK(mss_clamp(p, len, 1452) == 1);
	CHECK(mss_at(p, 0) == 1452);
	CHECK(csum_ok(p));
	/* SYN-ACK too */
	len = segment(p, 0x12, syn_opts, sizeof(syn_opts), 0);
	CHECK(mss_clamp(p, len, 1360) == 1);
	CHECK(mss_at(p, 0) == 1360);
	CHECK(csum_ok(p));
}

static void
test_smaller_kept(void)
{
	uint8_t	 p[128], q[128];
	size_t	 len;

	len = segment(p, 0x02, syn_opts, sizeof(syn_opts), 0);
	memcpy(q, p, len);
	CHECK(mss_clamp(p, len, 1460) == 0);
	CHECK(mss_clamp(p, len, 1500) == 0);
	CHECK_MEM(p, q, len);
}

static void
test_not_syn(void)
{
	uint8_t	 p[128], q[128];
	size_t	 len;

	len = segment(p, 0x10, syn_opts, sizeof(syn_opts), 10);
	memcpy(q, p, len);
	CHECK(mss_clamp(p, len, 1400) == 0);
	CHECK_MEM(p, q, len);
}

static void
test_no_option(void)
{
	static const uint8_t	 opts[] = { 1, 1, 4, 2 };
	uint8_t			 p[128], q[128];
	size_t			 len;

	len = segment(p, 0x02, opts, sizeof(opts), 0);
	memcpy(q, p, len);
	CHECK(mss_clamp(p, len, 1400) == 0);
	CHECK_MEM(p, q, len);
	len = segment(p, 0x02, NULL, 0, 0);
	CHECK(mss_clamp(p, len, 1400) == 0);
}

/* MSS after other options and after End-Of-List (not looked at). */
static void
test_option_order(void)
{
	static const uint8_t	 late[] = { 1, 1, 4, 2, 2, 4, 0x23, 0x28 };
	static const uint8_t	 after_end[] = { 0, 0, 0, 0, 2, 4, 0x23, 0x28 };
	uint8_t			 p[128];
	size_t			 len;

	len = segment(p, 0x02, late, sizeof(late), 0);
	CHECK(mss_clamp(p, len, 1400) == 1);
	CHECK(mss_at(p, 4) == 1400);
	CHECK(csum_ok(p));
	len = segment(p, 0x02, after_end, sizeof(after_end), 0);
	CHECK(mss_clamp(p, len, 1400) == 0);
	CHECK(mss_at(p, 4) == 9000);
}

/* Option lengths of 0, 1, past the header, an MSS of the wrong size. */
static void
test_bad_options(void)
{
	static const uint8_t	 zero[] = { 4, 0, 2, 4, 0x05, 0xb4 };
	static const uint8_t	 one[] = { 4, 1, 2, 4, 0x05, 0xb4 };
	static const uint8_t	 past[] = { 1, 1, 2, 8, 0x05, 0xb4, 1, 1 };
	static const uint8_t	 wrong[] = { 2, 3, 0x05, 1, 1, 1, 1, 1 };
	const uint8_t		*all[] = { zero, one, past, wrong };
	size_t			 lens[] = { sizeof(zero), sizeof(one),
				    sizeof(past), sizeof(wrong) };
	uint8_t			 p[128], q[128];
	size_t			 len, i;

	for (i = 0; i < 4; i++) {
		len = segment(p, 0x02, all[i], lens[i], 0);
		memcpy(q, p, len);
		CHECK(mss_clamp(p, len, 1400) == 0);
		CHECK_MEM(p, q, len);
	}
	/* A data offset below 5 or past the packet. */
	len = segment(p, 0x02, syn_opts, sizeof(syn_opts), 0);
	p[32] = 0x40;
	CHECK(mss_clamp(p, len, 1400) == 0);
	p[32] = 0xf0;
	CHECK(mss_clamp(p, len, 1400) == 0);
}

static void
test_fragment(void)
{
	uint8_t	 p[128];
	size_t	 len;

	len = segment(p, 0x02, syn_opts, sizeof(syn_opts), 0);
	p[6] = 0x00;
	p[7] = 0x10;		/* offset 16 * 8 */
	CHECK(mss_clamp(p, len, 1400) == 0);
	CHECK(mss_at(p, 0) == 1460);
	p[6] = 0x20;		/* MF, offset 0: the first fragment */
	p[7] = 0x00;
	CHECK(mss_clamp(p, len, 1400) == 1);
}

/* The IP total length, not the buffer, bounds the options read. */
static void
test_ip_length(void)
{
	uint8_t	 p[128];
	size_t	 len;

	len = segment(p, 0x02, syn_opts, sizeof(syn_opts), 0);
	p[2] = 0;
	p[3] = 40 + 8;		/* options cut after 8 octets */
	CHECK(mss_clamp(p, len, 1400) == 0);
	CHECK(mss_clamp(p, 20, 1400) == 0);	/* no TCP header at all */
	CHECK(mss_clamp(p, 0, 1400) == 0);
}

static void
test_not_tcp(void)
{
	uint8_t	 p[128];
	size_t	 len;

	len = segment(p, 0x02, syn_opts, sizeof(syn_opts), 0);
	p[9] = 17;
	CHECK(mss_clamp(p, len, 1400) == 0);
	p[9] = 6;
	p[0] = 0x65;		/* version 6 */
	CHECK(mss_clamp(p, len, 1400) == 0);
	p[0] = 0x44;		/* IHL below 5 */
	CHECK(mss_clamp(p, len, 1400) == 0);
}

/* Many MSS values and payloads: the incremental sum always holds. */
static void
test_checksum_random(void)
{
	uint8_t		 opts[4] = { 2, 4, 0, 0 };
	uint8_t		 p[256];
	size_t		 len;
	uint16_t	 mss, want;
	int		 i, bad = 0;

	srandom(1);
	for (i = 0; i < 20000; i++) {
		mss = 1 + random() % 65535;
		want = 1 + random() % 65535;
		opts[2] = mss >> 8;
		opts[3] = mss & 0xff;
		len = segment(p, 0x02, opts, sizeof(opts), random() % 64);
		if (mss_clamp(p, len, want) != (mss > want) ||
		    mss_at(p, 0) != (mss > want ? want : mss) || !csum_ok(p))
			bad++;
	}
	CHECK(bad == 0);
}

static const struct test_case cases[] = {
	{ "clamp", test_clamp },
	{ "smaller-kept", test_smaller_kept },
	{ "not-syn", test_not_syn },
	{ "no-option", test_no_option },
	{ "option-order", test_option_order },
	{ "bad-options", test_bad_options },
	{ "fragment", test_fragment },
	{ "ip-length", test_ip_length },
	{ "not-tcp", test_not_tcp },
	{ "checksum-random", test_checksum_random },
};

int
main(int argc, char *argv[])
{
	test_log("mss_test", 0);
	return (test_run("mss_test", cases, TEST_NCASES(cases), argc,
	    argv, 0));
}

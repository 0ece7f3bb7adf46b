/*
 * Unit tests of session/pptp_gre.c, one case per argument.  Packets are
 * built here field by field (an IPv4 header as a raw socket returns it,
 * then enhanced GRE); what we send is compared with the hex dumps of
 * /work/shared/protocol/wire_examples.md section 2.  Each delivered
 * frame is recorded by its sequence number, which the test puts in the
 * frame's first four octets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pptp_gre.h"
#include "test.h"

#define PKT_MAX		(60 + PPTP_GRE_HDR_MAX + 2 * PPTP_GRE_PAYLOAD_MAX)
#define LOG_MAX		64

#define F_S		0x1000
#define F_A		0x0080
#define F_DATA		(0x2001 | F_S)		/* K, S, version 1 */
#define F_ACK		(0x2001 | F_A)		/* K, A, version 1 */
#define OUR_ID		0x0011
#define PEER_ID		0x4000

struct pkt {
	uint8_t		 d[PKT_MAX];
	size_t		 len;
};

struct harness {
	uint32_t	 got[LOG_MAX];		/* frames delivered, by seq */
	size_t		 ngot;
	uint8_t		 sent[LOG_MAX][64];	/* packets sent, first octets */
	size_t		 sentlen[LOG_MAX];
	size_t		 nsent;
	int		 send_fail;
	struct pptp_gre	*gre;
	int		 reply;			/* output from deliver */
};

static struct harness	 h;

static void	 put8(struct pkt *, uint8_t);
static void	 put16(struct pkt *, uint16_t);
static void	 put32(struct pkt *, uint32_t);
static void	 put_hex(struct pkt *, const char *);
static void	 mkpkt(struct pkt *, int, uint16_t, uint16_t, uint32_t,
		    uint32_t, size_t);
static void	 mkip(struct pkt *, size_t);
static void	 data(struct pkt *, uint32_t);
static int	 in(struct pptp_gre *, const struct pkt *, uint64_t);
static int	 in_seq(struct pptp_gre *, uint32_t, uint64_t);
static int	 got_is(const uint32_t *, size_t);
static void	 cb_deliver(void *, const uint8_t *, size_t);
static int	 cb_send(void *, const uint8_t *, size_t);
static struct pptp_gre *setup(struct pptp_gre_conf *);
static void	 conf_init(struct pptp_gre_conf *);
static uint64_t	 drops(const struct pptp_gre_stats *);
static int	 malformed(const struct pkt *, const uint64_t *);

static void	 case_in_order(void);
static void	 case_first_seq(void);
static void	 case_reorder(void);
static void	 case_reorder_timeout(void);
static void	 case_reorder_jump(void);
static void	 case_loss(void);
static void	 case_duplicate(void);
static void	 case_old(void);
static void	 case_wrap(void);
static void	 case_ack_only_in(void);
static void	 case_window(void);
static void	 case_output_layout(void);
static void	 case_ack_only_out(void);
static void	 case_ack_half_window(void);
static void	 case_reply_carries_ack(void);
static void	 case_late_echo(void);
static void	 case_oversize(void);
static void	 case_counters(void);
static void	 case_output_errors(void);
static void	 case_output_deadline(void);
static void	 case_read_max(void);
static void	 case_no_ip_header(void);
static void	 case_short_ip(void);
static void	 case_ihl_lying(void);
static void	 case_ip_total_length(void);
static void	 case_bad_version(void);
static void	 case_bad_protocol(void);
static void	 case_bad_flags(void);
static void	 case_key_length(void);
static void	 case_wrong_call_id(void);
static void	 case_truncated_header(void);

static const struct test_case cases[] = {
	{ "in-order",		case_in_order },
	{ "first-seq",		case_first_seq },
	{ "reorder",		case_reorder },
	{ "reorder-timeout",	case_reorder_timeout },
	{ "reorder-jump",	case_reorder_jump },
	{ "loss",		case_loss },
	{ "duplicate",		case_duplicate },
	{ "old",		case_old },
	{ "wrap",		case_wrap },
	{ "ack-only-in",	case_ack_only_in },
	{ "window",		case_window },
	{ "output-layout",	case_output_layout },
	{ "ack-only-out",	case_ack_only_out },
	{ "ack-half-window",	case_ack_half_window },
	{ "reply-carries-ack",	case_reply_carries_ack },
	{ "late-echo",		case_late_echo },
	{ "oversize",		case_oversize },
	{ "counters",		case_counters },
	{ "output-errors",	case_output_errors },
	{ "output-deadline",	case_output_deadline },
	{ "read-max",		case_read_max },
	{ "no-ip-header",	case_no_ip_header },
	{ "short-ip",		case_short_ip },
	{ "ihl-lying",		case_ihl_lying },
	{ "ip-total-length",	case_ip_total_length },
	{ "bad-version",	case_bad_version },
	{ "bad-protocol",	case_bad_protocol },
	{ "bad-flags",		case_bad_flags },
	{ "key-length",		case_key_length },
	{ "wrong-call-id",	case_wrong_call_id },
	{ "truncated-header",	case_truncated_header },
};

int
main(int argc, char *argv[])
{
	return (test_main("pptp_gre_test", cases, TEST_NCASES(cases), argc,
	    argv, 1));
}

static void
put8(struct pkt *p, uint8_t v)
{
	if (p->len >= PKT_MAX)
		abort();
	p->d[p->len++] = v;
}

static void
put16(struct pkt *p, uint16_t v)
{
	put8(p, v >> 8);
	put8(p, v & 0xff);
}

static void
put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

static void
put_hex(struct pkt *p, const char *s)
{
	unsigned int	v;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (sscanf(s, "%2x", &v) != 1)
			abort();
		put8(p, (uint8_t)v);
		s++;
	}
}

/* A 20-octet IPv4 header for a GRE packet of gre_len octets. */
static void
mkip(struct pkt *p, size_t gre_len)
{
	put8(p, 0x45);
	put8(p, 0);
	put16(p, (uint16_t)(20 + gre_len));
	put32(p, 0);
	put8(p, 64);
	put8(p, 47);
	put16(p, 0);
	put32(p, 0xc0000201);		/* 192.0.2.1 */
	put32(p, 0xc0000202);
}

/*
 * An enhanced GRE packet, with an IPv4 header if ip; a payload of plen
 * octets whose first four are seq (so deliveries can be told apart).
 */
static void
mkpkt(struct pkt *p, int ip, uint16_t flags, uint16_t call_id, uint32_t seq,
    uint32_t ack, size_t plen)
{
	size_t	hlen = 8, i;

	p->len = 0;
	if (flags & F_S)
		hlen += 4;
	if (flags & F_A)
		hlen += 4;
	if (ip)
		mkip(p, hlen + plen);
	put16(p, flags);
	put16(p, PPTP_GRE_PROTO);
	put16(p, (uint16_t)plen);
	put16(p, call_id);
	if (flags & F_S)
		put32(p, seq);
	if (flags & F_A)
		put32(p, ack);
	for (i = 0; i < plen; i++)
		put8(p, i < 4 ? (uint8_t)(seq >> (24 - 8 * i)) : 0x5a);
}

static void
data(struct pkt *p, uint32_t seq)
{
	mkpkt(p, 1, F_DATA, OUR_ID, seq, 0, 20);
}

static int
in(struct pptp_gre *g, const struct pkt *p, uint64_t now)
{
	return (pptp_gre_input(g, p->d, p->len, now));
}

static int
in_seq(struct pptp_gre *g, uint32_t seq, uint64_t now)
{
	struct pkt	p;

	data(&p, seq);
	return (in(g, &p, now));
}

/* The frames delivered since the last check are exactly these. */
static int
got_is(const uint32_t *want, size_t n)
{
	size_t	i;
	int	ok = h.ngot == n;

	for (i = 0; ok && i < n; i++)
		ok = h.got[i] == want[i];
	if (!ok) {
		fprintf(stderr, "delivered:");
		for (i = 0; i < h.ngot; i++)
			fprintf(stderr, " %u", h.got[i]);
		fprintf(stderr, "\n");
	}
	h.ngot = 0;
	return (ok);
}

static void
cb_deliver(void *arg, const uint8_t *frame, size_t len)
{
	struct harness	*hh = arg;
	uint8_t		 reply[8] = { 0xff, 0x03, 0x00, 0x21, 1, 2, 3, 4 };

	if (hh->ngot >= LOG_MAX)
		abort();
	hh->got[hh->ngot++] = len < 4 ? 0xdeadbeef :
	    ((uint32_t)frame[0] << 24) | ((uint32_t)frame[1] << 16) |
	    ((uint32_t)frame[2] << 8) | frame[3];
	if (hh->reply)
		pptp_gre_output(hh->gre, reply, sizeof(reply));
}

static int
cb_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct harness	*hh = arg;

	if (hh->send_fail)
		return (-1);
	if (hh->nsent >= LOG_MAX)
		abort();
	memcpy(hh->sent[hh->nsent], pkt, len < 64 ? len : 64);
	hh->sentlen[hh->nsent++] = len;
	return (0);
}

static void
conf_init(struct pptp_gre_conf *conf)
{
	pptp_gre_conf_defaults(conf);
	strlcpy(conf->log_prefix, "session 5 peer 192.0.2.1",
	    sizeof(conf->log_prefix));
	conf->call_id = OUR_ID;
	conf->peer_call_id = PEER_ID;
}

static struct pptp_gre *
setup(struct pptp_gre_conf *conf)
{
	struct pptp_gre_cb	cb;

	memset(&h, 0, sizeof(h));
	cb.arg = &h;
	cb.deliver = cb_deliver;
	cb.send = cb_send;
	if ((h.gre = pptp_gre_new(conf, &cb)) == NULL)
		abort();
	return (h.gre);
}

static uint64_t
drops(const struct pptp_gre_stats *s)
{
	return (s->drop_ip + s->drop_gre + s->drop_length + s->drop_call_id +
	    s->drop_duplicate + s->drop_old + s->drop_oversize);
}

/*
 * The packet is dropped, counted by the counter at the same offset in a
 * fresh session's statistics, and nothing else happens.
 */
static int
malformed(const struct pkt *p, const uint64_t *counter)
{
	const struct pptp_gre_stats	*s = pptp_gre_stats(h.gre);
	int				 ok;

	ok = in(h.gre, p, 0) == -1 && *counter == 1 && drops(s) == 1 &&
	    h.ngot == 0 && h.nsent == 0 && s->ipackets == 0 &&
	    pptp_gre_deadline(h.gre) == PPTP_GRE_NO_DEADLINE;
	pptp_gre_free(h.gre);
	return (ok);
}

static void
case_in_order(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 want[] = { 0, 1, 2, 3, 4 };
	uint32_t		 i;

	conf_init(&conf);
	g = setup(&conf);
	for (i = 0; i < 5; i++)
		CHECK(in_seq(g, i, 0) == 0);
	CHECK(got_is(want, 5));
	CHECK(pptp_gre_stats(g)->ipackets == 5);
	CHECK(pptp_gre_stats(g)->ibytes == 5 * 20);
	CHECK(pptp_gre_stats(g)->reordered == 0);
	CHECK(pptp_gre_stats(g)->lost == 0);
	CHECK(drops(pptp_gre_stats(g)) == 0);
	pptp_gre_free(g);
}

/* RFC clients start at 0, Linux at 1; anything goes first. */
static void
case_first_seq(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 one[] = { 1, 2 };
	const uint32_t		 big[] = { 123456, 123457 };

	conf_init(&conf);
	g = setup(&conf);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(in_seq(g, 2, 0) == 0);
	CHECK(got_is(one, 2));
	CHECK(pptp_gre_stats(g)->lost == 0);
	pptp_gre_free(g);

	g = setup(&conf);
	CHECK(in_seq(g, 123456, 0) == 0);
	CHECK(in_seq(g, 123457, 0) == 0);
	CHECK(got_is(big, 2));
	pptp_gre_free(g);
}

static void
case_reorder(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 first[] = { 0 };
	const uint32_t		 rest[] = { 1, 2, 3, 4, 5 };

	conf_init(&conf);
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 3, 1) == 0);
	CHECK(in_seq(g, 2, 2) == 0);
	CHECK(in_seq(g, 5, 3) == 0);
	CHECK(got_is(first, 1));
	CHECK(pptp_gre_deadline(g) <= 1 + conf.reorder_timeout);
	CHECK(in_seq(g, 1, 4) == 0);
	CHECK(in_seq(g, 4, 5) == 0);
	CHECK(got_is(rest, 5));
	CHECK(pptp_gre_stats(g)->reordered == 3);
	CHECK(pptp_gre_stats(g)->lost == 0);
	CHECK(drops(pptp_gre_stats(g)) == 0);
	pptp_gre_free(g);
}

/* A gap holds later packets reorder_timeout, then counts as loss. */
static void
case_reorder_timeout(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 first[] = { 0 };
	const uint32_t		 rest[] = { 2, 3 };
	const uint32_t		 after[] = { 4 };

	conf_init(&conf);
	conf.reorder_timeout = 100;
	conf.ack_delay = 1000000;
	g = setup(&conf);
	CHECK(in_seq(g, 0, 1000) == 0);
	CHECK(in_seq(g, 2, 1000) == 0);
	CHECK(in_seq(g, 3, 1050) == 0);
	CHECK(got_is(first, 1));
	CHECK(pptp_gre_deadline(g) == 1100);
	pptp_gre_tick(g, 1099);
	CHECK(h.ngot == 0);
	pptp_gre_tick(g, 1100);
	CHECK(got_is(rest, 2));
	CHECK(pptp_gre_stats(g)->lost == 1);
	/* The lost one turning up now is too late. */
	CHECK(in_seq(g, 1, 1200) == -1);
	CHECK(pptp_gre_stats(g)->drop_old == 1);
	CHECK(in_seq(g, 4, 1200) == 0);
	CHECK(got_is(after, 1));
	pptp_gre_free(g);
}

/* Further ahead than the buffer could bridge: loss at once. */
static void
case_reorder_jump(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 want[] = { 0, 2, 7 };

	conf_init(&conf);
	conf.reorder_max = 4;
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 2, 0) == 0);		/* held: 1 is missing */
	CHECK(h.ngot == 1);
	CHECK(in_seq(g, 7, 0) == 0);		/* 6 ahead of 0, beyond 4 */
	CHECK(got_is(want, 3));
	CHECK(pptp_gre_stats(g)->lost == 5);	/* 1, 3, 4, 5, 6 */
	/* 5 is in reach: held. */
	CHECK(in_seq(g, 12, 0) == 0);
	CHECK(h.ngot == 0);
	pptp_gre_free(g);

	/* Without a buffer every gap is loss at once (Linux). */
	conf.reorder_max = 0;
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 2, 0) == 0);
	CHECK(in_seq(g, 1, 0) == -1);
	CHECK(pptp_gre_stats(g)->lost == 1);
	CHECK(pptp_gre_stats(g)->drop_old == 1);
	CHECK(pptp_gre_deadline(g) != PPTP_GRE_NO_DEADLINE);
	pptp_gre_free(g);
}

static void
case_loss(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 want[] = { 0, 1, 50, 51 };

	conf_init(&conf);
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(in_seq(g, 50, 0) == 0);
	CHECK(in_seq(g, 51, 0) == 0);
	CHECK(got_is(want, 4));
	CHECK(pptp_gre_stats(g)->lost == 48);
	CHECK(drops(pptp_gre_stats(g)) == 0);
	pptp_gre_free(g);
}

static void
case_duplicate(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 want[] = { 0, 1, 2, 3 };

	conf_init(&conf);
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(in_seq(g, 1, 0) == -1);		/* the last delivered */
	CHECK(in_seq(g, 3, 0) == 0);
	CHECK(in_seq(g, 3, 0) == -1);		/* one being held */
	CHECK(in_seq(g, 2, 0) == 0);
	CHECK(got_is(want, 4));
	CHECK(pptp_gre_stats(g)->drop_duplicate == 2);
	CHECK(drops(pptp_gre_stats(g)) == 2);
	pptp_gre_free(g);
}

static void
case_old(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 want[] = { 10, 11, 12 };

	conf_init(&conf);
	g = setup(&conf);
	CHECK(in_seq(g, 10, 0) == 0);
	CHECK(in_seq(g, 11, 0) == 0);
	CHECK(in_seq(g, 12, 0) == 0);
	CHECK(in_seq(g, 9, 0) == -1);
	CHECK(in_seq(g, 10, 0) == -1);
	/* Half the number space behind is still behind. */
	CHECK(in_seq(g, 12 + 0x80000001U, 0) == -1);
	CHECK(got_is(want, 3));
	CHECK(pptp_gre_stats(g)->drop_old == 3);
	pptp_gre_free(g);
}

static void
case_wrap(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	const uint32_t		 want[] = { 0xfffffffe, 0xffffffff, 0, 1 };
	const uint32_t		 jump[] = { 0xfffffffd, 30 };

	conf_init(&conf);
	g = setup(&conf);
	CHECK(in_seq(g, 0xfffffffe, 0) == 0);
	CHECK(in_seq(g, 0xffffffff, 0) == 0);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(got_is(want, 4));
	pptp_gre_free(g);

	/* Reordered across the wrap. */
	g = setup(&conf);
	CHECK(in_seq(g, 0xfffffffe, 0) == 0);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(in_seq(g, 0xffffffff, 0) == 0);
	CHECK(got_is(want, 4));
	CHECK(pptp_gre_stats(g)->reordered == 2);
	/* Behind, across the wrap. */
	CHECK(in_seq(g, 0xffffffff, 0) == -1);
	CHECK(pptp_gre_stats(g)->drop_old == 1);
	pptp_gre_free(g);

	/* Loss across the wrap. */
	g = setup(&conf);
	CHECK(in_seq(g, 0xfffffffd, 0) == 0);
	CHECK(in_seq(g, 30, 0) == 0);
	CHECK(got_is(jump, 2));
	CHECK(pptp_gre_stats(g)->lost == 32);
	pptp_gre_free(g);
}

/* Ack-only packets: taken, nothing delivered, no ack owed back. */
static void
case_ack_only_in(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 p;
	const uint8_t		 frame[4] = { 0xff, 0x03, 0xc0, 0x21 };

	conf_init(&conf);
	g = setup(&conf);
	/* Acking what we never sent. */
	mkpkt(&p, 1, F_ACK, OUR_ID, 0, 0, 0);
	CHECK(in(g, &p, 0) == 0);
	CHECK(pptp_gre_stats(g)->bad_ack == 1);

	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	mkpkt(&p, 1, F_ACK, OUR_ID, 0, 1, 0);
	CHECK(in(g, &p, 0) == 0);
	CHECK(pptp_gre_stats(g)->ack_only_in == 2);
	CHECK(pptp_gre_stats(g)->bad_ack == 1);
	CHECK(h.ngot == 0);
	CHECK(pptp_gre_stats(g)->ipackets == 0);
	CHECK(pptp_gre_deadline(g) == PPTP_GRE_NO_DEADLINE);
	/* Beyond the last sent (1). */
	mkpkt(&p, 1, F_ACK, OUR_ID, 0, 2, 0);
	CHECK(in(g, &p, 0) == 0);
	CHECK(pptp_gre_stats(g)->bad_ack == 2);
	/* Data with a piggybacked ack is delivered too. */
	mkpkt(&p, 1, F_DATA | F_A, OUR_ID, 7, 1, 20);
	CHECK(in(g, &p, 0) == 0);
	CHECK(h.ngot == 1 && h.got[0] == 7);
	CHECK(pptp_gre_stats(g)->bad_ack == 2);
	pptp_gre_free(g);
}

/*
 * The peer's window is counted, never waited on: a peer that never
 * acks (Linux sends no ack-only packets) must not stall us.
 */
static void
case_window(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 p;
	const uint8_t		 frame[4] = { 0xff, 0x03, 0xc0, 0x21 };
	int			 i;

	conf_init(&conf);
	conf.peer_window = 3;
	g = setup(&conf);
	for (i = 0; i < 5; i++)
		CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(h.nsent == 5);
	CHECK(pptp_gre_stats(g)->over_window == 2);	/* the 4th, 5th */
	/* The peer acks 4: the window is open again. */
	mkpkt(&p, 1, F_ACK, OUR_ID, 0, 4, 0);
	CHECK(in(g, &p, 0) == 0);
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	/* An old ack does not move it back. */
	mkpkt(&p, 1, F_ACK, OUR_ID, 0, 2, 0);
	CHECK(in(g, &p, 0) == 0);
	CHECK(pptp_gre_stats(g)->bad_ack == 0);
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(pptp_gre_stats(g)->over_window == 2);
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(pptp_gre_stats(g)->over_window == 3);
	CHECK(h.nsent == 9);
	pptp_gre_free(g);
}

/* wire_examples section 2, first data packet with and without ack. */
static void
case_output_layout(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 lcp = { .len = 0 }, e = { .len = 0 }, p;

	put_hex(&lcp, "ff 03 c0 21 01 01 00 13 01 04 05 78 03 05 c2 23");
	put_hex(&lcp, "81 05 06 5a 5a 12 34");

	conf_init(&conf);
	g = setup(&conf);
	CHECK(pptp_gre_output(g, lcp.d, lcp.len) == 0);
	put_hex(&e, "30 01 88 0b 00 17 40 00 00 00 00 00 ff 03 c0 21");
	put_hex(&e, "01 01 00 13 01 04 05 78 03 05 c2 23 81 05 06 5a");
	put_hex(&e, "5a 12 34");
	CHECK(h.nsent == 1 && h.sentlen[0] == 35);
	CHECK_MEM(h.sent[0], e.d, 35);
	/* The next one is numbered 1. */
	CHECK(pptp_gre_output(g, lcp.d, lcp.len) == 0);
	CHECK(h.nsent == 2 && h.sentlen[1] == 35);
	CHECK(h.sent[1][11] == 1);
	pptp_gre_free(g);

	/* Having received packet 0, the first packet acks it. */
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(pptp_gre_output(g, lcp.d, lcp.len) == 0);
	e.len = 0;
	put_hex(&e, "30 81 88 0b 00 17 40 00 00 00 00 00 00 00 00 00");
	put_hex(&e, "ff 03 c0 21 01 01 00 13 01 04 05 78 03 05 c2 23");
	put_hex(&e, "81 05 06 5a 5a 12 34");
	CHECK(h.nsent == 1 && h.sentlen[0] == 39);
	CHECK_MEM(h.sent[0], e.d, 39);
	/* Acked once is enough. */
	CHECK(pptp_gre_output(g, lcp.d, lcp.len) == 0);
	CHECK(h.sentlen[1] == 35 && h.sent[1][1] == 0x01);
	/* Two more in, the next one acks the later. */
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(in_seq(g, 2, 0) == 0);
	CHECK(pptp_gre_output(g, lcp.d, lcp.len) == 0);
	CHECK(h.sentlen[2] == 39 && h.sent[2][1] == 0x81);
	CHECK(h.sent[2][11] == 2 && h.sent[2][15] == 2);
	CHECK(pptp_gre_deadline(g) == PPTP_GRE_NO_DEADLINE);
	pptp_gre_free(g);

	/* Without an IPv4 header (IPv6 sockets) the output is the same. */
	conf.ip_header = 0;
	g = setup(&conf);
	mkpkt(&p, 0, F_DATA, OUR_ID, 0, 0, 20);
	CHECK(in(g, &p, 0) == 0);
	CHECK(pptp_gre_output(g, lcp.d, lcp.len) == 0);
	CHECK(h.sentlen[0] == 39);
	CHECK_MEM(h.sent[0], e.d, 39);
	pptp_gre_free(g);
}

/* No data going out: an ack-only packet after ack_delay. */
static void
case_ack_only_out(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 e = { .len = 0 };

	conf_init(&conf);
	conf.ack_delay = 50;
	g = setup(&conf);
	CHECK(pptp_gre_deadline(g) == PPTP_GRE_NO_DEADLINE);
	CHECK(in_seq(g, 4, 1000) == 0);
	CHECK(in_seq(g, 5, 1010) == 0);
	CHECK(pptp_gre_deadline(g) == 1050);
	pptp_gre_tick(g, 1049);
	CHECK(h.nsent == 0);
	pptp_gre_tick(g, 1050);
	put_hex(&e, "20 81 88 0b 00 00 40 00 00 00 00 05");
	CHECK(h.nsent == 1 && h.sentlen[0] == 12);
	CHECK_MEM(h.sent[0], e.d, 12);
	CHECK(pptp_gre_stats(g)->ack_only_out == 1);
	CHECK(pptp_gre_stats(g)->opackets == 0);
	CHECK(pptp_gre_deadline(g) == PPTP_GRE_NO_DEADLINE);
	pptp_gre_tick(g, 5000);
	CHECK(h.nsent == 1);
	/* A failed send leaves the ack owed. */
	CHECK(in_seq(g, 6, 6000) == 0);
	h.send_fail = 1;
	pptp_gre_tick(g, 6050);
	CHECK(pptp_gre_stats(g)->send_errors == 1);
	CHECK(pptp_gre_deadline(g) == 6050);
	h.send_fail = 0;
	pptp_gre_tick(g, 6060);
	CHECK(h.nsent == 2 && h.sent[1][11] == 6);
	pptp_gre_free(g);
}

/* Half our receive window unacked: ack at once. */
static void
case_ack_half_window(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;

	conf_init(&conf);
	conf.recv_window = 8;
	conf.ack_delay = 1000000;
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(in_seq(g, 2, 0) == 0);
	CHECK(h.nsent == 0);
	CHECK(in_seq(g, 3, 0) == 0);
	CHECK(h.nsent == 1 && h.sentlen[0] == 12 && h.sent[0][11] == 3);
	CHECK(in_seq(g, 4, 0) == 0);
	CHECK(h.nsent == 1);
	pptp_gre_free(g);
}

/* A reply sent from the deliver callback acks the packet it answers. */
static void
case_reply_carries_ack(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;

	conf_init(&conf);
	g = setup(&conf);
	h.reply = 1;
	CHECK(in_seq(g, 9, 0) == 0);
	CHECK(h.nsent == 1 && h.sentlen[0] == 16 + 8);
	CHECK(h.sent[0][1] == 0x81 && h.sent[0][15] == 9);
	CHECK(pptp_gre_deadline(g) == PPTP_GRE_NO_DEADLINE);
	/* Reordered: each frame's reply acks that frame. */
	CHECK(in_seq(g, 11, 0) == 0);
	CHECK(h.nsent == 1);
	CHECK(in_seq(g, 10, 0) == 0);
	CHECK(h.nsent == 3);
	CHECK(h.sent[1][15] == 10 && h.sent[2][15] == 11);
	pptp_gre_free(g);
}

/* LCP echoes pass whatever their number, as in Linux's pptp.c. */
static void
case_late_echo(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 p, echo = { .len = 0 };

	conf_init(&conf);
	g = setup(&conf);
	CHECK(in_seq(g, 0, 0) == 0);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(in_seq(g, 2, 0) == 0);
	h.ngot = 0;
	/* LCP Echo-Request, id 1, magic 0x5a5a1234, number 1 */
	mkip(&echo, 12 + 12);
	put_hex(&echo, "30 01 88 0b 00 0c 00 11 00 00 00 01");
	put_hex(&echo, "ff 03 c0 21 09 01 00 08 5a 5a 12 34");
	CHECK(in(g, &echo, 0) == 0);
	CHECK(h.ngot == 1 && h.got[0] == 0xff03c021);
	CHECK(pptp_gre_stats(g)->late_echo == 1);
	/* ... and did not move the sequence back. */
	CHECK(in_seq(g, 3, 0) == 0);
	CHECK(h.ngot == 2 && h.got[1] == 3);
	/* Another LCP code at an old number is dropped. */
	echo.d[20 + 12 + 4] = 5;		/* Terminate-Request */
	CHECK(in(g, &echo, 0) == -1);
	CHECK(pptp_gre_stats(g)->drop_old == 1);
	/* Short frames are not mistaken for echoes. */
	mkpkt(&p, 1, F_DATA, OUR_ID, 1, 0, 3);
	CHECK(in(g, &p, 0) == -1);
	CHECK(pptp_gre_stats(g)->drop_old == 2);
	pptp_gre_free(g);
}

/* Frames too large to hold pass in order but are not held. */
static void
case_oversize(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 p;
	const uint32_t		 want[] = { 0, 1 };
	const uint32_t		 last[] = { 3 };

	conf_init(&conf);
	g = setup(&conf);
	mkpkt(&p, 1, F_DATA, OUR_ID, 0, 0, PPTP_GRE_PAYLOAD_MAX + 1);
	CHECK(in(g, &p, 0) == 0);
	mkpkt(&p, 1, F_DATA, OUR_ID, 2, 0, PPTP_GRE_PAYLOAD_MAX + 1);
	CHECK(in(g, &p, 0) == -1);
	CHECK(pptp_gre_stats(g)->drop_oversize == 1);
	mkpkt(&p, 1, F_DATA, OUR_ID, 3, 0, PPTP_GRE_PAYLOAD_MAX);
	CHECK(in(g, &p, 0) == 0);
	CHECK(in_seq(g, 1, 0) == 0);
	CHECK(got_is(want, 2));
	/* 2 is the gap now: 3 waits for it like any other. */
	pptp_gre_tick(g, conf.reorder_timeout);
	CHECK(got_is(last, 1));
	CHECK(pptp_gre_stats(g)->lost == 1);
	CHECK(pptp_gre_stats(g)->ibytes == 2 * PPTP_GRE_PAYLOAD_MAX + 1 + 20);
	pptp_gre_free(g);
}

static void
case_counters(void)
{
	struct pptp_gre_conf		 conf;
	struct pptp_gre			*g;
	const struct pptp_gre_stats	*s;
	struct pkt			 p;
	uint8_t				 frame[100];

	memset(frame, 0x42, sizeof(frame));
	conf_init(&conf);
	g = setup(&conf);
	s = pptp_gre_stats(g);
	mkpkt(&p, 1, F_DATA, OUR_ID, 0, 0, 300);
	CHECK(in(g, &p, 0) == 0);
	mkpkt(&p, 1, F_DATA, OUR_ID, 1, 0, 45);
	CHECK(in(g, &p, 0) == 0);
	CHECK(pptp_gre_output(g, frame, 100) == 0);
	CHECK(pptp_gre_output(g, frame, 7) == 0);
	CHECK(pptp_gre_output(g, frame, 1) == 0);
	CHECK(s->ipackets == 2 && s->ibytes == 345);
	CHECK(s->opackets == 3 && s->obytes == 108);
	CHECK(h.sentlen[0] == 16 + 100 && h.sentlen[1] == 12 + 7);
	pptp_gre_free(g);
}

static void
case_output_errors(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	static uint8_t		 big[PPTP_GRE_PAYLOAD_MAX + 1];

	conf_init(&conf);
	g = setup(&conf);
	CHECK(pptp_gre_output(g, big, sizeof(big)) == -1);
	CHECK(pptp_gre_output(g, big, 0) == -1);
	CHECK(h.nsent == 0);
	CHECK(pptp_gre_output(g, big, PPTP_GRE_PAYLOAD_MAX) == 0);
	CHECK(h.sentlen[0] == 12 + PPTP_GRE_PAYLOAD_MAX);
	/* A failed send does not use up a sequence number. */
	h.send_fail = 1;
	CHECK(pptp_gre_output(g, big, 10) == -1);
	CHECK(pptp_gre_stats(g)->send_errors == 1);
	h.send_fail = 0;
	CHECK(pptp_gre_output(g, big, 10) == 0);
	CHECK(h.sent[1][11] == 1);
	CHECK(pptp_gre_stats(g)->opackets == 2);
	pptp_gre_free(g);
}

/*
 * Sending, whether it works or not, never brings the deadline forward:
 * session/pptp.c leaves its timer alone on output because of it.
 */
static void
case_output_deadline(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	uint8_t			 frame[20];
	uint64_t		 before;

	memset(frame, 0x42, sizeof(frame));
	conf_init(&conf);
	conf.ack_delay = 50;
	conf.reorder_timeout = 100;
	g = setup(&conf);
	/* Nothing owed, nothing held */
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(pptp_gre_deadline(g) == PPTP_GRE_NO_DEADLINE);
	/* An owed ack: a failed send keeps it, a good one settles it. */
	CHECK(in_seq(g, 0, 1000) == 0);
	CHECK(pptp_gre_deadline(g) == 1050);
	h.send_fail = 1;
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == -1);
	CHECK(pptp_gre_deadline(g) == 1050);
	h.send_fail = 0;
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(pptp_gre_deadline(g) == PPTP_GRE_NO_DEADLINE);
	/* An owed ack and a held packet: only the ack's deadline goes. */
	CHECK(in_seq(g, 1, 2000) == 0);
	CHECK(in_seq(g, 3, 2010) == 0);
	before = pptp_gre_deadline(g);
	CHECK(before == 2050);
	CHECK(pptp_gre_output(g, frame, sizeof(frame)) == 0);
	CHECK(pptp_gre_deadline(g) == 2110);
	CHECK(pptp_gre_deadline(g) >= before);
	pptp_gre_free(g);
}

/*
 * PPTP_GRE_READ_MAX holds the longest IPv4 and GRE headers and the
 * largest frame that can be held; a packet one octet longer, cut there
 * as a raw socket cuts it, is dropped and counted.
 */
static void
case_read_max(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 p, gre;
	size_t			 i;

	conf_init(&conf);
	g = setup(&conf);
	/* S and A: the longest header */
	mkpkt(&gre, 0, F_DATA | F_A, OUR_ID, 0, 0, PPTP_GRE_PAYLOAD_MAX);
	CHECK(gre.len == PPTP_GRE_HDR_MAX + PPTP_GRE_PAYLOAD_MAX);
	p.len = 0;
	put8(&p, 0x4f);				/* IHL 15: 60 octets */
	put8(&p, 0);
	put16(&p, (uint16_t)(60 + gre.len));
	put32(&p, 0);
	put8(&p, 64);
	put8(&p, 47);
	put16(&p, 0);
	put32(&p, 0xc0000201);
	put32(&p, 0xc0000202);
	for (i = 0; i < 40; i++)
		put8(&p, 1);			/* NOP options */
	memcpy(p.d + p.len, gre.d, gre.len);
	p.len += gre.len;
	CHECK(p.len == PPTP_GRE_READ_MAX);
	CHECK(in(g, &p, 0) == 0);
	CHECK(h.ngot == 1);
	/* One octet more, of which the read keeps PPTP_GRE_READ_MAX */
	mkpkt(&gre, 0, F_DATA | F_A, OUR_ID, 1, 0, PPTP_GRE_PAYLOAD_MAX + 1);
	p.d[2] = (uint8_t)((60 + gre.len) >> 8);
	p.d[3] = (uint8_t)(60 + gre.len);
	memcpy(p.d + 60, gre.d, PPTP_GRE_READ_MAX - 60);
	CHECK(in(g, &p, 0) == -1);
	CHECK(pptp_gre_stats(g)->drop_ip == 1);
	CHECK(h.ngot == 1);
	pptp_gre_free(g);
}

static void
case_no_ip_header(void)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre		*g;
	struct pkt		 p;

	conf_init(&conf);
	conf.ip_header = 0;
	g = setup(&conf);
	mkpkt(&p, 0, F_DATA, OUR_ID, 0, 0, 20);
	CHECK(in(g, &p, 0) == 0);
	CHECK(h.ngot == 1);
	/* With one, it is not GRE. */
	mkpkt(&p, 1, F_DATA, OUR_ID, 1, 0, 20);
	CHECK(in(g, &p, 0) == -1);
	CHECK(pptp_gre_stats(g)->drop_gre == 1);
	pptp_gre_free(g);
}

static void
case_short_ip(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;

	conf_init(&conf);
	data(&p, 0);
	p.len = 10;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
	p.len = 0;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
	/* IPv6 where IPv4 was expected */
	data(&p, 0);
	p.d[0] = 0x65;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
	/* IP protocol not GRE */
	data(&p, 0);
	p.d[9] = 17;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
}

static void
case_ihl_lying(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;

	conf_init(&conf);
	/* IHL 15 (60 octets) on a 20-octet header + 32 octets of GRE */
	data(&p, 0);
	p.d[0] = 0x4f;
	p.len = 20 + 32 + 4;
	p.d[2] = 0;
	p.d[3] = (uint8_t)p.len;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
	/* IHL 6 where there are no options: GRE misparsed */
	data(&p, 0);
	p.d[0] = 0x46;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_gre));
	/* IHL 4: shorter than any IPv4 header */
	data(&p, 0);
	p.d[0] = 0x44;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
	/* IHL 6 on a packet whose options are really there: accepted */
	{
		struct pkt	q = { .len = 0 };
		size_t		i;

		data(&p, 3);
		put8(&q, 0x46);
		for (i = 1; i < 20; i++)
			put8(&q, p.d[i]);
		put32(&q, 0x01010101);		/* NOP options */
		for (i = 20; i < p.len; i++)
			put8(&q, p.d[i]);
		q.d[3] += 4;
		setup(&conf);
		CHECK(in(h.gre, &q, 0) == 0);
		CHECK(h.ngot == 1 && h.got[0] == 3);
		pptp_gre_free(h.gre);
	}
}

static void
case_ip_total_length(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;

	conf_init(&conf);
	/* Total Length beyond what was read */
	data(&p, 0);
	p.d[3] += 1;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
	/* Total Length shorter than the IP header */
	data(&p, 0);
	p.d[2] = 0;
	p.d[3] = 19;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_ip));
	/* Total Length cutting into the payload: GRE length disagrees */
	data(&p, 0);
	p.d[3] -= 1;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_length));
	/* Octets after the datagram are not part of it. */
	data(&p, 0);
	put32(&p, 0);
	setup(&conf);
	CHECK(in(h.gre, &p, 0) == 0);
	CHECK(h.ngot == 1);
	pptp_gre_free(h.gre);
}

static void
case_bad_version(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;

	conf_init(&conf);
	/* Version 0: plain GRE */
	mkpkt(&p, 1, F_DATA & ~0x0007, OUR_ID, 0, 0, 20);
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_gre));
	mkpkt(&p, 1, (F_DATA & ~0x0007) | 2, OUR_ID, 0, 0, 20);
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_gre));
}

static void
case_bad_protocol(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;

	conf_init(&conf);
	data(&p, 0);
	p.d[20 + 2] = 0x08;			/* 0x080b */
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_gre));
	data(&p, 0);
	p.d[20 + 2] = 0x08;
	p.d[20 + 3] = 0x00;			/* IPv4 in GRE */
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_gre));
}

static void
case_bad_flags(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;
	const uint16_t		 bad[] = {
		F_DATA | 0x8000,		/* C: checksum */
		F_DATA | 0x4000,		/* R: routing */
		F_DATA & ~0x2000,		/* K clear */
		F_DATA | 0x0800,		/* s: strict source route */
		F_DATA | 0x0100,		/* recursion control */
		F_DATA | 0x0008,		/* reserved flags */
		0x2001,				/* neither S nor A */
	};
	size_t			 i;

	conf_init(&conf);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mkpkt(&p, 1, bad[i], OUR_ID, 0, 0, bad[i] & F_S ? 20 : 0);
		setup(&conf);
		CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_gre));
	}
}

static void
case_key_length(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;

	conf_init(&conf);
	/* Payload Length one longer than the octets there */
	data(&p, 0);
	p.d[20 + 5] += 1;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_length));
	/* ... far longer */
	data(&p, 0);
	p.d[20 + 4] = 0xff;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_length));
	/* ... shorter */
	data(&p, 0);
	p.d[20 + 5] -= 1;
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_length));
	/* Data with no sequence number; a sequenced packet with no data */
	mkpkt(&p, 1, F_ACK, OUR_ID, 0, 0, 20);
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_length));
	mkpkt(&p, 1, F_DATA, OUR_ID, 0, 0, 0);
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_length));
}

static void
case_wrong_call_id(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;

	conf_init(&conf);
	mkpkt(&p, 1, F_DATA, PEER_ID, 0, 0, 20);
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_call_id));
	mkpkt(&p, 1, F_ACK, OUR_ID + 1, 0, 0, 0);
	setup(&conf);
	CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_call_id));
}

static void
case_truncated_header(void)
{
	struct pptp_gre_conf	 conf;
	struct pkt		 p;
	size_t			 cut;

	conf_init(&conf);
	/* S and A set, cut anywhere in the 16-octet header */
	for (cut = 0; cut < 16; cut++) {
		mkpkt(&p, 1, F_DATA | F_A, OUR_ID, 0, 0, 0);
		p.len = 20 + cut;
		p.d[2] = 0;
		p.d[3] = (uint8_t)p.len;
		setup(&conf);
		CHECK(malformed(&p, &pptp_gre_stats(h.gre)->drop_gre));
	}
}

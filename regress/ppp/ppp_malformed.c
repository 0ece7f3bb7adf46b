/*
 * ppp_malformed: broken frames and packets, one case per run.  Each case
 * checks the answer the engine gives: silence where RFC 1661 says to
 * discard, a Configure-Reject of exactly the bad octets, a Code-Reject
 * carrying the packet, never more than the peer's MRU, and no change of
 * state where none is due.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm.h"
#include "harness.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "test.h"

static struct h_side	 a;

static void	 setup_reqsent(void);
static void	 setup_opened(void);
static int	 answer(uint8_t, struct h_cp *, struct h_frame *);
static void	 silent(enum fsm_state);
static void	 case_zero_length(void);
static void	 case_truncated_header(void);
static void	 case_length_lies(void);
static void	 case_length_padding(void);
static void	 check_bad_tail(const uint8_t *, size_t);
static void	 case_option_len0(void);
static void	 case_option_len1(void);
static void	 case_option_past_end(void);
static void	 case_option_odd_octet(void);
static void	 case_unknown_option(void);
static void	 case_unknown_code(void);
static void	 case_oversized(void);
static void	 case_bad_header(void);
static void	 case_bad_nak_reject(void);
static void	 case_short_packets(void);
static void	 case_every_phase(void);

/* LCP in Req-Sent, our request already taken off the queue. */
static void
setup_reqsent(void)
{
	struct ppp_params	 c;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	ppp_start(a.ppp);
	h_clear(&a);
}

/* LCP Opened against a peer whose MRU is 1400. */
static void
setup_opened(void)
{
	static const uint8_t opts[] = { 0x01, 0x04, 0x05, 0x78 };
	struct lcp	*lcp;

	setup_reqsent();
	lcp = a.ppp->lcp;
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 1, opts, sizeof(opts));
	h_inject_cp(&a, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	CHECK(lcp_opened(lcp));
	h_clear(&a);
}

/* Exactly one LCP packet with this code came out. */
static int
answer(uint8_t code, struct h_cp *cp, struct h_frame *fr)
{
	if (h_pop_cp(&a, cp, fr) == -1 || cp->proto != PPP_LCP ||
	    cp->code != code) {
		fprintf(stderr, "no LCP %s\n", fsm_code_name(code));
		return (0);
	}
	if (a.nout != 0) {
		fprintf(stderr, "%d more frames after %s\n", a.nout,
		    fsm_code_name(code));
		return (0);
	}
	return (1);
}

/* Nothing came out and LCP is still in state s. */
static void
silent(enum fsm_state s)
{
	CHECK(a.nout == 0);
	CHECK(a.ppp->lcp->fsm.state == s);
	CHECK(a.finished == 0);
}

static void
case_zero_length(void)
{
	setup_opened();
	h_inject(&a, (const uint8_t *)"", 0);
	h_inject(&a, NULL, 0);
	silent(FSM_OPENED);
	h_free(&a);
}

static void
case_truncated_header(void)
{
	static const uint8_t f1[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01,
	    0x00 };
	static const uint8_t f2[] = { 0xff, 0x03, 0xc0, 0x21 };
	static const uint8_t f3[] = { 0xff, 0x03, 0xc0 };
	static const uint8_t f4[] = { 0xff };

	setup_opened();
	h_inject(&a, f1, sizeof(f1));
	h_inject(&a, f2, sizeof(f2));
	h_inject(&a, f3, sizeof(f3));
	h_inject(&a, f4, sizeof(f4));
	silent(FSM_OPENED);
	h_free(&a);
}

/* Length larger than the frame, or smaller than the header: discard. */
static void
case_length_lies(void)
{
	static const uint8_t over[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x05,
	    0x00, 0x14, 0x01, 0x04, 0x05, 0x78 };
	static const uint8_t under[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x05,
	    0x00, 0x02, 0x01, 0x04, 0x05, 0x78 };
	static const uint8_t huge[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x05,
	    0xff, 0xff, 0, 0, 0, 0 };

	setup_reqsent();
	h_inject(&a, over, sizeof(over));
	h_inject(&a, under, sizeof(under));
	h_inject(&a, huge, sizeof(huge));
	silent(FSM_REQSENT);
	h_free(&a);
}

/* Octets after Length are padding and are not answered. */
static void
case_length_padding(void)
{
	static const uint8_t req[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x05,
	    0x00, 0x08, 0x01, 0x04, 0x05, 0x78, 0x0d, 0x03, 0x06, 0xee };
	struct h_frame	 fr;
	struct h_cp	 cp;

	setup_reqsent();
	h_inject(&a, req, sizeof(req));
	CHECK(answer(CP_CONFACK, &cp, &fr));
	CHECK(cp.id == 5 && cp.datalen == 4 &&
	    memcmp(cp.data, req + 8, 4) == 0);
	CHECK(a.ppp->lcp->fsm.state == FSM_ACKSENT);
	h_free(&a);
}

/*
 * Option lengths of 0, 1 or past the end: the rest of the packet from
 * the bad option on is Rejected as received (pppd); a good option before
 * it is not part of the Reject.
 */
static void
check_bad_tail(const uint8_t *tail, size_t n)
{
	uint8_t		 opts[32];
	struct h_frame	 fr;
	struct h_cp	 cp;

	memcpy(opts, "\x01\x04\x05\x78", 4);
	memcpy(opts + 4, tail, n);
	setup_reqsent();
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 9, opts, 4 + n);
	CHECK(answer(CP_CONFREJ, &cp, &fr));
	CHECK(cp.id == 9 && cp.datalen == n && memcmp(cp.data, tail, n) == 0);
	CHECK(a.ppp->lcp->fsm.state == FSM_REQSENT);
	h_free(&a);
}

static void
case_option_len0(void)
{
	check_bad_tail((const uint8_t *)"\x05\x00\x12\x34\x56\x78", 6);
}

static void
case_option_len1(void)
{
	check_bad_tail((const uint8_t *)"\x07\x01", 2);
}

static void
case_option_past_end(void)
{
	check_bad_tail((const uint8_t *)"\x05\x0a\x12\x34", 4);
}

static void
case_option_odd_octet(void)
{
	check_bad_tail((const uint8_t *)"\x07", 1);
}

/* Unknown options and known ones of the wrong length: Rejected alone. */
static void
case_unknown_option(void)
{
	static const uint8_t req[] = {
	    0x01, 0x04, 0x05, 0x78,		/* MRU: fine */
	    0x0d, 0x03, 0x06,			/* Callback: unknown */
	    0x05, 0x05, 0x12, 0x34, 0x56,	/* magic with length 5 */
	    0xfe, 0x02 };			/* type 254 */
	struct h_frame	 fr;
	struct h_cp	 cp;

	setup_reqsent();
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 3, req, sizeof(req));
	CHECK(answer(CP_CONFREJ, &cp, &fr));
	CHECK(cp.datalen == sizeof(req) - 4 &&
	    memcmp(cp.data, req + 4, sizeof(req) - 4) == 0);
	h_free(&a);
}

/* Unknown code: Code-Reject carrying the packet, cut to the MRU. */
static void
case_unknown_code(void)
{
	static const uint8_t pkt[] = { 0xff, 0x03, 0xc0, 0x21, 0x42, 0x07,
	    0x00, 0x06, 0xab, 0xcd };
	uint8_t		 big[1600];
	struct h_frame	 fr;
	struct h_cp	 cp;

	setup_opened();
	h_inject(&a, pkt, sizeof(pkt));
	CHECK(answer(CP_CODEREJ, &cp, &fr));
	CHECK(cp.datalen == 6 && memcmp(cp.data, pkt + 4, 6) == 0);
	CHECK(lcp_opened(a.ppp->lcp));
	memset(big, 0x11, sizeof(big));
	h_inject_cp(&a, PPP_LCP, 0x42, 8, big, 1490);
	CHECK(answer(CP_CODEREJ, &cp, &fr));
	CHECK(cp.len == 1400 && cp.data[0] == 0x42 && cp.data[1] == 8);
	h_free(&a);
}

/* Frames larger than the link carries are dropped unanswered. */
static void
case_oversized(void)
{
	static uint8_t	 frame[PPP_FRAME_MAX];

	setup_opened();
	memset(frame, 0, sizeof(frame));
	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = 0x82;			/* unknown protocol */
	frame[3] = 0x81;
	h_inject(&a, frame, 4 + 1501);
	frame[2] = 0xc0;			/* LCP Echo-Request */
	frame[3] = 0x21;
	frame[4] = CP_ECHOREQ;
	frame[6] = (1501 >> 8);
	frame[7] = 1501 & 0xff;
	h_inject(&a, frame, 4 + 1501);
	silent(FSM_OPENED);
	/* The same at the limit is answered. */
	frame[2] = 0x82;
	frame[3] = 0x81;
	h_inject(&a, frame, 4 + 1500);
	CHECK(a.nout == 1);
	h_free(&a);
}

/* Bad Address/Control or Protocol fields. */
static void
case_bad_header(void)
{
	static const uint8_t ctl[] = { 0xff, 0x05, 0xc0, 0x21, 0x09, 0x01,
	    0x00, 0x08, 0, 0, 0, 0 };
	static const uint8_t even[] = { 0xff, 0x03, 0xc0, 0x20, 0x09, 0x01,
	    0x00, 0x08, 0, 0, 0, 0 };
	static const uint8_t trunc[] = { 0xff, 0x03, 0xc0 };

	setup_opened();
	h_inject(&a, ctl, sizeof(ctl));
	h_inject(&a, even, sizeof(even));
	h_inject(&a, trunc, sizeof(trunc));
	silent(FSM_OPENED);
	h_free(&a);
}

/* A Nak or Reject that breaks the rules is ignored. */
static void
case_bad_nak_reject(void)
{
	static const uint8_t badnak[] = { 0x01, 0x00, 0x05, 0xdc };
	static const uint8_t shortmru[] = { 0x01, 0x03, 0x05 };
	static const uint8_t notours[] = { 0x01, 0x04, 0x05, 0xdc };
	struct lcp	*lcp;

	setup_reqsent();
	lcp = a.ppp->lcp;
	h_inject_cp(&a, PPP_LCP, CP_CONFNAK, lcp->fsm.reqid, badnak,
	    sizeof(badnak));
	h_inject_cp(&a, PPP_LCP, CP_CONFNAK, lcp->fsm.reqid, shortmru,
	    sizeof(shortmru));
	h_inject_cp(&a, PPP_LCP, CP_CONFREJ, lcp->fsm.reqid, notours,
	    sizeof(notours));
	h_inject_cp(&a, PPP_LCP, CP_CONFREJ, lcp->fsm.reqid, badnak,
	    sizeof(badnak));
	silent(FSM_REQSENT);
	CHECK(lcp->fsm.reply_seen == 0);
	h_free(&a);
}

/* Short Code-Reject, Protocol-Reject, Echo, Identification. */
static void
case_short_packets(void)
{
	setup_opened();
	h_inject_cp(&a, PPP_LCP, CP_CODEREJ, 1, NULL, 0);
	h_inject_cp(&a, PPP_LCP, CP_PROTREJ, 2, (const uint8_t *)"\x80", 1);
	h_inject_cp(&a, PPP_LCP, CP_ECHOREQ, 3, (const uint8_t *)"\0\0", 2);
	h_inject_cp(&a, PPP_LCP, CP_ECHOREP, 4, (const uint8_t *)"\0", 1);
	h_inject_cp(&a, PPP_LCP, CP_DISCREQ, 5, NULL, 0);
	h_inject_cp(&a, PPP_LCP, CP_IDENT, 6, (const uint8_t *)"\0\0\0", 3);
	h_inject_cp(&a, PPP_LCP, CP_TIMEREM, 7, (const uint8_t *)"\0\0\0\0",
	    4);
	silent(FSM_OPENED);
	h_free(&a);
}

/* Malformed frames in every phase: no answer, no state change. */
static void
case_every_phase(void)
{
	static const uint8_t junk[][8] = {
	    { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x40 },
	    { 0xff, 0x03, 0xc0, 0x21, 0x07, 0x01, 0x00, 0x04 },
	    { 0xff, 0x03, 0x80, 0x21, 0x01, 0x01, 0x00, 0x03 },
	    { 0xff, 0x03, 0xc2, 0x23, 0x02, 0x01, 0xff, 0xff },
	};
	struct ppp_params	 c;
	size_t		 i;
	int		 round, phase;
	enum fsm_state	 s;

	for (round = 0; round < 4; round++) {
		h_conf(&c);
		c.auth[0] = PPP_AUTH_PAP;
		c.nauth = 1;
		h_init(&a, 1, &c, 1500, 0);
		if (round >= 1)
			ppp_start(a.ppp);
		if (round == 2)
			ppp_close(a.ppp, "x");
		if (round == 3)
			ppp_lowerdown(a.ppp);
		h_clear(&a);
		s = a.ppp->lcp->fsm.state;
		phase = a.ppp->phase;
		for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
			h_inject(&a, junk[i], sizeof(junk[i]));
		CHECK(a.nout == 0);
		CHECK(a.ppp->lcp->fsm.state == s);
		CHECK((int)a.ppp->phase == phase);
		h_run_for(&a, NULL, 60000);
		h_free(&a);
	}
}

static const struct test_case cases[] = {
	{ "zero-length", case_zero_length },
	{ "truncated-header", case_truncated_header },
	{ "length-lies", case_length_lies },
	{ "length-padding", case_length_padding },
	{ "option-len0", case_option_len0 },
	{ "option-len1", case_option_len1 },
	{ "option-past-end", case_option_past_end },
	{ "option-odd-octet", case_option_odd_octet },
	{ "unknown-option", case_unknown_option },
	{ "unknown-code", case_unknown_code },
	{ "oversized", case_oversized },
	{ "header-fields", case_bad_header },
	{ "nak-reject-rules", case_bad_nak_reject },
	{ "short-packets", case_short_packets },
	{ "every-phase", case_every_phase },
};

int
main(int argc, char *argv[])
{
	return (test_main("ppp_malformed", cases, TEST_NCASES(cases), argc,
	    argv, getenv("PPP_DEBUG") != NULL));
}

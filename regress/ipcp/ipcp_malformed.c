/*
 * ipcp_malformed: broken IPCP packets, one case per run.  Each case
 * checks the answer: silence where RFC 1661 says to discard (and no
 * change of state), a Configure-Reject of exactly the bad octets, a
 * Code-Reject carrying the packet, never more than the peer's MRU, and
 * the link never ended by garbage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm.h"
#include "harness.h"
#include "ipcp.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "srv.h"
#include "test.h"

static struct srv	 s;

static void	 reqsent(void);
static void	 raw(const uint8_t *, size_t);
static void	 silent_pkt(size_t);
static void	 reject_of(const uint8_t *, size_t, const uint8_t *, size_t);
static void	 case_truncated_header(void);
static void	 case_length_lies(void);
static void	 case_length_padding(void);
static void	 case_option_lengths(void);
static void	 case_option_list(void);
static void	 case_unknown_option(void);
static void	 case_unknown_code(void);
static void	 case_nak_reject_rules(void);
static void	 case_early_garbage(void);
static void	 case_oversized(void);
static void	 case_every_state(void);

static const uint8_t ip_zero[] = { 0x03, 0x06, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t ip_peer[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02 };

/* IPCP information fields that must be dropped without an answer. */
static const struct {
	const char	*what;
	uint8_t		 info[12];
	size_t		 len;
} silent_pkts[] = {
	{ "empty", { 0 }, 0 },
	{ "code only", { 0x01 }, 1 },
	{ "no length", { 0x01, 0x07 }, 2 },
	{ "half a length", { 0x01, 0x07, 0x00 }, 3 },
	{ "Length 0", { 0x01, 0x07, 0x00, 0x00 }, 4 },
	{ "Length 3", { 0x01, 0x07, 0x00, 0x03, 0x03 }, 5 },
	{ "Length past the frame", { 0x01, 0x07, 0x00, 0x30, 0x03, 0x06,
	    0x00, 0x00, 0x00, 0x00 }, 10 },
	{ "Length 65535", { 0x01, 0x07, 0xff, 0xff, 0x03, 0x06, 0x00, 0x00,
	    0x00, 0x00 }, 10 },
	{ "Ack of nothing", { 0x02, 0x07, 0x00, 0x0a, 0x03, 0x06, 0x0a, 0x00,
	    0x00, 0x01 }, 10 },
	{ "Nak of nothing", { 0x03, 0x07, 0x00, 0x0a, 0x03, 0x06, 0x0a, 0x00,
	    0x00, 0x01 }, 10 },
	{ "Reject of nothing", { 0x04, 0x07, 0x00, 0x0a, 0x03, 0x06, 0x0a,
	    0x00, 0x00, 0x01 }, 10 },
	{ "empty Code-Reject", { 0x07, 0x07, 0x00, 0x04 }, 4 },
};
#define NSILENT		(sizeof(silent_pkts) / sizeof(silent_pkts[0]))

/* IPCP in Req-Sent: our request is out, the peer has said nothing. */
static void
reqsent(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(s.ip->fsm.state == FSM_REQSENT);
}

/* An IPCP frame with this information field, as it is. */
static void
raw(const uint8_t *info, size_t len)
{
	uint8_t	 frame[PPP_FRAME_MAX];

	if (len > sizeof(frame) - 4)
		abort();
	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = PPP_IPCP >> 8;
	frame[3] = PPP_IPCP & 0xff;
	memcpy(frame + 4, info, len);
	h_inject(&s.side, frame, 4 + len);
}

/*
 * One of silent_pkts; answers to a request carry an identifier that is
 * never that of our outstanding request.
 */
static void
silent_pkt(size_t i)
{
	uint8_t	 info[sizeof(silent_pkts[0].info)];
	size_t	 len = silent_pkts[i].len;

	memcpy(info, silent_pkts[i].info, len);
	if (len >= 2 && info[0] >= CP_CONFACK && info[0] <= CP_CONFREJ)
		info[1] = s.ip->fsm.reqid + 0x80;
	raw(info, len);
}

/* A request with these options is Rejected with exactly those octets. */
static void
reject_of(const uint8_t *req, size_t len, const uint8_t *rej, size_t rejlen)
{
	static uint8_t	 id;
	struct h_frame	 fr;
	struct h_cp	 cp;

	srv_inject(&s, CP_CONFREQ, ++id, req, len);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.id == id && cp_data_is(&cp, rej, rejlen));
	CHECK(srv_silent(&s));
}

/* Shorter than a header: dropped, and nothing changes. */
static void
case_truncated_header(void)
{
	size_t	 i;

	reqsent();
	for (i = 0; i < 4; i++) {
		silent_pkt(i);
		CHECK(srv_silent(&s));
		CHECK(s.ip->fsm.state == FSM_REQSENT);
	}
	CHECK(ppp_timer_pending(&s.ip->fsm.timer));
	CHECK(s.side.finished == 0);
	srv_free(&s);
}

/* A Length below 4 or beyond the frame: discarded (RFC 1661 5). */
static void
case_length_lies(void)
{
	size_t	 i;

	reqsent();
	for (i = 4; i < 8; i++) {
		silent_pkt(i);
		CHECK(srv_silent(&s));
		CHECK(s.ip->fsm.state == FSM_REQSENT);
	}
	srv_free(&s);
}

/* Octets after Length are padding: the Ack carries only the options. */
static void
case_length_padding(void)
{
	static const uint8_t pkt[] = { 0x01, 0x33, 0x00, 0x0a,
	    0x03, 0x06, 0x0a, 0x00, 0x00, 0x02, 0xde, 0xad, 0xbe, 0xef };
	struct h_frame	 fr;
	struct h_cp	 cp;

	reqsent();
	raw(pkt, sizeof(pkt));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	CHECK(cp.id == 0x33 && cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	CHECK(s.ip->fsm.state == FSM_ACKSENT);
	srv_free(&s);
}

/* Known options with a length outside the table: Rejected as sent. */
static void
case_option_lengths(void)
{
	static const uint8_t short_addr[] = { 0x03, 0x04, 0x0a, 0x00 };
	static const uint8_t long_addr[] = { 0x03, 0x08, 0x0a, 0x00, 0x00,
	    0x02, 0x00, 0x00 };
	static const uint8_t short_dns[] = { 0x81, 0x04, 0xc0, 0x00 };
	static const uint8_t short_vj[] = { 0x02, 0x02 };
	static const uint8_t short_addrs[] = { 0x01, 0x06, 0x0a, 0x00, 0x00,
	    0x01 };
	static const uint8_t mixed[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	    0x81, 0x05, 0xc0, 0x00, 0x02, 0x82, 0x06, 0, 0, 0, 0 };
	struct h_frame	 fr;
	struct h_cp	 cp;

	reqsent();
	reject_of(short_addr, sizeof(short_addr), short_addr,
	    sizeof(short_addr));
	reject_of(long_addr, sizeof(long_addr), long_addr, sizeof(long_addr));
	reject_of(short_dns, sizeof(short_dns), short_dns, sizeof(short_dns));
	reject_of(short_vj, sizeof(short_vj), short_vj, sizeof(short_vj));
	reject_of(short_addrs, sizeof(short_addrs), short_addrs,
	    sizeof(short_addrs));
	reject_of(mixed, sizeof(mixed), mixed + 6, 5);
	/* Still negotiating normally. */
	srv_inject(&s, CP_CONFREQ, 0x70, ip_zero, sizeof(ip_zero));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	CHECK(s.side.finished == 0);
	srv_free(&s);
}

/* A broken option list: the rest from the bad option on is Rejected. */
static void
case_option_list(void)
{
	static const uint8_t len0[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	    0x81, 0x00 };
	static const uint8_t len1[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	    0x81, 0x01 };
	static const uint8_t lone[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	    0x81 };
	static const uint8_t past[] = { 0x03, 0x0a, 0x0a, 0x00, 0x00, 0x02 };
	static const uint8_t late[] = { 0x82, 0x06, 0x00, 0x00, 0x00, 0x00,
	    0x03, 0x07, 0x0a, 0x00, 0x00, 0x02 };

	reqsent();
	reject_of(len0, sizeof(len0), len0 + 6, 2);
	reject_of(len1, sizeof(len1), len1 + 6, 2);
	reject_of(lone, sizeof(lone), lone + 6, 1);
	reject_of(past, sizeof(past), past, sizeof(past));
	reject_of(late, sizeof(late), late + 6, 6);
	CHECK(s.ip->fsm.state == FSM_REQSENT && s.side.finished == 0);
	srv_free(&s);
}

/* Unknown options, type 0 and 255 among them: Rejected in order. */
static void
case_unknown_option(void)
{
	static const uint8_t req[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	    0x00, 0x02, 0x90, 0x03, 0xff, 0xff, 0x02, 0x80, 0x06, 0, 0, 0, 0,
	    0x85, 0x06, 0, 0, 0, 0 };

	reqsent();
	reject_of(req, sizeof(req), req + 6, sizeof(req) - 6);
	srv_free(&s);
}

/* Codes IPCP does not have get a Code-Reject with the packet. */
static void
case_unknown_code(void)
{
	static const uint8_t codes[] = { 0x00, CP_PROTREJ, CP_ECHOREQ,
	    CP_ECHOREP, CP_DISCREQ, CP_IDENT, CP_TIMEREM, 0x0e, 0xff };
	uint8_t		 pkt[10] = { 0, 0x44, 0x00, 0x0a, 0x12, 0x34,
	    0x56, 0x78, 0x9a, 0xbc };
	struct h_frame	 fr;
	struct h_cp	 cp;
	size_t		 i;

	reqsent();
	for (i = 0; i < sizeof(codes); i++) {
		pkt[0] = codes[i];
		raw(pkt, sizeof(pkt));
		CHECK(srv_expect(&s, PPP_IPCP, CP_CODEREJ, &cp, &fr));
		CHECK(cp_data_is(&cp, pkt, sizeof(pkt)));
		CHECK(srv_silent(&s));
		CHECK(s.ip->fsm.state == FSM_REQSENT);
	}
	CHECK(s.side.finished == 0);
	srv_free(&s);
}

/*
 * Answers to our request that do not match it are dropped (RFC 1661
 * 5.2-5.4, as pppd): a wrong identifier, a malformed Nak, a Reject of
 * something we did not send, an Ack that differs.
 */
static void
case_nak_reject_rules(void)
{
	static const uint8_t bad_nak[] = { 0x03, 0x04, 0x0a, 0x00 };
	static const uint8_t past_nak[] = { 0x03, 0x08, 0x0a, 0x00, 0x00,
	    0x01 };
	static const uint8_t good_nak[] = { 0x03, 0x06, 0x0a, 0x07, 0x07,
	    0x07 };
	static const uint8_t not_ours[] = { 0x81, 0x06, 0x00, 0x00, 0x00,
	    0x00 };
	static const uint8_t other_val[] = { 0x03, 0x06, 0x0a, 0x00, 0x00,
	    0x09 };
	static const uint8_t ours_plus[] = { 0x03, 0x06, 0x0a, 0x00, 0x00,
	    0x01, 0x81, 0x06, 0x00, 0x00, 0x00, 0x00 };
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 id;

	reqsent();
	id = s.ip->fsm.reqid;
	srv_inject(&s, CP_CONFNAK, id + 1, good_nak, sizeof(good_nak));
	srv_inject(&s, CP_CONFNAK, id, bad_nak, sizeof(bad_nak));
	srv_inject(&s, CP_CONFNAK, id, past_nak, sizeof(past_nak));
	srv_inject(&s, CP_CONFREJ, id, not_ours, sizeof(not_ours));
	srv_inject(&s, CP_CONFREJ, id, other_val, sizeof(other_val));
	srv_inject(&s, CP_CONFREJ, id, ours_plus, sizeof(ours_plus));
	srv_inject(&s, CP_CONFACK, id, other_val, sizeof(other_val));
	srv_inject(&s, CP_CONFACK, id + 1, s.ip->fsm.req, s.ip->fsm.reqlen);
	CHECK(srv_silent(&s));
	CHECK(s.ip->fsm.state == FSM_REQSENT && s.ip->fsm.reqid == id);
	CHECK(s.ip->req_addr == 1 && s.ip->naks == 0);
	/* The real answer still works. */
	srv_inject(&s, CP_CONFNAK, id, good_nak, sizeof(good_nak));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(cp.id != id && s.ip->naks == 1);
	/* The old identifier is stale now. */
	srv_inject(&s, CP_CONFACK, id, NULL, 0);
	CHECK(srv_silent(&s));
	srv_ack_ours(&s);
	CHECK(s.ip->fsm.state == FSM_ACKRCVD);
	srv_free(&s);
}

/*
 * Before the addresses: nothing is answered, only the latest packet
 * that is a Configure-Request is kept (even a broken one, which the
 * automaton then drops), and other codes do not displace it.
 */
static void
case_early_garbage(void)
{
	static const uint8_t termreq[] = { 0x05, 0x01, 0x00, 0x04 };
	static const uint8_t unknown[] = { 0x20, 0x01, 0x00, 0x04 };
	static const uint8_t req[] = { 0x01, 0x08, 0x00, 0x0a,
	    0x03, 0x06, 0x00, 0x00, 0x00, 0x00 };
	struct h_frame	 fr;
	struct h_cp	 cp;
	size_t		 i;

	CHECK(srv_start(&s, 1, 1));
	for (i = 0; i < NSILENT; i++) {
		silent_pkt(i);
		CHECK(srv_silent(&s));
	}
	raw(termreq, sizeof(termreq));
	raw(unknown, sizeof(unknown));
	CHECK(srv_silent(&s));
	CHECK(s.ip->fsm.state == FSM_INITIAL && s.ip->has_held);
	/* The kept one is broken: only our request goes out. */
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(srv_silent(&s));
	CHECK(s.ip->fsm.state == FSM_REQSENT && !s.ip->has_held);
	srv_free(&s);

	/* A good request, then garbage: the good one is answered. */
	CHECK(srv_start(&s, 1, 1));
	raw(req, sizeof(req));
	raw(termreq, sizeof(termreq));
	raw(unknown, sizeof(unknown));
	silent_pkt(0);
	CHECK(srv_silent(&s));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp.id == 0x08 && cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	CHECK(srv_silent(&s));
	srv_free(&s);
}

/*
 * Sizes: a frame over what the link takes is dropped; a Reject that
 * would not fit the peer's MRU is not sent; one that fits is.
 */
static void
case_oversized(void)
{
	/* The peer's MRU is 200. */
	static const uint8_t lcp_peer[] = { 0x01, 0x04, 0x00, 0xc8,
	    0x05, 0x06, 0x12, 0x34, 0x56, 0x78 };
	uint8_t			 opts[1600];
	struct ppp_params	 c;
	struct h_frame		 fr;
	struct h_cp		 cp;
	size_t			 i;

	/* Unknown options of 100 octets each: type 0x99, length 100. */
	for (i = 0; i + 100 <= sizeof(opts); i += 100) {
		memset(opts + i, 0xab, 100);
		opts[i] = 0x99;
		opts[i + 1] = 100;
	}

	reqsent();
	srv_inject(&s, CP_CONFREQ, 1, opts, 1500);	/* 1504 > 1500 */
	CHECK(srv_silent(&s));
	srv_inject(&s, CP_CONFREQ, 2, opts, 1400);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp_data_is(&cp, opts, 1400));
	srv_free(&s);

	h_conf(&c);
	srv_init(&s, 1, &c);
	srv_addrs(&s.addrs, 1, 1);
	CHECK(srv_lcp_open_with(&s, lcp_peer, sizeof(lcp_peer)));
	CHECK(ppp_peer_mru(s.side.ppp) == 200);
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	srv_inject(&s, CP_CONFREQ, 3, opts, 300);
	CHECK(srv_silent(&s));
	srv_inject(&s, CP_CONFREQ, 4, opts, 100);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.len <= 200 && cp_data_is(&cp, opts, 100));
	CHECK(s.side.finished == 0);
	srv_free(&s);
}

/*
 * In every state IPCP can be in, the packets that must be discarded
 * are, silently and without a change of state; an unknown code is
 * Code-Rejected in each; the link stays.
 */
static void
case_every_state(void)
{
	static const uint8_t unknown[] = { 0x0e, 0x01, 0x00, 0x05, 0x42 };
	enum fsm_state	 want;
	struct h_frame	 fr;
	struct h_cp	 cp;
	size_t		 i;
	int		 st;

	for (st = 0; st < 4; st++) {
		reqsent();
		switch (st) {
		case 0:
			want = FSM_REQSENT;
			break;
		case 1:
			srv_ack_ours(&s);
			want = FSM_ACKRCVD;
			break;
		case 2:
			srv_inject(&s, CP_CONFREQ, 1, ip_peer,
			    sizeof(ip_peer));
			CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
			want = FSM_ACKSENT;
			break;
		default:
			srv_inject(&s, CP_CONFREQ, 1, ip_peer,
			    sizeof(ip_peer));
			CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
			srv_ack_ours(&s);
			want = FSM_OPENED;
			break;
		}
		CHECK(s.ip->fsm.state == want);
		for (i = 0; i < NSILENT; i++) {
			silent_pkt(i);
			if (!srv_silent(&s) || s.ip->fsm.state != want) {
				fprintf(stderr, "state %s: %s answered or "
				    "moved to %s\n", fsm_state_name(want),
				    silent_pkts[i].what,
				    fsm_state_name(s.ip->fsm.state));
				CHECK(0);
			}
		}
		raw(unknown, sizeof(unknown));
		CHECK(srv_expect(&s, PPP_IPCP, CP_CODEREJ, &cp, &fr));
		CHECK(cp_data_is(&cp, unknown, sizeof(unknown)));
		CHECK(s.ip->fsm.state == want);
		CHECK(s.up == (want == FSM_OPENED) && s.down == 0);
		CHECK(s.side.finished == 0);
		srv_free(&s);
	}
}

static const struct test_case cases[] = {
	{ "truncated-header", case_truncated_header },
	{ "length-lies", case_length_lies },
	{ "length-padding", case_length_padding },
	{ "option-lengths", case_option_lengths },
	{ "option-list", case_option_list },
	{ "unknown-option", case_unknown_option },
	{ "unknown-code", case_unknown_code },
	{ "nak-reject-rules", case_nak_reject_rules },
	{ "early-garbage", case_early_garbage },
	{ "oversized", case_oversized },
	{ "every-state", case_every_state },
};

int
main(int argc, char *argv[])
{
	return (test_main("ipcp_malformed", cases, TEST_NCASES(cases), argc,
	    argv, getenv("PPP_DEBUG") != NULL));
}

/*
 * auth_flow: the authenticator exchanges of session/auth_ppp.c, one case
 * per run.  A hand-played peer talks to a link in the Authenticate phase;
 * a fake auth process decides the verdicts; the clock is simulated, so
 * retransmissions and timeouts are exact and take no real time.  Packets
 * are compared byte for byte, with wire_examples 5.2 where it has them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_ppp.h"
#include "fsm.h"
#include "harness.h"
#include "log.h"
#include "ppp.h"
#include "scaffold.h"
#include "test.h"

static void	 inject_example(const uint8_t *, size_t, uint8_t);
static int	 expect_bytes(const uint8_t *, size_t);
static int	 closed_after(void);
static void	 case_pap_success(void);
static void	 case_pap_retry(void);
static void	 case_pap_exhausted(void);
static void	 case_pap_no_retry(void);
static void	 case_pap_repeat(void);
static void	 case_pap_pending(void);
static void	 case_pap_early(void);
static void	 case_pap_timeout(void);
static uint8_t	 md5_challenged(void);
static void	 case_md5_challenge(void);
static void	 case_md5_retransmit(void);
static void	 case_md5_wrong_id(void);
static void	 case_md5_success(void);
static void	 case_md5_failure(void);
static void	 case_md5_pending(void);
static void	 case_md5_after_success(void);
static uint8_t	 v2_challenged(int);
static void	 case_v2_exchange(void);
static void	 case_v2_retry(void);
static void	 case_v2_max_failures(void);
static void	 case_v1_retry(void);
static void	 case_chap_timeout(void);
static void	 case_held_response(void);
static void	 case_held_verdict(void);
static void	 case_reauth(void);
static void	 case_sync_auth(void);
static void	 case_no_secrets_logged(void);

/* wire_examples 5.2: MS-CHAPv2, identifier 0x2f, server name "pptpd". */
static const uint8_t v2_challenge_pkt[] = {
	0xc2, 0x23, 0x01, 0x2f, 0x00, 0x1a, 0x10, 0x5b, 0x5d, 0x7c, 0x7d,
	0x7b, 0x3f, 0x2f, 0x3e, 0x3c, 0x2c, 0x60, 0x21, 0x32, 0x26, 0x26,
	0x28, 0x70, 0x70, 0x74, 0x70, 0x64
};
static const uint8_t v2_response_pkt[] = {
	0xc2, 0x23, 0x02, 0x2f, 0x00, 0x3a, 0x31, 0x21, 0x40, 0x23, 0x24,
	0x25, 0x5e, 0x26, 0x2a, 0x28, 0x29, 0x5f, 0x2b, 0x3a, 0x33, 0x7c,
	0x7e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x82, 0x30,
	0x9e, 0xcd, 0x8d, 0x70, 0x8b, 0x5e, 0xa0, 0x8f, 0xaa, 0x39, 0x81,
	0xcd, 0x83, 0x54, 0x42, 0x33, 0x11, 0x4a, 0x3d, 0x85, 0xd6, 0xdf,
	0x00, 0x55, 0x73, 0x65, 0x72
};
static const uint8_t v2_success_pkt[] = {
	0xc2, 0x23, 0x03, 0x2f, 0x00, 0x3f, 0x53, 0x3d, 0x34, 0x30, 0x37,
	0x41, 0x35, 0x35, 0x38, 0x39, 0x31, 0x31, 0x35, 0x46, 0x44, 0x30,
	0x44, 0x36, 0x32, 0x30, 0x39, 0x46, 0x35, 0x31, 0x30, 0x46, 0x45,
	0x39, 0x43, 0x30, 0x34, 0x35, 0x36, 0x36, 0x39, 0x33, 0x32, 0x43,
	0x44, 0x41, 0x35, 0x36, 0x20, 0x4d, 0x3d, 0x41, 0x63, 0x63, 0x65,
	0x73, 0x73, 0x20, 0x67, 0x72, 0x61, 0x6e, 0x74, 0x65, 0x64
};
static const uint8_t v2_failure_pkt[] = {
	0xc2, 0x23, 0x04, 0x2f, 0x00, 0x4c, 0x45, 0x3d, 0x36, 0x39, 0x31,
	0x20, 0x52, 0x3d, 0x31, 0x20, 0x43, 0x3d, 0x35, 0x42, 0x35, 0x44,
	0x37, 0x43, 0x37, 0x44, 0x37, 0x42, 0x33, 0x46, 0x32, 0x46, 0x33,
	0x45, 0x33, 0x43, 0x32, 0x43, 0x36, 0x30, 0x32, 0x31, 0x33, 0x32,
	0x32, 0x36, 0x32, 0x36, 0x32, 0x38, 0x20, 0x56, 0x3d, 0x33, 0x20,
	0x4d, 0x3d, 0x41, 0x75, 0x74, 0x68, 0x65, 0x6e, 0x74, 0x69, 0x63,
	0x61, 0x74, 0x69, 0x6f, 0x6e, 0x20, 0x66, 0x61, 0x69, 0x6c, 0x65, 0x64
};
#define V2_VALUE_OFF	7	/* Value of the Challenge/Response examples */
#define V2_SUCCESS_MSG	"S=407A5589115FD0D6209F510FE9C04566932CDA56 " \
			"M=Access granted"
#define V2_FAILURE_MSG	"E=691 R=1 C=5B5D7C7D7B3F2F3E3C2C602132262628 " \
			"V=3 M=Authentication failed"

static const uint8_t md5_value[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
};

/* A packet of wire_examples as the peer sends it (no FF 03), new id. */
static void
inject_example(const uint8_t *pkt, size_t len, uint8_t id)
{
	uint8_t	 buf[256];

	memcpy(buf, pkt, len);
	buf[3] = id;
	h_inject(&side, buf, len);
}

/* The next frame is exactly these octets. */
static int
expect_bytes(const uint8_t *want, size_t len)
{
	struct h_frame	 fr;

	if (h_pop(&side, &fr) == -1) {
		fprintf(stderr, "expected a frame, got nothing\n");
		return (0);
	}
	if (fr.len != len || memcmp(fr.buf, want, len) != 0) {
		fprintf(stderr, "frame of %zu octets differs from the %zu "
		    "expected\n", fr.len, len);
		return (0);
	}
	return (1);
}

/* The link is being closed: LCP Terminate-Request and nothing else. */
static int
closed_after(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	return (sc_expect(PPP_LCP, CP_TERMREQ, &cp, &fr) && sc_quiet() &&
	    side.ppp->phase == PPP_PHASE_TERMINATE);
}

static void
case_pap_success(void)
{
	static const uint8_t ack[] = { 0xff, 0x03, 0xc0, 0x23, 0x02, 0x05,
	    0x00, 0x0d, 0x08, 'L', 'o', 'g', 'i', 'n', ' ', 'o', 'k' };

	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	CHECK(fa.chreqs == 0 && sc_quiet());
	sc_pap(5, "alice", "secret");
	CHECK(fa.requests == 1);
	CHECK(fa.req.method == AUTH_PAP && fa.req.id == 5);
	CHECK(strcmp(fa.req.name, "alice") == 0);
	CHECK(fa.req.response_len == 6 &&
	    memcmp(fa.req.response, "secret", 6) == 0);
	/* Nothing goes back before the verdict. */
	CHECK(sc_quiet() && fa.dones == 0);
	sc_result(1, 0, "Login ok");
	CHECK(expect_bytes(ack, sizeof(ack)));
	CHECK(sc_quiet());
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(fa.dones == 1 && fa.done_ok == 1);
	CHECK(strcmp(fa.done_user, "alice") == 0);
	CHECK(fa.done_res && fa.res.have_keys && fa.res.send_key[0] == 0xaa);
	sc_free();
}

/* A wrong password is Naked; the next Request is verified again. */
static void
case_pap_retry(void)
{
	static const uint8_t nak[] = { 0xff, 0x03, 0xc0, 0x23, 0x03, 0x01,
	    0x00, 0x1a, 0x15, 'A', 'u', 't', 'h', 'e', 'n', 't', 'i', 'c',
	    'a', 't', 'i', 'o', 'n', ' ', 'f', 'a', 'i', 'l', 'e', 'd' };
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_pap(1, "alice", "wrong");
	sc_result(0, 1, "Authentication failed");
	CHECK(expect_bytes(nak, sizeof(nak)));
	CHECK(sc_quiet() && fa.dones == 0);
	CHECK(side.ppp->phase == PPP_PHASE_AUTHENTICATE);
	sc_pap(2, "alice", "right");
	CHECK(fa.requests == 2 && fa.req.id == 2);
	CHECK(fa.req.response_len == 5 &&
	    memcmp(fa.req.response, "right", 5) == 0);
	sc_result(1, 0, "Login ok");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHACK, &cp, &fr) && cp.id == 2);
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(fa.dones == 1 && fa.done_ok == 1);
	sc_free();
}

/* max_failures 2: the second Nak ends the link. */
static void
case_pap_exhausted(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_PAP, 2, "pppoxd", 0));
	sc_pap(1, "alice", "wrong1");
	sc_result(0, 1, "Authentication failed");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHNAK, &cp, &fr) && cp.id == 1);
	CHECK(sc_quiet() && fa.dones == 0);
	sc_pap(2, "alice", "wrong2");
	CHECK(fa.requests == 2);
	sc_result(0, 1, "Authentication failed");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHNAK, &cp, &fr) && cp.id == 2);
	CHECK(closed_after());
	CHECK(fa.dones == 1 && fa.done_ok == 0);
	CHECK(strcmp(fa.done_user, "alice") == 0 && fa.done_res);
	CHECK(strstr(side.ppp->reason, "PAP authentication of \"alice\" "
	    "failed too many times") != NULL);
	/* The link is going: nothing more is verified. */
	sc_pap(3, "alice", "wrong3");
	CHECK(fa.requests == 2 && sc_quiet());
	sc_free();
}

/* Auth allows no retry: the first failure is final. */
static void
case_pap_no_retry(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_PAP, 5, "pppoxd", 0));
	sc_pap(1, "alice", "wrong");
	sc_result(0, 0, "Authentication failed");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHNAK, &cp, &fr));
	CHECK(closed_after());
	CHECK(fa.dones == 1 && fa.done_ok == 0);
	sc_free();
}

/* RFC 1334: a Request repeated after the Ack gets the Ack again. */
static void
case_pap_repeat(void)
{
	static const uint8_t ack9[] = { 0xff, 0x03, 0xc0, 0x23, 0x02, 0x09,
	    0x00, 0x0d, 0x08, 'L', 'o', 'g', 'i', 'n', ' ', 'o', 'k' };
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_pap(5, "alice", "secret");
	sc_result(1, 0, "Login ok");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHACK, &cp, &fr));
	sc_pap(9, "alice", "secret");
	CHECK(expect_bytes(ack9, sizeof(ack9)));
	CHECK(fa.requests == 1 && fa.dones == 1);
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	sc_free();
}

/* Requests repeated while auth thinks are dropped. */
static void
case_pap_pending(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_pap(1, "alice", "secret");
	sc_pap(1, "alice", "secret");
	sc_pap(2, "alice", "other");
	CHECK(fa.requests == 1 && sc_quiet());
	sc_result(1, 0, "Login ok");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHACK, &cp, &fr) && cp.id == 1);
	sc_free();
}

/*
 * The peer sends its Request before our side of LCP is open (pitfalls
 * A6): the engine holds it and the module takes it when the phase begins.
 */
static void
case_pap_early(void)
{
	static const uint8_t opts[] = { 0x01, 0x04, 0x05, 0x78 };
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct lcp	*lcp;

	sc_init(PPP_AUTH_PAP, 3, "pppoxd", 0);
	lcp = side.ppp->lcp;
	ppp_start(side.ppp);
	CHECK(sc_expect(PPP_LCP, CP_CONFREQ, &cp, &fr));
	h_inject_cp(&side, PPP_LCP, CP_CONFREQ, 1, opts, sizeof(opts));
	CHECK(sc_expect(PPP_LCP, CP_CONFACK, &cp, &fr));
	sc_pap(4, "alice", "secret");
	CHECK(fa.requests == 0 && sc_quiet());
	h_inject_cp(&side, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	CHECK(side.ppp->phase == PPP_PHASE_AUTHENTICATE);
	CHECK(fa.requests == 1 && fa.req.id == 4);
	sc_result(1, 0, "Login ok");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHACK, &cp, &fr) && cp.id == 4);
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	sc_free();
}

/* No Request at all: the link fails after AUTH_PPP_TIMEOUT_MS. */
static void
case_pap_timeout(void)
{
	uint64_t	 t0;

	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	t0 = h_clock;
	CHECK(side.deadline == (int64_t)(t0 + AUTH_PPP_TIMEOUT_MS));
	h_advance(&side);
	CHECK(h_clock == t0 + AUTH_PPP_TIMEOUT_MS);
	CHECK(closed_after());
	CHECK(fa.dones == 1 && fa.done_ok == 0 && !fa.done_res);
	CHECK(fa.done_user[0] == '\0');
	CHECK(strcmp(side.ppp->reason, "peer did not authenticate within "
	    "60 seconds") == 0);
	sc_free();
}

/* A CHAP-MD5 link with its Challenge out; returns its Identifier. */
static uint8_t
md5_challenged(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_CHAP_MD5, 3, "pppoxd", 0));
	CHECK(fa.chreqs == 1 && fa.chreq_method == AUTH_CHAP_MD5);
	sc_challenge(md5_value, sizeof(md5_value));
	CHECK(sc_take_challenge(&cp, &fr));
	return (cp.id);
}

/* Value-Size 16, the Value from auth, Name = our name; nothing before. */
static void
case_md5_challenge(void)
{
	uint8_t		 want[] = { 0xff, 0x03, 0xc2, 0x23, 0x01, 0x00, 0x00,
	    0x1b, 0x10, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 'p', 'p', 'p', 'o', 'x',
	    'd' };
	struct h_frame	 fr;

	CHECK(sc_start(PPP_AUTH_CHAP_MD5, 3, "pppoxd", 0));
	CHECK(fa.chreqs == 1 && fa.chreq_method == AUTH_CHAP_MD5);
	/* No Challenge until auth has chosen one. */
	CHECK(sc_quiet());
	sc_challenge(md5_value, sizeof(md5_value));
	CHECK(h_pop(&side, &fr) == 0);
	want[5] = fr.buf[5];
	CHECK(fr.len == sizeof(want) && memcmp(fr.buf, want, fr.len) == 0);
	CHECK(sc_quiet() && fa.chreqs == 1);
	sc_free();
}

/* Resent unchanged every 3 s, 10 times in all, then the link fails. */
static void
case_md5_retransmit(void)
{
	struct h_frame	 first, fr;
	uint64_t	 t0;
	int		 i, n = 1;

	CHECK(sc_start(PPP_AUTH_CHAP_MD5, 3, "pppoxd", 0));
	sc_challenge(md5_value, sizeof(md5_value));
	t0 = h_clock;
	CHECK(h_pop(&side, &first) == 0);
	for (i = 1; i < 20 && side.ppp->phase == PPP_PHASE_AUTHENTICATE;
	    i++) {
		CHECK(side.deadline == (int64_t)(h_clock +
		    AUTH_PPP_RESTART_MS));
		h_advance(&side);
		if (h_pop(&side, &fr) == -1)
			break;
		if (fr.buf[3] == 0x23) {
			CHECK(fr.len == first.len &&
			    memcmp(fr.buf, first.buf, fr.len) == 0);
			CHECK(h_clock == t0 + (uint64_t)n *
			    AUTH_PPP_RESTART_MS);
			n++;
		} else
			CHECK(fr.buf[2] == 0xc0 && fr.buf[4] == CP_TERMREQ);
	}
	CHECK(n == AUTH_PPP_MAX_CHALLENGE);
	CHECK(h_clock == t0 + AUTH_PPP_MAX_CHALLENGE * AUTH_PPP_RESTART_MS);
	CHECK(side.ppp->phase == PPP_PHASE_TERMINATE);
	CHECK(fa.dones == 1 && fa.done_ok == 0 && !fa.done_res);
	CHECK(strcmp(side.ppp->reason, "peer did not answer 10 CHAP "
	    "Challenges") == 0);
	sc_free();
}

/* Only the outstanding Identifier counts; the rest is ignored. */
static void
case_md5_wrong_id(void)
{
	uint64_t	 t0 = h_clock;
	uint8_t		 id;

	id = md5_challenged();
	sc_response(id + 1, 16, "bob");
	sc_response(id - 1, 16, "bob");
	CHECK(fa.requests == 0 && sc_quiet());
	/* The retransmission still runs. */
	CHECK(side.deadline == (int64_t)(h_clock + AUTH_PPP_RESTART_MS));
	sc_response(id, 16, "bob");
	CHECK(fa.requests == 1);
	CHECK(fa.req.method == AUTH_CHAP_MD5 && fa.req.id == id);
	CHECK(strcmp(fa.req.name, "bob") == 0 && fa.req.response_len == 16);
	CHECK(fa.req.response[0] == 0x11 && fa.req.response[15] == 0x11);
	/* It stopped; only the overall timeout is left. */
	CHECK(side.deadline == (int64_t)(t0 + AUTH_PPP_TIMEOUT_MS));
	CHECK(sc_quiet());
	sc_free();
}

static void
case_md5_success(void)
{
	uint8_t		 want[] = { 0xff, 0x03, 0xc2, 0x23, 0x03, 0x00, 0x00,
	    0x12, 'A', 'c', 'c', 'e', 's', 's', ' ', 'g', 'r', 'a', 'n', 't',
	    'e', 'd' };
	uint8_t		 id;

	id = md5_challenged();
	sc_response(id, 16, "bob");
	sc_result(1, 0, "Access granted");
	want[5] = id;
	CHECK(expect_bytes(want, sizeof(want)));
	CHECK(sc_quiet());
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(fa.dones == 1 && fa.done_ok == 1);
	CHECK(strcmp(fa.done_user, "bob") == 0 && fa.done_res);
	sc_free();
}

/* CHAP-MD5 fails at once, even when auth would allow a retry. */
static void
case_md5_failure(void)
{
	uint8_t		 want[] = { 0xff, 0x03, 0xc2, 0x23, 0x04, 0x00, 0x00,
	    0x19, 'A', 'u', 't', 'h', 'e', 'n', 't', 'i', 'c', 'a', 't', 'i',
	    'o', 'n', ' ', 'f', 'a', 'i', 'l', 'e', 'd' };
	uint8_t		 id;

	id = md5_challenged();
	sc_response(id, 16, "bob");
	sc_result(0, 1, "Authentication failed");
	want[5] = id;
	CHECK(expect_bytes(want, sizeof(want)));
	CHECK(closed_after());
	CHECK(fa.dones == 1 && fa.done_ok == 0);
	CHECK(strcmp(fa.done_user, "bob") == 0);
	CHECK(strcmp(side.ppp->reason, "CHAP-MD5 authentication of \"bob\" "
	    "failed") == 0);
	sc_free();
}

/* Windows resends its Response while auth verifies (pitfalls A6). */
static void
case_md5_pending(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 id;

	id = md5_challenged();
	sc_response(id, 16, "bob");
	sc_response(id, 16, "bob");
	sc_response(id + 1, 16, "bob");
	CHECK(fa.requests == 1 && sc_quiet());
	sc_result(1, 0, "Access granted");
	CHECK(sc_expect(PPP_CHAP, CHAP_SUCCESS, &cp, &fr) && cp.id == id);
	CHECK(sc_quiet() && fa.dones == 1);
	sc_free();
}

/* After Success, the same Response gets the same Success (pppd). */
static void
case_md5_after_success(void)
{
	struct h_frame	 first, fr;
	uint8_t		 id;

	id = md5_challenged();
	sc_response(id, 16, "bob");
	sc_result(1, 0, "Access granted");
	CHECK(h_pop(&side, &first) == 0);
	sc_response(id, 16, "bob");
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(fr.len == first.len && memcmp(fr.buf, first.buf, fr.len) == 0);
	sc_response(id + 1, 16, "bob");
	CHECK(sc_quiet());
	CHECK(fa.requests == 1 && fa.dones == 1);
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	sc_free();
}

/* An MS-CHAPv2 link named "pptpd" with the RFC 2759 challenge out. */
static uint8_t
v2_challenged(int max_failures)
{
	struct h_frame	 fr;
	uint8_t		 id;

	CHECK(sc_start(PPP_AUTH_MSCHAP_V2, max_failures, "pptpd", 0));
	CHECK(fa.chreqs == 1 && fa.chreq_method == AUTH_MSCHAP_V2);
	sc_challenge(v2_challenge_pkt + V2_VALUE_OFF, 16);
	CHECK(h_pop(&side, &fr) == 0);
	id = fr.buf[5];
	CHECK(sc_frame_is(&fr, v2_challenge_pkt, sizeof(v2_challenge_pkt),
	    id));
	return (id);
}

/* The whole wire_examples 5.2 exchange, byte for byte. */
static void
case_v2_exchange(void)
{
	struct h_frame	 fr;
	uint8_t		 id;

	id = v2_challenged(3);
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	CHECK(fa.requests == 1);
	CHECK(fa.req.method == AUTH_MSCHAP_V2 && fa.req.id == id);
	CHECK(strcmp(fa.req.name, "User") == 0);
	CHECK(fa.req.response_len == 49 && memcmp(fa.req.response,
	    v2_response_pkt + V2_VALUE_OFF, 49) == 0);
	sc_result(1, 0, V2_SUCCESS_MSG);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_success_pkt, sizeof(v2_success_pkt), id));
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(fa.dones == 1 && fa.done_ok == 1);
	CHECK(strcmp(fa.done_user, "User") == 0);
	CHECK(fa.res.have_keys && fa.res.recv_key[15] == 0x55);
	sc_free();
}

/* RFC 2759 9.1.4: Failure with R=1, then the retry with Identifier + 1. */
static void
case_v2_retry(void)
{
	struct h_frame	 fr;
	uint8_t		 id;

	id = v2_challenged(3);
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	sc_result(0, 1, V2_FAILURE_MSG);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_failure_pkt, sizeof(v2_failure_pkt), id));
	CHECK(sc_quiet() && fa.dones == 0);
	CHECK(side.ppp->phase == PPP_PHASE_AUTHENTICATE);
	/* The Failure was lost: the old Response gets it again. */
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_failure_pkt, sizeof(v2_failure_pkt), id));
	/* Only Identifier + 1 is the retry. */
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id + 2);
	CHECK(sc_quiet() && fa.requests == 1);
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id + 1);
	CHECK(fa.requests == 2 && fa.req.id == (uint8_t)(id + 1));
	CHECK(fa.chreqs == 1);		/* auth keeps the new challenge */
	sc_result(1, 0, V2_SUCCESS_MSG);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_success_pkt, sizeof(v2_success_pkt),
	    id + 1));
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(fa.dones == 1 && fa.done_ok == 1);
	sc_free();
}

/* The last allowed failure says R=0, whatever auth wrote, and ends. */
static void
case_v2_max_failures(void)
{
	uint8_t		 want[sizeof(v2_failure_pkt)];
	struct h_frame	 fr;
	uint8_t		 id;

	id = v2_challenged(2);
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	sc_result(0, 1, V2_FAILURE_MSG);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_failure_pkt, sizeof(v2_failure_pkt), id));
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id + 1);
	CHECK(fa.requests == 2);
	sc_result(0, 1, V2_FAILURE_MSG);
	memcpy(want, v2_failure_pkt, sizeof(want));
	want[14] = '0';			/* "R=1" -> "R=0" */
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, want, sizeof(want), id + 1));
	CHECK(closed_after());
	CHECK(fa.dones == 1 && fa.done_ok == 0 && fa.done_res);
	CHECK(strcmp(fa.done_user, "User") == 0);
	CHECK(strcmp(side.ppp->reason, "MS-CHAPv2 authentication of \"User\" "
	    "failed too many times") == 0);
	sc_free();
}

/* MS-CHAPv1: an 8-octet challenge and the same retry rule. */
static void
case_v1_retry(void)
{
	static const uint8_t ch[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const char fail[] = "E=691 R=1 C=0102030405060708 V=0";
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 id;

	CHECK(sc_start(PPP_AUTH_MSCHAP_V1, 3, "pppoxd", 0));
	CHECK(fa.chreq_method == AUTH_MSCHAP_V1);
	sc_challenge(ch, sizeof(ch));
	CHECK(sc_take_challenge(&cp, &fr));
	CHECK(cp.datalen == 1 + 8 + 6 && cp.data[0] == 8 &&
	    memcmp(cp.data + 1, ch, 8) == 0);
	id = cp.id;
	sc_response(id, 49, "DOMAIN\\joe");
	CHECK(fa.requests == 1 && fa.req.method == AUTH_MSCHAP_V1);
	CHECK(strcmp(fa.req.name, "DOMAIN\\joe") == 0);
	sc_result(0, 1, fail);
	CHECK(sc_expect(PPP_CHAP, CHAP_FAILURE, &cp, &fr) && cp.id == id);
	CHECK(cp.datalen == strlen(fail) &&
	    memcmp(cp.data, fail, cp.datalen) == 0);
	sc_response(id + 1, 49, "DOMAIN\\joe");
	CHECK(fa.requests == 2 && fa.req.id == (uint8_t)(id + 1));
	sc_result(1, 0, "");
	CHECK(sc_expect(PPP_CHAP, CHAP_SUCCESS, &cp, &fr) &&
	    cp.id == (uint8_t)(id + 1) && cp.datalen == 0);
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(strcmp(fa.done_user, "DOMAIN\\joe") == 0);
	sc_free();
}

/* Auth never answers: the overall timeout ends the link; late verdicts
 * are dropped. */
static void
case_chap_timeout(void)
{
	uint64_t	 t0 = h_clock;
	uint8_t		 id;

	id = v2_challenged(3);
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	CHECK(fa.requests == 1);
	CHECK(side.deadline == (int64_t)(t0 + AUTH_PPP_TIMEOUT_MS));
	h_advance(&side);
	CHECK(closed_after());
	CHECK(fa.dones == 1 && fa.done_ok == 0);
	CHECK(strcmp(side.ppp->reason, "peer did not authenticate within "
	    "60 seconds") == 0);
	sc_result(1, 0, V2_SUCCESS_MSG);
	CHECK(sc_quiet() && fa.dones == 1);
	sc_free();
}

/*
 * LCP renegotiates after our Challenge went out and the peer's Response
 * arrives before LCP is open again (Windows, pitfalls A6): the engine
 * holds it, the Challenge is sent again unchanged and the Response
 * counts.
 */
static void
case_held_response(void)
{
	struct h_frame	 fr;
	uint8_t		 id;

	id = v2_challenged(3);
	CHECK(sc_renegotiate());
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	CHECK(fa.requests == 0 && sc_quiet());
	CHECK(sc_reopen());
	CHECK(side.ppp->phase == PPP_PHASE_AUTHENTICATE);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_challenge_pkt, sizeof(v2_challenge_pkt),
	    id));
	CHECK(fa.chreqs == 1 && fa.requests == 1 && fa.req.id == id);
	CHECK(memcmp(fa.req.response, v2_response_pkt + V2_VALUE_OFF,
	    49) == 0);
	sc_result(1, 0, V2_SUCCESS_MSG);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_success_pkt, sizeof(v2_success_pkt), id));
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	sc_free();
}

/* The verdict comes while LCP renegotiates: it is sent once LCP is open. */
static void
case_held_verdict(void)
{
	struct h_frame	 fr;
	uint8_t		 id;

	id = v2_challenged(3);
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	CHECK(sc_renegotiate());
	sc_result(1, 0, V2_SUCCESS_MSG);
	CHECK(sc_quiet() && fa.dones == 0);
	CHECK(sc_reopen());
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_success_pkt, sizeof(v2_success_pkt), id));
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(fa.dones == 1 && fa.done_ok == 1 && fa.res.have_keys);
	sc_free();
}

/* Auth issues no second challenge after a login: LCP renegotiating
 * after success ends the link, without a second done. */
static void
case_reauth(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_pap(1, "alice", "secret");
	sc_result(1, 0, "Login ok");
	CHECK(sc_expect(PPP_PAP, PAP_AUTHACK, &cp, &fr));
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(sc_renegotiate());
	/* LCP opens, and is closed at once. */
	sc_reopen();
	CHECK(closed_after());
	CHECK(fa.dones == 1 && fa.done_ok == 1 && fa.requests == 1);
	CHECK(strstr(side.ppp->reason, "cannot authenticate again") != NULL);
	sc_free();
}

/* An auth that answers inside the callbacks works the same. */
static void
case_sync_auth(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 id;

	sc_init(PPP_AUTH_MSCHAP_V2, 3, "pptpd", 1);
	memcpy(fa.sync_ch.challenge, v2_challenge_pkt + V2_VALUE_OFF, 16);
	fa.sync_ch.len = 16;
	fa.sync_res.ok = 1;
	strlcpy(fa.sync_res.message, V2_SUCCESS_MSG,
	    sizeof(fa.sync_res.message));
	CHECK(sc_lcp_open());
	CHECK(sc_take_challenge(&cp, &fr));
	id = cp.id;
	CHECK(sc_frame_is(&fr, v2_challenge_pkt, sizeof(v2_challenge_pkt),
	    id));
	inject_example(v2_response_pkt, sizeof(v2_response_pkt), id);
	CHECK(h_pop(&side, &fr) == 0);
	CHECK(sc_frame_is(&fr, v2_success_pkt, sizeof(v2_success_pkt), id));
	CHECK(side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(fa.dones == 1 && fa.done_ok == 1);
	sc_free();
}

/* Debug logging on: neither a password nor a Response Value shows. */
static void
case_no_secrets_logged(void)
{
	static const char value[] = "ResponseValue!!!";
	uint8_t		 buf[64];
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_pap(1, "carol", "Sup3rS3cretPass");
	sc_result(0, 1, "Authentication failed");
	sc_pap(2, "carol", "Sup3rS3cretPass2");
	sc_result(1, 0, "Login ok");
	sc_free();
	id = md5_challenged();
	buf[0] = 16;
	memcpy(buf + 1, value, 16);
	memcpy(buf + 17, "dave", 4);
	h_inject_cp(&side, PPP_CHAP, CHAP_RESPONSE, id, buf, 21);
	sc_result(0, 0, "Authentication failed");
	sc_free();
	log = sc_capture_end();
	CHECK(fa.req.response_len == 16);
	CHECK(sc_logged(log, "carol") && sc_logged(log, "dave"));
	CHECK(strstr(log, "Sup3rS3cret") == NULL);
	CHECK(strstr(log, "ResponseValue") == NULL);
}

static const struct test_case cases[] = {
	{ "pap-success", case_pap_success },
	{ "pap-retry", case_pap_retry },
	{ "pap-exhausted", case_pap_exhausted },
	{ "pap-no-retry", case_pap_no_retry },
	{ "pap-repeat", case_pap_repeat },
	{ "pap-pending", case_pap_pending },
	{ "pap-early", case_pap_early },
	{ "pap-timeout", case_pap_timeout },
	{ "md5-challenge", case_md5_challenge },
	{ "md5-retransmit", case_md5_retransmit },
	{ "md5-wrong-id", case_md5_wrong_id },
	{ "md5-success", case_md5_success },
	{ "md5-failure", case_md5_failure },
	{ "md5-pending", case_md5_pending },
	{ "md5-after-success", case_md5_after_success },
	{ "v2-exchange", case_v2_exchange },
	{ "v2-retry", case_v2_retry },
	{ "v2-max-failures", case_v2_max_failures },
	{ "v1-retry", case_v1_retry },
	{ "chap-timeout", case_chap_timeout },
	{ "held-response", case_held_response },
	{ "held-verdict", case_held_verdict },
	{ "reauth", case_reauth },
	{ "sync-auth", case_sync_auth },
	{ "no-secrets-logged", case_no_secrets_logged },
};

int
main(int argc, char *argv[])
{
	return (test_main("auth_flow", cases, TEST_NCASES(cases), argc,
	    argv, getenv("PPP_DEBUG") != NULL));
}

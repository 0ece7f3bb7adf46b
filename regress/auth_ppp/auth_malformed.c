/*
 * auth_malformed: broken PAP and CHAP packets into a link in the
 * Authenticate phase, one case per run.  A packet that cannot be read is
 * logged and dropped: nothing is sent, auth is not asked, and a good
 * packet afterwards still works.  A readable Response that breaks the
 * rules (Value-Size, name) is logged and refused with a Failure.  The
 * log is captured to check that the reason was given.
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

static uint8_t	 md5_ready(void);
static void	 raw(uint16_t, const uint8_t *, size_t);
static int	 dropped(void);
static int	 still_works(uint8_t);
static int	 refused(uint8_t, uint8_t, const char *);
static void	 case_short_header(void);
static void	 case_length_lies(void);
static void	 case_length_padding(void);
static void	 case_value_past_end(void);
static void	 case_empty_name(void);
static void	 case_unknown_code(void);
static void	 case_before_challenge(void);
static void	 case_md5_value_size(void);
static void	 case_mschap_value_size(void);
static void	 case_name_nul(void);
static void	 case_name_long(void);
static void	 case_pap_lengths(void);
static void	 case_pap_empty_id(void);
static void	 case_pap_name_nul(void);
static void	 case_wrong_protocol(void);
static void	 case_auth_challenge(void);
static void	 case_stale_answers(void);

static const uint8_t md5_value[16] = {
	0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
	0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f
};

/* A CHAP-MD5 link with its Challenge out; its Identifier. */
static uint8_t
md5_ready(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(sc_start(PPP_AUTH_CHAP_MD5, 3, "pppoxd", 0));
	sc_challenge(md5_value, sizeof(md5_value));
	CHECK(sc_take_challenge(&cp, &fr));
	return (cp.id);
}

/* A frame of this protocol with exactly these octets after it. */
static void
raw(uint16_t proto, const uint8_t *info, size_t len)
{
	uint8_t	 buf[2048];

	buf[0] = 0xff;
	buf[1] = 0x03;
	buf[2] = proto >> 8;
	buf[3] = proto & 0xff;
	memcpy(buf + 4, info, len);
	h_inject(&side, buf, 4 + len);
}

/* Nothing happened. */
static int
dropped(void)
{
	return (sc_quiet() && fa.requests == 0 && fa.dones == 0 &&
	    side.ppp->phase == PPP_PHASE_AUTHENTICATE);
}

/* A good Response afterwards is still taken. */
static int
still_works(uint8_t id)
{
	sc_response(id, 16, "bob");
	return (fa.requests == 1 && fa.req.id == id &&
	    strcmp(fa.req.name, "bob") == 0 && sc_quiet());
}

/* A Failure/Nak of this code and message went out, then the link ends. */
static int
refused(uint8_t code, uint8_t id, const char *msg)
{
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint16_t	 proto = code == PAP_AUTHNAK ? PPP_PAP : PPP_CHAP;
	size_t		 off = proto == PPP_PAP ? 1 : 0;

	if (!sc_expect(proto, code, &cp, &fr) || cp.id != id ||
	    cp.datalen != off + strlen(msg) ||
	    memcmp(cp.data + off, msg, strlen(msg)) != 0) {
		fprintf(stderr, "no Failure/Nak with \"%s\"\n", msg);
		return (0);
	}
	return (sc_expect(PPP_LCP, CP_TERMREQ, &cp, &fr) && sc_quiet() &&
	    fa.requests == 0 && fa.dones == 1 && fa.done_ok == 0 &&
	    !fa.done_res && side.ppp->phase == PPP_PHASE_TERMINATE);
}

/* Fewer than four octets: no header to read. */
static void
case_short_header(void)
{
	static const uint8_t hdr[] = { CHAP_RESPONSE, 0x01, 0x00 };
	const char	*log;
	size_t		 n;

	sc_capture_start();
	md5_ready();
	for (n = 0; n < sizeof(hdr); n++) {
		raw(PPP_CHAP, hdr, n);
		CHECK(dropped());
	}
	sc_free();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	for (n = 0; n < sizeof(hdr); n++) {
		raw(PPP_PAP, hdr, n);
		CHECK(dropped());
	}
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "CHAP: dropped packet with a short header"));
	CHECK(sc_logged(log, "PAP: dropped packet with a short header"));
}

/* Length below 4, or past what arrived. */
static void
case_length_lies(void)
{
	uint8_t		 pkt[24];
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = CHAP_RESPONSE;
	pkt[1] = id;
	pkt[4] = 16;
	memcpy(pkt + 21, "bob", 3);
	pkt[3] = 3;			/* shorter than the header */
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(dropped());
	pkt[3] = 0;
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(dropped());
	pkt[3] = sizeof(pkt) + 1;	/* one more than there is */
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(dropped());
	pkt[2] = 0x10;			/* 4096 + 24 */
	pkt[3] = sizeof(pkt);
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(dropped());
	CHECK(still_works(id));
	sc_free();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	memcpy(pkt, "\x01\x01\x00\x20\x03" "bob" "\x02" "pw", 11);
	raw(PPP_PAP, pkt, 11);
	CHECK(dropped());
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "CHAP: dropped packet code 2 id"));
	CHECK(sc_logged(log, "Length 3, 24 octets present"));
	CHECK(sc_logged(log, "Length 25, 24 octets present"));
	CHECK(sc_logged(log, "PAP: dropped packet code 1 id 1: Length 32, "
	    "11 octets present"));
}

/* Octets past Length are padding: the name ends where Length says. */
static void
case_length_padding(void)
{
	uint8_t		 pkt[32];
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	memset(pkt, 'Z', sizeof(pkt));
	pkt[0] = CHAP_RESPONSE;
	pkt[1] = id;
	pkt[2] = 0;
	pkt[3] = 4 + 1 + 16 + 3;
	pkt[4] = 16;
	memset(pkt + 5, 0x11, 16);
	memcpy(pkt + 21, "bob", 3);
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(fa.requests == 1 && strcmp(fa.req.name, "bob") == 0);
	CHECK(fa.req.response_len == 16);
	sc_free();
	sc_capture_end();
}

static void
case_value_past_end(void)
{
	uint8_t		 pkt[24];
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	memset(pkt, 0x11, sizeof(pkt));
	pkt[0] = CHAP_RESPONSE;
	pkt[1] = id;
	pkt[2] = 0;
	pkt[3] = sizeof(pkt);
	pkt[4] = 200;
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(dropped());
	pkt[4] = 20;			/* exactly the rest: no name */
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(dropped());
	pkt[4] = 21;			/* one past the end */
	raw(PPP_CHAP, pkt, sizeof(pkt));
	CHECK(dropped());
	h_inject_cp(&side, PPP_CHAP, CHAP_RESPONSE, id, NULL, 0);
	CHECK(dropped());
	CHECK(still_works(id));
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "Value-Size past the end"));
}

static void
case_empty_name(void)
{
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	sc_response(id, 16, "");
	CHECK(dropped());
	CHECK(still_works(id));
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "without a Name"));
}

/* Codes we never take, and codes only a peer authenticator sends. */
static void
case_unknown_code(void)
{
	static const uint8_t chap_codes[] = { 0, CHAP_CHALLENGE, CHAP_SUCCESS,
	    CHAP_FAILURE, CHAP_MSCHAP_CHPW1, CHAP_MSCHAP_CHPW2,
	    CHAP_MSCHAP_CHPW3, 8, 99, 255 };
	static const uint8_t pap_codes[] = { 0, PAP_AUTHACK, PAP_AUTHNAK, 4,
	    200 };
	static const uint8_t data[] = { 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 13, 14, 15, 16, 'x' };
	const char	*log;
	uint8_t		 id;
	size_t		 i;

	sc_capture_start();
	id = md5_ready();
	for (i = 0; i < sizeof(chap_codes); i++) {
		h_inject_cp(&side, PPP_CHAP, chap_codes[i], id, data,
		    sizeof(data));
		CHECK(dropped());
	}
	CHECK(still_works(id));
	sc_free();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	for (i = 0; i < sizeof(pap_codes); i++) {
		h_inject_cp(&side, PPP_PAP, pap_codes[i], 1, data,
		    sizeof(data));
		CHECK(dropped());
	}
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "CHAP: dropped unknown code 0"));
	CHECK(sc_logged(log, "CHAP: dropped unknown code 255"));
	CHECK(sc_logged(log, "CHAP: dropped Challenge"));
	CHECK(sc_logged(log, "CHAP: dropped Success"));
	CHECK(sc_logged(log, "CHAP: dropped Failure"));
	CHECK(sc_logged(log, "Change-Password (code 7): not supported"));
	CHECK(sc_logged(log, "PAP: dropped unknown code 200"));
	CHECK(sc_logged(log, "PAP: dropped Ack id 1"));
	CHECK(sc_logged(log, "PAP: dropped Nak id 1"));
}

/* A Response while auth is still choosing the challenge. */
static void
case_before_challenge(void)
{
	const char	*log;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_MSCHAP_V2, 3, "pppoxd", 0));
	sc_response(0, 49, "User");
	CHECK(dropped());
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "no Challenge outstanding"));
}

static void
case_md5_value_size(void)
{
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	sc_response(id, 15, "bob");
	CHECK(refused(CHAP_FAILURE, id, "Authentication failed"));
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "CHAP-MD5 Response from \"bob\" with Value-Size "
	    "15, not 16"));
}

/* The local Failure has the RFC 2759 form, with our challenge and R=0. */
static void
case_mschap_value_size(void)
{
	static const uint8_t ch[16] = { 0x5b, 0x5d, 0x7c, 0x7d, 0x7b, 0x3f,
	    0x2f, 0x3e, 0x3c, 0x2c, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28 };
	struct h_frame	 fr;
	struct h_cp	 cp;
	const char	*log;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_MSCHAP_V2, 3, "pppoxd", 0));
	sc_challenge(ch, sizeof(ch));
	CHECK(sc_take_challenge(&cp, &fr));
	sc_response(cp.id, 48, "User");
	CHECK(refused(CHAP_FAILURE, cp.id, "E=691 R=0 "
	    "C=5B5D7C7D7B3F2F3E3C2C602132262628 V=3 "
	    "M=Authentication failed"));
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "Value-Size 48, not 49"));
}

static void
case_name_nul(void)
{
	uint8_t		 pkt[21];
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	pkt[0] = 16;
	memset(pkt + 1, 0x11, 16);
	memcpy(pkt + 17, "bo\0b", 4);
	h_inject_cp(&side, PPP_CHAP, CHAP_RESPONSE, id, pkt, sizeof(pkt));
	CHECK(refused(CHAP_FAILURE, id, "Authentication failed"));
	CHECK(fa.done_user[0] == '\0');
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "name \"bo\\000b\" contains a NUL octet"));
}

/* PPP_NAME_MAX - 1 octets are taken; one more is refused. */
static void
case_name_long(void)
{
	char		 name[PPP_NAME_MAX + 1];
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	memset(name, 'x', PPP_NAME_MAX - 1);
	name[PPP_NAME_MAX - 1] = '\0';
	sc_response(id, 16, name);
	CHECK(fa.requests == 1 && strlen(fa.req.name) == PPP_NAME_MAX - 1);
	sc_free();
	id = md5_ready();
	memset(name, 'x', PPP_NAME_MAX);
	name[PPP_NAME_MAX] = '\0';
	sc_response(id, 16, name);
	CHECK(refused(CHAP_FAILURE, id, "Authentication failed"));
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "name of 256 octets"));
}

/* Peer-ID-Length or Passwd-Length past the end; a 255-octet password. */
static void
case_pap_lengths(void)
{
	static const uint8_t id_past[] = { 10, 'b', 'o', 'b' };
	static const uint8_t no_pwlen[] = { 3, 'b', 'o', 'b' };
	static const uint8_t pw_past[] = { 3, 'b', 'o', 'b', 5, 'p', 'w' };
	static const uint8_t empty[] = { 0 };
	char		 pw[256];
	const char	*log;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	h_inject_cp(&side, PPP_PAP, PAP_AUTHREQ, 1, id_past, sizeof(id_past));
	CHECK(dropped());
	h_inject_cp(&side, PPP_PAP, PAP_AUTHREQ, 2, no_pwlen,
	    sizeof(no_pwlen));
	CHECK(dropped());
	h_inject_cp(&side, PPP_PAP, PAP_AUTHREQ, 3, pw_past, sizeof(pw_past));
	CHECK(dropped());
	h_inject_cp(&side, PPP_PAP, PAP_AUTHREQ, 4, empty, 0);
	CHECK(dropped());
	memset(pw, 'p', 255);
	pw[255] = '\0';
	sc_pap(5, "bob", pw);
	CHECK(fa.requests == 1 && fa.req.response_len == 255);
	CHECK(strcmp(fa.req.name, "bob") == 0);
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "PAP: dropped Request id 1: its lengths run "
	    "past the end"));
	CHECK(sc_logged(log, "PAP: dropped Request id 2: its lengths"));
	CHECK(sc_logged(log, "PAP: dropped Request id 3: its lengths"));
	CHECK(sc_logged(log, "PAP: dropped Request id 4: its lengths"));
}

static void
case_pap_empty_id(void)
{
	const char	*log;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_pap(1, "", "secret");
	CHECK(dropped());
	sc_pap(2, "bob", "secret");
	CHECK(fa.requests == 1 && fa.req.id == 2);
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "with an empty Peer-ID"));
}

static void
case_pap_name_nul(void)
{
	static const uint8_t req[] = { 3, 'b', 0, 'b', 2, 'p', 'w' };
	const char	*log;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	h_inject_cp(&side, PPP_PAP, PAP_AUTHREQ, 6, req, sizeof(req));
	CHECK(refused(PAP_AUTHNAK, 6, "Authentication failed"));
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "PAP name \"b\\000b\" contains a NUL octet"));
}

/* PAP while authenticating with CHAP, and the reverse. */
static void
case_wrong_protocol(void)
{
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	id = md5_ready();
	sc_pap(1, "bob", "secret");
	CHECK(dropped());
	CHECK(still_works(id));
	sc_free();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_response(1, 16, "bob");
	CHECK(dropped());
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "PAP: dropped code 1 id 1: not authenticating "
	    "with PAP"));
	CHECK(sc_logged(log, "CHAP: dropped code 2 id 1: not "
	    "authenticating with CHAP"));
}

/* A challenge from auth of the wrong size ends the link. */
static void
case_auth_challenge(void)
{
	static const uint8_t ch[16];
	struct h_frame	 fr;
	struct h_cp	 cp;
	const char	*log;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_MSCHAP_V2, 3, "pppoxd", 0));
	sc_challenge(ch, 8);
	CHECK(sc_expect(PPP_LCP, CP_TERMREQ, &cp, &fr) && sc_quiet());
	CHECK(fa.dones == 1 && fa.done_ok == 0);
	sc_free();
	CHECK(sc_start(PPP_AUTH_MSCHAP_V1, 3, "pppoxd", 0));
	sc_challenge(ch, 16);
	CHECK(fa.dones == 1 && fa.done_ok == 0);
	sc_free();
	CHECK(sc_start(PPP_AUTH_CHAP_MD5, 3, "pppoxd", 0));
	sc_challenge(ch, 0);
	CHECK(fa.dones == 1 && fa.done_ok == 0);
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "auth sent a 8-octet challenge for MS-CHAPv2"));
	CHECK(sc_logged(log, "auth sent a 16-octet challenge for MS-CHAPv1"));
	CHECK(sc_logged(log, "auth sent a 0-octet challenge for CHAP-MD5"));
}

/* Answers from auth that nothing asked for are dropped. */
static void
case_stale_answers(void)
{
	const char	*log;
	uint8_t		 id;

	sc_capture_start();
	CHECK(sc_start(PPP_AUTH_PAP, 3, "pppoxd", 0));
	sc_result(1, 0, "Login ok");
	CHECK(dropped());
	sc_challenge(md5_value, 16);
	CHECK(dropped());
	sc_free();
	/* A second challenge or an unasked verdict changes nothing. */
	id = md5_ready();
	sc_challenge(md5_value, 16);
	sc_result(0, 0, "no");
	CHECK(dropped());
	CHECK(still_works(id));
	sc_free();
	log = sc_capture_end();
	CHECK(sc_logged(log, "verdict from auth not expected"));
	CHECK(sc_logged(log, "challenge from auth not expected"));
}

static const struct test_case cases[] = {
	{ "short-header", case_short_header },
	{ "length-lies", case_length_lies },
	{ "length-padding", case_length_padding },
	{ "value-past-end", case_value_past_end },
	{ "empty-name", case_empty_name },
	{ "unknown-code", case_unknown_code },
	{ "before-challenge", case_before_challenge },
	{ "md5-value-size", case_md5_value_size },
	{ "mschap-value-size", case_mschap_value_size },
	{ "name-nul", case_name_nul },
	{ "name-long", case_name_long },
	{ "pap-lengths", case_pap_lengths },
	{ "pap-empty-id", case_pap_empty_id },
	{ "pap-name-nul", case_pap_name_nul },
	{ "wrong-protocol", case_wrong_protocol },
	{ "auth-challenge", case_auth_challenge },
	{ "stale-answers", case_stale_answers },
};

int
main(int argc, char *argv[])
{
	return (test_main("auth_malformed", cases, TEST_NCASES(cases), argc,
	    argv, getenv("PPP_DEBUG") != NULL));
}

/*
 * Unit tests of session/pptp_ctrl.c, one case per argument.  The peer's
 * messages and our expected replies are transcribed from the field
 * tables and hex dumps of /work/shared/protocol/wire_examples.md
 * section 1, so a reply is checked octet for octet, not against the
 * code that built it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pptp_ctrl.h"
#include "test.h"

#define BUF_MAX		4096

struct buf {
	uint8_t		 d[BUF_MAX];
	size_t		 len;
};

/* What the callbacks saw. */
struct harness {
	struct buf		 out;		/* everything sent */
	int			 send_fail;
	int			 alloc_fail;
	uint16_t		 next_call_id;
	int			 requests;
	struct pptp_ctrl_call	 last_call;
	int			 request_rv;	/* on_call_request returns */
	int			 auto_reply;	/* reply from the callback */
	struct pptp_ctrl	*ctrl;
	int			 clears;
	uint16_t		 cleared_id;
};

static struct harness	 h;

static void	 put_hex(struct buf *, const char *);
static void	 put_zero(struct buf *, size_t);
static void	 put_name(struct buf *, const char *);
static void	 msg_sccrq(struct buf *);
static void	 msg_ocrq(struct buf *, uint16_t);
static void	 msg_simple(struct buf *, uint16_t, uint16_t, const char *);
static void	 exp_sccrp(struct buf *);
static void	 exp_ocrp(struct buf *);
static void	 exp_cdn(struct buf *, uint8_t);
static int	 cb_send(void *, const uint8_t *, size_t);
static int	 cb_alloc(void *, uint16_t *);
static int	 cb_request(void *, const struct pptp_ctrl_call *);
static void	 cb_clear(void *, uint16_t, const char *);
static void	 wire_conf(struct pptp_ctrl_conf *);
static struct pptp_ctrl *setup(const struct pptp_ctrl_conf *, uint64_t);
static struct pptp_ctrl *established(void);
static struct pptp_ctrl *with_call(void);
static int	 feed(struct pptp_ctrl *, const struct buf *, uint64_t);
static int	 out_is(const struct buf *);
static int	 run_script(size_t, struct buf *);
static void	 expected_script(struct buf *);

static void	 case_exchange(void);
static void	 case_split_input(void);
static void	 case_concat_input(void);
static void	 case_bad_magic(void);
static void	 case_short_length(void);
static void	 case_long_length(void);
static void	 case_lying_length(void);
static void	 case_msg_type(void);
static void	 case_reserved0(void);
static void	 case_unknown_type(void);
static void	 case_call_before_sccrq(void);
static void	 case_second_sccrq(void);
static void	 case_bad_version(void);
static void	 case_echo(void);
static void	 case_keepalive(void);
static void	 case_keepalive_timeout(void);
static void	 case_keepalive_off(void);
static void	 case_start_timeout(void);
static void	 case_second_call_busy(void);
static void	 case_call_refused(void);
static void	 case_call_id_exhausted(void);
static void	 case_server_disconnect(void);
static void	 case_disconnect_timeout(void);
static void	 case_stop_with_call(void);
static void	 case_set_link_info(void);
static void	 case_icrq_refused(void);
static void	 case_wan_error(void);
static void	 case_unexpected(void);
static void	 case_send_failure(void);
static void	 case_clear_while_waiting(void);
static void	 case_defaults(void);

static const struct test_case cases[] = {
	{ "exchange",		case_exchange },
	{ "split-input",	case_split_input },
	{ "concat-input",	case_concat_input },
	{ "bad-magic",		case_bad_magic },
	{ "short-length",	case_short_length },
	{ "long-length",	case_long_length },
	{ "lying-length",	case_lying_length },
	{ "msg-type",		case_msg_type },
	{ "reserved0",		case_reserved0 },
	{ "unknown-type",	case_unknown_type },
	{ "call-before-sccrq",	case_call_before_sccrq },
	{ "second-sccrq",	case_second_sccrq },
	{ "bad-version",	case_bad_version },
	{ "echo",		case_echo },
	{ "keepalive",		case_keepalive },
	{ "keepalive-timeout",	case_keepalive_timeout },
	{ "keepalive-off",	case_keepalive_off },
	{ "start-timeout",	case_start_timeout },
	{ "second-call-busy",	case_second_call_busy },
	{ "call-refused",	case_call_refused },
	{ "call-id-exhausted",	case_call_id_exhausted },
	{ "server-disconnect",	case_server_disconnect },
	{ "disconnect-timeout",	case_disconnect_timeout },
	{ "stop-with-call",	case_stop_with_call },
	{ "set-link-info",	case_set_link_info },
	{ "icrq-refused",	case_icrq_refused },
	{ "wan-error",		case_wan_error },
	{ "unexpected",		case_unexpected },
	{ "send-failure",	case_send_failure },
	{ "clear-while-waiting", case_clear_while_waiting },
	{ "defaults",		case_defaults },
};

int
main(int argc, char *argv[])
{
	return (test_main("pptp_ctrl_test", cases, TEST_NCASES(cases), argc,
	    argv, 1));
}

static void
put_hex(struct buf *b, const char *s)
{
	unsigned int	v;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (sscanf(s, "%2x", &v) != 1 || b->len >= BUF_MAX)
			abort();
		b->d[b->len++] = (uint8_t)v;
		s++;
	}
}

static void
put_zero(struct buf *b, size_t n)
{
	if (n > BUF_MAX - b->len)
		abort();
	memset(b->d + b->len, 0, n);
	b->len += n;
}

static void
put_name(struct buf *b, const char *name)
{
	size_t	n = strlen(name);

	if (n > 64 || 64 > BUF_MAX - b->len)
		abort();
	memcpy(b->d + b->len, name, n);
	memset(b->d + b->len + n, 0, 64 - n);
	b->len += 64;
}

/* wire_examples 1.2: framing async, bearer analog, firmware 0x0a28 */
static void
msg_sccrq(struct buf *b)
{
	put_hex(b, "00 9c 00 01 1a 2b 3c 4d 00 01 00 00 01 00 00 00");
	put_hex(b, "00 00 00 01 00 00 00 01 00 00 0a 28");
	put_name(b, "client");
	put_name(b, "Microsoft");
}

/* wire_examples 1.5 with the given client Call ID */
static void
msg_ocrq(struct buf *b, uint16_t call_id)
{
	char	hex[64];

	snprintf(hex, sizeof(hex), "00 a8 00 01 1a 2b 3c 4d 00 07 00 00 "
	    "%02x %02x 00 01", call_id >> 8, call_id & 0xff);
	put_hex(b, hex);
	put_hex(b, "00 00 01 2c 05 f5 e1 00 00 00 00 03 00 00 00 03");
	put_hex(b, "00 40 00 00 00 00 00 00");
	put_zero(b, 168 - 40);
}

/* A header with the given length and type, then the body in hex. */
static void
msg_simple(struct buf *b, uint16_t len, uint16_t type, const char *body)
{
	char	hex[64];

	snprintf(hex, sizeof(hex),
	    "%02x %02x 00 01 1a 2b 3c 4d %02x %02x 00 00",
	    len >> 8, len & 0xff, type >> 8, type & 0xff);
	put_hex(b, hex);
	put_hex(b, body);
}

/* wire_examples 1.2, SCCRP (success), transcribed from the dump */
static void
exp_sccrp(struct buf *b)
{
	put_hex(b, "00 9c 00 01 1a 2b 3c 4d 00 02 00 00 01 00 01 00");
	put_hex(b, "00 00 00 01 00 00 00 01 00 01 00 01 70 70 74 70");
	put_hex(b, "2d 73 65 72 76 65 72 00 00 00 00 00 00 00 00 00");
	put_zero(b, 0x50 - 0x30);
	put_hex(b, "00 00 00 00 00 00 00 00 00 00 00 00 65 78 61 6d");
	put_hex(b, "70 6c 65 2d 76 65 6e 64 6f 72 00 00 00 00 00 00");
	put_zero(b, 0x90 - 0x70);
	put_hex(b, "00 00 00 00 00 00 00 00 00 00 00 00");
}

/* wire_examples 1.6 */
static void
exp_ocrp(struct buf *b)
{
	put_hex(b, "00 20 00 01 1a 2b 3c 4d 00 08 00 00 00 11 40 00");
	put_hex(b, "01 00 00 00 05 f5 e1 00 00 40 00 00 00 00 00 00");
}

/* wire_examples 1.8 (result 03 there) */
static void
exp_cdn(struct buf *b, uint8_t result)
{
	char	hex[64];

	snprintf(hex, sizeof(hex), "00 94 00 01 1a 2b 3c 4d 00 0d 00 00 "
	    "00 11 %02x 00", result);
	put_hex(b, hex);
	put_zero(b, 0x94 - 0x10);
}

static int
cb_send(void *arg, const uint8_t *p, size_t len)
{
	struct harness	*hh = arg;

	if (hh->send_fail)
		return (-1);
	if (len > BUF_MAX - hh->out.len)
		abort();
	memcpy(hh->out.d + hh->out.len, p, len);
	hh->out.len += len;
	return (0);
}

static int
cb_alloc(void *arg, uint16_t *id)
{
	struct harness	*hh = arg;

	if (hh->alloc_fail)
		return (-1);
	*id = hh->next_call_id++;
	return (0);
}

static int
cb_request(void *arg, const struct pptp_ctrl_call *call)
{
	struct harness	*hh = arg;

	hh->requests++;
	hh->last_call = *call;
	if (hh->auto_reply)
		pptp_ctrl_call_reply(hh->ctrl, PPTP_OCRP_CONNECTED);
	return (hh->request_rv);
}

static void
cb_clear(void *arg, uint16_t call_id, const char *why)
{
	struct harness	*hh = arg;

	(void)why;
	hh->clears++;
	hh->cleared_id = call_id;
}

/* The values of the SCCRP example in wire_examples 1.2. */
static void
wire_conf(struct pptp_ctrl_conf *conf)
{
	pptp_ctrl_conf_defaults(conf);
	strlcpy(conf->log_prefix, "session 5 peer 192.0.2.1",
	    sizeof(conf->log_prefix));
	strlcpy(conf->hostname, "pptp-server", sizeof(conf->hostname));
	strlcpy(conf->vendor, "example-vendor", sizeof(conf->vendor));
	conf->framing_caps = PPTP_FRAMING_ASYNC;
	conf->bearer_caps = PPTP_BEARER_ANALOG;
	conf->max_channels = 1;
	conf->firmware_rev = 1;
	conf->recv_window = 64;
	conf->processing_delay = 0;
}

static struct pptp_ctrl *
setup(const struct pptp_ctrl_conf *conf, uint64_t now)
{
	struct pptp_ctrl_cb	cb;

	memset(&h, 0, sizeof(h));
	h.next_call_id = 0x11;
	memset(&cb, 0, sizeof(cb));
	cb.arg = &h;
	cb.send = cb_send;
	cb.call_id_alloc = cb_alloc;
	cb.on_call_request = cb_request;
	cb.on_call_clear = cb_clear;
	if ((h.ctrl = pptp_ctrl_new(conf, &cb, now)) == NULL)
		abort();
	return (h.ctrl);
}

/* After SCCRQ/SCCRP at time 0, output cleared. */
static struct pptp_ctrl *
established(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };

	wire_conf(&conf);
	c = setup(&conf, 0);
	msg_sccrq(&m);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);
	h.out.len = 0;
	return (c);
}

/* Established with call 0x11 (peer 0x4000) connected, output cleared. */
static struct pptp_ctrl *
with_call(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 };

	msg_ocrq(&m, 0x4000);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_CONNECTED) == 0);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_ESTABLISHED);
	h.out.len = 0;
	return (c);
}

static int
feed(struct pptp_ctrl *c, const struct buf *m, uint64_t now)
{
	return (pptp_ctrl_input(c, m->d, m->len, now));
}

/* What was sent since the last clear is exactly e; clears it. */
static int
out_is(const struct buf *e)
{
	int	ok;

	ok = h.out.len == e->len && memcmp(h.out.d, e->d, e->len) == 0;
	if (!ok)
		fprintf(stderr, "sent %zu octets, expected %zu\n", h.out.len,
		    e->len);
	h.out.len = 0;
	return (ok);
}

static void
case_exchange(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m, e;
	uint32_t		 sa, ra;

	wire_conf(&conf);
	c = setup(&conf, 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_IDLE);

	m.len = e.len = 0;
	msg_sccrq(&m);
	exp_sccrp(&e);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);

	/* OCRQ: passed up with both Call IDs; the OCRP waits for us. */
	m.len = e.len = 0;
	msg_ocrq(&m, 0x4000);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(h.out.len == 0);
	CHECK(h.requests == 1);
	CHECK(h.last_call.peer_call_id == 0x4000);
	CHECK(h.last_call.call_id == 0x11);
	CHECK(h.last_call.serial == 1);
	CHECK(h.last_call.peer_window == 64);
	CHECK(h.last_call.peer_delay == 0);
	CHECK(h.last_call.min_bps == 300);
	CHECK(h.last_call.max_bps == 100000000);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_WAIT_REPLY);
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_CONNECTED) == 0);
	exp_ocrp(&e);
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_ESTABLISHED);
	CHECK(pptp_ctrl_call(c) != NULL &&
	    pptp_ctrl_call(c)->peer_call_id == 0x4000);

	/* SLI (wire_examples 1.9): recorded, no reply */
	m.len = 0;
	msg_simple(&m, 24, 15, "00 11 00 00 ff ff ff ff 00 00 00 00");
	CHECK(feed(c, &m, 0) == 0);
	CHECK(h.out.len == 0);
	pptp_ctrl_accm(c, &sa, &ra);
	CHECK(sa == 0xffffffff && ra == 0);

	/* Echo (wire_examples 1.4) */
	m.len = e.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 01");
	put_hex(&e, "00 14 00 01 1a 2b 3c 4d 00 06 00 00 00 00 00 01");
	put_hex(&e, "01 00 00 00");
	CHECK(feed(c, &m, 0) == 0);
	CHECK(out_is(&e));

	/* CCRQ (wire_examples 1.8) -> CDN with result 4 "request" */
	m.len = e.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 0c 00 00 40 00 00 00");
	exp_cdn(&e, PPTP_CDN_REQUEST);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(out_is(&e));
	CHECK(h.clears == 1 && h.cleared_id == 0x11);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_NONE);

	/* StopCCRQ -> StopCCRP, then close (wire_examples 1.3) */
	m.len = e.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 04 00 00 01 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	CHECK(h.clears == 1);
	/* Closed stays closed. */
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);
}

/*
 * A whole session's client side in one buffer; the call is accepted
 * from the callback.  Chunk 0 feeds it at once, chunk n in pieces of
 * 1, 2, ..., n, 1, 2, ... octets.  Returns the last input's result.
 */
static int
run_script(size_t chunk, struct buf *sent)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };
	size_t			 off, n, k = 1;
	int			 rv = 0;

	msg_sccrq(&m);
	msg_ocrq(&m, 0x4000);
	msg_simple(&m, 24, 15, "00 11 00 00 ff ff ff ff 00 00 00 00");
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 01");
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 0c 00 00 40 00 00 00");
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");

	wire_conf(&conf);
	c = setup(&conf, 0);
	h.auto_reply = 1;
	for (off = 0; off < m.len && rv == 0; off += n) {
		n = chunk == 0 ? m.len : k;
		if (n > m.len - off)
			n = m.len - off;
		rv = pptp_ctrl_input(c, m.d + off, n, 0);
		if (chunk != 0 && ++k > chunk)
			k = 1;
	}
	CHECK(off == m.len);
	CHECK(h.requests == 1 && h.clears == 1);
	*sent = h.out;
	pptp_ctrl_free(c);
	return (rv);
}

static void
expected_script(struct buf *e)
{
	e->len = 0;
	exp_sccrp(e);
	exp_ocrp(e);
	put_hex(e, "00 14 00 01 1a 2b 3c 4d 00 06 00 00 00 00 00 01");
	put_hex(e, "01 00 00 00");
	exp_cdn(e, PPTP_CDN_REQUEST);
	put_hex(e, "00 10 00 01 1a 2b 3c 4d 00 04 00 00 01 00 00 00");
}

static void
case_split_input(void)
{
	struct buf	e, sent;
	size_t		chunk;

	expected_script(&e);
	for (chunk = 1; chunk <= 13; chunk++) {
		CHECK(run_script(chunk, &sent) == -1);
		CHECK(sent.len == e.len && memcmp(sent.d, e.d, e.len) == 0);
	}
}

static void
case_concat_input(void)
{
	struct buf	e, sent;

	expected_script(&e);
	CHECK(run_script(0, &sent) == -1);
	CHECK(sent.len == e.len && memcmp(sent.d, e.d, e.len) == 0);
}

static void
case_bad_magic(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };

	/* Before SCCRQ: closed, nothing said. */
	wire_conf(&conf);
	c = setup(&conf, 0);
	msg_sccrq(&m);
	m.d[7] ^= 1;
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);

	/* With a call: lost sync, closed at once, the call is gone. */
	c = with_call();
	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4e 00 05 00 00 00 00 00 01");
	CHECK(pptp_ctrl_input(c, m.d, 12, 0) == -1);
	CHECK(h.out.len == 0);
	CHECK(h.clears == 1);
	pptp_ctrl_free(c);
}

static void
case_short_length(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 };

	put_hex(&m, "00 08 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 01");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);
}

static void
case_long_length(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 };

	/* Refused on the header alone: no waiting for 1024 octets. */
	put_hex(&m, "04 00 00 01 1a 2b 3c 4d 00 01 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);

	/* Lost sync whatever the type: no StopCCRQ for type 0x20 either. */
	c = established();
	m.len = 0;
	put_hex(&m, "ff ff 00 01 1a 2b 3c 4d 00 20 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);
}

static void
case_lying_length(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };

	/* An Echo-Request claiming 156 octets: refused on the header. */
	c = established();
	put_hex(&m, "00 9c 00 01 1a 2b 3c 4d 00 05 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);

	/* An SCCRQ claiming 16: same. */
	wire_conf(&conf);
	c = setup(&conf, 0);
	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 01 00 00 01 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);
}

static void
case_msg_type(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 };

	/* PPTP Message Type 2 (management) */
	put_hex(&m, "00 10 00 02 1a 2b 3c 4d 00 05 00 00 00 00 00 01");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);
}

static void
case_reserved0(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 };

	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 01 00 00 00 01");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);
}

static void
case_unknown_type(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	/* Before SCCRQ: closed in silence. */
	wire_conf(&conf);
	c = setup(&conf, 0);
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 10 00 00 00 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);

	/* Established: StopCCRQ "stop-protocol" first. */
	c = with_call();
	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 00 00 00 00 00 00 00");
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 02 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(out_is(&e));
	CHECK(h.clears == 1);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);
}

static void
case_call_before_sccrq(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };

	wire_conf(&conf);
	c = setup(&conf, 0);
	msg_ocrq(&m, 0x4000);
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	CHECK(h.requests == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);

	/* An Echo-Request is no better. */
	c = setup(&conf, 0);
	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 01");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);
}

static void
case_second_sccrq(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	msg_sccrq(&m);
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 02 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);
}

static void
case_bad_version(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	wire_conf(&conf);
	c = setup(&conf, 0);
	msg_sccrq(&m);
	m.d[12] = 0x02;		/* version 2.0 */
	exp_sccrp(&e);
	e.d[14] = 5;		/* protocol version not supported */
	CHECK(feed(c, &m, 0) == -1);
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);
}

static void
case_echo(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 de ad be ef");
	put_hex(&e, "00 14 00 01 1a 2b 3c 4d 00 06 00 00 de ad be ef");
	put_hex(&e, "01 00 00 00");
	CHECK(feed(c, &m, 0) == 0);
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);
	pptp_ctrl_free(c);
}

/* Idle -> Echo-Request; a reply or any message restarts the clock. */
static void
case_keepalive(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	wire_conf(&conf);
	conf.echo_interval = 1000;
	conf.echo_timeout = 500;
	c = setup(&conf, 0);
	msg_sccrq(&m);
	CHECK(feed(c, &m, 0) == 0);
	h.out.len = 0;

	CHECK(pptp_ctrl_deadline(c) == 1000);
	CHECK(pptp_ctrl_tick(c, 999) == 0);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_tick(c, 1000) == 0);
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 01");
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_deadline(c) == 1500);

	/* The reply, at 1200: next Echo-Request at 2200, id 2. */
	m.len = 0;
	put_hex(&m, "00 14 00 01 1a 2b 3c 4d 00 06 00 00 00 00 00 01");
	put_hex(&m, "01 00 00 00");
	CHECK(feed(c, &m, 1200) == 0);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_deadline(c) == 2200);
	CHECK(pptp_ctrl_tick(c, 1600) == 0);
	CHECK(h.out.len == 0);

	/* The peer's own Echo-Request at 2000 counts as life too. */
	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 07");
	CHECK(feed(c, &m, 2000) == 0);
	h.out.len = 0;
	CHECK(pptp_ctrl_deadline(c) == 3000);
	CHECK(pptp_ctrl_tick(c, 2200) == 0);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_tick(c, 3000) == 0);
	e.len = 0;
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 02");
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);
	pptp_ctrl_free(c);
}

static void
case_keepalive_timeout(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };

	wire_conf(&conf);
	conf.echo_interval = 1000;
	conf.echo_timeout = 500;
	c = setup(&conf, 0);
	msg_sccrq(&m);
	msg_ocrq(&m, 0x4000);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_CONNECTED) == 0);
	h.out.len = 0;

	CHECK(pptp_ctrl_tick(c, 1000) == 0);
	CHECK(h.out.len == 16);
	h.out.len = 0;
	CHECK(pptp_ctrl_tick(c, 1499) == 0);
	CHECK(h.clears == 0);
	CHECK(pptp_ctrl_tick(c, 1500) == -1);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	CHECK(h.clears == 1 && h.cleared_id == 0x11);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_deadline(c) == PPTP_CTRL_NO_DEADLINE);
	pptp_ctrl_free(c);
}

/* echo_interval 0: no keepalive; and nothing revives a closed one. */
static void
case_keepalive_off(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };

	wire_conf(&conf);
	conf.echo_interval = 0;
	c = setup(&conf, 0);
	msg_sccrq(&m);
	msg_ocrq(&m, 0x4000);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_CONNECTED) == 0);
	h.out.len = 0;
	CHECK(pptp_ctrl_deadline(c) == PPTP_CTRL_NO_DEADLINE);
	CHECK(pptp_ctrl_tick(c, 1000000000) == 0);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);

	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	h.out.len = 0;
	CHECK(pptp_ctrl_tick(c, 0) == -1);
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_CONNECTED) == -1);
	CHECK(pptp_ctrl_call_disconnect(c, PPTP_CDN_ADMIN_SHUTDOWN, 0) == -1);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);
}

static void
case_start_timeout(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 };

	wire_conf(&conf);
	conf.start_timeout = 3000;
	c = setup(&conf, 100);
	CHECK(pptp_ctrl_deadline(c) == 3100);
	/* Half an SCCRQ does not count. */
	msg_sccrq(&m);
	CHECK(pptp_ctrl_input(c, m.d, 100, 50) == 0);
	CHECK(pptp_ctrl_tick(c, 3099) == 0);
	CHECK(pptp_ctrl_tick(c, 3100) == -1);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);

	/* In time, the deadline becomes the keepalive's. */
	c = setup(&conf, 100);
	CHECK(feed(c, &m, 200) == 0);
	CHECK(pptp_ctrl_deadline(c) == 200 + conf.echo_interval);
	pptp_ctrl_free(c);
}

static void
case_second_call_busy(void)
{
	struct pptp_ctrl	*c = with_call();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	msg_ocrq(&m, 0x4001);
	put_hex(&e, "00 20 00 01 1a 2b 3c 4d 00 08 00 00 00 00 40 01");
	put_hex(&e, "04 00 00 00 00 00 00 00 00 40 00 00 00 00 00 00");
	CHECK(feed(c, &m, 0) == 0);
	CHECK(out_is(&e));
	CHECK(h.requests == 1);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_ESTABLISHED);
	CHECK(pptp_ctrl_call(c)->peer_call_id == 0x4000);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);
	pptp_ctrl_free(c);
}

static void
case_call_refused(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	/* Refused later by the caller ... */
	msg_ocrq(&m, 0x4000);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_BUSY) == 0);
	put_hex(&e, "00 20 00 01 1a 2b 3c 4d 00 08 00 00 00 00 40 00");
	put_hex(&e, "04 00 00 00 00 00 00 00 00 40 00 00 00 00 00 00");
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_NONE);
	/* A reply with nothing waiting does nothing. */
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_CONNECTED) == 0);
	CHECK(h.out.len == 0);

	/* ... or at once by the callback: general error. */
	h.request_rv = -1;
	CHECK(feed(c, &m, 0) == 0);
	e.len = 0;
	put_hex(&e, "00 20 00 01 1a 2b 3c 4d 00 08 00 00 00 00 40 00");
	put_hex(&e, "02 00 00 00 00 00 00 00 00 40 00 00 00 00 00 00");
	CHECK(out_is(&e));
	CHECK(h.requests == 2);

	/* And the next request is taken. */
	h.request_rv = 0;
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_WAIT_REPLY);
	CHECK(h.last_call.call_id == 0x13);
	pptp_ctrl_free(c);
}

static void
case_call_id_exhausted(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	h.alloc_fail = 1;
	msg_ocrq(&m, 0x4000);
	put_hex(&e, "00 20 00 01 1a 2b 3c 4d 00 08 00 00 00 00 40 00");
	put_hex(&e, "02 04 00 00 00 00 00 00 00 40 00 00 00 00 00 00");
	CHECK(feed(c, &m, 0) == 0);
	CHECK(out_is(&e));
	CHECK(h.requests == 0);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_NONE);
	pptp_ctrl_free(c);
}

/* CDN (wire_examples 1.8 exactly), then StopCCRQ, then the reply. */
static void
case_server_disconnect(void)
{
	struct pptp_ctrl	*c = with_call();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	CHECK(pptp_ctrl_call_disconnect(c, PPTP_CDN_ADMIN_SHUTDOWN, 1000) ==
	    0);
	exp_cdn(&e, PPTP_CDN_ADMIN_SHUTDOWN);
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_STOPPING);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_NONE);
	CHECK(h.clears == 0);
	CHECK(pptp_ctrl_deadline(c) == 1000 + 5000);

	/* The "buggy client" CCRQ pptpd saw: ignored. */
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 0c 00 00 40 00 00 00");
	CHECK(feed(c, &m, 1100) == 0);
	CHECK(h.out.len == 0);
	/* Echoes are still answered. */
	m.len = e.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 03");
	put_hex(&e, "00 14 00 01 1a 2b 3c 4d 00 06 00 00 00 00 00 03");
	put_hex(&e, "01 00 00 00");
	CHECK(feed(c, &m, 1150) == 0);
	CHECK(out_is(&e));
	/* Twice is once. */
	CHECK(pptp_ctrl_call_disconnect(c, PPTP_CDN_ADMIN_SHUTDOWN, 1200) ==
	    0);
	CHECK(h.out.len == 0);

	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 04 00 00 01 00 00 00");
	CHECK(feed(c, &m, 1300) == -1);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	CHECK(h.clears == 0);
	pptp_ctrl_free(c);
}

static void
case_disconnect_timeout(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	c = with_call();
	CHECK(pptp_ctrl_call_disconnect(c, PPTP_CDN_LOST_CARRIER, 1000) == 0);
	h.out.len = 0;
	CHECK(pptp_ctrl_tick(c, 5999) == 0);
	CHECK(pptp_ctrl_tick(c, 6000) == -1);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);

	/* Both ends stopping at once: answer and close. */
	c = established();
	CHECK(pptp_ctrl_call_disconnect(c, PPTP_CDN_ADMIN_SHUTDOWN, 0) == 0);
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");
	CHECK(out_is(&e));
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");
	e.len = 0;
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 04 00 00 01 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(out_is(&e));
	pptp_ctrl_free(c);

	/* Before SCCRQ there is nobody to tell. */
	wire_conf(&conf);
	c = setup(&conf, 0);
	CHECK(pptp_ctrl_call_disconnect(c, PPTP_CDN_ADMIN_SHUTDOWN, 0) == -1);
	CHECK(h.out.len == 0);
	pptp_ctrl_free(c);
}

static void
case_stop_with_call(void)
{
	struct pptp_ctrl	*c = with_call();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 04 00 00 01 00 00 00");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(out_is(&e));
	CHECK(h.clears == 1 && h.cleared_id == 0x11);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	pptp_ctrl_free(c);
}

static void
case_set_link_info(void)
{
	struct pptp_ctrl	*c = with_call();
	struct buf		 m = { .len = 0 };
	uint32_t		 sa, ra;

	/* Windows: default ACCMs, then the negotiated ones. */
	msg_simple(&m, 24, 15, "00 11 00 00 ff ff ff ff ff ff ff ff");
	msg_simple(&m, 24, 15, "00 11 00 00 00 00 00 00 00 0a 00 00");
	CHECK(feed(c, &m, 0) == 0);
	pptp_ctrl_accm(c, &sa, &ra);
	CHECK(sa == 0 && ra == 0x000a0000);
	/* For another call: not recorded. */
	m.len = 0;
	msg_simple(&m, 24, 15, "00 12 00 00 12 34 56 78 12 34 56 78");
	CHECK(feed(c, &m, 0) == 0);
	pptp_ctrl_accm(c, &sa, &ra);
	CHECK(sa == 0 && ra == 0x000a0000);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_ESTABLISHED);
	pptp_ctrl_free(c);
}

static void
case_icrq_refused(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	/* wire_examples 1.7 ICRQ, Call ID 0x0012 */
	put_hex(&m, "00 dc 00 01 1a 2b 3c 4d 00 09 00 00 00 12 00 01");
	put_hex(&m, "00 00 00 01");
	put_zero(&m, 220 - 20);
	put_hex(&e, "00 18 00 01 1a 2b 3c 4d 00 0a 00 00 00 00 00 12");
	put_hex(&e, "03 00 00 40 00 00 00 00");
	CHECK(feed(c, &m, 0) == 0);
	CHECK(out_is(&e));
	CHECK(h.requests == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);
	pptp_ctrl_free(c);
}

static void
case_wan_error(void)
{
	struct pptp_ctrl	*c = with_call();
	struct buf		 m = { .len = 0 };

	/* wire_examples 1.9 WEN, with a few CRC errors */
	put_hex(&m, "00 28 00 01 1a 2b 3c 4d 00 0e 00 00 40 00 00 00");
	put_hex(&m, "00 00 00 03");
	put_zero(&m, 40 - 20);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_ESTABLISHED);
	pptp_ctrl_free(c);
}

/* What only a PAC sends is logged and ignored, as pptpd does. */
static void
case_unexpected(void)
{
	struct pptp_ctrl	*c = with_call();
	struct buf		 m = { .len = 0 };

	exp_sccrp(&m);
	exp_ocrp(&m);
	exp_cdn(&m, 1);
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 04 00 00 01 00 00 00");
	msg_simple(&m, 24, 10, "00 13 00 12 01 00 00 40 00 00 00 00");
	msg_simple(&m, 28, 11, "00 13 00 00 05 f5 e1 00 00 40 00 00 "
	    "00 00 00 01");
	put_hex(&m, "00 14 00 01 1a 2b 3c 4d 00 06 00 00 00 00 00 09");
	put_hex(&m, "01 00 00 00");
	/* A CCRQ for a call that is not ours */
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 0c 00 00 40 01 00 00");
	CHECK(feed(c, &m, 0) == 0);
	CHECK(h.out.len == 0);
	CHECK(h.clears == 0);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_ESTABLISHED);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_ESTABLISHED);
	pptp_ctrl_free(c);
}

static void
case_send_failure(void)
{
	struct pptp_ctrl	*c = with_call();
	struct buf		 m = { .len = 0 };

	h.send_fail = 1;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 05 00 00 00 00 00 01");
	CHECK(feed(c, &m, 0) == -1);
	CHECK(pptp_ctrl_state(c) == PPTP_CTRL_CLOSED);
	CHECK(h.clears == 1);
	pptp_ctrl_free(c);
}

/* The peer gives up while we set the call up. */
static void
case_clear_while_waiting(void)
{
	struct pptp_ctrl	*c = established();
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	msg_ocrq(&m, 0x4000);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_WAIT_REPLY);
	m.len = 0;
	put_hex(&m, "00 10 00 01 1a 2b 3c 4d 00 0c 00 00 40 00 00 00");
	CHECK(feed(c, &m, 0) == 0);
	exp_cdn(&e, PPTP_CDN_REQUEST);
	CHECK(out_is(&e));
	CHECK(h.clears == 1 && h.cleared_id == 0x11);
	/* The caller's late answer goes nowhere. */
	CHECK(pptp_ctrl_call_reply(c, PPTP_OCRP_CONNECTED) == 0);
	CHECK(h.out.len == 0);
	CHECK(pptp_ctrl_call_state(c) == PPTP_CALL_NONE);

	/* A server disconnect while waiting answers the OCRQ instead. */
	m.len = 0;
	msg_ocrq(&m, 0x4002);
	CHECK(feed(c, &m, 0) == 0);
	CHECK(pptp_ctrl_call_disconnect(c, PPTP_CDN_ADMIN_SHUTDOWN, 0) == 0);
	e.len = 0;
	put_hex(&e, "00 20 00 01 1a 2b 3c 4d 00 08 00 00 00 00 40 02");
	put_hex(&e, "02 00 00 00 00 00 00 00 00 40 00 00 00 00 00 00");
	put_hex(&e, "00 10 00 01 1a 2b 3c 4d 00 03 00 00 01 00 00 00");
	CHECK(out_is(&e));
	pptp_ctrl_free(c);
}

static void
case_defaults(void)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl	*c;
	struct buf		 m = { .len = 0 }, e = { .len = 0 };

	pptp_ctrl_conf_defaults(&conf);
	c = setup(&conf, 0);
	msg_sccrq(&m);
	CHECK(feed(c, &m, 0) == 0);
	put_hex(&e, "00 9c 00 01 1a 2b 3c 4d 00 02 00 00 01 00 01 00");
	put_hex(&e, "00 00 00 03 00 00 00 03 00 01 00 01");
	put_name(&e, "pppoxd");
	put_name(&e, "pppoxd");
	CHECK(out_is(&e));
	CHECK(pptp_ctrl_deadline(c) == 60000);
	pptp_ctrl_free(c);
}

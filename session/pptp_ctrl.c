/*
 * pptp_ctrl.c: the server end of a PPTP control connection (RFC 2637
 * section 2), pure protocol logic: bytes in, bytes out through a
 * callback, timers driven by the caller (see pptp_ctrl.h).
 *
 * Every control message has a fixed size, so the 12-octet header alone
 * says whether the peer is lying about a length: a message is checked
 * before its body is awaited, and anything that does not frame exactly
 * closes the connection, because a TCP stream that lost sync cannot be
 * resynchronised (RFC 2637 section 2: invalid Magic Cookie).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pptp_ctrl.h"
#include "wire.h"

#define PPTP_MSG_CONTROL	1
#define PPTP_MAGIC		0x1a2b3c4d
#define PPTP_VERSION		0x0100

/* SCCRP Result Codes */
#define PPTP_SCCRP_OK		1
#define PPTP_SCCRP_BAD_VERSION	5

/* General Error Codes */
#define PPTP_GE_NONE		0
#define PPTP_GE_NO_RESOURCE	4

/* StopCCRQ Reasons, StopCCRP and Echo-Reply Result Codes */
#define PPTP_STOP_NONE		1
#define PPTP_STOP_PROTOCOL	2
#define PPTP_STOPCCRP_OK	1
#define PPTP_ECHORP_OK		1

/* Incoming-Call-Reply Result Code */
#define PPTP_ICRP_REFUSED	3

struct pptp_ctrl {
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl_cb	 cb;
	enum pptp_ctrl_state	 state;
	enum pptp_ctrl_call_state call_state;
	struct pptp_ctrl_call	 call;

	uint8_t			 buf[PPTP_CTRL_MSG_MAX];
	size_t			 have;		/* octets in buf */
	size_t			 need;		/* the message's length, or 0 */
	uint16_t		 type;		/* of the message in buf */

	uint64_t		 start_deadline;
	uint64_t		 last_rx;	/* last whole message */
	int			 echo_wait;	/* our Echo-Request is out */
	uint32_t		 echo_id;
	uint64_t		 echo_sent;
	uint64_t		 stop_deadline;

	uint32_t		 send_accm;	/* from Set-Link-Info */
	uint32_t		 recv_accm;
};

static int	 pptp_ctrl_header(struct pptp_ctrl *);
static int	 pptp_ctrl_dispatch(struct pptp_ctrl *, uint64_t);
static int	 pptp_ctrl_stopping(struct pptp_ctrl *, uint16_t,
		    struct wire_reader *, uint64_t);
static int	 pptp_ctrl_close(struct pptp_ctrl *, const char *);
static int	 pptp_ctrl_abort(struct pptp_ctrl *, const char *);
static void	 pptp_ctrl_call_gone(struct pptp_ctrl *, const char *);
static void	 pptp_ctrl_put_hdr(struct wire_writer *, uint16_t);
static void	 pptp_ctrl_put_name(struct wire_writer *, const char *);
static int	 pptp_ctrl_send(struct pptp_ctrl *, struct wire_writer *,
		    uint16_t);
static int	 pptp_ctrl_send_sccrp(struct pptp_ctrl *, uint8_t);
static int	 pptp_ctrl_send_stopccrq(struct pptp_ctrl *, uint8_t);
static int	 pptp_ctrl_send_stopccrp(struct pptp_ctrl *);
static int	 pptp_ctrl_send_echorq(struct pptp_ctrl *);
static int	 pptp_ctrl_send_ocrp(struct pptp_ctrl *, uint16_t, uint16_t,
		    uint8_t, uint8_t, uint32_t);
static int	 pptp_ctrl_send_cdn(struct pptp_ctrl *, uint8_t);
static void	 pptp_ctrl_get_name(struct wire_reader *, char *, size_t);
static const char *pptp_ctrl_name(uint16_t);

static int	 pptp_ctrl_recv_sccrq(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_stopccrq(struct pptp_ctrl *,
		    struct wire_reader *, uint64_t);
static int	 pptp_ctrl_recv_stopccrp(struct pptp_ctrl *,
		    struct wire_reader *, uint64_t);
static int	 pptp_ctrl_recv_echorq(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_echorp(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_ocrq(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_icrq(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_ccrq(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_wen(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_sli(struct pptp_ctrl *, struct wire_reader *,
		    uint64_t);
static int	 pptp_ctrl_recv_unexpected(struct pptp_ctrl *,
		    struct wire_reader *, uint64_t);

/*
 * Every Control Message Type with its one valid length and what to do
 * with it on an established connection.  Replies and the incoming-call
 * direction are what a PAC sends, never a client: they are logged and
 * ignored as pptpd does ("Got a reply to a packet we didn't send").
 */
static const struct {
	const char	*name;
	uint16_t	 len;
	int		(*recv)(struct pptp_ctrl *, struct wire_reader *,
			    uint64_t);
} pptp_ctrl_msgs[] = {
	[PPTP_SCCRQ] =	{ "Start-Control-Connection-Request", 156,
			    pptp_ctrl_recv_sccrq },
	[PPTP_SCCRP] =	{ "Start-Control-Connection-Reply", 156,
			    pptp_ctrl_recv_unexpected },
	[PPTP_STOPCCRQ] = { "Stop-Control-Connection-Request", 16,
			    pptp_ctrl_recv_stopccrq },
	[PPTP_STOPCCRP] = { "Stop-Control-Connection-Reply", 16,
			    pptp_ctrl_recv_stopccrp },
	[PPTP_ECHORQ] =	{ "Echo-Request", 16, pptp_ctrl_recv_echorq },
	[PPTP_ECHORP] =	{ "Echo-Reply", 20, pptp_ctrl_recv_echorp },
	[PPTP_OCRQ] =	{ "Outgoing-Call-Request", 168, pptp_ctrl_recv_ocrq },
	[PPTP_OCRP] =	{ "Outgoing-Call-Reply", 32,
			    pptp_ctrl_recv_unexpected },
	[PPTP_ICRQ] =	{ "Incoming-Call-Request", 220, pptp_ctrl_recv_icrq },
	[PPTP_ICRP] =	{ "Incoming-Call-Reply", 24,
			    pptp_ctrl_recv_unexpected },
	[PPTP_ICCN] =	{ "Incoming-Call-Connected", 28,
			    pptp_ctrl_recv_unexpected },
	[PPTP_CCRQ] =	{ "Call-Clear-Request", 16, pptp_ctrl_recv_ccrq },
	[PPTP_CDN] =	{ "Call-Disconnect-Notify", 148,
			    pptp_ctrl_recv_unexpected },
	[PPTP_WEN] =	{ "WAN-Error-Notify", 40, pptp_ctrl_recv_wen },
	[PPTP_SLI] =	{ "Set-Link-Info", 24, pptp_ctrl_recv_sli },
};
#define PPTP_CTRL_NTYPES \
	(sizeof(pptp_ctrl_msgs) / sizeof(pptp_ctrl_msgs[0]))

void
pptp_ctrl_conf_defaults(struct pptp_ctrl_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	strlcpy(conf->log_prefix, "pptp", sizeof(conf->log_prefix));
	strlcpy(conf->hostname, "pppoxd", sizeof(conf->hostname));
	strlcpy(conf->vendor, "pppoxd", sizeof(conf->vendor));
	conf->framing_caps = PPTP_FRAMING_ASYNC | PPTP_FRAMING_SYNC;
	conf->bearer_caps = PPTP_BEARER_ANALOG | PPTP_BEARER_DIGITAL;
	conf->max_channels = 1;
	conf->firmware_rev = 0x0001;
	conf->recv_window = 64;
	conf->processing_delay = 0;
	/* pptpd: stimeout 10, IDLE_WAIT 60, MAX_ECHO_WAIT 60, bail() 5 */
	conf->start_timeout = 10 * 1000;
	conf->echo_interval = 60 * 1000;
	conf->echo_timeout = 60 * 1000;
	conf->stop_timeout = 5 * 1000;
}

struct pptp_ctrl *
pptp_ctrl_new(const struct pptp_ctrl_conf *conf, const struct pptp_ctrl_cb *cb,
    uint64_t now)
{
	struct pptp_ctrl	*c;

	if (cb->send == NULL || cb->call_id_alloc == NULL ||
	    cb->on_call_request == NULL)
		fatalx("%s: missing callback", __func__);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	c->conf = *conf;
	c->conf.log_prefix[sizeof(c->conf.log_prefix) - 1] = '\0';
	c->cb = *cb;
	c->state = PPTP_CTRL_IDLE;
	c->call_state = PPTP_CALL_NONE;
	c->start_deadline = conf->start_timeout == 0 ? PPTP_CTRL_NO_DEADLINE :
	    now + conf->start_timeout;
	c->last_rx = now;
	return (c);
}

void
pptp_ctrl_free(struct pptp_ctrl *c)
{
	free(c);
}

enum pptp_ctrl_state
pptp_ctrl_state(const struct pptp_ctrl *c)
{
	return (c->state);
}

enum pptp_ctrl_call_state
pptp_ctrl_call_state(const struct pptp_ctrl *c)
{
	return (c->call_state);
}

const struct pptp_ctrl_call *
pptp_ctrl_call(const struct pptp_ctrl *c)
{
	return (c->call_state == PPTP_CALL_NONE ? NULL : &c->call);
}

void
pptp_ctrl_accm(const struct pptp_ctrl *c, uint32_t *send_accm,
    uint32_t *recv_accm)
{
	*send_accm = c->send_accm;
	*recv_accm = c->recv_accm;
}

/*
 * Reassemble messages from the stream, however TCP split or joined
 * them: at most one message is ever buffered, and its header is checked
 * as soon as its 12 octets are in.
 */
int
pptp_ctrl_input(struct pptp_ctrl *c, const uint8_t *data, size_t len,
    uint64_t now)
{
	struct wire_reader	 in;
	size_t			 want, n;

	if (c->state == PPTP_CTRL_CLOSED)
		return (-1);
	wire_reader_init(&in, data, len);
	while (wire_left(&in) > 0) {
		want = (c->need == 0 ? PPTP_CTRL_HDR_LEN : c->need) - c->have;
		n = wire_left(&in) < want ? wire_left(&in) : want;
		if (wire_get_bytes(&in, c->buf + c->have, n) == -1)
			return (pptp_ctrl_close(c, "input over-read"));
		c->have += n;
		if (c->need == 0 && c->have == PPTP_CTRL_HDR_LEN) {
			if (pptp_ctrl_header(c) == -1)
				return (-1);
		}
		if (c->need != 0 && c->have == c->need) {
			if (pptp_ctrl_dispatch(c, now) == -1)
				return (-1);
			c->have = c->need = 0;
		}
	}
	return (0);
}

/* Check a complete header and learn the message's length from it. */
static int
pptp_ctrl_header(struct pptp_ctrl *c)
{
	struct wire_reader	 r;
	uint16_t		 len, msgtype, type, rsvd;
	uint32_t		 magic;
	char			 why[128];

	wire_reader_init(&r, c->buf, c->have);
	wire_get_u16(&r, &len);
	wire_get_u16(&r, &msgtype);
	wire_get_u32(&r, &magic);
	wire_get_u16(&r, &type);
	if (wire_get_u16(&r, &rsvd) == -1)
		return (pptp_ctrl_close(c, "short header"));

	if (magic != PPTP_MAGIC) {
		snprintf(why, sizeof(why), "bad magic cookie 0x%08x", magic);
		return (pptp_ctrl_close(c, why));
	}
	if (msgtype != PPTP_MSG_CONTROL) {
		snprintf(why, sizeof(why), "PPTP message type %u", msgtype);
		return (pptp_ctrl_close(c, why));
	}
	if (len < PPTP_CTRL_HDR_LEN || len > PPTP_CTRL_MSG_MAX) {
		snprintf(why, sizeof(why), "bad length %u", len);
		return (pptp_ctrl_close(c, why));
	}
	if (type == 0 || type >= PPTP_CTRL_NTYPES) {
		snprintf(why, sizeof(why), "unknown control message type %u",
		    type);
		return (pptp_ctrl_abort(c, why));
	}
	if (rsvd != 0) {
		snprintf(why, sizeof(why), "%s with reserved0 0x%04x",
		    pptp_ctrl_name(type), rsvd);
		return (pptp_ctrl_close(c, why));
	}
	if (len != pptp_ctrl_msgs[type].len) {
		snprintf(why, sizeof(why), "%s with length %u, not %u",
		    pptp_ctrl_name(type), len, pptp_ctrl_msgs[type].len);
		return (pptp_ctrl_close(c, why));
	}
	c->need = len;
	return (0);
}

static int
pptp_ctrl_dispatch(struct pptp_ctrl *c, uint64_t now)
{
	struct wire_reader	 r;
	uint16_t		 type;
	char			 why[128];

	wire_reader_init(&r, c->buf, c->need);
	wire_skip(&r, 8);
	wire_get_u16(&r, &type);
	if (wire_skip(&r, 2) == -1)
		return (pptp_ctrl_close(c, "short message"));
	c->type = type;

	/*
	 * Any whole message proves the peer alive (pitfalls D4: liveness
	 * is traffic from the TCP peer), whatever it is.
	 */
	c->last_rx = now;
	c->echo_wait = 0;

	switch (c->state) {
	case PPTP_CTRL_IDLE:
		if (type != PPTP_SCCRQ) {
			snprintf(why, sizeof(why), "%s before "
			    "Start-Control-Connection-Request",
			    pptp_ctrl_name(type));
			return (pptp_ctrl_close(c, why));
		}
		break;
	case PPTP_CTRL_ESTABLISHED:
		if (type == PPTP_SCCRQ)
			return (pptp_ctrl_abort(c, "second "
			    "Start-Control-Connection-Request"));
		break;
	case PPTP_CTRL_STOPPING:
		return (pptp_ctrl_stopping(c, type, &r, now));
	case PPTP_CTRL_CLOSED:
		return (-1);
	}
	log_debug("%s: received %s", c->conf.log_prefix,
	    pptp_ctrl_name(type));
	return (pptp_ctrl_msgs[type].recv(c, &r, now));
}

/* After our StopCCRQ only the end of the connection matters. */
static int
pptp_ctrl_stopping(struct pptp_ctrl *c, uint16_t type, struct wire_reader *r,
    uint64_t now)
{
	switch (type) {
	case PPTP_STOPCCRP:
		log_info("%s: control connection stopped",
		    c->conf.log_prefix);
		c->state = PPTP_CTRL_CLOSED;
		return (-1);
	case PPTP_STOPCCRQ:
		/* Both ends stopped at once: answer, and we are done. */
		return (pptp_ctrl_recv_stopccrq(c, r, now));
	case PPTP_ECHORQ:
		return (pptp_ctrl_recv_echorq(c, r, now));
	default:
		/*
		 * Among them the Call-Clear-Request that pptpd saw from
		 * clients answering its CDN ("buggy client").
		 */
		log_debug("%s: %s while stopping ignored", c->conf.log_prefix,
		    pptp_ctrl_name(type));
		return (0);
	}
}

/* Give up on the connection without a word: it cannot be trusted. */
static int
pptp_ctrl_close(struct pptp_ctrl *c, const char *why)
{
	log_warnx("%s: %s, closing control connection", c->conf.log_prefix,
	    why);
	pptp_ctrl_call_gone(c, why);
	c->state = PPTP_CTRL_CLOSED;
	return (-1);
}

/*
 * A well-framed message that breaks the protocol on an established
 * connection: tell the peer why (StopCCRQ, "stop-protocol") before
 * closing, as RFC 2637 section 2.3 provides; the peer gets no chance to
 * hold the connection open, so no reply is awaited.
 */
static int
pptp_ctrl_abort(struct pptp_ctrl *c, const char *why)
{
	if (c->state == PPTP_CTRL_ESTABLISHED)
		pptp_ctrl_send_stopccrq(c, PPTP_STOP_PROTOCOL);
	return (pptp_ctrl_close(c, why));
}

/* The call ended from the peer's side: tell the caller once. */
static void
pptp_ctrl_call_gone(struct pptp_ctrl *c, const char *why)
{
	if (c->call_state == PPTP_CALL_NONE)
		return;
	c->call_state = PPTP_CALL_NONE;
	if (c->cb.on_call_clear != NULL)
		c->cb.on_call_clear(c->cb.arg, c->call.call_id, why);
}

int
pptp_ctrl_tick(struct pptp_ctrl *c, uint64_t now)
{
	char	why[96];

	switch (c->state) {
	case PPTP_CTRL_IDLE:
		if (now >= c->start_deadline) {
			snprintf(why, sizeof(why), "no Start-Control-"
			    "Connection-Request within %u ms",
			    c->conf.start_timeout);
			return (pptp_ctrl_close(c, why));
		}
		return (0);
	case PPTP_CTRL_ESTABLISHED:
		if (c->conf.echo_interval == 0)
			return (0);
		if (c->echo_wait) {
			if (now < c->echo_sent + c->conf.echo_timeout)
				return (0);
			snprintf(why, sizeof(why), "no Echo-Reply within %u ms",
			    c->conf.echo_timeout);
			return (pptp_ctrl_close(c, why));
		}
		if (now < c->last_rx + c->conf.echo_interval)
			return (0);
		c->echo_wait = 1;
		c->echo_sent = now;
		return (pptp_ctrl_send_echorq(c));
	case PPTP_CTRL_STOPPING:
		if (now < c->stop_deadline)
			return (0);
		log_info("%s: no Stop-Control-Connection-Reply, closing",
		    c->conf.log_prefix);
		c->state = PPTP_CTRL_CLOSED;
		return (-1);
	case PPTP_CTRL_CLOSED:
		break;
	}
	return (-1);
}

uint64_t
pptp_ctrl_deadline(const struct pptp_ctrl *c)
{
	switch (c->state) {
	case PPTP_CTRL_IDLE:
		return (c->start_deadline);
	case PPTP_CTRL_ESTABLISHED:
		if (c->conf.echo_interval == 0)
			return (PPTP_CTRL_NO_DEADLINE);
		if (c->echo_wait)
			return (c->echo_sent + c->conf.echo_timeout);
		return (c->last_rx + c->conf.echo_interval);
	case PPTP_CTRL_STOPPING:
		return (c->stop_deadline);
	case PPTP_CTRL_CLOSED:
		break;
	}
	return (PPTP_CTRL_NO_DEADLINE);
}

/*
 * The caller's answer to on_call_request: PPTP_OCRP_CONNECTED once the
 * call's GRE socket is ready, any other OCRP result to refuse it.
 */
int
pptp_ctrl_call_reply(struct pptp_ctrl *c, uint8_t result)
{
	if (c->state == PPTP_CTRL_CLOSED)
		return (-1);
	if (c->state != PPTP_CTRL_ESTABLISHED ||
	    c->call_state != PPTP_CALL_WAIT_REPLY) {
		log_warnx("%s: %s: no call waiting for a reply",
		    c->conf.log_prefix, __func__);
		return (0);
	}
	if (result == PPTP_OCRP_CONNECTED) {
		c->call_state = PPTP_CALL_ESTABLISHED;
		log_info("%s: call %u (peer %u) connected", c->conf.log_prefix,
		    c->call.call_id, c->call.peer_call_id);
		return (pptp_ctrl_send_ocrp(c, c->call.call_id,
		    c->call.peer_call_id, result, PPTP_GE_NONE,
		    c->call.max_bps));
	}
	c->call_state = PPTP_CALL_NONE;
	log_info("%s: call from peer %u refused with result %u",
	    c->conf.log_prefix, c->call.peer_call_id, result);
	return (pptp_ctrl_send_ocrp(c, 0, c->call.peer_call_id, result,
	    PPTP_GE_NONE, 0));
}

/*
 * Our end of the session is over (PPP terminated, an administrator, a
 * shutdown): Call-Disconnect-Notify with the given CDN result, then
 * Stop-Control-Connection-Request, and wait stop_timeout for the reply,
 * as pptpd's bail() does (pitfalls D4).  on_call_clear is not called.
 */
int
pptp_ctrl_call_disconnect(struct pptp_ctrl *c, uint8_t result, uint64_t now)
{
	switch (c->state) {
	case PPTP_CTRL_IDLE:
		c->state = PPTP_CTRL_CLOSED;
		return (-1);
	case PPTP_CTRL_STOPPING:
		return (0);
	case PPTP_CTRL_CLOSED:
		return (-1);
	case PPTP_CTRL_ESTABLISHED:
		break;
	}
	switch (c->call_state) {
	case PPTP_CALL_ESTABLISHED:
		c->call_state = PPTP_CALL_NONE;
		if (pptp_ctrl_send_cdn(c, result) == -1)
			return (-1);
		break;
	case PPTP_CALL_WAIT_REPLY:
		c->call_state = PPTP_CALL_NONE;
		if (pptp_ctrl_send_ocrp(c, 0, c->call.peer_call_id,
		    PPTP_OCRP_ERROR, PPTP_GE_NONE, 0) == -1)
			return (-1);
		break;
	case PPTP_CALL_NONE:
		break;
	}
	if (pptp_ctrl_send_stopccrq(c, PPTP_STOP_NONE) == -1)
		return (-1);
	c->state = PPTP_CTRL_STOPPING;
	c->stop_deadline = now + c->conf.stop_timeout;
	return (0);
}

static int
pptp_ctrl_recv_sccrq(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	uint16_t	version, maxch, firmware;
	uint32_t	framing, bearer;
	char		host[PPTP_CTRL_NAME_LEN * 4 + 1];
	char		vendor[PPTP_CTRL_NAME_LEN * 4 + 1];

	(void)now;
	wire_get_u16(r, &version);
	wire_skip(r, 2);
	wire_get_u32(r, &framing);
	wire_get_u32(r, &bearer);
	wire_get_u16(r, &maxch);
	wire_get_u16(r, &firmware);
	pptp_ctrl_get_name(r, host, sizeof(host));
	pptp_ctrl_get_name(r, vendor, sizeof(vendor));
	if (r->error)
		return (pptp_ctrl_close(c, "short Start-Control-"
		    "Connection-Request"));
	if (version != PPTP_VERSION) {
		pptp_ctrl_send_sccrp(c, PPTP_SCCRP_BAD_VERSION);
		log_warnx("%s: protocol version 0x%04x not supported, "
		    "closing control connection", c->conf.log_prefix, version);
		c->state = PPTP_CTRL_CLOSED;
		return (-1);
	}
	log_info("%s: control connection from \"%s\" vendor \"%s\" "
	    "firmware 0x%04x framing 0x%x bearer 0x%x", c->conf.log_prefix,
	    host, vendor, firmware, framing, bearer);
	c->state = PPTP_CTRL_ESTABLISHED;
	return (pptp_ctrl_send_sccrp(c, PPTP_SCCRP_OK));
}

static int
pptp_ctrl_recv_stopccrq(struct pptp_ctrl *c, struct wire_reader *r,
    uint64_t now)
{
	uint8_t	reason = 0;

	(void)now;
	wire_get_u8(r, &reason);
	log_info("%s: peer stops the control connection (reason %u)",
	    c->conf.log_prefix, reason);
	pptp_ctrl_call_gone(c, "peer stopped the control connection");
	pptp_ctrl_send_stopccrp(c);
	c->state = PPTP_CTRL_CLOSED;
	return (-1);
}

static int
pptp_ctrl_recv_stopccrp(struct pptp_ctrl *c, struct wire_reader *r,
    uint64_t now)
{
	(void)r;
	(void)now;
	log_warnx("%s: Stop-Control-Connection-Reply without a request "
	    "ignored", c->conf.log_prefix);
	return (0);
}

static int
pptp_ctrl_recv_echorq(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];
	uint32_t		id = 0;

	(void)now;
	wire_get_u32(r, &id);
	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_ECHORP);
	wire_put_u32(&w, id);
	wire_put_u8(&w, PPTP_ECHORP_OK);
	wire_put_u8(&w, PPTP_GE_NONE);
	wire_put_u16(&w, 0);
	return (pptp_ctrl_send(c, &w, PPTP_ECHORP));
}

static int
pptp_ctrl_recv_echorp(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	uint32_t	id = 0;
	uint8_t		result = 0;

	(void)now;
	wire_get_u32(r, &id);
	wire_get_u8(r, &result);
	/* Any message already counted as a sign of life; just note oddities. */
	if (id != c->echo_id || result != PPTP_ECHORP_OK)
		log_debug("%s: Echo-Reply id %u result %u (expected id %u)",
		    c->conf.log_prefix, id, result, c->echo_id);
	return (0);
}

static int
pptp_ctrl_recv_ocrq(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	struct pptp_ctrl_call	call;

	(void)now;
	memset(&call, 0, sizeof(call));
	wire_get_u16(r, &call.peer_call_id);
	wire_get_u16(r, &call.serial);
	wire_get_u32(r, &call.min_bps);
	wire_get_u32(r, &call.max_bps);
	wire_skip(r, 8);		/* bearer and framing type */
	wire_get_u16(r, &call.peer_window);
	wire_get_u16(r, &call.peer_delay);
	if (r->error)
		return (pptp_ctrl_close(c, "short Outgoing-Call-Request"));

	/*
	 * One call per control connection, which is all a PPTP client
	 * opens.  A second request is refused as "busy" and the first call
	 * goes on.  (pptpd instead tears the first call down and starts
	 * the new one; refusing keeps a working call from being replaced
	 * by a confused or hostile peer, and a client that really wants a
	 * new call clears the old one first.)
	 */
	if (c->call_state != PPTP_CALL_NONE) {
		log_warnx("%s: second Outgoing-Call-Request (peer call %u) "
		    "refused as busy", c->conf.log_prefix, call.peer_call_id);
		return (pptp_ctrl_send_ocrp(c, 0, call.peer_call_id,
		    PPTP_OCRP_BUSY, PPTP_GE_NONE, 0));
	}
	if (c->cb.call_id_alloc(c->cb.arg, &call.call_id) == -1) {
		log_warnx("%s: no free Call ID, call from peer %u refused",
		    c->conf.log_prefix, call.peer_call_id);
		return (pptp_ctrl_send_ocrp(c, 0, call.peer_call_id,
		    PPTP_OCRP_ERROR, PPTP_GE_NO_RESOURCE, 0));
	}
	c->call = call;
	c->call_state = PPTP_CALL_WAIT_REPLY;
	log_info("%s: call request: peer call %u serial %u window %u "
	    "delay %u, our call %u", c->conf.log_prefix, call.peer_call_id,
	    call.serial, call.peer_window, call.peer_delay, call.call_id);
	if (c->cb.on_call_request(c->cb.arg, &c->call) == -1 &&
	    c->state == PPTP_CTRL_ESTABLISHED &&
	    c->call_state == PPTP_CALL_WAIT_REPLY)
		return (pptp_ctrl_call_reply(c, PPTP_OCRP_ERROR));
	return (c->state == PPTP_CTRL_CLOSED ? -1 : 0);
}

/*
 * A client has no business offering us an incoming call; say "do not
 * accept" so that it is not left waiting, and keep the connection.
 * (pptpd logs such messages as unsupported and ignores them.)
 */
static int
pptp_ctrl_recv_icrq(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];
	uint16_t		peer_call_id = 0;

	(void)now;
	wire_get_u16(r, &peer_call_id);
	log_warnx("%s: Incoming-Call-Request (peer call %u) refused",
	    c->conf.log_prefix, peer_call_id);
	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_ICRP);
	wire_put_u16(&w, 0);
	wire_put_u16(&w, peer_call_id);
	wire_put_u8(&w, PPTP_ICRP_REFUSED);
	wire_put_u8(&w, PPTP_GE_NONE);
	wire_put_u16(&w, c->conf.recv_window);
	wire_put_u16(&w, c->conf.processing_delay);
	wire_put_u16(&w, 0);
	return (pptp_ctrl_send(c, &w, PPTP_ICRP));
}

static int
pptp_ctrl_recv_ccrq(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	uint16_t	peer_call_id = 0;

	(void)now;
	wire_get_u16(r, &peer_call_id);
	if (c->call_state == PPTP_CALL_NONE ||
	    peer_call_id != c->call.peer_call_id) {
		log_warnx("%s: Call-Clear-Request for unknown call %u ignored",
		    c->conf.log_prefix, peer_call_id);
		return (0);
	}
	log_info("%s: peer cleared call %u", c->conf.log_prefix,
	    c->call.call_id);
	pptp_ctrl_call_gone(c, "peer cleared the call");
	return (pptp_ctrl_send_cdn(c, PPTP_CDN_REQUEST));
}

static int
pptp_ctrl_recv_wen(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	uint16_t	call_id = 0;
	uint32_t	crc = 0, framing = 0, hw = 0, buffer = 0, timeout = 0;
	uint32_t	align = 0;

	(void)now;
	wire_get_u16(r, &call_id);
	wire_skip(r, 2);
	wire_get_u32(r, &crc);
	wire_get_u32(r, &framing);
	wire_get_u32(r, &hw);
	wire_get_u32(r, &buffer);
	wire_get_u32(r, &timeout);
	wire_get_u32(r, &align);
	log_info("%s: WAN-Error-Notify call %u: CRC %u framing %u hardware "
	    "%u buffer %u timeout %u alignment %u", c->conf.log_prefix,
	    call_id, crc, framing, hw, buffer, timeout, align);
	return (0);
}

/*
 * Windows sends Set-Link-Info with default ACCMs and again with the
 * negotiated ones.  GRE-carried PPP has no async escaping, so, as pptpd
 * does (pitfalls D3), the ACCMs are recorded for the log and not used.
 */
static int
pptp_ctrl_recv_sli(struct pptp_ctrl *c, struct wire_reader *r, uint64_t now)
{
	uint16_t	call_id = 0;
	uint32_t	send_accm = 0, recv_accm = 0;

	(void)now;
	wire_get_u16(r, &call_id);
	wire_skip(r, 2);
	wire_get_u32(r, &send_accm);
	wire_get_u32(r, &recv_accm);
	if (c->call_state == PPTP_CALL_NONE || call_id != c->call.call_id) {
		log_debug("%s: Set-Link-Info for unknown call %u ignored",
		    c->conf.log_prefix, call_id);
		return (0);
	}
	c->send_accm = send_accm;
	c->recv_accm = recv_accm;
	log_debug("%s: Set-Link-Info send ACCM 0x%08x receive ACCM 0x%08x "
	    "ignored", c->conf.log_prefix, send_accm, recv_accm);
	return (0);
}

static int
pptp_ctrl_recv_unexpected(struct pptp_ctrl *c, struct wire_reader *r,
    uint64_t now)
{
	(void)now;
	(void)r;
	log_warnx("%s: unexpected %s from the client ignored",
	    c->conf.log_prefix, pptp_ctrl_name(c->type));
	return (0);
}

static void
pptp_ctrl_put_hdr(struct wire_writer *w, uint16_t type)
{
	wire_put_u16(w, pptp_ctrl_msgs[type].len);
	wire_put_u16(w, PPTP_MSG_CONTROL);
	wire_put_u32(w, PPTP_MAGIC);
	wire_put_u16(w, type);
	wire_put_u16(w, 0);
}

/* A NUL-padded 64-octet name field; a full 64 octets need no NUL. */
static void
pptp_ctrl_put_name(struct wire_writer *w, const char *name)
{
	uint8_t	field[PPTP_CTRL_NAME_LEN];

	memset(field, 0, sizeof(field));
	memcpy(field, name, strnlen(name, sizeof(field)));
	wire_put_bytes(w, field, sizeof(field));
}

/* The peer's name field up to its first NUL, printable for the log. */
static void
pptp_ctrl_get_name(struct wire_reader *r, char *dst, size_t dstsz)
{
	struct wire_reader	 name;
	const uint8_t		*p, *nul;
	size_t			 n = PPTP_CTRL_NAME_LEN;

	if (wire_get_ref(r, &p, PPTP_CTRL_NAME_LEN) == -1) {
		if (dstsz > 0)
			dst[0] = '\0';
		return;
	}
	if ((nul = memchr(p, '\0', PPTP_CTRL_NAME_LEN)) != NULL)
		n = (size_t)(nul - p);
	wire_reader_init(&name, p, n);
	wire_printable(dst, dstsz, &name);
}

static int
pptp_ctrl_send(struct pptp_ctrl *c, struct wire_writer *w, uint16_t type)
{
	if (w->error || w->len != pptp_ctrl_msgs[type].len)
		fatalx("%s: %s built with %zu octets", __func__,
		    pptp_ctrl_name(type), w->len);
	log_debug("%s: sending %s", c->conf.log_prefix, pptp_ctrl_name(type));
	if (c->cb.send(c->cb.arg, w->p, w->len) == -1) {
		log_warnx("%s: cannot send %s, closing control connection",
		    c->conf.log_prefix, pptp_ctrl_name(type));
		pptp_ctrl_call_gone(c, "control connection failed");
		c->state = PPTP_CTRL_CLOSED;
		return (-1);
	}
	return (0);
}

static int
pptp_ctrl_send_sccrp(struct pptp_ctrl *c, uint8_t result)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];

	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_SCCRP);
	wire_put_u16(&w, PPTP_VERSION);
	wire_put_u8(&w, result);
	wire_put_u8(&w, PPTP_GE_NONE);
	wire_put_u32(&w, c->conf.framing_caps);
	wire_put_u32(&w, c->conf.bearer_caps);
	wire_put_u16(&w, c->conf.max_channels);
	wire_put_u16(&w, c->conf.firmware_rev);
	pptp_ctrl_put_name(&w, c->conf.hostname);
	pptp_ctrl_put_name(&w, c->conf.vendor);
	return (pptp_ctrl_send(c, &w, PPTP_SCCRP));
}

static int
pptp_ctrl_send_stopccrq(struct pptp_ctrl *c, uint8_t reason)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];

	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_STOPCCRQ);
	wire_put_u8(&w, reason);
	wire_put_u8(&w, 0);
	wire_put_u16(&w, 0);
	return (pptp_ctrl_send(c, &w, PPTP_STOPCCRQ));
}

static int
pptp_ctrl_send_stopccrp(struct pptp_ctrl *c)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];

	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_STOPCCRP);
	wire_put_u8(&w, PPTP_STOPCCRP_OK);
	wire_put_u8(&w, PPTP_GE_NONE);
	wire_put_u16(&w, 0);
	return (pptp_ctrl_send(c, &w, PPTP_STOPCCRP));
}

static int
pptp_ctrl_send_echorq(struct pptp_ctrl *c)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];

	c->echo_id++;
	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_ECHORQ);
	wire_put_u32(&w, c->echo_id);
	return (pptp_ctrl_send(c, &w, PPTP_ECHORQ));
}

/*
 * Connect Speed echoes the client's maximum as pptpd and accel-ppp do;
 * the window is ours, what the GRE side will buffer.
 */
static int
pptp_ctrl_send_ocrp(struct pptp_ctrl *c, uint16_t call_id,
    uint16_t peer_call_id, uint8_t result, uint8_t error, uint32_t speed)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];

	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_OCRP);
	wire_put_u16(&w, call_id);
	wire_put_u16(&w, peer_call_id);
	wire_put_u8(&w, result);
	wire_put_u8(&w, error);
	wire_put_u16(&w, 0);		/* cause code */
	wire_put_u32(&w, speed);
	wire_put_u16(&w, c->conf.recv_window);
	wire_put_u16(&w, c->conf.processing_delay);
	wire_put_u32(&w, 0);		/* physical channel ID */
	return (pptp_ctrl_send(c, &w, PPTP_OCRP));
}

static int
pptp_ctrl_send_cdn(struct pptp_ctrl *c, uint8_t result)
{
	struct wire_writer	w;
	uint8_t			out[PPTP_CTRL_MSG_MAX];
	uint8_t			stats[128];

	memset(stats, 0, sizeof(stats));
	wire_writer_init(&w, out, sizeof(out));
	pptp_ctrl_put_hdr(&w, PPTP_CDN);
	wire_put_u16(&w, c->call.call_id);
	wire_put_u8(&w, result);
	wire_put_u8(&w, PPTP_GE_NONE);
	wire_put_u16(&w, 0);		/* cause code */
	wire_put_u16(&w, 0);
	wire_put_bytes(&w, stats, sizeof(stats));
	return (pptp_ctrl_send(c, &w, PPTP_CDN));
}

static const char *
pptp_ctrl_name(uint16_t type)
{
	if (type == 0 || type >= PPTP_CTRL_NTYPES)
		return ("unknown message");
	return (pptp_ctrl_msgs[type].name);
}

/*
 * fuzz_pptp_ctrl: a PPTP control connection driven by arbitrary bytes.
 * The input is a list of operations, so the fuzzer reaches every state
 * and not only the parser:
 *
 *	0x00 n data[n+1]	feed n+1 octets as the peer's TCP stream
 *	0x01 t			let t * 100 ms pass and tick
 *	0x02 r			answer a pending call with OCRP result r
 *	0x03 r			disconnect with CDN result r
 *	0x04 b			set the callbacks' behaviour from bits of b
 *
 * (other opcodes are taken modulo 5).  Everything we send must be a
 * well-formed control message, and a closed connection must stay
 * closed; abort() reports a violation like a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "pptp_ctrl.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_ctx {
	struct pptp_ctrl	*ctrl;
	int			 fail_send;
	int			 fail_alloc;
	int			 reject;
	int			 reply_now;
	uint16_t		 next_id;
	int			 cleared;
};

static int	fuzz_send(void *, const uint8_t *, size_t);
static int	fuzz_alloc(void *, uint16_t *);
static int	fuzz_request(void *, const struct pptp_ctrl_call *);
static void	fuzz_clear(void *, uint16_t, const char *);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, LOG_DAEMON);
	log_setverbose(1);
	return (0);
}

/* Our messages: the length field says the length, the cookie is there. */
static int
fuzz_send(void *arg, const uint8_t *buf, size_t len)
{
	struct fuzz_ctx	*f = arg;

	if (len < PPTP_CTRL_HDR_LEN || len > PPTP_CTRL_MSG_MAX ||
	    (size_t)((buf[0] << 8) | buf[1]) != len ||
	    buf[2] != 0 || buf[3] != 1 || buf[4] != 0x1a || buf[5] != 0x2b ||
	    buf[6] != 0x3c || buf[7] != 0x4d || buf[10] != 0 || buf[11] != 0)
		abort();
	return (f->fail_send ? -1 : 0);
}

static int
fuzz_alloc(void *arg, uint16_t *id)
{
	struct fuzz_ctx	*f = arg;

	if (f->fail_alloc)
		return (-1);
	*id = f->next_id++;
	return (0);
}

static int
fuzz_request(void *arg, const struct pptp_ctrl_call *call)
{
	struct fuzz_ctx	*f = arg;

	if (pptp_ctrl_call_state(f->ctrl) != PPTP_CALL_WAIT_REPLY ||
	    pptp_ctrl_call(f->ctrl) != call)
		abort();
	if (f->reply_now)
		pptp_ctrl_call_reply(f->ctrl, PPTP_OCRP_CONNECTED);
	return (f->reject ? -1 : 0);
}

static void
fuzz_clear(void *arg, uint16_t call_id, const char *why)
{
	struct fuzz_ctx	*f = arg;

	(void)call_id;
	if (why == NULL ||
	    pptp_ctrl_call_state(f->ctrl) != PPTP_CALL_NONE)
		abort();
	f->cleared++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_ctrl_conf	conf;
	struct pptp_ctrl_cb	cb;
	struct fuzz_ctx		f;
	uint64_t		now = 0;
	size_t			off = 0, n;
	int			rv, closed = 0;
	uint8_t			op, arg;

	memset(&f, 0, sizeof(f));
	f.next_id = 1;
	pptp_ctrl_conf_defaults(&conf);
	conf.echo_interval = 1000;
	conf.echo_timeout = 500;
	memset(&cb, 0, sizeof(cb));
	cb.arg = &f;
	cb.send = fuzz_send;
	cb.call_id_alloc = fuzz_alloc;
	cb.on_call_request = fuzz_request;
	cb.on_call_clear = fuzz_clear;
	if ((f.ctrl = pptp_ctrl_new(&conf, &cb, now)) == NULL)
		abort();

	while (off + 2 <= size) {
		op = data[off] % 5;
		arg = data[off + 1];
		off += 2;
		switch (op) {
		case 0:
			n = (size_t)arg + 1;
			if (n > size - off)
				n = size - off;
			rv = pptp_ctrl_input(f.ctrl, data + off, n, now);
			off += n;
			break;
		case 1:
			now += (uint64_t)arg * 100;
			rv = pptp_ctrl_tick(f.ctrl, now);
			break;
		case 2:
			rv = pptp_ctrl_call_reply(f.ctrl, arg % 8);
			break;
		case 3:
			rv = pptp_ctrl_call_disconnect(f.ctrl, arg % 5, now);
			break;
		default:
			f.fail_send = (arg & 1) != 0;
			f.fail_alloc = (arg & 2) != 0;
			f.reject = (arg & 4) != 0;
			f.reply_now = (arg & 8) != 0;
			rv = pptp_ctrl_state(f.ctrl) == PPTP_CTRL_CLOSED ?
			    -1 : 0;
			break;
		}
		/* -1 exactly when closed, and closed for good. */
		if ((rv == -1) != (pptp_ctrl_state(f.ctrl) == PPTP_CTRL_CLOSED))
			abort();
		if (closed && rv != -1)
			abort();
		closed = rv == -1;
	}
	pptp_ctrl_free(f.ctrl);
	return (0);
}

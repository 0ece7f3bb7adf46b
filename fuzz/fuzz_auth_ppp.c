/*
 * fuzz_auth_ppp: arbitrary PAP and CHAP frames, and arbitrary answers
 * from a fake auth process, into session/auth_ppp.c on a link in the
 * Authenticate phase.
 *
 * Input layout: one setup octet, then records of
 *	op(1) length(2, big-endian) data(length)
 * Setup: bits 0-1 the method (PAP, CHAP-MD5, MS-CHAPv1, MS-CHAPv2),
 * bits 2-3 max failures - 1, bit 4 PPPoE framing, bit 5 an auth that
 * answers inside the callbacks, bit 6 a small peer MRU (128).
 * A record's op (low 3 bits): 0 the data as a PAP packet, 1 as a CHAP
 * packet, 2 as a whole frame, 3 fire the earliest timer, 4 auth's
 * challenge (the data, up to 16 octets), 5 auth's verdict (first octet:
 * bit 0 ok, bit 1 retry; the rest fills the message, unterminated),
 * 6 the peer renegotiates LCP and Acks us again, 7 the peer's LCP
 * Configure-Request only.  With op bit 3 set, a PAP or CHAP packet gets
 * the Identifier of our last Challenge (plus 1 with bit 4 too), so that
 * inputs reach past the random Identifier.
 *
 * Every frame sent is checked: well formed, within the peer's MRU, PAP
 * and CHAP packets of a code we may send with consistent lengths; the
 * module must never call done twice, nor hand auth a request whose name
 * or response breaks the rules.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "auth_ppp.h"
#include "fsm.h"
#include "fz_link.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "pppoxd.h"
#include "wire.h"

struct fz {
	struct fz_link	 fl;
	struct auth_ppp	*ap;
	int		 small_mru;	/* the peer asks for PPP_MRU_MIN */
	int		 method;	/* enum ppp_auth */
	int		 sync;
	int		 dones;
	int		 answers;	/* synchronous verdicts given */
	uint8_t		 chal_id;	/* of our last Challenge */
};

static struct fz	 z;

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A PAP or CHAP packet we sent. */
static void
fz_check_auth(uint16_t proto, struct wire_reader *r)
{
	uint8_t		 code, id, n;
	uint16_t	 len;

	if (wire_get_u8(r, &code) == -1 || wire_get_u8(r, &id) == -1 ||
	    wire_get_u16(r, &len) == -1 || len != wire_left(r) + 4)
		abort();
	if (proto == PPP_PAP) {
		if ((code != PAP_AUTHACK && code != PAP_AUTHNAK) ||
		    wire_get_u8(r, &n) == -1 || n != wire_left(r) ||
		    z.method != PPP_AUTH_PAP)
			abort();
		return;
	}
	if (z.method == PPP_AUTH_PAP)
		abort();
	switch (code) {
	case CHAP_CHALLENGE:
		z.chal_id = id;
		if (wire_get_u8(r, &n) == -1 || n == 0 ||
		    n > AUTH_CHALLENGE_MAX || wire_skip(r, n) == -1)
			abort();
		break;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		break;
	default:
		abort();
	}
}

static void
fz_check(void *arg, uint16_t proto, const uint8_t *frame,
    struct wire_reader *r)
{
	(void)arg;
	(void)frame;
	if (proto == PPP_PAP || proto == PPP_CHAP)
		fz_check_auth(proto, r);
}

static void
fz_challenge_req(void *arg, int method)
{
	struct auth_challenge	 ch;

	(void)arg;
	if (method != AUTH_CHAP_MD5 && method != AUTH_MSCHAP_V1 &&
	    method != AUTH_MSCHAP_V2)
		abort();
	if (!z.sync)
		return;
	memset(&ch, 0x5a, sizeof(ch));
	ch.len = method == AUTH_MSCHAP_V1 ? 8 : 16;
	auth_ppp_challenge(z.ap, &ch);
}

static void
fz_request(void *arg, const struct auth_request *req)
{
	struct auth_result	 res;
	size_t			 namelen;

	(void)arg;
	namelen = strnlen(req->name, sizeof(req->name));
	if (namelen == 0 || namelen == sizeof(req->name) ||
	    req->response_len > sizeof(req->response))
		abort();
	if (req->method != AUTH_PAP && req->response_len !=
	    (req->method == AUTH_CHAP_MD5 ? 16 : 49))
		abort();
	if (!z.sync)
		return;
	memset(&res, 0, sizeof(res));
	res.ok = (++z.answers % 3) == 0;
	res.retry = 1;
	strlcpy(res.message, res.ok ? "S=00 M=ok" : "E=691 R=1 C=00 V=3",
	    sizeof(res.message));
	auth_ppp_result(z.ap, &res);
}

static void
fz_done(void *arg, int ok, const char *user, const struct auth_result *res)
{
	(void)arg;
	if (++z.dones > 1 || user == NULL || strlen(user) >= PPP_NAME_MAX ||
	    (ok && res == NULL))
		abort();
}

/*
 * A frame in an allocation of its own, so ASan sees any over-read; id:
 * put this Identifier in, -1 to leave the data as it is.
 */
static void
fz_input(uint16_t proto, const struct wire_reader *rec, int id)
{
	struct wire_reader	 r = *rec;
	size_t			 len = wire_left(&r), off = 0;
	uint8_t			*frame;

	if ((frame = malloc(len + 4)) == NULL)
		return;
	if (proto != 0) {
		frame[off++] = 0xff;
		frame[off++] = 0x03;
		frame[off++] = proto >> 8;
		frame[off++] = proto & 0xff;
	}
	wire_get_bytes(&r, frame + off, len);
	if (id != -1 && len >= 2)
		frame[off + 1] = id;
	ppp_input(z.fl.ppp, frame, off + len);
	free(frame);
}

static void
fz_cp(uint16_t proto, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	uint8_t			 buf[4 + FSM_OPTS_MAX];
	struct wire_reader	 r;

	if (len > FSM_OPTS_MAX)
		return;
	buf[0] = code;
	buf[1] = id;
	buf[2] = (len + 4) >> 8;
	buf[3] = (len + 4) & 0xff;
	memcpy(buf + 4, data, len);
	wire_reader_init(&r, buf, len + 4);
	fz_input(proto, &r, -1);
}

/*
 * The peer requests its options and, unless only, Acks ours.  It asks
 * for MRU 128 with setup bit 6, and for ACFC except on PPPoE, where we
 * would Reject it.
 */
static void
fz_lcp(int only)
{
	struct lcp		*lcp = z.fl.ppp->lcp;
	uint8_t			 opts[32];
	struct wire_writer	 w;

	wire_writer_init(&w, opts, sizeof(opts));
	if (z.small_mru) {
		wire_put_u8(&w, LCP_OPT_MRU);
		wire_put_u8(&w, 4);
		wire_put_u16(&w, PPP_MRU_MIN);
	}
	wire_put_u8(&w, LCP_OPT_MAGIC);
	wire_put_u8(&w, 6);
	wire_put_u32(&w, 0x12345678);
	wire_put_u8(&w, LCP_OPT_PFC);
	wire_put_u8(&w, 2);
	if (!(z.fl.flags & PPP_LINK_NO_ADDRCTL)) {
		wire_put_u8(&w, LCP_OPT_ACFC);
		wire_put_u8(&w, 2);
	}
	fz_cp(PPP_LCP, CP_CONFREQ, 1, opts, w.len);
	if (!only)
		fz_cp(PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
		    lcp->fsm.reqlen);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, LOG_DAEMON);
	log_setverbose(0);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 methods[] = { PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5,
	    PPP_AUTH_MSCHAP_V1, PPP_AUTH_MSCHAP_V2 };
	struct wire_reader	 in, rec;
	struct ppp_params	 conf;
	struct ppp_link		 link;
	struct auth_ppp_cb	 cb;
	struct auth_challenge	 ch;
	struct auth_result	 res;
	uint8_t			 setup, op, b;
	uint16_t		 len;
	size_t			 n;
	int			 id;

	wire_reader_init(&in, data, size);
	if (wire_get_u8(&in, &setup) == -1)
		return (0);
	memset(&z, 0, sizeof(z));
	fz_link_init(&z.fl, &link, (setup & 0x10) != 0, 7, fz_check, NULL);
	z.small_mru = (setup & 0x40) != 0;
	z.method = methods[setup & 3];
	z.sync = (setup & 0x20) != 0;

	ppp_params_default(&conf);
	conf.echo_interval = 0;
	conf.auth[0] = z.method;
	conf.nauth = 1;
	if ((z.fl.ppp = ppp_new(1, &conf, &link)) == NULL)
		return (0);
	memset(&cb, 0, sizeof(cb));
	cb.challenge_req = fz_challenge_req;
	cb.request = fz_request;
	cb.done = fz_done;
	if ((z.ap = auth_ppp_new(z.fl.ppp, &cb, "fuzz", ((setup >> 2) & 3) + 1))
	    == NULL) {
		ppp_free(z.fl.ppp);
		return (0);
	}
	ppp_start(z.fl.ppp);
	fz_lcp(0);

	while (wire_get_u8(&in, &op) == 0 && wire_get_u16(&in, &len) == 0) {
		if (wire_left(&in) < len)
			len = wire_left(&in);
		wire_get_sub(&in, &rec, len);
		id = (op & 0x08) ? (uint8_t)(z.chal_id + ((op >> 4) & 1)) : -1;
		switch (op & 7) {
		case 0:
			fz_input(PPP_PAP, &rec, id);
			break;
		case 1:
			fz_input(PPP_CHAP, &rec, id);
			break;
		case 2:
			fz_input(0, &rec, -1);
			break;
		case 3:
			fz_link_fire(&z.fl);
			break;
		case 4:
			memset(&ch, 0, sizeof(ch));
			ch.len = len > AUTH_CHALLENGE_MAX ? AUTH_CHALLENGE_MAX :
			    len;
			wire_get_bytes(&rec, ch.challenge, ch.len);
			auth_ppp_challenge(z.ap, &ch);
			break;
		case 5:
			/* A message without its NUL unless the data has one. */
			memset(&res, 0, sizeof(res));
			memset(res.message, 'M', sizeof(res.message));
			b = 0;
			wire_get_u8(&rec, &b);
			res.ok = b & 1;
			res.retry = (b >> 1) & 1;
			res.have_keys = res.ok;
			n = wire_left(&rec);
			if (n > sizeof(res.message))
				n = sizeof(res.message);
			wire_get_bytes(&rec, res.message, n);
			auth_ppp_result(z.ap, &res);
			break;
		case 6:
			fz_lcp(0);
			break;
		default:
			fz_lcp(1);
			break;
		}
	}
	auth_ppp_free(z.ap);
	ppp_free(z.fl.ppp);
	return (0);
}

/*
 * fuzz_lcp: arbitrary frames into a struct ppp in every phase.
 *
 * Input layout: one setup octet, then records of
 *	op(1) length(2, big-endian) data(length)
 * The setup octet picks the phase the link is brought to before the
 * records are played (bits 0-2: Dead, Establish, Authenticate, Network,
 * Terminate), PPPoE rules (bit 3), the authentication methods (bits 4-5),
 * the keepalive (bit 6) and the ACCM offer (bit 7).  A record's op says
 * what to do with it: 0 feed the data as a frame, 1 let the earliest
 * timer fire, 2 both, 3 report an authentication result.
 *
 * Every frame the engine sends is checked: well formed, LCP always with
 * FF 03 (unless PPPoE) and never longer than the peer may receive.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fsm.h"
#include "fz_link.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "wire.h"

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LCP keeps FF 03 where the link has it (pitfalls B4) and a true Length. */
static void
fz_check(void *arg, uint16_t proto, const uint8_t *frame,
    struct wire_reader *r)
{
	struct fz_link	*fl = arg;
	size_t		 info = wire_left(r);
	uint16_t	 plen;

	if (proto != PPP_LCP)
		return;
	if (!(fl->flags & PPP_LINK_NO_ADDRCTL) && frame[0] != 0xff)
		abort();
	if (wire_skip(r, 2) == -1 || wire_get_u16(r, &plen) == -1 ||
	    plen != info)
		abort();
}

/* A frame in an allocation of its own, so ASan sees any over-read. */
static void
fz_input(struct fz_link *fl, const struct wire_reader *rec)
{
	struct wire_reader	 r = *rec;
	size_t			 len = wire_left(&r);
	uint8_t			*frame;

	if ((frame = malloc(len > 0 ? len : 1)) == NULL)
		return;
	wire_get_bytes(&r, frame, len);
	ppp_input(fl->ppp, frame, len);
	free(frame);
}

static void
fz_proto_input(void *arg, struct wire_reader *r)
{
	uint8_t	 b;

	(void)arg;
	while (wire_get_u8(r, &b) == 0)
		;
}

/* Play a peer that accepts our request, to reach Opened. */
static void
fz_open(struct fz_link *fl)
{
	static const uint8_t opts[] = { 0x01, 0x04, 0x05, 0x78, 0x05, 0x06,
	    0x12, 0x34, 0x56, 0x78, 0x07, 0x02, 0x08, 0x02 };
	struct lcp	*lcp = fl->ppp->lcp;
	uint8_t		 frame[PPP_FRAME_MAX];
	size_t		 n = 0;

	frame[n++] = 0xc0;
	frame[n++] = 0x21;
	frame[n++] = CP_CONFREQ;
	frame[n++] = 1;
	frame[n++] = 0;
	frame[n++] = 4 + sizeof(opts);
	memcpy(frame + n, opts, sizeof(opts));
	ppp_input(fl->ppp, frame, n + sizeof(opts));
	n = 2;
	frame[n++] = CP_CONFACK;
	frame[n++] = lcp->fsm.reqid;
	frame[n++] = (4 + lcp->fsm.reqlen) >> 8;
	frame[n++] = (4 + lcp->fsm.reqlen) & 0xff;
	memcpy(frame + n, lcp->fsm.req, lcp->fsm.reqlen);
	ppp_input(fl->ppp, frame, n + lcp->fsm.reqlen);
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
	static const struct ppp_proto	 protos[] = {
		{ PPP_PAP, "PAP", PPP_PHASE_AUTHENTICATE, NULL,
		    fz_proto_input, NULL, NULL, NULL },
		{ PPP_CHAP, "CHAP", PPP_PHASE_AUTHENTICATE, NULL,
		    fz_proto_input, NULL, NULL, NULL },
		{ PPP_IPCP, "IPCP", PPP_PHASE_NETWORK, NULL,
		    fz_proto_input, NULL, NULL, NULL },
		{ PPP_IP, "IP", PPP_PHASE_NETWORK, NULL,
		    fz_proto_input, NULL, NULL, NULL },
	};
	struct wire_reader	 in, rec;
	struct ppp_params	 conf;
	struct ppp_link		 link;
	struct fz_link		 fl;
	uint8_t			 setup, op;
	uint16_t		 len;
	size_t			 i;
	int			 phase;

	wire_reader_init(&in, data, size);
	if (wire_get_u8(&in, &setup) == -1)
		return (0);
	fz_link_init(&fl, &link, (setup & 0x08) != 0, 42, fz_check, &fl);

	ppp_params_default(&conf);
	conf.echo_interval = (setup & 0x40) ? 5 : 0;
	conf.echo_failures = 2;
	conf.request_accm = (setup & 0x80) != 0;
	switch ((setup >> 4) & 3) {
	case 1:
		conf.auth[0] = PPP_AUTH_PAP;
		conf.nauth = 1;
		break;
	case 2:
		conf.auth[0] = PPP_AUTH_CHAP_MD5;
		conf.auth[1] = PPP_AUTH_MSCHAP_V2;
		conf.nauth = 2;
		break;
	case 3:
		conf.auth[0] = PPP_AUTH_MSCHAP_V2;
		conf.nauth = 1;
		break;
	default:
		break;
	}
	if ((fl.ppp = ppp_new(1, &conf, &link)) == NULL)
		return (0);
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		ppp_register(fl.ppp, &protos[i]);

	phase = (setup & 7) % 5;
	if (phase >= 1)
		ppp_start(fl.ppp);
	if (phase >= 2)
		fz_open(&fl);
	if (phase >= 3)
		ppp_auth_done(fl.ppp, 1, NULL);
	if (phase == 4)
		ppp_close(fl.ppp, "fuzz");

	while (wire_get_u8(&in, &op) == 0 && wire_get_u16(&in, &len) == 0) {
		if (wire_left(&in) < len)
			len = wire_left(&in);
		wire_get_sub(&in, &rec, len);
		switch (op & 3) {
		case 0:
			fz_input(&fl, &rec);
			break;
		case 1:
			fz_link_fire(&fl);
			break;
		case 2:
			fz_input(&fl, &rec);
			fz_link_fire(&fl);
			break;
		default:
			ppp_auth_done(fl.ppp, len & 1, "fuzz");
			break;
		}
	}
	ppp_free(fl.ppp);
	return (0);
}

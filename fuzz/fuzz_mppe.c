/*
 * fuzz_mppe: CCP packets and MPPE datagrams into a struct ccp on a
 * struct ppp in the NETWORK phase.
 *
 * Input layout: one setup octet, then records of
 *	op(1) length(2, big-endian) data(length)
 * The setup octet: bits 0-1 the MPPE policy (off, optional, required,
 * required), bit 2 stateful allowed, bits 3-4 the strength (128, 40,
 * 56, or 128 with CCP left to the records to negotiate), bit 5 the
 * scripted peer asks for stateful mode, bit 6 no keys, bit 7 PPPoE
 * framing.  Unless bits 3-4 say otherwise, a scripted peer brings CCP
 * to Opened first, so that the data path is reached at once.
 *
 * A record's op (low 3 bits): 0 the data as a whole frame, 1 let the
 * earliest timer fire, 2 the data as a CCP packet, 3 as the
 * information field of a Compressed Datagram, 4 as a datagram the peer
 * encrypts properly (first 2 octets: protocol), 5 as a datagram we send
 * through ccp_output() (same), 6 the peer loses its next packet or
 * flushes (data[0] odd), 7 ask ccp_plain_ok() about data's protocol.
 *
 * Every frame the engine sends must be well formed and fit the peer's
 * MRU; every datagram delivered must be of a network-layer protocol.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "ccp.h"
#include "chap.h"
#include "fsm.h"
#include "fz_link.h"
#include "lcp.h"
#include "log.h"
#include "mppe.h"
#include "ppp.h"
#include "wire.h"

struct fz {
	struct fz_link	 fl;
	struct ccp	*ccp;
	struct mppe_dir	 ptx;		/* the peer's ends */
	struct mppe_dir	 prx;
	int		 peer_keys;
};

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t fz_send_key[16] = {
	0x8b, 0x7c, 0xdc, 0x14, 0x9b, 0x99, 0x3a, 0x1b,
	0xa1, 0x18, 0xcb, 0x15, 0x3f, 0x56, 0xdc, 0xcb
};
static const uint8_t fz_recv_key[16] = {
	0xd5, 0xf0, 0xe9, 0x52, 0x1e, 0x3e, 0xa9, 0x58,
	0x96, 0x45, 0xe8, 0x60, 0x51, 0xc8, 0x22, 0x26
};

/* What we encrypt the peer can decrypt, to the same length. */
static void
fz_check(void *arg, uint16_t proto, const uint8_t *frame,
    struct wire_reader *r)
{
	struct fz	*z = arg;
	const uint8_t	*p;
	const char	*why;
	uint8_t		 out[PPP_FRAME_MAX];
	size_t		 info = wire_left(r), n;

	(void)frame;
	if (proto != PPP_COMP || !z->peer_keys)
		return;
	if (!ccp_encrypt_ok(z->ccp) || info < MPPE_PAD)
		abort();
	if (wire_get_ref(r, &p, info) == 0 &&
	    mppe_decrypt(&z->prx, p, info, out, sizeof(out), &n, &why) ==
	    MPPE_RX_OK && n != info - MPPE_HDRLEN)
		abort();
}

static void
fz_deliver(void *arg, uint16_t proto, const uint8_t *data, size_t len)
{
	uint8_t	 sum = 0;
	size_t	 i;

	(void)arg;
	if (proto < 0x0021 || proto > 0x00fa || len > PPP_FRAME_MAX)
		abort();
	/* Touch every octet, so ASan sees any over-read. */
	for (i = 0; i < len; i++)
		sum ^= data[i];
	(void)sum;
}

/* A frame with a header, in an allocation of its own for ASan. */
static void
fz_frame(struct fz *z, const uint8_t *hdr, size_t hdrlen,
    const struct wire_reader *rec)
{
	struct wire_reader	 r = *rec;
	size_t			 len = wire_left(&r);
	uint8_t			*frame;

	if ((frame = malloc(hdrlen + len + 1)) == NULL)
		return;
	if (hdrlen > 0)
		memcpy(frame, hdr, hdrlen);
	wire_get_bytes(&r, frame + hdrlen, len);
	ppp_input(z->fl.ppp, frame, hdrlen + len);
	free(frame);
}

static void
fz_cp(struct fz *z, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len)
{
	uint8_t			 hdr[8];
	struct wire_reader	 r;

	hdr[0] = 0xff;
	hdr[1] = 0x03;
	hdr[2] = proto >> 8;
	hdr[3] = proto & 0xff;
	hdr[4] = code;
	hdr[5] = id;
	hdr[6] = (len + 4) >> 8;
	hdr[7] = (len + 4) & 0xff;
	wire_reader_init(&r, data, len);
	fz_frame(z, hdr, sizeof(hdr), &r);
}

/* Play a peer that accepts LCP as we ask, with no authentication. */
static void
fz_open_lcp(struct fz *z)
{
	static const uint8_t opts[] = { 0x05, 0x06, 0x12, 0x34, 0x56, 0x78 };
	struct lcp	*lcp = z->fl.ppp->lcp;

	fz_cp(z, PPP_LCP, CP_CONFREQ, 1, opts, sizeof(opts));
	fz_cp(z, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
}

/* Play a peer that agrees on MPPE of this strength and mode. */
static void
fz_open_ccp(struct fz *z, uint32_t strength, int stateful)
{
	struct fsm	*f = &z->ccp->fsm;
	uint8_t		 opt[6];
	uint32_t	 v = strength | (stateful ? 0 : MPPE_OPT_H);
	int		 bits;

	opt[0] = CCP_OPT_MPPE;
	opt[1] = 6;
	opt[2] = v >> 24;
	opt[3] = v >> 16;
	opt[4] = v >> 8;
	opt[5] = v;
	fz_cp(z, PPP_CCP, CP_CONFREQ, 1, opt, sizeof(opt));
	if (stateful)
		fz_cp(z, PPP_CCP, CP_CONFNAK, f->reqid, opt, sizeof(opt));
	fz_cp(z, PPP_CCP, CP_CONFACK, f->reqid, f->req, f->reqlen);
	if (!ccp_encrypt_ok(z->ccp))
		return;
	bits = z->ccp->tx.bits;
	if (mppe_init(&z->ptx, fz_recv_key, bits, z->ccp->rx.stateless) == 0 &&
	    mppe_init(&z->prx, fz_send_key, bits, z->ccp->tx.stateless) == 0)
		z->peer_keys = 1;
}

/* The peer encrypts a datagram properly and sends it. */
static void
fz_peer_send(struct fz *z, struct wire_reader *rec)
{
	uint8_t			 frame[PPP_FRAME_MAX];
	struct wire_reader	 r;
	const uint8_t		*data;
	size_t			 len, n;
	uint16_t		 proto;

	if (!z->peer_keys || wire_get_u16(rec, &proto) == -1)
		return;
	len = wire_left(rec);
	if (len > sizeof(frame) - 4 - MPPE_PAD ||
	    wire_get_ref(rec, &data, len) == -1)
		return;
	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = 0x00;
	frame[3] = 0xfd;
	if (mppe_encrypt(&z->ptx, proto, data, len, frame + 4,
	    sizeof(frame) - 4, &n) == -1)
		return;
	wire_reader_init(&r, frame, n + 4);
	fz_frame(z, NULL, 0, &r);
}

static void
fz_ccp_output(struct fz *z, struct wire_reader *rec)
{
	const uint8_t	*data;
	size_t		 len;
	uint16_t	 proto;

	if (wire_get_u16(rec, &proto) == -1)
		return;
	len = wire_left(rec);
	if (wire_get_ref(rec, &data, len) == -1)
		return;
	ccp_output(z->ccp, proto, data, len);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, LOG_DAEMON);
	log_setverbose(0);
	if (crypto_init() == -1)
		abort();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t	 strengths[] = { MPPE_OPT_S, MPPE_OPT_L,
				    MPPE_OPT_M, MPPE_OPT_S };
	static const int	 polbits[] = { CCP_MPPE_128, CCP_MPPE_40,
				    CCP_MPPE_56, CCP_MPPE_128 };
	static const uint8_t	 comp_hdr[] = { 0xff, 0x03, 0x00, 0xfd };
	static const uint8_t	 ccp_hdr[] = { 0xff, 0x03, 0x80, 0xfd };
	struct wire_reader	 in, rec;
	struct ppp_params	 conf;
	struct ppp_link		 link;
	struct ccp_policy	 pol;
	struct ccp_cb		 cb;
	struct fz		 z;
	uint8_t			 setup, op, b, lost[16];
	uint16_t		 len, proto;
	size_t			 n;
	int			 choice;

	wire_reader_init(&in, data, size);
	if (wire_get_u8(&in, &setup) == -1)
		return (0);
	memset(&z, 0, sizeof(z));
	fz_link_init(&z.fl, &link, (setup & 0x80) != 0, 7, fz_check, &z);

	ppp_params_default(&conf);
	conf.echo_interval = 0;
	if ((z.fl.ppp = ppp_new(1, &conf, &link)) == NULL)
		return (0);

	choice = (setup >> 3) & 3;
	memset(&pol, 0, sizeof(pol));
	pol.mppe = (setup & 3) == 3 ? CCP_MPPE_REQUIRED : setup & 3;
	pol.bits = polbits[choice];
	pol.stateful = (setup & 0x04) != 0;
	memset(&cb, 0, sizeof(cb));
	cb.arg = &z;
	cb.deliver = fz_deliver;
	if ((z.ccp = ccp_new(z.fl.ppp, &pol, &cb)) == NULL) {
		ppp_free(z.fl.ppp);
		return (0);
	}
	if (!(setup & 0x40))
		ccp_set_keys(z.ccp, fz_send_key, fz_recv_key);
	ppp_start(z.fl.ppp);
	fz_open_lcp(&z);
	if (choice != 3 && pol.mppe != CCP_MPPE_OFF && !(setup & 0x40))
		fz_open_ccp(&z, strengths[choice], (setup & 0x20) != 0);

	while (wire_get_u8(&in, &op) == 0 && wire_get_u16(&in, &len) == 0) {
		if (wire_left(&in) < len)
			len = wire_left(&in);
		wire_get_sub(&in, &rec, len);
		switch (op & 7) {
		case 0:
			fz_frame(&z, NULL, 0, &rec);
			break;
		case 1:
			fz_link_fire(&z.fl);
			break;
		case 2:
			fz_frame(&z, ccp_hdr, sizeof(ccp_hdr), &rec);
			break;
		case 3:
			fz_frame(&z, comp_hdr, sizeof(comp_hdr), &rec);
			break;
		case 4:
			fz_peer_send(&z, &rec);
			break;
		case 5:
			fz_ccp_output(&z, &rec);
			break;
		case 6:
			if (!z.peer_keys || wire_get_u8(&rec, &b) == -1)
				break;
			if (b & 1)
				mppe_flush(&z.ptx);
			else	/* a packet the link loses */
				mppe_encrypt(&z.ptx, PPP_IP, NULL, 0, lost,
				    sizeof(lost), &n);
			break;
		default:
			if (wire_get_u16(&rec, &proto) == 0)
				ccp_plain_ok(z.ccp, proto);
			break;
		}
	}
	mppe_clear(&z.ptx);
	mppe_clear(&z.prx);
	ccp_free(z.ccp);
	ppp_free(z.fl.ppp);
	return (0);
}

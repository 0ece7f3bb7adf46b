/*
 * ccp_nego: CCP with MPPE (session/ccp.c) on the PPP engine, one case
 * per run, over the fake transport of regress/ppp.  The peer is either
 * a second engine with its own struct ccp (the keys swapped, as a client
 * has them), or a stub: CCP packets built by hand as Windows and pppd
 * send them, and MPPE datagrams from two struct mppe_dir of the test's
 * own.  Time is simulated, so timers are exact and cost nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccp.h"
#include "chap.h"
#include "fsm.h"
#include "harness.h"
#include "lcp.h"
#include "log.h"
#include "mppe.h"
#include "ppp.h"
#include "test.h"

#define KEYS_NONE	0
#define KEYS_SERVER	1
#define KEYS_CLIENT	2

/* The RFC 3079 3.5 example keys from the server's side. */
static const uint8_t srv_send[16] = {
	0x8b, 0x7c, 0xdc, 0x14, 0x9b, 0x99, 0x3a, 0x1b,
	0xa1, 0x18, 0xcb, 0x15, 0x3f, 0x56, 0xdc, 0xcb
};
static const uint8_t srv_recv[16] = {
	0xd5, 0xf0, 0xe9, 0x52, 0x1e, 0x3e, 0xa9, 0x58,
	0x96, 0x45, 0xe8, 0x60, 0x51, 0xc8, 0x22, 0x26
};

/* What the session above a struct ccp saw. */
struct sess {
	struct ccp	*ccp;
	int		 up, down, delivered, bad;
	uint16_t	 proto;
	long		 last_seq;
	int		 plain;		/* plain IP frames, where counted */
};

static struct h_side	 a, b;
static struct sess	 sa, sb;
static struct mppe_dir	 ctx, crx;	/* the stub's two directions */

static size_t	 gen(uint8_t *, uint32_t);
static long	 check_dgram(const uint8_t *, size_t);
static void	 s_up(void *);
static void	 s_down(void *);
static void	 s_deliver(void *, uint16_t, const uint8_t *, size_t);
static void	 plain_input(void *, struct wire_reader *);
static void	 plain_register(struct h_side *, struct sess *);
static void	 side_new(struct h_side *, struct sess *, uint32_t,
		    const struct ccp_policy *, int, const struct ppp_params *);
static void	 side_free(struct h_side *, struct sess *);
static void	 open_lcp(struct h_side *);
static int	 expect(struct h_side *, uint16_t, uint8_t, struct h_cp *,
		    struct h_frame *);
static int	 mppe_value(const struct h_cp *, uint32_t *);
static size_t	 mppe_opt(uint8_t *, uint32_t);
static void	 inject_mppe(struct h_side *, uint8_t, uint8_t, uint32_t);
static int	 stub_open(struct h_side *, uint32_t);
static void	 stub_keys(int, int, int);
static size_t	 stub_build(uint8_t *, size_t, uint16_t, uint32_t);
static void	 stub_send(struct h_side *, uint32_t);
static int	 frame_split(const struct h_frame *, uint16_t *,
		    const uint8_t **, size_t *);
static long	 stub_recv(struct h_side *, uint8_t *);
static int	 server_send(struct sess *, uint32_t);
static int	 closed_with(struct h_side *, const char *);
static void	 engine_pair(const struct ccp_policy *,
		    const struct ccp_policy *);
static void	 engine_exchange(int);

static void	 case_engine_to_engine(void);
static void	 case_first_packet_vector(void);
static void	 case_windows(void);
static void	 case_all_bits_nak(void);
static void	 case_strength_40(void);
static void	 case_strength_mismatch(void);
static void	 stateful_open(void);
static void	 case_stateful(void);
static void	 case_stateful_reset(void);
static void	 case_stateful_refused(void);
static void	 case_required_rejected(void);
static void	 case_required_protrej(void);
static void	 case_required_timeout(void);
static void	 case_required_nokeys(void);
static void	 case_keys_late(void);
static void	 mschapv1_network(const struct ccp_policy *);
static void	 case_mschapv1(void);
static void	 case_optional_rejected(void);
static void	 case_optional_protrej(void);
static void	 not_negotiating(const struct ccp_policy *, int);
static void	 case_optional_nokeys(void);
static void	 case_off(void);
static void	 case_other_compressors(void);
static void	 case_malformed_options(void);
static void	 case_bad_datagrams(void);
static void	 case_too_many_errors(void);
static void	 case_renegotiate(void);
static void	 case_peer_terminates(void);
static void	 case_plain_refused(void);

static const struct ccp_policy pol_req128 = { CCP_MPPE_REQUIRED,
    CCP_MPPE_128, 0 };

/* Datagram i: 4 octets of i, then a pattern; 4 to 1303 octets. */
static size_t
gen(uint8_t *buf, uint32_t i)
{
	size_t	 len = 4 + (i * 2654435761u) % 1300, k;

	buf[0] = i >> 24;
	buf[1] = i >> 16;
	buf[2] = i >> 8;
	buf[3] = i;
	for (k = 4; k < len; k++)
		buf[k] = (uint8_t)(i + k * 13);
	return (len);
}

/* The number of a well-formed datagram, -1 if it is not one. */
static long
check_dgram(const uint8_t *data, size_t len)
{
	uint8_t		 want[1400];
	uint32_t	 i;

	if (len < 4)
		return (-1);
	i = ((uint32_t)data[0] << 24) | (data[1] << 16) | (data[2] << 8) |
	    data[3];
	if (gen(want, i) != len || memcmp(want, data, len) != 0)
		return (-1);
	return (i);
}

static void
s_up(void *arg)
{
	((struct sess *)arg)->up++;
}

static void
s_down(void *arg)
{
	((struct sess *)arg)->down++;
}

static void
s_deliver(void *arg, uint16_t proto, const uint8_t *data, size_t len)
{
	struct sess	*ss = arg;
	long		 n;

	ss->delivered++;
	ss->proto = proto;
	if ((n = check_dgram(data, len)) == -1)
		ss->bad++;
	else
		ss->last_seq = n;
}

/* A plain IP handler, as the session has one, asking CCP first. */
static void
plain_input(void *arg, struct wire_reader *r)
{
	struct sess	*ss = arg;

	(void)r;
	if (ccp_plain_ok(ss->ccp, PPP_IP))
		ss->plain++;
}

static void
plain_register(struct h_side *s, struct sess *ss)
{
	struct ppp_proto	 p;

	memset(&p, 0, sizeof(p));
	p.proto = PPP_IP;
	p.name = "IP";
	p.phase = PPP_PHASE_NETWORK;
	p.arg = ss;
	p.input = plain_input;
	CHECK(ppp_register(s->ppp, &p) == 0);
}

static void
side_new(struct h_side *s, struct sess *ss, uint32_t id,
    const struct ccp_policy *pol, int keys, const struct ppp_params *conf)
{
	struct ppp_params	 c;
	struct ccp_cb		 cb;

	if (conf != NULL)
		c = *conf;
	else
		h_conf(&c);
	h_init(s, id, &c, 1500, 0);
	memset(ss, 0, sizeof(*ss));
	ss->last_seq = -1;
	memset(&cb, 0, sizeof(cb));
	cb.arg = ss;
	cb.up = s_up;
	cb.down = s_down;
	cb.deliver = s_deliver;
	if ((ss->ccp = ccp_new(s->ppp, pol, &cb)) == NULL) {
		fprintf(stderr, "ccp_new failed\n");
		exit(2);
	}
	if (keys == KEYS_SERVER)
		ccp_set_keys(ss->ccp, srv_send, srv_recv);
	else if (keys == KEYS_CLIENT)
		ccp_set_keys(ss->ccp, srv_recv, srv_send);
}

static void
side_free(struct h_side *s, struct sess *ss)
{
	ccp_free(ss->ccp);
	ss->ccp = NULL;
	h_free(s);
	mppe_clear(&ctx);
	mppe_clear(&crx);
}

/* Open LCP against a peer that asks for no PFC or ACFC: full headers. */
static void
open_lcp(struct h_side *s)
{
	static const uint8_t opts[] = { 0x05, 0x06, 0x12, 0x34, 0x56, 0x78 };
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct lcp	*lcp = s->ppp->lcp;

	ppp_start(s->ppp);
	CHECK(expect(s, PPP_LCP, CP_CONFREQ, &cp, &fr));
	h_inject_cp(s, PPP_LCP, CP_CONFREQ, 1, opts, sizeof(opts));
	CHECK(expect(s, PPP_LCP, CP_CONFACK, &cp, &fr));
	h_inject_cp(s, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	CHECK(lcp_opened(lcp));
	CHECK(s->ppp->phase == PPP_PHASE_NETWORK);
}

/* The next frame of a side must be a control packet like this. */
static int
expect(struct h_side *s, uint16_t proto, uint8_t code, struct h_cp *cp,
    struct h_frame *fr)
{
	if (h_pop_cp(s, cp, fr) == -1) {
		fprintf(stderr, "expected 0x%04x %s, got %s\n", proto,
		    fsm_code_name(code), s->nout < 0 ? "nothing" :
		    "no control packet");
		return (0);
	}
	if (cp->proto != proto || cp->code != code) {
		fprintf(stderr, "expected 0x%04x code %u, got 0x%04x code "
		    "%u\n", proto, code, cp->proto, cp->code);
		return (0);
	}
	return (1);
}

/* The MPPE option of a CCP packet, which must be its only option. */
static int
mppe_value(const struct h_cp *cp, uint32_t *v)
{
	if (cp->datalen != 6 || cp->data[0] != CCP_OPT_MPPE ||
	    cp->data[1] != 6)
		return (0);
	*v = ((uint32_t)cp->data[2] << 24) | (cp->data[3] << 16) |
	    (cp->data[4] << 8) | cp->data[5];
	return (1);
}

static size_t
mppe_opt(uint8_t *buf, uint32_t v)
{
	buf[0] = CCP_OPT_MPPE;
	buf[1] = 6;
	buf[2] = v >> 24;
	buf[3] = v >> 16;
	buf[4] = v >> 8;
	buf[5] = v;
	return (6);
}

static void
inject_mppe(struct h_side *s, uint8_t code, uint8_t id, uint32_t v)
{
	uint8_t	 opt[6];

	h_inject_cp(s, PPP_CCP, code, id, opt, mppe_opt(opt, v));
}

/*
 * The stub requests `req' and Acks whatever the server requests; 1 if
 * both went as expected (the server Acks req as is).
 */
static int
stub_open(struct h_side *s, uint32_t req)
{
	struct h_frame	 fr, fr2;
	struct h_cp	 cp, cp2;
	int		 ok;

	ok = expect(s, PPP_CCP, CP_CONFREQ, &cp, &fr);
	inject_mppe(s, CP_CONFREQ, 0x41, req);
	ok = ok && expect(s, PPP_CCP, CP_CONFACK, &cp2, &fr2) &&
	    cp2.id == 0x41;
	if (ok)
		h_inject_cp(s, PPP_CCP, CP_CONFACK, cp.id, cp.data,
		    cp.datalen);
	return (ok);
}

/* The stub's ends: it sends with the server's receive key. */
static void
stub_keys(int bits, int tx_stateless, int rx_stateless)
{
	CHECK(mppe_init(&ctx, srv_recv, bits, tx_stateless) == 0);
	CHECK(mppe_init(&crx, srv_send, bits, rx_stateless) == 0);
}

/* A full frame FF 03 00 FD + MPPE packet of datagram i. */
static size_t
stub_build(uint8_t *frame, size_t cap, uint16_t proto, uint32_t i)
{
	uint8_t	 data[1400];
	size_t	 len = gen(data, i), n;

	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = 0x00;
	frame[3] = 0xfd;
	if (mppe_encrypt(&ctx, proto, data, len, frame + 4, cap - 4,
	    &n) == -1)
		return (0);
	return (n + 4);
}

static void
stub_send(struct h_side *s, uint32_t i)
{
	uint8_t	 frame[PPP_FRAME_MAX];
	size_t	 n = stub_build(frame, sizeof(frame), PPP_IP, i);

	CHECK(n > 0);
	h_inject(s, frame, n);
}

static int
frame_split(const struct h_frame *f, uint16_t *proto, const uint8_t **info,
    size_t *len)
{
	size_t	 off = 0;

	if (f->len >= 2 && f->buf[0] == 0xff && f->buf[1] == 0x03)
		off = 2;
	if (off >= f->len)
		return (-1);
	if (f->buf[off] & 1) {
		*proto = f->buf[off];
		off++;
	} else {
		if (off + 2 > f->len)
			return (-1);
		*proto = (f->buf[off] << 8) | f->buf[off + 1];
		off += 2;
	}
	*info = f->buf + off;
	*len = f->len - off;
	return (0);
}

/*
 * Take the server's next frame: an MPPE packet of an IP datagram, which
 * the stub decrypts.  Its number, or -1.  hdr gets the MPPE header's
 * first octet.
 */
static long
stub_recv(struct h_side *s, uint8_t *hdr)
{
	struct h_frame	 fr;
	const uint8_t	*info;
	const char	*why;
	uint8_t		 out[PPP_FRAME_MAX];
	size_t		 len, n;
	uint16_t	 proto;

	if (h_pop(s, &fr) == -1 || frame_split(&fr, &proto, &info, &len) ==
	    -1 || proto != PPP_COMP || len < 2)
		return (-1);
	if (hdr != NULL)
		*hdr = info[0];
	if (mppe_decrypt(&crx, info, len, out, sizeof(out), &n, &why) !=
	    MPPE_RX_OK) {
		fprintf(stderr, "stub dropped a packet: %s\n", why);
		return (-1);
	}
	if (n < 2 || out[0] != 0x00 || out[1] != 0x21)
		return (-1);
	return (check_dgram(out + 2, n - 2));
}

static int
server_send(struct sess *ss, uint32_t i)
{
	uint8_t	 data[1400];
	size_t	 len = gen(data, i);

	return (ccp_output(ss->ccp, PPP_IP, data, len));
}

/* The side is closing the link for a reason containing `what'. */
static int
closed_with(struct h_side *s, const char *what)
{
	if (strstr(s->ppp->reason, what) == NULL) {
		fprintf(stderr, "closing reason \"%s\", expected \"%s\"\n",
		    s->ppp->reason, what);
		return (0);
	}
	return (s->ppp->phase == PPP_PHASE_TERMINATE ||
	    s->ppp->phase == PPP_PHASE_DEAD);
}

/* Two engines with a struct ccp each, a the server, b the client. */
static void
engine_pair(const struct ccp_policy *pa, const struct ccp_policy *pb)
{
	side_new(&a, &sa, 1, pa, KEYS_SERVER, NULL);
	side_new(&b, &sb, 2, pb, KEYS_CLIENT, NULL);
	ppp_start(a.ppp);
	ppp_start(b.ppp);
	h_run_for(&a, &b, 10000);
}

/* count datagrams each way, in step, through ccp_output(). */
static void
engine_exchange(int count)
{
	int	 i, sent = 0;

	for (i = 0; i < count; i++) {
		sent += server_send(&sa, i) == 0;
		sent += server_send(&sb, i) == 0;
		h_pump(&a, &b);
	}
	CHECK(sent == 2 * count);
	CHECK(sa.delivered == count && sb.delivered == count);
	CHECK(sa.bad == 0 && sb.bad == 0);
	CHECK(sa.last_seq == count - 1 && sb.last_seq == count - 1);
	CHECK(sa.proto == PPP_IP && sb.proto == PPP_IP);
}

/*
 * Two instances back to back, as pppd to pppd: MPPE-128 stateless both
 * ways, 1000 datagrams each way with a key change before every one;
 * then 40-bit, agreed through a Nak.
 */
static void
case_engine_to_engine(void)
{
	struct ccp_policy	 p40 = { CCP_MPPE_REQUIRED, CCP_MPPE_40, 0 };
	struct ccp_policy	 p40_128 = { CCP_MPPE_REQUIRED,
				    CCP_MPPE_40 | CCP_MPPE_128, 0 };

	engine_pair(&pol_req128, &pol_req128);
	CHECK(lcp_opened(a.ppp->lcp) && lcp_opened(b.ppp->lcp));
	CHECK(ccp_encrypt_ok(sa.ccp) && ccp_encrypt_ok(sb.ccp));
	CHECK(sa.up == 1 && sb.up == 1);
	CHECK(sa.ccp->tx.bits == 128 && sa.ccp->rx.bits == 128);
	CHECK(sa.ccp->tx.stateless && sa.ccp->rx.stateless);
	engine_exchange(1000);
	CHECK(sa.ccp->tx.rekeys == 1000 && sb.ccp->rx.rekeys == 1000);
	CHECK(sa.ccp->tx.ccount == 999 % 4096);
	CHECK(a.finished == 0 && b.finished == 0);
	side_free(&a, &sa);
	side_free(&b, &sb);

	engine_pair(&p40_128, &p40);
	CHECK(lcp_opened(a.ppp->lcp) && lcp_opened(b.ppp->lcp));
	CHECK(ccp_encrypt_ok(sa.ccp) && ccp_encrypt_ok(sb.ccp));
	CHECK(sa.ccp->tx.bits == 40 && sa.ccp->rx.bits == 40);
	CHECK(sb.ccp->tx.bits == 40 && sb.ccp->rx.bits == 40);
	engine_exchange(300);
	side_free(&a, &sa);
	side_free(&b, &sb);
}

/*
 * vectors.json "MPPE stateless 128-bit first data packet": with the RFC
 * 3079 send key, the first datagram 45 00 00 14 goes out as exactly
 * ff 03 00 fd 90 00 70 58 13 2b e0 7b.
 */
static void
case_first_packet_vector(void)
{
	static const uint8_t ip[] = { 0x45, 0x00, 0x00, 0x14 };
	static const uint8_t want[] = { 0xff, 0x03, 0x00, 0xfd, 0x90, 0x00,
	    0x70, 0x58, 0x13, 0x2b, 0xe0, 0x7b };
	struct h_frame	 fr;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(stub_open(&a, MPPE_OPT_H | MPPE_OPT_S));
	CHECK(ccp_encrypt_ok(sa.ccp));
	CHECK(ccp_output(sa.ccp, PPP_IP, ip, sizeof(ip)) == 0);
	CHECK(h_pop(&a, &fr) == 0);
	CHECK(fr.len == sizeof(want) && memcmp(fr.buf, want, fr.len) == 0);
	side_free(&a, &sa);
}

/*
 * Windows 10 (pitfalls C2, wire_examples 7): its first request has H
 * and no strength; we Nak with every strength we allow, it picks one;
 * it Naks our request down to one; both end at 128 stateless.
 */
static void
case_windows(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_REQUIRED,
				    CCP_MPPE_40 | CCP_MPPE_128, 0 };
	struct h_frame		 fr;
	struct h_cp		 cp;
	uint32_t		 v;
	uint8_t			 hdr;
	int			 i;

	side_new(&a, &sa, 1, &pol, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
	CHECK(mppe_value(&cp, &v) && v == 0x01000060);
	inject_mppe(&a, CP_CONFREQ, 6, MPPE_OPT_H);
	CHECK(expect(&a, PPP_CCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp.id == 6 && mppe_value(&cp, &v) && v == 0x01000060);
	inject_mppe(&a, CP_CONFREQ, 7, MPPE_OPT_H | MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr));
	CHECK(cp.id == 7 && mppe_value(&cp, &v) && v == 0x01000040);
	inject_mppe(&a, CP_CONFNAK, sa.ccp->fsm.reqid, MPPE_OPT_H |
	    MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
	CHECK(mppe_value(&cp, &v) && v == 0x01000040);
	CHECK(!ccp_encrypt_ok(sa.ccp));
	h_inject_cp(&a, PPP_CCP, CP_CONFACK, cp.id, cp.data, cp.datalen);
	CHECK(ccp_encrypt_ok(sa.ccp) && sa.up == 1);
	CHECK(sa.ccp->tx.bits == 128 && sa.ccp->rx.bits == 128);
	CHECK(sa.ccp->tx.stateless && sa.ccp->rx.stateless);

	stub_keys(128, 1, 1);
	for (i = 0; i < 50; i++) {
		CHECK(server_send(&sa, i) == 0);
		CHECK(stub_recv(&a, &hdr) == i);
		CHECK(hdr == (MPPE_BIT_A | MPPE_BIT_D | (i >> 8)));
		stub_send(&a, i);
		CHECK(sa.last_seq == i);
	}
	CHECK(sa.delivered == 50 && sa.bad == 0);
	CHECK(a.finished == 0 && a.nout == 0);
	side_free(&a, &sa);
}

/* A request with several strengths gets a Nak with exactly one. */
static void
case_all_bits_nak(void)
{
	static const struct {
		int		 bits;
		uint32_t	 req;
		uint32_t	 nak;
	} v[] = {
		{ 0x7, 0x010000e0, 0x01000040 },	/* wire_examples 7 */
		{ 0x1, 0x010000e0, 0x01000020 },
		{ 0x2, 0x010000e0, 0x01000080 },
		{ 0x5, 0x010000a0, 0x01000020 },	/* M not allowed */
		{ 0x4, 0x01000020, 0x01000040 },	/* nothing common */
	};
	struct ccp_policy	 pol = { CCP_MPPE_REQUIRED, 0, 0 };
	struct h_frame		 fr;
	struct h_cp		 cp;
	uint32_t		 got;
	size_t			 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pol.bits = v[i].bits;
		side_new(&a, &sa, 1, &pol, KEYS_SERVER, NULL);
		open_lcp(&a);
		CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
		inject_mppe(&a, CP_CONFREQ, 3, v[i].req);
		CHECK(expect(&a, PPP_CCP, CP_CONFNAK, &cp, &fr));
		CHECK(mppe_value(&cp, &got) && got == v[i].nak);
		side_free(&a, &sa);
	}
}

/* A peer that can only do 40 bits: both directions end at 40. */
static void
case_strength_40(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_REQUIRED,
				    CCP_MPPE_40 | CCP_MPPE_128, 0 };
	struct h_frame		 fr;
	struct h_cp		 cp, req;
	struct h_frame		 reqfr;
	uint32_t		 v;
	int			 i;

	side_new(&a, &sa, 1, &pol, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	inject_mppe(&a, CP_CONFREQ, 1, MPPE_OPT_H | MPPE_OPT_L);
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr));
	/* pppd with require-mppe-40 Naks our S+L down to L. */
	inject_mppe(&a, CP_CONFNAK, req.id, MPPE_OPT_H | MPPE_OPT_L);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
	CHECK(mppe_value(&cp, &v) && v == (MPPE_OPT_H | MPPE_OPT_L));
	h_inject_cp(&a, PPP_CCP, CP_CONFACK, cp.id, cp.data, cp.datalen);
	CHECK(ccp_encrypt_ok(sa.ccp));
	CHECK(sa.ccp->tx.bits == 40 && sa.ccp->rx.bits == 40);
	CHECK(sa.ccp->tx.key[0] == 0xd1 && sa.ccp->tx.key[1] == 0x26 &&
	    sa.ccp->tx.key[2] == 0x9e);
	stub_keys(40, 1, 1);
	for (i = 0; i < 300; i++) {
		CHECK(server_send(&sa, i) == 0);
		CHECK(stub_recv(&a, NULL) == i);
		stub_send(&a, i);
	}
	CHECK(sa.delivered == 300 && sa.bad == 0 && sa.last_seq == 299);
	side_free(&a, &sa);
}

/*
 * A peer that Acks our 40+128 offer (so we receive 128) but asks for 40
 * itself: the directions differ, and with MPPE required the link ends.
 */
static void
case_strength_mismatch(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_REQUIRED,
				    CCP_MPPE_40 | CCP_MPPE_128, 0 };

	side_new(&a, &sa, 1, &pol, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(stub_open(&a, MPPE_OPT_H | MPPE_OPT_L));
	CHECK(!ccp_encrypt_ok(sa.ccp));
	CHECK(closed_with(&a, "strengths differ"));
	side_free(&a, &sa);
}

/*
 * A peer that wants stateful mode both ways, allowed by the policy:
 * its request is Acked as is, its Nak of our H is taken.
 */
static void
stateful_open(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_REQUIRED, CCP_MPPE_128, 1 };
	struct h_frame		 fr;
	struct h_cp		 cp, req;
	struct h_frame		 reqfr;
	uint32_t		 v;

	side_new(&a, &sa, 1, &pol, KEYS_SERVER, NULL);
	open_lcp(&a);
	/* pppd always asks for stateless, stateful allowed or not. */
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	CHECK(mppe_value(&req, &v) && v == (MPPE_OPT_H | MPPE_OPT_S));
	inject_mppe(&a, CP_CONFREQ, 1, MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr));
	inject_mppe(&a, CP_CONFNAK, req.id, MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
	CHECK(mppe_value(&cp, &v) && v == MPPE_OPT_S);
	h_inject_cp(&a, PPP_CCP, CP_CONFACK, cp.id, cp.data, cp.datalen);
	CHECK(ccp_encrypt_ok(sa.ccp));
	CHECK(!sa.ccp->tx.stateless && !sa.ccp->rx.stateless);
	stub_keys(128, 0, 0);
}

/* 1000 datagrams each way, stateful: keys change on flag packets only. */
static void
case_stateful(void)
{
	uint8_t	 hdr;
	int	 i, ok = 1;

	stateful_open();
	for (i = 0; i < 1000; i++) {
		ok = ok && server_send(&sa, i) == 0;
		ok = ok && stub_recv(&a, &hdr) == i;
		ok = ok && ((hdr & MPPE_BIT_A) != 0) == ((i & 0xff) == 0xff);
		stub_send(&a, i);
		ok = ok && sa.last_seq == i;
	}
	CHECK(ok);
	CHECK(sa.delivered == 1000 && sa.bad == 0);
	CHECK(sa.ccp->tx.rekeys == 3 && sa.ccp->rx.rekeys == 3);
	CHECK(a.nout == 0);
	side_free(&a, &sa);
}

/*
 * Stateful loss, both ways.  From the peer: a gap makes us send a
 * Reset-Request, repeated after a second while packets keep coming
 * unflushed, and drop until the peer's flushed packet.  To the peer:
 * its Reset-Request is answered with a Reset-Ack of the same identifier
 * and our next packet carries A.
 */
static void
case_stateful_reset(void)
{
	uint8_t		 frame[PPP_FRAME_MAX], hdr;
	struct h_frame	 fr;
	struct h_cp	 cp;
	const char	*why;
	uint8_t		 out[PPP_FRAME_MAX];
	const uint8_t	*info;
	size_t		 len, n;
	uint16_t	 proto;
	uint8_t		 rid;
	int		 i;

	stateful_open();
	for (i = 0; i < 10; i++) {
		stub_send(&a, i);
		CHECK(server_send(&sa, i) == 0);
		CHECK(stub_recv(&a, NULL) == i);
	}
	/* Datagram 10 is lost on its way. */
	CHECK(stub_build(frame, sizeof(frame), PPP_IP, 10) > 0);
	stub_send(&a, 11);
	CHECK(expect(&a, PPP_CCP, CCP_RESETREQ, &cp, &fr));
	CHECK(cp.datalen == 0);
	rid = cp.id;
	CHECK(sa.delivered == 10);
	stub_send(&a, 12);
	CHECK(a.nout == 0);		/* no second Reset-Request yet */
	CHECK(sa.ccp->last_drop != NULL &&
	    strstr(sa.ccp->last_drop, "flushed") != NULL);
	h_advance(&a);
	CHECK(expect(&a, PPP_CCP, CCP_RESETREQ, &cp, &fr) && cp.id == rid);
	h_inject_cp(&a, PPP_CCP, CCP_RESETACK, rid, NULL, 0);
	CHECK(!sa.ccp->reset_pending);
	h_advance(&a);
	CHECK(a.nout == 0);
	mppe_flush(&ctx);
	stub_send(&a, 13);
	CHECK(sa.delivered == 11 && sa.last_seq == 13);
	stub_send(&a, 14);
	CHECK(sa.delivered == 12 && sa.last_seq == 14);

	/* To the peer: packet 10 is lost on its way. */
	CHECK(server_send(&sa, 10) == 0);
	CHECK(h_pop(&a, &fr) == 0);
	CHECK(server_send(&sa, 11) == 0);
	CHECK(h_pop(&a, &fr) == 0 && frame_split(&fr, &proto, &info,
	    &len) == 0);
	CHECK(mppe_decrypt(&crx, info, len, out, sizeof(out), &n, &why) ==
	    MPPE_RX_RESET);
	h_inject_cp(&a, PPP_CCP, CCP_RESETREQ, 0x42, NULL, 0);
	CHECK(expect(&a, PPP_CCP, CCP_RESETACK, &cp, &fr) && cp.id == 0x42);
	CHECK(server_send(&sa, 12) == 0);
	CHECK(stub_recv(&a, &hdr) == 12);
	CHECK(hdr & MPPE_BIT_A);
	CHECK(server_send(&sa, 13) == 0);
	CHECK(stub_recv(&a, &hdr) == 13);
	CHECK(!(hdr & MPPE_BIT_A));
	CHECK(a.finished == 0 && ccp_encrypt_ok(sa.ccp));
	side_free(&a, &sa);
}

/*
 * Stateful not allowed: the peer's stateful request is Naked toward H;
 * its Nak of our H to stateful ends the link (MPPE required).
 */
static void
case_stateful_refused(void)
{
	struct h_frame	 fr, reqfr;
	struct h_cp	 cp, req;
	uint32_t	 v;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	inject_mppe(&a, CP_CONFREQ, 1, MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFNAK, &cp, &fr));
	CHECK(mppe_value(&cp, &v) && v == (MPPE_OPT_H | MPPE_OPT_S));
	inject_mppe(&a, CP_CONFNAK, req.id, MPPE_OPT_S);
	CHECK(closed_with(&a, "MPPE required but peer negotiation failed"));
	CHECK(closed_with(&a, "stateful"));
	side_free(&a, &sa);
}

/* MPPE required, the peer Rejects it: LCP Terminate-Request, reason. */
static void
case_required_rejected(void)
{
	struct h_frame	 fr, reqfr;
	struct h_cp	 cp, req;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	h_inject_cp(&a, PPP_CCP, CP_CONFREJ, req.id, req.data, req.datalen);
	CHECK(closed_with(&a, "MPPE required but peer refused it"));
	CHECK(expect(&a, PPP_LCP, CP_TERMREQ, &cp, &fr));
	CHECK(cp.datalen > 0 && memcmp(cp.data, "MPPE required", 13) == 0);
	h_inject_cp(&a, PPP_LCP, CP_TERMACK, cp.id, NULL, 0);
	h_run_for(&a, NULL, 1000);
	CHECK(a.finished == 1);
	CHECK(strstr(a.reason, "MPPE required but peer refused it") != NULL);
	CHECK(!ccp_encrypt_ok(sa.ccp));
	side_free(&a, &sa);
}

/* MPPE required, the peer (CCP off) Protocol-Rejects CCP. */
static void
case_required_protrej(void)
{
	struct ccp_policy	 off = { CCP_MPPE_OFF, 0, 0 };

	engine_pair(&pol_req128, &off);
	h_run_for(&a, &b, 30000);
	CHECK(a.finished == 1 && b.finished == 1);
	CHECK(strstr(a.reason, "MPPE required but peer negotiation failed") !=
	    NULL);
	CHECK(strstr(a.reason, "Protocol-Rejected CCP") != NULL);
	side_free(&a, &sa);
	side_free(&b, &sb);
}

/*
 * MPPE required, the peer never answers CCP: the link ends when CCP
 * gives up, or, when the configuration lets CCP try longer, when the
 * open timer runs out.
 */
static void
case_required_timeout(void)
{
	struct ppp_params	 c;
	uint64_t		 t0;

	/* 5 Configure-Requests 3 s apart: CCP gives up before the timer. */
	h_conf(&c);
	c.max_configure = 5;
	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, &c);
	open_lcp(&a);
	t0 = h_clock;
	h_run_for(&a, NULL, 60000);
	CHECK(a.finished == 1);
	CHECK(strstr(a.reason, "MPPE required but peer negotiation failed: "
	    "CCP") != NULL);
	side_free(&a, &sa);

	h_conf(&c);
	c.max_configure = 100;
	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, &c);
	open_lcp(&a);
	t0 = h_clock;
	h_run_for(&a, NULL, CCP_OPEN_TIMEOUT_MS - 100);
	CHECK(a.ppp->phase == PPP_PHASE_NETWORK);
	h_run_for(&a, NULL, 20000);
	CHECK(a.finished == 1);
	CHECK(strstr(a.reason, "not up within 30 seconds") != NULL);
	CHECK(h_clock > t0);
	side_free(&a, &sa);
}

/* MPPE required without keys (PAP, CHAP-MD5): closed at once. */
static void
case_required_nokeys(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	side_new(&a, &sa, 1, &pol_req128, KEYS_NONE, NULL);
	open_lcp(&a);
	CHECK(a.nout == 0);
	h_advance(&a);
	CHECK(closed_with(&a, "no MPPE keys"));
	CHECK(expect(&a, PPP_LCP, CP_TERMREQ, &cp, &fr));
	CHECK(a.nout == 0);
	side_free(&a, &sa);
}

/*
 * After MS-CHAPv1 only 128-bit keys exist (auth derives no LAN Manager
 * ones): 40 bits is not offered, and a 40-bit-only policy cannot be met.
 */
static void
mschapv1_network(const struct ccp_policy *pol)
{
	struct ppp_params	 c;
	struct h_frame		 fr;
	struct h_cp		 cp;
	struct lcp		*lcp;
	static const uint8_t	 opts[] = { 0x05, 0x06, 0x12, 0x34, 0x56,
				    0x78 };

	h_conf(&c);
	c.auth[0] = PPP_AUTH_MSCHAP_V1;
	c.nauth = 1;
	side_new(&a, &sa, 1, pol, KEYS_SERVER, &c);
	lcp = a.ppp->lcp;
	ppp_start(a.ppp);
	CHECK(expect(&a, PPP_LCP, CP_CONFREQ, &cp, &fr));
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 1, opts, sizeof(opts));
	CHECK(expect(&a, PPP_LCP, CP_CONFACK, &cp, &fr));
	h_inject_cp(&a, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	CHECK(a.ppp->phase == PPP_PHASE_AUTHENTICATE);
	CHECK(a.ppp->auth == PPP_AUTH_MSCHAP_V1);
	ppp_auth_done(a.ppp, 1, NULL);
}

static void
case_mschapv1(void)
{
	struct ccp_policy	 p40_128 = { CCP_MPPE_REQUIRED,
				    CCP_MPPE_40 | CCP_MPPE_128, 0 };
	struct ccp_policy	 p40 = { CCP_MPPE_REQUIRED, CCP_MPPE_40, 0 };
	struct h_frame		 fr;
	struct h_cp		 cp;
	uint32_t		 v;

	mschapv1_network(&p40_128);
	CHECK(a.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
	CHECK(mppe_value(&cp, &v) && v == (MPPE_OPT_H | MPPE_OPT_S));
	inject_mppe(&a, CP_CONFREQ, 1, MPPE_OPT_H | MPPE_OPT_L);
	CHECK(expect(&a, PPP_CCP, CP_CONFNAK, &cp, &fr));
	CHECK(mppe_value(&cp, &v) && v == (MPPE_OPT_H | MPPE_OPT_S));
	side_free(&a, &sa);

	mschapv1_network(&p40);
	CHECK(closed_with(&a, "MS-CHAPv1"));
	side_free(&a, &sa);
}

/*
 * The keys arrive just after the NETWORK phase began, in the same turn
 * (the authenticator reports success first): CCP starts then, and the
 * peer's early request (pitfalls C1) is answered, not lost.
 */
static void
case_keys_late(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	side_new(&a, &sa, 1, &pol_req128, KEYS_NONE, NULL);
	open_lcp(&a);
	CHECK(a.nout == 0);
	inject_mppe(&a, CP_CONFREQ, 4, MPPE_OPT_H | MPPE_OPT_S);
	CHECK(a.nout == 0);
	ccp_set_keys(sa.ccp, srv_send, srv_recv);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr) && cp.id == 4);
	h_inject_cp(&a, PPP_CCP, CP_CONFACK, sa.ccp->fsm.reqid,
	    sa.ccp->fsm.req, sa.ccp->fsm.reqlen);
	CHECK(ccp_encrypt_ok(sa.ccp));
	/* The zero-delay verdict timer was cancelled. */
	h_run_for(&a, NULL, 1000);
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);
	side_free(&a, &sa);
}

/*
 * MPPE optional, the peer Rejects it: CCP opens empty, data is plain,
 * and a later MPPE request from the peer is Rejected too, so that both
 * directions stay alike.
 */
static void
case_optional_rejected(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_OPTIONAL, CCP_MPPE_128, 0 };
	static const uint8_t	 ip[] = { 0x45, 0x00, 0x00, 0x14 };
	struct h_frame		 fr, reqfr;
	struct h_cp		 cp, req;
	const uint8_t		*info;
	size_t			 len;
	uint16_t		 proto;

	side_new(&a, &sa, 1, &pol, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	h_inject_cp(&a, PPP_CCP, CP_CONFREJ, req.id, req.data, req.datalen);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	CHECK(req.datalen == 0);
	h_inject_cp(&a, PPP_CCP, CP_CONFREQ, 1, NULL, 0);
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr) && cp.id == 1);
	h_inject_cp(&a, PPP_CCP, CP_CONFACK, req.id, NULL, 0);
	CHECK(sa.ccp->fsm.state == FSM_OPENED);
	CHECK(!ccp_encrypt_ok(sa.ccp) && sa.up == 0);
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(ccp_plain_ok(sa.ccp, PPP_IP));
	CHECK(ccp_output(sa.ccp, PPP_IP, ip, sizeof(ip)) == 0);
	CHECK(h_pop(&a, &fr) == 0 && frame_split(&fr, &proto, &info,
	    &len) == 0);
	CHECK(proto == PPP_IP && len == sizeof(ip) &&
	    memcmp(info, ip, len) == 0);

	/* The peer renegotiates asking for MPPE after all. */
	inject_mppe(&a, CP_CONFREQ, 2, MPPE_OPT_H | MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	CHECK(req.datalen == 0);
	CHECK(expect(&a, PPP_CCP, CP_CONFREJ, &cp, &fr) && cp.id == 2);
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);
	side_free(&a, &sa);
}

/* MPPE optional against a peer with CCP off: plain data, link up. */
static void
case_optional_protrej(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_OPTIONAL, CCP_MPPE_128, 0 };
	struct ccp_policy	 off = { CCP_MPPE_OFF, 0, 0 };
	static const uint8_t	 ip[] = { 0x45, 0x00, 0x00, 0x14 };

	engine_pair(&pol, &off);
	CHECK(lcp_opened(a.ppp->lcp) && lcp_opened(b.ppp->lcp));
	plain_register(&a, &sa);
	plain_register(&b, &sb);
	h_run_for(&a, &b, 30000);
	CHECK(a.finished == 0 && b.finished == 0);
	CHECK(lcp_opened(a.ppp->lcp));
	CHECK(!ccp_encrypt_ok(sa.ccp) && sa.ccp->refused);
	CHECK(sa.ccp->fsm.state == FSM_STOPPED);
	CHECK(ccp_output(sa.ccp, PPP_IP, ip, sizeof(ip)) == 0);
	CHECK(ccp_output(sb.ccp, PPP_IP, ip, sizeof(ip)) == 0);
	h_pump(&a, &b);
	CHECK(sa.plain == 1 && sb.plain == 1);
	side_free(&a, &sa);
	side_free(&b, &sb);
}

/*
 * CCP not negotiated (MPPE off, or optional without keys): nothing is
 * requested, CCP and compressed datagrams are Protocol-Rejected, data
 * goes plain.
 */
static void
not_negotiating(const struct ccp_policy *pol, int keys)
{
	static const uint8_t	 comp[] = { 0xff, 0x03, 0x00, 0xfd, 0x90,
				    0x00, 0x01, 0x02 };
	static const uint8_t	 ip[] = { 0x45, 0x00, 0x00, 0x14 };
	struct h_frame		 fr;
	struct h_cp		 cp;
	const uint8_t		*info;
	size_t			 len;
	uint16_t		 proto;

	side_new(&a, &sa, 1, pol, keys, NULL);
	open_lcp(&a);
	h_advance(&a);
	CHECK(a.nout == 0);
	inject_mppe(&a, CP_CONFREQ, 1, MPPE_OPT_H | MPPE_OPT_S);
	CHECK(expect(&a, PPP_LCP, CP_PROTREJ, &cp, &fr));
	CHECK(cp.datalen >= 2 && cp.data[0] == 0x80 && cp.data[1] == 0xfd);
	h_inject(&a, comp, sizeof(comp));
	CHECK(expect(&a, PPP_LCP, CP_PROTREJ, &cp, &fr));
	CHECK(cp.datalen >= 2 && cp.data[0] == 0x00 && cp.data[1] == 0xfd);
	CHECK(ccp_plain_ok(sa.ccp, PPP_IP));
	CHECK(ccp_output(sa.ccp, PPP_IP, ip, sizeof(ip)) == 0);
	CHECK(h_pop(&a, &fr) == 0 && frame_split(&fr, &proto, &info,
	    &len) == 0 && proto == PPP_IP);
	CHECK(!ccp_encrypt_ok(sa.ccp));
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);
	side_free(&a, &sa);
}

static void
case_optional_nokeys(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_OPTIONAL, CCP_MPPE_128, 0 };

	not_negotiating(&pol, KEYS_NONE);
	side_new(&a, &sa, 1, &pol, KEYS_NONE, NULL);
	CHECK(ccp_overhead(sa.ccp) == MPPE_PAD);
	side_free(&a, &sa);
}

static void
case_off(void)
{
	struct ccp_policy	 pol = { CCP_MPPE_OFF, CCP_MPPE_128, 1 };

	not_negotiating(&pol, KEYS_SERVER);
	side_new(&a, &sa, 1, &pol, KEYS_SERVER, NULL);
	CHECK(ccp_overhead(sa.ccp) == 0);
	side_free(&a, &sa);
}

/*
 * Deflate, BSD-Compress, Predictor-1, Stac and Deflate (draft) are
 * Rejected as received; MPPE with MPPC (C) or D or unknown bits is
 * Naked without them.
 */
static void
case_other_compressors(void)
{
	static const uint8_t req[] = {
		0x1a, 0x04, 0x78, 0x00,			/* Deflate */
		0x15, 0x03, 0x2f,			/* BSD-Compress */
		0x01, 0x02,				/* Predictor-1 */
		0x12, 0x06, 0x01, 0x00, 0x00, 0x41,	/* MPPE +C */
		0x11, 0x05, 0x00, 0x01, 0x04,		/* Stac */
		0x18, 0x04, 0x78, 0x00,			/* Deflate draft */
	};
	static const uint8_t rej[] = {
		0x1a, 0x04, 0x78, 0x00, 0x15, 0x03, 0x2f, 0x01, 0x02,
		0x11, 0x05, 0x00, 0x01, 0x04, 0x18, 0x04, 0x78, 0x00,
	};
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint32_t	 v;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &cp, &fr));
	h_inject_cp(&a, PPP_CCP, CP_CONFREQ, 3, req, sizeof(req));
	CHECK(expect(&a, PPP_CCP, CP_CONFREJ, &cp, &fr) && cp.id == 3);
	CHECK(cp.datalen == sizeof(rej) &&
	    memcmp(cp.data, rej, sizeof(rej)) == 0);
	inject_mppe(&a, CP_CONFREQ, 4, 0x01000041);
	CHECK(expect(&a, PPP_CCP, CP_CONFNAK, &cp, &fr) && cp.id == 4);
	CHECK(mppe_value(&cp, &v) && v == 0x01000040);
	inject_mppe(&a, CP_CONFREQ, 5, 0x01100051);
	CHECK(expect(&a, PPP_CCP, CP_CONFNAK, &cp, &fr) && cp.id == 5);
	CHECK(mppe_value(&cp, &v) && v == 0x01000040);
	/* Every bit off (routers, pitfalls C2): Nak toward what we do. */
	inject_mppe(&a, CP_CONFREQ, 6, 0);
	CHECK(expect(&a, PPP_CCP, CP_CONFNAK, &cp, &fr) && cp.id == 6);
	CHECK(mppe_value(&cp, &v) && v == 0x01000040);
	inject_mppe(&a, CP_CONFREQ, 7, 0x01000040);
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr) && cp.id == 7);
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);
	side_free(&a, &sa);
}

/*
 * Malformed CCP: options with bad lengths are Rejected as received,
 * packets whose Length lies are dropped, unknown codes Code-Rejected,
 * Reset packets outside Opened or unasked ignored, a malformed Nak
 * dropped.  Each with its log line; none changes what we negotiate.
 */
static void
case_malformed_options(void)
{
	static const uint8_t len4[] = { 0x12, 0x04, 0x01, 0x00 };
	static const uint8_t len8[] = { 0x12, 0x08, 0x01, 0x00, 0x00, 0x40,
	    0x00, 0x00 };
	static const uint8_t len1[] = { 0x12, 0x06, 0x01, 0x00, 0x00, 0x40,
	    0x15, 0x01, 0xff };
	static const uint8_t past[] = { 0x12, 0x09, 0x01, 0x00, 0x00, 0x40 };
	static const uint8_t lies[] = { 0xff, 0x03, 0x80, 0xfd, 0x01, 0x09,
	    0x00, 0x20, 0x12, 0x06, 0x01, 0x00, 0x00, 0x40 };
	static const uint8_t tiny[] = { 0xff, 0x03, 0x80, 0xfd, 0x01, 0x09,
	    0x00, 0x02 };
	static const uint8_t shorthdr[] = { 0xff, 0x03, 0x80, 0xfd, 0x01 };
	struct h_frame	 fr, reqfr;
	struct h_cp	 cp, req;
	uint8_t		 reqid;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	reqid = req.id;
	/* Reset-Request before Opened: no Reset-Ack. */
	h_inject_cp(&a, PPP_CCP, CCP_RESETREQ, 9, NULL, 0);
	CHECK(a.nout == 0);

	h_inject_cp(&a, PPP_CCP, CP_CONFREQ, 1, len4, sizeof(len4));
	CHECK(expect(&a, PPP_CCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.datalen == sizeof(len4) &&
	    memcmp(cp.data, len4, sizeof(len4)) == 0);
	h_inject_cp(&a, PPP_CCP, CP_CONFREQ, 2, len8, sizeof(len8));
	CHECK(expect(&a, PPP_CCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.datalen == sizeof(len8) &&
	    memcmp(cp.data, len8, sizeof(len8)) == 0);
	h_inject_cp(&a, PPP_CCP, CP_CONFREQ, 3, len1, sizeof(len1));
	CHECK(expect(&a, PPP_CCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.datalen == 3 && memcmp(cp.data, len1 + 6, 3) == 0);
	h_inject_cp(&a, PPP_CCP, CP_CONFREQ, 4, past, sizeof(past));
	CHECK(expect(&a, PPP_CCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.datalen == sizeof(past) &&
	    memcmp(cp.data, past, sizeof(past)) == 0);
	h_inject(&a, lies, sizeof(lies));
	h_inject(&a, tiny, sizeof(tiny));
	h_inject(&a, shorthdr, sizeof(shorthdr));
	CHECK(a.nout == 0);
	h_inject_cp(&a, PPP_CCP, 20, 5, NULL, 0);
	CHECK(expect(&a, PPP_CCP, CP_CODEREJ, &cp, &fr));
	CHECK(cp.datalen == 4 && cp.data[0] == 20 && cp.data[1] == 5);
	/* A Nak of our request whose option has a bad length. */
	h_inject_cp(&a, PPP_CCP, CP_CONFNAK, reqid, len4, sizeof(len4));
	CHECK(a.nout == 0);
	CHECK(sa.ccp->fsm.reqid == reqid && sa.ccp->want.mppe);

	/* Still fine: open, then an unasked Reset-Ack is ignored. */
	inject_mppe(&a, CP_CONFREQ, 6, MPPE_OPT_H | MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr));
	h_inject_cp(&a, PPP_CCP, CP_CONFACK, reqid, req.data, req.datalen);
	CHECK(ccp_encrypt_ok(sa.ccp));
	h_inject_cp(&a, PPP_CCP, CCP_RESETACK, 0x33, NULL, 0);
	CHECK(a.nout == 0);
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);
	side_free(&a, &sa);
}

/*
 * Bad MPPE datagrams once MPPE is up: each dropped with its reason, and
 * good ones still decrypt afterwards.  A 1-octet (PFC) protocol field
 * inside is accepted, as Linux does.
 */
static void
case_bad_datagrams(void)
{
	uint8_t		 frame[PPP_FRAME_MAX], data[1400];
	size_t		 n, len;
	int		 dropped = 0;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(stub_open(&a, MPPE_OPT_H | MPPE_OPT_S));
	CHECK(ccp_encrypt_ok(sa.ccp));
	stub_keys(128, 1, 1);

	n = stub_build(frame, sizeof(frame), PPP_IP, 1);
	for (len = 4; len <= 6; len++) {
		h_inject(&a, frame, len);
		CHECK(sa.ccp->last_drop != NULL &&
		    strstr(sa.ccp->last_drop, "shorter") != NULL);
		dropped++;
	}
	frame[4] &= ~MPPE_BIT_D;
	h_inject(&a, frame, n);
	CHECK(strstr(sa.ccp->last_drop, "D (encrypted)") != NULL);
	frame[4] |= MPPE_BIT_D | MPPE_BIT_C;
	h_inject(&a, frame, n);
	CHECK(strstr(sa.ccp->last_drop, "C (MPPC") != NULL);
	frame[4] &= ~(MPPE_BIT_C | MPPE_BIT_A);
	h_inject(&a, frame, n);
	CHECK(strstr(sa.ccp->last_drop, "stateless") != NULL);
	dropped += 3;
	CHECK(sa.delivered == 0);

	/* A protocol field with an even last octet; a control protocol. */
	n = stub_build(frame, sizeof(frame), 0x0200, 2);
	h_inject(&a, frame, n);
	CHECK(strstr(sa.ccp->last_drop, "invalid protocol field") != NULL);
	n = stub_build(frame, sizeof(frame), PPP_LCP, 3);
	h_inject(&a, frame, n);
	CHECK(strstr(sa.ccp->last_drop, "network-layer") != NULL);
	dropped += 2;
	CHECK(sa.delivered == 0);
	CHECK(sa.ccp->idropped == (uint64_t)dropped);

	/* A good one after all that, then one with a PFC protocol. */
	stub_send(&a, 4);
	CHECK(sa.delivered == 1 && sa.last_seq == 4 && sa.bad == 0);
	len = gen(data, 5);
	frame[0] = 0xff;
	frame[1] = 0x03;
	frame[2] = 0x00;
	frame[3] = 0xfd;
	CHECK(mppe_encrypt(&ctx, (0x21 << 8) | data[0], data + 1, len - 1,
	    frame + 4, sizeof(frame) - 4, &n) == 0);
	h_inject(&a, frame, n + 4);
	CHECK(sa.delivered == 2 && sa.proto == PPP_IP && sa.bad == 0);
	CHECK(sa.last_seq == 5);
	/* Compressed datagrams are never taken plain or the other way. */
	CHECK(!ccp_plain_ok(sa.ccp, PPP_IP));
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);
	side_free(&a, &sa);
}

/* A peer that sends nothing but bogus MPPE: the link ends (Linux). */
static void
case_too_many_errors(void)
{
	uint8_t	 frame[PPP_FRAME_MAX];
	size_t	 n;
	int	 i;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(stub_open(&a, MPPE_OPT_H | MPPE_OPT_S));
	stub_keys(128, 1, 1);
	n = stub_build(frame, sizeof(frame), PPP_IP, 1);
	frame[4] &= ~MPPE_BIT_D;
	for (i = 0; i < 15; i++)
		h_inject(&a, frame, n);
	CHECK(a.ppp->phase == PPP_PHASE_NETWORK);
	h_inject(&a, frame, n);
	CHECK(closed_with(&a, "too many MPPE errors"));
	side_free(&a, &sa);
}

/*
 * A Configure-Request in Opened (pitfalls C2): renegotiate, drop
 * encrypted data meanwhile, restart MPPE from its initial keys; the link
 * stays up.
 */
static void
case_renegotiate(void)
{
	struct h_frame	 fr, reqfr;
	struct h_cp	 cp, req;
	uint8_t		 hdr;
	int		 i;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(stub_open(&a, MPPE_OPT_H | MPPE_OPT_S));
	stub_keys(128, 1, 1);
	for (i = 0; i < 5; i++) {
		CHECK(server_send(&sa, i) == 0);
		CHECK(stub_recv(&a, NULL) == i);
		stub_send(&a, i);
	}
	CHECK(sa.delivered == 5);

	inject_mppe(&a, CP_CONFREQ, 9, MPPE_OPT_H | MPPE_OPT_S);
	CHECK(expect(&a, PPP_CCP, CP_CONFREQ, &req, &reqfr));
	CHECK(expect(&a, PPP_CCP, CP_CONFACK, &cp, &fr) && cp.id == 9);
	CHECK(!ccp_encrypt_ok(sa.ccp) && sa.down == 1);
	CHECK(server_send(&sa, 5) == -1);
	CHECK(a.nout == 0);
	stub_send(&a, 5);
	CHECK(sa.delivered == 5);
	CHECK(strstr(sa.ccp->last_drop, "not up") != NULL);
	CHECK(a.finished == 0 && a.ppp->phase == PPP_PHASE_NETWORK);

	h_inject_cp(&a, PPP_CCP, CP_CONFACK, req.id, req.data, req.datalen);
	CHECK(ccp_encrypt_ok(sa.ccp) && sa.up == 2);
	/* Both ends start over: count 0, initial keys. */
	mppe_clear(&ctx);
	mppe_clear(&crx);
	stub_keys(128, 1, 1);
	CHECK(server_send(&sa, 6) == 0);
	CHECK(stub_recv(&a, &hdr) == 6);
	CHECK(crx.ccount == 0);
	stub_send(&a, 7);
	CHECK(sa.delivered == 6 && sa.last_seq == 7);
	side_free(&a, &sa);
}

/* The peer closes CCP after MPPE was up: the link ends, as in pppd. */
static void
case_peer_terminates(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(stub_open(&a, MPPE_OPT_H | MPPE_OPT_S));
	CHECK(ccp_encrypt_ok(sa.ccp));
	h_inject_cp(&a, PPP_CCP, CP_TERMREQ, 5, NULL, 0);
	CHECK(expect(&a, PPP_CCP, CP_TERMACK, &cp, &fr) && cp.id == 5);
	CHECK(closed_with(&a, "MPPE disabled by peer"));
	CHECK(sa.down == 1);
	side_free(&a, &sa);
}

/*
 * Plain network-layer datagrams: refused while MPPE is required (even
 * before it is up) and once it is up; control protocols always pass.
 */
static void
case_plain_refused(void)
{
	struct ccp_policy	 opt = { CCP_MPPE_OPTIONAL, CCP_MPPE_128, 0 };
	static const uint8_t	 ip[] = { 0x45, 0x00, 0x00, 0x14 };

	side_new(&a, &sa, 1, &pol_req128, KEYS_SERVER, NULL);
	open_lcp(&a);
	h_clear(&a);
	CHECK(!ccp_plain_ok(sa.ccp, PPP_IP));
	CHECK(ccp_plain_ok(sa.ccp, PPP_IPCP));
	CHECK(ccp_output(sa.ccp, PPP_IP, ip, sizeof(ip)) == -1);
	CHECK(a.nout == 0 && sa.ccp->odropped == 1);
	CHECK(ccp_output(sa.ccp, PPP_IPCP, ip, sizeof(ip)) == 0);
	CHECK(a.nout == 1);
	/* Not a protocol number at all (RFC 1661 2). */
	CHECK(ccp_output(sa.ccp, 0xffff, ip, sizeof(ip)) == -1);
	CHECK(ccp_output(sa.ccp, 0x0120, ip, sizeof(ip)) == -1);
	CHECK(ccp_output(sa.ccp, PPP_COMP, ip, sizeof(ip)) == -1);
	CHECK(a.nout == 1 && sa.ccp->odropped == 4);
	CHECK(ccp_overhead(sa.ccp) == MPPE_PAD);
	side_free(&a, &sa);

	side_new(&a, &sa, 1, &opt, KEYS_SERVER, NULL);
	open_lcp(&a);
	CHECK(ccp_plain_ok(sa.ccp, PPP_IP));
	CHECK(stub_open(&a, MPPE_OPT_H | MPPE_OPT_S));
	CHECK(ccp_encrypt_ok(sa.ccp));
	CHECK(!ccp_plain_ok(sa.ccp, PPP_IP));
	CHECK(ccp_plain_ok(sa.ccp, PPP_IPCP));
	side_free(&a, &sa);
}

static const struct test_case cases[] = {
	{ "engine-to-engine", case_engine_to_engine },
	{ "first-packet-vector", case_first_packet_vector },
	{ "windows", case_windows },
	{ "all-bits-nak", case_all_bits_nak },
	{ "strength-40", case_strength_40 },
	{ "strength-mismatch", case_strength_mismatch },
	{ "stateful", case_stateful },
	{ "stateful-reset", case_stateful_reset },
	{ "stateful-refused", case_stateful_refused },
	{ "required-rejected", case_required_rejected },
	{ "required-protrej", case_required_protrej },
	{ "required-timeout", case_required_timeout },
	{ "required-nokeys", case_required_nokeys },
	{ "keys-late", case_keys_late },
	{ "mschapv1", case_mschapv1 },
	{ "optional-rejected", case_optional_rejected },
	{ "optional-protrej", case_optional_protrej },
	{ "optional-nokeys", case_optional_nokeys },
	{ "off", case_off },
	{ "other-compressors", case_other_compressors },
	{ "malformed-options", case_malformed_options },
	{ "bad-datagrams", case_bad_datagrams },
	{ "too-many-errors", case_too_many_errors },
	{ "renegotiate", case_renegotiate },
	{ "peer-terminates", case_peer_terminates },
	{ "plain-refused", case_plain_refused },
};

int
main(int argc, char *argv[])
{
	test_log(NULL, 2);
	if (crypto_init() == -1) {
		fprintf(stderr, "crypto_init failed\n");
		return (1);
	}
	return (test_run("ccp_nego", cases, TEST_NCASES(cases), argc,
	    argv, 0));
}

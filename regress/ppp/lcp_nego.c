/*
 * lcp_nego: LCP and the per-link glue, one case per run.  Two engines
 * negotiate back to back; hand-built packets play Windows and other
 * peers as the pitfalls describe them; the clock is simulated, so the
 * keepalive and the restart timer are exact and take no real time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm.h"
#include "harness.h"
#include "lcp.h"
#include "log.h"
#include "ppp.h"
#include "test.h"

static struct h_side	 a, b;

/* Counters of a fake protocol registered on a link. */
struct fake {
	int		 up, down, input, protrej;
	size_t		 lastlen;
};

static void	 fake_input(void *, struct wire_reader *);
static void	 fake_up(void *);
static void	 fake_down(void *);
static void	 fake_protrej(void *);
static void	 fake_register(struct h_side *, struct fake *, uint16_t, int);
static int	 expect(struct h_side *, uint8_t, struct h_cp *,
		    struct h_frame *);
static void	 open_alone(struct h_side *, const uint8_t *, size_t);
static void	 case_engine_to_engine(void);
static void	 case_first_request_lost(void);
static void	 case_windows(void);
static void	 auth_conf(struct ppp_params *, const int *, int);
static void	 nak_auth(struct h_side *, const uint8_t *, size_t);
static void	 case_auth_nak(void);
static void	 case_auth_nak_jump(void);
static void	 case_auth_nak_exhausted(void);
static void	 case_auth_rejected(void);
static void	 case_loopback_negotiation(void);
static void	 case_loopback_echo(void);
static void	 case_zero_magic(void);
static void	 case_echo_timeout(void);
static void	 case_echo_alive(void);
static void	 case_echo_reply(void);
static void	 case_protrej(void);
static void	 case_terminate(void);
static void	 case_pppoe(void);
static void	 case_phases(void);
static int	 ncp_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static int	 ncp_add(struct fsm *, struct wire_writer *);
static void	 case_ncp(void);

static void
fake_input(void *arg, struct wire_reader *r)
{
	struct fake	*fk = arg;

	fk->input++;
	fk->lastlen = wire_left(r);
}

static void
fake_up(void *arg)
{
	((struct fake *)arg)->up++;
}

static void
fake_down(void *arg)
{
	((struct fake *)arg)->down++;
}

static void
fake_protrej(void *arg)
{
	((struct fake *)arg)->protrej++;
}

static void
fake_register(struct h_side *s, struct fake *fk, uint16_t proto, int phase)
{
	struct ppp_proto	 p;

	memset(fk, 0, sizeof(*fk));
	memset(&p, 0, sizeof(p));
	p.proto = proto;
	p.name = "fake";
	p.phase = phase;
	p.arg = fk;
	p.input = fake_input;
	p.up = fake_up;
	p.down = fake_down;
	p.protrej = fake_protrej;
	CHECK(ppp_register(s->ppp, &p) == 0);
}

/* The next frame of a side must be an LCP packet with this code. */
static int
expect(struct h_side *s, uint8_t code, struct h_cp *cp, struct h_frame *fr)
{
	if (h_pop_cp(s, cp, fr) == -1) {
		fprintf(stderr, "expected %s, got %s\n", fsm_code_name(code),
		    s->nout < 0 ? "nothing" : "no control packet");
		return (0);
	}
	if (cp->proto != PPP_LCP || cp->code != code) {
		fprintf(stderr, "expected LCP %s, got 0x%04x %s\n",
		    fsm_code_name(code), cp->proto, fsm_code_name(cp->code));
		return (0);
	}
	return (1);
}

/* Open side s against hand-built packets: the peer requests opts. */
static void
open_alone(struct h_side *s, const uint8_t *opts, size_t len)
{
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct lcp	*lcp = s->ppp->lcp;

	ppp_start(s->ppp);
	CHECK(expect(s, CP_CONFREQ, &cp, &fr));
	h_inject_cp(s, PPP_LCP, CP_CONFREQ, 1, opts, len);
	CHECK(expect(s, CP_CONFACK, &cp, &fr));
	h_inject_cp(s, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	CHECK(lcp_opened(lcp));
}

static const uint8_t peer_opts[] = {
	0x01, 0x04, 0x05, 0x78,			/* MRU 1400 */
	0x05, 0x06, 0x12, 0x34, 0x56, 0x78,	/* magic */
};

/* Two engines back to back reach Opened and agree on MRU and magic. */
static void
case_engine_to_engine(void)
{
	struct ppp_params	 ca, cb;

	h_conf(&ca);
	ca.mru = 1400;
	h_conf(&cb);
	h_init(&a, 1, &ca, 1500, 0);
	h_init(&b, 2, &cb, 1500, 0);
	ppp_start(a.ppp);
	ppp_start(b.ppp);
	h_run_for(&a, &b, 10000);
	CHECK(lcp_opened(a.ppp->lcp) && lcp_opened(b.ppp->lcp));
	CHECK(a.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(b.ppp->phase == PPP_PHASE_NETWORK);
	/* A asked for 1400, B for nothing: the default 1500. */
	CHECK(b.ppp->lcp->peer_mru == 1400);
	CHECK(a.ppp->lcp->peer_mru == 1500);
	CHECK(a.ppp->lcp->magic != 0 && b.ppp->lcp->magic != 0);
	CHECK(a.ppp->lcp->magic != b.ppp->lcp->magic);
	CHECK(a.ppp->lcp->his.magic == b.ppp->lcp->magic);
	CHECK(b.ppp->lcp->his.magic == a.ppp->lcp->magic);
	CHECK(a.ppp->lcp->his.pfc && a.ppp->lcp->his.acfc);
	CHECK(a.finished == 0 && b.finished == 0);
	h_free(&a);
	h_free(&b);
}

/* The first request is lost (pitfalls B1): resent after 1 s, not 3 s. */
static void
case_first_request_lost(void)
{
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint64_t	 t0;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	t0 = h_clock;
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(a.deadline == (int64_t)(t0 + c.first_restart_ms));
	h_advance(&a);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(a.deadline == (int64_t)(h_clock + c.restart_ms));
	h_free(&a);
}

/*
 * A Windows-style request (wire_examples 5): Callback, MRRU and
 * Endpoint-Discriminator are Rejected exactly as received, the rest is
 * then Acked, and we go to the Authenticate phase with MS-CHAPv2.
 */
static void
case_windows(void)
{
	static const uint8_t win_req[] = {
	    0xc0, 0x21, 0x01, 0x00, 0x00, 0x2c, 0x01, 0x04, 0x05, 0x78,
	    0x05, 0x06, 0x12, 0x34, 0x56, 0x78, 0x07, 0x02, 0x08, 0x02,
	    0x0d, 0x03, 0x06, 0x11, 0x04, 0x06, 0x4e, 0x13, 0x13, 0x01,
	    0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5, 0xa6, 0xb7, 0xc8, 0xd9,
	    0xe0, 0xf1, 0xa2, 0xb3, 0xc4, 0xd5 };
	static const uint8_t win_rej[] = {
	    0xff, 0x03,
	    0xc0, 0x21, 0x04, 0x00, 0x00, 0x1e, 0x0d, 0x03, 0x06, 0x11,
	    0x04, 0x06, 0x4e, 0x13, 0x13, 0x01, 0xa0, 0xb1, 0xc2, 0xd3,
	    0xe4, 0xf5, 0xa6, 0xb7, 0xc8, 0xd9, 0xe0, 0xf1, 0xa2, 0xb3,
	    0xc4, 0xd5 };
	static const uint8_t win_req2[] = {
	    0x01, 0x04, 0x05, 0x78, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78,
	    0x07, 0x02, 0x08, 0x02 };
	static const uint8_t v2[] = { 0x03, 0x05, 0xc2, 0x23, 0x81 };
	static const uint8_t ident[] = {
	    0x12, 0x34, 0x56, 0x78, 'M', 'S', 'R', 'A', 'S', 'V', '5', '.',
	    '2', '0' };
	static const uint8_t ipv6cp[] = {
	    0x80, 0x57, 0x01, 0x01, 0x00, 0x0e, 0x01, 0x0a, 0, 1, 2, 3, 4,
	    5, 6, 7 };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct lcp	*lcp;

	h_conf(&c);
	c.auth[0] = PPP_AUTH_MSCHAP_V2;
	c.nauth = 1;
	h_init(&a, 1, &c, 1500, 0);
	lcp = a.ppp->lcp;
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(h_has_option(&cp, v2, sizeof(v2)));
	/* Frames without FF 03 are accepted too. */
	h_inject(&a, win_req, sizeof(win_req));
	CHECK(h_pop(&a, &fr) == 0);
	CHECK(fr.len == sizeof(win_rej) &&
	    memcmp(fr.buf, win_rej, sizeof(win_rej)) == 0);
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 1, win_req2, sizeof(win_req2));
	CHECK(expect(&a, CP_CONFACK, &cp, &fr));
	CHECK(cp.id == 1 && cp.datalen == sizeof(win_req2) &&
	    memcmp(cp.data, win_req2, sizeof(win_req2)) == 0);
	h_inject_cp(&a, PPP_LCP, CP_CONFACK, lcp->fsm.reqid, lcp->fsm.req,
	    lcp->fsm.reqlen);
	CHECK(lcp_opened(lcp));
	CHECK(a.ppp->phase == PPP_PHASE_AUTHENTICATE);
	CHECK(a.ppp->auth == PPP_AUTH_MSCHAP_V2);
	CHECK(lcp->peer_mru == 1400 && lcp->his.magic == 0x12345678);
	/* Identification is ignored (pitfalls B2). */
	h_inject_cp(&a, PPP_LCP, CP_IDENT, 2, ident, sizeof(ident));
	CHECK(a.nout == 0 && lcp_opened(lcp));
	/* IPV6CP is Protocol-Rejected (pitfalls B6). */
	h_inject(&a, ipv6cp, sizeof(ipv6cp));
	CHECK(expect(&a, CP_PROTREJ, &cp, &fr));
	CHECK(cp.datalen == sizeof(ipv6cp) && cp.data[0] == 0x80 &&
	    cp.data[1] == 0x57 &&
	    memcmp(cp.data + 2, ipv6cp + 2, sizeof(ipv6cp) - 2) == 0);
	h_free(&a);
}

static void
auth_conf(struct ppp_params *c, const int *methods, int n)
{
	int	 i;

	h_conf(c);
	for (i = 0; i < n; i++)
		c->auth[i] = methods[i];
	c->nauth = n;
}

/* Nak the auth option of side's outstanding request with opt. */
static void
nak_auth(struct h_side *s, const uint8_t *opt, size_t len)
{
	h_inject_cp(s, PPP_LCP, CP_CONFNAK, s->ppp->lcp->fsm.reqid, opt, len);
}

/* CHAP-MD5 first; the peer Naks asking MS-CHAPv2; we move to it. */
static void
case_auth_nak(void)
{
	static const int m[] = { PPP_AUTH_CHAP_MD5, PPP_AUTH_MSCHAP_V2 };
	static const uint8_t md5[] = { 0x03, 0x05, 0xc2, 0x23, 0x05 };
	static const uint8_t v2[] = { 0x03, 0x05, 0xc2, 0x23, 0x81 };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 id;

	auth_conf(&c, m, 2);
	h_init(&a, 1, &c, 1500, 0);
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(h_has_option(&cp, md5, sizeof(md5)));
	id = cp.id;
	nak_auth(&a, v2, sizeof(v2));
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(cp.id != id);
	CHECK(h_has_option(&cp, v2, sizeof(v2)));
	CHECK(!h_has_option(&cp, md5, sizeof(md5)));
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 1, peer_opts, sizeof(peer_opts));
	h_inject_cp(&a, PPP_LCP, CP_CONFACK, cp.id, cp.data, cp.datalen);
	CHECK(lcp_opened(a.ppp->lcp));
	CHECK(a.ppp->auth == PPP_AUTH_MSCHAP_V2);
	h_free(&a);
}

/* Windows Naks PAP with MS-CHAPv2: one round trip, not three (A5). */
static void
case_auth_nak_jump(void)
{
	static const int m[] = { PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5,
	    PPP_AUTH_MSCHAP_V1, PPP_AUTH_MSCHAP_V2 };
	static const uint8_t pap[] = { 0x03, 0x04, 0xc0, 0x23 };
	static const uint8_t v2[] = { 0x03, 0x05, 0xc2, 0x23, 0x81 };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;

	auth_conf(&c, m, 4);
	h_init(&a, 1, &c, 1500, 0);
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(h_has_option(&cp, pap, sizeof(pap)));
	nak_auth(&a, v2, sizeof(v2));
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(h_has_option(&cp, v2, sizeof(v2)));
	h_free(&a);
}

/* Every method refused: the link is terminated with a reason. */
static void
case_auth_nak_exhausted(void)
{
	static const int m[] = { PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5 };
	static const uint8_t md5[] = { 0x03, 0x05, 0xc2, 0x23, 0x05 };
	static const uint8_t v2[] = { 0x03, 0x05, 0xc2, 0x23, 0x81 };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;

	auth_conf(&c, m, 2);
	h_init(&a, 1, &c, 1500, 0);
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	nak_auth(&a, v2, sizeof(v2));
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(h_has_option(&cp, md5, sizeof(md5)));
	nak_auth(&a, v2, sizeof(v2));
	CHECK(expect(&a, CP_TERMREQ, &cp, &fr));
	CHECK(a.ppp->phase == PPP_PHASE_TERMINATE);
	h_run_for(&a, NULL, 60000);
	CHECK(a.finished == 1);
	CHECK(strstr(a.reason, "refused every authentication") != NULL);
	CHECK(a.ppp->phase == PPP_PHASE_DEAD);
	h_free(&a);
}

/* The peer Rejects authentication altogether. */
static void
case_auth_rejected(void)
{
	static const int m[] = { PPP_AUTH_MSCHAP_V2 };
	static const uint8_t v2[] = { 0x03, 0x05, 0xc2, 0x23, 0x81 };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;

	auth_conf(&c, m, 1);
	h_init(&a, 1, &c, 1500, 0);
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	h_inject_cp(&a, PPP_LCP, CP_CONFREJ, cp.id, v2, sizeof(v2));
	CHECK(expect(&a, CP_TERMREQ, &cp, &fr));
	h_inject_cp(&a, PPP_LCP, CP_TERMACK, cp.id, NULL, 0);
	h_run_for(&a, NULL, 0);
	CHECK(a.finished == 1);
	CHECK(strstr(a.reason, "refused to authenticate") != NULL);
	h_free(&a);
}

/* A link looped back during negotiation gives up after max_loopback. */
static void
case_loopback_negotiation(void)
{
	struct ppp_params	 c;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	a.loopback = 1;
	ppp_start(a.ppp);
	h_run_for(&a, NULL, 120000);
	CHECK(a.finished == 1);
	CHECK(strstr(a.reason, "looped back") != NULL);
	CHECK(a.ppp->lcp->loops >= c.max_loopback);
	h_free(&a);
}

/* Our own magic in an Echo-Reply means a loop (pitfalls B3). */
static void
case_loopback_echo(void)
{
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 m[4];
	uint32_t	 magic;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	open_alone(&a, peer_opts, sizeof(peer_opts));
	magic = a.ppp->lcp->magic;
	CHECK(magic != 0);
	m[0] = magic >> 24;
	m[1] = magic >> 16;
	m[2] = magic >> 8;
	m[3] = magic;
	h_inject_cp(&a, PPP_LCP, CP_ECHOREP, 9, m, sizeof(m));
	CHECK(expect(&a, CP_TERMREQ, &cp, &fr));
	h_run_for(&a, NULL, 60000);
	CHECK(a.finished == 1 && strstr(a.reason, "looped back") != NULL);
	h_free(&a);
}

/* Zero magic: Naked when requested; after a Reject we send zeros. */
static void
case_zero_magic(void)
{
	static const uint8_t zero[] = { 0x05, 0x06, 0, 0, 0, 0 };
	static const uint8_t none[] = { 0x01, 0x04, 0x05, 0x78 };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct lcp	*lcp;
	uint8_t		 opt[6];
	size_t		 i;

	h_conf(&c);
	c.echo_interval = 10;
	h_init(&a, 1, &c, 1500, 0);
	lcp = a.ppp->lcp;
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 1, zero, sizeof(zero));
	CHECK(expect(&a, CP_CONFNAK, &cp, &fr));
	CHECK(cp.datalen == 6 && cp.data[0] == 5 &&
	    (cp.data[2] | cp.data[3] | cp.data[4] | cp.data[5]) != 0);
	/* Reject our magic: the option as we sent it. */
	memset(opt, 0, sizeof(opt));
	for (i = 0; i + 6 <= lcp->fsm.reqlen; i += lcp->fsm.req[i + 1])
		if (lcp->fsm.req[i] == LCP_OPT_MAGIC) {
			memcpy(opt, lcp->fsm.req + i, 6);
			break;
		}
	CHECK(opt[0] == LCP_OPT_MAGIC);
	h_inject_cp(&a, PPP_LCP, CP_CONFREJ, lcp->fsm.reqid, opt, 6);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(!h_has_option(&cp, opt, 6));
	h_inject_cp(&a, PPP_LCP, CP_CONFACK, cp.id, cp.data, cp.datalen);
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 2, none, sizeof(none));
	CHECK(expect(&a, CP_CONFACK, &cp, &fr));
	CHECK(lcp_opened(lcp) && lcp->magic == 0);
	/* Echo with magic 0 both ways, and 0 is not taken for a loop. */
	h_advance(&a);
	CHECK(expect(&a, CP_ECHOREQ, &cp, &fr));
	CHECK(cp.datalen == 4 && memcmp(cp.data, "\0\0\0\0", 4) == 0);
	h_inject_cp(&a, PPP_LCP, CP_ECHOREP, cp.id, cp.data, 4);
	h_inject_cp(&a, PPP_LCP, CP_ECHOREQ, 7, cp.data, 4);
	CHECK(expect(&a, CP_ECHOREP, &cp, &fr));
	CHECK(cp.id == 7 && memcmp(cp.data, "\0\0\0\0", 4) == 0);
	CHECK(lcp_opened(lcp) && a.finished == 0);
	h_free(&a);
}

/* No Echo-Reply: exactly echo_failures requests, then Terminate. */
static void
case_echo_timeout(void)
{
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	int		 echoes = 0, termreqs = 0, steps;
	uint64_t	 t0;

	h_conf(&c);
	c.echo_interval = 10;
	c.echo_failures = 3;
	h_init(&a, 1, &c, 1500, 0);
	open_alone(&a, peer_opts, sizeof(peer_opts));
	t0 = h_clock;
	for (steps = 0; steps < 100 && !a.finished; steps++) {
		while (h_pop_cp(&a, &cp, &fr) == 0) {
			if (cp.code == CP_ECHOREQ) {
				echoes++;
				CHECK(termreqs == 0);
			}
			if (cp.code == CP_TERMREQ)
				termreqs++;
		}
		h_advance(&a);
	}
	CHECK(echoes == 3);
	CHECK(termreqs == c.max_terminate);
	CHECK(a.finished == 1);
	CHECK(strstr(a.reason, "Echo") != NULL);
	/* The first echo came one interval after opening. */
	CHECK(h_clock - t0 >= 4 * 10000);
	h_free(&a);
}

/* Two engines answering each other's echoes stay up. */
static void
case_echo_alive(void)
{
	struct ppp_params	 c;

	h_conf(&c);
	c.echo_interval = 5;
	c.echo_failures = 2;
	h_init(&a, 1, &c, 1500, 0);
	h_init(&b, 2, &c, 1500, 0);
	ppp_start(a.ppp);
	ppp_start(b.ppp);
	h_run_for(&a, &b, 600000);
	CHECK(lcp_opened(a.ppp->lcp) && lcp_opened(b.ppp->lcp));
	CHECK(a.finished == 0 && b.finished == 0);
	CHECK(a.ppp->lcp->echo_id > 100 && b.ppp->lcp->echo_id > 100);
	h_free(&a);
	h_free(&b);
}

/* An Echo-Reply carries our magic and is cut to the peer's MRU (B4). */
static void
case_echo_reply(void)
{
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 req[1496];
	uint32_t	 magic;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	open_alone(&a, peer_opts, sizeof(peer_opts));	/* peer MRU 1400 */
	memset(req, 0x5a, sizeof(req));
	req[0] = 0x12;
	req[1] = 0x34;
	req[2] = 0x56;
	req[3] = 0x78;
	h_inject_cp(&a, PPP_LCP, CP_ECHOREQ, 3, req, sizeof(req));
	CHECK(expect(&a, CP_ECHOREP, &cp, &fr));
	magic = (uint32_t)cp.data[0] << 24 | cp.data[1] << 16 |
	    cp.data[2] << 8 | cp.data[3];
	CHECK(cp.id == 3 && magic == a.ppp->lcp->magic);
	CHECK(cp.len == 1400);
	CHECK(cp.data[4] == 0x5a && cp.data[cp.datalen - 1] == 0x5a);
	h_free(&a);
}

/* Protocol-Reject in both directions. */
static void
case_protrej(void)
{
	static const uint8_t unknown[] = { 0xff, 0x03, 0x82, 0x81, 1, 2, 3 };
	static const uint8_t rej_ccp[] = { 0x80, 0xfd, 0x01, 0x01, 0, 4 };
	static const uint8_t rej_lcp[] = { 0xc0, 0x21, 0x01, 0x01, 0, 4 };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct fake	 ccp;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	fake_register(&a, &ccp, PPP_CCP, PPP_PHASE_NETWORK);
	ppp_start(a.ppp);
	h_clear(&a);
	/* Not before LCP is opened. */
	h_inject(&a, unknown, sizeof(unknown));
	CHECK(a.nout == 0);
	h_free(&a);

	h_init(&a, 1, &c, 1500, 0);
	fake_register(&a, &ccp, PPP_CCP, PPP_PHASE_NETWORK);
	open_alone(&a, peer_opts, sizeof(peer_opts));
	CHECK(ccp.up == 1);
	h_inject(&a, unknown, sizeof(unknown));
	CHECK(expect(&a, CP_PROTREJ, &cp, &fr));
	CHECK(cp.datalen == 5 && cp.data[0] == 0x82 && cp.data[1] == 0x81 &&
	    cp.data[4] == 3);
	/* The peer rejects CCP (pitfalls A5): CCP is told, LCP stays. */
	h_inject_cp(&a, PPP_LCP, CP_PROTREJ, 5, rej_ccp, sizeof(rej_ccp));
	CHECK(ccp.protrej == 1 && lcp_opened(a.ppp->lcp) && a.nout == 0);
	/* The peer rejects LCP itself: catastrophic. */
	h_inject_cp(&a, PPP_LCP, CP_PROTREJ, 6, rej_lcp, sizeof(rej_lcp));
	CHECK(expect(&a, CP_TERMREQ, &cp, &fr));
	CHECK(ccp.down == 1);
	h_free(&a);
}

/* The peer terminates; then we do. */
static void
case_terminate(void)
{
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	open_alone(&a, peer_opts, sizeof(peer_opts));
	h_inject_cp(&a, PPP_LCP, CP_TERMREQ, 0x33, (const uint8_t *)"bye", 3);
	CHECK(expect(&a, CP_TERMACK, &cp, &fr));
	CHECK(cp.id == 0x33);
	CHECK(a.ppp->phase == PPP_PHASE_TERMINATE && a.finished == 0);
	h_run_for(&a, NULL, 60000);
	CHECK(a.finished == 1 && strcmp(a.reason, "peer terminated: bye") == 0);
	h_free(&a);

	h_init(&a, 1, &c, 1500, 0);
	open_alone(&a, peer_opts, sizeof(peer_opts));
	ppp_close(a.ppp, "admin reset");
	CHECK(expect(&a, CP_TERMREQ, &cp, &fr));
	CHECK(cp.datalen == 11 && memcmp(cp.data, "admin reset", 11) == 0);
	h_inject_cp(&a, PPP_LCP, CP_TERMACK, cp.id, NULL, 0);
	CHECK(a.ppp->phase == PPP_PHASE_DEAD && a.finished == 0);
	h_run_for(&a, NULL, 0);
	CHECK(a.finished == 1 && strcmp(a.reason, "admin reset") == 0);
	h_free(&a);
}

/* PPPoE: MRU 1492 asked for, no FF 03, ACCM and ACFC Rejected (E1). */
static void
case_pppoe(void)
{
	static const uint8_t mru1492[] = { 0x01, 0x04, 0x05, 0xd4 };
	static const uint8_t req[] = {
	    0x01, 0x04, 0x05, 0xdc,		/* MRU 1500 */
	    0x02, 0x06, 0, 0, 0, 0,		/* ACCM */
	    0x08, 0x02 };			/* ACFC */
	static const uint8_t req2[] = { 0x01, 0x04, 0x05, 0xdc };
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;

	h_conf(&c);
	h_init(&a, 1, &c, 1492, PPP_LINK_NO_ADDRCTL | PPP_LINK_NO_ACCM);
	ppp_start(a.ppp);
	CHECK(expect(&a, CP_CONFREQ, &cp, &fr));
	CHECK(!cp.addrctl && fr.buf[0] == 0xc0);
	CHECK(h_has_option(&cp, mru1492, sizeof(mru1492)));
	CHECK(!h_has_option(&cp, (const uint8_t *)"\x08\x02", 2));
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 1, req, sizeof(req));
	CHECK(expect(&a, CP_CONFREJ, &cp, &fr));
	CHECK(cp.datalen == 8 && memcmp(cp.data, req + 4, 8) == 0);
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 2, req2, sizeof(req2));
	CHECK(expect(&a, CP_CONFNAK, &cp, &fr));
	CHECK(cp.datalen == 4 && memcmp(cp.data, mru1492, 4) == 0);
	h_free(&a);
}

/*
 * Phases and the registry: auth protocols run in Authenticate, NCPs
 * wait for Network, and an NCP frame that comes early is held and
 * delivered when its phase begins (pitfalls A6, C1).
 */
static void
case_phases(void)
{
	static const int m[] = { PPP_AUTH_PAP };
	static const uint8_t ipcp[] = { 0x80, 0x21, 0x01, 0x01, 0x00, 0x04 };
	static const uint8_t pap[] = { 0xc0, 0x23, 0x01, 0x01, 0x00, 0x04 };
	static const uint8_t ip_pfc[] = { 0x21, 0x45, 0, 0, 20 };
	static const uint8_t ip_full[] = { 0xff, 0x03, 0x00, 0x21, 0x45 };
	struct ppp_params	 c;
	struct fake	 auth, ncp, ip;

	auth_conf(&c, m, 1);
	h_init(&a, 1, &c, 1500, 0);
	fake_register(&a, &auth, PPP_PAP, PPP_PHASE_AUTHENTICATE);
	fake_register(&a, &ncp, PPP_IPCP, PPP_PHASE_NETWORK);
	fake_register(&a, &ip, PPP_IP, PPP_PHASE_NETWORK);
	open_alone(&a, peer_opts, sizeof(peer_opts));
	CHECK(a.ppp->phase == PPP_PHASE_AUTHENTICATE);
	CHECK(auth.up == 1 && ncp.up == 0);
	h_inject(&a, ipcp, sizeof(ipcp));
	CHECK(ncp.input == 0 && a.nout == 0);
	h_inject(&a, pap, sizeof(pap));
	CHECK(auth.input == 1);
	ppp_auth_done(a.ppp, 1, NULL);
	CHECK(a.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(ncp.up == 1 && ncp.input == 1 && ncp.lastlen == 4);
	/* Repeated auth packets still reach auth after the phase (A6). */
	h_inject(&a, pap, sizeof(pap));
	CHECK(auth.input == 2);
	/* Compressed and full protocol fields. */
	h_inject(&a, ip_pfc, sizeof(ip_pfc));
	h_inject(&a, ip_full, sizeof(ip_full));
	CHECK(ip.input == 2);
	/* Leaving: everything goes down once. */
	ppp_close(a.ppp, "done");
	CHECK(auth.down == 1 && ncp.down == 1 && ip.down == 1);
	h_free(&a);

	/* Authentication failure ends the link with its reason. */
	h_init(&a, 1, &c, 1500, 0);
	open_alone(&a, peer_opts, sizeof(peer_opts));
	ppp_auth_done(a.ppp, 0, "authentication failed for user x");
	h_run_for(&a, NULL, 60000);
	CHECK(a.finished == 1);
	CHECK(strcmp(a.reason, "authentication failed for user x") == 0);
	h_free(&a);
}

/* A small NCP on the shared automaton, as IPCP and CCP will plug in. */
static int
ncp_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	(void)f;
	(void)r;
	(void)nak;
	return (FSM_ACK);
}

static int
ncp_add(struct fsm *f, struct wire_writer *w)
{
	(void)f;
	wire_put_u32(w, 0x0a000001);
	return (1);
}

static const struct fsm_opt ncp_opts[] = {
	{ 3, 6, 6, "IP-Address", ncp_req, NULL, NULL, ncp_add },
};

static const struct fsm_callbacks ncp_cb = {
	.name = "NCP",
	.proto = PPP_IPCP,
	.opts = ncp_opts,
	.nopts = 1,
};

/*
 * NCPs registered with fsm_register() open after LCP, and again after
 * LCP renegotiates (RFC 1661: Configure-Request in Opened).
 */
static void
case_ncp(void)
{
	struct ppp_params	 c;
	struct fsm	 na, nb;

	h_conf(&c);
	h_init(&a, 1, &c, 1500, 0);
	h_init(&b, 2, &c, 1500, 0);
	fsm_init(&na, a.ppp, &ncp_cb, NULL);
	fsm_init(&nb, b.ppp, &ncp_cb, NULL);
	CHECK(fsm_register(&na, PPP_PHASE_NETWORK) == 0);
	CHECK(fsm_register(&nb, PPP_PHASE_NETWORK) == 0);
	CHECK(fsm_register(&nb, PPP_PHASE_NETWORK) == -1);
	ppp_start(a.ppp);
	ppp_start(b.ppp);
	h_run_for(&a, &b, 10000);
	CHECK(na.state == FSM_OPENED && nb.state == FSM_OPENED);
	/* A new Configure-Request in Opened: LCP and the NCPs go down,
	 * and both sides negotiate again (A's new request is lost). */
	h_inject_cp(&a, PPP_LCP, CP_CONFREQ, 0x77, NULL, 0);
	CHECK(a.ppp->phase == PPP_PHASE_ESTABLISH && na.state != FSM_OPENED);
	h_clear(&a);
	fsm_down(&b.ppp->lcp->fsm);
	fsm_up(&b.ppp->lcp->fsm);
	h_run_for(&a, &b, 20000);
	CHECK(lcp_opened(a.ppp->lcp) && lcp_opened(b.ppp->lcp));
	CHECK(na.state == FSM_OPENED && nb.state == FSM_OPENED);
	CHECK(a.finished == 0 && b.finished == 0);
	h_free(&a);
	h_free(&b);
}

static const struct test_case cases[] = {
	{ "engine-to-engine", case_engine_to_engine },
	{ "first-request-lost", case_first_request_lost },
	{ "windows", case_windows },
	{ "auth-nak", case_auth_nak },
	{ "auth-nak-jump", case_auth_nak_jump },
	{ "auth-nak-exhausted", case_auth_nak_exhausted },
	{ "auth-rejected", case_auth_rejected },
	{ "loopback-negotiation", case_loopback_negotiation },
	{ "loopback-echo", case_loopback_echo },
	{ "zero-magic", case_zero_magic },
	{ "echo-timeout", case_echo_timeout },
	{ "echo-alive", case_echo_alive },
	{ "echo-reply", case_echo_reply },
	{ "protrej", case_protrej },
	{ "terminate", case_terminate },
	{ "pppoe", case_pppoe },
	{ "phases", case_phases },
	{ "ncp", case_ncp },
};

int
main(int argc, char *argv[])
{
	return (test_main("lcp_nego", cases, TEST_NCASES(cases), argc,
	    argv, getenv("PPP_DEBUG") != NULL));
}

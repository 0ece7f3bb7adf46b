/*
 * srv.c: the server link of the IPCP tests (see srv.h).
 */
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsm.h"
#include "harness.h"
#include "ipcp.h"
#include "lcp.h"
#include "ppp.h"
#include "srv.h"

static void	 srv_need_addrs(void *);
static void	 srv_up(void *);
static void	 srv_down(void *);

/* The peer's LCP request: a magic number, nothing else. */
static const uint8_t srv_lcp_peer[] = { 0x05, 0x06, 0x12, 0x34, 0x56, 0x78 };

/* DNS and NBNS as the tests want them; the addresses always. */
void
srv_addrs(struct ipcp_addrs *a, int dns, int nbns)
{
	memset(a, 0, sizeof(*a));
	a->local.s_addr = htonl(SRV_LOCAL);
	a->peer.s_addr = htonl(SRV_PEER);
	if (dns) {
		a->dns[0].s_addr = htonl(SRV_DNS1);
		a->dns[1].s_addr = htonl(SRV_DNS2);
	}
	if (nbns) {
		a->nbns[0].s_addr = htonl(SRV_NBNS1);
		a->nbns[1].s_addr = htonl(SRV_NBNS2);
	}
}

uint32_t
srv_addr(struct in_addr a)
{
	return (ntohl(a.s_addr));
}

static void
srv_need_addrs(void *arg)
{
	struct srv	*s = arg;

	s->need++;
	if (s->autoset)
		ipcp_set_addrs(s->ip, &s->addrs);
}

static void
srv_up(void *arg)
{
	((struct srv *)arg)->up++;
}

static void
srv_down(void *arg)
{
	((struct srv *)arg)->down++;
}

void
srv_init(struct srv *s, uint32_t id, const struct ppp_params *c)
{
	struct ipcp_cb	 cb;

	memset(s, 0, sizeof(*s));
	h_init(&s->side, id, c, 1500, 0);
	memset(&cb, 0, sizeof(cb));
	cb.arg = s;
	cb.need_addrs = srv_need_addrs;
	cb.up = srv_up;
	cb.down = srv_down;
	if ((s->ip = ipcp_new(s->side.ppp, &cb)) == NULL) {
		fprintf(stderr, "ipcp_new failed\n");
		exit(2);
	}
}

void
srv_free(struct srv *s)
{
	ipcp_free(s->ip);
	s->ip = NULL;
	h_free(&s->side);
}

/*
 * LCP opens against a peer that takes our request as it is.  This file
 * has no CHECK() of its own (test.h counts per program file): the
 * helpers return 1 if all went as expected and the cases check that.
 */
int
srv_lcp_open(struct srv *s)
{
	return (srv_lcp_open_with(s, srv_lcp_peer, sizeof(srv_lcp_peer)));
}

/* The same with the peer's LCP options given. */
int
srv_lcp_open_with(struct srv *s, const uint8_t *opts, size_t len)
{
	struct h_frame	 fr;
	struct h_cp	 cp;
	struct lcp	*lcp = s->side.ppp->lcp;
	int		 ok = 1;

	ppp_start(s->side.ppp);
	ok &= srv_expect(s, PPP_LCP, CP_CONFREQ, &cp, &fr);
	h_inject_cp(&s->side, PPP_LCP, CP_CONFREQ, 1, opts, len);
	ok &= srv_expect(s, PPP_LCP, CP_CONFACK, &cp, &fr);
	h_inject_cp(&s->side, PPP_LCP, CP_CONFACK, lcp->fsm.reqid,
	    lcp->fsm.req, lcp->fsm.reqlen);
	return (ok && lcp_opened(lcp));
}

/* A link without authentication, in the Network phase, no addresses. */
int
srv_start(struct srv *s, int dns, int nbns)
{
	struct ppp_params	 c;

	h_conf(&c);
	srv_init(s, 1, &c);
	srv_addrs(&s->addrs, dns, nbns);
	return (srv_lcp_open(s) && s->side.ppp->phase == PPP_PHASE_NETWORK &&
	    s->need == 1 && srv_silent(s));
}

void
srv_set(struct srv *s)
{
	ipcp_set_addrs(s->ip, &s->addrs);
}

/* The next frame must be a control packet of this protocol and code. */
int
srv_expect(struct srv *s, uint16_t proto, uint8_t code, struct h_cp *cp,
    struct h_frame *fr)
{
	if (h_pop_cp(&s->side, cp, fr) == -1) {
		fprintf(stderr, "expected 0x%04x %s, got %s\n", proto,
		    fsm_code_name(code), s->side.nout == 0 ? "nothing" :
		    "no control packet");
		return (0);
	}
	if (cp->proto != proto || cp->code != code) {
		fprintf(stderr, "expected 0x%04x %s, got 0x%04x %s\n", proto,
		    fsm_code_name(code), cp->proto, fsm_code_name(cp->code));
		return (0);
	}
	return (1);
}

/* Nothing was sent. */
int
srv_silent(struct srv *s)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	if (s->side.nout == 0)
		return (1);
	if (h_pop_cp(&s->side, &cp, &fr) == 0)
		fprintf(stderr, "unexpected 0x%04x %s\n", cp.proto,
		    fsm_code_name(cp.code));
	return (0);
}

/* An IPCP packet from the peer. */
void
srv_inject(struct srv *s, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	h_inject_cp(&s->side, PPP_IPCP, code, id, data, len);
}

/* The peer Acks our current IPCP request. */
void
srv_ack_ours(struct srv *s)
{
	srv_inject(s, CP_CONFACK, s->ip->fsm.reqid, s->ip->fsm.req,
	    s->ip->fsm.reqlen);
}

/* IPCP opens with a peer that asks for its assigned address. */
int
srv_open_ipcp(struct srv *s)
{
	static const uint8_t req[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02 };
	struct h_frame	 fr;
	struct h_cp	 cp;
	int		 ok = 1;

	if (!s->ip->have_addrs)
		srv_set(s);
	ok &= srv_expect(s, PPP_IPCP, CP_CONFREQ, &cp, &fr);
	srv_inject(s, CP_CONFREQ, 0x40, req, sizeof(req));
	ok &= srv_expect(s, PPP_IPCP, CP_CONFACK, &cp, &fr);
	srv_ack_ours(s);
	return (ok && ipcp_opened(s->ip));
}

/* A frame is these octets, Address and Control aside. */
int
frame_is(const struct h_frame *f, const uint8_t *want, size_t len)
{
	size_t	 off = 0;

	if (f->len >= 2 && f->buf[0] == 0xff && f->buf[1] == 0x03)
		off = 2;
	if (f->len - off != len || memcmp(f->buf + off, want, len) != 0) {
		fprintf(stderr, "frame differs (%zu octets, want %zu)\n",
		    f->len - off, len);
		return (0);
	}
	return (1);
}

/* A control packet's data is these octets. */
int
cp_data_is(const struct h_cp *cp, const uint8_t *want, size_t len)
{
	if (cp->datalen != len || (len > 0 && memcmp(cp->data, want, len))) {
		fprintf(stderr, "packet data differs (%zu octets, want %zu)\n",
		    cp->datalen, len);
		return (0);
	}
	return (1);
}

/*
 * ipcp_nego: IPCP as the server side, one case per run.  A link is
 * brought through LCP to the Network phase over the fake transport of
 * regress/ppp; hand-built packets then play Windows (wire_examples
 * section 6) and other peers, and a small client on the same automaton
 * plays pppd's client side engine against engine.
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
#include "log.h"
#include "ppp.h"
#include "srv.h"
#include "test.h"

static struct srv	 s;
static struct h_side	 b;

/* A client on the automaton: pppd's side with usepeerdns. */
struct cli {
	struct fsm	 fsm;
	struct in_addr	 addr;		/* asked, then assigned */
	struct in_addr	 dns[2];
	int		 neg_dns[2];
	int		 vj;		/* offers VJ as pppd does */
	struct in_addr	 server;	/* the server's address */
	int		 opened;
};

static void	 case_windows(void);
static void	 case_early_request(void);
static void	 case_early_request_auth(void);
static void	 case_addrs_never_come(void);
static void	 case_free_while_negotiating(void);
static void	 case_vj_rejected(void);
static void	 case_dns_not_configured(void);
static void	 case_dns_partial(void);
static void	 case_dns_insist(void);
static void	 case_max_failure(void);
static void	 case_our_nak(void);
static void	 case_our_reject(void);
static void	 case_peer_omits_address(void);
static void	 case_up_down(void);
static void	 case_peer_terminates(void);
static void	 case_lcp_renegotiates(void);
static void	 case_ipv6cp_protrej(void);
static void	 case_bad_addrs(void);
static void	 case_engine_to_engine(void);
static void	 cli_reset(struct fsm *);
static void	 cli_up(struct fsm *);
static void	 cli_down(struct fsm *);
static int	 cli_addr_req(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 cli_addr_nak(struct fsm *, struct wire_reader *, int);
static int	 cli_addr_add(struct fsm *, struct wire_writer *);
static int	 cli_vj_add(struct fsm *, struct wire_writer *);
static void	 cli_vj_rej(struct fsm *);
static int	 cli_refuse(struct fsm *, struct wire_reader *,
		    struct wire_writer *);
static void	 cli_dns_nak(struct cli *, int, struct wire_reader *);
static int	 cli_dns_add(struct cli *, int, struct wire_writer *);
static void	 cli_dns1_nak(struct fsm *, struct wire_reader *, int);
static void	 cli_dns1_rej(struct fsm *);
static int	 cli_dns1_add(struct fsm *, struct wire_writer *);
static void	 cli_dns2_nak(struct fsm *, struct wire_reader *, int);
static void	 cli_dns2_rej(struct fsm *);
static int	 cli_dns2_add(struct fsm *, struct wire_writer *);

/* wire_examples section 6: Windows asks for everything with zeros... */
static const uint8_t win_req_frame[] = {
	0x80, 0x21, 0x01, 0x01, 0x00, 0x22, 0x03, 0x06, 0x00, 0x00, 0x00, 0x00,
	0x81, 0x06, 0x00, 0x00, 0x00, 0x00, 0x82, 0x06, 0x00, 0x00, 0x00, 0x00,
	0x83, 0x06, 0x00, 0x00, 0x00, 0x00, 0x84, 0x06, 0x00, 0x00, 0x00, 0x00,
};
/* ...and the server Naks with the assigned and configured values. */
static const uint8_t win_nak_frame[] = {
	0x80, 0x21, 0x03, 0x01, 0x00, 0x22, 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	0x81, 0x06, 0xc0, 0x00, 0x02, 0x35, 0x82, 0x06, 0xc0, 0x00, 0x02, 0x89,
	0x83, 0x06, 0xc6, 0x33, 0x64, 0x35, 0x84, 0x06, 0xc6, 0x33, 0x64, 0x89,
};
#define WIN_HDR		6	/* protocol and control packet header */

/* Our request: IP-Address 10.0.0.1, nothing else. */
static const uint8_t our_opts[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x01 };
/* The peer's IP-Address, as 0.0.0.0 and as assigned. */
static const uint8_t ip_zero[] = { 0x03, 0x06, 0x00, 0x00, 0x00, 0x00 };
static const uint8_t ip_peer[] = { 0x03, 0x06, 0x0a, 0x00, 0x00, 0x02 };

/*
 * The Windows exchange of wire_examples section 6, octet for octet: our
 * request carries only our address, the all-zero request gets exactly
 * the Nak of the example, the client's second request is Acked, and
 * IPCP opens once our request is Acked too.
 */
static void
case_windows(void)
{
	const struct ipcp_addrs	*ag;
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(cp.len == 10 && cp_data_is(&cp, our_opts, sizeof(our_opts)));
	h_inject(&s.side, win_req_frame, sizeof(win_req_frame));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(frame_is(&fr, win_nak_frame, sizeof(win_nak_frame)));
	CHECK(ipcp_agreed(s.ip) == NULL);

	srv_inject(&s, CP_CONFREQ, 2, win_nak_frame + WIN_HDR,
	    sizeof(win_nak_frame) - WIN_HDR);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	CHECK(cp.id == 2 && cp_data_is(&cp, win_nak_frame + WIN_HDR,
	    sizeof(win_nak_frame) - WIN_HDR));
	CHECK(s.up == 0 && !ipcp_opened(s.ip));
	srv_ack_ours(&s);
	CHECK(ipcp_opened(s.ip) && s.up == 1 && s.down == 0);
	CHECK((ag = ipcp_agreed(s.ip)) != NULL);
	if (ag != NULL) {
		CHECK(srv_addr(ag->local) == SRV_LOCAL);
		CHECK(srv_addr(ag->peer) == SRV_PEER);
		CHECK(srv_addr(ag->dns[0]) == SRV_DNS1);
		CHECK(srv_addr(ag->dns[1]) == SRV_DNS2);
		CHECK(srv_addr(ag->nbns[0]) == SRV_NBNS1);
		CHECK(srv_addr(ag->nbns[1]) == SRV_NBNS2);
	}
	CHECK(srv_silent(&s));
	CHECK(s.side.finished == 0 && s.need == 1);
	srv_free(&s);
}

/*
 * Pitfalls C1: the request comes before the parent's answer.  It gets
 * no Terminate-Ack and no other answer, only the latest one is kept,
 * and it is answered the moment the addresses arrive, with no timer.
 */
static void
case_early_request(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint64_t	 t0;

	CHECK(srv_start(&s, 1, 1));
	h_inject(&s.side, win_req_frame, sizeof(win_req_frame));
	CHECK(srv_silent(&s));
	srv_inject(&s, CP_CONFREQ, 9, ip_zero, sizeof(ip_zero));
	CHECK(srv_silent(&s));
	CHECK(s.ip->fsm.state == FSM_INITIAL);
	/* Nothing is waiting on a timer: only the addresses move us. */
	CHECK(s.side.deadline == -1);

	t0 = h_clock;
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(cp_data_is(&cp, our_opts, sizeof(our_opts)));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp.id == 9 && cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	CHECK(srv_silent(&s));
	CHECK(h_clock == t0);

	srv_inject(&s, CP_CONFREQ, 10, ip_peer, sizeof(ip_peer));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	srv_ack_ours(&s);
	CHECK(ipcp_opened(s.ip) && s.up == 1 && s.need == 1);
	srv_free(&s);
}

/*
 * The same when the request comes during authentication (the engine
 * keeps it for the Network phase), with the parent answering later and
 * with a session that already knows the addresses and answers at once.
 */
static void
case_early_request_auth(void)
{
	struct ppp_params	 c;
	struct h_frame	 fr;
	struct h_cp	 cp;
	int		 sync;

	for (sync = 0; sync <= 1; sync++) {
		h_conf(&c);
		c.auth[0] = PPP_AUTH_PAP;
		c.nauth = 1;
		srv_init(&s, 1, &c);
		srv_addrs(&s.addrs, 1, 1);
		s.autoset = sync;
		CHECK(srv_lcp_open(&s));
		CHECK(s.side.ppp->phase == PPP_PHASE_AUTHENTICATE);
		h_inject(&s.side, win_req_frame, sizeof(win_req_frame));
		CHECK(srv_silent(&s));
		CHECK(s.need == 0);
		ppp_auth_done(s.side.ppp, 1, NULL);
		CHECK(s.side.ppp->phase == PPP_PHASE_NETWORK);
		CHECK(s.need == 1);
		if (!sync) {
			CHECK(srv_silent(&s));
			srv_set(&s);
		}
		CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
		CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
		CHECK(frame_is(&fr, win_nak_frame, sizeof(win_nak_frame)));
		CHECK(srv_silent(&s));
		srv_free(&s);
	}
}

/*
 * The session ends before the parent answers: the kept request goes
 * with the link, a late answer does nothing, and (this program runs
 * under LeakSanitizer) nothing is left allocated.
 */
static void
case_addrs_never_come(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	h_inject(&s.side, win_req_frame, sizeof(win_req_frame));
	CHECK(s.ip->has_held);
	ppp_close(s.side.ppp, "user hung up");
	CHECK(!s.ip->has_held);
	CHECK(srv_expect(&s, PPP_LCP, CP_TERMREQ, &cp, &fr));
	h_run_for(&s.side, NULL, 60000);
	CHECK(s.side.finished == 1);
	CHECK(strcmp(s.side.reason, "user hung up") == 0);
	srv_set(&s);
	CHECK(srv_silent(&s));
	CHECK(s.need == 1 && s.up == 0 && s.down == 0);
	srv_free(&s);

	/* Or the child is torn down with the request still kept. */
	CHECK(srv_start(&s, 1, 1));
	h_inject(&s.side, win_req_frame, sizeof(win_req_frame));
	CHECK(s.ip->has_held);
	srv_free(&s);
}

/*
 * IPCP freed in Req-Sent, its restart timer armed: the link goes on
 * without it (ASan would see a dangling timer fire) and now
 * Protocol-Rejects IPCP.
 */
static void
case_free_while_negotiating(void)
{
	static const uint8_t protrej[] = { 0x80, 0x21, 0x01, 0x05, 0x00, 0x0a,
	    0x03, 0x06, 0x0a, 0x00, 0x00, 0x02 };
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(ppp_timer_pending(&s.ip->fsm.timer));
	ipcp_free(s.ip);
	s.ip = NULL;
	h_run_for(&s.side, NULL, 60000);
	CHECK(srv_silent(&s));
	srv_inject(&s, CP_CONFREQ, 5, ip_peer, sizeof(ip_peer));
	CHECK(srv_expect(&s, PPP_LCP, CP_PROTREJ, &cp, &fr));
	CHECK(cp_data_is(&cp, protrej, sizeof(protrej)));
	CHECK(s.side.finished == 0);
	h_free(&s.side);
}

/* novj, and the deprecated IP-Addresses: Rejected exactly as sent. */
static void
case_vj_rejected(void)
{
	static const uint8_t req[] = {
	    0x03, 0x06, 0x00, 0x00, 0x00, 0x00,
	    0x02, 0x06, 0x00, 0x2d, 0x0f, 0x01,		/* VJ 15 slots */
	    0x01, 0x0a, 0x0a, 0x00, 0x00, 0x09, 0x0a, 0x00, 0x00, 0x01 };
	static const uint8_t req2[] = {
	    0x03, 0x06, 0x00, 0x00, 0x00, 0x00,
	    0x02, 0x04, 0x00, 0x2d };			/* VJ, no slots */
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	srv_inject(&s, CP_CONFREQ, 1, req, sizeof(req));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.id == 1 && cp_data_is(&cp, req + 6, sizeof(req) - 6));
	srv_inject(&s, CP_CONFREQ, 2, req2, sizeof(req2));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.id == 2 && cp_data_is(&cp, req2 + 6, sizeof(req2) - 6));
	srv_inject(&s, CP_CONFREQ, 3, ip_zero, sizeof(ip_zero));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	srv_inject(&s, CP_CONFREQ, 4, ip_peer, sizeof(ip_peer));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	srv_ack_ours(&s);
	CHECK(ipcp_opened(s.ip) && s.up == 1);
	srv_free(&s);
}

/*
 * No DNS or NBNS configured: Windows' four requests are Rejected
 * (pitfalls C1, never a Nak with 0.0.0.0); its address waits for the
 * next round since a Reject goes alone.
 */
static void
case_dns_not_configured(void)
{
	const struct ipcp_addrs	*ag;
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 0, 0));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	h_inject(&s.side, win_req_frame, sizeof(win_req_frame));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.id == 1 && cp_data_is(&cp, win_req_frame + WIN_HDR + 6,
	    sizeof(win_req_frame) - WIN_HDR - 6));
	srv_inject(&s, CP_CONFREQ, 2, ip_zero, sizeof(ip_zero));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	srv_inject(&s, CP_CONFREQ, 3, ip_peer, sizeof(ip_peer));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	srv_ack_ours(&s);
	CHECK((ag = ipcp_agreed(s.ip)) != NULL);
	if (ag != NULL)
		CHECK(ag->dns[0].s_addr == 0 && ag->dns[1].s_addr == 0 &&
		    ag->nbns[0].s_addr == 0 && ag->nbns[1].s_addr == 0 &&
		    srv_addr(ag->peer) == SRV_PEER);
	srv_free(&s);
}

/* One DNS and one NBNS server: only the secondary ones are Rejected. */
static void
case_dns_partial(void)
{
	static const uint8_t rej[] = {
	    0x83, 0x06, 0x00, 0x00, 0x00, 0x00,
	    0x84, 0x06, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t req[] = {
	    0x03, 0x06, 0x00, 0x00, 0x00, 0x00,
	    0x81, 0x06, 0x00, 0x00, 0x00, 0x00,
	    0x82, 0x06, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t nak[] = {
	    0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	    0x81, 0x06, 0xc0, 0x00, 0x02, 0x35,
	    0x82, 0x06, 0xc0, 0x00, 0x02, 0x89 };
	const struct ipcp_addrs	*ag;
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	s.addrs.dns[1].s_addr = 0;
	s.addrs.nbns[1].s_addr = 0;
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	h_inject(&s.side, win_req_frame, sizeof(win_req_frame));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp_data_is(&cp, rej, sizeof(rej)));
	srv_inject(&s, CP_CONFREQ, 2, req, sizeof(req));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp_data_is(&cp, nak, sizeof(nak)));
	srv_inject(&s, CP_CONFREQ, 3, nak, sizeof(nak));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	CHECK(cp_data_is(&cp, nak, sizeof(nak)));
	srv_ack_ours(&s);
	CHECK((ag = ipcp_agreed(s.ip)) != NULL);
	if (ag != NULL)
		CHECK(srv_addr(ag->dns[0]) == SRV_DNS1 &&
		    ag->dns[1].s_addr == 0 &&
		    srv_addr(ag->nbns[0]) == SRV_NBNS1 &&
		    ag->nbns[1].s_addr == 0);
	srv_free(&s);
}

/*
 * A peer that insists on its own DNS server: Naked Max-Failure times,
 * then Rejected, and IPCP opens without it; the link stays.
 */
static void
case_dns_insist(void)
{
	static const uint8_t req[] = {
	    0x03, 0x06, 0x0a, 0x00, 0x00, 0x02,
	    0x81, 0x06, 0x08, 0x08, 0x08, 0x08 };
	static const uint8_t nak[] = { 0x81, 0x06, 0xc0, 0x00, 0x02, 0x35 };
	const struct ipcp_addrs	*ag;
	struct h_frame	 fr;
	struct h_cp	 cp;
	int		 i, max;

	CHECK(srv_start(&s, 1, 1));
	max = s.side.ppp->params.max_failure;
	CHECK(max == 5);
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	for (i = 0; i < max; i++) {
		srv_inject(&s, CP_CONFREQ, 10 + i, req, sizeof(req));
		CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
		CHECK(cp_data_is(&cp, nak, sizeof(nak)));
	}
	srv_inject(&s, CP_CONFREQ, 20, req, sizeof(req));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp_data_is(&cp, req + 6, sizeof(req) - 6));
	srv_inject(&s, CP_CONFREQ, 21, ip_peer, sizeof(ip_peer));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	srv_ack_ours(&s);
	CHECK(ipcp_opened(s.ip) && s.side.finished == 0);
	CHECK((ag = ipcp_agreed(s.ip)) != NULL && ag->dns[0].s_addr == 0);
	h_run_for(&s.side, NULL, 60000);
	CHECK(s.side.finished == 0 && ipcp_opened(s.ip));
	srv_free(&s);
}

/*
 * A peer that will not take its address: Naked Max-Failure times, then
 * Rejected, and the link ends with the reason logged, without IP.
 */
static void
case_max_failure(void)
{
	static const uint8_t req[] = { 0x03, 0x06, 0x0a, 0x09, 0x09, 0x09 };
	static const char why[] = "IPCP: peer will not take its address "
	    "10.0.0.2, insists on 10.9.9.9";
	struct h_frame	 fr;
	struct h_cp	 cp;
	size_t		 n;
	int		 i;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	for (i = 0; i < s.side.ppp->params.max_failure; i++) {
		srv_inject(&s, CP_CONFREQ, 10 + i, req, sizeof(req));
		CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
		CHECK(cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	}
	/* Acking ours changes nothing: the peer still gets no IP. */
	srv_ack_ours(&s);
	srv_inject(&s, CP_CONFREQ, 20, req, sizeof(req));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREJ, &cp, &fr));
	CHECK(cp.id == 20 && cp_data_is(&cp, req, sizeof(req)));
	CHECK(srv_expect(&s, PPP_LCP, CP_TERMREQ, &cp, &fr));
	/* The reason goes in the Terminate-Request, cut to fit. */
	n = sizeof(s.side.ppp->lcp->fsm.term_reason) - 1;
	if (n > sizeof(why) - 1)
		n = sizeof(why) - 1;
	CHECK(cp_data_is(&cp, (const uint8_t *)why, n));
	CHECK(!ipcp_opened(s.ip) && s.up == 0);
	h_run_for(&s.side, NULL, 60000);
	CHECK(s.side.finished == 1);
	CHECK(strcmp(s.side.reason, why) == 0);
	srv_free(&s);
}

/*
 * The peer Naks our address: we ask again for the same one (a server
 * does not move) until IPCP_NAK_LOOPS Naks, then go on without it.
 */
static void
case_our_nak(void)
{
	static const uint8_t nak[] = { 0x03, 0x06, 0x0a, 0x07, 0x07, 0x07 };
	const struct ipcp_addrs	*ag;
	struct h_frame	 fr;
	struct h_cp	 cp;
	uint8_t		 id;
	int		 i;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	for (i = 1; i < IPCP_NAK_LOOPS; i++) {
		id = cp.id;
		srv_inject(&s, CP_CONFNAK, id, nak, sizeof(nak));
		CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
		CHECK(cp.id != id);
		CHECK(cp_data_is(&cp, our_opts, sizeof(our_opts)));
	}
	srv_inject(&s, CP_CONFNAK, cp.id, nak, sizeof(nak));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(cp.datalen == 0);
	srv_ack_ours(&s);
	srv_inject(&s, CP_CONFREQ, 1, ip_peer, sizeof(ip_peer));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	CHECK(ipcp_opened(s.ip) && s.up == 1);
	CHECK((ag = ipcp_agreed(s.ip)) != NULL &&
	    srv_addr(ag->local) == SRV_LOCAL);
	srv_free(&s);
}

/* The peer Rejects our address: our next request goes without it. */
static void
case_our_reject(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	srv_inject(&s, CP_CONFREJ, cp.id, our_opts, sizeof(our_opts));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(cp.len == 4 && cp.datalen == 0);
	srv_inject(&s, CP_CONFREQ, 1, ip_peer, sizeof(ip_peer));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	srv_ack_ours(&s);
	CHECK(ipcp_opened(s.ip) && s.up == 1);
	srv_free(&s);
}

/*
 * A request without IP-Address is Naked with the address once; if the
 * peer still does not ask, it gets the address anyway (pppd).
 */
static void
case_peer_omits_address(void)
{
	const struct ipcp_addrs	*ag;
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	srv_inject(&s, CP_CONFREQ, 5, NULL, 0);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp.id == 5 && cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	srv_inject(&s, CP_CONFREQ, 6, NULL, 0);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	CHECK(cp.id == 6 && cp.datalen == 0);
	srv_ack_ours(&s);
	CHECK(ipcp_opened(s.ip));
	CHECK((ag = ipcp_agreed(s.ip)) != NULL &&
	    srv_addr(ag->peer) == SRV_PEER);
	srv_free(&s);
}

/* up and down follow Opened, also through a renegotiation. */
static void
case_up_down(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	CHECK(srv_open_ipcp(&s));
	CHECK(s.up == 1 && s.down == 0);
	/* A new request in Opened: down, then negotiate again. */
	srv_inject(&s, CP_CONFREQ, 0x50, ip_peer, sizeof(ip_peer));
	CHECK(s.up == 1 && s.down == 1 && !ipcp_opened(s.ip));
	CHECK(ipcp_agreed(s.ip) == NULL);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	CHECK(cp_data_is(&cp, our_opts, sizeof(our_opts)));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFACK, &cp, &fr));
	CHECK(cp.id == 0x50);
	srv_ack_ours(&s);
	CHECK(s.up == 2 && s.down == 1 && ipcp_opened(s.ip));
	/* The link closing takes IPCP down once. */
	ppp_close(s.side.ppp, "admin");
	CHECK(s.up == 2 && s.down == 2 && !ipcp_opened(s.ip));
	h_run_for(&s.side, NULL, 60000);
	CHECK(s.side.finished == 1 && s.down == 2);
	CHECK(s.need == 1);
	srv_free(&s);
}

/*
 * The peer terminates IPCP: down, Terminate-Ack, and with no network
 * protocol left the link ends, the peer's reason in ours (pppd).
 */
static void
case_peer_terminates(void)
{
	static const uint8_t bye[] = { 'b', 'y', 'e' };
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	CHECK(srv_open_ipcp(&s));
	srv_inject(&s, CP_TERMREQ, 0x60, bye, sizeof(bye));
	CHECK(s.down == 1 && !ipcp_opened(s.ip));
	CHECK(srv_expect(&s, PPP_IPCP, CP_TERMACK, &cp, &fr));
	CHECK(cp.id == 0x60);
	h_run_for(&s.side, NULL, 60000);
	CHECK(s.side.finished == 1);
	CHECK(strcmp(s.side.reason, "IPCP: peer terminated: bye") == 0);
	CHECK(s.down == 1);
	srv_free(&s);
}

/*
 * LCP renegotiates: IPCP goes down with it and opens again with the
 * addresses it has, without asking the parent a second time.
 */
static void
case_lcp_renegotiates(void)
{
	static const uint8_t lcp_peer[] = { 0x05, 0x06, 0x12, 0x34, 0x56,
	    0x79 };
	struct lcp	*lcp;
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	CHECK(srv_open_ipcp(&s));
	lcp = s.side.ppp->lcp;
	h_inject_cp(&s.side, PPP_LCP, CP_CONFREQ, 0x21, lcp_peer,
	    sizeof(lcp_peer));
	CHECK(s.side.ppp->phase == PPP_PHASE_ESTABLISH);
	CHECK(s.down == 1 && !ipcp_opened(s.ip));
	CHECK(srv_expect(&s, PPP_LCP, CP_CONFREQ, &cp, &fr));
	CHECK(srv_expect(&s, PPP_LCP, CP_CONFACK, &cp, &fr));
	CHECK(srv_silent(&s));
	h_inject_cp(&s.side, PPP_LCP, CP_CONFACK, lcp->fsm.reqid,
	    lcp->fsm.req, lcp->fsm.reqlen);
	CHECK(s.side.ppp->phase == PPP_PHASE_NETWORK);
	CHECK(s.need == 1);
	CHECK(srv_open_ipcp(&s));
	CHECK(s.up == 2 && s.down == 1);
	srv_free(&s);
}

/* IPV6CP is not registered: the engine Protocol-Rejects it. */
static void
case_ipv6cp_protrej(void)
{
	static const uint8_t v6cp[] = { 0x80, 0x57, 0x01, 0x01, 0x00, 0x0e,
	    0x01, 0x0a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	struct h_frame	 fr;
	struct h_cp	 cp;
	int		 opened;

	for (opened = 0; opened <= 1; opened++) {
		CHECK(srv_start(&s, 1, 1));
		if (opened)
			CHECK(srv_open_ipcp(&s));
		h_inject(&s.side, v6cp, sizeof(v6cp));
		CHECK(srv_expect(&s, PPP_LCP, CP_PROTREJ, &cp, &fr));
		CHECK(cp_data_is(&cp, v6cp, sizeof(v6cp)));
		CHECK(srv_silent(&s));
		CHECK(ipcp_opened(s.ip) == opened && s.side.finished == 0);
		srv_free(&s);
	}
}

/*
 * Addresses the parent should never send end the link with a reason;
 * a second answer is ignored.
 */
static void
case_bad_addrs(void)
{
	struct h_frame	 fr;
	struct h_cp	 cp;

	CHECK(srv_start(&s, 1, 1));
	s.addrs.peer.s_addr = 0;
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_LCP, CP_TERMREQ, &cp, &fr));
	h_run_for(&s.side, NULL, 60000);
	CHECK(s.side.finished == 1);
	CHECK(strcmp(s.side.reason, "IPCP: no IP address for the peer") == 0);
	srv_free(&s);

	CHECK(srv_start(&s, 1, 1));
	s.addrs.peer = s.addrs.local;
	srv_set(&s);
	h_run_for(&s.side, NULL, 60000);
	CHECK(s.side.finished == 1);
	CHECK(strcmp(s.side.reason, "IPCP: local and peer IP addresses are "
	    "the same: 10.0.0.1") == 0);
	srv_free(&s);

	CHECK(srv_start(&s, 1, 1));
	srv_set(&s);
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFREQ, &cp, &fr));
	s.addrs.peer.s_addr = htonl(0x0a000063);
	srv_set(&s);
	CHECK(srv_silent(&s));
	srv_inject(&s, CP_CONFREQ, 1, ip_zero, sizeof(ip_zero));
	CHECK(srv_expect(&s, PPP_IPCP, CP_CONFNAK, &cp, &fr));
	CHECK(cp_data_is(&cp, ip_peer, sizeof(ip_peer)));
	CHECK(s.side.finished == 0);
	srv_free(&s);
}

static const struct fsm_opt cli_opts[] = {
	{ IPCP_OPT_COMP, 4, 255, "IP-Compression-Protocol",
	    cli_refuse, NULL, cli_vj_rej, cli_vj_add },
	{ IPCP_OPT_ADDR, 6, 6, "IP-Address",
	    cli_addr_req, cli_addr_nak, NULL, cli_addr_add },
	{ IPCP_OPT_DNS1, 6, 6, "Primary-DNS",
	    cli_refuse, cli_dns1_nak, cli_dns1_rej, cli_dns1_add },
	{ IPCP_OPT_DNS2, 6, 6, "Secondary-DNS",
	    cli_refuse, cli_dns2_nak, cli_dns2_rej, cli_dns2_add },
};

static const struct fsm_callbacks cli_cb = {
	.name = "IPCP-client",
	.proto = PPP_IPCP,
	.opts = cli_opts,
	.nopts = sizeof(cli_opts) / sizeof(cli_opts[0]),
	.reset = cli_reset,
	.up = cli_up,
	.down = cli_down,
};

static void
cli_reset(struct fsm *f)
{
	struct cli	*c = f->arg;

	c->addr.s_addr = 0;
	c->dns[0].s_addr = c->dns[1].s_addr = 0;
	c->neg_dns[0] = c->neg_dns[1] = 1;
	c->vj = 1;
}

static void
cli_up(struct fsm *f)
{
	((struct cli *)f->arg)->opened = 1;
}

static void
cli_down(struct fsm *f)
{
	((struct cli *)f->arg)->opened = 0;
}

/* The server's own address: whatever it is. */
static int
cli_addr_req(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	struct cli	*c = f->arg;

	(void)nak;
	wire_get_bytes(r, &c->server, sizeof(c->server));
	return (FSM_ACK);
}

static void
cli_addr_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	struct cli	*c = f->arg;

	if (ours)
		wire_get_bytes(r, &c->addr, sizeof(c->addr));
}

static int
cli_addr_add(struct fsm *f, struct wire_writer *w)
{
	struct cli	*c = f->arg;

	wire_put_bytes(w, &c->addr, sizeof(c->addr));
	return (1);
}

static int
cli_vj_add(struct fsm *f, struct wire_writer *w)
{
	struct cli	*c = f->arg;

	if (!c->vj)
		return (0);
	wire_put_u16(w, 0x002d);
	wire_put_u8(w, 0x0f);
	wire_put_u8(w, 0x01);
	return (1);
}

static void
cli_vj_rej(struct fsm *f)
{
	((struct cli *)f->arg)->vj = 0;
}

static int
cli_refuse(struct fsm *f, struct wire_reader *r, struct wire_writer *nak)
{
	(void)f;
	(void)r;
	(void)nak;
	return (FSM_REJ);
}

static void
cli_dns_nak(struct cli *c, int i, struct wire_reader *r)
{
	wire_get_bytes(r, &c->dns[i], sizeof(c->dns[i]));
}

static int
cli_dns_add(struct cli *c, int i, struct wire_writer *w)
{
	if (!c->neg_dns[i])
		return (0);
	wire_put_bytes(w, &c->dns[i], sizeof(c->dns[i]));
	return (1);
}

static void
cli_dns1_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	if (ours)
		cli_dns_nak(f->arg, 0, r);
}

static void
cli_dns1_rej(struct fsm *f)
{
	((struct cli *)f->arg)->neg_dns[0] = 0;
}

static int
cli_dns1_add(struct fsm *f, struct wire_writer *w)
{
	return (cli_dns_add(f->arg, 0, w));
}

static void
cli_dns2_nak(struct fsm *f, struct wire_reader *r, int ours)
{
	if (ours)
		cli_dns_nak(f->arg, 1, r);
}

static void
cli_dns2_rej(struct fsm *f)
{
	((struct cli *)f->arg)->neg_dns[1] = 0;
}

static int
cli_dns2_add(struct fsm *f, struct wire_writer *w)
{
	return (cli_dns_add(f->arg, 1, w));
}

/*
 * Engine against engine: a pppd-like client asks for 0.0.0.0, both DNS
 * servers and VJ as soon as LCP is up, before the server has its
 * addresses.  Once the addresses come, frames alone (no timer fires)
 * bring both sides to Opened with the right addresses.
 */
static void
case_engine_to_engine(void)
{
	const struct ipcp_addrs	*ag;
	struct ppp_params	 c;
	struct cli		 cl;

	h_conf(&c);
	srv_init(&s, 1, &c);
	srv_addrs(&s.addrs, 1, 1);
	h_init(&b, 2, &c, 1500, 0);
	memset(&cl, 0, sizeof(cl));
	fsm_init(&cl.fsm, b.ppp, &cli_cb, &cl);
	CHECK(fsm_register(&cl.fsm, PPP_PHASE_NETWORK) == 0);
	ppp_start(s.side.ppp);
	ppp_start(b.ppp);
	h_pump(&s.side, &b);
	CHECK(lcp_opened(s.side.ppp->lcp) && lcp_opened(b.ppp->lcp));
	CHECK(s.need == 1 && s.ip->has_held);
	CHECK(cl.fsm.state == FSM_REQSENT);

	srv_set(&s);
	h_pump(&s.side, &b);
	CHECK(cl.opened && ipcp_opened(s.ip) && s.up == 1);
	CHECK(srv_addr(cl.addr) == SRV_PEER);
	CHECK(srv_addr(cl.server) == SRV_LOCAL);
	CHECK(srv_addr(cl.dns[0]) == SRV_DNS1);
	CHECK(srv_addr(cl.dns[1]) == SRV_DNS2);
	CHECK(cl.vj == 0);
	CHECK((ag = ipcp_agreed(s.ip)) != NULL);
	if (ag != NULL) {
		CHECK(srv_addr(ag->local) == SRV_LOCAL);
		CHECK(srv_addr(ag->peer) == SRV_PEER);
		CHECK(srv_addr(ag->dns[0]) == SRV_DNS1);
		CHECK(srv_addr(ag->dns[1]) == SRV_DNS2);
		/* The client did not ask for NBNS. */
		CHECK(ag->nbns[0].s_addr == 0 && ag->nbns[1].s_addr == 0);
	}

	/* The client hangs up: both sides go down, the server's link ends. */
	ppp_close(b.ppp, "client done");
	h_run_for(&s.side, &b, 60000);
	CHECK(s.down == 1 && !cl.opened);
	CHECK(s.side.finished == 1 && b.finished == 1);
	srv_free(&s);
	h_free(&b);
}

static const struct test_case cases[] = {
	{ "windows", case_windows },
	{ "early-request", case_early_request },
	{ "early-request-auth", case_early_request_auth },
	{ "addrs-never-come", case_addrs_never_come },
	{ "free-while-negotiating", case_free_while_negotiating },
	{ "vj-rejected", case_vj_rejected },
	{ "dns-not-configured", case_dns_not_configured },
	{ "dns-partial", case_dns_partial },
	{ "dns-insist", case_dns_insist },
	{ "max-failure", case_max_failure },
	{ "our-nak", case_our_nak },
	{ "our-reject", case_our_reject },
	{ "peer-omits-address", case_peer_omits_address },
	{ "up-down", case_up_down },
	{ "peer-terminates", case_peer_terminates },
	{ "lcp-renegotiates", case_lcp_renegotiates },
	{ "ipv6cp-protrej", case_ipv6cp_protrej },
	{ "bad-addrs", case_bad_addrs },
	{ "engine-to-engine", case_engine_to_engine },
};

int
main(int argc, char *argv[])
{
	return (test_main("ipcp_nego", cases, TEST_NCASES(cases), argc,
	    argv, getenv("PPP_DEBUG") != NULL));
}

/*
 * ccp.h: the Compression Control Protocol (RFC 1962) as the server side
 * of a link, for one compressor only: MPPE (RFC 3078, option 18), as
 * pppd with require-mppe / require-mppe-128 / mppe-stateful does it,
 * and the data path through it (mppe.h).
 *
 * Use:
 *	ccp = ccp_new(ppp, &policy, &cb);	at session start
 *	ccp_set_keys(ccp, send, recv);		after MS-CHAP, before the
 *						NETWORK phase or in the same
 *						turn as it begins
 *	ccp_output(ccp, PPP_IP, pkt, len);	every datagram to the peer
 *	cb.deliver(arg, proto, pkt, len);	every decrypted datagram
 *	ccp_plain_ok(ccp, PPP_IP);		before taking an unencrypted
 *						datagram from the peer
 *	ccp_free(ccp);				before ppp_free()
 *
 * Policy:
 *	off	CCP is not registered, so the engine Protocol-Rejects it
 *		and 0x00FD, as pppd does with noccp: with no compressor
 *		to offer there is nothing to negotiate, one Protocol-Reject
 *		ends the peer's CCP at once, and Configure-Rejecting
 *		instead makes some routers repeat the same request forever
 *		(pitfalls C2, ppp-project/ppp #558).  Datagrams go plain.
 *	optional  MPPE is requested and accepted; if the peer refuses it
 *		(or CCP altogether) data goes plain.  Without keys (not
 *		MS-CHAP) CCP answers with Protocol-Reject as if off.
 *	required  The link is closed, with a logged reason, if there are
 *		no keys, if the peer Rejects MPPE or CCP, if the
 *		negotiation cannot agree, or if MPPE is not up within
 *		CCP_OPEN_TIMEOUT_MS of the NETWORK phase.  Until it is up
 *		no network-layer datagram goes out or comes in plain.
 *
 * Negotiation: our request carries H (stateless) and every allowed
 * strength, as pppd's; the peer Naks it to one.  After MS-CHAPv1 only
 * 128 bits is allowed: auth derives no 40/56-bit keys from it (they
 * would need the LAN Manager hash), and pppd disables 40-bit there too.  A peer request gets a
 * Nak toward stateless (unless stateful is allowed), toward the
 * strongest strength both allow (one bit; every allowed one if it named
 * none, pitfalls C2), without MPPC (C), D and unknown bits.  CCP opens
 * with MPPE only if both directions agreed on the same strength; other
 * compressors (Deflate, BSD-Compress, Predictor...) are Configure-
 * Rejected.  Once MPPE has been up on a link, losing it (the peer
 * closing CCP) ends the link as pppd does, while a renegotiation (a
 * Configure-Request in Opened, pitfalls C2) only restarts MPPE from its
 * initial keys, with encrypted data dropped meanwhile.
 *
 * ccp_output() takes any PPP protocol number but 0x00FD and sends
 * control protocols plain; -1 means the datagram was dropped (logged and
 * counted in odropped, the reason in last_drop).
 *
 * MTU: every encrypted datagram is MPPE_PAD (4) octets longer, so the
 * interface MTU should be lowered by ccp_overhead() (pppd does it when
 * MPPE is acked; IPCP may open before CCP here, so it is known up
 * front).
 */
#ifndef PPPOXD_CCP_H
#define PPPOXD_CCP_H

#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "mppe.h"
#include "ppp.h"

/* struct ccp_policy.mppe */
#define CCP_MPPE_OFF		0
#define CCP_MPPE_OPTIONAL	1
#define CCP_MPPE_REQUIRED	2

/* struct ccp_policy.bits */
#define CCP_MPPE_40		0x1
#define CCP_MPPE_56		0x2
#define CCP_MPPE_128		0x4

/* CCP codes beyond the automaton's (RFC 1962 section 2). */
#define CCP_RESETREQ		14
#define CCP_RESETACK		15

/* The MPPE option (RFC 3078 section 2, octets as pppd mppe.h). */
#define CCP_OPT_MPPE		18
#define MPPE_OPT_H		0x01000000	/* stateless */
#define MPPE_OPT_M		0x00000080	/* 56-bit */
#define MPPE_OPT_S		0x00000040	/* 128-bit */
#define MPPE_OPT_L		0x00000020	/* 40-bit */
#define MPPE_OPT_D		0x00000010	/* obsolete */
#define MPPE_OPT_C		0x00000001	/* MPPC compression */
#define MPPE_OPT_STRENGTHS	(MPPE_OPT_M | MPPE_OPT_S | MPPE_OPT_L)
#define MPPE_OPT_KNOWN		(MPPE_OPT_H | MPPE_OPT_STRENGTHS | \
				 MPPE_OPT_D | MPPE_OPT_C)

#define CCP_OPEN_TIMEOUT_MS	30000	/* required: MPPE up by then */
#define CCP_RESET_TIMEOUT_MS	1000	/* Reset-Request retry, pppd's */

struct ccp_policy {
	int	 mppe;		/* CCP_MPPE_OFF, _OPTIONAL, _REQUIRED */
	int	 bits;		/* CCP_MPPE_40 | _56 | _128; 0: 40 and 128,
				 * as pppd's require-mppe */
	int	 stateful;	/* accept stateful mode if the peer asks */
};

struct ccp_cb {
	void	*arg;
	/* MPPE is up / went down (the link goes on).  Optional. */
	void	(*up)(void *);
	void	(*down)(void *);
	/* A decrypted datagram: its protocol (0x0021-0x00FA) and data,
	 * valid during the call only.  Required unless the policy is off. */
	void	(*deliver)(void *, uint16_t, const uint8_t *, size_t);
};

/* What one direction uses once CCP is Opened. */
struct ccp_opts {
	int		 mppe;		/* requested / accepted */
	uint32_t	 bits;		/* MPPE_OPT_STRENGTHS it offers */
	int		 stateless;
};

struct ccp {
	struct fsm	 fsm;
	struct ppp	*ppp;
	struct ccp_policy policy;
	struct ccp_cb	 cb;
	uint32_t	 allowed;	/* policy as MPPE_OPT_STRENGTHS */

	int		 have_keys;
	uint8_t		 send_start[MPPE_KEY_MAX];	/* to the peer */
	uint8_t		 recv_start[MPPE_KEY_MAX];	/* from the peer */

	struct ccp_opts	 want;		/* our request: what we receive */
	struct ccp_opts	 his;		/* the peer's: what we send */
	int		 refused;	/* optional, and the peer refused
					 * MPPE: no more of it on this link */
	int		 disabled;	/* optional without keys */
	int		 secure;	/* MPPE has been up on this link */

	int		 mppe_up;
	struct mppe_dir	 tx;
	struct mppe_dir	 rx;

	int		 keys_wait;	/* NETWORK phase, keys not yet set */
	struct ppp_timer keys_timer;
	uint8_t		 held[PPP_MTU_MAX];	/* a CCP packet meanwhile */
	size_t		 heldlen;

	struct ppp_timer open_timer;
	struct ppp_timer reset_timer;
	int		 reset_pending;	/* our Reset-Request unanswered */
	int		 reset_repeat;	/* and more packets lost since */
	uint8_t		 reset_id;

	uint64_t	 ipackets, opackets, idropped, odropped;
	const char	*last_drop;	/* why the last datagram was dropped */

	uint8_t		 obuf[PPP_MTU_MAX + MPPE_PAD];
	uint8_t		 ibuf[PPP_FRAME_MAX];
};

/* ccp.c */
struct ccp	*ccp_new(struct ppp *, const struct ccp_policy *,
		    const struct ccp_cb *);
void		 ccp_free(struct ccp *);
void		 ccp_set_keys(struct ccp *, const uint8_t *, const uint8_t *);
int		 ccp_encrypt_ok(struct ccp *);
int		 ccp_plain_ok(struct ccp *, uint16_t);
size_t		 ccp_overhead(const struct ccp *);
int		 ccp_output(struct ccp *, uint16_t, const uint8_t *, size_t);

#endif /* PPPOXD_CCP_H */

/*
 * lcp.h: the Link Control Protocol (RFC 1661, RFC 1570) on top of the
 * shared automaton, as the authenticator side of a link.
 */
#ifndef PPPOXD_LCP_H
#define PPPOXD_LCP_H

#include <stdint.h>

#include "fsm.h"
#include "ppp.h"
#include "wire.h"

/* LCP option types (wire_examples section 5). */
#define LCP_OPT_MRU		1
#define LCP_OPT_ACCM		2
#define LCP_OPT_AUTH		3
#define LCP_OPT_MAGIC		5
#define LCP_OPT_PFC		7
#define LCP_OPT_ACFC		8

/* One side's options. */
struct lcp_opts {
	int		 neg_mru;
	uint16_t	 mru;
	int		 neg_accm;
	uint32_t	 accm;
	int		 auth;		/* enum ppp_auth; NONE: not asked */
	int		 neg_magic;
	uint32_t	 magic;
	int		 pfc;
	int		 acfc;
};

struct lcp {
	struct fsm	 fsm;
	struct ppp	*ppp;
	struct lcp_opts	 want;		/* what our request asks for */
	struct lcp_opts	 his;		/* what the peer asked and we took */

	unsigned int	 auth_tried;	/* bit per enum ppp_auth offered */
	uint32_t	 nak_magic;	/* value in our last Nak of magic */
	int		 loops;		/* consecutive signs of a loop */

	/* Agreed once Opened. */
	uint32_t	 magic;		/* ours, 0 if not negotiated */
	uint16_t	 peer_mru;	/* what we may send */

	/* Keepalive. */
	struct ppp_timer echo_timer;
	unsigned int	 echo_pending;	/* Echo-Requests without an answer */
	uint8_t		 echo_id;
	int		 echo_off;	/* the peer Code-Rejected Echo */
};

/* lcp.c */
void	 lcp_init(struct lcp *, struct ppp *);
void	 lcp_input(struct lcp *, struct wire_reader *);
void	 lcp_send_protrej(struct lcp *, uint16_t, const struct wire_reader *);
void	 lcp_alive(struct lcp *);
int	 lcp_opened(const struct lcp *);
void	 lcp_stop(struct lcp *);

#endif /* PPPOXD_LCP_H */

/*
 * ipcp.h: the IP Control Protocol (RFC 1332) with the DNS and NBNS
 * options of RFC 1877, on the shared automaton, as the server side of a
 * link: the peer gets the address the parent allocated for it, we keep
 * ours, and Van Jacobson compression is refused (pppd's "novj").
 *
 * Use:
 *	ip = ipcp_new(ppp, &cb);	before ppp_start()
 *	...
 *	cb.need_addrs(arg)		the Network phase began and no
 *					addresses are known: ask the
 *					parent, which allocates from the
 *					pool and creates the interface
 *	ipcp_set_addrs(ip, &addrs)	its answer, once; only now does
 *					IPCP open (pitfalls C1)
 *	cb.up(arg) / cb.down(arg)	IPCP entered / left Opened
 *	ipcp_free(ip);			before ppp_free()
 *
 * A Configure-Request that arrives before the addresses is kept (only
 * the latest one) and answered the moment they arrive, so a Windows
 * client that starts IPCP right after authentication gets its Nak at
 * once instead of after its restart timer.  need_addrs is called at most
 * once per link: after LCP renegotiates, IPCP opens again with the
 * addresses it has.  If IPCP cannot agree with the peer (the peer
 * insists on another address past Max-Failure, or gives up, or rejects
 * IPCP), the link is closed with the reason, as pppd does when its last
 * network protocol finishes.
 */
#ifndef PPPOXD_IPCP_H
#define PPPOXD_IPCP_H

#include <netinet/in.h>

#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "ppp.h"

/* IPCP option types (RFC 1332, RFC 1877; wire_examples section 6). */
#define IPCP_OPT_ADDRS		1	/* IP-Addresses, deprecated */
#define IPCP_OPT_COMP		2	/* IP-Compression-Protocol */
#define IPCP_OPT_ADDR		3	/* IP-Address */
#define IPCP_OPT_DNS1		129	/* Primary-DNS */
#define IPCP_OPT_NBNS1		130	/* Primary-NBNS */
#define IPCP_OPT_DNS2		131	/* Secondary-DNS */
#define IPCP_OPT_NBNS2		132	/* Secondary-NBNS */

/*
 * Naks of our IP-Address before we stop asking for it, as pppd treats a
 * Nak as a Reject after maxnakloops: a peer that keeps Naking our fixed
 * address would otherwise hold us in a loop with no timer in it.
 */
#define IPCP_NAK_LOOPS		10

struct ipcp_cb {
	void	*arg;		/* passed back to every callback */
	/*
	 * IPCP wants addresses (the Network phase began): the session asks
	 * the parent, which allocates from the pool and creates the
	 * interface; answered later with ipcp_set_addrs().  Required.
	 */
	void	(*need_addrs)(void *);
	void	(*up)(void *);		/* IPCP Opened: IP may flow */
	void	(*down)(void *);	/* IPCP left Opened */
};

/* Addresses in network byte order; 0 means none. */
struct ipcp_addrs {
	struct in_addr	 local;		/* ours, the gateway */
	struct in_addr	 peer;		/* assigned to the peer */
	struct in_addr	 dns[2];	/* primary, secondary */
	struct in_addr	 nbns[2];	/* primary, secondary (WINS) */
};

struct ipcp {
	struct fsm		 fsm;
	struct ppp		*ppp;
	struct ipcp_cb		 cb;

	struct ipcp_addrs	 addrs;		/* from the parent */
	int			 have_addrs;
	int			 asked;		/* need_addrs done */
	int			 active;	/* the Network phase is on */

	/* Our request. */
	int			 req_addr;	/* it carries IP-Address */
	int			 naks;		/* of our IP-Address */

	/* The peer's last Configure-Request: what we took from it. */
	int			 his_addr;	/* it had IP-Address */
	struct ipcp_addrs	 his;
	int			 hinted;	/* Naked it when absent */

	/* Valid while Opened. */
	int			 opened;
	struct ipcp_addrs	 agreed;

	/* A Configure-Request that came before the addresses (C1). */
	uint8_t			 held[PPP_MTU_MAX];
	size_t			 heldlen;
	int			 has_held;
};

/* ipcp.c */
struct ipcp	*ipcp_new(struct ppp *, const struct ipcp_cb *);
void		 ipcp_free(struct ipcp *);
void		 ipcp_set_addrs(struct ipcp *, const struct ipcp_addrs *);
int		 ipcp_opened(const struct ipcp *);
const struct ipcp_addrs *ipcp_agreed(const struct ipcp *);

#endif /* PPPOXD_IPCP_H */

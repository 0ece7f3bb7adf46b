/*
 * srv.h: a server link for the IPCP tests: the fake transport of
 * regress/ppp/harness.c with IPCP on it, the session's callbacks counted,
 * and hand-built packets playing the peer.
 */
#ifndef PPPOXD_REGRESS_IPCP_SRV_H
#define PPPOXD_REGRESS_IPCP_SRV_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "ipcp.h"

struct srv {
	struct h_side		 side;
	struct ipcp		*ip;
	int			 need;		/* need_addrs calls */
	int			 up;
	int			 down;
	int			 autoset;	/* answer need_addrs */
	struct ipcp_addrs	 addrs;		/* the parent's */
};

/* The addresses of wire_examples section 6. */
#define SRV_LOCAL		0x0a000001	/* 10.0.0.1 */
#define SRV_PEER		0x0a000002	/* 10.0.0.2 */
#define SRV_DNS1		0xc0000235	/* 192.0.2.53 */
#define SRV_NBNS1		0xc0000289	/* 192.0.2.137 */
#define SRV_DNS2		0xc6336435	/* 198.51.100.53 */
#define SRV_NBNS2		0xc6336489	/* 198.51.100.137 */

/* srv.c */
void	 srv_addrs(struct ipcp_addrs *, int, int);
void	 srv_init(struct srv *, uint32_t, const struct ppp_params *);
void	 srv_free(struct srv *);
int	 srv_lcp_open(struct srv *);
int	 srv_lcp_open_with(struct srv *, const uint8_t *, size_t);
int	 srv_start(struct srv *, int, int);
void	 srv_set(struct srv *);
int	 srv_expect(struct srv *, uint16_t, uint8_t, struct h_cp *,
	    struct h_frame *);
int	 srv_silent(struct srv *);
void	 srv_ack_ours(struct srv *);
int	 srv_open_ipcp(struct srv *);
void	 srv_inject(struct srv *, uint8_t, uint8_t, const uint8_t *,
	    size_t);
int	 frame_is(const struct h_frame *, const uint8_t *, size_t);
int	 cp_data_is(const struct h_cp *, const uint8_t *, size_t);
uint32_t srv_addr(struct in_addr);

#endif /* PPPOXD_REGRESS_IPCP_SRV_H */

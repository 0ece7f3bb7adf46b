/*
 * ppp.h: the per-link PPP engine of a session child.  It does no I/O and
 * keeps no clock of its own, so it runs unchanged under the sandbox, over
 * any tunnel and inside unit tests with simulated time.
 *
 * A transport (PPTP, PPPoE, L2TP) plugs in with a struct ppp_link: it
 * hands every received PPP frame to ppp_input() and gets frames to send
 * through link.output.  Time comes from link.now; when the engine needs
 * to be woken it calls link.set_timer with a delay and the caller calls
 * ppp_timeout() once that delay has passed (an evtimer in the session,
 * a loop over a fake clock in tests).
 *
 * A protocol above LCP (PAP, CHAP, IPCP, CCP, the IP data path) plugs in
 * with ppp_register(): it names the phase from which its frames are
 * accepted and gets up/down calls as the link enters and leaves it.
 * Option-negotiating protocols use fsm_register() (fsm.h) instead.
 */
#ifndef PPPOXD_PPP_H
#define PPPOXD_PPP_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* PPP protocol numbers (wire_examples section 5). */
#define PPP_IP			0x0021
#define PPP_IPV6		0x0057
#define PPP_COMP		0x00fd
#define PPP_IPCP		0x8021
#define PPP_IPV6CP		0x8057
#define PPP_CCP			0x80fd
#define PPP_LCP			0xc021
#define PPP_PAP			0xc023
#define PPP_LQR			0xc025
#define PPP_CHAP		0xc223
#define PPP_EAP			0xc227

#define PPP_ALLSTATIONS		0xff	/* Address field */
#define PPP_UI			0x03	/* Control field */

#define PPP_MRU_DEFAULT		1500	/* RFC 1661 section 6.1 */
#define PPP_MRU_MIN		128	/* smallest MRU we agree to, as pppd */
#define PPP_MTU_MAX		4096	/* largest information field handled */
#define PPP_FRAME_MAX		(PPP_MTU_MAX + 4)	/* + FF 03 + protocol */

#define PPP_PROTO_MAX		12	/* protocols registered on one link */
#define PPP_ECHO_INTERVAL_MAX	86400	/* seconds */

enum ppp_phase {
	PPP_PHASE_DEAD,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE,
};

/* Authentication methods, in the order a configuration may list them. */
enum ppp_auth {
	PPP_AUTH_NONE,
	PPP_AUTH_PAP,
	PPP_AUTH_CHAP_MD5,
	PPP_AUTH_MSCHAP_V1,
	PPP_AUTH_MSCHAP_V2,
};
#define PPP_AUTH_MAX		4	/* methods a configuration may list */

/* CHAP algorithm octets of the Authentication-Protocol option. */
#define CHAP_ALG_MD5		0x05
#define CHAP_ALG_MSCHAP_V1	0x80
#define CHAP_ALG_MSCHAP_V2	0x81

/*
 * A timer of the engine.  All of them are multiplexed onto the single
 * callback the caller provides, earliest deadline first.
 */
struct ppp_timer {
	TAILQ_ENTRY(ppp_timer)	 entry;
	uint64_t		 when;		/* on the link.now clock, ms */
	int			 armed;
	void			(*fn)(void *);
	void			*arg;
};
TAILQ_HEAD(ppp_timers, ppp_timer);

/* What a transport tells the engine about itself. */
#define PPP_LINK_NO_ADDRCTL	0x01	/* no FF 03; reject ACFC (PPPoE) */
#define PPP_LINK_NO_ACCM	0x02	/* reject ACCM (PPPoE, RFC 2516 7) */

struct ppp_link {
	const char	*name;		/* "pptp", "pppoe", "l2tp": for logs */
	size_t		 mtu;		/* largest information field */
	int		 flags;		/* PPP_LINK_* */
	void		*arg;		/* passed back to every callback */

	/*
	 * Send one frame, starting with the Address field (or with the
	 * Protocol field on PPP_LINK_NO_ADDRCTL links).  The buffer is the
	 * engine's; it is only valid during the call.  -1 on failure.
	 */
	int		(*output)(void *, const uint8_t *, size_t);
	/* A monotonic clock in milliseconds. */
	uint64_t	(*now)(void *);
	/* Call ppp_timeout() after this many ms; -1: nothing to wait for. */
	void		(*set_timer)(void *, int64_t);
	/* The link is dead for the given reason: end the session.  Called
	 * once, last thing in ppp_timeout() and never from inside another
	 * engine call, so it may ppp_free() the link. */
	void		(*finished)(void *, const char *);
	/* Optional: the phase changed (for state reports). */
	void		(*phase)(void *, enum ppp_phase);
	/* Optional: random numbers; NULL means arc4random(3). */
	uint32_t	(*random)(void *);
};

/* Per-link settings, from the configuration. */
struct ppp_params {
	uint16_t	 mru;		/* we request min(mru, link mtu) */
	int		 auth[PPP_AUTH_MAX];	/* enum ppp_auth, in order */
	int		 nauth;		/* 0: no authentication */
	unsigned int	 echo_interval;	/* seconds between Echo-Requests */
	unsigned int	 echo_failures;	/* unanswered ones before we close */
	unsigned int	 restart_ms;	/* FSM restart timer */
	unsigned int	 first_restart_ms;	/* for LCP's first
					 * Configure-Request (pitfalls B1) */
	int		 max_configure;	/* RFC 1661 4.6 */
	int		 max_terminate;
	int		 max_failure;
	int		 max_loopback;	/* magic Naks before "looped back" */
	int		 request_pfc;	/* ask the peer to compress */
	int		 request_acfc;
	int		 request_accm;	/* offer ACCM 0 as pppd does */
};

/* A protocol carried over the link, above LCP. */
struct ppp_proto {
	uint16_t	 proto;
	const char	*name;
	int		 phase;		/* enum ppp_phase its frames need */
	void		*arg;
	/* One frame's information field. */
	void		(*input)(void *, struct wire_reader *);
	/* The link entered / left the protocol's phase.  Optional. */
	void		(*up)(void *);
	void		(*down)(void *);
	/* The peer Protocol-Rejected this protocol.  Optional. */
	void		(*protrej)(void *);
};

struct ppp_proto_entry {
	struct ppp_proto	 p;
	int			 up;
	uint8_t			*held;		/* a frame that came early */
	size_t			 heldlen;
};

struct lcp;

struct ppp {
	uint32_t		 id;		/* session id, for logs */
	enum ppp_phase		 phase;
	struct ppp_params	 params;
	struct ppp_link		 link;
	struct lcp		*lcp;
	enum ppp_auth		 auth;		/* negotiated method */

	struct ppp_proto_entry	 protos[PPP_PROTO_MAX];
	int			 nprotos;

	struct ppp_timers	 timers;
	int			 in_timeout;
	int64_t			 timer_set;	/* last delay given, -1 none */
	struct ppp_timer	 finish_timer;
	int			 finished;
	char			 reason[128];	/* why the link ends */

	uint8_t			 obuf[PPP_FRAME_MAX];
};

/* ppp.c */
void		 ppp_params_default(struct ppp_params *);
struct ppp	*ppp_new(uint32_t, const struct ppp_params *,
		    const struct ppp_link *);
void		 ppp_free(struct ppp *);
void		 ppp_start(struct ppp *);
void		 ppp_lowerdown(struct ppp *);
void		 ppp_close(struct ppp *, const char *);
void		 ppp_input(struct ppp *, const uint8_t *, size_t);
int		 ppp_output(struct ppp *, uint16_t, const uint8_t *, size_t);
int		 ppp_send_cp(struct ppp *, uint16_t, uint8_t, uint8_t,
		    const uint8_t *, size_t);
size_t		 ppp_peer_mru(const struct ppp *);
int		 ppp_register(struct ppp *, const struct ppp_proto *);
void		 ppp_unregister(struct ppp *, uint16_t);
void		 ppp_auth_done(struct ppp *, int, const char *);
void		 ppp_send_protrej(struct ppp *, uint16_t, const uint8_t *,
		    size_t);
void		 ppp_protrej_rcvd(struct ppp *, uint16_t);
uint32_t	 ppp_random(struct ppp *);
const char	*ppp_phase_name(enum ppp_phase);
const char	*ppp_auth_name(enum ppp_auth);
void		 ppp_log(struct ppp *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Engine-internal, called by lcp.c. */
void		 ppp_lcp_up(struct ppp *, enum ppp_auth);
void		 ppp_lcp_down(struct ppp *, int);
void		 ppp_lcp_finished(struct ppp *, const char *);

void		 ppp_timer_init(struct ppp_timer *, void (*)(void *), void *);
void		 ppp_timer_add(struct ppp *, struct ppp_timer *, unsigned int);
void		 ppp_timer_del(struct ppp *, struct ppp_timer *);
int		 ppp_timer_pending(const struct ppp_timer *);
void		 ppp_timeout(struct ppp *);

#endif /* PPPOXD_PPP_H */

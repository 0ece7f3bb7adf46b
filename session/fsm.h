/*
 * fsm.h: the RFC 1661 section 4 option-negotiation automaton, shared by
 * LCP, IPCP and CCP.  A protocol supplies a struct fsm_callbacks: its
 * protocol number, a table of the options it knows (type, length bounds
 * and handlers) and the This-Layer-Up/Down/Started/Finished actions.
 * The automaton parses and builds every Configure packet from that table
 * and decides Ack, Nak or Reject; the handlers only judge one option.
 */
#ifndef PPPOXD_FSM_H
#define PPPOXD_FSM_H

#include <stddef.h>
#include <stdint.h>

#include "ppp.h"
#include "wire.h"

enum fsm_state {
	FSM_INITIAL,
	FSM_STARTING,
	FSM_CLOSED,
	FSM_STOPPED,
	FSM_CLOSING,
	FSM_STOPPING,
	FSM_REQSENT,
	FSM_ACKRCVD,
	FSM_ACKSENT,
	FSM_OPENED,
	FSM_NSTATES
};

enum fsm_event {
	FSM_UP,
	FSM_DOWN,
	FSM_OPEN,
	FSM_CLOSE,
	FSM_TO_PLUS,
	FSM_TO_MINUS,
	FSM_RCR_PLUS,
	FSM_RCR_MINUS,
	FSM_RCA,
	FSM_RCN,
	FSM_RTR,
	FSM_RTA,
	FSM_RUC,
	FSM_RXJ_PLUS,
	FSM_RXJ_MINUS,
	FSM_RXR,
	FSM_NEVENTS
};

/* Control packet codes (RFC 1661 section 5, RFC 1570). */
#define CP_CONFREQ		1
#define CP_CONFACK		2
#define CP_CONFNAK		3
#define CP_CONFREJ		4
#define CP_TERMREQ		5
#define CP_TERMACK		6
#define CP_CODEREJ		7
#define CP_PROTREJ		8
#define CP_ECHOREQ		9
#define CP_ECHOREP		10
#define CP_DISCREQ		11
#define CP_IDENT		12
#define CP_TIMEREM		13

#define CP_HDRLEN		4	/* Code, Identifier, Length */
#define FSM_OPTS_MAX		256	/* options of our own requests */

/* An option handler's verdict on what the peer requests. */
enum fsm_verdict {
	FSM_ACK,
	FSM_NAK,
	FSM_REJ,
	FSM_NAK_ALWAYS		/* a Nak the RFC requires even past
				 * Max-Failure: a loop-back probe */
};

/* What an extcode handler made of a code the automaton does not know. */
enum fsm_ext {
	FSM_EXT_UNKNOWN,	/* send Code-Reject (RUC) */
	FSM_EXT_DONE,		/* handled */
	FSM_EXT_RXJ_PLUS,	/* a permitted reject, e.g. Protocol-Reject */
	FSM_EXT_RXJ_MINUS	/* a catastrophic reject */
};

struct fsm;

/*
 * One configuration option.  Lengths count the whole option, Type and
 * Length octets included; an option outside them is Rejected unread.
 * Handlers see only the option's data, and write only data: the
 * automaton frames it with Type and Length.
 */
struct fsm_opt {
	uint8_t		 type;
	uint8_t		 minlen;
	uint8_t		 maxlen;
	const char	*name;
	/* The peer requests it: FSM_ACK, FSM_REJ, or FSM_NAK after writing
	 * the value we would accept.  Required. */
	int		(*req)(struct fsm *, struct wire_reader *,
			    struct wire_writer *);
	/* The peer Naks it with this value; ours: we had requested it (else
	 * the peer hints that we should).  Optional. */
	void		(*nak)(struct fsm *, struct wire_reader *, int);
	/* The peer Rejects our request of it.  Optional. */
	void		(*rej)(struct fsm *);
	/* Write it into our Configure-Request: 1 if written, 0 if we do
	 * not request it now.  Optional. */
	int		(*add)(struct fsm *, struct wire_writer *);
};

struct fsm_callbacks {
	const char		*name;		/* "LCP", for logs */
	uint16_t		 proto;
	const struct fsm_opt	*opts;
	size_t			 nopts;

	/* A negotiation starts: reset what we want to the configuration. */
	void	(*reset)(struct fsm *);
	/* Before and after the options of a peer's Configure-Request;
	 * req_end may append Naks for options the peer should have sent and
	 * returns FSM_NAK if it did. */
	void	(*req_begin)(struct fsm *);
	int	(*req_end)(struct fsm *, struct wire_writer *);

	/* RFC 1661 actions tlu, tld, tls, tlf. */
	void	(*up)(struct fsm *);
	void	(*down)(struct fsm *);
	void	(*started)(struct fsm *);
	void	(*finished)(struct fsm *);

	/* Echo-Request/Reply and Discard-Request (the RXR event; only for
	 * LCP).  Called in Opened for the ser action; NULL: unknown codes. */
	void	(*rxr)(struct fsm *, uint8_t, uint8_t, struct wire_reader *);
	/* Any other code; returns enum fsm_ext.  Optional. */
	int	(*extcode)(struct fsm *, uint8_t, uint8_t,
		    struct wire_reader *);
	/* The peer Code-Rejected a code we can do without.  Optional. */
	void	(*coderej)(struct fsm *, uint8_t);
	/* Negotiation cannot succeed (see fsm_fail()); NULL: just close
	 * this layer with the reason. */
	void	(*fail)(struct fsm *, const char *);
};

struct fsm {
	const struct fsm_callbacks *cb;
	struct ppp		*ppp;
	void			*arg;		/* the protocol's own state */
	enum fsm_state		 state;

	uint8_t			 id;		/* last Identifier used */
	uint8_t			 reqid;		/* of our Configure-Request */
	uint8_t			 termid;	/* of our Terminate-Request */
	int			 reply_seen;	/* reqid got its answer */
	int			 restart;	/* restart counter */
	int			 naks_sent;	/* since our last Ack */
	int			 reject_if_disagree;	/* Max-Failure hit */

	unsigned int		 timeout_ms;
	unsigned int		 first_timeout_ms;
	int			 max_configure;
	int			 max_terminate;
	int			 max_failure;
	struct ppp_timer	 timer;

	uint8_t			 req[FSM_OPTS_MAX];	/* our last request */
	size_t			 reqlen;
	char			 term_reason[64];	/* our Terminate data */
	char			 reason[128];	/* why this layer ended */
	char			 fail[128];	/* set by fsm_fail() */
};

/* fsm.c */
void		 fsm_init(struct fsm *, struct ppp *,
		    const struct fsm_callbacks *, void *);
void		 fsm_up(struct fsm *);
void		 fsm_down(struct fsm *);
void		 fsm_open(struct fsm *);
void		 fsm_close(struct fsm *, const char *);
void		 fsm_input(struct fsm *, struct wire_reader *);
void		 fsm_protreject(struct fsm *);
void		 fsm_fail(struct fsm *, const char *);
int		 fsm_send(struct fsm *, uint8_t, uint8_t, const uint8_t *,
		    size_t);
uint8_t		 fsm_newid(struct fsm *);
int		 fsm_register(struct fsm *, int);
const char	*fsm_state_name(enum fsm_state);
const char	*fsm_event_name(enum fsm_event);
const char	*fsm_code_name(uint8_t);

#endif /* PPPOXD_FSM_H */

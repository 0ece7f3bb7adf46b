/*
 * pptp_ctrl.h: the PPTP control connection (RFC 2637 section 2) as the
 * server end sees it, without I/O.  The session child feeds it what it
 * reads from the TCP connection and the time; it answers through the
 * send callback, asks the caller to set up and tear down the call, and
 * says when the connection is to be closed.  Timers are the caller's:
 * it calls pptp_ctrl_tick() at pptp_ctrl_deadline().
 *
 * Times are milliseconds on a monotonic clock chosen by the caller.
 * One call per control connection: that is what every PPTP client opens.
 */
#ifndef PPPOXD_PPTP_CTRL_H
#define PPPOXD_PPTP_CTRL_H

#include <stddef.h>
#include <stdint.h>

#define PPTP_CTRL_HDR_LEN	12
#define PPTP_CTRL_MSG_MAX	220	/* the largest message, ICRQ */
#define PPTP_CTRL_NAME_LEN	64	/* host name and vendor fields */
#define PPTP_CTRL_NO_DEADLINE	UINT64_MAX

/* Control Message Types */
#define PPTP_SCCRQ		1
#define PPTP_SCCRP		2
#define PPTP_STOPCCRQ		3
#define PPTP_STOPCCRP		4
#define PPTP_ECHORQ		5
#define PPTP_ECHORP		6
#define PPTP_OCRQ		7
#define PPTP_OCRP		8
#define PPTP_ICRQ		9
#define PPTP_ICRP		10
#define PPTP_ICCN		11
#define PPTP_CCRQ		12
#define PPTP_CDN		13
#define PPTP_WEN		14
#define PPTP_SLI		15

/* Outgoing-Call-Reply Result Codes */
#define PPTP_OCRP_CONNECTED	1
#define PPTP_OCRP_ERROR		2
#define PPTP_OCRP_NO_CARRIER	3
#define PPTP_OCRP_BUSY		4
#define PPTP_OCRP_NO_DIALTONE	5
#define PPTP_OCRP_TIMEOUT	6
#define PPTP_OCRP_REFUSED	7	/* "do not accept" */

/* Call-Disconnect-Notify Result Codes */
#define PPTP_CDN_LOST_CARRIER	1
#define PPTP_CDN_ERROR		2
#define PPTP_CDN_ADMIN_SHUTDOWN	3
#define PPTP_CDN_REQUEST	4

/* Framing and Bearer capabilities (PPTP bit order, not L2TP's) */
#define PPTP_FRAMING_ASYNC	1
#define PPTP_FRAMING_SYNC	2
#define PPTP_BEARER_ANALOG	1
#define PPTP_BEARER_DIGITAL	2

struct pptp_ctrl_conf {
	char		 log_prefix[64];	/* "session 5 peer 1.2.3.4" */
	char		 hostname[PPTP_CTRL_NAME_LEN];
	char		 vendor[PPTP_CTRL_NAME_LEN];
	uint32_t	 framing_caps;		/* SCCRP */
	uint32_t	 bearer_caps;		/* SCCRP */
	uint16_t	 max_channels;		/* SCCRP */
	uint16_t	 firmware_rev;		/* SCCRP */
	uint16_t	 recv_window;		/* OCRP: our GRE window */
	uint16_t	 processing_delay;	/* OCRP, 1/10 s */
	uint32_t	 start_timeout;		/* ms to the SCCRQ; 0: none */
	uint32_t	 echo_interval;		/* ms silent, then an echo */
	uint32_t	 echo_timeout;		/* ms then without a reply */
	uint32_t	 stop_timeout;		/* ms for StopCCRP after ours */
};

/* What the peer asked for in its Outgoing-Call-Request. */
struct pptp_ctrl_call {
	uint16_t	 call_id;		/* ours, from call_id_alloc */
	uint16_t	 peer_call_id;		/* goes into our GRE packets */
	uint16_t	 serial;
	uint16_t	 peer_window;		/* its GRE receive window */
	uint16_t	 peer_delay;		/* its delay, 1/10 s */
	uint32_t	 min_bps;
	uint32_t	 max_bps;
};

struct pptp_ctrl_cb {
	void	*arg;
	/* Queue bytes on the TCP connection; -1 if that failed. */
	int	(*send)(void *arg, const uint8_t *buf, size_t len);
	/* Choose our Call ID for a new call; -1: none free. */
	int	(*call_id_alloc)(void *arg, uint16_t *call_id);
	/*
	 * A call was requested.  Return 0 and call pptp_ctrl_call_reply()
	 * once the call is set up or refused (it may be called from here),
	 * or -1 to refuse it at once with a general error.
	 */
	int	(*on_call_request)(void *arg,
		    const struct pptp_ctrl_call *call);
	/*
	 * The peer ended the call (Call-Clear-Request, Stop-Control-
	 * Connection-Request, or a control connection closed for an error
	 * or a keepalive timeout) while it was up or being set up.  Not
	 * called for pptp_ctrl_call_disconnect(), which the caller started.
	 */
	void	(*on_call_clear)(void *arg, uint16_t call_id, const char *why);
};

enum pptp_ctrl_state {
	PPTP_CTRL_IDLE,		/* waiting for the SCCRQ */
	PPTP_CTRL_ESTABLISHED,
	PPTP_CTRL_STOPPING,	/* our StopCCRQ sent, waiting for a reply */
	PPTP_CTRL_CLOSED,	/* the caller is to close the connection */
};

enum pptp_ctrl_call_state {
	PPTP_CALL_NONE,
	PPTP_CALL_WAIT_REPLY,	/* OCRQ passed up, OCRP not yet sent */
	PPTP_CALL_ESTABLISHED,
};

struct pptp_ctrl;

/*
 * The int functions return -1 exactly when the state has become (or
 * was) PPTP_CTRL_CLOSED: the caller flushes what send queued and closes
 * the connection; the reason has been logged.  Otherwise 0.
 */
/* pptp_ctrl.c */
void			 pptp_ctrl_conf_defaults(struct pptp_ctrl_conf *);
struct pptp_ctrl	*pptp_ctrl_new(const struct pptp_ctrl_conf *,
			    const struct pptp_ctrl_cb *, uint64_t now);
void			 pptp_ctrl_free(struct pptp_ctrl *);
int			 pptp_ctrl_input(struct pptp_ctrl *, const uint8_t *,
			    size_t, uint64_t now);
int			 pptp_ctrl_tick(struct pptp_ctrl *, uint64_t now);
uint64_t		 pptp_ctrl_deadline(const struct pptp_ctrl *);
int			 pptp_ctrl_call_reply(struct pptp_ctrl *,
			    uint8_t result);
int			 pptp_ctrl_call_disconnect(struct pptp_ctrl *,
			    uint8_t result, uint64_t now);
enum pptp_ctrl_state	 pptp_ctrl_state(const struct pptp_ctrl *);
enum pptp_ctrl_call_state pptp_ctrl_call_state(const struct pptp_ctrl *);
const struct pptp_ctrl_call *pptp_ctrl_call(const struct pptp_ctrl *);
void			 pptp_ctrl_accm(const struct pptp_ctrl *,
			    uint32_t *send_accm, uint32_t *recv_accm);

#endif /* PPPOXD_PPTP_CTRL_H */

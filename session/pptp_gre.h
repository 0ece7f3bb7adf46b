/*
 * pptp_gre.h: the data path of one PPTP call, enhanced GRE (RFC 2637
 * section 4.1), without I/O.  The session child hands in what its raw
 * GRE socket returned and gets PPP frames back through a callback; it
 * hands PPP frames out and gets GRE packets for the connected socket
 * (GRE header and payload, no IP header).  Timers are the caller's: it
 * calls pptp_gre_tick() at pptp_gre_deadline().
 *
 * Times are milliseconds on a monotonic clock chosen by the caller.
 */
#ifndef PPPOXD_PPTP_GRE_H
#define PPPOXD_PPTP_GRE_H

#include <stddef.h>
#include <stdint.h>

#define PPTP_GRE_PROTO		0x880b
#define PPTP_GRE_HDR_MAX	16	/* with sequence and ack numbers */
#define PPTP_GRE_PAYLOAD_MAX	4096	/* largest PPP frame sent or held */
#define PPTP_GRE_REORDER_MAX	64	/* bound on reorder_max */
/*
 * Room one read of the raw socket needs: an IPv4 header with the most
 * options, the GRE header and the largest frame held.  A longer packet
 * is cut there, and pptp_gre_input() drops it for its lengths.
 */
#define PPTP_GRE_READ_MAX	(60 + PPTP_GRE_HDR_MAX + PPTP_GRE_PAYLOAD_MAX)
#define PPTP_GRE_NO_DEADLINE	UINT64_MAX

struct pptp_gre_conf {
	char		 log_prefix[64];
	uint16_t	 call_id;	/* ours: the peer's packets carry it */
	uint16_t	 peer_call_id;	/* the peer's: ours carry it */
	uint16_t	 recv_window;	/* ours, as sent in the OCRP */
	uint16_t	 peer_window;	/* the peer's, from its OCRQ */
	int		 ip_header;	/* reads start with an IPv4 header */
	unsigned int	 reorder_max;	/* packets held for reordering */
	uint32_t	 reorder_timeout; /* ms a gap may hold them */
	uint32_t	 ack_delay;	/* ms before an ack-only packet */
};

struct pptp_gre_cb {
	void	*arg;
	/* One PPP frame, in order; it may call pptp_gre_output(). */
	void	(*deliver)(void *arg, const uint8_t *frame, size_t len);
	/* One GRE packet for the connected socket; -1 if not sent. */
	int	(*send)(void *arg, const uint8_t *pkt, size_t len);
};

/* For pppoxctl; every dropped packet is counted once, by reason. */
struct pptp_gre_stats {
	uint64_t	 ipackets, ibytes;	/* PPP frames delivered */
	uint64_t	 opackets, obytes;	/* PPP frames sent */
	uint64_t	 ack_only_in, ack_only_out;
	uint64_t	 reordered;	/* delivered from the reorder buffer */
	uint64_t	 lost;		/* sequence numbers given up on */
	uint64_t	 late_echo;	/* late LCP echoes let through */
	uint64_t	 drop_ip;	/* bad or lying IPv4 header */
	uint64_t	 drop_gre;	/* not RFC 2637 enhanced GRE */
	uint64_t	 drop_length;	/* payload length against the octets */
	uint64_t	 drop_call_id;	/* not our Call ID */
	uint64_t	 drop_duplicate;
	uint64_t	 drop_old;	/* behind what was delivered already */
	uint64_t	 drop_oversize;	/* too large to hold for reordering */
	uint64_t	 bad_ack;	/* acks data we never sent */
	uint64_t	 over_window;	/* sent with the peer's window full */
	uint64_t	 send_errors;
};

struct pptp_gre;

/* pptp_gre.c */
void		 pptp_gre_conf_defaults(struct pptp_gre_conf *);
struct pptp_gre	*pptp_gre_new(const struct pptp_gre_conf *,
		    const struct pptp_gre_cb *);
void		 pptp_gre_free(struct pptp_gre *);
/* 0: taken (delivered, held or an ack); -1: dropped and counted. */
int		 pptp_gre_input(struct pptp_gre *, const uint8_t *, size_t,
		    uint64_t now);
/*
 * 0: sent; -1: too long or the send callback failed.  It never brings
 * pptp_gre_deadline() forward, so a caller need not rearm its timer.
 */
int		 pptp_gre_output(struct pptp_gre *, const uint8_t *, size_t);
void		 pptp_gre_tick(struct pptp_gre *, uint64_t now);
uint64_t	 pptp_gre_deadline(const struct pptp_gre *);
const struct pptp_gre_stats *pptp_gre_stats(const struct pptp_gre *);

#endif /* PPPOXD_PPTP_GRE_H */

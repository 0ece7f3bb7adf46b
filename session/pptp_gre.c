/*
 * pptp_gre.c: enhanced GRE for one PPTP call (RFC 2637 section 4.1),
 * pure protocol logic (see pptp_gre.h).
 *
 * Receiving.  Sequence numbers are compared with serial-number
 * arithmetic, so they wrap at 2^32 like everything else.  The next
 * packet in order is delivered at once; a packet ahead of it is held in
 * a small buffer until the gap fills, the buffer is full or the gap has
 * held it reorder_timeout, and then the gap is given up as lost.  A jump
 * further ahead than the buffer could ever bridge is loss at once, as
 * Linux's pptp.c and the pptp client take it (pitfalls D1).  Duplicates
 * and packets behind what was delivered are dropped, except LCP
 * Echo-Request/Reply, which Linux lets through whatever their sequence
 * number so that a late echo does not count against the link.  The
 * first packet is taken whatever its number: the RFC says 0, Linux
 * sends 1 first.
 *
 * Sending.  Our numbers start at 0 (RFC 2637).  An ack for the last
 * in-order packet rides on the next data packet; if none goes out
 * within ack_delay, or half our receive window is unacked, an ack-only
 * packet goes instead, so a peer that honours its send window (Windows)
 * never stalls on a one-way flow.  The peer's window is only counted
 * (over_window), not enforced: PPP above us has no queue to hold frames
 * in, so honouring it would mean dropping, and a peer that never sends
 * ack-only packets (Linux's pptp.c acks only on its own data) would see
 * a one-way flow stop for good.  Linux's pptp.c ignores the window too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pptp_gre.h"
#include "wire.h"

/* The first 16 bits of an enhanced GRE header */
#define GRE_C		0x8000		/* checksum present */
#define GRE_R		0x4000		/* routing present */
#define GRE_K		0x2000		/* key present */
#define GRE_S		0x1000		/* sequence number present */
#define GRE_SSR		0x0800		/* strict source route */
#define GRE_RECUR	0x0700
#define GRE_A		0x0080		/* ack number present */
#define GRE_FLAGS	0x0078
#define GRE_VER		0x0007
#define GRE_VER_PPTP	1

#define IPV4_HDR_MIN	20
#define IPPROTO_GRE_NUM	47

#define PPP_LCP		0xc021
#define LCP_ECHO_REQ	9
#define LCP_ECHO_REP	10

struct pptp_gre_slot {
	int		 used;
	uint32_t	 seq;
	uint64_t	 arrived;
	size_t		 len;
	uint8_t		 data[PPTP_GRE_PAYLOAD_MAX];
};

struct pptp_gre {
	struct pptp_gre_conf	 conf;
	struct pptp_gre_cb	 cb;
	struct pptp_gre_stats	 stats;

	/* receiving */
	int			 rx_started;
	uint32_t		 seq_recv;	/* last delivered in order */
	int			 ack_owed;
	uint64_t		 ack_owed_since;
	unsigned int		 rx_unacked;
	struct pptp_gre_slot	*slots;		/* conf.reorder_max of them */
	unsigned int		 held;

	/* sending */
	int			 tx_started;
	uint32_t		 seq_sent;	/* last sent */
	int			 tx_acked;	/* ack_recv is valid */
	uint32_t		 ack_recv;	/* last acked by the peer */

	uint8_t			 out[PPTP_GRE_HDR_MAX + PPTP_GRE_PAYLOAD_MAX];
};

static int	 pptp_gre_parse_ip(struct pptp_gre *, struct wire_reader *);
static void	 pptp_gre_ack_in(struct pptp_gre *, uint32_t);
static int	 pptp_gre_data(struct pptp_gre *, uint32_t, const uint8_t *,
		    size_t, uint64_t);
static void	 pptp_gre_deliver(struct pptp_gre *, uint32_t,
		    const uint8_t *, size_t, uint64_t);
static void	 pptp_gre_skip_to(struct pptp_gre *, uint32_t);
static void	 pptp_gre_drain(struct pptp_gre *, uint64_t);
static struct pptp_gre_slot *pptp_gre_lowest(struct pptp_gre *);
static struct pptp_gre_slot *pptp_gre_find(struct pptp_gre *, uint32_t);
static void	 pptp_gre_release_lowest(struct pptp_gre *, uint64_t);
static int	 pptp_gre_lcp_echo(const uint8_t *, size_t);
static int	 pptp_gre_send_ack(struct pptp_gre *);
static int	 pptp_gre_drop(struct pptp_gre *, uint64_t *, const char *);

void
pptp_gre_conf_defaults(struct pptp_gre_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	strlcpy(conf->log_prefix, "pptp", sizeof(conf->log_prefix));
	conf->recv_window = 64;
	conf->peer_window = 64;
	conf->ip_header = 1;
	conf->reorder_max = 8;
	conf->reorder_timeout = 100;
	conf->ack_delay = 50;
}

struct pptp_gre *
pptp_gre_new(const struct pptp_gre_conf *conf, const struct pptp_gre_cb *cb)
{
	struct pptp_gre	*g;

	if (cb->deliver == NULL || cb->send == NULL)
		fatalx("%s: missing callback", __func__);
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return (NULL);
	g->conf = *conf;
	g->conf.log_prefix[sizeof(g->conf.log_prefix) - 1] = '\0';
	if (g->conf.reorder_max > PPTP_GRE_REORDER_MAX)
		g->conf.reorder_max = PPTP_GRE_REORDER_MAX;
	g->cb = *cb;
	if (g->conf.reorder_max > 0 && (g->slots = calloc(g->conf.reorder_max,
	    sizeof(*g->slots))) == NULL) {
		free(g);
		return (NULL);
	}
	return (g);
}

void
pptp_gre_free(struct pptp_gre *g)
{
	if (g == NULL)
		return;
	free(g->slots);
	free(g);
}

const struct pptp_gre_stats *
pptp_gre_stats(const struct pptp_gre *g)
{
	return (&g->stats);
}

int
pptp_gre_input(struct pptp_gre *g, const uint8_t *pkt, size_t len,
    uint64_t now)
{
	struct wire_reader	 r;
	const uint8_t		*payload;
	uint16_t		 flags, proto, plen, call_id;
	uint32_t		 seq = 0, ack = 0;
	unsigned int		 ack_now;
	int			 rv = 0;

	wire_reader_init(&r, pkt, len);
	if (g->conf.ip_header && pptp_gre_parse_ip(g, &r) == -1)
		return (pptp_gre_drop(g, &g->stats.drop_ip, "bad IPv4 header"));

	wire_get_u16(&r, &flags);
	wire_get_u16(&r, &proto);
	wire_get_u16(&r, &plen);
	if (wire_get_u16(&r, &call_id) == -1)
		return (pptp_gre_drop(g, &g->stats.drop_gre, "short header"));
	if ((flags & (GRE_C | GRE_R | GRE_K | GRE_SSR | GRE_RECUR |
	    GRE_FLAGS | GRE_VER)) != (GRE_K | GRE_VER_PPTP) ||
	    proto != PPTP_GRE_PROTO)
		return (pptp_gre_drop(g, &g->stats.drop_gre,
		    "not enhanced GRE"));
	if ((flags & (GRE_S | GRE_A)) == 0)
		return (pptp_gre_drop(g, &g->stats.drop_gre,
		    "neither sequence nor ack number"));
	if (call_id != g->conf.call_id)
		return (pptp_gre_drop(g, &g->stats.drop_call_id,
		    "not our Call ID"));
	/* With S clear the ack takes the sequence number's place. */
	if (flags & GRE_S)
		wire_get_u32(&r, &seq);
	if (flags & GRE_A)
		wire_get_u32(&r, &ack);
	if (r.error)
		return (pptp_gre_drop(g, &g->stats.drop_gre, "short header"));
	if (plen != wire_left(&r))
		return (pptp_gre_drop(g, &g->stats.drop_length,
		    "payload length disagrees with the packet"));
	/* Data carries a sequence number, and only data does. */
	if ((flags & GRE_S) == 0 ? plen != 0 : plen == 0)
		return (pptp_gre_drop(g, &g->stats.drop_length,
		    "payload length disagrees with the S flag"));
	if (wire_get_ref(&r, &payload, plen) == -1)
		return (pptp_gre_drop(g, &g->stats.drop_length,
		    "short payload"));

	if (flags & GRE_A)
		pptp_gre_ack_in(g, ack);
	if ((flags & GRE_S) == 0)
		g->stats.ack_only_in++;
	else
		rv = pptp_gre_data(g, seq, payload, plen, now);

	/* Ack at half our window rather than let the peer run into it. */
	ack_now = g->conf.recv_window / 2 > 0 ? g->conf.recv_window / 2 : 1;
	if (g->ack_owed && g->rx_unacked >= ack_now)
		pptp_gre_send_ack(g);
	return (rv);
}

/*
 * Step over the IPv4 header a raw socket returns, trusting none of it:
 * the header must fit, and Total Length bounds the GRE packet.
 */
static int
pptp_gre_parse_ip(struct pptp_gre *g, struct wire_reader *r)
{
	uint8_t		vihl, proto;
	uint16_t	total;
	size_t		ihl;

	(void)g;
	wire_get_u8(r, &vihl);
	wire_skip(r, 1);
	wire_get_u16(r, &total);
	wire_skip(r, 5);
	wire_get_u8(r, &proto);
	if (r->error)
		return (-1);
	ihl = (size_t)(vihl & 0x0f) * 4;
	if ((vihl >> 4) != 4 || ihl < IPV4_HDR_MIN || total < ihl ||
	    proto != IPPROTO_GRE_NUM)
		return (-1);
	/* Back to the start: 10 octets have been read. */
	if ((size_t)total > wire_left(r) + 10)
		return (-1);
	wire_truncate(r, total - 10);
	return (wire_skip(r, ihl - 10));
}

/* Ack numbers only move forward, and never past what we sent. */
static void
pptp_gre_ack_in(struct pptp_gre *g, uint32_t ack)
{
	if (!g->tx_started || (int32_t)(ack - g->seq_sent) > 0) {
		g->stats.bad_ack++;
		return;
	}
	if (g->tx_acked && (int32_t)(ack - g->ack_recv) <= 0)
		return;
	g->ack_recv = ack;
	g->tx_acked = 1;
}

static int
pptp_gre_data(struct pptp_gre *g, uint32_t seq, const uint8_t *p, size_t len,
    uint64_t now)
{
	struct pptp_gre_slot	*s;
	unsigned int		 i;
	int32_t			 d;

	if (!g->rx_started) {
		g->rx_started = 1;
		pptp_gre_deliver(g, seq, p, len, now);
		return (0);
	}
	d = (int32_t)(seq - g->seq_recv);
	if (d <= 0) {
		if (pptp_gre_lcp_echo(p, len)) {
			g->stats.late_echo++;
			g->stats.ipackets++;
			g->stats.ibytes += len;
			g->cb.deliver(g->cb.arg, p, len);
			return (0);
		}
		if (d == 0)
			return (pptp_gre_drop(g, &g->stats.drop_duplicate,
			    "duplicate"));
		return (pptp_gre_drop(g, &g->stats.drop_old,
		    "late or duplicate"));
	}
	if (d == 1) {
		pptp_gre_deliver(g, seq, p, len, now);
		pptp_gre_drain(g, now);
		return (0);
	}
	if ((uint32_t)(d - 1) > g->conf.reorder_max) {
		/* Beyond what reordering could explain: loss. */
		while (g->held > 0)
			pptp_gre_release_lowest(g, now);
		pptp_gre_skip_to(g, seq);
		pptp_gre_deliver(g, seq, p, len, now);
		return (0);
	}
	if (pptp_gre_find(g, seq) != NULL)
		return (pptp_gre_drop(g, &g->stats.drop_duplicate,
		    "duplicate"));
	if (len > PPTP_GRE_PAYLOAD_MAX)
		return (pptp_gre_drop(g, &g->stats.drop_oversize,
		    "too large to hold"));
	/*
	 * Held packets are distinct and lie within reorder_max numbers after
	 * the last delivered (they did when they came, and that number only
	 * grows), and so does this one: a slot is always free.
	 */
	for (i = 0; i < g->conf.reorder_max && g->slots[i].used; i++)
		;
	if (i == g->conf.reorder_max)
		fatalx("%s: reorder buffer full", __func__);
	s = &g->slots[i];
	s->used = 1;
	s->seq = seq;
	s->arrived = now;
	s->len = len;
	memcpy(s->data, p, len);
	g->held++;
	log_debug("%s: GRE: holding packet %u (expecting %u)",
	    g->conf.log_prefix, seq, g->seq_recv + 1);
	return (0);
}

/*
 * Hand one frame up as the new last-in-order.  The state is updated
 * first, so a reply sent from the callback carries the right ack.
 */
static void
pptp_gre_deliver(struct pptp_gre *g, uint32_t seq, const uint8_t *p,
    size_t len, uint64_t now)
{
	g->seq_recv = seq;
	g->rx_unacked++;
	if (!g->ack_owed) {
		g->ack_owed = 1;
		g->ack_owed_since = now;
	}
	g->stats.ipackets++;
	g->stats.ibytes += len;
	g->cb.deliver(g->cb.arg, p, len);
}

/* Give up on every number between the last delivered and seq. */
static void
pptp_gre_skip_to(struct pptp_gre *g, uint32_t seq)
{
	uint32_t	gap = seq - g->seq_recv - 1;

	if (gap == 0)
		return;
	g->stats.lost += gap;
	log_debug("%s: GRE: %u packet(s) lost before %u", g->conf.log_prefix,
	    gap, seq);
	g->seq_recv = seq - 1;
}

/* Deliver what the buffer holds in order after the last delivered. */
static void
pptp_gre_drain(struct pptp_gre *g, uint64_t now)
{
	struct pptp_gre_slot	*s;

	while (g->held > 0 && (s = pptp_gre_find(g, g->seq_recv + 1)) != NULL) {
		g->stats.reordered++;
		pptp_gre_deliver(g, s->seq, s->data, s->len, now);
		s->used = 0;
		g->held--;
	}
}

static struct pptp_gre_slot *
pptp_gre_lowest(struct pptp_gre *g)
{
	struct pptp_gre_slot	*low = NULL;
	unsigned int		 i;

	for (i = 0; i < g->conf.reorder_max; i++) {
		if (!g->slots[i].used)
			continue;
		if (low == NULL || (int32_t)(g->slots[i].seq - low->seq) < 0)
			low = &g->slots[i];
	}
	return (low);
}

static struct pptp_gre_slot *
pptp_gre_find(struct pptp_gre *g, uint32_t seq)
{
	unsigned int	i;

	for (i = 0; i < g->conf.reorder_max; i++)
		if (g->slots[i].used && g->slots[i].seq == seq)
			return (&g->slots[i]);
	return (NULL);
}

/* Skip the gap before the lowest held packet and deliver from there. */
static void
pptp_gre_release_lowest(struct pptp_gre *g, uint64_t now)
{
	struct pptp_gre_slot	*s;

	if ((s = pptp_gre_lowest(g)) == NULL)
		return;
	pptp_gre_skip_to(g, s->seq);
	pptp_gre_drain(g, now);
}

/* LCP Echo-Request or Echo-Reply, which always has FF 03 (pitfalls B4). */
static int
pptp_gre_lcp_echo(const uint8_t *p, size_t len)
{
	struct wire_reader	r;
	uint16_t		ac, proto;
	uint8_t			code;

	wire_reader_init(&r, p, len);
	wire_get_u16(&r, &ac);
	wire_get_u16(&r, &proto);
	if (wire_get_u8(&r, &code) == -1)
		return (0);
	return (ac == 0xff03 && proto == PPP_LCP &&
	    (code == LCP_ECHO_REQ || code == LCP_ECHO_REP));
}

int
pptp_gre_output(struct pptp_gre *g, const uint8_t *frame, size_t len)
{
	struct wire_writer	w;
	uint32_t		seq, outstanding;
	int			ack;

	if (len == 0 || len > PPTP_GRE_PAYLOAD_MAX) {
		log_warnx("%s: GRE: cannot send a %zu-octet frame",
		    g->conf.log_prefix, len);
		return (-1);
	}
	seq = g->tx_started ? g->seq_sent + 1 : 0;
	ack = g->ack_owed;
	wire_writer_init(&w, g->out, sizeof(g->out));
	wire_put_u16(&w, GRE_K | GRE_S | GRE_VER_PPTP | (ack ? GRE_A : 0));
	wire_put_u16(&w, PPTP_GRE_PROTO);
	wire_put_u16(&w, (uint16_t)len);
	wire_put_u16(&w, g->conf.peer_call_id);
	wire_put_u32(&w, seq);
	if (ack)
		wire_put_u32(&w, g->seq_recv);
	wire_put_bytes(&w, frame, len);
	if (w.error)
		fatalx("%s: packet does not fit", __func__);
	if (g->cb.send(g->cb.arg, w.p, w.len) == -1) {
		g->stats.send_errors++;
		return (-1);
	}
	if (g->tx_started) {
		outstanding = g->tx_acked ? g->seq_sent - g->ack_recv :
		    g->seq_sent + 1;
		if (g->conf.peer_window > 0 &&
		    outstanding >= g->conf.peer_window)
			g->stats.over_window++;
	}
	g->tx_started = 1;
	g->seq_sent = seq;
	if (ack) {
		g->ack_owed = 0;
		g->rx_unacked = 0;
	}
	g->stats.opackets++;
	g->stats.obytes += len;
	return (0);
}

/* An ack with no data: S clear, the ack where the sequence would be. */
static int
pptp_gre_send_ack(struct pptp_gre *g)
{
	struct wire_writer	w;
	uint8_t			pkt[PPTP_GRE_HDR_MAX];

	wire_writer_init(&w, pkt, sizeof(pkt));
	wire_put_u16(&w, GRE_K | GRE_A | GRE_VER_PPTP);
	wire_put_u16(&w, PPTP_GRE_PROTO);
	wire_put_u16(&w, 0);
	wire_put_u16(&w, g->conf.peer_call_id);
	wire_put_u32(&w, g->seq_recv);
	if (g->cb.send(g->cb.arg, w.p, w.len) == -1) {
		g->stats.send_errors++;
		return (-1);
	}
	g->ack_owed = 0;
	g->rx_unacked = 0;
	g->stats.ack_only_out++;
	return (0);
}

void
pptp_gre_tick(struct pptp_gre *g, uint64_t now)
{
	unsigned int	i;
	int		expired;

	do {
		expired = 0;
		for (i = 0; i < g->conf.reorder_max; i++)
			if (g->slots[i].used && now >=
			    g->slots[i].arrived + g->conf.reorder_timeout)
				expired = 1;
		if (expired)
			pptp_gre_release_lowest(g, now);
	} while (expired);
	if (g->ack_owed && now >= g->ack_owed_since + g->conf.ack_delay)
		pptp_gre_send_ack(g);
}

uint64_t
pptp_gre_deadline(const struct pptp_gre *g)
{
	uint64_t	d = PPTP_GRE_NO_DEADLINE, t;
	unsigned int	i;

	for (i = 0; i < g->conf.reorder_max; i++) {
		if (!g->slots[i].used)
			continue;
		t = g->slots[i].arrived + g->conf.reorder_timeout;
		if (t < d)
			d = t;
	}
	if (g->ack_owed) {
		t = g->ack_owed_since + g->conf.ack_delay;
		if (t < d)
			d = t;
	}
	return (d);
}

static int
pptp_gre_drop(struct pptp_gre *g, uint64_t *counter, const char *why)
{
	(*counter)++;
	log_debug("%s: GRE: packet dropped: %s", g->conf.log_prefix, why);
	return (-1);
}

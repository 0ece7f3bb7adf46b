/*
 * pptp.c: the PPTP transport of a session child: the control connection
 * on the TCP socket the parent accepted, and the call's GRE socket the
 * parent opened for us, glued to pptp_ctrl.c, pptp_gre.c and the PPP
 * engine in session.c.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "session.h"
#include "pptp_ctrl.h"
#include "pptp_gre.h"

/* Control messages are small; a peer that does not read them goes. */
#define PPTP_WBUF_MAX		8192
/*
 * GRE packets taken or handed out per system call.  System calls, not
 * RC4, are what a packet costs most (under UML each is a round trip
 * through ptrace): one per packet made us slower than kernel PPP.
 */
#define PPTP_GRE_BATCH		16
/* Room for the GRE packets queued for one sendmmsg(). */
#define PPTP_GRE_OUT_BYTES	(8 * (PPTP_GRE_HDR_MAX + PPTP_GRE_PAYLOAD_MAX))
/* IPv4, GRE with sequence and ack, and room for the PPP header. */
#define PPTP_OVERHEAD		(20 + 16)

struct pptp {
	int			 conn;
	struct event		 rev, wev;
	uint8_t			 wbuf[PPTP_WBUF_MAX];
	size_t			 wlen;
	struct pptp_ctrl	*ctrl;
	struct pptp_ctrl_call	 call;
	int			 gre_fd;
	struct event		 gre_ev;
	struct pptp_gre		*gre;
	/* recvmmsg(): one slot per packet */
	struct mmsghdr		 in_msg[PPTP_GRE_BATCH];
	struct iovec		 in_iov[PPTP_GRE_BATCH];
	uint8_t			 in_buf[PPTP_GRE_BATCH][PPTP_GRE_READ_MAX];
	/*
	 * sendmmsg(): what this pass of the event loop sent, packed in
	 * out_buf; gre_flush, made active by the first, sends it all
	 * once the callbacks of the pass have run.
	 */
	struct mmsghdr		 out_msg[PPTP_GRE_BATCH];
	struct iovec		 out_iov[PPTP_GRE_BATCH];
	size_t			 out_n, out_len;
	uint8_t			 out_buf[PPTP_GRE_OUT_BYTES];
	struct event		 gre_flush;
	struct event		 timer;
	uint64_t		 timer_when;	/* armed for; or NO_DEADLINE */
	char			 prefix[64];
};

/* The session's one control connection and call. */
static struct pptp	 pptp = { .conn = -1, .gre_fd = -1,
    .timer_when = PPTP_CTRL_NO_DEADLINE };

static int	 pptp_send(void *, const uint8_t *, size_t);
static int	 pptp_call_id(void *, uint16_t *);
static int	 pptp_call_request(void *, const struct pptp_ctrl_call *);
static void	 pptp_call_clear(void *, uint16_t, const char *);
static void	 pptp_read(int, short, void *);
static void	 pptp_write(int, short, void *);
static void	 pptp_gre_read(int, short, void *);
static void	 pptp_gre_deliver(void *, const uint8_t *, size_t);
static int	 pptp_gre_send(void *, const uint8_t *, size_t);
static void	 pptp_gre_flush_ev(int, short, void *);
static void	 pptp_gre_flush(void);
static int	 pptp_output(void *, const uint8_t *, size_t);
static void	 pptp_close(void *, const char *);
static void	 pptp_timer(int, short, void *);
static void	 pptp_schedule(void);
static void	 pptp_flush(void);

void
pptp_start(const struct sess_init *init, int conn)
{
	struct pptp_ctrl_conf	 conf;
	struct pptp_ctrl_cb	 cb;

	pptp.conn = conn;
	/* The process name already says which session and peer. */
	strlcpy(pptp.prefix, "pptp", sizeof(pptp.prefix));
	pptp_ctrl_conf_defaults(&conf);
	strlcpy(conf.log_prefix, pptp.prefix, sizeof(conf.log_prefix));
	strlcpy(conf.hostname, init->hostname, sizeof(conf.hostname));
	/* pptpd's stimeout: a peer that connects and says nothing goes. */
	conf.start_timeout = init->ctrl_timeout * 1000;
	memset(&cb, 0, sizeof(cb));
	cb.send = pptp_send;
	cb.call_id_alloc = pptp_call_id;
	cb.on_call_request = pptp_call_request;
	cb.on_call_clear = pptp_call_clear;
	if ((pptp.ctrl = pptp_ctrl_new(&conf, &cb, session_now())) == NULL)
		fatal("pptp_ctrl_new");

	event_set(&pptp.rev, conn, EV_READ | EV_PERSIST, pptp_read, NULL);
	event_add(&pptp.rev, NULL);
	event_set(&pptp.wev, conn, EV_WRITE, pptp_write, NULL);
	evtimer_set(&pptp.timer, pptp_timer, NULL);
	pptp_schedule();
}

static void
pptp_read(int fd, short event, void *arg)
{
	uint8_t	 buf[4096];
	ssize_t	 n;

	(void)event;
	(void)arg;
	if ((n = read(fd, buf, sizeof(buf))) == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		session_exit(0, "control connection error");
	}
	if (n == 0)
		session_exit(0, "peer closed the control connection");
	if (pptp_ctrl_input(pptp.ctrl, buf, n, session_now()) == -1)
		session_exit(0, "control connection closed");
	pptp_schedule();
}

/* Queue control bytes; they are few, so a full buffer means a dead peer. */
static int
pptp_send(void *arg, const uint8_t *buf, size_t len)
{
	ssize_t	 n = 0;

	(void)arg;
	if (pptp.wlen == 0) {
		if ((n = write(pptp.conn, buf, len)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				return (-1);
			n = 0;
		}
		if ((size_t)n == len)
			return (0);
	}
	if (len - n > sizeof(pptp.wbuf) - pptp.wlen) {
		log_warnx("%s: peer does not read its control connection",
		    pptp.prefix);
		return (-1);
	}
	memcpy(pptp.wbuf + pptp.wlen, buf + n, len - n);
	pptp.wlen += len - n;
	event_add(&pptp.wev, NULL);
	return (0);
}

static void
pptp_write(int fd, short event, void *arg)
{
	ssize_t	 n;

	(void)event;
	(void)arg;
	if ((n = write(fd, pptp.wbuf, pptp.wlen)) == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			event_add(&pptp.wev, NULL);
			return;
		}
		session_exit(0, "control connection error");
	}
	memmove(pptp.wbuf, pptp.wbuf + n, pptp.wlen - n);
	pptp.wlen -= n;
	if (pptp.wlen > 0)
		event_add(&pptp.wev, NULL);
}

/* On the way out: what is queued gets a second to leave. */
static void
pptp_flush(void)
{
	struct pollfd	 pfd = { .fd = pptp.conn, .events = POLLOUT };
	ssize_t		 n;
	int		 i;

	for (i = 0; i < 10 && pptp.wlen > 0; i++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = write(pptp.conn, pptp.wbuf, pptp.wlen)) <= 0)
			break;
		memmove(pptp.wbuf, pptp.wbuf + n, pptp.wlen - n);
		pptp.wlen -= n;
	}
}

/* The parent chose our call id: unique, and the GRE filter matches it. */
static int
pptp_call_id(void *arg, uint16_t *id)
{
	(void)arg;
	*id = session_init_msg()->call_id;
	return (0);
}

static int
pptp_call_request(void *arg, const struct pptp_ctrl_call *call)
{
	struct sess_gre_req	 req;

	(void)arg;
	pptp.call = *call;
	memset(&req, 0, sizeof(req));
	req.peer_call_id = call->peer_call_id;
	/* The answer (the GRE socket) comes in pptp_gre_ready(). */
	session_send_parent(IMSG_SESS_GRE_REQ, &req, sizeof(req));
	return (0);
}

void
pptp_gre_ready(int fd)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre_cb	 cb;
	struct transport	 tr;
	unsigned int		 i;

	if (pptp.gre != NULL)
		fatalx("second GRE socket");
	pptp.gre_fd = fd;
	for (i = 0; i < PPTP_GRE_BATCH; i++) {
		pptp.in_iov[i].iov_base = pptp.in_buf[i];
		pptp.in_iov[i].iov_len = sizeof(pptp.in_buf[i]);
		pptp.in_msg[i].msg_hdr.msg_iov = &pptp.in_iov[i];
		pptp.in_msg[i].msg_hdr.msg_iovlen = 1;
		pptp.out_msg[i].msg_hdr.msg_iov = &pptp.out_iov[i];
		pptp.out_msg[i].msg_hdr.msg_iovlen = 1;
	}
	event_set(&pptp.gre_flush, -1, 0, pptp_gre_flush_ev, NULL);
	pptp_gre_conf_defaults(&conf);
	strlcpy(conf.log_prefix, pptp.prefix, sizeof(conf.log_prefix));
	conf.call_id = pptp.call.call_id;
	conf.peer_call_id = pptp.call.peer_call_id;
	conf.peer_window = pptp.call.peer_window;
	conf.ip_header = session_init_msg()->peer.ss_family == AF_INET;
	memset(&cb, 0, sizeof(cb));
	cb.deliver = pptp_gre_deliver;
	cb.send = pptp_gre_send;
	if ((pptp.gre = pptp_gre_new(&conf, &cb)) == NULL)
		fatal("pptp_gre_new");
	event_set(&pptp.gre_ev, fd, EV_READ | EV_PERSIST, pptp_gre_read, NULL);
	event_add(&pptp.gre_ev, NULL);

	if (pptp_ctrl_call_reply(pptp.ctrl, PPTP_OCRP_CONNECTED) == -1)
		session_exit(0, "control connection closed");
	log_info("call up: our call id %u, peer call id %u",
	    pptp.call.call_id, pptp.call.peer_call_id);

	memset(&tr, 0, sizeof(tr));
	tr.name = "pptp";
	tr.overhead = PPTP_OVERHEAD;
	tr.output = pptp_output;
	tr.close = pptp_close;
	session_link_up(&tr);
	pptp_schedule();
}

static void
pptp_call_clear(void *arg, uint16_t call_id, const char *why)
{
	(void)arg;
	(void)call_id;
	/* The call is gone with the peer's consent: no PPP goodbye. */
	if (pptp.gre != NULL) {
		event_del(&pptp.gre_ev);
		pptp_gre_free(pptp.gre);
		pptp.gre = NULL;
	}
	session_exit(0, why);
}

/*
 * Up to two batches per wakeup, so that one busy call leaves the tun
 * device its turn; a short batch means the socket is drained.
 */
static void
pptp_gre_read(int fd, short event, void *arg)
{
	uint64_t	 now;
	int		 n, i, round;

	(void)event;
	(void)arg;
	/* One clock reading for what was queued when we woke. */
	now = session_now();
	for (round = 0; round < 2; round++) {
		if ((n = recvmmsg(fd, pptp.in_msg, PPTP_GRE_BATCH, MSG_DONTWAIT,
		    NULL)) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("%s: GRE receive", pptp.prefix);
			break;
		}
		for (i = 0; i < n; i++)
			pptp_gre_input(pptp.gre, pptp.in_buf[i],
			    pptp.in_msg[i].msg_len, now);
		if (n < PPTP_GRE_BATCH)
			break;
	}
	pptp_schedule();
}

static void
pptp_gre_deliver(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	session_link_input(frame, len);
}

/*
 * Queue a GRE packet for the end of this pass of the event loop.  What
 * fails to go then is lost as on the wire, and only logged: pptp_gre
 * has counted it as sent.
 */
static int
pptp_gre_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct iovec	*iov;

	(void)arg;
	if (len > sizeof(pptp.out_buf))
		return (-1);
	if (pptp.out_n == PPTP_GRE_BATCH ||
	    len > sizeof(pptp.out_buf) - pptp.out_len)
		pptp_gre_flush();
	if (pptp.out_n == 0)
		event_active(&pptp.gre_flush, EV_WRITE, 1);
	iov = &pptp.out_iov[pptp.out_n++];
	iov->iov_base = pptp.out_buf + pptp.out_len;
	iov->iov_len = len;
	memcpy(iov->iov_base, pkt, len);
	pptp.out_len += len;
	return (0);
}

static void
pptp_gre_flush_ev(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	pptp_gre_flush();
}

static void
pptp_gre_flush(void)
{
	size_t	 i = 0;
	int	 n;

	while (i < pptp.out_n && pptp.gre_fd != -1) {
		if ((n = sendmmsg(pptp.gre_fd, &pptp.out_msg[i],
		    pptp.out_n - i, 0)) == -1) {
			/* ENOBUFS and friends: a lost packet, as on the
			 * wire; the rest may still go. */
			if (errno != ENOBUFS && errno != EAGAIN)
				log_debug("%s: GRE send: %s", pptp.prefix,
				    strerror(errno));
			n = 1;
		} else if (n == 0)
			break;
		i += n;
	}
	pptp.out_n = 0;
	pptp.out_len = 0;
}

/* Sending never brings the GRE deadline forward: no rescheduling. */
static int
pptp_output(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	if (pptp.gre == NULL)
		return (-1);
	return (pptp_gre_output(pptp.gre, frame, len));
}

/* The session ends: clear the call and stop the control connection. */
static void
pptp_close(void *arg, const char *reason)
{
	(void)arg;
	(void)reason;
	if (pptp.ctrl != NULL &&
	    pptp_ctrl_state(pptp.ctrl) == PPTP_CTRL_ESTABLISHED)
		pptp_ctrl_call_disconnect(pptp.ctrl, PPTP_CDN_ADMIN_SHUTDOWN,
		    session_now());
	if (pptp.conn != -1) {
		pptp_flush();
		close(pptp.conn);
		pptp.conn = -1;
	}
	if (pptp.gre_fd != -1) {
		pptp_gre_flush();
		close(pptp.gre_fd);
		pptp.gre_fd = -1;
	}
}

static void
pptp_timer(int fd, short event, void *arg)
{
	uint64_t	 now = session_now();

	(void)fd;
	(void)event;
	(void)arg;
	pptp.timer_when = PPTP_CTRL_NO_DEADLINE;
	if (pptp_ctrl_tick(pptp.ctrl, now) == -1)
		session_exit(0, "control connection closed");
	if (pptp.gre != NULL)
		pptp_gre_tick(pptp.gre, now);
	pptp_schedule();
}

/*
 * One timer for both state machines: the earlier deadline.  A timer
 * already armed for that time or earlier stays: firing early costs a
 * look at the deadlines, while rearming costs reading the clock, and
 * this runs for every batch of GRE packets.
 */
static void
pptp_schedule(void)
{
	struct timeval	 tv;
	uint64_t	 when, now;

	when = pptp_ctrl_deadline(pptp.ctrl);
	if (pptp.gre != NULL && pptp_gre_deadline(pptp.gre) < when)
		when = pptp_gre_deadline(pptp.gre);
	if (when == PPTP_CTRL_NO_DEADLINE || when >= pptp.timer_when)
		return;
	evtimer_del(&pptp.timer);
	pptp.timer_when = when;
	now = session_now();
	when = when > now ? when - now : 0;
	tv.tv_sec = when / 1000;
	tv.tv_usec = (when % 1000) * 1000;
	evtimer_add(&pptp.timer, &tv);
}

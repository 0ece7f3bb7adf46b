/*
 * session.c: main loop of a session child.  The child is exec'd by the
 * parent, demotes itself before it reads anything, and then receives its
 * connection over the channel.  It owns exactly one session: if it dies,
 * only that session ends.
 *
 * Here live the channels to the parent and to auth, the PPP engine with
 * its authenticator, IPCP and CCP, and the tun device; the transport
 * (pptp.c, pppoe.c) brings PPP frames in and takes them out.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"
#include "session.h"
#include "util.h"
#include "ppp.h"
#include "auth_ppp.h"
#include "ipcp.h"
#include "ccp.h"
#include "chap.h"
#include "pppoe.h"
#include "mss.h"

/* How often the parent hears the counters, and idle time is checked. */
#define SESSION_REPORT_INTERVAL	5
/* Largest IP packet read from tun; the MTU is below it. */
#define SESSION_PKT_MAX		PPP_MTU_MAX

struct sess {
	struct sess_init	 init;
	int			 have_init;
	char			 peer[64];
	char			 user[PPP_NAME_MAX];
	/* "session N peer [user]": log.c keeps the pointer */
	char			 title[96 + PPP_NAME_MAX];
	int			 phase;		/* enum sess_phase */
	struct imsgev		 parent_iev;
	struct imsgev		 auth_iev;
	int			 have_auth;

	struct transport	 tr;
	struct ppp		*ppp;
	struct event		 ppp_timer;
	struct auth_ppp		*authp;
	struct ipcp		*ipcp;
	struct ccp		*ccp;
	int			 ip_up;
	struct ipcp_addrs	 addrs;		/* from the parent */
	int			 have_addrs;

	int			 tun;
	struct event		 tun_ev;
	uint16_t		 mss;		/* clamp SYNs to it; 0: no */
	struct event		 report;
	time_t			 last_data;	/* for idle-timeout */
	time_t			 up_since;	/* for session-timeout */
	uint64_t		 ibytes, ipackets;	/* from the peer */
	uint64_t		 obytes, opackets;	/* to the peer */
};

/* This child's one session; the child exists for it alone. */
static struct sess	 sess;

static void	 session_dispatch_parent(int, short, void *);
static void	 session_dispatch_auth(int, short, void *);
static void	 session_init(struct imsg *);
static void	 session_authchan(struct imsg *);
static void	 session_net(struct imsg *);
static void	 session_report(void);
static void	 session_report_timer(int, short, void *);
static void	 session_set_phase(int);
/* PPP link callbacks */
static int	 link_output(void *, const uint8_t *, size_t);
static uint64_t	 link_now(void *);
static void	 link_set_timer(void *, int64_t);
static void	 link_finished(void *, const char *);
static void	 link_phase(void *, enum ppp_phase);
static void	 link_timer(int, short, void *);
/* authenticator, IPCP, CCP callbacks */
static void	 sauth_challenge_req(void *, int);
static void	 sauth_request(void *, const struct auth_request *);
static void	 sauth_done(void *, int, const char *,
		    const struct auth_result *);
static void	 sipcp_need_addrs(void *);
static void	 sipcp_up(void *);
static void	 sipcp_down(void *);
static void	 sccp_up(void *);
static void	 sccp_down(void *);
static void	 sccp_deliver(void *, uint16_t, const uint8_t *, size_t);
/* IP data path */
static void	 ip_input(void *, struct wire_reader *);
static void	 ip_to_tun(const uint8_t *, size_t);
static void	 tun_read(int, short, void *);
static int	 ip_is_syn(const uint8_t *, size_t);
static void	 ip_to_tun_clamped(const uint8_t *, size_t);

void
session_main(const char *user, const char *chroot_dir)
{
	log_procinit("session");
	/* MPPE's RC4 and SHA-1 come from OpenSSL: load it while we can. */
	if (crypto_init() == -1)
		fatalx("cannot load OpenSSL's legacy provider (RC4 for MPPE)");
	event_init();
	/* "session N" once the parent gives it a connection. */
	sandbox_demote(SANDBOX_SESSION, user, chroot_dir, "idle");

	memset(&sess, 0, sizeof(sess));
	sess.tun = -1;
	imsgev_init(&sess.parent_iev, PPPOXD_IMSG_FD, session_dispatch_parent,
	    NULL);
	imsgev_add(&sess.parent_iev);
	event_dispatch();
	session_exit(1, "event loop ended");
}

uint64_t
session_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

const struct sess_init *
session_init_msg(void)
{
	return (&sess.init);
}

void
session_send_parent(uint32_t type, const void *data, size_t len)
{
	imsgev_compose(&sess.parent_iev, type, sess.init.id, -1, data, len);
}

static void
session_dispatch_parent(int fd, short event, void *arg)
{
	struct imsgev		*iev = &sess.parent_iev;
	struct imsg		 imsg;
	struct sess_terminate	 t;
	int			 r, gre;

	(void)fd;
	(void)arg;
	if (imsgev_io(iev, event) == -1)
		session_exit(0, "parent closed the channel");
	while ((r = imsgev_get(iev, &imsg)) > 0) {
		switch (imsg.hdr.type) {
		case IMSG_SESS_INIT:
			session_init(&imsg);
			break;
		case IMSG_SESS_AUTHCHAN:
			session_authchan(&imsg);
			break;
		case IMSG_SESS_GRE:
			if (sess.init.proto != SESS_PROTO_PPTP ||
			    (gre = imsg_get_fd(&imsg)) == -1)
				fatalx("bad %s", imsg_type_name(imsg.hdr.type));
			pptp_gre_ready(gre);
			break;
		case IMSG_SESS_NET:
			session_net(&imsg);
			break;
		case IMSG_SESS_TERMINATE:
			if (imsg_get_data(&imsg, &t, sizeof(t)) == -1 ||
			    memchr(t.reason, '\0', sizeof(t.reason)) == NULL)
				fatalx("bad %s", imsg_type_name(imsg.hdr.type));
			imsg_free(&imsg);
			if (t.peer_gone)
				session_exit(0, t.reason);
			session_link_down(t.reason);
			return;
		default:
			fatalx("unexpected message %s from parent",
			    imsg_type_name(imsg.hdr.type));
		}
		imsg_free(&imsg);
	}
	if (r == -1)
		fatalx("protocol error on the parent channel");
	imsgev_add(iev);
}

static void
session_init(struct imsg *imsg)
{
	struct timeval	 tv = { SESSION_REPORT_INTERVAL, 0 };
	int		 conn;

	if (sess.have_init)
		fatalx("second %s", imsg_type_name(imsg->hdr.type));
	if (imsg_get_data(imsg, &sess.init, sizeof(sess.init)) == -1 ||
	    (conn = imsg_get_fd(imsg)) == -1 ||
	    memchr(sess.init.hostname, '\0', sizeof(sess.init.hostname)) ==
	    NULL)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	if (sess.init.proto != SESS_PROTO_PPTP &&
	    (sess.init.proto != SESS_PROTO_PPPOE ||
	    memchr(sess.init.pppoe.ifname, '\0',
	    sizeof(sess.init.pppoe.ifname)) == NULL))
		fatalx("bad %s: protocol %d", imsg_type_name(imsg->hdr.type),
		    sess.init.proto);
	sess.have_init = 1;
	if (sess.init.proto == SESS_PROTO_PPTP)
		sockaddr_str(&sess.init.peer, sess.peer, sizeof(sess.peer));
	else
		pppoe_mac_str(sess.init.pppoe.peer_mac, sess.peer,
		    sizeof(sess.peer));
	snprintf(sess.title, sizeof(sess.title), "session %u %s", sess.init.id,
	    sess.peer);
	log_procinit(sess.title);
	/* Only the first setproctitle() makes system calls. */
	setproctitle("session %u", sess.init.id);
	sess.phase = SESS_PHASE_START;
	sess.last_data = time(NULL);

	evtimer_set(&sess.report, session_report_timer, NULL);
	evtimer_add(&sess.report, &tv);
	log_debug("started");
	session_report();
	if (sess.init.proto == SESS_PROTO_PPTP)
		pptp_start(&sess.init, conn);
	else
		pppoe_start(&sess.init, conn);
}

static void
session_authchan(struct imsg *imsg)
{
	int	 fd;

	if (sess.have_auth || (fd = imsg_get_fd(imsg)) == -1)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	imsgev_init(&sess.auth_iev, fd, session_dispatch_auth, NULL);
	imsgev_add(&sess.auth_iev);
	sess.have_auth = 1;
}

static void
session_dispatch_auth(int fd, short event, void *arg)
{
	struct imsgev		*iev = &sess.auth_iev;
	struct imsg		 imsg;
	struct auth_challenge	 ch;
	struct auth_result	 res;
	int			 r;

	(void)fd;
	(void)arg;
	if (imsgev_io(iev, event) == -1) {
		imsgev_clear(iev);
		if (sess.phase <= SESS_PHASE_AUTH)
			session_link_down("the auth process went away");
		return;
	}
	while ((r = imsgev_get(iev, &imsg)) > 0) {
		switch (imsg.hdr.type) {
		case IMSG_AUTH_CHALLENGE:
			if (imsg_get_data(&imsg, &ch, sizeof(ch)) == -1 ||
			    ch.len == 0 || ch.len > sizeof(ch.challenge) ||
			    sess.authp == NULL)
				fatalx("bad %s", imsg_type_name(imsg.hdr.type));
			auth_ppp_challenge(sess.authp, &ch);
			break;
		case IMSG_AUTH_RESULT:
			if (imsg_get_data(&imsg, &res, sizeof(res)) == -1 ||
			    memchr(res.message, '\0', sizeof(res.message)) ==
			    NULL || sess.authp == NULL)
				fatalx("bad %s", imsg_type_name(imsg.hdr.type));
			auth_ppp_result(sess.authp, &res);
			explicit_bzero(&res, sizeof(res));
			break;
		default:
			fatalx("unexpected message %s from auth",
			    imsg_type_name(imsg.hdr.type));
		}
		imsg_free(&imsg);
	}
	if (r == -1)
		fatalx("protocol error on the auth channel");
	imsgev_add(iev);
}

/*
 * The transport has a working link (a PPTP call with its GRE socket):
 * start PPP on it.
 */
void
session_link_up(const struct transport *tr)
{
	const struct sess_ppp	*sp = &sess.init.ppp;
	struct ppp_params	 params;
	struct ppp_link		 link;
	struct ppp_proto	 ip;
	struct auth_ppp_cb	 acb;
	struct ipcp_cb		 icb;
	struct ccp_cb		 ccb;
	struct ccp_policy	 policy;
	int			 i;

	sess.tr = *tr;
	ppp_params_default(&params);
	params.mru = sp->mru;
	for (i = 0; i < sp->nauth && i < PPP_AUTH_MAX; i++)
		params.auth[i] = PPP_AUTH_PAP + sp->auth[i];
	params.nauth = i;
	params.echo_interval = sp->echo_interval;
	params.echo_failures = sp->echo_failures;

	memset(&link, 0, sizeof(link));
	link.name = tr->name;
	link.mtu = tr->mtu != 0 ? tr->mtu : 1500 - tr->overhead;
	link.flags = tr->flags;
	link.output = link_output;
	link.now = link_now;
	link.set_timer = link_set_timer;
	link.finished = link_finished;
	link.phase = link_phase;
	evtimer_set(&sess.ppp_timer, link_timer, NULL);
	if ((sess.ppp = ppp_new(sess.init.id, &params, &link)) == NULL)
		fatal("ppp_new");

	memset(&acb, 0, sizeof(acb));
	acb.challenge_req = sauth_challenge_req;
	acb.request = sauth_request;
	acb.done = sauth_done;
	if ((sess.authp = auth_ppp_new(sess.ppp, &acb, sess.init.hostname,
	    sp->max_auth_failures)) == NULL)
		fatal("auth_ppp_new");

	memset(&icb, 0, sizeof(icb));
	icb.need_addrs = sipcp_need_addrs;
	icb.up = sipcp_up;
	icb.down = sipcp_down;
	if ((sess.ipcp = ipcp_new(sess.ppp, &icb)) == NULL)
		fatal("ipcp_new");

	memset(&policy, 0, sizeof(policy));
	policy.mppe = sp->mppe;
	policy.bits = sp->mppe_bits;
	policy.stateful = sp->mppe_stateful;
	memset(&ccb, 0, sizeof(ccb));
	ccb.up = sccp_up;
	ccb.down = sccp_down;
	ccb.deliver = sccp_deliver;
	if ((sess.ccp = ccp_new(sess.ppp, &policy, &ccb)) == NULL)
		fatal("ccp_new");

	memset(&ip, 0, sizeof(ip));
	ip.proto = PPP_IP;
	ip.name = "IP";
	ip.phase = PPP_PHASE_NETWORK;
	ip.input = ip_input;
	if (ppp_register(sess.ppp, &ip) == -1)
		fatalx("cannot register the IP protocol");

	session_set_phase(SESS_PHASE_ESTABLISH);
	ppp_start(sess.ppp);
}

void
session_link_input(const uint8_t *frame, size_t len)
{
	if (sess.ppp != NULL)
		ppp_input(sess.ppp, frame, len);
}

/*
 * End the session: PPP says goodbye if it is up (Terminate-Request, and
 * link_finished comes back here once it is done), else the transport.
 */
void
session_link_down(const char *reason)
{
	if (sess.ppp != NULL && !sess.ppp->finished &&
	    sess.ppp->phase != PPP_PHASE_DEAD) {
		ppp_close(sess.ppp, reason);
		return;
	}
	session_exit(0, reason);
}

static int
link_output(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	sess.obytes += len;
	sess.opackets++;
	return (sess.tr.output(sess.tr.arg, frame, len));
}

static uint64_t
link_now(void *arg)
{
	(void)arg;
	return (session_now());
}

static void
link_set_timer(void *arg, int64_t ms)
{
	struct timeval	 tv;

	(void)arg;
	evtimer_del(&sess.ppp_timer);
	if (ms < 0)
		return;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&sess.ppp_timer, &tv);
}

static void
link_timer(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	ppp_timeout(sess.ppp);
}

static void
link_finished(void *arg, const char *reason)
{
	(void)arg;
	session_exit(0, reason);
}

static void
link_phase(void *arg, enum ppp_phase phase)
{
	(void)arg;
	switch (phase) {
	case PPP_PHASE_ESTABLISH:
		session_set_phase(SESS_PHASE_ESTABLISH);
		break;
	case PPP_PHASE_AUTHENTICATE:
		session_set_phase(SESS_PHASE_AUTH);
		break;
	case PPP_PHASE_NETWORK:
		session_set_phase(SESS_PHASE_NETWORK);
		break;
	case PPP_PHASE_TERMINATE:
	case PPP_PHASE_DEAD:
		session_set_phase(SESS_PHASE_CLOSING);
		break;
	}
}

static void
sauth_challenge_req(void *arg, int method)
{
	struct auth_chreq	 req;

	(void)arg;
	memset(&req, 0, sizeof(req));
	req.method = method;
	if (!sess.have_auth) {
		session_link_down("no channel to the auth process");
		return;
	}
	imsgev_compose(&sess.auth_iev, IMSG_AUTH_CHALLENGE_REQ, sess.init.id,
	    -1, &req, sizeof(req));
}

static void
sauth_request(void *arg, const struct auth_request *req)
{
	(void)arg;
	if (!sess.have_auth) {
		session_link_down("no channel to the auth process");
		return;
	}
	imsgev_compose(&sess.auth_iev, IMSG_AUTH_REQUEST, sess.init.id, -1,
	    req, sizeof(*req));
}

static void
sauth_done(void *arg, int ok, const char *user, const struct auth_result *res)
{
	(void)arg;
	if (!ok)
		return;		/* the engine closes the link */
	strlcpy(sess.user, user, sizeof(sess.user));
	snprintf(sess.title, sizeof(sess.title), "session %u %s %s",
	    sess.init.id, sess.peer, sess.user);
	log_procinit(sess.title);
	if (res->have_keys)
		ccp_set_keys(sess.ccp, res->send_key, res->recv_key);
	session_report();
}

static void
sipcp_need_addrs(void *arg)
{
	struct sess_net_req	 req;
	size_t			 mru;

	(void)arg;
	memset(&req, 0, sizeof(req));
	/* The interface MTU: what fits the frames both sides take, less MPPE. */
	mru = ppp_peer_mru(sess.ppp);
	req.mru = (mru < (size_t)sess.init.ppp.mru ? (int)mru :
	    sess.init.ppp.mru) - ccp_overhead(sess.ccp);
	session_send_parent(IMSG_SESS_NET_REQ, &req, sizeof(req));
}

static void
session_net(struct imsg *imsg)
{
	struct sess_net		 net;

	if (sess.tun != -1 || sess.ipcp == NULL ||
	    imsg_get_data(imsg, &net, sizeof(net)) == -1 ||
	    (sess.tun = imsg_get_fd(imsg)) == -1)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	event_set(&sess.tun_ev, sess.tun, EV_READ | EV_PERSIST, tun_read,
	    NULL);
	event_add(&sess.tun_ev, NULL);
	memset(&sess.addrs, 0, sizeof(sess.addrs));
	sess.addrs.local = net.local;
	sess.addrs.peer = net.peer;
	memcpy(sess.addrs.dns, net.dns, sizeof(sess.addrs.dns));
	memcpy(sess.addrs.nbns, net.nbns, sizeof(sess.addrs.nbns));
	sess.have_addrs = 1;
	if (sess.init.ppp.mss_clamp == -1 && net.mtu > 40)
		sess.mss = net.mtu - 40;	/* IPv4 and TCP headers */
	else if (sess.init.ppp.mss_clamp > 0)
		sess.mss = sess.init.ppp.mss_clamp;
	/*
	 * With MPPE required, pppd clients hold IPCP until CCP is up and
	 * answer an early IPCP request with Terminate-Ack, which costs a
	 * restart timer: so IPCP opens only once MPPE is up.
	 */
	if (sess.init.ppp.mppe != CCP_MPPE_REQUIRED || ccp_encrypt_ok(sess.ccp))
		ipcp_set_addrs(sess.ipcp, &sess.addrs);
}

static void
sipcp_up(void *arg)
{
	(void)arg;
	sess.ip_up = 1;
	sess.up_since = time(NULL);
	session_set_phase(SESS_PHASE_RUNNING);
	log_info("up: user %s", sess.user);
}

static void
sipcp_down(void *arg)
{
	(void)arg;
	sess.ip_up = 0;
}

static void
sccp_up(void *arg)
{
	(void)arg;
	log_debug("MPPE up");
	if (sess.init.ppp.mppe == CCP_MPPE_REQUIRED && sess.have_addrs)
		ipcp_set_addrs(sess.ipcp, &sess.addrs);
}

static void
sccp_down(void *arg)
{
	(void)arg;
	log_debug("MPPE down");
}

static void
sccp_deliver(void *arg, uint16_t proto, const uint8_t *data, size_t len)
{
	(void)arg;
	if (proto == PPP_IP)
		ip_to_tun(data, len);
	else
		log_debug("dropping encrypted protocol 0x%04x", proto);
}

/* A plain IP frame from the peer. */
static void
ip_input(void *arg, struct wire_reader *r)
{
	(void)arg;
	/* With MPPE up or required, cleartext IP from the peer is not taken. */
	if (!ccp_plain_ok(sess.ccp, PPP_IP)) {
		sess.ipackets++;
		return;
	}
	ip_to_tun(r->p, r->len);
}

static void
ip_to_tun(const uint8_t *pkt, size_t len)
{
	struct timeval	 tv;

	sess.ibytes += len;
	sess.ipackets++;
	if (!sess.ip_up || sess.tun == -1 || len < 20 || (pkt[0] >> 4) != 4)
		return;
	/*
	 * The idle timeout needs seconds, and libevent's time of this
	 * loop pass costs no system call (time(2) is one under UML).
	 */
	if (event_base_gettimeofday_cached(NULL, &tv) == 0)
		sess.last_data = tv.tv_sec;
	if (sess.mss != 0 && ip_is_syn(pkt, len))
		ip_to_tun_clamped(pkt, len);
	else if (write(sess.tun, pkt, len) == -1 && errno != EAGAIN)
		log_warn("tun write");
}

/* A TCP SYN with room for options: what mss_clamp() may change. */
static int
ip_is_syn(const uint8_t *pkt, size_t len)
{
	size_t	 ihl = (size_t)(pkt[0] & 0x0f) * 4;

	return (pkt[9] == 6 && len >= ihl + 24 && (pkt[ihl + 13] & 0x02));
}

/* The peer's packet is read-only where it lies: clamp a copy. */
static void
ip_to_tun_clamped(const uint8_t *pkt, size_t len)
{
	uint8_t	 copy[SESSION_PKT_MAX];

	if (len > sizeof(copy))
		return;
	memcpy(copy, pkt, len);
	mss_clamp(copy, len, sess.mss);
	if (write(sess.tun, copy, len) == -1 && errno != EAGAIN)
		log_warn("tun write");
}

static void
tun_read(int fd, short event, void *arg)
{
	uint8_t		 pkt[SESSION_PKT_MAX];
	struct timeval	 tv;
	ssize_t		 n;
	int		 i;

	(void)event;
	(void)arg;
	/* A few packets per wakeup keeps one busy session from starving. */
	for (i = 0; i < 32; i++) {
		if ((n = read(fd, pkt, sizeof(pkt))) == -1) {
			if (errno != EAGAIN && errno != EINTR)
				session_link_down("tun read error");
			return;
		}
		if (n == 0 || !sess.ip_up || (pkt[0] >> 4) != 4)
			continue;
		/* Seconds for the idle timeout, as in ip_to_tun(). */
		if (event_base_gettimeofday_cached(NULL, &tv) == 0)
			sess.last_data = tv.tv_sec;
		if (sess.mss != 0)
			mss_clamp(pkt, n, sess.mss);
		/* Encrypts when MPPE is up; drops when it is required and not. */
		ccp_output(sess.ccp, PPP_IP, pkt, n);
	}
}

static void
session_set_phase(int phase)
{
	if (sess.phase == phase)
		return;
	sess.phase = phase;
	session_report();
}

static void
session_report(void)
{
	struct sess_state	 st;

	memset(&st, 0, sizeof(st));
	st.phase = sess.phase;
	st.ibytes = sess.ibytes;
	st.obytes = sess.obytes;
	st.ipackets = sess.ipackets;
	st.opackets = sess.opackets;
	session_send_parent(IMSG_SESS_STATE, &st, sizeof(st));
}

static void
session_report_timer(int fd, short event, void *arg)
{
	struct timeval	 tv = { SESSION_REPORT_INTERVAL, 0 };
	time_t		 now = time(NULL);
	int		 idle = sess.init.ppp.idle_timeout;
	int		 limit = sess.init.ppp.session_timeout;

	(void)fd;
	(void)event;
	(void)arg;
	session_report();
	if (sess.ip_up && idle > 0 && now - sess.last_data >= idle) {
		session_link_down("idle timeout");
		return;
	}
	if (sess.ip_up && limit > 0 && now - sess.up_since >= limit) {
		session_link_down("session timeout");
		return;
	}
	evtimer_add(&sess.report, &tv);
}

void
session_exit(int status, const char *reason)
{
	static int	 exiting;

	if (exiting)
		exit(status);
	exiting = 1;
	log_info("ending: %s", reason);
	if (sess.tr.close != NULL)
		sess.tr.close(sess.tr.arg, reason);
	session_report();
	/* Tell the parent what we know before we go, if it still listens. */
	imsgbuf_flush(&sess.parent_iev.ibuf);
	exit(status);
}

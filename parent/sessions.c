/*
 * sessions.c: the parent's table of session children, keyed by session
 * id.  Each entry is one exec'd, sandboxed child and its channel.  What a
 * child may ask for depends on its phase; everything it says is checked
 * here, and a child that breaks the rules loses its session, nothing else.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"
#include "util.h"
#include "listen.h"

/* How long a child may take to leave after it was told to. */
#define SESSION_KILL_TIMEOUT	5
/* Before another idle child, after one died without a connection. */
#define SESSION_IDLE_RETRY	10

static int	 session_cmp(struct session *, struct session *);
static struct session *session_new(const struct listener *, int,
		    const char *);
static int	 session_exec(struct session *, const struct listener *, int,
		    struct sess_init *);
static uint32_t	 session_new_id(void);
static uint16_t	 session_new_call_id(void);
static void	 parent_dispatch_session(int, short, void *);
static void	 session_state(struct session *, struct imsg *);
static int	 session_gre_req(struct session *, struct imsg *);
static int	 session_net_req(struct session *, struct imsg *);
static int	 session_net_give(struct session *, const struct sess_net_req *);
static void	 session_ppp_conf(const struct ppp_conf *, struct sess_ppp *);
static void	 session_channel_close(struct session *);
static void	 session_killtimer(int, short, void *);
static int	 session_terminate(struct session *, const char *, int);
static void	 session_free(struct session *);
static pid_t	 session_child(int *);
static int	 session_launch(struct session *, int, struct sess_init *);
static void	 session_started(struct session *);
static void	 sessions_startq_run(void);
static void	 session_idle_start(int, short, void *);
static void	 session_idle_later(int);

RB_PROTOTYPE(session_tree, session, entry, session_cmp);
RB_GENERATE(session_tree, session, entry, session_cmp)

static int
session_cmp(struct session *a, struct session *b)
{
	return (a->id < b->id ? -1 : a->id > b->id);
}

void
sessions_init(void)
{
	RB_INIT(&parent->sessions);
	parent->next_id = 1;
	parent->next_call_id = 1;
	parent->idle_pid = -1;
	parent->idle_chan = -1;
	evtimer_set(&parent->idle_ev, session_idle_start, NULL);
	TAILQ_INIT(&parent->startq);
	if ((parent->starting_max = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		parent->starting_max = 1;
	session_idle_later(0);
}

/*
 * A child for a new session: the idle one if there is one (and another
 * is started once this event has been handled), else a new one.
 */
static pid_t
session_child(int *chan)
{
	struct config	*conf = parent->conf;
	pid_t		 pid;

	/* The idle child's start counts on, until it reports. */
	if (parent->idle_pid > 0) {
		pid = parent->idle_pid;
		*chan = parent->idle_chan;
		parent->idle_pid = -1;
		parent->idle_chan = -1;
		return (pid);
	}
	if ((pid = proc_exec("session", conf->user, conf->chroot,
	    parent->debug, log_getverbose(), chan)) != -1)
		parent->nstarting++;
	return (pid);
}

static void
session_idle_later(int secs)
{
	struct timeval	 tv = { secs, 0 };

	evtimer_add(&parent->idle_ev, &tv);
}

static void
session_idle_start(int fd, short event, void *arg)
{
	struct config	*conf = parent->conf;

	(void)fd;
	(void)event;
	(void)arg;
	/* A burst's children go first; sessions_startq_run() calls again. */
	if (parent->idle_pid > 0 || parent->stopping ||
	    parent->nstarting >= parent->starting_max ||
	    !TAILQ_EMPTY(&parent->startq))
		return;
	parent->idle_pid = proc_exec("session", conf->user, conf->chroot,
	    parent->debug, log_getverbose(), &parent->idle_chan);
	if (parent->idle_pid == -1)
		session_idle_later(SESSION_IDLE_RETRY);
	else
		parent->nstarting++;
}

/*
 * The idle child was started with what the configuration said then
 * (user, chroot, verbosity): after a reload, and at shutdown, it goes
 * (closing its channel ends it) and, unless shutting down, another one
 * takes its place.
 */
void
sessions_idle_reset(void)
{
	if (parent->idle_pid > 0) {
		close(parent->idle_chan);
		parent->idle_pid = -1;
		parent->idle_chan = -1;
		parent->nstarting--;
	}
	if (!parent->stopping)
		session_idle_later(0);
	else
		evtimer_del(&parent->idle_ev);
}

/* Ids are not reused while in use; 0 means "all" to pppoxctl. */
static uint32_t
session_new_id(void)
{
	uint32_t	 id;

	for (;;) {
		id = parent->next_id++;
		if (parent->next_id == 0)
			parent->next_id = 1;
		if (id != 0 && sessions_find(id) == NULL)
			return (id);
	}
}

/*
 * PPTP call ids and PPPoE session ids, unique among running sessions:
 * PPTP peers behind one NAT address must get different ones
 * (known_pitfalls D2), and the GRE socket's filter matches on it; RFC 2516
 * reserves 0 and 0xffff.  max-sessions is below 65535.
 */
static uint16_t
session_new_call_id(void)
{
	struct session	*s;
	uint16_t	 id;

	for (;;) {
		id = parent->next_call_id++;
		if (id == 0 || id == 0xffff)
			continue;
		RB_FOREACH(s, session_tree, &parent->sessions)
			if (s->call_id == id)
				break;
		if (s == NULL)
			return (id);
	}
}

struct session *
sessions_find(uint32_t id)
{
	struct session	 key;

	key.id = id;
	return (RB_FIND(session_tree, &parent->sessions, &key));
}

/*
 * A new entry for a connection from peername, or NULL (logged) when the
 * daemon is full.  session_exec() starts its child.
 */
static struct session *
session_new(const struct listener *l, int proto, const char *peername)
{
	struct config	*conf = parent->conf;
	struct session	*s;

	if (parent->nsessions >= (uint32_t)conf->max_sessions) {
		log_warnx("%s: refused, max-sessions %d reached", peername,
		    conf->max_sessions);
		return (NULL);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("%s: session", peername);
		return (NULL);
	}
	s->id = session_new_id();
	s->proto = proto;
	s->phase = SESS_PHASE_START;
	s->started = time(NULL);
	strlcpy(s->peer, peername, sizeof(s->peer));
	strlcpy(s->pool, l->conf.pool, sizeof(s->pool));
	s->call_id = session_new_call_id();
	return (s);
}

/*
 * Start the child of s with its connection fd (always consumed) and the
 * protocol's part of init filled in.  On failure s is freed.
 */
static int
session_exec(struct session *s, const struct listener *l, int fd,
    struct sess_init *init)
{
	struct config	*conf = parent->conf;
	struct ppp_conf	*pc;

	if ((pc = config_ppp(conf, l->conf.ppp)) == NULL)
		fatalx("listener refers to unknown ppp profile %s",
		    l->conf.ppp);
	init->id = s->id;
	init->proto = s->proto;
	init->ctrl_timeout = conf->ctrl_timeout;
	strlcpy(init->hostname, conf->name, sizeof(init->hostname));
	session_ppp_conf(pc, &init->ppp);
	evtimer_set(&s->killtimer, session_killtimer, s);
	s->pid = -1;
	s->qfd = -1;
	RB_INSERT(session_tree, &parent->sessions, s);
	parent->nsessions++;

	if (parent->idle_pid > 0 || parent->nstarting < parent->starting_max)
		return (session_launch(s, fd, init));
	if ((s->qinit = malloc(sizeof(*s->qinit))) == NULL) {
		log_warn("session %u", s->id);
		close(fd);
		session_free(s);
		return (-1);
	}
	*s->qinit = *init;
	s->qfd = fd;
	TAILQ_INSERT_TAIL(&parent->startq, s, qentry);
	log_info("session %u: %s connection from %s, waiting for a child "
	    "(%d starting)", s->id, s->proto == SESS_PROTO_PPTP ? "pptp" :
	    "pppoe", s->peer, parent->nstarting);
	return (0);
}

/* Give s a child with its connection fd (consumed); -1: s is gone. */
static int
session_launch(struct session *s, int fd, struct sess_init *init)
{
	int	 chan, authfd;

	if ((s->pid = session_child(&chan)) == -1) {
		close(fd);
		session_free(s);
		return (-1);
	}
	s->starting = 1;
	imsgev_init(&s->iev, chan, parent_dispatch_session, s);
	/*
	 * The auth channel first: a PPPoE peer may reach authentication
	 * within the child's first read of its socket.
	 */
	if ((authfd = auth_proc_new_session(s)) != -1)
		imsgev_compose(&s->iev, IMSG_SESS_AUTHCHAN, s->id, authfd,
		    NULL, 0);
	imsgev_compose(&s->iev, IMSG_SESS_INIT, s->id, fd, init,
	    sizeof(*init));
	log_info("session %u: %s connection from %s, child %d", s->id,
	    s->proto == SESS_PROTO_PPTP ? "pptp" : "pppoe", s->peer,
	    (int)s->pid);
	return (0);
}

/* A child reported, or went before it did: the next may start. */
static void
session_started(struct session *s)
{
	if (!s->starting)
		return;
	s->starting = 0;
	parent->nstarting--;
	sessions_startq_run();
}

static void
sessions_startq_run(void)
{
	struct session		*s;
	struct sess_init	*init;
	int			 fd;

	while ((s = TAILQ_FIRST(&parent->startq)) != NULL &&
	    (parent->idle_pid > 0 ||
	    parent->nstarting < parent->starting_max)) {
		TAILQ_REMOVE(&parent->startq, s, qentry);
		init = s->qinit;
		fd = s->qfd;
		s->qinit = NULL;
		s->qfd = -1;
		session_launch(s, fd, init);
		free(init);
	}
	if (TAILQ_EMPTY(&parent->startq) && parent->idle_pid <= 0)
		session_idle_later(0);
}

/*
 * Start a session child for a new PPTP connection fd (always consumed).
 */
int
sessions_spawn(const struct listener *l, int fd,
    const struct sockaddr_storage *peer, const struct sockaddr_storage *local)
{
	struct session	*s;
	struct sess_init init;
	char		 peername[64];

	sockaddr_str(peer, peername, sizeof(peername));
	if ((s = session_new(l, SESS_PROTO_PPTP, peername)) == NULL) {
		close(fd);
		return (-1);
	}
	s->peer_ss = *peer;
	s->local_ss = *local;
	memset(&init, 0, sizeof(init));
	init.peer = *peer;
	init.local = *local;
	init.call_id = s->call_id;
	return (session_exec(s, l, fd, &init));
}

/*
 * A PPPoE session for a PADR the discovery process accepted: limits,
 * the session's own filtered socket, the child.  ans says what the peer
 * is told (PADS with the session id, or with an error tag).
 */
int
sessions_spawn_pppoe(const struct listener *l,
    const struct disc_session_req *req, struct disc_session *ans)
{
	struct session	*s, *o;
	struct sess_init init;
	char		 peername[64];
	int		 fd, n = 0;

	snprintf(peername, sizeof(peername), "%02x:%02x:%02x:%02x:%02x:%02x"
	    "%%%s", req->peer_mac[0], req->peer_mac[1], req->peer_mac[2],
	    req->peer_mac[3], req->peer_mac[4], req->peer_mac[5],
	    l->conf.ifname);
	ans->refusal = DISC_REFUSE_SYSTEM;
	if (l->conf.max_per_mac > 0) {
		RB_FOREACH(o, session_tree, &parent->sessions)
			if (o->proto == SESS_PROTO_PPPOE &&
			    o->ifindex == l->ifindex &&
			    memcmp(o->peer_mac, req->peer_mac, 6) == 0)
				n++;
		if (n >= l->conf.max_per_mac) {
			log_warnx("%s: refused, max-sessions-per-mac %d "
			    "reached", peername, l->conf.max_per_mac);
			strlcpy(ans->reason, "too many sessions for this MAC",
			    sizeof(ans->reason));
			return (-1);
		}
	}
	if ((s = session_new(l, SESS_PROTO_PPPOE, peername)) == NULL) {
		strlcpy(ans->reason, "no more sessions",
		    sizeof(ans->reason));
		return (-1);
	}
	s->ifindex = l->ifindex;
	memcpy(s->peer_mac, req->peer_mac, sizeof(s->peer_mac));
	if ((fd = pppoe_open_session(l->conf.ifname, s->call_id,
	    req->peer_mac, l->mac)) == -1) {
		free(s);
		strlcpy(ans->reason, "cannot open the session",
		    sizeof(ans->reason));
		return (-1);
	}
	memset(&init, 0, sizeof(init));
	strlcpy(init.pppoe.ifname, l->conf.ifname,
	    sizeof(init.pppoe.ifname));
	memcpy(init.pppoe.peer_mac, req->peer_mac, 6);
	memcpy(init.pppoe.local_mac, l->mac, 6);
	init.pppoe.session_id = s->call_id;
	init.pppoe.max_payload = req->max_payload;
	if (session_exec(s, l, fd, &init) == -1) {
		strlcpy(ans->reason, "cannot start the session",
		    sizeof(ans->reason));
		return (-1);
	}
	ans->refusal = DISC_OK;
	ans->session_id = s->call_id;
	ans->id = s->id;
	return (0);
}

/* The peer sent PADT: end its session, if it is the peer's. */
void
sessions_padt(const struct disc_padt *p)
{
	struct session	*s;

	RB_FOREACH(s, session_tree, &parent->sessions)
		if (s->proto == SESS_PROTO_PPPOE && s->call_id ==
		    p->session_id && s->ifindex == p->ifindex &&
		    memcmp(s->peer_mac, p->peer_mac, 6) == 0)
			break;
	if (s == NULL) {
		log_debug("PADT for no session (%u)", p->session_id);
		return;
	}
	s->padt_received = 1;
	session_terminate(s, "the peer sent PADT", 1);
}

static void
parent_dispatch_session(int fd, short event, void *arg)
{
	struct session	*s = arg;
	struct imsg	 imsg;
	int		 r;

	(void)fd;
	if (imsgev_io(&s->iev, event) == -1) {
		session_channel_close(s);
		return;
	}
	while ((r = imsgev_get(&s->iev, &imsg)) > 0) {
		/* A child never passes descriptors up. */
		if (imsg.fd != -1) {
			log_warnx("session %u: unexpected descriptor in %s",
			    s->id, imsg_type_name(imsg.hdr.type));
			imsg_free(&imsg);
			r = -1;
			break;
		}
		switch (imsg.hdr.type) {
		case IMSG_SESS_STATE:
			session_state(s, &imsg);
			break;
		case IMSG_SESS_GRE_REQ:
			r = session_gre_req(s, &imsg);
			break;
		case IMSG_SESS_NET_REQ:
			r = session_net_req(s, &imsg);
			break;
		default:
			log_warnx("session %u: unexpected message %s",
			    s->id, imsg_type_name(imsg.hdr.type));
			r = -1;
			break;
		}
		imsg_free(&imsg);
		if (r == -1)
			break;
	}
	if (r == -1) {
		log_warnx("session %u: protocol error on the channel, "
		    "ending the session", s->id);
		session_channel_close(s);
		return;
	}
	imsgev_add(&s->iev);
}

static void
session_state(struct session *s, struct imsg *imsg)
{
	struct sess_state	 st;

	if (imsg_get_data(imsg, &st, sizeof(st)) == -1 ||
	    st.phase < SESS_PHASE_START || st.phase > SESS_PHASE_CLOSING) {
		log_warnx("session %u: bad %s", s->id,
		    imsg_type_name(imsg->hdr.type));
		return;
	}
	s->phase = st.phase;
	session_started(s);
	s->ibytes = st.ibytes;
	s->obytes = st.obytes;
	s->ipackets = st.ipackets;
	s->opackets = st.opackets;
}

static void
session_ppp_conf(const struct ppp_conf *pc, struct sess_ppp *sp)
{
	static const int methods[] = {
		[CONF_AUTH_PAP] = AUTH_PAP,
		[CONF_AUTH_CHAP] = AUTH_CHAP_MD5,
		[CONF_AUTH_MSCHAP] = AUTH_MSCHAP_V1,
		[CONF_AUTH_MSCHAPV2] = AUTH_MSCHAP_V2,
	};
	int	 i;

	memset(sp, 0, sizeof(*sp));
	for (i = 0; i < pc->nauth && i < 4; i++)
		sp->auth[i] = methods[pc->auth[i]];
	sp->nauth = i;
	/* session/ccp.h's CCP_MPPE_OFF (0), _OPTIONAL (1), _REQUIRED (2) */
	sp->mppe = pc->mppe == CONF_MPPE_REQUIRED ? 2 :
	    pc->mppe == CONF_MPPE_OPTIONAL ? 1 : 0;
	sp->mppe_bits = pc->mppe_bits;
	sp->mppe_stateful = pc->mppe_stateful;
	sp->mru = pc->mru;
	sp->echo_interval = pc->echo_interval;
	sp->echo_failures = pc->echo_failures;
	sp->idle_timeout = pc->idle_timeout;
	sp->session_timeout = pc->session_timeout;
	sp->max_auth_failures = pc->max_auth_failures;
	sp->mss_clamp = pc->mss_clamp;
}

/*
 * A PPTP call: the parent opens the raw GRE socket the child cannot,
 * connected to the peer and filtered to the child's call id.  Once.
 */
static int
session_gre_req(struct session *s, struct imsg *imsg)
{
	struct sess_gre_req	 req;
	int			 fd;

	if (imsg_get_data(imsg, &req, sizeof(req)) == -1 ||
	    s->proto != SESS_PROTO_PPTP || s->gre_given) {
		log_warnx("session %u: GRE request refused (%s)", s->id,
		    s->gre_given ? "already given" : "malformed");
		return (-1);
	}
	s->gre_given = 1;
	if ((fd = gre_open_call(&s->local_ss, &s->peer_ss, s->call_id))
	    == -1)
		return (-1);
	log_debug("session %u: GRE for call %u, peer call %u", s->id,
	    s->call_id, req.peer_call_id);
	imsgev_compose(&s->iev, IMSG_SESS_GRE, s->id, fd, NULL, 0);
	return (0);
}

/* After auth told us who it is: an address and an interface.  Once. */
static int
session_net_req(struct session *s, struct imsg *imsg)
{
	struct sess_net_req	 req;

	if (imsg_get_data(imsg, &req, sizeof(req)) == -1 || s->net_given ||
	    s->net_pending) {
		log_warnx("session %u: network request refused (%s)", s->id,
		    s->net_given || s->net_pending ? "already asked" :
		    "malformed");
		return (-1);
	}
	/*
	 * auth tells the session and us on separate channels, so the
	 * session's request may come first: hold it for the verdict.
	 */
	if (!s->authenticated) {
		s->net_req = req;
		s->net_pending = 1;
		return (0);
	}
	return (session_net_give(s, &req));
}

static int
session_net_give(struct session *s, const struct sess_net_req *req)
{
	struct sess_net		 net;
	int			 fd;

	s->net_given = 1;
	if ((fd = network_setup(s, req, &net)) == -1)
		return (-1);
	imsgev_compose(&s->iev, IMSG_SESS_NET, s->id, fd, &net, sizeof(net));
	return (0);
}

/* auth's word on a login; the only source of a session's user name. */
void
sessions_verdict(const struct auth_verdict *v)
{
	struct session	*s;

	if ((s = sessions_find(v->id)) == NULL)
		return;		/* ended meanwhile */
	if (!v->ok)
		return;		/* auth logged it; the child retries or ends */
	if (s->authenticated) {
		log_warnx("session %u: second successful login ignored",
		    s->id);
		return;
	}
	s->authenticated = 1;
	strlcpy(s->user, v->user, sizeof(s->user));
	s->addr_policy = v->addr;
	s->fixed = v->fixed;
	if (s->net_pending) {
		s->net_pending = 0;
		if (session_net_give(s, &s->net_req) == -1)
			sessions_terminate(s, "cannot set up its network");
	}
}

/*
 * The channel is gone: the child exited, or must.  Closing our end makes
 * a child that is still alive leave (it exits on EOF), since the parent
 * cannot signal a process of another user.
 */
static void
session_channel_close(struct session *s)
{
	if (!s->iev.dead)
		imsgev_clear(&s->iev);
}

int
sessions_terminate(struct session *s, const char *reason)
{
	return (session_terminate(s, reason, 0));
}

static int
session_terminate(struct session *s, const char *reason, int peer_gone)
{
	struct sess_terminate	 t;

	if (s->terminating)
		return (0);
	if (s->pid == -1) {
		/* Still waiting for a child: nobody to tell. */
		log_info("session %u: terminating before it started: %s",
		    s->id, reason);
		session_free(s);
		return (0);
	}
	memset(&t, 0, sizeof(t));
	strlcpy(t.reason, reason, sizeof(t.reason));
	t.peer_gone = peer_gone;
	log_info("session %u: terminating: %s", s->id, reason);
	s->terminating = 1;
	if (imsgev_compose(&s->iev, IMSG_SESS_TERMINATE, s->id, -1, &t,
	    sizeof(t)) == -1)
		session_channel_close(s);
	else {
		struct timeval	 tv = { SESSION_KILL_TIMEOUT, 0 };

		evtimer_add(&s->killtimer, &tv);
	}
	return (0);
}

static void
session_killtimer(int fd, short event, void *arg)
{
	struct session	*s = arg;

	(void)fd;
	(void)event;
	log_warnx("session %u: child %d did not leave in %d s, closing its "
	    "channel", s->id, (int)s->pid, SESSION_KILL_TIMEOUT);
	session_channel_close(s);
}

/* At shutdown: closing every channel makes every child leave. */
void
sessions_terminate_all(void)
{
	struct session	*s;

	RB_FOREACH(s, session_tree, &parent->sessions)
		if (s->pid != -1)
			session_channel_close(s);
	while ((s = TAILQ_FIRST(&parent->startq)) != NULL)
		session_free(s);
}

void
sessions_reap(pid_t pid, int status)
{
	struct session	*s;

	if (pid == parent->idle_pid) {
		log_warnx("idle session child %d died before it was used",
		    (int)pid);
		close(parent->idle_chan);
		parent->idle_pid = -1;
		parent->idle_chan = -1;
		parent->nstarting--;
		sessions_startq_run();
		session_idle_later(SESSION_IDLE_RETRY);
		return;
	}
	RB_FOREACH(s, session_tree, &parent->sessions)
		if (s->pid == pid)
			break;
	if (s == NULL) {
		/* an idle child let go at a reload, or gone meanwhile */
		log_debug("reaped child %d", (int)pid);
		return;
	}
	if (WIFSIGNALED(status))
		log_warnx("session %u: child %d killed by signal %d%s", s->id,
		    (int)pid, WTERMSIG(status), WTERMSIG(status) == SIGSYS ?
		    " (seccomp: forbidden system call)" : "");
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_warnx("session %u: child %d exited with status %d", s->id,
		    (int)pid, WEXITSTATUS(status));
	log_info("session %u: %s ended after %lld s%s%s", s->id, s->peer,
	    (long long)(time(NULL) - s->started), s->user[0] ? ", user " : "",
	    s->user);
	session_free(s);
}

static void
session_free(struct session *s)
{
	int	 was_starting = s->starting;

	if (s->pid == -1 && s->qinit != NULL) {
		TAILQ_REMOVE(&parent->startq, s, qentry);
		close(s->qfd);
		free(s->qinit);
	}
	network_release(s);
	disc_proc_session_end(s);
	RB_REMOVE(session_tree, &parent->sessions, s);
	parent->nsessions--;
	evtimer_del(&s->killtimer);
	if (s->pid != -1)
		session_channel_close(s);
	free(s);
	/* It died starting: the next one may. */
	if (was_starting) {
		parent->nstarting--;
		sessions_startq_run();
	}
}

/* Iteration for control.c without exposing the tree type. */
struct session *
sessions_first(void)
{
	return (RB_MIN(session_tree, &parent->sessions));
}

struct session *
sessions_next(struct session *s)
{
	return (RB_NEXT(session_tree, &parent->sessions, s));
}

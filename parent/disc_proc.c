/*
 * disc_proc.c: the parent's side of the PPPoE discovery process.  The
 * parent opens a discovery packet socket per "listen pppoe" and passes a
 * copy of each to the discovery process, which alone reads them.  What
 * comes back is already checked: a MAC with a valid AC-Cookie asking for
 * a session, a PADT for a session.  The parent decides on limits and
 * starts the session child; the discovery process answers the peer.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"

static int	 disc_proc_start(void);
static void	 disc_proc_send_iface(const struct listener *);
static void	 parent_dispatch_disc(int, short, void *);
static void	 disc_proc_session_req(struct imsg *);
static void	 disc_proc_session_up(const struct session *);

static int
disc_proc_start(void)
{
	struct config	*conf = parent->conf;
	int		 chan;

	parent->disc_pid = proc_exec("discovery", conf->user, conf->chroot,
	    parent->debug, log_getverbose(), &chan);
	if (parent->disc_pid == -1)
		return (-1);
	imsgev_init(&parent->disc_iev, chan, parent_dispatch_disc, NULL);
	imsgev_add(&parent->disc_iev);
	return (0);
}

/*
 * Give the discovery process the current set of PPPoE listeners; it
 * replaces its own set with it.  Started on the first PPPoE listener.
 */
int
disc_proc_apply(void)
{
	struct disc_conf	 dc;
	struct listener		*l;

	if (parent->disc_pid <= 0) {
		if (listeners_pppoe(0) == NULL)
			return (0);
		if (disc_proc_start() == -1)
			return (-1);
	}
	memset(&dc, 0, sizeof(dc));
	dc.max_sessions = parent->conf->max_sessions;
	imsgev_compose(&parent->disc_iev, IMSG_DISC_CONF, 0, -1, &dc,
	    sizeof(dc));
	TAILQ_FOREACH(l, &parent->listeners, entry)
		if (l->conf.proto == CONF_PROTO_PPPOE)
			disc_proc_send_iface(l);
	return (imsgev_compose(&parent->disc_iev, IMSG_DISC_CONF_END, 0, -1,
	    NULL, 0));
}

static void
disc_proc_send_iface(const struct listener *l)
{
	const struct listen_conf	*lc = &l->conf;
	struct disc_iface		 di;
	int				 fd, i;

	/* The listener keeps its socket across reloads: send a copy. */
	if ((fd = fcntl(l->fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("pppoe on %s: dup", lc->ifname);
		return;
	}
	memset(&di, 0, sizeof(di));
	di.ifindex = l->ifindex;
	strlcpy(di.ifname, lc->ifname, sizeof(di.ifname));
	memcpy(di.mac, l->mac, sizeof(di.mac));
	di.mtu = l->mtu;
	strlcpy(di.ac_name, lc->ac_name[0] != '\0' ? lc->ac_name :
	    parent->conf->name, sizeof(di.ac_name));
	for (i = 0; i < lc->nservices && i < DISC_SERVICE_MAX; i++)
		strlcpy(di.services[i], lc->services[i],
		    sizeof(di.services[i]));
	di.nservices = i;
	di.any_service = lc->any_service;
	di.max_per_mac = lc->max_per_mac;
	di.padi_limit = lc->padi_limit;
	di.padi_limit_per_mac = lc->padi_limit_per_mac;
	imsgev_compose(&parent->disc_iev, IMSG_DISC_IFACE, 0, fd, &di,
	    sizeof(di));
}

static void
parent_dispatch_disc(int fd, short event, void *arg)
{
	struct imsgev		*iev = &parent->disc_iev;
	struct imsg		 imsg;
	struct disc_padt	 padt;
	int			 r;

	(void)fd;
	(void)arg;
	if (imsgev_io(iev, event) == -1) {
		imsgev_clear(iev);
		return;
	}
	while ((r = imsgev_get(iev, &imsg)) > 0) {
		switch (imsg.hdr.type) {
		case IMSG_DISC_SESSION_REQ:
			disc_proc_session_req(&imsg);
			break;
		case IMSG_DISC_PADT:
			if (imsg_get_data(&imsg, &padt, sizeof(padt)) == -1)
				fatalx("discovery: bad %s",
				    imsg_type_name(imsg.hdr.type));
			sessions_padt(&padt);
			break;
		case IMSG_DISC_STATS:
			if (imsg_get_data(&imsg, &parent->disc_stats,
			    sizeof(parent->disc_stats)) == -1)
				fatalx("discovery: bad %s",
				    imsg_type_name(imsg.hdr.type));
			break;
		default:
			/* Our own, unprivileged child: it broke the protocol. */
			fatalx("discovery: unexpected message %s",
			    imsg_type_name(imsg.hdr.type));
		}
		imsg_free(&imsg);
	}
	if (r == -1)
		fatalx("discovery: protocol error on the channel");
	imsgev_add(iev);
}

/*
 * A PADR the discovery process accepted.  The answer goes back with the
 * request's peerid; on success the session child already holds its
 * socket, so the peer's first LCP frame after the PADS is not lost.
 */
static void
disc_proc_session_req(struct imsg *imsg)
{
	struct disc_session_req	 req;
	struct disc_session	 ans;
	const struct listener	*l;

	if (imsg_get_data(imsg, &req, sizeof(req)) == -1 ||
	    memchr(req.service, '\0', sizeof(req.service)) == NULL)
		fatalx("discovery: bad %s", imsg_type_name(imsg->hdr.type));
	memset(&ans, 0, sizeof(ans));
	if ((l = listeners_pppoe(req.ifindex)) == NULL) {
		/* The listener went in a reload meanwhile. */
		ans.refusal = DISC_REFUSE_SYSTEM;
		strlcpy(ans.reason, "interface no longer served",
		    sizeof(ans.reason));
	} else
		sessions_spawn_pppoe(l, &req, &ans);
	imsgev_compose(&parent->disc_iev, IMSG_DISC_SESSION, imsg->hdr.peerid,
	    -1, &ans, sizeof(ans));
}

/* A PPPoE session ended: its MAC counts one less, and PADT if needed. */
void
disc_proc_session_end(const struct session *s)
{
	struct disc_sess	 e;

	if (s->proto != SESS_PROTO_PPPOE || parent->disc_pid <= 0)
		return;
	memset(&e, 0, sizeof(e));
	e.ifindex = s->ifindex;
	memcpy(e.peer_mac, s->peer_mac, sizeof(e.peer_mac));
	e.session_id = s->call_id;
	e.send_padt = !s->padt_received;
	imsgev_compose(&parent->disc_iev, IMSG_DISC_SESSION_END, s->id, -1,
	    &e, sizeof(e));
}

/*
 * Returns 1 if pid was the discovery process.  It is restarted with the
 * current interfaces; sessions are not its business and stay up, though
 * their per-MAC counts are rebuilt only from new sessions.
 */
int
disc_proc_reap(pid_t pid, int status)
{
	struct session	*s;

	if (pid != parent->disc_pid)
		return (0);
	proc_log_exit("discovery", pid, status);
	imsgev_clear(&parent->disc_iev);
	parent->disc_pid = -1;
	if (!proc_restart_ok(&parent->disc_restarts, time(NULL)))
		fatalx("discovery: died %d times within %d s, giving up",
		    PROC_RESTART_MAX, PROC_RESTART_WINDOW);
	log_info("discovery: restarting");
	if (disc_proc_apply() == -1) {
		log_warnx("discovery: cannot restart; PPPoE clients cannot "
		    "connect until a reload");
		return (1);
	}
	/* Tell the new one about the running sessions, for its limits. */
	for (s = sessions_first(); s != NULL; s = sessions_next(s))
		if (s->proto == SESS_PROTO_PPPOE)
			disc_proc_session_up(s);
	return (1);
}

/* A running PPPoE session, for a restarted process's per-MAC counts. */
static void
disc_proc_session_up(const struct session *s)
{
	struct disc_sess	 e;

	if (parent->disc_pid <= 0)
		return;
	memset(&e, 0, sizeof(e));
	e.ifindex = s->ifindex;
	memcpy(e.peer_mac, s->peer_mac, sizeof(e.peer_mac));
	e.session_id = s->call_id;
	imsgev_compose(&parent->disc_iev, IMSG_DISC_SESSION_UP, s->id, -1,
	    &e, sizeof(e));
}

void
disc_proc_shutdown(void)
{
	if (parent->disc_pid > 0)
		imsgev_clear(&parent->disc_iev);
}

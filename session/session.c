/*
 * session.c: main loop of a session child.  The child is exec'd by the
 * parent, demotes itself before it reads anything, and then receives its
 * connection over the channel.  It owns exactly one session: if it dies,
 * only that session ends.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"
#include "session.h"
#include "util.h"

struct sess {
	uint32_t		 id;
	int			 proto;		/* enum sess_proto */
	int			 phase;
	char			 peer[64];
	char			 user[PPP_NAME_MAX];
	int			 conn;		/* the tunnel's socket */
	struct event		 conn_ev;
	struct event		 timer;		/* first-message timeout */
	int			 got_first;
	uint64_t		 ibytes, ipackets;
	uint64_t		 obytes, opackets;
	struct imsgev		 parent_iev;
	struct imsgev		 auth_iev;
	int			 have_auth;
};

/* This child's one session; the child exists for it alone. */
static struct sess	 sess;

static void	 session_dispatch_parent(int, short, void *);
static void	 session_init(struct imsg *);
static void	 session_authchan(struct imsg *);
static void	 session_dispatch_auth(int, short, void *);
static void	 session_conn_read(int, short, void *);
static void	 session_timeout(int, short, void *);
static void	 session_report(void);
static __attribute__((noreturn)) void session_exit(int, const char *);

void
session_main(const char *user, const char *chroot_dir)
{
	log_procinit("session");
	event_init();
	sandbox_demote(SANDBOX_SESSION, user, chroot_dir, "session");

	memset(&sess, 0, sizeof(sess));
	sess.conn = -1;
	imsgev_init(&sess.parent_iev, PPPOXD_IMSG_FD, session_dispatch_parent,
	    NULL);
	imsgev_add(&sess.parent_iev);
	event_dispatch();
	session_exit(1, "event loop ended");
}

static void
session_dispatch_parent(int fd, short event, void *arg)
{
	struct imsgev		*iev = &sess.parent_iev;
	struct imsg		 imsg;
	struct sess_terminate	 t;
	int			 r;

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
		case IMSG_SESS_TERMINATE:
			if (imsg_get_data(&imsg, &t, sizeof(t)) == -1 ||
			    memchr(t.reason, '\0', sizeof(t.reason)) == NULL)
				fatalx("bad %s", imsg_type_name(imsg.hdr.type));
			session_exit(0, t.reason);
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
	struct sess_init	 init;
	struct timeval		 tv;
	char			 title[96], peer[64];

	if (sess.conn != -1)
		fatalx("second %s", imsg_type_name(imsg->hdr.type));
	if (imsg_get_data(imsg, &init, sizeof(init)) == -1 ||
	    (sess.conn = imsg_get_fd(imsg)) == -1)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	if (init.proto != SESS_PROTO_PPTP && init.proto != SESS_PROTO_PPPOE)
		fatalx("%s: unknown protocol %d",
		    imsg_type_name(imsg->hdr.type), init.proto);
	sess.id = init.id;
	sess.proto = init.proto;
	sess.phase = SESS_PHASE_START;
	sockaddr_str(&init.peer, peer, sizeof(peer));
	strlcpy(sess.peer, peer, sizeof(sess.peer));
	snprintf(title, sizeof(title), "session %u %s", sess.id, peer);
	log_procinit(strdup(title));

	event_set(&sess.conn_ev, sess.conn, EV_READ | EV_PERSIST,
	    session_conn_read, NULL);
	event_add(&sess.conn_ev, NULL);
	/* pptpd's stimeout: a peer that connects and says nothing goes. */
	evtimer_set(&sess.timer, session_timeout, NULL);
	tv.tv_sec = init.ctrl_timeout;
	tv.tv_usec = 0;
	evtimer_add(&sess.timer, &tv);
	log_debug("started");
	session_report();
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
	struct imsgev	*iev = &sess.auth_iev;
	struct imsg	 imsg;
	int		 r;

	(void)fd;
	(void)arg;
	if (imsgev_io(iev, event) == -1)
		session_exit(1, "the auth process closed its channel");
	while ((r = imsgev_get(iev, &imsg)) > 0) {
		switch (imsg.hdr.type) {
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

static void
session_conn_read(int fd, short event, void *arg)
{
	uint8_t	 buf[2048];
	ssize_t	 n;

	(void)event;
	(void)arg;
	if ((n = read(fd, buf, sizeof(buf))) == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		session_exit(0, "connection error");
	}
	if (n == 0)
		session_exit(0, "peer closed the connection");
	if (!sess.got_first) {
		sess.got_first = 1;
		evtimer_del(&sess.timer);
	}
	sess.ibytes += n;
	sess.ipackets++;
	session_report();
}

static void
session_timeout(int fd, short event, void *arg)
{
	(void)fd;
	(void)event;
	(void)arg;
	session_exit(0, "no message from the peer within the control "
	    "timeout");
}

static void
session_report(void)
{
	struct sess_state	 st;

	memset(&st, 0, sizeof(st));
	st.phase = sess.phase;
	strlcpy(st.user, sess.user, sizeof(st.user));
	st.ibytes = sess.ibytes;
	st.obytes = sess.obytes;
	st.ipackets = sess.ipackets;
	st.opackets = sess.opackets;
	imsgev_compose(&sess.parent_iev, IMSG_SESS_STATE, sess.id, -1, &st,
	    sizeof(st));
}

static void
session_exit(int status, const char *reason)
{
	log_info("ending: %s", reason);
	if (sess.conn != -1)
		close(sess.conn);
	/* Tell the parent what we know before we go, if it still listens. */
	imsgbuf_flush(&sess.parent_iev.ibuf);
	exit(status);
}

/*
 * control.c: the control socket pppoxctl talks to.  Requests are imsgs;
 * every reply ends with IMSG_CTL_RESULT.  Access is by the socket's file
 * mode (0660, root:root); requests are still checked like any other input.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"

/* Control connections at once; more are refused, not queued. */
#define CONTROL_MAX_CONNS	16

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	uint32_t		 id;
	struct imsgev		 iev;
};

static TAILQ_HEAD(, ctl_conn) ctl_conns = TAILQ_HEAD_INITIALIZER(ctl_conns);
static uint32_t		 ctl_next_id = 1;
static int		 ctl_nconns;

static void	 control_accept(int, short, void *);
static void	 control_dispatch(int, short, void *);
static void	 control_close(struct ctl_conn *);
static struct ctl_conn *control_find(uint32_t);
static void	 control_result(struct ctl_conn *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 control_show_sessions(struct ctl_conn *, uint32_t);
static void	 control_disconnect(struct ctl_conn *, struct imsg *);
static int	 control_match(const struct session *,
		    const struct ctl_disconnect *);

int
control_init(const char *path)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		log_warnx("control socket path %s too long", path);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("control socket");
		return (-1);
	}
	/* A stale socket from a crashed run; a live daemon still answers. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		log_warnx("control socket %s: another pppoxd is running",
		    path);
		close(fd);
		return (-1);
	}
	close(fd);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("control socket");
		return (-1);
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("unlink %s", path);
		close(fd);
		return (-1);
	}
	old = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		log_warn("bind %s", path);
		umask(old);
		close(fd);
		return (-1);
	}
	umask(old);
	if (chmod(path, 0660) == -1 || chown(path, 0, 0) == -1 ||
	    listen(fd, CONTROL_MAX_CONNS) == -1) {
		log_warn("control socket %s", path);
		unlink(path);
		close(fd);
		return (-1);
	}
	parent->ctl_fd = fd;
	event_set(&parent->ctl_ev, fd, EV_READ | EV_PERSIST, control_accept,
	    NULL);
	event_add(&parent->ctl_ev, NULL);
	return (0);
}

void
control_cleanup(const char *path)
{
	struct ctl_conn	*c;

	while ((c = TAILQ_FIRST(&ctl_conns)) != NULL)
		control_close(c);
	if (parent->ctl_fd != -1) {
		event_del(&parent->ctl_ev);
		close(parent->ctl_fd);
		unlink(path);
	}
}

static void
control_accept(int fd, short event, void *arg)
{
	struct ctl_conn	*c;
	int		 s;

	(void)event;
	(void)arg;
	if ((s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("control accept");
		return;
	}
	if (ctl_nconns >= CONTROL_MAX_CONNS) {
		log_warnx("control: too many connections, refusing one");
		close(s);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control");
		close(s);
		return;
	}
	c->id = ctl_next_id++;
	if (ctl_next_id == 0)
		ctl_next_id = 1;
	imsgev_init(&c->iev, s, control_dispatch, c);
	imsgev_add(&c->iev);
	TAILQ_INSERT_TAIL(&ctl_conns, c, entry);
	ctl_nconns++;
}

static void
control_close(struct ctl_conn *c)
{
	TAILQ_REMOVE(&ctl_conns, c, entry);
	imsgev_clear(&c->iev);
	ctl_nconns--;
	free(c);
}

static struct ctl_conn *
control_find(uint32_t id)
{
	struct ctl_conn	*c;

	TAILQ_FOREACH(c, &ctl_conns, entry)
		if (c->id == id)
			return (c);
	return (NULL);
}

static void
control_result(struct ctl_conn *c, int error, const char *fmt, ...)
{
	struct ctl_result	 res;
	va_list			 ap;

	memset(&res, 0, sizeof(res));
	res.error = error;
	va_start(ap, fmt);
	vsnprintf(res.msg, sizeof(res.msg), fmt, ap);
	va_end(ap);
	imsgev_compose(&c->iev, IMSG_CTL_RESULT, 0, -1, &res, sizeof(res));
}

static void
control_dispatch(int fd, short event, void *arg)
{
	struct ctl_conn	*c = arg;
	struct imsg	 imsg;
	char		 msg[CTL_MSG_MAX];
	int		 r, bad;

	(void)fd;
	if (imsgev_io(&c->iev, event) == -1) {
		control_close(c);
		return;
	}
	while ((r = imsgev_get(&c->iev, &imsg)) > 0) {
		bad = imsg.fd != -1;
		switch (imsg.hdr.type) {
		case IMSG_CTL_SHOW_SESSIONS:
			if (bad || imsg.datalen != 0)
				break;
			control_show_sessions(c, imsg.hdr.peerid);
			break;
		case IMSG_CTL_SHOW_STATUS:
			if (bad || imsg.datalen != 0)
				break;
			/* Answered when auth has answered too. */
			auth_proc_status_req(c->id);
			break;
		case IMSG_CTL_DISCONNECT:
			if (bad)
				break;
			control_disconnect(c, &imsg);
			break;
		case IMSG_CTL_RELOAD:
			if (bad || imsg.datalen != 0)
				break;
			r = parent_reload(msg, sizeof(msg));
			control_result(c, r == -1, "%s", msg);
			r = 1;
			break;
		default:
			bad = 1;
			break;
		}
		if (bad || (imsg.hdr.type != IMSG_CTL_DISCONNECT &&
		    imsg.datalen != 0)) {
			log_warnx("control: bad request %s",
			    imsg_type_name(imsg.hdr.type));
			imsg_free(&imsg);
			control_close(c);
			return;
		}
		imsg_free(&imsg);
	}
	if (r == -1) {
		control_close(c);
		return;
	}
	imsgev_add(&c->iev);
}

static void
control_show_sessions(struct ctl_conn *c, uint32_t id)
{
	struct session		*s;
	struct ctl_session	 cs;
	static const char *const phases[] = {
		[SESS_PHASE_START] = "starting",
		[SESS_PHASE_ESTABLISH] = "establish",
		[SESS_PHASE_AUTH] = "auth",
		[SESS_PHASE_NETWORK] = "network",
		[SESS_PHASE_RUNNING] = "running",
		[SESS_PHASE_CLOSING] = "closing",
	};

	for (s = sessions_first(); s != NULL; s = sessions_next(s)) {
		if (id != 0 && s->id != id)
			continue;
		memset(&cs, 0, sizeof(cs));
		cs.id = s->id;
		cs.pid = s->pid > 0 ? s->pid : 0;	/* 0: waiting for one */
		strlcpy(cs.proto, s->proto == SESS_PROTO_PPTP ? "pptp" :
		    "pppoe", sizeof(cs.proto));
		strlcpy(cs.state, s->terminating ? "terminating" :
		    phases[s->phase], sizeof(cs.state));
		strlcpy(cs.user, s->user, sizeof(cs.user));
		strlcpy(cs.peer, s->peer, sizeof(cs.peer));
		strlcpy(cs.ifname, s->ifname, sizeof(cs.ifname));
		cs.addr = s->addr;
		cs.started = s->started;
		cs.ibytes = s->ibytes;
		cs.obytes = s->obytes;
		cs.ipackets = s->ipackets;
		cs.opackets = s->opackets;
		imsgev_compose(&c->iev, IMSG_CTL_SESSION, 0, -1, &cs,
		    sizeof(cs));
	}
	if (id != 0 && sessions_find(id) == NULL)
		control_result(c, 1, "no session %u", id);
	else
		control_result(c, 0, "%u session(s)", id != 0 ? 1 :
		    parent->nsessions);
}

static int
control_match(const struct session *s, const struct ctl_disconnect *d)
{
	switch (d->match) {
	case CTL_MATCH_ID:
		return (s->id == d->id);
	case CTL_MATCH_USER:
		return (s->user[0] != '\0' && strcmp(s->user, d->user) == 0);
	case CTL_MATCH_IP:
		return (s->addr.s_addr != 0 &&
		    s->addr.s_addr == d->ip.s_addr);
	}
	return (0);
}

static void
control_disconnect(struct ctl_conn *c, struct imsg *imsg)
{
	struct ctl_disconnect	 d;
	struct session		*s;
	int			 n = 0;

	if (imsg_get_data(imsg, &d, sizeof(d)) == -1 ||
	    d.match < CTL_MATCH_ID || d.match > CTL_MATCH_IP ||
	    memchr(d.user, '\0', sizeof(d.user)) == NULL) {
		control_result(c, 1, "malformed disconnect request");
		return;
	}
	for (s = sessions_first(); s != NULL; s = sessions_next(s)) {
		if (!control_match(s, &d))
			continue;
		sessions_terminate(s, "disconnected by the administrator");
		n++;
	}
	if (n == 0)
		control_result(c, 1, "no session matches");
	else
		control_result(c, 0, "disconnecting %d session(s)", n);
}

/* auth answered (or is gone): finish the "show status" of ctlid. */
void
control_auth_status(uint32_t ctlid)
{
	struct ctl_conn		*c;
	struct ctl_status	 st;

	if ((c = control_find(ctlid)) == NULL)
		return;		/* pppoxctl gave up meanwhile */
	memset(&st, 0, sizeof(st));
	strlcpy(st.version, PPPOXD_VERSION, sizeof(st.version));
	st.pid = getpid();
	st.started = parent->started;
	st.reloaded = parent->reloaded;
	strlcpy(st.config, parent->conf->path, sizeof(st.config));
	st.sessions = parent->nsessions;
	st.listeners = listeners_count();
	st.auth_pid = parent->auth_pid;
	st.auth_secrets = parent->auth_status.entries;
	st.auth_errors = parent->auth_status.errors;
	st.disc_pid = parent->disc_pid;
	st.disc = parent->disc_stats;
	imsgev_compose(&c->iev, IMSG_CTL_STATUS, 0, -1, &st, sizeof(st));
	control_result(c, 0, "ok");
}

/*
 * auth_proc.c: the parent's side of the auth process: starting it, handing
 * it the secrets file, and restarting it if it dies, so that one crash
 * costs at most the logins in progress.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"
#include "util.h"

/* More restarts than this within AUTH_RESTART_WINDOW s is fatal. */
#define AUTH_RESTART_MAX	5
#define AUTH_RESTART_WINDOW	60

static void	 parent_dispatch_auth(int, short, void *);
static void	 auth_proc_lost(void);

void
auth_proc_start(void)
{
	struct config	*conf = parent->conf;
	int		 chan;

	parent->auth_pid = proc_exec("auth", conf->user, conf->chroot,
	    parent->debug, log_getverbose(), &chan);
	if (parent->auth_pid == -1)
		fatalx("cannot start the auth process");
	imsgev_init(&parent->auth_iev, chan, parent_dispatch_auth, NULL);
	imsgev_add(&parent->auth_iev);
	if (auth_proc_send_secrets() == -1)
		log_warnx("auth: started without secrets; every login will "
		    "fail until a reload succeeds");
}

/*
 * The parent opens the file (auth is chrooted and cannot) and passes the
 * descriptor; auth parses it.  The parent never reads it.
 */
int
auth_proc_send_secrets(void)
{
	struct config		*conf = parent->conf;
	struct auth_secrets	 as;
	int			 fd;

	if ((fd = open(conf->secrets, O_RDONLY | O_CLOEXEC | O_NOFOLLOW))
	    == -1) {
		log_warn("secrets %s", conf->secrets);
		return (-1);
	}
	memset(&as, 0, sizeof(as));
	strlcpy(as.server_name, conf->name, sizeof(as.server_name));
	strlcpy(as.path, conf->secrets, sizeof(as.path));
	return (imsgev_compose(&parent->auth_iev, IMSG_AUTH_SECRETS, 0, fd,
	    &as, sizeof(as)));
}

void
auth_proc_status_req(uint32_t ctlid)
{
	if (imsgev_compose(&parent->auth_iev, IMSG_AUTH_STATUS_REQ, ctlid,
	    -1, NULL, 0) == -1)
		control_auth_status(ctlid);	/* answer without auth */
}

static void
parent_dispatch_auth(int fd, short event, void *arg)
{
	struct imsgev	*iev = &parent->auth_iev;
	struct imsg	 imsg;
	int		 r;

	(void)fd;
	(void)arg;
	if (imsgev_io(iev, event) == -1) {
		imsgev_clear(iev);
		return;
	}
	while ((r = imsgev_get(iev, &imsg)) > 0) {
		switch (imsg.hdr.type) {
		case IMSG_AUTH_VERDICT: {
			struct auth_verdict	 v;

			if (imsg_get_data(&imsg, &v, sizeof(v)) == -1 ||
			    memchr(v.user, '\0', sizeof(v.user)) == NULL)
				fatalx("auth: bad %s",
				    imsg_type_name(imsg.hdr.type));
			sessions_verdict(&v);
			break;
		}
		case IMSG_AUTH_STATUS:
			if (imsg_get_data(&imsg, &parent->auth_status,
			    sizeof(parent->auth_status)) == -1)
				fatalx("auth: bad %s",
				    imsg_type_name(imsg.hdr.type));
			/* peerid: the control connection that asked, or 0 */
			if (imsg.hdr.peerid != 0)
				control_auth_status(imsg.hdr.peerid);
			break;
		default:
			/* auth is ours, more trusted than the network */
			fatalx("auth: unexpected message %s",
			    imsg_type_name(imsg.hdr.type));
		}
		imsg_free(&imsg);
	}
	if (r == -1)
		fatalx("auth: protocol error on the channel");
	imsgev_add(iev);
}

/*
 * A channel between a new session and auth, so that the session's login
 * exchange goes straight to auth.  Returns the session's end, or -1.
 */
int
auth_proc_new_session(struct session *s)
{
	struct auth_session	 as;
	int			 sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("session %u: auth channel", s->id);
		return (-1);
	}
	memset(&as, 0, sizeof(as));
	as.id = s->id;
	strlcpy(as.peer, s->peer, sizeof(as.peer));
	sockaddr_addr_str(&s->peer_ss, as.peer_addr, sizeof(as.peer_addr));
	if (imsgev_compose(&parent->auth_iev, IMSG_AUTH_SESSION, s->id, sp[0],
	    &as, sizeof(as)) == -1) {
		close(sp[1]);
		return (-1);
	}
	return (sp[1]);
}

/* Returns 1 if pid was the auth process. */
int
auth_proc_reap(pid_t pid, int status)
{
	if (pid != parent->auth_pid)
		return (0);
	if (WIFSIGNALED(status))
		log_warnx("auth: process %d killed by signal %d%s", (int)pid,
		    WTERMSIG(status), WTERMSIG(status) == SIGSYS ?
		    " (seccomp: forbidden system call)" : "");
	else
		log_warnx("auth: process %d exited with status %d", (int)pid,
		    WEXITSTATUS(status));
	auth_proc_lost();
	return (1);
}

static void
auth_proc_lost(void)
{
	time_t	 now = time(NULL);
	int	 i, recent = 0;

	imsgev_clear(&parent->auth_iev);
	parent->auth_pid = -1;
	memset(&parent->auth_status, 0, sizeof(parent->auth_status));
	for (i = 0; i < AUTH_RESTART_MAX; i++)
		if (now - parent->auth_restarts[i] < AUTH_RESTART_WINDOW)
			recent++;
	if (recent >= AUTH_RESTART_MAX)
		fatalx("auth: died %d times within %d s, giving up",
		    AUTH_RESTART_MAX, AUTH_RESTART_WINDOW);
	memmove(&parent->auth_restarts[1], &parent->auth_restarts[0],
	    sizeof(parent->auth_restarts[0]) * (AUTH_RESTART_MAX - 1));
	parent->auth_restarts[0] = now;
	log_info("auth: restarting");
	auth_proc_start();
}

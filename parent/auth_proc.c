/*
 * auth_proc.c: the parent's side of the auth process: starting it, handing
 * it the secrets file and the "@/" files the secrets name, and restarting
 * it if it dies, so that one crash costs at most the logins in progress.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"
#include "util.h"

static void	 parent_dispatch_auth(int, short, void *);
static void	 auth_proc_file(uint32_t, const struct auth_file_req *);
static int	 auth_proc_file_open(const char *);
static int	 auth_proc_file_refuse(const char *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
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
	as.strip_domain = conf->strip_domain;
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
		case IMSG_AUTH_FILE_REQ: {
			struct auth_file_req	 req;

			if (imsg_get_data(&imsg, &req, sizeof(req)) == -1 ||
			    memchr(req.path, '\0', sizeof(req.path)) == NULL)
				fatalx("auth: bad %s",
				    imsg_type_name(imsg.hdr.type));
			auth_proc_file(imsg.hdr.peerid, &req);
			break;
		}
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
 * IMSG_AUTH_FILE_REQ: open an "@/" secret file for auth, which cannot.
 * peerid and idx go back as they came, so auth can match the answer.
 */
static void
auth_proc_file(uint32_t peerid, const struct auth_file_req *req)
{
	struct auth_file	 af;
	int			 fd;

	memset(&af, 0, sizeof(af));
	af.idx = req->idx;
	if ((fd = auth_proc_file_open(req->path)) == -1)
		af.error = errno;
	imsgev_compose(&parent->auth_iev, IMSG_AUTH_FILE, peerid, fd, &af,
	    sizeof(af));
}

/*
 * We are root and auth asks: only regular files in the secrets file's
 * directory or below, so that a taken-over auth process cannot have us
 * open /etc/shadow or a device.  The path is checked before anything is
 * opened, and where the descriptor really leads once it is (a directory
 * on the way may be a symbolic link).  We open; we never read.
 * Returns the descriptor, or -1 with errno set and the reason logged.
 */
static int
auth_proc_file_open(const char *path)
{
	char		 dir[PATH_MAX], real[PATH_MAX], got[PATH_MAX];
	char		 fdpath[64];
	const char	*c;
	struct stat	 st;
	size_t		 dirlen, len;
	ssize_t		 n;
	int		 fd, saved;

	/* The secrets path is absolute (parse.c): "" for "/". */
	strlcpy(dir, parent->conf->secrets, sizeof(dir));
	dirlen = strrchr(dir, '/') - dir;
	dir[dirlen] = '\0';

	if (path[0] != '/')
		return (auth_proc_file_refuse(path, EPERM,
		    "not an absolute path"));
	for (c = path; c != NULL; c = strchr(c + 1, '/'))
		if (strncmp(c, "/..", 3) == 0 && (c[3] == '/' || c[3] == '\0'))
			return (auth_proc_file_refuse(path, EPERM,
			    "a \"..\" component"));
	if (strncmp(path, dir, dirlen) != 0 || path[dirlen] != '/' ||
	    path[dirlen + 1] == '\0')
		return (auth_proc_file_refuse(path, EPERM, "not in %s or "
		    "below it, beside the secrets file", dirlen > 0 ? dir :
		    "/"));

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK))
	    == -1) {
		saved = errno;
		return (auth_proc_file_refuse(path, saved, "%s",
		    saved == ELOOP ? "a symbolic link" : strerror(saved)));
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return (auth_proc_file_refuse(path, EPERM,
		    "not a regular file"));
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	if (realpath(dir[0] != '\0' ? dir : "/", real) == NULL ||
	    (n = readlink(fdpath, got, sizeof(got) - 1)) == -1) {
		saved = errno;
		close(fd);
		return (auth_proc_file_refuse(path, saved, "%s",
		    strerror(saved)));
	}
	got[n] = '\0';
	len = strlen(real);
	if (strcmp(real, "/") != 0 && (strncmp(got, real, len) != 0 ||
	    got[len] != '/')) {
		close(fd);
		return (auth_proc_file_refuse(path, EPERM, "it leads to %s, "
		    "outside %s", got, real));
	}
	return (fd);
}

/* Log why path is refused; -1 with errno set to error. */
static int
auth_proc_file_refuse(const char *path, int error, const char *fmt, ...)
{
	char	why[PATH_MAX * 2 + 64];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_warnx("auth: secret file %s refused: %s", path, why);
	errno = error;
	return (-1);
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
	proc_log_exit("auth", pid, status);
	auth_proc_lost();
	return (1);
}

static void
auth_proc_lost(void)
{
	imsgev_clear(&parent->auth_iev);
	parent->auth_pid = -1;
	memset(&parent->auth_status, 0, sizeof(parent->auth_status));
	if (!proc_restart_ok(&parent->auth_restarts, time(NULL)))
		fatalx("auth: died %d times within %d s, giving up",
		    PROC_RESTART_MAX, PROC_RESTART_WINDOW);
	log_info("auth: restarting");
	auth_proc_start();
}

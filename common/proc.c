/*
 * proc.c: spawning pppoxd processes and moving imsgs with libevent.
 *
 * Every child is our own binary exec'd afresh (fresh address space, new
 * ASLR layout, nothing inherited but stdio and its channel), as OpenSSH
 * does with sshd-session and bgpd with its children.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"

/*
 * Our own executable, opened once at start: children are exec'd from it
 * even if the file on disk is replaced by an upgrade meanwhile.
 */
static int	proc_exe_fd = -1;

static const char *const proc_names[PROC_MAX] = {
	[PROC_PARENT] = "parent",
	[PROC_AUTH] = "auth",
	[PROC_SESSION] = "session",
	[PROC_DISCOVERY] = "discovery",
	[PROC_CTL] = "control",
};

static const char *const imsg_names[IMSG_MAX] = {
	[IMSG_NONE] = "NONE",
	[IMSG_CTL_SHOW_SESSIONS] = "CTL_SHOW_SESSIONS",
	[IMSG_CTL_SHOW_STATUS] = "CTL_SHOW_STATUS",
	[IMSG_CTL_DISCONNECT] = "CTL_DISCONNECT",
	[IMSG_CTL_RELOAD] = "CTL_RELOAD",
	[IMSG_CTL_SESSION] = "CTL_SESSION",
	[IMSG_CTL_STATUS] = "CTL_STATUS",
	[IMSG_CTL_RESULT] = "CTL_RESULT",
	[IMSG_AUTH_SECRETS] = "AUTH_SECRETS",
	[IMSG_AUTH_STATUS_REQ] = "AUTH_STATUS_REQ",
	[IMSG_AUTH_SESSION] = "AUTH_SESSION",
	[IMSG_AUTH_FILE] = "AUTH_FILE",
	[IMSG_AUTH_STATUS] = "AUTH_STATUS",
	[IMSG_AUTH_VERDICT] = "AUTH_VERDICT",
	[IMSG_AUTH_FILE_REQ] = "AUTH_FILE_REQ",
	[IMSG_AUTH_CHALLENGE_REQ] = "AUTH_CHALLENGE_REQ",
	[IMSG_AUTH_CHALLENGE] = "AUTH_CHALLENGE",
	[IMSG_AUTH_REQUEST] = "AUTH_REQUEST",
	[IMSG_AUTH_RESULT] = "AUTH_RESULT",
	[IMSG_SESS_INIT] = "SESS_INIT",
	[IMSG_SESS_AUTHCHAN] = "SESS_AUTHCHAN",
	[IMSG_SESS_GRE] = "SESS_GRE",
	[IMSG_SESS_NET] = "SESS_NET",
	[IMSG_SESS_TERMINATE] = "SESS_TERMINATE",
	[IMSG_SESS_STATE] = "SESS_STATE",
	[IMSG_SESS_GRE_REQ] = "SESS_GRE_REQ",
	[IMSG_SESS_NET_REQ] = "SESS_NET_REQ",
	[IMSG_DISC_CONF] = "DISC_CONF",
	[IMSG_DISC_IFACE] = "DISC_IFACE",
	[IMSG_DISC_CONF_END] = "DISC_CONF_END",
	[IMSG_DISC_SESSION] = "DISC_SESSION",
	[IMSG_DISC_SESSION_UP] = "DISC_SESSION_UP",
	[IMSG_DISC_SESSION_END] = "DISC_SESSION_END",
	[IMSG_DISC_SESSION_REQ] = "DISC_SESSION_REQ",
	[IMSG_DISC_PADT] = "DISC_PADT",
	[IMSG_DISC_STATS] = "DISC_STATS",
};

const char *
proc_name(int id)
{
	if (id < 0 || id >= PROC_MAX)
		return ("unknown");
	return (proc_names[id]);
}

const char *
imsg_type_name(uint32_t type)
{
	if (type >= IMSG_MAX || imsg_names[type] == NULL)
		return ("unknown");
	return (imsg_names[type]);
}

void
proc_self_init(void)
{
	int	 fd;

	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) == -1)
		fatal("open /proc/self/exe");
	/* Out of the way of the channel descriptor children get. */
	if ((proc_exe_fd = fcntl(fd, F_DUPFD_CLOEXEC, PPPOXD_IMSG_FD + 1))
	    == -1)
		fatal("fcntl F_DUPFD_CLOEXEC");
	close(fd);
}

int
proc_self_fd(void)
{
	return (proc_exe_fd);
}

/*
 * Start "pppoxd -P role" with a new channel on PPPOXD_IMSG_FD; the
 * parent's end is returned in *chanfd.  The child demotes itself first
 * thing, using the user and chroot given here.
 */
pid_t
proc_exec(const char *role, const char *user, const char *chroot_dir,
    int debug, int verbose, int *chanfd)
{
	char	*argv[16], *envp[1] = { NULL };
	char	 a_name[] = "pppoxd", a_role[] = "-P", a_user[] = "-u";
	char	 a_root[] = "-r", a_debug[] = "-d", a_verbose[] = "-v";
	char	 rolebuf[32], userbuf[64], rootbuf[PATH_MAX];
	int	 sp[2], argc = 0, i;
	pid_t	 pid;

	if (strlcpy(rolebuf, role, sizeof(rolebuf)) >= sizeof(rolebuf) ||
	    strlcpy(userbuf, user, sizeof(userbuf)) >= sizeof(userbuf) ||
	    strlcpy(rootbuf, chroot_dir, sizeof(rootbuf)) >= sizeof(rootbuf)) {
		log_warnx("%s: argument too long", role);
		return (-1);
	}

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_warn("%s: socketpair", role);
		return (-1);
	}
	argv[argc++] = a_name;
	argv[argc++] = a_role;
	argv[argc++] = rolebuf;
	argv[argc++] = a_user;
	argv[argc++] = userbuf;
	argv[argc++] = a_root;
	argv[argc++] = rootbuf;
	if (debug)
		argv[argc++] = a_debug;
	for (i = 0; i < verbose && i < 3; i++)
		argv[argc++] = a_verbose;
	argv[argc] = NULL;

	switch ((pid = fork())) {
	case -1:
		log_warn("%s: fork", role);
		close(sp[0]);
		close(sp[1]);
		return (-1);
	case 0:
		/* Only stdio and the channel survive the exec. */
		if (sp[1] == PPPOXD_IMSG_FD) {
			if (fcntl(sp[1], F_SETFD, 0) == -1)
				_exit(127);
		} else if (dup2(sp[1], PPPOXD_IMSG_FD) == -1)
			_exit(127);
		/* Everything else goes, but our executable (close-on-exec). */
		if (proc_exe_fd > PPPOXD_IMSG_FD + 1)
			close_range(PPPOXD_IMSG_FD + 1, proc_exe_fd - 1, 0);
		close_range(proc_exe_fd + 1, ~0U, 0);
		/* Default dispositions; ignored signals survive exec. */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		fexecve(proc_exe_fd, argv, envp);
		_exit(127);
	}
	close(sp[1]);
	*chanfd = sp[0];
	return (pid);
}

/* Why a helper process went, for the log. */
void
proc_log_exit(const char *who, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		log_warnx("%s: process %d killed by signal %d%s", who,
		    (int)pid, WTERMSIG(status), WTERMSIG(status) == SIGSYS ?
		    " (seccomp: forbidden system call)" : "");
	else
		log_warnx("%s: process %d exited with status %d", who,
		    (int)pid, WEXITSTATUS(status));
}

/* 1 (and the restart recorded) if a restart is allowed now, else 0. */
int
proc_restart_ok(struct proc_restarts *r, time_t now)
{
	int	 i, recent = 0;

	for (i = 0; i < PROC_RESTART_MAX; i++)
		if (r->at[i] != 0 && now - r->at[i] < PROC_RESTART_WINDOW)
			recent++;
	if (recent >= PROC_RESTART_MAX)
		return (0);
	memmove(&r->at[1], &r->at[0], sizeof(r->at[0]) *
	    (PROC_RESTART_MAX - 1));
	r->at[0] = now;
	return (1);
}

void
imsgev_init(struct imsgev *iev, int fd, void (*handler)(int, short, void *),
    void *data)
{
	memset(iev, 0, sizeof(*iev));
	if (imsgbuf_init(&iev->ibuf, fd) == -1)
		fatal("imsgbuf_init");
	iev->handler = handler;
	iev->data = data;
}

void
imsgev_add(struct imsgev *iev)
{
	if (iev->dead)
		return;
	if (iev->events != 0)
		event_del(&iev->ev);
	iev->events = EV_READ;
	if (imsgbuf_queuelen(&iev->ibuf) > 0)
		iev->events |= EV_WRITE;
	event_set(&iev->ev, imsgbuf_fd(&iev->ibuf), iev->events, iev->handler,
	    iev->data);
	event_add(&iev->ev, NULL);
}

void
imsgev_clear(struct imsgev *iev)
{
	if (iev->events != 0)
		event_del(&iev->ev);
	iev->events = 0;
	imsgbuf_clear(&iev->ibuf);
	iev->dead = 1;
}

int
imsgev_compose(struct imsgev *iev, uint32_t type, uint32_t peerid, int fd,
    const void *data, size_t len)
{
	int	 r;

	if (iev->dead) {
		if (fd != -1)
			close(fd);
		errno = EPIPE;
		return (-1);
	}
	r = imsg_compose(&iev->ibuf, type, peerid, 0, fd, data, len);
	if (r == -1)
		log_warn("imsg %s", imsg_type_name(type));
	else
		imsgev_add(iev);
	return (r);
}

/*
 * Service a readiness event.  Returns -1 when the channel is finished
 * (EOF, I/O error or protocol error); the caller then tears it down.
 */
int
imsgev_io(struct imsgev *iev, short event)
{
	ssize_t	 n;

	if (event & EV_READ) {
		n = imsgbuf_read(&iev->ibuf);
		if (n == 0)
			return (-1);
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			log_warn("imsg read");
			return (-1);
		}
	}
	if (event & EV_WRITE) {
		if (imsgbuf_write(&iev->ibuf) == -1) {
			if (errno != EPIPE)
				log_warn("imsg write");
			return (-1);
		}
	}
	return (0);
}

/* Next message, 0 if none, -1 (logged) if the peer broke the framing. */
int
imsgev_get(struct imsgev *iev, struct imsg *imsg)
{
	int	 r;

	if ((r = imsg_get(&iev->ibuf, imsg)) == -1)
		log_warn("imsg_get");
	return (r);
}

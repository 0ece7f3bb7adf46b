/*
 * pppoxd.c: main() for every role, and the privileged parent's event loop.
 *
 * The same binary runs as the parent (no -P), or, re-exec'd by the parent,
 * as "-P auth", "-P session" or "-P discovery" with its channel on
 * PPPOXD_IMSG_FD.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <event.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"
#include "parent.h"
#include "auth.h"
#include "session.h"
#include "pppoe_disc.h"

struct parent		*parent;

static struct parent	 parent_state;
static struct event	 ev_sighup, ev_sigterm, ev_sigint, ev_sigchld;

static __attribute__((noreturn)) void usage(void);
static int	 parent_check_conf(const struct config *);
static void	 parent_sig(int, short, void *);
static void	 parent_shutdown(void);

static void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-dnv] [-f file]\n", __progname);
	exit(1);
}

int
main(int argc, char *argv[], char *envp[])
{
	const char	*conffile = PPPOXD_CONF, *role = NULL;
	const char	*user = NULL, *chroot_dir = NULL;
	int		 ch, debug = 0, noaction = 0, verbose = 0;
	struct config	*conf;

	setproctitle_init(argc, argv, envp);

	/* -P, -r and -u are how the parent starts its children. */
	while ((ch = getopt(argc, argv, "df:nP:r:u:v")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'P':
			role = optarg;
			break;
		case 'r':
			chroot_dir = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc > 0)
		usage();

	if (role != NULL) {
		if (user == NULL || chroot_dir == NULL)
			usage();
		log_init(debug, LOG_DAEMON);
		log_setverbose(verbose);
		if (strcmp(role, "auth") == 0)
			auth_main(user, chroot_dir);
		else if (strcmp(role, "session") == 0)
			session_main(user, chroot_dir);
		else if (strcmp(role, "discovery") == 0)
			pppoe_disc_main(user, chroot_dir);
		fatalx("unknown role %s", role);
	}

	/* Until we detach, errors go where the admin is looking. */
	log_init(1, LOG_DAEMON);
	log_setverbose(verbose);
	log_procinit("parent");

	if ((conf = parse_config(conffile)) == NULL)
		exit(1);
	if (noaction) {
		if (verbose)
			config_print(stdout, conf);
		else
			fprintf(stderr, "configuration OK\n");
		config_free(conf);
		exit(0);
	}
	if (geteuid() != 0)
		errx(1, "need root privileges");
	if (parent_check_conf(conf) == -1)
		exit(1);
	if (conf->verbose > verbose)
		verbose = conf->verbose;

	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	if (!debug && daemon(0, 0) == -1)
		fatal("daemon");

	parent = &parent_state;
	parent->conf = conf;
	parent->debug = debug;
	parent->verbose = verbose;
	parent->started = time(NULL);
	parent->ctl_fd = -1;
	parent->disc_pid = -1;
	TAILQ_INIT(&parent->listeners);

	proc_self_init();
	event_init();
	sessions_init();
	signal(SIGPIPE, SIG_IGN);

	/* Open everything that needs privileges we are about to give up. */
	if (control_init(conf->socket) == -1)
		fatalx("cannot open control socket %s", conf->socket);
	if (listeners_apply(conf) == -1)
		fatalx("cannot open listeners");
	if (network_init() == -1)
		fatalx("cannot set up address pools and rtnetlink");
	auth_proc_start();
	if (disc_proc_apply() == -1)
		fatalx("cannot start the PPPoE discovery process");
	sandbox_parent_caps();

	signal_set(&ev_sighup, SIGHUP, parent_sig, NULL);
	signal_set(&ev_sigterm, SIGTERM, parent_sig, NULL);
	signal_set(&ev_sigint, SIGINT, parent_sig, NULL);
	signal_set(&ev_sigchld, SIGCHLD, parent_sig, NULL);
	signal_add(&ev_sighup, NULL);
	signal_add(&ev_sigterm, NULL);
	signal_add(&ev_sigint, NULL);
	signal_add(&ev_sigchld, NULL);

	log_info("pppoxd %s started, %d listener(s)", PPPOXD_VERSION,
	    listeners_count());
	event_dispatch();
	parent_shutdown();
	return (0);
}

/* What the parser cannot know: the system's users and directories. */
static int
parent_check_conf(const struct config *conf)
{
	struct passwd	*pw;
	struct stat	 st;

	if ((pw = getpwnam(conf->user)) == NULL) {
		log_warnx("%s: user %s does not exist (make install creates "
		    "_pppoxd)", conf->path, conf->user);
		return (-1);
	}
	if (pw->pw_uid == 0) {
		log_warnx("%s: user %s must not be root", conf->path,
		    conf->user);
		return (-1);
	}
	if (stat(conf->chroot, &st) == -1) {
		log_warn("%s: chroot %s", conf->path, conf->chroot);
		return (-1);
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		log_warnx("%s: chroot %s must be a directory owned by root and "
		    "not writable by group or others", conf->path,
		    conf->chroot);
		return (-1);
	}
	if (access(conf->secrets, R_OK) == -1) {
		log_warn("%s: secrets %s", conf->path, conf->secrets);
		return (-1);
	}
	return (0);
}

/*
 * Re-read the configuration and the secrets.  A configuration with errors
 * is refused and the running one kept; sessions always survive.  msg gets
 * a one-line result for pppoxctl.
 */
int
parent_reload(char *msg, size_t len)
{
	struct config	*nconf, *oconf = parent->conf;

	log_info("reloading %s", oconf->path);
	if ((nconf = parse_config(oconf->path)) == NULL ||
	    parent_check_conf(nconf) == -1) {
		config_free(nconf);
		log_warnx("reload failed: %s has errors; running configuration "
		    "kept", oconf->path);
		snprintf(msg, len, "reload failed: %s has errors (see the "
		    "log); running configuration kept", oconf->path);
		return (-1);
	}
	if (listeners_apply(nconf) == -1) {
		/* listeners_apply left the old set in place. */
		config_free(nconf);
		snprintf(msg, len, "reload failed: cannot open the new "
		    "listeners (see the log); running configuration kept");
		return (-1);
	}
	parent->conf = nconf;
	config_free(oconf);
	sessions_idle_reset();
	if (disc_proc_apply() == -1)
		log_warnx("reload: cannot start the PPPoE discovery process");
	if (network_apply(nconf) == -1)
		log_warnx("reload: some pools could not be updated");
	log_setverbose(parent->verbose > nconf->verbose ?
	    parent->verbose : nconf->verbose);
	parent->reloaded = time(NULL);
	if (auth_proc_send_secrets() == -1) {
		snprintf(msg, len, "configuration reloaded, but the secrets "
		    "file %s could not be opened; auth keeps the old secrets",
		    nconf->secrets);
		return (-1);
	}
	log_info("configuration reloaded");
	snprintf(msg, len, "configuration reloaded");
	return (0);
}

static void
parent_sig(int sig, short event, void *arg)
{
	char	 msg[CTL_MSG_MAX];
	pid_t	 pid;
	int	 status;

	(void)event;
	(void)arg;
	switch (sig) {
	case SIGHUP:
		parent_reload(msg, sizeof(msg));
		break;
	case SIGTERM:
	case SIGINT:
		log_info("terminating on signal %d", sig);
		event_loopexit(NULL);
		break;
	case SIGCHLD:
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (auth_proc_reap(pid, status) ||
			    disc_proc_reap(pid, status))
				continue;
			sessions_reap(pid, status);
		}
		break;
	}
}

static void
parent_shutdown(void)
{
	parent->stopping = 1;
	sessions_idle_reset();
	sessions_terminate_all();
	listeners_close();
	control_cleanup(parent->conf->socket);
	if (parent->auth_pid > 0)
		imsgev_clear(&parent->auth_iev);
	disc_proc_shutdown();
	log_info("terminated");
}

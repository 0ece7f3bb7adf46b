/*
 * sandbox.c: the only place where any pppoxd process changes its
 * privileges.  Children call sandbox_demote() before they look at a single
 * byte from their channel; the parent calls sandbox_parent_caps() once its
 * resources are open.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"

/*
 * Order matters and is fixed: resources are already open and syslog is
 * connected (log_init with LOG_NDELAY); check the chroot directory,
 * chroot, name the process, change ids and drop every capability and the
 * bounding set, forbid regaining privileges on exec, then seccomp.
 */
void
sandbox_demote(enum sandbox_role role, const char *user,
    const char *chroot_dir, const char *title)
{
	struct passwd	*pw;
	struct stat	 st;
	uid_t		 uid;
	gid_t		 gid;

	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0)
		fatalx("user %s has uid 0; refusing to run children as root",
		    user);

	/* A chroot the unprivileged user could write to is no jail. */
	if (stat(chroot_dir, &st) == -1)
		fatal("chroot directory %s", chroot_dir);
	if (!S_ISDIR(st.st_mode))
		fatalx("chroot %s: not a directory", chroot_dir);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		fatalx("chroot %s: must be owned by root and not writable by "
		    "group or others", chroot_dir);
	if (chroot(chroot_dir) == -1)
		fatal("chroot %s", chroot_dir);
	if (chdir("/") == -1)
		fatal("chdir /");

	setproctitle("%s", title);

	/*
	 * setgroups, setresgid and setresuid, then an empty capability set
	 * and bounding set, all in one libcap-ng call.
	 */
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_change_id(uid, gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0)
		fatalx("cannot change to user %s and drop capabilities", user);
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		fatalx("capabilities left after dropping them");
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid)
		fatalx("user id change to %s did not take", user);

	/* Changing ids cleared it; a child must not outlive the daemon. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		fatal("prctl PR_SET_PDEATHSIG");
	/* Keeps other processes of the same user from ptrace or /proc/mem. */
	if (prctl(PR_SET_DUMPABLE, 0) == -1)
		fatal("prctl PR_SET_DUMPABLE");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");

	seccomp_enter(role);
}

/*
 * The parent stays root but keeps only what it uses after start-up:
 *   CAP_NET_ADMIN	  tun devices, addresses and routes (rtnetlink)
 *   CAP_NET_RAW	  per-call GRE sockets, PPPoE packet sockets
 *   CAP_NET_BIND_SERVICE listeners on ports below 1024 (1723) on reload
 * The bounding set keeps in addition what an exec'd child needs to demote
 * itself (CAP_SYS_CHROOT, CAP_SETUID, CAP_SETGID, and CAP_SETPCAP to empty
 * its own bounding set); the parent never has them effective, and
 * everything else (CAP_DAC_OVERRIDE, CAP_SYS_ADMIN, CAP_SYS_MODULE, ...)
 * is gone for good, for the parent and every child.
 */
void
sandbox_parent_caps(void)
{
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
	    CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE, -1) != 0 ||
	    capng_updatev(CAPNG_ADD, CAPNG_BOUNDING_SET,
	    CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE,
	    CAP_SYS_CHROOT, CAP_SETUID, CAP_SETGID, CAP_SETPCAP, -1) != 0)
		fatalx("capng_updatev failed");
	if (capng_apply(CAPNG_SELECT_BOTH) != 0)
		fatalx("cannot drop capabilities (capng_apply)");
}

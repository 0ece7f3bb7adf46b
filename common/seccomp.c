/*
 * seccomp.c: the Linux pledge.  One allow-list per role; anything not
 * listed kills the process (in a -DSECCOMP_DEBUG build it raises SIGSYS
 * instead, so a core or debugger shows the offending call).  libseccomp
 * adds the architecture check: a syscall made through another ABI kills.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stddef.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"

#ifdef SECCOMP_DEBUG
#define SECCOMP_DEFAULT	SCMP_ACT_TRAP
#else
#define SECCOMP_DEFAULT	SCMP_ACT_KILL_PROCESS
#endif

/*
 * Calls every process makes once it runs its event loop: I/O on the
 * descriptors it holds, libevent's epoll, malloc, time, and leaving.
 * "stdio" in pledge(2) terms.
 */
static const int seccomp_base[] = {
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto),		/* syslog(3) on its connected socket */
	SCMP_SYS(close), SCMP_SYS(shutdown),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getrandom),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat),	/* stdio on stderr with -d */
	SCMP_SYS(futex), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* auth: reads the secrets file descriptor the parent passes ("rpath"). */
static const int seccomp_auth[] = {
	SCMP_SYS(lseek), SCMP_SYS(pread64),
};

/*
 * session: PPTP's GRE in batches, one system call for many packets.
 * session and discovery: otherwise only the base; their sockets and tun
 * arrive ready to use.
 */
static const int seccomp_session[] = {
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg),
};

static void
seccomp_allow(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 0) != 0)
			fatalx("seccomp: cannot allow syscall %d", calls[i]);
}

void
seccomp_enter(enum sandbox_role role)
{
	scmp_filter_ctx	 ctx;
	int		 rc;

	if ((ctx = seccomp_init(SECCOMP_DEFAULT)) == NULL)
		fatalx("seccomp_init failed");
	seccomp_allow(ctx, seccomp_base,
	    sizeof(seccomp_base) / sizeof(seccomp_base[0]));

	/* Memory, but never executable memory. */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* libevent sets O_NONBLOCK on what it is given; nothing else. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
	    SCMP_A1(SCMP_CMP_EQ, F_GETFL));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
	    SCMP_A1(SCMP_CMP_EQ, F_SETFL));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
	    SCMP_A1(SCMP_CMP_EQ, F_GETFD));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
	    SCMP_A1(SCMP_CMP_EQ, F_SETFD));
	/*
	 * Probes that libraries make and handle failing: opening files
	 * (nothing to open in the chroot anyway) and syslog(3) reconnecting
	 * after syslogd restarted.  Fail them instead of killing.
	 */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat),
	    0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket),
	    0);
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(connect),
	    0);
	if (rc != 0)
		fatalx("seccomp: cannot build filter");

	switch (role) {
	case SANDBOX_AUTH:
		/* pledge("stdio rpath") on descriptors it was given */
		seccomp_allow(ctx, seccomp_auth,
		    sizeof(seccomp_auth) / sizeof(seccomp_auth[0]));
		break;
	case SANDBOX_SESSION:
		/* pledge("stdio") */
		seccomp_allow(ctx, seccomp_session,
		    sizeof(seccomp_session) / sizeof(seccomp_session[0]));
		break;
	case SANDBOX_DISCOVERY:
		/* pledge("stdio") */
		break;
	}

	if (seccomp_load(ctx) != 0)
		fatalx("seccomp_load failed");
	seccomp_release(ctx);
}

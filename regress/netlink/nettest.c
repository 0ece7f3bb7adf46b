/*
 * nettest.c: helpers for the root-only network tests.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nettest.h"

static int	 nettest_saved_fd = -1;
static FILE	*nettest_log_file;

int
nettest_fd_flags_ok(int fd)
{
	int	 fl, fdfl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    (fdfl = fcntl(fd, F_GETFD)) == -1)
		return (0);
	return ((fl & O_NONBLOCK) != 0 && (fdfl & FD_CLOEXEC) != 0);
}

int
nettest_run(const char *cmd, char *buf, size_t len)
{
	char	 full[512];
	FILE	*f;
	size_t	 n;

	if (len == 0)
		return (-1);
	snprintf(full, sizeof(full), "timeout 10 %s 2>&1", cmd);
	if ((f = popen(full, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	/* Drain the rest so the command never blocks on a full pipe. */
	while (fread(full, 1, sizeof(full), f) > 0)
		;
	return (pclose(f) == 0 ? 0 : -1);
}

void
nettest_log_begin(void)
{
	fflush(stderr);
	if ((nettest_log_file = tmpfile()) == NULL ||
	    (nettest_saved_fd = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(nettest_log_file), STDERR_FILENO) == -1) {
		perror("nettest_log_begin");
		exit(2);
	}
}

void
nettest_log_end(char *buf, size_t len)
{
	size_t	 n;

	fflush(stderr);
	dup2(nettest_saved_fd, STDERR_FILENO);
	close(nettest_saved_fd);
	rewind(nettest_log_file);
	n = fread(buf, 1, len - 1, nettest_log_file);
	buf[n] = '\0';
	fclose(nettest_log_file);
	/* Show what was logged too, for whoever reads a failure. */
	fputs(buf, stderr);
}

int
nettest_readable(int fd, int ms)
{
	struct pollfd	 pfd;
	int		 n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	do {
		n = poll(&pfd, 1, ms);
	} while (n == -1 && errno == EINTR);
	return (n == 1 && (pfd.revents & POLLIN) != 0);
}

void
nettest_pin_cpu(void)
{
	cpu_set_t	 set;
	int		 cpu;

	if ((cpu = sched_getcpu()) == -1)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		perror("sched_setaffinity");
}

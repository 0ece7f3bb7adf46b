/*
 * Helpers shared by the root-only network tests; they run inside network
 * namespaces that netns.sh creates and deletes.
 */
#ifndef PPPOXD_NETTEST_H
#define PPPOXD_NETTEST_H

#include <stddef.h>

#define NETTEST_WAIT_MS	5000	/* the longest any test waits for a packet */

/* 1 if fd is non-blocking and close-on-exec. */
int	nettest_fd_flags_ok(int);
/* Run a shell command (bounded by timeout(1)), its output in buf. */
int	nettest_run(const char *, char *, size_t);
/* Send stderr, where log.c writes with -d, to a buffer in between. */
void	nettest_log_begin(void);
void	nettest_log_end(char *, size_t);
/* poll() for input, at most ms milliseconds: 1 ready, 0 not. */
int	nettest_readable(int, int);
/* Keep this process on its current CPU, so its packets stay in order. */
void	nettest_pin_cpu(void);

#endif /* PPPOXD_NETTEST_H */

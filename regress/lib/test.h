/*
 * Minimal unit-test helpers: CHECK() records a failure and goes on, so one
 * run reports every broken case; test_done() sets the exit status.
 *
 * A program of named cases keeps a table of struct test_case and lets
 * test_main() (or test_log() and test_run()) be its main(): "prog case"
 * runs one case and exits 0 if all its checks passed, 1 if not, 2 on a
 * usage error or an unknown case.  Only test_log() and test_main() need
 * common/log.c; a program without it uses test_run() alone (a static
 * inline function nobody calls is never emitted, so log.c's symbols are
 * not wanted then).
 */
#ifndef PPPOXD_TEST_H
#define PPPOXD_TEST_H

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct test_case {
	const char	*name;
	void		(*fn)(void);
};

#define TEST_NCASES(cases)	(sizeof(cases) / sizeof((cases)[0]))

/* test_run() flags */
#define TEST_FDS	0x01	/* the case leaves the descriptors it found */

static int test_failures;
static int test_checks;

#define CHECK(cond) do {						\
	test_checks++;							\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		test_failures++;					\
	}								\
} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

static inline int
test_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, test_checks,
	    test_failures);
	return (test_failures == 0 ? 0 : 1);
}

/* Descriptors open in this process; exits 2 if it cannot tell. */
static inline int
test_fd_count(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL) {
		perror("/proc/self/fd");
		exit(2);
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

/*
 * Run the case argv[1] names and return the exit status; prog names
 * the program in messages.
 */
static inline int
test_run(const char *prog, const struct test_case *cases, size_t ncases,
    int argc, char *argv[], int flags)
{
	size_t	 i;
	int	 before;

	if (argc != 2) {
		fprintf(stderr, "usage: %s case\n", prog);
		return (2);
	}
	for (i = 0; i < ncases; i++) {
		if (strcmp(argv[1], cases[i].name) != 0)
			continue;
		before = (flags & TEST_FDS) ? test_fd_count() : 0;
		cases[i].fn();
		if (flags & TEST_FDS)
			CHECK(test_fd_count() == before);
		return (test_done(cases[i].name));
	}
	fprintf(stderr, "%s: no case %s\n", prog, argv[1]);
	return (2);
}

/*
 * log.c to stderr, as pppoxd -d, lines prefixed with procname (NULL:
 * log.c's default), log_debug() shown from verbose 1.
 */
static inline void
test_log(const char *procname, int verbose)
{
	log_init(1, 0);
	log_procinit(procname);
	log_setverbose(verbose);
}

/* The usual main(): test_run() with log.c set up by test_log(). */
static inline int
test_main(const char *prog, const struct test_case *cases, size_t ncases,
    int argc, char *argv[], int verbose)
{
	test_log(NULL, verbose);
	return (test_run(prog, cases, ncases, argc, argv, 0));
}

#endif /* PPPOXD_TEST_H */

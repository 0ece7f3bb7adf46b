/*
 * Minimal unit-test helpers: CHECK() records a failure and goes on, so one
 * run reports every broken case; test_done() sets the exit status.
 */
#ifndef PPPOXD_TEST_H
#define PPPOXD_TEST_H

#include <stdio.h>
#include <string.h>

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

#endif /* PPPOXD_TEST_H */

/*
 * test_throttle: failure backoff per user and per peer, with the time
 * passed in, so nothing here sleeps.
 *
 * usage: test_throttle backoff|bounded
 */
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "throttle.h"
#include "test.h"

static void	fail(struct throttle *, const char *, const char *, time_t);
static time_t	check(struct throttle *, const char *, const char *,
		    time_t);
static time_t	udelay(struct throttle *, const char *, time_t);
static void	test_backoff(void);
static void	test_bounded(void);

static void
fail(struct throttle *t, const char *user, const char *peer, time_t now)
{
	throttle_failure(t, user, strlen(user), peer, strlen(peer), now);
}

static time_t
check(struct throttle *t, const char *user, const char *peer, time_t now)
{
	return (throttle_check(t, user, strlen(user), peer, strlen(peer),
	    now));
}

static time_t
udelay(struct throttle *t, const char *user, time_t now)
{
	return (throttle_delay(t, THROTTLE_USER, user, strlen(user), now));
}

static void
test_backoff(void)
{
	static const time_t	 want[] = { 0, 0, 0, 1, 2, 4, 8, 16, 32, 60,
				    60, 60 };
	struct throttle		*t;
	char			 k1[THROTTLE_KEY_MAX + 10];
	char			 k2[THROTTLE_KEY_MAX + 10];
	time_t			 now = 1000;
	size_t			 i;

	CHECK((t = throttle_new(NULL)) != NULL);
	if (t == NULL)
		return;
	CHECK(check(t, "alice", "10.0.0.1", now) == 0);

	/* Three free failures, then 1, 2, 4, ... capped at 60 seconds. */
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		fail(t, "alice", "10.0.0.1", now);
		CHECK(check(t, "alice", "10.0.0.1", now) == want[i]);
	}
	/* The delay runs down with time. */
	CHECK(check(t, "alice", "10.0.0.1", now + 59) == 1);
	CHECK(check(t, "alice", "10.0.0.1", now + 60) == 0);
	now += 60;

	/* The peer's count holds another user from it back too... */
	CHECK(check(t, "bob", "10.0.0.1", now - 30) == 30);
	/* ...and the user's holds it back from another peer. */
	CHECK(check(t, "alice", "10.0.0.2", now - 30) == 30);
	CHECK(check(t, "bob", "10.0.0.2", now - 30) == 0);
	/* The kinds are separate key spaces. */
	CHECK(throttle_delay(t, THROTTLE_USER, "10.0.0.1", 8, now - 30) == 0);
	CHECK(throttle_delay(t, THROTTLE_PEER, "10.0.0.1", 8, now - 30) ==
	    30);

	/* A success clears the user's failures, not the peer's. */
	fail(t, "alice", "10.0.0.1", now);
	CHECK(udelay(t, "alice", now) == 60);
	throttle_success(t, "alice", 5, now);
	CHECK(udelay(t, "alice", now) == 0);
	CHECK(check(t, "alice", "10.0.0.2", now) == 0);
	CHECK(check(t, "alice", "10.0.0.1", now) == 60);
	fail(t, "alice", "10.0.0.9", now);
	CHECK(udelay(t, "alice", now) == 0);	/* counting from 1 again */

	/* A whole window without failure forgets them. */
	now = 10000;
	fail(t, "carol", "p2", now);
	fail(t, "carol", "p2", now);
	fail(t, "carol", "p2", now);
	fail(t, "carol", "p2", now + THROTTLE_WINDOW);
	CHECK(udelay(t, "carol", now + THROTTLE_WINDOW) == 0);
	/* The window slides: steady guessing stays counted. */
	now = 20000;
	for (i = 0; i < 4; i++)
		fail(t, "dave", "p3", now + i * (THROTTLE_WINDOW - 1));
	now += 3 * (THROTTLE_WINDOW - 1);
	CHECK(udelay(t, "dave", now) == 1);

	/* A clock that went back restarts the key. */
	now = 30000;
	for (i = 0; i < 6; i++)
		fail(t, "erin", "p4", now);
	CHECK(udelay(t, "erin", now) == 4);
	CHECK(udelay(t, "erin", now - 100) == 0);
	fail(t, "erin", "p4", now - 100);
	CHECK(udelay(t, "erin", now - 100) == 0);

	/* Keys are cut at THROTTLE_KEY_MAX bytes: these two are one. */
	memset(k1, 'k', sizeof(k1));
	memset(k2, 'k', sizeof(k2));
	k2[sizeof(k2) - 1] = 'X';
	for (i = 0; i < 4; i++)
		throttle_failure(t, k1, sizeof(k1), "p5", 2, now);
	CHECK(throttle_delay(t, THROTTLE_USER, k2, sizeof(k2), now) == 1);
	CHECK(throttle_delay(t, THROTTLE_USER, k2, THROTTLE_KEY_MAX - 1,
	    now) == 0);

	/* An empty user name and peer are keys like any other. */
	for (i = 0; i < 4; i++)
		fail(t, "", "", now);
	CHECK(check(t, "", "", now) == 1);

	throttle_free(t);
	throttle_free(NULL);
}

static void
test_bounded(void)
{
	struct throttle_params	 p;
	struct throttle		*t;
	char			 user[32], peer[32];
	size_t			 i, max = 0;

	/* A flood of names never holds more than the capacity. */
	p.th_threshold = 3;
	p.th_window = 600;
	p.th_max_delay = 60;
	p.th_capacity = 64;
	CHECK((t = throttle_new(&p)) != NULL);
	if (t == NULL)
		return;
	for (i = 0; i < 10000; i++) {
		snprintf(user, sizeof(user), "user%zu", i);
		snprintf(peer, sizeof(peer), "peer%zu", i % 300);
		fail(t, user, peer, 1000 + i / 100);
		if (throttle_count(t) > max)
			max = throttle_count(t);
	}
	CHECK(max == 64);
	throttle_free(t);

	/*
	 * Eviction takes an entry that delays nothing before the least
	 * recently used one, which here is still delaying.
	 */
	p.th_threshold = 0;
	p.th_window = 1000;
	p.th_capacity = 4;
	CHECK((t = throttle_new(&p)) != NULL);
	if (t == NULL)
		return;
	for (i = 0; i < 6; i++)
		fail(t, "y", "P2", 0);			/* until 32 */
	fail(t, "x", "P1", 10);				/* until 11 */
	CHECK(throttle_count(t) == 4);
	fail(t, "z", "P1", 20);				/* evicts x */
	CHECK(throttle_count(t) == 4);
	CHECK(udelay(t, "y", 20) == 12);
	fail(t, "x", "P9", 20);		/* x starts afresh: 1 s, not 2 */
	CHECK(udelay(t, "x", 20) == 1);
	CHECK(throttle_count(t) == 4);
	throttle_free(t);

	/* Adding the peer never evicts the user just counted. */
	p.th_threshold = 1;
	p.th_capacity = 2;
	CHECK((t = throttle_new(&p)) != NULL);
	if (t == NULL)
		return;
	fail(t, "u1", "p1", 0);
	fail(t, "u1", "p1", 0);
	fail(t, "u2", "p2", 0);		/* u2 idle: one free failure */
	CHECK(throttle_count(t) == 2);
	fail(t, "u2", "p3", 0);
	CHECK(udelay(t, "u2", 0) == 1);	/* it kept its first failure */
	throttle_free(t);

	/* Nonsense parameters are clamped, not trusted. */
	memset(&p, 0, sizeof(p));
	CHECK((t = throttle_new(&p)) != NULL);
	if (t == NULL)
		return;
	fail(t, "a", "b", 0);
	CHECK(check(t, "a", "b", 0) == 1);
	fail(t, "c", "d", 0);
	CHECK(throttle_count(t) == 2);
	throttle_free(t);
}

static const struct test_case cases[] = {
	{ "backoff",	test_backoff },
	{ "bounded",	test_bounded },
};

int
main(int argc, char *argv[])
{
	return (test_run("test_throttle", cases, TEST_NCASES(cases), argc,
	    argv, 0));
}

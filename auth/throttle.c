/*
 * throttle.c: failure backoff per user name and per peer; throttle.h
 * has the policy.  Entries live in a red-black tree for lookup and on a
 * list in order of use, most recent first, for eviction.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "throttle.h"

/*
 * te_failures counts the failures of the current window, te_last is the
 * time of the latest, and the key waits until te_until.
 */
struct throttle_entry {
	RB_ENTRY(throttle_entry)	 te_node;
	TAILQ_ENTRY(throttle_entry)	 te_lru;
	enum throttle_kind		 te_kind;
	size_t				 te_keylen;
	unsigned char			 te_key[THROTTLE_KEY_MAX];
	unsigned int			 te_failures;
	time_t				 te_last;
	time_t				 te_until;
};

RB_HEAD(throttle_tree, throttle_entry);
TAILQ_HEAD(throttle_lru, throttle_entry);

struct throttle {
	struct throttle_params	 params;
	struct throttle_tree	 tree;
	struct throttle_lru	 lru;
	size_t			 count;
};

static int	throttle_cmp(const struct throttle_entry *,
		    const struct throttle_entry *);
static struct throttle_entry *throttle_find(struct throttle *,
		    enum throttle_kind, const void *, size_t);
static struct throttle_entry *throttle_get(struct throttle *,
		    enum throttle_kind, const void *, size_t, time_t,
		    const struct throttle_entry *);
static void	throttle_evict(struct throttle *, time_t,
		    const struct throttle_entry *);
static void	throttle_remove(struct throttle *, struct throttle_entry *);
static int	throttle_expired(const struct throttle *,
		    const struct throttle_entry *, time_t);
static void	throttle_fail_one(struct throttle *, struct throttle_entry *,
		    time_t);

RB_PROTOTYPE(throttle_tree, throttle_entry, te_node, throttle_cmp)
RB_GENERATE(throttle_tree, throttle_entry, te_node, throttle_cmp)

static int
throttle_cmp(const struct throttle_entry *a, const struct throttle_entry *b)
{
	size_t	n;
	int	r;

	if (a->te_kind != b->te_kind)
		return (a->te_kind < b->te_kind ? -1 : 1);
	n = a->te_keylen < b->te_keylen ? a->te_keylen : b->te_keylen;
	if ((r = memcmp(a->te_key, b->te_key, n)) != 0)
		return (r);
	if (a->te_keylen != b->te_keylen)
		return (a->te_keylen < b->te_keylen ? -1 : 1);
	return (0);
}

/* NULL params: the THROTTLE_* defaults. */
struct throttle *
throttle_new(const struct throttle_params *params)
{
	struct throttle	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (NULL);
	if (params != NULL)
		t->params = *params;
	else {
		t->params.th_threshold = THROTTLE_THRESHOLD;
		t->params.th_window = THROTTLE_WINDOW;
		t->params.th_max_delay = THROTTLE_MAX_DELAY;
		t->params.th_capacity = THROTTLE_CAPACITY;
	}
	if (t->params.th_window < 1)
		t->params.th_window = 1;
	if (t->params.th_max_delay < 1)
		t->params.th_max_delay = 1;
	if (t->params.th_capacity < 2)
		t->params.th_capacity = 2;
	RB_INIT(&t->tree);
	TAILQ_INIT(&t->lru);
	return (t);
}

void
throttle_free(struct throttle *t)
{
	struct throttle_entry	*e;

	if (t == NULL)
		return;
	while ((e = TAILQ_FIRST(&t->lru)) != NULL)
		throttle_remove(t, e);
	free(t);
}

/* Seconds this one key must still wait, 0 if it may try now. */
time_t
throttle_delay(struct throttle *t, enum throttle_kind kind, const void *key,
    size_t keylen, time_t now)
{
	struct throttle_entry	*e;

	if ((e = throttle_find(t, kind, key, keylen)) == NULL)
		return (0);
	if (throttle_expired(t, e, now)) {
		throttle_remove(t, e);
		return (0);
	}
	return (e->te_until > now ? e->te_until - now : 0);
}

/*
 * Seconds to wait before verifying a login by user from peer: the
 * longer of the two delays, 0 to go ahead.
 */
time_t
throttle_check(struct throttle *t, const char *user, size_t userlen,
    const void *peer, size_t peerlen, time_t now)
{
	time_t	du, dp;

	du = throttle_delay(t, THROTTLE_USER, user, userlen, now);
	dp = throttle_delay(t, THROTTLE_PEER, peer, peerlen, now);
	return (du > dp ? du : dp);
}

void
throttle_failure(struct throttle *t, const char *user, size_t userlen,
    const void *peer, size_t peerlen, time_t now)
{
	struct throttle_entry	*eu, *ep;

	eu = throttle_get(t, THROTTLE_USER, user, userlen, now, NULL);
	if (eu != NULL)
		throttle_fail_one(t, eu, now);
	/* Adding the peer must not evict the user we just counted. */
	ep = throttle_get(t, THROTTLE_PEER, peer, peerlen, now, eu);
	if (ep != NULL)
		throttle_fail_one(t, ep, now);
}

/*
 * The user proved the password: forget its failures.  The peer's stay
 * until they age out, or one valid account would let its owner reset
 * the peer's count between guesses at other users.
 */
void
throttle_success(struct throttle *t, const char *user, size_t userlen,
    time_t now)
{
	struct throttle_entry	*e;

	(void)now;
	if ((e = throttle_find(t, THROTTLE_USER, user, userlen)) != NULL)
		throttle_remove(t, e);
}

size_t
throttle_count(const struct throttle *t)
{
	return (t->count);
}

static struct throttle_entry *
throttle_find(struct throttle *t, enum throttle_kind kind, const void *key,
    size_t keylen)
{
	struct throttle_entry	 k;

	k.te_kind = kind;
	k.te_keylen = keylen < THROTTLE_KEY_MAX ? keylen : THROTTLE_KEY_MAX;
	memcpy(k.te_key, key, k.te_keylen);
	return (RB_FIND(throttle_tree, &t->tree, &k));
}

/* The entry for a key, created (evicting another) if need be. */
static struct throttle_entry *
throttle_get(struct throttle *t, enum throttle_kind kind, const void *key,
    size_t keylen, time_t now, const struct throttle_entry *keep)
{
	struct throttle_entry	*e;

	if ((e = throttle_find(t, kind, key, keylen)) != NULL) {
		TAILQ_REMOVE(&t->lru, e, te_lru);
		TAILQ_INSERT_HEAD(&t->lru, e, te_lru);
		return (e);
	}
	if (t->count >= t->params.th_capacity)
		throttle_evict(t, now, keep);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return (NULL);
	e->te_kind = kind;
	e->te_keylen = keylen < THROTTLE_KEY_MAX ? keylen : THROTTLE_KEY_MAX;
	memcpy(e->te_key, key, e->te_keylen);
	RB_INSERT(throttle_tree, &t->tree, e);
	TAILQ_INSERT_HEAD(&t->lru, e, te_lru);
	t->count++;
	return (e);
}

/*
 * Make room for one entry: the least recently used entry that has aged
 * out, else the least recently used one that delays nothing now, else
 * the least recently used; never keep.
 */
static void
throttle_evict(struct throttle *t, time_t now,
    const struct throttle_entry *keep)
{
	struct throttle_entry	*e, *idle = NULL, *oldest = NULL;

	TAILQ_FOREACH_REVERSE(e, &t->lru, throttle_lru, te_lru) {
		if (e == keep)
			continue;
		if (throttle_expired(t, e, now)) {
			throttle_remove(t, e);
			return;
		}
		if (idle == NULL && e->te_until <= now)
			idle = e;
		if (oldest == NULL)
			oldest = e;
	}
	if (idle != NULL)
		throttle_remove(t, idle);
	else if (oldest != NULL)
		throttle_remove(t, oldest);
}

static void
throttle_remove(struct throttle *t, struct throttle_entry *e)
{
	RB_REMOVE(throttle_tree, &t->tree, e);
	TAILQ_REMOVE(&t->lru, e, te_lru);
	t->count--;
	free(e);
}

/*
 * No failure for a whole window and no delay left, or the clock went
 * back: forget the key.
 */
static int
throttle_expired(const struct throttle *t, const struct throttle_entry *e,
    time_t now)
{
	return (now < e->te_last || (now - e->te_last >= t->params.th_window &&
	    now >= e->te_until));
}

static void
throttle_fail_one(struct throttle *t, struct throttle_entry *e, time_t now)
{
	unsigned int	n;
	time_t		delay;

	if (e->te_failures > 0 && throttle_expired(t, e, now)) {
		e->te_failures = 0;
		e->te_until = 0;
	}
	e->te_last = now;
	if (e->te_failures < UINT_MAX)
		e->te_failures++;
	if (e->te_failures <= t->params.th_threshold)
		return;
	n = e->te_failures - t->params.th_threshold - 1;
	if (n >= 30 || ((time_t)1 << n) >= t->params.th_max_delay)
		delay = t->params.th_max_delay;
	else
		delay = (time_t)1 << n;
	e->te_until = now + delay;
}

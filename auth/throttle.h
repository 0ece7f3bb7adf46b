/*
 * throttle.h: slow down password guessing.  Failed logins are counted
 * per user name and per peer (an IP address or a MAC, as text); after
 * th_threshold failures within th_window seconds each further failure
 * makes that key wait 1, 2, 4, ... up to th_max_delay seconds before it
 * is verified again.  A success clears the user's count.
 *
 * The table holds at most th_capacity keys.  When it is full an entry
 * that no longer delays anything goes first, else the least recently
 * used one; a flood of made-up user names can push a user out, but
 * then every one of those failures also counts against the peer.
 *
 * Every call takes the current time, from a monotonic clock, so the
 * arithmetic is testable; a clock that goes backwards restarts the
 * window of the key it meets.
 */
#ifndef PPPOXD_THROTTLE_H
#define PPPOXD_THROTTLE_H

#include <sys/types.h>
#include <time.h>

#define THROTTLE_KEY_MAX	256	/* longer keys are cut, merged */

enum throttle_kind {
	THROTTLE_USER,
	THROTTLE_PEER,
};

struct throttle_params {
	unsigned int	 th_threshold;	/* failures that are free */
	time_t		 th_window;	/* seconds failures count */
	time_t		 th_max_delay;	/* seconds, doubling stops */
	size_t		 th_capacity;	/* keys held at most */
};

#define THROTTLE_THRESHOLD	3
#define THROTTLE_WINDOW		600
#define THROTTLE_MAX_DELAY	60
#define THROTTLE_CAPACITY	4096

struct throttle;

/* throttle.c */
struct throttle	*throttle_new(const struct throttle_params *);
void		 throttle_free(struct throttle *);
time_t		 throttle_delay(struct throttle *, enum throttle_kind,
		    const void *, size_t, time_t);
time_t		 throttle_check(struct throttle *, const char *, size_t,
		    const void *, size_t, time_t);
void		 throttle_failure(struct throttle *, const char *, size_t,
		    const void *, size_t, time_t);
void		 throttle_success(struct throttle *, const char *, size_t,
		    time_t);
size_t		 throttle_count(const struct throttle *);

#endif /* PPPOXD_THROTTLE_H */

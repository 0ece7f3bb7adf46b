/*
 * Unit tests of parent/pool.c, one case per argument.  Each case builds
 * its pool_conf by hand, as the parser would, and checks the pool against
 * what it was told: every address handed out is inside the ranges, never
 * the local address, never one already in use.
 */
#include <sys/queue.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "pool.h"
#include "test.h"

struct conf_range {
	const char	*start;
	const char	*end;
};

static in_addr_t	 ha(const char *);
static struct in_addr	 na(const char *);
static struct pool_conf	*conf_make(const char *, const char *,
			    const struct conf_range *, size_t);
static void		 conf_free(struct pool_conf *);
static int		 in_ranges(struct in_addr, const struct conf_range *,
			    size_t);

static void	 case_alloc_exhaust(void);
static void	 case_local_in_range(void);
static void	 case_release_realloc(void);
static void	 case_round_robin(void);
static void	 case_reserve(void);
static void	 case_ranges(void);
static void	 case_bad_ranges(void);
static void	 case_large(void);
static void	 case_reload(void);
static void	 case_reload_local(void);
static void	 case_no_double_issue(void);

static const struct test_case cases[] = {
	{ "alloc-exhaust",	case_alloc_exhaust },
	{ "local-in-range",	case_local_in_range },
	{ "release-realloc",	case_release_realloc },
	{ "round-robin",	case_round_robin },
	{ "reserve",		case_reserve },
	{ "ranges",		case_ranges },
	{ "bad-ranges",		case_bad_ranges },
	{ "large",		case_large },
	{ "reload",		case_reload },
	{ "reload-local",	case_reload_local },
	{ "no-double-issue",	case_no_double_issue },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static in_addr_t
ha(const char *s)
{
	struct in_addr	 in;

	if (inet_pton(AF_INET, s, &in) != 1) {
		fprintf(stderr, "bad address in test: %s\n", s);
		exit(2);
	}
	return (ntohl(in.s_addr));
}

static struct in_addr
na(const char *s)
{
	struct in_addr	 in;

	in.s_addr = htonl(ha(s));
	return (in);
}

static struct pool_conf *
conf_make(const char *name, const char *local, const struct conf_range *r,
    size_t n)
{
	struct pool_conf	*pc;
	struct pool_range	*pr;
	size_t			 i;

	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		exit(2);
	strlcpy(pc->name, name, sizeof(pc->name));
	pc->local = na(local);
	pc->lineno = 1;
	TAILQ_INIT(&pc->ranges);
	for (i = 0; i < n; i++) {
		if ((pr = calloc(1, sizeof(*pr))) == NULL)
			exit(2);
		pr->start = ha(r[i].start);
		pr->end = ha(r[i].end);
		pr->lineno = 2 + (int)i;
		TAILQ_INSERT_TAIL(&pc->ranges, pr, entry);
	}
	return (pc);
}

static void
conf_free(struct pool_conf *pc)
{
	struct pool_range	*pr;

	while ((pr = TAILQ_FIRST(&pc->ranges)) != NULL) {
		TAILQ_REMOVE(&pc->ranges, pr, entry);
		free(pr);
	}
	free(pc);
}

static int
in_ranges(struct in_addr in, const struct conf_range *r, size_t n)
{
	in_addr_t	 a = ntohl(in.s_addr);
	size_t		 i;

	for (i = 0; i < n; i++)
		if (a >= ha(r[i].start) && a <= ha(r[i].end))
			return (1);
	return (0);
}

/* Five addresses, local outside: five distinct ones, then ENOSPC. */
static void
case_alloc_exhaust(void)
{
	static const struct conf_range r[] = {
		{ "10.200.0.10", "10.200.0.14" } };
	struct pool_conf	*pc = conf_make("p", "10.200.0.1", r, 1);
	struct pool		*p;
	struct in_addr		 got[5], extra;
	int			 i, j;

	CHECK((p = pool_new(pc)) != NULL);
	if (p == NULL)
		return;
	CHECK(strcmp(pool_name(p), "p") == 0);
	CHECK(pool_local(p).s_addr == na("10.200.0.1").s_addr);
	CHECK(pool_size(p) == 5);
	CHECK(pool_used(p) == 0);
	CHECK(pool_available(p) == 5);
	for (i = 0; i < 5; i++) {
		CHECK(pool_alloc(p, &got[i]) == 0);
		CHECK(in_ranges(got[i], r, 1));
		CHECK(pool_in_use(p, got[i]));
		for (j = 0; j < i; j++)
			CHECK(got[i].s_addr != got[j].s_addr);
	}
	CHECK(pool_used(p) == 5);
	CHECK(pool_available(p) == 0);
	errno = 0;
	CHECK(pool_alloc(p, &extra) == -1);
	CHECK(errno == ENOSPC);
	CHECK(pool_used(p) == 5);
	/* The first allocation of a fresh pool is its lowest address. */
	CHECK(got[0].s_addr == na("10.200.0.10").s_addr);
	pool_free(p);
	conf_free(pc);
}

/* A local address inside the ranges is never handed out or reserved. */
static void
case_local_in_range(void)
{
	static const struct conf_range r[] = {
		{ "10.200.0.1", "10.200.0.4" } };
	struct pool_conf	*pc = conf_make("p", "10.200.0.2", r, 1);
	struct pool		*p;
	struct in_addr		 a;
	int			 i;

	CHECK((p = pool_new(pc)) != NULL);
	if (p == NULL)
		return;
	CHECK(pool_size(p) == 3);
	CHECK(pool_in_use(p, na("10.200.0.2")));
	CHECK(pool_contains(p, na("10.200.0.2")));
	errno = 0;
	CHECK(pool_reserve(p, na("10.200.0.2")) == -1 && errno == EADDRINUSE);
	for (i = 0; i < 3; i++) {
		CHECK(pool_alloc(p, &a) == 0);
		CHECK(a.s_addr != na("10.200.0.2").s_addr);
	}
	CHECK(pool_alloc(p, &a) == -1);
	CHECK(pool_used(p) == 3);
	errno = 0;
	CHECK(pool_release(p, na("10.200.0.2")) == -1 && errno == ENOENT);
	pool_free(p);
	conf_free(pc);
}

/* Released addresses come back; releasing what is free is an error. */
static void
case_release_realloc(void)
{
	static const struct conf_range r[] = {
		{ "10.200.0.16", "10.200.0.23" } };
	struct pool_conf	*pc = conf_make("p", "10.200.0.1", r, 1);
	struct pool		*p;
	struct in_addr		 a[8], b;
	int			 i;

	CHECK((p = pool_new(pc)) != NULL);
	if (p == NULL)
		return;
	for (i = 0; i < 8; i++)
		CHECK(pool_alloc(p, &a[i]) == 0);
	CHECK(pool_alloc(p, &b) == -1);
	CHECK(pool_release(p, a[3]) == 0);
	CHECK(!pool_in_use(p, a[3]));
	CHECK(pool_used(p) == 7);
	CHECK(pool_available(p) == 1);
	errno = 0;
	CHECK(pool_release(p, a[3]) == -1 && errno == ENOENT);
	CHECK(pool_alloc(p, &b) == 0);
	CHECK(b.s_addr == a[3].s_addr);
	CHECK(pool_alloc(p, &b) == -1);
	/* Release everything; the pool is whole again. */
	for (i = 0; i < 8; i++)
		CHECK(pool_release(p, a[i]) == 0);
	CHECK(pool_used(p) == 0);
	CHECK(pool_available(p) == 8);
	for (i = 0; i < 8; i++)
		CHECK(pool_alloc(p, &b) == 0);
	CHECK(pool_alloc(p, &b) == -1);
	errno = 0;
	CHECK(pool_release(p, na("10.200.0.99")) == -1 && errno == ENOENT);
	pool_free(p);
	conf_free(pc);
}

/*
 * An address just released is not the next one handed out while others
 * are free: it comes back only after the scan has passed every other.
 */
static void
case_round_robin(void)
{
	static const struct conf_range r[] = {
		{ "10.200.0.100", "10.200.0.103" },
		{ "10.200.1.0", "10.200.1.1" } };
	struct pool_conf	*pc = conf_make("p", "10.200.0.1", r, 2);
	struct pool		*p;
	struct in_addr		 a, b, c, d;

	CHECK((p = pool_new(pc)) != NULL);
	if (p == NULL)
		return;
	CHECK(pool_alloc(p, &a) == 0);
	CHECK(a.s_addr == na("10.200.0.100").s_addr);
	CHECK(pool_release(p, a) == 0);
	CHECK(pool_alloc(p, &b) == 0);
	CHECK(b.s_addr == na("10.200.0.101").s_addr);
	CHECK(pool_release(p, b) == 0);
	/* Across the end of the first range into the second. */
	CHECK(pool_alloc(p, &c) == 0 && c.s_addr == na("10.200.0.102").s_addr);
	CHECK(pool_alloc(p, &c) == 0 && c.s_addr == na("10.200.0.103").s_addr);
	CHECK(pool_alloc(p, &c) == 0 && c.s_addr == na("10.200.1.0").s_addr);
	CHECK(pool_alloc(p, &d) == 0 && d.s_addr == na("10.200.1.1").s_addr);
	/* Wraps to the start: the two released long ago. */
	CHECK(pool_alloc(p, &c) == 0 && c.s_addr == na("10.200.0.100").s_addr);
	CHECK(pool_alloc(p, &c) == 0 && c.s_addr == na("10.200.0.101").s_addr);
	CHECK(pool_alloc(p, &c) == -1);
	pool_free(p);
	conf_free(pc);
}

/* Fixed addresses, inside and outside the ranges. */
static void
case_reserve(void)
{
	static const struct conf_range r[] = {
		{ "10.200.0.10", "10.200.0.13" } };
	static const char *const bad[] = { "0.0.0.0", "0.1.2.3",
	    "127.0.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255" };
	struct pool_conf	*pc = conf_make("p", "10.200.0.1", r, 1);
	struct pool		*p;
	struct in_addr		 a;
	size_t			 i;

	CHECK((p = pool_new(pc)) != NULL);
	if (p == NULL)
		return;
	/* Inside: the pool will not hand it out. */
	CHECK(pool_reserve(p, na("10.200.0.11")) == 0);
	CHECK(pool_in_use(p, na("10.200.0.11")));
	CHECK(pool_used(p) == 1 && pool_available(p) == 3);
	errno = 0;
	CHECK(pool_reserve(p, na("10.200.0.11")) == -1 && errno == EADDRINUSE);
	/* Outside: allowed once, counted, not available to pool_alloc. */
	CHECK(!pool_contains(p, na("10.200.7.7")));
	CHECK(pool_reserve(p, na("10.200.7.7")) == 0);
	CHECK(pool_in_use(p, na("10.200.7.7")));
	CHECK(pool_used(p) == 2 && pool_available(p) == 3);
	errno = 0;
	CHECK(pool_reserve(p, na("10.200.7.7")) == -1 && errno == EADDRINUSE);
	/* The local address is never a peer's. */
	errno = 0;
	CHECK(pool_reserve(p, na("10.200.0.1")) == -1 && errno == EADDRINUSE);
	for (i = 0; i < NELEM(bad); i++) {
		errno = 0;
		CHECK(pool_reserve(p, na(bad[i])) == -1 && errno == EINVAL);
	}
	/* pool_alloc skips the reserved one. */
	for (i = 0; i < 3; i++) {
		CHECK(pool_alloc(p, &a) == 0);
		CHECK(a.s_addr != na("10.200.0.11").s_addr);
	}
	CHECK(pool_alloc(p, &a) == -1);
	/* An allocated address cannot be reserved too. */
	errno = 0;
	CHECK(pool_reserve(p, a) == -1 && errno == EADDRINUSE);
	CHECK(pool_used(p) == 5);
	/* Release both kinds. */
	CHECK(pool_release(p, na("10.200.7.7")) == 0);
	CHECK(!pool_in_use(p, na("10.200.7.7")));
	errno = 0;
	CHECK(pool_release(p, na("10.200.7.7")) == -1 && errno == ENOENT);
	CHECK(pool_release(p, na("10.200.0.11")) == 0);
	CHECK(pool_alloc(p, &a) == 0 && a.s_addr == na("10.200.0.11").s_addr);
	CHECK(pool_used(p) == 4);
	pool_free(p);
	conf_free(pc);
}

/* Unsorted, overlapping and adjacent ranges: each address once. */
static void
case_ranges(void)
{
	static const struct conf_range r[] = {
		{ "10.200.3.0", "10.200.3.3" },
		{ "10.200.1.5", "10.200.1.14" },
		{ "10.200.1.0", "10.200.1.9" },
		{ "10.200.1.15", "10.200.1.19" },
		{ "10.200.2.0", "10.200.2.255" },	/* a /24 as a range */
		{ "10.200.9.9", "10.200.9.9" } };
	struct pool_conf	*pc = conf_make("p", "10.200.0.1", r, NELEM(r));
	struct pool		*p;
	struct in_addr		 a;
	uint8_t			 seen[4][256];
	uint32_t		 n = 0, h;

	CHECK((p = pool_new(pc)) != NULL);
	if (p == NULL)
		return;
	CHECK(pool_size(p) == 4 + 20 + 256 + 1);
	CHECK(pool_contains(p, na("10.200.1.12")));
	CHECK(pool_contains(p, na("10.200.9.9")));
	CHECK(!pool_contains(p, na("10.200.1.20")));
	CHECK(!pool_contains(p, na("10.200.3.4")));
	CHECK(!pool_contains(p, na("10.200.0.255")));
	memset(seen, 0, sizeof(seen));
	while (pool_alloc(p, &a) == 0) {
		h = ntohl(a.s_addr);
		CHECK(in_ranges(a, r, NELEM(r)));
		CHECK((h >> 8) >= ha("10.200.0.0") >> 8 &&
		    (h >> 8) <= ha("10.200.9.0") >> 8);
		if ((h & 0xffffff00) == ha("10.200.9.0"))
			h = ha("10.200.0.0") | (h & 0xff);
		CHECK(seen[(h >> 8) & 3][h & 0xff] == 0);
		seen[(h >> 8) & 3][h & 0xff] = 1;
		if (++n > 1000)
			break;
	}
	CHECK(n == 4 + 20 + 256 + 1);
	CHECK(pool_available(p) == 0);
	pool_free(p);
	conf_free(pc);
}

/* Ranges a pool refuses, and the largest it takes. */
static void
case_bad_ranges(void)
{
	static const struct conf_range backwards[] = {
		{ "10.200.0.9", "10.200.0.1" } };
	static const struct conf_range loopback[] = {
		{ "126.255.255.0", "127.0.0.5" } };
	static const struct conf_range multicast[] = {
		{ "223.255.255.250", "224.0.0.3" } };
	static const struct conf_range zero[] = {
		{ "0.0.0.1", "0.0.0.9" } };
	static const struct conf_range too_big[] = {
		{ "10.0.0.0", "10.255.255.255" },
		{ "11.0.0.0", "11.0.0.0" } };
	static const struct conf_range slash8[] = {
		{ "10.0.0.0", "10.255.255.255" } };
	struct pool_conf	*pc;
	struct pool		*p;

	pc = conf_make("p", "10.200.0.1", backwards, 1);
	CHECK(pool_new(pc) == NULL);
	conf_free(pc);
	pc = conf_make("p", "10.200.0.1", loopback, 1);
	CHECK(pool_new(pc) == NULL);
	conf_free(pc);
	pc = conf_make("p", "10.200.0.1", multicast, 1);
	CHECK(pool_new(pc) == NULL);
	conf_free(pc);
	pc = conf_make("p", "10.200.0.1", zero, 1);
	CHECK(pool_new(pc) == NULL);
	conf_free(pc);
	pc = conf_make("p", "0.0.0.0", slash8, 0);
	CHECK(pool_new(pc) == NULL);
	conf_free(pc);
	pc = conf_make("p", "12.0.0.1", too_big, 2);
	CHECK(pool_new(pc) == NULL);
	conf_free(pc);
	pc = conf_make("p", "12.0.0.1", slash8, 1);
	CHECK((p = pool_new(pc)) != NULL);
	if (p != NULL)
		CHECK(pool_size(p) == POOL_MAX_ADDRS);
	pool_free(p);
	conf_free(pc);
}

/* A /16: every address once, then none, in bounded memory. */
static void
case_large(void)
{
	static const struct conf_range r[] = {
		{ "10.201.0.0", "10.201.255.255" } };
	struct pool_conf	*pc = conf_make("p", "10.201.0.1", r, 1);
	struct pool		*p;
	struct in_addr		 a;
	uint8_t			*seen;
	uint32_t		 n = 0, h, dup = 0, out = 0;

	if ((seen = calloc(65536, 1)) == NULL)
		exit(2);
	CHECK((p = pool_new(pc)) != NULL);
	if (p == NULL)
		return;
	CHECK(pool_size(p) == 65535);
	while (pool_alloc(p, &a) == 0 && n <= 65536) {
		n++;
		h = ntohl(a.s_addr);
		if ((h >> 16) != (ha("10.201.0.0") >> 16) ||
		    h == ha("10.201.0.1")) {
			out++;
			continue;
		}
		if (seen[h & 0xffff]++)
			dup++;
	}
	CHECK(n == 65535);
	CHECK(dup == 0);
	CHECK(out == 0);
	CHECK(pool_used(p) == 65535 && pool_available(p) == 0);
	/* Free every other address; exactly those come back. */
	for (h = 0; h < 65536; h += 2) {
		a.s_addr = htonl(ha("10.201.0.0") | h);
		CHECK(pool_release(p, a) == 0);
	}
	CHECK(pool_available(p) == 32768);
	n = 0;
	while (pool_alloc(p, &a) == 0 && n <= 32768) {
		n++;
		CHECK((ntohl(a.s_addr) & 1) == 0);
	}
	CHECK(n == 32768);
	pool_free(p);
	conf_free(pc);
	free(seen);
}

/*
 * Reload: addresses still in the ranges stay allocated there; the others
 * stay in use until released, then are gone.  A bad new config leaves
 * the pool as it was.
 */
static void
case_reload(void)
{
	static const struct conf_range r1[] = {
		{ "10.200.0.10", "10.200.0.29" } };
	static const struct conf_range r2[] = {
		{ "10.200.0.10", "10.200.0.14" },
		{ "10.200.5.0", "10.200.5.9" } };
	static const struct conf_range bad[] = {
		{ "10.200.0.10", "127.0.0.1" } };
	struct pool_conf	*pc1 = conf_make("p", "10.200.0.1", r1, 1);
	struct pool_conf	*pc2 = conf_make("q", "10.200.0.2", r2, 2);
	struct pool_conf	*pcb = conf_make("p", "10.200.0.1", bad, 1);
	struct pool		*p;
	struct in_addr		 a[10], b;
	int			 i, n;

	CHECK((p = pool_new(pc1)) != NULL);
	if (p == NULL)
		return;
	for (i = 0; i < 10; i++)	/* 10.200.0.10 .. .19 */
		CHECK(pool_alloc(p, &a[i]) == 0);
	CHECK(pool_reserve(p, na("10.200.8.8")) == 0);
	CHECK(pool_release(p, a[2]) == 0);	/* .12 free before reload */

	CHECK(pool_reload(p, pcb) == -1);
	CHECK(pool_size(p) == 20 && pool_used(p) == 10);
	CHECK(strcmp(pool_name(p), "p") == 0);

	CHECK(pool_reload(p, pc2) == 0);
	CHECK(strcmp(pool_name(p), "q") == 0);
	CHECK(pool_local(p).s_addr == na("10.200.0.2").s_addr);
	CHECK(pool_size(p) == 15);
	CHECK(pool_used(p) == 10);
	/* .10 .11 .13 .14 still allocated in the ranges, .12 free. */
	CHECK(pool_available(p) == 15 - 4);
	for (i = 0; i < 10; i++)
		CHECK(pool_in_use(p, a[i]) == (i != 2));
	CHECK(pool_contains(p, a[0]) && !pool_contains(p, a[5]));
	CHECK(pool_in_use(p, na("10.200.8.8")));

	/* New allocations never return a held address. */
	n = 0;
	while (pool_alloc(p, &b) == 0 && n < 20) {
		n++;
		CHECK(ntohl(b.s_addr) >= ha("10.200.5.0") ||
		    b.s_addr == a[2].s_addr);
		for (i = 0; i < 10; i++)
			if (i != 2)
				CHECK(b.s_addr != a[i].s_addr);
	}
	CHECK(n == 11);
	/* An address outside the new ranges goes away on release. */
	CHECK(pool_release(p, a[7]) == 0);
	CHECK(!pool_in_use(p, a[7]));
	errno = 0;
	CHECK(pool_release(p, a[7]) == -1 && errno == ENOENT);
	CHECK(pool_alloc(p, &b) == -1);
	CHECK(pool_release(p, na("10.200.8.8")) == 0);
	/* One in the ranges comes back to pool_alloc. */
	CHECK(pool_release(p, a[0]) == 0);
	CHECK(pool_alloc(p, &b) == 0 && b.s_addr == a[0].s_addr);

	/* Reloading back keeps what is held now. */
	CHECK(pool_reload(p, pc1) == 0);
	CHECK(pool_size(p) == 20);
	CHECK(pool_in_use(p, a[5]) && pool_contains(p, a[5]));
	CHECK(!pool_in_use(p, a[7]));
	CHECK(pool_in_use(p, na("10.200.5.3")));
	CHECK(!pool_contains(p, na("10.200.5.3")));

	pool_free(p);
	conf_free(pc1);
	conf_free(pc2);
	conf_free(pcb);
}

/* A held address that becomes the local address stays held, then dies. */
static void
case_reload_local(void)
{
	static const struct conf_range r[] = {
		{ "10.200.0.10", "10.200.0.13" } };
	struct pool_conf	*pc1 = conf_make("p", "10.200.0.1", r, 1);
	struct pool_conf	*pc2 = conf_make("p", "10.200.0.10", r, 1);
	struct pool		*p;
	struct in_addr		 a;
	int			 i;

	CHECK((p = pool_new(pc1)) != NULL);
	if (p == NULL)
		return;
	CHECK(pool_alloc(p, &a) == 0 && a.s_addr == na("10.200.0.10").s_addr);
	CHECK(pool_reload(p, pc2) == 0);
	CHECK(pool_size(p) == 3);
	CHECK(pool_used(p) == 1);
	CHECK(pool_available(p) == 3);
	for (i = 0; i < 3; i++) {
		CHECK(pool_alloc(p, &a) == 0);
		CHECK(a.s_addr != na("10.200.0.10").s_addr);
	}
	CHECK(pool_alloc(p, &a) == -1);
	CHECK(pool_release(p, na("10.200.0.10")) == 0);
	CHECK(pool_used(p) == 3);
	CHECK(pool_alloc(p, &a) == -1);
	CHECK(pool_in_use(p, na("10.200.0.10")));	/* local */
	pool_free(p);
	conf_free(pc1);
	conf_free(pc2);
}

/*
 * Many random operations against a model of which addresses are held:
 * no alloc returns a held address, counts always agree.  Reloads switch
 * between two overlapping sets of ranges.
 */
static void
case_no_double_issue(void)
{
	static const struct conf_range r1[] = {
		{ "10.200.0.0", "10.200.0.99" } };
	static const struct conf_range r2[] = {
		{ "10.200.0.50", "10.200.0.149" },
		{ "10.200.0.200", "10.200.0.209" } };
	struct pool_conf	*pc1 = conf_make("p", "10.200.0.255", r1, 1);
	struct pool_conf	*pc2 = conf_make("p", "10.200.0.255", r2, 2);
	struct pool		*p;
	uint8_t			 held[256];
	struct in_addr		 a;
	uint32_t		 rnd = 12345, op, o, nheld = 0, bad = 0;
	int			 i, which = 1, rc;

	memset(held, 0, sizeof(held));
	CHECK((p = pool_new(pc1)) != NULL);
	if (p == NULL)
		return;
	for (i = 0; i < 200000; i++) {
		rnd = rnd * 1103515245 + 12345;
		op = (rnd >> 16) % 100;
		o = (rnd >> 8) % 255;		/* never .255, the local */
		a.s_addr = htonl(ha("10.200.0.0") | o);
		if (op < 45) {
			rc = pool_alloc(p, &a);
			if (rc == 0) {
				o = ntohl(a.s_addr) & 0xff;
				if ((ntohl(a.s_addr) & 0xffffff00) !=
				    ha("10.200.0.0") || held[o] || o == 255)
					bad++;
				held[o] = 1;
				nheld++;
			} else if (pool_available(p) != 0)
				bad++;
		} else if (op < 85) {
			rc = pool_release(p, a);
			if (rc == 0 && !held[o])
				bad++;
			if (rc == -1 && held[o])
				bad++;
			if (rc == 0) {
				held[o] = 0;
				nheld--;
			}
		} else if (op < 99) {
			rc = pool_reserve(p, a);
			if ((rc == 0) == (held[o] != 0))
				bad++;
			if (rc == 0) {
				held[o] = 1;
				nheld++;
			}
		} else {
			which = which == 1 ? 2 : 1;
			if (pool_reload(p, which == 1 ? pc1 : pc2) == -1)
				bad++;
		}
		if (pool_used(p) != nheld)
			bad++;
		if (pool_in_use(p, a) != (held[ntohl(a.s_addr) & 0xff] != 0))
			bad++;
	}
	CHECK(bad == 0);
	CHECK(nheld > 0);
	pool_free(p);
	conf_free(pc1);
	conf_free(pc2);
}

int
main(int argc, char *argv[])
{
	test_log("pool_test", 0);
	return (test_run("pool_test", cases, TEST_NCASES(cases), argc,
	    argv, 0));
}

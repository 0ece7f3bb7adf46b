/*
 * pool.c: IPv4 address pools for the peers' ends of the links.
 *
 * The ranges of a pool are sorted and merged into spans; each span maps a
 * run of addresses onto a run of bits of one bitmap.  Addresses in use
 * that are not range addresses (fixed addresses outside the ranges, or
 * addresses a reload left outside them) live in a small red-black tree.
 *
 * Allocation order: accel-ppp's ippool keeps free addresses on a list,
 * takes from its head and puts released ones back at its tail, so an
 * address a session just gave back is the last to be handed out again
 * (pppd has no pool of its own; with RADIUS the server picks).  That
 * delay matters: logs, accounting and abuse reports that name an address
 * at a given time keep pointing at one user, and a stale ARP/conntrack
 * entry or a late packet for the old session does not reach the new one.
 * A bitmap cannot keep a release order in bounded memory, so we use next
 * fit: scan for a free bit after the last address handed out and wrap.
 * A released address then comes back only after the scan has passed over
 * every other free address, which gives the same delay.
 */
#include <sys/tree.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "pool.h"

#define POOL_NONE	UINT32_MAX	/* no bit index */
#define POOL_WORD_BITS	64

/* A run of range addresses and where its bits start in the bitmap. */
struct pool_span {
	in_addr_t	 start;		/* host byte order */
	in_addr_t	 end;		/* inclusive */
	uint32_t	 base;		/* bit index of start */
};

/* An address in use that has no bit: outside the ranges, or local. */
struct pool_other {
	RB_ENTRY(pool_other)	 entry;
	in_addr_t		 addr;	/* host byte order */
};
RB_HEAD(pool_others, pool_other);

struct pool {
	char			 name[CONF_NAME_MAX];
	struct in_addr		 local;
	struct pool_span	*spans;		/* sorted, disjoint */
	size_t			 nspans;
	uint64_t		*bitmap;	/* 1 = held by a session */
	uint32_t		 nbits;		/* addresses in the spans */
	uint32_t		 nset;		/* bits set */
	uint32_t		 local_bit;	/* POOL_NONE if local outside */
	in_addr_t		 last;		/* last address pool_alloc gave */
	struct pool_others	 others;
	uint32_t		 nothers;
};

static int	 pool_other_cmp(struct pool_other *, struct pool_other *);
static int	 pool_usable(in_addr_t);
static int	 pool_span_cmp(const void *, const void *);
static int	 pool_build(struct pool *, const struct pool_conf *);
static uint32_t	 pool_bit(const struct pool *, in_addr_t);
static in_addr_t pool_bit_addr(const struct pool *, uint32_t);
static uint32_t	 pool_bit_after(const struct pool *, in_addr_t);
static uint32_t	 pool_find_free(const struct pool *, uint32_t, uint32_t);
static int	 pool_bit_test(const struct pool *, uint32_t);
static void	 pool_bit_set(struct pool *, uint32_t);
static void	 pool_bit_clear(struct pool *, uint32_t);
static struct pool_other *pool_other_find(const struct pool *, in_addr_t);
static int	 pool_other_add(struct pool *, in_addr_t);
static int	 pool_carry(struct pool *, in_addr_t);
static void	 pool_clear(struct pool *);

/* libbsd's RB_*_STATIC need a __unused it does not define. */
RB_PROTOTYPE(pool_others, pool_other, entry, pool_other_cmp)
RB_GENERATE(pool_others, pool_other, entry, pool_other_cmp)

struct pool *
pool_new(const struct pool_conf *pc)
{
	struct pool	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warn("pool %s", pc->name);
		return (NULL);
	}
	RB_INIT(&p->others);
	if (pool_build(p, pc) == -1) {
		free(p);
		return (NULL);
	}
	return (p);
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	pool_clear(p);
	free(p);
}

int
pool_alloc(struct pool *p, struct in_addr *out)
{
	uint32_t	 from, bit;

	from = pool_bit_after(p, p->last);
	if ((bit = pool_find_free(p, from, p->nbits)) == p->nbits &&
	    (bit = pool_find_free(p, 0, from)) == from) {
		errno = ENOSPC;
		return (-1);
	}
	pool_bit_set(p, bit);
	p->last = pool_bit_addr(p, bit);
	out->s_addr = htonl(p->last);
	return (0);
}

int
pool_reserve(struct pool *p, struct in_addr in)
{
	in_addr_t	 addr = ntohl(in.s_addr);
	uint32_t	 bit;

	if (!pool_usable(addr)) {
		errno = EINVAL;
		return (-1);
	}
	if (addr == ntohl(p->local.s_addr) || pool_other_find(p, addr) != NULL) {
		errno = EADDRINUSE;
		return (-1);
	}
	if ((bit = pool_bit(p, addr)) == POOL_NONE)
		return (pool_other_add(p, addr));
	if (pool_bit_test(p, bit)) {
		errno = EADDRINUSE;
		return (-1);
	}
	pool_bit_set(p, bit);
	return (0);
}

int
pool_release(struct pool *p, struct in_addr in)
{
	in_addr_t		 addr = ntohl(in.s_addr);
	struct pool_other	*o;
	uint32_t		 bit;

	if ((o = pool_other_find(p, addr)) != NULL) {
		RB_REMOVE(pool_others, &p->others, o);
		free(o);
		p->nothers--;
		return (0);
	}
	bit = pool_bit(p, addr);
	if (bit == POOL_NONE || !pool_bit_test(p, bit)) {
		errno = ENOENT;
		return (-1);
	}
	pool_bit_clear(p, bit);
	return (0);
}

int
pool_in_use(const struct pool *p, struct in_addr in)
{
	in_addr_t	 addr = ntohl(in.s_addr);
	uint32_t	 bit;

	if (addr == ntohl(p->local.s_addr) || pool_other_find(p, addr) != NULL)
		return (1);
	bit = pool_bit(p, addr);
	return (bit != POOL_NONE && pool_bit_test(p, bit));
}

int
pool_contains(const struct pool *p, struct in_addr in)
{
	return (pool_bit(p, ntohl(in.s_addr)) != POOL_NONE);
}

int
pool_reload(struct pool *p, const struct pool_conf *pc)
{
	struct pool		 np;
	struct pool_other	*o;
	uint64_t		 bits;
	uint32_t		 w, bit, outside;

	memset(&np, 0, sizeof(np));
	RB_INIT(&np.others);
	if (pool_build(&np, pc) == -1)
		return (-1);

	for (w = 0; w < (p->nbits + POOL_WORD_BITS - 1) / POOL_WORD_BITS; w++) {
		for (bits = p->bitmap[w]; bits != 0; bits &= bits - 1) {
			bit = w * POOL_WORD_BITS +
			    (uint32_t)__builtin_ctzll(bits);
			if (pool_carry(&np, pool_bit_addr(p, bit)) == -1)
				goto fail;
		}
	}
	RB_FOREACH(o, pool_others, &p->others) {
		if (pool_carry(&np, o->addr) == -1)
			goto fail;
	}
	outside = np.nothers;
	np.last = p->last;

	pool_clear(p);
	/* The tree's nodes do not point at its head, so it can move. */
	*p = np;
	if (outside > 0)
		log_info("pool %s: %u addresses in use outside its ranges "
		    "until their sessions end", p->name, outside);
	return (0);

 fail:
	log_warnx("pool %s: reload failed, keeping the old ranges", pc->name);
	pool_clear(&np);
	return (-1);
}

const char *
pool_name(const struct pool *p)
{
	return (p->name);
}

struct in_addr
pool_local(const struct pool *p)
{
	return (p->local);
}

uint32_t
pool_size(const struct pool *p)
{
	return (p->nbits - (p->local_bit != POOL_NONE ? 1 : 0));
}

uint32_t
pool_used(const struct pool *p)
{
	return (p->nset + p->nothers);
}

uint32_t
pool_available(const struct pool *p)
{
	return (pool_size(p) - p->nset);
}

static int
pool_other_cmp(struct pool_other *a, struct pool_other *b)
{
	if (a->addr < b->addr)
		return (-1);
	return (a->addr > b->addr);
}

/*
 * Whether an address may be a peer's: not 0/8 ("this network"), not
 * loopback, not multicast, class E or the limited broadcast.
 */
static int
pool_usable(in_addr_t addr)
{
	if ((addr >> 24) == 0 || (addr >> 24) == 127)
		return (0);
	if (addr >= 0xe0000000U)
		return (0);
	return (1);
}

static int
pool_span_cmp(const void *a, const void *b)
{
	const struct pool_span	*sa = a, *sb = b;

	if (sa->start < sb->start)
		return (-1);
	return (sa->start > sb->start);
}

/*
 * Fill an empty pool from its configuration: check every range, merge
 * overlapping and adjacent ones, size the bitmap.  Leaves p empty on
 * failure.
 */
static int
pool_build(struct pool *p, const struct pool_conf *pc)
{
	struct pool_range	*r;
	struct pool_span	*spans = NULL, *s;
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	struct in_addr		 ia, ib;
	size_t			 n = 0, i, j;
	uint64_t		 total = 0;
	in_addr_t		 local = ntohl(pc->local.s_addr);

	if (!pool_usable(local)) {
		log_warnx("pool %s (line %d): local address %s is not usable",
		    pc->name, pc->lineno, inet_ntoa(pc->local));
		return (-1);
	}
	TAILQ_FOREACH(r, &pc->ranges, entry)
		n++;
	if (n > 0 && (spans = calloc(n, sizeof(*spans))) == NULL) {
		log_warn("pool %s", pc->name);
		return (-1);
	}
	i = 0;
	TAILQ_FOREACH(r, &pc->ranges, entry) {
		ia.s_addr = htonl(r->start);
		ib.s_addr = htonl(r->end);
		inet_ntop(AF_INET, &ia, a, sizeof(a));
		inet_ntop(AF_INET, &ib, b, sizeof(b));
		if (r->start > r->end || !pool_usable(r->start) ||
		    !pool_usable(r->end) ||
		    ((r->start >> 24) < 127 && (r->end >> 24) > 127)) {
			log_warnx("pool %s (line %d): range %s - %s is not "
			    "usable for peers", pc->name, r->lineno, a, b);
			free(spans);
			return (-1);
		}
		spans[i].start = r->start;
		spans[i].end = r->end;
		i++;
	}
	if (n > 0)
		qsort(spans, n, sizeof(*spans), pool_span_cmp);
	/* Merge; ends are below 224.0.0.0, so end + 1 cannot wrap. */
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && spans[i].start <= spans[j - 1].end + 1) {
			if (spans[i].end > spans[j - 1].end)
				spans[j - 1].end = spans[i].end;
			continue;
		}
		spans[j++] = spans[i];
	}
	n = j;
	for (i = 0; i < n; i++) {
		s = &spans[i];
		s->base = (uint32_t)total;
		total += (uint64_t)s->end - s->start + 1;
		if (total > POOL_MAX_ADDRS) {
			log_warnx("pool %s (line %d): more than %u addresses",
			    pc->name, pc->lineno, POOL_MAX_ADDRS);
			free(spans);
			return (-1);
		}
	}
	p->bitmap = NULL;
	if (total > 0 && (p->bitmap = calloc((total + POOL_WORD_BITS - 1) /
	    POOL_WORD_BITS, sizeof(*p->bitmap))) == NULL) {
		log_warn("pool %s", pc->name);
		free(spans);
		return (-1);
	}
	strlcpy(p->name, pc->name, sizeof(p->name));
	p->local = pc->local;
	p->spans = spans;
	p->nspans = n;
	p->nbits = (uint32_t)total;
	p->nset = 0;
	p->last = 0;
	p->local_bit = pool_bit(p, local);
	return (0);
}

/* The bit of a range address, or POOL_NONE outside the ranges. */
static uint32_t
pool_bit(const struct pool *p, in_addr_t addr)
{
	size_t	 lo = 0, hi = p->nspans, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < p->spans[mid].start)
			hi = mid;
		else if (addr > p->spans[mid].end)
			lo = mid + 1;
		else
			return (p->spans[mid].base +
			    (addr - p->spans[mid].start));
	}
	return (POOL_NONE);
}

static in_addr_t
pool_bit_addr(const struct pool *p, uint32_t bit)
{
	size_t	 lo = 0, hi = p->nspans, mid;

	/* The last span whose base is <= bit. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (p->spans[mid].base <= bit)
			lo = mid;
		else
			hi = mid;
	}
	return (p->spans[lo].start + (bit - p->spans[lo].base));
}

/* The bit of the first range address above addr, wrapping to 0. */
static uint32_t
pool_bit_after(const struct pool *p, in_addr_t addr)
{
	size_t	 lo = 0, hi = p->nspans, mid;

	/* The first span that ends above addr. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->spans[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->nspans)
		return (0);
	if (addr < p->spans[lo].start)
		return (p->spans[lo].base);
	return (p->spans[lo].base + (addr - p->spans[lo].start) + 1);
}

/*
 * The first clear bit in [from, to) that is not the local address; to if
 * there is none.  Whole words are skipped while they are full.
 */
static uint32_t
pool_find_free(const struct pool *p, uint32_t from, uint32_t to)
{
	uint64_t	 w;
	uint32_t	 i = from;

	while (i < to) {
		w = ~p->bitmap[i / POOL_WORD_BITS] >> (i % POOL_WORD_BITS);
		if (w == 0) {
			i = (i / POOL_WORD_BITS + 1) * POOL_WORD_BITS;
			continue;
		}
		i += (uint32_t)__builtin_ctzll(w);
		if (i >= to)
			break;
		if (i != p->local_bit)
			return (i);
		i++;
	}
	return (to);
}

static int
pool_bit_test(const struct pool *p, uint32_t bit)
{
	return ((p->bitmap[bit / POOL_WORD_BITS] >>
	    (bit % POOL_WORD_BITS)) & 1);
}

static void
pool_bit_set(struct pool *p, uint32_t bit)
{
	p->bitmap[bit / POOL_WORD_BITS] |= 1ULL << (bit % POOL_WORD_BITS);
	p->nset++;
}

static void
pool_bit_clear(struct pool *p, uint32_t bit)
{
	p->bitmap[bit / POOL_WORD_BITS] &= ~(1ULL << (bit % POOL_WORD_BITS));
	p->nset--;
}

static struct pool_other *
pool_other_find(const struct pool *p, in_addr_t addr)
{
	struct pool_other	*o;

	/* By hand: RB_FIND takes no const head. */
	o = RB_ROOT(&p->others);
	while (o != NULL) {
		if (addr < o->addr)
			o = RB_LEFT(o, entry);
		else if (addr > o->addr)
			o = RB_RIGHT(o, entry);
		else
			break;
	}
	return (o);
}

static int
pool_other_add(struct pool *p, in_addr_t addr)
{
	struct pool_other	*o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return (-1);
	o->addr = addr;
	if (RB_INSERT(pool_others, &p->others, o) != NULL) {
		free(o);
		errno = EADDRINUSE;
		return (-1);
	}
	p->nothers++;
	return (0);
}

/* Keep an address a session holds across a reload. */
static int
pool_carry(struct pool *p, in_addr_t addr)
{
	struct in_addr	 ia;
	uint32_t	 bit;

	bit = pool_bit(p, addr);
	if (bit != POOL_NONE && bit != p->local_bit) {
		pool_bit_set(p, bit);
		return (0);
	}
	if (addr == ntohl(p->local.s_addr)) {
		ia.s_addr = htonl(addr);
		log_warnx("pool %s: %s is the new local address but a "
		    "session still holds it", p->name, inet_ntoa(ia));
	}
	if (pool_other_add(p, addr) == -1) {
		log_warn("pool %s", p->name);
		return (-1);
	}
	return (0);
}

static void
pool_clear(struct pool *p)
{
	struct pool_other	*o, *next;

	RB_FOREACH_SAFE(o, pool_others, &p->others, next) {
		RB_REMOVE(pool_others, &p->others, o);
		free(o);
	}
	p->nothers = 0;
	free(p->bitmap);
	p->bitmap = NULL;
	free(p->spans);
	p->spans = NULL;
	p->nspans = 0;
	p->nbits = 0;
	p->nset = 0;
}

/*
 * Address pools: the parent hands each session one IPv4 address for the
 * peer's end of its point-to-point link, from the ranges of a pool.conf
 * entry, and keeps fixed per-user addresses out of everyone else's way.
 *
 * Every in-use address is in exactly one of two places: the pool's bitmap
 * (one bit per address of its ranges) or its set of other addresses
 * (fixed addresses outside the ranges, and addresses a reload took out of
 * the ranges while a session still held them).  So no address is ever
 * issued twice, and memory stays bounded by the ranges' size plus one
 * small node per such address.
 *
 * Pools do not know about each other: a fixed address should be reserved
 * in the pool whose ranges contain it (pool_contains()) when there is one,
 * so that pool cannot also hand it out dynamically.
 */
#ifndef PPPOXD_POOL_H
#define PPPOXD_POOL_H

#include <netinet/in.h>
#include <stdint.h>

#include "config.h"

/* Largest number of range addresses in one pool (a /8: a 2 MiB bitmap). */
#define POOL_MAX_ADDRS		(1U << 24)

struct pool;

/* pool.c */
/* NULL after log_warnx() when the ranges are unusable or too large. */
struct pool	*pool_new(const struct pool_conf *);
void		 pool_free(struct pool *);

/*
 * Take a free range address.  Returns 0, or -1 with errno ENOSPC when
 * every address is in use.  Addresses are handed out round robin (next
 * fit after the last one given), so a just-released address comes back
 * only after every other free one has been used.
 */
int		 pool_alloc(struct pool *, struct in_addr *);
/*
 * Mark a fixed address in use, inside or outside the ranges.  Returns 0,
 * or -1 with errno EADDRINUSE (held already, or the pool's local address)
 * or EINVAL (0/8, 127/8, multicast or above: never a peer's address).
 */
int		 pool_reserve(struct pool *, struct in_addr);
/* Returns 0, or -1 with errno ENOENT if the address was not in use. */
int		 pool_release(struct pool *, struct in_addr);
/* 1 if a session holds the address or it is the local address, else 0. */
int		 pool_in_use(const struct pool *, struct in_addr);
/* 1 if the address is in the pool's ranges (in use or not), else 0. */
int		 pool_contains(const struct pool *, struct in_addr);

/*
 * Take the ranges, local address and name of a new pool.conf entry,
 * keeping every address in use: addresses still inside the new ranges
 * stay allocated there; the others stay in use until released, then are
 * gone.  Returns 0, or -1 after log_warnx() with the pool unchanged.
 */
int		 pool_reload(struct pool *, const struct pool_conf *);

const char	*pool_name(const struct pool *);
struct in_addr	 pool_local(const struct pool *);
/* Range addresses a session can get: the ranges less the local address. */
uint32_t	 pool_size(const struct pool *);
/* Addresses sessions hold, inside the ranges or not. */
uint32_t	 pool_used(const struct pool *);
/* Range addresses pool_alloc() can still hand out. */
uint32_t	 pool_available(const struct pool *);

#endif /* PPPOXD_POOL_H */

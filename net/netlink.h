/*
 * A small rtnetlink client for the parent: bring session interfaces up,
 * give them their point-to-point addresses, add and remove routes.
 *
 * Every call is one request and its acknowledgement, matched by sequence
 * number.  On failure a call returns -1 with errno set to the kernel's
 * error (ENODEV for a missing interface, EEXIST, ESRCH, ...) after one
 * log_warnx() naming the operation, the interface and the kernel's own
 * explanation when it gave one.
 */
#ifndef PPPOXD_NETLINK_H
#define PPPOXD_NETLINK_H

#include <netinet/in.h>

struct nl;

/* netlink.c */
/* A NETLINK_ROUTE socket, close-on-exec.  NULL after log_warn(). */
struct nl	*nl_open(void);
void		 nl_close(struct nl *);

/* The interface's index, or -1. */
int		 nl_link_index(struct nl *, const char *ifname);
/* Set the interface up (up != 0) or down; also its MTU if mtu > 0. */
int		 nl_link_set(struct nl *, const char *ifname, int up, int mtu);
/*
 * Point-to-point address: local is ours, peer the other end, prefix
 * length 32.  Once the interface is up the kernel adds the host route to
 * peer by itself (proto kernel, scope link).
 */
int		 nl_addr_add(struct nl *, const char *ifname,
		    struct in_addr local, struct in_addr peer);
int		 nl_addr_del(struct nl *, const char *ifname,
		    struct in_addr local, struct in_addr peer);
/*
 * A route to dst/prefixlen through the interface, in the main table,
 * scope link, proto static: for routes beyond the peer's own address
 * (RADIUS Framed-Route).  The host route to the peer exists already, so
 * adding it again fails with EEXIST.  nl_route_del removes only a route
 * added this way (same interface, proto static).  dst must have no bits
 * set past prefixlen.
 */
int		 nl_route_add(struct nl *, const char *ifname,
		    struct in_addr dst, int prefixlen);
int		 nl_route_del(struct nl *, const char *ifname,
		    struct in_addr dst, int prefixlen);

#endif /* PPPOXD_NETLINK_H */

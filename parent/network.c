/*
 * network.c: what a session gets once it has authenticated: an address
 * from its listener's pool (or the fixed one its secrets entry names) and
 * a tun interface configured as a point-to-point link through rtnetlink.
 * The child receives the tun descriptor; when it exits, the descriptor
 * closes and the kernel removes the interface with its address and route.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"
#include "pool.h"
#include "tun.h"
#include "netlink.h"

/* Session interfaces are ppx0, ppx1, ...: short and easy to filter on. */
#define NETWORK_IFNAME		"ppx%d"

struct parent_pool {
	TAILQ_ENTRY(parent_pool) entry;
	struct pool		*pool;
	int			 retired;	/* gone from the config */
};

static struct parent_pool *network_pool(const char *);
static struct parent_pool *network_pool_of(struct in_addr);
static void	 network_gc(void);

static struct parent_pool *
network_pool(const char *name)
{
	struct parent_pool	*pp;

	TAILQ_FOREACH(pp, &parent->pools, entry)
		if (!pp->retired && strcmp(pool_name(pp->pool), name) == 0)
			return (pp);
	return (NULL);
}

/* The pool an address was taken from, retired pools included. */
static struct parent_pool *
network_pool_of(struct in_addr a)
{
	struct parent_pool	*pp;

	TAILQ_FOREACH(pp, &parent->pools, entry)
		if (pool_in_use(pp->pool, a))
			return (pp);
	return (NULL);
}

/* Retired pools go once their last address is back. */
static void
network_gc(void)
{
	struct parent_pool	*pp, *tmp;

	TAILQ_FOREACH_SAFE(pp, &parent->pools, entry, tmp) {
		if (!pp->retired || pool_used(pp->pool) != 0)
			continue;
		TAILQ_REMOVE(&parent->pools, pp, entry);
		pool_free(pp->pool);
		free(pp);
	}
}

int
network_init(void)
{
	TAILQ_INIT(&parent->pools);
	if ((parent->nl = nl_open()) == NULL)
		return (-1);
	return (network_apply(parent->conf));
}

/*
 * Make the pools match conf.  Pools keep the addresses in use; a pool
 * that left the config stays until its sessions have ended.
 */
int
network_apply(struct config *conf)
{
	struct pool_conf	*pc;
	struct parent_pool	*pp;
	int			 rc = 0;

	TAILQ_FOREACH(pp, &parent->pools, entry)
		pp->retired = 1;
	TAILQ_FOREACH(pc, &conf->pools, entry) {
		TAILQ_FOREACH(pp, &parent->pools, entry)
			if (strcmp(pool_name(pp->pool), pc->name) == 0)
				break;
		if (pp != NULL) {
			if (pool_reload(pp->pool, pc) == -1) {
				log_warnx("pool %s: cannot apply the new ranges",
				    pc->name);
				rc = -1;
			}
			pp->retired = 0;
			continue;
		}
		if ((pp = calloc(1, sizeof(*pp))) == NULL)
			fatal("pool");
		if ((pp->pool = pool_new(pc)) == NULL) {
			log_warnx("pool %s: cannot create it", pc->name);
			free(pp);
			rc = -1;
			continue;
		}
		TAILQ_INSERT_TAIL(&parent->pools, pp, entry);
	}
	network_gc();
	return (rc);
}

/*
 * Give an authenticated session its address and interface.  Returns the
 * tun descriptor with *net filled in, or -1 (logged) and the session ends.
 */
int
network_setup(struct session *s, const struct sess_net_req *req,
    struct sess_net *net)
{
	struct parent_pool	*pp;
	struct pool_conf	*pc;
	struct in_addr		 addr;
	char			 a[INET_ADDRSTRLEN];
	int			 fd, mtu, i;

	if ((pp = network_pool(s->pool)) == NULL ||
	    (pc = config_pool(parent->conf, s->pool)) == NULL) {
		log_warnx("session %u: pool %s no longer exists", s->id,
		    s->pool);
		return (-1);
	}
	switch (s->addr_policy) {
	case AUTH_ADDR_FIXED:
		/* Reserve it where it would otherwise be handed out. */
		addr = s->fixed;
		if (network_pool_of(addr) != NULL ||
		    pool_reserve(pp->pool, addr) == -1) {
			log_warnx("session %u: user %s: fixed address %s is in "
			    "use", s->id, s->user,
			    inet_ntop(AF_INET, &addr, a, sizeof(a)));
			return (-1);
		}
		break;
	case AUTH_ADDR_POOL:
		if (pool_alloc(pp->pool, &addr) == -1) {
			log_warnx("session %u: pool %s is exhausted (%u "
			    "addresses)", s->id, pool_name(pp->pool),
			    pool_size(pp->pool));
			return (-1);
		}
		break;
	default:
		log_warnx("session %u: user %s may use no address (secrets "
		    "file)", s->id, s->user);
		return (-1);
	}
	s->addr = addr;

	memset(net, 0, sizeof(*net));
	if ((fd = tun_create(net->ifname, sizeof(net->ifname),
	    NETWORK_IFNAME)) == -1)
		goto fail;
	/* The interface MTU is what fits in one PPP frame the peer takes. */
	mtu = req->mru;
	if (mtu < 576 || mtu > 16384)
		mtu = 1400;
	if (nl_link_set(parent->nl, net->ifname, 1, mtu) == -1 ||
	    nl_addr_add(parent->nl, net->ifname, pool_local(pp->pool),
	    addr) == -1) {
		close(fd);
		goto fail;
	}
	net->local = pool_local(pp->pool);
	net->peer = addr;
	net->mtu = mtu;
	for (i = 0; i < pc->ndns && i < 2; i++)
		net->dns[i] = pc->dns[i];
	for (i = 0; i < pc->nnbns && i < 2; i++)
		net->nbns[i] = pc->nbns[i];
	strlcpy(s->ifname, net->ifname, sizeof(s->ifname));
	log_info("session %u: user %s gets %s on %s", s->id, s->user,
	    inet_ntop(AF_INET, &addr, a, sizeof(a)), net->ifname);
	return (fd);
 fail:
	network_release(s);
	return (-1);
}

void
network_release(struct session *s)
{
	struct parent_pool	*pp;

	if (s->addr.s_addr == INADDR_ANY)
		return;
	if ((pp = network_pool_of(s->addr)) != NULL)
		pool_release(pp->pool, s->addr);
	s->addr.s_addr = INADDR_ANY;
	network_gc();
}

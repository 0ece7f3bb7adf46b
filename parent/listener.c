/*
 * listener.c: the parent's listening sockets, opened at start and
 * reconciled on reload.  A listener whose address is unchanged keeps its
 * socket, so a reload never refuses connections in between.
 *
 * The parent reads nothing from these sockets: for PPTP it accepts and
 * hands the connection to a new session child.  PPPoE discovery sockets
 * are opened here and handed to the unprivileged discovery process
 * (disc_proc.c), which reads them.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"
#include "listen.h"
#include "util.h"

static struct listener	*listener_find(struct listeners *,
			    const struct listen_conf *);
static int		 listener_open(struct listener *);
static void		 listener_accept(int, short, void *);
static void		 listener_free(struct listener *);
static const char	*listener_name(const struct listen_conf *, char *,
			    size_t);

static const char *
listener_name(const struct listen_conf *lc, char *buf, size_t len)
{
	char	 addr[80];

	if (lc->proto == CONF_PROTO_PPTP)
		snprintf(buf, len, "pptp %s",
		    sockaddr_str(&lc->addr, addr, sizeof(addr)));
	else
		snprintf(buf, len, "pppoe on %s", lc->ifname);
	return (buf);
}

/* Same protocol and same socket address (or interface). */
static struct listener *
listener_find(struct listeners *head, const struct listen_conf *lc)
{
	struct listener	*l;

	TAILQ_FOREACH(l, head, entry) {
		if (l->conf.proto != lc->proto)
			continue;
		if (lc->proto == CONF_PROTO_PPTP &&
		    memcmp(&l->conf.addr, &lc->addr, sizeof(lc->addr)) == 0)
			return (l);
		if (lc->proto == CONF_PROTO_PPPOE &&
		    strcmp(l->conf.ifname, lc->ifname) == 0)
			return (l);
	}
	return (NULL);
}

static int
listener_open(struct listener *l)
{
	char	 name[128];

	listener_name(&l->conf, name, sizeof(name));
	switch (l->conf.proto) {
	case CONF_PROTO_PPTP:
		/* tcp_listen and pppoe_open log why they failed. */
		if ((l->fd = tcp_listen(&l->conf.addr)) == -1)
			return (-1);
		event_set(&l->ev, l->fd, EV_READ | EV_PERSIST,
		    listener_accept, l);
		event_add(&l->ev, NULL);
		break;
	case CONF_PROTO_PPPOE:
		if (pppoe_ifinfo(l->conf.ifname, &l->ifindex, l->mac,
		    &l->mtu) == -1 || (l->fd = pppoe_open(l->conf.ifname,
		    PPPOE_ETH_DISCOVERY)) == -1)
			return (-1);
		break;
	}
	log_info("listening: %s", name);
	return (0);
}

static void
listener_free(struct listener *l)
{
	char	 name[128];

	if (l->conf.proto == CONF_PROTO_PPTP)
		event_del(&l->ev);
	if (l->fd != -1)
		close(l->fd);
	log_info("stopped listening: %s",
	    listener_name(&l->conf, name, sizeof(name)));
	free(l);
}

/*
 * Make the open listeners match conf.  All new sockets are opened before
 * any old one is closed, so a failure leaves the running set untouched.
 */
int
listeners_apply(struct config *conf)
{
	struct listeners	 fresh, keep;
	struct listen_conf	*lc;
	struct listener		*l, *tmp;

	TAILQ_INIT(&fresh);
	TAILQ_INIT(&keep);
	TAILQ_FOREACH(lc, &conf->listeners, entry) {
		if ((l = listener_find(&parent->listeners, lc)) != NULL) {
			TAILQ_REMOVE(&parent->listeners, l, entry);
			l->conf = *lc;
			TAILQ_INSERT_TAIL(&keep, l, entry);
			continue;
		}
		if ((l = calloc(1, sizeof(*l))) == NULL)
			fatal("listener");
		l->conf = *lc;
		l->fd = -1;
		if (listener_open(l) == -1) {
			free(l);
			/* Put everything back as it was. */
			while ((l = TAILQ_FIRST(&fresh)) != NULL) {
				TAILQ_REMOVE(&fresh, l, entry);
				listener_free(l);
			}
			TAILQ_CONCAT(&parent->listeners, &keep, entry);
			return (-1);
		}
		TAILQ_INSERT_TAIL(&fresh, l, entry);
	}
	TAILQ_FOREACH_SAFE(l, &parent->listeners, entry, tmp) {
		TAILQ_REMOVE(&parent->listeners, l, entry);
		listener_free(l);
	}
	TAILQ_CONCAT(&parent->listeners, &keep, entry);
	TAILQ_CONCAT(&parent->listeners, &fresh, entry);
	return (0);
}

void
listeners_close(void)
{
	struct listener	*l;

	while ((l = TAILQ_FIRST(&parent->listeners)) != NULL) {
		TAILQ_REMOVE(&parent->listeners, l, entry);
		listener_free(l);
	}
}

/*
 * The PPPoE listener on an interface, by the index the kernel gave it;
 * ifindex 0: the first PPPoE listener.
 */
const struct listener *
listeners_pppoe(uint32_t ifindex)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &parent->listeners, entry)
		if (l->conf.proto == CONF_PROTO_PPPOE &&
		    (ifindex == 0 || l->ifindex == ifindex))
			return (l);
	return (NULL);
}

int
listeners_count(void)
{
	struct listener	*l;
	int		 n = 0;

	TAILQ_FOREACH(l, &parent->listeners, entry)
		n++;
	return (n);
}

static void
listener_accept(int fd, short event, void *arg)
{
	struct listener		*l = arg;
	struct sockaddr_storage	 peer, local;
	socklen_t		 plen = sizeof(peer), llen = sizeof(local);
	int			 s;

	(void)event;
	s = accept4(fd, (struct sockaddr *)&peer, &plen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (s == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return;
	}
	if (!ratelimit_allow(&peer)) {
		close(s);
		return;
	}
	if (getsockname(s, (struct sockaddr *)&local, &llen) == -1) {
		log_warn("getsockname");
		close(s);
		return;
	}
	/* sessions_spawn owns s from here, on success and on failure. */
	sessions_spawn(l, s, &peer, &local);
}

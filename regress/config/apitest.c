/*
 * apitest: what the rest of the daemon reads from struct config, checked
 * field by field on cases/good-full.in: byte orders (ranges in host
 * order, addresses and ports in network order), CIDR expansion, offer
 * order, defaults and lookups.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "pppoxd.h"
#include "log.h"
#include "config.h"

static void	test_defaults(void);
static void	test_full(const char *);
static void	test_pools(const struct config *);
static void	test_ppps(const struct config *);
static void	test_listeners(const struct config *);

int
main(void)
{
	log_init(1, 0);
	test_defaults();
	test_full("cases/good-full.in");
	CHECK(parse_config("cases/no-such-file.conf") == NULL);
	CHECK(parse_config("cases/bad-many.in") == NULL);
	config_free(NULL);
	return (test_done("apitest"));
}

static void
test_defaults(void)
{
	struct config	*conf;
	struct ppp_conf	*ppp;
	char		 host[HOST_NAME_MAX + 1];

	conf = config_new();
	CHECK(strcmp(conf->user, PPPOXD_USER) == 0);
	CHECK(strcmp(conf->chroot, PPPOXD_CHROOT) == 0);
	CHECK(strcmp(conf->secrets, PPPOXD_SECRETS) == 0);
	CHECK(strcmp(conf->socket, PPPOXD_SOCKET) == 0);
	CHECK(gethostname(host, sizeof(host)) == 0);
	CHECK(strcmp(conf->name, host) == 0);
	CHECK(conf->verbose == 0);
	CHECK(conf->strip_domain == AUTH_STRIP_DOMAIN_FALLBACK);
	CHECK(conf->max_sessions == 1000);
	CHECK(conf->ctrl_timeout == 10);
	CHECK(TAILQ_EMPTY(&conf->pools));
	CHECK(TAILQ_EMPTY(&conf->listeners));
	ppp = config_ppp(conf, "default");
	CHECK(ppp != NULL && ppp == TAILQ_FIRST(&conf->ppps) &&
	    TAILQ_NEXT(ppp, entry) == NULL);
	if (ppp != NULL) {
		CHECK(ppp->lineno == 0);
		CHECK(ppp->nauth == 1 && ppp->auth[0] == CONF_AUTH_MSCHAPV2);
		CHECK(ppp->mppe == CONF_MPPE_REQUIRED);
		CHECK(ppp->mppe_bits == CONF_MPPE_128);
		CHECK(ppp->mppe_stateful == 0);
		CHECK(ppp->mru == 1400);
		CHECK(ppp->echo_interval == 30);
		CHECK(ppp->echo_failures == 3);
		CHECK(ppp->idle_timeout == 0);
		CHECK(ppp->session_timeout == 0);
		CHECK(ppp->max_auth_failures == 3);
	}
	CHECK(config_pool(conf, "default") == NULL);
	CHECK(config_check(conf) == 0);
	config_free(conf);

	CHECK(strcmp(config_proto_name(CONF_PROTO_PPTP), "pptp") == 0);
	CHECK(strcmp(config_proto_name(CONF_PROTO_PPPOE), "pppoe") == 0);
	CHECK(strcmp(config_auth_name(CONF_AUTH_PAP), "pap") == 0);
	CHECK(strcmp(config_auth_name(CONF_AUTH_CHAP), "chap") == 0);
	CHECK(strcmp(config_auth_name(CONF_AUTH_MSCHAP), "mschap") == 0);
	CHECK(strcmp(config_auth_name(CONF_AUTH_MSCHAPV2), "mschap-v2") == 0);
}

static void
test_full(const char *path)
{
	struct config	*conf;

	if ((conf = parse_config(path)) == NULL) {
		CHECK(!"parse_config failed");
		return;
	}
	CHECK(strcmp(conf->path, path) == 0);
	CHECK(strcmp(conf->user, "_vpn") == 0);
	CHECK(strcmp(conf->chroot, "/var/empty") == 0);
	CHECK(strcmp(conf->secrets, "/etc/pppoxd/chap-secrets") == 0);
	CHECK(strcmp(conf->socket, "/run/pppoxd/control.sock") == 0);
	CHECK(strcmp(conf->name, "vpn.example.com") == 0);
	CHECK(conf->verbose == 1);
	CHECK(conf->strip_domain == AUTH_STRIP_DOMAIN_YES);
	CHECK(conf->max_sessions == 250);
	CHECK(conf->ctrl_timeout == 30);
	test_pools(conf);
	test_ppps(conf);
	test_listeners(conf);
	config_free(conf);
}

static void
test_pools(const struct config *conf)
{
	static const struct {
		in_addr_t	start, end;
		int		lineno;
	} want[] = {
		{ 0x0a08000a, 0x0a080063, 13 },	/* 10.8.0.10 - 10.8.0.99 */
		{ 0x0a080101, 0x0a0801fe, 14 },	/* 10.8.1.0/24 */
		{ 0x0a080200, 0x0a080201, 15 },	/* 10.8.2.0/31 */
		{ 0x0a080307, 0x0a080307, 16 },	/* 10.8.3.7/32 */
	};
	struct pool_conf	*pool;
	struct pool_range	*r;
	size_t			 i = 0;

	pool = config_pool(conf, "office");
	CHECK(pool != NULL && pool == TAILQ_FIRST(&conf->pools));
	if (pool == NULL)
		return;
	CHECK(pool->lineno == 11);
	CHECK(pool->local.s_addr == htonl(0x0a080001));
	TAILQ_FOREACH(r, &pool->ranges, entry) {
		if (i < sizeof(want) / sizeof(want[0])) {
			CHECK(r->start == want[i].start);
			CHECK(r->end == want[i].end);
			CHECK(r->lineno == want[i].lineno);
		}
		i++;
	}
	CHECK(i == sizeof(want) / sizeof(want[0]));
	CHECK(pool->ndns == 2);
	CHECK(pool->dns[0].s_addr == htonl(0x0a080001));
	CHECK(pool->dns[1].s_addr == htonl(0x0a080002));
	CHECK(pool->nnbns == 1);
	CHECK(pool->nbns[0].s_addr == htonl(0x0a080003));

	pool = config_pool(conf, "guests");
	CHECK(pool != NULL && pool == TAILQ_NEXT(TAILQ_FIRST(&conf->pools),
	    entry));
	if (pool == NULL)
		return;
	CHECK(pool->ndns == 0);
	CHECK(pool->nnbns == 2);
	CHECK(pool->nbns[1].s_addr == htonl(0xac1000fe));
	r = TAILQ_FIRST(&pool->ranges);
	CHECK(r != NULL && r->start == 0xac100002 && r->end == 0xac100002 &&
	    TAILQ_NEXT(r, entry) == NULL);
	CHECK(config_pool(conf, "nope") == NULL);
}

static void
test_ppps(const struct config *conf)
{
	struct ppp_conf	*ppp;

	CHECK(TAILQ_FIRST(&conf->ppps) == config_ppp(conf, "default"));
	ppp = config_ppp(conf, "windows");
	CHECK(ppp != NULL);
	if (ppp != NULL) {
		CHECK(ppp->lineno == 27);
		CHECK(ppp->nauth == 4);
		CHECK(ppp->auth[0] == CONF_AUTH_MSCHAPV2);
		CHECK(ppp->auth[1] == CONF_AUTH_MSCHAP);
		CHECK(ppp->auth[2] == CONF_AUTH_CHAP);
		CHECK(ppp->auth[3] == CONF_AUTH_PAP);
		CHECK(ppp->mppe == CONF_MPPE_OPTIONAL);
		CHECK(ppp->mppe_bits ==
		    (CONF_MPPE_40 | CONF_MPPE_56 | CONF_MPPE_128));
		CHECK(ppp->mppe_stateful == 1);
		CHECK(ppp->mru == 1500);
		CHECK(ppp->echo_interval == 0);
		CHECK(ppp->echo_failures == 5);
		CHECK(ppp->idle_timeout == 600);
		CHECK(ppp->session_timeout == 86400);
		CHECK(ppp->max_auth_failures == 1);
	}
	ppp = config_ppp(conf, "plain");
	CHECK(ppp != NULL);
	if (ppp != NULL) {
		CHECK(ppp->nauth == 2);
		CHECK(ppp->auth[0] == CONF_AUTH_PAP);
		CHECK(ppp->auth[1] == CONF_AUTH_CHAP);
		CHECK(ppp->mppe == CONF_MPPE_OFF);
		CHECK(ppp->mru == 1400);
	}
	CHECK(config_ppp(conf, "nope") == NULL);
}

static void
test_listeners(const struct config *conf)
{
	struct listen_conf		*lc;
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	struct in6_addr			 in6;
	int				 n = 0;

	TAILQ_FOREACH(lc, &conf->listeners, entry) {
		sin = (const struct sockaddr_in *)&lc->addr;
		sin6 = (const struct sockaddr_in6 *)&lc->addr;
		switch (n++) {
		case 0:
			CHECK(lc->proto == CONF_PROTO_PPTP);
			CHECK(lc->lineno == 43);
			CHECK(sin->sin_family == AF_INET);
			CHECK(sin->sin_addr.s_addr == htonl(INADDR_ANY));
			CHECK(sin->sin_port == htons(1723));
			CHECK(strcmp(lc->pool, "office") == 0);
			CHECK(strcmp(lc->ppp, "default") == 0);
			break;
		case 1:
			CHECK(sin->sin_family == AF_INET);
			CHECK(sin->sin_addr.s_addr == htonl(0xc0000201));
			CHECK(sin->sin_port == htons(1724));
			CHECK(strcmp(lc->pool, "guests") == 0);
			CHECK(strcmp(lc->ppp, "windows") == 0);
			break;
		case 2:
			/* "port" came before "on": the port must survive. */
			CHECK(inet_pton(AF_INET6, "2001:db8::1", &in6) == 1);
			CHECK(sin6->sin6_family == AF_INET6);
			CHECK(memcmp(&sin6->sin6_addr, &in6,
			    sizeof(in6)) == 0);
			CHECK(sin6->sin6_port == htons(1723));
			break;
		case 5:
			CHECK(lc->proto == CONF_PROTO_PPPOE);
			CHECK(strcmp(lc->ifname, "vlan.100") == 0);
			CHECK(lc->nservices == 2);
			CHECK(strcmp(lc->services[0], "internet") == 0);
			CHECK(strcmp(lc->services[1], "iptv") == 0);
			CHECK(strcmp(lc->pool, "office") == 0);
			CHECK(strcmp(lc->ppp, "plain") == 0);
			break;
		}
	}
	CHECK(n == 6);
}

/*
 * config.c: the parsed form of pppoxd.conf(5) once it exists: defaults,
 * the checks that need the whole file, lookups, the canonical printer
 * behind "pppoxd -nv", and freeing.  The grammar itself is in parse.c.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "config.h"

static void	 config_check_pools(const struct config *, int *);
static void	 config_check_listeners(const struct config *, int *);
static void	 config_error(const struct config *, int *, int, const char *,
		    ...) __attribute__((format(printf, 4, 5)));
static const char *config_addr(in_addr_t, char *, size_t);
static const char *config_sockaddr(const struct sockaddr_storage *, char *,
		    size_t);
static in_port_t config_port(const struct sockaddr_storage *);
static void	 config_print_pool(FILE *, const struct pool_conf *);
static void	 config_print_ppp(FILE *, const struct ppp_conf *);
static void	 config_print_listen(FILE *, const struct listen_conf *);

struct config *
config_new(void)
{
	struct config	*conf;
	struct ppp_conf	*ppp;
	char		 host[HOST_NAME_MAX + 1];

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		fatal("%s", __func__);
	strlcpy(conf->user, PPPOXD_USER, sizeof(conf->user));
	strlcpy(conf->chroot, PPPOXD_CHROOT, sizeof(conf->chroot));
	strlcpy(conf->secrets, PPPOXD_SECRETS, sizeof(conf->secrets));
	strlcpy(conf->socket, PPPOXD_SOCKET, sizeof(conf->socket));
	/*
	 * pppd's default for the server column of chap-secrets is the host
	 * name too.  One that does not fit stays empty: parse_config()
	 * then asks for an explicit "name" rather than matching a
	 * truncated one.
	 */
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (strlcpy(conf->name, host, sizeof(conf->name)) >=
		    sizeof(conf->name))
			conf->name[0] = '\0';
	}
	conf->strip_domain = AUTH_STRIP_DOMAIN_FALLBACK;
	conf->max_sessions = CONF_MAX_SESSIONS;
	conf->ctrl_timeout = CONF_CTRL_TIMEOUT;
	TAILQ_INIT(&conf->pools);
	TAILQ_INIT(&conf->ppps);
	TAILQ_INIT(&conf->listeners);
	/* lineno 0: implicit, so the file may still define it once. */
	ppp = config_ppp_new(CONF_PPP_DEFAULT);
	TAILQ_INSERT_TAIL(&conf->ppps, ppp, entry);
	return (conf);
}

/* A profile with every default; the caller checks the name's length. */
struct ppp_conf *
config_ppp_new(const char *name)
{
	struct ppp_conf	*ppp;

	if ((ppp = calloc(1, sizeof(*ppp))) == NULL)
		fatal("%s", __func__);
	strlcpy(ppp->name, name, sizeof(ppp->name));
	ppp->auth[0] = CONF_AUTH_MSCHAPV2;
	ppp->nauth = 1;
	ppp->mppe = CONF_MPPE_REQUIRED;
	ppp->mppe_bits = CONF_MPPE_128;
	ppp->mppe_stateful = 0;
	ppp->mru = CONF_MRU;
	ppp->echo_interval = CONF_ECHO_INTERVAL;
	ppp->echo_failures = CONF_ECHO_FAILURES;
	ppp->idle_timeout = 0;
	ppp->session_timeout = 0;
	ppp->max_auth_failures = CONF_MAX_AUTH_FAILURES;
	return (ppp);
}

void
config_free(struct config *conf)
{
	struct pool_conf	*pool;
	struct pool_range	*range;
	struct ppp_conf		*ppp;
	struct listen_conf	*lc;

	if (conf == NULL)
		return;
	while ((pool = TAILQ_FIRST(&conf->pools)) != NULL) {
		TAILQ_REMOVE(&conf->pools, pool, entry);
		while ((range = TAILQ_FIRST(&pool->ranges)) != NULL) {
			TAILQ_REMOVE(&pool->ranges, range, entry);
			free(range);
		}
		free(pool);
	}
	while ((ppp = TAILQ_FIRST(&conf->ppps)) != NULL) {
		TAILQ_REMOVE(&conf->ppps, ppp, entry);
		free(ppp);
	}
	while ((lc = TAILQ_FIRST(&conf->listeners)) != NULL) {
		TAILQ_REMOVE(&conf->listeners, lc, entry);
		free(lc);
	}
	free(conf);
}

struct pool_conf *
config_pool(const struct config *conf, const char *name)
{
	struct pool_conf	*pool;

	TAILQ_FOREACH(pool, &conf->pools, entry)
		if (strcmp(pool->name, name) == 0)
			return (pool);
	return (NULL);
}

struct ppp_conf *
config_ppp(const struct config *conf, const char *name)
{
	struct ppp_conf	*ppp;

	TAILQ_FOREACH(ppp, &conf->ppps, entry)
		if (strcmp(ppp->name, name) == 0)
			return (ppp);
	return (NULL);
}

const char *
config_proto_name(enum conf_proto proto)
{
	switch (proto) {
	case CONF_PROTO_PPTP:
		return ("pptp");
	case CONF_PROTO_PPPOE:
		return ("pppoe");
	}
	return ("unknown");
}

const char *
config_auth_name(enum conf_auth auth)
{
	switch (auth) {
	case CONF_AUTH_PAP:
		return ("pap");
	case CONF_AUTH_CHAP:
		return ("chap");
	case CONF_AUTH_MSCHAP:
		return ("mschap");
	case CONF_AUTH_MSCHAPV2:
		return ("mschap-v2");
	}
	return ("unknown");
}

/* The word of strip-domain for an enum auth_strip_domain value. */
const char *
config_strip_domain_name(int strip)
{
	switch (strip) {
	case AUTH_STRIP_DOMAIN_FALLBACK:
		return ("fallback");
	case AUTH_STRIP_DOMAIN_NO:
		return ("no");
	case AUTH_STRIP_DOMAIN_YES:
		return ("yes");
	}
	return ("unknown");
}

/*
 * What needs more than one statement to judge: the parser has already
 * checked every statement on its own.  Runs even after syntax errors so
 * that one run reports everything.
 */
int
config_check(const struct config *conf)
{
	const struct ppp_conf	*ppp, *other;
	int			 errors = 0;

	config_check_pools(conf, &errors);
	TAILQ_FOREACH(ppp, &conf->ppps, entry) {
		for (other = TAILQ_FIRST(&conf->ppps); other != ppp;
		    other = TAILQ_NEXT(other, entry))
			if (strcmp(other->name, ppp->name) == 0)
				break;
		if (other != ppp)
			config_error(conf, &errors, ppp->lineno,
			    "ppp \"%s\" already defined at line %d",
			    ppp->name, other->lineno);
	}
	config_check_listeners(conf, &errors);
	return (errors);
}

/*
 * Every address handed out must be unique, so ranges may not overlap
 * even across pools; the local address is shared by all links of a pool
 * and so must not be handed out by any.
 */
static void
config_check_pools(const struct config *conf, int *errors)
{
	const struct pool_conf	*pool, *opool;
	const struct pool_range	*r, *or;
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	char			 c[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	in_addr_t		 local;

	TAILQ_FOREACH(pool, &conf->pools, entry) {
		for (opool = TAILQ_FIRST(&conf->pools); opool != pool;
		    opool = TAILQ_NEXT(opool, entry))
			if (strcmp(opool->name, pool->name) == 0)
				break;
		if (opool != pool)
			config_error(conf, errors, pool->lineno,
			    "pool \"%s\" already defined at line %d",
			    pool->name, opool->lineno);
	}

	TAILQ_FOREACH(pool, &conf->pools, entry) {
		TAILQ_FOREACH(r, &pool->ranges, entry) {
			config_addr(r->start, a, sizeof(a));
			config_addr(r->end, b, sizeof(b));
			/* Each pair once: only ranges that come before r. */
			TAILQ_FOREACH(opool, &conf->pools, entry) {
				TAILQ_FOREACH(or, &opool->ranges, entry) {
					if (or == r)
						break;
					if (r->start > or->end ||
					    r->end < or->start)
						continue;
					config_error(conf, errors, r->lineno,
					    "range %s - %s overlaps range "
					    "%s - %s of pool \"%s\" (line %d)",
					    a, b, config_addr(or->start, c,
					    sizeof(c)), config_addr(or->end, d,
					    sizeof(d)), opool->name,
					    or->lineno);
				}
				if (or == r)
					break;
			}
			TAILQ_FOREACH(opool, &conf->pools, entry) {
				local = ntohl(opool->local.s_addr);
				if (opool->local.s_addr == INADDR_ANY ||
				    local < r->start || local > r->end)
					continue;
				config_error(conf, errors, r->lineno,
				    "range %s - %s contains the local address "
				    "%s of pool \"%s\"", a, b,
				    config_addr(local, c, sizeof(c)),
				    opool->name);
			}
		}
	}
}

static void
config_check_listeners(const struct config *conf, int *errors)
{
	const struct listen_conf	*lc, *olc;
	char				 addr[INET6_ADDRSTRLEN];
	const char			*proto;

	TAILQ_FOREACH(lc, &conf->listeners, entry) {
		proto = config_proto_name(lc->proto);
		if (config_pool(conf, lc->pool) == NULL)
			config_error(conf, errors, lc->lineno,
			    "listen %s: pool \"%s\" is not defined", proto,
			    lc->pool);
		if (config_ppp(conf, lc->ppp) == NULL)
			config_error(conf, errors, lc->lineno,
			    "listen %s: ppp \"%s\" is not defined", proto,
			    lc->ppp);
		for (olc = TAILQ_FIRST(&conf->listeners); olc != lc;
		    olc = TAILQ_NEXT(olc, entry)) {
			if (olc->proto != lc->proto)
				continue;
			if (lc->proto == CONF_PROTO_PPTP &&
			    memcmp(&olc->addr, &lc->addr,
			    sizeof(lc->addr)) == 0) {
				config_error(conf, errors, lc->lineno,
				    "listen pptp on %s port %u already "
				    "defined at line %d", config_sockaddr(
				    &lc->addr, addr, sizeof(addr)),
				    config_port(&lc->addr), olc->lineno);
				break;
			}
			if (lc->proto == CONF_PROTO_PPPOE &&
			    strcmp(olc->ifname, lc->ifname) == 0) {
				config_error(conf, errors, lc->lineno,
				    "listen pppoe on \"%s\" already defined "
				    "at line %d", lc->ifname, olc->lineno);
				break;
			}
		}
	}
}

static void
config_error(const struct config *conf, int *errors, int lineno,
    const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s:%d: %s", conf->path, lineno, msg);
	(*errors)++;
}

/* A host byte order address as text. */
static const char *
config_addr(in_addr_t addr, char *buf, size_t len)
{
	struct in_addr	ina;

	ina.s_addr = htonl(addr);
	if (inet_ntop(AF_INET, &ina, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

static const char *
config_sockaddr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void	*a;

	if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	else
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	if (inet_ntop(ss->ss_family, a, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

static in_port_t
config_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return (ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	return (ntohs(((const struct sockaddr_in *)ss)->sin_port));
}

/*
 * Every value explicit and always in the same order, so that the output
 * parses back to a config that prints the same.
 */
void
config_print(FILE *fp, const struct config *conf)
{
	const struct pool_conf		*pool;
	const struct ppp_conf		*ppp;
	const struct listen_conf	*lc;

	fprintf(fp, "user \"%s\"\n", conf->user);
	fprintf(fp, "chroot \"%s\"\n", conf->chroot);
	fprintf(fp, "secrets \"%s\"\n", conf->secrets);
	fprintf(fp, "socket \"%s\"\n", conf->socket);
	fprintf(fp, "name \"%s\"\n", conf->name);
	fprintf(fp, "strip-domain %s\n",
	    config_strip_domain_name(conf->strip_domain));
	fprintf(fp, "log %s\n", conf->verbose ? "verbose" : "normal");
	fprintf(fp, "max-sessions %d\n", conf->max_sessions);
	fprintf(fp, "control-timeout %d\n", conf->ctrl_timeout);
	TAILQ_FOREACH(pool, &conf->pools, entry)
		config_print_pool(fp, pool);
	TAILQ_FOREACH(ppp, &conf->ppps, entry)
		config_print_ppp(fp, ppp);
	if (!TAILQ_EMPTY(&conf->listeners))
		fprintf(fp, "\n");
	TAILQ_FOREACH(lc, &conf->listeners, entry)
		config_print_listen(fp, lc);
}

static void
config_print_pool(FILE *fp, const struct pool_conf *pool)
{
	const struct pool_range	*r;
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int			 i;

	fprintf(fp, "\npool \"%s\" {\n", pool->name);
	fprintf(fp, "\tlocal %s\n", config_addr(ntohl(pool->local.s_addr),
	    a, sizeof(a)));
	TAILQ_FOREACH(r, &pool->ranges, entry)
		fprintf(fp, "\trange %s - %s\n",
		    config_addr(r->start, a, sizeof(a)),
		    config_addr(r->end, b, sizeof(b)));
	if (pool->ndns > 0) {
		fprintf(fp, "\tdns");
		for (i = 0; i < pool->ndns; i++)
			fprintf(fp, " %s", config_addr(
			    ntohl(pool->dns[i].s_addr), a, sizeof(a)));
		fprintf(fp, "\n");
	}
	if (pool->nnbns > 0) {
		fprintf(fp, "\tnbns");
		for (i = 0; i < pool->nnbns; i++)
			fprintf(fp, " %s", config_addr(
			    ntohl(pool->nbns[i].s_addr), a, sizeof(a)));
		fprintf(fp, "\n");
	}
	fprintf(fp, "}\n");
}

static void
config_print_ppp(FILE *fp, const struct ppp_conf *ppp)
{
	int	i;

	fprintf(fp, "\nppp \"%s\" {\n", ppp->name);
	fprintf(fp, "\tauth");
	for (i = 0; i < ppp->nauth; i++)
		fprintf(fp, " %s", config_auth_name(ppp->auth[i]));
	fprintf(fp, "\n\tmppe ");
	switch (ppp->mppe) {
	case CONF_MPPE_OFF:
		fprintf(fp, "off");
		break;
	case CONF_MPPE_OPTIONAL:
	case CONF_MPPE_REQUIRED:
		fprintf(fp, "%s", ppp->mppe == CONF_MPPE_REQUIRED ?
		    "required" : "optional");
		if (ppp->mppe_bits & CONF_MPPE_40)
			fprintf(fp, " 40");
		if (ppp->mppe_bits & CONF_MPPE_56)
			fprintf(fp, " 56");
		if (ppp->mppe_bits & CONF_MPPE_128)
			fprintf(fp, " 128");
		fprintf(fp, " %s", ppp->mppe_stateful ? "stateful" :
		    "stateless");
		break;
	}
	fprintf(fp, "\n");
	fprintf(fp, "\tmru %d\n", ppp->mru);
	fprintf(fp, "\tlcp-echo-interval %d\n", ppp->echo_interval);
	fprintf(fp, "\tlcp-echo-failure %d\n", ppp->echo_failures);
	fprintf(fp, "\tidle-timeout %d\n", ppp->idle_timeout);
	fprintf(fp, "\tsession-timeout %d\n", ppp->session_timeout);
	fprintf(fp, "\tmax-auth-failures %d\n", ppp->max_auth_failures);
	if (ppp->mss_clamp == -1)
		fprintf(fp, "\ttcp-mss-clamp yes\n");
	else if (ppp->mss_clamp == 0)
		fprintf(fp, "\ttcp-mss-clamp no\n");
	else
		fprintf(fp, "\ttcp-mss-clamp %d\n", ppp->mss_clamp);
	fprintf(fp, "}\n");
}

static void
config_print_listen(FILE *fp, const struct listen_conf *lc)
{
	char	addr[INET6_ADDRSTRLEN];
	int	i;

	switch (lc->proto) {
	case CONF_PROTO_PPTP:
		fprintf(fp, "listen pptp on %s port %u",
		    config_sockaddr(&lc->addr, addr, sizeof(addr)),
		    config_port(&lc->addr));
		break;
	case CONF_PROTO_PPPOE:
		fprintf(fp, "listen pppoe on \"%s\"", lc->ifname);
		break;
	}
	fprintf(fp, " pool \"%s\" ppp \"%s\"", lc->pool, lc->ppp);
	if (lc->proto == CONF_PROTO_PPPOE) {
		for (i = 0; i < lc->nservices; i++)
			fprintf(fp, " service \"%s\"", lc->services[i]);
		fprintf(fp, " any-service %s", lc->any_service ? "yes" : "no");
		if (lc->ac_name[0] != '\0')
			fprintf(fp, " ac-name \"%s\"", lc->ac_name);
		fprintf(fp, " max-sessions-per-mac %d padi-limit %d "
		    "padi-limit-per-mac %d", lc->max_per_mac, lc->padi_limit,
		    lc->padi_limit_per_mac);
	}
	fprintf(fp, "\n");
}

/*
 * ratelimit.c: new connections per peer address, a token bucket each, so
 * that one address flooding the listener cannot starve the others of
 * session children.  Generous enough for many clients behind one NAT
 * address; memory is a fixed table, the least recently seen peer making
 * room for a new one.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>
#include <time.h>

#include "pppoxd.h"
#include "log.h"
#include "parent.h"
#include "util.h"

#define RL_SLOTS	1024	/* peers remembered */
#define RL_BURST	20	/* connections at once */
#define RL_RATE		2	/* connections per second after that */

struct rl_peer {
	uint8_t		 addr[16];	/* IPv4 in the first 4 bytes */
	int		 family;
	double		 tokens;
	uint64_t	 last;		/* ms */
	uint64_t	 refused;
};

static struct rl_peer	 rl_table[RL_SLOTS];

static uint64_t
rl_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* 1 if a new connection from ss may go on, 0 if it is over the limit. */
int
ratelimit_allow(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;
	struct rl_peer			*p, *oldest = &rl_table[0];
	uint8_t				 key[16];
	uint64_t			 now = rl_now();
	char				 name[64];
	int				 i;

	memset(key, 0, sizeof(key));
	if (ss->ss_family == AF_INET)
		memcpy(key, &sin->sin_addr, sizeof(sin->sin_addr));
	else if (ss->ss_family == AF_INET6)
		memcpy(key, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
	else
		return (1);

	for (i = 0, p = NULL; i < RL_SLOTS; i++) {
		if (rl_table[i].family == ss->ss_family &&
		    memcmp(rl_table[i].addr, key, sizeof(key)) == 0) {
			p = &rl_table[i];
			break;
		}
		if (rl_table[i].last < oldest->last)
			oldest = &rl_table[i];
	}
	if (p == NULL) {
		p = oldest;
		memset(p, 0, sizeof(*p));
		memcpy(p->addr, key, sizeof(key));
		p->family = ss->ss_family;
		p->tokens = RL_BURST;
		p->last = now;
	}
	p->tokens += (double)(now - p->last) * RL_RATE / 1000;
	if (p->tokens > RL_BURST)
		p->tokens = RL_BURST;
	p->last = now;
	if (p->tokens >= 1) {
		p->tokens -= 1;
		if (p->refused > 0) {
			log_info("%s: %llu connection(s) were refused by the rate "
			    "limit", sockaddr_addr_str(ss, name, sizeof(name)),
			    (unsigned long long)p->refused);
			p->refused = 0;
		}
		return (1);
	}
	/* Log the first refusal of a burst, count the rest. */
	if (p->refused++ == 0)
		log_warnx("%s: more than %d connections at once and %d a "
		    "second: refusing", sockaddr_addr_str(ss, name,
		    sizeof(name)), RL_BURST, RL_RATE);
	return (0);
}

/*
 * fuzz_secrets: secrets_load() on arbitrary bytes, given as the secrets
 * file through a memfd, then lookups and address checks on what it
 * kept.  Every "@/..." secret file resolves to the same bytes, so the
 * indirect path is fuzzed too.  Structural invariants are checked with
 * abort(), which the fuzzer reports like a crash.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "secrets.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fuzz_fd = -1;

static int	fuzz_opener(const char *, void *);
static void	fuzz_check(const struct secrets *, const char *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* stderr, which the Makefile runs with closed (-close_fd_mask=2). */
	log_init(1, LOG_DAEMON);
	if ((fuzz_fd = memfd_create("fuzz-secrets", 0)) == -1 ||
	    fchmod(fuzz_fd, 0600) == -1)
		abort();
	return (0);
}

static int
fuzz_opener(const char *path, void *arg)
{
	int	fd;

	(void)path;
	(void)arg;
	if ((fd = dup(fuzz_fd)) == -1)
		return (-1);
	lseek(fd, 0, SEEK_SET);
	return (fd);
}

static void
fuzz_check(const struct secrets *s, const char *name, size_t len)
{
	static const char	*addrs[] = { "10.0.0.1", "192.168.1.7",
				    "0.0.0.0", "255.255.255.255" };
	const struct secret	*e;
	struct in_addr		 in;
	size_t			 i;
	int			 flags;

	for (flags = 0; flags <= SECRETS_LOOKUP_STRIP_DOMAIN;
	    flags += SECRETS_LOOKUP_STRIP_DOMAIN) {
		if ((e = secrets_lookup(s, name, len, flags)) == NULL)
			continue;
		if (e->s_secretlen > SECRET_LEN_MAX ||
		    e->s_naddrs < 0 || e->s_naddrs > SECRETS_ADDR_MAX ||
		    strlen(e->s_client) != e->s_clientlen ||
		    e->s_score < 0 || e->s_score > 3 || e->s_lineno < 1)
			abort();
		/* Lookup found an exact entry: it must be that name. */
		if ((e->s_score & 2) && (flags == 0 && (e->s_clientlen != len ||
		    memcmp(e->s_client, name, len) != 0)))
			abort();
		for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
			inet_pton(AF_INET, addrs[i], &in);
			(void)secrets_addr_allowed(e, in);
		}
		if (e->s_policy == SECRET_ADDR_FIXED &&
		    !secrets_addr_allowed(e, e->s_fixed))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secrets	*s;
	uint32_t	 nerrors;
	size_t		 i, n;

	if (ftruncate(fuzz_fd, 0) == -1 ||
	    pwrite(fuzz_fd, data, size, 0) != (ssize_t)size ||
	    lseek(fuzz_fd, 0, SEEK_SET) != 0)
		abort();
	s = secrets_load(fuzz_fd, "fuzz", "server", fuzz_opener, NULL,
	    &nerrors);
	if (s == NULL)
		return (0);
	fuzz_check(s, "", 0);
	fuzz_check(s, "*", 1);
	fuzz_check(s, "alice", 5);
	fuzz_check(s, "DOMAIN\\alice", 12);
	/* Names taken from the input itself, up to each separator. */
	for (i = 0, n = 0; i < size && n < 8; n++) {
		size_t	start = i;

		while (i < size && data[i] != ' ' && data[i] != '\t' &&
		    data[i] != '\n')
			i++;
		fuzz_check(s, (const char *)data + start, i - start);
		i++;
	}
	secrets_free(s);
	return (0);
}

/*
 * test_secrets: the chap-secrets parser.  Files are built in memory
 * (memfd), messages are read back from stderr, where log.c writes them
 * in debug mode.
 *
 * usage: test_secrets words|best-match|addresses|malformed|atfile|read
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "secrets.h"
#include "test.h"

#define PATH	"test.secrets"

static char	 captured[65536];
static int	 cap_fd = -1, cap_saved = -1;

static int	 mkfd(const char *, size_t, mode_t);
static struct secrets *load(const char *, const char *, uint32_t *);
static void	 cap_start(void);
static const char *cap_end(void);
static int	 has(const char *);
static const struct secret *get(const struct secrets *, const char *);
static int	 secret_is(const struct secret *, const char *, size_t);
static int	 allowed(const struct secret *, const char *);
static int	 fixed_is(const struct secret *, const char *);
static int	 test_opener(const char *, void *);
static void	 test_list(const char *, void *);
static void	 writefile(const char *, const char *, const char *, size_t,
		    mode_t);
static void	 test_words(void);
static void	 test_best_match(void);
static void	 test_addresses(void);
static void	 test_malformed(void);
static void	 test_atfile(void);
static void	 test_read(void);

static int
mkfd(const char *data, size_t len, mode_t mode)
{
	int	fd;

	if ((fd = memfd_create("secrets", 0)) == -1 ||
	    write(fd, data, len) != (ssize_t)len ||
	    lseek(fd, 0, SEEK_SET) != 0 || fchmod(fd, mode) == -1) {
		perror("memfd");
		exit(2);
	}
	return (fd);
}

/* Load data as PATH for server; messages end up in captured[]. */
static struct secrets *
load(const char *data, const char *server, uint32_t *nerrors)
{
	struct secrets	*s;
	int		 fd;

	fd = mkfd(data, strlen(data), 0600);
	cap_start();
	s = secrets_load(fd, PATH, server, NULL, NULL, nerrors);
	cap_end();
	close(fd);
	if (s == NULL) {
		fprintf(stderr, "secrets_load failed\n");
		exit(1);
	}
	return (s);
}

static void
cap_start(void)
{
	fflush(stderr);
	if ((cap_fd = memfd_create("stderr", 0)) == -1 ||
	    (cap_saved = dup(2)) == -1 || dup2(cap_fd, 2) == -1) {
		perror("capture");
		exit(2);
	}
}

/* Stop capturing; echo what was captured so a failing run shows it. */
static const char *
cap_end(void)
{
	ssize_t	n;

	fflush(stderr);
	dup2(cap_saved, 2);
	close(cap_saved);
	n = pread(cap_fd, captured, sizeof(captured) - 1, 0);
	close(cap_fd);
	captured[n > 0 ? n : 0] = '\0';
	fputs(captured, stderr);
	return (captured);
}

static int
has(const char *s)
{
	return (strstr(captured, s) != NULL);
}

static const struct secret *
get(const struct secrets *s, const char *name)
{
	return (secrets_lookup(s, name, strlen(name), 0));
}

static int
secret_is(const struct secret *e, const char *want, size_t len)
{
	return (e != NULL && e->s_secretlen == len &&
	    memcmp(e->s_secret, want, len) == 0);
}

static int
allowed(const struct secret *e, const char *addr)
{
	struct in_addr	in;

	if (inet_pton(AF_INET, addr, &in) != 1)
		abort();
	return (secrets_addr_allowed(e, in));
}

static int
fixed_is(const struct secret *e, const char *addr)
{
	struct in_addr	in;

	if (inet_pton(AF_INET, addr, &in) != 1)
		abort();
	return (e != NULL && e->s_fixed.s_addr == in.s_addr);
}

#define SECRET_IS(e, str)	CHECK(secret_is((e), (str), strlen(str)))

static void
test_words(void)
{
	struct secrets		*s;
	const struct secret	*e;
	uint32_t		 nerr = 99;

	s = load(
	    "# a comment line\n"
	    "alice server \"pass word\" *\n"
	    "bob\tserver\t'single \"quoted\"'   *   # trailing comment\n"
	    "carol server a\"b c\"d *\n"
	    "dave server esc\\ aped\\\"q\\\\ *\n"
	    "eve server \"\\a\\b\\f\\n\\r\\s\\t\" *\n"
	    "frank server \\101\\x42\\x4a\\7\\1014\\x4g *\n"
	    "gina server \"multi\\\nline\" *\n"
	    "hank server \"a\nb\" *\n"
	    "ivan server \\\n  ivansecret *\n"
	    "judy server se#cret *\n"
	    "kim server \"se#cret\" *\n"
	    "leo server \"\" *\n"
	    "mia server 'back\\slash' *\n"
	    "nick server @notafile *\n"
	    "\\#oscar server hash *\n"
	    "pat server crlf *\r\n"
	    "q\"u o\"te server x *\n"
	    "   \t  # indented comment\n"
	    "\n"
	    "ralph\vserver\fformfeed *\n"
	    "zed server \"\"", "server", &nerr);
	CHECK(nerr == 0);
	CHECK(secrets_count(s) == 19);

	SECRET_IS(get(s, "alice"), "pass word");
	SECRET_IS(get(s, "bob"), "single \"quoted\"");
	SECRET_IS(get(s, "carol"), "ab cd");
	SECRET_IS(get(s, "dave"), "esc aped\"q\\");
	SECRET_IS(get(s, "eve"), "\a\b\f\n\r \t");
	SECRET_IS(get(s, "frank"), "ABJ\007A4\004g");
	SECRET_IS(get(s, "gina"), "multiline");
	/* A quoted newline is in the word; "*" is still this entry's. */
	SECRET_IS((e = get(s, "hank")), "a\nb");
	CHECK(e != NULL && e->s_policy == SECRET_ADDR_ANY);
	CHECK(e != NULL && e->s_lineno == 10);
	SECRET_IS(get(s, "ivan"), "ivansecret");
	/* '#' ends the word: the secret is "se", and "*" is a comment. */
	SECRET_IS((e = get(s, "judy")), "se");
	CHECK(e != NULL && e->s_policy == SECRET_ADDR_NONE);
	CHECK(has(PATH ":14: no address column: \"judy\""));
	SECRET_IS(get(s, "kim"), "se#cret");
	SECRET_IS((e = get(s, "leo")), "");
	CHECK(e != NULL && e->s_secretlen == 0);
	SECRET_IS(get(s, "mia"), "back lash");
	SECRET_IS(get(s, "nick"), "@notafile");
	SECRET_IS(get(s, "#oscar"), "hash");
	SECRET_IS((e = get(s, "pat")), "crlf");
	CHECK(e != NULL && e->s_policy == SECRET_ADDR_ANY);
	SECRET_IS(get(s, "qu ote"), "x");
	SECRET_IS(get(s, "ralph"), "formfeed");
	/* A quoted empty word at the very end is still a word. */
	SECRET_IS((e = get(s, "zed")), "");
	CHECK(e != NULL && e->s_lineno == 25);
	CHECK(get(s, "nobody") == NULL);
	/* Line numbers count every newline, quoted or escaped. */
	CHECK((e = get(s, "ivan")) != NULL && e->s_lineno == 12);
	CHECK((e = get(s, "judy")) != NULL && e->s_lineno == 14);
	secrets_free(s);

	/* Only comments and blank lines. */
	s = load("# nothing\n\n   # here\n", "server", &nerr);
	CHECK(nerr == 0 && secrets_count(s) == 0);
	CHECK(get(s, "alice") == NULL);
	secrets_free(s);
}

static void
test_best_match(void)
{
	static const char	*file =
	    "*\t*\tboth-wild\t*\n"
	    "*\tsrv\twild-client\t*\n"
	    "alice\t*\talice-wild-server\t*\n"
	    "alice\tsrv\talice-exact\t*\n"
	    "alice\tsrv\talice-exact-second\t*\n"
	    "alice\tother\talice-other\t*\n"
	    "bob\t*\tbob-first\t*\n"
	    "bob\t*\tbob-second\t*\n"
	    "carol\tother\tcarol-other\t*\n"
	    "dave\tsrv\tdave-secret\t*\n"
	    "erin\tsrv\terin-exact\t*\n"
	    "erin\t*\terin-wild-server\t*\n"
	    "\"\"\tsrv\tempty-name\t*\n";
	struct secrets		*s;
	const struct secret	*e;
	const char		*p;
	uint32_t		 nerr;
	size_t			 len;

	s = load(file, "srv", &nerr);
	CHECK(nerr == 0);
	/* The other-server lines (alice, carol) are not kept. */
	CHECK(secrets_count(s) == 11);
	SECRET_IS(get(s, "alice"), "alice-exact");	/* first of equals */
	SECRET_IS(get(s, "bob"), "bob-first");
	SECRET_IS(get(s, "carol"), "wild-client");
	SECRET_IS(get(s, "erin"), "erin-exact");	/* not the later one */
	SECRET_IS(get(s, "nobody"), "wild-client");
	SECRET_IS(get(s, "Alice"), "wild-client");	/* case matters */
	SECRET_IS(get(s, ""), "empty-name");
	CHECK((e = get(s, "alice")) != NULL && e->s_lineno == 4 &&
	    e->s_score == 3 && strcmp(e->s_client, "alice") == 0);
	CHECK((e = get(s, "nobody")) != NULL && e->s_score == 1 &&
	    strcmp(e->s_client, "*") == 0);

	/* DOMAIN\user, with and without chapms-strip-domain. */
	SECRET_IS(get(s, "CORP\\dave"), "wild-client");
	SECRET_IS(secrets_lookup(s, "CORP\\dave", 9,
	    SECRETS_LOOKUP_STRIP_DOMAIN), "dave-secret");
	SECRET_IS(secrets_lookup(s, "A\\B\\dave", 8,
	    SECRETS_LOOKUP_STRIP_DOMAIN), "dave-secret");
	SECRET_IS(secrets_lookup(s, "dave", 4, SECRETS_LOOKUP_STRIP_DOMAIN),
	    "dave-secret");
	SECRET_IS(secrets_lookup(s, "dave\\", 5, SECRETS_LOOKUP_STRIP_DOMAIN),
	    "empty-name");
	/* The length is the name's: an embedded NUL is not the end. */
	SECRET_IS(secrets_lookup(s, "dave\0x", 6, 0), "wild-client");
	SECRET_IS(secrets_lookup(s, "davexyz", 4, 0), "dave-secret");
	secrets_free(s);

	/* Another server name: only "*" server lines apply. */
	s = load(file, "nosuch", &nerr);
	CHECK(secrets_count(s) == 5);
	SECRET_IS(get(s, "alice"), "alice-wild-server");
	SECRET_IS(get(s, "carol"), "both-wild");
	SECRET_IS(get(s, "erin"), "erin-wild-server");
	SECRET_IS(get(s, "dave"), "both-wild");
	secrets_free(s);

	/* A later, more specific "*" client line beats an earlier one. */
	s = load("* srv exact-server *\n* * later-both-wild *\n", "srv",
	    &nerr);
	SECRET_IS(get(s, "x"), "exact-server");
	secrets_free(s);
	s = load("* * both-wild *\n* srv later-exact-server *\n", "srv",
	    &nerr);
	SECRET_IS(get(s, "x"), "later-exact-server");
	secrets_free(s);

	/* No wildcard: unknown names find nothing. */
	s = load("alice srv a *\n", "srv", &nerr);
	CHECK(get(s, "bob") == NULL);
	secrets_free(s);

	p = secrets_strip_domain("EXAMPLE\\User", 12, &len);
	CHECK(len == 4 && memcmp(p, "User", 4) == 0);
	p = secrets_strip_domain("User", 4, &len);
	CHECK(len == 4 && memcmp(p, "User", 4) == 0);
	p = secrets_strip_domain("\\\\x\\", 4, &len);
	CHECK(len == 0);
	p = secrets_strip_domain("", 0, &len);
	CHECK(len == 0 && p != NULL);
}

static void
test_addresses(void)
{
	struct secrets		*s;
	const struct secret	*e;
	uint32_t		 nerr;

	s = load(
	    "a1 srv s *\n"
	    "a2 srv s -\n"
	    "a3 srv s\n"
	    "a4 srv s 10.0.0.5\n"
	    "a5 srv s !10.0.0.7 10.0.0.0/24\n"
	    "a6 srv s 10.0.0.9 *\n"
	    "a7 srv s 10.0.0.1 - 10.0.0.2\n"
	    "a8 srv s - 10.0.0.1\n"
	    "a9 srv s !10.0.0.1\n"
	    "a10 srv s 10.0.0.1 10.0.0.2\n"
	    "a11 srv s 192.168.1.77/24\n"
	    "a12 srv s * not-an-address\n"
	    "a13 srv s 10.0.0.0/32\n"
	    "a14 srv s 10.0.0.0/24 !10.0.0.7\n", "srv", &nerr);
	CHECK(nerr == 0);
	CHECK(secrets_count(s) == 14);

	CHECK((e = get(s, "a1")) != NULL && e->s_policy == SECRET_ADDR_ANY);
	CHECK(allowed(e, "1.2.3.4") && allowed(e, "10.0.0.1"));
	/* Never loopback, multicast or class E (pppd ppp_bad_ip_addr). */
	CHECK(!allowed(e, "127.0.0.1") && !allowed(e, "224.0.0.1") &&
	    !allowed(e, "240.0.0.1"));

	CHECK((e = get(s, "a2")) != NULL && e->s_policy == SECRET_ADDR_NONE);
	CHECK(!allowed(e, "10.0.0.1"));
	/* No column: pppd(8) disallows every address, and we warn. */
	CHECK((e = get(s, "a3")) != NULL && e->s_policy == SECRET_ADDR_NONE);
	CHECK(!allowed(e, "10.0.0.1"));
	CHECK(has(PATH ":3: no address column: \"a3\" may use no address"));
	CHECK(!has(PATH ":1: no address") && !has(PATH ":2: no address"));

	CHECK((e = get(s, "a4")) != NULL && e->s_policy == SECRET_ADDR_FIXED);
	CHECK(fixed_is(e, "10.0.0.5"));
	CHECK(allowed(e, "10.0.0.5") && !allowed(e, "10.0.0.6"));

	CHECK((e = get(s, "a5")) != NULL && e->s_policy == SECRET_ADDR_LIST);
	CHECK(fixed_is(e, "0.0.0.0"));
	CHECK(!allowed(e, "10.0.0.7") && allowed(e, "10.0.0.8") &&
	    allowed(e, "10.0.0.255") && !allowed(e, "10.0.1.1"));
	/* First match decides: the subnet first lets .7 in. */
	CHECK((e = get(s, "a14")) != NULL && allowed(e, "10.0.0.7"));

	CHECK((e = get(s, "a6")) != NULL && e->s_policy == SECRET_ADDR_LIST);
	CHECK(fixed_is(e, "10.0.0.9"));
	CHECK(allowed(e, "10.0.0.9") && allowed(e, "8.8.8.8"));

	CHECK((e = get(s, "a7")) != NULL && e->s_policy == SECRET_ADDR_FIXED);
	CHECK(allowed(e, "10.0.0.1") && !allowed(e, "10.0.0.2"));
	CHECK((e = get(s, "a8")) != NULL && e->s_policy == SECRET_ADDR_NONE);
	CHECK(!allowed(e, "10.0.0.1"));
	CHECK((e = get(s, "a9")) != NULL && e->s_policy == SECRET_ADDR_NONE);
	CHECK(!allowed(e, "10.0.0.1") && !allowed(e, "10.0.0.2"));

	CHECK((e = get(s, "a10")) != NULL && e->s_policy == SECRET_ADDR_LIST);
	CHECK(fixed_is(e, "10.0.0.1"));
	CHECK(allowed(e, "10.0.0.1") && allowed(e, "10.0.0.2") &&
	    !allowed(e, "10.0.0.3"));

	CHECK((e = get(s, "a11")) != NULL && e->s_policy == SECRET_ADDR_LIST);
	CHECK(fixed_is(e, "0.0.0.0"));
	CHECK(allowed(e, "192.168.1.1") && allowed(e, "192.168.1.200") &&
	    !allowed(e, "192.168.2.1"));
	CHECK(e != NULL && e->s_naddrs == 1 &&
	    e->s_addrs[0].sa_base == htonl(0xc0a80100));

	CHECK((e = get(s, "a12")) != NULL && e->s_policy == SECRET_ADDR_ANY);
	CHECK((e = get(s, "a13")) != NULL && e->s_policy == SECRET_ADDR_FIXED);
	CHECK(fixed_is(e, "10.0.0.0"));
	secrets_free(s);
}

static void
test_malformed(void)
{
	static const char *bad_addrs[] = {
		"host.example.com", "10.0.0", "10.0.0.256", "10.0.0.1/33",
		"10.0.0.1/0", "10.0.0.1/", "10.0.0.1/24+", "10.0.0.1/-1",
		"127.0.0.1", "224.0.0.5", "240.0.0.1", "0.0.0.0", "!", "/8",
		"1.2.3.4/8x", "::1",
	};
	char		*file, *p;
	struct secrets	*s;
	const struct secret *e;
	uint32_t	 nerr;
	size_t		 i;
	int		 fd, line;

	if ((file = malloc(65536)) == NULL)
		abort();
	p = file;
	p += sprintf(p, "good1 srv s1 *\n");			/* 1 */
	p += sprintf(p, "lonely\n");				/* 2 */
	p += sprintf(p, "two words\n");				/* 3 */
	p += sprintf(p, "opts srv s * -- ms-dns 1.1.1.1\n");	/* 4 */
	p += sprintf(p, "long srv ");				/* 5 */
	memset(p, 'x', 1024);
	p += 1024;
	p += sprintf(p, " *\n");
	p += sprintf(p, "nul1 srv \"a\\0b\" *\n");		/* 6 */
	p += sprintf(p, "nul2 srv \"a\\x\" *\n");		/* 7 */
	p += sprintf(p, "longsecret srv ");			/* 8 */
	memset(p, 's', SECRET_LEN_MAX + 1);
	p += SECRET_LEN_MAX + 1;
	p += sprintf(p, " *\n");
	p += sprintf(p, "many srv s");				/* 9 */
	for (i = 0; i < SECRETS_ADDR_MAX + 1; i++)
		p += sprintf(p, " 10.0.0.%zu", i + 1);
	p += sprintf(p, "\n");
	p += sprintf(p, "maxaddrs srv s");			/* 10 */
	for (i = 0; i < SECRETS_ADDR_MAX; i++)
		p += sprintf(p, " 10.0.1.%zu", i + 1);
	p += sprintf(p, "\n");
	p += sprintf(p, "maxsecret srv ");			/* 11 */
	memset(p, 'm', SECRET_LEN_MAX);
	p += SECRET_LEN_MAX;
	p += sprintf(p, " *\n");
	p += sprintf(p, "spans srv \"two\nlines\" bad.address\n");/* 12-13 */
	p += sprintf(p, "otherserver other s host.example.com\n");/* 14 */
	p += sprintf(p, "otherword other \"a\\0\" *\n");	/* 15 */
	p += sprintf(p, "good2 srv s2 *\n");			/* 16 */
	line = 17;
	for (i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++)
		p += sprintf(p, "bad%zu srv s %s\n", i, bad_addrs[i]);
	p += sprintf(p, "good3 srv s3 *\n");
	p += sprintf(p, "unterminated srv \"abc *\ngood4 srv s4 *\n");

	s = load(file, "srv", &nerr);
	CHECK(has(PATH ":2: expected client, server and secret, got 1 word\n"));
	CHECK(has(PATH ":3: expected client, server and secret, got 2 words"));
	CHECK(has(PATH ":4: per-user pppd options after \"--\" are not "
	    "supported"));
	CHECK(has(PATH ":5: word longer than 1023 bytes"));
	CHECK(has(PATH ":6: NUL byte in a word"));
	CHECK(has(PATH ":7: NUL byte in a word"));
	CHECK(has(PATH ":8: secret longer than 256 bytes"));
	CHECK(has(PATH ":9: more than 32 addresses"));
	CHECK(has(PATH ":12: bad address \"bad.address\""));
	CHECK(!has(PATH ":14:"));
	CHECK(has(PATH ":15: NUL byte in a word"));
	for (i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++) {
		char	want[128];

		snprintf(want, sizeof(want), PATH ":%zu: bad address \"%s\"",
		    line + i, bad_addrs[i]);
		CHECK(has(want));
	}
	snprintf(p, 64, PATH ":%zu: unterminated quote",
	    line + sizeof(bad_addrs) / sizeof(bad_addrs[0]) + 1);
	CHECK(has(p));
	CHECK(nerr == 11 + sizeof(bad_addrs) / sizeof(bad_addrs[0]));
	/* good1-3, maxaddrs, maxsecret. */
	CHECK(secrets_count(s) == 5);
	SECRET_IS(get(s, "good1"), "s1");
	SECRET_IS(get(s, "good2"), "s2");
	SECRET_IS(get(s, "good3"), "s3");
	/* good4 is inside the open quote. */
	CHECK(get(s, "good4") == NULL);
	CHECK((e = get(s, "maxaddrs")) != NULL &&
	    e->s_naddrs == SECRETS_ADDR_MAX && allowed(e, "10.0.1.32"));
	CHECK((e = get(s, "maxsecret")) != NULL &&
	    e->s_secretlen == SECRET_LEN_MAX);
	CHECK(get(s, "lonely") == NULL && get(s, "two") == NULL &&
	    get(s, "opts") == NULL && get(s, "many") == NULL &&
	    get(s, "spans") == NULL && get(s, "bad0") == NULL);
	secrets_free(s);

	/* A raw NUL byte in the file. */
	fd = mkfd("x srv a\0b *\ny srv ok *\n", 23, 0600);
	cap_start();
	s = secrets_load(fd, PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	close(fd);
	CHECK(s != NULL && nerr == 1);
	CHECK(has(PATH ":1: NUL byte in a word"));
	if (s != NULL) {
		CHECK(get(s, "x") == NULL);
		SECRET_IS(get(s, "y"), "ok");
		secrets_free(s);
	}
	free(file);
}

static char	 tmpdir[] = "/tmp/pppoxd-secrets.XXXXXX";

static int
test_opener(const char *path, void *arg)
{
	(*(int *)arg)++;
	return (open(path, O_RDONLY | O_CLOEXEC));
}

/* secrets_atfiles() callback: one path a line into a 4096-byte buffer. */
static void
test_list(const char *path, void *arg)
{
	strlcat(arg, path, 4096);
	strlcat(arg, "\n", 4096);
}

static void
writefile(const char *dir, const char *name, const char *data, size_t len,
    mode_t mode)
{
	char	path[PATH_MAX];
	int	fd;

	/* len 0: a string. */
	if (len == 0)
		len = strlen(data);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1 ||
	    write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) == -1) {
		perror(path);
		exit(2);
	}
	close(fd);
}

static void
test_atfile(void)
{
	struct secrets	*s;
	char		 file[4096], want[PATH_MAX + 64], *big;
	char		 listed[4096], wantlist[4096];
	const char	*d;
	uint32_t	 nerr;
	int		 fd, calls = 0;

	if ((d = mkdtemp(tmpdir)) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	writefile(d, "pw1", "  \"at secret\" rest ignored\nmore\n", 0, 0600);
	writefile(d, "pw2", "# only a comment\n\n", 0, 0600);
	if ((big = malloc(SECRETS_ATFILE_MAX + 1)) == NULL)
		abort();
	memset(big, 'b', SECRETS_ATFILE_MAX + 1);
	writefile(d, "pw3", big, SECRET_LEN_MAX + 1, 0600);
	writefile(d, "big", big, SECRETS_ATFILE_MAX + 1, 0600);
	writefile(d, "pw4", "first\nsecond\n", 0, 0644);
	writefile(d, "pw5", "\"open quote\n", 0, 0600);
	free(big);

	snprintf(file, sizeof(file),
	    "u1 srv @%s/pw1 *\n"
	    "u2 srv @%s/pw2 *\n"
	    "u3 srv @%s/missing *\n"
	    "u4 srv @relative *\n"
	    "u5 srv @%s/pw3 *\n"
	    "u6 srv @%s/big *\n"
	    "u7 srv @%s/pw4 *\n"
	    "u8 other @%s/missing *\n"
	    "u9 srv @%s/pw5 *\n"
	    "u10 srv @/ *\n", d, d, d, d, d, d, d, d);
	fd = mkfd(file, strlen(file), 0600);
	cap_start();
	s = secrets_load(fd, PATH, "srv", test_opener, &calls, &nerr);
	cap_end();
	CHECK(s != NULL);
	if (s == NULL)
		return;
	/* Not for the other server's line. */
	CHECK(calls == 8);
	SECRET_IS(get(s, "u1"), "at secret");
	CHECK(get(s, "u2") == NULL);
	snprintf(want, sizeof(want), PATH ":2: secret file %s/pw2: no secret "
	    "in it", d);
	CHECK(has(want));
	CHECK(get(s, "u3") == NULL);
	snprintf(want, sizeof(want), PATH ":3: secret file %s/missing: %s", d,
	    strerror(ENOENT));
	CHECK(has(want));
	SECRET_IS(get(s, "u4"), "@relative");
	CHECK(get(s, "u5") == NULL);
	snprintf(want, sizeof(want), PATH ":5: secret file %s/pw3: secret "
	    "longer than 256 bytes", d);
	CHECK(has(want));
	CHECK(get(s, "u6") == NULL);
	snprintf(want, sizeof(want), PATH ":6: secret file %s/big: larger "
	    "than %d bytes", d, SECRETS_ATFILE_MAX);
	CHECK(has(want));
	SECRET_IS(get(s, "u7"), "first");
	snprintf(want, sizeof(want), "%s/pw4: warning: group or others have "
	    "access to a secrets file", d);
	CHECK(has(want));
	CHECK(get(s, "u9") == NULL);
	snprintf(want, sizeof(want), PATH ":9: secret file %s/pw5: "
	    "unterminated quote", d);
	CHECK(has(want));
	CHECK(get(s, "u10") == NULL);
	CHECK(has(PATH ":10: secret file /: "));
	CHECK(nerr == 6);
	CHECK(secrets_count(s) == 3);
	secrets_free(s);

	/*
	 * secrets_atfiles(): what the opener was asked for, once a line, in
	 * file order, and nothing logged (the load reports the errors).
	 */
	lseek(fd, 0, SEEK_SET);
	listed[0] = '\0';
	cap_start();
	CHECK(secrets_atfiles(fd, "srv", test_list, listed) == 0);
	cap_end();
	CHECK(captured[0] == '\0');
	snprintf(wantlist, sizeof(wantlist), "%s/pw1\n%s/pw2\n%s/missing\n"
	    "%s/pw3\n%s/big\n%s/pw4\n%s/pw5\n/\n", d, d, d, d, d, d, d);
	CHECK(strcmp(listed, wantlist) == 0);
	listed[0] = '\0';
	CHECK(secrets_atfiles(fd, "srv", test_list, listed) == 0 &&
	    listed[0] == '\0');	/* at the end of the file: nothing */
	CHECK(secrets_atfiles(-1, "srv", test_list, listed) == -1);

	/* Without an opener every "@/" line is reported and skipped. */
	lseek(fd, 0, SEEK_SET);
	cap_start();
	s = secrets_load(fd, PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	close(fd);
	CHECK(s != NULL);
	if (s != NULL) {
		snprintf(want, sizeof(want), PATH ":1: secret file %s/pw1: "
		    "\"@/\" files are not available here", d);
		CHECK(has(want));
		CHECK(get(s, "u1") == NULL);
		SECRET_IS(get(s, "u4"), "@relative");
		CHECK(nerr == 8);
		secrets_free(s);
	}

	snprintf(want, sizeof(want), "rm -rf %s", d);
	CHECK(system(want) == 0);
}

static void
test_read(void)
{
	struct secrets	*s;
	char		*buf;
	uint32_t	 nerr = 99;
	size_t		 i, n;
	int		 fd, p[2];

	/* A pipe: no size to go by, the buffer must grow. */
	if ((buf = malloc(20000)) == NULL || pipe(p) == -1)
		abort();
	for (n = 0, i = 0; i < 500; i++)
		n += sprintf(buf + n, "# padding comment line %04zu\n", i);
	n += sprintf(buf + n, "piped srv \"through a pipe\" *\n");
	CHECK(n > 8192 && n < 20000);
	if (write(p[1], buf, n) != (ssize_t)n)
		abort();
	close(p[1]);
	cap_start();
	s = secrets_load(p[0], PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	close(p[0]);
	CHECK(s != NULL && nerr == 0);
	if (s != NULL) {
		SECRET_IS(get(s, "piped"), "through a pipe");
		CHECK(get(s, "piped")->s_lineno == 501);
		secrets_free(s);
	}
	free(buf);

	/* An empty file is no secrets, not a failure. */
	fd = mkfd("", 0, 0600);
	cap_start();
	s = secrets_load(fd, PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	close(fd);
	CHECK(s != NULL && nerr == 0 && secrets_count(s) == 0);
	CHECK(captured[0] == '\0');
	secrets_free(s);

	/* pppd's check_access() warning. */
	fd = mkfd("a srv b *\n", 10, 0640);
	cap_start();
	s = secrets_load(fd, PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	close(fd);
	CHECK(has(PATH ": warning: group or others have access"));
	CHECK(s != NULL && secrets_count(s) == 1);
	secrets_free(s);

	/* Unreadable: NULL, so the caller keeps the old secrets. */
	cap_start();
	s = secrets_load(-1, PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	CHECK(s == NULL && nerr == 0);
	CHECK(has(PATH ": "));
	if ((fd = open("/", O_RDONLY | O_DIRECTORY)) == -1)
		abort();
	cap_start();
	s = secrets_load(fd, PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	close(fd);
	CHECK(s == NULL);
	CHECK(has(strerror(EISDIR)));

	/* Too large: refused whole. */
	if ((fd = memfd_create("big", 0)) == -1 ||
	    ftruncate(fd, SECRETS_FILE_MAX + 1) == -1)
		abort();
	fchmod(fd, 0600);
	cap_start();
	s = secrets_load(fd, PATH, "srv", NULL, NULL, &nerr);
	cap_end();
	close(fd);
	CHECK(s == NULL);
	CHECK(has(PATH ": larger than 16777216 bytes"));

	/* NULL names in messages and server do not crash. */
	fd = mkfd("a * b *\n", 8, 0600);
	s = secrets_load(fd, NULL, NULL, NULL, NULL, NULL);
	close(fd);
	CHECK(s != NULL && secrets_count(s) == 1);
	secrets_free(s);
	secrets_free(NULL);
}

static const struct test_case cases[] = {
	{ "words",	test_words },
	{ "best-match",	test_best_match },
	{ "addresses",	test_addresses },
	{ "malformed",	test_malformed },
	{ "atfile",	test_atfile },
	{ "read",	test_read },
};

int
main(int argc, char *argv[])
{
	test_log("auth", 0);
	return (test_run("test_secrets", cases, TEST_NCASES(cases), argc,
	    argv, 0));
}

/*
 * test_verify: which secrets entry a DOMAIN\user name gets under each
 * strip-domain policy (verify_lookup()), and that verify_request()
 * applies the policy it is given, for PAP and for MS-CHAPv2, whose hash
 * always takes the name without its domain (known_pitfalls A1).
 *
 * usage: test_verify lookup|request
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "secrets.h"
#include "chap.h"
#include "verify.h"
#include "test.h"

static struct secrets *load(const char *);
static int	 found(const struct secrets *, const char *, int,
		    const char *);
static int	 pap(const struct secrets *, const char *, const char *, int,
		    const char **);
static int	 mschapv2(const struct secrets *, const char *, const char *,
		    int, const char **);
static void	 test_lookup(void);
static void	 test_request(void);

/* Backslashes doubled: the secrets file reads \\ as one. */
static const char *const with_wild =
    "*\t\t*\twild-pw\t\t*\n"
    "dave\t\t*\tdave-pw\t\t*\n"
    "CORP\\\\dave\t*\tcorp-dave-pw\t*\n";
static const char *const no_wild =
    "dave\t\t*\tdave-pw\t\t*\n";

static struct secrets *
load(const char *data)
{
	struct secrets	*s;
	uint32_t	 nerr;
	int		 fd;

	if ((fd = memfd_create("secrets", 0)) == -1 ||
	    write(fd, data, strlen(data)) != (ssize_t)strlen(data) ||
	    lseek(fd, 0, SEEK_SET) != 0 || fchmod(fd, 0600) == -1) {
		perror("memfd");
		exit(2);
	}
	s = secrets_load(fd, "test.secrets", "srv", NULL, NULL, &nerr);
	close(fd);
	if (s == NULL || nerr != 0) {
		fprintf(stderr, "cannot load the test secrets\n");
		exit(2);
	}
	return (s);
}

/* Does name find the entry with secret want (NULL: none) under strip? */
static int
found(const struct secrets *s, const char *name, int strip,
    const char *want)
{
	const struct secret	*e;

	e = verify_lookup(s, name, strlen(name), strip);
	if (want == NULL)
		return (e == NULL);
	return (e != NULL && e->s_secretlen == strlen(want) &&
	    memcmp(e->s_secret, want, e->s_secretlen) == 0);
}

static void
test_lookup(void)
{
	struct secrets	*s;

	s = load(with_wild);
	/* no: only the name as sent, else the "*" line (pppd's default). */
	CHECK(found(s, "dave", AUTH_STRIP_DOMAIN_NO, "dave-pw"));
	CHECK(found(s, "CORP\\dave", AUTH_STRIP_DOMAIN_NO, "corp-dave-pw"));
	CHECK(found(s, "OTHER\\dave", AUTH_STRIP_DOMAIN_NO, "wild-pw"));
	CHECK(found(s, "nobody", AUTH_STRIP_DOMAIN_NO, "wild-pw"));
	/* yes: only the name without its domain (chapms-strip-domain). */
	CHECK(found(s, "dave", AUTH_STRIP_DOMAIN_YES, "dave-pw"));
	CHECK(found(s, "CORP\\dave", AUTH_STRIP_DOMAIN_YES, "dave-pw"));
	CHECK(found(s, "OTHER\\dave", AUTH_STRIP_DOMAIN_YES, "dave-pw"));
	CHECK(found(s, "A\\B\\dave", AUTH_STRIP_DOMAIN_YES, "dave-pw"));
	CHECK(found(s, "X\\nobody", AUTH_STRIP_DOMAIN_YES, "wild-pw"));
	/* fallback: as sent, then without the domain, then "*". */
	CHECK(found(s, "dave", AUTH_STRIP_DOMAIN_FALLBACK, "dave-pw"));
	CHECK(found(s, "CORP\\dave", AUTH_STRIP_DOMAIN_FALLBACK,
	    "corp-dave-pw"));
	CHECK(found(s, "OTHER\\dave", AUTH_STRIP_DOMAIN_FALLBACK, "dave-pw"));
	CHECK(found(s, "X\\nobody", AUTH_STRIP_DOMAIN_FALLBACK, "wild-pw"));
	CHECK(found(s, "nobody", AUTH_STRIP_DOMAIN_FALLBACK, "wild-pw"));
	/* The name's own length counts, and an empty user part is a name. */
	CHECK(found(s, "CORP\\", AUTH_STRIP_DOMAIN_YES, "wild-pw"));
	secrets_free(s);

	s = load(no_wild);
	CHECK(found(s, "OTHER\\dave", AUTH_STRIP_DOMAIN_NO, NULL));
	CHECK(found(s, "OTHER\\dave", AUTH_STRIP_DOMAIN_YES, "dave-pw"));
	CHECK(found(s, "OTHER\\dave", AUTH_STRIP_DOMAIN_FALLBACK, "dave-pw"));
	CHECK(found(s, "OTHER\\erin", AUTH_STRIP_DOMAIN_FALLBACK, NULL));
	CHECK(found(s, "dave\\x", AUTH_STRIP_DOMAIN_YES, NULL));
	secrets_free(s);
}

/* A PAP login of name with password under strip. */
static int
pap(const struct secrets *s, const char *name, const char *password,
    int strip, const char **reason)
{
	struct auth_request	 req;
	struct auth_result	 res;
	struct auth_verdict	 v;
	int			 ok;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	memset(&v, 0, sizeof(v));
	req.method = AUTH_PAP;
	strlcpy(req.name, name, sizeof(req.name));
	req.response_len = strlen(password);
	memcpy(req.response, password, req.response_len);
	ok = verify_request(s, strip, &req, NULL, 0, &res, &v, reason);
	/* The verdict names the user as sent, domain and all. */
	if (ok && strcmp(v.user, name) != 0)
		return (-1);
	return (ok);
}

/* An MS-CHAPv2 login as a Windows client computes it. */
static int
mschapv2(const struct secrets *s, const char *name, const char *password,
    int strip, const char **reason)
{
	struct auth_request	 req;
	struct auth_result	 res;
	struct auth_verdict	 v;
	uint8_t			 challenge[MSCHAP_V2_CHALLENGE_LEN];
	uint8_t			 pwhash[MSCHAP_HASH_LEN];
	int			 ok;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	memset(&v, 0, sizeof(v));
	memset(challenge, 0x5a, sizeof(challenge));
	req.method = AUTH_MSCHAP_V2;
	req.id = 7;
	strlcpy(req.name, name, sizeof(req.name));
	req.response_len = MSCHAP_RESPONSE_LEN;
	memset(req.response + MSCHAP_V2_PEER_CHALLENGE, 0x21,
	    MSCHAP_V2_CHALLENGE_LEN);
	if (mschap_nt_password_hash((const uint8_t *)password,
	    strlen(password), MSCHAP_CHARSET_LATIN1, pwhash) == -1 ||
	    mschap_v2_nt_response(challenge,
	    req.response + MSCHAP_V2_PEER_CHALLENGE, name, strlen(name),
	    pwhash, req.response + MSCHAP_V2_NT_RESPONSE) == -1)
		return (-1);
	ok = verify_request(s, strip, &req, challenge, sizeof(challenge),
	    &res, &v, reason);
	if (ok && (!res.have_keys || strncmp(res.message, "S=", 2) != 0 ||
	    strcmp(v.user, name) != 0))
		return (-1);
	return (ok);
}

static void
test_request(void)
{
	struct secrets	*s;
	const char	*why;

	s = load(no_wild);
	CHECK(pap(s, "CORP\\dave", "dave-pw", AUTH_STRIP_DOMAIN_NO,
	    &why) == 0 && strcmp(why, "unknown user") == 0);
	CHECK(pap(s, "CORP\\dave", "dave-pw", AUTH_STRIP_DOMAIN_YES,
	    &why) == 1);
	CHECK(pap(s, "CORP\\dave", "dave-pw", AUTH_STRIP_DOMAIN_FALLBACK,
	    &why) == 1);
	CHECK(pap(s, "CORP\\dave", "wrong", AUTH_STRIP_DOMAIN_YES,
	    &why) == 0 && strcmp(why, "wrong password") == 0);
	CHECK(mschapv2(s, "CORP\\dave", "dave-pw", AUTH_STRIP_DOMAIN_NO,
	    &why) == 0 && strcmp(why, "unknown user") == 0);
	CHECK(mschapv2(s, "CORP\\dave", "dave-pw", AUTH_STRIP_DOMAIN_YES,
	    &why) == 1);
	CHECK(mschapv2(s, "CORP\\dave", "dave-pw", AUTH_STRIP_DOMAIN_FALLBACK,
	    &why) == 1);
	CHECK(mschapv2(s, "dave", "dave-pw", AUTH_STRIP_DOMAIN_NO, &why) == 1);
	CHECK(mschapv2(s, "CORP\\dave", "wrong", AUTH_STRIP_DOMAIN_YES,
	    &why) == 0 && strcmp(why, "wrong password") == 0);
	secrets_free(s);

	/* The domain's own line wins over the bare name's, unless "yes". */
	s = load(with_wild);
	CHECK(pap(s, "CORP\\dave", "corp-dave-pw", AUTH_STRIP_DOMAIN_FALLBACK,
	    &why) == 1);
	CHECK(pap(s, "CORP\\dave", "corp-dave-pw", AUTH_STRIP_DOMAIN_YES,
	    &why) == 0);
	CHECK(mschapv2(s, "CORP\\dave", "corp-dave-pw", AUTH_STRIP_DOMAIN_NO,
	    &why) == 1);
	CHECK(mschapv2(s, "OTHER\\dave", "dave-pw", AUTH_STRIP_DOMAIN_NO,
	    &why) == 0);
	CHECK(mschapv2(s, "OTHER\\dave", "dave-pw",
	    AUTH_STRIP_DOMAIN_FALLBACK, &why) == 1);
	secrets_free(s);
}

static const struct test_case cases[] = {
	{ "lookup",	test_lookup },
	{ "request",	test_request },
};

int
main(int argc, char *argv[])
{
	test_log("auth", 0);
	/* MD4 for the MS-CHAP cases is in the legacy provider. */
	if (crypto_init() == -1) {
		fprintf(stderr, "crypto_init failed\n");
		return (2);
	}
	return (test_run("test_verify", cases, TEST_NCASES(cases), argc,
	    argv, TEST_FDS));
}

/*
 * secrets.h: pppd's chap-secrets file, as loaded by the auth process.
 *
 * The file format is pppd(8)'s (AUTHENTICATION section) and the words are
 * split the way pppd's getword() splits them.  What is supported:
 *
 *	client server secret [address ...]
 *
 *  - words: whitespace separated; "..." and '...' quote (also in the
 *    middle of a word); a backslash escapes any character, and \a \b \f
 *    \n \r \s \t, \ooo (octal) and \xhh (hex) stand for those bytes;
 *    backslash-newline joins lines; '#' starts a comment to the end of
 *    the line where a word could start (so a#b is "a", then a comment).
 *    A quoted newline is part of the word, not the end of the entry.
 *  - client, server: "*" matches any name.  Only entries whose server is
 *    "*" or the configured server name are kept.  pppd's choice of the
 *    best match is kept too: exact client and server > exact client,
 *    "*" server > "*" client, exact server > both "*"; between equal
 *    matches the first line in the file wins.
 *  - secret: a word starting with "@/" names a file whose first word is
 *    the secret (pppd reads only absolute "@/" paths; any other word,
 *    "@x" included, is the secret itself).  Such files are opened
 *    through a caller-supplied opener, see secrets_load();
 *    secrets_atfiles() lists them beforehand.
 *  - addresses, evaluated in order as pppd's set_allowed_addrs() does:
 *    a.b.c.d (one host), a.b.c.d/n (a subnet), !a.b.c.d[/n] (not that
 *    one), "*" (any address; later words ignored), "-" (nothing more;
 *    later words ignored).  Whatever is not matched is refused, so with
 *    no address column or a leading "-" the client may use no address
 *    at all: pppd(8) "If there are only 3 words on the line, or if the
 *    first word is "-", then all IP addresses are disallowed."
 *
 * Differences from pppd, all refusing what pppd would silently truncate
 * or resolve: a line is skipped, logged as "path:line: reason" and
 * counted in *nerrors when it has fewer than three words, an unterminated
 * quote, a word longer than SECRETS_WORD_MAX - 1 bytes, a NUL byte in a
 * word (pppd would cut the secret short there), a secret longer than
 * SECRET_LEN_MAX bytes, a host name or any address that is not a dotted
 * quad (the auth process has no resolver in its chroot), a "/n+" unit
 * offset, per-user options after "--", or an unreadable "@/" file.  A
 * quoted empty word at the very end of the file is a word (pppd drops it).
 */
#ifndef PPPOXD_SECRETS_H
#define PPPOXD_SECRETS_H

#include <sys/types.h>
#include <sys/tree.h>
#include <netinet/in.h>
#include <stdint.h>

#define SECRET_LEN_MAX		256	/* pppd MAXSECRETLEN */
#define SECRETS_WORD_MAX	1024	/* pppd MAXWORDLEN, with the NUL */
#define SECRETS_ADDR_MAX	32	/* address words on one line */
#define SECRETS_FILE_MAX	(16 * 1024 * 1024)
#define SECRETS_ATFILE_MAX	(64 * 1024)

/* What the address column lets a client use. */
enum secret_addr_policy {
	SECRET_ADDR_NONE,	/* nothing: no column, "-" first, only "!a" */
	SECRET_ADDR_ANY,	/* "*" alone: any address */
	SECRET_ADDR_FIXED,	/* exactly one host address: s_fixed */
	SECRET_ADDR_LIST,	/* anything else: ask secrets_addr_allowed() */
};

struct secret_addr {
	int		 sa_permit;	/* 0 for "!a.b.c.d" */
	in_addr_t	 sa_base;	/* network byte order, masked */
	in_addr_t	 sa_mask;	/* network byte order */
};

struct secret {
	RB_ENTRY(secret)	 s_entry;
	char			*s_client;	/* NUL-terminated, "*": any */
	size_t			 s_clientlen;
	int			 s_score;	/* 2: exact client, 1: server */
	int			 s_lineno;
	uint8_t			 s_secret[SECRET_LEN_MAX];
	size_t			 s_secretlen;
	enum secret_addr_policy	 s_policy;
	/*
	 * SECRET_ADDR_FIXED: the address.  SECRET_ADDR_LIST: the first
	 * single-host address permitted, pppd's "suggested" address, or
	 * INADDR_ANY if there is none.
	 */
	struct in_addr		 s_fixed;
	struct secret_addr	 s_addrs[SECRETS_ADDR_MAX];
	int			 s_naddrs;
};

struct secrets;

/*
 * Opens the file named by an "@/path" secret; returns a descriptor the
 * loader reads and closes, or -1 with errno set.
 */
typedef int (*secrets_opener)(const char *, void *);

/* Lookup flag: pppd's chapms-strip-domain. */
#define SECRETS_LOOKUP_STRIP_DOMAIN	0x01

/* secrets.c */
struct secrets		*secrets_load(int, const char *, const char *,
			    secrets_opener, void *, uint32_t *);
int			 secrets_atfiles(int, const char *,
			    void (*)(const char *, void *), void *);
void			 secrets_free(struct secrets *);
uint32_t		 secrets_count(const struct secrets *);
const struct secret	*secrets_lookup(const struct secrets *, const char *,
			    size_t, int);
int			 secrets_addr_allowed(const struct secret *,
			    struct in_addr);
const char		*secrets_strip_domain(const char *, size_t, size_t *);

#endif /* PPPOXD_SECRETS_H */

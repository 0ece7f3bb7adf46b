/*
 * secrets.c: load pppd's chap-secrets file into memory once, so that a
 * lookup never touches the file system (the auth process is chrooted).
 * The format and the choice of the best entry follow pppd's options.c
 * getword() and auth.c scan_authfile()/set_allowed_addrs(); secrets.h
 * lists where we are stricter.
 *
 * "@/path" secrets: the auth process receives the secrets file as a
 * descriptor from the parent and may be asked to load it again on every
 * reload, long after it chrooted, so it cannot open /etc/ppp/whatever
 * itself, and reading such files once before chroot would make reloads
 * behave differently from the first load.  The loader therefore never
 * opens a path: it asks the caller's opener, and with no opener every
 * "@/" line is reported and skipped.  The caller decides where the
 * descriptors come from (the parent, after checking the path), and
 * secrets_atfiles() tells it beforehand which paths will be asked for.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/tree.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "secrets.h"

#define SECRETS_EOF		(-1)

/* pppd's scan_authfile() scores. */
#define SECRETS_NONWILD_SERVER	1
#define SECRETS_NONWILD_CLIENT	2

/* secrets_word flags: a word we refuse rather than cut or guess. */
#define WORD_TOOLONG		0x01
#define WORD_NUL		0x02
#define WORD_UNTERMINATED	0x04

/* 3 fixed words, the addresses, and one more to detect too many. */
#define SECRETS_LINE_WORDS	(3 + SECRETS_ADDR_MAX + 1)

struct secrets_lexer {
	const uint8_t	*buf;
	size_t		 len;
	size_t		 pos;
	int		 line;		/* line of buf[pos] */
};

struct secrets_word {
	char		 buf[SECRETS_WORD_MAX];
	size_t		 len;
	int		 line;		/* where the word starts */
	int		 newline;	/* after an unescaped newline */
	int		 flags;
};

RB_HEAD(secrets_tree, secret);

struct secrets {
	struct secrets_tree	 tree;		/* exact client names */
	struct secret		*wild;		/* best "*" client */
	uint32_t		 nentries;
	const char		*path;		/* only while loading */
	const char		*server;	/* only while loading */
	secrets_opener		 opener;	/* only while loading */
	void			*opener_arg;
};

struct secrets_line {
	struct secrets_word	*words;		/* SECRETS_LINE_WORDS + 1 */
	int			 nwords;	/* even unstored ones */
	int			 line;
};

/* A file in memory, taken apart one entry at a time. */
struct secrets_reader {
	uint8_t			*buf;
	size_t			 len;
	struct secrets_lexer	 lx;
	struct secrets_line	 ln;
	int			 more;		/* a word starts the next one */
};

static int	 secrets_cmp(const struct secret *, const struct secret *);
static int	 secrets_reader_init(struct secrets_reader *, int);
static int	 secrets_reader_next(struct secrets_reader *);
static void	 secrets_reader_free(struct secrets_reader *);
static uint8_t	*secrets_readall(int, size_t, size_t *);
static void	 secrets_check_access(int, const char *);
static int	 secrets_getc(struct secrets_lexer *);
static void	 secrets_ungetc(struct secrets_lexer *);
static int	 secrets_isspace(int);
static int	 secrets_hexval(int);
static void	 secrets_addc(struct secrets_word *, int);
static int	 secrets_getword(struct secrets_lexer *,
		    struct secrets_word *);
static int	 secrets_iswild(const struct secrets_word *);
static int	 secrets_isatfile(const struct secrets_word *);
static int	 secrets_for_server(const struct secrets_line *, const char *);
static int	 secrets_word_ok(struct secrets *, int,
		    const struct secrets_word *);
static void	 secrets_line(struct secrets *, struct secrets_line *,
		    uint32_t *);
static int	 secrets_atfile(struct secrets *, int, const char *,
		    struct secret *);
static int	 secrets_addrs(struct secrets *, struct secrets_line *,
		    struct secret *);
static int	 secrets_addr_parse(const char *, struct secret_addr *);
static int	 secrets_addr_bad(in_addr_t);
static void	 secrets_insert(struct secrets *, struct secret *);
static void	 secrets_entry_free(struct secret *);

RB_PROTOTYPE(secrets_tree, secret, s_entry, secrets_cmp)
RB_GENERATE(secrets_tree, secret, s_entry, secrets_cmp)

static int
secrets_cmp(const struct secret *a, const struct secret *b)
{
	size_t	n;
	int	r;

	n = a->s_clientlen < b->s_clientlen ? a->s_clientlen : b->s_clientlen;
	if ((r = memcmp(a->s_client, b->s_client, n)) != 0)
		return (r);
	if (a->s_clientlen < b->s_clientlen)
		return (-1);
	return (a->s_clientlen > b->s_clientlen);
}

/*
 * Load the secrets file open on fd, from its offset to its end; the
 * caller still owns fd afterwards.  path is only used in messages;
 * server is the name entries must carry in their second column (or
 * "*"); opener resolves "@/path" secrets, NULL if there is none.
 * Malformed lines are logged and skipped and *nerrors (if not NULL)
 * counts them.  Returns NULL only if the file cannot be read at all, so
 * the caller can keep what it had.
 */
struct secrets *
secrets_load(int fd, const char *path, const char *server,
    secrets_opener opener, void *opener_arg, uint32_t *nerrors)
{
	struct secrets		*s;
	struct secrets_reader	 rd;
	uint32_t		 errors = 0;

	if (nerrors != NULL)
		*nerrors = 0;
	if (path == NULL)
		path = "secrets";
	if (server == NULL)
		server = "";
	secrets_check_access(fd, path);
	if (secrets_reader_init(&rd, fd) == -1) {
		if (errno == EFBIG)
			log_warnx("%s: larger than %d bytes", path,
			    SECRETS_FILE_MAX);
		else
			log_warn("%s", path);
		return (NULL);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("%s", path);
		secrets_reader_free(&rd);
		return (NULL);
	}
	RB_INIT(&s->tree);
	s->path = path;
	s->server = server;
	s->opener = opener;
	s->opener_arg = opener_arg;

	while (secrets_reader_next(&rd))
		secrets_line(s, &rd.ln, &errors);

	secrets_reader_free(&rd);
	s->path = s->server = NULL;
	s->opener = NULL;
	s->opener_arg = NULL;
	if (nerrors != NULL)
		*nerrors = errors;
	return (s);
}

/*
 * Call cb, in file order, with the path of every "@/" secret that
 * secrets_load() would ask its opener for, once per line, logging
 * nothing: for a caller that must fetch those files before it loads the
 * file (again from its start), which then reports the file's errors
 * once.  Returns -1 with errno set if fd cannot be read.
 */
int
secrets_atfiles(int fd, const char *server,
    void (*cb)(const char *, void *), void *arg)
{
	struct secrets_reader	 rd;
	struct secrets_line	*ln = &rd.ln;
	int			 i, n;

	if (server == NULL)
		server = "";
	if (secrets_reader_init(&rd, fd) == -1)
		return (-1);
	while (secrets_reader_next(&rd)) {
		/* The checks secrets_line() makes before the secret. */
		n = ln->nwords < SECRETS_LINE_WORDS ? ln->nwords :
		    SECRETS_LINE_WORDS;
		for (i = 0; i < n; i++)
			if (ln->words[i].flags != 0)
				break;
		if (i == n && n >= 3 && secrets_for_server(ln, server) &&
		    secrets_isatfile(&ln->words[2]))
			cb(ln->words[2].buf + 1, arg);
	}
	secrets_reader_free(&rd);
	return (0);
}

void
secrets_free(struct secrets *s)
{
	struct secret	*e, *n;

	if (s == NULL)
		return;
	RB_FOREACH_SAFE(e, secrets_tree, &s->tree, n) {
		RB_REMOVE(secrets_tree, &s->tree, e);
		secrets_entry_free(e);
	}
	secrets_entry_free(s->wild);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

/* Lines loaded, counting those a better line for the same name hides. */
uint32_t
secrets_count(const struct secrets *s)
{
	return (s->nentries);
}

/*
 * The best entry for a client name (namelen bytes, no NUL needed), or
 * NULL.  With SECRETS_LOOKUP_STRIP_DOMAIN a "DOMAIN\" prefix is ignored,
 * as pppd's chapms-strip-domain does for the secrets lookup.
 */
const struct secret *
secrets_lookup(const struct secrets *s, const char *name, size_t namelen,
    int flags)
{
	struct secret	 key, *e;

	if (flags & SECRETS_LOOKUP_STRIP_DOMAIN)
		name = secrets_strip_domain(name, namelen, &namelen);
	/* An exact client entry always beats any "*" client entry. */
	key.s_client = (char *)(uintptr_t)name;
	key.s_clientlen = namelen;
	e = RB_FIND(secrets_tree, (struct secrets_tree *)(uintptr_t)&s->tree,
	    &key);
	if (e != NULL)
		return (e);
	return (s->wild);
}

/*
 * May the client of this entry use addr?  pppd's auth_ip_addr() with
 * "auth" in effect: the first matching address word decides, no match
 * refuses, and loopback, multicast and class E addresses never pass.
 */
int
secrets_addr_allowed(const struct secret *e, struct in_addr addr)
{
	int	i;

	if (secrets_addr_bad(addr.s_addr))
		return (0);
	for (i = 0; i < e->s_naddrs; i++)
		if ((addr.s_addr & e->s_addrs[i].sa_mask) ==
		    e->s_addrs[i].sa_base)
			return (e->s_addrs[i].sa_permit);
	return (0);
}

/*
 * The user part of an MS-CHAP name: whatever follows the last
 * backslash, as pppd's ChallengeHash() and chapms-strip-domain take it
 * (RFC 2759 section 4 and known_pitfalls A1).
 */
const char *
secrets_strip_domain(const char *name, size_t len, size_t *outlen)
{
	size_t	i;

	for (i = len; i > 0; i--)
		if (name[i - 1] == '\\') {
			*outlen = len - i;
			return (name + i);
		}
	*outlen = len;
	return (name);
}

/* Read fd to its end; -1 with errno set if it cannot be. */
static int
secrets_reader_init(struct secrets_reader *rd, int fd)
{
	memset(rd, 0, sizeof(*rd));
	if ((rd->buf = secrets_readall(fd, SECRETS_FILE_MAX, &rd->len))
	    == NULL)
		return (-1);
	if ((rd->ln.words = calloc(SECRETS_LINE_WORDS + 1,
	    sizeof(*rd->ln.words))) == NULL) {
		explicit_bzero(rd->buf, rd->len);
		free(rd->buf);
		return (-1);
	}
	rd->lx.buf = rd->buf;
	rd->lx.len = rd->len;
	rd->lx.line = 1;
	rd->more = secrets_getword(&rd->lx,
	    &rd->ln.words[SECRETS_LINE_WORDS]);
	return (0);
}

/*
 * The next entry into rd->ln; 0 at the end of the file.  As in
 * scan_authfile(), an entry is a word at the start of a line and the
 * words after it up to the next such word; the first word of the file
 * starts a line whatever precedes it.  The extra slot at the end of
 * words[] holds the word that starts the next line.
 */
static int
secrets_reader_next(struct secrets_reader *rd)
{
	struct secrets_line	*ln = &rd->ln;
	struct secrets_word	*w, *next = &ln->words[SECRETS_LINE_WORDS];

	if (!rd->more)
		return (0);
	ln->words[0] = *next;
	ln->nwords = 1;
	ln->line = ln->words[0].line;
	for (;;) {
		w = ln->nwords < SECRETS_LINE_WORDS ? &ln->words[ln->nwords] :
		    next;
		if ((rd->more = secrets_getword(&rd->lx, w)) == 0)
			break;
		if (w->newline) {
			if (w != next)
				*next = *w;
			break;
		}
		/* Past the array a word still counts, unstored. */
		ln->nwords++;
	}
	return (1);
}

static void
secrets_reader_free(struct secrets_reader *rd)
{
	explicit_bzero(rd->ln.words,
	    (SECRETS_LINE_WORDS + 1) * sizeof(*rd->ln.words));
	free(rd->ln.words);
	explicit_bzero(rd->buf, rd->len);
	free(rd->buf);
	explicit_bzero(rd, sizeof(*rd));
}

/*
 * Read all of fd.  The buffer is allocated once from the file size when
 * there is one, and never realloc()ed, which would leave copies of the
 * secrets in freed memory.
 */
static uint8_t *
secrets_readall(int fd, size_t max, size_t *lenp)
{
	struct stat	 st;
	uint8_t		*buf, *nbuf;
	size_t		 size, len = 0;
	ssize_t		 n;

	size = 4096;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < max)
		size = st.st_size + 1;
	if ((buf = malloc(size)) == NULL)
		return (NULL);
	for (;;) {
		if (len == size) {
			if (size >= max) {
				explicit_bzero(buf, len);
				free(buf);
				errno = EFBIG;
				return (NULL);
			}
			size = size > max / 2 ? max : size * 2;
			if ((nbuf = malloc(size)) == NULL) {
				explicit_bzero(buf, len);
				free(buf);
				return (NULL);
			}
			memcpy(nbuf, buf, len);
			explicit_bzero(buf, len);
			free(buf);
			buf = nbuf;
		}
		n = read(fd, buf + len, size - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			explicit_bzero(buf, len);
			free(buf);
			return (NULL);
		}
		if (n == 0)
			break;
		len += n;
	}
	*lenp = len;
	return (buf);
}

/* pppd's check_access(): a warning, not a refusal. */
static void
secrets_check_access(int fd, const char *path)
{
	struct stat	st;

	if (fstat(fd, &st) == -1)
		log_warn("%s: fstat", path);
	else if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO)))
		log_warnx("%s: warning: group or others have access to a "
		    "secrets file", path);
}

static int
secrets_getc(struct secrets_lexer *lx)
{
	int	c;

	if (lx->pos >= lx->len)
		return (SECRETS_EOF);
	c = lx->buf[lx->pos++];
	if (c == '\n')
		lx->line++;
	return (c);
}

static void
secrets_ungetc(struct secrets_lexer *lx)
{
	lx->pos--;
	if (lx->buf[lx->pos] == '\n')
		lx->line--;
}

/* isspace() in the C locale, whatever locale the process runs in. */
static int
secrets_isspace(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

static int
secrets_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

static void
secrets_addc(struct secrets_word *w, int c)
{
	if (c == 0)
		w->flags |= WORD_NUL;
	if (w->len >= sizeof(w->buf) - 1) {
		w->flags |= WORD_TOOLONG;
		return;
	}
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
}

/*
 * One word, as pppd's getword() reads it.  Returns 0 at the end of the
 * input, else 1 with the word (possibly empty: "") in w.
 */
static int
secrets_getword(struct secrets_lexer *lx, struct secrets_word *w)
{
	int	c, escape = 0, comment = 0, quoted = 0, got, n, value, d;

	w->len = 0;
	w->buf[0] = '\0';
	w->flags = 0;
	w->newline = 0;

	/* Skip white space and comments. */
	for (;;) {
		if ((c = secrets_getc(lx)) == SECRETS_EOF)
			return (0);
		if (c == '\n') {
			/* Backslash-newline is no line break. */
			if (!escape) {
				w->newline = 1;
				comment = 0;
			} else
				escape = 0;
			continue;
		}
		if (comment)
			continue;
		if (escape)
			break;
		if (c == '\\') {
			escape = 1;
			continue;
		}
		if (c == '#') {
			comment = 1;
			continue;
		}
		if (!secrets_isspace(c))
			break;
	}
	w->line = lx->line;

	while (c != SECRETS_EOF) {
		if (escape) {
			escape = 0;
			if (c == '\n') {
				c = secrets_getc(lx);
				continue;
			}
			got = 0;
			switch (c) {
			case 'a':
				value = '\a';
				break;
			case 'b':
				value = '\b';
				break;
			case 'f':
				value = '\f';
				break;
			case 'n':
				value = '\n';
				break;
			case 'r':
				value = '\r';
				break;
			case 's':
				value = ' ';
				break;
			case 't':
				value = '\t';
				break;
			case 'x':
				/* \x and up to two hex digits (none: NUL). */
				value = 0;
				c = secrets_getc(lx);
				for (n = 0; n < 2 &&
				    (d = secrets_hexval(c)) != -1; n++) {
					value = (value << 4) + d;
					c = secrets_getc(lx);
				}
				got = 1;
				break;
			default:
				if (c >= '0' && c <= '7') {
					/* Up to three octal digits. */
					value = 0;
					for (n = 0; n < 3 && c >= '0' &&
					    c <= '7'; n++) {
						value = (value << 3) +
						    (c - '0');
						c = secrets_getc(lx);
					}
					got = 1;
					break;
				}
				value = c;
				break;
			}
			secrets_addc(w, value & 0xff);
			if (!got)
				c = secrets_getc(lx);
			continue;
		}
		if (c == '\\') {
			escape = 1;
			c = secrets_getc(lx);
			continue;
		}
		if (quoted) {
			if (c == quoted) {
				quoted = 0;
				c = secrets_getc(lx);
				continue;
			}
		} else if (c == '"' || c == '\'') {
			quoted = c;
			c = secrets_getc(lx);
			continue;
		} else if (secrets_isspace(c) || c == '#') {
			secrets_ungetc(lx);
			break;
		}
		secrets_addc(w, c);
		c = secrets_getc(lx);
	}
	if (c == SECRETS_EOF && quoted)
		w->flags |= WORD_UNTERMINATED;
	return (1);
}

static int
secrets_iswild(const struct secrets_word *w)
{
	return (w->len == 1 && w->buf[0] == '*');
}

static int
secrets_isatfile(const struct secrets_word *w)
{
	return (w->len >= 2 && w->buf[0] == '@' && w->buf[1] == '/');
}

/* Is the entry's server "*" or ours? */
static int
secrets_for_server(const struct secrets_line *ln, const char *server)
{
	return (secrets_iswild(&ln->words[1]) ||
	    strcmp(ln->words[1].buf, server) == 0);
}

/* Report a word we refuse; returns 0 if the word is usable. */
static int
secrets_word_ok(struct secrets *s, int line, const struct secrets_word *w)
{
	if (w->flags & WORD_UNTERMINATED)
		log_warnx("%s:%d: unterminated quote", s->path, line);
	else if (w->flags & WORD_TOOLONG)
		log_warnx("%s:%d: word longer than %d bytes", s->path, line,
		    SECRETS_WORD_MAX - 1);
	else if (w->flags & WORD_NUL)
		log_warnx("%s:%d: NUL byte in a word", s->path, line);
	else
		return (1);
	return (0);
}

/* One entry: check it, and keep it if it is for our server. */
static void
secrets_line(struct secrets *s, struct secrets_line *ln, uint32_t *errors)
{
	struct secrets_word	*client, *server, *secret;
	struct secret		*e;
	int			 i, n, score = 0;

	n = ln->nwords < SECRETS_LINE_WORDS ? ln->nwords : SECRETS_LINE_WORDS;
	for (i = 0; i < n; i++)
		if (!secrets_word_ok(s, ln->line, &ln->words[i])) {
			(*errors)++;
			return;
		}
	if (ln->nwords < 3) {
		log_warnx("%s:%d: expected client, server and secret, got "
		    "%d word%s", s->path, ln->line, ln->nwords,
		    ln->nwords == 1 ? "" : "s");
		(*errors)++;
		return;
	}
	client = &ln->words[0];
	server = &ln->words[1];
	secret = &ln->words[2];

	/* An entry for another server is not ours to judge further. */
	if (!secrets_for_server(ln, s->server))
		return;
	if (!secrets_iswild(server))
		score |= SECRETS_NONWILD_SERVER;
	if (!secrets_iswild(client))
		score |= SECRETS_NONWILD_CLIENT;

	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (e->s_client = strdup(client->buf)) == NULL) {
		log_warn("%s:%d", s->path, ln->line);
		free(e);
		(*errors)++;
		return;
	}
	e->s_clientlen = client->len;
	e->s_score = score;
	e->s_lineno = ln->line;

	if (secrets_isatfile(secret)) {
		if (secrets_atfile(s, ln->line, secret->buf + 1, e) == -1)
			goto bad;
	} else {
		if (secret->len > SECRET_LEN_MAX) {
			log_warnx("%s:%d: secret longer than %d bytes",
			    s->path, ln->line, SECRET_LEN_MAX);
			goto bad;
		}
		memcpy(e->s_secret, secret->buf, secret->len);
		e->s_secretlen = secret->len;
	}
	if (secrets_addrs(s, ln, e) == -1)
		goto bad;
	secrets_insert(s, e);
	return;
 bad:
	secrets_entry_free(e);
	(*errors)++;
}

/* The secret is the first word of another file, as pppd reads it. */
static int
secrets_atfile(struct secrets *s, int line, const char *path,
    struct secret *e)
{
	struct secrets_lexer	 lx;
	struct secrets_word	*w;
	uint8_t			*buf;
	size_t			 len;
	int			 fd, rv = -1;

	if (s->opener == NULL) {
		log_warnx("%s:%d: secret file %s: \"@/\" files are not "
		    "available here", s->path, line, path);
		return (-1);
	}
	if ((fd = s->opener(path, s->opener_arg)) == -1) {
		log_warn("%s:%d: secret file %s", s->path, line, path);
		return (-1);
	}
	secrets_check_access(fd, path);
	buf = secrets_readall(fd, SECRETS_ATFILE_MAX, &len);
	close(fd);
	if (buf == NULL) {
		if (errno == EFBIG)
			log_warnx("%s:%d: secret file %s: larger than %d "
			    "bytes", s->path, line, path, SECRETS_ATFILE_MAX);
		else
			log_warn("%s:%d: secret file %s", s->path, line, path);
		return (-1);
	}
	if ((w = malloc(sizeof(*w))) == NULL) {
		log_warn("%s:%d", s->path, line);
		goto done;
	}
	lx.buf = buf;
	lx.len = len;
	lx.pos = 0;
	lx.line = 1;
	if (!secrets_getword(&lx, w))
		log_warnx("%s:%d: secret file %s: no secret in it", s->path,
		    line, path);
	else if (w->flags & WORD_UNTERMINATED)
		log_warnx("%s:%d: secret file %s: unterminated quote",
		    s->path, line, path);
	else if (w->flags & WORD_NUL)
		log_warnx("%s:%d: secret file %s: NUL byte in the secret",
		    s->path, line, path);
	else if ((w->flags & WORD_TOOLONG) || w->len > SECRET_LEN_MAX)
		log_warnx("%s:%d: secret file %s: secret longer than %d "
		    "bytes", s->path, line, path, SECRET_LEN_MAX);
	else {
		memcpy(e->s_secret, w->buf, w->len);
		e->s_secretlen = w->len;
		rv = 0;
	}
	explicit_bzero(w, sizeof(*w));
	free(w);
 done:
	explicit_bzero(buf, len);
	free(buf);
	return (rv);
}

/* The address words, evaluated later in order by secrets_addr_allowed(). */
static int
secrets_addrs(struct secrets *s, struct secrets_line *ln, struct secret *e)
{
	struct secret_addr	*a;
	const char		*word;
	int			 i, npermit = 0;

	if (ln->nwords > SECRETS_LINE_WORDS - 1) {
		log_warnx("%s:%d: more than %d addresses", s->path, ln->line,
		    SECRETS_ADDR_MAX);
		return (-1);
	}
	/* pppd finds "--" anywhere, even after "-" or "*". */
	for (i = 3; i < ln->nwords; i++)
		if (strcmp(ln->words[i].buf, "--") == 0) {
			log_warnx("%s:%d: per-user pppd options after \"--\" "
			    "are not supported", s->path, ln->line);
			return (-1);
		}
	if (ln->nwords == 3)
		log_warnx("%s:%d: no address column: \"%s\" may use no "
		    "address (as in pppd; write * to allow any)", s->path,
		    ln->line, e->s_client);

	for (i = 3; i < ln->nwords; i++) {
		word = ln->words[i].buf;
		if (strcmp(word, "-") == 0)
			break;
		a = &e->s_addrs[e->s_naddrs];
		if (strcmp(word, "*") == 0) {
			a->sa_permit = 1;
			a->sa_base = a->sa_mask = 0;
			e->s_naddrs++;
			npermit++;
			break;
		}
		if (secrets_addr_parse(word, a) == -1) {
			log_warnx("%s:%d: bad address \"%s\" (want a.b.c.d, "
			    "a.b.c.d/n, !a.b.c.d[/n], * or -)", s->path,
			    ln->line, word);
			return (-1);
		}
		if (a->sa_permit) {
			npermit++;
			if (a->sa_mask == INADDR_BROADCAST &&
			    e->s_fixed.s_addr == INADDR_ANY)
				e->s_fixed.s_addr = a->sa_base;
		}
		e->s_naddrs++;
	}

	if (npermit == 0)
		e->s_policy = SECRET_ADDR_NONE;
	else if (e->s_naddrs == 1 && e->s_addrs[0].sa_mask == 0)
		e->s_policy = SECRET_ADDR_ANY;
	else if (e->s_naddrs == 1 && e->s_addrs[0].sa_mask == INADDR_BROADCAST)
		e->s_policy = SECRET_ADDR_FIXED;
	else
		e->s_policy = SECRET_ADDR_LIST;
	return (0);
}

/* [!]a.b.c.d[/n], dotted quad only. */
static int
secrets_addr_parse(const char *word, struct secret_addr *a)
{
	char		 buf[INET_ADDRSTRLEN];
	const char	*slash;
	struct in_addr	 in;
	size_t		 len;
	long		 bits = 32;
	char		*ep;

	a->sa_permit = 1;
	if (*word == '!') {
		a->sa_permit = 0;
		word++;
	}
	if ((slash = strchr(word, '/')) != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return (-1);
		errno = 0;
		bits = strtol(slash + 1, &ep, 10);
		if (errno != 0 || *ep != '\0' || bits < 1 || bits > 32)
			return (-1);
		len = slash - word;
	} else
		len = strlen(word);
	if (len == 0 || len >= sizeof(buf))
		return (-1);
	memcpy(buf, word, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return (-1);
	a->sa_mask = htonl(bits == 32 ? 0xffffffffU :
	    ~(0xffffffffU >> bits));
	a->sa_base = in.s_addr & a->sa_mask;
	/* A host address nobody can be given (pppd ppp_bad_ip_addr()). */
	if (bits == 32 && (in.s_addr == INADDR_ANY ||
	    secrets_addr_bad(in.s_addr)))
		return (-1);
	return (0);
}

/* Loopback, multicast or class E, network byte order. */
static int
secrets_addr_bad(in_addr_t addr)
{
	uint32_t	a = ntohl(addr);

	return ((a >> IN_CLASSA_NSHIFT) == IN_LOOPBACKNET ||
	    IN_MULTICAST(a) || IN_BADCLASS(a));
}

/*
 * Keep the best entry per client name, and the best "*" entry: a later
 * line replaces an earlier one only with a strictly better score, which
 * is scan_authfile()'s "got_flag <= best_flag: continue".
 */
static void
secrets_insert(struct secrets *s, struct secret *e)
{
	struct secret	*old;

	s->nentries++;
	if (!(e->s_score & SECRETS_NONWILD_CLIENT)) {
		if (s->wild == NULL || e->s_score > s->wild->s_score) {
			secrets_entry_free(s->wild);
			s->wild = e;
		} else
			secrets_entry_free(e);
		return;
	}
	if ((old = RB_INSERT(secrets_tree, &s->tree, e)) == NULL)
		return;
	if (e->s_score > old->s_score) {
		RB_REMOVE(secrets_tree, &s->tree, old);
		secrets_entry_free(old);
		RB_INSERT(secrets_tree, &s->tree, e);
	} else
		secrets_entry_free(e);
}

static void
secrets_entry_free(struct secret *e)
{
	if (e == NULL)
		return;
	if (e->s_client != NULL) {
		explicit_bzero(e->s_client, e->s_clientlen);
		free(e->s_client);
	}
	explicit_bzero(e, sizeof(*e));
	free(e);
}

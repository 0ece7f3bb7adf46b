/*
 * parse.c: pppoxd.conf(5) into struct config.  A tokenizer and a
 * recursive descent parser driven by keyword tables; every error is
 * logged as "file:line: message" and parsing goes on with the next
 * statement, so that one run reports every error of a file.  Checks that
 * need the whole file are config_check() in config.c.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pppoxd.h"
#include "log.h"
#include "config.h"

/* Longest token + 1: a path must fit. */
#define TOKEN_MAX	PATH_MAX

enum token_type {
	T_EOF,
	T_NEWLINE,
	T_WORD,			/* bare or "quoted" */
	T_LBRACE,
	T_RBRACE,
	T_ERROR,		/* already reported */
};

struct token {
	enum token_type	 type;
	int		 lineno;
	char		 str[TOKEN_MAX];
};

struct parser {
	FILE		*fp;
	const char	*path;
	int		 lineno;	/* of the next character read */
	int		 eof;
	int		 errors;
	int		 depth;		/* 1 inside a block */
	int		 line;		/* of the current statement */
	int		 auth_line;	/* of the current ppp block */
	int		 mppe_line;
	int		 ppp_bad;	/* its auth or mppe had errors */
	struct token	 tok;		/* the next, not yet consumed */
	char		 desc[80];	/* tok as text for messages */
};

struct keyword {
	const char	*name;
	int		 once;		/* more than one is an error */
	int		(*parse)(struct parser *, const struct keyword *,
			    void *);
	/* For the generic parsers: a field of the block's object. */
	size_t		 offset;
	size_t		 size;		/* strings: longest + 1 */
	long long	 min, max;	/* numbers */
	const char	*what;		/* strings: for messages */
};

#define KW_MAX		16		/* keywords in one table */

static void	 lex(struct parser *);
static void	 lex_word(struct parser *, int);
static void	 lex_quoted(struct parser *);
static const char *tok_desc(struct parser *);
static void	 parse_error(struct parser *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 parse_error_at(struct parser *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	 parse_verror(struct parser *, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));
static void	 parse_statements(struct parser *, const struct keyword *,
		    void *, const char *, int);
static void	 parse_skip(struct parser *);
static void	 parse_eol(struct parser *, const char *);
static const struct keyword *kw_find(const struct keyword *, const char *,
		    int *);
static const char *kw_expected(const struct keyword *, char *, size_t);
static const char *want_word(struct parser *, const char *, const char *);
static int	 check_string(struct parser *, const char *, const char *,
		    size_t);
static int	 parse_inet4(struct parser *, const char *, const char *,
		    in_addr_t *);
static int	 host_range_ok(in_addr_t, in_addr_t);
static const char *addr_str(in_addr_t, char *, size_t);
static int	 parse_kw_string(struct parser *, const struct keyword *,
		    void *);
static int	 parse_kw_path(struct parser *, const struct keyword *,
		    void *);
static int	 parse_kw_int(struct parser *, const struct keyword *, void *);
static int	 parse_log(struct parser *, const struct keyword *, void *);
static int	 parse_strip_domain(struct parser *, const struct keyword *,
		    void *);
static int	 parse_pool(struct parser *, const struct keyword *, void *);
static int	 parse_local(struct parser *, const struct keyword *, void *);
static int	 parse_range(struct parser *, const struct keyword *, void *);
static int	 parse_cidr(struct parser *, const char *, in_addr_t *,
		    in_addr_t *);
static int	 parse_dns(struct parser *, const struct keyword *, void *);
static int	 parse_ppp(struct parser *, const struct keyword *, void *);
static int	 parse_auth(struct parser *, const struct keyword *, void *);
static int	 parse_mppe(struct parser *, const struct keyword *, void *);
static void	 ppp_check_mppe(struct parser *, const struct ppp_conf *, int);
static int	 parse_listen(struct parser *, const struct keyword *, void *);
static int	 parse_listen_addr(struct parser *, const struct keyword *,
		    void *);
static int	 parse_listen_port(struct parser *, const struct keyword *,
		    void *);
static int	 parse_listen_if(struct parser *, const struct keyword *,
		    void *);
static int	 parse_listen_service(struct parser *, const struct keyword *,
		    void *);
static int	 parse_kw_yesno(struct parser *, const struct keyword *,
		    void *);
static int	 parse_mss_clamp(struct parser *, const struct keyword *,
		    void *);
static in_port_t listen_port(const struct listen_conf *);
static void	 listen_set(struct listen_conf *, int, const void *,
		    in_port_t);

#define KW(n, o, fn)		{ .name = n, .once = o, .parse = fn }
#define KW_END			{ .name = NULL }
#define STRING(n, fn, s, f, len, w) \
	{ .name = n, .once = 1, .parse = fn, .offset = offsetof(s, f), \
	  .size = len, .what = w }
#define FIELD_SIZE(s, f)	sizeof(((s *)NULL)->f)
#define INT(n, s, f, lo, hi) \
	{ .name = n, .once = 1, .parse = parse_kw_int, \
	  .offset = offsetof(s, f), .min = lo, .max = hi }
#define YESNO(n, s, f) \
	{ .name = n, .once = 1, .parse = parse_kw_yesno, \
	  .offset = offsetof(s, f) }

static const struct keyword global_keywords[] = {
	STRING("user", parse_kw_string, struct config, user,
	    FIELD_SIZE(struct config, user), "user name"),
	STRING("chroot", parse_kw_path, struct config, chroot,
	    FIELD_SIZE(struct config, chroot), "chroot path"),
	STRING("secrets", parse_kw_path, struct config, secrets,
	    FIELD_SIZE(struct config, secrets), "secrets path"),
	/* Bound by what bind(2) takes, not by the field. */
	STRING("socket", parse_kw_path, struct config, socket,
	    FIELD_SIZE(struct sockaddr_un, sun_path), "socket path"),
	STRING("name", parse_kw_string, struct config, name,
	    FIELD_SIZE(struct config, name), "server name"),
	KW("strip-domain", 1, parse_strip_domain),
	KW("log", 1, parse_log),
	/* PPTP call ids and PPPoE session ids are 16 bits. */
	INT("max-sessions", struct config, max_sessions, 1, 65534),
	INT("control-timeout", struct config, ctrl_timeout, 1, 3600),
	KW("pool", 0, parse_pool),
	KW("ppp", 0, parse_ppp),
	KW("listen", 0, parse_listen),
	KW_END
};

static const struct keyword pool_keywords[] = {
	KW("local", 1, parse_local),
	KW("range", 0, parse_range),
	{ .name = "dns", .once = 1, .parse = parse_dns,
	    .offset = offsetof(struct pool_conf, dns) },
	{ .name = "nbns", .once = 1, .parse = parse_dns,
	    .offset = offsetof(struct pool_conf, nbns) },
	KW_END
};

static const struct keyword ppp_keywords[] = {
	KW("auth", 1, parse_auth),
	KW("mppe", 1, parse_mppe),
	INT("mru", struct ppp_conf, mru, 576, 16384),
	INT("lcp-echo-interval", struct ppp_conf, echo_interval, 0, 3600),
	INT("lcp-echo-failure", struct ppp_conf, echo_failures, 1, 100),
	INT("idle-timeout", struct ppp_conf, idle_timeout, 0, INT_MAX),
	INT("session-timeout", struct ppp_conf, session_timeout, 0, INT_MAX),
	INT("max-auth-failures", struct ppp_conf, max_auth_failures, 1, 20),
	KW("tcp-mss-clamp", 1, parse_mss_clamp),
	KW_END
};

static const struct keyword pptp_options[] = {
	KW("on", 1, parse_listen_addr),
	KW("port", 1, parse_listen_port),
	STRING("pool", parse_kw_string, struct listen_conf, pool,
	    CONF_NAME_MAX, "pool name"),
	STRING("ppp", parse_kw_string, struct listen_conf, ppp,
	    CONF_NAME_MAX, "ppp name"),
	KW_END
};

static const struct keyword pppoe_options[] = {
	KW("on", 1, parse_listen_if),
	STRING("pool", parse_kw_string, struct listen_conf, pool,
	    CONF_NAME_MAX, "pool name"),
	STRING("ppp", parse_kw_string, struct listen_conf, ppp,
	    CONF_NAME_MAX, "ppp name"),
	KW("service", 0, parse_listen_service),
	YESNO("any-service", struct listen_conf, any_service),
	STRING("ac-name", parse_kw_string, struct listen_conf, ac_name,
	    CONF_AC_NAME_LEN, "AC name"),
	INT("max-sessions-per-mac", struct listen_conf, max_per_mac, 0,
	    65535),
	INT("padi-limit", struct listen_conf, padi_limit, 0, 1000000),
	INT("padi-limit-per-mac", struct listen_conf, padi_limit_per_mac, 0,
	    1000000),
	KW_END
};

struct config *
parse_config(const char *path)
{
	struct parser	*p;
	struct config	*conf;
	int		 errors;

	/* Not on the stack: a token holds a whole path. */
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("%s", __func__);
	if ((p->fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		free(p);
		return (NULL);
	}
	p->path = path;
	p->lineno = 1;
	conf = config_new();
	strlcpy(conf->path, path, sizeof(conf->path));

	lex(p);
	parse_statements(p, global_keywords, conf, NULL, 0);
	fclose(p->fp);

	if (conf->name[0] == '\0') {
		log_warnx("%s: the host name does not fit as server name, "
		    "set \"name\"", path);
		p->errors++;
	}
	errors = p->errors + config_check(conf);
	free(p);
	if (errors > 0) {
		log_warnx("%s: %d error%s", path, errors, errors == 1 ? "" :
		    "s");
		config_free(conf);
		return (NULL);
	}
	return (conf);
}

/* Reads the next token into p->tok. */
static void
lex(struct parser *p)
{
	struct token	*t = &p->tok;
	int		 c;

	t->str[0] = '\0';
	t->lineno = p->lineno;
	if (p->eof) {
		t->type = T_EOF;
		return;
	}
	do {
		c = getc(p->fp);
	} while (c == ' ' || c == '\t');
	if (c == '#')
		while ((c = getc(p->fp)) != '\n' && c != EOF)
			;
	switch (c) {
	case EOF:
		if (ferror(p->fp)) {
			log_warn("%s", p->path);
			p->errors++;
		}
		p->eof = 1;
		t->type = T_EOF;
		break;
	case '\n':
		p->lineno++;
		t->type = T_NEWLINE;
		break;
	case '{':
		t->type = T_LBRACE;
		break;
	case '}':
		t->type = T_RBRACE;
		break;
	case '"':
		lex_quoted(p);
		break;
	default:
		lex_word(p, c);
		break;
	}
}

static void
lex_word(struct parser *p, int c)
{
	struct token	*t = &p->tok;
	size_t		 n = 0;
	int		 bad = -1, toolong = 0;

	while (c != EOF && c != ' ' && c != '\t' && c != '\n' && c != '#' &&
	    c != '{' && c != '}' && c != '"') {
		if (iscntrl(c)) {
			if (bad == -1)
				bad = c;
		} else if (n < sizeof(t->str) - 1)
			t->str[n++] = c;
		else
			toolong = 1;
		c = getc(p->fp);
	}
	if (c != EOF)
		ungetc(c, p->fp);
	t->str[n] = '\0';
	t->type = T_WORD;
	if (bad != -1) {
		parse_error(p, "invalid character 0x%02x", bad);
		t->type = T_ERROR;
	} else if (toolong) {
		parse_error(p, "word too long, at most %zu characters",
		    sizeof(t->str) - 1);
		t->type = T_ERROR;
	}
}

/* No escapes: a string cannot hold '"', so printing it back is safe. */
static void
lex_quoted(struct parser *p)
{
	struct token	*t = &p->tok;
	size_t		 n = 0;
	int		 c, bad = -1, toolong = 0;

	while ((c = getc(p->fp)) != '"') {
		if (c == '\n' || c == EOF) {
			if (c == '\n')
				ungetc(c, p->fp);
			parse_error(p, "unterminated string");
			t->type = T_ERROR;
			return;
		}
		if (iscntrl(c)) {
			if (bad == -1)
				bad = c;
		} else if (n < sizeof(t->str) - 1)
			t->str[n++] = c;
		else
			toolong = 1;
	}
	t->str[n] = '\0';
	t->type = T_WORD;
	if (bad != -1) {
		parse_error(p, "invalid character 0x%02x in string", bad);
		t->type = T_ERROR;
	} else if (toolong) {
		parse_error(p, "string too long, at most %zu characters",
		    sizeof(t->str) - 1);
		t->type = T_ERROR;
	}
}

static const char *
tok_desc(struct parser *p)
{
	switch (p->tok.type) {
	case T_EOF:
		return ("end of file");
	case T_NEWLINE:
		return ("end of line");
	case T_LBRACE:
		return ("\"{\"");
	case T_RBRACE:
		return ("\"}\"");
	case T_WORD:
	case T_ERROR:
		break;
	}
	snprintf(p->desc, sizeof(p->desc), "\"%.40s%s\"", p->tok.str,
	    strlen(p->tok.str) > 40 ? "..." : "");
	return (p->desc);
}

static void
parse_error(struct parser *p, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	parse_verror(p, p->tok.lineno, fmt, ap);
	va_end(ap);
}

static void
parse_error_at(struct parser *p, int lineno, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	parse_verror(p, lineno, fmt, ap);
	va_end(ap);
}

static void
parse_verror(struct parser *p, int lineno, const char *fmt, va_list ap)
{
	char	msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_warnx("%s:%d: %s", p->path, lineno, msg);
	p->errors++;
}

/*
 * Statements up to the end of the file, or of the block opened at line
 * openline.  where names the block for messages, NULL at the top level.
 */
static void
parse_statements(struct parser *p, const struct keyword *table, void *obj,
    const char *where, int openline)
{
	const struct keyword	*k;
	char			 expected[256];
	int			 seen[KW_MAX], i;

	memset(seen, 0, sizeof(seen));
	for (;;) {
		switch (p->tok.type) {
		case T_NEWLINE:
			lex(p);
			continue;
		case T_EOF:
			if (openline != 0)
				parse_error_at(p, openline,
				    "%s has no closing \"}\"", where);
			return;
		case T_RBRACE:
			if (openline != 0) {
				lex(p);
				return;
			}
			parse_error(p, "unexpected \"}\"");
			lex(p);
			continue;
		case T_LBRACE:
			parse_error(p, "unexpected \"{\"");
			parse_skip(p);
			continue;
		case T_ERROR:
			parse_skip(p);
			continue;
		case T_WORD:
			break;
		}
		if ((k = kw_find(table, p->tok.str, &i)) == NULL) {
			parse_error(p, "unknown keyword %s%s%s, expected %s",
			    tok_desc(p), where == NULL ? "" : " in ",
			    where == NULL ? "" : where,
			    kw_expected(table, expected, sizeof(expected)));
			parse_skip(p);
			continue;
		}
		if (k->once && seen[i] != 0) {
			parse_error(p, "\"%s\" given twice (first at line %d)",
			    k->name, seen[i]);
			parse_skip(p);
			continue;
		}
		p->line = seen[i] = p->tok.lineno;
		lex(p);
		if (k->parse(p, k, obj) == -1)
			parse_skip(p);
		else
			parse_eol(p, k->name);
	}
}

/*
 * Recovery after an error: drop the rest of the statement, including
 * any block it opens, but not the "}" that closes the enclosing block.
 */
static void
parse_skip(struct parser *p)
{
	int	depth = 0;

	for (;;) {
		switch (p->tok.type) {
		case T_EOF:
			return;
		case T_NEWLINE:
			lex(p);
			if (depth == 0)
				return;
			break;
		case T_LBRACE:
			depth++;
			lex(p);
			break;
		case T_RBRACE:
			if (depth == 0 && p->depth > 0)
				return;
			if (depth > 0)
				depth--;
			lex(p);
			break;
		case T_WORD:
		case T_ERROR:
			lex(p);
			break;
		}
	}
}

/* A statement ends at a newline, the end of the file or its block. */
static void
parse_eol(struct parser *p, const char *what)
{
	switch (p->tok.type) {
	case T_NEWLINE:
		lex(p);
		return;
	case T_EOF:
		return;
	case T_RBRACE:
		if (p->depth > 0)
			return;
		break;
	case T_ERROR:
		parse_skip(p);
		return;
	case T_WORD:
	case T_LBRACE:
		break;
	}
	parse_error(p, "unexpected %s at end of %s statement", tok_desc(p),
	    what);
	parse_skip(p);
}

static const struct keyword *
kw_find(const struct keyword *table, const char *name, int *index)
{
	int	i;

	for (i = 0; table[i].name != NULL; i++)
		if (strcmp(table[i].name, name) == 0) {
			*index = i;
			return (&table[i]);
		}
	return (NULL);
}

/* "a, b or c" */
static const char *
kw_expected(const struct keyword *table, char *buf, size_t len)
{
	int	i;

	buf[0] = '\0';
	for (i = 0; table[i].name != NULL; i++) {
		if (i > 0)
			strlcat(buf, table[i + 1].name == NULL ? " or " : ", ",
			    len);
		strlcat(buf, table[i].name, len);
	}
	return (buf);
}

/* The current token as an argument of kw, or NULL after an error. */
static const char *
want_word(struct parser *p, const char *kw, const char *what)
{
	if (p->tok.type == T_WORD)
		return (p->tok.str);
	if (p->tok.type != T_ERROR)
		parse_error(p, "%s: expected %s, got %s", kw, what,
		    tok_desc(p));
	return (NULL);
}

/* A name or path must be non-empty and shorter than size. */
static int
check_string(struct parser *p, const char *what, const char *s, size_t size)
{
	if (s[0] == '\0') {
		parse_error(p, "empty %s", what);
		return (-1);
	}
	if (strlen(s) >= size) {
		parse_error(p, "%s too long, at most %zu characters", what,
		    size - 1);
		return (-1);
	}
	return (0);
}

/* A dotted quad into host byte order. */
static int
parse_inet4(struct parser *p, const char *kw, const char *s, in_addr_t *addr)
{
	struct in_addr	ina;

	if (inet_pton(AF_INET, s, &ina) != 1) {
		parse_error(p, "%s: \"%s\" is not an IPv4 address", kw, s);
		return (-1);
	}
	*addr = ntohl(ina.s_addr);
	return (0);
}

/*
 * Whether every address from start to end may be given to a peer: none
 * of "this network" 0/8, loopback 127/8, multicast and reserved 224/3.
 */
static int
host_range_ok(in_addr_t start, in_addr_t end)
{
	if (start <= 0x00ffffffU || end >= 0xe0000000U)
		return (0);
	if (start <= 0x7fffffffU && end >= 0x7f000000U)
		return (0);
	return (1);
}

static const char *
addr_str(in_addr_t addr, char *buf, size_t len)
{
	struct in_addr	ina;

	ina.s_addr = htonl(addr);
	if (inet_ntop(AF_INET, &ina, buf, len) == NULL)
		strlcpy(buf, "?", len);
	return (buf);
}

static int
parse_kw_string(struct parser *p, const struct keyword *k, void *obj)
{
	const char	*s;

	if ((s = want_word(p, k->name, k->what)) == NULL ||
	    check_string(p, k->what, s, k->size) == -1)
		return (-1);
	strlcpy((char *)obj + k->offset, s, k->size);
	lex(p);
	return (0);
}

/* Absolute: the daemon changes its working directory. */
static int
parse_kw_path(struct parser *p, const struct keyword *k, void *obj)
{
	if (p->tok.type == T_WORD && p->tok.str[0] != '\0' &&
	    p->tok.str[0] != '/') {
		parse_error(p, "%s \"%s\" is not absolute", k->what,
		    p->tok.str);
		return (-1);
	}
	return (parse_kw_string(p, k, obj));
}

static int
parse_kw_int(struct parser *p, const struct keyword *k, void *obj)
{
	const char	*s, *errstr;
	long long	 n;

	if ((s = want_word(p, k->name, "a number")) == NULL)
		return (-1);
	n = strtonum(s, k->min, k->max, &errstr);
	if (errstr != NULL) {
		parse_error(p, "%s \"%s\": %s, expected %lld to %lld",
		    k->name, s, errstr, k->min, k->max);
		return (-1);
	}
	*(int *)(void *)((char *)obj + k->offset) = n;
	lex(p);
	return (0);
}

static int
parse_kw_yesno(struct parser *p, const struct keyword *k, void *obj)
{
	const char	*s;
	int		 v;

	if ((s = want_word(p, k->name, "yes or no")) == NULL)
		return (-1);
	if (strcmp(s, "yes") == 0)
		v = 1;
	else if (strcmp(s, "no") == 0)
		v = 0;
	else {
		parse_error(p, "%s: \"%s\", expected yes or no", k->name, s);
		return (-1);
	}
	*(int *)(void *)((char *)obj + k->offset) = v;
	lex(p);
	return (0);
}

/* tcp-mss-clamp no|yes|MSS: yes follows the session's MTU. */
static int
parse_mss_clamp(struct parser *p, const struct keyword *k, void *obj)
{
	struct ppp_conf	*ppp = obj;
	const char	*s, *errstr;
	long long	 n;

	if ((s = want_word(p, k->name, "yes, no or an MSS")) == NULL)
		return (-1);
	if (strcmp(s, "yes") == 0)
		ppp->mss_clamp = -1;
	else if (strcmp(s, "no") == 0)
		ppp->mss_clamp = 0;
	else {
		n = strtonum(s, 536, 9000, &errstr);
		if (errstr != NULL) {
			parse_error(p, "%s \"%s\": expected yes, no or an "
			    "MSS from 536 to 9000", k->name, s);
			return (-1);
		}
		ppp->mss_clamp = n;
	}
	lex(p);
	return (0);
}

static int
parse_log(struct parser *p, const struct keyword *k, void *obj)
{
	struct config	*conf = obj;
	const char	*s;

	if ((s = want_word(p, k->name, "verbose or normal")) == NULL)
		return (-1);
	if (strcmp(s, "verbose") == 0)
		conf->verbose = 1;
	else if (strcmp(s, "normal") == 0)
		conf->verbose = 0;
	else {
		parse_error(p, "log: unknown level \"%s\", expected verbose "
		    "or normal", s);
		return (-1);
	}
	lex(p);
	return (0);
}

/* strip-domain yes|no|fallback: which entry a DOMAIN\user name uses */
static int
parse_strip_domain(struct parser *p, const struct keyword *k, void *obj)
{
	struct config	*conf = obj;
	const char	*s;
	int		 v;

	if ((s = want_word(p, k->name, "yes, no or fallback")) == NULL)
		return (-1);
	for (v = AUTH_STRIP_DOMAIN_FALLBACK; v <= AUTH_STRIP_DOMAIN_YES; v++)
		if (strcmp(s, config_strip_domain_name(v)) == 0)
			break;
	if (v > AUTH_STRIP_DOMAIN_YES) {
		parse_error(p, "strip-domain: unknown value \"%s\", expected "
		    "yes, no or fallback", s);
		return (-1);
	}
	conf->strip_domain = v;
	lex(p);
	return (0);
}

/* pool NAME { ... } */
static int
parse_pool(struct parser *p, const struct keyword *k, void *obj)
{
	struct config		*conf = obj;
	struct pool_conf	*pool;
	struct pool_range	*r;
	const char		*s;
	int			 line = p->line, bad, errors, clean;

	if ((s = want_word(p, k->name, "a pool name")) == NULL)
		return (-1);
	/* A bad name still gets its block parsed, for its errors. */
	errors = p->errors;
	bad = check_string(p, "pool name", s, CONF_NAME_MAX) == -1;
	if ((pool = calloc(1, sizeof(*pool))) == NULL)
		fatal("%s", __func__);
	strlcpy(pool->name, s, sizeof(pool->name));
	pool->lineno = line;
	TAILQ_INIT(&pool->ranges);
	lex(p);
	if (p->tok.type != T_LBRACE) {
		if (p->tok.type != T_ERROR)
			parse_error(p, "pool: expected \"{\", got %s",
			    tok_desc(p));
		free(pool);
		return (-1);
	}
	lex(p);
	p->depth++;
	parse_statements(p, pool_keywords, pool, "pool block", line);
	p->depth--;
	/* After an error in the pool these would only repeat it. */
	clean = p->errors == errors;
	if (clean && pool->local.s_addr == INADDR_ANY)
		parse_error_at(p, line, "pool \"%s\" has no local address",
		    pool->name);
	if (clean && TAILQ_EMPTY(&pool->ranges))
		parse_error_at(p, line, "pool \"%s\" has no range",
		    pool->name);
	if (bad) {
		while ((r = TAILQ_FIRST(&pool->ranges)) != NULL) {
			TAILQ_REMOVE(&pool->ranges, r, entry);
			free(r);
		}
		free(pool);
	} else
		TAILQ_INSERT_TAIL(&conf->pools, pool, entry);
	return (0);
}

static int
parse_local(struct parser *p, const struct keyword *k, void *obj)
{
	struct pool_conf	*pool = obj;
	const char		*s;
	in_addr_t		 addr;

	if ((s = want_word(p, k->name, "an address")) == NULL ||
	    parse_inet4(p, k->name, s, &addr) == -1)
		return (-1);
	if (!host_range_ok(addr, addr)) {
		parse_error(p, "local %s is not a unicast host address", s);
		return (-1);
	}
	pool->local.s_addr = htonl(addr);
	lex(p);
	return (0);
}

/* range START - END, or range NETWORK/PREFIX */
static int
parse_range(struct parser *p, const struct keyword *k, void *obj)
{
	struct pool_conf	*pool = obj;
	struct pool_range	*r;
	const char		*s;
	char			 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	in_addr_t		 start, end;

	if ((s = want_word(p, k->name, "an address or network")) == NULL)
		return (-1);
	if (strchr(s, '/') != NULL) {
		if (parse_cidr(p, s, &start, &end) == -1)
			return (-1);
		lex(p);
	} else {
		if (parse_inet4(p, k->name, s, &start) == -1)
			return (-1);
		lex(p);
		if (p->tok.type != T_WORD || strcmp(p->tok.str, "-") != 0) {
			if (p->tok.type != T_ERROR)
				parse_error(p, "range: expected \"-\", got %s",
				    tok_desc(p));
			return (-1);
		}
		lex(p);
		if ((s = want_word(p, k->name, "an end address")) == NULL ||
		    parse_inet4(p, k->name, s, &end) == -1)
			return (-1);
		lex(p);
	}
	addr_str(start, a, sizeof(a));
	addr_str(end, b, sizeof(b));
	if (start > end) {
		parse_error_at(p, p->line, "range %s - %s: start is after end",
		    a, b);
		return (-1);
	}
	if (!host_range_ok(start, end)) {
		parse_error_at(p, p->line, "range %s - %s contains addresses "
		    "that are not unicast host addresses", a, b);
		return (-1);
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("%s", __func__);
	r->start = start;
	r->end = end;
	r->lineno = p->line;
	TAILQ_INSERT_TAIL(&pool->ranges, r, entry);
	return (0);
}

/*
 * A network without its network and broadcast addresses, as peers on a
 * LAN would expect; /31 (RFC 3021) and /32 have neither.
 */
static int
parse_cidr(struct parser *p, const char *s, in_addr_t *start, in_addr_t *end)
{
	char		 buf[INET_ADDRSTRLEN + 3], net[INET_ADDRSTRLEN];
	char		*slash;
	const char	*errstr;
	in_addr_t	 addr, mask;
	int		 len;

	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf)) {
		parse_error(p, "range: \"%s\" is not an IPv4 network", s);
		return (-1);
	}
	slash = strchr(buf, '/');
	*slash++ = '\0';
	len = strtonum(slash, 0, 32, &errstr);
	if (errstr != NULL) {
		parse_error(p, "range: bad prefix length in \"%s\": %s", s,
		    errstr);
		return (-1);
	}
	if (parse_inet4(p, "range", buf, &addr) == -1)
		return (-1);
	mask = len == 0 ? 0 : 0xffffffffU << (32 - len);
	if ((addr & ~mask) != 0) {
		parse_error(p, "range: \"%s\" has host bits set, did you mean "
		    "%s/%d?", s, addr_str(addr & mask, net, sizeof(net)), len);
		return (-1);
	}
	*start = addr;
	*end = addr | ~mask;
	if (len <= 30) {
		(*start)++;
		(*end)--;
	}
	return (0);
}

/* dns A [B], nbns A [B] */
static int
parse_dns(struct parser *p, const struct keyword *k, void *obj)
{
	struct pool_conf	*pool = obj;
	struct in_addr		*list;
	const char		*s;
	in_addr_t		 addr;
	int			 n;

	list = (struct in_addr *)(void *)((char *)pool + k->offset);
	if ((s = want_word(p, k->name, "an address")) == NULL)
		return (-1);
	for (n = 0; p->tok.type == T_WORD; n++) {
		if (n == CONF_DNS_MAX) {
			parse_error(p, "%s: at most %d addresses", k->name,
			    CONF_DNS_MAX);
			return (-1);
		}
		if (parse_inet4(p, k->name, p->tok.str, &addr) == -1)
			return (-1);
		if (!host_range_ok(addr, addr)) {
			parse_error(p, "%s %s is not a unicast host address",
			    k->name, p->tok.str);
			return (-1);
		}
		list[n].s_addr = htonl(addr);
		lex(p);
	}
	if (list == pool->dns)
		pool->ndns = n;
	else
		pool->nnbns = n;
	return (0);
}

/* ppp NAME { ... } */
static int
parse_ppp(struct parser *p, const struct keyword *k, void *obj)
{
	struct config	*conf = obj;
	struct ppp_conf	*ppp;
	const char	*s;
	int		 line = p->line, bad, implicit;

	if ((s = want_word(p, k->name, "a profile name")) == NULL)
		return (-1);
	bad = check_string(p, "ppp name", s, CONF_NAME_MAX) == -1;
	/* The first "ppp default" sets up the implicit profile in place. */
	implicit = !bad && (ppp = config_ppp(conf, s)) != NULL &&
	    ppp->lineno == 0;
	if (!implicit)
		ppp = config_ppp_new(s);
	lex(p);
	if (p->tok.type != T_LBRACE) {
		if (p->tok.type != T_ERROR)
			parse_error(p, "ppp: expected \"{\", got %s",
			    tok_desc(p));
		if (!implicit)
			free(ppp);
		return (-1);
	}
	ppp->lineno = line;
	lex(p);
	p->auth_line = p->mppe_line = 0;
	p->ppp_bad = 0;
	p->depth++;
	parse_statements(p, ppp_keywords, ppp, "ppp block", line);
	p->depth--;
	/* With a bad auth or mppe the check would only guess. */
	if (!p->ppp_bad)
		ppp_check_mppe(p, ppp, line);
	if (bad)
		free(ppp);
	else if (!implicit)
		TAILQ_INSERT_TAIL(&conf->ppps, ppp, entry);
	return (0);
}

/* auth METHOD ..., in offer order */
static int
parse_auth(struct parser *p, const struct keyword *k, void *obj)
{
	struct ppp_conf	*ppp = obj;
	enum conf_auth	 a, auth[CONF_AUTH_MAX];
	int		 i, n = 0;

	p->auth_line = p->line;
	if (want_word(p, k->name, "an authentication method") == NULL)
		goto bad;
	while (p->tok.type == T_WORD) {
		for (a = CONF_AUTH_PAP; a <= CONF_AUTH_MSCHAPV2; a++)
			if (strcmp(p->tok.str, config_auth_name(a)) == 0)
				break;
		if (a > CONF_AUTH_MSCHAPV2) {
			parse_error(p, "auth: unknown method \"%s\", expected "
			    "mschap-v2, mschap, chap or pap", p->tok.str);
			goto bad;
		}
		for (i = 0; i < n; i++)
			if (auth[i] == a)
				break;
		if (i < n) {
			parse_error(p, "auth: \"%s\" given twice", p->tok.str);
			goto bad;
		}
		auth[n++] = a;
		lex(p);
	}
	memcpy(ppp->auth, auth, n * sizeof(auth[0]));
	ppp->nauth = n;
	return (0);
 bad:
	p->ppp_bad = 1;
	return (-1);
}

/* mppe required|optional|off [40] [56] [128] [stateless|stateful] */
static int
parse_mppe(struct parser *p, const struct keyword *k, void *obj)
{
	struct ppp_conf	*ppp = obj;
	const char	*s;
	enum conf_mppe	 mppe;
	int		 bits = 0, state = 0, stateful = 0, bit;

	p->mppe_line = p->line;
	if ((s = want_word(p, k->name, "required, optional or off")) == NULL)
		goto bad;
	if (strcmp(s, "required") == 0)
		mppe = CONF_MPPE_REQUIRED;
	else if (strcmp(s, "optional") == 0)
		mppe = CONF_MPPE_OPTIONAL;
	else if (strcmp(s, "off") == 0)
		mppe = CONF_MPPE_OFF;
	else {
		parse_error(p, "mppe: unknown mode \"%s\", expected required, "
		    "optional or off", s);
		goto bad;
	}
	lex(p);
	/* After "off" anything is garbage, which parse_eol() reports. */
	while (mppe != CONF_MPPE_OFF && p->tok.type == T_WORD) {
		s = p->tok.str;
		bit = 0;
		if (strcmp(s, "40") == 0)
			bit = CONF_MPPE_40;
		else if (strcmp(s, "56") == 0)
			bit = CONF_MPPE_56;
		else if (strcmp(s, "128") == 0)
			bit = CONF_MPPE_128;
		else if (strcmp(s, "stateless") != 0 &&
		    strcmp(s, "stateful") != 0) {
			parse_error(p, "mppe: unknown option \"%s\", expected "
			    "40, 56, 128, stateless or stateful", s);
			goto bad;
		}
		if (bit != 0 && (bits & bit) != 0) {
			parse_error(p, "mppe: \"%s\" given twice", s);
			goto bad;
		}
		if (bit == 0 && state) {
			parse_error(p, "mppe: more than one of stateless and "
			    "stateful");
			goto bad;
		}
		if (bit == 0) {
			state = 1;
			stateful = strcmp(s, "stateful") == 0;
		}
		bits |= bit;
		lex(p);
	}
	ppp->mppe = mppe;
	ppp->mppe_bits = bits != 0 ? bits : CONF_MPPE_128;
	ppp->mppe_stateful = stateful;
	return (0);
 bad:
	p->ppp_bad = 1;
	return (-1);
}

/* MPPE keys are derived from the MS-CHAP exchange (RFC 3079). */
static void
ppp_check_mppe(struct parser *p, const struct ppp_conf *ppp, int line)
{
	int	i;

	if (ppp->mppe == CONF_MPPE_OFF)
		return;
	for (i = 0; i < ppp->nauth; i++)
		if (ppp->auth[i] == CONF_AUTH_MSCHAP ||
		    ppp->auth[i] == CONF_AUTH_MSCHAPV2)
			return;
	if (p->mppe_line != 0)
		line = p->mppe_line;
	else if (p->auth_line != 0)
		line = p->auth_line;
	parse_error_at(p, line, "ppp \"%s\": mppe %s needs auth mschap-v2 or "
	    "mschap, MPPE keys come from MS-CHAP", ppp->name,
	    ppp->mppe == CONF_MPPE_REQUIRED ? "required" : "optional");
}

/* listen pptp|pppoe OPTION ... */
static int
parse_listen(struct parser *p, const struct keyword *k, void *obj)
{
	struct config		*conf = obj;
	struct listen_conf	*lc;
	const struct keyword	*table, *o;
	const char		*s, *proto;
	char			 expected[128];
	int			 seen[KW_MAX], i, line = p->line;
	struct in_addr		 any;

	if ((s = want_word(p, k->name, "pptp or pppoe")) == NULL)
		return (-1);
	if (strcmp(s, "l2tp") == 0) {
		parse_error(p, "l2tp listeners are not supported yet");
		return (-1);
	}
	if ((lc = calloc(1, sizeof(*lc))) == NULL)
		fatal("%s", __func__);
	if (strcmp(s, "pptp") == 0) {
		lc->proto = CONF_PROTO_PPTP;
		table = pptp_options;
		any.s_addr = htonl(INADDR_ANY);
		listen_set(lc, AF_INET, &any, CONF_PPTP_PORT);
	} else if (strcmp(s, "pppoe") == 0) {
		lc->proto = CONF_PROTO_PPPOE;
		table = pppoe_options;
		lc->any_service = 1;
		lc->padi_limit = CONF_PADI_LIMIT;
		lc->padi_limit_per_mac = CONF_PADI_LIMIT_PER_MAC;
	} else {
		parse_error(p, "listen: unknown protocol \"%s\", expected "
		    "pptp or pppoe", s);
		free(lc);
		return (-1);
	}
	proto = config_proto_name(lc->proto);
	strlcpy(lc->ppp, CONF_PPP_DEFAULT, sizeof(lc->ppp));
	lc->lineno = line;
	lex(p);

	memset(seen, 0, sizeof(seen));
	while (p->tok.type == T_WORD) {
		if ((o = kw_find(table, p->tok.str, &i)) == NULL) {
			parse_error(p, "unknown keyword %s in listen %s, "
			    "expected %s", tok_desc(p), proto,
			    kw_expected(table, expected, sizeof(expected)));
			goto fail;
		}
		if (o->once && seen[i]) {
			parse_error(p, "listen %s: \"%s\" given twice", proto,
			    o->name);
			goto fail;
		}
		seen[i] = 1;
		lex(p);
		if (o->parse(p, o, lc) == -1)
			goto fail;
	}
	if (lc->proto == CONF_PROTO_PPPOE && lc->ifname[0] == '\0') {
		parse_error_at(p, line, "listen pppoe: missing \"on\" "
		    "interface");
		goto fail;
	}
	if (lc->pool[0] == '\0') {
		parse_error_at(p, line, "listen %s: missing \"pool\"", proto);
		goto fail;
	}
	TAILQ_INSERT_TAIL(&conf->listeners, lc, entry);
	return (0);
 fail:
	free(lc);
	return (-1);
}

/* on ADDRESS: IPv4 or IPv6; keeps a port given before it. */
static int
parse_listen_addr(struct parser *p, const struct keyword *k, void *obj)
{
	struct listen_conf	*lc = obj;
	struct in_addr		 in4;
	struct in6_addr		 in6;
	const char		*s;

	if ((s = want_word(p, k->name, "an address")) == NULL)
		return (-1);
	if (inet_pton(AF_INET, s, &in4) == 1)
		listen_set(lc, AF_INET, &in4, listen_port(lc));
	else if (inet_pton(AF_INET6, s, &in6) == 1)
		listen_set(lc, AF_INET6, &in6, listen_port(lc));
	else {
		parse_error(p, "listen pptp: \"%s\" is not an IPv4 or IPv6 "
		    "address", s);
		return (-1);
	}
	lex(p);
	return (0);
}

static int
parse_listen_port(struct parser *p, const struct keyword *k, void *obj)
{
	struct listen_conf	*lc = obj;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&lc->addr;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&lc->addr;
	const char		*s, *errstr;
	in_port_t		 port;

	if ((s = want_word(p, k->name, "a port number")) == NULL)
		return (-1);
	port = strtonum(s, 1, 65535, &errstr);
	if (errstr != NULL) {
		parse_error(p, "listen pptp: port \"%s\": %s, expected 1 to "
		    "65535", s, errstr);
		return (-1);
	}
	if (lc->addr.ss_family == AF_INET6)
		listen_set(lc, AF_INET6, &sin6->sin6_addr, port);
	else
		listen_set(lc, AF_INET, &sin->sin_addr, port);
	lex(p);
	return (0);
}

/* Interface names as the kernel's dev_valid_name() takes them. */
static int
parse_listen_if(struct parser *p, const struct keyword *k, void *obj)
{
	struct listen_conf	*lc = obj;
	const char		*s;

	if ((s = want_word(p, k->name, "an interface")) == NULL ||
	    check_string(p, "interface name", s, sizeof(lc->ifname)) == -1)
		return (-1);
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strpbrk(s, "/: \t") != NULL) {
		parse_error(p, "listen pppoe: invalid interface name \"%s\"",
		    s);
		return (-1);
	}
	strlcpy(lc->ifname, s, sizeof(lc->ifname));
	lex(p);
	return (0);
}

static int
parse_listen_service(struct parser *p, const struct keyword *k, void *obj)
{
	struct listen_conf	*lc = obj;
	const char		*s;
	int			 i;

	if ((s = want_word(p, k->name, "a service name")) == NULL ||
	    check_string(p, "service name", s, CONF_SERVICE_LEN) == -1)
		return (-1);
	for (i = 0; i < lc->nservices; i++)
		if (strcmp(lc->services[i], s) == 0) {
			parse_error(p, "listen pppoe: service \"%s\" given "
			    "twice", s);
			return (-1);
		}
	if (lc->nservices == CONF_SERVICE_MAX) {
		parse_error(p, "listen pppoe: too many services, at most %d",
		    CONF_SERVICE_MAX);
		return (-1);
	}
	strlcpy(lc->services[lc->nservices++], s, CONF_SERVICE_LEN);
	lex(p);
	return (0);
}

static in_port_t
listen_port(const struct listen_conf *lc)
{
	const struct sockaddr_in	*sin = (const void *)&lc->addr;
	const struct sockaddr_in6	*sin6 = (const void *)&lc->addr;

	if (lc->addr.ss_family == AF_INET6)
		return (ntohs(sin6->sin6_port));
	return (ntohs(sin->sin_port));
}

/*
 * Rewrites the whole sockaddr_storage, so that listeners can be compared
 * with memcmp().
 */
static void
listen_set(struct listen_conf *lc, int af, const void *addr, in_port_t port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, sizeof(sin6->sin6_addr));
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, sizeof(sin->sin_addr));
	}
	lc->addr = ss;
}

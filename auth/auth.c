/*
 * auth.c: main loop of the auth process.  It is the only process that
 * ever sees a password: the parent hands it the secrets file as a
 * descriptor (auth is chrooted and cannot open it), and later sessions'
 * login exchanges come to it through the parent and leave as a verdict.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>

#include <errno.h>
#include <event.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"
#include "auth.h"
#include "secrets.h"
#include "chap.h"
#include "throttle.h"
#include "verify.h"

/*
 * Attempts one session may make however its peer behaves; the session
 * enforces the configured max-auth-failures, this only bounds a session
 * child that was taken over and now guesses passwords.
 */
#define AUTH_ATTEMPTS_MAX	10

/* "@/" secrets one load may name, and how long the parent may take. */
#define AUTH_FILES_MAX		256
#define AUTH_FILES_TIMEOUT	10	/* seconds */

/* One session's channel, and what auth issued on it. */
struct auth_sess {
	TAILQ_ENTRY(auth_sess)	 entry;
	uint32_t		 id;
	char			 peer[64];
	char			 peer_addr[48];
	struct imsgev		 iev;
	int			 method;	/* of the challenge issued */
	uint8_t			 challenge[AUTH_CHALLENGE_MAX];
	size_t			 chlen;		/* 0: none outstanding */
	int			 attempts;
	int			 done;		/* succeeded once */
	struct event		 delay;		/* throttled answer */
	struct auth_result	 pending;
	int			 pending_set;
};

/* An "@/" file, one per line that names it: the loader consumes it. */
struct auth_file_slot {
	char			*path;
	int			 fd;		/* -1: none, or handed out */
	int			 error;		/* the parent's refusal */
	int			 answered;
	int			 used;		/* by the loader's opener */
};

/*
 * A secrets load that waits for the parent to open its "@/" files.  The
 * chrooted auth process cannot open them, the parent must not parse the
 * secrets: auth lists the paths, the parent checks and opens each, and
 * auth loads the file again with the descriptors it got.
 */
struct auth_load {
	uint32_t		 gen;		/* peerid of its requests */
	int			 fd;		/* the secrets file, -1: idle */
	struct auth_secrets	 as;
	struct auth_file_slot	 files[AUTH_FILES_MAX];
	size_t			 nfiles;
	size_t			 nanswers;
	int			 toomany;	/* files[] overflowed */
	struct event		 timeout;
};

/* All of the auth process's state. */
static struct {
	struct imsgev		 parent_iev;
	struct secrets		*secrets;
	int			 strip_domain;	/* enum auth_strip_domain */
	struct auth_status	 status;
	struct throttle		*throttle;
	TAILQ_HEAD(, auth_sess)	 sessions;
	struct auth_load	 load;
} auth;

static void	 auth_dispatch_parent(int, short, void *);
static void	 auth_load_secrets(struct imsg *);
static void	 auth_load_record(const char *, void *);
static void	 auth_load_file(struct imsg *);
static void	 auth_load_timeout(int, short, void *);
static void	 auth_load_finish(void);
static int	 auth_load_open(const char *, void *);
static void	 auth_load_clear(void);
static void	 auth_new_session(struct imsg *);
static void	 auth_dispatch_session(int, short, void *);
static void	 auth_session_free(struct auth_sess *);
static int	 auth_challenge(struct auth_sess *, struct imsg *);
static int	 auth_request(struct auth_sess *, struct imsg *);
static void	 auth_send_result(int, short, void *);

void
auth_main(const char *user, const char *chroot_dir)
{
	struct rlimit	 rl;

	log_procinit("auth");
	/* One channel per session: allow as many as the hard limit does. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	TAILQ_INIT(&auth.sessions);
	if ((auth.throttle = throttle_new(NULL)) == NULL)
		fatal("throttle");
	/* MD4, DES and RC4 live in OpenSSL's legacy provider: load now. */
	if (crypto_init() == -1)
		fatalx("cannot load OpenSSL's legacy provider (MD4, DES, RC4 "
		    "are needed for MS-CHAP and MPPE)");
	event_init();
	auth.load.fd = -1;
	evtimer_set(&auth.load.timeout, auth_load_timeout, NULL);
	sandbox_demote(SANDBOX_AUTH, user, chroot_dir, "auth");

	imsgev_init(&auth.parent_iev, PPPOXD_IMSG_FD, auth_dispatch_parent,
	    NULL);
	imsgev_add(&auth.parent_iev);
	event_dispatch();
	fatalx("event loop ended");
}

static void
auth_dispatch_parent(int fd, short event, void *arg)
{
	struct imsgev	*iev = &auth.parent_iev;
	struct imsg	 imsg;
	int		 r;

	(void)fd;
	(void)arg;
	if (imsgev_io(iev, event) == -1) {
		/* The parent is gone; so are we. */
		secrets_free(auth.secrets);
		exit(0);
	}
	while ((r = imsgev_get(iev, &imsg)) > 0) {
		switch (imsg.hdr.type) {
		case IMSG_AUTH_SECRETS:
			auth_load_secrets(&imsg);
			break;
		case IMSG_AUTH_FILE:
			auth_load_file(&imsg);
			break;
		case IMSG_AUTH_SESSION:
			auth_new_session(&imsg);
			break;
		case IMSG_AUTH_STATUS_REQ:
			if (imsg.datalen != 0)
				fatalx("bad %s", imsg_type_name(imsg.hdr.type));
			imsgev_compose(iev, IMSG_AUTH_STATUS, imsg.hdr.peerid,
			    -1, &auth.status, sizeof(auth.status));
			break;
		default:
			fatalx("unexpected message %s from parent",
			    imsg_type_name(imsg.hdr.type));
		}
		imsg_free(&imsg);
	}
	if (r == -1)
		fatalx("protocol error on the parent channel");
	imsgev_add(iev);
}

/*
 * A new secrets file replaces the old one only once it is parsed; lines
 * with errors are logged by the parser and skipped.  If it names "@/"
 * files, the parent is asked for them first.
 */
static void
auth_load_secrets(struct imsg *imsg)
{
	struct auth_load	*l = &auth.load;
	struct auth_file_req	 req;
	struct auth_secrets	 as;
	struct timeval		 tv = { AUTH_FILES_TIMEOUT, 0 };
	size_t			 i;
	int			 fd;

	if (imsg_get_data(imsg, &as, sizeof(as)) == -1 ||
	    memchr(as.server_name, '\0', sizeof(as.server_name)) == NULL ||
	    memchr(as.path, '\0', sizeof(as.path)) == NULL ||
	    (as.strip_domain != AUTH_STRIP_DOMAIN_FALLBACK &&
	    as.strip_domain != AUTH_STRIP_DOMAIN_NO &&
	    as.strip_domain != AUTH_STRIP_DOMAIN_YES) ||
	    (fd = imsg_get_fd(imsg)) == -1)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	if (l->fd != -1) {
		log_info("%s: reloaded before its \"@/\" files arrived; "
		    "loading the new one", l->as.path);
		auth_load_clear();
	}
	/* Answers to an earlier load carry an older number: dropped. */
	l->gen++;
	l->fd = fd;
	l->as = as;
	if (secrets_atfiles(fd, as.server_name, auth_load_record, l) == -1 ||
	    l->nfiles == 0) {
		auth_load_finish();
		return;
	}
	if (l->toomany)
		log_warnx("%s: more than %d \"@/\" secrets; the lines after "
		    "them are skipped", as.path, AUTH_FILES_MAX);
	for (i = 0; i < l->nfiles; i++) {
		memset(&req, 0, sizeof(req));
		req.idx = i;
		strlcpy(req.path, l->files[i].path, sizeof(req.path));
		imsgev_compose(&auth.parent_iev, IMSG_AUTH_FILE_REQ, l->gen, -1,
		    &req, sizeof(req));
	}
	log_debug("%s: asked the parent for %zu \"@/\" file(s)", as.path,
	    l->nfiles);
	evtimer_add(&l->timeout, &tv);
}

/* secrets_atfiles() callback: one slot per line naming a file. */
static void
auth_load_record(const char *path, void *arg)
{
	struct auth_load	*l = arg;
	struct auth_file_slot	*f;

	if (l->nfiles == AUTH_FILES_MAX) {
		l->toomany = 1;
		return;
	}
	/* A secrets word is shorter than AUTH_FILE_PATH_MAX. */
	if (strlen(path) >= AUTH_FILE_PATH_MAX)
		return;
	f = &l->files[l->nfiles];
	if ((f->path = strdup(path)) == NULL) {
		log_warn("%s", path);
		return;
	}
	f->fd = -1;
	f->error = 0;
	f->answered = f->used = 0;
	l->nfiles++;
}

/* IMSG_AUTH_FILE: the parent opened one "@/" file, or refused to. */
static void
auth_load_file(struct imsg *imsg)
{
	struct auth_load	*l = &auth.load;
	struct auth_file	 af;
	struct auth_file_slot	*f;
	int			 fd;

	fd = imsg_get_fd(imsg);
	if (imsg_get_data(imsg, &af, sizeof(af)) == -1 ||
	    (fd == -1) == (af.error == 0))
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	if (l->fd == -1 || imsg->hdr.peerid != l->gen) {
		/* For a load a reload replaced. */
		if (fd != -1)
			close(fd);
		return;
	}
	if (af.idx >= l->nfiles || l->files[af.idx].answered)
		fatalx("%s for a file not asked for",
		    imsg_type_name(imsg->hdr.type));
	f = &l->files[af.idx];
	f->answered = 1;
	f->fd = fd;
	f->error = af.error;
	if (++l->nanswers == l->nfiles)
		auth_load_finish();
}

static void
auth_load_timeout(int fd, short event, void *arg)
{
	struct auth_load	*l = &auth.load;

	(void)fd;
	(void)event;
	(void)arg;
	log_warnx("%s: no answer for %zu \"@/\" file(s) within %d s; their "
	    "lines are skipped", l->as.path, l->nfiles - l->nanswers,
	    AUTH_FILES_TIMEOUT);
	auth_load_finish();
}

/* Parse the secrets file from its start, with the files received. */
static void
auth_load_finish(void)
{
	struct auth_load	*l = &auth.load;
	struct secrets		*s = NULL;
	uint32_t		 nerrors = 0;

	if (lseek(l->fd, 0, SEEK_SET) == -1)
		log_warn("%s: lseek", l->as.path);
	else
		s = secrets_load(l->fd, l->as.path, l->as.server_name,
		    auth_load_open, l, &nerrors);
	if (s == NULL) {
		log_warnx("%s: cannot load secrets; keeping the previous ones",
		    l->as.path);
		auth_load_clear();
		return;
	}
	secrets_free(auth.secrets);
	auth.secrets = s;
	auth.strip_domain = l->as.strip_domain;
	auth.status.entries = secrets_count(s);
	auth.status.errors = nerrors;
	log_info("%s: %u secret(s) loaded, %u line(s) skipped", l->as.path,
	    auth.status.entries, nerrors);
	imsgev_compose(&auth.parent_iev, IMSG_AUTH_STATUS, 0, -1,
	    &auth.status, sizeof(auth.status));
	auth_load_clear();
}

/*
 * The loader's opener: the descriptor the parent sent for the next line
 * naming path.  The loader closes it, so each is handed out once.
 */
static int
auth_load_open(const char *path, void *arg)
{
	struct auth_load	*l = arg;
	struct auth_file_slot	*f;
	size_t			 i;
	int			 fd;

	for (i = 0; i < l->nfiles; i++) {
		f = &l->files[i];
		if (f->used || strcmp(f->path, path) != 0)
			continue;
		f->used = 1;
		if (!f->answered) {
			errno = ETIMEDOUT;
			return (-1);
		}
		if (f->fd == -1) {
			errno = f->error;
			return (-1);
		}
		fd = f->fd;
		f->fd = -1;
		return (fd);
	}
	/* Beyond AUTH_FILES_MAX, or the file changed since it was listed. */
	errno = l->toomany ? EMFILE : EAGAIN;
	return (-1);
}

/* Forget the load: its descriptors, paths and timer. */
static void
auth_load_clear(void)
{
	struct auth_load	*l = &auth.load;
	size_t			 i;

	evtimer_del(&l->timeout);
	for (i = 0; i < l->nfiles; i++) {
		if (l->files[i].fd != -1)
			close(l->files[i].fd);
		free(l->files[i].path);
	}
	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	l->nfiles = l->nanswers = 0;
	l->toomany = 0;
}

static void
auth_new_session(struct imsg *imsg)
{
	struct auth_session	 as;
	struct auth_sess	*a;
	int			 fd;

	if (imsg_get_data(imsg, &as, sizeof(as)) == -1 ||
	    memchr(as.peer, '\0', sizeof(as.peer)) == NULL ||
	    memchr(as.peer_addr, '\0', sizeof(as.peer_addr)) == NULL ||
	    (fd = imsg_get_fd(imsg)) == -1)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		log_warn("session %u", as.id);
		close(fd);
		return;
	}
	a->id = as.id;
	strlcpy(a->peer, as.peer, sizeof(a->peer));
	strlcpy(a->peer_addr, as.peer_addr, sizeof(a->peer_addr));
	evtimer_set(&a->delay, auth_send_result, a);
	imsgev_init(&a->iev, fd, auth_dispatch_session, a);
	imsgev_add(&a->iev);
	TAILQ_INSERT_TAIL(&auth.sessions, a, entry);
}

static void
auth_session_free(struct auth_sess *a)
{
	TAILQ_REMOVE(&auth.sessions, a, entry);
	evtimer_del(&a->delay);
	imsgev_clear(&a->iev);
	explicit_bzero(a, sizeof(*a));
	free(a);
}

/*
 * A session's channel.  The session is less trusted than we are: a bad
 * message closes its channel (its login then fails), never auth.
 */
static void
auth_dispatch_session(int fd, short event, void *arg)
{
	struct auth_sess	*a = arg;
	struct imsg		 imsg;
	int			 r;

	(void)fd;
	if (imsgev_io(&a->iev, event) == -1) {
		auth_session_free(a);
		return;
	}
	while ((r = imsgev_get(&a->iev, &imsg)) > 0) {
		if (imsg.fd != -1)
			r = -1;
		else if (imsg.hdr.type == IMSG_AUTH_CHALLENGE_REQ)
			r = auth_challenge(a, &imsg);
		else if (imsg.hdr.type == IMSG_AUTH_REQUEST)
			r = auth_request(a, &imsg);
		else
			r = -1;
		if (r == -1)
			log_warnx("session %u: bad %s from the session, closing "
			    "its channel", a->id, imsg_type_name(imsg.hdr.type));
		imsg_free(&imsg);
		if (r == -1)
			break;
	}
	if (r == -1) {
		auth_session_free(a);
		return;
	}
	imsgev_add(&a->iev);
}

/* We choose the challenge, so a session cannot replay a sniffed login. */
static int
auth_challenge(struct auth_sess *a, struct imsg *imsg)
{
	struct auth_chreq	 req;
	struct auth_challenge	 ch;

	if (imsg_get_data(imsg, &req, sizeof(req)) == -1 ||
	    (req.method != AUTH_CHAP_MD5 && req.method != AUTH_MSCHAP_V1 &&
	    req.method != AUTH_MSCHAP_V2) || a->done)
		return (-1);
	a->method = req.method;
	a->chlen = req.method == AUTH_MSCHAP_V1 ? MSCHAP_V1_CHALLENGE_LEN :
	    AUTH_CHALLENGE_MAX;
	arc4random_buf(a->challenge, a->chlen);
	memset(&ch, 0, sizeof(ch));
	memcpy(ch.challenge, a->challenge, a->chlen);
	ch.len = a->chlen;
	imsgev_compose(&a->iev, IMSG_AUTH_CHALLENGE, a->id, -1, &ch,
	    sizeof(ch));
	return (0);
}

static int
auth_request(struct auth_sess *a, struct imsg *imsg)
{
	struct auth_request	 req;
	struct auth_result	 res;
	struct auth_verdict	 v;
	const char		*reason;
	size_t			 namelen;
	time_t			 now = time(NULL), wait;
	int			 ok;

	if (imsg_get_data(imsg, &req, sizeof(req)) == -1 ||
	    memchr(req.name, '\0', sizeof(req.name)) == NULL ||
	    req.response_len > sizeof(req.response) || a->done ||
	    a->pending_set)
		return (-1);
	if (req.method == AUTH_PAP) {
		if (a->chlen != 0)
			return (-1);
	} else if (a->chlen == 0 || req.method != a->method)
		return (-1);	/* no challenge of ours to answer */
	namelen = strlen(req.name);
	memset(&res, 0, sizeof(res));
	memset(&v, 0, sizeof(v));
	v.id = a->id;
	v.method = req.method;

	if (++a->attempts > AUTH_ATTEMPTS_MAX) {
		ok = 0;
		reason = "too many attempts on one session";
	} else {
		ok = verify_request(auth.secrets, auth.strip_domain, &req,
		    a->challenge, a->chlen, &res, &v, &reason);
		wait = throttle_check(auth.throttle, req.name, namelen,
		    a->peer_addr, strlen(a->peer_addr), now);
		if (ok && wait > 0) {
			/* A right guess must not end a throttled series. */
			ok = 0;
			reason = "throttled after repeated failures";
			explicit_bzero(&res, sizeof(res));
		}
	}
	explicit_bzero(&req.response, sizeof(req.response));

	v.ok = ok;
	res.ok = ok;
	if (ok) {
		a->done = 1;
		throttle_success(auth.throttle, req.name, namelen, now);
		log_info("session %u: %s: user %s logged in with %s", a->id,
		    a->peer, req.name, verify_method_name(req.method));
		wait = 0;
	} else {
		throttle_failure(auth.throttle, req.name, namelen,
		    a->peer_addr, strlen(a->peer_addr), now);
		wait = throttle_check(auth.throttle, req.name, namelen,
		    a->peer_addr, strlen(a->peer_addr), now);
		log_warnx("session %u: %s: login of user %s with %s failed: %s%s",
		    a->id, a->peer, req.name, verify_method_name(req.method),
		    reason, wait > 0 ? " (answer delayed)" : "");
		res.retry = a->attempts < AUTH_ATTEMPTS_MAX;
		/* A retry answers a new challenge (RFC 2759 section 9.1.4). */
		if (req.method != AUTH_PAP)
			arc4random_buf(a->challenge, a->chlen);
		if (req.method == AUTH_MSCHAP_V2)
			mschap_v2_failure_message(res.message,
			    sizeof(res.message),
			    MSCHAP_ERROR_AUTHENTICATION_FAILURE, res.retry,
			    a->challenge, "Authentication failed");
		else if (req.method == AUTH_MSCHAP_V1)
			mschap_v1_failure_message(res.message,
			    sizeof(res.message),
			    MSCHAP_ERROR_AUTHENTICATION_FAILURE, res.retry,
			    a->challenge);
		else
			strlcpy(res.message, "Authentication failed",
			    sizeof(res.message));
	}
	if (ok && req.method == AUTH_PAP)
		strlcpy(res.message, "Login ok", sizeof(res.message));
	if (!ok && req.method != AUTH_PAP && !res.retry)
		a->chlen = 0;

	imsgev_compose(&auth.parent_iev, IMSG_AUTH_VERDICT, a->id, -1, &v,
	    sizeof(v));
	a->pending = res;
	a->pending_set = 1;
	explicit_bzero(&res, sizeof(res));
	if (wait > 0) {
		struct timeval	 tv = { wait > 60 ? 60 : wait, 0 };

		evtimer_add(&a->delay, &tv);
	} else
		auth_send_result(-1, 0, a);
	return (0);
}

static void
auth_send_result(int fd, short event, void *arg)
{
	struct auth_sess	*a = arg;

	(void)fd;
	(void)event;
	imsgev_compose(&a->iev, IMSG_AUTH_RESULT, a->id, -1, &a->pending,
	    sizeof(a->pending));
	explicit_bzero(&a->pending, sizeof(a->pending));
	a->pending_set = 0;
}

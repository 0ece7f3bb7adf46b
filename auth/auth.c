/*
 * auth.c: main loop of the auth process.  It is the only process that
 * ever sees a password: the parent hands it the secrets file as a
 * descriptor (auth is chrooted and cannot open it), and later sessions'
 * login exchanges come to it through the parent and leave as a verdict.
 */
#include <sys/types.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pppoxd.h"
#include "log.h"
#include "proc.h"
#include "auth.h"
#include "secrets.h"
#include "chap.h"

/* All of the auth process's state. */
static struct {
	struct imsgev	 parent_iev;
	struct secrets	*secrets;
	struct auth_status status;
} auth;

static void	 auth_dispatch_parent(int, short, void *);
static void	 auth_load_secrets(struct imsg *);

void
auth_main(const char *user, const char *chroot_dir)
{
	log_procinit("auth");
	/* MD4, DES and RC4 live in OpenSSL's legacy provider: load now. */
	if (crypto_init() == -1)
		fatalx("cannot load OpenSSL's legacy provider (MD4, DES, RC4 "
		    "are needed for MS-CHAP and MPPE)");
	event_init();
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
 * with errors are logged by the parser and skipped.
 */
static void
auth_load_secrets(struct imsg *imsg)
{
	struct auth_secrets	 as;
	struct secrets		*s;
	uint32_t		 nerrors = 0;
	int			 fd;

	if (imsg_get_data(imsg, &as, sizeof(as)) == -1 ||
	    memchr(as.server_name, '\0', sizeof(as.server_name)) == NULL ||
	    memchr(as.path, '\0', sizeof(as.path)) == NULL ||
	    (fd = imsg_get_fd(imsg)) == -1)
		fatalx("bad %s", imsg_type_name(imsg->hdr.type));
	/* "@/file" secrets need an opener outside the chroot; see secrets.h. */
	s = secrets_load(fd, as.path, as.server_name, NULL, NULL, &nerrors);
	close(fd);
	if (s == NULL) {
		log_warnx("%s: cannot load secrets; keeping the previous ones",
		    as.path);
		return;
	}
	secrets_free(auth.secrets);
	auth.secrets = s;
	auth.status.entries = secrets_count(s);
	auth.status.errors = nerrors;
	log_info("%s: %u secret(s) loaded, %u line(s) skipped", as.path,
	    auth.status.entries, nerrors);
	imsgev_compose(&auth.parent_iev, IMSG_AUTH_STATUS, 0, -1,
	    &auth.status, sizeof(auth.status));
}

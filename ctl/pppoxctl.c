/*
 * pppoxctl: control a running pppoxd over its control socket.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pppoxd.h"
#include "imsg.h"
#include "ctl.h"

static __attribute__((noreturn)) void usage(void);
static int	 ctl_connect(const char *);
static uint32_t	 ctl_parse_id(const char *);

static void
usage(void)
{
	extern char	*__progname;

	fprintf(stderr, "usage: %s [-j] [-s socket] command [argument ...]\n"
	    "commands:\n"
	    "\tshow sessions\n"
	    "\tshow session ID\n"
	    "\tshow status\n"
	    "\tdisconnect ID | user NAME | ip ADDRESS\n"
	    "\treload\n", __progname);
	exit(1);
}

static uint32_t
ctl_parse_id(const char *s)
{
	const char	*errstr;
	long long	 id;

	id = strtonum(s, 1, UINT32_MAX, &errstr);
	if (errstr != NULL)
		errx(1, "session id %s is %s", s, errstr);
	return ((uint32_t)id);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "socket path %s too long", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s (is pppoxd running?)", path);
	return (fd);
}

int
main(int argc, char *argv[])
{
	const char		*sockpath = PPPOXD_SOCKET;
	struct imsgbuf		 ibuf;
	struct imsg		 imsg;
	struct ctl_disconnect	 d;
	struct ctl_output	 out;
	uint32_t		 type, peerid = 0;
	const void		*data = NULL;
	size_t			 datalen = 0;
	ssize_t			 n;
	int			 ch, done = 0, r, error = 0;

	memset(&out, 0, sizeof(out));
	while ((ch = getopt(argc, argv, "js:")) != -1) {
		switch (ch) {
		case 'j':
			out.json = 1;
			break;
		case 's':
			sockpath = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();

	if (strcmp(argv[0], "show") == 0 && argc == 2 &&
	    strcmp(argv[1], "sessions") == 0) {
		type = IMSG_CTL_SHOW_SESSIONS;
		out.what = CTL_OUT_SESSIONS;
	} else if (strcmp(argv[0], "show") == 0 && argc == 3 &&
	    strcmp(argv[1], "session") == 0) {
		type = IMSG_CTL_SHOW_SESSIONS;
		peerid = ctl_parse_id(argv[2]);
		out.what = CTL_OUT_SESSION;
	} else if (strcmp(argv[0], "show") == 0 && argc == 2 &&
	    strcmp(argv[1], "status") == 0) {
		type = IMSG_CTL_SHOW_STATUS;
		out.what = CTL_OUT_STATUS;
	} else if (strcmp(argv[0], "disconnect") == 0 && argc >= 2) {
		memset(&d, 0, sizeof(d));
		if (argc == 3 && strcmp(argv[1], "user") == 0) {
			d.match = CTL_MATCH_USER;
			if (strlcpy(d.user, argv[2], sizeof(d.user)) >=
			    sizeof(d.user))
				errx(1, "user name too long");
		} else if (argc == 3 && strcmp(argv[1], "ip") == 0) {
			d.match = CTL_MATCH_IP;
			if (inet_pton(AF_INET, argv[2], &d.ip) != 1)
				errx(1, "%s: not an IPv4 address", argv[2]);
		} else if (argc == 2) {
			d.match = CTL_MATCH_ID;
			d.id = ctl_parse_id(argv[1]);
		} else
			usage();
		type = IMSG_CTL_DISCONNECT;
		data = &d;
		datalen = sizeof(d);
		out.what = CTL_OUT_RESULT;
	} else if (strcmp(argv[0], "reload") == 0 && argc == 1) {
		type = IMSG_CTL_RELOAD;
		out.what = CTL_OUT_RESULT;
	} else
		usage();

	if (imsgbuf_init(&ibuf, ctl_connect(sockpath)) == -1)
		err(1, "imsgbuf_init");
	if (imsg_compose(&ibuf, type, peerid, getpid(), -1, data, datalen) ==
	    -1 || imsgbuf_flush(&ibuf) == -1)
		err(1, "send request");

	ctl_output_begin(&out);
	while (!done) {
		if ((n = imsgbuf_read(&ibuf)) == -1) {
			if (errno == EAGAIN || errno == EINTR) {
				ctl_wait_readable(imsgbuf_fd(&ibuf));
				continue;
			}
			err(1, "read reply");
		}
		if (n == 0)
			errx(1, "pppoxd closed the connection");
		while (!done && (r = imsg_get(&ibuf, &imsg)) > 0) {
			switch (imsg.hdr.type) {
			case IMSG_CTL_SESSION:
				ctl_output_session(&out, &imsg);
				break;
			case IMSG_CTL_STATUS:
				ctl_output_status(&out, &imsg);
				break;
			case IMSG_CTL_RESULT:
				error = ctl_output_result(&out, &imsg);
				done = 1;
				break;
			default:
				errx(1, "unexpected reply type %u",
				    imsg.hdr.type);
			}
			imsg_free(&imsg);
		}
		if (r == -1)
			err(1, "bad reply");
	}
	ctl_output_end(&out);
	imsgbuf_clear(&ibuf);
	return (error ? 1 : 0);
}

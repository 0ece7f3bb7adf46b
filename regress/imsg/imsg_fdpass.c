/*
 * imsg_fdpass: descriptor passing through imsg/imsg.c and the protocol
 * errors around it.  One case per run: imsg_fdpass <case>.  Every case
 * also checks that it leaves as many descriptors open as it found.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "test.h"

#define NPIPES		6
#define LOOP_MAX	100000	/* bound on any busy loop */

static int	 fd_isopen(int);
static void	 pair_imsg(struct imsgbuf *, struct imsgbuf *);
static void	 pair_raw(struct imsgbuf *, int *);
static void	 raw_send(int, const void *, size_t, const int *, int);
static void	 raw_hdr(struct imsg_hdr *, uint32_t, uint16_t, uint16_t);
static void	 pipe_roundtrip(int, int, const char *);

static void	 case_fd_passing(void);
static void	 case_fd_order(void);
static void	 case_partial_write_fd(void);
static void	 case_fd_without_message(void);
static void	 case_fd_announced_missing(void);
static void	 case_too_many_fds(void);
static void	 case_clear_closes(void);

static const struct test_case cases[] = {
	{ "fd-passing",			case_fd_passing },
	{ "fd-order",			case_fd_order },
	{ "partial-write-fd",		case_partial_write_fd },
	{ "fd-without-message",		case_fd_without_message },
	{ "fd-announced-missing",	case_fd_announced_missing },
	{ "too-many-fds",		case_too_many_fds },
	{ "clear-closes",		case_clear_closes },
};

static struct imsgbuf	 ia, ib;

static int
fd_isopen(int fd)
{
	return (fcntl(fd, F_GETFD) != -1 || errno != EBADF);
}

static void
pair_imsg(struct imsgbuf *a, struct imsgbuf *b)
{
	int	 sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1) {
		perror("socketpair");
		exit(2);
	}
	CHECK(imsgbuf_init(a, sp[0]) == 0);
	CHECK(imsgbuf_init(b, sp[1]) == 0);
}

/* b is an imsgbuf; *raw the other end, for sendmsg() by hand. */
static void
pair_raw(struct imsgbuf *b, int *raw)
{
	int	 sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1) {
		perror("socketpair");
		exit(2);
	}
	CHECK(imsgbuf_init(b, sp[1]) == 0);
	*raw = sp[0];
}

/* One sendmsg() of len bytes with nfds descriptors (we keep ours). */
static void
raw_send(int fd, const void *data, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(int) * 64)];
	}		 cbuf;
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;

	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	}
	CHECK(sendmsg(fd, &msg, 0) == (ssize_t)len);
}

static void
raw_hdr(struct imsg_hdr *hdr, uint32_t type, uint16_t len, uint16_t flags)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->type = type;
	hdr->len = len;
	hdr->flags = flags;
}

/* What goes into wfd comes out of rfd. */
static void
pipe_roundtrip(int wfd, int rfd, const char *s)
{
	char	 buf[64];
	size_t	 len = strlen(s);

	memset(buf, 0, sizeof(buf));
	CHECK(write(wfd, s, len) == (ssize_t)len);
	CHECK(read(rfd, buf, sizeof(buf)) == (ssize_t)len);
	CHECK(memcmp(buf, s, len) == 0);
}

/*
 * A pipe's write end one way and a read end the other; the received
 * descriptors work, are close-on-exec, and the sender's copy is closed
 * once sent.  A message whose descriptor nobody takes closes it.
 */
static void
case_fd_passing(void)
{
	struct imsg	 imsg;
	int		 p[2], q[2], fd, num;

	pair_imsg(&ia, &ib);
	CHECK(pipe(p) == 0);
	CHECK(pipe(q) == 0);

	CHECK(imsg_compose(&ia, 1, 5, 0, p[1], "w", 1) == 0);
	CHECK(fd_isopen(p[1]));		/* queued, not yet sent */
	CHECK(imsgbuf_flush(&ia) == 0);
	CHECK(!fd_isopen(p[1]));
	CHECK(imsgbuf_read(&ib) == (ssize_t)IMSG_HEADER_SIZE + 1);
	CHECK(imsg_get(&ib, &imsg) == 1);
	CHECK(imsg.hdr.type == 1 && imsg.hdr.peerid == 5);
	CHECK((imsg.hdr.flags & IMSG_F_HASFD) != 0);
	fd = imsg_get_fd(&imsg);
	CHECK(fd >= 0);
	CHECK(imsg_get_fd(&imsg) == -1);
	imsg_free(&imsg);
	CHECK(fd_isopen(fd));		/* ours now, not imsg_free()'s */
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	pipe_roundtrip(fd, p[0], "through the write end");
	close(fd);
	close(p[0]);

	CHECK(imsg_compose(&ib, 2, 6, 0, q[0], NULL, 0) == 0);
	CHECK(imsgbuf_flush(&ib) == 0);
	CHECK(!fd_isopen(q[0]));
	CHECK(imsgbuf_read(&ia) == (ssize_t)IMSG_HEADER_SIZE);
	CHECK(imsg_get(&ia, &imsg) == 1 && imsg.hdr.type == 2);
	CHECK(imsg.fd >= 0);
	pipe_roundtrip(q[1], imsg.fd, "through the read end");
	num = imsg.fd;
	imsg_free(&imsg);
	CHECK(!fd_isopen(num));
	CHECK(imsg.fd == -1);
	close(q[1]);

	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
}

/*
 * Descriptors keep their messages across several messages, with and
 * without descriptors mixed, all flushed at once.
 */
static void
case_fd_order(void)
{
	struct imsg	 imsg;
	uint32_t	 i, idx, next = 0;
	ssize_t		 n;
	uint8_t		 c;
	int		 p[NPIPES][2], k = 0, loops, withfd, bad = 0, got = 0;

	pair_imsg(&ia, &ib);
	for (i = 0; i < NPIPES; i++)
		CHECK(pipe(p[i]) == 0);
	/* Messages 0..3*NPIPES-1; every one with i % 3 != 1 has a pipe. */
	for (i = 0; i < 3 * NPIPES; i++) {
		withfd = i % 3 != 1 && k < NPIPES;
		idx = withfd ? (uint32_t)k : UINT32_MAX;
		CHECK(imsg_compose(&ia, i, 0, 0, withfd ? p[k][1] : -1,
		    &idx, sizeof(idx)) == 0);
		if (withfd)
			k++;
	}
	CHECK(k == NPIPES);
	CHECK(imsgbuf_flush(&ia) == 0);

	for (loops = 0; next < 3 * NPIPES && loops < LOOP_MAX; loops++) {
		n = imsgbuf_read(&ib);
		if (n <= 0) {
			bad++;
			break;
		}
		while (imsg_get(&ib, &imsg) == 1) {
			CHECK(imsg.hdr.type == next);
			CHECK(imsg_get_data(&imsg, &idx, sizeof(idx)) == 0);
			if ((imsg.fd != -1) != (idx != UINT32_MAX))
				bad++;
			if (imsg.fd != -1 && idx < NPIPES) {
				c = (uint8_t)('a' + idx);
				CHECK(write(imsg.fd, &c, 1) == 1);
				got++;
			}
			imsg_free(&imsg);
			next++;
		}
	}
	CHECK(bad == 0);
	CHECK(next == 3 * NPIPES);
	CHECK(got == NPIPES);
	CHECK(ib.nrfds == 0);
	for (i = 0; i < NPIPES; i++) {
		c = 0;
		CHECK(read(p[i][0], &c, 1) == 1 && c == 'a' + i);
		close(p[i][0]);
	}

	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
}

/*
 * A message bigger than the socket buffer goes out in several writes;
 * its descriptor arrives with the first part and only once.  A big
 * message without one goes first so the fd message also starts mid-way.
 */
static void
case_partial_write_fd(void)
{
	static uint8_t	 big[IMSG_MAX_SIZE - IMSG_HEADER_SIZE];
	struct imsg	 imsg;
	int		 p[2], v = 1, loops, writes = 0, maxfds = 0, got = 0;
	int		 fdfirst = -1, fd = -1, sendclosed = -1;
	size_t		 have = 0, start2 = IMSG_MAX_SIZE - 100;
	ssize_t		 n;

	pair_imsg(&ia, &ib);
	CHECK(setsockopt(ia.fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
	CHECK(pipe(p) == 0);
	memset(big, 'B', sizeof(big));

	CHECK(imsg_compose(&ia, 1, 0, 0, -1, big, sizeof(big) - 100) == 0);
	CHECK(imsg_compose(&ia, 2, 0, 0, p[1], big, sizeof(big)) == 0);
	CHECK(imsgbuf_write(&ia) == 0);
	CHECK(imsgbuf_queuelen(&ia) == 2);	/* the socket took a part */
	CHECK(fd_isopen(p[1]));

	for (loops = 0; got < 2 && loops < LOOP_MAX; loops++) {
		if (loops > 0) {
			CHECK(imsgbuf_write(&ia) == 0);
			writes++;
		}
		/* Before the reader gets the fd its number is still ours. */
		if (fdfirst == -1)
			sendclosed = !fd_isopen(p[1]);
		while ((n = imsgbuf_read(&ib)) > 0) {
			/*
			 * The fd comes with the read holding the first
			 * byte of message 2, before its last byte.
			 */
			if (ib.nrfds > 0 && fdfirst == -1)
				fdfirst = have <= start2 &&
				    have + n > start2 &&
				    have + n < start2 + IMSG_MAX_SIZE;
			have += n;
			if (ib.nrfds > maxfds)
				maxfds = ib.nrfds;
		}
		while (imsg_get(&ib, &imsg) == 1) {
			got++;
			CHECK(imsg.hdr.type == (uint32_t)got);
			if (got == 2)
				fd = imsg_get_fd(&imsg);
			else
				CHECK(imsg.fd == -1);
			imsg_free(&imsg);
		}
	}
	CHECK(got == 2);
	CHECK(writes > 2);
	CHECK(maxfds == 1);
	CHECK(fdfirst == 1);
	CHECK(sendclosed == 1);	/* closed once the part with it was sent */
	CHECK(fd >= 0);
	if (fd >= 0) {
		pipe_roundtrip(fd, p[0], "after many writes");
		close(fd);
	}
	CHECK(ib.nrfds == 0);
	close(p[0]);

	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
}

/* A descriptor that no message announces is a protocol error. */
static void
case_fd_without_message(void)
{
	struct imsg	 imsg;
	struct imsg_hdr	 hdr;
	uint8_t		 wire[IMSG_HEADER_SIZE + 4];
	int		 raw, p[2];

	CHECK(pipe(p) == 0);

	/* With the first byte of a message that has no IMSG_F_HASFD. */
	pair_raw(&ib, &raw);
	raw_hdr(&hdr, 1, sizeof(wire), 0);
	memcpy(wire, &hdr, sizeof(hdr));
	memcpy(wire + sizeof(hdr), "data", 4);
	raw_send(raw, wire, sizeof(wire), &p[1], 1);
	CHECK(imsgbuf_read(&ib) == (ssize_t)sizeof(wire));
	CHECK(ib.nrfds == 1);
	errno = 0;
	CHECK(imsg_get(&ib, &imsg) == -1 && errno == EBADMSG);
	errno = 0;
	CHECK(imsgbuf_read(&ib) == -1 && errno == EBADMSG);
	close(raw);
	imsgbuf_clear(&ib);

	/* In the middle of a message. */
	pair_raw(&ib, &raw);
	raw_send(raw, wire, sizeof(hdr), NULL, 0);
	raw_send(raw, wire + sizeof(hdr), 4, &p[1], 1);
	CHECK(imsgbuf_read(&ib) > 0);
	while (imsgbuf_read(&ib) > 0)
		;
	errno = 0;
	CHECK(imsg_get(&ib, &imsg) == -1 && errno == EBADMSG);
	close(raw);
	imsgbuf_clear(&ib);

	/* A good message with its fd, then a stray one with the next. */
	pair_raw(&ib, &raw);
	raw_hdr(&hdr, 1, sizeof(hdr), IMSG_F_HASFD);
	raw_send(raw, &hdr, sizeof(hdr), &p[1], 1);
	raw_hdr(&hdr, 2, sizeof(hdr), 0);
	raw_send(raw, &hdr, sizeof(hdr), &p[1], 1);
	while (imsgbuf_read(&ib) > 0)
		;
	CHECK(ib.nrfds == 2);
	CHECK(imsg_get(&ib, &imsg) == 1 && imsg.hdr.type == 1);
	CHECK(imsg.fd >= 0);
	imsg_free(&imsg);
	errno = 0;
	CHECK(imsg_get(&ib, &imsg) == -1 && errno == EBADMSG);
	close(raw);
	imsgbuf_clear(&ib);

	close(p[0]);
	close(p[1]);
}

/* A header announcing a descriptor that did not come is an error. */
static void
case_fd_announced_missing(void)
{
	struct imsg	 imsg;
	struct imsg_hdr	 hdr;
	int		 raw, p[2];

	/* Refused as soon as the header is in, before the payload. */
	pair_raw(&ib, &raw);
	raw_hdr(&hdr, 1, sizeof(hdr) + 100, IMSG_F_HASFD);
	raw_send(raw, &hdr, sizeof(hdr), NULL, 0);
	CHECK(imsgbuf_read(&ib) == (ssize_t)sizeof(hdr));
	errno = 0;
	CHECK(imsg_get(&ib, &imsg) == -1 && errno == EBADMSG);
	close(raw);
	imsgbuf_clear(&ib);

	/* A descriptor arriving only after the message began is no use. */
	CHECK(pipe(p) == 0);
	pair_raw(&ib, &raw);
	raw_hdr(&hdr, 1, sizeof(hdr) + 4, IMSG_F_HASFD);
	raw_send(raw, &hdr, sizeof(hdr), NULL, 0);
	CHECK(imsgbuf_read(&ib) == (ssize_t)sizeof(hdr));
	raw_send(raw, "data", 4, &p[0], 1);
	CHECK(imsgbuf_read(&ib) == 4);
	CHECK(ib.nrfds == 1);
	errno = 0;
	CHECK(imsg_get(&ib, &imsg) == -1 && errno == EBADMSG);
	close(raw);
	imsgbuf_clear(&ib);
	close(p[0]);
	close(p[1]);
}

/*
 * More than IMSG_MAX_FDS descriptors, in one message (the kernel
 * truncates the control data) or piled up unread, fail the channel and
 * leak nothing.
 */
static void
case_too_many_fds(void)
{
	struct imsg_hdr	 hdr;
	int		 raw, fds[IMSG_MAX_FDS + 1], i, p[2], reads;
	ssize_t		 n = 0;

	CHECK(pipe(p) == 0);
	for (i = 0; i < IMSG_MAX_FDS + 1; i++)
		fds[i] = p[1];

	/* IMSG_MAX_FDS in one message fit (and are not all claimed). */
	pair_raw(&ib, &raw);
	raw_hdr(&hdr, 1, sizeof(hdr), IMSG_F_HASFD);
	raw_send(raw, &hdr, sizeof(hdr), fds, IMSG_MAX_FDS);
	CHECK(imsgbuf_read(&ib) == (ssize_t)sizeof(hdr));
	CHECK(ib.nrfds == IMSG_MAX_FDS);
	close(raw);
	imsgbuf_clear(&ib);

	/* One more is MSG_CTRUNC. */
	pair_raw(&ib, &raw);
	raw_send(raw, &hdr, sizeof(hdr), fds, IMSG_MAX_FDS + 1);
	errno = 0;
	CHECK(imsgbuf_read(&ib) == -1 && errno == EBADMSG);
	CHECK(ib.nrfds == 0);
	close(raw);
	imsgbuf_clear(&ib);

	/* One per message, but the reader never takes a message. */
	pair_imsg(&ia, &ib);
	for (i = 0; i < IMSG_MAX_FDS + 1; i++)
		CHECK(imsg_compose(&ia, 1, 0, 0, dup(p[1]), NULL, 0) == 0);
	CHECK(imsgbuf_flush(&ia) == 0);
	for (reads = 0; reads < LOOP_MAX; reads++)
		if ((n = imsgbuf_read(&ib)) <= 0)
			break;
	CHECK(n == -1 && errno == EBADMSG);
	CHECK(reads == IMSG_MAX_FDS);
	CHECK(ib.nrfds == IMSG_MAX_FDS);
	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);

	close(p[0]);
	close(p[1]);
}

/* imsgbuf_clear() closes the channel, queued and received descriptors. */
static void
case_clear_closes(void)
{
	int	 p[2], sent[3], queued[3], chan[2], i;
	int	 got[3] = { -1, -1, -1 };

	pair_imsg(&ia, &ib);
	CHECK(pipe(p) == 0);
	chan[0] = ia.fd;
	chan[1] = ib.fd;
	for (i = 0; i < 3; i++) {
		sent[i] = dup(p[1]);
		CHECK(imsg_compose(&ia, 1, 0, 0, sent[i], "s", 1) == 0);
	}
	CHECK(imsgbuf_flush(&ia) == 0);
	for (i = 0; i < 3; i++) {
		CHECK(!fd_isopen(sent[i]));
		CHECK(imsgbuf_read(&ib) > 0);
	}
	CHECK(ib.nrfds == 3);
	for (i = 0; i < 3 && i < ib.nrfds; i++) {
		got[i] = ib.rfds[i];
		CHECK(fd_isopen(got[i]));
	}
	for (i = 0; i < 3; i++) {
		queued[i] = dup(p[1]);
		CHECK(imsg_compose(&ia, 2, 0, 0, queued[i], "q", 1) == 0);
		CHECK(fd_isopen(queued[i]));
	}
	CHECK(imsgbuf_queuelen(&ia) == 3);

	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
	CHECK(imsgbuf_queuelen(&ia) == 0);
	CHECK(imsgbuf_fd(&ia) == -1 && imsgbuf_fd(&ib) == -1);
	CHECK(!fd_isopen(chan[0]) && !fd_isopen(chan[1]));
	for (i = 0; i < 3; i++) {
		CHECK(!fd_isopen(queued[i]));
		CHECK(!fd_isopen(got[i]));
	}
	close(p[0]);
	close(p[1]);
}

int
main(int argc, char *argv[])
{
	/* No case may hang the run. */
	alarm(120);
	return (test_run("imsg_fdpass", cases, TEST_NCASES(cases), argc,
	    argv, TEST_FDS));
}

/*
 * imsg_framing: message framing, header validation, queueing and EOF of
 * imsg/imsg.c.  One case per run: imsg_framing <case>.  Every case also
 * checks that it leaves as many descriptors open as it found.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"
#include "test.h"

#define MAXDATA		(IMSG_MAX_SIZE - IMSG_HEADER_SIZE)
#define NQUEUED		300	/* messages in the queue-draining cases */
#define LOOP_MAX	100000	/* bound on any busy loop */

static int	 fd_isopen(int);
static void	 pair_imsg(struct imsgbuf *, struct imsgbuf *);
static void	 pair_raw(struct imsgbuf *, int *);
static void	 small_sndbuf(int);
static void	 fill_pattern(uint8_t *, size_t, uint32_t);
static size_t	 queued_size(uint32_t);
static void	 write_hdr(int, uint32_t, uint16_t, uint16_t);
static void	 expect_badmsg(struct imsgbuf *);

static void	 case_roundtrip(void);
static void	 case_many_in_one_read(void);
static void	 case_partial_read(void);
static void	 case_oversize_compose(void);
static void	 case_oversize_rejected(void);
static void	 case_truncated_rejected(void);
static void	 case_eof(void);
static void	 case_write_epipe(void);
static void	 case_many_queued(void);
static void	 case_flush_to_child(void);

static const struct test_case cases[] = {
	{ "roundtrip",		case_roundtrip },
	{ "many-in-one-read",	case_many_in_one_read },
	{ "partial-read",	case_partial_read },
	{ "oversize-compose",	case_oversize_compose },
	{ "oversize-rejected",	case_oversize_rejected },
	{ "truncated-rejected",	case_truncated_rejected },
	{ "eof",		case_eof },
	{ "write-epipe",	case_write_epipe },
	{ "many-queued",	case_many_queued },
	{ "flush-to-child",	case_flush_to_child },
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
	CHECK((fcntl(sp[0], F_GETFL) & O_NONBLOCK) != 0);
}

/* b is an imsgbuf; *raw the other end, for writing bytes by hand. */
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

/* Make the socket hold only a few KB so a big queue must be drained. */
static void
small_sndbuf(int fd)
{
	int	 v = 1;

	CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == 0);
}

static void
fill_pattern(uint8_t *p, size_t len, uint32_t seed)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}

/* Odd sizes up to the maximum, so writes end inside messages. */
static size_t
queued_size(uint32_t seq)
{
	return ((seq * 4099 + 13) % (MAXDATA + 1));
}

static void
write_hdr(int fd, uint32_t type, uint16_t len, uint16_t flags)
{
	struct imsg_hdr	 hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len;
	hdr.flags = flags;
	hdr.peerid = 7;
	hdr.pid = 1;
	CHECK(write(fd, &hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr));
}

/* The channel is dead and stays dead. */
static void
expect_badmsg(struct imsgbuf *b)
{
	struct imsg	 imsg;

	errno = 0;
	CHECK(imsg_get(b, &imsg) == -1 && errno == EBADMSG);
	errno = 0;
	CHECK(imsg_get(b, &imsg) == -1 && errno == EBADMSG);
	errno = 0;
	CHECK(imsgbuf_read(b) == -1 && errno == EBADMSG);
}

static void
case_roundtrip(void)
{
	struct imsg	 imsg;
	struct iovec	 iov[3];
	uint8_t		 big[MAXDATA], got[MAXDATA];
	uint32_t	 u = 0xdeadbeef, v = 0;
	ssize_t		 n;

	pair_imsg(&ia, &ib);
	fill_pattern(big, sizeof(big), 1);

	CHECK(imsg_compose(&ia, 10, 42, 0, -1, &u, sizeof(u)) == 0);
	CHECK(imsg_compose(&ia, 11, 43, 1234, -1, NULL, 0) == 0);
	iov[0].iov_base = (void *)"abc";
	iov[0].iov_len = 3;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 0;
	iov[2].iov_base = (void *)"defg";
	iov[2].iov_len = 4;
	CHECK(imsg_composev(&ia, 12, 44, 0, -1, iov, 3) == 0);
	CHECK(imsg_compose(&ia, 13, 45, 0, -1, big, sizeof(big)) == 0);
	CHECK(imsgbuf_queuelen(&ia) == 4);
	CHECK(imsgbuf_flush(&ia) == 0);
	CHECK(imsgbuf_queuelen(&ia) == 0);

	n = imsgbuf_read(&ib);
	CHECK(n == (ssize_t)(4 * IMSG_HEADER_SIZE + sizeof(u) + 7 +
	    sizeof(big)));

	CHECK(imsg_get(&ib, &imsg) == 1);
	CHECK(imsg.hdr.type == 10 && imsg.hdr.peerid == 42);
	CHECK(imsg.hdr.pid == (uint32_t)getpid());
	CHECK(imsg.hdr.len == IMSG_HEADER_SIZE + sizeof(u));
	CHECK(imsg.hdr.flags == 0 && imsg.fd == -1);
	CHECK(imsg_get_data(&imsg, &v, sizeof(v)) == 0 && v == u);
	errno = 0;
	CHECK(imsg_get_data(&imsg, &v, sizeof(v) - 1) == -1 &&
	    errno == EBADMSG);
	CHECK(imsg_get_data(&imsg, big, sizeof(v) + 1) == -1);
	CHECK(imsg_get_fd(&imsg) == -1);
	imsg_free(&imsg);

	CHECK(imsg_get(&ib, &imsg) == 1);
	CHECK(imsg.hdr.type == 11 && imsg.hdr.peerid == 43);
	CHECK(imsg.hdr.pid == 1234 && imsg.datalen == 0);
	CHECK(imsg_get_data(&imsg, NULL, 0) == 0);
	imsg_free(&imsg);

	CHECK(imsg_get(&ib, &imsg) == 1);
	CHECK(imsg.hdr.type == 12 && imsg.datalen == 7);
	CHECK(imsg.datalen == 7 && memcmp(imsg.data, "abcdefg", 7) == 0);
	imsg_free(&imsg);

	CHECK(imsg_get(&ib, &imsg) == 1);
	CHECK(imsg.hdr.type == 13 && imsg.hdr.len == IMSG_MAX_SIZE);
	memset(got, 0, sizeof(got));
	CHECK(imsg_get_data(&imsg, got, sizeof(got)) == 0);
	CHECK_MEM(got, big, sizeof(big));
	imsg_free(&imsg);

	CHECK(imsg_get(&ib, &imsg) == 0);
	errno = 0;
	CHECK(imsgbuf_read(&ib) == -1 && errno == EAGAIN);

	/* And back the other way. */
	CHECK(imsg_compose(&ib, 20, 1, 0, -1, "x", 1) == 0);
	CHECK(imsgbuf_write(&ib) == 0 && imsgbuf_queuelen(&ib) == 0);
	CHECK(imsgbuf_read(&ia) == (ssize_t)IMSG_HEADER_SIZE + 1);
	CHECK(imsg_get(&ia, &imsg) == 1 && imsg.hdr.type == 20);
	CHECK(imsg.datalen == 1 && ((char *)imsg.data)[0] == 'x');
	imsg_free(&imsg);

	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
	CHECK(imsgbuf_fd(&ia) == -1);
}

/* Many messages arrive in one read and come out one by one, in order. */
static void
case_many_in_one_read(void)
{
	struct imsg	 imsg;
	uint8_t		 buf[64];
	size_t		 total = 0;
	uint32_t	 i;
	int		 bad = 0;

	pair_imsg(&ia, &ib);
	for (i = 0; i < 200; i++) {
		fill_pattern(buf, i % 50, i);
		CHECK(imsg_compose(&ia, 100 + i, i, 0, -1, buf, i % 50) == 0);
		total += IMSG_HEADER_SIZE + i % 50;
	}
	CHECK(total < sizeof(ib.rbuf));
	CHECK(imsgbuf_flush(&ia) == 0);

	CHECK(imsgbuf_read(&ib) == (ssize_t)total);
	for (i = 0; i < 200; i++) {
		if (imsg_get(&ib, &imsg) != 1) {
			bad++;
			break;
		}
		fill_pattern(buf, i % 50, i);
		if (imsg.hdr.type != 100 + i || imsg.hdr.peerid != i ||
		    imsg.datalen != i % 50 ||
		    (imsg.datalen > 0 && memcmp(imsg.data, buf,
		    imsg.datalen) != 0))
			bad++;
		imsg_free(&imsg);
	}
	CHECK(bad == 0);
	CHECK(imsg_get(&ib, &imsg) == 0);
	CHECK(ib.rlen == 0);

	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
}

/* Two messages written by hand one byte at a time. */
static void
case_partial_read(void)
{
	struct imsg	 imsg;
	struct imsg_hdr	 hdr;
	uint8_t		 wire[2 * IMSG_HEADER_SIZE + 5];
	size_t		 i, first = IMSG_HEADER_SIZE + 5;
	int		 raw, r, early = 0, got = 0;

	pair_raw(&ib, &raw);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = 1;
	hdr.len = IMSG_HEADER_SIZE + 5;
	hdr.peerid = 9;
	memcpy(wire, &hdr, sizeof(hdr));
	memcpy(wire + IMSG_HEADER_SIZE, "hello", 5);
	hdr.type = 2;
	hdr.len = IMSG_HEADER_SIZE;
	memcpy(wire + first, &hdr, sizeof(hdr));

	for (i = 0; i < sizeof(wire); i++) {
		CHECK(write(raw, wire + i, 1) == 1);
		CHECK(imsgbuf_read(&ib) == 1);
		r = imsg_get(&ib, &imsg);
		if (i + 1 == first || i + 1 == sizeof(wire)) {
			CHECK(r == 1);
			if (r != 1)
				continue;
			got++;
			if (got == 1) {
				CHECK(imsg.hdr.type == 1 &&
				    imsg.hdr.peerid == 9);
				CHECK(imsg.datalen == 5 &&
				    memcmp(imsg.data, "hello", 5) == 0);
			} else {
				CHECK(imsg.hdr.type == 2 &&
				    imsg.datalen == 0);
			}
			imsg_free(&imsg);
		} else if (r != 0) {
			early++;
			if (r == 1)
				imsg_free(&imsg);
		}
	}
	CHECK(early == 0);
	CHECK(got == 2);
	CHECK(imsg_get(&ib, &imsg) == 0);

	close(raw);
	imsgbuf_clear(&ib);
}

/* Compose refuses what would not fit, and still closes the fd. */
static void
case_oversize_compose(void)
{
	static uint8_t	 buf[IMSG_MAX_SIZE + 1];
	struct imsg	 imsg;
	struct iovec	 iov[2];
	int		 p[2];

	pair_imsg(&ia, &ib);

	errno = 0;
	CHECK(imsg_compose(&ia, 1, 0, 0, -1, buf, MAXDATA + 1) == -1 &&
	    errno == EMSGSIZE);
	errno = 0;
	CHECK(imsg_compose(&ia, 1, 0, 0, -1, buf, 65536) == -1 &&
	    errno == EMSGSIZE);
	errno = 0;
	CHECK(imsg_compose(&ia, 1, 0, 0, -1, buf, SIZE_MAX) == -1 &&
	    errno == EMSGSIZE);

	/* Two parts each fine, together too big; and a length overflow. */
	iov[0].iov_base = buf;
	iov[0].iov_len = MAXDATA / 2 + 1;
	iov[1].iov_base = buf;
	iov[1].iov_len = MAXDATA / 2 + 1;
	errno = 0;
	CHECK(imsg_composev(&ia, 1, 0, 0, -1, iov, 2) == -1 &&
	    errno == EMSGSIZE);
	iov[1].iov_len = SIZE_MAX - 2;
	errno = 0;
	CHECK(imsg_composev(&ia, 1, 0, 0, -1, iov, 2) == -1 &&
	    errno == EMSGSIZE);

	/* A refused message closes its descriptor all the same. */
	CHECK(pipe(p) == 0);
	errno = 0;
	CHECK(imsg_compose(&ia, 1, 0, 0, p[1], buf, MAXDATA + 1) == -1 &&
	    errno == EMSGSIZE);
	CHECK(!fd_isopen(p[1]));
	close(p[0]);
	CHECK(imsgbuf_queuelen(&ia) == 0);

	/* Exactly the maximum passes. */
	CHECK(imsg_compose(&ia, 2, 0, 0, -1, buf, MAXDATA) == 0);
	CHECK(imsgbuf_flush(&ia) == 0);
	CHECK(imsgbuf_read(&ib) == IMSG_MAX_SIZE);
	CHECK(imsg_get(&ib, &imsg) == 1 && imsg.hdr.type == 2);
	CHECK(imsg.datalen == MAXDATA);
	imsg_free(&imsg);
	CHECK(imsg_get(&ib, &imsg) == 0);

	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
}

/* A forged length above IMSG_MAX_SIZE fails once the header is in. */
static void
case_oversize_rejected(void)
{
	struct imsg	 imsg;
	int		 raw;

	pair_raw(&ib, &raw);
	write_hdr(raw, 1, IMSG_MAX_SIZE + 1, 0);
	CHECK(imsgbuf_read(&ib) == (ssize_t)IMSG_HEADER_SIZE);
	expect_badmsg(&ib);
	close(raw);
	imsgbuf_clear(&ib);

	pair_raw(&ib, &raw);
	write_hdr(raw, 1, UINT16_MAX, 0);
	CHECK(write(raw, "payload", 7) == 7);
	CHECK(imsgbuf_read(&ib) > 0);
	expect_badmsg(&ib);
	close(raw);
	imsgbuf_clear(&ib);

	/* A good message first still comes out; the bad one after it not. */
	pair_raw(&ib, &raw);
	write_hdr(raw, 1, IMSG_HEADER_SIZE, 0);
	write_hdr(raw, 2, IMSG_MAX_SIZE + 1, 0);
	CHECK(imsgbuf_read(&ib) == 2 * (ssize_t)IMSG_HEADER_SIZE);
	CHECK(imsg_get(&ib, &imsg) == 1 && imsg.hdr.type == 1);
	imsg_free(&imsg);
	expect_badmsg(&ib);
	close(raw);
	imsgbuf_clear(&ib);

	/* The largest legal length is not refused, just incomplete. */
	pair_raw(&ib, &raw);
	write_hdr(raw, 1, IMSG_MAX_SIZE, 0);
	CHECK(imsgbuf_read(&ib) == (ssize_t)IMSG_HEADER_SIZE);
	CHECK(imsg_get(&ib, &imsg) == 0);
	close(raw);
	imsgbuf_clear(&ib);
}

/* A forged length below the header size, including 0, fails. */
static void
case_truncated_rejected(void)
{
	uint16_t	 lens[] = { 0, 1, IMSG_HEADER_SIZE - 1 };
	size_t		 i;
	int		 raw;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		pair_raw(&ib, &raw);
		write_hdr(raw, 1, lens[i], 0);
		CHECK(write(raw, "more", 4) == 4);
		CHECK(imsgbuf_read(&ib) == (ssize_t)IMSG_HEADER_SIZE + 4);
		expect_badmsg(&ib);
		close(raw);
		imsgbuf_clear(&ib);
	}
}

static void
case_eof(void)
{
	struct imsg	 imsg;
	int		 raw;

	/* Nothing sent: the first read sees EOF. */
	pair_imsg(&ia, &ib);
	imsgbuf_clear(&ia);
	CHECK(imsgbuf_read(&ib) == 0);
	CHECK(imsg_get(&ib, &imsg) == 0);
	imsgbuf_clear(&ib);

	/* Messages sent before the close are all delivered first. */
	pair_imsg(&ia, &ib);
	CHECK(imsg_compose(&ia, 1, 0, 0, -1, "a", 1) == 0);
	CHECK(imsg_compose(&ia, 2, 0, 0, -1, "b", 1) == 0);
	CHECK(imsgbuf_flush(&ia) == 0);
	imsgbuf_clear(&ia);
	CHECK(imsgbuf_read(&ib) == 2 * ((ssize_t)IMSG_HEADER_SIZE + 1));
	CHECK(imsgbuf_read(&ib) == 0);
	CHECK(imsg_get(&ib, &imsg) == 1 && imsg.hdr.type == 1);
	imsg_free(&imsg);
	CHECK(imsg_get(&ib, &imsg) == 1 && imsg.hdr.type == 2);
	imsg_free(&imsg);
	CHECK(imsg_get(&ib, &imsg) == 0);
	CHECK(imsgbuf_read(&ib) == 0);
	imsgbuf_clear(&ib);

	/* EOF inside a message: no message, no error, just EOF. */
	pair_raw(&ib, &raw);
	write_hdr(raw, 1, IMSG_HEADER_SIZE + 10, 0);
	CHECK(write(raw, "abc", 3) == 3);
	close(raw);
	CHECK(imsgbuf_read(&ib) == (ssize_t)IMSG_HEADER_SIZE + 3);
	CHECK(imsgbuf_read(&ib) == 0);
	CHECK(imsg_get(&ib, &imsg) == 0);
	imsgbuf_clear(&ib);
}

/* Writing to a closed peer is EPIPE, not SIGPIPE. */
static void
case_write_epipe(void)
{
	int	 p[2];

	signal(SIGPIPE, SIG_DFL);
	pair_imsg(&ia, &ib);
	imsgbuf_clear(&ib);

	CHECK(imsg_compose(&ia, 1, 0, 0, -1, "x", 1) == 0);
	errno = 0;
	CHECK(imsgbuf_write(&ia) == -1 && errno == EPIPE);
	CHECK(imsgbuf_queuelen(&ia) == 1);
	errno = 0;
	CHECK(imsgbuf_flush(&ia) == -1 && errno == EPIPE);

	/* The unsent message's descriptor is closed by imsgbuf_clear(). */
	CHECK(pipe(p) == 0);
	CHECK(imsg_compose(&ia, 2, 0, 0, p[0], NULL, 0) == 0);
	CHECK(fd_isopen(p[0]));
	CHECK(imsgbuf_write(&ia) == -1 && errno == EPIPE);
	imsgbuf_clear(&ia);
	CHECK(!fd_isopen(p[0]));
	close(p[1]);
}

/*
 * A queue far larger than the socket buffer drains through repeated
 * imsgbuf_write() calls interleaved with reads.  Sizes are odd so that
 * writes stop inside messages; every tenth message carries a pipe
 * descriptor, through which the reader writes the message's sequence
 * byte: each must arrive exactly once and in order.
 */
static void
case_many_queued(void)
{
	static uint8_t	 buf[MAXDATA];
	static size_t	 prefix[NQUEUED + 1];
	struct imsg	 imsg;
	uint8_t		 seqs[NQUEUED], c;
	size_t		 total = 0, sent, len;
	uint32_t	 i, next = 0;
	ssize_t		 n;
	int		 p[2], avail, loops, partial = 0, bad = 0;
	int		 nfds = 0, nfdseen = 0, r;

	pair_imsg(&ia, &ib);
	small_sndbuf(ia.fd);
	CHECK(pipe(p) == 0);
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);

	prefix[0] = 0;
	for (i = 0; i < NQUEUED; i++) {
		len = queued_size(i);
		fill_pattern(buf, len, i);
		CHECK(imsg_compose(&ia, 1000 + i, i, 0,
		    i % 10 == 0 ? dup(p[1]) : -1, buf, len) == 0);
		if (i % 10 == 0)
			nfds++;
		total += IMSG_HEADER_SIZE + len;
		prefix[i + 1] = total;
	}
	CHECK(imsgbuf_queuelen(&ia) == NQUEUED);

	sent = 0;
	for (loops = 0; next < NQUEUED && loops < LOOP_MAX; loops++) {
		if (imsgbuf_write(&ia) == -1) {
			perror("imsgbuf_write");
			bad++;
			break;
		}
		/* Bytes written so far: read by ib plus still in the socket. */
		CHECK(ioctl(ib.fd, FIONREAD, &avail) == 0);
		for (i = 0; i <= NQUEUED && prefix[i] < sent + avail; i++)
			;
		if (i > NQUEUED || prefix[i] != sent + (size_t)avail)
			partial++;

		while ((n = imsgbuf_read(&ib)) > 0) {
			sent += n;
			while ((r = imsg_get(&ib, &imsg)) == 1) {
				len = queued_size(next);
				fill_pattern(buf, len, next);
				if (imsg.hdr.type != 1000 + next ||
				    imsg.datalen != len ||
				    memcmp(imsg.data, buf, len) != 0)
					bad++;
				if ((imsg.fd != -1) != (next % 10 == 0))
					bad++;
				if (imsg.fd != -1) {
					c = (uint8_t)next;
					if (write(imsg.fd, &c, 1) != 1)
						bad++;
					nfdseen++;
				}
				imsg_free(&imsg);
				next++;
			}
			CHECK(r == 0);
			if (r == -1)
				break;
		}
		CHECK(n == -1 && errno == EAGAIN);
	}
	CHECK(bad == 0);
	CHECK(next == NQUEUED);
	CHECK(sent == total);
	CHECK(imsgbuf_queuelen(&ia) == 0);
	CHECK(partial > 0);
	CHECK(loops > 10);
	CHECK(nfdseen == nfds);

	/* One byte per passed descriptor, in order, nothing more. */
	n = read(p[0], seqs, sizeof(seqs));
	CHECK(n == nfds);
	for (i = 0; n > 0 && i < (uint32_t)n; i++)
		CHECK(seqs[i] == (uint8_t)(i * 10));

	close(p[0]);
	close(p[1]);
	imsgbuf_clear(&ia);
	imsgbuf_clear(&ib);
}

/* The reader in a child, the writer blocked in imsgbuf_flush(). */
static void
case_flush_to_child(void)
{
	static uint8_t	 buf[MAXDATA];
	struct imsg	 imsg;
	struct pollfd	 pfd;
	size_t		 len;
	uint32_t	 i, next;
	pid_t		 pid;
	ssize_t		 n;
	int		 status, bad, eof;

	pair_imsg(&ia, &ib);
	small_sndbuf(ia.fd);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		/* Reader: every message in order, then EOF; bounded waits. */
		close(ia.fd);
		alarm(60);
		next = 0;
		bad = 0;
		eof = 0;
		while (!eof && bad == 0) {
			pfd.fd = ib.fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 20000) != 1) {
				fprintf(stderr, "child: no data in 20s\n");
				_exit(1);
			}
			if ((n = imsgbuf_read(&ib)) == 0)
				eof = 1;
			else if (n == -1 && errno != EAGAIN) {
				perror("child: imsgbuf_read");
				_exit(1);
			}
			while (imsg_get(&ib, &imsg) == 1) {
				len = queued_size(next);
				fill_pattern(buf, len, next);
				if (imsg.hdr.type != 1000 + next ||
				    imsg.datalen != len ||
				    memcmp(imsg.data, buf, len) != 0) {
					fprintf(stderr, "child: message %u "
					    "wrong\n", next);
					bad++;
				}
				imsg_free(&imsg);
				next++;
			}
		}
		if (next != NQUEUED) {
			fprintf(stderr, "child: %u messages\n", next);
			bad++;
		}
		_exit(bad == 0 ? 0 : 1);
	}
	close(ib.fd);
	ib.fd = -1;

	for (i = 0; i < NQUEUED; i++) {
		len = queued_size(i);
		fill_pattern(buf, len, i);
		CHECK(imsg_compose(&ia, 1000 + i, i, 0, -1, buf, len) == 0);
	}
	CHECK(imsgbuf_flush(&ia) == 0);
	CHECK(imsgbuf_queuelen(&ia) == 0);
	imsgbuf_clear(&ia);

	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	imsgbuf_clear(&ib);
}

int
main(int argc, char *argv[])
{
	/* No case may hang the run. */
	alarm(120);
	return (test_run("imsg_framing", cases, TEST_NCASES(cases), argc,
	    argv, TEST_FDS));
}

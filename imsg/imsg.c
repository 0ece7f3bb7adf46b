/*
 * imsg.c: framing, descriptor passing and queueing for the imsg channels
 * between pppoxd processes.  See imsg.h for the wire format.
 *
 * Descriptors: the sender attaches a message's descriptor to the sendmsg()
 * that carries the message's first byte, and Linux hands SCM_RIGHTS to
 * the reader with the first byte of the skb it was sent with (and ends
 * that recvmsg() right after that skb).  So each received descriptor is
 * tagged with the stream range of the read it came with; the message that
 * announces it must start inside that range, and a descriptor whose range
 * ends before the end of a message that did not claim it can belong to
 * nobody.  Both cases are protocol errors.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

struct imsg_out {
	TAILQ_ENTRY(imsg_out)	 entry;
	int			 fd;	/* owned; -1 once sent or if none */
	size_t			 len;	/* header + payload */
	size_t			 off;	/* bytes already sent */
	uint8_t			 buf[];
};

/* Control buffer big enough for as many descriptors as we ever hold. */
union imsg_cmsgbuf {
	struct cmsghdr	 hdr;
	uint8_t		 buf[CMSG_SPACE(sizeof(int) * IMSG_MAX_FDS)];
};

static int	 imsgbuf_recv_fds(struct imsgbuf *, struct msghdr *,
		    uint64_t, uint64_t);
static void	 imsgbuf_close_cmsg_fds(struct msghdr *);
static int	 imsgbuf_sendone(struct imsgbuf *, struct imsg_out *);
static int	 imsgbuf_badmsg(struct imsgbuf *);
static int	 imsgbuf_pop_fd(struct imsgbuf *);

int
imsgbuf_init(struct imsgbuf *ibuf, int fd)
{
	int	 flags;

	if (fd < 0) {
		errno = EBADF;
		return (-1);
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return (-1);
	if ((flags & O_NONBLOCK) == 0 &&
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return (-1);

	memset(ibuf, 0, sizeof(*ibuf));
	ibuf->fd = fd;
	ibuf->pid = (uint32_t)getpid();
	TAILQ_INIT(&ibuf->wq);
	return (0);
}

void
imsgbuf_clear(struct imsgbuf *ibuf)
{
	struct imsg_out	*m;
	int		 i;

	while ((m = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		TAILQ_REMOVE(&ibuf->wq, m, entry);
		if (m->fd != -1)
			close(m->fd);
		free(m);
	}
	ibuf->wqlen = 0;
	for (i = 0; i < ibuf->nrfds; i++)
		close(ibuf->rfds[i]);
	ibuf->nrfds = 0;
	ibuf->rlen = 0;
	ibuf->rpos = 0;
	if (ibuf->fd != -1)
		close(ibuf->fd);
	ibuf->fd = -1;
}

int
imsgbuf_fd(const struct imsgbuf *ibuf)
{
	return (ibuf->fd);
}

size_t
imsgbuf_queuelen(const struct imsgbuf *ibuf)
{
	return (ibuf->wqlen);
}

ssize_t
imsgbuf_read(struct imsgbuf *ibuf)
{
	union imsg_cmsgbuf	 cbuf;
	struct msghdr		 msg;
	struct iovec		 iov;
	uint64_t		 beg;
	ssize_t			 n;

	if (ibuf->rerr) {
		errno = EBADMSG;
		return (-1);
	}
	/* Move the partial message, if any, to the front: room for one more. */
	if (ibuf->rpos > 0) {
		memmove(ibuf->rbuf, ibuf->rbuf + ibuf->rpos, ibuf->rlen);
		ibuf->rpos = 0;
	}
	if (ibuf->rlen == sizeof(ibuf->rbuf)) {
		errno = ENOBUFS;
		return (-1);
	}

	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = ibuf->rbuf + ibuf->rlen;
	iov.iov_len = sizeof(ibuf->rbuf) - ibuf->rlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);

	do {
		n = recvmsg(ibuf->fd, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (-1);

	if (msg.msg_flags & MSG_CTRUNC) {
		/* The kernel dropped descriptors we can never account for. */
		imsgbuf_close_cmsg_fds(&msg);
		return (imsgbuf_badmsg(ibuf));
	}
	beg = ibuf->roff + ibuf->rlen;
	if (imsgbuf_recv_fds(ibuf, &msg, beg, beg + (uint64_t)n) == -1)
		return (imsgbuf_badmsg(ibuf));
	ibuf->rlen += (size_t)n;
	return (n);
}

/*
 * Queue the descriptors of one recvmsg() that returned stream bytes
 * [beg, end).  Those beyond IMSG_MAX_FDS are closed and fail the channel.
 */
static int
imsgbuf_recv_fds(struct imsgbuf *ibuf, struct msghdr *msg, uint64_t beg,
    uint64_t end)
{
	struct cmsghdr	*cmsg;
	size_t		 i, nfds;
	int		 fd, overflow = 0;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(fd));
			if (ibuf->nrfds == IMSG_MAX_FDS) {
				close(fd);
				overflow = 1;
				continue;
			}
			ibuf->rfds[ibuf->nrfds] = fd;
			ibuf->rfdbeg[ibuf->nrfds] = beg;
			ibuf->rfdend[ibuf->nrfds] = end;
			ibuf->nrfds++;
		}
	}
	return (overflow ? -1 : 0);
}

static void
imsgbuf_close_cmsg_fds(struct msghdr *msg)
{
	struct cmsghdr	*cmsg;
	size_t		 i, nfds;
	int		 fd;

	for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL;
	    cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			    sizeof(fd));
			close(fd);
		}
	}
}

/* The peer broke the protocol: remember it so the channel stays dead. */
static int
imsgbuf_badmsg(struct imsgbuf *ibuf)
{
	ibuf->rerr = 1;
	errno = EBADMSG;
	return (-1);
}

static int
imsgbuf_pop_fd(struct imsgbuf *ibuf)
{
	int	 fd;

	fd = ibuf->rfds[0];
	ibuf->nrfds--;
	memmove(ibuf->rfds, ibuf->rfds + 1, ibuf->nrfds * sizeof(int));
	memmove(ibuf->rfdbeg, ibuf->rfdbeg + 1,
	    ibuf->nrfds * sizeof(uint64_t));
	memmove(ibuf->rfdend, ibuf->rfdend + 1,
	    ibuf->nrfds * sizeof(uint64_t));
	return (fd);
}

int
imsg_get(struct imsgbuf *ibuf, struct imsg *imsg)
{
	struct imsg_hdr	 hdr;
	uint64_t	 start, end;
	void		*data = NULL;
	size_t		 datalen;
	int		 claims, next;

	if (ibuf->rerr) {
		errno = EBADMSG;
		return (-1);
	}
	if (ibuf->rlen < IMSG_HEADER_SIZE)
		return (0);
	memcpy(&hdr, ibuf->rbuf + ibuf->rpos, sizeof(hdr));
	if (hdr.len < IMSG_HEADER_SIZE || hdr.len > IMSG_MAX_SIZE)
		return (imsgbuf_badmsg(ibuf));

	/*
	 * The header is here, so the read that returned the first byte has
	 * happened and with it any descriptor the message announces.
	 */
	start = ibuf->roff;
	end = start + hdr.len;
	claims = (hdr.flags & IMSG_F_HASFD) != 0;
	if (claims && (ibuf->nrfds == 0 || ibuf->rfdbeg[0] > start ||
	    ibuf->rfdend[0] <= start))
		return (imsgbuf_badmsg(ibuf));
	if (ibuf->rlen < hdr.len)
		return (0);

	/*
	 * Every message starting before the next descriptor's read ended
	 * has now been seen; if it still is unclaimed, nobody sent it.
	 */
	next = claims ? 1 : 0;
	if (ibuf->nrfds > next && ibuf->rfdend[next] <= end)
		return (imsgbuf_badmsg(ibuf));

	datalen = hdr.len - IMSG_HEADER_SIZE;
	if (datalen > 0) {
		if ((data = malloc(datalen)) == NULL)
			return (-1);
		memcpy(data, ibuf->rbuf + ibuf->rpos + IMSG_HEADER_SIZE,
		    datalen);
	}
	imsg->hdr = hdr;
	imsg->data = data;
	imsg->datalen = datalen;
	imsg->fd = claims ? imsgbuf_pop_fd(ibuf) : -1;

	ibuf->rpos += hdr.len;
	ibuf->rlen -= hdr.len;
	ibuf->roff = end;
	return (1);
}

int
imsg_compose(struct imsgbuf *ibuf, uint32_t type, uint32_t peerid,
    uint32_t pid, int fd, const void *data, size_t datalen)
{
	struct iovec	 iov;

	/* imsg_composev() takes a const iovec; the data is never written. */
	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = datalen;
	return (imsg_composev(ibuf, type, peerid, pid, fd, &iov,
	    datalen > 0 ? 1 : 0));
}

int
imsg_composev(struct imsgbuf *ibuf, uint32_t type, uint32_t peerid,
    uint32_t pid, int fd, const struct iovec *iov, int iovcnt)
{
	struct imsg_out	*m;
	struct imsg_hdr	 hdr;
	size_t		 len, off;
	int		 i;

	if (fd < 0)
		fd = -1;
	if (iovcnt < 0 || (iovcnt > 0 && iov == NULL)) {
		errno = EINVAL;
		goto fail;
	}
	len = IMSG_HEADER_SIZE;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > 0 && iov[i].iov_base == NULL) {
			errno = EINVAL;
			goto fail;
		}
		if (iov[i].iov_len > IMSG_MAX_SIZE - len) {
			errno = EMSGSIZE;
			goto fail;
		}
		len += iov[i].iov_len;
	}
	if ((m = malloc(sizeof(*m) + len)) == NULL)
		goto fail;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = (uint16_t)len;
	hdr.flags = fd != -1 ? IMSG_F_HASFD : 0;
	hdr.peerid = peerid;
	hdr.pid = pid != 0 ? pid : ibuf->pid;
	memcpy(m->buf, &hdr, sizeof(hdr));
	off = IMSG_HEADER_SIZE;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > 0)
			memcpy(m->buf + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	m->len = len;
	m->off = 0;
	m->fd = fd;
	TAILQ_INSERT_TAIL(&ibuf->wq, m, entry);
	ibuf->wqlen++;
	return (0);

 fail:
	if (fd != -1)
		close(fd);
	return (-1);
}

/*
 * One sendmsg() for what is left of the message at the head of the queue.
 * Returns bytes sent or -1; the descriptor goes with the first byte only.
 */
static int
imsgbuf_sendone(struct imsgbuf *ibuf, struct imsg_out *m)
{
	union imsg_cmsgbuf	 cbuf;
	struct msghdr		 msg;
	struct cmsghdr		*cmsg;
	struct iovec		 iov;
	ssize_t			 n;
	int			 withfd;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = m->buf + m->off;
	iov.iov_len = m->len - m->off;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;

	withfd = m->off == 0 && m->fd != -1;
	if (withfd) {
		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &m->fd, sizeof(int));
	}

	do {
		n = sendmsg(ibuf->fd, &msg, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (-1);

	/* Any byte sent means the descriptor went with it. */
	if (withfd) {
		close(m->fd);
		m->fd = -1;
	}
	m->off += (size_t)n;
	return ((int)n);
}

int
imsgbuf_write(struct imsgbuf *ibuf)
{
	struct imsg_out	*m;

	while ((m = TAILQ_FIRST(&ibuf->wq)) != NULL) {
		if (imsgbuf_sendone(ibuf, m) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == ENOBUFS)
				return (0);
			return (-1);
		}
		if (m->off < m->len)
			return (0);	/* the socket is full */
		TAILQ_REMOVE(&ibuf->wq, m, entry);
		ibuf->wqlen--;
		free(m);
	}
	return (0);
}

int
imsgbuf_flush(struct imsgbuf *ibuf)
{
	struct pollfd	 pfd;

	while (ibuf->wqlen > 0) {
		if (imsgbuf_write(ibuf) == -1)
			return (-1);
		if (ibuf->wqlen == 0)
			break;
		pfd.fd = ibuf->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		/* A live peer that reads eventually makes room: no timeout. */
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (pfd.revents & POLLNVAL) {
			errno = EBADF;
			return (-1);
		}
		if ((pfd.revents & POLLOUT) == 0 &&
		    (pfd.revents & (POLLHUP | POLLERR)) != 0) {
			errno = EPIPE;
			return (-1);
		}
	}
	return (0);
}

int
imsg_get_fd(struct imsg *imsg)
{
	int	 fd;

	fd = imsg->fd;
	imsg->fd = -1;
	return (fd);
}

int
imsg_get_data(const struct imsg *imsg, void *buf, size_t len)
{
	if (len != imsg->datalen) {
		errno = EBADMSG;
		return (-1);
	}
	if (len > 0)
		memcpy(buf, imsg->data, len);
	return (0);
}

void
imsg_free(struct imsg *imsg)
{
	if (imsg->fd != -1)
		close(imsg->fd);
	imsg->fd = -1;
	free(imsg->data);
	imsg->data = NULL;
	imsg->datalen = 0;
}

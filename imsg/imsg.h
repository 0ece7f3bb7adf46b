/*
 * imsg: typed, length-prefixed messages between pppoxd processes over a
 * SOCK_STREAM socketpair, each optionally carrying one file descriptor
 * (SCM_RIGHTS).  The idea is OpenBSD's imsg(3); the code is our own.
 *
 * Wire format: struct imsg_hdr in host byte order (both ends are the same
 * binary on the same host), then hdr.len - IMSG_HEADER_SIZE payload bytes.
 * A descriptor travels in the ancillary data of the sendmsg() that carries
 * the first byte of its message, and the header has IMSG_F_HASFD set.
 *
 * Nothing here calls libevent; the caller polls imsgbuf_fd() and calls
 * imsgbuf_read()/imsgbuf_write() when the socket is ready.
 */
#ifndef PPPOXD_IMSG_H
#define PPPOXD_IMSG_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/uio.h>
#include <stdint.h>

#define IMSG_HEADER_SIZE	sizeof(struct imsg_hdr)
/* Largest message including its header; bigger ones are refused both ways. */
#define IMSG_MAX_SIZE		16384
/* Received but not yet consumed descriptors we hold before failing. */
#define IMSG_MAX_FDS		16

#define IMSG_F_HASFD		0x0001

struct imsg_hdr {
	uint32_t	type;
	uint16_t	len;		/* header + payload */
	uint16_t	flags;
	uint32_t	peerid;		/* e.g. the session id a message is about */
	uint32_t	pid;
};

struct imsg {
	struct imsg_hdr	 hdr;
	int		 fd;		/* -1 if none or already taken */
	void		*data;		/* hdr.len - IMSG_HEADER_SIZE bytes */
	size_t		 datalen;
};

struct imsg_out;			/* one queued outgoing message */

struct imsgbuf {
	int				 fd;
	uint32_t			 pid;
	/* inbound: bytes read but not yet returned by imsg_get() */
	uint8_t				 rbuf[IMSG_MAX_SIZE * 2];
	size_t				 rlen;
	int				 rfds[IMSG_MAX_FDS];
	int				 nrfds;
	/* outbound */
	TAILQ_HEAD(, imsg_out)		 wq;
	size_t				 wqlen;	/* messages queued */

	/*
	 * Private to imsg.c.  The unread bytes are rbuf[rpos, rpos + rlen).
	 * rfds[i] arrived with the recvmsg() that returned stream bytes
	 * [rfdbeg[i], rfdend[i]); a descriptor belongs to the message whose
	 * first byte it came with, which is how one nobody claims is found.
	 */
	size_t				 rpos;
	uint64_t			 roff;	/* stream offset of rbuf[rpos] */
	uint64_t			 rfdbeg[IMSG_MAX_FDS];
	uint64_t			 rfdend[IMSG_MAX_FDS];
	int				 rerr;	/* protocol error seen */
};

/*
 * Takes ownership of fd: imsgbuf_clear() closes it. Sets it non-blocking.
 * Records getpid() as the pid that messages composed with pid 0 carry.
 * Returns 0, or -1 with errno (fd left open) if fd is unusable.
 */
int	 imsgbuf_init(struct imsgbuf *, int fd);
/* Frees queued messages, closes received and queued descriptors and fd. */
void	 imsgbuf_clear(struct imsgbuf *);
int	 imsgbuf_fd(const struct imsgbuf *);

/*
 * Read what the socket has.  Returns >0 bytes read, 0 on EOF, -1 on error
 * with errno set (EAGAIN when nothing was there; EBADMSG when the peer
 * broke the protocol, e.g. sent more descriptors than allowed; ENOBUFS
 * when rbuf is full because imsg_get() was not called).  Call imsg_get()
 * until it returns 0 after every successful read: that keeps rbuf and the
 * descriptor queue from filling up.
 */
ssize_t	 imsgbuf_read(struct imsgbuf *);

/*
 * Take the next complete message.  Returns 1 and fills imsg, 0 if no
 * complete message is buffered, -1 with errno EBADMSG if the buffered data
 * is not a valid message (length below the header, above IMSG_MAX_SIZE,
 * a descriptor announced but not received, or a descriptor received that
 * no message announced).  After -1 the channel is unusable and must be
 * closed (-1 with ENOMEM is the exception: nothing was consumed).
 * imsg->data is a copy that stays valid until imsg_free().
 */
int	 imsg_get(struct imsgbuf *, struct imsg *);

/*
 * Queue a message.  fd (or -1) is passed with it and then closed here,
 * whether or not the send succeeds: the queue owns fd from this call on
 * (no dup), imsgbuf_write() closes it once the sendmsg() carrying it
 * succeeded, imsgbuf_clear() if it was never sent, and a failing
 * imsg_compose() at once.  The caller must not use fd afterwards.
 * pid 0 means the imsgbuf's own pid.  Returns 0, or -1 with errno
 * (EMSGSIZE when the message would exceed IMSG_MAX_SIZE).
 */
int	 imsg_compose(struct imsgbuf *, uint32_t type, uint32_t peerid,
	    uint32_t pid, int fd, const void *data, size_t datalen);
int	 imsg_composev(struct imsgbuf *, uint32_t type, uint32_t peerid,
	    uint32_t pid, int fd, const struct iovec *iov, int iovcnt);

/*
 * Write as much of the queue as the socket takes, one sendmsg() per
 * message; a partly sent message resumes where it stopped, its descriptor
 * having gone with the first part.  Returns 0 (queue may still hold data
 * if the socket is full), or -1 with errno (EPIPE when the peer is gone).
 * Never raises SIGPIPE.
 */
int	 imsgbuf_write(struct imsgbuf *);
/*
 * Write the whole queue, waiting with poll() as long as the peer takes
 * nothing; for pppoxctl and tests.  0 when the queue is empty, else -1.
 */
int	 imsgbuf_flush(struct imsgbuf *);
size_t	 imsgbuf_queuelen(const struct imsgbuf *);

/* Take the descriptor of a message (the caller then owns it), or -1. */
int	 imsg_get_fd(struct imsg *);
/* Copy exactly len payload bytes; -1 with EBADMSG if the size differs. */
int	 imsg_get_data(const struct imsg *, void *, size_t len);
/* Release a message; closes its descriptor if nobody took it. */
void	 imsg_free(struct imsg *);

#endif /* PPPOXD_IMSG_H */

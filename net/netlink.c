/*
 * netlink.c: the parent's rtnetlink requests.  Each request is built in a
 * fixed buffer with explicit bounds, sent with NLM_F_ACK, and answered by
 * the kernel with at most one reply and an acknowledgement carrying the
 * same sequence number.  Extended acks (NETLINK_EXT_ACK) give the
 * kernel's reason for a refusal, which goes into the log line.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"

#define NL_REQ_MAX	512		/* our requests are far smaller */
#define NL_RCV_MAX	32768		/* a link reply with all its attributes */
#define NL_RECV_TRIES	32		/* datagrams read for one request */
#define NL_TIMEOUT	5		/* s; the kernel answers at once */
#define NL_HDRLEN	NLMSG_ALIGN(sizeof(struct nlmsghdr))
#define NL_OP_MAX	64
#define NL_EXTACK_MAX	128

struct nl {
	int		 fd;
	uint32_t	 portid;	/* the kernel's address for us */
	uint32_t	 seq;
	union {
		struct nlmsghdr	 hdr;	/* for alignment */
		uint8_t		 buf[NL_RCV_MAX];
	}		 rcv;
};

struct nl_req {
	union {
		struct nlmsghdr	 hdr;
		uint8_t		 buf[NL_REQ_MAX];
	}		 u;
};

/* Called for each reply of the expected type before the ack. */
struct nl_reply {
	uint16_t	 type;
	int		(*fn)(const uint8_t *, size_t, void *);
	void		*arg;
};

static int	 nl_req_init(struct nl_req *, uint16_t, uint16_t,
		    const void *, size_t);
static int	 nl_req_attr(struct nl_req *, uint16_t, const void *, size_t);
static int	 nl_talk(struct nl *, struct nl_req *, const char *,
		    const char *, const struct nl_reply *);
static int	 nl_ack(const uint8_t *, size_t, const char *, const char *);
static void	 nl_extack(const uint8_t *, size_t, size_t, char *, size_t);
static int	 nl_ifname_ok(const char *, const char *);
static int	 nl_index(struct nl *, const char *, const char *);
static int	 nl_index_reply(const uint8_t *, size_t, void *);
static int	 nl_addr(struct nl *, uint16_t, uint16_t, const char *,
		    const char *, struct in_addr, struct in_addr);
static int	 nl_route(struct nl *, uint16_t, uint16_t, const char *,
		    const char *, struct in_addr, int);

struct nl *
nl_open(void)
{
	struct sockaddr_nl	 sa;
	socklen_t		 salen;
	struct timeval		 tv;
	struct nl		*nl;
	int			 one = 1;

	if ((nl = calloc(1, sizeof(*nl))) == NULL) {
		log_warn("netlink");
		return (NULL);
	}
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd == -1) {
		log_warn("netlink: socket");
		free(nl);
		return (NULL);
	}
	/*
	 * Extended acks carry the kernel's reason for an error; capped acks
	 * leave our request out of the answer.  Both are only comfort, so
	 * an old kernel without them is no failure.
	 */
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
	    sizeof(one)) == -1)
		log_debug("netlink: NETLINK_EXT_ACK: %s", strerror(errno));
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
	    sizeof(one)) == -1)
		log_debug("netlink: NETLINK_CAP_ACK: %s", strerror(errno));
	/* Only a backstop: a lost ack must not hang the parent. */
	tv.tv_sec = NL_TIMEOUT;
	tv.tv_usec = 0;
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1) {
		log_warn("netlink: SO_RCVTIMEO");
		goto fail;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		log_warn("netlink: bind");
		goto fail;
	}
	salen = sizeof(sa);
	if (getsockname(nl->fd, (struct sockaddr *)&sa, &salen) == -1 ||
	    salen != sizeof(sa) || sa.nl_family != AF_NETLINK) {
		log_warn("netlink: getsockname");
		goto fail;
	}
	nl->portid = sa.nl_pid;
	return (nl);

 fail:
	close(nl->fd);
	free(nl);
	return (NULL);
}

void
nl_close(struct nl *nl)
{
	if (nl == NULL)
		return;
	close(nl->fd);
	free(nl);
}

int
nl_link_index(struct nl *nl, const char *ifname)
{
	return (nl_index(nl, "link lookup", ifname));
}

int
nl_link_set(struct nl *nl, const char *ifname, int up, int mtu)
{
	struct nl_req	 req;
	struct ifinfomsg ifi;
	uint32_t	 m;
	const char	*op = "link set";

	if (!nl_ifname_ok(op, ifname))
		return (-1);
	if (mtu < 0) {
		log_warnx("netlink: %s on %s: bad mtu %d", op, ifname, mtu);
		errno = EINVAL;
		return (-1);
	}
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_flags = up ? IFF_UP : 0;
	ifi.ifi_change = IFF_UP;
	/* No NLM_F_CREATE: the device is found by IFLA_IFNAME or ENODEV. */
	if (nl_req_init(&req, RTM_NEWLINK, 0, &ifi, sizeof(ifi)) == -1 ||
	    nl_req_attr(&req, IFLA_IFNAME, ifname, strlen(ifname) + 1) == -1)
		goto toolong;
	if (mtu > 0) {
		m = (uint32_t)mtu;
		if (nl_req_attr(&req, IFLA_MTU, &m, sizeof(m)) == -1)
			goto toolong;
	}
	return (nl_talk(nl, &req, op, ifname, NULL));

 toolong:
	log_warnx("netlink: %s on %s: request too long", op, ifname);
	return (-1);
}

int
nl_addr_add(struct nl *nl, const char *ifname, struct in_addr local,
    struct in_addr peer)
{
	return (nl_addr(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
	    "address add", ifname, local, peer));
}

int
nl_addr_del(struct nl *nl, const char *ifname, struct in_addr local,
    struct in_addr peer)
{
	return (nl_addr(nl, RTM_DELADDR, 0, "address delete", ifname,
	    local, peer));
}

int
nl_route_add(struct nl *nl, const char *ifname, struct in_addr dst,
    int prefixlen)
{
	return (nl_route(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
	    "route add", ifname, dst, prefixlen));
}

int
nl_route_del(struct nl *nl, const char *ifname, struct in_addr dst,
    int prefixlen)
{
	return (nl_route(nl, RTM_DELROUTE, 0, "route delete", ifname, dst,
	    prefixlen));
}

/* Start a request: header and the fixed message that follows it. */
static int
nl_req_init(struct nl_req *req, uint16_t type, uint16_t flags,
    const void *body, size_t len)
{
	memset(req, 0, sizeof(*req));
	if (NL_HDRLEN + NLMSG_ALIGN(len) > sizeof(req->u.buf)) {
		errno = EMSGSIZE;
		return (-1);
	}
	req->u.hdr.nlmsg_len = NLMSG_LENGTH(len);
	req->u.hdr.nlmsg_type = type;
	req->u.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	memcpy(req->u.buf + NL_HDRLEN, body, len);
	return (0);
}

/* Append one attribute; the buffer was zeroed, so padding is zero. */
static int
nl_req_attr(struct nl_req *req, uint16_t type, const void *data, size_t len)
{
	struct rtattr	 rta;
	size_t		 off = NLMSG_ALIGN(req->u.hdr.nlmsg_len);

	if (len > UINT16_MAX - RTA_LENGTH(0) ||
	    off > sizeof(req->u.buf) ||
	    RTA_SPACE(len) > sizeof(req->u.buf) - off) {
		errno = EMSGSIZE;
		return (-1);
	}
	rta.rta_len = RTA_LENGTH(len);
	rta.rta_type = type;
	memcpy(req->u.buf + off, &rta, sizeof(rta));
	memcpy(req->u.buf + off + RTA_LENGTH(0), data, len);
	req->u.hdr.nlmsg_len = off + RTA_SPACE(len);
	return (0);
}

/*
 * Send a request and read until its ack.  Replies of reply->type with our
 * sequence number go to reply->fn; anything else (a stale answer to an
 * earlier request) is skipped.  The number of datagrams read is bounded.
 */
static int
nl_talk(struct nl *nl, struct nl_req *req, const char *op, const char *ifname,
    const struct nl_reply *reply)
{
	struct sockaddr_nl	 sa;
	struct nlmsghdr		 h;
	socklen_t		 salen;
	ssize_t			 n;
	size_t			 len, off, adv;
	uint32_t		 seq;
	int			 tries, bad = 0;

	if (++nl->seq == 0)
		nl->seq = 1;
	seq = nl->seq;
	req->u.hdr.nlmsg_seq = seq;
	req->u.hdr.nlmsg_pid = 0;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	do {
		n = sendto(nl->fd, req->u.buf, req->u.hdr.nlmsg_len, 0,
		    (struct sockaddr *)&sa, sizeof(sa));
	} while (n == -1 && errno == EINTR);
	if (n == -1 || (size_t)n != req->u.hdr.nlmsg_len) {
		log_warn("netlink: %s on %s: send", op, ifname);
		return (-1);
	}

	for (tries = 0; tries < NL_RECV_TRIES; tries++) {
		salen = sizeof(sa);
		n = recvfrom(nl->fd, nl->rcv.buf, sizeof(nl->rcv.buf),
		    MSG_TRUNC, (struct sockaddr *)&sa, &salen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				errno = ETIMEDOUT;
			log_warn("netlink: %s on %s: receive", op, ifname);
			return (-1);
		}
		if ((size_t)n > sizeof(nl->rcv.buf)) {
			log_warnx("netlink: %s on %s: answer of %zd bytes "
			    "truncated", op, ifname, n);
			errno = EMSGSIZE;
			return (-1);
		}
		/* Only the kernel (port 0) answers requests. */
		if (salen != sizeof(sa) || sa.nl_pid != 0)
			continue;

		len = (size_t)n;
		for (off = 0; len - off >= sizeof(h); off += adv) {
			memcpy(&h, nl->rcv.buf + off, sizeof(h));
			if (h.nlmsg_len < sizeof(h) ||
			    h.nlmsg_len > len - off) {
				log_warnx("netlink: %s on %s: malformed "
				    "answer", op, ifname);
				errno = EBADMSG;
				return (-1);
			}
			if (h.nlmsg_seq == seq && h.nlmsg_pid == nl->portid) {
				if (h.nlmsg_type == NLMSG_ERROR) {
					if (nl_ack(nl->rcv.buf + off,
					    h.nlmsg_len, op, ifname) == -1)
						return (-1);
					if (bad) {
						errno = EBADMSG;
						return (-1);
					}
					return (0);
				}
				if (reply != NULL &&
				    h.nlmsg_type == reply->type &&
				    reply->fn(nl->rcv.buf + off,
				    h.nlmsg_len, reply->arg) == -1) {
					log_warnx("netlink: %s on %s: "
					    "malformed reply", op, ifname);
					bad = 1;
				}
			}
			adv = NLMSG_ALIGN(h.nlmsg_len);
			if (adv >= len - off)
				break;
		}
	}
	log_warnx("netlink: %s on %s: no acknowledgement from the kernel",
	    op, ifname);
	errno = ETIMEDOUT;
	return (-1);
}

/*
 * An NLMSG_ERROR message: error 0 is the ack, anything else the kernel's
 * refusal, logged with its extended-ack text if there is one.
 */
static int
nl_ack(const uint8_t *msg, size_t len, const char *op, const char *ifname)
{
	struct nlmsghdr	 h;
	struct nlmsgerr	 err;
	char		 why[NL_EXTACK_MAX];
	size_t		 off;

	if (len < NL_HDRLEN + sizeof(err)) {
		log_warnx("netlink: %s on %s: short acknowledgement", op,
		    ifname);
		errno = EBADMSG;
		return (-1);
	}
	memcpy(&h, msg, sizeof(h));
	memcpy(&err, msg + NL_HDRLEN, sizeof(err));
	if (err.error == 0)
		return (0);

	why[0] = '\0';
	if (h.nlmsg_flags & NLM_F_ACK_TLVS) {
		/* Past our request, unless the kernel left it out. */
		off = NL_HDRLEN + sizeof(err);
		if (!(h.nlmsg_flags & NLM_F_CAPPED) &&
		    err.msg.nlmsg_len >= sizeof(struct nlmsghdr))
			off += NLMSG_ALIGN(err.msg.nlmsg_len -
			    sizeof(struct nlmsghdr));
		nl_extack(msg, len, off, why, sizeof(why));
	}
	errno = err.error < 0 ? -err.error : EPROTO;
	log_warnx("netlink: %s on %s: %s%s%s%s", op, ifname, strerror(errno),
	    why[0] != '\0' ? " (" : "", why, why[0] != '\0' ? ")" : "");
	return (-1);
}

/* Copy the NLMSGERR_ATTR_MSG text of an extended ack, if any. */
static void
nl_extack(const uint8_t *msg, size_t len, size_t off, char *why,
    size_t whylen)
{
	struct nlattr	 nla;
	size_t		 n, adv;

	while (off < len && len - off >= sizeof(nla)) {
		memcpy(&nla, msg + off, sizeof(nla));
		if (nla.nla_len < sizeof(nla) || nla.nla_len > len - off)
			return;
		if ((nla.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			n = nla.nla_len - sizeof(nla);
			if (n >= whylen)
				n = whylen - 1;
			memcpy(why, msg + off + sizeof(nla), n);
			why[n] = '\0';
			why[strcspn(why, "\n")] = '\0';
			return;
		}
		adv = NLA_ALIGN(nla.nla_len);
		if (adv >= len - off)
			return;
		off += adv;
	}
}

static int
nl_ifname_ok(const char *op, const char *ifname)
{
	size_t	 len = strnlen(ifname, IFNAMSIZ);

	if (len == 0 || len == IFNAMSIZ) {
		log_warnx("netlink: %s: bad interface name \"%.*s\"", op,
		    IFNAMSIZ, ifname);
		errno = EINVAL;
		return (0);
	}
	return (1);
}

/* RTM_GETLINK by name; op names the caller's operation in the log. */
static int
nl_index(struct nl *nl, const char *op, const char *ifname)
{
	struct nl_req	 req;
	struct ifinfomsg ifi;
	struct nl_reply	 reply;
	uint32_t	 mask = RTEXT_FILTER_SKIP_STATS;
	int		 index = 0;

	if (!nl_ifname_ok(op, ifname))
		return (-1);
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	if (nl_req_init(&req, RTM_GETLINK, 0, &ifi, sizeof(ifi)) == -1 ||
	    nl_req_attr(&req, IFLA_IFNAME, ifname, strlen(ifname) + 1) == -1 ||
	    nl_req_attr(&req, IFLA_EXT_MASK, &mask, sizeof(mask)) == -1) {
		log_warnx("netlink: %s on %s: request too long", op, ifname);
		return (-1);
	}
	reply.type = RTM_NEWLINK;
	reply.fn = nl_index_reply;
	reply.arg = &index;
	if (nl_talk(nl, &req, op, ifname, &reply) == -1)
		return (-1);
	if (index <= 0) {
		log_warnx("netlink: %s on %s: no link in the answer", op,
		    ifname);
		errno = ENODEV;
		return (-1);
	}
	return (index);
}

static int
nl_index_reply(const uint8_t *msg, size_t len, void *arg)
{
	struct ifinfomsg ifi;
	int		*index = arg;

	if (len < NL_HDRLEN + sizeof(ifi))
		return (-1);
	memcpy(&ifi, msg + NL_HDRLEN, sizeof(ifi));
	*index = ifi.ifi_index;
	return (0);
}

static int
nl_addr(struct nl *nl, uint16_t type, uint16_t flags, const char *op,
    const char *ifname, struct in_addr local, struct in_addr peer)
{
	struct nl_req	 req;
	struct ifaddrmsg ifa;
	char		 opbuf[NL_OP_MAX], l[INET_ADDRSTRLEN];
	char		 p[INET_ADDRSTRLEN];
	int		 index;

	inet_ntop(AF_INET, &local, l, sizeof(l));
	inet_ntop(AF_INET, &peer, p, sizeof(p));
	snprintf(opbuf, sizeof(opbuf), "%s %s peer %s", op, l, p);
	if ((index = nl_index(nl, opbuf, ifname)) == -1)
		return (-1);
	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = AF_INET;
	ifa.ifa_prefixlen = 32;
	ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	ifa.ifa_index = (uint32_t)index;
	if (nl_req_init(&req, type, flags, &ifa, sizeof(ifa)) == -1 ||
	    nl_req_attr(&req, IFA_LOCAL, &local, sizeof(local)) == -1 ||
	    nl_req_attr(&req, IFA_ADDRESS, &peer, sizeof(peer)) == -1) {
		log_warnx("netlink: %s on %s: request too long", opbuf,
		    ifname);
		return (-1);
	}
	return (nl_talk(nl, &req, opbuf, ifname, NULL));
}

static int
nl_route(struct nl *nl, uint16_t type, uint16_t flags, const char *op,
    const char *ifname, struct in_addr dst, int prefixlen)
{
	struct nl_req	 req;
	struct rtmsg	 rtm;
	char		 opbuf[NL_OP_MAX], d[INET_ADDRSTRLEN];
	uint32_t	 mask, oif;
	int		 index;

	inet_ntop(AF_INET, &dst, d, sizeof(d));
	snprintf(opbuf, sizeof(opbuf), "%s %s/%d", op, d, prefixlen);
	if (prefixlen < 0 || prefixlen > 32) {
		log_warnx("netlink: %s on %s: bad prefix length", opbuf,
		    ifname);
		errno = EINVAL;
		return (-1);
	}
	mask = prefixlen == 0 ? 0 : 0xffffffffU << (32 - prefixlen);
	if ((ntohl(dst.s_addr) & ~mask) != 0) {
		log_warnx("netlink: %s on %s: host bits set", opbuf, ifname);
		errno = EINVAL;
		return (-1);
	}
	if ((index = nl_index(nl, opbuf, ifname)) == -1)
		return (-1);
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET;
	rtm.rtm_dst_len = (uint8_t)prefixlen;
	rtm.rtm_table = RT_TABLE_MAIN;
	/* proto static tells our routes from the kernel's peer route. */
	rtm.rtm_protocol = RTPROT_STATIC;
	rtm.rtm_scope = RT_SCOPE_LINK;
	rtm.rtm_type = RTN_UNICAST;
	oif = (uint32_t)index;
	if (nl_req_init(&req, type, flags, &rtm, sizeof(rtm)) == -1 ||
	    nl_req_attr(&req, RTA_DST, &dst, sizeof(dst)) == -1 ||
	    nl_req_attr(&req, RTA_OIF, &oif, sizeof(oif)) == -1) {
		log_warnx("netlink: %s on %s: request too long", opbuf,
		    ifname);
		return (-1);
	}
	return (nl_talk(nl, &req, opbuf, ifname, NULL));
}

/*
 * listen.c: the sockets that need the parent's capabilities: TCP
 * listeners on privileged ports (CAP_NET_BIND_SERVICE), raw GRE and
 * packet sockets (CAP_NET_RAW).
 *
 * The per-call and per-session sockets carry classic BPF filters so the
 * kernel delivers to each session child only its own packets: a child
 * never sees another user's traffic, and needs no demultiplexer in a
 * privileged process.  The filters are const tables; the few constants
 * that depend on the call (its Call ID, session id, peer MAC) are patched
 * into a copy at the instructions named by the *_K_* indexes.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"

#define LISTEN_BACKLOG	128
#define LISTEN_ADDRSTR	(INET6_ADDRSTRLEN + 8)	/* "[addr]:port" */
#define GRE_DRAIN_MAX	1024	/* datagrams dropped before the filter held */
#define BPF_ACCEPT	0xffffffffU	/* the whole packet */
#define BPF_DROP	0U
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Enhanced GRE (RFC 2637 4.1) for one call.  X holds the offset of the
 * GRE header: raw IPv4 sockets read from the IP header, whose length is
 * 4 * IHL (options make it vary); raw IPv6 sockets read from the GRE
 * header, so X = 0 there (GRE_K_IPHDR patched).
 * The first 16 bits must be C=0 R=0 K=1 s=0 Recur=0 Flags=0 Ver=1; S and
 * A are free (data, data+ack and ack-only packets all belong to the call).
 * Loads past the end of a short packet make the filter drop it.
 */
#define GRE_FLAGS_MASK	0xef7f	/* every bit but S (0x1000) and A (0x0080) */
#define GRE_FLAGS_WANT	0x2001	/* K and version 1 */
#define GRE_PROTO_PPP	0x880b

enum {
	GRE_K_IPHDR = 0,	/* X = IP header length */
	GRE_K_CALLID = 7,	/* the call's ID */
};

static const struct sock_filter gre_filter[] = {
	/* 0: X = 4 * (ip[0] & 0xf) */
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	/* 1-3: flags and version */
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, GRE_FLAGS_MASK),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GRE_FLAGS_WANT, 0, 5),
	/* 4-5: protocol type PPP */
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GRE_PROTO_PPP, 0, 3),
	/* 6-7: low half of the key: Call ID (k patched) */
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
	/* 8 */
	BPF_STMT(BPF_RET | BPF_K, BPF_ACCEPT),
	/* 9 */
	BPF_STMT(BPF_RET | BPF_K, BPF_DROP),
};

/* For IPv6, instruction GRE_K_IPHDR: the GRE header is at offset 0. */
static const struct sock_filter gre_filter_ip6_x =
	BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0);

/*
 * PPPoE session stage (RFC 2516 5.5) for one session, on a frame that
 * starts with the Ethernet header: dst(6) src(6) type(2), then VER/TYPE,
 * CODE, SESSION_ID, LENGTH.  A session is its id and both MAC addresses:
 * frames of the same id between the peer and another concentrator (seen
 * when the interface is promiscuous) are not this session's.
 */
#define PPPOE_VERTYPE_CODE	0x1100	/* VER 1, TYPE 1, CODE 0 (data) */

enum {
	PPPOE_K_SESSION = 5,	/* session id */
	PPPOE_K_MAC_HI = 7,	/* source MAC octets 0-3 */
	PPPOE_K_MAC_LO = 9,	/* source MAC octets 4-5 */
	PPPOE_K_DST_HI = 11,	/* destination MAC octets 0-3 */
	PPPOE_K_DST_LO = 13,	/* destination MAC octets 4-5 */
};

static const struct sock_filter pppoe_session_filter[] = {
	/* 0-1: ethertype PPPoE session */
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_PPP_SES, 0, 13),
	/* 2-3: version/type 1/1, code 0 */
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PPPOE_VERTYPE_CODE, 0, 11),
	/* 4-5: session id (k patched) */
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 16),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 9),
	/* 6-7: source MAC, first four octets (k patched) */
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 7),
	/* 8-9: source MAC, last two octets (k patched) */
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 10),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5),
	/* 10-11: destination MAC, first four octets (k patched) */
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
	/* 12-13: destination MAC, last two octets (k patched) */
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
	/* 14 */
	BPF_STMT(BPF_RET | BPF_K, BPF_ACCEPT),
	/* 15 */
	BPF_STMT(BPF_RET | BPF_K, BPF_DROP),
};

static socklen_t listen_salen(const struct sockaddr_storage *);
static void	 listen_ntop(const struct sockaddr_storage *, char *, size_t);
static int	 listen_wildcard(const struct sockaddr_storage *);
static int	 pppoe_socket(const char *, uint16_t, const struct sock_fprog *,
		    const char *);

int
tcp_listen(const struct sockaddr_storage *ss)
{
	char		 where[LISTEN_ADDRSTR];
	socklen_t	 slen;
	int		 fd, one = 1;

	if ((slen = listen_salen(ss)) == 0) {
		log_warnx("tcp listen: address family %d", ss->ss_family);
		errno = EAFNOSUPPORT;
		return (-1);
	}
	listen_ntop(ss, where, sizeof(where));
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_TCP);
	if (fd == -1) {
		log_warn("tcp listen %s: socket", where);
		return (-1);
	}
	/* A restarted daemon must not wait for TIME_WAIT to bind again. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1) {
		log_warn("tcp listen %s: SO_REUSEADDR", where);
		goto fail;
	}
	/* "::" must not take the IPv4 port a separate listener wants. */
	if (ss->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) {
		log_warn("tcp listen %s: IPV6_V6ONLY", where);
		goto fail;
	}
	if (bind(fd, (const struct sockaddr *)ss, slen) == -1) {
		log_warn("tcp listen %s: bind", where);
		goto fail;
	}
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		log_warn("tcp listen %s: listen", where);
		goto fail;
	}
	return (fd);

 fail:
	close(fd);
	return (-1);
}

int
gre_open_call(const struct sockaddr_storage *local,
    const struct sockaddr_storage *peer, uint16_t call_id)
{
	struct sock_filter	 insns[NELEM(gre_filter)];
	struct sock_fprog	 prog;
	struct sockaddr_storage	 ss;
	char			 where[LISTEN_ADDRSTR], c;
	socklen_t		 slen;
	int			 fd, i;

	if ((slen = listen_salen(peer)) == 0 || (local != NULL &&
	    local->ss_family != peer->ss_family)) {
		log_warnx("gre call %u: bad address family", call_id);
		errno = EAFNOSUPPORT;
		return (-1);
	}
	listen_ntop(peer, where, sizeof(where));

	memcpy(insns, gre_filter, sizeof(insns));
	if (peer->ss_family == AF_INET6)
		insns[GRE_K_IPHDR] = gre_filter_ip6_x;
	insns[GRE_K_CALLID].k = call_id;
	prog.len = NELEM(insns);
	prog.filter = insns;

	fd = socket(peer->ss_family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_GRE);
	if (fd == -1) {
		log_warn("gre call %u peer %s: socket", call_id, where);
		return (-1);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1) {
		log_warn("gre call %u peer %s: SO_ATTACH_FILTER", call_id,
		    where);
		goto fail;
	}
	/* Raw sockets have no ports; the address alone selects packets. */
	if (local != NULL && !listen_wildcard(local)) {
		ss = *local;
		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = 0;
		if (bind(fd, (struct sockaddr *)&ss, slen) == -1) {
			log_warn("gre call %u peer %s: bind", call_id, where);
			goto fail;
		}
	}
	ss = *peer;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	if (connect(fd, (struct sockaddr *)&ss, slen) == -1) {
		log_warn("gre call %u peer %s: connect", call_id, where);
		goto fail;
	}
	/*
	 * Between socket() and the filter every GRE packet to this host
	 * was queued, and until connect() every peer's: drop the queue.
	 * A packet of the call itself may go too; PPP recovers from loss.
	 */
	for (i = 0; i < GRE_DRAIN_MAX; i++)
		if (recv(fd, &c, sizeof(c), MSG_DONTWAIT | MSG_TRUNC) == -1)
			break;
	return (fd);

 fail:
	close(fd);
	return (-1);
}

int
pppoe_open(const char *ifname, uint16_t ethertype)
{
	return (pppoe_socket(ifname, ethertype, NULL, "pppoe"));
}

int
pppoe_open_session(const char *ifname, uint16_t session_id,
    const uint8_t peer_mac[6], const uint8_t local_mac[6])
{
	struct sock_filter	 insns[NELEM(pppoe_session_filter)];
	struct sock_fprog	 prog;
	char			 what[64];

	snprintf(what, sizeof(what), "pppoe session %u "
	    "%02x:%02x:%02x:%02x:%02x:%02x", session_id, peer_mac[0],
	    peer_mac[1], peer_mac[2], peer_mac[3], peer_mac[4], peer_mac[5]);
	if (session_id == 0 || session_id == 0xffff) {
		log_warnx("%s: reserved session id", what);
		errno = EINVAL;
		return (-1);
	}
	if ((peer_mac[0] & 0x01) != 0 || (peer_mac[0] | peer_mac[1] |
	    peer_mac[2] | peer_mac[3] | peer_mac[4] | peer_mac[5]) == 0) {
		log_warnx("%s: peer address not unicast", what);
		errno = EINVAL;
		return (-1);
	}
	memcpy(insns, pppoe_session_filter, sizeof(insns));
	insns[PPPOE_K_SESSION].k = session_id;
	insns[PPPOE_K_MAC_HI].k = (uint32_t)peer_mac[0] << 24 |
	    (uint32_t)peer_mac[1] << 16 | (uint32_t)peer_mac[2] << 8 |
	    peer_mac[3];
	insns[PPPOE_K_MAC_LO].k = (uint32_t)peer_mac[4] << 8 | peer_mac[5];
	insns[PPPOE_K_DST_HI].k = (uint32_t)local_mac[0] << 24 |
	    (uint32_t)local_mac[1] << 16 | (uint32_t)local_mac[2] << 8 |
	    local_mac[3];
	insns[PPPOE_K_DST_LO].k = (uint32_t)local_mac[4] << 8 | local_mac[5];
	prog.len = NELEM(insns);
	prog.filter = insns;
	return (pppoe_socket(ifname, ETH_P_PPP_SES, &prog, what));
}

int
pppoe_ifinfo(const char *ifname, uint32_t *ifindex, uint8_t mac[6], int *mtu)
{
	struct ifreq	 ifr;
	int		 fd, rc = -1;

	memset(&ifr, 0, sizeof(ifr));
	if (strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name)) >=
	    sizeof(ifr.ifr_name) || (*ifindex = if_nametoindex(ifname)) == 0) {
		log_warn("pppoe on %.*s", IFNAMSIZ, ifname);
		return (-1);
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("pppoe on %s: socket", ifname);
		return (-1);
	}
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		log_warn("pppoe on %s: SIOCGIFHWADDR", ifname);
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		log_warnx("pppoe on %s: not an Ethernet interface", ifname);
		errno = EINVAL;
	} else {
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
		if (ioctl(fd, SIOCGIFMTU, &ifr) == -1)
			log_warn("pppoe on %s: SIOCGIFMTU", ifname);
		else {
			*mtu = ifr.ifr_mtu;
			rc = 0;
		}
	}
	close(fd);
	return (rc);
}

/*
 * A packet socket on one interface.  It is created with protocol 0, which
 * receives nothing, and gets its filter before bind() names the protocol
 * and interface: so no frame from another interface or session ever sits
 * in its queue.
 */
static int
pppoe_socket(const char *ifname, uint16_t ethertype,
    const struct sock_fprog *prog, const char *what)
{
	struct sockaddr_ll	 sll;
	unsigned int		 index;
	int			 fd, one = 1;

	if (strnlen(ifname, IFNAMSIZ) == IFNAMSIZ ||
	    (index = if_nametoindex(ifname)) == 0) {
		log_warn("%s on %.*s", what, IFNAMSIZ, ifname);
		return (-1);
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("%s on %s: socket", what, ifname);
		return (-1);
	}
	/*
	 * Our own PADOs and session frames are not input.  Sockets bound
	 * to one ethertype get no outgoing frames today, ETH_P_ALL ones
	 * would: say it rather than depend on it.
	 */
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1) {
		log_warn("%s on %s: PACKET_IGNORE_OUTGOING", what, ifname);
		goto fail;
	}
	if (prog != NULL && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, prog,
	    sizeof(*prog)) == -1) {
		log_warn("%s on %s: SO_ATTACH_FILTER", what, ifname);
		goto fail;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ethertype);
	sll.sll_ifindex = (int)index;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		log_warn("%s on %s: bind", what, ifname);
		goto fail;
	}
	return (fd);

 fail:
	close(fd);
	return (-1);
}

static socklen_t
listen_salen(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return (sizeof(struct sockaddr_in));
	case AF_INET6:
		return (sizeof(struct sockaddr_in6));
	}
	return (0);
}

static void
listen_ntop(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;
	char				 a[INET6_ADDRSTRLEN];

	switch (ss->ss_family) {
	case AF_INET:
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(sin6->sin6_port));
		break;
	default:
		snprintf(buf, len, "(family %d)", ss->ss_family);
		break;
	}
}

static int
listen_wildcard(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return (sin->sin_addr.s_addr == htonl(INADDR_ANY));
	return (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr));
}

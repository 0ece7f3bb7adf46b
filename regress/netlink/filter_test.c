/*
 * Root-only tests of the sockets of net/listen.c and their BPF filters,
 * run by netns.sh inside network namespaces of their own.
 *
 * Each test packet ends with a tag octet naming it.  Every socket is read
 * until its own end marker, which is sent after every test packet from
 * one CPU-pinned process over a path that keeps order; so when the marker
 * is there, every earlier packet that passed the filter is there too, and
 * the received tags can be compared with the expected ones exactly.  An
 * unfiltered socket shows that the packets the filters drop did arrive.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/if_packet.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "nettest.h"
#include "test.h"

#define TAGS_MAX	64
#define PKT_MAX		2048

/* GRE: first 16 bits (RFC 2637 4.1) */
#define GRE_DATA	0x3001		/* K S, version 1 */
#define GRE_DATA_ACK	0x3081		/* K S A */
#define GRE_ACK		0x2081		/* K A: ack only */
#define GRE_V0		0x3000		/* version 0 */
#define GRE_NOKEY	0x1001		/* S without K */
#define GRE_CSUM	0xb001		/* C set */
#define GRE_PPP		0x880b

/* End markers. */
#define END_A		100
#define END_B		101
#define END_C		102
#define END_D		103

enum gre_src {
	SRC_2,		/* 10.200.1.2 */
	SRC_2_OPT,	/* 10.200.1.2 with IP options: a longer header */
	SRC_3,		/* 10.200.1.3 */
	SRC_6,		/* fd00:200::2 */
	SRC_MAX
};

struct gre_pkt {
	enum gre_src	 src;
	uint16_t	 flags;
	uint16_t	 proto;
	uint16_t	 call;
	uint8_t		 tag;
	int		 truncate;	/* send only the first 6 octets + tag */
};

static const struct gre_pkt gre_pkts[] = {
	{ SRC_2,	GRE_DATA,	GRE_PPP,	0x4000,	1,	0 },
	{ SRC_2,	GRE_DATA,	GRE_PPP,	0x4001,	2,	0 },
	{ SRC_2,	GRE_DATA,	GRE_PPP,	0x4002,	3,	0 },
	{ SRC_2,	GRE_V0,		GRE_PPP,	0x4000,	4,	0 },
	{ SRC_2,	GRE_DATA,	0x0800,		0x4000,	5,	0 },
	{ SRC_2,	GRE_NOKEY,	GRE_PPP,	0x4000,	6,	0 },
	{ SRC_2,	GRE_ACK,	GRE_PPP,	0x4000,	7,	0 },
	{ SRC_2,	GRE_DATA_ACK,	GRE_PPP,	0x4000,	8,	0 },
	{ SRC_2_OPT,	GRE_DATA,	GRE_PPP,	0x4000,	9,	0 },
	{ SRC_2_OPT,	GRE_DATA,	GRE_PPP,	0x4001,	10,	0 },
	{ SRC_2,	GRE_CSUM,	GRE_PPP,	0x4000,	11,	0 },
	{ SRC_3,	GRE_DATA,	GRE_PPP,	0x4000,	12,	0 },
	{ SRC_6,	GRE_DATA,	GRE_PPP,	0x4000,	13,	0 },
	{ SRC_6,	GRE_DATA,	GRE_PPP,	0x4001,	14,	0 },
	{ SRC_2,	GRE_DATA,	GRE_PPP,	0x4000,	15,	1 },
	{ SRC_2_OPT,	GRE_DATA,	GRE_PPP,	0x4002,	16,	0 },
	{ SRC_2,	GRE_DATA,	GRE_PPP,	0x4000,	END_A,	0 },
	{ SRC_2,	GRE_DATA,	GRE_PPP,	0x4001,	END_B,	0 },
	{ SRC_3,	GRE_DATA,	GRE_PPP,	0x4000,	END_C,	0 },
	{ SRC_6,	GRE_DATA,	GRE_PPP,	0x4000,	END_D,	0 },
};

struct tags {
	uint8_t		 tag[TAGS_MAX];
	size_t		 n;
};

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x0c };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void	 sin_make(struct sockaddr_storage *, const char *);
static int	 read_tags(int, uint8_t, struct tags *, const char *);
static int	 tag_cmp(const void *, const void *);
static int	 tags_equal(const struct tags *, const uint8_t *, size_t,
		    const char *);
static size_t	 gre_build(uint8_t *, const struct gre_pkt *);
static int	 gre_sender(const char *);
static int	 reap(pid_t);
static int	 packet_sender(const char *);
static void	 frame_send(int, const uint8_t *, const uint8_t *, uint16_t,
		    uint8_t, uint8_t, uint16_t, uint8_t);

static int	 case_gre_call_filter(const char *);
static int	 case_gre_bad_args(const char *);
static int	 case_pppoe_session_filter(const char *);
static int	 case_pppoe_discovery(const char *);
static int	 case_pppoe_bad_args(const char *);

static const struct {
	const char	*name;
	int		(*fn)(const char *);
} cases[] = {
	{ "gre-call-filter",		case_gre_call_filter },
	{ "gre-bad-args",		case_gre_bad_args },
	{ "pppoe-session-filter",	case_pppoe_session_filter },
	{ "pppoe-discovery",		case_pppoe_discovery },
	{ "pppoe-bad-args",		case_pppoe_bad_args },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
sin_make(struct sockaddr_storage *ss, const char *addr)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return;
	}
	fprintf(stderr, "bad address in test: %s\n", addr);
	exit(2);
}

/*
 * Read datagrams until one ends in the end tag, recording every last
 * octet.  Each wait is bounded; so is the number read.
 */
static int
read_tags(int fd, uint8_t end, struct tags *t, const char *what)
{
	uint8_t	 buf[PKT_MAX];
	ssize_t	 n;

	t->n = 0;
	while (t->n < TAGS_MAX) {
		if (!nettest_readable(fd, NETTEST_WAIT_MS)) {
			fprintf(stderr, "%s: no end marker %u after %zu "
			    "packets\n", what, end, t->n);
			return (-1);
		}
		if ((n = recv(fd, buf, sizeof(buf), 0)) <= 0) {
			perror("recv");
			return (-1);
		}
		t->tag[t->n++] = buf[n - 1];
		if (buf[n - 1] == end)
			return (0);
	}
	fprintf(stderr, "%s: too many packets\n", what);
	return (-1);
}

static int
tag_cmp(const void *a, const void *b)
{
	return (*(const uint8_t *)a - *(const uint8_t *)b);
}

/*
 * The received tags as a set equal the expected ones: which packets pass
 * is the question here, not their order.
 */
static int
tags_equal(const struct tags *t, const uint8_t *want, size_t nwant,
    const char *what)
{
	uint8_t	 got[TAGS_MAX], exp[TAGS_MAX];
	size_t	 i;
	int	 eq;

	memcpy(got, t->tag, t->n);
	memcpy(exp, want, nwant);
	qsort(got, t->n, 1, tag_cmp);
	qsort(exp, nwant, 1, tag_cmp);
	eq = t->n == nwant && memcmp(got, exp, nwant) == 0;
	if (!eq) {
		fprintf(stderr, "%s: got", what);
		for (i = 0; i < t->n; i++)
			fprintf(stderr, " %u", got[i]);
		fprintf(stderr, ", want");
		for (i = 0; i < nwant; i++)
			fprintf(stderr, " %u", exp[i]);
		fprintf(stderr, "\n");
	}
	return (eq);
}

/* A GRE header as the table says, and a payload ending in the tag. */
static size_t
gre_build(uint8_t *buf, const struct gre_pkt *p)
{
	size_t	 off = 0;

	buf[off++] = p->flags >> 8;
	buf[off++] = p->flags & 0xff;
	buf[off++] = p->proto >> 8;
	buf[off++] = p->proto & 0xff;
	if (p->truncate) {
		/* Cut inside the key: the Call ID cannot be read. */
		buf[off++] = 0;
		buf[off++] = 4;
		buf[off++] = p->tag;
		return (off);
	}
	buf[off++] = 0;
	buf[off++] = (p->flags & 0x1000) ? 4 : 0;	/* payload length */
	buf[off++] = p->call >> 8;
	buf[off++] = p->call & 0xff;
	if (p->flags & 0x1000) {			/* sequence */
		memset(buf + off, 0, 4);
		buf[off + 3] = p->tag;
		off += 4;
	}
	if (p->flags & 0x0080) {			/* ack */
		memset(buf + off, 0, 4);
		buf[off + 3] = p->tag;
		off += 4;
	}
	if (p->flags & 0x1000) {			/* PPP: LCP, tag */
		buf[off++] = 0xff;
		buf[off++] = 0x03;
		buf[off++] = 0xc0;
		buf[off++] = p->tag;
	}
	return (off);
}

/*
 * In the other namespace: send every packet of gre_pkts from its source
 * address.  Returns an exit status.
 */
static int
gre_sender(const char *nspath)
{
	static const char *const srcs[SRC_MAX] = { "10.200.1.2",
	    "10.200.1.2", "10.200.1.3", "fd00:200::2" };
	/* Four NOPs: the IP header grows to 24 octets (IHL 6). */
	static const uint8_t opts[4] = { IPOPT_NOP, IPOPT_NOP, IPOPT_NOP,
	    IPOPT_NOP };
	struct sockaddr_storage	 ss, dst4, dst6;
	uint8_t			 buf[PKT_MAX];
	size_t			 i, len;
	int			 fds[SRC_MAX], nsfd, s;

	if ((nsfd = open(nspath, O_RDONLY | O_CLOEXEC)) == -1 ||
	    setns(nsfd, CLONE_NEWNET) == -1) {
		perror(nspath);
		return (1);
	}
	close(nsfd);
	nettest_pin_cpu();
	for (s = 0; s < SRC_MAX; s++) {
		sin_make(&ss, srcs[s]);
		fds[s] = socket(ss.ss_family, SOCK_RAW, IPPROTO_GRE);
		if (fds[s] == -1 || bind(fds[s], (struct sockaddr *)&ss,
		    ss.ss_family == AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6)) == -1) {
			perror(srcs[s]);
			return (1);
		}
	}
	if (setsockopt(fds[SRC_2_OPT], IPPROTO_IP, IP_OPTIONS, opts,
	    sizeof(opts)) == -1) {
		perror("IP_OPTIONS");
		return (1);
	}
	sin_make(&dst4, "10.200.1.1");
	sin_make(&dst6, "fd00:200::1");
	for (i = 0; i < NELEM(gre_pkts); i++) {
		len = gre_build(buf, &gre_pkts[i]);
		s = gre_pkts[i].src;
		if (sendto(fds[s], buf, len, 0, (struct sockaddr *)(s ==
		    SRC_6 ? &dst6 : &dst4), s == SRC_6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in))
		    != (ssize_t)len) {
			perror("sendto");
			return (1);
		}
	}
	return (0);
}

/* Wait for a child, at most NETTEST_WAIT_MS, then kill it. */
static int
reap(pid_t pid)
{
	int	 status, i;

	for (i = 0; i < NETTEST_WAIT_MS / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return (WIFEXITED(status) ? WEXITSTATUS(status) : 1);
		poll(NULL, 0, 10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fprintf(stderr, "sender did not finish\n");
	return (1);
}

/*
 * Sockets for call 0x4000 and 0x4001 from 10.200.1.2, 0x4000 from
 * 10.200.1.3 and from fd00:200::2, and one unfiltered; packets from
 * another namespace over a veth pair.
 */
static int
case_gre_call_filter(const char *nspath)
{
	static const uint8_t want_a[] = { 1, 7, 8, 9, END_A };
	static const uint8_t want_b[] = { 2, 10, END_B };
	static const uint8_t want_c[] = { 12, END_C };
	static const uint8_t want_d[] = { 13, END_D };
	static const uint8_t want_all[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 15, 16, END_A, END_B, END_C };
	struct sockaddr_storage	 l4, l6, p2, p3, p6;
	struct tags		 t;
	int			 a, b, c, d, all;
	pid_t			 pid;

	sin_make(&l4, "10.200.1.1");
	sin_make(&l6, "fd00:200::1");
	sin_make(&p2, "10.200.1.2");
	sin_make(&p3, "10.200.1.3");
	sin_make(&p6, "fd00:200::2");
	a = gre_open_call(&l4, &p2, 0x4000);
	b = gre_open_call(NULL, &p2, 0x4001);
	c = gre_open_call(&l4, &p3, 0x4000);
	d = gre_open_call(&l6, &p6, 0x4000);
	all = socket(AF_INET, SOCK_RAW, IPPROTO_GRE);
	CHECK(a != -1 && b != -1 && c != -1 && d != -1 && all != -1);
	if (a == -1 || b == -1 || c == -1 || d == -1 || all == -1)
		return (test_done("gre-call-filter"));
	CHECK(nettest_fd_flags_ok(a) && nettest_fd_flags_ok(d));

	if ((pid = fork()) == -1) {
		perror("fork");
		return (1);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(gre_sender(nspath));
	}

	CHECK(read_tags(all, END_C, &t, "unfiltered") == 0);
	CHECK(tags_equal(&t, want_all, sizeof(want_all), "unfiltered"));
	CHECK(read_tags(a, END_A, &t, "call 0x4000 from .2") == 0);
	CHECK(tags_equal(&t, want_a, sizeof(want_a), "call 0x4000 from .2"));
	CHECK(read_tags(b, END_B, &t, "call 0x4001 from .2") == 0);
	CHECK(tags_equal(&t, want_b, sizeof(want_b), "call 0x4001 from .2"));
	CHECK(read_tags(c, END_C, &t, "call 0x4000 from .3") == 0);
	CHECK(tags_equal(&t, want_c, sizeof(want_c), "call 0x4000 from .3"));
	CHECK(read_tags(d, END_D, &t, "call 0x4000 over IPv6") == 0);
	CHECK(tags_equal(&t, want_d, sizeof(want_d), "call 0x4000 over IPv6"));
	CHECK(reap(pid) == 0);

	close(a);
	close(b);
	close(c);
	close(d);
	close(all);
	return (test_done("gre-call-filter"));
}

static int
case_gre_bad_args(const char *nspath)
{
	struct sockaddr_storage	 l4, l6, p4, bad;
	int			 fd;

	(void)nspath;
	sin_make(&l4, "10.200.1.9");
	sin_make(&l6, "fd00:200::1");
	sin_make(&p4, "10.200.1.2");
	memset(&bad, 0, sizeof(bad));
	bad.ss_family = AF_UNIX;
	errno = 0;
	CHECK(gre_open_call(NULL, &bad, 1) == -1 && errno == EAFNOSUPPORT);
	errno = 0;
	CHECK(gre_open_call(&l6, &p4, 1) == -1 && errno == EAFNOSUPPORT);
	/* A local address this host does not have cannot be bound. */
	errno = 0;
	CHECK(gre_open_call(&l4, &p4, 1) == -1 && errno == EADDRNOTAVAIL);
	/* A wildcard local address is no binding at all. */
	sin_make(&l4, "0.0.0.0");
	CHECK((fd = gre_open_call(&l4, &p4, 1)) != -1);
	if (fd != -1) {
		CHECK(nettest_fd_flags_ok(fd));
		close(fd);
	}
	return (test_done("gre-bad-args"));
}

/* An AF_PACKET socket that only sends, on one interface. */
static int
packet_sender(const char *ifname)
{
	struct sockaddr_ll	 sll;
	int			 fd;

	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1) {
		perror("socket");
		exit(1);
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		perror(ifname);
		exit(1);
	}
	return (fd);
}

/* An Ethernet frame with a PPPoE header and a 40-octet payload. */
static void
frame_send(int fd, const uint8_t *dst, const uint8_t *src, uint16_t type,
    uint8_t vertype, uint8_t code, uint16_t session, uint8_t tag)
{
	uint8_t	 f[60];

	memset(f, 0, sizeof(f));
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = type >> 8;
	f[13] = type & 0xff;
	f[14] = vertype;
	f[15] = code;
	f[16] = session >> 8;
	f[17] = session & 0xff;
	f[18] = 0;
	f[19] = 40;
	f[20] = 0xc0;				/* LCP */
	f[21] = 0x21;
	f[59] = tag;
	if (send(fd, f, sizeof(f), 0) != (ssize_t)sizeof(f)) {
		perror("send");
		exit(1);
	}
}

/*
 * Sessions 1 and 2 of 02:..:0b and session 1 of 02:..:0c, on veth-a;
 * frames come in from veth-b.
 */
static int
case_pppoe_session_filter(const char *nspath)
{
	static const uint8_t want_1b[] = { 1, END_A };
	static const uint8_t want_2b[] = { 2, END_B };
	static const uint8_t want_1c[] = { 4, END_C };
	/* Outgoing frames reach only ETH_P_ALL sockets: no 12 here. */
	static const uint8_t want_all[] = { 1, 2, 3, 4, 6, 7, 8, 10, 11,
	    END_A, END_B, END_C };
	struct sockaddr_ll	 sll;
	struct tags		 t;
	int			 s1b, s2b, s1c, all, txb, txa;

	(void)nspath;
	nettest_pin_cpu();
	s1b = pppoe_open_session("veth-a", 1, mac_b, mac_a);
	s2b = pppoe_open_session("veth-a", 2, mac_b, mac_a);
	s1c = pppoe_open_session("veth-a", 1, mac_c, mac_a);
	CHECK(s1b != -1 && s2b != -1 && s1c != -1);
	if (s1b == -1 || s2b == -1 || s1c == -1)
		return (test_done("pppoe-session-filter"));
	CHECK(nettest_fd_flags_ok(s1b));
	/* Unfiltered, sees everything of type 0x8864 on veth-a. */
	if ((all = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		return (1);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(PPPOE_ETH_SESSION);
	sll.sll_ifindex = (int)if_nametoindex("veth-a");
	if (bind(all, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		return (1);
	txb = packet_sender("veth-b");
	txa = packet_sender("veth-a");

	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0x00, 1, 1);
	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0x00, 2, 2);
	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0x00, 3, 3);
	frame_send(txb, mac_a, mac_c, 0x8864, 0x11, 0x00, 1, 4);
	/* Discovery ethertype, session code: not the session socket's. */
	frame_send(txb, mac_a, mac_b, 0x8863, 0x11, 0x00, 1, 5);
	/* Session ethertype with a discovery code (PADT). */
	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0xa7, 1, 6);
	/* Wrong version/type. */
	frame_send(txb, mac_a, mac_b, 0x8864, 0x12, 0x00, 1, 7);
	frame_send(txb, mac_a, mac_b, 0x8864, 0x21, 0x00, 1, 8);
	/* The reserved session 0xffff and session 0: nobody's. */
	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0x00, 0xffff, 10);
	/* Session 1 of :0b, but to another concentrator (promiscuous). */
	frame_send(txb, mac_c, mac_b, 0x8864, 0x11, 0x00, 1, 11);
	/* Our own outgoing frame, even one that looks like the peer's. */
	frame_send(txa, mac_b, mac_b, 0x8864, 0x11, 0x00, 1, 12);
	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0x00, 1, END_A);
	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0x00, 2, END_B);
	frame_send(txb, mac_a, mac_c, 0x8864, 0x11, 0x00, 1, END_C);

	CHECK(read_tags(all, END_C, &t, "unfiltered") == 0);
	CHECK(tags_equal(&t, want_all, sizeof(want_all), "unfiltered"));
	CHECK(read_tags(s1b, END_A, &t, "session 1 of :0b") == 0);
	CHECK(tags_equal(&t, want_1b, sizeof(want_1b), "session 1 of :0b"));
	CHECK(read_tags(s2b, END_B, &t, "session 2 of :0b") == 0);
	CHECK(tags_equal(&t, want_2b, sizeof(want_2b), "session 2 of :0b"));
	CHECK(read_tags(s1c, END_C, &t, "session 1 of :0c") == 0);
	CHECK(tags_equal(&t, want_1c, sizeof(want_1c), "session 1 of :0c"));

	close(s1b);
	close(s2b);
	close(s1c);
	close(all);
	close(txa);
	close(txb);
	return (test_done("pppoe-session-filter"));
}

/*
 * A discovery socket gets its interface's incoming discovery frames, not
 * session frames, not what we send, not another interface's.
 */
static int
case_pppoe_discovery(const char *nspath)
{
	static const uint8_t want_a[] = { 1, 5, END_A };
	static const uint8_t want_c[] = { 4, END_C };
	struct tags	 t;
	int		 da, dc, txa, txb, txd;

	(void)nspath;
	nettest_pin_cpu();
	da = pppoe_open("veth-a", PPPOE_ETH_DISCOVERY);
	dc = pppoe_open("veth-c", PPPOE_ETH_DISCOVERY);
	CHECK(da != -1 && dc != -1);
	if (da == -1 || dc == -1)
		return (test_done("pppoe-discovery"));
	CHECK(nettest_fd_flags_ok(da));
	txa = packet_sender("veth-a");
	txb = packet_sender("veth-b");
	txd = packet_sender("veth-d");

	frame_send(txb, mac_bcast, mac_b, 0x8863, 0x11, 0x09, 0, 1); /* PADI */
	frame_send(txb, mac_a, mac_b, 0x8864, 0x11, 0x00, 1, 2);
	frame_send(txa, mac_b, mac_a, 0x8863, 0x11, 0x07, 0, 3); /* PADO */
	frame_send(txd, mac_bcast, mac_c, 0x8863, 0x11, 0x09, 0, 4);
	frame_send(txb, mac_a, mac_b, 0x8863, 0x11, 0xa7, 1, 5); /* PADT */
	frame_send(txb, mac_a, mac_b, 0x8863, 0x11, 0x09, 0, END_A);
	frame_send(txd, mac_bcast, mac_c, 0x8863, 0x11, 0x09, 0, END_C);

	CHECK(read_tags(da, END_A, &t, "discovery on veth-a") == 0);
	CHECK(tags_equal(&t, want_a, sizeof(want_a), "discovery on veth-a"));
	CHECK(read_tags(dc, END_C, &t, "discovery on veth-c") == 0);
	CHECK(tags_equal(&t, want_c, sizeof(want_c), "discovery on veth-c"));

	close(da);
	close(dc);
	close(txa);
	close(txb);
	close(txd);
	return (test_done("pppoe-discovery"));
}

static int
case_pppoe_bad_args(const char *nspath)
{
	static const uint8_t zero[6];
	int	 fd;

	(void)nspath;
	errno = 0;
	CHECK(pppoe_open_session("veth-a", 0, mac_b, mac_a) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(pppoe_open_session("veth-a", 0xffff, mac_b, mac_a) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(pppoe_open_session("veth-a", 1, mac_bcast, mac_a) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(pppoe_open_session("veth-a", 1, zero, mac_a) == -1 &&
	    errno == EINVAL);
	errno = 0;
	CHECK(pppoe_open_session("pppoxd-none0", 1, mac_b, mac_a) == -1 &&
	    errno == ENODEV);
	errno = 0;
	CHECK(pppoe_open("pppoxd-none0", PPPOE_ETH_DISCOVERY) == -1 &&
	    errno == ENODEV);
	CHECK(pppoe_open("sixteen-chars-xx", PPPOE_ETH_DISCOVERY) == -1);
	CHECK((fd = pppoe_open_session("veth-a", 0xfffe, mac_b, mac_a)) != -1);
	if (fd != -1)
		close(fd);
	return (test_done("pppoe-bad-args"));
}

int
main(int argc, char *argv[])
{
	size_t	 i;

	log_init(1, LOG_DAEMON);
	log_procinit("filter_test");
	if (argc != 3) {
		fprintf(stderr, "usage: filter_test case netns-path\n");
		return (2);
	}
	for (i = 0; i < NELEM(cases); i++)
		if (strcmp(cases[i].name, argv[1]) == 0)
			return (cases[i].fn(argv[2]));
	fprintf(stderr, "filter_test: no case %s\n", argv[1]);
	return (2);
}

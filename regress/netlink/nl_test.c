/*
 * Root-only tests of net/tun.c, net/netlink.c and tcp_listen(), run by
 * netns.sh inside a network namespace of their own.  What the kernel did
 * is read back with ip(8), not through the code under test.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "netlink.h"
#include "nettest.h"
#include "test.h"
#include "tun.h"

#define OUT_MAX		8192

static struct in_addr	 na(const char *);
static int		 contains(const char *, const char *);
static int		 make_tun(char *, size_t);

static int	 case_tun_create(struct nl *);
static int	 case_link_set(struct nl *);
static int	 case_addr_ptp(struct nl *);
static int	 case_route(struct nl *);
static int	 case_missing_interface(struct nl *);
static int	 case_tcp_listen(struct nl *);

static const struct {
	const char	*name;
	int		(*fn)(struct nl *);
} cases[] = {
	{ "tun-create",		case_tun_create },
	{ "link-set",		case_link_set },
	{ "addr-ptp",		case_addr_ptp },
	{ "route",		case_route },
	{ "missing-interface",	case_missing_interface },
	{ "tcp-listen",		case_tcp_listen },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct in_addr
na(const char *s)
{
	struct in_addr	 in;

	if (inet_pton(AF_INET, s, &in) != 1)
		exit(2);
	return (in);
}

static int
contains(const char *hay, const char *needle)
{
	return (strstr(hay, needle) != NULL);
}

static int
make_tun(char *name, size_t len)
{
	int	 fd;

	if ((fd = tun_create(name, len, "ppx%d")) == -1) {
		fprintf(stderr, "tun_create failed\n");
		exit(1);
	}
	return (fd);
}

/* Two devices with kernel-chosen names; closing removes a device. */
static int
case_tun_create(struct nl *nl)
{
	char	 a[IFNAMSIZ], b[IFNAMSIZ], small[4], cmd[128];
	char	 out[OUT_MAX];
	int	 fa, fb;

	fa = make_tun(a, sizeof(a));
	fb = make_tun(b, sizeof(b));
	CHECK(strncmp(a, "ppx", 3) == 0 && strncmp(b, "ppx", 3) == 0);
	CHECK(strcmp(a, b) != 0);
	CHECK(nettest_fd_flags_ok(fa) && nettest_fd_flags_ok(fb));
	snprintf(cmd, sizeof(cmd), "ip -o link show dev %s", a);
	CHECK(nettest_run(cmd, out, sizeof(out)) == 0);
	/* A tun device is point-to-point and has no link-layer address. */
	CHECK(contains(out, "POINTOPOINT"));
	CHECK(contains(out, "link/none"));
	CHECK(nl_link_index(nl, a) == (int)if_nametoindex(a));
	CHECK(nl_link_index(nl, b) == (int)if_nametoindex(b));

	tun_destroy(fa);
	CHECK(nettest_run(cmd, out, sizeof(out)) == -1);
	CHECK(contains(out, "does not exist"));
	errno = 0;
	CHECK(nl_link_index(nl, a) == -1 && errno == ENODEV);
	CHECK(nl_link_index(nl, b) > 0);
	tun_destroy(fb);

	/* Templates that cannot be names; a name that does not fit. */
	CHECK(tun_create(a, sizeof(a), "") == -1);
	CHECK(tun_create(a, sizeof(a), "ppx-much-too-long-%d") == -1);
	CHECK(tun_create(small, sizeof(small), "ppx%d") == -1);
	return (test_done("tun-create"));
}

/* Up with an MTU, then down; the kernel's view through ip(8). */
static int
case_link_set(struct nl *nl)
{
	char	 name[IFNAMSIZ], cmd[128], out[OUT_MAX];
	int	 fd;

	fd = make_tun(name, sizeof(name));
	snprintf(cmd, sizeof(cmd), "ip -o link show dev %s", name);
	CHECK(nettest_run(cmd, out, sizeof(out)) == 0);
	CHECK(!contains(out, ",UP") && !contains(out, "<UP"));

	CHECK(nl_link_set(nl, name, 1, 1400) == 0);
	CHECK(nettest_run(cmd, out, sizeof(out)) == 0);
	CHECK(contains(out, ",UP") || contains(out, "<UP"));
	CHECK(contains(out, " mtu 1400 "));

	/* mtu 0 leaves the MTU alone. */
	CHECK(nl_link_set(nl, name, 0, 0) == 0);
	CHECK(nettest_run(cmd, out, sizeof(out)) == 0);
	CHECK(!contains(out, ",UP") && !contains(out, "<UP"));
	CHECK(contains(out, " mtu 1400 "));

	CHECK(nl_link_set(nl, name, 1, 1492) == 0);
	CHECK(nettest_run(cmd, out, sizeof(out)) == 0);
	CHECK(contains(out, ",UP") || contains(out, "<UP"));
	CHECK(contains(out, " mtu 1492 "));

	/* The kernel refuses an MTU below IPv4's minimum of 68. */
	errno = 0;
	CHECK(nl_link_set(nl, name, 1, 20) == -1 && errno == EINVAL);
	CHECK(nl_link_set(nl, name, 1, -1) == -1 && errno == EINVAL);
	tun_destroy(fd);
	return (test_done("link-set"));
}

/* The point-to-point address and the host route the kernel adds. */
static int
case_addr_ptp(struct nl *nl)
{
	char	 name[IFNAMSIZ], cmd[128], out[OUT_MAX], want[128];
	int	 fd;

	fd = make_tun(name, sizeof(name));
	CHECK(nl_link_set(nl, name, 1, 1400) == 0);
	CHECK(nl_addr_add(nl, name, na("10.200.0.1"), na("10.200.0.2")) == 0);

	snprintf(cmd, sizeof(cmd), "ip -o -4 addr show dev %s", name);
	CHECK(nettest_run(cmd, out, sizeof(out)) == 0);
	CHECK(contains(out, "inet 10.200.0.1 peer 10.200.0.2/32 "));

	CHECK(nettest_run("ip -o -4 route show", out, sizeof(out)) == 0);
	snprintf(want, sizeof(want), "10.200.0.2 dev %s proto kernel scope "
	    "link src 10.200.0.1", name);
	CHECK(contains(out, want));

	/* The same address twice is refused, not duplicated. */
	errno = 0;
	CHECK(nl_addr_add(nl, name, na("10.200.0.1"), na("10.200.0.2")) == -1);
	CHECK(errno == EEXIST);

	CHECK(nl_addr_del(nl, name, na("10.200.0.1"), na("10.200.0.2")) == 0);
	CHECK(nettest_run(cmd, out, sizeof(out)) == 0);
	CHECK(!contains(out, "10.200.0.1"));
	CHECK(nettest_run("ip -o -4 route show", out, sizeof(out)) == 0);
	CHECK(!contains(out, "10.200.0.2"));
	errno = 0;
	CHECK(nl_addr_del(nl, name, na("10.200.0.1"), na("10.200.0.2")) == -1);
	CHECK(errno == EADDRNOTAVAIL);
	tun_destroy(fd);
	return (test_done("addr-ptp"));
}

/* Extra routes through the interface: add, refuse twice, delete. */
static int
case_route(struct nl *nl)
{
	char	 name[IFNAMSIZ], out[OUT_MAX], want[128];
	int	 fd;

	fd = make_tun(name, sizeof(name));
	CHECK(nl_link_set(nl, name, 1, 1400) == 0);
	CHECK(nl_addr_add(nl, name, na("10.200.0.1"), na("10.200.0.2")) == 0);

	CHECK(nl_route_add(nl, name, na("10.200.9.0"), 24) == 0);
	CHECK(nl_route_add(nl, name, na("10.200.10.7"), 32) == 0);
	CHECK(nettest_run("ip -o -4 route show", out, sizeof(out)) == 0);
	snprintf(want, sizeof(want), "10.200.9.0/24 dev %s proto static "
	    "scope link", name);
	CHECK(contains(out, want));
	snprintf(want, sizeof(want), "10.200.10.7 dev %s proto static "
	    "scope link", name);
	CHECK(contains(out, want));

	errno = 0;
	CHECK(nl_route_add(nl, name, na("10.200.9.0"), 24) == -1);
	CHECK(errno == EEXIST);
	/* The kernel's own route to the peer is there already. */
	errno = 0;
	CHECK(nl_route_add(nl, name, na("10.200.0.2"), 32) == -1);
	CHECK(errno == EEXIST);
	/* ...and is not ours to delete. */
	errno = 0;
	CHECK(nl_route_del(nl, name, na("10.200.0.2"), 32) == -1);
	CHECK(errno == ESRCH);

	errno = 0;
	CHECK(nl_route_add(nl, name, na("10.200.9.1"), 24) == -1);
	CHECK(errno == EINVAL);
	CHECK(nl_route_add(nl, name, na("10.200.9.0"), 33) == -1);

	CHECK(nl_route_del(nl, name, na("10.200.9.0"), 24) == 0);
	CHECK(nl_route_del(nl, name, na("10.200.10.7"), 32) == 0);
	CHECK(nettest_run("ip -o -4 route show", out, sizeof(out)) == 0);
	CHECK(!contains(out, "10.200.9.0"));
	CHECK(!contains(out, "10.200.10.7"));
	CHECK(contains(out, "10.200.0.2 dev"));
	errno = 0;
	CHECK(nl_route_del(nl, name, na("10.200.9.0"), 24) == -1);
	CHECK(errno == ESRCH);
	tun_destroy(fd);
	return (test_done("route"));
}

/*
 * Every call on an interface that does not exist fails with ENODEV, and
 * the log says which operation on which interface.
 */
static int
case_missing_interface(struct nl *nl)
{
	char		 log[4096];
	const char	*none = "pppoxd-none0";
	int		 rc, err;

	nettest_log_begin();
	rc = nl_link_set(nl, none, 1, 1400);
	err = errno;
	nettest_log_end(log, sizeof(log));
	CHECK(rc == -1 && err == ENODEV);
	CHECK(contains(log, "link set on pppoxd-none0: No such device"));

	nettest_log_begin();
	rc = nl_addr_add(nl, none, na("10.200.0.1"), na("10.200.0.2"));
	err = errno;
	nettest_log_end(log, sizeof(log));
	CHECK(rc == -1 && err == ENODEV);
	CHECK(contains(log, "address add 10.200.0.1 peer 10.200.0.2 on "
	    "pppoxd-none0: No such device"));

	nettest_log_begin();
	rc = nl_route_add(nl, none, na("10.200.9.0"), 24);
	err = errno;
	nettest_log_end(log, sizeof(log));
	CHECK(rc == -1 && err == ENODEV);
	CHECK(contains(log, "route add 10.200.9.0/24 on pppoxd-none0"));

	errno = 0;
	CHECK(nl_route_del(nl, none, na("10.200.9.0"), 24) == -1);
	CHECK(errno == ENODEV);
	errno = 0;
	CHECK(nl_link_index(nl, none) == -1 && errno == ENODEV);

	/* Names that cannot be interface names never reach the kernel. */
	nettest_log_begin();
	rc = nl_link_set(nl, "sixteen-chars-xx", 1, 0);
	err = errno;
	nettest_log_end(log, sizeof(log));
	CHECK(rc == -1 && err == EINVAL);
	CHECK(contains(log, "bad interface name"));
	errno = 0;
	CHECK(nl_link_index(nl, "") == -1 && errno == EINVAL);

	/* The socket still works after all those errors. */
	CHECK(nl_link_index(nl, "lo") == 1);
	return (test_done("missing-interface"));
}

/* IPv4 and IPv6 listeners on loopback accept connections. */
static int
case_tcp_listen(struct nl *nl)
{
	struct sockaddr_storage	 ss, bound;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	int			 fd4, fd6, c, a, on, again, i;

	/* A new namespace's loopback is down. */
	CHECK(nl_link_set(nl, "lo", 1, 0) == 0);

	for (i = 0; i < 2; i++) {
		memset(&ss, 0, sizeof(ss));
		if (i == 0) {
			sin->sin_family = AF_INET;
			sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		} else {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = in6addr_loopback;
		}
		fd4 = tcp_listen(&ss);
		CHECK(fd4 != -1);
		if (fd4 == -1)
			continue;
		CHECK(nettest_fd_flags_ok(fd4));
		len = sizeof(on);
		CHECK(getsockopt(fd4, SOL_SOCKET, SO_REUSEADDR, &on, &len) == 0
		    && on == 1);
		if (i == 1) {
			len = sizeof(on);
			CHECK(getsockopt(fd4, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    &len) == 0 && on == 1);
		}
		len = sizeof(bound);
		CHECK(getsockname(fd4, (struct sockaddr *)&bound, &len) == 0);

		/* Nobody else gets the same port while we listen. */
		errno = 0;
		CHECK((again = tcp_listen(&bound)) == -1 &&
		    errno == EADDRINUSE);
		if (again != -1)
			close(again);

		c = socket(bound.ss_family, SOCK_STREAM, 0);
		CHECK(c != -1);
		CHECK(connect(c, (struct sockaddr *)&bound, len) == 0);
		CHECK(nettest_readable(fd4, NETTEST_WAIT_MS));
		a = accept(fd4, NULL, NULL);
		CHECK(a != -1);
		if (a != -1)
			close(a);
		close(c);
		close(fd4);
	}

	/* Both families at once on one port: v6only keeps them apart. */
	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	fd6 = tcp_listen(&ss);
	CHECK(fd6 != -1);
	len = sizeof(bound);
	CHECK(getsockname(fd6, (struct sockaddr *)&bound, &len) == 0);
	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	sin->sin_port = ((struct sockaddr_in6 *)&bound)->sin6_port;
	fd4 = tcp_listen(&ss);
	CHECK(fd4 != -1);
	if (fd4 != -1)
		close(fd4);
	if (fd6 != -1)
		close(fd6);

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	errno = 0;
	CHECK(tcp_listen(&ss) == -1 && errno == EAFNOSUPPORT);
	return (test_done("tcp-listen"));
}

int
main(int argc, char *argv[])
{
	struct nl	*nl;
	size_t		 i;
	int		 rc;

	log_init(1, LOG_DAEMON);
	log_procinit("nl_test");
	/* netns.sh passes the other namespace too; these cases need one. */
	if (argc < 2) {
		fprintf(stderr, "usage: nl_test case [netns]\n");
		return (2);
	}
	if ((nl = nl_open()) == NULL)
		return (1);
	for (i = 0; i < NELEM(cases); i++) {
		if (strcmp(cases[i].name, argv[1]) == 0) {
			rc = cases[i].fn(nl);
			nl_close(nl);
			return (rc);
		}
	}
	fprintf(stderr, "nl_test: no case %s\n", argv[1]);
	nl_close(nl);
	return (2);
}

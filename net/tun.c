/*
 * tun.c: the session interfaces.  A session's IP traffic goes through a
 * tun device that its child reads and writes; the parent creates it here
 * because TUNSETIFF needs CAP_NET_ADMIN.
 */
#include <sys/ioctl.h>

#include <linux/if_tun.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tun.h"

#define TUN_DEVICE	"/dev/net/tun"

int
tun_create(char *ifname, size_t ifnamelen, const char *tmpl)
{
	struct ifreq	 ifr;
	int		 fd;

	memset(&ifr, 0, sizeof(ifr));
	if (strlcpy(ifr.ifr_name, tmpl, sizeof(ifr.ifr_name)) >=
	    sizeof(ifr.ifr_name) || tmpl[0] == '\0') {
		log_warnx("tun: bad interface name template \"%s\"", tmpl);
		errno = EINVAL;
		return (-1);
	}
	/*
	 * IFF_TUN_EXCL: a template without %d that names an existing
	 * persistent device must fail, not attach us to someone else's.
	 */
	ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL);

	if ((fd = open(TUN_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK)) == -1) {
		log_warn("tun: %s", TUN_DEVICE);
		return (-1);
	}
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		log_warn("tun: TUNSETIFF %s", tmpl);
		close(fd);
		return (-1);
	}
	if (strlcpy(ifname, ifr.ifr_name, ifnamelen) >= ifnamelen) {
		log_warnx("tun: name %.*s does not fit in %zu bytes",
		    IFNAMSIZ, ifr.ifr_name, ifnamelen);
		close(fd);
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (fd);
}

void
tun_destroy(int fd)
{
	if (fd != -1)
		close(fd);
}

/*
 * tun devices for sessions: one IFF_TUN device per session, created by
 * the parent and handed to the session child, gone when the last
 * descriptor is closed.
 */
#ifndef PPPOXD_TUN_H
#define PPPOXD_TUN_H

#include <stddef.h>

/* tun.c */
/*
 * Create a tun device from a name template such as "ppx%d" (the kernel
 * picks the number) and return its descriptor, non-blocking and
 * close-on-exec, with the name the kernel gave in ifname.  IFF_NO_PI:
 * reads and writes are bare IP packets.  -1 after log_warn().
 */
int	tun_create(char *ifname, size_t ifnamelen, const char *tmpl);
/* The device is not persistent: closing its last descriptor removes it. */
void	tun_destroy(int fd);

#endif /* PPPOXD_TUN_H */

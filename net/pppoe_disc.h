/*
 * pppoe_disc.h: the PPPoE discovery process, one per daemon.  It reads
 * the discovery sockets the parent opened and answers PADI, PADR and PADT
 * (RFC 2516 5.1-5.5) as an unprivileged, chrooted process: the frames it
 * parses come from anyone on the segment.
 */
#ifndef PPPOXD_PPPOE_DISC_H
#define PPPOXD_PPPOE_DISC_H

__attribute__((noreturn)) void pppoe_disc_main(const char *user,
    const char *chroot_dir);

#endif /* PPPOXD_PPPOE_DISC_H */

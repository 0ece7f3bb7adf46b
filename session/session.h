/*
 * session.h: a session child, one per connection, unprivileged and
 * sandboxed; it speaks the tunnel protocol and PPP and moves the data.
 *
 * session.c owns the channels (parent, auth), the PPP engine and the tun
 * device; a transport (pptp.c, pppoe.c; l2tp.c later) owns the
 * tunnel's sockets and hands PPP frames in and out.
 */
#ifndef PPPOXD_SESSION_H
#define PPPOXD_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "pppoxd.h"

struct imsg;

/* What session.c needs from the transport under PPP. */
struct transport {
	const char	*name;			/* "pptp", "pppoe" */
	size_t		 overhead;		/* bytes around each frame */
	size_t		 mtu;			/* largest PPP frame it carries;
						   0: 1500 less the overhead */
	int		 flags;			/* PPP_LINK_* */
	void		*arg;
	/* Send one PPP frame to the peer; -1 if it could not. */
	int		(*output)(void *, const uint8_t *, size_t);
	/* The session ends: say goodbye to the peer, as far as we can. */
	void		(*close)(void *, const char *);
};

/* session.c */
__attribute__((noreturn)) void session_main(const char *user,
    const char *chroot_dir);
uint64_t	 session_now(void);
void		 session_link_up(const struct transport *);
void		 session_link_input(const uint8_t *, size_t);
void		 session_link_down(const char *);
void		 session_send_parent(uint32_t, const void *, size_t);
__attribute__((noreturn)) void session_exit(int, const char *);
const struct sess_init *session_init_msg(void);

/* pptp.c */
void		 pptp_start(const struct sess_init *, int conn);
void		 pptp_gre_ready(int fd);

/* pppoe.c */
void		 pppoe_start(const struct sess_init *, int sock);

#endif /* PPPOXD_SESSION_H */

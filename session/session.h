/*
 * session.h: a session child, one per connection, unprivileged and
 * sandboxed; it speaks the tunnel protocol and PPP.
 */
#ifndef PPPOXD_SESSION_H
#define PPPOXD_SESSION_H

/* session.c */
__attribute__((noreturn)) void session_main(const char *user,
    const char *chroot_dir);

#endif /* PPPOXD_SESSION_H */

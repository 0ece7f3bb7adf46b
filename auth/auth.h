/*
 * auth.h: the auth process, the only pppoxd process that ever holds a
 * password or an NT hash.
 */
#ifndef PPPOXD_AUTH_H
#define PPPOXD_AUTH_H

/* auth.c */
__attribute__((noreturn)) void auth_main(const char *user,
    const char *chroot_dir);

#endif /* PPPOXD_AUTH_H */

/*
 * util.h: small helpers every process uses.
 */
#ifndef PPPOXD_UTIL_H
#define PPPOXD_UTIL_H

#include <sys/socket.h>
#include <stddef.h>

/* util.c */
const char	*sockaddr_str(const struct sockaddr_storage *, char *, size_t);
const char	*sockaddr_addr_str(const struct sockaddr_storage *, char *,
		    size_t);

#endif /* PPPOXD_UTIL_H */

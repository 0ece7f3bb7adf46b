/*
 * verify.h: checking one login exchange against the secrets.
 */
#ifndef PPPOXD_VERIFY_H
#define PPPOXD_VERIFY_H

#include "pppoxd.h"
#include "secrets.h"

/* verify.c */
const char	*verify_method_name(int);
const struct secret *verify_lookup(const struct secrets *, const char *,
		    size_t, int);
int		 verify_request(const struct secrets *, int,
		    const struct auth_request *, const uint8_t *, size_t,
		    struct auth_result *, struct auth_verdict *,
		    const char **);

#endif /* PPPOXD_VERIFY_H */

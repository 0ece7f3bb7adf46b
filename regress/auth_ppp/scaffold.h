/*
 * scaffold.h: what the auth_ppp cases share.  A link over the PPP
 * harness (regress/ppp/harness.c) is brought to the Authenticate phase
 * against a hand-played peer, with a fake auth process behind the module
 * that records what it is asked and answers when a case says so.
 */
#ifndef PPPOXD_REGRESS_AUTH_PPP_SCAFFOLD_H
#define PPPOXD_REGRESS_AUTH_PPP_SCAFFOLD_H

#include <stddef.h>
#include <stdint.h>

#include "auth_ppp.h"
#include "harness.h"
#include "pppoxd.h"

/* The fake auth process. */
struct fake_auth {
	int			 chreqs;	/* challenge requests */
	int			 chreq_method;
	int			 requests;
	struct auth_request	 req;		/* the last one */
	int			 dones;
	int			 done_ok;
	char			 done_user[PPP_NAME_MAX];
	int			 done_res;	/* a result came with it */
	struct auth_result	 res;		/* that result */
	/* Answer inside the callbacks, as a synchronous auth would. */
	int			 sync;
	struct auth_challenge	 sync_ch;
	struct auth_result	 sync_res;
};

extern struct h_side		 side;
extern struct auth_ppp		*ap;
extern struct fake_auth		 fa;

/* scaffold.c */
void	 sc_init(int, int, const char *, int);
int	 sc_start(int, int, const char *, int);
int	 sc_lcp_open(void);
void	 sc_free(void);
int	 sc_expect(uint16_t, uint8_t, struct h_cp *, struct h_frame *);
int	 sc_quiet(void);
void	 sc_challenge(const uint8_t *, size_t);
int	 sc_take_challenge(struct h_cp *, struct h_frame *);
void	 sc_result(int, int, const char *);
void	 sc_response(uint8_t, size_t, const char *);
void	 sc_pap(uint8_t, const char *, const char *);
int	 sc_renegotiate(void);
int	 sc_reopen(void);
int	 sc_frame_is(const struct h_frame *, const uint8_t *, size_t,
	    uint8_t);
void	 sc_capture_start(void);
const char *sc_capture_end(void);
int	 sc_logged(const char *, const char *);

#endif /* PPPOXD_REGRESS_AUTH_PPP_SCAFFOLD_H */

/*
 * harness.h: a fake transport for the PPP engine.  Frames a side sends
 * are queued, time is a shared simulated clock, and random numbers come
 * from a seeded generator, so every run is the same.
 */
#ifndef PPPOXD_REGRESS_PPP_HARNESS_H
#define PPPOXD_REGRESS_PPP_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "lcp.h"
#include "ppp.h"

#define H_QUEUE		256	/* frames a side may have queued */
#define H_STEPS		10000	/* bound on every pumping loop */

struct h_frame {
	uint8_t		 buf[PPP_FRAME_MAX];
	size_t		 len;
};

/* A captured frame, parsed as a control packet. */
struct h_cp {
	uint16_t	 proto;
	uint8_t		 code;
	uint8_t		 id;
	uint16_t	 len;		/* the Length field */
	const uint8_t	*data;		/* Length - 4 octets */
	size_t		 datalen;
	int		 addrctl;	/* had FF 03 */
};

struct h_side {
	struct ppp	*ppp;
	struct h_frame	 out[H_QUEUE];
	int		 nout;
	int		 dropped;	/* frames lost to a full queue */
	int64_t		 deadline;	/* absolute ms, -1: none */
	int		 finished;
	char		 reason[128];
	uint32_t	 seed;
	int		 loopback;	/* output goes back to our input */
	int		 mute;		/* output is lost */
};

extern uint64_t	 h_clock;

/* harness.c */
void		 h_init(struct h_side *, uint32_t, const struct ppp_params *,
		    size_t, int);
void		 h_free(struct h_side *);
void		 h_conf(struct ppp_params *);
int		 h_pop(struct h_side *, struct h_frame *);
void		 h_clear(struct h_side *);
int		 h_parse(const struct h_frame *, struct h_cp *);
int		 h_pop_cp(struct h_side *, struct h_cp *, struct h_frame *);
void		 h_inject(struct h_side *, const uint8_t *, size_t);
void		 h_inject_cp(struct h_side *, uint16_t, uint8_t, uint8_t,
		    const uint8_t *, size_t);
int		 h_pump(struct h_side *, struct h_side *);
void		 h_run_for(struct h_side *, struct h_side *, uint64_t);
void		 h_advance(struct h_side *);
int		 h_has_option(const struct h_cp *, const uint8_t *, size_t);

#endif /* PPPOXD_REGRESS_PPP_HARNESS_H */

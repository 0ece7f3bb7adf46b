/*
 * fz_link: the fake transport the PPP fuzz targets run a struct ppp
 * over.  A simulated clock with one timer, a reproducible random
 * sequence, and an output that aborts unless every frame the engine
 * sends is well formed: Address and Control only as the link's framing
 * allows, a Protocol field, an information field within the peer's MRU.
 * The target's own checks of a frame follow through check.
 *
 * Not a fuzz target itself: the name keeps it out of fuzz_*.c, which
 * fuzz/Makefile and regress/fuzz take as the list of targets.
 */
#ifndef PPPOXD_FZ_LINK_H
#define PPPOXD_FZ_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "ppp.h"
#include "wire.h"

struct fz_link {
	struct ppp	*ppp;		/* the target sets it from ppp_new() */
	uint64_t	 now;		/* simulated, in ms */
	int64_t		 deadline;	/* absolute, -1: none */
	uint32_t	 seed;
	int		 flags;		/* PPP_LINK_* */
	int		 finished;	/* finished() calls */
	/*
	 * The target's checks of a frame sent, once the common ones
	 * passed: arg, the protocol, the whole frame and a reader at the
	 * information field.  NULL: none.
	 */
	void		(*check)(void *, uint16_t, const uint8_t *,
			    struct wire_reader *);
	void		*arg;
};

void	 fz_link_init(struct fz_link *, struct ppp_link *, int, uint32_t,
	    void (*)(void *, uint16_t, const uint8_t *, struct wire_reader *),
	    void *);
void	 fz_link_fire(struct fz_link *);

#endif /* PPPOXD_FZ_LINK_H */

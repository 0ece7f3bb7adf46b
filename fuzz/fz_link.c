/*
 * fz_link.c: the fake PPP transport shared by the fuzz targets (see
 * fz_link.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fz_link.h"
#include "ppp.h"
#include "wire.h"

static int	 fz_link_output(void *, const uint8_t *, size_t);
static uint64_t	 fz_link_now(void *);
static void	 fz_link_set_timer(void *, int64_t);
static void	 fz_link_finished(void *, const char *);
static uint32_t	 fz_link_random(void *);

/*
 * A link at a fixed start time, with PPPoE framing (no Address and
 * Control, no ACCM, a 1492-octet MTU) if pppoe, random numbers from
 * seed and check(arg, ...) on every frame sent; link is filled in for
 * ppp_new().
 */
void
fz_link_init(struct fz_link *fl, struct ppp_link *link, int pppoe,
    uint32_t seed, void (*check)(void *, uint16_t, const uint8_t *,
    struct wire_reader *), void *arg)
{
	memset(fl, 0, sizeof(*fl));
	fl->now = 1000000;
	fl->deadline = -1;
	fl->seed = seed;
	fl->flags = pppoe ? PPP_LINK_NO_ADDRCTL | PPP_LINK_NO_ACCM : 0;
	fl->check = check;
	fl->arg = arg;

	memset(link, 0, sizeof(*link));
	link->name = "fuzz";
	link->mtu = pppoe ? 1492 : 1500;
	link->flags = fl->flags;
	link->arg = fl;
	link->output = fz_link_output;
	link->now = fz_link_now;
	link->set_timer = fz_link_set_timer;
	link->finished = fz_link_finished;
	link->random = fz_link_random;
}

/* Let the earliest timer fire, moving the clock to it. */
void
fz_link_fire(struct fz_link *fl)
{
	if (fl->deadline < 0)
		return;
	if ((uint64_t)fl->deadline > fl->now)
		fl->now = fl->deadline;
	fl->deadline = -1;
	ppp_timeout(fl->ppp);
}

static int
fz_link_output(void *arg, const uint8_t *frame, size_t len)
{
	struct fz_link		*fl = arg;
	struct wire_reader	 r;
	uint8_t			 b0, b1;
	uint16_t		 proto;

	if (len < 1 || len > PPP_FRAME_MAX)
		abort();
	wire_reader_init(&r, frame, len);
	if (wire_peek_u8(&r, &b0) == 0 && b0 == PPP_ALLSTATIONS) {
		if (fl->flags & PPP_LINK_NO_ADDRCTL)
			abort();
		if (wire_get_u8(&r, &b0) == -1 || wire_get_u8(&r, &b1) == -1 ||
		    b1 != PPP_UI)
			abort();
	}
	if (wire_get_u8(&r, &b0) == -1)
		abort();
	proto = b0;
	if ((b0 & 1) == 0) {
		if (wire_get_u8(&r, &b1) == -1)
			abort();
		proto = (b0 << 8) | b1;
	}
	if (wire_left(&r) > ppp_peer_mru(fl->ppp))
		abort();
	if (fl->check != NULL)
		fl->check(fl->arg, proto, frame, &r);
	return (0);
}

static uint64_t
fz_link_now(void *arg)
{
	return (((struct fz_link *)arg)->now);
}

static void
fz_link_set_timer(void *arg, int64_t ms)
{
	struct fz_link	*fl = arg;

	fl->deadline = ms < 0 ? -1 : (int64_t)(fl->now + ms);
}

static void
fz_link_finished(void *arg, const char *reason)
{
	(void)reason;
	((struct fz_link *)arg)->finished++;
}

/* A fixed LCG: the same input always takes the same path. */
static uint32_t
fz_link_random(void *arg)
{
	struct fz_link	*fl = arg;

	fl->seed = fl->seed * 1103515245u + 12345u;
	return (fl->seed);
}

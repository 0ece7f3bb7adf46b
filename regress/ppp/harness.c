/*
 * harness.c: the fake transport of the PPP unit tests (see harness.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "log.h"

uint64_t	 h_clock = 1000000;

static int	 h_output(void *, const uint8_t *, size_t);
static uint64_t	 h_now(void *);
static void	 h_set_timer(void *, int64_t);
static void	 h_finished(void *, const char *);
static uint32_t	 h_random(void *);

/* Settings most cases use: no keepalive unless a case turns it on. */
void
h_conf(struct ppp_params *c)
{
	ppp_params_default(c);
	c->echo_interval = 0;
}

void
h_init(struct h_side *s, uint32_t id, const struct ppp_params *conf,
    size_t mtu, int flags)
{
	struct ppp_link	 link;

	memset(s, 0, sizeof(*s));
	s->deadline = -1;
	s->seed = 0x9e3779b9u * (id + 1);
	memset(&link, 0, sizeof(link));
	link.name = "test";
	link.mtu = mtu;
	link.flags = flags;
	link.arg = s;
	link.output = h_output;
	link.now = h_now;
	link.set_timer = h_set_timer;
	link.finished = h_finished;
	link.random = h_random;
	if ((s->ppp = ppp_new(id, conf, &link)) == NULL) {
		fprintf(stderr, "ppp_new failed\n");
		exit(2);
	}
}

void
h_free(struct h_side *s)
{
	ppp_free(s->ppp);
	s->ppp = NULL;
}

static int
h_output(void *arg, const uint8_t *frame, size_t len)
{
	struct h_side	*s = arg;

	if (s->mute)
		return (0);
	if (s->nout >= H_QUEUE || len > PPP_FRAME_MAX) {
		s->dropped++;
		return (-1);
	}
	memcpy(s->out[s->nout].buf, frame, len);
	s->out[s->nout].len = len;
	s->nout++;
	return (0);
}

static uint64_t
h_now(void *arg)
{
	(void)arg;
	return (h_clock);
}

static void
h_set_timer(void *arg, int64_t ms)
{
	struct h_side	*s = arg;

	s->deadline = ms < 0 ? -1 : (int64_t)h_clock + ms;
}

static void
h_finished(void *arg, const char *reason)
{
	struct h_side	*s = arg;

	s->finished++;
	strlcpy(s->reason, reason, sizeof(s->reason));
}

/* xorshift32: deterministic, never zero. */
static uint32_t
h_random(void *arg)
{
	struct h_side	*s = arg;
	uint32_t	 x = s->seed;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->seed = x;
	return (x);
}

/* Take the oldest frame a side sent. */
int
h_pop(struct h_side *s, struct h_frame *f)
{
	if (s->nout == 0)
		return (-1);
	*f = s->out[0];
	memmove(&s->out[0], &s->out[1], (s->nout - 1) * sizeof(s->out[0]));
	s->nout--;
	return (0);
}

void
h_clear(struct h_side *s)
{
	s->nout = 0;
}

/* Parse a captured frame as a control packet; -1 if it is not one. */
int
h_parse(const struct h_frame *f, struct h_cp *cp)
{
	size_t	 off = 0;

	memset(cp, 0, sizeof(*cp));
	if (f->len >= 2 && f->buf[0] == 0xff && f->buf[1] == 0x03) {
		cp->addrctl = 1;
		off = 2;
	}
	if (f->len < off + 6)
		return (-1);
	cp->proto = (f->buf[off] << 8) | f->buf[off + 1];
	cp->code = f->buf[off + 2];
	cp->id = f->buf[off + 3];
	cp->len = (f->buf[off + 4] << 8) | f->buf[off + 5];
	if (cp->len < 4 || off + 2 + cp->len != f->len)
		return (-1);
	cp->data = f->buf + off + 6;
	cp->datalen = cp->len - 4;
	return (0);
}

/* Pop the next frame and parse it; the frame keeps the data alive. */
int
h_pop_cp(struct h_side *s, struct h_cp *cp, struct h_frame *f)
{
	if (h_pop(s, f) == -1)
		return (-1);
	return (h_parse(f, cp));
}

void
h_inject(struct h_side *s, const uint8_t *frame, size_t len)
{
	ppp_input(s->ppp, frame, len);
}

/* Hand a side a control packet as the peer would send it. */
void
h_inject_cp(struct h_side *s, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len)
{
	uint8_t	 buf[PPP_FRAME_MAX + 64];
	size_t	 n = 0;

	buf[n++] = 0xff;
	buf[n++] = 0x03;
	buf[n++] = proto >> 8;
	buf[n++] = proto & 0xff;
	buf[n++] = code;
	buf[n++] = id;
	buf[n++] = (len + 4) >> 8;
	buf[n++] = (len + 4) & 0xff;
	if (len > sizeof(buf) - n) {
		fprintf(stderr, "h_inject_cp: packet too large\n");
		exit(2);
	}
	if (len > 0)
		memcpy(buf + n, data, len);
	ppp_input(s->ppp, buf, n + len);
}

/*
 * Deliver queued frames between two sides (b may be NULL: a's frames are
 * then lost unless a loops back) until none are left.  Returns the number
 * of frames moved.
 */
int
h_pump(struct h_side *a, struct h_side *b)
{
	struct h_frame	 f;
	int		 moved = 0, steps;

	for (steps = 0; steps < H_STEPS; steps++) {
		if (a->nout > 0) {
			h_pop(a, &f);
			if (a->loopback)
				ppp_input(a->ppp, f.buf, f.len);
			else if (b != NULL && b->ppp != NULL)
				ppp_input(b->ppp, f.buf, f.len);
		} else if (b != NULL && b->nout > 0) {
			h_pop(b, &f);
			if (b->loopback)
				ppp_input(b->ppp, f.buf, f.len);
			else if (a->ppp != NULL)
				ppp_input(a->ppp, f.buf, f.len);
		} else
			break;
		moved++;
	}
	return (moved);
}

/* Fire a single side's timer once, whatever the other side does. */
void
h_advance(struct h_side *s)
{
	if (s->deadline < 0)
		return;
	if ((uint64_t)s->deadline > h_clock)
		h_clock = s->deadline;
	s->deadline = -1;
	ppp_timeout(s->ppp);
}

/* Pump and fire timers until ms of simulated time have passed. */
void
h_run_for(struct h_side *a, struct h_side *b, uint64_t ms)
{
	uint64_t	 end = h_clock + ms;
	struct h_side	*next;
	int		 steps;

	for (steps = 0; steps < H_STEPS; steps++) {
		h_pump(a, b);
		next = NULL;
		if (a->deadline >= 0 && (uint64_t)a->deadline <= end)
			next = a;
		if (b != NULL && b->deadline >= 0 &&
		    (uint64_t)b->deadline <= end &&
		    (next == NULL || b->deadline < next->deadline))
			next = b;
		if (next == NULL)
			break;
		h_advance(next);
	}
	h_pump(a, b);
	if (h_clock < end)
		h_clock = end;
}

/* Does the option list of a control packet hold these exact octets? */
int
h_has_option(const struct h_cp *cp, const uint8_t *opt, size_t len)
{
	size_t	 off = 0;

	while (off + 2 <= cp->datalen && cp->data[off + 1] >= 2 &&
	    off + cp->data[off + 1] <= cp->datalen) {
		if (cp->data[off + 1] == len &&
		    memcmp(cp->data + off, opt, len) == 0)
			return (1);
		off += cp->data[off + 1];
	}
	return (0);
}

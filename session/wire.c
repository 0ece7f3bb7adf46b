/*
 * wire.c: bounds-checked packet reader and writer (see wire.h).  All
 * multi-octet integers on the wire are big-endian.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire.h"

void
wire_reader_init(struct wire_reader *r, const void *buf, size_t len)
{
	r->p = buf;
	r->len = buf == NULL ? 0 : len;
	r->error = 0;
}

/*
 * Consume n octets and return where they started, or NULL (and the sticky
 * error) when fewer than n are left.
 */
static const uint8_t *
wire_take(struct wire_reader *r, size_t n)
{
	const uint8_t	*start;

	if (r->error || n > r->len) {
		r->error = 1;
		return (NULL);
	}
	start = r->p;
	r->p += n;
	r->len -= n;
	return (start);
}

int
wire_get_u8(struct wire_reader *r, uint8_t *v)
{
	const uint8_t	*b;

	if ((b = wire_take(r, 1)) == NULL)
		return (-1);
	*v = b[0];
	return (0);
}

int
wire_get_u16(struct wire_reader *r, uint16_t *v)
{
	const uint8_t	*b;

	if ((b = wire_take(r, 2)) == NULL)
		return (-1);
	*v = (uint16_t)((b[0] << 8) | b[1]);
	return (0);
}

int
wire_get_u32(struct wire_reader *r, uint32_t *v)
{
	const uint8_t	*b;

	if ((b = wire_take(r, 4)) == NULL)
		return (-1);
	*v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | (uint32_t)b[3];
	return (0);
}

int
wire_get_bytes(struct wire_reader *r, void *dst, size_t n)
{
	const uint8_t	*b;

	if ((b = wire_take(r, n)) == NULL)
		return (-1);
	if (n > 0)
		memcpy(dst, b, n);
	return (0);
}

/* Borrow n octets in place; the pointer lives as long as the packet. */
int
wire_get_ref(struct wire_reader *r, const uint8_t **ref, size_t n)
{
	const uint8_t	*b;

	if ((b = wire_take(r, n)) == NULL)
		return (-1);
	*ref = b;
	return (0);
}

/* Carve the next n octets off as a reader of their own. */
int
wire_get_sub(struct wire_reader *r, struct wire_reader *sub, size_t n)
{
	const uint8_t	*b;

	if ((b = wire_take(r, n)) == NULL) {
		wire_reader_init(sub, NULL, 0);
		sub->error = 1;
		return (-1);
	}
	wire_reader_init(sub, b, n);
	return (0);
}

int
wire_peek_u8(const struct wire_reader *r, uint8_t *v)
{
	if (r->error || r->len < 1)
		return (-1);
	*v = r->p[0];
	return (0);
}

int
wire_skip(struct wire_reader *r, size_t n)
{
	return (wire_take(r, n) == NULL ? -1 : 0);
}

size_t
wire_left(const struct wire_reader *r)
{
	return (r->error ? 0 : r->len);
}

/* 1 if what is left in the reader is exactly these n octets. */
int
wire_equal(const struct wire_reader *r, const void *buf, size_t n)
{
	if (r->error || r->len != n)
		return (0);
	return (n == 0 || memcmp(r->p, buf, n) == 0);
}

/*
 * Keep only the first n octets: what a Length field says when the frame
 * carries padding after the packet.  Asking for more than is there is an
 * over-read like any other.
 */
void
wire_truncate(struct wire_reader *r, size_t n)
{
	if (r->error || n > r->len) {
		r->error = 1;
		return;
	}
	r->len = n;
}

void
wire_writer_init(struct wire_writer *w, void *buf, size_t cap)
{
	w->p = buf;
	w->cap = buf == NULL ? 0 : cap;
	w->len = 0;
	w->error = 0;
}

/* Reserve n octets at the end, or NULL (and the sticky error). */
static uint8_t *
wire_grow(struct wire_writer *w, size_t n)
{
	uint8_t	*start;

	if (w->error || n > w->cap - w->len) {
		w->error = 1;
		return (NULL);
	}
	start = w->p + w->len;
	w->len += n;
	return (start);
}

int
wire_put_u8(struct wire_writer *w, uint8_t v)
{
	uint8_t	*b;

	if ((b = wire_grow(w, 1)) == NULL)
		return (-1);
	b[0] = v;
	return (0);
}

int
wire_put_u16(struct wire_writer *w, uint16_t v)
{
	uint8_t	*b;

	if ((b = wire_grow(w, 2)) == NULL)
		return (-1);
	b[0] = v >> 8;
	b[1] = v & 0xff;
	return (0);
}

int
wire_put_u32(struct wire_writer *w, uint32_t v)
{
	uint8_t	*b;

	if ((b = wire_grow(w, 4)) == NULL)
		return (-1);
	b[0] = v >> 24;
	b[1] = (v >> 16) & 0xff;
	b[2] = (v >> 8) & 0xff;
	b[3] = v & 0xff;
	return (0);
}

int
wire_put_bytes(struct wire_writer *w, const void *src, size_t n)
{
	uint8_t	*b;

	if ((b = wire_grow(w, n)) == NULL)
		return (-1);
	if (n > 0)
		memmove(b, src, n);
	return (0);
}

/* Append what is left in a reader, without consuming it. */
int
wire_put_reader(struct wire_writer *w, const struct wire_reader *r)
{
	if (r->error) {
		w->error = 1;
		return (-1);
	}
	return (wire_put_bytes(w, r->p, r->len));
}

/* Fill in an 8-bit field written earlier, such as an option Length. */
int
wire_set_u8(struct wire_writer *w, size_t off, uint8_t v)
{
	if (w->error || off >= w->len) {
		w->error = 1;
		return (-1);
	}
	w->p[off] = v;
	return (0);
}

/* Fill in a 16-bit field written earlier, such as a Length. */
int
wire_set_u16(struct wire_writer *w, size_t off, uint16_t v)
{
	if (w->error || off > w->len || w->len - off < 2) {
		w->error = 1;
		return (-1);
	}
	w->p[off] = v >> 8;
	w->p[off + 1] = v & 0xff;
	return (0);
}

size_t
wire_room(const struct wire_writer *w)
{
	return (w->error ? 0 : w->cap - w->len);
}

/*
 * Forget everything after the first len octets, for instance an option
 * that did not fit.  Clears the error: the shorter buffer is valid.
 */
void
wire_rewind(struct wire_writer *w, size_t len)
{
	if (len <= w->len) {
		w->len = len;
		w->error = 0;
	}
}

/*
 * Copy peer-supplied text into dst for a log line: printable ASCII as is,
 * anything else as \ooo, always NUL-terminated, truncated to fit.
 */
void
wire_printable(char *dst, size_t dstsz, const struct wire_reader *r)
{
	static const char	 digits[] = "01234567";
	size_t			 i, o, n;
	uint8_t			 c;

	if (dstsz == 0)
		return;
	n = wire_left(r);
	for (i = 0, o = 0; i < n; i++) {
		c = r->p[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (dstsz - o < 2)
				break;
			dst[o++] = c;
		} else {
			if (dstsz - o < 5)
				break;
			dst[o++] = '\\';
			dst[o++] = digits[(c >> 6) & 7];
			dst[o++] = digits[(c >> 3) & 7];
			dst[o++] = digits[c & 7];
		}
	}
	dst[o] = '\0';
}

/*
 * mppe.c: the MPPE data transform (see mppe.h).  The key schedule is
 * auth/mppe_keys.c's (the same binary); RC4 is auth/crypto.c's stream,
 * one per direction, re-keyed whenever the protocol says the tables are
 * initialised.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "chap.h"
#include "mppe.h"
#include "wire.h"

static size_t	 mppe_bits_keylen(int);
static int	 mppe_next_key(struct mppe_dir *);
static int	 mppe_rc4_reset(struct mppe_dir *);
static enum mppe_rx mppe_bogus(struct mppe_dir *, int, const char *,
		    const char **);
static unsigned int mppe_flags_between(uint16_t, unsigned int);

static size_t
mppe_bits_keylen(int bits)
{
	switch (bits) {
	case 40:
	case 56:
		return (8);
	case 128:
		return (MPPE_KEY_MAX);
	}
	return (0);
}

/*
 * Start a direction: the first session key from the start key (only its
 * first 8 octets for 40 and 56 bits) and an RC4 state keyed with it.
 * The coherency count starts at 0xFFF, so that the first packet is 0.
 */
int
mppe_init(struct mppe_dir *d, const uint8_t *start, int bits, int stateless)
{
	memset(d, 0, sizeof(*d));
	if ((d->keylen = mppe_bits_keylen(bits)) == 0)
		return (-1);
	d->bits = bits;
	d->stateless = stateless != 0;
	memcpy(d->start, start, d->keylen);
	d->ccount = MPPE_CCOUNT_MASK;
	if (mppe_initial_session_key(d->start, d->keylen, bits, d->key) == -1 ||
	    (d->rc4 = crypto_rc4_new()) == NULL ||
	    mppe_rc4_reset(d) == -1) {
		mppe_clear(d);
		return (-1);
	}
	return (0);
}

void
mppe_clear(struct mppe_dir *d)
{
	crypto_rc4_free(d->rc4);
	explicit_bzero(d, sizeof(*d));
}

/* Change the session key (RFC 3078 7.3) and key the RC4 state with it. */
static int
mppe_next_key(struct mppe_dir *d)
{
	if (mppe_rekey(d->start, d->key, d->keylen, d->bits) == -1)
		return (-1);
	d->rekeys++;
	return (mppe_rc4_reset(d));
}

/* Initialise the RC4 tables with the current session key. */
static int
mppe_rc4_reset(struct mppe_dir *d)
{
	return (crypto_rc4_setkey(d->rc4, d->key, d->keylen));
}

/*
 * Encrypt one datagram into out: the MPPE header, then the protocol
 * field (always 2 octets) and the data, encrypted.  *outlen is
 * MPPE_PAD + len.  -1 if out is too small or the crypto failed; the
 * coherency count has then moved on all the same, which the peer sees
 * as a lost packet.
 */
int
mppe_encrypt(struct mppe_dir *d, uint16_t proto, const uint8_t *data,
    size_t len, uint8_t *out, size_t outcap, size_t *outlen)
{
	struct wire_writer	 w;
	uint16_t		 cc;
	int			 flushed = 0;

	if (d->rc4 == NULL || len > outcap || outcap - len < MPPE_PAD)
		return (-1);
	cc = (d->ccount + 1) & MPPE_CCOUNT_MASK;
	d->ccount = cc;
	if (d->stateless) {
		if (mppe_next_key(d) == -1)
			return (-1);
		flushed = 1;
		d->flush = 0;
	} else {
		/* A flag packet changes the key; a Reset-Request only asks
		 * for fresh tables with the same key. */
		if ((cc & 0xff) == 0xff) {
			if (mppe_next_key(d) == -1)
				return (-1);
			flushed = 1;
		} else if (d->flush) {
			if (mppe_rc4_reset(d) == -1)
				return (-1);
			flushed = 1;
		}
		d->flush = 0;
	}
	wire_writer_init(&w, out, outcap);
	wire_put_u16(&w, cc | ((MPPE_BIT_D | (flushed ? MPPE_BIT_A : 0)) << 8));
	wire_put_u16(&w, proto);
	wire_put_bytes(&w, data, len);
	if (w.error ||
	    crypto_rc4(d->rc4, &out[MPPE_HDRLEN], &out[MPPE_HDRLEN],
	    w.len - MPPE_HDRLEN) == -1)
		return (-1);
	d->packets++;
	*outlen = w.len;
	return (0);
}

/* The peer sent a CCP Reset-Request: A on our next packet, once. */
void
mppe_flush(struct mppe_dir *d)
{
	d->flush = 1;
}

/*
 * Score a bogus packet the way Linux does (+100 for a header that
 * cannot be right, +1 for a late one; a good packet halves the score),
 * so that a few corrupted packets are dropped and a peer that sends
 * nothing else ends the link.
 */
static enum mppe_rx
mppe_bogus(struct mppe_dir *d, int score, const char *reason,
    const char **why)
{
	*why = reason;
	if (d->sanity < MPPE_SANITY_MAX)
		d->sanity += score;
	return (d->sanity >= MPPE_SANITY_MAX ? MPPE_RX_FATAL : MPPE_RX_DROP);
}

/*
 * How many flag packets (count ending in 0xFF) lie after `last' up to
 * and including last + n: the key changes the receiver has to catch up
 * on.  The count space is a multiple of 256, so unwrapped arithmetic
 * gives the same answer.
 */
static unsigned int
mppe_flags_between(uint16_t last, unsigned int n)
{
	return (((last + n + 1) >> 8) - ((last + 1) >> 8));
}

/*
 * Decrypt one Compressed Datagram's information field into out.  On
 * MPPE_RX_OK, out holds *outlen octets: the protocol field (1 or 2
 * octets) and the data.  Otherwise *why says why it was dropped.
 */
enum mppe_rx
mppe_decrypt(struct mppe_dir *d, const uint8_t *in, size_t len,
    uint8_t *out, size_t outcap, size_t *outlen, const char **why)
{
	struct wire_reader	 r;
	const uint8_t		*body;
	uint16_t		 hdr, cc;
	unsigned int		 n, i, step;
	int			 bits, flushed;

	*why = NULL;
	wire_reader_init(&r, in, len);
	if (d->rc4 == NULL) {
		*why = "MPPE is not running";
		return (MPPE_RX_DROP);
	}
	/* A protocol field of at least one octet must follow. */
	if (wire_get_u16(&r, &hdr) == -1 || wire_left(&r) < 1) {
		*why = "shorter than an MPPE header and a protocol field";
		return (MPPE_RX_DROP);
	}
	if (wire_left(&r) > outcap) {
		*why = "longer than the receive buffer";
		return (MPPE_RX_DROP);
	}
	bits = (hdr >> 8) & MPPE_BITS_MASK;
	cc = hdr & MPPE_CCOUNT_MASK;
	flushed = (bits & MPPE_BIT_A) != 0;
	if (!(bits & MPPE_BIT_D))
		return (mppe_bogus(d, 100, "D (encrypted) bit clear", why));
	if (bits & MPPE_BIT_C)
		return (mppe_bogus(d, 100, "C (MPPC compressed) bit set, but "
		    "MPPC was not negotiated", why));
	if (d->stateless && !flushed)
		return (mppe_bogus(d, 100, "A (flushed) bit clear in "
		    "stateless mode", why));
	if (!d->stateless && (cc & 0xff) == 0xff && !flushed)
		return (mppe_bogus(d, 100, "A (flushed) bit clear on a flag "
		    "packet", why));

	step = (cc - d->ccount) & MPPE_CCOUNT_MASK;
	if (d->stateless) {
		if (step == 0)
			return (mppe_bogus(d, 1, "repeated coherency count",
			    why));
		if (step > MPPE_CCOUNT_SPACE / 2)
			return (mppe_bogus(d, 1, "late packet (coherency "
			    "count behind)", why));
		/* One key per count, the lost packets' included. */
		for (i = 0; i < step; i++)
			if (mppe_rekey(d->start, d->key, d->keylen,
			    d->bits) == -1) {
				*why = "rekey failed";
				return (MPPE_RX_DROP);
			}
		d->rekeys += step;
		if (mppe_rc4_reset(d) == -1) {
			*why = "RC4 failed";
			return (MPPE_RX_DROP);
		}
	} else {
		/*
		 * A flushed packet resynchronises at once, lost packets
		 * or not (as FreeBSD ng_mppc; Linux first waits for the
		 * next one), unless it is older than the last one.
		 */
		if (flushed && step != 0 && step <= MPPE_CCOUNT_SPACE / 2)
			d->discard = 0;
		else if (flushed && !d->discard)
			return (mppe_bogus(d, 1, "late or repeated flushed "
			    "packet", why));
		else if (d->discard) {
			*why = "waiting for a flushed packet after losing "
			    "packets";
			return (MPPE_RX_RESET);
		} else if (step != 1) {
			d->discard = 1;
			*why = "coherency count gap: packets lost";
			return (MPPE_RX_RESET);
		}
		/* The key changes we missed, and this packet's own. */
		n = mppe_flags_between(d->ccount, step);
		for (i = 0; i < n; i++)
			if (mppe_rekey(d->start, d->key, d->keylen,
			    d->bits) == -1) {
				*why = "rekey failed";
				return (MPPE_RX_DROP);
			}
		d->rekeys += n;
		if (flushed && mppe_rc4_reset(d) == -1) {
			*why = "RC4 failed";
			return (MPPE_RX_DROP);
		}
	}
	d->ccount = cc;

	n = wire_left(&r);
	if (wire_get_ref(&r, &body, n) == -1 ||
	    crypto_rc4(d->rc4, body, out, n) == -1) {
		*why = "RC4 failed";
		return (MPPE_RX_DROP);
	}
	d->sanity >>= 1;
	d->packets++;
	*outlen = n;
	return (MPPE_RX_OK);
}

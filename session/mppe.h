/*
 * mppe.h: the MPPE data transform (RFC 3078 sections 3, 7 and 8, keys
 * from RFC 3079), one struct mppe_dir per direction of a link.  It knows
 * nothing of CCP or of the link: ccp.c negotiates, then calls
 * mppe_encrypt() for every datagram it sends and mppe_decrypt() for
 * every Compressed Datagram (protocol 0x00FD) it receives.
 *
 * A packet is a 2-octet header, bits A B C D and a 12-bit coherency
 * count, then the RC4-encrypted protocol field and information field:
 *
 *	A (0x80) flushed: the RC4 state was (re)initialised for it
 *	B (0x40), C (0x20) MPPC compression only; C set is refused
 *	D (0x10) encrypted: always set
 *
 * The protocol field inside is sent as 2 octets, as Linux ppp_mppe does
 * (its transmit path never applies PFC to the inner field); a received
 * one of 1 octet (PFC, low bit set) is accepted by the caller, again as
 * Linux does.
 *
 * Keys: the start keys are the 16-octet MasterSendKey/MasterReceiveKey
 * of RFC 3079; 40- and 56-bit MPPE use their first 8 octets, as Linux
 * and pppd do.  The first session key is GetNewKeyFromSHA(start, start)
 * reduced, without the RC4 step; every later one comes from
 * mppe_rekey() in auth/mppe_keys.c (RFC 3078 7.3 as Linux implements
 * it).
 *
 * Stateless mode (H bit): the key changes before every packet, the
 * first included, and every packet carries A.  A receiver rekeys once
 * per coherency count step, so lost packets cost nothing; a packet more
 * than half the count space ahead is taken for a late one and dropped,
 * as Linux does since it discards late packets.
 *
 * Stateful mode: the RC4 state runs on from packet to packet; the key
 * changes on the "flag" packets whose count ends in 0xFF, which carry A.
 * A receiver that sees a gap drops everything until a packet with A
 * arrives, and asks for one with a CCP Reset-Request (MPPE_RX_RESET);
 * a packet with A right after a gap resynchronises at once (FreeBSD
 * ng_mppc; Linux waits for the next one).
 * The sender answers by setting A on its next packet and re-keying its
 * RC4 state with the current session key; it does not change the key
 * (RFC 3078 8.2, FreeBSD ng_mppc and OpenBSD npppd/pipex: Linux instead
 * changes the key there, which a Linux peer in stateful mode would need).
 * The receiver then changes its key once per flag packet it missed.
 */
#ifndef PPPOXD_MPPE_H
#define PPPOXD_MPPE_H

#include <stddef.h>
#include <stdint.h>

#include "chap.h"

#define MPPE_HDRLEN		2
#define MPPE_PAD		4	/* growth of a datagram: header and
					 * protocol field (pppd MPPE_PAD) */
#define MPPE_BIT_A		0x80	/* flushed */
#define MPPE_BIT_B		0x40	/* MPPC: history restarted */
#define MPPE_BIT_C		0x20	/* MPPC: compressed */
#define MPPE_BIT_D		0x10	/* encrypted */
#define MPPE_BITS_MASK		0xf0
#define MPPE_CCOUNT_MASK	0x0fff
#define MPPE_CCOUNT_SPACE	0x1000
#define MPPE_SANITY_MAX		1600	/* Linux SANITY_MAX: bogus packets
					 * a peer may send before we give up */

/* What mppe_decrypt() made of a packet. */
enum mppe_rx {
	MPPE_RX_OK,		/* decrypted */
	MPPE_RX_DROP,		/* dropped; the reason says why */
	MPPE_RX_RESET,		/* dropped, stateful sync lost: send a CCP
				 * Reset-Request (or repeat it later) */
	MPPE_RX_FATAL		/* dropped, too many bogus packets: the
				 * link should end */
};

struct crypto_rc4;

/* One direction. */
struct mppe_dir {
	struct crypto_rc4	*rc4;
	int			 bits;		/* 40, 56 or 128 */
	size_t			 keylen;	/* 8 or 16 */
	int			 stateless;
	uint8_t			 start[MPPE_KEY_MAX];
	uint8_t			 key[MPPE_KEY_MAX];	/* session key */
	uint16_t		 ccount;	/* of the last packet sent or
						 * accepted; 0xFFF at first */
	int			 flush;		/* send: A on the next packet */
	int			 discard;	/* receive: sync lost */
	int			 sanity;	/* receive: bogus score */
	uint64_t		 packets;
	uint64_t		 rekeys;
};

/* mppe.c */
int		 mppe_init(struct mppe_dir *, const uint8_t *, int, int);
void		 mppe_clear(struct mppe_dir *);
int		 mppe_encrypt(struct mppe_dir *, uint16_t, const uint8_t *,
		    size_t, uint8_t *, size_t, size_t *);
void		 mppe_flush(struct mppe_dir *);
enum mppe_rx	 mppe_decrypt(struct mppe_dir *, const uint8_t *, size_t,
		    uint8_t *, size_t, size_t *, const char **);

#endif /* PPPOXD_MPPE_H */

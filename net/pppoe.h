/*
 * pppoe.h: PPPoE frames (RFC 2516, RFC 4638).  Parsing and building of
 * discovery frames, the AC-Cookie, and the constants the session stage
 * shares.  Nothing here does I/O: the discovery process (pppoe_disc.c)
 * and the session child (session/pppoe.c) own the sockets.
 */
#ifndef PPPOXD_PPPOE_H
#define PPPOXD_PPPOE_H

#include <stddef.h>
#include <stdint.h>

#define ETH_ALEN_PPPOE		6
#define PPPOE_ETH_HDR		14	/* dst, src, ethertype */
#define PPPOE_HDR		6	/* VER/TYPE, CODE, SESSION_ID, LENGTH */
#define PPPOE_OVERHEAD		(PPPOE_HDR + 2)	/* and the PPP protocol */
#define PPPOE_VERTYPE		0x11
#define PPPOE_MTU		1492	/* RFC 2516: 1500 - 8 */
#define PPPOE_FRAME_MAX		(PPPOE_ETH_HDR + 9000)	/* jumbo, RFC 4638 */

/* CODE */
#define PPPOE_CODE_SESSION	0x00
#define PPPOE_CODE_PADO		0x07
#define PPPOE_CODE_PADI		0x09
#define PPPOE_CODE_PADR		0x19
#define PPPOE_CODE_PADS		0x65
#define PPPOE_CODE_PADT		0xa7

/* TAG_TYPE */
#define PPPOE_TAG_END		0x0000
#define PPPOE_TAG_SERVICE	0x0101
#define PPPOE_TAG_AC_NAME	0x0102
#define PPPOE_TAG_HOST_UNIQ	0x0103
#define PPPOE_TAG_COOKIE	0x0104
#define PPPOE_TAG_VENDOR	0x0105
#define PPPOE_TAG_RELAY_ID	0x0110
#define PPPOE_TAG_MAX_PAYLOAD	0x0120
#define PPPOE_TAG_SERVICE_ERR	0x0201
#define PPPOE_TAG_SYSTEM_ERR	0x0202
#define PPPOE_TAG_GENERIC_ERR	0x0203

/* A tag's value inside the frame it was parsed from; len 0 may be set. */
struct pppoe_tag {
	const uint8_t	*p;
	uint16_t	 len;
	int		 present;
};

/* A parsed discovery frame; the pointers point into the frame. */
struct pppoe_disc {
	uint8_t		 dst[ETH_ALEN_PPPOE];
	uint8_t		 src[ETH_ALEN_PPPOE];
	uint8_t		 code;
	uint16_t	 session_id;
	struct pppoe_tag service;	/* exactly one in PADI and PADR */
	struct pppoe_tag ac_name;
	struct pppoe_tag host_uniq;
	struct pppoe_tag cookie;
	struct pppoe_tag relay_id;
	uint16_t	 max_payload;	/* RFC 4638 tag's value, 0 if none */
};

/*
 * Parse one discovery frame as read from a packet socket (Ethernet header
 * first; trailing padding allowed, LENGTH counts).  Checks what an access
 * concentrator must: ethertype 0x8863, VER/TYPE 1/1, a unicast non-zero
 * source, tags wholly inside LENGTH, no repeated Service-Name, Host-Uniq,
 * AC-Cookie or Relay-Session-Id, and per code: PADI broadcast with session
 * id 0, PADR unicast with session id 0, each with exactly one
 * Service-Name; PADT with a session id neither 0 nor 0xffff.  Other codes
 * (PADO, PADS, session frames) are refused: they are not for an AC.
 * Returns 0, or -1 with *why set to a constant phrase for the log.
 */
int	pppoe_disc_parse(const uint8_t *frame, size_t len, struct pppoe_disc *,
	    const char **why);

/* A frame being built; len is what is written so far. */
struct pppoe_buf {
	uint8_t		 data[1514];
	size_t		 len;
};

/* Ethernet and PPPoE headers, LENGTH 0 so far. */
void	pppoe_build_start(struct pppoe_buf *, const uint8_t dst[6],
	    const uint8_t src[6], uint8_t code, uint16_t session_id);
/* Append a tag and update LENGTH; -1 (nothing written) if it won't fit. */
int	pppoe_build_tag(struct pppoe_buf *, uint16_t type, const void *,
	    size_t);

/*
 * The AC-Cookie: a window number and a keyed MAC (HMAC-SHA-256, truncated)
 * over the window, the peer's MAC and the interface index, so that the
 * discovery process keeps no state per PADI and a PADR must come from a
 * MAC that recently got a PADO on that interface.  A cookie is valid in
 * the window it was made and the next one.
 */
#define PPPOE_COOKIE_LEN	20	/* 4 window + 16 MAC */
#define PPPOE_COOKIE_WINDOW	60	/* seconds */
#define PPPOE_COOKIE_KEY	32

struct pppoe_cookie_key {
	uint8_t		 key[PPPOE_COOKIE_KEY];
	void		*mac;		/* OpenSSL EVP_MAC, fetched at init */
};

/*
 * A fresh random key, and the HMAC fetched from OpenSSL: call before the
 * sandbox (fetching may read the provider configuration).  0 or -1.
 */
int	pppoe_cookie_init(struct pppoe_cookie_key *);
void	pppoe_cookie_free(struct pppoe_cookie_key *);
/* now: seconds on a monotonic clock. */
int	pppoe_cookie_make(const struct pppoe_cookie_key *,
	    const uint8_t mac[6], uint32_t ifindex, uint64_t now,
	    uint8_t out[PPPOE_COOKIE_LEN]);
/* 0 if the cookie is ours for this MAC and interface and fresh, else -1. */
int	pppoe_cookie_check(const struct pppoe_cookie_key *,
	    const uint8_t mac[6], uint32_t ifindex, uint64_t now,
	    const uint8_t *cookie, size_t len);

/* "aa:bb:cc:dd:ee:ff" into buf (at least 18 bytes). */
const char *pppoe_mac_str(const uint8_t mac[6], char *buf, size_t len);

#endif /* PPPOXD_PPPOE_H */

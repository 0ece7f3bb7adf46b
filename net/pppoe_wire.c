/*
 * pppoe_wire.c: PPPoE discovery frames on the wire (RFC 2516, RFC 4638)
 * and the AC-Cookie.  No I/O and no state: the discovery process reads
 * a frame, parses it here, and builds its answer here.
 */
#include <sys/random.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "log.h"
#include "pppoe.h"
#include "wire.h"

#define PPPOE_ETHERTYPE_DISC	0x8863
#define PPPOE_COOKIE_HMAC_LEN	16	/* of HMAC-SHA-256's 32 */
#define PPPOE_COOKIE_MSG_LEN	(4 + ETH_ALEN_PPPOE + 4)

/*
 * How a tag is taken into struct pppoe_disc: into the struct pppoe_tag
 * at field, refusing a second one with why_dup (NULL: the first one
 * counts and later ones are skipped).
 */
struct pppoe_tag_rule {
	uint16_t	 type;
	size_t		 field;
	const char	*why_dup;
};

static const struct pppoe_tag_rule pppoe_tag_rules[] = {
	{ PPPOE_TAG_SERVICE, offsetof(struct pppoe_disc, service),
	    "two Service-Name tags" },
	/* Only a PADO carries it; nothing an AC receives depends on it. */
	{ PPPOE_TAG_AC_NAME, offsetof(struct pppoe_disc, ac_name), NULL },
	{ PPPOE_TAG_HOST_UNIQ, offsetof(struct pppoe_disc, host_uniq),
	    "two Host-Uniq tags" },
	{ PPPOE_TAG_COOKIE, offsetof(struct pppoe_disc, cookie),
	    "two AC-Cookie tags" },
	{ PPPOE_TAG_RELAY_ID, offsetof(struct pppoe_disc, relay_id),
	    "two Relay-Session-Id tags" },
};

static int	pppoe_parse_tags(struct wire_reader *, struct pppoe_disc *,
		    const char **);
static int	pppoe_parse_tag(uint16_t, struct wire_reader *,
		    struct pppoe_disc *, int *, const char **);
static int	pppoe_check_code(const struct pppoe_disc *, const char **);
static int	pppoe_mac_is_zero(const uint8_t *);
static int	pppoe_cookie_hmac(const struct pppoe_cookie_key *, uint32_t,
		    const uint8_t *, uint32_t, uint8_t *);
static const char *pppoe_ssl_error(void);

static const uint8_t	pppoe_broadcast[ETH_ALEN_PPPOE] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

int
pppoe_disc_parse(const uint8_t *frame, size_t len, struct pppoe_disc *d,
    const char **why)
{
	struct wire_reader	 r, tags;
	uint16_t		 ethertype, length;
	uint8_t			 vertype;

	memset(d, 0, sizeof(*d));
	wire_reader_init(&r, frame, len);
	wire_get_bytes(&r, d->dst, sizeof(d->dst));
	wire_get_bytes(&r, d->src, sizeof(d->src));
	wire_get_u16(&r, &ethertype);
	wire_get_u8(&r, &vertype);
	wire_get_u8(&r, &d->code);
	wire_get_u16(&r, &d->session_id);
	if (wire_get_u16(&r, &length) == -1) {
		*why = "truncated header";
		return (-1);
	}
	if (ethertype != PPPOE_ETHERTYPE_DISC) {
		*why = "not a discovery frame";
		return (-1);
	}
	if (d->src[0] & 0x01) {
		*why = "source not unicast";
		return (-1);
	}
	if (pppoe_mac_is_zero(d->src)) {
		*why = "zero source";
		return (-1);
	}
	if (vertype != PPPOE_VERTYPE) {
		*why = "bad version/type";
		return (-1);
	}
	if (pppoe_check_code(d, why) == -1)
		return (-1);
	/* Short frames are padded to 60 octets: only LENGTH counts. */
	if (wire_get_sub(&r, &tags, length) == -1) {
		*why = "LENGTH past the frame";
		return (-1);
	}
	if (pppoe_parse_tags(&tags, d, why) == -1)
		return (-1);
	if ((d->code == PPPOE_CODE_PADI || d->code == PPPOE_CODE_PADR) &&
	    !d->service.present) {
		*why = "no Service-Name";
		return (-1);
	}
	return (0);
}

/*
 * What the header alone says: the code is one an AC receives, and the
 * addresses and session id are right for it.
 */
static int
pppoe_check_code(const struct pppoe_disc *d, const char **why)
{
	switch (d->code) {
	case PPPOE_CODE_PADI:
		if (memcmp(d->dst, pppoe_broadcast, sizeof(d->dst)) != 0) {
			*why = "PADI not broadcast";
			return (-1);
		}
		if (d->session_id != 0) {
			*why = "PADI with a session id";
			return (-1);
		}
		return (0);
	case PPPOE_CODE_PADR:
		if (d->dst[0] & 0x01) {
			*why = "PADR not unicast";
			return (-1);
		}
		if (d->session_id != 0) {
			*why = "PADR with a session id";
			return (-1);
		}
		return (0);
	case PPPOE_CODE_PADT:
		if (d->session_id == 0 || d->session_id == 0xffff) {
			*why = "PADT without a session id";
			return (-1);
		}
		return (0);
	case PPPOE_CODE_PADO:
	case PPPOE_CODE_PADS:
	case PPPOE_CODE_SESSION:
		*why = "not an AC's packet";
		return (-1);
	default:
		*why = "unknown code";
		return (-1);
	}
}

/* Walk the tags up to LENGTH or End-Of-List. */
static int
pppoe_parse_tags(struct wire_reader *r, struct pppoe_disc *d,
    const char **why)
{
	struct wire_reader	 value;
	uint16_t		 type, tlen;
	int			 max_payload_seen = 0;

	while (wire_left(r) > 0) {
		wire_get_u16(r, &type);
		if (wire_get_u16(r, &tlen) == -1) {
			*why = "truncated tag";
			return (-1);
		}
		if (wire_get_sub(r, &value, tlen) == -1) {
			*why = "tag past the end";
			return (-1);
		}
		if (type == PPPOE_TAG_END)
			break;
		if (pppoe_parse_tag(type, &value, d, &max_payload_seen,
		    why) == -1)
			return (-1);
	}
	return (0);
}

/* One tag whose value is wholly inside the frame. */
static int
pppoe_parse_tag(uint16_t type, struct wire_reader *value,
    struct pppoe_disc *d, int *max_payload_seen, const char **why)
{
	const struct pppoe_tag_rule	*rule;
	struct pppoe_tag		*tag;
	size_t				 i, n;

	if (type == PPPOE_TAG_MAX_PAYLOAD) {
		/* Two values would leave the MRU to whichever we read. */
		if (*max_payload_seen) {
			*why = "two PPP-Max-Payload tags";
			return (-1);
		}
		if (wire_left(value) != 2 ||
		    wire_get_u16(value, &d->max_payload) == -1) {
			*why = "bad PPP-Max-Payload";
			return (-1);
		}
		*max_payload_seen = 1;
		return (0);
	}
	for (i = 0; i < sizeof(pppoe_tag_rules) / sizeof(pppoe_tag_rules[0]);
	    i++) {
		rule = &pppoe_tag_rules[i];
		if (rule->type != type)
			continue;
		tag = (struct pppoe_tag *)((uint8_t *)d + rule->field);
		if (tag->present) {
			if (rule->why_dup == NULL)
				return (0);
			*why = rule->why_dup;
			return (-1);
		}
		n = wire_left(value);
		if (wire_get_ref(value, &tag->p, n) == -1) {
			*why = "tag past the end";
			return (-1);
		}
		tag->len = (uint16_t)n;
		tag->present = 1;
		return (0);
	}
	/* Vendor-Specific, the error tags and unknown ones. */
	return (0);
}

static int
pppoe_mac_is_zero(const uint8_t *mac)
{
	size_t	i;

	for (i = 0; i < ETH_ALEN_PPPOE; i++)
		if (mac[i] != 0)
			return (0);
	return (1);
}

void
pppoe_build_start(struct pppoe_buf *b, const uint8_t dst[6],
    const uint8_t src[6], uint8_t code, uint16_t session_id)
{
	struct wire_writer	 w;

	/* 20 octets always fit in data[]; the writer cannot fail here. */
	wire_writer_init(&w, b->data, sizeof(b->data));
	wire_put_bytes(&w, dst, ETH_ALEN_PPPOE);
	wire_put_bytes(&w, src, ETH_ALEN_PPPOE);
	wire_put_u16(&w, PPPOE_ETHERTYPE_DISC);
	wire_put_u8(&w, PPPOE_VERTYPE);
	wire_put_u8(&w, code);
	wire_put_u16(&w, session_id);
	wire_put_u16(&w, 0);
	b->len = w.len;
}

int
pppoe_build_tag(struct pppoe_buf *b, uint16_t type, const void *value,
    size_t len)
{
	struct wire_writer	 w;
	size_t			 start = PPPOE_ETH_HDR + PPPOE_HDR;

	/* Nothing is written unless all of it fits. */
	if (b->len < start || b->len > sizeof(b->data) || len > UINT16_MAX ||
	    4 + len > sizeof(b->data) - b->len)
		return (-1);
	wire_writer_init(&w, b->data + b->len, sizeof(b->data) - b->len);
	wire_put_u16(&w, type);
	wire_put_u16(&w, (uint16_t)len);
	if (wire_put_bytes(&w, value, len) == -1)
		return (-1);
	b->len += w.len;
	/* LENGTH, the last field of the PPPoE header. */
	wire_writer_init(&w, b->data + start - 2, 2);
	wire_put_u16(&w, (uint16_t)(b->len - start));
	return (0);
}

int
pppoe_cookie_init(struct pppoe_cookie_key *key)
{
	uint8_t	 probe[PPPOE_COOKIE_LEN];
	size_t	 got = 0;
	ssize_t	 n;

	memset(key, 0, sizeof(*key));
	while (got < sizeof(key->key)) {
		n = getrandom(key->key + got, sizeof(key->key) - got, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("pppoe cookie: getrandom");
			return (-1);
		}
		got += (size_t)n;
	}
	if ((key->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		log_warnx("pppoe cookie: cannot fetch HMAC: %s",
		    pppoe_ssl_error());
		explicit_bzero(key->key, sizeof(key->key));
		return (-1);
	}
	/*
	 * One cookie now, so that SHA-256 too is fetched and cached before
	 * the sandbox forbids reading the provider configuration.
	 */
	if (pppoe_cookie_make(key, pppoe_broadcast, 0, 0, probe) == -1) {
		pppoe_cookie_free(key);
		return (-1);
	}
	return (0);
}

void
pppoe_cookie_free(struct pppoe_cookie_key *key)
{
	EVP_MAC_free(key->mac);
	key->mac = NULL;
	explicit_bzero(key->key, sizeof(key->key));
}

int
pppoe_cookie_make(const struct pppoe_cookie_key *key, const uint8_t mac[6],
    uint32_t ifindex, uint64_t now, uint8_t out[PPPOE_COOKIE_LEN])
{
	struct wire_writer	 w;
	uint8_t			 hmac[PPPOE_COOKIE_HMAC_LEN];
	/* Truncated: it only has to tell a window from its neighbours. */
	uint32_t		 window = (uint32_t)(now / PPPOE_COOKIE_WINDOW);

	if (pppoe_cookie_hmac(key, window, mac, ifindex, hmac) == -1)
		return (-1);
	wire_writer_init(&w, out, PPPOE_COOKIE_LEN);
	wire_put_u32(&w, window);
	wire_put_bytes(&w, hmac, sizeof(hmac));
	explicit_bzero(hmac, sizeof(hmac));
	return (w.error ? -1 : 0);
}

int
pppoe_cookie_check(const struct pppoe_cookie_key *key, const uint8_t mac[6],
    uint32_t ifindex, uint64_t now, const uint8_t *cookie, size_t len)
{
	struct wire_reader	 r;
	const uint8_t		*got;
	uint8_t			 want[PPPOE_COOKIE_HMAC_LEN];
	uint64_t		 current = now / PPPOE_COOKIE_WINDOW;
	uint32_t		 window;
	int			 ok;

	if (len != PPPOE_COOKIE_LEN)
		return (-1);
	wire_reader_init(&r, cookie, len);
	wire_get_u32(&r, &window);
	if (wire_get_ref(&r, &got, sizeof(want)) == -1)
		return (-1);
	/* This window or the one before: a cookie lives 60 to 120 s. */
	if (window != (uint32_t)current &&
	    (current == 0 || window != (uint32_t)(current - 1)))
		return (-1);
	if (pppoe_cookie_hmac(key, window, mac, ifindex, want) == -1)
		return (-1);
	ok = CRYPTO_memcmp(want, got, sizeof(want)) == 0;
	explicit_bzero(want, sizeof(want));
	return (ok ? 0 : -1);
}

/* The first 16 octets of HMAC-SHA-256(key, window | mac | ifindex). */
static int
pppoe_cookie_hmac(const struct pppoe_cookie_key *key, uint32_t window,
    const uint8_t *mac, uint32_t ifindex, uint8_t *out)
{
	static char		 digest[] = "SHA256";
	struct wire_writer	 w;
	OSSL_PARAM		 params[2];
	EVP_MAC_CTX		*ctx;
	uint8_t			 msg[PPPOE_COOKIE_MSG_LEN];
	uint8_t			 md[EVP_MAX_MD_SIZE];
	size_t			 mdlen = 0;
	int			 ok;

	if (key->mac == NULL)
		return (-1);
	wire_writer_init(&w, msg, sizeof(msg));
	wire_put_u32(&w, window);
	wire_put_bytes(&w, mac, ETH_ALEN_PPPOE);
	if (wire_put_u32(&w, ifindex) == -1)
		return (-1);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(key->mac)) == NULL) {
		log_warnx("pppoe cookie: EVP_MAC_CTX_new: %s",
		    pppoe_ssl_error());
		return (-1);
	}
	ok = EVP_MAC_init(ctx, key->key, sizeof(key->key), params) == 1 &&
	    EVP_MAC_update(ctx, msg, w.len) == 1 &&
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) == 1 &&
	    mdlen >= PPPOE_COOKIE_HMAC_LEN;
	EVP_MAC_CTX_free(ctx);
	if (!ok) {
		log_warnx("pppoe cookie: HMAC-SHA-256: %s",
		    pppoe_ssl_error());
		explicit_bzero(md, sizeof(md));
		return (-1);
	}
	memcpy(out, md, PPPOE_COOKIE_HMAC_LEN);
	explicit_bzero(md, sizeof(md));
	return (0);
}

/* OpenSSL's reason for the last failure, for a log line. */
static const char *
pppoe_ssl_error(void)
{
	const char	*s;

	if ((s = ERR_reason_error_string(ERR_get_error())) == NULL)
		return ("unknown error");
	return (s);
}

const char *
pppoe_mac_str(const uint8_t mac[6], char *buf, size_t len)
{
	if (len == 0)
		return ("");
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
	    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return (buf);
}

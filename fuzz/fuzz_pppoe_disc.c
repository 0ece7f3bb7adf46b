/*
 * fuzz_pppoe_disc: one discovery frame as a packet socket returns it,
 * answered the way the discovery process does.  A PADI or PADR that
 * parses gets a PADO echoing its Host-Uniq, Relay-Session-Id and
 * PPP-Max-Payload with a fresh AC-Cookie; the PADR's own cookie is
 * checked.  The PADO, relabelled as a PADR from the client, must parse
 * back to the same tags and its cookie must be valid; abort() reports a
 * violation like a crash.  The key is fixed so that a crash reproduces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "pppoe.h"

#define FUZZ_IFINDEX	3
#define FUZZ_NOW	123456		/* seconds, any will do */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fuzz_same(const struct pppoe_tag *, const struct pppoe_tag *);
static int	fuzz_pado(const struct pppoe_disc *, struct pppoe_buf *);

static struct pppoe_cookie_key	fuzz_key;
static const uint8_t		fuzz_ac_mac[6] = {
	0x02, 0x00, 0x5e, 0x00, 0x00, 0x02
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t	i;

	(void)argc;
	(void)argv;
	log_init(1, LOG_DAEMON);
	log_setverbose(1);
	if (pppoe_cookie_init(&fuzz_key) == -1)
		abort();
	for (i = 0; i < sizeof(fuzz_key.key); i++)
		fuzz_key.key[i] = (uint8_t)i;
	return (0);
}

static int
fuzz_same(const struct pppoe_tag *a, const struct pppoe_tag *b)
{
	return (a->present == b->present && a->len == b->len &&
	    (a->len == 0 || memcmp(a->p, b->p, a->len) == 0));
}

/*
 * The PADO an AC sends: -1 if the echoed tags do not fit, which a long
 * Host-Uniq can cause and the AC must then not answer.
 */
static int
fuzz_pado(const struct pppoe_disc *d, struct pppoe_buf *b)
{
	uint8_t	 cookie[PPPOE_COOKIE_LEN], mp[2];

	if (pppoe_cookie_make(&fuzz_key, d->src, FUZZ_IFINDEX, FUZZ_NOW,
	    cookie) == -1)
		abort();
	pppoe_build_start(b, d->src, fuzz_ac_mac, PPPOE_CODE_PADO, 0);
	if (pppoe_build_tag(b, PPPOE_TAG_AC_NAME, "fuzz", 4) == -1 ||
	    pppoe_build_tag(b, PPPOE_TAG_SERVICE, d->service.p,
	    d->service.len) == -1 ||
	    pppoe_build_tag(b, PPPOE_TAG_COOKIE, cookie, sizeof(cookie)) == -1)
		return (-1);
	if (d->host_uniq.present && pppoe_build_tag(b, PPPOE_TAG_HOST_UNIQ,
	    d->host_uniq.p, d->host_uniq.len) == -1)
		return (-1);
	if (d->relay_id.present && pppoe_build_tag(b, PPPOE_TAG_RELAY_ID,
	    d->relay_id.p, d->relay_id.len) == -1)
		return (-1);
	/* RFC 4638: echo only what we can carry. */
	if (d->max_payload >= PPPOE_MTU) {
		mp[0] = d->max_payload >> 8;
		mp[1] = d->max_payload & 0xff;
		if (pppoe_build_tag(b, PPPOE_TAG_MAX_PAYLOAD, mp,
		    sizeof(mp)) == -1)
			return (-1);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pppoe_buf	 b;
	struct pppoe_disc	 d, back;
	const char		*why = NULL;
	char			 mac[18];
	size_t			 length;

	if (pppoe_disc_parse(data, size, &d, &why) == -1) {
		if (why == NULL)
			abort();
		return (0);
	}
	pppoe_mac_str(d.src, mac, sizeof(mac));
	if (strlen(mac) != 17)
		abort();
	/* Every tag lies inside LENGTH, which lies inside the frame. */
	length = size >= 20 ? (size_t)(data[18] << 8 | data[19]) : 0;
	if (size < 20 || length > size - 20)
		abort();
	if (d.code == PPPOE_CODE_PADT)
		return (0);
	if (!d.service.present)
		abort();
	if (d.code == PPPOE_CODE_PADR)
		(void)pppoe_cookie_check(&fuzz_key, d.src, FUZZ_IFINDEX,
		    FUZZ_NOW, d.cookie.p, d.cookie.len);

	if (fuzz_pado(&d, &b) == -1)
		return (0);
	if (b.len > sizeof(b.data) ||
	    (size_t)(b.data[18] << 8 | b.data[19]) != b.len - 20)
		abort();
	/* The client's PADR would carry the same tags: relabel, reparse. */
	memcpy(b.data, fuzz_ac_mac, sizeof(fuzz_ac_mac));
	memcpy(b.data + 6, d.src, sizeof(d.src));
	b.data[15] = PPPOE_CODE_PADR;
	if (pppoe_disc_parse(b.data, b.len, &back, &why) == -1)
		abort();
	if (!fuzz_same(&back.service, &d.service) ||
	    !fuzz_same(&back.host_uniq, &d.host_uniq) ||
	    !fuzz_same(&back.relay_id, &d.relay_id) ||
	    back.max_payload != (d.max_payload >= PPPOE_MTU ?
	    d.max_payload : 0) ||
	    back.cookie.len != PPPOE_COOKIE_LEN ||
	    pppoe_cookie_check(&fuzz_key, d.src, FUZZ_IFINDEX, FUZZ_NOW,
	    back.cookie.p, back.cookie.len) == -1 ||
	    pppoe_cookie_check(&fuzz_key, d.src, FUZZ_IFINDEX + 1, FUZZ_NOW,
	    back.cookie.p, back.cookie.len) == 0)
		abort();
	return (0);
}

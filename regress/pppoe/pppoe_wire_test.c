/*
 * Unit tests of net/pppoe_wire.c, one case per argument.  Frames to parse
 * are the hex dumps of /work/shared/protocol/wire_examples.md section 4,
 * or are put together here octet by octet so that each refusal case
 * breaks exactly one rule; frames built are compared with those dumps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "log.h"
#include "pppoe.h"
#include "test.h"

#define FRAME_MAX	1600

struct frame {
	uint8_t		 d[FRAME_MAX];
	size_t		 len;
};

/* wire_examples.md section 4, without the offsets. */
static const char padi_hex[] =
	"ff ff ff ff ff ff 02 00 00 00 00 01 88 63 11 09"
	"00 00 00 12 01 01 00 00 01 03 00 04 5c 0a 00 00"
	"01 20 00 02 05 dc";
static const char pado_hex[] =
	"02 00 00 00 00 01 02 00 00 00 00 02 88 63 11 07"
	"00 00 00 2d 01 02 00 03 61 63 31 01 01 00 00 01"
	"03 00 04 5c 0a 00 00 01 04 00 10 8c 1c e4 a0 b2"
	"e5 11 d2 a6 f0 d1 e2 c3 b4 a5 96 01 20 00 02 05"
	"dc";
static const char padr_hex[] =
	"02 00 00 00 00 02 02 00 00 00 00 01 88 63 11 19"
	"00 00 00 26 01 01 00 00 01 03 00 04 5c 0a 00 00"
	"01 04 00 10 8c 1c e4 a0 b2 e5 11 d2 a6 f0 d1 e2"
	"c3 b4 a5 96 01 20 00 02 05 dc";
static const char pads_hex[] =
	"02 00 00 00 00 01 02 00 00 00 00 02 88 63 11 65"
	"00 01 00 12 01 01 00 00 01 03 00 04 5c 0a 00 00"
	"01 20 00 02 05 dc";
static const char pads_refuse_hex[] =
	"02 00 00 00 00 01 02 00 00 00 00 02 88 63 11 65"
	"00 00 00 22 01 01 00 03 69 73 70 01 03 00 04 5c"
	"0a 00 00 02 01 00 0f 75 6e 6b 6e 6f 77 6e 20 73"
	"65 72 76 69 63 65";
static const char padt_hex[] =
	"02 00 00 00 00 01 02 00 00 00 00 02 88 63 11 a7"
	"00 01 00 1a 01 03 00 04 5c 0a 00 00 02 03 00 0e"
	"73 65 73 73 69 6f 6e 20 63 6c 6f 73 65 64";
static const char relay_hex[] =
	"01 10 00 0c 00 11 22 33 44 55 66 77 88 99 aa bb";
static const char vendor_hex[] =
	"01 05 00 16 00 00 0d e9 01 08 65 74 68 20 31 2f"
	"31 3a 02 06 63 70 65 2d 30 31";

static const uint8_t client_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t ac_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t host_uniq[4] = { 0x5c, 0x0a, 0x00, 0x00 };
static const uint8_t example_cookie[16] = {
	0x8c, 0x1c, 0xe4, 0xa0, 0xb2, 0xe5, 0x11, 0xd2,
	0xa6, 0xf0, 0xd1, 0xe2, 0xc3, 0xb4, 0xa5, 0x96
};
static const uint8_t max_payload_1500[2] = { 0x05, 0xdc };

#define IFINDEX		7
#define NOW		1000		/* window 16, 40 s into it */

static void	 put8(struct frame *, uint8_t);
static void	 put16(struct frame *, uint16_t);
static void	 put_hex(struct frame *, const char *);
static void	 put_mac(struct frame *, const uint8_t *);
static void	 hdr(struct frame *, const uint8_t *, const uint8_t *, uint8_t,
		    uint16_t);
static void	 fix_length(struct frame *);
static void	 set_length(struct frame *, uint16_t);
static void	 hex_frame(struct frame *, const char *);
static void	 mk_padi(struct frame *);
static void	 mk_padr(struct frame *, const char *);
static int	 tag_is(const struct pppoe_tag *, const void *, size_t);
static void	 refused(const struct frame *, const char *);
static void	 check_padi_fields(const struct pppoe_disc *);
static void	 cookie_setup(struct pppoe_cookie_key *, uint8_t *);

static void	 case_parse_padi(void);
static void	 case_parse_padr(void);
static void	 case_parse_padt(void);
static void	 case_parse_relay_id(void);
static void	 case_parse_vendor_specific(void);
static void	 case_parse_padding(void);
static void	 case_parse_end_of_list(void);
static void	 case_parse_unknown_tag(void);
static void	 case_parse_max_payload_as_is(void);
static void	 case_parse_two_ac_names(void);
static void	 case_refuse_truncated_header(void);
static void	 case_refuse_ethertype(void);
static void	 case_refuse_source_multicast(void);
static void	 case_refuse_source_zero(void);
static void	 case_refuse_version_type(void);
static void	 case_refuse_pado(void);
static void	 case_refuse_pads(void);
static void	 case_refuse_session_code(void);
static void	 case_refuse_unknown_code(void);
static void	 case_refuse_length_past_frame(void);
static void	 case_refuse_truncated_tag(void);
static void	 case_refuse_tag_past_end(void);
static void	 case_refuse_two_service_names(void);
static void	 case_refuse_two_host_uniqs(void);
static void	 case_refuse_two_cookies(void);
static void	 case_refuse_two_relay_ids(void);
static void	 case_refuse_two_max_payloads(void);
static void	 case_refuse_max_payload_length(void);
static void	 case_refuse_padi_unicast(void);
static void	 case_refuse_padi_session_id(void);
static void	 case_refuse_padi_no_service(void);
static void	 case_refuse_padr_multicast(void);
static void	 case_refuse_padr_session_id(void);
static void	 case_refuse_padr_no_service(void);
static void	 case_refuse_padt_session_zero(void);
static void	 case_refuse_padt_session_ffff(void);
static void	 case_build_pado(void);
static void	 case_build_pado_cookie(void);
static void	 case_build_pads(void);
static void	 case_build_pads_refusal(void);
static void	 case_build_padt(void);
static void	 case_build_tag_overflow(void);
static void	 case_build_tag_empty(void);
static void	 case_mac_str(void);
static void	 case_cookie_valid_now(void);
static void	 case_cookie_next_window(void);
static void	 case_cookie_expired(void);
static void	 case_cookie_future(void);
static void	 case_cookie_other_mac(void);
static void	 case_cookie_other_ifindex(void);
static void	 case_cookie_other_key(void);
static void	 case_cookie_modified_byte(void);
static void	 case_cookie_wrong_length(void);
static void	 case_cookie_layout(void);
static void	 case_cookie_free(void);

static const struct test_case cases[] = {
	{ "parse-padi",			case_parse_padi },
	{ "parse-padr",			case_parse_padr },
	{ "parse-padt",			case_parse_padt },
	{ "parse-relay-id",		case_parse_relay_id },
	{ "parse-vendor-specific",	case_parse_vendor_specific },
	{ "parse-padding",		case_parse_padding },
	{ "parse-end-of-list",		case_parse_end_of_list },
	{ "parse-unknown-tag",		case_parse_unknown_tag },
	{ "parse-max-payload-as-is",	case_parse_max_payload_as_is },
	{ "parse-two-ac-names",		case_parse_two_ac_names },
	{ "refuse-truncated-header",	case_refuse_truncated_header },
	{ "refuse-ethertype",		case_refuse_ethertype },
	{ "refuse-source-multicast",	case_refuse_source_multicast },
	{ "refuse-source-zero",		case_refuse_source_zero },
	{ "refuse-version-type",	case_refuse_version_type },
	{ "refuse-pado",		case_refuse_pado },
	{ "refuse-pads",		case_refuse_pads },
	{ "refuse-session-code",	case_refuse_session_code },
	{ "refuse-unknown-code",	case_refuse_unknown_code },
	{ "refuse-length-past-frame",	case_refuse_length_past_frame },
	{ "refuse-truncated-tag",	case_refuse_truncated_tag },
	{ "refuse-tag-past-end",	case_refuse_tag_past_end },
	{ "refuse-two-service-names",	case_refuse_two_service_names },
	{ "refuse-two-host-uniqs",	case_refuse_two_host_uniqs },
	{ "refuse-two-cookies",		case_refuse_two_cookies },
	{ "refuse-two-relay-ids",	case_refuse_two_relay_ids },
	{ "refuse-two-max-payloads",	case_refuse_two_max_payloads },
	{ "refuse-max-payload-length",	case_refuse_max_payload_length },
	{ "refuse-padi-unicast",	case_refuse_padi_unicast },
	{ "refuse-padi-session-id",	case_refuse_padi_session_id },
	{ "refuse-padi-no-service",	case_refuse_padi_no_service },
	{ "refuse-padr-multicast",	case_refuse_padr_multicast },
	{ "refuse-padr-session-id",	case_refuse_padr_session_id },
	{ "refuse-padr-no-service",	case_refuse_padr_no_service },
	{ "refuse-padt-session-zero",	case_refuse_padt_session_zero },
	{ "refuse-padt-session-ffff",	case_refuse_padt_session_ffff },
	{ "build-pado",			case_build_pado },
	{ "build-pado-cookie",		case_build_pado_cookie },
	{ "build-pads",			case_build_pads },
	{ "build-pads-refusal",		case_build_pads_refusal },
	{ "build-padt",			case_build_padt },
	{ "build-tag-overflow",		case_build_tag_overflow },
	{ "build-tag-empty",		case_build_tag_empty },
	{ "mac-str",			case_mac_str },
	{ "cookie-valid-now",		case_cookie_valid_now },
	{ "cookie-next-window",		case_cookie_next_window },
	{ "cookie-expired",		case_cookie_expired },
	{ "cookie-future",		case_cookie_future },
	{ "cookie-other-mac",		case_cookie_other_mac },
	{ "cookie-other-ifindex",	case_cookie_other_ifindex },
	{ "cookie-other-key",		case_cookie_other_key },
	{ "cookie-modified-byte",	case_cookie_modified_byte },
	{ "cookie-wrong-length",	case_cookie_wrong_length },
	{ "cookie-layout",		case_cookie_layout },
	{ "cookie-free",		case_cookie_free },
};

int
main(int argc, char *argv[])
{
	return (test_main("pppoe_wire_test", cases, TEST_NCASES(cases), argc,
	    argv, 1));
}

static void
put8(struct frame *f, uint8_t v)
{
	if (f->len >= sizeof(f->d))
		abort();
	f->d[f->len++] = v;
}

static void
put16(struct frame *f, uint16_t v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void
put_hex(struct frame *f, const char *s)
{
	unsigned int	v;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (sscanf(s, "%2x", &v) != 1)
			abort();
		put8(f, (uint8_t)v);
		s++;
	}
}

static void
put_mac(struct frame *f, const uint8_t *mac)
{
	size_t	i;

	for (i = 0; i < 6; i++)
		put8(f, mac[i]);
}

/* Ethernet and PPPoE headers with LENGTH 0; fix_length() sets it. */
static void
hdr(struct frame *f, const uint8_t *dst, const uint8_t *src, uint8_t code,
    uint16_t session_id)
{
	f->len = 0;
	put_mac(f, dst);
	put_mac(f, src);
	put16(f, 0x8863);
	put8(f, 0x11);
	put8(f, code);
	put16(f, session_id);
	put16(f, 0);
}

/* LENGTH: everything after the PPPoE header. */
static void
fix_length(struct frame *f)
{
	set_length(f, (uint16_t)(f->len - 20));
}

static void
set_length(struct frame *f, uint16_t n)
{
	f->d[18] = n >> 8;
	f->d[19] = n & 0xff;
}

static void
hex_frame(struct frame *f, const char *hex)
{
	f->len = 0;
	put_hex(f, hex);
}

/* A PADI like the example's: Service-Name any, Host-Uniq. */
static void
mk_padi(struct frame *f)
{
	hdr(f, bcast_mac, client_mac, PPPOE_CODE_PADI, 0);
	put_hex(f, "01 01 00 00 01 03 00 04 5c 0a 00 00");
	fix_length(f);
}

/* A PADR with Service-Name any and the tags in hex after it. */
static void
mk_padr(struct frame *f, const char *tags)
{
	hdr(f, ac_mac, client_mac, PPPOE_CODE_PADR, 0);
	put_hex(f, "01 01 00 00");
	put_hex(f, tags);
	fix_length(f);
}

static int
tag_is(const struct pppoe_tag *t, const void *v, size_t len)
{
	return (t->present && t->len == len &&
	    (len == 0 || memcmp(t->p, v, len) == 0));
}

/* The frame is refused, for the reason given. */
static void
refused(const struct frame *f, const char *want)
{
	struct pppoe_disc	 d;
	const char		*why = NULL;

	CHECK(pppoe_disc_parse(f->d, f->len, &d, &why) == -1);
	CHECK(why != NULL && strcmp(why, want) == 0);
	if (why != NULL && strcmp(why, want) != 0)
		fprintf(stderr, "why: \"%s\", want \"%s\"\n", why, want);
}

static void
check_padi_fields(const struct pppoe_disc *d)
{
	CHECK(d->code == PPPOE_CODE_PADI);
	CHECK(d->session_id == 0);
	CHECK_MEM(d->dst, bcast_mac, 6);
	CHECK_MEM(d->src, client_mac, 6);
	CHECK(tag_is(&d->service, NULL, 0));
	CHECK(tag_is(&d->host_uniq, host_uniq, sizeof(host_uniq)));
	CHECK(!d->ac_name.present);
	CHECK(!d->cookie.present);
	CHECK(d->max_payload == 1500);
}

static void
case_parse_padi(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	hex_frame(&f, padi_hex);
	CHECK(f.len == 38);
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	check_padi_fields(&d);
	/* The values point into the frame, not into a copy. */
	CHECK(d.host_uniq.p == f.d + 28);
	CHECK(!d.relay_id.present);
}

static void
case_parse_padr(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	hex_frame(&f, padr_hex);
	CHECK(f.len == 58);
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(d.code == PPPOE_CODE_PADR);
	CHECK(d.session_id == 0);
	CHECK_MEM(d.dst, ac_mac, 6);
	CHECK_MEM(d.src, client_mac, 6);
	CHECK(tag_is(&d.service, NULL, 0));
	CHECK(tag_is(&d.host_uniq, host_uniq, sizeof(host_uniq)));
	CHECK(tag_is(&d.cookie, example_cookie, sizeof(example_cookie)));
	CHECK(!d.ac_name.present);
	CHECK(!d.relay_id.present);
	CHECK(d.max_payload == 1500);
}

static void
case_parse_padt(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/* The example goes AC to client; what is parsed is the same. */
	hex_frame(&f, padt_hex);
	CHECK(f.len == 46);
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(d.code == PPPOE_CODE_PADT);
	CHECK(d.session_id == 1);
	CHECK_MEM(d.dst, client_mac, 6);
	CHECK_MEM(d.src, ac_mac, 6);
	CHECK(tag_is(&d.host_uniq, host_uniq, sizeof(host_uniq)));
	/* Generic-Error is skipped. */
	CHECK(!d.service.present);
	CHECK(!d.cookie.present);
	CHECK(d.max_payload == 0);
}

static void
case_parse_relay_id(void)
{
	static const uint8_t	 relay[12] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb
	};
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/* A relay appends its tag to the example PADI. */
	hex_frame(&f, padi_hex);
	put_hex(&f, relay_hex);
	fix_length(&f);
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	check_padi_fields(&d);
	CHECK(tag_is(&d.relay_id, relay, sizeof(relay)));
}

static void
case_parse_vendor_specific(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/* A TR-101 agent's tag, before and after the others. */
	hdr(&f, bcast_mac, client_mac, PPPOE_CODE_PADI, 0);
	put_hex(&f, vendor_hex);
	put_hex(&f, "01 01 00 00 01 03 00 04 5c 0a 00 00");
	put_hex(&f, vendor_hex);
	put_hex(&f, "01 20 00 02 05 dc");
	put_hex(&f, vendor_hex);
	fix_length(&f);
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	check_padi_fields(&d);
	CHECK(!d.relay_id.present);
}

static void
case_parse_padding(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/*
	 * Padded to 60 octets with what would be a second Service-Name
	 * and a truncated tag, were it inside LENGTH.
	 */
	hex_frame(&f, padi_hex);
	put_hex(&f, "01 01 00 03 69 73 70 01 03 00 ff 00 00 00 00 00");
	while (f.len < 60)
		put8(&f, 0xa5);
	CHECK(f.len == 60);
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	check_padi_fields(&d);
	CHECK(!d.relay_id.present);

	/* And the minimum: a PADR padded from 24 octets. */
	mk_padr(&f, "");
	CHECK(f.len == 24);
	while (f.len < 60)
		put8(&f, 0x01);
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(tag_is(&d.service, NULL, 0));
	CHECK(!d.host_uniq.present);
}

static void
case_parse_end_of_list(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/* Inside LENGTH, but after End-Of-List: not looked at. */
	mk_padr(&f, "01 03 00 04 5c 0a 00 00 00 00 00 00"
	    "01 01 00 00 01 04 00 02 aa bb 01 20 00 01 00 ff ff");
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(tag_is(&d.service, NULL, 0));
	CHECK(tag_is(&d.host_uniq, host_uniq, sizeof(host_uniq)));
	CHECK(!d.cookie.present);
	CHECK(d.max_payload == 0);

	/* End-Of-List last, as some clients send it. */
	mk_padr(&f, "01 03 00 04 5c 0a 00 00 00 00 00 00");
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(tag_is(&d.host_uniq, host_uniq, sizeof(host_uniq)));
}

static void
case_parse_unknown_tag(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/* Unknown, the error tags and a zero-length unknown one. */
	mk_padr(&f, "7f 7f 00 03 01 02 03 02 01 00 02 6e 6f"
	    "02 02 00 00 02 03 00 01 78 ff ff 00 00"
	    "01 03 00 04 5c 0a 00 00");
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(tag_is(&d.service, NULL, 0));
	CHECK(tag_is(&d.host_uniq, host_uniq, sizeof(host_uniq)));
	CHECK(!d.ac_name.present);
	CHECK(!d.cookie.present);
	CHECK(!d.relay_id.present);
}

static void
case_parse_max_payload_as_is(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/* Below 1492: the caller decides, the parser only reports. */
	mk_padr(&f, "01 20 00 02 05 78");
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(d.max_payload == 1400);

	mk_padr(&f, "01 20 00 02 23 28");
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(d.max_payload == 9000);

	mk_padr(&f, "01 20 00 02 00 00");
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(d.max_payload == 0);
}

static void
case_parse_two_ac_names(void)
{
	struct frame		 f;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	/* Nothing depends on it: the first one counts. */
	mk_padr(&f, "01 02 00 03 61 63 31 01 02 00 03 61 63 32");
	CHECK(pppoe_disc_parse(f.d, f.len, &d, &why) == 0);
	CHECK(tag_is(&d.ac_name, "ac1", 3));
}

static void
case_refuse_truncated_header(void)
{
	struct frame	f;
	size_t		n;

	hex_frame(&f, padi_hex);
	for (n = 0; n < 20; n++) {
		f.len = n;
		refused(&f, "truncated header");
	}
	/* No tag at all is not a truncated header: a missing service. */
	f.len = 20;
	set_length(&f, 0);
	refused(&f, "no Service-Name");
}

static void
case_refuse_ethertype(void)
{
	struct frame	f;

	hex_frame(&f, padi_hex);
	f.d[13] = 0x64;			/* session stage */
	refused(&f, "not a discovery frame");
	f.d[12] = 0x81;			/* an 802.1Q tag */
	f.d[13] = 0x00;
	refused(&f, "not a discovery frame");
}

static void
case_refuse_source_multicast(void)
{
	struct frame	f;

	hex_frame(&f, padi_hex);
	f.d[6] |= 0x01;
	refused(&f, "source not unicast");
	memset(f.d + 6, 0xff, 6);
	refused(&f, "source not unicast");
}

static void
case_refuse_source_zero(void)
{
	struct frame	f;

	hex_frame(&f, padi_hex);
	memset(f.d + 6, 0, 6);
	refused(&f, "zero source");
}

static void
case_refuse_version_type(void)
{
	struct frame	f;

	hex_frame(&f, padi_hex);
	f.d[14] = 0x21;
	refused(&f, "bad version/type");
	f.d[14] = 0x12;
	refused(&f, "bad version/type");
	f.d[14] = 0x00;
	refused(&f, "bad version/type");
}

static void
case_refuse_pado(void)
{
	struct frame	f;

	hex_frame(&f, pado_hex);
	refused(&f, "not an AC's packet");
}

static void
case_refuse_pads(void)
{
	struct frame	f;

	hex_frame(&f, pads_hex);
	refused(&f, "not an AC's packet");
	hex_frame(&f, pads_refuse_hex);
	refused(&f, "not an AC's packet");
}

static void
case_refuse_session_code(void)
{
	struct frame	f;

	/* Code 0 is the session stage's, even with a discovery type. */
	hex_frame(&f, padr_hex);
	f.d[15] = PPPOE_CODE_SESSION;
	f.d[17] = 0x01;
	refused(&f, "not an AC's packet");
}

static void
case_refuse_unknown_code(void)
{
	struct frame	f;

	hex_frame(&f, padr_hex);
	f.d[15] = 0x42;
	refused(&f, "unknown code");
	f.d[15] = 0xff;
	refused(&f, "unknown code");
}

static void
case_refuse_length_past_frame(void)
{
	struct frame	f;

	hex_frame(&f, padi_hex);
	set_length(&f, 0x13);
	refused(&f, "LENGTH past the frame");
	set_length(&f, 0xffff);
	refused(&f, "LENGTH past the frame");
	/* The same PADI cut short by one octet. */
	hex_frame(&f, padi_hex);
	f.len--;
	refused(&f, "LENGTH past the frame");
}

static void
case_refuse_truncated_tag(void)
{
	static const char	*tails[] = { "01", "01 03", "01 03 00" };
	struct frame		 f;
	size_t			 i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		mk_padr(&f, tails[i]);
		refused(&f, "truncated tag");
		/* Padding behind LENGTH does not complete the tag. */
		put_hex(&f, "00 00 00 00");
		refused(&f, "truncated tag");
	}
}

static void
case_refuse_tag_past_end(void)
{
	struct frame	f;

	mk_padr(&f, "01 03 00 05 5c 0a 00 00");
	refused(&f, "tag past the end");
	/* Padding behind LENGTH does not complete the value. */
	put8(&f, 0);
	refused(&f, "tag past the end");
	/* Unknown and Vendor-Specific tags are held to it too. */
	mk_padr(&f, "7f 7f 00 01");
	refused(&f, "tag past the end");
	mk_padr(&f, "01 05 00 17 00 00 0d e9 01 08 65 74 68 20 31 2f"
	    "31 3a 02 06 63 70 65 2d 30 31");
	refused(&f, "tag past the end");
	/* And End-Of-List. */
	mk_padr(&f, "00 00 00 01");
	refused(&f, "tag past the end");
}

static void
case_refuse_two_service_names(void)
{
	struct frame	f;

	mk_padr(&f, "01 01 00 00");
	refused(&f, "two Service-Name tags");
	mk_padr(&f, "01 03 00 04 5c 0a 00 00 01 01 00 03 69 73 70");
	refused(&f, "two Service-Name tags");
	hex_frame(&f, padi_hex);
	put_hex(&f, "01 01 00 00");
	fix_length(&f);
	refused(&f, "two Service-Name tags");
}

static void
case_refuse_two_host_uniqs(void)
{
	struct frame	f;

	mk_padr(&f, "01 03 00 04 5c 0a 00 00 01 03 00 04 5c 0a 00 00");
	refused(&f, "two Host-Uniq tags");
	mk_padr(&f, "01 03 00 00 01 03 00 01 01");
	refused(&f, "two Host-Uniq tags");
}

static void
case_refuse_two_cookies(void)
{
	struct frame	f;

	mk_padr(&f, "01 04 00 02 aa bb 01 03 00 00 01 04 00 02 aa bb");
	refused(&f, "two AC-Cookie tags");
}

static void
case_refuse_two_relay_ids(void)
{
	struct frame	f;

	hex_frame(&f, padi_hex);
	put_hex(&f, relay_hex);
	put_hex(&f, relay_hex);
	fix_length(&f);
	refused(&f, "two Relay-Session-Id tags");
}

static void
case_refuse_two_max_payloads(void)
{
	struct frame	f;

	mk_padr(&f, "01 20 00 02 05 dc 01 20 00 02 05 d4");
	refused(&f, "two PPP-Max-Payload tags");
	mk_padr(&f, "01 20 00 02 05 dc 01 20 00 02 05 dc");
	refused(&f, "two PPP-Max-Payload tags");
}

static void
case_refuse_max_payload_length(void)
{
	struct frame	f;

	mk_padr(&f, "01 20 00 00");
	refused(&f, "bad PPP-Max-Payload");
	mk_padr(&f, "01 20 00 01 05");
	refused(&f, "bad PPP-Max-Payload");
	mk_padr(&f, "01 20 00 03 05 dc 00");
	refused(&f, "bad PPP-Max-Payload");
	mk_padr(&f, "01 20 00 04 00 00 05 dc");
	refused(&f, "bad PPP-Max-Payload");
}

static void
case_refuse_padi_unicast(void)
{
	struct frame	f;

	mk_padi(&f);
	memcpy(f.d, ac_mac, 6);
	refused(&f, "PADI not broadcast");
	/* A multicast group is not the broadcast address either. */
	f.d[0] = 0x01;
	refused(&f, "PADI not broadcast");
	memset(f.d, 0xff, 6);
	f.d[5] = 0xfe;
	refused(&f, "PADI not broadcast");
}

static void
case_refuse_padi_session_id(void)
{
	struct frame	f;

	mk_padi(&f);
	f.d[17] = 0x01;
	refused(&f, "PADI with a session id");
	f.d[16] = 0xff;
	f.d[17] = 0xff;
	refused(&f, "PADI with a session id");
}

static void
case_refuse_padi_no_service(void)
{
	struct frame	f;

	hdr(&f, bcast_mac, client_mac, PPPOE_CODE_PADI, 0);
	put_hex(&f, "01 03 00 04 5c 0a 00 00 01 20 00 02 05 dc");
	fix_length(&f);
	refused(&f, "no Service-Name");
	/* Nor behind End-Of-List. */
	hdr(&f, bcast_mac, client_mac, PPPOE_CODE_PADI, 0);
	put_hex(&f, "00 00 00 00 01 01 00 00");
	fix_length(&f);
	refused(&f, "no Service-Name");
}

static void
case_refuse_padr_multicast(void)
{
	struct frame	f;

	hex_frame(&f, padr_hex);
	memset(f.d, 0xff, 6);
	refused(&f, "PADR not unicast");
	hex_frame(&f, padr_hex);
	f.d[0] |= 0x01;
	refused(&f, "PADR not unicast");
}

static void
case_refuse_padr_session_id(void)
{
	struct frame	f;

	hex_frame(&f, padr_hex);
	f.d[16] = 0x12;
	refused(&f, "PADR with a session id");
}

static void
case_refuse_padr_no_service(void)
{
	struct frame	f;

	hdr(&f, ac_mac, client_mac, PPPOE_CODE_PADR, 0);
	put_hex(&f, "01 03 00 04 5c 0a 00 00 01 04 00 02 aa bb");
	fix_length(&f);
	refused(&f, "no Service-Name");
}

static void
case_refuse_padt_session_zero(void)
{
	struct frame	f;

	hex_frame(&f, padt_hex);
	f.d[17] = 0x00;
	refused(&f, "PADT without a session id");
}

static void
case_refuse_padt_session_ffff(void)
{
	struct frame	f;

	hex_frame(&f, padt_hex);
	f.d[16] = 0xff;
	f.d[17] = 0xff;
	refused(&f, "PADT without a session id");
}

static void
case_build_pado(void)
{
	struct frame		 want;
	struct pppoe_buf	 b;

	hex_frame(&want, pado_hex);
	pppoe_build_start(&b, client_mac, ac_mac, PPPOE_CODE_PADO, 0);
	CHECK(b.len == 20);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, "ac1", 3) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_SERVICE, "", 0) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, host_uniq,
	    sizeof(host_uniq)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_COOKIE, example_cookie,
	    sizeof(example_cookie)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_MAX_PAYLOAD, max_payload_1500,
	    sizeof(max_payload_1500)) == 0);
	CHECK(b.len == 65 && b.len == want.len);
	CHECK_MEM(b.data, want.d, want.len);
}

static void
case_build_pado_cookie(void)
{
	struct pppoe_cookie_key	 key;
	struct frame		 want;
	struct pppoe_buf	 b;
	uint8_t			 cookie[PPPOE_COOKIE_LEN];

	/* The example with our 20-octet cookie in place of its 16. */
	cookie_setup(&key, cookie);
	hex_frame(&want, pado_hex);
	pppoe_build_start(&b, client_mac, ac_mac, PPPOE_CODE_PADO, 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, "ac1", 3) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_SERVICE, NULL, 0) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, host_uniq,
	    sizeof(host_uniq)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_COOKIE, cookie,
	    sizeof(cookie)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_MAX_PAYLOAD, max_payload_1500,
	    sizeof(max_payload_1500)) == 0);
	CHECK(b.len == want.len + 4);
	/* Headers up to LENGTH, which counts 4 more octets. */
	CHECK_MEM(b.data, want.d, 18);
	CHECK(b.data[18] == 0x00 && b.data[19] == 0x2d + 4);
	/* The tags before the cookie, and its type. */
	CHECK_MEM(b.data + 20, want.d + 20, 41 - 20);
	CHECK(b.data[41] == 0x00 && b.data[42] == PPPOE_COOKIE_LEN);
	CHECK_MEM(b.data + 43, cookie, sizeof(cookie));
	CHECK_MEM(b.data + 43 + PPPOE_COOKIE_LEN, want.d + 43 + 16, 6);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW,
	    b.data + 43, PPPOE_COOKIE_LEN) == 0);
	pppoe_cookie_free(&key);
}

static void
case_build_pads(void)
{
	struct frame		 want;
	struct pppoe_buf	 b;

	hex_frame(&want, pads_hex);
	pppoe_build_start(&b, client_mac, ac_mac, PPPOE_CODE_PADS, 0x0001);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_SERVICE, NULL, 0) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, host_uniq,
	    sizeof(host_uniq)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_MAX_PAYLOAD, max_payload_1500,
	    sizeof(max_payload_1500)) == 0);
	CHECK(b.len == 38 && b.len == want.len);
	CHECK_MEM(b.data, want.d, want.len);
}

static void
case_build_pads_refusal(void)
{
	struct frame		 want;
	struct pppoe_buf	 b;

	hex_frame(&want, pads_refuse_hex);
	pppoe_build_start(&b, client_mac, ac_mac, PPPOE_CODE_PADS, 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_SERVICE, "isp", 3) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, host_uniq,
	    sizeof(host_uniq)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_SERVICE_ERR, "unknown service",
	    15) == 0);
	CHECK(b.len == 54 && b.len == want.len);
	CHECK_MEM(b.data, want.d, want.len);
}

static void
case_build_padt(void)
{
	struct frame		 want;
	struct pppoe_buf	 b;
	struct pppoe_disc	 d;
	const char		*why = NULL;

	hex_frame(&want, padt_hex);
	pppoe_build_start(&b, client_mac, ac_mac, PPPOE_CODE_PADT, 0x0001);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, host_uniq,
	    sizeof(host_uniq)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_GENERIC_ERR, "session closed",
	    14) == 0);
	CHECK(b.len == 46 && b.len == want.len);
	CHECK_MEM(b.data, want.d, want.len);
	/* What we build, we parse. */
	CHECK(pppoe_disc_parse(b.data, b.len, &d, &why) == 0);
	CHECK(d.session_id == 1);
	CHECK(tag_is(&d.host_uniq, host_uniq, sizeof(host_uniq)));
}

static void
case_build_tag_overflow(void)
{
	static uint8_t		 big[2000];
	struct pppoe_buf	 b, before;
	size_t			 room;

	memset(big, 0x5a, sizeof(big));
	pppoe_build_start(&b, client_mac, ac_mac, PPPOE_CODE_PADO, 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, "ac1", 3) == 0);
	room = sizeof(b.data) - b.len;		/* 1487 */
	CHECK(room == 1514 - 27);

	/* One octet too many: refused, nothing written. */
	memcpy(&before, &b, sizeof(b));
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, big, room - 3) == -1);
	CHECK(memcmp(&before, &b, sizeof(b)) == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, big,
	    sizeof(big)) == -1);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, big,
	    (size_t)UINT16_MAX + 1) == -1);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, big, SIZE_MAX) == -1);
	CHECK(memcmp(&before, &b, sizeof(b)) == 0);

	/* Exactly full fits, and then not even an empty tag does. */
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, big, room - 4) == 0);
	CHECK(b.len == sizeof(b.data));
	CHECK(b.data[18] == (1494 >> 8) && b.data[19] == (1494 & 0xff));
	memcpy(&before, &b, sizeof(b));
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_END, NULL, 0) == -1);
	CHECK(memcmp(&before, &b, sizeof(b)) == 0);

	/* A buffer nobody started is refused, not written past. */
	b.len = 3;
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_END, NULL, 0) == -1);
	CHECK(b.len == 3);
	b.len = sizeof(b.data) + 1;
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_END, NULL, 0) == -1);
}

static void
case_build_tag_empty(void)
{
	struct pppoe_buf	 b;

	pppoe_build_start(&b, client_mac, ac_mac, PPPOE_CODE_PADS, 0x1234);
	CHECK(b.data[16] == 0x12 && b.data[17] == 0x34);
	CHECK(b.data[18] == 0 && b.data[19] == 0);
	CHECK(pppoe_build_tag(&b, PPPOE_TAG_END, NULL, 0) == 0);
	CHECK(b.len == 24);
	CHECK(b.data[18] == 0 && b.data[19] == 4);
	CHECK(b.data[20] == 0 && b.data[21] == 0 && b.data[22] == 0 &&
	    b.data[23] == 0);
}

static void
case_mac_str(void)
{
	static const uint8_t	 mac[6] = {
		0x00, 0x1b, 0xa0, 0xff, 0x0c, 0xde
	};
	char			 buf[18], small[8];

	CHECK(strcmp(pppoe_mac_str(mac, buf, sizeof(buf)),
	    "00:1b:a0:ff:0c:de") == 0);
	CHECK(pppoe_mac_str(mac, buf, sizeof(buf)) == buf);
	/* Too small a buffer: truncated, still a string. */
	CHECK(strcmp(pppoe_mac_str(mac, small, sizeof(small)),
	    "00:1b:a") == 0);
	CHECK(strcmp(pppoe_mac_str(mac, small, 0), "") == 0);
}

/* A fresh key and a cookie for client_mac on IFINDEX at NOW. */
static void
cookie_setup(struct pppoe_cookie_key *key, uint8_t *cookie)
{
	if (pppoe_cookie_init(key) == -1) {
		fprintf(stderr, "pppoe_cookie_init failed\n");
		exit(1);
	}
	CHECK(key->mac != NULL);
	CHECK(pppoe_cookie_make(key, client_mac, IFINDEX, NOW, cookie) == 0);
}

static void
case_cookie_valid_now(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN];

	cookie_setup(&key, c);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c,
	    sizeof(c)) == 0);
	/* The rest of its window: 960 to 1019. */
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 960, c,
	    sizeof(c)) == 0);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 1019, c,
	    sizeof(c)) == 0);
	pppoe_cookie_free(&key);
}

static void
case_cookie_next_window(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN];

	cookie_setup(&key, c);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 1020, c,
	    sizeof(c)) == 0);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX,
	    NOW + PPPOE_COOKIE_WINDOW, c, sizeof(c)) == 0);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 1079, c,
	    sizeof(c)) == 0);
	pppoe_cookie_free(&key);
}

static void
case_cookie_expired(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN];

	cookie_setup(&key, c);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 1080, c,
	    sizeof(c)) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX,
	    NOW + 2 * PPPOE_COOKIE_WINDOW, c, sizeof(c)) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW + 86400, c,
	    sizeof(c)) == -1);
	pppoe_cookie_free(&key);
}

static void
case_cookie_future(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN];

	/* Made in window 16, shown in window 15 or at time 0. */
	cookie_setup(&key, c);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 959, c,
	    sizeof(c)) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 0, c,
	    sizeof(c)) == -1);
	/* Window 0 checked at time 0, and window 1 accepts it. */
	CHECK(pppoe_cookie_make(&key, client_mac, IFINDEX, 0, c) == 0);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 0, c,
	    sizeof(c)) == 0);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 119, c,
	    sizeof(c)) == 0);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, 120, c,
	    sizeof(c)) == -1);
	pppoe_cookie_free(&key);
}

static void
case_cookie_other_mac(void)
{
	static const uint8_t	 other[6] = {
		0x02, 0x00, 0x00, 0x00, 0x01, 0x01
	};
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN];

	cookie_setup(&key, c);
	CHECK(pppoe_cookie_check(&key, other, IFINDEX, NOW, c,
	    sizeof(c)) == -1);
	CHECK(pppoe_cookie_check(&key, ac_mac, IFINDEX, NOW, c,
	    sizeof(c)) == -1);
	pppoe_cookie_free(&key);
}

static void
case_cookie_other_ifindex(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN];

	cookie_setup(&key, c);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX + 1, NOW, c,
	    sizeof(c)) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX | 0x01000000, NOW,
	    c, sizeof(c)) == -1);
	pppoe_cookie_free(&key);
}

static void
case_cookie_other_key(void)
{
	struct pppoe_cookie_key	 key, other;
	uint8_t			 c[PPPOE_COOKIE_LEN], c2[PPPOE_COOKIE_LEN];

	cookie_setup(&key, c);
	cookie_setup(&other, c2);
	CHECK(memcmp(key.key, other.key, sizeof(key.key)) != 0);
	CHECK(memcmp(c, c2, 4) == 0);
	CHECK(memcmp(c + 4, c2 + 4, sizeof(c) - 4) != 0);
	CHECK(pppoe_cookie_check(&other, client_mac, IFINDEX, NOW, c,
	    sizeof(c)) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c2,
	    sizeof(c2)) == -1);
	/* One bit of the key is enough. */
	memcpy(other.key, key.key, sizeof(key.key));
	other.key[31] ^= 0x01;
	CHECK(pppoe_cookie_check(&other, client_mac, IFINDEX, NOW, c,
	    sizeof(c)) == -1);
	pppoe_cookie_free(&key);
	pppoe_cookie_free(&other);
}

static void
case_cookie_modified_byte(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN], m[PPPOE_COOKIE_LEN];
	size_t			 i;
	int			 bit;

	cookie_setup(&key, c);
	for (i = 0; i < sizeof(c); i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, c, sizeof(c));
			m[i] ^= (uint8_t)(1 << bit);
			CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX,
			    NOW, m, sizeof(m)) == -1);
		}
	}
	/* The previous window with the same MAC: the window is covered. */
	memcpy(m, c, sizeof(c));
	m[3]--;
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, m,
	    sizeof(m)) == -1);
	pppoe_cookie_free(&key);
}

static void
case_cookie_wrong_length(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN + 1];

	cookie_setup(&key, c);
	c[PPPOE_COOKIE_LEN] = 0;
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c,
	    PPPOE_COOKIE_LEN) == 0);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c,
	    PPPOE_COOKIE_LEN + 1) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c,
	    PPPOE_COOKIE_LEN - 1) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c,
	    4) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c,
	    0) == -1);
	/* The example's 16-octet cookie. */
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW,
	    example_cookie, sizeof(example_cookie)) == -1);
	pppoe_cookie_free(&key);
}

static void
case_cookie_layout(void)
{
	static const uint8_t	 msg[14] = {
		0x00, 0x00, 0x00, 0x10,			/* window 16 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* client_mac */
		0x00, 0x00, 0x00, 0x07			/* IFINDEX */
	};
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN], c2[PPPOE_COOKIE_LEN];
	uint8_t			 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0;
	size_t			 i;

	/* HMAC-SHA-256 computed apart, with a key we know. */
	cookie_setup(&key, c);
	for (i = 0; i < sizeof(key.key); i++)
		key.key[i] = (uint8_t)(0x0b + i);
	CHECK(pppoe_cookie_make(&key, client_mac, IFINDEX, NOW, c) == 0);
	CHECK(HMAC(EVP_sha256(), key.key, sizeof(key.key), msg, sizeof(msg),
	    md, &mdlen) != NULL);
	CHECK(mdlen == 32);
	CHECK(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 16);
	CHECK_MEM(c + 4, md, 16);
	/* Same inputs, same cookie: nothing else goes in. */
	CHECK(pppoe_cookie_make(&key, client_mac, IFINDEX, 1019, c2) == 0);
	CHECK_MEM(c, c2, sizeof(c));
	pppoe_cookie_free(&key);
}

static void
case_cookie_free(void)
{
	struct pppoe_cookie_key	 key;
	uint8_t			 c[PPPOE_COOKIE_LEN];
	uint8_t			 zero[PPPOE_COOKIE_KEY];
	size_t			 i, n = 0;

	cookie_setup(&key, c);
	/* 32 random octets are not all zero (p = 2^-256). */
	for (i = 0; i < sizeof(key.key); i++)
		n += key.key[i] != 0;
	CHECK(n > 0);
	pppoe_cookie_free(&key);
	memset(zero, 0, sizeof(zero));
	CHECK(key.mac == NULL);
	CHECK_MEM(key.key, zero, sizeof(zero));
	CHECK(pppoe_cookie_make(&key, client_mac, IFINDEX, NOW, c) == -1);
	CHECK(pppoe_cookie_check(&key, client_mac, IFINDEX, NOW, c,
	    sizeof(c)) == -1);
	/* Freeing twice is harmless. */
	pppoe_cookie_free(&key);
}

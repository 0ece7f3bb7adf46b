/*
 * fuzz_pptp_gre: one PPTP call's GRE data path driven by arbitrary
 * bytes.  The first octet sets the configuration (IPv4 header or not,
 * reorder buffer size); the rest is a list of operations:
 *
 *	0x00 hi lo data[]	a raw packet of (hi << 8 | lo) octets, as
 *				the socket would return it
 *	0x01 fl s[4] a[4] n	a well-formed packet for our call: flag bits
 *				fl (1: S, 2: A), sequence s, ack a and an
 *				n-octet payload, so the sequence logic is
 *				reached without guessing headers
 *	0x02 t			let t ms pass and tick
 *	0x03 n			send an n-octet PPP frame
 *
 * (other opcodes are taken modulo 4).  What we send must be well-formed
 * enhanced GRE for the peer's call, every frame delivered must fit, and
 * frames delivered never outnumber the packets that carried data;
 * abort() reports a violation like a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "pptp_gre.h"

#define FUZZ_CALL_ID		0x0011
#define FUZZ_PEER_CALL_ID	0x4000
#define FUZZ_PKT_MAX		(20 + PPTP_GRE_HDR_MAX + 255)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_ctx {
	struct pptp_gre	*gre;
	uint64_t	 delivered;
	uint64_t	 data_in;	/* packets offered with a payload */
	int		 reply;
};

static void	fuzz_deliver(void *, const uint8_t *, size_t);
static int	fuzz_send(void *, const uint8_t *, size_t);
static size_t	fuzz_packet(uint8_t *, int, uint8_t, uint32_t, uint32_t,
		    uint8_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, LOG_DAEMON);
	log_setverbose(1);
	return (0);
}

static void
fuzz_deliver(void *arg, const uint8_t *frame, size_t len)
{
	static const uint8_t	 reply[6] = { 0xff, 0x03, 0xc0, 0x21, 10, 1 };
	struct fuzz_ctx		*f = arg;
	volatile uint8_t	 sink;

	if (len == 0 || len > 0xffff)
		abort();
	/* Touch both ends, so ASan sees a frame that is not all there. */
	sink = frame[0] ^ frame[len - 1];
	(void)sink;
	f->delivered++;
	if (f->reply)
		pptp_gre_output(f->gre, reply, sizeof(reply));
}

/* GRE header and payload for the peer's call, nothing else. */
static int
fuzz_send(void *arg, const uint8_t *pkt, size_t len)
{
	size_t	hlen;

	(void)arg;
	if (len < 12 || pkt[0] != (pkt[0] & 0x30) || (pkt[0] & 0x20) == 0 ||
	    (pkt[1] & 0x7f) != 1 || pkt[2] != 0x88 || pkt[3] != 0x0b ||
	    pkt[6] != (FUZZ_PEER_CALL_ID >> 8) ||
	    pkt[7] != (FUZZ_PEER_CALL_ID & 0xff))
		abort();
	hlen = 8 + ((pkt[0] & 0x10) ? 4 : 0) + ((pkt[1] & 0x80) ? 4 : 0);
	if (hlen == 8 || len != hlen + (size_t)((pkt[4] << 8) | pkt[5]))
		abort();
	return (0);
}

static size_t
fuzz_packet(uint8_t *p, int ip, uint8_t fl, uint32_t seq, uint32_t ack,
    uint8_t plen)
{
	size_t		 len = 0, total, i;
	uint16_t	 flags = 0x2001;

	if (fl & 1)
		flags |= 0x1000;
	if (fl & 2)
		flags |= 0x0080;
	total = 8 + ((fl & 1) ? 4 : 0) + ((fl & 2) ? 4 : 0) + plen;
	if (ip) {
		memset(p, 0, 20);
		p[0] = 0x45;
		p[2] = (uint8_t)((total + 20) >> 8);
		p[3] = (uint8_t)(total + 20);
		p[8] = 64;
		p[9] = 47;
		len = 20;
	}
	p[len++] = flags >> 8;
	p[len++] = flags & 0xff;
	p[len++] = 0x88;
	p[len++] = 0x0b;
	p[len++] = 0;
	p[len++] = plen;
	p[len++] = FUZZ_CALL_ID >> 8;
	p[len++] = FUZZ_CALL_ID & 0xff;
	for (i = 0; (fl & 1) && i < 4; i++)
		p[len++] = (uint8_t)(seq >> (24 - 8 * i));
	for (i = 0; (fl & 2) && i < 4; i++)
		p[len++] = (uint8_t)(ack >> (24 - 8 * i));
	for (i = 0; i < plen; i++)
		p[len++] = (uint8_t)(i == 0 ? 0xff : i == 1 ? 0x03 : seq + i);
	return (len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_gre_conf	 conf;
	struct pptp_gre_cb	 cb;
	struct fuzz_ctx		 f;
	uint8_t			 pkt[FUZZ_PKT_MAX];
	static uint8_t		 frame[PPTP_GRE_PAYLOAD_MAX];
	uint64_t		 now = 0;
	uint32_t		 seq, ack;
	size_t			 off = 1, n;
	uint8_t			 fl, plen;

	if (size < 1)
		return (0);
	memset(&f, 0, sizeof(f));
	pptp_gre_conf_defaults(&conf);
	conf.call_id = FUZZ_CALL_ID;
	conf.peer_call_id = FUZZ_PEER_CALL_ID;
	conf.ip_header = (data[0] & 0x80) == 0;
	conf.reorder_max = data[0] & 0x1f;
	conf.recv_window = (data[0] & 0x40) ? 4 : 64;
	f.reply = (data[0] & 0x20) != 0;
	memset(&cb, 0, sizeof(cb));
	cb.arg = &f;
	cb.deliver = fuzz_deliver;
	cb.send = fuzz_send;
	if ((f.gre = pptp_gre_new(&conf, &cb)) == NULL)
		abort();

	while (off < size) {
		switch (data[off++] % 4) {
		case 0:
			if (size - off < 2)
				goto done;
			n = (size_t)(data[off] << 8 | data[off + 1]);
			off += 2;
			if (n > size - off)
				n = size - off;
			/* A copy of exactly n octets, for ASan's sake. */
			{
				uint8_t	*copy = malloc(n > 0 ? n : 1);

				if (copy == NULL)
					abort();
				memcpy(copy, data + off, n);
				f.data_in++;
				pptp_gre_input(f.gre, copy, n, now);
				free(copy);
			}
			off += n;
			break;
		case 1:
			if (size - off < 10)
				goto done;
			fl = data[off];
			seq = (uint32_t)data[off + 1] << 24 |
			    (uint32_t)data[off + 2] << 16 |
			    (uint32_t)data[off + 3] << 8 | data[off + 4];
			ack = (uint32_t)data[off + 5] << 24 |
			    (uint32_t)data[off + 6] << 16 |
			    (uint32_t)data[off + 7] << 8 | data[off + 8];
			plen = data[off + 9];
			off += 10;
			if (fl & 1)
				f.data_in++;
			pptp_gre_input(f.gre, pkt, fuzz_packet(pkt,
			    conf.ip_header, fl, seq, ack, plen), now);
			break;
		case 2:
			if (size - off < 1)
				goto done;
			now += data[off++];
			pptp_gre_tick(f.gre, now);
			if (pptp_gre_deadline(f.gre) < now)
				abort();
			break;
		default:
			if (size - off < 1)
				goto done;
			n = data[off++];
			memset(frame, (int)n, n);
			pptp_gre_output(f.gre, frame, n);
			break;
		}
		if (f.delivered > f.data_in ||
		    pptp_gre_stats(f.gre)->ipackets != f.delivered)
			abort();
	}
done:
	pptp_gre_free(f.gre);
	return (0);
}

/*
 * mss.c: TCP MSS clamping on a session's IPv4 traffic.  Hosts behind a
 * PPPoE link still announce an MSS for 1500-byte Ethernet (1460), and
 * with path MTU discovery broken by ICMP filters their connections
 * stall; lowering the MSS option of SYN segments that cross the session
 * avoids it (what admins do with iptables' TCPMSS --clamp-mss-to-pmtu).
 */
#include <stddef.h>
#include <stdint.h>

#include "mss.h"

#define IP_PROTO_TCP	6
#define TCP_FLAG_SYN	0x02
#define TCP_OPT_END	0
#define TCP_OPT_NOP	1
#define TCP_OPT_MSS	2

static uint16_t	 get16(const uint8_t *);
static void	 put16(uint8_t *, uint16_t);

static uint16_t
get16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * If pkt is an IPv4 TCP SYN (first fragment) whose MSS option exceeds
 * mss, lower it and fix the TCP checksum incrementally (RFC 1624,
 * eqn. 3).  Returns 1 if the packet changed.  Anything malformed or
 * truncated is left alone: it is the receiver's to drop.
 */
int
mss_clamp(uint8_t *pkt, size_t len, uint16_t mss)
{
	size_t		 ihl, thl, off;
	uint8_t		*tcp, kind, olen;
	uint16_t	 old;
	uint32_t	 sum;

	if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != IP_PROTO_TCP)
		return (0);
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	/* Octets past the IP total length are not the packet's. */
	if (get16(pkt + 2) < len)
		len = get16(pkt + 2);
	/* A later fragment has no TCP header; its offset is not 0. */
	if (ihl < 20 || (get16(pkt + 6) & 0x1fff) != 0 || len < ihl + 20)
		return (0);
	tcp = pkt + ihl;
	if ((tcp[13] & TCP_FLAG_SYN) == 0)
		return (0);
	thl = (size_t)(tcp[12] >> 4) * 4;
	if (thl < 20 || ihl + thl > len)
		return (0);
	for (off = 20; off < thl; off += olen) {
		kind = tcp[off];
		if (kind == TCP_OPT_END)
			break;
		if (kind == TCP_OPT_NOP) {
			olen = 1;
			continue;
		}
		if (off + 1 >= thl || (olen = tcp[off + 1]) < 2 ||
		    off + olen > thl)
			return (0);
		if (kind != TCP_OPT_MSS || olen != 4)
			continue;
		old = get16(tcp + off + 2);
		if (old <= mss)
			return (0);
		put16(tcp + off + 2, mss);
		/* HC' = ~(~HC + ~m + m') in ones' complement */
		sum = (uint16_t)~get16(tcp + 16);
		sum += (uint16_t)~old;
		sum += mss;
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		put16(tcp + 16, (uint16_t)~sum);
		return (1);
	}
	return (0);
}

/*
 * ippkt.c - TCP MSS clamping and dial-on-demand packet qualification over
 * raw IPv4 (RFC 791) and IPv6 (RFC 8200) packets.
 *
 * mpd5's `tcpmssfix` (ng_tcpmss, tcpmssd) lowers the Maximum Segment Size
 * option (RFC 9293 3.7.1) of TCP SYN segments crossing the interface so
 * that peers behind a smaller MTU never send segments that need ICMP
 * "fragmentation needed" messages which some routers drop.  The checksum
 * is updated incrementally (RFC 1624 eqn. 3) byte by byte, so an MSS
 * option at an odd offset is handled as well as an aligned one.
 *
 * The locator helper below is shared by both users: it finds the
 * transport header of an unfragmented or first-fragment packet, bounded
 * by the smaller of the buffer and the packet's own length field, and
 * walks at most a few IPv6 extension headers.
 */
#include "ippkt.h"

#include <string.h>

#define IPPROTO_HOPOPTS_	0
#define IPPROTO_ICMP_		1
#define IPPROTO_IGMP_		2
#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17
#define IPPROTO_ROUTING_	43
#define IPPROTO_FRAGMENT_	44
#define IPPROTO_ICMPV6_		58
#define IPPROTO_DSTOPTS_	60

#define TCP_FLAG_RST		0x04
#define TCP_FLAG_SYN		0x02
#define TCP_OPT_EOL		0
#define TCP_OPT_NOP		1
#define TCP_OPT_MSS		2

/* At most this many IPv6 extension headers are skipped. */
#define IP6_MAX_EXT		8

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Where the transport header of a packet starts. */
struct l4 {
	int		family;		/* 4 or 6 */
	uint8_t		proto;
	bool		first;		/* unfragmented or first fragment */
	size_t		off;		/* transport header offset */
	size_t		end;		/* end of the packet's payload */
};

/* Returns 0 with *r filled, -1 when the packet is malformed. */
static int
locate_l4(const uint8_t *pkt, size_t len, struct l4 *r)
{
	size_t ihl, tot, off, end, hlen;
	uint8_t nh;
	int i;

	if (len < 1)
		return -1;
	switch (pkt[0] >> 4) {
	case 4:
		if (len < 20)
			return -1;
		ihl = (size_t)(pkt[0] & 0x0f) * 4;
		tot = get16(pkt + 2);
		if (ihl < 20 || tot < ihl || tot > len)
			return -1;
		r->family = 4;
		r->proto = pkt[9];
		r->first = (get16(pkt + 6) & 0x1fff) == 0;
		r->off = ihl;
		r->end = tot;
		return 0;
	case 6:
		if (len < 40)
			return -1;
		end = 40 + (size_t)get16(pkt + 4);
		if (end > len)
			return -1;
		nh = pkt[6];
		off = 40;
		r->first = true;
		for (i = 0; i < IP6_MAX_EXT; i++) {
			if (nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_ROUTING_ ||
			    nh == IPPROTO_DSTOPTS_) {
				if (end - off < 2)
					return -1;
				hlen = ((size_t)pkt[off + 1] + 1) * 8;
				if (hlen > end - off)
					return -1;
				nh = pkt[off];
				off += hlen;
			} else if (nh == IPPROTO_FRAGMENT_) {
				if (end - off < 8)
					return -1;
				if ((get16(pkt + off + 2) & 0xfff8) != 0)
					r->first = false;
				nh = pkt[off];
				off += 8;
			} else {
				break;
			}
		}
		r->family = 6;
		r->proto = nh;
		r->off = off;
		r->end = end;
		return 0;
	default:
		return -1;
	}
}

uint16_t
ippkt_cksum(const uint8_t *data, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(data[i] << 8 | data[i + 1]);
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * RFC 1624 eqn. 3 for one byte: HC' = ~(~HC + ~m + m'), where m / m' are
 * the byte's old / new contribution to its 16-bit word (high byte at an
 * even offset from the start of the checksummed data, low byte at odd).
 */
static uint16_t
cksum_adjust_byte(uint16_t ck, size_t pos, uint8_t old, uint8_t new)
{
	uint32_t m = (pos & 1) ? old : (uint32_t)old << 8;
	uint32_t n = (pos & 1) ? new : (uint32_t)new << 8;
	uint32_t sum;

	sum = (uint16_t)~ck + (uint16_t)~m + n;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
ippkt_mss_for_mtu(int mtu, bool ipv6)
{
	int mss = mtu - (ipv6 ? 60 : 40);

	if (mss < 64)
		return 0;
	if (mss > 0xffff)
		mss = 0xffff;
	return (uint16_t)mss;
}

int
ippkt_mss_clamp(uint8_t *pkt, size_t len, uint16_t mss4, uint16_t mss6)
{
	struct l4 l;
	uint8_t *tcp, olen, oldb[2], newb[2];
	size_t seglen, doff, i, k;
	uint16_t limit, mss, ck;

	if (locate_l4(pkt, len, &l) < 0 || l.proto != IPPROTO_TCP_ || !l.first)
		return 0;
	limit = l.family == 4 ? mss4 : mss6;
	if (limit == 0)
		return 0;
	seglen = l.end - l.off;
	if (seglen < 20)
		return 0;
	tcp = pkt + l.off;
	if (!(tcp[13] & TCP_FLAG_SYN))
		return 0;
	doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || doff > seglen)
		return 0;
	for (i = 20; i < doff;) {
		if (tcp[i] == TCP_OPT_EOL)
			break;
		if (tcp[i] == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (doff - i < 2)
			return 0;
		olen = tcp[i + 1];
		if (olen < 2 || olen > doff - i)
			return 0;
		if (tcp[i] == TCP_OPT_MSS && olen == 4) {
			mss = get16(tcp + i + 2);
			if (mss <= limit)
				return 0;
			oldb[0] = tcp[i + 2];
			oldb[1] = tcp[i + 3];
			put16(tcp + i + 2, limit);
			newb[0] = tcp[i + 2];
			newb[1] = tcp[i + 3];
			ck = get16(tcp + 16);
			for (k = 0; k < 2; k++)
				ck = cksum_adjust_byte(ck, i + 2 + k, oldb[k],
				    newb[k]);
			put16(tcp + 16, ck);
			return 1;
		}
		i += olen;
	}
	return 0;
}

bool
ippkt_demand_qualifies(const uint8_t *pkt, size_t len)
{
	struct l4 l;
	const uint8_t *p;
	size_t n;
	uint8_t type;

	if (locate_l4(pkt, len, &l) < 0)
		return false;
	/* Later fragments carry no transport header: judge by protocol. */
	p = pkt + l.off;
	n = l.end - l.off;
	switch (l.proto) {
	case IPPROTO_IGMP_:
		return l.family != 4;
	case IPPROTO_ICMP_:
		if (l.family != 4 || !l.first)
			return true;
		if (n < 1)
			return false;
		type = p[0];
		/* echo-reply, destination unreachable, redirect */
		return type != 0 && type != 3 && type != 5;
	case IPPROTO_ICMPV6_:
		if (l.family != 6 || !l.first)
			return true;
		if (n < 1)
			return false;
		type = p[0];
		/*
		 * destination unreachable, echo reply, multicast listener
		 * query/report/done (and v2 report), router/neighbour
		 * solicitation and advertisement, redirect
		 */
		return type != 1 && type != 129 && type != 143 &&
		    !(type >= 130 && type <= 137);
	case IPPROTO_UDP_:
		if (!l.first)
			return true;
		if (n < 8)
			return false;
		return get16(p + 2) != 123;
	case IPPROTO_TCP_:
		if (!l.first)
			return true;
		if (n < 20)
			return false;
		return !(p[13] & TCP_FLAG_RST);
	default:
		return true;
	}
}

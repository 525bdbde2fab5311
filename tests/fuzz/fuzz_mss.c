/*
 * fuzz_mss.c - libFuzzer target for the tcpmssfix clamper and the
 * dial-on-demand classifier (dp/ippkt.h).
 *
 * Input: two big-endian 16-bit limits (IPv4, IPv6) followed by a raw IP
 * packet, copied into an exact-size buffer so any overrun is caught.  For
 * plain IPv4/IPv6 TCP packets the target also checks the promise of the
 * clamper: a packet whose TCP checksum was valid stays valid, and a
 * changed MSS never exceeds the limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp/ippkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/*
 * Offset of the TCP header of a simple packet (IPv4 unfragmented, IPv6
 * without extension headers) whose lengths are consistent, or 0.
 */
static size_t
tcp_off(const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len >= 40 && (p[0] >> 4) == 4) {
		ihl = (size_t)(p[0] & 15) * 4;
		if (ihl < 20 || get16(p + 2) != len || p[9] != 6 ||
		    (get16(p + 6) & 0x3fff) != 0 || len < ihl + 20)
			return 0;
		return ihl;
	}
	if (len >= 60 && (p[0] >> 4) == 6) {
		if (get16(p + 4) + 40 != len || p[6] != 6)
			return 0;
		return 40;
	}
	return 0;
}

static int
tcp_valid(const uint8_t *p, size_t len, size_t off)
{
	uint32_t sum = 6 + (uint32_t)(len - off);
	size_t i;

	if ((p[0] >> 4) == 4)
		for (i = 12; i < 20; i += 2)
			sum += get16(p + i);
	else
		for (i = 8; i < 40; i += 2)
			sum += get16(p + i);
	return ippkt_cksum(p + off, len - off, sum) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t mss4, mss6;
	uint8_t *pkt;
	size_t len, off;
	int valid = 0;

	if (size < 4 || size > 65535 + 4)
		return 0;
	mss4 = (uint16_t)get16(data);
	mss6 = (uint16_t)get16(data + 2);
	len = size - 4;
	pkt = malloc(len ? len : 1);
	if (pkt == NULL)
		return 0;
	memcpy(pkt, data + 4, len);
	off = tcp_off(pkt, len);
	if (off != 0)
		valid = tcp_valid(pkt, len, off);
	(void)ippkt_demand_qualifies(pkt, len);
	if (ippkt_mss_clamp(pkt, len, mss4, mss6) == 1 && off != 0 &&
	    valid && !tcp_valid(pkt, len, off))
		abort();
	/* A second pass finds nothing left to lower. */
	if (ippkt_mss_clamp(pkt, len, mss4, mss6) != 0)
		abort();
	free(pkt);
	return 0;
}

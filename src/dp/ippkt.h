/*
 * ippkt.h - pure inspection and rewriting of IP packets for the data
 * plane: TCP MSS clamping (`set iface enable tcpmssfix`) and the
 * dial-on-demand qualification of outgoing packets (surface spec 4.4.2).
 *
 * Every function works on one raw IPv4 or IPv6 packet in (pkt, len), is
 * free of I/O and global state, and never reads outside the buffer,
 * whatever the packet claims about its own lengths.
 */
#ifndef MPD_DP_IPPKT_H
#define MPD_DP_IPPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * If pkt is a TCP segment with SYN set (first fragment or unfragmented)
 * carrying a Maximum Segment Size option (RFC 9293 3.7.1) larger than the
 * limit for its family, lower the option to that limit and adjust the TCP
 * checksum incrementally (RFC 1624).  mss4 / mss6 are the limits for IPv4
 * and IPv6 (0 leaves that family alone).  Returns 1 when the packet was
 * changed, 0 when not (not TCP SYN, no MSS option, already small enough,
 * malformed).
 */
int	ippkt_mss_clamp(uint8_t *pkt, size_t len, uint16_t mss4,
	    uint16_t mss6);

/*
 * MSS limits for an interface MTU: IPv4 MTU - 40 (surface spec 4.4.2)
 * and IPv6 MTU - 60 (the larger fixed header).  0 when the MTU is too
 * small to give a sensible value.
 */
uint16_t ippkt_mss_for_mtu(int mtu, bool ipv6);

/*
 * Dial-on-demand: does this outgoing packet justify opening the links?
 * Everything qualifies except IGMP, ICMP echo-reply / destination
 * unreachable / redirect, UDP to port 123 (NTP) and TCP with RST (spec
 * 4.4.2); for IPv6 the same kinds plus neighbour discovery and multicast
 * listener messages, which the host sends on its own.  Packets that are
 * neither IPv4 nor IPv6, or are malformed, do not qualify.
 */
bool	ippkt_demand_qualifies(const uint8_t *pkt, size_t len);

/* The Internet checksum (RFC 1071) of data, starting from sum. */
uint16_t ippkt_cksum(const uint8_t *data, size_t len, uint32_t sum);

#endif /* MPD_DP_IPPKT_H */

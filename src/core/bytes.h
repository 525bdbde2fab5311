/*
 * bytes.h - network byte order loads and stores for the wire codecs
 * (big-endian, no alignment assumed).  Pure.
 */
#ifndef MPD_CORE_BYTES_H
#define MPD_CORE_BYTES_H

#include <stdint.h>

/* The big-endian 16-bit value at p. */
static inline uint16_t
bytes_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The big-endian 32-bit value at p. */
static inline uint32_t
bytes_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Store v at p, big-endian. */
static inline void
bytes_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Store v at p, big-endian. */
static inline void
bytes_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* MPD_CORE_BYTES_H */

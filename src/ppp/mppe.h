/*
 * mppe.h - the MPPC/MPPE CCP algorithm (CCP option 18): Microsoft
 * Point-to-Point Encryption (RFC 3078) with its RFC 3079 session keys,
 * optionally on top of MPPC compression (RFC 2118), one direction per
 * struct.  Pure codecs over caller buffers: the CCP runtime (ccp_run.c)
 * owns the states and turns "need reset" into Reset-Requests.
 *
 * Frame (after PPP protocol 0x00FD): 2 bytes A B C D + 12-bit coherency
 * count, then the payload: the PPP protocol field (2 bytes, or 1 when
 * PFC-compressible) and data, MPPC-compressed when C, RC4-encrypted
 * when D.
 */
#ifndef MPD_PPP_MPPE_H
#define MPD_PPP_MPPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mppc.h"

/* The CCP option 18 supported bits (RFC 3078 2.1, RFC 2118 2). */
#define MPPE_BIT_H		0x01000000u	/* stateless */
#define MPPE_BIT_M		0x00000080u	/* 56-bit */
#define MPPE_BIT_S		0x00000040u	/* 128-bit */
#define MPPE_BIT_L		0x00000020u	/* 40-bit */
#define MPPE_BIT_D		0x00000010u	/* obsolete */
#define MPPE_BIT_C		0x00000001u	/* MPPC compression */
#define MPPE_BITS_ENC		(MPPE_BIT_M | MPPE_BIT_S | MPPE_BIT_L)

/* Header flag bits (high byte of the 2-byte header). */
#define MPPE_HDR_FLUSHED	0x80	/* A */
#define MPPE_HDR_FRONT		0x40	/* B */
#define MPPE_HDR_COMP		0x20	/* C */
#define MPPE_HDR_ENC		0x10	/* D */
#define MPPE_CCOUNT_MASK	0x0fff
#define MPPE_OVHD		2

struct mppe_rc4 {
	uint8_t		s[256];
	uint8_t		i, j;
};

/* Per-direction counters for `show ccp`. */
struct mppe_stats {
	uint64_t	frames, octets_in, octets_out;
	uint64_t	comp_frames, uncomp_frames;
	uint64_t	errors, lost, rekeys, resets;
};

/*
 * One direction of MPPC/MPPE.  mppe_dir_init() fills it; it holds the
 * 8 KB MPPC history when compressing, so allocate it on the heap.
 */
struct mppe_dir {
	bool		 encrypt;		/* MPPE negotiated */
	bool		 compress;		/* MPPC negotiated */
	bool		 stateless;
	int		 keybits;		/* 40, 56, 128 */
	size_t		 keylen;		/* 8 or 16 */
	uint8_t		 master[16];		/* start key */
	uint8_t		 session[16];
	struct mppe_rc4	 rc4;
	uint16_t	 ccount;		/* last sent / received */
	bool		 discard;		/* rx: waiting for FLUSHED */
	bool		 flush_next;		/* tx: set A on next packet */
	union {
		struct mppc_comp	c;
		struct mppc_decomp	d;
	}		 mppc;
	struct mppe_stats st;
};

/* RC4 key schedule and keystream XOR in place. */
void	mppe_rc4_init(struct mppe_rc4 *r, const uint8_t *key, size_t len);
void	mppe_rc4_crypt(struct mppe_rc4 *r, uint8_t *buf, size_t len);

/*
 * Negotiated bits -> key length in bits (128 > 56 > 40), 0 for none.
 */
int	mppe_bits_keylen(uint32_t bits);

/*
 * Prepare one direction: bits are the negotiated option 18 bits; key is
 * the 16-byte start key of that direction (RFC 3079 3.4 / 2.4, or the
 * RADIUS MS-MPPE-Send/Recv-Key) or NULL without encryption.  tx selects
 * compressor state.  Derives the first session key (RFC 3079: no RC4
 * step) and reduces it for 40/56 bits.  Returns 0, -1 if SHA-1 failed.
 */
int	mppe_dir_init(struct mppe_dir *d, uint32_t bits, const uint8_t *key,
	    bool tx);
/*
 * Change the session key (RFC 3078 7.3 / RFC 3079 GetKey): SHA-1 of the
 * start and current keys, RC4-encrypted with itself, then reduced.
 */
void	mppe_rekey(struct mppe_dir *d);

/*
 * Encode one frame: proto + data (len bytes) into out (outmax >= len +
 * 4 + MPPC slack is enough; returns -1 if too small).  Returns the frame
 * length (header + payload).  After a Reset-Request call mppe_tx_reset()
 * first.
 */
int	mppe_encode(struct mppe_dir *d, uint16_t proto, const uint8_t *data,
	    size_t len, uint8_t *out, size_t outmax);
/* The peer asked for a reset: flush the history / rekey on the next frame. */
void	mppe_tx_reset(struct mppe_dir *d);

/* Result of mppe_decode. */
enum mppe_rx {
	MPPE_RX_OK,		/* *proto and the data in out are valid */
	MPPE_RX_DROP,		/* dropped quietly (discard state, late) */
	MPPE_RX_RESET,		/* dropped; send a CCP Reset-Request */
	MPPE_RX_BAD,		/* malformed: dropped, counted */
};

/*
 * Decode one frame (after protocol 0x00FD) into out: *proto is the inner
 * protocol, *olen the data length after it.  Stateful loss handling per
 * RFC 3078 8.2: a coherency-count gap or an undecodable frame enters the
 * discard state (RESET for every frame dropped) until a FLUSHED frame arrives; stateless
 * mode follows the count with one rekey per step.  Bounds-checked.
 */
enum mppe_rx mppe_decode(struct mppe_dir *d, const uint8_t *in, size_t len,
	    uint16_t *proto, uint8_t *out, size_t outmax, size_t *olen);

/* "MPPE(128 bits), MPPC, stateless" style description into buf. */
void	mppe_describe(uint32_t bits, char *buf, size_t len);

#endif /* MPD_PPP_MPPE_H */

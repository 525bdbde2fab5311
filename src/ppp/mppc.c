/*
 * mppc.c - MPPC compression (RFC 2118 section 4): an LZ77 code over an
 * 8192-byte history shared by the two ends.
 *
 * The bit code, most significant bit first:
 *   literal < 0x80        0 + 7 bits           (8 bits)
 *   literal >= 0x80       10 + low 7 bits      (9 bits)
 *   copy offset < 64      1111 + 6 bits
 *   copy offset < 320     1110 + 8 bits (offset - 64)
 *   copy offset < 8192    110 + 13 bits (offset - 320)
 *   then the length: 3 is "0"; 2^(k+1) .. 2^(k+2)-1 is k ones, a zero and
 *   k+1 bits (k = 1..11, so up to 8191).
 * The packet is padded with zero bits to a whole byte; fewer than eight
 * bits can never hold a token, which is how the decoder sees the end.
 *
 * The compressor is greedy with one hash candidate per 3-byte string; it
 * is correct whatever the hash finds because every match is verified
 * against the history bytes both ends hold.  Pure: no I/O, no globals.
 */
#include "mppc.h"

#include <string.h>

/* ---- bit writer / reader ---- */

struct mppc_bw {
	uint8_t		*out;
	size_t		 max;		/* bytes allowed */
	size_t		 n;		/* bytes written */
	uint64_t	 acc;
	unsigned	 bits;		/* bits pending in acc */
	bool		 full;
};

static inline void
mppc_put(struct mppc_bw *w, uint32_t v, unsigned nbits)
{
	w->acc = (w->acc << nbits) | (v & ((1u << nbits) - 1));
	w->bits += nbits;
	while (w->bits >= 8) {
		w->bits -= 8;
		if (w->n >= w->max) {
			w->full = true;
			return;
		}
		w->out[w->n++] = (uint8_t)(w->acc >> w->bits);
	}
}

static inline void
mppc_put_literal(struct mppc_bw *w, uint8_t c)
{
	if (c < 0x80)
		mppc_put(w, c, 8);
	else
		mppc_put(w, 0x100u | (c & 0x7f), 9);
}

static inline void
mppc_put_copy(struct mppc_bw *w, size_t off, size_t len)
{
	unsigned k;

	if (off < 64)
		mppc_put(w, 0x3c0u | (uint32_t)off, 10);
	else if (off < 320)
		mppc_put(w, 0xe00u | (uint32_t)(off - 64), 12);
	else
		mppc_put(w, 0xc000u | (uint32_t)(off - 320), 16);
	if (len == 3) {
		mppc_put(w, 0, 1);
		return;
	}
	/* k ones and a zero, then k+1 bits of len - 2^(k+1) */
	for (k = 1; k < 12 && len >= (1u << (k + 2)); k++)
		;
	mppc_put(w, ((1u << (k + 1)) - 2), k + 1);
	mppc_put(w, (uint32_t)(len - (1u << (k + 1))), k + 1);
}

struct mppc_br {
	const uint8_t	*in;
	size_t		 len;		/* bytes */
	size_t		 bit;		/* next bit index */
};

static inline size_t
mppc_left(const struct mppc_br *r)
{
	return r->len * 8 - r->bit;
}

/* Next nbits (<= 16) or -1 past the end. */
static inline int
mppc_get(struct mppc_br *r, unsigned nbits)
{
	uint32_t v = 0;
	unsigned i;

	if (mppc_left(r) < nbits)
		return -1;
	for (i = 0; i < nbits; i++, r->bit++)
		v = (v << 1) |
		    ((r->in[r->bit >> 3] >> (7 - (r->bit & 7))) & 1u);
	return (int)v;
}

/* ---- compressor ---- */

void
mppc_comp_reset(struct mppc_comp *c)
{
	c->pos = 0;
	memset(c->hash, 0, sizeof(c->hash));
}

void
mppc_decomp_reset(struct mppc_decomp *d)
{
	d->pos = 0;
}

static inline uint32_t
mppc_hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

	return (v * 2654435761u) >> (32 - MPPC_HASH_BITS);
}

size_t
mppc_compress(struct mppc_comp *c, const uint8_t *in, size_t len,
    uint8_t *out, size_t outmax, uint8_t *flags)
{
	struct mppc_bw w = { .out = out, .max = outmax < len ? outmax : len };
	uint8_t *h = c->hist;
	size_t i, end, cand, n, j;
	uint32_t hv;

	if (len == 0 || len > MPPC_HIST_LEN)
		goto expanded;
	if (c->pos + len > MPPC_HIST_LEN) {
		c->pos = 0;
		*flags |= MPPC_F_FRONT;
	}
	memcpy(h + c->pos, in, len);
	i = c->pos;
	end = c->pos + len;
	while (i < end && !w.full) {
		if (i + 3 <= end) {
			hv = mppc_hash3(h + i);
			cand = c->hash[hv];
			c->hash[hv] = (uint16_t)i;
			if (cand < i && h[cand] == h[i] &&
			    h[cand + 1] == h[i + 1] && h[cand + 2] == h[i + 2]) {
				n = 3;
				while (i + n < end && h[cand + n] == h[i + n])
					n++;
				mppc_put_copy(&w, i - cand, n);
				/* a few hash entries inside the match */
				for (j = i + 1; j < i + n && j + 3 <= end &&
				    j < i + 4; j++)
					c->hash[mppc_hash3(h + j)] =
					    (uint16_t)j;
				i += n;
				continue;
			}
		}
		mppc_put_literal(&w, h[i]);
		i++;
	}
	/* pad to a byte with zero bits */
	if (!w.full && w.bits > 0)
		mppc_put(&w, 0, 8 - w.bits);
	if (w.full || w.n >= len)
		goto expanded;
	c->pos = end;
	*flags |= MPPC_F_COMP;
	return w.n;

expanded:
	mppc_comp_reset(c);
	*flags &= (uint8_t)~(MPPC_F_COMP | MPPC_F_FRONT);
	return 0;
}

/* ---- decompressor ---- */

/* The length code after a copy offset, or -1. */
static int
mppc_get_len(struct mppc_br *r)
{
	int b, v;
	unsigned k = 0;

	while ((b = mppc_get(r, 1)) == 1) {
		if (++k > 11)
			return -1;
	}
	if (b < 0)
		return -1;
	if (k == 0)
		return 3;
	if ((v = mppc_get(r, k + 1)) < 0)
		return -1;
	return (1 << (k + 1)) + v;
}

int
mppc_decompress(struct mppc_decomp *d, uint8_t flags, const uint8_t *in,
    size_t len, uint8_t *out, size_t outmax)
{
	struct mppc_br r = { .in = in, .len = len, .bit = 0 };
	uint8_t *h = d->hist;
	size_t start, off, n, k;
	int v, l;

	if (flags & MPPC_F_FLUSHED)
		mppc_decomp_reset(d);
	if (!(flags & MPPC_F_COMP)) {
		if (len > outmax)
			return -1;
		memcpy(out, in, len);
		return (int)len;
	}
	if (flags & MPPC_F_FRONT)
		d->pos = 0;
	start = d->pos;
	while (mppc_left(&r) >= 8) {
		if ((v = mppc_get(&r, 1)) == 0) {
			/* literal < 0x80 */
			if ((v = mppc_get(&r, 7)) < 0 ||
			    d->pos >= MPPC_HIST_LEN)
				goto bad;
			h[d->pos++] = (uint8_t)v;
			continue;
		}
		if ((v = mppc_get(&r, 1)) < 0)
			goto bad;
		if (v == 0) {
			/* literal >= 0x80 */
			if ((v = mppc_get(&r, 7)) < 0 ||
			    d->pos >= MPPC_HIST_LEN)
				goto bad;
			h[d->pos++] = (uint8_t)(0x80 | v);
			continue;
		}
		if ((v = mppc_get(&r, 1)) < 0)
			goto bad;
		if (v == 0) {
			if ((v = mppc_get(&r, 13)) < 0)
				goto bad;
			off = (size_t)v + 320;
		} else {
			if ((v = mppc_get(&r, 1)) < 0)
				goto bad;
			if (v == 0) {
				if ((v = mppc_get(&r, 8)) < 0)
					goto bad;
				off = (size_t)v + 64;
			} else {
				if ((v = mppc_get(&r, 6)) < 0)
					goto bad;
				off = (size_t)v;
			}
		}
		if ((l = mppc_get_len(&r)) < 0)
			goto bad;
		n = (size_t)l;
		if (off == 0 || off > d->pos || d->pos + n > MPPC_HIST_LEN)
			goto bad;
		/* byte by byte: the source may overlap what we write */
		for (k = 0; k < n; k++, d->pos++)
			h[d->pos] = h[d->pos - off];
	}
	n = d->pos - start;
	if (n > outmax)
		goto bad;
	memcpy(out, h + start, n);
	return (int)n;

bad:
	return -1;
}

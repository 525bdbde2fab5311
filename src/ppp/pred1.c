/*
 * pred1.c - Predictor type 1 (RFC 1978 3.1, 3.2): both ends keep a
 * 64 KB table of the byte that followed each 16-bit hash of the recent
 * input; a flag byte per 8 input bytes marks the correctly guessed ones,
 * which are not sent.  A frame that would grow is sent as is, and the
 * receiver runs the compressor over it to keep its table in step.
 */
#include "pred1.h"

#include <string.h>

#include "../link/hdlc.h"
#include "proto.h"

#define PRED1_HASH(h, c)	((uint16_t)(((h) << 4) ^ (c)))

void
pred1_reset(struct pred1_dir *d)
{
	memset(d->table, 0, sizeof(d->table));
	d->hash = 0;
}

/* Compress in -> out (room for len + len/8 + 1); returns the length. */
static size_t
pred1_compress(struct pred1_dir *d, const uint8_t *in, size_t len,
    uint8_t *out)
{
	size_t i = 0, n = 0, f;
	uint16_t h = d->hash;
	uint8_t flags;
	int bit;

	while (i < len) {
		f = n++;
		flags = 0;
		for (bit = 0; bit < 8 && i < len; bit++, i++) {
			if (d->table[h] == in[i])
				flags |= (uint8_t)(1u << bit);
			else {
				d->table[h] = in[i];
				out[n++] = in[i];
			}
			h = PRED1_HASH(h, in[i]);
		}
		out[f] = flags;
	}
	d->hash = h;
	return n;
}

/* Expand exactly want bytes from in; -1 if in is short or too long. */
static int
pred1_expand(struct pred1_dir *d, const uint8_t *in, size_t len,
    uint8_t *out, size_t want)
{
	size_t i = 0, n = 0;
	uint16_t h = d->hash;
	uint8_t flags, c;
	int bit;

	while (n < want) {
		if (i >= len)
			return -1;
		flags = in[i++];
		for (bit = 0; bit < 8 && n < want; bit++) {
			if (flags & (1u << bit))
				c = d->table[h];
			else {
				if (i >= len)
					return -1;
				c = in[i++];
				d->table[h] = c;
			}
			out[n++] = c;
			h = PRED1_HASH(h, c);
		}
	}
	d->hash = h;
	return i == len ? 0 : -1;
}

int
pred1_encode(struct pred1_dir *d, uint16_t proto, const uint8_t *data,
    size_t len, uint8_t *out, size_t outmax)
{
	uint8_t plain[PRED1_MAX], comp[PRED1_MAX + PRED1_MAX / 8 + 2];
	size_t plen, n;
	uint16_t fcs;

	if (len + 2 > PRED1_MAX)
		return -1;
	plen = proto_field_put(plain, proto);
	memcpy(plain + plen, data, len);
	plen += len;
	n = pred1_compress(d, plain, plen, comp);
	fcs = (uint16_t)~hdlc_fcs16(0xffff, plain, plen);
	d->st.frames++;
	d->st.octets_in += len;
	if (n < plen) {
		if (n + 4 > outmax)
			return -1;
		out[0] = (uint8_t)(0x80 | (plen >> 8));
		out[1] = (uint8_t)plen;
		memcpy(out + 2, comp, n);
		d->st.comp_frames++;
	} else {
		if (plen + 4 > outmax)
			return -1;
		n = plen;
		out[0] = (uint8_t)(plen >> 8);
		out[1] = (uint8_t)plen;
		memcpy(out + 2, plain, plen);
		d->st.uncomp_frames++;
	}
	out[2 + n] = (uint8_t)fcs;
	out[3 + n] = (uint8_t)(fcs >> 8);
	d->st.octets_out += n + 4;
	return (int)(n + 4);
}

enum pred1_rx
pred1_decode(struct pred1_dir *d, const uint8_t *in, size_t len,
    uint16_t *proto, uint8_t *out, size_t outmax, size_t *olen)
{
	uint8_t plain[PRED1_MAX], scratch[PRED1_MAX + PRED1_MAX / 8 + 2];
	size_t plen, body, hl;
	uint16_t fcs;

	if (len < 5)
		goto bad;
	plen = (size_t)(in[0] & 0x7f) << 8 | in[1];
	body = len - 4;
	if (plen == 0 || plen > PRED1_MAX)
		goto bad;
	if (in[0] & 0x80) {
		if (pred1_expand(d, in + 2, body, plain, plen) < 0)
			goto reset;
	} else {
		if (body != plen)
			goto reset;
		memcpy(plain, in + 2, plen);
		(void)pred1_compress(d, plain, plen, scratch);
	}
	fcs = (uint16_t)~hdlc_fcs16(0xffff, plain, plen);
	if (in[len - 2] != (uint8_t)fcs || in[len - 1] != (uint8_t)(fcs >> 8))
		goto reset;
	hl = proto_field_get(plain, plen, proto);
	if (hl == 0)
		goto reset;
	if (plen - hl > outmax)
		goto reset;
	memcpy(out, plain + hl, plen - hl);
	*olen = plen - hl;
	d->st.frames++;
	d->st.octets_in += len;
	d->st.octets_out += *olen;
	if (in[0] & 0x80)
		d->st.comp_frames++;
	else
		d->st.uncomp_frames++;
	return PRED1_RX_OK;

reset:
	d->st.errors++;
	return PRED1_RX_RESET;
bad:
	d->st.errors++;
	return PRED1_RX_BAD;
}

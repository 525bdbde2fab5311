/*
 * deflate.c - PPP Deflate (RFC 1979) over zlib raw streams.
 *
 * The sender runs one deflate stream for the life of CCP, ending every
 * frame with Z_SYNC_FLUSH and dropping the empty stored block's
 * 00 00 FF FF it ends with.  The receiver puts those four bytes back, so
 * frames from senders that keep them inflate just as well, and after each
 * frame its inflater is byte-aligned at a block boundary.  That lets an
 * uncompressed frame (sent when deflating did not shrink it) enter the
 * inflate history as a synthetic stored block, which is what RFC 1979
 * 2.2 asks of the receiver, with nothing beyond stock zlib.
 *
 * Sequence numbers count every frame given to the compressor, sent
 * compressed or not; a gap means loss and a Reset-Request.
 */
#include "deflate.h"

#include <string.h>

#include "proto.h"

#define DEFLATE_PLAIN_MAX	8192

int
deflate_dir_init(struct deflate_dir *d, int wbits, bool tx)
{
	int rc;

	memset(d, 0, sizeof(*d));
	if (wbits < DEFLATE_MIN_WBITS || wbits > DEFLATE_MAX_WBITS)
		return -1;
	d->wbits = wbits;
	d->tx = tx;
	if (tx)
		rc = deflateInit2(&d->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		    -wbits, 8, Z_DEFAULT_STRATEGY);
	else
		rc = inflateInit2(&d->z, -wbits);
	if (rc != Z_OK)
		return -1;
	d->ready = true;
	return 0;
}

void
deflate_dir_fini(struct deflate_dir *d)
{
	if (!d->ready)
		return;
	if (d->tx)
		deflateEnd(&d->z);
	else
		inflateEnd(&d->z);
	d->ready = false;
}

void
deflate_dir_reset(struct deflate_dir *d)
{
	if (!d->ready)
		return;
	if (d->tx)
		deflateReset(&d->z);
	else
		inflateReset(&d->z);
	d->seq = 0;
}

int
deflate_encode(struct deflate_dir *d, uint16_t proto, const uint8_t *data,
    size_t len, uint8_t *out, size_t outmax)
{
	uint8_t plain[DEFLATE_PLAIN_MAX], zbuf[DEFLATE_PLAIN_MAX + 64];
	size_t plen, n;

	if (!d->ready || len + 2 > sizeof(plain))
		return -1;
	plen = proto_field_put(plain, proto);
	memcpy(plain + plen, data, len);
	plen += len;
	d->z.next_in = plain;
	d->z.avail_in = (uInt)plen;
	d->z.next_out = zbuf;
	d->z.avail_out = sizeof(zbuf);
	if (deflate(&d->z, Z_SYNC_FLUSH) != Z_OK || d->z.avail_in != 0 ||
	    d->z.avail_out == 0) {
		d->st.errors++;
		return -1;
	}
	n = sizeof(zbuf) - d->z.avail_out;
	if (n >= 4 && memcmp(zbuf + n - 4, "\0\0\xff\xff", 4) == 0)
		n -= 4;
	d->st.frames++;
	d->st.octets_in += len;
	if (n + 2 >= len + 1 || n + 2 > outmax) {
		/* not worth it: the peer adds the plain frame to history */
		d->seq++;
		d->st.uncomp_frames++;
		d->st.octets_out += len;
		return 0;
	}
	out[0] = (uint8_t)(d->seq >> 8);
	out[1] = (uint8_t)d->seq;
	memcpy(out + 2, zbuf, n);
	d->seq++;
	d->st.comp_frames++;
	d->st.octets_out += n + 2;
	return (int)(n + 2);
}

/* Inflate in (then the 00 00 FF FF trailer) into out; length or -1. */
static int
deflate_inflate(struct deflate_dir *d, const uint8_t *in, size_t len,
    uint8_t *out, size_t outmax)
{
	static const uint8_t trailer[4] = { 0x00, 0x00, 0xff, 0xff };
	size_t n = 0;
	int rc, pass;

	d->z.next_out = out;
	d->z.avail_out = (uInt)outmax;
	for (pass = 0; pass < 2; pass++) {
		d->z.next_in = (Bytef *)(uintptr_t)(pass == 0 ? in : trailer);
		d->z.avail_in = (uInt)(pass == 0 ? len : sizeof(trailer));
		if (d->z.avail_in == 0)
			continue;
		rc = inflate(&d->z, Z_SYNC_FLUSH);
		if ((rc != Z_OK && rc != Z_BUF_ERROR) || d->z.avail_in != 0)
			return -1;
		if (d->z.avail_out == 0)
			return -1;	/* more than fits: corrupt */
	}
	n = outmax - d->z.avail_out;
	return (int)n;
}

enum deflate_rx
deflate_decode(struct deflate_dir *d, const uint8_t *in, size_t len,
    uint16_t *proto, uint8_t *out, size_t outmax, size_t *olen)
{
	uint8_t plain[DEFLATE_PLAIN_MAX];
	uint16_t seq;
	size_t hl;
	int n;

	if (!d->ready || len < 3) {
		d->st.errors++;
		return DEFLATE_RX_BAD;
	}
	seq = (uint16_t)(in[0] << 8 | in[1]);
	if (seq != d->seq) {
		d->st.errors++;
		return DEFLATE_RX_RESET;
	}
	n = deflate_inflate(d, in + 2, len - 2, plain, sizeof(plain));
	if (n < 1)
		goto reset;
	d->seq++;
	hl = proto_field_get(plain, (size_t)n, proto);
	if (hl == 0)
		goto reset;
	if ((size_t)n - hl > outmax)
		goto reset;
	memcpy(out, plain + hl, (size_t)n - hl);
	*olen = (size_t)n - hl;
	d->st.frames++;
	d->st.comp_frames++;
	d->st.octets_in += len;
	d->st.octets_out += *olen;
	return DEFLATE_RX_OK;

reset:
	d->st.errors++;
	return DEFLATE_RX_RESET;
}

int
deflate_incomp(struct deflate_dir *d, uint16_t proto, const uint8_t *data,
    size_t len)
{
	uint8_t blk[5 + DEFLATE_PLAIN_MAX], sink[DEFLATE_PLAIN_MAX + 16];
	size_t plen;

	if (!d->ready || len + 2 > DEFLATE_PLAIN_MAX)
		return -1;
	/* a non-final stored block: 3 header bits 000, aligned, LEN, NLEN */
	plen = proto_field_put(blk + 5, proto);
	memcpy(blk + 5 + plen, data, len);
	plen += len;
	blk[0] = 0x00;
	blk[1] = (uint8_t)plen;
	blk[2] = (uint8_t)(plen >> 8);
	blk[3] = (uint8_t)~plen;
	blk[4] = (uint8_t)(~plen >> 8);
	d->z.next_in = blk;
	d->z.avail_in = (uInt)(plen + 5);
	d->z.next_out = sink;
	d->z.avail_out = sizeof(sink);
	if (inflate(&d->z, Z_SYNC_FLUSH) != Z_OK || d->z.avail_in != 0 ||
	    sizeof(sink) - d->z.avail_out != plen) {
		d->st.errors++;
		return -1;
	}
	d->seq++;
	d->st.uncomp_frames++;
	return 0;
}

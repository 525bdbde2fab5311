/*
 * mppe.c - MPPE (RFC 3078) with RFC 3079 keys, combined with MPPC
 * (RFC 2118) in the one CCP option 18 frame format.
 *
 * Sender, per frame: the 12-bit coherency count steps by one.  With MPPE
 * the session key changes on every frame in stateless mode (H bit) and on
 * the "flag" frames of stateful mode, whose count ends in 0xFF; those
 * frames carry the A (FLUSHED) bit.  The first frame after the peer's CCP
 * Reset-Request carries A too and restarts RC4 with the current key,
 * without changing it (RFC 3078 8, as FreeBSD's ng_mppc does: a lost
 * reset frame then costs nothing but time).  With MPPC, A also resets the
 * history, as after a frame that did not compress.
 *
 * Receiver: stateless frames carry A and any count ahead of the last one;
 * the key is changed once per step.  In stateful mode the key follows the
 * count (one change per flag count passed, lost or not); a gap in the
 * count or an undecodable frame enters the discard state, asks for a
 * Reset-Request (again for every frame dropped meanwhile: the CCP layer
 * rate-limits them) and drops frames until one with A restarts RC4
 * (RFC 3078 8.2).
 *
 * Pure computation over caller buffers; SHA-1 comes from msoft.c.
 */
#include "mppe.h"

#include <stdio.h>
#include <string.h>

#include "../auth/msoft.h"
#include "proto.h"

/* ---- RC4 ---- */

void
mppe_rc4_init(struct mppe_rc4 *r, const uint8_t *key, size_t len)
{
	unsigned i, j = 0;
	uint8_t t;

	for (i = 0; i < 256; i++)
		r->s[i] = (uint8_t)i;
	for (i = 0; i < 256; i++) {
		j = (j + r->s[i] + key[i % len]) & 0xff;
		t = r->s[i];
		r->s[i] = r->s[j];
		r->s[j] = t;
	}
	r->i = 0;
	r->j = 0;
}

void
mppe_rc4_crypt(struct mppe_rc4 *r, uint8_t *buf, size_t len)
{
	uint8_t i = r->i, j = r->j, t, *s = r->s;
	size_t k;

	for (k = 0; k < len; k++) {
		i = (uint8_t)(i + 1);
		j = (uint8_t)(j + s[i]);
		t = s[i];
		s[i] = s[j];
		s[j] = t;
		buf[k] ^= s[(uint8_t)(s[i] + s[j])];
	}
	r->i = i;
	r->j = j;
}

/* ---- keys ---- */

int
mppe_bits_keylen(uint32_t bits)
{
	if (bits & MPPE_BIT_S)
		return 128;
	if (bits & MPPE_BIT_M)
		return 56;
	if (bits & MPPE_BIT_L)
		return 40;
	return 0;
}

/* RFC 3079 3.1 / 3.2: the salt of the shorter keys. */
static void
mppe_reduce(struct mppe_dir *d)
{
	if (d->keybits == 40) {
		d->session[0] = 0xd1;
		d->session[1] = 0x26;
		d->session[2] = 0x9e;
	} else if (d->keybits == 56)
		d->session[0] = 0xd1;
}

void
mppe_rekey(struct mppe_dir *d)
{
	uint8_t interim[16];
	struct mppe_rc4 r;

	(void)msoft_get_new_key_from_sha(d->master, d->session, d->keylen,
	    interim);
	mppe_rc4_init(&r, interim, d->keylen);
	memcpy(d->session, interim, d->keylen);
	mppe_rc4_crypt(&r, d->session, d->keylen);
	mppe_reduce(d);
	mppe_rc4_init(&d->rc4, d->session, d->keylen);
	d->st.rekeys++;
	memset(interim, 0, sizeof(interim));
	memset(&r, 0, sizeof(r));
}

int
mppe_dir_init(struct mppe_dir *d, uint32_t bits, const uint8_t *key, bool tx)
{
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->compress = (bits & MPPE_BIT_C) != 0;
	d->stateless = (bits & MPPE_BIT_H) != 0;
	d->keybits = mppe_bits_keylen(bits);
	d->encrypt = d->keybits != 0 && key != NULL;
	d->ccount = MPPE_CCOUNT_MASK;	/* the first frame is count 0 */
	if (tx)
		mppc_comp_reset(&d->mppc.c);
	else
		mppc_decomp_reset(&d->mppc.d);
	if (!d->encrypt)
		return 0;
	d->keylen = d->keybits == 128 ? 16 : 8;
	memcpy(d->master, key, d->keylen);
	/* the initial session key: GetNewKeyFromSHA(start, start), no RC4 */
	rc = msoft_get_new_key_from_sha(d->master, d->master, d->keylen,
	    d->session);
	mppe_reduce(d);
	mppe_rc4_init(&d->rc4, d->session, d->keylen);
	return rc;
}

/* ---- sender ---- */

void
mppe_tx_reset(struct mppe_dir *d)
{
	d->flush_next = true;
	d->st.resets++;
}

int
mppe_encode(struct mppe_dir *d, uint16_t proto, const uint8_t *data,
    size_t len, uint8_t *out, size_t outmax)
{
	uint8_t plain[MPPC_HIST_LEN], flags = 0;
	size_t plen, n;

	if (outmax < MPPE_OVHD + 2 + len)
		return -1;
	d->ccount = (d->ccount + 1) & MPPE_CCOUNT_MASK;
	if (d->stateless || (d->encrypt && (d->ccount & 0xff) == 0xff)) {
		/* stateless frame or stateful flag frame: a new key */
		flags |= MPPE_HDR_FLUSHED;
		if (d->encrypt)
			mppe_rekey(d);
	} else if (d->flush_next) {
		/* after a Reset-Request: same key, fresh RC4 state */
		flags |= MPPE_HDR_FLUSHED;
		if (d->encrypt)
			mppe_rc4_init(&d->rc4, d->session, d->keylen);
	}
	d->flush_next = false;
	if (d->compress && len + 2 <= sizeof(plain)) {
		if (flags & MPPE_HDR_FLUSHED)
			mppc_comp_reset(&d->mppc.c);
		plen = proto_field_put(plain, proto);
		memcpy(plain + plen, data, len);
		plen += len;
		n = mppc_compress(&d->mppc.c, plain, plen, out + MPPE_OVHD,
		    outmax - MPPE_OVHD, &flags);
		if (n == 0) {
			/* did not shrink: send as is, history restarts */
			memcpy(out + MPPE_OVHD, plain, plen);
			n = plen;
			d->flush_next = true;
			d->st.uncomp_frames++;
		} else
			d->st.comp_frames++;
	} else {
		n = proto_field_put(out + MPPE_OVHD, proto);
		memcpy(out + MPPE_OVHD + n, data, len);
		n += len;
		if (d->compress) {
			d->flush_next = true;
			d->st.uncomp_frames++;
		}
	}
	if (d->encrypt) {
		flags |= MPPE_HDR_ENC;
		mppe_rc4_crypt(&d->rc4, out + MPPE_OVHD, n);
	}
	out[0] = (uint8_t)(flags | (d->ccount >> 8));
	out[1] = (uint8_t)d->ccount;
	d->st.frames++;
	d->st.octets_in += len;
	d->st.octets_out += n + MPPE_OVHD;
	return (int)(n + MPPE_OVHD);
}

/* ---- receiver ---- */

/*
 * Stateful mode: bring the key forward from count d->ccount to cc, one
 * change per flag count (low byte 0xFF) passed, the frame cc included.
 */
static void
mppe_catch_up(struct mppe_dir *d, uint16_t cc)
{
	uint16_t x = d->ccount;

	while (x != cc) {
		x = (x + 1) & MPPE_CCOUNT_MASK;
		if (d->encrypt && (x & 0xff) == 0xff)
			mppe_rekey(d);
	}
	d->ccount = cc;
}

enum mppe_rx
mppe_decode(struct mppe_dir *d, const uint8_t *in, size_t len,
    uint16_t *proto, uint8_t *out, size_t outmax, size_t *olen)
{
	uint8_t buf[MPPC_HIST_LEN + 16], plain[MPPC_HIST_LEN], flags;
	const uint8_t *p;
	uint16_t cc, diff, expect;
	size_t plen, hl;
	int n;

	if (len < MPPE_OVHD || len - MPPE_OVHD > sizeof(buf))
		goto bad;
	flags = in[0] & 0xf0;
	cc = (uint16_t)(((in[0] & 0x0f) << 8) | in[1]);
	if (d->encrypt != ((flags & MPPE_HDR_ENC) != 0) ||
	    (!d->compress && (flags & (MPPE_HDR_COMP | MPPE_HDR_FRONT))) ||
	    (d->stateless && !(flags & MPPE_HDR_FLUSHED)) ||
	    (d->encrypt && !d->stateless && (cc & 0xff) == 0xff &&
	    !(flags & MPPE_HDR_FLUSHED)))
		goto bad;

	if (d->stateless) {
		diff = (uint16_t)((cc - d->ccount) & MPPE_CCOUNT_MASK);
		if (diff == 0 || diff > 0x800) {
			d->st.errors++;
			return MPPE_RX_DROP;	/* late or repeated */
		}
		d->st.lost += diff - 1u;
		if (d->encrypt)
			while (diff-- > 0)
				mppe_rekey(d);
		d->ccount = cc;
	} else {
		/*
		 * Keys follow the count whatever was lost (flag frames); the
		 * RC4 state is only known again at a FLUSHED frame.
		 */
		diff = (uint16_t)((cc - d->ccount) & MPPE_CCOUNT_MASK);
		if (diff == 0 || diff > 0x800) {
			/* repeated or far behind: would wind the keys round */
			d->st.errors++;
			return MPPE_RX_DROP;
		}
		expect = (d->ccount + 1) & MPPE_CCOUNT_MASK;
		if (cc != expect && !d->discard) {
			d->st.lost += (uint16_t)((cc - expect) &
			    MPPE_CCOUNT_MASK);
			d->discard = true;
		}
		mppe_catch_up(d, cc);
		if (d->discard && !(flags & MPPE_HDR_FLUSHED))
			/* ask (again: the CCP layer rate-limits) */
			return MPPE_RX_RESET;
		d->discard = false;
		if (d->encrypt && (flags & MPPE_HDR_FLUSHED) &&
		    (cc & 0xff) != 0xff)
			mppe_rc4_init(&d->rc4, d->session, d->keylen);
	}

	plen = len - MPPE_OVHD;
	memcpy(buf, in + MPPE_OVHD, plen);
	if (d->encrypt)
		mppe_rc4_crypt(&d->rc4, buf, plen);
	p = buf;
	if (d->compress) {
		n = mppc_decompress(&d->mppc.d, flags, buf, plen, plain,
		    sizeof(plain));
		if (n < 0)
			goto undecodable;
		if (flags & MPPE_HDR_COMP)
			d->st.comp_frames++;
		else
			d->st.uncomp_frames++;
		p = plain;
		plen = (size_t)n;
	}
	hl = proto_field_get(p, plen, proto);
	if (hl == 0)
		goto undecodable;
	if (plen - hl > outmax)
		goto undecodable;
	memcpy(out, p + hl, plen - hl);
	*olen = plen - hl;
	d->st.frames++;
	d->st.octets_in += len;
	d->st.octets_out += plen - hl;
	return MPPE_RX_OK;

undecodable:
	d->st.errors++;
	if (!d->stateless) {
		/* the history (or key stream) is now unknown */
		d->discard = true;
		return MPPE_RX_RESET;
	}
	return MPPE_RX_BAD;
bad:
	d->st.errors++;
	return MPPE_RX_BAD;
}

void
mppe_describe(uint32_t bits, char *buf, size_t len)
{
	int kb = mppe_bits_keylen(bits);
	char enc[32] = "";

	if (kb != 0)
		snprintf(enc, sizeof(enc), "MPPE(%d bits)", kb);
	snprintf(buf, len, "%s%s%s%s%s", enc,
	    kb != 0 && (bits & MPPE_BIT_C) ? ", " : "",
	    (bits & MPPE_BIT_C) ? "MPPC" : "",
	    (bits & MPPE_BIT_H) ? ", stateless" : "",
	    kb == 0 && !(bits & MPPE_BIT_C) ? "none" : "");
}

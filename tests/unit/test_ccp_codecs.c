/*
 * test_ccp_codecs.c - the CCP data codecs: RC4 and the RFC 3079 sample
 * encryptions, MPPE/MPPC frames in every mode (stateful and stateless,
 * 40/56/128 bits, with and without MPPC) including resynchronisation
 * after lost frames, corrupt frames and wrong coherency counts; MPPC,
 * Deflate (RFC 1979, with uncompressed frames entering the history) and
 * Predictor-1 (RFC 1978) round trips over random and packet-like data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "auth/msoft.h"
#include "ppp/deflate.h"
#include "ppp/dese.h"
#include "ppp/mppc.h"
#include "ppp/mppe.h"
#include "ppp/pred1.h"

static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * A packet: random bytes, or "traffic": an IPv4/TCP-like header that
 * changes a little, then text with repeats (what links really carry).
 */
static size_t
gen_packet(uint8_t *p, size_t max, int kind)
{
	static const char *words[] = { "GET ", "/index.html ", "HTTP/1.1\r\n",
	    "Host: example.net\r\n", "Accept: */*\r\n", "the quick brown ",
	    "fox jumps over ", "the lazy dog. ", "0123456789", "\r\n" };
	size_t len = 1 + rng() % max, i, w;

	if (kind == 0) {
		for (i = 0; i < len; i++)
			p[i] = (uint8_t)rng();
		return len;
	}
	for (i = 0; i < len && i < 40; i++)
		p[i] = (uint8_t)(i == 4 || i == 24 ? rng() : 0x45 + i);
	while (i < len) {
		const char *s = words[rng() % 10];

		for (w = 0; s[w] != '\0' && i < len; w++)
			p[i++] = (uint8_t)s[w];
	}
	return len;
}

static const uint8_t key128[16] = {
	0x8b, 0x7c, 0xdc, 0x14, 0x9b, 0x99, 0x3a, 0x1b,
	0xa1, 0x18, 0xcb, 0x15, 0x3f, 0x56, 0xdc, 0xcb,
};

/* ---- RC4 / RFC 3079 ---- */

/* RFC 3079's SendSessionKey examples for key128: 128-bit and 40-bit. */
static const uint8_t s128[16] = {
	0x40, 0x5c, 0xb2, 0x24, 0x7a, 0x79, 0x56, 0xe6,
	0xe2, 0x11, 0x00, 0x7a, 0xe2, 0x7b, 0x22, 0xd4,
};
static const uint8_t s40[8] = {
	0xd1, 0x26, 0x9e, 0xc4, 0x9f, 0xa6, 0x2e, 0x3e,
};

static void
test_rc4_vectors(void **state)
{
	static const uint8_t e128[12] = {
		0x81, 0x84, 0x83, 0x17, 0xdf, 0x68, 0x84, 0x62,
		0x72, 0xfb, 0x5a, 0xbe,
	};
	static const uint8_t e40[12] = {
		0x92, 0x91, 0x37, 0x91, 0x7e, 0x58, 0x03, 0xd6,
		0x68, 0xd7, 0x58, 0x98,
	};
	static const uint8_t kp[9] = {
		0xbb, 0xf3, 0x16, 0xe8, 0xd9, 0x40, 0xaf, 0x0a, 0xd3,
	};
	struct mppe_rc4 r;
	uint8_t m[13];

	(void)state;
	memcpy(m, "test message", 12);
	mppe_rc4_init(&r, s128, 16);
	mppe_rc4_crypt(&r, m, 12);
	assert_memory_equal(m, e128, 12);
	memcpy(m, "test message", 12);
	mppe_rc4_init(&r, s40, 8);
	mppe_rc4_crypt(&r, m, 12);
	assert_memory_equal(m, e40, 12);
	memcpy(m, "Plaintext", 9);
	mppe_rc4_init(&r, (const uint8_t *)"Key", 3);
	mppe_rc4_crypt(&r, m, 9);
	assert_memory_equal(m, kp, 9);
}

/* The first session keys equal RFC 3079 3.5's SendSessionKey values. */
static void
test_mppe_initial_keys(void **state)
{
	struct mppe_dir *d = malloc(sizeof(*d));

	(void)state;
	assert_int_equal(mppe_dir_init(d, MPPE_BIT_S, key128, true), 0);
	assert_int_equal(d->keylen, 16);
	assert_memory_equal(d->session, s128, 16);
	assert_int_equal(mppe_dir_init(d, MPPE_BIT_L, key128, true), 0);
	assert_int_equal(d->keylen, 8);
	assert_memory_equal(d->session, s40, 8);
	assert_int_equal(mppe_dir_init(d, MPPE_BIT_M, key128, true), 0);
	assert_int_equal(d->session[0], 0xd1);
	assert_memory_equal(d->session + 3, s40 + 3, 5);
	assert_int_equal(mppe_bits_keylen(MPPE_BIT_L | MPPE_BIT_S), 128);
	free(d);
}

/* ---- MPPE / MPPC frames ---- */

/*
 * Push n packets from tx to rx; drop those for which drop(i) is true.
 * A RESET makes the sender flush (the CCP Reset-Request's effect).
 * Returns how many packets were delivered intact.
 */
static int
mppe_run(uint32_t bits, int n, int kind, int drop_every, int *resets)
{
	struct mppe_dir *tx = malloc(sizeof(*tx)), *rx = malloc(sizeof(*rx));
	uint8_t pkt[1500], frame[1600], out[1600];
	size_t len, olen;
	uint16_t proto;
	int i, flen, good = 0;
	enum mppe_rx r;

	assert_int_equal(mppe_dir_init(tx, bits, key128, true), 0);
	assert_int_equal(mppe_dir_init(rx, bits, key128, false), 0);
	*resets = 0;
	for (i = 0; i < n; i++) {
		len = gen_packet(pkt, sizeof(pkt) - 2, kind);
		flen = mppe_encode(tx, 0x0021, pkt, len, frame,
		    sizeof(frame));
		assert_true(flen > 0);
		if (drop_every != 0 && i % drop_every == drop_every - 1)
			continue;
		r = mppe_decode(rx, frame, (size_t)flen, &proto, out,
		    sizeof(out), &olen);
		if (r == MPPE_RX_OK) {
			assert_int_equal(proto, 0x0021);
			assert_int_equal(olen, len);
			assert_memory_equal(out, pkt, len);
			good++;
		} else if (r == MPPE_RX_RESET) {
			(*resets)++;
			mppe_tx_reset(tx);
		} else
			assert_int_equal(r, MPPE_RX_DROP);
	}
	free(tx);
	free(rx);
	return good;
}

static void
test_mppe_modes(void **state)
{
	static const uint32_t modes[] = {
		MPPE_BIT_S, MPPE_BIT_L, MPPE_BIT_M,
		MPPE_BIT_S | MPPE_BIT_H, MPPE_BIT_L | MPPE_BIT_H,
		MPPE_BIT_C, MPPE_BIT_C | MPPE_BIT_H,
		MPPE_BIT_C | MPPE_BIT_S, MPPE_BIT_C | MPPE_BIT_S | MPPE_BIT_H,
		MPPE_BIT_C | MPPE_BIT_L,
	};
	size_t m;
	int resets, kind;

	(void)state;
	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		for (kind = 0; kind < 2; kind++) {
			/* 5000 frames: the 12-bit count wraps, keys change */
			assert_int_equal(mppe_run(modes[m], 5000, kind, 0,
			    &resets), 5000);
			assert_int_equal(resets, 0);
		}
}

/* Lost frames: stateless loses nothing more; stateful resynchronises. */
static void
test_mppe_resync(void **state)
{
	static const uint32_t modes[] = {
		MPPE_BIT_S, MPPE_BIT_L, MPPE_BIT_C, MPPE_BIT_C | MPPE_BIT_S,
	};
	size_t m;
	int resets, good;

	(void)state;
	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		good = mppe_run(modes[m], 3000, 1, 97, &resets);
		assert_true(resets > 20);
		/* each loss costs the lost frame and the one that found it */
		assert_true(good >= 3000 - 3 * (3000 / 97) - 2);
	}
	good = mppe_run(MPPE_BIT_S | MPPE_BIT_H, 3000, 1, 7, &resets);
	assert_int_equal(resets, 0);
	assert_int_equal(good, 3000 - 3000 / 7);
	/* losses across several flag frames: 300 lost in a row */
	good = mppe_run(MPPE_BIT_S, 2000, 1, 0, &resets);
	assert_int_equal(good, 2000);
}

/* A long burst of loss spanning key changes, then resync. */
static void
test_mppe_burst_loss(void **state)
{
	struct mppe_dir *tx = malloc(sizeof(*tx)), *rx = malloc(sizeof(*rx));
	uint8_t pkt[200], frame[300], out[300];
	size_t olen;
	uint16_t proto;
	int i, f;
	enum mppe_rx r;

	(void)state;
	mppe_dir_init(tx, MPPE_BIT_S, key128, true);
	mppe_dir_init(rx, MPPE_BIT_S, key128, false);
	memset(pkt, 'x', sizeof(pkt));
	for (i = 0; i < 10; i++) {
		f = mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame,
		    sizeof(frame));
		assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto,
		    out, sizeof(out), &olen), MPPE_RX_OK);
	}
	for (i = 0; i < 700; i++)	/* lost: 2 flag frames among them */
		(void)mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame,
		    sizeof(frame));
	f = mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	r = mppe_decode(rx, frame, (size_t)f, &proto, out, sizeof(out),
	    &olen);
	assert_int_equal(r, MPPE_RX_RESET);
	/* dropped while waiting, asking again */
	f = mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto, out,
	    sizeof(out), &olen), MPPE_RX_RESET);
	mppe_tx_reset(tx);
	f = mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	assert_true(frame[0] & MPPE_HDR_FLUSHED);
	assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto, out,
	    sizeof(out), &olen), MPPE_RX_OK);
	assert_memory_equal(out, pkt, sizeof(pkt));
	assert_true(rx->st.lost >= 700);
	free(tx);
	free(rx);
}

/*
 * Random loss (reset frames too) with Reset-Requests that reach the
 * sender some frames late, several at once: never a wrongly decrypted
 * frame, and the stream keeps recovering (the bug this guards against:
 * changing keys on reset frames desynchronised on a lost reset frame).
 */
static void
test_mppe_loss_delayed_resets(void **state)
{
	static const uint32_t modes[] = {
		MPPE_BIT_S, MPPE_BIT_L, MPPE_BIT_C | MPPE_BIT_S, MPPE_BIT_C,
	};
	struct mppe_dir *tx = malloc(sizeof(*tx)), *rx = malloc(sizeof(*rx));
	uint8_t pkt[300], frame[400], out[400];
	int pend[64], np, i, k, f, good;
	size_t m, len, olen;
	uint16_t proto;
	enum mppe_rx r;

	(void)state;
	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		mppe_dir_init(tx, modes[m], key128, true);
		mppe_dir_init(rx, modes[m], key128, false);
		np = 0;
		good = 0;
		for (i = 0; i < 20000; i++) {
			for (k = 0; k < np;) {
				if (--pend[k] < 0) {
					mppe_tx_reset(tx);
					pend[k] = pend[--np];
				} else
					k++;
			}
			len = gen_packet(pkt, sizeof(pkt), 1);
			f = mppe_encode(tx, 0x21, pkt, len, frame,
			    sizeof(frame));
			if (rng() % 8 == 0 || (i % 3000 > 2500))
				continue;	/* lost; and long bursts */
			r = mppe_decode(rx, frame, (size_t)f, &proto, out,
			    sizeof(out), &olen);
			if (r == MPPE_RX_OK) {
				assert_int_equal(olen, len);
				assert_memory_equal(out, pkt, len);
				good++;
			} else if (r == MPPE_RX_RESET && np < 64)
				pend[np++] = (int)(rng() % 6);
		}
		assert_true(good > 20000 / 2);
	}
	free(tx);
	free(rx);
}

/* Bad frames: wrong bits, wrong counts, garbage; never a crash. */
static void
test_mppe_bad_frames(void **state)
{
	struct mppe_dir *tx = malloc(sizeof(*tx)), *rx = malloc(sizeof(*rx));
	uint8_t pkt[100], frame[300], out[300], junk[300];
	size_t olen, k;
	uint16_t proto;
	int f, i;

	(void)state;
	mppe_dir_init(tx, MPPE_BIT_S | MPPE_BIT_H, key128, true);
	mppe_dir_init(rx, MPPE_BIT_S | MPPE_BIT_H, key128, false);
	memset(pkt, 'y', sizeof(pkt));
	assert_int_equal(mppe_decode(rx, frame, 1, &proto, out, sizeof(out),
	    &olen), MPPE_RX_BAD);
	f = mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	frame[0] &= (uint8_t)~MPPE_HDR_ENC;	/* not encrypted */
	assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto, out,
	    sizeof(out), &olen), MPPE_RX_BAD);
	frame[0] |= MPPE_HDR_ENC;
	frame[0] &= (uint8_t)~MPPE_HDR_FLUSHED;	/* stateless needs A */
	assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto, out,
	    sizeof(out), &olen), MPPE_RX_BAD);
	/* a repeated count is dropped */
	f = mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto, out,
	    sizeof(out), &olen), MPPE_RX_OK);
	assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto, out,
	    sizeof(out), &olen), MPPE_RX_DROP);
	/* stateful: a replayed frame is dropped and changes nothing */
	mppe_dir_init(tx, MPPE_BIT_S, key128, true);
	mppe_dir_init(rx, MPPE_BIT_S, key128, false);
	for (i = 0; i < 300; i++) {
		f = mppe_encode(tx, 0x21, pkt, sizeof(pkt), frame,
		    sizeof(frame));
		assert_int_equal(mppe_decode(rx, frame, (size_t)f, &proto, out,
		    sizeof(out), &olen), MPPE_RX_OK);
		if (i == 100 || i == 255)
			assert_int_equal(mppe_decode(rx, frame, (size_t)f,
			    &proto, out, sizeof(out), &olen), MPPE_RX_DROP);
	}
	/* random junk into every mode's decoder */
	for (i = 0; i < 20000; i++) {
		static const uint32_t m[] = { MPPE_BIT_C, MPPE_BIT_C |
		    MPPE_BIT_S, MPPE_BIT_S | MPPE_BIT_H, MPPE_BIT_L };

		if (i % 500 == 0)
			mppe_dir_init(rx, m[(i / 500) % 4], key128, false);
		k = rng() % sizeof(junk);
		for (size_t j = 0; j < k; j++)
			junk[j] = (uint8_t)rng();
		(void)mppe_decode(rx, junk, k, &proto, out, sizeof(out),
		    &olen);
	}
	free(tx);
	free(rx);
}

/* ---- MPPC alone ---- */

static void
test_mppc_roundtrip(void **state)
{
	struct mppc_comp *c = malloc(sizeof(*c));
	struct mppc_decomp *d = malloc(sizeof(*d));
	uint8_t pkt[8192], out[9000], back[9000], flags, next = 0;
	size_t len, n, tin = 0, tout = 0;
	int i, r;

	(void)state;
	mppc_comp_reset(c);
	mppc_decomp_reset(d);
	for (i = 0; i < 6000; i++) {
		len = gen_packet(pkt, i % 100 == 0 ? 8192 : 1500, i % 5 == 0 ?
		    0 : 1);
		flags = next;
		next = 0;
		n = mppc_compress(c, pkt, len, out, sizeof(out), &flags);
		if (n == 0) {
			memcpy(out, pkt, len);
			n = len;
			next = MPPC_F_FLUSHED;
		}
		r = mppc_decompress(d, flags, out, n, back, sizeof(back));
		assert_int_equal(r, (int)len);
		assert_memory_equal(back, pkt, len);
		tin += len;
		tout += n;
	}
	/* packet-like data compresses */
	assert_true(tout < tin * 3 / 4);
	/* long runs use the longest length codes */
	memset(pkt, 'a', 8192);
	flags = MPPC_F_FLUSHED;
	mppc_comp_reset(c);
	n = mppc_compress(c, pkt, 8192, out, sizeof(out), &flags);
	assert_true(n > 0 && n < 40);
	assert_int_equal(mppc_decompress(d, flags, out, n, back,
	    sizeof(back)), 8192);
	assert_memory_equal(back, pkt, 8192);
	free(c);
	free(d);
}

static void
test_mppc_bad(void **state)
{
	struct mppc_decomp *d = malloc(sizeof(*d));
	uint8_t in[64], out[9000];
	int i, k;

	(void)state;
	mppc_decomp_reset(d);
	/* copy with offset 1 before any history */
	in[0] = 0xf0;	/* 1111 000001 0 -> offset 1 len 3 */
	in[1] = 0x40;
	assert_int_equal(mppc_decompress(d, MPPC_F_COMP | MPPC_F_FLUSHED, in,
	    2, out, sizeof(out)), -1);
	/* a length code of 12 ones */
	in[0] = 0x41;		/* literal 'A' */
	in[1] = 0xf0;
	in[2] = 0x7f;
	in[3] = 0xff;
	in[4] = 0xff;
	assert_int_equal(mppc_decompress(d, MPPC_F_COMP | MPPC_F_FLUSHED, in,
	    5, out, sizeof(out)), -1);
	/* output larger than the caller's room */
	in[0] = 0x41;
	assert_int_equal(mppc_decompress(d, MPPC_F_COMP | MPPC_F_FLUSHED, in,
	    1, out, 0), -1);
	for (i = 0; i < 50000; i++) {
		for (k = 0; k < 64; k++)
			in[k] = (uint8_t)rng();
		(void)mppc_decompress(d, (uint8_t)(rng() & 0xe0), in,
		    rng() % 64, out, sizeof(out));
		assert_true(d->pos <= MPPC_HIST_LEN);
	}
	free(d);
}

/* ---- Deflate ---- */

static void
test_deflate_roundtrip(void **state)
{
	struct deflate_dir tx, rx;
	uint8_t pkt[1500], frame[1700], out[1700];
	size_t len, olen, tin = 0, tout = 0;
	uint16_t proto;
	int i, n, w, uncomp = 0;

	(void)state;
	for (w = 9; w <= 15; w += 6) {
		assert_int_equal(deflate_dir_init(&tx, w, true), 0);
		assert_int_equal(deflate_dir_init(&rx, w, false), 0);
		for (i = 0; i < 3000; i++) {
			len = gen_packet(pkt, sizeof(pkt), i % 4 == 0 ? 0 : 1);
			n = deflate_encode(&tx, i % 3 ? 0x21 : 0x57, pkt, len,
			    frame, sizeof(frame));
			assert_true(n >= 0);
			if (n == 0) {
				/* sent plain: the receiver's history takes it */
				assert_int_equal(deflate_incomp(&rx, i % 3 ?
				    0x21 : 0x57, pkt, len), 0);
				uncomp++;
				continue;
			}
			assert_int_equal(deflate_decode(&rx, frame, (size_t)n,
			    &proto, out, sizeof(out), &olen), DEFLATE_RX_OK);
			assert_int_equal(proto, i % 3 ? 0x21 : 0x57);
			assert_int_equal(olen, len);
			assert_memory_equal(out, pkt, len);
			tin += len;
			tout += (size_t)n;
		}
		deflate_dir_fini(&tx);
		deflate_dir_fini(&rx);
	}
	assert_true(uncomp > 100);	/* the random packets */
	assert_true(tout < tin / 2);
	assert_int_equal(deflate_dir_init(&tx, 8, true), -1);
}

static void
test_deflate_loss_and_junk(void **state)
{
	struct deflate_dir tx, rx;
	uint8_t pkt[500], frame[700], out[700];
	size_t olen;
	uint16_t proto;
	int n, i, k;

	(void)state;
	deflate_dir_init(&tx, 12, true);
	deflate_dir_init(&rx, 12, false);
	memset(pkt, 'z', sizeof(pkt));
	n = deflate_encode(&tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	assert_int_equal(deflate_decode(&rx, frame, (size_t)n, &proto, out,
	    sizeof(out), &olen), DEFLATE_RX_OK);
	(void)deflate_encode(&tx, 0x21, pkt, sizeof(pkt), frame,
	    sizeof(frame));	/* lost */
	n = deflate_encode(&tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	assert_int_equal(deflate_decode(&rx, frame, (size_t)n, &proto, out,
	    sizeof(out), &olen), DEFLATE_RX_RESET);
	/* Reset-Request / Reset-Ack: both sides start over */
	deflate_dir_reset(&tx);
	deflate_dir_reset(&rx);
	n = deflate_encode(&tx, 0x21, pkt, sizeof(pkt), frame, sizeof(frame));
	assert_int_equal(deflate_decode(&rx, frame, (size_t)n, &proto, out,
	    sizeof(out), &olen), DEFLATE_RX_OK);
	for (i = 0; i < 5000; i++) {
		k = (int)(rng() % 600);
		for (int j = 0; j < k; j++)
			frame[j] = (uint8_t)rng();
		frame[0] = (uint8_t)(rx.seq >> 8);
		frame[1] = (uint8_t)rx.seq;
		if (deflate_decode(&rx, frame, (size_t)k, &proto, out,
		    sizeof(out), &olen) != DEFLATE_RX_OK)
			deflate_dir_reset(&rx);
	}
	deflate_dir_fini(&tx);
	deflate_dir_fini(&rx);
}

/* ---- Predictor-1 ---- */

static void
test_pred1_roundtrip(void **state)
{
	struct pred1_dir *tx = malloc(sizeof(*tx)), *rx = malloc(sizeof(*rx));
	uint8_t pkt[1500], frame[1800], out[1800];
	size_t len, olen, tin = 0, tout = 0;
	uint16_t proto;
	int i, n, k;

	(void)state;
	pred1_reset(tx);
	pred1_reset(rx);
	for (i = 0; i < 4000; i++) {
		len = gen_packet(pkt, sizeof(pkt), i % 4 == 0 ? 0 : 1);
		n = pred1_encode(tx, 0x21, pkt, len, frame, sizeof(frame));
		assert_true(n > 0);
		assert_int_equal(pred1_decode(rx, frame, (size_t)n, &proto, out,
		    sizeof(out), &olen), PRED1_RX_OK);
		assert_int_equal(olen, len);
		assert_memory_equal(out, pkt, len);
		tin += len;
		tout += (size_t)n;
	}
	assert_true(tout < tin);
	/* a flipped bit fails the FCS */
	n = pred1_encode(tx, 0x21, pkt, 100, frame, sizeof(frame));
	frame[5] ^= 0x10;
	assert_int_equal(pred1_decode(rx, frame, (size_t)n, &proto, out,
	    sizeof(out), &olen), PRED1_RX_RESET);
	for (i = 0; i < 20000; i++) {
		k = (int)(rng() % 300);
		for (int j = 0; j < k; j++)
			frame[j] = (uint8_t)rng();
		(void)pred1_decode(rx, frame, (size_t)k, &proto, out,
		    sizeof(out), &olen);
	}
	free(tx);
	free(rx);
}

/* ---- DESE ---- */

/*
 * FIPS 81 CBC example: key 0123456789abcdef, IV 1234567890abcdef,
 * "Now is the time for all " -> e5c7cdde872bf27c 43e934008c389c0f
 * 683788499a7c05f6.  Frame 0's chaining value is E(nonce), so the nonce
 * is D(IV); "No" is a valid protocol number (0x4e6f), the rest the data.
 */
static void
test_dese_fips81(void **state)
{
	static const uint8_t key[8] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	static const uint8_t iv[8] = {
		0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef,
	};
	static const uint8_t ct[24] = {
		0xe5, 0xc7, 0xcd, 0xde, 0x87, 0x2b, 0xf2, 0x7c,
		0x43, 0xe9, 0x34, 0x00, 0x8c, 0x38, 0x9c, 0x0f,
		0x68, 0x37, 0x88, 0x49, 0x9a, 0x7c, 0x05, 0xf6,
	};
	const char *text = "w is the time for all ";
	struct dese_dir tx, rx;
	EVP_CIPHER_CTX *x;
	EVP_CIPHER *c;
	uint8_t nonce[8], frame[64], out[64];
	size_t olen;
	uint16_t proto;
	int n, i, bis;

	(void)state;
	assert_int_equal(msoft_init(), 0);
	c = EVP_CIPHER_fetch(NULL, "DES-ECB", NULL);
	assert_non_null(c);
	x = EVP_CIPHER_CTX_new();
	assert_int_equal(EVP_DecryptInit_ex(x, c, NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(x, 0);
	assert_int_equal(EVP_DecryptUpdate(x, nonce, &n, iv, 8), 1);
	assert_int_equal(n, 8);
	EVP_CIPHER_CTX_free(x);
	EVP_CIPHER_free(c);
	for (bis = 0; bis < 2; bis++) {
		assert_int_equal(dese_dir_init(&tx, key, nonce, bis, true), 0);
		assert_int_equal(dese_dir_init(&rx, key, nonce, bis, false), 0);
		n = dese_encode(&tx, 0x4e6f, (const uint8_t *)text, 22, frame,
		    sizeof(frame));
		assert_int_equal(n, 2 + 32);	/* 24 bytes + 8 of padding */
		assert_int_equal(frame[0], 0);
		assert_int_equal(frame[1], 0);
		assert_memory_equal(frame + 2, ct, 24);
		assert_int_equal(dese_decode(&rx, frame, (size_t)n, &proto, out,
		    sizeof(out), &olen), 0);
		assert_int_equal(proto, 0x4e6f);
		assert_int_equal(olen, 22);
		assert_memory_equal(out, text, 22);
		/* frames decrypt on their own: skip some, then one more */
		for (i = 0; i < 5; i++)
			n = dese_encode(&tx, 0x21, (const uint8_t *)text, 10,
			    frame, sizeof(frame));
		assert_int_equal(dese_decode(&rx, frame, (size_t)n, &proto, out,
		    sizeof(out), &olen), 0);
		assert_int_equal(olen, 10);
		/* a corrupt length or block */
		assert_int_equal(dese_decode(&rx, frame, (size_t)n - 3, &proto,
		    out, sizeof(out), &olen), -1);
		dese_dir_fini(&tx);
		dese_dir_fini(&rx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rc4_vectors),
		cmocka_unit_test(test_mppe_initial_keys),
		cmocka_unit_test(test_mppe_modes),
		cmocka_unit_test(test_mppe_resync),
		cmocka_unit_test(test_mppe_burst_loss),
		cmocka_unit_test(test_mppe_loss_delayed_resets),
		cmocka_unit_test(test_mppe_bad_frames),
		cmocka_unit_test(test_mppc_roundtrip),
		cmocka_unit_test(test_mppc_bad),
		cmocka_unit_test(test_deflate_roundtrip),
		cmocka_unit_test(test_deflate_loss_and_junk),
		cmocka_unit_test(test_pred1_roundtrip),
		cmocka_unit_test(test_dese_fips81),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	msoft_fini();
	return rc;
}

/*
 * test_hdlc.c - the async HDLC codec of link/hdlc.c (RFC 1662).
 *
 * FCS-16 against the RFC's good-FCS residue and the well-known check
 * value, octet stuffing under different ACCMs, encode/decode round trips
 * with random payloads fed in every possible split, and the decoder's
 * handling of bad FCS, runts, overlong frames, aborts, receive-ACCM noise
 * and inter-frame fill.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "link/hdlc.h"

#define MAXF	600

/* Small deterministic generator: the tests must be reproducible. */
static uint32_t rng_state = 0x12345678u;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Decode everything in in[], collecting good frames back to back. */
struct collected {
	uint8_t	data[16][MAXF];
	size_t	len[16];
	int	n;
};

static void
feed(struct hdlc_decoder *d, const uint8_t *in, size_t len,
    struct collected *out)
{
	const uint8_t *f;
	size_t used, flen;

	while (len > 0) {
		used = hdlc_decode(d, in, len, &f, &flen);
		assert_true(used > 0 && used <= len);
		in += used;
		len -= used;
		if (f != NULL) {
			assert_true(out->n < 16);
			assert_true(flen <= MAXF);
			memcpy(out->data[out->n], f, flen);
			out->len[out->n++] = flen;
		}
	}
}

/* ---- FCS ---- */

static void
test_fcs_check_value(void **state)
{
	static const uint8_t digits[] = "123456789";

	(void)state;
	/* CRC-16/X-25 (the PPP FCS) of "123456789" is 0x906e. */
	assert_int_equal((uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, digits, 9),
	    0x906e);
	assert_int_equal(hdlc_fcs16(HDLC_FCS_INIT, digits, 0), HDLC_FCS_INIT);
}

static void
test_fcs_good_residue(void **state)
{
	uint8_t buf[300];
	uint16_t fcs;
	size_t len, i;

	(void)state;
	/* RFC 1662 C.2: data + complemented FCS (LSB first) gives 0xf0b8. */
	for (len = 0; len < 256; len += 17) {
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rng();
		fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, buf, len);
		buf[len] = (uint8_t)(fcs & 0xff);
		buf[len + 1] = (uint8_t)(fcs >> 8);
		assert_int_equal(hdlc_fcs16(HDLC_FCS_INIT, buf, len + 2),
		    HDLC_FCS_GOOD);
		/* any single bit error is caught */
		buf[len / 2] ^= 0x10;
		assert_int_not_equal(hdlc_fcs16(HDLC_FCS_INIT, buf, len + 2),
		    HDLC_FCS_GOOD);
	}
	/* incremental == one shot */
	for (i = 0; i < 100; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(hdlc_fcs16(hdlc_fcs16(HDLC_FCS_INIT, buf, 37),
	    buf + 37, 63), hdlc_fcs16(HDLC_FCS_INIT, buf, 100));
}

/* ---- encoder ---- */

static void
test_encode_layout(void **state)
{
	/* LCP Configure-Request with an empty option list. */
	static const uint8_t f[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01,
	    0x00, 0x04 };
	uint8_t out[HDLC_ENCODED_MAX(sizeof(f))];
	uint16_t fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, f, sizeof(f));
	size_t n, i, k = 0;

	(void)state;
	n = hdlc_encode(f, sizeof(f), HDLC_ACCM_DEFAULT, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(out[0], HDLC_FLAG);
	assert_int_equal(out[n - 1], HDLC_FLAG);
	/* ff 7d-23 c0 21 7d-21 7d-21 7d-20 7d-24 fcs... */
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0x7d);
	assert_int_equal(out[3], 0x23);
	assert_int_equal(out[4], 0xc0);
	assert_int_equal(out[5], 0x21);
	assert_int_equal(out[6], 0x7d);
	assert_int_equal(out[7], 0x21);
	/* With ACCM 0 nothing but 7d/7e is escaped. */
	n = hdlc_encode(f, sizeof(f), 0, out, sizeof(out));
	assert_int_equal(out[0], HDLC_FLAG);
	for (i = 0; i < sizeof(f); i++)
		assert_int_equal(out[1 + i], f[i]);
	k = 1 + sizeof(f);
	/* FCS low octet first (neither octet needs escaping here) */
	if ((fcs & 0xff) != 0x7d && (fcs & 0xff) != 0x7e &&
	    (fcs >> 8) != 0x7d && (fcs >> 8) != 0x7e) {
		assert_int_equal(out[k], fcs & 0xff);
		assert_int_equal(out[k + 1], fcs >> 8);
		assert_int_equal(n, k + 3);
	}
}

static void
test_encode_escapes(void **state)
{
	uint8_t f[256], out[HDLC_ENCODED_MAX(256)];
	uint32_t accm = 0x000a0000u;	/* XON (0x11) and XOFF (0x13) */
	size_t n, i;
	int esc = 0;

	(void)state;
	for (i = 0; i < 256; i++)
		f[i] = (uint8_t)i;
	n = hdlc_encode(f, sizeof(f), accm, out, sizeof(out));
	assert_true(n > 0);
	/* No raw flag inside, no raw mapped control octet anywhere. */
	for (i = 1; i + 1 < n; i++) {
		assert_int_not_equal(out[i], HDLC_FLAG);
		if (out[i] < 0x20)
			assert_int_equal((accm >> out[i]) & 1u, 0);
		if (out[i] == HDLC_ESCAPE)
			esc++;
	}
	/* 0x11, 0x13, 0x7d, 0x7e (+ FCS octets that need it) */
	assert_true(esc >= 4);
	/* Worst case fits exactly the documented bound. */
	memset(f, HDLC_FLAG, sizeof(f));
	n = hdlc_encode(f, sizeof(f), accm, out, sizeof(out));
	assert_true(n > 0 && n <= HDLC_ENCODED_MAX(256));
	/* Too small an output buffer: 0, never a partial frame. */
	assert_int_equal(hdlc_encode(f, sizeof(f), accm, out, 100), 0);
	assert_int_equal(hdlc_encode(f, 0, accm, out, 1), 0);
}

/* ---- round trips ---- */

static void
test_roundtrip_random(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(MAXF)];
	uint8_t f[MAXF], enc[HDLC_ENCODED_MAX(MAXF)];
	struct hdlc_decoder d;
	struct collected got;
	uint32_t accm;
	size_t len, n;
	int round;

	(void)state;
	hdlc_decoder_init(&d, buf, sizeof(buf));
	for (round = 0; round < 500; round++) {
		len = HDLC_MIN_FRAME - HDLC_FCS_LEN + rng() % (MAXF - 1);
		for (size_t i = 0; i < len; i++)
			f[i] = (uint8_t)(rng() % 4 == 0 ? rng() % 0x20 :
			    rng());
		switch (round % 4) {
		case 0:
			accm = 0;
			break;
		case 1:
			accm = HDLC_ACCM_DEFAULT;
			break;
		default:
			accm = rng();
			break;
		}
		n = hdlc_encode(f, len, accm, enc, sizeof(enc));
		assert_true(n > 0);
		memset(&got, 0, sizeof(got));
		feed(&d, enc, n, &got);
		assert_int_equal(got.n, 1);
		assert_int_equal(got.len[0], len);
		assert_memory_equal(got.data[0], f, len);
	}
	assert_int_equal(d.stats.frames, 500);
	assert_int_equal(d.stats.bad_fcs + d.stats.runts + d.stats.overflows +
	    d.stats.aborts, 0);
}

/* Three frames, split into two chunks at every byte boundary. */
static void
test_split_every_boundary(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(MAXF)];
	uint8_t f[3][40], stream[3 * HDLC_ENCODED_MAX(40)];
	size_t flen[3] = { 7, 40, 12 }, n = 0, cut, i, j;
	struct hdlc_decoder d;
	struct collected got;

	(void)state;
	for (i = 0; i < 3; i++) {
		for (j = 0; j < flen[i]; j++)
			f[i][j] = (uint8_t)(j % 3 == 0 ? 0x7e : j % 3 == 1 ?
			    0x7d : rng());
		n += hdlc_encode(f[i], flen[i], HDLC_ACCM_DEFAULT, stream + n,
		    sizeof(stream) - n);
	}
	for (cut = 0; cut <= n; cut++) {
		hdlc_decoder_init(&d, buf, sizeof(buf));
		memset(&got, 0, sizeof(got));
		feed(&d, stream, cut, &got);
		feed(&d, stream + cut, n - cut, &got);
		assert_int_equal(got.n, 3);
		for (i = 0; i < 3; i++) {
			assert_int_equal(got.len[i], flen[i]);
			assert_memory_equal(got.data[i], f[i], flen[i]);
		}
		assert_int_equal(d.stats.bad_fcs + d.stats.runts, 0);
	}
	/* and one byte at a time */
	hdlc_decoder_init(&d, buf, sizeof(buf));
	memset(&got, 0, sizeof(got));
	for (i = 0; i < n; i++)
		feed(&d, stream + i, 1, &got);
	assert_int_equal(got.n, 3);
	assert_int_equal(d.stats.octets, n);
}

/* ---- errors ---- */

static void
test_bad_fcs(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(MAXF)];
	static const uint8_t f[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00 };
	uint8_t enc[HDLC_ENCODED_MAX(sizeof(f))], two[2 * sizeof(enc)];
	struct hdlc_decoder d;
	struct collected got;
	size_t n;

	(void)state;
	hdlc_decoder_init(&d, buf, sizeof(buf));
	n = hdlc_encode(f, sizeof(f), 0, enc, sizeof(enc));
	memcpy(two, enc, n);
	memcpy(two + n, enc, n);
	two[3] ^= 0x01;			/* corrupt the first copy */
	memset(&got, 0, sizeof(got));
	feed(&d, two, 2 * n, &got);
	assert_int_equal(got.n, 1);	/* the intact second copy */
	assert_memory_equal(got.data[0], f, sizeof(f));
	assert_int_equal(d.stats.bad_fcs, 1);
	assert_int_equal(d.stats.frames, 1);
}

static void
test_runts_and_fill(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(MAXF)];
	/* flags only, then 1-, 2- and 3-octet frames, then a 4-octet one */
	static const uint8_t in[] = { 0x7e, 0x7e, 0x7e, 0x01, 0x7e, 0x01,
	    0x02, 0x7e, 0x01, 0x02, 0x03, 0x7e };
	uint8_t f2[2] = { 0xc0, 0x21 };
	uint8_t enc[HDLC_ENCODED_MAX(2)];
	struct hdlc_decoder d;
	struct collected got;
	size_t n;

	(void)state;
	hdlc_decoder_init(&d, buf, sizeof(buf));
	memset(&got, 0, sizeof(got));
	feed(&d, in, sizeof(in), &got);
	assert_int_equal(got.n, 0);
	assert_int_equal(d.stats.runts, 3);
	/* 2 octets of data + FCS = 4 octets: the shortest legal frame */
	n = hdlc_encode(f2, sizeof(f2), 0, enc, sizeof(enc));
	feed(&d, enc, n, &got);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.len[0], 2);
	/* A zero-length payload is a runt (FCS only). */
	n = hdlc_encode(f2, 0, 0, enc, sizeof(enc));
	feed(&d, enc, n, &got);
	assert_int_equal(got.n, 1);
	assert_int_equal(d.stats.runts, 4);
}

static void
test_overlong(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(64)];
	uint8_t big[65], ok[64], enc[HDLC_ENCODED_MAX(65)];
	struct hdlc_decoder d;
	struct collected got;
	size_t n;

	(void)state;
	memset(big, 0x55, sizeof(big));
	memset(ok, 0x66, sizeof(ok));
	hdlc_decoder_init(&d, buf, sizeof(buf));
	memset(&got, 0, sizeof(got));
	n = hdlc_encode(big, sizeof(big), 0, enc, sizeof(enc));
	feed(&d, enc, n, &got);
	assert_int_equal(got.n, 0);
	assert_int_equal(d.stats.overflows, 1);
	/* exactly max is fine, and the decoder recovered */
	n = hdlc_encode(ok, sizeof(ok), 0, enc, sizeof(enc));
	feed(&d, enc, n, &got);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.len[0], 64);
	/* a long run without any flag never overruns the buffer */
	memset(big, 0x11, sizeof(big));
	for (n = 0; n < 100; n++)
		feed(&d, big, sizeof(big), &got);
	assert_int_equal(d.stats.overflows, 2);
	assert_int_equal(got.n, 1);
}

static void
test_abort(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(MAXF)];
	static const uint8_t f[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x02 };
	uint8_t enc[HDLC_ENCODED_MAX(sizeof(f))];
	uint8_t s[64];
	struct hdlc_decoder d;
	struct collected got;
	size_t n, k = 0;

	(void)state;
	n = hdlc_encode(f, sizeof(f), 0, enc, sizeof(enc));
	/* half a frame, abort (7d 7e), then a complete frame */
	memcpy(s, enc, n - 3);
	k = n - 3;
	s[k++] = HDLC_ESCAPE;
	s[k++] = HDLC_FLAG;
	memcpy(s + k, enc + 1, n - 1);	/* the abort's flag opens it */
	k += n - 1;
	hdlc_decoder_init(&d, buf, sizeof(buf));
	memset(&got, 0, sizeof(got));
	feed(&d, s, k, &got);
	assert_int_equal(got.n, 1);
	assert_memory_equal(got.data[0], f, sizeof(f));
	assert_int_equal(d.stats.aborts, 1);
	assert_int_equal(d.stats.bad_fcs, 0);
}

static void
test_rx_accm_and_escapes(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(MAXF)];
	static const uint8_t f[] = { 0xff, 0x03, 0x00, 0x21, 0x11, 0x7d };
	uint8_t enc[HDLC_ENCODED_MAX(sizeof(f))], noisy[64];
	struct hdlc_decoder d;
	struct collected got;
	size_t n, i, k = 0;

	(void)state;
	n = hdlc_encode(f, sizeof(f), HDLC_ACCM_DEFAULT, enc, sizeof(enc));
	/* DCE noise: raw XON/XOFF between the octets */
	for (i = 0; i < n; i++) {
		noisy[k++] = enc[i];
		if (i > 0 && i + 1 < n && i % 2 == 0)
			noisy[k++] = (i % 4 == 0) ? 0x11 : 0x13;
	}
	hdlc_decoder_init(&d, buf, sizeof(buf));
	/* ACCM 0 (TCP): the noise is data and breaks the FCS */
	memset(&got, 0, sizeof(got));
	feed(&d, noisy, k, &got);
	assert_int_equal(got.n, 0);
	assert_int_equal(d.stats.bad_fcs, 1);
	/* with XON/XOFF in the receive ACCM they are discarded */
	d.accm = 0x000a0000u;
	feed(&d, noisy, k, &got);
	assert_int_equal(got.n, 1);
	assert_memory_equal(got.data[0], f, sizeof(f));
	/* An escaped 0x7d ("7d 5d") and "7d 7d" both decode as data. */
	{
		uint8_t g[16] = { 0x7e, 0xff, 0x03, 0x7d, 0x5d, 0x7d, 0x7d };
		uint8_t want[] = { 0xff, 0x03, 0x7d, 0x5d };
		uint16_t fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, want, 4);
		uint8_t o[2] = { (uint8_t)(fcs & 0xff), (uint8_t)(fcs >> 8) };

		k = 7;
		for (i = 0; i < 2; i++) {
			if (o[i] < 0x20 || o[i] == 0x7d || o[i] == 0x7e) {
				g[k++] = 0x7d;
				g[k++] = o[i] ^ 0x20;
			} else
				g[k++] = o[i];
		}
		g[k++] = 0x7e;
		d.accm = 0;
		memset(&got, 0, sizeof(got));
		feed(&d, g, k, &got);
		assert_int_equal(got.n, 1);
		assert_int_equal(got.len[0], 4);
		assert_memory_equal(got.data[0], want, 4);
	}
}

static void
test_reset_drops_partial(void **state)
{
	uint8_t buf[HDLC_DECODER_BUF(MAXF)];
	static const uint8_t f[] = { 0xc0, 0x21, 0x05, 0x01, 0x00, 0x04 };
	uint8_t enc[HDLC_ENCODED_MAX(sizeof(f))];
	struct hdlc_decoder d;
	struct collected got;
	size_t n;

	(void)state;
	n = hdlc_encode(f, sizeof(f), HDLC_ACCM_DEFAULT, enc, sizeof(enc));
	hdlc_decoder_init(&d, buf, sizeof(buf));
	memset(&got, 0, sizeof(got));
	feed(&d, enc + 1, 4, &got);	/* half a frame, no flag yet */
	hdlc_decoder_reset(&d);
	feed(&d, enc + 1, n - 1, &got);	/* without the opening flag */
	assert_int_equal(got.n, 1);
	assert_int_equal(d.stats.bad_fcs, 0);
}

/* The ACCM a frame goes out with (pppd's rule for LCP codes 1-7). */
static void
test_frame_accm(void **state)
{
	static const uint8_t lcp_req[] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	static const uint8_t lcp_req_nac[] = { 0xc0, 0x21, 5, 1, 0, 4 };
	static const uint8_t lcp_echo[] = { 0xff, 0x03, 0xc0, 0x21, 9, 1, 0, 8 };
	static const uint8_t ipcp[] = { 0x80, 0x21, 1, 1, 0, 4 };
	static const uint8_t ip[] = { 0x00, 0x21, 0x45 };

	(void)state;
	/* before LCP opens: the default map, whatever the frame */
	assert_int_equal(hdlc_frame_accm(false, 0, ip, sizeof(ip)),
	    HDLC_ACCM_DEFAULT);
	/* then the peer's map ... */
	assert_int_equal(hdlc_frame_accm(true, 0x000a0000, ip, sizeof(ip)),
	    0x000a0000);
	assert_int_equal(hdlc_frame_accm(true, 0, ipcp, sizeof(ipcp)), 0);
	assert_int_equal(hdlc_frame_accm(true, 0, lcp_echo, sizeof(lcp_echo)),
	    0);
	/* ... except LCP Configure/Terminate/Code-Reject, with or without
	 * address and control */
	assert_int_equal(hdlc_frame_accm(true, 0, lcp_req, sizeof(lcp_req)),
	    HDLC_ACCM_DEFAULT);
	assert_int_equal(hdlc_frame_accm(true, 0, lcp_req_nac,
	    sizeof(lcp_req_nac)), HDLC_ACCM_DEFAULT);
	/* too short to tell: the peer's map */
	assert_int_equal(hdlc_frame_accm(true, 0, lcp_req, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fcs_check_value),
		cmocka_unit_test(test_frame_accm),
		cmocka_unit_test(test_fcs_good_residue),
		cmocka_unit_test(test_encode_layout),
		cmocka_unit_test(test_encode_escapes),
		cmocka_unit_test(test_roundtrip_random),
		cmocka_unit_test(test_split_every_boundary),
		cmocka_unit_test(test_bad_fcs),
		cmocka_unit_test(test_runts_and_fill),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_rx_accm_and_escapes),
		cmocka_unit_test(test_reset_drops_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

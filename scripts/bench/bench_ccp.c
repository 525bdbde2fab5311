/*
 * bench_ccp.c - throughput of the CCP/ECP codecs (ppp/mppe.c, mppc.c,
 * deflate.c, pred1.c, dese.c) on one core: packets of 1400 bytes of
 * packet-like data (headers that change a little, text with repeats),
 * encoded then decoded.  Prints one line per algorithm and direction:
 *     ccp <alg> <tx|rx> <MB/s>
 * (MB = 10^6 bytes of payload).  Usage: bench_ccp [megabytes-per-run].
 * Built and run by scripts/bench/bench-ccp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/msoft.h"
#include "ppp/deflate.h"
#include "ppp/dese.h"
#include "ppp/mppe.h"
#include "ppp/pred1.h"

#define PKT	1400
#define NPKT	256		/* distinct packets, cycled */

static uint8_t pkts[NPKT][PKT];
static uint8_t frames[NPKT][PKT + 64];
static int flens[NPKT];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
gen(void)
{
	static const char *w[] = { "GET /index.html HTTP/1.1\r\n",
	    "Host: example.net\r\n", "the quick brown fox ", "jumps over ",
	    "the lazy dog ", "0123456789", "Content-Length: 1234\r\n" };
	unsigned r = 1;
	int i, j;

	for (i = 0; i < NPKT; i++) {
		for (j = 0; j < 40; j++)
			pkts[i][j] = (uint8_t)(j == 4 ? i : 0x45 + j);
		while (j < PKT) {
			const char *s;

			r = r * 1103515245u + 12345u;
			s = w[(r >> 16) % 7];
			while (*s != '\0' && j < PKT)
				pkts[i][j++] = (uint8_t)*s++;
		}
	}
}

enum alg { A_MPPE, A_DEFLATE, A_PRED1, A_DESE };

struct run {
	const char	*name;
	enum alg	 alg;
	uint32_t	 bits;
};

static void
report(const char *name, const char *dir, size_t bytes, double dt)
{
	printf("ccp %s %s %.1f\n", name, dir, dt > 0 ? bytes / dt / 1e6 : 0.0);
	fflush(stdout);
}

static void
bench(const struct run *r, size_t total)
{
	static const uint8_t key[16] = "0123456789abcdef";
	struct mppe_dir *mt = NULL, *mr = NULL;
	struct deflate_dir dt, dr;
	struct pred1_dir *pt = NULL, *pr = NULL;
	struct dese_dir et, er;
	uint8_t out[PKT + 64];
	size_t n = total / PKT, i, olen, bytes = n * PKT;
	uint16_t proto;
	double t0, t1, t2;
	int k, ok = 1;

	switch (r->alg) {
	case A_MPPE:
		mt = malloc(sizeof(*mt));
		mr = malloc(sizeof(*mr));
		mppe_dir_init(mt, r->bits, key, true);
		mppe_dir_init(mr, r->bits, key, false);
		break;
	case A_DEFLATE:
		deflate_dir_init(&dt, 15, true);
		deflate_dir_init(&dr, 15, false);
		break;
	case A_PRED1:
		pt = malloc(sizeof(*pt));
		pr = malloc(sizeof(*pr));
		pred1_reset(pt);
		pred1_reset(pr);
		break;
	case A_DESE:
		if (dese_dir_init(&et, key, key + 8, true, true) < 0 ||
		    dese_dir_init(&er, key, key + 8, true, false) < 0) {
			printf("ccp %s tx 0\nccp %s rx 0\n", r->name, r->name);
			return;
		}
		break;
	}
	/*
	 * Encode and decode in batches of NPKT so the receiver sees the
	 * frames in order; the two directions are timed separately.
	 */
	t1 = t2 = 0;
	for (i = 0; i < n; i += NPKT) {
		t0 = now();
		for (k = 0; k < NPKT; k++) {
			switch (r->alg) {
			case A_MPPE:
				flens[k] = mppe_encode(mt, 0x21, pkts[k], PKT,
				    frames[k], sizeof(frames[k]));
				break;
			case A_DEFLATE:
				flens[k] = deflate_encode(&dt, 0x21, pkts[k],
				    PKT, frames[k], sizeof(frames[k]));
				break;
			case A_PRED1:
				flens[k] = pred1_encode(pt, 0x21, pkts[k], PKT,
				    frames[k], sizeof(frames[k]));
				break;
			case A_DESE:
				flens[k] = dese_encode(&et, 0x21, pkts[k], PKT,
				    frames[k], sizeof(frames[k]));
				break;
			}
		}
		t1 += now() - t0;
		t0 = now();
		for (k = 0; k < NPKT; k++) {
			olen = 0;
			switch (r->alg) {
			case A_MPPE:
				ok &= mppe_decode(mr, frames[k], (size_t)flens[k],
				    &proto, out, sizeof(out), &olen) ==
				    MPPE_RX_OK;
				break;
			case A_DEFLATE:
				if (flens[k] == 0)
					ok &= deflate_incomp(&dr, 0x21, pkts[k],
					    PKT) == 0;
				else
					ok &= deflate_decode(&dr, frames[k],
					    (size_t)flens[k], &proto, out,
					    sizeof(out), &olen) ==
					    DEFLATE_RX_OK;
				break;
			case A_PRED1:
				ok &= pred1_decode(pr, frames[k],
				    (size_t)flens[k], &proto, out, sizeof(out),
				    &olen) == PRED1_RX_OK;
				break;
			case A_DESE:
				ok &= dese_decode(&er, frames[k],
				    (size_t)flens[k], &proto, out, sizeof(out),
				    &olen) == 0;
				break;
			}
		}
		t2 += now() - t0;
	}
	if (!ok)
		fprintf(stderr, "bench_ccp: %s: decode errors\n", r->name);
	report(r->name, "tx", bytes, t1);
	report(r->name, "rx", bytes, t2);
	free(mt);
	free(mr);
	free(pt);
	free(pr);
	if (r->alg == A_DEFLATE) {
		deflate_dir_fini(&dt);
		deflate_dir_fini(&dr);
	}
	if (r->alg == A_DESE) {
		dese_dir_fini(&et);
		dese_dir_fini(&er);
	}
}

int
main(int argc, char **argv)
{
	static const struct run runs[] = {
		{ "mppe128", A_MPPE, MPPE_BIT_S },
		{ "mppe128-stateless", A_MPPE, MPPE_BIT_S | MPPE_BIT_H },
		{ "mppe40", A_MPPE, MPPE_BIT_L },
		{ "mppc", A_MPPE, MPPE_BIT_C },
		{ "mppc-mppe128", A_MPPE, MPPE_BIT_C | MPPE_BIT_S },
		{ "deflate", A_DEFLATE, 0 },
		{ "pred1", A_PRED1, 0 },
		{ "dese-bis", A_DESE, 0 },
	};
	size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 32;
	size_t i;

	gen();
	if (mb == 0)
		mb = 1;
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		bench(&runs[i], mb * 1000000);
	msoft_fini();
	return 0;
}

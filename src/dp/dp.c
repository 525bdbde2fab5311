/*
 * dp.c - choice of the data-plane backend of a bundle and the upcalls
 * from the backends to the interface layer (DESIGN.md 2).
 *
 * Policy: the kernel backend (dp/kernel.c, ppp_generic) when /dev/ppp
 * opens, `set global dataplane` is not tun, and every link that may join
 * the bundle has a kernel channel type (PPPoE today); otherwise the tun
 * backend.  `set global dataplane kernel` skips the link check;
 * `set global dataplane tun` never uses the kernel.  The reason is kept
 * in b->dp_why for `show iface`.
 */
#include "dp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../ppp/bund.h"
#include "../sys/pppdev.h"

static const struct dp_upcalls *dp_up;
static enum dp_mode dp_mode;
static int dp_ppp_errno = -1;		/* -1: not probed yet */

void
dp_set_upcalls(const struct dp_upcalls *u)
{
	dp_up = u;
}

const struct dp_upcalls *
dp_upcalls(void)
{
	return dp_up;
}

void
dp_set_mode(enum dp_mode mode)
{
	dp_mode = mode;
}

enum dp_mode
dp_get_mode(void)
{
	return dp_mode;
}

const char *
dp_mode_name(enum dp_mode mode)
{
	switch (mode) {
	case DP_MODE_KERNEL:
		return "kernel";
	case DP_MODE_TUN:
		return "tun";
	case DP_MODE_AUTO:
		break;
	}
	return "auto";
}

int
dp_mode_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return DP_MODE_AUTO;
	if (strcmp(s, "kernel") == 0)
		return DP_MODE_KERNEL;
	if (strcmp(s, "tun") == 0)
		return DP_MODE_TUN;
	return -1;
}

/* 0 when /dev/ppp opens, else its errno; probed once per process. */
static int
dp_probe(void)
{
	if (dp_ppp_errno < 0)
		dp_ppp_errno = pppdev_probe(&pppdev_kernel_real) == 0 ? 0 :
		    (errno != 0 ? errno : ENODEV);
	return dp_ppp_errno;
}

bool
dp_kernel_usable(void)
{
	return dp_mode != DP_MODE_TUN && dp_probe() == 0;
}

const struct dp_ops *
dp_policy(enum dp_mode mode, int ppp_errno, bool links_ok,
    const char *links_why, char *why, size_t len)
{
	if (mode == DP_MODE_TUN) {
		snprintf(why, len, "set global dataplane tun");
		return &dp_tun;
	}
	if (ppp_errno != 0) {
		snprintf(why, len, "/dev/ppp: %s", strerror(ppp_errno));
		return &dp_tun;
	}
	if (mode == DP_MODE_KERNEL) {
		snprintf(why, len, "set global dataplane kernel");
		return &dp_kernel;
	}
	if (!links_ok) {
		snprintf(why, len, "%s", links_why != NULL && *links_why ?
		    links_why : "a link without a kernel channel");
		return &dp_tun;
	}
	snprintf(why, len, "ppp_generic, links on kernel channels");
	return &dp_kernel;
}

const struct dp_ops *
dp_select(struct bund *b)
{
	char lwhy[80] = "";
	bool ok = false;

	if (dp_up != NULL && dp_up->links_ok != NULL)
		ok = dp_up->links_ok(b, lwhy, sizeof(lwhy));
	return dp_policy(dp_mode, dp_mode == DP_MODE_TUN ? 0 : dp_probe(),
	    ok, lwhy, b->dp_why, sizeof(b->dp_why));
}

/* ---- CCP in the kernel (kccp) ---- */

/* RFC 3078 2.2 bits (as in ppp/mppe.h, which dp/ does not include) */
#define DP_MPPE_C	0x00000001u	/* MPPC */
#define DP_MPPE_D	0x00000010u	/* obsolete */
#define DP_MPPE_L	0x00000020u	/* 40-bit */
#define DP_MPPE_S	0x00000040u	/* 128-bit */
#define DP_MPPE_M	0x00000080u	/* 56-bit */

bool
dp_ccp_kernel_ok(int type, uint32_t mppc_bits, int wbits, char *why,
    size_t len)
{
	switch (type) {
	case 0:
		return true;
	case DP_CCP_MPPC:
		if (mppc_bits & DP_MPPE_C) {
			snprintf(why, len, "MPPC negotiated");
			return false;
		}
		if (mppc_bits & (DP_MPPE_M | DP_MPPE_D)) {
			snprintf(why, len, "56-bit MPPE negotiated");
			return false;
		}
		/* ppp_mppe: exactly one of 40 and 128 bits */
		if ((mppc_bits & (DP_MPPE_L | DP_MPPE_S)) == 0 ||
		    (mppc_bits & (DP_MPPE_L | DP_MPPE_S)) ==
		    (DP_MPPE_L | DP_MPPE_S)) {
			snprintf(why, len, "MPPE without one key length");
			return false;
		}
		return true;
	case DP_CCP_DEFLATE:
	case DP_CCP_DEFLATE_DRAFT:
		if (wbits < 9 || wbits > 15) {
			snprintf(why, len, "Deflate window %d negotiated",
			    wbits);
			return false;
		}
		return true;
	case DP_CCP_PRED1:
		snprintf(why, len, "Predictor-1 negotiated");
		return false;
	default:
		snprintf(why, len, "CCP type %d negotiated", type);
		return false;
	}
}

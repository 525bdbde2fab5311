/*
 * dp.c - choice of the data-plane backend of a bundle and the upcalls
 * from the backends to the interface layer (DESIGN.md 2).
 */
#include "dp.h"

#include <stddef.h>

static const struct dp_upcalls *dp_up;

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

const struct dp_ops *
dp_select(const struct bund *b)
{
	(void)b;
	/*
	 * Seam for the kernel backend: once dp/kernel.c exists, return
	 * &dp_kernel here when /dev/ppp opens and the bundle needs nothing
	 * the kernel cannot do (MPPC, Predictor-1, DESE), unless a global
	 * option forces the tun backend.
	 */
	return &dp_tun;
}

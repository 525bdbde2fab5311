/*
 * test_dp_policy.c - the data-plane choice of dp/dp.c: `set global
 * dataplane` modes, /dev/ppp availability, links without kernel
 * channels, and the reason texts `show iface` prints
 * (doc/DIFFERENCES.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "dp/dp.h"

static void
test_policy(void **state)
{
	char why[96];

	(void)state;
	/* auto: kernel when /dev/ppp opens and every link has a channel */
	assert_ptr_equal(dp_policy(DP_MODE_AUTO, 0, true, "", why,
	    sizeof(why)), &dp_kernel);
	assert_string_equal(why, "ppp_generic, links on kernel channels");
	assert_ptr_equal(dp_policy(DP_MODE_AUTO, 0, false, "link L is udp",
	    why, sizeof(why)), &dp_tun);
	assert_string_equal(why, "link L is udp");
	assert_ptr_equal(dp_policy(DP_MODE_AUTO, ENOENT, true, "", why,
	    sizeof(why)), &dp_tun);
	assert_string_equal(why, "/dev/ppp: No such file or directory");
	/* forced kernel still needs /dev/ppp, not the link check */
	assert_ptr_equal(dp_policy(DP_MODE_KERNEL, 0, false, "x", why,
	    sizeof(why)), &dp_kernel);
	assert_string_equal(why, "set global dataplane kernel");
	assert_ptr_equal(dp_policy(DP_MODE_KERNEL, ENODEV, true, "", why,
	    sizeof(why)), &dp_tun);
	assert_string_equal(why, "/dev/ppp: No such device");
	/* forced tun wins over everything */
	assert_ptr_equal(dp_policy(DP_MODE_TUN, 0, true, "", why,
	    sizeof(why)), &dp_tun);
	assert_string_equal(why, "set global dataplane tun");
	/* a short buffer is truncated, never overrun */
	assert_ptr_equal(dp_policy(DP_MODE_TUN, 0, true, "", why, 4),
	    &dp_tun);
	assert_string_equal(why, "set");
	/* no reason given for the links: a generic one */
	dp_policy(DP_MODE_AUTO, 0, false, NULL, why, sizeof(why));
	assert_string_equal(why, "a link without a kernel channel");
}

static void
test_modes(void **state)
{
	(void)state;
	assert_int_equal(dp_mode_parse("auto"), DP_MODE_AUTO);
	assert_int_equal(dp_mode_parse("kernel"), DP_MODE_KERNEL);
	assert_int_equal(dp_mode_parse("tun"), DP_MODE_TUN);
	assert_int_equal(dp_mode_parse("Kernel"), -1);
	assert_int_equal(dp_mode_parse(""), -1);
	assert_string_equal(dp_mode_name(DP_MODE_KERNEL), "kernel");
	assert_string_equal(dp_mode_name(DP_MODE_AUTO), "auto");
	dp_set_mode(DP_MODE_TUN);
	assert_int_equal(dp_get_mode(), DP_MODE_TUN);
	/* tun mode never offers kernel channels to the links */
	assert_false(dp_kernel_usable());
	dp_set_mode(DP_MODE_AUTO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

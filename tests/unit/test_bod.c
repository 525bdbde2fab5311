/*
 * test_bod.c - the bandwidth-on-demand decision (ppp/bod.c): open above
 * hiwat (in or out) once min-con has passed and a link is left; close
 * below lowat (in and out) once min-dis has passed, never the last link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ppp/bod.h"

static void
test_decide(void **state)
{
	(void)state;
	/* defaults: lowat 20, hiwat 80, min-con 30, min-dis 90 */
	assert_int_equal(bod_decide(85, 0, 30, 0, 1, 3, 20, 80, 30, 90), 1);
	assert_int_equal(bod_decide(0, 80, 31, 0, 1, 3, 20, 80, 30, 90), 1);
	assert_int_equal(bod_decide(85, 0, 29, 0, 1, 3, 20, 80, 30, 90), 0);
	assert_int_equal(bod_decide(85, 0, 30, 0, 3, 3, 20, 80, 30, 90), 0);
	assert_int_equal(bod_decide(79, 79, 99, 0, 1, 3, 20, 80, 30, 90), 0);
	assert_int_equal(bod_decide(10, 19, 0, 90, 2, 3, 20, 80, 30, 90), -1);
	assert_int_equal(bod_decide(10, 20, 0, 90, 2, 3, 20, 80, 30, 90), 0);
	assert_int_equal(bod_decide(10, 10, 0, 89, 2, 3, 20, 80, 30, 90), 0);
	assert_int_equal(bod_decide(0, 0, 0, 1000, 1, 3, 20, 80, 30, 90), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

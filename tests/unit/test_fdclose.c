/*
 * test_fdclose.c - descriptors closed by the closer threads
 * (core/fdclose.h): every descriptor handed over is closed once drained,
 * in any number, with the ring growing past its first size; an invalid
 * descriptor is ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/fdclose.h"

static void
test_many_closed(void **state)
{
	static int fds[2000];
	int i, p[2];

	(void)state;
	for (i = 0; i < 2000; i += 2) {
		assert_int_equal(pipe(p), 0);
		fds[i] = p[0];
		fds[i + 1] = p[1];
	}
	for (i = 0; i < 2000; i++)
		fd_close_async(fds[i]);
	fd_close_drain();
	for (i = 0; i < 2000; i++) {
		errno = 0;
		assert_int_equal(fcntl(fds[i], F_GETFD), -1);
		assert_int_equal(errno, EBADF);
	}
}

static void
test_invalid_and_empty_drain(void **state)
{
	(void)state;
	fd_close_async(-1);
	fd_close_drain();
	fd_close_drain();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_closed),
		cmocka_unit_test(test_invalid_and_empty_drain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

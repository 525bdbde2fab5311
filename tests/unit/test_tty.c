/*
 * test_tty.c - the serial port helpers of sys/tty.c: lock file names and
 * contents (FHS /var/lock, LCK..<device>), taking a lock over a stale one,
 * refusing a live one, releasing only our own, the termios speed map, and
 * opening a pty slave raw at standard and other (termios2) rates.
 * The lock tests use a private directory under /tmp named after the pid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include <fcntl.h>

#include "sys/tty.h"
#include "sys/tty_speed.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_tty.%d", (int)getpid());
	return mkdir(dir, 0700);
}

static int
teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/LCK..ttyT0", dir);
	(void)unlink(path);
	return rmdir(dir);
}

static void
write_lock(const char *text, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/LCK..ttyT0", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static pid_t
read_lock(void)
{
	char path[128], buf[32];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/LCK..ttyT0", dir);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return tty_lock_parse((const uint8_t *)buf, n);
}

/* A pid that certainly is not running: a child that has been reaped. */
static pid_t
dead_pid(void)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0)
		_exit(0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return p;
}

static void
test_lock_path(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(tty_lock_path("/var/lock", "/dev/ttyS0", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "/var/lock/LCK..ttyS0");
	assert_int_equal(tty_lock_path("/l", "ttyUSB1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/l/LCK..ttyUSB1");
	assert_int_equal(tty_lock_path("/l", "/dev/", buf, sizeof(buf)), -1);
	assert_int_equal(tty_lock_path("/var/lock", "/dev/ttyS0", buf, 12),
	    -1);
}

static void
test_lock_parse(void **state)
{
	int32_t bin = 4321;

	(void)state;
	assert_int_equal(tty_lock_parse((const uint8_t *)"      1234\n", 11),
	    1234);
	assert_int_equal(tty_lock_parse((const uint8_t *)"77", 2), 77);
	assert_int_equal(tty_lock_parse((const uint8_t *)"12 x\n", 5), -1);
	assert_int_equal(tty_lock_parse((const uint8_t *)"0\n", 2), -1);
	assert_int_equal(tty_lock_parse((const uint8_t *)"99999999999", 11),
	    -1);
	assert_int_equal(tty_lock_parse((const uint8_t *)"", 0), -1);
	assert_int_equal(tty_lock_parse((const uint8_t *)&bin, sizeof(bin)),
	    4321);
	assert_int_equal(tty_lock_parse((const uint8_t *)"abc", 3), -1);
}

static void
test_lock_take_release(void **state)
{
	pid_t me = getpid(), owner = 0;

	(void)state;
	assert_int_equal(tty_lock(dir, "/dev/ttyT0", me, &owner), 0);
	assert_int_equal(read_lock(), me);
	/* taking it again is fine: it is ours */
	assert_int_equal(tty_lock(dir, "/dev/ttyT0", me, &owner), 0);
	/* someone else's release leaves it */
	tty_unlock(dir, "/dev/ttyT0", me + 1);
	assert_int_equal(read_lock(), me);
	tty_unlock(dir, "/dev/ttyT0", me);
	assert_int_equal(read_lock(), -1);
}

static void
test_lock_live_and_stale(void **state)
{
	char text[16];
	pid_t owner = 0, dead = dead_pid();
	int n;

	(void)state;
	/* held by a live process (this one): refused for another pid */
	n = snprintf(text, sizeof(text), "%10d\n", (int)getpid());
	write_lock(text, (size_t)n);
	assert_int_equal(tty_lock(dir, "/dev/ttyT0", getpid() + 1, &owner),
	    -1);
	assert_int_equal(owner, getpid());
	/* stale: replaced */
	n = snprintf(text, sizeof(text), "%10d\n", (int)dead);
	write_lock(text, (size_t)n);
	assert_int_equal(tty_lock(dir, "/dev/ttyT0", getpid(), NULL), 0);
	assert_int_equal(read_lock(), getpid());
	/* garbage: replaced too */
	write_lock("garbage", 7);
	assert_int_equal(tty_lock(dir, "/dev/ttyT0", getpid(), NULL), 0);
	assert_int_equal(read_lock(), getpid());
	tty_unlock(dir, "/dev/ttyT0", getpid());
}

static void
test_speed_code(void **state)
{
	(void)state;
	assert_int_equal(tty_speed_code(115200), B115200);
	assert_int_equal(tty_speed_code(9600), B9600);
	assert_int_equal(tty_speed_code(3000000), B3000000);
	/* accepted by `set modem speed` but without a Linux constant */
	assert_int_equal(tty_speed_code(28800), 0);
	assert_int_equal(tty_speed_code(0), 0);
	assert_int_equal(tty_speed_code(-1), 0);
}

/* Opening a pty slave raw at standard and other rates, and changing it. */
static void
test_open_speeds(void **state)
{
	char pts[64];
	struct termios t;
	int m, fd;

	(void)state;
	m = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	assert_int_equal(ptsname_r(m, pts, sizeof(pts)), 0);

	fd = tty_open(pts, 115200);
	assert_true(fd >= 0);
	assert_int_equal(tty_speed_get(fd), 115200);
	assert_int_equal(tcgetattr(fd, &t), 0);
	assert_true(t.c_cflag & CLOCAL);
	assert_int_equal(t.c_cflag & CSIZE, CS8);
	assert_int_equal(t.c_lflag & (ICANON | ECHO), 0);
	/* a rate without a Bnnn constant ($Baudrate from a script) */
	assert_int_equal(tty_set_speed(fd, 28800), 0);
	assert_int_equal(tty_speed_get(fd), 28800);
	assert_int_equal(tty_set_speed(fd, 9600), 0);
	assert_int_equal(tty_speed_get(fd), 9600);
	assert_int_equal(tty_set_speed(fd, 0), -1);
	assert_int_equal(tty_set_clocal(fd, false), 0);
	assert_int_equal(tcgetattr(fd, &t), 0);
	assert_false(t.c_cflag & CLOCAL);
	close(fd);

	fd = tty_open(pts, 14400);
	assert_true(fd >= 0);
	assert_int_equal(tty_speed_get(fd), 14400);
	close(fd);
	assert_int_equal(tty_open(pts, -5), -1);
	close(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_path),
		cmocka_unit_test(test_lock_parse),
		cmocka_unit_test(test_lock_take_release),
		cmocka_unit_test(test_lock_live_and_stale),
		cmocka_unit_test(test_speed_code),
		cmocka_unit_test(test_open_speeds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

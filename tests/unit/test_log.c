/*
 * test_log.c - the syslog client: RFC 3164 datagrams to the socket named
 * by MPD_SYSLOG_SOCKET, lines queued (in order) while the receiver is full
 * and flushed from the event loop, the log flag command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/log.h"

static char path[108];
static int rx = -1;

static int
setup(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	(void)state;
	snprintf(path, sizeof(path), "/tmp/mpd-logtest-%d.sock", (int)getpid());
	unlink(path);
	rx = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (bind(rx, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	setenv("MPD_SYSLOG_SOCKET", path, 1);
	event_init();
	log_open("mpdtest", 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	log_close();
	event_fini();
	close(rx);
	unlink(path);
	return 0;
}

static void
stop_cb(void *arg)
{
	(void)arg;
	event_stop();
}

static void
test_format(void **state)
{
	char buf[2048];
	ssize_t n;

	(void)state;
	log_printf(LG_ERR, "hello %d", 42);
	n = recv(rx, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	/* <30> = daemon.info, then "Mmm dd hh:mm:ss ident: text" */
	assert_true(strncmp(buf, "<30>", 4) == 0);
	assert_non_null(strstr(buf, " mpdtest: hello 42"));
	/* a disabled class is not formatted at all */
	log_msg(LG_FRAME, "never");
	assert_true(recv(rx, buf, sizeof(buf), MSG_DONTWAIT) < 0);
}

static void
test_burst_is_queued_in_order(void **state)
{
	static struct timer t;
	char buf[2048], want[32];
	int i, got = 0;
	ssize_t n;

	(void)state;
	/* far more than the receive queue holds while nobody reads */
	for (i = 0; i < 1500; i++)
		log_printf(LG_ERR, "line %d", i);
	assert_int_equal(log_dropped(), 0);
	/* drain while the loop flushes the rest */
	for (int round = 0; round < 200 && got < 1500; round++) {
		while ((n = recv(rx, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
			buf[n] = '\0';
			snprintf(want, sizeof(want), ": line %d", got);
			assert_non_null(strstr(buf, want));
			got++;
		}
		timer_init(&t, "stop", 1, stop_cb, NULL);
		timer_start(&t);
		event_loop();
	}
	assert_int_equal(got, 1500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_is_queued_in_order,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

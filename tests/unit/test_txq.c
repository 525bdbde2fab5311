/*
 * test_txq.c - the send queue of the byte-stream device types
 * (link/txq.c) on a real pipe shrunk to one page: what the pipe takes is
 * written at once, the rest of a frame queued, whole frames refused
 * beyond the bound, the queue flushed by the event loop once the reader
 * drains, the byte stream intact, and nothing kept once drained.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/msg.h"
#include "link/txq.h"

static int pfd[2];

static void
stop_cb(void *arg)
{
	(void)arg;
	event_stop();
}

static void
run_for(uint32_t ms)
{
	static struct timer stop;

	timer_init(&stop, "stop", ms, stop_cb, NULL);
	timer_start(&stop);
	event_loop();
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(pipe2(pfd, O_NONBLOCK | O_CLOEXEC), 0);
	assert_true(fcntl(pfd[1], F_SETPIPE_SZ, 4096) >= 4096);
	return event_init();
}

static int
teardown(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);		/* as the daemon */
	close(pfd[0]);
	close(pfd[1]);
	event_fini();
	msg_fini();
	return 0;
}

/* Read everything the pipe holds into buf at *got. */
static void
drain(uint8_t *buf, size_t cap, size_t *got)
{
	ssize_t r;

	while (*got < cap && (r = read(pfd[0], buf + *got, cap - *got)) > 0)
		*got += (size_t)r;
}

static void
test_queue_and_flush(void **state)
{
	static uint8_t sent[16384], recvd[16384];
	struct txq q;
	size_t i, off = 0, got = 0, frame = 1500;
	int refused = 0;

	(void)state;
	for (i = 0; i < sizeof(sent); i++)
		sent[i] = (uint8_t)(i * 7 + i / 251);
	txq_init(&q, false, 3000);
	/* frames until one is refused: the pipe takes a page, the queue
	 * the rest of a part-written frame plus whole ones up to 3000 */
	while (off + frame <= sizeof(sent)) {
		if (txq_write(&q, pfd[1], sent + off, frame) < 0) {
			assert_int_equal(errno, ENOBUFS);
			refused++;
			break;
		}
		off += frame;
	}
	assert_int_equal(refused, 1);
	assert_true(txq_pending(&q) > 0);
	assert_true(txq_pending(&q) <= 3000 + frame);
	/* the reader catches up: the loop flushes the queue */
	while (txq_pending(&q) > 0) {
		drain(recvd, sizeof(recvd), &got);
		run_for(5);
	}
	drain(recvd, sizeof(recvd), &got);
	assert_int_equal(got, off);
	assert_memory_equal(recvd, sent, off);
	/* drained: no buffer kept, the event gone */
	assert_null(q.buf);
	assert_false(event_is_registered(&q.ev));
	/* and a frame goes straight out again */
	assert_int_equal(txq_write(&q, pfd[1], sent, 10), 0);
	assert_int_equal(txq_pending(&q), 0);
	txq_reset(&q);
}

/* A broken descriptor: the write error comes back, nothing queued. */
static void
test_broken(void **state)
{
	struct txq q;
	uint8_t b[8] = { 0 };

	(void)state;
	signal(SIGPIPE, SIG_IGN);		/* as the daemon */
	close(pfd[0]);
	pfd[0] = open("/dev/null", O_RDONLY);	/* for teardown */
	txq_init(&q, false, 100);
	assert_int_equal(txq_write(&q, pfd[1], b, sizeof(b)), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(txq_pending(&q), 0);
	txq_reset(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue_and_flush, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_broken, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

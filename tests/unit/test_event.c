/*
 * test_event.c - timer heap ordering and the deferred message queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/msg.h"

static int order[2048];
static int norder;

struct tt {
	struct timer	t;
	int		id;
	uint64_t	when;
};

static uint64_t last_when;

static void
fire(void *arg)
{
	struct tt *x = arg;

	order[norder++] = x->id;
	/* deadlines never go backwards */
	assert_true(x->t.when >= last_when);
	last_when = x->t.when;
}

static void
stop_cb(void *arg)
{
	(void)arg;
	event_stop();
}

static void
run_until(uint32_t ms)
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
	norder = 0;
	last_when = 0;
	return event_init();
}

static int
teardown(void **state)
{
	(void)state;
	event_fini();
	msg_fini();
	return 0;
}

static void
test_equal_deadlines_fifo(void **state)
{
	struct tt t[5];
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		t[i].id = i;
		timer_init(&t[i].t, "t", 0, fire, &t[i]);
	}
	for (i = 0; i < 5; i++)
		timer_start(&t[i].t);
	run_until(5);
	assert_int_equal(norder, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(order[i], i);
}

static void
test_stop_and_restart(void **state)
{
	struct tt t[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		t[i].id = i;
		timer_init(&t[i].t, "t", (uint32_t)(i + 1), fire, &t[i]);
		timer_start(&t[i].t);
	}
	assert_true(timer_running(&t[1].t));
	timer_stop(&t[1].t);
	timer_stop(&t[1].t);		/* idempotent */
	assert_false(timer_running(&t[1].t));
	timer_start(&t[0].t);		/* restart moves it back */
	run_until(20);
	assert_int_equal(norder, 3);
	assert_false(timer_running(&t[0].t));
}

static void
test_random_heap(void **state)
{
	struct tt *t = calloc(1000, sizeof(*t));
	int i;

	(void)state;
	srand(7);
	for (i = 0; i < 1000; i++) {
		t[i].id = i;
		timer_init(&t[i].t, "r", (uint32_t)(rand() % 15), fire, &t[i]);
		timer_start(&t[i].t);
	}
	for (i = 0; i < 1000; i += 7)
		timer_stop(&t[i].t);
	run_until(40);
	assert_int_equal(norder, 1000 - 143);
	free(t);
}

/* ---- message queue ---- */

static int got[16];
static int ngot;
static struct msg_port pa, pb;

static void
handler(int type, void *arg)
{
	got[ngot++] = type * 10 + (int)(intptr_t)arg;
	/* a message sent from a handler is delivered after the queue */
	if (type == MSG_OPEN && (intptr_t)arg == 1)
		msg_send(&pb, MSG_UP, (void *)(intptr_t)3);
}

static void
test_msg_fifo_and_cancel(void **state)
{
	(void)state;
	ngot = 0;
	msg_port_init(&pa, "a", handler);
	msg_port_init(&pb, "b", handler);
	msg_send(&pa, MSG_OPEN, (void *)(intptr_t)1);
	msg_send(&pb, MSG_CLOSE, (void *)(intptr_t)2);
	msg_send(&pa, MSG_DOWN, (void *)(intptr_t)4);
	assert_int_equal(msg_queued(), 3);
	msg_port_cancel(&pa);		/* drops OPEN and DOWN for a */
	msg_send(&pa, MSG_OPEN, (void *)(intptr_t)1);
	while (msg_dispatch())
		;
	assert_int_equal(ngot, 3);
	assert_int_equal(got[0], MSG_CLOSE * 10 + 2);
	assert_int_equal(got[1], MSG_OPEN * 10 + 1);
	assert_int_equal(got[2], MSG_UP * 10 + 3);
	assert_int_equal(msg_queued(), 0);
	assert_string_equal(msg_name(MSG_SHUTDOWN), "SHUTDOWN");
}

static int ncount;

static void
count_handler(int type, void *arg)
{
	(void)type;
	(void)arg;
	ncount++;
}

static void
test_msg_grows(void **state)
{
	struct msg_port p;
	int i;

	(void)state;
	ncount = 0;
	msg_port_init(&p, "count", count_handler);
	for (i = 0; i < 3000; i++)
		msg_send(&p, MSG_CLOSE, NULL);
	assert_int_equal(msg_queued(), 3000);
	/* bounded batches: more than one call is needed */
	assert_true(msg_dispatch());
	while (msg_dispatch())
		;
	assert_int_equal(ncount, 3000);
	assert_int_equal(msg_queued(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equal_deadlines_fifo,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_restart, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_random_heap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_msg_fifo_and_cancel,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_msg_grows, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

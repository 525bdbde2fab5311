/*
 * test_worker.c - the worker pool (core/worker.h): jobs run off the loop
 * thread and are delivered on it, cancel semantics for queued, running
 * and finished jobs, worker_should_stop(), log lines carried back to the
 * loop, the queue bound and shutdown.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/event.h"
#include "core/log.h"
#include "core/worker.h"

static pthread_t main_thread;
static struct timer guard, poll_timer;
static int gate[2];
static bool (*stop_when)(void);

struct job {
	int		 n;
	int		 result;
	bool		 on_worker;
	bool		 done;
	bool		 cleaned;
	bool		 gated;
	bool		 spin;		/* until worker_should_stop() */
	bool		 started;	/* atomic */
};

static int order[64], norder;
static char logged[8][128];
static int nlogged;

static void
work(void *arg)
{
	struct job *j = arg;
	char c;

	__atomic_store_n(&j->started, true, __ATOMIC_SEQ_CST);
	j->on_worker = !pthread_equal(pthread_self(), main_thread);
	if (j->gated)
		while (read(gate[0], &c, 1) < 0)
			;
	if (j->spin) {
		struct timespec ts = { 0, 1000000 };

		while (!worker_should_stop())
			nanosleep(&ts, NULL);
	}
	if (j->n == 99)
		log_msg(LG_ERR, "worker says %d", j->n);
	j->result = j->n * j->n;
}

static void
done(void *arg)
{
	struct job *j = arg;

	assert_true(pthread_equal(pthread_self(), main_thread));
	j->done = true;
	order[norder++] = j->n;
}

static void
cleanup(void *arg)
{
	struct job *j = arg;

	assert_true(pthread_equal(pthread_self(), main_thread));
	j->cleaned = true;
}

static void
hook(const char *line, unsigned len)
{
	(void)len;
	if (nlogged < 8) {
		snprintf(logged[nlogged], sizeof(logged[0]), "%s", line);
		nlogged++;
	}
	/* the line is written before done() runs */
	assert_int_equal(norder, 0);
}

static void
guard_fired(void *arg)
{
	(void)arg;
	fail_msg("loop did not finish");
}

static void
poll_fired(void *arg)
{
	(void)arg;
	if (stop_when())
		event_stop();
	else
		timer_start(&poll_timer);
}

/* Run the loop until cond() holds (checked every 5 ms). */
static void
run_until(bool (*cond)(void))
{
	stop_when = cond;
	timer_init(&guard, "guard", 5000, guard_fired, NULL);
	timer_init(&poll_timer, "poll", 5, poll_fired, NULL);
	timer_start(&guard);
	timer_start(&poll_timer);
	event_loop();
	timer_stop(&guard);
	timer_stop(&poll_timer);
}

static struct job jobs[40];
static int njobs_expected;

static bool
all_delivered(void)
{
	return norder == njobs_expected;
}

/*
 * Each test gets a fresh loop: event_loop() returns for good after
 * event_stop(), so run_until() is used once per test.
 */
static int
setup(void **state)
{
	(void)state;
	memset(jobs, 0, sizeof(jobs));
	norder = 0;
	nlogged = 0;
	if (event_init() < 0)
		return -1;
	return pipe(gate);
}

static int
teardown(void **state)
{
	(void)state;
	worker_shutdown();
	event_fini();
	log_set_hook(NULL);
	close(gate[0]);
	close(gate[1]);
	return 0;
}

static void
test_run(void **state)
{
	int i;

	(void)state;
	assert_int_equal(worker_init(4), 0);
	for (i = 0; i < 20; i++) {
		jobs[i].n = i;
		assert_true(worker_run(work, done, &jobs[i]) > 0);
	}
	njobs_expected = 20;
	run_until(all_delivered);
	for (i = 0; i < 20; i++) {
		assert_true(jobs[i].done);
		assert_true(jobs[i].on_worker);
		assert_int_equal(jobs[i].result, i * i);
		assert_false(jobs[i].cleaned);
	}
	assert_int_equal(worker_pending(), 0);
}

static void
test_lazy_init(void **state)
{
	(void)state;
	/* no worker_init(): the first job starts a default pool */
	jobs[0].n = 3;
	assert_true(worker_run(work, done, &jobs[0]) > 0);
	njobs_expected = 1;
	run_until(all_delivered);
	assert_int_equal(jobs[0].result, 9);
}

static void
test_cancel_queued(void **state)
{
	long a, b;

	(void)state;
	assert_int_equal(worker_init(1), 0);
	jobs[0].n = 1;
	jobs[0].gated = true;
	jobs[1].n = 2;
	a = worker_run(work, done, &jobs[0]);
	b = worker_run(work, done, &jobs[1]);
	assert_true(a > 0 && b > a);
	while (!__atomic_load_n(&jobs[0].started, __ATOMIC_SEQ_CST))
		usleep(1000);
	/* b waits behind a: dropped, cleanup at once */
	worker_cancel(b, cleanup);
	assert_true(jobs[1].cleaned);
	assert_false(__atomic_load_n(&jobs[1].started, __ATOMIC_SEQ_CST));
	assert_int_equal(write(gate[1], "x", 1), 1);
	njobs_expected = 1;
	run_until(all_delivered);
	assert_true(jobs[0].done);
	assert_false(jobs[1].done);
	/* cancelling a delivered or unknown job is harmless */
	worker_cancel(a, cleanup);
	worker_cancel(12345, cleanup);
	assert_false(jobs[0].cleaned);
}

static bool
job0_cleaned(void)
{
	return jobs[0].cleaned && worker_pending() == 0;
}

static void
test_cancel_running(void **state)
{
	long a;

	(void)state;
	assert_int_equal(worker_init(2), 0);
	jobs[0].n = 5;
	jobs[0].gated = true;
	a = worker_run(work, done, &jobs[0]);
	while (!__atomic_load_n(&jobs[0].started, __ATOMIC_SEQ_CST))
		usleep(1000);
	worker_cancel(a, cleanup);
	assert_false(jobs[0].cleaned);	/* still running */
	assert_int_equal(write(gate[1], "x", 1), 1);
	run_until(job0_cleaned);
	assert_false(jobs[0].done);
	assert_int_equal(jobs[0].result, 25);
}

static void
test_should_stop(void **state)
{
	long a;

	(void)state;
	assert_int_equal(worker_init(1), 0);
	jobs[0].n = 6;
	jobs[0].spin = true;
	a = worker_run(work, done, &jobs[0]);
	while (!__atomic_load_n(&jobs[0].started, __ATOMIC_SEQ_CST))
		usleep(1000);
	usleep(20000);
	assert_false(jobs[0].done);
	worker_cancel(a, cleanup);
	run_until(job0_cleaned);
	assert_false(jobs[0].done);
}

static void
test_log_lines(void **state)
{
	(void)state;
	log_set_hook(hook);
	jobs[0].n = 99;
	assert_true(worker_run(work, done, &jobs[0]) > 0);
	njobs_expected = 1;
	run_until(all_delivered);
	assert_int_equal(nlogged, 1);
	assert_string_equal(logged[0], "worker says 99");
}

static void
test_queue_bound(void **state)
{
	static struct job many[WORKER_MAX_QUEUE + 1];
	static long ids[WORKER_MAX_QUEUE + 1];
	int i;

	(void)state;
	assert_int_equal(worker_init(1), 0);
	jobs[0].gated = true;
	assert_true(worker_run(work, done, &jobs[0]) > 0);
	while (!__atomic_load_n(&jobs[0].started, __ATOMIC_SEQ_CST))
		usleep(1000);
	for (i = 0; i < WORKER_MAX_QUEUE; i++)
		assert_true((ids[i] = worker_run(work, done, &many[i])) > 0);
	assert_int_equal(worker_run(work, done, &many[i]), -1);
	for (i = 0; i < WORKER_MAX_QUEUE; i++)
		worker_cancel(ids[i], cleanup);
	for (i = 0; i < WORKER_MAX_QUEUE; i++)
		assert_true(many[i].cleaned);
	assert_int_equal(write(gate[1], "x", 1), 1);
	njobs_expected = 1;
	run_until(all_delivered);
}

static void
test_shutdown(void **state)
{
	long a;

	(void)state;
	assert_int_equal(worker_init(2), 0);
	jobs[0].n = 7;
	jobs[0].spin = true;
	a = worker_run(work, done, &jobs[0]);
	while (!__atomic_load_n(&jobs[0].started, __ATOMIC_SEQ_CST))
		usleep(1000);
	worker_cancel(a, cleanup);
	/* shutdown waits for the job and runs its cleanup */
	worker_shutdown();
	assert_true(jobs[0].cleaned);
	assert_false(jobs[0].done);
	assert_int_equal(worker_pending(), 0);
	/* and the pool can start again */
	jobs[1].n = 8;
	assert_true(worker_run(work, done, &jobs[1]) > 0);
	njobs_expected = 1;
	run_until(all_delivered);
	assert_int_equal(jobs[1].result, 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazy_init, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel_queued, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cancel_running, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_should_stop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_log_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_queue_bound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shutdown, setup,
		    teardown),
	};
	int rc;

	main_thread = pthread_self();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	return rc;
}

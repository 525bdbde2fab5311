/*
 * steps.h - for unit tests that run the real event loop once per test:
 * a list of step functions polled from a 2 ms timer, each returning true
 * when its condition holds (the next one is then polled), until all hold
 * or the deadline passes.  Include after <cmocka.h> and core/event.h.
 */
#ifndef MPD_TESTS_UNIT_STEPS_H
#define MPD_TESTS_UNIT_STEPS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef bool step_fn(void);

static step_fn *const	*steps;
static int		 nsteps, cur_step;
static uint64_t		 deadline;
static struct timer	 drive;
/* Called before a run that did not finish fails (optional: a log dump). */
static void		(*steps_on_fail)(void);

static inline void
drive_cb(void *arg)
{
	(void)arg;
	while (cur_step < nsteps && steps[cur_step]())
		cur_step++;
	if (cur_step == nsteps || event_now_ms() > deadline) {
		event_stop();
		return;
	}
	timer_start(&drive);
}

/* Run the steps to the end within ms, or fail the test. */
static inline void
run_steps(step_fn *const *s, int n, uint32_t ms)
{
	steps = s;
	nsteps = n;
	cur_step = 0;
	deadline = event_now_ms() + ms;
	memset(&drive, 0, sizeof(drive));
	timer_init(&drive, "drive", 2, drive_cb, NULL);
	timer_start(&drive);
	event_loop();
	timer_stop(&drive);
	if (cur_step != nsteps) {
		if (steps_on_fail != NULL)
			steps_on_fail();
		fail_msg("step %d of %d did not finish in %u ms", cur_step,
		    nsteps, ms);
	}
}

#endif /* MPD_TESTS_UNIT_STEPS_H */

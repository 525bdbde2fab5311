/*
 * worker.h - a bounded pool of threads for blocking work (authentication
 * backends, mpd.secret programs, later RADIUS and PAM).
 *
 * work() runs in a worker thread and may only touch its argument; done()
 * runs afterwards on the event loop (woken through an eventfd).  Workers
 * never touch daemon state.  Log lines a job emits in its thread (log_msg
 * and friends) are collected and written from the loop, in order, just
 * before done() (or the cleanup of a cancelled job) runs.
 */
#ifndef MPD_CORE_WORKER_H
#define MPD_CORE_WORKER_H

#include <stdbool.h>

typedef void worker_fn(void *arg);

#define WORKER_DEFAULT_THREADS	8
#define WORKER_MAX_QUEUE	1024	/* jobs waiting for a thread */

/*
 * Start the pool (n threads) on the event loop.  Returns 0 or -1.
 * worker_run() starts a default pool on first use when this was not
 * called; a second call is a no-op.  Call it after daemonizing (threads
 * do not survive fork()).  The threads block every signal.
 */
int	worker_init(unsigned n);
/*
 * Queue work.  done runs on the loop unless the job was cancelled.
 * Returns a job id (> 0) or -1 when the queue is full or the pool can't
 * start.  Loop thread only.
 */
long	worker_run(worker_fn *work, worker_fn *done, void *arg);
/*
 * Cancel a job (loop thread only): done() will never be called for it.
 * If it has not started it is dropped and cleanup(arg) runs at once; if
 * it is running (or finished but not yet delivered), cleanup(arg) runs on
 * the loop when it has finished instead (to free arg).  cleanup may be
 * NULL.  Unknown or already delivered ids are ignored.
 */
void	worker_cancel(long job, worker_fn *cleanup);
/*
 * For work(): true once the running job was cancelled or the pool is
 * shutting down, so long waits (child processes) can give up early.
 */
bool	worker_should_stop(void);
/*
 * Stop the threads (daemon exit): waits for running jobs (which see
 * worker_should_stop()), then runs the cleanup of cancelled jobs.  Jobs
 * never delivered are dropped without done().
 */
void	worker_shutdown(void);
/* Jobs queued or running (for tests and `show`). */
unsigned worker_pending(void);

#endif /* MPD_CORE_WORKER_H */

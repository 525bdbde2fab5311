/*
 * worker.c - the bounded thread pool behind worker.h.
 *
 * Jobs are queued under one mutex and picked up by a fixed set of
 * threads.  A finished job moves to a "done" list and the thread writes
 * to an eventfd that the event loop watches; the loop callback then
 * delivers the jobs in completion order: first the log lines the job
 * produced in its thread (collected through log_set_thread_sink, because
 * the log outputs - console sessions in particular - belong to the loop),
 * then done() or, for a cancelled job, its cleanup.
 *
 * Jobs are allocated and freed on the loop thread only (mem_alloc is not
 * thread-safe); a worker thread only writes the job's state, its log
 * buffer and whatever its work function computes into the argument.
 */
#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "event.h"
#include "log.h"
#include "mem.h"

#define WORKER_LOG_BUF		4096
#define WORKER_STACK_SIZE	(512 * 1024)

enum job_state {
	JOB_QUEUED,
	JOB_RUNNING,
	JOB_DONE,
};

struct worker_job {
	long			 id;
	worker_fn		*work;
	worker_fn		*done;
	worker_fn		*cleanup;	/* set by worker_cancel() */
	void			*arg;
	enum job_state		 state;		/* under pool.lock */
	bool			 cancelled;	/* under pool.lock */
	struct worker_job	*next;		/* queue or done list */
	struct worker_job	*all_prev, *all_next;
	/* log lines from the thread: [u64 class][u16 len][bytes]... */
	size_t			 log_len;
	bool			 log_lost;
	uint8_t			 log[WORKER_LOG_BUF];
};

static struct {
	bool			 up;
	bool			 stopping;	/* under lock */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_t		*threads;
	unsigned		 nthreads;
	struct worker_job	*q_head, *q_tail;
	unsigned		 q_len;
	struct worker_job	*d_head, *d_tail;
	struct worker_job	*all;		/* every live job */
	unsigned		 n_all;
	long			 next_id;
	int			 efd;
	struct event		 ev;
} pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.efd = -1,
};

/* The job the calling worker thread is running (worker_should_stop). */
static __thread struct worker_job *cur_job;

static void	worker_event(int type, void *arg);

/* log_set_thread_sink() target: append one line to the job's buffer. */
static void
worker_log_sink(void *arg, uint64_t cls, const char *line)
{
	struct worker_job *j = arg;
	size_t len = strlen(line);
	uint16_t l16;

	if (len > 1000)
		len = 1000;
	if (j->log_len + sizeof(cls) + sizeof(l16) + len > sizeof(j->log)) {
		j->log_lost = true;
		return;
	}
	l16 = (uint16_t)len;
	memcpy(j->log + j->log_len, &cls, sizeof(cls));
	memcpy(j->log + j->log_len + sizeof(cls), &l16, sizeof(l16));
	memcpy(j->log + j->log_len + sizeof(cls) + sizeof(l16), line, len);
	j->log_len += sizeof(cls) + sizeof(l16) + len;
}

/* Emit a delivered job's collected lines (loop thread). */
static void
worker_log_replay(struct worker_job *j)
{
	size_t o = 0;

	while (o + sizeof(uint64_t) + sizeof(uint16_t) <= j->log_len) {
		uint64_t cls;
		uint16_t len;

		memcpy(&cls, j->log + o, sizeof(cls));
		memcpy(&len, j->log + o + sizeof(cls), sizeof(len));
		o += sizeof(cls) + sizeof(len);
		log_printf(cls, "%.*s", (int)len, (const char *)j->log + o);
		o += len;
	}
	if (j->log_lost)
		log_printf(LG_ERR, "worker: job %ld: log lines dropped", j->id);
}

static void *
worker_main(void *unused)
{
	struct worker_job *j;
	uint64_t one = 1;

	(void)unused;
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		while (!pool.stopping && pool.q_head == NULL)
			pthread_cond_wait(&pool.cond, &pool.lock);
		if (pool.stopping)
			break;
		j = pool.q_head;
		pool.q_head = j->next;
		if (pool.q_head == NULL)
			pool.q_tail = NULL;
		pool.q_len--;
		j->next = NULL;
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&pool.lock);

		cur_job = j;
		log_set_thread_sink(worker_log_sink, j);
		j->work(j->arg);
		log_set_thread_sink(NULL, NULL);
		cur_job = NULL;

		pthread_mutex_lock(&pool.lock);
		j->state = JOB_DONE;
		if (pool.d_tail != NULL)
			pool.d_tail->next = j;
		else
			pool.d_head = j;
		pool.d_tail = j;
		/* A full eventfd counter is impossible with 64 bits. */
		while (write(pool.efd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&pool.lock);
	return NULL;
}

int
worker_init(unsigned n)
{
	pthread_attr_t attr;
	sigset_t all, old;
	unsigned i;

	if (pool.up)
		return 0;
	if (n == 0)
		n = WORKER_DEFAULT_THREADS;
	pool.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (pool.efd < 0)
		goto fail;
	if (event_register(&pool.ev, EV_READ, pool.efd, EVF_RECURRING,
	    worker_event, NULL) < 0)
		goto fail_fd;
	pool.threads = mem_alloc("worker", n * sizeof(*pool.threads));
	pool.stopping = false;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	/* Signals belong to the loop's signalfd: block them in workers. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < n; i++) {
		if (pthread_create(&pool.threads[i], &attr, worker_main,
		    NULL) != 0)
			break;
		pool.nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	pool.up = true;
	if (pool.nthreads == 0) {
		log_printf(LG_ERR, "worker: can't start threads");
		worker_shutdown();
		return -1;
	}
	return 0;

fail_fd:
	close(pool.efd);
	pool.efd = -1;
fail:
	log_perr(LG_ERR, "worker: init");
	return -1;
}

static void
all_unlink(struct worker_job *j)
{
	if (j->all_prev != NULL)
		j->all_prev->all_next = j->all_next;
	else
		pool.all = j->all_next;
	if (j->all_next != NULL)
		j->all_next->all_prev = j->all_prev;
	j->all_prev = j->all_next = NULL;
	pool.n_all--;
}

long
worker_run(worker_fn *work, worker_fn *done, void *arg)
{
	struct worker_job *j;

	if (!pool.up && worker_init(0) < 0)
		return -1;
	pthread_mutex_lock(&pool.lock);
	if (pool.q_len >= WORKER_MAX_QUEUE) {
		pthread_mutex_unlock(&pool.lock);
		return -1;
	}
	pthread_mutex_unlock(&pool.lock);
	/* only this (loop) thread adds jobs: the bound still holds below */
	j = mem_alloc("worker", sizeof(*j));
	j->work = work;
	j->done = done;
	j->arg = arg;
	j->state = JOB_QUEUED;
	if (++pool.next_id <= 0)
		pool.next_id = 1;
	j->id = pool.next_id;

	pthread_mutex_lock(&pool.lock);
	j->all_next = pool.all;
	if (pool.all != NULL)
		pool.all->all_prev = j;
	pool.all = j;
	pool.n_all++;
	if (pool.q_tail != NULL)
		pool.q_tail->next = j;
	else
		pool.q_head = j;
	pool.q_tail = j;
	pool.q_len++;
	pthread_cond_signal(&pool.cond);
	pthread_mutex_unlock(&pool.lock);
	return j->id;
}

/* Find a live job by id (lock held). */
static struct worker_job *
job_find(long id)
{
	struct worker_job *j;

	for (j = pool.all; j != NULL; j = j->all_next)
		if (j->id == id)
			return j;
	return NULL;
}

void
worker_cancel(long id, worker_fn *cleanup)
{
	struct worker_job *j, **pp, *prev = NULL;
	void *arg;

	if (id <= 0 || !pool.up)
		return;
	pthread_mutex_lock(&pool.lock);
	j = job_find(id);
	if (j == NULL) {
		pthread_mutex_unlock(&pool.lock);
		return;
	}
	if (j->state != JOB_QUEUED) {
		/* Running or awaiting delivery: clean up when delivered. */
		j->cancelled = true;
		j->cleanup = cleanup;
		pthread_mutex_unlock(&pool.lock);
		return;
	}
	for (pp = &pool.q_head; *pp != NULL; prev = *pp, pp = &(*pp)->next)
		if (*pp == j)
			break;
	*pp = j->next;
	if (pool.q_tail == j)
		pool.q_tail = prev;
	pool.q_len--;
	all_unlink(j);
	pthread_mutex_unlock(&pool.lock);
	arg = j->arg;
	mem_free(j);
	if (cleanup != NULL)
		cleanup(arg);
}

bool
worker_should_stop(void)
{
	bool stop;

	if (cur_job == NULL)
		return false;
	pthread_mutex_lock(&pool.lock);
	stop = cur_job->cancelled || pool.stopping;
	pthread_mutex_unlock(&pool.lock);
	return stop;
}

/* Deliver the finished jobs (loop thread). */
static void
worker_deliver(void)
{
	struct worker_job *list, *j;
	worker_fn *fn;
	void *arg;

	pthread_mutex_lock(&pool.lock);
	list = pool.d_head;
	pool.d_head = pool.d_tail = NULL;
	pthread_mutex_unlock(&pool.lock);

	while ((j = list) != NULL) {
		list = j->next;
		/*
		 * Read the flags only now: an earlier done() may have
		 * cancelled this job.
		 */
		pthread_mutex_lock(&pool.lock);
		fn = j->cancelled ? j->cleanup : j->done;
		all_unlink(j);
		pthread_mutex_unlock(&pool.lock);
		arg = j->arg;
		worker_log_replay(j);
		mem_free(j);
		if (fn != NULL)
			fn(arg);
	}
}

static void
worker_event(int type, void *arg)
{
	uint64_t cnt;

	(void)type;
	(void)arg;
	while (read(pool.efd, &cnt, sizeof(cnt)) < 0 && errno == EINTR)
		;
	worker_deliver();
}

void
worker_shutdown(void)
{
	struct worker_job *j;
	unsigned i;

	if (!pool.up)
		return;
	pthread_mutex_lock(&pool.lock);
	pool.stopping = true;
	pthread_cond_broadcast(&pool.cond);
	pthread_mutex_unlock(&pool.lock);
	for (i = 0; i < pool.nthreads; i++)
		pthread_join(pool.threads[i], NULL);
	/* Cancelled jobs that ran get their cleanup; others are dropped. */
	for (;;) {
		worker_fn *fn;
		void *arg;

		pthread_mutex_lock(&pool.lock);
		j = pool.d_head;
		if (j != NULL) {
			pool.d_head = j->next;
			if (pool.d_head == NULL)
				pool.d_tail = NULL;
			all_unlink(j);
		}
		pthread_mutex_unlock(&pool.lock);
		if (j == NULL)
			break;
		fn = j->cancelled ? j->cleanup : NULL;
		arg = j->arg;
		worker_log_replay(j);
		mem_free(j);
		if (fn != NULL)
			fn(arg);
	}
	while ((j = pool.q_head) != NULL) {
		pool.q_head = j->next;
		all_unlink(j);
		mem_free(j);
	}
	pool.q_tail = NULL;
	pool.q_len = 0;
	event_unregister(&pool.ev);
	close(pool.efd);
	pool.efd = -1;
	mem_free(pool.threads);
	pool.threads = NULL;
	pool.nthreads = 0;
	pool.stopping = false;
	pool.up = false;
}

unsigned
worker_pending(void)
{
	unsigned n;

	pthread_mutex_lock(&pool.lock);
	n = pool.n_all;
	pthread_mutex_unlock(&pool.lock);
	return n;
}

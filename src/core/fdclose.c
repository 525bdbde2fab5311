/*
 * fdclose.c - closer threads for descriptors whose close() blocks
 * (see fdclose.h).
 *
 * A growable ring of descriptors under one mutex; FDCLOSE_THREADS threads
 * take from it.  Threads are detached and block every signal (the daemon
 * takes signals through a signalfd on the event loop).
 */
#include "fdclose.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#define FDCLOSE_THREADS	64

static pthread_mutex_t	 fdc_mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 fdc_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t	 fdc_idle = PTHREAD_COND_INITIALIZER;
static int		*fdc_ring;
static size_t		 fdc_cap, fdc_head, fdc_len;
static unsigned		 fdc_busy;	/* closes in progress */
static int		 fdc_threads;

static void *
fdc_main(void *arg)
{
	int fd;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&fdc_mx);
		while (fdc_len == 0)
			pthread_cond_wait(&fdc_work, &fdc_mx);
		fd = fdc_ring[fdc_head];
		fdc_head = (fdc_head + 1) % fdc_cap;
		fdc_len--;
		fdc_busy++;
		pthread_mutex_unlock(&fdc_mx);
		(void)close(fd);
		pthread_mutex_lock(&fdc_mx);
		fdc_busy--;
		if (fdc_len == 0 && fdc_busy == 0)
			pthread_cond_broadcast(&fdc_idle);
		pthread_mutex_unlock(&fdc_mx);
	}
	return NULL;
}

/* Start the threads (mutex held).  Returns how many run. */
static int
fdc_start(void)
{
	sigset_t all, old;
	pthread_attr_t at;
	pthread_t t;

	if (fdc_threads > 0)
		return fdc_threads;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 64 * 1024);
	while (fdc_threads < FDCLOSE_THREADS &&
	    pthread_create(&t, &at, fdc_main, NULL) == 0)
		fdc_threads++;
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return fdc_threads;
}

/* Room for one more descriptor (mutex held). */
static bool
fdc_grow(void)
{
	size_t ncap, i;
	int *n;

	if (fdc_len < fdc_cap)
		return true;
	ncap = fdc_cap ? fdc_cap * 2 : 64;
	n = malloc(ncap * sizeof(*n));
	if (n == NULL)
		return false;
	for (i = 0; i < fdc_len; i++)
		n[i] = fdc_ring[(fdc_head + i) % fdc_cap];
	free(fdc_ring);
	fdc_ring = n;
	fdc_cap = ncap;
	fdc_head = 0;
	return true;
}

void
fd_close_async(int fd)
{
	if (fd < 0)
		return;
	pthread_mutex_lock(&fdc_mx);
	if (fdc_start() == 0 || !fdc_grow()) {
		pthread_mutex_unlock(&fdc_mx);
		(void)close(fd);
		return;
	}
	fdc_ring[(fdc_head + fdc_len) % fdc_cap] = fd;
	fdc_len++;
	pthread_cond_signal(&fdc_work);
	pthread_mutex_unlock(&fdc_mx);
}

void
fd_close_drain(void)
{
	pthread_mutex_lock(&fdc_mx);
	while (fdc_len > 0 || fdc_busy > 0)
		pthread_cond_wait(&fdc_idle, &fdc_mx);
	pthread_mutex_unlock(&fdc_mx);
}

/*
 * event.h - the single-threaded event loop: fd events on epoll and
 * monotonic timers.
 *
 * Handles are embedded in their owner and registered with a callback and
 * an argument (always the owning object).  A handle is cleared when it is
 * unregistered, and a one-shot handle also when it fires, so stopping is
 * idempotent and "registered?" is a flag test.  The registration macros
 * capture the handler name and source position for `show events` and
 * `log +events`.
 *
 * Timers use CLOCK_MONOTONIC with millisecond resolution and are kept in a
 * binary heap; timers with equal deadlines fire in the order they were
 * started, which keeps tests reproducible.
 */
#ifndef MPD_CORE_EVENT_H
#define MPD_CORE_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define EV_READ		0x01
#define EV_WRITE	0x02

#define EVF_RECURRING	0x01	/* stay registered after firing */

typedef void event_cb(int type, void *arg);
typedef void timer_cb(void *arg);

struct event {
	event_cb	*cb;
	void		*arg;
	int		 fd;
	int		 type;		/* EV_READ or EV_WRITE */
	int		 flags;
	bool		 active;
	const char	*name;
	const char	*file;
	int		 line;
	struct event	*next, *prev;	/* list of all events, for show */
};

struct timer {
	timer_cb	*cb;
	void		*arg;
	uint64_t	 when;		/* monotonic ms */
	uint64_t	 seq;
	uint32_t	 ms;		/* period set by timer_init */
	int		 heap_pos;	/* heap index + 1; 0 = stopped */
	const char	*desc;
	const char	*name;
	const char	*file;
	int		 line;
};

/* Set up the loop.  Returns -1 on failure. */
int	event_init(void);
/* Run until event_stop().  Returns 0. */
int	event_loop(void);
/* Make event_loop() return after the current iteration. */
void	event_stop(void);
/* Tear down (after the loop returned). */
void	event_fini(void);

/* Current monotonic time in milliseconds / seconds. */
uint64_t event_now_ms(void);
time_t	 event_now_sec(void);

#define event_register(ev, type, fd, flags, cb, arg)			\
	event_register_((ev), (type), (fd), (flags), (cb), (arg), #cb,	\
	    __FILE__, __LINE__)
int	event_register_(struct event *ev, int type, int fd, int flags,
	    event_cb *cb, void *arg, const char *name, const char *file,
	    int line);
/* Remove a registration; harmless when not registered. */
void	event_unregister(struct event *ev);
static inline bool event_is_registered(const struct event *ev)
{
	return ev->active;
}

#define timer_init(t, desc, ms, cb, arg)				\
	timer_init_((t), (desc), (ms), (cb), (arg), #cb, __FILE__, __LINE__)
void	timer_init_(struct timer *t, const char *desc, uint32_t ms,
	    timer_cb *cb, void *arg, const char *name, const char *file,
	    int line);
/* (Re)start the timer with its period; a running timer is restarted. */
void	timer_start(struct timer *t);
/* Stop; harmless when not running. */
void	timer_stop(struct timer *t);
static inline bool timer_running(const struct timer *t)
{
	return t->heap_pos > 0;
}
/* Milliseconds until the timer fires (0 when not running or due). */
uint32_t timer_remain(const struct timer *t);

/* Called once per loop iteration before waiting (the message queue). */
typedef bool event_idle_fn(void);
void	event_set_idle(event_idle_fn *fn);

/* Number of registered fd events and running timers. */
unsigned event_count(void);

struct cmd_ctx;
/* `show events` */
int	event_show(struct cmd_ctx *ctx, int ac, char **av, const void *arg);

#endif /* MPD_CORE_EVENT_H */

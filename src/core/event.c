/*
 * event.c - epoll loop, timer heap and `show events`.
 *
 * One epoll registration per fd: when both a read and a write handler are
 * registered on the same descriptor, the per-fd slot holds both and the
 * epoll mask is the union.  Callbacks may register and unregister any
 * handle, including the one that is firing; an fd's slot is re-read after
 * each callback for that reason.
 */
#include "event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "../ctl/command.h"

#define EV_MAX_BATCH	64

struct fd_slot {
	struct event	*rd;
	struct event	*wr;
	uint32_t	 mask;		/* current epoll mask */
};

static int		 ep_fd = -1;
static struct fd_slot	*slots;
static int		 nslots;
static bool		 stopping;
static struct event	*ev_list;
static unsigned		 nevents;

static struct timer	**heap;
static int		 heap_len, heap_cap;
static uint64_t		 timer_seq;
static event_idle_fn	*idle_fn;

uint64_t
event_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

time_t
event_now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int
event_init(void)
{
	if (ep_fd >= 0)
		return 0;
	ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (ep_fd < 0) {
		log_perr(LG_ERR, "EVENT: epoll_create1");
		return -1;
	}
	stopping = false;
	return 0;
}

void
event_fini(void)
{
	struct event *ev, *next;

	/*
	 * Handles still registered become plain inactive handles, so that a
	 * module tearing down after the loop (the log's write event, say)
	 * can unregister them harmlessly.
	 */
	for (ev = ev_list; ev != NULL; ev = next) {
		next = ev->next;
		ev->active = false;
		ev->next = ev->prev = NULL;
	}
	ev_list = NULL;
	nevents = 0;
	if (ep_fd >= 0)
		close(ep_fd);
	ep_fd = -1;
	mem_free(slots);
	slots = NULL;
	nslots = 0;
	for (int i = 0; i < heap_len; i++)
		heap[i]->heap_pos = 0;
	mem_free(heap);
	heap = NULL;
	heap_len = heap_cap = 0;
}

void
event_stop(void)
{
	stopping = true;
}

void
event_set_idle(event_idle_fn *fn)
{
	idle_fn = fn;
}

unsigned
event_count(void)
{
	return nevents + (unsigned)heap_len;
}

static int
slot_update(int fd)
{
	struct fd_slot *s = &slots[fd];
	struct epoll_event ee;
	uint32_t mask = 0;
	int op;

	if (s->rd != NULL)
		mask |= EPOLLIN;
	if (s->wr != NULL)
		mask |= EPOLLOUT;
	if (mask == s->mask)
		return 0;
	memset(&ee, 0, sizeof(ee));
	ee.events = mask;
	ee.data.fd = fd;
	if (s->mask == 0)
		op = EPOLL_CTL_ADD;
	else if (mask == 0)
		op = EPOLL_CTL_DEL;
	else
		op = EPOLL_CTL_MOD;
	if (epoll_ctl(ep_fd, op, fd, &ee) < 0 && op != EPOLL_CTL_DEL)
		return -1;
	s->mask = mask;
	return 0;
}

int
event_register_(struct event *ev, int type, int fd, int flags,
    event_cb *cb, void *arg, const char *name, const char *file, int line)
{
	struct event **which;

	if (ev->active)
		event_unregister(ev);
	if (fd < 0 || (type != EV_READ && type != EV_WRITE) || ep_fd < 0) {
		errno = EINVAL;
		return -1;
	}
	if (fd >= nslots) {
		int n = nslots ? nslots : 64;

		while (n <= fd)
			n *= 2;
		slots = mem_realloc("event", slots, (size_t)n * sizeof(*slots));
		nslots = n;
	}
	which = (type == EV_READ) ? &slots[fd].rd : &slots[fd].wr;
	if (*which != NULL) {
		errno = EBUSY;
		return -1;
	}
	ev->cb = cb;
	ev->arg = arg;
	ev->fd = fd;
	ev->type = type;
	ev->flags = flags;
	ev->name = name;
	ev->file = file;
	ev->line = line;
	*which = ev;
	if (slot_update(fd) < 0) {
		int saved = errno;

		*which = NULL;
		errno = saved;
		return -1;
	}
	ev->active = true;
	ev->prev = NULL;
	ev->next = ev_list;
	if (ev_list != NULL)
		ev_list->prev = ev;
	ev_list = ev;
	nevents++;
	log_msg(LG_EVENTS, "EVENT: Registering event %s at %s:%d",
	    name, file, line);
	return 0;
}

void
event_unregister(struct event *ev)
{
	struct fd_slot *s;

	if (!ev->active)
		return;
	s = &slots[ev->fd];
	if (ev->type == EV_READ && s->rd == ev)
		s->rd = NULL;
	else if (ev->type == EV_WRITE && s->wr == ev)
		s->wr = NULL;
	(void)slot_update(ev->fd);
	if (ev->prev != NULL)
		ev->prev->next = ev->next;
	else
		ev_list = ev->next;
	if (ev->next != NULL)
		ev->next->prev = ev->prev;
	ev->next = ev->prev = NULL;
	ev->active = false;
	nevents--;
}

/* ---- timers ---- */

static bool
timer_before(const struct timer *a, const struct timer *b)
{
	return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void
heap_set(int i, struct timer *t)
{
	heap[i] = t;
	t->heap_pos = i + 1;
}

static void
heap_up(int i)
{
	struct timer *t = heap[i];

	while (i > 0) {
		int p = (i - 1) / 2;

		if (!timer_before(t, heap[p]))
			break;
		heap_set(i, heap[p]);
		i = p;
	}
	heap_set(i, t);
}

static void
heap_down(int i)
{
	struct timer *t = heap[i];

	for (;;) {
		int c = 2 * i + 1;

		if (c >= heap_len)
			break;
		if (c + 1 < heap_len && timer_before(heap[c + 1], heap[c]))
			c++;
		if (!timer_before(heap[c], t))
			break;
		heap_set(i, heap[c]);
		i = c;
	}
	heap_set(i, t);
}

void
timer_init_(struct timer *t, const char *desc, uint32_t ms, timer_cb *cb,
    void *arg, const char *name, const char *file, int line)
{
	timer_stop(t);
	t->cb = cb;
	t->arg = arg;
	t->ms = ms;
	t->desc = desc;
	t->name = name;
	t->file = file;
	t->line = line;
}

void
timer_start(struct timer *t)
{
	if (timer_running(t))
		timer_stop(t);
	if (heap_len == heap_cap) {
		heap_cap = heap_cap ? heap_cap * 2 : 64;
		heap = mem_realloc("event", heap,
		    (size_t)heap_cap * sizeof(*heap));
	}
	t->when = event_now_ms() + t->ms;
	t->seq = ++timer_seq;
	heap_set(heap_len++, t);
	heap_up(t->heap_pos - 1);
}

void
timer_stop(struct timer *t)
{
	int i = t->heap_pos - 1;

	if (i < 0 || i >= heap_len || heap[i] != t)
		return;
	t->heap_pos = 0;
	heap_len--;
	if (i == heap_len)
		return;
	heap_set(i, heap[heap_len]);
	heap_down(i);
	heap_up(heap[i]->heap_pos - 1);
}

uint32_t
timer_remain(const struct timer *t)
{
	uint64_t now;

	if (!timer_running(t))
		return 0;
	now = event_now_ms();
	return t->when > now ? (uint32_t)(t->when - now) : 0;
}

static void
timers_run(void)
{
	uint64_t now = event_now_ms();

	while (heap_len > 0 && heap[0]->when <= now) {
		struct timer *t = heap[0];

		timer_stop(t);
		log_msg(LG_EVENTS, "EVENT: Processing timer \"%s\" %s()",
		    t->desc ? t->desc : "", t->name);
		t->cb(t->arg);
	}
}

static int
next_timeout(bool busy)
{
	uint64_t now;

	if (busy)
		return 0;
	if (heap_len == 0)
		return -1;
	now = event_now_ms();
	if (heap[0]->when <= now)
		return 0;
	if (heap[0]->when - now > 60000)
		return 60000;
	return (int)(heap[0]->when - now);
}

static void
dispatch(int fd, uint32_t revents)
{
	struct event *ev;

	if (fd >= nslots)
		return;
	/* Errors and hang-ups wake both directions so owners see them. */
	if (revents & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		ev = slots[fd].rd;
		if (ev != NULL) {
			if (!(ev->flags & EVF_RECURRING))
				event_unregister(ev);
			ev->cb(EV_READ, ev->arg);
		}
	}
	if (fd >= nslots)
		return;
	if (revents & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
		ev = slots[fd].wr;
		if (ev != NULL) {
			if (!(ev->flags & EVF_RECURRING))
				event_unregister(ev);
			ev->cb(EV_WRITE, ev->arg);
		}
	}
}

int
event_loop(void)
{
	struct epoll_event evs[EV_MAX_BATCH];
	bool busy = false;
	int n, i;

	stopping = false;
	while (!stopping) {
		/*
		 * Deliver deferred messages before sleeping: whatever was
		 * queued by the previous round (or by mpd.conf before the
		 * loop started) must not wait for the next fd event.
		 */
		busy = idle_fn != NULL ? idle_fn() : false;
		if (stopping)
			break;
		n = epoll_wait(ep_fd, evs, EV_MAX_BATCH, next_timeout(busy));
		if (n < 0) {
			if (errno != EINTR) {
				log_perr(LG_ERR, "EVENT: epoll_wait");
				return -1;
			}
			n = 0;
		}
		for (i = 0; i < n; i++)
			dispatch(evs[i].data.fd, evs[i].events);
		timers_run();
	}
	return 0;
}

int
event_show(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const struct event *ev;
	int i;

	(void)av;
	(void)arg;
	if (ac != 0)
		return CMD_ERR_USAGE;
	cmd_printf(ctx, "%u Events registered\n", event_count());
	for (ev = ev_list; ev != NULL; ev = ev->next)
		cmd_printf(ctx, "\tFd %d %s\t%s:%d %s()\n", ev->fd,
		    ev->type == EV_READ ? "READ " : "WRITE", ev->file,
		    ev->line, ev->name);
	for (i = 0; i < heap_len; i++)
		cmd_printf(ctx, "\tTimer \"%s\" in %u ms\t%s:%d %s()\n",
		    heap[i]->desc ? heap[i]->desc : "", timer_remain(heap[i]),
		    heap[i]->file, heap[i]->line, heap[i]->name);
	return 0;
}

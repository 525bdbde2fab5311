/*
 * msg.c - FIFO of deferred layer messages (a ring buffer that grows).
 */
#include "msg.h"

#include <stddef.h>

#include "log.h"
#include "mem.h"

#define MSG_BATCH	1024

struct msg {
	struct msg_port	*port;	/* NULL once cancelled */
	int		 type;
	void		*arg;
};

static struct msg	*ring;
static unsigned		 cap, head, count;

void
msg_port_init(struct msg_port *p, const char *name, msg_handler *fn)
{
	p->fn = fn;
	p->name = name;
	p->pending = 0;
}

void
msg_port_cancel(struct msg_port *p)
{
	unsigned i;

	if (p->pending == 0)
		return;
	for (i = 0; i < count; i++) {
		struct msg *m = &ring[(head + i) % cap];

		if (m->port == p)
			m->port = NULL;
	}
	p->pending = 0;
}

static void
msg_grow(void)
{
	unsigned ncap = cap ? cap * 2 : 256, i;
	struct msg *n = mem_alloc("msg", ncap * sizeof(*n));

	for (i = 0; i < count; i++)
		n[i] = ring[(head + i) % cap];
	mem_free(ring);
	ring = n;
	cap = ncap;
	head = 0;
}

void
msg_send(struct msg_port *p, int type, void *arg)
{
	struct msg *m;

	if (count == cap)
		msg_grow();
	m = &ring[(head + count) % cap];
	m->port = p;
	m->type = type;
	m->arg = arg;
	count++;
	p->pending++;
}

bool
msg_dispatch(void)
{
	unsigned n = 0;

	while (count > 0 && n++ < MSG_BATCH) {
		struct msg m = ring[head];

		head = (head + 1) % cap;
		count--;
		if (m.port == NULL)
			continue;
		m.port->pending--;
		log_msg(LG_EVENTS, "EVENT: Message %s to %s",
		    msg_name(m.type), m.port->name);
		m.port->fn(m.type, m.arg);
	}
	return count > 0;
}

unsigned
msg_queued(void)
{
	return count;
}

void
msg_fini(void)
{
	mem_free(ring);
	ring = NULL;
	cap = head = count = 0;
}

const char *
msg_name(int type)
{
	switch (type) {
	case MSG_OPEN:
		return "OPEN";
	case MSG_CLOSE:
		return "CLOSE";
	case MSG_UP:
		return "UP";
	case MSG_DOWN:
		return "DOWN";
	case MSG_SHUTDOWN:
		return "SHUTDOWN";
	default:
		return "???";
	}
}

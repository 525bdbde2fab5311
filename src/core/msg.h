/*
 * msg.h - mpd5's deferred message queue between layers.
 *
 * Layers never call each other's OPEN/CLOSE/UP/DOWN handlers directly:
 * they queue a message for the target's port, and the event loop delivers
 * queued messages in FIFO order once the current callback has returned.
 * This keeps the state machines from recursing into each other and lets an
 * object be destroyed safely: msg_port_cancel() drops everything still
 * queued for a port before its owner is freed.
 */
#ifndef MPD_CORE_MSG_H
#define MPD_CORE_MSG_H

#include <stdbool.h>

enum msg_type {
	MSG_OPEN = 1,
	MSG_CLOSE,
	MSG_UP,
	MSG_DOWN,
	MSG_SHUTDOWN,
};

typedef void msg_handler(int type, void *arg);

struct msg_port {
	msg_handler	*fn;
	const char	*name;
	unsigned	 pending;	/* messages queued for this port */
};

/* Set up a port; it is idle until something is sent to it. */
void	msg_port_init(struct msg_port *p, const char *name, msg_handler *fn);
/* Drop every message still queued for p (before freeing its owner). */
void	msg_port_cancel(struct msg_port *p);
/* Queue (type, arg) for p. */
void	msg_send(struct msg_port *p, int type, void *arg);
/*
 * Deliver queued messages, including those queued while delivering, up to
 * a bound per call so that I/O is not starved.  Returns true when messages
 * remain (the loop then polls without sleeping).
 */
bool	msg_dispatch(void);
/* Number of queued messages (for qthreshold and tests). */
unsigned msg_queued(void);
/* Free the queue storage at exit. */
void	msg_fini(void);
/* Name of a message type for logs. */
const char *msg_name(int type);

#endif /* MPD_CORE_MSG_H */

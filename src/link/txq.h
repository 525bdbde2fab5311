/*
 * txq.h - the send side of the byte-stream device types (tcp, modem):
 * write an encoded frame to a non-blocking descriptor and queue what it
 * does not take, up to a bound, flushing from the event loop when the
 * descriptor is writable again.  A frame is taken whole or refused
 * whole: once part of it is written the rest is always queued, so the
 * stream stays intact.
 */
#ifndef MPD_LINK_TXQ_H
#define MPD_LINK_TXQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/event.h"

struct txq {
	struct event	 ev;		/* EV_WRITE while bytes wait */
	int		 fd;
	bool		 sock;		/* send(MSG_NOSIGNAL), not write() */
	size_t		 max;		/* bound on queued bytes */
	uint8_t		*buf;		/* owned; NULL when drained */
	size_t		 off, len, cap;
};

/* An empty queue for a socket (sock) or other descriptor; no fd yet. */
void	txq_init(struct txq *q, bool sock, size_t max);
/*
 * Write p[0..n) to fd (the connection's descriptor: the same until
 * txq_reset()), queueing what it does not take now.  Returns 0 (written
 * or queued) or -1: refused, errno ENOBUFS (the queue would pass its
 * bound) or the write error (a broken connection is left to the read
 * side to report).
 */
int	txq_write(struct txq *q, int fd, const uint8_t *p, size_t n);
/* Bytes waiting. */
static inline size_t txq_pending(const struct txq *q)
{
	return q->len;
}
/* Forget the connection: stop the event, drop the queue. */
void	txq_reset(struct txq *q);

#endif /* MPD_LINK_TXQ_H */

/*
 * txq.c - the send queue of the byte-stream device types (txq.h).
 */
#include "txq.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/mem.h"

static void	txq_flush(int type, void *arg);

void
txq_init(struct txq *q, bool sock, size_t max)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->sock = sock;
	q->max = max;
}

/* One non-blocking write: bytes written, 0 (would block) or -1. */
static ssize_t
txq_put(const struct txq *q, const uint8_t *p, size_t n)
{
	ssize_t w;

	do {
		w = q->sock ? send(q->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT) :
		    write(q->fd, p, n);
	} while (w < 0 && errno == EINTR);
	if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return w;
}

/* Append to the queue, growing it; the caller checked the bound. */
static void
txq_add(struct txq *q, const uint8_t *p, size_t n)
{
	size_t need;

	if (q->off > 0 && q->off + q->len + n > q->cap) {
		memmove(q->buf, q->buf + q->off, q->len);
		q->off = 0;
	}
	need = q->off + q->len + n;
	if (need > q->cap) {
		size_t cap = q->cap ? q->cap : 4096;

		while (cap < need)
			cap *= 2;
		q->buf = mem_realloc("phys", q->buf, cap);
		q->cap = cap;
	}
	memcpy(q->buf + q->off + q->len, p, n);
	q->len += n;
}

int
txq_write(struct txq *q, int fd, const uint8_t *p, size_t n)
{
	ssize_t w = 0;

	q->fd = fd;
	if (q->len == 0) {
		if ((w = txq_put(q, p, n)) < 0)
			return -1;
		if ((size_t)w == n)
			return 0;
	}
	if (w == 0 && q->len + n > q->max) {
		errno = ENOBUFS;
		return -1;
	}
	txq_add(q, p + w, n - (size_t)w);
	if (!event_is_registered(&q->ev))
		(void)event_register(&q->ev, EV_WRITE, q->fd, EVF_RECURRING,
		    txq_flush, q);
	return 0;
}

/* The descriptor takes data again: write the queue out. */
static void
txq_flush(int type, void *arg)
{
	struct txq *q = arg;
	ssize_t w;

	(void)type;
	while (q->len > 0) {
		if ((w = txq_put(q, q->buf + q->off, q->len)) == 0)
			return;
		if (w < 0)
			break;		/* broken: the read side reports */
		q->off += (size_t)w;
		q->len -= (size_t)w;
	}
	txq_reset(q);
}

void
txq_reset(struct txq *q)
{
	event_unregister(&q->ev);
	/* no large buffer kept once drained */
	mem_free(q->buf);
	q->buf = NULL;
	q->off = q->len = q->cap = 0;
	q->fd = -1;
}

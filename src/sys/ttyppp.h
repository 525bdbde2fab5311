/*
 * ttyppp.h - async PPP kernel channels through a pseudo-terminal with the
 * N_PPP line discipline (Linux ppp_async; RFC 1662 for the framing,
 * RFC 1661 6.2/6.5/6.6 for the options the channel is told about).
 *
 * Linux has no PPP channel over TCP or UDP.  What it has is ppp_async: a
 * tty in line discipline N_PPP is a ppp_generic channel that frames and
 * unframes PPP in HDLC-like async form.  The tcp and udp device types
 * (link/ttychan.c) put a pty's slave in N_PPP, attach a /dev/ppp
 * descriptor to its channel and relay the master's byte stream to and
 * from their socket.  This module has the parts that do not need the
 * event loop:
 *
 *  - the request sequences (pty, line discipline, channel index, attach,
 *    ACCMs, flags, MRU), through struct ttyppp_sys so that unit tests
 *    substitute a fake kernel;
 *  - the relay buffer: a bounded FIFO filled from one descriptor and
 *    drained into another through injectable read/write functions, which
 *    never blocks and never drops a byte (a full buffer stops reading);
 *  - the frame form the channel descriptor takes (protocol field first,
 *    two octets).
 *
 * Every run-time call returns 0 or -1 with errno set and leaves no
 * descriptor open on failure.
 */
#ifndef MPD_SYS_TTYPPP_H
#define MPD_SYS_TTYPPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pppdev.h"

/* The kernel as this module sees it (tests substitute a fake). */
struct ttyppp_sys {
	/* open/close/ioctl: /dev/ppp and the tty requests */
	const struct pppdev_kernel	*k;
	/*
	 * A pty pair: *master non-blocking, *slave in raw mode (no flow
	 * control: XON/XOFF are data to ppp_async), both close-on-exec.
	 */
	int	(*pty_open)(int *master, int *slave);
};

extern const struct ttyppp_sys ttyppp_sys_real;

/* One async channel: the descriptors ttyppp_open() made. */
struct ttyppp_chan {
	int	master;		/* relayed by the caller */
	int	slave;		/* in N_PPP: the channel lives while it is open */
	int	chfd;		/* /dev/ppp attached to the channel */
	int	chan;		/* channel index */
};

/*
 * Open a pty, put its slave in N_PPP (TIOCSETD), read the channel index
 * (PPPIOCGCHAN on the slave), attach a /dev/ppp descriptor to it and set
 * the channel's receive size to mru (PPPIOCSMRU; ppp_async raises values
 * below 1500).  The ACCMs stay at ppp_async's defaults (every control
 * octet escaped and expected escaped) until ttyppp_apply().  On success
 * every field of *c is set; on failure they are all -1.
 */
int	ttyppp_open(const struct ttyppp_sys *s, int mru, struct ttyppp_chan *c);

/*
 * Close what ttyppp_open() made (any field may be -1) with close_fn
 * (NULL: s->k->close): the channel descriptor, then the slave (which
 * unregisters the channel), then the master.  Fields become -1.
 */
void	ttyppp_close(const struct ttyppp_sys *s, struct ttyppp_chan *c,
	    void (*close_fn)(int fd));

/* What LCP negotiated, as the channel needs it. */
struct ttyppp_neg {
	bool		opened;		/* LCP is opened: the rest is valid */
	bool		pfc_tx;		/* peer accepts Protocol-Field-Compr. */
	bool		acfc_tx;	/* peer accepts Addr/Ctrl-Field-Compr. */
	uint32_t	xaccm;		/* the map the peer asked for (send) */
	uint32_t	raccm;		/* the map we asked for (receive) */
	uint16_t	mru;		/* our MRU */
};

/*
 * Tell the channel (chfd) what LCP negotiated: PPPIOCSASYNCMAP (xaccm),
 * PPPIOCSRASYNCMAP (raccm), PPPIOCSFLAGS (pppdev_async_flags()) and
 * PPPIOCSMRU, in that order.  When !n->opened, the defaults of a link
 * being negotiated: both maps 0xffffffff, no flags (the MRU is left).
 * Stops at the first failing request.
 */
int	ttyppp_apply(const struct pppdev_kernel *k, int chfd,
	    const struct ttyppp_neg *n);

/*
 * A frame from the link layer in the form a ppp_async channel descriptor
 * takes: address/control (ff 03) removed, a compressed (one-octet)
 * protocol field expanded to two.  out must have len + 1 bytes.  Returns
 * the length written, or 0 for a frame without a protocol field (too
 * short, or an even first protocol octet with nothing after it).  Pure.
 */
size_t	ttyppp_chan_frame(const uint8_t *p, size_t len, uint8_t *out);

/* ---- relay buffer ---- */

typedef ssize_t ttyppp_read_fn(int fd, void *buf, size_t len);
typedef ssize_t ttyppp_write_fn(int fd, const void *buf, size_t len);

/* A bounded FIFO over caller storage (no allocation). */
struct ttyppp_buf {
	uint8_t		*data;
	size_t		 cap;
	size_t		 off;		/* first queued byte */
	size_t		 len;		/* queued bytes */
	uint64_t	 in, out;	/* bytes ever queued / drained */
};

void	ttyppp_buf_init(struct ttyppp_buf *b, uint8_t *storage, size_t cap);
/* Free space (after moving queued bytes to the front if needed). */
size_t	ttyppp_buf_room(const struct ttyppp_buf *b);
/*
 * Append p[0..n-1] if it fits whole: true, else false and nothing
 * queued (datagram relays: a frame is queued whole or not at all).
 */
bool	ttyppp_buf_put(struct ttyppp_buf *b, const uint8_t *p, size_t n);
/* Queued bytes: *n of them at the returned pointer (NULL when empty). */
const uint8_t *ttyppp_buf_peek(const struct ttyppp_buf *b, size_t *n);
/* Drop the first n queued bytes (n <= len). */
void	ttyppp_buf_consume(struct ttyppp_buf *b, size_t n);

/* Outcome of one fill or drain. */
enum ttyppp_io {
	TTYPPP_IO_AGAIN = 0,	/* the descriptor would block */
	TTYPPP_IO_FULL,		/* fill: no room left (stop reading) */
	TTYPPP_IO_EMPTY,	/* drain: nothing left (stop writing) */
	TTYPPP_IO_EOF,		/* fill: end of stream */
	TTYPPP_IO_ERR,		/* errno set */
};

/*
 * Read from fd into the free space until the read would block, the
 * buffer is full, end of stream or an error (EINTR retried).  Never more
 * than max_reads reads (fairness).  *got receives the bytes read.
 * Returns why it stopped; TTYPPP_IO_AGAIN also after max_reads reads.
 */
enum ttyppp_io ttyppp_buf_fill(struct ttyppp_buf *b, int fd,
	    ttyppp_read_fn *rd, int max_reads, size_t *got);
/*
 * Write queued bytes to fd until empty, the write would block or an
 * error (EINTR retried); what was written is consumed.
 */
enum ttyppp_io ttyppp_buf_drain(struct ttyppp_buf *b, int fd,
	    ttyppp_write_fn *wr);

#endif /* MPD_SYS_TTYPPP_H */

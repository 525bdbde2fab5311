/*
 * ttyppp.c - async PPP kernel channels through a pty in line discipline
 * N_PPP, and the relay buffer (see ttyppp.h; RFC 1662, RFC 1661 6.2,
 * 6.5, 6.6; Linux ppp_async, Documentation/networking/ppp_generic).
 */
#include "ttyppp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>

/* ---- libc as the kernel ---- */

static int
real_pty_open(int *master, int *slave)
{
	struct termios t;
	char path[64];
	int m, s, e;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m < 0)
		return -1;
	if (grantpt(m) < 0 || unlockpt(m) < 0)
		goto fail;
	/* TIOCGPTPEER (Linux 4.13) opens the peer without a path lookup */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		if (ptsname_r(m, path, sizeof(path)) != 0)
			goto fail;
		s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (s < 0)
			goto fail;
	}
	/*
	 * Raw: ppp_async reads the slave's input itself, but it still stops
	 * output on XON/XOFF when IXON is set, and those octets are data.
	 */
	if (tcgetattr(s, &t) < 0)
		goto fail_slave;
	cfmakeraw(&t);
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
	t.c_cflag |= CLOCAL | CREAD;
	if (tcsetattr(s, TCSANOW, &t) < 0)
		goto fail_slave;
	*master = m;
	*slave = s;
	return 0;
fail_slave:
	e = errno;
	close(s);
	errno = e;
fail:
	e = errno;
	close(m);
	errno = e;
	return -1;
}

const struct ttyppp_sys ttyppp_sys_real = {
	.k = &pppdev_kernel_real,
	.pty_open = real_pty_open,
};

/* ---- channel set-up ---- */

static void
ttyppp_close_fd(const struct ttyppp_sys *s, void (*close_fn)(int fd),
    int *fd)
{
	int e = errno;

	if (*fd >= 0) {
		if (close_fn != NULL)
			close_fn(*fd);
		else
			s->k->close(*fd);
	}
	*fd = -1;
	errno = e;
}

void
ttyppp_close(const struct ttyppp_sys *s, struct ttyppp_chan *c,
    void (*close_fn)(int fd))
{
	ttyppp_close_fd(s, close_fn, &c->chfd);
	ttyppp_close_fd(s, close_fn, &c->slave);
	ttyppp_close_fd(s, close_fn, &c->master);
	c->chan = -1;
}

int
ttyppp_open(const struct ttyppp_sys *s, int mru, struct ttyppp_chan *c)
{
	int ldisc = N_PPP, chan = -1, v;

	c->master = c->slave = c->chfd = c->chan = -1;
	if (mru < 1 || mru > 65535) {
		errno = EINVAL;
		return -1;
	}
	if (s->pty_open(&c->master, &c->slave) < 0) {
		c->master = c->slave = -1;
		return -1;
	}
	if (s->k->ioctl(c->slave, TIOCSETD, &ldisc) < 0)
		goto fail;
	if (s->k->ioctl(c->slave, PPPIOCGCHAN, &chan) < 0)
		goto fail;
	if (pppdev_chan_attach(s->k, chan, &c->chfd) < 0) {
		c->chfd = -1;
		goto fail;
	}
	v = mru;
	if (s->k->ioctl(c->chfd, PPPIOCSMRU, &v) < 0)
		goto fail;
	c->chan = chan;
	return 0;
fail:
	ttyppp_close(s, c, NULL);
	return -1;
}

int
ttyppp_apply(const struct pppdev_kernel *k, int chfd,
    const struct ttyppp_neg *n)
{
	struct pppdev_neg pn;
	uint32_t xaccm = 0xffffffffu, raccm = 0xffffffffu;
	int fl = 0, mru;

	if (n->opened) {
		memset(&pn, 0, sizeof(pn));
		pn.pfc_tx = n->pfc_tx;
		pn.acfc_tx = n->acfc_tx;
		xaccm = n->xaccm;
		raccm = n->raccm;
		fl = (int)pppdev_async_flags(&pn);
	}
	if (k->ioctl(chfd, PPPIOCSASYNCMAP, &xaccm) < 0 ||
	    k->ioctl(chfd, PPPIOCSRASYNCMAP, &raccm) < 0 ||
	    k->ioctl(chfd, PPPIOCSFLAGS, &fl) < 0)
		return -1;
	if (n->opened && n->mru > 0) {
		mru = n->mru;
		if (k->ioctl(chfd, PPPIOCSMRU, &mru) < 0)
			return -1;
	}
	return 0;
}

size_t
ttyppp_chan_frame(const uint8_t *p, size_t len, uint8_t *out)
{
	if (len >= 2 && p[0] == 0xff && p[1] == 0x03) {
		p += 2;
		len -= 2;
	}
	if (len == 0)
		return 0;
	if (p[0] & 1) {
		/* RFC 1661 6.5: a compressed field is the odd low octet */
		out[0] = 0;
		memcpy(out + 1, p, len);
		return len + 1;
	}
	/* two octets, the second odd (RFC 1661 2) */
	if (len < 2 || !(p[1] & 1))
		return 0;
	memcpy(out, p, len);
	return len;
}

/* ---- relay buffer ---- */

void
ttyppp_buf_init(struct ttyppp_buf *b, uint8_t *storage, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->data = storage;
	b->cap = cap;
}

size_t
ttyppp_buf_room(const struct ttyppp_buf *b)
{
	return b->cap - b->len;
}

/* Move the queued bytes to the front when the tail has no room. */
static void
ttyppp_buf_compact(struct ttyppp_buf *b)
{
	if (b->len == 0)
		b->off = 0;
	else if (b->off > 0 && b->off + b->len == b->cap) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
}

bool
ttyppp_buf_put(struct ttyppp_buf *b, const uint8_t *p, size_t n)
{
	if (n > ttyppp_buf_room(b))
		return false;
	if (b->off + b->len + n > b->cap) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	memcpy(b->data + b->off + b->len, p, n);
	b->len += n;
	b->in += n;
	return true;
}

const uint8_t *
ttyppp_buf_peek(const struct ttyppp_buf *b, size_t *n)
{
	*n = b->len;
	return b->len > 0 ? b->data + b->off : NULL;
}

void
ttyppp_buf_consume(struct ttyppp_buf *b, size_t n)
{
	if (n > b->len)
		n = b->len;
	b->off += n;
	b->len -= n;
	b->out += n;
	if (b->len == 0)
		b->off = 0;
}

enum ttyppp_io
ttyppp_buf_fill(struct ttyppp_buf *b, int fd, ttyppp_read_fn *rd,
    int max_reads, size_t *got)
{
	size_t tail;
	ssize_t r;
	int i;

	*got = 0;
	for (i = 0; i < max_reads; ) {
		ttyppp_buf_compact(b);
		tail = b->cap - b->off - b->len;
		if (tail == 0)
			return TTYPPP_IO_FULL;
		r = rd(fd, b->data + b->off + b->len, tail);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return TTYPPP_IO_AGAIN;
			return TTYPPP_IO_ERR;
		}
		if (r == 0)
			return TTYPPP_IO_EOF;
		if ((size_t)r > tail)	/* a broken reader: never overrun */
			r = (ssize_t)tail;
		b->len += (size_t)r;
		b->in += (size_t)r;
		*got += (size_t)r;
		i++;
	}
	return ttyppp_buf_room(b) == 0 ? TTYPPP_IO_FULL : TTYPPP_IO_AGAIN;
}

enum ttyppp_io
ttyppp_buf_drain(struct ttyppp_buf *b, int fd, ttyppp_write_fn *wr)
{
	ssize_t w;

	while (b->len > 0) {
		w = wr(fd, b->data + b->off, b->len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return TTYPPP_IO_AGAIN;
			return TTYPPP_IO_ERR;
		}
		if (w == 0)
			return TTYPPP_IO_AGAIN;
		ttyppp_buf_consume(b, (size_t)w);
	}
	return TTYPPP_IO_EMPTY;
}

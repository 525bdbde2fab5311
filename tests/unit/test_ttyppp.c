/*
 * test_ttyppp.c - sys/ttyppp.h against a fake kernel: the N_PPP pty
 * channel set-up sequence (pty, TIOCSETD, PPPIOCGCHAN, attach, MRU) and
 * its failure paths (no descriptor left open), the ACCM/flags/MRU
 * requests derived from LCP (RFC 1662 7.1, RFC 1661 6.5/6.6), the frame
 * form the channel descriptor takes, and the relay buffer (no byte lost
 * or reordered whatever the read/write sizes; a full buffer stops
 * reading; EOF, errors and EINTR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <cmocka.h>

#include "sys/ttyppp.h"

#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>

/* ---- the fake kernel ---- */

#define MAXCALLS	32

struct call {
	char		what[16];	/* "pty", "open", "ioctl", "close" */
	int		fd;
	unsigned long	req;
	uint32_t	arg;		/* int/u32 argument of an ioctl */
};

static struct {
	struct call	calls[MAXCALLS];
	int		ncalls;
	int		next_fd;
	int		open_fds;
	const char	*fail;		/* fail the first call of this name */
	unsigned long	fail_req;	/* ... or this ioctl request */
	int		fail_errno;
	int		chan;		/* what PPPIOCGCHAN answers */
} fk;

static void
fk_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.next_fd = 20;
	fk.chan = 9;
	fk.fail_errno = EPERM;
}

static struct call *
fk_log(const char *what, int fd, unsigned long req)
{
	struct call *c;

	assert_true(fk.ncalls < MAXCALLS);
	c = &fk.calls[fk.ncalls++];
	snprintf(c->what, sizeof(c->what), "%s", what);
	c->fd = fd;
	c->req = req;
	return c;
}

static bool
fk_fails(const char *what)
{
	if (fk.fail != NULL && strcmp(fk.fail, what) == 0) {
		fk.fail = NULL;
		errno = fk.fail_errno;
		return true;
	}
	return false;
}

static int
fk_open(const char *path, int flags)
{
	assert_string_equal(path, "/dev/ppp");
	assert_int_equal(flags & O_ACCMODE, O_RDWR);
	assert_true(flags & O_CLOEXEC);
	assert_true(flags & O_NONBLOCK);
	fk_log("open", -1, 0);
	if (fk_fails("open"))
		return -1;
	fk.open_fds++;
	return fk.next_fd++;
}

static int
fk_close(int fd)
{
	fk_log("close", fd, 0);
	fk.open_fds--;
	return 0;
}

static int
fk_ioctl(int fd, unsigned long req, void *arg)
{
	struct call *c = fk_log("ioctl", fd, req);

	if (req != PPPIOCGCHAN && arg != NULL)
		memcpy(&c->arg, arg, sizeof(c->arg));
	if (fk.fail_req != 0 && fk.fail_req == req) {
		fk.fail_req = 0;
		errno = fk.fail_errno;
		return -1;
	}
	if (req == PPPIOCGCHAN)
		*(int *)arg = fk.chan;
	return 0;
}

static int
fk_pty_open(int *master, int *slave)
{
	fk_log("pty", -1, 0);
	if (fk_fails("pty"))
		return -1;
	*master = fk.next_fd++;
	*slave = fk.next_fd++;
	fk.open_fds += 2;
	return 0;
}

static const struct pppdev_kernel fake_k = {
	.open = fk_open, .close = fk_close, .ioctl = fk_ioctl,
};
static const struct ttyppp_sys fake = {
	.k = &fake_k, .pty_open = fk_pty_open,
};

static void
assert_ioctl(int i, int fd, unsigned long req)
{
	assert_string_equal(fk.calls[i].what, "ioctl");
	assert_int_equal(fk.calls[i].fd, fd);
	assert_true(fk.calls[i].req == req);
}

/* ---- set-up ---- */

static void
test_open(void **state)
{
	struct ttyppp_chan c;

	(void)state;
	fk_reset();
	assert_int_equal(ttyppp_open(&fake, 2048, &c), 0);
	/* master 20, slave 21, /dev/ppp 22 */
	assert_int_equal(c.master, 20);
	assert_int_equal(c.slave, 21);
	assert_int_equal(c.chfd, 22);
	assert_int_equal(c.chan, 9);
	assert_int_equal(fk.ncalls, 6);
	assert_string_equal(fk.calls[0].what, "pty");
	assert_ioctl(1, 21, TIOCSETD);
	assert_int_equal(fk.calls[1].arg, N_PPP);
	assert_ioctl(2, 21, PPPIOCGCHAN);
	assert_string_equal(fk.calls[3].what, "open");
	assert_ioctl(4, 22, PPPIOCATTCHAN);
	assert_int_equal(fk.calls[4].arg, 9);
	assert_ioctl(5, 22, PPPIOCSMRU);
	assert_int_equal(fk.calls[5].arg, 2048);
	assert_int_equal(fk.open_fds, 3);

	/* closing: the channel, the slave (unregisters it), the master */
	fk.ncalls = 0;
	ttyppp_close(&fake, &c, NULL);
	assert_int_equal(fk.ncalls, 3);
	assert_int_equal(fk.calls[0].fd, 22);
	assert_int_equal(fk.calls[1].fd, 21);
	assert_int_equal(fk.calls[2].fd, 20);
	assert_int_equal(fk.open_fds, 0);
	assert_int_equal(c.master, -1);
	assert_int_equal(c.slave, -1);
	assert_int_equal(c.chfd, -1);
	/* twice is harmless */
	ttyppp_close(&fake, &c, NULL);
	assert_int_equal(fk.ncalls, 3);
}

static void
test_open_failures(void **state)
{
	static const unsigned long reqs[] = {
		TIOCSETD, PPPIOCGCHAN, PPPIOCATTCHAN, PPPIOCSMRU,
	};
	struct ttyppp_chan c;
	size_t i;

	(void)state;
	/* each failing request: errno kept, nothing left open */
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		fk_reset();
		fk.fail_req = reqs[i];
		fk.fail_errno = i == 0 ? EINVAL : ENXIO;
		assert_int_equal(ttyppp_open(&fake, 1500, &c), -1);
		assert_int_equal(errno, fk.fail_errno);
		assert_int_equal(fk.open_fds, 0);
		assert_int_equal(c.master, -1);
		assert_int_equal(c.slave, -1);
		assert_int_equal(c.chfd, -1);
		assert_int_equal(c.chan, -1);
	}
	/* no pty, no /dev/ppp */
	fk_reset();
	fk.fail = "pty";
	fk.fail_errno = EMFILE;
	assert_int_equal(ttyppp_open(&fake, 1500, &c), -1);
	assert_int_equal(errno, EMFILE);
	assert_int_equal(fk.ncalls, 1);
	fk_reset();
	fk.fail = "open";
	fk.fail_errno = ENOENT;
	assert_int_equal(ttyppp_open(&fake, 1500, &c), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fk.open_fds, 0);
	/* a receive size the kernel cannot take: no request at all */
	fk_reset();
	assert_int_equal(ttyppp_open(&fake, 0, &c), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(ttyppp_open(&fake, 65536, &c), -1);
	assert_int_equal(fk.ncalls, 0);
}

/* A close function of the caller's (closer threads in the daemon). */
static int closed[4], nclosed;

static void
record_close(int fd)
{
	closed[nclosed++] = fd;
}

static void
test_close_fn(void **state)
{
	struct ttyppp_chan c = { .master = 5, .slave = -1, .chfd = 7,
	    .chan = 1 };

	(void)state;
	fk_reset();
	nclosed = 0;
	ttyppp_close(&fake, &c, record_close);
	assert_int_equal(nclosed, 2);
	assert_int_equal(closed[0], 7);
	assert_int_equal(closed[1], 5);
	assert_int_equal(fk.ncalls, 0);
	assert_int_equal(c.chan, -1);
}

static void
test_apply(void **state)
{
	struct ttyppp_neg n;

	(void)state;
	/* LCP opened: the peer's map out, ours in, compressions, MRU */
	fk_reset();
	memset(&n, 0, sizeof(n));
	n.opened = true;
	n.pfc_tx = n.acfc_tx = true;
	n.xaccm = 0;
	n.raccm = 0x000a0000;
	n.mru = 1500;
	assert_int_equal(ttyppp_apply(&fake_k, 30, &n), 0);
	assert_int_equal(fk.ncalls, 4);
	assert_ioctl(0, 30, PPPIOCSASYNCMAP);
	assert_int_equal(fk.calls[0].arg, 0);
	assert_ioctl(1, 30, PPPIOCSRASYNCMAP);
	assert_int_equal(fk.calls[1].arg, 0x000a0000);
	assert_ioctl(2, 30, PPPIOCSFLAGS);
	assert_int_equal(fk.calls[2].arg, SC_COMP_PROT | SC_COMP_AC);
	assert_ioctl(3, 30, PPPIOCSMRU);
	assert_int_equal(fk.calls[3].arg, 1500);

	/* only ACFC: SC_COMP_AC alone; no MRU known: none set */
	fk_reset();
	n.pfc_tx = false;
	n.mru = 0;
	assert_int_equal(ttyppp_apply(&fake_k, 30, &n), 0);
	assert_int_equal(fk.ncalls, 3);
	assert_int_equal(fk.calls[2].arg, SC_COMP_AC);

	/* negotiating (again): every control octet escaped both ways */
	fk_reset();
	n.opened = false;
	n.pfc_tx = n.acfc_tx = true;
	n.mru = 1400;
	assert_int_equal(ttyppp_apply(&fake_k, 30, &n), 0);
	assert_int_equal(fk.ncalls, 3);
	assert_int_equal(fk.calls[0].arg, 0xffffffffu);
	assert_int_equal(fk.calls[1].arg, 0xffffffffu);
	assert_int_equal(fk.calls[2].arg, 0);

	/* a refused request stops the sequence */
	fk_reset();
	n.opened = true;
	fk.fail_req = PPPIOCSRASYNCMAP;
	assert_int_equal(ttyppp_apply(&fake_k, 30, &n), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(fk.ncalls, 2);
}

/* ---- frames for the channel descriptor ---- */

static void
test_chan_frame(void **state)
{
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	static const uint8_t ip_acfc[] = { 0x00, 0x21, 0x45 };
	static const uint8_t ip_pfc[] = { 0xff, 0x03, 0x21, 0x45, 0x00 };
	static const uint8_t ip_both[] = { 0x21, 0x45 };
	static const uint8_t bad_even[] = { 0xff, 0x03, 0x00, 0x20, 0x45 };
	uint8_t out[16];

	(void)state;
	assert_int_equal(ttyppp_chan_frame(lcp, sizeof(lcp), out), 6);
	assert_memory_equal(out, lcp + 2, 6);
	assert_int_equal(ttyppp_chan_frame(ip_acfc, sizeof(ip_acfc), out), 3);
	assert_memory_equal(out, ip_acfc, 3);
	/* a one-octet protocol field is expanded */
	assert_int_equal(ttyppp_chan_frame(ip_pfc, sizeof(ip_pfc), out), 4);
	assert_memory_equal(out, "\x00\x21\x45\x00", 4);
	assert_int_equal(ttyppp_chan_frame(ip_both, sizeof(ip_both), out), 3);
	assert_memory_equal(out, "\x00\x21\x45", 3);
	/* no protocol field: nothing */
	assert_int_equal(ttyppp_chan_frame(lcp, 2, out), 0);
	assert_int_equal(ttyppp_chan_frame(lcp, 3, out), 0);
	assert_int_equal(ttyppp_chan_frame(lcp, 0, out), 0);
	assert_int_equal(ttyppp_chan_frame(bad_even, sizeof(bad_even), out),
	    0);
}

/* ---- relay buffer ---- */

/* A fake descriptor: a byte source and a byte sink with scripted sizes. */
static struct {
	const uint8_t	*src;
	size_t		 src_len, src_off;
	size_t		 rd_max;	/* most bytes per read */
	int		 rd_again;	/* reads answering EAGAIN first */
	int		 rd_eintr;	/* reads answering EINTR first */
	int		 rd_err;	/* errno of every read (0: none) */
	int		 nreads;
	uint8_t		 sink[1 << 16];
	size_t		 sink_len;
	size_t		 wr_max;	/* most bytes per write (0: EAGAIN) */
	int		 wr_err;
	int		 wr_eintr;
} io;

static ssize_t
io_read(int fd, void *buf, size_t len)
{
	size_t n;

	assert_int_equal(fd, 3);
	io.nreads++;
	if (io.rd_eintr > 0) {
		io.rd_eintr--;
		errno = EINTR;
		return -1;
	}
	if (io.rd_err != 0) {
		errno = io.rd_err;
		return -1;
	}
	if (io.rd_again > 0) {
		io.rd_again--;
		errno = EAGAIN;
		return -1;
	}
	if (io.src_off == io.src_len) {
		errno = EAGAIN;
		return -1;
	}
	n = io.src_len - io.src_off;
	if (n > len)
		n = len;
	if (n > io.rd_max)
		n = io.rd_max;
	memcpy(buf, io.src + io.src_off, n);
	io.src_off += n;
	return (ssize_t)n;
}

static ssize_t
io_read_eof(int fd, void *buf, size_t len)
{
	(void)fd;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t
io_write(int fd, const void *buf, size_t len)
{
	size_t n = len;

	assert_int_equal(fd, 4);
	if (io.wr_eintr > 0) {
		io.wr_eintr--;
		errno = EINTR;
		return -1;
	}
	if (io.wr_err != 0) {
		errno = io.wr_err;
		return -1;
	}
	if (io.wr_max == 0) {
		errno = EAGAIN;
		return -1;
	}
	if (n > io.wr_max)
		n = io.wr_max;
	assert_true(io.sink_len + n <= sizeof(io.sink));
	memcpy(io.sink + io.sink_len, buf, n);
	io.sink_len += n;
	return (ssize_t)n;
}

static void
test_buf_basics(void **state)
{
	uint8_t mem[8];
	struct ttyppp_buf b;
	const uint8_t *p;
	size_t n;

	(void)state;
	ttyppp_buf_init(&b, mem, sizeof(mem));
	assert_int_equal(ttyppp_buf_room(&b), 8);
	assert_null(ttyppp_buf_peek(&b, &n));
	assert_int_equal(n, 0);
	assert_true(ttyppp_buf_put(&b, (const uint8_t *)"abcde", 5));
	/* a datagram's frame is queued whole or not at all */
	assert_false(ttyppp_buf_put(&b, (const uint8_t *)"wxyz", 4));
	assert_int_equal(b.len, 5);
	ttyppp_buf_consume(&b, 3);
	assert_int_equal(ttyppp_buf_room(&b), 6);
	/* fits only once the queued bytes move to the front */
	assert_true(ttyppp_buf_put(&b, (const uint8_t *)"wxyz", 4));
	p = ttyppp_buf_peek(&b, &n);
	assert_int_equal(n, 6);
	assert_memory_equal(p, "dewxyz", 6);
	ttyppp_buf_consume(&b, 100);	/* clamped */
	assert_int_equal(b.len, 0);
	assert_int_equal(b.off, 0);
	assert_int_equal(b.in, 9);
	assert_int_equal(b.out, 9);
}

static void
test_buf_fill_drain(void **state)
{
	static uint8_t src[100];
	uint8_t mem[32];
	struct ttyppp_buf b;
	size_t got, i;

	(void)state;
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 7 + 1);
	memset(&io, 0, sizeof(io));
	io.src = src;
	io.src_len = sizeof(src);
	io.rd_max = 10;
	ttyppp_buf_init(&b, mem, sizeof(mem));

	/* EINTR retried, then reads until full: 32 bytes, stop reading */
	io.rd_eintr = 1;
	assert_int_equal(ttyppp_buf_fill(&b, 3, io_read, 8, &got),
	    TTYPPP_IO_FULL);
	assert_int_equal(got, 32);
	assert_int_equal(b.len, 32);
	/* a full buffer reads nothing more */
	io.nreads = 0;
	assert_int_equal(ttyppp_buf_fill(&b, 3, io_read, 8, &got),
	    TTYPPP_IO_FULL);
	assert_int_equal(io.nreads, 0);

	/* the sink would block: nothing lost, nothing consumed */
	io.wr_max = 0;
	assert_int_equal(ttyppp_buf_drain(&b, 4, io_write), TTYPPP_IO_AGAIN);
	assert_int_equal(b.len, 32);
	/* partial writes, EINTR retried, until empty */
	io.wr_max = 5;
	io.wr_eintr = 1;
	assert_int_equal(ttyppp_buf_drain(&b, 4, io_write), TTYPPP_IO_EMPTY);
	assert_int_equal(io.sink_len, 32);
	assert_memory_equal(io.sink, src, 32);

	/* max_reads bounds one fill (fairness) */
	io.rd_max = 1;
	assert_int_equal(ttyppp_buf_fill(&b, 3, io_read, 4, &got),
	    TTYPPP_IO_AGAIN);
	assert_int_equal(got, 4);
	/* the source runs dry: AGAIN with what it had */
	io.rd_max = 1000;
	io.rd_again = 1;
	assert_int_equal(ttyppp_buf_fill(&b, 3, io_read, 8, &got),
	    TTYPPP_IO_AGAIN);
	assert_int_equal(got, 0);
	assert_int_equal(ttyppp_buf_fill(&b, 3, io_read, 8, &got),
	    TTYPPP_IO_FULL);
	assert_int_equal(got, 28);

	/* a write error: ERR with errno, the bytes stay queued */
	io.wr_err = EPIPE;
	assert_int_equal(ttyppp_buf_drain(&b, 4, io_write), TTYPPP_IO_ERR);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(b.len, 32);
	io.wr_err = 0;
	io.wr_max = 64;
	assert_int_equal(ttyppp_buf_drain(&b, 4, io_write), TTYPPP_IO_EMPTY);
	assert_int_equal(io.sink_len, 64);
	assert_memory_equal(io.sink, src, 64);

	/* end of stream and read errors */
	assert_int_equal(ttyppp_buf_fill(&b, 3, io_read_eof, 8, &got),
	    TTYPPP_IO_EOF);
	io.rd_err = ECONNRESET;
	assert_int_equal(ttyppp_buf_fill(&b, 3, io_read, 8, &got),
	    TTYPPP_IO_ERR);
	assert_int_equal(errno, ECONNRESET);
	/* an empty buffer drains to EMPTY without writing */
	io.wr_err = EBADF;
	assert_int_equal(ttyppp_buf_drain(&b, 4, io_write), TTYPPP_IO_EMPTY);
}

/*
 * A relay with random read and write sizes and stalls: the sink gets
 * exactly the source's bytes, in order, and the buffer never exceeds its
 * capacity.
 */
static void
test_buf_stream(void **state)
{
	static uint8_t src[50000];
	uint8_t mem[1000];
	struct ttyppp_buf b;
	enum ttyppp_io r;
	size_t got, i;
	int rounds = 0;

	(void)state;
	srand(7);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)rand();
	memset(&io, 0, sizeof(io));
	io.src = src;
	io.src_len = sizeof(src);
	ttyppp_buf_init(&b, mem, sizeof(mem));
	while (io.sink_len < sizeof(src)) {
		assert_true(++rounds < 100000);
		io.rd_max = 1 + (size_t)rand() % 700;
		io.rd_again = rand() % 4 == 0;
		r = ttyppp_buf_fill(&b, 3, io_read, 1 + rand() % 3, &got);
		assert_true(r == TTYPPP_IO_AGAIN || r == TTYPPP_IO_FULL);
		assert_true(b.len <= b.cap);
		assert_true(b.off + b.len <= b.cap);
		io.wr_max = (size_t)rand() % 900;	/* 0: would block */
		r = ttyppp_buf_drain(&b, 4, io_write);
		assert_true(r == TTYPPP_IO_AGAIN || r == TTYPPP_IO_EMPTY);
	}
	assert_int_equal(io.sink_len, sizeof(src));
	assert_memory_equal(io.sink, src, sizeof(src));
	assert_int_equal(b.in, sizeof(src));
	assert_int_equal(b.out, sizeof(src));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_open_failures),
		cmocka_unit_test(test_close_fn),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_chan_frame),
		cmocka_unit_test(test_buf_basics),
		cmocka_unit_test(test_buf_fill_drain),
		cmocka_unit_test(test_buf_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

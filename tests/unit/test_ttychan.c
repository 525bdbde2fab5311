/*
 * test_ttychan.c - the relay of link/ttychan.c in the real event loop,
 * with the kernel replaced: the "pty" is a socketpair whose far end
 * stands for the N_PPP slave (ppp_async's side), the "/dev/ppp channel"
 * a SEQPACKET socketpair (one frame per read, as ppp_generic hands
 * them).  Checked: frames to and from the channel descriptor (ff 03
 * removed), the stream relay byte for byte both ways under back-pressure
 * (small socket buffers, a slow reader: nothing lost or reordered), the
 * peer's EOF reported once, and the datagram relay (one datagram per
 * good HDLC frame, each datagram HDLC-encoded onto the pty, bad frames
 * and an overfull pty dropped whole).
 *
 * link_phys_input() is wrapped (TEST_LDFLAGS_test_ttychan in
 * tests/tests.mk) to record what the channel delivers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ppp-ioctl.h>

#include "core/event.h"
#include "core/fdclose.h"
#include "core/mbuf.h"
#include "core/msg.h"
#include "ctl/command.h"
#include "link/devices.h"
#include "link/hdlc.h"
#include "link/ttychan.h"
#include "ppp/link.h"
#include "sys/ttyppp.h"

/* ---- what the channel delivered ---- */

#define MAXIN	16

static struct {
	int	 n;
	uint8_t	 data[MAXIN][64];
	size_t	 len[MAXIN];
	int	 downs;
	char	 why[64];
} rec;

void	__wrap_link_phys_input(struct link *l, struct mbuf *m);

void
__wrap_link_phys_input(struct link *l, struct mbuf *m)
{
	(void)l;
	if (rec.n < MAXIN && m->len <= sizeof(rec.data[0])) {
		memcpy(rec.data[rec.n], m->data, m->len);
		rec.len[rec.n++] = m->len;
	}
	mb_free(m);
}

static void
down_cb(void *arg, const char *why)
{
	(void)arg;
	rec.downs++;
	snprintf(rec.why, sizeof(rec.why), "%s", why);
}

/* ---- the fake kernel ---- */

static int kside;		/* the pty slave's far end (ppp_async) */
static int chpeer;		/* the channel's far end (ppp_generic) */
static int pty_pair[2], ch_pair[2];

static void
nonblock(int fd)
{
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK),
	    0);
}

static void
small_buffers(int fd)
{
	int v = 4096;

	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

static int
fk_pty_open(int *master, int *slave)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    pty_pair), 0);
	small_buffers(pty_pair[0]);
	small_buffers(pty_pair[1]);
	nonblock(pty_pair[0]);
	kside = dup(pty_pair[1]);
	nonblock(kside);
	*master = pty_pair[0];
	*slave = pty_pair[1];
	return 0;
}

static int
fk_open(const char *path, int flags)
{
	(void)flags;
	assert_string_equal(path, "/dev/ppp");
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    ch_pair), 0);
	nonblock(ch_pair[0]);
	nonblock(ch_pair[1]);
	chpeer = ch_pair[1];
	return ch_pair[0];
}

static int
fk_close(int fd)
{
	return close(fd);
}

static int
fk_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	if (req == PPPIOCGCHAN)
		*(int *)arg = 5;
	return 0;
}

static const struct pppdev_kernel fake_k = {
	.open = fk_open, .close = fk_close, .ioctl = fk_ioctl,
};
static const struct ttyppp_sys fake = {
	.k = &fake_k, .pty_open = fk_pty_open,
};

/* ---- fixture ---- */

static struct cmd_ctx	ctx;

static void
discard(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
}

static int
setup(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	kside = chpeer = -1;
	cmd_ctx_init(&ctx, PRIV_ADMIN, discard, NULL);
	ttychan_set_sys(&fake);
	return event_init();
}

static int
teardown(void **state)
{
	(void)state;
	if (kside >= 0)
		close(kside);
	if (chpeer >= 0)
		close(chpeer);
	fd_close_drain();
	link_shutdown_all();
	while (msg_dispatch())
		;
	event_fini();
	ttychan_set_sys(NULL);
	return 0;
}

static struct link *
new_link(const char *name, const char *type)
{
	char line[64];

	snprintf(line, sizeof(line), "create link static %s %s", name, type);
	assert_int_equal(cmd_do_line(&ctx, line), CMD_OK);
	return link_find(name);
}

/* Run the loop until done() or ms pass (once per test). */
typedef bool done_fn(void);
static done_fn		*until;
static uint64_t		 deadline;
static struct timer	 drive;

static void
drive_cb(void *arg)
{
	(void)arg;
	if (until() || event_now_ms() > deadline) {
		event_stop();
		return;
	}
	timer_start(&drive);
}

static void
run_until(done_fn *fn, uint32_t ms)
{
	until = fn;
	deadline = event_now_ms() + ms;
	memset(&drive, 0, sizeof(drive));
	timer_init(&drive, "drive", 1, drive_cb, NULL);
	timer_start(&drive);
	event_loop();
	timer_stop(&drive);
	assert_true(fn());
}

/* ---- stream ---- */

#define STREAM_LEN	(600 * 1024)

static uint8_t	up_src[STREAM_LEN], up_dst[STREAM_LEN];	/* peer -> pty */
static uint8_t	dn_src[STREAM_LEN], dn_dst[STREAM_LEN];	/* pty -> peer */
static size_t	up_sent, up_got, dn_sent, dn_got;
static int	peer;		/* the TCP peer's end */
static int	tick;
static struct ttychan *tc;

/* Push from both ends; read slowly (every third tick) to stall. */
static bool
stream_step(void)
{
	ssize_t n;

	tick++;
	if (up_sent < STREAM_LEN) {
		n = write(peer, up_src + up_sent, STREAM_LEN - up_sent);
		if (n > 0)
			up_sent += (size_t)n;
	}
	if (dn_sent < STREAM_LEN) {
		n = write(kside, dn_src + dn_sent, STREAM_LEN - dn_sent);
		if (n > 0)
			dn_sent += (size_t)n;
	}
	if (tick % 3 == 0) {
		while ((n = read(kside, up_dst + up_got,
		    STREAM_LEN - up_got)) > 0)
			up_got += (size_t)n;
		while ((n = read(peer, dn_dst + dn_got,
		    STREAM_LEN - dn_got)) > 0)
			dn_got += (size_t)n;
	}
	return up_got == STREAM_LEN && dn_got == STREAM_LEN;
}

static bool
frame_step(void)
{
	return rec.n == 1;
}

static bool
down_step(void)
{
	return rec.downs > 0;
}

static void
test_stream(void **state)
{
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 1, 7, 0, 4 };
	static const uint8_t ack[] = { 0xc0, 0x21, 2, 7, 0, 4 };
	struct link *l = new_link("T1", "tcp");
	uint8_t buf[64];
	int sp[2];
	size_t i;

	(void)state;
	assert_non_null(l);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sp), 0);
	small_buffers(sp[0]);
	small_buffers(sp[1]);
	nonblock(sp[0]);
	nonblock(sp[1]);
	peer = sp[1];
	tc = ttychan_open(l, "TCP", sp[0], false, 2048, down_cb, NULL);
	assert_non_null(tc);
	assert_int_equal(ttychan_fd(tc), ch_pair[0]);

	/* the link's frame reaches the channel without ff 03 */
	assert_int_equal(ttychan_send(tc, mb_copy(lcp, sizeof(lcp))), 0);
	assert_int_equal(read(chpeer, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, lcp + 2, 6);
	/* a frame without a protocol field is dropped */
	assert_int_equal(ttychan_send(tc, mb_copy(lcp, 2)), -1);

	/* the channel's frame reaches the link */
	assert_int_equal(write(chpeer, ack, sizeof(ack)), (ssize_t)sizeof(ack));
	run_until(frame_step, 5000);
	assert_int_equal(rec.len[0], sizeof(ack));
	assert_memory_equal(rec.data[0], ack, sizeof(ack));

	/* both ways at once, far more than every buffer on the way */
	for (i = 0; i < STREAM_LEN; i++) {
		up_src[i] = (uint8_t)(i * 31 + (i >> 9));
		dn_src[i] = (uint8_t)(i * 17 + 3 + (i >> 11));
	}
	run_until(stream_step, 20000);
	assert_memory_equal(up_dst, up_src, STREAM_LEN);
	assert_memory_equal(dn_dst, dn_src, STREAM_LEN);
	assert_int_equal(rec.downs, 0);

	/* the peer hangs up: reported once */
	close(peer);
	run_until(down_step, 5000);
	assert_int_equal(rec.downs, 1);
	assert_string_equal(rec.why, "closed by peer");
	ttychan_close(tc);
	close(sp[0]);
}

/* ---- datagrams ---- */

static int	dpeer;
static int	dgrams;
static uint8_t	dgram[8][64];
static size_t	dgram_len[8];

static bool
dgram_step(void)
{
	uint8_t buf[256];
	ssize_t n;

	while ((n = recv(dpeer, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		if (dgrams < 8 && (size_t)n <= sizeof(dgram[0])) {
			memcpy(dgram[dgrams], buf, (size_t)n);
			dgram_len[dgrams++] = (size_t)n;
		}
	return dgrams >= 2;
}

static void
test_dgram(void **state)
{
	static const uint8_t f1[] = { 0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4 };
	static const uint8_t f2[] = { 0x00, 0x21, 0x45, 0x00, 0x11, 0x7e,
	    0x7d, 0x13 };
	struct link *l = new_link("U1", "udp");
	uint8_t enc[3][64], in[4096], frame_mem[HDLC_DECODER_BUF(64)];
	const uint8_t *frame;
	struct hdlc_decoder d;
	size_t n1, n2, nb, off, used, flen, total = 0;
	int sp[2], frames = 0, i;
	ssize_t r;

	(void)state;
	assert_non_null(l);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp),
	    0);
	nonblock(sp[0]);
	nonblock(sp[1]);
	dpeer = sp[1];
	tc = ttychan_open(l, "UDP", sp[0], true, 2048, down_cb, NULL);
	assert_non_null(tc);

	/* the pty's byte stream: two good frames split oddly, a bad one */
	n1 = hdlc_encode(f1, sizeof(f1), 0, enc[0], sizeof(enc[0]));
	n2 = hdlc_encode(f2, sizeof(f2), 0, enc[1], sizeof(enc[1]));
	nb = hdlc_encode(f2, sizeof(f2), 0, enc[2], sizeof(enc[2]));
	enc[2][3] ^= 0x01;			/* FCS no longer matches */
	assert_int_equal(write(kside, enc[0], 3), 3);
	assert_int_equal(write(kside, enc[0] + 3, n1 - 3), (ssize_t)(n1 - 3));
	assert_int_equal(write(kside, enc[2], nb), (ssize_t)nb);
	assert_int_equal(write(kside, enc[1], n2), (ssize_t)n2);
	run_until(dgram_step, 5000);
	/* one datagram per good frame, as framed (FCS and flags gone) */
	assert_int_equal(dgrams, 2);
	assert_int_equal(dgram_len[0], sizeof(f1));
	assert_memory_equal(dgram[0], f1, sizeof(f1));
	assert_int_equal(dgram_len[1], sizeof(f2));
	assert_memory_equal(dgram[1], f2, sizeof(f2));

	/*
	 * Datagrams onto the pty: whole HDLC frames, every control octet
	 * escaped; with nobody reading the pty, the surplus is dropped
	 * whole, never cut.
	 */
	for (i = 0; i < 3000; i++)
		ttychan_dgram_input(tc, f2, sizeof(f2));
	ttychan_dgram_input(tc, f2, 0);		/* empty: dropped */
	hdlc_decoder_init(&d, frame_mem, sizeof(frame_mem));
	while ((r = read(kside, in, sizeof(in))) > 0) {
		total += (size_t)r;
		for (off = 0; off < (size_t)r; off += used) {
			used = hdlc_decode(&d, in + off, (size_t)r - off,
			    &frame, &flen);
			if (frame == NULL)
				continue;
			assert_int_equal(flen, sizeof(f2));
			assert_memory_equal(frame, f2, sizeof(f2));
			frames++;
		}
		for (off = 0; off < (size_t)r; off++)
			assert_true(in[off] >= 0x20 || in[off] == 0x7e ||
			    in[off] == 0x7d);
	}
	assert_true(frames > 0);
	assert_true(frames < 3000);
	assert_int_equal(d.stats.bad_fcs + d.stats.runts + d.stats.aborts, 0);
	assert_true(total > 0);
	ttychan_close(tc);
	close(sp[0]);
	close(dpeer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dgram, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

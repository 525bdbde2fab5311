/*
 * tty.c - serial ports for the modem device type: lock files, raw
 * termios, modem lines, hang-up and the N_PPP line discipline (see
 * tty.h; termios(3), tty_ioctl(4), FHS /var/lock, Linux ppp_generic).
 */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/ppp-ioctl.h>

#include "pppdev.h"
#include "tty_speed.h"

/* ---- lock files ---- */

int
tty_lock_path(const char *dir, const char *dev, char *buf, size_t len)
{
	const char *base = strrchr(dev, '/');
	int n;

	base = base != NULL ? base + 1 : dev;
	if (*base == '\0')
		return -1;
	n = snprintf(buf, len, "%s/LCK..%s", dir, base);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

pid_t
tty_lock_parse(const uint8_t *p, size_t len)
{
	size_t i = 0;
	long v = 0;
	int32_t bin;
	bool digits = false;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
		digits = true;
		v = v * 10 + (p[i] - '0');
		if (v > 0x7fffffffL)
			return -1;
	}
	if (digits) {
		while (i < len && (p[i] == ' ' || p[i] == '\t' ||
		    p[i] == '\n' || p[i] == '\r'))
			i++;
		return i == len && v > 0 ? (pid_t)v : -1;
	}
	/* the old binary form: the pid as a native int */
	if (len == sizeof(bin)) {
		memcpy(&bin, p, sizeof(bin));
		return bin > 0 ? (pid_t)bin : -1;
	}
	return -1;
}

/* The pid in the lock file at path: > 0, 0 when unreadable/malformed. */
static pid_t
tty_lock_owner(const char *path)
{
	uint8_t buf[32];
	ssize_t r;
	pid_t pid;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? -1 : 0;
	r = read(fd, buf, sizeof(buf));
	close(fd);
	if (r <= 0)
		return 0;
	pid = tty_lock_parse(buf, (size_t)r);
	return pid > 0 ? pid : 0;
}

int
tty_lock(const char *dir, const char *dev, pid_t pid, pid_t *owner)
{
	char path[256], text[16];
	pid_t holder;
	int fd, tries, n;

	if (tty_lock_path(dir, dev, path, sizeof(path)) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
		if (fd >= 0) {
			n = snprintf(text, sizeof(text), "%10d\n", (int)pid);
			if (write(fd, text, (size_t)n) != n) {
				close(fd);
				(void)unlink(path);
				errno = EIO;
				return -1;
			}
			close(fd);
			return 0;
		}
		if (errno != EEXIST)
			return -1;
		holder = tty_lock_owner(path);
		if (holder < 0)		/* vanished meanwhile: try again */
			continue;
		if (holder == pid)	/* ours already */
			return 0;
		if (holder > 0 && (kill(holder, 0) == 0 || errno == EPERM)) {
			if (owner != NULL)
				*owner = holder;
			errno = EBUSY;
			return -1;
		}
		/* stale: its owner is gone, or it makes no sense */
		if (unlink(path) < 0 && errno != ENOENT)
			return -1;
	}
	errno = EBUSY;
	return -1;
}

void
tty_unlock(const char *dir, const char *dev, pid_t pid)
{
	char path[256];

	if (tty_lock_path(dir, dev, path, sizeof(path)) < 0)
		return;
	if (tty_lock_owner(path) == pid)
		(void)unlink(path);
}

/* ---- termios ---- */

static const struct {
	int		baud;
	speed_t		code;
} tty_speeds[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 },
	{ 150, B150 }, { 200, B200 }, { 300, B300 }, { 600, B600 },
	{ 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 },
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 921600, B921600 }, { 2000000, B2000000 },
	{ 3000000, B3000000 },
};

unsigned
tty_speed_code(int baud)
{
	size_t i;

	for (i = 0; i < sizeof(tty_speeds) / sizeof(*tty_speeds); i++)
		if (tty_speeds[i].baud == baud)
			return (unsigned)tty_speeds[i].code;
	return 0;
}

int
tty_open(const char *path, int baud)
{
	struct termios t;
	speed_t sp = (speed_t)tty_speed_code(baud);
	int fd, e, ld;

	if (baud <= 0) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/*
	 * Still in N_PPP from our last call when another process keeps the
	 * port open (its last close would have restored N_TTY).
	 */
	if (ioctl(fd, TIOCGETD, &ld) == 0 && ld != N_TTY) {
		ld = N_TTY;
		if (ioctl(fd, TIOCSETD, &ld) < 0)
			goto fail;
	}
	if (tcgetattr(fd, &t) < 0)
		goto fail;
	cfmakeraw(&t);
	t.c_iflag = IGNBRK | IGNPAR;
	t.c_oflag = 0;
	t.c_lflag = 0;
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB);
	t.c_cflag |= CS8 | CREAD | HUPCL | CRTSCTS | CLOCAL;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	/* a rate without a constant: set after the rest (termios2) */
	if (cfsetispeed(&t, sp ? sp : B38400) < 0 ||
	    cfsetospeed(&t, sp ? sp : B38400) < 0)
		goto fail;
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		goto fail;
	if (sp == 0 && tty_speed_other(fd, baud) < 0)
		goto fail;
	(void)tcflush(fd, TCIOFLUSH);
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int
tty_set_speed(int fd, int baud)
{
	struct termios t;
	speed_t sp = (speed_t)tty_speed_code(baud);

	if (baud <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (sp == 0)
		return tty_speed_other(fd, baud);
	if (tcgetattr(fd, &t) < 0 || cfsetispeed(&t, sp) < 0 ||
	    cfsetospeed(&t, sp) < 0)
		return -1;
	return tcsetattr(fd, TCSANOW, &t);
}

int
tty_set_clocal(int fd, bool on)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return -1;
	if (on)
		t.c_cflag |= CLOCAL;
	else
		t.c_cflag &= ~(tcflag_t)CLOCAL;
	return tcsetattr(fd, TCSANOW, &t);
}

int
tty_pins(int fd, unsigned *pins)
{
	int st;

	if (ioctl(fd, TIOCMGET, &st) < 0)
		return -1;
	*pins = ((st & TIOCM_CAR) ? TTY_PIN_CD : 0) |
	    ((st & TIOCM_DSR) ? TTY_PIN_DSR : 0);
	return 0;
}

void
tty_hangup(int fd)
{
	struct termios t;

	/* what is still queued is of no use: the close need not drain it */
	(void)tcflush(fd, TCIOFLUSH);
	if (tcgetattr(fd, &t) < 0)
		return;
	(void)cfsetospeed(&t, B0);
	(void)tcsetattr(fd, TCSANOW, &t);
}

/* ---- N_PPP ---- */

int
tty_ppp_attach(int fd, int mru, int *chfd, int *chan)
{
	const struct pppdev_kernel *k = &pppdev_kernel_real;
	int ldisc = N_PPP, c = -1, f = -1, v = mru, e;

	if (ioctl(fd, TIOCSETD, &ldisc) < 0)
		return -1;
	if (ioctl(fd, PPPIOCGCHAN, &c) < 0)
		goto fail;
	if (pppdev_chan_attach(k, c, &f) < 0)
		goto fail;
	if (k->ioctl(f, PPPIOCSMRU, &v) < 0)
		goto fail;
	*chfd = f;
	*chan = c;
	return 0;
fail:
	e = errno;
	if (f >= 0)
		close(f);
	ldisc = N_TTY;
	(void)ioctl(fd, TIOCSETD, &ldisc);
	errno = e;
	return -1;
}

/*
 * tty_speed.c - any port speed through the Linux termios2 requests
 * (TCGETS2/TCSETS2 with BOTHER, tty_ioctl(4)), for the rates that have
 * no Bnnn constant (7200, 14400, 28800, 76800, ...).  Kept apart from
 * tty.c because the kernel's struct termios2 header cannot share a unit
 * with the C library's <termios.h>.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <asm/termbits.h>

#include "tty_speed.h"

int
tty_speed_other(int fd, int baud)
{
	struct termios2 t;

	if (baud <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (ioctl(fd, TCGETS2, &t) < 0)
		return -1;
	t.c_cflag &= ~(tcflag_t)(CBAUD | (CBAUD << IBSHIFT));
	t.c_cflag |= BOTHER | (BOTHER << IBSHIFT);
	t.c_ispeed = (speed_t)baud;
	t.c_ospeed = (speed_t)baud;
	return ioctl(fd, TCSETS2, &t);
}

int
tty_speed_get(int fd)
{
	struct termios2 t;

	if (ioctl(fd, TCGETS2, &t) < 0)
		return -1;
	return (int)t.c_ospeed;
}

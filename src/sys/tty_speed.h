/*
 * tty_speed.h - port speeds without a termios Bnnn constant (Linux
 * termios2, BOTHER; tty_ioctl(4)).  Used by sys/tty.c.
 */
#ifndef MPD_SYS_TTY_SPEED_H
#define MPD_SYS_TTY_SPEED_H

/* Set both speeds of port fd to baud (> 0).  0, or -1 with errno. */
int	tty_speed_other(int fd, int baud);

/* The output speed of port fd in baud, or -1 with errno. */
int	tty_speed_get(int fd);

#endif /* MPD_SYS_TTY_SPEED_H */

/*
 * tty.h - serial ports for the modem device type: UUCP-style lock files,
 * opening a port raw and non-blocking at a given speed, the modem
 * control lines, hanging up, and putting the port in line discipline
 * N_PPP (a Linux ppp_async channel; RFC 1662 framing done by the kernel).
 *
 * References: termios(3), tty_ioctl(4) (TIOCMGET, TIOCSETD), the
 * Filesystem Hierarchy Standard's /var/lock (LCK..<device> files holding
 * the owner's pid as ten ASCII digits and a newline), Linux
 * Documentation/networking/ppp_generic.rst.
 *
 * Every call returns 0 or -1 with errno set (and a reason for the log in
 * the caller's buffer where one is taken); nothing here blocks.
 */
#ifndef MPD_SYS_TTY_H
#define MPD_SYS_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where lock files go (Debian: a link to /run/lock). */
#define TTY_LOCK_DIR	"/var/lock"

/* Modem control lines as tty_pins() reports them. */
#define TTY_PIN_CD	0x1
#define TTY_PIN_DSR	0x2

/*
 * The lock file name for device path dev: "<dir>/LCK..<last component>".
 * Returns 0, or -1 when it does not fit in len or dev has no name.  Pure.
 */
int	tty_lock_path(const char *dir, const char *dev, char *buf, size_t len);

/*
 * Parse a lock file's content: a decimal pid, optionally surrounded by
 * blanks and ended by a newline (the ASCII form), or a 4-byte binary
 * pid (the old form).  Returns the pid, or -1 when malformed.  Pure.
 */
pid_t	tty_lock_parse(const uint8_t *p, size_t len);

/*
 * Take the lock for dev in dir for process pid.  A lock whose owner no
 * longer exists (or that cannot be parsed) is stale: it is removed and
 * the lock taken.  Returns 0, or -1 (errno EBUSY: another live process
 * holds it, *owner set when owner is not NULL).
 */
int	tty_lock(const char *dir, const char *dev, pid_t pid, pid_t *owner);

/* Drop the lock for dev if pid holds it. */
void	tty_unlock(const char *dir, const char *dev, pid_t pid);

/*
 * The termios speed constant for baud, or 0 when there is none (such
 * rates are set through termios2, sys/tty_speed.h).  Pure.
 */
unsigned	tty_speed_code(int baud);

/*
 * Open the port path non-blocking and close-on-exec, not as the
 * controlling terminal, and set it raw: 8 bits, no parity, receiver on,
 * hardware flow control, hang up on the last close, CLOCAL (ignore the
 * modem lines) at baud, in line discipline N_TTY (a port left in N_PPP
 * by our last call is put back).  Returns the descriptor or -1.
 */
int	tty_open(const char *path, int baud);

/* Change the port speed (any baud > 0). */
int	tty_set_speed(int fd, int baud);

/* Ignore (on) or honour (off) the modem lines: CLOCAL. */
int	tty_set_clocal(int fd, bool on);

/*
 * The modem lines (TTY_PIN_*) in *pins.  -1 with errno ENOTTY or EINVAL
 * for a port without them (a pty).
 */
int	tty_pins(int fd, unsigned *pins);

/*
 * Drop DTR (output speed 0): the modem hangs up.  What is queued either
 * way is discarded.  The caller closes.
 */
void	tty_hangup(int fd);

/*
 * Put the port in line discipline N_PPP and attach a /dev/ppp descriptor
 * to its channel (receive size mru).  *chfd and *chan on success.  On
 * failure the port is back in N_TTY.  To undo it, close *chfd, then
 * the port (its last close restores N_TTY).
 */
int	tty_ppp_attach(int fd, int mru, int *chfd, int *chan);

#endif /* MPD_SYS_TTY_H */

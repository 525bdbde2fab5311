/*
 * log.h - mpd5 log classes, syslog output and console echo.
 *
 * Messages carry a class (LG_LCP, LG_AUTH, ...); a message is formatted and
 * emitted only when its class is enabled with the `log` command (section 8
 * of the surface spec).  LG_ERR is always emitted.  Output goes to syslog
 * (ident `mpd`, facility daemon, priority info), to stderr in the
 * foreground, and to every console session with logging enabled.
 *
 * The syslog client is our own: it writes datagrams to /dev/log with
 * MSG_DONTWAIT so a stalled syslog daemon can never block the event loop
 * (glibc's syslog(3) would); lines that do not fit are counted as dropped.
 */
#ifndef MPD_CORE_LOG_H
#define MPD_CORE_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum log_class_bit {
	LGB_BUND, LGB_BUND2, LGB_LINK, LGB_REP, LGB_LCP, LGB_LCP2, LGB_AUTH,
	LGB_AUTH2, LGB_IPCP, LGB_IPCP2, LGB_IPV6CP, LGB_IPV6CP2, LGB_CCP,
	LGB_CCP2, LGB_ECP, LGB_ECP2, LGB_FSM, LGB_ECHO, LGB_PHYS, LGB_PHYS2,
	LGB_PHYS3, LGB_CHAT, LGB_CHAT2, LGB_IFACE, LGB_IFACE2, LGB_FRAME,
	LGB_RADIUS, LGB_RADIUS2, LGB_CONSOLE, LGB_EVENTS,
	LGB_COUNT
};

#define LG_BIT(b)	((uint64_t)1 << (b))
#define LG_BUND		LG_BIT(LGB_BUND)
#define LG_BUND2	LG_BIT(LGB_BUND2)
#define LG_LINK		LG_BIT(LGB_LINK)
#define LG_REP		LG_BIT(LGB_REP)
#define LG_LCP		LG_BIT(LGB_LCP)
#define LG_LCP2		LG_BIT(LGB_LCP2)
#define LG_AUTH		LG_BIT(LGB_AUTH)
#define LG_AUTH2	LG_BIT(LGB_AUTH2)
#define LG_IPCP		LG_BIT(LGB_IPCP)
#define LG_IPCP2	LG_BIT(LGB_IPCP2)
#define LG_IPV6CP	LG_BIT(LGB_IPV6CP)
#define LG_IPV6CP2	LG_BIT(LGB_IPV6CP2)
#define LG_CCP		LG_BIT(LGB_CCP)
#define LG_CCP2		LG_BIT(LGB_CCP2)
#define LG_ECP		LG_BIT(LGB_ECP)
#define LG_ECP2		LG_BIT(LGB_ECP2)
#define LG_FSM		LG_BIT(LGB_FSM)
#define LG_ECHO		LG_BIT(LGB_ECHO)
#define LG_PHYS		LG_BIT(LGB_PHYS)
#define LG_PHYS2	LG_BIT(LGB_PHYS2)
#define LG_PHYS3	LG_BIT(LGB_PHYS3)
#define LG_CHAT		LG_BIT(LGB_CHAT)
#define LG_CHAT2	LG_BIT(LGB_CHAT2)
#define LG_IFACE	LG_BIT(LGB_IFACE)
#define LG_IFACE2	LG_BIT(LGB_IFACE2)
#define LG_FRAME	LG_BIT(LGB_FRAME)
#define LG_RADIUS	LG_BIT(LGB_RADIUS)
#define LG_RADIUS2	LG_BIT(LGB_RADIUS2)
#define LG_CONSOLE	LG_BIT(LGB_CONSOLE)
#define LG_EVENTS	LG_BIT(LGB_EVENTS)
#define LG_ERR		LG_BIT(63)	/* always logged */

extern uint64_t g_log_mask;

#define log_on(c)	(((c) & LG_ERR) != 0 || (g_log_mask & (c)) != 0)

/* Emit a message of class c; the format is evaluated only when enabled. */
#define log_msg(c, ...)						\
	do {							\
		if (log_on(c))					\
			log_printf((c), __VA_ARGS__);		\
	} while (0)

/* Like log_msg, with ": <strerror(errno)>" appended. */
#define log_perr(c, ...)					\
	do {							\
		if (log_on(c))					\
			log_printf_errno((c), __VA_ARGS__);	\
	} while (0)

void	log_printf(uint64_t cls, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_printf_errno(uint64_t cls, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vprintf(uint64_t cls, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* Syslog only: not echoed to consoles nor stderr (command errors). */
void	log_syslog_only(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Hex dump of len bytes under class c, prefixed by a caption. */
void	log_dump(uint64_t cls, const char *caption, const void *data,
	    unsigned len);

/*
 * Open the log.  ident is the syslog identity (`-s`); foreground enables
 * the stderr copy.  The syslog socket path is /dev/log unless the
 * environment variable MPD_SYSLOG_SOCKET names another (used by tests).
 */
void	log_open(const char *ident, int foreground);
void	log_close(void);
/* Stop echoing to stderr (after daemonizing). */
void	log_set_foreground(int on);

/*
 * Console echo: the console module registers one hook that receives every
 * emitted line (without newline) and passes it to its sessions.
 */
typedef void log_hook_fn(const char *line, unsigned len);
void	log_set_hook(log_hook_fn *fn);

/*
 * Per-thread redirection for worker threads (core/worker.c): while a
 * sink is set on the calling thread, every formatted line of that thread
 * (log_msg, log_perr, log_printf) goes to fn instead of the outputs, so
 * that the loop thread can emit it later.  NULL removes the sink.
 */
typedef void log_sink_fn(void *arg, uint64_t cls, const char *line);
void	log_set_thread_sink(log_sink_fn *fn, void *arg);

/* Counters for tests and `show`: lines the syslog socket refused. */
unsigned long log_dropped(void);

/* Fatal error: log, then exit 70.  Only for broken invariants. */
void	fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

struct cmd_ctx;
/* The `log` command (section 8). */
int	log_command(struct cmd_ctx *ctx, int ac, char **av, const void *arg);

#endif /* MPD_CORE_LOG_H */

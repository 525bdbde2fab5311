/*
 * log.c - classed logging to syslog, stderr and consoles (surface spec 8).
 *
 * Provides the `log` command with mpd5's flag names, descriptions and
 * defaults.  Syslog lines are RFC 3164 datagrams written without blocking.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "defs.h"
#include "event.h"
#include "../ctl/command.h"

#define LOG_MAX_LINE	1000

struct log_flag {
	const char	*name;
	uint64_t	 mask;
	int		 dflt;
	const char	*desc;
};

static const struct log_flag log_flags[] = {
	{ "bund",	LG_BUND,	1, "Bundle events" },
	{ "bund2",	LG_BUND2,	0, "Detailed bundle events" },
	{ "link",	LG_LINK,	1, "Link events" },
	{ "rep",	LG_REP,		1, "Repeater events" },
	{ "lcp",	LG_LCP,		1, "LCP negotiation" },
	{ "lcp2",	LG_LCP2,	0, "LCP events and debugging" },
	{ "auth",	LG_AUTH,	1, "Link authentication events" },
	{ "auth2",	LG_AUTH2,	0, "Link authentication details" },
	{ "ipcp",	LG_IPCP,	1, "IPCP negotiation" },
	{ "ipcp2",	LG_IPCP2,	0, "IPCP events and debugging" },
	{ "ipv6cp",	LG_IPV6CP,	1, "IPV6CP negotiation" },
	{ "ipv6cp2",	LG_IPV6CP2,	0, "IPV6CP events and debugging" },
	{ "ccp",	LG_CCP,		1, "CCP negotiation" },
	{ "ccp2",	LG_CCP2,	0, "CCP events and debugging" },
	{ "ecp",	LG_ECP,		1, "ECP negotiation" },
	{ "ecp2",	LG_ECP2,	0, "ECP events and debugging" },
	{ "fsm",	LG_FSM,		1, "All FSM events (except echo & reset)" },
	{ "echo",	LG_ECHO,	0, "Echo/reply events for all automata" },
	{ "phys",	LG_PHYS,	1, "Physical layer events" },
	{ "phys2",	LG_PHYS2,	0, "Physical layer debug" },
	{ "phys3",	LG_PHYS3,	0, "Physical layer control packet dump" },
	{ "chat",	LG_CHAT,	1, "Modem chat script" },
	{ "chat2",	LG_CHAT2,	0, "Chat script extra debugging output" },
	{ "iface",	LG_IFACE,	1, "IP interface and route management" },
	{ "iface2",	LG_IFACE2,	0, "IP interface and route management debug" },
	{ "frame",	LG_FRAME,	0, "Dump all incoming & outgoing frames" },
	{ "radius",	LG_RADIUS,	1, "Radius authentication events" },
	{ "radius2",	LG_RADIUS2,	0, "Radius authentication debug" },
	{ "console",	LG_CONSOLE,	1, "Console events" },
	{ "events",	LG_EVENTS,	0, "Daemon events debug" },
};
#define NFLAGS	(sizeof(log_flags) / sizeof(log_flags[0]))

uint64_t g_log_mask =
    LG_BUND | LG_LINK | LG_REP | LG_LCP | LG_AUTH | LG_IPCP | LG_IPV6CP |
    LG_CCP | LG_ECP | LG_FSM | LG_PHYS | LG_CHAT | LG_IFACE | LG_RADIUS |
    LG_CONSOLE;

static char		 log_ident[64] = MPD_SYSLOG_IDENT;
static int		 log_fd = -1;
static struct sockaddr_un log_addr;
static int		 log_fg;
static log_hook_fn	*log_hook;
static unsigned long	 log_ndropped;
static int		 log_in_hook;
/* Worker threads divert their lines here (log_set_thread_sink). */
static __thread log_sink_fn *log_thread_sink;
static __thread void	*log_thread_arg;

void
log_open(const char *ident, int foreground)
{
	const char *path = getenv("MPD_SYSLOG_SOCKET");

	if (ident != NULL)
		snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_fg = foreground;
	if (path == NULL || *path == '\0')
		path = "/dev/log";
	memset(&log_addr, 0, sizeof(log_addr));
	log_addr.sun_family = AF_UNIX;
	snprintf(log_addr.sun_path, sizeof(log_addr.sun_path), "%s", path);
	if (log_fd < 0)
		log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
}


void
log_set_foreground(int on)
{
	log_fg = on;
}

void
log_set_hook(log_hook_fn *fn)
{
	log_hook = fn;
}

void
log_set_thread_sink(log_sink_fn *fn, void *arg)
{
	log_thread_sink = fn;
	log_thread_arg = arg;
}

unsigned long
log_dropped(void)
{
	return log_ndropped;
}

/*
 * Lines the syslog socket could not take right away wait here, in order,
 * until the socket is writable again.  The queue is bounded; beyond it
 * lines are counted as dropped rather than blocking the daemon.
 */
#define LOG_QUEUE_MAX	2048

struct log_pending {
	char	*msg;
	size_t	 len;
};

static struct log_pending log_queue[LOG_QUEUE_MAX];
static unsigned		 log_qhead, log_qlen;
static struct event	 log_wev;
static bool		 log_connected;
static time_t		 log_last_connect;

/* (Re)connect to the syslog socket, at most once a second. */
static bool
log_connect(void)
{
	time_t now = time(NULL);

	if (log_connected)
		return true;
	if (log_fd < 0 || now == log_last_connect)
		return false;
	log_last_connect = now;
	if (connect(log_fd, (struct sockaddr *)&log_addr,
	    sizeof(log_addr)) == 0)
		log_connected = true;
	return log_connected;
}

static void log_writable(int type, void *arg);

static void
log_queue_push(const char *msg, size_t len)
{
	struct log_pending *p;

	if (log_qlen == LOG_QUEUE_MAX) {
		log_ndropped++;
		return;
	}
	p = &log_queue[(log_qhead + log_qlen) % LOG_QUEUE_MAX];
	p->msg = malloc(len);
	if (p->msg == NULL) {
		log_ndropped++;
		return;
	}
	memcpy(p->msg, msg, len);
	p->len = len;
	log_qlen++;
	if (!event_is_registered(&log_wev))
		(void)event_register(&log_wev, EV_WRITE, log_fd, 0,
		    log_writable, NULL);
}

/* Send one datagram; 1 = sent, 0 = try later, -1 = give up on it. */
static int
log_send(const char *msg, size_t len)
{
	if (!log_connect())
		return -1;
	if (send(log_fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 1;
	if (errno == EAGAIN || errno == ENOBUFS)
		return 0;
	/* The syslog daemon went away; reconnect on a later line. */
	log_connected = false;
	return -1;
}

/* Flush the queue while the socket takes lines. */
static void
log_flush(void)
{
	while (log_qlen > 0) {
		struct log_pending *p = &log_queue[log_qhead];
		int r = log_send(p->msg, p->len);

		if (r == 0)
			break;
		if (r < 0)
			log_ndropped++;
		free(p->msg);
		p->msg = NULL;
		log_qhead = (log_qhead + 1) % LOG_QUEUE_MAX;
		log_qlen--;
	}
}

static void
log_writable(int type, void *arg)
{
	(void)type;
	(void)arg;
	log_flush();
	if (log_qlen > 0 && !event_is_registered(&log_wev))
		(void)event_register(&log_wev, EV_WRITE, log_fd, 0,
		    log_writable, NULL);
}

static void
log_syslog(const char *line, size_t len)
{
	char buf[LOG_MAX_LINE + 128];
	struct tm tm;
	time_t now;
	int n;

	if (log_fd < 0)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	n = snprintf(buf, sizeof(buf), "<%d>", LOG_DAEMON | LOG_INFO);
	n += (int)strftime(buf + n, sizeof(buf) - (size_t)n,
	    "%b %e %H:%M:%S ", &tm);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s: %.*s",
	    log_ident, (int)len, line);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (log_qlen > 0) {		/* keep the order */
		log_queue_push(buf, (size_t)n);
		return;
	}
	/* No syslog daemon (-1) is normal on these machines: drop quietly. */
	if (log_send(buf, (size_t)n) == 0)
		log_queue_push(buf, (size_t)n);
}

void
log_close(void)
{
	/* Best effort: whatever the socket takes now, then let go. */
	log_flush();
	event_unregister(&log_wev);
	while (log_qlen > 0) {
		free(log_queue[log_qhead].msg);
		log_queue[log_qhead].msg = NULL;
		log_qhead = (log_qhead + 1) % LOG_QUEUE_MAX;
		log_qlen--;
	}
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_connected = false;
	log_last_connect = 0;
}

static void
log_emit(uint64_t cls, char *line)
{
	size_t len;

	if (log_thread_sink != NULL) {
		log_thread_sink(log_thread_arg, cls, line);
		return;
	}
	len = strlen(line);

	/* Strip trailing newlines; every sink adds its own line end. */
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	log_syslog(line, len);
	if (log_fg) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
	}
	if (log_hook != NULL && !log_in_hook) {
		log_in_hook = 1;
		log_hook(line, (unsigned)len);
		log_in_hook = 0;
	}
}

void
log_vprintf(uint64_t cls, const char *fmt, va_list ap)
{
	char line[LOG_MAX_LINE + 1];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_emit(cls, line);
}

void
log_printf(uint64_t cls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(cls, fmt, ap);
	va_end(ap);
}

void
log_printf_errno(uint64_t cls, const char *fmt, ...)
{
	char line[LOG_MAX_LINE + 1];
	int saved = errno;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	snprintf(line + n, sizeof(line) - n, ": %s", strerror(saved));
	log_emit(cls, line);
	errno = saved;
}

void
log_syslog_only(const char *fmt, ...)
{
	char line[LOG_MAX_LINE + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_syslog(line, strlen(line));
}

void
log_dump(uint64_t cls, const char *caption, const void *data, unsigned len)
{
	const unsigned char *p = data;
	char line[16 * 3 + 16 + 8];
	unsigned i, j, n;

	if (!log_on(cls))
		return;
	log_printf(cls, "%s", caption);
	for (i = 0; i < len; i += 16) {
		n = 0;
		for (j = i; j < i + 16 && j < len; j++)
			n += (unsigned)snprintf(line + n, sizeof(line) - n,
			    "%02x ", p[j]);
		for (; j < i + 16; j++)
			n += (unsigned)snprintf(line + n, sizeof(line) - n,
			    "   ");
		for (j = i; j < i + 16 && j < len; j++)
			line[n++] = (p[j] >= 0x20 && p[j] < 0x7f) ?
			    (char)p[j] : '.';
		line[n] = '\0';
		log_printf(cls, "  %04x: %s", i, line);
	}
}

void
fatal(const char *fmt, ...)
{
	char line[LOG_MAX_LINE + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_printf(LG_ERR, "fatal: %s", line);
	_exit(EX_MPD_SOFTWARE);
}

static void
log_list(struct cmd_ctx *ctx)
{
	char up[16];
	unsigned i, k;

	cmd_printf(ctx, "    %-12s  %-10s  %s\n", "Log Option", "Enabled",
	    "Description");
	cmd_printf(ctx, "    %-12s  %-10s  %s\n", "----------", "-------",
	    "-----------");
	for (i = 0; i < NFLAGS; i++) {
		for (k = 0; log_flags[i].name[k] != '\0' && k < 15; k++)
			up[k] = (char)(log_flags[i].name[k] >= 'a' &&
			    log_flags[i].name[k] <= 'z' ?
			    log_flags[i].name[k] - 32 : log_flags[i].name[k]);
		up[k] = '\0';
		cmd_printf(ctx, "      %-12s  %-10s  %s\n", up,
		    (g_log_mask & log_flags[i].mask) ? "Yes" : "No",
		    log_flags[i].desc);
	}
}

int
log_command(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	uint64_t mask = g_log_mask;
	int i, add;
	unsigned k;
	const char *name;

	(void)arg;
	if (ac == 0) {
		log_list(ctx);
		return 0;
	}
	for (i = 0; i < ac; i++) {
		name = av[i];
		add = 1;
		if (*name == '+')
			name++;
		else if (*name == '-') {
			add = 0;
			name++;
		}
		if (strcasecmp(name, "all") == 0) {
			for (k = 0; k < NFLAGS; k++)
				mask = add ? mask | log_flags[k].mask :
				    mask & ~log_flags[k].mask;
			continue;
		}
		for (k = 0; k < NFLAGS; k++)
			if (strcasecmp(name, log_flags[k].name) == 0)
				break;
		if (k == NFLAGS) {
			cmd_printf(ctx, "\"%s\" is unknown. Enter \"log\" for "
			    "list.\n", name);
			return 0;
		}
		mask = add ? mask | log_flags[k].mask :
		    mask & ~log_flags[k].mask;
	}
	g_log_mask = mask;
	return 0;
}

/*
 * main.c - mpd5 for Linux: command line, startup sequence, PID file,
 * signals and shutdown (surface spec 1).
 *
 * Wires the layers together: core (event loop, messages, log), the link
 * types and PPP objects, AAA, and the control interfaces.  Signals are
 * received through a signalfd on the event loop, so handlers never run
 * asynchronously.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/acct.h"
#include "auth/ippool.h"
#include "auth/msoft.h"
#include "auth/radsrv.h"
#include "core/cfgfile.h"
#include "core/defs.h"
#include "core/event.h"
#include "core/fdclose.h"
#include "core/global.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/msg.h"
#include "core/worker.h"
#include "core/proc.h"
#include "ctl/command.h"
#include "ctl/conf.h"
#include "ctl/console.h"
#include "ctl/ctl.h"
#include "ctl/web.h"
#include "ppp/bund.h"
#include "ppp/link.h"

struct options {
	bool		 background;
	bool		 kill_old;
	bool		 one_shot;
	const char	*confdir;
	const char	*conffile;
	const char	*pidfile;
	const char	*ident;
	const char	*pam_service;
	const char	*label;
};

static struct options	opts = {
	.confdir = MPD_CONFDIR,
	.conffile = MPD_CONF_FILE,
	.pidfile = MPD_PIDFILE,
	.ident = MPD_SYSLOG_IDENT,
	.pam_service = MPD_PAM_SERVICE,
};

static int		pid_fd = -1;
static int		sig_fd = -1;
static struct event	sig_ev;
static struct timer	shutdown_timer;
static bool		terminating;
static int		exit_code;

/* Log sink for mpd.conf output when there is no stdin console. */
static char		bg_line[1024];
static size_t		bg_len;

/* ---- command line ---- */

struct opt_info {
	char		 sflag;
	const char	*lflag;
	const char	*argname;	/* NULL: no argument */
	const char	*usage;
};

static const struct opt_info opt_list[] = {
	{ 'b', "background", NULL, "Run as a background daemon" },
	{ 'd', "directory", "config-dir", "Set config file directory" },
	{ 'k', "kill", NULL, "Kill running mpd process before start" },
	{ 'f', "file", "config-file", "Set configuration file" },
	{ 'o', "one-shot", NULL, "Terminate daemon after last link shutdown" },
	{ 'p', "pidfile", "filename", "Set PID filename" },
	{ 's', "syslog-ident", "ident", "Identifier to use for syslog" },
	{ 'm', "pam-service", "service", "PAM service name" },
	{ 'v', "version", NULL, "Show version information" },
	{ 'h', "help", NULL, "Show usage information" },
};
#define NOPTS	(sizeof(opt_list) / sizeof(opt_list[0]))

static void
usage(int code)
{
	char buf[128];
	unsigned i;

	fprintf(stderr, "Usage: %s [options] [configuration]\n", MPD_PROG);
	fprintf(stderr, "Options:\n");
	for (i = 0; i < NOPTS; i++) {
		snprintf(buf, sizeof(buf), "  -%c, --%s %s", opt_list[i].sflag,
		    opt_list[i].lflag, opt_list[i].argname ?
		    opt_list[i].argname : "");
		fprintf(stderr, "%-35s%s\n", buf, opt_list[i].usage);
	}
	exit(code);
}

static void
apply_option(const struct opt_info *o, const char *arg)
{
	switch (o->sflag) {
	case 'b':
		opts.background = true;
		break;
	case 'd':
		opts.confdir = arg;
		break;
	case 'k':
		opts.kill_old = true;
		break;
	case 'f':
		opts.conffile = arg;
		break;
	case 'o':
		opts.one_shot = true;
		break;
	case 'p':
		opts.pidfile = arg;
		break;
	case 's':
		opts.ident = arg;
		break;
	case 'm':
		opts.pam_service = arg;
		break;
	case 'v':
		fprintf(stderr, "Version %s\n", MPD_VERSION_STRING);
		exit(EX_MPD_OK);
	case 'h':
		usage(EX_MPD_OK);
		break;
	default:
		usage(EX_MPD_USAGE);
	}
}

/*
 * Short flags may be bundled (-bk); an option's argument is the next
 * word; long options need their full name and take no "=value".
 */
static void
parse_args(int argc, char **argv)
{
	const struct opt_info *o;
	bool no_more = false;
	int i, j;
	unsigned k;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (no_more || a[0] != '-' || a[1] == '\0') {
			if (opts.label != NULL)
				usage(EX_MPD_USAGE);
			opts.label = a;
			continue;
		}
		if (a[1] == '-') {
			if (a[2] == '\0') {
				no_more = true;
				continue;
			}
			for (k = 0; k < NOPTS; k++)
				if (strcmp(a + 2, opt_list[k].lflag) == 0)
					break;
			if (k == NOPTS)
				usage(EX_MPD_USAGE);
			o = &opt_list[k];
			if (o->argname != NULL && ++i >= argc)
				usage(EX_MPD_USAGE);
			apply_option(o, o->argname != NULL ? argv[i] : NULL);
			continue;
		}
		{
			int need = 0;
			const struct opt_info *pend = NULL;

			for (j = 1; a[j] != '\0'; j++) {
				for (k = 0; k < NOPTS; k++)
					if (opt_list[k].sflag == a[j])
						break;
				if (k == NOPTS)
					usage(EX_MPD_USAGE);
				if (opt_list[k].argname != NULL) {
					if (++need > 1)
						usage(EX_MPD_USAGE);
					pend = &opt_list[k];
					continue;
				}
				apply_option(&opt_list[k], NULL);
			}
			if (pend != NULL) {
				if (++i >= argc)
					usage(EX_MPD_USAGE);
				apply_option(pend, argv[i]);
			}
		}
	}
}

/* ---- PID file ---- */

static pid_t
pidfile_owner(int fd)
{
	char buf[32];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)strtol(buf, NULL, 10);
}

/*
 * Open and lock the PID file.  A lock can be won on a file the previous
 * owner has just unlinked (it removes the file, then closes it), so after
 * locking we check that the descriptor is still the file at the path and
 * start over when it is not.
 */
static int
pidfile_open(void)
{
	struct stat fst, pst;
	char buf[32];
	int fd, tries = 0;
	pid_t owner;

	for (;;) {
		fd = open(opts.pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			log_perr(LG_ERR, "can't open PID file \"%s\"",
			    opts.pidfile);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (fstat(fd, &fst) == 0 &&
			    stat(opts.pidfile, &pst) == 0 &&
			    fst.st_dev == pst.st_dev &&
			    fst.st_ino == pst.st_ino)
				break;
			close(fd);	/* stale: unlinked by its owner */
			continue;
		}
		owner = pidfile_owner(fd);
		close(fd);
		if (!opts.kill_old || tries >= 30) {
			log_printf(LG_ERR, "mpd: PID file \"%s\" is locked by "
			    "process %d", opts.pidfile, (int)owner);
			return -1;
		}
		if (tries == 0 && owner > 0) {
			log_printf(LG_ERR, "Waiting for process %d to "
			    "terminate", (int)owner);
			kill(owner, SIGTERM);
		}
		tries++;
		sleep(1);
	}
	snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, strlen(buf), 0) < 0) {
		log_perr(LG_ERR, "can't write PID file \"%s\"", opts.pidfile);
		close(fd);
		return -1;
	}
	pid_fd = fd;
	return 0;
}

static void
pidfile_remove(void)
{
	if (pid_fd < 0)
		return;
	unlink(opts.pidfile);
	close(pid_fd);
	pid_fd = -1;
}

/* ---- shutdown ---- */

static void
cleanup(void)
{
	console_shutdown();
	web_shutdown();
	radsrv_shutdown();
	link_shutdown_all();
	acct_shutdown();	/* before the workers: it cancels its job */
	worker_shutdown();
	bund_shutdown_all();
	fd_close_drain();	/* the bundles' devices are gone */
	proc_shutdown();
	ippool_shutdown();
	cfg_index_free();
	ctl_global_free();
	msg_fini();
	if (sig_fd >= 0) {
		event_unregister(&sig_ev);
		close(sig_fd);
		sig_fd = -1;
	}
	event_fini();
	msoft_fini();
}

static uint64_t		shutdown_deadline;

/* Number of links that are not down (uplinks still to close). */
static int
links_active(void)
{
	int i, n = 0;

	for (i = 1; i < g_nlinks; i++)
		if (g_links[i] != NULL && !g_links[i]->tmpl &&
		    g_links[i]->state != PHYS_STATE_DOWN)
			n++;
	return n;
}

/*
 * During a graceful shutdown: stop once every link is down (the peers
 * have seen their Terminate-Requests) or when the grace period is over.
 */
static void
shutdown_check(void *arg)
{
	(void)arg;
	/* the links' accounting Stops get the same grace period */
	if ((links_active() == 0 && acct_spool_len() == 0) ||
	    event_now_ms() >= shutdown_deadline) {
		event_stop();
		return;
	}
	timer_start(&shutdown_timer);
}

static void
begin_shutdown(const char *reason, int code)
{
	int i, active;

	if (terminating)
		return;
	terminating = true;
	exit_code = code;
	active = links_active();
	for (i = 1; i < g_nlinks; i++) {
		struct link *l = g_links[i];

		if (l == NULL || l->tmpl)
			continue;
		link_set_down_reason(l, reason);
		/* A fatal shutdown tears down at once, without goodbyes. */
		if (code == EX_MPD_OK && l->state != PHYS_STATE_DOWN)
			link_close(l, reason);
	}
	if (code != EX_MPD_OK || active == 0) {
		event_stop();
		return;
	}
	/* mpd5 gives the peers 2 s per 100 uplinks to see the close. */
	shutdown_deadline = event_now_ms() + 2000u * (unsigned)(active / 100 + 1);
	timer_init(&shutdown_timer, "Shutdown", 100, shutdown_check, NULL);
	timer_start(&shutdown_timer);
}

static void
open_first_link(bool open)
{
	struct cmd_ctx ctx;
	int i;

	for (i = 1; i < g_nlinks; i++) {
		struct link *l = g_links[i];

		if (l == NULL || l->tmpl)
			continue;
		cmd_ctx_init(&ctx, PRIV_ADMIN, NULL, NULL);
		cmd_ctx_set(&ctx, l, l->bund, NULL);
		if ((open ? ctl_cmd_open : ctl_cmd_close)(&ctx, 0, NULL,
		    NULL) != CMD_OK)
			log_printf(LG_ERR, "[%s] %s", l->name, ctx.errmsg);
		return;
	}
}

static void
signal_event(int type, void *arg)
{
	struct signalfd_siginfo si;

	(void)type;
	(void)arg;
	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			if (terminating)
				break;
			log_printf(LG_ERR, "caught fatal signal %s",
			    si.ssi_signo == SIGTERM ? "TERM" : "INT");
			begin_shutdown("Admin shutdown", EX_MPD_OK);
			break;
		case SIGHUP:
			/* mpd5 treats HUP as fatal: no reload. */
			log_printf(LG_ERR, "caught fatal signal HUP");
			begin_shutdown("Fatal shutdown", EX_MPD_SOFTWARE);
			exit_code = EX_MPD_SOFTWARE;
			event_stop();
			break;
		case SIGUSR1:
		case SIGUSR2:
			if (terminating)
				break;
			log_printf(LG_ERR, "rec'd signal %s, %s",
			    si.ssi_signo == SIGUSR1 ? "SIGUSR1" : "SIGUSR2",
			    si.ssi_signo == SIGUSR1 ? "opening" : "closing");
			open_first_link(si.ssi_signo == SIGUSR1);
			break;
		default:
			break;
		}
	}
}

static void
shutdown_request(void)
{
	kill(getpid(), SIGTERM);
}

static int
signals_init(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sig_fd < 0)
		return -1;
	return event_register(&sig_ev, EV_READ, sig_fd, EVF_RECURRING,
	    signal_event, NULL);
}

/* ---- background daemon ---- */

static void
bg_write(void *arg, const char *buf, size_t len)
{
	size_t i;

	(void)arg;
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r')
			continue;
		if (buf[i] == '\n' || bg_len + 1 >= sizeof(bg_line)) {
			bg_line[bg_len] = '\0';
			if (bg_len > 0)
				log_printf(LG_ERR, "%s", bg_line);
			bg_len = 0;
			if (buf[i] == '\n')
				continue;
		}
		bg_line[bg_len++] = buf[i];
	}
}

static int
daemonize(void)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(EX_MPD_OK);
	if (setsid() < 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (chdir(opts.confdir) < 0 && chdir("/") < 0)
		return -1;
	return 0;
}

/*
 * A session holds file descriptors (its TUN device, sockets of its link):
 * an access concentrator with thousands of sessions needs more than the
 * usual soft limit of 1024, so take everything the hard limit allows.
 */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	struct cmd_ctx bg_ctx, *ctx;
	int rc, i;
	bool have_links;

	parse_args(argc, argv);
	g_global.confdir = opts.confdir;
	g_global.conffile = opts.conffile;
	g_global.pam_service = opts.pam_service;
	g_global.background = opts.background;
	if (opts.one_shot)
		g_global.options |= 1u << GLOBAL_OPT_ONE_SHOT;

	log_open(opts.ident, !opts.background);
	raise_fd_limit();
	if (event_init() < 0)
		return EX_MPD_UNAVAILABLE;
	msoft_init();
	console_init();
	iface_layer_init();
	link_layer_init();
	bund_layers_init();
	ctl_set_shutdown_hook(shutdown_request);
	if (opts.background) {
		if (daemonize() < 0) {
			log_perr(LG_ERR, "daemonize");
			return EX_MPD_UNAVAILABLE;
		}
		log_set_foreground(0);
		cmd_ctx_init(&bg_ctx, PRIV_ADMIN, bg_write, NULL);
		ctx = &bg_ctx;
	} else {
		/*
		 * The stdin console echoes every log line (logging is on by
		 * default there), as mpd5 does; a stderr copy would print
		 * each line twice.
		 */
		ctx = console_stdin_create();
		log_set_foreground(0);
	}

	log_printf(LG_ERR, "%s", MPD_BANNER);
	log_printf(LG_ERR, " ");
	log_printf(LG_ERR, "process %d started, version %s", (int)getpid(),
	    MPD_VERSION_STRING);

	if (pidfile_open() < 0) {
		cleanup();
		return EX_MPD_UNAVAILABLE;
	}
	if (signals_init() < 0) {
		log_perr(LG_ERR, "signals");
		pidfile_remove();
		cleanup();
		return EX_MPD_UNAVAILABLE;
	}

	/* startup, then the command-line label or "default" */
	rc = conf_run_label(ctx, NULL, "startup");
	if (rc == -1 && opts.label == NULL)
		log_printf(LG_ERR, "can't read configuration file \"%s/%s\"",
		    opts.confdir, opts.conffile);
	else if (rc == -2)
		log_printf(LG_ERR, "Label 'startup' not found");
	rc = conf_run_label(ctx, NULL, opts.label ? opts.label : "default");
	if (rc < 0 && opts.label != NULL) {
		log_printf(LG_ERR, "can't read configuration for \"%s\"",
		    opts.label);
		pidfile_remove();
		cleanup();
		log_close();
		return EX_MPD_CONFIG;
	}
	if (rc == -2)
		log_printf(LG_ERR, "Label 'default' not found");
	bg_write(NULL, "\n", 1);

	if (g_global.options & (1u << GLOBAL_OPT_ONE_SHOT)) {
		have_links = false;
		for (i = 1; i < g_nlinks; i++)
			if (g_links[i] != NULL && !g_links[i]->tmpl)
				have_links = true;
		if (!have_links)
			kill(getpid(), SIGTERM);
	}
	if (!opts.background)
		console_stdin_start();

	event_set_idle(msg_dispatch);
	event_loop();

	log_printf(LG_ERR, "process %d terminated", (int)getpid());
	pidfile_remove();
	cleanup();
	log_close();
	return exit_code;
}

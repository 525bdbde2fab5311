/*
 * proc.c - external programs (up/down scripts and the like) without
 * blocking the event loop.
 *
 * mpd5 runs its scripts with system(3) and waits; here a child is started
 * with posix_spawn(3) (a vfork-style clone, cheap even for a large
 * daemon), its exit is learnt through a pidfd (pidfd_open(2)) registered
 * with the loop, and it is reaped with waitpid().  The child gets
 * /dev/null on stdin, stdout and stderr, no other descriptors, an empty
 * signal mask with default dispositions (the daemon blocks signals for
 * its signalfd and ignores SIGPIPE) and a process group of its own, so a
 * time limit or a cancel can kill a shell together with what it started.
 * Kernels without pidfd_open fall back to polling waitpid() on a timer.
 *
 * Nothing here touches daemon state beyond calling the owner's done()
 * callback from the loop.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "log.h"
#include "mem.h"

extern char **environ;

/* Poll period when there is no pidfd. */
#define PROC_POLL_MS		100
/* At daemon exit, children get this long before they are killed. */
#define PROC_SHUTDOWN_MS	3000
#define PROC_SHUTDOWN_STEP_MS	20

struct proc {
	long		 handle;
	pid_t		 pid;
	int		 pidfd;		/* -1: polled */
	int		 start_err;	/* spawn failed: report status -1 */
	struct event	 ev;
	struct timer	 limit;		/* time limit */
	struct timer	 poll;		/* fallback poll, or start failure */
	proc_done_fn	*done;		/* NULL once cancelled */
	void		*arg;
	struct proc	*next;
};

static struct proc	*proc_list;
static long		 proc_last_handle;

static void
proc_unlink(struct proc *p)
{
	struct proc **pp;

	for (pp = &proc_list; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

/* Release everything of p; calls done (if any) last, after freeing. */
static void
proc_finish(struct proc *p, int status)
{
	proc_done_fn *done = p->done;
	void *arg = p->arg;

	proc_unlink(p);
	event_unregister(&p->ev);
	timer_stop(&p->limit);
	timer_stop(&p->poll);
	if (p->pidfd >= 0)
		close(p->pidfd);
	mem_free(p);
	if (done != NULL)
		done(arg, status);
}

/* Reap p if it exited; returns true when it was finished. */
static bool
proc_reap(struct proc *p)
{
	int status;
	pid_t r;

	do {
		r = waitpid(p->pid, &status, WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return false;
	/* r < 0: somebody else reaped it (ECHILD); report it as failed. */
	proc_finish(p, r < 0 ? -1 : status);
	return true;
}

static void
proc_exited(int type, void *arg)
{
	(void)type;
	(void)proc_reap(arg);
}

static void
proc_poll(void *arg)
{
	struct proc *p = arg;

	if (p->start_err) {
		proc_finish(p, -1);
		return;
	}
	if (!proc_reap(p))
		timer_start(&p->poll);
}

static void
proc_kill(struct proc *p)
{
	/* The child leads its own process group: kill the whole group. */
	if (kill(-p->pid, SIGKILL) < 0)
		(void)kill(p->pid, SIGKILL);
}

static void
proc_timeout(void *arg)
{
	struct proc *p = arg;

	proc_kill(p);
}

/* posix_spawn() with /dev/null stdio and a clean signal state. */
static int
proc_spawn(const char *const argv[], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int rc;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return ENOMEM;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return ENOMEM;
	}
	sigemptyset(&none);
	sigfillset(&all);
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
	    0);
	if (rc == 0)
		rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, 1, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || \
    (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	if (rc == 0)
		rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
		    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&at, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&at, &all);
	if (rc == 0)
		rc = posix_spawnattr_setpgroup(&at, 0);
	if (rc == 0)
		rc = posix_spawn(pid, argv[0], &fa, &at,
		    (char *const *)(uintptr_t)argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

long
proc_run(const char *const argv[], unsigned timeout_ms, proc_done_fn *done,
    void *arg)
{
	struct proc *p;
	pid_t pid = -1;
	int rc;

	if (argv == NULL || argv[0] == NULL || done == NULL) {
		errno = EINVAL;
		return -1;
	}
	p = mem_alloc("proc", sizeof(*p));
	if (++proc_last_handle <= 0)
		proc_last_handle = 1;
	p->handle = proc_last_handle;
	p->pidfd = -1;
	p->done = done;
	p->arg = arg;
	timer_init(&p->limit, "Process limit", timeout_ms, proc_timeout, p);
	timer_init(&p->poll, "Process poll", PROC_POLL_MS, proc_poll, p);
	p->next = proc_list;
	proc_list = p;

	rc = proc_spawn(argv, &pid);
	if (rc != 0) {
		/* Reported from the loop, never from inside proc_run(). */
		log_msg(LG_ERR, "can't run \"%s\": %s", argv[0],
		    strerror(rc));
		p->start_err = 1;
		timer_init(&p->poll, "Process start", 0, proc_poll, p);
		timer_start(&p->poll);
		return p->handle;
	}
	p->pid = pid;
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (p->pidfd < 0 || event_register(&p->ev, EV_READ, p->pidfd,
	    EVF_RECURRING, proc_exited, p) < 0) {
		if (p->pidfd >= 0)
			close(p->pidfd);
		p->pidfd = -1;
		timer_start(&p->poll);
	}
	if (timeout_ms > 0)
		timer_start(&p->limit);
	return p->handle;
}

void
proc_cancel(long handle)
{
	struct proc *p;

	for (p = proc_list; p != NULL; p = p->next)
		if (p->handle == handle)
			break;
	if (p == NULL)
		return;
	p->done = NULL;
	if (p->start_err)
		return;
	/* Keep it registered: it still has to be reaped. */
	proc_kill(p);
	timer_stop(&p->limit);
}

void
proc_shutdown(void)
{
	struct proc *p, *next;
	struct timespec ts = { 0, PROC_SHUTDOWN_STEP_MS * 1000000L };
	int waited, status;
	pid_t r;

	/* Give running scripts (down-scripts) a moment to finish. */
	for (waited = 0; proc_list != NULL && waited < PROC_SHUTDOWN_MS;
	    waited += PROC_SHUTDOWN_STEP_MS) {
		for (p = proc_list; p != NULL; p = next) {
			next = p->next;
			if (p->start_err) {
				p->done = NULL;
				proc_finish(p, -1);
				continue;
			}
			r = waitpid(p->pid, &status, WNOHANG);
			if (r != 0) {
				p->done = NULL;
				proc_finish(p, -1);
			}
		}
		if (proc_list != NULL)
			nanosleep(&ts, NULL);
	}
	while ((p = proc_list) != NULL) {
		p->done = NULL;
		proc_kill(p);
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
		proc_finish(p, -1);
	}
}

/* Characters that need no quoting in a shell word. */
static bool
proc_sh_safe(const char *w)
{
	const char *c;

	if (*w == '\0')
		return false;
	for (c = w; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("%+,-./:=@_", *c)))
			return false;
	return true;
}

int
proc_sh_append(char *buf, size_t len, const char *word, bool quote)
{
	size_t pos = strnlen(buf, len), need, i;
	const char *c;

	if (pos >= len)
		return -1;
	quote = quote || !proc_sh_safe(word);
	/* Worst case: separator, quotes, and '\'' for every quote. */
	need = (pos > 0) + strlen(word) + 2;
	for (c = word; *c != '\0'; c++)
		if (*c == '\'')
			need += 3;
	if (need >= len - pos)
		return -1;
	i = pos;
	if (pos > 0)
		buf[i++] = ' ';
	if (quote)
		buf[i++] = '\'';
	for (c = word; *c != '\0'; c++) {
		if (quote && *c == '\'') {
			/* close, escaped quote, reopen */
			memcpy(buf + i, "'\\''", 4);
			i += 4;
		} else {
			buf[i++] = *c;
		}
	}
	if (quote)
		buf[i++] = '\'';
	buf[i] = '\0';
	return 0;
}

/*
 * proc.h - external programs without blocking the event loop.
 *
 * proc_run() starts a child (argv[0] is executed directly; use
 * {"/bin/sh", "-c", cmd, NULL} for shell lines) with stdin/stdout/stderr
 * on /dev/null and reports its exit status through done() from the event
 * loop (a pidfd registered with the loop).  A time limit kills it.
 */
#ifndef MPD_CORE_PROC_H
#define MPD_CORE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* status is the waitpid() status, or -1 when the child could not start. */
typedef void proc_done_fn(void *arg, int status);

/*
 * Start argv with a limit of timeout_ms (0: none; when it expires the
 * child's process group is killed with SIGKILL).  Returns a handle (> 0),
 * or -1 only for an empty argv or a NULL done.  For every handle, done
 * runs exactly once from the event loop, never from inside proc_run(),
 * unless proc_cancel() is called first; a program that could not be
 * started reports status -1.
 */
long	proc_run(const char *const argv[], unsigned timeout_ms,
	    proc_done_fn *done, void *arg);
/* Forget a pending child (its owner goes away); the child is killed. */
void	proc_cancel(long handle);
/*
 * Daemon exit: wait up to 3 s for running children, then kill and reap
 * the rest.  No done() is called.  Blocks (only for the exit path).
 */
void	proc_shutdown(void);

/*
 * Shell command lines (pure).  Append word to the terminated string in
 * buf (size len), after a space unless buf is empty.  With quote the word
 * is always single-quoted; otherwise only when it holds characters the
 * shell would interpret (or is empty).  An embedded ' becomes '\''.
 * Returns 0, or -1 when it does not fit (buf unchanged).
 */
int	proc_sh_append(char *buf, size_t len, const char *word, bool quote);

#endif /* MPD_CORE_PROC_H */

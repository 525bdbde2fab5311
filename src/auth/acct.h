/*
 * acct.h - session accounting (RADIUS Accounting-Request Start, Interim,
 * Stop; surface spec 9.3).  The link and interface life cycle calls the
 * hooks below; records are delivered off the loop and spooled while no
 * server answers (acct.c).
 */
#ifndef MPD_AUTH_ACCT_H
#define MPD_AUTH_ACCT_H

struct link;

/*
 * The interface of l's bundle came up: send Start (when radius-acct is
 * enabled) and arm the interim timer.  Idempotent per session.
 */
void	acct_link_up(struct link *l);
/* l leaves the Network phase: Stop with counters and terminate cause. */
void	acct_link_down(struct link *l);
/* A new Acct-Interim-Interval (CoA); 0 stops the updates. */
void	acct_link_interval(struct link *l, int interval);
/* Acct-Terminate-Cause (RFC 2866 5.10) of a down reason (spec 9.3). */
int	acct_terminate_cause(const char *reason);
/* Records waiting for a server (for `show radius` and tests). */
unsigned acct_spool_len(void);
/* Daemon exit: drop sessions and undelivered records (logged). */
void	acct_shutdown(void);

#endif /* MPD_AUTH_ACCT_H */

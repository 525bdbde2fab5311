/*
 * bund_local.h - declarations shared by the files of the bundle module
 * (bund.c: objects and commands; bund_run.c: the session life cycle).
 * Not for use outside src/ppp/bund*.c.
 */
#ifndef MPD_PPP_BUND_LOCAL_H
#define MPD_PPP_BUND_LOCAL_H

struct bund;

/*
 * Deliver a MSG_OPEN / MSG_CLOSE queued on b's port (bund_run.c): open
 * the bundle's links, or close them.  Called by bund.c's port handler.
 */
void	bund_run_msg(struct bund *b, int type);
/*
 * Forget the session runtime of b before it is freed: NCP timers are
 * stopped and their state released (bund_run.c).
 */
void	bund_run_free(struct bund *b);

/*
 * Open link slot k of b: its attached link, or the k-th `set bundle
 * links` entry (a template is instantiated); reason is the link's up
 * reason (bund_run.c; bandwidth on demand uses it from bod.c).
 */
void	bund_open_link(struct bund *b, int k, const char *reason);

#endif /* MPD_PPP_BUND_LOCAL_H */

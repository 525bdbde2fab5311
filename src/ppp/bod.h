/*
 * bod.h - bandwidth on demand (`set bundle enable bw-manage`, surface
 * spec 4.4.1 and 10.5): a bundle opens the next link of its `set bundle
 * links` list when its utilisation reaches `hiwat` percent and closes its
 * last open link when utilisation falls to `lowat`, with at least
 * `min-con` / `min-dis` seconds between openings / closings.
 * Utilisation is sampled every period/6 seconds over the last `period`
 * seconds, in and out separately, against the bandwidth of the links
 * that were up in each sample.  Local policy only: no BACP/BAP.
 */
#ifndef MPD_PPP_BOD_H
#define MPD_PPP_BOD_H

#include <stdbool.h>
#include <stdint.h>

struct bund;

#define BOD_SAMPLES	6	/* samples per period (mpd5's LINK_BM_N) */

/*
 * The decision of one tick (pure): utilisation in and out in percent,
 * seconds since the last opening / closing, links open and openable.
 * Returns +1 to open a link, -1 to close one, 0 to do nothing.
 */
int	bod_decide(unsigned in_util, unsigned out_util, long since_open,
	    long since_close, int n_open, int n_avail, int lowat, int hiwat,
	    int min_con, int min_dis);
/* Start sampling when the first link of b joined (if bw-manage is on). */
void	bod_start(struct bund *b);
/* Stop sampling when the last link left. */
void	bod_stop(struct bund *b);
/*
 * The last link left an open bw-manage bundle (not on-demand): schedule
 * opening its links again in 3-4 seconds and return true (the bundle
 * stays open); false when that does not apply.
 */
bool	bod_reopen(struct bund *b);
/* An open/close event or a link joining cancels a pending re-open. */
void	bod_reopen_cancel(struct bund *b);
/* Release everything (bundle destruction). */
void	bod_free(struct bund *b);

#endif /* MPD_PPP_BOD_H */

/*
 * bod.c - bandwidth on demand for a bundle (see bod.h; mpd5 semantics of
 * `set bundle period/lowat/hiwat/min-con/min-dis/links` and the
 * bw-manage option, surface spec 10.5).
 */
#include "bod.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/event.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "bund.h"
#include "bund_local.h"
#include "link.h"

struct bod_state {
	struct bund	*b;
	struct timer	 timer;
	struct timer	 reopen;	/* last link gone (bod_reopen) */
	bool		 sampling;
	time_t		 last_open, last_close;
	/* per link slot, newest sample first */
	bool		 was_up[MAX_LINKS_PER_BUND][BOD_SAMPLES];
	uint64_t	 in[MAX_LINKS_PER_BUND][BOD_SAMPLES];
	uint64_t	 out[MAX_LINKS_PER_BUND][BOD_SAMPLES];
	uint32_t	 bw[MAX_LINKS_PER_BUND][BOD_SAMPLES];
	const struct link *seen[MAX_LINKS_PER_BUND];
	uint64_t	 last_in[MAX_LINKS_PER_BUND];
	uint64_t	 last_out[MAX_LINKS_PER_BUND];
};

int
bod_decide(unsigned in_util, unsigned out_util, long since_open,
    long since_close, int n_open, int n_avail, int lowat, int hiwat,
    int min_con, int min_dis)
{
	if (since_open >= min_con && n_open < n_avail &&
	    (in_util >= (unsigned)hiwat || out_util >= (unsigned)hiwat))
		return 1;
	if (since_close >= min_dis && n_open > 1 &&
	    in_util < (unsigned)lowat && out_util < (unsigned)lowat)
		return -1;
	return 0;
}

/* The link in slot k is up in the bundle (joined). */
static bool
bod_joined(const struct bund *b, int k)
{
	return b->links[k] != NULL && (b->joined & (1u << k)) != 0;
}

/* Slots that may carry a link: attached links and `set bundle links`. */
static int
bod_avail(const struct bund *b)
{
	int k, n = 0;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++)
		if (b->links[k] != NULL || (k < b->conf.nlinks &&
		    b->conf.links[k][0] != '\0'))
			n++;
	return n;
}

/* Slots with a link that is open (administratively) or up. */
static int
bod_open_count(const struct bund *b)
{
	int k, n = 0;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++)
		if (b->links[k] != NULL && (b->links[k]->admin_open ||
		    bod_joined(b, k)))
			n++;
	return n;
}

static void
bod_sample(struct bod_state *s)
{
	const struct bund *b = s->b;
	const struct link *l;
	int k;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++) {
		memmove(&s->was_up[k][1], &s->was_up[k][0],
		    (BOD_SAMPLES - 1) * sizeof(s->was_up[k][0]));
		memmove(&s->in[k][1], &s->in[k][0],
		    (BOD_SAMPLES - 1) * sizeof(s->in[k][0]));
		memmove(&s->out[k][1], &s->out[k][0],
		    (BOD_SAMPLES - 1) * sizeof(s->out[k][0]));
		memmove(&s->bw[k][1], &s->bw[k][0],
		    (BOD_SAMPLES - 1) * sizeof(s->bw[k][0]));
		l = bod_joined(b, k) ? b->links[k] : NULL;
		s->was_up[k][0] = l != NULL;
		s->in[k][0] = s->out[k][0] = 0;
		s->bw[k][0] = 0;
		if (l == NULL) {
			s->seen[k] = NULL;
			continue;
		}
		if (s->seen[k] == l) {
			s->in[k][0] = l->in_octets - s->last_in[k];
			s->out[k][0] = l->out_octets - s->last_out[k];
		}
		s->bw[k][0] = l->conf.bandwidth > 0 ?
		    (uint32_t)l->conf.bandwidth : 0;
		s->seen[k] = l;
		s->last_in[k] = l->in_octets;
		s->last_out[k] = l->out_octets;
	}
}

/* Utilisation in and out (percent) over the window. */
static void
bod_util(const struct bod_state *s, int period, unsigned *in_util,
    unsigned *out_util)
{
	double avail = 0, in = 0, out = 0;
	int j, k;

	for (j = 0; j < BOD_SAMPLES; j++)
		for (k = 0; k < MAX_LINKS_PER_BUND; k++) {
			if (!s->was_up[k][j])
				continue;
			avail += (double)s->bw[k][j] * period / BOD_SAMPLES;
			in += (double)s->in[k][j] * 8;
			out += (double)s->out[k][j] * 8;
		}
	*in_util = avail > 0 ? (unsigned)(in * 100 / avail) : 0;
	*out_util = avail > 0 ? (unsigned)(out * 100 / avail) : 0;
}

static void
bod_tick(void *arg)
{
	struct bod_state *s = arg;
	struct bund *b = s->b;
	time_t now = event_now_sec();
	unsigned in_util, out_util;
	int k, act;

	timer_start(&s->timer);
	bod_sample(s);
	bod_util(s, b->conf.period, &in_util, &out_util);
	log_msg(LG_BUND2, "[%s] Bundle: BoD utilisation in %u%% out %u%%",
	    b->name, in_util, out_util);
	act = bod_decide(in_util, out_util, (long)(now - s->last_open),
	    (long)(now - s->last_close), bod_open_count(b), bod_avail(b),
	    b->conf.lowat, b->conf.hiwat, b->conf.min_con, b->conf.min_dis);
	if (act > 0) {
		for (k = 0; k < MAX_LINKS_PER_BUND; k++)
			if ((b->links[k] != NULL && !b->links[k]->admin_open &&
			    !bod_joined(b, k)) || (b->links[k] == NULL &&
			    k < b->conf.nlinks && b->conf.links[k][0] != '\0'))
				break;
		if (k == MAX_LINKS_PER_BUND)
			return;
		log_msg(LG_BUND, "[%s] Bundle: opening link \"%s\" due to "
		    "increased demand", b->name, b->links[k] != NULL ?
		    b->links[k]->name : b->conf.links[k]);
		s->last_open = now;
		bund_open_link(b, k, "Increased demand");
	} else if (act < 0) {
		for (k = MAX_LINKS_PER_BUND - 1; k >= 0; k--)
			if (b->links[k] != NULL && (b->links[k]->admin_open ||
			    bod_joined(b, k)))
				break;
		if (k < 0)
			return;
		log_msg(LG_BUND, "[%s] Bundle: closing link \"%s\" due to "
		    "decreased demand", b->name, b->links[k]->name);
		s->last_close = now;
		link_close(b->links[k], "Decreased demand");
	}
}

static struct bod_state *
bod_state_get(struct bund *b)
{
	if (b->bod == NULL) {
		b->bod = mem_alloc("bod", sizeof(*b->bod));
		b->bod->b = b;
	}
	return b->bod;
}

void
bod_start(struct bund *b)
{
	struct bod_state *s;
	uint32_t ms;

	bod_stop(b);
	if (b->bod != NULL)
		timer_stop(&b->bod->reopen);
	if (!opt_enabled(&b->conf.options, BUND_OPT_BWMANAGE))
		return;
	s = bod_state_get(b);
	memset(s->was_up, 0, sizeof(s->was_up));
	memset(s->seen, 0, sizeof(s->seen));
	s->last_open = s->last_close = event_now_sec();
	ms = b->conf.period > 0 ? (uint32_t)b->conf.period * 1000 /
	    BOD_SAMPLES : 1000;
	timer_init(&s->timer, "BundBm", ms > 0 ? ms : 1, bod_tick, s);
	timer_start(&s->timer);
	s->sampling = true;
}

void
bod_stop(struct bund *b)
{
	if (b->bod == NULL || !b->bod->sampling)
		return;
	timer_stop(&b->bod->timer);
	b->bod->sampling = false;
}

static void
bod_reopen_fire(void *arg)
{
	struct bod_state *s = arg;

	log_msg(LG_BUND, "[%s] Bundle: Last link has gone, reopening...",
	    s->b->name);
	msg_send(&s->b->port, MSG_OPEN, s->b);
}

bool
bod_reopen(struct bund *b)
{
	struct bod_state *s;
	int delay;

	if (!b->open || !opt_enabled(&b->conf.options, BUND_OPT_BWMANAGE) ||
	    opt_enabled(&b->iface_conf.options, IFACE_OPT_ONDEMAND) ||
	    b->dying)
		return false;
	if (b->n_links == 0 && (b->conf.nlinks == 0 ||
	    b->conf.links[0][0] == '\0')) {
		log_msg(LG_BUND, "[%s] Bundle: Last link has gone, no links "
		    "for bw-manage defined", b->name);
		return false;
	}
	/* 3 or 4 seconds (mpd5's BUND_REOPEN_DELAY plus a random bit) */
	delay = 3 + (int)(((unsigned)random() ^ (unsigned)getpid() ^
	    (unsigned)time(NULL)) & 1);
	log_msg(LG_BUND, "[%s] Bundle: Last link has gone, reopening in %d "
	    "seconds", b->name, delay);
	s = bod_state_get(b);
	timer_stop(&s->reopen);
	timer_init(&s->reopen, "BundReOpen", (uint32_t)delay * 1000,
	    bod_reopen_fire, s);
	timer_start(&s->reopen);
	return true;
}

void
bod_reopen_cancel(struct bund *b)
{
	if (b->bod != NULL)
		timer_stop(&b->bod->reopen);
}

void
bod_free(struct bund *b)
{
	if (b->bod == NULL)
		return;
	timer_stop(&b->bod->timer);
	timer_stop(&b->bod->reopen);
	mem_free(b->bod);
	b->bod = NULL;
}

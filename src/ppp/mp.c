/*
 * mp.c - Multilink PPP (RFC 1990): MP header codec (section 3), the
 * receive queue with the lost-fragment rule of section 4.1, the
 * bandwidth-weighted fragmentation plan, and the bundle glue.  See mp.h
 * for the contract of each part.
 *
 * Receive algorithm.  r->next is the sequence number of the first
 * fragment not yet handed up or discarded; every queued fragment lies in
 * [next, next + window).  After each change the head of the queue is
 * examined:
 *   - a gap at `next` is skipped when the fragment is lost: M (the
 *     minimum over the member links of the latest number received on
 *     each, links silent for longer than the timeout left out) is past
 *     it, or the oldest queued fragment has waited MP_FRAG_TIMEOUT_MS;
 *   - a head fragment without B (its beginning is lost) is dropped;
 *   - a head with B and a consecutive run up to a fragment with E is a
 *     packet: handed up (dropped when longer than the MRRU);
 *   - a head run interrupted by a lost number, or by another B before its
 *     E, is dropped.
 * Links are assumed to keep their own order (RFC 1990 4.1).
 */
#include "mp.h"

#include <string.h>

#include "../core/event.h"
#include "../core/log.h"
#include "../core/mbuf.h"
#include "../core/mem.h"
#include "bund.h"
#include "link.h"
#include "proto.h"

/* ---- codec ---- */

int
mp_hdr_parse(const uint8_t *p, size_t len, bool shortseq, struct mp_hdr *h)
{
	if (shortseq) {
		if (len < MP_HDR_SHORT || (p[0] & 0x30) != 0)
			return -1;
		h->flags = p[0] & (MP_FLAG_B | MP_FLAG_E);
		h->seq = (uint32_t)(p[0] & 0x0f) << 8 | p[1];
		return MP_HDR_SHORT;
	}
	if (len < MP_HDR_LONG || (p[0] & 0x3f) != 0)
		return -1;
	h->flags = p[0] & (MP_FLAG_B | MP_FLAG_E);
	h->seq = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return MP_HDR_LONG;
}

size_t
mp_hdr_write(uint8_t *p, size_t len, bool shortseq, const struct mp_hdr *h)
{
	uint8_t f = h->flags & (MP_FLAG_B | MP_FLAG_E);

	if (shortseq) {
		if (len < MP_HDR_SHORT)
			return 0;
		p[0] = (uint8_t)(f | ((h->seq >> 8) & 0x0f));
		p[1] = (uint8_t)h->seq;
		return MP_HDR_SHORT;
	}
	if (len < MP_HDR_LONG)
		return 0;
	p[0] = f;
	p[1] = (uint8_t)(h->seq >> 16);
	p[2] = (uint8_t)(h->seq >> 8);
	p[3] = (uint8_t)h->seq;
	return MP_HDR_LONG;
}

int32_t
mp_seq_diff(uint32_t a, uint32_t b, bool shortseq)
{
	uint32_t mask = shortseq ? MP_SHORT_MASK : MP_LONG_MASK;
	uint32_t half = (mask + 1) / 2;
	uint32_t d = (a - b) & mask;

	return d >= half ? (int32_t)d - (int32_t)(mask + 1) : (int32_t)d;
}

/* ---- receiving ---- */

static uint32_t
mp_seq_add(const struct mp_rx *r, uint32_t s, uint32_t n)
{
	return (s + n) & (r->shortseq ? MP_SHORT_MASK : MP_LONG_MASK);
}

static int32_t
mp_rx_diff(const struct mp_rx *r, uint32_t a, uint32_t b)
{
	return mp_seq_diff(a, b, r->shortseq);
}

void
mp_rx_init(struct mp_rx *r, bool shortseq, uint32_t mrru,
    mp_deliver_fn *deliver, void *arg)
{
	mp_rx_flush(r);
	memset(r, 0, sizeof(*r));
	r->shortseq = shortseq;
	r->mrru = mrru;
	r->deliver = deliver;
	r->arg = arg;
}

void
mp_rx_link(struct mp_rx *r, int slot, bool active, uint64_t now_ms)
{
	if (slot < 0 || slot >= MAX_LINKS_PER_BUND)
		return;
	if (active && !r->link[slot].active)
		memset(&r->link[slot], 0, sizeof(r->link[slot]));
	r->link[slot].active = active;
	r->link[slot].last_ms = now_ms;
}

static void
mp_frag_free(struct mp_rx *r, struct mp_frag *f)
{
	r->nq--;
	r->qbytes -= f->m->len;
	mb_free(f->m);
	mem_free(f);
}

/* Drop the head fragment, counted as a drop on its link. */
static void
mp_rx_drop_head(struct mp_rx *r)
{
	struct mp_frag *f = r->q;

	r->q = f->next;
	r->c.drop_frags++;
	if (f->slot >= 0 && f->slot < MAX_LINKS_PER_BUND)
		r->link[f->slot].c.drop_frags++;
	r->next = mp_seq_add(r, f->seq, 1);
	mp_frag_free(r, f);
}

/*
 * M of RFC 1990 4.1 as a distance from r->next: a fragment numbered
 * below next + *m has been passed by every link.  False when no link
 * qualifies.
 */
static bool
mp_rx_min(const struct mp_rx *r, uint64_t now_ms, int32_t *m)
{
	bool any = false;
	int32_t d;
	int k;

	for (k = 0; k < MAX_LINKS_PER_BUND; k++) {
		if (!r->link[k].active || (now_ms > r->link[k].last_ms &&
		    now_ms - r->link[k].last_ms > MP_FRAG_TIMEOUT_MS))
			continue;
		/* A link that brought nothing yet may bring anything. */
		d = r->link[k].seen ? mp_rx_diff(r, r->link[k].last,
		    r->next) : -1;
		if (!any || d < *m)
			*m = d;
		any = true;
	}
	return any;
}

/* Is the fragment numbered seq (not queued) lost? */
static bool
mp_rx_lost(const struct mp_rx *r, uint32_t seq, uint64_t now_ms)
{
	int32_t m = 0;

	if (r->q != NULL && now_ms >= r->q->rx_ms &&
	    now_ms - r->q->rx_ms >= MP_FRAG_TIMEOUT_MS)
		return true;
	if (!mp_rx_min(r, now_ms, &m))
		return false;
	return mp_rx_diff(r, seq, r->next) < m;
}

/* Hand up the packet formed by the first n fragments (total bytes). */
static void
mp_rx_deliver(struct mp_rx *r, unsigned n, size_t total)
{
	struct mbuf *pkt = mb_alloc(total);
	struct mp_frag *f;
	uint8_t *p;
	int slot = -1;

	while (n-- > 0) {
		f = r->q;
		r->q = f->next;
		p = mb_append(pkt, f->m->len);
		memcpy(p, f->m->data, f->m->len);
		slot = f->slot;
		r->next = mp_seq_add(r, f->seq, 1);
		mp_frag_free(r, f);
	}
	r->c.packets++;
	if (r->deliver != NULL)
		r->deliver(r->arg, slot, pkt);
	else
		mb_free(pkt);
}

/* Work on the head of the queue until it must wait (see the top). */
static void
mp_rx_process(struct mp_rx *r, uint64_t now_ms)
{
	const struct mp_frag *f;
	uint32_t want;
	unsigned n;
	size_t total;
	bool done;

	while (r->q != NULL) {
		if (r->q->seq != r->next) {
			if (!mp_rx_lost(r, r->next, now_ms))
				return;
			r->next = r->q->seq;
		}
		if (!(r->q->flags & MP_FLAG_B)) {
			mp_rx_drop_head(r);		/* orphan */
			continue;
		}
		/* A run of consecutive numbers from the B fragment. */
		n = 0;
		total = 0;
		done = false;
		want = r->q->seq;
		for (f = r->q; f != NULL && f->seq == want; f = f->next) {
			if (n > 0 && (f->flags & MP_FLAG_B))
				break;		/* a new packet: E was lost */
			n++;
			total += f->m->len;
			if (f->flags & MP_FLAG_E) {
				done = true;
				break;
			}
			want = mp_seq_add(r, want, 1);
		}
		if (done && total <= r->mrru + 2) {
			mp_rx_deliver(r, n, total);
			continue;
		}
		if (!done && total <= r->mrru + 2 && (f == NULL ||
		    (f->seq != want || !(f->flags & MP_FLAG_B)) ) &&
		    !mp_rx_lost(r, want, now_ms))
			return;		/* still incomplete: wait */
		/* Lost middle, lost E, or too long for the MRRU. */
		while (n-- > 0)
			mp_rx_drop_head(r);
	}
}

void
mp_rx_input(struct mp_rx *r, int slot, struct mbuf *m, uint64_t now_ms)
{
	struct mp_frag *f, **pp;
	struct mp_hdr h;
	int32_t d, win;
	int hl;

	hl = mp_hdr_parse(m->data, m->len, r->shortseq, &h);
	if (hl < 0 || slot < 0 || slot >= MAX_LINKS_PER_BUND) {
		r->c.runts++;
		if (slot >= 0 && slot < MAX_LINKS_PER_BUND)
			r->link[slot].c.runts++;
		mb_free(m);
		return;
	}
	mb_trim_head(m, (size_t)hl);
	win = r->shortseq ? MP_WINDOW_SHORT : MP_WINDOW_LONG;
	if (!r->started) {
		/* Numbering starts at 0 (a gap before is skipped as lost). */
		r->started = true;
		r->next = 0;
		d = mp_rx_diff(r, h.seq, 0);
		if (d < 0 || d >= win)
			r->next = h.seq;
	}
	d = mp_rx_diff(r, h.seq, r->next);
	if (d < 0) {
		/* Already handed up or given up on. */
		r->c.dup_frags++;
		r->link[slot].c.dup_frags++;
		mb_free(m);
		return;
	}
	if (d >= win || m->len > r->mrru + 2) {
		r->c.drop_frags++;
		r->link[slot].c.drop_frags++;
		mb_free(m);
		/* A peer that restarted its numbering: follow it. */
		if (++r->wild_run >= MP_MAX_FRAGS) {
			mp_rx_flush(r);
			r->wild_run = 0;
			r->next = h.seq;
		}
		return;
	}
	r->wild_run = 0;
	for (pp = &r->q; *pp != NULL; pp = &(*pp)->next) {
		d = mp_rx_diff(r, (*pp)->seq, h.seq);
		if (d == 0) {
			r->c.dup_frags++;
			r->link[slot].c.dup_frags++;
			mb_free(m);
			return;
		}
		if (d > 0)
			break;
	}
	f = mem_alloc("mpfrag", sizeof(*f));
	f->seq = h.seq;
	f->flags = h.flags;
	f->slot = slot;
	f->rx_ms = now_ms;
	f->m = m;
	f->next = *pp;
	*pp = f;
	r->nq++;
	r->qbytes += m->len;
	if (!r->link[slot].seen ||
	    mp_rx_diff(r, h.seq, r->link[slot].last) > 0) {
		r->link[slot].last = h.seq;
		r->link[slot].seen = true;
	}
	r->link[slot].last_ms = now_ms;
	mp_rx_process(r, now_ms);
	/* Bounded memory: give up on the oldest packet until it fits. */
	while (r->q != NULL &&
	    (r->nq > MP_MAX_FRAGS || r->qbytes > MP_MAX_QBYTES)) {
		r->next = r->q->seq;
		do
			mp_rx_drop_head(r);
		while (r->q != NULL && !(r->q->flags & MP_FLAG_B));
		mp_rx_process(r, now_ms);
	}
}

void
mp_rx_timeout(struct mp_rx *r, uint64_t now_ms)
{
	mp_rx_process(r, now_ms);
}

void
mp_rx_flush(struct mp_rx *r)
{
	struct mp_frag *f;

	while ((f = r->q) != NULL) {
		r->q = f->next;
		mp_frag_free(r, f);
	}
	r->nq = 0;
	r->qbytes = 0;
}

/* ---- sending ---- */

/* Time (ns) when link k would finish sending extra more bytes. */
static double
mp_tx_finish(const struct mp_tx_link *lk, double extra)
{
	return (double)lk->latency_us * 1e3 +
	    ((double)lk->backlog + extra) * 8e9 / (double)lk->bw;
}

/* Append the pieces of len bytes on link k (split by max_frag). */
static int
mp_tx_put(const struct mp_tx_link *lk, int k, size_t len,
    struct mp_tx_frag *out, int n, int max)
{
	uint32_t mf = lk[k].max_frag;
	size_t piece;

	while (len > 0) {
		if (n >= max)
			return -1;
		piece = len < mf ? len : mf;
		out[n].link = k;
		out[n].len = (uint32_t)piece;
		n++;
		len -= piece;
	}
	return n;
}

int
mp_tx_plan(const struct mp_tx_link *lk, int n, size_t len,
    bool roundrobin, unsigned rr, struct mp_tx_frag *out, int max)
{
	bool use[MAX_LINKS_PER_BUND];
	double share[MAX_LINKS_PER_BUND];
	double t, sum_bw, sum_t;
	size_t left, want;
	int k, best, cnt, nout, smallest;

	if (n <= 0 || n > MAX_LINKS_PER_BUND || len == 0 || max <= 0)
		return 0;
	for (k = 0; k < n; k++)
		if (lk[k].bw == 0 || lk[k].max_frag == 0)
			return 0;
	if (roundrobin) {
		nout = mp_tx_put(lk, (int)(rr % (unsigned)n), len, out, 0, max);
		return nout < 0 ? 0 : nout;
	}

	/* Small packets go whole to the link that finishes first. */
	best = 0;
	for (k = 1; k < n; k++)
		if (mp_tx_finish(&lk[k], (double)len) <
		    mp_tx_finish(&lk[best], (double)len))
			best = k;
	if (n == 1 || len < 2 * MP_MIN_FRAG) {
		nout = mp_tx_put(lk, best, len, out, 0, max);
		return nout < 0 ? 0 : nout;
	}

	/*
	 * Water filling: with the links in use, all finish at time t where
	 * sum(bw_k * (t - t0_k)) = 8 * len; a link whose piece would be
	 * negative or tiny is taken out and t solved again.
	 */
	for (k = 0; k < n; k++)
		use[k] = true;
	cnt = n;
	for (;;) {
		sum_bw = 0;
		sum_t = 0;
		for (k = 0; k < n; k++) {
			if (!use[k])
				continue;
			sum_bw += (double)lk[k].bw;
			sum_t += mp_tx_finish(&lk[k], 0) * (double)lk[k].bw;
		}
		t = ((double)len * 8e9 + sum_t) / sum_bw;
		smallest = -1;
		for (k = 0; k < n; k++) {
			if (!use[k])
				continue;
			share[k] = (t - mp_tx_finish(&lk[k], 0)) *
			    (double)lk[k].bw / 8e9;
			if (smallest < 0 || share[k] < share[smallest])
				smallest = k;
		}
		if (cnt == 1 || share[smallest] >= MP_MIN_FRAG)
			break;
		use[smallest] = false;
		cnt--;
	}
	if (cnt == 1) {
		nout = mp_tx_put(lk, smallest, len, out, 0, max);
		return nout < 0 ? 0 : nout;
	}
	/* Pieces in the order the links become free; the rest to the last. */
	nout = 0;
	left = len;
	for (;;) {
		best = -1;
		for (k = 0; k < n; k++)
			if (use[k] && (best < 0 || mp_tx_finish(&lk[k], 0) <
			    mp_tx_finish(&lk[best], 0)))
				best = k;
		if (best < 0)
			break;
		use[best] = false;
		cnt--;
		want = cnt == 0 ? left : (size_t)(share[best] + 0.5);
		if (want > left)
			want = left;
		if (want == 0)
			continue;
		nout = mp_tx_put(lk, best, want, out, nout, max);
		if (nout < 0)
			return 0;
		left -= want;
	}
	return left == 0 ? nout : 0;
}

/* ---- the bundle glue ---- */

#define MP_TX_OVERHEAD		8	/* per frame beside the payload */
#define MP_TIMER_MS		250

struct mp_state {
	struct bund	*b;
	struct mp_rx	 rx;
	bool		 xshort;	/* send short sequence numbers */
	uint32_t	 xseq;
	unsigned	 rr;
	uint64_t	 backlog[MAX_LINKS_PER_BUND];	/* bytes */
	uint64_t	 drained_ms[MAX_LINKS_PER_BUND];
	struct timer	 timer;
};

bool
mp_bund_active(const struct bund *b)
{
	return b->mp != NULL && b->peer_mrru != 0;
}

/* Keep the bundle's counters in step with the receive queue's. */
static void
mp_bund_stats(struct bund *b)
{
	const struct mp_counters *c = &b->mp->rx.c;

	b->stats.runts = c->runts;
	b->stats.dup_frags = c->dup_frags;
	b->stats.drop_frags = c->drop_frags;
}

/* A joined link of b in slot k, else any joined link, else NULL. */
static struct link *
mp_bund_some_link(struct bund *b, int k)
{
	int i;

	if (k >= 0 && k < MAX_LINKS_PER_BUND && b->links[k] != NULL &&
	    (b->joined & (1u << k)))
		return b->links[k];
	for (i = 0; i < MAX_LINKS_PER_BUND; i++)
		if (b->links[i] != NULL && (b->joined & (1u << i)))
			return b->links[i];
	return NULL;
}

/* A reassembled frame: protocol field (maybe compressed) + payload. */
static void
mp_bund_deliver(void *arg, int slot, struct mbuf *m)
{
	struct mp_state *mp = arg;
	struct bund *b = mp->b;
	struct link *l = mp_bund_some_link(b, slot);
	const uint8_t *p = m->data;
	uint16_t proto;
	size_t hl;

	if (l == NULL)
		goto drop;
	hl = proto_field_get(p, m->len, &proto);
	if (hl == 0)
		goto drop;
	mb_trim_head(m, hl);
	if (proto == PROTO_MP)
		goto drop;		/* MP inside MP */
	bund_input(l, proto, m);
	return;
drop:
	b->stats.runts++;
	mp->rx.c.runts++;
	log_msg(LG_BUND2, "[%s] MP: bad reassembled frame dropped", b->name);
	mb_free(m);
}

/* The fragment timeout runs only while something is queued. */
static void
mp_bund_timer(void *arg)
{
	struct mp_state *mp = arg;

	mp_rx_timeout(&mp->rx, event_now_ms());
	mp_bund_stats(mp->b);
	if (mp->rx.nq > 0)
		timer_start(&mp->timer);
}

static void
mp_bund_timer_arm(struct mp_state *mp)
{
	if (mp->rx.nq > 0 && !timer_running(&mp->timer))
		timer_start(&mp->timer);
}

void
mp_bund_start(struct bund *b, const struct link *l)
{
	struct mp_state *mp;

	mp_bund_stop(b);
	if (b->peer_mrru == 0)
		return;
	mp = mem_alloc("mp", sizeof(*mp));
	mp->b = b;
	mp->xshort = l->lcp.peer.shortseq;
	mp_rx_init(&mp->rx, l->lcp.want.shortseq, l->lcp.want.mrru != 0 ?
	    l->lcp.want.mrru : 2048u, mp_bund_deliver, mp);
	timer_init(&mp->timer, "MP", MP_TIMER_MS, mp_bund_timer, mp);
	b->mp = mp;
	log_msg(LG_BUND, "[%s] MP: started, MRRU %u/%u, %s/%s sequence "
	    "numbers", b->name, (unsigned)b->peer_mrru, mp->rx.mrru,
	    mp->xshort ? "short" : "long",
	    mp->rx.shortseq ? "short" : "long");
}

void
mp_bund_stop(struct bund *b)
{
	struct mp_state *mp = b->mp;

	if (mp == NULL)
		return;
	timer_stop(&mp->timer);
	mp_rx_flush(&mp->rx);
	mem_free(mp);
	b->mp = NULL;
}

void
mp_bund_link(struct bund *b, int k, bool joined)
{
	struct mp_state *mp = b->mp;
	uint64_t now = event_now_ms();

	if (mp == NULL || k < 0 || k >= MAX_LINKS_PER_BUND)
		return;
	mp_rx_link(&mp->rx, k, joined, now);
	mp->backlog[k] = 0;
	mp->drained_ms[k] = now;
	if (!joined && mp->rx.nq > 0) {
		/* The link's lower bound on M is gone. */
		mp_rx_timeout(&mp->rx, now);
		mp_bund_stats(b);
	}
}

int
mp_bund_xmit(struct bund *b, uint16_t proto, struct mbuf *m)
{
	struct mp_state *mp = b->mp;
	struct mp_tx_link lk[MAX_LINKS_PER_BUND];
	struct mp_tx_frag fr[64];
	int slot[MAX_LINKS_PER_BUND];
	struct link *l;
	struct mbuf *f;
	struct mp_hdr h;
	uint64_t now = event_now_ms(), drain;
	size_t hl = mp->xshort ? MP_HDR_SHORT : MP_HDR_LONG, off;
	uint8_t *p;
	int k, n = 0, nf, i, rc = -1;

	if ((p = mb_prepend(m, 2)) == NULL)
		goto done;
	p[0] = (uint8_t)(proto >> 8);
	p[1] = (uint8_t)proto;
	if (m->len > b->peer_mrru + 2u) {
		log_msg(LG_BUND2, "[%s] MP: %zu-byte frame exceeds the peer "
		    "MRRU", b->name, m->len);
		goto done;
	}
	for (k = 0; k < MAX_LINKS_PER_BUND; k++) {
		l = b->links[k];
		if (l == NULL || !(b->joined & (1u << k)) ||
		    l->state != PHYS_STATE_UP || l->lcp.peer.mru <= hl + 8)
			continue;
		drain = (now - mp->drained_ms[k]) *
		    (uint64_t)(l->conf.bandwidth > 0 ? l->conf.bandwidth : 1) /
		    8000;
		mp->backlog[k] = mp->backlog[k] > drain ?
		    mp->backlog[k] - drain : 0;
		mp->drained_ms[k] = now;
		lk[n].bw = l->conf.bandwidth > 0 ?
		    (uint32_t)l->conf.bandwidth : 1;
		lk[n].latency_us = l->conf.latency > 0 ?
		    (uint32_t)l->conf.latency : 0;
		lk[n].max_frag = (uint32_t)(l->lcp.peer.mru - hl);
		lk[n].backlog = mp->backlog[k];
		slot[n++] = k;
	}
	nf = mp_tx_plan(lk, n, m->len, opt_enabled(&b->conf.options,
	    BUND_OPT_ROUNDROBIN), mp->rr++, fr, (int)(sizeof(fr) /
	    sizeof(fr[0])));
	if (nf <= 0)
		goto done;
	if (nf == 1 && (p = mb_prepend(m, hl)) != NULL) {
		/* One piece: the header goes in front, no copy. */
		k = slot[fr[0].link];
		h.flags = MP_FLAG_B | MP_FLAG_E;
		h.seq = mp->xseq;
		mp->xseq = (mp->xseq + 1) &
		    (mp->xshort ? MP_SHORT_MASK : MP_LONG_MASK);
		(void)mp_hdr_write(p, hl, mp->xshort, &h);
		mp->backlog[k] += m->len + MP_TX_OVERHEAD;
		return link_xmit(b->links[k], PROTO_MP, m);
	}
	off = 0;
	for (i = 0; i < nf; i++) {
		k = slot[fr[i].link];
		f = mb_alloc(hl + fr[i].len);
		p = mb_append(f, hl + fr[i].len);
		h.flags = (uint8_t)((i == 0 ? MP_FLAG_B : 0) |
		    (i == nf - 1 ? MP_FLAG_E : 0));
		h.seq = mp->xseq;
		mp->xseq = (mp->xseq + 1) &
		    (mp->xshort ? MP_SHORT_MASK : MP_LONG_MASK);
		(void)mp_hdr_write(p, hl, mp->xshort, &h);
		memcpy(p + hl, m->data + off, fr[i].len);
		off += fr[i].len;
		mp->backlog[k] += hl + fr[i].len + MP_TX_OVERHEAD;
		if (link_xmit(b->links[k], PROTO_MP, f) == 0)
			rc = 0;
	}
done:
	mb_free(m);
	return rc;
}

void
mp_bund_input(struct bund *b, struct link *l, struct mbuf *m)
{
	int k;

	if (!mp_bund_active(b)) {
		/* MP was not negotiated: the bundle does not speak it. */
		b->stats.bad_protos++;
		log_msg(LG_BUND2, "[%s] Bundle: rejecting protocol %s",
		    b->name, proto_name(PROTO_MP));
		lcp_send_protorej(l, PROTO_MP, m->data, m->len);
		mb_free(m);
		return;
	}
	for (k = 0; k < MAX_LINKS_PER_BUND && b->links[k] != l; k++)
		;
	mp_rx_input(&b->mp->rx, k < MAX_LINKS_PER_BUND ? k : -1, m,
	    event_now_ms());
	/* (delivering may have ended the session: b->mp is then gone) */
	if (b->mp != NULL) {
		mp_bund_stats(b);
		mp_bund_timer_arm(b->mp);
	}
}

void
mp_bund_link_counters(const struct bund *b, const struct link *l,
    uint64_t *dup, uint64_t *drop)
{
	int k;

	*dup = 0;
	*drop = 0;
	if (b == NULL || b->mp == NULL)
		return;
	for (k = 0; k < MAX_LINKS_PER_BUND; k++)
		if (b->links[k] == l) {
			*dup = b->mp->rx.link[k].c.dup_frags;
			*drop = b->mp->rx.link[k].c.drop_frags;
		}
}

/*
 * mp.h - Multilink PPP (RFC 1990): the MP header codec, reassembly of
 * received fragments and the fragmentation plan for sending, plus the
 * glue that runs them for a bundle (surface spec 11.7).
 *
 * Three layers, each usable on its own:
 *  - codec: mp_hdr_parse() / mp_hdr_write(), pure functions over bytes,
 *    short (12-bit, RFC 1990 3) and long (24-bit) sequence formats;
 *  - struct mp_rx: the receive queue of one bundle.  Fragments are kept
 *    sorted by sequence number; complete packets are handed up in order;
 *    a missing fragment is declared lost by the M = min(latest sequence
 *    number received on each link) rule of RFC 1990 4.1, or when the
 *    oldest queued fragment is older than MP_FRAG_TIMEOUT_MS.  Memory is
 *    bounded (MP_MAX_FRAGS fragments, MP_MAX_QBYTES bytes); duplicate,
 *    late, wild (too far ahead), orphan and oversized fragments are
 *    dropped and counted.  Time is passed in, so tests drive it;
 *  - mp_tx_plan(): how to cut one packet over the bundle's links so that
 *    the pieces finish arriving together, from each link's bandwidth,
 *    latency and estimated send queue ("round-robin": whole packets).
 *
 * The glue (mp_bund_*) keeps that state in struct bund (b->mp), sends
 * fragments with link_xmit() and feeds reassembled frames back into
 * bund_input().  All of it runs on the event-loop thread.
 */
#ifndef MPD_PPP_MP_H
#define MPD_PPP_MP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/defs.h"

struct bund;
struct link;
struct mbuf;

#define MP_FLAG_B		0x80	/* Beginning fragment */
#define MP_FLAG_E		0x40	/* Ending fragment */
#define MP_HDR_SHORT		2	/* B E 0 0 seq(12) */
#define MP_HDR_LONG		4	/* B E 000000 seq(24) */
#define MP_SHORT_MASK		0x0fffu
#define MP_LONG_MASK		0x00ffffffu

#define MP_MAX_FRAGS		256	/* fragments queued per bundle */
#define MP_MAX_QBYTES		(512u * 1024u)
#define MP_FRAG_TIMEOUT_MS	1000	/* oldest fragment waits this long */
#define MP_MIN_FRAG		64	/* smaller pieces are not worth it */
/* Fragments further ahead of the expected number are "wild". */
#define MP_WINDOW_SHORT		1024
#define MP_WINDOW_LONG		16384

struct mp_hdr {
	uint8_t		flags;		/* MP_FLAG_B | MP_FLAG_E */
	uint32_t	seq;
};

/*
 * Parse an MP header (the bytes after protocol 0x003d).  Returns the
 * header length (MP_HDR_SHORT or MP_HDR_LONG) or -1 when len is too short
 * or a reserved bit is set.  Pure.
 */
int	mp_hdr_parse(const uint8_t *p, size_t len, bool shortseq,
	    struct mp_hdr *h);
/*
 * Write h at p (room for len bytes).  Returns the header length, or 0
 * when it does not fit.  The sequence number is masked to the format.
 */
size_t	mp_hdr_write(uint8_t *p, size_t len, bool shortseq,
	    const struct mp_hdr *h);
/* a - b in the sequence space of the format, as a signed distance. */
int32_t	mp_seq_diff(uint32_t a, uint32_t b, bool shortseq);

/* ---- receiving ---- */

struct mp_frag {
	struct mp_frag	*next;
	uint32_t	 seq;
	uint8_t		 flags;
	int		 slot;		/* link slot it came on */
	uint64_t	 rx_ms;
	struct mbuf	*m;		/* payload after the MP header */
};

struct mp_counters {
	uint64_t	runts;		/* too short for an MP header */
	uint64_t	dup_frags;	/* duplicate or late */
	uint64_t	drop_frags;	/* lost packets, orphans, wild, ... */
	uint64_t	packets;	/* reassembled and handed up */
};

/* A reassembled frame (PPP protocol field + payload); consumes m. */
typedef void mp_deliver_fn(void *arg, int slot, struct mbuf *m);

struct mp_rx {
	bool		 shortseq;	/* receive format */
	uint32_t	 mrru;		/* largest reassembled information
					   field (+ 2 protocol bytes) */
	bool		 started;	/* next is valid */
	uint32_t	 next;		/* sequence number expected next */
	struct mp_frag	*q;		/* sorted, all ahead of next */
	unsigned	 nq;
	size_t		 qbytes;
	unsigned	 wild_run;	/* wild fragments in a row */
	struct {
		bool		active;	/* member link */
		bool		seen;	/* last is valid */
		uint32_t	last;	/* latest sequence number */
		uint64_t	last_ms;
		struct mp_counters c;
	} link[MAX_LINKS_PER_BUND];
	struct mp_counters c;		/* totals */
	mp_deliver_fn	*deliver;
	void		*arg;
};

/* Reset r for a session. */
void	mp_rx_init(struct mp_rx *r, bool shortseq, uint32_t mrru,
	    mp_deliver_fn *deliver, void *arg);
/* Link slot joins (active) or leaves the bundle; its counters reset on join. */
void	mp_rx_link(struct mp_rx *r, int slot, bool active, uint64_t now_ms);
/*
 * One MP frame (after the protocol field) from link slot.  Consumes m.
 * Complete packets are delivered before it returns.
 */
void	mp_rx_input(struct mp_rx *r, int slot, struct mbuf *m, uint64_t now_ms);
/* Apply the fragment timeout (call periodically while r->nq > 0). */
void	mp_rx_timeout(struct mp_rx *r, uint64_t now_ms);
/* Free every queued fragment. */
void	mp_rx_flush(struct mp_rx *r);

/* ---- sending ---- */

struct mp_tx_link {
	uint32_t	bw;		/* bits per second (> 0) */
	uint32_t	latency_us;
	uint32_t	max_frag;	/* largest payload per fragment */
	uint64_t	backlog;	/* bytes estimated in its queue */
};

struct mp_tx_frag {
	int		link;		/* index into the mp_tx_link array */
	uint32_t	len;
};

/*
 * Cut a packet of len bytes over the n links: the pieces are sized so
 * that each link finishes sending its piece at the same time (bandwidth,
 * latency and backlog), links that would get less than MP_MIN_FRAG are
 * left out, no piece exceeds its link's max_frag.  With roundrobin the
 * whole packet goes to link rr % n (split by max_frag only).  Writes at
 * most max pieces to out in sending order and returns their number (0
 * when n == 0 or len cannot be placed).  Pure.
 */
int	mp_tx_plan(const struct mp_tx_link *lk, int n, size_t len,
	    bool roundrobin, unsigned rr, struct mp_tx_frag *out, int max);

/* ---- the bundle glue ---- */

/* Multilink is in use on b (negotiated by its first link). */
bool	mp_bund_active(const struct bund *b);
/*
 * Start MP for b when its first link l joined (formats and MRRU from
 * l's LCP); stop it when the last link left.
 */
void	mp_bund_start(struct bund *b, const struct link *l);
void	mp_bund_stop(struct bund *b);
/* Link slot k of b joined / left. */
void	mp_bund_link(struct bund *b, int k, bool joined);
/* Send a bundle frame as MP fragments over the joined links; consumes m. */
int	mp_bund_xmit(struct bund *b, uint16_t proto, struct mbuf *m);
/* Protocol 0x003d arrived on link l of b; consumes m. */
void	mp_bund_input(struct bund *b, struct link *l, struct mbuf *m);
/* Per-link fragment counters for `show link` (zeros when not MP). */
void	mp_bund_link_counters(const struct bund *b, const struct link *l,
	    uint64_t *dup, uint64_t *drop);

#endif /* MPD_PPP_MP_H */

/*
 * lcp.h - the Link Control Protocol of a link (RFC 1661, 1570; surface
 * spec 11.2), link phases, keep-alive echoes and `show lcp`.
 *
 * LCP owns the link's phase: Dead -> Establish -> Authenticate ->
 * Network -> Terminate.  When LCP opens it starts authentication
 * (auth/auth.h); when authentication succeeds the link enters Network
 * phase and joins a bundle (bund_join()); when LCP goes down the link
 * leaves its bundle.
 *
 * The module is split in two: lcp_opts.c is the pure option codec (no
 * link, no I/O: it works on a struct lcp and its struct lcp_conf, so unit
 * tests and the fuzzer drive it directly); lcp.c binds it to a link (FSM
 * type, phases, echoes, Identification, Time-Remaining).
 */
#ifndef MPD_PPP_LCP_H
#define MPD_PPP_LCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/event.h"
#include "fsm.h"

/* LCP option types. */
#define LCP_OPT_VENDOR		0
#define LCP_OPT_MRU		1
#define LCP_OPT_ACCMAP		2
#define LCP_OPT_AUTHPROTO	3
#define LCP_OPT_QUALPROTO	4
#define LCP_OPT_MAGIC		5
#define LCP_OPT_PFCOMP		7
#define LCP_OPT_ACFCOMP		8
#define LCP_OPT_CALLBACK	13
#define LCP_OPT_MRRU		17
#define LCP_OPT_SHORTSEQ	18
#define LCP_OPT_EPDISC		19

#define LCP_MIN_MRU		296	/* mpd5's floor (RFC 1661 allows less) */
#define LCP_DEFAULT_MRU		1500
#define LCP_MIN_MRRU		296	/* RFC 1990 */
#define LCP_MAX_LOOPS		5	/* loop-back detections before failing */

/* CHAP algorithms in the Authentication-Protocol option. */
#define LCP_CHAP_MD5		0x05
#define LCP_CHAP_MSV1		0x80
#define LCP_CHAP_MSV2		0x81

/* Endpoint discriminator classes (RFC 1990 5.1.3). */
#define LCP_DISC_NULL		0
#define LCP_DISC_LOCAL		1
#define LCP_DISC_IP		2
#define LCP_DISC_MAC		3
#define LCP_DISC_MAGIC		4
#define LCP_DISC_PSN		5

/* Authentication protocols as negotiated (proto + CHAP algorithm). */
enum lcp_auth {
	LCP_AUTH_NONE = 0,
	LCP_AUTH_PAP,
	LCP_AUTH_CHAP_MD5,
	LCP_AUTH_CHAP_MSV1,
	LCP_AUTH_CHAP_MSV2,
	LCP_AUTH_EAP,
};

enum link_phase {
	PHASE_DEAD = 0,
	PHASE_ESTABLISH,
	PHASE_AUTHENTICATE,
	PHASE_NETWORK,
	PHASE_TERMINATE,
};

/* Endpoint discriminator (RFC 1990 5.1.3). */
struct lcp_discrim {
	uint8_t		class;
	uint8_t		len;
	uint8_t		bytes[20];
};

/* One side's negotiated values. */
struct lcp_side {
	uint16_t		mru;
	uint32_t		accmap;
	uint32_t		magic;
	enum lcp_auth		auth;
	bool			pfcomp;
	bool			acfcomp;
	bool			multilink;	/* MRRU present */
	uint16_t		mrru;
	bool			shortseq;
	struct lcp_discrim	discrim;
	char			ident[64];
};

/*
 * What LCP may negotiate, taken from the link's settings when a
 * negotiation starts (lcp.c); the option codec reads only this.
 */
struct lcp_conf {
	uint32_t		enable;		/* LINK_OPT_* bits (link.h) */
	uint32_t		accept;
	uint16_t		mru;		/* `set link mru`, device-capped */
	uint16_t		mtu;		/* `set link mtu`: peer MRU bound */
	uint16_t		dev_mru;	/* device maximum MRU */
	uint16_t		mrru;		/* `set link mrru` */
	uint32_t		accmap;		/* `set link accmap` */
	bool			async;		/* ACCM only on async devices */
	bool			originated;	/* we dialled: may ask callback */
	struct lcp_discrim	discrim;	/* ours, for multilink */
};

struct lcp {
	struct fsm		fsm;
	enum link_phase		phase;
	struct lcp_conf		conf;
	struct lcp_side		want;		/* what we ask for (self) */
	struct lcp_side		peer;		/* what the peer asked */
	uint32_t		peer_reject;	/* our options the peer rejected */
	uint32_t		auth_tried;	/* auth protos asked (1 << lcp_auth) */
	bool			want_callback;
	unsigned		loops;		/* loop-back detections */
	/* keep-alive */
	struct timer		echo_timer;
	uint64_t		echo_mark;	/* rx_frames at the last tick */
	uint32_t		echo_outstanding; /* silent intervals */
	uint8_t			echo_id;
	/* counters */
	uint64_t		rx_frames, tx_frames;
	uint64_t		rx_octets, tx_octets;
	uint64_t		rx_badproto;
	uint64_t		rx_runts;
};

struct link;

/* ---- lcp.c: LCP on a link ---- */

/* Set up l->lcp (state Initial, phase Dead).  Call once per link. */
void	lcp_init(struct link *l);
/* Stop timers (link destruction). */
void	lcp_fini(struct link *l);
/* Admin open/close and lower-layer up/down, as FSM events. */
void	lcp_open(struct link *l);
void	lcp_close(struct link *l);
void	lcp_up(struct link *l);
void	lcp_down(struct link *l);
/* LCP packet received (payload after the protocol field); borrows pkt. */
void	lcp_input(struct link *l, const uint8_t *pkt, size_t len);
/*
 * Authentication finished (both directions); success or not.  On
 * success the link enters Network phase and joins a bundle; on failure
 * the down reason becomes "Login failed[:reason]" and LCP terminates.
 * Ignored unless the link is in Authenticate phase.
 */
void	lcp_auth_done(struct link *l, bool success, const char *reason);
/*
 * Send LCP Protocol-Reject for proto with the offending frame (payload
 * after the protocol field; truncated to the peer's MRU).  Only while
 * LCP is opened (RFC 1661 5.7); otherwise nothing is sent.
 */
void	lcp_send_protorej(struct link *l, uint16_t proto, const uint8_t *data,
	    size_t len);

/* ---- lcp_opts.c: the pure option codec ---- */

/*
 * Start a negotiation: our wishes from lcp->conf (a fresh magic number,
 * the first enabled auth protocol in the order MS-CHAPv2, MS-CHAPv1,
 * CHAP-MD5, PAP, EAP), the peer's values to their defaults.
 */
void	lcp_opts_reset(struct lcp *lcp);
/* Our Configure-Request options into buf; returns their length. */
size_t	lcp_opts_build(const struct lcp *lcp, uint8_t *buf, size_t len);
/*
 * The fsm_type decode_config of LCP (see fsm.h): sorts a request into
 * ack/nak/rej, or applies a Nak/Reject of ours, or only logs.  Malformed
 * options are rejected; never reads past opts + len.
 */
void	lcp_opts_decode(struct lcp *lcp, const uint8_t *opts, size_t len,
	    enum fsm_decode_mode mode, struct fsm_decode *d);
/* A random non-zero magic number. */
uint32_t lcp_new_magic(void);
/* The leading Magic-Number of Echo/Discard/Ident/...; 0 or -1 if short. */
int	lcp_get_magic(const uint8_t *data, size_t len, uint32_t *magic);
/*
 * Append peer text (Identification, Time-Remaining message) to dst of
 * size bytes, separated by a space from what is there, with control
 * characters replaced and NULs ending the text.  Returns strlen(dst).
 */
size_t	lcp_text_append(char *dst, size_t size, const uint8_t *text,
	    size_t len);
/* Class-specific length rule of RFC 1990 5.1.3. */
bool	lcp_discrim_valid(uint8_t class, size_t len);
/* "[802.1] 00 11 22 33 44 55" (spec 5). */
char	*lcp_discrim_print(const struct lcp_discrim *d, char *buf,
	    size_t len);
/* Protocol number / CHAP algorithm of an auth protocol (0 for none). */
uint16_t lcp_auth_proto(enum lcp_auth a);
uint8_t	lcp_auth_alg(enum lcp_auth a);
/* Name of an auth protocol ("PAP", "CHAP-MD5", ... "none"). */
const char *lcp_auth_name(enum lcp_auth a);
/* Its protocol only, as `show lcp` prints it ("PAP", "CHAP", "EAP"). */
const char *lcp_auth_type_name(enum lcp_auth a);
/* "DEAD", "ESTABLISH", ... as in mpd5's phase-shift log line. */
const char *lcp_phase_name(enum link_phase p);

#endif /* MPD_PPP_LCP_H */

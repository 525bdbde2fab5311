/*
 * fsm.h - the generic RFC 1661 automaton shared by LCP, IPCP, IPv6CP, CCP
 * and ECP.
 *
 * One struct fsm per protocol instance, driven by a const struct fsm_type
 * of callbacks.  The automaton does no I/O itself: it sends packets
 * through the owner's output hook and arms its restart timer through the
 * timer API, so unit tests can drive it with a fake wire.  Transitions
 * follow RFC 1661 section 4 with mpd5's behaviour where mpd5 departs from
 * the RFC (documented in fsm.c); every transition goes through one
 * function that logs "[name] PROTO: state change X --> Y" under LG_FSM.
 */
#ifndef MPD_PPP_FSM_H
#define MPD_PPP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/event.h"

enum fsm_state {
	FSM_ST_INITIAL = 0,
	FSM_ST_STARTING,
	FSM_ST_CLOSED,
	FSM_ST_STOPPED,
	FSM_ST_CLOSING,
	FSM_ST_STOPPING,
	FSM_ST_REQSENT,
	FSM_ST_ACKRCVD,
	FSM_ST_ACKSENT,
	FSM_ST_OPENED,
};

/* Packet codes (RFC 1661 5, RFC 1570, RFC 1962). */
#define FSM_CODE_VENDOR		0
#define FSM_CODE_CONFIGREQ	1
#define FSM_CODE_CONFIGACK	2
#define FSM_CODE_CONFIGNAK	3
#define FSM_CODE_CONFIGREJ	4
#define FSM_CODE_TERMREQ	5
#define FSM_CODE_TERMACK	6
#define FSM_CODE_CODEREJ	7
#define FSM_CODE_PROTOREJ	8
#define FSM_CODE_ECHOREQ	9
#define FSM_CODE_ECHOREP	10
#define FSM_CODE_DISCREQ	11
#define FSM_CODE_IDENT		12
#define FSM_CODE_TIMEREM	13
#define FSM_CODE_RESETREQ	14
#define FSM_CODE_RESETACK	15

#define FSM_CODE_BIT(c)		(1u << (c))
/* Codes every control protocol understands (1..7). */
#define FSM_CODES_BASIC		0x00feu

#define FSM_MAX_PACKET		1500
#define FSM_DEF_MAX_CONFIGURE	10
#define FSM_DEF_MAX_TERMINATE	2
#define FSM_DEF_MAX_FAILURE	5

/* Why a layer gave up (passed to fsm_type.failure). */
enum fsm_fail {
	FSM_FAIL_NEGOT_FAILURE,		/* Max-Failure reached */
	FSM_FAIL_RECD_BADMAGIC,		/* loopback / bad magic */
	FSM_FAIL_RECD_CODEREJ,		/* peer rejected an essential code */
	FSM_FAIL_RECD_PROTOREJ,		/* peer rejected this protocol */
	FSM_FAIL_WAS_OPENED_TIMEOUT,	/* no answer to Configure-Requests */
	FSM_FAIL_RECD_TERMREQ,		/* peer terminated (notification) */
	FSM_FAIL_WAS_PROTREJ,		/* we were Protocol-Rejected */
	FSM_FAIL_ECHO_TIMEOUT,		/* keep-alive echoes unanswered */
	FSM_FAIL_LOOPBACK,		/* our own requests come back */
};

/* What decode_config is looking at. */
enum fsm_decode_mode {
	FSM_MODE_REQ,			/* peer's Configure-Request */
	FSM_MODE_NAK,			/* peer's Configure-Nak of ours */
	FSM_MODE_REJ,			/* peer's Configure-Reject of ours */
	FSM_MODE_NOP,			/* only log (sent packets, Acks) */
};

/*
 * Per-call reply builder for decode_config in FSM_MODE_REQ: each option of
 * the request is appended to exactly one of the three lists.  No global
 * buffers: the automaton allocates it on its stack.
 */
struct fsm_decode {
	uint8_t		ack[FSM_MAX_PACKET];
	uint8_t		nak[FSM_MAX_PACKET];
	uint8_t		rej[FSM_MAX_PACKET];
	size_t		acklen, naklen, rejlen;
	/*
	 * Set by decode_config to make the automaton give up instead of
	 * answering (e.g. LCP loop-back detection): it then calls
	 * fsm_failure(f, fail_why).
	 */
	bool		fail;
	enum fsm_fail	fail_why;
};

/*
 * Append one whole option (type, length, data) to a list.  An option
 * that does not fit is dropped (cannot happen for lists built from one
 * received packet of at most FSM_MAX_PACKET bytes).
 */
void	fsm_ack(struct fsm_decode *d, const uint8_t *opt, size_t len);
void	fsm_nak(struct fsm_decode *d, const uint8_t *opt, size_t len);
void	fsm_rej(struct fsm_decode *d, const uint8_t *opt, size_t len);

/*
 * Option walker for decode_config implementations: on return 1, *opt
 * points at the whole option (type, length, data) of *optlen bytes and
 * *p / *left have moved past it; 0 at the end; -1 when the option list
 * is malformed (length < 2 or running past the end).  Pure.
 */
int	fsm_opt_next(const uint8_t **p, size_t *left, const uint8_t **opt,
	    size_t *optlen);
/* True when opts/len is a well-formed option list.  Pure. */
bool	fsm_opts_valid(const uint8_t *opts, size_t len);

struct fsm;

/*
 * For decode_config loops: whether the option at opts (len bytes left)
 * is truncated (length < 2 or past the end), making the rest junk; if so
 * logged "[<owner>]   bogus option, <len> bytes ignored" at f's log class
 * and counted in f->rx_bad.
 */
bool	fsm_opt_bogus(struct fsm *f, const uint8_t *opts, size_t len);

struct fsm_type {
	const char	*name;		/* "LCP", "IPCP", ... */
	uint16_t	 proto;		/* PPP protocol number */
	uint32_t	 codes;		/* FSM_CODE_BIT()s understood */
	uint64_t	 log;		/* LG_LCP, LG_IPCP, ... */
	uint64_t	 log2;		/* LG_LCP2, ... */
	bool		 link_level;	/* LCP: Protocol-Reject etc. */

	/* Reset negotiation state before a new negotiation (required). */
	void	(*configure)(struct fsm *f);
	/* Forget negotiated state (optional). */
	void	(*unconfigure)(struct fsm *f);
	/*
	 * Write our Configure-Request options; returns their length.  Must
	 * be free of side effects: the automaton calls it again to check
	 * that a Configure-Ack repeats the request exactly.
	 */
	size_t	(*build_config)(struct fsm *f, uint8_t *buf, size_t len);
	/*
	 * Walk the options of a received Configure-Request (FSM_MODE_REQ:
	 * sort them into d) or of a Nak/Reject of our request (adjust what we
	 * will ask next; d is NULL), or only log them (FSM_MODE_NOP: packets
	 * we send, Acks we receive; d is NULL, state must not change).  The
	 * automaton has checked the option framing (fsm_opts_valid) before;
	 * the per-option lengths are checked here.
	 */
	void	(*decode_config)(struct fsm *f, const uint8_t *opts, size_t len,
		    enum fsm_decode_mode mode, struct fsm_decode *d);
	/* This-Layer-Up/-Down/-Started/-Finished (optional). */
	void	(*layer_up)(struct fsm *f);
	void	(*layer_down)(struct fsm *f);
	void	(*layer_start)(struct fsm *f);
	void	(*layer_finish)(struct fsm *f);
	/*
	 * The layer failed (optional), before the automaton shuts it down
	 * (see fsm_failure).  Also told FSM_FAIL_RECD_TERMREQ, as a mere
	 * notification, when the peer sends Terminate-Request.
	 */
	void	(*failure)(struct fsm *f, enum fsm_fail why);
	/*
	 * Codes beyond 1..7 (Echo, Ident, Reset, ...) that this protocol
	 * lists in `codes`.  Returns false to have the code rejected.
	 */
	bool	(*recv_code)(struct fsm *f, uint8_t code, uint8_t id,
		    const uint8_t *data, size_t len);
	/* Configure-Ack received for our request (optional). */
	void	(*recv_ack)(struct fsm *f);
	/*
	 * Every state change, after f->state was set (optional).  Must not
	 * feed events back into f.
	 */
	void	(*new_state)(struct fsm *f, enum fsm_state old,
		    enum fsm_state new_st);
};

/* Send one control packet: proto is f->type->proto, pkt starts at code. */
typedef int fsm_output_fn(struct fsm *f, const uint8_t *pkt, size_t len);

struct fsm {
	const struct fsm_type	*type;
	void			*owner;		/* link or bundle */
	const char		*owner_name;	/* for "[name] " log prefix */
	fsm_output_fn		*output;
	enum fsm_state		 state;
	uint8_t			 reqid;		/* id of our last Conf-Req */
	uint8_t			 lastid;	/* id generator */
	int			 restart;	/* restart counter */
	int			 failure;	/* Max-Failure counter (Naks) */
	int			 unacked;	/* Naks + Rejects since an Ack */
	int			 config;	/* Conf-Reqs left unacked */
	int			 max_configure;
	int			 max_terminate;
	int			 max_failure;
	int			 timeout;	/* restart timer, seconds */
	bool			 passive;	/* RFC 1661 passive option */
	size_t			 peer_mru;	/* 0: FSM_MAX_PACKET */
	struct timer		 timer;
	/* statistics for show */
	unsigned		 rx_bad;	/* malformed packets dropped */
	unsigned		 rx_unknown;	/* codes rejected */
};

/*
 * Prepare f (state Initial).  timeout is the restart timer in seconds;
 * the owner may change f->timeout, f->passive and the max_* limits
 * before a negotiation starts (configure is a good place).  owner_name
 * must stay valid as long as f.
 */
void	fsm_init(struct fsm *f, const struct fsm_type *t, void *owner,
	    const char *owner_name, fsm_output_fn *output, int timeout);
/* Administrative Open / Close events. */
void	fsm_open(struct fsm *f);
void	fsm_close(struct fsm *f);
/* Lower layer Up / Down events. */
void	fsm_up(struct fsm *f);
void	fsm_down(struct fsm *f);
/*
 * A control packet for this protocol (pkt starts at the code byte).
 * Malformed packets are dropped, counted and logged.
 */
void	fsm_input(struct fsm *f, const uint8_t *pkt, size_t len);
/* Build and send code/id/data (for the protocols' own codes). */
void	fsm_send(struct fsm *f, uint8_t code, uint8_t id, const void *data,
	    size_t len);
/* Peer sent Protocol-Reject for this protocol (RXJ-). */
void	fsm_protorej(struct fsm *f);
/*
 * Give the layer up (RXJ- semantics): type->failure() is told why, then
 * the automaton stops (Opened: Terminate-Request; negotiating: Stopped
 * and, unless passive, This-Layer-Finished).
 */
void	fsm_failure(struct fsm *f, enum fsm_fail why);
/* Stop timers; for the owner's destruction. */
void	fsm_stop(struct fsm *f);

/* "Initial", "Starting", ... "Opened" (surface spec 5). */
const char *fsm_state_name(enum fsm_state st);
/* "Configure Request", ... ("UNKNOWN" beyond Reset Ack). */
const char *fsm_code_name(uint8_t code);
/* "parameter negotiation failed", ... (mpd5's texts). */
const char *fsm_fail_str(enum fsm_fail why);

#endif /* MPD_PPP_FSM_H */

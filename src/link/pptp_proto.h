/*
 * pptp_proto.h - PPTP wire codec (RFC 2637): the control messages carried
 * on TCP port 1723 (section 2) and the enhanced GRE header of the data
 * channel (section 4.1).
 *
 * Pure functions over (const uint8_t *, size_t): no I/O, no allocation,
 * no global state, so the parsers can be fuzzed.  Control messages have
 * fixed layouts: a parsed message is one struct with the fields of every
 * type (only the type's own fields are filled).
 */
#ifndef MPD_LINK_PPTP_PROTO_H
#define MPD_LINK_PPTP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPTP_PORT		1723
#define PPTP_MAGIC		0x1a2b3c4d
#define PPTP_PROTO_VERSION	0x0100
#define PPTP_CTRL_HLEN		12	/* length, type, cookie, ctrl type, rsv */
#define PPTP_CTRL_MAX		220	/* the largest message (ICRQ) */
#define PPTP_MSG_CONTROL	1	/* PPTP message type */
#define PPTP_NAME_LEN		64	/* host name, vendor, numbers */
#define PPTP_STATS_LEN		128

/* Control message types (RFC 2637 2.0). */
enum pptp_ctrl_type {
	PPTP_SCCRQ = 1,		/* Start-Control-Connection-Request */
	PPTP_SCCRP = 2,		/* Start-Control-Connection-Reply */
	PPTP_STOPCCRQ = 3,	/* Stop-Control-Connection-Request */
	PPTP_STOPCCRP = 4,	/* Stop-Control-Connection-Reply */
	PPTP_ECHORQ = 5,
	PPTP_ECHORP = 6,
	PPTP_OCRQ = 7,		/* Outgoing-Call-Request */
	PPTP_OCRP = 8,		/* Outgoing-Call-Reply */
	PPTP_ICRQ = 9,		/* Incoming-Call-Request */
	PPTP_ICRP = 10,		/* Incoming-Call-Reply */
	PPTP_ICCN = 11,		/* Incoming-Call-Connected */
	PPTP_CCRQ = 12,		/* Call-Clear-Request */
	PPTP_CDN = 13,		/* Call-Disconnect-Notify */
	PPTP_WEN = 14,		/* WAN-Error-Notify */
	PPTP_SLI = 15,		/* Set-Link-Info */
	PPTP_CTRL_TYPE_MAX = 15,
};

/* Result codes (a few of RFC 2637 2.x). */
#define PPTP_SCCRP_OK		1
#define PPTP_SCCRP_ERROR	2
#define PPTP_SCCRP_EXISTS	3
#define PPTP_SCCRP_NOTAUTH	4
#define PPTP_SCCRP_VERSION	5
#define PPTP_STOP_NONE		1	/* StopCCRQ reason: general */
#define PPTP_STOP_VERSION	2
#define PPTP_STOP_LOCAL		3	/* local shutdown */
#define PPTP_STOPRP_OK		1
#define PPTP_ECHO_OK		1
#define PPTP_OCRP_OK		1
#define PPTP_OCRP_ERROR		2
#define PPTP_OCRP_NOCARRIER	3
#define PPTP_ICRP_OK		1
#define PPTP_ICRP_ERROR		2
#define PPTP_CDN_LOST_CARRIER	1
#define PPTP_CDN_ERROR		2
#define PPTP_CDN_ADMIN		3	/* administrative shutdown */
#define PPTP_CDN_REQUEST	4	/* Call-Clear-Request received */
#define PPTP_ERR_NONE		0
#define PPTP_ERR_NOT_CONNECTED	1
#define PPTP_ERR_BAD_FORMAT	2
#define PPTP_ERR_BAD_VALUE	3
#define PPTP_ERR_NO_RESOURCE	4
#define PPTP_ERR_BAD_CALL_ID	5

#define PPTP_FRAMING_ASYNC	1
#define PPTP_FRAMING_SYNC	2
#define PPTP_BEARER_ANALOG	1
#define PPTP_BEARER_DIGITAL	2

/* Parse results (0 = ok). */
enum pptp_err {
	PPTP_OK = 0,
	PPTP_E_SHORT = -1,	/* fewer bytes than the header / length */
	PPTP_E_LENGTH = -2,	/* length field wrong for the type */
	PPTP_E_MAGIC = -3,	/* bad magic cookie */
	PPTP_E_TYPE = -4,	/* not a control message / unknown type */
	PPTP_E_GRE = -5,	/* not an enhanced GRE header */
};

/*
 * A control message.  Strings are copied NUL terminated (at most 63
 * characters are kept).  Which fields are meaningful depends on type.
 */
struct pptp_ctrl {
	uint16_t	type;
	uint16_t	proto_ver;
	uint8_t		result, error;
	uint8_t		reason;			/* StopCCRQ */
	uint32_t	framing, bearer;	/* caps or types */
	uint16_t	max_channels, firmware;
	char		host_name[PPTP_NAME_LEN], vendor[PPTP_NAME_LEN];
	uint32_t	echo_id;
	uint16_t	call_id, peer_call_id, serial;
	uint32_t	min_bps, max_bps, speed, phys_chan;
	uint16_t	rwin, delay, cause;
	char		number[PPTP_NAME_LEN];	/* OCRQ phone / ICRQ dialed */
	char		dialing[PPTP_NAME_LEN];	/* ICRQ dialing (calling) */
	char		subaddr[PPTP_NAME_LEN];
	uint32_t	send_accm, recv_accm;	/* SLI */
};

/* Fixed total length of a control message of type t; 0 when unknown. */
size_t	pptp_ctrl_len(unsigned t);

/*
 * Bytes still needed before p[0..len) holds one whole message: 0 when it
 * does; -1 when the header is bad (length below the header or above
 * PPTP_CTRL_MAX, wrong message type or cookie): the stream is unusable.
 */
int	pptp_ctrl_need(const uint8_t *p, size_t len);

/*
 * Parse one whole control message (its length field, magic cookie and
 * the type's fixed length are checked).  Returns PPTP_OK or a negative
 * enum pptp_err.
 */
int	pptp_ctrl_parse(const uint8_t *p, size_t len, struct pptp_ctrl *m);

/*
 * Build the message m->type into out (room for PPTP_CTRL_MAX).  Returns
 * its length, 0 for an unknown type.
 */
size_t	pptp_ctrl_build(const struct pptp_ctrl *m, uint8_t *out, size_t cap);

/* Name of a control message type for the log. */
const char *pptp_ctrl_name(unsigned t);

/* ---- enhanced GRE (RFC 2637 4.1) ---- */

#define PPTP_GRE_PROTO		0x880b
#define PPTP_GRE_HLEN_MAX	16

struct pptp_gre {
	uint16_t	call_id;	/* key low half: the receiver's id */
	uint16_t	payload_len;
	bool		has_seq, has_ack;
	uint32_t	seq, ack;
	size_t		off;		/* payload offset */
};

/*
 * Parse a GRE packet (from the GRE header; the IP header is stripped):
 * version 1, protocol 0x880b, key present, no checksum/routing.  The
 * payload p[off..off+payload_len) must fit.  Returns PPTP_OK or
 * PPTP_E_GRE / PPTP_E_SHORT.
 */
int	pptp_gre_parse(const uint8_t *p, size_t len, struct pptp_gre *g);
/* Build the header of g into out (PPTP_GRE_HLEN_MAX); returns its size. */
size_t	pptp_gre_build(const struct pptp_gre *g, uint8_t *out);

/*
 * GRE receive reordering (RFC 2637 4.3: packets may arrive out of order).
 * Packets up to PPTP_OOO_MAX ahead of the next expected sequence number
 * are held until the gap fills or pptp_ooo_flush() gives up on it (the
 * caller's timer); older and duplicate packets are refused.  The queue
 * holds opaque packet pointers and hands them, in sequence order, to the
 * deliver callback; it never frees them itself except through drop.
 */
#define PPTP_OOO_MAX		16

typedef void pptp_ooo_fn(void *ctx, void *pkt);

struct pptp_ooo {
	bool		 any;		/* last is valid */
	uint32_t	 last;		/* last sequence number delivered */
	unsigned	 n;		/* held packets */
	uint32_t	 seq[PPTP_OOO_MAX];
	void		*pkt[PPTP_OOO_MAX];
};

/*
 * A packet with sequence number seq: delivered at once (with the held
 * ones that follow it), held, or refused.  Returns 1 delivered, 0 held,
 * -1 refused (old or duplicate: the caller still owns pkt).  A packet
 * too far ahead first flushes what is held.
 */
int	pptp_ooo_input(struct pptp_ooo *q, uint32_t seq, void *pkt,
	    pptp_ooo_fn *deliver, void *ctx);
/* Give up on the gap: deliver everything held, in order. */
void	pptp_ooo_flush(struct pptp_ooo *q, pptp_ooo_fn *deliver, void *ctx);
/* Drop everything held (drop is called for each packet). */
void	pptp_ooo_clear(struct pptp_ooo *q, pptp_ooo_fn *drop, void *ctx);

#endif /* MPD_LINK_PPTP_PROTO_H */

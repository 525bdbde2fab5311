/*
 * l2tp_proto.h - L2TPv2 wire codec (RFC 2661): the common header of
 * control and data messages (3.1), the AVP list of control messages
 * (4.1, 4.4) with hidden AVPs (4.3), and the tunnel authentication
 * response (5.1.1).
 *
 * Pure functions over (const uint8_t *, size_t): no I/O, no allocation,
 * no global state, so the parsers can be fuzzed.  The only outside help
 * is MD5 (auth/msoft.c) for hidden AVPs and challenge responses.
 */
#ifndef MPD_LINK_L2TP_PROTO_H
#define MPD_LINK_L2TP_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2TP_PORT		1701
#define L2TP_VERSION		2
#define L2TP_CTRL_HLEN		12	/* flags, length, tid, sid, ns, nr */
#define L2TP_DATA_HLEN_MAX	16	/* flags, len, tid, sid, ns, nr, off */

/* Header flag bits (RFC 2661 3.1). */
#define L2TP_HDR_T		0x8000	/* control message */
#define L2TP_HDR_L		0x4000	/* length present */
#define L2TP_HDR_S		0x0800	/* Ns/Nr present */
#define L2TP_HDR_O		0x0200	/* offset size present */
#define L2TP_HDR_P		0x0100	/* priority */
#define L2TP_HDR_VER		0x000f

/* Control message types (RFC 2661 3.2). */
#define L2TP_SCCRQ		1
#define L2TP_SCCRP		2
#define L2TP_SCCCN		3
#define L2TP_STOPCCN		4
#define L2TP_HELLO		6
#define L2TP_OCRQ		7
#define L2TP_OCRP		8
#define L2TP_OCCN		9
#define L2TP_ICRQ		10
#define L2TP_ICRP		11
#define L2TP_ICCN		12
#define L2TP_CDN		14
#define L2TP_WEN		15
#define L2TP_SLI		16

/* AVP flag bits and attribute types (RFC 2661 4.1, 4.4). */
#define L2TP_AVP_M		0x8000
#define L2TP_AVP_H		0x4000
#define L2TP_AVP_RSVD		0x3c00
#define L2TP_AVP_LEN		0x03ff
#define L2TP_AVP_HLEN		6

enum l2tp_avp_type {
	L2TP_AVP_MSG_TYPE = 0,
	L2TP_AVP_RESULT = 1,
	L2TP_AVP_PROTO_VER = 2,
	L2TP_AVP_FRAMING_CAP = 3,
	L2TP_AVP_BEARER_CAP = 4,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_FIRMWARE = 6,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_TUNNEL_ID = 9,
	L2TP_AVP_RWIN = 10,
	L2TP_AVP_CHALLENGE = 11,
	L2TP_AVP_Q931 = 12,
	L2TP_AVP_CHAL_RESP = 13,
	L2TP_AVP_SESSION_ID = 14,
	L2TP_AVP_SERIAL = 15,
	L2TP_AVP_MIN_BPS = 16,
	L2TP_AVP_MAX_BPS = 17,
	L2TP_AVP_BEARER_TYPE = 18,
	L2TP_AVP_FRAMING_TYPE = 19,
	L2TP_AVP_CALLED = 21,
	L2TP_AVP_CALLING = 22,
	L2TP_AVP_SUB_ADDR = 23,
	L2TP_AVP_TX_SPEED = 24,
	L2TP_AVP_PHYS_CHAN = 25,
	L2TP_AVP_INIT_LCP = 26,
	L2TP_AVP_LAST_SENT_LCP = 27,
	L2TP_AVP_LAST_RECV_LCP = 28,
	L2TP_AVP_PROXY_TYPE = 29,
	L2TP_AVP_PROXY_NAME = 30,
	L2TP_AVP_PROXY_CHAL = 31,
	L2TP_AVP_PROXY_ID = 32,
	L2TP_AVP_PROXY_RESP = 33,
	L2TP_AVP_CALL_ERRORS = 34,
	L2TP_AVP_ACCM = 35,
	L2TP_AVP_RANDOM = 36,
	L2TP_AVP_PRIV_GROUP = 37,
	L2TP_AVP_RX_SPEED = 38,
	L2TP_AVP_SEQ_REQUIRED = 39,
	L2TP_AVP_MAX_KNOWN = 39,
};

/* StopCCN result codes (RFC 2661 4.4.2). */
#define L2TP_RES_STOP_CLEAR	1	/* general request to clear */
#define L2TP_RES_STOP_ERROR	2	/* general error, see error code */
#define L2TP_RES_STOP_EXISTS	3	/* control channel already exists */
#define L2TP_RES_STOP_AUTH	4	/* requester is not authorized */
#define L2TP_RES_STOP_VERSION	5	/* protocol version not supported */
#define L2TP_RES_STOP_SHUTDOWN	6	/* requester is being shut down */
#define L2TP_RES_STOP_FSM	7	/* finite state machine error */
/* CDN result codes. */
#define L2TP_RES_CDN_CARRIER	1	/* lost carrier */
#define L2TP_RES_CDN_ERROR	2	/* general error */
#define L2TP_RES_CDN_ADMIN	3	/* administrative reasons */
#define L2TP_RES_CDN_NORES	4	/* no appropriate facilities */
/* General error codes. */
#define L2TP_ERR_NONE		0
#define L2TP_ERR_NO_CTRL	1	/* no control connection */
#define L2TP_ERR_LENGTH		2	/* length is wrong */
#define L2TP_ERR_VALUE		3	/* a field is out of range */
#define L2TP_ERR_RESOURCES	4	/* insufficient resources */
#define L2TP_ERR_SESSION	5	/* invalid session id */
#define L2TP_ERR_VENDOR		6	/* vendor specific error */
#define L2TP_ERR_TRY_ANOTHER	7
#define L2TP_ERR_MANDATORY	8	/* unknown mandatory AVP */

/* Framing / bearer bits. */
#define L2TP_FRAMING_SYNC	0x00000001
#define L2TP_FRAMING_ASYNC	0x00000002
#define L2TP_BEARER_DIGITAL	0x00000001
#define L2TP_BEARER_ANALOG	0x00000002

/* Parse results (0 = ok). */
enum l2tp_err {
	L2TP_OK = 0,
	L2TP_E_SHORT = -1,	/* shorter than the header it announces */
	L2TP_E_VERSION = -2,	/* not version 2 */
	L2TP_E_FLAGS = -3,	/* control message without L and S, or O */
	L2TP_E_LENGTH = -4,	/* length field beyond the datagram */
	L2TP_E_AVP = -5,	/* AVP length below 6 or beyond the message */
	L2TP_E_MANDATORY = -6,	/* unknown AVP with the M bit */
	L2TP_E_HIDDEN = -7,	/* hidden AVP we cannot reveal */
	L2TP_E_VALUE = -8,	/* known AVP with a malformed value */
	L2TP_E_MSGTYPE = -9,	/* first AVP is not the Message Type */
};

/* The common header (RFC 2661 3.1); off is where the payload starts. */
struct l2tp_hdr {
	bool		ctrl;		/* T */
	bool		has_len;	/* L */
	bool		has_seq;	/* S */
	bool		prio;		/* P */
	uint16_t	length;		/* when has_len; else the datagram's */
	uint16_t	tid, sid;
	uint16_t	ns, nr;		/* when has_seq */
	size_t		off;		/* payload offset in the datagram */
	size_t		end;		/* payload end (length or datagram) */
};

/*
 * Parse the header of datagram p[0..len).  Control messages must have L
 * and S and no O (RFC 2661 3.1).  The payload is p[off..end).  Returns
 * L2TP_OK or a negative enum l2tp_err.
 */
int	l2tp_hdr_parse(const uint8_t *p, size_t len, struct l2tp_hdr *h);

/*
 * Build a data message header into out (room for L2TP_DATA_HLEN_MAX):
 * the Length field when with_len (payload_len + header), Ns/Nr when
 * with_seq.  Returns the header length.
 */
size_t	l2tp_data_hdr(uint8_t *out, bool with_len, bool with_seq,
	    uint16_t tid, uint16_t sid, uint16_t ns, uint16_t nr,
	    size_t payload_len);

/* A value inside a message, or inside the parser's reveal buffer. */
struct l2tp_blob {
	const uint8_t	*p;
	size_t		 len;
};

/* Bytes of revealed hidden values one message can hold. */
#define L2TP_REVEAL_MAX		2048

/*
 * A parsed control message.  present has bit N set when AVP type N was
 * seen (types 0..63).  String values are blobs, not NUL terminated.
 */
struct l2tp_msg {
	uint16_t	type;			/* Message Type */
	uint64_t	present;
	uint16_t	result, error;		/* Result Code */
	struct l2tp_blob errmsg;
	uint16_t	proto_ver;		/* ver << 8 | rev */
	uint32_t	framing_cap, bearer_cap;
	uint8_t		tie_breaker[8];
	uint16_t	firmware;
	struct l2tp_blob host_name, vendor_name;
	uint16_t	tunnel_id, rwin;
	struct l2tp_blob challenge;
	uint8_t		chal_resp[16];
	uint16_t	session_id;
	uint32_t	serial, min_bps, max_bps, bearer_type, framing_type;
	struct l2tp_blob called, calling, sub_addr;
	uint32_t	tx_speed, rx_speed;
	uint16_t	unknown_type;		/* first unknown mandatory */
	unsigned	hidden_count;		/* hidden AVPs revealed */
	/* ---- private: revealed hidden values ---- */
	uint8_t		reveal[L2TP_REVEAL_MAX];
	size_t		reveal_used;
};

static inline bool
l2tp_msg_has(const struct l2tp_msg *m, unsigned type)
{
	return type < 64 && (m->present & (1ull << type)) != 0;
}

/*
 * Parse the AVPs p[0..len) of a control message (after the header).  An
 * empty list is a ZLB: m->type is 0 and L2TP_OK is returned.  Hidden AVPs
 * are revealed with secret (NULL or "" = none) and the Random Vector AVP
 * seen last before them.  Unknown AVPs without M are skipped; with M the
 * result is L2TP_E_MANDATORY (m->unknown_type says which).  Returns
 * L2TP_OK or a negative enum l2tp_err.
 */
int	l2tp_msg_parse(const uint8_t *p, size_t len, const char *secret,
	    struct l2tp_msg *m);

/*
 * Message writer.  l2tp_wr_init() leaves room for the control header;
 * the avp functions append one AVP each (setting err when out of room);
 * l2tp_wr_hidden() appends a hidden AVP (the caller has written the
 * Random Vector rv first); l2tp_wr_finish() writes the header and returns
 * the message length, 0 after an error.
 */
struct l2tp_wr {
	uint8_t		*buf;
	size_t		 cap, len;
	bool		 err;
};

void	l2tp_wr_init(struct l2tp_wr *w, uint8_t *buf, size_t cap);
void	l2tp_wr_avp(struct l2tp_wr *w, bool mandatory, uint16_t type,
	    const void *val, size_t vlen);
void	l2tp_wr_u16(struct l2tp_wr *w, bool mandatory, uint16_t type,
	    uint16_t v);
void	l2tp_wr_u32(struct l2tp_wr *w, bool mandatory, uint16_t type,
	    uint32_t v);
void	l2tp_wr_hidden(struct l2tp_wr *w, bool mandatory, uint16_t type,
	    const void *val, size_t vlen, const char *secret,
	    const uint8_t *rv, size_t rvlen);
/* Result Code AVP: result, error (when error or msg given), message. */
void	l2tp_wr_result(struct l2tp_wr *w, uint16_t result, uint16_t error,
	    const char *msg);
size_t	l2tp_wr_finish(struct l2tp_wr *w, uint16_t tid, uint16_t sid,
	    uint16_t ns, uint16_t nr);

/*
 * Hide val (RFC 2661 4.3) for AVP type with secret and random vector rv:
 * out gets the 2-byte original length, the value and pad bytes of
 * padding, all XORed with the MD5 chain.  Returns the hidden length or 0
 * when out is too small.
 */
size_t	l2tp_hide(uint16_t type, const char *secret, const uint8_t *rv,
	    size_t rvlen, const uint8_t *val, size_t vlen, size_t pad,
	    uint8_t *out, size_t cap);
/*
 * Reveal a hidden value in place-free form: out receives the original
 * value; returns its length, or -1 when the embedded length does not fit.
 */
int	l2tp_reveal(uint16_t type, const char *secret, const uint8_t *rv,
	    size_t rvlen, const uint8_t *hid, size_t hlen, uint8_t *out,
	    size_t cap);

/*
 * Tunnel authentication (RFC 2661 5.1.1): MD5 of the message type byte of
 * the response carrying it (SCCRP 2 or SCCCN 3), the secret and the
 * challenge.
 */
void	l2tp_chal_response(uint8_t msg_type, const char *secret,
	    const uint8_t *chal, size_t chal_len, uint8_t out[16]);

/* Name of a message type for the log ("SCCRQ"; "UNKNOWN" otherwise). */
const char *l2tp_msg_name(uint16_t type);

#endif /* MPD_LINK_L2TP_PROTO_H */

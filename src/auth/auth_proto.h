/*
 * auth_proto.h - wire codecs of the authentication protocols: PAP (RFC
 * 1334 section 2), CHAP (RFC 1994 section 4) with the MS-CHAP value
 * layouts (RFC 2433 section 3, RFC 2759 sections 4-6) and EAP (RFC 3748
 * section 4, 5.1-5.4).
 *
 * The three protocols share the Code/Identifier/Length header, so their
 * codecs live together in one pure module (auth_proto.c): every parser
 * works on (const uint8_t *, size_t), checks every length, never reads
 * past the buffer, keeps pointers into it (no copies) and does no I/O,
 * logging or allocation; every builder writes into a caller buffer and
 * returns the packet length, or 0 when it does not fit.  The runtime
 * (pap.c, chap.c, eap.c) and the fuzz target use only these.
 */
#ifndef MPD_AUTH_AUTH_PROTO_H
#define MPD_AUTH_AUTH_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_HDR_LEN		4
#define AUTH_MAX_NAME		63	/* longest peer name we accept */
#define AUTH_MAX_PKT		1500

/* PAP codes (RFC 1334 2.2). */
#define PAP_REQUEST		1
#define PAP_ACK			2
#define PAP_NAK			3

/* CHAP codes (RFC 1994 4), MS-CHAP password change (RFC 2433/2759). */
#define CHAP_CHALLENGE		1
#define CHAP_RESPONSE		2
#define CHAP_SUCCESS		3
#define CHAP_FAILURE		4
#define CHAP_MS_V1_CHANGE_PW	5
#define CHAP_MS_V2_CHANGE_PW	7

/* CHAP algorithms (LCP Auth-Protocol option data). */
#define CHAP_ALG_MD5		0x05
#define CHAP_ALG_MSV1		0x80
#define CHAP_ALG_MSV2		0x81

#define CHAP_MD5_VAL_LEN	16
#define CHAP_MS_VAL_LEN		49	/* MS-CHAPv1 and v2 Response values */

/* EAP codes and types (RFC 3748 4, 5). */
#define EAP_REQUEST		1
#define EAP_RESPONSE		2
#define EAP_SUCCESS		3
#define EAP_FAILURE		4

#define EAP_TYPE_IDENTITY	1
#define EAP_TYPE_NOTIFICATION	2
#define EAP_TYPE_NAK		3
#define EAP_TYPE_MD5		4
#define EAP_TYPE_OTP		5
#define EAP_TYPE_GTC		6
#define EAP_TYPE_TLS		13
#define EAP_TYPE_TTLS		21
#define EAP_TYPE_PEAP		25
#define EAP_TYPE_MSCHAPV2	26

/* Code, Identifier and the payload after the 4-byte header. */
struct auth_hdr {
	uint8_t		 code;
	uint8_t		 id;
	const uint8_t	*data;
	size_t		 len;
};

/*
 * Split a PAP/CHAP/EAP packet.  The Length field must be >= 4 and fit in
 * len; bytes after Length are padding and ignored (RFC 1661 5 style).
 * Returns 0 or -1.
 */
int	auth_hdr_parse(const uint8_t *p, size_t len, struct auth_hdr *h);
/* Header + data into buf.  Returns the length or 0 (does not fit). */
size_t	auth_hdr_build(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
	    const void *data, size_t len);

/* ---- PAP ---- */

struct pap_request {
	const uint8_t	*name;
	size_t		 name_len;
	const uint8_t	*pass;
	size_t		 pass_len;
};

/* Authenticate-Request data: Peer-ID-Length, Peer-ID, Passwd-Length,
 * Password.  Returns 0 or -1 (truncated). */
int	pap_parse_request(const uint8_t *d, size_t len, struct pap_request *r);
/*
 * Authenticate-Ack/Nak data: Msg-Length, Message.  Empty data gives an
 * empty message; a Msg-Length beyond the data is clamped to it.  Returns
 * 0 (never fails: the message is informational).
 */
int	pap_parse_reply(const uint8_t *d, size_t len, const uint8_t **msg,
	    size_t *msg_len);
/* A whole Authenticate-Request packet (name, password <= 255 bytes). */
size_t	pap_build_request(uint8_t *buf, size_t cap, uint8_t id,
	    const char *name, const char *pass);
/* A whole Ack or Nak packet with a message. */
size_t	pap_build_reply(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
	    const char *msg);

/* ---- CHAP ---- */

/* Challenge/Response data: Value-Size, Value, Name. */
struct chap_value {
	const uint8_t	*value;
	size_t		 value_len;
	const uint8_t	*name;
	size_t		 name_len;
};

/* Returns 0, or -1 when Value-Size is 0 or exceeds the data. */
int	chap_parse_value(const uint8_t *d, size_t len, struct chap_value *v);
/* A whole Challenge/Response packet (also EAP-MD5 data, see eap_build). */
size_t	chap_build_value(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
	    const uint8_t *value, size_t value_len, const char *name);
/* A whole Success/Failure packet; the message fills the rest. */
size_t	chap_build_msg(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
	    const char *msg);

/* MS-CHAPv1 Response value (RFC 2433 3): LM[24] NT[24] UseNT[1]. */
struct mschap_v1_resp {
	const uint8_t	*lm;
	const uint8_t	*nt;
	uint8_t		 use_nt;
};
/* MS-CHAPv2 Response value (RFC 2759 4): PeerChal[16] 0[8] NT[24] Flags. */
struct mschap_v2_resp {
	const uint8_t	*peer_chal;
	const uint8_t	*nt;
	uint8_t		 flags;
};

/* Return 0, or -1 unless the value is exactly 49 bytes. */
int	mschap_v1_parse_resp(const uint8_t *v, size_t len,
	    struct mschap_v1_resp *r);
int	mschap_v2_parse_resp(const uint8_t *v, size_t len,
	    struct mschap_v2_resp *r);
/* Build 49-byte values (v1: no LM response, UseNT 1; v2: flags 0). */
void	mschap_v1_build_resp(uint8_t out[49], const uint8_t nt[24]);
void	mschap_v2_build_resp(uint8_t out[49], const uint8_t peer_chal[16],
	    const uint8_t nt[24]);
/*
 * MS-CHAPv2 Success message (RFC 2759 5): "S=" and 40 hex digits, then
 * the end or a space (" M=<text>").  Returns 0 with the 20 bytes, or -1.
 */
int	mschap_v2_parse_success(const uint8_t *msg, size_t len,
	    uint8_t auth_resp[20]);
/*
 * MS-CHAP Failure message (RFC 2433 3, RFC 2759 6): "E=<n> R=<r> ...".
 * Returns 0 with the error code and retry flag, or -1 without "E=".
 */
int	mschap_parse_failure(const uint8_t *msg, size_t len, int *error,
	    int *retry);

/* ---- EAP ---- */

struct eap_pkt {
	uint8_t		 code;
	uint8_t		 id;
	uint8_t		 type;		/* Request/Response only */
	const uint8_t	*data;		/* after the type */
	size_t		 len;
};

/*
 * A whole EAP packet.  Request/Response need a Type byte; Success and
 * Failure carry no data (anything after the header is ignored, RFC 3748
 * 4.2).  Returns 0 or -1.
 */
int	eap_parse(const uint8_t *p, size_t len, struct eap_pkt *e);
/* Request/Response with type; Success/Failure when code says so. */
size_t	eap_build(uint8_t *buf, size_t cap, uint8_t code, uint8_t id,
	    uint8_t type, const void *data, size_t len);

/* ---- names for logs ---- */

const char *pap_code_name(uint8_t code, char *buf, size_t len);
const char *chap_code_name(uint8_t code, char *buf, size_t len);
const char *eap_code_name(uint8_t code, char *buf, size_t len);
const char *eap_type_name(uint8_t type);

#endif /* MPD_AUTH_AUTH_PROTO_H */

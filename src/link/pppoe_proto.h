/*
 * pppoe_proto.h - PPPoE wire codec (RFC 2516, RFC 4638 PPP-Max-Payload,
 * DSL-Forum TR-101 vendor tags) and the stateless AC-Cookie.
 *
 * Pure functions over (const uint8_t *, size_t): no I/O, no allocation,
 * no global state, so the parsers can be fuzzed.  Every parse starts at
 * the PPPoE header (the Ethernet header is the caller's business).
 */
#ifndef MPD_LINK_PPPOE_PROTO_H
#define MPD_LINK_PPPOE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPPOE_ETH_DISC		0x8863	/* discovery stage ethertype */
#define PPPOE_ETH_SESS		0x8864	/* session stage ethertype */
#define PPPOE_ETH_HLEN		14	/* dst, src, ethertype */
#define PPPOE_HLEN		6	/* ver/type, code, session, length */
#define PPPOE_VERTYPE		0x11	/* version 1, type 1 */
/* Largest PPPoE payload we accept (jumbo-capable Ethernet, RFC 4638). */
#define PPPOE_PAYLOAD_MAX	9000

/* Codes (RFC 2516 section 5). */
#define PPPOE_CODE_SESSION	0x00
#define PPPOE_CODE_PADO		0x07
#define PPPOE_CODE_PADI		0x09
#define PPPOE_CODE_PADR		0x19
#define PPPOE_CODE_PADS		0x65
#define PPPOE_CODE_PADT		0xa7

/* Tags (RFC 2516 appendix A, RFC 4638). */
#define PPPOE_TAG_EOL		0x0000
#define PPPOE_TAG_SERVICE	0x0101
#define PPPOE_TAG_AC_NAME	0x0102
#define PPPOE_TAG_HOST_UNIQ	0x0103
#define PPPOE_TAG_AC_COOKIE	0x0104
#define PPPOE_TAG_VENDOR	0x0105
#define PPPOE_TAG_RELAY_SID	0x0110
#define PPPOE_TAG_MAX_PAYLOAD	0x0120
#define PPPOE_TAG_SN_ERROR	0x0201
#define PPPOE_TAG_AC_ERROR	0x0202
#define PPPOE_TAG_GEN_ERROR	0x0203

/* DSL-Forum vendor id and its sub-tags (TR-101). */
#define PPPOE_DSLF_VENDOR	3561
#define PPPOE_DSLF_CIRCUIT_ID	1
#define PPPOE_DSLF_REMOTE_ID	2

/* Parse results (0 = ok). */
enum pppoe_err {
	PPPOE_OK = 0,
	PPPOE_E_SHORT = -1,	/* frame shorter than the header */
	PPPOE_E_VERTYPE = -2,	/* version/type is not 1/1 */
	PPPOE_E_LENGTH = -3,	/* length field overflows the frame */
	PPPOE_E_TAG = -4,	/* truncated or overflowing tag */
	PPPOE_E_CODE = -5,	/* unknown or misplaced code */
	PPPOE_E_TAGVAL = -6,	/* a tag with a malformed value */
};

/* A borrowed tag value; p points into the parsed frame. */
struct pppoe_blob {
	const uint8_t	*p;
	uint16_t	 len;
	bool		 present;
};

#define PPPOE_MAX_SERVICES	8	/* Service-Name tags kept per frame */

/* A parsed discovery packet; all blobs point into the input. */
struct pppoe_disc {
	uint8_t		 code;
	uint16_t	 session;
	unsigned	 nservices;	/* Service-Name tags (first ones) */
	struct pppoe_blob service[PPPOE_MAX_SERVICES];
	struct pppoe_blob ac_name, host_uniq, cookie, relay_sid;
	struct pppoe_blob sn_error, ac_error, gen_error;
	struct pppoe_blob circuit_id, remote_id;	/* DSL-Forum */
	bool		 has_max_payload;
	uint16_t	 max_payload;
};

/*
 * Parse a discovery packet p[0..len) starting at the PPPoE header.
 * Bytes after the length field's payload (Ethernet padding) are ignored.
 * Checks version/type 1/1, a known discovery code, that the length and
 * every tag fit, and the shape of PPP-Max-Payload (2 bytes) and
 * Vendor-Specific (4-byte vendor id; DSL-Forum sub-tags must fit).  A tag
 * after End-Of-List is ignored.  Returns PPPOE_OK or an enum pppoe_err.
 */
int	pppoe_disc_parse(const uint8_t *p, size_t len, struct pppoe_disc *d);

/*
 * Parse a session-stage header: version/type 1/1, code 0, length within
 * the frame.  Sets *sid and *plen (payload bytes after the header).
 * Returns PPPOE_OK or an enum pppoe_err.
 */
int	pppoe_sess_parse(const uint8_t *p, size_t len, uint16_t *sid,
	    uint16_t *plen);
/* Write the 6-byte session header for a payload of plen bytes into p. */
void	pppoe_sess_build(uint8_t *p, uint16_t sid, uint16_t plen);

/*
 * Discovery packet builder over a caller's buffer:
 * pppoe_build_init(), any number of pppoe_build_tag(), then
 * pppoe_build_finish(), which fills in the length field and returns the
 * total length, or 0 when anything did not fit.
 */
struct pppoe_builder {
	uint8_t		*buf;
	size_t		 cap, len;
	bool		 overflow;
};

void	pppoe_build_init(struct pppoe_builder *b, uint8_t *buf, size_t cap,
	    uint8_t code, uint16_t sid);
void	pppoe_build_tag(struct pppoe_builder *b, uint16_t type,
	    const void *val, size_t len);
/* A PPP-Max-Payload tag (2 bytes, network order). */
void	pppoe_build_u16_tag(struct pppoe_builder *b, uint16_t type,
	    uint16_t v);
size_t	pppoe_build_finish(struct pppoe_builder *b);

/* Printable name of a discovery code ("PADI", ...; "code 0xNN" else). */
const char *pppoe_code_name(uint8_t code, char *buf, size_t len);

/*
 * Stateless AC-Cookie.  A cookie is the 4-byte time bucket followed by
 * the first 16 bytes of HMAC-SHA256(key, peer MAC | SHA-256(Host-Uniq) |
 * bucket).  pppoe_cookie_make() writes PPPOE_COOKIE_LEN bytes to out.
 * pppoe_cookie_check() accepts a cookie of the current or the previous
 * bucket only; it allocates nothing and compares in constant time.
 */
#define PPPOE_COOKIE_LEN	20
#define PPPOE_COOKIE_KEYLEN	32
#define PPPOE_COOKIE_BUCKET	30	/* seconds per time bucket */

void	pppoe_cookie_make(const uint8_t key[PPPOE_COOKIE_KEYLEN],
	    const uint8_t mac[6], const uint8_t *hu, size_t hulen,
	    uint32_t bucket, uint8_t out[PPPOE_COOKIE_LEN]);
bool	pppoe_cookie_check(const uint8_t key[PPPOE_COOKIE_KEYLEN],
	    const uint8_t mac[6], const uint8_t *hu, size_t hulen,
	    uint32_t now_bucket, const uint8_t *cookie, size_t clen);

#endif /* MPD_LINK_PPPOE_PROTO_H */

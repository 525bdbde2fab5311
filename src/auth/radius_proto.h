/*
 * radius_proto.h - RADIUS wire codec (RFC 2865, 2866, 2869, 3579, 5176,
 * RFC 2548 Microsoft VSAs, mpd5's vendor 12341).  Pure functions over
 * byte buffers: a packet builder, the authenticator and
 * Message-Authenticator computations and checks, the User-Password and
 * MS-MPPE key (un)hiding, and the parsers of Access replies and of
 * Disconnect/CoA requests.  No sockets, no daemon state: the client
 * (radius.c), accounting (acct.c) and the DAE server (radsrv_run.c) use
 * it, and the fuzz targets drive the parsers.
 */
#ifndef MPD_AUTH_RADIUS_PROTO_H
#define MPD_AUTH_RADIUS_PROTO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/util.h"

#define RAD_HDR_LEN		20
#define RAD_AUTH_LEN		16
#define RAD_MAX_PKT		4096	/* RFC 2865 3 */
#define RAD_MAX_ATTR_VAL	253

/* Codes (RFC 2865 3, 2866 3, 5176 2). */
enum {
	RAD_ACCESS_REQUEST = 1, RAD_ACCESS_ACCEPT = 2, RAD_ACCESS_REJECT = 3,
	RAD_ACCOUNTING_REQUEST = 4, RAD_ACCOUNTING_RESPONSE = 5,
	RAD_ACCESS_CHALLENGE = 11,
	RAD_DISCONNECT_REQUEST = 40, RAD_DISCONNECT_ACK = 41,
	RAD_DISCONNECT_NAK = 42, RAD_COA_REQUEST = 43, RAD_COA_ACK = 44,
	RAD_COA_NAK = 45,
};

/* Attribute types used by mpd5. */
enum {
	RAD_USER_NAME = 1, RAD_USER_PASSWORD = 2, RAD_CHAP_PASSWORD = 3,
	RAD_NAS_IP_ADDRESS = 4, RAD_NAS_PORT = 5, RAD_SERVICE_TYPE = 6,
	RAD_FRAMED_PROTOCOL = 7, RAD_FRAMED_IP_ADDRESS = 8,
	RAD_FRAMED_IP_NETMASK = 9, RAD_FRAMED_ROUTING = 10, RAD_FILTER_ID = 11,
	RAD_FRAMED_MTU = 12, RAD_FRAMED_COMPRESSION = 13,
	RAD_REPLY_MESSAGE = 18, RAD_FRAMED_ROUTE = 22, RAD_STATE = 24,
	RAD_CLASS = 25, RAD_VENDOR_SPECIFIC = 26, RAD_SESSION_TIMEOUT = 27,
	RAD_IDLE_TIMEOUT = 28, RAD_CALLED_STATION_ID = 30,
	RAD_CALLING_STATION_ID = 31, RAD_NAS_IDENTIFIER = 32,
	RAD_ACCT_STATUS_TYPE = 40, RAD_ACCT_DELAY_TIME = 41,
	RAD_ACCT_INPUT_OCTETS = 42, RAD_ACCT_OUTPUT_OCTETS = 43,
	RAD_ACCT_SESSION_ID = 44, RAD_ACCT_AUTHENTIC = 45,
	RAD_ACCT_SESSION_TIME = 46, RAD_ACCT_INPUT_PACKETS = 47,
	RAD_ACCT_OUTPUT_PACKETS = 48, RAD_ACCT_TERMINATE_CAUSE = 49,
	RAD_ACCT_MULTI_SESSION_ID = 50, RAD_ACCT_LINK_COUNT = 51,
	RAD_ACCT_INPUT_GIGAWORDS = 52, RAD_ACCT_OUTPUT_GIGAWORDS = 53,
	RAD_CHAP_CHALLENGE = 60, RAD_NAS_PORT_TYPE = 61,
	RAD_TUNNEL_TYPE = 64, RAD_TUNNEL_MEDIUM_TYPE = 65,
	RAD_TUNNEL_CLIENT_ENDPOINT = 66, RAD_TUNNEL_SERVER_ENDPOINT = 67,
	RAD_EAP_MESSAGE = 79, RAD_MESSAGE_AUTHENTIC = 80,
	RAD_ACCT_INTERIM_INTERVAL = 85, RAD_NAS_PORT_ID = 87,
	RAD_FRAMED_POOL = 88, RAD_NAS_IPV6_ADDRESS = 95,
	RAD_TUNNEL_CLIENT_AUTH_ID = 90, RAD_TUNNEL_SERVER_AUTH_ID = 91,
	RAD_FRAMED_IPV6_ROUTE = 99, RAD_ERROR_CAUSE = 101,
};

#define RAD_VENDOR_MICROSOFT	311
enum {
	RAD_MS_CHAP_RESPONSE = 1, RAD_MS_CHAP_ERROR = 2,
	RAD_MS_MPPE_ENCRYPTION_POLICY = 7, RAD_MS_MPPE_ENCRYPTION_TYPES = 8,
	RAD_MS_CHAP_DOMAIN = 10, RAD_MS_CHAP_CHALLENGE = 11,
	RAD_MS_CHAP_MPPE_KEYS = 12, RAD_MS_MPPE_SEND_KEY = 16,
	RAD_MS_MPPE_RECV_KEY = 17, RAD_MS_CHAP2_RESPONSE = 25,
	RAD_MS_CHAP2_SUCCESS = 26, RAD_MS_PRIMARY_DNS = 28,
	RAD_MS_SECONDARY_DNS = 29, RAD_MS_PRIMARY_NBNS = 30,
	RAD_MS_SECONDARY_NBNS = 31,
};

#define RAD_VENDOR_MPD		12341	/* conf/dictionary.mpd */
enum {
	RAD_MPD_RULE = 1, RAD_MPD_PIPE, RAD_MPD_QUEUE, RAD_MPD_TABLE,
	RAD_MPD_TABLE_STATIC, RAD_MPD_FILTER, RAD_MPD_LIMIT,
	RAD_MPD_INPUT_OCTETS, RAD_MPD_INPUT_PACKETS, RAD_MPD_OUTPUT_OCTETS,
	RAD_MPD_OUTPUT_PACKETS, RAD_MPD_LINK, RAD_MPD_BUNDLE, RAD_MPD_IFACE,
	RAD_MPD_IFACE_INDEX, RAD_MPD_INPUT_ACCT, RAD_MPD_OUTPUT_ACCT,
	RAD_MPD_ACTION, RAD_MPD_PEER_IDENT, RAD_MPD_IFACE_NAME,
	RAD_MPD_IFACE_DESCR, RAD_MPD_IFACE_GROUP,
	RAD_MPD_DROP_USER = 154,
};

#define RAD_VENDOR_DSL_FORUM	3561
enum { RAD_DSL_AGENT_CIRCUIT_ID = 1, RAD_DSL_AGENT_REMOTE_ID = 2 };

/* Acct-Status-Type values (RFC 2866 5.1). */
enum { RAD_ACCT_START = 1, RAD_ACCT_STOP = 2, RAD_ACCT_UPDATE = 3 };

/* Error-Cause values (RFC 5176 3.6) mpd5 sends. */
enum {
	RAD_ERR_UNSUPPORTED_ATTRIBUTE = 401,
	RAD_ERR_MISSING_ATTRIBUTE = 402, RAD_ERR_NAS_ID_MISMATCH = 403,
	RAD_ERR_INVALID_REQUEST = 404, RAD_ERR_UNSUPPORTED_SERVICE = 405,
	RAD_ERR_ADMIN_PROHIBITED = 501, RAD_ERR_SESSION_NOT_FOUND = 503,
	RAD_ERR_SESSION_NOT_REMOVABLE = 504,
};

/* A packet under construction (the whole datagram). */
struct rad_pkt {
	uint8_t		buf[RAD_MAX_PKT];
	size_t		len;
	size_t		msg_auth_off;	/* value offset of Message-Auth, 0 */
	bool		overflow;	/* an attribute did not fit */
	bool		reply_msg_auth;	/* the answer must carry one (EAP) */
};

/* Start a packet: code, identifier, authenticator (NULL = zeros). */
void	rad_pkt_init(struct rad_pkt *p, uint8_t code, uint8_t id,
	    const uint8_t auth[RAD_AUTH_LEN]);
/*
 * Append an attribute.  Values longer than 253 bytes are refused (-1),
 * except by rad_put_split(), which cuts them into 253-byte attributes of
 * the same type (EAP-Message, RFC 3579 3.1).  A full packet sets
 * p->overflow and returns -1.
 */
int	rad_put(struct rad_pkt *p, uint8_t type, const void *val, size_t len);
int	rad_put_split(struct rad_pkt *p, uint8_t type, const void *val,
	    size_t len);
int	rad_put_str(struct rad_pkt *p, uint8_t type, const char *s);
int	rad_put_int(struct rad_pkt *p, uint8_t type, uint32_t v);
int	rad_put_addr(struct rad_pkt *p, uint8_t type, struct in_addr a);
/* Vendor-Specific with one sub-attribute (RFC 2865 5.26). */
int	rad_put_vsa(struct rad_pkt *p, uint32_t vendor, uint8_t vtype,
	    const void *val, size_t len);
int	rad_put_vsa_str(struct rad_pkt *p, uint32_t vendor, uint8_t vtype,
	    const char *s);
int	rad_put_vsa_int(struct rad_pkt *p, uint32_t vendor, uint8_t vtype,
	    uint32_t v);
/*
 * User-Password hidden with secret and the packet's (already set)
 * Request Authenticator (RFC 2865 5.2).  Passwords over 128 bytes: -1.
 */
int	rad_put_password(struct rad_pkt *p, const char *secret,
	    const char *password);
/* A zero Message-Authenticator, filled in by the finish functions. */
int	rad_put_msg_auth(struct rad_pkt *p);
/*
 * Finish a request: sets Length, then for Access-Request the
 * Message-Authenticator (HMAC-MD5 keyed by secret over the packet,
 * RFC 3579 3.2); for every other request code the Request Authenticator
 * MD5(Code+Id+Length+16 zero octets+Attributes+Secret) (RFC 2866 3,
 * RFC 5176 2.3), the Message-Authenticator being computed first with a
 * zero authenticator.  Returns the length, or -1 on overflow.
 */
int	rad_finish_request(struct rad_pkt *p, const char *secret);
/*
 * Finish a response to a request whose authenticator was req_auth:
 * Message-Authenticator over the packet with req_auth in place, then the
 * Response Authenticator MD5(Code+Id+Length+ReqAuth+Attributes+Secret).
 */
int	rad_finish_response(struct rad_pkt *p, const uint8_t req_auth[16],
	    const char *secret);

/*
 * Check that buf holds a well-formed RADIUS packet: a header, a Length
 * field in [20, len] (bytes after Length are padding and ignored) and
 * attributes that exactly tile the rest, each at least 2 bytes long.
 * Returns the packet length, or -1.
 */
int	rad_check(const uint8_t *buf, size_t len);

/* Walk the attributes of a checked packet. */
struct rad_iter {
	const uint8_t	*p, *end;
};
void	rad_iter_init(struct rad_iter *it, const uint8_t *pkt, size_t len);
/* Next attribute: 1 with type/val/len set, 0 at the end, -1 malformed. */
int	rad_iter_next(struct rad_iter *it, uint8_t *type, const uint8_t **val,
	    size_t *len);
/*
 * Split a Vendor-Specific value into vendor and one sub-attribute
 * (RFC 2865 5.26's recommended format).  Returns 0 or -1.
 */
int	rad_vsa_parse(const uint8_t *val, size_t len, uint32_t *vendor,
	    uint8_t *vtype, const uint8_t **vval, size_t *vlen);

/*
 * Verify a response to a request with authenticator req_auth: Response
 * Authenticator and, when present, the Message-Authenticator (RFC 3579
 * 3.2).  require_msg_auth: a reply without one is refused too.  len is a
 * rad_check() length.  Returns 0 or -1.
 */
int	rad_verify_response(const uint8_t *pkt, size_t len,
	    const uint8_t req_auth[16], const char *secret,
	    bool require_msg_auth);
/*
 * Verify a request whose authenticator is the MD5 over the packet with a
 * zero authenticator (Accounting-Request, Disconnect/CoA-Request), and
 * its Message-Authenticator when present.  Returns 0 or -1.
 */
int	rad_verify_request(const uint8_t *pkt, size_t len, const char *secret);

/* HMAC-MD5 (RFC 2104) over data with key. */
int	rad_hmac_md5(const void *key, size_t klen, const uint8_t *data,
	    size_t dlen, uint8_t out[16]);
/*
 * Undo the salted hiding of MS-MPPE-Send/Recv-Key (RFC 2548 2.4.2/2.4.3):
 * val = salt(2) + ciphertext (a multiple of 16).  out receives the key
 * (its length octet is checked); returns the key length, or -1.
 */
int	rad_mppe_key_decrypt(const uint8_t *val, size_t len,
	    const char *secret, const uint8_t req_auth[16], uint8_t *out,
	    size_t cap);
/* Hide a key the same way (tests and the fuzz corpus); salt given. */
int	rad_mppe_key_encrypt(const uint8_t *key, size_t klen,
	    uint16_t salt, const char *secret, const uint8_t req_auth[16],
	    uint8_t *out, size_t cap);
/*
 * Undo the User-Password style hiding (RFC 2865 5.2, RFC 2548 2.4.1
 * MS-CHAP-MPPE-Keys): len a multiple of 16.  Returns 0 or -1.
 */
int	rad_unhide(const uint8_t *val, size_t len, const char *secret,
	    const uint8_t req_auth[16], uint8_t *out);

#define RAD_MAX_ROUTES	32

/* What an Access reply carried (spec 9.3 reply table). */
struct rad_reply {
	uint8_t		code;
	char		user_name[64];
	bool		have_framed_ip;
	struct in_addr	framed_ip;
	struct in_addr	framed_netmask;
	char		framed_pool[32];
	int		nroutes;
	struct u_range	routes[RAD_MAX_ROUTES];
	int		framed_mtu;
	bool		vjcomp;
	int		session_timeout;
	int		idle_timeout;
	int		acct_interim;
	char		filter_id[64];
	char		reply_message[128];
	uint8_t		state[RAD_MAX_ATTR_VAL];
	size_t		state_len;
	uint8_t		class_[RAD_MAX_ATTR_VAL];
	size_t		class_len;
	uint8_t		eap[RAD_MAX_PKT];	/* EAP-Message, joined */
	size_t		eap_len;
	char		mschap_error[128];
	char		mschap2_success[64];	/* "S=..." without the id */
	char		ms_domain[64];
	bool		have_mppe_keys;		/* Send and Recv-Key */
	int		mppe_bits;		/* 1 send, 2 recv seen */
	uint8_t		mppe_send_key[16];
	uint8_t		mppe_recv_key[16];
	bool		have_mschap_mppe_keys;	/* MS-CHAP-MPPE-Keys (v1) */
	uint8_t		ms_lm_key[8];
	uint8_t		ms_nt_key[16];
	int		mppe_policy;		/* 0 unset, 1 allowed, 2 req */
	int		mppe_types;
	struct in_addr	dns[2];
	struct in_addr	nbns[2];
	char		mpd_action[64];
	char		mpd_iface_name[16];
	char		mpd_iface_descr[128];
	char		mpd_iface_group[16];
	char		mpd_input_acct[32];
	char		mpd_output_acct[32];
	int		mpd_drop_user;
	int		unknown;		/* attributes ignored */
};

/*
 * Parse a verified reply (rad_check() length) into r, decrypting the
 * MPPE keys with secret and the request authenticator.  Pure; never
 * fails on odd attributes (they are skipped and counted in r->unknown),
 * returns -1 only when the attributes are malformed.
 */
int	rad_parse_reply(const uint8_t *pkt, size_t len, const char *secret,
	    const uint8_t req_auth[16], struct rad_reply *r);

/* What a Disconnect/CoA-Request carried (spec 9.5). */
struct rad_dae_req {
	uint8_t		code;
	uint8_t		id;
	bool		have_nas_ip;
	struct in_addr	nas_ip;
	bool		have_service_type;
	bool		have_msg_auth;
	int		nmatch;			/* identification attrs */
	char		user_name[64];
	bool		have_user_name;
	uint32_t	nas_port;
	bool		have_nas_port;
	struct in_addr	framed_ip;
	bool		have_framed_ip;
	char		called[64];
	bool		have_called;
	char		calling[64];
	bool		have_calling;
	char		session_id[64];
	bool		have_session_id;
	char		multi_session_id[64];
	bool		have_multi_session_id;
	char		link[32];
	bool		have_link;
	char		bundle[32];
	bool		have_bundle;
	char		iface[32];
	bool		have_iface;
	uint32_t	iface_index;
	bool		have_iface_index;
	/* CoA parameters */
	uint8_t		state[RAD_MAX_ATTR_VAL];
	size_t		state_len;
	int		session_timeout;	/* -1 = absent */
	int		idle_timeout;
	int		acct_interim;
	char		input_acct[32];
	char		output_acct[32];
};

/*
 * Parse a Disconnect- or CoA-Request (rad_check() length); identifiers
 * of the wrong size or with odd strings are refused.  Pure.  Returns 0
 * or -1 (not a DAE request, malformed).
 */
int	rad_parse_dae(const uint8_t *pkt, size_t len, struct rad_dae_req *q);

#endif /* MPD_AUTH_RADIUS_PROTO_H */

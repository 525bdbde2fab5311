/*
 * auth_local.h - authentication runtime shared by auth_run.c (phase
 * control, backends), pap.c, chap.c and eap.c.  Not for other modules:
 * they use auth.h.
 *
 * One struct auth_state per link (l->auth_st).  Each direction has its
 * own half: `srv` while the peer authenticates to us (we are the
 * authenticator, LCP's want.auth), `cli` while we authenticate to the
 * peer (LCP's peer.auth).  The two run independently; the phase ends
 * when both are done or one fails (auth_dir_done()).
 */
#ifndef MPD_AUTH_AUTH_LOCAL_H
#define MPD_AUTH_AUTH_LOCAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/event.h"
#include "../ppp/lcp.h"
#include "auth.h"
#include "auth_proto.h"
#include "extauth.h"
#include "radius.h"

#define AUTH_RETRIES		5	/* Request / Challenge sends */

/* Messages sent to the peer (mpd5's texts). */
#define AUTH_MSG_WELCOME	"Welcome"
#define AUTH_MSG_INVALID	"Login incorrect"
#define AUTH_MSG_BAD_PACKET	"Incorrectly formatted packet"
#define AUTH_MSG_NOT_ALLOWED	"Login not allowed for this account"
#define AUTH_MSG_NOT_EXPECTED	"Unexpected packet"
#define AUTH_MSG_ACCT_DISAB	"Account disabled"
#define AUTH_MSG_RESTR_HOURS	"Login hours restricted"

/*
 * The detail of a failed or timed-out authentication, for LCP's down
 * reason "Login failed:<detail>" (mpd5's STR_PPP_AUTH_FAILURE).
 */
#define AUTH_REASON_FAIL	"PPP authorization failed."

/* MS-CHAP error codes (RFC 2433 3, RFC 2759 6). */
#define MSCHAP_ERROR_RESTRICTED_LOGON_HOURS	646
#define MSCHAP_ERROR_ACCT_DISABLED		647
#define MSCHAP_ERROR_NO_DIALIN_PERMISSION	649
#define MSCHAP_ERROR_AUTHENTICATION_FAILURE	691

enum auth_status {
	AUTH_STATUS_UNDEF,	/* credentials known, protocol verifies */
	AUTH_STATUS_FAIL,
	AUTH_STATUS_SUCCESS,
	AUTH_STATUS_BUSY,
};

enum auth_fail {
	AUTH_FAIL_INVALID_LOGIN,
	AUTH_FAIL_ACCT_DISABLED,
	AUTH_FAIL_NO_PERMISSION,
	AUTH_FAIL_RESTRICTED_HOURS,
	AUTH_FAIL_INVALID_PACKET,
	AUTH_FAIL_NOT_EXPECTED,
};

struct auth_state;

/*
 * One verification through the backends.  Built on the loop, then owned
 * by a worker thread until it is delivered back (auth_run.c): the worker
 * reads the request half and writes the result half, nothing else.
 */
struct auth_req {
	struct auth_state	*st;		/* owner; never used by the worker */
	long			 job;
	/* request */
	char			 lnk[32];
	uint16_t		 proto;		/* PROTO_PAP/CHAP/EAP */
	enum lcp_auth		 alg;		/* the protocol the peer used */
	uint32_t		 options;	/* enum auth_opt bits */
	char			 authname[64];
	char			 extauth_script[128];
	char			 secret_path[PATH_MAX];
	unsigned		 ext_timeout_ms;
	struct extauth_request	 ext;
	/* for RADIUS and PAM: what the peer sent */
	struct radius_snap	*rad;		/* NULL: no radius-auth */
	char			 pam_service[64];
	char			 pam_confdir[PATH_MAX];
	uint8_t			 chap_alg;	/* CHAP_ALG_* or 0 */
	uint8_t			 chap_id;
	uint8_t			 chal[16];
	size_t			 chal_len;
	uint8_t			 value[CHAP_MS_VAL_LEN];
	size_t			 value_len;
	uint8_t			 eap[1500];	/* EAP packet to proxy */
	size_t			 eap_len;
	/* result */
	enum auth_status	 status;
	enum auth_fail		 why_fail;
	bool			 have_password;
	char			 password[128];
	bool			 have_nt_hash;
	uint8_t			 nt_hash[16];
	bool			 have_reply_message;
	char			 mschap_error[128];
	char			 mschap2_success[64];	/* RADIUS "S=..." */
	uint8_t			 rad_code;	/* RADIUS answer, 0 none */
	bool			 have_ms_nt_key;	/* MS-CHAP-MPPE-Keys */
	uint8_t			 ms_nt_key[16];
	struct auth_data	 data;
};

/* Client-side credential lookup (mpd.secret by our own name). */
struct auth_cred {
	struct auth_state	*st;
	long			 job;
	char			 lnk[32];
	char			 secret_path[PATH_MAX];
	char			 name[64];
	int			 rc;		/* secret_lookup() result */
	char			 password[128];
};

struct auth_state {
	struct link		*l;
	bool			 running;	/* in the Authenticate phase */
	enum lcp_auth		 cli_proto;	/* as negotiated */
	enum lcp_auth		 srv_proto;
	enum lcp_auth		 self_to_peer;	/* NONE once done */
	enum lcp_auth		 peer_to_self;
	struct timer		 timer;		/* the whole phase */
	struct auth_data	 data;		/* auth_result() */
	bool			 keys_from_cli;	/* MPPE keys of our own login */
	auth_xmit_fn		*xmit;		/* NULL: link_xmit() */
	auth_done_fn		*done;		/* NULL: lcp_auth_done() */

	/* we are the authenticator */
	struct {
		struct timer	 timer;		/* Challenge/Identity resend */
		int		 retry;
		uint8_t		 next_id;
		uint16_t	 chap_proto;	/* PROTO_CHAP, or EAP (MD5) */
		uint8_t		 alg;		/* CHAP_ALG_* */
		uint8_t		 chal[16];
		size_t		 chal_len;
		uint8_t		 chal_first_id;	/* ids of this challenge */
		uint8_t		 chal_id;
		char		 myname[64];	/* name in our Challenges */
		struct auth_req	*req;		/* backend job */
		/* the answer under verification */
		uint8_t		 resp_id;
		char		 resp_name[64];	/* name in the Response */
		uint8_t		 value[CHAP_MS_VAL_LEN];
		size_t		 value_len;
		char		 pap_pass[256];
		/* the final answer, for retransmitted Requests/Responses */
		bool		 done;
		uint16_t	 last_proto;
		uint8_t		 last_id;
		uint8_t		 last_pkt[256];
		size_t		 last_len;
		/* EAP */
		int		 eap_step;	/* EAP_SRV_* */
		bool		 eap_md5_tried;
		char		 eap_identity[64];
		/* MS-CHAP results for MPPE */
		bool		 have_keys;
		uint8_t		 nt_hash_hash[16];
		uint8_t		 send_key[16];
		uint8_t		 recv_key[16];
	} srv;

	/* we authenticate to the peer */
	struct {
		struct timer	 timer;		/* Request/Response resend */
		int		 retry;
		uint8_t		 next_id;
		/* password for `name` (conf password or mpd.secret) */
		char		 name[64];
		bool		 have_password;
		char		 password[128];
		struct auth_cred *cred;		/* lookup in progress */
		/* a Challenge waiting for the lookup */
		bool		 chal_pending;
		uint16_t	 chal_proto;
		uint8_t		 chal_pid;
		uint8_t		 chal[255];
		size_t		 chal_len;
		/* our last Response / Request, resent by the timer */
		uint16_t	 resp_proto;
		uint8_t		 resp_id;
		bool		 resp_valid;
		uint8_t		 resp_pkt[AUTH_HDR_LEN + 1 + 255 + 64 + 1];
		size_t		 resp_len;
		/* MS-CHAP state to check the Success and derive keys */
		uint8_t		 alg;
		uint8_t		 auth_chal[16];
		uint8_t		 peer_chal[16];
		uint8_t		 nt_resp[24];
		uint8_t		 nt_hash[16];
		char		 user[64];
		bool		 eap_md5_nakked;
		bool		 have_keys;
		uint8_t		 nt_hash_hash[16];
		uint8_t		 send_key[16];
		uint8_t		 recv_key[16];
	} cli;
};

enum { EAP_SRV_IDLE, EAP_SRV_IDENTITY, EAP_SRV_METHOD };

/* ---- auth_run.c ---- */

/* One direction finished (server: the peer authenticated to us). */
void	auth_dir_done(struct auth_state *st, bool server, bool ok);
/*
 * Send a finished packet (header included) of proto; logs it the mpd5
 * way ("[L1] CHAP: sending SUCCESS #1 len: 46").
 */
void	auth_xmit(struct auth_state *st, uint16_t proto, const uint8_t *pkt,
	    size_t len);
/*
 * Check the peer's name (empty names, max-logins) and start the backends
 * for it; pap_server_finish() or chap_server_finish() runs on the loop
 * with req's verdict, then req is freed.  A
 * request the checks refuse, or that can't be queued, finishes at once
 * with AUTH_STATUS_FAIL.  With a backend job already running the
 * request is answered "busy" (st->srv.req unchanged).
 */
void	auth_backend_start(struct auth_state *st, struct auth_req *req);
/* A request for the link, the peer's name and protocol. */
struct auth_req *auth_req_new(struct auth_state *st, uint16_t proto,
	    enum lcp_auth alg, const char *name);
void	auth_req_free(struct auth_req *req);
/* Look our own password up in mpd.secret in a worker; then done(st). */
void	auth_cred_lookup(struct auth_state *st, const char *name);
/* "authenticated", "failed", ... */
const char *auth_status_text(enum auth_status s);
/* The failure message for the peer (mpd5's AuthFailMsg). */
const char *auth_fail_msg(const struct auth_req *req, enum auth_fail why,
	    uint8_t alg, const uint8_t *chal, size_t chal_len, char *buf,
	    size_t len);
/* Copy a peer-supplied string for logs: non-printables become '?'. */
char	*auth_printable(const uint8_t *s, size_t len, char *buf, size_t size);
/* Log a peer message the way mpd5 does: "[L1]   MESG: text". */
void	auth_show_msg(const struct auth_state *st, const uint8_t *msg,
	    size_t len);
/* Random bytes for challenges. */
void	auth_random(uint8_t *buf, size_t len);
/* fsm-timeout of the link in milliseconds. */
unsigned auth_retry_ms(const struct auth_state *st);
/* CHAP algorithm number of a negotiated protocol (0 when not CHAP). */
uint8_t	auth_chap_alg(enum lcp_auth a);

/*
 * ---- radius.c ----
 * radius_backend: the radius-auth backend (worker thread; r only).
 */
void	radius_backend(struct auth_req *r);

/*
 * ---- pam.c ----
 * pam_backend: the pam-auth backend, PAP only (worker thread; r only).
 * system_backend: system-auth through the shadow password (worker).
 */
void	pam_backend(struct auth_req *r);
/* Copy the PAM service settings into r (loop thread). */
void	pam_conf_fill(struct auth_req *r);
/*
 * pam-acct (worker threads): open a PAM session for user (returns the
 * handle, or NULL, logged) / close it and free the handle (NULL is fine).
 */
void	*pam_acct_open(const char *service, const char *user,
	    const char *rhost, const char *lnk);
void	pam_acct_close(void *handle, const char *lnk);
/*
 * system-acct (worker threads, one at a time): a utmp + wtmp login
 * (start) or logout record for line (the link name).
 */
void	sys_acct_record(bool start, const char *line, const char *user,
	    const char *host, const char *lnk);
void	system_backend(struct auth_req *r);

/*
 * ---- pap.c ----
 * pap_start_client: our Request side begins (password from the config or
 * a mpd.secret lookup, then Requests every fsm-timeout).  pap_input: any
 * PAP packet.  pap_stop: stop the retransmissions.  pap_cred_ready: the
 * lookup auth_cred_lookup() started has answered (st->cli).
 */
void	pap_start_client(struct auth_state *st);
void	pap_input(struct auth_state *st, const struct auth_hdr *h);
void	pap_stop(struct auth_state *st);
void	pap_cred_ready(struct auth_state *st);
/* The backends answered for a Request (auth_backend_start's finish). */
void	pap_server_finish(struct auth_state *st, struct auth_req *req);

/*
 * ---- chap.c ----
 * chap_start_server: send our Challenge (proto PROTO_CHAP with alg, or
 * PROTO_EAP for EAP-MD5) and arm its retransmission.  chap_input: any
 * CHAP packet.  The three chap_client_* / chap_server_* entry points take
 * the Value/Name data of a CHAP packet or of an EAP-MD5 Request/Response
 * (eap.c), id being the packet's Identifier.  chap_stop: stop both
 * directions' timers.  chap_cred_ready: our password lookup answered.
 */
void	chap_start_server(struct auth_state *st, uint16_t proto, uint8_t alg);
void	chap_input(struct auth_state *st, const struct auth_hdr *h);
/* A Challenge for us to answer. */
void	chap_client_challenge(struct auth_state *st, uint16_t proto,
	    uint8_t id, const uint8_t *data, size_t len);
/* A Response to verify. */
void	chap_server_response(struct auth_state *st, uint16_t proto,
	    uint8_t id, const uint8_t *data, size_t len);
/* Our peer-side CHAP finished: Success (ok) or Failure with its text. */
void	chap_client_result(struct auth_state *st, uint16_t proto, uint8_t id,
	    bool ok, const uint8_t *msg, size_t len);
void	chap_stop(struct auth_state *st);
void	chap_cred_ready(struct auth_state *st);
/* The backends answered for a Response (CHAP or EAP-MD5). */
void	chap_server_finish(struct auth_state *st, struct auth_req *req);

/*
 * ---- eap.c ----
 * eap_start_server: Request/Identity and its retransmission.  eap_input:
 * a whole EAP packet (header included, length already checked).
 * eap_stop: stop the authenticator's timer.
 */
void	eap_start_server(struct auth_state *st);
void	eap_input(struct auth_state *st, const uint8_t *pkt, size_t len);
void	eap_stop(struct auth_state *st);
/*
 * The link's half of an ext-auth/ext-acct request (session id, link,
 * NAS port and type, calling/called numbers, addresses and names, peer
 * interface, originated, peer ident), as auth and accounting send it.
 */
void	auth_ext_link_fill(struct extauth_request *x, const struct link *l);
/* The RADIUS answer to a relayed Response (radius-proxy). */
void	eap_proxy_finish(struct auth_state *st, struct auth_req *req);

#endif /* MPD_AUTH_AUTH_LOCAL_H */

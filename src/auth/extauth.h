/*
 * extauth.h - the `ext-auth` backend: an external script speaking mpd5's
 * line protocol (surface spec 9.2).
 *
 * The script runs as `/bin/sh -c "<script> '<user>'"` with two pipes: it
 * reads NAME:value request lines ended by an empty line on stdin, and
 * writes NAME:value reply lines ended by an empty line (or EOF) on
 * stdout.  extauth_run() blocks and is meant for a worker thread
 * (core/worker.h); it only touches its arguments.  The request builder
 * and the reply parser are pure and separately testable.
 */
#ifndef MPD_AUTH_EXTAUTH_H
#define MPD_AUTH_EXTAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"

#define EXTAUTH_MAX_REPLY	8192	/* bytes of reply read */
#define EXTAUTH_EXIT_GRACE_MS	2000	/* wait for exit after the reply */

enum extauth_result {
	EXTAUTH_FAIL = 0,	/* RESULT missing or anything else */
	EXTAUTH_SUCCESS,	/* RESULT:SUCCESS */
	EXTAUTH_UNDEF,		/* RESULT:UNDEF - mpd verifies */
};

/* Request attributes, in the order they are sent (spec 9.2). */
struct extauth_request {
	char		user[64];
	char		auth_type[16];	/* "PAP", "CHAP MD5", ... */
	bool		send_password;	/* PAP only */
	char		password[128];
	char		session_id[32];
	char		link[32];
	int		nas_port;
	char		nas_port_type[16];
	char		calling[64];
	char		called[64];
	char		self_name[64];
	char		peer_name[64];
	char		self_addr[64];
	char		peer_addr[64];
	char		peer_port[16];
	char		peer_mac[32];
	char		peer_iface[32];
	char		peer_ident[64];
	bool		originated;	/* we placed the call (RADIUS only) */
};

struct extauth_reply {
	enum extauth_result result;
	bool		have_user;		/* USER_NAME */
	char		user[64];
	bool		have_password;		/* USER_PASSWORD */
	char		password[128];
	bool		have_nt_hash;		/* USER_NT_HASH */
	uint8_t		nt_hash[16];
	bool		have_lm_hash;		/* USER_LM_HASH */
	uint8_t		lm_hash[16];
	bool		have_reply_message;	/* REPLY_MESSAGE */
	char		mschap_error[128];	/* MS_CHAP_ERROR */
	struct auth_data data;			/* everything else */
};

/*
 * Write the request text (attribute lines and the final empty line)
 * into buf.  Values are cut at line breaks so a peer-supplied string
 * can't inject attributes.  Returns the length, or 0 if it does not fit.
 */
size_t	extauth_build_request(const struct extauth_request *rq, char *buf,
	    size_t cap);
/*
 * Apply one reply line "NAME:value" (modified in place) to rp.  Unknown
 * names are logged as "[<lnk>] Ext-auth: Unknown attr:'NAME'"; values are
 * logged at auth2 with passwords and hashes masked.
 */
void	extauth_parse_line(char *line, struct extauth_reply *rp,
	    const char *lnk);
/*
 * Parse a whole reply (NUL-terminated, modified in place) up to the first
 * empty line.  rp starts as a failure.
 */
void	extauth_parse_reply(char *text, struct extauth_reply *rp,
	    const char *lnk);
/*
 * Run script for rq->user, send the request and read the reply, within
 * timeout_ms (and giving up early when worker_should_stop()).  User names
 * containing a quote or a line break are refused (spec 13 #22).  Returns
 * 0 with rp filled, or -1 (no script, refused name, can't start, timed
 * out); lnk prefixes the log lines.
 */
int	extauth_run(const char *script, const struct extauth_request *rq,
	    unsigned timeout_ms, struct extauth_reply *rp, const char *lnk);

/*
 * The transport of both scripts (ext-auth, ext-acct): run
 * `<script> '<user>'`, write req (req_len bytes) to its stdin and read
 * its reply into reply (EXTAUTH_MAX_REPLY + 1 bytes, NUL-terminated) up
 * to an empty line or EOF, within timeout_ms.  what ("auth"/"acct")
 * names the log lines.  Blocking (worker threads).  Returns the reply
 * length, or -1.
 */
int	extauth_exchange(const char *script, const char *user, const char *req,
	    size_t req_len, unsigned timeout_ms, char *reply, const char *what,
	    const char *lnk);

#endif /* MPD_AUTH_EXTAUTH_H */

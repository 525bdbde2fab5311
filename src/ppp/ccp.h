/*
 * ccp.h - CCP, MPPC and ECP configuration of a bundle (set ccp, set mppc,
 * set ecp, show ccp/mppc/ecp; surface spec 4.4.5-4.4.7, 5.9).
 */
#ifndef MPD_PPP_CCP_H
#define MPD_PPP_CCP_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/event.h"
#include "../ctl/command.h"
#include "fsm.h"

enum ccp_opt { CCP_OPT_MPPC, CCP_OPT_DEFLATE, CCP_OPT_PRED1 };
enum mppc_opt {
	MPPC_OPT_COMPRESS, MPPC_OPT_E40, MPPC_OPT_E56, MPPC_OPT_E128,
	MPPC_OPT_STATELESS, MPPC_OPT_POLICY,
};
enum ecp_opt { ECP_OPT_DESE_BIS, ECP_OPT_DESE_OLD };

/* CCP / MPPC options (set ccp, set mppc).  Plain data. */
struct ccp_conf {
	struct opt_set	options;
	struct opt_set	mppc;
};

/* ECP options and DES key (set ecp).  Plain data. */
struct ecp_conf {
	struct opt_set	options;
	char		key[64];
};

/* Overwrite c with the defaults: every algorithm disabled and denied. */
void	ccp_conf_defaults(struct ccp_conf *c);
/* Overwrite c with the defaults: no DESE variant, empty key. */
void	ecp_conf_defaults(struct ecp_conf *c);

/* `set ccp|mppc|ecp ...` tables (need a current bundle). */
extern const struct cmdtab ccp_set_cmds[];
extern const struct cmdtab mppc_set_cmds[];
extern const struct cmdtab ecp_set_cmds[];
/*
 * `show ccp` (which includes the `show mppc` block), `show mppc` and
 * `show ecp` for ctx->bund (surface spec 5.9).
 */
int	ccp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	mppc_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	ecp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

/* ---- runtime (ccp_run.c): RFC 1962 CCP ---- */

struct bund;
struct mbuf;
struct auth_data;
struct mppe_dir;
struct deflate_dir;
struct pred1_dir;

/* CCP option types (RFC 1962 and the algorithm RFCs). */
#define CCP_TY_PRED1		1	/* RFC 1978 */
#define CCP_TY_MPPC		18	/* RFC 2118 / 3078 */
#define CCP_TY_DEFLATE		26	/* RFC 1979 */

/* One direction's algorithm while CCP is opened. */
struct ccp_dir {
	int			 type;		/* CCP_TY_*, 0 = none */
	uint32_t		 mppc_bits;	/* option 18 bits */
	int			 wbits;		/* deflate window */
	struct mppe_dir		*mppe;
	struct deflate_dir	*deflate;
	struct pred1_dir	*pred1;
	unsigned		 resets;	/* Reset-Requests sent/received */
};

/*
 * CCP runtime of a bundle (b->ccp), owned by the bundle: created by
 * ccp_init() for a session and freed by ccp_fini().
 */
struct ccp_state {
	struct fsm	 fsm;
	struct bund	*bund;
	/* MPPE start keys of the session (auth result) */
	bool		 have_keys;
	uint8_t		 send_key[16], recv_key[16];
	/* negotiation */
	uint32_t	 peer_reject;	/* our types rejected (bit per type) */
	uint32_t	 want_mppc;	/* bits we ask for */
	int		 want_wbits;	/* deflate window we ask for */
	int		 peer_type;	/* peer's acked request, 0 = none */
	uint32_t	 peer_mppc;
	int		 peer_wbits;
	/* codecs while Opened: xmit = what we send, recv = what we get */
	struct ccp_dir	 xmit, recv;
	/* a Reset-Request of ours awaiting its Reset-Ack */
	bool		 reset_wait;
	uint8_t		 reset_id;
	uint64_t	 reset_ms;
	unsigned	 rx_dropped;	/* data frames dropped (policy) */
	struct timer	 crypt_timer;	/* crypt-reqd close, deferred */
	/*
	 * CCP in the kernel data plane (kccp): the unit's compressor /
	 * decompressor was allocated for this negotiation, or why the
	 * kernel can't do it ("" if it can).
	 */
	bool		 k_xmit, k_recv;
	char		 k_why[64];
	/*
	 * Where CCP packets go after the kernel hooks have seen them
	 * (bund_fsm_output; tests wire two automata together here).
	 */
	fsm_output_fn	*lower;
};

/* Automaton callbacks (for tests and fuzzing). */
extern const struct fsm_type ccp_fsm_type;

/* Create b->ccp (Initial).  Idempotent. */
void	ccp_init(struct bund *b);
/* Stop timers, free codecs and b->ccp.  Idempotent. */
void	ccp_fini(struct bund *b);
/* Take the MPPE keys of the session's auth result (NULL: none). */
void	ccp_set_aaa(struct bund *b, const struct auth_data *ad);
/* FSM events. */
void	ccp_open(struct bund *b);
void	ccp_close(struct bund *b);
void	ccp_up(struct bund *b);
void	ccp_down(struct bund *b);
/* A CCP packet (payload after the protocol field). */
void	ccp_input(struct bund *b, const uint8_t *pkt, size_t len);
/* Peer Protocol-Rejected CCP. */
void	ccp_protorej(struct bund *b);

/*
 * Data path, called by the bundle.  ccp_output(): a data frame (proto <
 * 0x4000) about to be sent: compress (0x00FD) and encrypt (ECP, 0x0053)
 * as negotiated; NULL when it must not go out (crypt-reqd without
 * encryption).  ccp_input_data(): a received data frame: decrypt and
 * decompress, feed uncompressed frames to the history where the algorithm
 * wants it, drop what policy forbids (plain frames while MPPE or ECP is
 * on, crypt-reqd).  Both consume m and return the frame to go on with,
 * updating *proto, or NULL.
 */
struct mbuf *ccp_output(struct bund *b, uint16_t *proto, struct mbuf *m);
struct mbuf *ccp_input_data(struct bund *b, uint16_t *proto,
	    struct mbuf *m);
/* Bytes the interface MTU must leave for CCP/ECP framing (0 if none). */
int	ccp_mtu_overhead(const struct bund *b);
/* True while both directions are encrypted (MPPE or ECP). */
bool	ccp_encrypted(const struct bund *b);
/*
 * Whether IP/IPv6 may cross b in the clear now: false while `crypt-reqd`
 * waits for encryption.
 */
bool	ccp_plain_ok(const struct bund *b);
/*
 * `crypt-reqd`: when neither CCP nor ECP is still negotiating and the
 * bundle is not encrypted both ways, close it ("failed to negotiate
 * required encryption"), deferred through a timer.  Needs b->ccp, which
 * the bundle creates for every session with crypt-reqd.  Called whenever
 * the encryption state may have changed, it first tells a kernel data
 * plane whether IP may pass (dp_ops.np_sync).
 */
void	ccp_check_crypt(struct bund *b);

#endif /* MPD_PPP_CCP_H */

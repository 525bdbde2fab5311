/*
 * phys_sock.h - shared socket/listener helpers for the IP-based device
 * types (tcp, udp, l2tp, pptp).
 *
 * Two layers, each used by the types that need it:
 *
 *  - struct phys_ip_conf: the `self` / `peer` settings every IP-based type
 *    has, with the `set <type> self {ip} [{port}]` and `set <type> peer
 *    {ip[/width]|name} [{port}]` handlers (phys_ip_set_self/_peer).  It is
 *    the FIRST member of the type's dev_conf, so a dev_conf pointer is
 *    also a struct phys_ip_conf pointer.
 *
 *  - struct phys_sock + struct phys_sock_kind: the runtime of the types
 *    that run their own sockets in userland (tcp, udp): one listening
 *    socket per (self address, port) shared by every link and template
 *    accepting calls there (refcounted, as in mpd5), the deferred listen
 *    sync, the choice of the link for an incoming peer (narrowest `peer`
 *    range), and the `show device` block and address views built on the
 *    common fields.  struct phys_sock is the FIRST member of the type's
 *    dev_state; struct phys_sock_conf is the whole dev_conf of tcp/udp.
 *
 * All of it runs in the event loop thread; nothing here blocks except
 * phys_parse_peer()'s name lookup at configuration time.
 */
#ifndef MPD_LINK_PHYS_SOCK_H
#define MPD_LINK_PHYS_SOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/event.h"
#include "../core/util.h"
#include "devices.h"

struct link;

/* ---- settings: `set <type> self|peer` ---- */

/* First member of the dev_conf of tcp, udp, l2tp and pptp. */
struct phys_ip_conf {
	struct u_addr	self_addr;	/* listen / bind address */
	uint16_t	self_port;	/* listen / bind port */
	struct u_range	peer_addr;	/* allowed / target peers */
	uint16_t	peer_port;	/* 0 = any */
	char		peer_fqdn[256];	/* peer as given (may be a name) */
};

struct phys_sock_kind;

/*
 * The cmdtab arg of phys_ip_set_self() / phys_ip_set_peer(): the type
 * the command belongs to (a link of another type gets CMD_ERR_CONTEXT)
 * and, for the listening types, their kind: after `set <type> self` a
 * link that wants to listen is moved to the new address and port.
 */
struct phys_ip_cmd {
	const struct phys_type	*type;
	struct phys_sock_kind	*kind;		/* NULL: no listeners */
};

/*
 * `set <type> self {ip} [{port}]` and `set <type> peer {ip[/width]|name}
 * [{port}]`: a missing port is 0; a port outside 0..65535, a bad address
 * or a wrong word count is CMD_ERR_USAGE.  The peer is kept as given in
 * peer_fqdn and parsed with phys_parse_peer().
 */
int	phys_ip_set_self(struct cmd_ctx *ctx, int ac, char **av,
	    const void *arg);
int	phys_ip_set_peer(struct cmd_ctx *ctx, int ac, char **av,
	    const void *arg);

/*
 * The "Peer FQDN" and "Peer range" lines of the l2tp/pptp `show device`
 * block; the range is followed by ", port N" only when a port is set.
 */
void	phys_ip_show_peer(struct cmd_ctx *ctx, const struct phys_ip_conf *c);

/* ---- tcp / udp: settings ---- */

enum phys_sock_opt {
	PHYS_SOCK_OPT_RESOLVE_ONCE,	/* resolve the peer name only once */
};

/* The options of `set tcp|udp enable|disable`. */
extern const struct opt_def phys_sock_opts[];

/* The whole dev_conf of tcp and udp; owned by the link. */
struct phys_sock_conf {
	struct phys_ip_conf	ip;	/* addresses start unset (UNSPEC) */
	struct opt_set		options;
};

/* conf_new / conf_dup of tcp and udp (conf_free is phys_conf_free()). */
void	*phys_sock_conf_new(void);
void	*phys_sock_conf_dup(const void *src);

/* ---- tcp / udp: runtime ---- */

/*
 * One listening socket per (self address, port) and kind, shared by the
 * links and templates accepting calls there; freed when the last user
 * detaches.  ev's callback is the kind's on_readable, with arg = the
 * listener.
 */
struct phys_listener {
	struct phys_sock_kind	*kind;
	struct u_addr		 addr;
	uint16_t		 port;
	int			 fd;
	int			 refs;
	struct event		 ev;
	struct phys_listener	*next;
};

/*
 * The common part of a tcp/udp link's runtime (first member of its
 * dev_state).  A template only ever uses want_listen and lsn.
 */
struct phys_sock {
	struct link		*l;
	int			 fd;		/* the call's socket or -1 */
	unsigned		 gen;		/* bumped per socket */
	bool			 incoming;	/* accepted vs dialled */
	bool			 want_listen;	/* phys_listen(l, true) */
	struct u_addr		 peer_addr;	/* current peer */
	uint16_t		 peer_port;
	struct phys_listener	*lsn;		/* where we accept calls */
};

/*
 * What a socket type tells the shared code (one static instance per
 * type).  The fields above the line are set by the type; the ones below
 * belong to phys_sock.c.
 */
struct phys_sock_kind {
	const struct phys_type	*type;
	const char		*tag;		/* "TCP": log and show prefix */
	const char		*skip_tag;	/* prefix of "Skipping link" */
	const char		*sync_desc;	/* listen sync timer's name */
	int			 sotype;	/* SOCK_STREAM / SOCK_DGRAM */
	int			 proto;		/* IPPROTO_TCP / _UDP */
	/* SO_REUSEPORT too: per-call sockets bind to the same port */
	bool			 reuseport;
	int			 backlog;	/* > 0: listen() with it */
	/* self port 0 listens here (l2tp 1701, pptp 1723); 0 = required */
	uint16_t		 dflt_port;
	event_cb		*on_readable;	/* a listener is readable */
	const char		*on_readable_name; /* for `show events` */
	/* l's dev_state, created on first use (never NULL) */
	struct phys_sock	*(*state_get)(struct link *l);
	/* optional: ls is being freed (after it left the list) */
	void			 (*listener_gone)(struct phys_listener *ls);
	/* ---- private ---- */
	struct phys_listener	*listeners;
	struct timer		 sync_timer;
};

/*
 * listen op of the socket types: record the wish (creating the state
 * unless listen is false and there is none) and schedule the sync, which
 * opens and closes the listening sockets from the event loop so that the
 * order of `set link enable incoming` and `set <type> self` in mpd.conf
 * does not matter.  A link listens when it asked to, is not dying, has
 * `incoming` enabled and a `self` port (else "<skip_tag>: Skipping link
 * ... with undefined port number" is logged).  Returns 0.
 */
int	phys_sock_listen(struct phys_sock_kind *k, struct link *l,
	    bool listen);
/* Schedule the listen sync of kind k (idempotent). */
void	phys_sock_listen_schedule(struct phys_sock_kind *k);
/*
 * l's dev_state, allocated zeroed (size bytes, tag "phys", its socket
 * unset) on first use.  The state must begin with its struct phys_sock,
 * as the dev_state of every phys_sock_kind does.  Never NULL.
 */
void	*phys_sock_state_get(struct link *l, size_t size);
/* Detach l's state from its listener and free it (dev_state NULL). */
void	phys_sock_state_free(struct link *l);
/* Detach s from its listener, if any (the last user closes it). */
void	phys_sock_unlisten(struct phys_sock *s);

/*
 * An incoming peer (a, port) on ls: among the free (DOWN, not dying)
 * links and templates of ls's kind listening on ls with `incoming`
 * enabled whose `peer` admits the caller, the one with the narrowest peer
 * range (mpd5's choice).  NULL (logged "No free <tag> link with requested
 * parameters was found") when none.
 */
struct link *phys_sock_pick(const struct phys_listener *ls,
	    const struct u_addr *a, uint16_t port);
/*
 * The socket state of l when l is a live (not dying) link or template of
 * type with `incoming` enabled, listening, and a `peer` that admits a
 * caller at (a, port); NULL otherwise.  For the tunnel types, which add
 * their own conditions before choosing with phys_ip_peer_width().
 */
const struct phys_sock *phys_sock_candidate(const struct link *l,
	    const struct phys_type *type, const struct u_addr *a,
	    uint16_t port);
/* How narrow c's `peer` range is: 0 for none; the wider wins less. */
int	phys_ip_peer_width(const struct phys_ip_conf *c);
/*
 * Whether c has no peer to dial; logs "[<link>] <tag>Can't connect
 * without peer specified" (tag "" or e.g. "L2TP: ") when so.
 */
bool	phys_ip_no_peer(const struct link *l, const struct phys_ip_conf *c,
	    const char *tag);
/* Whether a link or template of type other than gone still exists. */
bool	phys_type_in_use(const struct phys_type *type,
	    const struct link *gone);
/*
 * Hand the call from (abuf, port) to template or link t through
 * link_incoming().  Returns the state of the link that takes the call,
 * or NULL (logged: refused, or the link is busy) when it cannot.
 */
struct phys_sock *phys_sock_take(const struct phys_sock_kind *k,
	    struct link *t, const char *abuf, uint16_t port);

/*
 * Back to DOWN after the type dropped its socket and timers: forget the
 * call and report link_phys_down(l, reason) unless l was DOWN already.
 */
void	phys_sock_set_down(struct phys_sock *s, const char *reason);

/* The "<tag> configuration" / "<tag> state" blocks of `show device`. */
void	phys_sock_show(struct cmd_ctx *ctx, const struct link *l,
	    const char *tag);
/*
 * phys_type ops.  peer_addr: the current peer's address, "" when DOWN.
 * self_addr: the configured address, else the socket's local end, else "".
 * calling_num / called_num: peer / self for an incoming call, the other
 * way round for an outgoing one.
 */
void	phys_sock_peer_addr(const struct link *l, char *buf, unsigned len);
void	phys_sock_self_addr(const struct link *l, char *buf, unsigned len);
void	phys_sock_calling_num(const struct link *l, char *buf,
	    unsigned len);
void	phys_sock_called_num(const struct link *l, char *buf, unsigned len);

#endif /* MPD_LINK_PHYS_SOCK_H */

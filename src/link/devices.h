/*
 * devices.h - the device-type table (mpd5's phystype).
 *
 * Each link type (pppoe, l2tp, pptp, tcp, udp, modem, ng) is one const
 * struct phys_type defined in its own file; devices.c holds the only list
 * of them, in `show types` order.  Required operations are never NULL;
 * optional ones are reached through wrappers.
 *
 * Connection operations: a type that can carry PPP implements open/close/
 * send (and listen for incoming calls).  The device reports back to the
 * link layer with link_phys_up(), link_phys_down() and link_phys_input()
 * (ppp/link.h); it never calls into PPP otherwise.  Frames handed to
 * send() and link_phys_input() are PPP frames starting at the address/
 * control field (when present) or the protocol field; async HDLC framing
 * (tcp, modem) and FCS are the device's business.  A device keeps its
 * runtime state in link->dev_state.
 */
#ifndef MPD_LINK_DEVICES_H
#define MPD_LINK_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../ctl/command.h"

struct link;
struct mbuf;

struct phys_type {
	const char		*name;
	const char		*descr;
	int			 mtu;		/* device maximum MTU */
	int			 mru;		/* device maximum MRU */
	bool			 tmpl;		/* supports templates */
	bool			 synchronous;
	/* RFC 2516 7: never negotiate address/control field compression */
	bool			 no_acfc;
	int			 dflt_bandwidth;
	int			 dflt_latency;
	const struct cmdtab	*cmds;		/* `set <type> ...` */
	/* Allocate type settings with defaults (required). */
	void			*(*conf_new)(void);
	/* Copy settings for a template instance (required). */
	void			*(*conf_dup)(const void *src);
	/* Free settings (required). */
	void			 (*conf_free)(void *conf);
	/* Print the type block of `show device` (required). */
	void			 (*show)(struct cmd_ctx *ctx,
				    const struct link *l);
	/* Peer address for `show summary` / web (optional). */
	void			 (*peer_addr)(const struct link *l, char *buf,
				    unsigned len);
	/* Calling / called numbers (optional). */
	void			 (*calling_num)(const struct link *l,
				    char *buf, unsigned len);
	void			 (*called_num)(const struct link *l,
				    char *buf, unsigned len);

	/* ---- connection operations (optional until a type has them) ---- */
	/* Start an outgoing call or, for an incoming one, accept it. */
	int			 (*open)(struct link *l);
	/* Hang up; the device later reports link_phys_down(). */
	void			 (*close)(struct link *l);
	/* Send one PPP frame; consumes m.  Returns 0 or -1 (dropped). */
	int			 (*send)(struct link *l, struct mbuf *m);
	/*
	 * Start (listen true) or stop accepting incoming calls on a link or
	 * template with `incoming` enabled.  An accepted call is given to
	 * link_incoming(), which picks or instantiates the link.  May be
	 * repeated (idempotent); the `set link enable|disable incoming`
	 * handler calls it.
	 */
	int			 (*listen)(struct link *l, bool listen);
	/* Free l->dev_state (link destruction). */
	void			 (*shutdown)(struct link *l);
	/* Device MTU / MRU for LCP (optional: the type's mtu/mru). */
	int			 (*get_mtu)(const struct link *l);
	int			 (*get_mru)(const struct link *l);
	/* Self / peer outer addresses for scripts and `show` (optional). */
	void			 (*self_addr)(const struct link *l, char *buf,
				    unsigned len);
	/*
	 * For AAA (optional): self / peer names (tunnel host names; PPPoE
	 * Agent-Circuit-Id / Agent-Remote-Id) and the peer-facing
	 * interface (NAS-Port-Id).
	 */
	void			 (*self_name)(const struct link *l, char *buf,
				    unsigned len);
	void			 (*peer_name)(const struct link *l, char *buf,
				    unsigned len);
	void			 (*peer_iface)(const struct link *l, char *buf,
				    unsigned len);
	/*
	 * The /dev/ppp descriptor of the link's kernel channel (PPPIOCATTCHAN
	 * done), or -1: the kernel data plane connects it to the bundle's
	 * unit (optional).
	 */
	int			 (*kernel_chan)(const struct link *l);
	/*
	 * Whether this machine's kernel can make the type's kernel channels
	 * (its modules load), probed once (optional: yes when kernel_chan
	 * is set).  The data-plane policy puts a bundle on tun otherwise.
	 */
	bool			 (*kernel_ok)(void);
	/*
	 * kccp: the bundle left the kernel data plane (CCP fallback to
	 * tun): give the kernel channel up, frames go through user space
	 * as for a session that never had one (optional).
	 */
	void			 (*kernel_release)(struct link *l);
};

/* Wrappers: -1 / nothing when the type lacks the operation. */
int	phys_open(struct link *l);
void	phys_close(struct link *l);
int	phys_send(struct link *l, struct mbuf *m);
int	phys_listen(struct link *l, bool listen);
void	phys_shutdown(struct link *l);
int	phys_get_mtu(const struct link *l);
int	phys_get_mru(const struct link *l);
void	phys_self_addr(const struct link *l, char *buf, unsigned len);
int	phys_kernel_chan(const struct link *l);
/* t has kernel channels and the kernel can make them (kernel_ok). */
bool	phys_kernel_ok(const struct phys_type *t);
void	phys_kernel_release(struct link *l);

/* All types in `show types` order, NULL terminated. */
extern const struct phys_type *const g_phys_types[];

const struct phys_type *phys_type_find(const char *name);
void	phys_peer_addr(const struct link *l, char *buf, unsigned len);
void	phys_calling_num(const struct link *l, char *buf, unsigned len);
void	phys_called_num(const struct link *l, char *buf, unsigned len);
/* AAA names and interface (empty when the type has none). */
void	phys_self_name(const struct link *l, char *buf, unsigned len);
void	phys_peer_name(const struct link *l, char *buf, unsigned len);
void	phys_peer_iface(const struct link *l, char *buf, unsigned len);

/* `show types`, `show device` */
int	phys_cmd_show_types(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);
int	phys_cmd_show_device(struct cmd_ctx *ctx, int ac, char **av,
	    const void *a);

/* `show pptp`, `show l2tp`: tunnel lists (empty until the tunnels exist). */
int	pptp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);
int	l2tp_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

/* The `set <type>` tables (phys_<type>.cmds points at the same array). */
extern const struct cmdtab modem_set_cmds[], ng_set_cmds[], tcp_set_cmds[],
	udp_set_cmds[], pptp_set_cmds[], l2tp_set_cmds[], pppoe_set_cmds[];

/*
 * Helpers shared by the device types (devices.c).
 *
 * phys_addr_print() prints an address the way mpd5's `show device` does:
 * an unset address (AF_UNSPEC) prints "UNSPEC" (util.h's u_addr_print()
 * prints "0.0.0.0" instead, which is right for other views).
 * phys_parse_peer() accepts "ip[/width]" or a host name; a name is
 * resolved once, here, to a host range (config time only).  Returns 0 or -1.
 * phys_opt_cmd() is the enable/disable leaf of the device families: like
 * opt_cmd() but an empty word list is accepted silently, as mpd5 does.
 */
struct u_addr;
struct u_range;
char	*phys_addr_print(const struct u_addr *a, char *buf, size_t len);
int	phys_parse_peer(const char *s, struct u_range *r);
int	phys_opt_cmd(struct cmd_ctx *ctx, int ac, char **av, const void *arg);

/*
 * Device settings (link->dev_conf) helpers.  phys_conf_of() returns the
 * settings of the command's link when it is of type t, else NULL (the
 * `set <type>` handlers answer CMD_ERR_CONTEXT then).  phys_conf_copy()
 * is a conf_dup for settings that are size bytes without pointers;
 * phys_conf_free() is the conf_free of such settings.
 */
void	*phys_conf_of(struct cmd_ctx *ctx, const struct phys_type *t);
void	*phys_conf_copy(const void *src, size_t size);
void	 phys_conf_free(void *conf);

/*
 * Socket address helpers of the IP-based types (tcp, udp; phys_sock.c).
 * phys_sockaddr() fills ss from a (u_addr, port); an unset address gives
 * the wildcard of family dflt_family (AF_INET or AF_INET6).  Returns the
 * address length, or 0 when the family is unusable.
 * phys_sockaddr_parse() is the reverse; an IPv4-mapped IPv6 address comes
 * back as IPv4.  phys_addr_equal() compares two addresses (unset ones are
 * equal).  phys_peer_allowed() tells whether a caller at (a, port) passes
 * a `set <type> peer` restriction: an unset range or port 0 allows any.
 */
struct sockaddr_storage;
int	phys_sockaddr(const struct u_addr *a, uint16_t port, int dflt_family,
	    struct sockaddr_storage *ss);
void	phys_sockaddr_parse(const struct sockaddr_storage *ss,
	    struct u_addr *a, uint16_t *port);
bool	phys_addr_equal(const struct u_addr *a, const struct u_addr *b);
bool	phys_peer_allowed(const struct u_range *r, uint16_t rport,
	    const struct u_addr *a, uint16_t port);

/* Device types (one file each). */
extern const struct phys_type phys_modem, phys_ng, phys_tcp, phys_udp,
	phys_pptp, phys_l2tp, phys_pppoe;

#endif /* MPD_LINK_DEVICES_H */

/*
 * devices.h - the device-type table (mpd5's phystype).
 *
 * Each link type (pppoe, l2tp, pptp, tcp, udp, modem, ng) is one const
 * struct phys_type defined in its own file; devices.c holds the only list
 * of them, in `show types` order.  Required operations are never NULL;
 * optional ones are reached through wrappers.  The connection operations
 * (open/close/xmit and the kernel-channel attach) arrive with the link
 * types themselves; until then a type has configuration only.
 */
#ifndef MPD_LINK_DEVICES_H
#define MPD_LINK_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "../ctl/command.h"

struct link;

struct phys_type {
	const char		*name;
	const char		*descr;
	int			 mtu;		/* device maximum MTU */
	int			 mru;		/* device maximum MRU */
	bool			 tmpl;		/* supports templates */
	bool			 synchronous;
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
};

/* All types in `show types` order, NULL terminated. */
extern const struct phys_type *const g_phys_types[];

const struct phys_type *phys_type_find(const char *name);
void	phys_peer_addr(const struct link *l, char *buf, unsigned len);
void	phys_calling_num(const struct link *l, char *buf, unsigned len);
void	phys_called_num(const struct link *l, char *buf, unsigned len);

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

/* Device types (one file each). */
extern const struct phys_type phys_modem, phys_ng, phys_tcp, phys_udp,
	phys_pptp, phys_l2tp, phys_pppoe;

#endif /* MPD_LINK_DEVICES_H */

/*
 * l2tp.h - shared between the two halves of the "l2tp" device type:
 * l2tp.c (settings, `set l2tp`, the configuration part of `show device`)
 * and l2tp_ctrl.c (tunnels, sessions and the data path, RFC 2661).
 */
#ifndef MPD_LINK_L2TP_H
#define MPD_LINK_L2TP_H

#include <stdbool.h>

#include "phys_sock.h"

enum l2tp_opt {
	L2TP_OPT_OUTCALL,	/* originate as LNS outgoing call (OCRQ) */
	L2TP_OPT_HIDDEN,	/* hide AVPs (needs secret) */
	L2TP_OPT_LENGTH,	/* Length field in data packets */
	L2TP_OPT_DATASEQ,	/* Ns/Nr in data packets */
	L2TP_OPT_RESOLVE_ONCE,	/* resolve the peer name only once */
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct l2tp_conf {
	struct phys_ip_conf ip;	/* self 0 = 1701; peer port 0 = any */
	char		hostname[256];	/* Host Name AVP; "" = system name */
	char		pmask[256];	/* glob on the peer's Host Name */
	char		secret[64];	/* tunnel secret */
	char		callingnum[64];
	char		callednum[64];
	struct opt_set	options;
};

struct link;
struct mbuf;

/* phys_type operations of l2tp (l2tp_ctrl.c); contracts in devices.h. */
int	l2tp_open(struct link *l);
void	l2tp_close(struct link *l);
int	l2tp_send(struct link *l, struct mbuf *m);
int	l2tp_listen(struct link *l, bool listen);
void	l2tp_shutdown(struct link *l);
void	l2tp_peer_addr(const struct link *l, char *buf, unsigned len);
void	l2tp_self_addr(const struct link *l, char *buf, unsigned len);
void	l2tp_calling_num(const struct link *l, char *buf, unsigned len);
/*
 * Our and the peer's tunnel host names (Host Name AVPs) for the scripts'
 * SELF_NAME/PEER_NAME and RADIUS Tunnel-Client/Server-Auth-ID.
 */
void	l2tp_self_name(const struct link *l, char *buf, unsigned len);
void	l2tp_peer_name(const struct link *l, char *buf, unsigned len);
void	l2tp_called_num(const struct link *l, char *buf, unsigned len);
/* The call's kernel channel descriptor (sys/l2tpnl.h), or -1. */
int	l2tp_kernel_chan(const struct link *l);
/* Whether kernel L2TP sessions can be made here (probed once). */
bool	l2tp_kernel_ok(void);
/* The "L2TP status:" lines of `show device` while the link is not DOWN. */
void	l2tp_show_status(struct cmd_ctx *ctx, const struct link *l);

#endif /* MPD_LINK_L2TP_H */

/*
 * pptp.h - shared between the two halves of the "pptp" device type:
 * pptp.c (settings, `set pptp`, the configuration part of `show device`)
 * and pptp_ctrl.c (control connections on TCP 1723, calls and the GRE
 * data path in userland, RFC 2637).
 */
#ifndef MPD_LINK_PPTP_H
#define MPD_LINK_PPTP_H

#include <stdbool.h>

#include "phys_sock.h"

enum pptp_opt {
	PPTP_OPT_OUTCALL,	/* originate Outgoing-Call-Request */
	PPTP_OPT_DELAYED_ACK,	/* delayed GRE acks */
	PPTP_OPT_ALWAYS_ACK,	/* ack in every data packet */
	PPTP_OPT_RESOLVE_ONCE,	/* resolve the peer name only once */
	PPTP_OPT_WINDOWING,	/* RFC 2637 windowing */
};

/* Per-link settings (link->dev_conf); owned by the link. */
struct pptp_conf {
	struct phys_ip_conf ip;	/* self 0 = 1723; peer port 0 = any */
	char		callingnum[64];
	char		callednum[64];
	struct opt_set	options;
};

struct link;
struct mbuf;

/* phys_type operations of pptp (pptp_ctrl.c); contracts in devices.h. */
int	pptp_open(struct link *l);
void	pptp_close(struct link *l);
int	pptp_send(struct link *l, struct mbuf *m);
int	pptp_listen(struct link *l, bool listen);
void	pptp_shutdown(struct link *l);
void	pptp_peer_addr(const struct link *l, char *buf, unsigned len);
void	pptp_self_addr(const struct link *l, char *buf, unsigned len);
void	pptp_calling_num(const struct link *l, char *buf, unsigned len);
void	pptp_called_num(const struct link *l, char *buf, unsigned len);
int	pptp_kernel_chan(const struct link *l);
/* The "PPTP status:" lines of `show device` while the link is not DOWN. */
void	pptp_show_status(struct cmd_ctx *ctx, const struct link *l);

#endif /* MPD_LINK_PPTP_H */

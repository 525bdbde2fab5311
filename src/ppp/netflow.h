/*
 * netflow.h - NetFlow export settings (set netflow, show netflow; surface
 * spec 4.3.7, 5.10).  The exporter (NetFlow v5/v9 from userland, spec 12)
 * arrives later and reads g_netflow; settings are stored now.
 */
#ifndef MPD_PPP_NETFLOW_H
#define MPD_PPP_NETFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/util.h"
#include "../ctl/command.h"

/* Daemon-wide export settings (one exporter for every interface). */
struct netflow_conf {
	struct u_addr	export_addr;	/* collector; unset = none */
	uint16_t	export_port;
	struct u_addr	src_addr;	/* unset = unbound */
	uint16_t	src_port;
	unsigned	inactive;	/* seconds, default 15 */
	unsigned	active;		/* seconds, default 1800 */
	int		version;	/* 5 or 9 */
	unsigned	tmpl_time;	/* v9 template resend, seconds */
	unsigned	tmpl_packets;	/* v9 template resend, packets */
	unsigned	mtu;		/* v9 export datagram size */
	char		node[32];	/* node name; "" = mpd<pid>-nf */
	int		hook;		/* initial hook number; 0 = first free */
	bool		created;	/* the exporter is running */
};

extern struct netflow_conf g_netflow;

extern const struct cmdtab netflow_set_cmds[];
int	netflow_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_PPP_NETFLOW_H */

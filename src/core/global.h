/*
 * global.h - daemon-wide settings of `set global` (surface spec 4.3.1).
 *
 * Plain data read by every layer (tunnel limits, max-children, incoming
 * call shedding); the commands that change it live in ctl/ctl.c.
 */
#ifndef MPD_CORE_GLOBAL_H
#define MPD_CORE_GLOBAL_H

#include <stdint.h>

enum global_opt {
	GLOBAL_OPT_TCP_WRAPPER, GLOBAL_OPT_ONE_SHOT, GLOBAL_OPT_AGENT_CID,
	GLOBAL_OPT_SESSION_TIME,
};

#define GLOBAL_MAX_FILTERS	16

struct global_filter {
	int			 num;
	char			*rule;
	struct global_filter	*next;
};

struct global_conf {
	int		start_rule, start_pipe, start_queue, start_table;
	int		l2tp_timeout, l2tp_limit;
	int		pptp_timeout, pptp_limit;
	int		max_children;
	int		qthresh_min, qthresh_max;
	uint32_t	options;	/* bits of enum global_opt */
	struct global_filter *filters[GLOBAL_MAX_FILTERS + 1];
	/* from the command line */
	const char	*confdir;
	const char	*conffile;
	const char	*pam_service;
	int		 background;
};

extern struct global_conf g_global;

#endif /* MPD_CORE_GLOBAL_H */

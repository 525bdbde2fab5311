/*
 * eap.h - per-link EAP settings (set eap, show eap; surface spec 4.5.4,
 * 5.9).  The EAP protocol (RFC 3748) arrives with the AAA work and reads
 * struct eap_conf.
 */
#ifndef MPD_AUTH_EAP_H
#define MPD_AUTH_EAP_H

#include "../ctl/command.h"

/* EAP options (`set eap enable|accept ...`). */
enum eap_opt {
	EAP_OPT_RADIUS_PROXY,	/* relay EAP to RADIUS (RFC 3579) */
	EAP_OPT_MD5,		/* native EAP-MD5 (peered) */
};

struct eap_conf {
	struct opt_set	options;	/* enum eap_opt */
};

/* Allocate settings with mpd5's defaults (md5 accepted, not enabled). */
struct eap_conf *eap_conf_new(void);
/* Copy for a template instance. */
struct eap_conf *eap_conf_dup(const struct eap_conf *src);
/* Free settings (NULL is fine). */
void	eap_conf_free(struct eap_conf *c);

extern const struct cmdtab eap_set_cmds[];
int	eap_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a);

#endif /* MPD_AUTH_EAP_H */

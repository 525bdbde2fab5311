/*
 * eap.c - per-link EAP settings: `set eap ...` and `show eap` (surface
 * spec 4.5.4, 5.9).
 *
 * The options are md5 (native EAP-MD5, RFC 3748 section 5.4; peered) and
 * radius-proxy (relay everything to RADIUS, RFC 3579).  The protocol
 * itself arrives with the AAA work; `show eap` prints the peer identity
 * of the current session, which stays empty until then.
 */
#include "eap.h"

#include <string.h>

#include "../core/mem.h"
#include "../ppp/link.h"

/* In `show eap` order, as mpd5 lists them. */
static const struct opt_def eap_opts[] = {
	{ "radius-proxy", EAP_OPT_RADIUS_PROXY, false },
	{ "md5", EAP_OPT_MD5, true },
	{ NULL, 0, false },
};

/* New settings: md5 accepted, nothing enabled; owned by the caller. */
struct eap_conf *
eap_conf_new(void)
{
	struct eap_conf *c = mem_alloc("auth", sizeof(*c));

	c->options.accept = 1u << EAP_OPT_MD5;
	return c;
}

/* Copy for a template instance. */
struct eap_conf *
eap_conf_dup(const struct eap_conf *src)
{
	struct eap_conf *c = mem_alloc("auth", sizeof(*c));

	*c = *src;
	return c;
}

/* Free c; NULL is fine. */
void
eap_conf_free(struct eap_conf *c)
{
	mem_free(c);
}

static struct opt_set *
eap_opt_get(struct cmd_ctx *ctx, const struct opt_def **defs)
{
	*defs = eap_opts;
	if (ctx->lnk == NULL || ctx->lnk->eap == NULL)
		return NULL;
	return &ctx->lnk->eap->options;
}

static const struct opt_cmd_arg eap_arg_accept = { OPT_ACCEPT, eap_opt_get };
static const struct opt_cmd_arg eap_arg_deny = { OPT_DENY, eap_opt_get };
static const struct opt_cmd_arg eap_arg_enable = { OPT_ENABLE, eap_opt_get };
static const struct opt_cmd_arg eap_arg_disable = { OPT_DISABLE, eap_opt_get };
static const struct opt_cmd_arg eap_arg_yes = { OPT_YES, eap_opt_get };
static const struct opt_cmd_arg eap_arg_no = { OPT_NO, eap_opt_get };

/* The six verbs; a verb without option names is a usage error (mpd5). */
const struct cmdtab eap_set_cmds[] = {
	{ .name = "accept [opt ...]", .desc = "Accept option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_accept },
	{ .name = "deny [opt ...]", .desc = "Deny option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_deny },
	{ .name = "enable [opt ...]", .desc = "Enable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_enable },
	{ .name = "disable [opt ...]", .desc = "Disable option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_disable },
	{ .name = "yes [opt ...]", .desc = "Enable and accept option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_yes },
	{ .name = "no [opt ...]", .desc = "Disable and deny option",
	  .func = opt_cmd, .admit = cmd_admit_link, .priv = PRIV_ADMIN,
	  .arg = &eap_arg_no },
	{ .name = NULL },
};

/* `show eap`: the peer's EAP identity and the options (spec 5.9). */
int
eap_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	if (ctx->lnk == NULL || ctx->lnk->eap == NULL)
		return CMD_ERR_CONTEXT;
	cmd_printf(ctx, "\tIdentity     : %s\n", "");
	cmd_printf(ctx, "EAP options\n");
	opt_show(ctx, &ctx->lnk->eap->options, eap_opts);
	return CMD_OK;
}

/*
 * command.c - the command engine: matching, privileges, context admission,
 * error texts, help and completion (surface spec 4.0), and the top-level,
 * `create`, `destroy`, `set`, `unset` and `show` tables.
 *
 * The same engine serves mpd.conf (conf.c), the consoles (console.c) and
 * the web interface (web.c).  Each table entry's name is a template whose
 * first word is what the user types; the rest documents the arguments and
 * is printed in "Usage:" lines.
 */
#include "command.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../auth/auth.h"
#include "../auth/eap.h"
#include "../auth/ippool.h"
#include "../auth/radius.h"
#include "../auth/radsrv.h"
#include "../core/defs.h"
#include "../core/event.h"
#include "../core/log.h"
#include "../core/mem.h"
#include "../core/util.h"
#include "../link/devices.h"
#include "../ppp/bund.h"
#include "../ppp/ccp.h"
#include "../ppp/iface.h"
#include "../ppp/ipcp.h"
#include "../ppp/link.h"
#include "../ppp/nat.h"
#include "../ppp/netflow.h"
#include "../ppp/rep.h"
#include "conf.h"
#include "console.h"
#include "ctl.h"
#include "web.h"

#define CMD_MAX_TEMPLATE	256
#define PATH_MAX_LOC		320

/* ---- context ---- */

void
cmd_ctx_init(struct cmd_ctx *ctx, int priv, cmd_write_fn *w, void *warg)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->priv = priv;
	ctx->write = w;
	ctx->write_arg = warg;
}

void
cmd_ctx_set(struct cmd_ctx *ctx, struct link *l, struct bund *b,
    struct rep *r)
{
	ctx->lnk = l;
	ctx->lnk_serial = l != NULL ? l->serial : 0;
	ctx->bund = b;
	ctx->bund_serial = b != NULL ? b->serial : 0;
	ctx->rep = r;
	ctx->rep_serial = r != NULL ? r->serial : 0;
}

void
cmd_ctx_validate(struct cmd_ctx *ctx)
{
	int i;

	if (ctx->lnk != NULL) {
		struct link *found = NULL;

		for (i = 1; i < g_nlinks; i++)
			if (g_links[i] != NULL &&
			    g_links[i]->serial == ctx->lnk_serial)
				found = g_links[i];
		if (found == NULL || found->dying)
			ctx->lnk = NULL;
	}
	if (ctx->bund != NULL) {
		struct bund *found = NULL;

		for (i = 1; i < g_nbunds; i++)
			if (g_bunds[i] != NULL &&
			    g_bunds[i]->serial == ctx->bund_serial)
				found = g_bunds[i];
		if (found == NULL || found->dying)
			ctx->bund = NULL;
	}
	if (ctx->rep != NULL) {
		struct rep *found = NULL;

		for (i = 1; i < g_nreps; i++)
			if (g_reps[i] != NULL &&
			    g_reps[i]->serial == ctx->rep_serial)
				found = g_reps[i];
		if (found == NULL)
			ctx->rep = NULL;
	}
}

char *
cmd_prompt(struct cmd_ctx *ctx, char *buf, size_t len)
{
	cmd_ctx_validate(ctx);
	if (ctx->lnk != NULL)
		snprintf(buf, len, "[%s] ", ctx->lnk->name);
	else if (ctx->bund != NULL)
		snprintf(buf, len, "[%s] ", ctx->bund->name);
	else if (ctx->rep != NULL)
		snprintf(buf, len, "[%s] ", ctx->rep->name);
	else
		snprintf(buf, len, "[] ");
	return buf;
}

/* ---- output ---- */

void
cmd_vprintf(struct cmd_ctx *ctx, const char *fmt, va_list ap)
{
	char small[1024], *buf = small, *out;
	const char *p;
	size_t o = 0;
	va_list ap2;
	int n;

	if (ctx->write == NULL)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		buf = mem_alloc("cmd", (size_t)n + 1);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
	}
	/* Bare "\n" becomes "\r\n" (mpd5 prints CRLF everywhere). */
	out = mem_alloc("cmd", (size_t)n * 2 + 1);
	for (p = buf; *p != '\0'; p++) {
		if (*p == '\n' && (p == buf || p[-1] != '\r'))
			out[o++] = '\r';
		out[o++] = *p;
	}
	ctx->write(ctx->write_arg, out, o);
	mem_free(out);
	if (buf != small)
		mem_free(buf);
}

void
cmd_printf(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_vprintf(ctx, fmt, ap);
	va_end(ap);
}

int
cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	return CMD_ERR_OTHER;
}

/* ---- admission (section 4.0.3) ---- */

bool
cmd_admit_link(struct cmd_ctx *ctx, const struct cmdtab *cmd)
{
	(void)cmd;
	return ctx->lnk != NULL;
}

bool
cmd_admit_bund(struct cmd_ctx *ctx, const struct cmdtab *cmd)
{
	(void)cmd;
	return ctx->bund != NULL;
}

bool
cmd_admit_rep(struct cmd_ctx *ctx, const struct cmdtab *cmd)
{
	(void)cmd;
	return ctx->rep != NULL;
}

/* Length of the first word of a template. */
static size_t
word_len(const char *tmpl)
{
	const char *sp = strchr(tmpl, ' ');

	return sp != NULL ? (size_t)(sp - tmpl) : strlen(tmpl);
}

/*
 * A device menu (`set pppoe`) or any entry inside a device type's table is
 * admitted only on a link of that type.
 */
bool
cmd_admit_dev(struct cmd_ctx *ctx, const struct cmdtab *cmd)
{
	const struct cmdtab *t;
	size_t n;

	if (ctx->lnk == NULL || ctx->lnk->type == NULL)
		return false;
	n = word_len(cmd->name);
	if (strlen(ctx->lnk->type->name) == n &&
	    strncmp(ctx->lnk->type->name, cmd->name, n) == 0)
		return true;
	for (t = ctx->lnk->type->cmds; t != NULL && t->name != NULL; t++)
		if (t == cmd)
			return true;
	return false;
}

/* ---- matching ---- */

/*
 * Find the entry of menu that word selects (section 4.0.1).  Returns
 * CMD_OK with *found set, CMD_ERR_UNKNOWN or CMD_ERR_AMBIG.
 */
static int
cmd_match(struct cmd_ctx *ctx, const struct cmdtab *menu, const char *word,
    const struct cmdtab **found)
{
	const struct cmdtab *c, *hit = NULL;
	size_t len = strlen(word);
	int nhits = 0;

	for (c = menu; c->name != NULL; c++) {
		if (c->priv > ctx->priv)
			continue;
		if (len > word_len(c->name) || strncmp(word, c->name, len) != 0)
			continue;
		hit = c;
		nhits++;
	}
	if (nhits == 0)
		return CMD_ERR_UNKNOWN;
	if (nhits > 1)
		return CMD_ERR_AMBIG;
	*found = hit;
	return CMD_OK;
}

/* Append the first word of name (or all of it) to a template buffer. */
static void
tmpl_append(char *buf, size_t len, const char *name, bool whole)
{
	size_t o = strlen(buf);

	if (o > 0 && o + 1 < len)
		buf[o++] = ' ';
	snprintf(buf + o, len - o, "%.*s", whole ? (int)strlen(name) :
	    (int)word_len(name), name);
}

/*
 * Walk the tables for av[0..ac-1].  On return *leaf is the last entry
 * reached, *menu the table it was found in, *used the words consumed and
 * tmpl the usage template.
 */
static int
cmd_walk(struct cmd_ctx *ctx, int ac, char **av, const struct cmdtab **leaf,
    const struct cmdtab **menu_out, int *used, char *tmpl, size_t tlen)
{
	const struct cmdtab *menu = g_cmds, *c = NULL;
	int i, rc;

	tmpl[0] = '\0';
	*leaf = NULL;
	for (i = 0; i < ac; i++) {
		rc = cmd_match(ctx, menu, av[i], &c);
		if (rc != CMD_OK) {
			*used = i;
			*menu_out = menu;
			return rc;
		}
		if (c->admit != NULL && !c->admit(ctx, c)) {
			*leaf = c;
			*used = i + 1;
			return CMD_ERR_CONTEXT;
		}
		tmpl_append(tmpl, tlen, c->name, c->submenu == NULL);
		*leaf = c;
		*menu_out = menu;
		if (c->submenu == NULL) {
			*used = i + 1;
			return CMD_OK;
		}
		menu = c->submenu;
	}
	*used = ac;
	*menu_out = menu;
	return c == NULL ? CMD_ERR_UNKNOWN : CMD_ERR_UNFIN;
}

static void
help_menu(struct cmd_ctx *ctx, const struct cmdtab *menu)
{
	const struct cmdtab *c;
	int i = 0;

	for (c = menu; c->name != NULL; c++) {
		if (c->priv > ctx->priv)
			continue;
		cmd_printf(ctx, " %-9.*s: %-20s%s", (int)word_len(c->name),
		    c->name, c->desc, (i & 1) ? "\n" : "\t");
		i++;
	}
	if (i & 1)
		cmd_printf(ctx, "\n");
}

static int
cmd_help(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const struct cmdtab *leaf, *menu;
	char tmpl[CMD_MAX_TEMPLATE];
	int used, rc, i;

	(void)arg;
	if (ac == 0) {
		cmd_printf(ctx, "Available commands:\n");
		help_menu(ctx, g_cmds);
		return CMD_OK;
	}
	rc = cmd_walk(ctx, ac, av, &leaf, &menu, &used, tmpl, sizeof(tmpl));
	switch (rc) {
	case CMD_OK:
	case CMD_ERR_CONTEXT:
		if (leaf->submenu == NULL) {
			if (rc == CMD_ERR_CONTEXT)
				tmpl_append(tmpl, sizeof(tmpl), leaf->name,
				    true);
			cmd_printf(ctx, "Usage: %s\n", tmpl);
			return CMD_OK;
		}
		/* A menu whose admission failed: list it anyway. */
		cmd_printf(ctx, "Commands available under \"%s\":\n", tmpl);
		help_menu(ctx, leaf->submenu);
		return CMD_OK;
	case CMD_ERR_UNFIN:
		cmd_printf(ctx, "Commands available under \"%s\":\n", tmpl);
		help_menu(ctx, leaf->submenu);
		return CMD_OK;
	default:
		tmpl[0] = '\0';
		for (i = 0; i <= used && i < ac; i++)
			tmpl_append(tmpl, sizeof(tmpl), av[i], true);
		cmd_printf(ctx, "%s: '%s'. Try \"help\".\n",
		    rc == CMD_ERR_AMBIG ? "Ambiguous command" :
		    "Unknown command", tmpl);
		return CMD_OK;
	}
}

/* Join words into one string for error texts. */
static void
join_words(char *buf, size_t len, int ac, char **av)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < ac; i++)
		tmpl_append(buf, len, av[i], true);
}

int
cmd_do(struct cmd_ctx *ctx, int ac, char **av)
{
	const struct cmdtab *leaf, *menu;
	char tmpl[CMD_MAX_TEMPLATE], line[CONSOLE_MAX_LINE + 64];
	char where[PATH_MAX_LOC];
	int used, rc;

	if (ac == 0)
		return CMD_OK;
	cmd_ctx_validate(ctx);
	ctx->errmsg[0] = '\0';
	rc = cmd_walk(ctx, ac, av, &leaf, &menu, &used, tmpl, sizeof(tmpl));
	if (rc == CMD_OK)
		rc = leaf->func(ctx, ac - used, av + used, leaf->arg);
	if (rc == CMD_OK)
		return CMD_OK;

	join_words(line, sizeof(line), ac, av);
	where[0] = '\0';
	if (ctx->cfile != NULL)
		snprintf(where, sizeof(where), "%s:%d: ", ctx->cfile,
		    ctx->cline);
	if (ctx->no_errtext) {
		if (rc == CMD_ERR_USAGE || rc == CMD_ERR_UNFIN)
			log_syslog_only("%sError in '%s'", where, line);
		return rc;
	}
	switch (rc) {
	case CMD_ERR_USAGE:
		cmd_printf(ctx, "%sUsage: %s\n", where, tmpl);
		log_syslog_only("%sError in '%s'", where, line);
		break;
	case CMD_ERR_UNFIN:
		cmd_printf(ctx, "%sCommands available under \"%s\":\n", where,
		    tmpl);
		help_menu(ctx, leaf->submenu);
		log_syslog_only("%sError in '%s'", where, line);
		break;
	case CMD_ERR_UNKNOWN:
		cmd_printf(ctx, "%sUnknown command: '%s'. Try \"help\".\n",
		    where, line);
		log_syslog_only("%sUnknown command: '%s'", where, line);
		break;
	case CMD_ERR_AMBIG:
		cmd_printf(ctx, "%sAmbiguous command: '%s'. Try \"help\".\n",
		    where, line);
		log_syslog_only("%sAmbiguous command: '%s'", where, line);
		break;
	case CMD_ERR_RECUR:
		cmd_printf(ctx, "%sRecursion detected for: '%s'!\n", where,
		    line);
		log_syslog_only("%sRecursion detected for: '%s'!", where,
		    line);
		break;
	case CMD_ERR_CONTEXT:
		cmd_printf(ctx, "%sIncorrect context for: '%s'\n", where, line);
		log_syslog_only("%sIncorrect context for: '%s'", where, line);
		break;
	default:
		rc = CMD_ERR_OTHER;
		cmd_printf(ctx, "%sError in '%s': %s\n", where, line,
		    ctx->errmsg);
		log_syslog_only("%sError in '%s': %s", where, line,
		    ctx->errmsg);
		break;
	}
	return rc;
}

int
cmd_do_line(struct cmd_ctx *ctx, const char *line)
{
	char buf[CONF_MAX_LINE + 1];
	char *av[CONF_MAX_ARGS];
	int ac;

	util_strlcpy(buf, line, sizeof(buf));
	ac = util_tokenize(buf, av, CONF_MAX_ARGS);
	if (ac < 0) {
		snprintf(ctx->errmsg, sizeof(ctx->errmsg),
		    "too many arguments");
		cmd_printf(ctx, "%s%s%sError: too many arguments (max %d)\n",
		    ctx->cfile ? ctx->cfile : "", ctx->cfile ? ":" : "",
		    ctx->cfile ? " " : "", CONF_MAX_ARGS);
		return CMD_ERR_OTHER;
	}
	return cmd_do(ctx, ac, av);
}

/* ---- completion and `?` help for the console ---- */

int
cmd_complete(struct cmd_ctx *ctx, const char *line, char *out, size_t outlen)
{
	char buf[CONSOLE_MAX_LINE + 1];
	char *av[CONF_MAX_ARGS];
	const struct cmdtab *menu = g_cmds, *c, *hit = NULL;
	size_t llen = strlen(line), wl;
	bool trailing;
	int ac, i, n = 0;

	util_strlcpy(out, line, outlen);
	util_strlcpy(buf, line, sizeof(buf));
	trailing = llen == 0 || line[llen - 1] == ' ' || line[llen - 1] == '\t';
	ac = util_tokenize(buf, av, CONF_MAX_ARGS);
	if (ac < 0)
		return 0;
	/* Descend through complete words. */
	for (i = 0; i < ac - (trailing ? 0 : 1); i++) {
		if (cmd_match(ctx, menu, av[i], &c) != CMD_OK ||
		    c->submenu == NULL)
			return 0;
		menu = c->submenu;
	}
	wl = trailing ? 0 : strlen(av[ac - 1]);
	for (c = menu; c->name != NULL; c++) {
		if (c->priv > ctx->priv)
			continue;
		if (wl > word_len(c->name) || (wl > 0 &&
		    strncmp(av[ac - 1], c->name, wl) != 0))
			continue;
		hit = c;
		n++;
	}
	if (n == 1) {
		size_t keep = llen - wl;

		snprintf(out, outlen, "%.*s%.*s ", (int)keep, line,
		    (int)word_len(hit->name), hit->name);
	}
	return n;
}

void
cmd_help_line(struct cmd_ctx *ctx, const char *line)
{
	char buf[CONSOLE_MAX_LINE + 1];
	char *av[CONF_MAX_ARGS + 1];
	int ac;

	util_strlcpy(buf, line, sizeof(buf));
	ac = util_tokenize(buf, av, CONF_MAX_ARGS);
	if (ac < 0)
		return;
	cmd_help(ctx, ac, av, NULL);
}

/* ---- option verbs (section 4.2) ---- */

static const char *
verb_name(int verb)
{
	switch (verb) {
	case OPT_ENABLE:
		return "enable";
	case OPT_DISABLE:
		return "disable";
	case OPT_ACCEPT:
		return "accept";
	case OPT_DENY:
		return "deny";
	case OPT_YES:
		return "yes";
	default:
		return "no";
	}
}

void
opt_apply(struct opt_set *set, const struct opt_def *defs, int verb,
    int ac, char **av)
{
	const struct opt_def *d, *hit;
	int i, n;

	for (i = 0; i < ac; i++) {
		hit = NULL;
		n = 0;
		for (d = defs; d->name != NULL; d++) {
			if (strcasecmp(av[i], d->name) == 0) {
				hit = d;	/* an exact name always wins */
				n = 1;
				break;
			}
			if (util_prefix_ci(av[i], d->name)) {
				hit = d;
				n++;
			}
		}
		if (n == 0 || av[i][0] == '\0') {
			log_printf(LG_ERR, "option \"%s\" unknown", av[i]);
			continue;
		}
		if (n > 1) {
			log_printf(LG_ERR, "option \"%s\" ambiguous", av[i]);
			continue;
		}
		if (!hit->peered && (verb == OPT_ACCEPT || verb == OPT_DENY)) {
			log_printf(LG_ERR, "'%s %s' is not applicable",
			    verb_name(verb), hit->name);
			continue;
		}
		switch (verb) {
		case OPT_YES:
			if (hit->peered)
				set->accept |= 1u << hit->bit;
			set->enable |= 1u << hit->bit;
			break;
		case OPT_ENABLE:
			set->enable |= 1u << hit->bit;
			break;
		case OPT_NO:
			set->accept &= ~(1u << hit->bit);
			set->enable &= ~(1u << hit->bit);
			break;
		case OPT_DISABLE:
			set->enable &= ~(1u << hit->bit);
			break;
		case OPT_ACCEPT:
			set->accept |= 1u << hit->bit;
			break;
		case OPT_DENY:
			set->accept &= ~(1u << hit->bit);
			break;
		default:
			break;
		}
	}
}

void
opt_show(struct cmd_ctx *ctx, const struct opt_set *set,
    const struct opt_def *defs)
{
	const struct opt_def *d;
	bool peered = false;

	for (d = defs; d->name != NULL; d++)
		peered |= d->peered;
	if (peered)
		cmd_printf(ctx, "\t\t\tSelf\t\tPeer\n");
	for (d = defs; d->name != NULL; d++) {
		cmd_printf(ctx, "\t%-10s\t%s", d->name,
		    opt_enabled(set, d->bit) ? "enable" : "disable");
		if (d->peered)
			cmd_printf(ctx, "\t\t%s",
			    opt_accepted(set, d->bit) ? "accept" : "deny");
		cmd_printf(ctx, "\n");
	}
}

int
opt_cmd(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	const struct opt_cmd_arg *oa = arg;
	const struct opt_def *defs = NULL;
	struct opt_set *set;

	if (ac == 0)
		return CMD_ERR_USAGE;
	set = oa->get(ctx, &defs);
	if (set == NULL)
		return CMD_ERR_CONTEXT;
	opt_apply(set, defs, oa->verb, ac, av);
	return CMD_OK;
}

/* ---- simple top-level commands ---- */

static int
cmd_exit(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	(void)ac;
	(void)av;
	(void)arg;
	ctx->exit_req = true;
	return CMD_OK;
}

static int
cmd_shutdown(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	(void)ac;
	(void)av;
	(void)arg;
	ctx->exit_req = true;
	ctl_request_shutdown();
	return CMD_OK;
}

static int
cmd_set_debug(struct cmd_ctx *ctx, int ac, char **av, const void *arg)
{
	long v;

	(void)ctx;
	(void)arg;
	if (ac != 1 || util_parse_int(av[0], -1000, 1000, &v) < 0)
		return CMD_ERR_USAGE;
	/* netgraph debugging has no Linux counterpart: accepted, ignored */
	return CMD_OK;
}

/* ---- tables ---- */

static const struct cmdtab create_cmds[] = {
	{ .name = "link [template|static] {name} {type|template}",
	  .desc = "Create link/template", .func = link_cmd_create,
	  .priv = PRIV_ADMIN },
	{ .name = "bundle [template|static] {name} [{template}]",
	  .desc = "Create bundle/template", .func = bund_cmd_create,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

static const struct cmdtab destroy_cmds[] = {
	{ .name = "link [{name}]", .desc = "Destroy link/template",
	  .func = link_cmd_destroy, .priv = PRIV_ADMIN },
	{ .name = "bundle [{name}]", .desc = "Destroy bundle/template",
	  .func = bund_cmd_destroy, .priv = PRIV_ADMIN },
	{ .name = NULL },
};

static const struct cmdtab set_cmds[] = {
	{ .name = "bundle ...", .desc = "Bundle specific stuff",
	  .submenu = bund_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "link ...", .desc = "Link specific stuff",
	  .submenu = link_set_cmds, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "iface ...", .desc = "Interface specific stuff",
	  .submenu = iface_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "ipcp ...", .desc = "IPCP specific stuff",
	  .submenu = ipcp_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "ipv6cp ...", .desc = "IPV6CP specific stuff",
	  .submenu = ipv6cp_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "ippool ...", .desc = "IP pool specific stuff",
	  .submenu = ippool_set_cmds, .priv = PRIV_ADMIN },
	{ .name = "ccp ...", .desc = "CCP specific stuff",
	  .submenu = ccp_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "mppc ...", .desc = "MPPC specific stuff",
	  .submenu = mppc_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "ecp ...", .desc = "ECP specific stuff",
	  .submenu = ecp_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "eap ...", .desc = "EAP specific stuff",
	  .submenu = eap_set_cmds, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "auth ...", .desc = "Auth specific stuff",
	  .submenu = auth_set_cmds, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "radius ...", .desc = "RADIUS specific stuff",
	  .submenu = radius_set_cmds, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "radsrv ...", .desc = "RADIUS server specific stuff",
	  .submenu = radsrv_set_cmds, .priv = PRIV_ADMIN },
	{ .name = "console ...", .desc = "Console specific stuff",
	  .submenu = console_set_cmds, .priv = PRIV_USER },
	{ .name = "web ...", .desc = "Web specific stuff",
	  .submenu = web_set_cmds, .priv = PRIV_ADMIN },
	{ .name = "user {name} {password} [{priv}]",
	  .desc = "Add console user", .func = console_cmd_set_user,
	  .priv = PRIV_ADMIN },
	{ .name = "global ...", .desc = "Global settings",
	  .submenu = ctl_global_set_cmds, .priv = PRIV_ADMIN },
	{ .name = "netflow ...", .desc = "NetFlow settings",
	  .submenu = netflow_set_cmds, .priv = PRIV_ADMIN },
	{ .name = "nat ...", .desc = "NAT settings",
	  .submenu = nat_set_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = "debug {level}", .desc = "Set netgraph debug level",
	  .func = cmd_set_debug, .priv = PRIV_ADMIN },
	{ .name = "modem ...", .desc = "Modem specific stuff",
	  .submenu = modem_set_cmds, .admit = cmd_admit_dev, .priv = PRIV_ADMIN },
	{ .name = "ng ...", .desc = "Netgraph specific stuff",
	  .submenu = ng_set_cmds, .admit = cmd_admit_dev, .priv = PRIV_ADMIN },
	{ .name = "tcp ...", .desc = "TCP specific stuff",
	  .submenu = tcp_set_cmds, .admit = cmd_admit_dev, .priv = PRIV_ADMIN },
	{ .name = "udp ...", .desc = "UDP specific stuff",
	  .submenu = udp_set_cmds, .admit = cmd_admit_dev, .priv = PRIV_ADMIN },
	{ .name = "pptp ...", .desc = "PPTP specific stuff",
	  .submenu = pptp_set_cmds, .admit = cmd_admit_dev, .priv = PRIV_ADMIN },
	{ .name = "l2tp ...", .desc = "L2TP specific stuff",
	  .submenu = l2tp_set_cmds, .admit = cmd_admit_dev, .priv = PRIV_ADMIN },
	{ .name = "pppoe ...", .desc = "PPPoE specific stuff",
	  .submenu = pppoe_set_cmds, .admit = cmd_admit_dev, .priv = PRIV_ADMIN },
	{ .name = NULL },
};

static const struct cmdtab unset_cmds[] = {
	{ .name = "radius ...", .desc = "RADIUS specific stuff",
	  .submenu = radius_unset_cmds, .admit = cmd_admit_link,
	  .priv = PRIV_ADMIN },
	{ .name = "nat ...", .desc = "NAT settings",
	  .submenu = nat_unset_cmds, .admit = cmd_admit_bund,
	  .priv = PRIV_ADMIN },
	{ .name = NULL },
};

static const struct cmdtab show_cmds[] = {
	{ .name = "bundle [{name}]", .desc = "Bundle status",
	  .func = bund_cmd_show, .admit = cmd_admit_bund },
	{ .name = "customer", .desc = "Customer summary",
	  .func = ctl_show_customer },
	{ .name = "repeater [{name}]", .desc = "Repeater status",
	  .func = rep_cmd_show, .admit = cmd_admit_rep },
	{ .name = "ccp", .desc = "CCP status", .func = ccp_cmd_show,
	  .admit = cmd_admit_bund },
	{ .name = "mppc", .desc = "MPPC status", .func = mppc_cmd_show,
	  .admit = cmd_admit_bund },
	{ .name = "ecp", .desc = "ECP status", .func = ecp_cmd_show,
	  .admit = cmd_admit_bund },
	{ .name = "eap", .desc = "EAP status", .func = eap_cmd_show,
	  .admit = cmd_admit_link },
	{ .name = "events", .desc = "Current events", .func = event_show },
	{ .name = "ipcp", .desc = "IPCP status", .func = ipcp_cmd_show,
	  .admit = cmd_admit_bund },
	{ .name = "ipv6cp", .desc = "IPV6CP status", .func = ipv6cp_cmd_show,
	  .admit = cmd_admit_bund },
	{ .name = "ippool", .desc = "IP pool status", .func = ippool_cmd_show },
	{ .name = "iface", .desc = "Interface status", .func = iface_cmd_show,
	  .admit = cmd_admit_bund },
	{ .name = "routes", .desc = "IP routing table",
	  .func = ctl_show_routes },
	{ .name = "layers", .desc = "Layers to open/close",
	  .func = ctl_show_layers },
	{ .name = "device", .desc = "Physical device status",
	  .func = phys_cmd_show_device, .admit = cmd_admit_link },
	{ .name = "pptp", .desc = "PPTP tunnels status",
	  .func = pptp_cmd_show },
	{ .name = "l2tp", .desc = "L2TP tunnels status",
	  .func = l2tp_cmd_show },
	{ .name = "link", .desc = "Link status", .func = link_cmd_show,
	  .admit = cmd_admit_link },
	{ .name = "auth", .desc = "Auth status", .func = auth_cmd_show,
	  .admit = cmd_admit_link },
	{ .name = "radius", .desc = "RADIUS status", .func = radius_cmd_show,
	  .admit = cmd_admit_link },
	{ .name = "radsrv", .desc = "RADIUS server status",
	  .func = radsrv_cmd_show },
	{ .name = "lcp", .desc = "LCP status", .func = lcp_cmd_show,
	  .admit = cmd_admit_link },
	{ .name = "nat", .desc = "NAT status", .func = nat_cmd_show,
	  .admit = cmd_admit_bund },
	{ .name = "mem", .desc = "Memory map", .func = mem_show },
	{ .name = "console", .desc = "Console status",
	  .func = console_cmd_show },
	{ .name = "web", .desc = "Web status", .func = web_cmd_show },
	{ .name = "user", .desc = "Console users",
	  .func = console_cmd_show_user },
	{ .name = "global", .desc = "Global settings",
	  .func = ctl_show_global },
	{ .name = "types", .desc = "Supported device types",
	  .func = phys_cmd_show_types },
	{ .name = "version", .desc = "Version string",
	  .func = ctl_show_version },
	{ .name = "sessions [{param} {value}]", .desc = "Active sessions",
	  .func = ctl_show_sessions },
	{ .name = "summary", .desc = "Daemon status summary",
	  .func = ctl_show_summary },
	{ .name = "netflow", .desc = "Netflow settings",
	  .func = netflow_cmd_show },
	{ .name = NULL },
};

const struct cmdtab g_cmds[] = {
	{ .name = "authname [{name}] [CI]", .desc = "Choose link by auth name",
	  .func = ctl_cmd_authname },
	{ .name = "bundle [{name}]", .desc = "Choose/list bundles",
	  .func = bund_cmd_select },
	{ .name = "close [{layer}]", .desc = "Close a layer",
	  .func = ctl_cmd_close, .priv = PRIV_OPERATOR },
	{ .name = "create ...", .desc = "Create new item",
	  .submenu = create_cmds, .priv = PRIV_ADMIN },
	{ .name = "destroy ...", .desc = "Destroy item",
	  .submenu = destroy_cmds, .priv = PRIV_ADMIN },
	{ .name = "exit", .desc = "Exit console", .func = cmd_exit },
	{ .name = "help ...", .desc = "Help on any command",
	  .func = cmd_help },
	{ .name = "iface [{iface}]", .desc = "Choose bundle by iface",
	  .func = ctl_cmd_iface },
	{ .name = "link [{name}]", .desc = "Choose link",
	  .func = link_cmd_select },
	{ .name = "load [{file}] {label}", .desc = "Read from config file",
	  .func = conf_cmd_load },
	{ .name = "log [+/-{opt} ...]", .desc = "Set/view log options",
	  .func = log_command, .priv = PRIV_ADMIN },
	{ .name = "msession [{msesid}]", .desc = "Ch. bundle by msession-id",
	  .func = ctl_cmd_msession },
	{ .name = "open [{layer}]", .desc = "Open a layer",
	  .func = ctl_cmd_open, .priv = PRIV_OPERATOR },
	{ .name = "repeater [{name}]", .desc = "Choose/list repeaters",
	  .func = rep_cmd_select },
	{ .name = "session [{sesid}]", .desc = "Choose link by session-id",
	  .func = ctl_cmd_session },
	{ .name = "set ...", .desc = "Set parameters", .submenu = set_cmds },
	{ .name = "show ...", .desc = "Show status", .submenu = show_cmds },
	{ .name = "shutdown", .desc = "Shutdown program",
	  .func = cmd_shutdown, .priv = PRIV_ADMIN },
	{ .name = "unset ...", .desc = "Unset parameters",
	  .submenu = unset_cmds, .priv = PRIV_ADMIN },
	{ .name = NULL },
};

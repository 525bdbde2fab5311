/*
 * rep.c - repeater objects and their views (`repeater`, `show repeater`;
 * surface spec 4.1, 5.10, 10.6).  Repeaters are created by `forward`
 * actions once the tunnel link types exist.
 */
#include "rep.h"

#include <string.h>

#include "../link/devices.h"
#include "link.h"

struct rep	**g_reps;
int		  g_nreps;

struct rep *
rep_find(const char *name)
{
	int i;

	for (i = 1; i < g_nreps; i++)
		if (g_reps[i] != NULL && strcmp(g_reps[i]->name, name) == 0)
			return g_reps[i];
	return NULL;
}

int
rep_cmd_select(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	struct rep *r;
	int i;

	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 0) {
		cmd_printf(ctx, "Defined repeaters:\n");
		for (i = 1; i < g_nreps; i++)
			if (g_reps[i] != NULL)
				cmd_printf(ctx, "\t%s\n", g_reps[i]->name);
		return CMD_OK;
	}
	r = rep_find(av[0]);
	if (r == NULL) {
		cmd_ctx_set(ctx, NULL, NULL, NULL);
		return cmd_error(ctx, "Repeater \"%s\" not defined", av[0]);
	}
	cmd_ctx_set(ctx, r->links[0], NULL, r);
	return CMD_OK;
}

int
rep_cmd_show(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const struct rep *r = ctx->rep;
	int k;

	(void)a;
	if (ac > 1)
		return CMD_ERR_USAGE;
	if (ac == 1 && (r = rep_find(av[0])) == NULL)
		return cmd_error(ctx, "Repeater \"%s\" not defined", av[0]);
	cmd_printf(ctx, "Repeater %s:\n", r->name);
	cmd_printf(ctx, "\tLinks           : ");
	for (k = 0; k < 2; k++)
		if (r->links[k] != NULL)
			cmd_printf(ctx, "%s[%s/%s] ", r->links[k]->name,
			    r->links[k]->type ? r->links[k]->type->name : "",
			    link_phys_state_name(r->links[k]->state));
	cmd_printf(ctx, "\n");
	return CMD_OK;
}

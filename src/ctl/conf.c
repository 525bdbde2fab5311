/*
 * conf.c - executing mpd.conf labels and `load` (surface spec 2.2, 2.3).
 *
 * Every command line of a label runs through cmd_do() exactly as if typed
 * at a console with the context's privilege; errors are printed with a
 * "<file>:<line>: " prefix and execution continues with the next line.
 */
#include "conf.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../core/cfgfile.h"
#include "../core/defs.h"
#include "../core/global.h"
#include "../core/log.h"
#include "../core/util.h"

void
conf_path(const char *file, char *buf, size_t len)
{
	if (file[0] == '/' || g_global.confdir == NULL)
		snprintf(buf, len, "%s", file);
	else
		snprintf(buf, len, "%s/%s", g_global.confdir, file);
}

int
conf_run_label(struct cmd_ctx *ctx, const char *file, const char *label)
{
	char path[PATH_MAX], line[CONF_MAX_LINE + 1], lbl[64];
	const char *saved_file = ctx->cfile;
	int saved_line = ctx->cline;
	off_t off;
	int lineno, rc;
	bool trunc;
	FILE *fp;

	if (ctx->depth >= CONF_MAX_DEPTH)
		return CMD_ERR_RECUR;
	conf_path(file != NULL ? file : (g_global.conffile != NULL ?
	    g_global.conffile : MPD_CONF_FILE), path, sizeof(path));
	rc = cfg_find_label(path, label, &off, &lineno);
	if (rc < 0)
		return rc;
	fp = fopen(path, "r");
	if (fp == NULL || fseeko(fp, off, SEEK_SET) < 0) {
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	lineno--;
	ctx->depth++;
	while (cfg_read_line(fp, line, sizeof(line), &lineno, &trunc)) {
		if (cfg_label(line, lbl, sizeof(lbl)))
			break;			/* next section */
		if (cfg_is_skip(line))
			continue;
		if (trunc)
			log_printf(LG_ERR, "%s:%d: line too long, truncated",
			    path, lineno);
		ctx->cfile = path;
		ctx->cline = lineno;
		(void)cmd_do_line(ctx, line);
		ctx->cfile = saved_file;
		ctx->cline = saved_line;
	}
	ctx->depth--;
	fclose(fp);
	return 0;
}

int
conf_cmd_load(struct cmd_ctx *ctx, int ac, char **av, const void *a)
{
	const char *file = NULL, *label;
	char path[PATH_MAX];
	int rc;

	(void)a;
	if (ac < 1 || ac > 2)
		return CMD_ERR_USAGE;
	if (ac == 2) {
		file = av[0];
		if (strncmp(file, "http://", 7) == 0 ||
		    strncmp(file, "https://", 8) == 0 ||
		    strncmp(file, "ftp://", 6) == 0)
			return cmd_error(ctx, "fetching configuration from "
			    "URLs is not supported");
	}
	label = av[ac - 1];
	rc = conf_run_label(ctx, file, label);
	if (rc == CMD_ERR_RECUR)
		return rc;
	if (rc < 0) {
		conf_path(file != NULL ? file : (g_global.conffile != NULL ?
		    g_global.conffile : MPD_CONF_FILE), path, sizeof(path));
		cmd_printf(ctx, "can't read configuration for \"%s\" from "
		    "\"%s\"\n", label, path);
		log_syslog_only("can't read configuration for \"%s\" from "
		    "\"%s\"", label, path);
	}
	return CMD_OK;
}

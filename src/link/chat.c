/*
 * chat.c - placeholder of the modem chat script interpreter (chat.h):
 * variables are kept, scripts are refused.  Replaced by the interpreter.
 */
#include "chat.h"

#include <stdio.h>
#include <string.h>

#include "../core/log.h"
#include "../core/mem.h"

struct chat_var {
	char		*name;
	char		*value;
	struct chat_var	*next;
};

struct chat {
	char		 lname[64];
	struct chat_var	*vars;
};

struct chat *
chat_new(const char *lname, const struct chat_io *io, void *arg)
{
	struct chat *c = mem_alloc("chat", sizeof(*c));

	(void)io;
	(void)arg;
	snprintf(c->lname, sizeof(c->lname), "%s", lname);
	return c;
}

void
chat_free(struct chat *c)
{
	struct chat_var *v;

	if (c == NULL)
		return;
	while ((v = c->vars) != NULL) {
		c->vars = v->next;
		mem_free(v->name);
		mem_free(v->value);
		mem_free(v);
	}
	mem_free(c);
}

int
chat_var_set(struct chat *c, const char *name, const char *value)
{
	struct chat_var *v;

	if (name[0] == '\0')
		return -1;
	for (v = c->vars; v != NULL; v = v->next)
		if (strcmp(v->name, name) == 0)
			break;
	if (v == NULL) {
		v = mem_alloc("chat", sizeof(*v));
		v->name = mem_strdup("chat", name);
		v->next = c->vars;
		c->vars = v;
	} else
		mem_free(v->value);
	v->value = mem_strdup("chat", value);
	return 0;
}

const char *
chat_var_get(const struct chat *c, const char *name)
{
	const struct chat_var *v;

	for (v = c->vars; v != NULL; v = v->next)
		if (strcmp(v->name, name) == 0)
			return v->value;
	return NULL;
}

int
chat_start(struct chat *c, const char *path, const char *label)
{
	(void)path;
	log_msg(LG_ERR, "[%s] CHAT: can't run script \"%s\": not supported",
	    c->lname, label);
	return -1;
}

void
chat_input(struct chat *c, const void *buf, size_t len)
{
	(void)c;
	(void)buf;
	(void)len;
}

void
chat_abort(struct chat *c)
{
	(void)c;
}

bool
chat_active(const struct chat *c)
{
	(void)c;
	return false;
}

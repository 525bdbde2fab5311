/*
 * cfgfile.c - logical lines and the label index (surface spec 2.1, 1.2).
 *
 * mpd5 indexes labels once per file for the life of the process; we keep
 * the index too but rebuild it when the file changes on disk, so editing
 * mpd.conf and running `load` picks up the new text (listed in
 * doc/DIFFERENCES.md).
 */
#include "cfgfile.h"

#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "mem.h"
#include "util.h"

struct cfg_label {
	char		*name;
	off_t		 offset;
	int		 lineno;
};

struct cfg_index {
	char			*path;
	off_t			 size;
	struct timespec		 mtime;
	struct cfg_label	*labels;
	int			 nlabels;
	struct cfg_index	*next;
};

static struct cfg_index *indexes;

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

int
cfg_read_line(FILE *fp, char *buf, size_t len, int *lineno, bool *truncated)
{
	size_t o = 0;
	int c, first = 1;

	*truncated = false;
	for (;;) {
		size_t start = o;

		c = getc(fp);
		if (c == EOF && first)
			return 0;
		first = 0;
		(*lineno)++;
		while (c != EOF && c != '\n') {
			if (o + 1 < len)
				buf[o++] = (char)c;
			else
				*truncated = true;
			c = getc(fp);
		}
		/* Strip CR and trailing whitespace of this physical line. */
		while (o > start && (buf[o - 1] == '\r' || is_blank(buf[o - 1])))
			o--;
		if (c != EOF && o > start && buf[o - 1] == '\\') {
			buf[o - 1] = ' ';	/* continuation */
			continue;
		}
		break;
	}
	buf[o] = '\0';
	return 1;
}

bool
cfg_is_skip(const char *line)
{
	while (is_blank(*line))
		line++;
	return *line == '\0' || *line == '#';
}

bool
cfg_label(const char *line, char *label, size_t len)
{
	size_t n = 0;

	if (*line == '\0' || is_blank(*line) || *line == '#')
		return false;
	while (line[n] != '\0' && line[n] != ' ' && line[n] != '\t' &&
	    line[n] != '\f' && line[n] != ':')
		n++;
	if (n >= len)
		n = len - 1;
	memcpy(label, line, n);
	label[n] = '\0';
	return true;
}

static void
index_clear(struct cfg_index *ix)
{
	int i;

	for (i = 0; i < ix->nlabels; i++)
		mem_free(ix->labels[i].name);
	mem_free(ix->labels);
	ix->labels = NULL;
	ix->nlabels = 0;
}

static int
index_build(struct cfg_index *ix, FILE *fp)
{
	char line[1024], label[256];
	bool trunc;
	int lineno = 0;

	index_clear(ix);
	while (cfg_read_line(fp, line, sizeof(line), &lineno, &trunc)) {
		struct cfg_label *l;

		if (!cfg_label(line, label, sizeof(label)))
			continue;
		ix->labels = mem_realloc("conf", ix->labels,
		    (size_t)(ix->nlabels + 1) * sizeof(*ix->labels));
		l = &ix->labels[ix->nlabels++];
		l->name = mem_strdup("conf", label);
		l->offset = ftello(fp);
		l->lineno = lineno + 1;
	}
	return 0;
}

int
cfg_find_label(const char *path, const char *label, off_t *offset,
    int *lineno)
{
	struct cfg_index *ix;
	struct stat st;
	FILE *fp;
	int i;

	fp = fopen(path, "r");
	if (fp == NULL)
		return -1;
	if (fstat(fileno(fp), &st) < 0) {
		fclose(fp);
		return -1;
	}
	for (ix = indexes; ix != NULL; ix = ix->next)
		if (strcmp(ix->path, path) == 0)
			break;
	if (ix == NULL) {
		ix = mem_alloc("conf", sizeof(*ix));
		ix->path = mem_strdup("conf", path);
		ix->size = -1;
		ix->next = indexes;
		indexes = ix;
	}
	if (ix->size != st.st_size ||
	    ix->mtime.tv_sec != st.st_mtim.tv_sec ||
	    ix->mtime.tv_nsec != st.st_mtim.tv_nsec) {
		index_build(ix, fp);
		ix->size = st.st_size;
		ix->mtime = st.st_mtim;
	}
	fclose(fp);
	/* The first definition of a label wins. */
	for (i = 0; i < ix->nlabels; i++)
		if (strcmp(ix->labels[i].name, label) == 0) {
			*offset = ix->labels[i].offset;
			*lineno = ix->labels[i].lineno;
			return 0;
		}
	return -2;
}

void
cfg_index_free(void)
{
	struct cfg_index *ix, *next;

	for (ix = indexes; ix != NULL; ix = next) {
		next = ix->next;
		index_clear(ix);
		mem_free(ix->path);
		mem_free(ix);
	}
	indexes = NULL;
}

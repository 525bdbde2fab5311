/*
 * cfgfile.h - physical-to-logical line reading for mpd.conf, mpd.secret
 * and mpd.script (surface spec 2.1), and the label index of a file.
 *
 * Logical lines have their line end removed and continuation lines joined
 * (a trailing backslash becomes a space).  Classification of lines
 * (label, command, comment) is done by the pure helpers below so that it
 * can be unit tested.
 */
#ifndef MPD_CORE_CFGFILE_H
#define MPD_CORE_CFGFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Read the next logical line of fp into buf (at most len-1 chars; longer
 * lines are truncated and *truncated is set).  *lineno is advanced by the
 * number of physical lines consumed (so it ends at the last of them).
 * Returns 1, or 0 at end of file.
 */
int	cfg_read_line(FILE *fp, char *buf, size_t len, int *lineno,
	    bool *truncated);

/* True for blank lines and lines whose first non-blank char is '#'. */
bool	cfg_is_skip(const char *line);
/*
 * True when line is a label line (first char not whitespace, not a
 * comment); the label (first token up to space, tab, FF or ':') is copied
 * into label.
 */
bool	cfg_label(const char *line, char *label, size_t len);

/*
 * Find label in the file at path using a cached index (rebuilt when the
 * file's size or mtime changes).  On success returns 0 with *offset at
 * the first line after the label line and *lineno its line number.
 * Returns -1 when the file can't be read, -2 when the label is missing.
 */
int	cfg_find_label(const char *path, const char *label, off_t *offset,
	    int *lineno);
/* Drop every cached index (exit). */
void	cfg_index_free(void);

#endif /* MPD_CORE_CFGFILE_H */

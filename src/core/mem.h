/*
 * mem.h - typed allocation with per-type accounting for `show mem`.
 *
 * Every heap object of the daemon is allocated through mem_alloc() with a
 * type tag (a string literal such as "link" or "console").  The tag keeps a
 * count and a byte total that `show mem` prints.  Allocation failure is a
 * broken invariant for a daemon of this kind and aborts.
 */
#ifndef MPD_CORE_MEM_H
#define MPD_CORE_MEM_H

#include <stddef.h>

/* Allocate n zeroed bytes accounted under tag (a string literal). */
void	*mem_alloc(const char *tag, size_t n);
/* Resize p (may be NULL) keeping its tag; new bytes are zeroed. */
void	*mem_realloc(const char *tag, void *p, size_t n);
/* Free p (NULL is ignored). */
void	 mem_free(void *p);
/* Duplicate a string (NULL gives NULL). */
char	*mem_strdup(const char *tag, const char *s);
/* Number of live allocations and bytes in total. */
void	 mem_totals(size_t *count, size_t *bytes);

struct cmd_ctx;
/* `show mem` */
int	 mem_show(struct cmd_ctx *ctx, int ac, char **av, const void *arg);

#endif /* MPD_CORE_MEM_H */

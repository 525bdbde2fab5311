/*
 * mbuf.h - packet buffers and bounds-checked cursors.
 *
 * A struct mbuf is one contiguous buffer with headroom in front of the
 * data, so link layers can prepend their headers (PPP protocol,
 * address/control, PPPoE, L2TP, GRE) without copying.  Ownership is in
 * the type: a function taking `struct mbuf *` consumes it (frees or passes
 * it on); one taking `const struct mbuf *` only borrows.
 *
 * struct mb_cursor reads wire data: every getter returns -1 on a short
 * read and never a partial value; callers check once at the end.
 */
#ifndef MPD_CORE_MBUF_H
#define MPD_CORE_MBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MBUF_HEADROOM	64
#define MBUF_DEFAULT	2048

struct mbuf {
	uint8_t		*data;		/* start of valid bytes */
	size_t		 len;		/* valid bytes */
	size_t		 size;		/* bytes allocated after buf */
	uint8_t		 buf[];		/* headroom + data + tailroom */
};

/* New buffer able to hold len bytes after MBUF_HEADROOM; len = 0. */
struct mbuf *mb_alloc(size_t cap);
/* New buffer holding a copy of data. */
struct mbuf *mb_copy(const void *data, size_t len);
void	 mb_free(struct mbuf *m);
/* Make room for n bytes in front; returns the new start or NULL. */
uint8_t	*mb_prepend(struct mbuf *m, size_t n);
/* Drop n bytes in front (n <= len). */
void	 mb_trim_head(struct mbuf *m, size_t n);
/* Append n bytes; returns where to write or NULL when full. */
uint8_t	*mb_append(struct mbuf *m, size_t n);
size_t	 mb_tailroom(const struct mbuf *m);

struct mb_cursor {
	const uint8_t	*p;
	size_t		 left;
	bool		 error;	/* set by a short read */
};

static inline void
mb_cursor_init(struct mb_cursor *c, const void *data, size_t len)
{
	c->p = data;
	c->left = len;
	c->error = false;
}

int	mb_get_u8(struct mb_cursor *c, uint8_t *v);
int	mb_get_u16(struct mb_cursor *c, uint16_t *v);	/* network order */
int	mb_get_u32(struct mb_cursor *c, uint32_t *v);	/* network order */
/* Point *p at the next n bytes and skip them. */
int	mb_get_bytes(struct mb_cursor *c, const uint8_t **p, size_t n);

/* Writer with an error flag checked once. */
struct mb_writer {
	uint8_t		*p;
	size_t		 left;
	size_t		 used;
	bool		 error;
};

static inline void
mb_writer_init(struct mb_writer *w, void *buf, size_t len)
{
	w->p = buf;
	w->left = len;
	w->used = 0;
	w->error = false;
}

void	mb_put_u8(struct mb_writer *w, uint8_t v);
void	mb_put_u16(struct mb_writer *w, uint16_t v);
void	mb_put_u32(struct mb_writer *w, uint32_t v);
void	mb_put_bytes(struct mb_writer *w, const void *p, size_t n);

#endif /* MPD_CORE_MBUF_H */

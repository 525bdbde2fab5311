/*
 * mbuf.c - packet buffers with headroom, bounds-checked readers/writers.
 */
#include "mbuf.h"

#include <string.h>

#include "mem.h"

struct mbuf *
mb_alloc(size_t cap)
{
	struct mbuf *m;

	if (cap == 0)
		cap = MBUF_DEFAULT;
	m = mem_alloc("mbuf", sizeof(*m) + MBUF_HEADROOM + cap);
	m->size = MBUF_HEADROOM + cap;
	m->data = m->buf + MBUF_HEADROOM;
	m->len = 0;
	return m;
}

struct mbuf *
mb_copy(const void *data, size_t len)
{
	struct mbuf *m = mb_alloc(len);

	memcpy(m->data, data, len);
	m->len = len;
	return m;
}

void
mb_free(struct mbuf *m)
{
	mem_free(m);
}

uint8_t *
mb_prepend(struct mbuf *m, size_t n)
{
	if ((size_t)(m->data - m->buf) < n)
		return NULL;
	m->data -= n;
	m->len += n;
	return m->data;
}

void
mb_trim_head(struct mbuf *m, size_t n)
{
	if (n > m->len)
		n = m->len;
	m->data += n;
	m->len -= n;
}

size_t
mb_tailroom(const struct mbuf *m)
{
	return m->size - (size_t)(m->data - m->buf) - m->len;
}

uint8_t *
mb_append(struct mbuf *m, size_t n)
{
	uint8_t *p;

	if (mb_tailroom(m) < n)
		return NULL;
	p = m->data + m->len;
	m->len += n;
	return p;
}

int
mb_get_u8(struct mb_cursor *c, uint8_t *v)
{
	if (c->left < 1) {
		c->error = true;
		return -1;
	}
	*v = c->p[0];
	c->p++;
	c->left--;
	return 0;
}

int
mb_get_u16(struct mb_cursor *c, uint16_t *v)
{
	if (c->left < 2) {
		c->error = true;
		return -1;
	}
	*v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return 0;
}

int
mb_get_u32(struct mb_cursor *c, uint32_t *v)
{
	if (c->left < 4) {
		c->error = true;
		return -1;
	}
	*v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) |
	    ((uint32_t)c->p[2] << 8) | c->p[3];
	c->p += 4;
	c->left -= 4;
	return 0;
}

int
mb_get_bytes(struct mb_cursor *c, const uint8_t **p, size_t n)
{
	if (c->left < n) {
		c->error = true;
		return -1;
	}
	*p = c->p;
	c->p += n;
	c->left -= n;
	return 0;
}

void
mb_put_u8(struct mb_writer *w, uint8_t v)
{
	mb_put_bytes(w, &v, 1);
}

void
mb_put_u16(struct mb_writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	mb_put_bytes(w, b, 2);
}

void
mb_put_u32(struct mb_writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	mb_put_bytes(w, b, 4);
}

void
mb_put_bytes(struct mb_writer *w, const void *p, size_t n)
{
	if (w->error || w->left < n) {
		w->error = true;
		return;
	}
	memcpy(w->p + w->used, p, n);
	w->used += n;
	w->left -= n;
}

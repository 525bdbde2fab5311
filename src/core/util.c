/*
 * util.c - tokenizer, addresses and small string helpers.
 */
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v' ||
	    c == '\r' || c == '\n';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode one escape sequence starting after the backslash at *rp.
 * Advances *rp past it and returns the decoded character.  A backslash at
 * the very end of the line stands for itself.
 */
static char
decode_escape(const char **rp)
{
	const char *r = *rp;
	int v, n, d;

	switch (*r) {
	case '\0':
		return '\\';
	case 't':
		*rp = r + 1;
		return '\t';
	case 'n':
		*rp = r + 1;
		return '\n';
	case 'r':
		*rp = r + 1;
		return '\r';
	case 's':
		*rp = r + 1;
		return ' ';
	case 'x':
		v = 0;
		for (n = 0, r++; n < 2 && (d = hexval(*r)) >= 0; n++, r++)
			v = v * 16 + d;
		if (n == 0) {		/* "\x" alone: a literal x */
			*rp = r;
			return 'x';
		}
		*rp = r;
		return (char)v;
	default:
		if (*r >= '0' && *r <= '7') {
			v = 0;
			for (n = 0; n < 3 && *r >= '0' && *r <= '7'; n++, r++)
				v = v * 8 + (*r - '0');
			*rp = r;
			return (char)v;
		}
		*rp = r + 1;
		return *r;
	}
}

int
util_tokenize(char *line, char **av, int max_av)
{
	const char *r = line;
	char *w = line;
	int ac = 0;

	for (;;) {
		bool quoted;

		while (is_space(*r))
			r++;
		if (*r == '\0')
			break;
		if (ac == max_av)
			return -1;
		av[ac++] = w;
		quoted = (*r == '"');
		if (quoted)
			r++;
		while (*r != '\0') {
			if (quoted && *r == '"') {
				r++;
				break;
			}
			if (!quoted && is_space(*r))
				break;
			if (*r == '\\') {
				r++;
				*w++ = decode_escape(&r);
				continue;
			}
			*w++ = *r++;
		}
		/*
		 * Consume the separator before writing the terminator: when
		 * nothing has shrunk yet, w == r and the NUL lands on the
		 * separator itself.  A quoted word gave up its opening quote,
		 * so w can never overtake r.
		 */
		if (*r != '\0' && !quoted)
			r++;
		*w++ = '\0';
	}
	return ac;
}

int
u_addr_parse(const char *s, int family, struct u_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family != AF_INET6 && inet_pton(AF_INET, s, &a->u.ip4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (family != AF_INET && inet_pton(AF_INET6, s, &a->u.ip6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

int
u_range_parse(const char *s, int family, struct u_range *r)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	long w;
	int max;

	memset(r, 0, sizeof(*r));
	if (util_strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return -1;
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (u_addr_parse(buf, family, &r->addr) < 0)
		return -1;
	max = r->addr.family == AF_INET ? 32 : 128;
	if (slash == NULL) {
		r->width = (uint8_t)max;
		return 0;
	}
	if (util_parse_int(slash, 0, max, &w) < 0)
		return -1;
	r->width = (uint8_t)w;
	return 0;
}

bool
u_addr_empty(const struct u_addr *a)
{
	static const struct in6_addr zero6;

	switch (a->family) {
	case AF_INET:
		return a->u.ip4.s_addr == 0;
	case AF_INET6:
		return memcmp(&a->u.ip6, &zero6, sizeof(zero6)) == 0;
	default:
		return true;
	}
}

char *
u_addr_print(const struct u_addr *a, char *buf, size_t len)
{
	switch (a->family) {
	case AF_INET:
		inet_ntop(AF_INET, &a->u.ip4, buf, (socklen_t)len);
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &a->u.ip6, buf, (socklen_t)len);
		break;
	default:
		snprintf(buf, len, "0.0.0.0");
		break;
	}
	return buf;
}

char *
u_range_print(const struct u_range *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (r->addr.family == AF_UNSPEC)
		snprintf(buf, len, "UNSPEC");
	else
		snprintf(buf, len, "%s/%d", u_addr_print(&r->addr, a,
		    sizeof(a)), r->width);
	return buf;
}

bool
u_range_contains(const struct u_range *r, const struct u_addr *a)
{
	const uint8_t *x, *y;
	int bits = r->width, i;

	if (r->addr.family != a->family)
		return false;
	if (a->family == AF_INET) {
		uint32_t m = bits == 0 ? 0 : htonl(~0u << (32 - bits));

		return (r->addr.u.ip4.s_addr & m) == (a->u.ip4.s_addr & m);
	}
	x = r->addr.u.ip6.s6_addr;
	y = a->u.ip6.s6_addr;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (x[i] != y[i])
			return false;
	if (bits > 0) {
		uint8_t m = (uint8_t)(0xff << (8 - bits));

		return (x[i] & m) == (y[i] & m);
	}
	return true;
}

int
util_parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
util_parse_port(const char *s, bool zero_ok, uint16_t *out)
{
	long v;

	if (util_parse_int(s, zero_ok ? 0 : 1, 65535, &v) < 0)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

size_t
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

bool
util_prefix_ci(const char *word, const char *name)
{
	return strncasecmp(word, name, strlen(word)) == 0;
}

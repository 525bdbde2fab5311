/*
 * http.c - pure HTTP/1.x helpers for the web interface: request head
 * parsing (RFC 9112 sections 2-5, a strict subset), query splitting and
 * percent-decoding (RFC 3986 section 2.1, plus the form convention of
 * '+' for a space), base64 (RFC 4648 section 4) for Basic credentials
 * (RFC 7617), and HTML / JSON (RFC 8259 section 7) string escaping.
 *
 * Nothing here does I/O or keeps state; every function is bounded by the
 * lengths it is given.  The parser accepts only what mpd's web interface
 * needs (origin-form or absolute-form targets, HTTP/1.x) and answers the
 * rest with a status code the caller sends back.
 */
#include "http.h"

#include <string.h>

/* ---- small character classes ---- */

static bool
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Case-insensitive compare of a slice with a lower-case literal. */
static bool
slice_ieq(const char *p, size_t len, const char *lit)
{
	size_t i;

	if (strlen(lit) != len)
		return false;
	for (i = 0; i < len; i++)
		if (lower((unsigned char)p[i]) != (unsigned char)lit[i])
			return false;
	return true;
}

bool
http_slice_eq(struct http_slice s, const char *str)
{
	size_t n = strlen(str);

	return s.p != NULL && s.len == n && memcmp(s.p, str, n) == 0;
}

/* ---- request head ---- */

size_t
http_head_length(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		/* A line feed followed by an empty line ends the head. */
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/*
 * Take the next line from buf[*pos..len): the slice excludes the line
 * end (LF or CRLF).  The last line may lack its line end.  Returns false
 * at the end of the input, and sets *bad for a stray CR.
 */
static bool
next_line(const char *buf, size_t len, size_t *pos, struct http_slice *line,
    bool *bad)
{
	size_t start = *pos, i;

	if (start >= len)
		return false;
	for (i = start; i < len && buf[i] != '\n'; i++)
		;
	line->p = buf + start;
	line->len = i - start;
	*pos = i < len ? i + 1 : len;
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	/* Bare CR inside a line is a classic smuggling vector: refuse it. */
	if (memchr(line->p, '\r', line->len) != NULL)
		*bad = true;
	return true;
}

/* "HTTP/d.d": 0 ok, 400 malformed, 505 not 1.x. */
static int
parse_version(const char *p, size_t len, struct http_request *req)
{
	if (len != 8 || memcmp(p, "HTTP/", 5) != 0 || p[6] != '.' ||
	    p[5] < '0' || p[5] > '9' || p[7] < '0' || p[7] > '9')
		return 400;
	req->vmajor = p[5] - '0';
	req->vminor = p[7] - '0';
	return req->vmajor == 1 ? 0 : 505;
}

static int
parse_target(struct http_request *req)
{
	const char *t = req->target.p, *q;
	size_t len = req->target.len, i, skip = 0;

	for (i = 0; i < len; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return 400;
	if (len >= 7 && slice_ieq(t, 7, "http://"))
		skip = 7;
	else if (len >= 8 && slice_ieq(t, 8, "https://"))
		skip = 8;
	if (skip > 0) {
		/* absolute-form: drop scheme and authority */
		for (i = skip; i < len && t[i] != '/' && t[i] != '?'; i++)
			;
		if (i == skip)
			return 400;	/* no authority */
		if (i == len || t[i] == '?') {
			/* no path: the root, with any query that follows */
			req->path.p = "/";
			req->path.len = 1;
			if (i < len) {
				req->query.p = t + i + 1;
				req->query.len = len - i - 1;
			}
			return 0;
		}
		t += i;
		len -= i;
	} else if (len == 0 || t[0] != '/') {
		return 400;
	}
	q = memchr(t, '?', len);
	req->path.p = t;
	req->path.len = q != NULL ? (size_t)(q - t) : len;
	if (q != NULL) {
		req->query.p = q + 1;
		req->query.len = len - req->path.len - 1;
	}
	return 0;
}

static int
parse_request_line(struct http_slice line, struct http_request *req)
{
	const char *p = line.p, *sp1, *sp2;
	size_t len = line.len, i;
	int rc;

	sp1 = memchr(p, ' ', len);
	if (sp1 == NULL || sp1 == p)
		return 400;
	req->method.p = p;
	req->method.len = (size_t)(sp1 - p);
	for (i = 0; i < req->method.len; i++)
		if (!is_tchar((unsigned char)p[i]))
			return 400;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return 400;
	req->target.p = sp1 + 1;
	req->target.len = (size_t)(sp2 - sp1 - 1);
	rc = parse_version(sp2 + 1, len - (size_t)(sp2 + 1 - p), req);
	if (rc != 0)
		return rc;
	return parse_target(req);
}

/* Set a single-valued header; a second copy is malformed. */
static int
set_once(struct http_slice *dst, const char *p, size_t len)
{
	if (dst->p != NULL)
		return 400;
	dst->p = p;
	dst->len = len;
	return 0;
}

static int
parse_content_length(const char *p, size_t len, struct http_request *req,
    bool *seen)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 18)
		return 400;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 400;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	/* Repeated Content-Length headers must agree (RFC 9112 6.3). */
	if (*seen && v != req->content_length)
		return 400;
	*seen = true;
	req->content_length = v;
	return 0;
}

static int
parse_header(struct http_slice line, struct http_request *req, bool *cl_seen)
{
	const char *p = line.p, *colon, *v;
	size_t nlen, vlen, i;

	/* obsolete line folding is not accepted (RFC 9112 5.2) */
	if (p[0] == ' ' || p[0] == '\t')
		return 400;
	colon = memchr(p, ':', line.len);
	if (colon == NULL || colon == p)
		return 400;
	nlen = (size_t)(colon - p);
	for (i = 0; i < nlen; i++)
		if (!is_tchar((unsigned char)p[i]))
			return 400;
	v = colon + 1;
	vlen = line.len - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < vlen; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 400;
	}
	if (slice_ieq(p, nlen, "authorization"))
		return set_once(&req->authorization, v, vlen);
	if (slice_ieq(p, nlen, "host"))
		return set_once(&req->host, v, vlen);
	if (slice_ieq(p, nlen, "content-length"))
		return parse_content_length(v, vlen, req, cl_seen);
	if (slice_ieq(p, nlen, "transfer-encoding"))
		req->chunked = true;
	return 0;
}

int
http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	struct http_slice line;
	size_t pos = 0;
	bool bad = false, cl_seen = false;
	int rc;

	memset(req, 0, sizeof(*req));
	if (buf == NULL || len == 0)
		return 400;
	if (memchr(buf, '\0', len) != NULL)
		return 400;
	if (!next_line(buf, len, &pos, &line, &bad) || bad)
		return 400;
	rc = parse_request_line(line, req);
	if (rc != 0)
		return rc;
	while (next_line(buf, len, &pos, &line, &bad)) {
		if (bad)
			return 400;
		if (line.len == 0)
			break;		/* end of the head */
		if (++req->nheaders > HTTP_MAX_HEADERS)
			return 431;
		rc = parse_header(line, req, &cl_seen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* ---- query strings and percent-encoding ---- */

bool
http_query_next(const char *q, size_t len, size_t *pos, struct http_slice *part)
{
	size_t i = *pos, start;

	while (i < len) {
		start = i;
		while (i < len && q[i] != '&')
			i++;
		if (i > start) {
			part->p = q + start;
			part->len = i - start;
			*pos = i < len ? i + 1 : len;
			return true;
		}
		i++;		/* skip the empty part */
	}
	*pos = len;
	return false;
}

ssize_t
http_url_decode(const char *in, size_t len, char *out, size_t outsz,
    bool plus_space)
{
	size_t i, o = 0;

	if (outsz == 0)
		return -1;
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == '%' && i + 2 < len) {
			int hi = hex_val((unsigned char)in[i + 1]);
			int lo = hex_val((unsigned char)in[i + 2]);

			if (hi >= 0 && lo >= 0) {
				c = (char)(hi * 16 + lo);
				if (c == '\0')
					return -1;
				i += 2;
			}
		} else if (c == '+' && plus_space) {
			c = ' ';
		} else if (c == '\0') {
			return -1;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return (ssize_t)o;
}

/* Append n bytes to an snprintf-like output, counting what is needed. */
static void
emit(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, (*o)++)
		if (*o + 1 < outsz)
			out[*o] = s[i];
}

static void
emit_end(char *out, size_t outsz, size_t o)
{
	if (outsz > 0)
		out[o < outsz ? o : outsz - 1] = '\0';
}

size_t
http_url_encode(const char *in, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		char esc[3];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			emit(out, outsz, &o, (const char *)&in[i], 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		emit(out, outsz, &o, esc, 3);
	}
	emit_end(out, outsz, o);
	return o;
}

/* ---- base64 and Basic credentials ---- */

static int
b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

ssize_t
http_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t outsz)
{
	size_t d = len, i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	/* Up to two '=' at the end; with padding the length is a multiple
	 * of four, without it a lone trailing sextet is impossible. */
	while (d > 0 && in[d - 1] == '=' && len - d < 2)
		d--;
	if (d != len && len % 4 != 0)
		return -1;
	if (d % 4 == 1)
		return -1;
	if (d / 4 * 3 + (d % 4 == 0 ? 0 : d % 4 - 1) > outsz)
		return -1;
	for (i = 0; i < d; i++) {
		int v = b64_val((unsigned char)in[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (ssize_t)o;
}

int
http_basic_auth(const char *value, size_t len, char *user, size_t usz,
    char *pass, size_t psz)
{
	unsigned char dec[HTTP_MAX_HEAD];
	const unsigned char *colon;
	size_t i = 0, start, ulen, plen;
	ssize_t n;

	while (i < len && (value[i] == ' ' || value[i] == '\t'))
		i++;
	if (len - i < 6 || !slice_ieq(value + i, 5, "basic") ||
	    (value[i + 5] != ' ' && value[i + 5] != '\t'))
		return -1;
	i += 6;
	while (i < len && (value[i] == ' ' || value[i] == '\t'))
		i++;
	start = i;
	while (len > start && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	n = http_base64_decode(value + start, len - start, dec, sizeof(dec));
	if (n < 0 || memchr(dec, '\0', (size_t)n) != NULL)
		return -1;
	colon = memchr(dec, ':', (size_t)n);
	if (colon == NULL)
		return -1;
	ulen = (size_t)(colon - dec);
	plen = (size_t)n - ulen - 1;
	if (ulen >= usz || plen >= psz)
		return -1;
	memcpy(user, dec, ulen);
	user[ulen] = '\0';
	memcpy(pass, colon + 1, plen);
	pass[plen] = '\0';
	return 0;
}

/* ---- escaping ---- */

size_t
http_html_escape(const char *in, size_t len, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		switch (in[i]) {
		case '&':
			emit(out, outsz, &o, "&amp;", 5);
			break;
		case '<':
			emit(out, outsz, &o, "&lt;", 4);
			break;
		case '>':
			emit(out, outsz, &o, "&gt;", 4);
			break;
		default:
			emit(out, outsz, &o, in + i, 1);
			break;
		}
	}
	emit_end(out, outsz, o);
	return o;
}

/*
 * Length of the valid UTF-8 sequence at s[0..len) (RFC 3629 section 4:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n > len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

size_t
http_json_escape(const char *in, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0, n;

	while (i < len) {
		unsigned char c = s[i];
		char esc[6];

		switch (c) {
		case '"':
			emit(out, outsz, &o, "\\\"", 2);
			i++;
			continue;
		case '\\':
			emit(out, outsz, &o, "\\\\", 2);
			i++;
			continue;
		case '\b':
			emit(out, outsz, &o, "\\b", 2);
			i++;
			continue;
		case '\f':
			emit(out, outsz, &o, "\\f", 2);
			i++;
			continue;
		case '\n':
			emit(out, outsz, &o, "\\n", 2);
			i++;
			continue;
		case '\r':
			emit(out, outsz, &o, "\\r", 2);
			i++;
			continue;
		case '\t':
			emit(out, outsz, &o, "\\t", 2);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			emit(out, outsz, &o, esc, 6);
			i++;
			continue;
		}
		n = utf8_len(s + i, len - i);
		if (n == 0) {
			emit(out, outsz, &o, "\\ufffd", 6);
			i++;
			continue;
		}
		emit(out, outsz, &o, in + i, n);
		i += n;
	}
	emit_end(out, outsz, o);
	return o;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 413:
		return "Payload Too Large";
	case 414:
		return "URI Too Long";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}

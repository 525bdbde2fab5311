/*
 * http.h - pure HTTP/1.x helpers for the web interface (surface spec 7):
 * request-head parsing, query splitting, URL decoding and encoding,
 * Basic credentials (base64), and HTML / JSON string escaping.
 *
 * Everything here works on (const char *, size_t) input, touches no
 * socket, global or log, and never reads outside the given bounds, so it
 * can be unit tested and fuzzed directly (tests/unit/test_http.c,
 * tests/fuzz/fuzz_http.c).  The socket side lives in web.c.
 */
#ifndef MPD_CTL_HTTP_H
#define MPD_CTL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Largest request head (request line + headers + blank line) accepted. */
#define HTTP_MAX_HEAD		8192
/* Largest number of header lines accepted. */
#define HTTP_MAX_HEADERS	100

/* A borrowed piece of the input buffer (not NUL terminated). */
struct http_slice {
	const char	*p;	/* NULL when absent */
	size_t		 len;
};

/*
 * What http_parse_request() found.  Every slice points into its input,
 * except path for an absolute-form target without a path ("http://h"),
 * which points at a static "/".
 */
struct http_request {
	struct http_slice	method;
	struct http_slice	target;		/* raw request-target */
	struct http_slice	path;		/* target up to '?' */
	struct http_slice	query;		/* after '?' (p NULL if none) */
	int			vmajor, vminor;	/* HTTP version */
	struct http_slice	authorization;	/* header value, p NULL if absent */
	struct http_slice	host;
	uint64_t		content_length;
	bool			chunked;	/* a Transfer-Encoding was sent */
	unsigned		nheaders;
};

/*
 * Length of the request head at the start of buf: the bytes up to and
 * including the first empty line (CRLF CRLF, or bare LF LF / mixed).
 * Returns 0 when the head is not complete within len bytes.
 */
size_t	http_head_length(const char *buf, size_t len);

/*
 * Parse a complete request head of len bytes (as measured by
 * http_head_length(); a missing final blank line is tolerated).  Fills
 * req with slices into buf.  Returns 0 on success, otherwise the HTTP
 * status that should be answered: 400 (malformed), 431 (too many
 * headers), 505 (not HTTP/1.x).  Never reads beyond buf[len - 1].
 */
int	http_parse_request(const char *buf, size_t len,
	    struct http_request *req);

/* True when the slice equals the NUL-terminated string s (exact case). */
bool	http_slice_eq(struct http_slice s, const char *str);

/*
 * Iterate over the '&'-separated parts of a query string.  *pos starts at
 * 0; each call stores the next non-empty part in *part and returns true,
 * or returns false when no part is left.
 */
bool	http_query_next(const char *q, size_t len, size_t *pos,
	    struct http_slice *part);

/*
 * Decode %XX escapes (and '+' as a space when plus_space) from in[0..len)
 * into out, which receives a NUL terminator.  A '%' not followed by two
 * hex digits is copied literally.  Returns the decoded length, or -1 when
 * out is too small (outsz must be at least len + 1 to always fit) or when
 * the input decodes to a NUL byte.
 */
ssize_t	http_url_decode(const char *in, size_t len, char *out, size_t outsz,
	    bool plus_space);

/*
 * Percent-encode every byte of in[0..len) other than the RFC 3986
 * unreserved characters (A-Z a-z 0-9 - . _ ~).  Like snprintf: writes at
 * most outsz bytes including a NUL terminator (when outsz > 0) and
 * returns the length the full encoding needs.
 */
size_t	http_url_encode(const char *in, size_t len, char *out, size_t outsz);

/*
 * Decode standard base64 (RFC 4648 section 4) from in[0..len).  Padding
 * is optional; whitespace and any other character are rejected.  Returns
 * the decoded length, or -1 on malformed input or when more than outsz
 * bytes would be written.  The output is not NUL terminated.
 */
ssize_t	http_base64_decode(const char *in, size_t len, unsigned char *out,
	    size_t outsz);

/*
 * Parse an Authorization header value of the Basic scheme (RFC 7617):
 * "Basic <base64(user:password)>", scheme name case-insensitive.  Stores
 * NUL-terminated user and password (split at the first ':').  Returns 0,
 * or -1 for another scheme, bad base64, no ':', a NUL byte inside, or a
 * user / password that does not fit its buffer.
 */
int	http_basic_auth(const char *value, size_t len, char *user,
	    size_t usz, char *pass, size_t psz);

/*
 * Escape in[0..len) for HTML text content (& < >).  Quotes are left as
 * they are so that console texts keep their exact bytes inside <pre>;
 * the result is therefore not meant for attribute values.  snprintf-like:
 * writes at most outsz bytes including a NUL terminator and returns the
 * length the full result needs.  At most 5 output bytes per input byte.
 */
size_t	http_html_escape(const char *in, size_t len, char *out, size_t outsz);

/*
 * Escape in[0..len) as the contents of a JSON string (RFC 8259 section 7):
 * '"' and '\\' get a backslash, control characters become \b \f \n \r \t
 * or \u00XX, valid UTF-8 passes through and every byte of an invalid
 * UTF-8 sequence becomes \ufffd, so the result is always valid JSON.
 * snprintf-like return as above; at most 6 output bytes per input byte.
 */
size_t	http_json_escape(const char *in, size_t len, char *out, size_t outsz);

/* Reason phrase for a status code ("OK", "Not Found", ...). */
const char *http_reason(int status);

#endif /* MPD_CTL_HTTP_H */

/*
 * util.h - small pure helpers: mpd5's line tokenizer, address parsing and
 * printing, bounded string copies.
 *
 * The tokenizer is shared by mpd.conf, mpd.secret, the consoles and the web
 * interface (surface spec 2.1).  Everything here is free of I/O and global
 * state so it can be unit tested and fuzzed directly.
 */
#ifndef MPD_CORE_UTIL_H
#define MPD_CORE_UTIL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Split line in place into at most max_av words following mpd5's rules:
 * whitespace separates, "..." groups (a closing quote ends the word even
 * when text follows), escapes \t \n \r \s \" \NNN \xHH and \<c> are
 * processed inside and outside quotes, "" is an empty word.  Returns the
 * number of words, or -1 when there are more than max_av.
 */
int	util_tokenize(char *line, char **av, int max_av);

/* Address of either family. */
struct u_addr {
	sa_family_t	family;		/* AF_UNSPEC, AF_INET or AF_INET6 */
	union {
		struct in_addr	 ip4;
		struct in6_addr	 ip6;
	} u;
};

/* Address with prefix width (mpd5's "range"). */
struct u_range {
	struct u_addr	addr;
	uint8_t		width;
};

/* Parse an IPv4 or IPv6 literal.  Returns 0 or -1.  family may be
 * AF_UNSPEC (either), AF_INET or AF_INET6 (only that one). */
int	u_addr_parse(const char *s, int family, struct u_addr *a);
/* Parse "addr[/width]"; without width the host width is used. */
int	u_range_parse(const char *s, int family, struct u_range *r);
/* Print; unset addresses print as "0.0.0.0" / ranges as "UNSPEC". */
char	*u_addr_print(const struct u_addr *a, char *buf, size_t len);
char	*u_range_print(const struct u_range *r, char *buf, size_t len);
bool	 u_addr_empty(const struct u_addr *a);
/* True when a lies inside r. */
bool	 u_range_contains(const struct u_range *r, const struct u_addr *a);

/* Parse a decimal integer in [min, max]; returns 0 or -1. */
int	util_parse_int(const char *s, long min, long max, long *out);
/* Parse a port number 1..65535 (0 allowed when zero_ok). */
int	util_parse_port(const char *s, bool zero_ok, uint16_t *out);

/* strlcpy semantics: always terminates, returns strlen(src). */
size_t	util_strlcpy(char *dst, const char *src, size_t size);

/* Case-insensitive "is word a prefix of name". */
bool	util_prefix_ci(const char *word, const char *name);

#endif /* MPD_CORE_UTIL_H */

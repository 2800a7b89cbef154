/* http.c - SSTP_DUPLEX_POST and CONNECT requests, and a bounded incremental parser for their answers. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <nettle/base64.h>

#include "http.h"

static char *http_cause(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An allocated message for *cause; out of memory is fatal, as everywhere. */
static char *
http_cause(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	return s;
}

/* Anything that could end a header line or smuggle one in is refused. */
static int
http_clean(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	}
	return 1;
}

void
http_guid_format(const uint8_t raw[16], char *out)
{
	uint8_t	g[16];

	memcpy(g, raw, sizeof g);
	g[6] = (g[6] & 0x0f) | 0x40;	/* RFC 4122 4.4: version 4 */
	g[8] = (g[8] & 0x3f) | 0x80;	/* RFC 4122 4.1.1: variant */
	snprintf(out, HTTP_GUID_LEN + 1,
	    "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
	    "%02X%02X%02X%02X%02X%02X}",
	    g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9],
	    g[10], g[11], g[12], g[13], g[14], g[15]);
}

int
http_authority(char *buf, size_t cap, const char *host, unsigned int port)
{
	const char	*open = "", *close = "";
	int		 n;

	if (strchr(host, ':') != NULL && host[0] != '[') {
		open = "[";
		close = "]";
	}
	if (port != 0)
		n = snprintf(buf, cap, "%s%s%s:%u", open, host, close, port);
	else
		n = snprintf(buf, cap, "%s%s%s", open, host, close);
	if (n < 0 || (size_t)n >= cap)
		return -ENOBUFS;
	return n;
}

int
http_sstp_request(char *buf, size_t cap, const char *host, const char *guid)
{
	char	authority[300];
	int	n;

	if (!http_clean(host) || !http_clean(guid) || *host == '\0')
		return -EINVAL;
	if (http_authority(authority, sizeof authority, host, 0) < 0)
		return -ENOBUFS;
	n = snprintf(buf, cap,
	    HTTP_SSTP_METHOD " " HTTP_SSTP_URI " HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Content-Length: " HTTP_SSTP_LENGTH "\r\n"
	    "SSTPCORRELATIONID: %s\r\n"
	    "\r\n", authority, guid);
	if (n < 0 || (size_t)n >= cap)
		return -ENOBUFS;
	return n;
}

int
http_connect_request(char *buf, size_t cap, const char *host,
    unsigned int port, const char *user, const char *password)
{
	char		 authority[300], plain[512];
	char		 b64[BASE64_ENCODE_RAW_LENGTH(sizeof plain) + 1];
	size_t		 plen;
	int		 n, m;

	if (*host == '\0' || port == 0 || port > 65535 || !http_clean(host))
		return -EINVAL;
	if (http_authority(authority, sizeof authority, host, port) < 0)
		return -ENOBUFS;
	n = snprintf(buf, cap,
	    "CONNECT %s HTTP/1.1\r\n"
	    "Host: %s\r\n", authority, authority);
	if (n < 0 || (size_t)n >= cap)
		return -ENOBUFS;
	if (user != NULL) {
		if (password == NULL)
			password = "";
		/* RFC 7617 2: user-id ":" password; a colon in the user is ambiguous. */
		if (strchr(user, ':') != NULL)
			return -EINVAL;
		m = snprintf(plain, sizeof plain, "%s:%s", user, password);
		if (m < 0 || (size_t)m >= sizeof plain)
			return -ENOBUFS;
		plen = (size_t)m;
		base64_encode_raw((char *)b64, plen, (const uint8_t *)plain);
		b64[BASE64_ENCODE_RAW_LENGTH(plen)] = '\0';
		explicit_bzero(plain, sizeof plain);
		m = snprintf(buf + n, cap - (size_t)n,
		    "Proxy-Authorization: Basic %s\r\n", b64);
		explicit_bzero(b64, sizeof b64);
		if (m < 0 || (size_t)m >= cap - (size_t)n)
			return -ENOBUFS;
		n += m;
	}
	m = snprintf(buf + n, cap - (size_t)n, "\r\n");
	if (m < 0 || (size_t)m >= cap - (size_t)n)
		return -ENOBUFS;
	return n + m;
}

void
http_response_init(struct http_response *r)
{
	memset(r, 0, sizeof *r);
}

/* Copy the status line, making it printable and bounded, for messages. */
static void
http_keep_status_line(struct http_response *r, const char *line, size_t len)
{
	size_t	i;

	if (len >= sizeof r->status_line)
		len = sizeof r->status_line - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		r->status_line[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
	}
	r->status_line[len] = '\0';
}

/* "HTTP/1.1 200 OK": RFC 7230 3.1.2 (the reason may be empty or absent). */
static int
http_parse_status(struct http_response *r, const char *line, size_t len,
    char **cause)
{
	http_keep_status_line(r, line, len);
	if (len < 12 || memcmp(line, "HTTP/", 5) != 0 ||
	    line[5] < '0' || line[5] > '9' || line[6] != '.' ||
	    line[7] < '0' || line[7] > '9' || line[8] != ' ' ||
	    line[9] < '1' || line[9] > '9' ||
	    line[10] < '0' || line[10] > '9' ||
	    line[11] < '0' || line[11] > '9' ||
	    (len > 12 && line[12] != ' ')) {
		*cause = http_cause("not an HTTP answer: \"%s\"", r->status_line);
		return -EPROTO;
	}
	r->major = line[5] - '0';
	r->minor = line[7] - '0';
	r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 +
	    (line[11] - '0');
	return 0;
}

static int
http_token_char(unsigned char c)
{
	/* RFC 7230 3.2.6 tchar */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
http_parse_header(struct http_response *r, const char *line, size_t len,
    char **cause)
{
	size_t		 i, name_len;
	const char	*v, *end = line + len;
	uint64_t	 n;

	if (len > 0 && (line[0] == ' ' || line[0] == '\t'))
		return 0;	/* obsolete folding (RFC 7230 3.2.4): ignored */
	for (i = 0; i < len && http_token_char((unsigned char)line[i]); i++)
		;
	if (i == 0 || i == len || line[i] != ':') {
		*cause = http_cause("malformed header line after \"%s\"",
		    r->status_line);
		return -EPROTO;
	}
	name_len = i;
	if (++r->nheaders > HTTP_HEADERS_MAX) {
		*cause = http_cause("more than %d header lines after \"%s\"",
		    HTTP_HEADERS_MAX, r->status_line);
		return -EMSGSIZE;
	}
	for (v = line + name_len + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;

	if (name_len == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
		if (v == end)
			goto bad_length;
		for (n = 0; v < end; v++) {
			unsigned int d;

			if (*v < '0' || *v > '9')
				goto bad_length;
			d = (unsigned int)(*v - '0');
			if (n > (UINT64_MAX - d) / 10)
				goto bad_length;
			n = n * 10 + d;
		}
		if (r->has_length && r->content_length != n)
			goto bad_length;
		r->has_length = 1;
		r->content_length = n;
	}
	return 0;

bad_length:
	*cause = http_cause("bad Content-Length after \"%s\"", r->status_line);
	return -EPROTO;
}

/* The whole head is in r->head: split it into lines and parse them. */
static int
http_parse_head(struct http_response *r, char **cause)
{
	const char	*p = r->head, *end = r->head + r->len, *nl;
	size_t		 len;
	int		 first = 1, ret;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (memchr(p, '\0', len) != NULL) {
			*cause = http_cause("NUL byte in the HTTP answer");
			return -EPROTO;
		}
		if (first) {
			if ((ret = http_parse_status(r, p, len, cause)) != 0)
				return ret;
			first = 0;
		} else if (len == 0)
			break;
		else if ((ret = http_parse_header(r, p, len, cause)) != 0)
			return ret;
		p = nl + 1;
	}
	return 0;
}

/* The answer does not start with "HTTP/": show its first line. */
static int
http_not_http(struct http_response *r, const uint8_t *rest, size_t len,
    char **cause)
{
	size_t	n;

	for (n = 0; n < len && r->len < sizeof r->head; n++) {
		if (rest[n] == '\r' || rest[n] == '\n')
			break;
		r->head[r->len++] = (char)rest[n];
	}
	for (n = 0; n < r->len && r->head[n] != '\r' && r->head[n] != '\n'; n++)
		;
	http_keep_status_line(r, r->head, n);
	*cause = http_cause("not an HTTP answer: \"%s\"", r->status_line);
	return -EPROTO;
}

int
http_response_feed(struct http_response *r, const uint8_t *buf, size_t len,
    size_t *used, char **cause)
{
	size_t	i;
	int	ret;

	*used = 0;
	if (r->done)
		return 1;
	for (i = 0; i < len; i++) {
		if (r->len == sizeof r->head) {
			*cause = http_cause("HTTP answer head longer than %d "
			    "bytes", HTTP_HEAD_MAX);
			return -EMSGSIZE;
		}
		r->head[r->len++] = (char)buf[i];
		/* Leading empty lines before the status line are tolerated (RFC 7230 3.5). */
		if (r->len <= 2 && (r->head[0] == '\r' || r->head[0] == '\n')) {
			if (r->head[r->len - 1] == '\n')
				r->len = 0;
			continue;
		}
		/*
		 * Not even "HTTP/": say so now, with the rest of the line,
		 * rather than wait for a blank line that may never come.
		 */
		if (r->len <= 5 && r->head[r->len - 1] != "HTTP/"[r->len - 1])
			return http_not_http(r, buf + i + 1, len - i - 1, cause);
		/* The head ends with an empty line: "\n\n" or "\n\r\n". */
		if (buf[i] != '\n' || r->len < 2)
			continue;
		if (r->head[r->len - 2] == '\n' ||
		    (r->len >= 3 && r->head[r->len - 2] == '\r' &&
		    r->head[r->len - 3] == '\n')) {
			*used = i + 1;
			if ((ret = http_parse_head(r, cause)) != 0)
				return ret;
			r->done = 1;
			return 1;
		}
	}
	*used = len;
	return 0;
}

int
http_sstp_check(const struct http_response *r, char **cause)
{
	if (r->status == 200)
		return 0;
	*cause = http_cause("server answered %s", r->status_line);
	return -ECONNREFUSED;
}

int
http_connect_check(const struct http_response *r, int sent_credentials,
    char **cause)
{
	const char	*hint = "";

	if (r->status >= 200 && r->status <= 299)
		return 0;
	/* Some proxies (tinyproxy 1.11) answer wrong credentials with 401. */
	if (r->status == 407 || (r->status == 401 && sent_credentials))
		hint = sent_credentials ? " (credentials needed or wrong)" :
		    " (credentials needed: no user given)";
	*cause = http_cause("proxy refused CONNECT: %s%s", r->status_line, hint);
	return -ECONNREFUSED;
}

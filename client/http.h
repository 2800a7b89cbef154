/* http.h - the SSTP HTTP exchange and the proxy CONNECT: request builders and a response-head parser, no I/O. */
#ifndef SSTP_HTTP_H
#define SSTP_HTTP_H

#include <stddef.h>
#include <stdint.h>

/* MS-SSTP 2.2.2: the fixed resource and the "infinite" length. */
#define HTTP_SSTP_METHOD	"SSTP_DUPLEX_POST"
#define HTTP_SSTP_URI		"/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
#define HTTP_SSTP_LENGTH	"18446744073709551615"

#define HTTP_GUID_LEN		38	/* "{8-4-4-4-12}", without the NUL */
#define HTTP_HEAD_MAX		8192	/* a response head larger than this is refused */
#define HTTP_HEADERS_MAX	64	/* so are more header lines than this */
#define HTTP_STATUS_LINE_MAX	256	/* the status line kept for messages (truncated) */
#define HTTP_REQUEST_MAX	1024	/* room enough for either request */

/*
 * Format 16 random bytes as a version-4 GUID in braces (upper-case hex, as
 * Windows writes them) into out, which has room for HTTP_GUID_LEN + 1.  The
 * version and variant bits of the result are set whatever the input.
 */
void	http_guid_format(const uint8_t raw[16], char *out);

/*
 * "host" for a Host header or a CONNECT target: IPv6 literals get brackets,
 * ":port" is added when port is not 0.  Returns the length, or -ENOBUFS.
 */
int	http_authority(char *buf, size_t cap, const char *host, unsigned int port);

/*
 * Build the SSTP_DUPLEX_POST request head for server name 'host' with
 * correlation id 'guid' (from http_guid_format).  Returns the length written
 * to buf (NUL-terminated, not counted), or -ENOBUFS, or -EINVAL when host
 * or guid holds a control character.
 */
int	http_sstp_request(char *buf, size_t cap, const char *host, const char *guid);

/*
 * Build "CONNECT host:port HTTP/1.1" with its Host header, plus
 * "Proxy-Authorization: Basic ..." when user is not NULL (password NULL
 * means empty).  Same returns as http_sstp_request().
 */
int	http_connect_request(char *buf, size_t cap, const char *host,
	    unsigned int port, const char *user, const char *password);

/* An incremental parser for one response head (status line + headers). */
struct http_response {
	char		 head[HTTP_HEAD_MAX];
	size_t		 len;		/* bytes of head[] used */
	int		 done;
	/* Valid once done: */
	int		 major, minor;	/* HTTP/major.minor */
	int		 status;	/* 100..999 */
	char		 status_line[HTTP_STATUS_LINE_MAX]; /* printable, no CRLF */
	int		 has_length;
	uint64_t	 content_length;
	unsigned int	 nheaders;
};

void	http_response_init(struct http_response *r);

/*
 * Feed bytes read from the stream.  Only the bytes of the head are consumed
 * (*used tells how many; what follows belongs to the next layer).  Returns
 * 0 when more bytes are needed, 1 when the head is complete, or a negative
 * errno with a readable *cause (allocated, the caller frees it):
 * -EMSGSIZE for an oversized head or too many headers, -EPROTO for a
 * malformed status line or header.
 */
int	http_response_feed(struct http_response *r, const uint8_t *buf,
	    size_t len, size_t *used, char **cause);

/*
 * Judge a complete answer to SSTP_DUPLEX_POST: 0 for 200, else -ECONNREFUSED
 * with *cause "server answered HTTP/1.1 404 Not Found".
 */
int	http_sstp_check(const struct http_response *r, char **cause);

/*
 * Judge a complete answer to CONNECT: 0 for any 2xx, else -ECONNREFUSED with
 * *cause "proxy refused CONNECT: <status line>", and for 407 a hint whether
 * credentials were sent ("credentials needed or wrong").
 */
int	http_connect_check(const struct http_response *r, int sent_credentials,
	    char **cause);

#endif

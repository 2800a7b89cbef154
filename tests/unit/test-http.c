/* test-http.c - the SSTP_DUPLEX_POST and CONNECT requests and the response-head parser. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "t.h"

static void
test_guid(void)
{
	uint8_t	raw[16];
	char	g[HTTP_GUID_LEN + 1];

	memset(raw, 0xff, sizeof raw);
	http_guid_format(raw, g);
	T_EQ_STR(g, "{FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF}");
	T_EQ_INT(strlen(g), HTTP_GUID_LEN);
	memset(raw, 0, sizeof raw);
	http_guid_format(raw, g);
	T_EQ_STR(g, "{00000000-0000-4000-8000-000000000000}");
}

static void
test_sstp_request(void)
{
	char	buf[HTTP_REQUEST_MAX];
	int	n;
	const char *want =
	    "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"
	    "Host: vpn.example.com\r\n"
	    "Content-Length: 18446744073709551615\r\n"
	    "SSTPCORRELATIONID: {01234567-89AB-4DEF-8123-456789ABCDEF}\r\n"
	    "\r\n";

	n = http_sstp_request(buf, sizeof buf, "vpn.example.com",
	    "{01234567-89AB-4DEF-8123-456789ABCDEF}");
	T_EQ_INT(n, strlen(want));
	T_EQ_STR(buf, want);

	n = http_sstp_request(buf, sizeof buf, "2001:db8::1", "{x}");
	T_CHECK(n > 0);
	T_CHECK(strstr(buf, "\r\nHost: [2001:db8::1]\r\n") != NULL);

	/* Header injection and truncation are refused. */
	T_EQ_INT(http_sstp_request(buf, sizeof buf, "a\r\nX: y", "{x}"), -EINVAL);
	T_EQ_INT(http_sstp_request(buf, sizeof buf, "", "{x}"), -EINVAL);
	T_EQ_INT(http_sstp_request(buf, 40, "vpn.example.com", "{x}"), -ENOBUFS);
}

static void
test_connect_request(void)
{
	char	buf[HTTP_REQUEST_MAX];
	int	n;

	n = http_connect_request(buf, sizeof buf, "10.0.0.1", 443, NULL, NULL);
	T_EQ_STR(buf, "CONNECT 10.0.0.1:443 HTTP/1.1\r\n"
	    "Host: 10.0.0.1:443\r\n\r\n");
	T_EQ_INT(n, strlen(buf));

	/* RFC 7617 2's example: Aladdin / open sesame. */
	n = http_connect_request(buf, sizeof buf, "vpn.example.com", 8443,
	    "Aladdin", "open sesame");
	T_EQ_STR(buf, "CONNECT vpn.example.com:8443 HTTP/1.1\r\n"
	    "Host: vpn.example.com:8443\r\n"
	    "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
	T_EQ_INT(n, strlen(buf));

	n = http_connect_request(buf, sizeof buf, "fe80::1", 443, "u", NULL);
	T_CHECK(n > 0);
	T_CHECK(strncmp(buf, "CONNECT [fe80::1]:443 HTTP/1.1\r\n", 32) == 0);
	T_CHECK(strstr(buf, "Basic dTo=\r\n") != NULL);	/* "u:" */

	T_EQ_INT(http_connect_request(buf, sizeof buf, "h", 0, NULL, NULL), -EINVAL);
	T_EQ_INT(http_connect_request(buf, sizeof buf, "h", 70000, NULL, NULL), -EINVAL);
	T_EQ_INT(http_connect_request(buf, sizeof buf, "h\n", 1, NULL, NULL), -EINVAL);
	T_EQ_INT(http_connect_request(buf, sizeof buf, "h", 1, "a:b", "c"), -EINVAL);
	T_EQ_INT(http_connect_request(buf, 20, "host", 443, NULL, NULL), -ENOBUFS);
}

/* Feed 'text' in pieces of 'step' bytes; returns the final code and sets *tail. */
static int
feed(struct http_response *r, const char *text, size_t step, size_t *tail,
    char **cause)
{
	size_t	len = strlen(text), off = 0, used, n;
	int	ret = 0;

	http_response_init(r);
	*cause = NULL;
	while (off < len) {
		n = len - off < step ? len - off : step;
		ret = http_response_feed(r, (const uint8_t *)text + off, n,
		    &used, cause);
		T_CHECK(used <= n);
		off += used;
		if (ret != 0)
			break;
	}
	*tail = len - off;
	return ret;
}

static void
test_parse(void)
{
	struct http_response	*r = malloc(sizeof *r);
	char			*cause, *big;
	size_t			 tail, step;
	int			 ret;
	const char *ok = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 18446744073709551615\r\n"
	    "Server: Microsoft-HTTPAPI/2.0\r\n"
	    "Date: Thu, 09 Nov 2006 00:51:09 GMT\r\n"
	    "\r\n"
	    "\x10\x01\x01\x30";		/* an SSTP header follows at once */

	/* Any split gives the same answer and leaves the SSTP bytes alone. */
	for (step = 1; step <= strlen(ok); step++) {
		ret = feed(r, ok, step, &tail, &cause);
		T_EQ_INT(ret, 1);
		T_EQ_INT(tail, 4);
		T_EQ_INT(r->status, 200);
		T_EQ_INT(r->has_length, 1);
		T_CHECK(r->content_length == UINT64_MAX);
		T_EQ_INT(r->nheaders, 3);
		free(cause);
	}
	T_EQ_STR(r->status_line, "HTTP/1.1 200 OK");
	T_EQ_INT(http_sstp_check(r, &cause), 0);

	/* Bare LF line ends, no reason phrase, an HTTP/1.0 proxy. */
	T_EQ_INT(feed(r, "HTTP/1.0 200\n\n", 3, &tail, &cause), 1);
	T_EQ_INT(r->minor, 0);
	T_EQ_INT(tail, 0);
	T_EQ_INT(http_connect_check(r, 0, &cause), 0);
	T_EQ_INT(feed(r, "\r\nHTTP/1.1 200 Connection established\r\n\r\n",
	    7, &tail, &cause), 1);
	T_EQ_STR(r->status_line, "HTTP/1.1 200 Connection established");

	/* Refusals carry the status line. */
	T_EQ_INT(feed(r, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
	    100, &tail, &cause), 1);
	T_EQ_INT(http_sstp_check(r, &cause), -ECONNREFUSED);
	T_EQ_STR(cause, "server answered HTTP/1.1 404 Not Found");
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 407 Proxy Authentication Required\r\n"
	    "Proxy-Authenticate: Basic realm=\"x\"\r\n\r\n", 5, &tail,
	    &cause), 1);
	T_EQ_INT(http_connect_check(r, 1, &cause), -ECONNREFUSED);
	T_EQ_STR(cause, "proxy refused CONNECT: HTTP/1.1 407 Proxy "
	    "Authentication Required (credentials needed or wrong)");
	free(cause);
	T_EQ_INT(http_connect_check(r, 0, &cause), -ECONNREFUSED);
	T_CHECK(strstr(cause, "no user given") != NULL);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.0 401 Unauthorized\r\n\r\n", 100, &tail, &cause), 1);
	T_EQ_INT(http_connect_check(r, 1, &cause), -ECONNREFUSED);
	T_EQ_STR(cause, "proxy refused CONNECT: HTTP/1.0 401 Unauthorized "
	    "(credentials needed or wrong)");
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 403 Filtered\r\n\r\n", 100, &tail, &cause), 1);
	T_EQ_INT(http_connect_check(r, 0, &cause), -ECONNREFUSED);
	T_EQ_STR(cause, "proxy refused CONNECT: HTTP/1.1 403 Filtered");
	free(cause);
	/* A 2xx is not enough for SSTP. */
	T_EQ_INT(feed(r, "HTTP/1.1 204 No Content\r\n\r\n", 100, &tail, &cause), 1);
	T_EQ_INT(http_sstp_check(r, &cause), -ECONNREFUSED);
	free(cause);

	/* Bad status lines. */
	ret = feed(r, "SSH-2.0-OpenSSH_9.2\r\n\r\n", 100, &tail, &cause);
	T_EQ_INT(ret, -EPROTO);
	T_CHECK(cause != NULL && strstr(cause, "SSH-2.0") != NULL);
	free(cause);
	/* Not HTTP at all is seen at once, without waiting for a blank line. */
	for (step = 1; step < 12; step++) {
		ret = feed(r, "<!DOCTYPE HTML PUBLIC>\r\n<HTML>", step, &tail,
		    &cause);
		T_EQ_INT(ret, -EPROTO);
		T_CHECK(cause != NULL && strncmp(cause, "not an HTTP answer: \"<",
		    22) == 0);
		free(cause);
	}
	T_EQ_INT(feed(r, "SSTP_DUPLEX_POST /sra_x/ HTTP/1.1\r\nHost: a", 100,
	    &tail, &cause), -EPROTO);
	T_EQ_STR(cause, "not an HTTP answer: \"SSTP_DUPLEX_POST /sra_x/ HTTP/1.1\"");
	free(cause);
	T_EQ_INT(feed(r, "HTTX", 1, &tail, &cause), -EPROTO);
	T_EQ_STR(cause, "not an HTTP answer: \"HTTX\"");
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 20 OK\r\n\r\n", 100, &tail, &cause), -EPROTO);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 2000 OK\r\n\r\n", 100, &tail, &cause), -EPROTO);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 099 X\r\n\r\n", 100, &tail, &cause), -EPROTO);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/x.1 200 OK\r\n\r\n", 100, &tail, &cause), -EPROTO);
	free(cause);
	/* Control bytes in the status line are made printable in messages. */
	T_EQ_INT(feed(r, "HTTP/1.1 500 \x1b[31mX\r\n\r\n", 100, &tail, &cause), 1);
	T_EQ_STR(r->status_line, "HTTP/1.1 500 ?[31mX");

	/* Bad headers. */
	T_EQ_INT(feed(r, "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 100,
	    &tail, &cause), -EPROTO);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616"
	    "\r\n\r\n", 100, &tail, &cause), -EPROTO);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n", 100, &tail, &cause), -EPROTO);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 100,
	    &tail, &cause), -EPROTO);
	free(cause);
	T_EQ_INT(feed(r, "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 100, &tail,
	    &cause), 0);	/* strlen stops at the NUL: still incomplete */
	free(cause);

	/* Oversized head, and too many headers. */
	big = malloc(HTTP_HEAD_MAX + 100);
	strcpy(big, "HTTP/1.1 200 OK\r\nX: ");
	memset(big + strlen(big), 'a', HTTP_HEAD_MAX);
	big[HTTP_HEAD_MAX + 20] = '\0';
	ret = feed(r, big, 1000, &tail, &cause);
	T_EQ_INT(ret, -EMSGSIZE);
	T_CHECK(cause != NULL && strstr(cause, "longer than") != NULL);
	free(cause);
	strcpy(big, "HTTP/1.1 200 OK\r\n");
	for (step = 0; step < HTTP_HEADERS_MAX + 1; step++)
		strcat(big, "X: y\r\n");
	strcat(big, "\r\n");
	T_EQ_INT(feed(r, big, 17, &tail, &cause), -EMSGSIZE);
	free(cause);
	free(big);

	/* Incomplete heads ask for more; a finished parser consumes nothing. */
	T_EQ_INT(feed(r, "HTTP/1.1 200 OK\r\nServer: x\r\n", 4, &tail, &cause), 0);
	T_EQ_INT(tail, 0);
	T_EQ_INT(feed(r, "HTTP/1.1 200 OK\r\n\r\n", 100, &tail, &cause), 1);
	{
		size_t used = 99;
		T_EQ_INT(http_response_feed(r, (const uint8_t *)"x", 1, &used,
		    &cause), 1);
		T_EQ_INT(used, 0);
	}
	free(r);
}

int
main(void)
{
	test_guid();
	test_sstp_request();
	test_connect_request();
	test_parse();
	T_DONE();
}

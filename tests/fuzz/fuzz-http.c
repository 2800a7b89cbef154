/* fuzz-http.c - libFuzzer target: arbitrary bytes as a proxy's or server's answer to the HTTP response-head parser. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The first byte sets the read size (1 to 64 bytes, as a socket might cut
 * them); the rest is the answer.  The parser must never consume more than
 * it was given, must stop consuming once done, and must leave a printable
 * status line and a sane status behind.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_response	 r;
	size_t				 step, off = 0, n, used, i;
	char				*cause = NULL;
	int				 ret = 0;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 64) + 1;
	data++;
	size--;
	http_response_init(&r);
	while (off < size) {
		n = size - off < step ? size - off : step;
		ret = http_response_feed(&r, data + off, n, &used, &cause);
		if (used > n)
			abort();
		off += used;
		if (ret != 0)
			break;
		if (used != n)
			abort();
	}
	if (ret < 0) {
		if (cause == NULL || r.done)
			abort();
		free(cause);
		return 0;
	}
	if (cause != NULL || r.len > sizeof r.head)
		abort();
	if (ret == 1) {
		if (!r.done || r.status < 100 || r.status > 999 ||
		    r.nheaders > HTTP_HEADERS_MAX)
			abort();
		for (i = 0; r.status_line[i] != '\0'; i++) {
			if ((unsigned char)r.status_line[i] < 0x20 ||
			    (unsigned char)r.status_line[i] >= 0x7f)
				abort();
		}
		if (http_sstp_check(&r, &cause) != 0) {
			if (r.status == 200 || cause == NULL)
				abort();
			free(cause);
		}
		cause = NULL;
		if (http_connect_check(&r, data[0] & 1, &cause) != 0) {
			if ((r.status >= 200 && r.status <= 299) || cause == NULL)
				abort();
			free(cause);
		}
	}
	return 0;
}

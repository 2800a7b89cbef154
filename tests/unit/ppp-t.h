/* ppp-t.h - recording sent control packets and matching them against hex, for the PPP unit tests. */
#ifndef SSTP_PPP_T_H
#define SSTP_PPP_T_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "t.h"

static uint8_t	sent[32][160];
static size_t	sent_len[32];
static uint16_t	sent_proto[32];
static int	nsent;

#define LAST	(nsent - 1)

static void
t_record(uint16_t proto, const uint8_t *pkt, size_t len)
{
	if (nsent < 32 && len <= sizeof sent[0]) {
		memcpy(sent[nsent], pkt, len);
		sent_len[nsent] = len;
		sent_proto[nsent] = proto;
	}
	nsent++;
}

/* Does sent packet i equal hex ("..": any byte)? */
static int
sent_is(int i, const char *hex)
{
	size_t n = 0, j;
	unsigned int v;

	if (i < 0 || i >= nsent || i >= 32)
		return 0;
	while (*hex != '\0') {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (n >= sent_len[i])
			goto bad;
		if (hex[0] != '.' && (sscanf(hex, "%2x", &v) != 1 ||
		    sent[i][n] != v))
			goto bad;
		n++;
		hex += 2;
	}
	if (n == sent_len[i])
		return 1;
bad:
	fprintf(stderr, "sent[%d]:", i);
	for (j = 0; j < sent_len[i]; j++)
		fprintf(stderr, " %02x", sent[i][j]);
	fprintf(stderr, "\n");
	return 0;
}

#endif

/* dns-answer.c - test tool: a tiny UDP name server answering A/AAAA for the names it is given, NXDOMAIN otherwise. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DNS_TYPE_A	1	/* RFC 1035 3.2.2 */
#define DNS_TYPE_AAAA	28	/* RFC 3596 2.1 */
#define DNS_RCODE_NXDOMAIN 3	/* RFC 1035 4.1.1 */

struct entry {
	char		 name[256];
	int		 family;
	uint8_t		 addr[16];
};

static struct entry	entries[32];
static int		nentries;

static void
usage(void)
{
	fprintf(stderr, "usage: dns-answer LISTEN-ADDR PORT NAME=ADDR...\n"
	    "Answers A and AAAA queries for each NAME (IPv4 or IPv6 ADDR),\n"
	    "NXDOMAIN for any other name; runs until killed.\n");
	exit(2);
}

/* The question's name as text; returns the offset after it, or 0. */
static size_t
dns_name(const uint8_t *p, size_t len, size_t off, char *out, size_t cap)
{
	size_t	n = 0, l;

	while (off < len && p[off] != 0) {
		l = p[off++];
		if (l > 63 || off + l > len || n + l + 2 > cap)
			return 0;
		if (n > 0)
			out[n++] = '.';
		memcpy(out + n, p + off, l);
		n += l;
		off += l;
	}
	if (off >= len)
		return 0;
	out[n] = '\0';
	return off + 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage	 ss, from;
	socklen_t		 flen;
	uint8_t			 q[512], r[600];
	char			 name[256], *eq;
	size_t			 off, rlen;
	ssize_t			 n;
	unsigned int		 type, ancount;
	int			 fd, i, found, alen;

	if (argc < 4)
		usage();
	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, argv[1], &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(atoi(argv[2]));
	} else if (inet_pton(AF_INET6, argv[1],
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(atoi(argv[2]));
	} else
		usage();
	for (i = 3; i < argc && nentries < 32; i++) {
		struct entry *e = &entries[nentries];

		if ((eq = strchr(argv[i], '=')) == NULL ||
		    (size_t)(eq - argv[i]) >= sizeof e->name)
			usage();
		memcpy(e->name, argv[i], (size_t)(eq - argv[i]));
		e->name[eq - argv[i]] = '\0';
		if (inet_pton(AF_INET, eq + 1, e->addr) == 1)
			e->family = AF_INET;
		else if (inet_pton(AF_INET6, eq + 1, e->addr) == 1)
			e->family = AF_INET6;
		else
			usage();
		nentries++;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&ss, sizeof ss) == -1) {
		perror("dns-answer");
		return 1;
	}
	for (;;) {
		flen = sizeof from;
		n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &flen);
		if (n < 12)
			continue;
		off = dns_name(q, (size_t)n, 12, name, sizeof name);
		if (off == 0 || off + 4 > (size_t)n)
			continue;
		type = (unsigned int)(q[off] << 8 | q[off + 1]);
		off += 4;	/* type, class */

		/* Header and question echoed; QR, AA, RD as asked, RA. */
		memcpy(r, q, off);
		r[2] = 0x84 | (q[2] & 0x01);
		r[3] = 0x80;
		r[4] = 0; r[5] = 1;	/* one question */
		r[8] = r[9] = r[10] = r[11] = 0;
		rlen = off;
		ancount = 0;
		found = 0;
		for (i = 0; i < nentries; i++) {
			struct entry *e = &entries[i];

			if (strcasecmp(e->name, name) != 0)
				continue;
			found = 1;
			if (!((type == DNS_TYPE_A && e->family == AF_INET) ||
			    (type == DNS_TYPE_AAAA && e->family == AF_INET6)))
				continue;
			if (rlen + 12 + 16 > sizeof r)
				break;
			alen = e->family == AF_INET ? 4 : 16;
			/* Name as a pointer to the question (RFC 1035 4.1.4). */
			r[rlen++] = 0xc0; r[rlen++] = 12;
			r[rlen++] = 0; r[rlen++] = (uint8_t)type;
			r[rlen++] = 0; r[rlen++] = 1;	/* IN */
			r[rlen++] = 0; r[rlen++] = 0; r[rlen++] = 0; r[rlen++] = 60;
			r[rlen++] = 0; r[rlen++] = (uint8_t)alen;
			memcpy(r + rlen, e->addr, (size_t)alen);
			rlen += (size_t)alen;
			ancount++;
		}
		if (!found)
			r[3] |= DNS_RCODE_NXDOMAIN;
		r[6] = (uint8_t)(ancount >> 8);
		r[7] = (uint8_t)ancount;
		sendto(fd, r, rlen, 0, (struct sockaddr *)&from, flen);
	}
}

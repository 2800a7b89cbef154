/* ppp_auth.c - the 'authentication' property's words as PPP_AUTH_* bits. */
#include "config.h"

#include <string.h>

#include "ppp.h"

int
ppp_auth_parse(const char *list)
{
	static const struct {
		const char	*word;
		unsigned int	 bit;
	} words[] = {
		{ "pap", PPP_AUTH_PAP },
		{ "chap", PPP_AUTH_CHAP },
		{ "mschap1", PPP_AUTH_MSCHAP1 },
		{ "mschap2", PPP_AUTH_MSCHAP2 },
		{ "eap", PPP_AUTH_EAP },
	};
	const char *p = list, *end;
	size_t i, n;
	int mask = 0;

	while (*p != '\0') {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < sizeof words / sizeof words[0]; i++) {
			if (strlen(words[i].word) == n &&
			    strncmp(words[i].word, p, n) == 0)
				break;
		}
		if (i == sizeof words / sizeof words[0])
			return -1;
		mask |= words[i].bit;
		p += n;
		if (*p == ',')
			p++;
	}
	return mask;
}

/* t.h - the few macros every unit test uses; a test exits 0 (pass), 1 (fail) or 77 (skip). */
#ifndef SSTP_T_H
#define SSTP_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed;
static int t_checks;

#define T_CHECK(cond) do {						\
	t_checks++;							\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		t_failed++;						\
	}								\
} while (0)

#define T_EQ_INT(a, b) do {						\
	long long t_a = (long long)(a), t_b = (long long)(b);		\
	t_checks++;							\
	if (t_a != t_b) {						\
		fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n",	\
		    __FILE__, __LINE__, #a, t_a, t_b);			\
		t_failed++;						\
	}								\
} while (0)

#define T_EQ_STR(a, b) do {						\
	const char *t_a = (a), *t_b = (b);				\
	t_checks++;							\
	if (t_a == NULL || strcmp(t_a, t_b) != 0) {			\
		fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",\
		    __FILE__, __LINE__, #a, t_a ? t_a : "(null)", t_b);	\
		t_failed++;						\
	}								\
} while (0)

#define T_EQ_MEM(a, b, n) do {						\
	t_checks++;							\
	if (memcmp((a), (b), (n)) != 0) {				\
		fprintf(stderr, "%s:%d: %s differs from %s\n",		\
		    __FILE__, __LINE__, #a, #b);			\
		t_failed++;						\
	}								\
} while (0)

/* Hex text to bytes; returns the byte count. Spaces are skipped. */
static inline size_t
t_unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	unsigned int v;

	while (*hex != '\0' && n < cap) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		if (sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	return n;
}

#define T_DONE() do {							\
	printf("%s: %d checks, %d failed\n", __FILE__, t_checks, t_failed);\
	return t_failed ? 1 : 0;					\
} while (0)

#endif

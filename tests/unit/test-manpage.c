/* test-manpage.c - every schema property is in sstpcd-language(5), and nothing else is. */
#include "config.h"

#include "t.h"
#include "schema.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

#define MAX_NAMES	256

int
main(void)
{
	char	 line[1024], *names[MAX_NAMES], *s, *d;
	int	 n = 0, in_props = 0, after_tp = 0, i, j, found;
	FILE	*f;

	f = fopen(TOP_SRCDIR "/man/sstpcd-language.5", "r");
	if (f == NULL) {
		printf("SKIP: %s/man/sstpcd-language.5 not found\n", TOP_SRCDIR);
		return 77;
	}
	/* The tags of the .TP paragraphs of the PROPERTIES section. */
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".SH", 3) == 0) {
			in_props = strcmp(line, ".SH PROPERTIES") == 0;
			continue;
		}
		if (!in_props)
			continue;
		if (strcmp(line, ".TP") == 0) {
			after_tp = 1;
			continue;
		}
		if (after_tp && strncmp(line, ".B ", 3) == 0 && n < MAX_NAMES) {
			/* Unescape roff's "\-". */
			s = strdup(line + 3);
			for (d = s, i = 0; s[i] != '\0'; i++) {
				if (s[i] == '\\' && s[i + 1] == '-')
					continue;
				*d++ = s[i];
			}
			*d = '\0';
			names[n++] = s;
		}
		after_tp = 0;
	}
	fclose(f);
	T_CHECK(n > 0);

	for (i = 0; i < P__COUNT; i++) {
		found = 0;
		for (j = 0; j < n; j++)
			found += strcmp(names[j], prop_table[i].name) == 0;
		if (found != 1)
			fprintf(stderr, "property %s documented %d times\n",
			    prop_table[i].name, found);
		T_EQ_INT(found, 1);
	}
	for (j = 0; j < n; j++) {
		if (prop_find(names[j]) < 0)
			fprintf(stderr, "stale property in the page: %s\n",
			    names[j]);
		T_CHECK(prop_find(names[j]) >= 0);
		free(names[j]);
	}
	T_DONE();
}

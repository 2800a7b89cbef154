/* fuzz-main.c - runs a libFuzzer target over a corpus directory, for builds without libFuzzer. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	const char	*dir = argc > 1 ? argv[1] : FUZZ_CORPUS;
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	char		 path[4096];
	uint8_t		*buf;
	size_t		 len;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL) {
		printf("SKIP: no corpus at %s\n", dir);
		return 77;
	}
	if ((buf = malloc(1 << 20)) == NULL)
		return 1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL) {
			fprintf(stderr, "%s: cannot open\n", path);
			return 1;
		}
		len = fread(buf, 1, 1 << 20, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		n++;
	}
	closedir(d);
	free(buf);
	printf("%s: %d inputs, no crash\n", dir, n);
	return n > 0 ? 0 : 1;
}

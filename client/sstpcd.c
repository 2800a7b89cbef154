/* sstpcd.c - the SSTP client daemon: command line, event loop, signals. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: sstpcd [--foreground] [--socket PATH] [--config PATH]\n"
	    "              [--syslog] [--verbose] [--version] [--help]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'V':
			printf("sstpcd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

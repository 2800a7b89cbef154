/* store.h - the daemon's configuration file: atomic writes, line-numbered loading. */
#ifndef SSTP_STORE_H
#define SSTP_STORE_H

#include <stddef.h>

/*
 * Replace 'path' with 'len' bytes of 'buf' so that a crash or kill -9 at any
 * moment leaves either the old file or the new one, never a mix: the bytes go
 * to "path.tmp" in the same directory (mode 0600), which is fsync'ed, renamed
 * over 'path', and then the directory is fsync'ed.  0, or a negative errno
 * with a malloc'ed reason in *cause.
 */
int	store_write(const char *path, const char *buf, size_t len, char **cause);

/*
 * Feed every line of 'path' (without its newline; blank lines and lines
 * starting with '#' skipped) to line_cb with its 1-based number.  A missing
 * file is an empty one.  When line_cb fails (returns -1 and sets its *cause),
 * or the file holds a NUL byte or a line longer than STORE_MAX_LINE, loading
 * stops, the file is renamed to "path.corrupt-YYYYmmddTHHMMSSZ" (never
 * overwritten) and -EBADMSG is returned with *cause as "PATH line N: REASON (kept as
 * NEWPATH)".  Returns 0 when every line was accepted, or a negative errno when
 * the file cannot be read at all (it is left in place).
 */
#define STORE_MAX_LINE	65536

int	store_load(const char *path,
	    int (*line_cb)(void *arg, const char *line, unsigned int lineno,
		char **cause),
	    void *arg, char **cause);

/* Where a refused file was moved by the last failing store_load(), or "". */
const char *store_last_aside(void);

#endif

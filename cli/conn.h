/* conn.h - sstpctl's side of the daemon's command socket (sstpcd-socket(7)). */
#ifndef SSTPCTL_CONN_H
#define SSTPCTL_CONN_H

#include <stddef.h>

struct conn;

/*
 * Connect to the socket at 'path' and read the greeting ("%sstpcd 1 VERSION").
 * NULL with a malloc'ed reason in *cause when there is no daemon, no
 * permission or a protocol this sstpctl does not speak.
 */
struct conn *conn_open(const char *path, char **cause);
void	conn_close(struct conn *c);
/* The daemon's version from the greeting. */
const char *conn_version(const struct conn *c);
int	conn_fd(const struct conn *c);

/* Send one request line with a fresh tag; the tag is written to 'tag'. */
int	conn_send(struct conn *c, const char *line, char *tag, size_t size);

/*
 * One line from the daemon, without its newline, in a buffer valid until the
 * next call.  Returns 1 with *line, 0 when timeout_ms (-1: forever) passed
 * first, -1 on end of file or error.
 */
int	conn_getline(struct conn *c, const char **line, int timeout_ms);

/*
 * Run a command that does not stream: the reply body (lines with their
 * newlines, '%' unescaped) in a malloc'ed *body.  0 on success, 1 when the
 * daemon answered with an error (message in a malloc'ed *err), -1 when the
 * connection failed (reason in *err).
 */
int	conn_run(struct conn *c, const char *line, char **body, char **err);

/* What one reply line is for the request 'tag'. */
enum conn_kind {
	CONN_BODY,		/* a body line: *text is the line */
	CONN_BEGIN,
	CONN_UPDATE,		/* a new monitor block follows */
	CONN_END,
	CONN_ERROR,		/* *text is the message */
	CONN_OTHER		/* not for this tag */
};
enum conn_kind conn_classify(const char *line, const char *tag,
	    const char **text);

#endif

/* exec.h - run one line of the command language against the daemon's interfaces. */
#ifndef SSTP_EXEC_H
#define SSTP_EXEC_H

#include <event2/buffer.h>

/*
 * The executor lives in the daemon (client/exec.c) but its parser and views
 * are common/ so sstpctl can complete and check words offline.  One exec_ctx
 * per control connection: it remembers the current menu and the numbering of
 * the last print.
 */
struct exec_ctx;

#define EXEC_READONLY	0x01	/* only print, monitor, export without secrets */

struct exec_ctx *exec_ctx_new(int flags);
void	exec_ctx_free(struct exec_ctx *ctx);

/*
 * Run 'line'.  Output text is appended to 'out'.  Returns 0 on success, 1 when
 * the command streams (monitor without 'once': call exec_stream_render() every
 * second until the client ends it, then exec_stream_end()), or -1 with a
 * malloc'ed message in *cause, pointing at the bad word
 * ("expected end of command (line 1 column 40)", "no such item").
 */
int	exec_line(struct exec_ctx *ctx, const char *line, struct evbuffer *out,
	    char **cause);
void	exec_stream_render(struct exec_ctx *ctx, struct evbuffer *out);
void	exec_stream_end(struct exec_ctx *ctx);

#endif

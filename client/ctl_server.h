/* ctl_server.h - the daemon's UNIX command socket (protocol in sstpcd-socket(7)). */
#ifndef SSTP_CTL_SERVER_H
#define SSTP_CTL_SERVER_H

#include <stddef.h>

#include <event2/buffer.h>
#include <event2/event.h>

#define CTL_PROTO_VERSION	1
#define CTL_MAX_LINE		8192		/* longest request line */
#define CTL_MAX_OUTPUT		(1024 * 1024)	/* unread before a new reply */
#define CTL_MAX_REPLY		(16 * 1024 * 1024) /* unread with one reply */
#define CTL_MAX_CLIENTS		128
#define CTL_MAX_TAG		64

struct ctl_server;

/*
 * Listen on 'path' (a stale socket left by a dead daemon is replaced; a live
 * one is an error), owner root (or the daemon's user), mode 0660, group
 * 'group' (NULL = the daemon's group).  Members of that group who are not
 * root get read-only sessions (EXEC_READONLY).  NULL with *cause on failure.
 */
struct ctl_server *ctl_server_new(struct event_base *base, const char *path,
	    const char *group, char **cause);
/* Close every client and the socket, and unlink it; NULL is fine. */
void	ctl_server_free(struct ctl_server *srv);

/*
 * Framing, exposed for the tests.  ctl_parse_request() splits an optional
 * leading "@TAG " off a request line: returns 1 and sets tag (NUL-terminated,
 * at most CTL_MAX_TAG chars) and *cmd when there is one, 0 when there is none
 * (*cmd = line), or -1 when the tag is malformed.  ctl_frame_body() appends
 * 'body' to 'out' as protocol lines: every line ends with a newline, and a
 * line starting with '%' gets a second '%' in front.
 */
int	ctl_parse_request(const char *line, char *tag, const char **cmd);
void	ctl_frame_body(struct evbuffer *out, struct evbuffer *body);

#endif

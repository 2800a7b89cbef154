/* ctl_server.c - the daemon's UNIX command socket: framed, tagged, bounded per client. */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "cause.h"
#include "ctl_server.h"
#include "exec.h"
#include "log.h"

struct ctl_client {
	struct ctl_server	*srv;
	struct bufferevent	*bev;
	struct exec_ctx		*ctx;
	unsigned int		 id;
	uid_t			 uid;
	int			 readonly;
	unsigned int		 seq;		/* untagged request counter */
	int			 skipping;	/* dropping an over-long line */
	int			 closing;	/* free once output is flushed */
	int			 streaming;
	char			 stream_tag[CTL_MAX_TAG + 1];
	struct event		*stream_ev;
	TAILQ_ENTRY(ctl_client)	 entry;
};

struct ctl_server {
	struct event_base	*base;
	struct evconnlistener	*listener;
	char			*path;
	gid_t			 gid;
	int			 have_group;
	unsigned int		 next_id;
	unsigned int		 nclients;
	TAILQ_HEAD(, ctl_client) clients;
};

static void	ctl_client_free(struct ctl_client *c);

static int
ctl_tag_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
	    ch == ':';
}

int
ctl_parse_request(const char *line, char *tag, const char **cmd)
{
	size_t n = 0;
	const char *p;

	*cmd = line;
	tag[0] = '\0';
	if (line[0] != '@')
		return 0;
	for (p = line + 1; *p != '\0' && *p != ' ' && *p != '\t'; p++) {
		if (!ctl_tag_char((unsigned char)*p) || n == CTL_MAX_TAG)
			return -1;
		tag[n++] = *p;
	}
	if (n == 0)
		return -1;
	tag[n] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*cmd = p;
	return 1;
}

void
ctl_frame_body(struct evbuffer *out, struct evbuffer *body)
{
	struct evbuffer_ptr pos;
	size_t len, n;
	char *line;

	while ((len = evbuffer_get_length(body)) > 0) {
		pos = evbuffer_search_eol(body, NULL, &n, EVBUFFER_EOL_LF);
		n = pos.pos == -1 ? len : (size_t)pos.pos + 1;
		line = (char *)evbuffer_pullup(body, (ssize_t)n);
		if (line[0] == '%')
			evbuffer_add(out, "%", 1);
		evbuffer_add(out, line, n);
		if (line[n - 1] != '\n')
			evbuffer_add(out, "\n", 1);
		evbuffer_drain(body, n);
	}
}

/*
 * A client that lets too much pile up is dropped.  Before a new reply or
 * %update the backlog may be CTL_MAX_OUTPUT; one large reply (print of many
 * interfaces) may take it to CTL_MAX_REPLY.
 */
static int
ctl_client_check_limit(struct ctl_client *c, size_t limit)
{
	size_t queued;

	queued = evbuffer_get_length(bufferevent_get_output(c->bev));
	if (queued > limit) {
		log_warn("ctl: client=%u dropped: %zu bytes unread", c->id,
		    queued);
		ctl_client_free(c);
		return -1;
	}
	return 0;
}

static int
ctl_client_check(struct ctl_client *c)
{
	return ctl_client_check_limit(c, CTL_MAX_REPLY);
}

static void
ctl_reply_error(struct ctl_client *c, const char *tag, const char *msg)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	const char *p;

	evbuffer_add_printf(out, "%%error %s ", tag);
	/* One line, whatever the message holds. */
	for (p = msg; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			evbuffer_add(out, " ", 1);
		else
			evbuffer_add(out, p, 1);
	}
	evbuffer_add(out, "\n", 1);
}

static void
ctl_stream_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_client *c = arg;
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer *body;

	if (ctl_client_check_limit(c, CTL_MAX_OUTPUT) != 0)
		return;
	if ((body = evbuffer_new()) == NULL)
		return;
	exec_stream_render(c->ctx, body);
	evbuffer_add_printf(out, "%%update %s\n", c->stream_tag);
	ctl_frame_body(out, body);
	evbuffer_free(body);
	ctl_client_check(c);
}

static void
ctl_stream_stop(struct ctl_client *c)
{
	if (!c->streaming)
		return;
	c->streaming = 0;
	evtimer_del(c->stream_ev);
	exec_stream_end(c->ctx);
	evbuffer_add_printf(bufferevent_get_output(c->bev), "%%end %s\n",
	    c->stream_tag);
}

/* Run one request line; returns -1 when the client is gone. */
static int
ctl_client_line(struct ctl_client *c, char *line, size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer *body;
	struct timeval tv = { 1, 0 };
	char tag[CTL_MAX_TAG + 1], *cause = NULL;
	const char *cmd, *p;
	int ret;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';

	/* Any line ends a stream and is not run. */
	if (c->streaming) {
		ctl_stream_stop(c);
		return ctl_client_check(c);
	}

	/* Replies nobody reads: stop here rather than queue more. */
	if (ctl_client_check_limit(c, CTL_MAX_OUTPUT) != 0)
		return -1;
	c->seq++;
	ret = ctl_parse_request(line, tag, &cmd);
	if (ret == 0)
		snprintf(tag, sizeof tag, "%u", c->seq);
	if (ret == -1) {
		snprintf(tag, sizeof tag, "%u", c->seq);
		ctl_reply_error(c, tag, "bad tag: expected @TAG with up to 64 "
		    "letters, digits or . _ - :");
		return ctl_client_check(c);
	}
	if (strlen(cmd) != len - (size_t)(cmd - line)) {
		ctl_reply_error(c, tag, "NUL byte in request");
		return ctl_client_check(c);
	}
	for (p = cmd; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			ctl_reply_error(c, tag, "control character in request");
			return ctl_client_check(c);
		}
	}
	if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "/quit") == 0) {
		evbuffer_add_printf(out, "%%begin %s\n%%end %s\n", tag, tag);
		c->closing = 1;
		bufferevent_disable(c->bev, EV_READ);
		return 0;
	}

	if ((body = evbuffer_new()) == NULL) {
		ctl_reply_error(c, tag, "out of memory");
		return ctl_client_check(c);
	}
	log_debug("ctl: client=%u tag=%s request", c->id, tag);
	ret = exec_line(c->ctx, cmd, body, &cause);
	if (ret == -1) {
		ctl_reply_error(c, tag, cause != NULL ? cause : "failed");
		free(cause);
	} else {
		evbuffer_add_printf(out, "%%begin %s\n", tag);
		ctl_frame_body(out, body);
		if (ret == 1) {
			c->streaming = 1;
			snprintf(c->stream_tag, sizeof c->stream_tag, "%s", tag);
			evtimer_add(c->stream_ev, &tv);
		} else
			evbuffer_add_printf(out, "%%end %s\n", tag);
	}
	evbuffer_free(body);
	return ctl_client_check(c);
}

/* Take every complete line from the input; 'eof' also takes a last partial one. */
static int
ctl_client_input(struct ctl_client *c, int eof)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer_ptr pos;
	char tag[16], line[CTL_MAX_LINE + 1];
	size_t n, len, eol;

	while ((len = evbuffer_get_length(in)) > 0 && !c->closing) {
		pos = evbuffer_search_eol(in, NULL, &eol, EVBUFFER_EOL_LF);
		if (pos.pos == -1) {
			if (len > CTL_MAX_LINE) {
				evbuffer_drain(in, len);
				c->skipping = 1;
				continue;
			}
			if (!eof)
				break;
			n = len;
			eol = 0;
		} else
			n = (size_t)pos.pos;
		if (c->skipping || n > CTL_MAX_LINE) {
			evbuffer_drain(in, n + eol);
			c->skipping = 0;
			c->seq++;
			snprintf(tag, sizeof tag, "%u", c->seq);
			ctl_reply_error(c, tag, "request line too long");
			if (ctl_client_check(c) != 0)
				return -1;
			continue;
		}
		evbuffer_remove(in, line, n);
		line[n] = '\0';
		evbuffer_drain(in, eol);
		if (ctl_client_line(c, line, n) != 0)
			return -1;
	}
	return 0;
}

static void
ctl_client_read_cb(struct bufferevent *bev, void *arg)
{
	ctl_client_input(arg, 0);
}

static void
ctl_client_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;

	if (c->closing)
		ctl_client_free(c);
}

static void
ctl_client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;

	if (what & BEV_EVENT_EOF) {
		/* Half-closed (socat at the end of its input): answer, then go. */
		if (ctl_client_input(c, 1) != 0)
			return;
		ctl_stream_stop(c);
		c->closing = 1;
		bufferevent_disable(bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			ctl_client_free(c);
		return;
	}
	if (what & BEV_EVENT_ERROR)
		ctl_client_free(c);
}

static void
ctl_client_free(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;

	log_debug("ctl: client=%u closed", c->id);
	TAILQ_REMOVE(&srv->clients, c, entry);
	srv->nclients--;
	if (c->streaming)
		exec_stream_end(c->ctx);
	event_free(c->stream_ev);
	exec_ctx_free(c->ctx);
	bufferevent_free(c->bev);
	free(c);
}

/*
 * Is the peer a member of the socket's group?  SO_PEERGROUPS gives the
 * peer's supplementary groups as they were at connect time.
 */
static int
ctl_peer_in_group(int fd, gid_t peer_gid, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof groups;
	size_t i;

	if (peer_gid == gid)
		return 1;
#ifdef SO_PEERGROUPS
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
		for (i = 0; i < len / sizeof groups[0]; i++) {
			if (groups[i] == gid)
				return 1;
		}
	}
#endif
	return 0;
}

static void
ctl_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ctl_server *srv = arg;
	struct ctl_client *c;
	struct ucred cred;
	socklen_t len = sizeof cred;
	int readonly;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("ctl: SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	if (cred.uid == 0 || cred.uid == geteuid())
		readonly = 0;
	else if (srv->have_group && ctl_peer_in_group(fd, cred.gid, srv->gid))
		readonly = 1;
	else {
		log_warn("ctl: refused pid=%d uid=%u: not root nor in the "
		    "socket's group", (int)cred.pid, (unsigned int)cred.uid);
		(void)!write(fd, "%error 0 permission denied\n", 27);
		close(fd);
		return;
	}
	if (srv->nclients >= CTL_MAX_CLIENTS) {
		log_warn("ctl: refused pid=%d: too many clients", (int)cred.pid);
		(void)!write(fd, "%error 0 too many clients\n", 26);
		close(fd);
		return;
	}

	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->id = ++srv->next_id;
	c->uid = cred.uid;
	c->readonly = readonly;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->ctx = exec_ctx_new(readonly ? EXEC_READONLY : 0);
	c->stream_ev = event_new(srv->base, -1, EV_PERSIST, ctl_stream_cb, c);
	if (c->bev == NULL || c->ctx == NULL || c->stream_ev == NULL) {
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		exec_ctx_free(c->ctx);
		if (c->stream_ev != NULL)
			event_free(c->stream_ev);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&srv->clients, c, entry);
	srv->nclients++;
	log_debug("ctl: client=%u pid=%d uid=%u readonly=%d connected", c->id,
	    (int)cred.pid, (unsigned int)cred.uid, readonly);

	bufferevent_setcb(c->bev, ctl_client_read_cb, ctl_client_write_cb,
	    ctl_client_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	evbuffer_add_printf(bufferevent_get_output(c->bev), "%%sstpcd %d %s\n",
	    CTL_PROTO_VERSION, PACKAGE_VERSION);
}

static void
ctl_accept_error_cb(struct evconnlistener *l, void *arg)
{
	/* EMFILE and friends: say so, keep listening. */
	log_warn("ctl: accept: %s", strerror(errno));
}

/* Is a daemon answering on 'path'?  A refused connection means a stale socket. */
static int
ctl_socket_alive(const char *path)
{
	struct sockaddr_un sun;
	int fd, alive;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	alive = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	return alive;
}

struct ctl_server *
ctl_server_new(struct event_base *base, const char *path, const char *group,
    char **cause)
{
	struct ctl_server *srv;
	struct sockaddr_un sun;
	struct group *gr;
	struct stat sb;
	mode_t old;
	int fd = -1;

	*cause = NULL;
	if (strlen(path) >= sizeof sun.sun_path) {
		cause_set(cause, "socket path too long: %s", path);
		return NULL;
	}
	if ((srv = calloc(1, sizeof *srv)) == NULL ||
	    (srv->path = strdup(path)) == NULL) {
		free(srv);
		return NULL;
	}
	srv->base = base;
	TAILQ_INIT(&srv->clients);
	srv->gid = getegid();
	if (group != NULL) {
		if ((gr = getgrnam(group)) == NULL) {
			cause_set(cause, "no such group: %s", group);
			goto fail;
		}
		srv->gid = gr->gr_gid;
		srv->have_group = 1;
	}

	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			cause_set(cause, "%s exists and is not a socket",
			    path);
			goto fail;
		}
		if (ctl_socket_alive(path)) {
			cause_set(cause, "%s: another sstpcd is running",
			    path);
			goto fail;
		}
		unlink(path);
	}

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		goto syserr;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	/* Never world-accessible, not even between bind() and chmod(). */
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(old);
		goto syserr;
	}
	umask(old);
	if (chown(path, geteuid(), srv->gid) == -1 || chmod(path, 0660) == -1) {
		unlink(path);
		goto syserr;
	}
	srv->listener = evconnlistener_new(base, ctl_accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE, 16, fd);
	if (srv->listener == NULL) {
		unlink(path);
		goto syserr;
	}
	evconnlistener_set_error_cb(srv->listener, ctl_accept_error_cb);
	log_info("ctl: listening path=%s group=%s", path,
	    group != NULL ? group : "(daemon's)");
	return srv;

syserr:
	cause_set(cause, "%s: %s", path, strerror(errno));
fail:
	if (fd != -1)
		close(fd);
	free(srv->path);
	free(srv);
	return NULL;
}

void
ctl_server_free(struct ctl_server *srv)
{
	struct ctl_client *c;

	if (srv == NULL)
		return;
	while ((c = TAILQ_FIRST(&srv->clients)) != NULL)
		ctl_client_free(c);
	evconnlistener_free(srv->listener);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}

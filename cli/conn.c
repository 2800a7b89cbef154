/* conn.c - connect to sstpcd's command socket, send tagged requests, read framed replies. */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "lang.h"

#define CONN_PROTO	1	/* the protocol version we speak */

struct conn {
	int		 fd;
	char		*buf;		/* bytes read, not yet returned */
	size_t		 len, cap;
	size_t		 drop;		/* returned line to drop next call */
	unsigned int	 seq;
	char		 version[64];
};

struct conn *
conn_open(const char *path, char **cause)
{
	struct sockaddr_un	 sun;
	struct conn		*c;
	const char		*line;
	int			 fd, v;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		lang_errf(cause, 0, "socket path too long: %s", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		lang_errf(cause, 0, "socket: %s", strerror(errno));
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		lang_errf(cause, 0, "cannot connect to %s: %s (is sstpcd running?)",
		    path, strerror(errno));
		close(fd);
		return NULL;
	}
	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		lang_errf(cause, 0, "out of memory");
		return NULL;
	}
	c->fd = fd;
	if (conn_getline(c, &line, 10000) != 1) {
		lang_errf(cause, 0, "%s: no greeting from sstpcd", path);
		goto fail;
	}
	if (strncmp(line, "%error ", 7) == 0) {
		line += 7;
		line += strcspn(line, " ");
		lang_errf(cause, 0, "%s:%s", path, line);
		goto fail;
	}
	if (sscanf(line, "%%sstpcd %d %63s", &v, c->version) < 1) {
		lang_errf(cause, 0, "%s: not an sstpcd socket", path);
		goto fail;
	}
	if (v != CONN_PROTO) {
		lang_errf(cause, 0, "sstpcd speaks protocol %d, this sstpctl %d",
		    v, CONN_PROTO);
		goto fail;
	}
	return c;
fail:
	conn_close(c);
	return NULL;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

const char *
conn_version(const struct conn *c)
{
	return c->version;
}

int
conn_fd(const struct conn *c)
{
	return c->fd;
}

int
conn_send(struct conn *c, const char *line, char *tag, size_t size)
{
	char	*req;
	size_t	 len, off = 0;
	ssize_t	 n;
	int	 ret = 0;

	snprintf(tag, size, "t%u", ++c->seq);
	if ((len = (size_t)asprintf(&req, "@%s %s\n", tag, line)) ==
	    (size_t)-1)
		return -1;
	while (off < len) {
		n = write(c->fd, req + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = -1;
			break;
		}
		off += (size_t)n;
	}
	free(req);
	return ret;
}

int
conn_getline(struct conn *c, const char **line, int timeout_ms)
{
	struct pollfd	 pfd;
	char		*nl;
	ssize_t		 n;
	int		 r;

	if (c->drop > 0) {
		memmove(c->buf, c->buf + c->drop, c->len - c->drop);
		c->len -= c->drop;
		c->drop = 0;
	}
	for (;;) {
		if (c->len > 0 && (nl = memchr(c->buf, '\n', c->len)) != NULL) {
			*nl = '\0';
			c->drop = (size_t)(nl - c->buf) + 1;
			*line = c->buf;
			return 1;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, timeout_ms);
		if (r == -1 && errno == EINTR)
			return 0;
		if (r == -1)
			return -1;
		if (r == 0)
			return 0;
		if (c->cap - c->len < 4096) {
			c->cap = c->cap ? c->cap * 2 : 8192;
			if ((c->buf = realloc(c->buf, c->cap)) == NULL)
				return -1;
		}
		n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

enum conn_kind
conn_classify(const char *line, const char *tag, const char **text)
{
	static const struct {
		const char	*word;
		enum conn_kind	 kind;
	} marks[] = {
		{ "%begin ", CONN_BEGIN }, { "%update ", CONN_UPDATE },
		{ "%end ", CONN_END }, { "%error ", CONN_ERROR }
	};
	size_t	i, wl, tl = strlen(tag);

	*text = line;
	if (line[0] != '%')
		return CONN_BODY;
	if (line[1] == '%') {
		*text = line + 1;
		return CONN_BODY;
	}
	for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		wl = strlen(marks[i].word);
		if (strncmp(line, marks[i].word, wl) != 0)
			continue;
		if (strncmp(line + wl, tag, tl) != 0 ||
		    (line[wl + tl] != '\0' && line[wl + tl] != ' '))
			return CONN_OTHER;
		*text = line + wl + tl + (line[wl + tl] == ' ');
		return marks[i].kind;
	}
	return CONN_OTHER;
}

int
conn_run(struct conn *c, const char *line, char **body, char **err)
{
	const char	*l, *text;
	char		 tag[32];
	size_t		 len = 0, cap = 256;

	*body = NULL;
	*err = NULL;
	if (conn_send(c, line, tag, sizeof tag) != 0)
		return lang_errf(err, 0, "connection to sstpcd lost");
	if ((*body = malloc(cap)) == NULL)
		return lang_errf(err, 0, "out of memory");
	(*body)[0] = '\0';
	for (;;) {
		if (conn_getline(c, &l, -1) != 1) {
			free(*body);
			*body = NULL;
			return lang_errf(err, 0, "connection to sstpcd lost");
		}
		switch (conn_classify(l, tag, &text)) {
		case CONN_BODY:
			while (len + strlen(text) + 2 > cap)
				cap *= 2;
			if ((*body = realloc(*body, cap)) == NULL)
				return lang_errf(err, 0, "out of memory");
			len += (size_t)sprintf(*body + len, "%s\n", text);
			break;
		case CONN_ERROR:
			free(*body);
			*body = NULL;
			*err = strdup(text);
			return 1;
		case CONN_END:
			return 0;
		default:
			break;
		}
	}
}

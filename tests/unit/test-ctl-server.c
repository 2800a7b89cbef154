/* test-ctl-server.c - the command socket's framing, against a stand-in executor. */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "ctl_server.h"
#include "exec.h"
#include "t.h"

/*
 * The executor stands in for client/exec.c (the linker takes these instead of
 * the library's): it knows a few fixed commands so the framing can be checked
 * byte for byte.
 */
struct exec_ctx {
	int	flags;
	int	renders;
};

struct exec_ctx *
exec_ctx_new(int flags)
{
	struct exec_ctx *ctx = calloc(1, sizeof *ctx);

	ctx->flags = flags;
	return ctx;
}

void
exec_ctx_free(struct exec_ctx *ctx)
{
	free(ctx);
}

int
exec_line(struct exec_ctx *ctx, const char *line, struct evbuffer *out,
    char **cause)
{
	int i;

	if (strcmp(line, "print") == 0) {
		evbuffer_add_printf(out, "0 R name=\"a\"\n%%odd\n1   name=\"b\"");
		return 0;
	}
	if (strcmp(line, "empty") == 0)
		return 0;
	if (strcmp(line, "monitor") == 0) {
		ctx->renders = 0;
		evbuffer_add_printf(out, "status: connecting\n");
		return 1;
	}
	if (strcmp(line, "huge") == 0) {
		for (i = 0; i < 30000; i++)	/* 3 MB in one reply */
			evbuffer_add_printf(out, "%0100d\n", i);
		return 0;
	}
	if (strcmp(line, "big") == 0) {
		for (i = 0; i < 2000; i++)
			evbuffer_add_printf(out, "%0100d\n", i);
		return 0;
	}
	*cause = strdup("no such command\n(line 1 column 1)");
	return -1;
}

void
exec_stream_render(struct exec_ctx *ctx, struct evbuffer *out)
{
	evbuffer_add_printf(out, "status: connected %d\n", ++ctx->renders);
}

void
exec_stream_end(struct exec_ctx *ctx)
{
}

static struct event_base *base;

/* Run the loop and read what the server sends until 'until' appears or 2 s. */
static char *
t_read(int fd, const char *until, int wait_ms)
{
	static char buf[65536];
	size_t have = 0;
	ssize_t n;
	int i;

	buf[0] = '\0';
	for (i = 0; i < wait_ms / 10; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		n = recv(fd, buf + have, sizeof buf - 1 - have, MSG_DONTWAIT);
		if (n > 0) {
			have += (size_t)n;
			buf[have] = '\0';
		}
		if (n == 0)
			break;
		if (until != NULL && strstr(buf, until) != NULL)
			break;
		usleep(10000);
	}
	return buf;
}

static int
t_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1)
		return -1;
	return fd;
}

static void
t_send(int fd, const char *s)
{
	T_CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
}

int
main(void)
{
	struct ctl_server *srv, *srv2;
	struct evbuffer *out, *body;
	char tag[CTL_MAX_TAG + 1], path[128], *cause = NULL, *got, *s;
	const char *cmd;
	char longtag[100];
	struct stat sb;
	int fd, fd2, i;
	size_t total;

	/* Request parsing. */
	T_EQ_INT(ctl_parse_request("print", tag, &cmd), 0);
	T_EQ_STR(cmd, "print");
	T_EQ_INT(ctl_parse_request("@a1 /interface print", tag, &cmd), 1);
	T_EQ_STR(tag, "a1");
	T_EQ_STR(cmd, "/interface print");
	T_EQ_INT(ctl_parse_request("@x.y:z-_9", tag, &cmd), 1);
	T_EQ_STR(tag, "x.y:z-_9");
	T_EQ_STR(cmd, "");
	T_EQ_INT(ctl_parse_request("@ print", tag, &cmd), -1);
	T_EQ_INT(ctl_parse_request("@a%b print", tag, &cmd), -1);
	memset(longtag, 'a', sizeof longtag);
	longtag[0] = '@';
	longtag[sizeof longtag - 1] = '\0';
	T_EQ_INT(ctl_parse_request(longtag, tag, &cmd), -1);

	/* Body framing: newline added, '%' lines doubled. */
	out = evbuffer_new();
	body = evbuffer_new();
	evbuffer_add_printf(body, "a\n%%b\n\nc");
	ctl_frame_body(out, body);
	T_EQ_INT(evbuffer_get_length(body), 0);
	evbuffer_add(out, "", 1);
	T_EQ_STR((char *)evbuffer_pullup(out, -1), "a\n%%b\n\nc\n");
	evbuffer_free(out);
	evbuffer_free(body);

	/* A real socket. */
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	snprintf(path, sizeof path, "/tmp/test-ctl.%d.sock", (int)getpid());
	srv = ctl_server_new(base, path, NULL, &cause);
	if (srv == NULL) {
		printf("SKIP: ctl_server_new: %s\n", cause ? cause : "?");
		return 77;
	}
	T_EQ_INT(stat(path, &sb), 0);
	T_EQ_INT(sb.st_mode & 0777, 0660);

	/* A second server on a live socket is refused. */
	srv2 = ctl_server_new(base, path, NULL, &cause);
	T_CHECK(srv2 == NULL);
	T_CHECK(cause != NULL && strstr(cause, "another sstpcd") != NULL);
	free(cause);

	fd = t_connect(path);
	T_CHECK(fd != -1);
	got = t_read(fd, "\n", 2000);
	T_EQ_STR(got, "%sstpcd 1 " PACKAGE_VERSION "\n");

	/* Untagged requests are numbered; output framed. */
	t_send(fd, "print\n");
	got = t_read(fd, "%end 1\n", 2000);
	T_EQ_STR(got, "%begin 1\n0 R name=\"a\"\n%%odd\n1   name=\"b\"\n%end 1\n");
	t_send(fd, "@q7 empty\r\n");
	got = t_read(fd, "%end q7\n", 2000);
	T_EQ_STR(got, "%begin q7\n%end q7\n");
	t_send(fd, "nonsense\n");
	got = t_read(fd, "\n", 2000);
	T_EQ_STR(got, "%error 3 no such command (line 1 column 1)\n");
	t_send(fd, "@bad% x\n");
	got = t_read(fd, "\n", 2000);
	T_CHECK(strncmp(got, "%error 4 bad tag", 16) == 0);

	/* Control characters and NUL bytes: an error, and the session lives. */
	T_CHECK(write(fd, "pr\0int\n", 7) == 7);
	got = t_read(fd, "\n", 2000);
	T_EQ_STR(got, "%error 5 NUL byte in request\n");
	t_send(fd, "pr\033int\n");
	got = t_read(fd, "\n", 2000);
	T_EQ_STR(got, "%error 6 control character in request\n");

	/* An over-long line: one error, then the next line works. */
	s = malloc(CTL_MAX_LINE * 3);
	memset(s, 'x', CTL_MAX_LINE * 3 - 1);
	s[CTL_MAX_LINE * 3 - 1] = '\n';
	T_CHECK(write(fd, s, CTL_MAX_LINE * 3) == CTL_MAX_LINE * 3);
	free(s);
	got = t_read(fd, "\n", 2000);
	T_EQ_STR(got, "%error 7 request line too long\n");
	t_send(fd, "empty\n");
	got = t_read(fd, "%end 8\n", 2000);
	T_EQ_STR(got, "%begin 8\n%end 8\n");

	/* Streaming: %begin, block, %update every second, any line ends it. */
	t_send(fd, "@m monitor\n");
	got = t_read(fd, "status: connected 2\n", 3500);
	T_EQ_STR(got, "%begin m\nstatus: connecting\n%update m\n"
	    "status: connected 1\n%update m\nstatus: connected 2\n");
	t_send(fd, "\n");
	got = t_read(fd, "%end m\n", 2000);
	T_EQ_STR(got, "%end m\n");
	got = t_read(fd, NULL, 1300);
	T_EQ_STR(got, "");

	/* Many clients at once, each with its own numbering. */
	fd2 = t_connect(path);
	got = t_read(fd2, "\n", 2000);
	t_send(fd2, "empty\n");
	got = t_read(fd2, "%end 1\n", 2000);
	T_EQ_STR(got, "%begin 1\n%end 1\n");

	/* quit answers and closes. */
	t_send(fd2, "quit\n");
	got = t_read(fd2, NULL, 2000);
	T_EQ_STR(got, "%begin 2\n%end 2\n");
	close(fd2);

	/* Half-close (socat at end of input): the answer still comes. */
	fd2 = t_connect(path);
	t_send(fd2, "empty\nprint");
	shutdown(fd2, SHUT_WR);
	got = t_read(fd2, NULL, 2000);
	T_CHECK(strstr(got, "%begin 1\n%end 1\n%begin 2\n0 R") != NULL);
	T_CHECK(strstr(got, "%end 2\n") != NULL);
	close(fd2);

	/* One reply larger than the backlog limit, to a client that reads. */
	{
		size_t got_n = 0;
		char buf[65536];
		ssize_t n;

		t_send(fd, "@h huge\n");
		/* "%begin h\n", the lines, "%end h\n": nothing dropped. */
		for (i = 0; i < 2000 && got_n < 30000 * 101 + 16; i++) {
			event_base_loop(base, EVLOOP_NONBLOCK);
			n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
			if (n == 0)
				break;
			if (n > 0)
				got_n += (size_t)n;
			else
				usleep(1000);
		}
		T_EQ_INT(got_n, 30000 * 101 + 16);
	}

	/* A client that never reads is dropped, and the server goes on. */
	fd2 = t_connect(path);
	for (i = 0; i < 60; i++) {
		/* Fails with EPIPE once the server has dropped us. */
		(void)!write(fd2, "big\n", 4);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	for (i = 0; i < 100; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	total = 0;
	for (i = 0; i < 400; i++) {
		ssize_t n;
		char buf[65536];

		event_base_loop(base, EVLOOP_NONBLOCK);
		n = recv(fd2, buf, sizeof buf, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n > 0)
			total += (size_t)n;
		else
			usleep(5000);
	}
	T_CHECK(i < 400);		/* EOF: dropped */
	T_CHECK(total < 60 * 202000);	/* before everything was sent */
	close(fd2);
	t_send(fd, "empty\n");
	got = t_read(fd, "%end 11\n", 2000);
	T_EQ_STR(got, "%begin 11\n%end 11\n");

	close(fd);
	ctl_server_free(srv);
	T_CHECK(access(path, F_OK) == -1);
	event_base_free(base);
	T_DONE();
}

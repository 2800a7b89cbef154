/* test-conn.c - sstpctl's side of the socket protocol: framing, tags, errors, greeting checks. */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <signal.h>
#include <unistd.h>

#include "t.h"
#include "conn.h"

/*
 * A one-connection server in a child: sends 'greeting', then for each
 * request line answers with 'reply' where "TAG" is replaced by the tag.
 */
static pid_t
serve(const char *path, const char *greeting, const char *reply)
{
	struct sockaddr_un	 sun;
	char			 buf[512], tag[64], out[2048], *o;
	const char		*r;
	ssize_t			 n;
	size_t			 len = 0;
	int			 s, c;
	pid_t			 pid;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	unlink(path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(s, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(s, 1) != 0)
		return -1;
	if ((pid = fork()) != 0) {
		close(s);
		return pid;
	}
	c = accept(s, NULL, NULL);
	(void)!write(c, greeting, strlen(greeting));
	while ((n = read(c, buf + len, sizeof buf - len - 1)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
		if (strchr(buf, '\n') == NULL)
			continue;
		if (sscanf(buf, "@%63s", tag) != 1)
			strcpy(tag, "?");
		for (o = out, r = reply; *r != '\0';) {
			if (strncmp(r, "TAG", 3) == 0) {
				o += sprintf(o, "%s", tag);
				r += 3;
			} else
				*o++ = *r++;
		}
		(void)!write(c, out, (size_t)(o - out));
		len = 0;
	}
	_exit(0);
}

static void
reap(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

int
main(void)
{
	char		 path[108], *cause = NULL, *body, *err;
	const char	*text;
	struct conn	*c;
	pid_t		 pid;

	/* Reply lines classified for one tag. */
	T_EQ_INT(conn_classify("%begin t1", "t1", &text), CONN_BEGIN);
	T_EQ_INT(conn_classify("%end t1", "t1", &text), CONN_END);
	T_EQ_INT(conn_classify("%update t1", "t1", &text), CONN_UPDATE);
	T_EQ_INT(conn_classify("%error t1 no such item", "t1", &text),
	    CONN_ERROR);
	T_EQ_STR(text, "no such item");
	T_EQ_INT(conn_classify("%end t12", "t1", &text), CONN_OTHER);
	T_EQ_INT(conn_classify("%end t2", "t1", &text), CONN_OTHER);
	T_EQ_INT(conn_classify("%%begin t1", "t1", &text), CONN_BODY);
	T_EQ_STR(text, "%begin t1");
	T_EQ_INT(conn_classify(" 0  R name=x", "t1", &text), CONN_BODY);
	T_EQ_STR(text, " 0  R name=x");

	snprintf(path, sizeof path, "/tmp/test-conn.%d.sock", (int)getpid());

	/* A good exchange: body unescaped, then an error. */
	pid = serve(path, "%sstpcd 1 9.9\n",
	    "%begin TAG\nline one\n%%percent\n%end TAG\n");
	T_CHECK(pid > 0);
	c = conn_open(path, &cause);
	T_CHECK(c != NULL);
	if (c != NULL) {
		T_EQ_STR(conn_version(c), "9.9");
		T_EQ_INT(conn_run(c, "/export", &body, &err), 0);
		T_EQ_STR(body, "line one\n%percent\n");
		free(body);
		free(err);
		conn_close(c);
	}
	reap(pid);

	pid = serve(path, "%sstpcd 1 9.9\n", "%error TAG no such item\n");
	c = conn_open(path, &cause);
	T_CHECK(c != NULL);
	if (c != NULL) {
		T_EQ_INT(conn_run(c, "remove 9", &body, &err), 1);
		T_EQ_STR(err, "no such item");
		T_CHECK(body == NULL);
		free(err);
		conn_close(c);
	}
	reap(pid);

	/* Greetings refused: another protocol, a refusal, not sstpcd. */
	pid = serve(path, "%sstpcd 2 9.9\n", "");
	T_CHECK(conn_open(path, &cause) == NULL);
	T_EQ_STR(cause, "sstpcd speaks protocol 2, this sstpctl 1");
	free(cause);
	reap(pid);
	pid = serve(path, "%error 0 permission denied\n", "");
	T_CHECK(conn_open(path, &cause) == NULL);
	T_CHECK(cause != NULL && strstr(cause, ": permission denied") != NULL);
	free(cause);
	reap(pid);
	pid = serve(path, "SSH-2.0-OpenSSH\n", "");
	T_CHECK(conn_open(path, &cause) == NULL);
	T_CHECK(cause != NULL && strstr(cause, "not an sstpcd socket") != NULL);
	free(cause);
	reap(pid);
	unlink(path);

	/* No daemon. */
	T_CHECK(conn_open(path, &cause) == NULL);
	T_CHECK(cause != NULL && strstr(cause, "cannot connect to") != NULL);
	free(cause);
	T_DONE();
}

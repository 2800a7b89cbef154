/* test-store.c - the configuration file: atomic replace, 0600, refusal with a line number. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "t.h"

static char dir[256];
static char path[300];

static char *
slurp(const char *p)
{
	static char buf[65536];
	FILE *f;
	size_t n;

	if ((f = fopen(p, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Lines seen by the callback, and the line it refuses (0 = none). */
static char seen[4096];
static unsigned int refuse_at;

static int
line_cb(void *arg, const char *line, unsigned int lineno, char **cause)
{
	char num[16];

	if (lineno == refuse_at) {
		*cause = strdup("no such command");
		return -1;
	}
	snprintf(num, sizeof num, "%u:", lineno);
	strcat(seen, num);
	strcat(seen, line);
	strcat(seen, "|");
	return 0;
}

static int
count_entries(const char *prefix)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
rm_rf(void)
{
	DIR *d;
	struct dirent *de;
	char p[600];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

int
main(void)
{
	const char *a = "/interface sstp-client\nadd name=a connect-to=x\n";
	const char *b = "/interface sstp-client\nadd name=b connect-to=y\n";
	char *cause = NULL, big[8192];
	struct stat sb;
	pid_t pid;
	int i, st, ret;

	snprintf(dir, sizeof dir, "/tmp/test-store.%d", (int)getpid());
	if (mkdir(dir, 0700) == -1) {
		printf("SKIP: mkdir %s: %s\n", dir, strerror(errno));
		return 77;
	}
	snprintf(path, sizeof path, "%s/sstpcd.conf", dir);

	/* A missing file is an empty configuration. */
	seen[0] = '\0';
	T_EQ_INT(store_load(path, line_cb, NULL, &cause), 0);
	T_EQ_STR(seen, "");

	/* Write, mode 0600, content exact, no temp file left. */
	umask(022);
	T_EQ_INT(store_write(path, a, strlen(a), &cause), 0);
	T_EQ_STR(slurp(path), a);
	T_EQ_INT(stat(path, &sb), 0);
	T_EQ_INT(sb.st_mode & 0777, 0600);
	T_EQ_INT(count_entries("sstpcd.conf.tmp"), 0);

	/* Replace: the inode changes (rename, not rewrite in place). */
	{
		ino_t old = sb.st_ino;

		T_EQ_INT(store_write(path, b, strlen(b), &cause), 0);
		T_EQ_STR(slurp(path), b);
		T_EQ_INT(stat(path, &sb), 0);
		T_CHECK(sb.st_ino != old);
	}

	/* A stale temp file from a killed writer is replaced, not trusted. */
	{
		char tmp[400];
		int fd;

		snprintf(tmp, sizeof tmp, "%s.tmp", path);
		fd = open(tmp, O_WRONLY | O_CREAT, 0644);
		T_CHECK(fd != -1);
		T_CHECK(write(fd, "add na", 6) == 6);
		close(fd);
		T_EQ_INT(store_write(path, a, strlen(a), &cause), 0);
		T_EQ_STR(slurp(path), a);
		T_EQ_INT(count_entries("sstpcd.conf.tmp"), 0);
	}

	/* Loading: blank and comment lines skipped, numbers are file lines. */
	{
		const char *c = "# saved\n/interface sstp-client\n\nadd name=a\r\n"
		    "add name=b";

		T_EQ_INT(store_write(path, c, strlen(c), &cause), 0);
		seen[0] = '\0';
		refuse_at = 0;
		T_EQ_INT(store_load(path, line_cb, NULL, &cause), 0);
		T_EQ_STR(seen, "2:/interface sstp-client|4:add name=a|5:add name=b|");
	}

	/* Refused at line 4: moved aside with the line number, not rewritten. */
	{
		const char *c = "# saved\n/interface sstp-client\n\nadd nme=a\n";

		T_EQ_INT(store_write(path, c, strlen(c), &cause), 0);
		seen[0] = '\0';
		refuse_at = 4;
		cause = NULL;
		T_EQ_INT(store_load(path, line_cb, NULL, &cause), -EBADMSG);
		T_CHECK(cause != NULL && strstr(cause, "line 4: no such command")
		    != NULL);
		T_CHECK(cause != NULL && strstr(cause, "kept as ") != NULL);
		T_CHECK(access(path, F_OK) == -1);
		T_CHECK(strstr(store_last_aside(), "sstpcd.conf.corrupt-") != NULL);
		T_EQ_STR(slurp(store_last_aside()), c);
		free(cause);
		cause = NULL;

		/* A second refusal in the same second keeps both copies. */
		T_EQ_INT(store_write(path, c, strlen(c), &cause), 0);
		T_EQ_INT(store_load(path, line_cb, NULL, &cause), -EBADMSG);
		free(cause);
		cause = NULL;
		T_EQ_INT(count_entries("sstpcd.conf.corrupt-"), 2);
		refuse_at = 0;
	}

	/* A NUL byte is refused with its line. */
	{
		const char c[] = "/interface sstp-client\nadd\0name=a\n";

		T_EQ_INT(store_write(path, c, sizeof c - 1, &cause), 0);
		T_EQ_INT(store_load(path, line_cb, NULL, &cause), -EBADMSG);
		T_CHECK(cause != NULL && strstr(cause, "line 2: NUL") != NULL);
		free(cause);
		cause = NULL;
	}

	/*
	 * kill -9 at any moment: a child rewrites the file in a loop with two
	 * alternating contents and is killed at varied moments; the file must
	 * always be exactly one of the two.
	 */
	memset(big, 'x', sizeof big);
	memcpy(big, "add name=big comment=", 21);
	big[sizeof big - 1] = '\n';
	T_EQ_INT(store_write(path, a, strlen(a), &cause), 0);
	for (i = 0; i < 20; i++) {
		if ((pid = fork()) == 0) {
			for (;;) {
				store_write(path, big, sizeof big, NULL);
				store_write(path, a, strlen(a), NULL);
			}
		}
		usleep(1000 + i * 700);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		{
			char *now = slurp(path);

			ret = now != NULL && (strcmp(now, a) == 0 ||
			    (strlen(now) == sizeof big &&
			    memcmp(now, big, sizeof big) == 0));
			T_CHECK(ret);
		}
	}
	/* The next write after a kill still works. */
	T_EQ_INT(store_write(path, b, strlen(b), &cause), 0);
	T_EQ_STR(slurp(path), b);

	/* An unwritable directory gives a reason, not a crash. */
	T_CHECK(store_write("/nonexistent-dir/x.conf", a, strlen(a), &cause) < 0);
	T_CHECK(cause != NULL && strstr(cause, "/nonexistent-dir/x.conf.tmp")
	    != NULL);
	free(cause);

	rm_rf();
	T_DONE();
}

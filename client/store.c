/* store.c - the daemon's configuration file: atomic writes, line-numbered loading. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cause.h"
#include "log.h"
#include "store.h"

static char store_aside[4096];

/* fsync the directory holding path, so that a rename in it is durable. */
static int
store_sync_dir(const char *path)
{
	char *copy, *dir;
	int fd, ret = 0;

	if ((copy = strdup(path)) == NULL)
		return -ENOMEM;
	dir = dirname(copy);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		ret = -errno;
	else {
		if (fsync(fd) == -1)
			ret = -errno;
		close(fd);
	}
	free(copy);
	return ret;
}

int
store_write(const char *path, const char *buf, size_t len, char **cause)
{
	char *tmp = NULL;
	size_t done = 0;
	ssize_t n;
	int fd = -1, ret;

	if (asprintf(&tmp, "%s.tmp", path) == -1) {
		tmp = NULL;
		ret = -ENOMEM;
		cause_set(cause, "%s: out of memory", path);
		goto out;
	}
	/* A leftover from a killed daemon is only ever a partial copy. */
	if (unlink(tmp) == -1 && errno != ENOENT) {
		ret = -errno;
		cause_set(cause, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		ret = -errno;
		cause_set(cause, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			ret = -errno;
			cause_set(cause, "%s: write: %s", tmp, strerror(errno));
			goto fail;
		}
		done += (size_t)n;
	}
	if (fsync(fd) == -1) {
		ret = -errno;
		cause_set(cause, "%s: fsync: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		ret = -errno;
		cause_set(cause, "%s: close: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		ret = -errno;
		cause_set(cause, "rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto fail;
	}
	if ((ret = store_sync_dir(path)) != 0) {
		/* The new file is in place; only its durability is in doubt. */
		log_warn("store: fsync of the directory of %s: %s", path,
		    strerror(-ret));
	}
	ret = 0;
	goto out;

fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return ret;
}

const char *
store_last_aside(void)
{
	return store_aside;
}

/* Move a refused file aside under a name no file has yet. */
static int
store_move_aside(const char *path)
{
	char stamp[32], cand[4096];
	struct tm tm;
	time_t now;
	int i;

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	for (i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(cand, sizeof cand, "%s.corrupt-%s", path, stamp);
		else
			snprintf(cand, sizeof cand, "%s.corrupt-%s.%d", path,
			    stamp, i);
		/* link() fails with EEXIST rather than replace anything. */
		if (link(path, cand) == 0) {
			if (unlink(path) == -1) {
				log_warn("store: unlink %s: %s", path,
				    strerror(errno));
			}
			store_sync_dir(path);
			snprintf(store_aside, sizeof store_aside, "%s", cand);
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int
store_load(const char *path,
    int (*line_cb)(void *arg, const char *line, unsigned int lineno,
	char **cause),
    void *arg, char **cause)
{
	FILE *f;
	char *line = NULL, *why = NULL;
	size_t cap = 0, len;
	ssize_t n;
	unsigned int lineno = 0;
	int ret = 0, error;

	store_aside[0] = '\0';
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		cause_set(cause, "%s: %s", path, strerror(errno));
		return ret;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		len = (size_t)n;
		if (memchr(line, '\0', len) != NULL) {
			why = strdup("NUL byte in line");
			goto refuse;
		}
		if (len > STORE_MAX_LINE) {
			why = strdup("line too long");
			goto refuse;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[strspn(line, " \t")] == '\0' ||
		    line[strspn(line, " \t")] == '#')
			continue;
		if (line_cb(arg, line, lineno, &why) != 0)
			goto refuse;
	}
	if (ferror(f)) {
		ret = -EIO;
		cause_set(cause, "%s: read error", path);
	}
	fclose(f);
	free(line);
	return ret;

refuse:
	fclose(f);
	free(line);
	if ((error = store_move_aside(path)) != 0) {
		cause_set(cause, "%s line %u: %s (could not move it aside: "
		    "%s)", path, lineno, why != NULL ? why : "refused",
		    strerror(-error));
	} else {
		cause_set(cause, "%s line %u: %s (kept as %s)", path, lineno,
		    why != NULL ? why : "refused", store_aside);
	}
	free(why);
	return -EBADMSG;
}

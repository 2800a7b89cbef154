/* scripts.c - run a directory of scripts at link up/down (like pppd's ip-up.d), reaped from the event loop. */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "scripts.h"
#include "timer.h"

#define SCRIPTS_MAX		256	/* more scripts than this are not run */
#define SCRIPTS_POLL_MS		100	/* reaping without pidfd */
#define SCRIPTS_PATH	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct scripts_run {
	char		**paths;	/* sorted, to run in order */
	size_t		  n;
	size_t		  next;
	char		**envp;		/* NULL-terminated "K=V" */
	char		 *argv[8];
	unsigned int	  timeout_ms;
	int		  failures;
	void		(*done_cb)(void *, int);
	void		 *arg;

	pid_t		  pid;		/* the running script, or 0 */
	int		  pidfd;
	int		  timed_out;
	struct event	 *exit_ev;	/* pidfd readable, or a poll timer */
	struct timer	  timeout;
};

/* run-parts' rule (LANANA names): letters, digits, '_' and '-' only. */
static int
scripts_name_ok(const char *name)
{
	if (*name == '\0')
		return 0;
	for (; *name != '\0'; name++) {
		if (!((*name >= 'a' && *name <= 'z') ||
		    (*name >= 'A' && *name <= 'Z') ||
		    (*name >= '0' && *name <= '9') || *name == '_' ||
		    *name == '-'))
			return 0;
	}
	return 1;
}

static int
scripts_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
scripts_free(struct scripts_run *run)
{
	size_t	i;

	timer_stop(&run->timeout);
	if (run->exit_ev != NULL)
		event_free(run->exit_ev);
	if (run->pidfd >= 0)
		close(run->pidfd);
	for (i = 0; i < run->n; i++)
		free(run->paths[i]);
	free(run->paths);
	for (i = 0; run->envp != NULL && run->envp[i] != NULL; i++)
		free(run->envp[i]);
	free(run->envp);
	for (i = 0; i < sizeof run->argv / sizeof run->argv[0]; i++)
		free(run->argv[i]);
	free(run);
}

/* Append "key=value" to a NULL-terminated array with room for it. */
static void
scripts_setenv(char **envp, size_t *n, const char *key, const char *value)
{
	if (value == NULL || asprintf(&envp[*n], "%s=%s", key, value) < 0)
		return;
	(*n)++;
}

static void
scripts_setenv_addr(char **envp, size_t *n, const char *key, struct in_addr a)
{
	char	buf[INET_ADDRSTRLEN];

	if (a.s_addr == 0)
		return;
	inet_ntop(AF_INET, &a, buf, sizeof buf);
	scripts_setenv(envp, n, key, buf);
}

static void
scripts_setenv_num(char **envp, size_t *n, const char *key,
    unsigned long long v)
{
	char	buf[32];

	snprintf(buf, sizeof buf, "%llu", v);
	scripts_setenv(envp, n, key, buf);
}

/* The environment pppd gives ip-up, and Debian's ip-up gives ip-up.d. */
static char **
scripts_make_env(const struct scripts_env *e)
{
	char		**envp;
	size_t		  n = 0;
	const char	 *ipparam = e->ipparam ? e->ipparam : e->linkname;
	char		  speed[16];

	if ((envp = calloc(40, sizeof *envp)) == NULL)
		return NULL;
	snprintf(speed, sizeof speed, "%u", e->speed);
	envp[n++] = strdup(SCRIPTS_PATH);
	scripts_setenv(envp, &n, "IFNAME", e->ifname);
	scripts_setenv(envp, &n, "PPP_IFACE", e->ifname);
	scripts_setenv(envp, &n, "DEVICE", e->device);
	scripts_setenv(envp, &n, "PPP_TTY", e->device);
	scripts_setenv(envp, &n, "SPEED", speed);
	scripts_setenv(envp, &n, "PPP_SPEED", speed);
	scripts_setenv_addr(envp, &n, "IPLOCAL", e->local);
	scripts_setenv_addr(envp, &n, "PPP_LOCAL", e->local);
	scripts_setenv_addr(envp, &n, "IPREMOTE", e->remote);
	scripts_setenv_addr(envp, &n, "PPP_REMOTE", e->remote);
	scripts_setenv_addr(envp, &n, "DNS1", e->dns1);
	scripts_setenv_addr(envp, &n, "DNS2", e->dns2);
	if (e->use_peer_dns)
		scripts_setenv(envp, &n, "USEPEERDNS", "1");
	scripts_setenv(envp, &n, "PEERNAME", e->peername);
	scripts_setenv(envp, &n, "LINKNAME", e->linkname);
	scripts_setenv(envp, &n, "IPPARAM", ipparam);
	scripts_setenv(envp, &n, "PPP_IPPARAM", ipparam);
	scripts_setenv(envp, &n, "SSTP_SERVER", e->server);
	scripts_setenv(envp, &n, "LLLOCAL", e->local6);
	scripts_setenv(envp, &n, "LLREMOTE", e->remote6);
	scripts_setenv_num(envp, &n, "PPPD_PID", (unsigned long long)getpid());
	if (e->connect_time || e->bytes_sent || e->bytes_rcvd) {
		scripts_setenv_num(envp, &n, "CONNECT_TIME", e->connect_time);
		scripts_setenv_num(envp, &n, "BYTES_SENT", e->bytes_sent);
		scripts_setenv_num(envp, &n, "BYTES_RCVD", e->bytes_rcvd);
	}
	envp[n] = NULL;
	return envp;
}

/* pppd's ip-up arguments: interface tty speed local remote ipparam. */
static void
scripts_make_argv(struct scripts_run *run, const struct scripts_env *e)
{
	char	buf[INET_ADDRSTRLEN];

	run->argv[1] = strdup(e->ifname ? e->ifname : "");
	run->argv[2] = strdup(e->device ? e->device : "");
	if (asprintf(&run->argv[3], "%u", e->speed) < 0)
		run->argv[3] = NULL;
	inet_ntop(AF_INET, &e->local, buf, sizeof buf);
	run->argv[4] = strdup(buf);
	inet_ntop(AF_INET, &e->remote, buf, sizeof buf);
	run->argv[5] = strdup(buf);
	run->argv[6] = strdup(e->ipparam ? e->ipparam :
	    e->linkname ? e->linkname : "");
}

/* The scripts of dir, sorted; 0 or -errno. */
static int
scripts_scan(struct scripts_run *run, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*path;

	if ((d = opendir(dir)) == NULL)
		return -errno;
	if ((run->paths = calloc(SCRIPTS_MAX, sizeof *run->paths)) == NULL) {
		closedir(d);
		return -ENOMEM;
	}
	while ((de = readdir(d)) != NULL && run->n < SCRIPTS_MAX) {
		if (!scripts_name_ok(de->d_name))
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			break;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    access(path, X_OK) != 0) {
			free(path);
			continue;
		}
		run->paths[run->n++] = path;
	}
	closedir(d);
	qsort(run->paths, run->n, sizeof *run->paths, scripts_cmp);
	return 0;
}

static void	scripts_start_next(struct scripts_run *);

/* The running script is gone (or may be): reap it, go on. */
static void
scripts_check_exit(struct scripts_run *run)
{
	const char	*path = run->paths[run->next - 1];
	int		 status;
	pid_t		 w;

	w = waitpid(run->pid, &status, WNOHANG);
	if (w == 0) {
		/* Not yet: the poll timer persists, a pidfd event is re-armed. */
		if (run->pidfd >= 0)
			event_add(run->exit_ev, NULL);
		return;
	}
	timer_stop(&run->timeout);
	event_free(run->exit_ev);
	run->exit_ev = NULL;
	if (run->pidfd >= 0) {
		close(run->pidfd);
		run->pidfd = -1;
	}
	run->pid = 0;
	if (w < 0) {
		log_warn("scripts %s: waitpid: %s", path, strerror(errno));
		run->failures++;
	} else if (run->timed_out) {
		log_warn("scripts %s: killed after %u ms", path,
		    run->timeout_ms);
		run->failures++;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_info("scripts %s: exit=0", path);
	else {
		if (WIFEXITED(status))
			log_warn("scripts %s: exit=%d", path,
			    WEXITSTATUS(status));
		else
			log_warn("scripts %s: signal=%d", path,
			    WTERMSIG(status));
		run->failures++;
	}
	scripts_start_next(run);
}

static void
scripts_exit_cb(evutil_socket_t fd, short what, void *arg)
{
	scripts_check_exit(arg);
}

static void
scripts_timeout_cb(void *arg)
{
	struct scripts_run	*run = arg;

	if (run->pid <= 0) {
		/* The first start, deferred so done_cb never runs early. */
		scripts_start_next(run);
		return;
	}
	/* The whole process group: a script's own children go too. */
	run->timed_out = 1;
	kill(-run->pid, SIGKILL);
	kill(run->pid, SIGKILL);
}

static pid_t
scripts_spawn(struct scripts_run *run, const char *path)
{
	sigset_t	mask;
	pid_t		pid;
	int		fd;

	if ((pid = fork()) != 0)
		return pid;
	/* The child: own process group, quiet stdio, no inherited fds. */
	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	syscall(SYS_close_range, 3U, ~0U, 0U);
	/* What the daemon ignores or blocks, a script must not inherit. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&mask);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	run->argv[0] = (char *)path;
	execve(path, run->argv, run->envp);
	_exit(127);
}

static void
scripts_start_next(struct scripts_run *run)
{
	struct event_base	*base = timer_get_base();
	const char		*path;
	pid_t			 pid;

	while (run->next < run->n) {
		path = run->paths[run->next++];
		if ((pid = scripts_spawn(run, path)) < 0) {
			log_warn("scripts %s: fork: %s", path, strerror(errno));
			run->failures++;
			continue;
		}
		setpgid(pid, pid);	/* both sides, so kill(-pid) works at once */
		log_info("scripts run=%s pid=%ld", path, (long)pid);
		run->pid = pid;
		run->timed_out = 0;
		run->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (run->pidfd >= 0)
			run->exit_ev = event_new(base, run->pidfd, EV_READ,
			    scripts_exit_cb, run);
		else
			run->exit_ev = event_new(base, -1, EV_PERSIST,
			    scripts_exit_cb, run);
		if (run->pidfd >= 0)
			event_add(run->exit_ev, NULL);
		else {
			struct timeval tv = { 0, SCRIPTS_POLL_MS * 1000 };

			event_add(run->exit_ev, &tv);
		}
		timer_start(&run->timeout, run->timeout_ms);
		return;
	}
	run->done_cb(run->arg, run->failures);
	scripts_free(run);
}

struct scripts_run *
scripts_run(const char *dir, const struct scripts_env *env,
    unsigned int timeout_ms, void (*done_cb)(void *, int), void *arg)
{
	struct scripts_run	*run;
	int			 rc;

	if ((run = calloc(1, sizeof *run)) == NULL)
		return NULL;
	run->pidfd = -1;
	run->timeout_ms = timeout_ms;
	run->done_cb = done_cb;
	run->arg = arg;
	timer_init(&run->timeout, scripts_timeout_cb, run);
	if ((rc = scripts_scan(run, dir)) != 0) {
		if (rc != -ENOENT)
			log_warn("scripts %s: %s", dir, strerror(-rc));
		scripts_free(run);
		return NULL;
	}
	if (run->n == 0 || (run->envp = scripts_make_env(env)) == NULL) {
		scripts_free(run);
		return NULL;
	}
	scripts_make_argv(run, env);
	log_info("scripts dir=%s count=%zu", dir, run->n);
	timer_start(&run->timeout, 0);
	return run;
}

void
scripts_cancel(struct scripts_run *run)
{
	int	status;

	if (run == NULL)
		return;
	if (run->pid > 0) {
		kill(-run->pid, SIGKILL);
		kill(run->pid, SIGKILL);
		waitpid(run->pid, &status, 0);
	}
	scripts_free(run);
}

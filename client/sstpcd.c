/* sstpcd.c - the SSTP client daemon: command line, event loop, signals. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "ctl_server.h"
#include "exec.h"
#include "iface.h"
#include "log.h"
#include "store.h"
#include "timer.h"

#define SSTPCD_SOCKET	RUNSTATEDIR "/sstpcd.sock"	/* as sstpctl */
#define SSTPCD_CONFIG	LOCALSTATEDIR "/lib/sstpcd/sstpcd.conf"

#define SSTPCD_STOP_MS	4000	/* orderly stop of every tunnel at exit */

static struct event_base *sstpcd_base;
static struct ctl_server *sstpcd_ctl;
static struct timer sstpcd_stop_timer;
static unsigned long long sstpcd_stop_deadline;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: sstpcd [-fv] [--foreground] [--socket PATH] [--config PATH]\n"
	    "              [--group GROUP] [--syslog] [--verbose] [--version]"
	    " [--help]\n"
	    "  -f, --foreground   stay in the foreground (log to stderr)\n"
	    "  -s, --socket PATH  command socket (default " SSTPCD_SOCKET ")\n"
	    "  -c, --config PATH  saved configuration (default " SSTPCD_CONFIG
	    ")\n"
	    "  -g, --group GROUP  group allowed read-only use of the socket\n"
	    "      --syslog       log to syslog (the default without -f)\n"
	    "  -v, --verbose      more log detail (-vv debug, -vvv packets)\n"
	    "  -V, --version      print the version\n"
	    "  -h, --help         this text\n");
}

/* Wait for the tunnels' orderly stops, then cut whatever is left. */
static void
sstpcd_stop_cb(void *arg)
{
	int busy = iface_quiesce();

	if (busy > 0 && timer_now_ms() < sstpcd_stop_deadline) {
		timer_start(&sstpcd_stop_timer, 100);
		return;
	}
	if (busy > 0)
		log_info("%d tunnel(s) did not stop in time: cutting", busy);
	/* Tunnels (routes, addresses, DNS removed), then the socket. */
	iface_shutdown();
	ctl_server_free(sstpcd_ctl);
	sstpcd_ctl = NULL;
	event_base_loopbreak(sstpcd_base);
}

static void
sstpcd_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	if (sig == SIGHUP) {
		log_info("SIGHUP ignored: sstpcd reloads nothing; use sstpctl");
		return;
	}
	if (sstpcd_stop_deadline != 0) {
		log_info("signal %d again: stopping at once", (int)sig);
		sstpcd_stop_deadline = 1;
		sstpcd_stop_cb(NULL);
		return;
	}
	log_info("signal %d: shutting down", (int)sig);
	sstpcd_stop_deadline = timer_now_ms() + SSTPCD_STOP_MS;
	sstpcd_stop_cb(NULL);
}

/* One line of the saved file, through the same executor as the socket. */
static int
sstpcd_replay_cb(void *arg, const char *line, unsigned int lineno,
    char **cause)
{
	struct exec_ctx *ctx = arg;
	struct evbuffer *out;
	int ret;

	if ((out = evbuffer_new()) == NULL) {
		*cause = strdup("out of memory");
		return -1;
	}
	ret = exec_line(ctx, line, out, cause);
	evbuffer_free(out);
	if (ret == 1) {
		exec_stream_end(ctx);
		*cause = strdup("a streaming command in the configuration");
		return -1;
	}
	return ret == 0 ? 0 : -1;
}

/*
 * Replay the saved configuration.  A refused file has been moved aside: the
 * daemon starts with no interfaces (and says so), so that the socket is
 * there to repair things.  A file that cannot be read, or a refused one that
 * could not be moved aside, stops the start: writing the next change would
 * otherwise overwrite it.
 */
static int
sstpcd_load(const char *path)
{
	struct exec_ctx *ctx;
	char *cause = NULL;
	int ret;

	if ((ctx = exec_ctx_new(0)) == NULL)
		return -1;
	iface_suspend_save(1);
	ret = store_load(path, sstpcd_replay_cb, ctx, &cause);
	exec_ctx_free(ctx);
	if (ret == -EBADMSG) {
		iface_shutdown();
		if (*store_last_aside() == '\0') {
			log_err("config: refused: %s", cause ? cause : "?");
			free(cause);
			return -1;
		}
		log_err("config: refused, starting with no interfaces: %s",
		    cause ? cause : "?");
	} else if (ret != 0) {
		log_err("config: %s", cause ? cause : "cannot read");
		free(cause);
		return -1;
	} else
		log_info("config: loaded path=%s interfaces=%d", path,
		    iface_count());
	free(cause);
	return 0;
}

/* The directory of the configuration file, made 0700 when missing. */
static int
sstpcd_config_dir(const char *path)
{
	char *copy, *dir;
	int ret = 0;

	if ((copy = strdup(path)) == NULL)
		return -1;
	dir = dirname(copy);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_err("config: mkdir %s: %s", dir, strerror(errno));
		ret = -1;
	}
	free(copy);
	return ret;
}

/* The daemon leaves its directory: relative paths are made absolute. */
static const char *
sstpcd_abspath(const char *path)
{
	static char cwd[4096];
	char *abs;

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		return path;
	if (asprintf(&abs, "%s/%s", cwd, path) == -1)
		return path;
	return abs;	/* lives as long as the daemon */
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "group", required_argument, NULL, 'g' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct event *sigev[3];
	const char *sock_path = SSTPCD_SOCKET, *config_path = SSTPCD_CONFIG;
	const char *group = NULL;
	char *cause = NULL;
	int c, foreground = 0, use_syslog = 0, verbose = 0, i;
	enum log_level level;

	while ((c = getopt_long(argc, argv, "fs:c:g:vVh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			foreground = 1;
			break;
		case 's':
			sock_path = optarg;
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'S':
			use_syslog = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("sstpcd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	sock_path = sstpcd_abspath(sock_path);
	config_path = sstpcd_abspath(config_path);
	level = LOG_LVL_INFO + verbose;
	if (level > LOG_LVL_TRACE)
		level = LOG_LVL_TRACE;
	/* Until the fork, errors go to the terminal as well. */
	log_open("sstpcd", use_syslog, level);

	signal(SIGPIPE, SIG_IGN);
	umask(077);

	if ((sstpcd_base = event_base_new()) == NULL) {
		log_err("event_base_new failed");
		return 1;
	}
	timer_set_base(sstpcd_base);
	if (sstpcd_config_dir(config_path) != 0)
		return 1;
	iface_init(sstpcd_base, config_path);
	if (sstpcd_load(config_path) != 0)
		return 1;
	sstpcd_ctl = ctl_server_new(sstpcd_base, sock_path, group, &cause);
	if (sstpcd_ctl == NULL) {
		log_err("ctl: %s", cause != NULL ? cause : "cannot listen");
		free(cause);
		iface_shutdown();
		return 1;
	}

	if (!foreground) {
		if (daemon(0, 0) == -1) {
			log_err("daemon: %s", strerror(errno));
			return 1;
		}
		log_open("sstpcd", 1, level);
		if (event_reinit(sstpcd_base) == -1)
			log_warn("event_reinit failed");
	}

	timer_init(&sstpcd_stop_timer, sstpcd_stop_cb, NULL);
	for (i = 0; i < 3; i++) {
		sigev[i] = evsignal_new(sstpcd_base, sigs[i], sstpcd_signal_cb,
		    NULL);
		evsignal_add(sigev[i], NULL);
	}

	log_info("started version=%s pid=%d socket=%s config=%s",
	    PACKAGE_VERSION, (int)getpid(), sock_path, config_path);
	/* The replayed interfaces start only now, in the final process. */
	iface_suspend_save(0);

	event_base_dispatch(sstpcd_base);

	timer_stop(&sstpcd_stop_timer);
	iface_shutdown();
	ctl_server_free(sstpcd_ctl);
	for (i = 0; i < 3; i++)
		event_free(sigev[i]);
	event_base_free(sstpcd_base);
	log_info("exited");
	return 0;
}

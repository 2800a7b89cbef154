/* test-scripts.c - the ip-up.d style runner: order, environment, failures and a hung script, in a temp dir. */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "scripts.h"
#include "t.h"
#include "timer.h"

static struct event_base *base;
static int	done_calls;
static int	done_failures;

static void
done_cb(void *arg, int failures)
{
	done_calls++;
	done_failures = failures;
	event_base_loopbreak(base);
}

static void
write_file(const char *dir, const char *name, mode_t mode, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	T_CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static char *
read_file(const char *dir, const char *name)
{
	static char	 buf[8192];
	char		 path[512];
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return buf;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Run the loop until done_cb or a deadline (seconds). */
static void
wait_done(int secs)
{
	struct timeval tv = { secs, 0 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
setup_env(struct scripts_env *e)
{
	memset(e, 0, sizeof *e);
	e->ifname = "sstp-out1";
	e->device = "/dev/net/tun";
	e->speed = 0;
	inet_pton(AF_INET, "10.0.0.2", &e->local);
	inet_pton(AF_INET, "10.0.0.1", &e->remote);
	inet_pton(AF_INET, "192.0.2.53", &e->dns1);
	e->use_peer_dns = 1;
	e->peername = "vpnuser";
	e->linkname = "sstp-out1";
	e->server = "vpn.example.net";
}

static void
test_order_env(const char *dir, const char *out)
{
	struct scripts_env	 e;
	struct scripts_run	*run;
	char			 script[1024];
	const char		*log;

	snprintf(script, sizeof script, "#!/bin/sh\necho \"$(basename $0) "
	    "$*\" >> %s/order\nenv | sort > %s/env-$(basename $0)\n", out, out);
	write_file(dir, "20-second", 0755, script);
	write_file(dir, "10-first", 0755, script);
	write_file(dir, "30_third", 0755, script);
	write_file(dir, "Z-last", 0755, script);
	/* Not run: a dot in the name, not executable, a directory. */
	write_file(dir, "15-skip.sh", 0755, script);
	write_file(dir, "16-noexec", 0644, script);
	write_file(dir, "40-fails", 0755, "#!/bin/sh\nexit 3\n");
	mkdir(script, 0755);

	setup_env(&e);
	setenv("SSTP_TEST_SECRET", "hunter2", 1);
	done_calls = 0;
	run = scripts_run(dir, &e, 5000, done_cb, NULL);
	T_CHECK(run != NULL);
	T_EQ_INT(done_calls, 0);	/* never from inside scripts_run */
	wait_done(10);
	T_EQ_INT(done_calls, 1);
	T_EQ_INT(done_failures, 1);

	log = read_file(out, "order");
	T_EQ_STR(log, "10-first sstp-out1 /dev/net/tun 0 10.0.0.2 10.0.0.1 "
	    "sstp-out1\n20-second sstp-out1 /dev/net/tun 0 10.0.0.2 10.0.0.1 "
	    "sstp-out1\n30_third sstp-out1 /dev/net/tun 0 10.0.0.2 10.0.0.1 "
	    "sstp-out1\nZ-last sstp-out1 /dev/net/tun 0 10.0.0.2 10.0.0.1 "
	    "sstp-out1\n");

	log = read_file(out, "env-10-first");
	T_CHECK(strstr(log, "IFNAME=sstp-out1\n") != NULL);
	T_CHECK(strstr(log, "PPP_IFACE=sstp-out1\n") != NULL);
	T_CHECK(strstr(log, "DEVICE=/dev/net/tun\n") != NULL);
	T_CHECK(strstr(log, "IPLOCAL=10.0.0.2\n") != NULL);
	T_CHECK(strstr(log, "IPREMOTE=10.0.0.1\n") != NULL);
	T_CHECK(strstr(log, "PPP_REMOTE=10.0.0.1\n") != NULL);
	T_CHECK(strstr(log, "DNS1=192.0.2.53\n") != NULL);
	T_CHECK(strstr(log, "DNS2=") == NULL);
	T_CHECK(strstr(log, "USEPEERDNS=1\n") != NULL);
	T_CHECK(strstr(log, "PEERNAME=vpnuser\n") != NULL);
	T_CHECK(strstr(log, "LINKNAME=sstp-out1\n") != NULL);
	T_CHECK(strstr(log, "PPP_IPPARAM=sstp-out1\n") != NULL);
	T_CHECK(strstr(log, "SSTP_SERVER=vpn.example.net\n") != NULL);
	T_CHECK(strstr(log, "PPPD_PID=") != NULL);
	T_CHECK(strstr(log, "PATH=") != NULL);
	T_CHECK(strstr(log, "CONNECT_TIME") == NULL);
	/* Nothing of the daemon's own environment leaks through. */
	T_CHECK(strstr(log, "hunter2") == NULL);
	T_CHECK(strstr(log, "SSTP_TEST_SECRET") == NULL);
	T_CHECK(strstr(log, "HOME=") == NULL);
	T_EQ_STR(read_file(out, "env-15-skip.sh"), "");
	T_EQ_STR(read_file(out, "env-16-noexec"), "");
}

static void
test_down_env(const char *dir, const char *out)
{
	struct scripts_env	e;
	char			script[512];
	const char		*log;

	snprintf(script, sizeof script, "#!/bin/sh\nenv > %s/env-down\n", out);
	write_file(dir, "down", 0755, script);
	setup_env(&e);
	e.connect_time = 3600;
	e.bytes_sent = 12345;
	e.bytes_rcvd = 67890;
	done_calls = 0;
	T_CHECK(scripts_run(dir, &e, 5000, done_cb, NULL) != NULL);
	wait_done(10);
	T_EQ_INT(done_calls, 1);
	T_EQ_INT(done_failures, 0);
	log = read_file(out, "env-down");
	T_CHECK(strstr(log, "CONNECT_TIME=3600\n") != NULL);
	T_CHECK(strstr(log, "BYTES_SENT=12345\n") != NULL);
	T_CHECK(strstr(log, "BYTES_RCVD=67890\n") != NULL);
}

/* Running, not a zombie left to whichever process reaps orphans here. */
static int
alive(pid_t pid)
{
	char	 path[64], buf[256], *p;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return 0;
	return p[2] != 'Z' && p[2] != 'X';
}

/* A hung script (and its child) is killed; the next one still runs. */
static void
test_timeout(const char *dir, const char *out)
{
	struct scripts_env	 e;
	char			 script[512];
	unsigned long long	 t0;

	snprintf(script, sizeof script, "#!/bin/sh\nsleep 30 &\necho $! > "
	    "%s/child\nsleep 30\n", out);
	write_file(dir, "1-hang", 0755, script);
	snprintf(script, sizeof script, "#!/bin/sh\ntouch %s/after\n", out);
	write_file(dir, "2-after", 0755, script);
	setup_env(&e);
	done_calls = 0;
	t0 = timer_now_ms();
	T_CHECK(scripts_run(dir, &e, 300, done_cb, NULL) != NULL);
	wait_done(10);
	T_EQ_INT(done_calls, 1);
	T_EQ_INT(done_failures, 1);
	T_CHECK(timer_now_ms() - t0 < 3000);
	{
		char p[512];
		long child = atol(read_file(out, "child"));

		snprintf(p, sizeof p, "%s/after", out);
		T_EQ_INT(access(p, F_OK), 0);
		T_CHECK(child > 0);
		usleep(100000);
		T_CHECK(child > 0 && !alive((pid_t)child));
	}
}

/* Cancel kills the running script; done_cb never comes. */
static void
test_cancel(const char *dir)
{
	struct scripts_env	 e;
	struct scripts_run	*run;

	write_file(dir, "hang", 0755, "#!/bin/sh\nsleep 30\n");
	setup_env(&e);
	done_calls = 0;
	run = scripts_run(dir, &e, 10000, done_cb, NULL);
	T_CHECK(run != NULL);
	wait_done(0);
	{
		struct timeval tv = { 0, 200000 };

		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	scripts_cancel(run);
	wait_done(1);
	T_EQ_INT(done_calls, 0);
	scripts_cancel(NULL);
}

int
main(void)
{
	char	tmpl[] = "/tmp/sstp-test-scripts.XXXXXX", d[600], cmd[700];
	char	*top;
	struct scripts_env e;

	log_open("test-scripts", 0, LOG_LVL_ERR);
	base = event_base_new();
	timer_set_base(base);
	if ((top = mkdtemp(tmpl)) == NULL) {
		printf("SKIP: mkdtemp: %s\n", strerror(errno));
		return 77;
	}
	/* Nothing to run: NULL, and no callback. */
	setup_env(&e);
	snprintf(d, sizeof d, "%s/missing", top);
	T_CHECK(scripts_run(d, &e, 1000, done_cb, NULL) == NULL);
	snprintf(d, sizeof d, "%s/empty", top);
	mkdir(d, 0755);
	T_CHECK(scripts_run(d, &e, 1000, done_cb, NULL) == NULL);

	snprintf(d, sizeof d, "%s/up", top);
	mkdir(d, 0755);
	test_order_env(d, top);
	snprintf(d, sizeof d, "%s/down", top);
	mkdir(d, 0755);
	test_down_env(d, top);
	snprintf(d, sizeof d, "%s/hang", top);
	mkdir(d, 0755);
	test_timeout(d, top);
	snprintf(d, sizeof d, "%s/cancel", top);
	mkdir(d, 0755);
	test_cancel(d);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", top);
	event_base_free(base);
	T_DONE();
}

/* test-pppd.c - the pppd engine's side of the fence: options it gives pppd, exit reasons, cleanup. */

/*
 * The real pppd runs in the VM test (tests/vm/test-pppd-softether.sh); here
 * a stand-in executable records the command line the engine builds and
 * exits the way pppd does, so option mapping, secrecy of the password and
 * the translation of exit codes can be checked on any host.
 */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "hdlc.h"
#include "ppp.h"
#include "timer.h"
#include "t.h"

static struct event_base *base;
static char dir[64];
static char reason[512];
static int downs;

static void
out_cb(void *arg, uint8_t *frame, size_t len)
{
}

/* The relay test: frames pppd writes on its tty, throttling, and input(). */
static struct ppp_engine *relay_e;
static int relay_frames;
static int relay_throttle_ok = 1;
static uint8_t relay_first[64];
static size_t relay_first_len;
static struct event *relay_ev;
static int count_frames;

static void
count_out_cb(void *arg, uint8_t *frame, size_t len)
{
	count_frames++;
}

static void
relay_unthrottle_cb(evutil_socket_t fd, short what, void *arg)
{
	/* While throttled, the second frame (already read) must wait. */
	if (relay_frames != 1)
		relay_throttle_ok = 0;
	ppp_pppd_ops.throttle(relay_e, 0);
}

static void
relay_out_cb(void *arg, uint8_t *frame, size_t len)
{
	struct timeval tv = { 0, 300000 };

	/* PPP_HEADROOM writable bytes in front of every frame. */
	memset(frame - PPP_HEADROOM, 0xee, PPP_HEADROOM);
	if (++relay_frames == 1) {
		if (len <= sizeof relay_first) {
			memcpy(relay_first, frame, len);
			relay_first_len = len;
		}
		ppp_pppd_ops.throttle(relay_e, 1);
		relay_ev = evtimer_new(base, relay_unthrottle_cb, NULL);
		evtimer_add(relay_ev, &tv);
		/* Echo it back: the stand-in reads it from its tty. */
		ppp_pppd_ops.input(relay_e, frame, len);
	}
}

static void
auth_cb(void *arg, const uint8_t *hlak)
{
}

static void
up_cb(void *arg, const struct ppp_link_info *info)
{
}

static void
down_cb(void *arg, const char *why)
{
	snprintf(reason, sizeof reason, "%s", why);
	downs++;
	event_base_loopexit(base, NULL);
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		exit(1);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static char *
read_file(const char *name)
{
	static char buf[8192];
	char path[128];
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return buf;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Is "opt\nvalue\n" (or "opt\n" when value is NULL) a line pair in argv? */
static int
has_arg(const char *argv, const char *opt, const char *value)
{
	char want[256];

	snprintf(want, sizeof want, "\n%s\n%s%s", opt, value ? value : "",
	    value ? "\n" : "");
	return strstr(argv, want) != NULL;
}

static void
run(const struct ppp_config *cfg)
{
	struct ppp_callbacks cb = { out_cb, auth_cb, up_cb, down_cb };
	struct timeval tv = { 10, 0 };
	struct ppp_engine *e;
	char *cause = NULL;

	downs = 0;
	reason[0] = '\0';
	e = ppp_pppd_ops.start(cfg, &cb, NULL, &cause);
	T_CHECK(e != NULL);
	if (e == NULL) {
		fprintf(stderr, "start: %s\n", cause ? cause : "?");
		free(cause);
		return;
	}
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	ppp_pppd_ops.free(e);
}

/*
 * A frame from the peer given to input() as soon as pppd is started must
 * still reach it, though pppd, like the stand-in, throws away what its tty
 * holds when it sets the tty up.  The stand-in's tty output (argument
 * "first": its first frame, as pppd writes its LCP request; else nothing,
 * as pppd with "silent") and what it read go to files; returns what it
 * read, *ms how long the engine ran.
 */
static char *
run_early(const struct ppp_config *cfg, const uint8_t *frame, size_t len,
    unsigned long long *ms)
{
	struct ppp_callbacks cb = { count_out_cb, auth_cb, up_cb, down_cb };
	struct timeval tv = { 10, 0 };
	struct ppp_engine *e;
	unsigned long long t0 = timer_now_ms();
	char *cause = NULL;

	downs = 0;
	count_frames = 0;
	reason[0] = '\0';
	write_file("early.bin", "", 0644);
	e = ppp_pppd_ops.start(cfg, &cb, NULL, &cause);
	T_CHECK(e != NULL);
	if (e == NULL) {
		free(cause);
		return read_file("early.bin");
	}
	ppp_pppd_ops.input(e, frame, len);	/* before pppd is set up */
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	*ms = timer_now_ms() - t0;
	T_EQ_INT(downs, 1);
	T_EQ_STR(reason, "pppd exited (pppd exit 0)");
	ppp_pppd_ops.free(e);
	return read_file("early.bin");
}

static int
ctl_dir_entries(void)
{
	char path[128];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "%s/ctl", dir);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int
main(void)
{
	struct ppp_config cfg;
	char pppd[128], plugin[128], ctl[128], *argv, *cause = NULL;
	const char *why = NULL;
	int ok;

	base = event_base_new();
	timer_set_base(base);
	snprintf(dir, sizeof dir, "/tmp/test-pppd.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(pppd, sizeof pppd, "%s/pppd", dir);
	snprintf(plugin, sizeof plugin, "%s/plugin.so", dir);
	snprintf(ctl, sizeof ctl, "%s/ctl", dir);
	write_file("plugin.so", "", 0644);
	setenv("SSTPCD_PPPD_PLUGIN", plugin, 1);

	/* available() answers and says why not. */
	ok = ppp_pppd_ops.available(&why);
	T_CHECK(ok == 1 || (why != NULL && *why != '\0'));

	/* pppd failing authentication: its exit code and its own words. */
	write_file("pppd",
	    "#!/bin/sh\n"
	    "printf '%s\\n' \"$0\" \"$@\" > \"$(dirname \"$0\")/argv\"\n"
	    "echo 'rcvd [CHAP Failure id=0x1 \"E=691 R=1 C=0 V=3\"]'\n"
	    "echo 'MS-CHAP authentication failed: E=691 Authentication failure'\n"
	    "echo 'CHAP authentication failed'\n"
	    "exit 19\n", 0755);
	memset(&cfg, 0, sizeof cfg);
	cfg.ifname = "sstp-t1";
	cfg.user = "DOM\\bob smith";
	cfg.password = "S3cret-Pw";
	cfg.auth_mask = PPP_AUTH_PAP | PPP_AUTH_MSCHAP2;
	cfg.max_mtu = 1400;
	cfg.max_mru = 1450;
	cfg.use_peer_dns = 1;
	cfg.echo_interval = 10;
	cfg.echo_failure = 3;
	cfg.pppd_path = pppd;
	cfg.pppd_options = "/etc/sstpcd/extra-options";
	cfg.ctl_dir = ctl;
	run(&cfg);
	T_EQ_INT(downs, 1);
	T_EQ_STR(reason, "authentication failed (pppd exit 19): MS-CHAP "
	    "authentication failed: E=691 Authentication failure "
	    "(bad user name or password)");

	argv = read_file("argv");
	T_CHECK(strncmp(argv, pppd, strlen(pppd)) == 0);
	T_CHECK(strstr(argv, "\n/dev/pts/") != NULL);
	T_CHECK(strstr(argv, "S3cret-Pw") == NULL);	/* never on a command line */
	T_CHECK(has_arg(argv, "nodetach", NULL));
	T_CHECK(has_arg(argv, "noauth", NULL));
	T_CHECK(has_arg(argv, "nodefaultroute", NULL));
	T_CHECK(has_arg(argv, "noipdefault", NULL));
	T_CHECK(has_arg(argv, "default-asyncmap", NULL));
	T_CHECK(has_arg(argv, "usepeerdns", NULL));
	T_CHECK(has_arg(argv, "noipv6", NULL));
	T_CHECK(has_arg(argv, "ifname", "sstp-t1"));
	T_CHECK(has_arg(argv, "user", "DOM\\bob smith"));
	T_CHECK(has_arg(argv, "mtu", "1400"));
	T_CHECK(has_arg(argv, "mru", "1450"));
	T_CHECK(has_arg(argv, "lcp-echo-interval", "10"));
	T_CHECK(has_arg(argv, "lcp-echo-failure", "3"));
	T_CHECK(has_arg(argv, "plugin", plugin));
	T_CHECK(strstr(argv, "\nsstp-sock\n") != NULL);
	T_CHECK(strstr(argv, ctl) != NULL);
	T_CHECK(!has_arg(argv, "refuse-pap", NULL));
	T_CHECK(!has_arg(argv, "refuse-mschap-v2", NULL));
	T_CHECK(has_arg(argv, "refuse-chap", NULL));
	T_CHECK(has_arg(argv, "refuse-mschap", NULL));
	T_CHECK(has_arg(argv, "refuse-eap", NULL));
	T_CHECK(!has_arg(argv, "multilink", NULL));
	/* The user's file comes last, so it can tune what we set. */
	{
		const char *tail = "\nfile\n/etc/sstpcd/extra-options\n";
		size_t n = strlen(argv), m = strlen(tail);

		T_CHECK(n > m && strcmp(argv + n - m, tail) == 0);
	}
	/* The plugin socket is gone with pppd. */
	T_EQ_INT(ctl_dir_entries(), 0);

	/* Multilink, IPv6, no keepalive, every method. */
	cfg.auth_mask = 0;
	cfg.mrru = 1600;
	cfg.ipv6 = 1;
	cfg.use_peer_dns = 0;
	cfg.echo_interval = 0;
	cfg.pppd_options = NULL;
	write_file("pppd",
	    "#!/bin/sh\n"
	    "printf '%s\\n' \"$0\" \"$@\" > \"$(dirname \"$0\")/argv\"\n"
	    "echo 'LCP terminated by peer'\n"
	    "exit 16\n", 0755);
	run(&cfg);
	T_EQ_STR(reason, "the link hung up (pppd exit 16): LCP terminated by peer");

	/* Refused, then the hangup won: the log's refusal is the reason. */
	write_file("pppd",
	    "#!/bin/sh\n"
	    "echo 'MS-CHAP authentication failed: E=691 Authentication failure'\n"
	    "echo 'Modem hangup'\n"
	    "exit 16\n", 0755);
	run(&cfg);
	T_EQ_STR(reason, "authentication failed (pppd exit 16): MS-CHAP "
	    "authentication failed: E=691 Authentication failure "
	    "(bad user name or password)");
	write_file("pppd",
	    "#!/bin/sh\n"
	    "printf '%s\\n' \"$0\" \"$@\" > \"$(dirname \"$0\")/argv\"\n"
	    "exit 16\n", 0755);
	run(&cfg);
	argv = read_file("argv");
	T_CHECK(strstr(argv, "\nrefuse-") == NULL);
	T_CHECK(has_arg(argv, "multilink", NULL));
	T_CHECK(has_arg(argv, "mrru", "1600"));
	T_CHECK(has_arg(argv, "+ipv6", NULL));
	T_CHECK(!has_arg(argv, "usepeerdns", NULL));
	T_CHECK(has_arg(argv, "lcp-echo-interval", "0"));
	T_CHECK(strstr(argv, "\nfile\n") == NULL);

	/* pppd-options as words: each its own argument, last. */
	cfg.pppd_options = "  require-mppe\tnoccp  mtu 1280 ";
	run(&cfg);
	argv = read_file("argv");
	{
		const char *tail = "\nrequire-mppe\nnoccp\nmtu\n1280\n";
		size_t n = strlen(argv), m = strlen(tail);

		T_CHECK(n > m && strcmp(argv + n - m, tail) == 0);
	}
	cfg.pppd_options = NULL;

	/* Killed by a signal; an unknown exit code. */
	write_file("pppd", "#!/bin/sh\nkill -9 $$\n", 0755);
	run(&cfg);
	T_EQ_STR(reason, "pppd was killed by signal 9");
	write_file("pppd", "#!/bin/sh\nexit 77\n", 0755);
	run(&cfg);
	T_EQ_STR(reason, "pppd failed (pppd exit 77)");

	/* Start errors are sentences, and leave nothing behind. */
	cfg.pppd_path = "/nonexistent/pppd";
	T_CHECK(ppp_pppd_ops.start(&cfg, &(struct ppp_callbacks){ out_cb,
	    auth_cb, up_cb, down_cb }, NULL, &cause) == NULL);
	T_CHECK(cause != NULL && strstr(cause, "/nonexistent/pppd") != NULL);
	free(cause);
	cause = NULL;
	cfg.pppd_path = pppd;
	cfg.ifname = "a-name-far-too-long-for-linux";
	T_CHECK(ppp_pppd_ops.start(&cfg, &(struct ppp_callbacks){ out_cb,
	    auth_cb, up_cb, down_cb }, NULL, &cause) == NULL);
	T_CHECK(cause != NULL);
	free(cause);
	T_EQ_INT(ctl_dir_entries(), 0);

	/*
	 * The relay: the stand-in writes two HDLC frames (recorded from pppd)
	 * on its tty and reads back what input() sends it.
	 */
	{
		static const char *stream =
		    "7eff7d23c0217d217d217d207d387d217d247d25787d227d267d207d207d207d20"
		    "7d257d2678d1cb7d3f7d277d227d287d22c0237e"
		    "7eff7d23c0217d257d227d207d3055736572207265717565737453337e";
		struct ppp_callbacks rcb = { relay_out_cb, auth_cb, up_cb, down_cb };
		struct timeval tv = { 10, 0 };
		uint8_t bytes[128];
		char path[128], *got;
		size_t n = t_unhex(stream, bytes, sizeof bytes);
		FILE *f;

		snprintf(path, sizeof path, "%s/frames.bin", dir);
		f = fopen(path, "wb");
		fwrite(bytes, 1, n, f);
		fclose(f);
		/* 53 bytes: the first frame, encoded as pppd did. */
		write_file("pppd",
		    "#!/bin/sh\n"
		    "for a; do tty=$a; break; done\n"
		    "d=$(dirname \"$0\")\n"
		    "cat \"$d/frames.bin\" > \"$tty\"\n"
		    "dd if=\"$tty\" of=\"$d/got.bin\" bs=1 count=53 2>/dev/null\n"
		    "sleep 1\n"
		    "exit 0\n", 0755);
		cfg.ifname = "sstp-t1";
		cfg.pppd_options = NULL;
		downs = 0;
		relay_e = ppp_pppd_ops.start(&cfg, &rcb, NULL, &cause);
		T_CHECK(relay_e != NULL);
		if (relay_e != NULL) {
			event_base_loopexit(base, &tv);
			event_base_dispatch(base);
			T_EQ_INT(downs, 1);
			T_EQ_INT(relay_frames, 2);
			T_CHECK(relay_throttle_ok);
			T_EQ_INT(relay_first_len, 28);
			T_EQ_STR(reason, "pppd exited (pppd exit 0)");
			got = read_file("got.bin");
			T_EQ_MEM(got, bytes, 53);
			ppp_pppd_ops.free(relay_e);
		}
		free(cause);
		cause = NULL;

		/* pppd's last frames before it exits still go out. */
		write_file("pppd",
		    "#!/bin/sh\n"
		    "for a; do tty=$a; break; done\n"
		    "cat \"$(dirname \"$0\")/frames.bin\" > \"$tty\"\n"
		    "exit 0\n", 0755);
		rcb.output_cb = count_out_cb;
		for (int i = 0; i < 5; i++) {
			struct ppp_engine *e2;

			count_frames = 0;
			downs = 0;
			e2 = ppp_pppd_ops.start(&cfg, &rcb, NULL, &cause);
			T_CHECK(e2 != NULL);
			if (e2 == NULL)
				break;
			event_base_loopexit(base, &tv);
			event_base_dispatch(base);
			T_EQ_INT(downs, 1);
			T_EQ_INT(count_frames, 2);
			ppp_pppd_ops.free(e2);
		}
		/*
		 * Early frames wait for pppd's tty: the stand-in sleeps, then
		 * drops its pending input as pppd's tcsetattr(TCSAFLUSH) and
		 * line discipline switch do, then reads.
		 */
		{
			struct hdlc_decoder dec;
			uint8_t dbuf[PPP_MAX_FRAME + 2], *frame = NULL;
			size_t used, flen = 0;
			unsigned long long ms = 0;

			hdlc_decoder_init(&dec, dbuf, sizeof dbuf);
			T_CHECK(hdlc_decode(&dec, bytes, n, &used, &frame,
			    &flen) == 1);
			T_EQ_INT(used, 53);
			write_file("pppd",
			    "#!/bin/sh\n"
			    "for a; do tty=$a; break; done\n"
			    "d=$(dirname \"$0\")\n"
			    "sleep 0.5\n"
			    "dd if=\"$tty\" of=/dev/null bs=4096 count=16 "
			    "iflag=nonblock 2>/dev/null\n"
			    "case \" $* \" in *' first '*)\n"
			    "\thead -c 53 \"$d/frames.bin\" > \"$tty\" ;; esac\n"
			    "timeout 5 dd if=\"$tty\" of=\"$d/early.bin\" bs=1 "
			    "count=53 2>/dev/null\n"
			    "exit 0\n", 0755);
			/* pppd writes its request first: that frees the queue. */
			cfg.pppd_options = "first";
			got = run_early(&cfg, frame, flen, &ms);
			T_EQ_MEM(got, bytes, 53);
			T_EQ_INT(count_frames, 1);
			T_CHECK(ms < 2000);
			/* pppd with "silent": the frames go after a while. */
			cfg.pppd_options = "silent";
			got = run_early(&cfg, frame, flen, &ms);
			T_EQ_MEM(got, bytes, 53);
			T_EQ_INT(count_frames, 0);
			T_CHECK(ms >= 2000 && ms < 5000);
			cfg.pppd_options = NULL;
		}

		if (relay_ev != NULL)
			event_free(relay_ev);
		unlink(path);
		snprintf(path, sizeof path, "%s/early.bin", dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/got.bin", dir);
		unlink(path);
	}

	/* free(NULL) and friends are harmless. */
	ppp_pppd_ops.free(NULL);
	ppp_pppd_ops.stop(NULL);
	ppp_pppd_ops.throttle(NULL, 1);

	unlink(pppd);
	unlink(plugin);
	snprintf(pppd, sizeof pppd, "%s/argv", dir);
	unlink(pppd);
	rmdir(ctl);
	rmdir(dir);
	event_base_free(base);
	T_DONE();
}

/* pppd-driver.c - run the pppd engine against a peer pppd on a second pty (VM test helper). */

/*
 * pppd-driver [-a auth] [-u user] [-p password] [-i ifname] [-t seconds]
 *     -- peer-command... (the word %TTY% is replaced by the peer's pty)
 *
 * Starts ppp_pppd_ops with the given settings and relays its frames, HDLC
 * encoded, to the peer command's pty (typically "ip netns exec NS pppd
 * %TTY% ..." acting as the server).  Prints one line per event on stdout:
 * "auth hlak=<hex>|none", "up ifname=... local=... remote=... mtu=...",
 * "down reason=...".  SIGTERM or SIGINT calls stop(); exits 0 after down,
 * 1 on a start failure or timeout.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "hdlc.h"
#include "log.h"
#include "ppp.h"
#include "timer.h"

static struct event_base *base;
static struct ppp_engine *engine;
static int peer_fd = -1;
static pid_t peer_pid = -1;
static struct hdlc_decoder dec;
static uint8_t decbuf[PPP_MAX_FRAME + 2];
static int down_seen;
static unsigned long frames_out, frames_in;

static void
out_cb(void *arg, uint8_t *frame, size_t len)
{
	uint8_t buf[HDLC_ENCODED_MAX(PPP_MAX_FRAME)];
	size_t n, off = 0;
	ssize_t w;

	/* The contract: headroom in front of every frame. */
	memset(frame - PPP_HEADROOM, 0xaa, PPP_HEADROOM);
	frames_out++;
	n = hdlc_encode(frame, len, HDLC_ACCM_ALL, buf, sizeof buf);
	while (off < n) {
		w = write(peer_fd, buf + off, n - off);
		if (w == -1 && errno == EAGAIN) {
			usleep(1000);
			continue;
		}
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

static void
auth_cb(void *arg, const uint8_t *hlak)
{
	int i;

	printf("auth hlak=");
	if (hlak == NULL)
		printf("none");
	else
		for (i = 0; i < 32; i++)
			printf("%02x", hlak[i]);
	printf("\n");
	fflush(stdout);
}

static void
up_cb(void *arg, const struct ppp_link_info *info)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &info->local, l, sizeof l);
	inet_ntop(AF_INET, &info->remote, r, sizeof r);
	inet_ntop(AF_INET, &info->dns1, d, sizeof d);
	printf("up ifname=%s ifindex=%d local=%s remote=%s dns1=%s mtu=%u "
	    "mru=%u auth=%s ipv6=%d\n", info->ifname, info->ifindex, l, r, d,
	    info->mtu, info->mru, info->auth_method, info->have_ipv6);
	fflush(stdout);
}

static void
down_cb(void *arg, const char *reason)
{
	printf("down reason=%s frames_out=%lu frames_in=%lu\n", reason,
	    frames_out, frames_in);
	fflush(stdout);
	down_seen = 1;
	event_base_loopexit(base, NULL);
}

static void
peer_read_cb(evutil_socket_t fd, short what, void *arg)
{
	uint8_t buf[4096], *frame;
	size_t off = 0, used, len;
	ssize_t n;

	n = read(fd, buf, sizeof buf);
	if (n <= 0) {
		if (n == -1 && errno == EAGAIN)
			return;
		event_del(arg);
		return;
	}
	while (off < (size_t)n) {
		if (!hdlc_decode(&dec, buf + off, (size_t)n - off, &used, &frame,
		    &len))
			break;
		off += used;
		frames_in++;
		ppp_pppd_ops.input(engine, frame, len);
	}
}

static void
sig_cb(evutil_socket_t sig, short what, void *arg)
{
	printf("stopping\n");
	fflush(stdout);
	ppp_pppd_ops.stop(engine);
}

static void
timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("timeout\n");
	fflush(stdout);
	event_base_loopexit(base, NULL);
}

int
main(int argc, char **argv)
{
	struct ppp_config cfg;
	struct ppp_callbacks cb = { out_cb, auth_cb, up_cb, down_cb };
	struct event *ev_peer, *ev_term, *ev_int, *ev_to;
	struct timeval tv = { 60, 0 };
	struct termios t;
	const char *why;
	char *cause = NULL, tty[64];
	int c, i, slave, rc, st;

	memset(&cfg, 0, sizeof cfg);
	cfg.ifname = "sstp-drv0";
	cfg.user = "user";
	cfg.password = "password";
	cfg.max_mtu = 1400;
	cfg.max_mru = 1400;
	cfg.echo_interval = 10;
	cfg.echo_failure = 3;
	while ((c = getopt(argc, argv, "a:u:p:i:t:d6v")) != -1) {
		switch (c) {
		case 'a':
			cfg.auth_mask = (unsigned int)ppp_auth_parse(optarg);
			break;
		case 'u':
			cfg.user = optarg;
			break;
		case 'p':
			cfg.password = optarg;
			break;
		case 'i':
			cfg.ifname = optarg;
			break;
		case 't':
			tv.tv_sec = atoi(optarg);
			break;
		case 'd':
			cfg.use_peer_dns = 1;
			break;
		case '6':
			cfg.ipv6 = 1;
			break;
		case 'v':
			log_open("pppd-driver", 0, LOG_LVL_DEBUG);
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc)
		return 2;

	base = event_base_new();
	timer_set_base(base);
	if (!ppp_pppd_ops.available(&why)) {
		printf("SKIP: %s\n", why);
		return 77;
	}

	/* The peer's pty. */
	peer_fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (peer_fd == -1 || grantpt(peer_fd) != 0 || unlockpt(peer_fd) != 0)
		return 1;
	snprintf(tty, sizeof tty, "%s", ptsname(peer_fd));
	slave = open(tty, O_RDWR | O_NOCTTY);
	tcgetattr(slave, &t);
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	fcntl(peer_fd, F_SETFL, O_NONBLOCK);
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "%TTY%") == 0)
			argv[i] = tty;
	}
	peer_pid = fork();
	if (peer_pid == 0) {
		setsid();
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	hdlc_decoder_init(&dec, decbuf, sizeof decbuf);

	engine = ppp_pppd_ops.start(&cfg, &cb, NULL, &cause);
	if (engine == NULL) {
		printf("start failed: %s\n", cause ? cause : "?");
		kill(peer_pid, SIGTERM);
		return 1;
	}
	ev_peer = event_new(base, peer_fd, EV_READ | EV_PERSIST, peer_read_cb,
	    event_self_cbarg());
	event_add(ev_peer, NULL);
	ev_term = evsignal_new(base, SIGTERM, sig_cb, NULL);
	ev_int = evsignal_new(base, SIGINT, sig_cb, NULL);
	event_add(ev_term, NULL);
	event_add(ev_int, NULL);
	ev_to = evtimer_new(base, timeout_cb, NULL);
	evtimer_add(ev_to, &tv);

	event_base_dispatch(base);

	rc = down_seen ? 0 : 1;
	ppp_pppd_ops.free(engine);
	kill(peer_pid, SIGTERM);
	for (i = 0; i < 50 && waitpid(peer_pid, &st, WNOHANG) == 0; i++)
		usleep(100000);
	if (i == 50) {
		kill(peer_pid, SIGKILL);
		waitpid(peer_pid, &st, 0);
	}
	close(slave);
	event_free(ev_peer);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_to);
	event_base_free(base);
	return rc;
}

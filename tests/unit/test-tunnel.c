/* test-tunnel.c - one tunnel's state machine, with its layers played by the test. */
#include "config.h"

#include <arpa/inet.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "netif.h"
#include "ppp.h"
#include "sstp_session.h"
#include "timer.h"
#include "transport.h"
#include "tunnel.h"
#include "t.h"

/*
 * The layers below the tunnel, played by the test (the linker takes these
 * instead of the library's): each records what the tunnel asked of it and
 * lets the test fire its callbacks.
 */
static struct transport_callbacks tr_cb;
static void *tr_arg;
static int tr_new, tr_freed, tr_write_ret;
static char tr_host[64];
static unsigned int tr_port;
static size_t tr_written;

struct transport { int dummy; };
static struct transport the_tr;

struct transport *
transport_new(struct event_base *base, const struct transport_config *cfg,
    const struct transport_callbacks *cb, void *arg)
{
	tr_cb = *cb;
	tr_arg = arg;
	tr_new++;
	snprintf(tr_host, sizeof tr_host, "%s", cfg->host);
	tr_port = cfg->port;
	return &the_tr;
}

void
transport_free(struct transport *t)
{
	if (t != NULL)
		tr_freed++;
}

int
transport_write(struct transport *t, const uint8_t *buf, size_t len)
{
	tr_written += len;
	return tr_write_ret;
}

static int tr_corked, tr_corks, tr_uncorks;

void
transport_cork(struct transport *t)
{
	tr_corked = 1;
	tr_corks++;
}

void
transport_uncork(struct transport *t)
{
	tr_corked = 0;
	tr_uncorks++;
}

int
transport_priority(const struct transport_config *cfg, char *buf, size_t cap,
    char **cause)
{
	if (cfg->ciphers != NULL && strcmp(cfg->ciphers, "aes256-sha") == 0 &&
	    cfg->tls_version == TLS_VER_ONLY_13) {
		*cause = strdup("aes256-sha needs TLS 1.2");
		return -EINVAL;
	}
	return 0;
}

void
transport_cert_hashes(const struct transport *t, uint8_t sha1[20],
    uint8_t sha256[32])
{
	memset(sha1, 1, 20);
	memset(sha256, 2, 32);
}

const char *
transport_encoding(const struct transport *t)
{
	return "TLSv1.3 AES-256-GCM";
}

const char *
transport_peer(const struct transport *t)
{
	return "192.0.2.10:8443";
}

const char *
transport_tcp_peer(const struct transport *t)
{
	return "192.0.2.10:8443";
}

static struct sstp_session_callbacks ss_cb;
static void *ss_arg;
static int ss_new, ss_freed, ss_auth_done, ss_disconnects, ss_sent;
static unsigned int ss_hello_ms;

struct sstp_session { int dummy; };
static struct sstp_session the_ss;

struct sstp_session *
sstp_session_new(const struct sstp_session_config *cfg,
    const struct sstp_session_callbacks *cb, void *arg)
{
	ss_cb = *cb;
	ss_arg = arg;
	ss_new++;
	ss_hello_ms = cfg->hello_ms;
	return &the_ss;
}

void
sstp_session_free(struct sstp_session *s)
{
	if (s != NULL)
		ss_freed++;
}

void
sstp_session_start(struct sstp_session *s)
{
}

void
sstp_session_input(struct sstp_session *s, const uint8_t *buf, size_t len)
{
}

int
sstp_session_send_data(struct sstp_session *s, uint8_t *frame, size_t len)
{
	ss_sent++;
	ss_cb.write_cb(ss_arg, frame, len);
	return 0;
}

void
sstp_session_auth_done(struct sstp_session *s, const uint8_t *hlak)
{
	ss_auth_done++;
}

void
sstp_session_disconnect(struct sstp_session *s)
{
	ss_disconnects++;
	ss_cb.closed_cb(ss_arg, "call disconnected by us");
}

enum sstp_session_state
sstp_session_state(const struct sstp_session *s)
{
	return SSTP_S_CONNECTED;
}

const char *
sstp_session_binding(const struct sstp_session *s)
{
	return "sha256";
}

static const char *ss_reason = "";

const char *
sstp_session_reason(const struct sstp_session *s)
{
	return ss_reason;
}

static struct ppp_callbacks e_cb;
static void *e_arg;
static int e_started, e_freed, e_stops, e_throttle = -1;
static struct ppp_config e_cfg;

struct ppp_engine { int dummy; };
static struct ppp_engine the_e;

static int
e_available(const char **why)
{
	return 1;
}

static struct ppp_engine *
e_start(const struct ppp_config *cfg, const struct ppp_callbacks *cb,
    void *arg, char **cause)
{
	e_cb = *cb;
	e_arg = arg;
	e_cfg = *cfg;
	e_started++;
	return &the_e;
}

static void
e_input(struct ppp_engine *e, const uint8_t *frame, size_t len)
{
}

static void
e_throttle_fn(struct ppp_engine *e, int on)
{
	e_throttle = on;
}

static void
e_stop(struct ppp_engine *e)
{
	e_stops++;
	e_cb.down_cb(e_arg, "LCP terminated by us");
}

static void
e_free(struct ppp_engine *e)
{
	if (e != NULL)
		e_freed++;
}

const struct ppp_engine_ops ppp_builtin_ops = {
	"builtin", e_available, e_start, e_input, e_throttle_fn, e_stop, e_free
};

/* pppd, played the same way; not available unless a test says so. */
static int pppd_avail;

static int
e_pppd_available(const char **why)
{
	return pppd_avail;
}

const struct ppp_engine_ops ppp_pppd_ops = {
	"pppd", e_pppd_available, e_start, e_input, e_throttle_fn, e_stop,
	e_free
};
extern const char *tunnel_pppd_scripts_dir;

struct netif_routes { int n; };
static int routes_added, routes_freed, route_server, route_default;
static unsigned int route_metric;
static char route_last[80];

struct netif_routes *
netif_routes_new(void)
{
	return calloc(1, sizeof(struct netif_routes));
}

void
netif_routes_free(struct netif_routes *r)
{
	if (r != NULL) {
		routes_freed += r->n;
		free(r);
	}
}

int
netif_route_add_dev(struct netif_routes *r, int family, const void *dst,
    int plen, int ifindex, unsigned int metric, char **cause)
{
	char a[64];

	inet_ntop(family, dst, a, sizeof a);
	snprintf(route_last, sizeof route_last, "%s/%d", a, plen);
	if (plen == 0)
		route_default++;
	route_metric = metric;
	r->n++;
	routes_added++;
	return 0;
}

int
netif_route_add_server(struct netif_routes *r, int family, const void *server,
    char **cause)
{
	char a[64];

	inet_ntop(family, server, a, sizeof a);
	if (strcmp(a, "192.0.2.10") == 0)
		route_server++;
	r->n++;
	routes_added++;
	return 0;
}

int
netif_prefix_parse(const char *s, int *family, void *dst, int *plen)
{
	char buf[64], *slash;

	snprintf(buf, sizeof buf, "%s", s);
	if ((slash = strchr(buf, '/')) == NULL)
		return -EINVAL;
	*slash = '\0';
	*plen = atoi(slash + 1);
	*family = AF_INET;
	return inet_pton(AF_INET, buf, dst) == 1 ? 0 : -EINVAL;
}

static int dns_set, dns_cleared;

int
netif_dns_set(const char *ifname, struct in_addr dns1, struct in_addr dns2,
    char **cause)
{
	dns_set++;
	return 0;
}

void
netif_dns_clear(const char *ifname)
{
	dns_cleared++;
}

/* The placeholder TUN is a pipe: the test writes the "first packet". */
static int tun_pipe[2] = { -1, -1 };

int
netif_tun_open(const char *ifname, int *fdp, char **cause)
{
	if (pipe2(tun_pipe, O_NONBLOCK) == -1) {
		*cause = strdup("pipe failed");
		return -ENODEV;
	}
	*fdp = tun_pipe[0];
	return 0;
}

int
netif_index(const char *ifname)
{
	return 7;
}

int
netif_set_up(int ifindex, int up, char **cause)
{
	return 0;
}

static struct event_base *base;
static int changes;

static void
state_cb(void *arg, struct tunnel *t)
{
	changes++;
}

/* Run what is due now (deferred teardowns), without waiting. */
static void
run_now(void)
{
	int i;

	for (i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Run the loop for about ms milliseconds. */
static void
run_for(unsigned int ms)
{
	unsigned long long end = timer_now_ms() + ms;

	while (timer_now_ms() < end) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(10000);
	}
}

static void
set(struct iface_config *c, const char *name, const char *value)
{
	char *out = NULL, *cause = NULL;
	int id = prop_find(name);

	if (id < 0 || prop_check(id, value, &out, &cause) != 0) {
		fprintf(stderr, "bad test property %s=%s: %s\n", name, value,
		    cause != NULL ? cause : "unknown");
		exit(1);
	}
	cfg_set(c, id, out);
	free(out);
}

/* A small file's text, or "" when it cannot be read. */
static void
slurp(const char *path, char *buf, size_t size)
{
	FILE *f;
	size_t len = 0;

	if ((f = fopen(path, "r")) != NULL) {
		len = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[len] = '\0';
}

static void
bring_up(void)
{
	struct ppp_link_info li;

	tr_cb.ready_cb(tr_arg);
	ss_cb.acked_cb(ss_arg);
	e_cb.auth_done_cb(e_arg, NULL);
	memset(&li, 0, sizeof li);
	snprintf(li.ifname, sizeof li.ifname, "t-out1");
	li.ifindex = 42;
	li.mtu = 1400;
	li.mru = 1400;
	inet_pton(AF_INET, "10.9.0.2", &li.local);
	inet_pton(AF_INET, "10.9.0.1", &li.remote);
	inet_pton(AF_INET, "10.9.0.53", &li.dns1);
	li.auth_method = "mschap2";
	e_cb.up_cb(e_arg, &li);
}

/* Setting name=value puts the tunnel in error, with reason starting so. */
static void
cert_error(struct tunnel *t, struct iface_config *c, const char *name,
    const char *value, const char *reason)
{
	struct tunnel_status st;
	int n = tr_new;

	set(c, name, value);
	tunnel_reconfigure(t, c);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "error");
	T_CHECK(strncmp(st.last_disconnect_reason, reason, strlen(reason)) ==
	    0);
	T_EQ_INT(tr_new, n);
}

/* Up and down once with ppp-scripts; what the scripts of dir wrote. */
static void
scripts_cycle(struct tunnel *t, const struct iface_config *c, const char *dir,
    char *up, char *down, size_t size)
{
	char path[512];

	snprintf(path, sizeof path, "rm -f %s/up.out %s/down.out", dir, dir);
	T_EQ_INT(system(path), 0);
	tunnel_reconfigure(t, c);
	bring_up();
	run_for(400);
	snprintf(path, sizeof path, "%s/up.out", dir);
	slurp(path, up, size);
	tr_cb.error_cb(tr_arg, "gone");
	run_for(400);
	snprintf(path, sizeof path, "%s/down.out", dir);
	slurp(path, down, size);
}

int
main(void)
{
	struct iface_config c;
	struct tunnel *t;
	struct tunnel_status st;
	/* Headroom, then FF 03, protocol 0x0021, 20 bytes of "IP". */
	uint8_t ip[PPP_HEADROOM + 24], lcp[PPP_HEADROOM + 8];
	int n;

	base = event_base_new();
	timer_set_base(base);
	memset(ip, 0, sizeof ip);
	memcpy(ip + PPP_HEADROOM, "\xff\x03\x00\x21", 4);
	memset(lcp, 0, sizeof lcp);
	memcpy(lcp + PPP_HEADROOM, "\xff\x03\xc0\x21\x09\x01\x00\x04", 8);

	/* Disabled: nothing is started. */
	memset(&c, 0, sizeof c);
	set(&c, "name", "t-out1");
	set(&c, "connect-to", "vpn.test:8443");
	set(&c, "user", "alice");
	set(&c, "password", "pw");
	set(&c, "add-default-route", "yes");
	set(&c, "default-route-distance", "5");
	set(&c, "routes", "10.20.0.0/16,10.30.0.0/24");
	set(&c, "use-peer-dns", "yes");
	set(&c, "ppp-engine", "builtin");
	t = tunnel_new(base, &c, state_cb, NULL);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "disabled");
	T_EQ_INT(tr_new, 0);

	/* Enabled: transport (host and port split), session, engine. */
	set(&c, "disabled", "no");
	tunnel_reconfigure(t, &c);
	T_EQ_INT(tr_new, 1);
	T_EQ_STR(tr_host, "vpn.test");
	T_EQ_INT(tr_port, 8443);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "connecting");
	T_CHECK(changes > 0);

	tr_cb.ready_cb(tr_arg);
	T_EQ_INT(ss_new, 1);
	T_EQ_INT(ss_hello_ms, 60000);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "negotiating");
	ss_cb.acked_cb(ss_arg);
	T_EQ_INT(e_started, 1);
	T_EQ_STR(e_cfg.ifname, "t-out1");
	T_EQ_STR(e_cfg.user, "alice");
	T_EQ_INT(e_cfg.auth_mask, PPP_AUTH_PAP | PPP_AUTH_CHAP |
	    PPP_AUTH_MSCHAP1 | PPP_AUTH_MSCHAP2);
	T_EQ_INT(e_cfg.echo_interval, 60);
	T_EQ_INT(e_cfg.use_peer_dns, 1);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "authenticating");
	/* Call Connected goes out when authentication is done. */
	e_cb.auth_done_cb(e_arg, NULL);
	T_EQ_INT(ss_auth_done, 1);

	{
		struct ppp_link_info li;

		memset(&li, 0, sizeof li);
		snprintf(li.ifname, sizeof li.ifname, "t-out1");
		li.ifindex = 42;
		li.mtu = 1400;
		li.mru = 1450;
		inet_pton(AF_INET, "10.9.0.2", &li.local);
		inet_pton(AF_INET, "10.9.0.1", &li.remote);
		inet_pton(AF_INET, "10.9.0.53", &li.dns1);
		li.auth_method = "mschap2";
		e_cb.up_cb(e_arg, &li);
	}
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "connected");
	T_EQ_INT(st.mtu, 1400);
	T_EQ_INT(st.mru, 1450);
	T_EQ_STR(st.local_address, "10.9.0.2");
	T_EQ_STR(st.remote_address, "10.9.0.1");
	T_EQ_STR(st.caller_id, "192.0.2.10:8443");
	T_EQ_STR(st.encoding, "TLSv1.3 AES-256-GCM, binding sha256");
	T_EQ_STR(st.ppp_engine, "builtin");
	/* Server route first, then the default route and two prefixes. */
	T_EQ_INT(route_server, 1);
	T_EQ_INT(route_default, 1);
	T_EQ_INT(routes_added, 4);
	T_EQ_INT(route_metric, 5);
	T_EQ_STR(route_last, "10.30.0.0/24");
	T_EQ_INT(dns_set, 1);

	/* Counters: IP frames both ways, not LCP; idle time resets. */
	run_for(300);
	tunnel_status(t, &st);
	T_CHECK(st.uptime_ms >= 250);
	T_CHECK(st.idle_ms >= 250);
	ss_cb.data_cb(ss_arg, ip + PPP_HEADROOM, 24);
	ss_cb.data_cb(ss_arg, lcp + PPP_HEADROOM, 8);
	n = tr_corks;
	e_cb.output_cb(e_arg, ip + PPP_HEADROOM, 24);
	e_cb.output_cb(e_arg, lcp + PPP_HEADROOM, 8);
	T_EQ_INT(ss_sent, 2);
	/* One wake-up's frames are held and go out together after it. */
	T_EQ_INT(tr_corks, n + 1);
	T_EQ_INT(tr_corked, 1);
	n = tr_uncorks;
	run_now();
	T_EQ_INT(tr_corked, 0);
	T_EQ_INT(tr_uncorks, n + 1);
	tunnel_status(t, &st);
	T_EQ_INT(st.rx_packets, 1);
	T_EQ_INT(st.rx_bytes, 20);
	T_EQ_INT(st.tx_packets, 1);
	T_EQ_INT(st.tx_bytes, 20);
	T_CHECK(st.idle_ms < 100);

	/* Back-pressure: a full transport throttles the engine until drained. */
	tr_write_ret = 1;
	e_cb.output_cb(e_arg, ip + PPP_HEADROOM, 24);
	T_EQ_INT(e_throttle, 1);
	tr_write_ret = 0;
	tr_cb.drain_cb(tr_arg);
	T_EQ_INT(e_throttle, 0);

	/* The server goes away: torn down after the callback, retry in 1 s. */
	tr_cb.error_cb(tr_arg, "server closed the connection");
	T_EQ_INT(e_freed, 0);		/* not inside the callback */
	run_now();
	T_EQ_INT(e_freed, 1);
	T_EQ_INT(ss_freed, 1);
	T_EQ_INT(tr_freed, 1);
	T_EQ_INT(routes_freed, 4);
	T_EQ_INT(dns_cleared, 1);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "waiting");
	T_EQ_INT(st.link_downs, 1);
	T_CHECK(st.last_link_down != 0);
	T_EQ_STR(st.last_disconnect_reason, "server closed the connection");
	T_EQ_INT(st.uptime_ms, 0);
	T_EQ_INT(st.rx_packets, 1);	/* counters survive */
	run_for(700);
	T_EQ_INT(tr_new, 1);
	run_for(500);
	T_EQ_INT(tr_new, 2);

	/*
	 * A second failure before coming up: 2 s this time.  The session was
	 * aborting (a Nak loop) when the server closed the connection: the
	 * session's reason is the one the user sees.
	 */
	tr_cb.ready_cb(tr_arg);
	ss_cb.acked_cb(ss_arg);
	ss_reason = "server refused the call 4 times; aborted with status 6 "
	    "(retry count exceeded)";
	tr_cb.error_cb(tr_arg, "server closed the connection");
	ss_reason = "";
	run_for(1500);
	T_EQ_INT(tr_new, 2);
	run_for(700);
	T_EQ_INT(tr_new, 3);
	tunnel_status(t, &st);
	T_EQ_INT(st.link_downs, 1);
	T_CHECK(strncmp(st.last_disconnect_reason, "server refused the call",
	    23) == 0);

	/* Authentication failure: a clear status, no fast retry. */
	tr_cb.ready_cb(tr_arg);
	ss_cb.acked_cb(ss_arg);
	e_cb.down_cb(e_arg, "authentication failed: E=691 R=0 (bad user name "
	    "or password)");
	run_now();
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "authentication failed");
	T_CHECK(strstr(st.last_disconnect_reason, "E=691") != NULL);
	run_for(2500);
	T_EQ_INT(tr_new, 3);

	/* A change while waiting starts again at once. */
	set(&c, "keepalive-timeout", "disabled");
	tunnel_reconfigure(t, &c);
	T_EQ_INT(tr_new, 4);
	bring_up();
	T_EQ_INT(ss_hello_ms, 0);
	T_EQ_INT(e_cfg.echo_interval, 0);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "connected");

	/* A comment does not reconnect; another property does, at once. */
	set(&c, "comment", "branch office");
	tunnel_reconfigure(t, &c);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "connected");
	n = e_stops;
	set(&c, "max-mtu", "1400");
	tunnel_reconfigure(t, &c);
	T_EQ_INT(e_stops, n + 1);	/* LCP Terminate */
	run_now();
	T_EQ_INT(tr_new, 5);
	tunnel_status(t, &st);
	T_EQ_STR(st.last_disconnect_reason, "configuration changed");

	/* Disable: LCP Terminate, then Call Disconnect, then disabled. */
	bring_up();
	T_EQ_INT(e_cfg.max_mtu, 1400);
	n = ss_disconnects;
	set(&c, "disabled", "yes");
	tunnel_reconfigure(t, &c);
	T_EQ_INT(ss_disconnects, n + 1);
	run_now();
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "disabled");
	T_EQ_STR(st.last_disconnect_reason, "disabled");
	T_EQ_INT(e_freed, ss_freed);
	run_for(1200);
	T_EQ_INT(tr_new, 5);

	/* A TLS setting the transport refuses: error, no retry. */
	set(&c, "disabled", "no");
	set(&c, "tls-version", "only-1.3");
	set(&c, "ciphers", "aes256-sha");
	tunnel_reconfigure(t, &c);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "error");
	T_CHECK(strstr(st.last_disconnect_reason, "TLS 1.2") != NULL);
	T_EQ_INT(tr_new, 5);

	/*
	 * A certificate file that is missing or no certificate: a
	 * configuration error named after the property, not retried.
	 */
	{
		char junk[64];
		FILE *f;

		set(&c, "tls-version", "any");
		n = tr_new;
		cert_error(t, &c, "ca-certificate", "/nonexistent/ca.pem",
		    "ca-certificate /nonexistent/ca.pem: No such file or "
		    "directory");
		run_for(1200);
		T_EQ_INT(tr_new, n);
		tunnel_status(t, &st);
		T_EQ_STR(st.status, "error");

		snprintf(junk, sizeof junk, "/tmp/test-tunnel-junk.%d",
		    (int)getpid());
		f = fopen(junk, "w");
		fputs("not a certificate\n", f);
		fclose(f);
		cert_error(t, &c, "ca-certificate", junk, "ca-certificate /tmp/");
		set(&c, "ca-certificate", "none");
		set(&c, "certificate", junk);
		cert_error(t, &c, "certificate-key", "/nonexistent/key.pem",
		    "certificate-key /nonexistent/key.pem: No such file or "
		    "directory");
		cert_error(t, &c, "certificate-key", junk, "certificate /tmp/");
		T_EQ_INT(tr_new, n);
		unlink(junk);
		/* Repaired here, applied by the next reconfigure ('set'). */
		set(&c, "certificate", "none");
		set(&c, "certificate-key", "none");
	}

	/* ppp-scripts: ip-up.d at up, ip-down.d at down, pppd's variables. */
	{
		char dir[128], path[512], up[256], down[256];
		FILE *f;

		snprintf(dir, sizeof dir, "/tmp/test-tunnel.%d", (int)getpid());
		mkdir(dir, 0700);
		for (n = 0; n < 2; n++) {
			snprintf(path, sizeof path, "%s/%s", dir,
			    n == 0 ? "ip-up.d" : "ip-down.d");
			mkdir(path, 0700);
			snprintf(path, sizeof path, "%s/%s/10-rec", dir,
			    n == 0 ? "ip-up.d" : "ip-down.d");
			f = fopen(path, "w");
			fprintf(f, "#!/bin/sh\necho \"$1 $IFNAME $IPLOCAL "
			    "$IPREMOTE $LINKNAME $PEERNAME\" "
			    ">%s/%s.out\n", dir, n == 0 ? "up" : "down");
			fclose(f);
			chmod(path, 0755);
		}
		set(&c, "tls-version", "any");
		set(&c, "ppp-scripts", "yes");
		set(&c, "ppp-scripts-dir", dir);
		scripts_cycle(t, &c, dir, up, down, sizeof up);
		T_EQ_STR(up, "t-out1 t-out1 10.9.0.2 10.9.0.1 t-out1 alice\n");
		T_EQ_STR(down, "t-out1 t-out1 10.9.0.2 10.9.0.1 t-out1 alice\n");

		/*
		 * The pppd engine runs pppd's own directory itself (here the
		 * test's): sstpcd leaves it alone.  Any other it runs.
		 */
		pppd_avail = 1;
		tunnel_pppd_scripts_dir = dir;
		set(&c, "ppp-engine", "pppd");
		snprintf(path, sizeof path, "%s/", dir);
		set(&c, "ppp-scripts-dir", path);
		scripts_cycle(t, &c, dir, up, down, sizeof up);
		tunnel_status(t, &st);
		T_EQ_STR(st.ppp_engine, "pppd");
		T_EQ_STR(up, "");
		T_EQ_STR(down, "");
		tunnel_pppd_scripts_dir = "/nonexistent/ppp";
		set(&c, "ppp-scripts-dir", dir);
		scripts_cycle(t, &c, dir, up, down, sizeof up);
		T_EQ_STR(up, "t-out1 t-out1 10.9.0.2 10.9.0.1 t-out1 alice\n");
		T_EQ_STR(down, "t-out1 t-out1 10.9.0.2 10.9.0.1 t-out1 alice\n");
		set(&c, "ppp-engine", "builtin");
		pppd_avail = 0;

		snprintf(path, sizeof path, "rm -rf %s", dir);
		T_EQ_INT(system(path), 0);
		set(&c, "ppp-scripts", "no");
		tunnel_reconfigure(t, &c);
		run_for(1200);
	}

	/* Daemon exit: orderly, quiet afterwards, never again. */
	set(&c, "tls-version", "any");
	tunnel_reconfigure(t, &c);
	bring_up();
	T_EQ_INT(tunnel_quiet(t), 0);
	n = ss_disconnects;
	tunnel_shutdown(t);
	T_EQ_INT(ss_disconnects, n + 1);
	run_now();
	T_EQ_INT(tunnel_quiet(t), 1);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "disabled");
	T_EQ_STR(st.last_disconnect_reason, "sstpcd is shutting down");
	n = tr_new;
	tunnel_reconfigure(t, &c);
	run_for(1200);
	T_EQ_INT(tr_new, n);
	tunnel_free(t);

	/* Dial on demand: a placeholder with the routes until traffic. */
	set(&c, "dial-on-demand", "yes");
	n = tr_new;
	t = tunnel_new(base, &c, state_cb, NULL);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "dial-on-demand");
	T_EQ_INT(tr_new, n);
	T_EQ_INT(tunnel_quiet(t), 0);
	{
		int added = routes_added, freed = routes_freed;

		uint8_t pkt[40];

		/* An IPv6 router solicitation (to ff02::2) does not dial. */
		memset(pkt, 0, sizeof pkt);
		pkt[0] = 0x60;
		pkt[24] = 0xff;
		pkt[25] = 0x02;
		T_CHECK(write(tun_pipe[1], pkt, 40) == 40);
		run_now();
		T_EQ_INT(tr_new, n);
		/* An IPv4 packet to 10.20.1.1 does. */
		memset(pkt, 0, sizeof pkt);
		pkt[0] = 0x45;
		pkt[16] = 10;
		pkt[17] = 20;
		pkt[19] = 1;
		T_CHECK(write(tun_pipe[1], pkt, 20) == 20);
		run_now();
		T_EQ_INT(tr_new, n + 1);
		T_EQ_INT(routes_freed, freed + 3);	/* default + 2 prefixes */
		T_EQ_INT(routes_added, added);
		close(tun_pipe[1]);
	}
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "connecting");
	/* A drop waits out the backoff, then waits for traffic again. */
	tr_cb.error_cb(tr_arg, "refused");
	run_now();
	run_for(1300);
	tunnel_status(t, &st);
	T_EQ_STR(st.status, "dial-on-demand");
	T_EQ_INT(tr_new, n + 1);
	tunnel_free(t);
	close(tun_pipe[1]);
	set(&c, "dial-on-demand", "no");

	/* Free while up: everything released at once. */
	t = tunnel_new(base, &c, state_cb, NULL);
	bring_up();
	n = routes_freed;
	tunnel_free(t);
	T_EQ_INT(routes_freed, n + 4);
	T_EQ_INT(e_freed, e_started);
	T_EQ_INT(tr_freed, tr_new);
	tunnel_free(NULL);

	cfg_clear(&c);
	event_base_free(base);
	T_DONE();
}

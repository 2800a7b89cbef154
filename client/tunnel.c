/* tunnel.c - one SSTP client interface at run time: transport, SSTP call, PPP engine, routes. */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "netif.h"
#include "ppp.h"
#include "scripts.h"
#include "sstp_session.h"
#include "timer.h"
#include "transport.h"
#include "tunnel.h"

#define TUNNEL_BACKOFF_MIN	1000	/* first retry after a failure, ms */
#define TUNNEL_BACKOFF_MAX	60000	/* retries slow down to once a minute */
#define TUNNEL_BACKOFF_AUTH	10000	/* first retry after an auth failure */
#define TUNNEL_STABLE_MS	60000	/* up this long: the backoff starts over */
#define TUNNEL_STOP_MS		3000	/* orderly disconnect before we cut */
#define TUNNEL_ECHO_FAILURE	2	/* lost LCP echoes before the link is dead */
#define TUNNEL_SCRIPT_MS	30000	/* an ip-up/ip-down script may run this long */

#define PPP_PROTO_IP		0x0021	/* RFC 1332 */
#define PPP_PROTO_IPV6		0x0057	/* RFC 5072 */

struct tunnel {
	struct event_base	*base;
	struct iface_config	 cfg;		/* the latest configuration */
	struct iface_config	 run;		/* the one this attempt uses */
	void			(*state_cb)(void *, struct tunnel *);
	void			*arg;

	enum tunnel_state	 state;
	const char		*status;	/* word shown by monitor */

	/* One attempt. */
	struct transport	*tr;
	struct sstp_session	*ss;
	const struct ppp_engine_ops *ops;
	struct ppp_engine	*eng;
	struct netif_routes	*routes;
	int			 dns_set;
	struct scripts_run	*up_scripts;	/* ip-up.d still running */
	int			 up;
	int			 throttled;
	int			 corked;	/* transport held until uncork_ev */
	struct event		*uncork_ev;
	struct ppp_link_info	 link;
	char			 ifname[32];
	char			 encoding[96];
	char			 caller_id[64];
	char			 tcp_peer[64];	/* needs the host route */
	char			 host[256];	/* connect-to without :port */
	char			 proxy[256];

	/* Ending an attempt: deferred out of the callbacks that report it. */
	struct timer		 down_timer;
	int			 failing;
	int			 releasing;	/* freeing layers: ignore them */
	int			 auth_failed;
	int			 config_error;
	char			 reason[256];
	struct timer		 stop_timer;	/* orderly disconnect guard */
	int			 restart_now;	/* reconfigured: go again at once */
	int			 shutting_down;	/* daemon exit: never again */

	/* Reconnecting. */
	struct timer		 retry_timer;
	unsigned int		 backoff_ms;
	unsigned long long	 retry_at_ms;

	/* Dial on demand: a placeholder TUN and its routes. */
	int			 dod_fd;
	struct event		*dod_ev;
	struct netif_routes	*dod_routes;

	/* Counters and times (monitor). */
	unsigned long long	 connected_ms;
	time_t			 connected_since;
	unsigned long long	 last_traffic_ms;
	unsigned long long	 rx_bytes, tx_bytes, rx_packets, tx_packets;
	unsigned long long	 rx_bytes_up, tx_bytes_up;	/* at link up */
	time_t			 last_link_down;
	char			 last_reason[256];
	unsigned int		 link_downs;
	char			 route_error[192];	/* last route refused while up */
};

static void	tunnel_connect(struct tunnel *t);
static void	tunnel_idle(struct tunnel *t);

const char *
tunnel_state_name(enum tunnel_state s)
{
	switch (s) {
	case TUN_DISABLED:
		return "disabled";
	case TUN_WAITING:
		return "waiting";
	case TUN_DIALING:
		return "dial-on-demand";
	case TUN_CONNECTING:
		return "connecting";
	case TUN_NEGOTIATING:
		return "negotiating";
	case TUN_CONNECTED:
		return "connected";
	case TUN_DISCONNECTING:
		return "disconnecting";
	case TUN_ERROR:
		return "error";
	}
	return "unknown";
}

static const char *
tunnel_name(const struct tunnel *t)
{
	return cfg_get(&t->cfg, P_NAME);
}

static void
tunnel_set_state(struct tunnel *t, enum tunnel_state state, const char *status)
{
	int changed;

	if (status == NULL)
		status = tunnel_state_name(state);
	changed = t->state != state || strcmp(t->status, status) != 0;
	t->state = state;
	t->status = status;
	if (changed) {
		log_info("%s: state=%s", tunnel_name(t), t->status);
		if (t->state_cb != NULL)
			t->state_cb(t->arg, t);
	}
}

/*
 * Something ended this attempt.  The first reason wins; the teardown runs
 * from the event loop, never inside the callback of the layer being freed.
 */
static void
tunnel_fail(struct tunnel *t, const char *reason)
{
	if (t->failing || t->releasing)
		return;
	t->failing = 1;
	/* Our own stop keeps its reason ("disabled"), whatever ends it. */
	if (t->state != TUN_DISCONNECTING || t->reason[0] == '\0')
		snprintf(t->reason, sizeof t->reason, "%s", reason);
	timer_start(&t->down_timer, 0);
}

/* "host", "host:port", "[v6]:port" or a bare IPv6 literal. */
static void
tunnel_split_host(const char *in, char *host, size_t hostsz,
    unsigned int *port)
{
	const char *colon, *end;
	long p;

	if (in[0] == '[' && (end = strchr(in, ']')) != NULL) {
		snprintf(host, hostsz, "%.*s", (int)(end - in - 1), in + 1);
		if (end[1] == ':' && (p = strtol(end + 2, NULL, 10)) > 0 &&
		    p < 65536)
			*port = (unsigned int)p;
		return;
	}
	colon = strchr(in, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		snprintf(host, hostsz, "%.*s", (int)(colon - in), in);
		if ((p = strtol(colon + 1, NULL, 10)) > 0 && p < 65536)
			*port = (unsigned int)p;
		return;
	}
	snprintf(host, hostsz, "%s", in);
}

static const char *
tunnel_path(const struct iface_config *c, int id)
{
	const char *v = cfg_get(c, id);

	return *v == '\0' || strcmp(v, "none") == 0 ? NULL : v;
}

static const char *
tunnel_str(const struct iface_config *c, int id)
{
	const char *v = cfg_get(c, id);

	return *v == '\0' ? NULL : v;
}

/* fe80::IID as text. */
static void
tunnel_ll6(const uint8_t iid[8], char *buf, size_t len)
{
	struct in6_addr a6;

	memset(&a6, 0, sizeof a6);
	a6.s6_addr[0] = 0xfe;
	a6.s6_addr[1] = 0x80;
	memcpy(&a6.s6_addr[8], iid, 8);
	if (inet_ntop(AF_INET6, &a6, buf, (socklen_t)len) == NULL)
		buf[0] = '\0';
}

/* Counters: IP and IPv6 frames only, after the optional FF 03 and PFC. */
static int
tunnel_frame_is_ip(const uint8_t *f, size_t len, size_t *hdr)
{
	size_t off = 0;
	unsigned int proto;

	if (len >= 2 && f[0] == 0xff && f[1] == 0x03)
		off = 2;
	if (off >= len)
		return 0;
	if (f[off] & 1) {
		proto = f[off];		/* RFC 1661 6.5: compressed */
		off += 1;
	} else {
		if (off + 2 > len)
			return 0;
		proto = (unsigned int)f[off] << 8 | f[off + 1];
		off += 2;
	}
	*hdr = off;
	return proto == PPP_PROTO_IP || proto == PPP_PROTO_IPV6;
}

/*
 * Batching: the frames an engine hands over in one wake-up (the built-in
 * engine reads up to 64 packets from the TUN per wake-up) are held in the
 * transport and sent together, several SSTP packets per TLS record, once
 * the wake-up is over.
 */
static void
tunnel_uncork_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel *t = arg;

	t->corked = 0;
	if (t->tr != NULL)
		transport_uncork(t->tr);
}

/* PPP engine callbacks. */

static void
tunnel_ppp_output_cb(void *arg, uint8_t *frame, size_t len)
{
	struct tunnel *t = arg;
	size_t hdr;

	if (t->ss == NULL || t->failing)
		return;
	if (!t->corked && t->tr != NULL) {
		t->corked = 1;
		transport_cork(t->tr);
		event_active(t->uncork_ev, EV_TIMEOUT, 1);
	}
	if (tunnel_frame_is_ip(frame, len, &hdr)) {
		t->tx_packets++;
		t->tx_bytes += len - hdr;
		t->last_traffic_ms = timer_now_ms();
	}
	if (sstp_session_send_data(t->ss, frame, len) != 0)
		log_debug("%s: frame of %zu bytes too long, dropped",
		    tunnel_name(t), len);
}

static void
tunnel_ppp_auth_done_cb(void *arg, const uint8_t *hlak)
{
	struct tunnel *t = arg;

	if (t->ss == NULL || t->failing)
		return;
	/* Call Connected (with the binding) before any network traffic. */
	sstp_session_auth_done(t->ss, hlak);
	tunnel_set_state(t, TUN_NEGOTIATING, "negotiating");
}

/*
 * Add the default route and the routes= prefixes of 'family' (AF_UNSPEC:
 * all).  IPv6 prefixes wait for IPv6CP: until it opens the device has
 * IPv6 off and the kernel refuses them.
 */
static void
tunnel_routes_add(struct tunnel *t, struct netif_routes *r, int ifindex,
    int only)
{
	unsigned int metric = (unsigned int)cfg_int(&t->run,
	    P_DEFAULT_ROUTE_DISTANCE);
	const char *list = cfg_get(&t->run, P_ROUTES);
	char *copy, *word, *save, *cause = NULL;
	unsigned char dst[16];
	int family, plen;

	if (only != AF_INET6 && cfg_bool(&t->run, P_ADD_DEFAULT_ROUTE)) {
		memset(dst, 0, sizeof dst);
		if (netif_route_add_dev(r, AF_INET, dst, 0, ifindex, metric,
		    &cause) != 0) {
			log_warn("%s: default route: %s", tunnel_name(t),
			    cause != NULL ? cause : "failed");
			snprintf(t->route_error, sizeof t->route_error,
			    "default route: %s", cause != NULL ? cause : "failed");
			free(cause);
			cause = NULL;
		}
	}
	if (*list == '\0' || (copy = strdup(list)) == NULL)
		return;
	for (word = strtok_r(copy, ",", &save); word != NULL;
	    word = strtok_r(NULL, ",", &save)) {
		if (netif_prefix_parse(word, &family, dst, &plen) != 0 ||
		    (only != AF_UNSPEC && family != only))
			continue;
		if (netif_route_add_dev(r, family, dst, plen, ifindex, metric,
		    &cause) != 0) {
			log_warn("%s: route %s: %s", tunnel_name(t), word,
			    cause != NULL ? cause : "failed");
			snprintf(t->route_error, sizeof t->route_error,
			    "route %s: %s", word, cause != NULL ? cause : "failed");
			free(cause);
			cause = NULL;
		}
	}
	free(copy);
}

/* The server's address from "addr:port" / "[v6]:port" of the transport. */
static int
tunnel_server_addr(const char *peer, int *family, unsigned char *addr)
{
	char host[64];
	unsigned int port = 0;

	tunnel_split_host(peer, host, sizeof host, &port);
	if (inet_pton(AF_INET, host, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, host, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static void
tunnel_scripts_up_done(void *arg, int failures)
{
	struct tunnel *t = arg;

	t->up_scripts = NULL;
	if (failures > 0)
		log_warn("%s: %d ip-up script(s) failed", tunnel_name(t),
		    failures);
}

static void
tunnel_scripts_down_done(void *arg, int failures)
{
	char *name = arg;

	if (failures > 0)
		log_warn("%s: %d ip-down script(s) failed", name, failures);
	free(name);
}

/*
 * pppd's own directory: pppd runs ip-up and ip-down there itself, and
 * Debian's /etc/ppp/ip-up runs ip-up.d (run-parts).  A variable so that the
 * unit test can point it elsewhere.
 */
const char *tunnel_pppd_scripts_dir = "/etc/ppp";

/* Are a and b the same directory (by name, trailing slashes aside, or inode)? */
static int
tunnel_same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	if (la == lb && strncmp(a, b, la) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * ppp-scripts=yes: the scripts of ip-up.d / ip-down.d under ppp-scripts-dir,
 * with pppd's environment.  Down scripts outlive the tunnel; up scripts
 * still running at teardown are cancelled.
 *
 * With the pppd engine and ppp-scripts-dir being pppd's own /etc/ppp, pppd
 * runs /etc/ppp/ip-up (and with it ip-up.d) itself, as its users expect:
 * sstpcd running them too would run every script twice, so it does not.
 * Another ppp-scripts-dir is sstpcd's alone and runs with either engine.
 */
static void
tunnel_scripts(struct tunnel *t, int up)
{
	struct scripts_env env;
	char dir[4096], l6[64] = "", r6[64] = "";
	const char *base;
	char *name;

	if (!cfg_bool(&t->run, P_PPP_SCRIPTS) ||
	    (base = tunnel_path(&t->run, P_PPP_SCRIPTS_DIR)) == NULL)
		return;
	if (strcmp(t->ops->name, "pppd") == 0 &&
	    tunnel_same_dir(base, tunnel_pppd_scripts_dir)) {
		log_debug("%s: ppp-scripts: pppd runs %s/%s itself",
		    tunnel_name(t), base, up ? "ip-up" : "ip-down");
		return;
	}
	snprintf(dir, sizeof dir, "%s/%s", base, up ? "ip-up.d" : "ip-down.d");
	memset(&env, 0, sizeof env);
	env.ifname = t->link.ifname;
	env.device = strcmp(t->ops->name, "builtin") == 0 ? "/dev/net/tun" :
	    NULL;
	env.local = t->link.local;
	env.remote = t->link.remote;
	env.dns1 = t->link.dns1;
	env.dns2 = t->link.dns2;
	env.use_peer_dns = cfg_bool(&t->run, P_USE_PEER_DNS);
	env.peername = cfg_get(&t->run, P_USER);
	env.linkname = cfg_get(&t->run, P_NAME);
	env.ipparam = env.linkname;
	env.server = cfg_get(&t->run, P_CONNECT_TO);
	if (t->link.have_ipv6) {
		tunnel_ll6(t->link.local_iid, l6, sizeof l6);
		tunnel_ll6(t->link.remote_iid, r6, sizeof r6);
		env.local6 = l6;
		env.remote6 = r6;
	}
	if (up) {
		t->up_scripts = scripts_run(dir, &env, TUNNEL_SCRIPT_MS,
		    tunnel_scripts_up_done, t);
		return;
	}
	env.connect_time = (timer_now_ms() - t->connected_ms) / 1000;
	env.bytes_sent = t->tx_bytes - t->tx_bytes_up;
	env.bytes_rcvd = t->rx_bytes - t->rx_bytes_up;
	if ((name = strdup(env.linkname)) == NULL)
		return;
	if (scripts_run(dir, &env, TUNNEL_SCRIPT_MS, tunnel_scripts_down_done,
	    name) == NULL)
		free(name);
}

static void
tunnel_ppp_up_cb(void *arg, const struct ppp_link_info *info)
{
	struct tunnel *t = arg;
	char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN], *cause = NULL;
	unsigned char server[16];
	int family, ret;

	if (t->failing)
		return;
	if (t->up) {
		/* Again (an NCP renegotiated): new facts, same routes. */
		if (!t->link.have_ipv6 && info->have_ipv6 &&
		    strcmp(t->ops->name, "builtin") == 0 && t->routes != NULL)
			tunnel_routes_add(t, t->routes, info->ifindex,
			    AF_INET6);
		t->link = *info;
		return;
	}
	t->link = *info;
	t->up = 1;
	snprintf(t->ifname, sizeof t->ifname, "%s", info->ifname);

	t->routes = netif_routes_new();
	/*
	 * Before any default route: the server, or the proxy the TCP
	 * connection really goes to, stays on the old path.
	 */
	if (tunnel_server_addr(t->tcp_peer, &family, server) == 0 &&
	    netif_route_add_server(t->routes, family, server, &cause) != 0) {
		log_warn("%s: route to the server: %s", tunnel_name(t),
		    cause != NULL ? cause : "failed");
		free(cause);
		cause = NULL;
	}
	/*
	 * The built-in engine keeps IPv6 off on its device until IPv6CP
	 * opens and then reports up again; pppd's device takes IPv6 routes
	 * at once and pppd reports up only once.
	 */
	tunnel_routes_add(t, t->routes, info->ifindex,
	    info->have_ipv6 || strcmp(t->ops->name, "builtin") != 0 ?
	    AF_UNSPEC : AF_INET);

	if (cfg_bool(&t->run, P_USE_PEER_DNS) && info->dns1.s_addr != 0) {
		ret = netif_dns_set(info->ifname, info->dns1, info->dns2, &cause);
		if (ret == 0)
			t->dns_set = 1;
		else
			log_warn("%s: peer DNS not applied: %s", tunnel_name(t),
			    cause != NULL ? cause : "failed");
		free(cause);
		cause = NULL;
	}

	t->connected_ms = timer_now_ms();
	t->connected_since = time(NULL);
	t->last_traffic_ms = t->connected_ms;
	t->rx_bytes_up = t->rx_bytes;
	t->tx_bytes_up = t->tx_bytes;
	tunnel_scripts(t, 1);
	inet_ntop(AF_INET, &info->local, local, sizeof local);
	inet_ntop(AF_INET, &info->remote, remote, sizeof remote);
	log_info("%s: up ifname=%s local=%s remote=%s mtu=%u mru=%u auth=%s "
	    "engine=%s", tunnel_name(t), info->ifname, local, remote,
	    info->mtu, info->mru, info->auth_method != NULL ?
	    info->auth_method : "none", t->ops->name);
	tunnel_set_state(t, TUN_CONNECTED, NULL);
}

static void
tunnel_ppp_down_cb(void *arg, const char *reason)
{
	struct tunnel *t = arg;

	if (strncmp(reason, "authentication failed", 21) == 0)
		t->auth_failed = 1;
	if (t->state == TUN_DISCONNECTING && t->ss != NULL && !t->failing) {
		/* Our own stop: PPP is done, now the SSTP call. */
		sstp_session_disconnect(t->ss);
		return;
	}
	if (t->ss != NULL && !t->failing &&
	    (sstp_session_state(t->ss) == SSTP_S_ACKED ||
	    sstp_session_state(t->ss) == SSTP_S_CONNECTED)) {
		/*
		 * The server (or PPP itself) ended the link while the call
		 * stands: end the call in order too, with Call Disconnect
		 * (MS-SSTP 3.2.5.2), and keep PPP's reason for the status.
		 */
		tunnel_set_state(t, TUN_DISCONNECTING, NULL);
		snprintf(t->reason, sizeof t->reason, "%s", reason);
		timer_start(&t->stop_timer, TUNNEL_STOP_MS);
		sstp_session_disconnect(t->ss);
		return;
	}
	tunnel_fail(t, reason);
}

/* SSTP session callbacks. */

static void
tunnel_sstp_write_cb(void *arg, const uint8_t *buf, size_t len)
{
	struct tunnel *t = arg;
	int ret;

	if (t->tr == NULL)
		return;
	ret = transport_write(t->tr, buf, len);
	if (ret == 1 && !t->throttled && t->eng != NULL) {
		t->throttled = 1;
		t->ops->throttle(t->eng, 1);
	} else if (ret == -ENOBUFS)
		log_debug("%s: transport full, %zu bytes dropped",
		    tunnel_name(t), len);
}

static void
tunnel_sstp_acked_cb(void *arg)
{
	struct tunnel *t = arg;
	struct ppp_config pc;
	char *cause = NULL;
	long ka;

	if (t->failing)
		return;
	memset(&pc, 0, sizeof pc);
	pc.ifname = cfg_get(&t->run, P_NAME);
	pc.user = cfg_get(&t->run, P_USER);
	pc.password = cfg_get(&t->run, P_PASSWORD);
	pc.auth_mask = (unsigned int)ppp_auth_parse(cfg_get(&t->run,
	    P_AUTHENTICATION));
	if ((int)pc.auth_mask == -1)
		pc.auth_mask = 0;
	pc.max_mtu = (unsigned int)cfg_int(&t->run, P_MAX_MTU);
	pc.max_mru = (unsigned int)cfg_int(&t->run, P_MAX_MRU);
	pc.mrru = (unsigned int)cfg_int(&t->run, P_MRRU);
	pc.ipv6 = cfg_bool(&t->run, P_IPV6);
	pc.use_peer_dns = cfg_bool(&t->run, P_USE_PEER_DNS);
	ka = cfg_int(&t->run, P_KEEPALIVE_TIMEOUT);
	pc.echo_interval = ka > 0 ? (unsigned int)ka : 0;
	pc.echo_failure = TUNNEL_ECHO_FAILURE;
	pc.pppd_path = "";
	pc.pppd_options = tunnel_str(&t->run, P_PPPD_OPTIONS);
	pc.ctl_dir = "/run/sstpcd";

	t->eng = t->ops->start(&pc, &(const struct ppp_callbacks){
		.output_cb = tunnel_ppp_output_cb,
		.auth_done_cb = tunnel_ppp_auth_done_cb,
		.up_cb = tunnel_ppp_up_cb,
		.down_cb = tunnel_ppp_down_cb,
	    }, t, &cause);
	if (t->eng == NULL) {
		char why[256];

		snprintf(why, sizeof why, "%s engine: %s", t->ops->name,
		    cause != NULL ? cause : "did not start");
		free(cause);
		tunnel_fail(t, why);
		return;
	}
	tunnel_set_state(t, TUN_NEGOTIATING, "authenticating");
}

static void
tunnel_sstp_data_cb(void *arg, const uint8_t *frame, size_t len)
{
	struct tunnel *t = arg;
	size_t hdr;

	if (t->eng == NULL || t->failing)
		return;
	if (tunnel_frame_is_ip(frame, len, &hdr)) {
		t->rx_packets++;
		t->rx_bytes += len - hdr;
		t->last_traffic_ms = timer_now_ms();
	}
	t->ops->input(t->eng, frame, len);
}

static void
tunnel_sstp_closed_cb(void *arg, const char *reason)
{
	struct tunnel *t = arg;

	tunnel_fail(t, reason);
}

/* Transport callbacks. */

static void
tunnel_tr_ready_cb(void *arg)
{
	struct tunnel *t = arg;
	struct sstp_session_config sc;
	long ka;

	if (t->failing)
		return;
	memset(&sc, 0, sizeof sc);
	ka = cfg_int(&t->run, P_KEEPALIVE_TIMEOUT);
	sc.hello_ms = ka > 0 ? (unsigned int)ka * 1000 : 0;
	sc.negotiation_ms = 60000;
	sc.name = cfg_get(&t->run, P_NAME);
	transport_cert_hashes(t->tr, sc.cert_sha1, sc.cert_sha256);
	snprintf(t->encoding, sizeof t->encoding, "%s",
	    transport_encoding(t->tr));
	snprintf(t->caller_id, sizeof t->caller_id, "%s",
	    transport_peer(t->tr));
	snprintf(t->tcp_peer, sizeof t->tcp_peer, "%s",
	    transport_tcp_peer(t->tr));
	t->ss = sstp_session_new(&sc, &(const struct sstp_session_callbacks){
		.write_cb = tunnel_sstp_write_cb,
		.acked_cb = tunnel_sstp_acked_cb,
		.data_cb = tunnel_sstp_data_cb,
		.closed_cb = tunnel_sstp_closed_cb,
	    }, t);
	tunnel_set_state(t, TUN_NEGOTIATING, "negotiating");
	sstp_session_start(t->ss);
}

static void
tunnel_tr_read_cb(void *arg, const uint8_t *buf, size_t len)
{
	struct tunnel *t = arg;

	if (t->ss != NULL && !t->failing)
		sstp_session_input(t->ss, buf, len);
}

static void
tunnel_tr_drain_cb(void *arg)
{
	struct tunnel *t = arg;

	if (t->throttled && t->eng != NULL) {
		t->throttled = 0;
		t->ops->throttle(t->eng, 0);
	}
}

static void
tunnel_tr_error_cb(void *arg, const char *cause)
{
	struct tunnel *t = arg;

	/*
	 * A session that is aborting or disconnecting knows why; the server
	 * closing the connection on our Call Abort is only its consequence.
	 */
	if (t->ss != NULL && *sstp_session_reason(t->ss) != '\0')
		cause = sstp_session_reason(t->ss);
	tunnel_fail(t, cause);
}

/* Free every layer of the attempt and undo what it changed on the host. */
static void
tunnel_release(struct tunnel *t)
{
	t->releasing = 1;
	timer_stop(&t->down_timer);
	timer_stop(&t->stop_timer);
	if (t->up_scripts != NULL)
		scripts_cancel(t->up_scripts);
	t->up_scripts = NULL;
	if (t->up)
		tunnel_scripts(t, 0);
	if (t->dns_set)
		netif_dns_clear(t->ifname);
	t->dns_set = 0;
	netif_routes_free(t->routes);
	t->routes = NULL;
	if (t->eng != NULL)
		t->ops->free(t->eng);
	t->eng = NULL;
	sstp_session_free(t->ss);
	t->ss = NULL;
	transport_free(t->tr);
	t->tr = NULL;
	event_del(t->uncork_ev);
	t->corked = 0;
	t->up = 0;
	t->throttled = 0;
	t->failing = 0;
	memset(&t->link, 0, sizeof t->link);
	t->ifname[0] = '\0';
	t->encoding[0] = '\0';
	t->connected_ms = 0;
	t->connected_since = 0;
	t->releasing = 0;
}

static void
tunnel_retry_cb(void *arg)
{
	struct tunnel *t = arg;

	if (t->state == TUN_WAITING)
		tunnel_idle(t);
}

/* The attempt is over (t->reason says why): clean up, then wait or stop. */
static void
tunnel_down_cb(void *arg)
{
	struct tunnel *t = arg;
	unsigned long long uptime = 0;
	int was_up = t->up;
	unsigned int wait;

	if (was_up)
		uptime = timer_now_ms() - t->connected_ms;
	tunnel_release(t);
	if (was_up) {
		t->link_downs++;
		t->last_link_down = time(NULL);
	}
	snprintf(t->last_reason, sizeof t->last_reason, "%s", t->reason);
	log_info("%s: down reason=\"%s\"%s", tunnel_name(t), t->reason,
	    was_up ? "" : " (never up)");

	if (cfg_bool(&t->cfg, P_DISABLED) || t->shutting_down) {
		tunnel_set_state(t, TUN_DISABLED, NULL);
		return;
	}
	if (t->config_error) {
		tunnel_set_state(t, TUN_ERROR, NULL);
		return;
	}
	if (t->restart_now) {
		t->restart_now = 0;
		t->backoff_ms = 0;
		tunnel_idle(t);
		return;
	}
	/* A link that stayed up a while starts the backoff over. */
	if (uptime >= TUNNEL_STABLE_MS)
		t->backoff_ms = 0;
	if (t->backoff_ms == 0)
		t->backoff_ms = TUNNEL_BACKOFF_MIN;
	if (t->auth_failed && t->backoff_ms < TUNNEL_BACKOFF_AUTH)
		t->backoff_ms = TUNNEL_BACKOFF_AUTH;
	wait = t->backoff_ms;
	t->backoff_ms *= 2;
	if (t->backoff_ms > TUNNEL_BACKOFF_MAX)
		t->backoff_ms = TUNNEL_BACKOFF_MAX;
	t->retry_at_ms = timer_now_ms() + wait;
	log_info("%s: retry in %u ms", tunnel_name(t), wait);
	timer_start(&t->retry_timer, wait);
	tunnel_set_state(t, TUN_WAITING, t->auth_failed ?
	    "authentication failed" : NULL);
	t->auth_failed = 0;
}

/* Pick the PPP engine: the property, or auto (pppd when it can run). */
static const struct ppp_engine_ops *
tunnel_pick_engine(struct tunnel *t, char *why, size_t whysz)
{
	const char *want = cfg_get(&t->run, P_PPP_ENGINE), *w = NULL;
	const struct ppp_engine_ops *pppd = &ppp_pppd_ops;
	const struct ppp_engine_ops *builtin = &ppp_builtin_ops;

	if (strcmp(want, "pppd") == 0 || strcmp(want, "builtin") == 0) {
		const struct ppp_engine_ops *o = want[0] == 'p' ? pppd : builtin;

		if (!o->available(&w)) {
			snprintf(why, whysz, "ppp-engine=%s: %s", want,
			    w != NULL ? w : "not available on this host");
			return NULL;
		}
		return o;
	}
	if (pppd->available(&w))
		return pppd;
	if (builtin->available(&w))
		return builtin;
	snprintf(why, whysz, "no PPP engine can run here: %s",
	    w != NULL ? w : "none available");
	return NULL;
}

static void
tunnel_connect(struct tunnel *t)
{
	struct transport_config tc;
	char why[256];
	unsigned int port, pport;
	const char *v;

	cfg_clear(&t->run);
	cfg_copy(&t->run, &t->cfg);
	t->reason[0] = '\0';
	t->route_error[0] = '\0';
	t->config_error = 0;
	t->auth_failed = 0;

	if ((t->ops = tunnel_pick_engine(t, why, sizeof why)) == NULL) {
		log_err("%s: %s", tunnel_name(t), why);
		snprintf(t->last_reason, sizeof t->last_reason, "%s", why);
		tunnel_set_state(t, TUN_ERROR, NULL);
		return;
	}

	memset(&tc, 0, sizeof tc);
	port = (unsigned int)cfg_int(&t->run, P_PORT);
	tunnel_split_host(cfg_get(&t->run, P_CONNECT_TO), t->host,
	    sizeof t->host, &port);
	tc.host = t->host;
	tc.port = port;
	if ((v = tunnel_str(&t->run, P_HTTP_PROXY)) != NULL &&
	    strcmp(v, "0.0.0.0") != 0) {
		pport = (unsigned int)cfg_int(&t->run, P_PROXY_PORT);
		tunnel_split_host(v, t->proxy, sizeof t->proxy, &pport);
		tc.proxy_host = t->proxy;
		tc.proxy_port = pport;
		tc.proxy_user = tunnel_str(&t->run, P_PROXY_USER);
		tc.proxy_password = tunnel_str(&t->run, P_PROXY_PASSWORD);
	}
	if (cfg_bool(&t->run, P_ADD_SNI)) {
		tc.sni = tunnel_str(&t->run, P_SNI_NAME);
		if (tc.sni == NULL)
			tc.sni = t->host;
	}
	tc.ca_file = tunnel_path(&t->run, P_CA_CERTIFICATE);
	tc.verify_cert = cfg_bool(&t->run, P_VERIFY_SERVER_CERTIFICATE);
	tc.verify_name = cfg_bool(&t->run, P_VERIFY_SERVER_ADDRESS);
	tc.verify_hostname = t->host;
	tc.pin_sha256 = tunnel_str(&t->run, P_SERVER_FINGERPRINT);
	tc.cert_file = tunnel_path(&t->run, P_CERTIFICATE);
	tc.key_file = tunnel_path(&t->run, P_CERTIFICATE_KEY);
	v = cfg_get(&t->run, P_TLS_VERSION);
	tc.tls_version = strcmp(v, "only-1.2") == 0 ? TLS_VER_ONLY_12 :
	    strcmp(v, "only-1.3") == 0 ? TLS_VER_ONLY_13 : TLS_VER_ANY;
	tc.ciphers = tunnel_str(&t->run, P_CIPHERS);
	v = cfg_get(&t->run, P_PFS);
	tc.pfs = strcmp(v, "required") == 0 ? 2 : strcmp(v, "yes") == 0;
	tc.connect_timeout_ms = 30000;
	tc.http_timeout_ms = 60000;

	{
		char prio[512], *cause = NULL;

		/*
		 * A TLS setting GnuTLS refuses, or a certificate file that is
		 * missing or unreadable, is a configuration error: no retry
		 * until the configuration changes (RouterOS keeps such an
		 * interface in error until 'set').
		 */
		if (transport_priority(&tc, prio, sizeof prio, &cause) != 0 ||
		    transport_check_files(&tc, &cause) != 0) {
			snprintf(t->last_reason, sizeof t->last_reason, "%s",
			    cause != NULL ? cause : "bad TLS settings");
			log_err("%s: %s", tunnel_name(t), t->last_reason);
			free(cause);
			tunnel_set_state(t, TUN_ERROR, NULL);
			return;
		}
	}
	log_info("%s: connecting to=%s port=%u%s%s engine=%s", tunnel_name(t),
	    t->host, port, tc.proxy_host != NULL ? " proxy=" : "",
	    tc.proxy_host != NULL ? tc.proxy_host : "", t->ops->name);
	tunnel_set_state(t, TUN_CONNECTING, NULL);
	t->tr = transport_new(t->base, &tc, &(const struct transport_callbacks){
		.ready_cb = tunnel_tr_ready_cb,
		.read_cb = tunnel_tr_read_cb,
		.drain_cb = tunnel_tr_drain_cb,
		.error_cb = tunnel_tr_error_cb,
	    }, t);
}

/* Dial on demand: a placeholder TUN whose first packet starts the call. */

static void
tunnel_dod_close(struct tunnel *t)
{
	netif_routes_free(t->dod_routes);
	t->dod_routes = NULL;
	if (t->dod_ev != NULL)
		event_free(t->dod_ev);
	t->dod_ev = NULL;
	if (t->dod_fd != -1)
		close(t->dod_fd);
	t->dod_fd = -1;
}

/*
 * Is this packet traffic someone sent into the tunnel?  The kernel's own
 * chatter on a new link (IPv6 router solicitations, MLD and IGMP reports,
 * broadcasts) goes to multicast or broadcast addresses and must not dial.
 */
static int
tunnel_dod_wanted(const uint8_t *p, size_t len)
{
	if (len >= 20 && (p[0] >> 4) == 4)
		return p[16] < 224 && !(p[16] == 255 && p[17] == 255 &&
		    p[18] == 255 && p[19] == 255);
	if (len >= 40 && (p[0] >> 4) == 6)
		return p[24] != 0xff;
	return 0;
}

static void
tunnel_dod_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel *t = arg;
	uint8_t pkt[2048];
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {
		n = read(fd, pkt, sizeof pkt);
		if (n <= 0)
			return;
		if (tunnel_dod_wanted(pkt, (size_t)n))
			break;
	}
	if (i == 64)
		return;
	/* The packet itself is lost; the sender's retransmission is not. */
	log_info("%s: traffic for the placeholder: dialing", tunnel_name(t));
	tunnel_dod_close(t);
	tunnel_connect(t);
}

static int
tunnel_dod_open(struct tunnel *t)
{
	char *cause = NULL;
	int ifindex;

	if (netif_tun_open(tunnel_name(t), &t->dod_fd, &cause) != 0)
		goto fail;
	/* The read loop relies on it, whatever the opener did. */
	fcntl(t->dod_fd, F_SETFL, fcntl(t->dod_fd, F_GETFL) | O_NONBLOCK);
	if ((ifindex = netif_index(tunnel_name(t))) <= 0 ||
	    netif_set_up(ifindex, 1, &cause) != 0)
		goto fail;
	t->dod_routes = netif_routes_new();
	cfg_clear(&t->run);
	cfg_copy(&t->run, &t->cfg);
	tunnel_routes_add(t, t->dod_routes, ifindex, AF_UNSPEC);
	t->dod_ev = event_new(t->base, t->dod_fd, EV_READ | EV_PERSIST,
	    tunnel_dod_read_cb, t);
	event_add(t->dod_ev, NULL);
	return 0;

fail:
	log_warn("%s: dial-on-demand placeholder: %s; dialing now",
	    tunnel_name(t), cause != NULL ? cause : "failed");
	free(cause);
	tunnel_dod_close(t);
	return -1;
}

/* Not connected and allowed to be: dial now, or wait for traffic. */
static void
tunnel_idle(struct tunnel *t)
{
	const char *w = NULL;
	int builtin;

	builtin = strcmp(cfg_get(&t->cfg, P_PPP_ENGINE), "builtin") == 0 ||
	    (strcmp(cfg_get(&t->cfg, P_PPP_ENGINE), "auto") == 0 &&
	    !ppp_pppd_ops.available(&w));
	if (cfg_bool(&t->cfg, P_DIAL_ON_DEMAND) && builtin &&
	    tunnel_dod_open(t) == 0) {
		tunnel_set_state(t, TUN_DIALING, NULL);
		return;
	}
	tunnel_connect(t);
}

static void
tunnel_stop_cb(void *arg)
{
	struct tunnel *t = arg;

	log_info("%s: no orderly disconnect within %d ms: cutting",
	    tunnel_name(t), TUNNEL_STOP_MS);
	tunnel_fail(t, t->reason[0] != '\0' ? t->reason : "disconnected");
}

/* End the attempt in order (LCP Terminate, Call Disconnect), bounded. */
static void
tunnel_stop(struct tunnel *t, const char *reason)
{
	timer_stop(&t->retry_timer);
	tunnel_dod_close(t);
	if (t->failing)
		return;		/* already on its way down */
	if (t->tr == NULL) {
		/* Waiting or dialing: nothing to end, keep the last reason. */
		t->restart_now = 0;
		if (cfg_bool(&t->cfg, P_DISABLED) || t->shutting_down)
			tunnel_set_state(t, TUN_DISABLED, NULL);
		else
			tunnel_idle(t);
		return;
	}
	tunnel_set_state(t, TUN_DISCONNECTING, NULL);
	snprintf(t->reason, sizeof t->reason, "%s", reason);
	timer_start(&t->stop_timer, TUNNEL_STOP_MS);
	if (t->eng != NULL)
		t->ops->stop(t->eng);
	else if (t->ss != NULL)
		sstp_session_disconnect(t->ss);
	else
		tunnel_fail(t, reason);
}

struct tunnel *
tunnel_new(struct event_base *base, const struct iface_config *cfg,
    void (*state_cb)(void *arg, struct tunnel *t), void *arg)
{
	struct tunnel *t;

	if ((t = calloc(1, sizeof *t)) == NULL)
		abort();
	t->base = base;
	cfg_copy(&t->cfg, cfg);
	t->dod_fd = -1;
	timer_init(&t->down_timer, tunnel_down_cb, t);
	timer_init(&t->stop_timer, tunnel_stop_cb, t);
	timer_init(&t->retry_timer, tunnel_retry_cb, t);
	if ((t->uncork_ev = event_new(base, -1, 0, tunnel_uncork_cb, t)) ==
	    NULL)
		abort();
	t->state = TUN_DISABLED;
	t->status = tunnel_state_name(TUN_DISABLED);
	if (!cfg_bool(&t->cfg, P_DISABLED))
		tunnel_idle(t);
	/* Callbacks only after the first state is set: the owner is not ready. */
	t->state_cb = state_cb;
	t->arg = arg;
	return t;
}

void
tunnel_free(struct tunnel *t)
{
	if (t == NULL)
		return;
	t->state_cb = NULL;
	if (t->ss != NULL && sstp_session_state(t->ss) == SSTP_S_CONNECTED)
		sstp_session_disconnect(t->ss);	/* best effort */
	tunnel_release(t);
	tunnel_dod_close(t);
	timer_stop(&t->retry_timer);
	event_free(t->uncork_ev);
	log_info("%s: removed from the host", tunnel_name(t));
	cfg_clear(&t->cfg);
	cfg_clear(&t->run);
	free(t);
}

void
tunnel_shutdown(struct tunnel *t)
{
	if (t->shutting_down)
		return;
	t->shutting_down = 1;
	t->restart_now = 0;
	tunnel_stop(t, "sstpcd is shutting down");
}

int
tunnel_quiet(const struct tunnel *t)
{
	return t->tr == NULL && t->dod_fd == -1;
}

/* Does a change of property 'id' need a new connection? */
static int
tunnel_prop_matters(int id)
{
	return id != P_COMMENT && id != P_DISABLED;
}

void
tunnel_reconfigure(struct tunnel *t, const struct iface_config *cfg)
{
	int id, changed = 0, was_disabled = cfg_bool(&t->cfg, P_DISABLED);

	for (id = 0; id < P__COUNT; id++) {
		if (tunnel_prop_matters(id) &&
		    strcmp(cfg_get(&t->cfg, id), cfg_get(cfg, id)) != 0)
			changed = 1;
	}
	cfg_clear(&t->cfg);
	cfg_copy(&t->cfg, cfg);

	if (t->shutting_down)
		return;
	if (cfg_bool(&t->cfg, P_DISABLED)) {
		if (!was_disabled)
			tunnel_stop(t, "disabled");
		return;
	}
	if (t->state == TUN_DISCONNECTING) {
		/* Re-enabled (or changed) while stopping: go again once down. */
		t->restart_now = 1;
		return;
	}
	if (was_disabled || t->state == TUN_ERROR || t->state == TUN_WAITING) {
		timer_stop(&t->retry_timer);
		t->backoff_ms = 0;
		if (t->state == TUN_DISABLED || t->state == TUN_ERROR ||
		    t->state == TUN_WAITING)
			tunnel_idle(t);
		return;
	}
	if (!changed)
		return;
	/* Running with an old configuration: again, at once. */
	t->restart_now = 1;
	if (t->state == TUN_DIALING) {
		tunnel_dod_close(t);
		t->restart_now = 0;
		tunnel_idle(t);
		return;
	}
	tunnel_stop(t, "configuration changed");
}

void
tunnel_status(struct tunnel *t, struct tunnel_status *st)
{
	unsigned long long now = timer_now_ms();

	memset(st, 0, sizeof *st);
	st->state = t->state;
	st->status = t->status;
	snprintf(st->user, sizeof st->user, "%s", cfg_get(&t->cfg, P_USER));
	snprintf(st->ifname, sizeof st->ifname, "%s",
	    t->ifname[0] != '\0' ? t->ifname : tunnel_name(t));
	st->ppp_engine = t->ops != NULL ? t->ops->name : "";
	st->rx_bytes = t->rx_bytes;
	st->tx_bytes = t->tx_bytes;
	st->rx_packets = t->rx_packets;
	st->tx_packets = t->tx_packets;
	st->last_link_down = t->last_link_down;
	st->link_downs = t->link_downs;
	snprintf(st->last_disconnect_reason, sizeof st->last_disconnect_reason,
	    "%s", t->last_reason);
	if (t->up)
		snprintf(st->route_error, sizeof st->route_error, "%s",
		    t->route_error);
	if (t->tr != NULL)
		snprintf(st->caller_id, sizeof st->caller_id, "%s",
		    t->caller_id);
	if (!t->up)
		return;
	st->connected_since = t->connected_since;
	st->uptime_ms = now - t->connected_ms;
	st->last_traffic_ms = t->last_traffic_ms;
	st->idle_ms = now - t->last_traffic_ms;
	st->mtu = t->link.mtu;
	st->mru = t->link.mru;
	if (t->ss != NULL) {
		int n = snprintf(st->encoding, sizeof st->encoding, "%s",
		    t->encoding);

		if (n >= 0 && (size_t)n < sizeof st->encoding)
			snprintf(st->encoding + n, sizeof st->encoding - n,
			    "%sbinding %s", n > 0 ? ", " : "",
			    sstp_session_binding(t->ss));
	}
	inet_ntop(AF_INET, &t->link.local, st->local_address,
	    sizeof st->local_address);
	inet_ntop(AF_INET, &t->link.remote, st->remote_address,
	    sizeof st->remote_address);
	if (t->link.have_ipv6) {
		tunnel_ll6(t->link.local_iid, st->local_ipv6,
		    sizeof st->local_ipv6);
		tunnel_ll6(t->link.remote_iid, st->remote_ipv6,
		    sizeof st->remote_ipv6);
	}
}

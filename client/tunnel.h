/* tunnel.h - one SSTP client interface at run time: transport, SSTP call, PPP engine, routes. */
#ifndef SSTP_TUNNEL_H
#define SSTP_TUNNEL_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "schema.h"

enum tunnel_state {
	TUN_DISABLED = 0,	/* disabled=yes */
	TUN_WAITING,		/* waiting for the next attempt (backoff) */
	TUN_DIALING,		/* dial-on-demand: idle until traffic */
	TUN_CONNECTING,		/* TCP / proxy / TLS / HTTP */
	TUN_NEGOTIATING,	/* SSTP call and PPP LCP/auth/NCP */
	TUN_CONNECTED,
	TUN_DISCONNECTING,
	TUN_ERROR		/* configuration error: will not retry */
};

/* Everything 'monitor' shows; strings are the tunnel's, valid until the next event. */
struct tunnel_status {
	enum tunnel_state state;
	const char	*status;	/* "connected", "connecting", "authenticating"... */
	time_t		 connected_since;	/* wall clock; 0 when not connected */
	unsigned long long last_traffic_ms;	/* timer_now_ms() of the last IP packet */
	unsigned long long uptime_ms;	/* 0 when not connected */
	unsigned long long idle_ms;
	char		 user[128];
	char		 caller_id[64];	/* server address:port */
	unsigned int	 mtu, mru;
	char		 encoding[96];	/* "TLSv1.3 AES-256-GCM, binding sha256" */
	char		 local_address[48], remote_address[48];
	char		 local_ipv6[64], remote_ipv6[64];
	char		 ifname[32];
	const char	*ppp_engine;	/* "builtin" / "pppd" */
	unsigned long long rx_bytes, tx_bytes, rx_packets, tx_packets;
	time_t		 last_link_down;
	char		 last_disconnect_reason[256];
	char		 route_error[192];	/* a route that could not be added, or "" */
	unsigned int	 link_downs;
};

struct tunnel;

/*
 * A tunnel with its configuration (copied).  It starts at once unless the
 * configuration says disabled=yes.  state_cb, when set, runs on every state
 * change (for monitor subscribers).
 */
struct tunnel *tunnel_new(struct event_base *base, const struct iface_config *cfg,
	    void (*state_cb)(void *arg, struct tunnel *t), void *arg);
/* Tear down at once (routes, interface, DNS removed); NULL is fine. */
void	tunnel_free(struct tunnel *t);
/*
 * Daemon exit: stop in order (LCP Terminate, Call Disconnect, bounded) and do
 * not reconnect.  tunnel_quiet() is 1 once nothing runs any more.
 */
void	tunnel_shutdown(struct tunnel *t);
int	tunnel_quiet(const struct tunnel *t);
/* New configuration: reconnects when something that matters changed. */
void	tunnel_reconfigure(struct tunnel *t, const struct iface_config *cfg);
void	tunnel_status(struct tunnel *t, struct tunnel_status *st);
const char *tunnel_state_name(enum tunnel_state s);

#endif

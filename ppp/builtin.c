/* builtin.c - the built-in user-space PPP engine: LCP, authentication, IPCP and IPv6CP over a TUN device. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "auth.h"
#include "frame.h"
#include "ip6cp.h"
#include "ipcp.h"
#include "lcp.h"
#include "log.h"
#include "netif.h"
#include "ppp.h"
#include "timer.h"

#define BUILTIN_TUN_PATH	"/dev/net/tun"
/* How long a late IPv6CP may hold the interface back once IPCP is up. */
#define BUILTIN_V6_WAIT_MS	500
/* Packets read from the TUN per wake-up (batched into TLS records). */
#define BUILTIN_TUN_BATCH	64
/* pppd's placeholder when the peer tells us no address of its own. */
#define BUILTIN_DEFAULT_REMOTE	0x0a404040	/* 10.64.64.64 */

enum builtin_phase {
	PH_ESTABLISH,		/* LCP */
	PH_AUTHENTICATE,
	PH_NETWORK,		/* NCPs */
	PH_DEAD
};

/* Deferred work, done from the notify timer in this order. */
#define N_START		0x01	/* first LCP Configure-Request */
#define N_AUTH		0x02	/* auth_done_cb, then the NCPs */
#define N_UP		0x04	/* up_cb */
#define N_DOWN		0x08	/* down_cb (last) */
#define N_RENEG		0x10	/* LCP left Opened on its own */

struct ppp_engine {
	struct ppp_callbacks	 cb;
	void			*arg;
	char			 ifname[32];
	char			*user;
	char			*password;
	unsigned int		 auth_mask;
	int			 ipv6;

	enum builtin_phase	 phase;
	struct lcp		 lcp;
	struct ipcp		 ipcp;
	struct ip6cp		 ip6cp;
	struct auth		*auth;
	const char		*auth_method;
	uint8_t			 hlak[32];
	int			 have_hlak;
	int			 ipcp_up, ip6cp_up, ip6cp_done, v6_waited;

	struct timer		 notify;
	unsigned int		 pending;
	struct timer		 v6_wait;
	char			 reason[256];
	int			 down_sent;

	int			 fd;		/* TUN; -1 until the network phase */
	struct event		*tun_ev;
	int			 tun_reading;
	int			 throttled;
	int			 v6_addr_added;
	struct ppp_link_info	 info;

	int			 depth;		/* our frames on the stack */
	int			 dying;		/* freed while depth > 0 */

	/* Control packets out; IP packets in from the TUN (one each, reused). */
	uint8_t			 ctl[PPP_HEADROOM + PPP_MAX_FRAME];
	uint8_t			 data[PPP_HEADROOM + PPP_MAX_FRAME];
};

static void	builtin_destroy(struct ppp_engine *e);
static void	builtin_teardown(struct ppp_engine *e);
static void	builtin_peer_ended(struct ppp_engine *e);
static void	builtin_ipv6_sysctl(struct ppp_engine *e, const char *key,
		    const char *val);

static void
builtin_enter(struct ppp_engine *e)
{
	e->depth++;
}

static void
builtin_destroy_cb(evutil_socket_t fd, short what, void *arg)
{
	builtin_destroy(arg);
}

/* Leave one of our frames; an engine freed meanwhile goes once all are left. */
static void
builtin_leave(struct ppp_engine *e)
{
	static const struct timeval now = { 0, 0 };

	if (--e->depth > 0 || !e->dying)
		return;
	/* The caller's caller (auth's timer, say) may still hold pointers. */
	builtin_teardown(e);
	if (event_base_once(timer_get_base(), -1, EV_TIMEOUT,
	    builtin_destroy_cb, e, &now) != 0)
		log_warn("%s: ppp engine leaked", e->ifname);
}

static void
builtin_schedule(struct ppp_engine *e, unsigned int what)
{
	e->pending |= what;
	if (!e->dying)
		timer_start(&e->notify, 0);
}

/* The link is finished: tell the owner once, with the first reason. */
static void
builtin_finish(struct ppp_engine *e, const char *reason)
{
	if (e->phase == PH_DEAD)
		return;
	e->phase = PH_DEAD;
	if (e->reason[0] == '\0')
		snprintf(e->reason, sizeof e->reason, "%s", reason);
	log_info("%s: ppp down reason=\"%s\"", e->ifname, e->reason);
	builtin_schedule(e, N_DOWN);
}

/* A control packet (code, id, length, data) to the peer under proto. */
static void
builtin_send(struct ppp_engine *e, uint16_t proto, const uint8_t *pkt,
    size_t len)
{
	uint8_t *frame = e->ctl + PPP_HEADROOM;

	if (e->dying || len > PPP_MAX_FRAME - PPP_FRAME_HDR)
		return;
	ppp_frame_hdr(frame, proto);
	memcpy(frame + PPP_FRAME_HDR, pkt, len);
	/* A PAP Authenticate-Request holds the password: never dumped. */
	if (proto == PPP_PROTO_PAP && len > 0 && pkt[0] == 1)
		log_debug("%s: ppp out pap request (%zu bytes, not dumped)",
		    e->ifname, len);
	else
		log_hex("ppp out", frame, len + PPP_FRAME_HDR);
	/* Timers call the automata directly: a free() in here must wait. */
	builtin_enter(e);
	e->cb.output_cb(e->arg, frame, len + PPP_FRAME_HDR);
	builtin_leave(e);
}

/* The TUN device. */

static void
builtin_tun_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ppp_engine *e = arg;
	uint8_t *frame = e->data + PPP_HEADROOM;
	uint8_t *pkt = frame + PPP_FRAME_HDR;
	uint16_t proto;
	ssize_t n;
	int i;

	builtin_enter(e);
	for (i = 0; i < BUILTIN_TUN_BATCH; i++) {
		if (e->dying || e->throttled || e->fd < 0)
			break;
		n = read(e->fd, pkt, PPP_MAX_FRAME - PPP_FRAME_HDR);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				log_warn("%s: tun read: %s", e->ifname,
				    strerror(errno));
			break;
		}
		switch (pkt[0] >> 4) {
		case 4:
			proto = PPP_PROTO_IP;
			break;
		case 6:
			if (!e->ip6cp_up)
				continue;
			proto = PPP_PROTO_IPV6;
			break;
		default:
			continue;
		}
		ppp_frame_hdr(frame, proto);
		e->cb.output_cb(e->arg, frame, (size_t)n + PPP_FRAME_HDR);
	}
	builtin_leave(e);
}

static void
builtin_tun_watch(struct ppp_engine *e)
{
	int want = e->tun_ev != NULL && !e->throttled && !e->dying &&
	    e->phase != PH_DEAD;

	if (want && !e->tun_reading)
		event_add(e->tun_ev, NULL);
	else if (!want && e->tun_reading)
		event_del(e->tun_ev);
	e->tun_reading = want;
}

static void
builtin_tun_close(struct ppp_engine *e)
{
	if (e->tun_ev != NULL) {
		event_free(e->tun_ev);
		e->tun_ev = NULL;
		e->tun_reading = 0;
	}
	if (e->fd >= 0) {
		/* The device is not persistent: closing removes it. */
		close(e->fd);
		e->fd = -1;
		log_debug("%s: interface removed", e->ifname);
	}
}

static void
builtin_add_ll(struct ppp_engine *e)
{
	char *cause = NULL;

	if (e->v6_addr_added || e->fd < 0)
		return;
	builtin_ipv6_sysctl(e, "disable_ipv6", "0");
	if (netif_addr6_ll_add(e->info.ifindex, e->ip6cp.local_iid,
	    &cause) != 0) {
		log_warn("%s: ipv6 link-local address: %s", e->ifname,
		    cause != NULL ? cause : "failed");
		free(cause);
		return;
	}
	e->v6_addr_added = 1;
	e->info.have_ipv6 = 1;
	memcpy(e->info.local_iid, e->ip6cp.local_iid, 8);
	memcpy(e->info.remote_iid, e->ip6cp.remote_iid, 8);
}

/* Best effort: one IPv6 sysctl of the new device (before it is up). */
static void
builtin_ipv6_sysctl(struct ppp_engine *e, const char *key, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/%s",
	    e->ifname, key);
	if ((f = fopen(path, "w")) == NULL)
		return;
	if (fputs(val, f) < 0)
		log_debug("%s: %s: %s", e->ifname, path, strerror(errno));
	fclose(f);
}

/* IPCP is up (and IPv6CP settled): make the interface and announce it. */
static void
builtin_tun_setup(struct ppp_engine *e)
{
	struct ppp_link_info *li = &e->info;
	char *cause = NULL;
	int ret;

	memset(li, 0, sizeof *li);
	snprintf(li->ifname, sizeof li->ifname, "%s", e->ifname);
	li->mtu = lcp_mtu(&e->lcp);
	li->mru = lcp_mru(&e->lcp);
	li->local = e->ipcp.local;
	li->remote = e->ipcp.remote;
	if (li->remote.s_addr == 0)
		li->remote.s_addr = htonl(BUILTIN_DEFAULT_REMOTE);
	li->dns1 = e->ipcp.dns1;
	li->dns2 = e->ipcp.dns2;
	li->auth_method = e->auth_method;

	if ((ret = netif_tun_open(e->ifname, &e->fd, &cause)) != 0)
		goto fail;
	if ((li->ifindex = netif_index(e->ifname)) <= 0) {
		ret = -ENODEV;
		goto fail;
	}
	/*
	 * The link-local address comes from IPv6CP's identifier, not from the
	 * kernel; without IPv6CP the device has no IPv6 at all.
	 */
	builtin_ipv6_sysctl(e, "addr_gen_mode", "1");
	if (!e->ip6cp_up)
		builtin_ipv6_sysctl(e, "disable_ipv6", "1");
	if ((ret = netif_set_mtu(li->ifindex, li->mtu, &cause)) != 0 ||
	    (ret = netif_addr4_add(li->ifindex, li->local, li->remote,
	    &cause)) != 0 ||
	    (ret = netif_set_up(li->ifindex, 1, &cause)) != 0)
		goto fail;
	if (e->ip6cp_up)
		builtin_add_ll(e);
	e->tun_ev = event_new(timer_get_base(), e->fd, EV_READ | EV_PERSIST,
	    builtin_tun_read_cb, e);
	if (e->tun_ev == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	builtin_tun_watch(e);
	log_info("%s: ppp network up mtu=%u mru=%u ipv6=%s", e->ifname,
	    li->mtu, li->mru, li->have_ipv6 ? "yes" : "no");
	builtin_schedule(e, N_UP);
	return;
fail:
	lcp_fail(&e->lcp, "cannot set up interface %s: %s", e->ifname,
	    cause != NULL ? cause : strerror(-ret));
	free(cause);
	builtin_tun_close(e);
}

/* Bring the interface up once IPCP is open and IPv6CP opened, failed or waited for. */
static void
builtin_network_check(struct ppp_engine *e)
{
	if (e->phase != PH_NETWORK || !e->ipcp_up)
		return;
	if (e->fd >= 0) {
		/* Already up: a late IPv6CP adds its address. */
		if (e->ip6cp_up && !e->v6_addr_added) {
			builtin_add_ll(e);
			builtin_schedule(e, N_UP);
		}
		return;
	}
	if (e->ipv6 && !e->ip6cp_up && !e->ip6cp_done && !e->v6_waited) {
		if (!timer_pending(&e->v6_wait))
			timer_start(&e->v6_wait, BUILTIN_V6_WAIT_MS);
		return;
	}
	timer_stop(&e->v6_wait);
	builtin_tun_setup(e);
}

static void
builtin_v6_wait_cb(void *arg)
{
	struct ppp_engine *e = arg;

	builtin_enter(e);
	log_debug("%s: ip6cp late, interface up without ipv6 for now",
	    e->ifname);
	e->v6_waited = 1;
	builtin_network_check(e);
	builtin_leave(e);
}

/* NCP callbacks. */

static void
builtin_ncp_send(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	builtin_send(arg, proto, pkt, len);
}

static void
builtin_ncp_up(void *arg, uint16_t proto)
{
	struct ppp_engine *e = arg;

	if (proto == PPP_PROTO_IPCP)
		e->ipcp_up = 1;
	else
		e->ip6cp_up = 1;
	builtin_network_check(e);
}

static void
builtin_ncp_down(void *arg, uint16_t proto)
{
	struct ppp_engine *e = arg;

	if (proto == PPP_PROTO_IPCP)
		e->ipcp_up = 0;
	else
		e->ip6cp_up = 0;
}

static void
builtin_ncp_finished(void *arg, uint16_t proto, const char *reason)
{
	struct ppp_engine *e = arg;

	if (proto == PPP_PROTO_IPV6CP) {
		/* No IPv6 on this link; IPv4 carries on. */
		log_info("%s: ip6cp finished, no ipv6", e->ifname);
		e->ip6cp_done = 1;
		builtin_network_check(e);
		return;
	}
	if (e->phase == PH_NETWORK)
		lcp_fail(&e->lcp, "%s", reason);
}

static const struct ncp_callbacks builtin_ncp_callbacks = {
	.send = builtin_ncp_send,
	.up = builtin_ncp_up,
	.down = builtin_ncp_down,
	.finished = builtin_ncp_finished,
};

/* Authentication callbacks. */

static void
builtin_auth_output_cb(void *arg, uint16_t proto, const uint8_t *pkt,
    size_t len)
{
	struct ppp_engine *e = arg;

	builtin_enter(e);
	/* A retransmission after LCP left Opened has no link to go on. */
	if (lcp_is_open(&e->lcp))
		builtin_send(e, proto, pkt, len);
	builtin_leave(e);
}

static void
builtin_auth_done_cb(void *arg, int ok, const char *reason,
    const uint8_t *hlak)
{
	struct ppp_engine *e = arg;

	builtin_enter(e);
	if (e->phase != PH_AUTHENTICATE)
		goto out;
	if (!ok) {
		/* One clear reason, no retries: LCP terminates the link. */
		lcp_fail(&e->lcp, "%s", reason != NULL ? reason :
		    "authentication failed");
		goto out;
	}
	log_info("%s: auth ok method=%s", e->ifname, e->auth_method);
	if (hlak != NULL) {
		memcpy(e->hlak, hlak, sizeof e->hlak);
		e->have_hlak = 1;
	}
	builtin_schedule(e, N_AUTH);
out:
	builtin_leave(e);
}

static const struct auth_callbacks builtin_auth_callbacks = {
	.output_cb = builtin_auth_output_cb,
	.done_cb = builtin_auth_done_cb,
};

/* LCP callbacks. */

static void
builtin_lcp_send(void *arg, const uint8_t *pkt, size_t len)
{
	builtin_send(arg, PPP_PROTO_LCP, pkt, len);
}

static void
builtin_lcp_up(void *arg)
{
	struct ppp_engine *e = arg;
	struct lcp *l = &e->lcp;

	if (e->phase != PH_ESTABLISH)
		return;
	e->phase = PH_AUTHENTICATE;
	if (l->auth_proto == 0) {
		/* The server wants no authentication. */
		e->auth_method = "none";
		builtin_schedule(e, N_AUTH);
		return;
	}
	e->auth_method = auth_method_name(l->auth_proto, l->auth_alg);
	log_info("%s: auth start method=%s", e->ifname, e->auth_method);
	e->auth = auth_new(l->auth_proto, l->auth_alg, e->user, e->password,
	    &builtin_auth_callbacks, e);
	auth_set_ifname(e->auth, e->ifname);
	auth_start(e->auth);
}

static void
builtin_lcp_down(void *arg)
{
	struct ppp_engine *e = arg;

	fsm_down(&e->ipcp.fsm);
	if (e->ipv6)
		fsm_down(&e->ip6cp.fsm);
	if (e->lcp.fsm.peer_term && e->lcp.fsm.state == FSM_STOPPING) {
		builtin_peer_ended(e);
		return;
	}
	/* Renegotiation after the link was established is not supported. */
	if (e->phase == PH_AUTHENTICATE || e->phase == PH_NETWORK)
		builtin_schedule(e, N_RENEG);
}

/*
 * The server sent a Terminate-Request (and has our Ack): the link is over
 * now, not after the Stopping timer; SoftEther closes SSTP 0.3 s later.
 */
static void
builtin_peer_ended(struct ppp_engine *e)
{
	const char *msg = e->lcp.fsm.peer_term_msg;
	char reason[256];

	if (e->phase == PH_AUTHENTICATE)
		/* SoftEther's answer to a wrong PAP password. */
		snprintf(reason, sizeof reason, "authentication failed: the "
		    "server ended the link during %s authentication%s%s",
		    e->auth_method, *msg ? ": " : "", msg);
	else
		snprintf(reason, sizeof reason, "the server ended the link%s%s",
		    *msg ? ": " : "", msg);
	builtin_finish(e, reason);
}

static void
builtin_lcp_finished(void *arg, const char *reason)
{
	struct ppp_engine *e = arg;

	if (e->lcp.fsm.peer_term &&
	    strncmp(reason, "the server ended", 16) == 0)
		builtin_peer_ended(e);
	else
		builtin_finish(e, reason);
}

static void
builtin_lcp_proto_rejected(void *arg, uint16_t proto)
{
	struct ppp_engine *e = arg;

	switch (proto) {
	case PPP_PROTO_IPV6CP:
		if (e->ipv6)
			fsm_proto_rejected(&e->ip6cp.fsm);
		break;
	case PPP_PROTO_IPCP:
		lcp_fail(&e->lcp, "the server refused IPv4 (IPCP "
		    "protocol-reject)");
		break;
	}
}

static const struct lcp_callbacks builtin_lcp_callbacks = {
	.send = builtin_lcp_send,
	.up = builtin_lcp_up,
	.down = builtin_lcp_down,
	.finished = builtin_lcp_finished,
	.proto_rejected = builtin_lcp_proto_rejected,
};

/* Deferred work: user callbacks never run inside our own state changes. */
static void
builtin_notify_cb(void *arg)
{
	struct ppp_engine *e = arg;

	builtin_enter(e);
	if ((e->pending & N_START) && e->phase == PH_ESTABLISH) {
		e->pending &= ~N_START;
		lcp_start(&e->lcp);
	}
	if ((e->pending & N_RENEG) && e->phase != PH_DEAD) {
		e->pending &= ~N_RENEG;
		if (e->lcp.fsm.state != FSM_CLOSING &&
		    e->lcp.fsm.state != FSM_STOPPING)
			lcp_fail(&e->lcp, "the server restarted LCP "
			    "negotiation");
	}
	if ((e->pending & N_AUTH) && e->phase == PH_AUTHENTICATE) {
		e->pending &= ~N_AUTH;
		/* The SSTP Call Connected goes out before any NCP packet. */
		e->cb.auth_done_cb(e->arg, e->have_hlak ? e->hlak : NULL);
		if (e->dying || e->phase != PH_AUTHENTICATE)
			goto out;
		e->phase = PH_NETWORK;
		fsm_start(&e->ipcp.fsm);
		if (e->ipv6)
			fsm_start(&e->ip6cp.fsm);
	}
	if ((e->pending & N_UP) && e->phase == PH_NETWORK && e->fd >= 0) {
		e->pending &= ~N_UP;
		e->cb.up_cb(e->arg, &e->info);
		if (e->dying)
			goto out;
	}
	if ((e->pending & N_DOWN) && !e->down_sent) {
		e->pending = 0;
		e->down_sent = 1;
		/* The device stays (unread) until free() removes it. */
		builtin_tun_watch(e);
		e->cb.down_cb(e->arg, e->reason);
	}
out:
	builtin_leave(e);
}

/* The ops. */

static int
builtin_available(const char **why)
{
	if (access(BUILTIN_TUN_PATH, R_OK | W_OK) != 0) {
		if (why != NULL)
			*why = "no usable " BUILTIN_TUN_PATH
			    " (TUN driver missing or no permission)";
		return 0;
	}
	return 1;
}

static struct ppp_engine *
builtin_start(const struct ppp_config *cfg, const struct ppp_callbacks *cb,
    void *arg, char **cause)
{
	struct ppp_engine *e;

	if (cfg->ifname == NULL || *cfg->ifname == '\0' ||
	    strlen(cfg->ifname) >= 16) {
		if (cause != NULL)
			*cause = strdup("interface name missing or longer "
			    "than 15 characters");
		return NULL;
	}
	if (timer_get_base() == NULL || (e = calloc(1, sizeof *e)) == NULL) {
		if (cause != NULL)
			*cause = strdup("out of memory");
		return NULL;
	}
	e->cb = *cb;
	e->arg = arg;
	e->fd = -1;
	snprintf(e->ifname, sizeof e->ifname, "%s", cfg->ifname);
	e->user = strdup(cfg->user != NULL ? cfg->user : "");
	e->password = strdup(cfg->password != NULL ? cfg->password : "");
	e->auth_mask = cfg->auth_mask;
	e->ipv6 = cfg->ipv6;
	e->auth_method = "none";
	if (e->user == NULL || e->password == NULL) {
		free(e->user);
		free(e->password);
		free(e);
		if (cause != NULL)
			*cause = strdup("out of memory");
		return NULL;
	}
	lcp_init(&e->lcp, e->ifname, cfg, &builtin_lcp_callbacks, e);
	ipcp_init(&e->ipcp, e->ifname, cfg->use_peer_dns,
	    &builtin_ncp_callbacks, e);
	ip6cp_init(&e->ip6cp, e->ifname, &builtin_ncp_callbacks, e);
	timer_init(&e->notify, builtin_notify_cb, e);
	timer_init(&e->v6_wait, builtin_v6_wait_cb, e);
	e->phase = PH_ESTABLISH;
	log_debug("%s: ppp start engine=builtin max-mru=%u max-mtu=%u "
	    "ipv6=%s", e->ifname, e->lcp.max_mru, e->lcp.max_mtu,
	    e->ipv6 ? "yes" : "no");
	builtin_schedule(e, N_START);
	return e;
}

/* An MP packet on a one-link bundle (RFC 1990 3): unwrap whole fragments. */
static int
builtin_mp_unwrap(const uint8_t **info, size_t *len, uint16_t *proto)
{
	const uint8_t *p = *info;

	/* Long sequence numbers: B E 0 0 0 0 0 0, then 24 bits. */
	if (*len < 5 || (p[0] & 0xc0) != 0xc0)
		return -1;
	return ppp_frame_decode(p + 4, *len - 4, proto, info, len);
}

static void
builtin_dispatch(struct ppp_engine *e, uint16_t proto, const uint8_t *info,
    size_t len, int nested)
{
	switch (proto) {
	case PPP_PROTO_LCP:
		lcp_input(&e->lcp, info, len);
		break;
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
	case PPP_PROTO_EAP:
		if (e->auth != NULL)
			auth_input(e->auth, proto, info, len);
		else
			log_debug("%s: auth packet proto=0x%04x dropped",
			    e->ifname, proto);
		break;
	case PPP_PROTO_IPCP:
		if (e->phase == PH_NETWORK)
			fsm_input(&e->ipcp.fsm, info, len);
		break;
	case PPP_PROTO_IPV6CP:
		if (!e->ipv6)
			lcp_send_proto_reject(&e->lcp, proto, info, len);
		else if (e->phase == PH_NETWORK)
			fsm_input(&e->ip6cp.fsm, info, len);
		break;
	case PPP_PROTO_IP:
	case PPP_PROTO_IPV6:
		if (e->fd < 0 || len == 0 ||
		    (proto == PPP_PROTO_IPV6 && !e->ip6cp_up))
			break;
		if (write(e->fd, info, len) < 0 && errno != EAGAIN)
			log_debug("%s: tun write: %s", e->ifname,
			    strerror(errno));
		break;
	case PPP_PROTO_MP:
		if (!nested && e->lcp.peer_mrru != 0 &&
		    builtin_mp_unwrap(&info, &len, &proto) == 0) {
			builtin_dispatch(e, proto, info, len, 1);
			break;
		}
		log_debug("%s: multilink fragment dropped", e->ifname);
		break;
	default:
		/* CCP, ECP, and whatever else: we do not speak it. */
		lcp_send_proto_reject(&e->lcp, proto, info, len);
		break;
	}
}

static void
builtin_input(struct ppp_engine *e, const uint8_t *frame, size_t len)
{
	const uint8_t *info;
	uint16_t proto;
	size_t ilen;

	if (e == NULL || e->dying || e->phase == PH_DEAD)
		return;
	if (ppp_frame_decode(frame, len, &proto, &info, &ilen) != 0) {
		log_debug("%s: bad ppp frame len=%zu dropped", e->ifname, len);
		return;
	}
	if (proto != PPP_PROTO_IP && proto != PPP_PROTO_IPV6)
		log_hex("ppp in", frame, len);
	builtin_enter(e);
	lcp_saw_traffic(&e->lcp);
	builtin_dispatch(e, proto, info, ilen, 0);
	builtin_leave(e);
}

static void
builtin_throttle(struct ppp_engine *e, int on)
{
	if (e == NULL)
		return;
	e->throttled = on;
	builtin_tun_watch(e);
}

static void
builtin_stop(struct ppp_engine *e)
{
	if (e == NULL || e->dying)
		return;
	builtin_enter(e);
	if (e->phase != PH_DEAD)
		lcp_fail(&e->lcp, "stopped");
	builtin_leave(e);
}

/* Let go of the outside world at once: timers, the device. */
static void
builtin_teardown(struct ppp_engine *e)
{
	timer_stop(&e->notify);
	timer_stop(&e->v6_wait);
	lcp_cleanup(&e->lcp);
	fsm_cleanup(&e->ipcp.fsm);
	fsm_cleanup(&e->ip6cp.fsm);
	builtin_tun_close(e);
}

static void
builtin_destroy(struct ppp_engine *e)
{
	builtin_teardown(e);
	auth_free(e->auth);
	if (e->password != NULL) {
		explicit_bzero(e->password, strlen(e->password));
		free(e->password);
	}
	free(e->user);
	explicit_bzero(e->hlak, sizeof e->hlak);
	free(e);
}

static void
builtin_free(struct ppp_engine *e)
{
	if (e == NULL)
		return;
	if (e->depth > 0) {
		/* Called from under our own frames: finish when they are left. */
		e->dying = 1;
		builtin_teardown(e);
		return;
	}
	builtin_destroy(e);
}

const struct ppp_engine_ops ppp_builtin_ops = {
	.name = "builtin",
	.available = builtin_available,
	.start = builtin_start,
	.input = builtin_input,
	.throttle = builtin_throttle,
	.stop = builtin_stop,
	.free = builtin_free,
};

/* sstp-plugin.c - pppd plugin that gives pppd its password and reports keys and addresses to sstpcd. */

/*
 * Loaded by pppd as "plugin /path/sstpcd-pppd-plugin.so sstp-sock PATH".
 * PATH is a SOCK_SEQPACKET UNIX socket the daemon made for this one pppd;
 * the daemon checks the peer's pid before it answers anything.
 *
 *  - pap_passwd_hook / chap_passwd_hook fetch the password from the daemon
 *    when pppd needs it, so it is never on a command line or in a file.
 *  - When pppd enters the network phase (authentication done, before any
 *    NCP packet and before CCP can clear them) the MPPE keys go to the
 *    daemon, and pppd waits for its ack: the daemon sends SSTP Call
 *    Connected first, as MS-SSTP requires.
 *  - ip-up, ipv6-up and ip-down report the interface and addresses.
 *
 * Built and tested against pppd 2.4.9's headers (Debian 12).  pppd 2.5
 * moved much of this API behind accessors and split headers; the PPPD_V25
 * parts follow 2.5's headers as published but have not been compiled here.
 * XXX: build and run the VM test against 2.5 when a distribution ships it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ipcp.h>
#include <pppd/ipv6cp.h>

#ifdef PPPD_VERSION		/* 2.5: pppdconf.h, accessors, split headers */
#define PPPD_V25	1
#include <pppd/options.h>
#include <pppd/upap.h>
#include <pppd/chap.h>
#include <pppd/mppe.h>
#else				/* 2.4: globals */
#include <pppd/patchlevel.h>
#include <pppd/chap-new.h>
#include <pppd/chap_ms.h>
#define PPPD_VERSION	VERSION
#endif

#include "pppd_msg.h"

#define SSTP_PLUGIN_TIMEOUT	15	/* s to wait for the daemon's answer */

char pppd_version[] = PPPD_VERSION;

static char *sstp_sock_path;
static int sstp_fd = -1;
static int sstp_keys_sent;

static option_t sstp_options[] = {
	{ .name = "sstp-sock", .type = o_string, .addr = &sstp_sock_path,
	  .description = "sstpcd's socket for this link", .flags = OPT_PRIV },
	{ .name = NULL }
};

static int	sstp_send(const struct pppd_msg *);

/* The kernel interface pppd made. */
static const char *
sstp_ifname(void)
{
#ifdef PPPD_V25
	return ppp_ifname();
#else
	return ifname;
#endif
}

/* Connect once (options are parsed after plugin_init) and say hello. */
static int
sstp_connect(void)
{
	struct sockaddr_un sun;
	struct timeval tv = { SSTP_PLUGIN_TIMEOUT, 0 };
	struct pppd_msg m;

	if (sstp_fd != -1)
		return 0;
	if (sstp_sock_path == NULL) {
		error("sstpcd plugin: no sstp-sock option");
		return -1;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(sstp_sock_path) >= sizeof sun.sun_path) {
		error("sstpcd plugin: socket path too long");
		return -1;
	}
	strcpy(sun.sun_path, sstp_sock_path);
	sstp_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sstp_fd == -1) {
		error("sstpcd plugin: socket: %m");
		return -1;
	}
	if (connect(sstp_fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		error("sstpcd plugin: connect %s: %m", sstp_sock_path);
		close(sstp_fd);
		sstp_fd = -1;
		return -1;
	}
	setsockopt(sstp_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(sstp_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_HELLO;
	m.pid = (uint32_t)getpid();
	strlcpy(m.text, PPPD_VERSION, sizeof m.text);
	return sstp_send(&m);
}

static int
sstp_send(const struct pppd_msg *m)
{
	uint8_t buf[PPPD_MSG_MAX];
	int n;

	if (sstp_fd == -1)
		return -1;
	n = pppd_msg_encode(m, buf, sizeof buf);
	if (n < 0) {
		error("sstpcd plugin: cannot encode message %d", m->type);
		return -1;
	}
	if (send(sstp_fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
		error("sstpcd plugin: send: %m");
		return -1;
	}
	return 0;
}

/* Wait for one message of the given type; anything else is an error. */
static int
sstp_recv(enum pppd_msg_type type, struct pppd_msg *m)
{
	uint8_t buf[PPPD_MSG_MAX];
	ssize_t n;
	int ret;

	n = recv(sstp_fd, buf, sizeof buf, 0);
	if (n <= 0) {
		error("sstpcd plugin: no answer from sstpcd: %s",
		    n == 0 ? "closed" : strerror(errno));
		return -1;
	}
	ret = pppd_msg_decode(m, buf, (size_t)n);
	memset(buf, 0, sizeof buf);
	if (ret != 0 || m->type != type) {
		error("sstpcd plugin: unexpected message from sstpcd");
		return -1;
	}
	return 0;
}

static int
sstp_check(void)
{
	return 1;	/* the daemon always has a password for us */
}

/* pap_passwd_hook and chap_passwd_hook: passwd NULL asks "can you?". */
static int
sstp_passwd(char *user, char *passwd)
{
	struct pppd_msg m;

	if (passwd == NULL)
		return 1;
	if (sstp_connect() != 0)
		return -1;
	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_PASSWD_REQ;
	if (sstp_send(&m) != 0 || sstp_recv(PPPD_MSG_PASSWD, &m) != 0)
		return -1;
	strlcpy(passwd, m.text, MAXSECRETLEN);
	memset(&m, 0, sizeof m);
	return 1;
}

/* Which method pppd authenticated itself with (0 when none). */
static unsigned int
sstp_auth_method(void)
{
#ifdef PPPD_V25
	/* 2.5 keeps auth_done private: use what LCP agreed with the peer. */
	lcp_options *ho = &lcp_hisoptions[0];

	if (ho->neg_eap)
		return PPPD_AUTH_EAP;
	if (ho->neg_chap)
		return ho->chap_mdtype & MDTYPE_MICROSOFT_V2 ? PPPD_AUTH_MSCHAP2 :
		    ho->chap_mdtype & MDTYPE_MICROSOFT ? PPPD_AUTH_MSCHAP1 :
		    PPPD_AUTH_CHAP;
	if (ho->neg_upap)
		return PPPD_AUTH_PAP;
	return PPPD_AUTH_NONE;
#else
	int done = auth_done[0];

	if (done & CHAP_MS2_WITHPEER)
		return PPPD_AUTH_MSCHAP2;
	if (done & CHAP_MS_WITHPEER)
		return PPPD_AUTH_MSCHAP1;
	if (done & CHAP_WITHPEER)
		return PPPD_AUTH_CHAP;
	if (done & EAP_WITHPEER)
		return PPPD_AUTH_EAP;
	if (done & PAP_WITHPEER)
		return PPPD_AUTH_PAP;
	return PPPD_AUTH_NONE;
#endif
}

/*
 * Authentication is over: hand over the keys and wait for the daemon's ack
 * so that Call Connected precedes every network-layer packet.  As the
 * authenticatee, pppd's mppe_send_key is the client's MasterSendKey and
 * mppe_recv_key its MasterReceiveKey (chap_ms.c, RFC 3079 3.4).
 */
static void
sstp_auth_up(void)
{
	struct pppd_msg m;

	if (sstp_keys_sent)
		return;
	sstp_keys_sent = 1;
	if (sstp_connect() != 0)
		return;
	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_AUTH_UP;
	m.auth = sstp_auth_method();
#ifdef PPPD_V25
	if (mppe_keys_isset()) {
		m.have_keys = mppe_get_send_key(m.send_key, sizeof m.send_key) ==
		    PPPD_MSG_KEY && mppe_get_recv_key(m.recv_key,
		    sizeof m.recv_key) == PPPD_MSG_KEY;
	}
#else
	if (mppe_keys_set) {
		memcpy(m.send_key, mppe_send_key, PPPD_MSG_KEY);
		memcpy(m.recv_key, mppe_recv_key, PPPD_MSG_KEY);
		m.have_keys = 1;
	}
#endif
	if (sstp_send(&m) == 0)
		(void)sstp_recv(PPPD_MSG_ACK, &m);
	memset(&m, 0, sizeof m);
}

static void
sstp_phase(void *arg, int phase)
{
	/*
	 * network_phase() enters PHASE_NETWORK right after the last
	 * authentication succeeded (or at once when there was none), before
	 * it starts any NCP or CCP.
	 */
	if (phase == PHASE_NETWORK)
		sstp_auth_up();
}

static void
sstp_ip_up(void *arg, int unused)
{
	struct pppd_msg m;
	ipcp_options *go = &ipcp_gotoptions[0], *ho = &ipcp_hisoptions[0];
	int mtu;

	if (sstp_connect() != 0)
		return;
	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_IP_UP;
	strlcpy(m.text, sstp_ifname(), sizeof m.text);
#ifdef PPPD_V25
	mtu = ppp_get_mtu(ppp_ifunit());
#else
	mtu = netif_get_mtu(ifunit);
#endif
	m.local.s_addr = go->ouraddr;
	m.remote.s_addr = ho->hisaddr;
	m.dns1.s_addr = go->dnsaddr[0];
	m.dns2.s_addr = go->dnsaddr[1];
	m.mtu = mtu > 0 ? (uint32_t)mtu : 0;
	m.mru = lcp_gotoptions[0].neg_mru ? (uint32_t)lcp_gotoptions[0].mru :
	    PPP_MRU;
	(void)sstp_send(&m);
}

static void
sstp_ipv6_up(void *arg, int unused)
{
	struct pppd_msg m;

	if (sstp_connect() != 0)
		return;
	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_IPV6_UP;
	strlcpy(m.text, sstp_ifname(), sizeof m.text);
	memcpy(m.local_iid, &ipv6cp_gotoptions[0].ourid, 8);
	memcpy(m.remote_iid, &ipv6cp_hisoptions[0].hisid, 8);
	(void)sstp_send(&m);
}

/*
 * A peer without IPv6 answers IPv6CP with an LCP Protocol-Reject: tell the
 * daemon, so it reports the link up at once instead of waiting for IPv6CP.
 */
static void (*sstp_ipv6_protrej_next)(int);

static void
sstp_ipv6_protrej(int unit)
{
	struct pppd_msg m;

	if (sstp_connect() == 0) {
		memset(&m, 0, sizeof m);
		m.type = PPPD_MSG_IPV6_NONE;
		(void)sstp_send(&m);
	}
	if (sstp_ipv6_protrej_next != NULL)
		sstp_ipv6_protrej_next(unit);
}

static void
sstp_ip_down(void *arg, int unused)
{
	struct pppd_msg m;

	if (sstp_fd == -1)
		return;
	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_IP_DOWN;
	(void)sstp_send(&m);
}

static void
sstp_exit(void *arg, int unused)
{
	if (sstp_fd != -1)
		close(sstp_fd);
	sstp_fd = -1;
}

void	plugin_init(void);

void
plugin_init(void)
{
#ifdef PPPD_V25
	ppp_add_options(sstp_options);
#else
	add_options(sstp_options);
#endif
	sstp_ipv6_protrej_next = ipv6cp_protent.protrej;
	ipv6cp_protent.protrej = sstp_ipv6_protrej;
	pap_check_hook = sstp_check;
	chap_check_hook = sstp_check;
	pap_passwd_hook = sstp_passwd;
	chap_passwd_hook = sstp_passwd;
#ifdef PPPD_V25
	ppp_add_notify(NF_PHASE_CHANGE, sstp_phase, NULL);
	ppp_add_notify(NF_IP_UP, sstp_ip_up, NULL);
	ppp_add_notify(NF_IPV6_UP, sstp_ipv6_up, NULL);
	ppp_add_notify(NF_IP_DOWN, sstp_ip_down, NULL);
	ppp_add_notify(NF_EXIT, sstp_exit, NULL);
#else
	add_notifier(&phasechange, sstp_phase, NULL);
	add_notifier(&ip_up_notifier, sstp_ip_up, NULL);
	add_notifier(&ipv6_up_notifier, sstp_ipv6_up, NULL);
	add_notifier(&ip_down_notifier, sstp_ip_down, NULL);
	add_notifier(&exitnotify, sstp_exit, NULL);
#endif
}

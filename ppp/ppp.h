/* ppp.h - the one interface behind which both PPP engines (built-in, pppd) sit. */
#ifndef SSTP_PPP_H
#define SSTP_PPP_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/*
 * Frames crossing this interface are raw PPP frames as SSTP data packets carry
 * them: address/control FF 03 (may be absent when ACFC was negotiated), then the
 * protocol field, then the information field.  No HDLC flags, escaping or FCS.
 *
 * Every frame handed to output_cb lies in a buffer with at least
 * PPP_HEADROOM writable bytes before 'frame', so the SSTP layer may build its
 * 4-byte header in place.  The buffer is the engine's and is valid only for
 * the duration of the call.
 */
#define PPP_HEADROOM	16
#define PPP_MAX_FRAME	4096	/* SSTP length is 12 bits: 4095 - 4 header */

/* Authentication methods (bit mask); the 'authentication' property. */
#define PPP_AUTH_PAP	0x01
#define PPP_AUTH_CHAP	0x02	/* CHAP-MD5 */
#define PPP_AUTH_MSCHAP1 0x04
#define PPP_AUTH_MSCHAP2 0x08
#define PPP_AUTH_EAP	0x10	/* EAP-MSCHAPv2 */
#define PPP_AUTH_ALL	0x1f

struct ppp_config {
	const char	*ifname;	/* interface name, e.g. "sstp-out1" */
	const char	*user;
	const char	*password;	/* never logged */
	unsigned int	 auth_mask;	/* PPP_AUTH_*; 0 = all */
	unsigned int	 max_mtu;	/* our MTU cap (default 1500) */
	unsigned int	 max_mru;	/* the MRU we ask for (default 1500) */
	unsigned int	 mrru;		/* 0 = no multilink */
	int		 ipv6;		/* run IPv6CP */
	int		 use_peer_dns;	/* ask for DNS (IPCP 129/131) */
	unsigned int	 echo_interval;	/* LCP echo period, s; 0 = off */
	unsigned int	 echo_failure;	/* lost echoes before the link is dead */
	const char	*pppd_path;	/* pppd engine: pppd binary ("" = search) */
	const char	*pppd_options;	/* pppd engine: extra options file */
	const char	*ctl_dir;	/* pppd engine: dir for the plugin socket */
};

/* What the network phase produced; filled when up_cb runs. */
struct ppp_link_info {
	char		 ifname[32];	/* kernel interface carrying the traffic */
	int		 ifindex;
	unsigned int	 mtu;		/* negotiated: min(peer MRU, max-mtu) */
	unsigned int	 mru;		/* negotiated MRU */
	struct in_addr	 local;
	struct in_addr	 remote;
	struct in_addr	 dns1, dns2;	/* 0.0.0.0 when none */
	int		 have_ipv6;
	uint8_t		 local_iid[8];	/* IPv6CP interface identifiers */
	uint8_t		 remote_iid[8];
	const char	*auth_method;	/* "mschap2", "pap" ... (static string) */
};

struct ppp_callbacks {
	/* A frame to send to the peer (through SSTP). */
	void	(*output_cb)(void *arg, uint8_t *frame, size_t len);
	/*
	 * Authentication finished.  hlak is the 32-byte Higher-Layer
	 * Authentication Key for the SSTP crypto binding (MS-CHAPv2:
	 * MasterSendKey || MasterReceiveKey of the client; EAP: first 32
	 * bytes of the MSK), or NULL when the method gives no key (PAP, CHAP).
	 */
	void	(*auth_done_cb)(void *arg, const uint8_t *hlak);
	/* The network phase is up; the interface exists and carries traffic. */
	void	(*up_cb)(void *arg, const struct ppp_link_info *info);
	/* The link is finished; reason is a readable sentence. */
	void	(*down_cb)(void *arg, const char *reason);
};

struct ppp_engine;

struct ppp_engine_ops {
	const char *name;		/* "builtin" or "pppd" */
	/* Can this engine run on this host?  If not, *why says why. */
	int	(*available)(const char **why);
	/* Start LCP (call when the SSTP Connect Ack has arrived). */
	struct ppp_engine *(*start)(const struct ppp_config *cfg,
		    const struct ppp_callbacks *cb, void *arg, char **cause);
	/* A frame from the peer; the engine does not keep the pointer. */
	void	(*input)(struct ppp_engine *e, const uint8_t *frame, size_t len);
	/* Flow control: 1 = the transport is backed up, stop producing data. */
	void	(*throttle)(struct ppp_engine *e, int on);
	/* Orderly close (LCP Terminate); down_cb follows. */
	void	(*stop)(struct ppp_engine *e);
	/* Free at once, removing the interface; NULL is fine. */
	void	(*free)(struct ppp_engine *e);
};

extern const struct ppp_engine_ops ppp_builtin_ops;
extern const struct ppp_engine_ops ppp_pppd_ops;

/* Parse "pap,chap,mschap1,mschap2" into PPP_AUTH_*; -1 on an unknown word. */
int	ppp_auth_parse(const char *list);

#endif

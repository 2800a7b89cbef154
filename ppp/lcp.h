/* lcp.h - the Link Control Protocol (RFC 1661) for the built-in engine, client side. */
#ifndef SSTP_LCP_H
#define SSTP_LCP_H

#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "ppp.h"
#include "timer.h"

/* Configuration options. */
#define LCP_OPT_MRU	1	/* RFC 1661 6.1 */
#define LCP_OPT_ACCM	2	/* RFC 1662 7.1 */
#define LCP_OPT_AUTH	3	/* RFC 1661 6.2 */
#define LCP_OPT_QUALITY	4	/* RFC 1661 6.3 */
#define LCP_OPT_MAGIC	5	/* RFC 1661 6.4 */
#define LCP_OPT_PFC	7	/* RFC 1661 6.5 */
#define LCP_OPT_ACFC	8	/* RFC 1661 6.6 */
#define LCP_OPT_MRRU	17	/* RFC 1990 5.1.1 */
#define LCP_OPT_SSNHF	18	/* RFC 1990 5.1.2 */
#define LCP_OPT_EPDISC	19	/* RFC 1990 5.1.3 */

#define LCP_DEFAULT_MRU	1500	/* RFC 1661 6.1 */
#define LCP_MIN_MRU	128	/* smallest MRU we agree to use */
/* What one SSTP data packet carries: 4095 - 4 (SSTP) - 4 (FF 03, protocol). */
#define LCP_MAX_MRU	4087
/* Consecutive Magic-Number clashes before we call the link looped back. */
#define LCP_LOOP_LIMIT	5

struct lcp_callbacks {
	/* An LCP packet (code, id, length, data) to send. */
	void	(*send)(void *arg, const uint8_t *pkt, size_t len);
	/* LCP is open: authentication may start. */
	void	(*up)(void *arg);
	/* LCP left the Opened state. */
	void	(*down)(void *arg);
	/* The link is finished; reason is readable (lcp_reason()). */
	void	(*finished)(void *arg, const char *reason);
	/* The peer sent a Protocol-Reject for proto. */
	void	(*proto_rejected)(void *arg, uint16_t proto);
};

struct lcp {
	struct fsm	 fsm;
	const char	*ifname;
	/* Configuration. */
	unsigned int	 max_mru, max_mtu, cfg_mrru, auth_mask;
	unsigned int	 echo_interval, echo_failure;
	/* What we ask for (cleared when the peer rejects it). */
	int		 ask_mru, ask_magic, ask_mrru;
	uint16_t	 mru;
	uint32_t	 magic;
	uint16_t	 mrru;
	/* What the peer asked for and we acked. */
	uint16_t	 peer_mru;
	uint32_t	 peer_magic;
	uint16_t	 auth_proto;	/* 0 = no authentication */
	uint8_t		 auth_alg;
	int		 peer_mrru;
	/* Negotiation of the peer's Authentication-Protocol (PPP_AUTH_* bits). */
	unsigned int	 auth_offered, auth_tried, auth_last_nak;
	int		 auth_naks;
	int		 loop_clashes;
	/* Our echo requests (dead peer detection). */
	struct timer	 echo_timer;
	unsigned int	 echo_pending;
	int		 echo_off;	/* the peer code-rejected echoes */
	unsigned long long echo_rx;	/* Echo-Replies seen */
	int		 rx_seen;	/* a frame came in this interval */
	char		 reason[256];
	const struct lcp_callbacks *cb;
	void		*arg;
	uint8_t		 tmp[FSM_PKT_MAX];
};

/* Set up (nothing sent); ifname and cfg are read now, ifname must outlive l. */
void	lcp_init(struct lcp *l, const char *ifname, const struct ppp_config *cfg,
	    const struct lcp_callbacks *cb, void *arg);
/* Stop the timers (before freeing the owner). */
void	lcp_cleanup(struct lcp *l);
/* The SSTP call is up: open LCP and send the first Configure-Request. */
void	lcp_start(struct lcp *l);
/* End the link with this reason (the first reason given is kept). */
void	lcp_fail(struct lcp *l, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An LCP packet from the peer. */
void	lcp_input(struct lcp *l, const uint8_t *pkt, size_t len);
/*
 * Reject a protocol the peer used (RFC 1661 5.7); info is the packet's
 * information field.  Only sent while LCP is open.
 */
void	lcp_send_proto_reject(struct lcp *l, uint16_t proto, const uint8_t *info,
	    size_t len);
/*
 * A frame came from the peer: it is alive.  Echoes go out only after an
 * interval without any (as pppd's lcp-echo-adaptive).
 */
void	lcp_saw_traffic(struct lcp *l);
int	lcp_is_open(const struct lcp *l);
/* Negotiated sizes: MTU min(peer MRU, max-mtu); MRU what the peer acked. */
unsigned int lcp_mtu(const struct lcp *l);
unsigned int lcp_mru(const struct lcp *l);
/* Why the link ended ("" while it has not). */
const char *lcp_reason(const struct lcp *l);
/* The PPP_AUTH_* bit for an Authentication-Protocol option (0x100 unknown). */
unsigned int lcp_auth_bit(uint16_t proto, uint8_t alg);

#endif

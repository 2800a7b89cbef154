/* ipcp.h - the IP Control Protocol (RFC 1332, DNS from RFC 1877) for the built-in engine. */
#ifndef SSTP_IPCP_H
#define SSTP_IPCP_H

#include <netinet/in.h>

#include "fsm.h"

#define IPCP_OPT_ADDRS	1	/* RFC 1172 (deprecated) */
#define IPCP_OPT_COMP	2	/* RFC 1332 3.2 */
#define IPCP_OPT_ADDR	3	/* RFC 1332 3.3 */
#define IPCP_OPT_DNS1	129	/* RFC 1877 1.1 */
#define IPCP_OPT_NBNS1	130	/* RFC 1877 1.2 */
#define IPCP_OPT_DNS2	131	/* RFC 1877 1.3 */
#define IPCP_OPT_NBNS2	132	/* RFC 1877 1.4 */

struct ipcp {
	struct fsm	 fsm;
	const char	*ifname;
	int		 use_dns;
	/* What we ask for; cleared when the peer rejects it. */
	int		 ask_addr, ask_dns1, ask_dns2;
	struct in_addr	 local, dns1, dns2;
	/* The peer's own address (from its request). */
	struct in_addr	 remote;
	char		 reason[160];
	const struct ncp_callbacks *cb;
	void		*arg;
};

/* Set up (nothing sent); use_dns asks for primary and secondary DNS. */
void	ipcp_init(struct ipcp *c, const char *ifname, int use_dns,
	    const struct ncp_callbacks *cb, void *arg);
/* Then fsm_start(&c->fsm) in the network phase, fsm_input(), fsm_cleanup(). */

#endif

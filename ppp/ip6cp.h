/* ip6cp.h - the IPv6 Control Protocol (RFC 5072) for the built-in engine. */
#ifndef SSTP_IP6CP_H
#define SSTP_IP6CP_H

#include <stdint.h>

#include "fsm.h"

#define IP6CP_OPT_IFID	1	/* RFC 5072 4.1 */
#define IP6CP_OPT_COMP	2	/* RFC 5072 4.2 */

struct ip6cp {
	struct fsm	 fsm;
	const char	*ifname;
	int		 ask_iid;
	uint8_t		 local_iid[8];
	uint8_t		 remote_iid[8];
	const struct ncp_callbacks *cb;
	void		*arg;
	uint8_t		 tmp[256];
};

void	ip6cp_init(struct ip6cp *c, const char *ifname,
	    const struct ncp_callbacks *cb, void *arg);
/* A random interface identifier: non-zero and different from 'avoid'. */
void	ip6cp_random_iid(uint8_t iid[8], const uint8_t avoid[8]);
/* Then fsm_start(&c->fsm) in the network phase, fsm_input(), fsm_cleanup(). */

#endif

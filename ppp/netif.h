/* netif.h - network interfaces, addresses, routes and DNS through libnl (and resolvconf). */
#ifndef SSTP_NETIF_H
#define SSTP_NETIF_H

#include <stddef.h>
#include <netinet/in.h>

/*
 * All functions return 0 or a negative errno and, on failure, set *cause (if
 * cause is not NULL) to a malloc'ed readable sentence the caller frees.  They
 * act in the caller's network namespace.
 */

/* Open a TUN device (IFF_TUN | IFF_NO_PI, non-blocking) named ifname. */
int	netif_tun_open(const char *ifname, int *fdp, char **cause);

int	netif_index(const char *ifname);
/* Set MTU, and bring the link up or down. */
int	netif_set_mtu(int ifindex, unsigned int mtu, char **cause);
int	netif_set_up(int ifindex, int up, char **cause);
/* Point-to-point IPv4 address: local peer remote/32. */
int	netif_addr4_add(int ifindex, struct in_addr local, struct in_addr remote,
	    char **cause);
/* IPv6 link-local address fe80::iid/64 (iid: 8 bytes). */
int	netif_addr6_ll_add(int ifindex, const unsigned char iid[8], char **cause);

/*
 * Every route sstpcd adds carries this rtm_protocol, so that its routes are
 * recognisable ("ip route show proto 157") and those left by a killed daemon
 * can be removed at the next start.  157 is free in iproute2's rt_protos and
 * in the kernel's RTPROT_* list (FRR uses 186-198, BIRD 12, babel 42).
 */
#define NETIF_RTPROT_SSTPCD	157

/*
 * Routes.  A route set records every route it adds so that netif_routes_flush()
 * removes exactly those, and nothing else, at teardown.
 */
struct netif_routes;

struct netif_routes *netif_routes_new(void);
/* Removes every recorded route, then frees; NULL is fine. */
void	netif_routes_free(struct netif_routes *r);
void	netif_routes_flush(struct netif_routes *r);

/* A route to dst/plen through the interface (no gateway), with a metric. */
int	netif_route_add_dev(struct netif_routes *r, int family, const void *dst,
	    int plen, int ifindex, unsigned int metric, char **cause);
/*
 * A host route to 'server' through whatever route the host uses for it now
 * (gateway and device), so that the tunnel never carries its own packets.
 * Nothing is added when the server is on a directly connected network.
 */
int	netif_route_add_server(struct netif_routes *r, int family,
	    const void *server, char **cause);
/*
 * Remove every route of protocol NETIF_RTPROT_SSTPCD in the caller's network
 * namespace (any table, IPv4 and IPv6): the leftovers of a daemon that was
 * killed.  Returns how many were removed, or a negative errno.
 */
int	netif_routes_purge_stale(char **cause);
/* Parse "10.0.0.0/8" or "2001:db8::/32"; 0 or -EINVAL. */
int	netif_prefix_parse(const char *s, int *family, void *dst, int *plen);

/*
 * DNS from the peer through resolvconf (when installed): 'resolvconf -a
 * ifname' with the servers; netif_dns_clear() undoes it.  -ENOENT when there
 * is no resolvconf.
 */
int	netif_dns_set(const char *ifname, struct in_addr dns1, struct in_addr dns2,
	    char **cause);
void	netif_dns_clear(const char *ifname);
/*
 * Start-up: when resolvconf still holds a record for ifname (a killed
 * daemon's), delete it.  Returns 1 when one was deleted, else 0.
 */
int	netif_dns_clear_stale(const char *ifname);

#endif

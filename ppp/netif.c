/* netif.c - TUN devices, links, addresses, routes (libnl-route-3) and DNS (resolvconf). */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "log.h"
#include "netif.h"

#define NETIF_TUN_PATH		"/dev/net/tun"
#define NETIF_RESOLVCONF_MS	5000	/* a hung resolvconf is killed */

/* Every route a set added, kept so that exactly those are removed. */
struct netif_routes {
	struct rtnl_route	**routes;
	size_t			  n;
	size_t			  cap;
};

/* Set *cause (when asked for) to a formatted sentence; returns rc. */
static int __attribute__((format(printf, 3, 4)))
netif_fail(char **cause, int rc, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		if (vasprintf(cause, fmt, ap) < 0)
			*cause = NULL;
		va_end(ap);
	}
	return rc;
}

/* libnl's error domain to ours, at the edge. */
static int
netif_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
	case NLE_AF_MISMATCH:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	default:
		return -EIO;
	}
}

/* A connected NETLINK_ROUTE socket, or an error with its cause. */
static int
netif_sock(struct nl_sock **skp, char **cause)
{
	struct nl_sock	*sk;
	int		 err;

	if ((sk = nl_socket_alloc()) == NULL)
		return netif_fail(cause, -ENOMEM, "cannot allocate a netlink "
		    "socket");
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		nl_socket_free(sk);
		return netif_fail(cause, netif_errno(err), "cannot open a "
		    "netlink socket: %s", nl_geterror(err));
	}
	*skp = sk;
	return 0;
}

/* "10.0.0.1/32" for messages. */
static const char *
netif_ntop(int family, const void *a, int plen, char *buf, size_t len)
{
	char	tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, tmp, sizeof tmp) == NULL)
		snprintf(tmp, sizeof tmp, "?");
	if (plen >= 0)
		snprintf(buf, len, "%s/%d", tmp, plen);
	else
		snprintf(buf, len, "%s", tmp);
	return buf;
}

static size_t
netif_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int
netif_tun_open(const char *ifname, int *fdp, char **cause)
{
	struct ifreq	ifr;
	int		fd, rc;

	if (strlen(ifname) == 0 || strlen(ifname) >= IFNAMSIZ)
		return netif_fail(cause, -EINVAL, "interface name \"%s\" must "
		    "have 1 to %d characters", ifname, IFNAMSIZ - 1);
	if ((fd = open(NETIF_TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		rc = -errno;
		return netif_fail(cause, rc, "cannot open %s: %s",
		    NETIF_TUN_PATH, strerror(-rc));
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		close(fd);
		return netif_fail(cause, rc, "cannot create TUN device %s: %s",
		    ifname, strerror(-rc));
	}
	log_info("%s: netif tun=open fd=%d", ifname, fd);
	*fdp = fd;
	return 0;
}

int
netif_index(const char *ifname)
{
	unsigned int	idx;

	if ((idx = if_nametoindex(ifname)) == 0)
		return -errno;
	if (idx > INT_MAX)
		return -ERANGE;
	return (int)idx;
}

/* Apply 'change' to the link ifindex; 'what' names the change in errors. */
static int
netif_link_change(int ifindex, struct rtnl_link *change, const char *what,
    char **cause)
{
	struct nl_sock	*sk;
	struct rtnl_link *orig = NULL;
	int		 err, rc;

	if ((rc = netif_sock(&sk, cause)) != 0)
		return rc;
	if ((err = rtnl_link_get_kernel(sk, ifindex, NULL, &orig)) < 0) {
		rc = netif_fail(cause, netif_errno(err), "no interface with "
		    "index %d: %s", ifindex, nl_geterror(err));
		goto out;
	}
	if ((err = rtnl_link_change(sk, orig, change, 0)) < 0) {
		rc = netif_fail(cause, netif_errno(err), "cannot set %s on "
		    "%s: %s", what, rtnl_link_get_name(orig), nl_geterror(err));
		goto out;
	}
	log_info("%s: netif %s", rtnl_link_get_name(orig), what);
	rc = 0;
out:
	if (orig != NULL)
		rtnl_link_put(orig);
	nl_socket_free(sk);
	return rc;
}

int
netif_set_mtu(int ifindex, unsigned int mtu, char **cause)
{
	struct rtnl_link	*change;
	char			 what[32];
	int			 rc;

	if ((change = rtnl_link_alloc()) == NULL)
		return netif_fail(cause, -ENOMEM, "out of memory");
	rtnl_link_set_mtu(change, mtu);
	snprintf(what, sizeof what, "mtu=%u", mtu);
	rc = netif_link_change(ifindex, change, what, cause);
	rtnl_link_put(change);
	return rc;
}

int
netif_set_up(int ifindex, int up, char **cause)
{
	struct rtnl_link	*change;
	int			 rc;

	if ((change = rtnl_link_alloc()) == NULL)
		return netif_fail(cause, -ENOMEM, "out of memory");
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	rc = netif_link_change(ifindex, change, up ? "link=up" : "link=down",
	    cause);
	rtnl_link_put(change);
	return rc;
}

/* Add one address: local (with prefix length plen), and a peer or NULL. */
static int
netif_addr_add(int ifindex, int family, const void *local, int plen,
    const void *peer, int flags, char **cause)
{
	struct nl_sock		*sk;
	struct rtnl_addr	*addr = NULL;
	struct nl_addr		*l = NULL, *p = NULL;
	size_t			 alen = netif_addr_len(family);
	char			 ls[64], ps[64];
	int			 err, rc;

	if ((rc = netif_sock(&sk, cause)) != 0)
		return rc;
	rc = -ENOMEM;
	if ((addr = rtnl_addr_alloc()) == NULL ||
	    (l = nl_addr_build(family, local, alen)) == NULL ||
	    (peer != NULL && (p = nl_addr_build(family, peer, alen)) == NULL)) {
		rc = netif_fail(cause, -ENOMEM, "out of memory");
		goto out;
	}
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_family(addr, family);
	nl_addr_set_prefixlen(l, plen);
	rtnl_addr_set_local(addr, l);
	if (p != NULL) {
		nl_addr_set_prefixlen(p, plen);
		rtnl_addr_set_peer(addr, p);
	}
	rtnl_addr_set_prefixlen(addr, plen);
	if (flags != 0)
		rtnl_addr_set_flags(addr, flags);
	netif_ntop(family, local, plen, ls, sizeof ls);
	if (peer != NULL)
		netif_ntop(family, peer, -1, ps, sizeof ps);
	if ((err = rtnl_addr_add(sk, addr, 0)) < 0) {
		rc = netif_fail(cause, netif_errno(err), "cannot add address "
		    "%s%s%s on interface %d: %s", ls, peer ? " peer " : "",
		    peer ? ps : "", ifindex, nl_geterror(err));
		goto out;
	}
	log_info("netif ifindex=%d address=%s%s%s", ifindex, ls,
	    peer ? " peer=" : "", peer ? ps : "");
	rc = 0;
out:
	if (p != NULL)
		nl_addr_put(p);
	if (l != NULL)
		nl_addr_put(l);
	if (addr != NULL)
		rtnl_addr_put(addr);
	nl_socket_free(sk);
	return rc;
}

int
netif_addr4_add(int ifindex, struct in_addr local, struct in_addr remote,
    char **cause)
{
	return netif_addr_add(ifindex, AF_INET, &local, 32, &remote, 0, cause);
}

int
netif_addr6_ll_add(int ifindex, const unsigned char iid[8], char **cause)
{
	struct in6_addr	a;

	memset(&a, 0, sizeof a);
	a.s6_addr[0] = 0xfe;
	a.s6_addr[1] = 0x80;
	memcpy(&a.s6_addr[8], iid, 8);
	/* The peer is the only other node on the link: no DAD wait. */
	return netif_addr_add(ifindex, AF_INET6, &a, 64, NULL, IFA_F_NODAD,
	    cause);
}

struct netif_routes *
netif_routes_new(void)
{
	struct netif_routes	*r;

	if ((r = calloc(1, sizeof *r)) == NULL)
		abort();
	return r;
}

void
netif_routes_free(struct netif_routes *r)
{
	if (r == NULL)
		return;
	netif_routes_flush(r);
	free(r->routes);
	free(r);
}

/* Describe a route for logs and errors: "10.0.0.0/8 dev 5 via 192.0.2.1 metric 7". */
static void
netif_route_text(struct rtnl_route *route, char *buf, size_t len)
{
	struct rtnl_nexthop	*nh = rtnl_route_nexthop_n(route, 0);
	char			 dst[64], gw[64];

	nl_addr2str(rtnl_route_get_dst(route), dst, sizeof dst);
	if (nh != NULL && rtnl_route_nh_get_gateway(nh) != NULL) {
		nl_addr2str(rtnl_route_nh_get_gateway(nh), gw, sizeof gw);
		snprintf(buf, len, "%s via %s ifindex %d metric %u", dst, gw,
		    rtnl_route_nh_get_ifindex(nh),
		    rtnl_route_get_priority(route));
	} else
		snprintf(buf, len, "%s ifindex %d metric %u", dst,
		    nh ? rtnl_route_nh_get_ifindex(nh) : 0,
		    rtnl_route_get_priority(route));
}

/* Add a route and record it; the set takes the reference on success. */
static int
netif_route_install(struct netif_routes *r, struct rtnl_route *route,
    char **cause)
{
	struct nl_sock		 *sk;
	struct rtnl_route	**grown;
	char			  text[160];
	int			  err, rc;

	netif_route_text(route, text, sizeof text);
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;

		if ((grown = reallocarray(r->routes, cap, sizeof *grown)) ==
		    NULL)
			return netif_fail(cause, -ENOMEM, "out of memory");
		r->routes = grown;
		r->cap = cap;
	}
	if ((rc = netif_sock(&sk, cause)) != 0)
		return rc;
	/* NLM_F_EXCL: a route someone else made is never taken over. */
	if ((err = rtnl_route_add(sk, route, NLM_F_EXCL)) < 0) {
		nl_socket_free(sk);
		return netif_fail(cause, netif_errno(err), "cannot add route "
		    "%s: %s", text, nl_geterror(err));
	}
	nl_socket_free(sk);
	log_info("netif route=add %s", text);
	r->routes[r->n++] = route;
	return 0;
}

void
netif_routes_flush(struct netif_routes *r)
{
	struct nl_sock	*sk = NULL;
	char		 text[160];
	int		 err;

	if (r == NULL || r->n == 0)
		return;
	if (netif_sock(&sk, NULL) != 0)
		log_warn("netif cannot open netlink to remove routes");
	/* Newest first: a route may depend on an older one. */
	while (r->n > 0) {
		struct rtnl_route *route = r->routes[--r->n];

		netif_route_text(route, text, sizeof text);
		if (sk != NULL && (err = rtnl_route_delete(sk, route, 0)) < 0 &&
		    netif_errno(err) != -ENOENT && netif_errno(err) != -ENODEV)
			log_warn("netif cannot remove route %s: %s", text,
			    nl_geterror(err));
		else
			log_info("netif route=del %s", text);
		rtnl_route_put(route);
	}
	if (sk != NULL)
		nl_socket_free(sk);
}

/* A main-table static route to dst/plen, without a next hop yet. */
static struct rtnl_route *
netif_route_new(int family, const void *dst, int plen, unsigned int metric)
{
	struct rtnl_route	*route;
	struct nl_addr		*d;

	if ((route = rtnl_route_alloc()) == NULL)
		return NULL;
	if ((d = nl_addr_build(family, dst, netif_addr_len(family))) == NULL) {
		rtnl_route_put(route);
		return NULL;
	}
	nl_addr_set_prefixlen(d, plen);
	rtnl_route_set_family(route, family);
	rtnl_route_set_dst(route, d);
	nl_addr_put(d);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, NETIF_RTPROT_SSTPCD);
	rtnl_route_set_type(route, RTN_UNICAST);
	rtnl_route_set_priority(route, metric);
	return route;
}

int
netif_route_add_dev(struct netif_routes *r, int family, const void *dst,
    int plen, int ifindex, unsigned int metric, char **cause)
{
	struct rtnl_route	*route;
	struct rtnl_nexthop	*nh;
	int			 rc;

	if (netif_addr_len(family) == 0 || plen < 0 ||
	    (size_t)plen > netif_addr_len(family) * 8)
		return netif_fail(cause, -EINVAL, "bad route prefix length %d",
		    plen);
	if ((route = netif_route_new(family, dst, plen, metric)) == NULL ||
	    (nh = rtnl_route_nh_alloc()) == NULL) {
		if (route != NULL)
			rtnl_route_put(route);
		return netif_fail(cause, -ENOMEM, "out of memory");
	}
	rtnl_route_set_scope(route, family == AF_INET ? RT_SCOPE_LINK :
	    RT_SCOPE_UNIVERSE);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(route, nh);
	if ((rc = netif_route_install(r, route, cause)) != 0)
		rtnl_route_put(route);
	return rc;
}

int
netif_route_add_server(struct netif_routes *r, int family, const void *server,
    char **cause)
{
	struct nl_sock		*sk;
	struct nl_addr		*dst = NULL, *gw;
	struct rtnl_route	*found = NULL, *route = NULL;
	struct rtnl_nexthop	*fnh, *nh;
	char			 text[64];
	int			 err, rc, plen;

	plen = (int)netif_addr_len(family) * 8;
	if (plen == 0)
		return netif_fail(cause, -EAFNOSUPPORT, "unknown address "
		    "family %d", family);
	netif_ntop(family, server, -1, text, sizeof text);
	if ((rc = netif_sock(&sk, cause)) != 0)
		return rc;
	if ((dst = nl_addr_build(family, server, (size_t)plen / 8)) == NULL) {
		rc = netif_fail(cause, -ENOMEM, "out of memory");
		goto out;
	}
	if ((err = rtnl_route_lookup(sk, dst, &found)) < 0) {
		rc = netif_fail(cause, netif_errno(err), "no route to the "
		    "server %s: %s", text, nl_geterror(err));
		goto out;
	}
	fnh = rtnl_route_nexthop_n(found, 0);
	if (rtnl_route_get_type(found) != RTN_UNICAST || fnh == NULL ||
	    rtnl_route_nh_get_gateway(fnh) == NULL) {
		/* On-link or local: nothing can loop through the tunnel. */
		log_info("netif server=%s on-link: no host route", text);
		rc = 0;
		goto out;
	}
	if ((route = netif_route_new(family, server, plen, 0)) == NULL ||
	    (nh = rtnl_route_nh_alloc()) == NULL ||
	    (gw = nl_addr_clone(rtnl_route_nh_get_gateway(fnh))) == NULL) {
		rc = netif_fail(cause, -ENOMEM, "out of memory");
		goto out;
	}
	rtnl_route_nh_set_ifindex(nh, rtnl_route_nh_get_ifindex(fnh));
	rtnl_route_nh_set_gateway(nh, gw);
	nl_addr_put(gw);
	rtnl_route_add_nexthop(route, nh);
	rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	if ((rc = netif_route_install(r, route, cause)) == 0)
		route = NULL;
	else if (rc == -EEXIST) {
		/* Another tunnel to this server made it: it is not ours. */
		log_info("netif server=%s host route exists already", text);
		free(cause != NULL ? *cause : NULL);
		if (cause != NULL)
			*cause = NULL;
		rc = 0;
	}
out:
	if (route != NULL)
		rtnl_route_put(route);
	if (found != NULL)
		rtnl_route_put(found);
	if (dst != NULL)
		nl_addr_put(dst);
	nl_socket_free(sk);
	return rc;
}

struct netif_purge {
	struct nl_sock	*sk;
	int		 removed;
	int		 err;
};

static void
netif_purge_one(struct nl_object *obj, void *arg)
{
	struct rtnl_route	*route = (struct rtnl_route *)obj;
	struct netif_purge	*p = arg;
	char			 text[160];
	int			 err;

	if (rtnl_route_get_protocol(route) != NETIF_RTPROT_SSTPCD)
		return;
	netif_route_text(route, text, sizeof text);
	if ((err = rtnl_route_delete(p->sk, route, 0)) < 0 &&
	    netif_errno(err) != -ENOENT && netif_errno(err) != -ESRCH) {
		log_warn("netif cannot remove stale route %s table %u: %s",
		    text, rtnl_route_get_table(route), nl_geterror(err));
		p->err = netif_errno(err);
		return;
	}
	log_info("netif route=stale-del %s table %u", text,
	    rtnl_route_get_table(route));
	p->removed++;
}

int
netif_routes_purge_stale(char **cause)
{
	static const int	 families[] = { AF_INET, AF_INET6 };
	struct netif_purge	 p;
	struct nl_cache		*cache;
	size_t			 i;
	int			 err, rc;

	memset(&p, 0, sizeof p);
	if ((rc = netif_sock(&p.sk, cause)) != 0)
		return rc;
	for (i = 0; i < sizeof families / sizeof families[0]; i++) {
		if ((err = rtnl_route_alloc_cache(p.sk, families[i], 0,
		    &cache)) < 0) {
			nl_socket_free(p.sk);
			return netif_fail(cause, netif_errno(err), "cannot "
			    "list the %s routes: %s", families[i] == AF_INET ?
			    "IPv4" : "IPv6", nl_geterror(err));
		}
		nl_cache_foreach(cache, netif_purge_one, &p);
		nl_cache_free(cache);
	}
	nl_socket_free(p.sk);
	if (p.err != 0 && p.removed == 0)
		return netif_fail(cause, p.err, "cannot remove stale routes "
		    "of protocol %d", NETIF_RTPROT_SSTPCD);
	return p.removed;
}

int
netif_prefix_parse(const char *s, int *family, void *dst, int *plen)
{
	char		 addr[INET6_ADDRSTRLEN + 1];
	const char	*slash;
	unsigned char	*b = dst;
	size_t		 alen;
	long		 len;
	char		*end;
	int		 fam, i;

	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof addr)
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	fam = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(fam, addr, dst) != 1)
		return -EINVAL;
	alen = netif_addr_len(fam);
	if (slash == NULL)
		len = (long)alen * 8;
	else {
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		len = strtol(slash + 1, &end, 10);
		if (errno != 0 || *end != '\0' || len > (long)alen * 8)
			return -EINVAL;
	}
	/* No host bits: "10.1.0.0/8" is a typo the kernel would refuse. */
	for (i = 0; i < (int)alen * 8; i++) {
		if (i >= len && (b[i / 8] & (0x80 >> (i % 8))))
			return -EINVAL;
	}
	*family = fam;
	*plen = (int)len;
	return 0;
}

/* The resolvconf program, or NULL. */
static const char *
netif_resolvconf(void)
{
	static const char *paths[] = {
		"/sbin/resolvconf", "/usr/sbin/resolvconf", "/usr/bin/resolvconf"
	};
	size_t	i;

	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	}
	return NULL;
}

/*
 * Run 'resolvconf flag ifname' with 'input' on its standard input, waiting
 * at most NETIF_RESOLVCONF_MS.  It is short-lived and rare (tunnel up and
 * down), so it runs to completion here.
 */
static int
netif_run_resolvconf(const char *prog, const char *flag, const char *ifname,
    const char *input, char **cause)
{
	int		 fds[2], status, rc, waited = 0;
	pid_t		 pid, w;
	size_t		 off = 0, len = strlen(input);
	ssize_t		 n;
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };

	if (pipe2(fds, O_CLOEXEC) < 0) {
		rc = -errno;
		return netif_fail(cause, rc, "pipe: %s", strerror(-rc));
	}
	if ((pid = fork()) < 0) {
		rc = -errno;
		close(fds[0]);
		close(fds[1]);
		return netif_fail(cause, rc, "fork: %s", strerror(-rc));
	}
	if (pid == 0) {
		if (dup2(fds[0], STDIN_FILENO) < 0)
			_exit(127);
		syscall(SYS_close_range, 3U, ~0U, 0U);
		execl(prog, prog, flag, ifname, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	while (off < len) {
		if ((n = write(fds[1], input + off, len - off)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	close(fds[1]);
	while ((w = waitpid(pid, &status, WNOHANG)) == 0) {
		if (waited >= NETIF_RESOLVCONF_MS) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return netif_fail(cause, -ETIMEDOUT, "%s %s %s did not "
			    "finish within %d s", prog, flag, ifname,
			    NETIF_RESOLVCONF_MS / 1000);
		}
		nanosleep(&ts, NULL);
		waited += 10;
	}
	if (w < 0) {
		rc = -errno;
		return netif_fail(cause, rc, "waitpid: %s", strerror(-rc));
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return netif_fail(cause, -EIO, "%s %s %s failed (%s %d)", prog,
		    flag, ifname, WIFEXITED(status) ? "exit status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

int
netif_dns_set(const char *ifname, struct in_addr dns1, struct in_addr dns2,
    char **cause)
{
	const char	*prog = netif_resolvconf();
	char		 text[128], a1[INET_ADDRSTRLEN], a2[INET_ADDRSTRLEN];
	int		 rc;

	if (prog == NULL)
		return netif_fail(cause, -ENOENT, "resolvconf is not "
		    "installed: peer DNS servers not applied");
	inet_ntop(AF_INET, &dns1, a1, sizeof a1);
	inet_ntop(AF_INET, &dns2, a2, sizeof a2);
	text[0] = '\0';
	if (dns1.s_addr != 0)
		snprintf(text, sizeof text, "nameserver %s\n", a1);
	if (dns2.s_addr != 0 && dns2.s_addr != dns1.s_addr)
		snprintf(text + strlen(text), sizeof text - strlen(text),
		    "nameserver %s\n", a2);
	if (text[0] == '\0')
		return 0;
	if ((rc = netif_run_resolvconf(prog, "-a", ifname, text, cause)) != 0)
		return rc;
	log_info("%s: netif dns=%s%s%s", ifname, a1,
	    dns2.s_addr != 0 ? "," : "", dns2.s_addr != 0 ? a2 : "");
	return 0;
}

void
netif_dns_clear(const char *ifname)
{
	const char	*prog = netif_resolvconf();
	char		*cause = NULL;

	if (prog == NULL)
		return;
	if (netif_run_resolvconf(prog, "-d", ifname, "", &cause) != 0) {
		log_warn("%s: netif %s", ifname, cause ? cause : "resolvconf "
		    "-d failed");
		free(cause);
		return;
	}
	log_info("%s: netif dns=cleared", ifname);
}

int
netif_dns_clear_stale(const char *ifname)
{
	/* Debian's resolvconf, then openresolv. */
	static const char *dirs[] = {
		"/run/resolvconf/interface", "/run/resolvconf/interfaces"
	};
	char	path[PATH_MAX];
	size_t	i;

	if (netif_resolvconf() == NULL || strchr(ifname, '/') != NULL ||
	    ifname[0] == '.' || ifname[0] == '\0')
		return 0;
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dirs[i], ifname);
		if (access(path, F_OK) == 0) {
			log_info("%s: netif stale resolvconf record", ifname);
			netif_dns_clear(ifname);
			return 1;
		}
	}
	return 0;
}

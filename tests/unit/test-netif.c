/* test-netif.c - TUN, MTU, addresses, routes and the server host route, in a network namespace of the test's own. */
#include "config.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <unistd.h>

#include "log.h"
#include "netif.h"
#include "t.h"

/* Run a shell command (in our namespace) and return its output. */
static const char *
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
sh(const char *fmt, ...)
{
	static char	 out[16384];
	char		 cmd[1024];
	va_list		 ap;
	FILE		*f;
	size_t		 n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	out[0] = '\0';
	if ((f = popen(cmd, "r")) == NULL)
		return out;
	n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	pclose(f);
	return out;
}

static int
has(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		return 1;
	fprintf(stderr, "\"%s\" not in:\n%s\n", needle, hay);
	return 0;
}

static int
lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		return 1;
	fprintf(stderr, "\"%s\" still in:\n%s\n", needle, hay);
	return 0;
}

/* Prefix parsing needs no privileges. */
static void
test_prefix(void)
{
	unsigned char	a[16];
	int		fam, plen;

	T_EQ_INT(netif_prefix_parse("10.0.0.0/8", &fam, a, &plen), 0);
	T_EQ_INT(fam, AF_INET);
	T_EQ_INT(plen, 8);
	T_EQ_INT(a[0], 10);
	T_EQ_INT(netif_prefix_parse("0.0.0.0/0", &fam, a, &plen), 0);
	T_EQ_INT(plen, 0);
	T_EQ_INT(netif_prefix_parse("192.0.2.7", &fam, a, &plen), 0);
	T_EQ_INT(plen, 32);
	T_EQ_INT(netif_prefix_parse("2001:db8::/32", &fam, a, &plen), 0);
	T_EQ_INT(fam, AF_INET6);
	T_EQ_INT(plen, 32);
	T_EQ_INT(a[1], 0x01);
	T_EQ_INT(a[2], 0x0d);
	T_EQ_INT(netif_prefix_parse("::/0", &fam, a, &plen), 0);
	T_EQ_INT(plen, 0);
	T_EQ_INT(netif_prefix_parse("2001:db8::1", &fam, a, &plen), 0);
	T_EQ_INT(plen, 128);

	T_EQ_INT(netif_prefix_parse("10.1.0.0/8", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("10.0.0.0/33", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("10.0.0.0/", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("10.0.0.0/-1", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("10.0.0.0/8x", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("10.0.0/8", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("/8", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("2001:db8::/129", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("2001:db8::1/64", &fam, a, &plen), -EINVAL);
	T_EQ_INT(netif_prefix_parse("host.example/24", &fam, a, &plen), -EINVAL);
}

static void
test_tun(const char *tun)
{
	struct netif_routes	*r;
	struct in_addr		 local, remote, net;
	unsigned char		 iid[8] = { 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33,
	    0x44, 0x55 };
	unsigned char		 v6[16];
	char			*cause = NULL;
	int			 fd = -1, idx, fam, plen;

	T_EQ_INT(netif_tun_open(tun, &fd, &cause), 0);
	T_CHECK(fd >= 0);
	T_CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	idx = netif_index(tun);
	T_CHECK(idx > 0);
	T_CHECK(has(sh("ip -d link show dev %s", tun), "tun type tun"));

	T_EQ_INT(netif_set_mtu(idx, 1400, &cause), 0);
	T_EQ_INT(netif_set_up(idx, 1, &cause), 0);
	T_CHECK(has(sh("ip -j link show dev %s", tun), "\"mtu\":1400"));
	T_CHECK(has(sh("ip link show dev %s", tun), ",UP"));

	inet_pton(AF_INET, "10.44.0.2", &local);
	inet_pton(AF_INET, "10.44.0.1", &remote);
	T_EQ_INT(netif_addr4_add(idx, local, remote, &cause), 0);
	T_CHECK(has(sh("ip -4 -o addr show dev %s", tun),
	    "inet 10.44.0.2 peer 10.44.0.1/32"));
	/* The same address twice: an error that says so. */
	T_EQ_INT(netif_addr4_add(idx, local, remote, &cause), -EEXIST);
	T_CHECK(cause != NULL && has(cause, "10.44.0.2/32 peer 10.44.0.1"));
	free(cause);
	cause = NULL;

	T_EQ_INT(netif_addr6_ll_add(idx, iid, &cause), 0);
	T_CHECK(has(sh("ip -6 -o addr show dev %s", tun),
	    "inet6 fe80::211:22ff:fe33:4455/64"));

	r = netif_routes_new();
	inet_pton(AF_INET, "10.45.0.0", &net);
	T_EQ_INT(netif_route_add_dev(r, AF_INET, &net, 16, idx, 7, &cause), 0);
	net.s_addr = 0;
	T_EQ_INT(netif_route_add_dev(r, AF_INET, &net, 0, idx, 20, &cause), 0);
	T_EQ_INT(netif_prefix_parse("2001:db8:44::/48", &fam, v6, &plen), 0);
	T_EQ_INT(netif_route_add_dev(r, fam, v6, plen, idx, 5, &cause), 0);
	T_CHECK(has(sh("ip -4 route show dev %s", tun),
	    "10.45.0.0/16 proto 157 scope link metric 7"));
	T_CHECK(has(sh("ip -4 route show dev %s", tun),
	    "default proto 157 scope link metric 20"));
	T_CHECK(has(sh("ip -6 route show dev %s", tun),
	    "2001:db8:44::/48 proto 157 metric 5"));
	/* An identical route is refused, and not recorded twice. */
	T_EQ_INT(netif_route_add_dev(r, AF_INET, &net, 0, idx, 20, &cause),
	    -EEXIST);
	T_CHECK(cause != NULL && has(cause, "cannot add route"));
	free(cause);
	cause = NULL;
	/* A route someone else made stays after our flush. */
	sh("ip route add 10.46.0.0/16 dev %s metric 9", tun);

	netif_routes_flush(r);
	T_CHECK(lacks(sh("ip -4 route show dev %s", tun), "10.45.0.0/16"));
	T_CHECK(lacks(sh("ip -4 route show dev %s", tun), "default"));
	T_CHECK(lacks(sh("ip -6 route show dev %s", tun), "2001:db8:44::"));
	T_CHECK(has(sh("ip -4 route show dev %s", tun), "10.46.0.0/16"));
	/* Flushing again, and freeing, remove nothing more. */
	netif_routes_flush(r);
	netif_routes_free(r);
	T_CHECK(has(sh("ip -4 route show dev %s", tun), "10.46.0.0/16"));
	netif_routes_free(NULL);

	/* Errors carry libnl's text. */
	r = netif_routes_new();
	T_CHECK(netif_route_add_dev(r, AF_INET, &net, 0, 99999, 1, &cause) < 0);
	T_CHECK(cause != NULL && has(cause, "cannot add route 0.0.0.0/0"));
	free(cause);
	cause = NULL;
	T_EQ_INT(netif_route_add_dev(r, AF_INET, &net, 33, idx, 1, &cause),
	    -EINVAL);
	free(cause);
	cause = NULL;
	netif_routes_free(r);
	T_CHECK(netif_set_mtu(99999, 1400, &cause) < 0);
	T_CHECK(cause != NULL && has(cause, "99999"));
	free(cause);
	cause = NULL;

	T_EQ_INT(netif_set_up(idx, 0, &cause), 0);
	T_CHECK(lacks(sh("ip link show dev %s", tun), ",UP"));
	/* Closing the TUN removes the device and all it held. */
	close(fd);
	T_EQ_INT(netif_index(tun), -ENODEV);
	T_CHECK(lacks(sh("ip -o addr"), "10.44.0.2"));

	/* Names that cannot be. */
	T_EQ_INT(netif_tun_open("a-name-longer-than-15", &fd, &cause), -EINVAL);
	free(cause);
	cause = NULL;
}

/* The host route to the server goes through the route used before the tunnel. */
static void
test_server_route(const char *veth, const char *peer)
{
	struct netif_routes	*r;
	struct in_addr		 server, onlink;
	unsigned char		 v6[16];
	char			*cause = NULL;
	int			 fam, plen;

	sh("ip link add %s type veth peer name %s 2>&1", veth, peer);
	if (netif_index(veth) < 0) {
		printf("note: no veth here, server route not tested\n");
		return;
	}
	sh("ip addr add 192.0.2.2/24 dev %s; ip link set %s up; "
	    "ip link set %s up; ip route add default via 192.0.2.1 dev %s; "
	    "ip -6 addr add 2001:db8:1::2/64 dev %s nodad; "
	    "ip -6 route add default via 2001:db8:1::1 dev %s", veth, veth,
	    peer, veth, veth, veth);

	r = netif_routes_new();
	inet_pton(AF_INET, "198.51.100.7", &server);
	T_EQ_INT(netif_route_add_server(r, AF_INET, &server, &cause), 0);
	T_CHECK(has(sh("ip -4 route show 198.51.100.7"),
	    "198.51.100.7 via 192.0.2.1 dev"));
	T_CHECK(has(sh("ip -4 route show 198.51.100.7"), "proto 157"));
	/* On the link itself: nothing to add. */
	inet_pton(AF_INET, "192.0.2.9", &onlink);
	T_EQ_INT(netif_route_add_server(r, AF_INET, &onlink, &cause), 0);
	T_CHECK(lacks(sh("ip -4 route show 192.0.2.9/32"), "192.0.2.9"));
	/* A second tunnel to the same server leaves the route to the first. */
	T_EQ_INT(netif_route_add_server(r, AF_INET, &server, &cause), 0);

	T_EQ_INT(netif_prefix_parse("2001:db8:99::7", &fam, v6, &plen), 0);
	T_EQ_INT(netif_route_add_server(r, AF_INET6, v6, &cause), 0);
	T_CHECK(has(sh("ip -6 route show 2001:db8:99::7"),
	    "2001:db8:99::7 via 2001:db8:1::1 dev"));

	netif_routes_flush(r);
	T_CHECK(lacks(sh("ip -4 route show"), "198.51.100.7"));
	T_CHECK(lacks(sh("ip -6 route show"), "2001:db8:99::7"));
	/* The gateway routes were not ours and stay. */
	T_CHECK(has(sh("ip -4 route show"), "default via 192.0.2.1"));
	T_CHECK(has(sh("ip -6 route show"), "default via 2001:db8:1::1"));
	netif_routes_free(r);

	/* Start-up: routes of protocol 157 (a killed daemon's) go, no other. */
	sh("ip route add 203.0.113.0/24 via 192.0.2.1 proto 157; "
	    "ip route add 203.0.114.0/24 via 192.0.2.1 proto static; "
	    "ip route add 203.0.115.0/24 via 192.0.2.1 proto 157 table 77; "
	    "ip -6 route add 2001:db8:77::/48 via 2001:db8:1::1 proto 157");
	T_CHECK(has(sh("ip route show proto 157 table all"), "203.0.115.0/24"));
	T_EQ_INT(netif_routes_purge_stale(&cause), 3);
	T_CHECK(lacks(sh("ip route show table all"), "203.0.113.0/24"));
	T_CHECK(lacks(sh("ip route show table all"), "203.0.115.0/24"));
	T_CHECK(lacks(sh("ip -6 route show table all"), "2001:db8:77::"));
	T_CHECK(has(sh("ip route show"), "203.0.114.0/24 via 192.0.2.1"));
	T_CHECK(has(sh("ip -4 route show"), "default via 192.0.2.1"));
	T_EQ_INT(netif_routes_purge_stale(&cause), 0);

	/* No route at all: a clear error. */
	sh("ip route del default; ip -6 route del default");
	r = netif_routes_new();
	T_CHECK(netif_route_add_server(r, AF_INET, &server, &cause) < 0);
	T_CHECK(cause != NULL && has(cause, "no route to the server "
	    "198.51.100.7"));
	free(cause);
	netif_routes_free(r);
	sh("ip link del %s", veth);
}

static void
test_dns(void)
{
	struct in_addr	 d1, d2;
	char		*cause = NULL;

	if (access("/sbin/resolvconf", X_OK) == 0 ||
	    access("/usr/sbin/resolvconf", X_OK) == 0 ||
	    access("/usr/bin/resolvconf", X_OK) == 0) {
		/* Never touch the host's resolver from a unit test. */
		printf("note: resolvconf present, DNS not tested\n");
		return;
	}
	inet_pton(AF_INET, "192.0.2.53", &d1);
	d2.s_addr = 0;
	T_EQ_INT(netif_dns_set("sstpx0", d1, d2, &cause), -ENOENT);
	T_CHECK(cause != NULL && has(cause, "resolvconf"));
	free(cause);
	netif_dns_clear("sstpx0");
}

/*
 * resolvconf for real, without touching the host: in a mount namespace of
 * a child process, a tmpfs over /usr/sbin holds a fake resolvconf that
 * records its arguments and input.
 */
static int
test_dns_fake_child(const char *dir)
{
	struct in_addr	 d1, d2;
	char		*cause = NULL, script[512], path[600];
	FILE		*f;

	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", "/usr/sbin", "tmpfs", 0, "mode=0755") != 0) {
		printf("note: no mount namespace (%s), resolvconf not tested\n",
		    strerror(errno));
		return 0;
	}
	snprintf(script, sizeof script, "#!/bin/sh\necho \"args: $*\" >> "
	    "%s/log\ncat >> %s/log\n[ \"$2\" = fail0 ] && exit 4\nexit 0\n",
	    dir, dir);
	if ((f = fopen("/usr/sbin/resolvconf", "w")) == NULL)
		return 1;
	fputs(script, f);
	fclose(f);
	chmod("/usr/sbin/resolvconf", 0755);

	inet_pton(AF_INET, "192.0.2.53", &d1);
	inet_pton(AF_INET, "192.0.2.54", &d2);
	T_EQ_INT(netif_dns_set("sstpx0", d1, d2, &cause), 0);
	netif_dns_clear("sstpx0");
	T_EQ_INT(netif_dns_set("fail0", d1, d2, &cause), -EIO);
	T_CHECK(cause != NULL && has(cause, "exit status 4"));
	free(cause);
	d1.s_addr = d2.s_addr = 0;
	T_EQ_INT(netif_dns_set("none0", d1, d2, &cause), 0);
	/* A record left by a killed daemon (Debian's resolvconf layout). */
	T_EQ_INT(mount("tmpfs", "/run", "tmpfs", 0, "mode=0755"), 0);
	T_EQ_INT(mkdir("/run/resolvconf", 0755), 0);
	T_EQ_INT(mkdir("/run/resolvconf/interface", 0755), 0);
	if ((f = fopen("/run/resolvconf/interface/stale0", "w")) != NULL)
		fclose(f);
	T_EQ_INT(netif_dns_clear_stale("stale0"), 1);
	T_EQ_INT(netif_dns_clear_stale("other0"), 0);
	T_EQ_INT(netif_dns_clear_stale("../x"), 0);
	snprintf(path, sizeof path, "cat %s/log", dir);
	T_EQ_STR(sh("%s", path), "args: -a sstpx0\nnameserver 192.0.2.53\n"
	    "nameserver 192.0.2.54\nargs: -d sstpx0\nargs: -a fail0\n"
	    "nameserver 192.0.2.53\nnameserver 192.0.2.54\n"
	    "args: -d stale0\n");
	printf("resolvconf: %d checks in the child, %d failed\n", t_checks,
	    t_failed);
	return t_failed ? 1 : 0;
}

static void
test_dns_fake(void)
{
	char	tmpl[] = "/tmp/sstp-test-netif.XXXXXX", *dir;
	pid_t	pid;
	int	status;

	if ((dir = mkdtemp(tmpl)) == NULL)
		return;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		status = test_dns_fake_child(dir);
		fflush(NULL);
		_exit(status);
	}
	T_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sh("rm -rf '%s'", dir);
}

int
main(void)
{
	char	tun[16], veth[16], peer[16];

	log_open("test-netif", 0, LOG_LVL_WARN);
	test_prefix();
	test_dns();
	if (geteuid() != 0) {
		printf("SKIP: not root (prefix parsing tested only)\n");
		return t_failed ? 1 : 77;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return t_failed ? 1 : 77;
	}
	if (access("/dev/net/tun", R_OK | W_OK) != 0) {
		printf("SKIP: no /dev/net/tun\n");
		return t_failed ? 1 : 77;
	}
	sh("ip link set lo up");
	snprintf(tun, sizeof tun, "sstp%dt", (int)getpid() % 100000);
	snprintf(veth, sizeof veth, "sstp%dv", (int)getpid() % 100000);
	snprintf(peer, sizeof peer, "sstp%dp", (int)getpid() % 100000);
	test_tun(tun);
	test_server_route(veth, peer);
	test_dns_fake();
	T_DONE();
}

/* scripts.h - run a directory of scripts at link up/down (like pppd's /etc/ppp/ip-up.d), without blocking. */
#ifndef SSTP_SCRIPTS_H
#define SSTP_SCRIPTS_H

#include <netinet/in.h>

/*
 * What the scripts are told, as pppd tells ip-up: each becomes an
 * environment variable (NULL strings and zero addresses are left out).  No
 * secret ever goes here.
 */
struct scripts_env {
	const char	*ifname;	/* IFNAME, PPP_IFACE: the kernel interface */
	const char	*device;	/* DEVICE, PPP_TTY: pty or /dev/net/tun */
	unsigned int	 speed;		/* SPEED, PPP_SPEED */
	struct in_addr	 local;		/* IPLOCAL, PPP_LOCAL */
	struct in_addr	 remote;	/* IPREMOTE, PPP_REMOTE */
	struct in_addr	 dns1;		/* DNS1 */
	struct in_addr	 dns2;		/* DNS2 */
	int		 use_peer_dns;	/* USEPEERDNS=1 */
	const char	*peername;	/* PEERNAME: the name we authenticated as */
	const char	*linkname;	/* LINKNAME: the sstpcd interface (sstp-out1) */
	const char	*ipparam;	/* IPPARAM, PPP_IPPARAM (default: linkname) */
	const char	*server;	/* SSTP_SERVER: connect-to */
	const char	*local6;	/* LLLOCAL: IPv6 link-local, or NULL */
	const char	*remote6;	/* LLREMOTE */
	/* Down only (zero at up): CONNECT_TIME, BYTES_SENT, BYTES_RCVD. */
	unsigned long long connect_time;
	unsigned long long bytes_sent;
	unsigned long long bytes_rcvd;
};

struct scripts_run;

/*
 * Run every executable in 'dir' in run-parts order (names of letters, digits,
 * '_' and '-', sorted bytewise), one after another, each in its own process
 * group with a fresh environment (PATH plus the variables above) and the
 * arguments pppd gives ip-up (ifname device speed local remote ipparam).
 * A script still running after timeout_ms is killed.  Children are reaped
 * from the event loop (common/timer.h's base); when the last one is done,
 * done_cb(arg, failures) runs with how many failed, exited non-zero or
 * timed out.  Returns NULL (and done_cb is not called) when the directory
 * holds nothing to run or cannot be read.  The run frees itself after
 * done_cb.
 */
struct scripts_run *scripts_run(const char *dir, const struct scripts_env *env,
	    unsigned int timeout_ms, void (*done_cb)(void *arg, int failures),
	    void *arg);

/* Stop a run: kill the running script, free; done_cb is not called. */
void	scripts_cancel(struct scripts_run *run);

#endif

/* pppd.c - the pppd PPP engine: pppd on a pty with our plugin, frames relayed through RFC 1662 HDLC. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "hdlc.h"
#include "log.h"
#include "ppp.h"
#include "pppd_msg.h"
#include "timer.h"

/*
 * Framing on the pty.  pppd's default is RFC 1662 async HDLC, which we
 * translate.  Its "sync" option (N_SYNC_TTY) sends bare frames instead, but
 * a pty is a byte stream with nothing to mark where a frame ends.  Measured
 * in the test VM (Debian pppd 2.4.9, kernel 6.1.0-56, TCG), two pppd back
 * to back over a pty, ping then 2 MB over TCP:
 *	async: link up in 1.5 s, 2 MB in 0.67 s, no errors;
 *	sync:  link up in 11.2 s (LCP retried), 2 MB in 18.6 s, and a
 *	       Protocol-Reject for "protocol 0xbad0": a frame cut or merged.
 * pppd's sync output read from a pty master is bare frames with nothing
 * between them, so a reader that is late cannot split them again.  So we
 * use async framing only.
 *
 * ACCM: pppd runs with "default-asyncmap", so it neither negotiates an
 * async map with the peer (meaningless over SSTP, and rejected by peers
 * such as SoftEther) nor expects anything but the default, which escapes
 * every control character in both directions.  Frames towards pppd are
 * encoded with that default map: the kernel's ppp_async silently drops
 * unescaped control characters that are in its receive map.
 *
 * Frames from the peer wait until pppd has its tty set up.  pppd sets the
 * tty's modes with TCSAFLUSH and then switches it to the PPP line
 * discipline; both throw away whatever input is pending, so a frame written
 * on the master before then is lost.  Seen in the test VM: an LCP
 * Configure-Request written right after pppd was started never reached it
 * (3 of 3 tries), one written after pppd's first byte always did; the
 * server's Configure-Request sent with the SSTP Connect Ack arrives just
 * then, and was lost until the server resent it (3 s with most servers,
 * never with one that does not resend).  pppd writes nothing on the tty
 * before the PPP discipline is in place, so its first byte (its first LCP
 * frame) says it is ready.  With "silent" pppd sends nothing first, so a
 * timer lets the frames go after PPPD_READY_MS whatever happens.
 */
#define PPPD_WBUF_SIZE		(64 * 1024)	/* bytes queued towards pppd */
#define PPPD_RBUF_SIZE		4096		/* one read from the pty */
#define PPPD_KILL_MS		5000		/* SIGTERM -> SIGKILL on stop */
#define PPPD_UP_WAIT_MS		3000		/* wait for IPv6CP after IPCP */
#define PPPD_READY_MS		2000		/* hold peer frames at most this */
#define PPPD_PLUGIN_NAME	"sstpcd-pppd-plugin.so"

enum pppd_state {
	PPPD_STARTING,
	PPPD_UP,
	PPPD_STOPPING,
	PPPD_DEAD,
};

struct ppp_engine {
	struct ppp_callbacks	 cb;
	void			*arg;
	char			 ifname[IFNAMSIZ];
	char			*password;
	int			 want_ipv6;
	enum pppd_state		 state;

	pid_t			 pid;
	int			 master;	/* pty master, non-blocking */
	int			 slave;		/* held open until pppd is gone */
	int			 lfd;		/* plugin socket, listening */
	int			 cfd;		/* plugin socket, connected */
	int			 logfd;		/* pppd's stdout and stderr */
	char			 sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char			 tmp_dir[64];	/* when we made the socket's dir */

	struct event		*ev_read;
	struct event		*ev_write;
	struct event		*ev_listen;
	struct event		*ev_ctl;
	struct event		*ev_log;
	struct event		*ev_chld;
	struct timer		 kill_timer;
	struct timer		 up_timer;
	struct timer		 ready_timer;
	int			 tty_ready;	/* pppd has written on its tty */
	unsigned long long	 start_ms;

	/* pty -> peer: one read, decoded frame by frame (may pause). */
	struct hdlc_decoder	 dec;
	uint8_t			 frame[PPP_HEADROOM + PPP_MAX_FRAME + 2];
	uint8_t			 rbuf[PPPD_RBUF_SIZE];
	size_t			 roff, rlen;
	int			 throttled;

	/* peer -> pty: encoded frames waiting for the pty. */
	uint8_t			*wbuf;
	size_t			 woff, wlen;
	unsigned long		 wdropped;

	char			 logline[256];	/* partial line from pppd */
	size_t			 loglen;
	char			 lasterr[256];	/* last notable line */

	struct ppp_link_info	 info;
	int			 ip_up, ipv6_up, up_reported, auth_reported;
	int			 down_reported;
	int			 in_cb;		/* inside a callback */
	int			 free_pending;	/* free() called from one */
};

/* Search for pppd where Debian and local installs put it. */
static const char *
pppd_find(const char *configured)
{
	static const char *const dirs[] = {
		"/usr/sbin/pppd", "/sbin/pppd", "/usr/local/sbin/pppd",
	};
	size_t i;

	if (configured != NULL && *configured != '\0')
		return access(configured, X_OK) == 0 ? configured : NULL;
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (access(dirs[i], X_OK) == 0)
			return dirs[i];
	}
	return NULL;
}

/* The plugin: $SSTPCD_PPPD_PLUGIN (tests, uninstalled builds) or pppd's dir. */
static const char *
pppd_plugin_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("SSTPCD_PPPD_PLUGIN");

	if (env != NULL && *env != '\0')
		return env;
	snprintf(path, sizeof path, "%s/%s", PPPD_PLUGIN_DIR, PPPD_PLUGIN_NAME);
	return path;
}

static int
pppd_available(const char **why)
{
	int fd;

	if (pppd_find(NULL) == NULL) {
		*why = "pppd is not installed (Debian package ppp)";
		return 0;
	}
	if (access(pppd_plugin_path(), R_OK) != 0) {
		*why = "the sstpcd pppd plugin is not installed (built without ppp-dev?)";
		return 0;
	}
	fd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
	if (fd == -1) {
		*why = errno == ENOENT || errno == ENODEV || errno == ENXIO ?
		    "the kernel has no PPP support (/dev/ppp; module ppp_generic)" :
		    "cannot open /dev/ppp (not root?)";
		return 0;
	}
	close(fd);
	*why = NULL;
	return 1;
}

/* pppd's exit codes (pppd(8) "EXIT STATUS") as sentences. */
static const char *
pppd_exit_text(int code)
{
	static const char *const text[] = {
		"pppd exited",					/* 0 */
		"pppd hit a fatal error",			/* 1 */
		"pppd rejected its options",			/* 2 */
		"pppd must run as root",			/* 3 */
		"the kernel has no PPP support",		/* 4 */
		"pppd stopped on request",			/* 5 */
		"pppd could not lock the device",		/* 6 */
		"pppd could not open the pty",			/* 7 */
		"the connect script failed",			/* 8 */
		"the pty command failed",			/* 9 */
		"PPP negotiation failed",			/* 10 */
		"the peer failed to authenticate",		/* 11 */
		"the link was idle too long",			/* 12 */
		"the connect time limit was reached",		/* 13 */
		"callback negotiated",				/* 14 */
		"the peer stopped answering LCP echo requests", /* 15 */
		"the link hung up",				/* 16 */
		"a loopback was detected",			/* 17 */
		"the init script failed",			/* 18 */
		"authentication failed",			/* 19 */
		"the traffic limit was reached",		/* 20 */
		"the CNID authentication failed",		/* 21 */
	};

	if (code >= 0 && (size_t)code < sizeof text / sizeof text[0])
		return text[code];
	return "pppd failed";
}

/* Free now, or after the callback we are inside returns. */
static void	pppd_free(struct ppp_engine *);
static void	pppd_destroy(struct ppp_engine *);
static void	pppd_log_drain(struct ppp_engine *);

static void
pppd_cb_enter(struct ppp_engine *e)
{
	e->in_cb++;
}

/* Returns 1 when the engine is gone and the caller must not touch it. */
static int
pppd_cb_leave(struct ppp_engine *e)
{
	if (--e->in_cb == 0 && e->free_pending) {
		pppd_destroy(e);
		return 1;
	}
	return e->free_pending;
}

static void
pppd_close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

static void
pppd_del_event(struct event **ev)
{
	if (*ev != NULL)
		event_free(*ev);
	*ev = NULL;
}

/* Drop the plugin listener (once connected or on teardown). */
static void
pppd_close_listener(struct ppp_engine *e)
{
	pppd_del_event(&e->ev_listen);
	pppd_close_fd(&e->lfd);
	if (e->sock_path[0] != '\0')
		unlink(e->sock_path);
	e->sock_path[0] = '\0';
	if (e->tmp_dir[0] != '\0')
		rmdir(e->tmp_dir);
	e->tmp_dir[0] = '\0';
}

/* Everything but the process: events, fds, socket. */
static void
pppd_release(struct ppp_engine *e)
{
	timer_stop(&e->kill_timer);
	timer_stop(&e->up_timer);
	timer_stop(&e->ready_timer);
	pppd_del_event(&e->ev_read);
	pppd_del_event(&e->ev_write);
	pppd_del_event(&e->ev_ctl);
	pppd_del_event(&e->ev_log);
	pppd_del_event(&e->ev_chld);
	pppd_close_listener(e);
	pppd_close_fd(&e->cfd);
	pppd_close_fd(&e->logfd);
	pppd_close_fd(&e->master);
	pppd_close_fd(&e->slave);
}

static int	pppd_drain_read(struct ppp_engine *);
static void	pppd_tty_ready(struct ppp_engine *, const char *);

/*
 * pppd is gone: pass on what it wrote last and we have not read yet, unless
 * the transport is backed up.  -1 when the engine was freed meanwhile.
 */
static int
pppd_read_rest(struct ppp_engine *e)
{
	ssize_t n;
	int i;

	for (i = 0; i < 16 && e->master != -1 && !e->throttled; i++) {
		if (e->rlen == 0) {
			n = read(e->master, e->rbuf, sizeof e->rbuf);
			if (n <= 0)
				break;
			e->roff = 0;
			e->rlen = (size_t)n;
		}
		if (pppd_drain_read(e) != 0)
			return -1;
	}
	return 0;
}

/* pppd has exited with wait status st (-1: unknown, reaped elsewhere). */
static void
pppd_exited(struct ppp_engine *e, int st)
{
	char reason[512];
	const char *what;
	int code = -1;

	e->pid = -1;
	if (pppd_read_rest(e) != 0)
		return;
	pppd_log_drain(e);
	if (st == -1)
		what = "pppd is gone";
	else if (WIFEXITED(st)) {
		code = WEXITSTATUS(st);
		what = pppd_exit_text(code);
	} else
		what = NULL;

	/*
	 * A server that refuses us often hangs up at once: pppd may exit on
	 * the hangup (16) after logging the refusal.  Its log says what
	 * really happened, and the tunnel's backoff needs to know.
	 */
	if (what != NULL && code != 19 &&
	    strstr(e->lasterr, "authentication failed") != NULL)
		what = pppd_exit_text(19);
	if (what == NULL)
		snprintf(reason, sizeof reason, "pppd was killed by signal %d",
		    WTERMSIG(st));
	else if (code == 5 && e->state == PPPD_STOPPING)
		snprintf(reason, sizeof reason, "stopped");
	else if (e->lasterr[0] != '\0')
		snprintf(reason, sizeof reason, "%s (pppd exit %d): %s", what,
		    code, e->lasterr);
	else if (code >= 0)
		snprintf(reason, sizeof reason, "%s (pppd exit %d)", what, code);
	else
		snprintf(reason, sizeof reason, "%s", what);

	log_info("%s: pppd exited status=%d reason=\"%s\"", e->ifname, code,
	    reason);
	e->state = PPPD_DEAD;
	pppd_release(e);
	if (!e->down_reported && !e->free_pending) {
		e->down_reported = 1;
		pppd_cb_enter(e);
		e->cb.down_cb(e->arg, reason);
		pppd_cb_leave(e);
	}
}

/* Has pppd exited?  Reap it without blocking. */
static void
pppd_reap(struct ppp_engine *e)
{
	pid_t r;
	int st;

	if (e->pid <= 0)
		return;
	r = waitpid(e->pid, &st, WNOHANG);
	if (r == e->pid)
		pppd_exited(e, st);
	else if (r == -1 && errno == ECHILD)
		pppd_exited(e, -1);
}

static void
pppd_chld_cb(evutil_socket_t sig, short what, void *arg)
{
	pppd_reap(arg);
}

static void
pppd_kill_cb(void *arg)
{
	struct ppp_engine *e = arg;

	if (e->pid > 0) {
		log_warn("%s: pppd did not stop in %d s, killing it", e->ifname,
		    PPPD_KILL_MS / 1000);
		kill(e->pid, SIGKILL);
	}
}

/* Is this pppd line worth keeping as the reason for a failure? */
static int
pppd_notable(const char *line)
{
	static const char *const words[] = {
		"fail", "error", "rror:", "refused", "rejected", "erminat",
		"denied", "E=", "timeout", "not ", "No ", "Couldn't", "Can't",
		"Unable",
	};
	size_t i;

	if (strncmp(line, "Connection terminated", 21) == 0 ||
	    strncmp(line, "Terminating on signal", 21) == 0 ||
	    strncmp(line, "Modem hangup", 12) == 0)
		return 0;
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strstr(line, words[i]) != NULL)
			return 1;
	}
	return 0;
}

static void
pppd_log_line(struct ppp_engine *e, char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = '\0';
	if (n == 0)
		return;
	log_debug("%s: pppd: %s", e->ifname, line);
	if (!pppd_notable(line))
		return;
	/*
	 * "MS-CHAP authentication failed: E=691 ..." says more than the
	 * "CHAP authentication failed" that follows it: keep the former.
	 */
	if (strstr(e->lasterr, "E=") != NULL && strstr(line, "E=") == NULL)
		return;
	snprintf(e->lasterr, sizeof e->lasterr, "%s%s", line,
	    strstr(line, "E=691") != NULL ? " (bad user name or password)" : "");
}

/* Read what pppd wrote, line by line; returns read()'s result. */
static ssize_t
pppd_log_read(struct ppp_engine *e)
{
	char buf[1024];
	ssize_t n, i;

	n = read(e->logfd, buf, sizeof buf);
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || e->loglen == sizeof e->logline - 1) {
			e->logline[e->loglen] = '\0';
			pppd_log_line(e, e->logline);
			e->loglen = 0;
			if (buf[i] == '\n')
				continue;
		}
		e->logline[e->loglen++] = buf[i];
	}
	return n;
}

/* pppd is gone: take its last words (they carry the reason). */
static void
pppd_log_drain(struct ppp_engine *e)
{
	int i;

	if (e->logfd == -1)
		return;
	for (i = 0; i < 64 && pppd_log_read(e) > 0; i++)
		;
	if (e->loglen > 0) {
		e->logline[e->loglen] = '\0';
		pppd_log_line(e, e->logline);
		e->loglen = 0;
	}
}

static void
pppd_log_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ppp_engine *e = arg;
	ssize_t n;

	n = pppd_log_read(e);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* pppd closed its output: it is exiting. */
		pppd_log_drain(e);
		pppd_del_event(&e->ev_log);
		pppd_close_fd(&e->logfd);
		pppd_reap(e);
	}
}

/* Decode what is buffered and hand frames out until throttled or empty. */
static int
pppd_drain_read(struct ppp_engine *e)
{
	uint8_t *frame;
	size_t used, len;

	while (!e->throttled && e->roff < e->rlen) {
		if (!hdlc_decode(&e->dec, e->rbuf + e->roff, e->rlen - e->roff,
		    &used, &frame, &len)) {
			e->roff = e->rlen;
			break;
		}
		e->roff += used;
		pppd_cb_enter(e);
		e->cb.output_cb(e->arg, frame, len);
		if (pppd_cb_leave(e))
			return -1;
	}
	if (e->roff == e->rlen)
		e->roff = e->rlen = 0;
	return 0;
}

static void
pppd_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ppp_engine *e = arg;
	ssize_t n;

	if (e->rlen != 0) {
		if (pppd_drain_read(e) != 0 || e->rlen != 0)
			return;
	}
	n = read(e->master, e->rbuf, sizeof e->rbuf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EIO: no slave open any more; pppd is on its way out. */
		event_del(e->ev_read);
		pppd_reap(e);
		return;
	}
	e->roff = 0;
	e->rlen = (size_t)n;
	if (!e->tty_ready)
		pppd_tty_ready(e, "pppd wrote");
	if (pppd_drain_read(e) != 0)
		return;
	if (e->throttled && e->ev_read != NULL)
		event_del(e->ev_read);
}

/* Write what is queued; arm write interest only while something waits. */
static void
pppd_flush(struct ppp_engine *e)
{
	ssize_t n;

	if (!e->tty_ready)
		return;		/* held until pppd can take them */
	while (e->wlen > 0) {
		n = write(e->master, e->wbuf + e->woff, e->wlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		e->woff += (size_t)n;
		e->wlen -= (size_t)n;
	}
	if (e->wlen == 0)
		e->woff = 0;
	if (e->ev_write == NULL)
		return;
	if (e->wlen > 0)
		event_add(e->ev_write, NULL);
	else
		event_del(e->ev_write);
}

static void
pppd_write_cb(evutil_socket_t fd, short what, void *arg)
{
	pppd_flush(arg);
}

/* pppd's tty is set up (or we stop waiting): let held frames go. */
static void
pppd_tty_ready(struct ppp_engine *e, const char *why)
{
	e->tty_ready = 1;
	timer_stop(&e->ready_timer);
	log_debug("%s: pppd tty ready after=%llums why=\"%s\" held=%zu",
	    e->ifname, timer_now_ms() - e->start_ms, why, e->wlen);
	pppd_flush(e);
}

static void
pppd_ready_timer_cb(void *arg)
{
	pppd_tty_ready(arg, "timeout (silent?)");
}

static void
pppd_report_up(struct ppp_engine *e)
{
	if (e->up_reported || !e->ip_up)
		return;
	timer_stop(&e->up_timer);
	e->up_reported = 1;
	e->state = PPPD_UP;
	e->info.have_ipv6 = e->ipv6_up;
	log_info("%s: pppd up interface=%s mtu=%u", e->ifname, e->info.ifname,
	    e->info.mtu);
	pppd_cb_enter(e);
	e->cb.up_cb(e->arg, &e->info);
	pppd_cb_leave(e);
}

static void
pppd_up_timer_cb(void *arg)
{
	pppd_report_up(arg);	/* IPv6CP did not come: go on with IPv4 */
}

static void
pppd_ctl_send(struct ppp_engine *e, const struct pppd_msg *m)
{
	uint8_t buf[PPPD_MSG_MAX];
	int n;

	n = pppd_msg_encode(m, buf, sizeof buf);
	if (n < 0)
		log_warn("%s: pppd plugin: cannot encode message %d%s", e->ifname,
		    m->type, m->type == PPPD_MSG_PASSWD ?
		    " (password longer than 255 bytes)" : "");
	else if (send(e->cfd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
		log_warn("%s: pppd plugin: send: %s", e->ifname, strerror(errno));
	memset(buf, 0, sizeof buf);
}

static void
pppd_ctl_msg(struct ppp_engine *e, const struct pppd_msg *m)
{
	struct pppd_msg r;
	uint8_t hlak[32];
	size_t n;
	int have;

	memset(&r, 0, sizeof r);
	switch (m->type) {
	case PPPD_MSG_HELLO:
		log_debug("%s: pppd plugin connected pid=%u version=%s",
		    e->ifname, m->pid, m->text);
		break;
	case PPPD_MSG_PASSWD_REQ:
		r.type = PPPD_MSG_PASSWD;
		snprintf(r.text, sizeof r.text, "%s", e->password);
		pppd_ctl_send(e, &r);
		memset(&r, 0, sizeof r);
		break;
	case PPPD_MSG_AUTH_UP:
		if (e->auth_reported)
			break;
		e->auth_reported = 1;
		e->info.auth_method = pppd_msg_auth_name(m->auth);
		have = pppd_msg_hlak(m, hlak);
		log_info("%s: pppd authenticated method=%s keys=%s", e->ifname,
		    e->info.auth_method, have ? "yes" : "no");
		pppd_cb_enter(e);
		e->cb.auth_done_cb(e->arg, have ? hlak : NULL);
		memset(hlak, 0, sizeof hlak);
		if (pppd_cb_leave(e))
			return;
		/* Call Connected is out: pppd may start IPCP now. */
		r.type = PPPD_MSG_ACK;
		pppd_ctl_send(e, &r);
		break;
	case PPPD_MSG_IP_UP:
		n = strnlen(m->text, sizeof e->info.ifname - 1);
		memcpy(e->info.ifname, m->text, n);
		e->info.ifname[n] = '\0';
		e->info.ifindex = (int)if_nametoindex(m->text);
		e->info.local = m->local;
		e->info.remote = m->remote;
		e->info.dns1 = m->dns1;
		e->info.dns2 = m->dns2;
		e->info.mtu = m->mtu;
		e->info.mru = m->mru;
		if (e->info.auth_method == NULL)
			e->info.auth_method = "none";
		e->ip_up = 1;
		if (!e->want_ipv6 || e->ipv6_up)
			pppd_report_up(e);
		else if (!e->up_reported)
			timer_start(&e->up_timer, PPPD_UP_WAIT_MS);
		break;
	case PPPD_MSG_IPV6_UP:
		memcpy(e->info.local_iid, m->local_iid, 8);
		memcpy(e->info.remote_iid, m->remote_iid, 8);
		e->ipv6_up = 1;
		if (e->ip_up)
			pppd_report_up(e);
		break;
	case PPPD_MSG_IP_DOWN:
		log_info("%s: pppd ip-down", e->ifname);
		break;
	case PPPD_MSG_IPV6_NONE:
		log_info("%s: the peer rejected IPv6CP", e->ifname);
		e->want_ipv6 = 0;
		if (e->ip_up)
			pppd_report_up(e);
		break;
	default:
		log_warn("%s: pppd plugin: unexpected message %d", e->ifname,
		    m->type);
		break;
	}
}

static void
pppd_ctl_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ppp_engine *e = arg;
	uint8_t buf[PPPD_MSG_MAX];
	struct pppd_msg m;
	ssize_t n;

	n = recv(e->cfd, buf, sizeof buf, MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		pppd_del_event(&e->ev_ctl);
		pppd_close_fd(&e->cfd);
		pppd_reap(e);
		return;
	}
	if (pppd_msg_decode(&m, buf, (size_t)n) != 0) {
		log_warn("%s: pppd plugin: bad message (%zd bytes)", e->ifname, n);
		return;
	}
	pppd_ctl_msg(e, &m);
	memset(&m, 0, sizeof m);
}

/* The plugin connects: only our own pppd may talk to us. */
static void
pppd_listen_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ppp_engine *e = arg;
	struct ucred cr;
	socklen_t len = sizeof cr;
	int s;

	s = accept4(e->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (s == -1)
		return;
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 ||
	    cr.pid != e->pid || e->cfd != -1) {
		log_warn("%s: pppd plugin socket: refused a connection from pid %d",
		    e->ifname, (int)cr.pid);
		close(s);
		return;
	}
	e->cfd = s;
	e->ev_ctl = event_new(timer_get_base(), s, EV_READ | EV_PERSIST,
	    pppd_ctl_cb, e);
	event_add(e->ev_ctl, NULL);
	pppd_close_listener(e);
}

/* A private SOCK_SEQPACKET socket for the plugin, mode 0600. */
static int
pppd_listen(struct ppp_engine *e, const char *dir, char **cause)
{
	static unsigned int serial;
	struct sockaddr_un sun;

	if (dir == NULL || *dir == '\0') {
		snprintf(e->tmp_dir, sizeof e->tmp_dir, "/tmp/sstpcd-pppd.XXXXXX");
		if (mkdtemp(e->tmp_dir) == NULL) {
			e->tmp_dir[0] = '\0';
			goto fail;
		}
		dir = e->tmp_dir;
	} else if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		goto fail;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(sun.sun_path, sizeof sun.sun_path, "%s/pppd-%s.%ld.%u",
	    dir, e->ifname, (long)getpid(), serial++) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	e->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (e->lfd == -1)
		goto fail;
	unlink(sun.sun_path);
	if (bind(e->lfd, (struct sockaddr *)&sun, sizeof sun) != 0)
		goto fail;
	snprintf(e->sock_path, sizeof e->sock_path, "%s", sun.sun_path);
	if (chmod(e->sock_path, 0600) != 0 || listen(e->lfd, 2) != 0)
		goto fail;
	return 0;

fail:
	if (asprintf(cause, "pppd: cannot make the plugin socket: %s",
	    strerror(errno)) == -1)
		*cause = NULL;
	return -1;
}

/* argv for pppd; strings live in the arena until exec. */
struct pppd_argv {
	char	*v[96];
	int	 n;
	char	 arena[4096];
	size_t	 used;
	int	 overflow;
};

static void
pppd_arg(struct pppd_argv *a, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof a->arena - a->used;
	int n;

	if (a->n >= (int)(sizeof a->v / sizeof a->v[0]) - 1) {
		a->overflow = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(a->arena + a->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		a->overflow = 1;
		return;
	}
	a->v[a->n++] = a->arena + a->used;
	a->v[a->n] = NULL;
	a->used += (size_t)n + 1;
}

/*
 * The pppd-options property: an absolute path names an options file ("file
 * PATH"); anything else is a list of options separated by blanks, each word
 * one argument (no quoting: put options with spaces in a file).
 */
static void
pppd_words(struct pppd_argv *a, const char *list)
{
	const char *p = list, *end;
	int n;

	for (;;) {
		p += strspn(p, " \t\n");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t\n");
		n = (int)(end - p);
		pppd_arg(a, "%.*s", n, p);
		p = end;
	}
}

static void
pppd_build_argv(struct pppd_argv *a, const char *pppd, const char *tty,
    const struct ppp_config *cfg, const char *plugin, const char *sock)
{
	unsigned int mask = cfg->auth_mask != 0 ? cfg->auth_mask : PPP_AUTH_ALL;

	memset(a, 0, sizeof *a);
	pppd_arg(a, "%s", pppd);
	pppd_arg(a, "%s", tty);
	/*
	 * Ours come after /etc/ppp/options (which pppd always reads) and
	 * override it; the user's own file comes last.
	 */
	pppd_arg(a, "nodetach");
	pppd_arg(a, "logfd");
	pppd_arg(a, "1");
	pppd_arg(a, "noauth");		/* we do not authenticate the server */
	pppd_arg(a, "local");
	pppd_arg(a, "nocrtscts");
	pppd_arg(a, "nolock");
	pppd_arg(a, "maxfail");
	pppd_arg(a, "1");
	pppd_arg(a, "default-asyncmap");
	pppd_arg(a, "nodefaultroute");	/* routes are the daemon's */
	pppd_arg(a, "noipdefault");
	pppd_arg(a, "noproxyarp");
	pppd_arg(a, "nobsdcomp");
	pppd_arg(a, "nodeflate");
	pppd_arg(a, "ifname");
	pppd_arg(a, "%s", cfg->ifname);
	pppd_arg(a, "ipparam");
	pppd_arg(a, "%s", cfg->ifname);
	pppd_arg(a, "user");
	pppd_arg(a, "%s", cfg->user != NULL ? cfg->user : "");
	if (!(mask & PPP_AUTH_PAP))
		pppd_arg(a, "refuse-pap");
	if (!(mask & PPP_AUTH_CHAP))
		pppd_arg(a, "refuse-chap");
	if (!(mask & PPP_AUTH_MSCHAP1))
		pppd_arg(a, "refuse-mschap");
	if (!(mask & PPP_AUTH_MSCHAP2))
		pppd_arg(a, "refuse-mschap-v2");
	if (!(mask & PPP_AUTH_EAP))
		pppd_arg(a, "refuse-eap");
	if (cfg->max_mtu != 0) {
		pppd_arg(a, "mtu");
		pppd_arg(a, "%u", cfg->max_mtu);
	}
	if (cfg->max_mru != 0) {
		pppd_arg(a, "mru");
		pppd_arg(a, "%u", cfg->max_mru);
	}
	if (cfg->mrru != 0) {
		pppd_arg(a, "multilink");
		pppd_arg(a, "mrru");
		pppd_arg(a, "%u", cfg->mrru);
	}
	if (cfg->use_peer_dns)
		pppd_arg(a, "usepeerdns");
	pppd_arg(a, cfg->ipv6 ? "+ipv6" : "noipv6");
	pppd_arg(a, "lcp-echo-interval");
	pppd_arg(a, "%u", cfg->echo_interval);
	pppd_arg(a, "lcp-echo-failure");
	pppd_arg(a, "%u", cfg->echo_interval != 0 ? cfg->echo_failure : 0);
	if (log_get_level() >= LOG_LVL_DEBUG)
		pppd_arg(a, "debug");
	pppd_arg(a, "plugin");
	pppd_arg(a, "%s", plugin);
	pppd_arg(a, "sstp-sock");
	pppd_arg(a, "%s", sock);
	if (cfg->pppd_options != NULL && *cfg->pppd_options == '/') {
		pppd_arg(a, "file");
		pppd_arg(a, "%s", cfg->pppd_options);
	} else if (cfg->pppd_options != NULL)
		pppd_words(a, cfg->pppd_options);
}

/* Open the pty: master non-blocking, slave raw (no echo before pppd). */
static int
pppd_open_pty(struct ppp_engine *e, char *tty, size_t ttylen)
{
	struct termios t;
	const char *name;

	e->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (e->master == -1 || grantpt(e->master) != 0 ||
	    unlockpt(e->master) != 0 || (name = ptsname(e->master)) == NULL)
		return -1;
	snprintf(tty, ttylen, "%s", name);
	e->slave = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (e->slave == -1)
		return -1;
	if (tcgetattr(e->slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(e->slave, TCSANOW, &t);
	}
	return fcntl(e->master, F_SETFL, fcntl(e->master, F_GETFL) | O_NONBLOCK);
}

static struct ppp_engine *
pppd_start(const struct ppp_config *cfg, const struct ppp_callbacks *cb,
    void *arg, char **cause)
{
	struct ppp_engine *e;
	struct pppd_argv *av = NULL;
	const char *pppd, *plugin;
	char tty[64];
	int logp[2] = { -1, -1 }, devnull;
	pid_t pid;
	struct event_base *base = timer_get_base();

	*cause = NULL;
	if (cfg->ifname == NULL || strlen(cfg->ifname) >= IFNAMSIZ ||
	    strchr(cfg->ifname, '/') != NULL) {
		*cause = strdup("pppd: bad interface name");
		return NULL;
	}
	if ((pppd = pppd_find(cfg->pppd_path)) == NULL) {
		if (asprintf(cause, "pppd: %s not found", cfg->pppd_path != NULL &&
		    *cfg->pppd_path != '\0' ? cfg->pppd_path : "pppd") == -1)
			*cause = NULL;
		return NULL;
	}
	plugin = pppd_plugin_path();
	if (access(plugin, R_OK) != 0) {
		if (asprintf(cause, "pppd: plugin %s: %s", plugin,
		    strerror(errno)) == -1)
			*cause = NULL;
		return NULL;
	}
	/* Without /dev/ppp pppd says so itself (exit 4), with its words. */

	e = calloc(1, sizeof *e);
	if (e == NULL)
		goto nomem;
	e->cb = *cb;
	e->arg = arg;
	e->pid = -1;
	e->master = e->slave = e->lfd = e->cfd = e->logfd = -1;
	e->state = PPPD_STARTING;
	e->want_ipv6 = cfg->ipv6;
	snprintf(e->ifname, sizeof e->ifname, "%s", cfg->ifname);
	e->password = strdup(cfg->password != NULL ? cfg->password : "");
	e->wbuf = malloc(PPPD_WBUF_SIZE);
	av = malloc(sizeof *av);
	if (e->password == NULL || e->wbuf == NULL || av == NULL)
		goto nomem;
	timer_init(&e->kill_timer, pppd_kill_cb, e);
	timer_init(&e->up_timer, pppd_up_timer_cb, e);
	timer_init(&e->ready_timer, pppd_ready_timer_cb, e);
	hdlc_decoder_init(&e->dec, e->frame + PPP_HEADROOM,
	    sizeof e->frame - PPP_HEADROOM);

	if (pppd_listen(e, cfg->ctl_dir, cause) != 0)
		goto fail;
	if (pppd_open_pty(e, tty, sizeof tty) != 0) {
		if (asprintf(cause, "pppd: cannot open a pty: %s",
		    strerror(errno)) == -1)
			*cause = NULL;
		goto fail;
	}
	if (pipe2(logp, O_CLOEXEC) != 0) {
		if (asprintf(cause, "pppd: pipe: %s", strerror(errno)) == -1)
			*cause = NULL;
		goto fail;
	}
	pppd_build_argv(av, pppd, tty, cfg, plugin, e->sock_path);
	if (av->overflow) {
		*cause = strdup("pppd: options too long");
		goto fail;
	}

	/* SIGCHLD before fork, so a quick death is not missed. */
	e->ev_chld = evsignal_new(base, SIGCHLD, pppd_chld_cb, e);
	if (e->ev_chld == NULL || event_add(e->ev_chld, NULL) != 0)
		goto nomem;

	pid = fork();
	if (pid == -1) {
		if (asprintf(cause, "pppd: fork: %s", strerror(errno)) == -1)
			*cause = NULL;
		goto fail;
	}
	if (pid == 0) {
		/* Child: own session, stdin /dev/null, output to our pipe. */
		setsid();
		devnull = open("/dev/null", O_RDWR);
		if (devnull == -1 || dup2(devnull, 0) == -1 ||
		    dup2(logp[1], 1) == -1 || dup2(logp[1], 2) == -1)
			_exit(126);
		close_range(3, ~0U, 0);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		{
			sigset_t none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
		}
		execv(pppd, av->v);
		dprintf(2, "exec %s: %s\n", pppd, strerror(errno));
		_exit(127);
	}
	e->pid = pid;
	close(logp[1]);
	logp[1] = -1;
	e->logfd = logp[0];
	fcntl(e->logfd, F_SETFL, fcntl(e->logfd, F_GETFL) | O_NONBLOCK);
	memset(av, 0, sizeof *av);
	free(av);
	av = NULL;

	e->ev_read = event_new(base, e->master, EV_READ | EV_PERSIST,
	    pppd_read_cb, e);
	e->ev_write = event_new(base, e->master, EV_WRITE | EV_PERSIST,
	    pppd_write_cb, e);
	e->ev_listen = event_new(base, e->lfd, EV_READ | EV_PERSIST,
	    pppd_listen_cb, e);
	e->ev_log = event_new(base, e->logfd, EV_READ | EV_PERSIST,
	    pppd_log_cb, e);
	if (e->ev_read == NULL || e->ev_write == NULL || e->ev_listen == NULL ||
	    e->ev_log == NULL)
		goto nomem;
	event_add(e->ev_read, NULL);
	event_add(e->ev_listen, NULL);
	event_add(e->ev_log, NULL);
	e->start_ms = timer_now_ms();
	timer_start(&e->ready_timer, PPPD_READY_MS);
	log_info("%s: pppd started pid=%d tty=%s", e->ifname, (int)pid, tty);
	return e;

nomem:
	if (*cause == NULL)
		*cause = strdup("pppd: out of memory");
fail:
	if (logp[0] != -1)
		close(logp[0]);
	if (logp[1] != -1)
		close(logp[1]);
	if (av != NULL) {
		memset(av, 0, sizeof *av);
		free(av);
	}
	if (e != NULL)
		pppd_destroy(e);
	return NULL;
}

static void
pppd_input(struct ppp_engine *e, const uint8_t *frame, size_t len)
{
	size_t n, need = HDLC_ENCODED_MAX(len);

	if (e == NULL || e->master == -1 || e->state == PPPD_DEAD || len == 0)
		return;
	if (e->woff > 0 && PPPD_WBUF_SIZE - e->woff - e->wlen < need) {
		memmove(e->wbuf, e->wbuf + e->woff, e->wlen);
		e->woff = 0;
	}
	if (PPPD_WBUF_SIZE - e->woff - e->wlen < need) {
		/* pppd is not keeping up: drop, as a congested link would. */
		if (e->wdropped++ % 1000 == 0)
			log_debug("%s: pppd: pty full, dropped=%lu", e->ifname,
			    e->wdropped);
		return;
	}
	n = hdlc_encode(frame, len, HDLC_ACCM_ALL, e->wbuf + e->woff + e->wlen,
	    PPPD_WBUF_SIZE - e->woff - e->wlen);
	e->wlen += n;
	pppd_flush(e);
}

static void
pppd_throttle(struct ppp_engine *e, int on)
{
	if (e == NULL || e->throttled == on)
		return;
	e->throttled = on;
	if (e->ev_read == NULL)
		return;
	if (on) {
		event_del(e->ev_read);
		return;
	}
	if (pppd_drain_read(e) != 0)
		return;
	if (!e->throttled && e->ev_read != NULL)
		event_add(e->ev_read, NULL);
}

static void
pppd_stop(struct ppp_engine *e)
{
	if (e == NULL || e->state == PPPD_STOPPING || e->state == PPPD_DEAD)
		return;
	e->state = PPPD_STOPPING;
	if (e->pid > 0) {
		/* pppd sends LCP Terminate-Request and waits for the ack. */
		log_info("%s: stopping pppd pid=%d", e->ifname, (int)e->pid);
		kill(e->pid, SIGTERM);
		timer_start(&e->kill_timer, PPPD_KILL_MS);
	}
}

/* Kill and reap pppd, release everything, free. */
static void
pppd_destroy(struct ppp_engine *e)
{
	int st;

	if (e->pid > 0) {
		kill(e->pid, SIGKILL);
		while (waitpid(e->pid, &st, 0) == -1 && errno == EINTR)
			;
		e->pid = -1;
	}
	pppd_release(e);
	if (e->password != NULL) {
		explicit_bzero(e->password, strlen(e->password));
		free(e->password);
	}
	free(e->wbuf);
	explicit_bzero(e, sizeof *e);
	free(e);
}

static void
pppd_free(struct ppp_engine *e)
{
	if (e == NULL)
		return;
	if (e->in_cb > 0) {
		/* Called from one of our callbacks: finish when it returns. */
		e->free_pending = 1;
		if (e->pid > 0)
			kill(e->pid, SIGKILL);
		return;
	}
	pppd_destroy(e);
}

const struct ppp_engine_ops ppp_pppd_ops = {
	.name = "pppd",
	.available = pppd_available,
	.start = pppd_start,
	.input = pppd_input,
	.throttle = pppd_throttle,
	.stop = pppd_stop,
	.free = pppd_free,
};

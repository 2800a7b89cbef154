/* transport.c - reach an SSTP stream: resolve, TCP connect, proxy CONNECT, GnuTLS, SSTP_DUPLEX_POST, all non-blocking. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "http.h"
#include "log.h"
#include "transport.h"

#define TRANSPORT_ADDRS_MAX	16	/* addresses tried per name */
#define TRANSPORT_ATTEMPT_MIN_MS 2000	/* a connect attempt gets at least this */
#define TRANSPORT_WQ_SIZE	(256 * 1024)	/* the write queue; full = -ENOBUFS */
#define TRANSPORT_WQ_HIGH	(64 * 1024)	/* write returns 1 above this */
#define TRANSPORT_WQ_LOW	(16 * 1024)	/* drain_cb below this */
#define TRANSPORT_READ_SIZE	16384	/* one TLS record (RFC 8446 5.1) */
#define TRANSPORT_READ_BURST	32	/* records read per turn of the loop */
#define TRANSPORT_CAUSE_MAX	512

enum transport_state {
	TRANSPORT_RESOLVE = 0,
	TRANSPORT_CONNECT,	/* TCP to the server or to the proxy */
	TRANSPORT_PROXY,	/* CONNECT sent, waiting for the answer */
	TRANSPORT_TLS,		/* handshake */
	TRANSPORT_HTTP,		/* SSTP_DUPLEX_POST sent, waiting for 200 */
	TRANSPORT_READY,	/* SSTP stream */
	TRANSPORT_FAILED	/* error_cb pending or done */
};

static const char *transport_state_names[] = {
	"resolve", "connect", "proxy", "tls", "http", "ready", "failed"
};

struct transport_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 len;
};

struct transport {
	struct event_base	*base;
	struct transport_callbacks cb;
	void			*arg;
	enum transport_state	 state;

	/* The configuration, strings owned. */
	char			*host;
	unsigned int		 port;
	char			*proxy_host;
	unsigned int		 proxy_port;
	char			*proxy_user;
	char			*proxy_password;
	char			*sni;
	char			*ca_file;
	int			 verify_cert;
	int			 verify_name;
	char			*verify_hostname;
	char			*pin_sha256;
	char			*cert_file;
	char			*key_file;
	char			 priority[512];
	unsigned int		 connect_timeout_ms;
	unsigned int		 http_timeout_ms;

	/* Resolving and connecting. */
	struct evdns_getaddrinfo_request *dns_req;
	struct transport_addr	 addrs[TRANSPORT_ADDRS_MAX];
	unsigned int		 naddrs, next_addr;
	char			 attempt_peer[INET6_ADDRSTRLEN + 16];
	char			 attempt_errors[TRANSPORT_CAUSE_MAX];
	int			 fd;
	struct event		*ev_read;
	struct event		*ev_write;
	struct event		*ev_attempt;	/* one address's connect timeout */
	struct event		*ev_deadline;	/* the current stage's timeout */
	struct event		*ev_fail;	/* runs error_cb from the loop */
	struct event		*ev_start;
	char			 peer[INET6_ADDRSTRLEN + 300];
	char			 tcp_peer[INET6_ADDRSTRLEN + 16];

	/* The proxy CONNECT or SSTP_DUPLEX_POST request, then its answer. */
	char			 req[HTTP_REQUEST_MAX];
	size_t			 req_len, req_off;
	struct http_response	*resp;

	/* TLS. */
	gnutls_session_t	 tls;
	gnutls_certificate_credentials_t cred;
	size_t			 tls_pending;	/* a send that returned EAGAIN */
	uint8_t			 first[48];	/* the server's first bytes */
	size_t			 first_len;
	char			 encoding[64];
	uint8_t			 sha1[20];
	uint8_t			 sha256[32];

	/* Bytes for the server, once ready. */
	uint8_t			*wq;
	size_t			 wq_off, wq_len;
	int			 want_drain;
	int			 corked;	/* transport_cork(): hold writes */

	/* Callbacks may free the transport: the free then waits for us. */
	int			 busy;
	int			 freed;
	char			 cause[TRANSPORT_CAUSE_MAX];
	char			 ioerr[128];
	uint8_t			 rbuf[TRANSPORT_READ_SIZE];
};

static void	transport_start(evutil_socket_t, short, void *);
static void	transport_connect_next(struct transport *);
static void	transport_tls_start(struct transport *);
static void	transport_tls_handshake(struct transport *);
static void	transport_io_cb(evutil_socket_t, short, void *);
static int	transport_not_tls(struct transport *, char *, size_t);
static void	transport_fail(struct transport *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * One evdns base per event base, shared by every transport.  It is reloaded
 * when /etc/resolv.conf or /etc/hosts changes, but only while no lookup is
 * in flight: a cancelled lookup still calls back later from the loop.
 */
static struct {
	struct event_base	*base;
	struct evdns_base	*dns;
	unsigned int		 inflight;
	struct timespec		 resolv_mtime, hosts_mtime;
	ino_t			 resolv_ino, hosts_ino;
} transport_dns;

/* Has /etc/resolv.conf or /etc/hosts changed since the base read them? */
static int
transport_dns_changed(int remember)
{
	struct stat	 r, h;
	int		 changed;

	memset(&r, 0, sizeof r);
	memset(&h, 0, sizeof h);
	(void)stat("/etc/resolv.conf", &r);
	(void)stat("/etc/hosts", &h);
	changed = r.st_ino != transport_dns.resolv_ino ||
	    r.st_mtim.tv_sec != transport_dns.resolv_mtime.tv_sec ||
	    r.st_mtim.tv_nsec != transport_dns.resolv_mtime.tv_nsec ||
	    h.st_ino != transport_dns.hosts_ino ||
	    h.st_mtim.tv_sec != transport_dns.hosts_mtime.tv_sec ||
	    h.st_mtim.tv_nsec != transport_dns.hosts_mtime.tv_nsec;
	if (remember) {
		transport_dns.resolv_ino = r.st_ino;
		transport_dns.resolv_mtime = r.st_mtim;
		transport_dns.hosts_ino = h.st_ino;
		transport_dns.hosts_mtime = h.st_mtim;
	}
	return changed;
}

static struct evdns_base *
transport_dns_get(struct event_base *base)
{
	if (transport_dns.dns != NULL && transport_dns.inflight == 0 &&
	    (transport_dns.base != base || transport_dns_changed(0))) {
		evdns_base_free(transport_dns.dns, 0);
		transport_dns.dns = NULL;
	}
	if (transport_dns.dns == NULL) {
		/* Reads /etc/resolv.conf and /etc/hosts (DNS_OPTIONS_ALL). */
		transport_dns_changed(1);
		transport_dns.dns = evdns_base_new(base,
		    EVDNS_BASE_INITIALIZE_NAMESERVERS);
		transport_dns.base = base;
	}
	if (transport_dns.base != base)
		return NULL;	/* XXX: a second event base waits for the first's lookups */
	return transport_dns.dns;
}

static char *
transport_strdup(const char *s)
{
	char	*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		abort();
	return d;
}

static void
transport_free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* "10.0.0.1:443" or "[2001:db8::1]:443". */
static void
transport_format_addr(const struct sockaddr *sa, char *buf, size_t cap)
{
	char	host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		snprintf(buf, cap, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		snprintf(buf, cap, "%s:%u", host, ntohs(s4->sin_port));
	}
}

static void
transport_close_fd(struct transport *t)
{
	if (t->ev_read != NULL) {
		event_free(t->ev_read);
		t->ev_read = NULL;
	}
	if (t->ev_write != NULL) {
		event_free(t->ev_write);
		t->ev_write = NULL;
	}
	if (t->fd != -1) {
		close(t->fd);
		t->fd = -1;
	}
}

static void
transport_destroy(struct transport *t)
{
	if (t->dns_req != NULL)
		evdns_getaddrinfo_cancel(t->dns_req);	/* calls back with CANCEL later */
	if (t->tls != NULL)
		gnutls_deinit(t->tls);
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	transport_close_fd(t);
	if (t->ev_attempt != NULL)
		event_free(t->ev_attempt);
	if (t->ev_deadline != NULL)
		event_free(t->ev_deadline);
	if (t->ev_fail != NULL)
		event_free(t->ev_fail);
	if (t->ev_start != NULL)
		event_free(t->ev_start);
	free(t->resp);
	free(t->wq);
	free(t->host);
	free(t->proxy_host);
	transport_free_secret(t->proxy_user);
	transport_free_secret(t->proxy_password);
	free(t->sni);
	free(t->ca_file);
	free(t->verify_hostname);
	free(t->pin_sha256);
	free(t->cert_file);
	free(t->key_file);
	explicit_bzero(t->req, sizeof t->req);	/* may hold proxy credentials */
	free(t);
}

void
transport_free(struct transport *t)
{
	if (t == NULL)
		return;
	if (t->busy) {
		/* Inside one of our callbacks: finish when it returns. */
		t->freed = 1;
		return;
	}
	transport_destroy(t);
}

/* Around a user callback: returns 1 when the transport was freed meanwhile. */
static int
transport_leave(struct transport *t)
{
	if (--t->busy == 0 && t->freed) {
		transport_destroy(t);
		return 1;
	}
	return t->freed;
}

/*
 * Stop everything and report from the loop, so that error_cb never runs
 * inside transport_new() or transport_write() and the caller may free the
 * transport from it.
 */
static void
transport_fail(struct transport *t, const char *fmt, ...)
{
	va_list	ap;

	if (t->state == TRANSPORT_FAILED)
		return;
	log_debug("transport: host=%s state=%s failed", t->host,
	    transport_state_names[t->state]);
	t->state = TRANSPORT_FAILED;
	va_start(ap, fmt);
	vsnprintf(t->cause, sizeof t->cause, fmt, ap);
	va_end(ap);
	if (t->dns_req != NULL) {
		evdns_getaddrinfo_cancel(t->dns_req);	/* calls back with CANCEL later */
		t->dns_req = NULL;
	}
	transport_close_fd(t);
	event_del(t->ev_attempt);
	event_del(t->ev_deadline);
	event_active(t->ev_fail, EV_TIMEOUT, 1);
}

static void
transport_fail_cb(evutil_socket_t fd, short what, void *arg)
{
	struct transport	*t = arg;

	t->busy++;
	if (t->cb.error_cb != NULL)
		t->cb.error_cb(t->arg, t->cause);
	transport_leave(t);
}

static void
transport_deadline_start(struct transport *t, unsigned int ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_add(t->ev_deadline, &tv);
}

/* "30 s", "1.5 s": a timeout for messages. */
static const char *
transport_duration(unsigned int ms, char *buf, size_t cap)
{
	if (ms % 1000 == 0)
		snprintf(buf, cap, "%u s", ms / 1000);
	else
		snprintf(buf, cap, "%u.%u s", ms / 1000, (ms % 1000) / 100);
	return buf;
}

static void
transport_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct transport	*t = arg;
	char			 d[32], other[sizeof t->first + 1];
	const char		*s;

	s = transport_duration(t->connect_timeout_ms, d, sizeof d);
	switch (t->state) {
	case TRANSPORT_RESOLVE:
		transport_fail(t, "cannot resolve %s: no answer from the name "
		    "servers within %s",
		    t->proxy_host != NULL ? t->proxy_host : t->host, s);
		break;
	case TRANSPORT_CONNECT:
		transport_fail(t, "cannot connect to %s%s: no answer within "
		    "%s%s%s", t->proxy_host != NULL ? "proxy " : "",
		    t->proxy_host != NULL ? t->proxy_host : t->host, s,
		    t->attempt_errors[0] != '\0' ? " (" : "",
		    t->attempt_errors[0] != '\0' ? t->attempt_errors : "");
		if (t->attempt_errors[0] != '\0')
			strncat(t->cause, ")", sizeof t->cause -
			    strlen(t->cause) - 1);
		break;
	case TRANSPORT_PROXY:
		transport_fail(t, "proxy %s did not answer CONNECT within %s",
		    t->peer, s);
		break;
	case TRANSPORT_TLS:
		if (transport_not_tls(t, other, sizeof other))
			transport_fail(t, "TLS: handshake with %s timed out "
			    "after %s: the server does not speak TLS (it sent "
			    "\"%s\")", t->peer, s, other);
		else
			transport_fail(t, "TLS: handshake with %s timed out "
			    "after %s", t->peer, s);
		break;
	case TRANSPORT_HTTP:
		transport_fail(t, "server did not answer SSTP_DUPLEX_POST "
		    "within %s", transport_duration(t->http_timeout_ms, d,
		    sizeof d));
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Resolving and connecting. */

static void
transport_add_addrs(struct transport *t, const struct evutil_addrinfo *ai,
    unsigned int port)
{
	for (; ai != NULL && t->naddrs < TRANSPORT_ADDRS_MAX; ai = ai->ai_next) {
		struct transport_addr *a = &t->addrs[t->naddrs];

		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof a->ss)
			continue;
		memcpy(&a->ss, ai->ai_addr, ai->ai_addrlen);
		a->len = (socklen_t)ai->ai_addrlen;
		if (ai->ai_family == AF_INET)
			((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
		t->naddrs++;
	}
}

static void
transport_dns_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	struct transport	*t = arg;
	const char		*name;

	transport_dns.inflight--;
	if (result == EVUTIL_EAI_CANCEL) {
		/* The transport is gone already. */
		if (res != NULL)
			evutil_freeaddrinfo(res);
		return;
	}
	t->dns_req = NULL;
	if (t->state != TRANSPORT_RESOLVE) {
		if (res != NULL)
			evutil_freeaddrinfo(res);
		return;
	}
	name = t->proxy_host != NULL ? t->proxy_host : t->host;
	if (result != 0) {
		transport_fail(t, "cannot resolve %s: %s", name,
		    result == EVUTIL_EAI_NONAME ? "no such name" :
		    result == EVUTIL_EAI_AGAIN ? "the name servers did not "
		    "answer" : result == EVUTIL_EAI_FAIL ? "name server failure" :
		    evutil_gai_strerror(result));
		return;
	}
	transport_add_addrs(t, res, t->proxy_host != NULL ? t->proxy_port :
	    t->port);
	evutil_freeaddrinfo(res);
	if (t->naddrs == 0) {
		transport_fail(t, "cannot resolve %s: no IPv4 or IPv6 address",
		    name);
		return;
	}
	log_debug("transport: host=%s resolved=%u", name, t->naddrs);
	t->state = TRANSPORT_CONNECT;
	transport_connect_next(t);
}

/* Runs once from the loop after transport_new(). */
static void
transport_start(evutil_socket_t fd, short what, void *arg)
{
	struct transport		*t = arg;
	struct evutil_addrinfo		 hints, *res = NULL;
	struct evdns_base		*dns;
	struct evdns_getaddrinfo_request *req;
	const char			*name;
	char				 port[8];

	name = t->proxy_host != NULL ? t->proxy_host : t->host;
	snprintf(port, sizeof port, "%u",
	    t->proxy_host != NULL ? t->proxy_port : t->port);
	transport_deadline_start(t, t->connect_timeout_ms);

	/* Literal addresses need no DNS (getaddrinfo never blocks on them). */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = EVUTIL_AI_NUMERICHOST | EVUTIL_AI_NUMERICSERV;
	if (evutil_getaddrinfo(name, port, &hints, &res) == 0) {
		transport_add_addrs(t, res, (unsigned int)atoi(port));
		evutil_freeaddrinfo(res);
		t->state = TRANSPORT_CONNECT;
		transport_connect_next(t);
		return;
	}

	if ((dns = transport_dns_get(t->base)) == NULL) {
		transport_fail(t, "cannot resolve %s: no DNS resolver", name);
		return;
	}
	hints.ai_flags = EVUTIL_AI_NUMERICSERV;
	transport_dns.inflight++;
	/* The callback may run before this returns (the hosts file). */
	req = evdns_getaddrinfo(dns, name, port, &hints, transport_dns_cb, t);
	if (req != NULL && t->state == TRANSPORT_RESOLVE)
		t->dns_req = req;
}

static void
transport_attempt_error(struct transport *t, const char *what)
{
	size_t	len = strlen(t->attempt_errors);

	snprintf(t->attempt_errors + len, sizeof t->attempt_errors - len,
	    "%s%s: %s", len > 0 ? "; " : "", t->attempt_peer, what);
}

static void
transport_attempt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct transport	*t = arg;

	transport_attempt_error(t, "timed out");
	transport_close_fd(t);
	transport_connect_next(t);
}

/* Try the next address, or fail with every address's error. */
static void
transport_connect_next(struct transport *t)
{
	struct transport_addr	*a;
	struct timeval		 tv;
	unsigned int		 ms;
	int			 fd;

	while (t->next_addr < t->naddrs) {
		a = &t->addrs[t->next_addr++];
		transport_format_addr((struct sockaddr *)&a->ss,
		    t->attempt_peer, sizeof t->attempt_peer);
		fd = socket(a->ss.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
		if (fd == -1) {
			transport_attempt_error(t, strerror(errno));
			continue;
		}
		if (connect(fd, (struct sockaddr *)&a->ss, a->len) == -1 &&
		    errno != EINPROGRESS) {
			transport_attempt_error(t, strerror(errno));
			close(fd);
			continue;
		}
		t->fd = fd;
		t->ev_read = event_new(t->base, fd, EV_READ | EV_PERSIST,
		    transport_io_cb, t);
		t->ev_write = event_new(t->base, fd, EV_WRITE | EV_PERSIST,
		    transport_io_cb, t);
		if (t->ev_read == NULL || t->ev_write == NULL)
			abort();
		event_add(t->ev_write, NULL);
		/* Share the time among the addresses, within the deadline. */
		ms = t->connect_timeout_ms / t->naddrs;
		if (ms < TRANSPORT_ATTEMPT_MIN_MS)
			ms = TRANSPORT_ATTEMPT_MIN_MS;
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		event_add(t->ev_attempt, &tv);
		log_debug("transport: host=%s connecting=%s", t->host,
		    t->attempt_peer);
		return;
	}
	if (t->proxy_host != NULL)
		transport_fail(t, "cannot connect to proxy %s", t->attempt_errors);
	else
		transport_fail(t, "cannot connect to %s", t->attempt_errors);
}

/* The socket became writable while connecting: did it work? */
static void
transport_connected(struct transport *t)
{
	int		err = 0, one = 1, n;
	socklen_t	len = sizeof err;

	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		event_del(t->ev_attempt);
		transport_attempt_error(t, strerror(err));
		transport_close_fd(t);
		transport_connect_next(t);
		return;
	}
	event_del(t->ev_attempt);
	event_del(t->ev_write);
	(void)setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	log_debug("transport: host=%s connected=%s", t->host, t->attempt_peer);
	snprintf(t->tcp_peer, sizeof t->tcp_peer, "%s", t->attempt_peer);

	if (t->proxy_host == NULL) {
		snprintf(t->peer, sizeof t->peer, "%s", t->attempt_peer);
		transport_tls_start(t);
		return;
	}

	snprintf(t->peer, sizeof t->peer, "%s", t->attempt_peer);
	n = http_connect_request(t->req, sizeof t->req, t->host, t->port,
	    t->proxy_user, t->proxy_password);
	if (n < 0) {
		transport_fail(t, "cannot build the CONNECT request for %s: %s",
		    t->host, strerror(-n));
		return;
	}
	t->req_len = (size_t)n;
	t->req_off = 0;
	t->state = TRANSPORT_PROXY;
	if ((t->resp = calloc(1, sizeof *t->resp)) == NULL)
		abort();
	http_response_init(t->resp);
	event_add(t->ev_write, NULL);
	event_add(t->ev_read, NULL);
}

/* ------------------------------------------------------------------ */
/* The proxy's CONNECT, in the clear. */

static void
transport_proxy_write(struct transport *t)
{
	ssize_t	n;

	while (t->req_off < t->req_len) {
		n = send(t->fd, t->req + t->req_off, t->req_len - t->req_off,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			transport_fail(t, "proxy %s: cannot send CONNECT: %s",
			    t->peer, strerror(errno));
			return;
		}
		t->req_off += (size_t)n;
	}
	explicit_bzero(t->req, sizeof t->req);
	event_del(t->ev_write);
}

static void
transport_proxy_read(struct transport *t)
{
	uint8_t	 buf[1024];
	ssize_t	 n;
	size_t	 used;
	char	*cause = NULL;
	int	 ret;

	/*
	 * Read a little at a time: the server says nothing before our TLS
	 * ClientHello, so anything after the head is a broken proxy.
	 */
	n = recv(t->fd, buf, sizeof buf, 0);
	if (n == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		transport_fail(t, "proxy %s: %s", t->peer, strerror(errno));
		return;
	}
	if (n == 0) {
		transport_fail(t, "proxy %s closed the connection before "
		    "answering CONNECT", t->peer);
		return;
	}
	ret = http_response_feed(t->resp, buf, (size_t)n, &used, &cause);
	if (ret < 0) {
		transport_fail(t, "proxy %s: %s", t->peer, cause);
		free(cause);
		return;
	}
	if (ret == 0)
		return;
	if (http_connect_check(t->resp, t->proxy_user != NULL, &cause) != 0) {
		transport_fail(t, "%s", cause);
		free(cause);
		return;
	}
	if (used != (size_t)n) {
		transport_fail(t, "proxy %s sent data after its CONNECT answer",
		    t->peer);
		return;
	}
	log_debug("transport: host=%s proxy=%s status=%d", t->host, t->peer,
	    t->resp->status);
	free(t->resp);
	t->resp = NULL;
	event_del(t->ev_read);
	event_del(t->ev_write);
	/* Through the proxy the server's address is the name we asked for. */
	if (http_authority(t->peer, sizeof t->peer, t->host, t->port) < 0)
		snprintf(t->peer, sizeof t->peer, "%s", t->host);
	transport_tls_start(t);
}

/* ------------------------------------------------------------------ */
/* TLS. */

struct transport_cipher {
	const char	*name;
	const char	*cipher;
	int		 aead;	/* usable with TLS 1.3 */
};

/* RouterOS's names (and the obvious long forms) onto GnuTLS's. */
static const struct transport_cipher transport_ciphers[] = {
	{ "aes128-sha", "AES-128-CBC", 0 },
	{ "aes128-cbc-sha", "AES-128-CBC", 0 },
	{ "aes256-sha", "AES-256-CBC", 0 },
	{ "aes256-cbc-sha", "AES-256-CBC", 0 },
	{ "aes128-gcm-sha256", "AES-128-GCM", 1 },
	{ "aes128-gcm", "AES-128-GCM", 1 },
	{ "aes256-gcm-sha384", "AES-256-GCM", 1 },
	{ "aes256-gcm", "AES-256-GCM", 1 },
	{ "chacha20-poly1305", "CHACHA20-POLY1305", 1 },
};

static int
transport_append(char *buf, size_t cap, const char *s)
{
	size_t	len = strlen(buf);

	if (len + strlen(s) + 1 > cap)
		return -ENOBUFS;
	memcpy(buf + len, s, strlen(s) + 1);
	return 0;
}

int
transport_priority(const struct transport_config *cfg, char *buf, size_t cap,
    char **cause)
{
	char		 list[256], name[64];
	const char	*p, *e;
	size_t		 i, len;
	int		 cbc = 0, aead = 0, ret = 0;

	*cause = NULL;
	if (cap == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	switch (cfg->tls_version) {
	case TLS_VER_ONLY_12:
		ret |= transport_append(buf, cap, "NORMAL:-VERS-ALL:+VERS-TLS1.2");
		break;
	case TLS_VER_ONLY_13:
		ret |= transport_append(buf, cap, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
		break;
	default:
		ret |= transport_append(buf, cap,
		    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2");
		break;
	}

	if (cfg->ciphers != NULL && *cfg->ciphers != '\0') {
		list[0] = '\0';
		for (p = cfg->ciphers; *p != '\0'; p = *e == '\0' ? e : e + 1) {
			e = p + strcspn(p, ",");
			len = (size_t)(e - p);
			while (len > 0 && isspace((unsigned char)*p)) {
				p++;
				len--;
			}
			while (len > 0 && isspace((unsigned char)p[len - 1]))
				len--;
			if (len == 0)
				continue;
			if (len >= sizeof name)
				len = sizeof name - 1;
			memcpy(name, p, len);
			name[len] = '\0';
			for (i = 0; i < sizeof transport_ciphers /
			    sizeof transport_ciphers[0]; i++) {
				if (strcasecmp(name, transport_ciphers[i].name) == 0)
					break;
			}
			if (i == sizeof transport_ciphers /
			    sizeof transport_ciphers[0]) {
				if (asprintf(cause, "unknown cipher \"%s\" (known: "
				    "aes128-sha, aes256-sha, aes128-gcm-sha256, "
				    "aes256-gcm-sha384, chacha20-poly1305)",
				    name) == -1)
					abort();
				return -EINVAL;
			}
			if (strstr(list, transport_ciphers[i].cipher) == NULL) {
				ret |= transport_append(list, sizeof list, ":+");
				ret |= transport_append(list, sizeof list,
				    transport_ciphers[i].cipher);
			}
			if (transport_ciphers[i].aead)
				aead = 1;
			else
				cbc = 1;
		}
		if (list[0] != '\0') {
			if (cfg->tls_version == TLS_VER_ONLY_13 && !aead) {
				if (asprintf(cause, "ciphers \"%s\": TLS 1.3 "
				    "needs an AEAD cipher (GCM or ChaCha20)",
				    cfg->ciphers) == -1)
					abort();
				return -EINVAL;
			}
			ret |= transport_append(buf, cap, ":-CIPHER-ALL");
			ret |= transport_append(buf, cap, list);
			ret |= transport_append(buf, cap, ":-MAC-ALL");
			if (aead)
				ret |= transport_append(buf, cap, ":+AEAD");
			if (cbc)
				ret |= transport_append(buf, cap, ":+SHA1");
		}
	}

	/* Key exchange for TLS 1.2 (TLS 1.3 is always forward-secret). */
	if (cfg->pfs == 1)
		ret |= transport_append(buf, cap, ":-KX-ALL:+ECDHE-ECDSA:"
		    "+ECDHE-RSA:+DHE-RSA:+RSA");
	else if (cfg->pfs >= 2)
		ret |= transport_append(buf, cap, ":-KX-ALL:+ECDHE-ECDSA:"
		    "+ECDHE-RSA:+DHE-RSA");
	if (ret != 0) {
		if (asprintf(cause, "TLS priority string too long") == -1)
			abort();
		return -ENOBUFS;
	}
	return 0;
}

static const char *
transport_tls_error(int ret)
{
	return gnutls_strerror(ret);
}

/*
 * Why a TLS send or receive failed: the server's alert when it sent one
 * before closing (a TLS 1.3 server refuses a client certificate only after
 * the handshake), else the socket's errno, else GnuTLS's text.
 */
static const char *
transport_tls_io_error(struct transport *t, int ret, int saved_errno)
{
	ssize_t	n;

	if (ret == GNUTLS_E_PUSH_ERROR) {
		n = gnutls_record_recv(t->tls, t->rbuf, sizeof t->rbuf);
		if (n == GNUTLS_E_FATAL_ALERT_RECEIVED)
			ret = (int)n;
	}
	if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		snprintf(t->ioerr, sizeof t->ioerr, "the server sent alert "
		    "\"%s\"", gnutls_alert_get_name(gnutls_alert_get(t->tls)));
		return t->ioerr;
	}
	if ((ret == GNUTLS_E_PUSH_ERROR || ret == GNUTLS_E_PULL_ERROR) &&
	    saved_errno != 0)
		return strerror(saved_errno);
	return gnutls_strerror(ret);
}

static int
transport_is_ip(const char *s)
{
	uint8_t	a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* GnuTLS reads through here: the first bytes are kept to explain failures. */
static ssize_t
transport_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct transport	*t = ptr;
	ssize_t			 n;
	size_t			 k;

	n = recv(t->fd, buf, len, 0);
	if (n > 0 && t->first_len < sizeof t->first) {
		k = sizeof t->first - t->first_len;
		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(t->first + t->first_len, buf, k);
		t->first_len += k;
	}
	return n;
}

/* Whole flights in one sendmsg, as GnuTLS's own writer does. */
static ssize_t
transport_push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
	struct transport	*t = ptr;
	struct msghdr		 msg;

	memset(&msg, 0, sizeof msg);
	msg.msg_iov = (struct iovec *)(uintptr_t)iov;
	msg.msg_iovlen = (size_t)iovcnt;
	return sendmsg(t->fd, &msg, MSG_NOSIGNAL);
}

/*
 * A TLS record starts with content type 20..23 (RFC 8446 5.1).  Anything
 * else is another protocol: give its first line ("HTTP/1.1 400 Bad
 * Request", "SSH-2.0-...") as the reason.  Returns 0 when it looked like TLS.
 */
static int
transport_not_tls(struct transport *t, char *buf, size_t cap)
{
	size_t	i, n = 0;

	ssize_t	r;

	if (t->first_len == 0 || (t->first[0] >= 20 && t->first[0] <= 23))
		return 0;
	/* GnuTLS stopped after a record header: take what else came. */
	if (t->fd != -1 && t->first_len < sizeof t->first) {
		r = recv(t->fd, t->first + t->first_len,
		    sizeof t->first - t->first_len, MSG_DONTWAIT);
		if (r > 0)
			t->first_len += (size_t)r;
	}
	for (i = 0; i < t->first_len && n + 1 < cap; i++) {
		if (t->first[i] == '\r' || t->first[i] == '\n')
			break;
		buf[n++] = (t->first[i] < 0x20 || t->first[i] >= 0x7f) ? '?' :
		    (char)t->first[i];
	}
	buf[n] = '\0';
	return 1;
}

/* Set up the GnuTLS session on the connected socket and start the handshake. */
static void
transport_tls_start(struct transport *t)
{
	const char	*err_pos = NULL;
	int		 ret;

	t->state = TRANSPORT_TLS;
	ret = gnutls_certificate_allocate_credentials(&t->cred);
	if (ret < 0) {
		transport_fail(t, "TLS: %s", transport_tls_error(ret));
		return;
	}
	if (t->ca_file != NULL) {
		ret = gnutls_certificate_set_x509_trust_file(t->cred,
		    t->ca_file, GNUTLS_X509_FMT_PEM);
		if (ret <= 0) {
			transport_fail(t, "TLS: cannot load CA file %s: %s",
			    t->ca_file, ret == 0 ? "no certificate in it" :
			    transport_tls_error(ret));
			return;
		}
		/* CRLs in the same file make "revoked" checkable (none: fine). */
		(void)gnutls_certificate_set_x509_crl_file(t->cred, t->ca_file,
		    GNUTLS_X509_FMT_PEM);
	} else if (t->verify_cert) {
		ret = gnutls_certificate_set_x509_system_trust(t->cred);
		if (ret <= 0)
			log_warn("transport: host=%s system trust store: %s",
			    t->host, ret == 0 ? "empty" :
			    transport_tls_error(ret));
	}
	if (t->cert_file != NULL) {
		ret = gnutls_certificate_set_x509_key_file(t->cred,
		    t->cert_file, t->key_file != NULL ? t->key_file :
		    t->cert_file, GNUTLS_X509_FMT_PEM);
		if (ret < 0) {
			transport_fail(t, "TLS: cannot load client certificate "
			    "%s: %s", t->cert_file, transport_tls_error(ret));
			return;
		}
	}
	ret = gnutls_init(&t->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL);
	if (ret < 0) {
		t->tls = NULL;
		transport_fail(t, "TLS: %s", transport_tls_error(ret));
		return;
	}
	ret = gnutls_priority_set_direct(t->tls, t->priority, &err_pos);
	if (ret < 0) {
		transport_fail(t, "TLS: bad priority string \"%s\" at \"%s\": %s",
		    t->priority, err_pos != NULL ? err_pos : "",
		    transport_tls_error(ret));
		return;
	}
	ret = gnutls_credentials_set(t->tls, GNUTLS_CRD_CERTIFICATE, t->cred);
	/* RFC 6066 3: literal addresses are not permitted as a HostName. */
	if (ret >= 0 && t->sni != NULL && *t->sni != '\0' &&
	    !transport_is_ip(t->sni))
		ret = gnutls_server_name_set(t->tls, GNUTLS_NAME_DNS, t->sni,
		    strlen(t->sni));
	if (ret < 0) {
		transport_fail(t, "TLS: %s", transport_tls_error(ret));
		return;
	}
	gnutls_transport_set_ptr(t->tls, t);
	gnutls_transport_set_pull_function(t->tls, transport_pull);
	gnutls_transport_set_vec_push_function(t->tls, transport_push);
	gnutls_handshake_set_timeout(t->tls, 0);	/* our deadline rules */
	log_debug("transport: host=%s tls=start sni=%s priority=%s", t->host,
	    t->sni != NULL ? t->sni : "none", t->priority);
	transport_tls_handshake(t);
}

/* Wait for whichever direction GnuTLS needs. */
static void
transport_tls_wait(struct transport *t)
{
	if (gnutls_record_get_direction(t->tls) == 1) {
		event_del(t->ev_read);
		event_add(t->ev_write, NULL);
	} else {
		event_del(t->ev_write);
		event_add(t->ev_read, NULL);
	}
}

static const struct {
	unsigned int	 flag;
	const char	*reason;
} transport_cert_reasons[] = {
	{ GNUTLS_CERT_EXPIRED, "expired" },
	{ GNUTLS_CERT_NOT_ACTIVATED, "not yet valid" },
	{ GNUTLS_CERT_SIGNER_NOT_FOUND, "unknown issuer" },
	{ GNUTLS_CERT_SIGNER_NOT_CA, "issuer is not a CA" },
	{ GNUTLS_CERT_REVOKED, "revoked" },
	{ GNUTLS_CERT_INSECURE_ALGORITHM, "insecure algorithm" },
	{ GNUTLS_CERT_SIGNATURE_FAILURE, "bad signature" },
	{ GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE, "issuer constraints violated" },
	{ GNUTLS_CERT_PURPOSE_MISMATCH, "not a TLS server certificate" },
	{ GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS, "unknown critical extension" },
	{ GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED, "revocation data too old" },
	{ GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE,
	    "revocation data from the future" },
	{ GNUTLS_CERT_MISSING_OCSP_STATUS, "OCSP status missing" },
	{ GNUTLS_CERT_INVALID_OCSP_STATUS, "OCSP status invalid" },
	{ GNUTLS_CERT_UNEXPECTED_OWNER, "name mismatch" },
	{ GNUTLS_CERT_MISMATCH, "certificate mismatch" },
};

/* The names a certificate is for, for the mismatch message. */
static void
transport_cert_names(gnutls_x509_crt_t crt, char *buf, size_t cap)
{
	char		 name[256], ip[INET6_ADDRSTRLEN];
	size_t		 size, len;
	unsigned int	 i;
	int		 type;

	buf[0] = '\0';
	for (i = 0; i < 16; i++) {
		size = sizeof name - 1;
		type = gnutls_x509_crt_get_subject_alt_name(crt, i, name, &size,
		    NULL);
		if (type < 0)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			name[size < sizeof name ? size : sizeof name - 1] = '\0';
		} else if (type == GNUTLS_SAN_IPADDRESS &&
		    (size == 4 || size == 16)) {
			inet_ntop(size == 4 ? AF_INET : AF_INET6, name, ip,
			    sizeof ip);
			snprintf(name, sizeof name, "%s", ip);
		} else
			continue;
		len = strlen(buf);
		if (len + 2 + strlen(name) + 1 > cap)
			break;
		if (len > 0)
			strcat(buf, ", ");
		strcat(buf, name);
	}
	if (buf[0] == '\0') {
		size = sizeof name;
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME,
		    0, 0, name, &size) == 0)
			snprintf(buf, cap, "%s", name);
		else
			snprintf(buf, cap, "no name");
	}
	for (len = 0; buf[len] != '\0'; len++) {
		if ((unsigned char)buf[len] < 0x20 || buf[len] == 0x7f)
			buf[len] = '?';
	}
}

/* Hex with optional ':' or ' ' separators into 32 bytes. */
static int
transport_parse_pin(const char *s, uint8_t out[32])
{
	size_t	n = 0;
	int	hi = -1, v;

	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == ' ')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -EINVAL;
		if (hi == -1)
			hi = v;
		else {
			if (n == 32)
				return -EINVAL;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return (n == 32 && hi == -1) ? 0 : -EINVAL;
}

static void
transport_hex(const uint8_t *buf, size_t len, char *out)
{
	size_t	i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
}

/*
 * After the handshake: the chain, the name and the pin, each on its own,
 * with every reason named.  Returns 0 or fails the transport.
 */
static int
transport_tls_verify(struct transport *t)
{
	const gnutls_datum_t	*certs;
	unsigned int		 ncerts = 0, status = 0, i;
	gnutls_x509_crt_t	 crt = NULL;
	gnutls_typed_vdata_st	 vdata[1];
	char			 reasons[256], names[256], hex[65], want[65];
	uint8_t			 ip[16], pin[32];
	const char		*name;
	size_t			 len;
	int			 ret, ok;

	certs = gnutls_certificate_get_peers(t->tls, &ncerts);
	if (certs == NULL || ncerts == 0) {
		transport_fail(t, "TLS: the server sent no certificate");
		return -1;
	}
	gnutls_hash_fast(GNUTLS_DIG_SHA1, certs[0].data, certs[0].size, t->sha1);
	gnutls_hash_fast(GNUTLS_DIG_SHA256, certs[0].data, certs[0].size,
	    t->sha256);
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) < 0) {
		if (crt != NULL)
			gnutls_x509_crt_deinit(crt);
		transport_fail(t, "TLS: the server's certificate is unreadable");
		return -1;
	}

	if (t->verify_cert) {
		vdata[0].type = GNUTLS_DT_KEY_PURPOSE_OID;
		vdata[0].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
		vdata[0].size = 0;
		ret = gnutls_certificate_verify_peers(t->tls, vdata, 1, &status);
		if (ret < 0) {
			gnutls_x509_crt_deinit(crt);
			transport_fail(t, "TLS: certificate verify failed: %s",
			    transport_tls_error(ret));
			return -1;
		}
		if (status != 0) {
			reasons[0] = '\0';
			for (i = 0; i < sizeof transport_cert_reasons /
			    sizeof transport_cert_reasons[0]; i++) {
				if ((status & transport_cert_reasons[i].flag) == 0)
					continue;
				len = strlen(reasons);
				snprintf(reasons + len, sizeof reasons - len,
				    "%s%s", len > 0 ? ", " : "",
				    transport_cert_reasons[i].reason);
			}
			if (reasons[0] == '\0')
				snprintf(reasons, sizeof reasons,
				    "status 0x%x", status);
			gnutls_x509_crt_deinit(crt);
			transport_fail(t, "TLS: certificate verify failed: %s",
			    reasons);
			return -1;
		}
	}

	if (t->verify_name) {
		name = t->verify_hostname != NULL ? t->verify_hostname : t->host;
		if (inet_pton(AF_INET, name, ip) == 1)
			ok = gnutls_x509_crt_check_ip(crt, ip, 4, 0);
		else if (inet_pton(AF_INET6, name, ip) == 1)
			ok = gnutls_x509_crt_check_ip(crt, ip, 16, 0);
		else
			ok = gnutls_x509_crt_check_hostname2(crt, name, 0);
		if (!ok) {
			transport_cert_names(crt, names, sizeof names);
			gnutls_x509_crt_deinit(crt);
			transport_fail(t, "TLS: certificate verify failed: name "
			    "mismatch (certificate is for %s, not %s)", names,
			    name);
			return -1;
		}
	}
	gnutls_x509_crt_deinit(crt);

	if (t->pin_sha256 != NULL) {
		transport_hex(t->sha256, 32, hex);
		if (transport_parse_pin(t->pin_sha256, pin) != 0) {
			transport_fail(t, "TLS: certificate pin is not a SHA-256 "
			    "in hex; the server's is %s", hex);
			return -1;
		}
		if (memcmp(pin, t->sha256, 32) != 0) {
			transport_hex(pin, 32, want);
			transport_fail(t, "TLS: certificate pin mismatch: the "
			    "server's SHA-256 is %s, expected %s", hex, want);
			return -1;
		}
	}
	return 0;
}

/* Queue SSTP_DUPLEX_POST, to be sent ahead of anything else. */
static int
transport_http_start(struct transport *t)
{
	uint8_t	raw[16];
	char	guid[HTTP_GUID_LEN + 1];
	int	n;

	if (gnutls_rnd(GNUTLS_RND_NONCE, raw, sizeof raw) < 0) {
		transport_fail(t, "cannot make a correlation id");
		return -1;
	}
	http_guid_format(raw, guid);
	n = http_sstp_request(t->req, sizeof t->req, t->host, guid);
	if (n < 0) {
		transport_fail(t, "cannot build SSTP_DUPLEX_POST for %s: %s",
		    t->host, strerror(-n));
		return -1;
	}
	t->req_len = (size_t)n;
	t->req_off = 0;
	if ((t->resp = calloc(1, sizeof *t->resp)) == NULL)
		abort();
	http_response_init(t->resp);
	t->state = TRANSPORT_HTTP;
	event_del(t->ev_deadline);
	transport_deadline_start(t, t->http_timeout_ms);
	log_debug("transport: host=%s http=post correlation=%s", t->host, guid);
	return 0;
}

static void
transport_tls_handshake(struct transport *t)
{
	const char	*proto, *cipher;
	char		 other[sizeof t->first + 1];
	int		 ret;

	do {
		errno = 0;
		ret = gnutls_handshake(t->tls);
	} while (ret < 0 && !gnutls_error_is_fatal(ret) &&
	    ret != GNUTLS_E_AGAIN);
	if (ret == GNUTLS_E_AGAIN) {
		transport_tls_wait(t);
		return;
	}
	if (ret < 0) {
		if (transport_not_tls(t, other, sizeof other))
			transport_fail(t, "TLS: handshake with %s failed: the "
			    "server does not speak TLS (it sent \"%s\")",
			    t->peer, other);
		else if (ret == GNUTLS_E_PREMATURE_TERMINATION)
			transport_fail(t, "TLS: handshake with %s failed: the "
			    "server closed the connection", t->peer);
		else if (ret == GNUTLS_E_UNEXPECTED_PACKET ||
		    ret == GNUTLS_E_UNEXPECTED_PACKET_LENGTH ||
		    ret == GNUTLS_E_UNSUPPORTED_VERSION_PACKET)
			/* Plain HTTP, SSH, ... where TLS was expected. */
			transport_fail(t, "TLS: handshake with %s failed: the "
			    "server does not speak TLS (%s)", t->peer,
			    transport_tls_error(ret));
		else if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED ||
		    ret == GNUTLS_E_PUSH_ERROR || ret == GNUTLS_E_PULL_ERROR)
			transport_fail(t, "TLS: handshake with %s failed: %s",
			    t->peer, transport_tls_io_error(t, ret, errno));
		else
			transport_fail(t, "TLS: handshake with %s failed: %s",
			    t->peer, transport_tls_error(ret));
		return;
	}

	proto = gnutls_protocol_get_name(gnutls_protocol_get_version(t->tls));
	cipher = gnutls_cipher_get_name(gnutls_cipher_get(t->tls));
	if (proto != NULL && strncmp(proto, "TLS", 3) == 0)
		snprintf(t->encoding, sizeof t->encoding, "TLSv%s %s",
		    proto + 3, cipher != NULL ? cipher : "?");
	else
		snprintf(t->encoding, sizeof t->encoding, "%s %s",
		    proto != NULL ? proto : "?", cipher != NULL ? cipher : "?");
	log_debug("transport: host=%s tls=up encoding=\"%s\"", t->host,
	    t->encoding);

	if (transport_tls_verify(t) != 0)
		return;
	if (transport_http_start(t) != 0)
		return;
	event_add(t->ev_read, NULL);
	event_add(t->ev_write, NULL);
}

/* ------------------------------------------------------------------ */
/* The TLS stream: sending, receiving, the HTTP answer. */

/* Send what is queued (the request first, the queue once ready). */
static int
transport_tls_flush(struct transport *t)
{
	const uint8_t	*p;
	size_t		 len;
	ssize_t		 n;

	for (;;) {
		if (t->req_off < t->req_len) {
			p = (const uint8_t *)t->req + t->req_off;
			len = t->req_len - t->req_off;
		} else if (t->state == TRANSPORT_READY && t->wq_len > 0) {
			p = t->wq + t->wq_off;
			len = t->wq_len;
		} else
			break;
		/* After EAGAIN, GnuTLS wants the same call again. */
		if (t->tls_pending != 0)
			len = t->tls_pending;
		else if (len > TRANSPORT_READ_SIZE)
			len = TRANSPORT_READ_SIZE;
		errno = 0;
		n = gnutls_record_send(t->tls, p, len);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
			t->tls_pending = len;
			return 0;
		}
		t->tls_pending = 0;
		if (n < 0) {
			transport_fail(t, "TLS: send to %s failed: %s", t->peer,
			    transport_tls_io_error(t, (int)n, errno));
			return -1;
		}
		if (t->req_off < t->req_len)
			t->req_off += (size_t)n;
		else {
			t->wq_off += (size_t)n;
			t->wq_len -= (size_t)n;
			if (t->wq_len == 0)
				t->wq_off = 0;
		}
	}
	return 0;
}

static void
transport_arm_write(struct transport *t)
{
	if (t->state == TRANSPORT_FAILED || t->ev_write == NULL)
		return;
	/*
	 * A drain owed is delivered from the write event too, even when
	 * transport_write() itself emptied the queue.
	 */
	if (t->tls_pending != 0 || t->req_off < t->req_len ||
	    (t->state == TRANSPORT_READY && !t->corked &&
	    (t->wq_len > 0 || t->want_drain)))
		event_add(t->ev_write, NULL);
	else
		event_del(t->ev_write);
}

/* Bytes of the SSTP_DUPLEX_POST answer; returns 1 once ready. */
static int
transport_http_input(struct transport *t, const uint8_t *buf, size_t len,
    size_t *used)
{
	char	*cause = NULL;
	int	 ret;

	ret = http_response_feed(t->resp, buf, len, used, &cause);
	if (ret < 0) {
		transport_fail(t, "server %s: %s", t->peer, cause);
		free(cause);
		return -1;
	}
	if (ret == 0)
		return 0;
	if (http_sstp_check(t->resp, &cause) != 0) {
		transport_fail(t, "%s", cause);
		free(cause);
		return -1;
	}
	log_debug("transport: host=%s http=200 peer=%s", t->host, t->peer);
	free(t->resp);
	t->resp = NULL;
	event_del(t->ev_deadline);
	t->state = TRANSPORT_READY;
	return 1;
}

/* Read every decrypted byte there is; runs user callbacks (busy is held). */
static void
transport_tls_read(struct transport *t)
{
	ssize_t		n;
	size_t		used;
	unsigned int	records;
	int		ret;

	for (records = 0;; records++) {
		/*
		 * Let the other tunnels run now and then; what GnuTLS holds
		 * already would raise no socket event, so ask for another turn.
		 */
		if (records == TRANSPORT_READ_BURST) {
			if (gnutls_record_check_pending(t->tls) > 0)
				event_active(t->ev_read, EV_READ, 1);
			return;
		}
		errno = 0;
		n = gnutls_record_recv(t->tls, t->rbuf, sizeof t->rbuf);
		if (n == GNUTLS_E_AGAIN)
			return;
		if (n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n == GNUTLS_E_REHANDSHAKE) {
			/* RFC 5746 aside, we never renegotiate: refuse politely. */
			(void)gnutls_alert_send(t->tls, GNUTLS_AL_WARNING,
			    GNUTLS_A_NO_RENEGOTIATION);
			continue;
		}
		if (n == 0) {
			transport_fail(t, "server closed the connection%s",
			    t->state == TRANSPORT_HTTP ? " before answering "
			    "SSTP_DUPLEX_POST" : "");
			return;
		}
		if (n < 0 && !gnutls_error_is_fatal((int)n))
			continue;	/* a warning alert */
		if (n < 0) {
			if (n == GNUTLS_E_PREMATURE_TERMINATION)
				transport_fail(t, "server closed the connection"
				    "%s (without TLS close_notify)",
				    t->state == TRANSPORT_HTTP ? " before "
				    "answering SSTP_DUPLEX_POST" : "");
			else
				transport_fail(t, "TLS: receive from %s failed: "
				    "%s", t->peer, transport_tls_io_error(t,
				    (int)n, errno));
			return;
		}

		used = 0;
		if (t->state == TRANSPORT_HTTP) {
			ret = transport_http_input(t, t->rbuf, (size_t)n, &used);
			if (ret < 0)
				return;
			if (ret == 0)
				continue;
			transport_arm_write(t);
			if (t->cb.ready_cb != NULL)
				t->cb.ready_cb(t->arg);
			if (t->freed || t->state != TRANSPORT_READY)
				return;
		}
		if (used < (size_t)n && t->cb.read_cb != NULL) {
			t->cb.read_cb(t->arg, t->rbuf + used, (size_t)n - used);
			if (t->freed || t->state != TRANSPORT_READY)
				return;
		}
	}
}

static void
transport_io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct transport	*t = arg;
	int			 drained;

	t->busy++;
	switch (t->state) {
	case TRANSPORT_CONNECT:
		if (what & EV_WRITE)
			transport_connected(t);
		break;
	case TRANSPORT_PROXY:
		if (what & EV_WRITE)
			transport_proxy_write(t);
		if ((what & EV_READ) && t->state == TRANSPORT_PROXY)
			transport_proxy_read(t);
		break;
	case TRANSPORT_TLS:
		transport_tls_handshake(t);
		break;
	case TRANSPORT_HTTP:
	case TRANSPORT_READY:
		if ((what & EV_WRITE) && transport_tls_flush(t) != 0)
			break;
		if (what & EV_READ) {
			transport_tls_read(t);
			if (t->freed || t->state == TRANSPORT_FAILED)
				break;
		}
		transport_arm_write(t);
		drained = t->want_drain && t->wq_len < TRANSPORT_WQ_LOW;
		if (drained) {
			t->want_drain = 0;
			if (t->cb.drain_cb != NULL)
				t->cb.drain_cb(t->arg);
		}
		break;
	default:
		break;
	}
	transport_leave(t);
}

/* ------------------------------------------------------------------ */
/* The interface. */

struct transport *
transport_new(struct event_base *base, const struct transport_config *cfg,
    const struct transport_callbacks *cb, void *arg)
{
	struct transport	*t;
	char			*cause = NULL;

	if ((t = calloc(1, sizeof *t)) == NULL)
		abort();
	t->base = base;
	t->cb = *cb;
	t->arg = arg;
	t->fd = -1;
	t->state = TRANSPORT_RESOLVE;
	t->host = transport_strdup(cfg->host != NULL ? cfg->host : "");
	/* "[2001:db8::1]" is accepted as well as the bare literal. */
	if (t->host[0] == '[' && t->host[strlen(t->host) - 1] == ']') {
		memmove(t->host, t->host + 1, strlen(t->host) - 2);
		t->host[strlen(t->host) - 2] = '\0';
	}
	t->port = cfg->port != 0 ? cfg->port : 443;
	if (cfg->proxy_host != NULL && *cfg->proxy_host != '\0') {
		t->proxy_host = transport_strdup(cfg->proxy_host);
		t->proxy_port = cfg->proxy_port != 0 ? cfg->proxy_port : 8080;
		t->proxy_user = transport_strdup(cfg->proxy_user);
		t->proxy_password = transport_strdup(cfg->proxy_password);
	}
	t->sni = transport_strdup(cfg->sni);
	t->ca_file = transport_strdup(cfg->ca_file);
	t->verify_cert = cfg->verify_cert;
	t->verify_name = cfg->verify_name;
	t->verify_hostname = transport_strdup(cfg->verify_hostname);
	t->pin_sha256 = transport_strdup(cfg->pin_sha256);
	t->cert_file = transport_strdup(cfg->cert_file);
	t->key_file = transport_strdup(cfg->key_file);
	t->connect_timeout_ms = cfg->connect_timeout_ms != 0 ?
	    cfg->connect_timeout_ms : 30000;
	t->http_timeout_ms = cfg->http_timeout_ms != 0 ?
	    cfg->http_timeout_ms : 60000;

	t->ev_attempt = evtimer_new(base, transport_attempt_cb, t);
	t->ev_deadline = evtimer_new(base, transport_deadline_cb, t);
	t->ev_fail = event_new(base, -1, 0, transport_fail_cb, t);
	t->ev_start = event_new(base, -1, 0, transport_start, t);
	if (t->ev_attempt == NULL || t->ev_deadline == NULL ||
	    t->ev_fail == NULL || t->ev_start == NULL)
		abort();

	if (*t->host == '\0')
		transport_fail(t, "no server address (connect-to) given");
	else if (t->port > 65535 || t->proxy_port > 65535)
		transport_fail(t, "port out of range");
	else if (transport_priority(cfg, t->priority, sizeof t->priority,
	    &cause) != 0) {
		transport_fail(t, "TLS: %s", cause);
		free(cause);
	} else
		event_active(t->ev_start, EV_TIMEOUT, 1);
	return t;
}

int
transport_write(struct transport *t, const uint8_t *buf, size_t len)
{
	if (t->state == TRANSPORT_FAILED)
		return 0;	/* error_cb is on its way */
	if (t->wq == NULL && (t->wq = malloc(TRANSPORT_WQ_SIZE)) == NULL)
		abort();
	if (len > TRANSPORT_WQ_SIZE - t->wq_len) {
		t->want_drain = 1;
		return -ENOBUFS;
	}
	if (t->wq_off + t->wq_len + len > TRANSPORT_WQ_SIZE) {
		/* Slide what is left to the front (no allocation). */
		memmove(t->wq, t->wq + t->wq_off, t->wq_len);
		t->wq_off = 0;
	}
	memcpy(t->wq + t->wq_off + t->wq_len, buf, len);
	t->wq_len += len;
	if (t->corked)
		;	/* transport_uncork() sends it, with what follows */
	else if (t->state == TRANSPORT_READY && t->tls_pending == 0) {
		/* Send at once; errors come back through error_cb. */
		if (transport_tls_flush(t) != 0)
			return 0;
		transport_arm_write(t);
	} else if (t->state == TRANSPORT_READY)
		transport_arm_write(t);
	if (t->wq_len > TRANSPORT_WQ_HIGH) {
		t->want_drain = 1;
		return 1;
	}
	return 0;
}

void
transport_cork(struct transport *t)
{
	t->corked = 1;
}

void
transport_uncork(struct transport *t)
{
	if (!t->corked)
		return;
	t->corked = 0;
	if (t->state != TRANSPORT_READY)
		return;
	/* The queue is contiguous: one record per TRANSPORT_READ_SIZE. */
	if (t->tls_pending == 0 && transport_tls_flush(t) != 0)
		return;
	transport_arm_write(t);
}

void
transport_cert_hashes(const struct transport *t, uint8_t sha1[20],
    uint8_t sha256[32])
{
	memcpy(sha1, t->sha1, sizeof t->sha1);
	memcpy(sha256, t->sha256, sizeof t->sha256);
}

const char *
transport_encoding(const struct transport *t)
{
	return t->encoding;
}

const char *
transport_peer(const struct transport *t)
{
	return t->peer;
}

const char *
transport_tcp_peer(const struct transport *t)
{
	return t->tcp_peer;
}

/* test-transport-io.c - the transport against a GnuTLS server on 127.0.0.1: answers, splits, back-pressure, closes, frees from callbacks. */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "timer.h"
#include "transport.h"
#include "t.h"

enum answer {
	ANSWER_200_TAIL,	/* 200 and 4 SSTP bytes in the same record */
	ANSWER_200_SPLIT,	/* the head one byte per record, then "abcd" */
	ANSWER_404,
	ANSWER_NONE,		/* never answer */
	ANSWER_200_CLOSE,	/* 200, then close_notify */
	ANSWER_200_SLOW,	/* 200, read nothing until told, then count */
	ANSWER_NO_TLS,		/* accept, never start TLS */
	ANSWER_200_MANY,	/* 200, then 200 records of 100 bytes at once */
	ANSWER_SSH,		/* an SSH banner instead of TLS */
};

/* As an HTTP proxy first: what to answer CONNECT with (NULL: no proxy). */
static const char *proxy_answer;
#define PROXY_SILENT	""	/* answer nothing */

/* The server: one connection per run, blocking, in its own thread. */
static struct {
	int			 lfd;
	unsigned int		 port;
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t		 der;		/* the certificate, for hashes */
	char			 ca_path[64];
	enum answer		 answer;
	int			 go[2];		/* pipe: "start reading now" */
	size_t			 received;	/* ANSWER_200_SLOW: bytes checked */
	size_t			 records;	/* ... and records they came in */
	int			 pattern_ok;
	char			 request[1024];
	char			 connect_req[1024];
	pthread_t		 thread;
} srv;

/* The client side of one run. */
static struct {
	struct event_base	*base;
	struct transport	*t;
	int			 ready;
	char			 error[512];
	uint8_t			 got[64];
	size_t			 got_len;
	size_t			 total;		/* every byte read_cb saw */
	int			 pattern_bad;
	size_t			 want_total;	/* stop at this many (0: 4) */
	int			 drains;
	int			 free_in_ready;
	int			 free_in_error;
} cl;

static void
srv_make_cert(void)
{
	gnutls_x509_privkey_t	 key;
	gnutls_x509_crt_t	 crt;
	gnutls_datum_t		 pem;
	unsigned char		 serial[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned char		 ip[4] = { 127, 0, 0, 1 };
	time_t			 now = time(NULL);
	FILE			*f;
	int			 fd;

	T_CHECK(gnutls_x509_privkey_init(&key) == 0);
	T_CHECK(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) == 0);
	T_CHECK(gnutls_x509_crt_init(&crt) == 0);
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
	gnutls_x509_crt_set_activation_time(crt, now - 3600);
	gnutls_x509_crt_set_expiration_time(crt, now + 86400);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    "test.invalid", 12);
	gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME,
	    "test.invalid", 12, GNUTLS_FSAN_APPEND);
	gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 4,
	    GNUTLS_FSAN_APPEND);
	gnutls_x509_crt_set_basic_constraints(crt, 1, -1);
	gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
	    GNUTLS_KEY_KEY_CERT_SIGN);
	gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
	gnutls_x509_crt_set_key(crt, key);
	T_CHECK(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) == 0);

	T_CHECK(gnutls_certificate_allocate_credentials(&srv.cred) == 0);
	T_CHECK(gnutls_certificate_set_x509_key(srv.cred, &crt, 1, key) == 0);
	T_CHECK(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &srv.der) == 0);
	T_CHECK(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pem) == 0);
	strcpy(srv.ca_path, "/tmp/test-transport-io.XXXXXX");
	fd = mkstemp(srv.ca_path);
	T_CHECK(fd != -1);
	f = fdopen(fd, "w");
	fwrite(pem.data, 1, pem.size, f);
	fclose(f);
	gnutls_free(pem.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

static void
srv_listen(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			small = 4096;

	srv.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	T_CHECK(srv.lfd != -1);
	/* Small buffers, so back-pressure comes soon. */
	setsockopt(srv.lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	T_CHECK(bind(srv.lfd, (struct sockaddr *)&sin, sizeof sin) == 0);
	T_CHECK(listen(srv.lfd, 4) == 0);
	T_CHECK(getsockname(srv.lfd, (struct sockaddr *)&sin, &len) == 0);
	srv.port = ntohs(sin.sin_port);
}

static int
srv_send(gnutls_session_t s, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = gnutls_record_send(s, buf, len);
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Wait for the client to go away (or for more bytes, discarded). */
static void
srv_drain(gnutls_session_t s)
{
	char	buf[4096];

	while (gnutls_record_recv(s, buf, sizeof buf) > 0)
		;
}

/* A 200 with nothing behind its head: go on to TLS. */
static int
proxy_lets_through(void)
{
	const char	*end = strstr(proxy_answer, "\r\n\r\n");

	return strlen(proxy_answer) > 13 &&
	    strncmp(proxy_answer + 8, " 200 ", 5) == 0 && end != NULL &&
	    end[4] == '\0';
}

static void *
srv_main(void *arg)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 18446744073709551615\r\n\r\n";
	gnutls_session_t	 s;
	char			 buf[4096], c;
	size_t			 len = 0, i;
	ssize_t			 n;
	int			 fd;

	if ((fd = accept(srv.lfd, NULL, NULL)) == -1)
		return NULL;
	if (proxy_answer != NULL) {
		/* The CONNECT head, in the clear. */
		srv.connect_req[0] = '\0';
		while (len < sizeof srv.connect_req - 1 &&
		    strstr(srv.connect_req, "\r\n\r\n") == NULL) {
			if ((n = recv(fd, srv.connect_req + len,
			    sizeof srv.connect_req - 1 - len, 0)) <= 0)
				break;
			len += (size_t)n;
			srv.connect_req[len] = '\0';
		}
		len = 0;
		if (*proxy_answer != '\0')
			(void)send(fd, proxy_answer, strlen(proxy_answer),
			    MSG_NOSIGNAL);
		if (!proxy_lets_through()) {
			while (recv(fd, buf, sizeof buf, 0) > 0)
				;
			close(fd);
			return NULL;
		}
	}
	if (srv.answer == ANSWER_SSH)
		(void)send(fd, "SSH-2.0-OpenSSH_9.2\r\n", 21, MSG_NOSIGNAL);
	if (srv.answer == ANSWER_NO_TLS || srv.answer == ANSWER_SSH) {
		while (recv(fd, buf, sizeof buf, 0) > 0)
			;
		close(fd);
		return NULL;
	}
	gnutls_init(&s, GNUTLS_SERVER);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, srv.cred);
	gnutls_transport_set_int(s, fd);
	if (gnutls_handshake(s) < 0)
		goto out;
	/* The request head. */
	while (len < sizeof srv.request - 1) {
		n = gnutls_record_recv(s, srv.request + len,
		    sizeof srv.request - 1 - len);
		if (n <= 0)
			goto out;
		len += (size_t)n;
		srv.request[len] = '\0';
		if (strstr(srv.request, "\r\n\r\n") != NULL)
			break;
	}

	switch (srv.answer) {
	case ANSWER_200_TAIL:
		memcpy(buf, ok, sizeof ok - 1);
		memcpy(buf + sizeof ok - 1, "\x10\x01\x00\x0e", 4);
		srv_send(s, buf, sizeof ok - 1 + 4);
		srv_drain(s);
		break;
	case ANSWER_200_SPLIT:
		for (i = 0; i < sizeof ok - 1; i++)
			srv_send(s, ok + i, 1);
		srv_send(s, "abcd", 4);
		srv_drain(s);
		break;
	case ANSWER_200_MANY:
		{
			static char	all[sizeof ok - 1 + 200 * 100];

			/* One write: the client finds many records at once. */
			memcpy(all, ok, sizeof ok - 1);
			for (i = 0; i < 200 * 100; i++)
				all[sizeof ok - 1 + i] = (char)(uint8_t)i;
			gnutls_record_cork(s);
			for (i = 0; i < 200; i++)
				gnutls_record_send(s, i == 0 ? all : all +
				    sizeof ok - 1 + i * 100, i == 0 ?
				    sizeof ok - 1 + 100 : 100);
			gnutls_record_uncork(s, GNUTLS_RECORD_WAIT);
		}
		srv_drain(s);
		break;
	case ANSWER_404:
		srv_send(s, "HTTP/1.1 404 Not Found\r\n\r\n", 26);
		srv_drain(s);
		break;
	case ANSWER_NONE:
	case ANSWER_NO_TLS:
	case ANSWER_SSH:
		srv_drain(s);
		break;
	case ANSWER_200_CLOSE:
		srv_send(s, ok, sizeof ok - 1);
		gnutls_bye(s, GNUTLS_SHUT_WR);
		srv_drain(s);
		break;
	case ANSWER_200_SLOW:
		srv_send(s, ok, sizeof ok - 1);
		if (read(srv.go[0], &c, 1) != 1)
			break;
		srv.pattern_ok = 1;
		while ((n = gnutls_record_recv(s, buf, sizeof buf)) > 0) {
			for (i = 0; i < (size_t)n; i++) {
				if ((uint8_t)buf[i] != (uint8_t)(srv.received + i))
					srv.pattern_ok = 0;
			}
			/* A record is done when none of it is left over. */
			if (gnutls_record_check_pending(s) == 0)
				__atomic_add_fetch(&srv.records, 1,
				    __ATOMIC_SEQ_CST);
			__atomic_add_fetch(&srv.received, (size_t)n,
			    __ATOMIC_SEQ_CST);
		}
		break;
	}
out:
	gnutls_deinit(s);
	close(fd);
	return NULL;
}

static void
cl_ready_cb(void *arg)
{
	cl.ready = 1;
	if (cl.free_in_ready) {
		transport_free(cl.t);
		cl.t = NULL;
		event_base_loopexit(cl.base, NULL);
	}
}

static void
cl_read_cb(void *arg, const uint8_t *buf, size_t len)
{
	if (cl.got_len + len <= sizeof cl.got) {
		memcpy(cl.got + cl.got_len, buf, len);
		cl.got_len += len;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != (uint8_t)(cl.total + i))
			cl.pattern_bad = 1;
	}
	cl.total += len;
	if (cl.want_total != 0 ? cl.total >= cl.want_total : cl.got_len >= 4)
		event_base_loopexit(cl.base, NULL);
}

static void
cl_drain_cb(void *arg)
{
	cl.drains++;
	event_base_loopexit(cl.base, NULL);
}

static void
cl_error_cb(void *arg, const char *cause)
{
	snprintf(cl.error, sizeof cl.error, "%s", cause);
	if (cl.free_in_error) {
		transport_free(cl.t);
		cl.t = NULL;
	}
	event_base_loopexit(cl.base, NULL);
}

static void
cl_safety_cb(evutil_socket_t fd, short what, void *arg)
{
	snprintf(cl.error, sizeof cl.error, "test timed out");
	event_base_loopexit(cl.base, NULL);
}

static const struct transport_callbacks cl_cb = {
	cl_ready_cb, cl_read_cb, cl_drain_cb, cl_error_cb
};

static void
cfg_default(struct transport_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->host = "127.0.0.1";
	cfg->port = srv.port;
	cfg->ca_file = srv.ca_path;
	cfg->verify_cert = 1;
	cfg->verify_name = 1;
	cfg->connect_timeout_ms = 5000;
	cfg->http_timeout_ms = 5000;
}

/* Start the server for one answer and the transport; run until a callback stops. */
static void
run(enum answer answer, const struct transport_config *cfg)
{
	struct event	*safety;
	struct timeval	 tv = { 10, 0 };
	size_t		 want_total = cl.want_total;	/* set by the test */

	memset(&cl, 0, sizeof cl);
	cl.want_total = want_total;
	cl.base = timer_get_base();
	srv.answer = answer;
	srv.received = 0;
	srv.request[0] = '\0';
	T_CHECK(pthread_create(&srv.thread, NULL, srv_main, NULL) == 0);
	safety = evtimer_new(cl.base, cl_safety_cb, NULL);
	evtimer_add(safety, &tv);
	cl.t = transport_new(cl.base, cfg, &cl_cb, NULL);
	event_base_dispatch(cl.base);
	event_free(safety);
}

/* Free the transport (the server sees the close) and wait for the server. */
static void
finish(void)
{
	transport_free(cl.t);
	cl.t = NULL;
	cl.want_total = 0;
	pthread_join(srv.thread, NULL);
}

static void
test_ready(void)
{
	struct transport_config	cfg;
	struct transport	*x;
	uint8_t			sha1[20], sha256[32], want1[20], want256[32];
	char			peer[32];


	cfg_default(&cfg);
	cfg.sni = "test.invalid";
	/* Nothing to tell before TLS; freed before the loop ever runs it. */
	x = transport_new(timer_get_base(), &cfg, &cl_cb, NULL);
	T_EQ_STR(transport_encoding(x), "");
	T_EQ_STR(transport_peer(x), "");
	transport_free(x);
	run(ANSWER_200_TAIL, &cfg);
	T_EQ_STR(cl.error, "");
	T_EQ_INT(cl.ready, 1);
	/* The SSTP bytes behind the head reach read_cb, nothing else. */
	T_EQ_INT(cl.got_len, 4);
	T_EQ_MEM(cl.got, "\x10\x01\x00\x0e", 4);
	snprintf(peer, sizeof peer, "127.0.0.1:%u", srv.port);
	T_EQ_STR(transport_peer(cl.t), peer);
	T_CHECK(strncmp(transport_encoding(cl.t), "TLSv1.3 ", 8) == 0);
	transport_cert_hashes(cl.t, sha1, sha256);
	gnutls_hash_fast(GNUTLS_DIG_SHA1, srv.der.data, srv.der.size, want1);
	gnutls_hash_fast(GNUTLS_DIG_SHA256, srv.der.data, srv.der.size, want256);
	T_EQ_MEM(sha1, want1, 20);
	T_EQ_MEM(sha256, want256, 32);
	finish();
	/* The request the server saw. */
	T_CHECK(strncmp(srv.request, "SSTP_DUPLEX_POST /sra_{BA195980-CD49-"
	    "458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n", 80) == 0);
	T_CHECK(strstr(srv.request, "\r\nSSTPCORRELATIONID: {") != NULL);
}

static void
test_split_and_names(void)
{
	struct transport_config	cfg;
	char			hex[65];
	uint8_t			sha256[32];
	int			i;

	cfg_default(&cfg);
	cfg.host = "localhost";		/* the hosts file, by evdns */
	cfg.verify_hostname = "test.invalid";
	run(ANSWER_200_SPLIT, &cfg);
	T_EQ_STR(cl.error, "");
	T_EQ_INT(cl.ready, 1);
	T_EQ_INT(cl.got_len, 4);
	T_EQ_MEM(cl.got, "abcd", 4);
	finish();

	/* Many records in one go: all delivered, in order, across turns. */
	cfg_default(&cfg);
	cl.want_total = 200 * 100;
	run(ANSWER_200_MANY, &cfg);
	T_EQ_STR(cl.error, "");
	T_EQ_INT(cl.total, 200 * 100);
	T_EQ_INT(cl.pattern_bad, 0);
	finish();

	/* Pinned, with the chain check off. */
	gnutls_hash_fast(GNUTLS_DIG_SHA256, srv.der.data, srv.der.size, sha256);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02X", sha256[i]);
	cfg_default(&cfg);
	cfg.ca_file = NULL;
	cfg.verify_cert = 0;
	cfg.pin_sha256 = hex;
	run(ANSWER_200_TAIL, &cfg);
	T_EQ_STR(cl.error, "");
	T_EQ_INT(cl.ready, 1);
	finish();
}

static void
test_failures(void)
{
	struct transport_config	cfg;

	cfg_default(&cfg);
	run(ANSWER_404, &cfg);
	T_EQ_STR(cl.error, "server answered HTTP/1.1 404 Not Found");
	T_EQ_INT(cl.ready, 0);
	finish();

	cfg_default(&cfg);
	cfg.http_timeout_ms = 300;
	run(ANSWER_NONE, &cfg);
	T_EQ_STR(cl.error, "server did not answer SSTP_DUPLEX_POST within 0.3 s");
	finish();

	cfg_default(&cfg);
	run(ANSWER_200_CLOSE, &cfg);
	T_EQ_INT(cl.ready, 1);
	T_EQ_STR(cl.error, "server closed the connection");
	finish();

	/* The system store does not know our certificate. */
	cfg_default(&cfg);
	cfg.ca_file = NULL;
	run(ANSWER_NONE, &cfg);
	T_EQ_STR(cl.error, "TLS: certificate verify failed: unknown issuer");
	finish();

	cfg_default(&cfg);
	cfg.verify_hostname = "other.invalid";
	run(ANSWER_NONE, &cfg);
	T_EQ_STR(cl.error, "TLS: certificate verify failed: name mismatch "
	    "(certificate is for test.invalid, 127.0.0.1, not other.invalid)");
	finish();

	cfg_default(&cfg);
	cfg.pin_sha256 = "00";
	run(ANSWER_NONE, &cfg);
	T_CHECK(strncmp(cl.error, "TLS: certificate pin is not a SHA-256", 37) == 0);
	finish();

	/* Settings refused before any I/O, reported from the loop. */
	cfg_default(&cfg);
	cfg.ciphers = "rc4";
	memset(&cl, 0, sizeof cl);
	cl.base = timer_get_base();
	cl.t = transport_new(cl.base, &cfg, &cl_cb, NULL);
	T_EQ_STR(cl.error, "");		/* not from inside transport_new() */
	event_base_dispatch(cl.base);
	T_CHECK(strncmp(cl.error, "TLS: unknown cipher \"rc4\"", 25) == 0);
	transport_free(cl.t);

	/* A closed port, and the transport freed from error_cb. */
	cfg_default(&cfg);
	cfg.port = 1;
	memset(&cl, 0, sizeof cl);
	cl.base = timer_get_base();
	cl.free_in_error = 1;
	cl.t = transport_new(cl.base, &cfg, &cl_cb, NULL);
	event_base_dispatch(cl.base);
	T_EQ_STR(cl.error, "cannot connect to 127.0.0.1:1: Connection refused");
	T_CHECK(cl.t == NULL);
}

static void
test_proxy(void)
{
	struct transport_config	cfg;

	/* The "proxy" answers CONNECT, then is the TLS server itself. */
	cfg_default(&cfg);
	cfg.host = "vpn.invalid";	/* the proxy resolves it, not us */
	cfg.port = 443;
	cfg.verify_hostname = "127.0.0.1";
	cfg.proxy_host = "127.0.0.1";
	cfg.proxy_port = srv.port;
	cfg.proxy_user = "alice";
	cfg.proxy_password = "open sesame";
	proxy_answer = "HTTP/1.0 200 Connection established\r\n"
	    "Proxy-Agent: test\r\n\r\n";
	run(ANSWER_200_TAIL, &cfg);
	T_EQ_STR(cl.error, "");
	T_EQ_INT(cl.ready, 1);
	T_EQ_STR(transport_peer(cl.t), "vpn.invalid:443");
	finish();
	T_EQ_STR(srv.connect_req, "CONNECT vpn.invalid:443 HTTP/1.1\r\n"
	    "Host: vpn.invalid:443\r\n"
	    "Proxy-Authorization: Basic YWxpY2U6b3BlbiBzZXNhbWU=\r\n\r\n");
	T_CHECK(strstr(srv.request, "\r\nHost: vpn.invalid\r\n") != NULL);

	proxy_answer = "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n";
	run(ANSWER_NONE, &cfg);
	T_EQ_STR(cl.error, "proxy refused CONNECT: HTTP/1.1 407 Proxy "
	    "Authentication Required (credentials needed or wrong)");
	finish();

	proxy_answer = "HTTP/1.1 200 OK\r\n\r\nunexpected";
	run(ANSWER_NONE, &cfg);
	T_CHECK(strstr(cl.error, "sent data after its CONNECT answer") != NULL);
	finish();

	proxy_answer = "SSH-2.0-OpenSSH_9.2\r\n";
	run(ANSWER_NONE, &cfg);
	T_CHECK(strstr(cl.error, ": not an HTTP answer: \"SSH-2.0-OpenSSH_9.2\"")
	    != NULL);
	finish();

	proxy_answer = PROXY_SILENT;
	cfg.connect_timeout_ms = 300;
	run(ANSWER_NONE, &cfg);
	T_CHECK(strncmp(cl.error, "proxy 127.0.0.1:", 16) == 0 &&
	    strstr(cl.error, " did not answer CONNECT within 0.3 s") != NULL);
	finish();
	proxy_answer = NULL;

	/* A server that accepts but never speaks TLS. */
	cfg_default(&cfg);
	cfg.connect_timeout_ms = 300;
	run(ANSWER_NO_TLS, &cfg);
	T_CHECK(strncmp(cl.error, "TLS: handshake with 127.0.0.1:", 30) == 0 &&
	    strstr(cl.error, " timed out after 0.3 s") != NULL);
	finish();

	/* Another protocol where TLS was expected. */
	cfg_default(&cfg);
	run(ANSWER_SSH, &cfg);
	T_CHECK(strncmp(cl.error, "TLS: handshake with 127.0.0.1:", 30) == 0 &&
	    strstr(cl.error, " failed: the server does not speak TLS (it sent "
	    "\"SSH-2.0-OpenSSH_9.2\")") != NULL);
	finish();
}

static void
test_free_in_callbacks(void)
{
	struct transport_config	cfg;

	/* Freed in ready_cb while bytes behind the head are pending. */
	cfg_default(&cfg);
	memset(&cl, 0, sizeof cl);
	cl.free_in_ready = 1;
	srv.answer = ANSWER_200_TAIL;
	cl.base = timer_get_base();
	T_CHECK(pthread_create(&srv.thread, NULL, srv_main, NULL) == 0);
	cl.t = transport_new(cl.base, &cfg, &cl_cb, NULL);
	event_base_dispatch(cl.base);
	T_EQ_INT(cl.ready, 1);
	T_EQ_INT(cl.got_len, 0);
	T_CHECK(cl.t == NULL);
	pthread_join(srv.thread, NULL);

	/* Freed in error_cb. */
	cfg_default(&cfg);
	memset(&cl, 0, sizeof cl);
	cl.free_in_error = 1;
	srv.answer = ANSWER_404;
	cl.base = timer_get_base();
	T_CHECK(pthread_create(&srv.thread, NULL, srv_main, NULL) == 0);
	cl.t = transport_new(cl.base, &cfg, &cl_cb, NULL);
	event_base_dispatch(cl.base);
	T_EQ_STR(cl.error, "server answered HTTP/1.1 404 Not Found");
	T_CHECK(cl.t == NULL);
	pthread_join(srv.thread, NULL);

	/* Freed before the loop ever ran. */
	transport_free(transport_new(timer_get_base(), &cfg, &cl_cb, NULL));
	transport_free(NULL);
}

static void
test_back_pressure(void)
{
	struct transport_config	 cfg;
	uint8_t			 chunk[4096];
	size_t			 sent = 0, i;
	int			 ret = 0, above = 0;

	cfg_default(&cfg);
	T_CHECK(pipe(srv.go) == 0);
	memset(&cl, 0, sizeof cl);
	cl.base = timer_get_base();
	srv.answer = ANSWER_200_SLOW;
	T_CHECK(pthread_create(&srv.thread, NULL, srv_main, NULL) == 0);
	cl.t = transport_new(cl.base, &cfg, &cl_cb, NULL);
	/* Until ready (no read_cb bytes come: loop until ready by polling). */
	while (!cl.ready && cl.error[0] == '\0')
		event_base_loop(cl.base, EVLOOP_ONCE);
	T_EQ_INT(cl.ready, 1);

	/* The server reads nothing: fill the kernel, then our queue. */
	for (i = 0; i < 64 * 1024 && ret != -ENOBUFS; i++) {
		size_t j;

		for (j = 0; j < sizeof chunk; j++)
			chunk[j] = (uint8_t)(sent + j);
		ret = transport_write(cl.t, chunk, sizeof chunk);
		if (ret == 1)
			above = 1;
		if (ret >= 0)
			sent += sizeof chunk;
		event_base_loop(cl.base, EVLOOP_NONBLOCK);
	}
	T_EQ_INT(ret, -ENOBUFS);
	T_EQ_INT(above, 1);
	T_EQ_INT(cl.drains, 0);

	/* Let the server read: drain_cb comes once below the low mark. */
	T_CHECK(write(srv.go[1], "g", 1) == 1);
	event_base_dispatch(cl.base);
	T_EQ_STR(cl.error, "");
	T_EQ_INT(cl.drains, 1);
	/* Everything queued still goes out, in order. */
	for (i = 0; i < 200 && __atomic_load_n(&srv.received,
	    __ATOMIC_SEQ_CST) < sent; i++) {
		struct timeval tv = { 0, 20000 };

		event_base_loopexit(cl.base, &tv);
		event_base_dispatch(cl.base);
	}
	finish();
	T_EQ_INT(srv.received, sent);
	T_EQ_INT(srv.pattern_ok, 1);
	close(srv.go[0]);
	close(srv.go[1]);
}

/* Write n packets of len bytes continuing srv's byte pattern from *sent. */
static void
cork_write(size_t n, size_t len, size_t *sent)
{
	uint8_t	pkt[1500];
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < len; j++)
			pkt[j] = (uint8_t)(*sent + j);
		T_CHECK(transport_write(cl.t, pkt, len) >= 0);
		*sent += len;
	}
}

/* Run the loop until the server has every byte sent (or 4 s went by). */
static void
cork_wait(size_t sent)
{
	int	i;

	for (i = 0; i < 200 && __atomic_load_n(&srv.received,
	    __ATOMIC_SEQ_CST) < sent; i++) {
		struct timeval tv = { 0, 20000 };

		event_base_loopexit(cl.base, &tv);
		event_base_dispatch(cl.base);
	}
	T_EQ_INT(__atomic_load_n(&srv.received, __ATOMIC_SEQ_CST), sent);
}

/* Corked writes leave in one TLS record (16 KiB at most), not one each. */
static void
test_cork(void)
{
	struct transport_config	 cfg;
	size_t			 sent = 0;
	int			 i;

	cfg_default(&cfg);
	T_CHECK(pipe(srv.go) == 0);
	memset(&cl, 0, sizeof cl);
	cl.base = timer_get_base();
	srv.answer = ANSWER_200_SLOW;
	srv.received = 0;
	srv.records = 0;
	T_CHECK(pthread_create(&srv.thread, NULL, srv_main, NULL) == 0);
	T_CHECK(write(srv.go[1], "g", 1) == 1);
	cl.t = transport_new(cl.base, &cfg, &cl_cb, NULL);
	while (!cl.ready && cl.error[0] == '\0')
		event_base_loop(cl.base, EVLOOP_ONCE);
	T_EQ_INT(cl.ready, 1);

	/* Uncorked: a record per write. */
	cork_write(3, 100, &sent);
	cork_wait(sent);
	T_EQ_INT(srv.records, 3);

	/* Corked: nothing leaves until the uncork, then one record. */
	transport_cork(cl.t);
	cork_write(10, 100, &sent);
	for (i = 0; i < 5; i++)
		event_base_loop(cl.base, EVLOOP_NONBLOCK);
	usleep(50000);
	T_EQ_INT(__atomic_load_n(&srv.received, __ATOMIC_SEQ_CST), 300);
	transport_uncork(cl.t);
	cork_wait(sent);
	T_EQ_INT(srv.records, 4);

	/* 20 full-size packets: two records of at most 16 KiB. */
	transport_cork(cl.t);
	cork_write(20, 1400, &sent);
	transport_uncork(cl.t);
	cork_wait(sent);
	T_EQ_INT(srv.records, 6);
	/* Uncorking twice, or without a cork, changes nothing. */
	transport_uncork(cl.t);
	cork_write(1, 100, &sent);
	cork_wait(sent);
	T_EQ_INT(srv.records, 7);
	finish();
	T_EQ_INT(srv.pattern_ok, 1);
	close(srv.go[0]);
	close(srv.go[1]);
}

int
main(void)
{
	struct event_base	*base;

	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	timer_set_base(base);
	srv_make_cert();
	srv_listen();

	test_ready();
	test_split_and_names();
	test_failures();
	test_proxy();
	test_free_in_callbacks();
	test_back_pressure();
	test_cork();

	unlink(srv.ca_path);
	close(srv.lfd);
	gnutls_free(srv.der.data);
	gnutls_certificate_free_credentials(srv.cred);
	event_base_free(base);
	T_DONE();
}

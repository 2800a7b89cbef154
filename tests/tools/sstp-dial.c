/* sstp-dial.c - test tool: the real transport and SSTP call to a server, printing what was negotiated and the first PPP frames. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "ppp.h"
#include "sstp_session.h"
#include "timer.h"
#include "transport.h"

static struct {
	struct event_base	*base;
	struct transport	*t;
	struct sstp_session	*s;
	struct timer		 wait;		/* for PPP frames after the Ack */
	int			 status;	/* exit status */
	int			 http_only;	/* stop at HTTP 200 */
	unsigned int		 want_frames;
	unsigned int		 frames;
	unsigned int		 wait_ms;
	int			 acked;
} dial;

static void
dial_hex(const char *label, const uint8_t *buf, size_t len)
{
	size_t	i;

	printf("%s=", label);
	for (i = 0; i < len; i++)
		printf("%02x", buf[i]);
	printf("\n");
}

static void
dial_finish(int status)
{
	dial.status = status;
	event_base_loopexit(dial.base, NULL);
}

static void
dial_write_cb(void *arg, const uint8_t *buf, size_t len)
{
	if (transport_write(dial.t, buf, len) < 0)
		fprintf(stderr, "sstp-dial: write queue full\n");
}

static void
dial_wait_cb(void *arg)
{
	printf("sstp=disconnect frames=%u\n", dial.frames);
	fflush(stdout);
	sstp_session_disconnect(dial.s);
}

/* FF 03, LCP (0xc021), Configure-Request id 1, length 8, MRU 1500. */
static const uint8_t dial_lcp_request[] = {
	0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x08, 0x01, 0x04, 0x05, 0xdc
};

static void
dial_acked_cb(void *arg)
{
	uint8_t	lcp[PPP_HEADROOM + sizeof dial_lcp_request];

	printf("sstp=acked binding=%s\n", sstp_session_binding(dial.s));
	fflush(stdout);
	dial.acked = 1;
	timer_start(&dial.wait, dial.wait_ms);
	/*
	 * Servers wait for the client's LCP: one Configure-Request with just
	 * an MRU (RFC 1661 5.1, 6.1) gets their Ack and their own Request.
	 */
	memcpy(lcp + PPP_HEADROOM, dial_lcp_request, sizeof dial_lcp_request);
	if (sstp_session_send_data(dial.s, lcp + PPP_HEADROOM,
	    sizeof dial_lcp_request) != 0)
		fprintf(stderr, "sstp-dial: cannot send LCP Configure-Request\n");
}

static void
dial_data_cb(void *arg, const uint8_t *frame, size_t len)
{
	if (dial.frames >= dial.want_frames)
		return;
	dial.frames++;
	dial_hex("ppp-frame", frame, len);
	fflush(stdout);
	if (dial.frames == dial.want_frames) {
		timer_stop(&dial.wait);
		dial_wait_cb(NULL);
	}
}

static void
dial_closed_cb(void *arg, const char *reason)
{
	printf("sstp=closed reason=\"%s\"\n", reason);
	fflush(stdout);
	if (!dial.acked)
		fprintf(stderr, "sstp-dial: %s\n", reason);
	else if (dial.frames < dial.want_frames)
		fprintf(stderr, "sstp-dial: %u PPP frames of %u before the "
		    "end: %s\n", dial.frames, dial.want_frames, reason);
	dial_finish(dial.acked && dial.frames >= dial.want_frames ? 0 : 1);
}

static void
dial_ready_cb(void *arg)
{
	static const struct sstp_session_callbacks scb = {
		dial_write_cb, dial_acked_cb, dial_data_cb, dial_closed_cb
	};
	struct sstp_session_config	scfg;
	uint8_t				sha1[20], sha256[32];

	transport_cert_hashes(dial.t, sha1, sha256);
	printf("peer=%s\n", transport_peer(dial.t));
	printf("encoding=%s\n", transport_encoding(dial.t));
	dial_hex("cert-sha1", sha1, sizeof sha1);
	dial_hex("cert-sha256", sha256, sizeof sha256);
	printf("http=200\n");
	fflush(stdout);
	if (dial.http_only) {
		dial_finish(0);
		return;
	}

	memset(&scfg, 0, sizeof scfg);
	scfg.hello_ms = 0;
	scfg.negotiation_ms = 10000;
	memcpy(scfg.cert_sha1, sha1, sizeof sha1);
	memcpy(scfg.cert_sha256, sha256, sizeof sha256);
	dial.s = sstp_session_new(&scfg, &scb, NULL);
	sstp_session_start(dial.s);
}

static void
dial_read_cb(void *arg, const uint8_t *buf, size_t len)
{
	if (dial.s != NULL)
		sstp_session_input(dial.s, buf, len);
}

static void
dial_drain_cb(void *arg)
{
}

static void
dial_error_cb(void *arg, const char *cause)
{
	/* How far TLS got, for tests of servers that do not speak SSTP. */
	if (*transport_encoding(dial.t) != '\0' && dial.s == NULL) {
		printf("encoding=%s\n", transport_encoding(dial.t));
		fflush(stdout);
	}
	fprintf(stderr, "sstp-dial: %s\n", cause);
	dial_finish(1);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: sstp-dial --host HOST [--port N] [--proxy HOST:PORT]\n"
	    "           [--proxy-user U --proxy-password P] [--ca FILE]\n"
	    "           [--sni NAME] [--verify-name NAME] [--no-verify]\n"
	    "           [--no-verify-name] [--pin SHA256HEX] [--cert FILE]\n"
	    "           [--key FILE] [--tls-version any|1.2|1.3]\n"
	    "           [--ciphers LIST] [--pfs no|yes|required]\n"
	    "           [--timeout MS] [--http-timeout MS] [--http-only]\n"
	    "           [--frames N] [--wait MS] [--debug]\n"
	    "Connects, prints peer, encoding, certificate hashes and http=200,\n"
	    "then (unless --http-only) makes the SSTP call: sstp=acked, the first\n"
	    "N (1) PPP frames received as ppp-frame=HEX, waiting at most MS\n"
	    "(5000) ms for them, then disconnects (sstp=closed).  Exit 0 on\n"
	    "success, 1 with the cause on stderr, 2 on bad usage.\n");
	exit(2);
}

/* "host:port", "[v6]:port" or "host" (port 8080). */
static void
dial_split(char *s, const char **host, unsigned int *port)
{
	char	*colon;

	*port = 8080;
	if (s[0] == '[') {
		*host = s + 1;
		if ((colon = strchr(s, ']')) == NULL)
			usage();
		*colon++ = '\0';
		if (*colon == ':')
			*port = (unsigned int)atoi(colon + 1);
		return;
	}
	*host = s;
	if ((colon = strrchr(s, ':')) != NULL && strchr(s, ':') == colon) {
		*colon = '\0';
		*port = (unsigned int)atoi(colon + 1);
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "proxy", required_argument, NULL, 'x' },
		{ "proxy-user", required_argument, NULL, 'u' },
		{ "proxy-password", required_argument, NULL, 'w' },
		{ "ca", required_argument, NULL, 'c' },
		{ "sni", required_argument, NULL, 's' },
		{ "verify-name", required_argument, NULL, 'n' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "no-verify-name", no_argument, NULL, 'N' },
		{ "pin", required_argument, NULL, 'P' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "tls-version", required_argument, NULL, 'T' },
		{ "ciphers", required_argument, NULL, 'e' },
		{ "pfs", required_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "http-timeout", required_argument, NULL, 'H' },
		{ "http-only", no_argument, NULL, 'O' },
		{ "frames", required_argument, NULL, 'F' },
		{ "wait", required_argument, NULL, 'W' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct transport_config		cfg;
	struct transport_callbacks	cb = {
		dial_ready_cb, dial_read_cb, dial_drain_cb, dial_error_cb
	};
	int				ch;

	memset(&cfg, 0, sizeof cfg);
	dial.want_frames = 1;
	dial.wait_ms = 5000;
	cfg.verify_cert = 1;
	cfg.verify_name = 1;
	log_open("sstp-dial", 0, LOG_LVL_WARN);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			cfg.host = optarg;
			break;
		case 'p':
			cfg.port = (unsigned int)atoi(optarg);
			break;
		case 'x':
			dial_split(optarg, &cfg.proxy_host, &cfg.proxy_port);
			break;
		case 'u':
			cfg.proxy_user = optarg;
			break;
		case 'w':
			cfg.proxy_password = optarg;
			break;
		case 'c':
			cfg.ca_file = optarg;
			break;
		case 's':
			cfg.sni = optarg;
			break;
		case 'n':
			cfg.verify_hostname = optarg;
			break;
		case 'V':
			cfg.verify_cert = 0;
			break;
		case 'N':
			cfg.verify_name = 0;
			break;
		case 'P':
			cfg.pin_sha256 = optarg;
			break;
		case 'C':
			cfg.cert_file = optarg;
			break;
		case 'K':
			cfg.key_file = optarg;
			break;
		case 'T':
			if (strcmp(optarg, "any") == 0)
				cfg.tls_version = TLS_VER_ANY;
			else if (strcmp(optarg, "1.2") == 0)
				cfg.tls_version = TLS_VER_ONLY_12;
			else if (strcmp(optarg, "1.3") == 0)
				cfg.tls_version = TLS_VER_ONLY_13;
			else
				usage();
			break;
		case 'e':
			cfg.ciphers = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "no") == 0)
				cfg.pfs = 0;
			else if (strcmp(optarg, "yes") == 0)
				cfg.pfs = 1;
			else if (strcmp(optarg, "required") == 0)
				cfg.pfs = 2;
			else
				usage();
			break;
		case 't':
			cfg.connect_timeout_ms = (unsigned int)atoi(optarg);
			break;
		case 'H':
			cfg.http_timeout_ms = (unsigned int)atoi(optarg);
			break;
		case 'O':
			dial.http_only = 1;
			break;
		case 'F':
			dial.want_frames = (unsigned int)atoi(optarg);
			break;
		case 'W':
			dial.wait_ms = (unsigned int)atoi(optarg);
			break;
		case 'd':
			log_set_level(LOG_LVL_TRACE);
			break;
		default:
			usage();
		}
	}
	if (cfg.host == NULL || optind != argc)
		usage();

	if ((dial.base = event_base_new()) == NULL) {
		fprintf(stderr, "sstp-dial: cannot make an event base\n");
		return 1;
	}
	timer_set_base(dial.base);
	timer_init(&dial.wait, dial_wait_cb, NULL);
	dial.status = 1;
	dial.t = transport_new(dial.base, &cfg, &cb, NULL);
	event_base_dispatch(dial.base);
	timer_stop(&dial.wait);
	sstp_session_free(dial.s);
	transport_free(dial.t);
	event_base_free(dial.base);
	return dial.status;
}

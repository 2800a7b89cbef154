/* sstp-dial.c - test tool: run the real transport (and SSTP call) to a server and report what was negotiated. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "timer.h"
#include "transport.h"

static struct {
	struct event_base	*base;
	struct transport	*t;
	int			 status;	/* exit status */
	const char		*host;
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
dial_ready_cb(void *arg)
{
	uint8_t	sha1[20], sha256[32];

	transport_cert_hashes(dial.t, sha1, sha256);
	printf("peer=%s\n", transport_peer(dial.t));
	printf("encoding=%s\n", transport_encoding(dial.t));
	dial_hex("cert-sha1", sha1, sizeof sha1);
	dial_hex("cert-sha256", sha256, sizeof sha256);
	printf("http=200\n");
	fflush(stdout);
	dial_finish(0);
}

static void
dial_read_cb(void *arg, const uint8_t *buf, size_t len)
{
}

static void
dial_drain_cb(void *arg)
{
}

static void
dial_error_cb(void *arg, const char *cause)
{
	/* How far TLS got, for tests of servers that do not speak SSTP. */
	if (*transport_encoding(dial.t) != '\0') {
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
	    "           [--timeout MS] [--http-timeout MS] [--debug]\n"
	    "Connects, prints peer, encoding, certificate hashes and http=200;\n"
	    "exit 0 on success, 1 with the cause on stderr, 2 on bad usage.\n");
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
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct transport_config		cfg;
	struct transport_callbacks	cb = {
		dial_ready_cb, dial_read_cb, dial_drain_cb, dial_error_cb
	};
	int				ch;

	memset(&cfg, 0, sizeof cfg);
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
		case 'd':
			log_set_level(LOG_LVL_TRACE);
			break;
		default:
			usage();
		}
	}
	if (cfg.host == NULL || optind != argc)
		usage();
	dial.host = cfg.host;

	if ((dial.base = event_base_new()) == NULL) {
		fprintf(stderr, "sstp-dial: cannot make an event base\n");
		return 1;
	}
	timer_set_base(dial.base);
	dial.status = 1;
	dial.t = transport_new(dial.base, &cfg, &cb, NULL);
	event_base_dispatch(dial.base);
	transport_free(dial.t);
	event_base_free(dial.base);
	return dial.status;
}

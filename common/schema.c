/* schema.c - the property table of an sstp-client interface, value checks and the config store. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

static const char *const w_auth[] = { "pap", "chap", "mschap1", "mschap2", "eap",
    NULL };
static const char *const w_disabled[] = { "disabled", NULL };
static const char *const w_tls[] = { "any", "only-1.2", "only-1.3", NULL };
static const char *const w_ciphers[] = { "aes128-sha", "aes256-sha",
    "aes128-gcm-sha256", "aes256-gcm-sha384", "chacha20-poly1305", NULL };
static const char *const w_pfs[] = { "no", "yes", "required", NULL };
static const char *const w_profile[] = { "default", "default-encryption", NULL };
static const char *const w_engine[] = { "auto", "pppd", "builtin", NULL };

#define STR(n, f, h)	{ n, PT_STRING, "", 0, 0, NULL, f, h }
#define BOOL(n, d, h)	{ n, PT_BOOL, d, 0, 0, NULL, 0, h }

/* RouterOS v7 names and defaults except where the comment says "ours". */
const struct prop_def prop_table[P__COUNT] = {
	[P_NAME] = { "name", PT_NAME, "", 0, 0, NULL, 0,
	    "interface name (default sstp-outN)" },
	[P_COMMENT] = STR("comment", 0, "free text shown by print"),
	[P_DISABLED] = BOOL("disabled", "yes",
	    "whether the interface is disabled"),
	[P_CONNECT_TO] = { "connect-to", PT_HOST, "", 0, 0, NULL, PF_REQUIRED,
	    "server address or DNS name (optionally :port)" },
	[P_PORT] = { "port", PT_INT, "443", 1, 65535, NULL, 0,
	    "server TCP port" },
	[P_HTTP_PROXY] = { "http-proxy", PT_HOST, "", 0, 0, NULL, 0,
	    "HTTP proxy address (empty: connect directly)" },
	[P_PROXY_PORT] = { "proxy-port", PT_INT, "443", 1, 65535, NULL, 0,
	    "HTTP proxy TCP port" },
	[P_PROXY_USER] = STR("proxy-user", 0,
	    "user for the proxy's Basic authentication"),
	[P_PROXY_PASSWORD] = STR("proxy-password", PF_SENSITIVE,
	    "password for the proxy's Basic authentication"),
	[P_USER] = STR("user", PF_REQUIRED, "PPP user name"),
	[P_PASSWORD] = STR("password", PF_SENSITIVE, "PPP password"),
	[P_AUTHENTICATION] = { "authentication", PT_ENUM_SET,
	    "pap,chap,mschap1,mschap2", 0, 0, w_auth, 0,
	    "PPP authentication methods allowed" },
	[P_CERTIFICATE] = { "certificate", PT_PATH, "none", 0, 0, NULL, 0,
	    "client certificate file (PEM)" },
	[P_CERTIFICATE_KEY] = { "certificate-key", PT_PATH, "none", 0, 0,
	    NULL, 0, "private key file of the client certificate (PEM)" },
	[P_CA_CERTIFICATE] = { "ca-certificate", PT_PATH, "none", 0, 0, NULL,
	    0, "CA bundle to verify the server with (none: system store)" },
	[P_VERIFY_SERVER_CERTIFICATE] = BOOL("verify-server-certificate",
	    "yes", "verify the server's certificate chain"),
	[P_VERIFY_SERVER_ADDRESS] = BOOL(
	    "verify-server-address-from-certificate", "yes",
	    "check connect-to against the server certificate's names"),
	[P_SERVER_FINGERPRINT] = STR("server-fingerprint", 0,
	    "SHA-256 of the server certificate to pin (hex)"),
	[P_TLS_VERSION] = { "tls-version", PT_ENUM, "any", 0, 0, w_tls, 0,
	    "TLS versions allowed" },
	[P_CIPHERS] = { "ciphers", PT_ENUM_SET, "aes256-sha,aes256-gcm-sha384",
	    0, 0, w_ciphers, 0, "TLS cipher suites allowed" },
	[P_PFS] = { "pfs", PT_ENUM, "no", 0, 0, w_pfs, 0,
	    "perfect forward secrecy: no, yes (preferred) or required" },
	[P_ADD_SNI] = BOOL("add-sni", "no",
	    "send the server name (SNI) in the TLS handshake"),
	[P_SNI_NAME] = STR("sni-name", 0,
	    "name to send as SNI (empty: connect-to)"),
	[P_KEEPALIVE_TIMEOUT] = { "keepalive-timeout", PT_INT_OR_WORD, "60",
	    1, 4294967, w_disabled, 0,
	    "seconds without traffic before keepalives, or disabled" },
	[P_ADD_DEFAULT_ROUTE] = BOOL("add-default-route", "no",
	    "add a default route via the tunnel"),
	[P_DEFAULT_ROUTE_DISTANCE] = { "default-route-distance", PT_INT, "1",
	    0, 255, NULL, 0, "distance (metric) of that default route" },
	[P_ROUTES] = { "routes", PT_PREFIX_LIST, "", 0, 0, NULL, 0,
	    "prefixes to route via the tunnel (site-to-site)" },
	[P_USE_PEER_DNS] = BOOL("use-peer-dns", "no",
	    "use the DNS servers the peer offers"),
	[P_DIAL_ON_DEMAND] = BOOL("dial-on-demand", "no",
	    "connect only when traffic is routed into the interface"),
	[P_MAX_MTU] = { "max-mtu", PT_INT, "1500", 68, 65535, NULL, 0,
	    "largest MTU to negotiate" },
	[P_MAX_MRU] = { "max-mru", PT_INT, "1500", 68, 65535, NULL, 0,
	    "largest MRU to negotiate" },
	[P_MRRU] = { "mrru", PT_INT_OR_WORD, "disabled", 512, 65535,
	    w_disabled, 0, "multilink MRRU, or disabled" },
	[P_PROFILE] = { "profile", PT_ENUM, "default-encryption", 0, 0,
	    w_profile, 0, "PPP profile" },
	[P_PPP_ENGINE] = { "ppp-engine", PT_ENUM, "auto", 0, 0, w_engine, 0,
	    "PPP engine: pppd, builtin, or auto (pppd when installed)" },
	[P_IPV6] = BOOL("ipv6", "yes", "negotiate IPv6 (IPV6CP)"),
	[P_PPP_SCRIPTS] = BOOL("ppp-scripts", "no",
	    "run the ip-up/ip-down scripts of ppp-scripts-dir"),
	[P_PPP_SCRIPTS_DIR] = { "ppp-scripts-dir", PT_PATH, "/etc/ppp", 0, 0,
	    NULL, 0, "directory holding ip-up.d, ip-down.d ..." },
	[P_PPPD_OPTIONS] = STR("pppd-options", 0,
	    "extra options passed to pppd (pppd engine only)"),
};

int
prop_find(const char *name)
{
	int	i;

	for (i = 0; i < P__COUNT; i++) {
		if (strcmp(prop_table[i].name, name) == 0)
			return i;
	}
	return -1;
}

static int
fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		if (vasprintf(cause, fmt, ap) == -1)
			*cause = NULL;
		va_end(ap);
	}
	return -1;
}

/*
 * Match 'word' (length len) against 'words' exactly or as a unique prefix.
 * Returns the index, or -1 with a reason.
 */
static int
match_word(const struct prop_def *p, const char *word, size_t len,
    char **cause)
{
	char	buf[256];
	int	i, found = -1, n = 0;
	size_t	off = 0;

	for (i = 0; p->words[i] != NULL; i++) {
		if (strlen(p->words[i]) == len &&
		    strncmp(p->words[i], word, len) == 0)
			return i;
	}
	if (len == 0)
		return fail(cause, "invalid value for %s: empty", p->name);
	buf[0] = '\0';
	for (i = 0; p->words[i] != NULL; i++) {
		if (strncmp(p->words[i], word, len) != 0)
			continue;
		found = i;
		n++;
		off += snprintf(buf + off, sizeof buf - off, "%s%s",
		    off ? ", " : "", p->words[i]);
		if (off >= sizeof buf)
			off = sizeof buf - 1;
	}
	if (n == 1)
		return found;
	if (n > 1)
		return fail(cause, "ambiguous value: candidates %s", buf);
	off = 0;
	for (i = 0; p->words[i] != NULL; i++) {
		off += snprintf(buf + off, sizeof buf - off, "%s%s",
		    off ? ", " : "", p->words[i]);
		if (off >= sizeof buf)
			off = sizeof buf - 1;
	}
	return fail(cause, "invalid value for %s: %.*s (one of %s)", p->name,
	    (int)len, word, buf);
}

static int
parse_long(const char *s, long *v)
{
	char		*end;
	long long	 ll;

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	ll = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || ll > 0x7fffffffLL)
		return -1;
	*v = (long)ll;
	return 0;
}

static int
check_bool(const struct prop_def *p, const char *v, char **out, char **cause)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	int	i;

	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(v, yes[i]) == 0 ||
		    (*v != '\0' && i == 0 && strncmp("yes", v, strlen(v)) == 0)) {
			*out = strdup("yes");
			return 0;
		}
	}
	for (i = 0; no[i] != NULL; i++) {
		if (strcasecmp(v, no[i]) == 0 || strcmp(v, "n") == 0) {
			*out = strdup("no");
			return 0;
		}
	}
	return fail(cause, "invalid value for %s: %s (yes or no)", p->name, v);
}

static int
check_int(const struct prop_def *p, const char *v, char **out, char **cause)
{
	long	n;
	int	i;

	if (p->type == PT_INT_OR_WORD && !isdigit((unsigned char)*v)) {
		if ((i = match_word(p, v, strlen(v), cause)) < 0)
			return -1;
		*out = strdup(p->words[i]);
		return 0;
	}
	if (parse_long(v, &n) != 0) {
		if (p->type == PT_INT_OR_WORD)
			return fail(cause, "invalid value for %s: %s (%ld..%ld "
			    "or %s)", p->name, v, p->min, p->max, p->words[0]);
		return fail(cause, "invalid value for %s: %s (a number)",
		    p->name, v);
	}
	if (n < p->min || n > p->max)
		return fail(cause, "value of %s out of range (%ld..%ld)",
		    p->name, p->min, p->max);
	if (asprintf(out, "%ld", n) == -1)
		*out = NULL;
	return 0;
}

static int
check_enum_set(const struct prop_def *p, const char *v, char **out,
    char **cause)
{
	const char	*s, *e;
	unsigned int	 mask = 0;
	size_t		 off = 0, cap = 1;
	int		 i;

	for (s = v; ; s = e + 1) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if (e == s && *v == '\0')
			break;
		if ((i = match_word(p, s, e - s, cause)) < 0)
			return -1;
		mask |= 1U << i;
		if (*e == '\0')
			break;
	}
	for (i = 0; p->words[i] != NULL; i++)
		cap += strlen(p->words[i]) + 1;
	if ((*out = malloc(cap)) == NULL)
		return fail(cause, "out of memory");
	(*out)[0] = '\0';
	for (i = 0; p->words[i] != NULL; i++) {
		if (mask & (1U << i))
			off += snprintf(*out + off, cap - off, "%s%s",
			    off ? "," : "", p->words[i]);
	}
	return 0;
}

static int
valid_dns_name(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != '_')
			return 0;
	}
	return 1;
}

static int
check_host(const struct prop_def *p, const char *v, char **out, char **cause)
{
	struct in6_addr	 a6;
	char		 host[256];
	const char	*port = NULL, *c;
	long		 n;
	size_t		 len;

	if (*v == '\0' || strcmp(v, "none") == 0 ||
	    (p - prop_table == P_HTTP_PROXY && strcmp(v, "0.0.0.0") == 0)) {
		*out = strdup("");
		return 0;
	}
	if (*v == '[') {
		if ((c = strchr(v, ']')) == NULL)
			goto bad;
		len = c - v - 1;
		if (len >= sizeof host)
			goto bad;
		memcpy(host, v + 1, len);
		host[len] = '\0';
		if (inet_pton(AF_INET6, host, &a6) != 1)
			goto bad;
		if (c[1] == ':')
			port = c + 2;
		else if (c[1] != '\0')
			goto bad;
	} else if ((c = strchr(v, ':')) != NULL && strchr(c + 1, ':') != NULL) {
		if (inet_pton(AF_INET6, v, &a6) != 1)
			goto bad;
	} else {
		len = c != NULL ? (size_t)(c - v) : strlen(v);
		if (!valid_dns_name(v, len))
			goto bad;
		if (c != NULL)
			port = c + 1;
	}
	if (port != NULL && (parse_long(port, &n) != 0 || n < 1 || n > 65535))
		return fail(cause, "invalid value for %s: bad port in %s",
		    p->name, v);
	*out = strdup(v);
	return 0;
bad:
	return fail(cause, "invalid value for %s: %s (an address or DNS name)",
	    p->name, v);
}

/* One prefix "a.b.c.d/n" or "x::/n" into canonical text (host bits cleared). */
static int
canon_prefix(const char *s, size_t len, char *buf, size_t size)
{
	unsigned char	 a[16];
	char		 addr[64], txt[INET6_ADDRSTRLEN];
	const char	*slash;
	long		 plen;
	int		 af, bits, i;

	if (len == 0 || len >= sizeof addr)
		return -1;
	memcpy(addr, s, len);
	addr[len] = '\0';
	plen = -1;
	if ((slash = strchr(addr, '/')) != NULL) {
		if (parse_long(slash + 1, &plen) != 0)
			return -1;
		addr[slash - addr] = '\0';
	}
	af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	bits = af == AF_INET6 ? 128 : 32;
	if (inet_pton(af, addr, a) != 1)
		return -1;
	if (plen < 0)
		plen = bits;
	if (plen > bits)
		return -1;
	for (i = 0; i < bits / 8; i++) {
		if (i * 8 >= plen)
			a[i] = 0;
		else if (i * 8 + 8 > plen)
			a[i] &= (unsigned char)(0xff << (8 - (plen - i * 8)));
	}
	inet_ntop(af, a, txt, sizeof txt);
	snprintf(buf, size, "%s/%ld", txt, plen);
	return 0;
}

static int
check_prefixes(const struct prop_def *p, const char *v, char **out,
    char **cause)
{
	char		 one[80];
	const char	*s, *e;
	size_t		 cap, off = 0;

	cap = strlen(v) * 2 + 64;
	if ((*out = malloc(cap)) == NULL)
		return fail(cause, "out of memory");
	(*out)[0] = '\0';
	if (*v == '\0' || strcmp(v, "none") == 0)
		return 0;
	for (s = v; ; s = e + 1) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if (canon_prefix(s, e - s, one, sizeof one) != 0) {
			free(*out);
			*out = NULL;
			return fail(cause, "invalid value for %s: %.*s (a "
			    "prefix like 10.0.0.0/8 or 2001:db8::/32)", p->name,
			    (int)(e - s), s);
		}
		if (off + strlen(one) + 2 > cap) {
			cap = (off + strlen(one) + 2) * 2;
			if ((*out = realloc(*out, cap)) == NULL)
				return fail(cause, "out of memory");
		}
		off += snprintf(*out + off, cap - off, "%s%s", off ? "," : "",
		    one);
		if (*e == '\0')
			break;
	}
	return 0;
}

static int
check_fingerprint(const struct prop_def *p, const char *v, char **out,
    char **cause)
{
	char	buf[65];
	size_t	n = 0;

	for (; *v != '\0'; v++) {
		if (*v == ':' || *v == ' ')
			continue;
		if (!isxdigit((unsigned char)*v) || n == 64)
			goto bad;
		buf[n++] = (char)tolower((unsigned char)*v);
	}
	if (n != 0 && n != 64)
		goto bad;
	buf[n] = '\0';
	*out = strdup(buf);
	return 0;
bad:
	return fail(cause, "invalid value for %s: 64 hex digits expected "
	    "(SHA-256)", p->name);
}

int
prop_check(int id, const char *value, char **out, char **cause)
{
	const struct prop_def	*p;
	const unsigned char	*s;
	size_t			 len;
	int			 i;

	*out = NULL;
	if (cause != NULL)
		*cause = NULL;
	if (id < 0 || id >= P__COUNT)
		return fail(cause, "no such property");
	p = &prop_table[id];
	len = strlen(value);
	for (s = (const unsigned char *)value; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f)
			return fail(cause, "invalid value for %s: control "
			    "characters are not allowed", p->name);
	}
	if (len > 1023)
		return fail(cause, "invalid value for %s: too long", p->name);

	if (id == P_SERVER_FINGERPRINT)
		return check_fingerprint(p, value, out, cause);
	switch (p->type) {
	case PT_STRING:
		if (len > 255)
			return fail(cause, "invalid value for %s: too long "
			    "(255 characters at most)", p->name);
		*out = strdup(value);
		break;
	case PT_BOOL:
		return check_bool(p, value, out, cause);
	case PT_INT:
	case PT_INT_OR_WORD:
		return check_int(p, value, out, cause);
	case PT_ENUM:
		if ((i = match_word(p, value, len, cause)) < 0)
			return -1;
		*out = strdup(p->words[i]);
		break;
	case PT_ENUM_SET:
		return check_enum_set(p, value, out, cause);
	case PT_HOST:
		return check_host(p, value, out, cause);
	case PT_PREFIX_LIST:
		return check_prefixes(p, value, out, cause);
	case PT_PATH:
		if (strcmp(value, "none") != 0 && value[0] != '/')
			return fail(cause, "invalid value for %s: %s (an "
			    "absolute path or none)", p->name, value);
		*out = strdup(value);
		break;
	case PT_NAME:
		if (len == 0 || len > 15)
			return fail(cause, "invalid value for %s: 1 to 15 "
			    "characters", p->name);
		for (s = (const unsigned char *)value; *s != '\0'; s++) {
			if (!isalnum(*s) && *s != '.' && *s != '_' &&
			    *s != '-')
				return fail(cause, "invalid value for %s: "
				    "letters, digits, '.', '_' and '-' only",
				    p->name);
		}
		*out = strdup(value);
		break;
	}
	if (*out == NULL)
		return fail(cause, "out of memory");
	return 0;
}

const char *
cfg_get(const struct iface_config *c, int id)
{
	if (c->val[id] != NULL)
		return c->val[id];
	return prop_table[id].def;
}

int
cfg_bool(const struct iface_config *c, int id)
{
	return strcmp(cfg_get(c, id), "yes") == 0;
}

long
cfg_int(const struct iface_config *c, int id)
{
	return strtol(cfg_get(c, id), NULL, 10);
}

void
cfg_set(struct iface_config *c, int id, const char *value)
{
	char	*old = c->val[id];

	c->val[id] = NULL;
	if (value != NULL && strcmp(value, prop_table[id].def) != 0)
		c->val[id] = strdup(value);
	free(old);
}

int
cfg_is_default(const struct iface_config *c, int id)
{
	return c->val[id] == NULL || strcmp(c->val[id], prop_table[id].def) == 0;
}

void
cfg_copy(struct iface_config *dst, const struct iface_config *src)
{
	int	i;

	if (dst == src)
		return;
	for (i = 0; i < P__COUNT; i++) {
		free(dst->val[i]);
		dst->val[i] = src->val[i] != NULL ? strdup(src->val[i]) : NULL;
	}
}

void
cfg_clear(struct iface_config *c)
{
	int	i;

	for (i = 0; i < P__COUNT; i++) {
		free(c->val[i]);
		c->val[i] = NULL;
	}
}

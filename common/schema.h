/* schema.h - the one property table of an sstp-client interface, and its values. */
#ifndef SSTP_SCHEMA_H
#define SSTP_SCHEMA_H

#include <stddef.h>

/*
 * One table (schema.c) drives validation in the daemon, completion, help and
 * 'print detail' in the CLI, export, and the man page test.  Keep the enum in
 * the table's order.
 */
enum prop_id {
	P_NAME = 0,
	P_COMMENT,
	P_DISABLED,
	P_CONNECT_TO,
	P_PORT,
	P_HTTP_PROXY,
	P_PROXY_PORT,
	P_PROXY_USER,
	P_PROXY_PASSWORD,
	P_USER,
	P_PASSWORD,
	P_AUTHENTICATION,
	P_CERTIFICATE,		/* client certificate file (PEM, key inside or P_CERTIFICATE_KEY) */
	P_CERTIFICATE_KEY,
	P_CA_CERTIFICATE,
	P_VERIFY_SERVER_CERTIFICATE,
	P_VERIFY_SERVER_ADDRESS,	/* verify-server-address-from-certificate */
	P_SERVER_FINGERPRINT,	/* SHA-256 pin of the server's certificate */
	P_TLS_VERSION,
	P_CIPHERS,
	P_PFS,
	P_ADD_SNI,
	P_SNI_NAME,
	P_KEEPALIVE_TIMEOUT,
	P_ADD_DEFAULT_ROUTE,
	P_DEFAULT_ROUTE_DISTANCE,
	P_ROUTES,		/* site-to-site: destination prefixes via the tunnel */
	P_USE_PEER_DNS,
	P_DIAL_ON_DEMAND,
	P_MAX_MTU,
	P_MAX_MRU,
	P_MRRU,
	P_PROFILE,
	P_PPP_ENGINE,
	P_IPV6,
	P_PPP_SCRIPTS,		/* run ip-up.d / ip-down.d scripts */
	P_PPP_SCRIPTS_DIR,
	P_PPPD_OPTIONS,
	P__COUNT
};

enum prop_type {
	PT_STRING,		/* free text */
	PT_BOOL,		/* yes | no */
	PT_INT,			/* min..max */
	PT_ENUM,		/* one word of 'words' */
	PT_ENUM_SET,		/* comma list of words of 'words' */
	PT_INT_OR_WORD,		/* min..max or the single word words[0] ("disabled") */
	PT_HOST,		/* DNS name, IPv4, or IPv6 (optionally [v6]) [:port] */
	PT_PREFIX_LIST,		/* comma list of IPv4/IPv6 prefixes */
	PT_PATH,		/* absolute file or directory path, or "none" */
	PT_NAME			/* interface name: [A-Za-z0-9._-], 1..15 chars */
};

#define PF_SENSITIVE	0x01	/* masked unless show-sensitive */
#define PF_REQUIRED	0x02	/* must be set before the interface can run */
#define PF_NOEXPORT	0x04	/* never in export (none yet) */

struct prop_def {
	const char		*name;		/* "connect-to" */
	enum prop_type		 type;
	const char		*def;		/* default, as text; "" = empty */
	long			 min, max;	/* PT_INT, PT_INT_OR_WORD */
	const char *const	*words;		/* PT_ENUM, PT_ENUM_SET, PT_INT_OR_WORD */
	int			 flags;		/* PF_* */
	const char		*help;		/* one line */
};

extern const struct prop_def prop_table[P__COUNT];

/* Look a property up by exact name; -1 when unknown. */
int	prop_find(const char *name);

/*
 * Check and normalise a value for property id.  Returns 0 and a malloc'ed
 * canonical text in *out (e.g. "yes" for "true", "pap,mschap2" sorted as the
 * table has them), or -1 with a malloc'ed reason in *cause
 * ("value of port out of range (1..65535)").
 */
int	prop_check(int id, const char *value, char **out, char **cause);

/* An interface's configuration: canonical text per property, NULL = default. */
struct iface_config {
	char	*val[P__COUNT];
};

/* The value in force (the default when unset); never NULL. */
const char *cfg_get(const struct iface_config *c, int id);
/* Typed views of cfg_get(): yes -> 1; PT_INT_OR_WORD's word -> 0. */
int	cfg_bool(const struct iface_config *c, int id);
long	cfg_int(const struct iface_config *c, int id);
/* Set (value NULL = back to default); value must come from prop_check(). */
void	cfg_set(struct iface_config *c, int id, const char *value);
int	cfg_is_default(const struct iface_config *c, int id);
void	cfg_copy(struct iface_config *dst, const struct iface_config *src);
void	cfg_clear(struct iface_config *c);

#endif

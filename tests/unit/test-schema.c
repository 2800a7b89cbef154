/* test-schema.c - the property table, value checks and canonical forms. */
#include "config.h"

#include "t.h"
#include "schema.h"

/* prop_check() of one value: the canonical text, or "ERR: reason". */
static char *
chk(int id, const char *v)
{
	static char	 buf[512];
	char		*out, *cause;

	if (prop_check(id, v, &out, &cause) == 0) {
		snprintf(buf, sizeof buf, "%s", out);
		free(out);
	} else {
		snprintf(buf, sizeof buf, "ERR: %s", cause);
		free(cause);
	}
	return buf;
}

int
main(void)
{
	struct iface_config	c, d;
	int			i;

	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);

	/* The table: names unique, in enum order, kebab-case, help given. */
	for (i = 0; i < P__COUNT; i++) {
		T_CHECK(prop_table[i].name != NULL);
		T_EQ_INT(prop_find(prop_table[i].name), i);
		T_CHECK(strspn(prop_table[i].name,
		    "abcdefghijklmnopqrstuvwxyz0123456789-") ==
		    strlen(prop_table[i].name));
		T_CHECK(prop_table[i].help != NULL && *prop_table[i].help);
	}
	T_EQ_INT(prop_find("connect-to"), P_CONNECT_TO);
	T_EQ_INT(prop_find("connect"), -1);
	T_EQ_INT(prop_find("verify-server-address-from-certificate"),
	    P_VERIFY_SERVER_ADDRESS);

	/* Every cipher name the TLS layer maps is accepted, prefixes too. */
	T_EQ_STR(chk(P_CIPHERS, "chacha20-poly1305,aes128-gcm"),
	    "aes128-gcm-sha256,chacha20-poly1305");
	T_EQ_STR(chk(P_CIPHERS, "aes128-sha"), "aes128-sha");
	T_CHECK(strncmp(chk(P_CIPHERS, "aes256"), "ERR: ", 5) == 0);
	T_CHECK(strncmp(chk(P_CIPHERS, "rc4"), "ERR: ", 5) == 0);

	/* Defaults as the issue wants them. */
	T_EQ_STR(cfg_get(&c, P_DISABLED), "yes");
	T_EQ_STR(cfg_get(&c, P_PORT), "443");
	T_EQ_STR(cfg_get(&c, P_PROXY_PORT), "443");
	T_EQ_STR(cfg_get(&c, P_AUTHENTICATION), "pap,chap,mschap1,mschap2");
	T_EQ_STR(cfg_get(&c, P_VERIFY_SERVER_CERTIFICATE), "yes");
	T_EQ_STR(cfg_get(&c, P_VERIFY_SERVER_ADDRESS), "yes");
	T_EQ_STR(cfg_get(&c, P_PPP_ENGINE), "auto");
	T_EQ_STR(cfg_get(&c, P_USE_PEER_DNS), "no");
	T_EQ_STR(cfg_get(&c, P_ROUTES), "");
	T_EQ_STR(cfg_get(&c, P_IPV6), "yes");
	T_EQ_STR(cfg_get(&c, P_PPP_SCRIPTS), "no");
	T_EQ_STR(cfg_get(&c, P_PPP_SCRIPTS_DIR), "/etc/ppp");
	T_EQ_STR(cfg_get(&c, P_KEEPALIVE_TIMEOUT), "60");
	T_EQ_STR(cfg_get(&c, P_MAX_MTU), "1500");
	T_EQ_STR(cfg_get(&c, P_MAX_MRU), "1500");
	T_EQ_STR(cfg_get(&c, P_MRRU), "disabled");
	T_EQ_STR(cfg_get(&c, P_PROFILE), "default-encryption");
	T_EQ_STR(cfg_get(&c, P_ADD_DEFAULT_ROUTE), "no");
	T_EQ_STR(cfg_get(&c, P_DEFAULT_ROUTE_DISTANCE), "1");
	T_EQ_STR(cfg_get(&c, P_DIAL_ON_DEMAND), "no");
	T_EQ_STR(cfg_get(&c, P_TLS_VERSION), "any");
	T_EQ_STR(cfg_get(&c, P_PFS), "no");
	T_EQ_STR(cfg_get(&c, P_ADD_SNI), "no");
	T_CHECK(prop_table[P_PASSWORD].flags & PF_SENSITIVE);
	T_CHECK(prop_table[P_PROXY_PASSWORD].flags & PF_SENSITIVE);
	T_CHECK(!(prop_table[P_USER].flags & PF_SENSITIVE));

	/* Booleans. */
	T_EQ_STR(chk(P_DISABLED, "yes"), "yes");
	T_EQ_STR(chk(P_DISABLED, "true"), "yes");
	T_EQ_STR(chk(P_DISABLED, "y"), "yes");
	T_EQ_STR(chk(P_DISABLED, "false"), "no");
	T_EQ_STR(chk(P_DISABLED, "no"), "no");
	T_EQ_STR(chk(P_DISABLED, "maybe"),
	    "ERR: invalid value for disabled: maybe (yes or no)");

	/* Integers with ranges. */
	T_EQ_STR(chk(P_PORT, "8443"), "8443");
	T_EQ_STR(chk(P_PORT, "0"), "ERR: value of port out of range (1..65535)");
	T_EQ_STR(chk(P_PORT, "65536"),
	    "ERR: value of port out of range (1..65535)");
	T_EQ_STR(chk(P_PORT, "44x"), "ERR: invalid value for port: 44x (a number)");
	T_EQ_STR(chk(P_PORT, "-1"), "ERR: invalid value for port: -1 (a number)");
	T_EQ_STR(chk(P_KEEPALIVE_TIMEOUT, "disabled"), "disabled");
	T_EQ_STR(chk(P_KEEPALIVE_TIMEOUT, "dis"), "disabled");
	T_EQ_STR(chk(P_KEEPALIVE_TIMEOUT, "30"), "30");
	T_EQ_STR(chk(P_KEEPALIVE_TIMEOUT, "0"),
	    "ERR: value of keepalive-timeout out of range (1..4294967)");
	T_EQ_STR(chk(P_MRRU, "1600"), "1600");
	T_EQ_STR(chk(P_MRRU, "100"), "ERR: value of mrru out of range (512..65535)");

	/* Enumerations: exact, unique prefix, ambiguous, unknown. */
	T_EQ_STR(chk(P_PPP_ENGINE, "builtin"), "builtin");
	T_EQ_STR(chk(P_PPP_ENGINE, "b"), "builtin");
	T_EQ_STR(chk(P_TLS_VERSION, "only"),
	    "ERR: ambiguous value: candidates only-1.2, only-1.3");
	T_EQ_STR(chk(P_TLS_VERSION, "only-1.2"), "only-1.2");
	T_EQ_STR(chk(P_PROFILE, "default"), "default");
	T_EQ_STR(chk(P_PROFILE, "default-e"), "default-encryption");
	T_EQ_STR(chk(P_PFS, "sometimes"), "ERR: invalid value for pfs: "
	    "sometimes (one of no, yes, required)");

	/* Sets come back in table order, without repeats. */
	T_EQ_STR(chk(P_AUTHENTICATION, "mschap2,pap"), "pap,mschap2");
	T_EQ_STR(chk(P_AUTHENTICATION, "mschap2,mschap2"), "mschap2");
	T_EQ_STR(chk(P_AUTHENTICATION, "mschap"),
	    "ERR: ambiguous value: candidates mschap1, mschap2");
	T_EQ_STR(chk(P_AUTHENTICATION, "pap,,chap"),
	    "ERR: invalid value for authentication: empty");
	T_EQ_STR(chk(P_CIPHERS, "aes256-g"), "aes256-gcm-sha384");

	/* Hosts. */
	T_EQ_STR(chk(P_CONNECT_TO, "10.1.101.1"), "10.1.101.1");
	T_EQ_STR(chk(P_CONNECT_TO, "vpn.example.com:8443"),
	    "vpn.example.com:8443");
	T_EQ_STR(chk(P_CONNECT_TO, "[2001:db8::1]:443"), "[2001:db8::1]:443");
	T_EQ_STR(chk(P_CONNECT_TO, "2001:db8::1"), "2001:db8::1");
	T_EQ_STR(chk(P_CONNECT_TO, "vpn.example.com:99999"),
	    "ERR: invalid value for connect-to: bad port in vpn.example.com:99999");
	T_EQ_STR(chk(P_CONNECT_TO, "a b"),
	    "ERR: invalid value for connect-to: a b (an address or DNS name)");
	T_EQ_STR(chk(P_HTTP_PROXY, "0.0.0.0"), "");
	T_EQ_STR(chk(P_HTTP_PROXY, "none"), "");

	/* Prefix lists: host bits cleared, bare addresses become hosts. */
	T_EQ_STR(chk(P_ROUTES, "10.1.2.3/8,192.168.1.0/24"),
	    "10.0.0.0/8,192.168.1.0/24");
	T_EQ_STR(chk(P_ROUTES, "172.16.0.1"), "172.16.0.1/32");
	T_EQ_STR(chk(P_ROUTES, "2001:db8:1::5/48"), "2001:db8:1::/48");
	T_EQ_STR(chk(P_ROUTES, "10.0.0.0/33"),
	    "ERR: invalid value for routes: 10.0.0.0/33 (a prefix like "
	    "10.0.0.0/8 or 2001:db8::/32)");

	/* Paths, names, fingerprints, text. */
	T_EQ_STR(chk(P_CA_CERTIFICATE, "/etc/ssl/ca.pem"), "/etc/ssl/ca.pem");
	T_EQ_STR(chk(P_CA_CERTIFICATE, "ca.pem"),
	    "ERR: invalid value for ca-certificate: ca.pem (an absolute path or none)");
	T_EQ_STR(chk(P_NAME, "sstp-out1"), "sstp-out1");
	T_EQ_STR(chk(P_NAME, "a-name-too-long-x"),
	    "ERR: invalid value for name: 1 to 15 characters");
	T_EQ_STR(chk(P_NAME, "a/b"), "ERR: invalid value for name: letters, "
	    "digits, '.', '_' and '-' only");
	T_EQ_STR(chk(P_SERVER_FINGERPRINT, "AB:CD"),
	    "ERR: invalid value for server-fingerprint: 64 hex digits expected (SHA-256)");
	T_EQ_STR(chk(P_SERVER_FINGERPRINT,
	    "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"),
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	T_EQ_STR(chk(P_COMMENT, "any text, \"quoted\""), "any text, \"quoted\"");
	T_EQ_STR(chk(P_COMMENT, "two\nlines"),
	    "ERR: invalid value for comment: control characters are not allowed");

	/* The config store: defaults are not stored, copies are deep. */
	cfg_set(&c, P_PORT, "443");
	T_CHECK(c.val[P_PORT] == NULL);
	T_CHECK(cfg_is_default(&c, P_PORT));
	cfg_set(&c, P_PORT, "8443");
	T_EQ_INT(cfg_int(&c, P_PORT), 8443);
	T_CHECK(!cfg_is_default(&c, P_PORT));
	cfg_set(&c, P_DISABLED, "no");
	T_EQ_INT(cfg_bool(&c, P_DISABLED), 0);
	T_EQ_INT(cfg_bool(&c, P_IPV6), 1);
	T_EQ_INT(cfg_int(&c, P_MRRU), 0);
	cfg_copy(&d, &c);
	T_CHECK(d.val[P_PORT] != c.val[P_PORT]);
	T_EQ_STR(cfg_get(&d, P_PORT), "8443");
	cfg_set(&c, P_PORT, NULL);
	T_EQ_STR(cfg_get(&c, P_PORT), "443");
	T_EQ_STR(cfg_get(&d, P_PORT), "8443");
	cfg_clear(&c);
	cfg_clear(&d);
	T_CHECK(d.val[P_PORT] == NULL);
	T_DONE();
}

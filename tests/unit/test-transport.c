/* test-transport.c - the GnuTLS priority strings made from tls-version, ciphers and pfs. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "transport.h"
#include "t.h"

static const char *
prio(enum tls_version_pref v, const char *ciphers, int pfs, int *ret)
{
	static char		 buf[512];
	struct transport_config	 cfg;
	char			*cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.tls_version = v;
	cfg.ciphers = ciphers;
	cfg.pfs = pfs;
	*ret = transport_priority(&cfg, buf, sizeof buf, &cause);
	if (*ret != 0) {
		snprintf(buf, sizeof buf, "%s", cause);
		free(cause);
	}
	return buf;
}

/* GnuTLS itself must accept every string we make. */
static int
valid(const char *p)
{
	gnutls_priority_t	 pc;
	const char		*err = NULL;

	if (gnutls_priority_init(&pc, p, &err) < 0) {
		fprintf(stderr, "GnuTLS refuses \"%s\" at \"%s\"\n", p,
		    err != NULL ? err : "");
		return 0;
	}
	gnutls_priority_deinit(pc);
	return 1;
}

int
main(void)
{
	static const char *ciphers[] = { NULL, "", "aes256-sha",
	    "aes256-gcm-sha384", "aes256-sha,aes256-gcm-sha384",
	    " AES128-SHA , chacha20-poly1305 ", "aes128-gcm-sha256" };
	const char	*p;
	size_t		 i;
	int		 v, pfs, ret;

	/* The mapping documented in sstpcd-tls(7). */
	T_EQ_STR(prio(TLS_VER_ANY, NULL, 0, &ret),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2");
	T_EQ_STR(prio(TLS_VER_ONLY_12, NULL, 0, &ret),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.2");
	T_EQ_STR(prio(TLS_VER_ONLY_13, NULL, 0, &ret),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3");
	T_EQ_STR(prio(TLS_VER_ANY, "aes256-sha,aes256-gcm-sha384", 0, &ret),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
	    ":-CIPHER-ALL:+AES-256-CBC:+AES-256-GCM:-MAC-ALL:+AEAD:+SHA1");
	T_EQ_STR(prio(TLS_VER_ANY, "aes256-sha,aes256-cbc-sha", 0, &ret),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
	    ":-CIPHER-ALL:+AES-256-CBC:-MAC-ALL:+SHA1");
	T_EQ_STR(prio(TLS_VER_ANY, NULL, 1, &ret),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
	    ":-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:+DHE-RSA:+RSA");
	T_EQ_STR(prio(TLS_VER_ONLY_12, NULL, 2, &ret),
	    "NORMAL:-VERS-ALL:+VERS-TLS1.2"
	    ":-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:+DHE-RSA");

	/* Every combination GnuTLS can parse. */
	for (v = TLS_VER_ANY; v <= TLS_VER_ONLY_13; v++) {
		for (i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++) {
			for (pfs = 0; pfs <= 2; pfs++) {
				p = prio(v, ciphers[i], pfs, &ret);
				if (v == TLS_VER_ONLY_13 && ciphers[i] != NULL &&
				    strcmp(ciphers[i], "aes256-sha") == 0) {
					T_EQ_INT(ret, -EINVAL);
					T_CHECK(strstr(p, "needs an AEAD") != NULL);
					continue;
				}
				T_EQ_INT(ret, 0);
				T_CHECK(valid(p));
			}
		}
	}

	/* Unknown names are refused with the list of known ones. */
	p = prio(TLS_VER_ANY, "aes256-sha,rc4-md5", 0, &ret);
	T_EQ_INT(ret, -EINVAL);
	T_CHECK(strncmp(p, "unknown cipher \"rc4-md5\" (known: ", 33) == 0);
	T_DONE();
}

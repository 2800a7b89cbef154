/* transport_files.c - the TLS files of a configuration, checked before any connection. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cause.h"
#include "transport.h"

/* GnuTLS's words for a client certificate that will not load. */
static const char *
transport_files_why(int ret)
{
	switch (ret) {
	case GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
	case GNUTLS_E_BASE64_DECODING_ERROR:
	case GNUTLS_E_NO_CERTIFICATE_FOUND:
	case GNUTLS_E_ASN1_DER_ERROR:
		return "no PEM certificate and private key in it";
	case GNUTLS_E_CERTIFICATE_KEY_MISMATCH:
		return "the key does not belong to the certificate";
	default:
		return gnutls_strerror(ret);
	}
}

/* The file can be opened for reading: else "<prop> <path>: <strerror>". */
static int
transport_files_open(const char *prop, const char *path, char **cause)
{
	int	fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = -errno;
		cause_set(cause, "%s %s: %s", prop, path, strerror(-rc));
		return rc;
	}
	close(fd);
	return 0;
}

int
transport_check_files(const struct transport_config *cfg, char **cause)
{
	gnutls_certificate_credentials_t	 cred;
	const char				*key;
	int					 ret, rc = 0;

	if (cfg->ca_file != NULL &&
	    (rc = transport_files_open("ca-certificate", cfg->ca_file,
	    cause)) != 0)
		return rc;
	if (cfg->cert_file != NULL &&
	    (rc = transport_files_open("certificate", cfg->cert_file,
	    cause)) != 0)
		return rc;
	if (cfg->cert_file != NULL && cfg->key_file != NULL &&
	    (rc = transport_files_open("certificate-key", cfg->key_file,
	    cause)) != 0)
		return rc;
	if (cfg->ca_file == NULL && cfg->cert_file == NULL)
		return 0;

	/* Readable: now parsed the way the TLS handshake will. */
	if ((ret = gnutls_certificate_allocate_credentials(&cred)) < 0) {
		cause_set(cause, "TLS: %s", gnutls_strerror(ret));
		return -ENOMEM;
	}
	if (cfg->ca_file != NULL) {
		ret = gnutls_certificate_set_x509_trust_file(cred, cfg->ca_file,
		    GNUTLS_X509_FMT_PEM);
		if (ret <= 0) {
			cause_set(cause, "ca-certificate %s: %s", cfg->ca_file,
			    ret == 0 ? "no PEM certificate in it" :
			    gnutls_strerror(ret));
			rc = -EINVAL;
		}
	}
	if (rc == 0 && cfg->cert_file != NULL) {
		key = cfg->key_file != NULL ? cfg->key_file : cfg->cert_file;
		ret = gnutls_certificate_set_x509_key_file(cred, cfg->cert_file,
		    key, GNUTLS_X509_FMT_PEM);
		if (ret < 0) {
			cause_set(cause, "certificate %s%s%s: %s",
			    cfg->cert_file, key != cfg->cert_file ?
			    " with certificate-key " : "", key != cfg->cert_file ?
			    key : "", transport_files_why(ret));
			rc = -EINVAL;
		}
	}
	gnutls_certificate_free_credentials(cred);
	return rc;
}

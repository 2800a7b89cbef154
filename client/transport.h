/* transport.h - TCP (direct or via HTTP CONNECT), TLS with GnuTLS, and the SSTP HTTP exchange. */
#ifndef SSTP_TRANSPORT_H
#define SSTP_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

enum tls_version_pref {
	TLS_VER_ANY = 0,	/* 1.2 or 1.3 */
	TLS_VER_ONLY_12,
	TLS_VER_ONLY_13
};

struct transport_config {
	const char	*host;		/* connect-to: name, IPv4 or IPv6 literal */
	unsigned int	 port;		/* default 443 */
	const char	*proxy_host;	/* NULL = direct */
	unsigned int	 proxy_port;
	const char	*proxy_user;	/* Basic auth; NULL = none */
	const char	*proxy_password;
	/* TLS */
	const char	*sni;		/* NULL = none; else the name to send */
	const char	*ca_file;	/* NULL = the system trust store */
	int		 verify_cert;	/* verify-server-certificate */
	int		 verify_name;	/* verify-server-address-from-certificate */
	const char	*verify_hostname;/* the name (or address) to match */
	const char	*pin_sha256;	/* hex SHA-256 of the DER leaf, or NULL */
	const char	*cert_file;	/* client certificate (PEM), or NULL */
	const char	*key_file;	/* its key (PEM), or NULL */
	enum tls_version_pref tls_version;
	const char	*ciphers;	/* "aes256-sha,aes256-gcm-sha384" or NULL */
	int		 pfs;		/* 0 no, 1 yes, 2 required */
	unsigned int	 connect_timeout_ms;	/* TCP + proxy + TLS; default 30000 */
	unsigned int	 http_timeout_ms;	/* SSTP_DUPLEX_POST answer; 60000 */
};

struct transport_callbacks {
	/* HTTP 200 received; the stream now carries SSTP packets. */
	void	(*ready_cb)(void *arg);
	/* Bytes from the server (SSTP packets, any split). */
	void	(*read_cb)(void *arg, const uint8_t *buf, size_t len);
	/* Output drained below the low-water mark (after write returned 1). */
	void	(*drain_cb)(void *arg);
	/*
	 * Failure at any stage, or the server closed the connection.  cause is
	 * readable: "TLS: certificate verify failed: unknown issuer", "proxy
	 * refused CONNECT: HTTP/1.1 407 Proxy Authentication Required" ...
	 * The transport is dead afterwards; free it.
	 */
	void	(*error_cb)(void *arg, const char *cause);
};

struct transport;

/* Start resolving and connecting at once; never blocks. */
struct transport *transport_new(struct event_base *base,
	    const struct transport_config *cfg,
	    const struct transport_callbacks *cb, void *arg);
void	transport_free(struct transport *t);

/*
 * Queue bytes for the server (copied).  Returns 0, or 1 when the queue is
 * above the high-water mark (stop producing until drain_cb), or -ENOBUFS when
 * it is full and nothing was queued.
 */
int	transport_write(struct transport *t, const uint8_t *buf, size_t len);

/*
 * Batching: between transport_cork() and transport_uncork(), what
 * transport_write() queues is held (its return values are unchanged); the
 * uncork sends it all in as few TLS records as fit (16 KiB each), so that
 * several SSTP packets written in one wake-up share a record instead of
 * costing one record (and its header, tag and syscall) each.  Not nested.
 */
void	transport_cork(struct transport *t);
void	transport_uncork(struct transport *t);

/*
 * The GnuTLS priority string for cfg's tls_version, ciphers and pfs (the
 * mapping is in sstpcd-tls(7)), so the daemon can refuse a bad setting at
 * once.  Returns 0, or -EINVAL/-ENOBUFS with an allocated *cause.
 */
int	transport_priority(const struct transport_config *cfg, char *buf,
	    size_t cap, char **cause);

/*
 * The files cfg names (ca_file, cert_file, key_file) can be read and parsed
 * as the handshake will: a missing or broken file is a configuration error,
 * not worth retrying.  Returns 0, or a negative errno with an allocated
 * *cause naming the property: "ca-certificate /x: No such file or
 * directory".
 */
int	transport_check_files(const struct transport_config *cfg, char **cause);

/* Valid after ready_cb: hashes of the server's DER leaf certificate. */
void	transport_cert_hashes(const struct transport *t, uint8_t sha1[20],
	    uint8_t sha256[32]);
/* "TLSv1.3 AES-256-GCM" (static to the transport), or "" before TLS. */
const char *transport_encoding(const struct transport *t);
/* The server's address:port actually connected (for caller-id), or "". */
const char *transport_peer(const struct transport *t);
/* The address:port the TCP connection goes to: the proxy when there is one. */
const char *transport_tcp_peer(const struct transport *t);

#endif

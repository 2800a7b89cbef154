/* sstp-testserver.c - test tool: a strict, scriptable SSTP server (TLS, HTTP, SSTP call, server-side PPP) with hostile modes. */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <nettle/hmac.h>

#include "frame.h"
#include "mschap.h"
#include "sstp_crypto.h"
#include "sstp_msg.h"

/*
 * One process, one listening socket, any number of connections (libevent
 * read events).  Sockets are blocking with 10 s send/receive timeouts: a
 * test server may stall on one slow peer, but never forever.  Every event
 * is one line on stdout, "conn=N what ...", flushed, for tests to grep:
 *
 *   http ok / http bad ...     the SSTP_DUPLEX_POST request
 *   connect request / nak sent / ack sent hash=sha256
 *   lcp open / auth ok mschap2 user=U / auth fail ...
 *   binding ok sha256 | binding bad <why> | binding late <why> | binding missing
 *   ipcp up local=A peer=B / echo request / call disconnect / call abort
 *   status=N / disconnect ack / closed why=...
 *
 * Strict as accel-ppp, Windows RRAS and Ideco UTM are: Call Connected must
 * come after authentication and before any network-layer frame (else Call
 * Abort, status 5), within --timeout seconds of the Ack (else status 8),
 * with the Ack's nonce, the hash of our certificate, a hash protocol we
 * offered (--hash) and the compound MAC keyed by the server-side HLAK (else
 * Call Abort, status 4 for CRYPTO_BINDING).  --mode picks a hostile
 * behaviour (see usage()); "good" is the default.
 */

#define TS_HTTP_MAX		4096
#define TS_IO_TIMEOUT_S		10
#define TS_SERVER_NAME		"sstp-testserver"
#define TS_RESTART_S		3	/* RFC 1661 4.6: Restart timer */
#define TS_MAX_RESTARTS		20	/* retransmissions in all, per call */
#define TS_SSTP_URI	"/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"

/* PPP protocols and options we answer (besides frame.h). */
#define PPP_PROTO_PAP		0xc023	/* RFC 1334 */
#define PPP_PROTO_CHAP		0xc223	/* RFC 1994 */
#define CHAP_ALG_MSCHAP2	0x81	/* RFC 2759 2 */
#define LCP_OPT_MRU		1	/* RFC 1661 6.1 */
#define LCP_OPT_AUTH		3	/* RFC 1661 6.2 */
#define LCP_OPT_MAGIC		5	/* RFC 1661 6.4 */
#define LCP_OPT_PFC		7	/* RFC 1661 6.5 */
#define LCP_OPT_ACFC		8	/* RFC 1661 6.6 */
#define IPCP_OPT_ADDR		3	/* RFC 1332 3.3 */
#define IPCP_OPT_DNS1		129	/* RFC 1877 1.1 */
#define IPCP_OPT_DNS2		131	/* RFC 1877 1.3 */
#define CHAP_CHALLENGE		1	/* RFC 1994 4 */
#define CHAP_RESPONSE		2
#define CHAP_SUCCESS		3
#define CHAP_FAILURE		4
#define PAP_AUTH_REQ		1	/* RFC 1334 2.2 */
#define PAP_AUTH_ACK		2
#define PAP_AUTH_NAK		3

enum ts_mode {
	M_GOOD = 0,
	M_HTTP403,		/* answer 403 Forbidden */
	M_HTTP500,		/* answer 500 Internal Server Error */
	M_HTTP_GARBAGE,		/* answer bytes that are not HTTP */
	M_SILENT,		/* read the request, never answer */
	M_CLOSE_AFTER_TLS,	/* handshake, then close */
	M_BAD_VERSION,		/* after the Ack: a packet with version 0x20 */
	M_BAD_LENGTH,		/* after the Ack: a packet with length 2 */
	M_NAK,			/* Nak every Connect Request */
	M_ABORT,		/* after the Ack: Call Abort with --status */
	M_ABORT_LATE,		/* once IPCP is up: Call Abort with --status */
	M_NO_ECHO,		/* once IPCP is up: answer nothing any more */
	M_BIG_FRAME,		/* once IPCP is up: frames beyond the MRU */
	M_SHORT_FRAME,		/* once IPCP is up: truncated frames */
	M_FLOOD,		/* once IPCP is up: --count packets at once */
	M_BAD_AUTHENTICATOR,	/* MS-CHAPv2 Success with a wrong S= */
	M_NO_ACK,		/* never answer the Connect Request */
	M_BAD_MESSAGE,		/* after the Ack: an Ack with a bad attribute */
	M_DISCONNECT,		/* once IPCP is up: Call Disconnect, --status */
	M_LCP_TERMINATE		/* once IPCP is up: LCP Terminate-Request */
};

static const char *ts_mode_names[] = {
	"good", "http403", "http500", "http-garbage", "silent",
	"close-after-tls", "bad-version", "bad-length", "nak", "abort",
	"abort-late", "no-echo", "big-frame", "short-frame", "flood",
	"bad-authenticator", "no-ack", "bad-message", "disconnect",
	"lcp-terminate", NULL
};

static struct {
	const char	*listen;
	const char	*cert;
	const char	*key;
	const char	*user;
	const char	*password;
	int		 auth;		/* 0 none, PPP_PROTO_PAP, PPP_PROTO_CHAP */
	uint8_t		 hash_mask;	/* SSTP_HASH_BITMASK_* offered */
	enum ts_mode	 mode;
	uint32_t	 status;	/* for abort modes */
	unsigned int	 timeout_s;	/* Ack -> valid Call Connected */
	unsigned int	 count;		/* flood */
	struct in_addr	 local;
	struct in_addr	 peer;
	struct in_addr	 dns;
	int		 have_dns;
} opt;

static struct {
	struct event_base			*base;
	gnutls_certificate_credentials_t	 cred;
	uint8_t					 cert_sha1[20];
	uint8_t					 cert_sha256[32];
	unsigned int				 nconn;
} ts;

struct ts_conn {
	unsigned int		 id;
	int			 fd;
	gnutls_session_t	 tls;
	struct event		*rev;
	struct event		*timer;
	struct event		*restart;	/* retransmits our requests */
	unsigned int		 restarts;
	int			 closed;

	int			 http_done;
	uint8_t			 in[TS_HTTP_MAX + 8192];
	size_t			 inlen;

	int			 acked;
	int			 connected;	/* a valid Call Connected came */
	uint8_t			 nonce[SSTP_NONCE_LEN];
	int			 quiet;		/* no-echo has started */

	uint8_t			 lcp_id;		/* other LCP packets */
	uint8_t			 lcp_req_id;	/* our Configure-Request */
	int			 lcp_ours_acked;
	int			 lcp_theirs_acked;
	int			 lcp_open;
	uint32_t		 magic;
	int			 auth_proto;	/* current choice */
	int			 auth_ok;
	uint8_t			 chap_id;
	uint8_t			 chap_chal[MSCHAP2_CHALLENGE_LEN];
	uint8_t			 hlak[SSTP_HLAK_LEN];

	uint8_t			 ipcp_id;
	int			 ipcp_ours_acked;
	int			 ipcp_theirs_acked;
	int			 ipcp_up;
	unsigned long		 ip_in;
};

static void	ts_close(struct ts_conn *, const char *);
static void	ts_ipcp_send_req(struct ts_conn *, int);

static void __attribute__((format(printf, 2, 3)))
ts_log(struct ts_conn *c, const char *fmt, ...)
{
	va_list	ap;

	if (c != NULL)
		printf("conn=%u ", c->id);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void
ts_hex(char *out, const uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", p[i]);
	out[2 * n] = '\0';
}

/* Write all of buf to the TLS stream (blocking, bounded by SO_SNDTIMEO). */
static int
ts_write(struct ts_conn *c, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	if (c->closed)
		return -1;
	while (len > 0) {
		n = gnutls_record_send(c->tls, p, len);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n < 0) {
			ts_log(c, "write failed: %s", gnutls_strerror((int)n));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One SSTP data packet carrying a PPP frame of this protocol. */
static void
ts_ppp_send(struct ts_conn *c, uint16_t proto, const uint8_t *info, size_t len)
{
	uint8_t	pkt[SSTP_MAX_PACKET];

	if (len + SSTP_HDR_LEN + PPP_FRAME_HDR > sizeof pkt)
		return;
	sstp_msg_data_header(pkt, len + PPP_FRAME_HDR);
	ppp_frame_hdr(pkt + SSTP_HDR_LEN, proto);
	memcpy(pkt + SSTP_HDR_LEN + PPP_FRAME_HDR, info, len);
	ts_write(c, pkt, SSTP_HDR_LEN + PPP_FRAME_HDR + len);
}

/* A control packet: code, id, data. */
static void
ts_cp_send(struct ts_conn *c, uint16_t proto, uint8_t code, uint8_t id,
    const uint8_t *data, size_t len)
{
	uint8_t		mem[SSTP_MAX_DATA];
	struct pbuf	b;

	pbuf_init(&b, mem, sizeof mem - PPP_FRAME_HDR);
	pbuf_cp_begin(&b, code, id);
	pbuf_put(&b, data, len);
	pbuf_cp_end(&b);
	if (b.err == 0)
		ts_ppp_send(c, proto, mem, b.len);
}

/* Call Abort or Call Disconnect with one Status Info attribute. */
static void
ts_sstp_status(struct ts_conn *c, uint16_t type, uint8_t attr,
    uint32_t status)
{
	uint8_t		mem[64];
	struct sstp_buf	b;
	int		n;

	sstp_buf_init(&b, mem, sizeof mem);
	sstp_msg_begin(&b, type);
	sstp_msg_put_status(&b, attr, status, NULL, 0);
	if ((n = sstp_msg_end(&b)) > 0)
		ts_write(c, mem, (size_t)n);
}

static void
ts_sstp_abort(struct ts_conn *c, uint8_t attr, uint32_t status)
{
	ts_sstp_status(c, SSTP_MSG_CALL_ABORT, attr, status);
	ts_log(c, "abort sent status=%u (%s)", status,
	    sstp_msg_status_text(status));
}

static void
ts_sstp_simple(struct ts_conn *c, uint16_t type)
{
	uint8_t		mem[16];
	struct sstp_buf	b;
	int		n;

	sstp_buf_init(&b, mem, sizeof mem);
	sstp_msg_begin(&b, type);
	if ((n = sstp_msg_end(&b)) > 0)
		ts_write(c, mem, (size_t)n);
}

/* ---- crypto binding (MS-SSTP 3.2.5.2, checked as a strict server does) */

static void
ts_hmac(int proto, const uint8_t *key, size_t klen, const uint8_t *msg,
    size_t len, uint8_t *out)
{
	struct hmac_sha1_ctx	c1;
	struct hmac_sha256_ctx	c2;

	if (proto == SSTP_HASH_PROTO_SHA1) {
		hmac_sha1_set_key(&c1, klen, key);
		hmac_sha1_update(&c1, len, msg);
		hmac_sha1_digest(&c1, 20, out);
	} else {
		hmac_sha256_set_key(&c2, klen, key);
		hmac_sha256_update(&c2, len, msg);
		hmac_sha256_digest(&c2, 32, out);
	}
}

static int
ts_zero(const uint8_t *p, size_t n)
{
	uint8_t	acc = 0;

	while (n-- > 0)
		acc |= *p++;
	return acc == 0;
}

/* Check Call Connected; returns NULL when good, else why it is bad. */
static const char *
ts_binding_check(struct ts_conn *c, const uint8_t *pkt, size_t len,
    const struct sstp_msg *m, int *proto)
{
	const struct sstp_attr	*a;
	uint8_t			 seed[sizeof SSTP_CMK_SEED + 2], cmk[32];
	uint8_t			 copy[SSTP_CALL_CONNECTED_LEN], mac[32];
	size_t			 hlen, sl = sizeof SSTP_CMK_SEED - 1;

	*proto = 0;
	if ((a = sstp_msg_find(m, SSTP_ATTR_CRYPTO_BINDING)) == NULL)
		return "no-attribute";
	if (len != SSTP_CALL_CONNECTED_LEN)
		return "length";
	*proto = a->u.binding.hash_proto;
	if (*proto == SSTP_HASH_PROTO_SHA1 &&
	    (opt.hash_mask & SSTP_HASH_BITMASK_SHA1))
		hlen = 20;
	else if (*proto == SSTP_HASH_PROTO_SHA256 &&
	    (opt.hash_mask & SSTP_HASH_BITMASK_SHA256))
		hlen = 32;
	else
		return "hash";
	if (memcmp(a->u.binding.nonce, c->nonce, SSTP_NONCE_LEN) != 0)
		return "nonce";
	if (memcmp(a->u.binding.cert_hash, hlen == 20 ? ts.cert_sha1 :
	    ts.cert_sha256, hlen) != 0 ||
	    !ts_zero(a->u.binding.cert_hash + hlen, SSTP_CERT_HASH_LEN - hlen))
		return "cert-hash";
	if (!ts_zero(a->u.binding.cmac + hlen, SSTP_CMAC_LEN - hlen))
		return "mac-padding";

	/* CMK = HMAC(HLAK, seed || LEN (16-bit little-endian) || 0x01). */
	memcpy(seed, SSTP_CMK_SEED, sl);
	seed[sl] = (uint8_t)hlen;
	seed[sl + 1] = 0;
	seed[sl + 2] = 1;
	ts_hmac(*proto, c->hlak, sizeof c->hlak, seed, sl + 3, cmk);
	memcpy(copy, pkt, sizeof copy);
	memset(copy + 80, 0, SSTP_CMAC_LEN);
	ts_hmac(*proto, cmk, hlen, copy, sizeof copy, mac);
	if (memcmp(mac, a->u.binding.cmac, hlen) != 0)
		return "mac";
	return NULL;
}

static void
ts_timeout_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ts_conn	*c = arg;

	if (c->connected)
		return;
	ts_log(c, "binding missing: no call connected within %u s",
	    opt.timeout_s);
	ts_sstp_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	ts_close(c, "negotiation timeout");
}

/* ---- LCP, authentication, IPCP (the server side, just enough) */

/* Our LCP Configure-Request; again: a retransmission (same id). */
static void
ts_lcp_send_req(struct ts_conn *c, int again)
{
	uint8_t		mem[32];
	struct pbuf	b;

	pbuf_init(&b, mem, sizeof mem);
	if (c->auth_proto == PPP_PROTO_CHAP) {
		pbuf_put8(&b, LCP_OPT_AUTH);
		pbuf_put8(&b, 5);
		pbuf_put16(&b, PPP_PROTO_CHAP);
		pbuf_put8(&b, CHAP_ALG_MSCHAP2);
	} else if (c->auth_proto == PPP_PROTO_PAP)
		pbuf_opt16(&b, LCP_OPT_AUTH, PPP_PROTO_PAP);
	pbuf_opt32(&b, LCP_OPT_MAGIC, c->magic);
	if (!again)
		c->lcp_req_id++;
	ts_cp_send(c, PPP_PROTO_LCP, CP_CONFREQ, c->lcp_req_id, mem, b.len);
}

static void
ts_auth_done(struct ts_conn *c)
{
	c->auth_ok = 1;
	if (opt.mode == M_BAD_AUTHENTICATOR)
		return;
	/* Strict servers wait for Call Connected before any NCP. */
}

/* The MS-CHAPv2 Challenge; again: a retransmission (same id, same value). */
static void
ts_chap_challenge(struct ts_conn *c, int again)
{
	uint8_t		mem[64];
	struct pbuf	b;

	if (!again) {
		gnutls_rnd(GNUTLS_RND_NONCE, c->chap_chal, sizeof c->chap_chal);
		c->chap_id++;
	}
	pbuf_init(&b, mem, sizeof mem);
	pbuf_put8(&b, MSCHAP2_CHALLENGE_LEN);
	pbuf_put(&b, c->chap_chal, sizeof c->chap_chal);
	pbuf_put(&b, TS_SERVER_NAME, strlen(TS_SERVER_NAME));
	ts_cp_send(c, PPP_PROTO_CHAP, CHAP_CHALLENGE, c->chap_id, mem, b.len);
}

static void
ts_auth_start(struct ts_conn *c)
{
	if (c->auth_proto == 0) {
		ts_log(c, "auth none");
		ts_auth_done(c);
	} else if (c->auth_proto == PPP_PROTO_CHAP)
		ts_chap_challenge(c, 0);
	/* PAP: the client speaks first. */
}

static void
ts_lcp_check_open(struct ts_conn *c)
{
	if (c->lcp_open || !c->lcp_ours_acked || !c->lcp_theirs_acked)
		return;
	c->lcp_open = 1;
	ts_log(c, "lcp open auth=%s", c->auth_proto == PPP_PROTO_CHAP ?
	    "mschap2" : c->auth_proto == PPP_PROTO_PAP ? "pap" : "none");
	ts_auth_start(c);
}

static void
ts_lcp_confreq(struct ts_conn *c, uint8_t id, const uint8_t *d, size_t n)
{
	struct cp_opt_iter	 it;
	const uint8_t		*v;
	uint8_t			 type, rej[SSTP_MAX_DATA];
	size_t			 vlen, nrej = 0;
	int			 r;

	cp_opt_begin(&it, d, n);
	while ((r = cp_opt_next(&it, &type, &v, &vlen)) == 1) {
		switch (type) {
		case LCP_OPT_MRU:
		case LCP_OPT_MAGIC:
		case LCP_OPT_PFC:
		case LCP_OPT_ACFC:
			break;
		default:
			rej[nrej++] = type;
			rej[nrej++] = (uint8_t)(vlen + 2);
			memcpy(rej + nrej, v, vlen);
			nrej += vlen;
			break;
		}
	}
	if (r < 0) {
		ts_log(c, "lcp bad configure-request");
		return;
	}
	if (nrej > 0) {
		ts_cp_send(c, PPP_PROTO_LCP, CP_CONFREJ, id, rej, nrej);
		return;
	}
	ts_cp_send(c, PPP_PROTO_LCP, CP_CONFACK, id, d, n);
	c->lcp_theirs_acked = 1;
	ts_lcp_check_open(c);
}

/* The client naks or rejects our auth option. */
static void
ts_lcp_nakrej(struct ts_conn *c, uint8_t code, const uint8_t *d, size_t n)
{
	struct cp_opt_iter	 it;
	const uint8_t		*v;
	uint8_t			 type;
	size_t			 vlen;

	cp_opt_begin(&it, d, n);
	while (cp_opt_next(&it, &type, &v, &vlen) == 1) {
		if (type != LCP_OPT_AUTH)
			continue;
		if (code == CP_CONFREJ || opt.auth != -1) {
			ts_log(c, "lcp client refuses authentication");
			ts_close(c, "client refuses authentication");
			return;
		}
		if (vlen >= 2 && get16(v) == PPP_PROTO_PAP)
			c->auth_proto = PPP_PROTO_PAP;
		else if (vlen >= 3 && get16(v) == PPP_PROTO_CHAP &&
		    v[2] == CHAP_ALG_MSCHAP2)
			c->auth_proto = PPP_PROTO_CHAP;
		else {
			ts_close(c, "client wants an unknown authentication");
			return;
		}
	}
	ts_lcp_send_req(c, 0);
}

static void
ts_lcp(struct ts_conn *c, const uint8_t *info, size_t len)
{
	const uint8_t	*d;
	uint8_t		 code, id, rep[SSTP_MAX_DATA];
	size_t		 n;

	if (cp_decode(info, len, &code, &id, &d, &n) != 0) {
		ts_log(c, "lcp truncated packet");
		return;
	}
	switch (code) {
	case CP_CONFREQ:
		ts_lcp_confreq(c, id, d, n);
		break;
	case CP_CONFACK:
		if (id == c->lcp_req_id) {
			c->lcp_ours_acked = 1;
			ts_lcp_check_open(c);
		}
		break;
	case CP_CONFNAK:
	case CP_CONFREJ:
		ts_lcp_nakrej(c, code, d, n);
		break;
	case CP_TERMREQ:
		ts_log(c, "lcp terminate-request");
		ts_cp_send(c, PPP_PROTO_LCP, CP_TERMACK, id, NULL, 0);
		break;
	case LCP_ECHOREQ:
		if (c->quiet || n < 4)
			break;
		memcpy(rep, d, n);
		rep[0] = (uint8_t)(c->magic >> 24);
		rep[1] = (uint8_t)(c->magic >> 16);
		rep[2] = (uint8_t)(c->magic >> 8);
		rep[3] = (uint8_t)c->magic;
		ts_cp_send(c, PPP_PROTO_LCP, LCP_ECHOREP, id, rep, n);
		break;
	case CP_TERMACK:
	case LCP_ECHOREP:
	case LCP_DISCREQ:
	case LCP_IDENT:
	case LCP_TIMEREM:
		break;
	default:
		ts_log(c, "lcp code %u", code);
		break;
	}
}

/*
 * The server's HLAK after MS-CHAPv2 is its MasterReceiveKey ||
 * MasterSendKey (MS-SSTP 3.3.5.2), computed from the server's side of RFC
 * 3079, independently of the client's mschap2_hlak().
 */
static void
ts_mschap2_hlak(const char *password, const uint8_t *ntr,
    uint8_t hlak[SSTP_HLAK_LEN])
{
	uint8_t	hash[MSCHAP_HASH_LEN], hh[MSCHAP_HASH_LEN];
	uint8_t	master[MSCHAP_MASTER_KEY_LEN];

	mschap_nt_password_hash(password, hash);
	mschap_hash_hash(hash, hh);
	mschap_master_key(hh, ntr, master);
	mschap_asymmetric_start_key(master, hlak, 16, 0, 1);
	mschap_asymmetric_start_key(master, hlak + 16, 16, 1, 1);
	explicit_bzero(hash, sizeof hash);
	explicit_bzero(master, sizeof master);
}

static void
ts_mschap2(struct ts_conn *c, const uint8_t *info, size_t len)
{
	const uint8_t	*d, *peer, *ntr;
	uint8_t		 code, id, want[MSCHAP_NT_RESPONSE_LEN];
	char		 name[256], msg[128], hex[2 * MSCHAP2_CHALLENGE_LEN + 1];
	char		 authresp[MSCHAP2_AUTHRESP_LEN + 1];
	size_t		 n, nl;

	if (cp_decode(info, len, &code, &id, &d, &n) != 0 ||
	    code != CHAP_RESPONSE)
		return;
	if (c->auth_ok || id != c->chap_id || n < 1 + MSCHAP_RESPONSE_LEN ||
	    d[0] != MSCHAP_RESPONSE_LEN) {
		ts_log(c, "auth bad mschap2 response");
		return;
	}
	peer = d + 1;
	ntr = d + 1 + 16 + 8;
	nl = n - 1 - MSCHAP_RESPONSE_LEN;
	if (nl >= sizeof name)
		nl = sizeof name - 1;
	memcpy(name, d + 1 + MSCHAP_RESPONSE_LEN, nl);
	name[nl] = '\0';
	mschap2_nt_response(c->chap_chal, peer, name, opt.password, want);
	if (strcmp(name, opt.user) != 0 ||
	    memcmp(want, ntr, sizeof want) != 0) {
		ts_hex(hex, c->chap_chal, sizeof c->chap_chal);
		snprintf(msg, sizeof msg,
		    "E=691 R=0 C=%s V=3 M=Authentication failure", hex);
		ts_cp_send(c, PPP_PROTO_CHAP, CHAP_FAILURE, id,
		    (const uint8_t *)msg, strlen(msg));
		ts_log(c, "auth fail mschap2 user=%s", name);
		return;
	}
	mschap2_authenticator_response(opt.password, ntr, peer, c->chap_chal,
	    name, authresp);
	if (opt.mode == M_BAD_AUTHENTICATOR)
		authresp[2] = authresp[2] == 'A' ? 'B' : 'A';
	snprintf(msg, sizeof msg, "%s M=Access granted", authresp);
	ts_cp_send(c, PPP_PROTO_CHAP, CHAP_SUCCESS, id, (const uint8_t *)msg,
	    strlen(msg));

	ts_mschap2_hlak(opt.password, ntr, c->hlak);
	ts_log(c, "auth ok mschap2 user=%s%s", name,
	    opt.mode == M_BAD_AUTHENTICATOR ? " (wrong authenticator sent)" :
	    "");
	ts_auth_done(c);
}

static void
ts_pap(struct ts_conn *c, const uint8_t *info, size_t len)
{
	const uint8_t	*d;
	uint8_t		 code, id, ul, pl;
	size_t		 n;
	char		 user[256], pass[256];
	int		 ok;

	if (cp_decode(info, len, &code, &id, &d, &n) != 0 ||
	    code != PAP_AUTH_REQ || n < 1)
		return;
	ul = d[0];
	if (n < 2u + ul || n < 2u + ul + d[1 + ul]) {
		ts_log(c, "auth bad pap request");
		return;
	}
	pl = d[1 + ul];
	memcpy(user, d + 1, ul);
	user[ul] = '\0';
	memcpy(pass, d + 2 + ul, pl);
	pass[pl] = '\0';
	ok = strcmp(user, opt.user) == 0 && strcmp(pass, opt.password) == 0;
	explicit_bzero(pass, sizeof pass);
	ts_cp_send(c, PPP_PROTO_PAP, ok ? PAP_AUTH_ACK : PAP_AUTH_NAK, id,
	    (const uint8_t *)"\0", 1);
	if (!ok) {
		ts_log(c, "auth fail pap user=%s", user);
		return;
	}
	ts_log(c, "auth ok pap user=%s", user);
	memset(c->hlak, 0, sizeof c->hlak);
	ts_auth_done(c);
}

/* Our IPCP Configure-Request; again: a retransmission (same id). */
static void
ts_ipcp_send_req(struct ts_conn *c, int again)
{
	uint8_t	o[6];

	o[0] = IPCP_OPT_ADDR;
	o[1] = 6;
	memcpy(o + 2, &opt.local, 4);
	if (!again)
		c->ipcp_id++;
	ts_cp_send(c, PPP_PROTO_IPCP, CP_CONFREQ, c->ipcp_id, o, sizeof o);
}

/*
 * The restart timer (RFC 1661 4.6, RFC 1994 4.1): resend whatever request
 * of ours is unanswered.  Real servers do; a client that drops the first
 * frames (say, before its PPP engine runs) must still get through.
 */
static void
ts_restart_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ts_conn	*c = arg;
	const char	*what = NULL;

	if (c->closed || c->quiet || c->restarts >= TS_MAX_RESTARTS)
		return;
	if (!c->lcp_ours_acked) {
		ts_lcp_send_req(c, 1);
		what = "lcp configure-request";
	} else if (c->lcp_open && !c->auth_ok &&
	    c->auth_proto == PPP_PROTO_CHAP) {
		ts_chap_challenge(c, 1);
		what = "mschap2 challenge";
	} else if (c->connected && !c->ipcp_ours_acked) {
		ts_ipcp_send_req(c, 1);
		what = "ipcp configure-request";
	}
	if (what != NULL) {
		c->restarts++;
		ts_log(c, "retransmit %s", what);
	}
}

static void ts_after_up(struct ts_conn *);

static void
ts_ipcp_confreq(struct ts_conn *c, uint8_t id, const uint8_t *d, size_t n)
{
	struct cp_opt_iter	 it;
	const uint8_t		*v;
	uint8_t			 type, rej[SSTP_MAX_DATA], nak[SSTP_MAX_DATA];
	size_t			 vlen, nrej = 0, nnak = 0;
	const struct in_addr	*want;

	cp_opt_begin(&it, d, n);
	while (cp_opt_next(&it, &type, &v, &vlen) == 1) {
		want = NULL;
		if (type == IPCP_OPT_ADDR && vlen == 4)
			want = &opt.peer;
		else if ((type == IPCP_OPT_DNS1 || type == IPCP_OPT_DNS2) &&
		    vlen == 4 && opt.have_dns)
			want = &opt.dns;
		if (want == NULL) {
			rej[nrej++] = type;
			rej[nrej++] = (uint8_t)(vlen + 2);
			memcpy(rej + nrej, v, vlen);
			nrej += vlen;
		} else if (memcmp(v, want, 4) != 0) {
			nak[nnak++] = type;
			nak[nnak++] = 6;
			memcpy(nak + nnak, want, 4);
			nnak += 4;
		}
	}
	if (nrej > 0)
		ts_cp_send(c, PPP_PROTO_IPCP, CP_CONFREJ, id, rej, nrej);
	else if (nnak > 0)
		ts_cp_send(c, PPP_PROTO_IPCP, CP_CONFNAK, id, nak, nnak);
	else {
		ts_cp_send(c, PPP_PROTO_IPCP, CP_CONFACK, id, d, n);
		c->ipcp_theirs_acked = 1;
	}
}

static void
ts_ipcp(struct ts_conn *c, const uint8_t *info, size_t len)
{
	const uint8_t	*d;
	uint8_t		 code, id;
	size_t		 n;
	char		 a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (cp_decode(info, len, &code, &id, &d, &n) != 0)
		return;
	switch (code) {
	case CP_CONFREQ:
		ts_ipcp_confreq(c, id, d, n);
		break;
	case CP_CONFACK:
		if (id == c->ipcp_id)
			c->ipcp_ours_acked = 1;
		break;
	case CP_CONFNAK:
	case CP_CONFREJ:
		ts_ipcp_send_req(c, 0);
		break;
	case CP_TERMREQ:
		ts_cp_send(c, PPP_PROTO_IPCP, CP_TERMACK, id, NULL, 0);
		return;
	default:
		return;
	}
	if (!c->ipcp_up && c->ipcp_ours_acked && c->ipcp_theirs_acked) {
		c->ipcp_up = 1;
		inet_ntop(AF_INET, &opt.local, a, sizeof a);
		inet_ntop(AF_INET, &opt.peer, b, sizeof b);
		ts_log(c, "ipcp up local=%s peer=%s", a, b);
		ts_after_up(c);
	}
}

static uint16_t
ts_csum(const uint8_t *p, size_t n)
{
	uint32_t	s = 0;

	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (n == 1)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Answer ICMP echo requests to our address, so tests can ping through. */
static void
ts_ip(struct ts_conn *c, const uint8_t *info, size_t len)
{
	uint8_t		pkt[SSTP_MAX_DATA];
	size_t		hl;
	uint16_t	sum;

	c->ip_in++;
	if (c->quiet || len < 20 || len > sizeof pkt || (info[0] >> 4) != 4)
		return;
	hl = (size_t)(info[0] & 0x0f) * 4;
	if (hl < 20 || len < hl + 8 || info[9] != 1 || info[hl] != 8 ||
	    memcmp(info + 16, &opt.local, 4) != 0)
		return;
	memcpy(pkt, info, len);
	memcpy(pkt + 12, info + 16, 4);
	memcpy(pkt + 16, info + 12, 4);
	pkt[8] = 64;
	pkt[10] = pkt[11] = 0;
	sum = ts_csum(pkt, hl);
	pkt[10] = (uint8_t)(sum >> 8);
	pkt[11] = (uint8_t)sum;
	pkt[hl] = 0;			/* echo reply */
	pkt[hl + 2] = pkt[hl + 3] = 0;
	sum = ts_csum(pkt + hl, len - hl);
	pkt[hl + 2] = (uint8_t)(sum >> 8);
	pkt[hl + 3] = (uint8_t)sum;
	ts_ppp_send(c, PPP_PROTO_IP, pkt, len);
}

/* An IPv4/UDP packet from our address to the peer, payload of len bytes. */
static size_t
ts_udp_packet(uint8_t *p, size_t len)
{
	size_t		tot = 28 + len;
	uint16_t	sum;

	memset(p, 0, 28);
	p[0] = 0x45;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, &opt.local, 4);
	memcpy(p + 16, &opt.peer, 4);
	sum = ts_csum(p, 20);
	p[10] = (uint8_t)(sum >> 8);
	p[11] = (uint8_t)sum;
	p[20] = 0x9c;			/* ports 40000 -> 9 (discard) */
	p[21] = 0x40;
	p[23] = 9;
	p[24] = (uint8_t)((len + 8) >> 8);
	p[25] = (uint8_t)(len + 8);
	memset(p + 28, 0xa5, len);
	return tot;
}

/* What the hostile modes do once the tunnel is up. */
static void
ts_after_up(struct ts_conn *c)
{
	uint8_t		pkt[SSTP_MAX_PACKET];
	unsigned int	i;
	size_t		n;

	switch (opt.mode) {
	case M_DISCONNECT:
		ts_sstp_status(c, SSTP_MSG_CALL_DISCONNECT, SSTP_ATTR_NO_ERROR,
		    opt.status);
		ts_log(c, "disconnect sent status=%u", opt.status);
		break;
	case M_LCP_TERMINATE:
		ts_cp_send(c, PPP_PROTO_LCP, CP_TERMREQ, ++c->lcp_id,
		    (const uint8_t *)"admin", 5);
		ts_log(c, "lcp terminate sent");
		break;
	case M_ABORT_LATE:
		ts_sstp_abort(c, SSTP_ATTR_NO_ERROR, opt.status);
		ts_close(c, "abort-late");
		break;
	case M_NO_ECHO:
		c->quiet = 1;
		ts_log(c, "no-echo: answering nothing from now on");
		break;
	case M_BIG_FRAME:
		/* The largest SSTP packet: a 4091-byte frame, far over the MRU. */
		n = ts_udp_packet(pkt, SSTP_MAX_DATA - PPP_FRAME_HDR - 28);
		ts_ppp_send(c, PPP_PROTO_IP, pkt, n);
		/* An LCP echo request claiming 4000 bytes it does not have. */
		memcpy(pkt, "\x09\x01\x0f\xa0\0\0\0\0", 8);
		ts_ppp_send(c, PPP_PROTO_LCP, pkt, 8);
		ts_log(c, "big-frame sent 2");
		break;
	case M_SHORT_FRAME:
		/* Data packets with 0, 1, 2 and 3 bytes of PPP frame. */
		for (i = 0; i < 4; i++) {
			sstp_msg_data_header(pkt, i);
			memcpy(pkt + SSTP_HDR_LEN, "\xff\x03\xc0", i);
			ts_write(c, pkt, SSTP_HDR_LEN + i);
		}
		/* IPCP with a length field below its header, a 2-byte IPv4 packet. */
		ts_ppp_send(c, PPP_PROTO_IPCP, (const uint8_t *)"\x01\x07\x00\x02", 4);
		ts_ppp_send(c, PPP_PROTO_IP, (const uint8_t *)"\x45\x00", 2);
		ts_log(c, "short-frame sent 6");
		break;
	case M_FLOOD:
		n = ts_udp_packet(pkt, 1200);
		for (i = 0; i < opt.count && !c->closed; i++) {
			ts_ppp_send(c, PPP_PROTO_IP, pkt, n);
			if (i % 64 == 0)
				ts_sstp_simple(c, SSTP_MSG_ECHO_REQUEST);
		}
		ts_log(c, "flood sent %u", i);
		break;
	default:
		break;
	}
}

static void
ts_ppp(struct ts_conn *c, const uint8_t *frame, size_t len)
{
	const uint8_t	*info;
	uint16_t	 proto;
	size_t		 n;
	uint8_t		 rej[SSTP_MAX_DATA];

	if (ppp_frame_decode(frame, len, &proto, &info, &n) != 0) {
		ts_log(c, "ppp bad frame len=%zu", len);
		return;
	}
	if (!c->connected && (proto == PPP_PROTO_IPCP ||
	    proto == PPP_PROTO_IPV6CP || proto == PPP_PROTO_IP ||
	    proto == PPP_PROTO_IPV6 || proto == PPP_PROTO_CCP)) {
		/* MS-SSTP 3.3.5.2: no network layer before Call Connected. */
		ts_log(c, "binding late: protocol 0x%04x before call connected",
		    proto);
		ts_sstp_abort(c, SSTP_ATTR_NO_ERROR,
		    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
		ts_close(c, "network layer before call connected");
		return;
	}
	switch (proto) {
	case PPP_PROTO_LCP:
		ts_lcp(c, info, n);
		break;
	case PPP_PROTO_CHAP:
		ts_mschap2(c, info, n);
		break;
	case PPP_PROTO_PAP:
		ts_pap(c, info, n);
		break;
	case PPP_PROTO_IPCP:
		ts_ipcp(c, info, n);
		break;
	case PPP_PROTO_IP:
		ts_ip(c, info, n);
		break;
	default:
		/* RFC 1661 5.7: Protocol-Reject with the protocol and data. */
		if (n > 1400)
			n = 1400;
		rej[0] = (uint8_t)(proto >> 8);
		rej[1] = (uint8_t)proto;
		memcpy(rej + 2, info, n);
		ts_cp_send(c, PPP_PROTO_LCP, LCP_PROTREJ, ++c->lcp_id, rej,
		    n + 2);
		break;
	}
}

/* ---- the SSTP call */

static void
ts_send_ack(struct ts_conn *c)
{
	uint8_t		mem[64];
	struct sstp_buf	b;
	int		n;

	gnutls_rnd(GNUTLS_RND_NONCE, c->nonce, sizeof c->nonce);
	sstp_buf_init(&b, mem, sizeof mem);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_ACK);
	sstp_msg_put_binding_req(&b, opt.hash_mask, c->nonce);
	if ((n = sstp_msg_end(&b)) > 0)
		ts_write(c, mem, (size_t)n);
	c->acked = 1;
	ts_log(c, "ack sent hash=%s",
	    opt.hash_mask == SSTP_HASH_BITMASK_SHA1 ? "sha1" :
	    opt.hash_mask == SSTP_HASH_BITMASK_SHA256 ? "sha256" : "sha1,sha256");
}

static void
ts_connect_request(struct ts_conn *c)
{
	static const uint8_t	 bad_version[] = { 0x20, 0x00, 0x00, 0x08,
	    0xff, 0x03, 0xc0, 0x21 };
	static const uint8_t	 bad_length[] = { 0x10, 0x00, 0x00, 0x02 };
	uint8_t			 mem[64], proto[2] = { 0, 1 };
	struct sstp_buf		 b;
	struct timeval		 tv = { opt.timeout_s, 0 };
	struct timeval		 rtv = { TS_RESTART_S, 0 };
	int			 n;

	ts_log(c, "connect request");
	if (opt.mode == M_NO_ACK) {
		ts_log(c, "no-ack: not answering");
		return;
	}
	if (opt.mode == M_NAK) {
		sstp_buf_init(&b, mem, sizeof mem);
		sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_NAK);
		sstp_msg_put_status(&b, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
		    SSTP_STATUS_VALUE_NOT_SUPPORTED, proto, sizeof proto);
		if ((n = sstp_msg_end(&b)) > 0)
			ts_write(c, mem, (size_t)n);
		ts_log(c, "nak sent");
		return;
	}
	if (c->acked) {
		ts_log(c, "connect request again after the ack");
		ts_sstp_abort(c, SSTP_ATTR_NO_ERROR,
		    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
		ts_close(c, "second connect request");
		return;
	}
	ts_send_ack(c);
	switch (opt.mode) {
	case M_BAD_VERSION:
		ts_write(c, bad_version, sizeof bad_version);
		ts_log(c, "bad-version sent");
		return;
	case M_BAD_LENGTH:
		ts_write(c, bad_length, sizeof bad_length);
		ts_log(c, "bad-length sent");
		return;
	case M_BAD_MESSAGE:
		/* MS-SSTP 2.2.6: Crypto Binding Request is 40 bytes, not 39. */
		sstp_buf_init(&b, mem, sizeof mem);
		sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_ACK);
		sstp_buf_put8(&b, 0);
		sstp_buf_put8(&b, SSTP_ATTR_CRYPTO_BINDING_REQ);
		sstp_buf_put16(&b, SSTP_ATTR_BINDING_REQ_LEN - 1);
		sstp_buf_zero(&b, SSTP_ATTR_BINDING_REQ_LEN - 1 - 4);
		b.nattrs = 1;
		if ((n = sstp_msg_end(&b)) > 0)
			ts_write(c, mem, (size_t)n);
		ts_log(c, "bad-message sent");
		return;
	case M_ABORT:
		ts_sstp_abort(c, SSTP_ATTR_NO_ERROR, opt.status);
		ts_close(c, "abort");
		return;
	default:
		break;
	}
	evtimer_add(c->timer, &tv);
	c->auth_proto = opt.auth == -1 ? PPP_PROTO_CHAP : opt.auth;
	gnutls_rnd(GNUTLS_RND_NONCE, &c->magic, sizeof c->magic);
	ts_lcp_send_req(c, 0);
	evtimer_add(c->restart, &rtv);
}

static void
ts_call_connected(struct ts_conn *c, const uint8_t *pkt, size_t len,
    const struct sstp_msg *m)
{
	const char	*why;
	int		 proto;

	if (!c->acked || c->connected) {
		ts_log(c, "binding bad unexpected call connected");
		ts_sstp_abort(c, SSTP_ATTR_NO_ERROR,
		    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
		ts_close(c, "unexpected call connected");
		return;
	}
	if (!c->auth_ok) {
		ts_log(c, "binding early: call connected before authentication");
		ts_sstp_abort(c, SSTP_ATTR_CRYPTO_BINDING,
		    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
		ts_close(c, "call connected before authentication");
		return;
	}
	if ((why = ts_binding_check(c, pkt, len, m, &proto)) != NULL) {
		ts_log(c, "binding bad %s (hash protocol %d)", why, proto);
		ts_sstp_abort(c, SSTP_ATTR_CRYPTO_BINDING,
		    SSTP_STATUS_VALUE_NOT_SUPPORTED);
		ts_close(c, "bad crypto binding");
		return;
	}
	c->connected = 1;
	evtimer_del(c->timer);
	ts_log(c, "binding ok %s", proto == SSTP_HASH_PROTO_SHA1 ? "sha1" :
	    "sha256");
	ts_ipcp_send_req(c, 0);
}

static void
ts_sstp_packet(struct ts_conn *c, const uint8_t *pkt, size_t len)
{
	struct sstp_msg			m;
	const struct sstp_attr		*a;
	int				r;

	r = sstp_msg_decode(pkt, len, &m);
	if (r == -EPROTO) {
		ts_log(c, "stream bad: %s", m.error);
		ts_close(c, "bad stream");
		return;
	}
	if (r != 0) {
		ts_log(c, "message bad: %s", m.error);
		ts_sstp_abort(c, m.bad_attr, m.status);
		ts_close(c, "bad message");
		return;
	}
	if (!m.control) {
		if (!c->acked) {
			ts_log(c, "data before the ack");
			ts_sstp_abort(c, SSTP_ATTR_NO_ERROR,
			    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
			ts_close(c, "data before the ack");
			return;
		}
		ts_ppp(c, m.data, m.data_len);
		return;
	}
	switch (m.type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		ts_connect_request(c);
		break;
	case SSTP_MSG_CALL_CONNECTED:
		ts_call_connected(c, pkt, len, &m);
		break;
	case SSTP_MSG_ECHO_REQUEST:
		if (!c->quiet)
			ts_sstp_simple(c, SSTP_MSG_ECHO_RESPONSE);
		ts_log(c, "echo request%s", c->quiet ? " ignored" : "");
		break;
	case SSTP_MSG_ECHO_RESPONSE:
		break;
	case SSTP_MSG_CALL_DISCONNECT:
		ts_log(c, "call disconnect");
		ts_sstp_simple(c, SSTP_MSG_CALL_DISCONNECT_ACK);
		ts_close(c, "client disconnected");
		break;
	case SSTP_MSG_CALL_ABORT:
		a = sstp_msg_find(&m, SSTP_ATTR_STATUS_INFO);
		ts_log(c, "call abort status=%u",
		    a != NULL ? a->u.status.status : 0);
		ts_close(c, "client aborted");
		break;
	case SSTP_MSG_CALL_DISCONNECT_ACK:
		ts_log(c, "disconnect ack");
		ts_close(c, "disconnect acked");
		break;
	default:
		ts_log(c, "message %s unexpected", sstp_msg_type_name(m.type));
		ts_sstp_abort(c, SSTP_ATTR_NO_ERROR,
		    SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
		ts_close(c, "unexpected message");
		break;
	}
}

/* ---- HTTP */

static void
ts_http(struct ts_conn *c)
{
	static const char	 ok[] = "HTTP/1.1 200\r\n"
	    "Content-Length: 18446744073709551615\r\n"
	    "Server: " TS_SERVER_NAME "\r\n\r\n";
	static const char	 r403[] = "HTTP/1.1 403 Forbidden\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	static const char	 r500[] = "HTTP/1.1 500 Internal Server Error\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	static const char	 junk[] = "\x01\x7f\xfe garbage \x00\x02\r\n\r\n";
	static const char	 r400[] = "HTTP/1.1 400 Bad Request\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	uint8_t			*end;
	size_t			 hlen;
	char			 line[256], *eol;

	end = memmem(c->in, c->inlen, "\r\n\r\n", 4);
	if (end == NULL) {
		if (c->inlen >= TS_HTTP_MAX) {
			ts_log(c, "http bad request: too long");
			ts_close(c, "http too long");
		}
		return;
	}
	hlen = (size_t)(end - c->in) + 4;
	snprintf(line, sizeof line, "%.*s", (int)(hlen - 4), (char *)c->in);
	if ((eol = strstr(line, "\r\n")) != NULL)
		*eol = '\0';
	if (strcmp(line, "SSTP_DUPLEX_POST " TS_SSTP_URI " HTTP/1.1") != 0 ||
	    memmem(c->in, hlen, "\r\nSSTPCORRELATIONID: {", 22) == NULL ||
	    memmem(c->in, hlen,
	    "\r\nContent-Length: 18446744073709551615\r\n", 40) == NULL) {
		ts_log(c, "http bad request: %s", line);
		ts_write(c, r400, sizeof r400 - 1);
		ts_close(c, "bad http request");
		return;
	}
	ts_log(c, "http ok");
	memmove(c->in, c->in + hlen, c->inlen - hlen);
	c->inlen -= hlen;
	c->http_done = 1;
	switch (opt.mode) {
	case M_HTTP403:
		ts_write(c, r403, sizeof r403 - 1);
		ts_close(c, "http403");
		return;
	case M_HTTP500:
		ts_write(c, r500, sizeof r500 - 1);
		ts_close(c, "http500");
		return;
	case M_HTTP_GARBAGE:
		ts_write(c, junk, sizeof junk - 1);
		ts_close(c, "http-garbage");
		return;
	case M_SILENT:
		ts_log(c, "silent: not answering");
		return;
	default:
		ts_write(c, ok, sizeof ok - 1);
		break;
	}
}

static void
ts_input(struct ts_conn *c)
{
	char	err[128];
	size_t	plen;
	int	r;

	if (!c->http_done) {
		ts_http(c);
		if (!c->http_done || opt.mode == M_SILENT)
			return;
	}
	if (opt.mode == M_SILENT) {
		c->inlen = 0;
		return;
	}
	while (!c->closed && c->inlen > 0) {
		r = sstp_msg_frame(c->in, c->inlen, &plen, err, sizeof err);
		if (r < 0) {
			ts_log(c, "stream bad: %s", err);
			ts_close(c, "bad stream");
			return;
		}
		if (r == 0)
			return;
		ts_sstp_packet(c, c->in, plen);
		if (c->closed)
			return;
		memmove(c->in, c->in + plen, c->inlen - plen);
		c->inlen -= plen;
	}
}

static void
ts_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ts_conn	*c = arg;
	ssize_t		 n;

	do {
		if (c->inlen == sizeof c->in) {
			ts_close(c, "input buffer full");
			break;
		}
		n = gnutls_record_recv(c->tls, c->in + c->inlen,
		    sizeof c->in - c->inlen);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			break;
		if (n <= 0) {
			ts_close(c, n == 0 ? "eof" : gnutls_strerror((int)n));
			break;
		}
		c->inlen += (size_t)n;
		ts_input(c);
	} while (!c->closed && gnutls_record_check_pending(c->tls) > 0);
}

static void
ts_free_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ts_conn	*c = arg;

	event_free(c->rev);
	event_free(c->timer);
	event_free(c->restart);
	gnutls_deinit(c->tls);
	free(c);
}

/* Close now; the memory goes once the current callback has returned. */
static void
ts_close(struct ts_conn *c, const char *why)
{
	struct timeval	zero = { 0, 0 };

	if (c->closed)
		return;
	c->closed = 1;
	ts_log(c, "closed why=%s", why);
	event_del(c->rev);
	evtimer_del(c->timer);
	event_del(c->restart);
	gnutls_bye(c->tls, GNUTLS_SHUT_WR);
	close(c->fd);
	event_base_once(ts.base, -1, EV_TIMEOUT, ts_free_cb, c, &zero);
}

static void
ts_accept_cb(evutil_socket_t lfd, short ev, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	struct timeval		 tv = { TS_IO_TIMEOUT_S, 0 };
	struct ts_conn		*c;
	char			 host[NI_MAXHOST], serv[NI_MAXSERV];
	int			 fd, r;

	if ((fd = accept(lfd, (struct sockaddr *)&ss, &sl)) < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if ((c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		return;
	}
	c->id = ++ts.nconn;
	c->fd = fd;
	if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv,
	    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		strcpy(host, "?");
	ts_log(c, "accept from %s", host);
	gnutls_init(&c->tls, GNUTLS_SERVER);
	gnutls_set_default_priority(c->tls);
	gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, ts.cred);
	gnutls_transport_set_int(c->tls, fd);
	gnutls_handshake_set_timeout(c->tls, TS_IO_TIMEOUT_S * 1000);
	do {
		r = gnutls_handshake(c->tls);
	} while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0) {
		ts_log(c, "tls failed: %s", gnutls_strerror(r));
		gnutls_deinit(c->tls);
		close(fd);
		free(c);
		return;
	}
	ts_log(c, "tls ok %s", gnutls_protocol_get_name(
	    gnutls_protocol_get_version(c->tls)));
	if (opt.mode == M_CLOSE_AFTER_TLS) {
		ts_log(c, "closed why=close-after-tls");
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
		gnutls_deinit(c->tls);
		close(fd);
		free(c);
		return;
	}
	c->rev = event_new(ts.base, fd, EV_READ | EV_PERSIST, ts_read_cb, c);
	c->timer = evtimer_new(ts.base, ts_timeout_cb, c);
	c->restart = event_new(ts.base, -1, EV_PERSIST, ts_restart_cb, c);
	event_add(c->rev, NULL);
}

/* ---- setup */

static int
ts_load_cert(void)
{
	gnutls_x509_crt_t	crt;
	gnutls_datum_t		pem, der;
	size_t			n;
	int			r;

	r = gnutls_certificate_allocate_credentials(&ts.cred);
	if (r == 0)
		r = gnutls_certificate_set_x509_key_file(ts.cred, opt.cert,
		    opt.key, GNUTLS_X509_FMT_PEM);
	if (r < 0) {
		fprintf(stderr, "sstp-testserver: %s: %s\n", opt.cert,
		    gnutls_strerror(r));
		return -1;
	}
	if ((r = gnutls_load_file(opt.cert, &pem)) < 0 ||
	    (r = gnutls_x509_crt_init(&crt)) < 0)
		return -1;
	r = gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM);
	gnutls_free(pem.data);
	if (r < 0 || gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER,
	    &der) < 0) {
		fprintf(stderr, "sstp-testserver: %s: not a certificate\n",
		    opt.cert);
		return -1;
	}
	n = sizeof ts.cert_sha1;
	gnutls_hash_fast(GNUTLS_DIG_SHA1, der.data, der.size, ts.cert_sha1);
	gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, ts.cert_sha256);
	(void)n;
	gnutls_free(der.data);
	gnutls_x509_crt_deinit(crt);
	return 0;
}

static int
ts_listen(const char *spec)
{
	struct addrinfo	 hints, *ai;
	char		 host[256], *port;
	int		 fd, one = 1;

	snprintf(host, sizeof host, "%s", spec);
	if ((port = strrchr(host, ':')) == NULL)
		return -1;
	*port++ = '\0';
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
		    listen(fd, 16) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

static void
ts_signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	ts_log(NULL, "exiting on signal %d", (int)sig);
	event_base_loopbreak(ts.base);
}

#ifndef TS_NO_MAIN
static void
usage(void)
{
	int	i;

	fprintf(stderr, "usage: sstp-testserver --listen ADDR:PORT --cert PEM "
	    "--key PEM [--user U --password P]\n"
	    "    [--auth mschap2|pap|none|any] [--hash sha256|sha1|both]\n"
	    "    [--mode MODE] [--status N] [--timeout SECONDS] [--count N]\n"
	    "    [--local-ip A] [--peer-ip B] [--dns C]\nmodes:");
	for (i = 0; ts_mode_names[i] != NULL; i++)
		fprintf(stderr, " %s", ts_mode_names[i]);
	fprintf(stderr, "\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "auth", required_argument, NULL, 'a' },
		{ "hash", required_argument, NULL, 'H' },
		{ "mode", required_argument, NULL, 'm' },
		{ "status", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "local-ip", required_argument, NULL, 'L' },
		{ "peer-ip", required_argument, NULL, 'P' },
		{ "dns", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct event	*lev, *sev1, *sev2;
	int		 ch, i, lfd;

	opt.user = "sstp-test";
	opt.password = "123";
	opt.auth = -1;
	opt.hash_mask = SSTP_HASH_BITMASK_SHA256;
	opt.status = SSTP_STATUS_VALUE_NOT_SUPPORTED;
	opt.timeout_s = 60;
	opt.count = 20000;
	inet_pton(AF_INET, "172.31.255.1", &opt.local);
	inet_pton(AF_INET, "172.31.255.2", &opt.peer);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': opt.listen = optarg; break;
		case 'c': opt.cert = optarg; break;
		case 'k': opt.key = optarg; break;
		case 'u': opt.user = optarg; break;
		case 'p': opt.password = optarg; break;
		case 'a':
			if (strcmp(optarg, "mschap2") == 0)
				opt.auth = PPP_PROTO_CHAP;
			else if (strcmp(optarg, "pap") == 0)
				opt.auth = PPP_PROTO_PAP;
			else if (strcmp(optarg, "none") == 0)
				opt.auth = 0;
			else if (strcmp(optarg, "any") == 0)
				opt.auth = -1;
			else
				usage();
			break;
		case 'H':
			if (strcmp(optarg, "sha256") == 0)
				opt.hash_mask = SSTP_HASH_BITMASK_SHA256;
			else if (strcmp(optarg, "sha1") == 0)
				opt.hash_mask = SSTP_HASH_BITMASK_SHA1;
			else if (strcmp(optarg, "both") == 0)
				opt.hash_mask = SSTP_HASH_BITMASK_SHA1 |
				    SSTP_HASH_BITMASK_SHA256;
			else
				usage();
			break;
		case 'm':
			for (i = 0; ts_mode_names[i] != NULL; i++)
				if (strcmp(optarg, ts_mode_names[i]) == 0)
					break;
			if (ts_mode_names[i] == NULL)
				usage();
			opt.mode = (enum ts_mode)i;
			break;
		case 's': opt.status = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 't': opt.timeout_s = (unsigned int)atoi(optarg); break;
		case 'n': opt.count = (unsigned int)atoi(optarg); break;
		case 'L':
			if (inet_pton(AF_INET, optarg, &opt.local) != 1)
				usage();
			break;
		case 'P':
			if (inet_pton(AF_INET, optarg, &opt.peer) != 1)
				usage();
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &opt.dns) != 1)
				usage();
			opt.have_dns = 1;
			break;
		default:
			usage();
		}
	}
	if (opt.listen == NULL || opt.cert == NULL || opt.key == NULL ||
	    optind != argc || opt.timeout_s == 0)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (ts_load_cert() != 0)
		return 1;
	if ((lfd = ts_listen(opt.listen)) < 0) {
		fprintf(stderr, "sstp-testserver: cannot listen on %s: %s\n",
		    opt.listen, strerror(errno));
		return 1;
	}
	ts.base = event_base_new();
	lev = event_new(ts.base, lfd, EV_READ | EV_PERSIST, ts_accept_cb, NULL);
	sev1 = evsignal_new(ts.base, SIGTERM, ts_signal_cb, NULL);
	sev2 = evsignal_new(ts.base, SIGINT, ts_signal_cb, NULL);
	event_add(lev, NULL);
	event_add(sev1, NULL);
	event_add(sev2, NULL);
	ts_log(NULL, "listening on %s mode=%s hash=%s", opt.listen,
	    ts_mode_names[opt.mode],
	    opt.hash_mask == SSTP_HASH_BITMASK_SHA1 ? "sha1" :
	    opt.hash_mask == SSTP_HASH_BITMASK_SHA256 ? "sha256" : "both");
	event_base_dispatch(ts.base);
	event_free(lev);
	event_free(sev1);
	event_free(sev2);
	event_base_free(ts.base);
	gnutls_certificate_free_credentials(ts.cred);
	close(lfd);
	return 0;
}
#endif /* TS_NO_MAIN */

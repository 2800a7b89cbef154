/* auth.c - PPP authentication as the client: method choice, dispatch, and what the methods share. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth_priv.h"
#include "log.h"
#include "ppp.h"

/*
 * What 'mask' 0 means: every method but EAP.  RouterOS's sstp-client offers
 * pap, chap, mschap1 and mschap2; and a server that opens with EAP often
 * speaks only EAP-TLS there (SoftEther), which would end the call where a
 * Configure-Nak would have led it on to MS-CHAPv2.  EAP must be asked for.
 */
#define AUTH_DEFAULT_MASK (PPP_AUTH_ALL & ~PPP_AUTH_EAP)

/* Strongest first: the order auth_pick proposes methods in. */
static const struct {
	unsigned int	 bit;
	uint16_t	 proto;
	uint8_t		 alg;
} auth_order[] = {
	{ PPP_AUTH_MSCHAP2, PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2 },
	{ PPP_AUTH_EAP, PPP_PROTO_EAP, 0 },
	{ PPP_AUTH_MSCHAP1, PPP_PROTO_CHAP, CHAP_ALG_MSCHAP1 },
	{ PPP_AUTH_CHAP, PPP_PROTO_CHAP, CHAP_ALG_MD5 },
	{ PPP_AUTH_PAP, PPP_PROTO_PAP, 0 },
};
#define AUTH_NORDER (sizeof auth_order / sizeof auth_order[0])

/* MS-CHAP failure codes (RFC 2433 6, RFC 2759 6). */
static const struct {
	unsigned int	 code;
	const char	*text;
} auth_mschap_errors[] = {
	{ 646, "logon not allowed at this time of day" },
	{ 647, "account disabled" },
	{ 648, "password expired" },
	{ 649, "no dial-in permission" },
	{ 691, "bad user name or password" },
	{ 709, "error changing password" },
};

static unsigned int
auth_bit(uint16_t proto, uint8_t alg)
{
	size_t i;

	for (i = 0; i < AUTH_NORDER; i++) {
		if (auth_order[i].proto == proto &&
		    (proto != PPP_PROTO_CHAP || auth_order[i].alg == alg))
			return auth_order[i].bit;
	}
	return 0;
}

int
auth_allowed(uint16_t proto, uint8_t alg, unsigned int mask)
{
	if (mask == 0)
		mask = AUTH_DEFAULT_MASK;
	return (auth_bit(proto, alg) & mask) != 0;
}

uint16_t
auth_pick(unsigned int mask, unsigned int tried, uint8_t *alg)
{
	size_t i;

	if (mask == 0)
		mask = AUTH_DEFAULT_MASK;
	for (i = 0; i < AUTH_NORDER; i++) {
		if ((mask & auth_order[i].bit) && !(tried & auth_order[i].bit)) {
			if (alg != NULL)
				*alg = auth_order[i].alg;
			return auth_order[i].proto;
		}
	}
	if (alg != NULL)
		*alg = 0;
	return 0;
}

const char *
auth_method_name(uint16_t proto, uint8_t alg)
{
	switch (auth_bit(proto, alg)) {
	case PPP_AUTH_PAP:
		return "pap";
	case PPP_AUTH_CHAP:
		return "chap";
	case PPP_AUTH_MSCHAP1:
		return "mschap1";
	case PPP_AUTH_MSCHAP2:
		return "mschap2";
	case PPP_AUTH_EAP:
		return "eap-mschap2";
	}
	return "unknown";
}

static void
auth_wait_cb(void *arg)
{
	struct auth *a = arg;

	if (a->have_pkt)
		auth_fail(a, "authentication failed: no answer from the server"
		    " in %u s", a->wait_ms / 1000);
	else
		auth_fail(a, "authentication failed: the server sent no %s"
		    " challenge in %u s", a->proto == PPP_PROTO_EAP ? "EAP" :
		    "CHAP", a->wait_ms / 1000);
}

struct auth *
auth_new(uint16_t proto, uint8_t alg, const char *user, const char *password,
    const struct auth_callbacks *cb, void *arg)
{
	struct auth *a;

	if ((a = calloc(1, sizeof *a)) == NULL) {
		/* The contract says never NULL: there is no way on without it. */
		log_err("auth: out of memory");
		abort();
	}
	a->proto = proto;
	a->alg = alg;
	a->name = auth_method_name(proto, alg);
	snprintf(a->ifname, sizeof a->ifname, "ppp");
	if (user == NULL)
		user = "";
	if (password == NULL)
		password = "";
	if (strlen(user) > AUTH_MAX_USER || strlen(password) >
	    AUTH_MAX_PASSWORD ||
	    (proto == PPP_PROTO_PAP && strlen(password) > 255))
		a->too_long = 1;
	else {
		memcpy(a->user, user, strlen(user) + 1);
		memcpy(a->password, password, strlen(password) + 1);
	}
	a->cb = *cb;
	a->arg = arg;
	a->restart_ms = AUTH_PAP_RESTART_MS;
	a->max_requests = AUTH_PAP_MAX_REQUESTS;
	a->wait_ms = AUTH_WAIT_MS;
	a->id = 0;
	if (proto == PPP_PROTO_PAP)
		timer_init(&a->timer, pap_timer_cb, a);
	else
		timer_init(&a->timer, auth_wait_cb, a);
	return a;
}

void
auth_set_ifname(struct auth *a, const char *ifname)
{
	snprintf(a->ifname, sizeof a->ifname, "%s", ifname);
}

void
auth_set_timers(struct auth *a, unsigned int restart_ms,
    unsigned int max_requests, unsigned int wait_ms)
{
	if (restart_ms != 0)
		a->restart_ms = restart_ms;
	if (max_requests != 0)
		a->max_requests = max_requests;
	if (wait_ms != 0)
		a->wait_ms = wait_ms;
}

void
auth_set_random(struct auth *a, void (*fn)(uint8_t *, size_t))
{
	a->random_cb = fn;
}

void
auth_start(struct auth *a)
{
	if (a->state != AUTH_IDLE)
		return;
	a->state = AUTH_RUNNING;
	auth_log(a, LOG_LVL_INFO, "state=authenticating user=%s", a->user);
	if (a->too_long) {
		auth_fail(a, "authentication failed: user name or password too"
		    " long for %s", a->name);
		return;
	}
	switch (a->proto) {
	case PPP_PROTO_PAP:
		pap_start(a);
		break;
	case PPP_PROTO_CHAP:
	case PPP_PROTO_EAP:
		if (auth_bit(a->proto, a->alg) == 0) {
			auth_fail(a, "authentication failed: CHAP algorithm"
			    " 0x%02x is not supported", a->alg);
			return;
		}
		auth_wait(a);
		break;
	default:
		auth_fail(a, "authentication failed: protocol 0x%04x is not"
		    " supported", a->proto);
		break;
	}
}

void
auth_input(struct auth *a, uint16_t proto, const uint8_t *pkt, size_t len)
{
	if (proto != a->proto) {
		auth_log(a, LOG_LVL_DEBUG, "dropped packet for protocol 0x%04x",
		    proto);
		return;
	}
	if (a->state == AUTH_FAILED || a->too_long)
		return;
	/*
	 * A challenge may overtake our side's LCP Open; the server has
	 * already entered its authentication phase, so answer it.
	 */
	if (a->state == AUTH_IDLE) {
		if (proto == PPP_PROTO_PAP)
			return;
		auth_start(a);
		if (a->state != AUTH_RUNNING)
			return;
	}
	switch (proto) {
	case PPP_PROTO_PAP:
		pap_input(a, pkt, len);
		break;
	case PPP_PROTO_CHAP:
		chap_input(a, pkt, len);
		break;
	case PPP_PROTO_EAP:
		eap_input(a, pkt, len);
		break;
	}
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	timer_stop(&a->timer);
	explicit_bzero(a, sizeof *a);
	free(a);
}

void
auth_pkt_begin(struct auth_pkt *p, uint8_t *buf, size_t cap, uint8_t code,
    uint8_t id)
{
	p->buf = buf;
	p->cap = cap;
	p->len = 0;
	p->err = 0;
	auth_put8(p, code);
	auth_put8(p, id);
	auth_put16(p, 0);
}

void
auth_put(struct auth_pkt *p, const void *data, size_t len)
{
	if (p->err || len > p->cap - p->len) {
		p->err = 1;
		return;
	}
	memcpy(p->buf + p->len, data, len);
	p->len += len;
}

void
auth_put8(struct auth_pkt *p, uint8_t v)
{
	auth_put(p, &v, 1);
}

void
auth_put16(struct auth_pkt *p, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	auth_put(p, b, 2);
}

size_t
auth_pkt_end(struct auth_pkt *p)
{
	if (p->err || p->len < AUTH_HDR_LEN || p->len > 0xffff)
		return 0;
	p->buf[2] = (uint8_t)(p->len >> 8);
	p->buf[3] = (uint8_t)p->len;
	return p->len;
}

uint16_t
auth_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

int
auth_header(struct auth *a, const uint8_t *pkt, size_t len, size_t *plen)
{
	size_t n;

	if (len < AUTH_HDR_LEN) {
		auth_log(a, LOG_LVL_WARN, "dropped short packet len=%zu", len);
		return -1;
	}
	n = auth_get16(pkt + 2);
	if (n < AUTH_HDR_LEN || n > len) {
		auth_log(a, LOG_LVL_WARN, "dropped malformed packet code=%u"
		    " id=%u length=%zu received=%zu", pkt[0], pkt[1], n, len);
		return -1;
	}
	*plen = n;
	return 0;
}

void
auth_send(struct auth *a, const uint8_t *pkt, size_t len)
{
	a->cb.output_cb(a->arg, a->proto, pkt, len);
}

void
auth_send_cached(struct auth *a)
{
	auth_send(a, a->pkt, a->pkt_len);
}

int
auth_resend(struct auth *a, uint8_t id)
{
	if (!a->have_pkt || a->pkt_id != id)
		return 0;
	auth_log(a, LOG_LVL_DEBUG, "request id=%u repeated; response resent",
	    id);
	auth_send_cached(a);
	return 1;
}

int
auth_random(struct auth *a, uint8_t *buf, size_t len)
{
	ssize_t n;
	size_t done = 0;

	if (a->random_cb != NULL) {
		a->random_cb(buf, len);
		return 0;
	}
	while (done < len) {
		n = getrandom(buf + done, len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			auth_log(a, LOG_LVL_ERR, "getrandom: %s",
			    strerror(errno));
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

void
auth_wait(struct auth *a)
{
	timer_start(&a->timer, a->wait_ms);
}

void
auth_succeed(struct auth *a, const uint8_t *hlak)
{
	timer_stop(&a->timer);
	a->state = AUTH_OK;
	auth_log(a, LOG_LVL_INFO, "state=authenticated keys=%s",
	    hlak != NULL ? "yes" : "no");
	a->cb.done_cb(a->arg, 1, NULL, hlak);
}

void
auth_fail(struct auth *a, const char *fmt, ...)
{
	char reason[AUTH_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	timer_stop(&a->timer);
	a->state = AUTH_FAILED;
	/* The password is of no further use: do not keep it. */
	explicit_bzero(a->password, sizeof a->password);
	explicit_bzero(a->pkt, sizeof a->pkt);
	a->have_pkt = 0;
	auth_log(a, LOG_LVL_WARN, "state=failed reason=\"%s\"", reason);
	a->cb.done_cb(a->arg, 0, reason, NULL);
}

void
auth_log(struct auth *a, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	switch (level) {
	case LOG_LVL_ERR:
		log_err("%s: auth=%s %s", a->ifname, a->name, line);
		break;
	case LOG_LVL_WARN:
		log_warn("%s: auth=%s %s", a->ifname, a->name, line);
		break;
	case LOG_LVL_INFO:
		log_info("%s: auth=%s %s", a->ifname, a->name, line);
		break;
	default:
		log_debug("%s: auth=%s %s", a->ifname, a->name, line);
		break;
	}
}

void
auth_text(char *dst, size_t dstlen, const uint8_t *src, size_t len)
{
	size_t i;

	if (dstlen == 0)
		return;
	for (i = 0; i < len && i < dstlen - 1; i++) {
		if (src[i] == '\0')
			break;
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	}
	dst[i] = '\0';
}

/*
 * Find "X=" at the start of 'msg' or after a space; the value's offset, or
 * -1.  The fields are E, R, C, V and M, in that order (RFC 2759 6).
 */
static long
auth_mschap_field(const uint8_t *msg, size_t len, char field)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if ((i == 0 || msg[i - 1] == ' ') && msg[i] == field &&
		    msg[i + 1] == '=')
			return (long)(i + 2);
	}
	return -1;
}

void
auth_mschap_reason(char *dst, size_t dstlen, const uint8_t *msg, size_t len)
{
	char text[200];
	const char *meaning = NULL;
	unsigned int code = 0;
	long off;
	size_t i, n = 0;

	off = auth_mschap_field(msg, len, 'M');
	if (off >= 0)
		auth_text(text, sizeof text, msg + off, len - (size_t)off);
	else
		text[0] = '\0';

	off = auth_mschap_field(msg, len, 'E');
	if (off < 0) {
		/* Not the RFC 2759 shape: show what the server said. */
		auth_text(text, sizeof text, msg, len);
		snprintf(dst, dstlen, "authentication failed: %s refused%s%s",
		    "MS-CHAP", text[0] != '\0' ? ": " : "", text);
		return;
	}
	for (i = (size_t)off; i < len && msg[i] >= '0' && msg[i] <= '9' &&
	    n < 10; i++, n++)
		code = code * 10 + (unsigned int)(msg[i] - '0');
	for (i = 0; i < sizeof auth_mschap_errors /
	    sizeof auth_mschap_errors[0]; i++) {
		if (auth_mschap_errors[i].code == code)
			meaning = auth_mschap_errors[i].text;
	}
	snprintf(dst, dstlen, "authentication failed: E=%u (%s)%s%s", code,
	    meaning != NULL ? meaning : "unknown error",
	    text[0] != '\0' ? ": " : "", text);
}

int
auth_mschap2_response(struct auth *a,
    const uint8_t challenge[MSCHAP2_CHALLENGE_LEN],
    uint8_t value[MSCHAP_RESPONSE_LEN])
{
	if (auth_random(a, a->peer_chal, sizeof a->peer_chal) != 0)
		return -1;
	mschap2_nt_response(challenge, a->peer_chal, a->user, a->password,
	    a->nt);
	mschap2_authenticator_response(a->password, a->nt, a->peer_chal,
	    challenge, a->user, a->authresp);
	/* Peer-Challenge, 8 reserved zero bytes, NT-Response, Flags 0. */
	memcpy(value, a->peer_chal, MSCHAP2_CHALLENGE_LEN);
	memset(value + 16, 0, 8);
	memcpy(value + 24, a->nt, MSCHAP_NT_RESPONSE_LEN);
	value[48] = 0;
	return 0;
}

void
auth_mschap2_done(struct auth *a, int proven)
{
	uint8_t hlak[MSCHAP_HLAK_LEN];

	if (!proven) {
		auth_fail(a, "authentication failed: server failed MS-CHAPv2"
		    " mutual authentication");
		return;
	}
	/*
	 * Client MasterSendKey || MasterReceiveKey (MS-SSTP 3.2.5.2).  For
	 * EAP-MSCHAPv2 the MSK is MasterReceiveKey || MasterSendKey || 32
	 * zero bytes as the server names them (MS-CHAP 3.1.5.1): the same
	 * 32 bytes lead it, and the HLAK is the MSK's first 32 bytes.
	 */
	mschap2_hlak(a->password, a->nt, hlak);
	auth_succeed(a, hlak);
	explicit_bzero(hlak, sizeof hlak);
}

int
auth_mschap2_verify(struct auth *a, const uint8_t *msg, size_t len)
{
	char text[200];
	long off;

	if (!mschap2_check_authenticator(a->authresp, msg, len)) {
		auth_log(a, LOG_LVL_WARN, "wrong or missing authenticator"
		    " response in the server's Success");
		return 0;
	}
	off = auth_mschap_field(msg, len, 'M');
	if (off >= 0) {
		auth_text(text, sizeof text, msg + off, len - (size_t)off);
		auth_log(a, LOG_LVL_INFO, "server says \"%s\"", text);
	}
	return 1;
}

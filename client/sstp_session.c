/* sstp_session.c - the client side of an SSTP call (MS-SSTP 3.2): negotiation, binding, hello, teardown. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sstp_crypto.h"
#include "sstp_msg.h"
#include "sstp_session.h"
#include "timer.h"

#define SSTP_NAK_RETRIES	3	/* MS-SSTP leaves the count to the client */
#define SSTP_ABORT_T1_MS	3000	/* MS-SSTP 3.1.2.1 */
#define SSTP_ABORT_T2_MS	1000	/* MS-SSTP 3.1.2.1 */
#define SSTP_DISCONNECT_T1_MS	5000	/* MS-SSTP 3.1.2 */
#define SSTP_DISCONNECT_T2_MS	1000	/* MS-SSTP 3.1.2 */
#define SSTP_NEGOTIATION_MS	60000	/* MS-SSTP 3.2.2.1 */

/* Where a call that is ending stands (MS-SSTP 3.1.1.1 abort/disconnect machines). */
enum sstp_teardown {
	SSTP_TD_NONE = 0,
	SSTP_TD_ABORT_1,	/* we sent Abort: wait for theirs or T1 */
	SSTP_TD_ABORT_2,	/* Aborts crossed or answered: wait T2 */
	SSTP_TD_DISCONNECT_1,	/* we sent Disconnect: wait for the Ack or T1 */
	SSTP_TD_DISCONNECT_2	/* we acked their Disconnect: wait T2 */
};

struct sstp_session {
	struct sstp_session_config	 cfg;
	struct sstp_session_callbacks	 cb;
	void				*arg;
	const char			*name;

	enum sstp_session_state		 state;
	enum sstp_teardown		 td;
	unsigned int			 naks;

	uint8_t				 hash_bitmask;
	uint8_t				 nonce[SSTP_NONCE_LEN];
	int				 hash_proto;	/* chosen at auth_done */

	struct timer			 negotiation;
	struct timer			 hello;
	struct timer			 teardown;
	unsigned long long		 last_rx_ms;
	int				 echo_sent;

	/* Re-entrancy: closed_cb may free the session under our feet. */
	int				 depth;
	int				 freed;

	char				 reason[256];

	/* A packet split across reads. */
	size_t				 rlen;
	uint8_t				 rbuf[SSTP_MAX_PACKET];
};

static const char *
session_state_name(enum sstp_session_state st)
{
	switch (st) {
	case SSTP_S_IDLE:
		return "idle";
	case SSTP_S_CONNECT_SENT:
		return "connect-sent";
	case SSTP_S_ACKED:
		return "acked";
	case SSTP_S_CONNECTED:
		return "connected";
	case SSTP_S_DISCONNECTING:
		return "disconnecting";
	case SSTP_S_CLOSED:
		return "closed";
	}
	return "?";
}

static void
session_set_state(struct sstp_session *s, enum sstp_session_state st)
{
	if (s->state == st)
		return;
	log_info("%s: sstp state=%s", s->name, session_state_name(st));
	s->state = st;
}

static void
session_enter(struct sstp_session *s)
{
	s->depth++;
}

/* Leave an entry point; returns 1 if the session was freed meanwhile. */
static int
session_leave(struct sstp_session *s)
{
	if (--s->depth == 0 && s->freed) {
		free(s);
		return 1;
	}
	return 0;
}

static void
session_stop_timers(struct sstp_session *s)
{
	timer_stop(&s->negotiation);
	timer_stop(&s->hello);
	timer_stop(&s->teardown);
}

/* Keep the first reason: later events of a dying call are consequences. */
static void __attribute__((format(printf, 2, 3)))
session_reason(struct sstp_session *s, const char *fmt, ...)
{
	va_list	ap;

	if (s->reason[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof s->reason, fmt, ap);
	va_end(ap);
}

/* The call is over: stop everything and tell the owner once. */
static void
session_close(struct sstp_session *s)
{
	if (s->state == SSTP_S_CLOSED)
		return;
	session_stop_timers(s);
	s->td = SSTP_TD_NONE;
	session_reason(s, "call closed");
	session_set_state(s, SSTP_S_CLOSED);
	log_info("%s: sstp closed reason=\"%s\"", s->name, s->reason);
	s->cb.closed_cb(s->arg, s->reason);
}

static void
session_write(struct sstp_session *s, struct sstp_buf *b, const char *what)
{
	if (b->err != 0) {
		/* Our own packets always fit; this is a bug, not input. */
		log_err("%s: sstp cannot build %s", s->name, what);
		return;
	}
	log_hex(what, b->p, b->len);
	s->cb.write_cb(s->arg, b->p, b->len);
}

/* Send a control message with no attribute, or one Status Info. */
static void
session_send_ctrl(struct sstp_session *s, uint16_t type, int with_status,
    uint8_t attr_id, uint32_t status)
{
	uint8_t		mem[SSTP_CTRL_HDR_LEN + SSTP_ATTR_STATUS_MIN_LEN];
	struct sstp_buf	b;

	sstp_buf_init(&b, mem, sizeof mem);
	sstp_msg_begin(&b, type);
	if (with_status)
		sstp_msg_put_status(&b, attr_id, status, NULL, 0);
	sstp_msg_end(&b);
	log_debug("%s: sstp send=%s%s%s", s->name, sstp_msg_type_name(type),
	    with_status ? " status=" : "",
	    with_status ? sstp_msg_status_name(status) : "");
	session_write(s, &b, sstp_msg_type_name(type));
}

static void
session_send_connect_request(struct sstp_session *s)
{
	uint8_t		mem[SSTP_CTRL_HDR_LEN + SSTP_ATTR_ENCAP_LEN];
	struct sstp_buf	b;

	sstp_buf_init(&b, mem, sizeof mem);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_REQUEST);
	sstp_msg_put_encap(&b, SSTP_ENCAPSULATED_PROTOCOL_PPP);
	sstp_msg_end(&b);
	log_info("%s: sstp send=CALL_CONNECT_REQUEST attempt=%u", s->name,
	    s->naks + 1);
	session_write(s, &b, "CALL_CONNECT_REQUEST");
}

/*
 * Start the abort procedure (MS-SSTP 3.1.5.1): send Call Abort with the
 * status, then wait T1 for the server's Abort.  The reason was set already.
 */
static void
session_abort(struct sstp_session *s, uint8_t attr_id, uint32_t status)
{
	if (s->state == SSTP_S_CLOSED || s->td == SSTP_TD_ABORT_1 ||
	    s->td == SSTP_TD_ABORT_2)
		return;
	timer_stop(&s->negotiation);
	timer_stop(&s->hello);
	log_warn("%s: sstp abort status=%s reason=\"%s\"", s->name,
	    sstp_msg_status_name(status), s->reason);
	session_send_ctrl(s, SSTP_MSG_CALL_ABORT, 1, attr_id, status);
	session_set_state(s, SSTP_S_DISCONNECTING);
	s->td = SSTP_TD_ABORT_1;
	timer_start(&s->teardown, SSTP_ABORT_T1_MS);
}

/* Describe the first Status Info of a message: "status 8 (negotiation timeout)". */
static void
session_status_text(const struct sstp_msg *m, char *buf, size_t len)
{
	const struct sstp_attr	*a = sstp_msg_find(m, SSTP_ATTR_STATUS_INFO);

	if (a == NULL) {
		snprintf(buf, len, "no status given");
		return;
	}
	if (a->u.status.attr_id != 0)
		snprintf(buf, len, "status %u (%s) for %s",
		    (unsigned int)a->u.status.status,
		    sstp_msg_status_text(a->u.status.status),
		    sstp_msg_attr_name(a->u.status.attr_id));
	else
		snprintf(buf, len, "status %u (%s)",
		    (unsigned int)a->u.status.status,
		    sstp_msg_status_text(a->u.status.status));
}

static void
session_negotiation_cb(void *arg)
{
	struct sstp_session	*s = arg;
	unsigned int		 ms = s->cfg.negotiation_ms;
	const char		*what;

	session_enter(s);
	if (s->state == SSTP_S_CONNECT_SENT)
		what = "no Call Connect Ack";
	else
		what = "PPP authentication did not finish";
	session_reason(s, "negotiation timeout: %s within %u %s; aborted "
	    "with status %d (%s)", what, ms % 1000 ? ms : ms / 1000,
	    ms % 1000 ? "ms" : "s", SSTP_STATUS_NEGOTIATION_TIMEOUT,
	    sstp_msg_status_text(SSTP_STATUS_NEGOTIATION_TIMEOUT));
	session_abort(s, 0, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	session_leave(s);
}

/*
 * The hello timer (MS-SSTP 3.1.2).  Instead of re-arming on every packet,
 * input notes the time, and the timer re-arms itself for what is left.
 */
static void
session_hello_cb(void *arg)
{
	struct sstp_session	*s = arg;
	unsigned long long	 idle = timer_now_ms() - s->last_rx_ms;

	session_enter(s);
	if (s->state != SSTP_S_ACKED && s->state != SSTP_S_CONNECTED)
		goto out;
	if (idle < s->cfg.hello_ms) {
		timer_start(&s->hello, s->cfg.hello_ms - (unsigned int)idle);
		goto out;
	}
	if (!s->echo_sent) {
		s->echo_sent = 1;
		log_debug("%s: sstp keepalive idle_ms=%llu", s->name, idle);
		session_send_ctrl(s, SSTP_MSG_ECHO_REQUEST, 0, 0, 0);
		timer_start(&s->hello, s->cfg.hello_ms);
		goto out;
	}
	session_reason(s, "no answer to keepalive: nothing received for %llu "
	    "ms", idle);
	session_close(s);
out:
	session_leave(s);
}

static void
session_teardown_cb(void *arg)
{
	struct sstp_session	*s = arg;

	session_enter(s);
	if (s->td == SSTP_TD_DISCONNECT_1)
		session_reason(s, "disconnected (the server did not "
		    "acknowledge within %d s)", SSTP_DISCONNECT_T1_MS / 1000);
	else if (s->td == SSTP_TD_ABORT_1)
		session_reason(s, "call aborted (the server did not answer "
		    "the abort)");
	session_close(s);
	session_leave(s);
}

/* The server's Call Abort, in any state but our own teardown. */
static void
session_peer_abort(struct sstp_session *s, const struct sstp_msg *m)
{
	char	st[128];

	session_status_text(m, st, sizeof st);
	timer_stop(&s->negotiation);
	timer_stop(&s->hello);
	timer_stop(&s->teardown);
	switch (s->td) {
	case SSTP_TD_ABORT_1:
		/* Ours was answered (or they crossed). */
		log_info("%s: sstp recv=CALL_ABORT %s", s->name, st);
		break;
	default:
		session_reason(s, "server aborted the call: %s", st);
		log_warn("%s: sstp recv=CALL_ABORT %s", s->name, st);
		session_send_ctrl(s, SSTP_MSG_CALL_ABORT, 1, 0,
		    SSTP_STATUS_NO_ERROR);
		break;
	}
	session_set_state(s, SSTP_S_DISCONNECTING);
	s->td = SSTP_TD_ABORT_2;
	timer_start(&s->teardown, SSTP_ABORT_T2_MS);
}

static void
session_peer_disconnect(struct sstp_session *s, const struct sstp_msg *m)
{
	char	st[128];

	session_status_text(m, st, sizeof st);
	session_reason(s, "server disconnected the call: %s", st);
	log_info("%s: sstp recv=CALL_DISCONNECT %s", s->name, st);
	timer_stop(&s->negotiation);
	timer_stop(&s->hello);
	timer_stop(&s->teardown);
	session_send_ctrl(s, SSTP_MSG_CALL_DISCONNECT_ACK, 0, 0, 0);
	session_set_state(s, SSTP_S_DISCONNECTING);
	s->td = SSTP_TD_DISCONNECT_2;
	timer_start(&s->teardown, SSTP_DISCONNECT_T2_MS);
}

/* Something valid but out of place: MS-SSTP 3.1.5.1, abort. */
static void
session_unexpected(struct sstp_session *s, const struct sstp_msg *m)
{
	session_reason(s, "unexpected %s from the server in state %s; aborted "
	    "with status %d (%s)", sstp_msg_type_name(m->type),
	    session_state_name(s->state), SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
	    sstp_msg_status_text(SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED));
	session_abort(s, 0, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
}

static void
session_ack(struct sstp_session *s, const struct sstp_msg *m)
{
	const struct sstp_attr	*a;

	a = sstp_msg_find(m, SSTP_ATTR_CRYPTO_BINDING_REQ);
	s->hash_bitmask = a->u.binding_req.hash_bitmask;
	memcpy(s->nonce, a->u.binding_req.nonce, SSTP_NONCE_LEN);
	log_info("%s: sstp recv=CALL_CONNECT_ACK hashes=%s%s%s", s->name,
	    (s->hash_bitmask & SSTP_HASH_BITMASK_SHA256) ? "sha256" : "",
	    (s->hash_bitmask & 3) == 3 ? "," : "",
	    (s->hash_bitmask & SSTP_HASH_BITMASK_SHA1) ? "sha1" : "");
	session_set_state(s, SSTP_S_ACKED);
	/* MS-SSTP 3.2.2.1: the timer runs again until Call Connected. */
	timer_start(&s->negotiation, s->cfg.negotiation_ms);
	if (s->cfg.hello_ms != 0) {
		s->echo_sent = 0;
		timer_start(&s->hello, s->cfg.hello_ms);
	}
	s->cb.acked_cb(s->arg);
}

static void
session_nak(struct sstp_session *s, const struct sstp_msg *m)
{
	char	st[128];

	session_status_text(m, st, sizeof st);
	s->naks++;
	log_warn("%s: sstp recv=CALL_CONNECT_NAK count=%u %s", s->name,
	    s->naks, st);
	if (s->naks > SSTP_NAK_RETRIES) {
		session_reason(s, "server refused the call %u times (last: %s); "
		    "aborted with status %d (%s)", s->naks, st,
		    SSTP_STATUS_RETRY_COUNT_EXCEEDED,
		    sstp_msg_status_text(SSTP_STATUS_RETRY_COUNT_EXCEEDED));
		session_abort(s, 0, SSTP_STATUS_RETRY_COUNT_EXCEEDED);
		return;
	}
	session_send_connect_request(s);
	timer_start(&s->negotiation, s->cfg.negotiation_ms);
}

/* One whole control message while the call is up or being set up. */
static void
session_control(struct sstp_session *s, const struct sstp_msg *m)
{
	switch (m->type) {
	case SSTP_MSG_CALL_ABORT:
		session_peer_abort(s, m);
		return;
	case SSTP_MSG_CALL_DISCONNECT:
		session_peer_disconnect(s, m);
		return;
	case SSTP_MSG_ECHO_REQUEST:
		log_debug("%s: sstp recv=ECHO_REQUEST", s->name);
		session_send_ctrl(s, SSTP_MSG_ECHO_RESPONSE, 0, 0, 0);
		return;
	case SSTP_MSG_ECHO_RESPONSE:
		log_debug("%s: sstp recv=ECHO_RESPONSE", s->name);
		return;
	case SSTP_MSG_CALL_CONNECT_ACK:
		if (s->state == SSTP_S_CONNECT_SENT) {
			session_ack(s, m);
			return;
		}
		break;
	case SSTP_MSG_CALL_CONNECT_NAK:
		if (s->state == SSTP_S_CONNECT_SENT) {
			session_nak(s, m);
			return;
		}
		break;
	}
	session_unexpected(s, m);
}

/* A control message while we tear the call down: most are ignored. */
static void
session_control_teardown(struct sstp_session *s, const struct sstp_msg *m)
{
	switch (s->td) {
	case SSTP_TD_ABORT_1:
		if (m->type == SSTP_MSG_CALL_ABORT)
			session_peer_abort(s, m);
		break;
	case SSTP_TD_DISCONNECT_1:
		if (m->type == SSTP_MSG_CALL_DISCONNECT_ACK) {
			log_info("%s: sstp recv=CALL_DISCONNECT_ACK", s->name);
			session_reason(s, "disconnected");
			session_close(s);
		} else if (m->type == SSTP_MSG_CALL_ABORT)
			session_peer_abort(s, m);
		else if (m->type == SSTP_MSG_CALL_DISCONNECT)
			session_peer_disconnect(s, m);
		break;
	default:
		/* Waiting out T2: everything is ignored (MS-SSTP 3.1.2). */
		break;
	}
}

static void
session_packet(struct sstp_session *s, const uint8_t *buf, size_t len)
{
	struct sstp_msg	m;
	int		rc;

	/* Data packets take the short way: framing checked the header. */
	if ((buf[1] & SSTP_FLAG_CONTROL) == 0) {
		if (len == SSTP_HDR_LEN)
			return;
		if (s->state == SSTP_S_ACKED || s->state == SSTP_S_CONNECTED)
			s->cb.data_cb(s->arg, buf + SSTP_HDR_LEN,
			    len - SSTP_HDR_LEN);
		else
			log_debug("%s: sstp drop data len=%zu state=%s",
			    s->name, len, session_state_name(s->state));
		return;
	}

	rc = sstp_msg_decode(buf, len, &m);
	log_hex("sstp recv", buf, len);
	if (rc != 0) {
		if (s->state == SSTP_S_DISCONNECTING)
			return;
		session_reason(s, "invalid message from the server (%s); "
		    "aborted with status %u (%s)", m.error,
		    (unsigned int)m.status, sstp_msg_status_text(m.status));
		session_abort(s, m.bad_attr, m.status);
		return;
	}
	if (s->state == SSTP_S_DISCONNECTING)
		session_control_teardown(s, &m);
	else
		session_control(s, &m);
}

/* The stream is not SSTP (MS-SSTP 3.1.5.1): drop it without a word. */
static void
session_unparseable(struct sstp_session *s, const char *err)
{
	log_warn("%s: sstp unparseable stream: %s", s->name, err);
	session_reason(s, "unparseable SSTP stream from the server (%s); "
	    "connection dropped", err);
	session_close(s);
}

void
sstp_session_input(struct sstp_session *s, const uint8_t *buf, size_t len)
{
	char	err[128];
	size_t	plen, want, n;
	int	rc;

	if (s->state == SSTP_S_CLOSED || s->state == SSTP_S_IDLE || len == 0)
		return;
	session_enter(s);
	s->last_rx_ms = timer_now_ms();
	s->echo_sent = 0;
	while (len > 0 && s->state != SSTP_S_CLOSED && !s->freed) {
		if (s->rlen == 0) {
			rc = sstp_msg_frame(buf, len, &plen, err, sizeof err);
			if (rc < 0) {
				session_unparseable(s, err);
				break;
			}
			if (rc == 1) {
				session_packet(s, buf, plen);
				buf += plen;
				len -= plen;
				continue;
			}
			/* Less than one packet: keep it for the next read. */
			memcpy(s->rbuf, buf, len);
			s->rlen = len;
			break;
		}
		/* Complete the header first, then the packet it announces. */
		if (s->rlen < SSTP_HDR_LEN)
			want = SSTP_HDR_LEN;
		else
			want = ((s->rbuf[2] << 8 | s->rbuf[3]) & SSTP_LEN_MASK);
		n = want - s->rlen;
		if (n > len)
			n = len;
		memcpy(s->rbuf + s->rlen, buf, n);
		s->rlen += n;
		buf += n;
		len -= n;
		rc = sstp_msg_frame(s->rbuf, s->rlen, &plen, err, sizeof err);
		if (rc < 0) {
			session_unparseable(s, err);
			break;
		}
		if (rc == 1) {
			s->rlen = 0;
			session_packet(s, s->rbuf, plen);
		}
	}
	session_leave(s);
}

struct sstp_session *
sstp_session_new(const struct sstp_session_config *cfg,
    const struct sstp_session_callbacks *cb, void *arg)
{
	struct sstp_session	*s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		abort();
	s->cfg = *cfg;
	if (s->cfg.negotiation_ms == 0)
		s->cfg.negotiation_ms = SSTP_NEGOTIATION_MS;
	s->cb = *cb;
	s->arg = arg;
	s->name = cfg->name != NULL ? cfg->name : "sstp";
	timer_init(&s->negotiation, session_negotiation_cb, s);
	timer_init(&s->hello, session_hello_cb, s);
	timer_init(&s->teardown, session_teardown_cb, s);
	return s;
}

void
sstp_session_free(struct sstp_session *s)
{
	if (s == NULL)
		return;
	session_stop_timers(s);
	if (s->depth > 0) {
		/* Inside one of our callbacks: free on the way out. */
		s->freed = 1;
		return;
	}
	explicit_bzero(s->nonce, sizeof s->nonce);
	free(s);
}

void
sstp_session_start(struct sstp_session *s)
{
	if (s->state != SSTP_S_IDLE)
		return;
	session_enter(s);
	session_set_state(s, SSTP_S_CONNECT_SENT);
	s->last_rx_ms = timer_now_ms();
	session_send_connect_request(s);
	timer_start(&s->negotiation, s->cfg.negotiation_ms);
	session_leave(s);
}

int
sstp_session_send_data(struct sstp_session *s, uint8_t *frame, size_t len)
{
	if (len > SSTP_MAX_DATA)
		return -EMSGSIZE;
	if (s->state != SSTP_S_ACKED && s->state != SSTP_S_CONNECTED)
		return 0;	/* a lossy link: PPP copes */
	sstp_msg_data_header(frame - SSTP_HDR_LEN, len);
	s->cb.write_cb(s->arg, frame - SSTP_HDR_LEN, len + SSTP_HDR_LEN);
	return 0;
}

void
sstp_session_auth_done(struct sstp_session *s, const uint8_t *hlak)
{
	uint8_t		 msg[SSTP_CALL_CONNECTED_LEN];
	const uint8_t	*cert;

	if (s->state != SSTP_S_ACKED) {
		log_warn("%s: sstp auth done in state %s: ignored", s->name,
		    session_state_name(s->state));
		return;
	}
	session_enter(s);
	/* MS-SSTP 2.2.11: the strongest hash the server offered. */
	if (s->hash_bitmask & SSTP_HASH_BITMASK_SHA256) {
		s->hash_proto = SSTP_HASH_PROTO_SHA256;
		cert = s->cfg.cert_sha256;
	} else {
		s->hash_proto = SSTP_HASH_PROTO_SHA1;
		cert = s->cfg.cert_sha1;
	}
	sstp_crypto_call_connected(msg, s->hash_proto, s->nonce, cert, hlak);
	timer_stop(&s->negotiation);
	log_info("%s: sstp send=CALL_CONNECTED binding=%s hlak=%s", s->name,
	    sstp_session_binding(s), hlak != NULL ? "keys" : "zeros");
	s->cb.write_cb(s->arg, msg, sizeof msg);
	explicit_bzero(msg, sizeof msg);
	session_set_state(s, SSTP_S_CONNECTED);
	session_leave(s);
}

void
sstp_session_disconnect(struct sstp_session *s)
{
	session_enter(s);
	switch (s->state) {
	case SSTP_S_IDLE:
		session_reason(s, "disconnected");
		session_close(s);
		break;
	case SSTP_S_CONNECT_SENT:
	case SSTP_S_ACKED:
	case SSTP_S_CONNECTED:
		timer_stop(&s->negotiation);
		timer_stop(&s->hello);
		log_info("%s: sstp send=CALL_DISCONNECT", s->name);
		session_send_ctrl(s, SSTP_MSG_CALL_DISCONNECT, 1, 0,
		    SSTP_STATUS_NO_ERROR);
		session_set_state(s, SSTP_S_DISCONNECTING);
		s->td = SSTP_TD_DISCONNECT_1;
		timer_start(&s->teardown, SSTP_DISCONNECT_T1_MS);
		break;
	default:
		/* Already on the way out. */
		break;
	}
	session_leave(s);
}

enum sstp_session_state
sstp_session_state(const struct sstp_session *s)
{
	return s->state;
}

const char *
sstp_session_binding(const struct sstp_session *s)
{
	switch (s->hash_proto) {
	case SSTP_HASH_PROTO_SHA256:
		return "sha256";
	case SSTP_HASH_PROTO_SHA1:
		return "sha1";
	}
	return "none";
}

const char *
sstp_session_reason(const struct sstp_session *s)
{
	return s->reason;
}

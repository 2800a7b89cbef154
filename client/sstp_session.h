/* sstp_session.h - the client side of an SSTP call (MS-SSTP 3.2), over any byte stream. */
#ifndef SSTP_SESSION_H
#define SSTP_SESSION_H

#include <stddef.h>
#include <stdint.h>

/*
 * The session starts once the HTTP exchange has returned 200: it sends Call
 * Connect Request, waits for the Ack, hands data packets to the PPP engine,
 * sends Call Connected (with the crypto binding) when PPP authentication is
 * done, runs the hello/echo timer and the disconnect/abort exchanges.  It does
 * no I/O itself: bytes go out through write_cb and come in through
 * sstp_session_input().  Timers use common/timer.h.
 */

enum sstp_session_state {
	SSTP_S_IDLE = 0,
	SSTP_S_CONNECT_SENT,	/* Call Connect Request sent */
	SSTP_S_ACKED,		/* Ack received: PPP runs, binding pending */
	SSTP_S_CONNECTED,	/* Call Connected sent */
	SSTP_S_DISCONNECTING,	/* we sent Disconnect or Abort */
	SSTP_S_CLOSED		/* finished; closed_cb has run */
};

struct sstp_session_callbacks {
	/* Bytes to write to the TLS stream (whole SSTP packets). */
	void	(*write_cb)(void *arg, const uint8_t *buf, size_t len);
	/* Call Connect Ack received: start PPP now. */
	void	(*acked_cb)(void *arg);
	/* A data packet's payload: one raw PPP frame. */
	void	(*data_cb)(void *arg, const uint8_t *frame, size_t len);
	/*
	 * The call is over (peer disconnect/abort, timeout, protocol error, or
	 * our own disconnect completed).  reason is readable ("server aborted
	 * the call: status 8 (negotiation timeout)").  The session must not be
	 * used afterwards except for sstp_session_free().
	 */
	void	(*closed_cb)(void *arg, const char *reason);
};

struct sstp_session_config {
	unsigned int	 hello_ms;	/* keepalive-timeout; 0 = no echo */
	unsigned int	 negotiation_ms;/* default 60000 */
	/* Hashes of the server's DER leaf certificate, for the binding. */
	uint8_t		 cert_sha1[20];
	uint8_t		 cert_sha256[32];
	/* The interface's name, for log lines; NULL means "sstp". */
	const char	*name;
};

struct sstp_session;

/* Returns a new session (never NULL; aborts on out of memory). */
struct sstp_session *sstp_session_new(const struct sstp_session_config *cfg,
	    const struct sstp_session_callbacks *cb, void *arg);
void	sstp_session_free(struct sstp_session *s);

/* Send Call Connect Request and start the negotiation timer. */
void	sstp_session_start(struct sstp_session *s);

/* Bytes read from the stream; any split is fine. */
void	sstp_session_input(struct sstp_session *s, const uint8_t *buf, size_t len);

/*
 * Send one PPP frame as a data packet.  'frame' must have 4 writable bytes
 * before it (PPP_HEADROOM); len at most 4091.  Returns 0 or -EMSGSIZE.
 */
int	sstp_session_send_data(struct sstp_session *s, uint8_t *frame, size_t len);

/*
 * PPP authentication finished: send Call Connected with the crypto binding.
 * hlak is 32 bytes or NULL (zeros are used).  Uses SHA-256 when the server
 * offered it, SHA-1 otherwise.
 */
void	sstp_session_auth_done(struct sstp_session *s, const uint8_t *hlak);

/* Orderly disconnect (Call Disconnect, wait for the Ack or T1). */
void	sstp_session_disconnect(struct sstp_session *s);

enum sstp_session_state sstp_session_state(const struct sstp_session *s);
/* The hash protocol chosen for the binding: "sha256", "sha1" or "none". */
const char *sstp_session_binding(const struct sstp_session *s);
/*
 * Why the call is ending ("" while it is not): set when the session aborts,
 * disconnects or fails, before closed_cb runs (an abort waits up to T1 for
 * the server's answer in between).  Valid until sstp_session_free().
 */
const char *sstp_session_reason(const struct sstp_session *s);

#endif

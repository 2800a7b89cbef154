/* pap.c - PAP as the client (RFC 1334 2): Authenticate-Request with restarts, Ack or Nak. */
#include "config.h"

#include <string.h>

#include "auth_priv.h"
#include "log.h"

/*
 * Send a new Authenticate-Request.  Each one carries a new Identifier
 * (RFC 1334 2.2.1), and only the answer to the latest counts.  The packet
 * holds the password: it is built on the stack and wiped, never cached.
 */
static void
pap_send(struct auth *a)
{
	uint8_t buf[AUTH_PKT_MAX];
	struct auth_pkt p;
	size_t ulen = strlen(a->user), plen = strlen(a->password), n;

	a->id++;
	auth_pkt_begin(&p, buf, sizeof buf, PAP_AUTH_REQ, a->id);
	auth_put8(&p, (uint8_t)ulen);
	auth_put(&p, a->user, ulen);
	auth_put8(&p, (uint8_t)plen);
	auth_put(&p, a->password, plen);
	n = auth_pkt_end(&p);
	a->requests++;
	timer_start(&a->timer, a->restart_ms);
	auth_log(a, LOG_LVL_DEBUG, "sent Authenticate-Request id=%u try=%u",
	    a->id, a->requests);
	if (n != 0)
		auth_send(a, buf, n);
	explicit_bzero(buf, sizeof buf);
}

void
pap_start(struct auth *a)
{
	pap_send(a);
}

void
pap_timer_cb(void *arg)
{
	struct auth *a = arg;

	if (a->state != AUTH_RUNNING)
		return;
	if (a->requests >= a->max_requests) {
		auth_fail(a, "authentication failed: no answer to %u PAP"
		    " requests", a->requests);
		return;
	}
	pap_send(a);
}

void
pap_input(struct auth *a, const uint8_t *pkt, size_t len)
{
	char text[200];
	size_t n, mlen;

	if (auth_header(a, pkt, len, &n) != 0)
		return;
	if (pkt[0] != PAP_AUTH_ACK && pkt[0] != PAP_AUTH_NAK) {
		auth_log(a, LOG_LVL_DEBUG, "dropped code=%u id=%u", pkt[0],
		    pkt[1]);
		return;
	}
	if (a->state != AUTH_RUNNING) {
		/* An answer to an earlier retransmission: already done. */
		return;
	}
	if (a->requests == 0 || pkt[1] != a->id) {
		auth_log(a, LOG_LVL_DEBUG, "dropped code=%u id=%u, expected"
		    " id=%u", pkt[0], pkt[1], a->id);
		return;
	}
	/* Msg-Length and Message (RFC 1334 2.2.2); some servers omit both. */
	text[0] = '\0';
	if (n > AUTH_HDR_LEN) {
		mlen = pkt[4];
		if (mlen > n - AUTH_HDR_LEN - 1) {
			auth_log(a, LOG_LVL_DEBUG, "message length %zu"
			    " exceeds the packet; truncated", mlen);
			mlen = n - AUTH_HDR_LEN - 1;
		}
		auth_text(text, sizeof text, pkt + 5, mlen);
	}
	if (pkt[0] == PAP_AUTH_ACK) {
		if (text[0] != '\0')
			auth_log(a, LOG_LVL_INFO, "server says \"%s\"", text);
		explicit_bzero(a->password, sizeof a->password);
		auth_succeed(a, NULL);
		return;
	}
	auth_fail(a, "authentication failed: PAP refused%s%s",
	    text[0] != '\0' ? ": " : "", text);
}

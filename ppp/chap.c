/* chap.c - CHAP as the client: MD5 (RFC 1994), MS-CHAPv1 (RFC 2433), MS-CHAPv2 (RFC 2759). */
#include "config.h"

#include <string.h>

#include <nettle/md5.h>

#include "auth_priv.h"
#include "log.h"

/* The Value a Challenge asks for, per algorithm; 0 when it cannot. */
static size_t
chap_value(struct auth *a, uint8_t id, const uint8_t *chal, size_t clen,
    uint8_t value[MSCHAP_RESPONSE_LEN])
{
	struct md5_ctx ctx;

	switch (a->alg) {
	case CHAP_ALG_MD5:
		/* MD5(Identifier || secret || Challenge) (RFC 1994 4.1). */
		md5_init(&ctx);
		md5_update(&ctx, 1, &id);
		md5_update(&ctx, strlen(a->password),
		    (const uint8_t *)a->password);
		md5_update(&ctx, clen, chal);
		md5_digest(&ctx, MD5_DIGEST_SIZE, value);
		explicit_bzero(&ctx, sizeof ctx);
		return MD5_DIGEST_SIZE;
	case CHAP_ALG_MSCHAP1:
		if (clen != MSCHAP1_CHALLENGE_LEN)
			break;
		/*
		 * LM response left zero, NT response, Flags 1 "use the NT
		 * response" (RFC 2433 3).
		 */
		memset(value, 0, MSCHAP_NT_RESPONSE_LEN);
		mschap1_nt_response(chal, a->password,
		    value + MSCHAP_NT_RESPONSE_LEN);
		value[48] = 1;
		return MSCHAP_RESPONSE_LEN;
	case CHAP_ALG_MSCHAP2:
		if (clen != MSCHAP2_CHALLENGE_LEN)
			break;
		if (auth_mschap2_response(a, chal, value) != 0)
			return 0;
		return MSCHAP_RESPONSE_LEN;
	}
	auth_log(a, LOG_LVL_WARN, "dropped Challenge id=%u with value size"
	    " %zu", id, clen);
	return 0;
}

static void
chap_challenge(struct auth *a, const uint8_t *pkt, size_t n)
{
	uint8_t value[MSCHAP_RESPONSE_LEN];
	struct auth_pkt p;
	size_t clen, vlen;
	uint8_t id = pkt[1];

	if (n < AUTH_HDR_LEN + 1 || (clen = pkt[4]) == 0 ||
	    clen > n - AUTH_HDR_LEN - 1) {
		auth_log(a, LOG_LVL_WARN, "dropped malformed Challenge id=%u",
		    id);
		return;
	}
	if (auth_resend(a, id))
		return;
	if ((vlen = chap_value(a, id, pkt + 5, clen, value)) == 0)
		return;
	auth_pkt_begin(&p, a->pkt, sizeof a->pkt, CHAP_RESPONSE, id);
	auth_put8(&p, (uint8_t)vlen);
	auth_put(&p, value, vlen);
	auth_put(&p, a->user, strlen(a->user));
	explicit_bzero(value, sizeof value);
	if ((a->pkt_len = auth_pkt_end(&p)) == 0) {
		auth_log(a, LOG_LVL_ERR, "Response does not fit");
		return;
	}
	a->have_pkt = 1;
	a->pkt_id = id;
	auth_log(a, LOG_LVL_DEBUG, "Challenge id=%u answered", id);
	if (a->state == AUTH_RUNNING)
		auth_wait(a);
	auth_send_cached(a);
}

void
chap_input(struct auth *a, const uint8_t *pkt, size_t len)
{
	char reason[AUTH_REASON_MAX], text[200];
	const uint8_t *msg;
	size_t n, mlen;

	if (auth_header(a, pkt, len, &n) != 0)
		return;
	msg = pkt + AUTH_HDR_LEN;
	mlen = n - AUTH_HDR_LEN;

	switch (pkt[0]) {
	case CHAP_CHALLENGE:
		chap_challenge(a, pkt, n);
		return;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		break;
	default:
		auth_log(a, LOG_LVL_DEBUG, "dropped code=%u id=%u", pkt[0],
		    pkt[1]);
		return;
	}
	if (!a->have_pkt || pkt[1] != a->pkt_id) {
		auth_log(a, LOG_LVL_WARN, "dropped %s id=%u: no Response with"
		    " that id", pkt[0] == CHAP_SUCCESS ? "Success" : "Failure",
		    pkt[1]);
		return;
	}

	if (pkt[0] == CHAP_FAILURE) {
		if (a->alg == CHAP_ALG_MD5) {
			auth_text(text, sizeof text, msg, mlen);
			snprintf(reason, sizeof reason, "authentication failed:"
			    " CHAP refused%s%s", text[0] != '\0' ? ": " : "",
			    text);
		} else
			auth_mschap_reason(reason, sizeof reason, msg, mlen);
		auth_fail(a, "%s", reason);
		return;
	}

	/* A Success again (for a repeated Response): nothing new. */
	if (a->state == AUTH_OK)
		return;
	if (a->alg == CHAP_ALG_MSCHAP2) {
		/* RFC 2759 8.8: the server proves it knows the password. */
		auth_mschap2_done(a, auth_mschap2_verify(a, msg, mlen));
		return;
	}
	if (mlen > 0) {
		auth_text(text, sizeof text, msg, mlen);
		auth_log(a, LOG_LVL_INFO, "server says \"%s\"", text);
	}
	auth_succeed(a, NULL);
}

/* eap.c - EAP as the peer (RFC 3748): Identity, Notification, Nak, and EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2). */
#include "config.h"

#include <string.h>

#include "auth_priv.h"
#include "log.h"

static const char *
eap_type_name(uint8_t type)
{
	switch (type) {
	case 4:
		return "MD5-Challenge";
	case 5:
		return "OTP";
	case 6:
		return "GTC";
	case 13:
		return "TLS";
	case 21:
		return "TTLS";
	case 25:
		return "PEAP";
	case EAP_TYPE_MSCHAPV2:
		return "MSCHAPv2";
	}
	return "unknown";
}

/* Start a Response to Request 'id' in a->pkt (cached for repeats). */
static void
eap_begin(struct auth *a, struct auth_pkt *p, uint8_t id, uint8_t type)
{
	auth_pkt_begin(p, a->pkt, sizeof a->pkt, EAP_RESPONSE, id);
	auth_put8(p, type);
}

static void
eap_finish(struct auth *a, struct auth_pkt *p, uint8_t id)
{
	if ((a->pkt_len = auth_pkt_end(p)) == 0) {
		auth_log(a, LOG_LVL_ERR, "Response does not fit");
		a->have_pkt = 0;
		return;
	}
	a->have_pkt = 1;
	a->pkt_id = id;
	if (a->state == AUTH_RUNNING)
		auth_wait(a);
	auth_send_cached(a);
}

/* The MS-CHAPv2 packet inside an EAP Request of type 26. */
static void
eap_mschapv2(struct auth *a, uint8_t id, const uint8_t *d, size_t n)
{
	uint8_t value[MSCHAP_RESPONSE_LEN];
	char reason[AUTH_REASON_MAX];
	struct auth_pkt p;
	size_t start;

	/* OpCode, MS-CHAPv2-ID, MS-Length (draft 2). */
	if (n < 4) {
		auth_log(a, LOG_LVL_WARN, "dropped short EAP-MSCHAPv2 id=%u",
		    id);
		return;
	}
	switch (d[0]) {
	case EAP_MSCHAPV2_CHALLENGE:
		/* Value-Size, Challenge, Name. */
		if (n < 5 + MSCHAP2_CHALLENGE_LEN ||
		    d[4] != MSCHAP2_CHALLENGE_LEN) {
			auth_log(a, LOG_LVL_WARN, "dropped malformed"
			    " EAP-MSCHAPv2 Challenge id=%u", id);
			return;
		}
		if (auth_mschap2_response(a, d + 5, value) != 0)
			return;
		a->ms_id = d[1];
		a->ms_sent = 1;
		eap_begin(a, &p, id, EAP_TYPE_MSCHAPV2);
		start = p.len - 1;
		auth_put8(&p, EAP_MSCHAPV2_RESPONSE);
		auth_put8(&p, a->ms_id);
		auth_put16(&p, 0);	/* MS-Length, below */
		auth_put8(&p, MSCHAP_RESPONSE_LEN);
		auth_put(&p, value, sizeof value);
		auth_put(&p, a->user, strlen(a->user));
		explicit_bzero(value, sizeof value);
		/* MS-Length: from the OpCode on (the EAP length minus 5). */
		if (!p.err) {
			a->pkt[start + 3] = (uint8_t)((p.len - start - 1) >> 8);
			a->pkt[start + 4] = (uint8_t)(p.len - start - 1);
		}
		auth_log(a, LOG_LVL_DEBUG, "EAP-MSCHAPv2 Challenge id=%u"
		    " answered", id);
		eap_finish(a, &p, id);
		return;
	case EAP_MSCHAPV2_SUCCESS:
	case EAP_MSCHAPV2_FAILURE:
		if (!a->ms_sent || d[1] != a->ms_id) {
			auth_log(a, LOG_LVL_WARN, "dropped EAP-MSCHAPv2 %s"
			    " ms-id=%u: no Response with that id",
			    d[0] == EAP_MSCHAPV2_SUCCESS ? "Success" :
			    "Failure", d[1]);
			return;
		}
		break;
	default:
		auth_log(a, LOG_LVL_WARN, "dropped EAP-MSCHAPv2 opcode=%u"
		    " id=%u", d[0], id);
		return;
	}

	if (d[0] == EAP_MSCHAPV2_FAILURE) {
		auth_mschap_reason(reason, sizeof reason, d + 4, n - 4);
		/* Acknowledge with a bare Failure Response, then give up. */
		eap_begin(a, &p, id, EAP_TYPE_MSCHAPV2);
		auth_put8(&p, EAP_MSCHAPV2_FAILURE);
		eap_finish(a, &p, id);
		auth_fail(a, "%s", reason);
		return;
	}
	if (!auth_mschap2_verify(a, d + 4, n - 4)) {
		auth_mschap2_done(a, 0);
		return;
	}
	a->ms_ok = 1;
	eap_begin(a, &p, id, EAP_TYPE_MSCHAPV2);
	auth_put8(&p, EAP_MSCHAPV2_SUCCESS);
	eap_finish(a, &p, id);
}

static void
eap_request(struct auth *a, const uint8_t *pkt, size_t n)
{
	char text[200];
	struct auth_pkt p;
	uint8_t id = pkt[1], type;

	if (n < AUTH_HDR_LEN + 1) {
		auth_log(a, LOG_LVL_WARN, "dropped Request id=%u without a"
		    " type", id);
		return;
	}
	if (auth_resend(a, id))
		return;
	type = pkt[4];
	switch (type) {
	case EAP_TYPE_IDENTITY:
		eap_begin(a, &p, id, EAP_TYPE_IDENTITY);
		auth_put(&p, a->user, strlen(a->user));
		auth_log(a, LOG_LVL_DEBUG, "Identity id=%u answered", id);
		eap_finish(a, &p, id);
		break;
	case EAP_TYPE_NOTIFICATION:
		auth_text(text, sizeof text, pkt + 5, n - 5);
		auth_log(a, LOG_LVL_INFO, "server says \"%s\"", text);
		eap_begin(a, &p, id, EAP_TYPE_NOTIFICATION);
		eap_finish(a, &p, id);
		break;
	case EAP_TYPE_NAK:
		auth_log(a, LOG_LVL_WARN, "dropped Request id=%u of type Nak",
		    id);
		break;
	case EAP_TYPE_MSCHAPV2:
		eap_mschapv2(a, id, pkt + 5, n - 5);
		break;
	default:
		/* Legacy Nak proposing the one method we have (RFC 3748 5.3.1). */
		auth_log(a, LOG_LVL_INFO, "server asks for EAP type %u (%s);"
		    " proposing MSCHAPv2", type, eap_type_name(type));
		a->eap_refused = type;
		eap_begin(a, &p, id, EAP_TYPE_NAK);
		auth_put8(&p, EAP_TYPE_MSCHAPV2);
		eap_finish(a, &p, id);
		break;
	}
}

void
eap_input(struct auth *a, const uint8_t *pkt, size_t len)
{
	size_t n;

	if (auth_header(a, pkt, len, &n) != 0)
		return;
	switch (pkt[0]) {
	case EAP_REQUEST:
		eap_request(a, pkt, n);
		return;
	case EAP_SUCCESS:
		if (a->state == AUTH_OK)
			return;
		/*
		 * Only after the server proved itself in the MS-CHAPv2
		 * Success Request: a bare Success would skip that check.
		 */
		auth_mschap2_done(a, a->ms_ok);
		return;
	case EAP_FAILURE:
		if (a->eap_refused != 0 && !a->ms_sent)
			auth_fail(a, "authentication failed: the server offers"
			    " EAP type %u (%s), not MSCHAPv2", a->eap_refused,
			    eap_type_name(a->eap_refused));
		else
			auth_fail(a, "authentication failed: EAP Failure");
		return;
	default:
		auth_log(a, LOG_LVL_DEBUG, "dropped code=%u id=%u", pkt[0],
		    pkt[1]);
		return;
	}
}

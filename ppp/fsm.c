/* fsm.c - the RFC 1661 option-negotiation automaton (section 4), one for every control protocol. */
#include "config.h"

#include <string.h>

#include "fsm.h"
#include "frame.h"
#include "log.h"

static const char *fsm_state_names[] = {
	"initial", "starting", "closed", "stopped", "closing", "stopping",
	"req-sent", "ack-rcvd", "ack-sent", "opened"
};

const char *
fsm_state_name(enum fsm_state s)
{
	if ((unsigned int)s >= sizeof fsm_state_names / sizeof fsm_state_names[0])
		return "?";
	return fsm_state_names[s];
}

void
fsm_init(struct fsm *f, const char *name, const char *ifname, uint16_t proto,
    const struct fsm_callbacks *cb, void *arg)
{
	memset(f, 0, sizeof *f);
	f->name = name;
	f->ifname = ifname;
	f->proto = proto;
	f->state = FSM_INITIAL;
	f->restart_ms = FSM_RESTART_MS;
	f->max_configure = FSM_MAX_CONFIGURE;
	f->max_terminate = FSM_MAX_TERMINATE;
	f->max_failure = FSM_MAX_FAILURE;
	f->cb = cb;
	f->arg = arg;
	timer_init(&f->timer, fsm_timeout, f);
}

void
fsm_cleanup(struct fsm *f)
{
	timer_stop(&f->timer);
}

static void
fsm_set_state(struct fsm *f, enum fsm_state s)
{
	if (f->state != s) {
		log_debug("%s: %s state=%s from=%s", f->ifname, f->name,
		    fsm_state_name(s), fsm_state_name(f->state));
	}
	f->state = s;
	/* The restart timer runs only in these states (RFC 1661 4.6). */
	if (s < FSM_CLOSING || s == FSM_OPENED)
		timer_stop(&f->timer);
}

uint8_t
fsm_next_id(struct fsm *f)
{
	return ++f->id;
}

void
fsm_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	struct pbuf b;

	pbuf_init(&b, f->pkt, sizeof f->pkt);
	pbuf_cp_begin(&b, code, id);
	pbuf_put(&b, data, len);
	pbuf_cp_end(&b);
	if (b.err) {
		log_warn("%s: %s packet too long code=%u len=%zu", f->ifname,
		    f->name, code, len);
		return;
	}
	f->cb->send(f, b.p, b.len);
}

/* Actions, RFC 1661 4.4. */
static void
fsm_irc(struct fsm *f, int terminate)
{
	f->restart = terminate ? f->max_terminate : f->max_configure;
}

static void
fsm_zrc(struct fsm *f)
{
	f->restart = 0;
	timer_start(&f->timer, f->restart_ms);
}

/* Send a Configure-Request; a retransmission keeps its identifier. */
static void
fsm_scr(struct fsm *f, int retransmit)
{
	struct pbuf b;
	size_t n;

	if (!retransmit || !f->reqid_valid) {
		f->reqid = fsm_next_id(f);
		f->reqid_valid = 1;
	}
	pbuf_init(&b, f->pkt, sizeof f->pkt);
	pbuf_cp_begin(&b, CP_CONFREQ, f->reqid);
	n = f->cb->build_req(f, b.p + b.len, b.cap - b.len);
	memcpy(f->req, b.p + b.len, n);
	f->req_len = n;
	b.len += n;
	pbuf_cp_end(&b);
	f->restart--;
	timer_start(&f->timer, f->restart_ms);
	f->cb->send(f, b.p, b.len);
}

static void
fsm_str(struct fsm *f)
{
	const char *r = f->term_reason;

	f->restart--;
	timer_start(&f->timer, f->restart_ms);
	fsm_send(f, CP_TERMREQ, fsm_next_id(f), (const uint8_t *)r, strlen(r));
}

static void
fsm_sta(struct fsm *f, uint8_t id)
{
	fsm_send(f, CP_TERMACK, id, NULL, 0);
}

static void
fsm_tlu(struct fsm *f)
{
	log_debug("%s: %s up", f->ifname, f->name);
	f->cb->up(f);
}

static void
fsm_tld(struct fsm *f)
{
	log_debug("%s: %s down", f->ifname, f->name);
	f->cb->down(f);
}

static void
fsm_tls(struct fsm *f)
{
	if (f->cb->started != NULL)
		f->cb->started(f);
}

static void
fsm_tlf(struct fsm *f)
{
	log_debug("%s: %s finished", f->ifname, f->name);
	f->cb->finished(f);
}

/* Enter a resting state and tell the owner the layer is finished. */
static void
fsm_finish(struct fsm *f, enum fsm_state s)
{
	fsm_set_state(f, s);
	fsm_tlf(f);
}

/* Start a fresh negotiation: irc, scr (from Closed, Stopped, Starting). */
static void
fsm_begin(struct fsm *f)
{
	f->cb->reset(f);
	f->nak_sent = 0;
	fsm_irc(f, 0);
	fsm_scr(f, 0);
}

void
fsm_up(struct fsm *f)
{
	switch (f->state) {
	case FSM_INITIAL:
		fsm_set_state(f, FSM_CLOSED);
		break;
	case FSM_STARTING:
		fsm_set_state(f, FSM_REQSENT);
		fsm_begin(f);
		break;
	default:
		log_debug("%s: %s up in state %s", f->ifname, f->name,
		    fsm_state_name(f->state));
		break;
	}
}

void
fsm_down(struct fsm *f)
{
	switch (f->state) {
	case FSM_CLOSED:
	case FSM_CLOSING:
		fsm_set_state(f, FSM_INITIAL);
		break;
	case FSM_STOPPED:
		fsm_set_state(f, FSM_STARTING);
		fsm_tls(f);
		break;
	case FSM_STOPPING:
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		fsm_set_state(f, FSM_STARTING);
		break;
	case FSM_OPENED:
		fsm_set_state(f, FSM_STARTING);
		fsm_tld(f);
		break;
	default:
		break;
	}
}

void
fsm_open(struct fsm *f)
{
	switch (f->state) {
	case FSM_INITIAL:
		fsm_set_state(f, FSM_STARTING);
		fsm_tls(f);
		break;
	case FSM_CLOSED:
		fsm_set_state(f, FSM_REQSENT);
		fsm_begin(f);
		break;
	case FSM_CLOSING:
		fsm_set_state(f, FSM_STOPPING);
		break;
	default:
		break;
	}
}

void
fsm_start(struct fsm *f)
{
	fsm_open(f);
	fsm_up(f);
}

void
fsm_close(struct fsm *f, const char *reason)
{
	snprintf(f->term_reason, sizeof f->term_reason, "%s",
	    reason != NULL ? reason : "");
	switch (f->state) {
	case FSM_STARTING:
		fsm_finish(f, FSM_INITIAL);
		break;
	case FSM_STOPPED:
		fsm_set_state(f, FSM_CLOSED);
		break;
	case FSM_STOPPING:
		fsm_set_state(f, FSM_CLOSING);
		break;
	case FSM_OPENED:
		fsm_set_state(f, FSM_CLOSING);
		fsm_tld(f);
		fsm_irc(f, 1);
		fsm_str(f);
		break;
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		fsm_set_state(f, FSM_CLOSING);
		fsm_irc(f, 1);
		fsm_str(f);
		break;
	default:
		break;
	}
}

void
fsm_timeout(void *arg)
{
	struct fsm *f = arg;

	if (f->restart > 0) {
		/* TO+ */
		switch (f->state) {
		case FSM_CLOSING:
		case FSM_STOPPING:
			fsm_str(f);
			break;
		case FSM_REQSENT:
		case FSM_ACKRCVD:
			fsm_set_state(f, FSM_REQSENT);
			fsm_scr(f, 1);
			break;
		case FSM_ACKSENT:
			fsm_scr(f, 1);
			break;
		default:
			break;
		}
		return;
	}
	/* TO- */
	switch (f->state) {
	case FSM_CLOSING:
		fsm_finish(f, FSM_CLOSED);
		break;
	case FSM_STOPPING:
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		if (f->state != FSM_STOPPING) {
			log_info("%s: %s no answer to %d configure requests",
			    f->ifname, f->name, f->max_configure);
		}
		fsm_finish(f, FSM_STOPPED);
		break;
	default:
		break;
	}
}

/* RCR+ / RCR- */
static void
fsm_rcr(struct fsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
	size_t outlen = 0;
	int code;

	switch (f->state) {
	case FSM_CLOSED:
		fsm_sta(f, id);
		return;
	case FSM_CLOSING:
	case FSM_STOPPING:
		return;
	case FSM_OPENED:
		/* Renegotiation: tld, then as if from Req-Sent. */
		fsm_tld(f);
		f->cb->reset(f);
		f->nak_sent = 0;
		fsm_irc(f, 0);
		fsm_scr(f, 0);
		fsm_set_state(f, FSM_REQSENT);
		break;
	case FSM_STOPPED:
		fsm_begin(f);
		fsm_set_state(f, FSM_REQSENT);
		break;
	default:
		break;
	}

	code = f->cb->recv_req(f, opts, len, f->reply + CP_HDR,
	    sizeof f->reply - CP_HDR, &outlen, f->nak_sent < f->max_failure);
	/* The callback may have closed us (nothing acceptable left). */
	if (f->state < FSM_REQSENT)
		return;
	if (code < 0) {
		log_debug("%s: %s bad configure-request dropped", f->ifname,
		    f->name);
		return;
	}
	if (code == CP_CONFNAK)
		f->nak_sent++;
	else if (code == CP_CONFACK)
		f->nak_sent = 0;
	f->reply[0] = code;
	f->reply[1] = id;
	f->reply[2] = (outlen + CP_HDR) >> 8;
	f->reply[3] = (outlen + CP_HDR) & 0xff;
	f->cb->send(f, f->reply, outlen + CP_HDR);

	if (code == CP_CONFACK) {
		switch (f->state) {
		case FSM_REQSENT:
			fsm_set_state(f, FSM_ACKSENT);
			break;
		case FSM_ACKRCVD:
			fsm_set_state(f, FSM_OPENED);
			fsm_tlu(f);
			break;
		default:
			break;
		}
	} else {
		switch (f->state) {
		case FSM_ACKSENT:
			fsm_set_state(f, FSM_REQSENT);
			break;
		default:
			break;
		}
	}
}

static void
fsm_rca(struct fsm *f, uint8_t id, const uint8_t *opts, size_t len)
{
	if (f->state < FSM_CLOSED)
		return;
	if (f->state == FSM_CLOSED || f->state == FSM_STOPPED) {
		fsm_sta(f, id);
		return;
	}
	if (f->state == FSM_CLOSING || f->state == FSM_STOPPING)
		return;
	if (!f->reqid_valid || id != f->reqid || len != f->req_len ||
	    memcmp(opts, f->req, len) != 0) {
		log_debug("%s: %s unexpected configure-ack id=%u dropped",
		    f->ifname, f->name, id);
		return;
	}
	f->reqid_valid = 0;
	switch (f->state) {
	case FSM_REQSENT:
		fsm_irc(f, 0);
		/* The restart timer keeps running in Ack-Rcvd. */
		fsm_set_state(f, FSM_ACKRCVD);
		break;
	case FSM_ACKRCVD:
		/* Crossed connection. */
		fsm_scr(f, 0);
		fsm_set_state(f, FSM_REQSENT);
		break;
	case FSM_ACKSENT:
		fsm_irc(f, 0);
		fsm_set_state(f, FSM_OPENED);
		fsm_tlu(f);
		break;
	case FSM_OPENED:
		fsm_tld(f);
		fsm_scr(f, 0);
		fsm_set_state(f, FSM_REQSENT);
		break;
	default:
		break;
	}
}

/* RCN (Nak or Reject of our request). */
static void
fsm_rcn(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *opts,
    size_t len)
{
	int r;

	if (f->state < FSM_CLOSED)
		return;
	if (f->state == FSM_CLOSED || f->state == FSM_STOPPED) {
		fsm_sta(f, id);
		return;
	}
	if (f->state == FSM_CLOSING || f->state == FSM_STOPPING)
		return;
	if (!f->reqid_valid || id != f->reqid) {
		log_debug("%s: %s unexpected configure-%s id=%u dropped",
		    f->ifname, f->name, code == CP_CONFNAK ? "nak" : "reject",
		    id);
		return;
	}
	if (code == CP_CONFNAK)
		r = f->cb->recv_nak(f, opts, len);
	else
		r = f->cb->recv_rej(f, opts, len);
	if (r != 0) {
		log_debug("%s: %s bad configure-%s dropped", f->ifname,
		    f->name, code == CP_CONFNAK ? "nak" : "reject");
		return;
	}
	/* The callback may have closed us (nothing acceptable left). */
	if (f->state < FSM_REQSENT)
		return;
	f->reqid_valid = 0;
	switch (f->state) {
	case FSM_REQSENT:
		fsm_irc(f, 0);
		fsm_scr(f, 0);
		break;
	case FSM_ACKRCVD:
		fsm_scr(f, 0);
		fsm_set_state(f, FSM_REQSENT);
		break;
	case FSM_ACKSENT:
		fsm_irc(f, 0);
		fsm_scr(f, 0);
		break;
	case FSM_OPENED:
		fsm_tld(f);
		fsm_scr(f, 0);
		fsm_set_state(f, FSM_REQSENT);
		break;
	default:
		break;
	}
}

static void
fsm_rtr(struct fsm *f, uint8_t id, const uint8_t *data, size_t len)
{
	size_t i, n = 0;

	if (f->state < FSM_CLOSED)
		return;
	/* Keep the peer's words, printable characters only. */
	for (i = 0; i < len && n < sizeof f->peer_term_msg - 1; i++) {
		if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"')
			f->peer_term_msg[n++] = (char)data[i];
	}
	f->peer_term_msg[n] = '\0';
	f->peer_term = 1;
	log_info("%s: %s terminate-request from peer reason=\"%s\"", f->ifname,
	    f->name, f->peer_term_msg);
	switch (f->state) {
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		fsm_sta(f, id);
		fsm_set_state(f, FSM_REQSENT);
		break;
	case FSM_OPENED:
		fsm_set_state(f, FSM_STOPPING);
		fsm_tld(f);
		fsm_zrc(f);
		fsm_sta(f, id);
		break;
	default:
		fsm_sta(f, id);
		break;
	}
}

static void
fsm_rta(struct fsm *f)
{
	switch (f->state) {
	case FSM_CLOSING:
		fsm_finish(f, FSM_CLOSED);
		break;
	case FSM_STOPPING:
		fsm_finish(f, FSM_STOPPED);
		break;
	case FSM_ACKRCVD:
		fsm_set_state(f, FSM_REQSENT);
		break;
	case FSM_OPENED:
		fsm_tld(f);
		fsm_scr(f, 0);
		fsm_set_state(f, FSM_REQSENT);
		break;
	default:
		break;
	}
}

/* RXJ-: the peer refuses something we cannot do without. */
static void
fsm_rxj_minus(struct fsm *f)
{
	switch (f->state) {
	case FSM_CLOSED:
	case FSM_STOPPED:
		fsm_tlf(f);
		break;
	case FSM_CLOSING:
		fsm_finish(f, FSM_CLOSED);
		break;
	case FSM_STOPPING:
	case FSM_REQSENT:
	case FSM_ACKRCVD:
	case FSM_ACKSENT:
		fsm_finish(f, FSM_STOPPED);
		break;
	case FSM_OPENED:
		fsm_set_state(f, FSM_STOPPING);
		fsm_tld(f);
		fsm_irc(f, 1);
		fsm_str(f);
		break;
	default:
		break;
	}
}

void
fsm_proto_rejected(struct fsm *f)
{
	log_info("%s: %s rejected by peer", f->ifname, f->name);
	fsm_rxj_minus(f);
}

void
fsm_input(struct fsm *f, const uint8_t *pkt, size_t len)
{
	const uint8_t *data;
	size_t dlen;
	uint8_t code, id;

	if (cp_decode(pkt, len, &code, &id, &data, &dlen) != 0) {
		log_debug("%s: %s short packet dropped len=%zu", f->ifname,
		    f->name, len);
		return;
	}
	/* Packets are not expected before the lower layer is up. */
	if (f->state == FSM_INITIAL || f->state == FSM_STARTING) {
		if (f->cb->extcode != NULL && code > CP_CODEREJ)
			f->cb->extcode(f, code, id, data, dlen);
		else {
			log_debug("%s: %s code=%u dropped in state %s",
			    f->ifname, f->name, code, fsm_state_name(f->state));
		}
		return;
	}
	switch (code) {
	case CP_CONFREQ:
		if (cp_opts_valid(data, dlen) != 0) {
			log_debug("%s: %s malformed configure-request dropped",
			    f->ifname, f->name);
			return;
		}
		fsm_rcr(f, id, data, dlen);
		break;
	case CP_CONFACK:
		fsm_rca(f, id, data, dlen);
		break;
	case CP_CONFNAK:
	case CP_CONFREJ:
		if (cp_opts_valid(data, dlen) != 0)
			return;
		fsm_rcn(f, code, id, data, dlen);
		break;
	case CP_TERMREQ:
		fsm_rtr(f, id, data, dlen);
		break;
	case CP_TERMACK:
		fsm_rta(f);
		break;
	case CP_CODEREJ:
		/* RXJ- when the peer cannot do the basics, RXJ+ otherwise. */
		if (dlen >= 1 && data[0] >= CP_CONFREQ && data[0] <= CP_CODEREJ) {
			log_info("%s: %s code-reject of code=%u", f->ifname,
			    f->name, data[0]);
			fsm_rxj_minus(f);
		} else {
			if (dlen >= 1 && f->cb->code_rejected != NULL)
				f->cb->code_rejected(f, data[0]);
			if (f->state == FSM_ACKRCVD)
				fsm_set_state(f, FSM_REQSENT);
		}
		break;
	default:
		if (f->cb->extcode != NULL &&
		    f->cb->extcode(f, code, id, data, dlen))
			break;
		/* RUC: Code-Reject with as much of the packet as fits. */
		log_debug("%s: %s unknown code=%u rejected", f->ifname, f->name,
		    code);
		if (len > sizeof f->reply - CP_HDR)
			len = sizeof f->reply - CP_HDR;
		memcpy(f->reply, pkt, len);
		fsm_send(f, CP_CODEREJ, fsm_next_id(f), f->reply, len);
		break;
	}
}

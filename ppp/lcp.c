/* lcp.c - the Link Control Protocol (RFC 1661) for the built-in engine, client side. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth.h"
#include "frame.h"
#include "lcp.h"
#include "log.h"

static void	lcp_echo_cb(void *arg);

/* A random non-zero 32-bit number (Magic-Number, RFC 1661 6.4). */
static uint32_t
lcp_random32(void)
{
	uint32_t v = 0;

	while (v == 0) {
		if (getrandom(&v, sizeof v, 0) != sizeof v)
			v = (uint32_t)random() ^ (uint32_t)timer_now_ms();
	}
	return v;
}

unsigned int
lcp_auth_bit(uint16_t proto, uint8_t alg)
{
	switch (proto) {
	case PPP_PROTO_PAP:
		return PPP_AUTH_PAP;
	case PPP_PROTO_EAP:
		return PPP_AUTH_EAP;
	case PPP_PROTO_CHAP:
		switch (alg) {
		case CHAP_ALG_MD5:
			return PPP_AUTH_CHAP;
		case CHAP_ALG_MSCHAP1:
			return PPP_AUTH_MSCHAP1;
		case CHAP_ALG_MSCHAP2:
			return PPP_AUTH_MSCHAP2;
		}
		return 0x100;
	}
	return 0x200;
}

/* "mschap2, pap" for a set of PPP_AUTH_* bits. */
static void
lcp_auth_names(unsigned int bits, char *buf, size_t len)
{
	static const char *names[] = {
		"pap", "chap", "mschap1", "mschap2", "eap", "", "", "",
		"chap with an unknown algorithm", "an unknown protocol"
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((bits & (1U << i)) == 0 || *names[i] == '\0')
			continue;
		n += snprintf(buf + n, len > n ? len - n : 0, "%s%s",
		    n ? ", " : "", names[i]);
	}
	if (n == 0)
		snprintf(buf, len, "nothing");
}

static struct lcp *
lcp_of(struct fsm *f)
{
	return f->arg;
}

static void
lcp_reset(struct fsm *f)
{
	struct lcp *l = lcp_of(f);

	l->ask_mru = 1;
	l->mru = l->max_mru;
	l->ask_magic = 1;
	l->magic = lcp_random32();
	l->ask_mrru = l->cfg_mrru != 0;
	l->mrru = l->cfg_mrru;
	l->peer_mru = LCP_DEFAULT_MRU;
	l->peer_magic = 0;
	l->auth_proto = 0;
	l->auth_alg = 0;
	l->peer_mrru = 0;
	l->auth_offered = l->auth_tried = l->auth_last_nak = 0;
	l->auth_naks = 0;
	l->loop_clashes = 0;
}

static size_t
lcp_build_req(struct fsm *f, uint8_t *buf, size_t cap)
{
	struct lcp *l = lcp_of(f);
	struct pbuf b;

	pbuf_init(&b, buf, cap);
	if (l->ask_mru)
		pbuf_opt16(&b, LCP_OPT_MRU, l->mru);
	if (l->ask_magic)
		pbuf_opt32(&b, LCP_OPT_MAGIC, l->magic);
	if (l->ask_mrru)
		pbuf_opt16(&b, LCP_OPT_MRRU, l->mrru);
	return b.err ? 0 : b.len;
}

static int
lcp_recv_nak(struct fsm *f, const uint8_t *opts, size_t len)
{
	struct lcp *l = lcp_of(f);
	struct cp_opt_iter it;
	const uint8_t *val;
	uint8_t type;
	size_t vlen;
	unsigned int v;
	int r;

	cp_opt_begin(&it, opts, len);
	while ((r = cp_opt_next(&it, &type, &val, &vlen)) == 1) {
		switch (type) {
		case LCP_OPT_MRU:
			if (vlen != 2 || !l->ask_mru)
				break;
			v = get16(val);
			if (v >= LCP_MIN_MRU && v <= LCP_MAX_MRU)
				l->mru = v;
			else
				l->ask_mru = 0;
			log_debug("%s: lcp peer naks mru=%u", l->ifname, v);
			break;
		case LCP_OPT_MAGIC:
			if (vlen == 4 && l->ask_magic)
				l->magic = lcp_random32();
			break;
		case LCP_OPT_MRRU:
			if (vlen == 2 && l->ask_mrru) {
				v = get16(val);
				if (v >= LCP_MIN_MRU)
					l->mrru = v;
			}
			break;
		default:
			/* Options the peer would like us to ask for: ignored. */
			break;
		}
	}
	return r == 0 ? 0 : -1;
}

static int
lcp_recv_rej(struct fsm *f, const uint8_t *opts, size_t len)
{
	struct lcp *l = lcp_of(f);
	struct cp_opt_iter it;
	const uint8_t *val;
	uint8_t type;
	size_t vlen;
	int r;

	cp_opt_begin(&it, opts, len);
	while ((r = cp_opt_next(&it, &type, &val, &vlen)) == 1) {
		switch (type) {
		case LCP_OPT_MRU:
			l->ask_mru = 0;
			log_debug("%s: lcp peer rejects mru", l->ifname);
			break;
		case LCP_OPT_MAGIC:
			/* SoftEther does; loop detection is off then. */
			l->ask_magic = 0;
			l->magic = 0;
			log_debug("%s: lcp peer rejects magic-number",
			    l->ifname);
			break;
		case LCP_OPT_MRRU:
			if (l->ask_mrru) {
				l->ask_mrru = 0;
				lcp_fail(l, "the server refused multilink "
				    "(LCP MRRU option rejected); set mrru to 0 "
				    "to connect without it");
				return 0;
			}
			break;
		}
	}
	return r == 0 ? 0 : -1;
}

/* The peer's Authentication-Protocol option we cannot accept: Nak or fail. */
static int
lcp_auth_nak(struct lcp *l, uint16_t proto, uint8_t alg, struct pbuf *nak,
    int may_nak)
{
	unsigned int bit = lcp_auth_bit(proto, alg);
	char offered[128], allowed[128];
	uint16_t pick;
	uint8_t palg = 0;

	/* The peer came back to a method it offered before: ours failed. */
	if (l->auth_offered & bit)
		l->auth_tried |= l->auth_last_nak;
	l->auth_offered |= bit;
	pick = auth_pick(l->auth_mask, l->auth_tried, &palg);
	if (pick == 0 || !may_nak || ++l->auth_naks > 2 * FSM_MAX_FAILURE) {
		lcp_auth_names(l->auth_offered, offered, sizeof offered);
		lcp_auth_names(l->auth_mask, allowed, sizeof allowed);
		lcp_fail(l, "authentication failed: no common method (the "
		    "server offers %s; authentication allows %s)", offered,
		    allowed);
		return -1;
	}
	log_debug("%s: lcp nak auth=%s suggest=%s", l->ifname,
	    auth_method_name(proto, alg), auth_method_name(pick, palg));
	l->auth_last_nak = lcp_auth_bit(pick, palg);
	pbuf_put8(nak, LCP_OPT_AUTH);
	pbuf_put8(nak, pick == PPP_PROTO_CHAP ? 5 : 4);
	pbuf_put16(nak, pick);
	if (pick == PPP_PROTO_CHAP)
		pbuf_put8(nak, palg);
	return 0;
}

static int
lcp_recv_req(struct fsm *f, const uint8_t *opts, size_t len, uint8_t *out,
    size_t cap, size_t *outlen, int may_nak)
{
	struct lcp *l = lcp_of(f);
	struct cp_opt_iter it;
	struct pbuf nak, rej;
	const uint8_t *val, *o;
	uint8_t type, alg;
	size_t vlen;
	uint16_t mru = LCP_DEFAULT_MRU, proto, auth = 0, mrru = 0;
	uint32_t magic = 0;
	uint8_t auth_alg = 0;
	int r;

	pbuf_init(&nak, out, cap);
	pbuf_init(&rej, l->tmp, sizeof l->tmp < cap ? sizeof l->tmp : cap);
	cp_opt_begin(&it, opts, len);
	for (;;) {
		o = it.p;
		if ((r = cp_opt_next(&it, &type, &val, &vlen)) != 1)
			break;
		switch (type) {
		case LCP_OPT_MRU:
			if (vlen != 2)
				goto reject;
			mru = get16(val);
			if (mru < LCP_MIN_MRU) {
				if (!may_nak)
					goto reject;
				pbuf_opt16(&nak, LCP_OPT_MRU, LCP_MIN_MRU);
			}
			break;
		case LCP_OPT_ACCM:
			/* Meaningless without async HDLC; accepted. */
			if (vlen != 4)
				goto reject;
			break;
		case LCP_OPT_AUTH:
			if (vlen < 2)
				goto reject;
			proto = get16(val);
			alg = vlen >= 3 ? val[2] : 0;
			if ((proto != PPP_PROTO_CHAP || vlen == 3) &&
			    auth_allowed(proto, alg, l->auth_mask)) {
				auth = proto;
				auth_alg = alg;
				break;
			}
			if (lcp_auth_nak(l, proto, alg, &nak, may_nak) != 0)
				return CP_CONFREJ;
			break;
		case LCP_OPT_MAGIC:
			if (vlen != 4)
				goto reject;
			magic = get32(val);
			if (magic == 0 ||
			    (l->ask_magic && magic == l->magic)) {
				if (magic != 0 &&
				    ++l->loop_clashes >= LCP_LOOP_LIMIT) {
					lcp_fail(l, "the link is looped back "
					    "(the peer uses our magic number)");
					return CP_CONFREJ;
				}
				if (!may_nak)
					goto reject;
				pbuf_opt32(&nak, LCP_OPT_MAGIC,
				    lcp_random32());
			}
			break;
		case LCP_OPT_PFC:
		case LCP_OPT_ACFC:
			/* We parse both forms; we keep sending full headers. */
			if (vlen != 0)
				goto reject;
			break;
		case LCP_OPT_MRRU:
			if (l->cfg_mrru == 0 || vlen != 2)
				goto reject;
			mrru = get16(val);
			break;
		case LCP_OPT_EPDISC:
			if (l->cfg_mrru == 0)
				goto reject;
			break;
		default:
			goto reject;
		}
		continue;
reject:
		pbuf_put(&rej, o, it.p - o);
	}
	if (r != 0 || nak.err || rej.err)
		return -1;
	if (rej.len != 0) {
		memcpy(out, rej.p, rej.len);
		*outlen = rej.len;
		return CP_CONFREJ;
	}
	if (nak.len != 0) {
		*outlen = nak.len;
		return CP_CONFNAK;
	}
	if (len > cap)
		return -1;
	memcpy(out, opts, len);
	*outlen = len;
	l->peer_mru = mru;
	l->peer_magic = magic;
	l->auth_proto = auth;
	l->auth_alg = auth_alg;
	l->peer_mrru = mrru;
	return CP_CONFACK;
}

static void
lcp_up(struct fsm *f)
{
	struct lcp *l = lcp_of(f);

	log_info("%s: lcp up mru=%u mtu=%u auth=%s magic=%s%s", l->ifname,
	    lcp_mru(l), lcp_mtu(l),
	    l->auth_proto ? auth_method_name(l->auth_proto, l->auth_alg) :
	    "none", l->ask_magic ? "yes" : "no",
	    l->peer_mrru ? " multilink=yes" : "");
	if (l->ask_mrru && l->peer_mrru == 0) {
		/* We asked for multilink and the peer did not (RFC 1990 5.1.1). */
		log_info("%s: lcp peer did not ask for mrru", l->ifname);
	}
	l->echo_pending = 0;
	l->echo_off = 0;
	l->rx_seen = 0;
	if (l->echo_interval != 0)
		timer_start(&l->echo_timer, l->echo_interval * 1000);
	l->cb->up(l->arg);
}

static void
lcp_down(struct fsm *f)
{
	struct lcp *l = lcp_of(f);

	timer_stop(&l->echo_timer);
	l->cb->down(l->arg);
}

static void
lcp_finished(struct fsm *f)
{
	struct lcp *l = lcp_of(f);

	timer_stop(&l->echo_timer);
	if (l->reason[0] == '\0') {
		if (f->peer_term) {
			snprintf(l->reason, sizeof l->reason,
			    "the server ended the link%s%s",
			    f->peer_term_msg[0] ? ": " : "", f->peer_term_msg);
		} else {
			snprintf(l->reason, sizeof l->reason,
			    "LCP negotiation failed: no answer from the server");
		}
	}
	l->cb->finished(l->arg, l->reason);
}

static void
lcp_send_echo_reply(struct lcp *l, uint8_t id, const uint8_t *data,
    size_t len)
{
	struct pbuf b;
	size_t max;

	/* Our Magic-Number while LCP is open and it was agreed, else 0. */
	max = l->peer_mru - CP_HDR - 4;
	if (len > max)
		len = max;
	pbuf_init(&b, l->tmp, sizeof l->tmp);
	pbuf_put32(&b, lcp_is_open(l) ? l->magic : 0);
	pbuf_put(&b, data, len);
	if (b.err)
		return;
	fsm_send(&l->fsm, LCP_ECHOREP, id, b.p, b.len);
}

static int
lcp_extcode(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
    size_t len)
{
	struct lcp *l = lcp_of(f);
	uint32_t magic;

	switch (code) {
	case LCP_PROTREJ:
		if (!lcp_is_open(l) || len < 2)
			return 1;
		log_info("%s: lcp protocol-reject proto=0x%04x", l->ifname,
		    get16(data));
		l->cb->proto_rejected(l->arg, get16(data));
		return 1;
	case LCP_ECHOREQ:
		/*
		 * Answered in every state: SoftEther sends one (magic 0)
		 * before LCP is open and drops the link if it is ignored.
		 */
		if (len < 4)
			return 1;
		magic = get32(data);
		if (lcp_is_open(l) && l->ask_magic && magic == l->magic) {
			lcp_fail(l, "the link is looped back (echo request "
			    "with our magic number)");
			return 1;
		}
		lcp_send_echo_reply(l, id, data + 4, len - 4);
		return 1;
	case LCP_ECHOREP:
		if (len < 4)
			return 1;
		magic = get32(data);
		if (l->ask_magic && magic == l->magic && magic != 0) {
			lcp_fail(l, "the link is looped back (echo reply with "
			    "our magic number)");
			return 1;
		}
		l->echo_pending = 0;
		l->echo_rx++;
		return 1;
	case LCP_DISCREQ:
	case LCP_IDENT:
	case LCP_TIMEREM:
		return 1;
	}
	return 0;
}

static void
lcp_code_rejected(struct fsm *f, uint8_t code)
{
	struct lcp *l = lcp_of(f);

	if (code == LCP_ECHOREQ) {
		log_info("%s: lcp peer rejects echo requests", l->ifname);
		l->echo_off = 1;
		timer_stop(&l->echo_timer);
	}
}

static void
lcp_send(struct fsm *f, const uint8_t *pkt, size_t len)
{
	struct lcp *l = lcp_of(f);

	l->cb->send(l->arg, pkt, len);
}

static const struct fsm_callbacks lcp_fsm_callbacks = {
	.reset = lcp_reset,
	.build_req = lcp_build_req,
	.recv_nak = lcp_recv_nak,
	.recv_rej = lcp_recv_rej,
	.recv_req = lcp_recv_req,
	.up = lcp_up,
	.down = lcp_down,
	.finished = lcp_finished,
	.extcode = lcp_extcode,
	.code_rejected = lcp_code_rejected,
	.send = lcp_send,
};

static unsigned int
lcp_clamp(unsigned int v, unsigned int dflt)
{
	if (v == 0)
		return dflt;
	if (v < LCP_MIN_MRU)
		return LCP_MIN_MRU;
	if (v > LCP_MAX_MRU)
		return LCP_MAX_MRU;
	return v;
}

void
lcp_init(struct lcp *l, const char *ifname, const struct ppp_config *cfg,
    const struct lcp_callbacks *cb, void *arg)
{
	memset(l, 0, sizeof *l);
	l->ifname = ifname;
	l->max_mru = lcp_clamp(cfg->max_mru, LCP_DEFAULT_MRU);
	l->max_mtu = lcp_clamp(cfg->max_mtu, LCP_DEFAULT_MRU);
	l->cfg_mrru = cfg->mrru != 0 ? lcp_clamp(cfg->mrru, 1600) : 0;
	l->auth_mask = cfg->auth_mask != 0 ? cfg->auth_mask : PPP_AUTH_ALL;
	l->echo_interval = cfg->echo_interval;
	l->echo_failure = cfg->echo_failure;
	l->cb = cb;
	l->arg = arg;
	l->peer_mru = LCP_DEFAULT_MRU;
	fsm_init(&l->fsm, "lcp", ifname, PPP_PROTO_LCP, &lcp_fsm_callbacks, l);
	timer_init(&l->echo_timer, lcp_echo_cb, l);
}

void
lcp_cleanup(struct lcp *l)
{
	fsm_cleanup(&l->fsm);
	timer_stop(&l->echo_timer);
}

void
lcp_start(struct lcp *l)
{
	fsm_start(&l->fsm);
}

void
lcp_fail(struct lcp *l, const char *fmt, ...)
{
	va_list ap;
	enum fsm_state s = l->fsm.state;

	if (l->reason[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(l->reason, sizeof l->reason, fmt, ap);
		va_end(ap);
		log_info("%s: lcp closing reason=\"%s\"", l->ifname, l->reason);
	}
	fsm_close(&l->fsm, l->reason);
	/* Closing from these states does not finish the layer by itself. */
	if (s == FSM_INITIAL || s == FSM_CLOSED || s == FSM_STOPPED)
		lcp_finished(&l->fsm);
}

void
lcp_input(struct lcp *l, const uint8_t *pkt, size_t len)
{
	fsm_input(&l->fsm, pkt, len);
}

void
lcp_send_proto_reject(struct lcp *l, uint16_t proto, const uint8_t *info,
    size_t len)
{
	struct pbuf b;
	size_t max;

	if (!lcp_is_open(l))
		return;
	/* The whole packet must fit the peer's MRU (RFC 1661 5.7). */
	max = l->peer_mru - CP_HDR - 2;
	if (max > sizeof l->tmp - 2)
		max = sizeof l->tmp - 2;
	if (len > max)
		len = max;
	log_debug("%s: lcp protocol-reject sent proto=0x%04x", l->ifname,
	    proto);
	pbuf_init(&b, l->tmp, sizeof l->tmp);
	pbuf_put16(&b, proto);
	pbuf_put(&b, info, len);
	if (b.err)
		return;
	fsm_send(&l->fsm, LCP_PROTREJ, fsm_next_id(&l->fsm), b.p, b.len);
}

static void
lcp_echo_cb(void *arg)
{
	struct lcp *l = arg;
	uint8_t data[4];

	if (!lcp_is_open(l) || l->echo_off)
		return;
	if (l->rx_seen) {
		l->rx_seen = 0;
		timer_start(&l->echo_timer, l->echo_interval * 1000);
		return;
	}
	if (l->echo_failure != 0 && l->echo_pending >= l->echo_failure) {
		lcp_fail(l, "the server did not answer %u LCP echo requests",
		    l->echo_pending);
		return;
	}
	data[0] = l->magic >> 24;
	data[1] = (l->magic >> 16) & 0xff;
	data[2] = (l->magic >> 8) & 0xff;
	data[3] = l->magic & 0xff;
	l->echo_pending++;
	fsm_send(&l->fsm, LCP_ECHOREQ, fsm_next_id(&l->fsm), data, sizeof data);
	timer_start(&l->echo_timer, l->echo_interval * 1000);
}

void
lcp_saw_traffic(struct lcp *l)
{
	l->rx_seen = 1;
	l->echo_pending = 0;
}

int
lcp_is_open(const struct lcp *l)
{
	return l->fsm.state == FSM_OPENED;
}

unsigned int
lcp_mtu(const struct lcp *l)
{
	return l->peer_mru < l->max_mtu ? l->peer_mru : l->max_mtu;
}

unsigned int
lcp_mru(const struct lcp *l)
{
	return l->ask_mru ? l->mru : LCP_DEFAULT_MRU;
}

const char *
lcp_reason(const struct lcp *l)
{
	return l->reason;
}

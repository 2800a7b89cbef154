/*
 * fuzz-ppp.c - arbitrary frames, as if from the server, into LCP, IPCP and
 * IPv6CP (the built-in engine's automata, without its TUN).  The input is a
 * sequence of records: one control byte (low 2 bits: 0 a frame follows,
 * 1 a restart timeout of LCP/IPCP/IPv6CP by the next bits, 2 an echo tick,
 * 3 the engine closes), then for frames one length byte and the bytes.
 * Everything we send must be a well-formed control packet, or we abort.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "frame.h"
#include "ip6cp.h"
#include "ipcp.h"
#include "lcp.h"
#include "log.h"
#include "timer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_check(const uint8_t *pkt, size_t len)
{
	const uint8_t *d;
	uint8_t code, id;
	size_t dlen;

	if (cp_decode(pkt, len, &code, &id, &d, &dlen) != 0 ||
	    dlen + CP_HDR != len || len > FSM_PKT_MAX)
		abort();
	if (code >= CP_CONFREQ && code <= CP_CONFREJ &&
	    cp_opts_valid(d, dlen) != 0)
		abort();
}

static void fz_lcp_send(void *arg, const uint8_t *pkt, size_t len) { fz_check(pkt, len); }
static void fz_lcp_up(void *arg) { }
static void fz_lcp_down(void *arg) { }
static void fz_lcp_finished(void *arg, const char *reason) { if (*reason == '\0') abort(); }
static void fz_lcp_protrej(void *arg, uint16_t proto) { }

static const struct lcp_callbacks fz_lcp_cb = {
	.send = fz_lcp_send,
	.up = fz_lcp_up,
	.down = fz_lcp_down,
	.finished = fz_lcp_finished,
	.proto_rejected = fz_lcp_protrej,
};

static void fz_ncp_send(void *arg, uint16_t proto, const uint8_t *pkt, size_t len) { fz_check(pkt, len); }
static void fz_ncp_up(void *arg, uint16_t proto) { }
static void fz_ncp_down(void *arg, uint16_t proto) { }
static void fz_ncp_finished(void *arg, uint16_t proto, const char *r) { if (*r == '\0') abort(); }

static const struct ncp_callbacks fz_ncp_cb = {
	.send = fz_ncp_send,
	.up = fz_ncp_up,
	.down = fz_ncp_down,
	.finished = fz_ncp_finished,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	static struct lcp l;
	static struct ipcp c4;
	static struct ip6cp c6;
	struct ppp_config cfg;
	const uint8_t *info;
	uint16_t proto;
	size_t i = 0, n, ilen;
	uint8_t ctl;

	if (base == NULL) {
		log_open("fuzz-ppp", 0, LOG_LVL_ERR);
		base = event_base_new();
		timer_set_base(base);
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.max_mru = 1500;
	cfg.max_mtu = 1400;
	if (size > 0) {
		cfg.auth_mask = data[0] & PPP_AUTH_ALL;
		cfg.mrru = (data[0] & 0x80) ? 1600 : 0;
		cfg.echo_interval = 1;
		cfg.echo_failure = (data[0] >> 5) & 3;
		i = 1;
	}
	lcp_init(&l, "fz0", &cfg, &fz_lcp_cb, NULL);
	ipcp_init(&c4, "fz0", 1, &fz_ncp_cb, NULL);
	ip6cp_init(&c6, "fz0", &fz_ncp_cb, NULL);
	lcp_start(&l);
	fsm_start(&c4.fsm);
	fsm_start(&c6.fsm);

	while (i < size) {
		ctl = data[i++];
		switch (ctl & 3) {
		case 0:
			if (i >= size)
				break;
			n = data[i++];
			if (n > size - i)
				n = size - i;
			if (ppp_frame_decode(data + i, n, &proto, &info,
			    &ilen) == 0) {
				if (proto == PPP_PROTO_LCP)
					lcp_input(&l, info, ilen);
				else if (proto == PPP_PROTO_IPCP)
					fsm_input(&c4.fsm, info, ilen);
				else if (proto == PPP_PROTO_IPV6CP)
					fsm_input(&c6.fsm, info, ilen);
				else
					lcp_send_proto_reject(&l, proto, info,
					    ilen);
			}
			i += n;
			break;
		case 1:
			if ((ctl >> 2) % 3 == 0)
				fsm_timeout(&l.fsm);
			else if ((ctl >> 2) % 3 == 1)
				fsm_timeout(&c4.fsm);
			else
				fsm_timeout(&c6.fsm);
			break;
		case 2:
			l.echo_timer.cb(l.echo_timer.arg);
			break;
		case 3:
			lcp_fail(&l, "fuzz close");
			break;
		}
	}
	(void)lcp_mtu(&l);
	(void)lcp_mru(&l);
	lcp_cleanup(&l);
	fsm_cleanup(&c4.fsm);
	fsm_cleanup(&c6.fsm);
	return 0;
}

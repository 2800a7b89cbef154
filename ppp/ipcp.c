/* ipcp.c - the IP Control Protocol (RFC 1332, DNS from RFC 1877) for the built-in engine. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "ipcp.h"
#include "log.h"

static struct ipcp *
ipcp_of(struct fsm *f)
{
	return f->arg;
}

static void
ipcp_fail(struct ipcp *c, const char *reason)
{
	if (c->reason[0] == '\0')
		snprintf(c->reason, sizeof c->reason, "%s", reason);
	fsm_close(&c->fsm, c->reason);
}

static void
ipcp_reset(struct fsm *f)
{
	struct ipcp *c = ipcp_of(f);

	c->ask_addr = 1;
	c->ask_dns1 = c->ask_dns2 = c->use_dns;
	c->local.s_addr = c->dns1.s_addr = c->dns2.s_addr = 0;
	c->remote.s_addr = 0;
}

static void
ipcp_put_addr(struct pbuf *b, uint8_t type, struct in_addr a)
{
	pbuf_opt(b, type, &a.s_addr, 4);
}

static size_t
ipcp_build_req(struct fsm *f, uint8_t *buf, size_t cap)
{
	struct ipcp *c = ipcp_of(f);
	struct pbuf b;

	pbuf_init(&b, buf, cap);
	if (c->ask_addr)
		ipcp_put_addr(&b, IPCP_OPT_ADDR, c->local);
	if (c->ask_dns1)
		ipcp_put_addr(&b, IPCP_OPT_DNS1, c->dns1);
	if (c->ask_dns2)
		ipcp_put_addr(&b, IPCP_OPT_DNS2, c->dns2);
	return b.err ? 0 : b.len;
}

static int
ipcp_recv_nak(struct fsm *f, const uint8_t *opts, size_t len)
{
	struct ipcp *c = ipcp_of(f);
	struct cp_opt_iter it;
	const uint8_t *val;
	struct in_addr a;
	uint8_t type;
	size_t vlen;
	int r;

	cp_opt_begin(&it, opts, len);
	while ((r = cp_opt_next(&it, &type, &val, &vlen)) == 1) {
		if (vlen != 4)
			continue;
		memcpy(&a.s_addr, val, 4);
		switch (type) {
		case IPCP_OPT_ADDR:
			if (c->ask_addr)
				c->local = a;
			break;
		case IPCP_OPT_DNS1:
			if (c->ask_dns1)
				c->dns1 = a;
			break;
		case IPCP_OPT_DNS2:
			if (c->ask_dns2)
				c->dns2 = a;
			break;
		}
	}
	return r == 0 ? 0 : -1;
}

static int
ipcp_recv_rej(struct fsm *f, const uint8_t *opts, size_t len)
{
	struct ipcp *c = ipcp_of(f);
	struct cp_opt_iter it;
	const uint8_t *val;
	uint8_t type;
	size_t vlen;
	int r;

	cp_opt_begin(&it, opts, len);
	while ((r = cp_opt_next(&it, &type, &val, &vlen)) == 1) {
		switch (type) {
		case IPCP_OPT_ADDR:
			if (c->ask_addr) {
				ipcp_fail(c, "the server refused to assign an "
				    "IPv4 address (IPCP IP-Address rejected)");
				return 0;
			}
			break;
		case IPCP_OPT_DNS1:
			c->ask_dns1 = 0;
			c->dns1.s_addr = 0;
			break;
		case IPCP_OPT_DNS2:
			/* SoftEther rejects it. */
			c->ask_dns2 = 0;
			c->dns2.s_addr = 0;
			break;
		}
	}
	return r == 0 ? 0 : -1;
}

static int
ipcp_recv_req(struct fsm *f, const uint8_t *opts, size_t len, uint8_t *out,
    size_t cap, size_t *outlen, int may_nak)
{
	struct ipcp *c = ipcp_of(f);
	struct cp_opt_iter it;
	struct pbuf rej;
	const uint8_t *val, *o;
	struct in_addr remote = { 0 };
	uint8_t type;
	size_t vlen;
	int r;

	/* We have nothing to suggest, so we never Nak: Ack or Reject. */
	pbuf_init(&rej, out, cap);
	cp_opt_begin(&it, opts, len);
	for (;;) {
		o = it.p;
		if ((r = cp_opt_next(&it, &type, &val, &vlen)) != 1)
			break;
		if (type == IPCP_OPT_ADDR && vlen == 4) {
			memcpy(&remote.s_addr, val, 4);
			if (remote.s_addr != 0)
				continue;
		}
		/* VJ compression, the old Addresses option, DNS for them. */
		pbuf_put(&rej, o, it.p - o);
	}
	if (r != 0 || rej.err)
		return -1;
	if (rej.len != 0) {
		*outlen = rej.len;
		return CP_CONFREJ;
	}
	if (len > cap)
		return -1;
	memcpy(out, opts, len);
	*outlen = len;
	c->remote = remote;
	return CP_CONFACK;
}

static void
ipcp_up(struct fsm *f)
{
	struct ipcp *c = ipcp_of(f);
	char l[INET_ADDRSTRLEN], rm[INET_ADDRSTRLEN];
	char d1[INET_ADDRSTRLEN], d2[INET_ADDRSTRLEN];

	if (c->local.s_addr == 0) {
		ipcp_fail(c, "the server assigned no IPv4 address");
		return;
	}
	inet_ntop(AF_INET, &c->local, l, sizeof l);
	inet_ntop(AF_INET, &c->remote, rm, sizeof rm);
	inet_ntop(AF_INET, &c->dns1, d1, sizeof d1);
	inet_ntop(AF_INET, &c->dns2, d2, sizeof d2);
	log_info("%s: ipcp up local=%s remote=%s dns1=%s dns2=%s", c->ifname,
	    l, rm, d1, d2);
	c->cb->up(c->arg, PPP_PROTO_IPCP);
}

static void
ipcp_down(struct fsm *f)
{
	struct ipcp *c = ipcp_of(f);

	c->cb->down(c->arg, PPP_PROTO_IPCP);
}

static void
ipcp_finished(struct fsm *f)
{
	struct ipcp *c = ipcp_of(f);

	if (c->reason[0] == '\0') {
		if (f->peer_term)
			snprintf(c->reason, sizeof c->reason,
			    "the server closed IPCP%s%s",
			    f->peer_term_msg[0] ? ": " : "", f->peer_term_msg);
		else
			snprintf(c->reason, sizeof c->reason,
			    "IPCP negotiation failed: no answer from the "
			    "server");
	}
	c->cb->finished(c->arg, PPP_PROTO_IPCP, c->reason);
}

static void
ipcp_send(struct fsm *f, const uint8_t *pkt, size_t len)
{
	struct ipcp *c = ipcp_of(f);

	c->cb->send(c->arg, PPP_PROTO_IPCP, pkt, len);
}

static const struct fsm_callbacks ipcp_fsm_callbacks = {
	.reset = ipcp_reset,
	.build_req = ipcp_build_req,
	.recv_nak = ipcp_recv_nak,
	.recv_rej = ipcp_recv_rej,
	.recv_req = ipcp_recv_req,
	.up = ipcp_up,
	.down = ipcp_down,
	.finished = ipcp_finished,
	.send = ipcp_send,
};

void
ipcp_init(struct ipcp *c, const char *ifname, int use_dns,
    const struct ncp_callbacks *cb, void *arg)
{
	memset(c, 0, sizeof *c);
	c->ifname = ifname;
	c->use_dns = use_dns;
	c->cb = cb;
	c->arg = arg;
	fsm_init(&c->fsm, "ipcp", ifname, PPP_PROTO_IPCP, &ipcp_fsm_callbacks,
	    c);
}

/* ip6cp.c - the IPv6 Control Protocol (RFC 5072) for the built-in engine: interface identifiers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "frame.h"
#include "ip6cp.h"
#include "log.h"
#include "timer.h"

static const uint8_t ip6cp_zero[8];

void
ip6cp_random_iid(uint8_t iid[8], const uint8_t avoid[8])
{
	size_t i;

	do {
		if (getrandom(iid, 8, 0) != 8) {
			for (i = 0; i < 8; i++)
				iid[i] = (uint8_t)(random() ^ timer_now_ms());
		}
	} while (memcmp(iid, ip6cp_zero, 8) == 0 ||
	    (avoid != NULL && memcmp(iid, avoid, 8) == 0));
}

static struct ip6cp *
ip6cp_of(struct fsm *f)
{
	return f->arg;
}

static void
ip6cp_reset(struct fsm *f)
{
	struct ip6cp *c = ip6cp_of(f);

	c->ask_iid = 1;
	memset(c->remote_iid, 0, sizeof c->remote_iid);
	ip6cp_random_iid(c->local_iid, NULL);
}

static size_t
ip6cp_build_req(struct fsm *f, uint8_t *buf, size_t cap)
{
	struct ip6cp *c = ip6cp_of(f);
	struct pbuf b;

	pbuf_init(&b, buf, cap);
	if (c->ask_iid)
		pbuf_opt(&b, IP6CP_OPT_IFID, c->local_iid, 8);
	return b.err ? 0 : b.len;
}

static int
ip6cp_recv_nak(struct fsm *f, const uint8_t *opts, size_t len)
{
	struct ip6cp *c = ip6cp_of(f);
	struct cp_opt_iter it;
	const uint8_t *val;
	uint8_t type;
	size_t vlen;
	int r;

	cp_opt_begin(&it, opts, len);
	while ((r = cp_opt_next(&it, &type, &val, &vlen)) == 1) {
		if (type != IP6CP_OPT_IFID || vlen != 8 || !c->ask_iid)
			continue;
		/* Take the peer's suggestion when it is usable (RFC 5072 4.1). */
		if (memcmp(val, ip6cp_zero, 8) != 0 &&
		    memcmp(val, c->remote_iid, 8) != 0)
			memcpy(c->local_iid, val, 8);
		else
			ip6cp_random_iid(c->local_iid, c->remote_iid);
	}
	return r == 0 ? 0 : -1;
}

static int
ip6cp_recv_rej(struct fsm *f, const uint8_t *opts, size_t len)
{
	struct ip6cp *c = ip6cp_of(f);
	struct cp_opt_iter it;
	const uint8_t *val;
	uint8_t type;
	size_t vlen;
	int r;

	/* Without the option we keep our random identifier for fe80::. */
	cp_opt_begin(&it, opts, len);
	while ((r = cp_opt_next(&it, &type, &val, &vlen)) == 1) {
		if (type == IP6CP_OPT_IFID)
			c->ask_iid = 0;
	}
	return r == 0 ? 0 : -1;
}

static int
ip6cp_recv_req(struct fsm *f, const uint8_t *opts, size_t len, uint8_t *out,
    size_t cap, size_t *outlen, int may_nak)
{
	struct ip6cp *c = ip6cp_of(f);
	struct cp_opt_iter it;
	struct pbuf nak, rej;
	const uint8_t *val, *o;
	uint8_t type, iid[8], remote[8];
	size_t vlen;
	int r;

	memset(remote, 0, sizeof remote);
	pbuf_init(&nak, out, cap);
	pbuf_init(&rej, c->tmp, sizeof c->tmp);
	cp_opt_begin(&it, opts, len);
	for (;;) {
		o = it.p;
		if ((r = cp_opt_next(&it, &type, &val, &vlen)) != 1)
			break;
		if (type != IP6CP_OPT_IFID || vlen != 8) {
			pbuf_put(&rej, o, it.p - o);
			continue;
		}
		if (memcmp(val, ip6cp_zero, 8) == 0 ||
		    memcmp(val, c->local_iid, 8) == 0) {
			/* Zero or equal to ours: suggest another one. */
			if (!may_nak) {
				pbuf_put(&rej, o, it.p - o);
				continue;
			}
			ip6cp_random_iid(iid, c->local_iid);
			pbuf_opt(&nak, IP6CP_OPT_IFID, iid, 8);
			continue;
		}
		memcpy(remote, val, 8);
	}
	if (r != 0 || nak.err || rej.err)
		return -1;
	if (rej.len != 0) {
		if (rej.len > cap)
			return -1;
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
	memcpy(c->remote_iid, remote, 8);
	return CP_CONFACK;
}

static void
ip6cp_up(struct fsm *f)
{
	struct ip6cp *c = ip6cp_of(f);
	const uint8_t *l = c->local_iid, *r = c->remote_iid;

	log_info("%s: ip6cp up local=fe80::%x:%x:%x:%x remote=fe80::%x:%x:%x:%x",
	    c->ifname, l[0] << 8 | l[1], l[2] << 8 | l[3], l[4] << 8 | l[5],
	    l[6] << 8 | l[7], r[0] << 8 | r[1], r[2] << 8 | r[3],
	    r[4] << 8 | r[5], r[6] << 8 | r[7]);
	c->cb->up(c->arg, PPP_PROTO_IPV6CP);
}

static void
ip6cp_down(struct fsm *f)
{
	struct ip6cp *c = ip6cp_of(f);

	c->cb->down(c->arg, PPP_PROTO_IPV6CP);
}

static void
ip6cp_finished(struct fsm *f)
{
	struct ip6cp *c = ip6cp_of(f);

	c->cb->finished(c->arg, PPP_PROTO_IPV6CP, "IPv6CP did not open");
}

static void
ip6cp_send(struct fsm *f, const uint8_t *pkt, size_t len)
{
	struct ip6cp *c = ip6cp_of(f);

	c->cb->send(c->arg, PPP_PROTO_IPV6CP, pkt, len);
}

static const struct fsm_callbacks ip6cp_fsm_callbacks = {
	.reset = ip6cp_reset,
	.build_req = ip6cp_build_req,
	.recv_nak = ip6cp_recv_nak,
	.recv_rej = ip6cp_recv_rej,
	.recv_req = ip6cp_recv_req,
	.up = ip6cp_up,
	.down = ip6cp_down,
	.finished = ip6cp_finished,
	.send = ip6cp_send,
};

void
ip6cp_init(struct ip6cp *c, const char *ifname, const struct ncp_callbacks *cb,
    void *arg)
{
	memset(c, 0, sizeof *c);
	c->ifname = ifname;
	c->cb = cb;
	c->arg = arg;
	fsm_init(&c->fsm, "ip6cp", ifname, PPP_PROTO_IPV6CP,
	    &ip6cp_fsm_callbacks, c);
}

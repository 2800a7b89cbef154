/* test-ip6cp.c - IPv6CP interface identifiers: random, non-zero, distinct; Naks; protocol reject. */
#include "config.h"

#include <event2/event.h>

#include "frame.h"
#include "ip6cp.h"
#include "log.h"
#include "ppp-t.h"

static int	ups, finishes;

static void
c_send(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	t_record(proto, pkt, len);
}

static void c_up(void *arg, uint16_t proto) { ups++; }
static void c_down(void *arg, uint16_t proto) { }
static void c_finished(void *arg, uint16_t proto, const char *r) { finishes++; }

static const struct ncp_callbacks cbs = {
	.send = c_send,
	.up = c_up,
	.down = c_down,
	.finished = c_finished,
};

static void
feed(struct ip6cp *c, const char *hex)
{
	uint8_t buf[256];
	size_t n = t_unhex(hex, buf, sizeof buf);

	fsm_input(&c->fsm, buf, n);
}

static void
setup(struct ip6cp *c)
{
	if (c->fsm.timer.initialised)
		fsm_cleanup(&c->fsm);
	nsent = ups = finishes = 0;
	ip6cp_init(c, "t0", &cbs, NULL);
	fsm_start(&c->fsm);
}

static void
hex8(char *out, const uint8_t *v)
{
	int i;

	for (i = 0; i < 8; i++)
		sprintf(out + 3 * i, "%02x ", v[i]);
}

int
main(void)
{
	struct event_base *base = event_base_new();
	static const uint8_t zero[8];
	static struct ip6cp c;
	uint8_t a[8], b[8];
	char hex[128], iid[32];
	int i;

	log_open("test-ip6cp", 0, LOG_LVL_WARN);
	timer_set_base(base);

	for (i = 0; i < 100; i++) {
		ip6cp_random_iid(a, NULL);
		ip6cp_random_iid(b, a);
		T_CHECK(memcmp(a, zero, 8) != 0);
		T_CHECK(memcmp(a, b, 8) != 0);
	}

	setup(&c);
	T_EQ_INT(sent_proto[0], PPP_PROTO_IPV6CP);
	T_CHECK(sent_is(0, "01 01 00 0e 01 0a .. .. .. .. .. .. .. .."));
	T_CHECK(memcmp(sent[0] + 6, c.local_iid, 8) == 0);
	T_CHECK(memcmp(c.local_iid, zero, 8) != 0);
	/* The peer proposes our own identifier: Nak with another one. */
	hex8(iid, c.local_iid);
	snprintf(hex, sizeof hex, "01 07 00 0e 01 0a %s", iid);
	feed(&c, hex);
	T_CHECK(sent_is(LAST, "03 07 00 0e 01 0a .. .. .. .. .. .. .. .."));
	T_CHECK(memcmp(sent[LAST] + 6, c.local_iid, 8) != 0);
	T_CHECK(memcmp(sent[LAST] + 6, zero, 8) != 0);
	/* Zero is Nak'ed too; compression rejected. */
	feed(&c, "01 08 00 0e 01 0a 00 00 00 00 00 00 00 00");
	T_EQ_INT(sent[LAST][0], CP_CONFNAK);
	feed(&c, "01 09 00 08 02 04 00 4f");
	T_CHECK(sent_is(LAST, "04 09 00 08 02 04 00 4f"));
	/* A good one: acked, remembered. */
	feed(&c, "01 0a 00 0e 01 0a 02 11 22 33 44 55 66 77");
	T_CHECK(sent_is(LAST, "02 0a 00 0e 01 0a 02 11 22 33 44 55 66 77"));
	T_EQ_MEM(c.remote_iid, "\x02\x11\x22\x33\x44\x55\x66\x77", 8);
	/* The peer Naks ours with a suggestion: taken. */
	feed(&c, "03 01 00 0e 01 0a 0a 0b 0c 0d 0e 0f 10 11");
	T_CHECK(sent_is(LAST, "01 02 00 0e 01 0a 0a 0b 0c 0d 0e 0f 10 11"));
	/* A suggestion equal to the peer's own is not taken. */
	feed(&c, "03 02 00 0e 01 0a 02 11 22 33 44 55 66 77");
	T_CHECK(memcmp(c.local_iid, c.remote_iid, 8) != 0);
	hex8(iid, c.local_iid);
	snprintf(hex, sizeof hex, "02 %02x 00 0e 01 0a %s", c.fsm.reqid, iid);
	/* Ack-Sent was left by the Nak; the peer asks again, then acks. */
	feed(&c, "01 0b 00 0e 01 0a 02 11 22 33 44 55 66 77");
	feed(&c, hex);
	T_EQ_INT(c.fsm.state, FSM_OPENED);
	T_EQ_INT(ups, 1);

	/* A Protocol-Reject of IPv6CP: finished, no IPv6. */
	setup(&c);
	fsm_proto_rejected(&c.fsm);
	T_EQ_INT(finishes, 1);
	T_EQ_INT(c.fsm.state, FSM_STOPPED);
	fsm_cleanup(&c.fsm);

	event_base_free(base);
	T_DONE();
}

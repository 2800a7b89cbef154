/* test-ipcp.c - IPCP against SoftEther's recorded behaviour: Secondary-DNS rejected, Nak with 192.168.30.x. */
#include "config.h"

#include <arpa/inet.h>
#include <event2/event.h>

#include "frame.h"
#include "ipcp.h"
#include "log.h"
#include "ppp-t.h"

static int	ups, finishes;
static char	reason[256];

static void
c_send(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	t_record(proto, pkt, len);
}

static void c_up(void *arg, uint16_t proto) { ups++; }
static void c_down(void *arg, uint16_t proto) { }

static void
c_finished(void *arg, uint16_t proto, const char *r)
{
	finishes++;
	snprintf(reason, sizeof reason, "%s", r);
}

static const struct ncp_callbacks cbs = {
	.send = c_send,
	.up = c_up,
	.down = c_down,
	.finished = c_finished,
};

static void
feed(struct ipcp *c, const char *hex)
{
	uint8_t buf[256];
	size_t n = t_unhex(hex, buf, sizeof buf);

	fsm_input(&c->fsm, buf, n);
}

static void
setup(struct ipcp *c, int dns)
{
	if (c->fsm.timer.initialised)
		fsm_cleanup(&c->fsm);
	nsent = ups = finishes = 0;
	reason[0] = '\0';
	ipcp_init(c, "t0", dns, &cbs, NULL);
	fsm_start(&c->fsm);
}

static const char *
ntoa(struct in_addr a)
{
	static char buf[INET_ADDRSTRLEN];

	return inet_ntop(AF_INET, &a, buf, sizeof buf);
}

int
main(void)
{
	struct event_base *base = event_base_new();
	static struct ipcp c;

	log_open("test-ipcp", 0, LOG_LVL_WARN);
	timer_set_base(base);

	/* SoftEther with use-peer-dns: the exchange as recorded. */
	setup(&c, 1);
	T_EQ_INT(sent_proto[0], PPP_PROTO_IPCP);
	T_CHECK(sent_is(0, "01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 "
	    "83 06 00 00 00 00"));
	/* Its own request: address 192.168.30.1, acked. */
	feed(&c, "01 01 00 0a 03 06 c0 a8 1e 01");
	T_CHECK(sent_is(LAST, "02 01 00 0a 03 06 c0 a8 1e 01"));
	/* Secondary-DNS rejected: asked no more. */
	feed(&c, "04 01 00 0a 83 06 00 00 00 00");
	T_CHECK(sent_is(LAST, "01 02 00 10 03 06 00 00 00 00 81 06 00 00 00 00"));
	/* Nak with an address and DNS from SecureNAT. */
	feed(&c, "03 02 00 10 03 06 c0 a8 1e 0a 81 06 c0 a8 1e 01");
	T_CHECK(sent_is(LAST, "01 03 00 10 03 06 c0 a8 1e 0a 81 06 c0 a8 1e 01"));
	/* The Ack comes late (its DHCP runs); a retransmission keeps the id. */
	fsm_timeout(&c.fsm);
	T_CHECK(sent_is(LAST, "01 03 00 10 03 06 c0 a8 1e 0a 81 06 c0 a8 1e 01"));
	T_EQ_INT(ups, 0);
	feed(&c, "02 03 00 10 03 06 c0 a8 1e 0a 81 06 c0 a8 1e 01");
	T_EQ_INT(ups, 1);
	T_EQ_INT(c.fsm.state, FSM_OPENED);
	T_EQ_STR(ntoa(c.local), "192.168.30.10");
	T_EQ_STR(ntoa(c.remote), "192.168.30.1");
	T_EQ_STR(ntoa(c.dns1), "192.168.30.1");
	T_EQ_STR(ntoa(c.dns2), "0.0.0.0");

	/* Without use-peer-dns: address only. */
	setup(&c, 0);
	T_CHECK(sent_is(0, "01 01 00 0a 03 06 00 00 00 00"));
	/* VJ compression and a zero peer address are rejected. */
	feed(&c, "01 05 00 10 02 06 00 2d 0f 01 03 06 00 00 00 00");
	T_CHECK(sent_is(LAST, "04 05 00 10 02 06 00 2d 0f 01 03 06 00 00 00 00"));
	/* The server acks 0.0.0.0: no address, a clear reason. */
	feed(&c, "02 01 00 0a 03 06 00 00 00 00");
	feed(&c, "01 06 00 0a 03 06 0a 00 00 01");
	T_EQ_INT(ups, 0);
	T_EQ_INT(c.fsm.state, FSM_CLOSING);
	fsm_timeout(&c.fsm);
	fsm_timeout(&c.fsm);
	T_EQ_INT(finishes, 1);
	T_EQ_STR(reason, "the server assigned no IPv4 address");

	/* IP-Address rejected: refused. */
	setup(&c, 0);
	feed(&c, "04 01 00 0a 03 06 00 00 00 00");
	T_EQ_INT(c.fsm.state, FSM_CLOSING);
	T_CHECK(strstr(c.reason, "refused to assign") != NULL);

	/* No answer: the NCP finishes with a reason. */
	setup(&c, 1);
	while (c.fsm.state == FSM_REQSENT)
		fsm_timeout(&c.fsm);
	T_EQ_INT(nsent, FSM_MAX_CONFIGURE);
	T_EQ_INT(finishes, 1);
	T_EQ_STR(reason, "IPCP negotiation failed: no answer from the server");
	fsm_cleanup(&c.fsm);

	event_base_free(base);
	T_DONE();
}

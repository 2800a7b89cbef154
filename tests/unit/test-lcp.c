/* test-lcp.c - LCP against recorded exchanges: SoftEther's rejects and early echo, MRU/MTU, auth Naks, loops, echoes. */
#include "config.h"

#include <event2/event.h>

#include "auth.h"
#include "frame.h"
#include "lcp.h"
#include "log.h"
#include "ppp-t.h"

static int	ups, downs, finishes;
static char	reason[256];
static uint16_t	rejected_proto;

static void
l_send(void *arg, const uint8_t *pkt, size_t len)
{
	t_record(PPP_PROTO_LCP, pkt, len);
}

static void l_up(void *arg) { ups++; }
static void l_down(void *arg) { downs++; }

static void
l_finished(void *arg, const char *r)
{
	finishes++;
	snprintf(reason, sizeof reason, "%s", r);
}

static void
l_proto_rejected(void *arg, uint16_t proto)
{
	rejected_proto = proto;
}

static const struct lcp_callbacks cbs = {
	.send = l_send,
	.up = l_up,
	.down = l_down,
	.finished = l_finished,
	.proto_rejected = l_proto_rejected,
};

static void
feed(struct lcp *l, const char *hex)
{
	uint8_t buf[256];
	size_t n = t_unhex(hex, buf, sizeof buf);

	lcp_input(l, buf, n);
}

static void
setup(struct lcp *l, struct ppp_config *cfg)
{
	if (l->fsm.timer.initialised)
		lcp_cleanup(l);
	nsent = ups = downs = finishes = 0;
	reason[0] = '\0';
	rejected_proto = 0;
	lcp_init(l, "t0", cfg, &cbs, NULL);
}

static void
put_magic(char *hex, uint32_t m)
{
	sprintf(hex, "%02x %02x %02x %02x", m >> 24, (m >> 16) & 0xff,
	    (m >> 8) & 0xff, m & 0xff);
}

int
main(void)
{
	struct event_base *base = event_base_new();
	static struct lcp l;
	struct ppp_config cfg;
	char hex[256], m[16];
	int i;

	log_open("test-lcp", 0, LOG_LVL_WARN);
	timer_set_base(base);

	/*
	 * SoftEther: echo before open, rejects Magic-Number, asks MRU 1400
	 * and EAP; we allow mschap2 and pap only.
	 */
	memset(&cfg, 0, sizeof cfg);
	cfg.max_mru = 1500;
	cfg.max_mtu = 1350;
	cfg.auth_mask = PPP_AUTH_MSCHAP2 | PPP_AUTH_PAP;
	setup(&l, &cfg);
	lcp_start(&l);
	T_EQ_INT(nsent, 1);
	T_CHECK(sent_is(0, "01 01 00 0e 01 04 05 dc 05 06 .. .. .. .."));
	T_CHECK(l.magic != 0);
	/* Echo-Request with magic 0 before LCP is open: answered. */
	feed(&l, "09 00 00 08 00 00 00 00");
	T_CHECK(sent_is(LAST, "0a 00 00 08 00 00 00 00"));
	/* Magic-Number rejected: the next request has MRU only. */
	put_magic(m, l.magic);
	snprintf(hex, sizeof hex, "04 01 00 0a 05 06 %s", m);
	feed(&l, hex);
	T_CHECK(sent_is(LAST, "01 02 00 08 01 04 05 dc"));
	/* A Reject that does not match our identifier is ignored. */
	feed(&l, "04 01 00 08 01 04 05 dc");
	T_EQ_INT(l.ask_mru, 1);
	/* EAP is not allowed: Nak suggesting MS-CHAPv2. */
	feed(&l, "01 01 00 0c 01 04 05 78 03 04 c2 27");
	T_CHECK(sent_is(LAST, "03 01 00 09 03 05 c2 23 81"));
	/* MS-CHAPv2 offered: Ack. */
	feed(&l, "01 02 00 0d 01 04 05 78 03 05 c2 23 81");
	T_CHECK(sent_is(LAST, "02 02 00 0d 01 04 05 78 03 05 c2 23 81"));
	T_EQ_INT(l.fsm.state, FSM_ACKSENT);
	feed(&l, "02 02 00 08 01 04 05 dc");
	T_EQ_INT(l.fsm.state, FSM_OPENED);
	T_EQ_INT(ups, 1);
	T_EQ_INT(l.auth_proto, PPP_PROTO_CHAP);
	T_EQ_INT(l.auth_alg, CHAP_ALG_MSCHAP2);
	/* MTU is min(peer MRU 1400, max-mtu 1350); our MRU 1500. */
	T_EQ_INT(lcp_mtu(&l), 1350);
	T_EQ_INT(lcp_mru(&l), 1500);
	/* Echo when open, magic not negotiated: we answer with 0. */
	feed(&l, "09 05 00 0c 11 22 33 44 aa bb cc dd");
	T_CHECK(sent_is(LAST, "0a 05 00 0c 00 00 00 00 aa bb cc dd"));
	/* Protocol-Reject bytes (CCP Configure-Request). */
	{
		const uint8_t ccp[] = { 0x01, 0x01, 0x00, 0x04 };

		lcp_send_proto_reject(&l, PPP_PROTO_CCP, ccp, sizeof ccp);
		T_CHECK(sent_is(LAST, "08 .. 00 0a 80 fd 01 01 00 04"));
	}
	/* The peer rejects IPv6CP. */
	feed(&l, "08 07 00 0a 80 57 01 01 00 04");
	T_EQ_INT(rejected_proto, PPP_PROTO_IPV6CP);
	/* Unknown code: Code-Reject; Identification is quietly accepted. */
	i = nsent;
	feed(&l, "0c 08 00 08 00 00 00 00");
	T_EQ_INT(nsent, i);
	feed(&l, "20 09 00 04");
	T_CHECK(sent_is(LAST, "07 .. 00 08 20 09 00 04"));
	/* The server ends the link (wrong PAP password does this). */
	feed(&l, "05 0a 00 04");
	T_CHECK(sent_is(LAST, "06 0a 00 04"));
	T_EQ_INT(downs, 1);
	fsm_timeout(&l.fsm);
	T_EQ_INT(finishes, 1);
	T_EQ_STR(reason, "the server ended the link");

	/* MTU follows the peer's MRU when below max-mtu; tiny MRU is Nak'ed. */
	cfg.max_mtu = 1500;
	cfg.max_mru = 1400;
	cfg.auth_mask = 0;
	setup(&l, &cfg);
	lcp_start(&l);
	T_CHECK(sent_is(0, "01 01 00 0e 01 04 05 78 05 06 .. .. .. .."));
	feed(&l, "01 01 00 08 01 04 00 40");
	T_CHECK(sent_is(LAST, "03 01 00 08 01 04 00 80"));
	feed(&l, "01 02 00 0c 01 04 05 64 03 04 c0 23");
	T_CHECK(sent_is(LAST, "02 02 00 0c 01 04 05 64 03 04 c0 23"));
	/* MRU Nak'ed down to 1300: accepted. */
	feed(&l, "03 01 00 08 01 04 05 14");
	T_CHECK(sent_is(LAST, "01 02 00 0e 01 04 05 14 05 06 .. .. .. .."));
	memcpy(hex, "02 02 00 0e 01 04 05 14 05 06 ", 30);
	put_magic(hex + 30, l.magic);
	feed(&l, hex);
	T_EQ_INT(l.fsm.state, FSM_OPENED);
	T_EQ_INT(lcp_mtu(&l), 1380);
	T_EQ_INT(lcp_mru(&l), 1300);
	T_EQ_INT(l.auth_proto, PPP_PROTO_PAP);
	/* Our magic comes back in an echo request: looped. */
	put_magic(m, l.magic);
	snprintf(hex, sizeof hex, "09 11 00 08 %s", m);
	feed(&l, hex);
	T_EQ_INT(l.fsm.state, FSM_CLOSING);
	T_CHECK(strstr(l.reason, "looped back") != NULL);

	/* Loop detection in negotiation: our magic five times. */
	cfg.max_mru = 1500;
	setup(&l, &cfg);
	lcp_start(&l);
	for (i = 0; i < LCP_LOOP_LIMIT && finishes == 0 &&
	    l.fsm.state != FSM_CLOSING; i++) {
		put_magic(m, l.magic);
		snprintf(hex, sizeof hex, "01 %02x 00 0a 05 06 %s", 0x30 + i,
		    m);
		feed(&l, hex);
		if (i == 0)
			T_CHECK(sent_is(LAST, "03 30 00 0a 05 06 .. .. .. .."));
		/* The looped Nak makes us pick a new number. */
		snprintf(hex, sizeof hex, "03 %02x 00 0a 05 06 %s",
		    l.fsm.reqid, m);
		feed(&l, hex);
	}
	T_EQ_INT(i, LCP_LOOP_LIMIT);
	T_CHECK(strstr(l.reason, "looped back") != NULL);
	T_EQ_INT(l.fsm.state, FSM_CLOSING);

	/* No common method: SoftEther cycles EAP, MS-CHAPv2, PAP; we allow CHAP. */
	cfg.auth_mask = PPP_AUTH_CHAP;
	setup(&l, &cfg);
	lcp_start(&l);
	feed(&l, "01 01 00 08 03 04 c2 27");
	T_CHECK(sent_is(LAST, "03 01 00 09 03 05 c2 23 05"));
	feed(&l, "01 02 00 09 03 05 c2 23 81");
	T_CHECK(sent_is(LAST, "03 02 00 09 03 05 c2 23 05"));
	feed(&l, "01 03 00 08 03 04 c0 23");
	T_CHECK(sent_is(LAST, "03 03 00 09 03 05 c2 23 05"));
	feed(&l, "01 04 00 08 03 04 c2 27");
	T_EQ_INT(l.fsm.state, FSM_CLOSING);
	T_EQ_INT(sent[LAST][0], CP_TERMREQ);
	T_EQ_STR(l.reason, "authentication failed: no common method (the "
	    "server offers pap, mschap2, eap; authentication allows chap)");
	fsm_timeout(&l.fsm);
	fsm_timeout(&l.fsm);
	T_EQ_INT(finishes, 1);

	/* SoftEther's order with pap only: naks until PAP comes. */
	cfg.auth_mask = PPP_AUTH_PAP;
	setup(&l, &cfg);
	lcp_start(&l);
	feed(&l, "01 01 00 08 03 04 c2 27");
	T_CHECK(sent_is(LAST, "03 01 00 08 03 04 c0 23"));
	feed(&l, "01 02 00 09 03 05 c2 23 81");
	T_CHECK(sent_is(LAST, "03 02 00 08 03 04 c0 23"));
	feed(&l, "01 03 00 08 03 04 c0 23");
	T_CHECK(sent_is(LAST, "02 03 00 08 03 04 c0 23"));

	/* MRRU asked and rejected: the call is refused with a reason. */
	cfg.auth_mask = 0;
	cfg.mrru = 1600;
	setup(&l, &cfg);
	lcp_start(&l);
	T_CHECK(sent_is(0, "01 01 00 12 01 04 05 dc 05 06 .. .. .. .. 11 04 06 40"));
	feed(&l, "04 01 00 08 11 04 06 40");
	T_EQ_INT(l.fsm.state, FSM_CLOSING);
	T_CHECK(strstr(l.reason, "multilink") != NULL);
	/* MRRU from the peer is rejected when we do not do multilink. */
	cfg.mrru = 0;
	setup(&l, &cfg);
	lcp_start(&l);
	feed(&l, "01 01 00 0c 11 04 06 40 01 04 05 dc");
	T_CHECK(sent_is(LAST, "04 01 00 08 11 04 06 40"));
	/* ACFC/PFC accepted, unknown options rejected together. */
	feed(&l, "01 02 00 0c 07 02 08 02 0d 04 06 00");
	T_CHECK(sent_is(LAST, "04 02 00 08 0d 04 06 00"));
	/* Malformed option list: dropped. */
	i = nsent;
	feed(&l, "01 03 00 07 01 05 05");
	T_EQ_INT(nsent, i);

	/* Our echoes: every interval; dead after echo_failure misses. */
	cfg.echo_interval = 1;
	cfg.echo_failure = 2;
	setup(&l, &cfg);
	lcp_start(&l);
	feed(&l, "01 01 00 04");
	put_magic(m, l.magic);
	snprintf(hex, sizeof hex, "02 01 00 0e 01 04 05 dc 05 06 %s", m);
	feed(&l, hex);
	T_EQ_INT(l.fsm.state, FSM_OPENED);
	T_EQ_INT(l.auth_proto, 0);
	T_CHECK(timer_pending(&l.echo_timer));
	l.echo_timer.cb(l.echo_timer.arg);
	snprintf(hex, sizeof hex, "09 .. 00 08 %s", m);
	T_CHECK(sent_is(LAST, hex));
	/* A reply resets the count. */
	feed(&l, "0a 03 00 08 01 02 03 04");
	T_EQ_INT(l.echo_pending, 0);
	l.echo_timer.cb(l.echo_timer.arg);
	/* Any traffic from the peer counts as life: no echo that interval. */
	lcp_saw_traffic(&l);
	i = nsent;
	l.echo_timer.cb(l.echo_timer.arg);
	T_EQ_INT(nsent, i);
	T_EQ_INT(l.echo_pending, 0);
	T_CHECK(timer_pending(&l.echo_timer));
	l.echo_timer.cb(l.echo_timer.arg);
	l.echo_timer.cb(l.echo_timer.arg);
	T_EQ_INT(nsent, i + 2);
	T_EQ_INT(l.fsm.state, FSM_OPENED);
	l.echo_timer.cb(l.echo_timer.arg);
	T_EQ_INT(l.fsm.state, FSM_CLOSING);
	T_EQ_STR(l.reason, "the server did not answer 2 LCP echo requests");
	/* A Code-Reject of our echo turns echoes off instead. */
	setup(&l, &cfg);
	lcp_start(&l);
	feed(&l, "01 01 00 04");
	put_magic(m, l.magic);
	snprintf(hex, sizeof hex, "02 01 00 0e 01 04 05 dc 05 06 %s", m);
	feed(&l, hex);
	feed(&l, "07 05 00 0c 09 02 00 08 00 00 00 00");
	T_EQ_INT(l.echo_off, 1);
	T_EQ_INT(l.fsm.state, FSM_OPENED);

	/* max-mru and max-mtu beyond what one SSTP packet carries are capped. */
	memset(&cfg, 0, sizeof cfg);
	cfg.max_mru = 9000;
	cfg.max_mtu = 9000;
	setup(&l, &cfg);
	lcp_start(&l);
	T_CHECK(sent_is(0, "01 01 00 0e 01 04 0f f7 05 06 .. .. .. .."));
	feed(&l, "01 01 00 08 01 04 23 28");
	T_CHECK(sent_is(LAST, "02 01 00 08 01 04 23 28"));
	T_EQ_INT(lcp_mtu(&l), 4087);

	/* No answer at all: Max-Configure requests, then a reason. */
	setup(&l, &cfg);
	lcp_start(&l);
	for (i = 0; i < FSM_MAX_CONFIGURE; i++)
		fsm_timeout(&l.fsm);
	T_EQ_INT(finishes, 1);
	T_EQ_STR(reason, "LCP negotiation failed: no answer from the server");
	lcp_cleanup(&l);

	event_base_free(base);
	T_DONE();
}

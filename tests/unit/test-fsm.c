/* test-fsm.c - the RFC 1661 automaton: transitions, restart counters, Max-Failure, Code-Reject. */
#include "config.h"

#include <event2/event.h>

#include "frame.h"
#include "fsm.h"
#include "log.h"
#include "t.h"

/* A toy protocol: we ask for option 1 (value 0x11); we ack option 1, nak option 2, reject others. */
static uint8_t	sent[64][64];
static size_t	sent_len[64];
static int	nsent;
static int	ups, downs, starts, finishes;
static int	last_may_nak;

static void
t_reset(struct fsm *f)
{
}

static size_t
t_build_req(struct fsm *f, uint8_t *buf, size_t cap)
{
	buf[0] = 1;
	buf[1] = 3;
	buf[2] = 0x11;
	return 3;
}

static int
t_recv_nak(struct fsm *f, const uint8_t *opts, size_t len)
{
	return 0;
}

static int
t_recv_req(struct fsm *f, const uint8_t *opts, size_t len, uint8_t *out,
    size_t cap, size_t *outlen, int may_nak)
{
	last_may_nak = may_nak;
	if (len >= 3 && opts[0] == 2) {
		memcpy(out, opts, 3);
		*outlen = 3;
		if (!may_nak)
			return CP_CONFREJ;
		out[2] = 0x22;
		return CP_CONFNAK;
	}
	if (len >= 2 && opts[0] != 1) {
		memcpy(out, opts, opts[1]);
		*outlen = opts[1];
		return CP_CONFREJ;
	}
	memcpy(out, opts, len);
	*outlen = len;
	return CP_CONFACK;
}

static void t_up(struct fsm *f) { ups++; }
static void t_down(struct fsm *f) { downs++; }
static void t_started(struct fsm *f) { starts++; }
static void t_finished(struct fsm *f) { finishes++; }

static void
t_send(struct fsm *f, const uint8_t *pkt, size_t len)
{
	if (nsent < 64 && len <= sizeof sent[0]) {
		memcpy(sent[nsent], pkt, len);
		sent_len[nsent] = len;
	}
	nsent++;
}

static const struct fsm_callbacks cbs = {
	.reset = t_reset,
	.build_req = t_build_req,
	.recv_nak = t_recv_nak,
	.recv_rej = t_recv_nak,
	.recv_req = t_recv_req,
	.up = t_up,
	.down = t_down,
	.started = t_started,
	.finished = t_finished,
	.send = t_send,
};

static void
feed(struct fsm *f, const char *hex)
{
	uint8_t buf[256];
	size_t n = t_unhex(hex, buf, sizeof buf);

	fsm_input(f, buf, n);
}

static int
last_is(const char *hex)
{
	uint8_t buf[256];
	size_t n = t_unhex(hex, buf, sizeof buf);

	if (nsent == 0 || sent_len[nsent - 1] != n ||
	    memcmp(sent[nsent - 1], buf, n) != 0) {
		size_t i;

		fprintf(stderr, "last sent:");
		for (i = 0; nsent && i < sent_len[nsent - 1]; i++)
			fprintf(stderr, " %02x", sent[nsent - 1][i]);
		fprintf(stderr, "\nexpected:  %s\n", hex);
		return 0;
	}
	return 1;
}

static void
clear(void)
{
	nsent = ups = downs = starts = finishes = 0;
}

/* A new automaton in the same memory: stop the old timer first. */
static void
fresh(struct fsm *f)
{
	if (f->timer.initialised)
		fsm_cleanup(f);
	fsm_init(f, "test", "t0", 0x8021, &cbs, NULL);
}

/* Bring a fresh automaton to Opened: our request id 1 acked, theirs acked. */
static void
to_opened(struct fsm *f)
{
	fresh(f);
	clear();
	fsm_open(f);
	fsm_up(f);
	feed(f, "01 07 00 07 01 03 11");
	feed(f, "02 01 00 07 01 03 11");
}

int
main(void)
{
	struct event_base *base = event_base_new();
	static struct fsm f;
	int i;

	log_open("test-fsm", 0, LOG_LVL_WARN);
	timer_set_base(base);

	/* Open before Up: Starting, then This-Layer-Started; Up sends a request. */
	fresh(&f);
	clear();
	fsm_open(&f);
	T_EQ_INT(f.state, FSM_STARTING);
	T_EQ_INT(starts, 1);
	T_EQ_INT(nsent, 0);
	fsm_up(&f);
	T_EQ_INT(f.state, FSM_REQSENT);
	T_CHECK(last_is("01 01 00 07 01 03 11"));
	T_CHECK(timer_pending(&f.timer));

	/* An Ack with the wrong identifier is ignored. */
	feed(&f, "02 09 00 07 01 03 11");
	T_EQ_INT(f.state, FSM_REQSENT);
	/* An Ack that does not repeat our options is ignored. */
	feed(&f, "02 01 00 07 01 03 12");
	T_EQ_INT(f.state, FSM_REQSENT);
	/* Their request: acked, Ack-Sent. */
	feed(&f, "01 07 00 07 01 03 11");
	T_EQ_INT(f.state, FSM_ACKSENT);
	T_CHECK(last_is("02 07 00 07 01 03 11"));
	/* Our request acked: Opened, This-Layer-Up, timer stopped. */
	feed(&f, "02 01 00 07 01 03 11");
	T_EQ_INT(f.state, FSM_OPENED);
	T_EQ_INT(ups, 1);
	T_CHECK(!timer_pending(&f.timer));

	/* Our Ack first, then theirs: Req-Sent -> Ack-Rcvd -> Opened. */
	fresh(&f);
	clear();
	fsm_open(&f);
	fsm_up(&f);
	feed(&f, "02 01 00 07 01 03 11");
	T_EQ_INT(f.state, FSM_ACKRCVD);
	T_CHECK(timer_pending(&f.timer));
	/* Their request Nak'ed: stays in Ack-Rcvd. */
	feed(&f, "01 03 00 07 02 03 05");
	T_CHECK(last_is("03 03 00 07 02 03 22"));
	T_EQ_INT(f.state, FSM_ACKRCVD);
	/* Unknown option rejected. */
	feed(&f, "01 04 00 06 09 02 01 02");
	T_CHECK(last_is("04 04 00 06 09 02"));
	feed(&f, "01 05 00 07 01 03 11");
	T_EQ_INT(f.state, FSM_OPENED);
	T_EQ_INT(ups, 1);
	/* Renegotiation by the peer: down, new request (id 2), ack. */
	clear();
	feed(&f, "01 06 00 07 01 03 11");
	T_EQ_INT(downs, 1);
	T_EQ_INT(nsent, 2);
	T_EQ_INT(sent[0][0], CP_CONFREQ);
	T_EQ_INT(sent[0][1], 2);
	T_CHECK(last_is("02 06 00 07 01 03 11"));
	T_EQ_INT(f.state, FSM_ACKSENT);

	/* Restart counter: Max-Configure requests, then TO- to Stopped. */
	fresh(&f);
	clear();
	fsm_open(&f);
	fsm_up(&f);
	for (i = 0; i < FSM_MAX_CONFIGURE; i++)
		fsm_timeout(&f);
	T_EQ_INT(nsent, FSM_MAX_CONFIGURE);
	/* Retransmissions keep the identifier. */
	T_CHECK(last_is("01 01 00 07 01 03 11"));
	T_EQ_INT(f.state, FSM_STOPPED);
	T_EQ_INT(finishes, 1);
	T_CHECK(!timer_pending(&f.timer));
	/* A request in Stopped restarts the negotiation. */
	clear();
	feed(&f, "01 09 00 07 01 03 11");
	T_EQ_INT(f.state, FSM_ACKSENT);
	T_EQ_INT(nsent, 2);

	/* Peer terminates an open link: Term-Ack, Stopping, down; then Stopped. */
	to_opened(&f);
	clear();
	feed(&f, "05 0a 00 08 62 79 65 21");
	T_CHECK(last_is("06 0a 00 04"));
	T_EQ_INT(f.state, FSM_STOPPING);
	T_EQ_INT(downs, 1);
	T_EQ_INT(f.peer_term, 1);
	T_EQ_STR(f.peer_term_msg, "bye!");
	T_CHECK(timer_pending(&f.timer));
	fsm_timeout(&f);
	T_EQ_INT(f.state, FSM_STOPPED);
	T_EQ_INT(finishes, 1);

	/* We close: Terminate-Request with our reason, Max-Terminate tries. */
	to_opened(&f);
	clear();
	fsm_close(&f, "stop");
	T_EQ_INT(f.state, FSM_CLOSING);
	T_EQ_INT(downs, 1);
	T_EQ_INT(sent[0][0], CP_TERMREQ);
	T_EQ_INT(sent_len[0], 8);
	T_EQ_MEM(sent[0] + 4, "stop", 4);
	fsm_timeout(&f);
	T_EQ_INT(nsent, FSM_MAX_TERMINATE);
	fsm_timeout(&f);
	T_EQ_INT(f.state, FSM_CLOSED);
	T_EQ_INT(finishes, 1);
	/* In Closed every request gets a Terminate-Ack. */
	feed(&f, "01 0b 00 07 01 03 11");
	T_CHECK(last_is("06 0b 00 04"));
	T_EQ_INT(f.state, FSM_CLOSED);

	/* Terminate-Ack ends Closing at once. */
	to_opened(&f);
	fsm_close(&f, NULL);
	clear();
	feed(&f, "06 02 00 04");
	T_EQ_INT(f.state, FSM_CLOSED);
	T_EQ_INT(finishes, 1);

	/* Unknown code: Code-Reject carrying the packet. */
	to_opened(&f);
	clear();
	feed(&f, "0e 05 00 06 aa bb");
	T_EQ_INT(sent[0][0], CP_CODEREJ);
	T_CHECK(last_is("07 02 00 0a 0e 05 00 06 aa bb"));
	T_EQ_INT(f.state, FSM_OPENED);
	/* A Code-Reject of Configure-Request is fatal (RXJ-). */
	clear();
	feed(&f, "07 06 00 08 01 01 00 04");
	T_EQ_INT(f.state, FSM_STOPPING);
	T_EQ_INT(downs, 1);
	T_EQ_INT(sent[0][0], CP_TERMREQ);

	/* Protocol-Reject of this protocol (RXJ-) before open: Stopped, finished. */
	fresh(&f);
	clear();
	fsm_open(&f);
	fsm_up(&f);
	fsm_proto_rejected(&f);
	T_EQ_INT(f.state, FSM_STOPPED);
	T_EQ_INT(finishes, 1);

	/* Max-Failure: after five Naks, options are rejected instead. */
	fresh(&f);
	clear();
	fsm_open(&f);
	fsm_up(&f);
	for (i = 0; i < FSM_MAX_FAILURE; i++) {
		feed(&f, "01 20 00 07 02 03 05");
		T_CHECK(last_is("03 20 00 07 02 03 22"));
	}
	feed(&f, "01 21 00 07 02 03 05");
	T_EQ_INT(last_may_nak, 0);
	T_CHECK(last_is("04 21 00 07 02 03 05"));

	/* Garbage never crashes nor changes state. */
	to_opened(&f);
	feed(&f, "01");
	feed(&f, "01 01 00 02");
	feed(&f, "01 01 00 09 01 03 11");
	feed(&f, "01 01 00 06 01 05");
	T_EQ_INT(f.state, FSM_OPENED);

	/* Down from Opened: Starting and This-Layer-Down; Up restarts. */
	clear();
	fsm_down(&f);
	T_EQ_INT(f.state, FSM_STARTING);
	T_EQ_INT(downs, 1);
	fsm_up(&f);
	T_EQ_INT(f.state, FSM_REQSENT);
	fsm_cleanup(&f);

	event_base_free(base);
	T_DONE();
}

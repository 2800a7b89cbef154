/* test-sstp-session.c - the SSTP client state machine driven by recorded server packets on a libevent base. */
#include "config.h"

#include <errno.h>

#include "log.h"
#include "sstp_msg.h"
#include "sstp_session.h"
#include "t.h"
#include "timer.h"

static struct event_base *base;

/* What the session did, as the tunnel would see it. */
static struct {
	uint8_t	 out[65536];
	size_t	 outlen;
	size_t	 wstart[64];
	size_t	 wlen[64];
	int	 nwrites;
	int	 acked;
	uint8_t	 data[4096];
	size_t	 datalen;
	int	 ndata;
	int	 closed;
	char	 reason[256];
	int	 free_in_close;
	struct sstp_session *s;
} rec;

static void
write_cb(void *arg, const uint8_t *buf, size_t len)
{
	T_CHECK(rec.nwrites < 64 && rec.outlen + len <= sizeof rec.out);
	if (rec.nwrites >= 64 || rec.outlen + len > sizeof rec.out)
		return;
	memcpy(rec.out + rec.outlen, buf, len);
	rec.wstart[rec.nwrites] = rec.outlen;
	rec.wlen[rec.nwrites] = len;
	rec.nwrites++;
	rec.outlen += len;
}

static void
acked_cb(void *arg)
{
	rec.acked++;
}

static void
data_cb(void *arg, const uint8_t *frame, size_t len)
{
	if (len <= sizeof rec.data) {
		memcpy(rec.data, frame, len);
		rec.datalen = len;
	}
	rec.ndata++;
}

static void
closed_cb(void *arg, const char *reason)
{
	rec.closed++;
	snprintf(rec.reason, sizeof rec.reason, "%s", reason);
	if (rec.free_in_close) {
		sstp_session_free(rec.s);
		rec.s = NULL;
	}
}

static const struct sstp_session_callbacks callbacks = {
	write_cb, acked_cb, data_cb, closed_cb
};

static void
run_ms(unsigned int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Decode write i (negative: from the end) and return its message type, 0 for data. */
static int
written(int i, struct sstp_msg *m)
{
	static struct sstp_msg	 tmp;

	if (m == NULL)
		m = &tmp;
	if (i < 0)
		i += rec.nwrites;
	if (i < 0 || i >= rec.nwrites)
		return -1;
	if (sstp_msg_decode(rec.out + rec.wstart[i], rec.wlen[i], m) != 0)
		return -2;
	return m->control ? m->type : 0;
}

/* The status of the first STATUS_INFO of write i, or -1. */
static long
written_status(int i)
{
	struct sstp_msg		 m;
	const struct sstp_attr	*a;

	if (written(i, &m) < 0)
		return -1;
	if ((a = sstp_msg_find(&m, SSTP_ATTR_STATUS_INFO)) == NULL)
		return -1;
	return (long)a->u.status.status;
}

static void
feed_hex(struct sstp_session *s, const char *hex)
{
	uint8_t	buf[4096];
	size_t	len = t_unhex(hex, buf, sizeof buf);

	sstp_session_input(s, buf, len);
}

static struct sstp_session *
new_session(unsigned int hello_ms, unsigned int negotiation_ms)
{
	struct sstp_session_config cfg;

	memset(&rec, 0, sizeof rec);
	memset(&cfg, 0, sizeof cfg);
	cfg.hello_ms = hello_ms;
	cfg.negotiation_ms = negotiation_ms;
	cfg.name = "test0";
	/* The MS-SSTP example's certificate hashes. */
	t_unhex("7993ef314c493dace9f02d60e7e61c84b6690aafe9d7aeea92cbbe8ad599422d",
	    cfg.cert_sha256, sizeof cfg.cert_sha256);
	t_unhex("5826b629bda59b8e6fd8dcd2622fd34c534805a5", cfg.cert_sha1,
	    sizeof cfg.cert_sha1);
	rec.s = sstp_session_new(&cfg, &callbacks, NULL);
	return rec.s;
}

#define ACK_SHA256 \
	"10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 03" \
	"412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c435"
#define ACK_SHA1 \
	"10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 01" \
	"0f1a2d58d4a3e3000fad3ce4906e07b707aa9e441cceac5cbd7b2cc1c9d86cdf"
#define NAK \
	"10 01 00 16 00 03 00 01 00 02 00 0e 00 00 00 01 00 00 00 04 00 01"
#define ABORT_8 "10 01 00 14 00 05 00 01 00 02 00 0c 00 00 00 00 00 00 00 08"
#define ABORT_0 "10 01 00 14 00 05 00 01 00 02 00 0c 00 00 00 00 00 00 00 00"
#define DISCONNECT "10 01 00 14 00 06 00 01 00 02 00 0c 00 00 00 00 00 00 00 00"
#define DISCONNECT_ACK "10 01 00 08 00 07 00 00"
#define ECHO_REQUEST "10 01 00 08 00 08 00 00"
#define ECHO_RESPONSE "10 01 00 08 00 09 00 00"
#define DATA_LCP "10 00 00 0a ff 03 c0 21 09 01"

/* Ack (fed one byte at a time), data both ways, echo, Call Connected (SHA-256). */
static void
test_sha256_call(void)
{
	struct sstp_session	*s = new_session(0, 0);
	uint8_t			 buf[256], want[256], frame[16];
	size_t			 len, i;

	T_EQ_INT(sstp_session_state(s), SSTP_S_IDLE);
	T_EQ_STR(sstp_session_binding(s), "none");
	sstp_session_start(s);
	T_EQ_INT(sstp_session_state(s), SSTP_S_CONNECT_SENT);
	T_EQ_INT(rec.nwrites, 1);
	len = t_unhex("10 01 00 0e 00 01 00 01 00 01 00 06 00 01", want,
	    sizeof want);
	T_EQ_INT(rec.wlen[0], len);
	T_EQ_MEM(rec.out, want, len);

	/* An echo before the Ack is answered too. */
	feed_hex(s, ECHO_REQUEST);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_ECHO_RESPONSE);

	len = t_unhex(ACK_SHA256, buf, sizeof buf);
	for (i = 0; i < len; i++) {
		T_EQ_INT(rec.acked, 0);
		sstp_session_input(s, buf + i, 1);
	}
	T_EQ_INT(rec.acked, 1);
	T_EQ_INT(sstp_session_state(s), SSTP_S_ACKED);

	/* A data packet and an echo request in one read, split oddly. */
	len = t_unhex(DATA_LCP ECHO_REQUEST DATA_LCP, buf, sizeof buf);
	sstp_session_input(s, buf, 3);
	sstp_session_input(s, buf + 3, 12);
	T_EQ_INT(rec.ndata, 1);
	T_EQ_INT(rec.datalen, 6);
	T_EQ_INT(rec.data[2], 0xc0);
	sstp_session_input(s, buf + 15, len - 15);
	T_EQ_INT(rec.ndata, 2);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_ECHO_RESPONSE);

	/* Our frame goes out with its header in the headroom. */
	t_unhex("00000000 ff 03 c0 21 0a 02", frame, sizeof frame);
	T_EQ_INT(sstp_session_send_data(s, frame + 4, 6), 0);
	t_unhex("10 00 00 0a ff 03 c0 21 0a 02", want, sizeof want);
	T_EQ_INT(rec.wlen[rec.nwrites - 1], 10);
	T_EQ_MEM(rec.out + rec.wstart[rec.nwrites - 1], want, 10);
	T_EQ_INT(sstp_session_send_data(s, frame + 4, SSTP_MAX_DATA + 1),
	    -EMSGSIZE);

	/* Call Connected: the MS-SSTP example, MAC included. */
	t_unhex("2a1bb40d55ab0f5ef32f06f2b3cc73c48fd3fac41d7a1315a19228d9024ca164",
	    buf, sizeof buf);
	sstp_session_auth_done(s, buf);
	len = t_unhex("100100700004000100030068000000 02 "
	    "412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c435 "
	    "7993ef314c493dace9f02d60e7e61c84b6690aafe9d7aeea92cbbe8ad599422d "
	    "52a68efd8cffbf52770b8f0fe8ec73716583af6d611eb6d179b3b20840985449",
	    want, sizeof want);
	T_EQ_INT(rec.wlen[rec.nwrites - 1], 112);
	T_EQ_MEM(rec.out + rec.wstart[rec.nwrites - 1], want, 112);
	T_EQ_STR(sstp_session_binding(s), "sha256");
	T_EQ_INT(sstp_session_state(s), SSTP_S_CONNECTED);
	/* A second auth_done sends nothing. */
	i = (size_t)rec.nwrites;
	sstp_session_auth_done(s, NULL);
	T_EQ_INT(rec.nwrites, i);

	feed_hex(s, DATA_LCP);
	T_EQ_INT(rec.ndata, 3);
	T_EQ_INT(rec.closed, 0);
	sstp_session_free(s);
}

/* SHA-1 only: the SHA-1 example; the MAC field is 20 bytes then zeros. */
static void
test_sha1_call(void)
{
	struct sstp_session	*s = new_session(0, 0);
	uint8_t			 hlak[32], mac[20], zeros[12];
	const uint8_t		*cc;

	sstp_session_start(s);
	feed_hex(s, ACK_SHA1);
	T_EQ_INT(rec.acked, 1);
	t_unhex("4b3128f43925d9006eefb1c4e86515a1d88e56bab3ca2bdf0373b7f5a8a13b19",
	    hlak, sizeof hlak);
	sstp_session_auth_done(s, hlak);
	T_EQ_STR(sstp_session_binding(s), "sha1");
	T_EQ_INT(rec.wlen[rec.nwrites - 1], 112);
	cc = rec.out + rec.wstart[rec.nwrites - 1];
	t_unhex("69915dd583d8062fef16f61db2f03290ec27cb6c", mac, sizeof mac);
	memset(zeros, 0, sizeof zeros);
	T_EQ_INT(cc[15], SSTP_HASH_PROTO_SHA1);
	T_EQ_MEM(cc + 80, mac, 20);
	T_EQ_MEM(cc + 100, zeros, 12);
	T_EQ_MEM(cc + 68, zeros, 12);
	sstp_session_free(s);
}

/* Naks are retried three times; the fourth ends the call with a reason. */
static void
test_nak(void)
{
	struct sstp_session	*s = new_session(0, 0);
	int			 i;

	sstp_session_start(s);
	for (i = 0; i < 3; i++) {
		feed_hex(s, NAK);
		T_EQ_INT(rec.nwrites, i + 2);
		T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_CONNECT_REQUEST);
		T_EQ_INT(sstp_session_state(s), SSTP_S_CONNECT_SENT);
	}
	feed_hex(s, NAK);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_ABORT);
	T_EQ_INT(written_status(-1), SSTP_STATUS_RETRY_COUNT_EXCEEDED);
	T_EQ_INT(sstp_session_state(s), SSTP_S_DISCONNECTING);
	/* The server answers our Abort: T2, then closed. */
	feed_hex(s, ABORT_0);
	T_EQ_INT(rec.closed, 0);
	run_ms(1300);
	T_EQ_INT(rec.closed, 1);
	T_EQ_INT(sstp_session_state(s), SSTP_S_CLOSED);
	T_CHECK(strstr(rec.reason, "refused the call 4 times") != NULL);
	T_CHECK(strstr(rec.reason, "status 4 (value not supported) for "
	    "ENCAPSULATED_PROTOCOL_ID") != NULL);
	T_CHECK(strstr(rec.reason, "status 6 (retry count exceeded)") != NULL);
	fprintf(stderr, "nak reason: %s\n", rec.reason);
	sstp_session_free(s);
}

/* The server aborts: we answer with an Abort, wait T2, and say why. */
static void
test_server_abort(void)
{
	struct sstp_session	*s = new_session(0, 0);
	int			 n;

	sstp_session_start(s);
	feed_hex(s, ACK_SHA256);
	feed_hex(s, ABORT_8);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_ABORT);
	T_EQ_INT(sstp_session_state(s), SSTP_S_DISCONNECTING);
	/* In T2 everything is ignored: no echo answer, no data. */
	n = rec.nwrites;
	feed_hex(s, ECHO_REQUEST DATA_LCP);
	T_EQ_INT(rec.nwrites, n);
	T_EQ_INT(rec.ndata, 0);
	run_ms(600);
	T_EQ_INT(rec.closed, 0);
	run_ms(600);
	T_EQ_INT(rec.closed, 1);
	T_EQ_STR(rec.reason, "server aborted the call: status 8 (negotiation "
	    "timeout)");
	sstp_session_free(s);
}

/* Hello: an echo after one quiet period, closed after the second. */
static void
test_hello(void)
{
	struct sstp_session	*s = new_session(200, 0);

	sstp_session_start(s);
	feed_hex(s, ACK_SHA256);
	sstp_session_auth_done(s, NULL);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_CONNECTED);
	run_ms(120);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_CONNECTED);
	/* Traffic pushes the keepalive back. */
	feed_hex(s, DATA_LCP);
	run_ms(120);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_CONNECTED);
	run_ms(150);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_ECHO_REQUEST);
	/* Any packet is life, and after another quiet period, another echo. */
	feed_hex(s, ECHO_REQUEST);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_ECHO_RESPONSE);
	run_ms(250);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_ECHO_REQUEST);
	T_EQ_INT(rec.closed, 0);
	run_ms(250);
	T_EQ_INT(rec.closed, 1);
	T_CHECK(strncmp(rec.reason, "no answer to keepalive", 22) == 0);
	T_EQ_INT(sstp_session_state(s), SSTP_S_CLOSED);
	sstp_session_free(s);
}

/* We disconnect: Disconnect with a status, closed on the Ack. */
static void
test_disconnect_ours(void)
{
	struct sstp_session	*s = new_session(0, 0);

	sstp_session_start(s);
	feed_hex(s, ACK_SHA256);
	sstp_session_auth_done(s, NULL);
	sstp_session_disconnect(s);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_DISCONNECT);
	T_EQ_INT(written_status(-1), SSTP_STATUS_NO_ERROR);
	T_EQ_INT(sstp_session_state(s), SSTP_S_DISCONNECTING);
	/* Data in flight is dropped now. */
	feed_hex(s, DATA_LCP);
	T_EQ_INT(rec.ndata, 0);
	T_EQ_INT(rec.closed, 0);
	feed_hex(s, DISCONNECT_ACK);
	T_EQ_INT(rec.closed, 1);
	T_EQ_STR(rec.reason, "disconnected");
	sstp_session_free(s);

	/* No Ack: T1 (5 s) ends it anyway. */
	s = new_session(0, 0);
	sstp_session_start(s);
	feed_hex(s, ACK_SHA1);
	sstp_session_disconnect(s);
	run_ms(4500);
	T_EQ_INT(rec.closed, 0);
	run_ms(700);
	T_EQ_INT(rec.closed, 1);
	T_CHECK(strstr(rec.reason, "did not acknowledge") != NULL);
	sstp_session_free(s);
}

/* The server disconnects: we Ack, wait T2, and say why. */
static void
test_disconnect_theirs(void)
{
	struct sstp_session	*s = new_session(0, 0);

	sstp_session_start(s);
	feed_hex(s, ACK_SHA256);
	feed_hex(s, DISCONNECT);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_DISCONNECT_ACK);
	T_EQ_INT(rec.closed, 0);
	run_ms(1200);
	T_EQ_INT(rec.closed, 1);
	T_EQ_STR(rec.reason, "server disconnected the call: status 0 (no error)");
	sstp_session_free(s);
}

/* Invalid and unexpected messages get an Abort with the right status. */
static void
test_invalid(void)
{
	struct sstp_session	*s = new_session(0, 0);

	sstp_session_start(s);
	/* An Ack whose binding request is 39 bytes long. */
	feed_hex(s, "10 01 00 2f 00 02 00 01 00 04 00 27 00 00 00 03"
	    "412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c4");
	T_EQ_INT(rec.acked, 0);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_ABORT);
	T_EQ_INT(written_status(-1), SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH);
	/* While we wait for the server's Abort, the rest is ignored. */
	feed_hex(s, ACK_SHA256);
	T_EQ_INT(rec.acked, 0);
	feed_hex(s, ABORT_0);
	run_ms(1200);
	T_EQ_INT(rec.closed, 1);
	T_CHECK(strstr(rec.reason, "invalid message") != NULL);
	T_CHECK(strstr(rec.reason, "CRYPTO_BINDING_REQ") != NULL);
	sstp_session_free(s);

	/* A second Ack is out of place. */
	s = new_session(0, 0);
	sstp_session_start(s);
	feed_hex(s, ACK_SHA256);
	feed_hex(s, ACK_SHA256);
	T_EQ_INT(rec.acked, 1);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_ABORT);
	T_EQ_INT(written_status(-1), SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED);
	/* No answer to our Abort: T1 (3 s). */
	run_ms(2800);
	T_EQ_INT(rec.closed, 0);
	run_ms(400);
	T_EQ_INT(rec.closed, 1);
	T_CHECK(strstr(rec.reason, "unexpected CALL_CONNECT_ACK") != NULL);
	sstp_session_free(s);
}

/* Not SSTP at all: dropped at once, nothing sent; freeing in closed_cb is safe. */
static void
test_unparseable(void)
{
	struct sstp_session	*s = new_session(0, 0);
	const char		*http = "HTTP/1.1 400 Bad Request\r\n\r\n";

	sstp_session_start(s);
	rec.free_in_close = 1;
	sstp_session_input(s, (const uint8_t *)http, strlen(http));
	T_EQ_INT(rec.nwrites, 1);
	T_EQ_INT(rec.closed, 1);
	T_CHECK(strstr(rec.reason, "unparseable") != NULL);
	T_CHECK(strstr(rec.reason, "0x48") != NULL);
	T_CHECK(rec.s == NULL);

	/* A length below the header, after a good packet in the same read. */
	s = new_session(0, 0);
	sstp_session_start(s);
	feed_hex(s, ACK_SHA256 "10 00 00 02");
	T_EQ_INT(rec.acked, 1);
	T_EQ_INT(rec.closed, 1);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_CONNECT_REQUEST);
	T_CHECK(strstr(rec.reason, "length 2") != NULL);
	sstp_session_free(s);
}

/* No Ack in time: Abort with status 8, and the reason says so. */
static void
test_negotiation_timeout(void)
{
	struct sstp_session	*s = new_session(0, 150);

	sstp_session_start(s);
	run_ms(100);
	T_EQ_INT(rec.nwrites, 1);
	run_ms(100);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_ABORT);
	T_EQ_INT(written_status(-1), SSTP_STATUS_NEGOTIATION_TIMEOUT);
	feed_hex(s, ABORT_8);
	run_ms(1100);
	T_EQ_INT(rec.closed, 1);
	T_CHECK(strstr(rec.reason, "negotiation timeout: no Call Connect Ack")
	    != NULL);
	sstp_session_free(s);

	/* Acked, but PPP never finishes authentication. */
	s = new_session(0, 150);
	sstp_session_start(s);
	feed_hex(s, ACK_SHA256);
	run_ms(200);
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_ABORT);
	sstp_session_disconnect(s);	/* too late: nothing more is sent */
	T_EQ_INT(written(-1, NULL), SSTP_MSG_CALL_ABORT);
	run_ms(3200);
	T_EQ_INT(rec.closed, 1);
	T_CHECK(strstr(rec.reason, "authentication did not finish") != NULL);
	sstp_session_free(s);
}

int
main(void)
{
	log_open("test-sstp-session", 0, LOG_LVL_WARN);
	base = event_base_new();
	timer_set_base(base);
	sstp_session_free(NULL);
	test_sha256_call();
	test_sha1_call();
	test_nak();
	test_server_abort();
	test_hello();
	test_disconnect_ours();
	test_disconnect_theirs();
	test_invalid();
	test_unparseable();
	test_negotiation_timeout();
	event_base_free(base);
	T_DONE();
}

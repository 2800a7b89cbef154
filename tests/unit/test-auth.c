/* test-auth.c - PAP, CHAP-MD5, MS-CHAPv1/v2 and EAP-MSCHAPv2 client exchanges, and method choice. */
#include "config.h"

#include <event2/event.h>

#include "auth_priv.h"
#include "log.h"
#include "ppp.h"
#include "t.h"

#define MAXOUT 16

static struct {
	uint16_t	 proto;
	uint8_t		 pkt[AUTH_PKT_MAX];
	size_t		 len;
} outs[MAXOUT];
static int nout;
static int ndone, done_ok, have_hlak, free_in_done;
static char reason[AUTH_REASON_MAX];
static uint8_t hlak[MSCHAP_HLAK_LEN];
static struct auth *current;

static void
output_cb(void *arg, uint16_t proto, const uint8_t *pkt, size_t len)
{
	if (nout == MAXOUT || len > sizeof outs[0].pkt) {
		fprintf(stderr, "too many or too long packets\n");
		exit(1);
	}
	outs[nout].proto = proto;
	memcpy(outs[nout].pkt, pkt, len);
	outs[nout].len = len;
	nout++;
}

static void
done_cb(void *arg, int ok, const char *why, const uint8_t *key)
{
	ndone++;
	done_ok = ok;
	snprintf(reason, sizeof reason, "%s", why != NULL ? why : "");
	have_hlak = key != NULL;
	if (key != NULL)
		memcpy(hlak, key, sizeof hlak);
	if (free_in_done) {
		auth_free(current);
		current = NULL;
	}
}

static const struct auth_callbacks cbs = { output_cb, done_cb };

/* RFC 2759 9.2's peer challenge, then counting bytes for any more. */
static int nrandom;

static void
fixed_random(uint8_t *buf, size_t len)
{
	size_t i;

	if (nrandom++ == 0 && len == 16) {
		t_unhex("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E",
		    buf, len);
		return;
	}
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(0xa0 + i + nrandom);
}

static struct auth *
start(uint16_t proto, uint8_t alg, const char *user, const char *password)
{
	nout = ndone = done_ok = have_hlak = free_in_done = nrandom = 0;
	reason[0] = '\0';
	memset(hlak, 0, sizeof hlak);
	current = auth_new(proto, alg, user, password, &cbs, NULL);
	auth_set_ifname(current, "test0");
	auth_set_random(current, fixed_random);
	return current;
}

/* A packet: code, id, length, then the hex bytes, then the text. */
static size_t
make(uint8_t *buf, uint8_t code, uint8_t id, const char *hex,
    const char *text)
{
	size_t n = 4;

	buf[0] = code;
	buf[1] = id;
	n += t_unhex(hex, buf + 4, 512);
	memcpy(buf + n, text, strlen(text));
	n += strlen(text);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	return n;
}

static void
feed(uint16_t proto, uint8_t code, uint8_t id, const char *hex,
    const char *text)
{
	uint8_t buf[600];
	size_t n;

	n = make(buf, code, id, hex, text);
	auth_input(current, proto, buf, n);
}

/* Is output 'i' exactly this packet? */
static int
sent(int i, uint16_t proto, uint8_t code, uint8_t id, const char *hex,
    const char *text)
{
	uint8_t buf[600];
	size_t n;

	if (i >= nout)
		return 0;
	n = make(buf, code, id, hex, text);
	return outs[i].proto == proto && outs[i].len == n &&
	    memcmp(outs[i].pkt, buf, n) == 0;
}

#define MUTUAL_FAILED "authentication failed: server failed MS-CHAPv2" \
    " mutual authentication"

/* done_cb ran once, with a failure and this reason. */
#define T_FAILED(why) do {						\
	T_EQ_INT(ndone, 1);						\
	T_EQ_INT(done_ok, 0);						\
	T_EQ_STR(reason, (why));					\
} while (0)

/* RFC 2759 9.2's authenticator challenge, under CHAP and under EAP. */
static void
chap_rfc_challenge(uint8_t id, const char *name)
{
	feed(PPP_PROTO_CHAP, CHAP_CHALLENGE, id, "10 5B 5D 7C 7D 7B 3F 2F 3E"
	    " 3C 2C 60 21 32 26 26 28", name);
}

static void
eap_rfc_challenge(uint8_t id, const char *name)
{
	feed(PPP_PROTO_EAP, EAP_REQUEST, id, "1a 01 44 00 15 10 5B 5D 7C 7D 7B"
	    " 3F 2F 3E 3C 2C 60 21 32 26 26 28", name);
}

static const char rfc_value[] =
    "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E"	/* peer challenge */
    " 00 00 00 00 00 00 00 00"
    " 82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF"
    " 00";
static const char rfc_authresp[] = "S=407A5589115FD0D6209F510FE9C04566932CDA56";
static const char rfc_recv_key[] =
    "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB";

static void
test_choice(void)
{
	uint8_t alg = 0xff;
	unsigned int all = PPP_AUTH_ALL;

	T_EQ_INT(auth_allowed(PPP_PROTO_PAP, 0, PPP_AUTH_PAP), 1);
	T_EQ_INT(auth_allowed(PPP_PROTO_PAP, 0, all & ~PPP_AUTH_PAP), 0);
	T_EQ_INT(auth_allowed(PPP_PROTO_CHAP, CHAP_ALG_MD5, PPP_AUTH_CHAP), 1);
	T_EQ_INT(auth_allowed(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, PPP_AUTH_CHAP),
	    0);
	T_EQ_INT(auth_allowed(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2,
	    PPP_AUTH_MSCHAP2), 1);
	T_EQ_INT(auth_allowed(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP1,
	    PPP_AUTH_MSCHAP2), 0);
	T_EQ_INT(auth_allowed(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP1,
	    PPP_AUTH_MSCHAP1), 1);
	T_EQ_INT(auth_allowed(PPP_PROTO_CHAP, 0x06, all), 0);
	T_EQ_INT(auth_allowed(PPP_PROTO_EAP, 0, PPP_AUTH_EAP), 1);
	T_EQ_INT(auth_allowed(PPP_PROTO_EAP, 0, all & ~PPP_AUTH_EAP), 0);
	T_EQ_INT(auth_allowed(0xc025, 0, all), 0);
	/* 0 is the default: everything but EAP. */
	T_EQ_INT(auth_allowed(PPP_PROTO_PAP, 0, 0), 1);
	T_EQ_INT(auth_allowed(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, 0), 1);
	T_EQ_INT(auth_allowed(PPP_PROTO_EAP, 0, 0), 0);

	T_EQ_INT(auth_pick(all, 0, &alg), PPP_PROTO_CHAP);
	T_EQ_INT(alg, CHAP_ALG_MSCHAP2);
	T_EQ_INT(auth_pick(all, PPP_AUTH_MSCHAP2, &alg), PPP_PROTO_EAP);
	T_EQ_INT(alg, 0);
	T_EQ_INT(auth_pick(all, PPP_AUTH_MSCHAP2 | PPP_AUTH_EAP, &alg),
	    PPP_PROTO_CHAP);
	T_EQ_INT(alg, CHAP_ALG_MSCHAP1);
	T_EQ_INT(auth_pick(all, PPP_AUTH_MSCHAP2 | PPP_AUTH_EAP |
	    PPP_AUTH_MSCHAP1, &alg), PPP_PROTO_CHAP);
	T_EQ_INT(alg, CHAP_ALG_MD5);
	T_EQ_INT(auth_pick(all, all & ~PPP_AUTH_PAP, &alg), PPP_PROTO_PAP);
	T_EQ_INT(auth_pick(all, all, &alg), 0);
	T_EQ_INT(alg, 0);
	T_EQ_INT(auth_pick(PPP_AUTH_PAP | PPP_AUTH_CHAP, 0, &alg),
	    PPP_PROTO_CHAP);
	T_EQ_INT(alg, CHAP_ALG_MD5);
	T_EQ_INT(auth_pick(PPP_AUTH_PAP | PPP_AUTH_EAP, 0, &alg),
	    PPP_PROTO_EAP);
	T_EQ_INT(auth_pick(PPP_AUTH_PAP, 0, NULL), PPP_PROTO_PAP);
	T_EQ_INT(auth_pick(0, 0, &alg), PPP_PROTO_CHAP);
	T_EQ_INT(alg, CHAP_ALG_MSCHAP2);
	T_EQ_INT(auth_pick(0, PPP_AUTH_MSCHAP2, &alg), PPP_PROTO_CHAP);
	T_EQ_INT(alg, CHAP_ALG_MSCHAP1);

	T_EQ_STR(auth_method_name(PPP_PROTO_PAP, 0), "pap");
	T_EQ_STR(auth_method_name(PPP_PROTO_CHAP, CHAP_ALG_MD5), "chap");
	T_EQ_STR(auth_method_name(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP1), "mschap1");
	T_EQ_STR(auth_method_name(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2), "mschap2");
	T_EQ_STR(auth_method_name(PPP_PROTO_EAP, 0), "eap-mschap2");
	T_EQ_STR(auth_method_name(PPP_PROTO_CHAP, 0x06), "unknown");
}

static void
test_pap(void)
{
	struct auth *a;

	/* Request out; Ack in. */
	a = start(PPP_PROTO_PAP, 0, "User", "clientPass");
	feed(PPP_PROTO_PAP, PAP_AUTH_ACK, 1, "00", "");	/* before start */
	T_EQ_INT(ndone, 0);
	auth_start(a);
	T_EQ_INT(nout, 1);
	T_CHECK(sent(0, PPP_PROTO_PAP, PAP_AUTH_REQ, 1, "04 55 73 65 72 0a",
	    "clientPass"));
	feed(PPP_PROTO_PAP, PAP_AUTH_ACK, 9, "00", "");	/* wrong id */
	T_EQ_INT(ndone, 0);
	feed(PPP_PROTO_PAP, PAP_AUTH_ACK, 1, "07", "Welcome");
	T_EQ_INT(ndone, 1);
	T_EQ_INT(done_ok, 1);
	T_EQ_INT(have_hlak, 0);
	feed(PPP_PROTO_PAP, PAP_AUTH_ACK, 1, "00", "");	/* duplicate */
	T_EQ_INT(ndone, 1);
	auth_free(a);

	/* Nak with the server's message. */
	a = start(PPP_PROTO_PAP, 0, "User", "wrong");
	auth_start(a);
	feed(PPP_PROTO_PAP, PAP_AUTH_NAK, 1, "0c", "Bad password");
	T_FAILED("authentication failed: PAP refused: Bad password");
	auth_free(a);

	/* A Nak without a message, and one whose Msg-Length lies. */
	a = start(PPP_PROTO_PAP, 0, "User", "wrong");
	auth_start(a);
	feed(PPP_PROTO_PAP, PAP_AUTH_NAK, 1, "", "");
	T_EQ_STR(reason, "authentication failed: PAP refused");
	auth_free(a);
	a = start(PPP_PROTO_PAP, 0, "User", "wrong");
	auth_start(a);
	feed(PPP_PROTO_PAP, PAP_AUTH_NAK, 1, "ff", "No");
	T_EQ_STR(reason, "authentication failed: PAP refused: No");
	auth_free(a);

	/* Malformed answers are dropped. */
	a = start(PPP_PROTO_PAP, 0, "User", "clientPass");
	auth_start(a);
	auth_input(a, PPP_PROTO_PAP, (const uint8_t *)"\x02\x01\x00", 3);
	auth_input(a, PPP_PROTO_PAP, (const uint8_t *)"\x02\x01\x00\x09\x00",
	    5);
	auth_input(a, PPP_PROTO_PAP, (const uint8_t *)"\x02\x01\x00\x02", 4);
	auth_input(a, PPP_PROTO_CHAP, (const uint8_t *)"\x03\x01\x00\x04", 4);
	T_EQ_INT(ndone, 0);
	T_EQ_INT(nout, 1);
	auth_free(a);
}

/* PAP restarts with new identifiers, then gives up. */
static void
test_pap_timeout(struct event_base *base)
{
	struct auth *a;

	a = start(PPP_PROTO_PAP, 0, "User", "clientPass");
	auth_set_timers(a, 10, 3, 0);
	auth_start(a);
	event_base_dispatch(base);
	T_EQ_INT(nout, 3);
	T_CHECK(sent(0, PPP_PROTO_PAP, PAP_AUTH_REQ, 1, "04 55 73 65 72 0a",
	    "clientPass"));
	T_CHECK(sent(1, PPP_PROTO_PAP, PAP_AUTH_REQ, 2, "04 55 73 65 72 0a",
	    "clientPass"));
	T_CHECK(sent(2, PPP_PROTO_PAP, PAP_AUTH_REQ, 3, "04 55 73 65 72 0a",
	    "clientPass"));
	T_FAILED("authentication failed: no answer to 3 PAP requests");
	auth_free(a);

	/* An Ack to the second request ends it; the answer to the first
	 * arriving late is ignored. */
	a = start(PPP_PROTO_PAP, 0, "User", "clientPass");
	auth_set_timers(a, 10, 3, 0);
	auth_start(a);
	event_base_loop(base, EVLOOP_ONCE);
	T_EQ_INT(nout, 2);
	feed(PPP_PROTO_PAP, PAP_AUTH_NAK, 1, "00", "");
	T_EQ_INT(ndone, 0);
	feed(PPP_PROTO_PAP, PAP_AUTH_ACK, 2, "00", "");
	T_EQ_INT(ndone, 1);
	T_EQ_INT(done_ok, 1);
	event_base_dispatch(base);
	T_EQ_INT(nout, 2);
	auth_free(a);

	/* CHAP waits for a challenge, not for ever. */
	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, "User", "clientPass");
	auth_set_timers(a, 0, 0, 10);
	auth_start(a);
	event_base_dispatch(base);
	T_FAILED("authentication failed: the server sent no CHAP"
	    " challenge in 0 s");
	auth_free(a);
}

static void
test_chap_md5(void)
{
	struct auth *a;

	a = start(PPP_PROTO_CHAP, CHAP_ALG_MD5, "User", "clientPass");
	auth_start(a);
	T_EQ_INT(nout, 0);
	feed(PPP_PROTO_CHAP, CHAP_CHALLENGE, 7,
	    "10 0123456789abcdeffedcba9876543210", "server");
	T_EQ_INT(nout, 1);
	T_CHECK(sent(0, PPP_PROTO_CHAP, CHAP_RESPONSE, 7,
	    "10 64f6aca458ffc547f3a70b4346aef9f5", "User"));
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 7, "", "Welcome");
	T_EQ_INT(ndone, 1);
	T_EQ_INT(done_ok, 1);
	T_EQ_INT(have_hlak, 0);
	auth_free(a);

	a = start(PPP_PROTO_CHAP, CHAP_ALG_MD5, "User", "wrong");
	auth_start(a);
	feed(PPP_PROTO_CHAP, CHAP_CHALLENGE, 8, "04 01020304", "");
	feed(PPP_PROTO_CHAP, CHAP_FAILURE, 8, "", "Access denied");
	T_EQ_STR(reason, "authentication failed: CHAP refused: Access denied");
	auth_free(a);
}

static void
test_mschap1(void)
{
	struct auth *a;

	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP1, "User", "MyPw");
	auth_start(a);
	/* RFC 2433 B.2. */
	feed(PPP_PROTO_CHAP, CHAP_CHALLENGE, 3, "08 10 2D B5 DF 08 5D 30 41",
	    "");
	T_CHECK(sent(0, PPP_PROTO_CHAP, CHAP_RESPONSE, 3, "31"
	    " 000000000000000000000000000000000000000000000000"
	    " 4E 9D 3C 8F 9C FD 38 5D 5B F4 D3 24 67 91 95 6C A4 C3 51 AB 40"
	    " 9A 3D 61 01", "User"));
	/* A wrong-sized challenge is dropped. */
	feed(PPP_PROTO_CHAP, CHAP_CHALLENGE, 4, "10 0123456789abcdeffedcba9876543210", "");
	T_EQ_INT(nout, 1);
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 3, "", "");
	T_EQ_INT(done_ok, 1);
	T_EQ_INT(have_hlak, 0);
	auth_free(a);

	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP1, "User", "wrong");
	auth_start(a);
	feed(PPP_PROTO_CHAP, CHAP_CHALLENGE, 3, "08 10 2D B5 DF 08 5D 30 41",
	    "");
	feed(PPP_PROTO_CHAP, CHAP_FAILURE, 3, "", "E=691 R=1");
	T_FAILED("authentication failed: E=691 (bad user name or"
	    " password)");
	auth_free(a);
}

static void
test_mschap2(void)
{
	struct auth *a;
	uint8_t want[MSCHAP_HLAK_LEN], nt[MSCHAP_NT_RESPONSE_LEN];
	char succ[100];

	snprintf(succ, sizeof succ, "%s M=Welcome", rfc_authresp);

	/* RFC 2759 9.2, end to end. */
	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, "User", "clientPass");
	auth_start(a);
	feed(PPP_PROTO_CHAP, CHAP_CHALLENGE, 0x21, "10", "");	/* short */
	auth_input(a, PPP_PROTO_CHAP, (const uint8_t *)"\x01\x22\x01\x00\x10",
	    5);	/* length beyond the data */
	T_EQ_INT(nout, 0);
	chap_rfc_challenge(0x20, "server");
	T_EQ_INT(nout, 1);
	{
		char hex[200];

		snprintf(hex, sizeof hex, "31 %s", rfc_value);
		T_CHECK(sent(0, PPP_PROTO_CHAP, CHAP_RESPONSE, 0x20, hex,
		    "User"));
		/* The server did not hear us: the very same Response again. */
		chap_rfc_challenge(0x20, "server");
		T_EQ_INT(nout, 2);
		T_CHECK(sent(1, PPP_PROTO_CHAP, CHAP_RESPONSE, 0x20, hex,
		    "User"));
	}
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 0x1f, "", succ);	/* wrong id */
	T_EQ_INT(ndone, 0);
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 0x20, "", succ);
	T_EQ_INT(ndone, 1);
	T_EQ_INT(done_ok, 1);
	T_EQ_INT(have_hlak, 1);
	t_unhex(rfc_value + 72, nt, sizeof nt);
	mschap2_hlak("clientPass", nt, want);
	T_EQ_MEM(hlak, want, sizeof want);
	{
		uint8_t rk[16];

		t_unhex(rfc_recv_key, rk, sizeof rk);
		T_EQ_MEM(hlak + 16, rk, 16);
	}
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 0x20, "", succ);	/* repeated */
	T_EQ_INT(ndone, 1);
	auth_free(a);

	/* "DOMAIN\user": the name goes out whole, the hash uses "User". */
	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, "ACME\\User", "clientPass");
	auth_start(a);
	chap_rfc_challenge(1, "");
	{
		char hex[200];

		snprintf(hex, sizeof hex, "31 %s", rfc_value);
		T_CHECK(sent(0, PPP_PROTO_CHAP, CHAP_RESPONSE, 1, hex,
		    "ACME\\User"));
	}
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 1, "", rfc_authresp);
	T_EQ_INT(done_ok, 1);
	auth_free(a);

	/* A wrong authenticator response fails the link. */
	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, "User", "clientPass");
	auth_start(a);
	chap_rfc_challenge(1, "");
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 1, "",
	    "S=407A5589115FD0D6209F510FE9C04566932CDA57 M=Welcome");
	T_EQ_INT(have_hlak, 0);
	T_FAILED(MUTUAL_FAILED);
	/* After failing, nothing more happens. */
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 1, "", rfc_authresp);
	chap_rfc_challenge(2, "");
	T_EQ_INT(ndone, 1);
	T_EQ_INT(nout, 1);
	auth_free(a);

	/* And so does a missing one. */
	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, "User", "clientPass");
	auth_start(a);
	chap_rfc_challenge(1, "");
	feed(PPP_PROTO_CHAP, CHAP_SUCCESS, 1, "", "M=Welcome");
	T_FAILED(MUTUAL_FAILED);
	auth_free(a);

	/* E=691 with the server's text; the owner frees from done_cb. */
	a = start(PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2, "User", "wrong");
	free_in_done = 1;
	auth_start(a);
	chap_rfc_challenge(5, "");
	feed(PPP_PROTO_CHAP, CHAP_FAILURE, 5, "", "E=691 R=0"
	    " C=8AB7E5B1F0BC0C9E8A8C6F4A5B1D2E3F V=3 M=Authentication failure");
	T_EQ_INT(ndone, 1);
	T_EQ_INT(done_ok, 0);
	T_CHECK(current == NULL);
	T_EQ_STR(reason, "authentication failed: E=691 (bad user name or"
	    " password): Authentication failure");
}

static void
test_reasons(void)
{
	static const struct {
		const char	*msg;
		const char	*want;
	} v[] = {
		{ "E=646 R=0 V=3", "authentication failed: E=646 (logon not"
		    " allowed at this time of day)" },
		{ "E=647 R=0 V=3", "authentication failed: E=647 (account"
		    " disabled)" },
		{ "E=648 R=1 C=00 V=3 M=Change it", "authentication failed:"
		    " E=648 (password expired): Change it" },
		{ "E=649 R=0 V=3", "authentication failed: E=649 (no dial-in"
		    " permission)" },
		{ "E=709 R=0 V=3", "authentication failed: E=709 (error"
		    " changing password)" },
		{ "E=691", "authentication failed: E=691 (bad user name or"
		    " password)" },
		{ "E=123 R=0", "authentication failed: E=123 (unknown error)" },
		{ "go away", "authentication failed: MS-CHAP refused: go away" },
		{ "", "authentication failed: MS-CHAP refused" },
		{ "E=691 R=0 M=bad\x01\xffthing", "authentication failed:"
		    " E=691 (bad user name or password): bad??thing" },
	};
	char out[AUTH_REASON_MAX];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		auth_mschap_reason(out, sizeof out, (const uint8_t *)v[i].msg,
		    strlen(v[i].msg));
		T_EQ_STR(out, v[i].want);
	}
}

static void
test_eap(void)
{
	struct auth *a;
	char hex[300], succ[100];
	uint8_t nt[MSCHAP_NT_RESPONSE_LEN], want[MSCHAP_HLAK_LEN];

	snprintf(succ, sizeof succ, "%s M=Welcome", rfc_authresp);

	a = start(PPP_PROTO_EAP, 0, "User", "clientPass");
	auth_start(a);
	/* Identity. */
	feed(PPP_PROTO_EAP, EAP_REQUEST, 1, "01", "");
	T_CHECK(sent(0, PPP_PROTO_EAP, EAP_RESPONSE, 1, "01", "User"));
	feed(PPP_PROTO_EAP, EAP_REQUEST, 1, "01", "");	/* repeated */
	T_CHECK(sent(1, PPP_PROTO_EAP, EAP_RESPONSE, 1, "01", "User"));
	/* EAP-TLS: we propose MSCHAPv2 instead. */
	feed(PPP_PROTO_EAP, EAP_REQUEST, 2, "0d 20", "");
	T_CHECK(sent(2, PPP_PROTO_EAP, EAP_RESPONSE, 2, "03 1a", ""));
	/* Notification. */
	feed(PPP_PROTO_EAP, EAP_REQUEST, 3, "02", "Hello");
	T_CHECK(sent(3, PPP_PROTO_EAP, EAP_RESPONSE, 3, "02", ""));
	/* EAP-MSCHAPv2 Challenge (RFC 2759 9.2's values). */
	feed(PPP_PROTO_EAP, EAP_REQUEST, 4, "1a 01 44 00 1b 10 5B 5D 7C 7D 7B"
	    " 3F 2F 3E 3C 2C 60 21 32 26 26 28", "server");
	snprintf(hex, sizeof hex, "1a 02 44 00 3a 31 %s", rfc_value);
	T_CHECK(sent(4, PPP_PROTO_EAP, EAP_RESPONSE, 4, hex, "User"));
	/* Success Request: wrong MS-CHAPv2-ID dropped, then the right one. */
	snprintf(hex, sizeof hex, "1a 03 45 00 %02zx", 4 + strlen(succ));
	feed(PPP_PROTO_EAP, EAP_REQUEST, 5, hex, succ);
	T_EQ_INT(nout, 5);
	snprintf(hex, sizeof hex, "1a 03 44 00 %02zx", 4 + strlen(succ));
	feed(PPP_PROTO_EAP, EAP_REQUEST, 5, hex, succ);
	T_CHECK(sent(5, PPP_PROTO_EAP, EAP_RESPONSE, 5, "1a 03", ""));
	T_EQ_INT(ndone, 0);
	feed(PPP_PROTO_EAP, EAP_SUCCESS, 5, "", "");
	T_EQ_INT(ndone, 1);
	T_EQ_INT(done_ok, 1);
	T_EQ_INT(have_hlak, 1);
	t_unhex(rfc_value + 72, nt, sizeof nt);
	mschap2_hlak("clientPass", nt, want);
	T_EQ_MEM(hlak, want, sizeof want);
	feed(PPP_PROTO_EAP, EAP_SUCCESS, 5, "", "");
	T_EQ_INT(ndone, 1);
	auth_free(a);

	/* The server only speaks EAP-TLS. */
	a = start(PPP_PROTO_EAP, 0, "User", "clientPass");
	auth_start(a);
	feed(PPP_PROTO_EAP, EAP_REQUEST, 1, "01", "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 2, "0d 20", "");
	feed(PPP_PROTO_EAP, EAP_FAILURE, 2, "", "");
	T_FAILED("authentication failed: the server offers EAP type 13"
	    " (TLS), not MSCHAPv2");
	auth_free(a);

	/* Wrong password: Failure Request, Failure Response, the reason. */
	a = start(PPP_PROTO_EAP, 0, "User", "wrong");
	auth_start(a);
	eap_rfc_challenge(4, "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 5, "1a 04 44 00 0d", "E=691 R=0");
	T_CHECK(sent(1, PPP_PROTO_EAP, EAP_RESPONSE, 5, "1a 04", ""));
	T_FAILED("authentication failed: E=691 (bad user name or"
	    " password)");
	feed(PPP_PROTO_EAP, EAP_FAILURE, 5, "", "");
	T_EQ_INT(ndone, 1);
	auth_free(a);

	/* A wrong authenticator in the Success Request. */
	a = start(PPP_PROTO_EAP, 0, "User", "clientPass");
	auth_start(a);
	eap_rfc_challenge(4, "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 5, "1a 03 44 00 2e",
	    "S=0000000000000000000000000000000000000000");
	T_EQ_INT(nout, 1);
	T_FAILED(MUTUAL_FAILED);
	auth_free(a);

	/* An EAP Success that skips MS-CHAPv2's proof. */
	a = start(PPP_PROTO_EAP, 0, "User", "clientPass");
	auth_start(a);
	feed(PPP_PROTO_EAP, EAP_REQUEST, 1, "01", "");
	feed(PPP_PROTO_EAP, EAP_SUCCESS, 1, "", "");
	T_FAILED(MUTUAL_FAILED);
	auth_free(a);

	/* Malformed requests are dropped. */
	a = start(PPP_PROTO_EAP, 0, "User", "clientPass");
	auth_start(a);
	feed(PPP_PROTO_EAP, EAP_REQUEST, 1, "", "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 2, "1a 01 44", "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 3, "1a 01 44 00 15 08 01 02", "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 4, "1a 03 44 00 04", "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 5, "1a 07 44 00 04", "");
	feed(PPP_PROTO_EAP, EAP_REQUEST, 6, "03 1a", "");
	auth_input(a, PPP_PROTO_EAP, (const uint8_t *)"\x01\x07\x00\x09\x01",
	    5);
	T_EQ_INT(nout, 0);
	T_EQ_INT(ndone, 0);
	auth_free(a);
}

/* A small deterministic generator for the soak below (xorshift32). */
static uint32_t soak_state = 2463534242u;

static uint32_t
soak_rand(void)
{
	soak_state ^= soak_state << 13;
	soak_state ^= soak_state >> 17;
	soak_state ^= soak_state << 5;
	return soak_state;
}

/*
 * Random packets, half of them shaped like the real thing, at every
 * method: nothing crashes (run it under --enable-asan), done_cb runs at
 * most twice (success, then a refused rechallenge), and everything we
 * send is a well-formed response.
 */
static void
test_soak(void)
{
	static const struct {
		uint16_t	 proto;
		uint8_t		 alg;
	} m[] = {
		{ PPP_PROTO_PAP, 0 },
		{ PPP_PROTO_CHAP, CHAP_ALG_MD5 },
		{ PPP_PROTO_CHAP, CHAP_ALG_MSCHAP1 },
		{ PPP_PROTO_CHAP, CHAP_ALG_MSCHAP2 },
		{ PPP_PROTO_EAP, 0 },
	};
	uint8_t buf[300];
	size_t i, n, k, round, bad = 0, maxdone = 0;
	int j;

	for (i = 0; i < sizeof m / sizeof m[0]; i++) {
		for (round = 0; round < 3000; round++) {
			start(m[i].proto, m[i].alg, "User", "pw");
			auth_start(current);
			for (k = 0; k < 6 && current != NULL; k++) {
				n = soak_rand() % sizeof buf;
				for (j = 0; j < (int)n; j++)
					buf[j] = (uint8_t)soak_rand();
				if (n >= 4 && soak_rand() % 2) {
					buf[0] = (uint8_t)(1 + soak_rand() % 4);
					buf[1] = (uint8_t)(soak_rand() % 3);
					buf[2] = 0;
					buf[3] = (uint8_t)(soak_rand() % 4 ? n :
					    soak_rand());
					if (n > 4)
						buf[4] = soak_rand() % 2 ?
						    16 : 8;
					if (m[i].proto == PPP_PROTO_EAP &&
					    n > 9) {
						buf[4] = soak_rand() % 2 ?
						    EAP_TYPE_MSCHAPV2 : 1;
						buf[5] = (uint8_t)(1 +
						    soak_rand() % 4);
						buf[6] = (uint8_t)(soak_rand() %
						    2);
						buf[9] = 16;
					}
				}
				auth_input(current, m[i].proto, buf, n);
			}
			for (j = 0; j < nout; j++) {
				if (outs[j].len < 4 || outs[j].pkt[0] !=
				    (m[i].proto == PPP_PROTO_PAP ?
				    PAP_AUTH_REQ : CHAP_RESPONSE) ||
				    auth_get16(outs[j].pkt + 2) != outs[j].len)
					bad++;
			}
			if ((size_t)ndone > maxdone)
				maxdone = (size_t)ndone;
			auth_free(current);
		}
	}
	T_EQ_INT(bad, 0);
	T_CHECK(maxdone <= 2);
	T_CHECK(maxdone >= 1);
}

static void
test_too_long(void)
{
	char user[400];
	struct auth *a;

	memset(user, 'u', sizeof user - 1);
	user[sizeof user - 1] = '\0';
	a = start(PPP_PROTO_PAP, 0, user, "pw");
	auth_start(a);
	T_EQ_INT(nout, 0);
	T_FAILED("authentication failed: user name or password too"
	    " long for pap");
	auth_free(a);
	auth_free(NULL);
}

int
main(void)
{
	struct event_base *base;

	log_open("test-auth", 0, LOG_LVL_ERR);
	if ((base = event_base_new()) == NULL) {
		printf("SKIP: no event base\n");
		return 77;
	}
	timer_set_base(base);
	test_choice();
	test_pap();
	test_pap_timeout(base);
	test_chap_md5();
	test_mschap1();
	test_mschap2();
	test_reasons();
	test_eap();
	test_soak();
	test_too_long();
	event_base_free(base);
	T_DONE();
}

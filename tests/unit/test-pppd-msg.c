/* test-pppd-msg.c - the plugin messages: encoding, limits, and the MS-CHAPv2 key hand-off (RFC 3079 vectors). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <arpa/inet.h>

#include <nettle/md4.h>
#include <nettle/sha1.h>

#include "mschap.h"
#include "pppd_msg.h"
#include "t.h"

/*
 * What pppd 2.4.9 does as the authenticatee (chap_ms.c, mppe_set_keys2 with
 * IsServer = 0), written from RFC 3079 3.4: mppe_send_key gets the "client
 * send" magic, mppe_recv_key the "client receive" magic.
 */
static const char magic1[] = "This is the MPPE Master Key";
static const char magic2[] = "On the client side, this is the send key; "
    "on the server side, it is the receive key.";
static const char magic3[] = "On the client side, this is the receive key; "
    "on the server side, it is the send key.";

static void
get_master_key(const uint8_t hashhash[16], const uint8_t ntresp[24],
    uint8_t master[16])
{
	struct sha1_ctx c;
	uint8_t d[SHA1_DIGEST_SIZE];

	sha1_init(&c);
	sha1_update(&c, 16, hashhash);
	sha1_update(&c, 24, ntresp);
	sha1_update(&c, sizeof magic1 - 1, (const uint8_t *)magic1);
	sha1_digest(&c, sizeof d, d);
	memcpy(master, d, 16);
}

static void
get_start_key(const uint8_t master[16], const char *magic, uint8_t key[16])
{
	static const uint8_t pad1[40] = { 0 };
	uint8_t pad2[40], d[SHA1_DIGEST_SIZE];
	struct sha1_ctx c;

	memset(pad2, 0xf2, sizeof pad2);
	sha1_init(&c);
	sha1_update(&c, 16, master);
	sha1_update(&c, 40, pad1);
	sha1_update(&c, 84, (const uint8_t *)magic);
	sha1_update(&c, 40, pad2);
	sha1_digest(&c, sizeof d, d);
	memcpy(key, d, 16);
}

static void
password_hash_hash(const char *password, uint8_t out[16])
{
	uint8_t uni[512], h[16];
	struct md4_ctx c;
	size_t i, n = strlen(password);

	for (i = 0; i < n; i++) {
		uni[2 * i] = (uint8_t)password[i];
		uni[2 * i + 1] = 0;
	}
	md4_init(&c);
	md4_update(&c, 2 * n, uni);
	md4_digest(&c, 16, h);
	md4_init(&c);
	md4_update(&c, 16, h);
	md4_digest(&c, 16, out);
}

/* mppe_send_key and mppe_recv_key as pppd sets them after MS-CHAPv2. */
static void
pppd_client_keys(const char *password, const uint8_t ntresp[24],
    uint8_t send[16], uint8_t recv[16])
{
	uint8_t hh[16], master[16];

	password_hash_hash(password, hh);
	get_master_key(hh, ntresp, master);
	get_start_key(master, magic2, send);
	get_start_key(master, magic3, recv);
}

/* The plugin's side: keys as pppd holds them -> AUTH_UP on the wire. */
static int
plugin_auth_up(const uint8_t send[16], const uint8_t recv[16], uint8_t *wire,
    size_t cap)
{
	struct pppd_msg m;

	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_AUTH_UP;
	m.auth = PPPD_AUTH_MSCHAP2;
	m.have_keys = 1;
	memcpy(m.send_key, send, 16);
	memcpy(m.recv_key, recv, 16);
	return pppd_msg_encode(&m, wire, cap);
}

static void
test_rfc3079(void)
{
	uint8_t hh[16], ntresp[24], master[16], send[16], recv[16], want[16];
	uint8_t wire[PPPD_MSG_MAX], hlak[32];
	struct pppd_msg m;
	int n;

	/* RFC 3079 3.5.3: "clientPass", 128-bit keys. */
	password_hash_hash("clientPass", hh);
	t_unhex("41C00C584BD2D91C4017A2A12FA59F3F", want, 16);
	T_EQ_MEM(hh, want, 16);
	t_unhex("82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF", ntresp, 24);
	get_master_key(hh, ntresp, master);
	t_unhex("FDECE3717A8C838CB388E527AE3CDD31", want, 16);
	T_EQ_MEM(master, want, 16);
	get_start_key(master, magic2, send);
	get_start_key(master, magic3, recv);
	/*
	 * RFC 3079's "SendStartKey128" is derived with IsServer = TRUE: the
	 * server's send key, which is the client's receive key, so it must
	 * land in the second half of the client's HLAK, not the first.
	 */
	t_unhex("8B7CDC149B993A1BA118CB153F56DCCB", want, 16);
	T_EQ_MEM(recv, want, 16);
	T_CHECK(memcmp(send, want, 16) != 0);

	/* The NT-Response itself, from the RFC's challenges (RFC 2759 9.2). */
	{
		uint8_t ac[16], pc[16], nt[24];

		t_unhex("5B5D7C7D7B3F2F3E3C2C602132262628", ac, 16);
		t_unhex("21402324255E262A28295F2B3A337C7E", pc, 16);
		mschap2_nt_response(ac, pc, "User", "clientPass", nt);
		T_EQ_MEM(nt, ntresp, 24);
	}

	n = plugin_auth_up(send, recv, wire, sizeof wire);
	T_EQ_INT(n, 4 + 3 + 18 + 18);
	T_EQ_INT(pppd_msg_decode(&m, wire, (size_t)n), 0);
	T_EQ_INT(m.type, PPPD_MSG_AUTH_UP);
	T_EQ_INT(m.auth, PPPD_AUTH_MSCHAP2);
	T_EQ_INT(pppd_msg_hlak(&m, hlak), 1);
	/* The client's HLAK: MasterSendKey || MasterReceiveKey. */
	T_EQ_MEM(hlak, send, 16);
	T_EQ_MEM(hlak + 16, recv, 16);
	/* The same HLAK the built-in engine computes (ppp/mschap). */
	{
		uint8_t builtin[MSCHAP_HLAK_LEN];

		mschap2_hlak("clientPass", ntresp, builtin);
		T_EQ_MEM(hlak, builtin, 32);
	}
}

static void
test_sstp_notes_vector(void)
{
	uint8_t ntresp[24], send[16], recv[16], want[32];
	uint8_t wire[PPPD_MSG_MAX], hlak[32];
	struct pppd_msg m;
	int n;

	/* The MS-CHAPv2 key example of the SSTP notes (send and receive). */
	t_unhex("859a0c0ece474df20d0ae831ac3ae3d24f826e93679e36bc", ntresp, 24);
	pppd_client_keys("DukeNuke3D", ntresp, send, recv);
	t_unhex("000bc1dea2cb8516bc77f552b9ec5a03"
	    "93d92706f513a2ea50f8cd9469573cdb", want, 32);
	T_EQ_MEM(send, want, 16);
	T_EQ_MEM(recv, want + 16, 16);

	n = plugin_auth_up(send, recv, wire, sizeof wire);
	T_CHECK(n > 0);
	T_EQ_INT(pppd_msg_decode(&m, wire, (size_t)n), 0);
	T_EQ_INT(pppd_msg_hlak(&m, hlak), 1);
	T_EQ_MEM(hlak, want, 32);
	{
		uint8_t builtin[MSCHAP_HLAK_LEN];

		mschap2_hlak("DukeNuke3D", ntresp, builtin);
		T_EQ_MEM(hlak, builtin, 32);
	}

	/* PAP, CHAP: no key, the daemon uses no HLAK (zeros). */
	m.auth = PPPD_AUTH_PAP;
	T_EQ_INT(pppd_msg_hlak(&m, hlak), 0);
	m.auth = PPPD_AUTH_MSCHAP2;
	m.have_keys = 0;
	T_EQ_INT(pppd_msg_hlak(&m, hlak), 0);
}

static void
test_roundtrip(void)
{
	uint8_t wire[PPPD_MSG_MAX];
	struct pppd_msg m, d;
	int n;

	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_HELLO;
	m.pid = 0x01020304;
	strcpy(m.text, "2.4.9");
	n = pppd_msg_encode(&m, wire, sizeof wire);
	T_CHECK(n > 0);
	T_EQ_INT(wire[0], PPPD_MSG_VERSION);
	T_EQ_INT(wire[1], PPPD_MSG_HELLO);
	T_EQ_INT((wire[2] << 8) | wire[3], n);
	T_EQ_INT(pppd_msg_decode(&d, wire, (size_t)n), 0);
	T_EQ_INT(d.pid, 0x01020304);
	T_EQ_STR(d.text, "2.4.9");

	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_IP_UP;
	strcpy(m.text, "sstp-out1");
	inet_pton(AF_INET, "192.168.30.10", &m.local);
	inet_pton(AF_INET, "192.168.30.1", &m.remote);
	inet_pton(AF_INET, "192.168.30.1", &m.dns1);
	m.mtu = 1400;
	m.mru = 1500;
	n = pppd_msg_encode(&m, wire, sizeof wire);
	T_EQ_INT(pppd_msg_decode(&d, wire, (size_t)n), 0);
	T_EQ_STR(d.text, "sstp-out1");
	T_EQ_INT(d.local.s_addr, m.local.s_addr);
	T_EQ_INT(d.remote.s_addr, m.remote.s_addr);
	T_EQ_INT(d.dns1.s_addr, m.dns1.s_addr);
	T_EQ_INT(d.dns2.s_addr, 0);
	T_EQ_INT(d.mtu, 1400);
	T_EQ_INT(d.mru, 1500);

	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_IPV6_UP;
	strcpy(m.text, "sstp-out1");
	memset(m.local_iid, 0x11, 8);
	memset(m.remote_iid, 0x22, 8);
	n = pppd_msg_encode(&m, wire, sizeof wire);
	T_EQ_INT(pppd_msg_decode(&d, wire, (size_t)n), 0);
	T_EQ_MEM(d.local_iid, m.local_iid, 8);
	T_EQ_MEM(d.remote_iid, m.remote_iid, 8);

	/* The longest password pppd accepts (MAXSECRETLEN 256, NUL incl.)... */
	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_PASSWD;
	memset(m.text, 'p', 255);
	n = pppd_msg_encode(&m, wire, sizeof wire);
	T_EQ_INT(n, 4 + 2 + 255);
	T_EQ_INT(pppd_msg_decode(&d, wire, (size_t)n), 0);
	T_EQ_INT(strlen(d.text), 255);
	/* ...and one more is refused. */
	memset(m.text, 'p', sizeof m.text);
	T_EQ_INT(pppd_msg_encode(&m, wire, sizeof wire), -EINVAL);

	/* Short output buffers. */
	m.text[10] = '\0';
	T_EQ_INT(pppd_msg_encode(&m, wire, 3), -ENOSPC);
	T_EQ_INT(pppd_msg_encode(&m, wire, 4 + 2 + 9), -ENOSPC);
	T_EQ_INT(pppd_msg_encode(&m, wire, 4 + 2 + 10), 16);

	memset(&m, 0, sizeof m);
	m.type = 99;
	T_EQ_INT(pppd_msg_encode(&m, wire, sizeof wire), -EINVAL);
	m.type = PPPD_MSG_IPV6_NONE;
	T_EQ_INT(pppd_msg_encode(&m, wire, sizeof wire), 4);
	T_EQ_INT(pppd_msg_decode(&d, wire, 4), 0);
	T_EQ_INT(d.type, PPPD_MSG_IPV6_NONE);
	wire[1] = PPPD_MSG_IPV6_NONE + 1;
	T_EQ_INT(pppd_msg_decode(&d, wire, 4), -EBADMSG);
	m.type = PPPD_MSG_ACK;
	T_EQ_INT(pppd_msg_encode(&m, wire, sizeof wire), 4);
	T_EQ_INT(pppd_msg_decode(&d, wire, 4), 0);
	T_EQ_INT(d.type, PPPD_MSG_ACK);
}

static void
test_bad_input(void)
{
	uint8_t wire[PPPD_MSG_MAX + 8], copy[PPPD_MSG_MAX + 8];
	struct pppd_msg m, d;
	size_t i;
	int n;

	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_AUTH_UP;
	m.auth = PPPD_AUTH_MSCHAP2;
	m.have_keys = 1;
	n = pppd_msg_encode(&m, wire, sizeof wire);
	T_CHECK(n > 0);

	/* Every truncation fails cleanly (the length no longer matches). */
	for (i = 0; i < (size_t)n; i++)
		T_EQ_INT(pppd_msg_decode(&d, wire, i), -EBADMSG);

	memcpy(copy, wire, (size_t)n);
	copy[0] = 2;				/* version */
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n), -EBADMSG);
	memcpy(copy, wire, (size_t)n);
	copy[1] = 0;				/* type */
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n), -EBADMSG);
	memcpy(copy, wire, (size_t)n);
	copy[4 + 3 + 1] = 15;			/* send key length */
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n), -EBADMSG);
	memcpy(copy, wire, (size_t)n);
	copy[4 + 1] = 200;			/* attribute past the end */
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n), -EBADMSG);
	memcpy(copy, wire, (size_t)n);
	copy[4 + 2] = 9;			/* unknown method */
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n), -EBADMSG);

	/* Only one key: refused (half a HLAK would be a wrong one). */
	memcpy(copy, wire, (size_t)n - 18);
	copy[3] = (uint8_t)(n - 18);
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n - 18), -EBADMSG);

	/* Unknown attributes are skipped. */
	memcpy(copy, wire, (size_t)n);
	copy[n] = 200;
	copy[n + 1] = 2;
	copy[n + 2] = 'x';
	copy[n + 3] = 'y';
	copy[3] = (uint8_t)(n + 4);
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n + 4), 0);
	T_EQ_INT(d.have_keys, 1);

	/* A NUL inside a text value is refused. */
	memset(&m, 0, sizeof m);
	m.type = PPPD_MSG_PASSWD;
	strcpy(m.text, "secret");
	n = pppd_msg_encode(&m, copy, sizeof copy);
	copy[4 + 2 + 2] = '\0';
	T_EQ_INT(pppd_msg_decode(&d, copy, (size_t)n), -EBADMSG);

	/* Oversized datagrams are refused before parsing. */
	memset(copy, 0, sizeof copy);
	copy[0] = PPPD_MSG_VERSION;
	copy[1] = PPPD_MSG_ACK;
	copy[2] = (PPPD_MSG_MAX + 4) >> 8;
	copy[3] = (PPPD_MSG_MAX + 4) & 0xff;
	T_EQ_INT(pppd_msg_decode(&d, copy, PPPD_MSG_MAX + 4), -EBADMSG);

	T_EQ_STR(pppd_msg_auth_name(PPPD_AUTH_MSCHAP2), "mschap2");
	T_EQ_STR(pppd_msg_auth_name(77), "none");
}

int
main(void)
{
	test_rfc3079();
	test_sstp_notes_vector();
	test_roundtrip();
	test_bad_input();
	T_DONE();
}

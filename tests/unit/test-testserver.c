/* test-testserver.c - the strict crypto-binding checks of tests/tools/sstp-testserver against the specification's vectors and the client's builder. */
/* The server's own code, without its main() and socket plumbing. */
#define TS_NO_MAIN
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "../tools/sstp-testserver.c"
#pragma GCC diagnostic pop

#include "t.h"

static void
unhex(const char *s, uint8_t *out, size_t n)
{
	if (t_unhex(s, out, n) != n)
		abort();
}

/* Run the checker on a 112-byte Call Connected; NULL when accepted. */
static const char *
check(struct ts_conn *c, const uint8_t *pkt, int *proto)
{
	static struct sstp_msg	m;

	if (sstp_msg_decode(pkt, SSTP_CALL_CONNECTED_LEN, &m) != 0)
		return "decode";
	return ts_binding_check(c, pkt, SSTP_CALL_CONNECTED_LEN, &m, proto);
}

/* MS-SSTP's SHA-256 example (SSTP-NOTES.md), MAC filled in. */
static void
test_sha256_vector(void)
{
	static struct ts_conn	c;
	uint8_t			pkt[SSTP_CALL_CONNECTED_LEN];
	int			proto;

	unhex("10010070000400010003006800000002"
	    "412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c435"
	    "7993ef314c493dace9f02d60e7e61c84b6690aafe9d7aeea92cbbe8ad599422d"
	    "52a68efd8cffbf52770b8f0fe8ec73716583af6d611eb6d179b3b20840985449",
	    pkt, sizeof pkt);
	unhex("2a1bb40d55ab0f5ef32f06f2b3cc73c48fd3fac41d7a1315a19228d9024ca164",
	    c.hlak, 32);
	memcpy(c.nonce, pkt + 16, 32);
	memcpy(ts.cert_sha256, pkt + 48, 32);
	opt.hash_mask = SSTP_HASH_BITMASK_SHA256;
	T_CHECK(check(&c, pkt, &proto) == NULL);
	T_EQ_INT(proto, SSTP_HASH_PROTO_SHA256);

	/* Each field matters. */
	opt.hash_mask = SSTP_HASH_BITMASK_SHA1;
	T_EQ_STR(check(&c, pkt, &proto), "hash");
	opt.hash_mask = SSTP_HASH_BITMASK_SHA256;
	pkt[111] ^= 1;
	T_EQ_STR(check(&c, pkt, &proto), "mac");
	pkt[111] ^= 1;
	c.nonce[0] ^= 1;
	T_EQ_STR(check(&c, pkt, &proto), "nonce");
	c.nonce[0] ^= 1;
	ts.cert_sha256[31] ^= 1;
	T_EQ_STR(check(&c, pkt, &proto), "cert-hash");
	ts.cert_sha256[31] ^= 1;
	/* The server's key order reversed (a classic mistake) fails. */
	memcpy(pkt, c.hlak, 16);
	memmove(c.hlak, c.hlak + 16, 16);
	memcpy(c.hlak + 16, pkt, 16);
	unhex("10010070000400010003006800000002", pkt, 16);
	T_EQ_STR(check(&c, pkt, &proto), "mac");
}

/* MS-SSTP's SHA-1 example: nonce, 20-byte certificate hash, 20-byte MAC. */
static void
test_sha1_vector(void)
{
	static struct ts_conn	c;
	uint8_t			pkt[SSTP_CALL_CONNECTED_LEN], ch[32], mac[32];
	struct sstp_buf		b;
	int			proto;

	unhex("4b3128f43925d9006eefb1c4e86515a1d88e56bab3ca2bdf0373b7f5a8a13b19",
	    c.hlak, 32);
	unhex("0f1a2d58d4a3e3000fad3ce4906e07b707aa9e441cceac5cbd7b2cc1c9d86cdf",
	    c.nonce, 32);
	memset(ch, 0, sizeof ch);
	unhex("5826b629bda59b8e6fd8dcd2622fd34c534805a5", ch, 20);
	memcpy(ts.cert_sha1, ch, 20);
	memset(mac, 0, sizeof mac);
	unhex("69915dd583d8062fef16f61db2f03290ec27cb6c", mac, 20);
	sstp_buf_init(&b, pkt, sizeof pkt);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECTED);
	sstp_msg_put_binding(&b, SSTP_HASH_PROTO_SHA1, c.nonce, ch, mac);
	T_EQ_INT(sstp_msg_end(&b), SSTP_CALL_CONNECTED_LEN);

	opt.hash_mask = SSTP_HASH_BITMASK_SHA1;
	T_CHECK(check(&c, pkt, &proto) == NULL);
	T_EQ_INT(proto, SSTP_HASH_PROTO_SHA1);
	opt.hash_mask = SSTP_HASH_BITMASK_SHA256;
	T_EQ_STR(check(&c, pkt, &proto), "hash");
	opt.hash_mask = SSTP_HASH_BITMASK_SHA1 | SSTP_HASH_BITMASK_SHA256;
	T_CHECK(check(&c, pkt, &proto) == NULL);
	pkt[111] = 1;			/* the MAC's padding must be zero */
	T_EQ_STR(check(&c, pkt, &proto), "mac-padding");
	pkt[111] = 0;
	pkt[79] = 1;			/* so must the certificate hash's */
	T_EQ_STR(check(&c, pkt, &proto), "cert-hash");
}

/*
 * The server's HLAK (its receive key, then its send key) is the client's
 * send key then receive key: the notes' MS-CHAPv2 vector, and the client's
 * own mschap2_hlak().
 */
static void
test_hlak(void)
{
	uint8_t	nt[24], want[32], got[32], client[32];

	unhex("859a0c0ece474df20d0ae831ac3ae3d24f826e93679e36bc", nt, 24);
	unhex("000bc1dea2cb8516bc77f552b9ec5a03"
	    "93d92706f513a2ea50f8cd9469573cdb", want, 32);
	ts_mschap2_hlak("DukeNuke3D", nt, got);
	T_CHECK(memcmp(got, want, 32) == 0);
	mschap2_hlak("DukeNuke3D", nt, client);
	T_CHECK(memcmp(client, want, 32) == 0);
}

/* What the client's own builder sends passes the strict check, both hashes. */
static void
test_client_builder(void)
{
	static struct ts_conn	c;
	uint8_t			pkt[SSTP_CALL_CONNECTED_LEN];
	int			proto, i;

	for (i = 0; i < 32; i++) {
		c.hlak[i] = (uint8_t)(i * 7 + 1);
		c.nonce[i] = (uint8_t)(255 - i);
		ts.cert_sha256[i] = (uint8_t)(i * 3);
	}
	memcpy(ts.cert_sha1, ts.cert_sha256 + 5, 20);
	opt.hash_mask = SSTP_HASH_BITMASK_SHA256;
	T_EQ_INT(sstp_crypto_call_connected(pkt, SSTP_HASH_PROTO_SHA256,
	    c.nonce, ts.cert_sha256, c.hlak), 0);
	T_CHECK(check(&c, pkt, &proto) == NULL);
	opt.hash_mask = SSTP_HASH_BITMASK_SHA1;
	T_EQ_INT(sstp_crypto_call_connected(pkt, SSTP_HASH_PROTO_SHA1,
	    c.nonce, ts.cert_sha1, c.hlak), 0);
	T_CHECK(check(&c, pkt, &proto) == NULL);
	/* No HLAK (PAP): zeros on both sides. */
	T_EQ_INT(sstp_crypto_call_connected(pkt, SSTP_HASH_PROTO_SHA1,
	    c.nonce, ts.cert_sha1, NULL), 0);
	T_EQ_STR(check(&c, pkt, &proto), "mac");
	memset(c.hlak, 0, sizeof c.hlak);
	T_CHECK(check(&c, pkt, &proto) == NULL);
}

int
main(void)
{
	test_sha256_vector();
	test_sha1_vector();
	test_hlak();
	test_client_builder();
	T_DONE();
}

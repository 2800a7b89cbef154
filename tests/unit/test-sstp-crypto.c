/* test-sstp-crypto.c - CMK, compound MAC and Call Connected against the MS-SSTP example vectors. */
#include "config.h"

#include <errno.h>

#include "sstp_crypto.h"
#include "sstp_msg.h"
#include "t.h"

static void
test_sha256(void)
{
	uint8_t	hlak[32], want[112], nonce[32], cert[32], out[112], mac[32];
	size_t	n;

	t_unhex("2a1bb40d55ab0f5ef32f06f2b3cc73c48fd3fac41d7a1315a19228d9024ca164",
	    hlak, sizeof hlak);
	n = t_unhex("100100700004000100030068000000 02 "
	    "412b489aebd7ecc7d08966f26be7cd72b231a0e9210d7c91b308862b0344c435 "
	    "7993ef314c493dace9f02d60e7e61c84b6690aafe9d7aeea92cbbe8ad599422d "
	    "52a68efd8cffbf52770b8f0fe8ec73716583af6d611eb6d179b3b20840985449",
	    want, sizeof want);
	T_EQ_INT(n, 112);
	memcpy(nonce, want + 16, 32);
	memcpy(cert, want + 48, 32);
	T_EQ_INT(sstp_crypto_call_connected(out, SSTP_HASH_PROTO_SHA256, nonce,
	    cert, hlak), 0);
	T_EQ_MEM(out, want, 112);

	/* The MAC is over the message with the MAC field zeroed. */
	memset(out + 80, 0, 32);
	{
		uint8_t cmk[32];

		T_EQ_INT(sstp_crypto_cmk(SSTP_HASH_PROTO_SHA256, hlak, cmk), 0);
		T_EQ_INT(sstp_crypto_mac(SSTP_HASH_PROTO_SHA256, cmk, out, 112,
		    mac), 0);
	}
	T_EQ_MEM(mac, want + 80, 32);
}

static void
test_sha1(void)
{
	uint8_t	hlak[32], nonce[32], cert[20], out[112], mac[20];
	uint8_t	zeros[32];
	struct sstp_msg m;

	memset(zeros, 0, sizeof zeros);
	t_unhex("4b3128f43925d9006eefb1c4e86515a1d88e56bab3ca2bdf0373b7f5a8a13b19",
	    hlak, sizeof hlak);
	t_unhex("0f1a2d58d4a3e3000fad3ce4906e07b707aa9e441cceac5cbd7b2cc1c9d86cdf",
	    nonce, sizeof nonce);
	t_unhex("5826b629bda59b8e6fd8dcd2622fd34c534805a5", cert, sizeof cert);
	t_unhex("69915dd583d8062fef16f61db2f03290ec27cb6c", mac, sizeof mac);

	T_EQ_INT(sstp_crypto_call_connected(out, SSTP_HASH_PROTO_SHA1, nonce,
	    cert, hlak), 0);
	T_EQ_INT(out[15], 1);
	T_EQ_MEM(out + 16, nonce, 32);
	T_EQ_MEM(out + 48, cert, 20);
	T_EQ_MEM(out + 68, zeros, 12);
	T_EQ_MEM(out + 80, mac, 20);
	T_EQ_MEM(out + 100, zeros, 12);
	/* What we send decodes as a Call Connected. */
	T_EQ_INT(sstp_msg_decode(out, 112, &m), 0);
	T_EQ_INT(m.type, SSTP_MSG_CALL_CONNECTED);
	T_EQ_INT(m.attrs[0].u.binding.hash_proto, SSTP_HASH_PROTO_SHA1);
}

static void
test_null_hlak(void)
{
	uint8_t	zeros[32], nonce[32], cert[32], a[112], b[112];

	memset(zeros, 0, sizeof zeros);
	memset(nonce, 0x5a, sizeof nonce);
	memset(cert, 0xc3, sizeof cert);
	T_EQ_INT(sstp_crypto_call_connected(a, SSTP_HASH_PROTO_SHA256, nonce,
	    cert, NULL), 0);
	T_EQ_INT(sstp_crypto_call_connected(b, SSTP_HASH_PROTO_SHA256, nonce,
	    cert, zeros), 0);
	T_EQ_MEM(a, b, 112);
	/* A MAC is there, and it changes with the HLAK. */
	T_CHECK(memcmp(a + 80, zeros, 32) != 0);
	zeros[0] = 1;
	T_EQ_INT(sstp_crypto_call_connected(b, SSTP_HASH_PROTO_SHA256, nonce,
	    cert, zeros), 0);
	T_CHECK(memcmp(a + 80, b + 80, 32) != 0);
	T_EQ_MEM(a, b, 80);

	T_EQ_INT(sstp_crypto_call_connected(a, 3, nonce, cert, NULL), -EINVAL);
	T_EQ_INT(sstp_crypto_hash_len(SSTP_HASH_PROTO_SHA1), 20);
	T_EQ_INT(sstp_crypto_hash_len(SSTP_HASH_PROTO_SHA256), 32);
	T_EQ_INT(sstp_crypto_hash_len(0), 0);
}

int
main(void)
{
	test_sha256();
	test_sha1();
	test_null_hlak();
	T_DONE();
}

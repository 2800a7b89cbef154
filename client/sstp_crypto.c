/* sstp_crypto.c - the SSTP crypto binding (MS-SSTP 2.2.7, 2.2.11) with nettle's HMAC. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <nettle/hmac.h>

#include "sstp_crypto.h"
#include "sstp_msg.h"

size_t
sstp_crypto_hash_len(int hash_proto)
{
	switch (hash_proto) {
	case SSTP_HASH_PROTO_SHA1:
		return SHA1_DIGEST_SIZE;
	case SSTP_HASH_PROTO_SHA256:
		return SHA256_DIGEST_SIZE;
	}
	return 0;
}

int
sstp_crypto_mac(int hash_proto, const uint8_t *key, const uint8_t *msg,
    size_t len, uint8_t *mac)
{
	struct hmac_sha1_ctx	s1;
	struct hmac_sha256_ctx	s256;

	/* The key is the HLAK (32 bytes) or a CMK of the digest's length. */
	switch (hash_proto) {
	case SSTP_HASH_PROTO_SHA1:
		hmac_sha1_set_key(&s1, SHA1_DIGEST_SIZE, key);
		hmac_sha1_update(&s1, len, msg);
		hmac_sha1_digest(&s1, SHA1_DIGEST_SIZE, mac);
		return 0;
	case SSTP_HASH_PROTO_SHA256:
		hmac_sha256_set_key(&s256, SHA256_DIGEST_SIZE, key);
		hmac_sha256_update(&s256, len, msg);
		hmac_sha256_digest(&s256, SHA256_DIGEST_SIZE, mac);
		return 0;
	}
	return -EINVAL;
}

int
sstp_crypto_cmk(int hash_proto, const uint8_t hlak[SSTP_HLAK_LEN],
    uint8_t *cmk)
{
	uint8_t			 seed[sizeof SSTP_CMK_SEED - 1 + 3];
	size_t			 n = sizeof SSTP_CMK_SEED - 1;
	size_t			 hlen = sstp_crypto_hash_len(hash_proto);
	struct hmac_sha1_ctx	 s1;
	struct hmac_sha256_ctx	 s256;

	if (hlen == 0)
		return -EINVAL;
	memcpy(seed, SSTP_CMK_SEED, n);
	seed[n] = hlen & 0xff;		/* LEN, little-endian */
	seed[n + 1] = hlen >> 8;
	seed[n + 2] = 0x01;
	/* The HLAK is always 32 bytes, whatever the hash. */
	if (hash_proto == SSTP_HASH_PROTO_SHA1) {
		hmac_sha1_set_key(&s1, SSTP_HLAK_LEN, hlak);
		hmac_sha1_update(&s1, sizeof seed, seed);
		hmac_sha1_digest(&s1, SHA1_DIGEST_SIZE, cmk);
	} else {
		hmac_sha256_set_key(&s256, SSTP_HLAK_LEN, hlak);
		hmac_sha256_update(&s256, sizeof seed, seed);
		hmac_sha256_digest(&s256, SHA256_DIGEST_SIZE, cmk);
	}
	return 0;
}

int
sstp_crypto_call_connected(uint8_t out[SSTP_CALL_CONNECTED_LEN],
    int hash_proto, const uint8_t nonce[32], const uint8_t *cert_hash,
    const uint8_t *hlak)
{
	static const uint8_t	 zeros[SSTP_HLAK_LEN];
	uint8_t			 hash[SSTP_CERT_HASH_LEN], mac[SSTP_CMAC_LEN];
	uint8_t			 cmk[SHA256_DIGEST_SIZE];
	size_t			 hlen = sstp_crypto_hash_len(hash_proto);
	struct sstp_buf		 b;
	int			 rc;

	if (hlen == 0)
		return -EINVAL;
	memset(hash, 0, sizeof hash);
	memcpy(hash, cert_hash, hlen);
	memset(mac, 0, sizeof mac);

	sstp_buf_init(&b, out, SSTP_CALL_CONNECTED_LEN);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECTED);
	sstp_msg_put_binding(&b, hash_proto, nonce, hash, mac);
	if ((rc = sstp_msg_end(&b)) != SSTP_CALL_CONNECTED_LEN)
		return -EINVAL;

	if (sstp_crypto_cmk(hash_proto, hlak != NULL ? hlak : zeros, cmk) != 0)
		return -EINVAL;
	sstp_crypto_mac(hash_proto, cmk, out, SSTP_CALL_CONNECTED_LEN, mac);
	memcpy(out + SSTP_CALL_CONNECTED_LEN - SSTP_CMAC_LEN, mac, hlen);
	memset(cmk, 0, sizeof cmk);
	return 0;
}

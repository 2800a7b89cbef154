/* sstp_crypto.h - the SSTP crypto binding (MS-SSTP 2.2.7, 2.2.11): CMK, compound MAC, Call Connected. */
#ifndef SSTP_CRYPTO_H
#define SSTP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_HLAK_LEN			32	/* MS-SSTP 2.2.7 */
#define SSTP_CALL_CONNECTED_LEN		112	/* MS-SSTP 2.2.11 */
#define SSTP_CMK_SEED	"SSTP inner method derived CMK"	/* MS-SSTP 2.2.7 */

/* The digest length of a hash protocol (20 or 32), or 0 when unknown. */
size_t	sstp_crypto_hash_len(int hash_proto);

/*
 * CMK = HMAC-H(HLAK, seed || LEN (16-bit little-endian) || 0x01).  Writes
 * sstp_crypto_hash_len() bytes to cmk.  Returns 0 or -EINVAL.
 */
int	sstp_crypto_cmk(int hash_proto, const uint8_t hlak[SSTP_HLAK_LEN],
	    uint8_t *cmk);

/* MAC = HMAC-H(cmk, msg); writes sstp_crypto_hash_len() bytes. */
int	sstp_crypto_mac(int hash_proto, const uint8_t *cmk, const uint8_t *msg,
	    size_t len, uint8_t *mac);

/*
 * Build the 112-byte Call Connected message with its crypto binding and
 * compound MAC.  cert_hash is the hash of the server's DER leaf certificate
 * (20 bytes for SHA1, 32 for SHA256); hlak may be NULL (32 zero bytes).
 * Returns 0 or -EINVAL.
 */
int	sstp_crypto_call_connected(uint8_t out[SSTP_CALL_CONNECTED_LEN],
	    int hash_proto, const uint8_t nonce[32], const uint8_t *cert_hash,
	    const uint8_t *hlak);

#endif

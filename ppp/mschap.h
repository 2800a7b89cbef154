/* mschap.h - MS-CHAP v1/v2 and MPPE key derivation (RFC 2433, 2759, 3079): pure crypto. */
#ifndef SSTP_MSCHAP_H
#define SSTP_MSCHAP_H

#include <stddef.h>
#include <stdint.h>

#define MSCHAP_HASH_LEN		16	/* NtPasswordHash: MD4 */
#define MSCHAP1_CHALLENGE_LEN	8	/* RFC 2433 3 */
#define MSCHAP2_CHALLENGE_LEN	16	/* RFC 2759 4 */
#define MSCHAP_NT_RESPONSE_LEN	24	/* RFC 2433 A.5, RFC 2759 8.1 */
#define MSCHAP_RESPONSE_LEN	49	/* Response Value, both versions */
#define MSCHAP2_AUTHRESP_LEN	42	/* "S=" and 40 hex digits (RFC 2759 5) */
#define MSCHAP_MASTER_KEY_LEN	16	/* RFC 3079 3.4 */
#define MSCHAP_HLAK_LEN		32	/* MS-SSTP 3.2.5.2 */
#define MSCHAP_MAX_PASSWORD	256	/* Unicode characters (RFC 2759 8.3) */

/*
 * The user name as the MS-CHAPv2 challenge hash sees it: the part after the
 * last backslash of "DOMAIN\user" (RFC 2759 8.2).  Points into 'user'.
 */
const char *mschap_user_name(const char *user);

/*
 * MD4 of the password as UTF-16LE (RFC 2759 8.3).  The password is UTF-8;
 * bytes that are not valid UTF-8 are taken as Latin-1.  At most
 * MSCHAP_MAX_PASSWORD characters are used.
 */
void	mschap_nt_password_hash(const char *password,
	    uint8_t hash[MSCHAP_HASH_LEN]);
/* HashNtPasswordHash: MD4 of the hash (RFC 2759 8.4). */
void	mschap_hash_hash(const uint8_t hash[MSCHAP_HASH_LEN],
	    uint8_t out[MSCHAP_HASH_LEN]);
/* ChallengeHash (RFC 2759 8.2); 'user' is used as given (strip it first). */
void	mschap_challenge_hash(const uint8_t peer[MSCHAP2_CHALLENGE_LEN],
	    const uint8_t auth[MSCHAP2_CHALLENGE_LEN], const char *user,
	    uint8_t out[MSCHAP1_CHALLENGE_LEN]);
/* ChallengeResponse: three DES blocks keyed by the hash (RFC 2759 8.5). */
void	mschap_challenge_response(const uint8_t challenge[MSCHAP1_CHALLENGE_LEN],
	    const uint8_t hash[MSCHAP_HASH_LEN],
	    uint8_t out[MSCHAP_NT_RESPONSE_LEN]);

/* MS-CHAPv1 NT-Response: NtChallengeResponse (RFC 2433 A.5). */
void	mschap1_nt_response(const uint8_t challenge[MSCHAP1_CHALLENGE_LEN],
	    const char *password, uint8_t out[MSCHAP_NT_RESPONSE_LEN]);

/*
 * MS-CHAPv2 GenerateNTResponse (RFC 2759 8.1).  'user' may carry a domain
 * prefix; it is stripped here.
 */
void	mschap2_nt_response(const uint8_t auth[MSCHAP2_CHALLENGE_LEN],
	    const uint8_t peer[MSCHAP2_CHALLENGE_LEN], const char *user,
	    const char *password, uint8_t out[MSCHAP_NT_RESPONSE_LEN]);
/*
 * GenerateAuthenticatorResponse (RFC 2759 8.7): "S=" and 40 upper-case hex
 * digits, NUL-terminated.  'user' may carry a domain prefix.
 */
void	mschap2_authenticator_response(const char *password,
	    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
	    const uint8_t peer[MSCHAP2_CHALLENGE_LEN],
	    const uint8_t auth[MSCHAP2_CHALLENGE_LEN], const char *user,
	    char out[MSCHAP2_AUTHRESP_LEN + 1]);
/*
 * CheckAuthenticatorResponse (RFC 2759 8.8): does the Success message 'msg'
 * (not NUL-terminated) start with the expected "S=<40 hex>" (hex compared
 * without regard to case, in constant time)?  1 yes, 0 no.
 */
int	mschap2_check_authenticator(const char *expected, const uint8_t *msg,
	    size_t len);

/* GetMasterKey (RFC 3079 3.4). */
void	mschap_master_key(const uint8_t hash_hash[MSCHAP_HASH_LEN],
	    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
	    uint8_t master[MSCHAP_MASTER_KEY_LEN]);
/*
 * GetAsymmetricStartKey (RFC 3079 3.4): 'len' bytes (8 or 16) of the send or
 * receive start key, as the client (is_server 0) or the server sees it.
 */
void	mschap_asymmetric_start_key(const uint8_t master[MSCHAP_MASTER_KEY_LEN],
	    uint8_t *key, size_t len, int is_send, int is_server);
/*
 * The client's 16-byte MasterSendKey and MasterReceiveKey after MS-CHAPv2,
 * from the password and the NT-Response the client sent.
 */
void	mschap2_client_keys(const char *password,
	    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
	    uint8_t send[MSCHAP_MASTER_KEY_LEN],
	    uint8_t recv[MSCHAP_MASTER_KEY_LEN]);
/*
 * The SSTP Higher-Layer Authentication Key after MS-CHAPv2 (MS-SSTP
 * 3.2.5.2): client MasterSendKey || MasterReceiveKey.
 */
void	mschap2_hlak(const char *password,
	    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
	    uint8_t hlak[MSCHAP_HLAK_LEN]);

#endif

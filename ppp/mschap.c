/* mschap.c - MS-CHAP v1/v2 and MPPE key derivation (RFC 2433, 2759, 3079) with nettle. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <nettle/des.h>
#include <nettle/md4.h>
#include <nettle/sha1.h>

#include "mschap.h"

/* RFC 2759 8.7 */
static const char mschap_magic_sign[] =
    "Magic server to client signing constant";
static const char mschap_magic_pad[] =
    "Pad to make it do more than one iteration";
/* RFC 3079 3.4 */
static const char mschap_magic_master[] = "This is the MPPE Master Key";
static const char mschap_magic_client_send[] =
    "On the client side, this is the send key; "
    "on the server side, it is the receive key.";
static const char mschap_magic_client_recv[] =
    "On the client side, this is the receive key; "
    "on the server side, it is the send key.";

#define MSCHAP_SHS_PAD_LEN 40	/* RFC 3079 3.4: SHSpad1, SHSpad2 */

const char *
mschap_user_name(const char *user)
{
	const char *p;

	p = strrchr(user, '\\');
	return p != NULL ? p + 1 : user;
}

/*
 * Decode one UTF-8 character at *pp (advancing it); a byte that does not
 * start a valid sequence stands for itself (Latin-1).
 */
static unsigned int
mschap_utf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned int c, min;
	int n, i;

	if (p[0] < 0x80) {
		*pp = p + 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 1; c = p[0] & 0x1f; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 2; c = p[0] & 0x0f; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 3; c = p[0] & 0x07; min = 0x10000;
	} else
		goto latin1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto latin1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto latin1;
	*pp = p + n + 1;
	return c;

latin1:
	*pp = p + 1;
	return p[0];
}

void
mschap_nt_password_hash(const char *password, uint8_t hash[MSCHAP_HASH_LEN])
{
	/* Room for MSCHAP_MAX_PASSWORD UTF-16 units, plus one surrogate. */
	uint8_t buf[(MSCHAP_MAX_PASSWORD + 1) * 2];
	const unsigned char *p = (const unsigned char *)password;
	struct md4_ctx ctx;
	unsigned int c, nunits = 0;
	size_t n = 0;

	while (*p != '\0' && nunits < MSCHAP_MAX_PASSWORD) {
		c = mschap_utf8_next(&p);
		if (c >= 0x10000) {
			if (nunits + 2 > MSCHAP_MAX_PASSWORD)
				break;
			c -= 0x10000;
			buf[n++] = (uint8_t)((0xd800 | (c >> 10)) & 0xff);
			buf[n++] = (uint8_t)((0xd800 | (c >> 10)) >> 8);
			c = 0xdc00 | (c & 0x3ff);
			nunits++;
		}
		buf[n++] = (uint8_t)(c & 0xff);
		buf[n++] = (uint8_t)(c >> 8);
		nunits++;
	}
	md4_init(&ctx);
	md4_update(&ctx, n, buf);
	md4_digest(&ctx, MSCHAP_HASH_LEN, hash);
	explicit_bzero(buf, sizeof buf);
	explicit_bzero(&ctx, sizeof ctx);
}

void
mschap_hash_hash(const uint8_t hash[MSCHAP_HASH_LEN],
    uint8_t out[MSCHAP_HASH_LEN])
{
	struct md4_ctx ctx;

	md4_init(&ctx);
	md4_update(&ctx, MSCHAP_HASH_LEN, hash);
	md4_digest(&ctx, MSCHAP_HASH_LEN, out);
	explicit_bzero(&ctx, sizeof ctx);
}

void
mschap_challenge_hash(const uint8_t peer[MSCHAP2_CHALLENGE_LEN],
    const uint8_t auth[MSCHAP2_CHALLENGE_LEN], const char *user,
    uint8_t out[MSCHAP1_CHALLENGE_LEN])
{
	struct sha1_ctx ctx;
	uint8_t digest[SHA1_DIGEST_SIZE];

	sha1_init(&ctx);
	sha1_update(&ctx, MSCHAP2_CHALLENGE_LEN, peer);
	sha1_update(&ctx, MSCHAP2_CHALLENGE_LEN, auth);
	sha1_update(&ctx, strlen(user), (const uint8_t *)user);
	sha1_digest(&ctx, sizeof digest, digest);
	memcpy(out, digest, MSCHAP1_CHALLENGE_LEN);
}

/*
 * DesEncrypt (RFC 2759 8.6): 7 key bytes spread over the top 7 bits of 8
 * bytes (nettle ignores the parity bit), then one DES block.
 */
static void
mschap_des(const uint8_t clear[8], const uint8_t key7[7], uint8_t out[8])
{
	struct des_ctx ctx;
	uint8_t key[8];
	int i;

	key[0] = key7[0];
	for (i = 1; i < 7; i++)
		key[i] = (uint8_t)((key7[i - 1] << (8 - i)) | (key7[i] >> i));
	key[7] = (uint8_t)(key7[6] << 1);
	/* A weak key is still a key here: the protocol gives no choice. */
	(void)des_set_key(&ctx, key);
	des_encrypt(&ctx, 8, out, clear);
	explicit_bzero(key, sizeof key);
	explicit_bzero(&ctx, sizeof ctx);
}

void
mschap_challenge_response(const uint8_t challenge[MSCHAP1_CHALLENGE_LEN],
    const uint8_t hash[MSCHAP_HASH_LEN], uint8_t out[MSCHAP_NT_RESPONSE_LEN])
{
	uint8_t zhash[21];

	memset(zhash, 0, sizeof zhash);
	memcpy(zhash, hash, MSCHAP_HASH_LEN);
	mschap_des(challenge, zhash, out);
	mschap_des(challenge, zhash + 7, out + 8);
	mschap_des(challenge, zhash + 14, out + 16);
	explicit_bzero(zhash, sizeof zhash);
}

void
mschap1_nt_response(const uint8_t challenge[MSCHAP1_CHALLENGE_LEN],
    const char *password, uint8_t out[MSCHAP_NT_RESPONSE_LEN])
{
	uint8_t hash[MSCHAP_HASH_LEN];

	mschap_nt_password_hash(password, hash);
	mschap_challenge_response(challenge, hash, out);
	explicit_bzero(hash, sizeof hash);
}

void
mschap2_nt_response(const uint8_t auth[MSCHAP2_CHALLENGE_LEN],
    const uint8_t peer[MSCHAP2_CHALLENGE_LEN], const char *user,
    const char *password, uint8_t out[MSCHAP_NT_RESPONSE_LEN])
{
	uint8_t challenge[MSCHAP1_CHALLENGE_LEN], hash[MSCHAP_HASH_LEN];

	mschap_challenge_hash(peer, auth, mschap_user_name(user), challenge);
	mschap_nt_password_hash(password, hash);
	mschap_challenge_response(challenge, hash, out);
	explicit_bzero(hash, sizeof hash);
}

void
mschap2_authenticator_response(const char *password,
    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
    const uint8_t peer[MSCHAP2_CHALLENGE_LEN],
    const uint8_t auth[MSCHAP2_CHALLENGE_LEN], const char *user,
    char out[MSCHAP2_AUTHRESP_LEN + 1])
{
	static const char hex[] = "0123456789ABCDEF";
	struct sha1_ctx ctx;
	uint8_t hash[MSCHAP_HASH_LEN], hash_hash[MSCHAP_HASH_LEN];
	uint8_t digest[SHA1_DIGEST_SIZE], challenge[MSCHAP1_CHALLENGE_LEN];
	size_t i;

	mschap_nt_password_hash(password, hash);
	mschap_hash_hash(hash, hash_hash);

	sha1_init(&ctx);
	sha1_update(&ctx, sizeof hash_hash, hash_hash);
	sha1_update(&ctx, MSCHAP_NT_RESPONSE_LEN, nt_response);
	sha1_update(&ctx, sizeof mschap_magic_sign - 1,
	    (const uint8_t *)mschap_magic_sign);
	sha1_digest(&ctx, sizeof digest, digest);

	mschap_challenge_hash(peer, auth, mschap_user_name(user), challenge);

	sha1_init(&ctx);
	sha1_update(&ctx, sizeof digest, digest);
	sha1_update(&ctx, sizeof challenge, challenge);
	sha1_update(&ctx, sizeof mschap_magic_pad - 1,
	    (const uint8_t *)mschap_magic_pad);
	sha1_digest(&ctx, sizeof digest, digest);

	out[0] = 'S';
	out[1] = '=';
	for (i = 0; i < sizeof digest; i++) {
		out[2 + 2 * i] = hex[digest[i] >> 4];
		out[3 + 2 * i] = hex[digest[i] & 0xf];
	}
	out[MSCHAP2_AUTHRESP_LEN] = '\0';
	explicit_bzero(hash, sizeof hash);
	explicit_bzero(hash_hash, sizeof hash_hash);
	explicit_bzero(&ctx, sizeof ctx);
}

int
mschap2_check_authenticator(const char *expected, const uint8_t *msg,
    size_t len)
{
	unsigned int diff = 0;
	uint8_t c;
	size_t i;

	if (len < MSCHAP2_AUTHRESP_LEN || strlen(expected) !=
	    MSCHAP2_AUTHRESP_LEN)
		return 0;
	/* Anything after the digits must be a separator (" M=..."). */
	if (len > MSCHAP2_AUTHRESP_LEN && msg[MSCHAP2_AUTHRESP_LEN] != ' ')
		return 0;
	for (i = 0; i < MSCHAP2_AUTHRESP_LEN; i++) {
		c = msg[i];
		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		diff |= (unsigned int)(c ^ (uint8_t)expected[i]);
	}
	return diff == 0;
}

void
mschap_master_key(const uint8_t hash_hash[MSCHAP_HASH_LEN],
    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
    uint8_t master[MSCHAP_MASTER_KEY_LEN])
{
	struct sha1_ctx ctx;
	uint8_t digest[SHA1_DIGEST_SIZE];

	sha1_init(&ctx);
	sha1_update(&ctx, MSCHAP_HASH_LEN, hash_hash);
	sha1_update(&ctx, MSCHAP_NT_RESPONSE_LEN, nt_response);
	sha1_update(&ctx, sizeof mschap_magic_master - 1,
	    (const uint8_t *)mschap_magic_master);
	sha1_digest(&ctx, sizeof digest, digest);
	memcpy(master, digest, MSCHAP_MASTER_KEY_LEN);
	explicit_bzero(digest, sizeof digest);
	explicit_bzero(&ctx, sizeof ctx);
}

void
mschap_asymmetric_start_key(const uint8_t master[MSCHAP_MASTER_KEY_LEN],
    uint8_t *key, size_t len, int is_send, int is_server)
{
	struct sha1_ctx ctx;
	uint8_t pad1[MSCHAP_SHS_PAD_LEN], pad2[MSCHAP_SHS_PAD_LEN];
	uint8_t digest[SHA1_DIGEST_SIZE];
	const char *s;
	size_t slen;

	/* The client's send key is the server's receive key. */
	if ((is_send != 0) != (is_server != 0)) {
		s = mschap_magic_client_send;
		slen = sizeof mschap_magic_client_send - 1;
	} else {
		s = mschap_magic_client_recv;
		slen = sizeof mschap_magic_client_recv - 1;
	}
	memset(pad1, 0, sizeof pad1);
	memset(pad2, 0xf2, sizeof pad2);
	if (len > sizeof digest)
		len = sizeof digest;

	sha1_init(&ctx);
	sha1_update(&ctx, MSCHAP_MASTER_KEY_LEN, master);
	sha1_update(&ctx, sizeof pad1, pad1);
	sha1_update(&ctx, slen, (const uint8_t *)s);
	sha1_update(&ctx, sizeof pad2, pad2);
	sha1_digest(&ctx, sizeof digest, digest);
	memcpy(key, digest, len);
	explicit_bzero(digest, sizeof digest);
	explicit_bzero(&ctx, sizeof ctx);
}

void
mschap2_client_keys(const char *password,
    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
    uint8_t send[MSCHAP_MASTER_KEY_LEN], uint8_t recv[MSCHAP_MASTER_KEY_LEN])
{
	uint8_t hash[MSCHAP_HASH_LEN], hash_hash[MSCHAP_HASH_LEN];
	uint8_t master[MSCHAP_MASTER_KEY_LEN];

	mschap_nt_password_hash(password, hash);
	mschap_hash_hash(hash, hash_hash);
	mschap_master_key(hash_hash, nt_response, master);
	mschap_asymmetric_start_key(master, send, MSCHAP_MASTER_KEY_LEN, 1, 0);
	mschap_asymmetric_start_key(master, recv, MSCHAP_MASTER_KEY_LEN, 0, 0);
	explicit_bzero(hash, sizeof hash);
	explicit_bzero(hash_hash, sizeof hash_hash);
	explicit_bzero(master, sizeof master);
}

void
mschap2_hlak(const char *password,
    const uint8_t nt_response[MSCHAP_NT_RESPONSE_LEN],
    uint8_t hlak[MSCHAP_HLAK_LEN])
{
	mschap2_client_keys(password, nt_response, hlak,
	    hlak + MSCHAP_MASTER_KEY_LEN);
}

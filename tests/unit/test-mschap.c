/* test-mschap.c - MS-CHAP and MPPE key derivation against the RFC 2433, 2759, 3079 and MS-SSTP vectors. */
#include "config.h"

#include "mschap.h"
#include "t.h"

static void
unhex(const char *hex, uint8_t *out, size_t len)
{
	if (t_unhex(hex, out, len) != len) {
		fprintf(stderr, "bad vector %s\n", hex);
		exit(1);
	}
}

#define T_EQ_HEX(buf, hex) do {						\
	uint8_t t_want[64];						\
	size_t t_n = t_unhex((hex), t_want, sizeof t_want);		\
	T_EQ_MEM((buf), t_want, t_n);					\
} while (0)

/* RFC 2759 section 9.2 */
static const char rfc2759_user[] = "User";
static const char rfc2759_password[] = "clientPass";
static const char rfc2759_auth[] = "5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28";
static const char rfc2759_peer[] = "21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E";
static const char rfc2759_nt_response[] =
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF";

static void
test_rfc2759(void)
{
	uint8_t auth[16], peer[16], hash[16], hh[16], ch[8], nt[24];
	char resp[MSCHAP2_AUTHRESP_LEN + 1];

	unhex(rfc2759_auth, auth, 16);
	unhex(rfc2759_peer, peer, 16);

	mschap_challenge_hash(peer, auth, rfc2759_user, ch);
	T_EQ_HEX(ch, "D0 2E 43 86 BC E9 12 26");

	mschap_nt_password_hash(rfc2759_password, hash);
	T_EQ_HEX(hash, "44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE");
	mschap_hash_hash(hash, hh);
	T_EQ_HEX(hh, "41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F");

	mschap_challenge_response(ch, hash, nt);
	T_EQ_HEX(nt, rfc2759_nt_response);
	mschap2_nt_response(auth, peer, rfc2759_user, rfc2759_password, nt);
	T_EQ_HEX(nt, rfc2759_nt_response);

	mschap2_authenticator_response(rfc2759_password, nt, peer, auth,
	    rfc2759_user, resp);
	T_EQ_STR(resp, "S=407A5589115FD0D6209F510FE9C04566932CDA56");

	/* A domain prefix is not part of the challenge hash (RFC 2759 8.2). */
	T_EQ_STR(mschap_user_name("ACME\\User"), "User");
	T_EQ_STR(mschap_user_name("User"), "User");
	T_EQ_STR(mschap_user_name("A\\B\\User"), "User");
	memset(nt, 0, sizeof nt);
	mschap2_nt_response(auth, peer, "ACME\\User", rfc2759_password, nt);
	T_EQ_HEX(nt, rfc2759_nt_response);
	mschap2_authenticator_response(rfc2759_password, nt, peer, auth,
	    "ACME\\User", resp);
	T_EQ_STR(resp, "S=407A5589115FD0D6209F510FE9C04566932CDA56");

	/* CheckAuthenticatorResponse (RFC 2759 8.8). */
#define MSG(s) (const uint8_t *)(s), sizeof(s) - 1
	T_EQ_INT(mschap2_check_authenticator(resp,
	    MSG("S=407A5589115FD0D6209F510FE9C04566932CDA56")), 1);
	T_EQ_INT(mschap2_check_authenticator(resp,
	    MSG("S=407A5589115FD0D6209F510FE9C04566932CDA56 M=Welcome")), 1);
	T_EQ_INT(mschap2_check_authenticator(resp,
	    MSG("S=407a5589115fd0d6209f510fe9c04566932cda56")), 1);
	T_EQ_INT(mschap2_check_authenticator(resp,
	    MSG("S=407A5589115FD0D6209F510FE9C04566932CDA57")), 0);
	T_EQ_INT(mschap2_check_authenticator(resp,
	    MSG("S=407A5589115FD0D6209F510FE9C04566932CDA5")), 0);
	T_EQ_INT(mschap2_check_authenticator(resp,
	    MSG("S=407A5589115FD0D6209F510FE9C04566932CDA56X")), 0);
	T_EQ_INT(mschap2_check_authenticator(resp, MSG("M=Welcome")), 0);
	T_EQ_INT(mschap2_check_authenticator(resp, MSG("")), 0);
#undef MSG
}

/* RFC 2433 appendix B.2 (NT hash and response; the LM response is not sent). */
static void
test_rfc2433(void)
{
	uint8_t ch[8], hash[16], nt[24];

	unhex("10 2D B5 DF 08 5D 30 41", ch, 8);
	mschap_nt_password_hash("MyPw", hash);
	T_EQ_HEX(hash, "FC 15 6A F7 ED CD 6C 0E DD E3 33 7D 42 7F 4E AC");
	mschap1_nt_response(ch, "MyPw", nt);
	T_EQ_HEX(nt, "4E 9D 3C 8F 9C FD 38 5D 5B F4 D3 24 67 91 95 6C"
	    " A4 C3 51 AB 40 9A 3D 61");
}

/* RFC 3079 section 3.5.3: 128-bit keys from the RFC 2759 exchange. */
static void
test_rfc3079(void)
{
	uint8_t hash[16], hh[16], nt[24], master[16], key[16], send[16];
	uint8_t recv[16], hlak[32];

	unhex(rfc2759_nt_response, nt, 24);
	mschap_nt_password_hash(rfc2759_password, hash);
	mschap_hash_hash(hash, hh);
	mschap_master_key(hh, nt, master);
	T_EQ_HEX(master, "FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31");

	/*
	 * The RFC's SendStartKey128 is the server's send key (IsServer TRUE),
	 * which is the client's receive key.
	 */
	mschap_asymmetric_start_key(master, key, 16, 1, 1);
	T_EQ_HEX(key, "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB");
	mschap_asymmetric_start_key(master, key, 16, 0, 0);
	T_EQ_HEX(key, "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB");
	/* And the other direction is the same key seen from both ends. */
	mschap_asymmetric_start_key(master, send, 16, 1, 0);
	mschap_asymmetric_start_key(master, key, 16, 0, 1);
	T_EQ_MEM(send, key, 16);
	T_CHECK(memcmp(send, master, 16) != 0);
	/* 40/56-bit keys are prefixes of the same digest. */
	mschap_asymmetric_start_key(master, key, 8, 1, 1);
	T_EQ_HEX(key, "8B 7C DC 14 9B 99 3A 1B");

	mschap2_client_keys(rfc2759_password, nt, send, recv);
	T_EQ_HEX(recv, "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB");
	T_CHECK(memcmp(send, recv, 16) != 0);
	mschap2_hlak(rfc2759_password, nt, hlak);
	T_EQ_MEM(hlak, send, 16);
	T_EQ_MEM(hlak + 16, recv, 16);
}

/* SSTP-NOTES: the MS-SSTP example's MS-CHAPv2 keys. */
static void
test_sstp(void)
{
	uint8_t nt[24], send[16], recv[16], hlak[32];

	unhex("859a0c0ece474df20d0ae831ac3ae3d24f826e93679e36bc", nt, 24);
	mschap2_client_keys("DukeNuke3D", nt, send, recv);
	T_EQ_HEX(send, "000bc1dea2cb8516bc77f552b9ec5a03");
	T_EQ_HEX(recv, "93d92706f513a2ea50f8cd9469573cdb");
	mschap2_hlak("DukeNuke3D", nt, hlak);
	T_EQ_HEX(hlak, "000bc1dea2cb8516bc77f552b9ec5a03"
	    "93d92706f513a2ea50f8cd9469573cdb");
}

/* Passwords are UTF-16LE: non-ASCII and over-long ones. */
static void
test_unicode(void)
{
	uint8_t a[16], b[16];
	char long1[400], long2[400];

	/* U+00E9 as UTF-8 and as a lone Latin-1 byte hash alike. */
	mschap_nt_password_hash("caf\xc3\xa9", a);
	mschap_nt_password_hash("caf\xe9", b);
	T_EQ_MEM(a, b, 16);
	/* MD4("") is 31d6cfe0d16ae931b73c59d7e0c089c0 (RFC 1320). */
	mschap_nt_password_hash("", a);
	T_EQ_HEX(a, "31d6cfe0d16ae931b73c59d7e0c089c0");
	/* Only the first 256 characters count. */
	memset(long1, 'x', 300);
	long1[300] = '\0';
	memset(long2, 'x', 256);
	long2[256] = '\0';
	mschap_nt_password_hash(long1, a);
	mschap_nt_password_hash(long2, b);
	T_EQ_MEM(a, b, 16);
}

int
main(void)
{
	test_rfc2759();
	test_rfc2433();
	test_rfc3079();
	test_sstp();
	test_unicode();
	T_DONE();
}

/* auth.h - PPP authentication, client side: PAP, CHAP-MD5, MS-CHAPv1, MS-CHAPv2, EAP-MSCHAPv2. */
#ifndef SSTP_AUTH_H
#define SSTP_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define PPP_PROTO_PAP	0xc023	/* RFC 1334 */
#define PPP_PROTO_CHAP	0xc223	/* RFC 1994 */
#define PPP_PROTO_EAP	0xc227	/* RFC 3748 */

#define CHAP_ALG_MD5	0x05	/* RFC 1994 */
#define CHAP_ALG_MSCHAP1 0x80	/* RFC 2433 */
#define CHAP_ALG_MSCHAP2 0x81	/* RFC 2759 */

struct auth_callbacks {
	/*
	 * A packet to send: 'pkt' is code, identifier, length, data (no PPP
	 * protocol field); 'proto' is the PPP protocol to send it under.
	 */
	void	(*output_cb)(void *arg, uint16_t proto, const uint8_t *pkt,
		    size_t len);
	/*
	 * Authentication finished.  ok = 1 on success; reason is readable on
	 * failure ("authentication failed: E=691 R=0 ... (bad user name or
	 * password)").  hlak is 32 bytes for methods that derive keys
	 * (MS-CHAPv2: MasterSendKey || MasterReceiveKey; EAP: MSK[0..31]),
	 * NULL otherwise.
	 */
	void	(*done_cb)(void *arg, int ok, const char *reason,
		    const uint8_t *hlak);
};

struct auth;

/*
 * Is this LCP Authentication-Protocol option acceptable under mask
 * (PPP_AUTH_* from ppp.h)?  alg is CHAP's algorithm byte (ignored otherwise).
 */
int	auth_allowed(uint16_t proto, uint8_t alg, unsigned int mask);
/*
 * The option to propose in a Configure-Nak when the peer asked for one we do
 * not allow: the strongest allowed one not yet refused; 0 when none is left.
 */
uint16_t auth_pick(unsigned int mask, unsigned int tried, uint8_t *alg);
/* "mschap2", "chap", "pap", "eap-mschap2"... */
const char *auth_method_name(uint16_t proto, uint8_t alg);

/* An authenticator for the method LCP agreed on; never NULL. */
struct auth *auth_new(uint16_t proto, uint8_t alg, const char *user,
	    const char *password, const struct auth_callbacks *cb, void *arg);
/* LCP is open: PAP sends its request (with retries); the others wait. */
void	auth_start(struct auth *a);
/* A packet under PAP, CHAP or EAP; malformed ones are logged and dropped. */
void	auth_input(struct auth *a, uint16_t proto, const uint8_t *pkt, size_t len);
void	auth_free(struct auth *a);
/* The interface name the log lines carry ("sstp-out1"); "ppp" until set. */
void	auth_set_ifname(struct auth *a, const char *ifname);

#endif

/* auth_priv.h - what auth.c, pap.c, chap.c and eap.c share, and the hooks the unit tests use. */
#ifndef SSTP_AUTH_PRIV_H
#define SSTP_AUTH_PRIV_H

#include <stdarg.h>

#include "auth.h"
#include "mschap.h"
#include "timer.h"

#define PAP_AUTH_REQ		1	/* RFC 1334 2.2.1 */
#define PAP_AUTH_ACK		2	/* RFC 1334 2.2.2 */
#define PAP_AUTH_NAK		3

#define CHAP_CHALLENGE		1	/* RFC 1994 4.1 */
#define CHAP_RESPONSE		2
#define CHAP_SUCCESS		3	/* RFC 1994 4.2 */
#define CHAP_FAILURE		4

#define EAP_REQUEST		1	/* RFC 3748 4.1 */
#define EAP_RESPONSE		2
#define EAP_SUCCESS		3	/* RFC 3748 4.2 */
#define EAP_FAILURE		4
#define EAP_TYPE_IDENTITY	1	/* RFC 3748 5.1 */
#define EAP_TYPE_NOTIFICATION	2	/* RFC 3748 5.2 */
#define EAP_TYPE_NAK		3	/* RFC 3748 5.3.1 */
#define EAP_TYPE_MSCHAPV2	26	/* draft-kamath-pppext-eap-mschapv2 */

#define EAP_MSCHAPV2_CHALLENGE	1	/* draft-kamath-pppext-eap-mschapv2 2 */
#define EAP_MSCHAPV2_RESPONSE	2
#define EAP_MSCHAPV2_SUCCESS	3
#define EAP_MSCHAPV2_FAILURE	4

#define AUTH_HDR_LEN		4	/* code, identifier, 16-bit length */
#define AUTH_PAP_RESTART_MS	3000	/* as pppd's pap-restart */
#define AUTH_PAP_MAX_REQUESTS	10	/* as pppd's pap-max-authreq */
#define AUTH_WAIT_MS		30000	/* CHAP/EAP: silence before we give up */
#define AUTH_MAX_USER		255	/* PAP's Peer-ID-Length is one byte */
#define AUTH_MAX_PASSWORD	1023	/* 256 UTF-16 characters as UTF-8, and more */
#define AUTH_PKT_MAX		600
#define AUTH_REASON_MAX		320

enum auth_state {
	AUTH_IDLE,		/* auth_start not called yet */
	AUTH_RUNNING,
	AUTH_OK,		/* done_cb(1) called; rechallenges still answered */
	AUTH_FAILED		/* done_cb(0) called; everything is dropped */
};

struct auth {
	uint16_t		 proto;
	uint8_t			 alg;
	const char		*name;		/* auth_method_name() */
	char			 ifname[32];
	char			 user[AUTH_MAX_USER + 1];
	char			 password[AUTH_MAX_PASSWORD + 1];
	int			 too_long;	/* user or password did not fit */
	struct auth_callbacks	 cb;
	void			*arg;
	enum auth_state		 state;

	struct timer		 timer;		/* PAP restart, CHAP/EAP wait */
	unsigned int		 restart_ms;
	unsigned int		 max_requests;
	unsigned int		 wait_ms;
	unsigned int		 requests;	/* PAP requests sent */
	uint8_t			 id;		/* PAP: last request's id */

	/* The last response we sent and the request id it answers. */
	uint8_t			 pkt[AUTH_PKT_MAX];
	size_t			 pkt_len;
	int			 have_pkt;
	uint8_t			 pkt_id;

	/* MS-CHAPv2, in CHAP or EAP. */
	uint8_t			 peer_chal[MSCHAP2_CHALLENGE_LEN];
	uint8_t			 nt[MSCHAP_NT_RESPONSE_LEN];
	char			 authresp[MSCHAP2_AUTHRESP_LEN + 1];
	uint8_t			 ms_id;		/* EAP: MS-CHAPv2-ID answered */
	int			 ms_sent;	/* EAP: a Response went out */
	int			 ms_ok;		/* EAP: server authenticated */
	uint8_t			 eap_refused;	/* EAP type we Nak'd, 0 none */

	void			(*random_cb)(uint8_t *, size_t);
};

/* A packet under construction: many puts, one check (err) at the end. */
struct auth_pkt {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 len;
	int		 err;
};

void	auth_pkt_begin(struct auth_pkt *p, uint8_t *buf, size_t cap,
	    uint8_t code, uint8_t id);
void	auth_put8(struct auth_pkt *p, uint8_t v);
void	auth_put16(struct auth_pkt *p, uint16_t v);
void	auth_put(struct auth_pkt *p, const void *data, size_t len);
/* Fill in the length field; the total length, or 0 if something overflowed. */
size_t	auth_pkt_end(struct auth_pkt *p);
/* Big-endian 16 bits. */
uint16_t auth_get16(const uint8_t *p);

/*
 * Check the common header: *plen gets the length field, which must lie in
 * 4..len (bytes past it are padding).  0 or -1 (logged, drop it).
 */
int	auth_header(struct auth *a, const uint8_t *pkt, size_t len,
	    size_t *plen);

/* Send our response in a->pkt (cached for retransmitted requests). */
void	auth_send_cached(struct auth *a);
/*
 * A request whose Identifier we already answered means our response was
 * lost: resend the very same one (RFC 1994 4.1, RFC 3748 4.1).  1 if so.
 */
int	auth_resend(struct auth *a, uint8_t id);
void	auth_send(struct auth *a, const uint8_t *pkt, size_t len);
/* Random bytes for challenges; 0 or -1. */
int	auth_random(struct auth *a, uint8_t *buf, size_t len);
/* (Re)arm the CHAP/EAP wait timer. */
void	auth_wait(struct auth *a);

/*
 * End the exchange: done_cb runs last, so the caller must not touch 'a'
 * afterwards (the owner may free it from the callback).
 */
void	auth_succeed(struct auth *a, const uint8_t *hlak);
void	auth_fail(struct auth *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Log lines that name the interface and method. */
void	auth_log(struct auth *a, int level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Printable text from a peer's message (at most 'len' bytes, control and
 * non-ASCII bytes as '?'), NUL-terminated in dst.
 */
void	auth_text(char *dst, size_t dstlen, const uint8_t *src, size_t len);
/*
 * A readable reason from an MS-CHAP Failure message ("E=691 R=0 ... M=..."):
 * "E=691 (bad user name or password): <M text>".
 */
void	auth_mschap_reason(char *dst, size_t dstlen, const uint8_t *msg,
	    size_t len);
/* Check an MS-CHAPv2 Success message: 1 good, 0 not (logged). */
int	auth_mschap2_verify(struct auth *a, const uint8_t *msg, size_t len);
/*
 * MS-CHAPv2 is over: with the server 'proven' (its authenticator response
 * checked), succeed with the HLAK; otherwise fail the link.  done_cb runs.
 */
void	auth_mschap2_done(struct auth *a, int proven);
/* Build the 49-byte MS-CHAPv2 Response Value with a fresh peer challenge. */
int	auth_mschap2_response(struct auth *a,
	    const uint8_t challenge[MSCHAP2_CHALLENGE_LEN],
	    uint8_t value[MSCHAP_RESPONSE_LEN]);

void	pap_start(struct auth *a);
void	pap_input(struct auth *a, const uint8_t *pkt, size_t len);
void	pap_timer_cb(void *arg);
void	chap_input(struct auth *a, const uint8_t *pkt, size_t len);
void	eap_input(struct auth *a, const uint8_t *pkt, size_t len);

/*
 * Tests only: the timing (0 keeps the defaults above; call before
 * auth_start) and a fixed source of "random" bytes.
 */
void	auth_set_timers(struct auth *a, unsigned int restart_ms,
	    unsigned int max_requests, unsigned int wait_ms);
void	auth_set_random(struct auth *a, void (*fn)(uint8_t *, size_t));

#endif

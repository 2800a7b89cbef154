/* pppd_msg.h - the messages between sstpcd and its pppd plugin (pure codec, shared by both). */
#ifndef SSTP_PPPD_MSG_H
#define SSTP_PPPD_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/*
 * One message per datagram on a SOCK_SEQPACKET UNIX socket the daemon
 * listens on (path given to the plugin as "sstp-sock PATH").  Wire format:
 *
 *	version (1) = PPPD_MSG_VERSION, type (1), length (2, big endian,
 *	whole message), then attributes: id (1), length (1, value only), value.
 *
 * Unknown attributes are skipped so either side may add some; a message
 * with a bad header or an attribute running past the end is rejected.
 *
 * Exchange:
 *	plugin -> HELLO (pid, pppd version)
 *	plugin -> PASSWD_REQ (method)  daemon -> PASSWD (password)
 *	plugin -> AUTH_UP (method, MPPE keys when the method made them)
 *	daemon -> ACK  (the daemon has sent Call Connected; pppd may now
 *	                start the network protocols)
 *	plugin -> IP_UP (interface, addresses, DNS, MTU) / IPV6_UP / IP_DOWN
 *	plugin -> IPV6_NONE (the peer rejected IPv6CP)
 */
#define PPPD_MSG_VERSION	1
#define PPPD_MSG_MAX		512	/* largest message on the wire */
#define PPPD_MSG_TEXT		256	/* largest text value, NUL included */
#define PPPD_MSG_KEY		16	/* MPPE key length (RFC 3079 3.4: 128-bit) */

enum pppd_msg_type {
	PPPD_MSG_HELLO = 1,
	PPPD_MSG_PASSWD_REQ,
	PPPD_MSG_PASSWD,
	PPPD_MSG_AUTH_UP,
	PPPD_MSG_ACK,
	PPPD_MSG_IP_UP,
	PPPD_MSG_IPV6_UP,
	PPPD_MSG_IP_DOWN,
	PPPD_MSG_IPV6_NONE,	/* the peer rejected IPv6CP: do not wait for it */
};

/* Authentication method the plugin reports (what pppd used with the peer). */
enum pppd_msg_auth {
	PPPD_AUTH_NONE = 0,
	PPPD_AUTH_PAP,
	PPPD_AUTH_CHAP,
	PPPD_AUTH_MSCHAP1,
	PPPD_AUTH_MSCHAP2,
	PPPD_AUTH_EAP,
};

/* A decoded message; which fields count depends on the type. */
struct pppd_msg {
	enum pppd_msg_type type;
	uint32_t	 pid;			/* HELLO */
	char		 text[PPPD_MSG_TEXT];	/* HELLO: version; PASSWD: password;
						   IP_UP: interface name */
	unsigned int	 auth;			/* PASSWD_REQ, AUTH_UP: PPPD_AUTH_* */
	int		 have_keys;		/* AUTH_UP */
	uint8_t		 send_key[PPPD_MSG_KEY];	/* pppd's mppe_send_key */
	uint8_t		 recv_key[PPPD_MSG_KEY];	/* pppd's mppe_recv_key */
	struct in_addr	 local, remote;		/* IP_UP */
	struct in_addr	 dns1, dns2;		/* IP_UP; 0 when none */
	uint32_t	 mtu, mru;		/* IP_UP */
	uint8_t		 local_iid[8], remote_iid[8];	/* IPV6_UP */
};

/*
 * Encode m into buf.  Returns the length, -ENOSPC when cap is too small, or
 * -EINVAL for an unknown type or a text too long.
 */
int	pppd_msg_encode(const struct pppd_msg *m, uint8_t *buf, size_t cap);
/* Decode buf[0..len) into m (zeroed first); 0 or -EBADMSG. */
int	pppd_msg_decode(struct pppd_msg *m, const uint8_t *buf, size_t len);

/*
 * The SSTP Higher-Layer Authentication Key from an AUTH_UP message (MS-SSTP
 * 3.2.5.2): for MS-CHAPv2 the client's MasterSendKey || MasterReceiveKey
 * (RFC 3079 3.4; pppd keeps them in mppe_send_key and mppe_recv_key when it
 * is the authenticatee), and the same for EAP-MSCHAPv2 whose MSK begins
 * with them.  Returns 1 with hlak filled, 0 when the method gives no key
 * (PAP, CHAP-MD5, MS-CHAPv1 or no keys).
 */
int	pppd_msg_hlak(const struct pppd_msg *m, uint8_t hlak[32]);

/* "mschap2", "pap" ... for the link info (static strings). */
const char *pppd_msg_auth_name(unsigned int auth);

#endif

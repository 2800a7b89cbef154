/* sstp_msg.h - the SSTP packet codec (MS-SSTP 2.2): pure functions over byte buffers. */
#ifndef SSTP_MSG_H
#define SSTP_MSG_H

#include <stddef.h>
#include <stdint.h>

#define SSTP_VERSION		0x10	/* MS-SSTP 2.2.1: major 1, minor 0 */
#define SSTP_FLAG_CONTROL	0x01	/* MS-SSTP 2.2.1: the C bit */
#define SSTP_LEN_MASK		0x0fff	/* MS-SSTP 2.2.1: 12-bit length */
#define SSTP_HDR_LEN		4	/* MS-SSTP 2.2.1 */
#define SSTP_CTRL_HDR_LEN	8	/* MS-SSTP 2.2.2: header, type, count */
#define SSTP_ATTR_HDR_LEN	4	/* MS-SSTP 2.2.4 */
#define SSTP_MAX_PACKET		4095	/* the largest 12-bit length */
#define SSTP_MAX_DATA		(SSTP_MAX_PACKET - SSTP_HDR_LEN)

/* Message types, MS-SSTP 2.2.2. */
enum sstp_msg_type {
	SSTP_MSG_CALL_CONNECT_REQUEST = 1,
	SSTP_MSG_CALL_CONNECT_ACK = 2,
	SSTP_MSG_CALL_CONNECT_NAK = 3,
	SSTP_MSG_CALL_CONNECTED = 4,
	SSTP_MSG_CALL_ABORT = 5,
	SSTP_MSG_CALL_DISCONNECT = 6,
	SSTP_MSG_CALL_DISCONNECT_ACK = 7,
	SSTP_MSG_ECHO_REQUEST = 8,
	SSTP_MSG_ECHO_RESPONSE = 9
};

/* Attribute ids, MS-SSTP 2.2.4. */
enum sstp_attr_id {
	SSTP_ATTR_NO_ERROR = 0,
	SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID = 1,
	SSTP_ATTR_STATUS_INFO = 2,
	SSTP_ATTR_CRYPTO_BINDING = 3,
	SSTP_ATTR_CRYPTO_BINDING_REQ = 4
};

/* Status values of the Status Info attribute, MS-SSTP 2.2.8. */
enum sstp_status {
	SSTP_STATUS_NO_ERROR = 0,
	SSTP_STATUS_DUPLICATE_ATTRIBUTE = 1,
	SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE = 2,
	SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH = 3,
	SSTP_STATUS_VALUE_NOT_SUPPORTED = 4,
	SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED = 5,
	SSTP_STATUS_RETRY_COUNT_EXCEEDED = 6,
	SSTP_STATUS_INVALID_FRAME_RECEIVED = 7,
	SSTP_STATUS_NEGOTIATION_TIMEOUT = 8,
	SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG = 9,
	SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING = 10,
	SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG = 11
};

#define SSTP_ENCAPSULATED_PROTOCOL_PPP	1	/* MS-SSTP 2.2.5 */

/* Attribute lengths, header included. */
#define SSTP_ATTR_ENCAP_LEN		6	/* MS-SSTP 2.2.5 */
#define SSTP_ATTR_STATUS_MIN_LEN	12	/* MS-SSTP 2.2.8 */
#define SSTP_STATUS_VALUE_MAX		64	/* MS-SSTP 2.2.8: AttribValue */
#define SSTP_ATTR_STATUS_MAX_LEN	(SSTP_ATTR_STATUS_MIN_LEN + SSTP_STATUS_VALUE_MAX)
#define SSTP_ATTR_BINDING_LEN		104	/* MS-SSTP 2.2.7 */
#define SSTP_ATTR_BINDING_REQ_LEN	40	/* MS-SSTP 2.2.6 */

/* Crypto binding, MS-SSTP 2.2.6 and 2.2.7. */
#define SSTP_HASH_BITMASK_SHA1		0x01
#define SSTP_HASH_BITMASK_SHA256	0x02
#define SSTP_HASH_PROTO_SHA1		1
#define SSTP_HASH_PROTO_SHA256		2
#define SSTP_NONCE_LEN			32
#define SSTP_CERT_HASH_LEN		32	/* SHA1: 20 bytes, then zeros */
#define SSTP_CMAC_LEN			32	/* SHA1: 20 bytes, then zeros */

/* The most attributes one decoded message may carry. */
#define SSTP_MSG_MAX_ATTRS	8

/* One decoded attribute; pointers point into the decoded packet. */
struct sstp_attr {
	uint8_t			 id;
	uint16_t		 len;		/* header included */
	const uint8_t		*value;		/* after the 4-byte header */
	size_t			 value_len;
	union {
		uint16_t	 encap_proto;
		struct {
			uint8_t		 attr_id;
			uint32_t	 status;
			const uint8_t	*value;
			size_t		 value_len;
		} status;
		struct {
			uint8_t		 hash_bitmask;
			const uint8_t	*nonce;
		} binding_req;
		struct {
			uint8_t		 hash_proto;
			const uint8_t	*nonce;
			const uint8_t	*cert_hash;
			const uint8_t	*cmac;
		} binding;
	} u;
};

/*
 * One decoded packet.  For a data packet, 'data' is the PPP frame.  For a
 * control packet, 'type' and the attributes.  On a decoding error, 'error'
 * says what was wrong, and 'status' and 'bad_attr' are what a Call Abort
 * should carry.
 */
struct sstp_msg {
	int			 control;
	uint16_t		 len;		/* the whole packet */
	const uint8_t		*data;
	size_t			 data_len;
	uint16_t		 type;
	uint16_t		 nattrs;
	struct sstp_attr	 attrs[SSTP_MSG_MAX_ATTRS];
	uint32_t		 status;
	uint8_t			 bad_attr;
	char			 error[128];
};

/*
 * Delineate the stream: given the bytes read so far, returns 1 and sets
 * *pktlen when a whole packet is at the start of buf, 0 when more bytes are
 * needed, or -EPROTO when the stream cannot be SSTP (bad version, a length
 * below the header), with 'err' (errlen bytes) saying why.
 */
int	sstp_msg_frame(const uint8_t *buf, size_t len, size_t *pktlen,
	    char *err, size_t errlen);

/*
 * Decode exactly one packet (len is its whole length).  Returns 0, -EPROTO
 * for a broken header (the stream is unusable), or -EBADMSG for an invalid
 * control message (wrong attribute lengths, counts, attributes not allowed in
 * the message, unknown type).  m->error, m->status and m->bad_attr say why.
 * The attributes point into buf, which must outlive m.
 */
int	sstp_msg_decode(const uint8_t *buf, size_t len, struct sstp_msg *m);

/* The first attribute with this id, or NULL. */
const struct sstp_attr *sstp_msg_find(const struct sstp_msg *m, uint8_t id);

/* Names: "CALL_CONNECT_ACK", "NEGOTIATION_TIMEOUT", "negotiation timeout". */
const char *sstp_msg_type_name(unsigned int type);
const char *sstp_msg_attr_name(unsigned int id);
const char *sstp_msg_status_name(unsigned int status);
const char *sstp_msg_status_text(unsigned int status);

/*
 * A sticky-error buffer for building packets: many puts, one check at the
 * end.  The memory is the caller's.
 */
struct sstp_buf {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	int		 err;		/* 0 or -EMSGSIZE */
	size_t		 msg_start;	/* where the control packet began */
	uint16_t	 nattrs;
};

void	sstp_buf_init(struct sstp_buf *b, uint8_t *mem, size_t cap);
void	sstp_buf_put(struct sstp_buf *b, const void *p, size_t n);
void	sstp_buf_put8(struct sstp_buf *b, uint8_t v);
void	sstp_buf_put16(struct sstp_buf *b, uint16_t v);
void	sstp_buf_put32(struct sstp_buf *b, uint32_t v);
void	sstp_buf_zero(struct sstp_buf *b, size_t n);

/* Start a control packet of this type at the end of the buffer. */
void	sstp_msg_begin(struct sstp_buf *b, uint16_t type);
void	sstp_msg_put_encap(struct sstp_buf *b, uint16_t proto);
/* value may be NULL when vlen is 0; more than 64 bytes are cut. */
void	sstp_msg_put_status(struct sstp_buf *b, uint8_t attr_id, uint32_t status,
	    const uint8_t *value, size_t vlen);
void	sstp_msg_put_binding_req(struct sstp_buf *b, uint8_t bitmask,
	    const uint8_t nonce[SSTP_NONCE_LEN]);
/* cert_hash and cmac are 32 bytes each (SHA1 values zero-padded). */
void	sstp_msg_put_binding(struct sstp_buf *b, uint8_t hash_proto,
	    const uint8_t nonce[SSTP_NONCE_LEN], const uint8_t *cert_hash,
	    const uint8_t *cmac);
/*
 * Finish the control packet: fill in its length and attribute count.
 * Returns the packet's length, or -EMSGSIZE if any put overflowed.
 */
int	sstp_msg_end(struct sstp_buf *b);

/* Write the 4-byte data packet header for a payload of len bytes. */
int	sstp_msg_data_header(uint8_t hdr[SSTP_HDR_LEN], size_t len);

#endif

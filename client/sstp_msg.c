/* sstp_msg.c - the SSTP packet codec (MS-SSTP 2.2): strict decoding, sticky-error building. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sstp_msg.h"

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16_at(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Record why a message is invalid and what an abort should say; returns rc. */
static int __attribute__((format(printf, 5, 6)))
msg_fail(struct sstp_msg *m, int rc, uint32_t status, uint8_t attr,
    const char *fmt, ...)
{
	va_list	ap;

	m->status = status;
	m->bad_attr = attr;
	va_start(ap, fmt);
	vsnprintf(m->error, sizeof m->error, fmt, ap);
	va_end(ap);
	return rc;
}

int
sstp_msg_frame(const uint8_t *buf, size_t len, size_t *pktlen, char *err,
    size_t errlen)
{
	size_t	plen;

	if (len < 1)
		return 0;
	if (buf[0] != SSTP_VERSION) {
		snprintf(err, errlen, "bad version 0x%02x (expected 0x%02x)",
		    buf[0], SSTP_VERSION);
		return -EPROTO;
	}
	if (len < SSTP_HDR_LEN)
		return 0;
	plen = get16(buf + 2) & SSTP_LEN_MASK;
	if (plen < SSTP_HDR_LEN) {
		snprintf(err, errlen, "packet length %zu below the %d-byte "
		    "header", plen, SSTP_HDR_LEN);
		return -EPROTO;
	}
	if (len < plen)
		return 0;
	*pktlen = plen;
	return 1;
}

/* Check one attribute's length and fill its typed view. */
static int
msg_decode_attr(struct sstp_msg *m, struct sstp_attr *a)
{
	const uint8_t	*v = a->value;
	const char	*name = sstp_msg_attr_name(a->id);

	switch (a->id) {
	case SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID:
		if (a->len != SSTP_ATTR_ENCAP_LEN)
			goto badlen;
		a->u.encap_proto = get16(v);
		if (a->u.encap_proto != SSTP_ENCAPSULATED_PROTOCOL_PPP)
			return msg_fail(m, -EBADMSG,
			    SSTP_STATUS_VALUE_NOT_SUPPORTED, a->id,
			    "%s: protocol %u is not PPP", name,
			    a->u.encap_proto);
		return 0;
	case SSTP_ATTR_STATUS_INFO:
		if (a->len < SSTP_ATTR_STATUS_MIN_LEN ||
		    a->len > SSTP_ATTR_STATUS_MAX_LEN)
			goto badlen;
		a->u.status.attr_id = v[3];
		a->u.status.status = get32(v + 4);
		a->u.status.value = v + 8;
		a->u.status.value_len = a->len - SSTP_ATTR_STATUS_MIN_LEN;
		return 0;
	case SSTP_ATTR_CRYPTO_BINDING:
		if (a->len != SSTP_ATTR_BINDING_LEN)
			goto badlen;
		a->u.binding.hash_proto = v[3];
		a->u.binding.nonce = v + 4;
		a->u.binding.cert_hash = v + 4 + SSTP_NONCE_LEN;
		a->u.binding.cmac = v + 4 + SSTP_NONCE_LEN + SSTP_CERT_HASH_LEN;
		if (a->u.binding.hash_proto != SSTP_HASH_PROTO_SHA1 &&
		    a->u.binding.hash_proto != SSTP_HASH_PROTO_SHA256)
			return msg_fail(m, -EBADMSG,
			    SSTP_STATUS_VALUE_NOT_SUPPORTED, a->id,
			    "%s: unknown hash protocol %u", name,
			    a->u.binding.hash_proto);
		return 0;
	case SSTP_ATTR_CRYPTO_BINDING_REQ:
		if (a->len != SSTP_ATTR_BINDING_REQ_LEN)
			goto badlen;
		a->u.binding_req.hash_bitmask = v[3];
		a->u.binding_req.nonce = v + 4;
		return 0;
	default:
		return msg_fail(m, -EBADMSG, SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE,
		    a->id, "unrecognized attribute id %u", a->id);
	}
badlen:
	return msg_fail(m, -EBADMSG, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	    a->id, "%s: invalid length %u", name, a->len);
}

/*
 * Which attributes each message may carry (MS-SSTP 2.2.9 to 2.2.17): 'allowed'
 * and 'required' are bitmasks of attribute ids; 'many' allows repeats.
 */
static const struct {
	uint8_t	allowed;
	uint8_t	required;
	int	many;
} msg_rules[] = {
	[SSTP_MSG_CALL_CONNECT_REQUEST] = { 1 << SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
	    1 << SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, 0 },
	[SSTP_MSG_CALL_CONNECT_ACK] = { 1 << SSTP_ATTR_CRYPTO_BINDING_REQ,
	    1 << SSTP_ATTR_CRYPTO_BINDING_REQ, 0 },
	[SSTP_MSG_CALL_CONNECT_NAK] = { 1 << SSTP_ATTR_STATUS_INFO, 0, 1 },
	[SSTP_MSG_CALL_CONNECTED] = { 1 << SSTP_ATTR_CRYPTO_BINDING,
	    1 << SSTP_ATTR_CRYPTO_BINDING, 0 },
	[SSTP_MSG_CALL_ABORT] = { 1 << SSTP_ATTR_STATUS_INFO, 0, 1 },
	[SSTP_MSG_CALL_DISCONNECT] = { 1 << SSTP_ATTR_STATUS_INFO, 0, 1 },
	[SSTP_MSG_CALL_DISCONNECT_ACK] = { 0, 0, 0 },
	[SSTP_MSG_ECHO_REQUEST] = { 0, 0, 0 },
	[SSTP_MSG_ECHO_RESPONSE] = { 0, 0, 0 },
};

/* Apply msg_rules to a decoded control message. */
static int
msg_check_rules(struct sstp_msg *m)
{
	const char	*tname = sstp_msg_type_name(m->type);
	unsigned int	 seen = 0, bit, i;
	uint8_t		 allowed = msg_rules[m->type].allowed;
	uint8_t		 required = msg_rules[m->type].required;

	for (i = 0; i < m->nattrs; i++) {
		uint8_t id = m->attrs[i].id;

		bit = 1U << id;
		if ((allowed & bit) == 0) {
			return msg_fail(m, -EBADMSG, id == SSTP_ATTR_STATUS_INFO ?
			    SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG :
			    SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG, id,
			    "%s not allowed in %s", sstp_msg_attr_name(id),
			    tname);
		}
		if ((seen & bit) && !msg_rules[m->type].many)
			return msg_fail(m, -EBADMSG,
			    SSTP_STATUS_DUPLICATE_ATTRIBUTE, id,
			    "duplicate %s in %s", sstp_msg_attr_name(id),
			    tname);
		seen |= bit;
	}
	for (i = 0; i < 8; i++) {
		bit = 1U << i;
		if ((required & bit) && (seen & bit) == 0)
			return msg_fail(m, -EBADMSG,
			    SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING, i,
			    "%s without %s", tname, sstp_msg_attr_name(i));
	}
	return 0;
}

int
sstp_msg_decode(const uint8_t *buf, size_t len, struct sstp_msg *m)
{
	size_t		 plen, off;
	unsigned int	 i, count;
	int		 rc;

	memset(m, 0, sizeof *m);
	if (len < SSTP_HDR_LEN)
		return msg_fail(m, -EPROTO, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		    0, "packet of %zu bytes is shorter than the header", len);
	if (buf[0] != SSTP_VERSION)
		return msg_fail(m, -EPROTO, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		    0, "bad version 0x%02x (expected 0x%02x)", buf[0],
		    SSTP_VERSION);
	plen = get16(buf + 2) & SSTP_LEN_MASK;
	if (plen != len)
		return msg_fail(m, -EPROTO, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		    0, "length field %zu but packet is %zu bytes", plen, len);
	m->len = (uint16_t)plen;
	m->control = buf[1] & SSTP_FLAG_CONTROL;
	if (!m->control) {
		m->data = buf + SSTP_HDR_LEN;
		m->data_len = len - SSTP_HDR_LEN;
		return 0;
	}

	if (len < SSTP_CTRL_HDR_LEN)
		return msg_fail(m, -EBADMSG, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		    0, "control packet of %zu bytes is shorter than %d", len,
		    SSTP_CTRL_HDR_LEN);
	m->type = get16(buf + 4);
	count = get16(buf + 6);
	if (m->type < SSTP_MSG_CALL_CONNECT_REQUEST ||
	    m->type > SSTP_MSG_ECHO_RESPONSE)
		return msg_fail(m, -EBADMSG, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		    0, "unknown message type %u", m->type);
	if (count > SSTP_MSG_MAX_ATTRS)
		return msg_fail(m, -EBADMSG, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		    0, "%s with %u attributes (at most %d)",
		    sstp_msg_type_name(m->type), count, SSTP_MSG_MAX_ATTRS);

	off = SSTP_CTRL_HDR_LEN;
	for (i = 0; i < count; i++) {
		struct sstp_attr *a = &m->attrs[i];

		if (len - off < SSTP_ATTR_HDR_LEN)
			return msg_fail(m, -EBADMSG,
			    SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
			    "%s: attribute %u of %u is missing",
			    sstp_msg_type_name(m->type), i + 1, count);
		a->id = buf[off + 1];
		a->len = get16(buf + off + 2) & SSTP_LEN_MASK;
		if (a->len < SSTP_ATTR_HDR_LEN || a->len > len - off)
			return msg_fail(m, -EBADMSG,
			    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, a->id,
			    "%s: attribute %u (%s) length %u does not fit",
			    sstp_msg_type_name(m->type), i + 1,
			    sstp_msg_attr_name(a->id), a->len);
		a->value = buf + off + SSTP_ATTR_HDR_LEN;
		a->value_len = a->len - SSTP_ATTR_HDR_LEN;
		m->nattrs = i + 1;
		if ((rc = msg_decode_attr(m, a)) != 0)
			return rc;
		off += a->len;
	}
	if (off != len)
		return msg_fail(m, -EBADMSG, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		    0, "%s: %zu bytes after the last attribute",
		    sstp_msg_type_name(m->type), len - off);
	return msg_check_rules(m);
}

const struct sstp_attr *
sstp_msg_find(const struct sstp_msg *m, uint8_t id)
{
	unsigned int	i;

	for (i = 0; i < m->nattrs; i++) {
		if (m->attrs[i].id == id)
			return &m->attrs[i];
	}
	return NULL;
}

const char *
sstp_msg_type_name(unsigned int type)
{
	static const char *names[] = {
		NULL, "CALL_CONNECT_REQUEST", "CALL_CONNECT_ACK",
		"CALL_CONNECT_NAK", "CALL_CONNECTED", "CALL_ABORT",
		"CALL_DISCONNECT", "CALL_DISCONNECT_ACK", "ECHO_REQUEST",
		"ECHO_RESPONSE"
	};

	if (type < sizeof names / sizeof names[0] && names[type] != NULL)
		return names[type];
	return "UNKNOWN_MESSAGE";
}

const char *
sstp_msg_attr_name(unsigned int id)
{
	static const char *names[] = {
		"NO_ERROR", "ENCAPSULATED_PROTOCOL_ID", "STATUS_INFO",
		"CRYPTO_BINDING", "CRYPTO_BINDING_REQ"
	};

	if (id < sizeof names / sizeof names[0])
		return names[id];
	return "UNKNOWN_ATTRIBUTE";
}

static const struct {
	const char	*name;
	const char	*text;
} status_names[] = {
	{ "NO_ERROR", "no error" },
	{ "DUPLICATE_ATTRIBUTE", "duplicate attribute" },
	{ "UNRECOGNIZED_ATTRIBUTE", "unrecognized attribute" },
	{ "INVALID_ATTRIB_VALUE_LENGTH", "invalid attribute value length" },
	{ "VALUE_NOT_SUPPORTED", "value not supported" },
	{ "UNACCEPTED_FRAME_RECEIVED", "unaccepted frame received" },
	{ "RETRY_COUNT_EXCEEDED", "retry count exceeded" },
	{ "INVALID_FRAME_RECEIVED", "invalid frame received" },
	{ "NEGOTIATION_TIMEOUT", "negotiation timeout" },
	{ "ATTRIB_NOT_SUPPORTED_IN_MSG", "attribute not supported in message" },
	{ "REQUIRED_ATTRIBUTE_MISSING", "required attribute missing" },
	{ "STATUS_INFO_NOT_SUPPORTED_IN_MSG",
	    "status info not supported in message" },
};

const char *
sstp_msg_status_name(unsigned int status)
{
	if (status < sizeof status_names / sizeof status_names[0])
		return status_names[status].name;
	return "UNKNOWN_STATUS";
}

const char *
sstp_msg_status_text(unsigned int status)
{
	if (status < sizeof status_names / sizeof status_names[0])
		return status_names[status].text;
	return "unknown status";
}

void
sstp_buf_init(struct sstp_buf *b, uint8_t *mem, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->p = mem;
	b->cap = cap;
}

void
sstp_buf_put(struct sstp_buf *b, const void *p, size_t n)
{
	if (b->err != 0)
		return;
	if (n > b->cap - b->len) {
		b->err = -EMSGSIZE;
		return;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
sstp_buf_zero(struct sstp_buf *b, size_t n)
{
	if (b->err != 0)
		return;
	if (n > b->cap - b->len) {
		b->err = -EMSGSIZE;
		return;
	}
	memset(b->p + b->len, 0, n);
	b->len += n;
}

void
sstp_buf_put8(struct sstp_buf *b, uint8_t v)
{
	sstp_buf_put(b, &v, 1);
}

void
sstp_buf_put16(struct sstp_buf *b, uint16_t v)
{
	uint8_t	p[2] = { v >> 8, v & 0xff };

	sstp_buf_put(b, p, 2);
}

void
sstp_buf_put32(struct sstp_buf *b, uint32_t v)
{
	uint8_t	p[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	sstp_buf_put(b, p, 4);
}

void
sstp_msg_begin(struct sstp_buf *b, uint16_t type)
{
	b->msg_start = b->len;
	b->nattrs = 0;
	sstp_buf_put8(b, SSTP_VERSION);
	sstp_buf_put8(b, SSTP_FLAG_CONTROL);
	sstp_buf_put16(b, 0);		/* length, set by sstp_msg_end() */
	sstp_buf_put16(b, type);
	sstp_buf_put16(b, 0);		/* count, set by sstp_msg_end() */
}

/* The 4-byte attribute header. */
static void
msg_put_attr_hdr(struct sstp_buf *b, uint8_t id, uint16_t len)
{
	sstp_buf_put8(b, 0);
	sstp_buf_put8(b, id);
	sstp_buf_put16(b, len);
	b->nattrs++;
}

void
sstp_msg_put_encap(struct sstp_buf *b, uint16_t proto)
{
	msg_put_attr_hdr(b, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
	    SSTP_ATTR_ENCAP_LEN);
	sstp_buf_put16(b, proto);
}

void
sstp_msg_put_status(struct sstp_buf *b, uint8_t attr_id, uint32_t status,
    const uint8_t *value, size_t vlen)
{
	if (vlen > SSTP_STATUS_VALUE_MAX)
		vlen = SSTP_STATUS_VALUE_MAX;
	msg_put_attr_hdr(b, SSTP_ATTR_STATUS_INFO,
	    (uint16_t)(SSTP_ATTR_STATUS_MIN_LEN + vlen));
	sstp_buf_zero(b, 3);
	sstp_buf_put8(b, attr_id);
	sstp_buf_put32(b, status);
	sstp_buf_put(b, value, vlen);
}

void
sstp_msg_put_binding_req(struct sstp_buf *b, uint8_t bitmask,
    const uint8_t nonce[SSTP_NONCE_LEN])
{
	msg_put_attr_hdr(b, SSTP_ATTR_CRYPTO_BINDING_REQ,
	    SSTP_ATTR_BINDING_REQ_LEN);
	sstp_buf_zero(b, 3);
	sstp_buf_put8(b, bitmask);
	sstp_buf_put(b, nonce, SSTP_NONCE_LEN);
}

void
sstp_msg_put_binding(struct sstp_buf *b, uint8_t hash_proto,
    const uint8_t nonce[SSTP_NONCE_LEN], const uint8_t *cert_hash,
    const uint8_t *cmac)
{
	msg_put_attr_hdr(b, SSTP_ATTR_CRYPTO_BINDING, SSTP_ATTR_BINDING_LEN);
	sstp_buf_zero(b, 3);
	sstp_buf_put8(b, hash_proto);
	sstp_buf_put(b, nonce, SSTP_NONCE_LEN);
	sstp_buf_put(b, cert_hash, SSTP_CERT_HASH_LEN);
	sstp_buf_put(b, cmac, SSTP_CMAC_LEN);
}

int
sstp_msg_end(struct sstp_buf *b)
{
	size_t	plen;

	if (b->err != 0)
		return b->err;
	plen = b->len - b->msg_start;
	if (plen > SSTP_MAX_PACKET) {
		b->err = -EMSGSIZE;
		return b->err;
	}
	put16_at(b->p + b->msg_start + 2, (uint16_t)plen);
	put16_at(b->p + b->msg_start + 6, b->nattrs);
	return (int)plen;
}

int
sstp_msg_data_header(uint8_t hdr[SSTP_HDR_LEN], size_t len)
{
	if (len > SSTP_MAX_DATA)
		return -EMSGSIZE;
	hdr[0] = SSTP_VERSION;
	hdr[1] = 0;
	put16_at(hdr + 2, (uint16_t)(len + SSTP_HDR_LEN));
	return 0;
}

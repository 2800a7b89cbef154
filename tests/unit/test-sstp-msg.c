/* test-sstp-msg.c - the SSTP codec: known packets, builders, and every malformed input we can think of. */
#include "config.h"

#include <errno.h>

#include "sstp_msg.h"
#include "t.h"

/* MS-SSTP 2.2.9: the only Call Connect Request there is. */
static const char *connect_request = "10 01 00 0e 00 01 00 01 00 01 00 06 00 01";
/* A Call Connect Ack offering SHA1 and SHA256 with a counting nonce. */
static const char *connect_ack =
    "10 01 00 30 00 02 00 01 00 04 00 28 00 00 00 03"
    "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f"
    "10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";
/* A Nak: ENCAPSULATED_PROTOCOL_ID value not supported, value 00 01. */
static const char *connect_nak =
    "10 01 00 16 00 03 00 01 00 02 00 0e 00 00 00 01 00 00 00 04 00 01";
/* An Abort with status 8 (negotiation timeout). */
static const char *call_abort =
    "10 01 00 14 00 05 00 01 00 02 00 0c 00 00 00 00 00 00 00 08";
static const char *echo_request = "10 01 00 08 00 08 00 00";
static const char *data_packet = "10 00 00 0a ff 03 c0 21 01 02";

static size_t
unhex(const char *hex, uint8_t *buf)
{
	return t_unhex(hex, buf, SSTP_MAX_PACKET);
}

/* Decode must succeed; returns the message type (0 for data). */
static int
decode_ok(const uint8_t *buf, size_t len, struct sstp_msg *m)
{
	int	rc = sstp_msg_decode(buf, len, m);

	if (rc != 0)
		fprintf(stderr, "unexpected decode error: %s\n", m->error);
	T_EQ_INT(rc, 0);
	return m->control ? m->type : 0;
}

static void
test_known(void)
{
	uint8_t			 buf[SSTP_MAX_PACKET];
	struct sstp_msg		 m;
	const struct sstp_attr	*a;
	size_t			 len, plen;
	char			 err[128];

	len = unhex(connect_request, buf);
	T_EQ_INT(sstp_msg_frame(buf, len, &plen, err, sizeof err), 1);
	T_EQ_INT(plen, 14);
	T_EQ_INT(decode_ok(buf, len, &m), SSTP_MSG_CALL_CONNECT_REQUEST);
	T_EQ_INT(m.nattrs, 1);
	T_EQ_INT(m.attrs[0].u.encap_proto, SSTP_ENCAPSULATED_PROTOCOL_PPP);

	len = unhex(connect_ack, buf);
	T_EQ_INT(decode_ok(buf, len, &m), SSTP_MSG_CALL_CONNECT_ACK);
	a = sstp_msg_find(&m, SSTP_ATTR_CRYPTO_BINDING_REQ);
	T_CHECK(a != NULL);
	if (a != NULL) {
		T_EQ_INT(a->u.binding_req.hash_bitmask, 3);
		T_EQ_INT(a->u.binding_req.nonce[0], 0);
		T_EQ_INT(a->u.binding_req.nonce[31], 0x1f);
	}
	T_CHECK(sstp_msg_find(&m, SSTP_ATTR_STATUS_INFO) == NULL);

	len = unhex(connect_nak, buf);
	T_EQ_INT(decode_ok(buf, len, &m), SSTP_MSG_CALL_CONNECT_NAK);
	T_EQ_INT(m.attrs[0].u.status.attr_id, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
	T_EQ_INT(m.attrs[0].u.status.status, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	T_EQ_INT(m.attrs[0].u.status.value_len, 2);

	len = unhex(call_abort, buf);
	T_EQ_INT(decode_ok(buf, len, &m), SSTP_MSG_CALL_ABORT);
	T_EQ_INT(m.attrs[0].u.status.status, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	T_EQ_INT(m.attrs[0].u.status.value_len, 0);

	len = unhex(echo_request, buf);
	T_EQ_INT(decode_ok(buf, len, &m), SSTP_MSG_ECHO_REQUEST);
	T_EQ_INT(m.nattrs, 0);

	len = unhex(data_packet, buf);
	T_EQ_INT(decode_ok(buf, len, &m), 0);
	T_EQ_INT(m.data_len, 6);
	T_EQ_INT(m.data[0], 0xff);

	/* The top 4 bits of the length are reserved: masked. */
	len = unhex(echo_request, buf);
	buf[2] = 0xf0;
	T_EQ_INT(decode_ok(buf, len, &m), SSTP_MSG_ECHO_REQUEST);
	/* Reserved flag bits are ignored. */
	buf[1] = 0xfe | SSTP_FLAG_CONTROL;
	T_EQ_INT(decode_ok(buf, len, &m), SSTP_MSG_ECHO_REQUEST);
	buf[1] = 0xfe;
	T_EQ_INT(decode_ok(buf, len, &m), 0);
}

/* Every truncation of a valid packet: framing waits, decoding refuses. */
static void
test_truncations(void)
{
	const char	*pkts[] = { connect_request, connect_ack, connect_nak,
	    call_abort, echo_request, data_packet };
	uint8_t		 buf[SSTP_MAX_PACKET], cut[SSTP_MAX_PACKET];
	struct sstp_msg	 m;
	size_t		 i, n, len, plen;
	char		 err[128];
	int		 rc;

	for (i = 0; i < sizeof pkts / sizeof pkts[0]; i++) {
		len = unhex(pkts[i], buf);
		for (n = 0; n < len; n++) {
			/* The stream has only n bytes so far. */
			T_EQ_INT(sstp_msg_frame(buf, n, &plen, err, sizeof err), 0);
			T_EQ_INT(sstp_msg_decode(buf, n, &m), -EPROTO);
			T_CHECK(m.error[0] != '\0');
			if (n < SSTP_HDR_LEN || !(buf[1] & SSTP_FLAG_CONTROL))
				continue;
			/* A packet whose length says n: a short message. */
			memcpy(cut, buf, n);
			cut[2] = 0;
			cut[3] = (uint8_t)n;
			rc = sstp_msg_decode(cut, n, &m);
			T_EQ_INT(rc, -EBADMSG);
			if (rc != -EBADMSG)
				fprintf(stderr, "packet %zu cut at %zu\n", i, n);
			T_CHECK(m.error[0] != '\0');
			T_CHECK(m.status != 0);
		}
		/* One byte too many after a packet is the next packet. */
		memcpy(cut, buf, len);
		cut[len] = 0x10;
		T_EQ_INT(sstp_msg_frame(cut, len + 1, &plen, err, sizeof err), 1);
		T_EQ_INT(plen, len);
		T_EQ_INT(sstp_msg_decode(cut, len + 1, &m), -EPROTO);
	}
}

static void
test_bad_headers(void)
{
	uint8_t		 buf[SSTP_MAX_PACKET];
	struct sstp_msg	 m;
	size_t		 len, plen;
	char		 err[128];
	unsigned int	 v, l;

	len = unhex(echo_request, buf);
	for (v = 0; v < 256; v++) {
		if (v == SSTP_VERSION)
			continue;
		buf[0] = (uint8_t)v;
		T_EQ_INT(sstp_msg_frame(buf, len, &plen, err, sizeof err), -EPROTO);
		T_EQ_INT(sstp_msg_decode(buf, len, &m), -EPROTO);
	}
	/* The version is refused from the first byte on. */
	buf[0] = 0x20;
	T_EQ_INT(sstp_msg_frame(buf, 1, &plen, err, sizeof err), -EPROTO);
	T_CHECK(strstr(err, "version") != NULL);
	buf[0] = SSTP_VERSION;
	for (l = 0; l < SSTP_HDR_LEN; l++) {
		buf[2] = 0xa0;		/* reserved bits do not help */
		buf[3] = (uint8_t)l;
		T_EQ_INT(sstp_msg_frame(buf, len, &plen, err, sizeof err), -EPROTO);
		T_CHECK(strstr(err, "length") != NULL);
	}
	/* A control packet of exactly 4 bytes. */
	buf[2] = 0;
	buf[3] = 4;
	T_EQ_INT(sstp_msg_decode(buf, 4, &m), -EBADMSG);
	T_EQ_INT(m.status, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	/* The largest length waits for 4095 bytes. */
	buf[2] = 0x0f;
	buf[3] = 0xff;
	T_EQ_INT(sstp_msg_frame(buf, 4094, &plen, err, sizeof err), 0);
	T_EQ_INT(sstp_msg_frame(buf, 4095, &plen, err, sizeof err), 1);
	T_EQ_INT(plen, 4095);
}

/* Decode hex that must fail with this status; err must mention 'what'. */
static void
bad(const char *hex, uint32_t status, uint8_t attr, const char *what)
{
	uint8_t		 buf[SSTP_MAX_PACKET];
	struct sstp_msg	 m;
	size_t		 len = unhex(hex, buf);

	T_EQ_INT(sstp_msg_decode(buf, len, &m), -EBADMSG);
	T_EQ_INT(m.status, status);
	T_EQ_INT(m.bad_attr, attr);
	T_CHECK(strstr(m.error, what) != NULL);
	if (strstr(m.error, what) == NULL)
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", m.error, what);
}

static void
test_bad_messages(void)
{
	/* Unknown types. */
	bad("10 01 00 08 00 00 00 00", SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
	    "unknown message type 0");
	bad("10 01 00 08 00 0a 00 00", SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
	    "unknown message type 10");
	/* Count says 1, no attribute. */
	bad("10 01 00 08 00 08 00 01", SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
	    "missing");
	/* Count says 0, an attribute follows. */
	bad("10 01 00 0e 00 01 00 00 00 01 00 06 00 01",
	    SSTP_STATUS_INVALID_FRAME_RECEIVED, 0, "after the last attribute");
	/* Too many attributes. */
	bad("10 01 00 08 00 06 00 09", SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
	    "at most");
	/* Attribute lengths: 0, 3, beyond the packet, wrong for the id. */
	bad("10 01 00 0e 00 01 00 01 00 01 00 00 00 01",
	    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, 1, "does not fit");
	bad("10 01 00 0e 00 01 00 01 00 01 00 03 00 01",
	    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, 1, "does not fit");
	bad("10 01 00 0e 00 01 00 01 00 01 00 07 00 01",
	    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, 1, "does not fit");
	bad("10 01 00 0f 00 01 00 01 00 01 00 07 00 01 00",
	    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, 1, "invalid length 7");
	bad("10 01 00 0c 00 02 00 01 00 04 00 04",
	    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, 4, "CRYPTO_BINDING_REQ");
	/* STATUS_INFO of 11 and 77 bytes. */
	bad("10 01 00 13 00 05 00 01 00 02 00 0b 00 00 00 00 00 00 00",
	    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, 2, "STATUS_INFO");
	bad("10 01 00 55 00 05 00 01 00 02 00 4d 00 00 00 00 00 00 00 08"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	    SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, 2, "invalid length 77");
	/* Unknown attribute, and NO_ERROR which is only reserved. */
	bad("10 01 00 0c 00 05 00 01 00 05 00 04",
	    SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE, 5, "unrecognized attribute id 5");
	bad("10 01 00 0c 00 05 00 01 00 00 00 04",
	    SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE, 0, "unrecognized");
	/* A protocol that is not PPP. */
	bad("10 01 00 0e 00 01 00 01 00 01 00 06 00 02",
	    SSTP_STATUS_VALUE_NOT_SUPPORTED, 1, "not PPP");
	/* Attributes where they do not belong. */
	bad("10 01 00 14 00 08 00 01 00 02 00 0c 00 00 00 00 00 00 00 00",
	    SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG, 2, "ECHO_REQUEST");
	bad("10 01 00 0e 00 05 00 01 00 01 00 06 00 01",
	    SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG, 1, "not allowed in CALL_ABORT");
	/* An Ack without its binding request, and with two. */
	bad("10 01 00 08 00 02 00 00", SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING,
	    SSTP_ATTR_CRYPTO_BINDING_REQ, "without CRYPTO_BINDING_REQ");
	bad("10 01 00 58 00 02 00 02"
	    "00 04 00 28 00 00 00 02"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 04 00 28 00 00 00 02"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
	    "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	    SSTP_STATUS_DUPLICATE_ATTRIBUTE, 4, "duplicate");
}

static void
test_builders(void)
{
	uint8_t		 out[SSTP_MAX_PACKET + 16], want[SSTP_MAX_PACKET];
	uint8_t		 nonce[SSTP_NONCE_LEN], small[20], value[100];
	struct sstp_buf	 b;
	struct sstp_msg	 m;
	size_t		 wlen;
	int		 i, n;

	sstp_buf_init(&b, out, sizeof out);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_REQUEST);
	sstp_msg_put_encap(&b, SSTP_ENCAPSULATED_PROTOCOL_PPP);
	n = sstp_msg_end(&b);
	wlen = unhex(connect_request, want);
	T_EQ_INT(n, wlen);
	T_EQ_MEM(out, want, wlen);

	for (i = 0; i < SSTP_NONCE_LEN; i++)
		nonce[i] = (uint8_t)i;
	sstp_buf_init(&b, out, sizeof out);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_ACK);
	sstp_msg_put_binding_req(&b, 3, nonce);
	n = sstp_msg_end(&b);
	wlen = unhex(connect_ack, want);
	T_EQ_INT(n, wlen);
	T_EQ_MEM(out, want, wlen);

	sstp_buf_init(&b, out, sizeof out);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_NAK);
	value[0] = 0;
	value[1] = 1;
	sstp_msg_put_status(&b, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
	    SSTP_STATUS_VALUE_NOT_SUPPORTED, value, 2);
	n = sstp_msg_end(&b);
	wlen = unhex(connect_nak, want);
	T_EQ_INT(n, wlen);
	T_EQ_MEM(out, want, wlen);

	/* A status value longer than 64 bytes is cut to 64 and decodes. */
	memset(value, 0xaa, sizeof value);
	sstp_buf_init(&b, out, sizeof out);
	sstp_msg_begin(&b, SSTP_MSG_CALL_ABORT);
	sstp_msg_put_status(&b, 0, SSTP_STATUS_INVALID_FRAME_RECEIVED, value,
	    sizeof value);
	n = sstp_msg_end(&b);
	T_EQ_INT(n, 8 + SSTP_ATTR_STATUS_MAX_LEN);
	T_EQ_INT(decode_ok(out, (size_t)n, &m), SSTP_MSG_CALL_ABORT);
	T_EQ_INT(m.attrs[0].u.status.value_len, 64);

	/* Two messages back to back in one buffer. */
	sstp_buf_init(&b, out, sizeof out);
	sstp_msg_begin(&b, SSTP_MSG_ECHO_REQUEST);
	T_EQ_INT(sstp_msg_end(&b), 8);
	sstp_msg_begin(&b, SSTP_MSG_CALL_DISCONNECT);
	sstp_msg_put_status(&b, 0, 0, NULL, 0);
	T_EQ_INT(sstp_msg_end(&b), 20);
	T_EQ_INT(b.len, 28);
	T_EQ_INT(decode_ok(out + 8, 20, &m), SSTP_MSG_CALL_DISCONNECT);

	/* Overflow is sticky: later puts do nothing, end reports it. */
	sstp_buf_init(&b, small, sizeof small);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_ACK);
	sstp_msg_put_binding_req(&b, 3, nonce);
	T_EQ_INT(b.err, -EMSGSIZE);
	sstp_buf_put8(&b, 1);
	T_EQ_INT(b.len, 16);
	T_EQ_INT(sstp_msg_end(&b), -EMSGSIZE);

	/* Data headers. */
	T_EQ_INT(sstp_msg_data_header(out, 6), 0);
	wlen = unhex("10 00 00 0a", want);
	T_EQ_MEM(out, want, wlen);
	T_EQ_INT(sstp_msg_data_header(out, SSTP_MAX_DATA), 0);
	T_EQ_INT(out[2], 0x0f);
	T_EQ_INT(out[3], 0xff);
	T_EQ_INT(sstp_msg_data_header(out, SSTP_MAX_DATA + 1), -EMSGSIZE);
}

static void
test_names(void)
{
	T_EQ_STR(sstp_msg_type_name(SSTP_MSG_CALL_CONNECT_ACK), "CALL_CONNECT_ACK");
	T_EQ_STR(sstp_msg_type_name(SSTP_MSG_ECHO_RESPONSE), "ECHO_RESPONSE");
	T_EQ_STR(sstp_msg_type_name(0), "UNKNOWN_MESSAGE");
	T_EQ_STR(sstp_msg_type_name(1000), "UNKNOWN_MESSAGE");
	T_EQ_STR(sstp_msg_attr_name(SSTP_ATTR_CRYPTO_BINDING_REQ),
	    "CRYPTO_BINDING_REQ");
	T_EQ_STR(sstp_msg_attr_name(200), "UNKNOWN_ATTRIBUTE");
	T_EQ_STR(sstp_msg_status_name(8), "NEGOTIATION_TIMEOUT");
	T_EQ_STR(sstp_msg_status_text(8), "negotiation timeout");
	T_EQ_STR(sstp_msg_status_text(11), "status info not supported in message");
	T_EQ_STR(sstp_msg_status_text(12), "unknown status");
	T_EQ_STR(sstp_msg_status_name(0xffffffff), "UNKNOWN_STATUS");
}

int
main(void)
{
	test_known();
	test_truncations();
	test_bad_headers();
	test_bad_messages();
	test_builders();
	test_names();
	T_DONE();
}

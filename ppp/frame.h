/* frame.h - pure helpers for raw PPP frames and control-protocol packets (no I/O, no state). */
#ifndef SSTP_FRAME_H
#define SSTP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define PPP_ADDRESS	0xff	/* RFC 1662 3.1 */
#define PPP_CONTROL	0x03	/* RFC 1662 3.1 */

#define PPP_PROTO_IP	0x0021	/* RFC 1332 */
#define PPP_PROTO_MP	0x003d	/* RFC 1990 */
#define PPP_PROTO_IPV6	0x0057	/* RFC 5072 */
#define PPP_PROTO_IPCP	0x8021	/* RFC 1332 */
#define PPP_PROTO_IPV6CP 0x8057	/* RFC 5072 */
#define PPP_PROTO_CCP	0x80fd	/* RFC 1962 */
#define PPP_PROTO_LCP	0xc021	/* RFC 1661 */

/* The header we always send: address, control, 2-byte protocol. */
#define PPP_FRAME_HDR	4

/* Control protocol codes, RFC 1661 5 (LCP uses all, NCPs 1-7). */
#define CP_CONFREQ	1
#define CP_CONFACK	2
#define CP_CONFNAK	3
#define CP_CONFREJ	4
#define CP_TERMREQ	5
#define CP_TERMACK	6
#define CP_CODEREJ	7
#define LCP_PROTREJ	8	/* RFC 1661 5.7 */
#define LCP_ECHOREQ	9	/* RFC 1661 5.8 */
#define LCP_ECHOREP	10
#define LCP_DISCREQ	11	/* RFC 1661 5.9 */
#define LCP_IDENT	12	/* RFC 1570 2.1 */
#define LCP_TIMEREM	13	/* RFC 1570 2.2 */

#define CP_HDR		4	/* code, identifier, 16-bit length */

/*
 * Split a frame into protocol and information, tolerating a missing FF 03
 * (ACFC) and a one-byte protocol field (PFC).  *info points into 'frame'.
 * Returns 0, or -EINVAL when the frame is too short or the protocol field is
 * not a valid one (RFC 1661 2: the last byte odd, the first even).
 */
int	ppp_frame_decode(const uint8_t *frame, size_t len, uint16_t *proto,
	    const uint8_t **info, size_t *infolen);
/* Write FF 03 and the protocol at p (PPP_FRAME_HDR bytes); returns 4. */
size_t	ppp_frame_hdr(uint8_t *p, uint16_t proto);
/* Is this protocol number well formed (RFC 1661 2)? */
int	ppp_proto_valid(uint16_t proto);

/*
 * A control packet: code, identifier, length.  Bytes past 'length' are
 * padding and dropped.  Returns 0, or -EINVAL when shorter than the header or
 * than its length field says.
 */
int	cp_decode(const uint8_t *pkt, size_t len, uint8_t *code, uint8_t *id,
	    const uint8_t **data, size_t *datalen);

/* Configure options, RFC 1661 6: type, length (>= 2, whole option), value. */
struct cp_opt_iter {
	const uint8_t	*p;
	size_t		 left;
};
void	cp_opt_begin(struct cp_opt_iter *it, const uint8_t *opts, size_t len);
/* 1 with the next option, 0 at the end, -EINVAL on a malformed list. */
int	cp_opt_next(struct cp_opt_iter *it, uint8_t *type, const uint8_t **val,
	    size_t *vlen);
/* 0 when every option is well formed, -EINVAL otherwise. */
int	cp_opts_valid(const uint8_t *opts, size_t len);

/*
 * A sticky-error packet builder over caller memory: many puts, one check of
 * 'err' (set when anything did not fit) at the end.
 */
struct pbuf {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	int		 err;
};
void	pbuf_init(struct pbuf *b, uint8_t *mem, size_t cap);
void	pbuf_put8(struct pbuf *b, uint8_t v);
void	pbuf_put16(struct pbuf *b, uint16_t v);
void	pbuf_put32(struct pbuf *b, uint32_t v);
void	pbuf_put(struct pbuf *b, const void *data, size_t len);
/* An option: type, length, value. */
void	pbuf_opt(struct pbuf *b, uint8_t type, const void *val, size_t vlen);
void	pbuf_opt16(struct pbuf *b, uint8_t type, uint16_t v);
void	pbuf_opt32(struct pbuf *b, uint8_t type, uint32_t v);
/* Start a control packet (code, id, length to be patched); cp_end patches it. */
void	pbuf_cp_begin(struct pbuf *b, uint8_t code, uint8_t id);
void	pbuf_cp_end(struct pbuf *b);

uint16_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);

#endif

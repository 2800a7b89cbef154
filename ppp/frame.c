/* frame.c - pure helpers for raw PPP frames and control-protocol packets. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "frame.h"

uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
ppp_proto_valid(uint16_t proto)
{
	return (proto & 0x0001) != 0 && (proto & 0x0100) == 0;
}

int
ppp_frame_decode(const uint8_t *frame, size_t len, uint16_t *proto,
    const uint8_t **info, size_t *infolen)
{
	const uint8_t *p = frame;

	/* 0xff is never a valid first protocol byte, so FF 03 is unambiguous. */
	if (len >= 2 && p[0] == PPP_ADDRESS && p[1] == PPP_CONTROL) {
		p += 2;
		len -= 2;
	}
	if (len < 1)
		return -EINVAL;
	if (p[0] & 0x01) {
		/* Compressed protocol field (RFC 1661 6.5). */
		*proto = p[0];
		p++;
		len--;
	} else {
		if (len < 2)
			return -EINVAL;
		*proto = get16(p);
		p += 2;
		len -= 2;
	}
	if (!ppp_proto_valid(*proto))
		return -EINVAL;
	*info = p;
	*infolen = len;
	return 0;
}

size_t
ppp_frame_hdr(uint8_t *p, uint16_t proto)
{
	p[0] = PPP_ADDRESS;
	p[1] = PPP_CONTROL;
	p[2] = proto >> 8;
	p[3] = proto & 0xff;
	return PPP_FRAME_HDR;
}

int
cp_decode(const uint8_t *pkt, size_t len, uint8_t *code, uint8_t *id,
    const uint8_t **data, size_t *datalen)
{
	size_t plen;

	if (len < CP_HDR)
		return -EINVAL;
	plen = get16(pkt + 2);
	if (plen < CP_HDR || plen > len)
		return -EINVAL;
	*code = pkt[0];
	*id = pkt[1];
	*data = pkt + CP_HDR;
	*datalen = plen - CP_HDR;
	return 0;
}

void
cp_opt_begin(struct cp_opt_iter *it, const uint8_t *opts, size_t len)
{
	it->p = opts;
	it->left = len;
}

int
cp_opt_next(struct cp_opt_iter *it, uint8_t *type, const uint8_t **val,
    size_t *vlen)
{
	size_t olen;

	if (it->left == 0)
		return 0;
	if (it->left < 2)
		return -EINVAL;
	olen = it->p[1];
	if (olen < 2 || olen > it->left)
		return -EINVAL;
	*type = it->p[0];
	*val = it->p + 2;
	*vlen = olen - 2;
	it->p += olen;
	it->left -= olen;
	return 1;
}

int
cp_opts_valid(const uint8_t *opts, size_t len)
{
	struct cp_opt_iter it;
	const uint8_t *val;
	uint8_t type;
	size_t vlen;
	int r;

	cp_opt_begin(&it, opts, len);
	while ((r = cp_opt_next(&it, &type, &val, &vlen)) == 1)
		;
	return r;
}

void
pbuf_init(struct pbuf *b, uint8_t *mem, size_t cap)
{
	b->p = mem;
	b->len = 0;
	b->cap = cap;
	b->err = 0;
}

void
pbuf_put(struct pbuf *b, const void *data, size_t len)
{
	if (b->err || len > b->cap - b->len) {
		b->err = 1;
		return;
	}
	if (len != 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

void
pbuf_put8(struct pbuf *b, uint8_t v)
{
	pbuf_put(b, &v, 1);
}

void
pbuf_put16(struct pbuf *b, uint16_t v)
{
	uint8_t x[2] = { v >> 8, v & 0xff };

	pbuf_put(b, x, sizeof x);
}

void
pbuf_put32(struct pbuf *b, uint32_t v)
{
	uint8_t x[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	pbuf_put(b, x, sizeof x);
}

void
pbuf_opt(struct pbuf *b, uint8_t type, const void *val, size_t vlen)
{
	if (vlen > 253) {
		b->err = 1;
		return;
	}
	pbuf_put8(b, type);
	pbuf_put8(b, (uint8_t)(vlen + 2));
	pbuf_put(b, val, vlen);
}

void
pbuf_opt16(struct pbuf *b, uint8_t type, uint16_t v)
{
	pbuf_put8(b, type);
	pbuf_put8(b, 4);
	pbuf_put16(b, v);
}

void
pbuf_opt32(struct pbuf *b, uint8_t type, uint32_t v)
{
	pbuf_put8(b, type);
	pbuf_put8(b, 6);
	pbuf_put32(b, v);
}

void
pbuf_cp_begin(struct pbuf *b, uint8_t code, uint8_t id)
{
	pbuf_put8(b, code);
	pbuf_put8(b, id);
	pbuf_put16(b, 0);
}

/* Patch the length of the packet begun at offset 0. */
void
pbuf_cp_end(struct pbuf *b)
{
	if (b->err || b->len < CP_HDR || b->len > 0xffff)
		return;
	b->p[2] = b->len >> 8;
	b->p[3] = b->len & 0xff;
}

/* test-hdlc.c - RFC 1662 framing: FCS vectors, byte streams recorded from pppd 2.4.9, splits, bad input. */
#include "config.h"

#include <stdint.h>

#include "hdlc.h"
#include "t.h"

/*
 * Recorded in the test VM from Debian's pppd 2.4.9 on a pty ("mru 1400",
 * asyncmap not yet negotiated, so every control character is escaped):
 * LCP Configure-Request id 1 <mru 1400> <asyncmap 0> <magic 0x78d1cb1f>
 * <pcomp> <accomp>, then LCP Terminate-Request id 2 "User request".
 */
static const char *pppd_stream =
    "7eff7d23c0217d217d217d207d387d217d247d25787d227d267d207d207d207d20"
    "7d257d2678d1cb7d3f7d277d227d287d22c0237e"
    "7eff7d23c0217d257d227d207d3055736572207265717565737453337e";
static const char *confreq =
    "ff03c0210101001801040578020600000000050678d1cb1f07020802";
static const char *termreq =
    "ff03c021050200105573657220726571756573 74";

struct frames {
	int		 n;
	size_t		 len[8];
	uint8_t		 data[8][128];
};

/* Feed 'in' in pieces of 'step' bytes (0: all at once); collect frames. */
static void
feed(struct hdlc_decoder *d, const uint8_t *in, size_t len, size_t step,
    struct frames *f)
{
	size_t off = 0, n, used, flen;
	uint8_t *frame;

	while (off < len) {
		n = step == 0 || len - off < step ? len - off : step;
		while (n > 0) {
			if (hdlc_decode(d, in + off, n, &used, &frame, &flen)) {
				if (f->n < 8 && flen <= sizeof f->data[0]) {
					memcpy(f->data[f->n], frame, flen);
					f->len[f->n] = flen;
				}
				f->n++;
			}
			off += used;
			n -= used;
		}
	}
}

static void
test_fcs(void)
{
	const uint8_t check[] = "123456789";
	uint8_t buf[64];
	size_t n;

	/* CRC-16/X-25 check value: the FCS of RFC 1662 C.2. */
	T_EQ_INT((uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, check, 9), 0x906e);
	T_EQ_INT(hdlc_fcs16(HDLC_FCS_INIT, check, 0), HDLC_FCS_INIT);

	/* A frame followed by its FCS checks to the good value (RFC 1662 C.2). */
	n = t_unhex(confreq, buf, sizeof buf);
	T_EQ_INT(n, 28);
	{
		uint16_t fcs = ~hdlc_fcs16(HDLC_FCS_INIT, buf, n);

		buf[n] = fcs & 0xff;
		buf[n + 1] = fcs >> 8;
		T_EQ_INT(hdlc_fcs16(HDLC_FCS_INIT, buf, n + 2), HDLC_FCS_GOOD);
	}
}

static void
test_recorded(void)
{
	uint8_t stream[256], want[64], buf[2 + 64 + 2], out[256];
	struct hdlc_decoder d;
	struct frames f;
	size_t slen, wlen, n, step;

	slen = t_unhex(pppd_stream, stream, sizeof stream);
	T_EQ_INT(slen, 82);

	for (step = 0; step <= slen; step++) {
		hdlc_decoder_init(&d, buf, sizeof buf);
		memset(&f, 0, sizeof f);
		feed(&d, stream, slen, step, &f);
		T_EQ_INT(f.n, 2);
		wlen = t_unhex(confreq, want, sizeof want);
		T_EQ_INT(f.len[0], wlen);
		T_EQ_MEM(f.data[0], want, wlen);
		wlen = t_unhex(termreq, want, sizeof want);
		T_EQ_INT(f.len[1], wlen);
		T_EQ_MEM(f.data[1], want, wlen);
		T_EQ_INT(d.bad_fcs + d.too_long + d.too_short + d.aborted, 0);
		if (t_failed)
			break;
	}

	/* Our encoder produces exactly pppd's bytes under the default ACCM. */
	wlen = t_unhex(confreq, want, sizeof want);
	n = hdlc_encode(want, wlen, HDLC_ACCM_ALL, out, sizeof out);
	T_EQ_INT(n, 53);
	T_EQ_MEM(out, stream, 53);
	wlen = t_unhex(termreq, want, sizeof want);
	n = hdlc_encode(want, wlen, HDLC_ACCM_ALL, out, sizeof out);
	T_EQ_INT(n, slen - 53);
	T_EQ_MEM(out, stream + 53, slen - 53);
}

static void
test_escaping(void)
{
	uint8_t frame[256], out[HDLC_ENCODED_MAX(256)], buf[300];
	struct hdlc_decoder d;
	struct frames f;
	size_t i, n, used, flen;
	uint8_t *got;
	int esc;

	for (i = 0; i < 256; i++)
		frame[i] = (uint8_t)i;

	/* ACCM 0: only the flag and the escape are escaped. */
	n = hdlc_encode(frame, 256, 0, out, sizeof out);
	esc = 0;
	for (i = 1; i + 1 < n; i++) {
		T_CHECK(out[i] != HDLC_FLAG);
		if (out[i] == HDLC_ESCAPE)
			esc++;
	}
	T_CHECK(esc >= 2 && esc <= 4);	/* 0x7d, 0x7e, maybe FCS bytes */
	T_EQ_INT(out[0], HDLC_FLAG);
	T_EQ_INT(out[n - 1], HDLC_FLAG);

	/* Default ACCM: no raw control character at all. */
	n = hdlc_encode(frame, 256, HDLC_ACCM_ALL, out, sizeof out);
	for (i = 1; i + 1 < n; i++)
		T_CHECK(out[i] >= 0x20 && out[i] != HDLC_FLAG);

	/* ACCM with only XON/XOFF (0x000a0000). */
	n = hdlc_encode(frame, 256, 0x000a0000, out, sizeof out);
	for (i = 1; i + 1 < n; i++)
		T_CHECK(out[i] != 0x11 && out[i] != 0x13);
	hdlc_decoder_init(&d, buf, sizeof buf);
	T_EQ_INT(hdlc_decode(&d, out, n, &used, &got, &flen), 1);
	T_EQ_INT(used, n);
	T_EQ_INT(flen, 256);
	T_EQ_MEM(got, frame, 256);

	/* Too small an output buffer: nothing written, 0 returned. */
	T_EQ_INT(hdlc_encode(frame, 256, HDLC_ACCM_ALL, out, 200), 0);
	/* ... but an exact fit works even below the worst case. */
	n = hdlc_encode(frame + 0x30, 16, 0, out, sizeof out);
	T_EQ_INT(hdlc_encode(frame + 0x30, 16, 0, out, n), n);

	/* Unescaped control characters from the pty are data, not noise. */
	{
		uint8_t raw[] = { 0x7e, 0xff, 0x03, 0x00, 0x21, 0x01, 0x02, 0, 0, 0x7e };
		uint16_t fcs = ~hdlc_fcs16(HDLC_FCS_INIT, raw + 1, 6);

		raw[7] = fcs & 0xff;
		raw[8] = fcs >> 8;
		if (raw[7] == 0x7e || raw[7] == 0x7d || raw[8] == 0x7e || raw[8] == 0x7d)
			raw[6] ^= 0x40;	/* not expected for these bytes */
		hdlc_decoder_init(&d, buf, sizeof buf);
		memset(&f, 0, sizeof f);
		feed(&d, raw, sizeof raw, 0, &f);
		T_EQ_INT(f.n, 1);
		T_EQ_INT(f.len[0], 6);
	}
}

static void
test_bad_input(void)
{
	uint8_t frame[64], out[HDLC_ENCODED_MAX(64)], buf[2 + 32 + 2];
	uint8_t stream[512];
	struct hdlc_decoder d;
	struct frames f;
	size_t n, s;

	memset(frame, 0x41, sizeof frame);
	frame[0] = 0xff;
	frame[1] = 0x03;

	/* Bad FCS: dropped and counted; the next frame still decodes. */
	n = hdlc_encode(frame, 20, HDLC_ACCM_ALL, out, sizeof out);
	memcpy(stream, out, n);
	stream[5] ^= 0x01;
	s = n;
	memcpy(stream + s, out, n);
	s += n;
	hdlc_decoder_init(&d, buf, sizeof buf);
	memset(&f, 0, sizeof f);
	feed(&d, stream, s, 0, &f);
	T_EQ_INT(f.n, 1);
	T_EQ_INT(d.bad_fcs, 1);

	/* Longer than the buffer: dropped and counted, then recovery. */
	s = hdlc_encode(frame, 64, HDLC_ACCM_ALL, stream, sizeof stream);
	n = hdlc_encode(frame, 20, HDLC_ACCM_ALL, stream + s, sizeof stream - s);
	s += n;
	hdlc_decoder_init(&d, buf, sizeof buf);
	memset(&f, 0, sizeof f);
	feed(&d, stream, s, 7, &f);
	T_EQ_INT(f.n, 1);
	T_EQ_INT(d.too_long, 1);
	T_EQ_INT(f.len[0], 20);

	/* Exactly the buffer (32 bytes of frame + FCS) fits. */
	s = hdlc_encode(frame, 32, HDLC_ACCM_ALL, stream, sizeof stream);
	hdlc_decoder_init(&d, buf, sizeof buf);
	memset(&f, 0, sizeof f);
	feed(&d, stream, s, 0, &f);
	T_EQ_INT(f.n, 1);
	T_EQ_INT(d.too_long, 0);

	/* Too short, an abort sequence, idle flags and garbage before a flag. */
	{
		const uint8_t junk[] = {
			0x41, 0x42, 0x7e,		/* garbage before sync: bad FCS */
			0x7e, 0x7e, 0x7e,		/* idle fill */
			0x01, 0x7e,			/* too short */
			0xff, 0x03, 0x7d, 0x7e,		/* abort */
		};

		hdlc_decoder_init(&d, buf, sizeof buf);
		memset(&f, 0, sizeof f);
		feed(&d, junk, sizeof junk, 0, &f);
		T_EQ_INT(f.n, 0);
		T_EQ_INT(d.too_short, 2);	/* "AB" and 0x01 */
		T_EQ_INT(d.aborted, 1);
		T_EQ_INT(d.bad_fcs, 0);
		/* And a good frame right after. */
		n = hdlc_encode(frame, 10, HDLC_ACCM_ALL, out, sizeof out);
		feed(&d, out, n, 1, &f);
		T_EQ_INT(f.n, 1);
		T_EQ_INT(d.frames, 1);
	}

	/* Every byte value as input never crashes nor yields a frame by luck here. */
	{
		uint8_t all[1024];
		size_t i;

		for (i = 0; i < sizeof all; i++)
			all[i] = (uint8_t)(i * 37 + 11);
		hdlc_decoder_init(&d, buf, sizeof buf);
		memset(&f, 0, sizeof f);
		feed(&d, all, sizeof all, 3, &f);
		T_CHECK(d.len <= d.cap);
	}
}

int
main(void)
{
	test_fcs();
	test_recorded();
	test_escaping();
	test_bad_input();
	T_DONE();
}

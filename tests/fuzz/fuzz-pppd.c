/* fuzz-pppd.c - libFuzzer target: the pppd engine's decoders (HDLC from the pty, plugin messages). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hdlc.h"
#include "ppp.h"
#include "pppd_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The first byte picks the read size (1..64) the input is cut into, as a
 * pty would deliver it.  Every frame the decoder returns must be no longer
 * than its buffer and must survive encode -> decode unchanged.  The whole
 * input is also a plugin message: if it decodes, it must encode and decode
 * to the same fields.
 */
static void
fuzz_hdlc(const uint8_t *data, size_t size, size_t step)
{
	static uint8_t buf[PPP_HEADROOM + PPP_MAX_FRAME + 2];
	static uint8_t enc[HDLC_ENCODED_MAX(PPP_MAX_FRAME + 2)];
	static uint8_t buf2[PPP_MAX_FRAME + 2];
	struct hdlc_decoder d, d2;
	size_t off = 0, n, used, len, len2, elen;
	uint8_t *frame, *frame2;

	hdlc_decoder_init(&d, buf + PPP_HEADROOM, sizeof buf - PPP_HEADROOM);
	while (off < size) {
		n = size - off < step ? size - off : step;
		while (n > 0) {
			if (!hdlc_decode(&d, data + off, n, &used, &frame, &len)) {
				off += n;
				break;
			}
			if (used == 0 || used > n || len + 2 > d.cap ||
			    frame != buf + PPP_HEADROOM)
				abort();
			off += used;
			n -= used;
			elen = hdlc_encode(frame, len, (uint32_t)d.frames *
			    0x9e3779b9U, enc, sizeof enc);
			if (elen == 0)
				abort();
			hdlc_decoder_init(&d2, buf2, sizeof buf2);
			if (!hdlc_decode(&d2, enc, elen, &used, &frame2, &len2) ||
			    used != elen || len2 != len ||
			    memcmp(frame, frame2, len) != 0)
				abort();
		}
	}
}

static void
fuzz_msg(const uint8_t *data, size_t size)
{
	uint8_t wire[PPPD_MSG_MAX], hlak[32];
	struct pppd_msg m, m2;
	int n;

	if (pppd_msg_decode(&m, data, size) != 0)
		return;
	if (strlen(m.text) >= sizeof m.text)
		abort();
	(void)pppd_msg_hlak(&m, hlak);
	(void)pppd_msg_auth_name(m.auth);
	n = pppd_msg_encode(&m, wire, sizeof wire);
	if (n < 0)
		abort();
	if (pppd_msg_decode(&m2, wire, (size_t)n) != 0 || m2.type != m.type)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	fuzz_hdlc(data + 1, size - 1, (size_t)(data[0] % 64) + 1);
	fuzz_msg(data, size);
	return 0;
}

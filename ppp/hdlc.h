/* hdlc.h - RFC 1662 asynchronous HDLC-like framing: a pure encoder and an incremental decoder. */
#ifndef SSTP_HDLC_H
#define SSTP_HDLC_H

#include <stddef.h>
#include <stdint.h>

#define HDLC_FLAG	0x7e	/* RFC 1662 4.1 */
#define HDLC_ESCAPE	0x7d	/* RFC 1662 4.2 */
#define HDLC_TRANS	0x20	/* RFC 1662 4.2: escaped octet is XORed with this */
#define HDLC_FCS_INIT	0xffff	/* RFC 1662 C.2 */
#define HDLC_FCS_GOOD	0xf0b8	/* RFC 1662 C.2: FCS over frame + FCS */
#define HDLC_ACCM_ALL	0xffffffffU /* RFC 1662 7.1: default, escape 0x00-0x1f */

/* Worst case size of one encoded frame of n bytes: two flags, FCS, all escaped. */
#define HDLC_ENCODED_MAX(n)	(2 * ((n) + 2) + 2)

/* FCS-16 over p[0..len) starting from fcs (HDLC_FCS_INIT for a new frame). */
uint16_t hdlc_fcs16(uint16_t fcs, const uint8_t *p, size_t len);

/*
 * Encode one frame (address/control, protocol, information; no FCS) into out:
 * opening flag, the frame and its FCS with 0x7d, 0x7e and every control
 * character whose bit is set in accm escaped, closing flag.  Returns the
 * number of bytes written, or 0 when cap is too small (HDLC_ENCODED_MAX(len)
 * always suffices).
 */
size_t	hdlc_encode(const uint8_t *frame, size_t len, uint32_t accm,
	    uint8_t *out, size_t cap);

/*
 * The decoder collects one frame at a time in a buffer the caller gives it
 * (embedded, no allocation).  Frames longer than the buffer, shorter than 4
 * bytes (2 of data and the FCS), with a bad FCS or ended by an abort (0x7d
 * 0x7e) are dropped and counted.  Control characters that arrive unescaped
 * are kept: a pty does not add noise, so nothing needs filtering.
 */
struct hdlc_decoder {
	uint8_t		*buf;
	size_t		 cap;
	size_t		 len;
	int		 escaped;
	int		 overflow;	/* dropping the rest of a long frame */
	unsigned long	 frames;	/* good frames returned */
	unsigned long	 bad_fcs;
	unsigned long	 too_long;
	unsigned long	 too_short;
	unsigned long	 aborted;
};

/* buf must hold the longest frame plus its two FCS bytes. */
void	hdlc_decoder_init(struct hdlc_decoder *d, uint8_t *buf, size_t cap);
/* Forget any partial frame (after a resynchronisation); counters stay. */
void	hdlc_decoder_reset(struct hdlc_decoder *d);

/*
 * Feed in[0..len).  Returns 1 when a good frame is complete: *frame points
 * at it inside the decoder's buffer (FCS removed, valid until the next call)
 * and *used says how many input bytes were consumed, so call again with the
 * rest.  Returns 0 when all input was consumed without completing a frame.
 */
int	hdlc_decode(struct hdlc_decoder *d, const uint8_t *in, size_t len,
	    size_t *used, uint8_t **frame, size_t *framelen);

#endif

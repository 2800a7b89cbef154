/*
 * bench-codec.c - time the per-packet paths that need no I/O: SSTP data
 * packet framing and decoding, the SSTP session's send and receive paths,
 * RFC 1662 HDLC encoding and decoding (when ppp/hdlc.h is in the tree), and,
 * for scale, the AES-GCM sealing and opening that TLS does to every record.
 *
 * Prints ns/packet, packets per second and MB/s of PPP payload for a few
 * packet sizes.  It measures; it never fails on timing.
 *
 *	make bench			(builds and runs it)
 *	tests/bench/bench-codec [-q] [-t SECONDS] [-s SIZE]...
 *
 * -q: a quick run (0.02 s per case) that only checks numbers come out.
 */

#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "log.h"
#include "sstp_msg.h"
#include "sstp_session.h"
#include "timer.h"

#if defined(__has_include)
#if __has_include("hdlc.h")
#include "hdlc.h"
#define BENCH_HDLC 1
#endif
#endif

#define BENCH_MAX_SIZES	8
#define BENCH_STREAM	16384		/* bytes per simulated TLS read */
#define BENCH_BATCH	256		/* calls between clock reads */

static double	 bench_secs = 0.3;
static volatile size_t bench_sink;	/* keeps results alive */

struct bench_case {
	const char	*name;
	/* Run n packets of 'size' bytes; return the packets done. */
	size_t		(*run)(size_t size, size_t n);
	int		(*setup)(size_t size);
	void		(*teardown)(void);
};

static double
now_sec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
fill_payload(uint8_t *p, size_t len, uint32_t seed)
{
	size_t	i;

	/* An IPv4-looking PPP frame: FF 03 00 21, then pseudo-random bytes. */
	for (i = 0; i < len; i++) {
		seed = seed * 1103515245U + 12345U;
		p[i] = (uint8_t)(seed >> 16);
	}
	if (len >= 4) {
		p[0] = 0xff;
		p[1] = 0x03;
		p[2] = 0x00;
		p[3] = 0x21;
	}
}

/* ---- SSTP: data header and stream decoding (client/sstp_msg.c) ---- */

static uint8_t	 pkt[SSTP_MAX_PACKET + 64];
static uint8_t	 stream[BENCH_STREAM + SSTP_MAX_PACKET];
static size_t	 stream_len, stream_pkts;

static int
setup_pkt(size_t size)
{
	fill_payload(pkt + SSTP_HDR_LEN, size, 1);
	return (0);
}

static size_t
run_sstp_encode(size_t size, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (sstp_msg_data_header(pkt, size) != 0)
			return (0);
		bench_sink += pkt[3];
	}
	return (n);
}

/* A stream of whole data packets, as one TLS read would bring them. */
static int
setup_stream(size_t size)
{
	setup_pkt(size);
	sstp_msg_data_header(pkt, size);
	stream_len = stream_pkts = 0;
	while (stream_len + size + SSTP_HDR_LEN <= BENCH_STREAM) {
		memcpy(stream + stream_len, pkt, size + SSTP_HDR_LEN);
		stream_len += size + SSTP_HDR_LEN;
		stream_pkts++;
	}
	return (stream_pkts > 0 ? 0 : -1);
}

static size_t
run_sstp_decode(size_t size, size_t n)
{
	struct sstp_msg	 m;
	char		 err[128];
	size_t		 done = 0, off, plen;

	(void)size;
	while (done < n) {
		for (off = 0; off < stream_len; off += plen) {
			if (sstp_msg_frame(stream + off, stream_len - off, &plen,
			    err, sizeof err) != 1)
				return (0);
			if (sstp_msg_decode(stream + off, plen, &m) != 0 ||
			    m.control)
				return (0);
			bench_sink += m.data_len;
			done++;
		}
	}
	return (done);
}

/* ---- the SSTP session: send_data and input (client/sstp_session.c) ---- */

static struct event_base	*base;
static struct sstp_session	*sess;
static uint8_t			 wbuf[BENCH_STREAM];
static size_t			 wlen;
static size_t			 rx_bytes;
static int			 sess_closed;

static void
sess_write(void *arg, const uint8_t *buf, size_t len)
{
	(void)arg;
	/* Like a TLS write buffer that is flushed when full. */
	if (wlen + len > sizeof wbuf)
		wlen = 0;
	memcpy(wbuf + wlen, buf, len);
	wlen += len;
}

static void
sess_acked(void *arg)
{
	(void)arg;
}

static void
sess_data(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	rx_bytes += len + frame[len - 1];
}

static void
sess_closed_cb(void *arg, const char *reason)
{
	(void)arg;
	fprintf(stderr, "bench-codec: session closed: %s\n", reason);
	sess_closed = 1;
}

static int
setup_session(size_t size)
{
	static const struct sstp_session_callbacks cb = {
		sess_write, sess_acked, sess_data, sess_closed_cb
	};
	struct sstp_session_config	 cfg;
	struct sstp_buf			 b;
	uint8_t				 ack[128], nonce[SSTP_NONCE_LEN];
	int				 len;

	memset(&cfg, 0, sizeof cfg);
	cfg.negotiation_ms = 3600 * 1000;
	cfg.name = "bench";
	sess_closed = 0;
	sess = sstp_session_new(&cfg, &cb, NULL);
	sstp_session_start(sess);

	memset(nonce, 0x5a, sizeof nonce);
	sstp_buf_init(&b, ack, sizeof ack);
	sstp_msg_begin(&b, SSTP_MSG_CALL_CONNECT_ACK);
	sstp_msg_put_binding_req(&b, SSTP_HASH_BITMASK_SHA256, nonce);
	if ((len = sstp_msg_end(&b)) < 0)
		return (-1);
	sstp_session_input(sess, ack, (size_t)len);
	if (sstp_session_state(sess) != SSTP_S_ACKED) {
		fprintf(stderr, "bench-codec: session not acked\n");
		return (-1);
	}
	return (setup_stream(size));
}

static void
teardown_session(void)
{
	sstp_session_free(sess);
	sess = NULL;
}

static size_t
run_session_send(size_t size, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (sstp_session_send_data(sess, pkt + SSTP_HDR_LEN, size) != 0)
			return (0);
	}
	return (sess_closed ? 0 : n);
}

static size_t
run_session_input(size_t size, size_t n)
{
	size_t	done = 0;

	(void)size;
	while (done < n) {
		sstp_session_input(sess, stream, stream_len);
		done += stream_pkts;
	}
	bench_sink += rx_bytes;
	return (sess_closed ? 0 : done);
}

/* The same, with the stream cut into 1000-byte reads (packets split). */
static size_t
run_session_input_split(size_t size, size_t n)
{
	size_t	done = 0, off, k;

	(void)size;
	while (done < n) {
		for (off = 0; off < stream_len; off += k) {
			k = stream_len - off < 1000 ? stream_len - off : 1000;
			sstp_session_input(sess, stream + off, k);
		}
		done += stream_pkts;
	}
	bench_sink += rx_bytes;
	return (sess_closed ? 0 : done);
}

#ifdef BENCH_HDLC
/* ---- RFC 1662 HDLC, the pppd engine's pty framing (ppp/hdlc.c) ---- */

static uint8_t	hdlc_out[HDLC_ENCODED_MAX(SSTP_MAX_PACKET)];
static uint8_t	hdlc_in[BENCH_STREAM + HDLC_ENCODED_MAX(SSTP_MAX_PACKET)];
static uint8_t	hdlc_buf[SSTP_MAX_PACKET + 2];
static size_t	hdlc_in_len, hdlc_in_frames;

static size_t
run_hdlc_encode(size_t size, size_t n)
{
	size_t	i, k;

	for (i = 0; i < n; i++) {
		k = hdlc_encode(pkt + SSTP_HDR_LEN, size, 0, hdlc_out,
		    sizeof hdlc_out);
		if (k == 0)
			return (0);
		bench_sink += k;
	}
	return (n);
}

static int
setup_hdlc_stream(size_t size)
{
	size_t	k;

	setup_pkt(size);
	hdlc_in_len = hdlc_in_frames = 0;
	for (;;) {
		k = hdlc_encode(pkt + SSTP_HDR_LEN, size, 0, hdlc_out,
		    sizeof hdlc_out);
		if (k == 0 || hdlc_in_len + k > BENCH_STREAM)
			break;
		memcpy(hdlc_in + hdlc_in_len, hdlc_out, k);
		hdlc_in_len += k;
		hdlc_in_frames++;
	}
	return (hdlc_in_frames > 0 ? 0 : -1);
}

static size_t
run_hdlc_decode(size_t size, size_t n)
{
	struct hdlc_decoder	 d;
	uint8_t			*frame;
	size_t			 done = 0, off, used, flen;

	(void)size;
	hdlc_decoder_init(&d, hdlc_buf, sizeof hdlc_buf);
	while (done < n) {
		for (off = 0; off < hdlc_in_len; off += used) {
			if (hdlc_decode(&d, hdlc_in + off, hdlc_in_len - off,
			    &used, &frame, &flen) == 1) {
				bench_sink += flen;
				done++;
			}
			if (used == 0)
				break;
		}
	}
	return (d.bad_fcs || d.too_long ? 0 : done);
}
#endif

/* ---- AES-GCM, what TLS 1.2/1.3 does to each record (for scale) ---- */

static gnutls_aead_cipher_hd_t	 aead;
static uint8_t			 sealed[SSTP_MAX_PACKET + 64];

static int
setup_aead(gnutls_cipher_algorithm_t alg, size_t size)
{
	uint8_t		k[32];
	gnutls_datum_t	key;

	memset(k, 0x42, sizeof k);
	key.data = k;
	key.size = (unsigned int)gnutls_cipher_get_key_size(alg);
	if (gnutls_aead_cipher_init(&aead, alg, &key) < 0)
		return (-1);
	return (setup_pkt(size));
}

static int
setup_aes128(size_t size)
{
	return (setup_aead(GNUTLS_CIPHER_AES_128_GCM, size));
}

static int
setup_aes256(size_t size)
{
	return (setup_aead(GNUTLS_CIPHER_AES_256_GCM, size));
}

static void
teardown_aead(void)
{
	gnutls_aead_cipher_deinit(aead);
}

static size_t
run_aead_seal(size_t size, size_t n)
{
	uint8_t	nonce[12] = { 0 };
	size_t	i, outlen;

	for (i = 0; i < n; i++) {
		memcpy(nonce + 4, &i, sizeof i < 8 ? sizeof i : 8);
		outlen = sizeof sealed;
		/* the SSTP header is part of the TLS plaintext */
		if (gnutls_aead_cipher_encrypt(aead, nonce, sizeof nonce,
		    NULL, 0, 16, pkt, size + SSTP_HDR_LEN, sealed, &outlen) < 0)
			return (0);
		bench_sink += outlen;
	}
	return (n);
}

static size_t
run_aead_open(size_t size, size_t n)
{
	uint8_t	nonce[12] = { 0 }, plain[SSTP_MAX_PACKET + 64];
	size_t	i, outlen, slen;

	slen = sizeof sealed;
	if (gnutls_aead_cipher_encrypt(aead, nonce, sizeof nonce, NULL, 0, 16,
	    pkt, size + SSTP_HDR_LEN, sealed, &slen) < 0)
		return (0);
	for (i = 0; i < n; i++) {
		outlen = sizeof plain;
		if (gnutls_aead_cipher_decrypt(aead, nonce, sizeof nonce,
		    NULL, 0, 16, sealed, slen, plain, &outlen) < 0)
			return (0);
		bench_sink += outlen;
	}
	return (n);
}

static const struct bench_case cases[] = {
	{ "sstp data header", run_sstp_encode, setup_pkt, NULL },
	{ "sstp frame+decode", run_sstp_decode, setup_stream, NULL },
	{ "session send_data", run_session_send, setup_session, teardown_session },
	{ "session input 16K", run_session_input, setup_session, teardown_session },
	{ "session input 1000B", run_session_input_split, setup_session,
	    teardown_session },
#ifdef BENCH_HDLC
	{ "hdlc encode", run_hdlc_encode, setup_pkt, NULL },
	{ "hdlc decode", run_hdlc_decode, setup_hdlc_stream, NULL },
#endif
	{ "aes128-gcm seal", run_aead_seal, setup_aes128, teardown_aead },
	{ "aes128-gcm open", run_aead_open, setup_aes128, teardown_aead },
	{ "aes256-gcm seal", run_aead_seal, setup_aes256, teardown_aead },
	{ "aes256-gcm open", run_aead_open, setup_aes256, teardown_aead },
};

/* Returns 0 when the case produced a number. */
static int
bench_one(const struct bench_case *c, size_t size)
{
	double	t0, t1, ns;
	size_t	total = 0, done;

	if (c->setup != NULL && c->setup(size) != 0) {
		printf("%-22s %6zu  setup failed\n", c->name, size);
		return (-1);
	}
	/* warm up, then batches until the time is used */
	c->run(size, BENCH_BATCH);
	t0 = now_sec();
	do {
		done = c->run(size, BENCH_BATCH);
		if (done == 0)
			break;
		total += done;
		t1 = now_sec();
	} while (t1 - t0 < bench_secs);
	if (c->teardown != NULL)
		c->teardown();
	if (done == 0 || total == 0) {
		printf("%-22s %6zu  failed\n", c->name, size);
		return (-1);
	}
	ns = (t1 - t0) * 1e9 / (double)total;
	printf("%-22s %6zu %10.1f %10.3f %10.1f\n", c->name, size, ns,
	    1e3 / ns, (double)size * 1e3 / ns);
	fflush(stdout);
	return (0);
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-codec [-q] [-t SECONDS] [-s SIZE]...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	size_t		 sizes[BENCH_MAX_SIZES] = { 64, 576, 1400 };
	size_t		 nsizes = 3, i, j;
	int		 ch, user_sizes = 0, failed = 0;
	unsigned long	 v;
	char		*end;

	while ((ch = getopt(argc, argv, "qs:t:")) != -1) {
		switch (ch) {
		case 'q':
			bench_secs = 0.02;
			break;
		case 's':
			v = strtoul(optarg, &end, 10);
			if (*end != '\0' || v < 8 || v > SSTP_MAX_DATA)
				usage();
			if (!user_sizes)
				nsizes = 0;
			user_sizes = 1;
			if (nsizes < BENCH_MAX_SIZES)
				sizes[nsizes++] = v;
			break;
		case 't':
			bench_secs = strtod(optarg, &end);
			if (*end != '\0' || bench_secs <= 0 || bench_secs > 60)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_open("bench-codec", 0, LOG_LVL_WARN);
	base = event_base_new();
	if (base == NULL)
		return (1);
	timer_set_base(base);
	if (gnutls_global_init() < 0)
		return (1);

	printf("%-22s %6s %10s %10s %10s\n", "path", "bytes", "ns/packet",
	    "Mpkt/s", "MB/s");
#ifndef BENCH_HDLC
	printf("(no ppp/hdlc.h in this tree: HDLC not measured)\n");
#endif
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (j = 0; j < nsizes; j++)
			if (bench_one(&cases[i], sizes[j]) != 0)
				failed = 1;

	gnutls_global_deinit();
	event_base_free(base);
	return (failed);
}

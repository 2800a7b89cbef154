/* fuzz-sstp.c - libFuzzer target: the SSTP codec and a client session fed arbitrary server bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sstp_msg.h"
#include "sstp_session.h"
#include "timer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int	fuzz_closed;
static int	fuzz_acked;

/* Whatever the input, what we send must be valid SSTP. */
static void
fuzz_write_cb(void *arg, const uint8_t *buf, size_t len)
{
	struct sstp_msg	m;
	size_t		plen;
	char		err[128];

	if (sstp_msg_frame(buf, len, &plen, err, sizeof err) != 1 ||
	    plen != len || sstp_msg_decode(buf, len, &m) != 0)
		abort();
}

static void
fuzz_acked_cb(void *arg)
{
	fuzz_acked = 1;
}

static void
fuzz_data_cb(void *arg, const uint8_t *frame, size_t len)
{
	volatile uint8_t sink;

	/* Touch every byte so the sanitizers see a bad pointer. */
	while (len-- > 0)
		sink = frame[len];
	(void)sink;
}

static void
fuzz_closed_cb(void *arg, const char *reason)
{
	fuzz_closed = 1;
	if (strlen(reason) == 0)
		abort();
}

static const struct sstp_session_callbacks fuzz_cb = {
	fuzz_write_cb, fuzz_acked_cb, fuzz_data_cb, fuzz_closed_cb
};

/* The codec alone: delineate and decode every packet of the stream. */
static void
fuzz_codec(const uint8_t *data, size_t size)
{
	struct sstp_msg	m;
	size_t		plen;
	char		err[128];

	while (size > 0 && sstp_msg_frame(data, size, &plen, err,
	    sizeof err) == 1) {
		if (sstp_msg_decode(data, plen, &m) == 0 && m.control) {
			const struct sstp_attr *a;

			a = sstp_msg_find(&m, SSTP_ATTR_STATUS_INFO);
			if (a != NULL && a->u.status.value_len > 64)
				abort();
		}
		data += plen;
		size -= plen;
	}
	/* A single packet, whatever its length field says. */
	sstp_msg_decode(data, size, &m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base	*base;
	struct sstp_session_config	 cfg;
	struct sstp_session		*s;
	size_t				 step, n, half;
	uint8_t				 frame[64];

	if (base == NULL) {
		log_open("fuzz-sstp", 0, LOG_LVL_ERR);
		base = event_base_new();
		timer_set_base(base);
	}
	/* The first byte says how the stream is cut into reads. */
	if (size == 0)
		return 0;
	step = (size_t)(data[0] % 64) + 1;
	data++;
	size--;
	fuzz_codec(data, size);

	memset(&cfg, 0, sizeof cfg);
	cfg.hello_ms = 60000;
	cfg.name = "fuzz";
	fuzz_closed = fuzz_acked = 0;
	s = sstp_session_new(&cfg, &fuzz_cb, NULL);
	sstp_session_start(s);
	half = size / 2;
	while (size > 0 && !fuzz_closed) {
		n = step < size ? step : size;
		sstp_session_input(s, data, n);
		data += n;
		size -= n;
		if (fuzz_acked && size <= half && !fuzz_closed) {
			memset(frame, 0, sizeof frame);
			sstp_session_send_data(s, frame + 4, 8);
			sstp_session_auth_done(s, NULL);
			half = 0;
		}
	}
	if (!fuzz_closed)
		sstp_session_disconnect(s);
	sstp_session_free(s);
	return 0;
}

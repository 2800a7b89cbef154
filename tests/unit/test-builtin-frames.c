/*
 * test-builtin-frames.c - frame helpers (ACFC/PFC-tolerant parsing, control
 * packets, the sticky builder), then the built-in engine end to end against
 * a recorded SoftEther exchange with PAP, with its TUN in a private network
 * namespace: LCP, PAP, IPCP, the interface, Protocol-Reject, IP both ways,
 * throttling, stop and free.  The engine part needs root (unshare) and TUN.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <event2/event.h>

#include "frame.h"
#include "ppp.h"
#include "log.h"
#include "timer.h"
#include "t.h"

static uint8_t	out[64][1600];
static size_t	out_len[64];
static int	nout;
static int	auth_done, ups, downs;
static int	hlak_null;
static struct ppp_link_info up_info;
static char	down_reason[256];

static void
e_output(void *arg, uint8_t *frame, size_t len)
{
	/* The headroom is ours to write (the SSTP header goes there). */
	memset(frame - PPP_HEADROOM, 0xa5, PPP_HEADROOM);
	if (nout < 64 && len <= sizeof out[0]) {
		memcpy(out[nout], frame, len);
		out_len[nout] = len;
	}
	nout++;
}

static void
e_auth_done(void *arg, const uint8_t *hlak)
{
	auth_done++;
	hlak_null = hlak == NULL;
}

static void
e_up(void *arg, const struct ppp_link_info *info)
{
	ups++;
	up_info = *info;
}

static void
e_down(void *arg, const char *reason)
{
	downs++;
	snprintf(down_reason, sizeof down_reason, "%s", reason);
}

/* Callbacks that free the engine from inside (as a failing transport would). */
static struct ppp_engine *victim;
static int	free_in_output, free_in_down;

static void
r_output(void *arg, uint8_t *frame, size_t len)
{
	e_output(arg, frame, len);
	if (free_in_output && victim != NULL) {
		ppp_builtin_ops.free(victim);
		victim = NULL;
	}
}

static void
r_down(void *arg, const char *reason)
{
	e_down(arg, reason);
	if (free_in_down && victim != NULL) {
		ppp_builtin_ops.free(victim);
		victim = NULL;
	}
}

static const struct ppp_callbacks rcbs = {
	.output_cb = r_output,
	.auth_done_cb = e_auth_done,
	.up_cb = e_up,
	.down_cb = r_down,
};

static const struct ppp_callbacks cbs = {
	.output_cb = e_output,
	.auth_done_cb = e_auth_done,
	.up_cb = e_up,
	.down_cb = e_down,
};

static struct event_base *base;

/* Run the loop until nothing is due (deferred callbacks, TUN reads). */
static void
spin(void)
{
	int i;

	for (i = 0; i < 5; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

static void
feed(struct ppp_engine *e, const char *hex)
{
	uint8_t buf[512];
	size_t n = t_unhex(hex, buf, sizeof buf);

	ppp_builtin_ops.input(e, buf, n);
	spin();
}

/* Is the last frame out equal to hex ("..": any byte)? */
static int
last_is(const char *hex)
{
	size_t n = 0, j;
	unsigned int v;
	int i = nout - 1;

	if (i < 0 || i >= 64)
		return 0;
	for (; *hex != '\0'; hex++) {
		if (*hex == ' ')
			continue;
		if (n >= out_len[i] || (hex[0] != '.' &&
		    (sscanf(hex, "%2x", &v) != 1 || out[i][n] != v)))
			goto bad;
		n++;
		hex++;
	}
	if (n == out_len[i])
		return 1;
bad:
	fprintf(stderr, "out[%d]:", i);
	for (j = 0; j < out_len[i]; j++)
		fprintf(stderr, " %02x", out[i][j]);
	fprintf(stderr, "\n");
	return 0;
}

static void
test_frames(void)
{
	uint8_t buf[64], mem[8];
	const uint8_t *info, *val;
	struct cp_opt_iter it;
	struct pbuf b;
	uint16_t proto;
	uint8_t code, id, type;
	size_t n, ilen, vlen;

	/* Full header, no ACFC, no PFC. */
	n = t_unhex("ff 03 c0 21 01 01 00 04", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), 0);
	T_EQ_INT(proto, PPP_PROTO_LCP);
	T_EQ_INT(ilen, 4);
	T_CHECK(info == buf + 4);
	/* ACFC: no address and control. */
	n = t_unhex("80 21 01 01 00 04", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), 0);
	T_EQ_INT(proto, PPP_PROTO_IPCP);
	T_EQ_INT(ilen, 4);
	/* PFC: one-byte protocol, with and without ACFC. */
	n = t_unhex("21 45 00", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), 0);
	T_EQ_INT(proto, PPP_PROTO_IP);
	T_EQ_INT(ilen, 2);
	n = t_unhex("ff 03 57 60", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), 0);
	T_EQ_INT(proto, PPP_PROTO_IPV6);
	T_EQ_INT(ilen, 1);
	/* Bad: even last byte, odd first byte of two, too short. */
	n = t_unhex("ff 03 c0 20 00", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), -EINVAL);
	n = t_unhex("ff 03 01 01", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), 0);
	T_EQ_INT(proto, 0x01);
	n = t_unhex("ff 03 00", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), -EINVAL);
	n = t_unhex("ff 03", buf, sizeof buf);
	T_EQ_INT(ppp_frame_decode(buf, n, &proto, &info, &ilen), -EINVAL);
	T_EQ_INT(ppp_frame_decode(buf, 0, &proto, &info, &ilen), -EINVAL);
	T_CHECK(ppp_proto_valid(0xc021));
	T_CHECK(!ppp_proto_valid(0xc121));
	T_CHECK(!ppp_proto_valid(0x0020));
	T_EQ_INT(ppp_frame_hdr(buf, PPP_PROTO_IPV6CP), 4);
	T_EQ_MEM(buf, "\xff\x03\x80\x57", 4);

	/* Control packets: padding dropped, lengths checked. */
	n = t_unhex("09 07 00 08 00 00 00 00 ee ee", buf, sizeof buf);
	T_EQ_INT(cp_decode(buf, n, &code, &id, &info, &ilen), 0);
	T_EQ_INT(code, 9);
	T_EQ_INT(id, 7);
	T_EQ_INT(ilen, 4);
	n = t_unhex("09 07 00 0c 00 00 00 00", buf, sizeof buf);
	T_EQ_INT(cp_decode(buf, n, &code, &id, &info, &ilen), -EINVAL);
	n = t_unhex("09 07 00 03", buf, sizeof buf);
	T_EQ_INT(cp_decode(buf, n, &code, &id, &info, &ilen), -EINVAL);
	T_EQ_INT(cp_decode(buf, 3, &code, &id, &info, &ilen), -EINVAL);

	/* Options: well formed, zero length, overrunning. */
	n = t_unhex("01 04 05 dc 07 02", buf, sizeof buf);
	T_EQ_INT(cp_opts_valid(buf, n), 0);
	cp_opt_begin(&it, buf, n);
	T_EQ_INT(cp_opt_next(&it, &type, &val, &vlen), 1);
	T_EQ_INT(type, 1);
	T_EQ_INT(vlen, 2);
	T_EQ_INT(cp_opt_next(&it, &type, &val, &vlen), 1);
	T_EQ_INT(type, 7);
	T_EQ_INT(vlen, 0);
	T_EQ_INT(cp_opt_next(&it, &type, &val, &vlen), 0);
	n = t_unhex("01 00 05 dc", buf, sizeof buf);
	T_EQ_INT(cp_opts_valid(buf, n), -EINVAL);
	n = t_unhex("01 06 05 dc", buf, sizeof buf);
	T_EQ_INT(cp_opts_valid(buf, n), -EINVAL);
	n = t_unhex("01", buf, sizeof buf);
	T_EQ_INT(cp_opts_valid(buf, n), -EINVAL);

	/* The builder: a packet, then a sticky overflow. */
	pbuf_init(&b, buf, sizeof buf);
	pbuf_cp_begin(&b, 1, 5);
	pbuf_opt16(&b, 1, 1500);
	pbuf_opt32(&b, 5, 0x01020304);
	pbuf_cp_end(&b);
	T_EQ_INT(b.err, 0);
	T_EQ_INT(b.len, 14);
	T_EQ_MEM(buf, "\x01\x05\x00\x0e\x01\x04\x05\xdc\x05\x06\x01\x02\x03\x04", 14);
	pbuf_init(&b, mem, sizeof mem);
	pbuf_put32(&b, 1);
	pbuf_put32(&b, 2);
	pbuf_put8(&b, 3);
	pbuf_put8(&b, 4);
	T_EQ_INT(b.err, 1);
	T_EQ_INT(b.len, 8);
}

static uint16_t
csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An ICMP echo request 192.168.30.1 -> 192.168.30.10 as a PPP frame. */
static size_t
ping_frame(uint8_t *f, uint16_t seq)
{
	uint8_t *ip = f + 4, *icmp = ip + 20;
	uint16_t c;

	memset(f, 0, 4 + 28 + 8);
	ppp_frame_hdr(f, PPP_PROTO_IP);
	ip[0] = 0x45;
	ip[3] = 28 + 8;
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, "\xc0\xa8\x1e\x01\xc0\xa8\x1e\x0a", 8);
	c = csum(ip, 20);
	ip[10] = c >> 8;
	ip[11] = c & 0xff;
	icmp[0] = 8;
	icmp[4] = 0x12;
	icmp[6] = seq >> 8;
	icmp[7] = seq & 0xff;
	memcpy(icmp + 8, "sstpcd!!", 8);
	c = csum(icmp, 16);
	icmp[2] = c >> 8;
	icmp[3] = c & 0xff;
	return 4 + 20 + 16;
}

/* Wait (bounded) for a frame out that is an ICMP echo reply with this seq. */
static int
wait_reply(uint16_t seq)
{
	int i, j;

	for (i = 0; i < 50; i++) {
		spin();
		for (j = 0; j < nout && j < 64; j++) {
			if (out_len[j] >= 4 + 28 &&
			    memcmp(out[j], "\xff\x03\x00\x21", 4) == 0 &&
			    out[j][4 + 9] == 1 && out[j][4 + 20] == 0 &&
			    out[j][4 + 26] == (seq >> 8) &&
			    out[j][4 + 27] == (seq & 0xff))
				return 1;
		}
		usleep(20000);
	}
	return 0;
}

static void test_reentry(void);

static void
test_engine(void)
{
	struct ppp_config cfg;
	struct ppp_engine *e;
	char *cause = NULL;
	const char *why;
	uint8_t f[128];
	size_t n;
	int before;

	nout = downs = ups = auth_done = 0;
	memset(&cfg, 0, sizeof cfg);
	cfg.ifname = "pppt0";
	cfg.user = "u";
	cfg.password = "p";
	cfg.auth_mask = PPP_AUTH_PAP;
	cfg.max_mtu = 1400;
	cfg.max_mru = 1500;
	cfg.use_peer_dns = 1;
	T_CHECK(ppp_builtin_ops.available(&why));

	e = ppp_builtin_ops.start(&cfg, &cbs, NULL, &cause);
	T_CHECK(e != NULL);
	if (e == NULL)
		return;
	/* Nothing is sent from inside start(); the loop sends the request. */
	T_EQ_INT(nout, 0);
	spin();
	T_CHECK(last_is("ff 03 c0 21 01 01 00 0e 01 04 05 dc 05 06 .. .. .. .."));
	/* SoftEther: Echo-Request with magic 0 before LCP is open. */
	feed(e, "ff 03 c0 21 09 00 00 0c 00 00 00 00 41 68 6f 20");
	T_CHECK(last_is("ff 03 c0 21 0a 00 00 0c 00 00 00 00 41 68 6f 20"));
	/* It rejects our Magic-Number (the magic bytes are ours: copy them). */
	memcpy(f, "\xff\x03\xc0\x21\x04\x01\x00\x0a\x05\x06", 10);
	memcpy(f + 10, out[0] + 14, 4);
	ppp_builtin_ops.input(e, f, 14);
	spin();
	T_CHECK(last_is("ff 03 c0 21 01 02 00 08 01 04 05 dc"));
	/* Its request: MRU 1400, PAP; acked; then our request acked. */
	feed(e, "ff 03 c0 21 01 01 00 0c 01 04 05 78 03 04 c0 23");
	T_CHECK(last_is("ff 03 c0 21 02 01 00 0c 01 04 05 78 03 04 c0 23"));
	feed(e, "ff 03 c0 21 02 02 00 08 01 04 05 dc");
	/* LCP open: PAP Authenticate-Request with user u, password p. */
	T_CHECK(last_is("ff 03 c0 23 01 .. 00 08 01 75 01 70"));
	T_EQ_INT(auth_done, 0);
	/* PAP Ack (ACFC form): auth_done_cb without a key, then IPCP. */
	n = t_unhex("c0 23 02 00 00 05 00", f, sizeof f);
	f[3] = out[nout - 1][5];
	ppp_builtin_ops.input(e, f, n);
	spin();
	T_EQ_INT(auth_done, 1);
	T_EQ_INT(hlak_null, 1);
	T_CHECK(last_is("ff 03 80 21 01 01 00 16 03 06 00 00 00 00 81 06 00 00 00 00 83 06 00 00 00 00"));
	/* SoftEther's IPCP: its address, reject DNS2, Nak, late Ack. */
	feed(e, "ff 03 80 21 01 01 00 0a 03 06 c0 a8 1e 01");
	T_CHECK(last_is("ff 03 80 21 02 01 00 0a 03 06 c0 a8 1e 01"));
	feed(e, "ff 03 80 21 04 01 00 0a 83 06 00 00 00 00");
	feed(e, "ff 03 80 21 03 02 00 10 03 06 c0 a8 1e 0a 81 06 c0 a8 1e 01");
	T_CHECK(last_is("ff 03 80 21 01 03 00 10 03 06 c0 a8 1e 0a 81 06 c0 a8 1e 01"));
	T_EQ_INT(ups, 0);
	feed(e, "ff 03 80 21 02 03 00 10 03 06 c0 a8 1e 0a 81 06 c0 a8 1e 01");
	T_EQ_INT(ups, 1);
	T_EQ_STR(up_info.ifname, "pppt0");
	T_EQ_INT(up_info.mtu, 1400);
	T_EQ_INT(up_info.mru, 1500);
	T_EQ_INT(up_info.local.s_addr, htonl(0xc0a81e0a));
	T_EQ_INT(up_info.remote.s_addr, htonl(0xc0a81e01));
	T_EQ_INT(up_info.dns1.s_addr, htonl(0xc0a81e01));
	T_EQ_INT(up_info.dns2.s_addr, 0);
	T_EQ_INT(up_info.have_ipv6, 0);
	T_EQ_STR(up_info.auth_method, "pap");
	T_CHECK(up_info.ifindex > 0);
	T_EQ_INT(if_nametoindex("pppt0"), up_info.ifindex);

	/* CCP is not spoken: Protocol-Reject with the packet. */
	feed(e, "ff 03 80 fd 01 01 00 04");
	T_CHECK(last_is("ff 03 c0 21 08 .. 00 0a 80 fd 01 01 00 04"));
	/* IPv6CP with ipv6 off: rejected as well. */
	feed(e, "80 57 01 01 00 04");
	T_CHECK(last_is("ff 03 c0 21 08 .. 00 0a 80 57 01 01 00 04"));
	/* Garbage is dropped quietly. */
	before = nout;
	feed(e, "ff 03");
	feed(e, "ff 03 c0 20 01");
	T_EQ_INT(nout, before);

	/* IP both ways: the peer pings us, the kernel answers through TUN. */
	n = ping_frame(f, 1);
	ppp_builtin_ops.input(e, f, n);
	T_CHECK(wait_reply(1));
	/* Throttled: the TUN is not read; released: the reply comes. */
	ppp_builtin_ops.throttle(e, 1);
	before = nout;
	n = ping_frame(f, 2);
	ppp_builtin_ops.input(e, f, n);
	usleep(100000);
	spin();
	T_EQ_INT(nout, before);
	ppp_builtin_ops.throttle(e, 0);
	T_CHECK(wait_reply(2));

	/* Stop: Terminate-Request; the Ack ends it with the reason. */
	ppp_builtin_ops.stop(e);
	spin();
	T_CHECK(last_is("ff 03 c0 21 05 .. 00 0b 73 74 6f 70 70 65 64"));
	T_EQ_INT(downs, 0);
	feed(e, "ff 03 c0 21 06 ff 00 04");
	T_EQ_INT(downs, 1);
	T_EQ_STR(down_reason, "stopped");
	/* The device stays until free() removes it. */
	T_CHECK(if_nametoindex("pppt0") != 0);
	ppp_builtin_ops.free(e);
	T_EQ_INT(if_nametoindex("pppt0"), 0);
	spin();
	T_EQ_INT(downs, 1);
}

/* free() from inside output_cb and down_cb: no use after free (ASan). */
static void
test_reentry(void)
{
	struct ppp_config cfg;
	uint8_t f[16];
	size_t n;

	memset(&cfg, 0, sizeof cfg);
	cfg.ifname = "pppt1";
	cfg.user = "u";
	cfg.password = "p";

	nout = downs = 0;
	free_in_output = 1;
	victim = ppp_builtin_ops.start(&cfg, &rcbs, NULL, NULL);
	T_CHECK(victim != NULL);
	spin();
	T_EQ_INT(nout, 1);
	T_CHECK(victim == NULL);
	spin();
	T_EQ_INT(nout, 1);
	T_EQ_INT(downs, 0);
	free_in_output = 0;

	/* From inside a restart timeout (the automaton's own timer). */
	nout = downs = 0;
	victim = ppp_builtin_ops.start(&cfg, &rcbs, NULL, NULL);
	spin();
	T_EQ_INT(nout, 1);
	free_in_output = 1;
	while (victim != NULL && nout < 3)
		event_base_loop(base, EVLOOP_ONCE);
	T_CHECK(victim == NULL);
	spin();
	T_EQ_INT(nout, 2);
	free_in_output = 0;

	nout = downs = 0;
	free_in_down = 1;
	victim = ppp_builtin_ops.start(&cfg, &rcbs, NULL, NULL);
	spin();
	ppp_builtin_ops.stop(victim);
	spin();
	n = t_unhex("ff 03 c0 21 06 02 00 04", f, sizeof f);
	ppp_builtin_ops.input(victim, f, n);
	spin();
	T_EQ_INT(downs, 1);
	T_CHECK(victim == NULL);
	spin();
	free_in_down = 0;
}

int
main(void)
{
	log_open("test-builtin-frames", 0, LOG_LVL_WARN);
	base = event_base_new();
	timer_set_base(base);

	test_frames();
	test_reentry();
	if (geteuid() != 0)
		printf("SKIP: engine part: needs root for a network namespace\n");
	else if (unshare(CLONE_NEWNET) != 0)
		printf("SKIP: engine part: unshare: %s\n", strerror(errno));
	else if (access("/dev/net/tun", R_OK | W_OK) != 0)
		printf("SKIP: engine part: no /dev/net/tun\n");
	else
		test_engine();

	event_base_free(base);
	T_DONE();
}

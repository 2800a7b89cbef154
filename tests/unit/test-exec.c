/* test-exec.c - the executor over the real interface list, with tunnels stubbed out. */
#include "config.h"

#include <event2/buffer.h>

#include "t.h"
#include "exec.h"
#include "iface.h"

/*
 * Stub tunnels: connected when enabled and connect-to is "up.example",
 * connecting otherwise; the rest of the daemon is real.
 */
struct tunnel {
	struct iface_config	cfg;
};

struct tunnel *
tunnel_new(struct event_base *base, const struct iface_config *cfg,
    void (*state_cb)(void *arg, struct tunnel *t), void *arg)
{
	struct tunnel	*t = calloc(1, sizeof *t);

	(void)base;
	(void)state_cb;
	(void)arg;
	cfg_copy(&t->cfg, cfg);
	return t;
}

void
tunnel_free(struct tunnel *t)
{
	if (t == NULL)
		return;
	cfg_clear(&t->cfg);
	free(t);
}

void
tunnel_shutdown(struct tunnel *t)
{
}

int
tunnel_quiet(const struct tunnel *t)
{
	return 1;
}

void
tunnel_reconfigure(struct tunnel *t, const struct iface_config *cfg)
{
	cfg_copy(&t->cfg, cfg);
}

const char *
tunnel_state_name(enum tunnel_state s)
{
	return s == TUN_CONNECTED ? "connected" : s == TUN_DISABLED ?
	    "disabled" : "connecting";
}

void
tunnel_status(struct tunnel *t, struct tunnel_status *st)
{
	memset(st, 0, sizeof *st);
	if (cfg_bool(&t->cfg, P_DISABLED))
		st->state = TUN_DISABLED;
	else if (strcmp(cfg_get(&t->cfg, P_CONNECT_TO), "up.example") == 0)
		st->state = TUN_CONNECTED;
	else
		st->state = TUN_CONNECTING;
	st->status = tunnel_state_name(st->state);
	st->uptime_ms = 3645000;
	st->idle_ms = 5000;
	snprintf(st->user, sizeof st->user, "%s", cfg_get(&t->cfg, P_USER));
	snprintf(st->caller_id, sizeof st->caller_id, "192.0.2.1:443");
	st->mtu = st->mru = 1400;
	snprintf(st->encoding, sizeof st->encoding, "TLSv1.3 AES-256-GCM");
	snprintf(st->local_address, sizeof st->local_address, "10.0.0.2");
	snprintf(st->remote_address, sizeof st->remote_address, "10.0.0.1");
	st->ppp_engine = "builtin";
	st->rx_bytes = 1234;
	st->link_downs = 2;
	snprintf(st->last_disconnect_reason,
	    sizeof st->last_disconnect_reason, "peer closed the call");
}

static struct evbuffer	*out;
static char		*text, *cause;

/* Run a line: its status, with the output in text and the error in cause. */
static int
run(struct exec_ctx *ctx, const char *line)
{
	size_t	n;
	int	r;

	free(cause);
	cause = NULL;
	r = exec_line(ctx, line, out, &cause);
	n = evbuffer_get_length(out);
	free(text);
	text = malloc(n + 1);
	evbuffer_remove(out, text, n);
	text[n] = '\0';
	return r;
}

int
main(void)
{
	struct exec_ctx	*ctx, *ro;

	out = evbuffer_new();
	iface_init(NULL, NULL);
	ctx = exec_ctx_new(0);
	ro = exec_ctx_new(EXEC_READONLY);

	/* The seed, verbatim. */
	T_EQ_INT(run(ctx, "/interface sstp-client add user=sstp-test "
	    "password=123 connect-to=10.1.101.1 disabled=no"), 0);
	T_EQ_STR(text, "");
	T_EQ_INT(iface_count(), 1);
	T_EQ_INT(run(ctx, "/interface sstp-client print"), 0);
	T_CHECK(strncmp(text, "Flags: X - disabled; R - running\n"
	    " 0    name=\"sstp-out1\" max-mtu=1500", 67) == 0);
	T_CHECK(strstr(text, "password=\"********\"") != NULL);
	T_EQ_INT(run(ctx, "/interface sstp-client monitor 0 once"), 0);
	T_CHECK(strstr(text, "     status: connecting\n") != NULL);
	T_CHECK(strstr(text, "link-downs: 2\n") != NULL);
	T_CHECK(strstr(text, "uptime") == NULL);	/* not connected */

	/* Navigation is per connection; numbering follows the last print. */
	T_EQ_INT(run(ctx, "/interface sstp-client"), 0);
	T_EQ_INT(run(ctx, "add name=office user=u connect-to=up.example "
	    "disabled=no comment=\"branch A\""), 0);
	T_EQ_INT(run(ctx, "add user=u connect-to=x.example"), 0);
	T_EQ_INT(iface_count(), 3);
	T_EQ_INT(run(ctx, "print count-only"), 0);
	T_EQ_STR(text, "3\n");
	T_EQ_INT(run(ctx, "print terse proplist=name"), 0);
	T_EQ_STR(text, " 0    name=sstp-out1\n 1  R name=office\n"
	    " 2 X  name=sstp-out2\n");
	T_EQ_INT(run(ctx, "monitor 1 once"), 0);
	T_CHECK(strstr(text, "status: connected\n") != NULL);
	T_CHECK(strstr(text, "uptime: 1h45s\n") != NULL);
	T_CHECK(strstr(text, "idle-time: 5s\n") != NULL);
	T_CHECK(strstr(text, "mtu: 1400\n") != NULL);
	T_CHECK(strstr(text, "encoding: TLSv1.3 AES-256-GCM\n") != NULL);
	T_CHECK(strstr(text, "last-disconnect-reason: peer closed the call\n")
	    != NULL);
	T_EQ_INT(run(ctx, "monitor 0,office once as-value"), 0);
	T_CHECK(strncmp(text, "name=sstp-out1;status=connecting;", 33) == 0);
	T_CHECK(strstr(text, "\nname=office;status=connected;uptime=1h45s;")
	    != NULL);

	/* Removing 0 leaves the numbers of the last print as they were. */
	T_EQ_INT(run(ctx, "remove 0"), 0);
	T_EQ_INT(run(ctx, "set 2 comment=two"), 0);
	T_EQ_STR(cfg_get(iface_config(iface_find("sstp-out2")), P_COMMENT),
	    "two");
	T_EQ_INT(run(ctx, "set 0 comment=gone"), -1);
	T_EQ_STR(cause, "no such item (line 1 column 5)");
	T_EQ_INT(run(ctx, "print proplist=name"), 0);
	T_EQ_STR(text, "Flags: X - disabled; R - running\n"
	    " 0  R ;;; branch A\n      name=\"office\"\n"
	    " 1 X  ;;; two\n      name=\"sstp-out2\"\n");
	T_EQ_INT(run(ctx, "disable 0,1"), 0);
	T_EQ_INT(run(ctx, "print count-only where disabled"), 0);
	T_EQ_STR(text, "2\n");
	T_EQ_INT(run(ctx, "enable [find where name~\"^off\"]"), 0);
	T_EQ_INT(run(ctx, "print as-value proplist=name where running"), 0);
	T_EQ_STR(text, ".id=*2;name=office;running=yes\n");
	T_EQ_INT(run(ctx, "set [find] name=x"), -1);
	T_EQ_STR(cause, "name must be unique: cannot set it on 2 items");
	T_EQ_INT(run(ctx, "set office name=sstp-out2"), -1);
	T_EQ_STR(cause, "an interface named sstp-out2 already exists");
	T_EQ_INT(run(ctx, "monitor nosuch"), -1);
	T_EQ_STR(cause, "no such item (line 1 column 9)");
	T_EQ_INT(run(ctx, "print detail bogus"), -1);
	T_EQ_STR(cause, "expected end of command (line 1 column 14)");

	/* Export: compact by default, replayable by the executor itself. */
	T_EQ_INT(run(ctx, "/export"), 0);
	T_EQ_STR(text, "/interface sstp-client\n"
	    "add comment=\"branch A\" connect-to=up.example disabled=no "
	    "name=office user=u\n"
	    "add comment=two connect-to=x.example name=sstp-out2 user=u\n");

	/* Streaming monitor: a block now, one per render, then the end. */
	T_EQ_INT(run(ctx, "monitor office"), 1);
	T_CHECK(strstr(text, "status: connected\n") != NULL);
	exec_stream_render(ctx, out);
	T_EQ_INT(run(ctx, "/interface sstp-client print count-only"), 0);
	T_CHECK(strstr(text, "status: connected\n") != NULL);
	exec_stream_end(ctx);

	/* Read-only sessions: print, monitor and export only, no secrets. */
	T_EQ_INT(run(ro, "/interface sstp-client print count-only"), 0);
	T_EQ_STR(text, "2\n");
	T_EQ_INT(run(ro, "/interface sstp-client remove 0"), -1);
	T_CHECK(strncmp(cause, "permission denied", 17) == 0);
	T_EQ_INT(run(ro, "/interface sstp-client add user=x"), -1);
	T_EQ_INT(run(ro, "/export show-sensitive"), -1);
	T_EQ_INT(run(ro, "/interface sstp-client print show-sensitive"), -1);
	T_EQ_INT(run(ro, "/interface sstp-client monitor 0 once"), 0);
	T_EQ_INT(iface_count(), 2);

	exec_ctx_free(ctx);
	exec_ctx_free(ro);
	iface_shutdown();
	evbuffer_free(out);
	free(text);
	free(cause);
	T_DONE();
}

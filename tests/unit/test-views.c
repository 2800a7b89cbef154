/* test-views.c - print, detail, terse, as-value, JSON, export and monitor shapes; durations. */
#include "config.h"

#include "t.h"
#include "lang.h"
#include "views.h"

static struct evbuffer	*b;
static char		*text;

/* Everything written to b since the last call, as a string. */
static const char *
got(void)
{
	size_t	n = evbuffer_get_length(b);

	free(text);
	text = malloc(n + 1);
	evbuffer_remove(b, text, n);
	text[n] = '\0';
	return text;
}

static void
set(struct iface_config *c, int id, const char *v)
{
	char	*out, *cause;

	if (prop_check(id, v, &out, &cause) != 0) {
		fprintf(stderr, "bad test value %s: %s\n", v, cause);
		exit(1);
	}
	cfg_set(c, id, out);
	free(out);
}

/* Parse an export line by line with the language: each must parse. */
static int
replays(const char *script)
{
	char		*copy = strdup(script), *line, *save = NULL, *cause;
	struct lang_cmd	*cmd;
	int		 menu = MENU_ROOT, ok = 1;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((cmd = lang_parse(menu, line, &cause)) == NULL) {
			fprintf(stderr, "replay: %s: %s\n", line, cause);
			free(cause);
			ok = 0;
			continue;
		}
		menu = cmd->new_menu;
		lang_cmd_free(cmd);
	}
	free(copy);
	return ok;
}

int
main(void)
{
	struct iface_config		 a, c;
	const struct iface_config	*cfgs[2];
	struct view_item		 items[2];
	struct view_mon			 m[2];
	char				 d[64];

	b = evbuffer_new();
	memset(&a, 0, sizeof a);
	memset(&c, 0, sizeof c);
	set(&a, P_NAME, "sstp-out1");
	set(&a, P_USER, "sstp-test");
	set(&a, P_PASSWORD, "123");
	set(&a, P_CONNECT_TO, "10.1.101.1");
	set(&a, P_DISABLED, "no");
	set(&c, P_NAME, "office");
	set(&c, P_COMMENT, "branch \"A\"");
	set(&c, P_USER, "MT-User");
	set(&c, P_CONNECT_TO, "vpn.example.com");
	set(&c, P_ROUTES, "10.0.0.0/8");
	items[0] = (struct view_item){ 0, 1, &a, 1 };
	items[1] = (struct view_item){ 1, 2, &c, 0 };

	/* Durations. */
	view_duration(d, sizeof d, 0);
	T_EQ_STR(d, "0s");
	view_duration(d, sizeof d, 45);
	T_EQ_STR(d, "45s");
	view_duration(d, sizeof d, 3645);
	T_EQ_STR(d, "1h45s");
	view_duration(d, sizeof d, 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
	T_EQ_STR(d, "2d3h4m5s");
	view_duration(d, sizeof d, 9 * 86400);
	T_EQ_STR(d, "1w2d");

	/* print: RouterOS's shape, wrapped before column 80, password masked. */
	view_print(b, items, 2, 0, 0);
	T_EQ_STR(got(),
	    "Flags: X - disabled; R - running\n"
	    " 0  R name=\"sstp-out1\" max-mtu=1500 max-mru=1500 mrru=disabled\n"
	    "      connect-to=10.1.101.1 port=443 http-proxy=\"\" certificate=none\n"
	    "      verify-server-certificate=yes verify-server-address-from-certificate=yes\n"
	    "      user=\"sstp-test\" password=\"********\" profile=default-encryption\n"
	    "      keepalive-timeout=60 add-default-route=no dial-on-demand=no\n"
	    "      authentication=pap,chap,mschap1,mschap2 pfs=no tls-version=any\n"
	    "      ppp-engine=auto\n"
	    " 1 X  ;;; branch \"A\"\n"
	    "      name=\"office\" max-mtu=1500 max-mru=1500 mrru=disabled\n"
	    "      connect-to=vpn.example.com port=443 http-proxy=\"\" certificate=none\n"
	    "      verify-server-certificate=yes verify-server-address-from-certificate=yes\n"
	    "      user=\"MT-User\" password=\"\" profile=default-encryption\n"
	    "      keepalive-timeout=60 add-default-route=no dial-on-demand=no\n"
	    "      authentication=pap,chap,mschap1,mschap2 pfs=no tls-version=any\n"
	    "      ppp-engine=auto\n");

	/* show-sensitive and proplist. */
	view_print(b, items, 1, LANG_O_SENSITIVE,
	    (1ULL << P_NAME) | (1ULL << P_PASSWORD));
	T_EQ_STR(got(), "Flags: X - disabled; R - running\n"
	    " 0  R name=\"sstp-out1\" password=\"123\"\n");

	/* detail: every property; no line longer than 79. */
	view_print(b, items, 2, LANG_O_DETAIL, 0);
	got();
	T_CHECK(strstr(text, "routes=10.0.0.0/8") != NULL);
	T_CHECK(strstr(text, "ppp-scripts-dir=/etc/ppp") != NULL);
	T_CHECK(strstr(text, "use-peer-dns=no") != NULL);
	T_CHECK(strstr(text, "password=\"********\"") != NULL);
	T_CHECK(strstr(text, "\n\n 1 X  ;;; branch") != NULL);
	{
		const char	*s = text, *e;
		int		 longest = 0;

		for (; (e = strchr(s, '\n')) != NULL; s = e + 1) {
			if (e - s > longest)
				longest = (int)(e - s);
		}
		T_CHECK(longest <= 79 && longest > 60);
	}

	/* terse: one line per item, no header. */
	view_print(b, items, 2, LANG_O_TERSE, 0);
	got();
	T_EQ_INT(strchr(text, '\n') - text > 200, 1);
	T_CHECK(strncmp(text, " 0  R name=sstp-out1 comment=\"\" disabled=no "
	    "connect-to=10.1.101.1 port=443 ", 75) == 0);
	T_CHECK(strstr(text, "\n 1 X  name=office comment=\"branch \\\"A\\\"\" "
	    "disabled=yes ") != NULL);
	T_CHECK(strstr(text, "password=******** ") != NULL);

	/* count-only, as-value, JSON. */
	view_print(b, items, 2, LANG_O_COUNT_ONLY, 0);
	T_EQ_STR(got(), "2\n");
	view_print(b, items, 2, LANG_O_AS_VALUE,
	    (1ULL << P_NAME) | (1ULL << P_DISABLED) | (1ULL << P_COMMENT));
	T_EQ_STR(got(), ".id=*1;name=sstp-out1;comment=\"\";disabled=no;"
	    "running=yes\n"
	    ".id=*2;name=office;comment=\"branch \\\"A\\\"\";disabled=yes;"
	    "running=no\n");
	view_print(b, items, 2, LANG_O_JSON,
	    (1ULL << P_NAME) | (1ULL << P_COMMENT) | (1ULL << P_PASSWORD));
	T_EQ_STR(got(), "[{\".id\":\"*1\",\".nr\":0,\"running\":true,"
	    "\"name\":\"sstp-out1\",\"comment\":\"\",\"password\":\"********\"},"
	    "{\".id\":\"*2\",\".nr\":1,\"running\":false,\"name\":\"office\","
	    "\"comment\":\"branch \\\"A\\\"\",\"password\":\"\"}]\n");

	/* export: compact, sorted, no secrets; verbose; terse; replayable. */
	cfgs[0] = &a;
	cfgs[1] = &c;
	view_export(b, cfgs, 2, 0);
	T_EQ_STR(got(), "/interface sstp-client\n"
	    "add connect-to=10.1.101.1 disabled=no name=sstp-out1 "
	    "user=sstp-test\n"
	    "add comment=\"branch \\\"A\\\"\" connect-to=vpn.example.com "
	    "name=office routes=10.0.0.0/8 user=MT-User\n");
	T_CHECK(replays(text));
	view_export(b, cfgs, 1, LANG_O_TERSE | LANG_O_SENSITIVE);
	T_EQ_STR(got(), "/interface sstp-client add connect-to=10.1.101.1 "
	    "disabled=no name=sstp-out1 password=123 user=sstp-test\n");
	T_CHECK(replays(text));
	view_export(b, cfgs, 2, LANG_O_VERBOSE);
	got();
	T_CHECK(strstr(text, " port=443 ") != NULL);
	T_CHECK(strstr(text, " ppp-engine=auto ") != NULL);
	T_CHECK(strstr(text, " max-mtu=1500 ") != NULL);
	T_CHECK(strstr(text, "password") == NULL);
	T_CHECK(replays(text));
	view_export(b, cfgs, 0, 0);
	T_EQ_STR(got(), "");

	/* monitor: keys right-aligned to one column. */
	memset(m, 0, sizeof m);
	view_mon_add(&m[0], "status", "connected");
	view_mon_add(&m[0], "uptime", "1h45s");
	view_mon_add(&m[0], "idle-time", "1h45s");
	view_mon_add(&m[0], "user", "Laptop");
	view_mon_add(&m[0], "caller-id", "192.168.99.1:%d", 43886);
	view_mon_add(&m[0], "mtu", "1500");
	view_monitor(b, m, 1, 0);
	T_EQ_STR(got(),
	    "   status: connected\n"
	    "   uptime: 1h45s\n"
	    "idle-time: 1h45s\n"
	    "     user: Laptop\n"
	    "caller-id: 192.168.99.1:43886\n"
	    "      mtu: 1500\n");
	view_mon_add(&m[1], "last-disconnect-reason", "peer said \"bye\"");
	view_monitor(b, m, 2, 0);
	got();
	T_CHECK(strncmp(text, "                status: connected\n", 34) == 0);
	T_CHECK(strstr(text, "mtu: 1500\n\nlast-disconnect-reason: peer") !=
	    NULL);
	view_monitor(b, m, 2, LANG_O_AS_VALUE);
	T_EQ_STR(got(), "status=connected;uptime=1h45s;idle-time=1h45s;"
	    "user=Laptop;caller-id=192.168.99.1:43886;mtu=1500\n"
	    "last-disconnect-reason=\"peer said \\\"bye\\\"\"\n");
	view_monitor(b, m, 2, LANG_O_JSON);
	T_EQ_STR(got(), "[{\"status\":\"connected\",\"uptime\":\"1h45s\","
	    "\"idle-time\":\"1h45s\",\"user\":\"Laptop\",\"caller-id\":"
	    "\"192.168.99.1:43886\",\"mtu\":\"1500\"},"
	    "{\"last-disconnect-reason\":\"peer said \\\"bye\\\"\"}]\n");

	cfg_clear(&a);
	cfg_clear(&c);
	evbuffer_free(b);
	free(text);
	T_DONE();
}

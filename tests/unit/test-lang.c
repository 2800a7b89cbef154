/* test-lang.c - the command language: parsing, errors with columns, prefixes, completion, help. */
#include "config.h"

#include "t.h"
#include "lang.h"

static char	*cause;

/* Parse in the sstp-client menu unless the line has a path. */
static struct lang_cmd *
parse(int menu, const char *line)
{
	free(cause);
	cause = NULL;
	return lang_parse(menu, line, &cause);
}

/* The error of a line that must fail. */
static const char *
err(int menu, const char *line)
{
	struct lang_cmd	*c = parse(menu, line);

	if (c != NULL) {
		lang_cmd_free(c);
		return "(parsed)";
	}
	return cause;
}

/* Completion candidates joined by spaces, and the start offset. */
static char *
comp(int menu, const char *line, const char *const *names, size_t *start)
{
	static char	 buf[4096];
	char		**v;
	size_t		 i, off = 0, st;

	v = lang_complete(menu, line, strlen(line), names, &st);
	buf[0] = '\0';
	for (i = 0; v[i] != NULL; i++)
		off += snprintf(buf + off, sizeof buf - off, "%s%s",
		    i ? " " : "", v[i]);
	lang_strv_free(v);
	if (start != NULL)
		*start = st;
	return buf;
}

/* Whether a where/find expression matches an item with these values. */
static const char *const *ev_vals;
static const char *
ev_get(void *arg, int key)
{
	(void)arg;
	return ev_vals[key] != NULL ? ev_vals[key] : "";
}

int
main(void)
{
	static const char *const names[] = { "sstp-out1", "sstp-out2",
	    "office", NULL };
	const char	*vals[P__COUNT + 1];
	struct lang_cmd	*c;
	size_t		 st;
	char		*h, *q;
	int		 S = MENU_SSTP_CLIENT;

	/* The seed's commands, verbatim, from the root. */
	c = parse(MENU_ROOT, "/interface sstp-client add user=sstp-test "
	    "password=123 connect-to=10.1.101.1 disabled=no");
	T_CHECK(c != NULL);
	if (c != NULL) {
		T_EQ_INT(c->menu, S);
		T_EQ_INT(c->new_menu, MENU_ROOT);
		T_EQ_INT(c->verb->id, VERB_ADD);
		T_EQ_STR(c->val[P_USER], "sstp-test");
		T_EQ_STR(c->val[P_PASSWORD], "123");
		T_EQ_STR(c->val[P_CONNECT_TO], "10.1.101.1");
		T_EQ_STR(c->val[P_DISABLED], "no");
		T_EQ_INT(c->given[P_PORT], 0);
		lang_cmd_free(c);
	}
	c = parse(MENU_ROOT, "/interface sstp-client print");
	T_CHECK(c != NULL && c->verb->id == VERB_PRINT && c->opts == 0);
	lang_cmd_free(c);
	c = parse(MENU_ROOT, "/interface sstp-client monitor 0");
	T_CHECK(c != NULL);
	if (c != NULL) {
		T_EQ_INT(c->verb->id, VERB_MONITOR);
		T_EQ_INT(c->nitems, 1);
		T_EQ_INT(c->items[0].number, 0);
		T_EQ_INT(c->items_col, 32);
		lang_cmd_free(c);
	}

	/* Navigation: absolute, relative, .., /, the v7 slash form. */
	c = parse(MENU_ROOT, "/interface sstp-client");
	T_CHECK(c != NULL && c->verb == NULL && c->new_menu == S);
	lang_cmd_free(c);
	c = parse(S, "..");
	T_CHECK(c != NULL && c->new_menu == MENU_INTERFACE);
	lang_cmd_free(c);
	c = parse(S, "/");
	T_CHECK(c != NULL && c->new_menu == MENU_ROOT);
	lang_cmd_free(c);
	c = parse(MENU_ROOT, "int sstp");
	T_CHECK(c != NULL && c->new_menu == S);
	lang_cmd_free(c);
	c = parse(MENU_ROOT, "/interface/sstp-client/print detail");
	T_CHECK(c != NULL && c->verb->id == VERB_PRINT &&
	    c->opts == LANG_O_DETAIL && c->new_menu == MENU_ROOT);
	lang_cmd_free(c);
	c = parse(S, "/export");
	T_CHECK(c != NULL && c->verb->id == VERB_EXPORT &&
	    c->menu == MENU_ROOT);
	lang_cmd_free(c);
	c = parse(S, "   # a comment");
	T_CHECK(c != NULL && c->verb == NULL && c->new_menu == S);
	lang_cmd_free(c);
	c = parse(S, "");
	T_CHECK(c != NULL && c->verb == NULL && c->new_menu == S);
	lang_cmd_free(c);
	T_EQ_STR(lang_menu_path(S), "/interface sstp-client");
	T_EQ_STR(lang_menu_path(MENU_ROOT), "/");

	/* Prefixes of verbs, properties, values and print words. */
	c = parse(S, "pr det sh");
	T_CHECK(c != NULL && c->verb->id == VERB_PRINT &&
	    c->opts == (LANG_O_DETAIL | LANG_O_SENSITIVE));
	lang_cmd_free(c);
	c = parse(S, "add conn=vpn.example.com ppp-e=b tls-version=only-1.3 "
	    "auth=mschap2,pap");
	T_CHECK(c != NULL);
	if (c != NULL) {
		T_EQ_STR(c->val[P_CONNECT_TO], "vpn.example.com");
		T_EQ_STR(c->val[P_PPP_ENGINE], "builtin");
		T_EQ_STR(c->val[P_TLS_VERSION], "only-1.3");
		T_EQ_STR(c->val[P_AUTHENTICATION], "pap,mschap2");
		lang_cmd_free(c);
	}
	T_EQ_STR(err(S, "e"), "ambiguous command: candidates enable, export "
	    "(line 1 column 1)");
	T_EQ_STR(err(S, "add p=1"), "ambiguous property: candidates port, "
	    "proxy-port, proxy-user, proxy-password, password, pfs, profile, "
	    "ppp-engine, ppp-scripts, ppp-scripts-dir, pppd-options "
	    "(line 1 column 5)");
	T_EQ_STR(err(S, "add tls-version=only"), "ambiguous value: candidates "
	    "only-1.2, only-1.3 (line 1 column 17)");

	/* Errors point at the bad word. */
	T_EQ_STR(err(MENU_ROOT, "/interface sstp-client print detail bogus"),
	    "expected end of command (line 1 column 37)");
	T_EQ_STR(err(MENU_ROOT, "/interface sstp-client add user=sstp-test x"),
	    "expected end of command (line 1 column 43)");
	T_EQ_STR(err(S, "add foo=bar"), "no such property: foo "
	    "(line 1 column 5)");
	T_EQ_STR(err(S, "add port=70000"), "value of port out of range "
	    "(1..65535) (line 1 column 10)");
	T_EQ_STR(err(MENU_ROOT, "/interface bogus"),
	    "bad command name bogus (line 1 column 12)");
	T_EQ_STR(err(S, "add comment=\"open"),
	    "unterminated string (line 1 column 13)");
	T_EQ_STR(err(S, "remove"), "expected item (a number of the last "
	    "print, a name or [find ...]) (line 1 column 7)");
	T_EQ_STR(err(S, "print where nosuch=1"),
	    "no such property: nosuch (line 1 column 13)");
	T_CHECK(strncmp(err(S, "print where name~\"(\""),
	    "bad regular expression: ", 24) == 0);
	T_CHECK(strstr(cause, "(line 1 column 18)") != NULL);
	T_EQ_STR(err(S, "set [find name=x"), "expected ']' "
	    "(line 1 column 17)");
	T_EQ_STR(err(MENU_ROOT, "print"), "bad command name print "
	    "(line 1 column 1)");
	{
		char	deep[300];

		memset(deep, '(', sizeof deep);
		memcpy(deep, "print where ", 12);
		deep[sizeof deep - 1] = '\0';
		T_EQ_STR(err(S, deep), "expression nested too deeply "
		    "(line 1 column 77)");
	}

	/* Items: numbers, names, several, numbers=, find. */
	c = parse(S, "disable 0,2");
	T_CHECK(c != NULL && c->nitems == 2 && c->items[0].number == 0 &&
	    c->items[1].number == 2);
	lang_cmd_free(c);
	c = parse(S, "set office,1 comment=\"branch \\\"A\\\"\" port=");
	T_CHECK(c != NULL);
	if (c != NULL) {
		T_EQ_INT(c->nitems, 2);
		T_EQ_STR(c->items[0].name, "office");
		T_EQ_INT(c->items[0].number, -1);
		T_EQ_INT(c->items[1].number, 1);
		T_EQ_STR(c->val[P_COMMENT], "branch \"A\"");
		T_EQ_INT(c->given[P_PORT], 1);
		T_CHECK(c->val[P_PORT] == NULL);	/* back to default */
		lang_cmd_free(c);
	}
	c = parse(S, "remove numbers=3");
	T_CHECK(c != NULL && c->nitems == 1 && c->items[0].number == 3);
	lang_cmd_free(c);
	c = parse(S, "monitor 0,1 once as-value");
	T_CHECK(c != NULL && c->nitems == 2 &&
	    c->opts == (LANG_O_ONCE | LANG_O_AS_VALUE));
	lang_cmd_free(c);
	c = parse(S, "enable [find where name~\"^sstp\" and !disabled]");
	T_CHECK(c != NULL && c->find != NULL && c->nitems == 0);
	if (c != NULL) {
		memset(vals, 0, sizeof vals);
		ev_vals = vals;
		vals[P_NAME] = "sstp-out1";
		vals[P_DISABLED] = "no";
		T_EQ_INT(lang_expr_eval(c->find, ev_get, NULL), 1);
		vals[P_DISABLED] = "yes";
		T_EQ_INT(lang_expr_eval(c->find, ev_get, NULL), 0);
		vals[P_DISABLED] = "no";
		vals[P_NAME] = "office";
		T_EQ_INT(lang_expr_eval(c->find, ev_get, NULL), 0);
		lang_cmd_free(c);
	}
	c = parse(S, "disable [find name=office disabled=false]");
	T_CHECK(c != NULL && c->find != NULL);
	if (c != NULL) {
		vals[P_NAME] = "office";
		vals[P_DISABLED] = "no";	/* "false" is canonical "no" */
		T_EQ_INT(lang_expr_eval(c->find, ev_get, NULL), 1);
		lang_cmd_free(c);
	}
	c = parse(S, "remove [find]");
	T_CHECK(c != NULL && c->find != NULL &&
	    lang_expr_eval(c->find, ev_get, NULL));
	lang_cmd_free(c);
	c = parse(S, "print count-only where running || (port!=443 && "
	    "not disabled)");
	T_CHECK(c != NULL && c->where != NULL &&
	    c->opts == LANG_O_COUNT_ONLY);
	if (c != NULL) {
		vals[LANG_KEY_RUNNING] = "no";
		vals[P_PORT] = "443";
		vals[P_DISABLED] = "no";
		T_EQ_INT(lang_expr_eval(c->where, ev_get, NULL), 0);
		vals[P_PORT] = "8443";
		T_EQ_INT(lang_expr_eval(c->where, ev_get, NULL), 1);
		vals[P_DISABLED] = "yes";
		T_EQ_INT(lang_expr_eval(c->where, ev_get, NULL), 0);
		vals[LANG_KEY_RUNNING] = "yes";
		T_EQ_INT(lang_expr_eval(c->where, ev_get, NULL), 1);
		lang_cmd_free(c);
	}
	c = parse(S, "print proplist=name,conn json");
	T_CHECK(c != NULL && c->proplist == ((1ULL << P_NAME) |
	    (1ULL << P_CONNECT_TO)) && c->opts == LANG_O_JSON);
	lang_cmd_free(c);
	c = parse(MENU_ROOT, "export verbose terse show-sensitive");
	T_CHECK(c != NULL && c->opts == (LANG_O_VERBOSE | LANG_O_TERSE |
	    LANG_O_SENSITIVE));
	lang_cmd_free(c);

	/* Quoting round-trips through the lexer. */
	q = lang_quote("a b\"c\\d$e?", 0);
	T_EQ_STR(q, "\"a b\\\"c\\\\d\\$e\\?\"");
	free(q);
	q = lang_quote("10.1.101.1", 0);
	T_EQ_STR(q, "10.1.101.1");
	free(q);
	q = lang_quote("", 0);
	T_EQ_STR(q, "\"\"");
	free(q);
	q = lang_quote("sstp-out1", 1);
	T_EQ_STR(q, "\"sstp-out1\"");
	free(q);
	c = parse(S, "add comment=\"a b\\\"c\\\\d\\$e\\?\\_\\41\"");
	T_CHECK(c != NULL && strcmp(c->val[P_COMMENT], "a b\"c\\d$e? A") == 0);
	lang_cmd_free(c);

	/* Completion: menus and verbs, paths, properties, values, items. */
	T_EQ_STR(comp(MENU_ROOT, "", NULL, &st), "export interface");
	T_EQ_STR(comp(MENU_ROOT, "/in", NULL, &st), "/interface");
	T_EQ_INT(st, 0);
	T_EQ_STR(comp(MENU_ROOT, "/interface ", NULL, &st), ".. export sstp-client");
	T_EQ_STR(comp(MENU_ROOT, "/interface/s", NULL, &st),
	    "/interface/sstp-client");
	T_EQ_STR(comp(S, "e", NULL, &st), "enable export");
	T_EQ_STR(comp(MENU_ROOT, "/interface sstp-client mon", NULL, &st),
	    "monitor");
	T_EQ_INT(st, 23);
	T_EQ_STR(comp(S, "add authentication=mschap1,", NULL, &st),
	    "chap eap mschap2 pap");
	T_EQ_STR(comp(S, "add conn", NULL, &st), "connect-to=");
	T_EQ_INT(st, 4);
	T_EQ_STR(comp(S, "add user=x pass", NULL, &st), "password=");
	T_EQ_STR(comp(S, "add user=x user", NULL, &st), "");	/* given */
	T_EQ_STR(comp(S, "add ppp-engine=", NULL, &st), "auto builtin pppd");
	T_EQ_INT(st, 15);
	T_EQ_STR(comp(S, "add disabled=", NULL, &st), "no yes");
	T_EQ_STR(comp(S, "add tls-version=on", NULL, &st),
	    "only-1.2 only-1.3");
	T_EQ_STR(comp(S, "add authentication=pap,ms", NULL, &st),
	    "mschap1 mschap2");
	T_EQ_INT(st, 23);
	T_EQ_STR(comp(S, "add authentication=mschap1,", NULL, &st),
	    "chap eap mschap2 pap");
	T_EQ_STR(comp(S, "monitor ", names, &st),
	    "[find office sstp-out1 sstp-out2");
	T_EQ_STR(comp(S, "monitor sstp", names, &st), "sstp-out1 sstp-out2");
	T_EQ_STR(comp(S, "disable 0,of", names, &st), "office");
	T_EQ_INT(st, 10);
	T_EQ_STR(comp(S, "monitor office o", names, &st), "once");
	T_EQ_STR(comp(S, "print d", NULL, &st), "detail");
	T_EQ_STR(comp(S, "print proplist=name,con", NULL, &st), "connect-to");
	T_EQ_STR(comp(S, "print where na", NULL, &st), "name");
	T_EQ_STR(comp(S, "set [find ", NULL, &st), "add-default-route "
	    "add-sni authentication ca-certificate certificate "
	    "certificate-key ciphers comment connect-to "
	    "default-route-distance dial-on-demand disabled http-proxy ipv6 "
	    "keepalive-timeout max-mru max-mtu mrru name password pfs port "
	    "ppp-engine ppp-scripts ppp-scripts-dir pppd-options profile "
	    "proxy-password proxy-port proxy-user routes running "
	    "server-fingerprint sni-name tls-version use-peer-dns user "
	    "verify-server-address-from-certificate "
	    "verify-server-certificate where");
	T_EQ_STR(comp(S, "set [find where name=", names, &st),
	    "office sstp-out1 sstp-out2");
	T_EQ_STR(comp(S, "export v", NULL, &st), "verbose");
	T_EQ_STR(comp(S, "bogus ", NULL, &st), "");

	/* Help from the same tree. */
	h = lang_help(S, "", 0);
	T_CHECK(strstr(h, "monitor") != NULL &&
	    strstr(h, "show the run-time state") != NULL &&
	    strstr(h, "up one menu") != NULL);
	free(h);
	h = lang_help(S, "add port=", 9);
	T_CHECK(strstr(h, "server TCP port") != NULL &&
	    strstr(h, "integer 1..65535; default 443") != NULL);
	free(h);
	h = lang_help(S, "add ", 4);
	T_CHECK(strstr(h, "connect-to") != NULL &&
	    strstr(h, "keepalive-timeout") != NULL);
	free(h);
	h = lang_help(S, "print ", 6);
	T_CHECK(strstr(h, "count-only") != NULL && strstr(h, "where") != NULL);
	free(h);
	h = lang_help(S, "monitor ", 8);
	T_CHECK(strstr(h, "usage: monitor ITEMS") != NULL);
	free(h);

	free(cause);
	T_DONE();
}

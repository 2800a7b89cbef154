/* views.c - print, monitor and export output in RouterOS's shapes, plus a JSON form. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "views.h"

#define VIEW_WIDTH	79	/* longest printed line */
#define MASK		"********"

/* What plain print shows, in RouterOS's order; detail shows the table. */
static const int print_default[] = {
	P_NAME, P_MAX_MTU, P_MAX_MRU, P_MRRU, P_CONNECT_TO, P_PORT,
	P_HTTP_PROXY, P_CERTIFICATE, P_VERIFY_SERVER_CERTIFICATE,
	P_VERIFY_SERVER_ADDRESS, P_USER, P_PASSWORD, P_PROFILE,
	P_KEEPALIVE_TIMEOUT, P_ADD_DEFAULT_ROUTE, P_DIAL_ON_DEMAND,
	P_AUTHENTICATION, P_PFS, P_TLS_VERSION, P_PPP_ENGINE, -1
};

void
view_duration(char *buf, size_t size, unsigned long long s)
{
	static const struct {
		char			c;
		unsigned long long	n;
	} u[] = {
		{ 'w', 604800 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
		{ 's', 1 }
	};
	size_t	off = 0, i;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (s == 0) {
		snprintf(buf, size, "0s");
		return;
	}
	for (i = 0; i < sizeof u / sizeof u[0] && off < size; i++) {
		if (s >= u[i].n) {
			off += snprintf(buf + off, size - off, "%llu%c",
			    s / u[i].n, u[i].c);
			s %= u[i].n;
		}
	}
}

void
view_json_string(struct evbuffer *out, const char *s)
{
	const unsigned char	*p;

	evbuffer_add(out, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			evbuffer_add_printf(out, "\\%c", *p);
		else if (*p < 0x20)
			evbuffer_add_printf(out, "\\u%04x", *p);
		else
			evbuffer_add(out, p, 1);
	}
	evbuffer_add(out, "\"", 1);
}

/* The text shown for one property; masked when secret. */
static const char *
shown(const struct iface_config *cfg, int id, int opts)
{
	const char	*v = cfg_get(cfg, id);

	if ((prop_table[id].flags & PF_SENSITIVE) && *v != '\0' &&
	    !(opts & LANG_O_SENSITIVE))
		return MASK;
	return v;
}

static int
wanted(int id, int opts, uint64_t proplist)
{
	int	i;

	if (proplist != 0)
		return (proplist & (1ULL << id)) != 0;
	if (opts & (LANG_O_DETAIL | LANG_O_TERSE | LANG_O_AS_VALUE |
	    LANG_O_JSON))
		return 1;
	for (i = 0; print_default[i] >= 0; i++) {
		if (print_default[i] == id)
			return 1;
	}
	return 0;
}

/* Property ids to show, in order. */
static size_t
shown_ids(int *ids, int opts, uint64_t proplist)
{
	size_t	n = 0;
	int	i;

	if (proplist == 0 && !(opts & (LANG_O_DETAIL | LANG_O_TERSE |
	    LANG_O_AS_VALUE | LANG_O_JSON))) {
		for (i = 0; print_default[i] >= 0; i++)
			ids[n++] = print_default[i];
		return n;
	}
	for (i = 0; i < P__COUNT; i++) {
		if (wanted(i, opts, proplist))
			ids[n++] = i;
	}
	return n;
}

static char *
kv(const struct iface_config *cfg, int id, int opts, int quote_text)
{
	const struct prop_def	*p = &prop_table[id];
	char			*q, *s;
	int			 text;

	text = p->type == PT_STRING || p->type == PT_NAME;
	q = lang_quote(shown(cfg, id, opts), quote_text && text);
	if (asprintf(&s, "%s=%s", p->name, q) == -1)
		s = NULL;
	free(q);
	return s;
}

static void
print_json(struct evbuffer *out, const struct view_item *items, size_t n,
    int opts, uint64_t proplist)
{
	int	ids[P__COUNT];
	size_t	i, j, nids;

	nids = shown_ids(ids, opts, proplist);
	evbuffer_add(out, "[", 1);
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(out, "%s{\".id\":\"*%u\",\".nr\":%d,"
		    "\"running\":%s", i ? "," : "", items[i].id,
		    items[i].index, items[i].running ? "true" : "false");
		for (j = 0; j < nids; j++) {
			evbuffer_add_printf(out, ",\"%s\":",
			    prop_table[ids[j]].name);
			view_json_string(out, shown(items[i].cfg, ids[j], opts));
		}
		evbuffer_add(out, "}", 1);
	}
	evbuffer_add(out, "]\n", 2);
}

static void
print_as_value(struct evbuffer *out, const struct view_item *items, size_t n,
    int opts, uint64_t proplist)
{
	int	 ids[P__COUNT];
	size_t	 i, j, nids;
	char	*s;

	nids = shown_ids(ids, opts, proplist);
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(out, ".id=*%u", items[i].id);
		for (j = 0; j < nids; j++) {
			s = kv(items[i].cfg, ids[j], opts, 0);
			evbuffer_add_printf(out, ";%s", s);
			free(s);
		}
		evbuffer_add_printf(out, ";running=%s\n",
		    items[i].running ? "yes" : "no");
	}
}

void
view_print(struct evbuffer *out, const struct view_item *items, size_t n,
    int opts, uint64_t proplist)
{
	const struct iface_config	*cfg;
	int				 ids[P__COUNT], width = 2, col;
	size_t				 i, j, nids, len;
	char				 pfx[32], *s;
	const char			*comment;

	if (opts & LANG_O_COUNT_ONLY) {
		evbuffer_add_printf(out, "%zu\n", n);
		return;
	}
	if (opts & LANG_O_JSON) {
		print_json(out, items, n, opts, proplist);
		return;
	}
	if (opts & LANG_O_AS_VALUE) {
		print_as_value(out, items, n, opts, proplist);
		return;
	}
	nids = shown_ids(ids, opts, proplist);
	for (i = 0; i < n; i++) {
		len = snprintf(pfx, sizeof pfx, "%d", items[i].index);
		if ((int)len > width)
			width = (int)len;
	}
	if (!(opts & LANG_O_TERSE))
		evbuffer_add_printf(out, "Flags: X - disabled; R - "
		    "running\n");
	for (i = 0; i < n; i++) {
		cfg = items[i].cfg;
		snprintf(pfx, sizeof pfx, "%*d %c%c ", width, items[i].index,
		    cfg_bool(cfg, P_DISABLED) ? 'X' : ' ',
		    items[i].running ? 'R' : ' ');
		evbuffer_add_printf(out, "%s", pfx);
		col = (int)strlen(pfx);
		comment = cfg_get(cfg, P_COMMENT);
		if (!(opts & LANG_O_TERSE) && *comment != '\0') {
			evbuffer_add_printf(out, ";;; %s\n%*s", comment, col,
			    "");
		}
		for (j = 0; j < nids; j++) {
			if (ids[j] == P_COMMENT && !(opts & LANG_O_TERSE))
				continue;
			s = kv(cfg, ids[j], opts, !(opts & LANG_O_TERSE));
			len = strlen(s);
			if (j > 0 && !(opts & LANG_O_TERSE) &&
			    col + 1 + (int)len > VIEW_WIDTH &&
			    col > (int)strlen(pfx)) {
				evbuffer_add_printf(out, "\n%*s",
				    (int)strlen(pfx), "");
				col = (int)strlen(pfx);
			} else if (j > 0) {
				evbuffer_add(out, " ", 1);
				col++;
			}
			evbuffer_add(out, s, len);
			col += (int)len;
			free(s);
		}
		evbuffer_add(out, "\n", 1);
		if ((opts & LANG_O_DETAIL) && !(opts & LANG_O_TERSE) &&
		    i + 1 < n)
			evbuffer_add(out, "\n", 1);
	}
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(prop_table[*(const int *)a].name,
	    prop_table[*(const int *)b].name);
}

void
view_export(struct evbuffer *out, const struct iface_config *const *cfgs,
    size_t n, int opts)
{
	const char	*path = lang_menu_path(MENU_SSTP_CLIENT);
	int		 ids[P__COUNT];
	size_t		 i, j, nids = 0;
	char		*q;

	if (n == 0)
		return;
	for (j = 0; j < P__COUNT; j++)
		ids[nids++] = (int)j;
	qsort(ids, nids, sizeof ids[0], name_cmp);
	if (!(opts & LANG_O_TERSE))
		evbuffer_add_printf(out, "%s\n", path);
	for (i = 0; i < n; i++) {
		if (opts & LANG_O_TERSE)
			evbuffer_add_printf(out, "%s ", path);
		evbuffer_add_printf(out, "add");
		for (j = 0; j < nids; j++) {
			if ((prop_table[ids[j]].flags & PF_NOEXPORT) ||
			    ((prop_table[ids[j]].flags & PF_SENSITIVE) &&
			    !(opts & LANG_O_SENSITIVE)))
				continue;
			if (!(opts & LANG_O_VERBOSE) && ids[j] != P_NAME &&
			    cfg_is_default(cfgs[i], ids[j]))
				continue;
			if (ids[j] == P_NAME && *cfg_get(cfgs[i], P_NAME) ==
			    '\0')
				continue;
			q = lang_quote(cfg_get(cfgs[i], ids[j]), 0);
			evbuffer_add_printf(out, " %s=%s",
			    prop_table[ids[j]].name, q);
			free(q);
		}
		evbuffer_add(out, "\n", 1);
	}
}

void
view_mon_add(struct view_mon *m, const char *key, const char *fmt, ...)
{
	va_list	ap;

	if (m->n >= VIEW_MON_MAX)
		return;
	m->key[m->n] = key;
	va_start(ap, fmt);
	vsnprintf(m->val[m->n], sizeof m->val[m->n], fmt, ap);
	va_end(ap);
	m->n++;
}

void
view_monitor(struct evbuffer *out, const struct view_mon *m, size_t n,
    int opts)
{
	size_t	 i, j, w = 0;
	char	*q;

	if (opts & LANG_O_JSON) {
		evbuffer_add(out, "[", 1);
		for (i = 0; i < n; i++) {
			evbuffer_add(out, i ? ",{" : "{", i ? 2 : 1);
			for (j = 0; j < m[i].n; j++) {
				evbuffer_add_printf(out, "%s\"%s\":",
				    j ? "," : "", m[i].key[j]);
				view_json_string(out, m[i].val[j]);
			}
			evbuffer_add(out, "}", 1);
		}
		evbuffer_add(out, "]\n", 2);
		return;
	}
	if (opts & LANG_O_AS_VALUE) {
		for (i = 0; i < n; i++) {
			for (j = 0; j < m[i].n; j++) {
				q = lang_quote(m[i].val[j], 0);
				evbuffer_add_printf(out, "%s%s=%s",
				    j ? ";" : "", m[i].key[j], q);
				free(q);
			}
			evbuffer_add(out, "\n", 1);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < m[i].n; j++) {
			if (strlen(m[i].key[j]) > w)
				w = strlen(m[i].key[j]);
		}
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			evbuffer_add(out, "\n", 1);
		for (j = 0; j < m[i].n; j++)
			evbuffer_add_printf(out, "%*s: %s\n", (int)w,
			    m[i].key[j], m[i].val[j]);
	}
}

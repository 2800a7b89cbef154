/* views.h - how interfaces look: print (plain, detail, terse, as-value, JSON), monitor, export. */
#ifndef SSTP_VIEWS_H
#define SSTP_VIEWS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>

#include "schema.h"

/* The options are lang.h's LANG_O_* (detail, terse, json, show-sensitive ...). */

/* One interface as print shows it. */
struct view_item {
	int				 index;		/* number of this print */
	unsigned int			 id;		/* .id, shown as *1 */
	const struct iface_config	*cfg;
	int				 running;
};

/*
 * print: "Flags: X - disabled; R - running" then each item as RouterOS does
 * (wrapped before column 80); LANG_O_DETAIL every property, LANG_O_TERSE one
 * line per item, LANG_O_AS_VALUE ".id=*1;name=...", LANG_O_JSON an array,
 * LANG_O_COUNT_ONLY the number.  proplist (1 << P_*) narrows the properties;
 * 0 is the default set.  Passwords are masked unless LANG_O_SENSITIVE.
 */
void	view_print(struct evbuffer *out, const struct view_item *items,
	    size_t n, int opts, uint64_t proplist);

/*
 * export: "/interface sstp-client" then one "add ..." per interface with the
 * properties that differ from the defaults, sorted (LANG_O_VERBOSE: all of
 * them; LANG_O_TERSE: the menu path on every line; secrets only with
 * LANG_O_SENSITIVE).  Nothing when n is 0.  One line per command: the
 * daemon's loader and sstpctl replay it line by line.
 */
void	view_export(struct evbuffer *out, const struct iface_config *const *cfgs,
	    size_t n, int opts);

/* A monitor block: keys in order with their values. */
#define VIEW_MON_MAX	32
struct view_mon {
	size_t		 n;
	const char	*key[VIEW_MON_MAX];
	char		 val[VIEW_MON_MAX][288];
};

void	view_mon_add(struct view_mon *m, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * monitor: each block as "key: value" lines, keys right-aligned to one
 * column, blocks separated by a blank line; LANG_O_AS_VALUE one
 * "key=value;..." line per block, LANG_O_JSON an array of objects.
 */
void	view_monitor(struct evbuffer *out, const struct view_mon *m, size_t n,
	    int opts);

/* RouterOS duration: 0s, 45s, 1h45s, 2d3h4m5s, 1w2d. */
void	view_duration(char *buf, size_t size, unsigned long long seconds);

/* JSON string literal of s (with quotes) appended to out. */
void	view_json_string(struct evbuffer *out, const char *s);

#endif

/* exec.c - run command lines of the RouterOS-style language against the daemon's interfaces. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"
#include "iface.h"
#include "lang.h"
#include "views.h"

struct exec_ctx {
	int		 flags;		/* EXEC_* */
	int		 menu;		/* current menu */

	unsigned int	*last;		/* ids numbered by the last print */
	size_t		 nlast;
	int		 printed;	/* a print ran on this connection */

	unsigned int	*mon;		/* ids being monitored */
	size_t		 nmon;
	int		 mon_opts;
};

struct exec_ctx *
exec_ctx_new(int flags)
{
	struct exec_ctx	*ctx;

	if ((ctx = calloc(1, sizeof *ctx)) == NULL)
		return NULL;
	ctx->flags = flags;
	ctx->menu = MENU_ROOT;
	return ctx;
}

void
exec_ctx_free(struct exec_ctx *ctx)
{
	if (ctx == NULL)
		return;
	free(ctx->last);
	free(ctx->mon);
	free(ctx);
}

static struct iface *
by_id(unsigned int id)
{
	int	i;

	for (i = 0; i < iface_count(); i++) {
		if (iface_id(iface_at(i)) == id)
			return iface_at(i);
	}
	return NULL;
}

static int
is_running(struct iface *ifc)
{
	struct tunnel_status	st;

	memset(&st, 0, sizeof st);
	iface_status(ifc, &st);
	return st.state == TUN_CONNECTED;
}

/* Values an expression reads. */
static const char *
expr_get(void *arg, int key)
{
	struct iface	*ifc = arg;

	if (key == LANG_KEY_RUNNING)
		return is_running(ifc) ? "yes" : "no";
	return cfg_get(iface_config(ifc), key);
}

static int
add_unique(struct iface ***v, size_t *n, struct iface *ifc)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if ((*v)[i] == ifc)
			return 0;
	}
	if ((*v = realloc(*v, (*n + 1) * sizeof **v)) == NULL)
		return -1;
	(*v)[(*n)++] = ifc;
	return 0;
}

/*
 * The interfaces a command names: numbers of the last print (or of the list
 * when nothing was printed yet on this connection), names, or [find ...].
 */
static int
resolve_items(struct exec_ctx *ctx, const struct lang_cmd *cmd,
    struct iface ***out, size_t *nout, char **cause)
{
	struct iface	*ifc;
	size_t		 i;
	int		 k;
	long		 num;

	*out = NULL;
	*nout = 0;
	if (cmd->find != NULL) {
		for (k = 0; k < iface_count(); k++) {
			ifc = iface_at(k);
			if (lang_expr_eval(cmd->find, expr_get, ifc) &&
			    add_unique(out, nout, ifc) != 0)
				goto oom;
		}
		return 0;
	}
	for (i = 0; i < cmd->nitems; i++) {
		num = cmd->items[i].number;
		ifc = NULL;
		if (num < 0)
			ifc = iface_find(cmd->items[i].name);
		else if (ctx->printed) {
			if ((size_t)num < ctx->nlast)
				ifc = by_id(ctx->last[num]);
		} else if (num < iface_count())
			ifc = iface_at((int)num);
		if (ifc == NULL) {
			free(*out);
			*out = NULL;
			*nout = 0;
			return lang_errf(cause, cmd->items_col, "no such item");
		}
		if (add_unique(out, nout, ifc) != 0)
			goto oom;
	}
	return 0;
oom:
	free(*out);
	*out = NULL;
	return lang_errf(cause, 0, "out of memory");
}

static int
exec_add(const struct lang_cmd *cmd, char **cause)
{
	struct iface_config	cfg;
	int			i, ret;

	memset(&cfg, 0, sizeof cfg);
	for (i = 0; i < P__COUNT; i++) {
		if (cmd->val[i] != NULL)
			cfg_set(&cfg, i, cmd->val[i]);
	}
	ret = iface_add(&cfg, cause);
	cfg_clear(&cfg);
	return ret;
}

/* set / enable / disable: new values for each item, one iface_set each. */
static int
exec_set(const struct lang_cmd *cmd, struct iface **v, size_t n,
    char **cause)
{
	struct iface_config	cfg;
	size_t			i;
	int			id, ret = 0;

	if (n > 1 && cmd->given[P_NAME])
		return lang_errf(cause, 0, "name must be unique: cannot set it on "
		    "%zu items", n);
	for (i = 0; i < n && ret == 0; i++) {
		memset(&cfg, 0, sizeof cfg);
		cfg_copy(&cfg, iface_config(v[i]));
		for (id = 0; id < P__COUNT; id++) {
			if (cmd->given[id])
				cfg_set(&cfg, id, cmd->val[id]);
		}
		if (cmd->verb->id == VERB_ENABLE)
			cfg_set(&cfg, P_DISABLED, "no");
		else if (cmd->verb->id == VERB_DISABLE)
			cfg_set(&cfg, P_DISABLED, "yes");
		ret = iface_set(v[i], &cfg, cause);
		cfg_clear(&cfg);
	}
	return ret;
}

static int
exec_print(struct exec_ctx *ctx, const struct lang_cmd *cmd,
    struct evbuffer *out)
{
	struct view_item	*items;
	struct iface		*ifc;
	size_t			 n = 0;
	int			 i, count = iface_count();

	free(ctx->last);
	ctx->last = calloc(count + 1, sizeof *ctx->last);
	items = calloc(count + 1, sizeof *items);
	if (ctx->last == NULL || items == NULL) {
		free(items);
		ctx->nlast = 0;
		return -1;
	}
	ctx->printed = 1;
	ctx->nlast = (size_t)count;
	for (i = 0; i < count; i++) {
		ifc = iface_at(i);
		ctx->last[i] = iface_id(ifc);
		if (!lang_expr_eval(cmd->where, expr_get, ifc))
			continue;
		items[n].index = i;
		items[n].id = iface_id(ifc);
		items[n].cfg = iface_config(ifc);
		items[n].running = is_running(ifc);
		n++;
	}
	view_print(out, items, n, cmd->opts, cmd->proplist);
	free(items);
	return 0;
}

static void
fmt_time(char *buf, size_t size, time_t t)
{
	struct tm	tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, size, "never");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* One monitor block from the tunnel's status. */
static void
monitor_block(struct iface *ifc, struct view_mon *m, int with_name)
{
	struct tunnel_status	st;
	char			d[64];

	memset(&st, 0, sizeof st);
	memset(m, 0, sizeof *m);
	iface_status(ifc, &st);
	if (with_name)
		view_mon_add(m, "name", "%s",
		    cfg_get(iface_config(ifc), P_NAME));
	view_mon_add(m, "status", "%s", st.status != NULL ? st.status :
	    tunnel_state_name(st.state));
	if (st.state == TUN_CONNECTED) {
		view_duration(d, sizeof d, st.uptime_ms / 1000);
		view_mon_add(m, "uptime", "%s", d);
		view_duration(d, sizeof d, st.idle_ms / 1000);
		view_mon_add(m, "idle-time", "%s", d);
		view_mon_add(m, "user", "%s", st.user);
		view_mon_add(m, "caller-id", "%s", st.caller_id);
		view_mon_add(m, "mtu", "%u", st.mtu);
		view_mon_add(m, "mru", "%u", st.mru);
		view_mon_add(m, "encoding", "%s", st.encoding);
		view_mon_add(m, "local-address", "%s", st.local_address);
		view_mon_add(m, "remote-address", "%s", st.remote_address);
		if (st.local_ipv6[0] != '\0')
			view_mon_add(m, "local-ipv6-address", "%s",
			    st.local_ipv6);
		if (st.remote_ipv6[0] != '\0')
			view_mon_add(m, "remote-ipv6-address", "%s",
			    st.remote_ipv6);
		if (st.ppp_engine != NULL)
			view_mon_add(m, "ppp-engine", "%s", st.ppp_engine);
	}
	view_mon_add(m, "rx-byte", "%llu", st.rx_bytes);
	view_mon_add(m, "tx-byte", "%llu", st.tx_bytes);
	view_mon_add(m, "rx-packet", "%llu", st.rx_packets);
	view_mon_add(m, "tx-packet", "%llu", st.tx_packets);
	fmt_time(d, sizeof d, st.last_link_down);
	view_mon_add(m, "last-link-down-time", "%s", d);
	if (st.last_disconnect_reason[0] != '\0')
		view_mon_add(m, "last-disconnect-reason", "%s",
		    st.last_disconnect_reason);
	if (st.route_error[0] != '\0')
		view_mon_add(m, "route-error", "%s", st.route_error);
	view_mon_add(m, "link-downs", "%u", st.link_downs);
}

void
exec_stream_render(struct exec_ctx *ctx, struct evbuffer *out)
{
	struct view_mon	*m;
	struct iface	*ifc;
	size_t		 i, n = 0;

	if ((m = calloc(ctx->nmon + 1, sizeof *m)) == NULL)
		return;
	for (i = 0; i < ctx->nmon; i++) {
		if ((ifc = by_id(ctx->mon[i])) == NULL) {
			memset(&m[n], 0, sizeof m[n]);
			view_mon_add(&m[n++], "status", "removed");
			continue;
		}
		monitor_block(ifc, &m[n++], ctx->nmon > 1);
	}
	view_monitor(out, m, n, ctx->mon_opts);
	free(m);
}

void
exec_stream_end(struct exec_ctx *ctx)
{
	free(ctx->mon);
	ctx->mon = NULL;
	ctx->nmon = 0;
}

static int
exec_monitor(struct exec_ctx *ctx, const struct lang_cmd *cmd,
    struct iface **v, size_t n, struct evbuffer *out)
{
	size_t	i;

	exec_stream_end(ctx);
	if ((ctx->mon = calloc(n + 1, sizeof *ctx->mon)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		ctx->mon[i] = iface_id(v[i]);
	ctx->nmon = n;
	ctx->mon_opts = cmd->opts;
	exec_stream_render(ctx, out);
	if (cmd->opts & LANG_O_ONCE) {
		exec_stream_end(ctx);
		return 0;
	}
	return 1;
}

static void
exec_export(const struct lang_cmd *cmd, struct evbuffer *out)
{
	const struct iface_config	**cfgs;
	int				  i, n = iface_count();

	if ((cfgs = calloc(n + 1, sizeof *cfgs)) == NULL)
		return;
	for (i = 0; i < n; i++)
		cfgs[i] = iface_config(iface_at(i));
	view_export(out, cfgs, (size_t)n, cmd->opts);
	free(cfgs);
}

int
exec_line(struct exec_ctx *ctx, const char *line, struct evbuffer *out,
    char **cause)
{
	struct lang_cmd	 *cmd;
	struct iface	**v = NULL;
	size_t		  n = 0;
	int		  ret = 0;

	*cause = NULL;
	if ((cmd = lang_parse(ctx->menu, line, cause)) == NULL)
		return -1;
	if (cmd->verb == NULL) {
		ctx->menu = cmd->new_menu;
		goto out;
	}
	if ((ctx->flags & EXEC_READONLY) &&
	    (!(cmd->verb->flags & LANG_VF_READONLY) ||
	    (cmd->opts & LANG_O_SENSITIVE))) {
		ret = lang_errf(cause, 0, "permission denied: this session may "
		    "only print, monitor and export without secrets");
		goto out;
	}
	if ((cmd->verb->flags & LANG_VF_ITEMS) &&
	    (ret = resolve_items(ctx, cmd, &v, &n, cause)) != 0)
		goto out;
	switch (cmd->verb->id) {
	case VERB_ADD:
		ret = exec_add(cmd, cause);
		break;
	case VERB_SET:
	case VERB_ENABLE:
	case VERB_DISABLE:
		ret = exec_set(cmd, v, n, cause);
		break;
	case VERB_REMOVE:
		for (size_t i = 0; i < n && ret == 0; i++)
			ret = iface_remove(v[i], cause);
		break;
	case VERB_PRINT:
		if (exec_print(ctx, cmd, out) != 0)
			ret = lang_errf(cause, 0, "out of memory");
		break;
	case VERB_MONITOR:
		if (n == 0) {
			ret = lang_errf(cause, cmd->items_col, "no such item");
			break;
		}
		ret = exec_monitor(ctx, cmd, v, n, out);
		if (ret < 0)
			ret = lang_errf(cause, 0, "out of memory");
		break;
	case VERB_EXPORT:
		exec_export(cmd, out);
		break;
	case VERB__COUNT:
		break;
	}
	if (ret < 0 && *cause == NULL)
		lang_errf(cause, 0, "failed");
out:
	free(v);
	lang_cmd_free(cmd);
	return ret;
}

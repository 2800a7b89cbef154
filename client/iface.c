/* iface.c - the daemon's ordered list of sstp-client interfaces: config, tunnel, saving. */
#include "config.h"

#include <sys/queue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "iface.h"
#include "lang.h"
#include "cause.h"
#include "log.h"
#include "netif.h"
#include "store.h"
#include "views.h"

struct iface {
	unsigned int		 id;
	struct iface_config	 cfg;
	struct tunnel		*tunnel;
	TAILQ_ENTRY(iface)	 entry;
};

static TAILQ_HEAD(, iface) iface_list = TAILQ_HEAD_INITIALIZER(iface_list);
static int iface_n;
static unsigned int iface_next_id = 1;
static struct event_base *iface_base;
static char *iface_path;
static int iface_suspended;
static void (*iface_change_cb)(void *, struct iface *);
static void *iface_change_arg;

void
iface_init(struct event_base *base, const char *config_path)
{
	iface_base = base;
	free(iface_path);
	iface_path = config_path != NULL ? strdup(config_path) : NULL;
}

static void
iface_tunnel_cb(void *arg, struct tunnel *t)
{
	struct iface *ifc = arg;

	if (iface_change_cb != NULL)
		iface_change_cb(iface_change_arg, ifc);
}

void
iface_set_change_cb(void (*cb)(void *arg, struct iface *ifc), void *arg)
{
	iface_change_cb = cb;
	iface_change_arg = arg;
}

static void
iface_destroy(struct iface *ifc)
{
	TAILQ_REMOVE(&iface_list, ifc, entry);
	iface_n--;
	tunnel_free(ifc->tunnel);
	cfg_clear(&ifc->cfg);
	free(ifc);
}

void
iface_shutdown(void)
{
	struct iface *ifc;

	while ((ifc = TAILQ_FIRST(&iface_list)) != NULL) {
		log_info("%s: shutting down", cfg_get(&ifc->cfg, P_NAME));
		iface_destroy(ifc);
	}
}

int
iface_quiesce(void)
{
	struct iface *ifc;
	int busy = 0;

	TAILQ_FOREACH(ifc, &iface_list, entry) {
		if (ifc->tunnel == NULL)
			continue;
		tunnel_shutdown(ifc->tunnel);
		if (!tunnel_quiet(ifc->tunnel))
			busy++;
	}
	return busy;
}

int
iface_count(void)
{
	return iface_n;
}

struct iface *
iface_at(int i)
{
	struct iface *ifc;

	if (i < 0)
		return NULL;
	TAILQ_FOREACH(ifc, &iface_list, entry) {
		if (i-- == 0)
			return ifc;
	}
	return NULL;
}

struct iface *
iface_find(const char *name)
{
	struct iface *ifc;

	TAILQ_FOREACH(ifc, &iface_list, entry) {
		if (strcmp(cfg_get(&ifc->cfg, P_NAME), name) == 0)
			return ifc;
	}
	return NULL;
}

unsigned int
iface_id(const struct iface *ifc)
{
	return ifc->id;
}

const struct iface_config *
iface_config(const struct iface *ifc)
{
	return &ifc->cfg;
}

void
iface_status(struct iface *ifc, struct tunnel_status *st)
{
	if (ifc->tunnel != NULL) {
		tunnel_status(ifc->tunnel, st);
		return;
	}
	memset(st, 0, sizeof *st);
	st->state = cfg_bool(&ifc->cfg, P_DISABLED) ? TUN_DISABLED :
	    TUN_WAITING;
	st->status = tunnel_state_name(st->state);
	snprintf(st->ifname, sizeof st->ifname, "%s",
	    cfg_get(&ifc->cfg, P_NAME));
	st->ppp_engine = "";
}

/* Check what one interface's configuration needs, against the others. */
static int
iface_validate(const struct iface *self, const struct iface_config *cfg,
    char **cause)
{
	const char *name = cfg_get(cfg, P_NAME);
	struct iface *o;
	int id;

	if (*name == '\0') {
		cause_set(cause, "name is empty");
		return -1;
	}
	TAILQ_FOREACH(o, &iface_list, entry) {
		if (o != self && strcmp(cfg_get(&o->cfg, P_NAME), name) == 0) {
			cause_set(cause, "an interface named %s already exists",
			    name);
			return -1;
		}
	}
	if (cfg_bool(cfg, P_DISABLED))
		return 0;
	for (id = 0; id < P__COUNT; id++) {
		if ((prop_table[id].flags & PF_REQUIRED) &&
		    *cfg_get(cfg, id) == '\0') {
			cause_set(cause, "%s must be set to enable %s",
			    prop_table[id].name, name);
			return -1;
		}
	}
	return 0;
}

/* Save unless replaying; a failure to save is the caller's error. */
static int
iface_autosave(char **cause)
{
	if (iface_suspended || iface_path == NULL)
		return 0;
	return iface_save(cause);
}

static void
iface_start(struct iface *ifc)
{
	if (ifc->tunnel == NULL && !iface_suspended)
		ifc->tunnel = tunnel_new(iface_base, &ifc->cfg, iface_tunnel_cb,
		    ifc);
}

int
iface_add(const struct iface_config *cfg, char **cause)
{
	struct iface *ifc;
	char name[32];
	int n;

	if ((ifc = calloc(1, sizeof *ifc)) == NULL) {
		cause_set(cause, "out of memory");
		return -1;
	}
	cfg_copy(&ifc->cfg, cfg);
	if (*cfg_get(&ifc->cfg, P_NAME) == '\0') {
		for (n = 1; n < 100000; n++) {
			snprintf(name, sizeof name, "sstp-out%d", n);
			if (iface_find(name) == NULL)
				break;
		}
		cfg_set(&ifc->cfg, P_NAME, name);
	}
	if (iface_validate(NULL, &ifc->cfg, cause) != 0) {
		cfg_clear(&ifc->cfg);
		free(ifc);
		return -1;
	}
	ifc->id = iface_next_id++;
	TAILQ_INSERT_TAIL(&iface_list, ifc, entry);
	iface_n++;
	log_info("%s: added id=*%X disabled=%s", cfg_get(&ifc->cfg, P_NAME),
	    ifc->id, cfg_get(&ifc->cfg, P_DISABLED));
	iface_start(ifc);
	return iface_autosave(cause);
}

int
iface_set(struct iface *ifc, const struct iface_config *cfg, char **cause)
{
	if (iface_validate(ifc, cfg, cause) != 0)
		return -1;
	if (strcmp(cfg_get(&ifc->cfg, P_NAME), cfg_get(cfg, P_NAME)) != 0) {
		log_info("%s: renamed to %s", cfg_get(&ifc->cfg, P_NAME),
		    cfg_get(cfg, P_NAME));
	}
	cfg_clear(&ifc->cfg);
	cfg_copy(&ifc->cfg, cfg);
	if (ifc->tunnel != NULL)
		tunnel_reconfigure(ifc->tunnel, &ifc->cfg);
	else
		iface_start(ifc);
	if (iface_change_cb != NULL)
		iface_change_cb(iface_change_arg, ifc);
	return iface_autosave(cause);
}

int
iface_remove(struct iface *ifc, char **cause)
{
	log_info("%s: removed", cfg_get(&ifc->cfg, P_NAME));
	iface_destroy(ifc);
	return iface_autosave(cause);
}

/*
 * Once, before the first tunnel starts: what a daemon killed with SIGKILL
 * left behind.  Routes are recognised by their protocol (every route sstpcd
 * adds has NETIF_RTPROT_SSTPCD) and only this network namespace is touched;
 * resolvconf records only for the names of our interfaces.  One sstpcd per
 * network namespace is assumed.
 */
static void
iface_clean_stale(void)
{
	static int done;
	struct iface *ifc;
	char *cause = NULL;
	int n;

	if (done)
		return;
	done = 1;
	if ((n = netif_routes_purge_stale(&cause)) < 0)
		log_warn("stale routes not removed: %s", cause != NULL ?
		    cause : "failed");
	else if (n > 0)
		log_info("removed %d stale route(s) of an earlier sstpcd", n);
	free(cause);
	TAILQ_FOREACH(ifc, &iface_list, entry)
		netif_dns_clear_stale(cfg_get(&ifc->cfg, P_NAME));
}

void
iface_suspend_save(int on)
{
	struct iface *ifc;

	iface_suspended = on;
	if (on)
		return;
	iface_clean_stale();
	/* Replay over: the interfaces start now, all at once. */
	TAILQ_FOREACH(ifc, &iface_list, entry)
		iface_start(ifc);
}

/* The configuration as a script for the executor: export with secrets. */
static int
iface_export(struct evbuffer *out)
{
	const struct iface_config **cfgs;
	struct iface *ifc;
	size_t n = 0;

	evbuffer_add_printf(out, "# sstpcd %s configuration: written by "
	    "sstpcd on every change; change it with sstpctl\n",
	    PACKAGE_VERSION);
	if ((cfgs = calloc((size_t)iface_n + 1, sizeof *cfgs)) == NULL)
		return -1;
	TAILQ_FOREACH(ifc, &iface_list, entry)
		cfgs[n++] = &ifc->cfg;
	view_export(out, cfgs, n, LANG_O_SENSITIVE);
	free(cfgs);
	return 0;
}

int
iface_save(char **cause)
{
	struct evbuffer *out;
	int ret;

	if (iface_path == NULL)
		return 0;
	if ((out = evbuffer_new()) == NULL) {
		cause_set(cause, "out of memory");
		return -1;
	}
	if (iface_export(out) != 0) {
		evbuffer_free(out);
		cause_set(cause, "out of memory");
		return -1;
	}
	ret = store_write(iface_path, (const char *)evbuffer_pullup(out, -1),
	    evbuffer_get_length(out), cause);
	evbuffer_free(out);
	if (ret != 0) {
		log_err("config: not saved: %s",
		    cause != NULL && *cause != NULL ? *cause : "?");
		return -1;
	}
	log_debug("config: saved path=%s interfaces=%d", iface_path, iface_n);
	return 0;
}

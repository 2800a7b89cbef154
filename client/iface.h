/* iface.h - the daemon's ordered list of sstp-client interfaces (config + tunnel). */
#ifndef SSTP_IFACE_H
#define SSTP_IFACE_H

#include "schema.h"
#include "tunnel.h"

struct iface;

/* Start-up: the event base tunnels run on, and the file changes are saved to. */
void	iface_init(struct event_base *base, const char *config_path);
/* Tear every tunnel down (daemon exit). */
void	iface_shutdown(void);
/* Begin an orderly stop of every tunnel; returns how many still run. */
int	iface_quiesce(void);

/* Interfaces in creation order; index 0..iface_count()-1. */
int	iface_count(void);
struct iface *iface_at(int i);
struct iface *iface_find(const char *name);
/* A stable id (RouterOS's ".id", printed as *1, *2 ...). */
unsigned int iface_id(const struct iface *ifc);
const struct iface_config *iface_config(const struct iface *ifc);
void	iface_status(struct iface *ifc, struct tunnel_status *st);

/*
 * Changes.  Each validates (unique name, required properties when enabled),
 * applies at once (starting, reconfiguring or stopping the tunnel) and saves
 * the whole configuration atomically unless saving is suspended.  0, or -1
 * with a malloc'ed reason in *cause.  An unset name gets sstp-outN.
 */
int	iface_add(const struct iface_config *cfg, char **cause);
int	iface_set(struct iface *ifc, const struct iface_config *cfg, char **cause);
int	iface_remove(struct iface *ifc, char **cause);

/* While replaying the saved file at start-up, do not write it back. */
void	iface_suspend_save(int on);
/* Write the configuration file now (export format, show-sensitive). */
int	iface_save(char **cause);

/* Called on every tunnel state change, for monitor subscribers. */
void	iface_set_change_cb(void (*cb)(void *arg, struct iface *ifc), void *arg);

#endif

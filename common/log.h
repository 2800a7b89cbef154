/* log.h - one-line-per-event logging to stderr or syslog. */
#ifndef SSTP_LOG_H
#define SSTP_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE		/* hex dumps of packets */
};

/* Where logs go: stderr (the default, with a timestamp) or syslog. */
void	log_open(const char *ident, int use_syslog, enum log_level level);
void	log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* One line per call; a trailing newline is added. Never pass secrets. */
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Hex dump at LOG_LVL_TRACE only; 'what' names the buffer. */
void	log_hex(const char *what, const uint8_t *buf, size_t len);

#endif

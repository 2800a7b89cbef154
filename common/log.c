/* log.c - one-line-per-event logging to stderr or syslog. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/time.h>

#include "log.h"

static int log_syslog;
static enum log_level log_level = LOG_LVL_INFO;

void
log_open(const char *ident, int use_syslog, enum log_level level)
{
	log_syslog = use_syslog;
	log_level = level;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG,
	    LOG_DEBUG };
	static const char *const tag[] = { "error", "warning", "info", "debug",
	    "trace" };
	char line[2048];
	struct timeval tv;
	struct tm tm;

	if (level > log_level)
		return;
	vsnprintf(line, sizeof line, fmt, ap);
	if (log_syslog) {
		syslog(prio[level], "%s", line);
		return;
	}
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03d %s: %s\n", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (int)(tv.tv_usec / 1000), tag[level], line);
}

static void __attribute__((format(printf, 2, 3)))
log_write(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

#define LOG_FN(fn, lvl)						\
void									\
fn(const char *fmt, ...)						\
{									\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vwrite(lvl, fmt, ap);					\
	va_end(ap);							\
}
LOG_FN(log_err, LOG_LVL_ERR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

void
log_hex(const char *what, const uint8_t *buf, size_t len)
{
	char line[16 * 3 + 1];
	size_t i, off;

	if (log_level < LOG_LVL_TRACE)
		return;
	for (off = 0; off < len; off += 16) {
		line[0] = '\0';
		for (i = off; i < len && i < off + 16; i++)
			snprintf(line + (i - off) * 3, 4, "%02x ", buf[i]);
		log_write(LOG_LVL_TRACE, "%s %04zx: %s", what, off, line);
	}
}

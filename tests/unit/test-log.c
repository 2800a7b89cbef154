/* test-log.c - the log level filter. */
#include "config.h"

#include "log.h"
#include "t.h"

int
main(void)
{
	log_open("test", 0, LOG_LVL_WARN);
	T_EQ_INT(log_get_level(), LOG_LVL_WARN);
	log_set_level(LOG_LVL_DEBUG);
	T_EQ_INT(log_get_level(), LOG_LVL_DEBUG);
	log_info("a line at info");
	T_DONE();
}

/* cause.h - the readable reason strings errors carry back to the user. */
#ifndef SSTP_CAUSE_H
#define SSTP_CAUSE_H

/*
 * Set *cause to a malloc'ed formatted sentence the caller frees; nothing
 * when cause is NULL, and *cause = NULL when memory runs out.
 */
void	cause_set(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

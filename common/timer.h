/* timer.h - one-shot timers for state machines, on the daemon's libevent base. */
#ifndef SSTP_TIMER_H
#define SSTP_TIMER_H

#include <event2/event.h>
#include <event2/event_struct.h>

/*
 * A timer is embedded in its owner (struct fsm, struct sstp_session ...).
 * timer_init() once, then timer_start()/timer_stop() any number of times;
 * timer_stop() before freeing the owner.  Callbacks run from the event loop.
 */
struct timer {
	struct event	 ev;
	void		(*cb)(void *);
	void		*arg;
	int		 initialised;
};

/* The event base every timer uses; set once at start-up (and by tests). */
void	timer_set_base(struct event_base *base);
struct event_base *timer_get_base(void);

void	timer_init(struct timer *t, void (*cb)(void *), void *arg);
/* (Re)arm for 'ms' milliseconds from now. */
void	timer_start(struct timer *t, unsigned int ms);
void	timer_stop(struct timer *t);
int	timer_pending(const struct timer *t);

/* Monotonic clock in milliseconds, and wall clock in seconds. */
unsigned long long timer_now_ms(void);

#endif

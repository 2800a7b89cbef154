/* timer.c - one-shot timers for state machines, on the daemon's libevent base. */
#include "config.h"

#include <time.h>

#include "timer.h"

static struct event_base *timer_base;

void
timer_set_base(struct event_base *base)
{
	timer_base = base;
}

struct event_base *
timer_get_base(void)
{
	return timer_base;
}

static void
timer_fire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timer *t = arg;

	t->cb(t->arg);
}

void
timer_init(struct timer *t, void (*cb)(void *), void *arg)
{
	t->cb = cb;
	t->arg = arg;
	evtimer_assign(&t->ev, timer_base, timer_fire_cb, t);
	t->initialised = 1;
}

void
timer_start(struct timer *t, unsigned int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(&t->ev, &tv);
}

void
timer_stop(struct timer *t)
{
	if (t->initialised)
		evtimer_del(&t->ev);
}

int
timer_pending(const struct timer *t)
{
	return t->initialised && evtimer_pending((struct event *)&t->ev, NULL);
}

unsigned long long
timer_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

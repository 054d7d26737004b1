/*
 * The engine's event loop: one epoll instance and a timer heap.
 *
 * Every file descriptor is registered with a handler object; the loop calls
 * handler->fn(handler, events).  Timers are one-shot and cancellable; a
 * handler that frees its object must cancel its timers first.
 */
#ifndef HS_EVLOOP_H
#define HS_EVLOOP_H

#include <stdint.h>
#include <sys/epoll.h>

struct hs_ev_handler
{
    void (*fn)(struct hs_ev_handler *h, uint32_t events);
};

struct hs_timer
{
    uint64_t deadline_ms;
    void (*fn)(struct hs_timer *t);
    uint32_t heap_index;             /* 0 when not armed */
};

struct hs_evloop;

struct hs_evloop *hs_evloop_new(void);
void hs_evloop_free(struct hs_evloop *loop);
int  hs_ev_add(struct hs_evloop *loop, int fd, uint32_t events, struct hs_ev_handler *h);
int  hs_ev_mod(struct hs_evloop *loop, int fd, uint32_t events, struct hs_ev_handler *h);
/* Stops watching fd.  Events for h already fetched in the current batch are
 * dropped, so h may be freed right after this call. */
void hs_ev_del(struct hs_evloop *loop, int fd, struct hs_ev_handler *h);

uint64_t hs_now_ms(void);
void hs_timer_arm(struct hs_evloop *loop, struct hs_timer *t, uint64_t delay_ms);
void hs_timer_cancel(struct hs_evloop *loop, struct hs_timer *t);

/* Runs timers that are due and waits for events for at most the time to the
 * next timer (or max_wait_ms, -1 = no limit).  Returns the number of events
 * handled, or -1 on a fatal epoll error. */
int hs_evloop_run_once(struct hs_evloop *loop, int max_wait_ms);

#endif

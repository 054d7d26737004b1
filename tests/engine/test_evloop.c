/* The event loop: timers in order, cancellation, and a handler that frees
 * another one whose event is in the same batch. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "evloop.h"

struct watcher
{
    struct hs_ev_handler ev;
    struct hs_evloop *loop;
    int fd, calls;
    struct watcher *victim;          /* freed by this one's handler */
};

static int victim_calls;

static void victim_fn(struct hs_ev_handler *h, uint32_t events)
{
    (void)h; (void)events;
    victim_calls++;
}

static void killer_fn(struct hs_ev_handler *h, uint32_t events)
{
    struct watcher *w = (struct watcher *)h;
    (void)events;
    w->calls++;
    if (w->victim)
    {
        hs_ev_del(w->loop, w->victim->fd, &w->victim->ev);
        free(w->victim);
        w->victim = NULL;
    }
}

static void test_delete_in_batch(void)
{
    struct hs_evloop *loop = hs_evloop_new();
    struct watcher *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
    int pa[2], pb[2], i;

    CHECK(pipe(pa) == 0 && pipe(pb) == 0);
    a->ev.fn = killer_fn; a->loop = loop; a->fd = pa[0];
    b->ev.fn = victim_fn; b->loop = loop; b->fd = pb[0];
    /* whichever comes first in the batch, the other must not run after being freed */
    a->victim = b;
    CHECK_INT(hs_ev_add(loop, pa[0], EPOLLIN, &a->ev), 0);
    CHECK_INT(hs_ev_add(loop, pb[0], EPOLLIN, &b->ev), 0);
    CHECK_INT(write(pa[1], "x", 1), 1);
    CHECK_INT(write(pb[1], "x", 1), 1);
    for (i = 0; i < 3; i++) hs_evloop_run_once(loop, 10);
    CHECK(a->calls >= 1);
    CHECK(victim_calls <= 1);          /* at most once: before it was freed, if it came first */
    CHECK(a->victim == NULL);
    close(pa[0]); close(pa[1]); close(pb[0]); close(pb[1]);
    free(a);
    hs_evloop_free(loop);
}

static int fired[4], order_len;
static int order[4];

static void timer_fn(struct hs_timer *t)
{
    extern struct hs_timer timers[4];
    int idx = (int)(t - timers);
    fired[idx]++;
    order[order_len++] = idx;
}

struct hs_timer timers[4];

static void test_timers(void)
{
    struct hs_evloop *loop = hs_evloop_new();
    uint64_t start = hs_now_ms();
    int i;

    for (i = 0; i < 4; i++) timers[i].fn = timer_fn;
    hs_timer_arm(loop, &timers[0], 30);
    hs_timer_arm(loop, &timers[1], 10);
    hs_timer_arm(loop, &timers[2], 20);
    hs_timer_arm(loop, &timers[3], 15);
    hs_timer_cancel(loop, &timers[3]);
    hs_timer_arm(loop, &timers[2], 5);     /* re-arming moves it */
    while (hs_now_ms() - start < 100 && order_len < 3) hs_evloop_run_once(loop, 50);
    CHECK_INT(order_len, 3);
    CHECK_INT(order[0], 2);
    CHECK_INT(order[1], 1);
    CHECK_INT(order[2], 0);
    CHECK_INT(fired[3], 0);
    hs_evloop_free(loop);
}

int main(void)
{
    test_delete_in_batch();
    test_timers();
    return unit_report();
}

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "evloop.h"

struct hs_evloop
{
    int epfd;
    struct epoll_event *batch;       /* events being handled, while in hs_evloop_run_once */
    int batch_next, batch_len;
    struct hs_timer **heap;          /* 1-based binary min-heap on deadline */
    uint32_t heap_len, heap_cap;
};

uint64_t hs_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct hs_evloop *hs_evloop_new(void)
{
    struct hs_evloop *loop = calloc(1, sizeof(*loop));

    if (!loop) return NULL;
    if ((loop->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
    {
        free(loop);
        return NULL;
    }
    return loop;
}

void hs_evloop_free(struct hs_evloop *loop)
{
    if (!loop) return;
    close(loop->epfd);
    free(loop->heap);
    free(loop);
}

int hs_ev_add(struct hs_evloop *loop, int fd, uint32_t events, struct hs_ev_handler *h)
{
    struct epoll_event ev = { .events = events, .data.ptr = h };
    return epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int hs_ev_mod(struct hs_evloop *loop, int fd, uint32_t events, struct hs_ev_handler *h)
{
    struct epoll_event ev = { .events = events, .data.ptr = h };
    return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void hs_ev_del(struct hs_evloop *loop, int fd, struct hs_ev_handler *h)
{
    int i;

    epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
    for (i = loop->batch_next; i < loop->batch_len; i++)
        if (loop->batch[i].data.ptr == h) loop->batch[i].data.ptr = NULL;
}

static void heap_set(struct hs_evloop *loop, uint32_t i, struct hs_timer *t)
{
    loop->heap[i] = t;
    t->heap_index = i;
}

static void heap_up(struct hs_evloop *loop, uint32_t i)
{
    struct hs_timer *t = loop->heap[i];

    while (i > 1 && loop->heap[i / 2]->deadline_ms > t->deadline_ms)
    {
        heap_set(loop, i, loop->heap[i / 2]);
        i /= 2;
    }
    heap_set(loop, i, t);
}

static void heap_down(struct hs_evloop *loop, uint32_t i)
{
    struct hs_timer *t = loop->heap[i];

    for (;;)
    {
        uint32_t child = i * 2;
        if (child > loop->heap_len) break;
        if (child < loop->heap_len && loop->heap[child + 1]->deadline_ms < loop->heap[child]->deadline_ms) child++;
        if (loop->heap[child]->deadline_ms >= t->deadline_ms) break;
        heap_set(loop, i, loop->heap[child]);
        i = child;
    }
    heap_set(loop, i, t);
}

void hs_timer_cancel(struct hs_evloop *loop, struct hs_timer *t)
{
    uint32_t i = t->heap_index;

    if (!i) return;
    t->heap_index = 0;
    if (i != loop->heap_len)
    {
        struct hs_timer *moved = loop->heap[loop->heap_len];
        heap_set(loop, i, moved);
        loop->heap_len--;
        heap_up(loop, i);
        heap_down(loop, moved->heap_index);
    }
    else loop->heap_len--;
}

void hs_timer_arm(struct hs_evloop *loop, struct hs_timer *t, uint64_t delay_ms)
{
    hs_timer_cancel(loop, t);
    if (loop->heap_len + 1 >= loop->heap_cap)
    {
        uint32_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
        struct hs_timer **heap = realloc(loop->heap, cap * sizeof(*heap));
        if (!heap) abort();   /* out of memory for a timer: nothing sane to do */
        loop->heap = heap;
        loop->heap_cap = cap;
    }
    t->deadline_ms = hs_now_ms() + delay_ms;
    loop->heap_len++;
    heap_set(loop, loop->heap_len, t);
    heap_up(loop, loop->heap_len);
}

static void run_due_timers(struct hs_evloop *loop)
{
    uint64_t now = hs_now_ms();

    while (loop->heap_len && loop->heap[1]->deadline_ms <= now)
    {
        struct hs_timer *t = loop->heap[1];
        hs_timer_cancel(loop, t);
        t->fn(t);
    }
}

int hs_evloop_run_once(struct hs_evloop *loop, int max_wait_ms)
{
    struct epoll_event events[64];
    int n, i, wait_ms = max_wait_ms;

    run_due_timers(loop);
    if (loop->heap_len)
    {
        uint64_t now = hs_now_ms(), next = loop->heap[1]->deadline_ms;
        int until = next > now ? (int)(next - now) : 0;
        if (wait_ms < 0 || until < wait_ms) wait_ms = until;
    }
    n = epoll_wait(loop->epfd, events, 64, wait_ms);
    if (n < 0) return errno == EINTR ? 0 : -1;
    loop->batch = events;
    loop->batch_len = n;
    for (i = 0; i < n; i++)
    {
        struct hs_ev_handler *h = events[i].data.ptr;
        loop->batch_next = i + 1;
        if (h) h->fn(h, events[i].events);   /* NULL: its owner went away in this batch */
    }
    loop->batch = NULL;
    loop->batch_len = loop->batch_next = 0;
    run_due_timers(loop);
    return n;
}

#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "engine.h"
#include "conn.h"
#include "conntable.h"

#define QUANTUM_MIN 256
#define QUANTUM_MAX 16384

void hs_rate_set(struct hs_rate *r, uint32_t rate, uint64_t now_ms)
{
    r->rate = rate;
    r->tokens = rate;
    r->stamp_ms = now_ms;
}

int hs_rate_ready(struct hs_rate *r, uint64_t now_ms)
{
    uint64_t elapsed;
    int64_t add;

    if (!r->rate) return 1;
    if (now_ms > r->stamp_ms)
    {
        /* debt is at most one quantum, no more than a second's worth: two
         * seconds fill any bucket, and keep the product small */
        elapsed = now_ms - r->stamp_ms;
        if (elapsed > 2000) elapsed = 2000;
        add = (int64_t)(elapsed * r->rate / 1000);
        if (add)
        {
            r->tokens += add;
            /* an idle group saves up no more than a second's worth */
            if (r->tokens > (int64_t)r->rate) r->tokens = r->rate;
            r->stamp_ms = now_ms;
        }
    }
    return r->tokens > 0;
}

void hs_rate_spend(struct hs_rate *r, uint64_t bytes)
{
    if (r->rate) r->tokens -= (int64_t)bytes;
}

uint64_t hs_rate_delay_ms(const struct hs_rate *r)
{
    uint64_t need, ms;

    if (!r->rate || r->tokens > 0) return 1;
    need = (uint64_t)(1 - r->tokens);
    ms = (need * 1000 + r->rate - 1) / r->rate;
    return ms ? ms : 1;
}

size_t hs_rate_quantum(const struct hs_rate *r)
{
    size_t q;

    if (!r->rate) return (size_t)-1;
    q = r->rate / 8;
    if (q < QUANTUM_MIN) q = QUANTUM_MIN;
    if (q > QUANTUM_MAX) q = QUANTUM_MAX;
    return q;
}

/* ------------------------------------------------------------------------ */

static void resume_waiting(struct hs_throttle *t)
{
    uint64_t *ids = t->waiting;
    uint32_t i, n = t->count;

    /* a connection that goes on may come back to wait: it joins a new list */
    t->waiting = NULL;
    t->count = t->cap = 0;
    for (i = 0; i < n; i++)
    {
        struct hs_conn *c = hs_conn_table_find(t->eng, ids[i]);
        if (c) hs_conn_unthrottle(c);
    }
    free(ids);
}

static void tokens_due(struct hs_timer *timer)
{
    resume_waiting(HS_CONTAINER(timer, struct hs_throttle, timer));
}

void hs_throttle_init(struct hs_throttle *t, struct hs_engine *eng)
{
    memset(t, 0, sizeof(*t));
    t->eng = eng;
    t->timer.fn = tokens_due;
}

void hs_throttle_set(struct hs_throttle *t, uint32_t rate)
{
    hs_rate_set(&t->rate, rate, hs_now_ms());
    hs_timer_cancel(t->eng->loop, &t->timer);
    resume_waiting(t);
}

int hs_throttle_wait(struct hs_throttle *t, uint64_t conn_id)
{
    uint32_t i;

    for (i = 0; i < t->count; i++) if (t->waiting[i] == conn_id) break;
    if (i == t->count)
    {
        if (t->count == t->cap)
        {
            uint32_t cap = t->cap ? t->cap * 2 : 8;
            uint64_t *ids = realloc(t->waiting, cap * sizeof(*ids));
            if (!ids) return -1;
            t->waiting = ids;
            t->cap = cap;
        }
        t->waiting[t->count++] = conn_id;
    }
    if (!t->timer.heap_index) hs_timer_arm(t->eng->loop, &t->timer, hs_rate_delay_ms(&t->rate));
    return 0;
}

void hs_throttle_release(struct hs_throttle *t)
{
    if (!t->eng) return;
    t->rate.rate = 0;   /* nobody waits here again */
    hs_timer_cancel(t->eng->loop, &t->timer);
    resume_waiting(t);
}

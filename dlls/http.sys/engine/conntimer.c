/*
 * Connection timers.  The values come from the URL group the connection's
 * latest request went to (HttpServerTimeoutsProperty of the group, else of
 * its session), then from the configuration store (netsh http add timeout:
 * IdleConnection and HeaderWait), then Windows' defaults: 120 s each and
 * 150 bytes per second.  A connection that no request has reached yet has
 * only the service's values, as Windows documents for the application's
 * IdleConnection and HeaderWait.  Above them all, IdleConnection is the
 * connection's own once a request set its
 * HttpRequestPropertyTransportIdleConnectionTimeout.
 *
 * No timer runs while the application holds a request and owes nothing to
 * the client (it may think as long as it likes), nor on a connection
 * upgraded with OPAQUE, nor while a bandwidth limit holds the response back.
 */
#include <string.h>

#include "conntimer.h"
#include "conn.h"
#include "queue.h"
#include "request.h"
#include "urlgroup.h"
#include "errlog.h"
#include "log.h"

#define DEFAULT_TIMEOUT_S     120
#define DEFAULT_MIN_SEND_RATE 150
#define NO_SEND_RATE          0xffffffffu
#define MIN_SEND_WAIT_MS      1000

enum phase { PH_NONE, PH_IDLE, PH_HEADER_WAIT, PH_REQUEST_QUEUE, PH_ENTITY_BODY, PH_DRAIN, PH_SEND };

static const char *const phase_name[] =
{
    "none", "Timer_ConnectionIdle", "Timer_HeaderWait", "Timer_ReqQueue", "Timer_EntityBody",
    "Timer_EntityBody (drain)", "Timer_MinBytesPerSecond",
};

static uint64_t pending_output(const struct hs_conn *c)
{
    const struct hs_list *cur;
    uint64_t n = c->out.len - c->out_pos;

    HS_LIST_FOR_EACH(cur, &c->out_files) n += HS_CONTAINER(cur, struct hs_out_file, link)->left;
    return n;
}

static enum phase current_phase(const struct hs_conn *c)
{
    const struct hs_request *req = c->req;

    if (c->dead || c->opaque) return PH_NONE;
    if (pending_output(c)) return c->throttled ? PH_NONE : PH_SEND;
    if (c->closing) return PH_NONE;   /* the linger timer of flush_out runs */
    if (req)
    {
        if (req->state == RS_READY || req->state == RS_PUBLISHED) return PH_REQUEST_QUEUE;
        if (c->in_body && !c->read_paused && !c->read_eof) return PH_ENTITY_BODY;
        return PH_NONE;
    }
    if (c->in_body) return PH_DRAIN;
    return c->in.len ? PH_HEADER_WAIT : PH_IDLE;
}

/* The phase's allowance in ms (UINT64_MAX: none). */
static uint64_t allowance_ms(struct hs_conn *c, enum phase phase)
{
    const struct hs_records *rec = &c->eng->records;
    struct hs_timeouts t;
    uint64_t rate;

    hs_group_timeouts(c->eng, c->group_key, &t);
    switch (phase)
    {
    case PH_IDLE:
        /* a request's TransportIdleConnectionTimeout is the most specific */
        if (c->idle_timeout_s) return 1000ull * c->idle_timeout_s;
        return 1000ull * (t.idle_connection ? t.idle_connection : rec->idle_timeout ? rec->idle_timeout : DEFAULT_TIMEOUT_S);
    case PH_HEADER_WAIT:
        return 1000ull * (t.header_wait ? t.header_wait : rec->header_wait ? rec->header_wait : DEFAULT_TIMEOUT_S);
    case PH_REQUEST_QUEUE: return 1000ull * (t.request_queue ? t.request_queue : DEFAULT_TIMEOUT_S);
    case PH_ENTITY_BODY:   return 1000ull * (t.entity_body ? t.entity_body : DEFAULT_TIMEOUT_S);
    case PH_DRAIN:         return 1000ull * (t.drain_entity_body ? t.drain_entity_body : DEFAULT_TIMEOUT_S);
    case PH_SEND:
        /* the bytes still to go, at the slowest rate allowed */
        rate = t.min_send_rate ? t.min_send_rate : DEFAULT_MIN_SEND_RATE;
        if (rate == NO_SEND_RATE) return UINT64_MAX;
        rate = pending_output(c) * 1000 / rate;
        return rate < MIN_SEND_WAIT_MS ? MIN_SEND_WAIT_MS : rate;
    default:
        return UINT64_MAX;
    }
}

static void arm(struct hs_conn *c, uint64_t now)
{
    uint64_t allow = allowance_ms(c, c->phase), end;

    if (allow == UINT64_MAX)
    {
        hs_timer_cancel(c->eng->loop, &c->timer);
        return;
    }
    end = c->mark_ms + allow;
    hs_timer_arm(c->eng->loop, &c->timer, end > now ? end - now : 0);
}

void hs_conn_timer_update(struct hs_conn *c, int progress)
{
    enum phase phase = current_phase(c);
    uint64_t now;

    if (c->dead) return;
    if (phase == PH_NONE)
    {
        /* a closing connection's linger timer stays */
        if (c->phase != PH_NONE && !c->closing) hs_timer_cancel(c->eng->loop, &c->timer);
        c->phase = PH_NONE;
        return;
    }
    if (phase == c->phase && !(progress && (phase == PH_ENTITY_BODY || phase == PH_SEND)) &&
        c->timer.heap_index)
        return;
    now = hs_now_ms();
    if (phase != c->phase || progress) c->mark_ms = now;
    c->phase = phase;
    arm(c, now);
}

void hs_conn_timer_fired(struct hs_conn *c)
{
    enum phase phase;
    uint64_t now = hs_now_ms();

    /* the linger after a close (flush_out) is over */
    if (c->closing && !pending_output(c))
    {
        hs_conn_close(c);
        return;
    }
    if (c->phase == PH_NONE) return;   /* a timer of a state that has passed */
    /* requests a server took from the ring are delivered now */
    if (c->req && c->req->queue) hs_queue_poll(c->eng, c->req->queue);
    if (c->dead) return;
    phase = current_phase(c);
    if (phase != c->phase)
    {
        hs_conn_timer_update(c, 0);
        return;
    }
    if (now < c->mark_ms + allowance_ms(c, phase))
    {
        arm(c, now);   /* the allowance grew (a new setting) */
        return;
    }
    TRACE("connection %llu: %s", (unsigned long long)c->id, phase_name[phase]);
    /* KB 820729 names no drain timer: it is the entity body's timer still
     * running after the response */
    hs_errlog_request(c, c->req, 0, phase == PH_DRAIN ? "Timer_EntityBody" : phase_name[phase]);
    if (phase == PH_REQUEST_QUEUE && hs_queue_withdraw(c->eng, c->req->queue, c->req))
    {
        /* no server took it in time: it goes, no receive gets it any more */
        struct hs_request *req = c->req;
        c->req = NULL;
        hs_request_free(req);
    }
    hs_conn_close(c);
}

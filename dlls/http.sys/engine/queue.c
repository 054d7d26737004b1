#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "queue.h"
#include "queuename.h"
#include "delegate.h"
#include "tcpinfo.h"
#include "tlsinfo.h"
#include "clientcert.h"
#include "request.h"
#include "conntable.h"
#include "conn.h"
#include "conntimer.h"
#include "shmq.h"
#include "listener.h"
#include "urlprefix.h"
#include "reqimage.h"
#include "wire.h"
#include "cachectl.h"
#include "urlgroup.h"
#include "errlog.h"
#include "log.h"

#define ERROR_FILE_NOT_FOUND      2
#define ERROR_INVALID_HANDLE      6
#define ERROR_NOT_ENOUGH_MEMORY   8
#define ERROR_HANDLE_EOF          38
#define ERROR_NOT_SUPPORTED       50
#define ERROR_INVALID_PARAMETER   87
#define ERROR_MORE_DATA           234
#define ERROR_INVALID_FUNCTION    1
#define ERROR_CONNECTION_INVALID  1229
#define ERROR_INTERNAL_ERROR      1359

#define RING_BODY_MAX  (64u << 10)   /* body bytes that ride along in a ring record */
#define OP_BODY_MAX    (1u << 20)    /* body bytes that ride along to a pending receive */

struct deferred_send
{
    struct hs_op *op;
    uint32_t len;
    uint8_t data[];
};

/* Whether the servers are busy with the ring: a thread looks at it now, or
 * one took a request or wrote a response in the last HANDOVER_MS.  Then a
 * new request goes into the ring even when receives wait in the driver: a
 * busy thread takes it within microseconds, while completing a receive
 * through the driver costs hundreds of them (far more under load, with
 * wineserver and the driver short of processor time).  Only when the
 * servers have gone quiet do waiting receives get the requests.  A looking
 * count that stays up while requests wait in the ring and none is taken
 * for STALE_LOOK_MS was left by a thread that died looking: it is ignored. */
#define HANDOVER_MS   2
#define STALE_LOOK_MS 100

static int servers_busy(struct hs_queue *q)
{
    uint64_t now;

    if (!q->shm) return 0;
    now = hs_now_ms();
    if (hs_shmq_servers_looking(q->shm) &&
        (!hs_shmq_has_unclaimed(q->shm) || now - q->ring_wait_ms < STALE_LOOK_MS))
        return 1;
    return now - q->ring_active_ms < HANDOVER_MS;
}

/* A request that completes a receive through the driver may sit in a
 * completion port until a server thread comes for it, and a thread that
 * keeps finding requests in the ring serves them on the spot and does not
 * come.  The count of such requests the server has not acted on yet is in
 * the shared header: while it is not zero, httpapi.dll sends a receive to
 * the driver now and then, and with it a thread back to the port. */
static void owe(struct hs_queue *q, struct hs_request *req)
{
    if (req->owed || !q->shm) return;
    req->owed = 1;
    hs_shmq_add_handed_over(q->shm, 1);
}

void hs_queue_settle(struct hs_request *req)
{
    if (!req->owed) return;
    req->owed = 0;
    if (req->queue && req->queue->shm) hs_shmq_add_handed_over(req->queue->shm, -1);
}

static void handover_due(struct hs_timer *t)
{
    (void)t;   /* waking the loop is the point: it polls the queues next */
}

struct hs_queue *hs_queue_new(struct hs_engine *eng)
{
    struct hs_queue *q = calloc(1, sizeof(*q));
    char path[256], rnd[8];
    uint32_t i;

    if (!q) return NULL;
    q->slots = calloc(HS_SLOT_COUNT, sizeof(*q->slots));
    q->free_slots = malloc(HS_SLOT_COUNT * sizeof(*q->free_slots));
    if (!q->slots || !q->free_slots)
    {
        free(q->slots);
        free(q->free_slots);
        free(q);
        return NULL;
    }
    for (i = 0; i < HS_SLOT_COUNT; i++) q->free_slots[i] = HS_SLOT_COUNT - 1 - i;
    q->free_count = HS_SLOT_COUNT;
    q->id = ++eng->next_queue_id;
    q->image = HS_IMAGE_V1;
    q->max_waiting = HS_QUEUE_LENGTH_DEFAULT;
    hs_list_init(&q->files);
    hs_list_init(&q->ready);
    hs_list_init(&q->published);
    hs_list_init(&q->waiters);
    hs_list_init(&q->deferred);
    hs_list_init(&q->demand_waiters);
    q->handover.fn = handover_due;
    /* an unguessable name: the segment is 0600, and other local users must
     * not even learn which queues exist */
    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) memset(rnd, 0, sizeof(rnd));
    snprintf(path, sizeof(path), "/dev/shm/httpsys-%d-%llu-%02x%02x%02x%02x%02x%02x%02x%02x",
             (int)getpid(), (unsigned long long)q->id, rnd[0] & 0xff, rnd[1] & 0xff, rnd[2] & 0xff,
             rnd[3] & 0xff, rnd[4] & 0xff, rnd[5] & 0xff, rnd[6] & 0xff, rnd[7] & 0xff);
    q->shm = hs_shmq_create(path, q->image);
    if (!q->shm) WARN("queue %llu has no shared memory; every call goes through the driver", (unsigned long long)q->id);
    hs_list_add_tail(&eng->queues, &q->link);
    return q;
}

struct hs_queue *hs_queue_by_id(struct hs_engine *eng, uint64_t id)
{
    struct hs_list *cur;

    HS_LIST_FOR_EACH(cur, &eng->queues)
    {
        struct hs_queue *q = HS_CONTAINER(cur, struct hs_queue, link);
        if (q->id == id) return q;
    }
    return NULL;
}

void hs_queue_destroy(struct hs_engine *eng, struct hs_queue *q)
{
    struct hs_list *cur, *next;
    uint32_t i;

    /* its last handle closed with requests in it, waiting or being served:
     * orphans, as KB 820729 calls them (not when the service stops) */
    for (i = 0; i < HS_SLOT_COUNT && !eng->shutting_down; i++)
        if (q->slots[i] && q->slots[i]->conn)
            hs_errlog_request(q->slots[i]->conn, q->slots[i], 0, "Connection_Abandoned_By_ReqQueue");
    hs_router_remove_owner(&eng->router, q->id);
    hs_cachectl_forget(eng, q->id);
    hs_listener_release_unused(eng);
    hs_groups_queue_gone(eng, q);
    hs_timer_cancel(eng->loop, &q->handover);
    hs_queue_name_release(eng, q);
    HS_LIST_FOR_EACH_SAFE(cur, next, &q->waiters)
        hs_engine_complete(eng, HS_CONTAINER(cur, struct hs_op, wait_link), 995, 0, NULL, 0);
    HS_LIST_FOR_EACH_SAFE(cur, next, &q->deferred)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, wait_link);
        hs_engine_complete(eng, op, 995, 0, NULL, 0);
    }
    /* Requests of a queue that goes away: their clients are reset, which is
     * what http.sys does with the default (Basic) 503 verbosity. */
    for (i = 0; i < HS_SLOT_COUNT; i++)
    {
        struct hs_request *req = q->slots[i];
        if (!req) continue;
        if (req->conn) hs_conn_close(req->conn);
        /* one no receive took stays an orphan in its slot: nothing will take it now */
        if (q->slots[i] == req) hs_request_free(req);
    }
    hs_shmq_destroy(q->shm);
    hs_list_remove(&q->link);
    free(q->slots);
    free(q->free_slots);
    free(q);
}

/* ------------------------------------------------------------------------ */
/* delivery                                                                  */
/* ------------------------------------------------------------------------ */

static void consume_body(struct hs_request *req, uint32_t n)
{
    if (n > req->body_len) n = (uint32_t)req->body_len;
    if (!n) return;
    memmove(req->body, req->body + n, req->body_len - n);
    req->body_len -= n;
    if (req->conn) hs_conn_resume(req->conn);
}

/* Completes a receive with the request, or with ERROR_MORE_DATA. */
static void deliver_to_op(struct hs_engine *eng, struct hs_request *req, struct hs_op *op)
{
    uint32_t body = req->body_len < OP_BODY_MAX ? (uint32_t)req->body_len : OP_BODY_MAX;
    uint32_t blob_len = req->wire_len + body, cap;
    struct hs_image_result res;
    struct hs_wire_request *w;
    uint8_t *blob, *out;

    if (!(op->p.recv.flags & 1 /* COPY_BODY */)) body = 0, blob_len = req->wire_len;
    cap = op->out_size;
    if (cap > blob_len + 4096u) cap = blob_len + 4096u;
    blob = malloc(blob_len);
    out = calloc(1, cap ? cap : 1);
    if (!blob || !out)
    {
        free(blob);
        free(out);
        hs_engine_complete(eng, op, ERROR_NOT_ENOUGH_MEMORY, 0, NULL, 0);
        return;
    }
    memcpy(blob, req->wire, req->wire_len);
    if (body) memcpy(blob + req->wire_len, req->body, body);
    w = (struct hs_wire_request *)blob;
    w->size = blob_len;
    w->body.off = body ? req->wire_len : 0;
    w->body.len = body;
    if (!req->body_complete || req->body_len > body) w->flags |= HS_REQ_MORE_BODY;
    else w->flags &= ~HS_REQ_MORE_BODY;

    hs_image_build(w, blob_len, op->p.recv.image == HS_IMAGE_V2 ? HS_IMAGE_V2 : HS_IMAGE_V1,
                   op->p.recv.flags, op->p.recv.user_address, out, cap, &res);
    if (res.error == ERROR_MORE_DATA)
    {
        req->state = RS_BOUND;
        owe(req->queue, req);
        hs_engine_complete(eng, op, ERROR_MORE_DATA, res.needed, out, res.written);
    }
    else if (res.error)
    {
        ERR("request %llu does not form a valid image", (unsigned long long)req->id);
        hs_engine_complete(eng, op, ERROR_INTERNAL_ERROR, 0, NULL, 0);
    }
    else
    {
        consume_body(req, res.body_taken);
        owe(req->queue, req);
        hs_engine_complete_token(eng, op, 0, res.written, out, res.written, res.token_at);
        hs_request_delivered(req);
    }
    free(blob);
    free(out);
}

static int publish(struct hs_queue *q, struct hs_request *req)
{
    uint32_t body = req->body_len < RING_BODY_MAX ? (uint32_t)req->body_len : RING_BODY_MAX;
    struct hs_wire_request *w = (struct hs_wire_request *)req->wire;

    if (!q->shm) return -1;
    if (!hs_shmq_has_unclaimed(q->shm)) q->ring_wait_ms = hs_now_ms();
    if (!req->body_complete || req->body_len > body) w->flags |= HS_REQ_MORE_BODY;
    else w->flags &= ~HS_REQ_MORE_BODY;
    if (hs_shmq_publish(q->shm, req->id, req->wire, req->wire_len, req->body, body, &req->ring_pos)) return -1;
    req->state = RS_PUBLISHED;
    hs_list_add_tail(&q->published, &req->link);
    return 0;
}

/* The handover: the receive that has waited longest takes the request. */
static void deliver_to_first_waiter(struct hs_engine *eng, struct hs_queue *q, struct hs_request *req)
{
    struct hs_op *op = HS_CONTAINER(q->waiters.next, struct hs_op, wait_link);

    hs_list_remove(&op->wait_link);
    deliver_to_op(eng, req, op);
}

void hs_queue_offer(struct hs_engine *eng, struct hs_queue *q, struct hs_request *req)
{
    int waiter = !hs_list_empty(&q->waiters);

    hs_queue_demand(eng, q);
    if (waiter && !servers_busy(q))
    {
        deliver_to_first_waiter(eng, q, req);
        return;
    }
    if (hs_list_empty(&q->ready) && !publish(q, req)) return;
    req->state = RS_READY;
    hs_list_add_tail(&q->ready, &req->link);
    if (waiter)
    {
        /* the ring is full: the oldest request not in it goes through the driver */
        struct hs_request *oldest = HS_CONTAINER(q->ready.next, struct hs_request, link);
        hs_list_remove(&oldest->link);
        deliver_to_first_waiter(eng, q, oldest);
    }
}

int hs_queue_withdraw(struct hs_engine *eng, struct hs_queue *q, struct hs_request *req)
{
    (void)eng;
    if (req->state == RS_READY)
    {
        hs_list_remove(&req->link);
        return 1;
    }
    if (req->state == RS_PUBLISHED && hs_shmq_withdraw(q->shm, req->ring_pos))
    {
        hs_list_remove(&req->link);
        req->state = RS_READY;
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* the rings                                                                 */
/* ------------------------------------------------------------------------ */

static struct hs_request *oldest_published(struct hs_queue *q);

struct poll_ctx { struct hs_engine *eng; struct hs_queue *q; };

static void on_taken(void *ctx, const struct hs_taken *t)
{
    struct poll_ctx *pc = ctx;
    struct hs_request *req = hs_queue_find_request(pc->q, t->request_id);

    if (!req || req->state != RS_PUBLISHED || req->ring_pos != t->pos) return;
    hs_list_remove(&req->link);
    if (t->result == 0)
    {
        consume_body(req, t->body_taken);
        hs_request_delivered(req);
    }
    else req->state = RS_BOUND;   /* ERROR_MORE_DATA: retrieved later by id */
}

static void on_response(void *ctx, const struct hs_wire_response *r, uint32_t size)
{
    struct poll_ctx *pc = ctx;
    struct hs_request *req;
    uint32_t err;

    if (!hs_wire_response_valid(r, size))
    {
        WARN("dropping a malformed response record on queue %llu", (unsigned long long)pc->q->id);
        return;
    }
    if (!(req = hs_queue_find_request(pc->q, r->request_id))) return;
    if (req->state == RS_PUBLISHED)
    {
        /* The server took the request after this pass looked at the
         * request ring, and its response is already here: the taking is
         * visible now (it was stored before the response was committed). */
        hs_shmq_reap(pc->q->shm, on_taken, pc);
        if (!(req = hs_queue_find_request(pc->q, r->request_id))) return;
    }
    if ((err = hs_request_send(pc->eng, req, r, size)))
    {
        /* the caller was told it succeeded (a file chunk that changed since
         * httpapi.dll checked it): the client must not wait for the body */
        WARN("fast-path send on %llu failed: %u; closing the connection", (unsigned long long)r->request_id, err);
        if (req->conn) hs_conn_close(req->conn);
    }
}

static void send_now(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    const struct hs_wire_response *r = (const struct hs_wire_response *)in;
    struct hs_request *req;
    uint64_t sent = 0;
    uint32_t err;

    if (!hs_wire_response_valid(r, len))
    {
        hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0);
        return;
    }
    req = hs_queue_find_request(q, r->request_id);
    err = req ? hs_request_send_counted(eng, req, r, len, &sent) : ERROR_CONNECTION_INVALID;
    /* the sender set SENDING before it called us; we are the end of that send */
    if (q->shm) hs_shmq_slot_clear_app_bits(q->shm, r->request_id, HS_SLOT_SENDING);
    hs_engine_complete(eng, op, err, err ? 0 : sent, NULL, 0);
}

static void run_deferred(struct hs_engine *eng, struct hs_queue *q)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &q->deferred)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, wait_link);
        struct deferred_send *d = (struct deferred_send *)op->cancel_ctx;
        hs_list_remove(&op->wait_link);
        op->cancel_ctx = NULL;
        send_now(eng, q, op, d->data, d->len);
        free(d);
    }
}

int hs_queue_poll(struct hs_engine *eng, struct hs_queue *q)
{
    struct poll_ctx pc = { eng, q };
    int work = 0;

    if (!q->shm) return 0;
    if ((work = hs_shmq_reap(q->shm, on_taken, &pc))) q->ring_wait_ms = hs_now_ms();
    work += hs_shmq_consume(q->shm, on_response, &pc);
    if (work) q->ring_active_ms = hs_now_ms();
    if (!hs_list_empty(&q->deferred) && !hs_shmq_has_responses(q->shm)) run_deferred(eng, q);
    /* the servers went quiet: receives waiting in the driver take what is
     * left in the ring (the last thread to stop looking rang the doorbell;
     * the timer comes back when they were busy a moment ago) */
    while (!hs_list_empty(&q->waiters) && hs_shmq_has_unclaimed(q->shm))
    {
        struct hs_request *req;
        if (servers_busy(q))
        {
            if (!q->handover.heap_index) hs_timer_arm(eng->loop, &q->handover, HANDOVER_MS);
            break;
        }
        if (!(req = oldest_published(q))) break;
        deliver_to_first_waiter(eng, q, req);
        work++;
    }
    /* ring space may have come free: move waiting requests in, oldest first */
    while (!hs_list_empty(&q->ready) && hs_list_empty(&q->waiters))
    {
        struct hs_request *req = HS_CONTAINER(q->ready.next, struct hs_request, link);
        hs_list_remove(&req->link);
        if (publish(q, req))
        {
            hs_list_add_head(&q->ready, &req->link);
            break;
        }
        work++;
    }
    return work;
}

void hs_queue_set_idle(struct hs_queue *q, int idle)
{
    if (q->shm) hs_shmq_set_idle(q->shm, idle);
}

int hs_queue_has_work(struct hs_queue *q)
{
    return q->shm && hs_shmq_has_responses(q->shm);
}

/* ------------------------------------------------------------------------ */
/* IOCTLs                                                                    */
/* ------------------------------------------------------------------------ */

static void cancel_waiter(struct hs_op *op)
{
    hs_list_remove(&op->wait_link);
}

static void cancel_deferred(struct hs_op *op)
{
    hs_list_remove(&op->wait_link);
    free(op->cancel_ctx);
    op->cancel_ctx = NULL;
}

static void ioctl_queue_info(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op)
{
    struct hs_queue_info info;

    memset(&info, 0, sizeof(info));
    info.queue_id = q->id;
    if (!hs_queue_file_does_io(op->file)) info.flags |= HS_QINFO_CONTROLLER;
    if (q->shm)
    {
        info.shm_size = hs_shmq_size(q->shm);
        snprintf(info.shm_path, sizeof(info.shm_path), "%s", hs_shmq_path(q->shm));
        if (strlen(eng->rundir) < sizeof(info.doorbell_path) - 10)
            snprintf(info.doorbell_path, sizeof(info.doorbell_path), "%.240s/doorbell", eng->rundir);
    }
    hs_engine_complete(eng, op, 0, sizeof(info), &info, sizeof(info));
}

static void ioctl_set_queue(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_queue_params p;
    struct hs_queue *q = op->file->queue;

    /* a server session's file never becomes a queue */
    if (len < sizeof(p) || op->file->session) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&p, in, sizeof(p));
    if (!q)
    {
        if (!(q = hs_queue_new(eng))) { hs_engine_complete(eng, op, ERROR_NOT_ENOUGH_MEMORY, 0, NULL, 0); return; }
        op->file->queue = q;
        hs_list_add_tail(&q->files, &op->file->queue_link);
    }
    q->image = p.api_major >= 2 ? HS_IMAGE_V2 : HS_IMAGE_V1;
    if (q->shm) hs_shmq_set_image(q->shm, q->image);
    hs_engine_complete(eng, op, 0, 0, NULL, 0);
}

/* The caller frees prefix whatever this returns: it is never left unset. */
static int read_prefix(const uint8_t *in, uint32_t len, struct hs_url_params *p, struct hs_prefix *prefix)
{
    memset(prefix, 0, sizeof(*prefix));
    if (len < sizeof(*p)) return ERROR_INVALID_PARAMETER;
    memcpy(p, in, sizeof(*p));
    if (p->url_len > len - sizeof(*p)) return ERROR_INVALID_PARAMETER;
    return hs_prefix_parse((const char *)in + sizeof(*p), p->url_len, prefix);
}

static void ioctl_add_url(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_url_params p;
    struct hs_prefix prefix;
    uint32_t err;

    if ((err = (uint32_t)read_prefix(in, len, &p, &prefix))) goto done;
    if ((err = (uint32_t)hs_router_add(&eng->router, &prefix, q->id, p.context))) goto done;
    if ((err = hs_listener_ensure(eng, prefix.port, prefix.secure)))
    {
        hs_router_remove(&eng->router, &prefix, q->id);
        goto done;
    }
    q->url_count++;
done:
    hs_prefix_free(&prefix);
    hs_engine_complete(eng, op, err, 0, NULL, 0);
}

static void ioctl_remove_url(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_url_params p;
    struct hs_prefix prefix;
    uint32_t err;

    if (!(err = (uint32_t)read_prefix(in, len, &p, &prefix)) &&
        !(err = (uint32_t)hs_router_remove(&eng->router, &prefix, q->id)))
    {
        /* removing one URL drops everything the queue cached: nothing
         * cached may outlive the registration it was made under */
        hs_cachectl_forget(eng, q->id);
        q->url_count--;
        hs_listener_release_unused(eng);
    }
    hs_prefix_free(&prefix);
    hs_engine_complete(eng, op, err, 0, NULL, 0);
}

static struct hs_request *oldest_published(struct hs_queue *q)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &q->published)
    {
        struct hs_request *req = HS_CONTAINER(cur, struct hs_request, link);
        if (hs_shmq_withdraw(q->shm, req->ring_pos))
        {
            hs_list_remove(&req->link);
            return req;
        }
    }
    return NULL;
}

static void ioctl_receive(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_request *req;

    if (len < sizeof(op->p.recv)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&op->p.recv, in, sizeof(op->p.recv));
    hs_queue_poll(eng, q);

    if (op->p.recv.request_id)
    {
        req = hs_queue_find_request(q, op->p.recv.request_id);
        if (!req || req->state == RS_READY || req->state == RS_PUBLISHED)
            hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        else if (req->state == RS_DELIVERED)
            hs_engine_complete(eng, op, ERROR_HANDLE_EOF, 0, NULL, 0);
        else
            deliver_to_op(eng, req, op);
        return;
    }
    if (q->shm && (req = oldest_published(q)))
    {
        deliver_to_op(eng, req, op);
        return;
    }
    if (!hs_list_empty(&q->ready))
    {
        req = HS_CONTAINER(q->ready.next, struct hs_request, link);
        hs_list_remove(&req->link);
        deliver_to_op(eng, req, op);
        return;
    }
    hs_engine_pend(eng, op, &q->waiters, cancel_waiter);
}

static void ioctl_receive_body(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_request *req;

    if (len < sizeof(op->p.body)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&op->p.body, in, sizeof(op->p.body));
    hs_queue_poll(eng, q);
    req = hs_queue_find_request(q, op->p.body.request_id);
    if (!req || (req->state != RS_DELIVERED && req->state != RS_BOUND))
    {
        hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        return;
    }
    hs_queue_settle(req);
    hs_engine_pend(eng, op, &req->body_waiters, cancel_waiter);
    hs_request_body_event(eng, req);
}

static void ioctl_send(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct deferred_send *d;

    hs_queue_poll(eng, q);
    /* Sends that went through the ring before this one must go out first. */
    if (!q->shm || !hs_shmq_has_responses(q->shm))
    {
        send_now(eng, q, op, in, len);
        return;
    }
    if (!(d = malloc(sizeof(*d) + len)))
    {
        hs_engine_complete(eng, op, ERROR_NOT_ENOUGH_MEMORY, 0, NULL, 0);
        return;
    }
    d->op = op;
    d->len = len;
    memcpy(d->data, in, len);
    op->cancel_ctx = d;
    hs_engine_pend(eng, op, &q->deferred, cancel_deferred);
}

static void ioctl_service_state(struct hs_engine *eng, struct hs_op *op)
{
    struct hs_buf out = { 0 };
    struct hs_list *cur, *next, *fcur, *fnext;
    char line[160];

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->queues)
    {
        struct hs_queue *q = HS_CONTAINER(cur, struct hs_queue, link);
        uint32_t i, n = 0;

        HS_LIST_FOR_EACH_SAFE(fcur, fnext, &q->files) n++;
        snprintf(line, sizeof(line), "Q %llu %u %u", (unsigned long long)q->id, q->image == HS_IMAGE_V2 ? 2 : 1, n);
        hs_buf_adds(&out, line);
        HS_LIST_FOR_EACH_SAFE(fcur, fnext, &q->files)
        {
            struct hs_file *f = HS_CONTAINER(fcur, struct hs_file, queue_link);
            snprintf(line, sizeof(line), " %u", f->pid);
            hs_buf_adds(&out, line);
        }
        hs_buf_adds(&out, "\n");
        /* its settings: state, 503 verbosity, QueueLength, name (last: it may hold spaces) */
        snprintf(line, sizeof(line), "N %llu %u %u %u ", (unsigned long long)q->id, q->disabled ? 1 : 0, q->verbosity,
                 q->max_waiting);
        hs_buf_adds(&out, line);
        hs_buf_adds(&out, q->name ? q->name : "");
        hs_buf_adds(&out, "\n");
        for (i = 0; i < eng->router.count; i++)
        {
            const struct hs_registration *reg = &eng->router.regs[i];
            const struct hs_group *g = reg->owner & HS_OWNER_GROUP ? hs_group_find(eng, reg->owner) : NULL;
            /* a group's URLs show under the queue it is bound to */
            if (reg->owner != q->id && (!g || g->queue != q)) continue;
            snprintf(line, sizeof(line), "U %llu ", (unsigned long long)q->id);
            hs_buf_adds(&out, line);
            hs_buf_adds(&out, reg->prefix.canon);
            hs_buf_adds(&out, "\n");
        }
    }
    hs_cachectl_describe(eng, &out);
    /* what HttpRequestPropertyTlsClientHello keeps: a cost of every connection on such a binding */
    snprintf(line, sizeof(line), "H %u %llu\n", eng->hello_count, (unsigned long long)eng->hello_bytes);
    hs_buf_adds(&out, line);
    /* what each connection holds, for the tests (netsh reads Q, N, U and K only) */
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->conns)
    {
        hs_conn_describe(HS_CONTAINER(cur, struct hs_conn, link), line, sizeof(line));
        hs_buf_adds(&out, line);
    }
    if (out.failed) hs_engine_complete(eng, op, ERROR_NOT_ENOUGH_MEMORY, 0, NULL, 0);
    else if (out.len > op->out_size) hs_engine_complete(eng, op, ERROR_MORE_DATA, out.len, out.data, op->out_size);
    else hs_engine_complete(eng, op, 0, out.len, out.data, (uint32_t)out.len);
    hs_buf_free(&out);
}

/* HttpSetRequestProperty of what applies to the request's connection. */
static uint32_t set_request_property(struct hs_conn *c, uint32_t property, uint32_t value)
{
    switch (property)
    {
    case HS_PROPERTY_IDLE_TIMEOUT:
        /* seconds, a USHORT; 0 gives the connection back the configured timer */
        if (value > 0xffff) return ERROR_INVALID_PARAMETER;
        c->idle_timeout_s = (uint16_t)value;
        hs_conn_timer_update(c, 0);
        return 0;
    case HS_PROPERTY_DSCP_TAG:
        if (value > 0x3f) return ERROR_INVALID_PARAMETER;
        return hs_conn_set_dscp(c, value) ? ERROR_NOT_SUPPORTED : 0;
    default:
        return ERROR_INVALID_PARAMETER;
    }
}

/* HttpQueryRequestProperty: what the engine knows of the request's
 * connection; with HS_PROPERTY_SET, HttpSetRequestProperty. */
static void ioctl_request_property(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op,
                                   const uint8_t *in, uint32_t len)
{
    struct hs_property_params p;
    struct hs_request *req;
    uint8_t data[HS_PROP_CIPHER_INFO_SIZE];
    const uint8_t *out = data;
    uint32_t size = 0, err;

    if (len < sizeof(p)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&p, in, sizeof(p));
    hs_queue_poll(eng, q);
    req = hs_queue_find_request(q, p.request_id);
    if (!req || req->state != RS_DELIVERED || !req->conn)
    {
        hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        return;
    }
    if (p.property & HS_PROPERTY_SET)
    {
        hs_engine_complete(eng, op, set_request_property(req->conn, p.property & ~HS_PROPERTY_SET, p.value), 0, NULL, 0);
        return;
    }
    switch (p.property)
    {
    case HS_PROPERTY_SNI:
        size = HS_PROP_SNI_SIZE;
        err = hs_tls_property_sni(req->conn, data);
        break;
    case HS_PROPERTY_TLS_CIPHER_INFO:
        size = HS_PROP_CIPHER_INFO_SIZE;
        err = hs_tls_property_cipher_info(req->conn, data);
        break;
    case HS_PROPERTY_TLS_CLIENT_HELLO:
        err = hs_tls_property_client_hello(req->conn, &out, &size);
        break;
    case HS_PROPERTY_ISB:
    case HS_PROPERTY_TCP_INFO_V0:
    case HS_PROPERTY_TCP_INFO_V1:
    case HS_PROPERTY_TCP_INFO_V2:
        err = hs_tcp_property(req->conn->fd, hs_now_ms() - req->conn->accepted_ms, (int)p.property, data, &size);
        break;
    default:
        hs_engine_complete(eng, op, ERROR_INVALID_FUNCTION, 0, NULL, 0);
        return;
    }
    if (err) hs_engine_complete(eng, op, err, 0, NULL, 0);
    else if (op->out_size < size) hs_engine_complete(eng, op, ERROR_MORE_DATA, size, NULL, 0);
    else hs_engine_complete(eng, op, 0, size, out, size);
}

int hs_queue_full(struct hs_queue *q)
{
    struct hs_list *cur;
    uint32_t n = 0;

    /* both lists stay short unless the queue is near its limit */
    for (cur = q->ready.next; cur != &q->ready && n < q->max_waiting; cur = cur->next) n++;
    for (cur = q->published.next; cur != &q->published && n < q->max_waiting; cur = cur->next) n++;
    return n >= q->max_waiting;
}

static void ioctl_queue_limits(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_queue_limits l;

    if (len < sizeof(l)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&l, in, sizeof(l));
    if (!l.length || l.length > 0x7fffffff || l.verbosity > 2)
    {
        hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0);
        return;
    }
    q->max_waiting = l.length;
    q->verbosity = l.verbosity;
    hs_engine_complete(eng, op, 0, 0, NULL, 0);
}

/* HttpServerStateProperty of a v2 queue: a disabled queue refuses requests
 * as a full one does. */
static void ioctl_queue_state(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    uint32_t state;

    if (len < sizeof(state) || q->image != HS_IMAGE_V2)
    {
        hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0);
        return;
    }
    memcpy(&state, in, sizeof(state));
    if (state > 1)
    {
        hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0);
        return;
    }
    q->disabled = state;
    hs_engine_complete(eng, op, 0, 0, NULL, 0);
}

static void cancel_disconnect_wait(struct hs_op *op)
{
    hs_list_remove(&op->wait_link);
    hs_list_init(&op->wait_link);
}

/* HttpWaitForDisconnect: pends until the client closes its side of the
 * connection.  One whose client has closed already completes at once; one
 * the engine no longer has (or never had) is ERROR_CONNECTION_INVALID. */
static void ioctl_wait_disconnect(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_conn *c;
    uint64_t id;

    if (len < sizeof(id)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&id, in, sizeof(id));
    if (!(c = hs_conn_table_find(eng, id)) || c->dead)
    {
        hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        return;
    }
    if (hs_conn_peer_left(c))
    {
        hs_engine_complete(eng, op, 0, 0, NULL, 0);
        return;
    }
    hs_engine_pend(eng, op, &c->disconnect_waiters, cancel_disconnect_wait);
}

/* HttpCancelHttpRequest: the request's connection is reset, as http.sys
 * does; the application's later calls on the request fail. */
static void ioctl_cancel_request(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_request *req;
    uint64_t id;

    if (len < sizeof(id)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&id, in, sizeof(id));
    hs_queue_poll(eng, q);
    if (!(req = hs_queue_find_request(q, id)) || !req->conn ||
        (req->state != RS_DELIVERED && req->state != RS_BOUND))
    {
        hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        return;
    }
    hs_conn_reset(req->conn);
    hs_engine_complete(eng, op, 0, 0, NULL, 0);
}

/* The calls a controller's handle may not make (HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER). */
static int is_io(uint32_t code)
{
    return code == HS_IOCTL_RECEIVE_REQUEST || code == HS_IOCTL_RECEIVE_BODY || code == HS_IOCTL_SEND ||
           code == HS_IOCTL_CLIENT_CERT || code == HS_IOCTL_REQUEST_PROPERTY;
}

void hs_queue_ioctl(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t in_len)
{
    struct hs_queue *q = op->file->queue;

    if (op->code == HS_IOCTL_SERVICE_STATE) { ioctl_service_state(eng, op); return; }
    if (op->code == HS_IOCTL_SET_QUEUE) { ioctl_set_queue(eng, op, in, in_len); return; }
    if (op->code == HS_IOCTL_QUEUE_NAME) { hs_queue_name_ioctl(eng, op, in, in_len); return; }
    if (op->code == HS_IOCTL_CACHE_FLUSH && !q) { hs_cachectl_flush_all(eng, op, in, in_len); return; }
    if (op->code >= HS_IOCTL_GROUP_CREATE && op->code <= HS_IOCTL_SERVER_PROPERTY)
    {
        hs_group_ioctl(eng, op, in, in_len);
        return;
    }
    if (!q) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    if (!hs_queue_file_does_io(op->file) && is_io(op->code))
    {
        hs_engine_complete(eng, op, ERROR_INVALID_HANDLE, 0, NULL, 0);
        return;
    }
    switch (op->code)
    {
    case HS_IOCTL_QUEUE_INFO:      ioctl_queue_info(eng, q, op); break;
    case HS_IOCTL_ADD_URL:         ioctl_add_url(eng, q, op, in, in_len); break;
    case HS_IOCTL_REMOVE_URL:      ioctl_remove_url(eng, q, op, in, in_len); break;
    case HS_IOCTL_RECEIVE_REQUEST: ioctl_receive(eng, q, op, in, in_len); break;
    case HS_IOCTL_RECEIVE_BODY:    ioctl_receive_body(eng, q, op, in, in_len); break;
    case HS_IOCTL_SEND:            ioctl_send(eng, q, op, in, in_len); break;
    case HS_IOCTL_REQUEST_PROPERTY: ioctl_request_property(eng, q, op, in, in_len); break;
    case HS_IOCTL_CLIENT_CERT:     hs_client_cert_ioctl(eng, q, op, in, in_len); break;
    case HS_IOCTL_WAIT_DISCONNECT: ioctl_wait_disconnect(eng, op, in, in_len); break;
    case HS_IOCTL_CANCEL_REQUEST:  ioctl_cancel_request(eng, q, op, in, in_len); break;
    case HS_IOCTL_QUEUE_LIMITS:    ioctl_queue_limits(eng, q, op, in, in_len); break;
    case HS_IOCTL_DEMAND_START:    hs_queue_demand_ioctl(eng, q, op); break;
    case HS_IOCTL_FIND_GROUP:      hs_find_group_ioctl(eng, q, op, in, in_len); break;
    case HS_IOCTL_DELEGATE:        hs_delegate_ioctl(eng, q, op, in, in_len); break;
    case HS_IOCTL_CACHE_ADD:
    case HS_IOCTL_CACHE_READ:
    case HS_IOCTL_CACHE_FLUSH:     hs_cachectl_ioctl(eng, q, op, in, in_len); break;
    case HS_IOCTL_QUEUE_STATE:     ioctl_queue_state(eng, q, op, in, in_len); break;
    default:                       hs_engine_complete(eng, op, ERROR_INVALID_FUNCTION, 0, NULL, 0); break;
    }
}

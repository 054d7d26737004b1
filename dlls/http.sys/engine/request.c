#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "request.h"
#include "queue.h"
#include "conn.h"
#include "response.h"
#include "shmq.h"
#include "wire.h"
#include "errpage.h"
#include "log.h"

#define ERROR_HANDLE_EOF          38
#define ERROR_INVALID_PARAMETER   87
#define ERROR_NOT_ENOUGH_MEMORY   8
#define ERROR_CONNECTION_INVALID  1229
#define SEND_FLAG_MORE_DATA       0x2

struct hs_request *hs_queue_find_request(struct hs_queue *q, uint64_t id)
{
    struct hs_request *req = q->slots[HS_SLOT_OF(id)];
    return req && req->id == id ? req : NULL;
}

struct hs_request *hs_request_new(struct hs_queue *q, struct hs_conn *c, uint64_t url_context)
{
    struct hs_engine *eng = c->eng;
    struct hs_request *req;
    uint32_t slot;

    if (!q->free_count || !(req = calloc(1, sizeof(*req)))) return NULL;
    slot = q->free_slots[--q->free_count];
    req->eng = eng;
    req->slot = slot;
    req->id = (++eng->next_request_seq << HS_SLOT_BITS) | slot;
    req->queue = q;
    req->conn = c;
    req->url_context = url_context;
    hs_list_init(&req->link);
    hs_list_init(&req->body_waiters);
    q->slots[slot] = req;
    if (q->shm) hs_shmq_slot_open(q->shm, slot, req->id);
    return req;
}

static void complete_body_waiters(struct hs_engine *eng, struct hs_request *req, uint32_t error)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &req->body_waiters)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, wait_link);
        hs_engine_complete(eng, op, error, 0, NULL, 0);
    }
}

void hs_request_free(struct hs_request *req)
{
    struct hs_queue *q = req->queue;
    struct hs_engine *eng = req->eng;

    if (q)
    {
        hs_list_remove(&req->link);
        if (q->slots[req->slot] == req)
        {
            q->slots[req->slot] = NULL;
            q->free_slots[q->free_count++] = req->slot;
            if (q->shm) hs_shmq_slot_close(q->shm, req->slot);
        }
    }
    complete_body_waiters(eng, req, ERROR_CONNECTION_INVALID);
    if (req->conn && req->conn->req == req) req->conn->req = NULL;
    free(req->wire);
    free(req->body);
    free(req);
}

void hs_request_offer(struct hs_engine *eng, struct hs_request *req)
{
    hs_queue_offer(eng, req->queue, req);
}

/* Hands buffered body bytes to waiting HttpReceiveRequestEntityBody calls. */
void hs_request_body_event(struct hs_engine *eng, struct hs_request *req)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &req->body_waiters)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, wait_link);
        if (req->body_len)
        {
            uint32_t n = req->body_len < op->out_size ? (uint32_t)req->body_len : op->out_size;
            hs_engine_complete(eng, op, 0, n, req->body, n);
            memmove(req->body, req->body + n, req->body_len - n);
            req->body_len -= n;
            if (req->conn) hs_conn_resume(req->conn);
        }
        else if (req->body_complete)
            hs_engine_complete(eng, op, ERROR_HANDLE_EOF, 0, NULL, 0);
        else if (req->body_failed || !req->conn)
            hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        else
            break;
    }
}

void hs_request_orphan(struct hs_engine *eng, struct hs_request *req)
{
    struct hs_queue *q = req->queue;

    if (q->shm) hs_shmq_slot_dead(q->shm, req->slot);
    req->body_failed = !req->body_complete;
    req->conn = NULL;
    /* A request nobody has received yet is still delivered, as http.sys
     * does: the application learns that its client is gone from the calls
     * it makes next.  It ends once delivered (hs_request_delivered). */
    if (req->state == RS_READY || req->state == RS_PUBLISHED || req->state == RS_BOUND) return;
    complete_body_waiters(eng, req, ERROR_CONNECTION_INVALID);
    hs_request_free(req);
}

/* The application now holds the request.  One whose connection is already
 * gone has nothing left to do: every later call on it fails the same way. */
void hs_request_delivered(struct hs_request *req)
{
    req->state = RS_DELIVERED;
    if (!req->conn) hs_request_free(req);
}

static void current_date(char out[32])
{
    hs_http_date(time(NULL), out);
}

uint32_t hs_request_send(struct hs_engine *eng, struct hs_request *req,
                         const struct hs_wire_response *r, uint32_t size)
{
    struct hs_conn *c = req->conn;
    struct hs_resp_result res = { 0, 0, 1 };
    struct hs_buf out = { 0 };
    int final = !(r->flags & SEND_FLAG_MORE_DATA);
    uint32_t body_len = r->body.len;

    (void)size;
    if (!c || c->dead || req->final_sent) return ERROR_CONNECTION_INVALID;
    if (req->state != RS_DELIVERED && req->state != RS_BOUND) return ERROR_CONNECTION_INVALID;
    if (r->kind == HS_RESP_HEADERS)
    {
        struct hs_resp_ctx ctx;
        char date[32];

        if (req->headers_sent) return ERROR_INVALID_PARAMETER;
        current_date(date);
        ctx.is_head = req->is_head;
        ctx.http10 = req->http10;
        ctx.client_keep_alive = req->keep_alive && !c->read_eof;
        ctx.force_close = eng->shutting_down;
        ctx.disable_server_header = eng->cfg.disable_server_header;
        ctx.date = date;
        hs_response_head(&out, r, &ctx, &res);
        req->headers_sent = 1;
        req->close_after = res.close_after;
        req->response_unframed = res.unframed;
        if (!res.body_allowed) req->is_head = 1;   /* from now on, drop any body */
    }
    else if (!req->headers_sent)
        return ERROR_INVALID_PARAMETER;

    if (body_len && !req->is_head) hs_buf_add(&out, (const uint8_t *)r + r->body.off, body_len);
    if (out.failed) { hs_buf_free(&out); return ERROR_NOT_ENOUGH_MEMORY; }
    if (r->flags & 0x1 /* DISCONNECT */) req->close_after = 1;
    req->response_bytes += out.len;
    hs_conn_write(c, out.data, out.len);
    hs_buf_free(&out);
    if (final)
    {
        int close_after = req->close_after || req->response_unframed;
        req->final_sent = 1;
        hs_conn_request_done(c, close_after);
    }
    return 0;
}

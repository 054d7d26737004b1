/*
 * The engine object: its files and operations, and what the driver asks of
 * it over the control channel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>


#include <malloc.h>

#include "engine.h"
#include "certs.h"
#include "clientcert.h"
#include "control.h"
#include "queue.h"
#include "conn.h"
#include "listener.h"
#include "records.h"
#include "urlgroup.h"
#include "pkcs12.h"
#include "log.h"

#define ERROR_INVALID_HANDLE     6
#define ERROR_NOT_ENOUGH_MEMORY  8
#define ERROR_OPERATION_ABORTED  995

/* Each request allocates and frees a few buffers; with glibc's defaults the
 * heap's top is given back to the kernel and taken again over and over
 * (measured: half the engine's processor time under load went there). */
void hs_engine_tune_allocator(void)
{
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
}

/* The allocator keeps what it frees (above), which is right under load but
 * would leave a burst of requests on thousands of connections resident for
 * good.  A second after activity, the free pages go back to the system;
 * a quiet engine arms nothing and wakes for nothing. */
#define HEAP_TRIM_DELAY_MS 1000

static void heap_trim_due(struct hs_timer *t)
{
    (void)t;
    malloc_trim(0);
}

void hs_engine_init_lists(struct hs_engine *eng)
{
    hs_list_init(&eng->files);
    hs_list_init(&eng->queues);
    hs_list_init(&eng->groups);
    hs_list_init(&eng->listeners);
    hs_list_init(&eng->conns);
    hs_list_init(&eng->pending_ops);
    hs_list_init(&eng->graveyard);
    hs_list_init(&eng->runq);
    hs_list_init(&eng->certs);
    hs_router_init(&eng->router);
}

void hs_engine_after_events(struct hs_engine *eng, int events)
{
    if (events <= 0 || eng->heap_trim.heap_index) return;
    eng->heap_trim.fn = heap_trim_due;
    hs_timer_arm(eng->loop, &eng->heap_trim, HEAP_TRIM_DELAY_MS);
}

void hs_engine_complete(struct hs_engine *eng, struct hs_op *op, uint32_t error,
                        uint64_t info, const void *data, uint32_t len)
{
    hs_engine_complete_token(eng, op, error, info, data, len, 0);
}

void hs_engine_complete_token(struct hs_engine *eng, struct hs_op *op, uint32_t error,
                              uint64_t info, const void *data, uint32_t len, uint32_t token_at)
{
    struct hs_msg_complete msg = { hs_status_from_win32(error), 0, info };

    hs_list_remove(&op->wait_link);
    hs_list_remove(&op->link);
    if (len > op->out_size) len = op->out_size;
    if (token_at && len >= 8 && token_at <= len - 8) msg.token_at = token_at;
    hs_control_send(eng->ctl, HS_MSG_COMPLETE, op->id, op->file ? op->file->id : 0, &msg, sizeof(msg), data, len);
    free(op->cancel_ctx);
    free(op);
}

void hs_engine_pend(struct hs_engine *eng, struct hs_op *op, struct hs_list *waitlist,
                    void (*cancel)(struct hs_op *op))
{
    op->cancel = cancel;
    hs_list_add_tail(&eng->pending_ops, &op->link);
    hs_list_add_tail(waitlist, &op->wait_link);
}

struct hs_file *hs_engine_find_file(struct hs_engine *eng, uint64_t id)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->files)
    {
        struct hs_file *f = HS_CONTAINER(cur, struct hs_file, link);
        if (f->id == id) return f;
    }
    return NULL;
}

static void abort_op(struct hs_engine *eng, struct hs_op *op)
{
    if (op->cancel) op->cancel(op);
    hs_engine_complete(eng, op, ERROR_OPERATION_ABORTED, 0, NULL, 0);
}

/* ------------------------------------------------------------------------ */
/* control-channel handlers                                                  */
/* ------------------------------------------------------------------------ */

struct hs_timer hs_driver_timer;

static void on_authenticated(struct hs_engine *eng)
{
    hs_timer_cancel(eng->loop, &hs_driver_timer);
}

static void on_open(struct hs_engine *eng, uint64_t id, const struct hs_msg_open *msg)
{
    struct hs_file *f = calloc(1, sizeof(*f));

    if (!f) return;   /* every IOCTL on it will fail with ERROR_INVALID_HANDLE */
    /* the queue comes with HS_IOCTL_SET_QUEUE: a handle opened only to ask
     * the service something (netsh) never costs a queue */
    f->id = id;
    f->pid = msg->client_pid;
    hs_list_add_tail(&eng->files, &f->link);
    hs_list_init(&f->queue_link);
    TRACE("file %llu opened by process %u", (unsigned long long)id, msg->client_pid);
}

static void on_close(struct hs_engine *eng, uint64_t id)
{
    struct hs_file *f = hs_engine_find_file(eng, id);
    struct hs_list *cur, *next;

    if (!f) return;
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->pending_ops)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, link);
        if (op->file == f) abort_op(eng, op);
    }
    if (f->session) hs_session_destroy(eng, f->session);
    hs_list_remove(&f->queue_link);
    if (f->queue && hs_list_empty(&f->queue->files)) hs_queue_destroy(eng, f->queue);
    hs_list_remove(&f->link);
    free(f);
    TRACE("file %llu closed", (unsigned long long)id);
}

uint32_t hs_engine_apply_records(struct hs_engine *eng, const char *text, size_t len)
{
    struct hs_records fresh;

    if (hs_records_parse(text, len, &fresh)) return ERROR_NOT_ENOUGH_MEMORY;
    hs_records_free(&eng->records);
    eng->records = fresh;
    TRACE("configuration: %u listen addresses, %u SSL bindings, idle %u s, header wait %u s",
          fresh.listen_count, fresh.ssl_count, fresh.idle_timeout, fresh.header_wait);
    hs_listener_reconcile_all(eng);
    hs_certs_forget_all(eng);   /* a binding may name another certificate now */
    return 0;
}

static void on_config(struct hs_engine *eng, const uint8_t *text, uint32_t len)
{
    hs_engine_apply_records(eng, (const char *)text, len);
}

static void on_ioctl(struct hs_engine *eng, uint64_t op_id, uint64_t file, const struct hs_msg_ioctl *msg,
                     const uint8_t *in, uint32_t in_len)
{
    struct hs_op *op = calloc(1, sizeof(*op));
    struct hs_file *f = hs_engine_find_file(eng, file);

    if (!op)
    {
        struct hs_msg_complete c = { hs_status_from_win32(ERROR_NOT_ENOUGH_MEMORY), 0, 0 };
        hs_control_send(eng->ctl, HS_MSG_COMPLETE, op_id, file, &c, sizeof(c), NULL, 0);
        return;
    }
    op->id = op_id;
    op->file = f;
    op->code = msg->code;
    op->out_size = msg->out_size;
    hs_list_init(&op->wait_link);
    hs_list_init(&op->link);
    if (!f)
    {
        hs_engine_complete(eng, op, ERROR_INVALID_HANDLE, 0, NULL, 0);
        return;
    }
    if (op->code == HS_IOCTL_APPLY_CONFIG)
    {
        hs_engine_complete(eng, op, hs_engine_apply_records(eng, (const char *)in, in_len), 0, NULL, 0);
        return;
    }
    if (op->code == HS_IOCTL_PKCS12)
    {
        struct hs_buf out = { 0 };
        uint32_t err = hs_pkcs12_read(in, in_len, &out);
        if (!err && out.len > op->out_size) hs_engine_complete(eng, op, 234 /* ERROR_MORE_DATA */, out.len, NULL, 0);
        else hs_engine_complete(eng, op, err, err ? 0 : out.len, out.data, err ? 0 : (uint32_t)out.len);
        hs_pkcs12_wipe(&out);
        return;
    }
    hs_queue_ioctl(eng, op, in, in_len);
}

static void on_cancel(struct hs_engine *eng, uint64_t op_id)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->pending_ops)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, link);
        if (op->id == op_id)
        {
            abort_op(eng, op);
            return;
        }
    }
    /* already completed: the driver ignores our late completion */
}

void hs_engine_shutdown(struct hs_engine *eng)
{
    struct hs_list *cur, *next;

    if (eng->shutting_down) return;
    eng->shutting_down = 1;
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->pending_ops)
        abort_op(eng, HS_CONTAINER(cur, struct hs_op, link));
    hs_listener_close_all(eng);
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->conns)
        hs_conn_close(HS_CONTAINER(cur, struct hs_conn, link));
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->files)
    {
        struct hs_file *f = HS_CONTAINER(cur, struct hs_file, link);
        if (f->session) hs_session_destroy(eng, f->session);
        hs_list_remove(&f->queue_link);
        hs_list_remove(&f->link);
        free(f);
    }
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->queues)
        hs_queue_destroy(eng, HS_CONTAINER(cur, struct hs_queue, link));
    eng->done = 1;
}

static void on_shutdown(struct hs_engine *eng)
{
    TRACE("net stop http: shutting down");
    hs_engine_shutdown(eng);
    hs_control_send(eng->ctl, HS_MSG_BYE, 0, 0, NULL, 0, NULL, 0);
    hs_control_flush(eng->ctl);
}

static void on_lost(struct hs_engine *eng)
{
    TRACE("the driver is gone: exiting");
    hs_engine_shutdown(eng);
}

const struct hs_control_handlers hs_engine_handlers =
{
    on_authenticated, on_open, on_close, on_ioctl, on_cancel, on_shutdown, on_config, hs_certs_on_reply,
    hs_client_cert_on_chain_reply, on_lost
};


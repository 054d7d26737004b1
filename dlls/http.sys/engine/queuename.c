/*
 * Named request queues and demand start.  Names are compared without
 * regard to ASCII case, as Windows compares object names; the engine is
 * the one place that knows them, so a name is free again as soon as the
 * last handle to its queue closes, whichever process held it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "queuename.h"
#include "queue.h"
#include "log.h"

#define ERROR_FILE_NOT_FOUND        2
#define ERROR_NOT_ENOUGH_MEMORY     8
#define ERROR_INVALID_PARAMETER     87
#define ERROR_INSUFFICIENT_BUFFER   122
#define ERROR_INVALID_NAME          123
#define ERROR_ALREADY_EXISTS        183
#define ERROR_OPERATION_ABORTED     995
#define ERROR_INVALID_ID_AUTHORITY  1343

static struct hs_queue *find_by_name(struct hs_engine *eng, const char *name)
{
    struct hs_list *cur;

    HS_LIST_FOR_EACH(cur, &eng->queues)
    {
        struct hs_queue *q = HS_CONTAINER(cur, struct hs_queue, link);
        if (q->name && !strcasecmp(q->name, name)) return q;
    }
    return NULL;
}

/* A name is 1..HS_QUEUE_NAME_MAX bytes with no NUL and no backslash (it
 * would name an object path on Windows). */
static char *read_name(const uint8_t *in, uint32_t len, struct hs_queue_name *p, uint32_t *err)
{
    char *name;

    *err = ERROR_INVALID_PARAMETER;
    if (len < sizeof(*p)) return NULL;
    memcpy(p, in, sizeof(*p));
    if (!p->name_len || p->name_len > HS_QUEUE_NAME_MAX * 3 || p->name_len > len - sizeof(*p)) return NULL;
    in += sizeof(*p);
    if (memchr(in, 0, p->name_len) || memchr(in, '\\', p->name_len)) { *err = ERROR_INVALID_NAME; return NULL; }
    if (!(name = malloc(p->name_len + 1))) { *err = ERROR_NOT_ENOUGH_MEMORY; return NULL; }
    memcpy(name, in, p->name_len);
    name[p->name_len] = 0;
    *err = 0;
    return name;
}

/* The security descriptor after the name (HS_QNAME_SD): a u32 length and
 * exactly that many bytes to the end of the input.  The engine only keeps
 * and returns it; the library of the process that opens the queue checks
 * its access against it.  NULL with *err 0: none was given. */
static uint8_t *read_sd(const uint8_t *in, uint32_t len, const struct hs_queue_name *p, uint32_t *sd_len,
                        uint32_t *err)
{
    uint32_t at = sizeof(*p) + p->name_len, n;
    uint8_t *sd;

    *sd_len = 0;
    *err = 0;
    if (!(p->flags & HS_QNAME_SD)) return NULL;
    *err = ERROR_INVALID_PARAMETER;
    if ((p->flags & (HS_QNAME_CREATE | HS_QNAME_OPEN)) != HS_QNAME_CREATE || len - at < sizeof(n)) return NULL;
    memcpy(&n, in + at, sizeof(n));
    at += sizeof(n);
    if (n < HS_QUEUE_SD_MIN || n > HS_QUEUE_SD_MAX || n != len - at) return NULL;
    if (!(sd = malloc(n))) { *err = ERROR_NOT_ENOUGH_MEMORY; return NULL; }
    memcpy(sd, in + at, n);
    *sd_len = n;
    *err = 0;
    return sd;
}

static uint32_t name_queue(struct hs_engine *eng, struct hs_file *f, char *name, uint32_t flags)
{
    struct hs_queue *q = f->queue;

    if (!q || q->name || (flags & HS_QNAME_DELEGATION)) return ERROR_INVALID_PARAMETER;
    if (!name && !(flags & HS_QNAME_CONTROLLER)) return ERROR_INVALID_PARAMETER;
    if (name && find_by_name(eng, name)) return ERROR_ALREADY_EXISTS;
    q->name = name;
    if (flags & HS_QNAME_CONTROLLER)
    {
        q->controller_pid = f->pid;
        f->flags |= HS_QNAME_CONTROLLER;
    }
    return 0;
}

/* The opener gets the queue's security descriptor, or joins nothing. */
static uint32_t open_queue(struct hs_engine *eng, struct hs_op *op, const char *name, uint32_t flags,
                           struct hs_queue **found)
{
    struct hs_file *f = op->file;
    struct hs_queue *q;

    if (f->queue || (flags & HS_QNAME_CONTROLLER)) return ERROR_INVALID_PARAMETER;
    if (!(q = find_by_name(eng, name))) return ERROR_FILE_NOT_FOUND;
    if (q->sd_len > op->out_size) return ERROR_INSUFFICIENT_BUFFER;
    f->queue = q;
    f->flags |= flags & HS_QNAME_DELEGATION;
    hs_list_add_tail(&q->files, &f->queue_link);
    *found = q;
    return 0;
}

void hs_queue_name_ioctl(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_queue_name p;
    struct hs_queue *opened = NULL;
    uint32_t err, sd_len = 0;
    char *name = read_name(in, len, &p, &err);
    uint8_t *sd = name ? read_sd(in, len, &p, &sd_len, &err) : NULL;

    /* a controller's queue may have no name: only its handle's role is set */
    if (!name && err == ERROR_INVALID_PARAMETER && len >= sizeof(p) && !p.name_len &&
        p.flags == (HS_QNAME_CREATE | HS_QNAME_CONTROLLER))
        err = name_queue(eng, op->file, NULL, p.flags);
    else if (name && !err)
    {
        if ((p.flags & (HS_QNAME_CREATE | HS_QNAME_OPEN)) == HS_QNAME_CREATE)
        {
            if (!(err = name_queue(eng, op->file, name, p.flags)))
            {
                name = NULL;   /* the queue keeps it, and the descriptor */
                op->file->queue->sd = sd;
                op->file->queue->sd_len = sd_len;
                sd = NULL;
            }
        }
        else if ((p.flags & (HS_QNAME_CREATE | HS_QNAME_OPEN)) == HS_QNAME_OPEN)
            err = open_queue(eng, op, name, p.flags, &opened);
        else
            err = ERROR_INVALID_PARAMETER;
    }
    free(name);
    free(sd);
    if (opened) hs_engine_complete(eng, op, 0, opened->sd_len, opened->sd, opened->sd_len);
    else hs_engine_complete(eng, op, err, 0, NULL, 0);
}

int hs_queue_file_does_io(const struct hs_file *f)
{
    return !(f->flags & HS_QNAME_CONTROLLER);
}

static void cancel_demand_wait(struct hs_op *op)
{
    hs_list_remove(&op->wait_link);
    hs_list_init(&op->wait_link);
}

/* Only the controller's process may wait, one wait at a time (both as
 * HttpWaitForDemandStart documents).  A request that already waits for a
 * receive is demand: the wait ends at once. */
void hs_queue_demand_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op)
{
    if (!q->controller_pid || q->controller_pid != op->file->pid)
    {
        hs_engine_complete(eng, op, ERROR_INVALID_ID_AUTHORITY, 0, NULL, 0);
        return;
    }
    if (!hs_list_empty(&q->demand_waiters))
    {
        hs_engine_complete(eng, op, ERROR_ALREADY_EXISTS, 0, NULL, 0);
        return;
    }
    hs_queue_poll(eng, q);
    if (!hs_list_empty(&q->ready) || !hs_list_empty(&q->published))
    {
        hs_engine_complete(eng, op, 0, 0, NULL, 0);
        return;
    }
    hs_engine_pend(eng, op, &q->demand_waiters, cancel_demand_wait);
}

void hs_queue_demand(struct hs_engine *eng, struct hs_queue *q)
{
    if (hs_list_empty(&q->demand_waiters)) return;
    hs_engine_complete(eng, HS_CONTAINER(q->demand_waiters.next, struct hs_op, wait_link), 0, 0, NULL, 0);
}

void hs_queue_name_release(struct hs_engine *eng, struct hs_queue *q)
{
    while (!hs_list_empty(&q->demand_waiters))
        hs_engine_complete(eng, HS_CONTAINER(q->demand_waiters.next, struct hs_op, wait_link),
                           ERROR_OPERATION_ABORTED, 0, NULL, 0);
    free(q->name);
    q->name = NULL;
    free(q->sd);
    q->sd = NULL;
    q->sd_len = 0;
}

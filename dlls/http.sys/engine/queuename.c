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

static uint32_t open_queue(struct hs_engine *eng, struct hs_file *f, const char *name, uint32_t flags)
{
    struct hs_queue *q;

    if (f->queue || (flags & HS_QNAME_CONTROLLER)) return ERROR_INVALID_PARAMETER;
    if (!(q = find_by_name(eng, name))) return ERROR_FILE_NOT_FOUND;
    f->queue = q;
    f->flags |= flags & HS_QNAME_DELEGATION;
    hs_list_add_tail(&q->files, &f->queue_link);
    return 0;
}

void hs_queue_name_ioctl(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_queue_name p;
    uint32_t err;
    char *name = read_name(in, len, &p, &err);

    /* a controller's queue may have no name: only its handle's role is set */
    if (!name && err == ERROR_INVALID_PARAMETER && len >= sizeof(p) && !p.name_len &&
        p.flags == (HS_QNAME_CREATE | HS_QNAME_CONTROLLER))
        err = name_queue(eng, op->file, NULL, p.flags);
    else if (name)
    {
        if ((p.flags & (HS_QNAME_CREATE | HS_QNAME_OPEN)) == HS_QNAME_CREATE)
        {
            if (!(err = name_queue(eng, op->file, name, p.flags))) name = NULL;   /* the queue keeps it */
        }
        else if ((p.flags & (HS_QNAME_CREATE | HS_QNAME_OPEN)) == HS_QNAME_OPEN)
            err = open_queue(eng, op->file, name, p.flags);
        else
            err = ERROR_INVALID_PARAMETER;
        free(name);
    }
    hs_engine_complete(eng, op, err, 0, NULL, 0);
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
}

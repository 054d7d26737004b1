/*
 * Delegation.  The target is named by a queue this process holds a handle
 * to (it opened the receiver's named queue) and a URL group bound to it;
 * the request takes that group's registration of the URL, so the receiver
 * sees its own UrlContext, and a new id in its queue.  Only a request the
 * source has not begun to answer, nor read body from, can go: nothing of
 * it may be lost on the way.
 */
#include <stdlib.h>
#include <string.h>

#include "delegate.h"
#include "conn.h"
#include "queue.h"
#include "request.h"
#include "router.h"
#include "urlgroup.h"
#include "urlprefix.h"
#include "conntimer.h"
#include "log.h"

#define ERROR_NOT_ENOUGH_MEMORY  8
#define ERROR_INVALID_PARAMETER  87
#define ERROR_NOT_FOUND          1168
#define ERROR_CONNECTION_INVALID 1229

#define URL_MAX 4096

static int process_holds(const struct hs_queue *q, uint32_t pid)
{
    const struct hs_list *cur;

    HS_LIST_FOR_EACH(cur, &q->files)
        if (HS_CONTAINER(cur, struct hs_file, queue_link)->pid == pid) return 1;
    return 0;
}

/* The registration of a group bound to q that equals prefix (NULL: the
 * first of group, or of any group bound to q when group is 0). */
static const struct hs_registration *find_registration(struct hs_engine *eng, struct hs_queue *q, uint64_t group,
                                                       const struct hs_prefix *prefix, struct hs_group **owner)
{
    size_t i;

    for (i = 0; i < eng->router.count; i++)
    {
        const struct hs_registration *reg = &eng->router.regs[i];
        struct hs_group *g;

        if (!(reg->owner & HS_OWNER_GROUP) || !(g = hs_group_find(eng, reg->owner))) continue;
        if (g->queue != q || (group && g->id != group)) continue;
        if (prefix && !hs_prefix_equal(&reg->prefix, prefix)) continue;
        *owner = g;
        return reg;
    }
    return NULL;
}

static uint32_t parse_url(const uint8_t *in, uint32_t len, struct hs_prefix *prefix)
{
    if (!len || len > URL_MAX) return ERROR_INVALID_PARAMETER;
    return hs_prefix_parse((const char *)in, len, prefix) ? ERROR_INVALID_PARAMETER : 0;
}

void hs_find_group_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    const struct hs_registration *reg;
    struct hs_prefix prefix;
    struct hs_group *g = NULL;
    uint32_t err;

    if ((err = parse_url(in, len, &prefix)))
    {
        hs_engine_complete(eng, op, err, 0, NULL, 0);
        return;
    }
    reg = find_registration(eng, q, 0, &prefix, &g);
    hs_prefix_free(&prefix);
    if (!reg) hs_engine_complete(eng, op, ERROR_NOT_FOUND, 0, NULL, 0);
    else hs_engine_complete(eng, op, 0, sizeof(g->id), &g->id, sizeof(g->id));
}

static uint32_t delegate(struct hs_engine *eng, struct hs_queue *src, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    const struct hs_registration *reg;
    struct hs_prefix prefix, *url = NULL;
    struct hs_delegate d;
    struct hs_request *req;
    struct hs_queue *dst;
    struct hs_group *g = NULL;
    uint32_t err;

    if (len < sizeof(d)) return ERROR_INVALID_PARAMETER;
    memcpy(&d, in, sizeof(d));
    if (d.url_len > len - sizeof(d)) return ERROR_INVALID_PARAMETER;
    hs_queue_poll(eng, src);
    if (!(req = hs_queue_find_request(src, d.request_id)) || !req->conn || req->conn->dead ||
        (req->state != RS_DELIVERED && req->state != RS_BOUND))
        return ERROR_CONNECTION_INVALID;
    /* begun to answer, or body already read: the receiver could not have it whole */
    if (req->headers_sent || req->body_total != req->body_len) return ERROR_INVALID_PARAMETER;
    if (!(dst = hs_queue_by_id(eng, d.dst_queue_id)) || dst == src || !process_holds(dst, op->file->pid))
        return ERROR_INVALID_PARAMETER;
    if (d.url_len)
    {
        if ((err = parse_url(in + sizeof(d), d.url_len, &prefix))) return err;
        url = &prefix;
    }
    reg = find_registration(eng, dst, d.group, url, &g);
    if (url) hs_prefix_free(url);
    if (!reg) return ERROR_INVALID_PARAMETER;
    if ((err = hs_request_move(eng, req, dst, reg->context, g->key))) return err;
    TRACE("request delegated to queue %llu as %#llx", (unsigned long long)dst->id, (unsigned long long)req->id);
    hs_request_offer(eng, req);
    if (req->conn && !req->conn->dead) hs_conn_timer_update(req->conn, 0);   /* RequestQueue, in its new queue */
    return 0;
}

void hs_delegate_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    hs_engine_complete(eng, op, delegate(eng, q, op, in, len), 0, NULL, 0);
}

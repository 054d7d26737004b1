/*
 * The fast path: requests claimed from, and responses written to, the
 * queue's shared memory, with no wineserver or driver round trip.
 *
 * Ring protocol (include/httpsys_proto.h): the engine publishes request
 * records; a server claims one with a compare-and-swap and reports what it
 * did (result, body bytes taken).  Servers reserve response space with a
 * compare-and-swap on resp_reserve, write the record, and commit it; the
 * engine consumes committed records.  A server rings the doorbell only when
 * the engine has said it is going to sleep.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"
#include "reqimage.h"

#define REC_HDR ((uint32_t)sizeof(struct hs_ring_record))

static uint8_t *req_ring(struct queue *q) { return (uint8_t *)q->shm + q->shm->req_ring_off; }
static uint8_t *resp_ring(struct queue *q) { return (uint8_t *)q->shm + q->shm->resp_ring_off; }
static struct hs_shm_slot *slot_of(struct queue *q, uint64_t id)
{
    return (struct hs_shm_slot *)((uint8_t *)q->shm + q->shm->slots_off) + HS_SLOT_OF(id);
}

/* A successful Basic logon is of the prefix's one account, the user this
 * process runs as: the caller gets a primary token of it (what LogonUser
 * returns), which it closes.  The driver does the same for the requests
 * it delivers. */
static HANDLE logon_token(void)
{
    HANDLE own, dup;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_DUPLICATE, &own)) return NULL;
    if (!DuplicateTokenEx(own, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenPrimary, &dup)) dup = NULL;
    CloseHandle(own);
    if (!dup) WARN("no token for a Basic logon: %lu\n", GetLastError());
    return dup;
}

/* Builds the image from a claimed record and reports back to the engine. */
static ULONG take_record(struct queue *q, struct hs_ring_record *rec, uint32_t wire_size, ULONG flags,
                         void *buf, ULONG len, ULONG *bytes)
{
    struct hs_image_result res;

    hs_image_build((const struct hs_wire_request *)(rec + 1), wire_size, q->image, flags,
                   (uint64_t)(ULONG_PTR)buf, buf, len, &res);
    if (!res.error && res.token_at)
    {
        HANDLE token = logon_token();
        memcpy((BYTE *)buf + res.token_at, &token, sizeof(token));
    }
    rec->result = res.error;
    rec->body_taken = res.body_taken;
    __atomic_store_n(&rec->state, HS_REC_TAKEN, __ATOMIC_RELEASE);
    __atomic_sub_fetch(&q->shm->req_ready, 1, __ATOMIC_SEQ_CST);
    if (res.error == ERROR_MORE_DATA) { *bytes = res.needed; return ERROR_MORE_DATA; }
    if (res.error) return ERROR_INTERNAL_ERROR;
    *bytes = res.written;
    return NO_ERROR;
}

void fastpath_start_looking(struct queue *q)
{
    if (q->shm) __atomic_add_fetch(&q->shm->servers_looking, 1, __ATOMIC_SEQ_CST);
}

/* The last thread to stop looking wakes the engine if requests are left in
 * the ring: receives waiting in the driver must take them now.  (The engine
 * looks at the count again after each request it publishes, so one that
 * lands after the check below is not left behind either.) */
void fastpath_stop_looking(struct queue *q)
{
    struct hs_shm_header *h = q->shm;

    if (!h) return;
    if (!__atomic_sub_fetch(&h->servers_looking, 1, __ATOMIC_SEQ_CST) &&
        __atomic_load_n(&h->req_ready, __ATOMIC_SEQ_CST))
        queue_ring_doorbell(q);
}

ULONG fastpath_receive(struct queue *q, ULONG flags, void *buf, ULONG len, ULONG *bytes, BOOL async)
{
    struct hs_shm_header *h = q->shm;
    uint64_t size, pos, head;

    if (!h || !__atomic_load_n(&h->req_ready, __ATOMIC_ACQUIRE)) return FP_NOTHING;
    size = h->req_ring_size;
    pos = __atomic_load_n(&h->req_tail, __ATOMIC_ACQUIRE);
    head = __atomic_load_n(&h->req_head, __ATOMIC_ACQUIRE);
    while (pos < head)
    {
        struct hs_ring_record *rec = (struct hs_ring_record *)(req_ring(q) + pos % size);
        uint32_t rsize = rec->size, expected = HS_REC_PUBLISHED, wire_size;
        const struct hs_wire_request *w = (const struct hs_wire_request *)(rec + 1);

        /* the engine may be recycling this space under us: check before trusting */
        if (rsize < REC_HDR || (rsize & 7) || pos % size + rsize > size || pos + rsize > head) return FP_NOTHING;
        if (__atomic_load_n(&rec->state, __ATOMIC_ACQUIRE) == HS_REC_PUBLISHED && rec->kind == HS_KIND_REQUEST)
        {
            wire_size = w->size;
            if (wire_size > rsize - REC_HDR) return FP_NOTHING;
            if (async)
            {
                /* An OVERLAPPED receive that would end in ERROR_MORE_DATA
                 * goes to the driver, which completes it the Windows way. */
                struct hs_image_result probe;
                hs_image_build(w, wire_size, q->image, flags, 0, NULL, 0, &probe);
                if ((probe.error && probe.error != ERROR_MORE_DATA) || probe.needed > len) return FP_NOTHING;
            }
            if (__atomic_compare_exchange_n(&rec->state, &expected, HS_REC_CLAIMED, 0,
                                            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                return take_record(q, rec, w->size <= rsize - REC_HDR ? w->size : rsize - REC_HDR, flags, buf, len, bytes);
        }
        pos += rsize;
    }
    return FP_NOTHING;
}

/* Marks a send in progress on a live request; a Win32 error otherwise. */
ULONG fastpath_begin_send(struct queue *q, uint64_t request_id)
{
    struct hs_shm_slot *slot;
    uint32_t state;

    if (!q->shm) return NO_ERROR;
    slot = slot_of(q, request_id);
    if (__atomic_load_n(&slot->request_id, __ATOMIC_ACQUIRE) != request_id ||
        (__atomic_load_n(&slot->engine_state, __ATOMIC_ACQUIRE) & HS_SLOT_DEAD))
        return ERROR_CONNECTION_INVALID;
    state = __atomic_load_n(&slot->app_state, __ATOMIC_ACQUIRE);
    for (;;)
    {
        if ((state & ~HS_SLOT_STATE_BITS) != HS_SLOT_TAG(request_id)) return ERROR_CONNECTION_INVALID;
        if (state & HS_SLOT_FINAL) return ERROR_CONNECTION_INVALID;
        if (state & HS_SLOT_SENDING) return ERROR_BAD_COMMAND;
        if (__atomic_compare_exchange_n(&slot->app_state, &state, state | HS_SLOT_SENDING, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return NO_ERROR;
    }
}

/* The engine may have ended the request and given its slot to another
 * already: hs_slot_update changes nothing then. */
void fastpath_abort_send(struct queue *q, uint64_t request_id)
{
    if (q->shm) hs_slot_update(&slot_of(q, request_id)->app_state, request_id, 0, HS_SLOT_SENDING);
}

/* Ends a send begun with fastpath_begin_send, after the record is in. */
static void end_send(struct queue *q, const struct hs_wire_response *r)
{
    uint32_t set = (r->kind == HS_RESP_HEADERS ? HS_SLOT_HEADERS : 0) | (r->flags & HTTP_SEND_RESPONSE_FLAG_MORE_DATA ? 0 : HS_SLOT_FINAL);

    hs_slot_update(&slot_of(q, r->request_id)->app_state, r->request_id, set, HS_SLOT_SENDING);
}

/* Writes the response into the ring.  *done is FALSE when it does not fit
 * (the caller then sends it through the driver). */
ULONG fastpath_send(struct queue *q, const struct hs_wire_response *r, BOOL *done)
{
    struct hs_shm_header *h = q->shm;
    uint64_t size = h->resp_ring_size, need = hs_ring_record_size(r->size), reserve, tail, pad, total;
    struct hs_ring_record *rec;

    *done = FALSE;
    if (need > size / 4) return NO_ERROR;
    reserve = __atomic_load_n(&h->resp_reserve, __ATOMIC_ACQUIRE);
    for (;;)
    {
        uint64_t to_end = size - reserve % size;
        pad = to_end < need ? to_end : 0;
        total = pad + need;
        tail = __atomic_load_n(&h->resp_tail, __ATOMIC_ACQUIRE);
        if (reserve + total - tail > size) return NO_ERROR;    /* full: the slow path waits for room */
        if (__atomic_compare_exchange_n(&h->resp_reserve, &reserve, reserve + total, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            break;
    }
    if (pad)
    {
        rec = (struct hs_ring_record *)(resp_ring(q) + reserve % size);
        rec->kind = HS_KIND_PAD;
        rec->request_id = 0;
        /* state and size in one store: the engine never sees a size-less header */
        __atomic_store_n((uint64_t *)rec, ((uint64_t)pad << 32) | HS_REC_COMMITTED, __ATOMIC_RELEASE);
        reserve += pad;
    }
    rec = (struct hs_ring_record *)(resp_ring(q) + reserve % size);
    __atomic_store_n((uint64_t *)rec, (need << 32) | HS_REC_RESERVED, __ATOMIC_RELEASE);
    rec->kind = HS_KIND_RESPONSE;
    rec->request_id = r->request_id;
    memcpy(rec + 1, r, r->size);
    __atomic_store_n(&rec->state, HS_REC_COMMITTED, __ATOMIC_RELEASE);
    end_send(q, r);
    queue_ring_doorbell(q);
    *done = TRUE;
    return NO_ERROR;
}

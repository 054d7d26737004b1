#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "shmq.h"
#include "log.h"

#define REC_HDR ((uint32_t)sizeof(struct hs_ring_record))

struct hs_shmq
{
    char path[256];
    uint8_t *base;
    size_t size;
    struct hs_shm_header *hdr;
    struct hs_shm_slot *slots;
    uint8_t *req_ring, *resp_ring;
    uint64_t req_size, resp_size;
    uint64_t req_scan;        /* request ring: first position not yet reaped */
    /* The request ring's positions as the engine keeps them: the header's
     * copies are for the servers to read, and a server may write them. */
    uint64_t req_head, req_tail;
    int req_bad;              /* a bad record was reported */
    /* The response ring's tail, the engine's alone for the same reason; the
     * servers write the reserve position, which is checked before use. */
    uint64_t resp_tail;
    int resp_bad;             /* a corrupt response ring was reported */
};

static uint32_t load32(const uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void store32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static uint64_t load64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void store64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

struct hs_shmq *hs_shmq_create(const char *path, uint32_t image)
{
    struct hs_shmq *q = calloc(1, sizeof(*q));
    uint64_t slots_size = (uint64_t)HS_SLOT_COUNT * sizeof(struct hs_shm_slot);
    uint64_t hdr_size = hs_align8(sizeof(struct hs_shm_header));
    int fd;

    if (!q) return NULL;
    snprintf(q->path, sizeof(q->path), "%s", path);
    q->req_size = HS_SHM_REQ_RING_SIZE;
    q->resp_size = HS_SHM_RESP_RING_SIZE;
    q->size = hdr_size + slots_size + q->req_size + q->resp_size;

    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
    {
        ERR("cannot create %s: %s", path, strerror(errno));
        free(q);
        return NULL;
    }
    fchmod(fd, 0600);
    if (ftruncate(fd, (off_t)q->size) ||
        (q->base = mmap(NULL, q->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
    {
        ERR("cannot map %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        free(q);
        return NULL;
    }
    close(fd);

    q->hdr = (struct hs_shm_header *)q->base;
    q->slots = (struct hs_shm_slot *)(q->base + hdr_size);
    q->req_ring = q->base + hdr_size + slots_size;
    q->resp_ring = q->req_ring + q->req_size;
    q->hdr->header_size = (uint32_t)sizeof(struct hs_shm_header);
    q->hdr->slot_count = HS_SLOT_COUNT;
    q->hdr->slots_off = hdr_size;
    q->hdr->req_ring_off = hdr_size + slots_size;
    q->hdr->req_ring_size = q->req_size;
    q->hdr->resp_ring_off = q->hdr->req_ring_off + q->req_size;
    q->hdr->resp_ring_size = q->resp_size;
    q->hdr->image = image;
    q->hdr->version = HS_SHM_VERSION;
    store32(&q->hdr->magic, HS_SHM_MAGIC);
    return q;
}

void hs_shmq_destroy(struct hs_shmq *q)
{
    if (!q) return;
    hs_shmq_mark_closed(q);
    munmap(q->base, q->size);
    unlink(q->path);
    free(q);
}

int hs_shmq_sweep(const char *dir, const char *name_prefix)
{
    size_t plen = strlen(name_prefix);
    struct dirent *de;
    DIR *d = opendir(dir);
    int count = 0;

    if (!d) return 0;
    while ((de = readdir(d)))
    {
        char path[512];
        struct stat st;
        struct hs_shm_header *hdr;
        int fd;

        if (strncmp(de->d_name, name_prefix, plen)) continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0) continue;
        if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == getuid() &&
            st.st_size >= (off_t)sizeof(*hdr) &&
            (hdr = mmap(NULL, sizeof(*hdr), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) != MAP_FAILED)
        {
            if (load32(&hdr->magic) == HS_SHM_MAGIC)
            {
                store32(&hdr->closed, 1);
                unlink(path);
                count++;
            }
            munmap(hdr, sizeof(*hdr));
        }
        close(fd);
    }
    closedir(d);
    return count;
}

const char *hs_shmq_path(const struct hs_shmq *q) { return q->path; }
uint32_t hs_shmq_size(const struct hs_shmq *q) { return (uint32_t)q->size; }
void hs_shmq_set_image(struct hs_shmq *q, uint32_t image) { q->hdr->image = image; }
void hs_shmq_mark_closed(struct hs_shmq *q) { store32(&q->hdr->closed, 1); }
void hs_shmq_set_idle(struct hs_shmq *q, int idle) { __atomic_store_n(&q->hdr->engine_idle, (uint32_t)idle, __ATOMIC_SEQ_CST); }

static struct hs_ring_record *req_rec(struct hs_shmq *q, uint64_t pos)
{
    return (struct hs_ring_record *)(q->req_ring + pos % q->req_size);
}

static struct hs_ring_record *resp_rec(struct hs_shmq *q, uint64_t pos)
{
    return (struct hs_ring_record *)(q->resp_ring + pos % q->resp_size);
}

int hs_shmq_publish(struct hs_shmq *q, uint64_t request_id, const uint8_t *wire, uint32_t wire_len,
                    const uint8_t *body, uint32_t body_len, uint64_t *pos)
{
    uint64_t head = q->req_head, tail = q->req_tail;
    uint64_t need = hs_ring_record_size((uint64_t)wire_len + body_len);
    uint64_t room_to_end = q->req_size - head % q->req_size, pad = 0;
    struct hs_ring_record *rec;
    struct hs_wire_request *w;

    if (need > q->req_size / 2) return -1;
    if (room_to_end < need) pad = room_to_end;
    if (head + pad + need - tail > q->req_size) return -1;

    if (pad)
    {
        rec = req_rec(q, head);
        rec->size = (uint32_t)pad;
        rec->kind = HS_KIND_PAD;
        rec->request_id = 0;
        store32(&rec->state, HS_REC_WITHDRAWN);
        head += pad;
    }
    rec = req_rec(q, head);
    rec->state = HS_REC_FREE;
    rec->size = (uint32_t)need;
    rec->kind = HS_KIND_REQUEST;
    rec->result = 0;
    rec->request_id = request_id;
    rec->body_taken = 0;
    memcpy(rec + 1, wire, wire_len);
    w = (struct hs_wire_request *)(rec + 1);
    /* the body follows the wire request inside the same blob */
    if (body_len) memcpy((uint8_t *)(rec + 1) + wire_len, body, body_len);
    w->size = wire_len + body_len;
    w->body.off = body_len ? wire_len : 0;
    w->body.len = body_len;
    store32(&rec->state, HS_REC_PUBLISHED);
    *pos = head;
    __atomic_add_fetch(&q->hdr->req_ready, 1, __ATOMIC_SEQ_CST);
    q->req_head = head + need;
    store64(&q->hdr->req_head, q->req_head);
    return 0;
}

int hs_shmq_withdraw(struct hs_shmq *q, uint64_t pos)
{
    struct hs_ring_record *rec = req_rec(q, pos);
    uint32_t expected = HS_REC_PUBLISHED;

    if (!__atomic_compare_exchange_n(&rec->state, &expected, HS_REC_WITHDRAWN, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return 0;
    __atomic_sub_fetch(&q->hdr->req_ready, 1, __ATOMIC_SEQ_CST);
    return 1;
}

int hs_shmq_servers_looking(const struct hs_shmq *q)
{
    return __atomic_load_n(&q->hdr->servers_looking, __ATOMIC_SEQ_CST) != 0;
}

void hs_shmq_add_handed_over(struct hs_shmq *q, int delta)
{
    __atomic_add_fetch(&q->hdr->handed_over, (uint32_t)delta, __ATOMIC_SEQ_CST);
}

int hs_shmq_has_unclaimed(const struct hs_shmq *q)
{
    return __atomic_load_n(&q->hdr->req_ready, __ATOMIC_SEQ_CST) != 0;
}

int hs_shmq_has_published(const struct hs_shmq *q)
{
    return q->req_head != q->req_tail;
}

int hs_shmq_reap(struct hs_shmq *q, void (*fn)(void *ctx, const struct hs_taken *t), void *ctx)
{
    uint64_t head = q->req_head, pos = q->req_tail, tail = pos;
    int tail_moving = 1, count = 0;

    while (pos < head)
    {
        struct hs_ring_record *rec = req_rec(q, pos);
        uint32_t state = load32(&rec->state);
        uint32_t size = rec->size;

        /* the engine wrote it, but the segment is the servers' to write too:
         * a size that cannot be ends the scan (only this queue suffers) */
        if (!size || (size & 7) || size > head - pos)
        {
            if (!q->req_bad) ERR("bad request record in %s at %llu", q->path, (unsigned long long)pos);
            q->req_bad = 1;
            break;
        }

        if (state == HS_REC_TAKEN)
        {
            struct hs_taken t = { rec->request_id, pos, rec->result, rec->body_taken };
            /* mark it handled so a later pass does not report it again */
            store32(&rec->state, HS_REC_WITHDRAWN);
            fn(ctx, &t);
            count++;
            state = HS_REC_WITHDRAWN;
        }
        if (tail_moving && state == HS_REC_WITHDRAWN) tail = pos + size;
        else tail_moving = 0;
        pos += size;
    }
    if (tail != q->req_tail)
    {
        q->req_tail = tail;
        store64(&q->hdr->req_tail, tail);
    }
    return count;
}

/* Validates a committed response record header before trusting its size. */
static int resp_size_ok(struct hs_shmq *q, uint64_t pos, uint64_t reserve, uint32_t size)
{
    uint64_t to_end = q->resp_size - pos % q->resp_size;
    return size >= REC_HDR && !(size & 7) && size <= to_end && pos + size <= reserve;
}

int hs_shmq_has_responses(const struct hs_shmq *q)
{
    return load64(&q->hdr->resp_reserve) != q->resp_tail;
}

int hs_shmq_consume(struct hs_shmq *q, void (*fn)(void *ctx, const struct hs_wire_response *r, uint32_t size), void *ctx)
{
    uint64_t reserve = load64(&q->hdr->resp_reserve), tail = q->resp_tail, pos = tail;
    int tail_moving = 1, count = 0;

    /* Records are whole multiples of 8 from 0: a position that is not, or
     * more than a ring's worth, was written by a broken or hostile server */
    if ((reserve & 7) || (tail & 7) || reserve - tail > q->resp_size)
    {
        if (!q->resp_bad) ERR("response ring of %s is corrupt; resetting it", q->path);
        q->resp_bad = 1;
        memset(q->resp_ring, 0, q->resp_size);
        q->resp_tail = reserve;
        store64(&q->hdr->resp_tail, reserve);
        return 0;
    }
    while (pos < reserve)
    {
        struct hs_ring_record *rec = resp_rec(q, pos);
        uint32_t state = load32(&rec->state), size = rec->size;

        if (state == HS_REC_FREE) break;            /* a server is still writing it */
        if (!resp_size_ok(q, pos, reserve, size))
        {
            if (!q->resp_bad) ERR("bad response record in %s; dropping the rest of the ring", q->path);
            q->resp_bad = 1;
            memset(q->resp_ring, 0, q->resp_size);
            q->resp_tail = reserve;
            store64(&q->hdr->resp_tail, reserve);
            return count;
        }
        if (state == HS_REC_COMMITTED)
        {
            if (rec->kind == HS_KIND_RESPONSE)
            {
                const struct hs_wire_response *r = (const struct hs_wire_response *)(rec + 1);
                fn(ctx, r, size - REC_HDR);
                count++;
            }
            store32(&rec->state, HS_REC_CONSUMED);
            state = HS_REC_CONSUMED;
        }
        if (tail_moving && state == HS_REC_CONSUMED)
        {
            /* zero it: servers write headers into this space next lap, and a
             * stale state word must never look committed */
            memset(rec, 0, size);
            tail = pos + size;
        }
        else tail_moving = 0;
        pos += size;
    }
    if (tail != q->resp_tail)
    {
        q->resp_tail = tail;
        store64(&q->hdr->resp_tail, tail);
    }
    return count;
}

void hs_shmq_slot_open(struct hs_shmq *q, uint32_t slot, uint64_t request_id)
{
    struct hs_shm_slot *s = &q->slots[slot];
    store32(&s->app_state, HS_SLOT_TAG(request_id));
    store32(&s->engine_state, 0);
    store64(&s->request_id, request_id);
}

void hs_shmq_slot_close(struct hs_shmq *q, uint32_t slot)
{
    store64(&q->slots[slot].request_id, 0);
}

void hs_shmq_slot_dead(struct hs_shmq *q, uint32_t slot)
{
    __atomic_or_fetch(&q->slots[slot].engine_state, HS_SLOT_DEAD, __ATOMIC_SEQ_CST);
}

void hs_shmq_slot_clear_app_bits(struct hs_shmq *q, uint64_t request_id, uint32_t bits)
{
    hs_slot_update(&q->slots[HS_SLOT_OF(request_id)].app_state, request_id, 0, bits);
}

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cachectl.h"
#include "cache.h"
#include "queue.h"
#include "response.h"
#include "errpage.h"
#include "urlprefix.h"
#include "wire.h"
#include "log.h"

#define ERROR_PATH_NOT_FOUND      3
#define ERROR_NOT_ENOUGH_MEMORY   8
#define ERROR_NOT_SUPPORTED       50
#define ERROR_INVALID_PARAMETER   87
#define ERROR_MORE_DATA           234
#define ERROR_NO_SYSTEM_RESOURCES 1450

#define POLICY_USER_INVALIDATES 1
#define POLICY_TIME_TO_LIVE     2
#define FLUSH_RECURSIVE         1   /* HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE */
#define SEND_FLAG_DISCONNECT    0x1
#define SEND_FLAG_MORE_DATA     0x2
#define SEND_FLAG_OPAQUE        0x40

/* HTTP_HEADER_ID of the request headers the rules look at */
#define H_TRANSFER_ENCODING  6
#define H_CONTENT_LENGTH     11
#define H_AUTHORIZATION      24
#define H_EXPECT             26
#define H_IF_MATCH           29
#define H_IF_MODIFIED_SINCE  30
#define H_IF_NONE_MATCH      31
#define H_IF_RANGE           32
#define H_IF_UNMODIFIED_SINCE 33
#define H_RANGE              37
#define H_TRANSLATE          39
/* and of the response */
#define H_DATE               2
#define H_LAST_MODIFIED      19

static struct hs_cache *cache_of(struct hs_engine *eng)
{
    if (!eng->cache) eng->cache = hs_cache_new();
    return eng->cache;
}

/* ---- the scavenger ------------------------------------------------------------ */

static uint64_t scavenger_period_ms(const struct hs_engine *eng)
{
    return (uint64_t)eng->cfg.uri_scavenger_period * 1000;
}

/* Every UriScavengerPeriod, entries nobody used since the last pass go
 * (and expired ones, which lookups would drop anyway). */
static void scavenge_due(struct hs_timer *t)
{
    struct hs_engine *eng = HS_CONTAINER(t, struct hs_engine, cache_scavenger);
    uint64_t now = hs_now_ms(), period = scavenger_period_ms(eng);
    size_t gone = hs_cache_scavenge(eng->cache, now, now >= period ? now - period + 1 : 0);

    if (gone) TRACE("scavenger: %zu cache entries removed", gone);
    if (hs_cache_count(eng->cache, HS_CACHE_FRAGMENT) + hs_cache_count(eng->cache, HS_CACHE_RESPONSE))
        hs_timer_arm(eng->loop, &eng->cache_scavenger, period);
}

static void arm_scavenger(struct hs_engine *eng)
{
    if (eng->cache_scavenger.heap_index) return;
    eng->cache_scavenger.fn = scavenge_due;
    hs_timer_arm(eng->loop, &eng->cache_scavenger, scavenger_period_ms(eng));
}

void hs_cachectl_forget(struct hs_engine *eng, uint64_t owner)
{
    size_t gone = hs_cache_flush_owner(eng->cache, owner);
    if (gone) TRACE("queue %llu: %zu cache entries removed", (unsigned long long)owner, gone);
}

void hs_cachectl_free(struct hs_engine *eng)
{
    hs_timer_cancel(eng->loop, &eng->cache_scavenger);
    hs_cache_free(eng->cache);
    eng->cache = NULL;
}

/* ---- which requests ---------------------------------------------------------- */

/* What the rules need to know of a request, from its parsed head or its wire form. */
struct req_facts
{
    int verb, major;
    int has_body;
    int repeated;                    /* Expect or Translate more than once */
    uint64_t present;                /* known request headers */
    const char *expect, *translate;
    size_t expect_len, translate_len;
};

static int value_is(const char *v, size_t len, const char *want)
{
    return len == strlen(want) && !strncasecmp(v, want, len);
}

static int request_ok(const struct req_facts *f)
{
    static const uint64_t refused = 1ull << H_AUTHORIZATION | 1ull << H_RANGE | 1ull << H_IF_RANGE |
                                    1ull << H_IF_MATCH | 1ull << H_IF_MODIFIED_SINCE | 1ull << H_IF_NONE_MATCH |
                                    1ull << H_IF_UNMODIFIED_SINCE;

    if (f->verb != HP_VERB_GET || f->major < 1 || f->has_body || f->repeated || (f->present & refused)) return 0;
    if ((f->present >> H_EXPECT & 1) && !value_is(f->expect, f->expect_len, "100-continue")) return 0;
    if ((f->present >> H_TRANSLATE & 1) && value_is(f->translate, f->translate_len, "f")) return 0;
    return 1;
}

static void facts_of_head(struct req_facts *f, const struct hp_request *hp, const char *head)
{
    uint32_t i;

    memset(f, 0, sizeof(*f));
    f->verb = hp->verb;
    f->major = hp->version_major;
    f->has_body = hp->body_kind == HP_BODY_CHUNKED || (hp->body_kind == HP_BODY_LENGTH && hp->content_length);
    for (i = 0; i < hp->header_count; i++)
    {
        const struct hp_header *h = &hp->headers[i];
        if (h->known < 0) continue;
        if ((h->known == H_EXPECT || h->known == H_TRANSLATE) && (f->present >> h->known & 1)) f->repeated = 1;
        f->present |= 1ull << h->known;
        if (h->known == H_EXPECT) { f->expect = head + h->value_off; f->expect_len = h->value_len; }
        if (h->known == H_TRANSLATE) { f->translate = head + h->value_off; f->translate_len = h->value_len; }
    }
}

static void facts_of_wire(struct req_facts *f, const struct hs_wire_request *w)
{
    const char *blob = (const char *)w;
    const struct hs_str *cl = &w->known[H_CONTENT_LENGTH];
    uint32_t i;

    memset(f, 0, sizeof(*f));
    f->verb = w->verb;
    f->major = w->version_major;
    f->present = (uint64_t)w->known_present_hi << 32 | w->known_present_lo;
    f->expect = blob + w->known[H_EXPECT].off;
    f->expect_len = w->known[H_EXPECT].len;
    f->translate = blob + w->known[H_TRANSLATE].off;
    f->translate_len = w->known[H_TRANSLATE].len;
    f->has_body = (int)(f->present >> H_TRANSFER_ENCODING & 1);
    if (f->present >> H_CONTENT_LENGTH & 1)
        for (i = 0; i < cl->len; i++) if (blob[cl->off + i] != '0') f->has_body = 1;
}

/* ---- answering from the cache -------------------------------------------------- */

static void render(struct hs_engine *eng, const struct hs_wire_response *r, int http10, int keep_alive,
                   int with_body, struct hs_buf *out, int *close_after)
{
    struct hs_resp_result res = { 0, 0, 1, 0 };
    struct hs_resp_ctx ctx;
    char date[32];

    memset(&ctx, 0, sizeof(ctx));
    hs_http_date(time(NULL), date);   /* a fresh Date each time, as for any response */
    ctx.http10 = http10;
    ctx.client_keep_alive = keep_alive;
    ctx.force_close = eng->shutting_down;
    ctx.disable_server_header = eng->cfg.disable_server_header;
    ctx.date = date;
    hs_response_head(out, r, &ctx, &res);
    if (with_body && res.body_allowed) hs_buf_add(out, (const uint8_t *)r + r->body.off, r->body.len);
    *close_after = res.close_after;
}

int hs_cachectl_answer(struct hs_engine *eng, uint64_t owner, const struct hp_request *hp, const char *head,
                       const struct hs_cooked *cooked, int keep_alive, struct hs_buf *out, int *close_after)
{
    struct hs_cache_entry *e;
    struct req_facts f;
    size_t len;
    char *key;

    if (!hs_cache_count(eng->cache, HS_CACHE_RESPONSE)) return 0;
    facts_of_head(&f, hp, head);
    if (!request_ok(&f)) return 0;
    if (!(key = hs_cache_url_key(cooked->url, cooked->url_bytes / 2, cooked->path_off / 2, &len))) return 0;
    e = hs_cache_get(eng->cache, owner, HS_CACHE_RESPONSE, key, len, hs_now_ms());
    free(key);
    if (!e) return 0;
    render(eng, (const struct hs_wire_response *)e->data, hp->version_major == 1 && hp->version_minor == 0,
           keep_alive, 1, out, close_after);
    if (out->failed) return 0;   /* the application answers it, as if nothing were cached */
    TRACE("answered %s from the cache (hit %llu)", e->url, (unsigned long long)e->hits);
    return 1;
}

/* ---- fragments ----------------------------------------------------------------- */

/* The bytes cached under a name for queue owner: a fragment, or the body of
 * a cached response (which the documentation allows to serve as one). */
static uint32_t find_bytes(struct hs_engine *eng, uint64_t owner, const char *key, size_t klen, uint64_t now,
                           const uint8_t **data, uint64_t *len)
{
    struct hs_cache_entry *e;

    if ((e = hs_cache_get(eng->cache, owner, HS_CACHE_FRAGMENT, key, klen, now)))
    {
        *data = e->data;
        *len = e->len;
    }
    else if ((e = hs_cache_get(eng->cache, owner, HS_CACHE_RESPONSE, key, klen, now)))
    {
        const struct hs_wire_response *r = (const struct hs_wire_response *)e->data;
        *data = e->data + r->body.off;
        *len = r->body.len;
    }
    /* what IIS's ReadFragmentFromCache documents for a missing fragment (it
     * passes http.sys's answer on) */
    return e ? 0 : ERROR_PATH_NOT_FOUND;
}

/* offset/length (HS_CACHE_TO_EOF: the rest) within len bytes. */
static uint32_t clip_range(uint64_t len, uint64_t offset, uint64_t *length)
{
    if (offset > len) return ERROR_INVALID_PARAMETER;
    if (*length == HS_CACHE_TO_EOF) *length = len - offset;
    else if (*length > len - offset) return ERROR_INVALID_PARAMETER;
    return 0;
}

uint32_t hs_cachectl_resolve(struct hs_engine *eng, uint64_t owner, const struct hs_wire_response *r,
                             struct hs_frag_piece **pieces, uint64_t *total)
{
    uint32_t n = hs_wire_frag_count(r), i, err = 0;
    uint64_t now = hs_now_ms();
    struct hs_frag_piece *p;

    *pieces = NULL;
    *total = 0;
    if (!n) return 0;
    if (!(p = calloc(n, sizeof(*p)))) return ERROR_NOT_ENOUGH_MEMORY;
    for (i = 0; i < n && !err; i++)
    {
        struct hs_wire_frag g;
        const uint8_t *data;
        uint64_t len, length;
        size_t klen;
        char *key;

        hs_wire_frag_get(r, i, &g);
        length = g.length;
        if (hs_cache_name_key((const char *)r + g.name.off, g.name.len, &key, &klen)) err = ERROR_INVALID_PARAMETER;
        else
        {
            err = find_bytes(eng, owner, key, klen, now, &data, &len);
            free(key);
        }
        if (!err && !(err = clip_range(len, g.offset, &length)))
        {
            p[i].data = data + g.offset;
            p[i].len = length;
            *total += length;
        }
    }
    if (err)
    {
        TRACE("fragment chunk %u of a response: error %u", i - 1, err);
        free(p);
        return err;
    }
    *pieces = p;
    return 0;
}

/* ---- storing responses ----------------------------------------------------------- */

/* IMF-fixdate, the form RFC 9110 asks senders for: "Sun, 06 Nov 1994 08:49:37 GMT". */
static int http_date_ok(const char *v, size_t len)
{
    static const char days[] = "SunMonTueWedThuFriSat", months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const char shape[] = "aaa, 00 aaa 0000 00:00:00 GMT";
    size_t i;
    int day = 0, month = 0;

    if (len != sizeof(shape) - 1) return 0;
    for (i = 0; i < len; i++)
    {
        if (shape[i] == '0' ? (v[i] < '0' || v[i] > '9') : shape[i] != 'a' && v[i] != shape[i]) return 0;
    }
    for (i = 0; i < 7; i++) if (!memcmp(v, days + 3 * i, 3)) day = 1;
    for (i = 0; i < 12; i++) if (!memcmp(v + 8, months + 3 * i, 3)) month = 1;
    return day && month && (v[5] - '0') * 10 + (v[6] - '0') <= 31 && (v[17] - '0') * 10 + (v[18] - '0') <= 23 &&
           v[20] <= '5' && v[23] <= '6';
}

int hs_cachectl_wants(struct hs_engine *eng, const struct hs_request *req, const struct hs_wire_response *r,
                      uint64_t head_len, uint64_t body_len)
{
    uint64_t limit = eng->cfg.uri_max_uri_bytes;
    const struct hs_str *lm = &r->known[H_LAST_MODIFIED];
    struct req_facts f;

    if (!r->cache_policy || !eng->cfg.uri_enable_cache || r->kind != HS_RESP_HEADERS) return 0;
    if (r->flags & (SEND_FLAG_MORE_DATA | SEND_FLAG_OPAQUE)) return 0;
    if (r->cache_policy == POLICY_TIME_TO_LIVE && !r->cache_seconds) return 0;
    /* the whole request arrived, and it had no entity body */
    if (!req->body_complete || req->body_total || !req->wire) return 0;
    facts_of_wire(&f, (const struct hs_wire_request *)req->wire);
    if (!request_ok(&f)) return 0;
    if ((r->known_present >> H_LAST_MODIFIED & 1) && !http_date_ok((const char *)r + lm->off, lm->len)) return 0;
    if (eng->records.max_cache_response && eng->records.max_cache_response < limit)
        limit = eng->records.max_cache_response;
    if (head_len + body_len > limit) return 0;
    return hs_cache_bytes(eng->cache) + r->size + body_len <= HS_CACHE_MAX_BYTES;
}

void hs_cachectl_store(struct hs_engine *eng, const struct hs_request *req, const struct hs_wire_response *r,
                       const uint8_t *body, uint64_t body_len)
{
    const struct hs_wire_request *w = (const struct hs_wire_request *)req->wire;
    uint64_t now = hs_now_ms(), at = hs_align8(r->size), expires = 0;
    struct hs_wire_response *copy;
    struct hs_cache_entry *e;
    uint8_t *blob;
    size_t klen;
    char *key;

    if (!cache_of(eng)) return;
    key = hs_cache_url_key((const uint16_t *)(req->wire + w->cooked_url.off), w->cooked_url.len / 2,
                           w->cooked_path_off / 2, &klen);
    if (!key || !(blob = calloc(1, at + body_len)))
    {
        free(key);
        return;
    }
    /* the response as the application gave it, with its whole body in
     * memory: what answering needs, and nothing that could change */
    memcpy(blob, r, r->size);
    memcpy(blob + at, body, body_len);
    copy = (struct hs_wire_response *)blob;
    copy->size = (uint32_t)(at + body_len);
    copy->body.off = (uint32_t)at;
    copy->body.len = (uint32_t)body_len;
    copy->file_count = copy->file_off = copy->frag_off = 0;
    copy->flags &= ~SEND_FLAG_DISCONNECT;
    copy->known_present &= ~(1u << H_DATE);
    if (r->cache_policy == POLICY_TIME_TO_LIVE) expires = now + (uint64_t)r->cache_seconds * 1000;
    e = hs_cache_put(eng->cache, req->queue->id, HS_CACHE_RESPONSE, key, klen, blob, at + body_len, expires, now);
    if (e)
    {
        e->policy = r->cache_policy;
        e->seconds = r->cache_seconds;
        arm_scavenger(eng);
        TRACE("stored the response to %s", key);
    }
    free(key);
}

/* ---- the IOCTLs ---------------------------------------------------------------- */

/* Whether one of owner's registrations covers the name, as the documentation
 * requires of fragment names and flushed prefixes. */
static int registered_under(struct hs_engine *eng, uint64_t owner, const char *key, size_t len)
{
    struct hs_prefix p;
    char *text = malloc(len + 2);
    size_t i;
    int found = 0;

    if (!text) return 0;
    memcpy(text, key, len);
    if (key[len - 1] != '/') text[len++] = '/';
    if (hs_prefix_parse(text, len, &p)) { free(text); return 0; }
    free(text);
    for (i = 0; i < eng->router.count && !found; i++)
    {
        const struct hs_registration *reg = &eng->router.regs[i];
        const struct hs_prefix *r = &reg->prefix;

        if (reg->owner != owner || r->secure != p.secure || r->port != p.port) continue;
        if (r->kind != HS_HOST_STRONG && r->kind != HS_HOST_WEAK &&
            (r->kind != p.kind || r->host_len != p.host_len || memcmp(r->host, p.host, p.host_len)))
            continue;
        found = p.path_len >= r->path_len && !strncasecmp(p.path, r->path, r->path_len);
    }
    hs_prefix_free(&p);
    return found;
}

static uint32_t read_params(const uint8_t *in, uint32_t len, struct hs_cache_params *p, char **key, size_t *klen)
{
    int err;

    *key = NULL;
    if (len < sizeof(*p)) return ERROR_INVALID_PARAMETER;
    memcpy(p, in, sizeof(*p));
    if (!p->name_len || p->name_len > len - sizeof(*p)) return ERROR_INVALID_PARAMETER;
    if ((err = hs_cache_name_key((const char *)in + sizeof(*p), p->name_len, key, klen)))
        return err == HS_ERROR_NOT_ENOUGH_MEMORY ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER;
    return 0;
}

static uint32_t cache_add(struct hs_engine *eng, struct hs_queue *q, const uint8_t *in, uint32_t len)
{
    struct hs_cache_params p;
    struct hs_cache_entry *e;
    uint64_t now = hs_now_ms();
    const uint8_t *data;
    uint32_t err, size;
    uint8_t *copy;
    size_t klen;
    char *key;

    if ((err = read_params(in, len, &p, &key, &klen))) return err;
    data = in + sizeof(p) + p.name_len;
    size = len - (uint32_t)sizeof(p) - p.name_len;
    if ((p.policy != POLICY_USER_INVALIDATES && p.policy != POLICY_TIME_TO_LIVE) ||
        !registered_under(eng, q->id, key, klen))
        err = ERROR_INVALID_PARAMETER;
    else if (!eng->cfg.uri_enable_cache) err = ERROR_NOT_SUPPORTED;
    else if (size > HS_CACHE_FRAGMENT_MAX ||
             hs_cache_bytes(eng->cache) + size + klen + sizeof(struct hs_cache_entry) > HS_CACHE_MAX_BYTES)
        err = ERROR_NO_SYSTEM_RESOURCES;
    else if (!cache_of(eng) || !(copy = malloc(size ? size : 1))) err = ERROR_NOT_ENOUGH_MEMORY;
    else
    {
        memcpy(copy, data, size);
        e = hs_cache_put(eng->cache, q->id, HS_CACHE_FRAGMENT, key, klen, copy, size,
                         p.policy == POLICY_TIME_TO_LIVE ? now + (uint64_t)p.seconds * 1000 : 0, now);
        if (!e) err = ERROR_NOT_ENOUGH_MEMORY;
        else
        {
            e->policy = p.policy;
            e->seconds = p.seconds;
            arm_scavenger(eng);
        }
    }
    free(key);
    return err;
}

static void cache_read(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_cache_params p;
    const uint8_t *data;
    uint64_t size, offset = 0, length = HS_CACHE_TO_EOF;
    uint32_t err;
    size_t klen;
    char *key;

    if ((err = read_params(in, len, &p, &key, &klen))) goto done;
    err = find_bytes(eng, q->id, key, klen, hs_now_ms(), &data, &size);
    free(key);
    if (err) goto done;
    if (p.flags & HS_CACHE_RANGE)
    {
        offset = p.offset;
        length = p.length;
    }
    if ((err = clip_range(size, offset, &length))) goto done;
    if (length > op->out_size)
    {
        hs_engine_complete(eng, op, ERROR_MORE_DATA, length, NULL, 0);
        return;
    }
    hs_engine_complete(eng, op, 0, length, data + offset, (uint32_t)length);
    return;
done:
    hs_engine_complete(eng, op, err, 0, NULL, 0);
}

static uint32_t cache_flush(struct hs_engine *eng, struct hs_queue *q, const uint8_t *in, uint32_t len)
{
    struct hs_cache_params p;
    uint32_t err;
    size_t klen, gone;
    char *key;

    if ((err = read_params(in, len, &p, &key, &klen))) return err;
    if ((p.flags & ~FLUSH_RECURSIVE) || !registered_under(eng, q->id, key, klen)) err = ERROR_INVALID_PARAMETER;
    else if ((gone = hs_cache_flush(eng->cache, q->id, key, klen, p.flags & FLUSH_RECURSIVE)))
        TRACE("flushed %zu cache entries under %s", gone, key);
    free(key);
    return err;
}

void hs_cachectl_flush_all(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_cache_params p;
    struct hs_list *cur, *next;
    uint32_t err = 0;
    size_t klen, gone = 0;
    char *key = NULL;

    /* what the queues sent through their rings is in the cache first */
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->queues) hs_queue_poll(eng, HS_CONTAINER(cur, struct hs_queue, link));
    if (len < sizeof(p)) err = ERROR_INVALID_PARAMETER;
    else
    {
        memcpy(&p, in, sizeof(p));
        if (p.flags & ~FLUSH_RECURSIVE) err = ERROR_INVALID_PARAMETER;
        else if (!p.name_len) gone = hs_cache_flush_owner(eng->cache, HS_CACHE_ANY_OWNER);
        else if (!(err = read_params(in, len, &p, &key, &klen)))
            gone = hs_cache_flush(eng->cache, HS_CACHE_ANY_OWNER, key, klen, p.flags & FLUSH_RECURSIVE);
    }
    if (gone) TRACE("netsh: %zu cache entries deleted", gone);
    free(key);
    hs_engine_complete(eng, op, err, 0, NULL, 0);
}

void hs_cachectl_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    /* responses that went through the ring before this call are stored first */
    hs_queue_poll(eng, q);
    switch (op->code)
    {
    case HS_IOCTL_CACHE_ADD:   hs_engine_complete(eng, op, cache_add(eng, q, in, len), 0, NULL, 0); break;
    case HS_IOCTL_CACHE_READ:  cache_read(eng, q, op, in, len); break;
    case HS_IOCTL_CACHE_FLUSH: hs_engine_complete(eng, op, cache_flush(eng, q, in, len), 0, NULL, 0); break;
    }
}

/* ---- the service state ---------------------------------------------------------- */

struct describe_ctx { struct hs_engine *eng; struct hs_buf *out; uint64_t now; };

static void describe_entry(void *ctx, const struct hs_cache_entry *e)
{
    struct describe_ctx *d = ctx;
    const struct hs_wire_response *r = (const struct hs_wire_response *)e->data;
    struct hs_buf head = { 0 };
    char line[200];
    int close_after;
    size_t i;

    if (e->kind != HS_CACHE_RESPONSE || (e->expires_ms && d->now >= e->expires_ms)) return;
    render(d->eng, r, 0, 1, 0, &head, &close_after);
    snprintf(line, sizeof(line), "K %llu %u %u %u %llu %zu %u %llu ", (unsigned long long)e->owner, e->policy,
             e->seconds, r->status, (unsigned long long)e->hits, head.len, r->body.len,
             (unsigned long long)((d->now - e->created_ms) / 1000));
    hs_buf_free(&head);
    hs_buf_adds(d->out, line);
    /* one line per entry, whatever a decoded path holds */
    for (i = 0; i < e->url_len; i++)
        hs_buf_add(d->out, (unsigned char)e->url[i] < 0x20 || e->url[i] == 0x7f ? "?" : &e->url[i], 1);
    hs_buf_adds(d->out, "\n");
}

void hs_cachectl_describe(struct hs_engine *eng, struct hs_buf *out)
{
    struct describe_ctx d = { eng, out, hs_now_ms() };
    hs_cache_walk(eng->cache, describe_entry, &d);
}

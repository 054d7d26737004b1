#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <netinet/in.h>

#include "wire.h"

#define WIN_AF_INET  2
#define WIN_AF_INET6 23

void hs_wire_sockaddr(const struct sockaddr *sa, uint8_t out[28])
{
    memset(out, 0, 28);
    if (sa->sa_family == AF_INET)
    {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        uint16_t family = WIN_AF_INET;
        memcpy(out, &family, 2);
        memcpy(out + 2, &sin->sin_port, 2);          /* network order, as Windows keeps it */
        memcpy(out + 4, &sin->sin_addr, 4);
    }
    else if (sa->sa_family == AF_INET6)
    {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        uint16_t family = WIN_AF_INET6;
        memcpy(out, &family, 2);
        memcpy(out + 2, &sin6->sin6_port, 2);
        memcpy(out + 4, &sin6->sin6_flowinfo, 4);
        memcpy(out + 8, &sin6->sin6_addr, 16);
        memcpy(out + 24, &sin6->sin6_scope_id, 4);
    }
}

/* Appends bytes plus a NUL; the string's location goes into *s. */
static void add_str(struct hs_buf *b, struct hs_str *s, const void *p, size_t len)
{
    static const uint8_t nul[2];
    s->off = (uint32_t)b->len;
    s->len = (uint32_t)len;
    hs_buf_add(b, p, len);
    hs_buf_add(b, nul, 1);
}

/* Repeated known headers reach the application as one value, joined the way
 * HTTP joins list values (RFC 9110 §5.3); Cookie uses "; " (RFC 6265 §5.4). */
static void add_known(struct hs_buf *b, struct hs_str *s, const struct hs_wire_input *in, int id)
{
    const struct hp_request *hp = in->hp;
    const char *sep = id == 25 /* HttpHeaderCookie */ ? "; " : ", ";
    uint32_t i;
    int first = 1;

    s->off = (uint32_t)b->len;
    for (i = 0; i < hp->header_count; i++)
    {
        const struct hp_header *h = &hp->headers[i];
        if (h->known != id) continue;
        if (!first) hs_buf_adds(b, sep);
        hs_buf_add(b, in->head + h->value_off, h->value_len);
        first = 0;
    }
    s->len = (uint32_t)(b->len - s->off);
    hs_buf_add(b, "", 1);
}

int hs_wire_build_request(const struct hs_wire_input *in, struct hs_buf *b)
{
    const struct hp_request *hp = in->hp;
    struct hs_wire_request w;
    struct hs_str *pairs;
    uint32_t i, unknown = 0, pairs_off;
    uint64_t present = 0;

    memset(&w, 0, sizeof(w));
    b->len = 0;
    hs_buf_reserve(b, sizeof(w) + 1024);
    hs_buf_add(b, &w, sizeof(w));

    w.flags = in->flags;
    w.request_id = in->request_id;
    w.connection_id = in->connection_id;
    w.url_context = in->url_context;
    w.bytes_received = in->bytes_received;
    w.verb = (uint16_t)hp->verb;
    w.version_major = (uint8_t)hp->version_major;
    w.version_minor = (uint8_t)hp->version_minor;
    if (hp->verb == 1 /* HttpVerbUnknown */)
        add_str(b, &w.unknown_verb, in->head + hp->method_off, hp->method_len);
    add_str(b, &w.raw_url, in->head + hp->target_off, hp->target_len);

    hs_buf_pad(b, 2);
    w.cooked_url.off = (uint32_t)b->len;
    w.cooked_url.len = in->cooked_bytes;
    hs_buf_add(b, in->cooked, in->cooked_bytes);
    hs_buf_add(b, "\0", 2);
    w.cooked_host_off = in->host_off;
    w.cooked_host_len = in->host_len;
    w.cooked_path_off = in->path_off;
    w.cooked_path_len = in->path_len;
    w.cooked_query_off = in->query_off;
    w.cooked_query_len = in->query_len;

    hs_wire_sockaddr(in->remote, w.remote_addr);
    hs_wire_sockaddr(in->local, w.local_addr);
    w.auth = in->auth;
    w.auth_sec_status = in->auth_sec_status;

    for (i = 0; i < hp->header_count; i++)
    {
        int id = hp->headers[i].known;
        if (id < 0) unknown++;
        else if (!(present & (1ull << id)))
        {
            present |= 1ull << id;
            add_known(b, &w.known[id], in, id);
        }
    }
    w.known_present_lo = (uint32_t)present;
    w.known_present_hi = (uint32_t)(present >> 32);

    hs_buf_pad(b, 8);
    pairs_off = (uint32_t)b->len;
    w.unknown_off = pairs_off;
    w.unknown_count = unknown;
    if (!hs_buf_reserve(b, (size_t)unknown * 2 * sizeof(struct hs_str))) return -1;
    b->len += (size_t)unknown * 2 * sizeof(struct hs_str);
    for (i = 0, unknown = 0; i < hp->header_count; i++)
    {
        const struct hp_header *h = &hp->headers[i];
        struct hs_str name, value;
        if (h->known >= 0) continue;
        add_str(b, &name, in->head + h->name_off, h->name_len);
        add_str(b, &value, in->head + h->value_off, h->value_len);
        if (b->failed) return -1;
        pairs = (struct hs_str *)(b->data + pairs_off);
        pairs[2 * unknown] = name;
        pairs[2 * unknown + 1] = value;
        unknown++;
    }
    if (in->ssl)
    {
        struct hs_wire_ssl ssl = in->ssl->fixed;
        uint32_t at;
        add_str(b, &ssl.issuer, in->ssl->issuer, in->ssl->issuer_len);
        add_str(b, &ssl.subject, in->ssl->subject, in->ssl->subject_len);
        add_str(b, &ssl.client_cert, in->ssl->client_cert ? in->ssl->client_cert : (const uint8_t *)"",
                in->ssl->client_cert_len);
        hs_buf_pad(b, 8);
        at = (uint32_t)b->len;
        hs_buf_add(b, &ssl, sizeof(ssl));
        w.ssl_off = at;
    }
    if (b->failed) return -1;
    if (w.unknown_count > 0xffff || w.raw_url.len > 0xfffe || w.cooked_url.len > 0xfffe) return -1;
    for (i = 0; i < HS_KNOWN_REQUEST_HEADERS; i++)
        if (w.known[i].len > 0xfffe) return -1;
    hs_buf_pad(b, 8);
    if (b->failed) return -1;
    w.size = (uint32_t)b->len;
    memcpy(b->data, &w, sizeof(w));
    return 0;
}

_Static_assert(offsetof(struct hs_wire_log, referrer) == 11 * sizeof(struct hs_str), "hs_wire_log strings");

static int str_in(const struct hs_str *s, uint32_t size)
{
    return s->off <= size && s->len <= size - s->off;
}

/* The file chunks: in the blob, in body order, each naming a path. */
static int files_valid(const struct hs_wire_response *r, uint32_t size)
{
    const uint8_t *blob = (const uint8_t *)r;
    uint64_t pos = 0, total = r->body.len;
    uint32_t i;

    if (!r->file_count) return 1;
    if (r->file_count > HS_WIRE_MAX_FILES || r->file_off & 7 || r->file_off > size ||
        (uint64_t)r->file_count * sizeof(struct hs_wire_file) > size - r->file_off)
        return 0;
    for (i = 0; i < r->file_count; i++)
    {
        struct hs_wire_file f;
        memcpy(&f, blob + r->file_off + i * sizeof(f), sizeof(f));
        if (f.body_pos < pos || f.body_pos > r->body.len || !f.length || f.length > INT64_MAX) return 0;
        if (f.offset > INT64_MAX - f.length) return 0;
        /* the whole body's length must be a number too (ranges are cut from it) */
        if (f.length > INT64_MAX - total) return 0;
        total += f.length;
        if (!str_in(&f.path, size) || !f.path.len || f.path.off + f.path.len >= size ||
            blob[f.path.off + f.path.len] || memchr(blob + f.path.off, 0, f.path.len))
            return 0;
        pos = f.body_pos;
    }
    return 1;
}

uint32_t hs_wire_frag_count(const struct hs_wire_response *r)
{
    struct hs_wire_frags t;

    if (!r->frag_off) return 0;
    memcpy(&t, (const uint8_t *)r + r->frag_off, sizeof(t));
    return t.count;
}

void hs_wire_frag_get(const struct hs_wire_response *r, uint32_t i, struct hs_wire_frag *out)
{
    memcpy(out, (const uint8_t *)r + r->frag_off + sizeof(struct hs_wire_frags) + (size_t)i * sizeof(*out), sizeof(*out));
}

int hs_wire_body_next(const struct hs_wire_response *r, struct hs_body_walk *w, uint32_t *index, uint64_t *body_pos)
{
    uint32_t frags = hs_wire_frag_count(r);
    struct hs_wire_frag g;
    struct hs_wire_file f;

    if (w->frag < frags)
    {
        hs_wire_frag_get(r, w->frag, &g);
        if (g.files_before <= w->file || w->file >= r->file_count)
        {
            *index = w->frag++;
            *body_pos = g.body_pos;
            return HS_BODY_FRAG;
        }
    }
    if (w->file >= r->file_count) return HS_BODY_END;
    memcpy(&f, (const uint8_t *)r + r->file_off + w->file * sizeof(f), sizeof(f));
    *index = w->file++;
    *body_pos = f.body_pos;
    return HS_BODY_FILE;
}

/* The fragment chunks: in the blob, each naming a fragment, and placed so
 * that the chunks in the order hs_wire_body_next gives go forward. */
static int frags_valid(const struct hs_wire_response *r, uint32_t size)
{
    const uint8_t *blob = (const uint8_t *)r;
    struct hs_body_walk w = { 0, 0 };
    struct hs_wire_frags t;
    uint64_t pos = 0, at;
    uint32_t i, index;

    if (!r->frag_off) return 1;
    if (r->frag_off & 7 || r->frag_off > size || size - r->frag_off < sizeof(t)) return 0;
    memcpy(&t, blob + r->frag_off, sizeof(t));
    if (!t.count || t.count > HS_WIRE_MAX_FRAGS ||
        (uint64_t)t.count * sizeof(struct hs_wire_frag) > size - r->frag_off - sizeof(t))
        return 0;
    for (i = 0; i < t.count; i++)
    {
        struct hs_wire_frag g;
        hs_wire_frag_get(r, i, &g);
        if (g.files_before > r->file_count || (i && g.files_before < pos)) return 0;
        if (!str_in(&g.name, size) || !g.name.len || g.name.off + g.name.len >= size ||
            blob[g.name.off + g.name.len] || memchr(blob + g.name.off, 0, g.name.len))
            return 0;
        pos = g.files_before;
    }
    pos = 0;
    while (hs_wire_body_next(r, &w, &index, &at))
    {
        if (at < pos || at > r->body.len) return 0;
        pos = at;
    }
    return 1;
}

uint64_t hs_wire_response_body_total(const struct hs_wire_response *r)
{
    uint64_t total = r->body.len;
    uint32_t i;

    for (i = 0; i < r->file_count; i++)
    {
        struct hs_wire_file f;
        memcpy(&f, (const uint8_t *)r + r->file_off + i * sizeof(f), sizeof(f));
        total += f.length;
    }
    return total;
}

int hs_wire_response_valid(const struct hs_wire_response *r, uint32_t size)
{
    const struct hs_str *pairs;
    uint32_t i;

    if (size < sizeof(*r) || r->size > size || r->size < sizeof(*r)) return 0;
    size = r->size;
    if (r->kind != HS_RESP_HEADERS && r->kind != HS_RESP_ENTITY) return 0;
    if (!str_in(&r->reason, size) || !str_in(&r->body, size)) return 0;
    for (i = 0; i < HS_KNOWN_RESPONSE_HEADERS; i++)
        if (!str_in(&r->known[i], size)) return 0;
    if (r->unknown_count > 0xffff) return 0;
    if (r->unknown_off > size || (uint64_t)r->unknown_count * 2 * sizeof(struct hs_str) > size - r->unknown_off) return 0;
    pairs = (const struct hs_str *)((const uint8_t *)r + r->unknown_off);
    for (i = 0; i < r->unknown_count * 2; i++)
    {
        struct hs_str s;
        memcpy(&s, &pairs[i], sizeof(s));   /* the array may be unaligned in a hostile blob */
        if (!str_in(&s, size)) return 0;
    }
    if (r->kind == HS_RESP_HEADERS && r->cache_policy > 2) return 0;   /* HttpCachePolicyTimeToLive */
    if (r->log_off)
    {
        struct hs_wire_log log;
        const struct hs_str *strs = &log.user_name;

        if (r->log_off > size || sizeof(log) > size - r->log_off) return 0;
        memcpy(&log, (const uint8_t *)r + r->log_off, sizeof(log));
        for (i = 0; i < 12; i++)
            if (!str_in(&strs[i], size)) return 0;
    }
    return files_valid(r, size) && frags_valid(r, size);
}

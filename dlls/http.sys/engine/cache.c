#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "urlprefix.h"

struct hs_cache
{
    struct hs_cache_entry **buckets;
    uint32_t bucket_count;           /* a power of two */
    size_t count[2];                 /* per kind */
    uint64_t bytes;
};

#define INITIAL_BUCKETS 64

static uint32_t hash_key(uint64_t owner, int kind, const char *url, size_t len)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < len; i++) h = (h ^ (uint8_t)url[i]) * 16777619u;
    h ^= (uint32_t)owner * 0x9e3779b1u ^ (uint32_t)(owner >> 32) ^ (uint32_t)kind;
    return h ^ (h >> 15);
}

struct hs_cache *hs_cache_new(void)
{
    struct hs_cache *c = calloc(1, sizeof(*c));

    if (!c) return NULL;
    if (!(c->buckets = calloc(INITIAL_BUCKETS, sizeof(*c->buckets))))
    {
        free(c);
        return NULL;
    }
    c->bucket_count = INITIAL_BUCKETS;
    return c;
}

/* What an entry costs: its data, and its key and structure, so that many
 * empty fragments are held to the limit as well. */
static uint64_t entry_cost(const struct hs_cache_entry *e)
{
    return e->len + e->url_len + sizeof(*e);
}

static void entry_free(struct hs_cache *c, struct hs_cache_entry *e)
{
    c->count[e->kind]--;
    c->bytes -= entry_cost(e);
    free(e->url);
    free(e->data);
    free(e);
}

void hs_cache_free(struct hs_cache *c)
{
    uint32_t i;

    if (!c) return;
    for (i = 0; i < c->bucket_count; i++)
        while (c->buckets[i])
        {
            struct hs_cache_entry *e = c->buckets[i];
            c->buckets[i] = e->next;
            entry_free(c, e);
        }
    free(c->buckets);
    free(c);
}

size_t hs_cache_count(const struct hs_cache *c, int kind)
{
    return c && (kind == HS_CACHE_FRAGMENT || kind == HS_CACHE_RESPONSE) ? c->count[kind] : 0;
}

uint64_t hs_cache_bytes(const struct hs_cache *c)
{
    return c ? c->bytes : 0;
}

/* The link that points at the entry, or at the NULL ending its chain. */
static struct hs_cache_entry **find_link(struct hs_cache *c, uint32_t hash, uint64_t owner, int kind,
                                         const char *url, size_t len)
{
    struct hs_cache_entry **link = &c->buckets[hash & (c->bucket_count - 1)];

    for (; *link; link = &(*link)->next)
    {
        const struct hs_cache_entry *e = *link;
        if (e->hash == hash && e->owner == owner && e->kind == kind && e->url_len == len &&
            !memcmp(e->url, url, len))
            break;
    }
    return link;
}

/* More entries than buckets: twice the buckets (or nothing, if memory is short). */
static void grow(struct hs_cache *c)
{
    uint32_t n = c->bucket_count * 2, i;
    struct hs_cache_entry **b;

    if (c->count[0] + c->count[1] <= c->bucket_count || n > (1u << 24) || !(b = calloc(n, sizeof(*b)))) return;
    for (i = 0; i < c->bucket_count; i++)
        while (c->buckets[i])
        {
            struct hs_cache_entry *e = c->buckets[i];
            c->buckets[i] = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(c->buckets);
    c->buckets = b;
    c->bucket_count = n;
}

struct hs_cache_entry *hs_cache_put(struct hs_cache *c, uint64_t owner, int kind, const char *url, size_t url_len,
                                    uint8_t *data, size_t len, uint64_t expires_ms, uint64_t now_ms)
{
    uint32_t hash = hash_key(owner, kind, url, url_len);
    struct hs_cache_entry **link, *e = NULL;

    if (!c || (kind != HS_CACHE_FRAGMENT && kind != HS_CACHE_RESPONSE) ||
        !(e = calloc(1, sizeof(*e))) || !(e->url = malloc(url_len + 1)))
    {
        if (e) free(e);
        free(data);
        return NULL;
    }
    memcpy(e->url, url, url_len);
    e->url[url_len] = 0;
    e->url_len = url_len;
    e->owner = owner;
    e->kind = kind;
    e->hash = hash;
    e->data = data;
    e->len = len;
    e->created_ms = e->used_ms = now_ms;
    e->expires_ms = expires_ms;
    link = find_link(c, hash, owner, kind, url, url_len);
    if (*link)
    {
        struct hs_cache_entry *old = *link;
        e->next = old->next;
        entry_free(c, old);
    }
    *link = e;
    c->count[kind]++;
    c->bytes += entry_cost(e);
    grow(c);
    return e;
}

static int expired(const struct hs_cache_entry *e, uint64_t now_ms)
{
    return e->expires_ms && now_ms >= e->expires_ms;
}

struct hs_cache_entry *hs_cache_get(struct hs_cache *c, uint64_t owner, int kind, const char *url, size_t url_len,
                                    uint64_t now_ms)
{
    struct hs_cache_entry **link, *e;

    if (!c || !c->count[kind == HS_CACHE_RESPONSE]) return NULL;
    link = find_link(c, hash_key(owner, kind, url, url_len), owner, kind, url, url_len);
    if (!(e = *link)) return NULL;
    if (expired(e, now_ms))
    {
        *link = e->next;
        entry_free(c, e);
        return NULL;
    }
    e->used_ms = now_ms;
    e->hits++;
    return e;
}

/* Removes every entry fn selects; returns how many. */
static size_t remove_if(struct hs_cache *c, int (*fn)(const struct hs_cache_entry *e, const void *ctx), const void *ctx)
{
    size_t removed = 0;
    uint32_t i;

    if (!c) return 0;
    for (i = 0; i < c->bucket_count; i++)
    {
        struct hs_cache_entry **link = &c->buckets[i];
        while (*link)
        {
            struct hs_cache_entry *e = *link;
            if (!fn(e, ctx)) { link = &e->next; continue; }
            *link = e->next;
            entry_free(c, e);
            removed++;
        }
    }
    return removed;
}

/* ---- keys and patterns ------------------------------------------------------ */

/* Where a key's host, ":port" and path begin; 0 if it is not a key. */
static int split_key(const char *k, size_t n, size_t *host, size_t *port, size_t *path)
{
    const char *p = memchr(k, ':', n);
    size_t i;

    if (!p || (size_t)(p - k) + 3 > n || p[1] != '/' || p[2] != '/') return 0;
    i = *host = (size_t)(p - k) + 3;
    if (i < n && k[i] == '[') while (i < n && k[i] != ']') i++;
    while (i < n && k[i] != ':' && k[i] != '/') i++;
    *port = i;
    while (i < n && k[i] != '/') i++;
    *path = i;
    return 1;
}

static int ascii_caseeq(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
    {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return 0;
    }
    return 1;
}

struct flush_ctx
{
    uint64_t owner;
    int recursive, any_host, all;
    const char *p;                   /* the pattern */
    size_t len, host, port, path;
};

static int flush_match(const struct hs_cache_entry *e, const void *ctx)
{
    const struct flush_ctx *f = ctx;
    const char *k = e->url, *rest, *prest;
    size_t host, port, path, rlen, plen, dir, i;

    if (f->owner != HS_CACHE_ANY_OWNER && e->owner != f->owner) return 0;
    if (f->all) return 1;
    if (!split_key(k, e->url_len, &host, &port, &path)) return 0;
    /* same scheme, same host unless the pattern's is a wildcard */
    if (host != f->host || memcmp(k, f->p, host)) return 0;
    if (!f->any_host && (port - host != f->port - f->host || memcmp(k + host, f->p + f->host, port - host))) return 0;
    rest = k + port;
    rlen = e->url_len - port;
    prest = f->p + f->port;
    plen = f->len - f->port;
    if (rlen < plen || !ascii_caseeq(rest, prest, plen)) return 0;
    /* ":port" must end where the pattern's does */
    if (path - port < f->path - f->port) return 0;
    if (rlen == plen || rest[plen] == '?') return 1;              /* the resource itself */
    dir = prest[plen - 1] == '/' ? plen : plen + 1;
    if (dir == plen + 1 && rest[plen] != '/') return 0;
    if (f->recursive) return 1;
    for (i = dir; i < rlen && rest[i] != '?'; i++) if (rest[i] == '/') return 0;   /* deeper down */
    return 1;
}

size_t hs_cache_flush(struct hs_cache *c, uint64_t owner, const char *pattern, size_t len, int recursive)
{
    struct flush_ctx f;

    memset(&f, 0, sizeof(f));
    f.owner = owner;
    f.recursive = recursive;
    f.p = pattern;
    f.len = len;
    if (!split_key(pattern, len, &f.host, &f.port, &f.path) || f.path == len) return 0;
    f.any_host = f.port - f.host == 1 && (pattern[f.host] == '+' || pattern[f.host] == '*');
    return remove_if(c, flush_match, &f);
}

size_t hs_cache_flush_owner(struct hs_cache *c, uint64_t owner)
{
    struct flush_ctx f;

    memset(&f, 0, sizeof(f));
    f.owner = owner;
    f.all = 1;
    return remove_if(c, flush_match, &f);
}

struct scavenge_ctx { uint64_t now, unused_before; };

static int scavenge_match(const struct hs_cache_entry *e, const void *ctx)
{
    const struct scavenge_ctx *s = ctx;
    return expired(e, s->now) || e->used_ms < s->unused_before;
}

size_t hs_cache_scavenge(struct hs_cache *c, uint64_t now_ms, uint64_t unused_before_ms)
{
    struct scavenge_ctx s = { now_ms, unused_before_ms };
    return remove_if(c, scavenge_match, &s);
}

void hs_cache_walk(const struct hs_cache *c, void (*fn)(void *ctx, const struct hs_cache_entry *e), void *ctx)
{
    uint32_t i;
    const struct hs_cache_entry *e;

    if (!c) return;
    for (i = 0; i < c->bucket_count; i++)
        for (e = c->buckets[i]; e; e = e->next) fn(ctx, e);
}

int hs_cache_name_key(const char *name, size_t len, char **key, size_t *key_len)
{
    struct hs_prefix p;
    size_t host, port, path;
    char *text;
    int err, slash;

    *key = NULL;
    if (!name || !len || len > 65536 || memchr(name, 0, len)) return HS_ERROR_INVALID_PARAMETER;
    /* a prefix ends with '/'; a name need not, and "scheme://host:port" is the root */
    slash = name[len - 1] != '/';
    if (!(text = malloc(len + 2))) return HS_ERROR_NOT_ENOUGH_MEMORY;
    memcpy(text, name, len);
    text[len] = '/';
    err = hs_prefix_parse(text, len + slash, &p);
    free(text);
    if (err) return err;
    if (slash && split_key(name, len, &host, &port, &path) && path == len) slash = 0;
    *key_len = p.canon_len - slash;
    if ((*key = malloc(*key_len + 1)))
    {
        memcpy(*key, p.canon, *key_len);
        (*key)[*key_len] = 0;
    }
    hs_prefix_free(&p);
    return *key ? 0 : HS_ERROR_NOT_ENOUGH_MEMORY;
}

char *hs_cache_url_key(const uint16_t *url, size_t units, size_t path_start, size_t *key_len)
{
    char *out = malloc(units * 3 + 1);
    size_t i, o = 0, colon = 0;

    if (!out) return NULL;
    for (i = 0; i < units; i++)
    {
        uint32_t cp = url[i];
        if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < units && url[i + 1] >= 0xdc00 && url[i + 1] <= 0xdfff)
            cp = 0x10000 + ((cp - 0xd800) << 10) + (url[++i] - 0xdc00);
        else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
        if (i < path_start && cp >= 'A' && cp <= 'Z') cp += 32;
        if (i < path_start && cp == ':') colon = o;
        if (cp < 0x80) out[o++] = (char)cp;
        else if (cp < 0x800) { out[o++] = (char)(0xc0 | cp >> 6); out[o++] = (char)(0x80 | (cp & 0x3f)); }
        else if (cp < 0x10000)
        {
            out[o++] = (char)(0xe0 | cp >> 12);
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        }
        else
        {
            out[o++] = (char)(0xf0 | cp >> 18);
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (cp & 0x3f));
        }
        /* "host.:port" is "host:port", as in a registered prefix */
        if (i + 1 == path_start && colon > 1 && out[colon - 1] == '.' && out[colon - 2] != '/')
        {
            memmove(out + colon - 1, out + colon, o - colon);
            o--;
        }
    }
    out[o] = 0;
    *key_len = o;
    return out;
}

/*
 * URL-prefix routing, http.sys style.
 *
 * A linear scan: tables hold a few hundred registrations at most, and a scan
 * keeps the precedence rules visible in one loop.
 */
#include "router.h"

#include <stdlib.h>
#include <string.h>

enum hs_category
{
    HS_CAT_STRONG,
    HS_CAT_NAME,
    HS_CAT_IP,
    HS_CAT_WEAK,
    HS_CAT_COUNT
};

static enum hs_category hs_category_of(enum hs_host_kind kind)
{
    switch (kind)
    {
    case HS_HOST_STRONG: return HS_CAT_STRONG;
    case HS_HOST_NAME:   return HS_CAT_NAME;
    case HS_HOST_IPV4:
    case HS_HOST_IPV6:   return HS_CAT_IP;
    default:             return HS_CAT_WEAK;
    }
}

static unsigned char hs_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int hs_caseeq(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (hs_lower((unsigned char)a[i]) != hs_lower((unsigned char)b[i])) return 0;
    return 1;
}

void hs_router_init(struct hs_router *r)
{
    memset(r, 0, sizeof(*r));
}

void hs_router_free(struct hs_router *r)
{
    size_t i;

    for (i = 0; i < r->count; i++) hs_prefix_free(&r->regs[i].prefix);
    free(r->regs);
    memset(r, 0, sizeof(*r));
}

int hs_router_add(struct hs_router *r, const struct hs_prefix *prefix,
                  uint64_t owner, uint64_t context)
{
    struct hs_registration *reg;
    size_t i;

    for (i = 0; i < r->count; i++)
    {
        const struct hs_prefix *p = &r->regs[i].prefix;

        /* http and https cannot share a port: the listener is one or the other */
        if (p->port == prefix->port && p->secure != prefix->secure) return HS_ERROR_ALREADY_EXISTS;
        if (hs_prefix_equal(p, prefix)) return HS_ERROR_ALREADY_EXISTS;
    }
    if (r->count == r->capacity)
    {
        size_t cap = r->capacity ? r->capacity * 2 : 16;
        struct hs_registration *regs = realloc(r->regs, cap * sizeof(*regs));

        if (!regs) return HS_ERROR_NOT_ENOUGH_MEMORY;
        r->regs = regs;
        r->capacity = cap;
    }
    reg = &r->regs[r->count];
    if (hs_prefix_copy(&reg->prefix, prefix)) return HS_ERROR_NOT_ENOUGH_MEMORY;
    reg->owner = owner;
    reg->context = context;
    r->count++;
    return 0;
}

/* Keeps registration order, which breaks ties in routing. */
static void hs_router_delete_at(struct hs_router *r, size_t i)
{
    hs_prefix_free(&r->regs[i].prefix);
    memmove(&r->regs[i], &r->regs[i + 1], (r->count - i - 1) * sizeof(r->regs[0]));
    r->count--;
}

int hs_router_remove(struct hs_router *r, const struct hs_prefix *prefix, uint64_t owner)
{
    size_t i;

    for (i = 0; i < r->count; i++)
    {
        if (r->regs[i].owner != owner || !hs_prefix_equal(&r->regs[i].prefix, prefix)) continue;
        hs_router_delete_at(r, i);
        return 0;
    }
    return HS_ERROR_FILE_NOT_FOUND;
}

void hs_router_remove_owner(struct hs_router *r, uint64_t owner)
{
    size_t i = 0;

    while (i < r->count)
    {
        if (r->regs[i].owner == owner) hs_router_delete_at(r, i);
        else i++;
    }
}

int hs_router_port_in_use(const struct hs_router *r, uint16_t port)
{
    size_t i;
    int n = 0;

    for (i = 0; i < r->count; i++)
        if (r->regs[i].prefix.port == port) n++;
    return n;
}

int hs_router_port_scheme(const struct hs_router *r, uint16_t port)
{
    size_t i;

    for (i = 0; i < r->count; i++)
        if (r->regs[i].prefix.port == port)
            return r->regs[i].prefix.secure ? HS_PORT_HTTPS : HS_PORT_HTTP;
    return HS_PORT_UNUSED;
}

/* An address reduced to the form it is compared in: IPv4-mapped IPv6 becomes
 * IPv4, so a dual-stack listener's IPv4 clients match IPv4 registrations. */
struct hs_addr
{
    int family;        /* 0: none */
    uint8_t bytes[16];
};

static const uint8_t hs_mapped_prefix[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

static void hs_addr_set(struct hs_addr *a, const uint8_t *bytes, int family)
{
    memset(a, 0, sizeof(*a));
    if (!bytes) return;
    if (family == 6 && !memcmp(bytes, hs_mapped_prefix, 12))
    {
        a->family = 4;
        memcpy(a->bytes, bytes + 12, 4);
    }
    else if (family == 4 || family == 6)
    {
        a->family = family;
        memcpy(a->bytes, bytes, family == 4 ? 4 : 16);
    }
}

static int hs_addr_equal(const struct hs_addr *a, const struct hs_addr *b)
{
    return a->family && a->family == b->family && !memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

/* The Host value without its port and without one trailing (root) dot. */
static size_t hs_host_name_len(const char *host, size_t len)
{
    size_t i;

    if (len && host[0] == '[')
    {
        for (i = 0; i < len && host[i] != ']'; i++) ;
        return i < len ? i + 1 : len;
    }
    for (i = 0; i < len && host[i] != ':'; i++) ;
    if (i > 1 && host[i - 1] == '.') i--;
    return i;
}

struct hs_route_input
{
    const char *host;
    size_t host_len;
    struct hs_addr local;
};

static int hs_host_match(const struct hs_prefix *p, const struct hs_route_input *in)
{
    struct hs_addr reg;

    switch (p->kind)
    {
    case HS_HOST_STRONG:
    case HS_HOST_WEAK:
        return 1;
    case HS_HOST_NAME:
        return in->host_len == p->host_len && hs_caseeq(in->host, p->host, p->host_len);
    case HS_HOST_IPV4:
        hs_addr_set(&reg, p->addr, 4);
        return hs_addr_equal(&reg, &in->local);
    case HS_HOST_IPV6:
        hs_addr_set(&reg, p->addr, 6);
        return hs_addr_equal(&reg, &in->local);
    }
    return 0;
}

/* Whole segments: "/app/" covers "/app", "/app/" and "/app/x", not "/apple". */
static int hs_path_match(const struct hs_prefix *p, const char *path, size_t len)
{
    if (len >= p->path_len) return hs_caseeq(path, p->path, p->path_len);
    return len == p->path_len - 1 && hs_caseeq(path, p->path, len);
}

int hs_router_route(const struct hs_router *r, int secure, uint16_t port,
                    const char *host, size_t host_len,
                    const uint8_t *local_ip, int local_family,
                    const char *path, size_t path_len,
                    struct hs_route_result *out)
{
    struct hs_route_input in;
    int host_hit = 0, cat;
    size_t i;

    memset(out, 0, sizeof(*out));
    in.host = host;
    in.host_len = host ? hs_host_name_len(host, host_len) : 0;
    hs_addr_set(&in.local, local_ip, local_family);

    for (cat = 0; cat < HS_CAT_COUNT; cat++)
    {
        const struct hs_registration *best = NULL;

        for (i = 0; i < r->count; i++)
        {
            const struct hs_registration *reg = &r->regs[i];
            const struct hs_prefix *p = &reg->prefix;

            if (p->port != port || !p->secure != !secure || (int)hs_category_of(p->kind) != cat) continue;
            if (!hs_host_match(p, &in)) continue;
            host_hit = 1;
            if (!hs_path_match(p, path, path_len)) continue;
            /* strictly longer: the first registered wins a tie */
            if (!best || p->path_len > best->prefix.path_len) best = reg;
        }
        if (best)
        {
            out->status = HS_ROUTE_OK;
            out->owner = best->owner;
            out->context = best->context;
            out->prefix = &best->prefix;
            return HS_ROUTE_OK;
        }
    }
    out->status = host_hit ? HS_ROUTE_NO_PATH : HS_ROUTE_NO_HOST;
    return out->status;
}

/*
 * libFuzzer target for UrlPrefix parsing, cooked URLs and routing.
 *
 * Input: one flags byte, one limits byte, then up to three fields split on
 * '\n': a UrlPrefix, a Host value and a request target.  Besides memory
 * errors it checks invariants the engine relies on, and traps if one breaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookurl.h"
#include "router.h"
#include "urlprefix.h"

#define REQUIRE(c) do { if (!(c)) __builtin_trap(); } while (0)

struct field { const char *p; size_t n; };

static size_t split(const uint8_t *data, size_t size, struct field f[3])
{
    size_t i, count = 0, start = 0;

    for (i = 0; i <= size && count < 3; i++)
    {
        if (i == size || (data[i] == '\n' && count < 2))
        {
            f[count].p = (const char *)data + start;
            f[count].n = i - start;
            count++;
            start = i + 1;
        }
    }
    return count;
}

/* A parsed prefix must survive a round trip through its canonical form. */
static void check_prefix(const struct hs_prefix *p)
{
    struct hs_prefix again, copy;

    REQUIRE(p->canon[p->canon_len] == 0);
    REQUIRE(p->path_len >= 1 && p->path[0] == '/' && p->path[p->path_len - 1] == '/');
    REQUIRE(p->host >= p->canon && p->host + p->host_len <= p->canon + p->canon_len);
    REQUIRE(hs_prefix_parse(p->canon, p->canon_len, &again) == 0);
    REQUIRE(hs_prefix_equal(p, &again));
    REQUIRE(again.canon_len == p->canon_len && !memcmp(again.canon, p->canon, p->canon_len));
    hs_prefix_free(&again);
    REQUIRE(hs_prefix_copy(&copy, p) == 0);
    REQUIRE(hs_prefix_equal(p, &copy));
    hs_prefix_free(&copy);
}

static void check_cooked(const struct hs_cook_params *params, const struct hs_cooked *c)
{
    size_t i, seg = 1, segs = 0;

    REQUIRE(c->url_bytes % 2 == 0 && c->url_bytes <= 0xffff);
    REQUIRE(c->url[c->url_bytes / 2] == 0);
    REQUIRE(c->host_off + c->host_bytes == c->path_off);
    REQUIRE(c->path_off + c->path_bytes <= c->url_bytes);
    REQUIRE(!c->query_bytes || c->query_off == c->path_off + c->path_bytes);
    REQUIRE(!c->query_bytes || c->url[c->query_off / 2] == '?');
    REQUIRE(c->path_len >= 1 && c->path[0] == '/' && c->path[c->path_len] == 0);
    REQUIRE(c->url[c->path_off / 2] == '/');

    for (i = 1; i <= c->path_len; i++)
    {
        unsigned char ch = i < c->path_len ? (unsigned char)c->path[i] : '/';

        REQUIRE(ch != '\\');
        if (!params->allow_restricted_chars) REQUIRE(ch >= 0x20 && ch != 0x7f);
        if (ch != '/') continue;
        /* no dot segment survives */
        REQUIRE(!(i - seg == 1 && c->path[seg] == '.'));
        REQUIRE(!(i - seg == 2 && c->path[seg] == '.' && c->path[seg + 1] == '.'));
        if (i < c->path_len || i > seg) segs++;
        seg = i + 1;
    }
    if (params->url_segment_max_count) REQUIRE(segs <= params->url_segment_max_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t ip4[4] = { 127, 0, 0, 1 };
    struct hs_cook_params params;
    struct hs_prefix prefix;
    struct hs_cooked cooked;
    struct hs_router router;
    struct hs_route_result res;
    struct field f[3];
    uint8_t flags, limits;
    int have_prefix, rc;

    if (size < 2) return 0;
    flags = data[0];
    limits = data[1];
    if (split(data + 2, size - 2, f) < 3) return 0;

    params.enable_non_utf8 = flags & 1;
    params.favor_utf8 = (flags >> 1) & 1;
    params.percent_u_allowed = (flags >> 2) & 1;
    params.allow_restricted_chars = (flags >> 3) & 1;
    params.url_segment_max_length = limits & 0x0f;
    params.url_segment_max_count = limits >> 4;

    have_prefix = hs_prefix_parse(f[0].p, f[0].n, &prefix) == 0;
    if (have_prefix) check_prefix(&prefix);

    rc = hs_cook_url(&params, f[2].p, f[2].n, f[1].p, f[1].n, (flags >> 4) & 1, 80, &cooked);
    if (rc)
    {
        REQUIRE(!cooked.url && !cooked.path && !cooked.path_len && !cooked.url_bytes);
        if (have_prefix) hs_prefix_free(&prefix);
        return 0;
    }
    check_cooked(&params, &cooked);

    hs_router_init(&router);
    if (have_prefix)
    {
        REQUIRE(hs_router_add(&router, &prefix, 1, 2) == 0);
        REQUIRE(hs_router_add(&router, &prefix, 3, 4) == HS_ERROR_ALREADY_EXISTS);
    }
    rc = hs_router_route(&router, (flags >> 4) & 1, have_prefix ? prefix.port : 80,
                         f[1].p, f[1].n, ip4, 4, cooked.path, cooked.path_len, &res);
    REQUIRE(rc == (int)res.status);
    REQUIRE(rc != HS_ROUTE_OK || (res.owner == 1 && res.context == 2 && res.prefix));
    if (have_prefix)
    {
        REQUIRE(hs_router_remove(&router, &prefix, 3) == HS_ERROR_FILE_NOT_FOUND);
        REQUIRE(hs_router_remove(&router, &prefix, 1) == 0);
        REQUIRE(hs_router_port_in_use(&router, prefix.port) == 0);
        hs_prefix_free(&prefix);
    }
    hs_router_free(&router);
    hs_cooked_free(&cooked);
    return 0;
}

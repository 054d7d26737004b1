/* The routing table: reference/httpapi.md sections 5.2 and 5.3. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "router.h"

static const uint8_t ip_lo[4] = { 127, 0, 0, 1 };
static const uint8_t ip_lo2[4] = { 127, 0, 0, 2 };
static const uint8_t ip_a[4] = { 10, 0, 0, 1 };
static const uint8_t ip_b[4] = { 10, 0, 0, 2 };
static const uint8_t ip6_lo[16] = { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1 };
static const uint8_t ip6_mapped_lo[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,127,0,0,1 };
static const uint8_t ip6_other[16] = { 0x20,0x01,0x0d,0xb8,0,0,0,0,0,0,0,0,0,0,0,1 };

static int add(struct hs_router *r, const char *url, uint64_t owner, uint64_t context)
{
    struct hs_prefix p;
    int rc;

    if (hs_prefix_parse(url, strlen(url), &p)) return -1;
    rc = hs_router_add(r, &p, owner, context);
    hs_prefix_free(&p);
    return rc;
}

static int rm(struct hs_router *r, const char *url, uint64_t owner)
{
    struct hs_prefix p;
    int rc;

    if (hs_prefix_parse(url, strlen(url), &p)) return -1;
    rc = hs_router_remove(r, &p, owner);
    hs_prefix_free(&p);
    return rc;
}

/* The context of the winner, or -1 (no host) / -2 (no path). */
static long long route_ex(const struct hs_router *r, int secure, uint16_t port, const char *host,
                          const uint8_t *ip, int family, const char *path)
{
    struct hs_route_result res;
    int st = hs_router_route(r, secure, port, host, host ? strlen(host) : 0, ip, family,
                             path, strlen(path), &res);

    if (st != (int)res.status) return -100;
    if (st == HS_ROUTE_OK) return res.prefix ? (long long)res.context : -101;
    if (res.prefix || res.owner || res.context) return -102;
    return st == HS_ROUTE_NO_HOST ? -1 : -2;
}

static long long route(const struct hs_router *r, const char *host, const uint8_t *ip4, const char *path)
{
    return route_ex(r, 0, 80, host, ip4, 4, path);
}

static void test_conflicts(void)
{
    struct hs_router r;

    hs_router_init(&r);
    CHECK_INT(add(&r, "http://www.adatum.com:80/vroot/", 1, 0), 0);
    /* another category: no conflict */
    CHECK_INT(add(&r, "http://+:80/vroot/", 2, 0), 0);
    CHECK_INT(add(&r, "http://*:80/vroot/", 2, 0), 0);
    CHECK_INT(add(&r, "http://127.0.0.1:80/vroot/", 2, 0), 0);
    CHECK_INT(add(&r, "http://[::1]:80/vroot/", 2, 0), 0);
    CHECK_INT(add(&r, "http://adatum.com:80/vroot/", 2, 0), 0);
    CHECK_INT(add(&r, "http://+:80/vroot/x/", 2, 0), 0);
    CHECK_INT(add(&r, "http://+:81/vroot/", 2, 0), 0);
    CHECK_INT((long long)r.count, 8);
    /* same prefix, whoever asks */
    CHECK_INT(add(&r, "http://+:80/vroot/", 2, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "http://+:80/vroot/", 3, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "http://+:80/VRoot/", 3, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "http://WWW.ADATUM.COM:80/vroot/", 3, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "http://www.adatum.com.:80/vroot/", 1, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "http://*:80/vroot/", 9, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "http://127.0.0.1:80/vroot/", 9, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "http://[0::1]:80/vroot/", 9, 0), HS_ERROR_ALREADY_EXISTS);
    /* http and https cannot share a port */
    CHECK_INT(add(&r, "https://+:80/other/", 3, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT(add(&r, "https://+:443/vroot/", 3, 0), 0);
    CHECK_INT(add(&r, "http://+:443/other/", 3, 0), HS_ERROR_ALREADY_EXISTS);
    CHECK_INT((long long)r.count, 9);

    CHECK_INT(hs_router_port_in_use(&r, 80), 7);
    CHECK_INT(hs_router_port_in_use(&r, 81), 1);
    CHECK_INT(hs_router_port_in_use(&r, 443), 1);
    CHECK_INT(hs_router_port_in_use(&r, 82), 0);
    CHECK_INT(hs_router_port_scheme(&r, 80), HS_PORT_HTTP);
    CHECK_INT(hs_router_port_scheme(&r, 443), HS_PORT_HTTPS);
    CHECK_INT(hs_router_port_scheme(&r, 82), HS_PORT_UNUSED);

    /* only the owner removes */
    CHECK_INT(rm(&r, "http://+:80/vroot/", 3), HS_ERROR_FILE_NOT_FOUND);
    CHECK_INT(rm(&r, "http://+:80/VROOT/", 2), 0);
    CHECK_INT(rm(&r, "http://+:80/vroot/", 2), HS_ERROR_FILE_NOT_FOUND);
    CHECK_INT(rm(&r, "http://+:80/never/", 2), HS_ERROR_FILE_NOT_FOUND);
    CHECK_INT(rm(&r, "https://+:80/vroot/x/", 2), HS_ERROR_FILE_NOT_FOUND);
    CHECK_INT(add(&r, "http://+:80/vroot/", 3, 0), 0);
    CHECK_INT(hs_router_port_in_use(&r, 80), 7);

    /* a closed queue loses everything */
    hs_router_remove_owner(&r, 2);
    CHECK_INT(hs_router_port_in_use(&r, 81), 0);
    CHECK_INT(hs_router_port_scheme(&r, 81), HS_PORT_UNUSED);
    CHECK_INT(hs_router_port_in_use(&r, 80), 2);
    hs_router_remove_owner(&r, 3);
    CHECK_INT(hs_router_port_in_use(&r, 443), 0);
    CHECK_INT(hs_router_port_scheme(&r, 443), HS_PORT_UNUSED);
    /* the port is free for https now that its http prefixes are gone */
    CHECK_INT(add(&r, "http://+:443/other/", 3, 0), 0);
    CHECK_INT(hs_router_port_scheme(&r, 443), HS_PORT_HTTP);
    hs_router_remove_owner(&r, 1);
    hs_router_remove_owner(&r, 3);
    CHECK_INT((long long)r.count, 0);
    hs_router_remove_owner(&r, 3);
    CHECK_INT((long long)r.count, 0);

    hs_router_free(&r);
    CHECK(r.regs == NULL);
    hs_router_free(&r);
}

static void test_precedence(void)
{
    struct hs_router r;

    hs_router_init(&r);
    /* registered weakest first, so order cannot explain the results */
    CHECK_INT(add(&r, "http://*:80/", 1, 4), 0);
    CHECK_INT(add(&r, "http://127.0.0.1:80/", 1, 3), 0);
    CHECK_INT(add(&r, "http://www.adatum.com:80/", 1, 2), 0);
    CHECK_INT(add(&r, "http://+:80/strong/", 1, 1), 0);

    CHECK_INT(route(&r, "www.adatum.com", ip_lo, "/strong/x"), 1);
    CHECK_INT(route(&r, "other.com", ip_a, "/strong"), 1);
    CHECK_INT(route(&r, "www.adatum.com", ip_lo, "/other"), 2);
    CHECK_INT(route(&r, "www.adatum.com", ip_lo, "/strongx"), 2);
    CHECK_INT(route(&r, "other.com", ip_lo, "/other"), 3);
    CHECK_INT(route(&r, "other.com", ip_a, "/other"), 4);
    /* IP-bound follows the local address, not the Host header */
    CHECK_INT(route(&r, "127.0.0.1", ip_a, "/other"), 4);
    CHECK_INT(route(&r, "10.0.0.1", ip_lo, "/other"), 3);
    CHECK_INT(route(&r, "localhost", ip_lo2, "/other"), 4);
    /* Host: port ignored, case ignored, root dot ignored */
    CHECK_INT(route(&r, "www.adatum.com:80", ip_a, "/"), 2);
    CHECK_INT(route(&r, "www.adatum.com:8080", ip_a, "/"), 2);
    CHECK_INT(route(&r, "WWW.Adatum.Com", ip_a, "/"), 2);
    CHECK_INT(route(&r, "www.adatum.com.", ip_a, "/"), 2);
    CHECK_INT(route(&r, "www.adatum.com.:80", ip_a, "/"), 2);
    CHECK_INT(route(&r, "www.adatum.com..", ip_a, "/"), 4);
    CHECK_INT(route(&r, "adatum.com", ip_a, "/"), 4);
    CHECK_INT(route(&r, "xwww.adatum.com", ip_a, "/"), 4);
    CHECK_INT(route(&r, "www.adatum.co", ip_a, "/"), 4);
    /* no Host (HTTP/1.0) */
    CHECK_INT(route(&r, "", ip_lo, "/"), 3);
    CHECK_INT(route(&r, NULL, ip_a, "/"), 4);
    /* an IPv4 client on a dual-stack socket */
    CHECK_INT(route_ex(&r, 0, 80, "x", ip6_mapped_lo, 6, "/"), 3);
    CHECK_INT(route_ex(&r, 0, 80, "x", ip6_lo, 6, "/"), 4);
    CHECK_INT(route_ex(&r, 0, 80, "x", NULL, 0, "/"), 4);
    /* other port or scheme: nothing registered */
    CHECK_INT(route_ex(&r, 1, 80, "www.adatum.com", ip_lo, 4, "/"), -1);
    CHECK_INT(route_ex(&r, 0, 81, "www.adatum.com", ip_lo, 4, "/"), -1);
    hs_router_free(&r);

    /* the category decides before the length does */
    hs_router_init(&r);
    CHECK_INT(add(&r, "http://www.adatum.com:80/a/b/", 1, 2), 0);
    CHECK_INT(add(&r, "http://+:80/", 1, 1), 0);
    CHECK_INT(route(&r, "www.adatum.com", ip_a, "/a/b/c"), 1);
    hs_router_free(&r);

    hs_router_init(&r);
    CHECK_INT(add(&r, "http://*:80/", 1, 3), 0);
    CHECK_INT(add(&r, "http://10.0.0.1:80/a/b/", 1, 2), 0);
    CHECK_INT(add(&r, "http://www.adatum.com:80/", 1, 1), 0);
    CHECK_INT(route(&r, "www.adatum.com", ip_a, "/a/b/c"), 1);
    CHECK_INT(route(&r, "other", ip_a, "/a/b/c"), 2);
    CHECK_INT(route(&r, "other", ip_a, "/a/c"), 3);
    hs_router_free(&r);
}

static void test_longest(void)
{
    struct hs_router r;
    struct hs_route_result res;

    hs_router_init(&r);
    CHECK_INT(add(&r, "http://+:80/", 1, 1), 0);
    CHECK_INT(add(&r, "http://+:80/app/sub/", 3, 3), 0);
    CHECK_INT(add(&r, "http://+:80/app/", 2, 2), 0);
    CHECK_INT(add(&r, "http://+:80/apple/", 4, 4), 0);
    CHECK_INT(add(&r, "http://+:80/Dir/Sna/", 5, 5), 0);

    CHECK_INT(route(&r, "h", ip_a, "/app"), 2);
    CHECK_INT(route(&r, "h", ip_a, "/app/"), 2);
    CHECK_INT(route(&r, "h", ip_a, "/app/x"), 2);
    CHECK_INT(route(&r, "h", ip_a, "/APP/X"), 2);
    CHECK_INT(route(&r, "h", ip_a, "/app/subway"), 2);
    CHECK_INT(route(&r, "h", ip_a, "/app/sub"), 3);
    CHECK_INT(route(&r, "h", ip_a, "/app/sub/y/z"), 3);
    CHECK_INT(route(&r, "h", ip_a, "/apple"), 4);
    CHECK_INT(route(&r, "h", ip_a, "/applesauce"), 1);
    CHECK_INT(route(&r, "h", ip_a, "/ap"), 1);
    CHECK_INT(route(&r, "h", ip_a, "/"), 1);
    CHECK_INT(route(&r, "h", ip_a, "/x/y"), 1);
    CHECK_INT(route(&r, "h", ip_a, ""), 1);
    /* the documentation's example: /dir/app.htm is not under /dir/sna/ */
    CHECK_INT(route(&r, "h", ip_a, "/dir/app.htm"), 1);
    CHECK_INT(route(&r, "h", ip_a, "/dir/sna/app.htm"), 5);
    CHECK_INT(route(&r, "h", ip_a, "/DIR/SNA"), 5);
    /* only ASCII folds */
    CHECK_INT(add(&r, "http://+:80/\xc3\xa9/", 6, 6), 0);
    CHECK_INT(route(&r, "h", ip_a, "/\xc3\xa9/x"), 6);
    CHECK_INT(route(&r, "h", ip_a, "/\xc3\x89/x"), 1);

    CHECK_INT(hs_router_route(&r, 0, 80, "h", 1, ip_a, 4, "/app/sub/q", 10, &res), HS_ROUTE_OK);
    CHECK_INT(res.owner, 3);
    CHECK_INT(res.context, 3);
    CHECK(res.prefix != NULL && !strcmp(res.prefix->canon, "http://+:80/app/sub/"));
    /* the path is a length, not a string */
    CHECK_INT(hs_router_route(&r, 0, 80, "h", 1, ip_a, 4, "/app/sub/q", 4, &res), HS_ROUTE_OK);
    CHECK_INT(res.context, 2);
    hs_router_free(&r);
}

static void test_misses(void)
{
    struct hs_router r;

    hs_router_init(&r);
    CHECK_INT(route(&r, "h", ip_a, "/"), -1);
    CHECK_INT(add(&r, "http://www.adatum.com:80/vroot/", 1, 1), 0);
    CHECK_INT(route(&r, "www.adatum.com", ip_a, "/vroot/x"), 1);
    CHECK_INT(route(&r, "www.adatum.com", ip_a, "/other"), -2);
    CHECK_INT(route(&r, "www.adatum.com", ip_a, "/"), -2);
    CHECK_INT(route(&r, "other.com", ip_a, "/vroot/x"), -1);
    CHECK_INT(route(&r, "", ip_a, "/vroot/x"), -1);

    CHECK_INT(add(&r, "http://10.0.0.1:80/ip/", 1, 2), 0);
    CHECK_INT(route(&r, "other.com", ip_a, "/ip/"), 2);
    CHECK_INT(route(&r, "other.com", ip_a, "/x"), -2);
    CHECK_INT(route(&r, "other.com", ip_b, "/x"), -1);
    CHECK_INT(route(&r, "other.com", ip_b, "/ip/"), -1);

    CHECK_INT(add(&r, "http://+:80/s/", 1, 3), 0);
    CHECK_INT(route(&r, "other.com", ip_b, "/x"), -2);
    CHECK_INT(route(&r, "other.com", ip_b, "/s/x"), 3);
    CHECK_INT(route_ex(&r, 0, 8080, "other.com", ip_b, 4, "/s/x"), -1);
    hs_router_free(&r);

    /* a host match that misses on the path falls through to later categories */
    hs_router_init(&r);
    CHECK_INT(add(&r, "http://www.adatum.com:80/vroot/", 1, 1), 0);
    CHECK_INT(add(&r, "http://*:80/", 1, 2), 0);
    CHECK_INT(route(&r, "www.adatum.com", ip_a, "/other"), 2);
    CHECK_INT(route(&r, "www.adatum.com", ip_a, "/vroot"), 1);
    hs_router_free(&r);
}

static void test_ipv6(void)
{
    struct hs_router r;

    hs_router_init(&r);
    CHECK_INT(add(&r, "http://[::1]:80/", 1, 1), 0);
    CHECK_INT(add(&r, "http://127.0.0.1:80/", 1, 2), 0);
    CHECK_INT(add(&r, "http://[::ffff:10.0.0.1]:80/", 1, 3), 0);
    CHECK_INT(add(&r, "http://[2001:DB8::1]:80/v6/", 1, 4), 0);

    CHECK_INT(route_ex(&r, 0, 80, "[::1]", ip6_lo, 6, "/"), 1);
    CHECK_INT(route_ex(&r, 0, 80, "[::1]:80", ip6_lo, 6, "/x"), 1);
    CHECK_INT(route_ex(&r, 0, 80, "localhost", ip6_lo, 6, "/"), 1);
    /* 127.0.0.1 and ::1 are different interfaces */
    CHECK_INT(route_ex(&r, 0, 80, "[::1]", ip_lo, 4, "/"), 2);
    CHECK_INT(route_ex(&r, 0, 80, "127.0.0.1", ip6_lo, 6, "/"), 1);
    CHECK_INT(route_ex(&r, 0, 80, "x", ip_lo2, 4, "/"), -1);
    CHECK_INT(route_ex(&r, 0, 80, "x", ip6_mapped_lo, 6, "/"), 2);
    /* a mapped registration is the IPv4 address */
    CHECK_INT(route_ex(&r, 0, 80, "x", ip_a, 4, "/"), 3);
    CHECK_INT(route_ex(&r, 0, 80, "x", ip6_other, 6, "/v6/a"), 4);
    CHECK_INT(route_ex(&r, 0, 80, "x", ip6_other, 6, "/"), -2);
    hs_router_free(&r);

    /* equal addresses in one category: the first registered wins */
    hs_router_init(&r);
    CHECK_INT(add(&r, "http://[::ffff:127.0.0.1]:80/", 1, 1), 0);
    CHECK_INT(add(&r, "http://127.0.0.1:80/", 1, 2), 0);
    CHECK_INT(route(&r, "x", ip_lo, "/"), 1);
    hs_router_free(&r);
}

static void test_https(void)
{
    struct hs_router r;

    hs_router_init(&r);
    CHECK_INT(add(&r, "https://+:443/", 1, 1), 0);
    CHECK_INT(add(&r, "http://+:8080/", 1, 2), 0);
    CHECK_INT(route_ex(&r, 1, 443, "h", ip_a, 4, "/x"), 1);
    CHECK_INT(route_ex(&r, 0, 443, "h", ip_a, 4, "/x"), -1);
    CHECK_INT(route_ex(&r, 0, 8080, "h", ip_a, 4, "/x"), 2);
    CHECK_INT(route_ex(&r, 1, 8080, "h", ip_a, 4, "/x"), -1);
    hs_router_free(&r);
}

static void test_many(void)
{
    struct hs_router r;
    char url[64];
    int i, ok = 1;

    /* growth keeps earlier registrations intact */
    hs_router_init(&r);
    for (i = 0; i < 300; i++)
    {
        snprintf(url, sizeof(url), "http://+:80/p%d/", i);
        if (add(&r, url, (uint64_t)i, (uint64_t)i + 1000)) ok = 0;
    }
    CHECK(ok);
    CHECK_INT(hs_router_port_in_use(&r, 80), 300);
    CHECK_INT(route(&r, "h", ip_a, "/p0/x"), 1000);
    CHECK_INT(route(&r, "h", ip_a, "/p299"), 1299);
    CHECK_INT(route(&r, "h", ip_a, "/p300"), -2);
    hs_router_remove_owner(&r, 150);
    CHECK_INT(route(&r, "h", ip_a, "/p150"), -2);
    CHECK_INT(route(&r, "h", ip_a, "/p151"), 1151);
    hs_router_free(&r);
}

int main(void)
{
    test_conflicts();
    test_precedence();
    test_longest();
    test_misses();
    test_ipv6();
    test_https();
    test_many();
    return unit_report();
}

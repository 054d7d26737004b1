/* The kernel cache's store (cache.c): keys, lookups, expiry, flushes, the scavenger. */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "urlprefix.h"
#include "unit.h"

static uint8_t *dup_bytes(const char *s)
{
    size_t n = strlen(s);
    uint8_t *p = malloc(n ? n : 1);
    memcpy(p, s, n);
    return p;
}

static void put(struct hs_cache *c, uint64_t owner, int kind, const char *key, const char *data, uint64_t expires,
                uint64_t now)
{
    CHECK_MSG(hs_cache_put(c, owner, kind, key, strlen(key), dup_bytes(data), strlen(data), expires, now) != NULL,
              "put %s", key);
}

static int has(struct hs_cache *c, uint64_t owner, int kind, const char *key, uint64_t now)
{
    return hs_cache_get(c, owner, kind, key, strlen(key), now) != NULL;
}

static void test_name_keys(void)
{
    static const struct { const char *name, *key; } good[] =
    {
        { "http://LocalHost:80/Dir/Page.htm", "http://localhost:80/Dir/Page.htm" },
        { "http://host:8080/dir/", "http://host:8080/dir/" },
        { "http://host:8080", "http://host:8080/" },
        { "https://+:443/app/x", "https://+:443/app/x" },
        { "http://*:80/a", "http://*:80/a" },
        { "http://[0:0::1]:80/a", "http://[::1]:80/a" },
        { "http://host.:80/a", "http://host:80/a" },
    };
    static const char *const bad[] =
    {
        "", "host:80/a", "http://host/a", "http://host:0/a", "ftp://host:80/a", "http://host:80/a?q",
        "http://host:80/a#f", "http://host:80/a/../b", "http://host:80/a%20b", "http://host:80/a b",
    };
    size_t i, len;
    char *key;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    {
        CHECK_INT(hs_cache_name_key(good[i].name, strlen(good[i].name), &key, &len), 0);
        if (key) CHECK_MEM(key, len, good[i].key);
        free(key);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        CHECK_MSG(hs_cache_name_key(bad[i], strlen(bad[i]), &key, &len) == HS_ERROR_INVALID_PARAMETER,
                  "'%s' is not a name", bad[i]);
        CHECK(key == NULL);
    }
    CHECK_INT(hs_cache_name_key("http://h:1/a\0b", 14, &key, &len), HS_ERROR_INVALID_PARAMETER);
}

static size_t widen(const char *s, uint16_t *out)
{
    size_t i;
    for (i = 0; s[i]; i++) out[i] = (unsigned char)s[i];
    return i;
}

static void test_url_keys(void)
{
    uint16_t url[128];
    size_t n, len;
    char *key;

    /* host and scheme lower-cased, the path and query left alone */
    n = widen("http://LocalHost:8080/Dir/A.txt?X=1", url);
    key = hs_cache_url_key(url, n, 21, &len);
    CHECK_MEM(key, len, "http://localhost:8080/Dir/A.txt?X=1");
    free(key);
    /* a trailing dot of the host goes, as in names */
    n = widen("http://Host.:80/a", url);
    key = hs_cache_url_key(url, n, 15, &len);
    CHECK_MEM(key, len, "http://host:80/a");
    free(key);
    /* non-ASCII becomes UTF-8; a lone surrogate U+FFFD */
    n = widen("http://h:1/", url);
    url[n++] = 0xe9;
    url[n++] = 0xd83d;
    url[n++] = 0xde00;
    url[n++] = 0xd800;
    key = hs_cache_url_key(url, n, 10, &len);
    CHECK_MEM(key, len, "http://h:1/\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd");
    free(key);
}

static void test_lookup(void)
{
    struct hs_cache *c = hs_cache_new();
    struct hs_cache_entry *e;
    char key[64];
    int i, all;

    CHECK(c != NULL);
    CHECK_INT(hs_cache_count(NULL, HS_CACHE_RESPONSE), 0);
    CHECK(hs_cache_get(NULL, 1, HS_CACHE_FRAGMENT, "x", 1, 0) == NULL);
    put(c, 1, HS_CACHE_FRAGMENT, "http://h:1/a", "one", 0, 100);
    CHECK(has(c, 1, HS_CACHE_FRAGMENT, "http://h:1/a", 100));
    CHECK_MSG(!has(c, 2, HS_CACHE_FRAGMENT, "http://h:1/a", 100), "another queue does not see it");
    CHECK_MSG(!has(c, 1, HS_CACHE_RESPONSE, "http://h:1/a", 100), "a fragment is not a response");
    CHECK_MSG(!has(c, 1, HS_CACHE_FRAGMENT, "http://h:1/A", 100), "lookups are exact");
    /* the same name again replaces it */
    put(c, 1, HS_CACHE_FRAGMENT, "http://h:1/a", "second", 0, 100);
    e = hs_cache_get(c, 1, HS_CACHE_FRAGMENT, "http://h:1/a", 12, 200);
    CHECK(e && e->len == 6 && !memcmp(e->data, "second", 6));
    CHECK_INT(hs_cache_count(c, HS_CACHE_FRAGMENT), 1);
    CHECK_INT(hs_cache_bytes(c), 6 + 12 + sizeof(struct hs_cache_entry));
    CHECK(e && e->hits == 1 && e->used_ms == 200);
    /* expiry */
    put(c, 1, HS_CACHE_RESPONSE, "http://h:1/ttl", "r", 1100, 100);
    CHECK(has(c, 1, HS_CACHE_RESPONSE, "http://h:1/ttl", 1099));
    CHECK_MSG(!has(c, 1, HS_CACHE_RESPONSE, "http://h:1/ttl", 1100), "expired at its time");
    CHECK_INT(hs_cache_count(c, HS_CACHE_RESPONSE), 0);
    /* many entries: the table grows and finds them all */
    for (i = 0; i < 1000; i++)
    {
        snprintf(key, sizeof(key), "http://h:1/n/%d", i);
        put(c, (uint64_t)(i % 3), HS_CACHE_RESPONSE, key, "x", 0, 0);
    }
    for (i = 0, all = 1; i < 1000; i++)
    {
        snprintf(key, sizeof(key), "http://h:1/n/%d", i);
        all &= has(c, (uint64_t)(i % 3), HS_CACHE_RESPONSE, key, 1);
    }
    CHECK_MSG(all, "1000 entries are all found");
    CHECK_INT(hs_cache_flush_owner(c, 0), 334);
    CHECK_INT(hs_cache_count(c, HS_CACHE_RESPONSE), 666);
    hs_cache_free(c);
}

static void test_flush(void)
{
    static const char *const keys[] =
    {
        "http://h:1/dir/", "http://h:1/dir/a", "http://h:1/dir/a?q=/x", "http://h:1/dir/sub/b",
        "http://h:1/dirx", "http://h:1/dir", "http://other:1/dir/a", "http://h:2/dir/a", "https://h:1/dir/a",
        "http://h:1/DIR/c",
    };
    static const struct { const char *pattern; int recursive; const char *left; } cases[] =
    {
        /* left: 1 for each key still there afterwards */
        { "http://h:1/dir/", 0, "0001111110" },
        { "http://h:1/dir/", 1, "0000111110" },
        { "http://h:1/dir", 0, "0001101110" },
        { "http://h:1/dir", 1, "0000101110" },
        { "http://h:1/dir/a", 0, "1001111111" },
        /* a wildcard host reaches every host, not another port or scheme */
        { "http://+:1/dir/", 1, "0000110110" },
        { "http://*:1/dir/a", 0, "1001110111" },
        { "http://h:1/nothing/", 1, "1111111111" },
    };
    size_t i, k;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        struct hs_cache *c = hs_cache_new();
        char left[16];

        for (k = 0; k < 10; k++) put(c, 7, k % 2 ? HS_CACHE_FRAGMENT : HS_CACHE_RESPONSE, keys[k], "v", 0, 0);
        put(c, 8, HS_CACHE_RESPONSE, "http://h:1/dir/a", "other queue", 0, 0);
        hs_cache_flush(c, 7, cases[i].pattern, strlen(cases[i].pattern), cases[i].recursive);
        for (k = 0; k < 10; k++) left[k] = has(c, 7, k % 2 ? HS_CACHE_FRAGMENT : HS_CACHE_RESPONSE, keys[k], 1) ? '1' : '0';
        left[10] = 0;
        CHECK_MSG(!strcmp(left, cases[i].left), "flush %s%s: left %s, expected %s", cases[i].pattern,
                  cases[i].recursive ? " recursive" : "", left, cases[i].left);
        CHECK_MSG(has(c, 8, HS_CACHE_RESPONSE, "http://h:1/dir/a", 1), "another queue's entry stays");
        hs_cache_free(c);
    }
}

static void test_scavenge(void)
{
    struct hs_cache *c = hs_cache_new();

    put(c, 1, HS_CACHE_FRAGMENT, "http://h:1/used", "a", 0, 0);
    put(c, 1, HS_CACHE_FRAGMENT, "http://h:1/idle", "b", 0, 0);
    put(c, 1, HS_CACHE_RESPONSE, "http://h:1/ttl", "c", 5000, 0);
    CHECK(has(c, 1, HS_CACHE_FRAGMENT, "http://h:1/used", 3000));
    CHECK(has(c, 1, HS_CACHE_RESPONSE, "http://h:1/ttl", 3000));
    CHECK_MSG(hs_cache_scavenge(c, 4000, 2000) == 1, "what was not used since 2000 goes");
    CHECK(!has(c, 1, HS_CACHE_FRAGMENT, "http://h:1/idle", 4000));
    CHECK(has(c, 1, HS_CACHE_FRAGMENT, "http://h:1/used", 4000));
    CHECK_MSG(hs_cache_scavenge(c, 5000, 0) == 1, "an expired entry goes even if used");
    CHECK_INT(hs_cache_count(c, HS_CACHE_RESPONSE), 0);
    CHECK_INT(hs_cache_bytes(c), 1 + 15 + sizeof(struct hs_cache_entry));
    hs_cache_free(c);
}

int main(void)
{
    test_name_keys();
    test_url_keys();
    test_lookup();
    test_flush();
    test_scavenge();
    return unit_report();
}

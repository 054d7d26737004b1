/* The cooked URL: reference/httpapi.md section 3.2 (URL tunables). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "cookurl.h"

static struct hs_cook_params params;

/* UTF-16 back to UTF-8, so expectations read as text. */
static const char *utf8(const uint16_t *s, size_t bytes)
{
    static char bufs[4][8192];
    static int which;
    char *out = bufs[which++ & 3], *p = out;
    size_t i, n = bytes / 2;

    for (i = 0; i < n && p < out + sizeof(bufs[0]) - 5; i++)
    {
        uint32_t c = s[i];

        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n)
            c = 0x10000 + ((c - 0xd800) << 10) + (s[++i] - 0xdc00);
        if (c < 0x80) *p++ = (char)c;
        else if (c < 0x800) { *p++ = (char)(0xc0 | c >> 6); *p++ = (char)(0x80 | (c & 0x3f)); }
        else if (c < 0x10000)
        {
            *p++ = (char)(0xe0 | c >> 12);
            *p++ = (char)(0x80 | ((c >> 6) & 0x3f));
            *p++ = (char)(0x80 | (c & 0x3f));
        }
        else
        {
            *p++ = (char)(0xf0 | c >> 18);
            *p++ = (char)(0x80 | ((c >> 12) & 0x3f));
            *p++ = (char)(0x80 | ((c >> 6) & 0x3f));
            *p++ = (char)(0x80 | (c & 0x3f));
        }
    }
    *p = 0;
    return out;
}

/* The whole cooked URL as UTF-8 text, or "E<n>" for error n. */
static const char *cook_full(const char *target, const char *host, int secure, uint16_t port)
{
    static char err[4][16];
    static int which;
    struct hs_cooked c;
    const char *res;
    int rc = hs_cook_url(&params, target, strlen(target), host, strlen(host), secure, port, &c);

    if (rc)
    {
        char *e = err[which++ & 3];
        snprintf(e, sizeof(err[0]), "E%d%s", rc, c.url || c.path ? "!" : "");
        return e;
    }
    res = utf8(c.url, c.url_bytes);
    hs_cooked_free(&c);
    return res;
}

/* Just the cooked abs path (from the UTF-16 URL), or "E<n>". */
static const char *cook_path(const char *target)
{
    static char err[4][16];
    static int which;
    struct hs_cooked c;
    const char *res;
    int rc = hs_cook_url(&params, target, strlen(target), "h", 1, 0, 80, &c);

    if (rc)
    {
        char *e = err[which++ & 3];
        snprintf(e, sizeof(err[0]), "E%d", rc);
        return e;
    }
    res = utf8((const uint16_t *)((const char *)c.url + c.path_off), c.path_bytes);
    /* the router's copy must say the same */
    if (strlen(res) != c.path_len || memcmp(res, c.path, c.path_len)) res = "UTF8-MISMATCH";
    hs_cooked_free(&c);
    return res;
}

static int cook_rc(const char *target)
{
    struct hs_cooked c;
    int rc = hs_cook_url(&params, target, strlen(target), "h", 1, 0, 80, &c);

    hs_cooked_free(&c);
    return rc;
}

static char *err_str(int e)
{
    static char bufs[4][16];
    static int which;
    char *b = bufs[which++ & 3];

    snprintf(b, sizeof(bufs[0]), "E%d", e);
    return b;
}

#define FULL(t, h, s, port, exp) do { const char *g_ = cook_full(t, h, s, port); \
        CHECK_MEM(g_, strlen(g_), exp); } while (0)
#define PATH(t, exp) do { const char *g_ = cook_path(t); CHECK_MEM(g_, strlen(g_), exp); } while (0)

static void reset(void)
{
    hs_cook_params_default(&params);
}

static void test_defaults(void)
{
    hs_cook_params_default(&params);
    CHECK_INT(params.enable_non_utf8, 1);
    CHECK_INT(params.favor_utf8, 1);
    CHECK_INT(params.percent_u_allowed, 1);
    CHECK_INT(params.allow_restricted_chars, 0);
    CHECK_INT(params.url_segment_max_length, 260);
    CHECK_INT(params.url_segment_max_count, 255);
}

static void test_layout(void)
{
    struct hs_cooked c;
    const char *t = "/abs/path?query";

    reset();
    CHECK_INT(hs_cook_url(&params, t, strlen(t), "www.adatum.com", 14, 0, 80, &c), 0);
    CHECK_MEM(utf8(c.url, c.url_bytes), c.url_bytes / 2, "http://www.adatum.com:80/abs/path?query");
    CHECK_INT(c.url_bytes, 2 * strlen("http://www.adatum.com:80/abs/path?query"));
    CHECK_INT(c.url[c.url_bytes / 2], 0);
    CHECK_INT(c.host_off, 14);
    CHECK_INT(c.host_bytes, 2 * strlen("www.adatum.com:80"));
    CHECK_INT(c.path_off, 2 * strlen("http://www.adatum.com:80"));
    CHECK_INT(c.path_bytes, 2 * strlen("/abs/path"));
    CHECK_INT(c.query_off, 2 * strlen("http://www.adatum.com:80/abs/path"));
    CHECK_INT(c.query_bytes, 2 * strlen("?query"));
    CHECK_MEM(c.path, c.path_len, "/abs/path");
    CHECK_INT(c.path[c.path_len], 0);
    /* little-endian code units */
    CHECK_INT(((const uint8_t *)c.url)[0], 'h');
    CHECK_INT(((const uint8_t *)c.url)[1], 0);
    hs_cooked_free(&c);
    CHECK(c.url == NULL && c.path == NULL);
    hs_cooked_free(&c);

    CHECK_INT(hs_cook_url(&params, "/", 1, "h:81", 4, 1, 443, &c), 0);
    CHECK_INT(c.host_off, 16);
    CHECK_INT(c.host_bytes, 8);
    CHECK_INT(c.path_bytes, 2);
    CHECK_INT(c.query_off, 0);
    CHECK_INT(c.query_bytes, 0);
    hs_cooked_free(&c);

    CHECK_INT(hs_cook_url(&params, "/?", 2, "h", 1, 0, 80, &c), 0);
    CHECK_INT(c.query_bytes, 2);
    CHECK_INT(c.query_off, 2 * strlen("http://h:80/"));
    hs_cooked_free(&c);

    /* a failure leaves nothing to free */
    CHECK_INT(hs_cook_url(&params, "/%", 2, "h", 1, 0, 80, &c), HS_COOK_E_ESCAPE);
    CHECK(c.url == NULL && c.path == NULL && c.url_bytes == 0);
    CHECK_INT(hs_cook_url(&params, "/a/b", 4, "h", 1, 0, 80, &c), 0);
    hs_cooked_free(&c);
    params.url_segment_max_count = 1;
    CHECK_INT(hs_cook_url(&params, "/a/b", 4, "h", 1, 0, 80, &c), HS_COOK_E_SEGMENT_COUNT);
    CHECK(c.url == NULL && c.path == NULL && c.path_len == 0);
    reset();
    CHECK_INT(hs_cook_url(&params, "/", 1, "", 0, 0, 80, &c), HS_COOK_E_HOST);
    CHECK(c.url == NULL && c.path == NULL);
    CHECK_INT(hs_cook_url(&params, NULL, 0, "h", 1, 0, 80, &c), HS_COOK_E_TARGET);
    CHECK_INT(hs_cook_url(&params, "/", 1, NULL, 0, 0, 80, &c), HS_COOK_E_HOST);
    CHECK_INT(hs_cook_url(&params, "/", 1, NULL, 3, 0, 80, &c), HS_COOK_E_HOST);
}

static void test_host(void)
{
    reset();
    FULL("/", "localhost:8080", 0, 80, "http://localhost:8080/");
    FULL("/", "localhost", 0, 8080, "http://localhost:8080/");
    FULL("/x", "h", 1, 443, "https://h:443/x");
    FULL("/", "[::1]", 0, 80, "http://[::1]:80/");
    FULL("/", "[::1]:8080", 0, 80, "http://[::1]:8080/");
    FULL("/", "[::1]:", 0, 80, "http://[::1]:80/");
    /* HTTP/1.0 without Host: the caller passes the local address */
    FULL("/", "10.0.0.1", 0, 80, "http://10.0.0.1:80/");
    /* kept as sent */
    FULL("/", "WWW.Adatum.COM", 0, 80, "http://WWW.Adatum.COM:80/");
    FULL("/", "h:", 0, 80, "http://h:80/");
    FULL("/", "h.:99", 0, 80, "http://h.:99/");
    FULL("/", "b\xc3\xbc" "cher", 0, 80, "http://b\xc3\xbc" "cher:80/");
    FULL("/", "b\xfc" "cher", 0, 80, "http://b\xc3\xbc" "cher:80/");
    FULL("/", "h", 0, 65535, "http://h:65535/");
    FULL("/", "h", 0, 1, "http://h:1/");

    FULL("/", "", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", ":80", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "a b", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "a/b", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "a\\b", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "a?b", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "a#b", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "u@h", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "a\x01", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "[::1", 0, 80, err_str(HS_COOK_E_HOST));
    FULL("/", "[::1]x", 0, 80, err_str(HS_COOK_E_HOST));
}

static void test_target(void)
{
    reset();
    /* the query is copied, not decoded */
    FULL("/a?x=%41&y=%zz", "h", 0, 80, "http://h:80/a?x=%41&y=%zz");
    FULL("/a?x/../y", "h", 0, 80, "http://h:80/a?x/../y");
    FULL("/a?b#c", "h", 0, 80, "http://h:80/a?b#c");
    FULL("/a?b?c", "h", 0, 80, "http://h:80/a?b?c");
    FULL("/?q=\xc3\xa9", "h", 0, 80, "http://h:80/?q=\xc3\xa9");
    FULL("/?q=\xe9", "h", 0, 80, "http://h:80/?q=\xc3\xa9");
    FULL("/?q=\x80", "h", 0, 80, "http://h:80/?q=\xe2\x82\xac");
    FULL("/?q=\x81", "h", 0, 80, "http://h:80/?q=\xc2\x81");
    /* absolute-form: only path and query count */
    FULL("http://other:81/p?q", "other:81", 0, 80, "http://other:81/p?q");
    FULL("HTTP://x/p", "h", 0, 80, "http://h:80/p");
    FULL("https://x", "h", 1, 443, "https://h:443/");
    FULL("http://x?q", "h", 0, 80, "http://h:80/?q");
    FULL("http://x/a%20b", "h", 0, 80, "http://h:80/a b");
    FULL("ftp://x/", "h", 0, 80, err_str(HS_COOK_E_TARGET));
    FULL("*", "h", 0, 80, err_str(HS_COOK_E_TARGET));
    FULL("", "h", 0, 80, err_str(HS_COOK_E_TARGET));
    FULL("a/b", "h", 0, 80, err_str(HS_COOK_E_TARGET));
    FULL("\\a", "h", 0, 80, err_str(HS_COOK_E_TARGET));
    FULL("http:/x", "h", 0, 80, err_str(HS_COOK_E_TARGET));
    /* raw bytes no request line carries */
    CHECK_INT(cook_rc("/a\x01" "b"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("/a b"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("/a\tb"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("/a\x7f"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("/a#b"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("/a?b\x7f"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("/a?b c"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("http://x/a\x01"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("http://x#/a"), HS_COOK_E_CHAR);
    CHECK_INT(cook_rc("http://x/a#b"), HS_COOK_E_CHAR);
    {
        struct hs_cooked c;

        CHECK_INT(hs_cook_url(&params, "/a\0b", 4, "h", 1, 0, 80, &c), HS_COOK_E_CHAR);
        /* the length, not a NUL, ends the target */
        CHECK_INT(hs_cook_url(&params, "/abc", 2, "h", 1, 0, 80, &c), 0);
        CHECK_MEM(c.path, c.path_len, "/a");
        hs_cooked_free(&c);
    }
}

static void test_percent(void)
{
    reset();
    PATH("/a%20b", "/a b");
    PATH("/%41%42", "/AB");
    PATH("/%7e%7E", "/~~");
    PATH("/a%2Fb", "/a/b");
    PATH("/a%3Fb", "/a?b");
    PATH("/a%23b", "/a#b");
    PATH("/a%25b", "/a%b");
    PATH("/a%2541", "/a%41");
    CHECK_INT(cook_rc("/%"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/a%"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/%4"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/%4g"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/%g4"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/%%41"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/a%?b"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/a?%"), 0);
}

static void test_charset(void)
{
    reset();
    /* UTF-8 first by default */
    PATH("/caf%C3%A9", "/caf\xc3\xa9");
    PATH("/caf\xc3\xa9", "/caf\xc3\xa9");
    PATH("/caf\xc3%A9", "/caf\xc3\xa9");
    PATH("/%E2%82%AC", "/\xe2\x82\xac");
    PATH("/%F0%9F%98%80", "/\xf0\x9f\x98\x80");
    {
        struct hs_cooked c;

        CHECK_INT(hs_cook_url(&params, "/%F0%9F%98%80", 13, "h", 1, 0, 80, &c), 0);
        CHECK_INT(c.path_bytes, 6);
        CHECK_INT(c.url[c.path_off / 2 + 1], 0xd83d);
        CHECK_INT(c.url[c.path_off / 2 + 2], 0xde00);
        hs_cooked_free(&c);
    }
    /* not UTF-8: Windows-1252 */
    PATH("/caf%E9", "/caf\xc3\xa9");
    PATH("/caf\xe9", "/caf\xc3\xa9");
    PATH("/%80", "/\xe2\x82\xac");
    PATH("/%9F", "/\xc5\xb8");
    PATH("/%C3%A9%E9", "/\xc3\x83\xc2\xa9\xc3\xa9");
    /* overlong and surrogate encodings are not UTF-8, so never become '/' */
    PATH("/a%C0%AFb", "/a\xc3\x80\xc2\xaf" "b");
    PATH("/%ED%A0%80", "/\xc3\xad\xc2\xa0\xe2\x82\xac");
    /* the five bytes Windows-1252 leaves undefined */
    CHECK_INT(cook_rc("/%81"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%8D"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%8F"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%90"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%9D"), HS_COOK_E_ENCODING);

    /* EnableNonUTF8=0: UTF-8 only */
    params.enable_non_utf8 = 0;
    PATH("/caf%C3%A9", "/caf\xc3\xa9");
    PATH("/plain", "/plain");
    CHECK_INT(cook_rc("/caf%E9"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/caf\xe9"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%C0%AF"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%ED%A0%80"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%F4%90%80%80"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%C3"), HS_COOK_E_ENCODING);
    params.favor_utf8 = 0;
    PATH("/caf%C3%A9", "/caf\xc3\xa9");
    CHECK_INT(cook_rc("/caf%E9"), HS_COOK_E_ENCODING);

    /* FavorUTF8=0: Windows-1252 first, UTF-8 when that fails */
    reset();
    params.favor_utf8 = 0;
    PATH("/plain", "/plain");
    PATH("/caf%C3%A9", "/caf\xc3\x83\xc2\xa9");
    PATH("/caf%E9", "/caf\xc3\xa9");
    PATH("/%C3%81", "/\xc3\x81");
    CHECK_INT(cook_rc("/%81%FF"), HS_COOK_E_ENCODING);
}

static void test_percent_u(void)
{
    reset();
    PATH("/%u0041", "/A");
    PATH("/%U0041", "/A");
    PATH("/%u00e9", "/\xc3\xa9");
    PATH("/%u20AC", "/\xe2\x82\xac");
    PATH("/%uD83D%uDE00", "/\xf0\x9f\x98\x80");
    PATH("/a%u002Fb", "/a/b");
    PATH("/%u00e9%E9", "/\xc3\xa9\xc3\xa9");
    PATH("/%u00e9%C3%A9", "/\xc3\xa9\xc3\xa9");
    CHECK_INT(cook_rc("/%uD83D"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%uDE00"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%uD83Dx"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%uD83D%41"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%uD83D%uD83D"), HS_COOK_E_ENCODING);
    CHECK_INT(cook_rc("/%uD83D%u"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/%u004"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/%u00G1"), HS_COOK_E_ESCAPE);
    CHECK_INT(cook_rc("/%u"), HS_COOK_E_ESCAPE);
    /* a UTF-8 sequence cannot straddle a %u escape */
    params.enable_non_utf8 = 0;
    CHECK_INT(cook_rc("/%C3%u00A9"), HS_COOK_E_ENCODING);
    params.enable_non_utf8 = 1;
    PATH("/%C3%u00A9", "/\xc3\x83\xc2\xa9");

    params.percent_u_allowed = 0;
    CHECK_INT(cook_rc("/%u0041"), HS_COOK_E_PERCENT_U);
    CHECK_INT(cook_rc("/%U0041"), HS_COOK_E_PERCENT_U);
    CHECK_INT(cook_rc("/%u"), HS_COOK_E_PERCENT_U);
    PATH("/%41", "/A");
    CHECK_INT(cook_rc("/a?%u0041"), 0);
}

static void test_restricted(void)
{
    reset();
    CHECK_INT(cook_rc("/%00"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%01"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%0A"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%1F"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%7F"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%C2%80"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%C2%9F"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/\xc2\x85"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%u0000"), HS_COOK_E_RESTRICTED);
    CHECK_INT(cook_rc("/%u0085"), HS_COOK_E_RESTRICTED);
    PATH("/%20", "/ ");
    PATH("/%7E", "/~");
    PATH("/%C2%A0", "/\xc2\xa0");
    PATH("/%u00A0", "/\xc2\xa0");

    params.allow_restricted_chars = 1;
    PATH("/%01", "/\x01");
    PATH("/%7F", "/\x7f");
    PATH("/%C2%80", "/\xc2\x80");
    PATH("/%u001F", "/\x1f");
    {
        struct hs_cooked c;

        CHECK_INT(hs_cook_url(&params, "/a%00b", 6, "h", 1, 0, 80, &c), 0);
        CHECK_INT(c.path_len, 4);
        CHECK(!memcmp(c.path, "/a\0b", 4));
        CHECK_INT(c.url[c.path_off / 2 + 2], 0);
        hs_cooked_free(&c);
    }
    /* raw control bytes are never part of a request line */
    CHECK_INT(cook_rc("/\x01"), HS_COOK_E_CHAR);
    /* the restricted test follows decoding, including %u */
    params.allow_restricted_chars = 0;
    params.enable_non_utf8 = 1;
    PATH("/%85", "/\xe2\x80\xa6");
}

static void test_backslash_dots(void)
{
    reset();
    PATH("/a\\b", "/a/b");
    PATH("/a%5Cb", "/a/b");
    PATH("/a%5cb\\", "/a/b/");
    PATH("/a%5c..%5cb", "/b");
    PATH("/a\\..\\..\\b", "/b");

    PATH("/", "/");
    PATH("/a/./b", "/a/b");
    PATH("/a/../b", "/b");
    PATH("/../a", "/a");
    PATH("/../../a", "/a");
    PATH("/a/b/..", "/a/");
    PATH("/a/b/.", "/a/b/");
    PATH("/a/b/../", "/a/");
    PATH("/.", "/");
    PATH("/..", "/");
    PATH("/./", "/");
    PATH("/../", "/");
    PATH("/a/..", "/");
    PATH("/a/b/../../..", "/");
    PATH("/a/b/../../../c/", "/c/");
    /* consecutive slashes collapse before ".." is resolved (aspnetcore#42751
     * and its HttpSys RequestTests: "/base/call//../ball" reaches "/base/ball") */
    PATH("/a//../b", "/b");
    PATH("/a//b", "/a/b");
    PATH("//", "/");
    PATH("///a//b//", "/a/b/");
    PATH("/a\\\\b", "/a/b");
    PATH("/a/%2F/b", "/a/b");
    PATH("/a/./../b/./c", "/b/c");
    PATH("/%2e%2e/a", "/a");
    PATH("/%2E/a", "/a");
    PATH("/a/.%2e/b", "/b");
    PATH("/a/%2e./b", "/b");
    PATH("/a%2F..%2Fb", "/b");
    PATH("/a/%u002e%u002e/b", "/b");
    PATH("/a/..b/c", "/a/..b/c");
    PATH("/a/b../c", "/a/b../c");
    PATH("/a/.../b", "/a/.../b");
    PATH("/a/.b", "/a/.b");
    FULL("/a/b/../c?x/../y", "h", 0, 80, "http://h:80/a/c?x/../y");
    FULL("http://x/../../etc", "h", 0, 80, "http://h:80/etc");
}

static char *repeat(const char *head, const char *unit, int n, const char *tail)
{
    size_t len = strlen(head) + strlen(unit) * (size_t)n + strlen(tail) + 1;
    char *s = malloc(len), *p = s;
    int i;

    p += sprintf(p, "%s", head);
    for (i = 0; i < n; i++) p += sprintf(p, "%s", unit);
    sprintf(p, "%s", tail);
    return s;
}

static void test_limits(void)
{
    char *s;

    reset();
    params.url_segment_max_length = 3;
    CHECK_INT(cook_rc("/abc"), 0);
    CHECK_INT(cook_rc("/abc/"), 0);
    CHECK_INT(cook_rc("/abcd"), HS_COOK_E_SEGMENT_LENGTH);
    CHECK_INT(cook_rc("/abc/abcd/x"), HS_COOK_E_SEGMENT_LENGTH);
    CHECK_INT(cook_rc("/%41%41%41"), 0);
    CHECK_INT(cook_rc("/%41%41%41%41"), HS_COOK_E_SEGMENT_LENGTH);
    CHECK_INT(cook_rc("/\xc3\xa9\xc3\xa9\xc3\xa9"), 0);
    CHECK_INT(cook_rc("/%F0%9F%98%80%F0%9F%98%80"), HS_COOK_E_SEGMENT_LENGTH);
    CHECK_INT(cook_rc("/%F0%9F%98%80x"), 0);
    CHECK_INT(cook_rc("/abc?abcdefgh"), 0);
    CHECK_INT(cook_rc("/abcd/../x"), 0);
    CHECK_INT(cook_rc("/ab%2Fcd"), 0);
    params.url_segment_max_length = 4;
    CHECK_INT(cook_rc("/%F0%9F%98%80%F0%9F%98%80"), 0);
    params.url_segment_max_length = 0;
    s = repeat("/", "a", 5000, "");
    CHECK_INT(cook_rc(s), 0);
    free(s);

    reset();
    params.url_segment_max_count = 2;
    CHECK_INT(cook_rc("/"), 0);
    CHECK_INT(cook_rc("/a/b"), 0);
    CHECK_INT(cook_rc("/a/b/"), 0);
    CHECK_INT(cook_rc("/a/b/c"), HS_COOK_E_SEGMENT_COUNT);
    CHECK_INT(cook_rc("/a//b"), 0);          /* two segments once collapsed */
    CHECK_INT(cook_rc("/a//b//c"), HS_COOK_E_SEGMENT_COUNT);
    CHECK_INT(cook_rc("/a/b/c/.."), 0);
    CHECK_INT(cook_rc("/a%2Fb%2Fc"), HS_COOK_E_SEGMENT_COUNT);
    CHECK_INT(cook_rc("/a/b?c/d/e"), 0);
    params.url_segment_max_count = 0;
    s = repeat("", "/a", 1000, "");
    CHECK_INT(cook_rc(s), 0);
    free(s);

    /* the documented defaults, at and past the limit */
    reset();
    s = repeat("", "/a", 255, "");
    CHECK_INT(cook_rc(s), 0);
    free(s);
    s = repeat("", "/a", 256, "");
    CHECK_INT(cook_rc(s), HS_COOK_E_SEGMENT_COUNT);
    free(s);
    s = repeat("/", "a", 260, "");
    CHECK_INT(cook_rc(s), 0);
    free(s);
    s = repeat("/", "a", 261, "");
    CHECK_INT(cook_rc(s), HS_COOK_E_SEGMENT_LENGTH);
    free(s);

    /* HTTP_COOKED_URL counts bytes in USHORTs */
    params.url_segment_max_length = 0;
    s = repeat("/", "a", 32000, "");
    CHECK_INT(cook_rc(s), 0);
    free(s);
    s = repeat("/", "a", 32767, "");
    CHECK_INT(cook_rc(s), HS_COOK_E_TOO_LONG);
    free(s);
    s = repeat("/", "a", 600000, "");
    CHECK_INT(cook_rc(s), HS_COOK_E_TOO_LONG);
    free(s);
}

int main(void)
{
    test_defaults();
    test_layout();
    test_host();
    test_target();
    test_percent();
    test_charset();
    test_percent_u();
    test_restricted();
    test_backslash_dots();
    test_limits();
    return unit_report();
}

/* UrlPrefix parsing: reference/httpapi.md section 5.1 and 5.3. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "urlprefix.h"

static int parse_rc(const char *s)
{
    struct hs_prefix p;
    int rc = hs_prefix_parse(s, strlen(s), &p);

    hs_prefix_free(&p);
    return rc;
}

static int equal(const char *a, const char *b)
{
    struct hs_prefix pa, pb;
    int eq;

    if (hs_prefix_parse(a, strlen(a), &pa)) return -1;
    if (hs_prefix_parse(b, strlen(b), &pb)) { hs_prefix_free(&pa); return -1; }
    eq = hs_prefix_equal(&pa, &pb);
    hs_prefix_free(&pa);
    hs_prefix_free(&pb);
    return eq;
}

static void test_valid(void)
{
    static const uint8_t v6_loop[16] = { 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1 };
    static const uint8_t v6_doc[16] = { 0x3f,0xfe,0xff,0xff,0,0,0,0,0,0,0,0,0x6e,0xcb,0x01,0x01 };
    static const uint8_t v6_mapped[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,1,2,3,4 };
    static const uint8_t v4[4] = { 127,0,0,1 };
    struct hs_prefix p;

    CHECK_INT(hs_prefix_parse("http://www.adatum.com:80/vroot/", 31, &p), 0);
    CHECK_INT(p.secure, 0);
    CHECK_INT(p.kind, HS_HOST_NAME);
    CHECK_MEM(p.host, p.host_len, "www.adatum.com");
    CHECK_INT(p.port, 80);
    CHECK_MEM(p.path, p.path_len, "/vroot/");
    CHECK_MEM(p.canon, p.canon_len, "http://www.adatum.com:80/vroot/");
    CHECK_INT(strlen(p.canon), p.canon_len);
    hs_prefix_free(&p);
    CHECK(p.canon == NULL);
    hs_prefix_free(&p);   /* twice is harmless */

    CHECK_INT(hs_prefix_parse("https://adatum.com:443/secure/database/", 39, &p), 0);
    CHECK_INT(p.secure, 1);
    CHECK_INT(p.port, 443);
    CHECK_MEM(p.path, p.path_len, "/secure/database/");
    CHECK_MEM(p.canon, p.canon_len, "https://adatum.com:443/secure/database/");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://+:80/vroot/", 18, &p), 0);
    CHECK_INT(p.kind, HS_HOST_STRONG);
    CHECK_MEM(p.host, p.host_len, "+");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://*:8080/", 14, &p), 0);
    CHECK_INT(p.kind, HS_HOST_WEAK);
    CHECK_MEM(p.host, p.host_len, "*");
    CHECK_INT(p.port, 8080);
    CHECK_MEM(p.path, p.path_len, "/");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://127.0.0.1:80/", 20, &p), 0);
    CHECK_INT(p.kind, HS_HOST_IPV4);
    CHECK(!memcmp(p.addr, v4, 4));
    CHECK_MEM(p.host, p.host_len, "127.0.0.1");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://[::1]:80/", 16, &p), 0);
    CHECK_INT(p.kind, HS_HOST_IPV6);
    CHECK(!memcmp(p.addr, v6_loop, 16));
    CHECK_MEM(p.host, p.host_len, "[::1]");
    hs_prefix_free(&p);

    /* the documentation's own example, in RFC 5952 form */
    CHECK_INT(hs_prefix_parse("http://[3ffe:ffff::6ECB:0101]:80/", 33, &p), 0);
    CHECK_INT(p.kind, HS_HOST_IPV6);
    CHECK(!memcmp(p.addr, v6_doc, 16));
    CHECK_MEM(p.host, p.host_len, "[3ffe:ffff::6ecb:101]");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://[::FFFF:1.2.3.4]:80/", 27, &p), 0);
    CHECK(!memcmp(p.addr, v6_mapped, 16));
    CHECK_MEM(p.host, p.host_len, "[::ffff:1.2.3.4]");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://[1:0:0:2:0:0:0:3]:80/", 28, &p), 0);
    CHECK_MEM(p.host, p.host_len, "[1:0:0:2::3]");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://[1::]:80/", 16, &p), 0);
    CHECK_MEM(p.host, p.host_len, "[1::]");
    hs_prefix_free(&p);

    CHECK_INT(hs_prefix_parse("http://[::]:80/", 15, &p), 0);
    CHECK_MEM(p.host, p.host_len, "[::]");
    hs_prefix_free(&p);

    /* host lowercased, path kept as given */
    CHECK_INT(hs_prefix_parse("http://WWW.Adatum.COM:80/VRoot/", 31, &p), 0);
    CHECK_MEM(p.host, p.host_len, "www.adatum.com");
    CHECK_MEM(p.path, p.path_len, "/VRoot/");
    CHECK_MEM(p.canon, p.canon_len, "http://www.adatum.com:80/VRoot/");
    hs_prefix_free(&p);

    /* the root dot is dropped */
    CHECK_INT(hs_prefix_parse("http://example.com.:80/", 23, &p), 0);
    CHECK_MEM(p.host, p.host_len, "example.com");
    hs_prefix_free(&p);

    CHECK_INT(parse_rc("http://+:1/"), 0);
    CHECK_INT(parse_rc("http://+:65535/"), 0);
    CHECK_INT(parse_rc("http://localhost:80/"), 0);
    CHECK_INT(parse_rc("http://my_host-1.example:80/"), 0);
    CHECK_INT(parse_rc("http://b\xc3\xbc" "cher.example:80/"), 0);
    CHECK_INT(parse_rc("http://+:80/caf\xc3\xa9/"), 0);
    CHECK_INT(parse_rc("http://+:80/a//b/"), 0);
    CHECK_INT(parse_rc("http://+:80/a.b/.c/..d/"), 0);
    CHECK_INT(parse_rc("http://+:80/Temporary_Listen_Addresses/"), 0);
    CHECK_INT(parse_rc("http://[1:2:3:4:5:6:7:8]:80/"), 0);
    CHECK_INT(parse_rc("http://[1:2:3:4:5:6:7::]:80/"), 0);
    CHECK_INT(parse_rc("http://[::2:3:4:5:6:7:8]:80/"), 0);
    CHECK_INT(parse_rc("http://[1:2:3:4:5:6:1.2.3.4]:80/"), 0);
}

static void test_invalid(void)
{
    static const char *bad[] =
    {
        /* trailing slash, path */
        "http://+:80/vroot", "http://+:80", "http://+:80/a/b",
        /* scheme */
        "HTTP://+:80/", "Http://+:80/", "httpS://+:80/", "ftp://+:80/", "http:/+:80/",
        "http//+:80/", "://+:80/", "+:80/", "", "https:/+:443/", " http://+:80/",
        /* port */
        "http://+/", "http://+:/", "http://+:0/", "http://+:080/", "http://+:65536/",
        "http://+:99999/", "http://+:100000/", "http://+:+80/", "http://+:-80/",
        "http://+:8a/", "http://+:80 /", "http://+:*/", "http://+:80:81/",
        /* host */
        "http://:80/", "http://++:80/", "http://+*:80/", "http://*.example.com:80/",
        "http://a+b:80/", "http://a..b:80/", "http://.a:80/", "http://.:80/",
        "http://a b:80/", "http:// +:80/", "http://user@host:80/", "http://a?b:80/",
        "http://a#b:80/", "http://a%41:80/", "http://a\\b:80/", "http://a\xff:80/",
        /* IPv4 look-alikes */
        "http://1.2.3:80/", "http://1.2.3.4.5:80/", "http://256.1.1.1:80/",
        "http://01.2.3.4:80/", "http://1.2.3.4.:80/", "http://123:80/", "http://1..2.3:80/",
        /* IPv6 */
        "http://[::1:80/", "http://[::1]x:80/", "http://[:::1]:80/", "http://[]:80/",
        "http://[1:2:3:4:5:6:7:8:9]:80/", "http://[1:2:3:4:5:6:7]:80/",
        "http://[1::2::3]:80/", "http://[12345::]:80/", "http://[::1%25eth0]:80/",
        "http://[1:2:3:4:5:6:7:8::]:80/", "http://[:1::]:80/", "http://[1:]:80/",
        "http://[::g]:80/", "http://[::1.2.3]:80/", "http://[1.2.3.4]:80/", "http://::1:80/",
        "http://[1:2:3:4:5:6:7:1.2.3.4]:80/",
        /* path */
        "http://+:80/a?b/", "http://+:80/?/", "http://+:80/a#b/", "http://+:80/a b/",
        "http://+:80/\t/", "http://+:80/a\r\n/", "http://+:80/a/../", "http://+:80/./",
        "http://+:80/../", "http://+:80/a/./b/", "http://+:80/a%20b/", "http://+:80/a\\b/",
        "http://+:80/a\x7f/", "http://+:80/\xff/", "http://+:80/\xc3/", "http://+:80/\xc0\xaf/",
        "http://+:80/\xed\xa0\x80/",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(parse_rc(bad[i]) == HS_ERROR_INVALID_PARAMETER, "'%s' should be refused", bad[i]);

    {
        struct hs_prefix p;

        /* length, not NUL, ends the string */
        CHECK_INT(hs_prefix_parse("http://+:80/", 11, &p), HS_ERROR_INVALID_PARAMETER);
        CHECK_INT(hs_prefix_parse("http://+:80/a\0b/", 16, &p), HS_ERROR_INVALID_PARAMETER);
        CHECK_INT(hs_prefix_parse("http://+:80\0/", 13, &p), HS_ERROR_INVALID_PARAMETER);
        CHECK_INT(hs_prefix_parse(NULL, 0, &p), HS_ERROR_INVALID_PARAMETER);
        CHECK(p.canon == NULL);
    }
}

static void test_equal(void)
{
    struct hs_prefix a, b;

    CHECK_INT(equal("http://+:80/vroot/", "http://+:80/vroot/"), 1);
    CHECK_INT(equal("http://+:80/vroot/", "http://+:80/VROOT/"), 1);
    CHECK_INT(equal("http://Example.COM:80/a/", "http://example.com:80/A/"), 1);
    CHECK_INT(equal("http://example.com.:80/a/", "http://example.com:80/a/"), 1);
    CHECK_INT(equal("http://[::1]:80/", "http://[0:0:0:0:0:0:0:1]:80/"), 1);
    CHECK_INT(equal("http://[::ffff:1.2.3.4]:80/", "http://[::ffff:102:304]:80/"), 1);
    CHECK_INT(equal("http://+:80/vroot/", "https://+:80/vroot/"), 0);
    CHECK_INT(equal("http://+:80/vroot/", "http://+:81/vroot/"), 0);
    CHECK_INT(equal("http://+:80/vroot/", "http://*:80/vroot/"), 0);
    CHECK_INT(equal("http://+:80/vroot/", "http://www.adatum.com:80/vroot/"), 0);
    CHECK_INT(equal("http://a.com:80/vroot/", "http://b.com:80/vroot/"), 0);
    CHECK_INT(equal("http://+:80/vroot/", "http://+:80/vroot/x/"), 0);
    CHECK_INT(equal("http://+:80/vroot/", "http://+:80/"), 0);
    CHECK_INT(equal("http://127.0.0.1:80/", "http://[::1]:80/"), 0);
    /* only ASCII folds */
    CHECK_INT(equal("http://+:80/\xc3\xa9/", "http://+:80/\xc3\x89/"), 0);

    CHECK_INT(hs_prefix_parse("http://Host:80/Path/", 20, &a), 0);
    CHECK_INT(hs_prefix_copy(&b, &a), 0);
    CHECK(b.canon != a.canon);
    CHECK(hs_prefix_equal(&a, &b));
    hs_prefix_free(&a);
    CHECK_MEM(b.host, b.host_len, "host");
    CHECK_MEM(b.path, b.path_len, "/Path/");
    CHECK_MEM(b.canon, b.canon_len, "http://host:80/Path/");
    hs_prefix_free(&b);
}

int main(void)
{
    test_valid();
    test_invalid();
    test_equal();
    return unit_report();
}

/*
 * The request-head parser: RFC 9112 / RFC 9110 as http.sys applies them
 * (reference §1.7, §3.2, §5.4).
 *
 * Every parse() also feeds each proper prefix of the input, on a heap copy of
 * exactly that size (so ASan sees any over-read): each must be incomplete,
 * or fail with the very error of the whole input.  A violation makes parse()
 * return SPLIT_BROKEN, failing the CHECK at the call site.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "http_parse.h"

#define CAP 64
#define SPLIT_BROKEN 99

static struct hp_header hdrs[CAP];
static struct hp_request req;
static enum hp_error err;

/* One call on an exact-size copy of s[0..n). */
static enum hp_status run(const char *s, size_t n, const struct hp_limits *lim, uint32_t cap)
{
    char *copy = malloc(n ? n : 1);
    enum hp_status st;

    memcpy(copy, s, n);
    memset(&req, 0xa5, sizeof(req));  /* the parser must not rely on a clean struct */
    req.headers = cap ? hdrs : NULL;
    req.header_capacity = cap;
    err = (enum hp_error)77;
    st = hp_parse_request(copy, n, lim, &req, &err);
    free(copy);
    return st;
}

static int parse_full(const char *s, size_t n, const struct hp_limits *lim, uint32_t cap)
{
    enum hp_status whole = run(s, n, lim, cap), st;
    enum hp_error whole_err = err;
    struct hp_request saved = req;
    static struct hp_header saved_h[CAP];
    size_t k, end = whole == HP_OK ? saved.head_len : n;
    int broken = 0;

    memcpy(saved_h, hdrs, sizeof(hdrs));
    for (k = 0; k < end && !broken; k++)
    {
        st = run(s, k, lim, cap);
        if (st == HP_INCOMPLETE && err == HP_ERR_NONE) continue;
        if (st == HP_ERROR && whole == HP_ERROR && err == whole_err) continue;
        printf("  split: prefix %zu of \"%.40s\" gave %d/%d, the whole %d/%d\n", k, s, st, err, whole, whole_err);
        broken = 1;
    }
    req = saved;
    memcpy(hdrs, saved_h, sizeof(hdrs));
    err = whole_err;
    if (whole != HP_ERROR && err != HP_ERR_NONE) broken = 1;
    return broken ? SPLIT_BROKEN : (int)whole;
}

static int parse(const char *s)
{
    return parse_full(s, strlen(s), NULL, CAP);
}

static int parse_lim(const char *s, const struct hp_limits *lim)
{
    return parse_full(s, strlen(s), lim, CAP);
}

/* The error of a request that must fail; -1 if it did not fail. */
static int error_of(const char *s)
{
    int st = parse(s);
    return st == HP_ERROR ? (int)err : st == SPLIT_BROKEN ? SPLIT_BROKEN : -1;
}

static int error_of_lim(const char *s, const struct hp_limits *lim)
{
    int st = parse_lim(s, lim);
    return st == HP_ERROR ? (int)err : st == SPLIT_BROKEN ? SPLIT_BROKEN : -1;
}

/* The value of the first field named name, or NULL. */
static const char *value_of(const char *s, const char *name, size_t *len)
{
    uint32_t i;

    for (i = 0; i < req.header_count; i++)
        if (req.headers[i].name_len == strlen(name) && !memcmp(s + req.headers[i].name_off, name, strlen(name)))
        {
            *len = req.headers[i].value_len;
            return s + req.headers[i].value_off;
        }
    return NULL;
}

static void test_simple_get(void)
{
    const char *s = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t/1\r\nX-Custom: a\r\n\r\n";

    CHECK_INT(parse(s), HP_OK);
    CHECK_INT(err, HP_ERR_NONE);
    CHECK_MEM(s + req.method_off, req.method_len, "GET");
    CHECK_INT(req.verb, HP_VERB_GET);
    CHECK_MEM(s + req.target_off, req.target_len, "/index.html?q=1");
    CHECK_INT(req.target_form, HP_ORIGIN_FORM);
    CHECK_MEM(s + req.host_off, req.host_len, "example.com");
    CHECK_INT(req.version_major, 1);
    CHECK_INT(req.version_minor, 1);
    CHECK_INT(req.header_count, 3);
    CHECK(req.headers == hdrs);
    CHECK_INT(req.header_capacity, CAP);
    CHECK_MEM(s + hdrs[0].name_off, hdrs[0].name_len, "Host");
    CHECK_MEM(s + hdrs[0].value_off, hdrs[0].value_len, "example.com");
    CHECK_INT(hdrs[0].known, 28);
    CHECK_MEM(s + hdrs[1].name_off, hdrs[1].name_len, "User-Agent");
    CHECK_INT(hdrs[1].known, 40);
    CHECK_MEM(s + hdrs[2].name_off, hdrs[2].name_len, "X-Custom");
    CHECK_INT(hdrs[2].known, -1);
    CHECK_INT(req.head_len, strlen(s));
    CHECK_INT(req.body_kind, HP_BODY_NONE);
    CHECK_INT(req.content_length, 0);
    CHECK_INT(req.keep_alive, 1);
    CHECK_INT(req.expect_continue, 0);
    CHECK_INT(req.upgrade, 0);

    /* limits of NULL and of zeros are the defaults */
    {
        struct hp_limits zero = { 0, 0, 0 };
        CHECK_INT(parse_lim(s, &zero), HP_OK);
    }
}

static void test_verbs(void)
{
    static const char *const names[] =
    {
        "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT", "TRACK", "MOVE",
        "COPY", "PROPFIND", "PROPPATCH", "MKCOL", "LOCK", "UNLOCK", "SEARCH",
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CHECK_INT(hp_verb_from_method(names[i], strlen(names[i])), 3 + (int)i);
    CHECK_INT(hp_verb_from_method("get", 3), HP_VERB_UNKNOWN);
    CHECK_INT(hp_verb_from_method("Get", 3), HP_VERB_UNKNOWN);
    CHECK_INT(hp_verb_from_method("GE", 2), HP_VERB_UNKNOWN);
    CHECK_INT(hp_verb_from_method("GETX", 4), HP_VERB_UNKNOWN);
    CHECK_INT(hp_verb_from_method("PATCH", 5), HP_VERB_UNKNOWN);
    CHECK_INT(hp_verb_from_method("", 0), HP_VERB_UNKNOWN);
    CHECK_INT(HP_VERB_SEARCH, 19);

    CHECK_INT(parse("PROPFIND /dav HTTP/1.1\r\nHost: a\r\n\r\n"), HP_OK);
    CHECK_INT(req.verb, 14);
    CHECK_INT(parse("get / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_OK);
    CHECK_INT(req.verb, HP_VERB_UNKNOWN);
    CHECK_INT(parse("M-SEARCH* / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_OK);  /* any token is a method */
    CHECK_INT(req.verb, HP_VERB_UNKNOWN);
    CHECK_INT(req.method_len, 9);

    CHECK_INT(error_of("G@T / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_VERB);
    CHECK_INT(error_of(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_VERB);
    CHECK_INT(error_of("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_VERB);
    CHECK_INT(error_of("G\x80T / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_VERB);
    CHECK_INT(error_of("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), HP_ERR_INVALID_VERB);  /* TLS ClientHello */
    CHECK_INT(error_of("GET\r\n\r\n"), HP_ERR_BAD_REQUEST);
    {
        static const char nul_method[] = "GE\0T / HTTP/1.1\r\nHost: a\r\n\r\n";
        CHECK_INT(parse_full(nul_method, sizeof(nul_method) - 1, NULL, CAP), HP_ERROR);
        CHECK_INT(err, HP_ERR_INVALID_VERB);
    }
}

static void test_empty_lines_and_line_ends(void)
{
    const char *s = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";

    /* RFC 9112 §2.2: empty lines before the request line are skipped. */
    CHECK_INT(parse(s), HP_OK);
    CHECK_INT(req.method_off, 4);
    CHECK_INT(req.head_len, strlen(s));
    CHECK_INT(run("\r\n", 2, NULL, CAP), HP_INCOMPLETE);
    CHECK_INT(run("\r", 1, NULL, CAP), HP_INCOMPLETE);
    CHECK_INT(run("", 0, NULL, CAP), HP_INCOMPLETE);

    /* Bare LF and bare CR, anywhere: http.sys is strict. */
    CHECK_INT(error_of("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("\r\rGET / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\n\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\n\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1\rHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
}

static void test_target(void)
{
    struct hp_limits lim = { 0, 0, 16 };

    CHECK_INT(error_of("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET /a\x01z HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET /a\x7fz HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET /a\tz HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    {
        static const char nul_target[] = "GET /a\0z HTTP/1.1\r\nHost: a\r\n\r\n";
        CHECK_INT(parse_full(nul_target, sizeof(nul_target) - 1, NULL, CAP), HP_ERROR);
        CHECK_INT(err, HP_ERR_INVALID_URL);
    }
    /* raw UTF-8 and ANSI bytes are accepted, as by http.sys */
    CHECK_INT(parse("GET /caf\xc3\xa9/\x80\xff HTTP/1.1\r\nHost: a\r\n\r\n"), HP_OK);
    CHECK_MEM("GET /caf\xc3\xa9/\x80\xff" + req.target_off, req.target_len, "/caf\xc3\xa9/\x80\xff");
    /* no version: HTTP/0.9 */
    CHECK_INT(error_of("GET /index.html\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET /index.html\n"), HP_ERR_BAD_REQUEST);

    /* max_url_bytes */
    CHECK_INT(parse_lim("GET /23456789abcdefg HTTP/1.1\r\nHost: a\r\n\r\n", &lim), HP_OK);
    CHECK_INT(req.target_len, 16);
    CHECK_INT(error_of_lim("GET /23456789abcdefgh HTTP/1.1\r\nHost: a\r\n\r\n", &lim), HP_ERR_URL_TOO_LONG);
    CHECK_INT(run("GET /23456789abcdefgh", 21, &lim, CAP), HP_ERROR);  /* known before the line ends */
    CHECK_INT(err, HP_ERR_URL_TOO_LONG);
    CHECK_INT(run("GET /23456789abcdefg", 20, &lim, CAP), HP_INCOMPLETE);
}

static void test_target_forms(void)
{
    const char *s;

    CHECK_INT(parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), HP_OK);
    CHECK_INT(req.target_form, HP_ASTERISK_FORM);
    CHECK_INT(error_of("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);

    s = "GET http://example.com/a?b HTTP/1.1\r\nHost: other.example\r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_INT(req.target_form, HP_ABSOLUTE_FORM);
    CHECK_MEM(s + req.host_off, req.host_len, "example.com");  /* the target's authority wins */
    CHECK_MEM(s + req.target_off, req.target_len, "http://example.com/a?b");

    s = "GET HTTPS://Example.com:8443 HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_INT(req.target_form, HP_ABSOLUTE_FORM);
    CHECK_MEM(s + req.host_off, req.host_len, "Example.com:8443");

    s = "GET http://[::1]:80?x HTTP/1.1\r\nHost: x\r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_MEM(s + req.host_off, req.host_len, "[::1]:80");

    CHECK_INT(error_of("GET http:///a HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET http://user@host/ HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET http://host:99999/ HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET ftp://host/ HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET http:/host/ HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET index.html HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);

    s = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_INT(req.verb, HP_VERB_CONNECT);
    CHECK_INT(req.target_form, HP_AUTHORITY_FORM);
    CHECK_INT(error_of("CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
    CHECK_INT(error_of("CONNECT http://a:1/ HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_INVALID_URL);
}

static void test_version(void)
{
    CHECK_INT(parse("GET / HTTP/1.0\r\n\r\n"), HP_OK);  /* 1.0 may omit Host */
    CHECK_INT(req.version_major, 1);
    CHECK_INT(req.version_minor, 0);
    CHECK_INT(req.host_len, 0);
    CHECK_INT(req.keep_alive, 0);

    CHECK_INT(parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), HP_OK);  /* RFC 9110 §2.5 */
    CHECK_INT(req.version_minor, 1);
    CHECK_INT(req.keep_alive, 1);
    CHECK_INT(parse("GET / HTTP/1.9\r\nHost: a\r\n\r\n"), HP_OK);
    CHECK_INT(req.version_minor, 1);
    CHECK_INT(error_of("GET / HTTP/1.9\r\n\r\n"), HP_ERR_HOSTNAME);

    CHECK_INT(error_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), HP_ERR_VERSION);
    CHECK_INT(error_of("GET / HTTP/3.0\r\nHost: a\r\n\r\n"), HP_ERR_VERSION);
    CHECK_INT(error_of("GET / HTTP/9.9\r\n"), HP_ERR_VERSION);
    CHECK_INT(error_of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), HP_ERR_VERSION);  /* h2 prior knowledge */
    CHECK_INT(error_of("GET / HTTP/0.9\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / http/1.1\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/11.1\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.10\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.x\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / FTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n"), HP_ERR_BAD_REQUEST);
}

static void test_fields(void)
{
    const char *s = "GET / HTTP/1.1\r\nHost: a\r\nX-A: \t value with  inner \t space \t \r\n"
                    "X-Empty:\r\nX-Blank:   \t\r\nX-Tab:a\tb\r\nX-Obs: \x80\xff\r\n\r\n";
    const char *v;
    size_t n = 0;

    CHECK_INT(parse(s), HP_OK);
    CHECK_INT(req.header_count, 6);
    v = value_of(s, "X-A", &n);
    CHECK(v && n == strlen("value with  inner \t space") && !memcmp(v, "value with  inner \t space", n));
    v = value_of(s, "X-Empty", &n);
    CHECK(v && n == 0);
    v = value_of(s, "X-Blank", &n);
    CHECK(v && n == 0);
    v = value_of(s, "X-Tab", &n);
    CHECK(v && n == 3);
    v = value_of(s, "X-Obs", &n);
    CHECK(v && n == 2);

    /* name syntax */
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\n: novalue\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX(A): b\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX\x80: b\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX/Y: b\r\n\r\n"), HP_ERR_INVALID_HEADER);

    /* obs-fold and whitespace before the first field */
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), HP_ERR_INVALID_HEADER);

    /* control characters in values */
    {
        static const char nul_value[] = "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\0b\r\n\r\n";
        CHECK_INT(parse_full(nul_value, sizeof(nul_value) - 1, NULL, CAP), HP_ERROR);
        CHECK_INT(err, HP_ERR_INVALID_HEADER);
    }
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX-A: \x01\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\x7f\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\x1b[0m\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nX-A: \x0b\r\n\r\n"), HP_ERR_INVALID_HEADER);

    /* known ids are reported, case-insensitively */
    s = "GET / HTTP/1.1\r\nhost: a\r\ncontent-LENGTH: 0\r\nTE: trailers\r\nTranslate: f\r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_INT(hdrs[0].known, 28);
    CHECK_INT(hdrs[1].known, 11);
    CHECK_INT(hdrs[2].known, 38);
    CHECK_INT(hdrs[3].known, 39);
    CHECK_MEM(s + hdrs[1].name_off, hdrs[1].name_len, "content-LENGTH");  /* spelling kept */
}

static void test_field_direct(void)
{
    struct hp_header h;
    size_t next = 0;
    enum hp_error e = HP_ERR_NONE;
    const char *s = "xx Accept:  text/html \r\nrest";

    CHECK_INT(hp_parse_field(s, strlen(s), 3, 100, &h, &next, &e), HP_OK);
    CHECK_INT(h.name_off, 3);
    CHECK_INT(h.name_len, 6);
    CHECK_MEM(s + h.value_off, h.value_len, "text/html");
    CHECK_INT(h.known, 20);
    CHECK_INT(next, 24);
    CHECK_INT(hp_parse_field(s, 10, 3, 100, &h, &next, &e), HP_INCOMPLETE);
    CHECK_INT(hp_parse_field(s, strlen(s), 3, 19, &h, &next, &e), HP_OK);  /* 19 bytes before CR */
    CHECK_INT(hp_parse_field(s, strlen(s), 3, 18, &h, &next, &e), HP_ERROR);
    CHECK_INT(e, HP_ERR_REQUEST_TOO_LONG);
}

static void test_known_headers(void)
{
    CHECK_INT(hp_known_request_header("Cache-Control", 13), 0);
    CHECK_INT(hp_known_request_header("connection", 10), 1);
    CHECK_INT(hp_known_request_header("CONTENT-LENGTH", 14), 11);
    CHECK_INT(hp_known_request_header("Content-Md5", 11), 16);
    CHECK_INT(hp_known_request_header("Accept", 6), 20);
    CHECK_INT(hp_known_request_header("Host", 4), 28);
    CHECK_INT(hp_known_request_header("te", 2), 38);
    CHECK_INT(hp_known_request_header("User-Agent", 10), 40);
    CHECK_INT(hp_known_request_header("X-Foo", 5), -1);
    CHECK_INT(hp_known_request_header("Hos", 3), -1);
    CHECK_INT(hp_known_request_header("Hostt", 5), -1);
    CHECK_INT(hp_known_request_header("ETag", 4), -1);
    CHECK_INT(hp_known_request_header("Host", 3), -1);

    CHECK(!strcmp(hp_known_request_header_name(0), "Cache-Control"));
    CHECK(!strcmp(hp_known_request_header_name(11), "Content-Length"));
    CHECK(!strcmp(hp_known_request_header_name(16), "Content-MD5"));
    CHECK(!strcmp(hp_known_request_header_name(38), "TE"));
    CHECK(!strcmp(hp_known_request_header_name(40), "User-Agent"));
    CHECK(hp_known_request_header_name(41) == NULL);
    CHECK(hp_known_request_header_name(-1) == NULL);

    CHECK_INT(hp_known_response_header("cache-control", 13), 0);
    CHECK_INT(hp_known_response_header("Last-Modified", 13), 19);
    CHECK_INT(hp_known_response_header("Accept-Ranges", 13), 20);
    CHECK_INT(hp_known_response_header("etag", 4), 22);
    CHECK_INT(hp_known_response_header("Server", 6), 26);
    CHECK_INT(hp_known_response_header("WWW-Authenticate", 16), 29);
    CHECK_INT(hp_known_response_header("Accept", 6), -1);
    CHECK_INT(hp_known_response_header("Host", 4), -1);

    CHECK(!strcmp(hp_known_response_header_name(5), "Trailer"));
    CHECK(!strcmp(hp_known_response_header_name(20), "Accept-Ranges"));
    CHECK(!strcmp(hp_known_response_header_name(22), "ETag"));
    CHECK(!strcmp(hp_known_response_header_name(29), "WWW-Authenticate"));
    CHECK(hp_known_response_header_name(30) == NULL);
    CHECK(hp_known_response_header_name(-1) == NULL);

    /* every canonical name maps back to its id */
    {
        int id, ok = 1;
        for (id = 0; id < HP_HDR_REQUEST_MAXIMUM; id++)
        {
            const char *n = hp_known_request_header_name(id);
            if (hp_known_request_header(n, strlen(n)) != id) ok = 0;
        }
        CHECK(ok);
        for (id = 0, ok = 1; id < HP_HDR_RESPONSE_MAXIMUM; id++)
        {
            const char *n = hp_known_response_header_name(id);
            if (hp_known_response_header(n, strlen(n)) != id) ok = 0;
        }
        CHECK(ok);
    }
    CHECK(hp_is_tchar('!') && hp_is_tchar('~') && hp_is_tchar('z') && hp_is_tchar('0'));
    CHECK(!hp_is_tchar(':') && !hp_is_tchar('"') && !hp_is_tchar(' ') && !hp_is_tchar(0x80));
}

static void test_limits(void)
{
    struct hp_limits fl = { 32, 0, 0 }, rb = { 0, 256, 0 };
    char big[400];
    size_t n;

    /* max_field_length: the line without its CRLF */
    CHECK_INT(parse_lim("GET / HTTP/1.1\r\nHost: a\r\nX-Long: 0123456789abcdefghijklmn\r\n\r\n", &fl), HP_OK);
    CHECK_INT(error_of_lim("GET / HTTP/1.1\r\nHost: a\r\nX-Long: 0123456789abcdefghijklmno\r\n\r\n", &fl),
              HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(run("GET / HTTP/1.1\r\nHost: a\r\nX-Long: 0123456789abcdefghijklmno", 58, &fl, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(error_of_lim("GET / HTTP/1.1\r\nHost: a\r\nX-Long-Name-0123456789abcdefghijkl: v\r\n\r\n", &fl),
              HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(error_of_lim("GET / HTTP/1.1\r\nHost: a\r\nX:                                         v\r\n\r\n", &fl),
              HP_ERR_REQUEST_TOO_LONG);
    /* the method too */
    CHECK_INT(error_of_lim("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg / HTTP/1.1\r\nHost: a\r\n\r\n", &fl),
              HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(parse_lim("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef / HTTP/1.1\r\nHost: a\r\n\r\n", &fl), HP_OK);

    /* max_request_bytes: a head of exactly 256 bytes passes, 257 does not */
    n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: a\r\nX: %0*d\r\n\r\n", 256 - 32, 0);
    CHECK_INT(n, 256);
    CHECK_INT(parse_lim(big, &rb), HP_OK);
    CHECK_INT(req.head_len, 256);
    n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: a\r\nX: %0*d\r\n\r\n", 257 - 32, 0);
    CHECK_INT(error_of_lim(big, &rb), HP_ERR_REQUEST_TOO_LONG);
    /* and without waiting for the end: incomplete below the limit, an error at it */
    CHECK_INT(run(big, 255, &rb, CAP), HP_INCOMPLETE);
    CHECK_INT(run(big, 256, &rb, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(run(big, n, &rb, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* leading empty lines count */
    memset(big, 0, sizeof(big));
    for (n = 0; n < 300; n += 2) memcpy(big + n, "\r\n", 2);
    CHECK_INT(run(big, 300, &rb, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(run(big, 254, &rb, CAP), HP_INCOMPLETE);

    /* header_capacity: one more field than fits is refused */
    CHECK_INT(parse_full("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", 39, NULL, 3), HP_OK);
    CHECK_INT(req.header_count, 3);
    CHECK_INT(parse_full("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", 39, NULL, 2), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(parse_full("GET / HTTP/1.0\r\nA: 1\r\n\r\n", 24, NULL, 0), HP_ERROR);  /* no array at all */
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(parse_full("GET / HTTP/1.0\r\n\r\n", 18, NULL, 0), HP_OK);
}

static void test_long_url_default_limits(void)
{
    /* With http.sys's defaults (16384 for the URL and for the head) an
     * over-long URL still gets 414, not Request Too Long. */
    size_t n = 16384 + 100, i;
    char *s = malloc(n + 64);

    memcpy(s, "GET /", 5);
    for (i = 5; i < 5 + 16383; i++) s[i] = 'a';
    strcpy(s + i, " HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK_INT(run(s, strlen(s), NULL, CAP), HP_ERROR);  /* URL fits, head does not */
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    for (i = 5; i < n; i++) s[i] = 'a';
    CHECK_INT(run(s, n, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_URL_TOO_LONG);
    CHECK_INT(run(s, 4 + 16384, NULL, CAP), HP_INCOMPLETE);  /* the URL is not yet too long */
    CHECK_INT(run(s, 4 + 16385, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_URL_TOO_LONG);
    s[100] = 0x01;
    CHECK_INT(run(s, n, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_INVALID_URL);
    free(s);
}

static void test_host(void)
{
    const char *s;

    CHECK_INT(error_of("GET / HTTP/1.1\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost:\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.0\r\nHost: \r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a:b\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: :80\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: ex%4\r\n\r\n"), HP_ERR_HOSTNAME);
    CHECK_INT(error_of("GET / HTTP/1.1\r\nHost: caf\xc3\xa9.example\r\n\r\n"), HP_ERR_HOSTNAME);
    /* the Host field is required even when the target names the host */
    CHECK_INT(error_of("GET http://a/ HTTP/1.1\r\n\r\n"), HP_ERR_HOSTNAME);

    s = "GET / HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_MEM(s + req.host_off, req.host_len, "[2001:db8::1]:8080");
    s = "GET / HTTP/1.1\r\nHost:   www.Example.COM:80  \r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_MEM(s + req.host_off, req.host_len, "www.Example.COM:80");
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), HP_OK);
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a:\r\n\r\n"), HP_OK);  /* port = *DIGIT */
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: ex%41mple_1-~.com:00080\r\n\r\n"), HP_OK);
    s = "GET http://t.example:81/ HTTP/1.0\r\n\r\n";
    CHECK_INT(parse(s), HP_OK);
    CHECK_MEM(s + req.host_off, req.host_len, "t.example:81");
}

/* IP-literals are IPv6 addresses by RFC 3986's grammar, not any mix of hex
 * digits, colons and dots (found by tests/engine/test_h11_diff.py). */
static void test_host_ipv6(void)
{
    static const char *const good[] =
    {
        "::", "::1", "1::", "2001:db8::1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
        "FFFF:abcd:0:0:0:0:0:1", "::ffff:192.0.2.1", "1:2:3:4:5:6:1.2.3.4", "::255.255.255.255", "0000::0",
    };
    static const char *const bad[] =
    {
        "", ":", ":::", "[:]", ":1", "1:", "1::2::3", "::1::", "12345::", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::", "1:2:3:4:5:6:7", "::1.2.3", "::256.1.1.1", "::1.2.3.04", "::1.2.3.4.5",
        "1.2.3.4", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::a.b.c.d", "v1.x", "fe80::1%25eth0", "::g",
    };
    char buf[128];
    size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    {
        snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: [%s]:80\r\n\r\n", good[i]);
        CHECK_MSG(parse(buf) == HP_OK, "Host [%s] should be accepted", good[i]);
        snprintf(buf, sizeof(buf), "CONNECT [%s]:443 HTTP/1.1\r\nHost: a\r\n\r\n", good[i]);
        CHECK_MSG(parse(buf) == HP_OK, "CONNECT [%s] should be accepted", good[i]);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: [%s]\r\n\r\n", bad[i]);
        CHECK_MSG(error_of(buf) == HP_ERR_HOSTNAME, "Host [%s]: expected HP_ERR_HOSTNAME", bad[i]);
        snprintf(buf, sizeof(buf), "GET http://[%s]/ HTTP/1.1\r\nHost: a\r\n\r\n", bad[i]);
        CHECK_MSG(error_of(buf) == HP_ERR_INVALID_URL, "target http://[%s]/: expected HP_ERR_INVALID_URL", bad[i]);
    }
}

static void test_content_length(void)
{
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_LENGTH);
    CHECK_INT(req.content_length, 42);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_LENGTH);
    CHECK_INT(req.content_length, 0);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42, 42\r\n\r\n"), HP_OK);
    CHECK_INT(req.content_length, 42);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42,42 , 42\r\n\r\n"), HP_OK);
    CHECK_INT(req.content_length, 42);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\ncontent-length: 7\r\n\r\n"), HP_OK);
    CHECK_INT(req.content_length, 7);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n"), HP_OK);
    CHECK_INT(req.content_length, 7);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\n"), HP_OK);
    CHECK(req.content_length == UINT64_C(9223372036854775807));
    CHECK_INT(parse("POST / HTTP/1.0\r\nContent-Length: 5\r\n\r\n"), HP_OK);
    CHECK_INT(req.content_length, 5);

    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42, 43\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42\r\nContent-Length: 43\r\n\r\n"),
              HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 42,\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n"),
              HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"),
              HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 00000000000000000001\r\n\r\n"),
              HP_ERR_BAD_REQUEST);
}

static void test_transfer_encoding(void)
{
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_CHUNKED);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: ChUnKeD\r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_CHUNKED);
    CHECK_INT(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked , \r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_CHUNKED);

    /* chunked last with another coding before it: a coding http.sys does
     * not implement (RFC 9112 §6.1: 501) */
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), HP_ERR_NOT_IMPLEMENTED);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"),
              HP_ERR_NOT_IMPLEMENTED);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x;a=\"1,2\", chunked\r\n\r\n"),
              HP_ERR_NOT_IMPLEMENTED);
    /* chunked not last: the body's end is unknowable (RFC 9112 §6.3: 400 and close) */
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunkedx\r\n\r\n"), HP_ERR_BAD_REQUEST);

    /* malformed or doubled */
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
              HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chun ked\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x;a=\"1\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \x0b" "chunked\r\n\r\n"), HP_ERR_INVALID_HEADER);

    /* request smuggling: TE with CL, in either order (RFC 9112 §6.3) */
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
              HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
              HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n"),
              HP_ERR_INVALID_HEADER);
    /* TE in HTTP/1.0 */
    CHECK_INT(error_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), HP_ERR_INVALID_HEADER);
    /* whitespace before the colon, the classic smuggling vector */
    CHECK_INT(error_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n"), HP_ERR_INVALID_HEADER);

    /* no framing: POST and PUT need a length (411), other verbs have no body */
    CHECK_INT(error_of("POST /upload HTTP/1.1\r\nHost: a\r\n\r\n"), HP_ERR_LENGTH_REQUIRED);
    CHECK_INT(error_of("PUT /upload HTTP/1.0\r\n\r\n"), HP_ERR_LENGTH_REQUIRED);
    CHECK_INT(error_of("POST /upload HTTP/1.0\r\n\r\n"), HP_ERR_LENGTH_REQUIRED);
    CHECK_INT(error_of("POST /upload HTTP/1.1\r\n\r\n"), HP_ERR_HOSTNAME);  /* Host is looked at first */
    CHECK_INT(parse("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_LENGTH);
    CHECK_INT(parse("DELETE /upload HTTP/1.1\r\nHost: a\r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_NONE);
    CHECK_INT(parse("PATCH /upload HTTP/1.1\r\nHost: a\r\n\r\n"), HP_OK);
    CHECK_INT(req.body_kind, HP_BODY_NONE);
}

static void test_connection(void)
{
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 0);
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 0);
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, CLOSE\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 0);
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 1);
    CHECK_INT(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 1);
    CHECK_INT(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 1);
    CHECK_INT(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 0);
    CHECK_INT(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 0);
    CHECK_INT(parse("GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n"), HP_OK);
    CHECK_INT(req.keep_alive, 0);

    CHECK_INT(parse("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"), HP_OK);
    CHECK_INT(req.upgrade, 1);
    CHECK_INT(parse("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, upgrade\r\n\r\n"), HP_OK);
    CHECK_INT(req.upgrade, 1);
    CHECK_INT(parse("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"), HP_OK);
    CHECK_INT(req.upgrade, 0);
    CHECK_INT(parse("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n"), HP_OK);
    CHECK_INT(req.upgrade, 0);

    CHECK_INT(parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"), HP_OK);
    CHECK_INT(req.expect_continue, 1);
    CHECK_INT(parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n"), HP_OK);
    CHECK_INT(req.expect_continue, 1);
    CHECK_INT(parse("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"), HP_OK);
    CHECK_INT(req.expect_continue, 0);
    CHECK_INT(parse("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continuex\r\nContent-Length: 3\r\n\r\n"), HP_OK);
    CHECK_INT(req.expect_continue, 0);
}

static int same_request(const struct hp_request *a, const struct hp_header *ah, const struct hp_request *b,
                        const struct hp_header *bh)
{
    uint32_t i;

    if (a->method_off != b->method_off || a->method_len != b->method_len || a->verb != b->verb ||
        a->target_off != b->target_off || a->target_len != b->target_len || a->target_form != b->target_form ||
        a->host_off != b->host_off || a->host_len != b->host_len || a->version_major != b->version_major ||
        a->version_minor != b->version_minor || a->header_count != b->header_count ||
        a->head_len != b->head_len || a->body_kind != b->body_kind || a->content_length != b->content_length ||
        a->keep_alive != b->keep_alive || a->expect_continue != b->expect_continue || a->upgrade != b->upgrade)
        return 0;
    for (i = 0; i < a->header_count; i++)
        if (ah[i].name_off != bh[i].name_off || ah[i].name_len != bh[i].name_len ||
            ah[i].value_off != bh[i].value_off || ah[i].value_len != bh[i].value_len || ah[i].known != bh[i].known)
            return 0;
    return 1;
}

/* Growing prefixes: incomplete until the head is whole, then always the same request. */
static int split_consistent(const char *s, size_t n)
{
    static struct hp_header whole_h[CAP];
    struct hp_request whole;
    size_t k;

    if (run(s, n, NULL, CAP) != HP_OK) return 0;
    whole = req;
    memcpy(whole_h, hdrs, sizeof(hdrs));
    for (k = 0; k <= n; k++)
    {
        enum hp_status st = run(s, k, NULL, CAP);
        if (k < whole.head_len ? st != HP_INCOMPLETE : st != HP_OK || !same_request(&req, hdrs, &whole, whole_h))
            return 0;
    }
    return 1;
}

static void test_split(void)
{
    static const char *const reqs[] =
    {
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\nPOST /form?x=1 HTTP/1.1\r\nHost: www.example.com:8080\r\nContent-Length: 5\r\n"
        "Content-Type: text/plain\r\nExpect: 100-continue\r\n\r\nhello",
        "PUT /up HTTP/1.1\r\nHost: [::1]\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive, Upgrade\r\n"
        "Upgrade: x\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET http://h.example/p HTTP/1.0\r\nConnection: keep-alive\r\nX-Empty:\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\nX:  v  \r\n\r\nGET / HTTP/1.1\r\n",
    };
    size_t i;

    for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
        CHECK_MSG(split_consistent(reqs[i], strlen(reqs[i])), "split at every byte of request %zu", i);
}

static void test_pipelined(void)
{
    const char *s = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    "GET /b HTTP/1.1\r\nHost: b\r\n\r\n"
                    "\r\nGET /c HTTP/1.1\r\nHost: c\r\n\r\n";
    const char *p = s;
    size_t left = strlen(s);

    CHECK_INT(run(p, left, NULL, CAP), HP_OK);
    CHECK_INT(req.head_len, 48);
    CHECK_INT(req.content_length, 5);
    CHECK_MEM(p + req.head_len, 5, "hello");
    p += req.head_len + 5;
    left -= req.head_len + 5;
    CHECK_INT(run(p, left, NULL, CAP), HP_OK);
    CHECK_MEM(p + req.target_off, req.target_len, "/b");
    CHECK_MEM(p + req.host_off, req.host_len, "b");
    CHECK_INT(req.head_len, 28);
    p += req.head_len;
    left -= req.head_len;
    CHECK_INT(run(p, left, NULL, CAP), HP_OK);
    CHECK_MEM(p + req.target_off, req.target_len, "/c");
    CHECK_INT(req.head_len, left);
}

static void test_hostile(void)
{
    size_t n = 1 << 20, i;
    char *s = malloc(n);
    struct hp_limits fl = { 64, 0, 0 };
    int ok;

    /* a 1 MB header line: refused at the field limit, long before the end */
    memcpy(s, "GET / HTTP/1.1\r\nHost: a\r\nX: ", 28);
    memset(s + 28, 'a', n - 28);
    CHECK_INT(run(s, n, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(run(s, n, &fl, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* a 1 MB method */
    memset(s, 'A', n);
    CHECK_INT(run(s, n, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* 1 MB of empty lines */
    for (i = 0; i < n; i += 2) memcpy(s + i, "\r\n", 2);
    CHECK_INT(run(s, n, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* 1 MB of NULs */
    memset(s, 0, n);
    CHECK_INT(run(s, n, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_INVALID_VERB);
    /* thousands of small fields beyond the capacity */
    memcpy(s, "GET / HTTP/1.1\r\nHost: a\r\n", 25);
    for (i = 25; i + 6 < 16000; i += 6) memcpy(s + i, "A: b\r\n", 6);
    memcpy(s + i, "\r\n", 2);
    CHECK_INT(run(s, i + 2, NULL, CAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* every single byte value as a whole request: never OK, never a crash */
    for (i = 0, ok = 1; i < 256; i++)
    {
        char c = (char)i;
        if (run(&c, 1, NULL, CAP) == HP_OK) ok = 0;
    }
    CHECK(ok);
    /* a NUL right after the request line, and inside a name */
    {
        static const char a[] = "GET / HTTP/1.1\r\n\0Host: a\r\n\r\n";
        static const char b[] = "GET / HTTP/1.1\r\nHo\0st: a\r\n\r\n";
        CHECK_INT(run(a, sizeof(a) - 1, NULL, CAP), HP_ERROR);
        CHECK_INT(err, HP_ERR_INVALID_HEADER);
        CHECK_INT(run(b, sizeof(b) - 1, NULL, CAP), HP_ERROR);
        CHECK_INT(err, HP_ERR_INVALID_HEADER);
    }
    free(s);
}

int main(void)
{
    test_simple_get();
    test_verbs();
    test_empty_lines_and_line_ends();
    test_target();
    test_target_forms();
    test_version();
    test_fields();
    test_field_direct();
    test_known_headers();
    test_limits();
    test_long_url_default_limits();
    test_host();
    test_host_ipv6();
    test_content_length();
    test_transfer_encoding();
    test_connection();
    test_split();
    test_pipelined();
    test_hostile();
    return unit_report();
}

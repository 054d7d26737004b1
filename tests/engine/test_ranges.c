/*
 * Range requests under HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES: the Range
 * parser (hostile input included), If-Range, the decision for a response,
 * the multipart framing and the head the engine writes for a 206 or 416.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "ranges.h"
#include "response.h"

static struct hs_range r[HS_RANGES_MAX];
static unsigned n;

/* Parses from an exact-size heap copy, so that ASan sees any over-read. */
static enum hs_range_outcome parse(const char *s, uint64_t length)
{
    size_t len = strlen(s);
    char *copy = malloc(len ? len : 1);
    enum hs_range_outcome ret;

    memcpy(copy, s, len);
    ret = hs_ranges_parse(copy, len, length, r, &n);
    free(copy);
    return ret;
}

#define CHECK_ONE(s, length, a, b) do { \
        CHECK_INT(parse(s, length), HS_RANGES_PARTIAL); CHECK_INT(n, 1); \
        CHECK_INT(r[0].first, a); CHECK_INT(r[0].last, b); } while (0)

static void test_single(void)
{
    CHECK_ONE("bytes=0-4", 10, 0, 4);
    CHECK_ONE("bytes=5-", 10, 5, 9);
    CHECK_ONE("bytes=-3", 10, 7, 9);
    CHECK_ONE("bytes=-30", 10, 0, 9);          /* a suffix longer than the whole */
    CHECK_ONE("bytes=0-100", 10, 0, 9);        /* last-pos past the end is clamped */
    CHECK_ONE("bytes=9-9", 10, 9, 9);
    CHECK_ONE("bytes=0-0", 1, 0, 0);
    CHECK_ONE("BYTES=1-2", 10, 1, 2);          /* range units are case-insensitive */
    CHECK_ONE("  bytes=1-2  ", 10, 1, 2);
    CHECK_ONE("bytes=1-2,", 10, 1, 2);
    CHECK_ONE("bytes=,,1-2,,", 10, 1, 2);      /* empty list elements */
    CHECK_ONE("bytes= 1-2 ", 10, 1, 2);
    CHECK_ONE("bytes=20-30,2-3", 10, 2, 3);    /* unsatisfiable parts are dropped */
}

static void test_unsatisfiable(void)
{
    CHECK_INT(parse("bytes=10-", 10), HS_RANGES_UNSATISFIABLE);
    CHECK_INT(parse("bytes=10-20", 10), HS_RANGES_UNSATISFIABLE);
    CHECK_INT(parse("bytes=-0", 10), HS_RANGES_UNSATISFIABLE);
    CHECK_INT(parse("bytes=10-11,-0,100-", 10), HS_RANGES_UNSATISFIABLE);
    CHECK_INT(n, 0);
}

static void test_multi(void)
{
    CHECK_INT(parse("bytes=0-1, 5-6 ,-2", 10), HS_RANGES_PARTIAL);
    CHECK_INT(n, 3);
    CHECK_INT(r[0].first, 0); CHECK_INT(r[0].last, 1);
    CHECK_INT(r[1].first, 5); CHECK_INT(r[1].last, 6);
    CHECK_INT(r[2].first, 8); CHECK_INT(r[2].last, 9);
    CHECK_INT(parse("bytes=5-6,0-1", 10), HS_RANGES_PARTIAL);   /* the order asked for is kept */
    CHECK_INT(r[0].first, 5);
    CHECK_INT(parse("bytes=0-4,5-9", 10), HS_RANGES_PARTIAL);   /* adjacent is not overlapping */
    CHECK_INT(n, 2);
    /* overlapping ranges: the whole representation instead */
    CHECK_INT(parse("bytes=0-5,3-8", 10), HS_RANGES_IGNORE);
    CHECK_INT(parse("bytes=0-0,0-0", 10), HS_RANGES_IGNORE);
    CHECK_INT(parse("bytes=0-,-1", 10), HS_RANGES_IGNORE);
    CHECK_INT(parse("bytes=-5,0-", 10), HS_RANGES_IGNORE);
}

static void test_many(void)
{
    char buf[4096];
    size_t len = 0;
    int i;

    len += (size_t)snprintf(buf + len, sizeof(buf) - len, "bytes=");
    for (i = 0; i < HS_RANGES_MAX; i++) len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d-%d", i ? "," : "", i * 2, i * 2);
    CHECK_INT(parse(buf, 1000), HS_RANGES_PARTIAL);
    CHECK_INT(n, HS_RANGES_MAX);
    snprintf(buf + len, sizeof(buf) - len, ",900-901");
    CHECK_INT(parse(buf, 1000), HS_RANGES_IGNORE);      /* one too many */
    /* unsatisfiable specs count too: no unbounded work */
    len = (size_t)snprintf(buf, sizeof(buf), "bytes=");
    for (i = 0; i < 100; i++) len += (size_t)snprintf(buf + len, sizeof(buf) - len, "5000-,");
    CHECK_INT(parse(buf, 1000), HS_RANGES_IGNORE);
    /* a long run of empty elements is harmless */
    len = (size_t)snprintf(buf, sizeof(buf), "bytes=1-1");
    memset(buf + len, ',', sizeof(buf) - len - 1);
    buf[sizeof(buf) - 1] = 0;
    CHECK_INT(parse(buf, 1000), HS_RANGES_PARTIAL);
}

static void test_huge(void)
{
    CHECK_ONE("bytes=0-99999999999999999999999999999999", 10, 0, 9);
    CHECK_ONE("bytes=0-18446744073709551615", 10, 0, 9);
    CHECK_ONE("bytes=0-18446744073709551616", 10, 0, 9);   /* one past 2^64 - 1 */
    CHECK_ONE("bytes=18-18446744073709551615", 100, 18, 99); /* MS15-034's request */
    CHECK_ONE("bytes=-99999999999999999999999999", 10, 0, 9);
    CHECK_ONE("bytes=-18446744073709551615", 10, 0, 9);
    CHECK_INT(parse("bytes=99999999999999999999999-", 10), HS_RANGES_UNSATISFIABLE);
    CHECK_INT(parse("bytes=18446744073709551615-18446744073709551615", 10), HS_RANGES_UNSATISFIABLE);
    CHECK_INT(parse("bytes=18446744073709551615-", UINT64_MAX), HS_RANGES_UNSATISFIABLE);
    CHECK_ONE("bytes=18446744073709551614-", UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 1);
    CHECK_ONE("bytes=-1", UINT64_MAX, UINT64_MAX - 1, UINT64_MAX - 1);
    /* a larger last-pos than first-pos even when both saturate is still valid */
    CHECK_INT(parse("bytes=99999999999999999999-99999999999999999999999", 10), HS_RANGES_UNSATISFIABLE);
}

static void test_garbage(void)
{
    static const char *const bad[] =
    {
        "", "bytes", "bytes=", "bytes=,", "bytes= , ,", "bytes 0-1", "bytes:0-1", "bytes =0-1",
        "items=0-1", "byte=0-1", "bytesx=0-1", "bytes=5-1", "bytes=a-b", "bytes=0-1x", "bytes=0 -1",
        "bytes=0- 1", "bytes=--1", "bytes=-", "bytes=1", "bytes=0-1;2-3", "bytes=+1-2", "bytes=-1-2",
        "bytes=0x1-2", "bytes=1-2-3", "bytes=0-1,x", "bytes=\t", "bytes=0-1,5-2", "bytes=1.5-2",
        "bytes=\xff-1", "bytes=0-1\r\n", "=0-1",
    };
    unsigned i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK_MSG(parse(bad[i], 10) == HS_RANGES_IGNORE, "\"%s\": expected to be ignored", bad[i]);
    CHECK_INT(hs_ranges_parse(NULL, 0, 10, r, &n), HS_RANGES_IGNORE);
    /* an empty representation: no range describes it, it goes whole */
    CHECK_INT(parse("bytes=0-", 0), HS_RANGES_IGNORE);
    CHECK_INT(parse("bytes=-5", 0), HS_RANGES_IGNORE);
}

static int if_range(const char *v, const char *etag, const char *lm)
{
    return hs_if_range_matches(v, strlen(v), etag, etag ? strlen(etag) : 0, lm, lm ? strlen(lm) : 0);
}

static void test_if_range(void)
{
    static const char date[] = "Wed, 21 Oct 2015 07:28:00 GMT";

    CHECK(if_range("\"abc\"", "\"abc\"", NULL));
    CHECK(if_range(" \"abc\" ", "\"abc\"", date));
    CHECK(!if_range("\"abc\"", "\"abd\"", NULL));
    CHECK(!if_range("\"abc\"", "W/\"abc\"", NULL));       /* weak tags never match */
    CHECK(!if_range("W/\"abc\"", "W/\"abc\"", NULL));
    CHECK(!if_range("W/\"abc\"", "\"abc\"", NULL));
    CHECK(!if_range("\"abc\"", NULL, date));              /* no ETag to compare with */
    CHECK(!if_range("\"abc", "\"abc", NULL));
    CHECK(if_range(date, NULL, date));
    CHECK(if_range(date, "\"abc\"", date));
    CHECK(!if_range("Wed, 21 Oct 2015 07:28:01 GMT", NULL, date));
    CHECK(!if_range(date, "\"abc\"", NULL));              /* no Last-Modified */
    CHECK(!if_range("", "\"\"", ""));
    CHECK(!if_range("W/", "W/", NULL));
}

/* ------------------------------------------------------------------------ */
/* Wire blobs: a request and a response as the engine holds them. */

static union { struct hs_wire_request w; uint8_t b[4096]; } qbuf;
static union { struct hs_wire_response w; uint8_t b[4096]; } rbuf;
static uint32_t qlen, rlen;

static void new_request(int verb)
{
    memset(&qbuf, 0, sizeof(qbuf));
    qbuf.w.verb = (uint16_t)verb;
    qlen = sizeof(qbuf.w);
}

static void request_header(int id, const char *v)
{
    size_t len = strlen(v);
    qbuf.w.known[id].off = qlen;
    qbuf.w.known[id].len = (uint32_t)len;
    memcpy(qbuf.b + qlen, v, len + 1);
    qlen += (uint32_t)len + 1;
    if (id < 32) qbuf.w.known_present_lo |= 1u << id;
    else qbuf.w.known_present_hi |= 1u << (id - 32);
    qbuf.w.size = qlen;
}

static void new_response(unsigned status, uint32_t flags, const char *body)
{
    size_t len = strlen(body);
    memset(&rbuf, 0, sizeof(rbuf));
    rbuf.w.kind = HS_RESP_HEADERS;
    rbuf.w.status = (uint16_t)status;
    rbuf.w.flags = flags;
    rlen = sizeof(rbuf.w);
    rbuf.w.body.off = rlen;
    rbuf.w.body.len = (uint32_t)len;
    memcpy(rbuf.b + rlen, body, len);
    rlen += (uint32_t)len;
    rbuf.w.unknown_off = rlen;
    rbuf.w.size = rlen;
}

static void response_header(int id, const char *v)
{
    size_t len = strlen(v);
    rbuf.w.known[id].off = rlen;
    rbuf.w.known[id].len = (uint32_t)len;
    memcpy(rbuf.b + rlen, v, len);
    rlen += (uint32_t)len;
    rbuf.w.known_present |= 1u << id;
    rbuf.w.unknown_off = rlen;
    rbuf.w.size = rlen;
}

#define GET 4
#define HEAD 5
#define RANGES 0x20
#define MORE_DATA 0x2
#define Q_IF_RANGE 32
#define Q_RANGE 37
#define R_CONTENT_LENGTH 11
#define R_CONTENT_TYPE 12
#define R_TRANSFER_ENCODING 6
#define R_CONTENT_RANGE 17
#define R_LAST_MODIFIED 19
#define R_ETAG 22

static struct hs_range_plan plan;

static unsigned plan_status(void)
{
    hs_ranges_plan(&qbuf.w, qlen, &rbuf.w, rbuf.w.body.len, 0x0123456789abcdefull, &plan);
    return plan.status;
}

static void test_plan(void)
{
    char cr[96];

    new_request(GET);
    request_header(Q_RANGE, "bytes=2-4");
    new_response(200, RANGES, "0123456789");
    CHECK_INT(plan_status(), 206);
    CHECK_INT(plan.length, 3);
    CHECK_INT(plan.full_length, 10);
    hs_ranges_content_range(&plan, cr, sizeof(cr));
    CHECK_MEM(cr, strlen(cr), "bytes 2-4/10");

    new_response(200, 0, "0123456789");
    CHECK_INT(plan_status(), 0);                      /* the flag is what asks for it */
    new_response(200, RANGES | MORE_DATA, "0123456789");
    CHECK_INT(plan_status(), 0);                      /* the whole body is not known */
    new_response(404, RANGES, "0123456789");
    CHECK_INT(plan_status(), 0);
    new_response(206, RANGES, "0123456789");
    CHECK_INT(plan_status(), 0);
    new_response(200, RANGES, "0123456789");
    response_header(R_TRANSFER_ENCODING, "chunked");
    CHECK_INT(plan_status(), 0);
    new_response(200, RANGES, "0123456789");
    response_header(R_CONTENT_RANGE, "bytes 0-9/10");
    CHECK_INT(plan_status(), 0);
    new_response(200, RANGES, "0123456789");
    response_header(R_CONTENT_LENGTH, "11");
    CHECK_INT(plan_status(), 0);                      /* a length that is not the body's */
    new_response(200, RANGES, "0123456789");
    response_header(R_CONTENT_LENGTH, " 10 ");
    CHECK_INT(plan_status(), 206);

    new_request(HEAD);
    request_header(Q_RANGE, "bytes=2-4");
    new_response(200, RANGES, "0123456789");
    CHECK_INT(plan_status(), 0);                      /* GET only */
    new_request(GET);
    CHECK_INT(plan_status(), 0);                      /* no Range field */

    new_request(GET);
    request_header(Q_RANGE, "bytes=20-");
    CHECK_INT(plan_status(), 416);
    CHECK_INT(plan.length, 0);
    hs_ranges_content_range(&plan, cr, sizeof(cr));
    CHECK_MEM(cr, strlen(cr), "bytes */10");

    /* If-Range */
    new_request(GET);
    request_header(Q_RANGE, "bytes=2-4");
    request_header(Q_IF_RANGE, "\"v1\"");
    new_response(200, RANGES, "0123456789");
    response_header(R_ETAG, "\"v1\"");
    CHECK_INT(plan_status(), 206);
    new_response(200, RANGES, "0123456789");
    response_header(R_ETAG, "\"v2\"");
    CHECK_INT(plan_status(), 0);
    new_response(200, RANGES, "0123456789");
    CHECK_INT(plan_status(), 0);
    new_request(GET);
    request_header(Q_RANGE, "bytes=20-");
    request_header(Q_IF_RANGE, "\"v1\"");
    CHECK_INT(plan_status(), 0);                      /* a failed If-Range wins over a 416 */
    new_request(GET);
    request_header(Q_RANGE, "bytes=2-4");
    request_header(Q_IF_RANGE, "Wed, 21 Oct 2015 07:28:00 GMT");
    new_response(200, RANGES, "0123456789");
    response_header(R_LAST_MODIFIED, "Wed, 21 Oct 2015 07:28:00 GMT");
    CHECK_INT(plan_status(), 206);
}

static void test_multipart(void)
{
    static const char expect[] =
        "--0123456789abcdef\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n"
        "01"
        "\r\n--0123456789abcdef\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n"
        "89"
        "\r\n--0123456789abcdef--\r\n";
    struct hs_buf out = { 0 };
    char type[96];

    new_request(GET);
    request_header(Q_RANGE, "bytes=0-1,-2");
    new_response(200, RANGES, "0123456789");
    response_header(R_CONTENT_TYPE, "text/plain");
    CHECK_INT(plan_status(), 206);
    CHECK_INT(plan.count, 2);
    hs_ranges_multipart_type(&plan, type, sizeof(type));
    CHECK_MEM(type, strlen(type), "multipart/byteranges; boundary=0123456789abcdef");
    hs_ranges_part_head(&plan, 0, &out);
    hs_buf_add(&out, "01", 2);
    hs_ranges_part_head(&plan, 1, &out);
    hs_buf_add(&out, "89", 2);
    hs_ranges_part_head(&plan, 2, &out);
    CHECK_MEM(out.data, out.len, expect);
    CHECK_INT(plan.length, sizeof(expect) - 1);      /* the Content-Length said matches what goes */
    hs_buf_free(&out);

    /* no Content-Type: the parts have none either */
    new_response(200, RANGES, "0123456789");
    CHECK_INT(plan_status(), 206);
    hs_ranges_part_head(&plan, 0, &out);
    CHECK_MEM(out.data, out.len, "--0123456789abcdef\r\nContent-Range: bytes 0-1/10\r\n\r\n");
    hs_buf_free(&out);
}

/* The head hs_response_head writes, as text. */
static char head[2048];

static void make_head(void)
{
    struct hs_resp_ctx ctx = { 0 };
    struct hs_resp_result res;
    struct hs_buf out = { 0 };

    ctx.client_keep_alive = 1;
    ctx.date = "Wed, 21 Oct 2015 07:28:00 GMT";
    ctx.range = &plan;
    hs_response_head(&out, &rbuf.w, &ctx, &res);
    memcpy(head, out.data, out.len < sizeof(head) - 1 ? out.len : sizeof(head) - 1);
    head[out.len < sizeof(head) - 1 ? out.len : sizeof(head) - 1] = 0;
    hs_buf_free(&out);
}

static void test_head(void)
{
    new_request(GET);
    request_header(Q_RANGE, "bytes=2-4");
    new_response(200, RANGES, "0123456789");
    rbuf.w.reason.off = rlen;
    rbuf.w.reason.len = 2;
    memcpy(rbuf.b + rlen, "OK", 2);
    rlen += 2;
    response_header(R_CONTENT_TYPE, "text/plain");
    response_header(R_CONTENT_LENGTH, "10");
    plan_status();
    make_head();
    CHECK_MSG(!strncmp(head, "HTTP/1.1 206 Partial Content\r\n", 30), "206 status line: %s", head);
    CHECK_MSG(strstr(head, "\r\nContent-Length: 3\r\n") != NULL, "Content-Length of the range: %s", head);
    CHECK_MSG(!strstr(head, "Content-Length: 10"), "no Content-Length of the whole: %s", head);
    CHECK_MSG(strstr(head, "\r\nContent-Range: bytes 2-4/10\r\n") != NULL, "Content-Range: %s", head);
    CHECK_MSG(strstr(head, "\r\nContent-Type: text/plain\r\n") != NULL, "Content-Type kept: %s", head);

    new_request(GET);
    request_header(Q_RANGE, "bytes=0-1,4-5");
    plan_status();
    make_head();
    CHECK_MSG(strstr(head, "\r\nContent-Type: multipart/byteranges; boundary=0123456789abcdef\r\n") != NULL,
              "multipart Content-Type: %s", head);
    CHECK_MSG(!strstr(head, "text/plain"), "the application's type only in the parts: %s", head);
    CHECK_MSG(!strstr(head, "Content-Range"), "no Content-Range on a multipart answer: %s", head);

    new_request(GET);
    request_header(Q_RANGE, "bytes=10-");
    plan_status();
    make_head();
    CHECK_MSG(!strncmp(head, "HTTP/1.1 416 Requested Range Not Satisfiable\r\n", 46), "416 status line: %s", head);
    CHECK_MSG(strstr(head, "\r\nContent-Range: bytes */10\r\n") != NULL, "416 Content-Range: %s", head);
    CHECK_MSG(strstr(head, "\r\nContent-Length: 0\r\n") != NULL, "416 Content-Length: %s", head);
    CHECK_MSG(!strstr(head, "Content-Type"), "416 has no body type: %s", head);

    /* no ranges: the application's response as it was */
    new_request(GET);
    plan_status();
    make_head();
    CHECK_MSG(!strncmp(head, "HTTP/1.1 200 OK\r\n", 17), "200 status line: %s", head);
    CHECK_MSG(strstr(head, "\r\nContent-Length: 10\r\n") != NULL, "the application's Content-Length: %s", head);
}

int main(void)
{
    test_single();
    test_unsatisfiable();
    test_multi();
    test_many();
    test_huge();
    test_garbage();
    test_if_range();
    test_plan();
    test_multipart();
    test_head();
    return unit_report();
}

/*
 * The chunked transfer coding decoder (RFC 9112 §7.1).
 *
 * decode() drives the decoder the way the engine will: input arrives in
 * pieces, each call gets an exact-size heap copy of what is buffered (so ASan
 * sees any over-read), produced bytes are taken, unconsumed bytes are kept
 * for the next call.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "chunked.h"

#define TCAP 8

static struct hp_header trailers[TCAP];
static struct hp_chunked dec;
static enum hp_error err;
static char body[1 << 21];
static size_t body_len;
static char trailer_text[4096];  /* "name=value\n" for each reported trailer */
static size_t leftover;          /* input bytes after the end of the body */
static int in_place_ok;

static void note_trailers(const char *buf)
{
    uint32_t i;
    size_t n = 0;

    trailer_text[0] = 0;
    for (i = 0; i < dec.trailer_count; i++)
        n += (size_t)snprintf(trailer_text + n, sizeof(trailer_text) - n, "%.*s=%.*s\n",
                              (int)trailers[i].name_len, buf + trailers[i].name_off,
                              (int)trailers[i].value_len, buf + trailers[i].value_off);
}

/* Feeds s[0..n) in pieces of `piece` bytes (0: all at once). */
static enum hp_status decode_ex(const char *s, size_t n, size_t piece, uint32_t max_field,
                                struct hp_header *tr, uint32_t cap)
{
    char *work = malloc(n + 1);
    size_t have = 0, fed = 0;
    enum hp_status st = HP_INCOMPLETE;

    hp_chunked_init(&dec, max_field, tr, cap);
    body_len = leftover = 0;
    trailer_text[0] = 0;
    in_place_ok = 1;
    err = HP_ERR_NONE;
    while (st == HP_INCOMPLETE && fed < n)
    {
        size_t take = piece && n - fed > piece ? piece : n - fed, consumed = 0, produced = 0;
        char *exact;

        memcpy(work + have, s + fed, take);
        have += take;
        fed += take;
        exact = malloc(have ? have : 1);
        memcpy(exact, work, have);
        st = hp_chunked_decode(&dec, exact, have, &consumed, &produced, &err);
        if (produced > consumed || consumed > have || memcmp(exact + consumed, work + consumed, have - consumed))
            in_place_ok = 0;
        memcpy(body + body_len, exact, produced);
        body_len += produced;
        if (st == HP_OK) note_trailers(exact);
        free(exact);
        memmove(work, work + consumed, have - consumed);
        have -= consumed;
    }
    leftover = have + (n - fed);
    free(work);
    return st;
}

static enum hp_status decode(const char *s, size_t piece)
{
    return decode_ex(s, strlen(s), piece, 0, trailers, TCAP);
}

/* Whole and byte by byte must agree; the status of the byte-by-byte run. */
static int decode_lim(const char *s, uint32_t max_field)
{
    enum hp_status whole = decode_ex(s, strlen(s), 0, max_field, trailers, TCAP);
    enum hp_status split = decode_ex(s, strlen(s), 1, max_field, trailers, TCAP);

    return whole == split ? (int)split : -1;
}

/* The error of a body that must fail, fed whole and byte by byte; -1 if it did not. */
static int error_of_ex(const char *s, uint32_t max_field)
{
    enum hp_error whole;

    if (decode_ex(s, strlen(s), 0, max_field, trailers, TCAP) != HP_ERROR) return -1;
    whole = err;
    if (decode_ex(s, strlen(s), 1, max_field, trailers, TCAP) != HP_ERROR || err != whole) return -2;
    return (int)whole;
}

static int error_of(const char *s)
{
    return error_of_ex(s, 0);
}

/* Same body, trailers and leftover whatever the piece size. */
static int split_consistent(const char *s, const char *expect_body, const char *expect_trailers, size_t expect_left)
{
    size_t pieces[] = { 0, 1, 2, 3, 5, 7, 13 }, i;

    for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++)
    {
        if (decode(s, pieces[i]) != HP_OK || !in_place_ok) return 0;
        if (body_len != strlen(expect_body) || memcmp(body, expect_body, body_len)) return 0;
        if (strcmp(trailer_text, expect_trailers) || leftover != expect_left) return 0;
    }
    return 1;
}

static void test_basic(void)
{
    CHECK_INT(decode("5\r\nhello\r\n0\r\n\r\n", 0), HP_OK);
    CHECK_MEM(body, body_len, "hello");
    CHECK_INT(dec.body_bytes, 5);
    CHECK_INT(dec.trailer_count, 0);
    CHECK_INT(leftover, 0);
    CHECK(in_place_ok);

    CHECK_INT(decode("3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n", 0), HP_OK);
    CHECK_MEM(body, body_len, "abcdefgh");
    CHECK_INT(decode("0\r\n\r\n", 0), HP_OK);
    CHECK_INT(body_len, 0);
    CHECK_INT(decode("A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", 0), HP_OK);
    CHECK_MEM(body, body_len, "0123456789abcdefghij");
    CHECK_INT(decode("1F\r\n0123456789012345678901234567890\r\n0\r\n\r\n", 0), HP_OK);
    CHECK_INT(body_len, 31);
    CHECK_INT(decode("0005\r\nhello\r\n000\r\n\r\n", 0), HP_OK);  /* leading zeros */
    CHECK_MEM(body, body_len, "hello");
    CHECK_INT(decode("00000000000000000000000000000001\r\nx\r\n0\r\n\r\n", 0), HP_OK);
    CHECK_MEM(body, body_len, "x");
    /* data may hold anything, CRLF and NUL included */
    CHECK_INT(decode_ex("4\r\n\r\n\0\n\r\n0\r\n\r\n", 14, 1, 0, trailers, TCAP), HP_OK);
    CHECK_INT(body_len, 4);
    CHECK(!memcmp(body, "\r\n\0\n", 4));

    /* nothing yet, or not everything: incomplete */
    CHECK_INT(decode("", 0), HP_INCOMPLETE);
    CHECK_INT(decode("5\r\nhel", 0), HP_INCOMPLETE);
    CHECK_MEM(body, body_len, "hel");
    CHECK_INT(decode("5\r\nhello\r\n0\r\n", 0), HP_INCOMPLETE);
    CHECK_INT(decode("5\r\nhello\r\n0\r\n\r", 0), HP_INCOMPLETE);
}

static void test_size_errors(void)
{
    CHECK_INT(error_of("\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);   /* empty size */
    CHECK_INT(error_of("+5\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("-5\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("0x5\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5_0\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5 0\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of(" 5\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5 \r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\t\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("g\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);    /* bare LF */
    CHECK_INT(error_of("5\rhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);    /* bare CR */

    /* 2^63 - 1 is the largest size; 2^63 and beyond are refused */
    CHECK_INT(decode("7fffffffffffffff\r\nabc", 0), HP_INCOMPLETE);
    CHECK_MEM(body, body_len, "abc");
    CHECK(dec.chunk_left == UINT64_C(0x7fffffffffffffff) - 3);
    CHECK_INT(decode("7FFFFFFFFFFFFFFF\r\n", 1), HP_INCOMPLETE);
    CHECK_INT(error_of("8000000000000000\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("ffffffffffffffff\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("10000000000000000\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("fffffffffffffffffffffffffffffffff\r\n"), HP_ERR_BAD_REQUEST);
}

static void test_data_crlf(void)
{
    CHECK_INT(error_of("5\r\nhelloX\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\r\nhello\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\r\nhello\r0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\r\nhello0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\r\nhelloX\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\r\nhello\n\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5\r\nhello\r\r0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("3\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);  /* data longer than its size */
}

static void test_extensions(void)
{
    CHECK_INT(decode("5;name\r\nhello\r\n0\r\n\r\n", 0), HP_OK);
    CHECK_MEM(body, body_len, "hello");
    CHECK_INT(decode("5;a=b;c=\"q \\\"x\\\" ;,\";d\r\nhello\r\n0;last=1\r\n\r\n", 1), HP_OK);
    CHECK_MEM(body, body_len, "hello");
    CHECK_INT(decode("5 ; a = b ;c\t=\t\"v\" ; d\r\nhello\r\n0\r\n\r\n", 0), HP_OK);  /* BWS */
    CHECK_MEM(body, body_len, "hello");
    CHECK_INT(decode("5;e=\"\x80\xff\"\r\nhello\r\n0\r\n\r\n", 0), HP_OK);  /* obs-text */

    CHECK_INT(error_of("5;\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;=v\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=a b\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e \r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=v \r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=\"open\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=\"a\"b\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=\"\\\x01\"\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=\"\x7f\"\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e@=1\r\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("5;e=v\nhello\r\n0\r\n\r\n"), HP_ERR_BAD_REQUEST);
    {
        static const char nul_ext[] = "5;e\0=v\r\nhello\r\n0\r\n\r\n";
        CHECK_INT(decode_ex(nul_ext, sizeof(nul_ext) - 1, 0, 0, trailers, TCAP), HP_ERROR);
        CHECK_INT(err, HP_ERR_BAD_REQUEST);
    }
}

static void test_limits(void)
{
    /* the size line, extensions included, is bounded by max_field_length */
    CHECK_INT(decode_lim("1;abcdefghijklmnopqrstuvwxyz1234\r\nx\r\n0\r\n\r\n", 32), HP_OK);
    CHECK_INT(error_of_ex("1;abcdefghijklmnopqrstuvwxyz12345\r\nx\r\n0\r\n\r\n", 32), HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(error_of_ex("000000000000000000000000000000001\r\nx\r\n0\r\n\r\n", 32), HP_ERR_REQUEST_TOO_LONG);
    /* and extensions over the whole body too */
    CHECK_INT(decode_lim("1;abcdefghij\r\nx\r\n1;abcdefghij\r\nx\r\n0;abcdefghi\r\n\r\n", 32), HP_OK);
    CHECK_INT(error_of_ex("1;abcdefghij\r\nx\r\n1;abcdefghij\r\nx\r\n0;abcdefghij\r\n\r\n", 32),
              HP_ERR_REQUEST_TOO_LONG);
    /* 0 is the default */
    hp_chunked_init(&dec, 0, NULL, 5);
    CHECK_INT(dec.max_field_length, HP_DEFAULT_MAX_FIELD_LENGTH);
    CHECK_INT(dec.trailer_capacity, 0);
}

static void test_trailers(void)
{
    const char *s = "5\r\nhello\r\n0\r\nX-Trailer: v1\r\nContent-MD5:  abc \t\r\nEmpty:\r\n\r\n";
    char buf[128];
    size_t consumed = 0, produced = 0;

    CHECK_INT(decode(s, 0), HP_OK);
    CHECK_MEM(body, body_len, "hello");
    CHECK_INT(dec.trailer_count, 3);
    CHECK(!strcmp(trailer_text, "X-Trailer=v1\nContent-MD5=abc\nEmpty=\n"));
    CHECK_INT(trailers[1].known, 16);
    CHECK_INT(trailers[0].known, -1);
    CHECK_INT(dec.trailer_off, 13);
    CHECK_INT(dec.trailer_len, strlen(s) - 13 - 2);
    CHECK_INT(decode(s, 1), HP_OK);
    CHECK(!strcmp(trailer_text, "X-Trailer=v1\nContent-MD5=abc\nEmpty=\n"));

    /* an incomplete trailer section is left in the buffer, whole */
    strcpy(buf, "5\r\nhello\r\n0\r\nX: y");
    hp_chunked_init(&dec, 0, trailers, TCAP);
    CHECK_INT(hp_chunked_decode(&dec, buf, strlen(buf), &consumed, &produced, &err), HP_INCOMPLETE);
    CHECK_INT(consumed, 13);
    CHECK_INT(produced, 5);
    CHECK_MEM(buf, produced, "hello");
    CHECK_MEM(buf + consumed, 4, "X: y");
    strcpy(buf, "X: y\r\n\r\nNEXT");
    CHECK_INT(hp_chunked_decode(&dec, buf, strlen(buf), &consumed, &produced, &err), HP_OK);
    CHECK_INT(consumed, 8);
    CHECK_INT(produced, 0);
    CHECK_INT(dec.trailer_off, 0);
    CHECK_INT(dec.trailer_len, 6);
    CHECK_INT(dec.trailer_count, 1);
    CHECK_MEM(buf + trailers[0].name_off, trailers[0].name_len, "X");
    CHECK_MEM(buf + trailers[0].value_off, trailers[0].value_len, "y");
    /* done: further calls consume nothing */
    CHECK_INT(hp_chunked_decode(&dec, buf + 8, 4, &consumed, &produced, &err), HP_OK);
    CHECK_INT(consumed, 0);
    CHECK_INT(produced, 0);

    /* the same field rules as in the head */
    CHECK_INT(error_of("0\r\nA: b\r\n c\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("0\r\n\tc\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("0\r\nA : b\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("0\r\nNoColon\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("0\r\nA: \x01\r\n\r\n"), HP_ERR_INVALID_HEADER);
    CHECK_INT(error_of("0\r\nA: b\n\r\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("0\r\nA: b\r\n\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("0\r\n\n"), HP_ERR_BAD_REQUEST);
    CHECK_INT(error_of("0\r\n\rx"), HP_ERR_BAD_REQUEST);
    {
        static const char nul_trailer[] = "0\r\nA: b\0c\r\n\r\n";
        CHECK_INT(decode_ex(nul_trailer, sizeof(nul_trailer) - 1, 1, 0, trailers, TCAP), HP_ERROR);
        CHECK_INT(err, HP_ERR_INVALID_HEADER);
    }

    /* limits: field line bytes (CRLFs excluded) over the whole section, and the count */
    CHECK_INT(decode_lim("0\r\nA: 0123456789\r\nB: 0123456789abcdef\r\n\r\n", 32), HP_OK);
    CHECK_INT(error_of_ex("0\r\nA: 0123456789\r\nB: 0123456789abcdefg\r\n\r\n", 32), HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(error_of_ex("0\r\nA: 0123456789012345678901234567890123\r\n\r\n", 32), HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(decode_ex("0\r\nA: 1\r\nB: 2\r\n\r\n", 17, 0, 0, trailers, 1), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    CHECK_INT(decode_ex("0\r\nA: 1\r\nB: 2\r\n\r\n", 17, 1, 0, NULL, 0), HP_OK);  /* dropped */
    CHECK_INT(dec.trailer_count, 0);
    CHECK(!strcmp(trailer_text, ""));
}

static void test_split_and_pipelining(void)
{
    CHECK(split_consistent("5\r\nhello\r\n0\r\n\r\n", "hello", "", 0));
    CHECK(split_consistent("3;x=\"a;b\"\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\nU:2\r\n\r\n",
                           "abc0123456789abcdef", "T=1\nU=2\n", 0));
    /* what follows the body is the next request, untouched */
    CHECK(split_consistent("5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n", "hello", "", 18));
    CHECK(split_consistent("2\r\nhi\r\n0\r\nX: y\r\n\r\nPOST", "hi", "X=y\n", 4));
}

static void test_errors_are_sticky(void)
{
    char buf[32];
    size_t consumed = 1, produced = 1;

    hp_chunked_init(&dec, 0, NULL, 0);
    strcpy(buf, "zz\r\n");
    CHECK_INT(hp_chunked_decode(&dec, buf, 4, &consumed, &produced, &err), HP_ERROR);
    CHECK_INT(err, HP_ERR_BAD_REQUEST);
    strcpy(buf, "5\r\nhello\r\n0\r\n\r\n");
    err = HP_ERR_NONE;
    CHECK_INT(hp_chunked_decode(&dec, buf, strlen(buf), &consumed, &produced, &err), HP_ERROR);
    CHECK_INT(err, HP_ERR_BAD_REQUEST);
    CHECK_INT(consumed, 0);
    CHECK_INT(produced, 0);
}

static void test_hostile(void)
{
    size_t n = 1 << 20, i;
    char *s = malloc(n + 16);

    /* 1 MB of one-byte chunks */
    for (i = 0; i + 6 <= n; i += 6) memcpy(s + i, "1\r\na\r\n", 6);
    memcpy(s + i, "0\r\n\r\n", 5);
    CHECK_INT(decode_ex(s, i + 5, 4093, 0, trailers, TCAP), HP_OK);
    CHECK_INT(body_len, i / 6);
    CHECK_INT(dec.body_bytes, i / 6);
    /* an endless extension: refused at the limit */
    memcpy(s, "1;", 2);
    memset(s + 2, 'a', n - 2);
    CHECK_INT(decode_ex(s, n, 0, 0, trailers, TCAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* endless leading zeros */
    memset(s, '0', n);
    CHECK_INT(decode_ex(s, n, 0, 0, trailers, TCAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* an endless trailer section: refused without buffering it all */
    memcpy(s, "0\r\n", 3);
    for (i = 3; i + 6 <= n; i += 6) memcpy(s + i, "A: b\r\n", 6);
    CHECK_INT(decode_ex(s, i, 0, 0, NULL, 0), HP_ERROR);
    CHECK_INT(err, HP_ERR_REQUEST_TOO_LONG);
    /* NULs where the size goes */
    memset(s, 0, 64);
    CHECK_INT(decode_ex(s, 64, 0, 0, trailers, TCAP), HP_ERROR);
    CHECK_INT(err, HP_ERR_BAD_REQUEST);
    free(s);
}

int main(void)
{
    test_basic();
    test_size_errors();
    test_data_crlf();
    test_extensions();
    test_limits();
    test_trailers();
    test_split_and_pipelining();
    test_errors_are_sticky();
    test_hostile();
    return unit_report();
}

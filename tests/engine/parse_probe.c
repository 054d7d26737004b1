/*
 * What the engine's parser makes of a request, for tests/engine/test_h11_diff.py.
 *
 * stdin: one request per line, hex-encoded (a whole request: head, body and
 * anything after it).  stdout: one JSON object per request:
 *   status     "ok" | "incomplete" | "error"        (the head)
 *   error      the hp_error name, when status is "error"
 *   head_len, method, target, version, headers [[name, value], ...], keep_alive,
 *   expect_continue, framing "none" | "length" | "chunked", length,
 *   body_status "ok" | "incomplete" | "error", body_error, body,
 *   trailers [[name, value], ...], rest (bytes after the message)
 * Strings are bytes as Latin-1 with JSON escapes, so Python gets them back
 * with .encode("latin-1").
 *
 * The limits and the field capacity are the ones conn.c passes, with
 * http.sys's defaults; the chunked body is decoded in one call on the bytes
 * after the head, and trailers are reported (conn.c drops them).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"
#include "chunked.h"

#define HEADER_CAPACITY 128  /* as conn.c */
#define TRAILER_CAPACITY 128

static const char *const error_names[] =
{
    "NONE", "BAD_REQUEST", "INVALID_VERB", "INVALID_URL", "INVALID_HEADER", "HOSTNAME",
    "REQUEST_TOO_LONG", "URL_TOO_LONG", "LENGTH_REQUIRED", "VERSION", "NOT_IMPLEMENTED",
};

static const char *error_name(enum hp_error e)
{
    return (unsigned)e < sizeof(error_names) / sizeof(error_names[0]) ? error_names[e] : "?";
}

static void put_string(const char *s, size_t n)
{
    size_t i;

    putchar('"');
    for (i = 0; i < n; i++)
    {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void put_fields(const char *buf, const struct hp_header *h, uint32_t count)
{
    uint32_t i;

    putchar('[');
    for (i = 0; i < count; i++)
    {
        printf(i ? ",[" : "[");
        put_string(buf + h[i].name_off, h[i].name_len);
        putchar(',');
        put_string(buf + h[i].value_off, h[i].value_len);
        putchar(']');
    }
    putchar(']');
}

static const char *status_name(enum hp_status st)
{
    return st == HP_OK ? "ok" : st == HP_INCOMPLETE ? "incomplete" : "error";
}

static void put_chunked(char *body, size_t len)
{
    static struct hp_header trailers[TRAILER_CAPACITY];
    struct hp_chunked c;
    size_t consumed = 0, produced = 0;
    enum hp_error err;
    enum hp_status st;

    hp_chunked_init(&c, 0, trailers, TRAILER_CAPACITY);
    st = hp_chunked_decode(&c, body, len, &consumed, &produced, &err);
    printf(",\"body_status\":\"%s\"", status_name(st));
    if (st == HP_ERROR) printf(",\"body_error\":\"%s\"", error_name(err));
    printf(",\"body\":");
    put_string(body, produced);
    if (st != HP_OK) return;
    printf(",\"trailers\":");
    put_fields(body, trailers, c.trailer_count);
    printf(",\"rest\":%zu", len - consumed);
}

static void probe(char *buf, size_t len)
{
    static struct hp_header headers[HEADER_CAPACITY];
    struct hp_limits lim = { 0, 0, 65534 };  /* as conn.c: field and head limits at their defaults */
    struct hp_request req;
    enum hp_error err;
    enum hp_status st;
    size_t after;

    memset(&req, 0, sizeof(req));
    req.headers = headers;
    req.header_capacity = HEADER_CAPACITY;
    st = hp_parse_request(buf, len, &lim, &req, &err);
    printf("{\"status\":\"%s\"", status_name(st));
    if (st == HP_ERROR) printf(",\"error\":\"%s\"", error_name(err));
    if (st != HP_OK)
    {
        printf("}\n");
        return;
    }
    printf(",\"head_len\":%u,\"method\":", req.head_len);
    put_string(buf + req.method_off, req.method_len);
    printf(",\"target\":");
    put_string(buf + req.target_off, req.target_len);
    printf(",\"version\":\"%d.%d\",\"headers\":", req.version_major, req.version_minor);
    put_fields(buf, req.headers, req.header_count);
    printf(",\"keep_alive\":%s,\"expect_continue\":%s", req.keep_alive ? "true" : "false",
           req.expect_continue ? "true" : "false");
    after = len - req.head_len;
    switch (req.body_kind)
    {
    case HP_BODY_NONE:
        printf(",\"framing\":\"none\",\"body_status\":\"ok\",\"body\":\"\",\"rest\":%zu", after);
        break;
    case HP_BODY_LENGTH:
        printf(",\"framing\":\"length\",\"length\":%llu", (unsigned long long)req.content_length);
        if (req.content_length > after)
        {
            printf(",\"body_status\":\"incomplete\"");
            break;
        }
        printf(",\"body_status\":\"ok\",\"body\":");
        put_string(buf + req.head_len, (size_t)req.content_length);
        printf(",\"rest\":%llu", (unsigned long long)(after - req.content_length));
        break;
    case HP_BODY_CHUNKED:
        printf(",\"framing\":\"chunked\"");
        put_chunked(buf + req.head_len, after);
        break;
    }
    printf("}\n");
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int main(void)
{
    size_t cap = 1 << 16, n = 0;
    char *line = malloc(cap);
    int c, hi = -1;

    /* Decodes as it reads; a line's request is probed at its newline. */
    while ((c = getchar()) != EOF)
    {
        int d;

        if (c == '\n')
        {
            /* an exact-size copy, so that ASan sees any over-read */
            char *exact = malloc(n ? n : 1);
            memcpy(exact, line, n);
            probe(exact, n);
            fflush(stdout);  /* the test waits for each answer */
            free(exact);
            n = 0;
            hi = -1;
            continue;
        }
        if ((d = hex_digit(c)) < 0) continue;
        if (hi < 0)
        {
            hi = d;
            continue;
        }
        if (n == cap && !(line = realloc(line, cap *= 2))) return 1;
        line[n++] = (char)(hi * 16 + d);
        hi = -1;
    }
    free(line);
    return fflush(stdout) ? 1 : 0;
}

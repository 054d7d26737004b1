/*
 * libFuzzer target for the request-head parser and the chunked decoder.
 *
 * The input is a plain request.  Its last byte also picks the variant: small
 * limits or http.sys's defaults, and the piece size in which the chunked body
 * is fed.  Beyond memory errors (ASan, UBSan), the target checks what the
 * callers rely on and traps when it does not hold:
 *   - results stay inside the buffer and the limits;
 *   - a prefix of a valid head is incomplete; a prefix of a bad request is
 *     incomplete or fails the same way;
 *   - the chunked decoder gives the same body, trailers, status and error
 *     whether the body comes at once or in pieces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"
#include "chunked.h"

#define ENSURE(c) do { if (!(c)) __builtin_trap(); } while (0)
#define HCAP 32
#define TCAP 8

struct decoded
{
    enum hp_status st;
    enum hp_error err;
    char *body;
    size_t body_len, leftover;
    uint32_t trailer_count;
    struct hp_header trailers[TCAP];  /* offsets relative to... */
    char trailer_bytes[1 << 14];      /* ...a copy of the trailer section */
    size_t trailer_len;
};

static enum hp_status parse(const char *data, size_t len, const struct hp_limits *lim, struct hp_request *req,
                            struct hp_header *h, enum hp_error *err)
{
    char *copy = malloc(len ? len : 1);  /* exact size, so an over-read is caught */
    enum hp_status st;

    memcpy(copy, data, len);
    req->headers = h;
    req->header_capacity = HCAP;
    st = hp_parse_request(copy, len, lim, req, err);
    free(copy);
    return st;
}

static void check_request(const struct hp_request *r, size_t len, const struct hp_limits *lim)
{
    uint32_t i, max_req = lim->max_request_bytes ? lim->max_request_bytes : HP_DEFAULT_MAX_REQUEST_BYTES;
    uint32_t max_url = lim->max_url_bytes ? lim->max_url_bytes : HP_DEFAULT_MAX_URL_BYTES;

    ENSURE(r->head_len <= len && r->head_len <= max_req);
    ENSURE(r->method_len > 0 && r->method_off + r->method_len <= r->head_len);
    ENSURE(r->target_len > 0 && r->target_len <= max_url && r->target_off + r->target_len <= r->head_len);
    ENSURE(r->host_off + r->host_len <= r->head_len);
    ENSURE(r->version_major == 1 && (r->version_minor == 0 || r->version_minor == 1));
    ENSURE(r->header_count <= r->header_capacity);
    ENSURE(r->verb >= HP_VERB_UNKNOWN && r->verb <= HP_VERB_SEARCH && r->verb != HP_VERB_INVALID);
    ENSURE(r->body_kind != HP_BODY_CHUNKED || r->version_minor == 1);
    ENSURE(r->content_length <= (uint64_t)INT64_MAX);
    for (i = 0; i < r->header_count; i++)
    {
        const struct hp_header *h = &r->headers[i];
        ENSURE(h->name_len > 0 && h->name_off + h->name_len <= r->head_len);
        ENSURE(h->value_off + h->value_len <= r->head_len);
        ENSURE(h->known >= -1 && h->known < HP_HDR_REQUEST_MAXIMUM);
    }
}

static void decode(const char *data, size_t len, size_t piece, struct decoded *d)
{
    struct hp_chunked c;
    char *work = malloc(len ? len : 1);
    size_t have = 0, fed = 0;

    d->body = malloc(len ? len : 1);
    d->body_len = d->trailer_len = 0;
    d->trailer_count = 0;
    d->err = HP_ERR_NONE;
    d->st = HP_INCOMPLETE;
    hp_chunked_init(&c, 256, d->trailers, TCAP);
    while (d->st == HP_INCOMPLETE && fed < len)
    {
        size_t take = piece && len - fed > piece ? piece : len - fed, consumed = 0, produced = 0;
        char *exact;

        memcpy(work + have, data + fed, take);
        have += take;
        fed += take;
        exact = malloc(have ? have : 1);
        memcpy(exact, work, have);
        d->st = hp_chunked_decode(&c, exact, have, &consumed, &produced, &d->err);
        ENSURE(produced <= consumed && consumed <= have);
        ENSURE(!memcmp(exact + consumed, work + consumed, have - consumed));  /* unconsumed bytes intact */
        ENSURE((d->st == HP_ERROR) == (d->err != HP_ERR_NONE));
        memcpy(d->body + d->body_len, exact, produced);
        d->body_len += produced;
        ENSURE(c.body_bytes == d->body_len);
        if (d->st == HP_OK)
        {
            ENSURE(c.trailer_off + c.trailer_len + 2 <= consumed);
            ENSURE(c.trailer_len < sizeof(d->trailer_bytes));
            memcpy(d->trailer_bytes, exact + c.trailer_off, c.trailer_len);
            d->trailer_len = c.trailer_len;
            d->trailer_count = c.trailer_count;
            for (uint32_t i = 0; i < c.trailer_count; i++)
            {
                ENSURE(d->trailers[i].name_off >= c.trailer_off);
                ENSURE(d->trailers[i].value_off + d->trailers[i].value_len <= c.trailer_off + c.trailer_len);
                d->trailers[i].name_off -= (uint32_t)c.trailer_off;
                d->trailers[i].value_off -= (uint32_t)c.trailer_off;
            }
        }
        free(exact);
        memmove(work, work + consumed, have - consumed);
        have -= consumed;
    }
    d->leftover = have + (len - fed);
    free(work);
}

static void same_decoding(const struct decoded *a, const struct decoded *b)
{
    /* Decoding is byte by byte, so even before an error both produced the same. */
    ENSURE(a->st == b->st && a->err == b->err);
    ENSURE(a->body_len == b->body_len && !memcmp(a->body, b->body, a->body_len));
    if (a->st != HP_OK) return;
    ENSURE(a->leftover == b->leftover);
    ENSURE(a->trailer_len == b->trailer_len && !memcmp(a->trailer_bytes, b->trailer_bytes, a->trailer_len));
    ENSURE(a->trailer_count == b->trailer_count);
    ENSURE(!memcmp(a->trailers, b->trailers, a->trailer_count * sizeof(a->trailers[0])));
}

static void fuzz_chunked(const char *data, size_t len, size_t piece)
{
    static struct decoded whole, split;

    decode(data, len, 0, &whole);
    decode(data, len, piece, &split);
    same_decoding(&whole, &split);
    free(whole.body);
    free(split.body);
}

/* 411 is for POST and PUT only (the request line may follow empty lines) */
static int is_post_or_put(const char *data, size_t len)
{
    while (len && (*data == '\r' || *data == '\n')) { data++; len--; }
    return (len >= 5 && !memcmp(data, "POST ", 5)) || (len >= 4 && !memcmp(data, "PUT ", 4));
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const char *data = (const char *)bytes;
    struct hp_header h[HCAP], h2[HCAP];
    struct hp_request req, again;
    struct hp_limits lim = { 0, 0, 0 };
    enum hp_error err, err2;
    enum hp_status st, st2;
    unsigned sel = size ? bytes[size - 1] : 0;
    size_t probes[3], i;

    if (sel & 0x10)
    {
        lim.max_field_length = 64 + (sel & 0x0f) * 8;
        lim.max_request_bytes = 256 + (sel & 0x07) * 32;
        lim.max_url_bytes = 16 + (sel & 0x0f) * 4;
    }
    st = parse(data, size, &lim, &req, h, &err);
    ENSURE(st == HP_OK || st == HP_INCOMPLETE || st == HP_ERROR);
    ENSURE((st == HP_ERROR) == (err != HP_ERR_NONE));
    ENSURE(err <= HP_ERR_NOT_IMPLEMENTED);
    ENSURE(err != HP_ERR_LENGTH_REQUIRED || is_post_or_put(data, size));

    if (st == HP_OK)
    {
        check_request(&req, size, &lim);
        /* the head alone parses the same */
        st2 = parse(data, req.head_len, &lim, &again, h2, &err2);
        ENSURE(st2 == HP_OK && again.head_len == req.head_len && again.header_count == req.header_count);
        ENSURE(!memcmp(h, h2, req.header_count * sizeof(h[0])));
        ENSURE(again.body_kind == req.body_kind && again.content_length == req.content_length);
        ENSURE(again.host_off == req.host_off && again.host_len == req.host_len);
    }
    if (st == HP_INCOMPLETE)
    {
        uint32_t max_req = lim.max_request_bytes ? lim.max_request_bytes : HP_DEFAULT_MAX_REQUEST_BYTES;
        uint32_t max_field = lim.max_field_length ? lim.max_field_length : HP_DEFAULT_MAX_FIELD_LENGTH;
        uint32_t max_url = lim.max_url_bytes ? lim.max_url_bytes : HP_DEFAULT_MAX_URL_BYTES;
        ENSURE(size < (size_t)max_req + max_field + max_url);  /* bounded buffering */
    }

    /* prefixes: incomplete, or the same error */
    if (st != HP_INCOMPLETE)
    {
        size_t end = st == HP_OK ? req.head_len : size;
        probes[0] = end - 1;
        probes[1] = end / 2;
        probes[2] = end ? (sel * 131u) % end : 0;
        for (i = 0; i < 3 && end; i++)
        {
            st2 = parse(data, probes[i], &lim, &again, h2, &err2);
            ENSURE(st2 == HP_INCOMPLETE || (st == HP_ERROR && st2 == HP_ERROR && err2 == err));
        }
    }

    if (st == HP_OK && req.body_kind == HP_BODY_CHUNKED)
        fuzz_chunked(data + req.head_len, size - req.head_len, 1 + sel % 13);
    else if (sel & 0x20)
        fuzz_chunked(data, size, 1 + sel % 13);  /* the decoder on its own, for coverage */
    return 0;
}

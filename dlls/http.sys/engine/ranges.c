#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ranges.h"

#define VERB_GET             4    /* HttpVerbGET */
#define REQ_IF_RANGE         32   /* HttpHeaderIfRange */
#define REQ_RANGE            37   /* HttpHeaderRange */
#define RESP_TRANSFER_ENCODING 6
#define RESP_CONTENT_LENGTH  11
#define RESP_CONTENT_TYPE    12
#define RESP_CONTENT_RANGE   17
#define RESP_LAST_MODIFIED   19
#define RESP_ETAG            22
#define SEND_FLAG_MORE_DATA      0x2
#define SEND_FLAG_PROCESS_RANGES 0x20

static int is_ows(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void trim(const char **v, size_t *len)
{
    while (*len && is_ows(**v)) { (*v)++; (*len)--; }
    while (*len && is_ows((*v)[*len - 1])) (*len)--;
}

/* 1*DIGIT at v[*i]; a number beyond 64 bits saturates, which is as good
 * as infinite against any length.  0 when there is no digit. */
static int parse_number(const char *v, size_t len, size_t *i, uint64_t *n)
{
    size_t start = *i;

    *n = 0;
    for (; *i < len && is_digit(v[*i]); (*i)++)
    {
        unsigned d = (unsigned)(v[*i] - '0');
        *n = *n > (UINT64_MAX - d) / 10 ? UINT64_MAX : *n * 10 + d;
    }
    return *i > start;
}

/* One range-spec, v[0..len) trimmed: int-range, open int-range or
 * suffix-range.  -1: invalid; 0: unsatisfiable; 1: *out is the range. */
static int parse_spec(const char *v, size_t len, uint64_t length, struct hs_range *out)
{
    uint64_t first, last;
    size_t i = 0;

    if (len && v[0] == '-')
    {
        i = 1;
        if (!parse_number(v, len, &i, &last) || i != len) return -1;
        if (!last) return 0;
        out->first = last >= length ? 0 : length - last;
        out->last = length - 1;
        return 1;
    }
    if (!parse_number(v, len, &i, &first) || i == len || v[i++] != '-') return -1;
    if (i == len) last = UINT64_MAX;
    else if (!parse_number(v, len, &i, &last) || i != len || last < first) return -1;
    if (first >= length) return 0;
    out->first = first;
    out->last = last >= length ? length - 1 : last;
    return 1;
}

enum hs_range_outcome hs_ranges_parse(const char *v, size_t len, uint64_t length,
                                      struct hs_range *out, unsigned *count)
{
    unsigned specs = 0, n = 0, i, j;
    size_t pos;

    *count = 0;
    if (!v) return HS_RANGES_IGNORE;
    trim(&v, &len);
    if (len < 6 || strncasecmp(v, "bytes=", 6)) return HS_RANGES_IGNORE;
    pos = 6;
    while (pos <= len)
    {
        const char *spec = v + pos;
        size_t spec_len = 0;
        struct hs_range r;
        int ret;

        while (pos + spec_len < len && v[pos + spec_len] != ',') spec_len++;
        pos += spec_len + 1;
        trim(&spec, &spec_len);
        if (!spec_len) continue;   /* empty list elements are allowed (RFC 9110 §5.6.1.2) */
        if (++specs > HS_RANGES_MAX) return HS_RANGES_IGNORE;
        if ((ret = parse_spec(spec, spec_len, length, &r)) < 0) return HS_RANGES_IGNORE;
        if (ret) out[n++] = r;
    }
    if (!specs) return HS_RANGES_IGNORE;
    /* An empty representation has no range to describe: send it whole. */
    if (!length) return HS_RANGES_IGNORE;
    if (!n) return HS_RANGES_UNSATISFIABLE;
    /* Overlapping ranges would send bytes more than once (a way to make a
     * small request cost a large answer): the whole representation instead. */
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (out[i].first <= out[j].last && out[j].first <= out[i].last) return HS_RANGES_IGNORE;
    *count = n;
    return HS_RANGES_PARTIAL;
}

int hs_if_range_matches(const char *v, size_t len, const char *etag, size_t etag_len,
                        const char *last_modified, size_t lm_len)
{
    trim(&v, &len);
    if (!len) return 0;
    if (v[0] == '"' || (len >= 2 && v[0] == 'W' && v[1] == '/'))
    {
        /* an entity tag: only a strong one equal to the response's (RFC 9110 §13.1.5) */
        if (v[0] != '"' || len < 2 || v[len - 1] != '"' || !etag) return 0;
        trim(&etag, &etag_len);
        return etag_len == len && !memcmp(etag, v, len);
    }
    if (!last_modified) return 0;
    trim(&last_modified, &lm_len);
    return lm_len == len && !memcmp(last_modified, v, len);
}

/* A request header of the engine's own wire form, or NULL. */
static const char *request_header(const struct hs_wire_request *q, uint32_t size, int id, size_t *len)
{
    uint32_t bits = id < 32 ? q->known_present_lo : q->known_present_hi;
    const struct hs_str *s = &q->known[id];

    if (!((bits >> (id & 31)) & 1) || s->off > size || s->len > size - s->off) return NULL;
    *len = s->len;
    return (const char *)q + s->off;
}

static const char *response_header(const struct hs_wire_response *r, int id, size_t *len)
{
    if (!((r->known_present >> id) & 1)) return NULL;
    *len = r->known[id].len;
    return (const char *)r + r->known[id].off;
}

/* The application's own Content-Length, if it gave one, must be the body it sent. */
static int length_matches(const char *v, size_t len, uint64_t length)
{
    uint64_t n;
    size_t i = 0;

    trim(&v, &len);
    return parse_number(v, len, &i, &n) && i == len && n == length;
}

void hs_ranges_plan(const struct hs_wire_request *q, uint32_t q_size, const struct hs_wire_response *r,
                    uint64_t full_length, uint64_t seed, struct hs_range_plan *plan)
{
    const char *range, *cond, *etag = NULL, *lm = NULL, *cl;
    size_t range_len, cond_len, etag_len = 0, lm_len = 0, cl_len;
    struct hs_buf scratch = { 0 };
    enum hs_range_outcome outcome;
    uint64_t total = 0;
    unsigned i;

    memset(plan, 0, sizeof(*plan));
    plan->full_length = full_length;
    if (!(r->flags & SEND_FLAG_PROCESS_RANGES) || (r->flags & SEND_FLAG_MORE_DATA)) return;
    if (r->kind != HS_RESP_HEADERS || r->status != 200 || q->verb != VERB_GET) return;
    if (!(range = request_header(q, q_size, REQ_RANGE, &range_len))) return;
    /* a body the application frames itself, or one it already cut, is not ours to cut */
    if (response_header(r, RESP_TRANSFER_ENCODING, &cl_len) || response_header(r, RESP_CONTENT_RANGE, &cl_len)) return;
    if ((cl = response_header(r, RESP_CONTENT_LENGTH, &cl_len)) && !length_matches(cl, cl_len, full_length)) return;
    if ((cond = request_header(q, q_size, REQ_IF_RANGE, &cond_len)))
    {
        etag = response_header(r, RESP_ETAG, &etag_len);
        lm = response_header(r, RESP_LAST_MODIFIED, &lm_len);
        if (!hs_if_range_matches(cond, cond_len, etag, etag_len, lm, lm_len)) return;
    }
    outcome = hs_ranges_parse(range, range_len, full_length, plan->ranges, &plan->count);
    if (outcome == HS_RANGES_IGNORE) return;
    if (outcome == HS_RANGES_UNSATISFIABLE)
    {
        plan->status = 416;
        return;
    }
    if (response_header(r, RESP_CONTENT_TYPE, &cl_len))
    {
        plan->type = (const uint8_t *)r + r->known[RESP_CONTENT_TYPE].off;
        plan->type_len = r->known[RESP_CONTENT_TYPE].len;
    }
    for (i = 0; i < plan->count; i++) total += plan->ranges[i].last - plan->ranges[i].first + 1;
    if (plan->count > 1)
    {
        snprintf(plan->boundary, sizeof(plan->boundary), "%016llx", (unsigned long long)seed);
        for (i = 0; i <= plan->count; i++)
        {
            scratch.len = 0;
            hs_ranges_part_head(plan, i, &scratch);
            total += scratch.len;
        }
        if (scratch.failed)
        {
            /* out of memory: the application's whole response is still right */
            hs_buf_free(&scratch);
            plan->count = 0;
            return;
        }
        hs_buf_free(&scratch);
    }
    plan->length = total;
    plan->status = 206;
}

void hs_ranges_content_range(const struct hs_range_plan *plan, char *buf, size_t cap)
{
    if (plan->status == 416)
        snprintf(buf, cap, "bytes */%llu", (unsigned long long)plan->full_length);
    else
        snprintf(buf, cap, "bytes %llu-%llu/%llu", (unsigned long long)plan->ranges[0].first,
                 (unsigned long long)plan->ranges[0].last, (unsigned long long)plan->full_length);
}

void hs_ranges_multipart_type(const struct hs_range_plan *plan, char *buf, size_t cap)
{
    snprintf(buf, cap, "multipart/byteranges; boundary=%s", plan->boundary);
}

/* RFC 9110 §14.6: the CRLF before a delimiter belongs to the delimiter. */
void hs_ranges_part_head(const struct hs_range_plan *plan, unsigned i, struct hs_buf *out)
{
    char line[96];

    if (i) hs_buf_add(out, "\r\n", 2);
    hs_buf_adds(out, "--");
    hs_buf_adds(out, plan->boundary);
    if (i == plan->count)
    {
        hs_buf_adds(out, "--\r\n");
        return;
    }
    hs_buf_add(out, "\r\n", 2);
    if (plan->type)
    {
        hs_buf_adds(out, "Content-Type: ");
        hs_buf_add(out, plan->type, plan->type_len);
        hs_buf_add(out, "\r\n", 2);
    }
    snprintf(line, sizeof(line), "Content-Range: bytes %llu-%llu/%llu\r\n\r\n",
             (unsigned long long)plan->ranges[i].first, (unsigned long long)plan->ranges[i].last,
             (unsigned long long)plan->full_length);
    hs_buf_adds(out, line);
}

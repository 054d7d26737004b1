/*
 * HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES: the application sends the whole
 * representation and the engine answers a GET's Range field with the parts
 * asked for (206, one range or multipart/byteranges), or 416 when none can
 * be satisfied (RFC 9110 §13.1.5, §14).  Pure functions over bytes.
 */
#ifndef HS_RANGES_H
#define HS_RANGES_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "httpsys_proto.h"

/* More range-specs than this in one field: the field is ignored (RFC 9110
 * §14.2 lets a server ignore a range set it would rather not serve). */
#define HS_RANGES_MAX 16

struct hs_range { uint64_t first, last; };   /* inclusive */

enum hs_range_outcome
{
    HS_RANGES_IGNORE,          /* the field does not apply: the whole representation, 200 */
    HS_RANGES_PARTIAL,         /* 206 with out[0..count) */
    HS_RANGES_UNSATISFIABLE,   /* 416 */
};

/* A Range field value against a representation of length bytes.  Syntax
 * errors, other units, too many or overlapping ranges and an empty
 * representation give HS_RANGES_IGNORE. */
enum hs_range_outcome hs_ranges_parse(const char *v, size_t len, uint64_t length,
                                      struct hs_range *out, unsigned *count);

/* Whether an If-Range value lets the ranges apply: a strong entity tag equal
 * to etag, or an HTTP-date equal to last_modified (NULL: the response has
 * none). */
int hs_if_range_matches(const char *v, size_t len, const char *etag, size_t etag_len,
                        const char *last_modified, size_t lm_len);

/* What goes out instead of the application's 200. */
struct hs_range_plan
{
    unsigned status;                     /* 0: nothing to do; 206; 416 */
    uint64_t full_length;                /* the application's body */
    uint64_t length;                     /* body bytes of the answer, multipart framing included */
    unsigned count;
    struct hs_range ranges[HS_RANGES_MAX];
    const uint8_t *type;                 /* the application's Content-Type, for the parts */
    uint32_t type_len;
    char boundary[24];                   /* multipart only */
};

/* Decides for a response r (kind HS_RESP_HEADERS) of full_length body bytes
 * to request q, sent with HTTP_SEND_RESPONSE_FLAG_PROCESS_RANGES: only a
 * complete 200 to a GET whose length is known; seed makes the boundary. */
void hs_ranges_plan(const struct hs_wire_request *q, uint32_t q_size, const struct hs_wire_response *r,
                    uint64_t full_length, uint64_t seed, struct hs_range_plan *plan);

/* Content-Range: "bytes FIRST-LAST/LEN" for a single range; for a 416 the
 * unsatisfied-range form, an asterisk in place of the range (RFC 9110 §14.4). */
void hs_ranges_content_range(const struct hs_range_plan *plan, char *buf, size_t cap);
/* "multipart/byteranges; boundary=..." */
void hs_ranges_multipart_type(const struct hs_range_plan *plan, char *buf, size_t cap);
/* The multipart text before part i; i == count: the closing delimiter. */
void hs_ranges_part_head(const struct hs_range_plan *plan, unsigned i, struct hs_buf *out);

#endif

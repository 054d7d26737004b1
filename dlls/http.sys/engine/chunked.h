/*
 * Streaming decoder for the chunked transfer coding (RFC 9112 §7.1).
 *
 * Pure and resumable: the state lives in struct hp_chunked, input may be
 * split at any byte.  Decoding is in place: the body bytes found in buf are
 * moved to its front.  Bytes not consumed by a call (only ever an incomplete
 * trailer section) must be passed again at the start of the next call.
 */
#ifndef HP_CHUNKED_H
#define HP_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#include "http_parse.h"

struct hp_chunked
{
    /* Set by hp_chunked_init. */
    uint32_t max_field_length;     /* bounds a chunk-size line, all extensions of the body
                                    * together, and all trailer field lines together (CRLFs
                                    * excluded); 0 selects HP_DEFAULT_MAX_FIELD_LENGTH */
    struct hp_header *trailers;    /* where trailer fields are reported; NULL: validated, dropped */
    uint32_t trailer_capacity;     /* more trailer fields than this is HP_ERR_REQUEST_TOO_LONG */

    /* Results. */
    uint64_t body_bytes;           /* body bytes produced so far, over all calls */
    uint32_t trailer_count;        /* valid once HP_OK is returned: */
    size_t trailer_off, trailer_len; /* the trailer field lines (CRLFs included, final empty line
                                      * excluded) in the buf of the call that returned HP_OK;
                                      * trailers[] offsets are relative to that buf too */

    /* Private. */
    int state;
    uint64_t chunk_left;           /* the chunk size while reading it, then the data still due */
    uint32_t line_bytes;           /* bytes of the current chunk-size line */
    uint32_t ext_bytes;            /* bytes of chunk extensions in the whole body */
    enum hp_error error;
};

void hp_chunked_init(struct hp_chunked *c, uint32_t max_field_length, struct hp_header *trailers,
                     uint32_t trailer_capacity);

/*
 * Decodes buf[0..len).  *consumed: input bytes used; *produced: body bytes
 * now at buf[0..*produced) (always <= *consumed, so the unconsumed input at
 * buf + *consumed is intact).  HP_OK: the body and its trailer section are
 * complete; bytes after *consumed belong to the next request.  HP_INCOMPLETE:
 * deliver the produced bytes, keep the unconsumed ones, call again with more.
 * HP_ERROR: *err says why; the decoder stays in error.  len must be below 2^32
 * (larger buffers are decoded in several calls).
 */
enum hp_status hp_chunked_decode(struct hp_chunked *c, char *buf, size_t len, size_t *consumed,
                                 size_t *produced, enum hp_error *err);

#endif

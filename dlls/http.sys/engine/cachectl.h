/*
 * The kernel cache in the engine's life: the cache IOCTLs, requests the
 * response cache answers without waking the application, responses stored
 * as they go out, and fragment chunks resolved for sends.  The store itself
 * is cache.c.
 *
 * The rules are those of "Kernel Mode Cache" (HTTP Server API 2.0): a GET
 * that arrived whole, HTTP/1.0 or later, with no entity body, no
 * Authorization, Range or If-Range, no "Translate: f" and no Expect other
 * than 100-continue; a response sent in one HttpSendHttpResponse of at most
 * UriMaxUriBytes (and MaxCacheResponseSize), with a well-formed
 * Last-Modified if any; nothing at all with UriEnableCache=0.  Requests
 * with other preconditions (If-Match, If-None-Match, If-Modified-Since,
 * If-Unmodified-Since) also go to the application, which alone can judge
 * them, and their responses are not stored.
 */
#ifndef HS_CACHECTL_H
#define HS_CACHECTL_H

#include <stdint.h>

#include "engine.h"
#include "buf.h"
#include "cookurl.h"

/* All the cache holds, fragments and responses together. */
#define HS_CACHE_MAX_BYTES (128u << 20)

void hs_cachectl_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len);
/* HS_IOCTL_CACHE_FLUSH on a handle that is not a queue (netsh http delete
 * cache): every queue's entries under the URL, or all with no URL. */
void hs_cachectl_flush_all(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len);

/* A request head (hp over head) that routing gave to queue owner: when the
 * response cache holds its answer, appends the whole response to out, sets
 * *close_after and returns 1. */
int hs_cachectl_answer(struct hs_engine *eng, uint64_t owner, const struct hp_request *hp, const char *head,
                       const struct hs_cooked *cooked, int keep_alive, struct hs_buf *out, int *close_after);

/* The bytes a fragment chunk names. */
struct hs_frag_piece
{
    const uint8_t *data;
    uint64_t len;
};

/* Resolves the fragment chunks of r for queue owner: 0 with *pieces
 * (malloc'd, one per chunk, NULL if none) and *total their bytes, or a
 * Win32 error.  The bytes stay valid until the cache next changes. */
uint32_t hs_cachectl_resolve(struct hs_engine *eng, uint64_t owner, const struct hs_wire_response *r,
                             struct hs_frag_piece **pieces, uint64_t *total);

/* Whether response r to req goes into the response cache: its policy, the
 * request it answers and the limits (head_len: its status line and headers
 * as sent, body_len: its whole body). */
int hs_cachectl_wants(struct hs_engine *eng, const struct hs_request *req, const struct hs_wire_response *r,
                      uint64_t head_len, uint64_t body_len);
/* Stores r, the response to req, with its whole body. */
void hs_cachectl_store(struct hs_engine *eng, const struct hs_request *req, const struct hs_wire_response *r,
                       const uint8_t *body, uint64_t body_len);

/* The queue's registrations changed or it closed: no entry of it may be
 * served or used again. */
void hs_cachectl_forget(struct hs_engine *eng, uint64_t owner);

/* The service state's lines for cached responses:
 * "K <queue> <policy> <seconds> <status> <hits> <head bytes> <body bytes> <age s> <url>\n" */
void hs_cachectl_describe(struct hs_engine *eng, struct hs_buf *out);

void hs_cachectl_free(struct hs_engine *eng);

#endif

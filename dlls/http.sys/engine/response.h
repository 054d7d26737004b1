/*
 * Turns an application's HTTP_RESPONSE (in wire form) into bytes, adding
 * what http.sys adds: Content-Length when the application gave none and the
 * response is complete, Date, "Server: Microsoft-HTTPAPI/2.0", and the
 * Connection header that persistence needs.  A pure function.
 */
#ifndef HS_RESPONSE_H
#define HS_RESPONSE_H

#include <stdint.h>
#include "buf.h"
#include "httpsys_proto.h"
#include "ranges.h"

struct hs_resp_ctx
{
    int is_head;                 /* the request was HEAD: no body goes out */
    int http10;                  /* the client spoke HTTP/1.0 */
    int client_keep_alive;       /* the client's request allows persistence */
    int force_close;             /* the engine wants the connection closed */
    uint32_t disable_server_header; /* Parameters\DisableServerHeader */
    const char *date;            /* IMF-fixdate */
    const struct hs_range_plan *range; /* PROCESS_RANGES: a 206 or 416 in place of the 200, else NULL */
    uint64_t fragment_bytes;     /* body bytes the engine inserts from the fragment cache */
};

struct hs_resp_result
{
    int close_after;             /* close the connection once this response is out */
    int unframed;                /* no length: the close of the connection ends the body */
    int body_allowed;            /* 0 for HEAD, 1xx, 204, 304 */
    int opaque;                  /* a 101 sent with OPAQUE: raw bytes both ways from now on */
};

/* Appends the status line and header block of r (kind HS_RESP_HEADERS). */
void hs_response_head(struct hs_buf *out, const struct hs_wire_response *r,
                      const struct hs_resp_ctx *ctx, struct hs_resp_result *res);

const char *hs_reason_phrase(unsigned status);

#endif

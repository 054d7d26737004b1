/*
 * Puts a parsed request into the wire form of include/httpsys_proto.h, the
 * one blob that travels to httpapi.dll (through shared memory) or to the
 * driver (through the control channel) and becomes an HTTP_REQUEST there.
 */
#ifndef HS_WIRE_H
#define HS_WIRE_H

#include <stdint.h>
#include <sys/socket.h>
#include "buf.h"
#include "http_parse.h"
#include "httpsys_proto.h"

struct hs_wire_input
{
    const char *head;                     /* request head bytes hp refers to */
    const struct hp_request *hp;
    const uint16_t *cooked;               /* UTF-16LE full URL */
    uint32_t cooked_bytes;
    uint32_t host_off, host_len, path_off, path_len, query_off, query_len;  /* bytes */
    const struct sockaddr *remote, *local;
    uint64_t request_id, connection_id, url_context, bytes_received;
    uint32_t flags;                       /* HS_REQ_* */
    const struct hs_wire_ssl_input *ssl;  /* HTTPS: the TLS facts, else NULL */
    uint32_t auth;                        /* hs_wire_request.auth */
    int32_t auth_sec_status;
};

struct hs_wire_ssl_input
{
    struct hs_wire_ssl fixed;             /* strings filled in by the builder */
    const char *issuer, *subject;
    uint32_t issuer_len, subject_len;
    const uint8_t *client_cert;           /* DER, NULL if none */
    uint32_t client_cert_len;
};

/* Returns 0, or -1 when out of memory or a field exceeds what HTTP_REQUEST
 * can describe (USHORT lengths). */
int hs_wire_build_request(const struct hs_wire_input *in, struct hs_buf *out);

/* Windows' SOCKADDR_IN / SOCKADDR_IN6 layout for a host address. */
void hs_wire_sockaddr(const struct sockaddr *sa, uint8_t out[28]);

/* Checks a response blob a server wrote before the engine trusts it
 * (file chunks included). */
int hs_wire_response_valid(const struct hs_wire_response *r, uint32_t size);
/* Memory body plus file chunks, of a valid response (fragment chunks are
 * the engine's to resolve: they are not counted). */
uint64_t hs_wire_response_body_total(const struct hs_wire_response *r);

/* The fragment chunks of a valid response. */
uint32_t hs_wire_frag_count(const struct hs_wire_response *r);
void hs_wire_frag_get(const struct hs_wire_response *r, uint32_t i, struct hs_wire_frag *out);

/* The order of a response's chunks: hs_wire_body_next gives the next file
 * chunk (HS_BODY_FILE) or fragment chunk (HS_BODY_FRAG) with its index and
 * the memory bytes that come before it, or HS_BODY_END. */
#define HS_BODY_END  0
#define HS_BODY_FILE 1
#define HS_BODY_FRAG 2
struct hs_body_walk { uint32_t file, frag; };
int hs_wire_body_next(const struct hs_wire_response *r, struct hs_body_walk *w, uint32_t *index, uint64_t *body_pos);

#endif

/*
 * Requests: creation from a parsed head, delivery to a queue (through a
 * pending receive, the shared-memory ring, or the ready list), entity body
 * hand-over, responses, and the end of a request.
 */
#ifndef HS_REQUEST_H
#define HS_REQUEST_H

#include "engine.h"

struct hs_conn;

/* Unread body the engine buffers per request before it stops reading. */
#define HS_BODY_HIGH_WATER (1u << 20)

struct hs_request *hs_request_new(struct hs_queue *q, struct hs_conn *c, uint64_t url_context);
void hs_request_free(struct hs_request *req);

/* Takes a delivered request from its queue to dst (HttpDelegateRequestEx):
 * a slot and an id of dst, the URL's context and group there; the source's
 * calls on the old id fail from now on.  0 or a Win32 error. */
uint32_t hs_request_move(struct hs_engine *eng, struct hs_request *req, struct hs_queue *dst,
                         uint64_t url_context, uint64_t group_key);
/* Offers a complete request head to its queue. */
void hs_request_offer(struct hs_engine *eng, struct hs_request *req);
/* New body bytes, the end of the body, or its loss: wake whoever waits. */
void hs_request_body_event(struct hs_engine *eng, struct hs_request *req);
/* The connection went away. */
void hs_request_orphan(struct hs_engine *eng, struct hs_request *req);
/* A receive handed the request to the application. */
void hs_request_delivered(struct hs_request *req);

/* Sends one response blob; returns a Win32 error. */
uint32_t hs_request_send(struct hs_engine *eng, struct hs_request *req,
                         const struct hs_wire_response *r, uint32_t size);
/* The same; *sent: the entity body bytes it sent (fragments included). */
uint32_t hs_request_send_counted(struct hs_engine *eng, struct hs_request *req,
                                 const struct hs_wire_response *r, uint32_t size, uint64_t *sent);

struct hs_request *hs_queue_find_request(struct hs_queue *q, uint64_t id);

#endif

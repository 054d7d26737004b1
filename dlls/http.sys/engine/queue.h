/*
 * Request queues and the IOCTLs that act on them: URL registration,
 * receiving requests and entity bodies, sending responses, and the
 * shared-memory rings of the fast path.
 */
#ifndef HS_QUEUE_H
#define HS_QUEUE_H

#include "engine.h"

struct hs_queue *hs_queue_new(struct hs_engine *eng);
struct hs_queue *hs_queue_by_id(struct hs_engine *eng, uint64_t id);
/* The last handle to the queue closed: unregister, drop its requests. */
void hs_queue_destroy(struct hs_engine *eng, struct hs_queue *q);
void hs_queue_ioctl(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t in_len);

/* Processes what servers left in the rings; returns non-zero if it did work. */
int  hs_queue_poll(struct hs_engine *eng, struct hs_queue *q);
/* Marks the queue's rings idle (the engine is about to sleep) or busy. */
void hs_queue_set_idle(struct hs_queue *q, int idle);
int  hs_queue_has_work(struct hs_queue *q);

/* Delivery of a request that just became ready. */
void hs_queue_offer(struct hs_engine *eng, struct hs_queue *q, struct hs_request *req);
/* Whether QueueLength requests already wait for a receive. */
int  hs_queue_full(struct hs_queue *q);
/* The server acted on the request (sent, read its body) or it ended. */
void hs_queue_settle(struct hs_request *req);
/* Takes the request back from wherever it waits (ready list or ring). */
int  hs_queue_withdraw(struct hs_engine *eng, struct hs_queue *q, struct hs_request *req);

#endif

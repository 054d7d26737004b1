/*
 * Named request queues: a queue another process opens by name
 * (HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING), the controller that
 * created it and does no I/O on it, and the controller's wait for demand
 * (HttpWaitForDemandStart).
 */
#ifndef HS_QUEUENAME_H
#define HS_QUEUENAME_H

#include "engine.h"

/* HS_IOCTL_QUEUE_NAME and HS_IOCTL_DEMAND_START. */
void hs_queue_name_ioctl(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len);
void hs_queue_demand_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op);
/* Whether a handle may receive, read bodies and send on its queue. */
int  hs_queue_file_does_io(const struct hs_file *f);
/* A request now waits in the queue: the controller's wait, if any, ends. */
void hs_queue_demand(struct hs_engine *eng, struct hs_queue *q);
/* The queue goes away: its name is free again, its controller's wait ends. */
void hs_queue_name_release(struct hs_engine *eng, struct hs_queue *q);

#endif

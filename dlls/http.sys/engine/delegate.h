/*
 * Request delegation between queues (HttpFindUrlGroupId and
 * HttpDelegateRequestEx): a request one process received goes, unanswered,
 * to a queue another process serves, as if the URL group there had
 * received it.
 */
#ifndef HS_DELEGATE_H
#define HS_DELEGATE_H

#include "engine.h"

void hs_find_group_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len);
void hs_delegate_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op, const uint8_t *in, uint32_t len);

#endif

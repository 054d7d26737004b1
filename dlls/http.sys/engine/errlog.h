/*
 * The engine's events as HTTPERR lines (httperr.h): the pages it answers
 * with itself, the connections its timers cut, the requests whose client or
 * queue went away.  Each takes what is known of the request at that point.
 */
#ifndef HS_ERRLOG_H
#define HS_ERRLOG_H

#include "engine.h"

struct hs_conn;
struct hs_cooked;

/* A request head at the start of c->in, parsed as far as hp says (its
 * method, target and version are logged when they were reached); cooked:
 * its URL, once cooked; q: the queue it was routed to.  status 0: no
 * response was sent. */
void hs_errlog_head(struct hs_conn *c, const struct hp_request *hp, const struct hs_cooked *cooked,
                    unsigned status, const char *reason, const struct hs_queue *q);
/* An event of c while req (NULL: none) is its request. */
void hs_errlog_request(struct hs_conn *c, const struct hs_request *req, unsigned status, const char *reason);

#endif

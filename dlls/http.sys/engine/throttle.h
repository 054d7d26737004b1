/*
 * Bandwidth throttling (HttpServerQosProperty with HTTP_BANDWIDTH_LIMIT_INFO):
 * one token bucket shared by every connection that sends a URL group's (or
 * a server session's) responses, and the connections waiting for it.
 */
#ifndef HS_THROTTLE_H
#define HS_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"

struct hs_engine;

/* The arithmetic, kept pure so that it can be tested without a clock. */
struct hs_rate
{
    uint32_t rate;               /* bytes per second; 0: unlimited */
    int64_t tokens;              /* bytes that may go now; negative: sent ahead */
    uint64_t stamp_ms;           /* when tokens were last brought up to date */
};

/* A new rate starts with one second's worth of bytes. */
void hs_rate_set(struct hs_rate *r, uint32_t rate, uint64_t now_ms);
/* Brings the tokens up to now; whether sending may go on. */
int hs_rate_ready(struct hs_rate *r, uint64_t now_ms);
void hs_rate_spend(struct hs_rate *r, uint64_t bytes);
/* Milliseconds until sending may go on again (at least 1). */
uint64_t hs_rate_delay_ms(const struct hs_rate *r);
/* The most one write may send: small enough to keep the rate smooth, and
 * the same for every attempt, as a TLS write that must be retried needs. */
size_t hs_rate_quantum(const struct hs_rate *r);

struct hs_throttle
{
    struct hs_rate rate;
    struct hs_timer timer;
    struct hs_engine *eng;
    uint64_t *waiting;           /* ids of the connections that wait for tokens */
    uint32_t count, cap;
};

void hs_throttle_init(struct hs_throttle *t, struct hs_engine *eng);
/* A new rate (0: unlimited); connections that waited go on. */
void hs_throttle_set(struct hs_throttle *t, uint32_t rate);
/* The connection waits until tokens come (hs_conn_unthrottle).  -1: out of
 * memory, it cannot wait and must go on unthrottled. */
int hs_throttle_wait(struct hs_throttle *t, uint64_t conn_id);
/* The owner goes away: the waiting connections go on. */
void hs_throttle_release(struct hs_throttle *t);

#endif

/*
 * HTTP Server API 2.0 server sessions and URL groups.
 *
 * A group's URLs are registered in the router from the moment they are
 * added, with the group as their owner: conflicts show at once, and a
 * request routed to a group finds out here where it goes (the group's
 * queue) or why it cannot (unbound, disabled, over the connection limit).
 * The group's and its session's properties that act on traffic live here
 * too: state, connection limit, bandwidth, W3C logging, authentication.
 */
#ifndef HS_URLGROUP_H
#define HS_URLGROUP_H

#include <stdint.h>

#include "engine.h"
#include "throttle.h"
#include "w3clog.h"

/* Router owners with this bit are URL groups; the others are queues. */
#define HS_OWNER_GROUP (1ull << 63)

struct hs_session
{
    struct hs_file *file;
    struct hs_list groups;           /* hs_group.session_link */
    uint32_t inactive;               /* HttpServerStateProperty */
    struct hs_throttle throttle;     /* bandwidth: rate 0 when not set */
    struct hs_w3c *log;              /* HttpServerLoggingProperty (W3C); NULL: none */
    uint32_t auth_present, auth_schemes;   /* HttpServerAuthenticationProperty */
    struct hs_timeouts timeouts;     /* HttpServerTimeoutsProperty; zeros: not set */
};

struct hs_group
{
    struct hs_list link;             /* engine->groups */
    struct hs_list session_link;
    struct hs_session *session;
    uint64_t id;                     /* the library's HTTP_URL_GROUP_ID */
    uint64_t key;                    /* its router owner: HS_OWNER_GROUP | n */
    struct hs_queue *queue;          /* HttpServerBindingProperty; NULL: unbound */
    uint32_t inactive;
    uint32_t max_conns;              /* UINT32_MAX: no limit */
    uint32_t conns;                  /* connections whose last request came here */
    struct hs_throttle throttle;
    struct hs_w3c *log;
    uint32_t auth_present, auth_schemes;
    struct hs_timeouts timeouts;
};

/* Where a routed request goes. */
enum hs_target
{
    HS_TARGET_QUEUE,                 /* *q takes it */
    HS_TARGET_UNAVAILABLE,           /* nothing to take it: 503 */
    HS_TARGET_REFUSED,               /* *q cannot take it: its 503 verbosity decides between a reset and a 503 */
};

/* The IOCTLs on a server session's file. */
void hs_group_ioctl(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len);
/* The session's file closed: its groups and their URLs go. */
void hs_session_destroy(struct hs_engine *eng, struct hs_session *s);
/* The queue goes away: groups bound to it are unbound. */
void hs_groups_queue_gone(struct hs_engine *eng, struct hs_queue *q);
struct hs_group *hs_group_find(struct hs_engine *eng, uint64_t key);

/* A request on c was routed to owner (a queue id or a group key); *reason:
 * the HTTPERR reason phrase of a 503 (N/A, Disabled, ConnLimit, QueueFull). */
enum hs_target hs_route_target(struct hs_engine *eng, struct hs_conn *c, uint64_t owner, struct hs_queue **q,
                               const char **reason);
/* The connection closes: it no longer counts against its group's limit. */
void hs_group_uncharge(struct hs_engine *eng, struct hs_conn *c);
/* The authentication schemes of a request's group (else its session's); 0: none. */
uint32_t hs_group_auth_schemes(struct hs_engine *eng, uint64_t key);
/* The timeouts that apply to connections whose requests go to the group
 * (key 0: none yet): the group's, else its session's, field by field;
 * zeros where neither set one. */
void hs_group_timeouts(struct hs_engine *eng, uint64_t key, struct hs_timeouts *out);
/* The W3C log of the group a request was routed to (else its session's), or NULL. */
struct hs_w3c *hs_group_log(struct hs_engine *eng, uint64_t key);
/* The bandwidth limit the connection's responses are under, or NULL. */
struct hs_throttle *hs_group_throttle(struct hs_engine *eng, struct hs_conn *c);

#endif

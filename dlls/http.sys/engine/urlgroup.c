#include <stdlib.h>
#include <string.h>

#include "urlgroup.h"
#include "conn.h"
#include "listener.h"
#include "queue.h"
#include "urlprefix.h"
#include "log.h"

#define ERROR_NOT_ENOUGH_MEMORY  8
#define ERROR_INVALID_PARAMETER  87
#define ERROR_ALREADY_EXISTS     183

#define LIMIT_NONE    0xffffffffu    /* HTTP_LIMIT_INFINITE */
#define BANDWIDTH_MIN 1024           /* HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE */

struct hs_group *hs_group_find(struct hs_engine *eng, uint64_t key)
{
    struct hs_list *cur;

    HS_LIST_FOR_EACH(cur, &eng->groups)
    {
        struct hs_group *g = HS_CONTAINER(cur, struct hs_group, link);
        if (g->key == key) return g;
    }
    return NULL;
}

static struct hs_group *session_group(struct hs_session *s, uint64_t id)
{
    struct hs_list *cur;

    HS_LIST_FOR_EACH(cur, &s->groups)
    {
        struct hs_group *g = HS_CONTAINER(cur, struct hs_group, session_link);
        if (g->id == id) return g;
    }
    return NULL;
}

/* A file becomes a session with its first group. */
static struct hs_session *session_of(struct hs_engine *eng, struct hs_file *f)
{
    struct hs_session *s;

    if (f->session) return f->session;
    if (!(s = calloc(1, sizeof(*s)))) return NULL;
    s->file = f;
    hs_list_init(&s->groups);
    hs_throttle_init(&s->throttle, eng);
    f->session = s;
    return s;
}

static void group_destroy(struct hs_engine *eng, struct hs_group *g)
{
    hs_router_remove_owner(&eng->router, g->key);
    hs_listener_release_unused(eng);
    /* unlinked first: connections that go on must not find it again */
    hs_list_remove(&g->link);
    hs_list_remove(&g->session_link);
    hs_throttle_release(&g->throttle);
    hs_w3c_free(g->log);
    free(g);
}

void hs_session_destroy(struct hs_engine *eng, struct hs_session *s)
{
    while (!hs_list_empty(&s->groups))
        group_destroy(eng, HS_CONTAINER(s->groups.next, struct hs_group, session_link));
    hs_throttle_release(&s->throttle);
    hs_w3c_free(s->log);
    s->file->session = NULL;
    free(s);
}

void hs_groups_queue_gone(struct hs_engine *eng, struct hs_queue *q)
{
    struct hs_list *cur;

    HS_LIST_FOR_EACH(cur, &eng->groups)
    {
        struct hs_group *g = HS_CONTAINER(cur, struct hs_group, link);
        if (g->queue == q) g->queue = NULL;
    }
}

/* ------------------------------------------------------------------------ */
/* IOCTLs                                                                    */
/* ------------------------------------------------------------------------ */

static uint32_t group_create(struct hs_engine *eng, struct hs_session *s, uint64_t id)
{
    struct hs_group *g;

    if (!id) return ERROR_INVALID_PARAMETER;
    if (session_group(s, id)) return ERROR_ALREADY_EXISTS;
    if (!(g = calloc(1, sizeof(*g)))) return ERROR_NOT_ENOUGH_MEMORY;
    g->session = s;
    g->id = id;
    g->key = HS_OWNER_GROUP | ++eng->next_group_key;
    g->max_conns = LIMIT_NONE;
    hs_throttle_init(&g->throttle, eng);
    hs_list_add_tail(&eng->groups, &g->link);
    hs_list_add_tail(&s->groups, &g->session_link);
    TRACE("group %#llx of session file %llu", (unsigned long long)id, (unsigned long long)s->file->id);
    return 0;
}

static uint32_t group_url(struct hs_engine *eng, struct hs_group *g, uint32_t code, const uint8_t *in, uint32_t len)
{
    struct hs_url_params p;
    struct hs_prefix prefix;
    uint32_t err;

    if (len < sizeof(p)) return ERROR_INVALID_PARAMETER;
    memcpy(&p, in, sizeof(p));
    if (p.url_len > len - sizeof(p)) return ERROR_INVALID_PARAMETER;
    if ((err = (uint32_t)hs_prefix_parse((const char *)in + sizeof(p), p.url_len, &prefix))) return err;
    if (code == HS_IOCTL_GROUP_REMOVE_URL)
    {
        if (!(err = (uint32_t)hs_router_remove(&eng->router, &prefix, g->key))) hs_listener_release_unused(eng);
    }
    else if (!(err = (uint32_t)hs_router_add(&eng->router, &prefix, g->key, p.context)) &&
             (err = hs_listener_ensure(eng, prefix.port, prefix.secure)))
        hs_router_remove(&eng->router, &prefix, g->key);
    hs_prefix_free(&prefix);
    return err;
}

/* Only a queue of the session's own process: what a handle to it proves on
 * Windows. */
static uint32_t group_bind(struct hs_engine *eng, struct hs_session *s, const uint8_t *in, uint32_t len)
{
    struct hs_group_bind b;
    struct hs_group *g;
    struct hs_queue *q = NULL;
    struct hs_list *cur;

    if (len < sizeof(b)) return ERROR_INVALID_PARAMETER;
    memcpy(&b, in, sizeof(b));
    if (!(g = session_group(s, b.group))) return ERROR_INVALID_PARAMETER;
    if (b.queue_id)
    {
        int mine = 0;

        if (!(q = hs_queue_by_id(eng, b.queue_id))) return ERROR_INVALID_PARAMETER;
        HS_LIST_FOR_EACH(cur, &q->files)
            if (HS_CONTAINER(cur, struct hs_file, queue_link)->pid == s->file->pid) mine = 1;
        if (!mine) return ERROR_INVALID_PARAMETER;
    }
    g->queue = q;
    return 0;
}

static uint32_t set_property(struct hs_session *s, const uint8_t *in, uint32_t len)
{
    struct hs_server_property p;
    struct hs_group *g = NULL;
    struct hs_throttle *t;
    struct hs_w3c **log, *fresh = NULL;
    uint32_t *inactive, err;

    if (len < sizeof(p)) return ERROR_INVALID_PARAMETER;
    memcpy(&p, in, sizeof(p));
    if (p.data_len > len - sizeof(p)) return ERROR_INVALID_PARAMETER;
    if (p.group && !(g = session_group(s, p.group))) return ERROR_INVALID_PARAMETER;
    switch (p.property)
    {
    case HS_SPROP_STATE:
        if (p.present && p.value > 1) return ERROR_INVALID_PARAMETER;
        inactive = g ? &g->inactive : &s->inactive;
        *inactive = p.present && p.value == 1 /* HttpEnabledStateInactive */;
        return 0;
    case HS_SPROP_CONN_LIMIT:
        if (!g) return ERROR_INVALID_PARAMETER;
        g->max_conns = p.present ? p.value : LIMIT_NONE;
        return 0;
    case HS_SPROP_BANDWIDTH:
        if (p.present && p.value != LIMIT_NONE && p.value < BANDWIDTH_MIN) return ERROR_INVALID_PARAMETER;
        t = g ? &g->throttle : &s->throttle;
        hs_throttle_set(t, p.present && p.value != LIMIT_NONE ? p.value : 0);
        return 0;
    case HS_SPROP_AUTH:
        if (g) g->auth_present = p.present, g->auth_schemes = p.present ? p.value : 0;
        else s->auth_present = p.present, s->auth_schemes = p.present ? p.value : 0;
        return 0;
    case HS_SPROP_TIMEOUTS:
    {
        struct hs_timeouts *t = g ? &g->timeouts : &s->timeouts;
        if (!p.present) memset(t, 0, sizeof(*t));
        else if (p.data_len < sizeof(*t)) return ERROR_INVALID_PARAMETER;
        else memcpy(t, in + sizeof(p), sizeof(*t));
        return 0;
    }
    case HS_SPROP_LOGGING:
        if (p.present && (err = hs_w3c_new(in + sizeof(p), p.data_len, &fresh))) return err;
        log = g ? &g->log : &s->log;
        hs_w3c_free(*log);
        *log = fresh;
        return 0;
    }
    return ERROR_INVALID_PARAMETER;
}

void hs_group_ioctl(struct hs_engine *eng, struct hs_op *op, const uint8_t *in, uint32_t len)
{
    struct hs_group_params gp;
    struct hs_session *s;
    struct hs_group *g;
    uint32_t err;

    /* a queue's handle is no session */
    if (op->file->queue || len < sizeof(gp)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    if (!(s = session_of(eng, op->file))) { hs_engine_complete(eng, op, ERROR_NOT_ENOUGH_MEMORY, 0, NULL, 0); return; }
    memcpy(&gp, in, sizeof(gp));
    g = session_group(s, gp.group);
    switch (op->code)
    {
    case HS_IOCTL_GROUP_CREATE:
        err = group_create(eng, s, gp.group);
        break;
    case HS_IOCTL_GROUP_CLOSE:
        if ((err = g ? 0 : ERROR_INVALID_PARAMETER)) break;
        group_destroy(eng, g);
        break;
    case HS_IOCTL_GROUP_ADD_URL:
    case HS_IOCTL_GROUP_REMOVE_URL:
        err = g ? group_url(eng, g, op->code, in + sizeof(gp), len - sizeof(gp)) : ERROR_INVALID_PARAMETER;
        break;
    case HS_IOCTL_GROUP_BIND:
        err = group_bind(eng, s, in, len);
        break;
    default:   /* HS_IOCTL_SERVER_PROPERTY */
        err = set_property(s, in, len);
        break;
    }
    hs_engine_complete(eng, op, err, 0, NULL, 0);
}

/* ------------------------------------------------------------------------ */
/* requests                                                                  */
/* ------------------------------------------------------------------------ */

void hs_group_uncharge(struct hs_engine *eng, struct hs_conn *c)
{
    struct hs_group *g;

    if (!c->group_key) return;
    if ((g = hs_group_find(eng, c->group_key)) && g->conns) g->conns--;
    c->group_key = 0;
}

/* A connection counts against the group its latest request went to, until
 * it closes or a request goes elsewhere. */
static void charge(struct hs_engine *eng, struct hs_conn *c, struct hs_group *g)
{
    if (c->group_key == g->key) return;
    hs_group_uncharge(eng, c);
    g->conns++;
    c->group_key = g->key;
}

enum hs_target hs_route_target(struct hs_engine *eng, struct hs_conn *c, uint64_t owner, struct hs_queue **q,
                               const char **reason)
{
    struct hs_group *g;

    *q = NULL;
    *reason = "N/A";
    if (!(owner & HS_OWNER_GROUP))
    {
        hs_group_uncharge(eng, c);
        if (!(*q = hs_queue_by_id(eng, owner))) return HS_TARGET_UNAVAILABLE;
        if ((*q)->disabled) *reason = "Disabled";
        else if (hs_queue_full(*q)) *reason = "QueueFull";
        else return HS_TARGET_QUEUE;
        return HS_TARGET_REFUSED;
    }
    /* a group that no queue serves: 503, there is no verbosity to ask */
    if (!(g = hs_group_find(eng, owner)) || !g->queue) return HS_TARGET_UNAVAILABLE;
    *q = g->queue;
    /* a disabled session takes all its groups offline, whatever their own state */
    *reason = "Disabled";
    if (g->inactive || g->session->inactive || (*q)->disabled) return HS_TARGET_REFUSED;
    if (c->group_key != g->key && g->conns >= g->max_conns)
    {
        TRACE("connection %llu: group %#llx has its %u connections", (unsigned long long)c->id,
              (unsigned long long)g->id, g->max_conns);
        *reason = "ConnLimit";
        return HS_TARGET_REFUSED;
    }
    *reason = "QueueFull";
    if (hs_queue_full(*q)) return HS_TARGET_REFUSED;
    charge(eng, c, g);
    return HS_TARGET_QUEUE;
}

uint32_t hs_group_auth_schemes(struct hs_engine *eng, uint64_t key)
{
    struct hs_group *g;

    if (!key || !(g = hs_group_find(eng, key))) return 0;
    return g->auth_present ? g->auth_schemes : g->session->auth_schemes;
}

struct hs_w3c *hs_group_log(struct hs_engine *eng, uint64_t key)
{
    struct hs_group *g;

    if (!key || !(g = hs_group_find(eng, key))) return NULL;
    return g->log ? g->log : g->session->log;
}

struct hs_throttle *hs_group_throttle(struct hs_engine *eng, struct hs_conn *c)
{
    struct hs_group *g;

    if (!c->group_key || !(g = hs_group_find(eng, c->group_key))) return NULL;
    if (g->throttle.rate.rate) return &g->throttle;
    if (g->session->throttle.rate.rate) return &g->session->throttle;
    return NULL;
}

void hs_group_timeouts(struct hs_engine *eng, uint64_t key, struct hs_timeouts *out)
{
    const struct hs_timeouts *g, *s;
    struct hs_group *group;

    memset(out, 0, sizeof(*out));
    if (!key || !(group = hs_group_find(eng, key))) return;
    g = &group->timeouts;
    s = &group->session->timeouts;
    out->entity_body = g->entity_body ? g->entity_body : s->entity_body;
    out->drain_entity_body = g->drain_entity_body ? g->drain_entity_body : s->drain_entity_body;
    out->request_queue = g->request_queue ? g->request_queue : s->request_queue;
    out->idle_connection = g->idle_connection ? g->idle_connection : s->idle_connection;
    out->header_wait = g->header_wait ? g->header_wait : s->header_wait;
    out->min_send_rate = g->min_send_rate ? g->min_send_rate : s->min_send_rate;
}

/*
 * The engine's objects and how they hang together.
 *
 *   file     a handle the driver saw opened on its device (one per
 *            HttpCreateHttpHandle / HttpCreateRequestQueue /
 *            HttpCreateServerSession);
 *   session  a server session and its URL groups (urlgroup.h);
 *   queue    a request queue: its URL registrations, its shared memory,
 *            the requests waiting for it and the receives waiting on it;
 *   op       an IRP the driver relayed, until the engine completes it;
 *   conn     a client TCP connection;
 *   request  one HTTP request on a connection, from its head to the end of
 *            its response.
 */
#ifndef HS_ENGINE_H
#define HS_ENGINE_H

#include <stdint.h>
#include <sys/socket.h>

#include "httpsys_proto.h"
#include "config.h"
#include "evloop.h"
#include "list.h"
#include "router.h"
#include "http_parse.h"
#include "chunked.h"
#include "records.h"

struct hs_control;
struct hs_cache;
struct hs_httperr;
struct hs_shmq;
struct hs_conn;
struct hs_queue;
struct hs_session;

struct hs_file
{
    uint64_t id;
    uint32_t pid;
    uint32_t flags;                  /* HS_QNAME_CONTROLLER / HS_QNAME_DELEGATION it was opened with */
    struct hs_queue *queue;
    struct hs_session *session;      /* a server session's file: its groups */
    struct hs_list link;             /* engine->files */
    struct hs_list queue_link;       /* queue->files */
};

struct hs_op
{
    uint64_t id;
    struct hs_file *file;
    uint32_t code, out_size;
    struct hs_list link;             /* engine->pending_ops */
    struct hs_list wait_link;        /* whatever it waits on */
    void (*cancel)(struct hs_op *op); /* unlinks it from what it waits on */
    void *cancel_ctx;
    union
    {
        struct hs_receive_params recv;
        struct hs_body_params body;
        struct hs_client_cert_params cert;
    } p;
};

enum hs_req_state
{
    RS_READY,        /* routed, waiting for a receiver (queue->ready) */
    RS_PUBLISHED,    /* in the queue's request ring */
    RS_BOUND,        /* a receive got ERROR_MORE_DATA: only a receive by id gets it */
    RS_DELIVERED,    /* the application has it */
};

struct hs_request
{
    struct hs_engine *eng;
    uint64_t id;
    uint32_t slot;
    enum hs_req_state state;
    struct hs_queue *queue;
    struct hs_conn *conn;            /* NULL once the connection is gone */
    struct hs_list link;             /* queue->ready */
    uint64_t ring_pos;               /* record position while RS_PUBLISHED */

    uint8_t *wire;                   /* the request without body, in wire form */
    uint32_t wire_len;
    uint64_t url_context;
    int verb;
    int is_head;                     /* HEAD: a response never carries a body */
    int http10;                      /* HTTP/1.0 client */
    int keep_alive;                  /* what the client asked for */
    uint64_t head_bytes;

    /* entity body, decoded, not yet consumed by the application */
    uint8_t *body;
    size_t body_len, body_cap;
    uint64_t body_total;             /* decoded body bytes received so far */
    int body_complete;               /* the whole body has arrived */
    int body_failed;                 /* the connection went away mid-body */
    struct hs_list body_waiters;     /* pending HttpReceiveRequestEntityBody */

    /* response */
    int headers_sent;
    int final_sent;
    int close_after;                 /* close the connection after the response */
    int response_unframed;           /* no length: the end of the connection ends it */
    uint64_t response_bytes;
    int owed;                        /* handed to a waiting receive; the server has not acted on it yet */

    /* W3C logging (HttpServerLoggingProperty) */
    uint64_t group_key;              /* the URL group it was routed to; 0: a v1 queue's */
    uint64_t start_ms;
    uint16_t status;                 /* of the response, once its head is sent */
    uint8_t *log;                    /* the application's pLogData: hs_wire_log and its strings */
};

struct hs_queue
{
    uint64_t id;
    uint32_t image;                  /* HS_IMAGE_V1 / V2 */
    struct hs_list link;             /* engine->queues */
    struct hs_list files;
    struct hs_list ready;            /* RS_READY requests, oldest first */
    struct hs_list published;        /* RS_PUBLISHED requests, in ring order */
    struct hs_list deferred;         /* sends waiting for the response ring to drain */
    struct hs_list waiters;          /* pending receives for HTTP_NULL_ID */
    struct hs_shmq *shm;
    struct hs_request **slots;       /* HS_SLOT_COUNT entries */
    uint32_t *free_slots;
    uint32_t free_count;
    uint32_t url_count;
    uint32_t max_waiting;            /* QueueLength: requests no receive has taken yet */
    uint32_t verbosity;              /* 503Verbosity: what a request beyond that gets */
    uint32_t disabled;               /* HttpServerStateProperty inactive: requests are refused */
    uint64_t ring_active_ms;         /* when servers last used the rings (queue.c) */
    uint64_t ring_wait_ms;           /* since when requests wait in the ring untaken */
    struct hs_timer handover;        /* wakes the loop to hand ring requests to waiting receives */
    char *name;                      /* HttpCreateRequestQueue's name (UTF-8), or NULL */
    uint32_t controller_pid;         /* the process that created it as controller, or 0 */
    uint8_t *sd;                     /* its creator's security descriptor, opaque (HS_QNAME_SD), or NULL */
    uint32_t sd_len;
    struct hs_list demand_waiters;   /* HttpWaitForDemandStart (at most one) */
};

struct hs_listener
{
    struct hs_ev_handler ev;
    struct hs_timer pause;           /* accepting paused: out of descriptors */
    struct hs_engine *eng;
    int fd;
    uint16_t port;
    int family;
    struct sockaddr_storage addr;    /* bound address */
    int secure;
    struct hs_list link;
};

struct hs_engine
{
    struct hs_config cfg;
    struct hs_records records;       /* from the configuration store */
    struct hs_evloop *loop;
    struct hs_router router;
    char rundir[512];
    struct hs_control *ctl;
    struct hs_list files, queues, listeners, conns, pending_ops, graveyard;
    struct hs_list groups;           /* every URL group (urlgroup.c) */
    uint64_t next_group_key;
    struct hs_list runq;             /* connections with input to look at again */
    uint64_t next_conn_id, next_request_seq, next_queue_id;
    uint32_t conn_count;
    int doorbell_fd;
    struct hs_ev_handler doorbell_ev;
    int shutting_down;
    int done;
    struct ssl_ctx_st *tls_ctx;      /* TLS policy shared by https connections (tls.c) */
    struct hs_list certs;            /* certificates of SSL bindings (certs.c) */
    uint64_t next_cert_op;
    struct hs_timer heap_trim;       /* gives freed memory back after activity (engine.c) */
    struct hs_conn **conn_buckets;   /* live connections by id (conntable.c) */
    uint32_t conn_bucket_count, conn_indexed;
    struct hs_cache *cache;          /* fragments and responses (cachectl.c); NULL until the first */
    struct hs_timer cache_scavenger; /* UriScavengerPeriod */
    struct hs_httperr *httperr;      /* the HTTPERR log (errlog.h); NULL: not written */
    uint32_t hello_count;            /* ClientHellos kept for HttpRequestPropertyTlsClientHello (tls.c) */
    uint64_t hello_bytes;            /* and their bytes */
    struct hs_logon *logon;          /* Basic logons' workers (logon.c); NULL until the first */
};

/* engine.c */
void hs_engine_tune_allocator(void);   /* once, at start: keeps the heap from shrinking and growing */
/* After each pass of the event loop: events is what hs_evloop_run_once returned. */
void hs_engine_after_events(struct hs_engine *eng, int events);
void hs_engine_complete(struct hs_engine *eng, struct hs_op *op, uint32_t error,
                        uint64_t info, const void *data, uint32_t len);
/* The same, for a request image with an AccessToken for the driver to fill
 * in at token_at (hs_image_result.token_at; 0: none). */
void hs_engine_complete_token(struct hs_engine *eng, struct hs_op *op, uint32_t error,
                              uint64_t info, const void *data, uint32_t len, uint32_t token_at);
void hs_engine_pend(struct hs_engine *eng, struct hs_op *op, struct hs_list *waitlist,
                    void (*cancel)(struct hs_op *op));
struct hs_file *hs_engine_find_file(struct hs_engine *eng, uint64_t id);
/* Empties the engine's lists and router: the first step of every engine
 * (the service, the bench, the fuzz harness). */
void hs_engine_init_lists(struct hs_engine *eng);
void hs_engine_shutdown(struct hs_engine *eng);
/* Replaces the configuration records; returns a Win32 error. */
uint32_t hs_engine_apply_records(struct hs_engine *eng, const char *text, size_t len);

#endif

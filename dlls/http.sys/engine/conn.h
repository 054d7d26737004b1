/*
 * Client connections: reading and parsing requests, feeding entity bodies,
 * writing responses, persistence, and the responses http.sys makes itself.
 */
#ifndef HS_CONN_H
#define HS_CONN_H

#include <stdint.h>
#include <netinet/in.h>
#include "engine.h"
#include "buf.h"

/* A file chunk waiting to go out, in order with the memory bytes of out. */
struct hs_out_file
{
    struct hs_list link;              /* conn->out_files */
    int fd;
    size_t mark;                      /* it goes when out_pos reaches this index of out */
    uint64_t offset, left;
};

/* Every connection keeps two addresses: room for IPv4 and IPv6 only, not
 * sockaddr_storage's 128 bytes. */
union hs_sockaddr
{
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
};

struct hs_conn
{
    struct hs_ev_handler ev;
    struct hs_engine *eng;
    int secure;                       /* arrived on an https port */
    struct hs_tls_conn *tls;          /* TLS state, on an https port */
    int fd;
    uint64_t id;
    union hs_sockaddr local, remote;
    struct hs_list link;              /* eng->conns, then eng->graveyard */
    struct hs_list run_link;          /* eng->runq */
    uint64_t drain_budget;            /* body bytes we still discard for a finished request */
    struct hs_buf in;                 /* received, not yet parsed or fed */
    struct hs_buf out;                /* to be written */
    size_t out_pos;
    struct hs_list out_files;         /* struct hs_out_file, oldest first */
    struct hs_request *req;           /* the request being served */
    uint64_t group_key;               /* the URL group it counts against (urlgroup.c); 0: none */
    uint64_t body_left;               /* Content-Length bytes still to come */
    struct hp_chunked *chunked;       /* the decoder, while a chunked body arrives */
    uint32_t ev_mask;                 /* the events registered with epoll now */
    /* flags; bits rather than ints because every idle connection keeps them */
    unsigned in_body : 1;             /* the current request's body is still arriving */
    unsigned read_eof : 1, read_paused : 1, closing : 1, dead : 1;
    unsigned rdhup_seen : 1;          /* the client shut its side (EPOLLRDHUP) */
    unsigned indexed : 1;             /* in the table of connections by id */
    unsigned opaque : 1;              /* upgraded (OPAQUE): input is the request's body until EOF */
    unsigned phase : 3;               /* which timer runs (conntimer.c) */
    unsigned coalesce : 1;            /* writes wait for the next turn of the loop (BUFFER_DATA) */
    unsigned nagle : 1;               /* TCP_NODELAY is off (ENABLE_NAGLING) */
    unsigned throttled : 1;           /* waits for its group's bandwidth (throttle.c) */
    unsigned dscp_set : 1;            /* a request set HttpRequestPropertyDscpTag on the socket */
    uint16_t idle_timeout_s;          /* HttpRequestPropertyTransportIdleConnectionTimeout; 0: none */
    struct hs_conn *bucket_next;      /* the next in its bucket of that table */
    struct hs_list disconnect_waiters; /* pending HttpWaitForDisconnect calls */
    uint64_t accepted_ms;             /* hs_now_ms() at accept: TCP_INFO's ConnectionTimeMs */
    uint64_t mark_ms;                 /* when the running timer's phase began (conntimer.c) */
    struct hs_timer timer;
    struct hs_logon_memo *logon;      /* Basic credentials checked, or being checked (logon.c) */
};

void hs_conn_accept(struct hs_listener *lst, int fd);
/* Queues bytes; closes the connection after them when close_after is set. */
void hs_conn_write(struct hs_conn *c, const void *data, size_t len);
/* Queues length bytes of an open file (the connection owns fd from now on). */
void hs_conn_write_file(struct hs_conn *c, int fd, uint64_t offset, uint64_t length);
/* HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA: while on, bytes written wait for the
 * next turn of the event loop (or a final write), so that small sends that
 * come together leave in one system call instead of one each. */
void hs_conn_coalesce(struct hs_conn *c, int on);
/* HTTP_SEND_RESPONSE_FLAG_ENABLE_NAGLING: Nagle's algorithm for what is sent
 * now; connections otherwise run with TCP_NODELAY, as http.sys does. */
void hs_conn_set_nagle(struct hs_conn *c, int on);
/* An address as text, an IPv4-mapped IPv6 one as the IPv4 address it is;
 * returns buf (cap: INET6_ADDRSTRLEN is enough). */
const char *hs_addr_text(const union hs_sockaddr *a, char *buf, size_t cap);
/* HttpRequestPropertyDscpTag: the DSCP (0-63) of what the socket sends from
 * now on; 0 on success, else an errno. */
int hs_conn_set_dscp(struct hs_conn *c, unsigned dscp);
/* The request no longer needs the connection: move on to the next one. */
void hs_conn_request_done(struct hs_conn *c, int close_after);
/* Re-examine buffered input (e.g. the application consumed body bytes). */
void hs_conn_resume(struct hs_conn *c);
void hs_conn_close(struct hs_conn *c);
/* After a 101 sent with OPAQUE: everything the client sends from now on is
 * the request's entity body, until it closes its side. */
void hs_conn_go_opaque(struct hs_conn *c);
/* Whether the client closed its side (or the connection is gone). */
int hs_conn_peer_left(const struct hs_conn *c);
/* Its bandwidth has tokens again (or no limit any more): sending goes on. */
void hs_conn_unthrottle(struct hs_conn *c);
/* Closes with a reset (RST), not a FIN: what an aborted request gets. */
void hs_conn_reset(struct hs_conn *c);
/* "C <id> <request 0|1> <input buffer bytes> <output buffer bytes>\n" */
void hs_conn_describe(const struct hs_conn *c, char *line, size_t cap);
void hs_conn_reap_graveyard(struct hs_engine *eng);
/* The TLS handshake can go on (its certificate arrived). */
void hs_conn_tls_continue(struct hs_conn *c);
/* Processes the connections hs_conn_resume scheduled. */
void hs_conn_run_queue(struct hs_engine *eng);

#endif

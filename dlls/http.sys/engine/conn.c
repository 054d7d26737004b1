#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include "conntable.h"
#include "conn.h"
#include "conntimer.h"
#include "cachectl.h"
#include "clientcert.h"
#include "request.h"
#include "queue.h"
#include "cookurl.h"
#include "errpage.h"
#include "errlog.h"
#include "wire.h"
#include "log.h"
#include "tls.h"
#include "tlsinfo.h"
#include "urlgroup.h"
#include "auth.h"
#include "logon.h"

#define READ_CHUNK        16384
#define DRAIN_LIMIT       (1u << 20)  /* unread body discarded before giving up on a connection */
#define LINGER_MS         2000
#define COALESCE_LIMIT    (64u << 10) /* bytes a BUFFER_DATA send may hold back */
#define OUT_HIGH_WATER    (1u << 20)  /* unsent bytes beyond which pipelined requests wait */

static void conn_event(struct hs_ev_handler *h, uint32_t events);

static void process(struct hs_conn *c);
static void read_input(struct hs_conn *c);
static void end_body(struct hs_conn *c);

static void update_events(struct hs_conn *c)
{
    /* EPOLLRDHUP is level-triggered: once seen it is not asked for again,
     * or a client that half-closed while its request is served would wake
     * the loop without end */
    uint32_t ev = c->rdhup_seen ? 0 : EPOLLRDHUP;
    const struct hs_tls_conn *t = c->tls;

    if (c->dead) return;
    /* nothing to do until a certificate being fetched comes */
    if (!t || !t->waiting_cert)
    {
        if (!c->read_paused && !c->read_eof) ev |= EPOLLIN;
        if ((c->out.len > c->out_pos || !hs_list_empty(&c->out_files)) && !c->throttled) ev |= EPOLLOUT;
        if (t && t->read_wants_write) ev |= EPOLLOUT;
        if (t && t->write_wants_read) ev |= EPOLLIN;
    }
    /* most calls change nothing: spare the system call */
    if (ev == c->ev_mask) return;
    if (!hs_ev_mod(c->eng->loop, c->fd, ev, &c->ev)) c->ev_mask = ev;
}

/* The transport: the socket, or TLS over it. */
static ssize_t conn_recv(struct hs_conn *c, void *buf, size_t len)
{
    if (c->tls) return hs_tls_read(c, buf, len);
    return recv(c->fd, buf, len, 0);
}

static ssize_t conn_send(struct hs_conn *c, const void *buf, size_t len)
{
    if (c->tls) return hs_tls_write(c, buf, len);
    return send(c->fd, buf, len, MSG_NOSIGNAL);
}

static void timer_fired(struct hs_timer *t)
{
    hs_conn_timer_fired(HS_CONTAINER(t, struct hs_conn, timer));
}

void hs_conn_accept(struct hs_listener *lst, int fd)
{
    struct hs_engine *eng = lst->eng;
    struct hs_conn *c;
    socklen_t len;
    int one = 1;

    if (eng->conn_count >= eng->cfg.max_connections || eng->shutting_down || !(c = calloc(1, sizeof(*c))))
    {
        close(fd);
        return;
    }
    c->eng = eng;
    c->secure = lst->secure;
    c->fd = fd;
    c->id = ++eng->next_conn_id;
    c->accepted_ms = hs_now_ms();
    c->ev.fn = conn_event;
    c->timer.fn = timer_fired;
    hs_list_init(&c->run_link);
    hs_list_init(&c->out_files);
    hs_list_init(&c->disconnect_waiters);
    len = sizeof(c->local);
    getsockname(fd, &c->local.sa, &len);
    len = sizeof(c->remote);
    getpeername(fd, &c->remote.sa, &len);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (hs_conn_table_add(eng, c) || (c->secure && hs_tls_conn_start(c)))
    {
        hs_conn_table_remove(eng, c);
        close(fd);
        free(c);
        return;
    }
    hs_list_add_tail(&eng->conns, &c->link);
    eng->conn_count++;
    hs_ev_add(eng->loop, fd, EPOLLIN | EPOLLRDHUP, &c->ev);
    c->ev_mask = EPOLLIN | EPOLLRDHUP;
    hs_conn_timer_update(c, 0);   /* no request begun yet: idle */
    TRACE("connection %llu accepted on port %u", (unsigned long long)c->id, lst->port);
}

/* HttpWaitForDisconnect calls end when the client closes its side, even
 * while the engine keeps the connection to finish a response. */
static void end_disconnect_waits(struct hs_conn *c)
{
    while (!hs_list_empty(&c->disconnect_waiters))
        hs_engine_complete(c->eng, HS_CONTAINER(c->disconnect_waiters.next, struct hs_op, wait_link), 0, 0, NULL, 0);
}

void hs_conn_go_opaque(struct hs_conn *c)
{
    struct hs_request *req = c->req;

    if (!req || c->opaque) return;
    c->opaque = 1;
    end_body(c);
    c->in_body = 1;
    c->body_left = UINT64_MAX;
    req->body_complete = 0;
    hs_conn_resume(c);   /* bytes the client sent right after its request are body now */
}

int hs_conn_peer_left(const struct hs_conn *c)
{
    return c->dead || c->read_eof || c->rdhup_seen;
}

void hs_conn_close(struct hs_conn *c)
{
    struct hs_engine *eng = c->eng;

    if (c->dead) return;
    c->dead = 1;
    hs_timer_cancel(eng->loop, &c->timer);
    hs_ev_del(eng->loop, c->fd, &c->ev);
    hs_tls_close_notify(c);
    hs_tls_conn_free(c);
    close(c->fd);
    c->fd = -1;
    if (c->req) hs_request_orphan(eng, c->req);
    c->req = NULL;
    hs_logon_forget(c);
    hs_group_uncharge(eng, c);
    hs_conn_table_remove(eng, c);
    end_disconnect_waits(c);
    hs_list_remove(&c->run_link);
    hs_list_remove(&c->link);
    hs_list_add_tail(&eng->graveyard, &c->link);
    eng->conn_count--;
    TRACE("connection %llu closed", (unsigned long long)c->id);
}

void hs_conn_reset(struct hs_conn *c)
{
    struct linger now = { 1, 0 };

    if (c->dead) return;
    if (c->tls) c->tls->failed = 1;   /* no close_notify, no session kept */
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &now, sizeof(now));
    c->out.len = c->out_pos = 0;   /* nothing more goes out */
    c->closing = 1;
    hs_conn_close(c);
}

/* The client closed or reset the connection.  While the service or the
 * application held its request, that goes into the error log (KB 820729):
 * Client_Reset before a receive took the request, Connection_Dropped after. */
static void client_gone(struct hs_conn *c)
{
    const struct hs_request *req = c->req;

    if (req && !c->closing && !c->opaque && !req->final_sent)
        hs_errlog_request(c, req, 0, req->state == RS_READY || req->state == RS_PUBLISHED ? "Client_Reset"
                                                                                          : "Connection_Dropped");
    hs_conn_close(c);
}

void hs_conn_describe(const struct hs_conn *c, char *line, size_t cap)
{
    snprintf(line, cap, "C %llu %d %zu %zu\n", (unsigned long long)c->id, c->req != NULL, c->in.cap, c->out.cap);
}

void hs_conn_reap_graveyard(struct hs_engine *eng)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->graveyard)
    {
        struct hs_conn *c = HS_CONTAINER(cur, struct hs_conn, link);
        hs_list_remove(&c->link);
        hs_buf_free(&c->in);
        hs_buf_free(&c->out);
        free(c->chunked);
        while (!hs_list_empty(&c->out_files))
        {
            struct hs_out_file *f = HS_CONTAINER(c->out_files.next, struct hs_out_file, link);
            hs_list_remove(&f->link);
            close(f->fd);
            free(f);
        }
        free(c);
    }
}

/* Sends some of a file chunk: bytes sent, 0 when the file ended early, -1
 * with errno (EAGAIN: wait for the socket). */
static ssize_t send_file_part(struct hs_conn *c, struct hs_out_file *f, size_t cap)
{
    static uint8_t bounce[16384];
    size_t want = f->left > (1u << 20) ? (1u << 20) : (size_t)f->left;
    off_t off = (off_t)f->offset;
    ssize_t n;

    if (want > cap) want = cap;
    if (!c->tls) return sendfile(c->fd, f->fd, &off, want);
    if ((n = hs_tls_sendfile(c, f->fd, f->offset, want)) != -2) return n;
    /* TLS in user space: read the next record's worth and encrypt it (a
     * retried write reads the same bytes again, as OpenSSL wants) */
    if (want > sizeof(bounce)) want = sizeof(bounce);
    if ((n = pread(f->fd, bounce, want, off)) <= 0) return n < 0 ? -1 : 0;
    return hs_tls_write(c, bounce, (size_t)n);
}

/* Writes memory bytes up to the next file chunk, the chunk, and so on; at
 * most as fast as the bandwidth of the connection's URL group allows. */
static void flush_out(struct hs_conn *c)
{
    struct hs_throttle *t = c->group_key ? hs_group_throttle(c->eng, c) : NULL;
    int progress = 0;

    c->throttled = 0;
    for (;;)
    {
        struct hs_out_file *f = hs_list_empty(&c->out_files) ? NULL :
                                HS_CONTAINER(c->out_files.next, struct hs_out_file, link);
        size_t limit = f ? f->mark : c->out.len, cap = (size_t)-1;
        ssize_t n;

        if (c->out_pos == limit && !f) break;
        if (t)
        {
            if (!hs_rate_ready(&t->rate, hs_now_ms()) && !hs_throttle_wait(t, c->id))
            {
                c->throttled = 1;
                break;
            }
            cap = hs_rate_quantum(&t->rate);
        }
        if (c->out_pos < limit)
            n = conn_send(c, c->out.data + c->out_pos, limit - c->out_pos < cap ? limit - c->out_pos : cap);
        else
            n = send_file_part(c, f, cap);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            TRACE("connection %llu: send failed: %s", (unsigned long long)c->id, strerror(errno));
            client_gone(c);
            return;
        }
        if (n > 0) progress = 1;
        if (t) hs_rate_spend(&t->rate, (uint64_t)n);
        if (c->out_pos < limit) c->out_pos += (size_t)n;
        else if (n == 0)
        {
            /* the file is shorter than the response said: the body cannot be completed */
            WARN("connection %llu: a file chunk ended early", (unsigned long long)c->id);
            hs_conn_close(c);
            return;
        }
        else
        {
            f->offset += (uint64_t)n;
            f->left -= (uint64_t)n;
            if (!f->left)
            {
                hs_list_remove(&f->link);
                close(f->fd);
                free(f);
            }
        }
    }
    if (c->out_pos == c->out.len && hs_list_empty(&c->out_files))
    {
        c->out.len = c->out_pos = 0;
        if (c->closing)
        {
            /* Half-close and linger, so that data the client still sends
             * does not turn our close into a reset that loses the response. */
            hs_tls_close_notify(c);
            shutdown(c->fd, SHUT_WR);
            hs_timer_arm(c->eng->loop, &c->timer, LINGER_MS);
        }
    }
    hs_conn_timer_update(c, progress);
    update_events(c);
}

void hs_conn_unthrottle(struct hs_conn *c)
{
    if (c->dead || !c->throttled) return;
    flush_out(c);
}

void hs_conn_write_file(struct hs_conn *c, int fd, uint64_t offset, uint64_t length)
{
    struct hs_out_file *f;

    if (c->dead || !length || !(f = calloc(1, sizeof(*f))))
    {
        close(fd);
        if (!c->dead && length) hs_conn_close(c);   /* out of memory: the body cannot be completed */
        return;
    }
    f->fd = fd;
    f->mark = c->out.len;
    f->offset = offset;
    f->left = length;
    hs_list_add_tail(&c->out_files, &f->link);
    flush_out(c);
}

void hs_conn_write(struct hs_conn *c, const void *data, size_t len)
{
    if (c->dead || !len) return;
    hs_buf_add(&c->out, data, len);
    if (c->out.failed)
    {
        hs_conn_close(c);
        return;
    }
    /* held back: EPOLLOUT brings the loop back to send it all at once */
    if (c->coalesce && c->out.len - c->out_pos < COALESCE_LIMIT) update_events(c);
    else flush_out(c);
}

void hs_conn_coalesce(struct hs_conn *c, int on)
{
    c->coalesce = !!on;
}

void hs_conn_set_nagle(struct hs_conn *c, int on)
{
    int nodelay = !on;

    if (c->dead || c->nagle == !!on) return;
    /* turning TCP_NODELAY back on also pushes out a segment Nagle held */
    if (!setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof(nodelay))) c->nagle = !!on;
}

const char *hs_addr_text(const union hs_sockaddr *a, char *buf, size_t cap)
{
    if (a->sa.sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr))
        inet_ntop(AF_INET, a->in6.sin6_addr.s6_addr + 12, buf, (socklen_t)cap);
    else if (a->sa.sa_family == AF_INET6) inet_ntop(AF_INET6, &a->in6.sin6_addr, buf, (socklen_t)cap);
    else inet_ntop(AF_INET, &a->in4.sin_addr, buf, (socklen_t)cap);
    return buf;
}

int hs_conn_set_dscp(struct hs_conn *c, unsigned dscp)
{
    int tos = (int)(dscp << 2);   /* the DS field's upper six bits; ECN's two stay the kernel's */
    int ret;

    if (c->dead) return EPIPE;
    if (c->local.sa.sa_family == AF_INET6) ret = setsockopt(c->fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
    else ret = setsockopt(c->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
    if (ret) return errno;
    c->dscp_set = dscp != 0;
    return 0;
}

/* Answers with a page http.sys generates itself, then closes (KB 820729). */
static void send_error(struct hs_conn *c, enum hs_page page)
{
    char buf[2048], date[32];
    size_t n;

    hs_http_date(time(NULL), date);
    n = hs_error_response(buf, sizeof(buf), page, date, c->eng->cfg.disable_server_header != 1);
    c->closing = 1;
    c->in.len = 0;
    c->in_body = 0;
    if (n && n <= sizeof(buf)) hs_conn_write(c, buf, n);
    else flush_out(c);
}

void hs_conn_resume(struct hs_conn *c)
{
    if (c->dead || hs_list_linked(&c->run_link)) return;
    hs_list_add_tail(&c->eng->runq, &c->run_link);
}

void hs_conn_run_queue(struct hs_engine *eng)
{
    while (!hs_list_empty(&eng->runq))
    {
        struct hs_conn *c = HS_CONTAINER(eng->runq.next, struct hs_conn, run_link);
        hs_list_remove(&c->run_link);
        process(c);
    }
}

void hs_conn_request_done(struct hs_conn *c, int close_after)
{
    struct hs_request *req = c->req;

    if (req) hs_request_free(req);
    c->req = NULL;
    hs_conn_set_nagle(c, 0);   /* ENABLE_NAGLING lasts one send at most, never into the next response */
    if (close_after)
    {
        c->closing = 1;
        c->in.len = 0;
        c->in_body = 0;
        flush_out(c);
        return;
    }
    /* The rest of an unread body is discarded, within reason: beyond that,
     * the connection is closed rather than risk reading body as a request. */
    if (c->in_body)
    {
        if (!c->chunked && c->body_left > DRAIN_LIMIT)
        {
            c->closing = 1;
            c->in.len = 0;
            c->in_body = 0;
            flush_out(c);
            return;
        }
        c->drain_budget = DRAIN_LIMIT;
    }
    hs_conn_resume(c);
}

/* The request's body has all arrived (or will not be read). */
static void end_body(struct hs_conn *c)
{
    c->in_body = 0;
    free(c->chunked);
    c->chunked = NULL;
}

/* Moves body bytes from the input buffer to the request (or discards them
 * once the request has been answered).  Returns 0 when it has to wait. */
static int feed_body(struct hs_conn *c)
{
    struct hs_request *req = c->req;
    size_t consumed, produced;
    int done = 0;

    if (req && req->body_len >= HS_BODY_HIGH_WATER) return 0;   /* the application is behind */
    if (!c->in.len) return 0;
    if (!c->chunked)
    {
        consumed = produced = c->in.len < c->body_left ? c->in.len : (size_t)c->body_left;
        c->body_left -= consumed;
        done = c->body_left == 0;
    }
    else
    {
        enum hp_error err = HP_ERR_NONE;
        enum hp_status st = hp_chunked_decode(c->chunked, (char *)c->in.data, c->in.len, &consumed, &produced, &err);
        if (st == HP_ERROR)
        {
            enum hs_page page = hs_page_for_error(err);
            hs_errlog_request(c, req, hs_page_status(page), hs_page_reason(page));
            send_error(c, page);
            return 0;
        }
        done = st == HP_OK;
    }
    if (req)
    {
        if (produced)
        {
            struct hs_buf b = { req->body, req->body_len, req->body_cap, 0 };
            hs_buf_add(&b, c->in.data, produced);
            if (b.failed) { hs_conn_close(c); return 0; }
            req->body = b.data;
            req->body_len = b.len;
            req->body_cap = b.cap;
            req->body_total += produced;
            hs_conn_timer_update(c, 1);
        }
        if (done) req->body_complete = 1;
    }
    else if (produced > c->drain_budget)
    {
        hs_conn_close(c);
        return 0;
    }
    else c->drain_budget -= produced;
    hs_buf_consume(&c->in, consumed);
    if (done) end_body(c);
    if (req && (produced || done)) hs_request_body_event(c->eng, req);
    return 1;
}

static void strip_port(const char *host, size_t len, size_t *out_len)
{
    size_t i = len;

    if (len && host[0] == '[')
    {
        const char *end = memchr(host, ']', len);
        *out_len = end ? (size_t)(end - host) + 1 : len;
        return;
    }
    while (i > 0 && host[i - 1] >= '0' && host[i - 1] <= '9') i--;
    *out_len = (i > 0 && host[i - 1] == ':') ? i - 1 : len;
}

static uint16_t local_port(const struct hs_conn *c)
{
    if (c->local.sa.sa_family == AF_INET6) return ntohs(c->local.in6.sin6_port);
    return ntohs(c->local.in4.sin_port);
}

static void local_ip(const struct hs_conn *c, uint8_t ip[16], int *family)
{
    if (c->local.sa.sa_family == AF_INET6)
    {
        const struct in6_addr *a = &c->local.in6.sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) { memcpy(ip, a->s6_addr + 12, 4); *family = 4; }
        else { memcpy(ip, a->s6_addr, 16); *family = 6; }
    }
    else
    {
        memcpy(ip, &c->local.in4.sin_addr, 4);
        *family = 4;
    }
}

static void local_ip_text(const struct hs_conn *c, char *out, size_t cap)
{
    uint8_t ip[16];
    int family;
    char text[INET6_ADDRSTRLEN];

    local_ip(c, ip, &family);
    inet_ntop(family == 6 ? AF_INET6 : AF_INET, ip, text, sizeof(text));
    snprintf(out, cap, family == 6 ? "[%s]" : "%s", text);
}

static enum hs_page page_for_cook_error(int err)
{
    switch (err)
    {
    case HS_COOK_E_HOST: return HS_PAGE_INVALID_HOSTNAME;
    case HS_COOK_E_TOO_LONG: return HS_PAGE_URL_TOO_LONG;
    case HS_COOK_E_NOMEM: return HS_PAGE_INTERNAL_ERROR;
    default: return HS_PAGE_INVALID_URL;
    }
}

/* The response cache had the answer to the request whose head is at the
 * start of the input: it goes out, and the connection moves on. */
static void answer_cached(struct hs_conn *c, const struct hp_request *hp, struct hs_buf *response, int close_after)
{
    hs_buf_consume(&c->in, hp->head_len);
    hs_timer_cancel(c->eng->loop, &c->timer);
    if (close_after)
    {
        c->closing = 1;
        c->in.len = 0;
    }
    hs_conn_write(c, response->data, response->len);
    hs_buf_free(response);
}

/* Answers a request head with a page of its own and logs it (KB 820729). */
static void refuse(struct hs_conn *c, const struct hp_request *hp, const struct hs_cooked *cooked,
                   enum hs_page page, const char *reason, const struct hs_queue *q)
{
    hs_errlog_head(c, hp, cooked, hs_page_status(page), reason ? reason : hs_page_reason(page), q);
    send_error(c, page);
}

/* A request head has been parsed: route it and hand it to its queue. */
static void start_request(struct hs_conn *c, struct hp_request *hp)
{
    struct hs_engine *eng = c->eng;
    const char *head = (const char *)c->in.data;
    struct hs_cook_params cp;
    struct hs_cooked cooked;
    struct hs_route_result route;
    struct hs_wire_input wi;
    struct hs_wire_ssl_input ssl_info;
    struct hs_buf wire = { 0 }, cached = { 0 };
    struct hs_request *req = NULL;
    struct hs_queue *q = NULL;
    char host_buf[80];
    const char *host = head + hp->host_off;
    size_t host_len = hp->host_len, host_name_len;
    uint8_t ip[16];
    uint32_t schemes, auth = 0;
    int32_t auth_sec_status = 0;
    int family, err, close_after = 0;
    enum hs_target target;
    const char *reason;

    if (!host_len)
    {
        /* HTTP/1.0 without Host: the address the client reached stands in */
        local_ip_text(c, host_buf, sizeof(host_buf));
        host = host_buf;
        host_len = strlen(host_buf);
    }
    memset(&cp, 0, sizeof(cp));
    cp.favor_utf8 = eng->cfg.favor_utf8;
    cp.enable_non_utf8 = eng->cfg.enable_non_utf8;
    cp.percent_u_allowed = eng->cfg.percent_u_allowed;
    cp.allow_restricted_chars = eng->cfg.allow_restricted_chars;
    cp.url_segment_max_length = eng->cfg.url_segment_max_length;
    cp.url_segment_max_count = eng->cfg.url_segment_max_count;
    /* "OPTIONS *" goes to whoever has the root of the host, as on Windows
     * (ASP.NET Core's HttpSys tests send it to a "/" registration); the raw
     * URL stays "*", the cooked one is the root's. */
    if (hp->target_form == HP_ASTERISK_FORM) err = hs_cook_url(&cp, "/", 1, host, host_len, c->secure, local_port(c), &cooked);
    else err = hs_cook_url(&cp, head + hp->target_off, hp->target_len, host, host_len, c->secure, local_port(c), &cooked);
    if (err)
    {
        refuse(c, hp, NULL, page_for_cook_error(err), NULL, NULL);
        return;
    }
    strip_port(host, host_len, &host_name_len);
    local_ip(c, ip, &family);
    hs_router_route(&eng->router, c->secure, local_port(c), host, host_name_len, ip, family,
                    cooked.path, cooked.path_len, &route);
    if (route.status != HS_ROUTE_OK)
    {
        refuse(c, hp, &cooked, route.status == HS_ROUTE_NO_HOST ? HS_PAGE_INVALID_HOSTNAME : HS_PAGE_NOT_FOUND,
               NULL, NULL);
        hs_cooked_free(&cooked);
        return;
    }
    target = hs_route_target(eng, c, route.owner, &q, &reason);
    if (target == HS_TARGET_QUEUE &&
        hs_cachectl_answer(eng, q->id, hp, head, &cooked, hp->keep_alive && !c->read_eof, &cached, &close_after))
    {
        /* the response cache answers: the application never sees it */
        hs_cooked_free(&cooked);
        answer_cached(c, hp, &cached, close_after);
        return;
    }
    hs_buf_free(&cached);
    if (target == HS_TARGET_QUEUE && (schemes = hs_group_auth_schemes(eng, c->group_key)))
    {
        const struct hp_header *authz = NULL;
        struct hs_basic_cred cred;
        size_t i;

        for (i = 0; i < hp->header_count && !authz; i++)
            if (hp->headers[i].known == HP_HDR_AUTHORIZATION) authz = &hp->headers[i];
        auth = hs_auth_check(schemes, authz ? head + authz->value_off : NULL, authz ? authz->value_len : 0,
                             &auth_sec_status, &cred);
        if (cred.len)
        {
            /* the request is parsed again once the logon's answer is in */
            int wait = hs_logon_basic(c, cred.text, cred.len, cred.colon, &auth_sec_status);

            explicit_bzero(cred.text, cred.len);
            if (wait)
            {
                hs_cooked_free(&cooked);
                return;
            }
            if (!auth_sec_status) auth = HS_AUTH_INFO(HS_AUTH_SUCCESS, HS_AUTH_BASIC);
        }
    }
    switch (target)
    {
    case HS_TARGET_QUEUE:
        if ((req = hs_request_new(q, c, route.context)))
        {
            req->group_key = c->group_key;
            break;
        }
        /* no room for another request */
        reason = "N/A";
        /* fall through */
    case HS_TARGET_UNAVAILABLE:
        refuse(c, hp, &cooked, HS_PAGE_SERVICE_UNAVAILABLE, reason, q);
        hs_cooked_free(&cooked);
        return;
    case HS_TARGET_REFUSED:
        /* http.sys: with Basic 503 verbosity the connection is reset, else a
         * 503 page; the log has the 503 either way */
        TRACE("connection %llu: queue %llu refuses the request", (unsigned long long)c->id, (unsigned long long)q->id);
        hs_errlog_head(c, hp, &cooked, 503, reason, q);
        hs_cooked_free(&cooked);
        if (!q->verbosity) hs_conn_reset(c);
        else send_error(c, HS_PAGE_SERVICE_UNAVAILABLE);
        return;
    }

    memset(&wi, 0, sizeof(wi));
    wi.head = head;
    wi.hp = hp;
    wi.cooked = cooked.url;
    wi.cooked_bytes = (uint32_t)cooked.url_bytes;
    wi.host_off = (uint32_t)cooked.host_off;
    wi.host_len = (uint32_t)cooked.host_bytes;
    wi.path_off = (uint32_t)cooked.path_off;
    wi.path_len = (uint32_t)cooked.path_bytes;
    wi.query_off = (uint32_t)cooked.query_off;
    wi.query_len = (uint32_t)cooked.query_bytes;
    wi.remote = &c->remote.sa;
    wi.local = &c->local.sa;
    wi.request_id = req->id;
    wi.connection_id = c->id;
    wi.url_context = route.context;
    wi.bytes_received = hp->head_len;
    wi.flags = c->secure ? HS_REQ_SECURE : 0;
    wi.auth = auth;
    wi.auth_sec_status = auth_sec_status;
    if (c->tls)
    {
        hs_tls_request_info(c, &ssl_info);
        wi.ssl = &ssl_info;
    }
    err = hs_wire_build_request(&wi, &wire);
    if (err)
    {
        hs_buf_free(&wire);
        hs_request_free(req);
        refuse(c, hp, &cooked, HS_PAGE_REQUEST_TOO_LONG, NULL, q);
        hs_cooked_free(&cooked);
        return;
    }
    hs_cooked_free(&cooked);
    req->wire = wire.data;
    req->wire_len = (uint32_t)wire.len;
    req->verb = hp->verb;
    req->is_head = hp->verb == 5 /* HttpVerbHEAD */;
    req->http10 = hp->version_major == 1 && hp->version_minor == 0;
    req->keep_alive = hp->keep_alive;
    req->head_bytes = hp->head_len;
    c->req = req;
    /* a DSCP tag is for the packets of the response of the request that set
     * it: the next request's response goes out untagged again */
    if (c->dscp_set) hs_conn_set_dscp(c, 0);

    end_body(c);
    if (hp->body_kind == HP_BODY_LENGTH && hp->content_length)
    {
        c->in_body = 1;
        c->body_left = hp->content_length;
    }
    else if (hp->body_kind == HP_BODY_CHUNKED)
    {
        if (!(c->chunked = malloc(sizeof(*c->chunked))))
        {
            hs_errlog_request(c, req, 503, "N/A");
            hs_request_free(req);
            c->req = NULL;
            send_error(c, HS_PAGE_SERVICE_UNAVAILABLE);
            return;
        }
        c->in_body = 1;
        hp_chunked_init(c->chunked, eng->cfg.max_field_length, NULL, 0);
    }
    else req->body_complete = 1;

    hs_buf_consume(&c->in, hp->head_len);
    /* The client waits for our go-ahead before it sends the body. */
    if (c->in_body && hp->expect_continue && !c->in.len)
        hs_conn_write(c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    /* body bytes that came with the head go with the request: a receive
     * already waiting takes it at once, with COPY_BODY their copy */
    if (c->in_body && c->in.len) feed_body(c);
    hs_request_offer(eng, req);
    if (!c->dead) hs_conn_timer_update(c, 0);   /* RequestQueue, or the body's */
}

/* HTTPERR tells a field line beyond MaxFieldLength (FieldLength) from a
 * head beyond MaxRequestBytes (RequestLength). */
static const char *too_long_reason(const struct hs_conn *c)
{
    const char *p = (const char *)c->in.data, *end = p + c->in.len;

    while (p < end)
    {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);

        if (n && p[n - 1] == '\r') n--;
        if (n > c->eng->cfg.max_field_length) return "FieldLength";
        if (!nl || !n) break;   /* the end of what arrived, or of the head */
        p = nl + 1;
    }
    return "RequestLength";
}

static void parse_next(struct hs_conn *c)
{
    struct hp_header headers[128];
    struct hp_request hp;
    struct hp_limits lim;
    enum hp_error err = HP_ERR_NONE;
    enum hp_status st;

    memset(&hp, 0, sizeof(hp));
    hp.headers = headers;
    hp.header_capacity = sizeof(headers) / sizeof(headers[0]);
    lim.max_field_length = c->eng->cfg.max_field_length;
    lim.max_request_bytes = c->eng->cfg.max_request_bytes;
    lim.max_url_bytes = 65534;
    st = hp_parse_request((const char *)c->in.data, c->in.len, &lim, &hp, &err);
    if (st == HP_ERROR)
        refuse(c, &hp, NULL, hs_page_for_error(err), err == HP_ERR_REQUEST_TOO_LONG ? too_long_reason(c) : NULL, NULL);
    else if (st == HP_OK) start_request(c, &hp);
}

static void process(struct hs_conn *c)
{
again:
    while (!c->dead && !c->closing)
    {
        size_t before = c->in.len;

        if (c->in_body)
        {
            if (!feed_body(c) || c->in_body) break;
            continue;
        }
        if (c->req) break;                 /* pipelined requests wait for this response */
        if (hs_client_cert_busy(c)) break; /* CertFlags first: pSslInfo carries it */
        if (hs_logon_busy(c)) break;       /* its credentials are being checked */
        /* a client that sends and does not read must not make the engine
         * hold its answers (the response cache writes them at once) */
        if (c->out.len - c->out_pos > OUT_HIGH_WATER) break;
        if (!c->in.len)
        {
            if (c->read_eof && !c->out.len && hs_list_empty(&c->out_files)) hs_conn_close(c);
            break;
        }
        parse_next(c);
        if (hs_logon_busy(c)) break;
        if (!c->req && !c->closing && c->in.len == before)
        {
            if (c->read_eof) hs_conn_close(c);   /* half a request, and the client is done */
            break;
        }
    }
    if (c->dead) return;
    /* Backpressure: stop reading when a request's body or the pipeline is
     * more than the engine is willing to hold. */
    c->read_paused = (c->req && c->req->body_len >= HS_BODY_HIGH_WATER) ||
                     c->in.len > (size_t)c->eng->cfg.max_request_bytes + 65536;
    /* bytes OpenSSL already decrypted raise no event of the socket */
    if (!c->read_paused && !c->read_eof && !c->closing && hs_tls_pending(c))
    {
        read_input(c);
        if (c->dead) return;
        goto again;
    }
    if (!c->req && !c->closing)
    {
        /* between requests a connection holds no buffers: an idle
         * keep-alive connection costs its structure and its socket only */
        if (!c->in.len) hs_buf_free(&c->in);
        if (c->out_pos == c->out.len && hs_list_empty(&c->out_files)) { hs_buf_free(&c->out); c->out_pos = 0; }
    }
    hs_conn_timer_update(c, 0);
    update_events(c);
}

/* Reads into the connection's buffer when it has READ_CHUNK bytes free
 * (a large body streaming in); otherwise into a buffer shared by all,
 * keeping a copy of just what arrived, so that the connections serving
 * small requests hold small buffers and a burst of them on many connections
 * does not leave READ_CHUNK bytes per connection behind in the heap.  The
 * engine is one thread: one shared buffer is enough.  -2: out of memory. */
static ssize_t read_some(struct hs_conn *c)
{
    static uint8_t shared[READ_CHUNK];
    ssize_t n;

    if (c->in.cap - c->in.len >= READ_CHUNK)
    {
        n = conn_recv(c, c->in.data + c->in.len, c->in.cap - c->in.len);
        if (n > 0) c->in.len += (size_t)n;
        return n;
    }
    n = conn_recv(c, shared, sizeof(shared));
    if (n > 0 && !c->closing && (hs_buf_add(&c->in, shared, (size_t)n), c->in.failed)) return -2;
    return n;
}

static void read_input(struct hs_conn *c)
{
    while (!c->read_paused && !c->read_eof && !c->dead)
    {
        ssize_t n = read_some(c);

        if (n == -2) { hs_conn_close(c); return; }   /* out of memory */
        if (n > 0)
        {
            if (c->closing) continue;          /* lingering: discard */
            if (c->in.len > (size_t)c->eng->cfg.max_request_bytes + 65536) break;
            continue;
        }
        if (n == 0)
        {
            c->read_eof = 1;
            end_disconnect_waits(c);
            if (c->opaque && c->req && !c->closing)
            {
                /* the upgraded stream ends: the application reads the end */
                c->req->body_complete = 1;
                end_body(c);
                hs_request_body_event(c->eng, c->req);
                break;
            }
            /* A client that stops in the middle of a body can never finish
             * its request: the connection is gone for the application too. */
            if (c->closing || c->in_body) { client_gone(c); return; }
            break;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN) client_gone(c);
        break;
    }
    if (c->closing) c->in.len = 0;
}

static void conn_event(struct hs_ev_handler *h, uint32_t events)
{
    struct hs_conn *c = HS_CONTAINER(h, struct hs_conn, ev);

    if (c->dead) return;
    if (events & EPOLLRDHUP)
    {
        c->rdhup_seen = 1;
        end_disconnect_waits(c);
    }
    /* both directions are shut: no response can reach the client either */
    if (events & (EPOLLERR | EPOLLHUP)) { client_gone(c); return; }
    if ((events & EPOLLOUT) || (c->tls && c->tls->write_wants_read && (events & EPOLLIN))) flush_out(c);
    if (c->dead) return;
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) || (c->tls && c->tls->read_wants_write && (events & EPOLLOUT)))
        read_input(c);
    if (c->dead) return;
    process(c);
}

void hs_conn_tls_continue(struct hs_conn *c)
{
    if (c->dead) return;
    read_input(c);
    if (c->dead) return;
    process(c);
}

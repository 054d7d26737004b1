#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "request.h"
#include "queue.h"
#include "conn.h"
#include "response.h"
#include "shmq.h"
#include "wire.h"
#include "errpage.h"
#include "ranges.h"
#include "cachectl.h"
#include "urlgroup.h"
#include "conntimer.h"
#include "log.h"

#define ERROR_HANDLE_EOF          38
#define ERROR_INVALID_PARAMETER   87
#define ERROR_NOT_ENOUGH_MEMORY   8
#define ERROR_CONNECTION_INVALID  1229
#define ERROR_FILE_INVALID        1006
#define SEND_FLAG_DISCONNECT      0x1
#define SEND_FLAG_MORE_DATA       0x2
#define SEND_FLAG_BUFFER_DATA     0x4
#define SEND_FLAG_ENABLE_NAGLING  0x8
#define SEND_FLAG_PROCESS_RANGES  0x20

struct hs_request *hs_queue_find_request(struct hs_queue *q, uint64_t id)
{
    struct hs_request *req = q->slots[HS_SLOT_OF(id)];
    return req && req->id == id ? req : NULL;
}

struct hs_request *hs_request_new(struct hs_queue *q, struct hs_conn *c, uint64_t url_context)
{
    struct hs_engine *eng = c->eng;
    struct hs_request *req;
    uint32_t slot;

    if (!q->free_count || !(req = calloc(1, sizeof(*req)))) return NULL;
    slot = q->free_slots[--q->free_count];
    req->eng = eng;
    req->slot = slot;
    req->id = (++eng->next_request_seq << HS_SLOT_BITS) | slot;
    req->queue = q;
    req->conn = c;
    req->url_context = url_context;
    req->start_ms = hs_now_ms();
    hs_list_init(&req->link);
    hs_list_init(&req->body_waiters);
    q->slots[slot] = req;
    if (q->shm) hs_shmq_slot_open(q->shm, slot, req->id);
    return req;
}

static void complete_body_waiters(struct hs_engine *eng, struct hs_request *req, uint32_t error)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &req->body_waiters)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, wait_link);
        hs_engine_complete(eng, op, error, 0, NULL, 0);
    }
}

void hs_request_free(struct hs_request *req)
{
    struct hs_queue *q = req->queue;
    struct hs_engine *eng = req->eng;

    hs_queue_settle(req);
    if (q)
    {
        hs_list_remove(&req->link);
        if (q->slots[req->slot] == req)
        {
            q->slots[req->slot] = NULL;
            q->free_slots[q->free_count++] = req->slot;
            if (q->shm) hs_shmq_slot_close(q->shm, req->slot);
        }
    }
    complete_body_waiters(eng, req, ERROR_CONNECTION_INVALID);
    if (req->conn && req->conn->req == req) req->conn->req = NULL;
    free(req->wire);
    free(req->body);
    free(req->log);
    free(req);
}

uint32_t hs_request_move(struct hs_engine *eng, struct hs_request *req, struct hs_queue *dst,
                         uint64_t url_context, uint64_t group_key)
{
    struct hs_queue *src = req->queue;
    struct hs_wire_request *w = (struct hs_wire_request *)req->wire;
    uint32_t slot;

    if (!dst->free_count) return ERROR_NOT_ENOUGH_MEMORY;
    hs_queue_settle(req);
    complete_body_waiters(eng, req, ERROR_CONNECTION_INVALID);
    hs_list_remove(&req->link);
    hs_list_init(&req->link);
    if (src->slots[req->slot] == req)
    {
        src->slots[req->slot] = NULL;
        src->free_slots[src->free_count++] = req->slot;
        if (src->shm) hs_shmq_slot_close(src->shm, req->slot);
    }
    slot = dst->free_slots[--dst->free_count];
    req->slot = slot;
    req->id = (++eng->next_request_seq << HS_SLOT_BITS) | slot;
    req->queue = dst;
    req->url_context = url_context;
    req->group_key = group_key;
    dst->slots[slot] = req;
    if (dst->shm) hs_shmq_slot_open(dst->shm, slot, req->id);
    /* what the receiver sees: its id and its URL's context */
    if (w && req->wire_len >= sizeof(*w))
    {
        w->request_id = req->id;
        w->url_context = url_context;
    }
    return 0;
}

void hs_request_offer(struct hs_engine *eng, struct hs_request *req)
{
    hs_queue_offer(eng, req->queue, req);
}

/* Hands buffered body bytes to waiting HttpReceiveRequestEntityBody calls. */
void hs_request_body_event(struct hs_engine *eng, struct hs_request *req)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &req->body_waiters)
    {
        struct hs_op *op = HS_CONTAINER(cur, struct hs_op, wait_link);
        /* FILL_BUFFER: only a full buffer, the end of the body or a lost
         * client completes it (a full buffer is at most what the engine
         * holds before it stops reading, or it would wait for ever) */
        uint32_t fill = op->out_size < HS_BODY_HIGH_WATER ? op->out_size : HS_BODY_HIGH_WATER;
        if ((op->p.body.flags & HS_BODY_FLAG_FILL_BUFFER) && req->body_len < fill && !req->body_complete &&
            !req->body_failed && req->conn)
            break;
        if (req->body_len)
        {
            uint32_t n = req->body_len < op->out_size ? (uint32_t)req->body_len : op->out_size;
            hs_engine_complete(eng, op, 0, n, req->body, n);
            memmove(req->body, req->body + n, req->body_len - n);
            req->body_len -= n;
            if (req->conn) hs_conn_resume(req->conn);
        }
        else if (req->body_complete)
            hs_engine_complete(eng, op, ERROR_HANDLE_EOF, 0, NULL, 0);
        else if (req->body_failed || !req->conn)
            hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        else
            break;
    }
}

void hs_request_orphan(struct hs_engine *eng, struct hs_request *req)
{
    struct hs_queue *q = req->queue;

    if (q->shm) hs_shmq_slot_dead(q->shm, req->slot);
    req->body_failed = !req->body_complete;
    req->conn = NULL;
    /* A request nobody has received yet is still delivered, as http.sys
     * does: the application learns that its client is gone from the calls
     * it makes next.  It ends once delivered (hs_request_delivered). */
    if (req->state == RS_READY || req->state == RS_PUBLISHED || req->state == RS_BOUND) return;
    complete_body_waiters(eng, req, ERROR_CONNECTION_INVALID);
    hs_request_free(req);
}

/* The application now holds the request.  One whose connection is already
 * gone has nothing left to do: every later call on it fails the same way. */
void hs_request_delivered(struct hs_request *req)
{
    req->state = RS_DELIVERED;
    if (req->conn) hs_conn_timer_update(req->conn, 0);   /* RequestQueue is over */
    if (!req->conn) hs_request_free(req);
}

static void current_date(char out[32])
{
    hs_http_date(time(NULL), out);
}

/* Opens the file chunks of r as the engine will read them: the file the
 * handle named (same inode), long enough.  Win32 error. */
static uint32_t open_files(const struct hs_wire_response *r, int *fds)
{
    uint32_t i, err = 0;

    for (i = 0; i < r->file_count; i++) fds[i] = -1;
    for (i = 0; i < r->file_count && !err; i++)
    {
        struct hs_wire_file f;
        struct stat st;

        memcpy(&f, (const uint8_t *)r + r->file_off + i * sizeof(f), sizeof(f));
        fds[i] = open((const char *)r + f.path.off, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fds[i] < 0 || fstat(fds[i], &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_ino != f.file_index)
            err = ERROR_FILE_INVALID;
        else if ((uint64_t)st.st_size < f.offset + f.length)
            err = ERROR_HANDLE_EOF;
        if (err) TRACE("file chunk %u of a response is not usable (error %u)", i, err);
    }
    if (err)
        for (i = 0; i < r->file_count; i++)
            if (fds[i] >= 0) close(fds[i]);
    return err;
}

/* The entity body: memory bytes with the file and fragment chunks in their
 * places.  The connection takes the file descriptors. */
static void write_body(struct hs_conn *c, struct hs_buf *out, const struct hs_wire_response *r, const int *fds,
                       const struct hs_frag_piece *frags)
{
    const uint8_t *body = (const uint8_t *)r + r->body.off;
    struct hs_body_walk walk = { 0, 0 };
    uint64_t pos = 0, at;
    uint32_t i;
    int kind;

    while ((kind = hs_wire_body_next(r, &walk, &i, &at)))
    {
        struct hs_wire_file f;

        hs_buf_add(out, body + pos, (size_t)(at - pos));
        pos = at;
        if (kind == HS_BODY_FRAG)
        {
            hs_buf_add(out, frags[i].data, (size_t)frags[i].len);
            continue;
        }
        memcpy(&f, (const uint8_t *)r + r->file_off + i * sizeof(f), sizeof(f));
        hs_conn_write(c, out->data, out->len);
        out->len = 0;
        hs_conn_write_file(c, fds[i], f.offset, f.length);
    }
    hs_buf_add(out, body + pos, (size_t)(r->body.len - pos));
    if (out->failed) hs_conn_close(c);   /* out of memory: the body cannot be completed */
    else hs_conn_write(c, out->data, out->len);
}

/* Bytes [start, start + len) of the body write_body would send: memory
 * bytes copied, file chunks sent from the right offset, each use of a file
 * with a descriptor of its own (a file may serve several ranges). */
static void write_span(struct hs_conn *c, struct hs_buf *out, const struct hs_wire_response *r, const int *fds,
                       uint64_t start, uint64_t len)
{
    const uint8_t *body = (const uint8_t *)r + r->body.off;
    uint64_t pos = 0, at = 0, end = start + len, s, e;
    uint32_t i;

    for (i = 0; i <= r->file_count && at < end; i++)
    {
        struct hs_wire_file f;
        uint64_t mem_end = r->body.len;
        int fd;

        if (i < r->file_count)
        {
            memcpy(&f, (const uint8_t *)r + r->file_off + i * sizeof(f), sizeof(f));
            mem_end = f.body_pos;
        }
        s = start > at ? start : at;
        e = end < at + (mem_end - pos) ? end : at + (mem_end - pos);
        if (s < e) hs_buf_add(out, body + pos + (s - at), (size_t)(e - s));
        at += mem_end - pos;
        pos = mem_end;
        if (i == r->file_count) break;
        s = start > at ? start : at;
        e = end < at + f.length ? end : at + f.length;
        if (s < e && !out->failed)
        {
            hs_conn_write(c, out->data, out->len);
            out->len = 0;
            if ((fd = fcntl(fds[i], F_DUPFD_CLOEXEC, 0)) < 0)
            {
                hs_conn_close(c);   /* out of descriptors: the body cannot be completed */
                return;
            }
            hs_conn_write_file(c, fd, f.offset + (s - at), e - s);
        }
        at += f.length;
    }
}

/* A 206 (its one range, or its parts as multipart/byteranges) or a 416 in
 * place of the application's whole body. */
static void write_ranges(struct hs_conn *c, struct hs_buf *out, const struct hs_wire_response *r, const int *fds,
                         const struct hs_range_plan *plan)
{
    unsigned i;

    for (i = 0; i < plan->count && !c->dead; i++)
    {
        if (plan->count > 1) hs_ranges_part_head(plan, i, out);
        write_span(c, out, r, fds, plan->ranges[i].first, plan->ranges[i].last - plan->ranges[i].first + 1);
    }
    if (plan->count > 1) hs_ranges_part_head(plan, plan->count, out);
    for (i = 0; i < r->file_count; i++) close(fds[i]);
    if (out->failed) hs_conn_close(c);
    else hs_conn_write(c, out->data, out->len);
}

static uint64_t boundary_seed(const struct hs_request *req)
{
    uint64_t seed;

    if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) seed = req->id * 0x9e3779b97f4a7c15ull;
    return seed;
}

/* The whole entity body in memory, for the response cache (files read
 * now); -1 if a file cannot be read in full. */
static int assemble_body(const struct hs_wire_response *r, const int *fds, const struct hs_frag_piece *frags,
                         struct hs_buf *out)
{
    const uint8_t *body = (const uint8_t *)r + r->body.off;
    struct hs_body_walk walk = { 0, 0 };
    uint64_t pos = 0, at, done;
    uint32_t i;
    int kind;

    while ((kind = hs_wire_body_next(r, &walk, &i, &at)))
    {
        struct hs_wire_file f;

        hs_buf_add(out, body + pos, (size_t)(at - pos));
        pos = at;
        if (kind == HS_BODY_FRAG)
        {
            hs_buf_add(out, frags[i].data, (size_t)frags[i].len);
            continue;
        }
        memcpy(&f, (const uint8_t *)r + r->file_off + i * sizeof(f), sizeof(f));
        if (!hs_buf_reserve(out, (size_t)f.length)) return -1;
        for (done = 0; done < f.length; )
        {
            ssize_t n = pread(fds[i], out->data + out->len, (size_t)(f.length - done), (off_t)(f.offset + done));
            if (n <= 0) return -1;
            out->len += (size_t)n;
            done += (uint64_t)n;
        }
    }
    hs_buf_add(out, body + pos, (size_t)(r->body.len - pos));
    return out->failed ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* W3C logging                                                               */
/* ------------------------------------------------------------------------ */

/* Keeps the application's pLogData of one of the response's sends: the
 * line is written when the response ends. */
static void keep_log_data(struct hs_request *req, const struct hs_wire_response *r)
{
    struct hs_wire_log in, *out;
    struct hs_str *src, *dst;
    uint32_t i, total = sizeof(in), pos;
    uint8_t *blob;

    memcpy(&in, (const uint8_t *)r + r->log_off, sizeof(in));
    src = &in.user_name;
    for (i = 0; i < 12; i++) total += src[i].len;
    if (!(blob = malloc(total))) return;   /* not logged: the response goes on */
    out = (struct hs_wire_log *)blob;
    *out = in;
    dst = &out->user_name;
    for (i = 0, pos = sizeof(in); i < 12; i++)
    {
        memcpy(blob + pos, (const uint8_t *)r + src[i].off, src[i].len);
        dst[i].off = pos;
        pos += src[i].len;
    }
    free(req->log);
    req->log = blob;
}

static struct hs_text text_of(const uint8_t *blob, struct hs_str s)
{
    struct hs_text t = { (const char *)blob + s.off, s.len };
    return t;
}

/* What the application gave, else what the engine knows. */
static struct hs_text either(const uint8_t *log, struct hs_str given, const struct hs_wire_request *w,
                             struct hs_str known)
{
    return given.len ? text_of(log, given) : text_of((const uint8_t *)w, known);
}

static struct hs_text address_text(const union hs_sockaddr *a, char *buf, size_t cap)
{
    struct hs_text t = { hs_addr_text(a, buf, cap), 0 };

    t.len = strlen(buf);
    return t;
}

static void log_response(struct hs_engine *eng, struct hs_request *req, struct hs_conn *c)
{
    const struct hs_wire_request *w = (const struct hs_wire_request *)req->wire;
    const struct hs_wire_log *l = (const struct hs_wire_log *)req->log;
    struct hs_w3c *log = hs_group_log(eng, req->group_key);
    char client[64], server[64];
    struct hs_w3c_entry e;
    struct hs_str stem, query;
    const char *raw, *q;
    const char *verb;

    if (!log || !l) return;
    memset(&e, 0, sizeof(e));
    e.when = time(NULL);
    /* the raw URL: its path and its query, as the client sent them */
    raw = (const char *)req->wire + w->raw_url.off;
    q = memchr(raw, '?', w->raw_url.len);
    stem.off = w->raw_url.off;
    stem.len = q ? (uint32_t)(q - raw) : w->raw_url.len;
    query.off = q ? w->raw_url.off + stem.len + 1 : 0;
    query.len = q ? w->raw_url.len - stem.len - 1 : 0;

    e.site_name = text_of(req->log, l->service_name);
    e.computer_name = text_of(req->log, l->server_name);
    e.server_ip = l->server_ip.len ? text_of(req->log, l->server_ip) : address_text(&c->local, server, sizeof(server));
    if (l->method.len) e.method = text_of(req->log, l->method);
    else if (req->verb == HP_VERB_UNKNOWN) e.method = text_of(req->wire, w->unknown_verb);
    else if ((verb = hp_verb_name(req->verb))) e.method.p = verb, e.method.len = strlen(verb);
    e.uri_stem = either(req->log, l->uri_stem, w, stem);
    e.uri_query = either(req->log, l->uri_query, w, query);
    e.server_port = l->server_port ? l->server_port :
                    ntohs(c->local.sa.sa_family == AF_INET6 ? c->local.in6.sin6_port : c->local.in4.sin_port);
    e.user_name = text_of(req->log, l->user_name);
    e.client_ip = l->client_ip.len ? text_of(req->log, l->client_ip) : address_text(&c->remote, client, sizeof(client));
    e.version.p = req->http10 ? "HTTP/1.0" : "HTTP/1.1";
    e.version.len = 8;
    e.user_agent = either(req->log, l->user_agent, w, w->known[HP_HDR_USER_AGENT]);
    e.cookie = either(req->log, l->cookie, w, w->known[HP_HDR_COOKIE]);
    e.referer = either(req->log, l->referrer, w, w->known[HP_HDR_REFERER]);
    e.host = either(req->log, l->host, w, w->known[HP_HDR_HOST]);
    e.status = l->protocol_status ? l->protocol_status : req->status;
    e.sub_status = l->sub_status;
    e.win32_status = l->win32_status;
    e.bytes_sent = req->response_bytes;
    e.bytes_recv = req->head_bytes + req->body_total;
    e.time_taken_ms = hs_now_ms() - req->start_ms;
    hs_w3c_write(log, &e);
}

uint32_t hs_request_send(struct hs_engine *eng, struct hs_request *req,
                         const struct hs_wire_response *r, uint32_t size)
{
    return hs_request_send_counted(eng, req, r, size, NULL);
}

static void close_files(int *fds, uint32_t count)
{
    uint32_t i;
    for (i = 0; fds && i < count; i++) close(fds[i]);
}

uint32_t hs_request_send_counted(struct hs_engine *eng, struct hs_request *req,
                                 const struct hs_wire_response *r, uint32_t size, uint64_t *sent)
{
    struct hs_conn *c = req->conn;
    struct hs_resp_result res = { 0, 0, 1, 0 };
    struct hs_range_plan plan = { 0 };
    struct hs_buf out = { 0 }, whole = { 0 };
    struct hs_frag_piece *frags = NULL;
    int final = !(r->flags & SEND_FLAG_MORE_DATA);
    int *fds = NULL, cached = 0;
    uint64_t frag_bytes = 0, total;
    uint32_t err;

    (void)size;
    hs_queue_settle(req);
    if (!c || c->dead || req->final_sent) return ERROR_CONNECTION_INVALID;
    if (req->state != RS_DELIVERED && req->state != RS_BOUND) return ERROR_CONNECTION_INVALID;
    if (r->kind != HS_RESP_HEADERS && !req->headers_sent) return ERROR_INVALID_PARAMETER;
    if (r->kind == HS_RESP_HEADERS && req->headers_sent) return ERROR_INVALID_PARAMETER;
    /* a fragment that is not cached fails the send before anything goes out */
    if ((err = hs_cachectl_resolve(eng, req->queue->id, r, &frags, &frag_bytes))) return err;
    total = hs_wire_response_body_total(r) + frag_bytes;
    if (r->file_count)
    {
        if (!(fds = malloc(r->file_count * sizeof(*fds))))
        {
            free(frags);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        if ((err = open_files(r, fds)))
        {
            free(fds);
            free(frags);
            return err;
        }
    }
    if (r->kind == HS_RESP_HEADERS)
    {
        struct hs_resp_ctx ctx;
        char date[32];

        memset(&ctx, 0, sizeof(ctx));
        current_date(date);
        ctx.is_head = req->is_head;
        ctx.http10 = req->http10;
        ctx.client_keep_alive = req->keep_alive && !c->read_eof;
        ctx.force_close = eng->shutting_down;
        ctx.disable_server_header = eng->cfg.disable_server_header;
        ctx.date = date;
        /* ranges are cut from memory and file chunks; a response with fragment
         * chunks goes out whole */
        if ((r->flags & SEND_FLAG_PROCESS_RANGES) && !r->frag_off)
            hs_ranges_plan((const struct hs_wire_request *)req->wire, req->wire_len, r,
                           hs_wire_response_body_total(r), boundary_seed(req), &plan);
        ctx.range = &plan;
        ctx.fragment_bytes = frag_bytes;
        hs_response_head(&out, r, &ctx, &res);
        req->headers_sent = 1;
        req->status = r->status;
        req->close_after = res.close_after;
        req->response_unframed = res.unframed;
        if (!res.body_allowed) req->is_head = 1;   /* from now on, drop any body */
        if (res.opaque) hs_conn_go_opaque(c);
        /* stored before it goes out: the request may be gone after */
        if (!out.failed && hs_cachectl_wants(eng, req, r, out.len, total) && !assemble_body(r, fds, frags, &whole))
        {
            hs_cachectl_store(eng, req, r, whole.data, whole.len);
            cached = 1;
        }
    }
    if (out.failed)
    {
        close_files(fds, r->file_count);
        free(fds);
        free(frags);
        hs_buf_free(&out);
        hs_buf_free(&whole);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (r->flags & SEND_FLAG_DISCONNECT) req->close_after = 1;
    hs_conn_set_nagle(c, r->flags & SEND_FLAG_ENABLE_NAGLING);
    /* the last send of a response always goes out at once */
    hs_conn_coalesce(c, (r->flags & SEND_FLAG_BUFFER_DATA) && !final);
    if (r->log_off) keep_log_data(req, r);
    req->response_bytes += out.len;
    if (req->is_head)
    {
        close_files(fds, r->file_count);
        hs_conn_write(c, out.data, out.len);
    }
    else if (plan.status)
    {
        req->response_bytes += plan.length;
        write_ranges(c, &out, r, fds, &plan);
    }
    else if (cached)
    {
        close_files(fds, r->file_count);
        req->response_bytes += whole.len;
        hs_buf_add(&out, whole.data, whole.len);
        if (out.failed) hs_conn_close(c);
        else hs_conn_write(c, out.data, out.len);
    }
    else
    {
        req->response_bytes += total;
        write_body(c, &out, r, fds, frags);
    }
    hs_conn_coalesce(c, 0);
    free(fds);
    free(frags);
    hs_buf_free(&out);
    hs_buf_free(&whole);
    if (sent) *sent = total;
    /* A write the client refused closed the connection, and that freed a
     * delivered request: req must not be touched again. */
    if (c->dead) return 0;
    if (final)
    {
        int close_after = req->close_after || req->response_unframed;
        req->final_sent = 1;
        log_response(eng, req, c);
        hs_conn_request_done(c, close_after);
    }
    return 0;
}

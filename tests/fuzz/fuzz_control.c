/*
 * libFuzzer target for what httpapi.dll (through the driver) sends the
 * engine: a whole engine in this process (harness.h), a victim program A
 * and a hostile program B on the real control channel.
 *
 * Before the input runs, A (process 1111) has a v2 queue with
 * http://+:8080/a/ and one request for it waits, untaken, with its client
 * connected.  The input is then a script of what B (process 2222) does:
 * open and close handles, any IOCTL with any bytes on its handles, cancel
 * its operations; and what the driver and the network bring: configuration
 * records, certificate and chain replies, HTTP bytes on new connections,
 * raw bytes on the control channel; and what B's server threads write into
 * the shared memory of its queues.  In IOCTL input the 8-byte tokens
 * "@REQ_A@@", "@CONN_A@", "@QUEUEA@" and "@REQ_B@@" become A's request id,
 * A's connection id, A's queue id and the last request id seen in one of
 * B's queues, so that the fuzzer can aim at them.
 *
 * Checked, besides memory errors and leaks:
 *   - every frame from the engine is well formed; every IOCTL of B is
 *     completed exactly once, on its own file, by the time its handles are
 *     closed; no completion names an operation nobody started;
 *   - nothing B gets back carries A's request (a header with a secret);
 *   - afterwards A's request is still in A's queue, untouched (no response
 *     started, its client has received nothing), no handle of B is on A's
 *     queue, and no request that was ever in a queue of B is in A's.
 */
#include "harness.h"
#include "request.h"
#include "shmq.h"
#include <sys/mman.h>
#include <sys/random.h>

#define PID_A 1111
#define PID_B 2222
#define FILE_A 1
#define FILE_B0 100
#define OP_B0 1000
#define MAX_FILES 8
#define MAX_OPS 2048
#define MAX_CONNS 8
#define MAX_SEEN 256

/* a header of A's request that only A may ever see; random per process,
 * so that the fuzzer cannot learn it and put it into requests of its own */
static char secret[17];

static int contains_secret(const uint8_t *p, uint32_t len)
{
    uint32_t i;
    for (i = 0; i + 16 <= len; i++)
        if (p[i] == (uint8_t)secret[0] && !memcmp(p + i, secret, 16)) return 1;
    return 0;
}

struct state
{
    struct hs_harness h;
    uint64_t files[MAX_FILES];
    unsigned file_count;
    struct { uint64_t file; int completions; } ops[MAX_OPS];
    unsigned op_count;
    uint32_t a_status;                /* of A's last setup call */
    int a_done;
    uint64_t cert_ops[8], chain_ops[8];
    unsigned cert_count, chain_count;
    int conns[MAX_CONNS];
    unsigned conn_count;
    uint64_t b_requests[MAX_SEEN];
    unsigned b_seen;
    int raw_sent;                     /* the channel may be out of step since */
    struct hs_queue *qa;
    uint64_t req_a, conn_a;
};

static void on_frame(struct hs_harness *h, const struct hs_msg_header *hdr, const uint8_t *body, uint32_t len)
{
    struct state *s = h->ctx;

    if (getenv("HS_FUZZ_LOG")) fprintf(stderr, "frame %u op %llu file %llu len %u\n", hdr->type, (unsigned long long)hdr->op, (unsigned long long)hdr->file, len);
    switch (hdr->type)
    {
    case HS_MSG_COMPLETE:
        REQUIRE(len >= sizeof(struct hs_msg_complete));
        if (hdr->op < OP_B0)
        {
            struct hs_msg_complete c;
            memcpy(&c, body, sizeof(c));
            REQUIRE(hdr->file == FILE_A);
            s->a_status = c.status;
            s->a_done = 1;
            break;
        }
        REQUIRE(hdr->op - OP_B0 < s->op_count);
        REQUIRE(hdr->file == s->ops[hdr->op - OP_B0].file || !hdr->file);   /* 0: the handle was closed already */
        REQUIRE(++s->ops[hdr->op - OP_B0].completions == 1);
        REQUIRE(!contains_secret(body, len));
        break;
    case HS_MSG_CERT_REQUEST:
        REQUIRE(len == sizeof(struct hs_msg_cert_request));
        s->cert_ops[s->cert_count++ % 8] = hdr->op;
        break;
    case HS_MSG_CHAIN_REQUEST:
        REQUIRE(len >= sizeof(struct hs_msg_chain_request));
        s->chain_ops[s->chain_count++ % 8] = hdr->op;
        break;
    case HS_MSG_BYE:
        break;
    default:
        REQUIRE(!"unexpected frame from the engine");
    }
}

static uint32_t call_a(struct state *s, uint64_t op, uint32_t code, const void *in, uint32_t len)
{
    struct hs_msg_ioctl m = { code, 4096, PID_A, 0 };

    s->a_done = 0;
    hs_harness_send(&s->h, HS_MSG_IOCTL, op, FILE_A, &m, sizeof(m), in, len);
    while (!s->a_done && !s->h.broken) hs_harness_pump(&s->h, 1);
    REQUIRE(s->a_done);
    return s->a_status;
}

static struct hs_request *first_request(struct hs_queue *q)
{
    if (!hs_list_empty(&q->ready)) return HS_CONTAINER(q->ready.next, struct hs_request, link);
    if (!hs_list_empty(&q->published)) return HS_CONTAINER(q->published.next, struct hs_request, link);
    return NULL;
}

static int setup_a(struct state *s)
{
    static const char url[] = "http://+:8080/a/";
    char get[128];
    int get_len;
    struct hs_msg_open open = { PID_A, 0 };
    struct hs_queue_params qp = { 2, 0, 0 };
    struct { struct hs_url_params p; char url[sizeof(url) - 1]; } add;
    struct hs_file *f;
    struct hs_request *req;
    int i;

    hs_harness_send(&s->h, HS_MSG_CONFIG, 0, 0, "", 0, NULL, 0);
    hs_harness_send(&s->h, HS_MSG_OPEN, 0, FILE_A, &open, sizeof(open), NULL, 0);
    REQUIRE(call_a(s, 1, HS_IOCTL_SET_QUEUE, &qp, sizeof(qp)) == 0);
    add.p.context = 0xa0a0;
    add.p.flags = 0;
    add.p.url_len = sizeof(url) - 1;
    memcpy(add.url, url, sizeof(url) - 1);
    REQUIRE(call_a(s, 2, HS_IOCTL_ADD_URL, &add, sizeof(add)) == 0);
    REQUIRE((f = hs_engine_find_file(&s->h.eng, FILE_A)) && (s->qa = f->queue));
    REQUIRE((s->conns[0] = hs_harness_connect(8080)) >= 0);
    s->conn_count = 1;
    if (!secret[0])
    {
        uint8_t rnd[8];
        REQUIRE(getrandom(rnd, sizeof(rnd), 0) == sizeof(rnd));
        for (i = 0; i < 8; i++) snprintf(secret + 2 * i, 3, "%02x", rnd[i]);
    }
    get_len = snprintf(get, sizeof(get), "GET /a/x HTTP/1.1\r\nHost: localhost:8080\r\nX-Secret: %s\r\n\r\n", secret);
    REQUIRE(send(s->conns[0], get, (size_t)get_len, MSG_NOSIGNAL) == get_len);
    for (i = 0; i < 1000 && !(req = first_request(s->qa)); i++) hs_harness_pump(&s->h, 1);
    REQUIRE(req && req->conn);
    s->req_a = req->id;
    s->conn_a = req->conn->id;
    return 0;
}

/* Records the requests now in B's queues. */
static void note_b_requests(struct state *s)
{
    struct hs_list *cur, *r;

    HS_LIST_FOR_EACH(cur, &s->h.eng.queues)
    {
        struct hs_queue *q = HS_CONTAINER(cur, struct hs_queue, link);
        if (q == s->qa) continue;
        HS_LIST_FOR_EACH(r, &q->ready)
            if (s->b_seen < MAX_SEEN) s->b_requests[s->b_seen++] = HS_CONTAINER(r, struct hs_request, link)->id;
        HS_LIST_FOR_EACH(r, &q->published)
            if (s->b_seen < MAX_SEEN) s->b_requests[s->b_seen++] = HS_CONTAINER(r, struct hs_request, link)->id;
    }
}

static void substitute(struct state *s, uint8_t *p, size_t len)
{
    static const char *const tokens[] = { "@REQ_A@@", "@CONN_A@", "@QUEUEA@", "@REQ_B@@" };
    uint64_t values[4] = { s->req_a, s->conn_a, s->qa->id, s->b_seen ? s->b_requests[s->b_seen - 1] : 0 };
    size_t i;
    int t;

    for (i = 0; i + 8 <= len; i++)
        for (t = 0; t < 4; t++)
            if (p[i] == '@' && !memcmp(p + i, tokens[t], 8)) memcpy(p + i, &values[t], 8);
}

struct reader { const uint8_t *p; size_t left; };

static uint32_t take(struct reader *r, unsigned bytes)
{
    uint32_t v = 0;
    unsigned i;
    for (i = 0; i < bytes && r->left; i++, r->left--) v |= (uint32_t)*r->p++ << (8 * i);
    return v;
}

static const uint8_t *take_blob(struct reader *r, uint32_t *len)
{
    const uint8_t *p;
    *len = take(r, 2);
    if (*len > r->left) *len = (uint32_t)r->left;
    p = r->p;
    r->p += *len;
    r->left -= *len;
    return p;
}

/* B writes into the shared memory of one of its queues, as its server
 * threads may: a response record in the response ring the way httpapi.dll
 * writes one (region 0), or any bytes anywhere (region 1: the header,
 * 2: anywhere in the segment). */
static void scribble(struct state *s, struct reader *r)
{
    struct hs_list *cur;
    struct hs_queue *q = NULL;
    uint8_t sel = (uint8_t)take(r, 1), *copy, *base;
    uint32_t off = take(r, 4), len, size, n = 0;
    const uint8_t *data = take_blob(r, &len);
    int fd;

    HS_LIST_FOR_EACH(cur, &s->h.eng.queues)
    {
        struct hs_queue *c = HS_CONTAINER(cur, struct hs_queue, link);
        if (c != s->qa && c->shm && n++ == (sel >> 2) % 4) q = c;
    }
    if (!q || !(copy = malloc(len + 1))) return;
    memcpy(copy, data, len);
    substitute(s, copy, len);
    size = hs_shmq_size(q->shm);
    if ((fd = open(hs_shmq_path(q->shm), O_RDWR | O_CLOEXEC)) >= 0)
    {
        if ((base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) != MAP_FAILED)
        {
            struct hs_shm_header *h = (struct hs_shm_header *)base;
            switch (sel & 3)
            {
            case 0:
            {
                struct hs_ring_record rec = { HS_REC_COMMITTED, (uint32_t)hs_align8(sizeof(rec) + len), HS_KIND_RESPONSE };
                uint64_t pos = h->resp_reserve;
                if (len >= 8) memcpy(&rec.request_id, copy, 8);
                if (h->resp_ring_off < size && h->resp_ring_size <= size - h->resp_ring_off &&
                    pos % h->resp_ring_size + rec.size <= h->resp_ring_size)
                {
                    uint8_t *at = base + h->resp_ring_off + pos % h->resp_ring_size;
                    memcpy(at + sizeof(rec), copy, len);
                    __atomic_store_n(&((struct hs_ring_record *)at)->size, rec.size, __ATOMIC_RELAXED);
                    memcpy(at, &rec, sizeof(rec));
                    __atomic_store_n(&h->resp_reserve, pos + rec.size, __ATOMIC_RELEASE);
                }
                break;
            }
            case 1:
                off %= sizeof(*h);
                memcpy(base + off, copy, len < sizeof(*h) - off ? len : sizeof(*h) - off);
                break;
            default:
                off %= size;
                memcpy(base + off, copy, len < size - off ? len : size - off);
                break;
            }
            munmap(base, size);
        }
        close(fd);
    }
    free(copy);
}

static const uint32_t codes[] =
{
    HS_IOCTL_QUEUE_INFO, HS_IOCTL_ADD_URL, HS_IOCTL_REMOVE_URL, HS_IOCTL_RECEIVE_REQUEST, HS_IOCTL_RECEIVE_BODY,
    HS_IOCTL_SEND, HS_IOCTL_SERVICE_STATE, HS_IOCTL_SET_QUEUE, HS_IOCTL_RELOAD_CONFIG, HS_IOCTL_APPLY_CONFIG,
    HS_IOCTL_PKCS12, HS_IOCTL_REQUEST_PROPERTY, HS_IOCTL_CLIENT_CERT, HS_IOCTL_WAIT_DISCONNECT,
    HS_IOCTL_CANCEL_REQUEST, HS_IOCTL_QUEUE_LIMITS, HS_IOCTL_CACHE_ADD, HS_IOCTL_CACHE_READ, HS_IOCTL_CACHE_FLUSH,
    HS_IOCTL_QUEUE_NAME, HS_IOCTL_DEMAND_START, HS_IOCTL_FIND_GROUP, HS_IOCTL_DELEGATE, HS_IOCTL_GROUP_CREATE,
    HS_IOCTL_GROUP_CLOSE, HS_IOCTL_GROUP_ADD_URL, HS_IOCTL_GROUP_REMOVE_URL, HS_IOCTL_GROUP_BIND,
    HS_IOCTL_SERVER_PROPERTY, HS_IOCTL_QUEUE_STATE,
};
static const uint32_t out_sizes[] = { 0, 8, 16, 64, 256, 4096, 65536, 1 << 20 };
static const uint16_t ports[] = { 8080, 8081, 80, 443 };

static void run_step(struct state *s, struct reader *r)
{
    uint8_t kind = (uint8_t)take(r, 1);
    uint32_t len, code;
    const uint8_t *data;

    switch (kind % 11)
    {
    case 0:   /* B opens a handle */
    {
        struct hs_msg_open m = { PID_B, 0 };
        if (s->file_count == MAX_FILES) break;
        s->files[s->file_count] = FILE_B0 + s->file_count;
        hs_harness_send(&s->h, HS_MSG_OPEN, 0, s->files[s->file_count], &m, sizeof(m), NULL, 0);
        s->file_count++;
        break;
    }
    case 1:   /* and closes one */
        if (!s->file_count) break;
        hs_harness_send(&s->h, HS_MSG_CLOSE, 0, s->files[take(r, 1) % s->file_count], NULL, 0, NULL, 0);
        break;
    case 2: case 3: case 4:   /* an IOCTL on one of B's handles */
    {
        struct hs_msg_ioctl m = { 0, 0, PID_B, 0 };
        uint8_t sel = (uint8_t)take(r, 1), out = (uint8_t)take(r, 1), *copy;
        uint64_t file = s->file_count ? s->files[sel % s->file_count] : FILE_B0;

        code = take(r, 1);
        m.code = code < sizeof(codes) / sizeof(codes[0]) * 7 ? codes[code % (sizeof(codes) / sizeof(codes[0]))]
                                                          : take(r, 4);
        m.out_size = out & 0x80 ? take(r, 4) : out_sizes[out & 7];
        data = take_blob(r, &len);
        if (s->op_count == MAX_OPS) break;
        if (!(copy = malloc(len + 1))) break;
        memcpy(copy, data, len);
        substitute(s, copy, len);
        s->ops[s->op_count].file = file;
        s->ops[s->op_count].completions = 0;
        if (getenv("HS_FUZZ_LOG")) fprintf(stderr, "ioctl %x on %llu len %u\n", m.code, (unsigned long long)file, len);
        hs_harness_send(&s->h, HS_MSG_IOCTL, OP_B0 + s->op_count++, file, &m, sizeof(m), copy, len);
        free(copy);
        break;
    }
    case 5:   /* B cancels one of its calls */
        if (!s->op_count) break;
        hs_harness_send(&s->h, HS_MSG_CANCEL, OP_B0 + take(r, 2) % s->op_count, 0, NULL, 0, NULL, 0);
        break;
    case 6:   /* the driver sends the configuration records again */
        data = take_blob(r, &len);
        hs_harness_send(&s->h, HS_MSG_CONFIG, 0, 0, data, len, NULL, 0);
        break;
    case 7:   /* a certificate or chain reply */
    {
        uint8_t sel = (uint8_t)take(r, 1);
        uint64_t op;
        if (sel & 1) op = s->chain_count ? s->chain_ops[(sel >> 1) % (s->chain_count < 8 ? s->chain_count : 8)] : sel;
        else op = s->cert_count ? s->cert_ops[(sel >> 1) % (s->cert_count < 8 ? s->cert_count : 8)] : sel;
        data = take_blob(r, &len);
        hs_harness_send(&s->h, sel & 1 ? HS_MSG_CHAIN_REPLY : HS_MSG_CERT_REPLY, op, 0, data, len, NULL, 0);
        break;
    }
    case 8:   /* HTTP bytes on a connection (a new one, or one of ours) */
    {
        uint8_t sel = (uint8_t)take(r, 1);
        int fd;
        data = take_blob(r, &len);
        if ((sel & 0x80) && s->conn_count > 1) fd = s->conns[1 + sel % (s->conn_count - 1)];
        else if (s->conn_count < MAX_CONNS && (fd = hs_harness_connect(ports[sel & 3])) >= 0)
            s->conns[s->conn_count++] = fd;
        else break;
        if (len) send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        break;
    }
    case 9:   /* time passes */
        hs_harness_pump(&s->h, 1 + (int)take(r, 1) % 16);
        break;
    case 10:  /* raw bytes on the channel (rare: it usually ends the session) */
        if ((kind & 0xf0) == 0xe0) { scribble(s, r); break; }
        if ((kind & 0xf0) != 0xf0) break;
        data = take_blob(r, &len);
        hs_harness_send_raw(&s->h, data, len);
        s->raw_sent = 1;
        break;
    }
    hs_harness_pump(&s->h, 4);
    note_b_requests(s);
}

static void check_isolation(struct state *s)
{
    struct hs_list *cur;
    struct hs_request *req;
    char byte;
    unsigned j, l;

    HS_LIST_FOR_EACH(cur, &s->h.eng.files)
    {
        struct hs_file *f = HS_CONTAINER(cur, struct hs_file, link);
        if (f->pid == PID_B) REQUIRE(f->queue != s->qa);
    }
    req = hs_queue_find_request(s->qa, s->req_a);
    REQUIRE(req && req->queue == s->qa && !req->headers_sent && !req->response_bytes);
    REQUIRE(recv(s->conns[0], &byte, 1, MSG_DONTWAIT) <= 0);
    /* A never receives, so whatever is in its queue waits in one of these */
    for (l = 0; l < 2; l++)
        HS_LIST_FOR_EACH(cur, l ? &s->qa->published : &s->qa->ready)
        {
            req = HS_CONTAINER(cur, struct hs_request, link);
            REQUIRE(req->url_context == 0xa0a0);   /* only A's prefix leads here */
            for (j = 0; j < s->b_seen; j++) REQUIRE(req->id != s->b_requests[j]);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct state s;
    struct reader r = { data, size };
    unsigned i, steps = 0;

    memset(&s, 0, sizeof(s));
    hs_harness_start(&s.h, NULL, on_frame, &s);
    setup_a(&s);
    while (r.left && steps++ < 256 && !s.h.broken && !s.h.eng.done) run_step(&s, &r);
    if (!s.h.broken && !s.h.eng.done)
    {
        hs_harness_pump(&s.h, 16);
        /* B exits: its handles close, and every call it made is answered */
        for (i = 0; i < s.file_count; i++) hs_harness_send(&s.h, HS_MSG_CLOSE, 0, s.files[i], NULL, 0, NULL, 0);
        hs_harness_pump(&s.h, 64);
        if (!s.h.broken && !s.h.eng.done)
        {
            /* after raw bytes the engine may still be waiting for the rest
             * of a frame they began, and take our frames for its body */
            for (i = 0; i < s.op_count && !s.raw_sent; i++) REQUIRE(s.ops[i].completions == 1);
            check_isolation(&s);
        }
    }
    for (i = 0; i < s.conn_count; i++) close(s.conns[i]);
    hs_harness_stop(&s.h);
    return 0;
}

/*
 * httpsys-engine-bench: the engine alone, with no Wine, no driver and no
 * application process, so that issue 5's figures can show what the rest
 * costs.
 *
 * usage: httpsys-engine-bench --port N [--tls CERT.pem KEY.pem] [--file PATH] [--http-port M]
 *
 * Everything a request meets is the engine's own code: its listener on
 * 127.0.0.1:N, connections, parser, URL cooking, router, request queue,
 * response formatting (Date, Server, Content-Length) and, with --tls, its
 * TLS code choosing the certificate through an SSL binding 0.0.0.0:N.  With
 * --tls, --http-port M serves plain HTTP on 127.0.0.1:M from the same engine
 * and queue, so that one process sees mixed traffic (make soak).  What
 * is left out is the driver and the application: the queue has no shared
 * memory, so a routed request waits on the queue's ready list, and the loop
 * below answers it with hs_request_send before it next sleeps, as httpapi.dll
 * would have through the ring, minus the process hop.
 *
 *   GET /        200 "Hello, World!", as examples/hello answers it
 *   GET /1m.bin  200 with the --file as one file chunk (sendfile, or
 *                SSL_sendfile when kernel TLS sends)
 *   anything else  404, empty
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "engine.h"
#include "buf.h"
#include "certs.h"
#include "conn.h"
#include "listener.h"
#include "log.h"
#include "queue.h"
#include "request.h"
#include "shmq.h"
#include "tls.h"
#include "urlprefix.h"
#include "wire.h"

#define H_CONTENT_TYPE 12   /* HttpHeaderContentType */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    (void)sig;
    got_signal = 1;
}

/* One response blob, made once and sent for every request of its kind. */
struct canned
{
    struct hs_wire_response *r;
    uint32_t size;
};

struct bench
{
    struct hs_engine eng;
    struct hs_queue *q;
    struct canned hello, file, not_found;
};

/* ------------------------------------------------------------------------ */
/* responses                                                                 */
/* ------------------------------------------------------------------------ */

static struct hs_str add_str(struct hs_buf *b, const void *p, size_t len)
{
    struct hs_str s = { (uint32_t)b->len, (uint32_t)len };
    hs_buf_add(b, p, len);
    hs_buf_add(b, "", 1);
    return s;
}

/* A final HS_RESP_HEADERS response, as httpapi.dll lays out HttpSendHttpResponse. */
static int make_response(struct canned *out, uint16_t status, const char *reason, const char *type,
                         const char *body, const char *path)
{
    struct hs_wire_response r;
    struct hs_wire_file f;
    struct hs_buf b = { 0 };
    struct stat st;

    memset(&r, 0, sizeof(r));
    r.kind = HS_RESP_HEADERS;
    r.status = status;
    r.version_major = 1;
    r.version_minor = 1;
    hs_buf_add(&b, &r, sizeof(r));
    r.reason = add_str(&b, reason, strlen(reason));
    if (type)
    {
        r.known[H_CONTENT_TYPE] = add_str(&b, type, strlen(type));
        r.known_present |= 1u << H_CONTENT_TYPE;
    }
    r.body = add_str(&b, body, strlen(body));
    if (path)
    {
        if (stat(path, &st) || !S_ISREG(st.st_mode) || !st.st_size)
        {
            fprintf(stderr, "httpsys-engine-bench: %s is not a non-empty regular file\n", path);
            hs_buf_free(&b);
            return -1;
        }
        memset(&f, 0, sizeof(f));
        f.body_pos = r.body.len;
        f.length = (uint64_t)st.st_size;
        f.file_index = (uint64_t)st.st_ino;   /* what the driver reports for the handle's file */
        hs_buf_pad(&b, 8);
        r.file_count = 1;
        r.file_off = (uint32_t)b.len;
        hs_buf_add(&b, &f, sizeof(f));
        f.path = add_str(&b, path, strlen(path));
        memcpy(b.data + r.file_off, &f, sizeof(f));
    }
    hs_buf_pad(&b, 8);
    if (b.failed)
    {
        hs_buf_free(&b);
        return -1;
    }
    r.size = (uint32_t)b.len;
    memcpy(b.data, &r, sizeof(r));
    out->r = (struct hs_wire_response *)b.data;
    out->size = r.size;
    if (!hs_wire_response_valid(out->r, out->size))
    {
        fprintf(stderr, "httpsys-engine-bench: built an invalid response blob\n");
        return -1;
    }
    return 0;
}

/* The request's cooked path (UTF-16LE in the wire blob) equals ASCII s. */
static int path_is(const struct hs_request *req, const char *s)
{
    const struct hs_wire_request *w = (const struct hs_wire_request *)req->wire;
    const uint8_t *p = req->wire + w->cooked_url.off + w->cooked_path_off;
    size_t n = strlen(s), i;

    if (w->cooked_path_len != 2 * n) return 0;
    for (i = 0; i < n; i++)
        if (p[2 * i] != (uint8_t)s[i] || p[2 * i + 1]) return 0;
    return 1;
}

/* Does what the application does for each request the queue holds: receive
 * it, send the whole response in one call. */
static void answer_ready(struct bench *b)
{
    struct hs_queue *q = b->q;

    while (!hs_list_empty(&q->ready))
    {
        struct hs_request *req = HS_CONTAINER(q->ready.next, struct hs_request, link);
        const struct canned *c;
        struct hs_conn *conn = req->conn;
        uint32_t err;

        hs_list_remove(&req->link);
        hs_request_delivered(req);   /* frees it if its client is already gone */
        if (!conn) continue;
        if (path_is(req, "/")) c = &b->hello;
        else if (b->file.r && path_is(req, "/1m.bin")) c = &b->file;
        else c = &b->not_found;
        c->r->request_id = req->id;
        if ((err = hs_request_send(&b->eng, req, c->r, c->size)))
        {
            WARN("response to request %llu failed: %u", (unsigned long long)req->id, err);
            hs_conn_close(conn);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* TLS                                                                       */
/* ------------------------------------------------------------------------ */

/* Loads the certificate (any further certificates in the file are its
 * chain) and puts it into the engine's certificate cache as the entry the
 * binding names, READY, as the driver's HS_MSG_CERT_REPLY would leave it:
 * no handshake ever waits for a fetch. */
static int provide_certificate(struct hs_engine *eng, const char *cert_path, const char *key_path,
                               const struct hs_ssl_binding *binding)
{
    struct hs_cert_material *m;
    struct hs_cert_entry *e;
    STACK_OF(X509) *chain = sk_X509_new_null();
    X509 *cert = NULL, *x;
    EVP_PKEY *key = NULL;
    FILE *f;
    uint32_t err;

    if ((f = fopen(cert_path, "r")))
    {
        cert = PEM_read_X509(f, NULL, NULL, NULL);
        while (chain && (x = PEM_read_X509(f, NULL, NULL, NULL)))
            if (!sk_X509_push(chain, x)) X509_free(x);
        fclose(f);
    }
    if ((f = fopen(key_path, "r")))
    {
        key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        fclose(f);
    }
    ERR_clear_error();   /* the end of the chain reads as an error */
    if ((err = hs_cert_material_new(cert, key, chain, &m)))
    {
        fprintf(stderr, "httpsys-engine-bench: %s / %s: no usable certificate and key (error %u)\n",
                cert_path, key_path, err);
        return -1;
    }
    if (!(e = calloc(1, sizeof(*e))))
    {
        hs_cert_material_unref(m);
        return -1;
    }
    e->source = HS_CERT_FROM_STORE;
    e->hash_len = binding->hash_len;
    memcpy(e->hash, binding->hash, binding->hash_len);
    snprintf(e->name, sizeof(e->name), "MY");
    e->state = HS_CERT_READY;
    e->m = m;
    hs_list_init(&e->waiters);
    hs_list_add_tail(&eng->certs, &e->link);
    return 0;
}

/* The certificate's SHA-1 thumbprint in hex, the binding's hash. */
static int thumbprint(const char *cert_path, char hex[41])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0, i;
    X509 *cert = NULL;
    FILE *f = fopen(cert_path, "r");

    if (f)
    {
        cert = PEM_read_X509(f, NULL, NULL, NULL);
        fclose(f);
    }
    if (!cert || !X509_digest(cert, EVP_sha1(), md, &len) || len != 20)
    {
        X509_free(cert);
        fprintf(stderr, "httpsys-engine-bench: %s: not a PEM certificate\n", cert_path);
        return -1;
    }
    X509_free(cert);
    for (i = 0; i < len; i++) sprintf(hex + 2 * i, "%02x", md[i]);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* startup and the loop                                                      */
/* ------------------------------------------------------------------------ */

static void usage(void)
{
    fprintf(stderr, "usage: httpsys-engine-bench --port N [--tls CERT.pem KEY.pem] [--file /path/to/1m.bin] "
            "[--http-port M]\n");
}

/* A URL prefix of the queue, and the listener on its port. */
static int add_prefix(struct bench *b, const char *scheme, unsigned port)
{
    struct hs_prefix prefix;
    char url[64];
    uint32_t err;

    snprintf(url, sizeof(url), "%s://+:%u/", scheme, port);
    if (hs_prefix_parse(url, strlen(url), &prefix)) return -1;
    err = (uint32_t)hs_router_add(&b->eng.router, &prefix, b->q->id, 0);
    hs_prefix_free(&prefix);
    if (err) return -1;
    b->q->url_count++;
    if ((err = hs_listener_ensure(&b->eng, (uint16_t)port, !strcmp(scheme, "https"))))
    {
        fprintf(stderr, "httpsys-engine-bench: cannot listen on 127.0.0.1:%u (error %u)\n", port, err);
        return -1;
    }
    return 0;
}

/* What the driver would configure and register: the IP listen list, the
 * SSL binding, a queue with the URL prefixes. */
static int setup(struct bench *b, unsigned port, const char *cert, const char *key, unsigned http_port)
{
    struct hs_engine *eng = &b->eng;
    char records[256], hash[41];

    snprintf(records, sizeof(records), "listen 127.0.0.1\n");
    if (cert)
    {
        if (thumbprint(cert, hash)) return -1;
        snprintf(records + strlen(records), sizeof(records) - strlen(records),
                 "ssl ip 0.0.0.0:%u hash=%s store=MY flags=0\n", port, hash);
    }
    if (hs_engine_apply_records(eng, records, strlen(records)) ||
        eng->records.ssl_count != (cert ? 1u : 0u))
        return -1;
    if (cert && provide_certificate(eng, cert, key, &eng->records.ssl[0])) return -1;

    if (!(b->q = hs_queue_new(eng))) return -1;
    /* no application maps the rings: requests stay on the ready list */
    hs_shmq_destroy(b->q->shm);
    b->q->shm = NULL;

    if (add_prefix(b, cert ? "https" : "http", port)) return -1;
    if (http_port && add_prefix(b, "http", http_port)) return -1;
    return 0;
}

static void run(struct bench *b)
{
    struct hs_engine *eng = &b->eng;

    while (!got_signal)
    {
        int events;

        /* answering a request lets a pipelined one through, which may be ready at once */
        do
        {
            hs_conn_run_queue(eng);
            answer_ready(b);
        } while (!hs_list_empty(&eng->runq));
        if ((events = hs_evloop_run_once(eng->loop, -1)) < 0)
        {
            ERR("epoll failed: %s", strerror(errno));
            break;
        }
        hs_engine_after_events(eng, events);
        hs_conn_reap_graveyard(eng);
    }
}

int main(int argc, char **argv)
{
    static struct bench b;
    struct hs_engine *eng = &b.eng;
    const char *cert = NULL, *key = NULL, *file = NULL;
    struct rlimit rl;
    unsigned long port = 0, http_port = 0;
    char *end;
    int i, ret = 1;

    hs_engine_tune_allocator();   /* as httpsys-engine does */
    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--port") && i + 1 < argc)
        {
            port = strtoul(argv[++i], &end, 10);
            if (*end || !port || port > 65535) { usage(); return 2; }
        }
        else if (!strcmp(argv[i], "--tls") && i + 2 < argc) { cert = argv[++i]; key = argv[++i]; }
        else if (!strcmp(argv[i], "--file") && i + 1 < argc) file = argv[++i];
        else if (!strcmp(argv[i], "--http-port") && i + 1 < argc)
        {
            http_port = strtoul(argv[++i], &end, 10);
            if (*end || !http_port || http_port > 65535) { usage(); return 2; }
        }
        else { usage(); return 2; }
    }
    if (!port || (http_port && (!cert || http_port == port))) { usage(); return 2; }

    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max)
    {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    hs_log_init(getenv("WINEDEBUG"), NULL);

    hs_config_defaults(&eng->cfg);
    hs_config_finish(&eng->cfg);
    hs_engine_init_lists(eng);
    eng->doorbell_fd = -1;
    if (hs_tls_init(eng) || !(eng->loop = hs_evloop_new()))
    {
        fprintf(stderr, "httpsys-engine-bench: cannot set up TLS or the event loop\n");
        return 1;
    }
    if (make_response(&b.hello, 200, "OK", "text/plain", "Hello, World!", NULL) ||
        make_response(&b.not_found, 404, "Not Found", NULL, "", NULL) ||
        (file && make_response(&b.file, 200, "OK", "application/octet-stream", "", file)))
        goto done;
    if (setup(&b, (unsigned)port, cert, key, (unsigned)http_port)) goto done;
    fprintf(stderr, "httpsys-engine-bench: serving %s://127.0.0.1:%lu/\n", cert ? "https" : "http", port);
    if (http_port) fprintf(stderr, "httpsys-engine-bench: serving http://127.0.0.1:%lu/\n", http_port);

    run(&b);
    ret = 0;

done:
    hs_engine_shutdown(eng);
    hs_conn_reap_graveyard(eng);
    hs_certs_forget_all(eng);
    hs_tls_free(eng);
    hs_records_free(&eng->records);
    hs_router_free(&eng->router);
    hs_evloop_free(eng->loop);
    free(b.hello.r);
    free(b.file.r);
    free(b.not_found.r);
    hs_log_close();
    return ret;
}

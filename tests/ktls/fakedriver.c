/*
 * A minimal stand-in for the http.sys driver, for the kTLS test VM
 * (tests/ktls/run.sh): it starts the engine, speaks the control channel of
 * include/httpsys_proto.h, serves one certificate to every SSL binding and
 * answers every request with a small memory body, or, for /blob.bin, with
 * one file chunk that the engine sends itself.
 *
 * usage: fakedriver --engine BIN --rundir DIR --hash HEX40 --cert CERT.der
 *                   --key KEY.pk8 --blob /abs/path [--param NAME:dword=V]...
 *
 * Bindings: 0.0.0.0:4433 (flags 0, for TLS 1.3) and 0.0.0.0:4434 (flags 2,
 * NEGOTIATE_CLIENT_CERT, so that TLS 1.2 is offloaded too).  Once the URLs are
 * registered it creates DIR/driver-ready.  SIGTERM or SIGINT: it closes the
 * control channel (which makes the engine exit) and waits for the engine.
 * Messages go to stderr, prefixed "fakedriver:".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "httpsys_proto.h"

#define PORT_TLS13 4433
#define PORT_TLS12 4434
#define IMAGE_BASE 0x10000ull
#define FILE_ID    1
#define CLIENT_PID 4242

static const char *engine_bin, *rundir, *hash_hex, *cert_path, *key_path, *blob_path;
static const char *params[16];
static int param_count;

static int ctl = -1;
static pid_t engine_pid;
static volatile sig_atomic_t stopping;
static uint64_t next_op = 1;

static unsigned char *cert_der, *key_der;
static size_t cert_len, key_len;

/* the frame reader's buffer */
static unsigned char *rbuf;
static size_t rlen, rcap;

static void msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fakedriver: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    long n;

    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc(n)) && fread(data, 1, n, f) == (size_t)n)
        *len = n;
    else
    {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

/* ------------------------------------------------------------------------ */
/* frames                                                                    */
/* ------------------------------------------------------------------------ */

static int write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len)
    {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static int send_frame(uint16_t type, uint64_t op, uint64_t file, const void *a, size_t alen,
                      const void *b, size_t blen)
{
    struct hs_msg_header h;

    memset(&h, 0, sizeof(h));
    h.length = (uint32_t)(sizeof(h) + alen + blen);
    h.type = type;
    h.op = op;
    h.file = file;
    if (write_all(ctl, &h, sizeof(h)) || (alen && write_all(ctl, a, alen)) || (blen && write_all(ctl, b, blen)))
    {
        msg("cannot write to the engine: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads one frame into *hdr / *body (valid until the next call).
 * Returns 1, 0 on timeout or signal, -1 on EOF or error. */
static int read_frame(struct hs_msg_header *hdr, unsigned char **body, double timeout)
{
    double deadline = now() + timeout;
    static size_t consumed;

    if (consumed)
    {
        memmove(rbuf, rbuf + consumed, rlen - consumed);
        rlen -= consumed;
        consumed = 0;
    }
    for (;;)
    {
        struct pollfd pfd = { ctl, POLLIN, 0 };
        double left;
        ssize_t n;

        if (rlen >= sizeof(*hdr))
        {
            memcpy(hdr, rbuf, sizeof(*hdr));
            if (hdr->length < sizeof(*hdr) || hdr->length > HS_MAX_FRAME)
            {
                msg("bad frame length %u", hdr->length);
                return -1;
            }
            if (rlen >= hdr->length)
            {
                *body = rbuf + sizeof(*hdr);
                consumed = hdr->length;
                return 1;
            }
            if (rcap < hdr->length)
            {
                unsigned char *p = realloc(rbuf, hdr->length);
                if (!p) return -1;
                rbuf = p;
                rcap = hdr->length;
            }
        }
        if (rcap - rlen < 65536)
        {
            unsigned char *p = realloc(rbuf, rcap + 65536);
            if (!p) return -1;
            rbuf = p;
            rcap += 65536;
        }
        if (stopping) return 0;
        left = deadline - now();
        if (left <= 0) return 0;
        if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0) continue;
        n = read(ctl, rbuf + rlen, rcap - rlen);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
        {
            msg("the engine closed the control channel");
            return -1;
        }
        rlen += n;
    }
}

static void answer_cert(uint64_t op, const unsigned char *body, uint32_t len)
{
    struct hs_msg_cert_request req;
    struct hs_msg_cert_reply rep = { 0, HS_CERT_DER };
    size_t size = sizeof(rep) + 4 + cert_len + 4 + 4 + key_len;
    unsigned char *out = malloc(size), *p = out;
    uint32_t v;

    memset(&req, 0, sizeof(req));
    memcpy(&req, body, len < sizeof(req) ? len : sizeof(req));
    msg("certificate request (source %u, hash_len %u): answering with %s", req.source, req.hash_len, cert_path);
    if (!out) return;
    memcpy(p, &rep, sizeof(rep)); p += sizeof(rep);
    v = (uint32_t)cert_len; memcpy(p, &v, 4); p += 4;
    memcpy(p, cert_der, cert_len); p += cert_len;
    v = 0; memcpy(p, &v, 4); p += 4;   /* no chain */
    v = (uint32_t)key_len; memcpy(p, &v, 4); p += 4;
    memcpy(p, key_der, key_len);
    send_frame(HS_MSG_CERT_REPLY, op, 0, out, size, NULL, 0);
    free(out);
}

/* Waits for the completion of op, answering certificate requests meanwhile.
 * Returns 1 with *status, *info, *out, *out_len set; 0 on timeout or signal;
 * -1 if the channel is gone. */
static int wait_complete(uint64_t op, double timeout, uint32_t *status, uint64_t *info,
                         unsigned char **out, uint32_t *out_len)
{
    double deadline = now() + timeout;

    for (;;)
    {
        struct hs_msg_header h;
        unsigned char *body;
        double left = deadline - now();
        int r;

        if (left <= 0) return 0;
        if ((r = read_frame(&h, &body, left)) <= 0) return r;
        switch (h.type)
        {
        case HS_MSG_CERT_REQUEST:
            answer_cert(h.op, body, h.length - sizeof(h));
            break;
        case HS_MSG_COMPLETE:
        {
            struct hs_msg_complete c;
            if (h.length < sizeof(h) + sizeof(c))
            {
                msg("short completion");
                return -1;
            }
            if (h.op != op)
            {
                msg("completion of unexpected op %llu ignored", (unsigned long long)h.op);
                break;
            }
            memcpy(&c, body, sizeof(c));
            *status = c.status;
            *info = c.information;
            *out = body + sizeof(c);
            *out_len = h.length - sizeof(h) - sizeof(c);
            return 1;
        }
        case HS_MSG_BYE:
            msg("the engine said BYE");
            return -1;
        default:
            msg("frame type %u ignored", h.type);
        }
    }
}

static uint64_t ioctl_send(uint32_t code, const void *in, size_t in_len, uint32_t out_size)
{
    struct hs_msg_ioctl io = { code, out_size, CLIENT_PID, 0 };
    uint64_t op = next_op++;

    if (send_frame(HS_MSG_IOCTL, op, FILE_ID, &io, sizeof(io), in, in_len)) return 0;
    return op;
}

static int ioctl_call(const char *what, uint32_t code, const void *in, size_t in_len)
{
    uint32_t status = 0, out_len;
    uint64_t info, op = ioctl_send(code, in, in_len, 0);
    unsigned char *out;
    int r;

    if (!op) return -1;
    if ((r = wait_complete(op, 20, &status, &info, &out, &out_len)) <= 0)
    {
        msg("%s: no completion", what);
        return -1;
    }
    if (status)
    {
        msg("%s failed: status 0x%08x", what, status);
        return -1;
    }
    return 0;
}

static int add_url(const char *url)
{
    struct hs_url_params p = { 0, 0, (uint32_t)strlen(url) };
    unsigned char buf[sizeof(p) + 256];

    memcpy(buf, &p, sizeof(p));
    memcpy(buf + sizeof(p), url, p.url_len);
    return ioctl_call(url, HS_IOCTL_ADD_URL, buf, sizeof(p) + p.url_len);
}

/* ------------------------------------------------------------------------ */
/* responses                                                                 */
/* ------------------------------------------------------------------------ */

/* An hs_wire_response blob, laid out like wire_response() of
 * tests/lib/enginectl.py: the fixed part, the reason, padding, the body, and
 * then (ours) the file chunk array and the file's path. */
static unsigned char *build_response(uint64_t request_id, const char *body, const char *file,
                                     uint64_t file_size, uint64_t file_ino, size_t *size_out)
{
    struct hs_wire_response r;
    size_t cap = sizeof(r) + 64 + strlen(body) + sizeof(struct hs_wire_file) + 4096 + 16;
    unsigned char *b = calloc(1, cap);
    size_t len = sizeof(r);

    if (!b) return NULL;
    memset(&r, 0, sizeof(r));
    r.kind = HS_RESP_HEADERS;
    r.request_id = request_id;
    r.flags = 0;
    r.status = 200;
    r.version_major = 1;
    r.version_minor = 1;
    r.reason.off = (uint32_t)len;
    r.reason.len = 2;
    memcpy(b + len, "OK", 2);
    len += 2;
    len = hs_align8(len);
    r.unknown_off = (uint32_t)len;
    r.unknown_count = 0;
    r.body.off = (uint32_t)len;
    r.body.len = (uint32_t)strlen(body);
    memcpy(b + len, body, r.body.len);
    len += r.body.len;
    if (file)
    {
        struct hs_wire_file f;
        size_t plen = strlen(file);

        len = hs_align8(len);
        memset(&f, 0, sizeof(f));
        f.body_pos = r.body.len;
        f.offset = 0;
        f.length = file_size;
        f.file_index = file_ino;
        f.path.off = (uint32_t)(len + sizeof(f));
        f.path.len = (uint32_t)plen;
        r.file_count = 1;
        r.file_off = (uint32_t)len;
        memcpy(b + len, &f, sizeof(f));
        len += sizeof(f);
        memcpy(b + len, file, plen + 1);
        len += plen + 1;
    }
    len = hs_align8(len);
    r.size = (uint32_t)len;
    memcpy(b, &r, sizeof(r));
    *size_out = len;
    return b;
}

static void serve(void)
{
    struct stat st;
    int have_blob = stat(blob_path, &st) == 0;

    if (!have_blob) msg("cannot stat %s: %s", blob_path, strerror(errno));
    while (!stopping)
    {
        struct hs_receive_params rp = { 0, IMAGE_BASE, 0, HS_IMAGE_V1 };
        uint32_t status, out_len, st_send;
        uint64_t info, op, request_id, url_ptr;
        unsigned char *out, *resp;
        uint16_t url_len;
        char url[1024];
        size_t resp_len;
        int r, is_blob;

        if (!(op = ioctl_send(HS_IOCTL_RECEIVE_REQUEST, &rp, sizeof(rp), 16384))) return;
        while ((r = wait_complete(op, 3600, &status, &info, &out, &out_len)) == 0 && !stopping) {}
        if (r <= 0) return;
        if (status)
        {
            msg("receive failed: status 0x%08x", status);
            return;
        }
        if (out_len < 64)
        {
            msg("short request image (%u bytes)", out_len);
            return;
        }
        memcpy(&request_id, out + 16, 8);
        memcpy(&url_len, out + 42, 2);
        memcpy(&url_ptr, out + 56, 8);
        url[0] = 0;
        if (url_ptr >= IMAGE_BASE && url_ptr - IMAGE_BASE + url_len <= out_len && url_len < sizeof(url))
        {
            memcpy(url, out + (url_ptr - IMAGE_BASE), url_len);
            url[url_len] = 0;
        }
        is_blob = !strcmp(url, "/blob.bin") && have_blob;
        msg("request %llu for %s: answering with %s", (unsigned long long)request_id, url,
            is_blob ? "a file chunk" : "\"hello\"");
        if (is_blob)
            resp = build_response(request_id, "", blob_path, (uint64_t)st.st_size, (uint64_t)st.st_ino, &resp_len);
        else
            resp = build_response(request_id, "hello\n", NULL, 0, 0, &resp_len);
        if (!resp) return;
        op = ioctl_send(HS_IOCTL_SEND, resp, resp_len, 0);
        free(resp);
        if (!op) return;
        if ((r = wait_complete(op, 120, &st_send, &info, &out, &out_len)) < 0) return;
        if (r == 0) msg("send of request %llu: no completion", (unsigned long long)request_id);
        else msg("send of request %llu: status 0x%08x, %llu bytes", (unsigned long long)request_id, st_send,
                 (unsigned long long)info);
    }
}

/* ------------------------------------------------------------------------ */
/* startup                                                                   */
/* ------------------------------------------------------------------------ */

static int start_engine(void)
{
    char ready[600], logpath[600];
    const char *argv[40];
    double deadline;
    int argc = 0, i;

    snprintf(ready, sizeof(ready), "%s/ready", rundir);
    snprintf(logpath, sizeof(logpath), "%s/engine.stderr", rundir);
    if (mkdir(rundir, 0700) && errno != EEXIST)
    {
        msg("cannot create %s: %s", rundir, strerror(errno));
        return -1;
    }
    chmod(rundir, 0700);
    unlink(ready);
    argv[argc++] = engine_bin;
    argv[argc++] = "--rundir";
    argv[argc++] = rundir;
    for (i = 0; i < param_count; i++)
    {
        argv[argc++] = "--param";
        argv[argc++] = params[i];
    }
    argv[argc] = NULL;
    engine_pid = fork();
    if (engine_pid < 0) return -1;
    if (!engine_pid)
    {
        int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0)
        {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        setenv("WINEDEBUG", "+httpsys", 1);
        execv(engine_bin, (char **)argv);
        fprintf(stderr, "cannot run %s: %s\n", engine_bin, strerror(errno));
        _exit(127);
    }
    deadline = now() + 20;
    while (access(ready, R_OK))
    {
        int st;
        if (waitpid(engine_pid, &st, WNOHANG) == engine_pid)
        {
            msg("the engine exited before it was ready (status 0x%x; see %s)", st, logpath);
            engine_pid = 0;
            return -1;
        }
        if (now() > deadline || stopping)
        {
            msg("the engine did not write %s", ready);
            return -1;
        }
        usleep(20000);
    }
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int connect_engine(void)
{
    char path[600], text[256], secret_hex[2 * HS_SECRET_BYTES + 8];
    struct hs_msg_auth auth;
    struct sockaddr_in sa;
    struct hs_msg_header h;
    unsigned char *body;
    unsigned int port, pid;
    FILE *f;
    int i, one = 1, ok = 0;

    snprintf(path, sizeof(path), "%s/ready", rundir);
    /* the file may be seen before its text is complete */
    for (i = 0; i < 100 && !ok; i++)
    {
        if ((f = fopen(path, "r")))
        {
            ok = fgets(text, sizeof(text), f) && sscanf(text, "%u %70s %u", &port, secret_hex, &pid) == 3 &&
                 strlen(secret_hex) == 2 * HS_SECRET_BYTES;
            fclose(f);
        }
        if (!ok) usleep(20000);
    }
    if (!ok)
    {
        msg("cannot read %s", path);
        return -1;
    }
    memset(&auth, 0, sizeof(auth));
    auth.magic = HS_AUTH_MAGIC;
    auth.version = HS_PROTO_VERSION;
    for (i = 0; i < HS_SECRET_BYTES; i++)
        auth.secret[i] = (unsigned char)(hexval(secret_hex[2 * i]) << 4 | hexval(secret_hex[2 * i + 1]));
    ctl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (ctl < 0 || connect(ctl, (struct sockaddr *)&sa, sizeof(sa)))
    {
        msg("cannot connect to the engine on port %u: %s", port, strerror(errno));
        return -1;
    }
    setsockopt(ctl, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (send_frame(HS_MSG_AUTH, 0, 0, &auth, sizeof(auth), NULL, 0)) return -1;
    if (read_frame(&h, &body, 10) <= 0 || h.type != HS_MSG_WELCOME)
    {
        msg("no WELCOME from the engine");
        return -1;
    }
    msg("connected to engine pid %u on port %u", pid, port);
    return 0;
}

static int setup(void)
{
    struct hs_msg_open open_msg = { CLIENT_PID, 0 };
    struct hs_queue_params qp = { 1, 0, 0 };
    char config[1024], marker[600];
    int fd;

    snprintf(config, sizeof(config),
             "ssl ip 0.0.0.0:%d hash=%s store=MY flags=0 checkmode=0 freshness=0 urltimeout=0\n"
             "ssl ip 0.0.0.0:%d hash=%s store=MY flags=2 checkmode=0 freshness=0 urltimeout=0\n",
             PORT_TLS13, hash_hex, PORT_TLS12, hash_hex);
    if (send_frame(HS_MSG_CONFIG, 0, 0, config, strlen(config), NULL, 0)) return -1;
    if (send_frame(HS_MSG_OPEN, 0, FILE_ID, &open_msg, sizeof(open_msg), NULL, 0)) return -1;
    if (ioctl_call("SET_QUEUE", HS_IOCTL_SET_QUEUE, &qp, sizeof(qp))) return -1;
    if (add_url("https://+:4433/") || add_url("https://+:4434/")) return -1;
    snprintf(marker, sizeof(marker), "%s/driver-ready", rundir);
    if ((fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0) close(fd);
    msg("serving https://+:%d/ (TLS 1.3 binding) and https://+:%d/ (client-certificate binding)",
        PORT_TLS13, PORT_TLS12);
    return 0;
}

static void stop_engine(void)
{
    double deadline = now() + 10;
    int st;

    if (ctl >= 0) close(ctl);   /* the engine exits when its driver goes away */
    ctl = -1;
    if (engine_pid <= 0) return;
    while (now() < deadline)
    {
        if (waitpid(engine_pid, &st, WNOHANG) == engine_pid)
        {
            msg("the engine exited (status 0x%x)", st);
            return;
        }
        usleep(20000);
    }
    msg("the engine did not exit: killing it");
    kill(engine_pid, SIGKILL);
    waitpid(engine_pid, &st, 0);
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    int i, rc = 1;

    for (i = 1; i + 1 < argc; i += 2)
    {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--engine")) engine_bin = v;
        else if (!strcmp(o, "--rundir")) rundir = v;
        else if (!strcmp(o, "--hash")) hash_hex = v;
        else if (!strcmp(o, "--cert")) cert_path = v;
        else if (!strcmp(o, "--key")) key_path = v;
        else if (!strcmp(o, "--blob")) blob_path = v;
        else if (!strcmp(o, "--param") && param_count < 16) params[param_count++] = v;
        else break;
    }
    if (i < argc || !engine_bin || !rundir || !hash_hex || strlen(hash_hex) != 40 || !cert_path || !key_path ||
        !blob_path)
    {
        fprintf(stderr, "usage: %s --engine BIN --rundir DIR --hash HEX40 --cert CERT.der --key KEY.pk8 "
                "--blob /abs/path [--param NAME:dword=V]...\n", argv[0]);
        return 2;
    }
    if (!(cert_der = read_file(cert_path, &cert_len)) || !(key_der = read_file(key_path, &key_len)))
    {
        msg("cannot read the certificate or the key");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;   /* no SA_RESTART: poll and sleeps return */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (!start_engine() && !connect_engine() && !setup())
    {
        rc = 0;
        serve();
        if (!stopping)
        {
            msg("the control channel failed");
            rc = 1;
        }
    }
    stop_engine();
    return rc;
}

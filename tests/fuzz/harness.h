/*
 * An engine in the fuzz target's own process, driven the way the driver
 * drives it: over the real control channel (loopback TCP, authenticated
 * with the secret of the ready file), with the harness playing the driver.
 * Clients reach its listeners over loopback TCP.
 *
 * Whatever the input asks for stays inside the harness:
 *   - every listener binds to loopback on a port the kernel picks, whatever
 *     port the URL named; getsockname() reports the named port back, so the
 *     engine routes as it would (bind and getsockname are replaced below);
 *   - files are created only in the harness's sandbox directory and
 *     /dev/shm/httpsys-* (the queues' rings); a log directory the input
 *     names elsewhere gets EACCES (open and openat are replaced below).
 * Each input gets a fresh engine (hs_harness_start/hs_harness_stop).
 */
#ifndef HS_FUZZ_HARNESS_H
#define HS_FUZZ_HARNESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "engine.h"
#include "certs.h"
#include "conn.h"
#include "conntable.h"
#include "logon.h"
#include "cachectl.h"
#include "control.h"
#include "httperr.h"
#include "log.h"
#include "queue.h"
#include "tls.h"

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); \
                                   __builtin_trap(); } } while (0)

extern const struct hs_control_handlers hs_engine_handlers;

/* ------------------------------------------------------------------------ */
/* the sandbox: sockets and files                                            */
/* ------------------------------------------------------------------------ */

static char hs_sandbox[256];

#define HS_MAX_PORTS 64
static struct { int family; uint16_t named, real; } hs_ports[HS_MAX_PORTS];
static unsigned hs_port_count;

static uint16_t *sa_port(struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) return &((struct sockaddr_in *)sa)->sin_port;
    if (sa->sa_family == AF_INET6) return &((struct sockaddr_in6 *)sa)->sin6_port;
    return NULL;
}

static int real_getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
    return (int)syscall(SYS_getsockname, fd, sa, len);
}

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
    struct sockaddr_storage ss, got;
    socklen_t glen = sizeof(got);
    uint16_t *port, named;

    if (len > sizeof(ss) || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
        return (int)syscall(SYS_bind, fd, sa, len);
    memcpy(&ss, sa, len);
    port = sa_port((struct sockaddr *)&ss);
    named = ntohs(*port);
    if (sa->sa_family == AF_INET) ((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else ((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
    if (!named) return (int)syscall(SYS_bind, fd, &ss, len);
    if (hs_port_count == HS_MAX_PORTS) { errno = EADDRINUSE; return -1; }
    *port = 0;
    if (syscall(SYS_bind, fd, &ss, len) || real_getsockname(fd, (struct sockaddr *)&got, &glen)) return -1;
    hs_ports[hs_port_count].family = sa->sa_family;
    hs_ports[hs_port_count].named = named;
    hs_ports[hs_port_count].real = ntohs(*sa_port((struct sockaddr *)&got));
    hs_port_count++;
    return 0;
}

int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
    uint16_t *port;
    unsigned i;

    if (real_getsockname(fd, sa, len)) return -1;
    if (!(port = sa_port(sa))) return 0;
    for (i = 0; i < hs_port_count; i++)
        if (hs_ports[i].family == sa->sa_family && hs_ports[i].real == ntohs(*port))
            *port = htons(hs_ports[i].named);
    return 0;
}

/* The real port a listener for a named port got, or 0. */
static uint16_t hs_real_port(int family, uint16_t named)
{
    unsigned i;
    for (i = 0; i < hs_port_count; i++)
        if (hs_ports[i].family == family && hs_ports[i].named == named) return hs_ports[i].real;
    return 0;
}

static int path_allowed(int dirfd, const char *path)
{
    char full[PATH_MAX * 2], link[64];
    ssize_t n;

    if (path[0] == '/') snprintf(full, sizeof(full), "%s", path);
    else
    {
        if (dirfd == AT_FDCWD) return 0;   /* relative to wherever the fuzzer runs: no */
        snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
        if ((n = readlink(link, full, PATH_MAX)) <= 0) return 0;
        full[n] = 0;
        snprintf(full + n, sizeof(full) - (size_t)n, "/%s", path);
    }
    if (strstr(full, "/../") || strstr(full, "/./")) return 0;
    return (hs_sandbox[0] && !strncmp(full, hs_sandbox, strlen(hs_sandbox)) && full[strlen(hs_sandbox)] == '/') ||
           !strncmp(full, "/dev/shm/httpsys-", 17);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    va_list ap;

    if (flags & (O_CREAT | O_TMPFILE))
    {
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    if ((flags & (O_CREAT | O_TMPFILE | O_WRONLY | O_RDWR | O_TRUNC)) && !path_allowed(dirfd, path))
    {
        errno = EACCES;
        return -1;
    }
    return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    va_list ap;

    if (flags & (O_CREAT | O_TMPFILE))
    {
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return openat(AT_FDCWD, path, flags, mode);
}

int mkdir(const char *path, mode_t mode)
{
    if (!path_allowed(AT_FDCWD, path)) { errno = EACCES; return -1; }
    return (int)syscall(SYS_mkdirat, AT_FDCWD, path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
    if (!path_allowed(dirfd, path)) { errno = EACCES; return -1; }
    return (int)syscall(SYS_mkdirat, dirfd, path, mode);
}

static void hs_sandbox_remove(void)
{
    char path[400];

    snprintf(path, sizeof(path), "%s/run/%s", hs_sandbox, HS_READY_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s/run", hs_sandbox);
    rmdir(path);
    rmdir(hs_sandbox);
}

static void hs_sandbox_init(void)
{
    char tmpl[] = "/dev/shm/hs-fuzz-XXXXXX", run[300];   /* tmpfs: the ready file is written per input */

    if (hs_sandbox[0]) return;
    if (!mkdtemp(tmpl)) abort();
    snprintf(hs_sandbox, sizeof(hs_sandbox), "%s", tmpl);
    snprintf(run, sizeof(run), "%s/run", hs_sandbox);
    if (mkdir(run, 0700)) abort();
    atexit(hs_sandbox_remove);
    hs_log_init(getenv("HS_FUZZ_LOG") ? "+httpsys" : "-all", NULL);
}

/* ------------------------------------------------------------------------ */
/* the engine and the driver's end of its channel                            */
/* ------------------------------------------------------------------------ */

struct hs_harness;
typedef void (*hs_frame_fn)(struct hs_harness *h, const struct hs_msg_header *hdr, const uint8_t *body, uint32_t len);

struct hs_harness
{
    struct hs_engine eng;
    int drv;                  /* the driver's socket */
    uint8_t *in;
    size_t in_len, in_cap;
    int broken;               /* the engine closed the channel */
    int bye;
    hs_frame_fn frame;        /* every frame from the engine but WELCOME */
    void *ctx;
};

static void hs_harness_send(struct hs_harness *h, uint16_t type, uint64_t op, uint64_t file,
                            const void *a, uint32_t alen, const void *b, uint32_t blen);

static void hs_harness_read(struct hs_harness *h)
{
    size_t pos = 0;

    for (;;)
    {
        ssize_t n;
        if (h->in_cap - h->in_len < 65536)
        {
            h->in_cap = h->in_cap ? h->in_cap * 2 : 262144;
            if (!(h->in = realloc(h->in, h->in_cap))) abort();
        }
        n = recv(h->drv, h->in + h->in_len, h->in_cap - h->in_len, MSG_DONTWAIT);
        if (n == 0) { h->broken = 1; break; }
        if (n < 0) { if (errno == EINTR) continue; if (errno != EAGAIN) h->broken = 1; break; }
        h->in_len += (size_t)n;
    }
    while (h->in_len - pos >= sizeof(struct hs_msg_header))
    {
        struct hs_msg_header hdr;
        memcpy(&hdr, h->in + pos, sizeof(hdr));
        REQUIRE(hdr.length >= sizeof(hdr) && hdr.length <= HS_MAX_FRAME);
        if (hdr.length > h->in_len - pos) break;
        if (hdr.type == HS_MSG_BYE) h->bye = 1;
        if (hdr.type != HS_MSG_WELCOME && h->frame)
            h->frame(h, &hdr, h->in + pos + sizeof(hdr), hdr.length - (uint32_t)sizeof(hdr));
        pos += hdr.length;
    }
    memmove(h->in, h->in + pos, h->in_len - pos);
    h->in_len -= pos;
}

/* Runs the engine's loop the way main.c does, without sleeping, until
 * nothing more happens (or rounds run out); returns events seen. */
static int hs_harness_pump(struct hs_harness *h, int rounds)
{
    struct hs_engine *eng = &h->eng;
    int total = 0;

    while (rounds-- > 0 && !eng->done)
    {
        struct hs_list *cur, *next;
        int work = 0, events;

        hs_conn_run_queue(eng);
        HS_LIST_FOR_EACH_SAFE(cur, next, &eng->queues)
            work += hs_queue_poll(eng, HS_CONTAINER(cur, struct hs_queue, link));
        hs_conn_run_queue(eng);
        events = hs_evloop_run_once(eng->loop, 0);
        REQUIRE(events >= 0);
        hs_conn_reap_graveyard(eng);
        hs_harness_read(h);
        total += events + work;
        if (!events && !work && hs_list_empty(&eng->runq)) break;
    }
    return total;
}

static void hs_harness_send(struct hs_harness *h, uint16_t type, uint64_t op, uint64_t file,
                            const void *a, uint32_t alen, const void *b, uint32_t blen)
{
    struct hs_msg_header hdr = { (uint32_t)sizeof(hdr) + alen + blen, type, 0, op, file };
    struct iovec iov[3] = { { &hdr, sizeof(hdr) }, { (void *)a, alen }, { (void *)b, blen } };
    size_t left = hdr.length;
    unsigned i = 0;

    if (h->broken || h->eng.done) return;
    while (left)
    {
        struct msghdr mh = { .msg_iov = iov + i, .msg_iovlen = 3 - i };
        ssize_t n = sendmsg(h->drv, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0)
        {
            if (errno == EAGAIN || errno == EINTR) { hs_harness_pump(h, 1); if (h->eng.done) return; continue; }
            h->broken = 1;
            return;
        }
        left -= (size_t)n;
        while (n > 0 && i < 3)
        {
            size_t take = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;
            iov[i].iov_base = (char *)iov[i].iov_base + take;
            iov[i].iov_len -= take;
            n -= (ssize_t)take;
            if (!iov[i].iov_len) i++;
        }
        while (i < 3 && !iov[i].iov_len) i++;
    }
}

/* Raw bytes into the channel, frames or not. */
static void hs_harness_send_raw(struct hs_harness *h, const void *data, size_t len)
{
    const uint8_t *p = data;

    while (len && !h->broken && !h->eng.done)
    {
        ssize_t n = send(h->drv, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0)
        {
            if (errno == EAGAIN || errno == EINTR) { hs_harness_pump(h, 1); continue; }
            h->broken = 1;
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}


/* Our side closes first, so each connection would leave a TIME_WAIT socket
 * on a loopback port for a minute; at a hundred inputs a second that runs
 * the machine out of ports.  Closing with a reset leaves none. */
static void hs_harness_no_time_wait(int fd)
{
    struct linger lg = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

static void hs_harness_start(struct hs_harness *h, const char *const *params, hs_frame_fn frame, void *ctx)
{
    struct hs_engine *eng = &h->eng;
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct { struct hs_msg_header hdr; struct hs_msg_auth auth; } hello;
    char path[600], line[200];
    unsigned port, i;
    int one = 1;
    FILE *f;

    hs_sandbox_init();
    memset(h, 0, sizeof(*h));
    h->frame = frame;
    h->ctx = ctx;
    hs_port_count = 0;
    hs_config_defaults(&eng->cfg);
    for (; params && *params; params++) hs_config_apply(&eng->cfg, *params);
    hs_config_finish(&eng->cfg);
    snprintf(eng->rundir, sizeof(eng->rundir), "%s/run", hs_sandbox);
    hs_engine_init_lists(eng);
    eng->doorbell_fd = -1;
    REQUIRE(!hs_tls_init(eng));
    REQUIRE((eng->loop = hs_evloop_new()));
    REQUIRE((eng->ctl = hs_control_start(eng, eng->rundir, &hs_engine_handlers)));

    snprintf(path, sizeof(path), "%s/%s", eng->rundir, HS_READY_FILE);
    REQUIRE((f = fopen(path, "r")));
    REQUIRE(fgets(line, sizeof(line), f));
    fclose(f);
    REQUIRE(sscanf(line, "%u", &port) == 1);
    memset(&hello, 0, sizeof(hello));
    hello.hdr.length = sizeof(hello);
    hello.hdr.type = HS_MSG_AUTH;
    hello.auth.magic = HS_AUTH_MAGIC;
    hello.auth.version = HS_PROTO_VERSION;
    for (i = 0; i < HS_SECRET_BYTES; i++) REQUIRE(sscanf(strchr(line, ' ') + 1 + 2 * i, "%2hhx", &hello.auth.secret[i]) == 1);
    sin.sin_port = htons((uint16_t)port);
    REQUIRE((h->drv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0);
    REQUIRE(!connect(h->drv, (struct sockaddr *)&sin, sizeof(sin)));
    setsockopt(h->drv, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));   /* frames must not wait for ACKs */
    hs_harness_no_time_wait(h->drv);
    REQUIRE(send(h->drv, &hello, sizeof(hello), MSG_NOSIGNAL) == sizeof(hello));
    for (i = 0; i < 1000 && !hs_control_connected(eng->ctl); i++) hs_evloop_run_once(eng->loop, 10);
    REQUIRE(hs_control_connected(eng->ctl));
}

/* The driver goes away; the engine shuts down and frees everything, as
 * main.c does. */
static void hs_harness_stop(struct hs_harness *h)
{
    struct hs_engine *eng = &h->eng;
    int i;

    close(h->drv);
    for (i = 0; i < 1000 && !eng->done; i++) hs_evloop_run_once(eng->loop, 10);
    REQUIRE(eng->done);
    hs_conn_reap_graveyard(eng);
    hs_control_free(eng->ctl);
    hs_certs_forget_all(eng);
    hs_tls_free(eng);
    hs_records_free(&eng->records);
    hs_router_free(&eng->router);
    hs_logon_free(eng);
    hs_conn_table_free(eng);
    hs_cachectl_free(eng);
    hs_httperr_free(eng->httperr);
    hs_evloop_free(eng->loop);
    free(h->in);
}

/* A client connection to the listener of a named port (nonblocking), or -1. */
static int hs_harness_connect(uint16_t named)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd, one = 1;

    if (!(sin.sin_port = htons(hs_real_port(AF_INET, named)))) return -1;
    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) { close(fd); return -1; }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    hs_harness_no_time_wait(fd);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

#endif

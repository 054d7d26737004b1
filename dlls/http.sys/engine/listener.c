#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "listener.h"
#include "conn.h"
#include "log.h"

#define ERROR_ACCESS_DENIED       5
#define ERROR_NOT_ENOUGH_MEMORY   8
#define ERROR_SHARING_VIOLATION   32

#define FD_PAUSE_MS 100

static void resume_listener(struct hs_timer *t)
{
    struct hs_listener *l = HS_CONTAINER(t, struct hs_listener, pause);
    hs_ev_mod(l->eng->loop, l->fd, EPOLLIN, &l->ev);
}

static void listener_event(struct hs_ev_handler *h, uint32_t events)
{
    struct hs_listener *l = HS_CONTAINER(h, struct hs_listener, ev);
    int fd, burst = 0;

    (void)events;
    /* a bounded burst, so one busy port does not starve everything else */
    while (burst++ < 64)
    {
        if ((fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
        {
            hs_conn_accept(l, fd);
            continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        {
            /* Out of descriptors: the pending connection stays in the
             * backlog; stop polling this socket for a moment instead of
             * spinning on it. */
            WARN("cannot accept on port %u: %s", l->port, strerror(errno));
            hs_ev_mod(l->eng->loop, l->fd, 0, &l->ev);
            hs_timer_arm(l->eng->loop, &l->pause, FD_PAUSE_MS);
        }
        break;
    }
}

static uint32_t win32_from_errno(int err)
{
    switch (err)
    {
    case EADDRINUSE: return ERROR_SHARING_VIOLATION;
    case EACCES: case EPERM: return ERROR_ACCESS_DENIED;
    case ENOMEM: case ENOBUFS: return ERROR_NOT_ENOUGH_MEMORY;
    default: return ERROR_SHARING_VIOLATION;
    }
}

static int open_socket(const struct sockaddr_storage *ss, int *out)
{
    socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    int fd, one = 1;

    if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) return errno;
    /* SO_REUSEADDR only lets us rebind over TIME_WAIT; a live listener of
     * another program still makes bind fail, as Windows reports it. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ss->ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 4096))
    {
        int err = errno;
        close(fd);
        return err;
    }
    *out = fd;
    return 0;
}

static struct hs_listener *add_listener(struct hs_engine *eng, int fd, const struct sockaddr_storage *addr,
                                        uint16_t port, int secure)
{
    struct hs_listener *l = calloc(1, sizeof(*l));

    if (!l) return NULL;
    l->eng = eng;
    l->fd = fd;
    l->port = port;
    l->family = addr->ss_family;
    l->addr = *addr;
    l->secure = secure;
    l->ev.fn = listener_event;
    l->pause.fn = resume_listener;
    hs_list_add_tail(&eng->listeners, &l->link);
    hs_ev_add(eng->loop, fd, EPOLLIN, &l->ev);
    return l;
}

static int same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) return 0;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

/* The addresses a port is served on: every address (IPv4 and IPv6) with an
 * empty IP listen list, else the listed ones that apply to this port. */
static unsigned desired_addrs(const struct hs_engine *eng, uint16_t port, struct sockaddr_storage *out, unsigned max)
{
    unsigned n = 0, i;

    if (!eng->records.listen_count)
    {
        struct sockaddr_in *sin = (struct sockaddr_in *)&out[0];
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out[1];
        memset(out, 0, 2 * sizeof(*out));
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = htonl(INADDR_ANY);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr = in6addr_any;
        n = 2;
    }
    else
        for (i = 0; i < eng->records.listen_count && n < max; i++)
            if (!eng->records.listen[i].port || eng->records.listen[i].port == port)
                out[n++] = eng->records.listen[i].addr;
    for (i = 0; i < n; i++)
    {
        if (out[i].ss_family == AF_INET6) ((struct sockaddr_in6 *)&out[i])->sin6_port = htons(port);
        else ((struct sockaddr_in *)&out[i])->sin_port = htons(port);
    }
    return n;
}

static void close_listener(struct hs_engine *eng, struct hs_listener *l);

/* Makes the port's listeners match the desired addresses.  Returns 0 when
 * at least one listener serves the port, else the first bind error. */
static uint32_t reconcile_port(struct hs_engine *eng, uint16_t port, int secure)
{
    struct sockaddr_storage want[64];
    struct hs_list *cur, *next;
    unsigned n = desired_addrs(eng, port, want, 64), i, open_count = 0;
    uint32_t first_error = 0;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
    {
        struct hs_listener *l = HS_CONTAINER(cur, struct hs_listener, link);
        int keep = 0;
        if (l->port != port) continue;
        for (i = 0; i < n && !keep; i++) keep = same_ip(&l->addr, &want[i]);
        if (keep) open_count++;
        else close_listener(eng, l);
    }
    for (i = 0; i < n; i++)
    {
        int have = 0, fd = -1, err;
        HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
        {
            struct hs_listener *l = HS_CONTAINER(cur, struct hs_listener, link);
            if (l->port == port && same_ip(&l->addr, &want[i])) have = 1;
        }
        if (have) continue;
        if ((err = open_socket(&want[i], &fd)))
        {
            /* a machine without IPv6 still serves IPv4 */
            if (!eng->records.listen_count && want[i].ss_family == AF_INET6 &&
                (err == EAFNOSUPPORT || err == EADDRNOTAVAIL))
                continue;
            WARN("cannot listen on port %u (%s): %s", port, want[i].ss_family == AF_INET6 ? "IPv6" : "IPv4", strerror(err));
            if (!first_error) first_error = win32_from_errno(err);
            continue;
        }
        if (!add_listener(eng, fd, &want[i], port, secure))
        {
            close(fd);
            if (!first_error) first_error = ERROR_NOT_ENOUGH_MEMORY;
            continue;
        }
        open_count++;
    }
    /* with the wildcard addresses every one must work: another program
     * holding the port is a sharing violation, as on Windows */
    if (!eng->records.listen_count && first_error)
    {
        HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
        {
            struct hs_listener *l = HS_CONTAINER(cur, struct hs_listener, link);
            if (l->port == port) close_listener(eng, l);
        }
        return first_error;
    }
    return open_count ? 0 : (first_error ? first_error : ERROR_SHARING_VIOLATION);
}

uint32_t hs_listener_ensure(struct hs_engine *eng, uint16_t port, int secure)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
        if (HS_CONTAINER(cur, struct hs_listener, link)->port == port) return 0;
    return reconcile_port(eng, port, secure);
}

void hs_listener_reconcile_all(struct hs_engine *eng)
{
    uint16_t ports[1024];
    int secure[1024];
    unsigned n = 0, i;
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
    {
        struct hs_listener *l = HS_CONTAINER(cur, struct hs_listener, link);
        for (i = 0; i < n && ports[i] != l->port; i++) {}
        if (i == n && n < 1024) { ports[n] = l->port; secure[n] = l->secure; n++; }
    }
    for (i = 0; i < n; i++) reconcile_port(eng, ports[i], secure[i]);
}

static void close_listener(struct hs_engine *eng, struct hs_listener *l)
{
    hs_timer_cancel(eng->loop, &l->pause);
    hs_ev_del(eng->loop, l->fd, &l->ev);
    close(l->fd);
    hs_list_remove(&l->link);
    free(l);
}

void hs_listener_release_unused(struct hs_engine *eng)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
    {
        struct hs_listener *l = HS_CONTAINER(cur, struct hs_listener, link);
        if (!hs_router_port_in_use(&eng->router, l->port))
        {
            TRACE("no more prefixes on port %u: closing it", l->port);
            close_listener(eng, l);
        }
    }
}

void hs_listener_close_all(struct hs_engine *eng)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
        close_listener(eng, HS_CONTAINER(cur, struct hs_listener, link));
}

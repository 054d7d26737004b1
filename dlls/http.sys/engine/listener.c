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

static int open_socket(int family, uint16_t port, int *out)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd, one = 1;

    memset(&ss, 0, sizeof(ss));
    if (family == AF_INET6)
    {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        sin6->sin6_addr = in6addr_any;
        len = sizeof(*sin6);
    }
    else
    {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(INADDR_ANY);
        len = sizeof(*sin);
    }
    if ((fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) return errno;
    /* SO_REUSEADDR only lets us rebind over TIME_WAIT; a live listener of
     * another program still makes bind fail, as Windows reports it. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 4096))
    {
        int err = errno;
        close(fd);
        return err;
    }
    *out = fd;
    return 0;
}

static struct hs_listener *add_listener(struct hs_engine *eng, int fd, int family, uint16_t port, int secure)
{
    struct hs_listener *l = calloc(1, sizeof(*l));

    if (!l) return NULL;
    l->eng = eng;
    l->fd = fd;
    l->port = port;
    l->family = family;
    l->secure = secure;
    l->ev.fn = listener_event;
    l->pause.fn = resume_listener;
    hs_list_add_tail(&eng->listeners, &l->link);
    hs_ev_add(eng->loop, fd, EPOLLIN, &l->ev);
    return l;
}

uint32_t hs_listener_ensure(struct hs_engine *eng, uint16_t port, int secure)
{
    struct hs_list *cur, *next;
    int fd4 = -1, fd6 = -1, err;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->listeners)
        if (HS_CONTAINER(cur, struct hs_listener, link)->port == port) return 0;

    if ((err = open_socket(AF_INET, port, &fd4)))
    {
        WARN("cannot listen on 0.0.0.0:%u: %s", port, strerror(err));
        return win32_from_errno(err);
    }
    /* IPv6 is optional: a machine without it still serves IPv4 */
    if ((err = open_socket(AF_INET6, port, &fd6)) && err != EAFNOSUPPORT && err != EADDRNOTAVAIL)
    {
        WARN("cannot listen on [::]:%u: %s", port, strerror(err));
        close(fd4);
        return win32_from_errno(err);
    }
    if (!add_listener(eng, fd4, AF_INET, port, secure))
    {
        close(fd4);
        if (fd6 >= 0) close(fd6);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (fd6 >= 0 && !add_listener(eng, fd6, AF_INET6, port, secure)) close(fd6);
    TRACE("listening on port %u", port);
    return 0;
}

static void close_listener(struct hs_engine *eng, struct hs_listener *l)
{
    hs_timer_cancel(eng->loop, &l->pause);
    hs_ev_del(eng->loop, l->fd);
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

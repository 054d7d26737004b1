#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "control.h"
#include "engine.h"
#include "log.h"

#define AUTH_TIMEOUT_MS 5000
#define MAX_PENDING     8

struct pending_client
{
    struct hs_ev_handler ev;
    struct hs_timer timer;
    struct hs_control *ctl;
    int fd;
    uint8_t buf[sizeof(struct hs_msg_header) + sizeof(struct hs_msg_auth)];
    uint32_t len;
    struct hs_list link;
};

struct hs_control
{
    struct hs_engine *eng;
    struct hs_control_handlers h;
    uint8_t secret[HS_SECRET_BYTES];
    struct hs_ev_handler listen_ev;
    int listen_fd;
    struct hs_list pending;
    uint32_t pending_count;
    /* the authenticated channel */
    struct hs_ev_handler chan_ev;
    int fd;
    uint8_t *in;
    uint32_t in_len, in_cap;
    uint8_t *aligned;               /* a copy of a frame that arrived misaligned */
    uint32_t aligned_cap;
    uint8_t *out;
    size_t out_len, out_cap, out_pos;
    int want_write;
};

/* Compares without leaking where the first difference is. */
static int secret_equal(const uint8_t *a, const uint8_t *b)
{
    uint8_t diff = 0;
    size_t i;
    for (i = 0; i < HS_SECRET_BYTES; i++) diff |= a[i] ^ b[i];
    return diff == 0;
}

static void pending_free(struct pending_client *p, int close_fd)
{
    struct hs_control *c = p->ctl;

    hs_timer_cancel(c->eng->loop, &p->timer);
    hs_ev_del(c->eng->loop, p->fd, &p->ev);
    if (close_fd) close(p->fd);
    hs_list_remove(&p->link);
    c->pending_count--;
    free(p);
}

static void update_events(struct hs_control *c)
{
    uint32_t ev = EPOLLIN | EPOLLRDHUP | (c->want_write ? EPOLLOUT : 0);
    hs_ev_mod(c->eng->loop, c->fd, ev, &c->chan_ev);
}

static void channel_lost(struct hs_control *c)
{
    if (c->fd < 0) return;
    hs_ev_del(c->eng->loop, c->fd, &c->chan_ev);
    close(c->fd);
    c->fd = -1;
    c->h.lost(c->eng);
}

static void flush_some(struct hs_control *c)
{
    while (c->out_pos < c->out_len)
    {
        ssize_t n = send(c->fd, c->out + c->out_pos, c->out_len - c->out_pos, MSG_NOSIGNAL);
        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            ERR("control channel write failed: %s", strerror(errno));
            channel_lost(c);
            return;
        }
        c->out_pos += (size_t)n;
    }
    if (c->out_pos == c->out_len) c->out_pos = c->out_len = 0;
    if (c->want_write != (c->out_len != 0))
    {
        c->want_write = c->out_len != 0;
        update_events(c);
    }
}

void hs_control_send(struct hs_control *c, uint16_t type, uint64_t op, uint64_t file,
                     const void *a, uint32_t alen, const void *b, uint32_t blen)
{
    struct hs_msg_header hdr = { (uint32_t)sizeof(hdr) + alen + blen, type, 0, op, file };
    size_t need;

    if (c->fd < 0) return;
    need = c->out_len + hdr.length;
    if (need > c->out_cap)
    {
        size_t cap = c->out_cap ? c->out_cap : 65536;
        uint8_t *buf;
        while (cap < need) cap *= 2;
        if (!(buf = realloc(c->out, cap)))
        {
            ERR("out of memory queueing a control frame");
            channel_lost(c);
            return;
        }
        c->out = buf;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, &hdr, sizeof(hdr));
    if (alen) memcpy(c->out + c->out_len + sizeof(hdr), a, alen);
    if (blen) memcpy(c->out + c->out_len + sizeof(hdr) + alen, b, blen);
    c->out_len += hdr.length;
    flush_some(c);
}

void hs_control_flush(struct hs_control *c)
{
    while (c->fd >= 0 && c->out_len)
    {
        struct pollfd pfd = { c->fd, POLLOUT, 0 };
        if (poll(&pfd, 1, 2000) <= 0) break;
        flush_some(c);
    }
}

int hs_control_connected(const struct hs_control *c)
{
    return c->fd >= 0;
}

static void dispatch(struct hs_control *c, const struct hs_msg_header *hdr, const uint8_t *body, uint32_t len)
{
    switch (hdr->type)
    {
    case HS_MSG_OPEN:
        if (len < sizeof(struct hs_msg_open)) goto bad;
        c->h.open(c->eng, hdr->file, (const struct hs_msg_open *)body);
        break;
    case HS_MSG_CLOSE:
        c->h.close(c->eng, hdr->file);
        break;
    case HS_MSG_IOCTL:
        if (len < sizeof(struct hs_msg_ioctl)) goto bad;
        c->h.ioctl(c->eng, hdr->op, hdr->file, (const struct hs_msg_ioctl *)body,
                   body + sizeof(struct hs_msg_ioctl), len - (uint32_t)sizeof(struct hs_msg_ioctl));
        break;
    case HS_MSG_CANCEL:
        c->h.cancel(c->eng, hdr->op);
        break;
    case HS_MSG_SHUTDOWN:
        c->h.shutdown(c->eng);
        break;
    case HS_MSG_CONFIG:
        c->h.config(c->eng, body, len);
        break;
    case HS_MSG_CERT_REPLY:
        c->h.cert_reply(c->eng, hdr->op, body, len);
        break;
    case HS_MSG_CHAIN_REPLY:
        c->h.chain_reply(c->eng, hdr->op, body, len);
        break;
    default:
        goto bad;
    }
    return;
bad:
    ERR("malformed control frame type %u length %u", hdr->type, hdr->length);
    channel_lost(c);
}

/* Dispatches every complete frame in the input buffer; 0 if the channel broke. */
static int dispatch_frames(struct hs_control *c)
{
    uint32_t pos = 0;

    while (c->in_len - pos >= sizeof(struct hs_msg_header))
    {
        struct hs_msg_header hdr;
        const uint8_t *body;
        uint32_t blen;

        memcpy(&hdr, c->in + pos, sizeof(hdr));
        if (hdr.length < sizeof(hdr) || hdr.length > HS_MAX_FRAME)
        {
            ERR("control frame of bad length %u", hdr.length);
            channel_lost(c);
            return 0;
        }
        if (hdr.length > c->in_len - pos)
        {
            if (hdr.length > c->in_cap)
            {
                uint8_t *buf = realloc(c->in, hdr.length + 65536);
                if (!buf) { channel_lost(c); return 0; }
                c->in = buf;
                c->in_cap = hdr.length + 65536;
            }
            break;
        }
        body = c->in + pos + sizeof(hdr);
        blen = hdr.length - (uint32_t)sizeof(hdr);
        /* a frame follows the one before at any offset (configuration text,
         * IOCTL input); the handlers read structures in place */
        if (((uintptr_t)body & 7) && blen)
        {
            if (blen > c->aligned_cap)
            {
                uint8_t *buf = realloc(c->aligned, blen);
                if (!buf) { ERR("out of memory reading control frames"); channel_lost(c); return 0; }
                c->aligned = buf;
                c->aligned_cap = blen;
            }
            memcpy(c->aligned, body, blen);
            body = c->aligned;
        }
        dispatch(c, &hdr, body, blen);
        if (c->fd < 0) return 0;
        pos += hdr.length;
    }
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
    return 1;
}

static void channel_read(struct hs_control *c)
{
    for (;;)
    {
        ssize_t n;
        if (c->in_cap - c->in_len < 65536)
        {
            uint32_t cap = c->in_cap ? c->in_cap * 2 : 131072;
            uint8_t *buf = realloc(c->in, cap);
            if (!buf) { ERR("out of memory reading control frames"); channel_lost(c); return; }
            c->in = buf;
            c->in_cap = cap;
        }
        n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
        if (n == 0) { TRACE("control channel closed by the driver"); channel_lost(c); return; }
        if (n < 0)
        {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            channel_lost(c);
            return;
        }
        c->in_len += (uint32_t)n;
        if (!dispatch_frames(c)) return;
    }
}

static void channel_event(struct hs_ev_handler *h, uint32_t events)
{
    struct hs_control *c = HS_CONTAINER(h, struct hs_control, chan_ev);

    if (events & EPOLLOUT) flush_some(c);
    if (c->fd >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) channel_read(c);
}

static void promote(struct hs_control *c, struct pending_client *p)
{
    struct hs_msg_welcome welcome = { HS_PROTO_VERSION, (uint32_t)getpid() };
    struct hs_list *cur, *next;
    int one = 1;

    c->fd = p->fd;
    pending_free(p, 0);
    /* only ever one channel: stop listening, drop other candidates */
    hs_ev_del(c->eng->loop, c->listen_fd, &c->listen_ev);
    close(c->listen_fd);
    c->listen_fd = -1;
    HS_LIST_FOR_EACH_SAFE(cur, next, &c->pending)
        pending_free(HS_CONTAINER(cur, struct pending_client, link), 1);

    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->chan_ev.fn = channel_event;
    hs_ev_add(c->eng->loop, c->fd, EPOLLIN | EPOLLRDHUP, &c->chan_ev);
    hs_control_send(c, HS_MSG_WELCOME, 0, 0, &welcome, sizeof(welcome), NULL, 0);
    TRACE("driver authenticated");
    c->h.authenticated(c->eng);
}

static void pending_event(struct hs_ev_handler *h, uint32_t events)
{
    struct pending_client *p = HS_CONTAINER(h, struct pending_client, ev);
    struct hs_msg_header hdr;
    struct hs_msg_auth auth;
    ssize_t n;

    (void)events;
    n = recv(p->fd, p->buf + p->len, sizeof(p->buf) - p->len, 0);
    if (n <= 0)
    {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        pending_free(p, 1);
        return;
    }
    p->len += (uint32_t)n;
    if (p->len < sizeof(p->buf)) return;
    memcpy(&hdr, p->buf, sizeof(hdr));
    memcpy(&auth, p->buf + sizeof(hdr), sizeof(auth));
    if (hdr.type != HS_MSG_AUTH || hdr.length != sizeof(p->buf) || auth.magic != HS_AUTH_MAGIC ||
        auth.version != HS_PROTO_VERSION || !secret_equal(auth.secret, p->ctl->secret))
    {
        WARN("rejected a control connection that did not present the secret");
        pending_free(p, 1);
        return;
    }
    promote(p->ctl, p);
}

static void pending_timeout(struct hs_timer *t)
{
    struct pending_client *p = HS_CONTAINER(t, struct pending_client, timer);
    WARN("dropped a control connection that did not authenticate in time");
    pending_free(p, 1);
}

static void listen_event(struct hs_ev_handler *h, uint32_t events)
{
    struct hs_control *c = HS_CONTAINER(h, struct hs_control, listen_ev);
    struct pending_client *p;
    int fd;

    (void)events;
    while ((fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
    {
        if (c->pending_count >= MAX_PENDING || !(p = calloc(1, sizeof(*p))))
        {
            close(fd);
            continue;
        }
        p->ctl = c;
        p->fd = fd;
        p->ev.fn = pending_event;
        p->timer.fn = pending_timeout;
        hs_list_add_tail(&c->pending, &p->link);
        c->pending_count++;
        hs_ev_add(c->eng->loop, fd, EPOLLIN, &p->ev);
        hs_timer_arm(c->eng->loop, &p->timer, AUTH_TIMEOUT_MS);
    }
}

static int write_ready_file(const char *rundir, uint16_t port, const uint8_t *secret)
{
    char tmp[600], path[600], line[160];
    int fd, len, i;

    snprintf(tmp, sizeof(tmp), "%s/%s.tmp", rundir, HS_READY_FILE);
    snprintf(path, sizeof(path), "%s/%s", rundir, HS_READY_FILE);
    len = snprintf(line, sizeof(line), "%u ", port);
    for (i = 0; i < HS_SECRET_BYTES; i++) len += snprintf(line + len, sizeof(line) - (size_t)len, "%02x", secret[i]);
    len += snprintf(line + len, sizeof(line) - (size_t)len, " %d\n", (int)getpid());
    unlink(tmp);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) return -1;
    if (write(fd, line, (size_t)len) != len) { close(fd); unlink(tmp); return -1; }
    close(fd);
    return rename(tmp, path);
}

struct hs_control *hs_control_start(struct hs_engine *eng, const char *rundir,
                                    const struct hs_control_handlers *handlers)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t slen = sizeof(sin);
    struct hs_control *c = calloc(1, sizeof(*c));

    if (!c) return NULL;
    c->eng = eng;
    c->h = *handlers;
    c->fd = -1;
    c->listen_fd = -1;
    hs_list_init(&c->pending);
    if (getrandom(c->secret, sizeof(c->secret), 0) != sizeof(c->secret)) goto fail;
    c->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&sin, sizeof(sin)) ||
        listen(c->listen_fd, 8) || getsockname(c->listen_fd, (struct sockaddr *)&sin, &slen))
        goto fail;
    c->listen_ev.fn = listen_event;
    hs_ev_add(eng->loop, c->listen_fd, EPOLLIN, &c->listen_ev);
    if (write_ready_file(rundir, ntohs(sin.sin_port), c->secret))
    {
        ERR("cannot write the ready file in %s: %s", rundir, strerror(errno));
        goto fail;
    }
    return c;
fail:
    if (c->listen_fd >= 0) close(c->listen_fd);
    free(c);
    return NULL;
}

void hs_control_free(struct hs_control *c)
{
    struct hs_list *cur, *next;

    if (!c) return;
    HS_LIST_FOR_EACH_SAFE(cur, next, &c->pending)
        pending_free(HS_CONTAINER(cur, struct pending_client, link), 1);
    if (c->listen_fd >= 0) { hs_ev_del(c->eng->loop, c->listen_fd, &c->listen_ev); close(c->listen_fd); }
    if (c->fd >= 0) { hs_ev_del(c->eng->loop, c->fd, &c->chan_ev); close(c->fd); }
    memset(c->secret, 0, sizeof(c->secret));
    free(c->in);
    free(c->aligned);
    free(c->out);
    free(c);
}

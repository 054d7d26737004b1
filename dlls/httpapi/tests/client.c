/*
 * A tiny Winsock HTTP/1.1 client for the httpapi conformance tests (see client.h).
 */

#include "client.h"

BOOL client_startup(void)
{
    WSADATA wsa;
    return !WSAStartup(MAKEWORD(2, 2), &wsa);
}

#define CONNECT_TIMEOUT 3000

/* A refused loopback connection fails at once, but a server that stopped accepting could leave
 * a blocking connect waiting for a long time: connect without blocking, and wait at most
 * timeout_ms.  The socket is blocking again afterwards. */
static BOOL connect_with_timeout(SOCKET s, const struct sockaddr *addr, int addrlen, DWORD timeout_ms)
{
    u_long nonblocking = 1, blocking = 0;
    fd_set wset, eset;
    struct timeval tv;
    int err = 0, len = sizeof(err);

    ioctlsocket(s, FIONBIO, &nonblocking);
    if (connect(s, addr, addrlen))
    {
        if (WSAGetLastError() != WSAEWOULDBLOCK) return FALSE;
        FD_ZERO(&wset);
        FD_SET(s, &wset);
        FD_ZERO(&eset);
        FD_SET(s, &eset);
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        if (select(0, NULL, &wset, &eset, &tv) <= 0)
        {
            WSASetLastError(WSAETIMEDOUT);
            return FALSE;
        }
        if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &len) || err)
        {
            WSASetLastError(err ? err : WSAECONNREFUSED);
            return FALSE;
        }
    }
    ioctlsocket(s, FIONBIO, &blocking);
    return TRUE;
}

BOOL client_connect(struct client *c, int family, USHORT port)
{
    struct sockaddr_storage addr;
    int addrlen;
    BOOL nodelay = TRUE;

    memset(c, 0, sizeof(*c));
    c->s = INVALID_SOCKET;
    c->family = family;
    memset(&addr, 0, sizeof(addr));
    if (family == AF_INET6)
    {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&addr;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        sin6->sin6_addr = in6addr_loopback;
        addrlen = sizeof(*sin6);
    }
    else
    {
        struct sockaddr_in *sin = (struct sockaddr_in *)&addr;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addrlen = sizeof(*sin);
    }

    c->s = socket(family, SOCK_STREAM, IPPROTO_TCP);
    if (c->s == INVALID_SOCKET) return FALSE;
    if (!connect_with_timeout(c->s, (struct sockaddr *)&addr, addrlen, CONNECT_TIMEOUT))
    {
        int err = WSAGetLastError();
        closesocket(c->s);
        c->s = INVALID_SOCKET;
        WSASetLastError(err);
        return FALSE;
    }
    setsockopt(c->s, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));

    addrlen = sizeof(addr);
    if (!getsockname(c->s, (struct sockaddr *)&addr, &addrlen))
        c->local_port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                 : ((struct sockaddr_in *)&addr)->sin_port);
    c->cap = 16384;
    c->buf = malloc(c->cap);
    return c->buf != NULL;
}

BOOL client_send(struct client *c, const void *data, int len)
{
    const char *p = data;

    while (len > 0)
    {
        int n = send(c->s, p, len, 0);
        if (n <= 0) return FALSE;
        p += n;
        len -= n;
    }
    return TRUE;
}

BOOL client_send_str(struct client *c, const char *str)
{
    return client_send(c, str, (int)strlen(str));
}

void client_close(struct client *c)
{
    if (c->s != INVALID_SOCKET) closesocket(c->s);
    c->s = INVALID_SOCKET;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

/* Receives more bytes into the buffer before the deadline.
 * Returns the count, 0 if the peer closed, CLIENT_TIMEOUT or CLIENT_ERROR. */
static int client_fill(struct client *c, ULONGLONG deadline)
{
    ULONGLONG now = GetTickCount64();
    struct timeval tv;
    fd_set set;
    int n;

    if (c->s == INVALID_SOCKET) return CLIENT_ERROR;
    if (now >= deadline) return CLIENT_TIMEOUT;
    tv.tv_sec = (long)((deadline - now) / 1000);
    tv.tv_usec = (long)((deadline - now) % 1000) * 1000;
    FD_ZERO(&set);
    FD_SET(c->s, &set);
    n = select(0, &set, NULL, NULL, &tv);
    if (n == 0) return CLIENT_TIMEOUT;
    if (n < 0) return CLIENT_ERROR;

    if (c->cap - c->len < 4096)
    {
        char *p = realloc(c->buf, c->cap * 2);
        if (!p) return CLIENT_ERROR;
        c->buf = p;
        c->cap *= 2;
    }
    n = recv(c->s, c->buf + c->len, c->cap - c->len - 1, 0);
    if (n < 0)
    {
        int err = WSAGetLastError();
        /* A reset is the server closing too, only less politely. */
        if (err == WSAECONNRESET || err == WSAECONNABORTED) return 0;
        return CLIENT_ERROR;
    }
    c->len += n;
    c->buf[c->len] = 0;
    return n;
}

static void client_consume(struct client *c, int count)
{
    memmove(c->buf, c->buf + count, c->len - count);
    c->len -= count;
    c->buf[c->len] = 0;
}

static char *find_bytes(char *buf, int len, const char *what)
{
    int i, n = (int)strlen(what);
    for (i = 0; i + n <= len; i++)
        if (!memcmp(buf + i, what, n)) return buf + i;
    return NULL;
}

static void trim(char *s)
{
    char *p = s;
    size_t n;

    while (*p == ' ' || *p == '\t') p++;
    memmove(s, p, strlen(p) + 1);
    n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
}

static BOOL parse_head(struct http_response *r, const char *head, int len)
{
    const char *line = head, *end = head + len, *eol;
    BOOL first = TRUE;

    while (line < end)
    {
        char text[1200];
        int n;

        eol = find_bytes((char *)line, (int)(end - line), "\r\n");
        if (!eol) eol = end;
        n = (int)(eol - line);
        if (n >= (int)sizeof(text)) n = sizeof(text) - 1;
        memcpy(text, line, n);
        text[n] = 0;
        line = eol + 2;
        if (first)
        {
            char *sp;
            first = FALSE;
            snprintf(r->status_line, sizeof(r->status_line), "%s", text);
            if (sscanf(text, "HTTP/%d.%d %d", &r->major, &r->minor, &r->status) != 3) return FALSE;
            sp = strchr(text, ' ');
            sp = sp ? strchr(sp + 1, ' ') : NULL;
            snprintf(r->reason, sizeof(r->reason), "%s", sp ? sp + 1 : "");
            continue;
        }
        if (!n) continue;
        if (r->header_count < CLIENT_MAX_HEADERS)
        {
            struct http_header *h = &r->headers[r->header_count];
            char *colon = strchr(text, ':');
            if (!colon) return FALSE;
            *colon = 0;
            snprintf(h->name, sizeof(h->name), "%s", text);
            snprintf(h->value, sizeof(h->value), "%s", colon + 1);
            trim(h->value);
            r->header_count++;
        }
    }
    return !first;
}

const char *response_header(const struct http_response *r, const char *name)
{
    int i;
    for (i = 0; i < r->header_count; i++)
        if (!_stricmp(r->headers[i].name, name)) return r->headers[i].value;
    return NULL;
}

int response_header_count(const struct http_response *r, const char *name)
{
    int i, count = 0;
    for (i = 0; i < r->header_count; i++)
        if (!_stricmp(r->headers[i].name, name)) count++;
    return count;
}

void response_free(struct http_response *r)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

static BOOL append_body(struct http_response *r, const char *data, int len)
{
    char *p = realloc(r->body, r->body_len + len + 1);
    if (!p) return FALSE;
    memcpy(p + r->body_len, data, len);
    r->body = p;
    r->body_len += len;
    r->body[r->body_len] = 0;
    return TRUE;
}

/* Makes sure at least `need` bytes are buffered; returns CLIENT_OK or the failure. */
static int client_need(struct client *c, int need, ULONGLONG deadline)
{
    while (c->len < need)
    {
        int n = client_fill(c, deadline);
        if (n == 0) return CLIENT_CLOSED;
        if (n < 0) return n;
    }
    return CLIENT_OK;
}

/* Makes sure a CRLF-terminated line is buffered; returns its length without the CRLF, or the
 * failure (<= 0 as CLIENT_*, shifted by -100 so that an empty line is not mistaken for one). */
static int client_need_line(struct client *c, ULONGLONG deadline)
{
    char *eol;
    while (!(eol = find_bytes(c->buf, c->len, "\r\n")))
    {
        int n = client_fill(c, deadline);
        if (n == 0) return CLIENT_CLOSED - 100;
        if (n < 0) return n - 100;
    }
    return (int)(eol - c->buf);
}

int client_read_response(struct client *c, struct http_response *r, BOOL head_request, DWORD timeout_ms)
{
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    const char *te, *cl;
    char *end;
    int n, ret;

    memset(r, 0, sizeof(*r));
    for (;;)
    {
        while (!(end = find_bytes(c->buf, c->len, "\r\n\r\n")))
        {
            n = client_fill(c, deadline);
            if (n == 0) return CLIENT_CLOSED;
            if (n < 0) return n;
        }
        if (!parse_head(r, c->buf, (int)(end - c->buf))) return CLIENT_ERROR;
        client_consume(c, (int)(end + 4 - c->buf));
        /* Interim responses (100 Continue) are skipped. */
        if (r->status >= 100 && r->status < 200 && r->status != 101)
        {
            memset(r, 0, sizeof(*r));
            continue;
        }
        break;
    }

    if (head_request || r->status == 204 || r->status == 304 || r->status < 200)
        return CLIENT_OK;

    te = response_header(r, "Transfer-Encoding");
    cl = response_header(r, "Content-Length");
    if (te && strstr(te, "chunked"))
    {
        r->chunked = TRUE;
        for (;;)
        {
            unsigned long size;
            int len = client_need_line(c, deadline);
            if (len < 0) return len + 100;
            size = strtoul(c->buf, NULL, 16);
            client_consume(c, len + 2);
            if (!size)
            {
                /* Trailers, up to the empty line. */
                while ((len = client_need_line(c, deadline)) > 0) client_consume(c, len + 2);
                if (len < 0) return len + 100;
                client_consume(c, 2);
                return CLIENT_OK;
            }
            if ((ret = client_need(c, (int)size + 2, deadline)) != CLIENT_OK) return ret;
            if (!append_body(r, c->buf, (int)size)) return CLIENT_ERROR;
            client_consume(c, (int)size + 2);
        }
    }
    if (cl)
    {
        int size = atoi(cl);
        if ((ret = client_need(c, size, deadline)) != CLIENT_OK) return ret;
        if (!append_body(r, c->buf, size)) return CLIENT_ERROR;
        client_consume(c, size);
        return CLIENT_OK;
    }
    /* Neither: the body ends when the server closes the connection. */
    for (;;)
    {
        n = client_fill(c, deadline);
        if (n < 0) return n;
        if (!append_body(r, c->buf, c->len)) return CLIENT_ERROR;
        client_consume(c, c->len);
        if (n == 0)
        {
            r->closed = TRUE;
            return CLIENT_OK;
        }
    }
}

BOOL client_wait_closed(struct client *c, DWORD timeout_ms)
{
    ULONGLONG deadline = GetTickCount64() + timeout_ms;
    for (;;)
    {
        int n = client_fill(c, deadline);
        if (n == 0 || n == CLIENT_ERROR) return TRUE;
        if (n == CLIENT_TIMEOUT) return FALSE;
    }
}

int http_request(int family, USHORT port, const char *request, BOOL head_request,
                 struct http_response *r, DWORD timeout_ms)
{
    struct client c;
    int ret;

    memset(r, 0, sizeof(*r));
    if (!client_connect(&c, family, port))
    {
        client_close(&c);
        return CLIENT_ERROR;
    }
    if (!client_send_str(&c, request))
    {
        client_close(&c);
        return CLIENT_ERROR;
    }
    ret = client_read_response(&c, r, head_request, timeout_ms);
    client_close(&c);
    return ret;
}

static DWORD WINAPI client_job_thread(void *arg)
{
    struct client_job *job = arg;

    if (job->delay_ms) Sleep(job->delay_ms);
    job->result = http_request(job->family, job->port, job->request, job->head_request,
                               &job->resp, job->timeout_ms);
    return 0;
}

struct client_job *client_job_start(int family, USHORT port, const char *request, DWORD delay_ms,
                                    DWORD timeout_ms)
{
    struct client_job *job = calloc(1, sizeof(*job));

    if (!job) return NULL;
    job->family = family;
    job->port = port;
    snprintf(job->request, sizeof(job->request), "%s", request);
    job->head_request = !strncmp(request, "HEAD ", 5);
    job->delay_ms = delay_ms;
    job->timeout_ms = timeout_ms;
    job->result = CLIENT_ERROR;
    job->thread = CreateThread(NULL, 0, client_job_thread, job, 0, NULL);
    if (!job->thread)
    {
        free(job);
        return NULL;
    }
    return job;
}

BOOL client_job_wait(struct client_job *job, DWORD timeout_ms)
{
    return job && WaitForSingleObject(job->thread, timeout_ms) == WAIT_OBJECT_0;
}

void client_job_free(struct client_job *job)
{
    if (!job) return;
    /* A job whose thread is still running is leaked rather than freed under its feet. */
    if (WaitForSingleObject(job->thread, 0) != WAIT_OBJECT_0) return;
    CloseHandle(job->thread);
    response_free(&job->resp);
    free(job);
}

/*
 * HTTP Server API v1 conformance tests: routing of requests to the queues whose URL prefixes
 * match (the host categories and their precedence, the longest prefix), and the responses
 * http.sys makes itself for requests that match nothing (404, 400 "Invalid Hostname").
 *
 * Usage: v1_routing.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of httpapi.dll (UrlPrefix Strings; see
 * shared/reference/httpapi.md §5).
 */

#include "util.h"

static USHORT port;

/* An OVERLAPPED receive kept pending on a queue, to see which queue a request goes to. */
struct pending
{
    HANDLE queue;
    OVERLAPPED ov;
    HTTP_REQUEST_V1 *req;
};

static void pending_start(struct pending *p)
{
    ULONG ret;

    memset(&p->ov, 0, sizeof(p->ov));
    p->ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveHttpRequest(p->queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)p->req, REQ_BUFFER_SIZE, NULL, &p->ov);
    /* NO_ERROR would mean a request was already there: it completes through the OVERLAPPED too. */
    ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "OVERLAPPED HttpReceiveHttpRequest: expected ERROR_IO_PENDING, got %lu\n", ret);
    if (ret != ERROR_IO_PENDING && ret != NO_ERROR)
    {
        p->ov.Internal = (ULONG_PTR)0xc0000001; /* STATUS_UNSUCCESSFUL: nothing to get from it */
        SetEvent(p->ov.hEvent);
    }
}

static BOOL pending_init(struct pending *p, HANDLE queue)
{
    p->queue = queue;
    p->req = alloc_request();
    pending_start(p);
    return TRUE;
}

/* Cancels the receive if it is still pending, and frees everything (but not the queue). */
static void pending_end(struct pending *p)
{
    DWORD bytes;

    if (WaitForSingleObject(p->ov.hEvent, 0) != WAIT_OBJECT_0)
    {
        CancelIoEx(p->queue, &p->ov);
        if (WaitForSingleObject(p->ov.hEvent, 5000) != WAIT_OBJECT_0)
            test_abort(__FILE__, __LINE__, "a pending receive could not be cancelled");
    }
    else if (GetOverlappedResult(p->queue, &p->ov, &bytes, FALSE))
        respond_text(p->queue, p->req->RequestId, "unexpected");
    CloseHandle(p->ov.hEvent);
    free_request(p->req);
}

/*
 * Sends "GET <path>" with the given Host and returns the index of the queue that received it
 * (which answers it), or -1 if none did within TIMEOUT.  The receive is re-armed.
 */
static int route(struct pending *p, int count, const char *host, const char *path)
{
    HANDLE events[8];
    struct http_response resp;
    struct client c;
    char request[256];
    DWORD w, bytes;
    int i, index = -1;

    if (!client_connect(&c, AF_INET, port))
    {
        trace("connecting to port %u failed: error %d\n", port, WSAGetLastError());
        client_close(&c);
        return -2;
    }
    snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);
    client_send_str(&c, request);

    for (i = 0; i < count; i++) events[i] = p[i].ov.hEvent;
    w = WaitForMultipleObjects(count, events, FALSE, TIMEOUT);
    if (w < WAIT_OBJECT_0 + count)
    {
        index = w - WAIT_OBJECT_0;
        if (GetOverlappedResult(p[index].queue, &p[index].ov, &bytes, FALSE))
        {
            if (!bytes_eq(p[index].req->pRawUrl, p[index].req->RawUrlLength, path))
                trace("queue %d received %s, not %s\n", index, dbgstr(p[index].req->pRawUrl, p[index].req->RawUrlLength), path);
            respond_text(p[index].queue, p[index].req->RequestId, "routed");
            client_read_response(&c, &resp, FALSE, TIMEOUT);
            response_free(&resp);
        }
        else
        {
            trace("the receive on queue %d failed: %lu\n", index, GetLastError());
            index = -3;
        }
        CloseHandle(p[w - WAIT_OBJECT_0].ov.hEvent);
        pending_start(&p[w - WAIT_OBJECT_0]);
    }
    client_close(&c);
    return index;
}

/* A response made by http.sys; checks what every such response carries. */
static void check_http_sys_response(const char *host, const char *path, int status, const char *text, const char *what)
{
    struct http_response resp;
    const char *value;
    struct client c;
    char request[256];
    int cret;

    if (!client_connect(&c, AF_INET, port))
    {
        ok(0, "%s: connecting to port %u failed: error %d\n", what, port, WSAGetLastError());
        client_close(&c);
        return;
    }
    snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);
    client_send_str(&c, request);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == status, "%s: expected %d from http.sys, got result %d status %d\n",
       what, status, cret, resp.status);
    if (cret == CLIENT_OK)
    {
        value = response_header(&resp, "Server");
        ok(value && !strcmp(value, "Microsoft-HTTPAPI/2.0"), "%s: Server header: expected \"Microsoft-HTTPAPI/2.0\", got \"%s\"\n",
           what, value ? value : "(none)");
        value = response_header(&resp, "Content-Type");
        ok(value && !strcmp(value, "text/html; charset=us-ascii"),
           "%s: Content-Type: expected \"text/html; charset=us-ascii\", got \"%s\"\n", what, value ? value : "(none)");
        ok(resp.body && strstr(resp.body, text), "%s: body: expected it to contain \"%s\", got \"%s\"\n", what, text,
           dbgstr(resp.body, resp.body_len));
        /* "after an error response http.sys closes the connection" */
        ok(resp.closed || client_wait_closed(&c, TIMEOUT), "%s: expected the connection closed after the response\n", what);
    }
    response_free(&resp);
    client_close(&c);
}

static void test_http_sys_responses(void)
{
    struct pending p;
    char host[64], unknown[64];
    HANDLE queue;
    int index;

    if (!(queue = create_queue_url("localhost", port, "/app/"))) return;
    pending_init(&p, queue);
    snprintf(host, sizeof(host), "localhost:%u", port);
    snprintf(unknown, sizeof(unknown), "unknown.example:%u", port);

    index = route(&p, 1, host, "/app/x");
    ok(index == 0, "GET /app/x with Host %s: expected the queue of http://localhost:%u/app/, got %d\n", host, port, index);

    /* The host matches a registration, the path none: 404. */
    check_http_sys_response(host, "/other", 404, "HTTP Error 404", "GET /other with only /app/ registered");
    /* No registration for that host at all: 400 "Bad Request - Invalid Hostname". */
    check_http_sys_response(unknown, "/app/x", 400, "Invalid Hostname", "GET /app/x with Host unknown.example");

    ok(WaitForSingleObject(p.ov.hEvent, 0) == WAIT_TIMEOUT, "the queue must receive neither of the requests http.sys answered\n");
    pending_end(&p);
    CloseHandle(queue);
}

static void test_longest_prefix(void)
{
    struct pending p[2];
    HANDLE qa, qb;
    char host[64];
    int index;

    if (!(qa = create_queue_url("+", port, "/a/"))) return;
    if (!(qb = create_queue_url("+", port, "/a/b/")))
    {
        CloseHandle(qa);
        return;
    }
    pending_init(&p[0], qa);
    pending_init(&p[1], qb);
    snprintf(host, sizeof(host), "127.0.0.1:%u", port);

    index = route(p, 2, host, "/a/b/c");
    ok(index == 1, "GET /a/b/c with /a/ and /a/b/ registered: expected the longest prefix's queue (1), got %d\n", index);
    index = route(p, 2, host, "/a/x");
    ok(index == 0, "GET /a/x with /a/ and /a/b/ registered: expected the queue of /a/ (0), got %d\n", index);
    /* Prefixes match whole segments: /a/bx is not under /a/b/. */
    index = route(p, 2, host, "/a/bx");
    ok(index == 0, "GET /a/bx with /a/ and /a/b/ registered: expected the queue of /a/ (0), got %d\n", index);
    index = route(p, 2, host, "/a/b/");
    ok(index == 1, "GET /a/b/ with /a/ and /a/b/ registered: expected the queue of /a/b/ (1), got %d\n", index);
    /* The relative URI of a prefix is case-insensitive. */
    index = route(p, 2, host, "/A/B/C");
    ok(index == 1, "GET /A/B/C with /a/ and /a/b/ registered: expected the queue of /a/b/ (1), got %d\n", index);

    pending_end(&p[0]);
    pending_end(&p[1]);
    CloseHandle(qa);
    CloseHandle(qb);
}

/* The four host categories, in precedence order: "+", explicit host, IP-bound, "*". */
static void test_host_categories(void)
{
    struct pending p[2];
    char localhost[64], other[64], ip[64];
    HANDLE qa, qb;
    WCHAR url[128];
    ULONG ret;
    int index;

    snprintf(localhost, sizeof(localhost), "localhost:%u", port);
    snprintf(other, sizeof(other), "other.example:%u", port);
    snprintf(ip, sizeof(ip), "127.0.0.1:%u", port);

    /* "+" beats an explicit host for the same path. */
    if (!(qa = create_queue_url("+", port, "/c/"))) return;
    if (!(qb = create_queue_url("localhost", port, "/c/")))
    {
        CloseHandle(qa);
        return;
    }
    pending_init(&p[0], qa);
    pending_init(&p[1], qb);
    index = route(p, 2, localhost, "/c/x");
    ok(index == 0, "GET /c/x Host %s with http://+ and http://localhost registered: expected the http://+ queue (0), got %d\n",
       localhost, index);
    /* Without the strong wildcard, the explicit host gets it. */
    ret = HttpRemoveUrl(qa, wfmt(url, 128, "http://+:%u/c/", port));
    ok(ret == NO_ERROR, "HttpRemoveUrl(%ls): expected NO_ERROR, got %lu\n", url, ret);
    index = route(p, 2, localhost, "/c/x");
    ok(index == 1, "GET /c/x Host %s after http://+ was removed: expected the http://localhost queue (1), got %d\n",
       localhost, index);
    pending_end(&p[0]);
    pending_end(&p[1]);
    CloseHandle(qa);
    CloseHandle(qb);

    /* An explicit host beats "*"; "*" takes what nothing else matches. */
    if (!(qa = create_queue_url("*", port, "/d/"))) return;
    if (!(qb = create_queue_url("localhost", port, "/d/")))
    {
        CloseHandle(qa);
        return;
    }
    pending_init(&p[0], qa);
    pending_init(&p[1], qb);
    index = route(p, 2, localhost, "/d/x");
    ok(index == 1, "GET /d/x Host %s with http://* and http://localhost registered: expected the http://localhost queue (1), got %d\n",
       localhost, index);
    index = route(p, 2, other, "/d/x");
    ok(index == 0, "GET /d/x Host %s with http://* and http://localhost registered: expected the http://* queue (0), got %d\n",
       other, index);
    pending_end(&p[0]);
    pending_end(&p[1]);
    CloseHandle(qa);
    CloseHandle(qb);

    /* An IP literal takes any host arriving on that address, before "*". */
    if (!(qa = create_queue_url("*", port, "/e/"))) return;
    if (!(qb = create_queue_url("127.0.0.1", port, "/e/")))
    {
        CloseHandle(qa);
        return;
    }
    pending_init(&p[0], qa);
    pending_init(&p[1], qb);
    index = route(p, 2, other, "/e/x");
    ok(index == 1, "GET /e/x Host %s on 127.0.0.1 with http://* and http://127.0.0.1 registered: "
       "expected the http://127.0.0.1 queue (1), got %d\n", other, index);
    index = route(p, 2, ip, "/e/x");
    ok(index == 1, "GET /e/x Host %s with http://* and http://127.0.0.1 registered: expected the http://127.0.0.1 queue (1), got %d\n",
       ip, index);
    pending_end(&p[0]);
    pending_end(&p[1]);
    CloseHandle(qa);
    CloseHandle(qb);
}

int main(int argc, char **argv)
{
    test_startup("v1_routing.c");
    port = test_port(argc, argv);

    if (!http_init()) return test_report();

    test_http_sys_responses();
    test_longest_prefix();
    test_host_categories();

    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

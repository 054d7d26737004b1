/*
 * HTTP Server API v1 conformance tests: OVERLAPPED I/O on a request queue (events, completion
 * ports, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), cancellation (CancelIoEx, closing the handle),
 * and clients that go away.
 *
 * Usage: v1_async.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of httpapi.dll and of overlapped I/O (see
 * shared/reference/httpapi.md §1.0.1).
 */

#include "util.h"

static USHORT port;
static HANDLE queue;    /* http://+:PORT/y/ */
static char host[64];   /* "127.0.0.1:PORT" */

static BOOL connect_send(struct client *c, const char *request)
{
    if (!client_connect(c, AF_INET, port))
    {
        ok(0, "connecting to 127.0.0.1:%u failed: error %d\n", port, WSAGetLastError());
        client_close(c);
        return FALSE;
    }
    client_send_str(c, request);
    return TRUE;
}

static void read_answer(struct client *c, const char *what)
{
    struct http_response resp;
    int cret = client_read_response(c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200, "client of %s: expected a 200, got result %d status %d\n", what, cret, resp.status);
    response_free(&resp);
}

/* Waits for the OVERLAPPED's event; on timeout cancels the operation and waits for that. */
static BOOL wait_event_or_cancel(HANDLE handle, OVERLAPPED *ov, DWORD timeout_ms)
{
    if (WaitForSingleObject(ov->hEvent, timeout_ms) == WAIT_OBJECT_0) return TRUE;
    CancelIoEx(handle, ov);
    if (WaitForSingleObject(ov->hEvent, 5000) != WAIT_OBJECT_0)
        test_abort(__FILE__, __LINE__, "an overlapped operation could not be cancelled");
    return FALSE;
}

static void test_overlapped_receive(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    char request[256];
    const char *what = "";
    struct client c;
    OVERLAPPED ov;
    DWORD bytes;
    ULONG ret;
    BOOL res;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, NULL, &ov);
    ok(ret == ERROR_IO_PENDING, "OVERLAPPED HttpReceiveHttpRequest with no request waiting: expected ERROR_IO_PENDING (997), got %lu\n", ret);
    if (ret != ERROR_IO_PENDING) goto done;
    ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT, "event of a pending receive: expected unsignalled before a request\n");

    snprintf(request, sizeof(request), "GET /y/ov HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (!connect_send(&c, request))
    {
        wait_event_or_cancel(queue, &ov, 0);
        goto done;
    }
    res = wait_event_or_cancel(queue, &ov, TIMEOUT);
    ok(res, "event of a pending receive after a client request: expected signalled within %u ms\n", TIMEOUT);
    if (res)
    {
        res = GetOverlappedResult(queue, &ov, &bytes, FALSE);
        ok(res, "GetOverlappedResult of the receive: expected success (NO_ERROR), got error %lu\n", res ? 0 : GetLastError());
        if (res)
        {
            ok(bytes >= sizeof(HTTP_REQUEST_V1) && bytes <= REQ_BUFFER_SIZE, "byte count of the receive: expected %u to %u, got %lu\n",
               (unsigned)sizeof(HTTP_REQUEST_V1), REQ_BUFFER_SIZE, bytes);
            ok(request_in_bounds(req, bytes, &what), "every pointer of the request lies within the %lu bytes: %s does not\n", bytes, what);
            ok(req->Verb == HttpVerbGET && bytes_eq(req->pRawUrl, req->RawUrlLength, "/y/ov"),
               "request received through OVERLAPPED: expected GET /y/ov, got verb %d \"%s\"\n", req->Verb,
               dbgstr(req->pRawUrl, req->RawUrlLength));
            init_response(&r, 200, "OK", "text/plain", "ov");
            send_response_sync(queue, req->RequestId, 0, &r, NULL);
            read_answer(&c, "a request received through OVERLAPPED");
        }
    }
    client_close(&c);
done:
    CloseHandle(ov.hEvent);
    free_request(req);
}

/* HttpReceiveRequestEntityBody and HttpSendHttpResponse with an OVERLAPPED and an event. */
static void test_overlapped_body_and_send(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    char request[256], buf[64];
    struct client c;
    OVERLAPPED ov;
    ULONG ret, bytes;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    /* The headers first; the body comes later.  http.sys hands a request over once its headers
     * are in (HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS is for bodies that "span multiple
     * reads"), so the request arrives before its body. */
    snprintf(request, sizeof(request), "POST /y/body HTTP/1.1\r\nHost: %s\r\nContent-Length: 10\r\n\r\n", host);
    if (!connect_send(&c, request)) goto done;
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "POST whose body is not sent yet: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done1;

    ret = HttpReceiveRequestEntityBody(queue, req->RequestId, 0, buf, sizeof(buf), NULL, &ov);
    ok(ret == ERROR_IO_PENDING, "OVERLAPPED HttpReceiveRequestEntityBody before the body was sent: expected ERROR_IO_PENDING (997), got %lu\n",
       ret);
    if (ret == ERROR_IO_PENDING)
        ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT,
           "event of a pending body receive: expected unsignalled before the body arrives\n");
    client_send_str(&c, "0123456789");
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "completion of the OVERLAPPED body receive: expected NO_ERROR, got %lu\n", ret);
    ok(!ret && bytes == 10 && !memcmp(buf, "0123456789", 10), "body received through OVERLAPPED: expected \"0123456789\", got %lu bytes\n",
       bytes);

    /* Nothing left: EOF, returned at once or through the OVERLAPPED. */
    ResetEvent(ov.hEvent);
    ret = HttpReceiveRequestEntityBody(queue, req->RequestId, 0, buf, sizeof(buf), NULL, &ov);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == ERROR_HANDLE_EOF, "OVERLAPPED HttpReceiveRequestEntityBody after the whole body: expected ERROR_HANDLE_EOF (38), got %lu\n", ret);

    /* An OVERLAPPED send may complete at once (NO_ERROR) or later (ERROR_IO_PENDING); either
     * way it completes through the OVERLAPPED, since no skip mode is set. */
    ResetEvent(ov.hEvent);
    init_response(&r, 200, "OK", "text/plain", "sent");
    ret = HttpSendHttpResponse(queue, req->RequestId, 0, &r.resp, NULL, NULL, NULL, 0, &ov, NULL);
    ok(ret == NO_ERROR || ret == ERROR_IO_PENDING, "OVERLAPPED HttpSendHttpResponse: expected NO_ERROR or ERROR_IO_PENDING, got %lu\n", ret);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "completion of the OVERLAPPED send (event signalled, GetOverlappedResult): expected NO_ERROR, got %lu\n", ret);
    read_answer(&c, "an OVERLAPPED send");
done1:
    client_close(&c);
done:
    CloseHandle(ov.hEvent);
    free_request(req);
}

/* Waits for one packet; FALSE if none came. */
static BOOL get_packet(HANDLE iocp, DWORD timeout_ms, DWORD *bytes, ULONG_PTR *key, OVERLAPPED **ovl, DWORD *error)
{
    BOOL res;

    *bytes = 0;
    *key = 0;
    *ovl = NULL;
    res = GetQueuedCompletionStatus(iocp, bytes, key, ovl, timeout_ms);
    *error = res ? 0 : GetLastError();
    return res || *ovl;     /* a packet of a failed operation still has its OVERLAPPED */
}

static void test_completion_port(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    OVERLAPPED ov, ov2, ov3, *povl;
    char request[256];
    const char *what = "";
    struct client c;
    HANDLE q, iocp;
    ULONG_PTR key;
    DWORD bytes, error;
    ULONG ret;
    BOOL res;

    if (!(q = create_queue_url("+", port, "/iocp/"))) goto done;
    iocp = CreateIoCompletionPort(q, NULL, 123, 0);
    ok(iocp != NULL, "CreateIoCompletionPort on a request queue: expected a port, got error %lu\n", GetLastError());
    if (!iocp) goto done1;

    memset(&ov, 0, sizeof(ov));
    ret = HttpReceiveHttpRequest(q, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, NULL, &ov);
    ok(ret == ERROR_IO_PENDING, "OVERLAPPED receive on a queue bound to a port: expected ERROR_IO_PENDING (997), got %lu\n", ret);
    if (ret != ERROR_IO_PENDING) goto done2;
    res = get_packet(iocp, SHORT_WAIT, &bytes, &key, &povl, &error);
    ok(!res && error == WAIT_TIMEOUT, "completion port before any request: expected no packet, got one (key %llu, error %lu)\n",
       (unsigned long long)key, error);

    snprintf(request, sizeof(request), "GET /iocp/x HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (!connect_send(&c, request))
    {
        CancelIoEx(q, &ov);
        if (!get_packet(iocp, 5000, &bytes, &key, &povl, &error)) test_abort(__FILE__, __LINE__, "no packet for a cancelled receive");
        goto done2;
    }
    res = get_packet(iocp, TIMEOUT, &bytes, &key, &povl, &error);
    ok(res && !error, "completion packet for the receive: expected one with NO_ERROR, got %d (error %lu)\n", res, error);
    if (!res)
    {
        CancelIoEx(q, &ov);
        if (!get_packet(iocp, 5000, &bytes, &key, &povl, &error)) test_abort(__FILE__, __LINE__, "no packet for a cancelled receive");
        goto done3;
    }
    ok(key == 123, "completion key: expected 123, got %llu\n", (unsigned long long)key);
    ok(povl == &ov, "completion OVERLAPPED: expected %p, got %p\n", &ov, povl);
    ok(bytes >= sizeof(HTTP_REQUEST_V1) && bytes <= REQ_BUFFER_SIZE, "packet byte count: expected %u to %u, got %lu\n",
       (unsigned)sizeof(HTTP_REQUEST_V1), REQ_BUFFER_SIZE, bytes);
    ok(request_in_bounds(req, bytes, &what), "every pointer of the request lies within the %lu bytes of the packet: %s does not\n",
       bytes, what);
    ok(bytes_eq(req->pRawUrl, req->RawUrlLength, "/iocp/x"), "request from the packet: expected /iocp/x, got \"%s\"\n",
       dbgstr(req->pRawUrl, req->RawUrlLength));
    if (error) goto done3;

    /* An OVERLAPPED send posts a packet too, whether it returned NO_ERROR or ERROR_IO_PENDING. */
    memset(&ov2, 0, sizeof(ov2));
    init_response(&r, 200, "OK", "text/plain", "iocp");
    ret = HttpSendHttpResponse(q, req->RequestId, 0, &r.resp, NULL, NULL, NULL, 0, &ov2, NULL);
    ok(ret == NO_ERROR || ret == ERROR_IO_PENDING, "OVERLAPPED HttpSendHttpResponse: expected NO_ERROR or ERROR_IO_PENDING, got %lu\n", ret);
    if (ret == NO_ERROR || ret == ERROR_IO_PENDING)
    {
        res = get_packet(iocp, TIMEOUT, &bytes, &key, &povl, &error);
        ok(res && !error && key == 123 && povl == &ov2,
           "completion packet for the send: expected key 123, %p, NO_ERROR; got %d key %llu %p error %lu\n",
           &ov2, res, (unsigned long long)key, povl, error);
        if (!res) test_abort(__FILE__, __LINE__, "an OVERLAPPED send never completed");
    }
    read_answer(&c, "a response sent through a completion port");

    /* A synchronous call on a handle bound to a port posts nothing: the OVERLAPPED it uses
     * inside is its own.  (.NET's HttpListener binds the queue to the thread pool's port and
     * still makes synchronous calls on it: a packet for one would point into a dead stack.) */
    client_close(&c);
    snprintf(request, sizeof(request), "GET /iocp/sync HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (!connect_send(&c, request)) goto done2;
    memset(&ov3, 0, sizeof(ov3));
    ret = HttpReceiveHttpRequest(q, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, NULL, &ov3);
    res = get_packet(iocp, TIMEOUT, &bytes, &key, &povl, &error);
    ok((ret == NO_ERROR || ret == ERROR_IO_PENDING) && res && povl == &ov3, "receive of /iocp/sync: expected a packet, got %lu %d\n", ret, res);
    if (!res) test_abort(__FILE__, __LINE__, "an OVERLAPPED receive never completed");
    init_response(&r, 200, "OK", "text/plain", "sync");
    send_response_sync(q, req->RequestId, 0, &r, NULL);
    res = get_packet(iocp, SHORT_WAIT, &bytes, &key, &povl, &error);
    ok(!res, "synchronous HttpSendHttpResponse on a handle bound to a port: expected no packet, got one (%p)\n", povl);
    read_answer(&c, "a synchronous send on a handle bound to a port");

    /* With FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, an operation that succeeds at once posts
     * nothing; one that pends still does. */
    client_close(&c);
    res = SetFileCompletionNotificationModes(q, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);
    ok(res, "SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS): expected TRUE, got error %lu\n",
       res ? 0 : GetLastError());
    snprintf(request, sizeof(request), "GET /iocp/skip HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (!connect_send(&c, request)) goto done2;
    Sleep(SHORT_WAIT);      /* the request is waiting before the receive is issued */
    memset(&ov3, 0, sizeof(ov3));
    ret = HttpReceiveHttpRequest(q, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, NULL, &ov3);
    ok(ret == NO_ERROR || ret == ERROR_IO_PENDING, "OVERLAPPED receive with a request waiting: expected NO_ERROR or ERROR_IO_PENDING, got %lu\n",
       ret);
    res = get_packet(iocp, ret == ERROR_IO_PENDING ? TIMEOUT : SHORT_WAIT, &bytes, &key, &povl, &error);
    if (ret == NO_ERROR)
        ok(!res, "receive that succeeded at once under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: expected no packet, got one (%p)\n", povl);
    else if (ret == ERROR_IO_PENDING)
    {
        ok(res && povl == &ov3, "pending receive under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: expected a packet, got %d %p\n", res, povl);
        if (!res) test_abort(__FILE__, __LINE__, "an OVERLAPPED receive never completed");
    }
    if (ret == NO_ERROR || (ret == ERROR_IO_PENDING && res && !error))
    {
        init_response(&r, 200, "OK", "text/plain", "skip");
        send_response_sync(q, req->RequestId, 0, &r, NULL);
        read_answer(&c, "a request received under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS");
    }

done3:
    client_close(&c);
done2:
    CloseHandle(q);
    q = NULL;
    /* Closing the queue completes nothing more: drain whatever a failure left. */
    while (get_packet(iocp, 0, &bytes, &key, &povl, &error));
    CloseHandle(iocp);
done1:
    if (q) CloseHandle(q);
done:
    free_request(req);
}

/* Starts an OVERLAPPED receive that should pend. */
static BOOL start_receive(HANDLE q, HTTP_REQUEST_V1 *req, OVERLAPPED *ov, const char *what)
{
    ULONG ret;

    memset(ov, 0, sizeof(*ov));
    ov->hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveHttpRequest(q, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, NULL, ov);
    ok(ret == ERROR_IO_PENDING, "%s: OVERLAPPED receive: expected ERROR_IO_PENDING (997), got %lu\n", what, ret);
    return ret == ERROR_IO_PENDING;
}

/* The receive completed with ERROR_OPERATION_ABORTED (waited for at most TIMEOUT). */
static void check_aborted(HANDLE q, OVERLAPPED *ov, const char *what)
{
    DWORD bytes, error;
    BOOL res;

    if (WaitForSingleObject(ov->hEvent, TIMEOUT) != WAIT_OBJECT_0)
    {
        ok(0, "%s: expected the receive to complete with ERROR_OPERATION_ABORTED, it is still pending\n", what);
        /* The system may still write to the OVERLAPPED and the buffer, which the next tests
         * reuse: going on is not safe. */
        CancelIoEx(q, ov);
        if (WaitForSingleObject(ov->hEvent, 1000) != WAIT_OBJECT_0)
            test_abort(__FILE__, __LINE__, "a receive could be neither cancelled nor aborted");
    }
    res = GetOverlappedResult(q, ov, &bytes, FALSE);
    error = res ? 0 : GetLastError();
    ok(!res && error == ERROR_OPERATION_ABORTED, "%s: expected ERROR_OPERATION_ABORTED (995), got %lu\n", what, error);
    CloseHandle(ov->hEvent);
}

struct sync_receive
{
    HANDLE queue;
    HTTP_REQUEST_V1 *req;
    ULONG ret;
};

static DWORD WINAPI sync_receive_thread(void *arg)
{
    struct sync_receive *s = arg;
    ULONG bytes;
    s->ret = HttpReceiveHttpRequest(s->queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)s->req, REQ_BUFFER_SIZE, &bytes, NULL);
    return 0;
}

/* A synchronous receive blocked on another thread returns ERROR_OPERATION_ABORTED when the
 * handle is closed (close_handle) or its I/O cancelled. */
static void test_sync_receive_aborted(BOOL close_handle, const char *path)
{
    struct sync_receive *s = calloc(1, sizeof(*s));
    HANDLE thread;
    const char *what = close_handle ? "synchronous receive blocked while the queue handle is closed"
                                    : "synchronous receive blocked while CancelIoEx(queue, NULL) is called";

    if (!(s->queue = create_queue_url("+", port, path)))
    {
        free(s);
        return;
    }
    s->req = alloc_request();
    s->ret = 0xdeadbeef;
    thread = CreateThread(NULL, 0, sync_receive_thread, s, 0, NULL);
    Sleep(500);     /* let it block */
    ok(WaitForSingleObject(thread, 0) == WAIT_TIMEOUT, "%s: expected it to block with no request, it returned %lu\n", what, s->ret);
    if (close_handle)
        CloseHandle(s->queue);
    else
        ok(CancelIoEx(s->queue, NULL), "CancelIoEx(queue, NULL) with a synchronous receive blocked: expected TRUE, got error %lu\n",
           GetLastError());
    if (WaitForSingleObject(thread, TIMEOUT) != WAIT_OBJECT_0)
    {
        ok(0, "%s: expected it to return ERROR_OPERATION_ABORTED, it is still blocked\n", what);
        return;     /* leaked: the thread still uses it */
    }
    ok(s->ret == ERROR_OPERATION_ABORTED, "%s: expected ERROR_OPERATION_ABORTED (995), got %lu\n", what, s->ret);
    CloseHandle(thread);
    if (!close_handle) CloseHandle(s->queue);
    free_request(s->req);
    free(s);
}

static void test_cancel(void)
{
    HTTP_REQUEST_V1 *req = alloc_request(), *req2 = alloc_request();
    OVERLAPPED ov, ov2;
    BOOL res, pending1, pending2;
    ULONG recv_error;
    HANDLE q;
    int status;

    /* One receive, by its OVERLAPPED. */
    if (start_receive(queue, req, &ov, "CancelIoEx(queue, &ov)"))
    {
        res = CancelIoEx(queue, &ov);
        ok(res, "CancelIoEx(queue, &ov) of a pending receive: expected TRUE, got error %lu\n", res ? 0 : GetLastError());
        check_aborted(queue, &ov, "receive cancelled by CancelIoEx(queue, &ov)");
    }

    /* Every receive, with NULL. */
    pending1 = start_receive(queue, req, &ov, "CancelIoEx(queue, NULL), first");
    pending2 = start_receive(queue, req2, &ov2, "CancelIoEx(queue, NULL), second");
    res = CancelIoEx(queue, NULL);
    ok(res, "CancelIoEx(queue, NULL) with two receives pending: expected TRUE, got error %lu\n", res ? 0 : GetLastError());
    if (pending1) check_aborted(queue, &ov, "first receive cancelled by CancelIoEx(queue, NULL)");
    if (pending2) check_aborted(queue, &ov2, "second receive cancelled by CancelIoEx(queue, NULL)");

    /* Not checked: CancelIoEx with nothing pending fails with ERROR_NOT_FOUND on Windows, but
     * Wine 8.0's CancelIoEx returns TRUE for any handle, a matter of Wine itself. */

    /* A cancelled receive took no request with it. */
    status = round_trip(queue, AF_INET, port, host, "/y/after-cancel", &recv_error);
    ok(status == 200, "request after the cancellations: expected it received and answered (200), got %d (receive error %lu)\n",
       status, recv_error);

    /* Closing the handle aborts what is pending on it. */
    if ((q = create_queue_url("+", port, "/close1/")))
    {
        BOOL pending = start_receive(q, req, &ov, "CloseHandle");
        CloseHandle(q);
        if (pending) check_aborted(q, &ov, "receive pending when CloseHandle(queue) is called");
    }
    if ((q = create_queue_url("+", port, "/close2/")))
    {
        if (start_receive(q, req, &ov, "HttpCloseRequestQueue"))
        {
            ULONG ret = HttpCloseRequestQueue(q);
            ok(ret == NO_ERROR, "HttpCloseRequestQueue on a v1 queue: expected NO_ERROR, got %lu\n", ret);
            check_aborted(q, &ov, "receive pending when HttpCloseRequestQueue is called");
        }
        else
            HttpCloseRequestQueue(q);
    }

    test_sync_receive_aborted(TRUE, "/close3/");
    test_sync_receive_aborted(FALSE, "/cancel4/");

    free_request(req);
    free_request(req2);
}

/*
 * Clients that go away.
 *
 * No page says what happens to a request whose client closed (FIN) right after sending it.  A
 * FIN is only a half-close: the request is complete and the client may still read, so http.sys
 * delivers it.  The response may then be sent into the half-closed connection (NO_ERROR), or
 * fail because http.sys already dropped the connection: ERROR_CONNECTION_INVALID (1229) is what
 * ASP.NET and node's httpsys see for "a nonexistent network connection", and HttpListener
 * surfaces ERROR_NETNAME_DELETED (64) on writes after the client has gone.  Any of the three.
 *
 * A POST whose client goes away before sending its whole body: reading the rest must fail, and
 * must not look like the end of the body (ERROR_HANDLE_EOF means "completely retrieved", which
 * a truncated body is not).  ASP.NET Core's HttpSys server reports such reads as
 * ERROR_NETNAME_DELETED (64) (dotnet/aspnetcore#35490); ERROR_CONNECTION_INVALID (1229) is the
 * code for a request id whose connection is gone.  Either.
 */
static void test_client_gone(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    char request[256], buf[64];
    OVERLAPPED ov;
    struct client c;
    ULONG ret, bytes;
    int total = 0, i;

    snprintf(request, sizeof(request), "GET /y/gone HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (!connect_send(&c, request)) goto done;
    client_close(&c);
    Sleep(SHORT_WAIT);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "request whose client closed right after sending it: expected it delivered (NO_ERROR), got %lu\n", ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", "too late");
        ret = send_response_sync(queue, req->RequestId, 0, &r, NULL);
        ok(ret == NO_ERROR || ret == ERROR_CONNECTION_INVALID || ret == ERROR_NETNAME_DELETED,
           "response to a client that closed: expected NO_ERROR, ERROR_CONNECTION_INVALID (1229) or ERROR_NETNAME_DELETED (64), got %lu\n",
           ret);
    }

    snprintf(request, sizeof(request), "POST /y/half HTTP/1.1\r\nHost: %s\r\nContent-Length: 100\r\n\r\n0123456789", host);
    if (!connect_send(&c, request)) goto done;
    Sleep(SHORT_WAIT / 3);
    client_close(&c);
    Sleep(SHORT_WAIT);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "POST whose client closed after 10 of 100 body bytes: expected it delivered (NO_ERROR), got %lu\n", ret);
    if (ret) goto done;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < 20; i++)
    {
        ResetEvent(ov.hEvent);
        ret = HttpReceiveRequestEntityBody(queue, req->RequestId, 0, buf, sizeof(buf), NULL, &ov);
        ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
        if (ret != NO_ERROR || !bytes) break;
        total += bytes;
    }
    CloseHandle(ov.hEvent);
    ok(ret == ERROR_CONNECTION_INVALID || ret == ERROR_NETNAME_DELETED,
       "reading the body of a POST whose client went away: expected ERROR_CONNECTION_INVALID (1229) or ERROR_NETNAME_DELETED (64), got %lu\n",
       ret);
    ok(total <= 10, "body bytes of a POST whose client sent 10: expected at most 10, got %d\n", total);
    init_response(&r, 200, "OK", "text/plain", "gone");
    send_response_sync(queue, req->RequestId, 0, &r, NULL);
done:
    free_request(req);
}

/* HttpSendResponseEntityBody with an OVERLAPPED. */
static void test_overlapped_entity_send(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    HTTP_DATA_CHUNK chunk;
    char request[256];
    struct client c;
    OVERLAPPED ov;
    ULONG ret, bytes;
    int cret;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    snprintf(request, sizeof(request), "GET /y/entity HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    if (!connect_send(&c, request)) goto done;
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "GET: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done1;

    init_response(&r, 200, "OK", "text/plain", "12345");
    set_known_header(&r, HttpHeaderContentLength, "10");
    ret = HttpSendHttpResponse(queue, req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r.resp, NULL, NULL, NULL, 0, &ov, NULL);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "OVERLAPPED HttpSendHttpResponse(MORE_DATA): expected it to complete with NO_ERROR, got %lu\n", ret);

    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)"67890";
    chunk.FromMemory.BufferLength = 5;
    ResetEvent(ov.hEvent);
    ret = HttpSendResponseEntityBody(queue, req->RequestId, 0, 1, &chunk, NULL, NULL, 0, &ov, NULL);
    ok(ret == NO_ERROR || ret == ERROR_IO_PENDING, "OVERLAPPED HttpSendResponseEntityBody: expected NO_ERROR or ERROR_IO_PENDING, got %lu\n", ret);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "completion of the OVERLAPPED HttpSendResponseEntityBody: expected NO_ERROR, got %lu\n", ret);

    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body_len == 10 && !strcmp(resp.body, "1234567890"),
       "body sent by OVERLAPPED calls: expected \"1234567890\", got result %d \"%s\"\n", cret, dbgstr(resp.body, resp.body_len));
    response_free(&resp);
done1:
    client_close(&c);
done:
    CloseHandle(ov.hEvent);
    free_request(req);
}

int main(int argc, char **argv)
{
    test_startup("v1_async.c");
    port = test_port(argc, argv);
    snprintf(host, sizeof(host), "127.0.0.1:%u", port);

    if (!http_init()) return test_report();
    if (!(queue = create_queue_url("+", port, "/y/"))) return test_report();

    test_overlapped_receive();
    test_overlapped_body_and_send();
    test_completion_port();
    test_cancel();
    test_client_gone();
    /* Last: Wine 8.0's own httpapi has HttpSendResponseEntityBody as a stub that raises. */
    test_overlapped_entity_send();

    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

/*
 * HTTP Server API conformance tests: HttpWaitForDisconnect, HttpWaitForDisconnectEx and
 * HttpCancelHttpRequest, synchronous and OVERLAPPED, with clients that leave and requests that
 * the server aborts.
 *
 * Usage: disconnect.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of httpapi.dll (shared/reference/httpapi.md §1.0):
 * HttpWaitForDisconnect completes when the connection closes; HttpCancelHttpRequest aborts
 * (resets) a request.
 */

#include "util.h"

/* http.h has it; MinGW's copy does not */
ULONG WINAPI HttpWaitForDisconnectEx(HANDLE handle, HTTP_CONNECTION_ID id, ULONG reserved, OVERLAPPED *ovl);

static USHORT port;
static HANDLE queue;    /* http://+:PORT/d/ */

/* A client sends GET /d/<name>; the queue receives it.  FALSE (and a failed check) otherwise. */
static BOOL take_request(struct client *c, const char *name, HTTP_REQUEST_V1 *req)
{
    char request[256];
    ULONG ret, bytes;

    if (!client_connect(c, AF_INET, port))
    {
        ok(0, "%s: connecting to 127.0.0.1:%u failed: error %d\n", name, port, WSAGetLastError());
        return FALSE;
    }
    snprintf(request, sizeof(request), "GET /d/%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", name, port);
    client_send_str(c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "%s: the request arrives: expected NO_ERROR, got %lu\n", name, ret);
    return ret == NO_ERROR;
}

static HANDLE new_event(OVERLAPPED *ov)
{
    memset(ov, 0, sizeof(*ov));
    return ov->hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
}

static void test_wait_overlapped(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client c;
    OVERLAPPED ov;
    ULONG ret, bytes;

    if (!take_request(&c, "wait", req)) goto done;
    new_event(&ov);
    ret = HttpWaitForDisconnect(queue, req->ConnectionId, &ov);
    ok(ret == ERROR_IO_PENDING, "HttpWaitForDisconnect on a live connection: expected ERROR_IO_PENDING, got %lu\n", ret);
    ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT,
       "HttpWaitForDisconnect: expected no completion while the client stays\n");
    ret = respond_text(queue, req->RequestId, "bye");
    ok(ret == NO_ERROR, "answering the request: expected NO_ERROR, got %lu\n", ret);
    ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT,
       "HttpWaitForDisconnect: expected no completion after a response on a keep-alive connection\n");
    client_close(&c);
    ret = finish_overlapped(queue, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "HttpWaitForDisconnect after the client closed: expected NO_ERROR, got %lu\n", ret);
    ok(bytes == 0, "HttpWaitForDisconnect: expected 0 bytes, got %lu\n", bytes);
    CloseHandle(ov.hEvent);

    /* the connection is gone now: nothing to wait for */
    new_event(&ov);
    ret = HttpWaitForDisconnect(queue, req->ConnectionId, &ov);
    if (ret == ERROR_IO_PENDING) ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == ERROR_CONNECTION_INVALID,
       "HttpWaitForDisconnect on a closed connection: expected ERROR_CONNECTION_INVALID, got %lu\n", ret);
    CloseHandle(ov.hEvent);
done:
    free_request(req);
}

struct sync_wait
{
    HTTP_CONNECTION_ID id;
    ULONG ret;
};

static DWORD WINAPI sync_waiter(void *arg)
{
    struct sync_wait *w = arg;
    w->ret = HttpWaitForDisconnectEx(queue, w->id, 0, NULL);
    return 0;
}

static void test_wait_sync(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct sync_wait w;
    struct client c;
    HANDLE thread;

    if (!take_request(&c, "sync", req)) goto done;
    w.id = req->ConnectionId;
    w.ret = 0xdeadbeef;
    thread = CreateThread(NULL, 0, sync_waiter, &w, 0, NULL);
    ok(WaitForSingleObject(thread, SHORT_WAIT) == WAIT_TIMEOUT,
       "HttpWaitForDisconnectEx (synchronous): expected it to block while the client stays\n");
    client_close(&c);
    ok(WaitForSingleObject(thread, TIMEOUT) == WAIT_OBJECT_0,
       "HttpWaitForDisconnectEx (synchronous): expected it to return once the client left\n");
    ok(w.ret == NO_ERROR, "HttpWaitForDisconnectEx (synchronous): expected NO_ERROR, got %lu\n", w.ret);
    CloseHandle(thread);
    respond_text(queue, req->RequestId, "late");
done:
    free_request(req);
}

static void test_wait_arguments(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client c;
    OVERLAPPED ov, ov2;
    ULONG ret, bytes;

    ret = HttpWaitForDisconnectEx(queue, 12345, 1, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpWaitForDisconnectEx with Reserved 1: expected ERROR_INVALID_PARAMETER, got %lu\n", ret);
    ret = HttpWaitForDisconnect(queue, HTTP_NULL_ID, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpWaitForDisconnect with HTTP_NULL_ID: expected ERROR_INVALID_PARAMETER, got %lu\n", ret);
    ret = HttpWaitForDisconnect(queue, 0x7fffffff12345ull, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpWaitForDisconnect on an unknown connection: expected ERROR_CONNECTION_INVALID, got %lu\n", ret);
    ret = HttpWaitForDisconnect(NULL, 12345, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpWaitForDisconnect on a NULL handle: expected ERROR_INVALID_HANDLE, got %lu\n", ret);

    /* two waits on one connection both complete; CancelIoEx ends one of them */
    if (!take_request(&c, "two", req)) goto done;
    new_event(&ov);
    new_event(&ov2);
    ret = HttpWaitForDisconnect(queue, req->ConnectionId, &ov);
    ok(ret == ERROR_IO_PENDING, "first wait: expected ERROR_IO_PENDING, got %lu\n", ret);
    ret = HttpWaitForDisconnect(queue, req->ConnectionId, &ov2);
    ok(ret == ERROR_IO_PENDING, "second wait: expected ERROR_IO_PENDING, got %lu\n", ret);
    ok(CancelIoEx(queue, &ov2), "CancelIoEx of the second wait: expected TRUE, got error %lu\n", GetLastError());
    ret = finish_overlapped(queue, ERROR_IO_PENDING, &ov2, &bytes, TIMEOUT);
    ok(ret == ERROR_OPERATION_ABORTED, "the cancelled wait: expected ERROR_OPERATION_ABORTED, got %lu\n", ret);
    ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT, "the first wait stays pending\n");
    client_close(&c);
    ret = finish_overlapped(queue, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "the first wait once the client left: expected NO_ERROR, got %lu\n", ret);
    CloseHandle(ov.hEvent);
    CloseHandle(ov2.hEvent);
    respond_text(queue, req->RequestId, "late");
done:
    free_request(req);
}

static void test_cancel_request(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c;
    OVERLAPPED ov, cov;
    ULONG ret, bytes;
    int cret;

    ret = HttpCancelHttpRequest(queue, 0x7fffffff12345ull, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpCancelHttpRequest of an unknown request: expected ERROR_CONNECTION_INVALID, got %lu\n", ret);
    ret = HttpCancelHttpRequest(queue, HTTP_NULL_ID, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "HttpCancelHttpRequest of HTTP_NULL_ID: expected ERROR_CONNECTION_INVALID, got %lu\n", ret);

    if (!take_request(&c, "cancel", req)) goto done;
    new_event(&ov);
    ret = HttpWaitForDisconnect(queue, req->ConnectionId, &ov);
    ok(ret == ERROR_IO_PENDING, "waiting for the disconnect: expected ERROR_IO_PENDING, got %lu\n", ret);
    ret = HttpCancelHttpRequest(queue, req->RequestId, NULL);
    ok(ret == NO_ERROR, "HttpCancelHttpRequest (synchronous): expected NO_ERROR, got %lu\n", ret);
    memset(&resp, 0, sizeof(resp));
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_CLOSED || cret == CLIENT_ERROR,
       "the client of a cancelled request: expected its connection closed or reset, got %d (status %d)\n", cret, resp.status);
    response_free(&resp);
    ret = finish_overlapped(queue, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "the disconnect wait of a cancelled request: expected NO_ERROR, got %lu\n", ret);
    ret = respond_text(queue, req->RequestId, "too late");
    ok(ret == ERROR_CONNECTION_INVALID, "answering a cancelled request: expected ERROR_CONNECTION_INVALID, got %lu\n", ret);
    ret = HttpCancelHttpRequest(queue, req->RequestId, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "cancelling it again: expected ERROR_CONNECTION_INVALID, got %lu\n", ret);
    CloseHandle(ov.hEvent);
    client_close(&c);

    /* OVERLAPPED: the cancel completes through the OVERLAPPED */
    if (!take_request(&c, "cancel2", req)) goto done;
    new_event(&cov);
    ret = HttpCancelHttpRequest(queue, req->RequestId, &cov);
    ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "HttpCancelHttpRequest (OVERLAPPED): expected ERROR_IO_PENDING or NO_ERROR, got %lu\n", ret);
    ret = finish_overlapped(queue, ret, &cov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "HttpCancelHttpRequest (OVERLAPPED) completes: expected NO_ERROR, got %lu\n", ret);
    ok(client_wait_closed(&c, TIMEOUT), "the client of the second cancelled request: expected its connection closed\n");
    CloseHandle(cov.hEvent);
    client_close(&c);
done:
    free_request(req);
}

int main(int argc, char **argv)
{
    test_startup("disconnect.c");
    port = test_port(argc, argv);

    if (!http_init()) return test_report();
    if (!(queue = create_queue_url("+", port, "/d/"))) return test_report();

    test_wait_overlapped();
    test_wait_sync();
    test_wait_arguments();
    test_cancel_request();

    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

/*
 * HttpServerTimeoutsProperty (HTTP_TIMEOUT_LIMIT_INFO) on a URL group and a server session: the
 * RequestQueue, EntityBody, DrainEntityBody, IdleConnection, HeaderWait and MinSendRate timers cut
 * the connection when they run out.  IdleConnection and HeaderWait of the application apply
 * only once a request of the connection reached it; a client that sends its headers a byte at a
 * time is cut at HeaderWait however it trickles.
 *
 * Each timer is set to 2 seconds; a check that a connection is cut allows 6, and a check that it
 * is not cut early looks at 1 second: the timer's value decides the first, never the machine's
 * speed.
 *
 * Usage: timeouts.exe PORT
 *
 * Written from Microsoft's documentation of HTTP_TIMEOUT_LIMIT_INFO and "Server Timeouts
 * Property" (shared/reference/httpapi.md §1.2).
 */

#include "v2util.h"

static USHORT port;
static HTTP_SERVER_SESSION_ID session;
static HTTP_URL_GROUP_ID group;
static HANDLE queue;

#define CUT_WITHIN 6000

static ULONG set_timeouts(HTTP_URL_GROUP_ID g, USHORT entity, USHORT drain, USHORT rq, USHORT idle, USHORT header,
                          ULONG rate)
{
    HTTP_TIMEOUT_LIMIT_INFO t;

    memset(&t, 0, sizeof(t));
    t.Flags.Present = 1;
    t.EntityBody = entity;
    t.DrainEntityBody = drain;
    t.RequestQueue = rq;
    t.IdleConnection = idle;
    t.HeaderWait = header;
    t.MinSendRate = rate;
    if (g) return HttpSetUrlGroupProperty(g, HttpServerTimeoutsProperty, &t, sizeof(t));
    return HttpSetServerSessionProperty(session, HttpServerTimeoutsProperty, &t, sizeof(t));
}

static BOOL connect_send(struct client *c, const char *text)
{
    if (!client_connect(c, AF_INET, port))
    {
        ok(0, "connecting to port %u failed: error %d\n", port, WSAGetLastError());
        return FALSE;
    }
    client_send_str(c, text);
    return TRUE;
}

/* One GET answered on a keep-alive connection: the application has seen the connection. */
static BOOL first_request(struct client *c)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    char text[256];
    ULONG ret, bytes;
    int status;

    snprintf(text, sizeof(text), "GET /t/first HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
    if (!connect_send(c, text)) { free_request(req); return FALSE; }
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    if (!ret) respond_text(queue, req->RequestId, "first");
    status = client_read_response(c, &resp, FALSE, TIMEOUT);
    response_free(&resp);
    free_request(req);
    ok(!ret && status == CLIENT_OK, "the first request of the connection: expected an answer, got %lu %d\n", ret, status);
    return !ret && status == CLIENT_OK;
}

static void test_request_queue(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client c;
    char text[256];
    ULONG ret, bytes;

    snprintf(text, sizeof(text), "GET /t/waits HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
    if (!connect_send(&c, text)) goto done;
    ok(!client_wait_closed(&c, 1000), "RequestQueue 2 s: the connection is still open after 1 s\n");
    ok(client_wait_closed(&c, CUT_WITHIN), "RequestQueue 2 s: a request no receive took is dropped with its connection\n");
    ok(c.len == 0, "RequestQueue: no response is sent, got %d bytes\n", c.len);
    client_close(&c);
    /* the request is gone: a receive now gets nothing */
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, SHORT_WAIT);
    ok(ret == WAIT_TIMEOUT, "a receive after the RequestQueue timer: expected nothing, got %lu\n", ret);
done:
    free_request(req);
}

static void test_entity_body(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client c;
    char text[256], body[64];
    ULONG ret, bytes;

    snprintf(text, sizeof(text), "POST /t/body HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Length: 10\r\n\r\nabc", port);
    if (!connect_send(&c, text)) goto done;
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "receiving the POST: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done1;
    ok(!client_wait_closed(&c, 1000), "EntityBody 2 s: the connection is still open after 1 s\n");
    ok(client_wait_closed(&c, CUT_WITHIN), "EntityBody 2 s: a body that stops coming cuts the connection\n");
    ret = HttpReceiveRequestEntityBody(queue, req->RequestId, HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER, body,
                                       sizeof(body), &bytes, NULL);
    ok(ret == ERROR_CONNECTION_INVALID || ret == ERROR_HANDLE_EOF,
       "reading the body of a connection cut by EntityBody: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
    respond_text(queue, req->RequestId, "late");
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_drain(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c;
    char text[256];
    ULONG ret, bytes;
    int status;

    snprintf(text, sizeof(text), "POST /t/drain HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Length: 100\r\n\r\n0123456789", port);
    if (!connect_send(&c, text)) goto done;
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "receiving the POST: expected NO_ERROR, got %lu\n", ret);
    if (!ret) respond_text(queue, req->RequestId, "answered early");
    status = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(status == CLIENT_OK && resp.status == 200, "the response before the body ended: expected 200, got %d\n", status);
    response_free(&resp);
    ok(!client_wait_closed(&c, 1000), "DrainEntityBody 2 s: the connection is still open after 1 s\n");
    ok(client_wait_closed(&c, CUT_WITHIN), "DrainEntityBody 2 s: a body that never ends is not drained for ever\n");
    client_close(&c);
done:
    free_request(req);
}

static void test_idle(void)
{
    struct client c, fresh;

    /* before any request the service's IdleConnection (120 s) holds, not the application's */
    if (!client_connect(&fresh, AF_INET, port)) { ok(0, "connect failed\n"); return; }
    if (!first_request(&c)) { client_close(&fresh); client_close(&c); return; }
    ok(!client_wait_closed(&c, 1000), "IdleConnection 2 s: the connection is still open after 1 s\n");
    ok(client_wait_closed(&c, CUT_WITHIN), "IdleConnection 2 s: an idle keep-alive connection is closed\n");
    ok(!client_wait_closed(&fresh, 500), "a connection no request has reached keeps the service's IdleConnection\n");
    client_close(&c);
    client_close(&fresh);
}

static void test_header_wait(void)
{
    struct client c;
    const char *part = "GET /t/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: abcdefghijklmnopqrstuvwxyz";
    DWORD start;
    BOOL cut = FALSE;
    int i;

    if (!first_request(&c)) { client_close(&c); return; }
    /* a byte every 300 ms: each one would restart a timer that counted from the last byte */
    start = GetTickCount();
    for (i = 0; part[i] && !cut; i++)
    {
        client_send(&c, part + i, 1);
        cut = client_wait_closed(&c, 300);
    }
    ok(cut, "HeaderWait 2 s: a client that trickles its headers is cut\n");
    ok(GetTickCount() - start >= 1000, "HeaderWait 2 s: not before 1 s (%lu ms)\n", GetTickCount() - start);
    ok(GetTickCount() - start < CUT_WITHIN, "HeaderWait 2 s: counted from the first byte of the headers (%lu ms)\n",
       GetTickCount() - start);
    client_close(&c);
}

/* A client that reads nothing: its connection is cut when the response cannot go out at
 * MinSendRate.  IdleConnection is long here, so only MinSendRate can end it in time; the server
 * sees the end through HttpWaitForDisconnect, the client reads nothing at all. */
static void test_min_send_rate(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct sockaddr_in addr;
    struct test_response r;
    HTTP_DATA_CHUNK chunk;
    char text[256], *big;
    ULONG ret, bytes, size = 32u << 20;
    OVERLAPPED ov, wait;
    SOCKET s;
    int small = 4096;

    ok(set_timeouts(group, 2, 2, 2, 60, 2, 10000000) == NO_ERROR, "setting MinSendRate 10 MB/s: expected NO_ERROR\n");
    big = malloc(size);
    memset(big, 'z', size);
    s = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char *)&small, sizeof(small));
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr *)&addr, sizeof(addr)))
    {
        ok(0, "connect failed: %d\n", WSAGetLastError());
        goto done;
    }
    snprintf(text, sizeof(text), "GET /t/big HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
    send(s, text, strlen(text), 0);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "receiving the GET: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done;
    memset(&wait, 0, sizeof(wait));
    wait.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpWaitForDisconnect(queue, req->ConnectionId, &wait);
    ok(ret == ERROR_IO_PENDING, "HttpWaitForDisconnect: expected ERROR_IO_PENDING (997), got %lu\n", ret);
    init_response(&r, 200, "OK", "application/octet-stream", NULL);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = big;
    chunk.FromMemory.BufferLength = size;
    r.resp.EntityChunkCount = 1;
    r.resp.pEntityChunks = &chunk;
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpSendHttpResponse(queue, req->RequestId, 0, &r.resp, NULL, NULL, NULL, 0, &ov, NULL);
    finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT * 2);
    CloseHandle(ov.hEvent);
    ok(WaitForSingleObject(wait.hEvent, 20000) == WAIT_OBJECT_0,
       "MinSendRate: a client that reads nothing is cut once the rate is missed\n");
    CancelIoEx(queue, &wait);
    WaitForSingleObject(wait.hEvent, 5000);
    CloseHandle(wait.hEvent);
done:
    closesocket(s);
    free(big);
    free_request(req);
}

static void test_session_timeouts(void)
{
    struct client c;

    /* the group's own values go; the session's apply */
    ok(set_timeouts(group, 0, 0, 0, 0, 0, 0) == NO_ERROR, "clearing the group's timeouts: expected NO_ERROR\n");
    ok(set_timeouts(0, 0, 0, 0, 2, 0, 0) == NO_ERROR, "the session's IdleConnection: expected NO_ERROR\n");
    if (!first_request(&c)) { client_close(&c); return; }
    ok(client_wait_closed(&c, CUT_WITHIN), "the session's IdleConnection 2 s applies to its group\n");
    client_close(&c);
}

int main(int argc, char **argv)
{
    HTTP_TIMEOUT_LIMIT_INFO back;
    WCHAR url[128];
    ULONG ret, len;

    test_startup("timeouts.c");
    port = test_port(argc, argv);
    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize: expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();
    session = new_session();
    group = new_group(session);
    queue = new_queue();
    ret = HttpAddUrlToUrlGroup(group, wfmt(url, 128, "http://+:%u/t/", port), 0, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "binding: expected NO_ERROR, got %lu\n", ret);
    ret = set_timeouts(group, 2, 2, 2, 2, 2, 0);
    ok(ret == NO_ERROR, "HttpSetUrlGroupProperty(Timeouts): expected NO_ERROR, got %lu\n", ret);
    memset(&back, 0, sizeof(back));
    ret = HttpQueryUrlGroupProperty(group, HttpServerTimeoutsProperty, &back, sizeof(back), &len);
    ok(ret == NO_ERROR && back.Flags.Present && back.EntityBody == 2 && back.HeaderWait == 2,
       "HttpQueryUrlGroupProperty(Timeouts): expected the values set, got %lu\n", ret);

    test_request_queue();
    test_entity_body();
    test_drain();
    test_idle();
    test_header_wait();
    test_min_send_rate();
    test_session_timeouts();

    HttpCloseRequestQueue(queue);
    HttpCloseUrlGroup(group);
    HttpCloseServerSession(session);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

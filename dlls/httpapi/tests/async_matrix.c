/*
 * Every I/O call of a request's life with many operations outstanding at once, in each way a
 * program can wait: an event per OVERLAPPED, a completion port, and a completion port with
 * SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS |
 * FILE_SKIP_SET_EVENT_ON_HANDLE) as ASP.NET Core sets it.  Each operation must complete once, on
 * its own OVERLAPPED, with the right status and byte count; CancelIoEx of one operation, of all
 * of them, and closing the handle must end exactly what they name.
 *
 * Usage: async_matrix.exe PORT
 *
 * Written from Microsoft's documentation of overlapped I/O, completion ports and
 * SetFileCompletionNotificationModes, and of the httpapi calls (shared/reference/httpapi.md §1.0.1).
 */

#include "util.h"

#define CLIENTS 6

enum mode { MODE_EVENT, MODE_PORT, MODE_PORT_SKIP };
static const char *const mode_name[] = { "event", "port", "port+skip" };

static USHORT port;

struct op
{
    OVERLAPPED ov;
    BOOL pending;        /* a completion (event or packet) is still to come */
    BOOL done;
    DWORD error, bytes;
};

struct matrix
{
    enum mode mode;
    HANDLE queue, iocp;
    char path[32];       /* "/m<mode>/" */
};

/* Records how an OVERLAPPED call returned: NO_ERROR under the skip mode completed on the spot
 * and posts nothing; NO_ERROR otherwise and ERROR_IO_PENDING complete through the OVERLAPPED; any
 * other error is the operation's result at once. */
static void issued(struct matrix *m, struct op *op, ULONG ret)
{
    if (ret == NO_ERROR && m->mode == MODE_PORT_SKIP)
    {
        op->done = TRUE;
        op->error = 0;
        op->bytes = (DWORD)op->ov.InternalHigh;
    }
    else if (ret == NO_ERROR || ret == ERROR_IO_PENDING)
        op->pending = TRUE;
    else
    {
        op->done = TRUE;
        op->error = ret;
    }
}

static void op_init(struct matrix *m, struct op *op)
{
    memset(op, 0, sizeof(*op));
    if (m->mode == MODE_EVENT) op->ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
}

static void op_free(struct op *op)
{
    if (op->ov.hEvent) CloseHandle(op->ov.hEvent);
    op->ov.hEvent = NULL;
}

/* Collects the completions of ops[0..n) within timeout_ms; returns how many are done.  A
 * second completion for one operation, or one for an OVERLAPPED that is not ours, fails. */
static int collect(struct matrix *m, struct op *ops, int n, DWORD timeout_ms, const char *what)
{
    DWORD start = GetTickCount(), left;
    int i, done = 0;

    for (i = 0; i < n; i++) if (ops[i].done) done++;
    while (done < n)
    {
        DWORD elapsed = GetTickCount() - start;
        left = elapsed >= timeout_ms ? 0 : timeout_ms - elapsed;
        if (m->mode == MODE_EVENT)
        {
            BOOL progress = FALSE;
            for (i = 0; i < n; i++)
            {
                DWORD bytes = 0;
                if (!ops[i].pending || WaitForSingleObject(ops[i].ov.hEvent, 0) != WAIT_OBJECT_0) continue;
                ops[i].error = GetOverlappedResult(m->queue, &ops[i].ov, &bytes, FALSE) ? 0 : GetLastError();
                ops[i].bytes = bytes;
                ops[i].pending = FALSE;
                ops[i].done = TRUE;
                ResetEvent(ops[i].ov.hEvent);
                done++;
                progress = TRUE;
            }
            if (!progress)
            {
                if (!left) break;
                Sleep(5);
            }
        }
        else
        {
            OVERLAPPED *povl = NULL;
            ULONG_PTR key = 0;
            DWORD bytes = 0, error;
            BOOL res = GetQueuedCompletionStatus(m->iocp, &bytes, &key, &povl, left);

            error = res ? 0 : GetLastError();
            if (!povl) break;   /* timed out */
            for (i = 0; i < n; i++) if (&ops[i].ov == povl) break;
            ok(i < n, "%s (%s): a packet for an OVERLAPPED that is not one of these operations\n", what, mode_name[m->mode]);
            if (i == n) continue;
            ok(key == 77, "%s (%s): packet key: expected 77, got %llu\n", what, mode_name[m->mode], (unsigned long long)key);
            ok(ops[i].pending, "%s (%s): operation %d completed twice or completed on the spot and posted a packet\n",
               what, mode_name[m->mode], i);
            ops[i].pending = FALSE;
            ops[i].done = TRUE;
            ops[i].error = error;
            ops[i].bytes = bytes;
            done++;
        }
    }
    return done;
}

/* No completion arrives for any of ops within SHORT_WAIT. */
static void check_quiet(struct matrix *m, struct op *ops, int n, const char *what)
{
    int before = 0, after, i;

    for (i = 0; i < n; i++) if (ops[i].done) before++;
    after = collect(m, ops, n, SHORT_WAIT, what);
    ok(after == before, "%s (%s): expected nothing more to complete, %d did\n", what, mode_name[m->mode], after - before);
}

static BOOL start_client(struct client *c, const char *text)
{
    if (!client_connect(c, AF_INET, port)) return FALSE;
    return client_send_str(c, text);
}

/* Receives, bodies, disconnect waits and sends for CLIENTS requests, all outstanding together. */
static void test_request_life(struct matrix *m)
{
    struct op recv_ops[CLIENTS], body_ops[CLIENTS], eof_ops[CLIENTS], wait_ops[CLIENTS], head_ops[CLIENTS],
              tail_ops[CLIENTS];
    HTTP_REQUEST_V1 *reqs[CLIENTS], *by_client[CLIENTS];
    static char bodies[CLIENTS][2048], expect[2048];
    struct client clients[CLIENTS];
    HTTP_DATA_CHUNK chunk[CLIENTS];
    struct test_response r[CLIENTS];
    char text[4096], resp_body[CLIENTS][32];
    const char *what;
    int i, j, n, seen = 0;
    ULONG ret;

    for (i = 0; i < CLIENTS; i++)
    {
        reqs[i] = alloc_request();
        by_client[i] = NULL;
        op_init(m, &recv_ops[i]);
        ret = HttpReceiveHttpRequest(m->queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)reqs[i], REQ_BUFFER_SIZE, NULL, &recv_ops[i].ov);
        ok(ret == ERROR_IO_PENDING, "receive %d with no request waiting (%s): expected ERROR_IO_PENDING (997), got %lu\n",
           i, mode_name[m->mode], ret);
        issued(m, &recv_ops[i], ret);
    }
    check_quiet(m, recv_ops, CLIENTS, "receives before any request");
    for (i = 0; i < CLIENTS; i++)
    {
        memset(&clients[i], 0, sizeof(clients[i]));
        clients[i].s = INVALID_SOCKET;
        snprintf(text, sizeof(text), "POST %s%d HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nContent-Length: %d\r\n\r\n",
                 m->path, i, port, 1000 + i);
        if (!start_client(&clients[i], text)) ok(0, "client %d could not connect\n", i);
    }
    n = collect(m, recv_ops, CLIENTS, TIMEOUT * 2, "receives");
    ok(n == CLIENTS, "receives (%s): expected %d completions, got %d\n", mode_name[m->mode], CLIENTS, n);
    for (i = 0; i < CLIENTS; i++)
    {
        ok(recv_ops[i].done && !recv_ops[i].error, "receive %d (%s): expected NO_ERROR, got %lu\n", i, mode_name[m->mode],
           recv_ops[i].error);
        if (!recv_ops[i].done || recv_ops[i].error) continue;
        ok(recv_ops[i].bytes >= sizeof(HTTP_REQUEST_V1) && request_in_bounds(reqs[i], recv_ops[i].bytes, &what),
           "receive %d (%s): the byte count %lu covers the request\n", i, mode_name[m->mode], recv_ops[i].bytes);
        /* which client's request this buffer got */
        j = reqs[i]->RawUrlLength > strlen(m->path) ? reqs[i]->pRawUrl[strlen(m->path)] - '0' : -1;
        ok(j >= 0 && j < CLIENTS && !by_client[j], "receive %d (%s): a request of its own, got %s\n", i, mode_name[m->mode],
           dbgstr(reqs[i]->pRawUrl, reqs[i]->RawUrlLength));
        if (j >= 0 && j < CLIENTS && !by_client[j]) { by_client[j] = reqs[i]; seen++; }
    }
    if (seen != CLIENTS) goto done;

    /* the bodies are sent only now: the reads pend first, together with the disconnect waits */
    for (i = 0; i < CLIENTS; i++)
    {
        op_init(m, &wait_ops[i]);
        ret = HttpWaitForDisconnect(m->queue, by_client[i]->ConnectionId, &wait_ops[i].ov);
        ok(ret == ERROR_IO_PENDING, "HttpWaitForDisconnect %d (%s): expected ERROR_IO_PENDING (997), got %lu\n", i,
           mode_name[m->mode], ret);
        issued(m, &wait_ops[i], ret);
        op_init(m, &body_ops[i]);
        ret = HttpReceiveRequestEntityBody(m->queue, by_client[i]->RequestId, HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER,
                                           bodies[i], sizeof(bodies[i]), NULL, &body_ops[i].ov);
        ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "body read %d (%s): expected ERROR_IO_PENDING (997), got %lu\n", i,
           mode_name[m->mode], ret);
        issued(m, &body_ops[i], ret);
    }
    for (i = 0; i < CLIENTS; i++)
    {
        memset(text, 'a' + i, 1000 + i);
        client_send(&clients[i], text, 1000 + i);
    }
    n = collect(m, body_ops, CLIENTS, TIMEOUT * 2, "body reads");
    ok(n == CLIENTS, "body reads (%s): expected %d completions, got %d\n", mode_name[m->mode], CLIENTS, n);
    for (i = 0; i < CLIENTS; i++)
    {
        memset(expect, 'a' + i, 1000 + i);
        ok(body_ops[i].done && !body_ops[i].error && body_ops[i].bytes == 1000u + i && !memcmp(bodies[i], expect, 1000 + i),
           "body read %d (%s): expected NO_ERROR and its own %d bytes, got %lu and %lu bytes\n", i, mode_name[m->mode],
           1000 + i, body_ops[i].error, body_ops[i].bytes);
        op_init(m, &eof_ops[i]);
        ret = HttpReceiveRequestEntityBody(m->queue, by_client[i]->RequestId, 0, bodies[i], sizeof(bodies[i]), NULL, &eof_ops[i].ov);
        issued(m, &eof_ops[i], ret);
    }
    collect(m, eof_ops, CLIENTS, TIMEOUT, "reads past the body");
    for (i = 0; i < CLIENTS; i++)
        ok(eof_ops[i].done && eof_ops[i].error == ERROR_HANDLE_EOF && !eof_ops[i].bytes,
           "read %d past the body (%s): expected ERROR_HANDLE_EOF (38) and 0 bytes, got %lu, %lu bytes\n", i,
           mode_name[m->mode], eof_ops[i].error, eof_ops[i].bytes);
    check_quiet(m, wait_ops, CLIENTS, "disconnect waits while the clients stay");

    /* the heads, then the bodies, all sends outstanding together */
    for (i = 0; i < CLIENTS; i++)
    {
        init_response(&r[i], 200, "OK", "text/plain", NULL);
        set_known_header(&r[i], HttpHeaderContentLength, "9");
        op_init(m, &head_ops[i]);
        ret = HttpSendHttpResponse(m->queue, by_client[i]->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r[i].resp, NULL,
                                   NULL, NULL, 0, &head_ops[i].ov, NULL);
        ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "HttpSendHttpResponse %d (%s): expected NO_ERROR or ERROR_IO_PENDING, got %lu\n",
           i, mode_name[m->mode], ret);
        issued(m, &head_ops[i], ret);
    }
    n = collect(m, head_ops, CLIENTS, TIMEOUT, "response heads");
    for (i = 0; i < CLIENTS; i++)
        ok(head_ops[i].done && !head_ops[i].error, "response head %d (%s): expected NO_ERROR, got %lu\n", i, mode_name[m->mode],
           head_ops[i].error);
    for (i = 0; i < CLIENTS; i++)
    {
        snprintf(resp_body[i], sizeof(resp_body[i]), "answer-%02d", i);
        chunk[i].DataChunkType = HttpDataChunkFromMemory;
        chunk[i].FromMemory.pBuffer = resp_body[i];
        chunk[i].FromMemory.BufferLength = 9;
        op_init(m, &tail_ops[i]);
        ret = HttpSendResponseEntityBody(m->queue, by_client[i]->RequestId, 0, 1, &chunk[i], NULL, NULL, 0, &tail_ops[i].ov, NULL);
        ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "HttpSendResponseEntityBody %d (%s): expected NO_ERROR or ERROR_IO_PENDING, got %lu\n",
           i, mode_name[m->mode], ret);
        issued(m, &tail_ops[i], ret);
    }
    collect(m, tail_ops, CLIENTS, TIMEOUT, "response bodies");
    for (i = 0; i < CLIENTS; i++)
    {
        struct http_response resp;
        int got;

        ok(tail_ops[i].done && !tail_ops[i].error && tail_ops[i].bytes == 9,
           "response body %d (%s): expected NO_ERROR and 9 bytes, got %lu and %lu\n", i, mode_name[m->mode], tail_ops[i].error,
           tail_ops[i].bytes);
        got = client_read_response(&clients[i], &resp, FALSE, TIMEOUT);
        ok(got == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, resp_body[i]),
           "client %d (%s): expected 200 \"%s\"\n", i, mode_name[m->mode], resp_body[i]);
        response_free(&resp);
    }

    /* the clients leave: each wait completes, on its own OVERLAPPED */
    for (i = 0; i < CLIENTS; i++) client_close(&clients[i]);
    collect(m, wait_ops, CLIENTS, TIMEOUT, "disconnect waits");
    for (i = 0; i < CLIENTS; i++)
        ok(wait_ops[i].done && !wait_ops[i].error, "HttpWaitForDisconnect %d after the client left (%s): expected NO_ERROR, got %lu\n",
           i, mode_name[m->mode], wait_ops[i].error);
    for (i = 0; i < CLIENTS; i++)
    {
        op_free(&wait_ops[i]); op_free(&body_ops[i]); op_free(&eof_ops[i]); op_free(&head_ops[i]); op_free(&tail_ops[i]);
    }
done:
    for (i = 0; i < CLIENTS; i++)
    {
        if (clients[i].s != INVALID_SOCKET) client_close(&clients[i]);
        op_free(&recv_ops[i]);
        free_request(reqs[i]);
    }
}

/* CancelIoEx of one operation ends that one alone; CancelIoEx(h, NULL) ends the rest. */
static void test_cancel(struct matrix *m)
{
    HTTP_REQUEST_V1 *reqs[3];
    struct op ops[3];
    ULONG ret;
    int i;

    for (i = 0; i < 3; i++)
    {
        reqs[i] = alloc_request();
        op_init(m, &ops[i]);
        ret = HttpReceiveHttpRequest(m->queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)reqs[i], REQ_BUFFER_SIZE, NULL, &ops[i].ov);
        issued(m, &ops[i], ret);
    }
    ok(CancelIoEx(m->queue, &ops[1].ov), "CancelIoEx of one receive (%s): expected TRUE, got error %lu\n", mode_name[m->mode],
       GetLastError());
    collect(m, &ops[1], 1, TIMEOUT, "the cancelled receive");
    ok(ops[1].done && ops[1].error == ERROR_OPERATION_ABORTED, "the cancelled receive (%s): expected ERROR_OPERATION_ABORTED (995), got %lu\n",
       mode_name[m->mode], ops[1].error);
    check_quiet(m, ops, 3, "the receives not cancelled");
    ok(!ops[0].done && !ops[2].done, "the other receives (%s): expected still pending\n", mode_name[m->mode]);
    ok(CancelIoEx(m->queue, NULL), "CancelIoEx of all (%s): expected TRUE, got error %lu\n", mode_name[m->mode], GetLastError());
    collect(m, ops, 3, TIMEOUT, "receives cancelled together");
    ok(ops[0].done && ops[0].error == ERROR_OPERATION_ABORTED && ops[2].done && ops[2].error == ERROR_OPERATION_ABORTED,
       "CancelIoEx(NULL) (%s): expected both receives to end with ERROR_OPERATION_ABORTED (995), got %lu, %lu\n",
       mode_name[m->mode], ops[0].error, ops[2].error);
    {
        /* (Wine's CancelIoEx(h, NULL) says TRUE even with nothing to cancel: only the
         * OVERLAPPED form is checked) */
        BOOL res = CancelIoEx(m->queue, &ops[1].ov);
        DWORD err = res ? 0 : GetLastError();
        ok(!res && err == ERROR_NOT_FOUND, "CancelIoEx of a receive already ended (%s): expected ERROR_NOT_FOUND (1168), got %d %lu\n",
           mode_name[m->mode], res, err);
    }
    for (i = 0; i < 3; i++) { op_free(&ops[i]); free_request(reqs[i]); }
}

/* Closing the handle ends what is outstanding on it; a port still gets the packets. */
static void test_close(struct matrix *m)
{
    HTTP_REQUEST_V1 *reqs[2];
    struct op ops[2];
    ULONG ret;
    int i;

    for (i = 0; i < 2; i++)
    {
        reqs[i] = alloc_request();
        op_init(m, &ops[i]);
        ret = HttpReceiveHttpRequest(m->queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)reqs[i], REQ_BUFFER_SIZE, NULL, &ops[i].ov);
        issued(m, &ops[i], ret);
    }
    CloseHandle(m->queue);
    collect(m, ops, 2, TIMEOUT, "receives of a closed handle");
    for (i = 0; i < 2; i++)
        ok(ops[i].done && ops[i].error == ERROR_OPERATION_ABORTED,
           "receive %d when its handle closed (%s): expected ERROR_OPERATION_ABORTED (995), got %lu (done %d)\n", i,
           mode_name[m->mode], ops[i].error, ops[i].done);
    m->queue = NULL;
    for (i = 0; i < 2; i++) { op_free(&ops[i]); free_request(reqs[i]); }
}

static void run_mode(enum mode mode)
{
    struct matrix m;
    WCHAR url[128];
    ULONG ret;

    memset(&m, 0, sizeof(m));
    m.mode = mode;
    snprintf(m.path, sizeof(m.path), "/m%d/", (int)mode);
    ret = HttpCreateHttpHandle(&m.queue, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrl(m.queue, wfmt(url, 128, "http://+:%u%s", port, m.path), NULL);
    ok(ret == NO_ERROR, "HttpAddUrl(%s): expected NO_ERROR, got %lu\n", m.path, ret);
    if (ret) return;
    if (mode != MODE_EVENT)
    {
        m.iocp = CreateIoCompletionPort(m.queue, NULL, 77, 0);
        ok(m.iocp != NULL, "CreateIoCompletionPort: expected a port, got error %lu\n", GetLastError());
        if (!m.iocp) return;
    }
    if (mode == MODE_PORT_SKIP)
        ok(SetFileCompletionNotificationModes(m.queue, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE),
           "SetFileCompletionNotificationModes: expected TRUE, got error %lu\n", GetLastError());

    test_request_life(&m);
    if (mode == MODE_PORT_SKIP)
        ok(WaitForSingleObject(m.queue, 0) == WAIT_TIMEOUT,
           "the queue handle after completions under FILE_SKIP_SET_EVENT_ON_HANDLE: expected not signaled\n");
    test_cancel(&m);
    test_close(&m);
    if (m.iocp) CloseHandle(m.iocp);
}

int main(int argc, char **argv)
{
    test_startup("async_matrix.c");
    port = test_port(argc, argv);
    if (!http_init()) return test_report();
    run_mode(MODE_EVENT);
    run_mode(MODE_PORT);
    run_mode(MODE_PORT_SKIP);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

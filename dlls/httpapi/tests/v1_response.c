/*
 * HTTP Server API v1 conformance tests: HttpSendHttpResponse and HttpSendResponseEntityBody as a
 * client sees them, and connection handling (keep-alive, Connection: close, HTTP/1.0,
 * pipelining, HTTP_SEND_RESPONSE_FLAG_DISCONNECT).
 *
 * Usage: v1_response.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of httpapi.dll (see shared/reference/httpapi.md).
 */

#include "util.h"

static USHORT port;
static HANDLE queue;    /* http://+:PORT/r/ */
static char host[64];   /* "127.0.0.1:PORT" */

static BOOL connect_client(struct client *c)
{
    if (client_connect(c, AF_INET, port)) return TRUE;
    ok(0, "connecting to 127.0.0.1:%u failed: error %d\n", port, WSAGetLastError());
    client_close(c);
    return FALSE;
}

/* Sends a request line + Host + extra headers, and receives it on the queue. */
static BOOL send_and_receive(struct client *c, const char *verb, const char *path, const char *version,
                             const char *extra, HTTP_REQUEST_V1 *req, const char *what)
{
    char request[1024];
    ULONG ret, bytes;

    snprintf(request, sizeof(request), "%s %s %s\r\nHost: %s\r\n%s\r\n", verb, path, version, host, extra ? extra : "");
    client_send_str(c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "%s: receiving the request: expected NO_ERROR, got %lu\n", what, ret);
    if (!ret && !bytes_eq(req->pRawUrl, req->RawUrlLength, path))
        trace("%s: received %s instead of %s\n", what, dbgstr(req->pRawUrl, req->RawUrlLength), path);
    return !ret;
}

static ULONG send_entity_sync(HTTP_REQUEST_ID id, ULONG flags, const char *data, ULONG *sent)
{
    HTTP_DATA_CHUNK chunk;
    ULONG ret, dummy;

    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)data;
    chunk.FromMemory.BufferLength = (ULONG)strlen(data);
    guard_arm(queue, TIMEOUT);
    ret = HttpSendResponseEntityBody(queue, id, flags, 1, &chunk, sent ? sent : &dummy, NULL, 0, NULL, NULL);
    if (guard_disarm()) trace("HttpSendResponseEntityBody blocked and was cancelled\n");
    return ret;
}

/* One more GET on a connection that should still be usable. */
static void check_connection_reusable(struct client *c, const char *after)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    char what[128];
    int cret;

    snprintf(what, sizeof(what), "a GET on the connection after %s", after);
    if (send_and_receive(c, "GET", "/r/again", "HTTP/1.1", NULL, req, what))
    {
        respond_text(queue, req->RequestId, "again");
        cret = client_read_response(c, &resp, FALSE, TIMEOUT);
        ok(cret == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, "again"),
           "%s: expected 200 \"again\", got result %d status %d body \"%s\"\n", what, cret, resp.status,
           dbgstr(resp.body, resp.body_len));
        response_free(&resp);
    }
    free_request(req);
}

/* "Sun, 06 Nov 1994 08:49:37 GMT" */
static BOOL is_http_date(const char *s)
{
    return s && strlen(s) == 29 && s[3] == ',' && !strcmp(s + 25, " GMT");
}

static void test_basic_response(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    const char *value;
    struct client c;
    ULONG ret, sent;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", "/r/basic", "HTTP/1.1", NULL, req, "basic response")) goto done1;

    init_response(&r, 200, "OK", "text/plain", "Hello, World!");
    add_unknown_header(&r, "X-Custom", "1");
    sent = 0xdeadbeef;
    ret = send_response_sync(queue, req->RequestId, 0, &r, &sent);
    ok(ret == NO_ERROR, "HttpSendHttpResponse(200, one chunk): expected NO_ERROR, got %lu\n", ret);
    ok(sent != 0xdeadbeef, "HttpSendHttpResponse: expected *pBytesSent to be set, got it untouched\n");

    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK, "reading the response: expected a whole response, got %d\n", cret);
    if (cret == CLIENT_OK)
    {
        ok(!strcmp(resp.status_line, "HTTP/1.1 200 OK"), "status line: expected \"HTTP/1.1 200 OK\", got \"%s\"\n", resp.status_line);
        value = response_header(&resp, "Content-Type");
        ok(value && !strcmp(value, "text/plain"), "Content-Type: expected \"text/plain\", got \"%s\"\n", value ? value : "(none)");
        value = response_header(&resp, "X-Custom");
        ok(value && !strcmp(value, "1"), "X-Custom (an unknown header): expected \"1\", got \"%s\"\n", value ? value : "(none)");
        value = response_header(&resp, "Content-Length");
        ok(value && !strcmp(value, "13"), "Content-Length added by http.sys: expected \"13\", got \"%s\"\n", value ? value : "(none)");
        ok(response_header_count(&resp, "Content-Length") == 1, "Content-Length: expected once, got %d times\n",
           response_header_count(&resp, "Content-Length"));
        ok(!response_header(&resp, "Transfer-Encoding"), "Transfer-Encoding with a Content-Length: expected none, got \"%s\"\n",
           response_header(&resp, "Transfer-Encoding"));
        value = response_header(&resp, "Date");
        ok(is_http_date(value), "Date added by http.sys: expected an IMF-fixdate, got \"%s\"\n", value ? value : "(none)");
        /* The HttpSendHttpResponse page says "Microsoft-HTTPAPI/1.0" (it dates from XP); every
         * http.sys since Vista sends 2.0, whichever API version the application uses. */
        value = response_header(&resp, "Server");
        ok(value && !strcmp(value, "Microsoft-HTTPAPI/2.0"), "Server added by http.sys: expected \"Microsoft-HTTPAPI/2.0\", got \"%s\"\n",
           value ? value : "(none)");
        ok(resp.body_len == 13 && !strcmp(resp.body, "Hello, World!"), "body: expected \"Hello, World!\", got \"%s\" (%d)\n",
           dbgstr(resp.body, resp.body_len), resp.body_len);
    }
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_two_chunks_and_reason(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    const char *value;
    struct client c;
    ULONG ret;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", "/r/chunks", "HTTP/1.1", NULL, req, "two chunks")) goto done1;

    init_response(&r, 201, "Created Thing", "text/plain", "Hello, ");
    r.chunks[1].DataChunkType = HttpDataChunkFromMemory;
    r.chunks[1].FromMemory.pBuffer = (void *)"World!";
    r.chunks[1].FromMemory.BufferLength = 6;
    r.resp.EntityChunkCount = 2;
    ret = send_response_sync(queue, req->RequestId, 0, &r, NULL);
    ok(ret == NO_ERROR, "HttpSendHttpResponse(201, two chunks): expected NO_ERROR, got %lu\n", ret);

    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK, "reading the response: expected a whole response, got %d\n", cret);
    if (cret == CLIENT_OK)
    {
        ok(!strcmp(resp.status_line, "HTTP/1.1 201 Created Thing"),
           "status line with the application's reason: expected \"HTTP/1.1 201 Created Thing\", got \"%s\"\n", resp.status_line);
        value = response_header(&resp, "Content-Length");
        ok(value && !strcmp(value, "13"), "Content-Length of two chunks: expected \"13\", got \"%s\"\n", value ? value : "(none)");
        ok(resp.body_len == 13 && !strcmp(resp.body, "Hello, World!"),
           "body of two chunks: expected them concatenated, \"Hello, World!\", got \"%s\"\n", dbgstr(resp.body, resp.body_len));
    }
    response_free(&resp);
    check_connection_reusable(&c, "a response of two chunks");
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_server_header(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    const char *value;
    struct client c;
    ULONG ret;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", "/r/server", "HTTP/1.1", NULL, req, "Server header")) goto done1;

    init_response(&r, 200, "OK", "text/plain", "s");
    set_known_header(&r, HttpHeaderServer, "MyServer");
    ret = send_response_sync(queue, req->RequestId, 0, &r, NULL);
    ok(ret == NO_ERROR, "HttpSendHttpResponse with a Server header: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    value = cret == CLIENT_OK ? response_header(&resp, "Server") : NULL;
    /* "that specified value is placed as the first part of the header, followed by a space and
     * then Microsoft-HTTPAPI/x.0" */
    ok(value && !strcmp(value, "MyServer Microsoft-HTTPAPI/2.0"),
       "Server header set by the application: expected \"MyServer Microsoft-HTTPAPI/2.0\", got \"%s\" (result %d)\n",
       value ? value : "(none)", cret);
    ok(response_header_count(&resp, "Server") == 1, "Server header: expected once, got %d times\n",
       response_header_count(&resp, "Server"));
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_bogus_request_id(void)
{
    struct test_response r;
    ULONG ret;

    init_response(&r, 200, "OK", "text/plain", "x");
    ret = send_response_sync(queue, 0x0123456789abcdefull, 0, &r, NULL);
    ok(ret == ERROR_CONNECTION_INVALID,
       "HttpSendHttpResponse with a bogus RequestId: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
}

static void test_disconnect_flag(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    struct client c;
    ULONG ret;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", "/r/bye", "HTTP/1.1", NULL, req, "DISCONNECT flag")) goto done1;

    init_response(&r, 200, "OK", "text/plain", "bye");
    ret = send_response_sync(queue, req->RequestId, HTTP_SEND_RESPONSE_FLAG_DISCONNECT, &r, NULL);
    ok(ret == NO_ERROR, "HttpSendHttpResponse(HTTP_SEND_RESPONSE_FLAG_DISCONNECT): expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, "bye"),
       "response sent with DISCONNECT: expected 200 \"bye\", got result %d status %d\n", cret, resp.status);
    ok(resp.closed || client_wait_closed(&c, TIMEOUT),
       "connection after a response sent with HTTP_SEND_RESPONSE_FLAG_DISCONNECT: expected closed by the server\n");
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_head_response(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    const char *value;
    struct client c;
    ULONG ret;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "HEAD", "/r/head", "HTTP/1.1", NULL, req, "HEAD")) goto done1;

    /* The length the GET would have, and no body: http.sys keeps a Content-Length the
     * application gives (it only computes one when there is none), and sends no body to a HEAD. */
    init_response(&r, 200, "OK", "text/plain", NULL);
    set_known_header(&r, HttpHeaderContentLength, "13");
    ret = send_response_sync(queue, req->RequestId, 0, &r, NULL);
    ok(ret == NO_ERROR, "HttpSendHttpResponse to a HEAD with Content-Length and no chunks: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, TRUE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200, "response to a HEAD: expected 200, got result %d status %d\n", cret, resp.status);
    value = cret == CLIENT_OK ? response_header(&resp, "Content-Length") : NULL;
    ok(value && !strcmp(value, "13"), "Content-Length of the HEAD response: expected the application's \"13\", got \"%s\"\n",
       value ? value : "(none)");
    response_free(&resp);
    ok(!client_wait_closed(&c, SHORT_WAIT) && c.len == 0,
       "after the headers of a HEAD response: expected no body bytes and the connection open, got %d bytes\n", c.len);
    check_connection_reusable(&c, "a HEAD response");
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_keep_alive(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c;
    int cret, i;

    if (!connect_client(&c)) goto done;
    for (i = 0; i < 2; i++)
    {
        char path[32], body[32];
        snprintf(path, sizeof(path), "/r/keep%d", i);
        snprintf(body, sizeof(body), "keep%d", i);
        if (!send_and_receive(&c, "GET", path, "HTTP/1.1", NULL, req, "keep-alive")) break;
        respond_text(queue, req->RequestId, body);
        cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
        ok(cret == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, body),
           "response %d on one keep-alive connection: expected 200 \"%s\", got result %d status %d body \"%s\"\n",
           i + 1, body, cret, resp.status, dbgstr(resp.body, resp.body_len));
        response_free(&resp);
    }
    ok(!client_wait_closed(&c, SHORT_WAIT), "HTTP/1.1 connection after two responses: expected it kept open\n");
    client_close(&c);
done:
    free_request(req);
}

/* The server closes after its response when the client asked for it, or spoke HTTP/1.0
 * without keep-alive. */
static void test_close_after_response(const char *version, const char *extra, const char *what)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", "/r/close", version, extra, req, what)) goto done1;
    respond_text(queue, req->RequestId, "closing");
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, "closing"),
       "response to %s: expected 200 \"closing\", got result %d status %d\n", what, cret, resp.status);
    ok(cret == CLIENT_OK && !strncmp(resp.status_line, "HTTP/1.", 7), "status line of the response to %s: expected HTTP/1.x, got \"%s\"\n",
       what, resp.status_line);
    ok(resp.closed || client_wait_closed(&c, TIMEOUT), "connection after the response to %s: expected closed by the server\n", what);
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

/* Two requests in one write are received in order and answered in order. */
static void test_pipelining(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    char request[512];
    struct client c;
    ULONG ret, bytes;
    int cret;

    if (!connect_client(&c)) goto done;
    snprintf(request, sizeof(request), "GET /r/p1 HTTP/1.1\r\nHost: %s\r\n\r\nGET /r/p2 HTTP/1.1\r\nHost: %s\r\n\r\n", host, host);
    client_send_str(&c, request);

    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR && bytes_eq(req->pRawUrl, req->RawUrlLength, "/r/p1"),
       "first of two pipelined requests: expected /r/p1, got %lu \"%s\"\n", ret, ret ? "" : dbgstr(req->pRawUrl, req->RawUrlLength));
    if (ret) goto done1;
    respond_text(queue, req->RequestId, "one");

    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR && bytes_eq(req->pRawUrl, req->RawUrlLength, "/r/p2"),
       "second of two pipelined requests: expected /r/p2, got %lu \"%s\"\n", ret, ret ? "" : dbgstr(req->pRawUrl, req->RawUrlLength));
    if (!ret) respond_text(queue, req->RequestId, "two");

    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body && !strcmp(resp.body, "one"), "first pipelined response: expected \"one\", got result %d \"%s\"\n",
       cret, dbgstr(resp.body, resp.body_len));
    response_free(&resp);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body && !strcmp(resp.body, "two"), "second pipelined response: expected \"two\", got result %d \"%s\"\n",
       cret, dbgstr(resp.body, resp.body_len));
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

/* MORE_DATA with the application's Content-Length, then the body in two
 * HttpSendResponseEntityBody calls, the last without MORE_DATA. */
static void test_more_data(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    const char *value;
    struct client c;
    ULONG ret, sent;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", "/r/more", "HTTP/1.1", NULL, req, "MORE_DATA")) goto done1;

    init_response(&r, 200, "OK", "text/plain", "abcd");
    set_known_header(&r, HttpHeaderContentLength, "10");
    ret = send_response_sync(queue, req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, NULL);
    ok(ret == NO_ERROR, "HttpSendHttpResponse(HTTP_SEND_RESPONSE_FLAG_MORE_DATA): expected NO_ERROR, got %lu\n", ret);
    sent = 0xdeadbeef;
    ret = send_entity_sync(req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, "efg", &sent);
    ok(ret == NO_ERROR, "HttpSendResponseEntityBody(HTTP_SEND_RESPONSE_FLAG_MORE_DATA): expected NO_ERROR, got %lu\n", ret);
    ok(sent != 0xdeadbeef, "HttpSendResponseEntityBody: expected *pBytesSent to be set, got it untouched\n");
    ret = send_entity_sync(req->RequestId, 0, "hij", NULL);
    ok(ret == NO_ERROR, "last HttpSendResponseEntityBody (no flags): expected NO_ERROR, got %lu\n", ret);

    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200, "response sent in three parts: expected 200, got result %d status %d\n",
       cret, resp.status);
    value = cret == CLIENT_OK ? response_header(&resp, "Content-Length") : NULL;
    ok(value && !strcmp(value, "10"), "Content-Length set by the application: expected \"10\", got \"%s\"\n", value ? value : "(none)");
    ok(resp.body_len == 10 && !strcmp(resp.body, "abcdefghij"), "body sent in three parts: expected \"abcdefghij\", got \"%s\"\n",
       dbgstr(resp.body, resp.body_len));
    response_free(&resp);
    check_connection_reusable(&c, "a response sent with HttpSendResponseEntityBody");

    ret = send_entity_sync(0x0123456789abcdefull, 0, "x", NULL);
    ok(ret == ERROR_CONNECTION_INVALID,
       "HttpSendResponseEntityBody with a bogus RequestId: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);
done1:
    client_close(&c);
done:
    free_request(req);
}

/* A file of SIZE bytes, byte i = (i * 7 + seed) & 0xff; returns a handle open for reading. */
static HANDLE make_file(const char *name, DWORD size, BYTE seed, char *path, DWORD path_len)
{
    char dir[MAX_PATH];
    BYTE *data = malloc(size ? size : 1);
    HANDLE h;
    DWORD i, written = 0;

    GetTempPathA(sizeof(dir), dir);
    snprintf(path, path_len, "%shttpapi-%s-%lu.bin", dir, name, GetCurrentProcessId());
    for (i = 0; i < size; i++) data[i] = (BYTE)(i * 7 + seed);
    h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) WriteFile(h, data, size, &written, NULL);
    CloseHandle(h);
    free(data);
    return CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, 0, NULL);
}

static BOOL file_bytes_match(const char *body, DWORD offset, DWORD len, BYTE seed)
{
    DWORD i;
    for (i = 0; i < len; i++) if ((BYTE)body[i] != (BYTE)((offset + i) * 7 + seed)) return FALSE;
    return TRUE;
}

static void set_file_chunk(HTTP_DATA_CHUNK *chunk, HANDLE file, ULONGLONG offset, ULONGLONG length)
{
    memset(chunk, 0, sizeof(*chunk));
    chunk->DataChunkType = HttpDataChunkFromFileHandle;
    chunk->FromFileHandle.FileHandle = file;
    chunk->FromFileHandle.ByteRange.StartingOffset.QuadPart = offset;
    chunk->FromFileHandle.ByteRange.Length.QuadPart = length;
}

/* HttpDataChunkFromFileHandle: large chunks, small ones, ranges, to the
 * end of the file, and a file replaced under its name after it was opened. */
static void test_file_chunks(void)
{
    enum { BIG = (1 << 20) + 4321 };
    HTTP_REQUEST_V1 *req = alloc_request();
    char big_path[MAX_PATH], small_path[MAX_PATH], other_path[MAX_PATH], moved_path[MAX_PATH + 8];
    HANDLE big, small, other;
    struct http_response resp;
    struct test_response r;
    struct client c;
    const char *value;
    ULONG ret, sent;
    BOOL moved;
    int cret;

    moved_path[0] = 0;
    big = make_file("big", BIG, 1, big_path, sizeof(big_path));
    small = make_file("small", 10, 2, small_path, sizeof(small_path));
    ok(big != INVALID_HANDLE_VALUE && small != INVALID_HANDLE_VALUE, "creating the test files: error %lu\n", GetLastError());
    if (big == INVALID_HANDLE_VALUE || small == INVALID_HANDLE_VALUE) goto done;
    if (!connect_client(&c)) goto done;

    if (!send_and_receive(&c, "GET", "/r/file", "HTTP/1.1", NULL, req, "file chunks")) goto done1;
    init_response(&r, 200, "OK", "application/octet-stream", "<");
    set_file_chunk(&r.chunks[1], big, 3, HTTP_BYTE_RANGE_TO_EOF);
    r.chunks[2] = r.chunks[0];
    r.chunks[2].FromMemory.pBuffer = (void *)">";
    set_file_chunk(&r.chunks[3], small, 2, 5);
    r.resp.EntityChunkCount = 4;
    sent = 0;
    ret = send_response_sync(queue, req->RequestId, 0, &r, &sent);
    ok(ret == NO_ERROR, "a response with file chunks: expected NO_ERROR, got %lu\n", ret);
    ok(sent == 1 + (BIG - 3) + 1 + 5, "*pBytesSent counts the file chunks: expected %u, got %lu\n", 1 + (BIG - 3) + 1 + 5, sent);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200, "file chunks: expected 200, got result %d status %d\n", cret, resp.status);
    value = cret == CLIENT_OK ? response_header(&resp, "Content-Length") : NULL;
    ok(value && atoi(value) == 1 + (BIG - 3) + 1 + 5, "Content-Length counts the file chunks: got %s\n", value ? value : "(none)");
    ok(cret == CLIENT_OK && resp.body_len == 1 + (BIG - 3) + 1 + 5 && resp.body[0] == '<' &&
       file_bytes_match(resp.body + 1, 3, BIG - 3, 1) && resp.body[1 + BIG - 3] == '>' &&
       file_bytes_match(resp.body + 2 + BIG - 3, 2, 5, 2),
       "the body is the memory and file chunks in order (%d bytes)\n", resp.body_len);
    if (cret == CLIENT_OK) response_free(&resp);

    /* the handle is what counts, not the name: move the file away and put another in its place */
    snprintf(moved_path, sizeof(moved_path), "%s.moved", big_path);
    moved = MoveFileExA(big_path, moved_path, MOVEFILE_REPLACE_EXISTING);
    ok(moved, "renaming the open big file: error %lu\n", moved ? 0 : GetLastError());
    other = make_file("big", BIG, 9, other_path, sizeof(other_path));
    ok(other != INVALID_HANDLE_VALUE && !strcmp(other_path, big_path), "another file under the old name\n");
    CloseHandle(other);
    if (!send_and_receive(&c, "GET", "/r/file2", "HTTP/1.1", NULL, req, "a replaced file")) goto done1;
    init_response(&r, 200, "OK", NULL, NULL);
    set_file_chunk(&r.chunks[0], big, 0, 200000);
    r.resp.EntityChunkCount = 1;
    r.resp.pEntityChunks = r.chunks;
    ret = send_response_sync(queue, req->RequestId, 0, &r, NULL);
    ok(ret == NO_ERROR, "a file replaced under its name: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body_len == 200000 && file_bytes_match(resp.body, 0, 200000, 1),
       "a file replaced under its name: the handle's bytes are sent, not the new file's\n");
    if (cret == CLIENT_OK) response_free(&resp);

    /* a range past the end of the file */
    if (!send_and_receive(&c, "GET", "/r/file3", "HTTP/1.1", NULL, req, "a range past the end")) goto done1;
    set_file_chunk(&r.chunks[0], small, 4, 100000);
    ret = send_response_sync(queue, req->RequestId, 0, &r, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "a byte range past the end of the file: expected ERROR_INVALID_PARAMETER, got %lu\n", ret);
    ret = respond_text(queue, req->RequestId, "still here");
    ok(ret == NO_ERROR, "after a refused file chunk the request is answerable: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body_len == 10, "the answer after a refused file chunk arrives\n");
    if (cret == CLIENT_OK) response_free(&resp);
done1:
    client_close(&c);
done:
    CloseHandle(big);
    CloseHandle(small);
    DeleteFileA(big_path);
    DeleteFileA(moved_path);
    DeleteFileA(small_path);
    free_request(req);
}

/* Reads raw bytes until `until` appears or want bytes are in; returns how many (0 on timeout). */
static int raw_read(struct client *c, char *buf, int cap, const char *until, int want)
{
    DWORD timeout = TIMEOUT;
    int len = 0, n;

    setsockopt(c->s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    while (len < cap - 1)
    {
        buf[len] = 0;
        if (until && strstr(buf, until)) break;
        if (!until && len >= want) break;
        if ((n = recv(c->s, buf + len, cap - 1 - len, 0)) <= 0) break;
        len += n;
    }
    buf[len] = 0;
    return len;
}

/* HTTP_SEND_RESPONSE_FLAG_OPAQUE with a 101: the connection then carries raw bytes both ways, as
 * WebSockets need: what the client sends comes out of HttpReceiveRequestEntityBody unparsed, what
 * HttpSendResponseEntityBody sends reaches the client without framing, and the client's close
 * ends the entity body (ERROR_HANDLE_EOF). */
static void test_opaque_upgrade(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    char text[512], got[64];
    struct client c;
    BOOL timed_out;
    ULONG ret, bytes;
    int n;

    if (!connect_client(&c)) goto done;
    snprintf(text, sizeof(text), "GET /r/ws HTTP/1.1\r\nHost: %s\r\nUpgrade: test-proto\r\nConnection: Upgrade\r\n\r\n", host);
    client_send_str(&c, text);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "the upgrade request: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done1;

    init_response(&r, 101, "Switching Protocols", NULL, NULL);
    set_known_header(&r, HttpHeaderConnection, "Upgrade");
    set_known_header(&r, HttpHeaderUpgrade, "test-proto");
    ret = send_response_sync(queue, req->RequestId, 0x40 /* OPAQUE */ | HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, NULL);
    ok(ret == NO_ERROR, "a 101 with OPAQUE | MORE_DATA: expected NO_ERROR, got %lu\n", ret);
    n = raw_read(&c, text, sizeof(text), "\r\n\r\n", 0);
    ok(n > 0 && !strncmp(text, "HTTP/1.1 101 ", 13), "the client gets the 101: expected \"HTTP/1.1 101 \", got \"%.20s\"\n", text);
    ok(n > 0 && !strstr(text, "Connection: close") && strstr(text, "Connection: Upgrade") != NULL,
       "the 101 keeps the application's Connection: Upgrade and adds no Connection: close\n");
    ok(n > 0 && !strstr(text, "Content-Length") && !strstr(text, "Transfer-Encoding"),
       "the 101 carries no body framing\n");

    client_send_str(&c, "GET /r/not-a-request HTTP/1.1\r\n\r\n");
    memset(got, 0, sizeof(got));
    ret = receive_body_sync(queue, req->RequestId, got, sizeof(got) - 1, &bytes, &timed_out);
    ok(ret == NO_ERROR && !timed_out && bytes == 33 && !memcmp(got, "GET /r/not-a-request HTTP/1.1\r\n\r\n", 33),
       "bytes after the upgrade are entity body, not a request: expected NO_ERROR and 33 bytes, got %lu and %lu\n", ret, bytes);
    ret = send_entity_sync(req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, "pong", NULL);
    ok(ret == NO_ERROR, "HttpSendResponseEntityBody on the upgraded connection: expected NO_ERROR, got %lu\n", ret);
    n = raw_read(&c, text, sizeof(text), NULL, 4);
    ok(n == 4 && !memcmp(text, "pong", 4), "the client gets the 4 raw bytes: expected \"pong\", got %d bytes \"%s\"\n", n, text);

    shutdown(c.s, SD_SEND);
    ret = receive_body_sync(queue, req->RequestId, got, sizeof(got) - 1, &bytes, &timed_out);
    ok(ret == ERROR_HANDLE_EOF && !timed_out, "the client closed its side: expected ERROR_HANDLE_EOF, got %lu\n", ret);
    ret = send_entity_sync(req->RequestId, 0, "bye", NULL);
    ok(ret == NO_ERROR, "the last send on the upgraded connection: expected NO_ERROR, got %lu\n", ret);
    n = raw_read(&c, text, sizeof(text), NULL, 3);
    ok(n == 3 && !memcmp(text, "bye", 3), "the client gets the last bytes: expected \"bye\", got %d bytes\n", n);
    ok(client_wait_closed(&c, TIMEOUT), "the final send closes the upgraded connection\n");
done1:
    client_close(&c);
done:
    free_request(req);
}

int main(int argc, char **argv)
{
    test_startup("v1_response.c");
    port = test_port(argc, argv);
    snprintf(host, sizeof(host), "127.0.0.1:%u", port);

    if (!http_init()) return test_report();
    if (!(queue = create_queue_url("+", port, "/r/"))) return test_report();

    test_basic_response();
    test_two_chunks_and_reason();
    test_server_header();
    test_bogus_request_id();
    test_disconnect_flag();
    test_head_response();
    test_keep_alive();
    test_close_after_response("HTTP/1.1", "Connection: close\r\n", "an HTTP/1.1 request with Connection: close");
    test_close_after_response("HTTP/1.0", NULL, "an HTTP/1.0 request without keep-alive");
    test_pipelining();
    test_file_chunks();
    test_opaque_upgrade();
    /* Last: Wine 8.0's own httpapi has HttpSendResponseEntityBody as a stub that raises. */
    test_more_data();

    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

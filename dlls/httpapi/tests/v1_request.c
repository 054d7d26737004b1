/*
 * HTTP Server API v1 conformance tests: HttpReceiveHttpRequest (the HTTP_REQUEST_V1 it fills in)
 * and HttpReceiveRequestEntityBody.
 *
 * Usage: v1_request.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of httpapi.dll (see shared/reference/httpapi.md).
 */

#include "util.h"

static USHORT port;
static HANDLE queue;    /* http://+:PORT/a/ */
static char host[64];   /* "127.0.0.1:PORT" */

static BOOL connect_client(struct client *c, int family)
{
    if (client_connect(c, family, port)) return TRUE;
    ok(0, "connecting to %s port %u failed: error %d\n", family == AF_INET6 ? "[::1]" : "127.0.0.1", port,
       WSAGetLastError());
    client_close(c);
    return FALSE;
}

/* Answers `id` and reads the answer on the client; one check that the client got it. */
static void answer(struct client *c, HTTP_REQUEST_ID id, BOOL head, const char *what)
{
    struct http_response resp;
    struct test_response r;
    ULONG ret;
    int cret;

    init_response(&r, 200, "OK", "text/plain", head ? NULL : "ok");
    ret = send_response_sync(queue, id, 0, &r, NULL);
    cret = client_read_response(c, &resp, head, TIMEOUT);
    ok(!ret && cret == CLIENT_OK && resp.status == 200,
       "answer to %s: expected NO_ERROR and a 200 at the client, got %lu, client result %d, status %d\n",
       what, ret, cret, resp.status);
    response_free(&resp);
}

static void check_sockaddr(const SOCKADDR *addr, int family, USHORT expect_port, const char *what)
{
    if (!addr)
    {
        ok(0, "%s: expected an address, got NULL\n", what);
        return;
    }
    ok(addr->sa_family == family, "%s: expected family %d, got %d\n", what, family, addr->sa_family);
    if (addr->sa_family != family) return;
    if (family == AF_INET)
    {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
        ok(sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK), "%s: expected 127.0.0.1, got %08lx\n", what,
           (unsigned long)ntohl(sin->sin_addr.s_addr));
        ok(ntohs(sin->sin_port) == expect_port, "%s: expected port %u, got %u\n", what, expect_port, ntohs(sin->sin_port));
    }
    else
    {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)addr;
        ok(!memcmp(&sin6->sin6_addr, &in6addr_loopback, sizeof(in6addr_loopback)), "%s: expected ::1\n", what);
        ok(ntohs(sin6->sin6_port) == expect_port, "%s: expected port %u, got %u\n", what, expect_port,
           ntohs(sin6->sin6_port));
    }
}

static void test_get_fields(void)
{
    const HTTP_KNOWN_HEADER *known;
    const HTTP_UNKNOWN_HEADER *h;
    const HTTP_COOKED_URL *u;
    HTTP_REQUEST_V1 *req = alloc_request();
    HTTP_CONNECTION_ID conn1;
    HTTP_REQUEST_ID id1, id2;
    struct client c1, c2;
    char request[512], url[128];
    const char *what = "";
    BOOL timed_out;
    ULONG ret, bytes;

    if (!connect_client(&c1, AF_INET)) goto done;
    snprintf(request, sizeof(request),
             "GET /a/b%%20c?x=1 HTTP/1.1\r\nHost: %s\r\nUser-Agent: conformance-test/1.0\r\n"
             "Accept: */*\r\nX-Test: one\r\n\r\n", host);
    client_send_str(&c1, request);

    bytes = 0xdeadbeef;
    ret = receive_request_sync(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT, &timed_out);
    ok(ret == NO_ERROR && !timed_out, "synchronous HttpReceiveHttpRequest of a GET: expected NO_ERROR, got %lu%s\n",
       ret, timed_out ? " (blocked, cancelled)" : "");
    if (ret) goto done1;

    ok(bytes >= sizeof(HTTP_REQUEST_V1) && bytes <= REQ_BUFFER_SIZE,
       "*pBytesReceived: expected between %u and %u, got %lu\n", (unsigned)sizeof(HTTP_REQUEST_V1), REQ_BUFFER_SIZE, bytes);
    ok(request_in_bounds(req, bytes, &what), "every pointer of the request lies within the %lu bytes received: %s does not\n",
       bytes, what);
    ok(req->Flags == 0, "Flags of a GET: expected 0, got %#lx\n", req->Flags);
    ok(req->ConnectionId != HTTP_NULL_ID, "ConnectionId: expected non-zero, got 0\n");
    ok(req->RequestId != HTTP_NULL_ID, "RequestId: expected non-zero, got 0\n");
    ok(req->UrlContext == 0, "UrlContext of a v1 registration: expected 0, got %#llx\n", req->UrlContext);
    ok(req->Version.MajorVersion == 1 && req->Version.MinorVersion == 1, "Version: expected 1.1, got %u.%u\n",
       req->Version.MajorVersion, req->Version.MinorVersion);
    ok(req->Verb == HttpVerbGET, "Verb: expected HttpVerbGET (4), got %d\n", req->Verb);
    ok(req->UnknownVerbLength == 0, "UnknownVerbLength of a GET: expected 0, got %u\n", req->UnknownVerbLength);
    ok(bytes_eq(req->pRawUrl, req->RawUrlLength, "/a/b%20c?x=1"),
       "pRawUrl/RawUrlLength: expected \"/a/b%%20c?x=1\" (12), got \"%s\" (%u)\n",
       dbgstr(req->pRawUrl, req->RawUrlLength), req->RawUrlLength);

    /* The cooked URL: scheme, the Host header, the decoded path, the query as sent. */
    u = &req->CookedUrl;
    snprintf(url, sizeof(url), "http://%s/a/b c?x=1", host);
    ok(wstr_eq(u->pFullUrl, u->FullUrlLength, url), "pFullUrl/FullUrlLength: expected \"%s\" (%u bytes), got \"%s\" (%u)\n",
       url, (unsigned)strlen(url) * 2, dbgwstr(u->pFullUrl, u->FullUrlLength), u->FullUrlLength);
    ok(u->pFullUrl && !u->pFullUrl[u->FullUrlLength / 2], "pFullUrl: expected a NUL after FullUrlLength bytes\n");
    ok(u->pFullUrl && u->pHost == u->pFullUrl + 7, "pHost: expected pFullUrl + 7 characters, got pFullUrl + %d\n",
       u->pFullUrl && u->pHost ? (int)(u->pHost - u->pFullUrl) : -1);
    ok(wstr_eq(u->pHost, u->HostLength, host), "pHost/HostLength: expected \"%s\" (%u bytes), got \"%s\" (%u)\n",
       host, (unsigned)strlen(host) * 2, dbgwstr(u->pHost, u->HostLength), u->HostLength);
    ok(u->pHost && u->pAbsPath == u->pHost + u->HostLength / 2, "pAbsPath: expected right after the host\n");
    ok(wstr_eq(u->pAbsPath, u->AbsPathLength, "/a/b c"), "pAbsPath/AbsPathLength: expected \"/a/b c\" (12 bytes), got \"%s\" (%u)\n",
       dbgwstr(u->pAbsPath, u->AbsPathLength), u->AbsPathLength);
    ok(u->pAbsPath && u->pQueryString == u->pAbsPath + u->AbsPathLength / 2, "pQueryString: expected right after the path\n");
    ok(wstr_eq(u->pQueryString, u->QueryStringLength, "?x=1"),
       "pQueryString/QueryStringLength: expected \"?x=1\" (8 bytes), got \"%s\" (%u)\n",
       dbgwstr(u->pQueryString, u->QueryStringLength), u->QueryStringLength);

    check_sockaddr(req->Address.pRemoteAddress, AF_INET, c1.local_port, "pRemoteAddress");
    check_sockaddr(req->Address.pLocalAddress, AF_INET, port, "pLocalAddress");

    known = req->Headers.KnownHeaders;
    ok(bytes_eq(known[HttpHeaderHost].pRawValue, known[HttpHeaderHost].RawValueLength, host),
       "Host header: expected \"%s\", got \"%s\" (%u)\n", host,
       dbgstr(known[HttpHeaderHost].pRawValue, known[HttpHeaderHost].RawValueLength), known[HttpHeaderHost].RawValueLength);
    ok(bytes_eq(known[HttpHeaderUserAgent].pRawValue, known[HttpHeaderUserAgent].RawValueLength, "conformance-test/1.0"),
       "User-Agent header: expected \"conformance-test/1.0\", got \"%s\" (%u)\n",
       dbgstr(known[HttpHeaderUserAgent].pRawValue, known[HttpHeaderUserAgent].RawValueLength),
       known[HttpHeaderUserAgent].RawValueLength);
    ok(bytes_eq(known[HttpHeaderAccept].pRawValue, known[HttpHeaderAccept].RawValueLength, "*/*"),
       "Accept header: expected \"*/*\", got \"%s\" (%u)\n",
       dbgstr(known[HttpHeaderAccept].pRawValue, known[HttpHeaderAccept].RawValueLength), known[HttpHeaderAccept].RawValueLength);
    ok(known[HttpHeaderContentType].RawValueLength == 0, "Content-Type header, not sent: expected length 0, got %u\n",
       known[HttpHeaderContentType].RawValueLength);
    ok(req->Headers.UnknownHeaderCount == 1, "UnknownHeaderCount: expected 1 (X-Test), got %u\n", req->Headers.UnknownHeaderCount);
    h = find_unknown_header(req, "X-Test");
    ok(h && bytes_eq(h->pName, h->NameLength, "X-Test"), "unknown header name: expected \"X-Test\" (6), got %s (%u)\n",
       h ? dbgstr(h->pName, h->NameLength) : "none", h ? h->NameLength : 0);
    ok(h && bytes_eq(h->pRawValue, h->RawValueLength, "one"), "unknown header X-Test value: expected \"one\" (3), got %s (%u)\n",
       h ? dbgstr(h->pRawValue, h->RawValueLength) : "none", h ? h->RawValueLength : 0);
    ok(req->BytesReceived > 0, "BytesReceived: expected > 0, got %llu\n", req->BytesReceived);
    ok(req->EntityChunkCount == 0, "EntityChunkCount without COPY_BODY: expected 0, got %u\n", req->EntityChunkCount);
    ok(req->pSslInfo == NULL, "pSslInfo over plain HTTP: expected NULL, got %p\n", req->pSslInfo);

    conn1 = req->ConnectionId;
    id1 = req->RequestId;
    answer(&c1, id1, FALSE, "the first GET");

    /* A second request on the same (kept-alive) connection. */
    snprintf(request, sizeof(request), "GET /a/second HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    client_send_str(&c1, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "second request on the connection: expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ok(req->ConnectionId == conn1, "ConnectionId of a second request on one connection: expected %#llx, got %#llx\n",
           conn1, req->ConnectionId);
        ok(req->RequestId != id1 && req->RequestId, "RequestId of a second request: expected new and non-zero, got %#llx (first %#llx)\n",
           req->RequestId, id1);
        id2 = req->RequestId;
        answer(&c1, id2, FALSE, "the second GET");

        /* And one on another connection. */
        if (connect_client(&c2, AF_INET))
        {
            snprintf(request, sizeof(request), "GET /a/third HTTP/1.1\r\nHost: %s\r\n\r\n", host);
            client_send_str(&c2, request);
            ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
            ok(ret == NO_ERROR, "request on a second connection: expected NO_ERROR, got %lu\n", ret);
            if (!ret)
            {
                ok(req->ConnectionId != conn1 && req->ConnectionId,
                   "ConnectionId of another connection: expected a different non-zero id, got %#llx (first %#llx)\n",
                   req->ConnectionId, conn1);
                ok(req->RequestId != id1 && req->RequestId != id2 && req->RequestId,
                   "RequestId on another connection: expected new and non-zero, got %#llx\n", req->RequestId);
                answer(&c2, req->RequestId, FALSE, "the GET on a second connection");
            }
            client_close(&c2);
        }
    }

done1:
    client_close(&c1);
done:
    free_request(req);
}

static void test_http10(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    char request[256];
    struct client c;
    ULONG ret, bytes;

    if (!connect_client(&c, AF_INET)) goto done;
    snprintf(request, sizeof(request), "GET /a/ten HTTP/1.0\r\nHost: %s\r\n\r\n", host);
    client_send_str(&c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "HTTP/1.0 request: expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ok(req->Version.MajorVersion == 1 && req->Version.MinorVersion == 0, "Version of an HTTP/1.0 request: expected 1.0, got %u.%u\n",
           req->Version.MajorVersion, req->Version.MinorVersion);
        answer(&c, req->RequestId, FALSE, "an HTTP/1.0 GET");
    }
    client_close(&c);
done:
    free_request(req);
}

/* One request with the given verb; checks Verb (and the unknown-verb fields). */
static void test_verb(const char *verb, HTTP_VERB expect, const char *expect_name)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    BOOL head = !strcmp(verb, "HEAD"), has_length = strcmp(verb, "GET") && !head;
    char request[256];
    struct client c;
    ULONG ret, bytes;

    if (!connect_client(&c, AF_INET)) goto done;
    /* Content-Length: 0 on the other verbs, as http.sys may want a length on body-bearing ones. */
    snprintf(request, sizeof(request), "%s /a/verb HTTP/1.1\r\nHost: %s\r\n%s\r\n", verb, host,
             has_length ? "Content-Length: 0\r\n" : "");
    client_send_str(&c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "%s request: expected NO_ERROR, got %lu\n", verb, ret);
    if (!ret)
    {
        ok(req->Verb == expect, "Verb of a %s request: expected %s (%d), got %d\n", verb, expect_name, expect, req->Verb);
        if (expect == HttpVerbUnknown)
        {
            ok(bytes_eq(req->pUnknownVerb, req->UnknownVerbLength, verb),
               "pUnknownVerb/UnknownVerbLength: expected \"%s\" (%u), got \"%s\" (%u)\n", verb, (unsigned)strlen(verb),
               dbgstr(req->pUnknownVerb, req->UnknownVerbLength), req->UnknownVerbLength);
            ok(req->pUnknownVerb && !req->pUnknownVerb[req->UnknownVerbLength],
               "pUnknownVerb: expected a NUL-terminated string\n");
        }
        else
            ok(req->UnknownVerbLength == 0, "UnknownVerbLength of a %s request: expected 0, got %u\n", verb, req->UnknownVerbLength);
        answer(&c, req->RequestId, head, verb);
    }
    client_close(&c);
done:
    free_request(req);
}

/* HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER: the call completes when the buffer is full
 * or the body has ended, not with the first bytes there are; without the flag it returns what
 * has arrived. */
static void test_fill_buffer(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    char request[512], got[64];
    struct client c;
    OVERLAPPED ov;
    ULONG ret, bytes;

    if (!connect_client(&c, AF_INET)) goto done;
    snprintf(request, sizeof(request),
             "POST /a/fill HTTP/1.1\r\nHost: %s\r\nContent-Length: 40\r\n\r\n0123456789", host);
    client_send_str(&c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "POST for FILL_BUFFER: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done1;
    Sleep(SHORT_WAIT / 3);   /* the first 10 bytes are in */

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveRequestEntityBody(queue, req->RequestId, HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER,
                                       got, 30, NULL, &ov);
    ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "FILL_BUFFER receive of 30 bytes: expected ERROR_IO_PENDING, got %lu\n", ret);
    ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT,
       "FILL_BUFFER with 10 of 30 bytes there: expected it to wait for the rest\n");
    client_send_str(&c, "abcdefghij");
    ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT,
       "FILL_BUFFER with 20 of 30 bytes there: expected it to wait for the rest\n");
    client_send_str(&c, "ABCDEFGHIJ");
    ret = finish_overlapped(queue, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR && bytes == 30, "FILL_BUFFER once 30 bytes came: expected NO_ERROR and 30 bytes, got %lu and %lu\n", ret, bytes);
    ok(!memcmp(got, "0123456789abcdefghijABCDEFGHIJ", 30), "FILL_BUFFER: expected the 30 bytes in order\n");
    CloseHandle(ov.hEvent);

    /* the last 10 of 40: the body ends before the buffer is full, which completes it too */
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveRequestEntityBody(queue, req->RequestId, HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER,
                                       got, sizeof(got), NULL, &ov);
    client_send_str(&c, "klmnopqrst");
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR && bytes == 10, "FILL_BUFFER when the body ends first: expected NO_ERROR and 10 bytes, got %lu and %lu\n", ret, bytes);
    ok(!memcmp(got, "klmnopqrst", 10), "FILL_BUFFER at the end: expected the last 10 bytes\n");
    CloseHandle(ov.hEvent);
    answer(&c, req->RequestId, FALSE, "the FILL_BUFFER POST");
done1:
    client_close(&c);
done:
    free_request(req);
}

/* A POST received without COPY_BODY: the body is read with HttpReceiveRequestEntityBody in
 * pieces no larger than the buffer, then ERROR_HANDLE_EOF.  Data only ever comes with NO_ERROR:
 * with ERROR_HANDLE_EOF "the value pointed to by pBytesReceived is not meaningful". */
static void test_post_body_pieces(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    const HTTP_KNOWN_HEADER *known;
    char request[512], body[101], got[200], piece[7];
    int total = 0, calls = 0, bad_pieces = 0, i;
    BOOL timed_out = FALSE;
    struct client c;
    ULONG ret, bytes;

    for (i = 0; i < 100; i++) body[i] = '0' + i % 10;
    body[100] = 0;
    if (!connect_client(&c, AF_INET)) goto done;
    snprintf(request, sizeof(request),
             "POST /a/post HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n%s", host, body);
    client_send_str(&c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "POST request: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done1;

    known = req->Headers.KnownHeaders;
    ok(req->Verb == HttpVerbPOST, "Verb of a POST: expected HttpVerbPOST (6), got %d\n", req->Verb);
    ok(req->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS,
       "Flags of a POST with a body received without COPY_BODY: expected HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS, got %#lx\n",
       req->Flags);
    ok(req->EntityChunkCount == 0, "EntityChunkCount of a POST without COPY_BODY: expected 0, got %u\n", req->EntityChunkCount);
    ok(bytes_eq(known[HttpHeaderContentType].pRawValue, known[HttpHeaderContentType].RawValueLength, "text/plain"),
       "Content-Type header: expected \"text/plain\", got \"%s\"\n",
       dbgstr(known[HttpHeaderContentType].pRawValue, known[HttpHeaderContentType].RawValueLength));
    ok(bytes_eq(known[HttpHeaderContentLength].pRawValue, known[HttpHeaderContentLength].RawValueLength, "100"),
       "Content-Length header: expected \"100\", got \"%s\"\n",
       dbgstr(known[HttpHeaderContentLength].pRawValue, known[HttpHeaderContentLength].RawValueLength));

    for (calls = 0; calls < 60; calls++)
    {
        bytes = 0xdeadbeef;
        ret = receive_body_sync(queue, req->RequestId, piece, sizeof(piece), &bytes, &timed_out);
        if (ret != NO_ERROR) break;
        if (bytes == 0 || bytes > sizeof(piece) || total + (int)bytes > (int)sizeof(got))
        {
            bad_pieces++;
            break;
        }
        memcpy(got + total, piece, bytes);
        total += bytes;
    }
    ok(ret == ERROR_HANDLE_EOF && !timed_out,
       "HttpReceiveRequestEntityBody after the whole body: expected ERROR_HANDLE_EOF (38), got %lu%s\n",
       ret, timed_out ? " (blocked, cancelled)" : "");
    ok(!bad_pieces, "HttpReceiveRequestEntityBody pieces: expected 1 to %u bytes each, got %lu\n", (unsigned)sizeof(piece), bytes);
    ok(total == 100 && !memcmp(got, body, 100), "body read in pieces: expected the 100 bytes sent, got %d bytes\n", total);
    ok(calls >= 100 / (int)sizeof(piece), "HttpReceiveRequestEntityBody calls with a %u-byte buffer: expected at least %d, got %d\n",
       (unsigned)sizeof(piece), 100 / (int)sizeof(piece), calls);
    answer(&c, req->RequestId, FALSE, "the POST");
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_copy_body(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    char request[256], buf[64];
    const HTTP_DATA_CHUNK *chunk;
    BOOL timed_out;
    struct client c;
    ULONG ret, bytes;

    if (!connect_client(&c, AF_INET)) goto done;
    snprintf(request, sizeof(request), "POST /a/copy HTTP/1.1\r\nHost: %s\r\nContent-Length: 11\r\n\r\nhello world", host);
    client_send_str(&c, request);
    Sleep(100);     /* let the whole body arrive, so that it is all "available" */
    ret = receive_request(queue, HTTP_NULL_ID, HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "HttpReceiveHttpRequest(COPY_BODY) of a small POST: expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done1;

    ok(req->EntityChunkCount == 1, "EntityChunkCount with COPY_BODY: expected 1, got %u\n", req->EntityChunkCount);
    chunk = req->EntityChunkCount ? req->pEntityChunks : NULL;
    ok(chunk && chunk->DataChunkType == HttpDataChunkFromMemory, "entity chunk type: expected HttpDataChunkFromMemory (0), got %d\n",
       chunk ? (int)chunk->DataChunkType : -1);
    ok(chunk && chunk->FromMemory.BufferLength == 11 && !memcmp(chunk->FromMemory.pBuffer, "hello world", 11),
       "entity chunk: expected \"hello world\" (11), got \"%s\" (%lu)\n",
       chunk ? dbgstr(chunk->FromMemory.pBuffer, chunk->FromMemory.BufferLength) : "none",
       chunk ? chunk->FromMemory.BufferLength : 0);
    ok(!(req->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS),
       "Flags after COPY_BODY copied the whole body: expected HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS clear, got %#lx\n", req->Flags);
    ret = receive_body_sync(queue, req->RequestId, buf, sizeof(buf), &bytes, &timed_out);
    ok(ret == ERROR_HANDLE_EOF, "HttpReceiveRequestEntityBody after COPY_BODY took the whole body: expected ERROR_HANDLE_EOF (38), got %lu\n",
       ret);
    answer(&c, req->RequestId, FALSE, "the POST received with COPY_BODY");
done1:
    client_close(&c);
done:
    free_request(req);
}

/*
 * A buffer too small for the request: ERROR_MORE_DATA, the size needed, and the RequestId in the
 * buffer.  The request is then bound to that id: a receive for the next request does not get it
 * again, a receive with the id and a buffer of the size needed does.
 *
 * Receiving the same id once more, after the request was fully received: the page documents
 * ERROR_HANDLE_EOF for "the specified request has already been completely received".  (ASP.NET
 * Core also handles ERROR_CONNECTION_INVALID after ERROR_MORE_DATA, dotnet/aspnetcore#36146, but
 * that is the code for a request whose connection has gone in between.)
 */
static void test_buffer_too_small(void)
{
    HTTP_REQUEST_V1 *req = alloc_request(), *req2 = alloc_request();
    const HTTP_UNKNOWN_HEADER *h;
    char request[2048], value[1001];
    HTTP_REQUEST_ID id;
    ULONG ret, bytes, needed, small = sizeof(HTTP_REQUEST_V1) + 16;
    BOOL timed_out;
    struct client c;

    memset(value, 'v', 1000);
    value[1000] = 0;
    if (!connect_client(&c, AF_INET)) goto done;
    snprintf(request, sizeof(request), "GET /a/long HTTP/1.1\r\nHost: %s\r\nX-Long: %s\r\n\r\n", host, value);
    client_send_str(&c, request);

    needed = 0xdeadbeef;
    ret = receive_request_sync(queue, HTTP_NULL_ID, 0, req, small, &needed, TIMEOUT, &timed_out);
    ok(ret == ERROR_MORE_DATA, "HttpReceiveHttpRequest with a %lu-byte buffer: expected ERROR_MORE_DATA (234), got %lu\n",
       small, ret);
    if (ret != ERROR_MORE_DATA)
    {
        if (!ret) answer(&c, req->RequestId, FALSE, "the request with a long header");
        goto done1;
    }
    ok(needed > small && needed != 0xdeadbeef && needed <= REQ_BUFFER_SIZE,
       "*pBytesReceived after ERROR_MORE_DATA: expected the size needed (> %lu), got %lu\n", small, needed);
    ok(req->RequestId != HTTP_NULL_ID, "RequestId in the buffer after ERROR_MORE_DATA: expected non-zero, got 0\n");
    id = req->RequestId;
    if (needed <= small || needed > REQ_BUFFER_SIZE) needed = REQ_BUFFER_SIZE;

    /* The request is bound to its id: it is not delivered again as "the next request". */
    ret = receive_request(queue, HTTP_NULL_ID, 0, req2, REQ_BUFFER_SIZE, &bytes, SHORT_WAIT);
    ok(ret == WAIT_TIMEOUT, "receive for the next request after ERROR_MORE_DATA: expected nothing, got %lu (%s)\n",
       ret, ret ? "" : dbgstr(req2->pRawUrl, req2->RawUrlLength));
    if (!ret) answer(&c, req2->RequestId, FALSE, "a request delivered twice");

    memset(req, 0, REQ_BUFFER_SIZE);
    bytes = 0xdeadbeef;
    ret = receive_request_sync(queue, id, 0, req, needed, &bytes, TIMEOUT, &timed_out);
    ok(ret == NO_ERROR, "HttpReceiveHttpRequest with the RequestId and a buffer of the size needed (%lu): expected NO_ERROR, got %lu\n",
       needed, ret);
    if (ret) goto done1;
    ok(req->RequestId == id, "RequestId on the second receive: expected %#llx, got %#llx\n", id, req->RequestId);
    ok(bytes <= needed && bytes >= sizeof(HTTP_REQUEST_V1), "*pBytesReceived: expected at most the %lu needed, got %lu\n",
       needed, bytes);
    h = find_unknown_header(req, "X-Long");
    ok(h && h->RawValueLength == 1000 && !memcmp(h->pRawValue, value, 1000), "X-Long header: expected 1000 bytes, got %u\n",
       h ? h->RawValueLength : 0);
    ok(bytes_eq(req->pRawUrl, req->RawUrlLength, "/a/long"), "pRawUrl: expected \"/a/long\", got \"%s\"\n",
       dbgstr(req->pRawUrl, req->RawUrlLength));

    ret = receive_request_sync(queue, id, 0, req2, REQ_BUFFER_SIZE, &bytes, TIMEOUT, &timed_out);
    ok(ret == ERROR_HANDLE_EOF,
       "HttpReceiveHttpRequest with the id of a request already received: expected ERROR_HANDLE_EOF (38), got %lu\n", ret);

    answer(&c, id, FALSE, "the request with a long header");
done1:
    client_close(&c);
done:
    free_request(req);
    free_request(req2);
}

static void test_entity_body_errors(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    char request[256], buf[64];
    BOOL timed_out;
    struct client c;
    ULONG ret, bytes;

    /* A request id nobody handed out. */
    ret = receive_body_sync(queue, 0x0123456789abcdefull, buf, sizeof(buf), &bytes, &timed_out);
    ok(ret == ERROR_CONNECTION_INVALID,
       "HttpReceiveRequestEntityBody with a bogus RequestId: expected ERROR_CONNECTION_INVALID (1229), got %lu\n", ret);

    if (!connect_client(&c, AF_INET)) goto done;
    snprintf(request, sizeof(request), "GET /a/nobody HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    client_send_str(&c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "GET request: expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ret = receive_body_sync(queue, req->RequestId, buf, sizeof(buf), &bytes, &timed_out);
        ok(ret == ERROR_HANDLE_EOF && !timed_out,
           "HttpReceiveRequestEntityBody on a GET without a body: expected ERROR_HANDLE_EOF (38) at once, got %lu%s\n",
           ret, timed_out ? " (blocked, cancelled)" : "");
        answer(&c, req->RequestId, FALSE, "a GET");
    }
    client_close(&c);
done:
    free_request(req);
}

/* http://+ prefixes are served over IPv6 too. */
static void test_ipv6_client(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    char request[256], url[128];
    struct client c;
    ULONG ret, bytes;

    if (!client_connect(&c, AF_INET6, port))
    {
        ok(0, "connecting to [::1]:%u: expected http.sys to listen on IPv6 for http://+:%u/, got error %d\n",
           port, port, WSAGetLastError());
        client_close(&c);
        goto done;
    }
    snprintf(request, sizeof(request), "GET /a/v6 HTTP/1.1\r\nHost: [::1]:%u\r\n\r\n", port);
    client_send_str(&c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "request from an IPv6 client: expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        check_sockaddr(req->Address.pRemoteAddress, AF_INET6, c.local_port, "pRemoteAddress of an IPv6 client");
        check_sockaddr(req->Address.pLocalAddress, AF_INET6, port, "pLocalAddress of an IPv6 connection");
        snprintf(url, sizeof(url), "http://[::1]:%u/a/v6", port);
        ok(wstr_eq(req->CookedUrl.pFullUrl, req->CookedUrl.FullUrlLength, url), "pFullUrl over IPv6: expected \"%s\", got \"%s\"\n",
           url, dbgwstr(req->CookedUrl.pFullUrl, req->CookedUrl.FullUrlLength));
        answer(&c, req->RequestId, FALSE, "an IPv6 GET");
    }
    client_close(&c);
done:
    free_request(req);
}

/* A synchronous receive blocks until a request arrives. */
static void test_sync_blocks(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client_job *job;
    char request[256];
    BOOL timed_out;
    ULONG ret, bytes;

    snprintf(request, sizeof(request), "GET /a/later HTTP/1.1\r\nHost: %s\r\n\r\n", host);
    job = client_job_start(AF_INET, port, request, 500, TIMEOUT + 1000);
    ret = receive_request_sync(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT + 500, &timed_out);
    ok(ret == NO_ERROR && !timed_out,
       "synchronous HttpReceiveHttpRequest waiting for a request sent 500 ms later: expected NO_ERROR, got %lu%s\n",
       ret, timed_out ? " (blocked, cancelled)" : "");
    if (!ret)
    {
        ok(bytes_eq(req->pRawUrl, req->RawUrlLength, "/a/later"), "pRawUrl: expected \"/a/later\", got \"%s\"\n",
           dbgstr(req->pRawUrl, req->RawUrlLength));
        respond_text(queue, req->RequestId, "later");
    }
    ok(client_job_wait(job, TIMEOUT + 2000) && job->result == CLIENT_OK && job->resp.status == 200,
       "client of the delayed request: expected a 200, got result %d status %d\n", job ? job->result : -99,
       job ? job->resp.status : 0);
    client_job_free(job);
    free_request(req);
}

int main(int argc, char **argv)
{
    test_startup("v1_request.c");
    port = test_port(argc, argv);
    snprintf(host, sizeof(host), "127.0.0.1:%u", port);

    if (!http_init()) return test_report();
    if (!(queue = create_queue_url("+", port, "/a/"))) return test_report();

    test_get_fields();
    test_http10();
    test_verb("GET", HttpVerbGET, "HttpVerbGET");
    test_verb("HEAD", HttpVerbHEAD, "HttpVerbHEAD");
    test_verb("POST", HttpVerbPOST, "HttpVerbPOST");
    test_verb("PUT", HttpVerbPUT, "HttpVerbPUT");
    test_verb("DELETE", HttpVerbDELETE, "HttpVerbDELETE");
    test_verb("OPTIONS", HttpVerbOPTIONS, "HttpVerbOPTIONS");
    test_verb("FOO", HttpVerbUnknown, "HttpVerbUnknown");
    test_verb("POSTX", HttpVerbUnknown, "HttpVerbUnknown");
    test_post_body_pieces();
    test_copy_body();
    test_fill_buffer();
    test_buffer_too_small();
    test_entity_body_errors();
    test_ipv6_client();
    test_sync_blocks();

    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

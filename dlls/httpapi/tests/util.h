/*
 * Server-side helpers shared by the httpapi v1 conformance tests.  Header-only (static functions),
 * because they call ok() and each test program is a single translation unit plus client.c.
 */

#ifndef HTTPAPI_TEST_UTIL_H
#define HTTPAPI_TEST_UTIL_H

#include "test.h"
#include <http.h>
#include "client.h"

/* How long a test waits for something that should happen, and for something that should not. */
#define TIMEOUT     3000
#define SHORT_WAIT  300

#define REQ_BUFFER_SIZE 16384

static const HTTPAPI_VERSION version1 = HTTPAPI_VERSION_1;

/* A URL or other wide string from a printf-style ASCII format. */
static TEST_UNUSED const WCHAR *wfmt(WCHAR *buf, int count, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));
static TEST_UNUSED const WCHAR *wfmt(WCHAR *buf, int count, const char *fmt, ...)
{
    char text[512];
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    MultiByteToWideChar(CP_ACP, 0, text, -1, buf, count);
    return buf;
}

/* Compares `len` bytes of a wide string with an ASCII string (and the length). */
static TEST_UNUSED BOOL wstr_eq(const WCHAR *w, USHORT len_bytes, const char *expect)
{
    size_t i, n = strlen(expect);

    if (!w || len_bytes != n * sizeof(WCHAR)) return FALSE;
    for (i = 0; i < n; i++)
        if (w[i] != (WCHAR)(unsigned char)expect[i]) return FALSE;
    return TRUE;
}

static TEST_UNUSED BOOL bytes_eq(const char *p, USHORT len, const char *expect)
{
    return p && len == strlen(expect) && !memcmp(p, expect, len);
}

/* For messages: a counted string as a printable C string. */
static TEST_UNUSED const char *dbgstr(const char *p, int len)
{
    static char bufs[4][256];
    static LONG next;
    char *buf = bufs[InterlockedIncrement(&next) & 3];

    if (!p) return "(null)";
    if (len < 0) len = (int)strlen(p);
    if (len > 200) len = 200;
    memcpy(buf, p, len);
    buf[len] = 0;
    return buf;
}

static TEST_UNUSED const char *dbgwstr(const WCHAR *p, int len_bytes)
{
    static char bufs[4][256];
    static LONG next;
    char *buf = bufs[InterlockedIncrement(&next) & 3];
    int i, n = len_bytes / 2;

    if (!p) return "(null)";
    if (n > 200) n = 200;
    for (i = 0; i < n; i++) buf[i] = p[i] < 128 ? (char)p[i] : '?';
    buf[n] = 0;
    return buf;
}

static TEST_UNUSED HTTP_REQUEST_V1 *alloc_request(void)
{
    /* HeapAlloc memory is aligned for any structure, as HttpReceiveHttpRequest requires. */
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, REQ_BUFFER_SIZE);
}

static TEST_UNUSED void free_request(HTTP_REQUEST_V1 *req)
{
    HeapFree(GetProcessHeap(), 0, req);
}

/* ------------------------------------------------------------------------------------------ */
/* Overlapped operations with a time limit. */

/*
 * Finishes an overlapped call that returned `ret`: NO_ERROR and ERROR_IO_PENDING both complete
 * through the OVERLAPPED (whose event must be set); anything else is returned as is.  Returns the
 * final error (NO_ERROR on success) and stores the byte count.  If nothing completes within
 * timeout_ms the operation is cancelled (and waited for), and WAIT_TIMEOUT is returned.
 */
static TEST_UNUSED ULONG finish_overlapped(HANDLE handle, ULONG ret, OVERLAPPED *ov, ULONG *bytes,
                                           DWORD timeout_ms)
{
    DWORD count = 0;

    if (bytes) *bytes = 0;
    if (ret != NO_ERROR && ret != ERROR_IO_PENDING) return ret;
    if (WaitForSingleObject(ov->hEvent, timeout_ms) != WAIT_OBJECT_0)
    {
        CancelIoEx(handle, ov);
        /* The OVERLAPPED and its buffer must not be reused while the system may still write
         * to them: if even the cancellation does not complete, stop the program. */
        if (WaitForSingleObject(ov->hEvent, 5000) != WAIT_OBJECT_0)
            test_abort(__FILE__, __LINE__, "an overlapped operation could not be cancelled");
        GetOverlappedResult(handle, ov, &count, FALSE);
        return WAIT_TIMEOUT;
    }
    if (!GetOverlappedResult(handle, ov, &count, FALSE))
    {
        if (bytes) *bytes = count;
        return GetLastError();
    }
    if (bytes) *bytes = count;
    return NO_ERROR;
}

/* An OVERLAPPED receive, waited for at most timeout_ms. */
static TEST_UNUSED ULONG receive_request(HANDLE queue, HTTP_REQUEST_ID id, ULONG flags,
                                        HTTP_REQUEST_V1 *req, ULONG size, ULONG *bytes,
                                        DWORD timeout_ms)
{
    OVERLAPPED ov;
    ULONG ret;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveHttpRequest(queue, id, flags, (HTTP_REQUEST *)req, size, NULL, &ov);
    ret = finish_overlapped(queue, ret, &ov, bytes, timeout_ms);
    CloseHandle(ov.hEvent);
    return ret;
}

/* A synchronous receive, cancelled by the guard if it blocks longer than timeout_ms. */
static TEST_UNUSED ULONG receive_request_sync(HANDLE queue, HTTP_REQUEST_ID id, ULONG flags,
                                             HTTP_REQUEST_V1 *req, ULONG size, ULONG *bytes,
                                             DWORD timeout_ms, BOOL *timed_out)
{
    ULONG ret;

    guard_arm(queue, timeout_ms);
    ret = HttpReceiveHttpRequest(queue, id, flags, (HTTP_REQUEST *)req, size, bytes, NULL);
    *timed_out = guard_disarm();
    return ret;
}

static TEST_UNUSED ULONG receive_body_sync(HANDLE queue, HTTP_REQUEST_ID id, void *buf, ULONG size,
                                          ULONG *bytes, BOOL *timed_out)
{
    ULONG ret;

    guard_arm(queue, TIMEOUT);
    ret = HttpReceiveRequestEntityBody(queue, id, 0, buf, size, bytes, NULL);
    *timed_out = guard_disarm();
    return ret;
}

/* ------------------------------------------------------------------------------------------ */
/* Responses. */

struct test_response
{
    HTTP_RESPONSE resp;
    HTTP_DATA_CHUNK chunks[4];
    HTTP_UNKNOWN_HEADER unknown[4];
};

/* Fills a response: status, reason, optional Content-Type and body (one memory chunk). */
static TEST_UNUSED void init_response(struct test_response *r, USHORT status, const char *reason,
                                      const char *content_type, const char *body)
{
    memset(r, 0, sizeof(*r));
    r->resp.StatusCode = status;
    r->resp.pReason = reason;
    r->resp.ReasonLength = (USHORT)strlen(reason);
    if (content_type)
    {
        r->resp.Headers.KnownHeaders[HttpHeaderContentType].pRawValue = content_type;
        r->resp.Headers.KnownHeaders[HttpHeaderContentType].RawValueLength = (USHORT)strlen(content_type);
    }
    if (body)
    {
        r->chunks[0].DataChunkType = HttpDataChunkFromMemory;
        r->chunks[0].FromMemory.pBuffer = (void *)body;
        r->chunks[0].FromMemory.BufferLength = (ULONG)strlen(body);
        r->resp.EntityChunkCount = 1;
        r->resp.pEntityChunks = r->chunks;
    }
}

static TEST_UNUSED void set_known_header(struct test_response *r, int id, const char *value)
{
    r->resp.Headers.KnownHeaders[id].pRawValue = value;
    r->resp.Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

static TEST_UNUSED void add_unknown_header(struct test_response *r, const char *name, const char *value)
{
    HTTP_UNKNOWN_HEADER *h = &r->unknown[r->resp.Headers.UnknownHeaderCount++];
    h->pName = name;
    h->NameLength = (USHORT)strlen(name);
    h->pRawValue = value;
    h->RawValueLength = (USHORT)strlen(value);
    r->resp.Headers.pUnknownHeaders = r->unknown;
}

/* A synchronous HttpSendHttpResponse under the guard. */
static TEST_UNUSED ULONG send_response_sync(HANDLE queue, HTTP_REQUEST_ID id, ULONG flags,
                                           struct test_response *r, ULONG *bytes_sent)
{
    ULONG ret, dummy;

    guard_arm(queue, TIMEOUT);
    ret = HttpSendHttpResponse(queue, id, flags, &r->resp, NULL, bytes_sent ? bytes_sent : &dummy,
                               NULL, 0, NULL, NULL);
    if (guard_disarm()) trace("HttpSendHttpResponse blocked and was cancelled\n");
    return ret;
}

/* Answers a request with 200 and a small text body; the result is not a check of its own. */
static TEST_UNUSED ULONG respond_text(HANDLE queue, HTTP_REQUEST_ID id, const char *body)
{
    struct test_response r;
    init_response(&r, 200, "OK", "text/plain", body);
    return send_response_sync(queue, id, 0, &r, NULL);
}

/*
 * One request through a queue: a client sends "GET <path>" with the given Host, the queue
 * receives it (OVERLAPPED, within TIMEOUT) and answers 200 "ok".  Returns the status the client
 * saw; 0 if the queue received nothing (the receive error is stored in *recv_error), a negative
 * value if the client failed (-1 timeout, -2 error, -3 connection closed).
 */
static TEST_UNUSED int round_trip(HANDLE queue, int family, USHORT port, const char *host,
                                  const char *path, ULONG *recv_error)
{
    struct http_response resp;
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client c;
    char request[512];
    ULONG ret, bytes;
    int status;

    *recv_error = 0;
    if (!client_connect(&c, family, port))
    {
        trace("connecting to port %u failed: error %d\n", port, WSAGetLastError());
        client_close(&c);
        free_request(req);
        return CLIENT_ERROR;
    }
    snprintf(request, sizeof(request), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);
    client_send_str(&c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    if (ret)
    {
        *recv_error = ret;
        client_close(&c);
        free_request(req);
        return 0;
    }
    respond_text(queue, req->RequestId, "ok");
    status = client_read_response(&c, &resp, FALSE, TIMEOUT);
    if (status == CLIENT_OK) status = resp.status;
    else if (status == CLIENT_CLOSED) status = -3;
    response_free(&resp);
    client_close(&c);
    free_request(req);
    return status;
}

/* ------------------------------------------------------------------------------------------ */
/* Checks on a received request. */

static TEST_UNUSED BOOL in_buffer(const void *base, ULONG size, const void *p, ULONG len)
{
    const char *b = base, *q = p;
    if (!p) return len == 0;
    return q >= b && q + len <= b + size;
}

static TEST_UNUSED ULONG sockaddr_size(const struct sockaddr *addr)
{
    return addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* All the data a request points to lies within the `bytes` bytes the call reported. */
static TEST_UNUSED BOOL request_in_bounds(const HTTP_REQUEST_V1 *req, ULONG bytes, const char **what)
{
    const HTTP_COOKED_URL *u = &req->CookedUrl;
    int i;

    *what = "";
    if (bytes < sizeof(HTTP_REQUEST_V1)) { *what = "structure"; return FALSE; }
    if (!in_buffer(req, bytes, req->pRawUrl, req->RawUrlLength)) { *what = "pRawUrl"; return FALSE; }
    if (!in_buffer(req, bytes, u->pFullUrl, u->FullUrlLength)) { *what = "pFullUrl"; return FALSE; }
    if (!in_buffer(req, bytes, u->pHost, u->HostLength)) { *what = "pHost"; return FALSE; }
    if (!in_buffer(req, bytes, u->pAbsPath, u->AbsPathLength)) { *what = "pAbsPath"; return FALSE; }
    if (!in_buffer(req, bytes, u->pQueryString, u->QueryStringLength)) { *what = "pQueryString"; return FALSE; }
    if (req->Verb == HttpVerbUnknown && !in_buffer(req, bytes, req->pUnknownVerb, req->UnknownVerbLength))
        { *what = "pUnknownVerb"; return FALSE; }
    if (!req->Address.pRemoteAddress
        || !in_buffer(req, bytes, req->Address.pRemoteAddress, sockaddr_size(req->Address.pRemoteAddress)))
        { *what = "pRemoteAddress"; return FALSE; }
    if (!req->Address.pLocalAddress
        || !in_buffer(req, bytes, req->Address.pLocalAddress, sockaddr_size(req->Address.pLocalAddress)))
        { *what = "pLocalAddress"; return FALSE; }
    for (i = 0; i < HttpHeaderRequestMaximum; i++)
        if (req->Headers.KnownHeaders[i].RawValueLength
            && !in_buffer(req, bytes, req->Headers.KnownHeaders[i].pRawValue, req->Headers.KnownHeaders[i].RawValueLength))
            { *what = "a known header"; return FALSE; }
    if (req->Headers.UnknownHeaderCount
        && !in_buffer(req, bytes, req->Headers.pUnknownHeaders, req->Headers.UnknownHeaderCount * sizeof(HTTP_UNKNOWN_HEADER)))
        { *what = "pUnknownHeaders"; return FALSE; }
    for (i = 0; i < req->Headers.UnknownHeaderCount; i++)
    {
        const HTTP_UNKNOWN_HEADER *h = &req->Headers.pUnknownHeaders[i];
        if (!in_buffer(req, bytes, h->pName, h->NameLength) || !in_buffer(req, bytes, h->pRawValue, h->RawValueLength))
            { *what = "an unknown header"; return FALSE; }
    }
    if (req->EntityChunkCount)
    {
        if (!in_buffer(req, bytes, req->pEntityChunks, req->EntityChunkCount * sizeof(HTTP_DATA_CHUNK)))
            { *what = "pEntityChunks"; return FALSE; }
        for (i = 0; i < req->EntityChunkCount; i++)
            if (!in_buffer(req, bytes, req->pEntityChunks[i].FromMemory.pBuffer, req->pEntityChunks[i].FromMemory.BufferLength))
                { *what = "an entity chunk"; return FALSE; }
    }
    return TRUE;
}

static TEST_UNUSED const HTTP_UNKNOWN_HEADER *find_unknown_header(const HTTP_REQUEST_V1 *req, const char *name)
{
    int i;
    for (i = 0; i < req->Headers.UnknownHeaderCount; i++)
    {
        const HTTP_UNKNOWN_HEADER *h = &req->Headers.pUnknownHeaders[i];
        if (h->NameLength == strlen(name) && !_strnicmp(h->pName, name, h->NameLength)) return h;
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Setup. */

static TEST_UNUSED HANDLE create_queue(void)
{
    HANDLE queue = NULL;
    ULONG ret = HttpCreateHttpHandle(&queue, 0);
    if (ret)
    {
        ok(0, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
        return NULL;
    }
    return queue;
}

/* A queue with one URL registered (http://<host>:<port><path>); NULL if that failed. */
static TEST_UNUSED HANDLE create_queue_url(const char *host, USHORT port, const char *path)
{
    WCHAR url[256];
    HANDLE queue = create_queue();
    ULONG ret;

    if (!queue) return NULL;
    ret = HttpAddUrl(queue, wfmt(url, 256, "http://%s:%u%s", host, port, path), NULL);
    if (ret)
    {
        ok(0, "HttpAddUrl(http://%s:%u%s): expected NO_ERROR, got %lu\n", host, port, path, ret);
        CloseHandle(queue);
        return NULL;
    }
    return queue;
}

static TEST_UNUSED void test_startup(const char *program)
{
    test_init(program);
    if (!client_startup())
    {
        ok(0, "WSAStartup failed\n");
        exit(test_report());
    }
}

static TEST_UNUSED BOOL http_init(void)
{
    ULONG ret = HttpInitialize(version1, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(1.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    return ret == NO_ERROR;
}

/* Starts this program again with args after its path, sharing our standard handles (its
 * RESULT line goes to our stdout).  The process, or NULL with the error in GetLastError(). */
static TEST_UNUSED HANDLE start_self(const char *args)
{
    char cmd[MAX_PATH * 2], exe[MAX_PATH];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;

    GetModuleFileNameA(NULL, exe, sizeof(exe));
    snprintf(cmd, sizeof(cmd), "\"%s\" %s", exe, args);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    fflush(stdout);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) return NULL;
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

/* Waits up to timeout_ms for a process and closes it: its exit code, or STILL_ACTIVE if it has
 * not ended (it is then ended). */
static TEST_UNUSED DWORD wait_self(HANDLE process, DWORD timeout_ms)
{
    DWORD code = STILL_ACTIVE;

    if (WaitForSingleObject(process, timeout_ms) == WAIT_OBJECT_0) GetExitCodeProcess(process, &code);
    else TerminateProcess(process, 1);
    CloseHandle(process);
    return code;
}

#endif /* HTTPAPI_TEST_UTIL_H */

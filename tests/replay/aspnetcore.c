/*
 * aspnetcore.c - a small site served the way ASP.NET Core's HttpSys server
 * (dotnet/aspnetcore, src/Servers/HttpSys) drives the HTTP Server API: the
 * same calls, in the same order, with the same flags, sizes and error
 * handling.
 *
 *   HttpInitialize({2,0}, SERVER|CONFIG), LoadLibrary,       HttpApi's static constructor
 *   GetProcAddress(HttpQueryRequestProperty,
 *   HttpSetRequestProperty), HttpIsFeatureSupported(
 *   ResponseTrailers, DelegateEx)
 *   HttpCreateServerSession                                  ServerSession
 *   HttpCreateRequestQueue(name or NULL, Create),             RequestQueue
 *     SetFileCompletionNotificationModes, BindHandle
 *   HttpCreateUrlGroup                                       UrlGroup
 *   Qos(ConnectionLimit), QueueLength and 503Verbosity       HttpSysOptions.Apply (the two
 *     (as 8-byte longs), Timeouts                              queue properties are longs)
 *   Binding, HttpAddUrlToUrlGroup(context 1, 2, ...)         AttachToQueue, RegisterAllPrefixes
 *   5 x processors accept loops: HttpReceiveHttpRequest(     MessagePump, AsyncAcceptContext
 *     flags 0, 4096 bytes, one preallocated OVERLAPPED
 *     each, completion expectations counted)
 *   HttpReceiveRequestEntityBody(flags 0, <=128 KB, OVERLAPPED) RequestStream.ReadAsync
 *   HttpSendHttpResponse/HttpSendResponseEntityBody          Response, ResponseBody: chunk framing
 *     (OVERLAPPED writes; the last chunk synchronously)        as separate data chunks
 *   HttpWaitForDisconnectEx(OVERLAPPED), once per connection DisconnectListener
 *   HttpCancelHttpRequest (+ CancelIoEx of the last write)   RequestContext.Abort
 *   HttpReceiveClientCertificate(1500 bytes, OVERLAPPED)     ClientCertLoader
 *   HttpRemoveUrlFromUrlGroup, Binding(zeroed),              HttpSysListener.Dispose
 *   HttpCloseRequestQueue, HttpCloseUrlGroup, HttpCloseServerSession
 *
 * The application on top (what an ASP.NET Core app would do):
 *   GET /            "Hello from ASP.NET Core\n" (WriteAsync without a length: chunked)
 *   GET /echo?Q      Q (with Content-Length)
 *   POST /upload     Request.Body.CopyToAsync(Response.Body)
 *   GET /chunked     five pieces, each WriteAsync
 *   GET /slow        Task.Delay(10 s, RequestAborted): the client goes (EVENT disconnect)
 *   GET /cancel      writes, then throws: the response had started, so the request is aborted (EVENT cancel)
 *   GET /cert        HTTPS: GetClientCertificateAsync, renegotiating (EVENT cert)
 *   GET /quit        answers, then the host stops (STOPPED)
 *
 * Usage: aspnetcore.exe HTTP_PORT [HTTPS_PORT [QUEUE_NAME]]
 */
#include "replay.h"

#define DEFAULT_BUFFER_SIZE 4096        /* NativeRequestContext's */
#define MAX_READ_SIZE 0x20000
#define CERT_BLOB_SIZE 1500
#define COPY_BUFFER_SIZE 81920
#define FEATURE_RESPONSE_TRAILERS 1     /* HTTP_FEATURE_ID */
#define FEATURE_DELEGATE_EX 3
#ifndef STATUS_PENDING
#define STATUS_PENDING ((DWORD)0x00000103)
#endif

static const HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
static HTTP_SERVER_SESSION_ID session;
static HTTP_URL_GROUP_ID group;
static HANDLE queue;
static WCHAR *prefixes[2];
static int prefix_count;
static volatile LONG stopping, outstanding;
static HANDLE quit_requested;
static BOOL supports_reset;

typedef BOOL (WINAPI *is_feature_supported_fn)(ULONG);
typedef ULONG (WINAPI *set_request_property_fn)(HANDLE, HTTP_REQUEST_ID, ULONG, void *, ULONG, OVERLAPPED *);
static set_request_property_fn set_request_property;

/* http.h has it; MinGW's copy does not */
ULONG WINAPI HttpWaitForDisconnectEx(HANDLE queue, HTTP_CONNECTION_ID id, ULONG reserved, OVERLAPPED *ovl);

/* --- HttpApi's static constructor ----------------------------------------- */

static BOOL init_http_api(void)
{
    is_feature_supported_fn is_feature_supported;
    BOOL trailers = FALSE, delegation = FALSE;
    HMODULE module;
    ULONG ret;

    if ((ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL)))
        return !failed("HttpInitialize", ret);
    if (!(module = LoadLibraryExW(L"httpapi.dll", NULL, 0))) return !failed("LoadLibraryExW", GetLastError());
    GetProcAddress(module, "HttpQueryRequestProperty");
    set_request_property = (set_request_property_fn)(void *)GetProcAddress(module, "HttpSetRequestProperty");
    supports_reset = set_request_property != NULL;
    /* a DllImport: a missing export is EntryPointNotFoundException, taken as FALSE */
    if ((is_feature_supported = (is_feature_supported_fn)(void *)GetProcAddress(module, "HttpIsFeatureSupported")))
    {
        trailers = is_feature_supported(FEATURE_RESPONSE_TRAILERS);
        delegation = is_feature_supported(FEATURE_DELEGATE_EX);
    }
    say("INFO reset=%d trailers=%d delegation=%d", supports_reset, trailers, delegation);
    return TRUE;
}

/* --- HttpSysListener: construction, Start, Dispose ------------------------- */

static void set_group_property(HTTP_SERVER_PROPERTY prop, void *info, ULONG size, const char *what, BOOL throw_on_error)
{
    ULONG ret = HttpSetUrlGroupProperty(group, prop, info, size);

    if (ret && throw_on_error) failed(what, ret);
}

static BOOL create_listener(const WCHAR *queue_name)
{
    ULONG ret;

    if ((ret = HttpCreateServerSession(version, &session, 0))) return !failed("HttpCreateServerSession", ret);
    ret = HttpCreateRequestQueue(version, queue_name, NULL, 0, &queue);
    if (ret)
    {
        /* ERROR_INVALID_NAME and the others: HttpSysException; the session is closed */
        failed("HttpCreateRequestQueue", ret);
        HttpCloseServerSession(session);
        return FALSE;
    }
    if (!SetFileCompletionNotificationModes(queue, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE))
    {
        failed("SetFileCompletionNotificationModes", GetLastError());
        HttpCloseRequestQueue(queue);
        HttpCloseServerSession(session);
        return FALSE;
    }
    if (!pool_bind(queue)) return FALSE;
    if ((ret = HttpCreateUrlGroup(session, &group, 0)))
    {
        failed("HttpCreateUrlGroup", ret);
        HttpCloseRequestQueue(queue);
        HttpCloseServerSession(session);
        return FALSE;
    }
    return TRUE;
}

/* The application's options: MaxConnections = 1000, RequestQueueLimit = 2000,
 * Http503Verbosity = Limited, Timeouts.EntityBody = 30 s, .HeaderWait = 60 s. */
static void apply_options(void)
{
    HTTP_CONNECTION_LIMIT_INFO limit;
    HTTP_QOS_SETTING_INFO qos;
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    LONGLONG length = 2000, verbosity = Http503ResponseVerbosityLimited;
    ULONG ret;

    memset(&limit, 0, sizeof(limit));
    limit.Flags.Present = 1;
    limit.MaxConnections = 1000;
    qos.QosType = HttpQosSettingTypeConnectionLimit;
    qos.QosSetting = &limit;
    set_group_property(HttpServerQosProperty, &qos, sizeof(qos), "HttpSetUrlGroupProperty(Qos)", TRUE);
    if ((ret = HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &length, sizeof(length), 0, NULL)))
        failed("HttpSetRequestQueueProperty(QueueLength, 8 bytes)", ret);
    if ((ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &verbosity, sizeof(verbosity), 0, NULL)))
        failed("HttpSetRequestQueueProperty(503Verbosity, 8 bytes)", ret);
    /* Authentication.Schemes is None: no HttpServerAuthenticationProperty call */
    memset(&timeouts, 0, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.EntityBody = 30;
    timeouts.HeaderWait = 60;
    set_group_property(HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts), "HttpSetUrlGroupProperty(Timeouts)", TRUE);
}

static BOOL start_listener(void)
{
    HTTP_BINDING_INFO binding;
    ULONG ret;
    int i;

    apply_options();
    memset(&binding, 0, sizeof(binding));
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = queue;
    set_group_property(HttpServerBindingProperty, &binding, sizeof(binding), "HttpSetUrlGroupProperty(Binding)", TRUE);
    for (i = 0; i < prefix_count; i++)
    {
        /* UrlPrefixCollection numbers its prefixes from 1 */
        if ((ret = HttpAddUrlToUrlGroup(group, prefixes[i], i + 1, 0)))
        {
            failed("HttpAddUrlToUrlGroup", ret);
            memset(&binding, 0, sizeof(binding));
            set_group_property(HttpServerBindingProperty, &binding, sizeof(binding), NULL, FALSE);
            return FALSE;
        }
    }
    return TRUE;
}

static void dispose_listener(void)
{
    HTTP_BINDING_INFO binding;
    ULONG ret;
    int i;

    for (i = 0; i < prefix_count; i++) HttpRemoveUrlFromUrlGroup(group, prefixes[i], 0);
    memset(&binding, 0, sizeof(binding));
    set_group_property(HttpServerBindingProperty, &binding, sizeof(binding), NULL, FALSE);
    if ((ret = HttpCloseRequestQueue(queue))) failed("HttpCloseRequestQueue", ret);
    if ((ret = HttpCloseUrlGroup(group))) failed("HttpCloseUrlGroup", ret);
    if ((ret = HttpCloseServerSession(session))) failed("HttpCloseServerSession", ret);
}

/* --- AsyncAcceptContext ----------------------------------------------------- */

struct accept_context
{
    struct op op;               /* the preallocated overlapped: the same one for every receive */
    HTTP_REQUEST *req;
    ULONG size;
    LONG expected;              /* completions expected: 0 or 1 */
    HANDLE done;
    ULONG error;
    HTTP_REQUEST *result;
};

static void allocate_native_request(struct accept_context *a, ULONG size, HTTP_REQUEST_ID id)
{
    free(a->req);
    a->size = size ? size : DEFAULT_BUFFER_SIZE;
    a->req = calloc(1, a->size);
    a->req->RequestId = id;
}

static void expectation(struct accept_context *a, LONG want, LONG after, const char *what)
{
    LONG before = InterlockedExchange(&a->expected, after);

    if (before != want) say("UNEXPECTED accept expectation mismatch in %s (%ld)", what, before);
}

static void accept_io_completed(struct accept_context *a, ULONG err, ULONG bytes);

static ULONG queue_begin_get_context(struct accept_context *a)
{
    ULONG ret;

    for (;;)
    {
        ULONG bytes = 0;

        expectation(a, 0, 1, "SetExpectCompletion");
        memset(&a->op.ov, 0, sizeof(a->op.ov));
        ret = HttpReceiveHttpRequest(queue, a->req->RequestId, 0, a->req, a->size, &bytes, &a->op.ov);
        if ((ret == ERROR_CONNECTION_INVALID || ret == ERROR_INVALID_PARAMETER) && a->req->RequestId)
        {
            expectation(a, 1, 0, "CancelExpectCompletion");
            a->req->RequestId = 0;
            continue;
        }
        if (ret == ERROR_MORE_DATA)
        {
            /* as ASP.NET does it: a bigger buffer, and no request id */
            expectation(a, 1, 0, "CancelExpectCompletion");
            allocate_native_request(a, bytes, 0);
            continue;
        }
        if (ret == NO_ERROR) accept_io_completed(a, ret, bytes);
        else if (ret != ERROR_IO_PENDING) expectation(a, 1, 0, "CancelExpectCompletion");
        return ret;
    }
}

static void accept_io_completed(struct accept_context *a, ULONG err, ULONG bytes)
{
    expectation(a, 1, 0, "ObserveCompletion");
    if (err != NO_ERROR && err != ERROR_MORE_DATA)
    {
        a->error = err;
        SetEvent(a->done);
        return;
    }
    if (err == NO_ERROR)
    {
        a->result = a->req;
        a->req = NULL;
        a->error = NO_ERROR;
        SetEvent(a->done);
        return;
    }
    allocate_native_request(a, bytes, a->req->RequestId);
    err = queue_begin_get_context(a);
    if (err != NO_ERROR && err != ERROR_IO_PENDING)
    {
        a->error = err;
        SetEvent(a->done);
    }
}

static void accept_callback(struct op *op, ULONG err, ULONG bytes)
{
    struct accept_context *a = op->ctx;

    if (a->op.ov.Internal == STATUS_PENDING)
    {
        /* the overlapped is in use by a later receive: this packet is for one
         * that returned synchronously, which ASP.NET does not expect */
        say("UNEXPECTED accept completion for an earlier receive (error %lu, %lu bytes)", err, bytes);
        return;
    }
    accept_io_completed(a, err, bytes);
}

/* --- one request: RequestContext, Request, Response, the body streams -------- */

enum boundary { BOUNDARY_NONE, BOUNDARY_LENGTH, BOUNDARY_CHUNKED, BOUNDARY_CLOSE };

struct context
{
    HTTP_REQUEST *req;
    HTTP_REQUEST_ID id;
    /* RequestStream */
    int chunk_index;
    ULONG chunk_offset;
    BOOL in_closed;
    /* Response, ResponseBody */
    USHORT status;
    const char *reason;
    const char *content_type;
    LONGLONG content_length;
    enum boundary boundary;
    BOOL started, computed, body_disposed, aborted;
    LONGLONG left_to_write;
    char length_text[24];
    struct op *last_write;
};

static void context_init(struct context *c, HTTP_REQUEST *req)
{
    memset(c, 0, sizeof(*c));
    c->req = req;
    c->id = req->RequestId;
    c->chunk_index = req->EntityChunkCount ? 0 : -1;
    c->status = 200;
    c->reason = "OK";
    c->content_length = -1;
    c->left_to_write = LLONG_MIN;
}

/* RequestContext.Abort: ForceCancelRequest, then the response is abandoned. */
static ULONG context_abort(struct context *c)
{
    ULONG ret = HttpCancelHttpRequest(queue, c->id, NULL);

    if (ret == ERROR_CONNECTION_INVALID && c->last_write) CancelIoEx(queue, &c->last_write->ov);
    c->aborted = c->body_disposed = TRUE;
    return ret;
}

/* Response.ComputeHeaders */
static ULONG compute_headers(struct context *c, ULONG write_count, BOOL end_of_request)
{
    ULONG flags = 0;

    c->computed = TRUE;
    if (c->content_length >= 0) c->boundary = BOUNDARY_LENGTH;
    else if (end_of_request && !write_count)
    {
        c->content_length = 0;
        c->boundary = BOUNDARY_LENGTH;
    }
    else if (c->req->Version.MinorVersion >= 1) c->boundary = BOUNDARY_CHUNKED;
    else c->boundary = BOUNDARY_CLOSE;
    if (c->boundary == BOUNDARY_LENGTH) _i64toa(c->content_length, c->length_text, 10);
    return flags;
}

static ULONG compute_left_to_write(struct context *c, ULONG write_count, BOOL end_of_request)
{
    ULONG flags = 0;

    if (!c->computed) flags = compute_headers(c, write_count, end_of_request);
    if (c->left_to_write == LLONG_MIN)
    {
        if (c->req->Verb == HttpVerbHEAD) c->left_to_write = 0;
        else if (c->boundary == BOUNDARY_LENGTH) c->left_to_write = c->content_length;
        else c->left_to_write = -1;
    }
    if (end_of_request && c->boundary == BOUNDARY_CLOSE) flags |= HTTP_SEND_RESPONSE_FLAG_DISCONNECT;
    else if (!end_of_request && c->left_to_write != write_count) flags |= HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
    if (c->left_to_write > 0) c->left_to_write -= write_count;
    if (!c->left_to_write) c->body_disposed = TRUE;
    return flags;
}

static void set_header(HTTP_RESPONSE *r, HTTP_HEADER_ID id, const char *value)
{
    r->Headers.KnownHeaders[id].pRawValue = value;
    r->Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

/* Response.SendHeaders: an HTTP_RESPONSE_V2 */
static ULONG send_headers(struct context *c, HTTP_DATA_CHUNK *chunks, USHORT count, ULONG flags, struct op *op, ULONG *sent)
{
    HTTP_RESPONSE_V2 r;
    ULONG bytes_sent = 0;

    memset(&r, 0, sizeof(r));
    r.Version.MajorVersion = 1;
    r.Version.MinorVersion = 1;
    r.StatusCode = c->status;
    r.pReason = c->reason;
    r.ReasonLength = (USHORT)strlen(c->reason);
    if (c->content_type) set_header((HTTP_RESPONSE *)&r, HttpHeaderContentType, c->content_type);
    if (c->boundary == BOUNDARY_LENGTH) set_header((HTTP_RESPONSE *)&r, HttpHeaderContentLength, c->length_text);
    if (c->boundary == BOUNDARY_CHUNKED) set_header((HTTP_RESPONSE *)&r, HttpHeaderTransferEncoding, "chunked");
    if (c->boundary == BOUNDARY_CLOSE) set_header((HTTP_RESPONSE *)&r, HttpHeaderConnection, "close");
    r.EntityChunkCount = count;
    r.pEntityChunks = chunks;
    c->started = TRUE;
    return HttpSendHttpResponse(queue, c->id, flags, (HTTP_RESPONSE *)&r, NULL, sent ? sent : &bytes_sent, NULL, 0,
                                op ? &op->ov : NULL, NULL);
}

static USHORT memory_chunk(HTTP_DATA_CHUNK *chunk, const void *data, ULONG len)
{
    memset(chunk, 0, sizeof(*chunk));
    chunk->DataChunkType = HttpDataChunkFromMemory;
    chunk->FromMemory.pBuffer = (void *)data;
    chunk->FromMemory.BufferLength = len;
    return 1;
}

/* ResponseBody.FlushInternalAsync via WriteAsync */
static ULONG write_async(struct context *c, const char *data, ULONG size)
{
    HTTP_DATA_CHUNK chunks[3];
    char head[16];
    USHORT count = 0;
    ULONG flags, ret, bytes = 0;
    struct op *op;

    if (!size && c->started) return NO_ERROR;
    if (c->body_disposed) return ERROR_INVALID_PARAMETER;   /* ObjectDisposedException */
    flags = compute_left_to_write(c, size, FALSE);
    if (size)
    {
        if (c->boundary == BOUNDARY_CHUNKED) count += memory_chunk(&chunks[count], head, sprintf(head, "%lx\r\n", size));
        count += memory_chunk(&chunks[count], data, size);
        if (c->boundary == BOUNDARY_CHUNKED) count += memory_chunk(&chunks[count], "\r\n", 2);
    }
    op = op_new("HttpSendHttpResponse/HttpSendResponseEntityBody");
    if (!c->started) ret = send_headers(c, count ? chunks : NULL, count, flags, op, &bytes);
    else ret = HttpSendResponseEntityBody(queue, c->id, flags, count, count ? chunks : NULL, &bytes, NULL, 0, &op->ov, NULL);
    if (!(flags & HTTP_SEND_RESPONSE_FLAG_MORE_DATA)) c->last_write = op;
    if (ret == NO_ERROR) op->stale = 1;
    ret = await_op(op, ret, bytes, &bytes);
    if (c->last_write == op) c->last_write = NULL;
    op_free(op);
    if (ret)
    {
        /* ThrowWriteExceptions is false: abort, and later writes complete silently */
        context_abort(c);
        return NO_ERROR;
    }
    return NO_ERROR;
}

/* ResponseBody.Dispose -> FlushInternal(endOfRequest: true), synchronous */
static void finish_response(struct context *c)
{
    static const char terminator[] = "0\r\n\r\n";
    HTTP_DATA_CHUNK chunk;
    USHORT count = 0;
    ULONG flags, ret;

    if (c->body_disposed) return;
    flags = compute_left_to_write(c, 0, TRUE);
    c->body_disposed = TRUE;
    if (c->left_to_write > 0)
    {
        context_abort(c);   /* fewer bytes than the Content-Length */
        return;
    }
    if (c->boundary == BOUNDARY_CHUNKED) count = memory_chunk(&chunk, terminator, sizeof(terminator) - 1);
    if (!c->started) ret = send_headers(c, count ? &chunk : NULL, count, flags, NULL, NULL);
    else ret = HttpSendResponseEntityBody(queue, c->id, flags, count, count ? &chunk : NULL, NULL, NULL, 0, NULL, NULL);
    /* at the end of the request, a connection that went is no error */
    if (ret && ret != ERROR_HANDLE_EOF && ret != ERROR_CONNECTION_INVALID && ret != ERROR_INVALID_PARAMETER)
    {
        failed("finishing the response", ret);
        context_abort(c);
    }
}

static void respond(struct context *c, const char *type, const char *body, ULONG len)
{
    c->content_type = type;
    c->content_length = len;
    write_async(c, body, len);
}

/* RequestStream.ReadAsync */
static LONG read_async(struct context *c, char *buf, ULONG size, ULONG *error)
{
    ULONG got = 0, bytes = 0, ret;
    struct op *op;

    *error = NO_ERROR;
    if (c->in_closed) return 0;
    if (c->chunk_index != -1)
    {
        got = get_chunks(c->req, &c->chunk_index, &c->chunk_offset, buf, size);
        if (got) return got;
    }
    if (size > MAX_READ_SIZE) size = MAX_READ_SIZE;
    op = op_new("HttpReceiveRequestEntityBody");
    ret = HttpReceiveRequestEntityBody(queue, c->id, 0, buf, size, &bytes, &op->ov);
    if (ret != NO_ERROR && ret != ERROR_IO_PENDING)
    {
        op_free(op);
        if (ret == ERROR_HANDLE_EOF)
        {
            c->in_closed = TRUE;
            return bytes;
        }
        *error = ret;
        context_abort(c);
        return -1;
    }
    if (ret == NO_ERROR) op->stale = 1;
    ret = await_op(op, ret, bytes, &bytes);
    op_free(op);
    if (ret && ret != ERROR_HANDLE_EOF)
    {
        *error = ret;
        context_abort(c);
        return -1;
    }
    if (ret == ERROR_HANDLE_EOF || !bytes) c->in_closed = TRUE;
    return bytes;
}

/* --- DisconnectListener: one HttpWaitForDisconnectEx per connection ------- */

struct disconnect
{
    struct op *op;
    HTTP_CONNECTION_ID id;
    HANDLE cancelled;           /* the connection's CancellationToken */
    struct disconnect *next;
};

static CRITICAL_SECTION disconnect_lock;
static struct disconnect *disconnects;

static void disconnect_fired(struct op *op, ULONG err, ULONG bytes)
{
    struct disconnect *d = op->ctx, **p;

    EnterCriticalSection(&disconnect_lock);
    for (p = &disconnects; *p; p = &(*p)->next) if (*p == d) { *p = d->next; break; }
    LeaveCriticalSection(&disconnect_lock);
    SetEvent(d->cancelled);
}

static HANDLE token_for_connection(HTTP_CONNECTION_ID id)
{
    struct disconnect *d;
    ULONG ret;

    EnterCriticalSection(&disconnect_lock);
    for (d = disconnects; d; d = d->next) if (d->id == id) break;
    if (d)
    {
        LeaveCriticalSection(&disconnect_lock);
        return d->cancelled;
    }
    d = calloc(1, sizeof(*d));
    d->id = id;
    d->cancelled = CreateEventW(NULL, TRUE, FALSE, NULL);
    d->op = op_new("HttpWaitForDisconnectEx");
    d->op->done = disconnect_fired;
    d->op->ctx = d;
    d->next = disconnects;
    disconnects = d;
    LeaveCriticalSection(&disconnect_lock);

    ret = HttpWaitForDisconnectEx(queue, id, 0, &d->op->ov);
    if (ret != ERROR_IO_PENDING)
    {
        /* an unknown result means the connection has gone; so does a synchronous success */
        d->op->stale = 1;
        disconnect_fired(d->op, ret, 0);
    }
    return d->cancelled;
}

/* --- ClientCertLoader ------------------------------------------------------- */

static ULONG load_client_certificate(struct context *c, char *text, size_t text_size)
{
    ULONG size = CERT_BLOB_SIZE, ret, bytes;
    HTTP_SSL_CLIENT_CERT_INFO *info = NULL;
    struct op *op = NULL;

    for (;;)
    {
        free(info);
        op_free(op);
        info = calloc(1, size);
        op = op_new("HttpReceiveClientCertificate");
        bytes = 0;
        ret = HttpReceiveClientCertificate(queue, c->req->ConnectionId, 0, info, size, &bytes, &op->ov);
        if (ret == ERROR_MORE_DATA)
        {
            size = bytes + info->CertEncodedSize;
            continue;
        }
        if (ret == ERROR_IO_PENDING)
        {
            WaitForSingleObject(op->event, INFINITE);
            ret = op->err;
            bytes = op->bytes;
            if (ret == ERROR_MORE_DATA)
            {
                /* IOCompleted: "Bytesreceived will only return the size of the initial cert structure" */
                size = bytes + info->CertEncodedSize;
                continue;
            }
        }
        else if (ret == NO_ERROR) op->stale = 1;
        break;
    }
    if (ret == NO_ERROR) describe_cert(info, text, text_size);
    else if (ret == ERROR_NOT_FOUND) snprintf(text, text_size, "none");
    else snprintf(text, text_size, "error %lu", failed("HttpReceiveClientCertificate", ret));
    free(info);
    op_free(op);
    return ret;
}

/* --- the application ---------------------------------------------------- */

/* What the application's delegate returns: 0, or an exception. */
enum outcome { DONE, THROWS, CANCELLED };

static enum outcome app_upload(struct context *c)
{
    char *buf = malloc(COPY_BUFFER_SIZE);
    ULONG err;
    LONG n;

    c->content_type = "application/octet-stream";
    while ((n = read_async(c, buf, COPY_BUFFER_SIZE, &err)) > 0) write_async(c, buf, n);
    free(buf);
    if (n < 0)
    {
        failed("HttpReceiveRequestEntityBody", err);
        return THROWS;
    }
    return DONE;
}

static enum outcome app_chunked(struct context *c)
{
    char piece[32];
    int i;

    c->content_type = "text/plain";
    for (i = 1; i <= 5; i++)
    {
        sprintf(piece, "piece %d of 5\n", i);
        write_async(c, piece, strlen(piece));
        Sleep(20);
    }
    return DONE;
}

static enum outcome app_slow(struct context *c)
{
    HANDLE aborted = token_for_connection(c->req->ConnectionId);

    if (WaitForSingleObject(aborted, 10000) == WAIT_OBJECT_0) return CANCELLED;
    respond(c, "text/plain", "slow: no disconnect\n", 20);
    return DONE;
}

static enum outcome app_cancel(struct context *c)
{
    c->content_type = "text/plain";
    write_async(c, "partial\n", 8);
    Sleep(100);
    return THROWS;
}

static enum outcome app_cert(struct context *c)
{
    char text[128], body[160];

    if (!c->req->pSslInfo) strcpy(text, "not https");
    else if (c->req->pSslInfo->SslClientCertNegotiated && c->req->pSslInfo->pClientCertInfo)
        describe_cert(c->req->pSslInfo->pClientCertInfo, text, sizeof(text));
    else load_client_certificate(c, text, sizeof(text));
    say("EVENT cert %s", text);
    snprintf(body, sizeof(body), "cert: %s\n", text);
    respond(c, "text/plain", body, strlen(body));
    return DONE;
}

static enum outcome application(struct context *c)
{
    static const char hello[] = "Hello from ASP.NET Core\n", missing[] = "not found\n";
    char path[2048], query[2048];

    split_url(c->req, path, sizeof(path), query, sizeof(query));
    if (!strcmp(path, "/"))
    {
        c->content_type = "text/plain";
        write_async(c, hello, sizeof(hello) - 1);
    }
    else if (!strcmp(path, "/echo")) respond(c, "text/plain", query, strlen(query));
    else if (!strcmp(path, "/upload")) return app_upload(c);
    else if (!strcmp(path, "/chunked")) return app_chunked(c);
    else if (!strcmp(path, "/slow")) return app_slow(c);
    else if (!strcmp(path, "/cancel")) return app_cancel(c);
    else if (!strcmp(path, "/cert")) return app_cert(c);
    else if (!strcmp(path, "/quit"))
    {
        respond(c, "text/plain", "bye\n", 4);
        SetEvent(quit_requested);
    }
    else
    {
        c->status = 404;
        c->reason = "Not Found";
        respond(c, "text/plain", missing, sizeof(missing) - 1);
    }
    return DONE;
}

/* RequestContext<TContext>.ExecuteAsync */
static DWORD WINAPI execute(void *arg)
{
    struct context c;
    enum outcome outcome;
    char path[64], query[8];

    context_init(&c, arg);
    if (stopping)
    {
        c.status = 503;
        c.reason = "Service Unavailable";
        c.content_length = 0;
        finish_response(&c);
        free(c.req);
        return 0;
    }
    InterlockedIncrement(&outstanding);
    split_url(c.req, path, sizeof(path), query, sizeof(query));
    outcome = application(&c);
    if (outcome != DONE)
    {
        if (c.started)
        {
            /* HTTP/2 and HTTP/3 would get a reset code first (HttpSetRequestProperty) */
            if (c.req->Version.MajorVersion >= 2 && supports_reset)
            {
                ULONG code = 2;
                set_request_property(queue, c.id, 5 /* HttpRequestPropertyStreamError */, &code, sizeof(code), NULL);
            }
            say("EVENT cancel %lu", context_abort(&c));
        }
        else
        {
            c.status = outcome == CANCELLED ? 499 : 500;
            c.reason = outcome == CANCELLED ? "Client Closed Request" : "Internal Server Error";
            c.content_length = 0;
            c.content_type = NULL;
            finish_response(&c);
            if (outcome == CANCELLED) say("EVENT disconnect %s status=%u", path, c.status);
        }
    }
    else finish_response(&c);
    InterlockedDecrement(&outstanding);
    free(c.req);
    return 0;
}

/* MessagePump.ProcessRequestsWorker */
static DWORD WINAPI accept_loop(void *arg)
{
    struct accept_context *a = calloc(1, sizeof(*a));

    a->op.done = accept_callback;
    a->op.ctx = a;
    a->op.what = "HttpReceiveHttpRequest";
    a->done = CreateEventW(NULL, FALSE, FALSE, NULL);
    while (!stopping)
    {
        ULONG ret;

        allocate_native_request(a, 0, 0);
        ret = queue_begin_get_context(a);
        if (ret == NO_ERROR || ret == ERROR_IO_PENDING)
        {
            WaitForSingleObject(a->done, INFINITE);
            ret = a->error;
        }
        if (ret)
        {
            if (!stopping) failed("HttpReceiveHttpRequest (accept)", ret);
            else break;
            Sleep(10);
            continue;
        }
        /* ValidateRequest: more than 1000 unknown headers get a 400 */
        run_thread(execute, a->result);
        a->result = NULL;
    }
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE loops[64];
    SYSTEM_INFO si;
    char url[64];
    int i, max_accepts;

    if (argc < 2)
    {
        fprintf(stderr, "usage: aspnetcore.exe HTTP_PORT [HTTPS_PORT [QUEUE_NAME]]\n");
        return 2;
    }
    pool_start();
    InitializeCriticalSection(&disconnect_lock);
    quit_requested = CreateEventW(NULL, TRUE, FALSE, NULL);
    snprintf(url, sizeof(url), "http://+:%s/", argv[1]);
    prefixes[prefix_count++] = widen(url);
    if (argc > 2 && atoi(argv[2]))
    {
        snprintf(url, sizeof(url), "https://+:%s/", argv[2]);
        prefixes[prefix_count++] = widen(url);
    }

    if (!init_http_api()) return 1;
    if (!create_listener(argc > 3 ? widen(argv[3]) : NULL)) return 1;
    if (!start_listener())
    {
        dispose_listener();
        return 1;
    }
    say("READY");

    GetSystemInfo(&si);
    max_accepts = 5 * si.dwNumberOfProcessors;
    if (max_accepts > 64) max_accepts = 64;
    for (i = 0; i < max_accepts; i++) loops[i] = CreateThread(NULL, 0, accept_loop, NULL, 0, NULL);

    WaitForSingleObject(quit_requested, INFINITE);
    /* MessagePump.StopAsync: no new requests, wait for those in flight, then dispose */
    InterlockedExchange(&stopping, 1);
    for (i = 0; i < 500 && outstanding; i++) Sleep(10);
    dispose_listener();
    WaitForMultipleObjects(max_accepts, loops, TRUE, 10000);
    pool_stop();
    say("STOPPED");
    return 0;
}

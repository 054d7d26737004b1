/*
 * httplistener.c - a small site served the way .NET's System.Net.HttpListener
 * drives the HTTP Server API on Windows (dotnet/runtime,
 * System.Net.HttpListener/src/System/Net/Windows): the same calls, in the
 * same order, with the same flags, buffer sizes and error handling.
 *
 *   HttpInitialize({2,0}, HTTP_INITIALIZE_SERVER)          Interop.HttpApi's static init
 *   HttpCreateServerSession, HttpCreateUrlGroup             SetupV2Config (on the first
 *   HttpSetUrlGroupProperty(Timeouts) per setter            TimeoutManager access)
 *   HttpCreateRequestQueue(unnamed), SetFileCompletion-     Start(): HttpListenerSession,
 *     NotificationModes(SKIP_PORT|SKIP_EVENT),              AttachRequestQueueToUrlGroup,
 *   HttpSetUrlGroupProperty(Binding), HttpAddUrlToUrlGroup  AddAllPrefixes (context 0)
 *   the queue bound to the thread pool's port               on the first BeginGetContext
 *   HttpReceiveHttpRequest(COPY_BODY, 4096 bytes, OVERLAPPED) ListenerAsyncResult, one at a time
 *   HttpReceiveRequestEntityBody(flags 1, <=128 KB)         HttpRequestStream (sync and async)
 *   HttpSendHttpResponse / HttpSendResponseEntityBody       HttpResponseStream: HttpListener
 *                                                           frames chunked bodies itself
 *   HttpWaitForDisconnect(OVERLAPPED)                       RegisterForDisconnectNotification
 *   HttpCancelHttpRequest                                   HttpListenerContext.Abort
 *   HttpReceiveClientCertificate(1500 bytes, sync)          GetClientCertificate()
 *   HttpRemoveUrlFromUrlGroup, Binding(Flags 0),            Close(): Stop + CleanupV2Config
 *   HttpCloseRequestQueue, HttpCloseUrlGroup,
 *   HttpCloseServerSession
 *
 * The application on top (what an HttpListener program would do):
 *   GET /            "Hello from HttpListener\n" (Content-Length)
 *   GET /echo?Q      Q
 *   POST /upload     the body, copied as it is read (request.InputStream.CopyToAsync;
 *                    with ?sync, CopyTo)
 *   GET /chunked     five pieces, each its own send (no Content-Length: chunked)
 *   GET /slow        waits up to 10 s for the client to go (EVENT disconnect)
 *   GET /cancel      starts a response, then aborts it (EVENT cancel)
 *   GET /cert        HTTPS: asks for the client certificate (EVENT cert)
 *   GET /quit        answers, then closes the listener (STOPPED)
 *
 * Usage: httplistener.exe HTTP_PORT [HTTPS_PORT]
 */
#include "replay.h"

#define RECEIVE_FLAG_COPY_BODY 1        /* the value HttpListener passes to both receive calls */
#define MAX_READ_SIZE 0x20000           /* "http.sys recommends we limit reads to 128k" */
#define INITIAL_REQUEST_SIZE 4096
#define CERT_BLOB_SIZE 1500
#define COPY_BUFFER_SIZE 81920          /* Stream.CopyToAsync's default */

static const HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
static HTTP_SERVER_SESSION_ID session;
static HTTP_URL_GROUP_ID group;
static HANDLE queue;
static BOOL bound;
static WCHAR *prefixes[2];
static int prefix_count;
static volatile LONG stopping;
static HANDLE stopped;
static USHORT timeouts[5];              /* EntityBody, DrainEntityBody, RequestQueue, IdleConnection, HeaderWait */

/* --- setup and teardown ------------------------------------------------------ */

/* HttpListenerTimeoutManager's setters: every call carries all five values. */
static void set_timeout(int which, USHORT seconds)
{
    HTTP_TIMEOUT_LIMIT_INFO info;
    ULONG ret;

    timeouts[which] = seconds;
    memset(&info, 0, sizeof(info));
    info.Flags.Present = 1;
    info.EntityBody = timeouts[0];
    info.DrainEntityBody = timeouts[1];
    info.RequestQueue = timeouts[2];
    info.IdleConnection = timeouts[3];
    info.HeaderWait = timeouts[4];
    info.MinSendRate = 0;
    if ((ret = HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &info, sizeof(info))))
        failed("HttpSetUrlGroupProperty(Timeouts)", ret);
}

static BOOL setup_v2_config(void)
{
    ULONG ret;

    if ((ret = HttpCreateServerSession(version, &session, 0))) return !failed("HttpCreateServerSession", ret);
    if ((ret = HttpCreateUrlGroup(session, &group, 0)))
    {
        failed("HttpCreateUrlGroup", ret);
        HttpCloseServerSession(session);
        return FALSE;
    }
    return TRUE;
}

static void set_binding(HANDLE handle)
{
    HTTP_BINDING_INFO info;
    ULONG ret;

    memset(&info, 0, sizeof(info));
    info.Flags.Present = handle ? 1 : 0;
    info.RequestQueueHandle = handle;
    if ((ret = HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &info, sizeof(info))))
        failed(handle ? "HttpSetUrlGroupProperty(Binding)" : "HttpSetUrlGroupProperty(Binding, detach)", ret);
}

static BOOL start(void)
{
    ULONG ret;
    int i;

    if ((ret = HttpCreateRequestQueue(version, NULL, NULL, 0, &queue))) return !failed("HttpCreateRequestQueue", ret);
    if (!SetFileCompletionNotificationModes(queue, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE))
        return !failed("SetFileCompletionNotificationModes", GetLastError());
    set_binding(queue);
    for (i = 0; i < prefix_count; i++)
    {
        if ((ret = HttpAddUrlToUrlGroup(group, prefixes[i], 0, 0)))
        {
            failed("HttpAddUrlToUrlGroup", ret);
            set_binding(NULL);      /* DetachRequestQueueFromUrlGroup, then Start closes all */
            HttpCloseRequestQueue(queue);
            HttpCloseUrlGroup(group);
            HttpCloseServerSession(session);
            return FALSE;
        }
    }
    return TRUE;
}

/* Close() = Stop() then CleanupV2Config().  The queue handle's SafeHandle is
 * disposed before CancelIoEx, so that CancelIoEx never reaches the API. */
static void close_listener(void)
{
    ULONG ret;
    int i;

    InterlockedExchange(&stopping, 1);
    for (i = 0; i < prefix_count; i++) HttpRemoveUrlFromUrlGroup(group, prefixes[i], 0);
    set_binding(NULL);
    if ((ret = HttpCloseRequestQueue(queue))) failed("HttpCloseRequestQueue", ret);
    if ((ret = HttpCloseUrlGroup(group))) failed("HttpCloseUrlGroup", ret);
    if ((ret = HttpCloseServerSession(session))) failed("HttpCloseServerSession", ret);
}

/* --- accepting: ListenerAsyncResult ---------------------------------------- */

struct accept
{
    struct op *op;              /* the native overlapped of the current buffer */
    HTTP_REQUEST *req;
    ULONG size;
    HANDLE done;
    ULONG error;                /* what EndGetContext sees */
    int more_data;              /* ERROR_MORE_DATA rounds, to stop a loop */
};

static void accept_io_completed(struct accept *a, ULONG err, ULONG bytes);

static void accept_callback(struct op *op, ULONG err, ULONG bytes)
{
    accept_io_completed(op->ctx, err, bytes);
}

/* AsyncRequestContext.Reset: a new buffer (the same size when bytes is 0)
 * and a new native overlapped; the old one is freed. */
static void accept_reset(struct accept *a, HTTP_REQUEST_ID id, ULONG size)
{
    ULONG new_size = size ? size : a->size;

    if (a->op) a->op->stale = 1;    /* kept, so that a late packet for it is seen, not a crash */
    a->op = op_new("HttpReceiveHttpRequest");
    a->op->done = accept_callback;
    a->op->ctx = a;
    free(a->req);
    a->req = calloc(1, new_size);
    a->size = new_size;
    a->req->RequestId = id;
}

static ULONG queue_begin_get_context(struct accept *a)
{
    ULONG ret;

    for (;;)
    {
        ULONG bytes = 0;

        ret = HttpReceiveHttpRequest(queue, a->req->RequestId, RECEIVE_FLAG_COPY_BODY, a->req, a->size, &bytes,
                                     &a->op->ov);
        if (ret == ERROR_INVALID_PARAMETER && a->req->RequestId)
        {
            /* "we might get this if somebody stole our RequestId" */
            a->req->RequestId = 0;
            continue;
        }
        if (ret == ERROR_MORE_DATA)
        {
            if (++a->more_data > 8)
            {
                /* HttpListener would go round for ever here */
                failed("HttpReceiveHttpRequest(ERROR_MORE_DATA again and again, bytes)", bytes);
                return ret;
            }
            accept_reset(a, a->req->RequestId, bytes);
            continue;
        }
        if (ret == NO_ERROR)
        {
            a->op->stale = 1;
            accept_io_completed(a, ret, bytes);
        }
        return ret;
    }
}

static void send_error(HTTP_REQUEST_ID id, USHORT status, const char *reason);

static void accept_io_completed(struct accept *a, ULONG err, ULONG bytes)
{
    if (err != NO_ERROR && err != ERROR_MORE_DATA)
    {
        a->error = err;
        SetEvent(a->done);
        return;
    }
    if (err == NO_ERROR)
    {
        /* ValidateRequest; anonymous authentication hands the request over */
        if (a->req->Headers.UnknownHeaderCount > 1000)
        {
            send_error(a->req->RequestId, 400, "Bad Request");
            accept_reset(a, 0, 0);
        }
        else
        {
            a->error = NO_ERROR;
            SetEvent(a->done);
            return;
        }
    }
    else accept_reset(a, a->req->RequestId, bytes);
    err = queue_begin_get_context(a);
    if (err != NO_ERROR && err != ERROR_IO_PENDING)
    {
        a->error = err;
        SetEvent(a->done);
    }
}

/* HttpListener.SendError: a status with Content-Length 0, synchronously. */
static void send_error(HTTP_REQUEST_ID id, USHORT status, const char *reason)
{
    HTTP_RESPONSE r;
    ULONG written = 0, ret;

    memset(&r, 0, sizeof(r));
    r.Version.MajorVersion = 1;
    r.Version.MinorVersion = 1;
    r.StatusCode = status;
    r.pReason = reason;
    r.ReasonLength = (USHORT)strlen(reason);
    r.Headers.KnownHeaders[HttpHeaderContentLength].pRawValue = "0";
    r.Headers.KnownHeaders[HttpHeaderContentLength].RawValueLength = 1;
    ret = HttpSendHttpResponse(queue, id, 0, &r, NULL, &written, NULL, 0, NULL, NULL);
    if (ret)
    {
        failed("HttpSendHttpResponse(error)", ret);
        HttpCancelHttpRequest(queue, id, NULL);
    }
}

/* --- one request: HttpListenerContext, -Request, -Response and the streams --- */

enum boundary { BOUNDARY_NONE, BOUNDARY_LENGTH, BOUNDARY_CHUNKED };

struct context
{
    HTTP_REQUEST *req;
    HTTP_REQUEST_ID id;
    /* HttpRequestStream */
    int chunk_index;
    ULONG chunk_offset;
    BOOL in_closed;
    /* HttpListenerResponse and HttpResponseStream */
    USHORT status;
    const char *reason;
    const char *content_type;
    LONGLONG content_length;    /* -1: not set */
    enum boundary boundary;
    BOOL keep_alive;
    BOOL computed, sent_headers, out_closed;
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
    c->keep_alive = TRUE;
    c->left_to_write = LLONG_MIN;
}

static BOOL has_entity_body(const struct context *c)
{
    USHORT len;
    const char *te = known_header(c->req, HttpHeaderTransferEncoding, &len);

    if (te && len == 7 && !_strnicmp(te, "chunked", 7)) return TRUE;
    return content_length(c->req) > 0;
}

/* ForceCancelRequest */
static ULONG context_abort(struct context *c)
{
    ULONG ret = HttpCancelHttpRequest(queue, c->id, NULL);

    if (ret == ERROR_CONNECTION_INVALID && c->last_write) CancelIoEx(queue, &c->last_write->ov);
    c->out_closed = TRUE;
    return ret;
}

/* HttpListenerResponse.ComputeHeaders */
static ULONG compute_headers(struct context *c)
{
    ULONG flags = 0;

    c->computed = TRUE;
    if (c->content_length >= 0) c->boundary = BOUNDARY_LENGTH;
    else if (c->req->Version.MinorVersion == 0) c->keep_alive = FALSE;
    else c->boundary = BOUNDARY_CHUNKED;
    if (c->boundary == BOUNDARY_LENGTH)
        _i64toa(c->content_length, c->length_text, 10);
    if (!c->keep_alive && !flags) flags = HTTP_SEND_RESPONSE_FLAG_DISCONNECT;
    return flags;
}

static ULONG compute_left_to_write(struct context *c)
{
    ULONG flags = 0;

    if (!c->computed) flags = compute_headers(c);
    if (c->left_to_write == LLONG_MIN)
        c->left_to_write = c->req->Verb != HttpVerbHEAD ? c->content_length : 0;
    return flags;
}

static void set_header(HTTP_RESPONSE *r, HTTP_HEADER_ID id, const char *value)
{
    r->Headers.KnownHeaders[id].pRawValue = value;
    r->Headers.KnownHeaders[id].RawValueLength = (USHORT)strlen(value);
}

/* HttpListenerResponse.SendHeaders */
static ULONG send_headers(struct context *c, HTTP_DATA_CHUNK *chunks, USHORT count, ULONG flags, struct op *op)
{
    HTTP_RESPONSE r;
    ULONG sent = 0, ret;

    memset(&r, 0, sizeof(r));
    r.Version.MajorVersion = 1;
    r.Version.MinorVersion = 1;
    r.StatusCode = c->status;
    r.pReason = c->reason;
    r.ReasonLength = (USHORT)strlen(c->reason);
    if (c->content_type) set_header(&r, HttpHeaderContentType, c->content_type);
    if (c->boundary == BOUNDARY_LENGTH) set_header(&r, HttpHeaderContentLength, c->length_text);
    if (c->boundary == BOUNDARY_CHUNKED) set_header(&r, HttpHeaderTransferEncoding, "chunked");
    if (!c->keep_alive) set_header(&r, HttpHeaderConnection, "close");
    else if (c->req->Version.MinorVersion == 0) set_header(&r, HttpHeaderKeepAlive, "true");
    r.EntityChunkCount = count;
    r.pEntityChunks = chunks;
    c->sent_headers = TRUE;
    if (op) op_reset(op);
    ret = HttpSendHttpResponse(queue, c->id, flags, &r, NULL, &sent, NULL, 0, op ? &op->ov : NULL, NULL);
    if (op && ret == NO_ERROR) op->bytes = sent;
    return ret;
}

static void update_after_write(struct context *c, ULONG written)
{
    if (c->left_to_write > 0) c->left_to_write -= written;
    if (!c->left_to_write) c->out_closed = TRUE;
}

/* HttpResponseStream.Write (WriteCore) */
static ULONG write_sync(struct context *c, const char *data, ULONG size)
{
    HTTP_DATA_CHUNK chunk;
    char *framed = NULL;
    ULONG flags = compute_left_to_write(c), to_write = size, ret;

    if (!size && c->left_to_write) return NO_ERROR;
    if (c->out_closed) return ERROR_INVALID_PARAMETER;  /* ObjectDisposedException in .NET */
    if (c->boundary == BOUNDARY_CHUNKED)
    {
        int head;
        framed = malloc(size + 16);
        head = sprintf(framed, "%lx\r\n", size);
        memcpy(framed + head, data, size);
        memcpy(framed + head + size, "\r\n", 2);
        to_write = head + size + 2;
        data = framed;
    }
    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)data;
    chunk.FromMemory.BufferLength = to_write;
    flags |= c->left_to_write == size ? 0 : HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
    if (!c->sent_headers) ret = send_headers(c, &chunk, 1, flags, NULL);
    else ret = HttpSendResponseEntityBody(queue, c->id, flags, 1, &chunk, NULL, NULL, 0, NULL, NULL);
    free(framed);
    if (ret && ret != ERROR_HANDLE_EOF)
    {
        context_abort(c);   /* _closed = true; _httpContext.Abort(); throw */
        return ret;
    }
    update_after_write(c, to_write);
    return NO_ERROR;
}

/* HttpResponseStream.BeginWrite/EndWrite (HttpResponseStreamAsyncResult) */
static ULONG write_async(struct context *c, const char *data, ULONG size)
{
    HTTP_DATA_CHUNK chunks[3];
    char head[16];
    USHORT count = 0;
    ULONG flags = compute_left_to_write(c), ret, bytes;
    struct op *op;

    if (c->out_closed || (!size && c->left_to_write)) return NO_ERROR;
    flags |= c->left_to_write == size ? 0 : HTTP_SEND_RESPONSE_FLAG_MORE_DATA;
    memset(chunks, 0, sizeof(chunks));
    if (size)
    {
        if (c->boundary == BOUNDARY_CHUNKED)
        {
            chunks[count].FromMemory.pBuffer = head;
            chunks[count++].FromMemory.BufferLength = sprintf(head, "%lx\r\n", size);
        }
        chunks[count].FromMemory.pBuffer = (void *)data;
        chunks[count++].FromMemory.BufferLength = size;
        if (c->boundary == BOUNDARY_CHUNKED)
        {
            chunks[count].FromMemory.pBuffer = (void *)"\r\n";
            chunks[count++].FromMemory.BufferLength = 2;
        }
    }
    op = op_new("HttpSendHttpResponse/HttpSendResponseEntityBody");
    update_after_write(c, c->boundary == BOUNDARY_CHUNKED ? 0 : size);
    if (!c->sent_headers) ret = send_headers(c, count ? chunks : NULL, count, flags, op);
    else
    {
        bytes = 0;
        ret = HttpSendResponseEntityBody(queue, c->id, flags, count, count ? chunks : NULL, &bytes, NULL, 0, &op->ov, NULL);
        if (!ret) op->bytes = bytes;
    }
    if (!(flags & HTTP_SEND_RESPONSE_FLAG_MORE_DATA)) c->last_write = op;
    if (ret == NO_ERROR) op->stale = 1;
    ret = await_op(op, ret, op->bytes, &bytes);
    if (c->last_write == op) c->last_write = NULL;
    op_free(op);
    if (ret)
    {
        c->out_closed = TRUE;
        context_abort(c);
    }
    return ret;
}

/* HttpResponseStream.Close (DisposeCore) */
static ULONG close_output(struct context *c)
{
    static const char terminator[] = "0\r\n\r\n";
    HTTP_DATA_CHUNK chunk;
    ULONG flags = compute_left_to_write(c), ret = NO_ERROR;

    if (c->left_to_write > 0) return ERROR_INVALID_PARAMETER;  /* net_io_notenoughbyteswritten */
    if (c->sent_headers && !c->left_to_write) return NO_ERROR;
    if ((c->boundary == BOUNDARY_CHUNKED || c->boundary == BOUNDARY_NONE) && c->req->Verb != HttpVerbHEAD)
    {
        if (c->boundary == BOUNDARY_NONE) flags |= HTTP_SEND_RESPONSE_FLAG_DISCONNECT;
        memset(&chunk, 0, sizeof(chunk));
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = (void *)terminator;
        chunk.FromMemory.BufferLength = sizeof(terminator) - 1;
        if (!c->sent_headers)
            ret = send_headers(c, c->boundary == BOUNDARY_CHUNKED ? &chunk : NULL, c->boundary == BOUNDARY_CHUNKED,
                               flags, NULL);
        else
            ret = HttpSendResponseEntityBody(queue, c->id, flags, c->boundary == BOUNDARY_CHUNKED,
                                             c->boundary == BOUNDARY_CHUNKED ? &chunk : NULL, NULL, NULL, 0, NULL, NULL);
    }
    else if (!c->sent_headers) ret = send_headers(c, NULL, 0, flags, NULL);
    if (ret && ret != ERROR_HANDLE_EOF)
    {
        context_abort(c);
        return ret;
    }
    c->left_to_write = 0;
    c->out_closed = TRUE;
    return NO_ERROR;
}

/* Response.Close(bytes, willBlock: true): Content-Length, one write, close. */
static ULONG respond(struct context *c, const char *type, const char *body, ULONG len)
{
    ULONG ret;

    c->content_type = type;
    c->content_length = len;
    if ((ret = write_sync(c, body, len))) return ret;
    return close_output(c);
}

/* HttpRequestStream.Read (ReadCore) */
static LONG read_sync(struct context *c, char *buf, ULONG size, ULONG *error)
{
    ULONG got = 0, extra = 0, ret;

    *error = NO_ERROR;
    if (c->in_closed) return 0;
    if (c->chunk_index != -1) got = get_chunks(c->req, &c->chunk_index, &c->chunk_offset, buf, size);
    if (c->chunk_index == -1 && got < size)
    {
        ULONG n = size - got > MAX_READ_SIZE ? MAX_READ_SIZE : size - got;
        ret = HttpReceiveRequestEntityBody(queue, c->id, RECEIVE_FLAG_COPY_BODY, buf + got, n, &extra, NULL);
        got += extra;
        if (ret && ret != ERROR_HANDLE_EOF)
        {
            *error = ret;
            return -1;
        }
        if (ret == ERROR_HANDLE_EOF || !got) c->in_closed = TRUE;
    }
    return got;
}

/* HttpRequestStream.BeginRead/EndRead */
static LONG read_async(struct context *c, char *buf, ULONG size, ULONG *error)
{
    ULONG got = 0, bytes = 0, ret;
    struct op *op;

    *error = NO_ERROR;
    if (!size || c->in_closed) return 0;
    if (c->chunk_index != -1)
    {
        got = get_chunks(c->req, &c->chunk_index, &c->chunk_offset, buf, size);
        if (c->chunk_index != -1 && got == size) return got;
    }
    if (c->chunk_index == -1 && got < size)
    {
        ULONG n = size - got > MAX_READ_SIZE ? MAX_READ_SIZE : size - got;
        op = op_new("HttpReceiveRequestEntityBody");
        ret = HttpReceiveRequestEntityBody(queue, c->id, RECEIVE_FLAG_COPY_BODY, buf + got, n, &bytes, &op->ov);
        if (ret != NO_ERROR && ret != ERROR_IO_PENDING)
        {
            op_free(op);
            if (ret != ERROR_HANDLE_EOF)
            {
                *error = ret;
                return -1;
            }
            c->in_closed = TRUE;    /* a new result with what was read, and EndRead sees EOF */
            return got;
        }
        if (ret == NO_ERROR) op->stale = 1;
        ret = await_op(op, ret, bytes, &bytes);
        op_free(op);
        if (ret && ret != ERROR_HANDLE_EOF)
        {
            *error = ret;
            return -1;
        }
        if (ret == ERROR_HANDLE_EOF || !bytes) c->in_closed = TRUE;
        got += bytes;
    }
    return got;
}

/* --- the application ---------------------------------------------------- */

/* request.InputStream.CopyToAsync(response.OutputStream), or CopyTo with
 * ?sync: the response has the request's Content-Length, or is chunked. */
static void handle_upload(struct context *c, BOOL sync)
{
    char *buf = malloc(COPY_BUFFER_SIZE);
    ULONG err = NO_ERROR;
    LONGLONG length = content_length(c->req);
    LONG n;

    c->content_type = "application/octet-stream";
    if (length >= 0) c->content_length = length;
    if (has_entity_body(c))
    {
        /* With a length, no read follows the write that ends the response:
         * the request id is spent by then (a read would fail with
         * ERROR_CONNECTION_INVALID), so the copy stops at the length. */
        for (;;)
        {
            n = sync ? read_sync(c, buf, COPY_BUFFER_SIZE, &err) : read_async(c, buf, COPY_BUFFER_SIZE, &err);
            if (n <= 0) break;
            if ((err = sync ? write_sync(c, buf, n) : write_async(c, buf, n))) break;
            if (c->out_closed) break;
        }
        if (n < 0) failed("HttpReceiveRequestEntityBody", err);
        if (n < 0 && !c->out_closed) context_abort(c);
    }
    if (!err && !c->out_closed && (err = close_output(c))) failed("upload: closing the response", err);
    free(buf);
}

static void handle_chunked(struct context *c)
{
    char piece[32];
    ULONG ret;
    int i;

    c->content_type = "text/plain";
    for (i = 1; i <= 5; i++)
    {
        sprintf(piece, "piece %d of 5\n", i);
        if ((ret = write_sync(c, piece, strlen(piece)))) return (void)failed("chunked: HttpSend*", ret);
        Sleep(20);
    }
    if ((ret = close_output(c))) failed("chunked: the last chunk", ret);
}

static void free_on_completion(struct op *op, ULONG err, ULONG bytes)
{
    op_free(op);
}

/* RegisterForDisconnectNotification: HttpWaitForDisconnect on the thread
 * pool's port; a synchronous success is the disconnect already. */
static void handle_slow(struct context *c)
{
    struct op *op = op_new("HttpWaitForDisconnect");
    ULONG ret, write_ret;

    ret = HttpWaitForDisconnect(queue, c->req->ConnectionId, &op->ov);
    if (ret != NO_ERROR && ret != ERROR_IO_PENDING)
    {
        op_free(op);
        say("EVENT disconnect-registration-failed %lu", ret);
        return;
    }
    if (ret == NO_ERROR) op->stale = 1;
    if (ret == NO_ERROR || WaitForSingleObject(op->event, 10000) == WAIT_OBJECT_0)
    {
        ULONG err = ret == NO_ERROR ? NO_ERROR : op->err;
        op_free(op);
        /* the application's write now fails, and HttpListener aborts the request */
        c->content_type = "text/plain";
        write_ret = write_sync(c, "too late\n", 9);
        say("EVENT disconnect /slow error=%lu write=%lu", err, write_ret);
        return;
    }
    op->done = free_on_completion;
    respond(c, "text/plain", "slow: no disconnect\n", 20);
}

static void handle_cancel(struct context *c)
{
    ULONG ret;

    c->content_type = "text/plain";
    if ((ret = write_sync(c, "partial\n", 8))) failed("cancel: the first piece", ret);
    Sleep(100);
    /* response.Abort() */
    ret = context_abort(c);
    say("EVENT cancel %lu", ret);
}

/* HttpListenerRequest.GetClientCertificate() */
static void handle_cert(struct context *c)
{
    ULONG size = CERT_BLOB_SIZE, ret, bytes;
    HTTP_SSL_CLIENT_CERT_INFO *info = NULL;
    char text[128], body[160];

    if (!c->req->pSslInfo)
    {
        respond(c, "text/plain", "cert: not https\n", 16);
        return;
    }
    for (;;)
    {
        free(info);
        info = calloc(1, size);
        bytes = 0;
        ret = HttpReceiveClientCertificate(queue, c->req->ConnectionId, 0, info, size, &bytes, NULL);
        if (ret == ERROR_MORE_DATA)
        {
            size = bytes + info->CertEncodedSize;
            continue;
        }
        break;
    }
    if (ret == NO_ERROR) describe_cert(info, text, sizeof(text));
    else if (ret == ERROR_NOT_FOUND) strcpy(text, "none");
    else sprintf(text, "error %lu", failed("HttpReceiveClientCertificate", ret));
    free(info);
    say("EVENT cert %s", text);
    snprintf(body, sizeof(body), "cert: %s\n", text);
    respond(c, "text/plain", body, strlen(body));
}

static DWORD WINAPI handle_request(void *arg)
{
    HTTP_REQUEST *req = arg;
    struct context c;
    char path[2048], query[2048];
    static const char hello[] = "Hello from HttpListener\n", missing[] = "not found\n";

    context_init(&c, req);
    split_url(req, path, sizeof(path), query, sizeof(query));
    if (!strcmp(path, "/")) respond(&c, "text/plain", hello, sizeof(hello) - 1);
    else if (!strcmp(path, "/echo")) respond(&c, "text/plain", query, strlen(query));
    else if (!strcmp(path, "/upload")) handle_upload(&c, !strcmp(query, "sync"));
    else if (!strcmp(path, "/chunked")) handle_chunked(&c);
    else if (!strcmp(path, "/slow")) handle_slow(&c);
    else if (!strcmp(path, "/cancel")) handle_cancel(&c);
    else if (!strcmp(path, "/cert")) handle_cert(&c);
    else if (!strcmp(path, "/quit"))
    {
        respond(&c, "text/plain", "bye\n", 4);
        close_listener();
        SetEvent(stopped);
    }
    else
    {
        c.status = 404;
        c.reason = "Not Found";
        respond(&c, "text/plain", missing, sizeof(missing) - 1);
    }
    free(req);
    return 0;
}

int main(int argc, char **argv)
{
    char url[64];
    ULONG ret;

    if (argc < 2)
    {
        fprintf(stderr, "usage: httplistener.exe HTTP_PORT [HTTPS_PORT]\n");
        return 2;
    }
    pool_start();
    stopped = CreateEventW(NULL, TRUE, FALSE, NULL);
    snprintf(url, sizeof(url), "http://+:%s/", argv[1]);
    prefixes[prefix_count++] = widen(url);
    if (argc > 2 && atoi(argv[2]))
    {
        snprintf(url, sizeof(url), "https://+:%s/", argv[2]);
        prefixes[prefix_count++] = widen(url);
    }

    /* new HttpListener(): HttpApi's static constructor */
    if ((ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL))) return failed("HttpInitialize", ret);
    /* listener.TimeoutManager.EntityBody = 30 s; .IdleConnection = 60 s */
    if (!setup_v2_config()) return 1;
    set_timeout(0, 30);
    set_timeout(3, 60);
    if (!start()) return 1;
    say("READY");

    /* while (true) { var context = await listener.GetContextAsync(); Task.Run(...) } */
    for (;;)
    {
        struct accept *a = calloc(1, sizeof(*a));

        if (!bound) bound = pool_bind(queue);   /* RequestQueueBoundHandle, on first use */
        a->done = CreateEventW(NULL, FALSE, FALSE, NULL);
        a->size = INITIAL_REQUEST_SIZE;
        accept_reset(a, 0, INITIAL_REQUEST_SIZE);
        ret = queue_begin_get_context(a);
        if (ret == NO_ERROR || ret == ERROR_IO_PENDING)
        {
            WaitForSingleObject(a->done, INFINITE);
            ret = a->error;
        }
        if (ret)
        {
            /* HttpListenerException: after Close() the receive ends with ERROR_OPERATION_ABORTED */
            if (!stopping) failed("HttpReceiveHttpRequest", ret);
            break;
        }
        run_thread(handle_request, a->req);
        a->req = NULL;
        a->op->stale = 1;
        CloseHandle(a->done);
        free(a);
    }
    if (!stopping) close_listener();
    WaitForSingleObject(stopped, 5000);
    pool_stop();
    say("STOPPED");
    return 0;
}

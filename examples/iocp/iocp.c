/*
 * iocp.c - an HTTP Server API 2.0 server driven by an I/O completion port, the way ASP.NET
 * Core's HttpSys server drives the API.
 *
 * A server session, a URL group holding the URL prefixes, and a request queue bound to the
 * group.  The queue is attached to a completion port with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS:
 * an OVERLAPPED call that succeeds at once then queues no completion, and the caller carries on
 * with the result itself.  Each worker thread waits on the port; every thread keeps several
 * receives outstanding, answers each request with "Hello, World!" (HttpSendHttpResponse,
 * OVERLAPPED too) and posts the receive again.
 *
 * Usage: iocp.exe [-t THREADS] [-r RECEIVES] URL...
 *        (default: 2 threads, 8 receives outstanding per thread, http://+:8080/)
 *
 * A receive waiting in the driver takes the next request through it; one posted while requests
 * are queued completes at once.  Fewer outstanding receives (-r) let more of them complete at
 * once under load; more keep every thread busy when requests come one by one.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -D_WIN32_WINNT=0x0A00 -o iocp.exe iocp.c -lhttpapi
 *
 * Registering a URL other than http://localhost:... may need administrator rights or a URL
 * reservation (netsh http add urlacl) on Windows.
 */

#include <winsock2.h>
#include <windows.h>
#include <http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HTTP_URL_FLAG_REMOVE_ALL
#define HTTP_URL_FLAG_REMOVE_ALL 0x1    /* http.h has it; MinGW's copy does not */
#endif

#define DEFAULT_THREADS     2
#define MAX_THREADS         64
#define RECEIVES_PER_THREAD 8       /* the default; ASP.NET keeps 5 per processor */
#define MAX_RECEIVES        64
#define REQUEST_BUFFER_SIZE 16384   /* the size the documentation recommends with authentication */

static const char hello_body[] = "Hello, World!";

static HANDLE request_queue, completion_port, all_done;
static volatile LONG stopping, live_contexts;

/* One outstanding operation: a receive, then the response to what it received, then the
 * next receive, and so on. */
struct io_context
{
    OVERLAPPED overlapped;          /* the completion port hands this back */
    enum { OP_RECEIVE, OP_SEND } op;
    HTTP_REQUEST_ID request_id;     /* HTTP_NULL_ID, or a request to read again after ERROR_MORE_DATA */
    HTTP_REQUEST *request;
    ULONG size;
    HTTP_RESPONSE response;         /* must stay valid until the send completes */
    HTTP_DATA_CHUNK chunk;
};

/* Ctrl-C: stop.  HttpShutdownRequestQueue ends every pending receive with
 * ERROR_OPERATION_ABORTED, and the contexts retire one by one. */
static BOOL WINAPI console_handler(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT && type != CTRL_CLOSE_EVENT) return FALSE;
    InterlockedExchange(&stopping, 1);
    HttpShutdownRequestQueue(request_queue);
    return TRUE;
}

static void retire(struct io_context *ctx)
{
    free(ctx->request);
    free(ctx);
    if (!InterlockedDecrement(&live_contexts)) SetEvent(all_done);
}

/* Reads the request body, if any, and throws it away: the connection can only carry the next
 * request once this one's body has been consumed.  Synchronous for simplicity: the library
 * waits on an event of its own, so no completion reaches the port. */
static void discard_body(HTTP_REQUEST *request)
{
    char buffer[4096];
    ULONG bytes, ret;

    if (!(request->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS)) return;
    do
    {
        ret = HttpReceiveRequestEntityBody(request_queue, request->RequestId, 0, buffer, sizeof(buffer),
                                           &bytes, NULL);
    } while (ret == NO_ERROR);
}

/* Sends the answer; FALSE if it is pending (its completion comes through the port). */
static BOOL answer(struct io_context *ctx)
{
    HTTP_RESPONSE *response = &ctx->response;
    ULONG ret;

    discard_body(ctx->request);
    memset(response, 0, sizeof(*response));
    response->StatusCode = 200;
    response->pReason = "OK";
    response->ReasonLength = 2;
    response->Headers.KnownHeaders[HttpHeaderContentType].pRawValue = "text/plain";
    response->Headers.KnownHeaders[HttpHeaderContentType].RawValueLength = 10;
    if (ctx->request->Verb == HttpVerbHEAD)
    {
        /* A HEAD response carries the length of the body it does not send. */
        response->Headers.KnownHeaders[HttpHeaderContentLength].pRawValue = "13";
        response->Headers.KnownHeaders[HttpHeaderContentLength].RawValueLength = 2;
    }
    else
    {
        /* http.sys adds Content-Length (and Date and Server) itself. */
        ctx->chunk.DataChunkType = HttpDataChunkFromMemory;
        ctx->chunk.FromMemory.pBuffer = (void *)hello_body;
        ctx->chunk.FromMemory.BufferLength = sizeof(hello_body) - 1;
        response->EntityChunkCount = 1;
        response->pEntityChunks = &ctx->chunk;
    }

    ctx->op = OP_SEND;
    memset(&ctx->overlapped, 0, sizeof(ctx->overlapped));
    ret = HttpSendHttpResponse(request_queue, ctx->request->RequestId, 0, response, NULL, NULL, NULL, 0,
                               &ctx->overlapped, NULL);
    /* NO_ERROR: done, and no completion follows (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS).
     * An error other than ERROR_IO_PENDING: nothing was queued either; typically
     * ERROR_CONNECTION_INVALID, the client left.  Either way the next receive is ours to post. */
    return ret != ERROR_IO_PENDING;
}

/* What to do with a receive that ended in error; FALSE if the context retired. */
static BOOL receive_failed(struct io_context *ctx, ULONG error, ULONG bytes)
{
    if (error == ERROR_MORE_DATA)
    {
        /* The headers did not fit: the request is reserved for us under its id, and bytes says
         * how much room it needs. */
        HTTP_REQUEST *bigger = malloc(bytes);
        if (bigger)
        {
            ctx->request_id = ctx->request->RequestId;
            free(ctx->request);
            ctx->request = bigger;
            ctx->size = bytes;
            return TRUE;
        }
        /* nothing we can do for this one; it is dropped when its connection goes */
        ctx->request_id = HTTP_NULL_ID;
        return TRUE;
    }
    if (error == ERROR_CONNECTION_INVALID && ctx->request_id != HTTP_NULL_ID)
    {
        /* the client of the request we were reading again has gone */
        ctx->request_id = HTTP_NULL_ID;
        return TRUE;
    }
    if (stopping || error == ERROR_INVALID_HANDLE)
    {
        retire(ctx);
        return FALSE;
    }
    fprintf(stderr, "HttpReceiveHttpRequest failed: %lu\n", error);
    ctx->request_id = HTTP_NULL_ID;
    Sleep(10);  /* do not spin on an error that repeats */
    return TRUE;
}

/* After a large request, back to the normal buffer size. */
static void shrink(struct io_context *ctx)
{
    HTTP_REQUEST *normal;

    if (ctx->request_id != HTTP_NULL_ID || ctx->size == REQUEST_BUFFER_SIZE) return;
    if (!(normal = malloc(REQUEST_BUFFER_SIZE))) return;
    free(ctx->request);
    ctx->request = normal;
    ctx->size = REQUEST_BUFFER_SIZE;
}

/* Posts receives until one is pending: every one that completes at once is answered here, and
 * while answers complete at once too this thread keeps serving without the port. */
static void receive(struct io_context *ctx)
{
    ULONG ret, bytes;

    for (;;)
    {
        shrink(ctx);
        ctx->op = OP_RECEIVE;
        memset(&ctx->overlapped, 0, sizeof(ctx->overlapped));
        ret = HttpReceiveHttpRequest(request_queue, ctx->request_id, 0, ctx->request, ctx->size, NULL,
                                     &ctx->overlapped);
        if (ret == ERROR_IO_PENDING) return;
        /* ERROR_MORE_DATA is a warning, not a failure: its completion is queued like a pending one's */
        if (ret == ERROR_MORE_DATA) return;
        if (ret == NO_ERROR)
        {
            ctx->request_id = HTTP_NULL_ID;
            if (!answer(ctx)) return;
            continue;
        }
        bytes = (ULONG)ctx->overlapped.InternalHigh;
        if (!receive_failed(ctx, ret, bytes)) return;
    }
}

static DWORD WINAPI worker(void *arg)
{
    OVERLAPPED *overlapped;
    ULONG_PTR key;
    DWORD bytes;

    (void)arg;
    for (;;)
    {
        struct io_context *ctx;
        ULONG error = NO_ERROR;

        if (!GetQueuedCompletionStatus(completion_port, &bytes, &key, &overlapped, INFINITE))
            error = GetLastError();
        if (!overlapped) break;     /* the quit packet, or the port is gone */
        ctx = CONTAINING_RECORD(overlapped, struct io_context, overlapped);

        if (ctx->op == OP_SEND)
        {
            /* sent or not (the client may have left), the next receive follows */
            receive(ctx);
        }
        else if (error == NO_ERROR)
        {
            ctx->request_id = HTTP_NULL_ID;
            if (answer(ctx)) receive(ctx);
        }
        else if (receive_failed(ctx, error, bytes))
        {
            receive(ctx);
        }
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: iocp.exe [-t THREADS] [-r RECEIVES] URL...\n"
                    "  default: %d threads, %d receives outstanding per thread, http://+:8080/\n",
            DEFAULT_THREADS, RECEIVES_PER_THREAD);
}

int main(int argc, char **argv)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_2;
    HTTP_SERVER_SESSION_ID session = HTTP_NULL_ID;
    HTTP_URL_GROUP_ID group = HTTP_NULL_ID;
    HTTP_BINDING_INFO binding;
    HANDLE threads[MAX_THREADS];
    WCHAR *urls[64];
    int url_count = 0, thread_count = DEFAULT_THREADS, receives = RECEIVES_PER_THREAD, i;
    ULONG ret;

    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "-t") && i + 1 < argc)
        {
            thread_count = atoi(argv[++i]);
            if (thread_count < 1 || thread_count > MAX_THREADS)
            {
                fprintf(stderr, "the thread count must be between 1 and %d\n", MAX_THREADS);
                return 1;
            }
        }
        else if (!strcmp(argv[i], "-r") && i + 1 < argc)
        {
            receives = atoi(argv[++i]);
            if (receives < 1 || receives > MAX_RECEIVES)
            {
                fprintf(stderr, "the receive count must be between 1 and %d\n", MAX_RECEIVES);
                return 1;
            }
        }
        else if (argv[i][0] == '-')
        {
            usage();
            return 1;
        }
        else if (url_count < (int)(sizeof(urls) / sizeof(urls[0])))
        {
            int len = MultiByteToWideChar(CP_ACP, 0, argv[i], -1, NULL, 0);
            urls[url_count] = malloc(len * sizeof(WCHAR));
            MultiByteToWideChar(CP_ACP, 0, argv[i], -1, urls[url_count], len);
            url_count++;
        }
    }
    if (!url_count) urls[url_count++] = (WCHAR *)L"http://+:8080/";

    if ((ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL)))
    {
        fprintf(stderr, "HttpInitialize failed: %lu\n", ret);
        return 1;
    }
    /* The 2.0 setup: session, URL group, request queue, the group bound to the queue. */
    if ((ret = HttpCreateServerSession(version, &session, 0)))
    {
        fprintf(stderr, "HttpCreateServerSession failed: %lu\n", ret);
        goto done;
    }
    if ((ret = HttpCreateUrlGroup(session, &group, 0)))
    {
        fprintf(stderr, "HttpCreateUrlGroup failed: %lu\n", ret);
        goto done;
    }
    if ((ret = HttpCreateRequestQueue(version, NULL, NULL, 0, &request_queue)))
    {
        fprintf(stderr, "HttpCreateRequestQueue failed: %lu\n", ret);
        goto done;
    }
    if (!(completion_port = CreateIoCompletionPort(request_queue, NULL, 0, thread_count)))
    {
        ret = GetLastError();
        fprintf(stderr, "CreateIoCompletionPort failed: %lu\n", ret);
        goto done;
    }
    if (!SetFileCompletionNotificationModes(request_queue,
                                            FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE))
    {
        ret = GetLastError();
        fprintf(stderr, "SetFileCompletionNotificationModes failed: %lu\n", ret);
        goto done;
    }
    memset(&binding, 0, sizeof(binding));
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = request_queue;
    if ((ret = HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding))))
    {
        fprintf(stderr, "binding the URL group to the queue failed: %lu\n", ret);
        goto done;
    }
    for (i = 0; i < url_count; i++)
    {
        /* the context (here the URL's index) comes back in every request's UrlContext */
        if ((ret = HttpAddUrlToUrlGroup(group, urls[i], i, 0)))
        {
            /* 87: malformed prefix (it must end with '/'); 183: already registered;
             * 5: no permission (see netsh http add urlacl). */
            fprintf(stderr, "HttpAddUrlToUrlGroup(%ls) failed: %lu\n", urls[i], ret);
            goto done;
        }
        printf("Serving %ls\n", urls[i]);
    }

    all_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < thread_count * receives; i++)
    {
        struct io_context *ctx = calloc(1, sizeof(*ctx));

        if (!ctx || !(ctx->request = malloc(REQUEST_BUFFER_SIZE)))
        {
            fprintf(stderr, "out of memory\n");
            free(ctx);
            break;
        }
        ctx->size = REQUEST_BUFFER_SIZE;
        InterlockedIncrement(&live_contexts);
        receive(ctx);
    }
    printf("%d worker threads, %d receives outstanding each. Press Ctrl-C to stop.\n", thread_count, receives);
    fflush(stdout);

    SetConsoleCtrlHandler(console_handler, TRUE);
    for (i = 0; i < thread_count; i++)
    {
        if (!(threads[i] = CreateThread(NULL, 0, worker, NULL, 0, NULL)))
        {
            fprintf(stderr, "CreateThread failed: %lu\n", GetLastError());
            return 1;
        }
    }

    /* Every context retires once the queue is shut down; then the workers are told to go. */
    WaitForSingleObject(all_done, INFINITE);
    for (i = 0; i < thread_count; i++) PostQueuedCompletionStatus(completion_port, 0, 0, NULL);
    WaitForMultipleObjects(thread_count, threads, TRUE, INFINITE);
    for (i = 0; i < thread_count; i++) CloseHandle(threads[i]);
    ret = NO_ERROR;
    printf("Stopped.\n");

done:
    if (group) HttpRemoveUrlFromUrlGroup(group, NULL, HTTP_URL_FLAG_REMOVE_ALL);
    if (request_queue) HttpCloseRequestQueue(request_queue);
    if (group) HttpCloseUrlGroup(group);
    if (session) HttpCloseServerSession(session);
    if (completion_port) CloseHandle(completion_port);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return ret ? 1 : 0;
}

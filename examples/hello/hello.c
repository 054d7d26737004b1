/*
 * hello.c - a minimal HTTP Server API (version 1.0) server.
 *
 * It registers one or more URL prefixes on a request queue and answers every request under them
 * with "Hello, World!".  Several worker threads each loop on a synchronous
 * HttpReceiveHttpRequest; http.sys hands each request to exactly one of them.
 *
 * Usage: hello.exe [-t THREADS] URL...
 *        (default: 4 threads, http://+:8080/)
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -o hello.exe hello.c -lhttpapi
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

#define DEFAULT_THREADS     4
#define MAX_THREADS         64
#define REQUEST_BUFFER_SIZE 16384   /* the size the documentation recommends with authentication */

static const char hello_body[] = "Hello, World!";

static HANDLE request_queue;
static volatile LONG stopping;

/* Ctrl-C: stop receiving.  Cancelling every I/O on the queue wakes the blocked workers. */
static BOOL WINAPI console_handler(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT && type != CTRL_CLOSE_EVENT) return FALSE;
    InterlockedExchange(&stopping, 1);
    CancelIoEx(request_queue, NULL);
    return TRUE;
}

/* Reads the request body, if any, and throws it away: the connection can only carry the next
 * request once this one's body has been consumed. */
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
    /* ERROR_HANDLE_EOF is the normal end; anything else means the client went away, and the
     * response below will simply fail. */
}

static void send_hello(HTTP_REQUEST *request)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    ULONG bytes_sent;

    memset(&response, 0, sizeof(response));
    response.StatusCode = 200;
    response.pReason = "OK";
    response.ReasonLength = 2;
    response.Headers.KnownHeaders[HttpHeaderContentType].pRawValue = "text/plain";
    response.Headers.KnownHeaders[HttpHeaderContentType].RawValueLength = 10;

    if (request->Verb == HttpVerbHEAD)
    {
        /* A HEAD response carries the length of the body it does not send. */
        response.Headers.KnownHeaders[HttpHeaderContentLength].pRawValue = "13";
        response.Headers.KnownHeaders[HttpHeaderContentLength].RawValueLength = 2;
    }
    else
    {
        /* http.sys adds Content-Length (and Date and Server) itself. */
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = (void *)hello_body;
        chunk.FromMemory.BufferLength = sizeof(hello_body) - 1;
        response.EntityChunkCount = 1;
        response.pEntityChunks = &chunk;
    }

    /* Errors are not fatal: ERROR_CONNECTION_INVALID, for one, just means the client left. */
    HttpSendHttpResponse(request_queue, request->RequestId, 0, &response, NULL, &bytes_sent, NULL, 0, NULL, NULL);
}

static DWORD WINAPI worker(void *arg)
{
    ULONG size = REQUEST_BUFFER_SIZE, bytes, ret;
    HTTP_REQUEST *request = malloc(size);
    HTTP_REQUEST_ID id = HTTP_NULL_ID;

    (void)arg;
    if (!request) return 1;
    while (!stopping)
    {
        ret = HttpReceiveHttpRequest(request_queue, id, 0, request, size, &bytes, NULL);
        if (ret == NO_ERROR)
        {
            discard_body(request);
            send_hello(request);
            id = HTTP_NULL_ID;
        }
        else if (ret == ERROR_MORE_DATA)
        {
            /* The headers did not fit: the request is now reserved for us under its id, and
             * bytes says how much room it needs. */
            HTTP_REQUEST *bigger = malloc(bytes);
            if (!bigger)
            {
                /* Nothing we can do for this one; it is dropped when its connection goes. */
                id = HTTP_NULL_ID;
                continue;
            }
            id = request->RequestId;
            free(request);
            request = bigger;
            size = bytes;
        }
        else if (ret == ERROR_CONNECTION_INVALID && id != HTTP_NULL_ID)
        {
            /* The client of the request we were re-reading has gone. */
            id = HTTP_NULL_ID;
        }
        else if (stopping || ret == ERROR_INVALID_HANDLE)
        {
            break;
        }
        else
        {
            fprintf(stderr, "HttpReceiveHttpRequest failed: %lu\n", ret);
            id = HTTP_NULL_ID;
            Sleep(10);  /* do not spin on an error that repeats */
        }

        /* After a large request, go back to the normal buffer size. */
        if (id == HTTP_NULL_ID && size != REQUEST_BUFFER_SIZE)
        {
            HTTP_REQUEST *normal = malloc(REQUEST_BUFFER_SIZE);
            if (normal)
            {
                free(request);
                request = normal;
                size = REQUEST_BUFFER_SIZE;
            }
        }
    }
    free(request);
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: hello.exe [-t THREADS] URL...\n"
                    "  default: %d threads, http://+:8080/\n", DEFAULT_THREADS);
}

int main(int argc, char **argv)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    HANDLE threads[MAX_THREADS];
    WCHAR *urls[64];
    int url_count = 0, thread_count = DEFAULT_THREADS, i;
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

    ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL);
    if (ret != NO_ERROR)
    {
        fprintf(stderr, "HttpInitialize failed: %lu\n", ret);
        return 1;
    }
    ret = HttpCreateHttpHandle(&request_queue, 0);
    if (ret != NO_ERROR)
    {
        fprintf(stderr, "HttpCreateHttpHandle failed: %lu\n", ret);
        HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
        return 1;
    }

    for (i = 0; i < url_count; i++)
    {
        ret = HttpAddUrl(request_queue, urls[i], NULL);
        if (ret != NO_ERROR)
        {
            /* 87: malformed prefix (it must end with '/'); 183: already registered;
             * 5: no permission (see netsh http add urlacl). */
            fprintf(stderr, "HttpAddUrl(%ls) failed: %lu\n", urls[i], ret);
            while (i--) HttpRemoveUrl(request_queue, urls[i]);
            CloseHandle(request_queue);
            HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
            return 1;
        }
        printf("Serving %ls\n", urls[i]);
    }
    printf("%d worker threads. Press Ctrl-C to stop.\n", thread_count);
    fflush(stdout);

    SetConsoleCtrlHandler(console_handler, TRUE);
    for (i = 0; i < thread_count; i++)
    {
        threads[i] = CreateThread(NULL, 0, worker, NULL, 0, NULL);
        if (!threads[i])
        {
            fprintf(stderr, "CreateThread failed: %lu\n", GetLastError());
            return 1;
        }
    }

    /* A worker that was between two receives when Ctrl-C came may have started a new one after
     * the cancellation: keep cancelling until every worker is out. */
    while (WaitForMultipleObjects(thread_count, threads, TRUE, 250) == WAIT_TIMEOUT)
        if (stopping) CancelIoEx(request_queue, NULL);
    for (i = 0; i < thread_count; i++) CloseHandle(threads[i]);

    for (i = 0; i < url_count; i++) HttpRemoveUrl(request_queue, urls[i]);
    CloseHandle(request_queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    printf("Stopped.\n");
    return 0;
}

/*
 * fileserver.c - a static file server on the HTTP Server API (version 1.0).
 *
 * It registers one or more URL prefixes on a request queue and answers GET and HEAD under them
 * with the file of the same relative name under DIRECTORY: /prefix/a/b.bin is DIRECTORY\a\b.bin.
 * The body is ONE HttpDataChunkFromFileHandle chunk covering the whole file, so that http.sys
 * reads (or, better, sends) the file itself instead of the program copying it through memory.
 * Several worker threads each loop on a synchronous HttpReceiveHttpRequest, as in hello.c.
 *
 * Usage: fileserver.exe [-t THREADS] DIRECTORY URL...
 *        (default: 4 threads, http://+:8080/)
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -o fileserver.exe fileserver.c -lhttpapi
 *
 * Every file is sent as application/octet-stream.  A name with a ".." segment or a ':' is
 * refused (400) before anything is opened, and only disk files are served: "CON" or "NUL" would
 * otherwise open devices.  A directory gets 403 (there are no listings), a missing file 404.
 */

#include <winsock2.h>
#include <windows.h>
#include <http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_THREADS     4
#define MAX_THREADS         64
#define MAX_URLS            64
#define REQUEST_BUFFER_SIZE 16384

static HANDLE request_queue;
static volatile LONG stopping;
static WCHAR *root;                     /* DIRECTORY, made absolute, without a trailing '\' */
static WCHAR *urls[MAX_URLS];
static const WCHAR *url_paths[MAX_URLS]; /* the path part of each prefix, "/..." */
static int url_count;

static BOOL WINAPI console_handler(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT && type != CTRL_CLOSE_EVENT) return FALSE;
    InterlockedExchange(&stopping, 1);
    CancelIoEx(request_queue, NULL);
    return TRUE;
}

/* The connection only carries the next request once this one's body has been consumed. */
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

static void send_status(HTTP_REQUEST *request, USHORT status, const char *reason, const char *allow)
{
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    ULONG bytes_sent;

    memset(&response, 0, sizeof(response));
    response.StatusCode = status;
    response.pReason = reason;
    response.ReasonLength = (USHORT)strlen(reason);
    response.Headers.KnownHeaders[HttpHeaderContentType].pRawValue = "text/plain";
    response.Headers.KnownHeaders[HttpHeaderContentType].RawValueLength = 10;
    if (allow)
    {
        response.Headers.KnownHeaders[HttpHeaderAllow].pRawValue = allow;
        response.Headers.KnownHeaders[HttpHeaderAllow].RawValueLength = (USHORT)strlen(allow);
    }
    if (request->Verb != HttpVerbHEAD)
    {
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = (void *)reason;
        chunk.FromMemory.BufferLength = (ULONG)strlen(reason);
        response.EntityChunkCount = 1;
        response.pEntityChunks = &chunk;
    }
    HttpSendHttpResponse(request_queue, request->RequestId, 0, &response, NULL, &bytes_sent, NULL, 0, NULL, NULL);
}

/* The part of the request's path under the prefix it came in by: http.sys routes by the longest
 * prefix, compared without regard to case, and so does this. */
static const WCHAR *relative_path(const WCHAR *path, size_t len, size_t *rest_len)
{
    size_t best = 0, n;
    int i;

    for (i = 0; i < url_count; i++)
    {
        n = wcslen(url_paths[i]);
        if (n <= len && n > best && !_wcsnicmp(path, url_paths[i], n)) best = n;
    }
    if (!best && len && path[0] == '/') best = 1;
    *rest_len = len - best;
    return path + best;
}

/* The cooked URL is already percent-decoded, so "%2e%2e" arrives here as "..". */
static BOOL name_allowed(const WCHAR *name, size_t len)
{
    size_t i, start = 0;

    for (i = 0; i <= len; i++)
    {
        if (i < len && name[i] == ':') return FALSE;
        if (i == len || name[i] == '/' || name[i] == '\\')
        {
            if (i - start == 2 && name[start] == '.' && name[start + 1] == '.') return FALSE;
            start = i + 1;
        }
    }
    return TRUE;
}

static void serve(HTTP_REQUEST *request)
{
    const WCHAR *name;
    size_t name_len, root_len = wcslen(root), i;
    HTTP_RESPONSE response;
    HTTP_DATA_CHUNK chunk;
    LARGE_INTEGER size;
    char length[24];
    WCHAR *path;
    HANDLE file;
    ULONG bytes_sent, ret;

    if (request->Verb != HttpVerbGET && request->Verb != HttpVerbHEAD)
    {
        send_status(request, 405, "Method Not Allowed", "GET, HEAD");
        return;
    }
    name = relative_path(request->CookedUrl.pAbsPath, request->CookedUrl.AbsPathLength / sizeof(WCHAR), &name_len);
    if (!name_allowed(name, name_len))
    {
        send_status(request, 400, "Bad Request", NULL);
        return;
    }
    if (!name_len)
    {
        send_status(request, 403, "Forbidden", NULL);
        return;
    }

    path = malloc((root_len + 1 + name_len + 1) * sizeof(WCHAR));
    if (!path)
    {
        send_status(request, 503, "Service Unavailable", NULL);
        return;
    }
    memcpy(path, root, root_len * sizeof(WCHAR));
    path[root_len] = '\\';
    for (i = 0; i < name_len; i++) path[root_len + 1 + i] = name[i] == '/' ? '\\' : name[i];
    path[root_len + 1 + name_len] = 0;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                       FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    free(path);
    if (file == INVALID_HANDLE_VALUE)
    {
        /* A directory cannot be opened this way either: ERROR_ACCESS_DENIED. */
        if (GetLastError() == ERROR_ACCESS_DENIED) send_status(request, 403, "Forbidden", NULL);
        else send_status(request, 404, "Not Found", NULL);
        return;
    }
    if (GetFileType(file) != FILE_TYPE_DISK || !GetFileSizeEx(file, &size))
    {
        CloseHandle(file);
        send_status(request, 404, "Not Found", NULL);
        return;
    }

    memset(&response, 0, sizeof(response));
    response.StatusCode = 200;
    response.pReason = "OK";
    response.ReasonLength = 2;
    response.Headers.KnownHeaders[HttpHeaderContentType].pRawValue = "application/octet-stream";
    response.Headers.KnownHeaders[HttpHeaderContentType].RawValueLength = 24;
    if (request->Verb == HttpVerbHEAD)
    {
        _ui64toa(size.QuadPart, length, 10);
        response.Headers.KnownHeaders[HttpHeaderContentLength].pRawValue = length;
        response.Headers.KnownHeaders[HttpHeaderContentLength].RawValueLength = (USHORT)strlen(length);
    }
    else if (size.QuadPart)
    {
        /* http.sys adds Content-Length from the chunk. */
        chunk.DataChunkType = HttpDataChunkFromFileHandle;
        chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = 0;
        chunk.FromFileHandle.ByteRange.Length.QuadPart = size.QuadPart;
        chunk.FromFileHandle.FileHandle = file;
        response.EntityChunkCount = 1;
        response.pEntityChunks = &chunk;
    }
    /* The call is synchronous: once it returns, http.sys is done with the handle. */
    ret = HttpSendHttpResponse(request_queue, request->RequestId, 0, &response, NULL, &bytes_sent, NULL, 0, NULL, NULL);
    if (ret != NO_ERROR && ret != ERROR_CONNECTION_INVALID && ret != ERROR_NETNAME_DELETED)
        fprintf(stderr, "HttpSendHttpResponse failed: %lu\n", ret);
    CloseHandle(file);
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
            serve(request);
            id = HTTP_NULL_ID;
        }
        else if (ret == ERROR_MORE_DATA)
        {
            /* The headers did not fit: the request waits for us under its id. */
            HTTP_REQUEST *bigger = malloc(bytes);
            if (!bigger)
            {
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
            Sleep(10);
        }

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

static WCHAR *widen(const char *s)
{
    int len = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    WCHAR *w = malloc(len * sizeof(WCHAR));
    if (w) MultiByteToWideChar(CP_ACP, 0, s, -1, w, len);
    return w;
}

/* "http://+:8080/files/" -> "/files/" */
static const WCHAR *path_of(const WCHAR *url)
{
    const WCHAR *p = wcsstr(url, L"://");
    p = p ? p + 3 : url;
    p = wcschr(p, '/');
    return p ? p : L"/";
}

static void usage(void)
{
    fprintf(stderr, "usage: fileserver.exe [-t THREADS] DIRECTORY URL...\n"
                    "  default: %d threads, http://+:8080/\n", DEFAULT_THREADS);
}

int main(int argc, char **argv)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    HANDLE threads[MAX_THREADS];
    const char *directory = NULL;
    int thread_count = DEFAULT_THREADS, i;
    DWORD attributes, len;
    WCHAR *dir;
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
        else if (!directory)
        {
            directory = argv[i];
        }
        else if (url_count < MAX_URLS)
        {
            urls[url_count++] = widen(argv[i]);
        }
    }
    if (!directory)
    {
        usage();
        return 1;
    }
    if (!url_count) urls[url_count++] = (WCHAR *)L"http://+:8080/";
    for (i = 0; i < url_count; i++) url_paths[i] = path_of(urls[i]);

    dir = widen(directory);
    len = GetFullPathNameW(dir, 0, NULL, NULL);
    root = malloc((len + 1) * sizeof(WCHAR));
    if (!len || !GetFullPathNameW(dir, len + 1, root, NULL))
    {
        fprintf(stderr, "bad directory %s\n", directory);
        return 1;
    }
    len = (DWORD)wcslen(root);
    while (len > 3 && (root[len - 1] == '\\' || root[len - 1] == '/')) root[--len] = 0;
    attributes = GetFileAttributesW(root);
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        fprintf(stderr, "%s is not a directory\n", directory);
        return 1;
    }

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
            fprintf(stderr, "HttpAddUrl(%ls) failed: %lu\n", urls[i], ret);
            while (i--) HttpRemoveUrl(request_queue, urls[i]);
            CloseHandle(request_queue);
            HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
            return 1;
        }
        printf("Serving %ls from %ls\n", urls[i], root);
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

    /* A worker between two receives when Ctrl-C came may have started a new one since. */
    while (WaitForMultipleObjects(thread_count, threads, TRUE, 250) == WAIT_TIMEOUT)
        if (stopping) CancelIoEx(request_queue, NULL);
    for (i = 0; i < thread_count; i++) CloseHandle(threads[i]);

    for (i = 0; i < url_count; i++) HttpRemoveUrl(request_queue, urls[i]);
    CloseHandle(request_queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    printf("Stopped.\n");
    return 0;
}

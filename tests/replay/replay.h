/*
 * replay.h - what the two replay programs share: a completion port with
 * worker threads standing in for .NET's thread pool, the "await" of an
 * OVERLAPPED call under FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, and the lines
 * the programs print for the test that drives them:
 *
 *   READY                      every prefix is registered
 *   EVENT <what> ...           something the test waits for (disconnect, cancel, cert)
 *   ERROR <call> <code>        a call failed where the framework would not expect it
 *   UNEXPECTED <what>          a completion the framework does not expect arrived
 *   STOPPED                    the shutdown sequence has run
 *
 * Everything here is plain Win32; the framework-specific call sequences are
 * in httplistener.c and aspnetcore.c.
 */
#ifndef REPLAY_H
#define REPLAY_H

#include <winsock2.h>
#include <windows.h>
#include <http.h>
#include <wincrypt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL_THREADS 4

static CRITICAL_SECTION print_lock;

static inline void say(const char *fmt, ...)
{
    va_list args;

    EnterCriticalSection(&print_lock);
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);
    LeaveCriticalSection(&print_lock);
}

/* A call failed where the framework would throw or log an error. */
static inline ULONG failed(const char *call, ULONG err)
{
    say("ERROR %s %lu", call, err);
    return err;
}

/* One OVERLAPPED operation on the port.  done() runs on a pool thread
 * when the completion packet comes; await_op() lets a request's thread
 * wait for it the way an awaited Task does. */
struct op
{
    OVERLAPPED ov;
    void (*done)(struct op *op, ULONG err, ULONG bytes);
    HANDLE event;
    ULONG err, bytes;
    const char *what;
    void *ctx;          /* whose operation it is */
    LONG stale;         /* the call it was for returned synchronously: no packet may come */
};

static HANDLE pool_port;

static inline void op_signal(struct op *op, ULONG err, ULONG bytes)
{
    op->err = err;
    op->bytes = bytes;
    SetEvent(op->event);
}

static inline struct op *op_new(const char *what)
{
    struct op *op = calloc(1, sizeof(*op));

    op->event = CreateEventW(NULL, FALSE, FALSE, NULL);
    op->done = op_signal;
    op->what = what;
    return op;
}

static inline void op_free(struct op *op)
{
    if (!op) return;
    CloseHandle(op->event);
    free(op);
}

static inline void op_reset(struct op *op)
{
    memset(&op->ov, 0, sizeof(op->ov));
    ResetEvent(op->event);
}

/* The result of an OVERLAPPED call, the way .NET code reads it: with the
 * skip modes a synchronous NO_ERROR queues no packet, so the caller takes
 * the result (and the byte count the call wrote) itself; ERROR_IO_PENDING
 * means a packet comes; anything else failed at once. */
static inline ULONG await_op(struct op *op, ULONG ret, ULONG sync_bytes, ULONG *bytes)
{
    if (ret == ERROR_IO_PENDING)
    {
        WaitForSingleObject(op->event, INFINITE);
        if (bytes) *bytes = op->bytes;
        return op->err;
    }
    if (bytes) *bytes = ret ? 0 : sync_bytes;
    return ret;
}

static inline DWORD WINAPI pool_worker(void *arg)
{
    for (;;)
    {
        OVERLAPPED *ov = NULL;
        ULONG_PTR key;
        DWORD bytes = 0;
        ULONG err = NO_ERROR;
        struct op *op;

        if (!GetQueuedCompletionStatus(pool_port, &bytes, &key, &ov, INFINITE)) err = GetLastError();
        if (!ov)
        {
            if (err == NO_ERROR) break;  /* the quit packet */
            continue;
        }
        op = CONTAINING_RECORD(ov, struct op, ov);
        if (op->stale)
        {
            /* .NET frees (or reuses) the overlapped of a call that returned
             * synchronously: a packet for it would be a use after free there */
            say("UNEXPECTED completion for %s, whose call returned synchronously (error %lu, %lu bytes)",
                op->what, err, bytes);
            continue;
        }
        op->done(op, err, bytes);
    }
    return 0;
}

/* The thread pool's completion port; handles are bound to it later, as
 * ThreadPoolBoundHandle.BindHandle does. */
static inline void pool_start(void)
{
    int i;

    InitializeCriticalSection(&print_lock);
    pool_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (!pool_port) failed("CreateIoCompletionPort", GetLastError());
    for (i = 0; i < POOL_THREADS; i++) CloseHandle(CreateThread(NULL, 0, pool_worker, NULL, 0, NULL));
}

static inline BOOL pool_bind(HANDLE handle)
{
    if (CreateIoCompletionPort(handle, pool_port, 0, 0)) return TRUE;
    failed("CreateIoCompletionPort(queue)", GetLastError());
    return FALSE;
}

static inline void pool_stop(void)
{
    int i;

    for (i = 0; i < POOL_THREADS; i++) PostQueuedCompletionStatus(pool_port, 0, 0, NULL);
}

static inline void run_thread(LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE t = CreateThread(NULL, 0, fn, arg, 0, NULL);

    if (t) CloseHandle(t);
    else failed("CreateThread", GetLastError());
}

/* --- reading the request ------------------------------------------------- */

/* The path and the query of the raw URL (the query without its '?'). */
static inline void split_url(const HTTP_REQUEST *req, char *path, size_t path_size, char *query, size_t query_size)
{
    size_t n = req->RawUrlLength, p;
    const char *raw = req->pRawUrl ? req->pRawUrl : "";

    for (p = 0; p < n && raw[p] != '?'; p++) ;
    snprintf(path, path_size, "%.*s", (int)p, raw);
    if (p < n) snprintf(query, query_size, "%.*s", (int)(n - p - 1), raw + p + 1);
    else if (query_size) query[0] = 0;
}

static inline const char *known_header(const HTTP_REQUEST *req, HTTP_HEADER_ID id, USHORT *len)
{
    *len = req->Headers.KnownHeaders[id].RawValueLength;
    return req->Headers.KnownHeaders[id].pRawValue;
}

/* Content-Length as .NET reads it; -1 for chunked or none. */
static inline LONGLONG content_length(const HTTP_REQUEST *req)
{
    USHORT len;
    const char *v = known_header(req, HttpHeaderContentLength, &len);
    char text[32];

    if (!v || !len || len >= sizeof(text)) return -1;
    memcpy(text, v, len);
    text[len] = 0;
    return _strtoi64(text, NULL, 10);
}

/* Copies the body bytes that came in the request buffer (entity chunks),
 * from where the last call stopped: HttpListener's and ASP.NET's GetChunks. */
static inline ULONG get_chunks(const HTTP_REQUEST *req, int *index, ULONG *offset, char *buf, ULONG size)
{
    ULONG copied = 0;

    if (*index < 0) return 0;
    while (*index < req->EntityChunkCount && copied < size)
    {
        const HTTP_DATA_CHUNK *c = &req->pEntityChunks[*index];
        ULONG left = c->FromMemory.BufferLength - *offset, n = size - copied < left ? size - copied : left;

        memcpy(buf + copied, (char *)c->FromMemory.pBuffer + *offset, n);
        copied += n;
        *offset += n;
        if (*offset == c->FromMemory.BufferLength)
        {
            (*index)++;
            *offset = 0;
        }
    }
    if (*index >= req->EntityChunkCount) *index = -1;
    return copied;
}

/* "present sha1=<hex> flags=<hex>" for a received client certificate. */
static inline void describe_cert(const HTTP_SSL_CLIENT_CERT_INFO *info, char *out, size_t size)
{
    BYTE hash[20];
    DWORD hash_len = sizeof(hash), i;
    char hex[41];

    if (!info || !info->pCertEncoded || !info->CertEncodedSize)
    {
        snprintf(out, size, "none");
        return;
    }
    if (!CryptHashCertificate(0, CALG_SHA1, 0, info->pCertEncoded, info->CertEncodedSize, hash, &hash_len))
    {
        snprintf(out, size, "present sha1=? flags=%#lx", info->CertFlags);
        return;
    }
    for (i = 0; i < 20; i++) sprintf(hex + 2 * i, "%02x", hash[i]);
    snprintf(out, size, "present sha1=%s flags=%#lx", hex, info->CertFlags);
}

static inline WCHAR *widen(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    WCHAR *w = malloc(n * sizeof(WCHAR));

    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

#endif

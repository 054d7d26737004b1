/*
 * faultsrv.exe: a server for the fault tests (tests/integration/test_faults.py).
 *
 *   faultsrv URL [THREADS]
 *   faultsrv stale URL
 *
 * Registers URL on a version 1.0 queue and serves it with THREADS (default
 * 8) synchronous receivers.  When the queue fails (the engine died, net
 * stop http), every receiver reports how its receive ended and the queue is
 * made again, retrying until the service is back.  What the path of a
 * request asks for:
 *
 *   .../hold      no answer: the request is kept until a .../release
 *   .../release   answers every kept request with "released"
 *   .../block     the receiving thread stops for good, without answering
 *   .../big       an 8 MB answer (BIG_BYTES of a counting pattern)
 *   .../echo      reads the whole body and answers "len=N"
 *   .../slow      answers after 100 ms
 *   .../linger    answers, then the thread waits 3 s before receiving again
 *                 (so only the doorbell tells the engine about the answer)
 *   anything else answers with the raw URL of the request itself, so that
 *                 a client sees whether it got its own answer
 *
 * Lines on stdout (the tests wait for them):
 *   READY n            queue number n (from 1) is registered and served
 *   CREATE step err    making a queue failed (each distinct failure once)
 *   RECVERR err        a receiver's HttpReceiveHttpRequest ended the queue
 *   HOLD, RELEASE err, BIG err, BLOCK
 *
 * "stale" makes a queue with URL and an OVERLAPPED receive on it, prints
 * READY, and waits for a line on stdin (the test kills the engine
 * meanwhile); then prints how the receive ended and what each call on the
 * queue's handle returns, then whether a new queue works.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 32
#define MAX_HELD    64
#define BIG_BYTES   (8 * 1024 * 1024)
#define REQ_BUFFER  65536

static HANDLE queue;
static CRITICAL_SECTION held_cs;
static HTTP_REQUEST_ID held[MAX_HELD];
static int held_count;
static char *big_body;

static void say(const char *fmt, ...)
{
    static CRITICAL_SECTION *cs, cs_storage;
    va_list ap;

    if (!cs)
    {
        InitializeCriticalSection(&cs_storage);
        cs = &cs_storage;
    }
    EnterCriticalSection(cs);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    LeaveCriticalSection(cs);
}

static ULONG respond(HTTP_REQUEST_ID id, const void *body, ULONG len)
{
    HTTP_RESPONSE resp;
    HTTP_DATA_CHUNK chunk;
    ULONG sent = 0;

    memset(&resp, 0, sizeof(resp));
    resp.StatusCode = 200;
    resp.pReason = "OK";
    resp.ReasonLength = 2;
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)body;
    chunk.FromMemory.BufferLength = len;
    resp.EntityChunkCount = len ? 1 : 0;
    resp.pEntityChunks = len ? &chunk : NULL;
    return HttpSendHttpResponse(queue, id, 0, &resp, NULL, &sent, NULL, 0, NULL, NULL);
}

static void serve_one(HTTP_REQUEST *req)
{
    char url[1024], text[64];
    int n = req->RawUrlLength < sizeof(url) - 1 ? req->RawUrlLength : (int)sizeof(url) - 1;

    memcpy(url, req->pRawUrl, n);
    url[n] = 0;
    if (strstr(url, "/hold"))
    {
        EnterCriticalSection(&held_cs);
        if (held_count < MAX_HELD) held[held_count++] = req->RequestId;
        LeaveCriticalSection(&held_cs);
        say("HOLD");
    }
    else if (strstr(url, "/release"))
    {
        EnterCriticalSection(&held_cs);
        while (held_count) say("RELEASE %lu", respond(held[--held_count], "released", 8));
        LeaveCriticalSection(&held_cs);
        respond(req->RequestId, url, n);
    }
    else if (strstr(url, "/block"))
    {
        say("BLOCK");
        Sleep(INFINITE);
    }
    else if (strstr(url, "/big"))
        say("BIG %lu", respond(req->RequestId, big_body, BIG_BYTES));
    else if (strstr(url, "/echo"))
    {
        static char buf[65536];
        ULONG got = 0, total = 0, ret = NO_ERROR;

        if (req->Flags & HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS)
            while (!(ret = HttpReceiveRequestEntityBody(queue, req->RequestId, 0, buf, sizeof(buf), &got, NULL)))
                total += got;
        if (ret != NO_ERROR && ret != ERROR_HANDLE_EOF)
        {
            say("BODY %lu", ret);
            return;
        }
        n = sprintf(text, "len=%lu", total);
        respond(req->RequestId, text, n);
    }
    else
    {
        if (strstr(url, "/slow")) Sleep(100);
        respond(req->RequestId, url, n);
        if (strstr(url, "/linger")) Sleep(3000);
    }
}

static DWORD WINAPI receiver(void *arg)
{
    HTTP_REQUEST *req = malloc(REQ_BUFFER);
    ULONG ret, bytes;

    for (;;)
    {
        ret = HttpReceiveHttpRequest(queue, 0, 0, req, REQ_BUFFER, &bytes, NULL);
        if (ret == NO_ERROR) serve_one(req);
        else if (ret != ERROR_CONNECTION_INVALID && ret != ERROR_MORE_DATA) break;
    }
    say("RECVERR %lu", ret);
    free(req);
    return 0;
}

/* Makes a queue with the URL, trying again while the service is away. */
static void make_queue(const WCHAR *url)
{
    ULONG ret, last_step = 0, last_err = 0;

    for (;;)
    {
        ULONG step = 1;
        HANDLE h = NULL;

        if (!(ret = HttpCreateHttpHandle(&h, 0)))
        {
            queue = h;
            step = 2;
            if (!(ret = HttpAddUrl(h, url, NULL))) return;
            CloseHandle(h);
        }
        if (step != last_step || ret != last_err) say("CREATE %lu %lu", step, ret);
        last_step = step;
        last_err = ret;
        Sleep(50);
    }
}

static int stale(const char *url_text)
{
    HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
    static char buf[16384] __attribute__((aligned(8)));
    WCHAR url[512];
    OVERLAPPED ov;
    HANDLE fresh;
    ULONG ret, bytes;
    DWORD got;
    char line[16];

    MultiByteToWideChar(CP_ACP, 0, url_text, -1, url, 512);
    if ((ret = HttpInitialize(v1, HTTP_INITIALIZE_SERVER, NULL)) || (ret = HttpCreateHttpHandle(&queue, 0)) ||
        (ret = HttpAddUrl(queue, url, NULL)))
    {
        say("SETUP %lu", ret);
        return 1;
    }
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveHttpRequest(queue, 0, 0, (HTTP_REQUEST *)buf, sizeof(buf), NULL, &ov);
    say("READY %lu", ret);
    if (!fgets(line, sizeof(line), stdin)) return 1;
    if (WaitForSingleObject(ov.hEvent, 10000)) say("OVERLAPPED timeout");
    else say("OVERLAPPED %lu", GetOverlappedResult(queue, &ov, &got, FALSE) ? 0 : GetLastError());
    say("RECEIVE %lu", HttpReceiveHttpRequest(queue, 0, 0, (HTTP_REQUEST *)buf, sizeof(buf), &bytes, NULL));
    ResetEvent(ov.hEvent);
    ret = HttpReceiveHttpRequest(queue, 0, 0, (HTTP_REQUEST *)buf, sizeof(buf), NULL, &ov);
    say("RECEIVE-OVERLAPPED %lu", ret);
    say("BODY %lu", HttpReceiveRequestEntityBody(queue, 1, 0, buf, sizeof(buf), &bytes, NULL));
    say("SEND %lu", respond(1, "x", 1));
    say("ADDURL %lu", HttpAddUrl(queue, url, NULL));
    say("REMOVEURL %lu", HttpRemoveUrl(queue, url));
    say("CLOSE %d", CloseHandle(queue));
    ret = HttpCreateHttpHandle(&fresh, 0);
    say("CREATE %lu", ret);
    if (!ret) say("NEWADDURL %lu", HttpAddUrl(fresh, url, NULL));
    return 0;
}

int main(int argc, char **argv)
{
    HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
    HANDLE threads[MAX_THREADS];
    WCHAR url[512];
    int count = argc > 2 ? atoi(argv[2]) : 8, i, round;
    ULONG ret;

    if (argc == 3 && !strcmp(argv[1], "stale")) return stale(argv[2]);
    if (argc < 2 || count < 1 || count > MAX_THREADS)
    {
        fprintf(stderr, "usage: faultsrv URL [THREADS]\n");
        return 2;
    }
    InitializeCriticalSection(&held_cs);
    big_body = malloc(BIG_BYTES);
    for (i = 0; i < BIG_BYTES; i++) big_body[i] = (char)('a' + i % 26);
    MultiByteToWideChar(CP_ACP, 0, argv[1], -1, url, 512);
    if ((ret = HttpInitialize(v1, HTTP_INITIALIZE_SERVER, NULL)))
    {
        say("INIT %lu", ret);
        return 1;
    }
    for (round = 1;; round++)
    {
        make_queue(url);
        say("READY %d", round);
        for (i = 0; i < count; i++) threads[i] = CreateThread(NULL, 0, receiver, NULL, 0, NULL);
        WaitForMultipleObjects(count, threads, TRUE, INFINITE);
        for (i = 0; i < count; i++) CloseHandle(threads[i]);
        /* the kept requests belonged to the queue that failed */
        EnterCriticalSection(&held_cs);
        held_count = 0;
        LeaveCriticalSection(&held_cs);
        CloseHandle(queue);
    }
}

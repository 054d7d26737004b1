/*
 * svcprobe.exe: small probes of the HTTP service for the lifecycle tests.
 *
 *   svcprobe init FLAGS           HttpInitialize(1.0, FLAGS), then open a queue
 *                                 and register a prefix; prints the error codes
 *   svcprobe serve URL TEXT       answers every request under URL with TEXT
 *   svcprobe block URL            blocks one synchronous and one OVERLAPPED
 *                                 HttpReceiveHttpRequest on a queue with URL
 *                                 registered, prints READY, then how each
 *                                 one ended (net stop http must end them)
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>
#include <stdio.h>
#include <stdlib.h>

static HANDLE queue;

static DWORD WINAPI sync_receive(void *arg)
{
    static char buf[16384] __attribute__((aligned(8)));
    ULONG bytes = 0, ret = HttpReceiveHttpRequest(queue, 0, 0, (HTTP_REQUEST *)buf, sizeof(buf), &bytes, NULL);
    printf("SYNC %lu\n", ret);
    fflush(stdout);
    return 0;
}

static int block(const char *url)
{
    HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
    static char buf[16384] __attribute__((aligned(8)));
    WCHAR wurl[512];
    OVERLAPPED ov;
    HANDLE thread;
    ULONG ret;
    DWORD bytes;

    MultiByteToWideChar(CP_ACP, 0, url, -1, wurl, 512);
    if ((ret = HttpInitialize(v1, HTTP_INITIALIZE_SERVER, NULL)) ||
        (ret = HttpCreateHttpHandle(&queue, 0)) || (ret = HttpAddUrl(queue, wurl, NULL)))
    {
        printf("SETUP %lu\n", ret);
        return 1;
    }
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveHttpRequest(queue, 0, 0, (HTTP_REQUEST *)buf, sizeof(buf), NULL, &ov);
    if (ret != ERROR_IO_PENDING) printf("OVERLAPPED-START %lu\n", ret);
    thread = CreateThread(NULL, 0, sync_receive, NULL, 0, NULL);
    Sleep(500);
    printf("READY\n");
    fflush(stdout);
    if (WaitForSingleObject(ov.hEvent, 60000))
        printf("OVERLAPPED timeout\n");
    else
    {
        ret = GetOverlappedResult(queue, &ov, &bytes, FALSE) ? 0 : GetLastError();
        printf("OVERLAPPED %lu\n", ret);
    }
    fflush(stdout);
    if (WaitForSingleObject(thread, 60000)) printf("SYNC timeout\n");
    fflush(stdout);
    return 0;
}

static int serve(const char *url, const char *text)
{
    HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
    static char buf[16384] __attribute__((aligned(8)));
    HTTP_REQUEST *req = (HTTP_REQUEST *)buf;
    WCHAR wurl[512];
    ULONG ret, bytes;

    MultiByteToWideChar(CP_ACP, 0, url, -1, wurl, 512);
    if ((ret = HttpInitialize(v1, HTTP_INITIALIZE_SERVER, NULL)) ||
        (ret = HttpCreateHttpHandle(&queue, 0)) || (ret = HttpAddUrl(queue, wurl, NULL)))
    {
        printf("SETUP %lu\n", ret);
        return 1;
    }
    printf("SERVING\n");
    for (;;)
    {
        HTTP_RESPONSE resp;
        HTTP_DATA_CHUNK chunk;

        ret = HttpReceiveHttpRequest(queue, 0, 0, req, sizeof(buf), &bytes, NULL);
        if (ret == ERROR_OPERATION_ABORTED) break;
        if (ret) continue;
        memset(&resp, 0, sizeof(resp));
        resp.StatusCode = 200;
        resp.pReason = "OK";
        resp.ReasonLength = 2;
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = (void *)text;
        chunk.FromMemory.BufferLength = strlen(text);
        resp.EntityChunkCount = 1;
        resp.pEntityChunks = &chunk;
        HttpSendHttpResponse(queue, req->RequestId, 0, &resp, NULL, &bytes, NULL, 0, NULL, NULL);
    }
    return 0;
}

static int init(ULONG flags)
{
    HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
    ULONG ret = HttpInitialize(v1, flags, NULL);
    HANDLE h = NULL;

    printf("INIT %lu\n", ret);
    if (!ret)
    {
        ret = HttpCreateHttpHandle(&h, 0);
        printf("HANDLE %lu\n", ret);
        if (!ret) CloseHandle(h);
        HttpTerminate(flags, NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && !strcmp(argv[1], "init")) return init(strtoul(argv[2], NULL, 0));
    if (argc == 3 && !strcmp(argv[1], "block")) return block(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "serve")) return serve(argv[2], argv[3]);
    fprintf(stderr, "usage: svcprobe init FLAGS | svcprobe block URL\n");
    return 2;
}

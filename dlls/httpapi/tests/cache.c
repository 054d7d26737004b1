/*
 * The kernel cache: HttpAddFragmentToCache, HttpReadFragmentFromCache, HttpFlushResponseCache,
 * fragment chunks in responses (HttpDataChunkFromFragmentCache and ...Ex), and the response cache
 * (HttpSendHttpResponse with a cache policy) answering requests without the application.
 *
 * Usage: cache.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation ("Kernel Mode Cache", "Fragment Cache", the three
 * functions).  Where it is silent the expectations are this implementation's choices, marked so:
 * a missing fragment is ERROR_PATH_NOT_FOUND (what IIS's ReadFragmentFromCache documents, which
 * passes http.sys's answer on); HttpCachePolicyNocache is not a policy a fragment can be added
 * with (ERROR_INVALID_PARAMETER); HEAD is not answered from the cache (the rules say GET).
 */

#include "util.h"
#include "httpapi_ext.h"

static USHORT port;
static HANDLE queue;    /* http://+:PORT/c/ */
static char host[64];   /* "127.0.0.1:PORT" */

static const WCHAR *url(WCHAR *buf, const char *path)
{
    return wfmt(buf, 256, "http://+:%u%s", port, path);
}

static HTTP_DATA_CHUNK memory_chunk(const char *data)
{
    HTTP_DATA_CHUNK chunk;

    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)data;
    chunk.FromMemory.BufferLength = (ULONG)strlen(data);
    return chunk;
}

static ULONG add_fragment(HANDLE q, const char *path, const char *data, HTTP_CACHE_POLICY_TYPE type, ULONG seconds)
{
    HTTP_CACHE_POLICY policy = { type, seconds };
    HTTP_DATA_CHUNK chunk = memory_chunk(data);
    WCHAR name[256];

    return HttpAddFragmentToCache(q, url(name, path), &chunk, &policy, NULL);
}

/* Reads a whole fragment into buf (NUL-terminated); returns the error. */
static ULONG read_fragment(HANDLE q, const char *path, HTTP_BYTE_RANGE *range, char *buf, ULONG size, ULONG *bytes)
{
    WCHAR name[256];
    ULONG ret;

    memset(buf, 0, size);
    *bytes = 0xdeadbeef;
    ret = HttpReadFragmentFromCache(q, url(name, path), range, buf, size - 1, bytes, NULL);
    return ret;
}

static ULONG flush(HANDLE q, const char *path, ULONG flags)
{
    WCHAR name[256];
    return HttpFlushResponseCache(q, url(name, path), flags, NULL);
}

static void check_fragment(HANDLE q, const char *path, const char *expect, const char *what)
{
    char buf[256];
    ULONG ret, bytes;

    ret = read_fragment(q, path, NULL, buf, sizeof(buf), &bytes);
    if (expect)
        ok(ret == NO_ERROR && bytes == strlen(expect) && !strcmp(buf, expect),
           "%s: expected NO_ERROR and \"%s\", got %lu, %lu bytes \"%s\"\n", what, expect, ret, bytes, buf);
    else
        ok(ret == ERROR_PATH_NOT_FOUND, "%s: expected ERROR_PATH_NOT_FOUND (3), got %lu\n", what, ret);
}

/* A temporary file holding data, open for reading and writing and shared as the engine needs it
 * to send large chunks from the file itself; DeleteFileA(path) after closing it. */
static HANDLE temp_file(char *path, const char *data, DWORD len)
{
    char dir[MAX_PATH];
    DWORD written;
    HANDLE h;

    GetTempPathA(MAX_PATH, dir);
    GetTempFileNameA(dir, "frg", 0, path);
    h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, CREATE_ALWAYS, 0, NULL);
    if (h != INVALID_HANDLE_VALUE && (!WriteFile(h, data, len, &written, NULL) || written != len))
    {
        CloseHandle(h);
        DeleteFileA(path);
        h = INVALID_HANDLE_VALUE;
    }
    return h;
}

/* Runs "netsh http <args>" (the prefix's netsh.exe) and collects what it prints. */
static BOOL run_netsh(const char *args, char *out, DWORD size)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    HANDLE rd, wr;
    char cmd[512];
    DWORD n, total = 0;

    out[0] = 0;
    if (!CreatePipe(&rd, &wr, &sa, 0)) return FALSE;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = wr;
    si.hStdInput = INVALID_HANDLE_VALUE;
    snprintf(cmd, sizeof(cmd), "netsh.exe http %s", args);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        CloseHandle(rd);
        CloseHandle(wr);
        return FALSE;
    }
    CloseHandle(wr);
    while (total < size - 1 && ReadFile(rd, out + total, size - 1 - total, &n, NULL) && n) total += n;
    out[total] = 0;
    WaitForSingleObject(pi.hProcess, 10000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */

static void test_add_fragment(void)
{
    HTTP_CACHE_POLICY policy = { HttpCachePolicyUserInvalidates, 0 };
    HTTP_DATA_CHUNK chunk = memory_chunk("data");
    HANDLE other;
    WCHAR name[256];
    ULONG ret;

    ret = HttpAddFragmentToCache(NULL, url(name, "/c/f"), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "no handle: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
    ret = HttpAddFragmentToCache(queue, NULL, &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "no name: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddFragmentToCache(queue, url(name, "/c/f"), NULL, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "no chunk: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddFragmentToCache(queue, url(name, "/c/f"), &chunk, NULL, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "no policy: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    policy.Policy = HttpCachePolicyNocache;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/f"), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCachePolicyNocache (our choice): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    policy.Policy = HttpCachePolicyMaximum;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/f"), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCachePolicyMaximum: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    policy.Policy = 77;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/f"), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "policy 77: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    policy.Policy = HttpCachePolicyUserInvalidates;
    chunk.DataChunkType = HttpDataChunkFromFragmentCache;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/f"), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "a fragment chunk as data: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    chunk = memory_chunk("data");
    chunk.FromMemory.pBuffer = NULL;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/f"), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "4 bytes at NULL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    chunk = memory_chunk("data");

    /* the name must be under a prefix registered on this queue */
    ret = add_fragment(queue, "/elsewhere/f", "data", HttpCachePolicyUserInvalidates, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "a name under no registration: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddFragmentToCache(queue, wfmt(name, 256, "http://+:%u/c/f", port + 1), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "another port: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddFragmentToCache(queue, wfmt(name, 256, "https://+:%u/c/f", port), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "another scheme: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddFragmentToCache(queue, L"not a url", &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "not a URL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddFragmentToCache(queue, wfmt(name, 256, "http://+:%u/c/a?b", port), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "a query in the name: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if ((other = create_queue_url("+", port, "/c-other/")))
    {
        ret = add_fragment(queue, "/c-other/f", "data", HttpCachePolicyUserInvalidates, 0);
        ok(ret == ERROR_INVALID_PARAMETER, "a name under another queue's prefix: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
        ret = add_fragment(other, "/c-other/f", "other's", HttpCachePolicyUserInvalidates, 0);
        ok(ret == NO_ERROR, "the other queue's own name: expected NO_ERROR, got %lu\n", ret);
        CloseHandle(other);
    }

    ret = add_fragment(queue, "/c/f", "hello fragment", HttpCachePolicyUserInvalidates, 0);
    ok(ret == NO_ERROR, "a fragment: expected NO_ERROR, got %lu\n", ret);
    /* the name with a host, and the prefix itself as a name */
    ret = HttpAddFragmentToCache(queue, wfmt(name, 256, "http://LocalHost:%u/c/named", port), &chunk, &policy, NULL);
    ok(ret == NO_ERROR, "a name with a host under a '+' prefix: expected NO_ERROR, got %lu\n", ret);
    ret = add_fragment(queue, "/c/", "the prefix", HttpCachePolicyUserInvalidates, 0);
    ok(ret == NO_ERROR, "the prefix as a name: expected NO_ERROR, got %lu\n", ret);
    ret = add_fragment(queue, "/c/empty", "", HttpCachePolicyUserInvalidates, 0);
    ok(ret == NO_ERROR, "an empty fragment: expected NO_ERROR, got %lu\n", ret);
}

static void test_read_fragment(void)
{
    HTTP_BYTE_RANGE range;
    char buf[256];
    WCHAR name[256];
    ULONG ret, bytes;
    HANDLE other;

    check_fragment(queue, "/c/f", "hello fragment", "the whole fragment");
    check_fragment(queue, "/c/", "the prefix", "the prefix's fragment");
    check_fragment(queue, "/c/empty", "", "an empty fragment");
    ret = HttpReadFragmentFromCache(queue, wfmt(name, 256, "http://localhost:%u/c/named", port), NULL, buf,
                                    sizeof(buf), &bytes, NULL);
    ok(ret == NO_ERROR && bytes == 4, "a name read in other case: expected NO_ERROR, 4 bytes, got %lu, %lu\n", ret, bytes);
    check_fragment(queue, "/c/nothing", NULL, "a name never added");

    /* too small: the size needed */
    bytes = 0;
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/f"), NULL, buf, 4, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA && bytes == 14, "a 4-byte buffer: expected ERROR_MORE_DATA (234) and 14, got %lu, %lu\n", ret, bytes);
    bytes = 0;
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/f"), NULL, NULL, 0, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA && bytes == 14, "no buffer: expected ERROR_MORE_DATA (234) and 14, got %lu, %lu\n", ret, bytes);
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/f"), NULL, buf, 14, &bytes, NULL);
    ok(ret == NO_ERROR && bytes == 14, "a buffer of just the size: expected NO_ERROR, 14, got %lu, %lu\n", ret, bytes);

    /* byte ranges */
    range.StartingOffset.QuadPart = 6;
    range.Length.QuadPart = 4;
    ret = read_fragment(queue, "/c/f", &range, buf, sizeof(buf), &bytes);
    ok(ret == NO_ERROR && bytes == 4 && !strcmp(buf, "frag"), "bytes 6-9: expected \"frag\", got %lu, %lu \"%s\"\n", ret, bytes, buf);
    range.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
    ret = read_fragment(queue, "/c/f", &range, buf, sizeof(buf), &bytes);
    ok(ret == NO_ERROR && bytes == 8 && !strcmp(buf, "fragment"), "from 6 to the end: expected \"fragment\", got %lu, %lu \"%s\"\n", ret, bytes, buf);
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/f"), &range, buf, 3, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA && bytes == 8, "a range in a small buffer: expected ERROR_MORE_DATA (234) and 8, got %lu, %lu\n", ret, bytes);
    range.StartingOffset.QuadPart = 14;
    range.Length.QuadPart = 0;
    ret = read_fragment(queue, "/c/f", &range, buf, sizeof(buf), &bytes);
    ok(ret == NO_ERROR && bytes == 0, "nothing at the end: expected NO_ERROR and 0, got %lu, %lu\n", ret, bytes);
    range.StartingOffset.QuadPart = 15;
    ret = read_fragment(queue, "/c/f", &range, buf, sizeof(buf), &bytes);
    ok(ret == ERROR_INVALID_PARAMETER, "a range past the end: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    range.StartingOffset.QuadPart = 10;
    range.Length.QuadPart = 10;
    ret = read_fragment(queue, "/c/f", &range, buf, sizeof(buf), &bytes);
    ok(ret == ERROR_INVALID_PARAMETER, "a range running past the end: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* arguments */
    ret = HttpReadFragmentFromCache(queue, NULL, NULL, buf, sizeof(buf), &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "no name: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/f"), NULL, buf, sizeof(buf), NULL, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "synchronous without BytesRead: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/f"), NULL, NULL, 10, &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "10 bytes at NULL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpReadFragmentFromCache(NULL, url(name, "/c/f"), NULL, buf, sizeof(buf), &bytes, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "no handle: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
    ret = HttpReadFragmentFromCache(queue, L"http://+:1/c/f/../g", NULL, buf, sizeof(buf), &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "not a name: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* each queue has its own */
    if ((other = create_queue()))
    {
        check_fragment(other, "/c/f", NULL, "another queue reading this one's fragment");
        CloseHandle(other);
    }

    /* adding again replaces */
    ret = add_fragment(queue, "/c/f2", "first", HttpCachePolicyUserInvalidates, 0);
    ok(ret == NO_ERROR, "a second fragment: expected NO_ERROR, got %lu\n", ret);
    ret = add_fragment(queue, "/c/f2", "replaced", HttpCachePolicyUserInvalidates, 0);
    ok(ret == NO_ERROR, "the same name again: expected NO_ERROR, got %lu\n", ret);
    check_fragment(queue, "/c/f2", "replaced", "a replaced fragment");
}

static void test_overlapped(void)
{
    HTTP_CACHE_POLICY policy = { HttpCachePolicyUserInvalidates, 0 };
    HTTP_DATA_CHUNK chunk = memory_chunk("async data");
    OVERLAPPED ov;
    WCHAR name[256];
    char buf[64];
    ULONG ret, bytes;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpAddFragmentToCache(queue, url(name, "/c/async"), &chunk, &policy, &ov);
    ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "OVERLAPPED add: expected ERROR_IO_PENDING, got %lu\n", ret);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "OVERLAPPED add completes: expected NO_ERROR, got %lu\n", ret);

    ResetEvent(ov.hEvent);
    memset(buf, 0, sizeof(buf));
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/async"), NULL, buf, sizeof(buf), NULL, &ov);
    ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "OVERLAPPED read: expected ERROR_IO_PENDING, got %lu\n", ret);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR && bytes == 10 && !strcmp(buf, "async data"),
       "OVERLAPPED read completes: expected NO_ERROR, 10 bytes \"async data\", got %lu, %lu \"%s\"\n", ret, bytes, buf);

    ResetEvent(ov.hEvent);
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/async"), NULL, buf, 2, NULL, &ov);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == ERROR_MORE_DATA && bytes == 10, "OVERLAPPED read, small buffer: expected ERROR_MORE_DATA (234) and 10, got %lu, %lu\n", ret, bytes);

    ResetEvent(ov.hEvent);
    ret = HttpReadFragmentFromCache(queue, url(name, "/c/missing"), NULL, buf, sizeof(buf), NULL, &ov);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == ERROR_PATH_NOT_FOUND, "OVERLAPPED read of a missing fragment: expected ERROR_PATH_NOT_FOUND (3), got %lu\n", ret);

    ResetEvent(ov.hEvent);
    ret = HttpFlushResponseCache(queue, url(name, "/c/async"), 0, &ov);
    ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "OVERLAPPED flush: expected ERROR_IO_PENDING, got %lu\n", ret);
    ret = finish_overlapped(queue, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "OVERLAPPED flush completes: expected NO_ERROR, got %lu\n", ret);
    check_fragment(queue, "/c/async", NULL, "a fragment flushed with OVERLAPPED");
    CloseHandle(ov.hEvent);
}

static void test_file_fragment(void)
{
    HTTP_CACHE_POLICY policy = { HttpCachePolicyUserInvalidates, 0 };
    HTTP_DATA_CHUNK chunk;
    char path[MAX_PATH];
    WCHAR name[256];
    HANDLE file;
    DWORD written;
    ULONG ret;

    if ((file = temp_file(path, "0123456789", 10)) == INVALID_HANDLE_VALUE)
    {
        skip("no temporary file\n");
        return;
    }
    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromFileHandle;
    chunk.FromFileHandle.FileHandle = file;
    chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = 2;
    chunk.FromFileHandle.ByteRange.Length.QuadPart = 5;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/file"), &chunk, &policy, NULL);
    ok(ret == NO_ERROR, "a file range as a fragment: expected NO_ERROR, got %lu\n", ret);
    check_fragment(queue, "/c/file", "23456", "a fragment from a file");
    chunk.FromFileHandle.ByteRange.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/file"), &chunk, &policy, NULL);
    ok(ret == NO_ERROR, "a file to its end as a fragment: expected NO_ERROR, got %lu\n", ret);
    /* the bytes are the fragment's now, whatever the file does */
    SetFilePointer(file, 0, NULL, FILE_BEGIN);
    WriteFile(file, "ABCDEFGHIJ", 10, &written, NULL);
    check_fragment(queue, "/c/file", "23456789", "a fragment from a file that changed since");
    chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = 11;
    ret = HttpAddFragmentToCache(queue, url(name, "/c/file"), &chunk, &policy, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "a range past the file's end: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    CloseHandle(file);
    DeleteFileA(path);
}

static void test_flush(void)
{
    static const char *const names[] = { "/c/dir/a", "/c/dir/b", "/c/dir/sub/x", "/c/dirx" };
    ULONG ret;
    int i;

    for (i = 0; i < 4; i++)
        ok(!add_fragment(queue, names[i], names[i], HttpCachePolicyUserInvalidates, 0), "adding %s\n", names[i]);
    ret = flush(queue, "/c/dir/", 0);
    ok(ret == NO_ERROR, "flush: expected NO_ERROR, got %lu\n", ret);
    check_fragment(queue, "/c/dir/a", NULL, "a fragment in the flushed directory");
    check_fragment(queue, "/c/dir/b", NULL, "another fragment in the flushed directory");
    check_fragment(queue, "/c/dir/sub/x", "/c/dir/sub/x", "a fragment below it, without RECURSIVE");
    check_fragment(queue, "/c/dirx", "/c/dirx", "a fragment beside it");
    ret = flush(queue, "/c/dir/", HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE);
    ok(ret == NO_ERROR, "recursive flush: expected NO_ERROR, got %lu\n", ret);
    check_fragment(queue, "/c/dir/sub/x", NULL, "a fragment below it, with RECURSIVE");
    check_fragment(queue, "/c/dirx", "/c/dirx", "a fragment beside it, after a recursive flush");
    ret = flush(queue, "/c/dirx", 0);
    ok(ret == NO_ERROR, "flushing one name: expected NO_ERROR, got %lu\n", ret);
    check_fragment(queue, "/c/dirx", NULL, "a fragment flushed by its name");
    ret = flush(queue, "/c/never/", HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE);
    ok(ret == NO_ERROR, "flushing where nothing is cached: expected NO_ERROR, got %lu\n", ret);

    ret = flush(queue, "/c/", 2);
    ok(ret == ERROR_INVALID_PARAMETER, "flag 2: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpFlushResponseCache(queue, NULL, 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "no prefix: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = flush(queue, "/", HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE);
    ok(ret == ERROR_INVALID_PARAMETER, "a prefix above the registration: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = flush(queue, "/elsewhere/", 0);
    ok(ret == ERROR_INVALID_PARAMETER, "a prefix not registered: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = flush(NULL, "/c/", 0);
    ok(ret == ERROR_INVALID_HANDLE, "no handle: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
}

static void test_time_to_live(void)
{
    ULONG ret;

    ret = add_fragment(queue, "/c/ttl", "short-lived", HttpCachePolicyTimeToLive, 1);
    ok(ret == NO_ERROR, "a fragment for 1 s: expected NO_ERROR, got %lu\n", ret);
    ret = add_fragment(queue, "/c/long", "long-lived", HttpCachePolicyTimeToLive, 60);
    ok(ret == NO_ERROR, "a fragment for 60 s: expected NO_ERROR, got %lu\n", ret);
    check_fragment(queue, "/c/ttl", "short-lived", "a fragment within its time to live");
    Sleep(1500);
    check_fragment(queue, "/c/ttl", NULL, "a fragment after its time to live");
    check_fragment(queue, "/c/long", "long-lived", "a fragment within a longer time to live");
}

/* ------------------------------------------------------------------------------------------ */
/* Requests and responses. */

static void request_text(char *buf, size_t size, const char *verb, const char *path, const char *extra)
{
    snprintf(buf, size, "%s %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", verb, path, host, extra ? extra : "");
}

/* A client sends text on a thread; the queue receives it (within TIMEOUT). */
static struct client_job *start_request(const char *text, HTTP_REQUEST_V1 *req, ULONG *recv_error)
{
    struct client_job *job = client_job_start(AF_INET, port, text, 0, TIMEOUT);
    ULONG bytes;

    *recv_error = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    return job;
}

static ULONG send_with_policy(HTTP_REQUEST_ID id, ULONG flags, struct test_response *r, HTTP_CACHE_POLICY *policy,
                              ULONG *sent)
{
    ULONG ret, dummy;

    guard_arm(queue, TIMEOUT);
    ret = HttpSendHttpResponse(queue, id, flags, &r->resp, policy, sent ? sent : &dummy, NULL, 0, NULL, NULL);
    guard_disarm();
    return ret;
}

/* GET path, answered by the application with body under the policy; TRUE if the client got it. */
static BOOL prime(const char *path, const char *body, HTTP_CACHE_POLICY_TYPE type, ULONG seconds)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    HTTP_CACHE_POLICY policy = { type, seconds };
    struct test_response r;
    struct client_job *job;
    char text[512];
    ULONG ret;
    BOOL good = FALSE;

    request_text(text, sizeof(text), "GET", path, NULL);
    job = start_request(text, req, &ret);
    ok(ret == NO_ERROR, "GET %s reaches the application: expected NO_ERROR, got %lu\n", path, ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", body);
        add_unknown_header(&r, "X-From", "app");
        ret = send_with_policy(req->RequestId, 0, &r, &policy, NULL);
        ok(ret == NO_ERROR, "answering GET %s with a cache policy: expected NO_ERROR, got %lu\n", path, ret);
    }
    if (client_job_wait(job, TIMEOUT))
        good = job->result == CLIENT_OK && job->resp.status == 200 && job->resp.body && !strcmp(job->resp.body, body);
    ok(good, "GET %s: expected 200 \"%s\"\n", path, body);
    client_job_free(job);
    free_request(req);
    return good;
}

/* Answers a request that reached the queue when the test expected the cache to answer it, so
 * that it does not stay behind for the next test. */
static void drain(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    ULONG bytes;

    if (!receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, SHORT_WAIT))
        respond_text(queue, req->RequestId, "drained");
    free_request(req);
}

/* Sends text with no receive pending: the cache must answer with body. */
static void expect_cached(const char *text, const char *body, struct http_response *out, const char *what)
{
    struct http_response resp;
    int ret;

    ret = http_request(AF_INET, port, text, FALSE, &resp, 1500);
    ok(ret == CLIENT_OK && resp.status == 200 && resp.body && !strcmp(resp.body, body) &&
       response_header(&resp, "X-From") && response_header(&resp, "Date"),
       "%s: expected the cached 200 \"%s\" without the application, got result %d status %d \"%s\"\n", what,
       body, ret, resp.status, dbgstr(resp.body, resp.body_len));
    if (ret != CLIENT_OK) drain();
    if (out) *out = resp;
    else response_free(&resp);
}

/* Sends text: the application must get it (and answers "app"). */
static void expect_app(const char *text, const char *what)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client_job *job;
    ULONG ret;
    BOOL good = FALSE;

    job = start_request(text, req, &ret);
    ok(ret == NO_ERROR, "%s: expected the application to receive it, got %lu\n", what, ret);
    if (!ret) respond_text(queue, req->RequestId, "app");
    if (client_job_wait(job, TIMEOUT))
        good = job->result == CLIENT_OK && (job->head_request || (job->resp.body && !strcmp(job->resp.body, "app")));
    ok(good, "%s: expected the application's answer\n", what);
    client_job_free(job);
    free_request(req);
}

static void test_response_cache(void)
{
    struct http_response first, later;
    HTTP_REQUEST_V1 *req = alloc_request();
    char text[512], buf[64];
    WCHAR name[256];
    struct client c;
    ULONG ret, bytes;
    int cret;

    if (!prime("/c/page", "cached body", HttpCachePolicyUserInvalidates, 0)) { free_request(req); return; }
    request_text(text, sizeof(text), "GET", "/c/page", NULL);
    expect_cached(text, "cached body", &first, "a second GET");
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, SHORT_WAIT);
    ok(ret == WAIT_TIMEOUT, "the application gets nothing of it: expected no request, got %lu\n", ret);
    ok(!response_header(&first, "Content-Length") || !strcmp(response_header(&first, "Content-Length"), "11"),
       "the cached response's Content-Length: expected 11, got %s\n", response_header(&first, "Content-Length"));
    Sleep(1100);
    expect_cached(text, "cached body", &later, "a GET a second later");
    ok(response_header(&first, "Date") && response_header(&later, "Date") &&
       strcmp(response_header(&first, "Date"), response_header(&later, "Date")),
       "each answer has a fresh Date: got \"%s\" then \"%s\"\n", response_header(&first, "Date"),
       response_header(&later, "Date"));
    response_free(&first);
    response_free(&later);

    /* keep-alive: the cache answers and the connection goes on */
    if (client_connect(&c, AF_INET, port))
    {
        client_send_str(&c, text);
        cret = client_read_response(&c, &first, FALSE, TIMEOUT);
        ok(cret == CLIENT_OK && first.body && !strcmp(first.body, "cached body"), "keep-alive: the cached answer\n");
        response_free(&first);
        client_send_str(&c, text);
        cret = client_read_response(&c, &first, FALSE, TIMEOUT);
        ok(cret == CLIENT_OK && first.body && !strcmp(first.body, "cached body"), "keep-alive: the cached answer again\n");
        response_free(&first);
        /* pipelined behind a cached one, a request for the application */
        snprintf(text, sizeof(text), "GET /c/page HTTP/1.1\r\nHost: %s\r\n\r\nGET /c/other HTTP/1.1\r\nHost: %s\r\n\r\n", host, host);
        client_send_str(&c, text);
        cret = client_read_response(&c, &first, FALSE, TIMEOUT);
        ok(cret == CLIENT_OK && first.body && !strcmp(first.body, "cached body"), "pipelined: the cached answer first\n");
        response_free(&first);
        ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
        ok(ret == NO_ERROR && bytes_eq(req->pRawUrl, req->RawUrlLength, "/c/other"),
           "pipelined: the next request reaches the application: got %lu\n", ret);
        if (!ret) respond_text(queue, req->RequestId, "app");
        cret = client_read_response(&c, &first, FALSE, TIMEOUT);
        ok(cret == CLIENT_OK && first.body && !strcmp(first.body, "app"), "pipelined: then the application's answer\n");
        response_free(&first);
        client_close(&c);
    }

    /* HTTP/1.0: answered, and the connection closes after it */
    snprintf(text, sizeof(text), "GET /c/page HTTP/1.0\r\nHost: %s\r\n\r\n", host);
    cret = http_request(AF_INET, port, text, FALSE, &first, 1500);
    ok(cret == CLIENT_OK && first.body && !strcmp(first.body, "cached body") &&
       !response_header(&first, "Connection"),
       "HTTP/1.0: the cached answer, no keep-alive (result %d, Connection %s)\n", cret, response_header(&first, "Connection"));
    if (cret != CLIENT_OK) drain();
    response_free(&first);

    /* requests the cache must leave to the application */
    request_text(text, sizeof(text), "POST", "/c/page", "Content-Length: 2\r\n");
    strcat(text, "ab");
    expect_app(text, "POST");
    request_text(text, sizeof(text), "HEAD", "/c/page", NULL);
    expect_app(text, "HEAD (the rules say GET)");
    request_text(text, sizeof(text), "GET", "/c/page", "Authorization: Basic dXNlcjpwYXNz\r\n");
    expect_app(text, "GET with Authorization");
    request_text(text, sizeof(text), "GET", "/c/page", "Range: bytes=0-3\r\n");
    expect_app(text, "GET with Range");
    request_text(text, sizeof(text), "GET", "/c/page", "If-Range: \"x\"\r\n");
    expect_app(text, "GET with If-Range");
    request_text(text, sizeof(text), "GET", "/c/page", "Translate: f\r\n");
    expect_app(text, "GET with Translate: f");
    request_text(text, sizeof(text), "GET", "/c/page", "Expect: something-else\r\n");
    expect_app(text, "GET with an Expect other than 100-continue");
    request_text(text, sizeof(text), "GET", "/c/page", "If-None-Match: \"x\"\r\n");
    expect_app(text, "GET with If-None-Match");
    request_text(text, sizeof(text), "GET", "/c/page", "Content-Length: 2\r\n");
    strcat(text, "ab");
    expect_app(text, "GET with a body");
    request_text(text, sizeof(text), "GET", "/c/page?q=1", NULL);
    expect_app(text, "GET of the same path with a query");
    /* ... and the ones it may answer */
    request_text(text, sizeof(text), "GET", "/c/page", "Translate: t\r\nExpect: 100-continue\r\nContent-Length: 0\r\n");
    expect_cached(text, "cached body", NULL, "GET with Translate: t, Expect: 100-continue, an empty body");

    /* netsh http show cachestate lists it */
    {
        static char netsh_out[16384];
        char line[128];

        if (run_netsh("show cachestate", netsh_out, sizeof(netsh_out)))
        {
            snprintf(line, sizeof(line), "URL: http://127.0.0.1:%u/c/page", port);
            ok(strstr(netsh_out, line) && strstr(netsh_out, "Status code: 200") &&
               strstr(netsh_out, "Cache policy type: User invalidates") && strstr(netsh_out, "Content length: 11"),
               "show cachestate lists the cached page: got \"%s\"\n", dbgstr(netsh_out, -1));
            snprintf(line, sizeof(line), "show cachestate url=http://127.0.0.1:%u/c/", port);
            run_netsh(line, netsh_out, sizeof(netsh_out));
            ok(strstr(netsh_out, "/c/page") != NULL, "show cachestate url=<prefix> lists it: got \"%s\"\n",
               dbgstr(netsh_out, -1));
            snprintf(line, sizeof(line), "show cachestate url=http://127.0.0.1:%u/elsewhere", port);
            run_netsh(line, netsh_out, sizeof(netsh_out));
            ok(strstr(netsh_out, "no cache entries") != NULL, "show cachestate url=<another>: got \"%s\"\n",
               dbgstr(netsh_out, -1));
        }
        else skip("no netsh.exe\n");
    }

    /* a cached response serves as a fragment, as the documentation allows */
    ret = HttpReadFragmentFromCache(queue, wfmt(name, 256, "http://127.0.0.1:%u/c/page", port), NULL, buf,
                                    sizeof(buf), &bytes, NULL);
    ok(ret == NO_ERROR && bytes == 11, "the cached response read as a fragment: expected NO_ERROR, 11, got %lu, %lu\n", ret, bytes);

    /* HttpFlushResponseCache removes it: the application answers again */
    ret = flush(queue, "/c/page", 0);
    ok(ret == NO_ERROR, "flushing the page: expected NO_ERROR, got %lu\n", ret);
    request_text(text, sizeof(text), "GET", "/c/page", NULL);
    expect_app(text, "GET after the flush");
    free_request(req);
}

/* netsh http delete cache empties every queue's cache, or what is under its url= */
static void test_netsh_delete(void)
{
    static char netsh_out[4096];
    char text[512], args[256];

    if (!prime("/c/keep", "kept", HttpCachePolicyUserInvalidates, 0) ||
        !prime("/c/drop/page", "dropped", HttpCachePolicyUserInvalidates, 0))
        return;
    snprintf(args, sizeof(args), "delete cache url=http://127.0.0.1:%u/c/drop/ recursive=yes", port);
    if (!run_netsh(args, netsh_out, sizeof(netsh_out)))
    {
        skip("no netsh.exe\n");
        return;
    }
    ok(strstr(netsh_out, "Cache entries successfully deleted") != NULL, "delete cache url=: got \"%s\"\n",
       dbgstr(netsh_out, -1));
    request_text(text, sizeof(text), "GET", "/c/drop/page", NULL);
    expect_app(text, "after netsh http delete cache url=");
    request_text(text, sizeof(text), "GET", "/c/keep", NULL);
    expect_cached(text, "kept", NULL, "outside the url= of netsh http delete cache");
    run_netsh("delete cache", netsh_out, sizeof(netsh_out));
    ok(strstr(netsh_out, "Cache entries successfully deleted") != NULL, "delete cache: got \"%s\"\n",
       dbgstr(netsh_out, -1));
    expect_app(text, "after netsh http delete cache");
}

static void test_response_rules(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    HTTP_CACHE_POLICY policy = { HttpCachePolicyUserInvalidates, 0 };
    struct test_response r;
    struct client_job *job;
    char text[512], *big;
    ULONG ret;

    /* time to live */
    if (prime("/c/ttl-page", "for a second", HttpCachePolicyTimeToLive, 1))
    {
        request_text(text, sizeof(text), "GET", "/c/ttl-page", NULL);
        expect_cached(text, "for a second", NULL, "within its time to live");
        Sleep(1500);
        expect_app(text, "after its time to live");
    }
    /* no policy, Nocache, a time to live of 0: not cached */
    prime("/c/nocache", "not kept", HttpCachePolicyNocache, 0);
    request_text(text, sizeof(text), "GET", "/c/nocache", NULL);
    expect_app(text, "after HttpCachePolicyNocache");
    prime("/c/ttl0", "not kept", HttpCachePolicyTimeToLive, 0);
    request_text(text, sizeof(text), "GET", "/c/ttl0", NULL);
    expect_app(text, "after a time to live of 0");

    /* a bad policy type fails the send; the request can still be answered */
    request_text(text, sizeof(text), "GET", "/c/bad-policy", NULL);
    job = start_request(text, req, &ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", "x");
        policy.Policy = HttpCachePolicyMaximum;
        ret = send_with_policy(req->RequestId, 0, &r, &policy, NULL);
        ok(ret == ERROR_INVALID_PARAMETER, "HttpCachePolicyMaximum: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
        ret = respond_text(queue, req->RequestId, "fine");
        ok(ret == NO_ERROR, "answering after the refused send: expected NO_ERROR, got %lu\n", ret);
    }
    client_job_wait(job, TIMEOUT);
    client_job_free(job);

    /* a response in more than one call is not cached */
    job = start_request(text, req, &ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", "part one, ");
        policy.Policy = HttpCachePolicyUserInvalidates;
        ret = send_with_policy(req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, &policy, NULL);
        ok(ret == NO_ERROR, "a cached response with MORE_DATA: expected NO_ERROR, got %lu\n", ret);
        r.chunks[0].FromMemory.pBuffer = (void *)"part two";
        r.chunks[0].FromMemory.BufferLength = 8;
        ret = HttpSendResponseEntityBody(queue, req->RequestId, 0, 1, r.chunks, NULL, NULL, 0, NULL, NULL);
        ok(ret == NO_ERROR, "its last part: expected NO_ERROR, got %lu\n", ret);
    }
    client_job_wait(job, TIMEOUT);
    client_job_free(job);
    expect_app(text, "after a response sent in two calls");

    /* a response above UriMaxUriBytes (256 KiB) is not cached */
    big = malloc(300000);
    memset(big, 'b', 299999);
    big[299999] = 0;
    request_text(text, sizeof(text), "GET", "/c/big", NULL);
    job = start_request(text, req, &ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", big);
        ret = send_with_policy(req->RequestId, 0, &r, &policy, NULL);
        ok(ret == NO_ERROR, "a 300000-byte response with a policy: expected NO_ERROR, got %lu\n", ret);
    }
    client_job_wait(job, 10000);
    ok(job->result == CLIENT_OK && job->resp.body_len == 299999, "the big response arrives whole\n");
    client_job_free(job);
    expect_app(text, "after a response above UriMaxUriBytes");
    free(big);

    /* a malformed Last-Modified keeps it out; a good one does not */
    request_text(text, sizeof(text), "GET", "/c/lm", NULL);
    job = start_request(text, req, &ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", "dated");
        set_known_header(&r, HttpHeaderLastModified, "yesterday");
        send_with_policy(req->RequestId, 0, &r, &policy, NULL);
    }
    client_job_wait(job, TIMEOUT);
    client_job_free(job);
    expect_app(text, "after a response with a malformed Last-Modified");
    job = start_request(text, req, &ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", "dated");
        add_unknown_header(&r, "X-From", "app");
        set_known_header(&r, HttpHeaderLastModified, "Sun, 06 Nov 1994 08:49:37 GMT");
        send_with_policy(req->RequestId, 0, &r, &policy, NULL);
    }
    client_job_wait(job, TIMEOUT);
    client_job_free(job);
    expect_cached(text, "dated", NULL, "after a response with a good Last-Modified");
    free_request(req);
}

/* Entries go with the registration they were made under. */
static void test_registration_ends(void)
{
    HANDLE saved = queue, other;
    WCHAR name[256];
    char text[512];
    ULONG ret;

    if (!(other = create_queue_url("+", port, "/reg/"))) return;
    queue = other;
    prime("/reg/page", "old content", HttpCachePolicyUserInvalidates, 0);
    request_text(text, sizeof(text), "GET", "/reg/page", NULL);
    expect_cached(text, "old content", NULL, "cached on a second queue");
    ret = HttpRemoveUrl(other, url(name, "/reg/"));
    ok(ret == NO_ERROR, "HttpRemoveUrl: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrl(other, url(name, "/reg/"), NULL);
    ok(ret == NO_ERROR, "HttpAddUrl again: expected NO_ERROR, got %lu\n", ret);
    expect_app(text, "after the URL was removed and added again");

    prime("/reg/page", "old content", HttpCachePolicyUserInvalidates, 0);
    CloseHandle(other);
    /* a new queue takes the URL over: nothing of the old one's may reach its clients */
    if ((other = create_queue_url("+", port, "/reg/")))
    {
        queue = other;
        expect_app(text, "after the queue that cached it closed");
        CloseHandle(other);
    }
    queue = saved;
}

/* ------------------------------------------------------------------------------------------ */
/* Fragment chunks in responses. */

static BOOL send_chunks(const char *path, HTTP_DATA_CHUNK *chunks, USHORT count, ULONG expect_ret,
                        const char *expect_body, const char *what)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    struct client_job *job;
    char text[512];
    ULONG ret, sent = 0;
    BOOL good = FALSE;

    request_text(text, sizeof(text), "GET", path, NULL);
    job = start_request(text, req, &ret);
    if (!ret)
    {
        init_response(&r, 200, "OK", "text/plain", NULL);
        r.resp.EntityChunkCount = count;
        r.resp.pEntityChunks = chunks;
        ret = send_with_policy(req->RequestId, 0, &r, NULL, &sent);
        ok(ret == expect_ret, "%s: expected %lu, got %lu\n", what, expect_ret, ret);
        if (!ret)
            ok(sent == strlen(expect_body), "%s: expected %u bytes sent, got %lu\n", what, (unsigned)strlen(expect_body), sent);
        /* a refused send leaves the request to answer */
        if (ret) respond_text(queue, req->RequestId, expect_body);
    }
    if (client_job_wait(job, 10000))
        good = job->result == CLIENT_OK && job->resp.status == 200 && (size_t)job->resp.body_len == strlen(expect_body) &&
               !memcmp(job->resp.body, expect_body, job->resp.body_len);
    ok(good, "%s: expected the body \"%s\", got \"%s\"\n", what, dbgstr(expect_body, -1),
       dbgstr(job && job->resp.body ? job->resp.body : "", -1));
    client_job_free(job);
    free_request(req);
    return good;
}

static void test_fragment_chunks(void)
{
    HTTP_DATA_CHUNK chunks[6];
    HTTP_DATA_CHUNK_FRAGMENT_CACHE_EX *ex;
    WCHAR name1[256], name2[256];
    HTTP_REQUEST_V1 *req = alloc_request();
    struct client_job *job;
    char text[512], *file_data, *expect, path[MAX_PATH];
    HANDLE file;
    ULONG ret;
    int i;

    ok(!add_fragment(queue, "/c/part", "hello fragment", HttpCachePolicyUserInvalidates, 0), "adding /c/part\n");
    url(name1, "/c/part");
    memset(chunks, 0, sizeof(chunks));
    chunks[0] = memory_chunk("<");
    chunks[1].DataChunkType = HttpDataChunkFromFragmentCache;
    chunks[1].FromFragmentCache.pFragmentName = name1;
    chunks[1].FromFragmentCache.FragmentNameLength = (USHORT)(lstrlenW(name1) * sizeof(WCHAR));
    chunks[2] = memory_chunk(">");
    ex = (HTTP_DATA_CHUNK_FRAGMENT_CACHE_EX *)&chunks[3];
    ex->DataChunkType = HttpDataChunkFromFragmentCacheEx;
    ex->ByteRange.StartingOffset.QuadPart = 0;
    ex->ByteRange.Length.QuadPart = 5;
    ex->pFragmentName = name1;
    send_chunks("/c/with-fragments", chunks, 4, NO_ERROR, "<hello fragment>hello", "memory and fragment chunks");
    ex->ByteRange.StartingOffset.QuadPart = 6;
    ex->ByteRange.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
    send_chunks("/c/with-fragments", chunks + 3, 1, NO_ERROR, "fragment", "an Ex chunk to the fragment's end");

    /* fragments that are not there fail the send (this implementation: ERROR_PATH_NOT_FOUND) */
    url(name2, "/c/no-such-fragment");
    chunks[1].FromFragmentCache.pFragmentName = name2;
    chunks[1].FromFragmentCache.FragmentNameLength = (USHORT)(lstrlenW(name2) * sizeof(WCHAR));
    send_chunks("/c/with-fragments", chunks, 3, ERROR_PATH_NOT_FOUND, "answered anyway", "a fragment not in the cache");
    chunks[1].FromFragmentCache.pFragmentName = NULL;
    send_chunks("/c/with-fragments", chunks, 3, ERROR_INVALID_PARAMETER, "answered anyway", "a fragment chunk without a name");
    chunks[1].FromFragmentCache.pFragmentName = name1;
    chunks[1].FromFragmentCache.FragmentNameLength = 0;
    send_chunks("/c/with-fragments", chunks, 3, ERROR_INVALID_PARAMETER, "answered anyway", "a fragment name of length 0");
    chunks[1].FromFragmentCache.FragmentNameLength = (USHORT)(lstrlenW(name1) * sizeof(WCHAR));
    ex->ByteRange.StartingOffset.QuadPart = 10;
    ex->ByteRange.Length.QuadPart = 10;
    send_chunks("/c/with-fragments", chunks + 3, 1, ERROR_INVALID_PARAMETER, "answered anyway", "a range past the fragment's end");
    ex->pFragmentName = L"not a name";
    send_chunks("/c/with-fragments", chunks + 3, 1, ERROR_INVALID_PARAMETER, "answered anyway", "a fragment name that is no URL");

    /* fragments beside large file chunks (which the engine sends from the file): in their places */
    file_data = malloc(70001);
    for (i = 0; i < 70000; i++) file_data[i] = 'a' + i % 26;
    file_data[70000] = 0;
    if ((file = temp_file(path, file_data, 70000)) != INVALID_HANDLE_VALUE)
    {
        ex->ByteRange.StartingOffset.QuadPart = 0;
        ex->ByteRange.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
        ex->pFragmentName = name1;
        chunks[0] = chunks[3];
        memset(&chunks[1], 0, sizeof(chunks[1]));
        chunks[1].DataChunkType = HttpDataChunkFromFileHandle;
        chunks[1].FromFileHandle.FileHandle = file;
        chunks[1].FromFileHandle.ByteRange.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
        chunks[2] = chunks[0];
        chunks[3] = memory_chunk("!");
        chunks[4] = chunks[1];
        chunks[5] = chunks[0];
        expect = malloc(2 * 70000 + 4 * 14 + 2);
        sprintf(expect, "hello fragment%shello fragment!%shello fragment", file_data, file_data);
        send_chunks("/c/with-file", chunks, 6, NO_ERROR, expect, "fragments around file chunks");
        free(expect);
    }
    else skip("no temporary file\n");
    if (file != INVALID_HANDLE_VALUE)
    {
        CloseHandle(file);
        DeleteFileA(path);
    }
    free(file_data);

    /* HttpSendResponseEntityBody takes them too */
    request_text(text, sizeof(text), "GET", "/c/entity", NULL);
    job = start_request(text, req, &ret);
    if (!ret)
    {
        struct test_response r;
        ULONG sent = 0;

        init_response(&r, 200, "OK", "text/plain", NULL);
        set_known_header(&r, HttpHeaderContentLength, "16");
        ret = send_with_policy(req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, NULL, NULL);
        ok(ret == NO_ERROR, "headers first: expected NO_ERROR, got %lu\n", ret);
        chunks[0] = memory_chunk("[");
        memset(&chunks[1], 0, sizeof(chunks[1]));
        chunks[1].DataChunkType = HttpDataChunkFromFragmentCache;
        chunks[1].FromFragmentCache.pFragmentName = name2;
        chunks[1].FromFragmentCache.FragmentNameLength = (USHORT)(lstrlenW(name2) * sizeof(WCHAR));
        ret = HttpSendResponseEntityBody(queue, req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, 2, chunks, &sent,
                                         NULL, 0, NULL, NULL);
        ok(ret == ERROR_PATH_NOT_FOUND, "an entity body naming a missing fragment: expected ERROR_PATH_NOT_FOUND (3), got %lu\n", ret);
        chunks[1].FromFragmentCache.pFragmentName = name1;
        chunks[1].FromFragmentCache.FragmentNameLength = (USHORT)(lstrlenW(name1) * sizeof(WCHAR));
        chunks[2] = memory_chunk("]");
        ret = HttpSendResponseEntityBody(queue, req->RequestId, 0, 3, chunks, &sent, NULL, 0, NULL, NULL);
        ok(ret == NO_ERROR && sent == 16, "an entity body with a fragment: expected NO_ERROR and 16 bytes, got %lu, %lu\n", ret, sent);
    }
    ok(client_job_wait(job, TIMEOUT) && job->result == CLIENT_OK && job->resp.body &&
       !strcmp(job->resp.body, "[hello fragment]"), "the entity body with its fragment: got \"%s\"\n",
       job && job->resp.body ? job->resp.body : "");
    client_job_free(job);

    /* a fragment replaced since: the response has the new bytes */
    ok(!add_fragment(queue, "/c/part", "new bytes", HttpCachePolicyUserInvalidates, 0), "replacing /c/part\n");
    chunks[2] = memory_chunk("");
    send_chunks("/c/with-fragments", chunks, 3, NO_ERROR, "[new bytes", "a fragment replaced since");
    free_request(req);
}

int main(int argc, char **argv)
{
    test_startup("cache.c");
    port = test_port(argc, argv);
    snprintf(host, sizeof(host), "127.0.0.1:%u", port);

    if (!http_init()) return test_report();
    if (!(queue = create_queue_url("+", port, "/c/"))) return test_report();

    test_add_fragment();
    test_read_fragment();
    test_overlapped();
    test_file_fragment();
    test_flush();
    test_time_to_live();
    test_fragment_chunks();
    test_response_cache();
    test_response_rules();
    test_netsh_delete();
    test_registration_ends();

    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

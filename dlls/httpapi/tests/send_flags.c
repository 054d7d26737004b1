/*
 * HTTP Server API conformance tests: the flags of HttpSendHttpResponse and
 * HttpSendResponseEntityBody beyond DISCONNECT / MORE_DATA / OPAQUE:
 * PROCESS_RANGES (206, multipart/byteranges, 416, If-Range, file chunks),
 * BUFFER_DATA, ENABLE_NAGLING, GOAWAY, the flag combinations refused, and a
 * second send on a RequestId while one is in progress (ERROR_BAD_COMMAND).
 *
 * Usage: send_flags.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of HttpSendHttpResponse, the
 * comments of http.h, and RFC 9110 §13.1.5 and §14 for the range answers.
 */

#include "util.h"

#define FLAG_ENABLE_NAGLING 0x8
#define FLAG_PROCESS_RANGES 0x20
#define FLAG_GOAWAY         0x100

static USHORT port;
static HANDLE queue;    /* http://+:PORT/f/ */
static char host[64];   /* "127.0.0.1:PORT" */

static const char body20[] = "0123456789abcdefghij";

static BOOL connect_client(struct client *c)
{
    if (client_connect(c, AF_INET, port)) return TRUE;
    ok(0, "connecting to 127.0.0.1:%u failed: error %d\n", port, WSAGetLastError());
    client_close(c);
    return FALSE;
}

/* Sends "VERB /f/x HTTP/1.1" with extra header lines and receives it on the queue. */
static BOOL send_and_receive(struct client *c, const char *verb, const char *extra, HTTP_REQUEST_V1 *req,
                             const char *what)
{
    char request[1024];
    ULONG ret, bytes;

    snprintf(request, sizeof(request), "%s /f/x HTTP/1.1\r\nHost: %s\r\n%s%s\r\n", verb, host, extra ? extra : "",
             !strcmp(verb, "POST") ? "Content-Length: 0\r\n" : "");
    client_send_str(c, request);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "%s: receiving the request: expected NO_ERROR, got %lu\n", what, ret);
    return !ret;
}

static ULONG send_entity_sync(HTTP_REQUEST_ID id, ULONG flags, const char *data)
{
    HTTP_DATA_CHUNK chunk;
    ULONG ret, sent;

    memset(&chunk, 0, sizeof(chunk));
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (void *)data;
    chunk.FromMemory.BufferLength = (ULONG)strlen(data);
    guard_arm(queue, TIMEOUT);
    ret = HttpSendResponseEntityBody(queue, id, flags, data ? 1 : 0, data ? &chunk : NULL, &sent, NULL, 0, NULL, NULL);
    if (guard_disarm()) trace("HttpSendResponseEntityBody blocked and was cancelled\n");
    return ret;
}

static const char *header_or_none(const struct http_response *resp, const char *name)
{
    const char *v = response_header(resp, name);
    return v ? v : "(none)";
}

/*
 * One GET with the given extra header lines, answered with 200 and body20
 * (Content-Type text/plain) sent with `flags` plus whatever *setup adds;
 * the client's view goes into *resp.  Returns the client result.
 */
static int exchange(struct client *c, const char *verb, const char *extra, ULONG flags,
                    void (*setup)(struct test_response *r), struct http_response *resp, const char *what)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    ULONG ret;
    int cret = CLIENT_ERROR;

    memset(resp, 0, sizeof(*resp));
    if (send_and_receive(c, verb, extra, req, what))
    {
        init_response(&r, 200, "OK", "text/plain", body20);
        if (setup) setup(&r);
        ret = send_response_sync(queue, req->RequestId, flags, &r, NULL);
        ok(ret == NO_ERROR, "%s: HttpSendHttpResponse: expected NO_ERROR, got %lu\n", what, ret);
        cret = client_read_response(c, resp, !strcmp(verb, "HEAD"), TIMEOUT);
        ok(cret == CLIENT_OK, "%s: expected a whole response, got %d\n", what, cret);
    }
    free_request(req);
    return cret;
}

/* A 206 with one range: status, Content-Range, Content-Length and body. */
static void check_206(struct client *c, const char *range, const char *content_range, const char *expect)
{
    struct http_response resp;
    char extra[256], what[128], length[16];

    snprintf(extra, sizeof(extra), "Range: %s\r\n", range);
    snprintf(what, sizeof(what), "PROCESS_RANGES with \"%s\"", range);
    snprintf(length, sizeof(length), "%u", (unsigned)strlen(expect));
    if (exchange(c, "GET", extra, FLAG_PROCESS_RANGES, NULL, &resp, what) == CLIENT_OK)
    {
        ok(!strcmp(resp.status_line, "HTTP/1.1 206 Partial Content"),
           "%s: expected \"HTTP/1.1 206 Partial Content\", got \"%s\"\n", what, resp.status_line);
        ok(!strcmp(header_or_none(&resp, "Content-Range"), content_range),
           "%s: Content-Range: expected \"%s\", got \"%s\"\n", what, content_range, header_or_none(&resp, "Content-Range"));
        ok(!strcmp(header_or_none(&resp, "Content-Length"), length) && response_header_count(&resp, "Content-Length") == 1,
           "%s: Content-Length: expected \"%s\" once, got \"%s\" %d times\n", what, length,
           header_or_none(&resp, "Content-Length"), response_header_count(&resp, "Content-Length"));
        ok(!strcmp(header_or_none(&resp, "Content-Type"), "text/plain"),
           "%s: the application's Content-Type: expected \"text/plain\", got \"%s\"\n", what, header_or_none(&resp, "Content-Type"));
        ok(resp.body_len == (int)strlen(expect) && !memcmp(resp.body, expect, resp.body_len),
           "%s: body: expected \"%s\", got \"%s\"\n", what, expect, dbgstr(resp.body, resp.body_len));
    }
    response_free(&resp);
}

/* The whole 200 although the request had a Range field. */
static void check_200(struct client *c, const char *verb, const char *extra, ULONG flags,
                      void (*setup)(struct test_response *r), const char *what)
{
    struct http_response resp;
    BOOL head = !strcmp(verb, "HEAD");

    if (exchange(c, verb, extra, flags, setup, &resp, what) == CLIENT_OK)
    {
        ok(resp.status == 200 && !response_header(&resp, "Content-Range"),
           "%s: expected the whole 200 without Content-Range, got %d, Content-Range \"%s\"\n", what, resp.status,
           header_or_none(&resp, "Content-Range"));
        ok(!strcmp(header_or_none(&resp, "Content-Length"), "20"), "%s: Content-Length: expected \"20\", got \"%s\"\n",
           what, header_or_none(&resp, "Content-Length"));
        ok(head ? resp.body_len == 0 : (resp.body_len == 20 && !memcmp(resp.body, body20, 20)),
           "%s: expected %s, got \"%s\"\n", what, head ? "no body" : "the whole body", dbgstr(resp.body, resp.body_len));
    }
    response_free(&resp);
}

static void add_etag(struct test_response *r) { set_known_header(r, HttpHeaderEtag, "\"v1\""); }
static void add_last_modified(struct test_response *r)
{
    set_known_header(r, HttpHeaderLastModified, "Wed, 21 Oct 2015 07:28:00 GMT");
}
static void add_length(struct test_response *r) { set_known_header(r, HttpHeaderContentLength, "20"); }
static void make_404(struct test_response *r) { r->resp.StatusCode = 404; }

static void test_single_ranges(void)
{
    struct client c;

    if (!connect_client(&c)) return;
    check_206(&c, "bytes=2-5", "bytes 2-5/20", "2345");
    check_206(&c, "bytes=-3", "bytes 17-19/20", "hij");                 /* suffix */
    check_206(&c, "bytes=15-", "bytes 15-19/20", "fghij");              /* open-ended */
    check_206(&c, "bytes=10-100", "bytes 10-19/20", "abcdefghij");      /* clamped to the end */
    check_206(&c, "bytes=0-0", "bytes 0-0/20", "0");
    check_206(&c, "bytes=0-18446744073709551615", "bytes 0-19/20", body20); /* MS15-034's number */
    check_206(&c, "bytes=30-40, 4-4", "bytes 4-4/20", "4");              /* the satisfiable one of two */
    check_200(&c, "GET", "Range: bytes=5-2\r\n", FLAG_PROCESS_RANGES, NULL, "an invalid range");
    check_200(&c, "GET", "Range: items=0-1\r\n", FLAG_PROCESS_RANGES, NULL, "a unit other than bytes");
    check_200(&c, "GET", "Range: bytes=0-5,3-8\r\n", FLAG_PROCESS_RANGES, NULL, "overlapping ranges");
    client_close(&c);
}

static void test_multi_range(void)
{
    struct http_response resp;
    const char *type, *boundary;
    char expect[512];
    struct client c;
    int n;

    if (!connect_client(&c)) return;
    if (exchange(&c, "GET", "Range: bytes=0-1, 18-\r\n", FLAG_PROCESS_RANGES, NULL, &resp, "two ranges") == CLIENT_OK)
    {
        ok(resp.status == 206, "two ranges: expected 206, got %d\n", resp.status);
        type = header_or_none(&resp, "Content-Type");
        boundary = strstr(type, "; boundary=");
        ok(!strncmp(type, "multipart/byteranges; boundary=", 31) && boundary && boundary[11],
           "two ranges: Content-Type: expected \"multipart/byteranges; boundary=...\", got \"%s\"\n", type);
        ok(!response_header(&resp, "Content-Range"), "two ranges: expected no Content-Range on the whole, got \"%s\"\n",
           header_or_none(&resp, "Content-Range"));
        if (boundary)
        {
            boundary += 11;
            n = snprintf(expect, sizeof(expect),
                         "--%s\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/20\r\n\r\n01\r\n"
                         "--%s\r\nContent-Type: text/plain\r\nContent-Range: bytes 18-19/20\r\n\r\nij\r\n"
                         "--%s--\r\n", boundary, boundary, boundary);
            ok(resp.body_len == n && !memcmp(resp.body, expect, n),
               "two ranges: expected the multipart body \"%s\", got \"%s\"\n", dbgstr(expect, n), dbgstr(resp.body, resp.body_len));
            ok(atoi(header_or_none(&resp, "Content-Length")) == n,
               "two ranges: Content-Length: expected %d, got \"%s\"\n", n, header_or_none(&resp, "Content-Length"));
        }
    }
    response_free(&resp);
    check_206(&c, "bytes=1-1", "bytes 1-1/20", "1");   /* the connection goes on */
    client_close(&c);
}

static void test_unsatisfiable(void)
{
    struct http_response resp;
    struct client c;

    if (!connect_client(&c)) return;
    if (exchange(&c, "GET", "Range: bytes=20-\r\n", FLAG_PROCESS_RANGES, NULL, &resp, "an unsatisfiable range") == CLIENT_OK)
    {
        ok(!strncmp(resp.status_line, "HTTP/1.1 416 ", 13), "an unsatisfiable range: expected 416, got \"%s\"\n", resp.status_line);
        ok(!strcmp(header_or_none(&resp, "Content-Range"), "bytes */20"),
           "an unsatisfiable range: Content-Range: expected \"bytes */20\", got \"%s\"\n", header_or_none(&resp, "Content-Range"));
        ok(!strcmp(header_or_none(&resp, "Content-Length"), "0") && resp.body_len == 0,
           "an unsatisfiable range: expected no body, got Content-Length \"%s\", %d bytes\n",
           header_or_none(&resp, "Content-Length"), resp.body_len);
    }
    response_free(&resp);
    check_206(&c, "bytes=-1", "bytes 19-19/20", "j");   /* the connection goes on */
    client_close(&c);
}

static void test_if_range(void)
{
    struct http_response resp;
    struct client c;

    if (!connect_client(&c)) return;
    if (exchange(&c, "GET", "Range: bytes=0-3\r\nIf-Range: \"v1\"\r\n", FLAG_PROCESS_RANGES, add_etag, &resp,
                 "If-Range with the response's ETag") == CLIENT_OK)
        ok(resp.status == 206 && resp.body_len == 4 && !memcmp(resp.body, "0123", 4),
           "If-Range with the response's ETag: expected 206 \"0123\", got %d \"%s\"\n", resp.status, dbgstr(resp.body, resp.body_len));
    response_free(&resp);
    check_200(&c, "GET", "Range: bytes=0-3\r\nIf-Range: \"v0\"\r\n", FLAG_PROCESS_RANGES, add_etag,
              "If-Range with another ETag");
    check_200(&c, "GET", "Range: bytes=0-3\r\nIf-Range: W/\"v1\"\r\n", FLAG_PROCESS_RANGES, add_etag,
              "If-Range with a weak ETag");
    check_200(&c, "GET", "Range: bytes=0-3\r\nIf-Range: \"v1\"\r\n", FLAG_PROCESS_RANGES, NULL,
              "If-Range and a response without ETag");
    check_200(&c, "GET", "Range: bytes=40-\r\nIf-Range: \"v0\"\r\n", FLAG_PROCESS_RANGES, add_etag,
              "an unsatisfiable range whose If-Range fails");
    if (exchange(&c, "GET", "Range: bytes=0-3\r\nIf-Range: Wed, 21 Oct 2015 07:28:00 GMT\r\n", FLAG_PROCESS_RANGES,
                 add_last_modified, &resp, "If-Range with the response's Last-Modified") == CLIENT_OK)
        ok(resp.status == 206 && resp.body_len == 4, "If-Range with the response's Last-Modified: expected 206, got %d\n", resp.status);
    response_free(&resp);
    check_200(&c, "GET", "Range: bytes=0-3\r\nIf-Range: Wed, 21 Oct 2015 07:28:01 GMT\r\n", FLAG_PROCESS_RANGES,
              add_last_modified, "If-Range with another date");
    client_close(&c);
}

/* When the Range field is left alone. */
static void test_ranges_ignored(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    struct client c;
    ULONG ret;
    int cret;

    if (!connect_client(&c)) goto done;
    check_200(&c, "GET", "Range: bytes=2-5\r\n", 0, NULL, "a Range field without PROCESS_RANGES");
    check_200(&c, "HEAD", "Range: bytes=2-5\r\n", FLAG_PROCESS_RANGES, NULL, "PROCESS_RANGES on a HEAD");
    check_200(&c, "POST", "Range: bytes=2-5\r\n", FLAG_PROCESS_RANGES, NULL, "PROCESS_RANGES on a POST");
    check_206(&c, "bytes=2-5", "bytes 2-5/20", "2345");
    if (exchange(&c, "GET", "Range: bytes=2-5\r\n", FLAG_PROCESS_RANGES, make_404, &resp, "PROCESS_RANGES on a 404") == CLIENT_OK)
        ok(resp.status == 404 && resp.body_len == 20 && !response_header(&resp, "Content-Range"),
           "PROCESS_RANGES on a 404: expected the whole 404, got %d with %d bytes\n", resp.status, resp.body_len);
    response_free(&resp);

    /* the application's Content-Length gives way to the range's */
    if (exchange(&c, "GET", "Range: bytes=2-5\r\n", FLAG_PROCESS_RANGES, add_length, &resp,
                 "PROCESS_RANGES with the application's Content-Length") == CLIENT_OK)
        ok(resp.status == 206 && !strcmp(header_or_none(&resp, "Content-Length"), "4") &&
           response_header_count(&resp, "Content-Length") == 1 && resp.body_len == 4,
           "PROCESS_RANGES with the application's Content-Length: expected 206 with one Content-Length \"4\", got %d \"%s\" (%d)\n",
           resp.status, header_or_none(&resp, "Content-Length"), response_header_count(&resp, "Content-Length"));
    response_free(&resp);

    /* MORE_DATA: the response is not whole in one call */
    if (!send_and_receive(&c, "GET", "Range: bytes=2-5\r\n", req, "PROCESS_RANGES with MORE_DATA")) goto done1;
    init_response(&r, 200, "OK", "text/plain", "0123456789");
    set_known_header(&r, HttpHeaderContentLength, "20");
    ret = send_response_sync(queue, req->RequestId, FLAG_PROCESS_RANGES | HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, NULL);
    ok(ret == NO_ERROR, "PROCESS_RANGES | MORE_DATA: expected NO_ERROR, got %lu\n", ret);
    ret = send_entity_sync(req->RequestId, FLAG_PROCESS_RANGES, "abcdefghij");
    ok(ret == NO_ERROR, "the last part after PROCESS_RANGES | MORE_DATA: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200 && resp.body_len == 20 && !memcmp(resp.body, body20, 20),
       "PROCESS_RANGES with MORE_DATA: expected the whole 200, got result %d status %d body \"%s\"\n", cret, resp.status,
       dbgstr(resp.body, resp.body_len));
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

/* A file of SIZE bytes, byte i = (i * 7 + seed) & 0xff; returns a handle open for reading. */
static HANDLE make_file(DWORD size, BYTE seed, char *path, DWORD path_len)
{
    char dir[MAX_PATH];
    BYTE *data = malloc(size);
    HANDLE h;
    DWORD i, written = 0;

    GetTempPathA(sizeof(dir), dir);
    snprintf(path, path_len, "%shttpapi-ranges-%lu.bin", dir, GetCurrentProcessId());
    for (i = 0; i < size; i++) data[i] = (BYTE)(i * 7 + seed);
    h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) WriteFile(h, data, size, &written, NULL);
    CloseHandle(h);
    free(data);
    return CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
}

static BOOL file_bytes_match(const char *body, DWORD offset, DWORD len, BYTE seed)
{
    DWORD i;
    for (i = 0; i < len; i++) if ((BYTE)body[i] != (BYTE)((offset + i) * 7 + seed)) return FALSE;
    return TRUE;
}

/* The body "<" + file[3..] + ">" of a file large enough to go out with sendfile. */
enum { BIG = 300000, WHOLE = 1 + (BIG - 3) + 1 };
static HANDLE big_file;

static void file_response(struct test_response *r)
{
    init_response(r, 200, "OK", "application/octet-stream", "<");
    memset(&r->chunks[1], 0, sizeof(r->chunks[1]));
    r->chunks[1].DataChunkType = HttpDataChunkFromFileHandle;
    r->chunks[1].FromFileHandle.FileHandle = big_file;
    r->chunks[1].FromFileHandle.ByteRange.StartingOffset.QuadPart = 3;
    r->chunks[1].FromFileHandle.ByteRange.Length.QuadPart = HTTP_BYTE_RANGE_TO_EOF;
    r->chunks[2] = r->chunks[0];
    r->chunks[2].FromMemory.pBuffer = (void *)">";
    r->resp.EntityChunkCount = 3;
}

static void test_file_ranges(void)
{
    struct http_response resp;
    char path[MAX_PATH], extra[128], expect_range[64];
    const char *boundary;
    struct client c;
    int cret;

    big_file = make_file(BIG, 5, path, sizeof(path));
    ok(big_file != INVALID_HANDLE_VALUE, "creating the test file: error %lu\n", GetLastError());
    if (big_file == INVALID_HANDLE_VALUE) return;
    if (!connect_client(&c)) goto done;

    /* across the memory chunk and into the file */
    cret = exchange(&c, "GET", "Range: bytes=0-9\r\n", FLAG_PROCESS_RANGES, file_response, &resp, "a range into a file chunk");
    snprintf(expect_range, sizeof(expect_range), "bytes 0-9/%u", WHOLE);
    ok(cret == CLIENT_OK && resp.status == 206 && !strcmp(header_or_none(&resp, "Content-Range"), expect_range) &&
       resp.body_len == 10 && resp.body[0] == '<' && file_bytes_match(resp.body + 1, 3, 9, 5),
       "a range into a file chunk: expected 206 \"%s\" with \"<\" and 9 file bytes, got %d \"%s\", %d bytes\n",
       expect_range, resp.status, header_or_none(&resp, "Content-Range"), resp.body_len);
    response_free(&resp);

    /* inside the file, far from its start: sendfile from the right offset */
    cret = exchange(&c, "GET", "Range: bytes=100001-250000\r\n", FLAG_PROCESS_RANGES, file_response, &resp,
                    "a range inside a file chunk");
    ok(cret == CLIENT_OK && resp.status == 206 && resp.body_len == 150000 && file_bytes_match(resp.body, 100003, 150000, 5),
       "a range inside a file chunk: expected 206 with file bytes 100003.. (150000), got %d, %d bytes\n", resp.status, resp.body_len);
    response_free(&resp);

    /* the end of the file and the memory chunk after it */
    cret = exchange(&c, "GET", "Range: bytes=-5\r\n", FLAG_PROCESS_RANGES, file_response, &resp, "a suffix over a file chunk");
    ok(cret == CLIENT_OK && resp.status == 206 && resp.body_len == 5 && file_bytes_match(resp.body, BIG - 4, 4, 5) &&
       resp.body[4] == '>', "a suffix over a file chunk: expected 206 with 4 file bytes and \">\", got %d, %d bytes\n",
       resp.status, resp.body_len);
    response_free(&resp);

    /* several parts of one file */
    snprintf(extra, sizeof(extra), "Range: bytes=1-2,70000-70009,%u-\r\n", WHOLE - 1);
    cret = exchange(&c, "GET", extra, FLAG_PROCESS_RANGES, file_response, &resp, "three ranges over a file chunk");
    boundary = cret == CLIENT_OK ? strstr(header_or_none(&resp, "Content-Type"), "boundary=") : NULL;
    if (boundary)
    {
        char head[256];
        const char *p = resp.body, *end = resp.body + resp.body_len;
        int n;

        boundary += 9;
        n = snprintf(head, sizeof(head), "--%s\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 1-2/%u\r\n\r\n",
                     boundary, WHOLE);
        ok(end - p >= n + 2 && !memcmp(p, head, n) && file_bytes_match(p + n, 3, 2, 5),
           "three ranges over a file chunk: the first part: expected \"%s\" and 2 file bytes\n", dbgstr(head, n));
        p += n + 2;
        n = snprintf(head, sizeof(head), "\r\n--%s\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 70000-70009/%u\r\n\r\n",
                     boundary, WHOLE);
        ok(end - p >= n + 10 && !memcmp(p, head, n) && file_bytes_match(p + n, 70002, 10, 5),
           "three ranges over a file chunk: the second part: expected \"%s\" and 10 file bytes\n", dbgstr(head, n));
        p += n + 10;
        n = snprintf(head, sizeof(head), "\r\n--%s\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes %u-%u/%u\r\n\r\n>"
                     "\r\n--%s--\r\n", boundary, WHOLE - 1, WHOLE - 1, WHOLE, boundary);
        ok(end - p == n && !memcmp(p, head, n), "three ranges over a file chunk: the last part and the end: expected \"%s\", got \"%s\"\n",
           dbgstr(head, n), dbgstr(p, (int)(end - p)));
    }
    else ok(0, "three ranges over a file chunk: expected a multipart 206, got %d \"%s\"\n", resp.status, header_or_none(&resp, "Content-Type"));
    response_free(&resp);
    client_close(&c);
done:
    CloseHandle(big_file);
    DeleteFileA(path);
}

/* GOAWAY: "must always be specified with DISCONNECT"; on HTTP/1.x it is DISCONNECT. */
static void test_goaway(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    struct client c;
    ULONG ret;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", NULL, req, "GOAWAY")) goto done1;
    init_response(&r, 200, "OK", "text/plain", "bye");
    ret = send_response_sync(queue, req->RequestId, FLAG_GOAWAY, &r, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "GOAWAY without DISCONNECT: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = send_response_sync(queue, req->RequestId, FLAG_GOAWAY | HTTP_SEND_RESPONSE_FLAG_DISCONNECT, &r, NULL);
    ok(ret == NO_ERROR, "GOAWAY | DISCONNECT: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200 && resp.body_len == 3,
       "GOAWAY | DISCONNECT: expected the 200 \"bye\", got result %d status %d\n", cret, resp.status);
    ok(!strcmp(header_or_none(&resp, "Connection"), "close"), "GOAWAY | DISCONNECT: Connection: expected \"close\", got \"%s\"\n",
       header_or_none(&resp, "Connection"));
    ok(resp.closed || client_wait_closed(&c, TIMEOUT), "GOAWAY | DISCONNECT: expected the connection closed after the response\n");
    response_free(&resp);
    client_close(&c);

    /* DISCONNECT with MORE_DATA: what ASP.NET Core sends when a streamed response ends the connection */
    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", NULL, req, "DISCONNECT | MORE_DATA")) goto done1;
    init_response(&r, 200, "OK", "text/plain", "01234");
    set_known_header(&r, HttpHeaderContentLength, "10");
    ret = send_response_sync(queue, req->RequestId, HTTP_SEND_RESPONSE_FLAG_DISCONNECT | HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, NULL);
    ok(ret == NO_ERROR, "DISCONNECT | MORE_DATA: expected NO_ERROR, got %lu\n", ret);
    ret = send_entity_sync(req->RequestId, HTTP_SEND_RESPONSE_FLAG_DISCONNECT, "56789");
    ok(ret == NO_ERROR, "the last send after DISCONNECT | MORE_DATA: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body_len == 10 && !memcmp(resp.body, "0123456789", 10),
       "DISCONNECT | MORE_DATA: expected the whole body, got result %d \"%s\"\n", cret, dbgstr(resp.body, resp.body_len));
    ok(resp.closed || client_wait_closed(&c, TIMEOUT), "DISCONNECT | MORE_DATA: expected the connection closed after the response\n");
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

/* A response in parts sent with `flags` on every call: the client must get
 * exactly the bytes, and the connection must go on. */
static void check_parts(ULONG flags, const char *what)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    char expect[64], part[4], got[256];
    struct client c;
    DWORD timeout = TIMEOUT;
    ULONG ret;
    int i, n, len = 0, cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", NULL, req, what)) goto done1;
    init_response(&r, 200, "OK", "text/plain", "[");
    set_known_header(&r, HttpHeaderContentLength, "41");
    ret = send_response_sync(queue, req->RequestId, flags | HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, NULL);
    ok(ret == NO_ERROR, "%s: HttpSendHttpResponse: expected NO_ERROR, got %lu\n", what, ret);
    /* what was sent so far reaches the client without a final send */
    setsockopt(c.s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
    while (len < (int)sizeof(got) - 1 && (len < 5 || memcmp(got + len - 5, "\r\n\r\n[", 5)))
    {
        if ((n = recv(c.s, got + len, 1, 0)) <= 0) break;
        len += n;
    }
    ok(len >= 5 && !memcmp(got + len - 5, "\r\n\r\n[", 5), "%s: expected the head and \"[\" before the last send, got %d bytes\n",
       what, len);
    strcpy(expect, "[");
    for (i = 0; i < 20 && !ret; i++)
    {
        snprintf(part, sizeof(part), "%c%c", 'a' + i, 'A' + i);
        strcat(expect, part);
        ret = send_entity_sync(req->RequestId, flags | (i < 19 ? HTTP_SEND_RESPONSE_FLAG_MORE_DATA : 0), part);
    }
    ok(ret == NO_ERROR, "%s: HttpSendResponseEntityBody: expected NO_ERROR, got %lu\n", what, ret);
    /* the head and "[" are read: the 40 bytes of the parts follow, the last send flushed them */
    n = 0;
    while (n < 40)
    {
        int got_now = recv(c.s, got + n, 40 - n, 0);
        if (got_now <= 0) break;
        n += got_now;
    }
    ok(n == 40 && !memcmp(got, expect + 1, 40), "%s: expected the 40 bytes \"%s\" after \"[\", got %d \"%s\"\n", what,
       dbgstr(expect + 1, 40), n, dbgstr(got, n));
    /* the connection goes on */
    if (send_and_receive(&c, "GET", NULL, req, what))
    {
        respond_text(queue, req->RequestId, "next");
        cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
        ok(cret == CLIENT_OK && resp.body_len == 4, "%s: the next request on the connection: expected \"next\", got result %d\n",
           what, cret);
        response_free(&resp);
    }
done1:
    client_close(&c);
done:
    free_request(req);
}

static void test_buffer_and_nagling(void)
{
    check_parts(HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA, "BUFFER_DATA");
    check_parts(FLAG_ENABLE_NAGLING, "ENABLE_NAGLING");
    check_parts(HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA | FLAG_ENABLE_NAGLING, "BUFFER_DATA | ENABLE_NAGLING");
}

static void test_bad_flags(void)
{
    static const ULONG bad[] = { 0x10, 0x80, 0x200 /* AUTOMATIC_CHUNKING, not in this http.sys */, 0x400, 0x80000000 };
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    struct client c;
    ULONG ret;
    unsigned i;
    int cret;

    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", NULL, req, "unknown flags")) goto done1;
    init_response(&r, 200, "OK", "text/plain", "ab");
    set_known_header(&r, HttpHeaderContentLength, "4");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        ret = send_response_sync(queue, req->RequestId, bad[i], &r, NULL);
        ok(ret == ERROR_INVALID_PARAMETER, "HttpSendHttpResponse with flag %#lx: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
           bad[i], ret);
    }
    ret = send_response_sync(queue, req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r, NULL);
    ok(ret == NO_ERROR, "after refused flags the request is answerable: expected NO_ERROR, got %lu\n", ret);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        ret = send_entity_sync(req->RequestId, bad[i], "cd");
        ok(ret == ERROR_INVALID_PARAMETER, "HttpSendResponseEntityBody with flag %#lx: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
           bad[i], ret);
    }
    ret = send_entity_sync(req->RequestId, FLAG_GOAWAY, "cd");
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSendResponseEntityBody with GOAWAY alone: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = send_entity_sync(req->RequestId, 0, "cd");
    ok(ret == NO_ERROR, "the last send after refused flags: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body_len == 4 && !memcmp(resp.body, "abcd", 4),
       "refused sends put nothing on the wire: expected \"abcd\", got result %d \"%s\"\n", cret, dbgstr(resp.body, resp.body_len));
    response_free(&resp);
done1:
    client_close(&c);
done:
    free_request(req);
}

/* A second send on a RequestId while an OVERLAPPED one is still in progress. */
static void test_concurrent_sends(void)
{
    enum { BIG_BODY = 4 << 20 };
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    char *data = malloc(BIG_BODY), length[16];
    struct client c;
    OVERLAPPED ov;
    ULONG ret, bytes;
    int cret;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    memset(data, 'x', BIG_BODY);
    if (!connect_client(&c)) goto done;
    if (!send_and_receive(&c, "GET", NULL, req, "concurrent sends")) goto done1;
    init_response(&r, 200, "OK", "text/plain", NULL);
    r.chunks[0].DataChunkType = HttpDataChunkFromMemory;
    r.chunks[0].FromMemory.pBuffer = data;
    r.chunks[0].FromMemory.BufferLength = BIG_BODY;
    r.resp.EntityChunkCount = 1;
    r.resp.pEntityChunks = r.chunks;
    snprintf(length, sizeof(length), "%u", BIG_BODY + 3);
    set_known_header(&r, HttpHeaderContentLength, length);
    ret = HttpSendHttpResponse(queue, req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, &r.resp, NULL, NULL, NULL, 0, &ov, NULL);
    ok(ret == ERROR_IO_PENDING || ret == NO_ERROR, "an OVERLAPPED send of 4 MiB: expected ERROR_IO_PENDING, got %lu\n", ret);
    if (ret == ERROR_IO_PENDING && WaitForSingleObject(ov.hEvent, 0) == WAIT_TIMEOUT)
    {
        ret = send_entity_sync(req->RequestId, HTTP_SEND_RESPONSE_FLAG_MORE_DATA, "y");
        ok(ret == ERROR_BAD_COMMAND, "a send while another is in progress: expected ERROR_BAD_COMMAND (22), got %lu\n", ret);
    }
    else skip("the OVERLAPPED send completed at once\n");
    ret = finish_overlapped(queue, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "the OVERLAPPED send: expected NO_ERROR, got %lu\n", ret);
    ret = send_entity_sync(req->RequestId, 0, "end");
    ok(ret == NO_ERROR, "a send once the first has completed: expected NO_ERROR, got %lu\n", ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.body_len == BIG_BODY + 3 && !memcmp(resp.body + BIG_BODY, "end", 3) &&
       resp.body[0] == 'x' && resp.body[BIG_BODY - 1] == 'x',
       "the client gets the first send and the last, nothing of the refused one: got result %d, %d bytes\n", cret, resp.body_len);
    response_free(&resp);
done1:
    client_close(&c);
done:
    CloseHandle(ov.hEvent);
    free(data);
    free_request(req);
}

int main(int argc, char **argv)
{
    test_startup("send_flags.c");
    port = test_port(argc, argv);
    snprintf(host, sizeof(host), "127.0.0.1:%u", port);

    if (!http_init()) return test_report();
    if (!(queue = create_queue_url("+", port, "/f/"))) return test_report();

    test_single_ranges();
    test_multi_range();
    test_unsatisfiable();
    test_if_range();
    test_ranges_ignored();
    test_file_ranges();
    test_goaway();
    test_buffer_and_nagling();
    test_bad_flags();
    test_concurrent_sends();

    CloseHandle(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

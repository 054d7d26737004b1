/*
 * HTTP Server API v1 conformance tests: HttpInitialize / HttpTerminate, HttpCreateHttpHandle,
 * HttpAddUrl / HttpRemoveUrl.
 *
 * Usage: v1_init.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of httpapi.dll (see shared/reference/httpapi.md).
 */

#include "util.h"

static USHORT port;

/* Must run before anything else in the process calls HttpInitialize. */
static void test_before_initialize(void)
{
    HANDLE queue = NULL;
    ULONG ret;

    ret = HttpCreateHttpHandle(&queue, 0);
    ok(ret == ERROR_DLL_INIT_FAILED,
       "HttpCreateHttpHandle before HttpInitialize: expected ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    if (!ret) CloseHandle(queue);
}

static void test_initialize_flags(void)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    HANDLE queue = NULL;
    ULONG ret, reserved = 0;

    /* The documented flags are SERVER (1) and CONFIG (2), "one or both": anything else is an
     * "unsupported value" (ERROR_INVALID_PARAMETER). */
    ret = HttpInitialize(version, 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpInitialize(flags 0): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) HttpTerminate(0, NULL);

    ret = HttpInitialize(version, 0x8, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpInitialize(flags 0x8): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) HttpTerminate(0x8, NULL);

    ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER | 0x8, NULL);
    ok(ret == ERROR_INVALID_PARAMETER,
       "HttpInitialize(HTTP_INITIALIZE_SERVER|0x8): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) HttpTerminate(HTTP_INITIALIZE_SERVER | 0x8, NULL);

    /* pReserved "must be NULL". */
    ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER, &reserved);
    ok(ret == ERROR_INVALID_PARAMETER,
       "HttpInitialize with pReserved non-NULL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);

    /* A failed HttpInitialize initialises nothing (inferred: a failure has no effect). */
    ret = HttpCreateHttpHandle(&queue, 0);
    ok(ret == ERROR_DLL_INIT_FAILED,
       "HttpCreateHttpHandle after failed HttpInitialize calls only: expected ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    if (!ret) CloseHandle(queue);
}

/* HTTP_INITIALIZE_SERVER|HTTP_INITIALIZE_CONFIG is what ASP.NET Core passes: the server part
 * must work after it, with no other initialisation in the process. */
static void test_initialize_server_config(void)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    HANDLE queue = NULL;
    ULONG ret, recv_error;
    int status;

    ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(SERVER|CONFIG): expected NO_ERROR, got %lu\n", ret);
    if (ret) return;

    ret = HttpCreateHttpHandle(&queue, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle after HttpInitialize(SERVER|CONFIG): expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        WCHAR url[128];
        ret = HttpAddUrl(queue, wfmt(url, 128, "http://+:%u/cfg/", port), NULL);
        ok(ret == NO_ERROR, "HttpAddUrl(http://+:%u/cfg/) after HttpInitialize(SERVER|CONFIG): expected NO_ERROR, got %lu\n",
           port, ret);
        if (!ret)
        {
            char host[64];
            snprintf(host, sizeof(host), "127.0.0.1:%u", port);
            status = round_trip(queue, AF_INET, port, host, "/cfg/x", &recv_error);
            ok(status == 200, "request through a queue made after HttpInitialize(SERVER|CONFIG): expected 200, "
               "got %d (receive error %lu)\n", status, recv_error);
            ret = HttpRemoveUrl(queue, url);
            ok(ret == NO_ERROR, "HttpRemoveUrl(http://+:%u/cfg/): expected NO_ERROR, got %lu\n", port, ret);
        }
        CloseHandle(queue);
    }

    ret = HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    ok(ret == NO_ERROR, "HttpTerminate(SERVER|CONFIG): expected NO_ERROR, got %lu\n", ret);

    /* Inferred: each HttpInitialize is matched by an HttpTerminate, so after the last one the
     * process is back to its uninitialised state. */
    ret = HttpCreateHttpHandle(&queue, 0);
    ok(ret == ERROR_DLL_INIT_FAILED,
       "HttpCreateHttpHandle after the matching HttpTerminate: expected ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    if (!ret) CloseHandle(queue);

    ret = HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(HTTP_INITIALIZE_CONFIG): expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ret = HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
        ok(ret == NO_ERROR, "HttpTerminate(HTTP_INITIALIZE_CONFIG): expected NO_ERROR, got %lu\n", ret);
    }
}

static void test_create_handle(void)
{
    HANDLE queue;
    ULONG ret;

    ret = HttpCreateHttpHandle(NULL, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateHttpHandle(NULL, 0): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* "Reserved. This parameter must be zero." */
    queue = NULL;
    ret = HttpCreateHttpHandle(&queue, 1);
    ok(ret == ERROR_INVALID_PARAMETER,
       "HttpCreateHttpHandle with Reserved 1: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) CloseHandle(queue);

    queue = NULL;
    ret = HttpCreateHttpHandle(&queue, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ok(queue != NULL && queue != INVALID_HANDLE_VALUE, "HttpCreateHttpHandle: expected a handle, got %p\n", queue);
    if (!ret) CloseHandle(queue);
}

static void add_url_expect(HANDLE queue, const char *url_a, ULONG expect, const char *expect_name)
{
    WCHAR url[256];
    ULONG ret;

    wfmt(url, 256, url_a, port);
    ret = HttpAddUrl(queue, url, NULL);
    ok(ret == expect, "HttpAddUrl(%ls): expected %s (%lu), got %lu\n", url, expect_name, expect, ret);
    if (!ret && expect) HttpRemoveUrl(queue, url);
}

static void remove_url_expect(HANDLE queue, const char *url_a, ULONG expect, const char *expect_name)
{
    WCHAR url[256];
    ULONG ret;

    wfmt(url, 256, url_a, port);
    ret = HttpRemoveUrl(queue, url);
    ok(ret == expect, "HttpRemoveUrl(%ls): expected %s (%lu), got %lu\n", url, expect_name, expect, ret);
}

static void test_add_remove_url(void)
{
    HANDLE queue, queue2;
    ULONG ret;

    if (!(queue = create_queue())) return;
    if (!(queue2 = create_queue()))
    {
        CloseHandle(queue);
        return;
    }

    ret = HttpAddUrl(queue, NULL, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrl(NULL prefix): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    add_url_expect(queue, "http://+:%u/a/", NO_ERROR, "NO_ERROR");
    add_url_expect(queue, "http://+:%u/a/", ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS, same prefix on the same queue");
    add_url_expect(queue2, "http://+:%u/a/", ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS, same prefix on another queue");

    /* Malformed prefixes (UrlPrefix Strings): no trailing slash, uppercase scheme, bad or no port. */
    add_url_expect(queue, "http://+:%u/b", ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER, no trailing slash");
    add_url_expect(queue, "http://+:%u", ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER, no path");
    add_url_expect(queue, "HTTP://+:%u/c/", ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER, uppercase scheme");
    ret = HttpAddUrl(queue, L"http://+:0/d/", NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrl(http://+:0/d/): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) HttpRemoveUrl(queue, L"http://+:0/d/");
    ret = HttpAddUrl(queue, L"http://+:65536/d/", NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrl(http://+:65536/d/): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) HttpRemoveUrl(queue, L"http://+:65536/d/");
    ret = HttpAddUrl(queue, L"http://+/d/", NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrl(http://+/d/), no port: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    if (!ret) HttpRemoveUrl(queue, L"http://+/d/");

    /* Every host form of the UrlPrefix Strings page; each is a category of its own, so none of
     * them conflicts with http://+:PORT/a/. */
    add_url_expect(queue, "http://localhost:%u/", NO_ERROR, "NO_ERROR");
    add_url_expect(queue, "http://127.0.0.1:%u/", NO_ERROR, "NO_ERROR");
    add_url_expect(queue, "http://*:%u/x/", NO_ERROR, "NO_ERROR");
    add_url_expect(queue, "http://[::1]:%u/v6/", NO_ERROR, "NO_ERROR");
    remove_url_expect(queue, "http://localhost:%u/", NO_ERROR, "NO_ERROR");
    remove_url_expect(queue, "http://127.0.0.1:%u/", NO_ERROR, "NO_ERROR");
    remove_url_expect(queue, "http://*:%u/x/", NO_ERROR, "NO_ERROR");
    remove_url_expect(queue, "http://[::1]:%u/v6/", NO_ERROR, "NO_ERROR");

    remove_url_expect(queue, "http://+:%u/never/", ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND, never registered");
    remove_url_expect(queue, "http://+:%u/a/", NO_ERROR, "NO_ERROR");
    remove_url_expect(queue, "http://+:%u/a/", ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND, removed twice");

    ret = HttpRemoveUrl(queue, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpRemoveUrl(NULL prefix): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* Once removed, the prefix is free for another queue. */
    add_url_expect(queue2, "http://+:%u/a/", NO_ERROR, "NO_ERROR, after the first queue removed it");
    remove_url_expect(queue2, "http://+:%u/a/", NO_ERROR, "NO_ERROR");

    CloseHandle(queue2);
    CloseHandle(queue);
}

/*
 * After HttpRemoveUrl, requests for the prefix are no longer routed to the queue: http.sys
 * answers them itself.  Another prefix stays registered on the port so that the port is still
 * served; the request's host then matches (the "+" category matches every host) but no path
 * does, which http.sys answers with 404 (reference §5.2, point 5).
 */
static void test_request_after_remove(void)
{
    struct http_response resp;
    HTTP_REQUEST_V1 *req;
    char request[256], host[64];
    HANDLE queue;
    WCHAR url[128];
    ULONG ret, bytes, recv_error;
    int status, cret;

    if (!(queue = create_queue_url("+", port, "/keep/"))) return;
    ret = HttpAddUrl(queue, wfmt(url, 128, "http://+:%u/gone/", port), NULL);
    ok(ret == NO_ERROR, "HttpAddUrl(%ls): expected NO_ERROR, got %lu\n", url, ret);
    if (ret)
    {
        CloseHandle(queue);
        return;
    }

    snprintf(host, sizeof(host), "127.0.0.1:%u", port);
    status = round_trip(queue, AF_INET, port, host, "/gone/x", &recv_error);
    ok(status == 200, "request for a registered prefix: expected 200, got %d (receive error %lu)\n", status, recv_error);

    ret = HttpRemoveUrl(queue, url);
    ok(ret == NO_ERROR, "HttpRemoveUrl(%ls): expected NO_ERROR, got %lu\n", url, ret);

    snprintf(request, sizeof(request), "GET /gone/x HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
    cret = http_request(AF_INET, port, request, FALSE, &resp, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 404,
       "request for a removed prefix: expected a 404 from http.sys, got result %d status %d\n", cret, resp.status);
    response_free(&resp);

    req = alloc_request();
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, SHORT_WAIT);
    ok(ret == WAIT_TIMEOUT, "request for a removed prefix must not reach the queue: expected no request, got %lu (%s)\n",
       ret, ret ? "" : dbgstr(req->pRawUrl, req->RawUrlLength));
    if (!ret) respond_text(queue, req->RequestId, "wrong");
    free_request(req);

    /* The prefix that stays is still served. */
    status = round_trip(queue, AF_INET, port, host, "/keep/y", &recv_error);
    ok(status == 200, "request for the prefix still registered: expected 200, got %d (receive error %lu)\n",
       status, recv_error);
    CloseHandle(queue);
}

int main(int argc, char **argv)
{
    HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    HANDLE queue;
    ULONG ret;

    test_startup("v1_init.c");
    port = test_port(argc, argv);

    test_before_initialize();
    test_initialize_flags();
    test_initialize_server_config();

    /* HttpInitialize is counted: two calls need two HttpTerminate calls. */
    ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(1.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();
    ret = HttpInitialize(version, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "second HttpInitialize(1.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    ret = HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpTerminate matching the second HttpInitialize: expected NO_ERROR, got %lu\n", ret);

    test_create_handle();
    test_add_remove_url();
    test_request_after_remove();

    ret = HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpTerminate matching the first HttpInitialize: expected NO_ERROR, got %lu\n", ret);
    queue = NULL;
    ret = HttpCreateHttpHandle(&queue, 0);
    ok(ret == ERROR_DLL_INIT_FAILED,
       "HttpCreateHttpHandle after every HttpInitialize was terminated: expected ERROR_DLL_INIT_FAILED (1628), got %lu\n", ret);
    if (!ret) CloseHandle(queue);

    return test_report();
}

/*
 * HTTP Server API 2.0 object model: server sessions, URL groups, request queues made by
 * HttpCreateRequestQueue, their properties, binding a group to a queue (requests then carry the
 * URL's HTTP_URL_CONTEXT), unbinding, closing, and HttpShutdownRequestQueue.
 *
 * Usage: v2_objects.exe PORT      (uses PORT only)
 *
 * Written from Microsoft's documentation of the 2.0 functions and structures (see
 * shared/reference/httpapi.md §1.2, §1.7) and from how ASP.NET Core's HttpSys server calls them.
 */

#include "v2util.h"

#ifndef HTTP_URL_FLAG_REMOVE_ALL
#define HTTP_URL_FLAG_REMOVE_ALL 0x1
#endif
#ifndef HTTP_LIMIT_INFINITE
#define HTTP_LIMIT_INFINITE ((ULONG)-1)
#endif
#define AUTH_BASIC     0x1
#define AUTH_NEGOTIATE 0x8

static USHORT port;

static const WCHAR *url_of(WCHAR *buf, const char *path)
{
    return wfmt(buf, 128, "http://+:%u%s", port, path);
}

/* A v1 queue holding another URL on the port keeps the port listened on while the URLs under
 * test come and go, as Windows' http.sys keeps a group's URLs even when unbound. */
static HANDLE keep_port_open(void)
{
    WCHAR url[128];
    HANDLE v1 = NULL;
    ULONG ret = HttpCreateHttpHandle(&v1, 0);

    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrl(v1, url_of(url, "/listener/"), NULL);
    ok(ret == NO_ERROR, "HttpAddUrl(/listener/): expected NO_ERROR, got %lu\n", ret);
    return v1;
}

/*
 * A client GETs path; the queue is given TIMEOUT (or SHORT_WAIT when nothing should come) to
 * receive it and answers 200.  Returns the receive's error (WAIT_TIMEOUT: nothing came); the
 * request's UrlContext and the status the client saw (negative: no response) come back too.
 */
static ULONG exchange(HANDLE queue, const char *path, DWORD wait_ms, HTTP_URL_CONTEXT *context, int *status,
                      ULONG *bytes)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c;
    char text[256];
    ULONG ret, got = 0;

    *context = 0;
    *status = CLIENT_ERROR;
    if (!client_connect(&c, AF_INET, port))
    {
        trace("connecting to port %u failed: error %d\n", port, WSAGetLastError());
        client_close(&c);
        free_request(req);
        return ERROR_CONNECTION_REFUSED;
    }
    snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", path, port);
    client_send_str(&c, text);
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &got, wait_ms);
    if (!ret)
    {
        *context = req->UrlContext;
        respond_text(queue, req->RequestId, "ok");
    }
    if (bytes) *bytes = got;
    *status = client_read_response(&c, &resp, FALSE, TIMEOUT);
    if (*status == CLIENT_OK) *status = resp.status;
    response_free(&resp);
    client_close(&c);
    free_request(req);
    return ret;
}

/* ------------------------------------------------------------------------------------------ */

static void test_before_init(void)
{
    HANDLE queue = NULL;
    ULONG ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &queue);
    ok(ret == ERROR_DLL_INIT_FAILED, "HttpCreateRequestQueue before HttpInitialize: expected ERROR_DLL_INIT_FAILED (1114), got %lu\n", ret);
}

static void test_sessions(void)
{
    HTTPAPI_VERSION v;
    HTTP_SERVER_SESSION_ID a = 0, b = 0;
    ULONG ret;

    ret = HttpCreateServerSession(version2, NULL, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateServerSession(NULL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateServerSession(version2, &a, 1);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateServerSession(reserved 1): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    v.HttpApiMajorVersion = 1; v.HttpApiMinorVersion = 1;
    ret = HttpCreateServerSession(v, &a, 0);
    ok(ret == ERROR_REVISION_MISMATCH, "HttpCreateServerSession(1.1): expected ERROR_REVISION_MISMATCH (1306), got %lu\n", ret);
    v.HttpApiMajorVersion = 3; v.HttpApiMinorVersion = 0;
    ret = HttpCreateServerSession(v, &a, 0);
    ok(ret == ERROR_REVISION_MISMATCH, "HttpCreateServerSession(3.0): expected ERROR_REVISION_MISMATCH (1306), got %lu\n", ret);

    ret = HttpCreateServerSession(version2, &a, 0);
    ok(ret == NO_ERROR, "HttpCreateServerSession(2.0): expected NO_ERROR, got %lu\n", ret);
    ok(a != 0, "HttpCreateServerSession: expected a non-zero id\n");
    v.HttpApiMajorVersion = 1; v.HttpApiMinorVersion = 0;
    ret = HttpCreateServerSession(v, &b, 0);
    ok(ret == NO_ERROR, "HttpCreateServerSession(1.0): expected NO_ERROR (Windows takes 1.0 here), got %lu\n", ret);
    ok(b != 0 && b != a, "two sessions: expected two different non-zero ids\n");

    ret = HttpCloseServerSession(a);
    ok(ret == NO_ERROR, "HttpCloseServerSession: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseServerSession(a);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCloseServerSession twice: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCloseServerSession(b);
    ok(ret == NO_ERROR, "HttpCloseServerSession: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseServerSession(0xdead);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCloseServerSession(0xdead): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCloseServerSession(0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCloseServerSession(0): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
}

static void test_groups(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = 1, other;
    ULONG ret;

    ret = HttpCreateUrlGroup(0, &group, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateUrlGroup(session 0): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ok(group == 1, "HttpCreateUrlGroup failing: expected the id left alone\n");
    ret = HttpCreateUrlGroup(session, NULL, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateUrlGroup(NULL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateUrlGroup(session, &group, 1);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateUrlGroup(reserved 1): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    group = new_group(session);
    other = new_group(session);
    ok(group && other && group != other && group != session, "two groups: expected distinct ids, not the session's\n");
    ret = HttpCloseUrlGroup(session);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCloseUrlGroup(a session's id): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCloseUrlGroup(other);
    ok(ret == NO_ERROR, "HttpCloseUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseUrlGroup(other);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCloseUrlGroup twice: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* closing the session closes its groups */
    ret = HttpCloseServerSession(session);
    ok(ret == NO_ERROR, "HttpCloseServerSession: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseUrlGroup(group);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCloseUrlGroup after its session closed: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
}

static void test_queue_creation(void)
{
    HTTPAPI_VERSION v1 = HTTPAPI_VERSION_1;
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
    WCHAR name[64], missing[64], longname[200];
    HANDLE a = NULL, b = NULL, named = NULL, again = NULL;
    ULONG ret;
    int i;

    wfmt(name, 64, "v2_objects-%lu", GetCurrentProcessId());
    wfmt(missing, 64, "v2_objects-missing-%lu", GetCurrentProcessId());
    for (i = 0; i < 199; i++) longname[i] = 'q';
    longname[199] = 0;

    ret = HttpCreateRequestQueue(v1, NULL, NULL, 0, &a);
    ok(ret == ERROR_REVISION_MISMATCH, "HttpCreateRequestQueue(1.0): expected ERROR_REVISION_MISMATCH (1306), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(NULL handle): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0x4, &a);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(flags 0x4): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, longname, NULL, 0, &a);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(name over MAX_PATH bytes): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, NULL, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &a);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(OPEN_EXISTING, no name): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, &sa, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &a);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(OPEN_EXISTING with attributes): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL,
                                 HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING | HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER, &a);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(OPEN_EXISTING|CONTROLLER): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, missing, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &a);
    ok(ret == ERROR_FILE_NOT_FOUND, "HttpCreateRequestQueue(OPEN_EXISTING, unknown name): expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);

    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &a);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(unnamed): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &b);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(unnamed, again): expected NO_ERROR, got %lu\n", ret);
    ok(a && b && a != b, "two unnamed queues: expected two handles\n");
    ret = HttpCreateRequestQueue(version2, name, &sa, 0, &named);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(named): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &again);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpCreateRequestQueue(the same name): expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);

    ret = HttpCloseRequestQueue(named);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue(named): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &again);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(a name freed by closing): expected NO_ERROR, got %lu\n", ret);
    if (!ret) HttpCloseRequestQueue(again);
    ret = HttpCloseRequestQueue(a);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseRequestQueue(b);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue: expected NO_ERROR, got %lu\n", ret);
}

static void test_urls(void)
{
    static const char *const bad[] =
    {
        "http://localhost:%u", "localhost:%u/", "http://localhost/", "http://localhost:/", "http://localhost:0/",
        "HTTP://localhost:%u/", "ftp://localhost:%u/",
    };
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session), other = new_group(session);
    WCHAR url[128], url2[128], text[128];
    HANDLE queue = new_queue(), v1 = NULL;
    unsigned i;
    ULONG ret;

    url_of(url, "/urls/");
    url_of(url2, "/urls/two/");
    ret = HttpAddUrlToUrlGroup(0xdead, url, 1, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrlToUrlGroup(bad group): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(group, NULL, 1, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrlToUrlGroup(NULL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(group, url, 1, 1);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrlToUrlGroup(reserved 1): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    {
        char fmt[64];
        snprintf(fmt, sizeof(fmt), bad[i], port);
        ret = HttpAddUrlToUrlGroup(group, wfmt(text, 128, "%s", fmt), 1, 0);
        ok(ret == ERROR_INVALID_PARAMETER, "HttpAddUrlToUrlGroup(%s): expected ERROR_INVALID_PARAMETER (87), got %lu\n", fmt, ret);
    }

    /* unbound: kept in the group */
    ret = HttpAddUrlToUrlGroup(group, url, 1, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(group, url, 2, 0);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpAddUrlToUrlGroup twice: expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(other, url, 2, 0);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpAddUrlToUrlGroup(in another group): expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    ret = HttpRemoveUrlFromUrlGroup(group, url2, 0);
    ok(ret == ERROR_FILE_NOT_FOUND, "HttpRemoveUrlFromUrlGroup(not there): expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    ret = HttpRemoveUrlFromUrlGroup(group, url, HTTP_URL_FLAG_REMOVE_ALL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpRemoveUrlFromUrlGroup(REMOVE_ALL with a URL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpRemoveUrlFromUrlGroup(group, NULL, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpRemoveUrlFromUrlGroup(NULL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpRemoveUrlFromUrlGroup(group, url, 2);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpRemoveUrlFromUrlGroup(flags 2): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpRemoveUrlFromUrlGroup(0xdead, url, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpRemoveUrlFromUrlGroup(bad group): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* bound: in the engine, where a v1 queue meets it */
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "HttpServerBindingProperty: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateHttpHandle(&v1, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrl(v1, url, NULL);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpAddUrl of a bound group's URL: expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    ret = HttpAddUrl(v1, url2, NULL);
    ok(ret == NO_ERROR, "HttpAddUrl: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(group, url2, 2, 0);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpAddUrlToUrlGroup(a bound group, a v1 queue's URL): expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    HttpRemoveUrl(v1, url2);
    ret = HttpAddUrlToUrlGroup(group, url2, 2, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(bound): expected NO_ERROR, got %lu\n", ret);

    /* removing frees the URL for others */
    ret = HttpRemoveUrlFromUrlGroup(group, url, 0);
    ok(ret == NO_ERROR, "HttpRemoveUrlFromUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpRemoveUrlFromUrlGroup(group, url, 0);
    ok(ret == ERROR_FILE_NOT_FOUND || ret == ERROR_NOT_FOUND,
       "HttpRemoveUrlFromUrlGroup twice: expected ERROR_FILE_NOT_FOUND (2) (or ERROR_NOT_FOUND, 1168), got %lu\n", ret);
    ret = HttpAddUrl(v1, url, NULL);
    ok(ret == NO_ERROR, "HttpAddUrl of a URL the group gave up: expected NO_ERROR, got %lu\n", ret);
    HttpRemoveUrl(v1, url);
    ret = HttpRemoveUrlFromUrlGroup(group, NULL, HTTP_URL_FLAG_REMOVE_ALL);
    ok(ret == NO_ERROR, "HttpRemoveUrlFromUrlGroup(REMOVE_ALL): expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrl(v1, url2, NULL);
    ok(ret == NO_ERROR, "HttpAddUrl after REMOVE_ALL: expected NO_ERROR, got %lu\n", ret);
    HttpRemoveUrl(v1, url2);

    /* closing the group frees its URLs too */
    ret = HttpAddUrlToUrlGroup(group, url, 3, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseUrlGroup(group);
    ok(ret == NO_ERROR, "HttpCloseUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(other, url, 4, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup of a closed group's URL: expected NO_ERROR, got %lu\n", ret);
    ret = set_binding(other, queue);
    ok(ret == NO_ERROR, "HttpServerBindingProperty: expected NO_ERROR, got %lu\n", ret);

    /* and so does closing the session */
    HttpCloseServerSession(session);
    ret = HttpAddUrl(v1, url, NULL);
    ok(ret == NO_ERROR, "HttpAddUrl of a closed session's URL: expected NO_ERROR, got %lu\n", ret);
    HttpRemoveUrl(v1, url);
    HttpCloseRequestQueue(v1);
    HttpCloseRequestQueue(queue);
}

static void test_session_properties(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_TIMEOUT_LIMIT_INFO timeouts, got;
    HTTP_CONNECTION_LIMIT_INFO limit;
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth;
    HTTP_QOS_SETTING_INFO qos;
    HTTP_LOGGING_INFO logging;
    HTTP_BINDING_INFO binding;
    struct { HTTP_QOS_SETTING_INFO qos; HTTP_BANDWIDTH_LIMIT_INFO limit; } qos_out;
    ULONG ret, len;

    memset(&timeouts, 0, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.EntityBody = 11;
    timeouts.HeaderWait = 22;
    timeouts.MinSendRate = 333;
    ret = HttpSetServerSessionProperty(session, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts));
    ok(ret == NO_ERROR, "session timeouts: expected NO_ERROR, got %lu\n", ret);
    memset(&got, 0xcc, sizeof(got));
    len = 0;
    ret = HttpQueryServerSessionProperty(session, HttpServerTimeoutsProperty, &got, sizeof(got), &len);
    ok(ret == NO_ERROR && len == sizeof(got) && !memcmp(&got, &timeouts, sizeof(got)),
       "session timeouts read back: expected NO_ERROR and what was set, got %lu (length %lu)\n", ret, len);
    ret = HttpSetServerSessionProperty(session, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts) - 1);
    ok(ret == ERROR_INVALID_PARAMETER, "session timeouts, short: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetServerSessionProperty(session, HttpServerTimeoutsProperty, NULL, sizeof(timeouts));
    ok(ret == ERROR_INVALID_PARAMETER, "session property, NULL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetServerSessionProperty(0xdead, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts));
    ok(ret == ERROR_INVALID_PARAMETER, "session property, bad id: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* a session has no binding, no connection limit and no queue length */
    memset(&binding, 0, sizeof(binding));
    ret = HttpSetServerSessionProperty(session, HttpServerBindingProperty, &binding, sizeof(binding));
    ok(ret == ERROR_INVALID_PARAMETER, "session binding: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    limit.Flags.Present = 1;
    limit.MaxConnections = 10;
    qos.QosType = HttpQosSettingTypeConnectionLimit;
    qos.QosSetting = &limit;
    ret = HttpSetServerSessionProperty(session, HttpServerQosProperty, &qos, sizeof(qos));
    ok(ret == ERROR_INVALID_PARAMETER, "session connection limit: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    len = 5;
    ret = HttpSetServerSessionProperty(session, HttpServerQueueLengthProperty, &len, sizeof(len));
    ok(ret == ERROR_INVALID_PARAMETER, "session queue length: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* bandwidth: unlimited until set, never below 1024 bytes/s */
    memset(&qos_out, 0, sizeof(qos_out));
    qos_out.qos.QosType = HttpQosSettingTypeBandwidth;
    ret = HttpQueryServerSessionProperty(session, HttpServerQosProperty, &qos_out, sizeof(qos_out), &len);
    ok(ret == NO_ERROR && qos_out.limit.MaxBandwidth == HTTP_LIMIT_INFINITE,
       "session bandwidth by default: expected NO_ERROR and HTTP_LIMIT_INFINITE, got %lu, %lu\n", ret, qos_out.limit.MaxBandwidth);
    bandwidth.Flags.Present = 1;
    bandwidth.MaxBandwidth = 100;
    qos.QosType = HttpQosSettingTypeBandwidth;
    qos.QosSetting = &bandwidth;
    ret = HttpSetServerSessionProperty(session, HttpServerQosProperty, &qos, sizeof(qos));
    ok(ret == ERROR_INVALID_PARAMETER, "session bandwidth 100: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    bandwidth.MaxBandwidth = 65536;
    ret = HttpSetServerSessionProperty(session, HttpServerQosProperty, &qos, sizeof(qos));
    ok(ret == NO_ERROR, "session bandwidth 65536: expected NO_ERROR, got %lu\n", ret);
    memset(&qos_out, 0, sizeof(qos_out));
    qos_out.qos.QosType = HttpQosSettingTypeBandwidth;
    ret = HttpQueryServerSessionProperty(session, HttpServerQosProperty, &qos_out, sizeof(qos_out), &len);
    ok(ret == NO_ERROR && qos_out.qos.QosSetting == &qos_out.limit && qos_out.limit.MaxBandwidth == 65536,
       "session bandwidth read back: expected NO_ERROR and 65536 after the structure, got %lu, %lu\n", ret, qos_out.limit.MaxBandwidth);

    /* logging: centralized formats only on a session, and it cannot be read back */
    memset(&logging, 0, sizeof(logging));
    logging.Flags.Present = 1;
    logging.DirectoryName = L"C:\\windows\\temp\\httplogs";
    logging.DirectoryNameLength = (USHORT)(wcslen(logging.DirectoryName) * sizeof(WCHAR));
    logging.Format = HttpLoggingTypeIIS;
    logging.RolloverType = HttpLoggingRolloverDaily;
    ret = HttpSetServerSessionProperty(session, HttpServerLoggingProperty, &logging, sizeof(logging));
    ok(ret == ERROR_INVALID_PARAMETER, "session IIS logging: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    logging.Format = HttpLoggingTypeRaw;
    ret = HttpSetServerSessionProperty(session, HttpServerLoggingProperty, &logging, sizeof(logging));
    ok(ret == NO_ERROR, "session binary logging: expected NO_ERROR, got %lu\n", ret);
    ret = HttpQueryServerSessionProperty(session, HttpServerLoggingProperty, &logging, sizeof(logging), &len);
    ok(ret == ERROR_INVALID_PARAMETER, "session logging read back: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    HttpCloseServerSession(session);
}

static void test_group_properties(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session);
    HTTP_TIMEOUT_LIMIT_INFO timeouts, got;
    HTTP_STATE_INFO state, state_got;
    HTTP_CONNECTION_LIMIT_INFO limit;
    HTTP_BANDWIDTH_LIMIT_INFO bandwidth;
    HTTP_QOS_SETTING_INFO qos;
    HTTP_SERVER_AUTHENTICATION_INFO auth;
    HTTP_LOGGING_INFO logging;
    HTTP_CHANNEL_BIND_INFO bind;
    HTTP_SERVICE_BINDING_W service;
    PHTTP_SERVICE_BINDING_BASE services[1];
    HTTP_BINDING_INFO binding;
    struct { HTTP_QOS_SETTING_INFO qos; HTTP_CONNECTION_LIMIT_INFO limit; } qos_out;
    void *big = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, 4096);
    HANDLE v1 = NULL;
    ULONG ret, len, value = 5;

    memset(&timeouts, 0, sizeof(timeouts));
    ret = HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, NULL, sizeof(timeouts));
    ok(ret == ERROR_INVALID_PARAMETER, "group property, NULL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts, 0);
    ok(ret == ERROR_INVALID_PARAMETER, "group property, length 0: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetUrlGroupProperty(group, HttpServerQueueLengthProperty, &value, sizeof(value));
    ok(ret == ERROR_INVALID_PARAMETER, "group queue length: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetUrlGroupProperty(group, HttpServer503VerbosityProperty, &value, sizeof(value));
    ok(ret == ERROR_INVALID_PARAMETER, "group 503 verbosity: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetUrlGroupProperty(group, 99, &value, sizeof(value));
    ok(ret == ERROR_INVALID_PARAMETER, "group property 99: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* timeouts, as ASP.NET sets them */
    memset(&timeouts, 0, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.EntityBody = 10;
    timeouts.DrainEntityBody = 20;
    timeouts.RequestQueue = 30;
    timeouts.IdleConnection = 40;
    timeouts.HeaderWait = 50;
    timeouts.MinSendRate = 240;
    ret = HttpSetUrlGroupProperty(0xdead, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts));
    ok(ret == ERROR_INVALID_PARAMETER, "group property, bad id: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts));
    ok(ret == NO_ERROR, "group timeouts: expected NO_ERROR, got %lu\n", ret);
    memset(&got, 0, sizeof(got));
    ret = HttpQueryUrlGroupProperty(group, HttpServerTimeoutsProperty, &got, sizeof(got), &len);
    ok(ret == NO_ERROR && !memcmp(&got, &timeouts, sizeof(got)), "group timeouts read back: expected NO_ERROR and what was set, got %lu\n", ret);
    len = 0;
    ret = HttpQueryUrlGroupProperty(group, HttpServerTimeoutsProperty, &got, 4, &len);
    ok(ret == ERROR_MORE_DATA, "group timeouts into 4 bytes: expected ERROR_MORE_DATA (234), got %lu\n", ret);
    ok(len == sizeof(got), "group timeouts into 4 bytes: expected the length needed, %u, got %lu\n", (unsigned)sizeof(got), len);
    ret = HttpQueryUrlGroupProperty(group, HttpServerTimeoutsProperty, NULL, sizeof(got), &len);
    ok(ret == ERROR_INVALID_PARAMETER, "group query, NULL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* state */
    state.Flags.Present = 1;
    state.State = 2;
    ret = HttpSetUrlGroupProperty(group, HttpServerStateProperty, &state, sizeof(state));
    ok(ret == ERROR_INVALID_PARAMETER, "group state 2: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    state.State = HttpEnabledStateInactive;
    ret = HttpSetUrlGroupProperty(group, HttpServerStateProperty, &state, sizeof(state));
    ok(ret == NO_ERROR, "group state inactive: expected NO_ERROR, got %lu\n", ret);
    memset(&state_got, 0, sizeof(state_got));
    ret = HttpQueryUrlGroupProperty(group, HttpServerStateProperty, &state_got, sizeof(state_got), &len);
    ok(ret == NO_ERROR && state_got.State == HttpEnabledStateInactive,
       "group state read back: expected NO_ERROR and inactive, got %lu, %u\n", ret, state_got.State);

    /* QoS: the connection limit (ASP.NET's MaxConnections), the bandwidth */
    limit.Flags.Present = 1;
    limit.MaxConnections = 100;
    qos.QosType = HttpQosSettingTypeConnectionLimit;
    qos.QosSetting = &limit;
    ret = HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));
    ok(ret == NO_ERROR, "group connection limit: expected NO_ERROR, got %lu\n", ret);
    memset(&qos_out, 0, sizeof(qos_out));
    qos_out.qos.QosType = HttpQosSettingTypeConnectionLimit;
    ret = HttpQueryUrlGroupProperty(group, HttpServerQosProperty, &qos_out, sizeof(qos_out), &len);
    ok(ret == NO_ERROR && qos_out.limit.MaxConnections == 100 && len == sizeof(qos_out),
       "group connection limit read back: expected NO_ERROR and 100, got %lu, %lu\n", ret, qos_out.limit.MaxConnections);
    qos.QosSetting = NULL;
    ret = HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));
    ok(ret == ERROR_INVALID_PARAMETER, "group QoS without a setting: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    qos.QosType = 7;
    qos.QosSetting = &limit;
    ret = HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));
    ok(ret == ERROR_INVALID_PARAMETER, "group QoS type 7: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    bandwidth.Flags.Present = 1;
    bandwidth.MaxBandwidth = 1023;
    qos.QosType = HttpQosSettingTypeBandwidth;
    qos.QosSetting = &bandwidth;
    ret = HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));
    ok(ret == ERROR_INVALID_PARAMETER, "group bandwidth 1023: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* authentication, with a realm that comes back inside the caller's buffer */
    memset(&auth, 0, sizeof(auth));
    auth.Flags.Present = 1;
    auth.AuthSchemes = 0x40;
    ret = HttpSetUrlGroupProperty(group, HttpServerAuthenticationProperty, &auth, sizeof(auth));
    ok(ret == ERROR_INVALID_PARAMETER, "group authentication scheme 0x40: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    auth.AuthSchemes = AUTH_BASIC | AUTH_NEGOTIATE;
    auth.BasicParams.Realm = (WCHAR *)L"wine";
    auth.BasicParams.RealmLength = 8;
    ret = HttpSetUrlGroupProperty(group, HttpServerAuthenticationProperty, &auth, sizeof(auth));
    ok(ret == NO_ERROR, "group authentication: expected NO_ERROR, got %lu\n", ret);
    len = 0;
    ret = HttpQueryUrlGroupProperty(group, HttpServerAuthenticationProperty, big, sizeof(auth), &len);
    ok(ret == ERROR_MORE_DATA && len > sizeof(auth),
       "group authentication into its bare structure: expected ERROR_MORE_DATA (234) and a larger length, got %lu, %lu\n", ret, len);
    ret = HttpQueryUrlGroupProperty(group, HttpServerAuthenticationProperty, big, 4096, &len);
    {
        HTTP_SERVER_AUTHENTICATION_INFO *a = big;
        ok(ret == NO_ERROR && a->AuthSchemes == (AUTH_BASIC | AUTH_NEGOTIATE) && a->BasicParams.RealmLength == 8 &&
           (char *)a->BasicParams.Realm > (char *)big && (char *)a->BasicParams.Realm < (char *)big + len &&
           !memcmp(a->BasicParams.Realm, L"wine", 8),
           "group authentication read back: expected NO_ERROR, the schemes and the realm in the buffer, got %lu\n", ret);
    }

    /* logging: a URL group logs in a site format, to a full path */
    memset(&logging, 0, sizeof(logging));
    logging.Flags.Present = 1;
    logging.DirectoryName = L"logs";
    logging.DirectoryNameLength = 8;
    logging.Format = HttpLoggingTypeW3C;
    logging.Fields = 0xffff;
    logging.RolloverType = HttpLoggingRolloverHourly;
    ret = HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging));
    ok(ret == ERROR_INVALID_PARAMETER, "group logging to a relative directory: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    logging.DirectoryName = L"C:\\windows\\temp\\httplogs";
    logging.DirectoryNameLength = (USHORT)(wcslen(logging.DirectoryName) * sizeof(WCHAR));
    logging.Format = HttpLoggingTypeRaw;
    ret = HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging));
    ok(ret == ERROR_INVALID_PARAMETER, "group binary logging: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    logging.Format = HttpLoggingTypeW3C;
    logging.RolloverType = HttpLoggingRolloverSize;
    logging.RolloverSize = 1000;
    ret = HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging));
    ok(ret == ERROR_INVALID_PARAMETER, "group logging rolled over at 1000 bytes: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    logging.RolloverSize = 4 * 1024 * 1024;
    logging.LoggingFlags = 0xc;
    ret = HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging));
    ok(ret == ERROR_INVALID_PARAMETER, "group logging errors only and success only: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    logging.LoggingFlags = 0x2;
    ret = HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &logging, sizeof(logging));
    ok(ret == NO_ERROR, "group W3C logging: expected NO_ERROR, got %lu\n", ret);
    ret = HttpQueryUrlGroupProperty(group, HttpServerLoggingProperty, big, 4096, &len);
    ok(ret == ERROR_INVALID_PARAMETER, "group logging read back: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    /* channel binding, with one service name */
    service.Base.Type = HttpServiceBindingTypeW;
    service.Buffer = (WCHAR *)L"HTTP/www.example.com";
    service.BufferSize = (ULONG)(wcslen(service.Buffer) * sizeof(WCHAR));
    services[0] = &service.Base;
    memset(&bind, 0, sizeof(bind));
    bind.Hardening = 3;
    ret = HttpSetUrlGroupProperty(group, HttpServerChannelBindProperty, &bind, sizeof(bind));
    ok(ret == ERROR_INVALID_PARAMETER, "group channel binding hardening 3: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    bind.Hardening = HttpAuthenticationHardeningMedium;
    bind.Flags = 0x1;
    bind.ServiceNames = services;
    bind.NumberOfServiceNames = 1;
    ret = HttpSetUrlGroupProperty(group, HttpServerChannelBindProperty, &bind, sizeof(bind));
    ok(ret == NO_ERROR, "group channel binding: expected NO_ERROR, got %lu\n", ret);
    memset(big, 0, 4096);
    ret = HttpQueryUrlGroupProperty(group, HttpServerChannelBindProperty, big, 4096, &len);
    {
        HTTP_CHANNEL_BIND_INFO *b = big;
        HTTP_SERVICE_BINDING_W *s = b->NumberOfServiceNames == 1 ? (HTTP_SERVICE_BINDING_W *)b->ServiceNames[0] : NULL;
        ok(ret == NO_ERROR && b->Hardening == HttpAuthenticationHardeningMedium && b->Flags == 1 && s &&
           s->Base.Type == HttpServiceBindingTypeW && s->BufferSize == service.BufferSize &&
           !memcmp(s->Buffer, service.Buffer, service.BufferSize),
           "group channel binding read back: expected NO_ERROR and the service name, got %lu\n", ret);
    }

    /* binding: only to a v2 queue */
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = (HANDLE)(ULONG_PTR)0x1234;
    ret = HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding));
    ok(ret == ERROR_INVALID_PARAMETER, "group bound to a bad handle: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateHttpHandle(&v1, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    binding.RequestQueueHandle = v1;
    ret = HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding));
    ok(ret == ERROR_INVALID_PARAMETER, "group bound to a v1 queue: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding) - 1);
    ok(ret == ERROR_INVALID_PARAMETER, "group binding, short: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    binding.Flags.Present = 0;
    binding.RequestQueueHandle = NULL;
    ret = HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding));
    ok(ret == NO_ERROR, "unbinding a group that is not bound: expected NO_ERROR, got %lu\n", ret);

    HttpCloseRequestQueue(v1);
    HttpCloseServerSession(session);
    HeapFree(GetProcessHeap(), 0, big);
}

static void test_queue_properties(void)
{
    HANDLE queue = new_queue(), v1 = NULL;
    LONGLONG wide;
    ULONG ret, value, len;

    ret = HttpQueryRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, &len, NULL);
    ok(ret == NO_ERROR && value == 1000 && len == sizeof(value),
       "queue length by default: expected NO_ERROR and 1000, got %lu, %lu\n", ret, value);
    value = 0;
    ret = HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "queue length 0: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    value = 0x80000000;
    ret = HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "queue length 0x80000000: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    /* ASP.NET passes a 64-bit integer */
    wide = 5000;
    ret = HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &wide, sizeof(wide), 0, NULL);
    ok(ret == NO_ERROR, "queue length 5000: expected NO_ERROR, got %lu\n", ret);
    ret = HttpQueryRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, &len, NULL);
    ok(ret == NO_ERROR && value == 5000, "queue length read back: expected NO_ERROR and 5000, got %lu, %lu\n", ret, value);

    value = 3;
    ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "503 verbosity 3: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    value = Http503ResponseVerbosityFull;
    ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, NULL);
    ok(ret == NO_ERROR, "503 verbosity full: expected NO_ERROR, got %lu\n", ret);
    value = 0;
    ret = HttpQueryRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, &len, NULL);
    ok(ret == NO_ERROR && value == Http503ResponseVerbosityFull,
       "503 verbosity read back: expected NO_ERROR and full, got %lu, %lu\n", ret, value);
    len = 0;
    ret = HttpQueryRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, 2, 0, &len, NULL);
    ok(ret == ERROR_MORE_DATA && len == sizeof(ULONG),
       "503 verbosity into 2 bytes: expected ERROR_MORE_DATA (234) and 4, got %lu, %lu\n", ret, len);
    ret = HttpQueryRequestQueueProperty(queue, HttpServerStateProperty, &value, sizeof(value), 0, &len, NULL);
    ok(ret == NO_ERROR && value == HttpEnabledStateActive, "queue state: expected NO_ERROR and active, got %lu, %lu\n", ret, value);

    ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 1, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "queue property, reserved 1: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, &value);
    ok(ret == ERROR_INVALID_PARAMETER, "queue property, reserved pointer: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, NULL, sizeof(value), 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "queue property, NULL: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetRequestQueueProperty(queue, HttpServerTimeoutsProperty, &value, sizeof(value), 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "queue timeouts: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    ret = HttpCreateHttpHandle(&v1, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    value = 10;
    ret = HttpSetRequestQueueProperty(v1, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == ERROR_NOT_SUPPORTED, "queue length on a v1 queue: expected ERROR_NOT_SUPPORTED (50), got %lu\n", ret);
    ret = HttpQueryRequestQueueProperty(v1, HttpServerQueueLengthProperty, &value, sizeof(value), 0, &len, NULL);
    ok(ret == ERROR_NOT_SUPPORTED, "reading a v1 queue's length: expected ERROR_NOT_SUPPORTED (50), got %lu\n", ret);
    HttpCloseRequestQueue(v1);
    HttpCloseRequestQueue(queue);
}

/* Requests reach the queue a group is bound to, with the URL's context; unbinding, rebinding to
 * another queue and closing the queue move them as they should. */
/* QueueLength applies: with two requests waiting for a receive, a third is answered 503 (Limited
 * verbosity) or its connection is reset (Basic, the default); once a receive takes one, the next
 * request is queued again. */
static void test_queue_length_applies(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session);
    HANDLE queue = new_queue();
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c[5];
    char text[256];
    WCHAR url[128];
    ULONG ret, value, bytes;
    int i, cret;

    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/qlen/"), 0, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/qlen/): expected NO_ERROR, got %lu\n", ret);
    ok(set_binding(group, queue) == NO_ERROR, "binding the /qlen/ group: expected NO_ERROR\n");
    value = 2;
    ret = HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == NO_ERROR, "queue length 2: expected NO_ERROR, got %lu\n", ret);
    value = Http503ResponseVerbosityLimited;
    ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, NULL);
    ok(ret == NO_ERROR, "503 verbosity limited: expected NO_ERROR, got %lu\n", ret);

    for (i = 0; i < 5; i++)
    {
        if (!client_connect(&c[i], AF_INET, port))
        {
            ok(0, "connecting client %d failed: error %d\n", i, WSAGetLastError());
            goto done;
        }
    }
    for (i = 0; i < 3; i++)
    {
        snprintf(text, sizeof(text), "GET /qlen/%d HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", i, port);
        client_send_str(&c[i], text);
        Sleep(100);   /* in this order */
    }
    memset(&resp, 0, sizeof(resp));
    cret = client_read_response(&c[2], &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 503,
       "a third request with two waiting and QueueLength 2 (Limited): expected 503, got %d (status %d)\n", cret, resp.status);
    response_free(&resp);

    /* Basic: the connection is reset instead */
    value = Http503ResponseVerbosityBasic;
    ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, NULL);
    ok(ret == NO_ERROR, "503 verbosity basic: expected NO_ERROR, got %lu\n", ret);
    snprintf(text, sizeof(text), "GET /qlen/3 HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
    client_send_str(&c[3], text);
    memset(&resp, 0, sizeof(resp));
    cret = client_read_response(&c[3], &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_CLOSED || cret == CLIENT_ERROR,
       "a request beyond QueueLength (Basic): expected the connection reset, got %d (status %d)\n", cret, resp.status);
    response_free(&resp);

    /* a receive takes the oldest; there is room for one more */
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
    ok(ret == NO_ERROR && req->CookedUrl.AbsPathLength == 14 && !memcmp(req->CookedUrl.pAbsPath, L"/qlen/0", 14),
       "the first waiting request is received: expected /qlen/0, got %lu\n", ret);
    if (!ret) respond_text(queue, req->RequestId, "0");
    snprintf(text, sizeof(text), "GET /qlen/4 HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", port);
    client_send_str(&c[4], text);
    for (i = 0; i < 2; i++)
    {
        ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
        ok(ret == NO_ERROR, "waiting request %d after room came free: expected NO_ERROR, got %lu\n", i + 1, ret);
        if (!ret) respond_text(queue, req->RequestId, "n");
    }
    memset(&resp, 0, sizeof(resp));
    cret = client_read_response(&c[4], &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200, "the request sent once there was room: expected 200, got %d (status %d)\n",
       cret, resp.status);
    response_free(&resp);
done:
    for (i = 0; i < 5; i++) client_close(&c[i]);
    free_request(req);
    HttpCloseRequestQueue(queue);
    HttpCloseUrlGroup(group);
    HttpCloseServerSession(session);
}

static void test_binding(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session), second = new_group(session);
    HANDLE queue = new_queue(), other = new_queue(), fresh, listener = keep_port_open();
    HTTP_URL_CONTEXT context;
    WCHAR url[128];
    ULONG ret, bytes;
    int status;

    /* URLs added before the binding are registered by it */
    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/bind/a/"), 0x1122334455667788ull, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(queue, "/bind/a/x", SHORT_WAIT, &context, &status, NULL);
    ok(ret == WAIT_TIMEOUT, "request for an unbound group: expected the queue to get nothing (WAIT_TIMEOUT), got %lu\n", ret);
    ok(status != 200, "request for an unbound group: expected no 200, got %d\n", status);

    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "HttpServerBindingProperty: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(queue, "/bind/a/x", TIMEOUT, &context, &status, &bytes);
    ok(ret == NO_ERROR, "request for a bound group: expected NO_ERROR, got %lu\n", ret);
    ok(context == 0x1122334455667788ull, "UrlContext: expected 0x1122334455667788, got %#llx\n", context);
    ok(bytes >= sizeof(HTTP_REQUEST_V2), "request on a v2 queue: expected an HTTP_REQUEST_V2 (%u bytes or more), got %lu\n",
       (unsigned)sizeof(HTTP_REQUEST_V2), bytes);
    ok(status == 200, "client of a bound group: expected 200, got %d\n", status);
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "binding to the same queue again: expected NO_ERROR, got %lu\n", ret);

    /* URLs added after it, and another group on the same queue */
    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/bind/b/"), 2, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(bound): expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(second, url_of(url, "/bind/c/"), 3, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = set_binding(second, queue);
    ok(ret == NO_ERROR, "HttpServerBindingProperty(second group): expected NO_ERROR, got %lu\n", ret);
    ret = exchange(queue, "/bind/b/", TIMEOUT, &context, &status, NULL);
    ok(ret == NO_ERROR && context == 2, "request for a URL added after binding: expected NO_ERROR and context 2, got %lu, %#llx\n", ret, context);
    ret = exchange(queue, "/bind/c/y", TIMEOUT, &context, &status, NULL);
    ok(ret == NO_ERROR && context == 3, "request for the second group: expected NO_ERROR and context 3, got %lu, %#llx\n", ret, context);
    /* the longest prefix wins across groups */
    ret = HttpAddUrlToUrlGroup(second, url_of(url, "/bind/a/deeper/"), 4, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(queue, "/bind/a/deeper/z", TIMEOUT, &context, &status, NULL);
    ok(ret == NO_ERROR && context == 4, "request for the longer prefix: expected NO_ERROR and context 4, got %lu, %#llx\n", ret, context);

    /* unbinding takes the URLs away; rebinding to another queue moves them there */
    ret = set_binding(group, NULL);
    ok(ret == NO_ERROR, "unbinding: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(queue, "/bind/b/", SHORT_WAIT, &context, &status, NULL);
    ok(ret == WAIT_TIMEOUT, "request after unbinding: expected the queue to get nothing (WAIT_TIMEOUT), got %lu\n", ret);
    ok(status != 200, "request after unbinding: expected no 200, got %d\n", status);
    ret = set_binding(group, other);
    ok(ret == NO_ERROR, "binding to another queue: expected NO_ERROR, got %lu\n", ret);
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "binding back to the first queue: expected NO_ERROR, got %lu\n", ret);
    ret = set_binding(group, other);
    ok(ret == NO_ERROR, "binding to the other queue again: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(other, "/bind/a/x", TIMEOUT, &context, &status, NULL);
    ok(ret == NO_ERROR && context == 0x1122334455667788ull,
       "request after rebinding: expected NO_ERROR on the new queue with the context, got %lu, %#llx\n", ret, context);
    ret = exchange(queue, "/bind/c/y", TIMEOUT, &context, &status, NULL);
    ok(ret == NO_ERROR && context == 3, "the other group stays: expected NO_ERROR and context 3, got %lu, %#llx\n", ret, context);

    /* a removed URL is no longer routed */
    ret = HttpRemoveUrlFromUrlGroup(second, url_of(url, "/bind/c/"), 0);
    ok(ret == NO_ERROR, "HttpRemoveUrlFromUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(queue, "/bind/c/y", SHORT_WAIT, &context, &status, NULL);
    ok(ret == WAIT_TIMEOUT, "request for a removed URL: expected the queue to get nothing (WAIT_TIMEOUT), got %lu\n", ret);

    /* closing the queue unbinds its groups; they bind to a new queue as they are */
    ret = HttpCloseRequestQueue(other);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue: expected NO_ERROR, got %lu\n", ret);
    fresh = new_queue();
    ret = set_binding(group, fresh);
    ok(ret == NO_ERROR, "binding a group whose queue was closed: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(fresh, "/bind/a/x", TIMEOUT, &context, &status, NULL);
    ok(ret == NO_ERROR && context == 0x1122334455667788ull,
       "request after the queue changed: expected NO_ERROR and the context, got %lu, %#llx\n", ret, context);

    HttpCloseRequestQueue(fresh);
    HttpCloseRequestQueue(queue);
    HttpCloseRequestQueue(listener);
    HttpCloseServerSession(session);
}

struct sync_receive
{
    HANDLE queue;
    ULONG ret;
};

static DWORD WINAPI sync_receive_thread(void *arg)
{
    struct sync_receive *r = arg;
    HTTP_REQUEST_V1 *req = alloc_request();
    ULONG bytes;

    r->ret = HttpReceiveHttpRequest(r->queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, &bytes, NULL);
    free_request(req);
    return 0;
}

static void test_shutdown(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session);
    HANDLE queue = new_queue(), v1 = NULL, thread, listener = keep_port_open();
    HTTP_REQUEST_V1 *req = alloc_request();
    struct sync_receive sync = { queue, 0xdeadbeef };
    HTTP_URL_CONTEXT context;
    OVERLAPPED ov;
    WCHAR url[128];
    ULONG ret, bytes;
    int status;

    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/down/"), 9, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "HttpServerBindingProperty: expected NO_ERROR, got %lu\n", ret);
    ret = exchange(queue, "/down/", TIMEOUT, &context, &status, NULL);
    ok(ret == NO_ERROR && context == 9, "request before shutdown: expected NO_ERROR and context 9, got %lu, %#llx\n", ret, context);

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    ret = HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, NULL, &ov);
    ok(ret == ERROR_IO_PENDING, "OVERLAPPED receive on an idle queue: expected ERROR_IO_PENDING (997), got %lu\n", ret);
    thread = CreateThread(NULL, 0, sync_receive_thread, &sync, 0, NULL);
    Sleep(SHORT_WAIT);

    ret = HttpShutdownRequestQueue(queue);
    ok(ret == NO_ERROR, "HttpShutdownRequestQueue: expected NO_ERROR, got %lu\n", ret);
    ret = finish_overlapped(queue, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == ERROR_OPERATION_ABORTED, "pending OVERLAPPED receive at shutdown: expected ERROR_OPERATION_ABORTED (995), got %lu\n", ret);
    ok(WaitForSingleObject(thread, TIMEOUT) == WAIT_OBJECT_0, "pending synchronous receive at shutdown: expected it to return\n");
    ok(sync.ret == ERROR_OPERATION_ABORTED, "pending synchronous receive at shutdown: expected ERROR_OPERATION_ABORTED (995), got %lu\n", sync.ret);
    CloseHandle(thread);

    /* later calls fail at once instead of waiting */
    ResetEvent(ov.hEvent);
    ret = HttpReceiveHttpRequest(queue, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, NULL, &ov);
    ok(ret == ERROR_INVALID_HANDLE, "OVERLAPPED receive after shutdown: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
    if (ret == ERROR_IO_PENDING) finish_overlapped(queue, ret, &ov, &bytes, SHORT_WAIT);
    /* and nothing new is routed to the queue */
    ret = exchange(queue, "/down/", SHORT_WAIT, &context, &status, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "request after shutdown: expected the queue's receive to fail (ERROR_INVALID_HANDLE, 6), got %lu\n", ret);
    ok(status != 200, "request after shutdown: expected no 200, got %d\n", status);

    ret = HttpShutdownRequestQueue((HANDLE)(ULONG_PTR)0x1234);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpShutdownRequestQueue(bad handle): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateHttpHandle(&v1, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ret = HttpShutdownRequestQueue(v1);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpShutdownRequestQueue(v1 queue): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    HttpCloseRequestQueue(v1);

    ret = HttpCloseRequestQueue(queue);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue after shutdown: expected NO_ERROR, got %lu\n", ret);
    CloseHandle(ov.hEvent);
    free_request(req);
    HttpCloseRequestQueue(listener);
    HttpCloseServerSession(session);
}

int main(int argc, char **argv)
{
    ULONG ret;

    test_startup("v2_objects.c");
    port = test_port(argc, argv);

    test_before_init();
    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(2.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();

    test_sessions();
    test_groups();
    test_queue_creation();
    test_urls();
    test_session_properties();
    test_group_properties();
    test_queue_properties();
    test_queue_length_applies();
    test_binding();
    test_shutdown();

    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

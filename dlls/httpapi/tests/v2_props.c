/*
 * What the HTTP Server API 2.0 properties do to requests: a URL group's URLs are registered when
 * they are added (conflicts show at once, across processes), an unbound group's requests get
 * http.sys's 503, and HttpServerStateProperty (session, group, queue), the connection limit and
 * the bandwidth limit of HttpServerQosProperty act on requests as on Windows, W3C logging
 * writes its files, and HttpServerAuthenticationProperty gives each request its Auth information.
 *
 * Usage: v2_props.exe PORT      (uses PORT only)
 *        v2_props.exe child PORT URL   (internal: adds URL to a group of its own; exit code: the result)
 *
 * Written from Microsoft's documentation (HTTP_STATE_INFO, HTTP_QOS_SETTING_INFO,
 * HTTP_503_RESPONSE_VERBOSITY; shared/reference/httpapi.md §1.2, §5.2, §5.4) and from ASP.NET
 * Core's HttpSys tests of MaxConnections (with the default Basic verbosity the connection over the
 * limit is refused, with Limited it gets a 503; once a connection closes there is room again).
 */

#include "v2util.h"
#include "httpapi_ext.h"

#ifndef HTTP_LIMIT_INFINITE
#define HTTP_LIMIT_INFINITE ((ULONG)-1)
#endif

static USHORT port;

/* http.sys's 503 page (reference §5.4), byte for byte. */
static const char page_503[] =
    "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
    "<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n"
    "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
    "<BODY><h2>Service Unavailable</h2>\r\n"
    "<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n"
    "</BODY></HTML>\r\n";

static const WCHAR *url_of(WCHAR *buf, const char *path)
{
    return wfmt(buf, 128, "http://+:%u%s", port, path);
}

static void set_verbosity(HANDLE queue, ULONG value)
{
    ULONG ret = HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, NULL);
    ok(ret == NO_ERROR, "503 verbosity %lu: expected NO_ERROR, got %lu\n", value, ret);
}

/* HttpServerStateProperty of a session (group 0) or a group; present FALSE takes it away. */
static ULONG set_state(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID group, BOOL present, HTTP_ENABLED_STATE state)
{
    HTTP_STATE_INFO info;

    memset(&info, 0, sizeof(info));
    info.Flags.Present = present;
    info.State = state;
    if (group) return HttpSetUrlGroupProperty(group, HttpServerStateProperty, &info, sizeof(info));
    return HttpSetServerSessionProperty(session, HttpServerStateProperty, &info, sizeof(info));
}

static ULONG set_queue_state(HANDLE queue, HTTP_ENABLED_STATE state)
{
    return HttpSetRequestQueueProperty(queue, HttpServerStateProperty, &state, sizeof(state), 0, NULL);
}

static ULONG set_connection_limit(HTTP_URL_GROUP_ID group, BOOL present, ULONG max)
{
    HTTP_CONNECTION_LIMIT_INFO limit;
    HTTP_QOS_SETTING_INFO qos;

    memset(&limit, 0, sizeof(limit));
    limit.Flags.Present = present;
    limit.MaxConnections = max;
    qos.QosType = HttpQosSettingTypeConnectionLimit;
    qos.QosSetting = &limit;
    return HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));
}

static ULONG set_bandwidth(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID group, BOOL present, ULONG rate)
{
    HTTP_BANDWIDTH_LIMIT_INFO limit;
    HTTP_QOS_SETTING_INFO qos;

    memset(&limit, 0, sizeof(limit));
    limit.Flags.Present = present;
    limit.MaxBandwidth = rate;
    qos.QosType = HttpQosSettingTypeBandwidth;
    qos.QosSetting = &limit;
    if (group) return HttpSetUrlGroupProperty(group, HttpServerQosProperty, &qos, sizeof(qos));
    return HttpSetServerSessionProperty(session, HttpServerQosProperty, &qos, sizeof(qos));
}

static BOOL send_get(struct client *c, const char *path)
{
    char text[256];

    if (!client_connect(c, AF_INET, port))
    {
        trace("connecting to port %u failed: error %d\n", port, WSAGetLastError());
        return FALSE;
    }
    snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", path, port);
    return client_send_str(c, text);
}

/* Receives one request on the queue (within wait_ms) and answers 200; on a connection that stays
 * open.  Returns the receive's error and the status the client saw (negative: none). */
static ULONG serve_one(HANDLE queue, struct client *c, DWORD wait_ms, HTTP_URL_CONTEXT *context, int *status)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    ULONG ret, got;

    if (context) *context = 0;
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &got, wait_ms);
    if (!ret)
    {
        if (context) *context = req->UrlContext;
        respond_text(queue, req->RequestId, "ok");
    }
    *status = client_read_response(c, &resp, FALSE, ret ? SHORT_WAIT + TIMEOUT : TIMEOUT);
    if (*status == CLIENT_OK) *status = resp.status;
    response_free(&resp);
    free_request(req);
    return ret;
}

/* A GET on a connection of its own, served by queue (which may be NULL: nobody serves it). */
static int get_status(HANDLE queue, const char *path, HTTP_URL_CONTEXT *context)
{
    struct client c;
    int status = CLIENT_ERROR;

    if (send_get(&c, path))
    {
        if (queue) serve_one(queue, &c, SHORT_WAIT, context, &status);
        else
        {
            struct http_response resp;
            status = client_read_response(&c, &resp, FALSE, TIMEOUT);
            if (status == CLIENT_OK) status = resp.status;
            response_free(&resp);
        }
    }
    client_close(&c);
    return status;
}

/* The request gets http.sys's own 503, byte for byte, and its connection is closed. */
static void check_503_page(const char *path, const char *what)
{
    struct http_response resp;
    const char *value;
    struct client c;
    int cret = CLIENT_ERROR;

    memset(&resp, 0, sizeof(resp));
    if (send_get(&c, path)) cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 503, "%s: expected http.sys's 503, got result %d status %d\n", what, cret,
       resp.status);
    if (cret == CLIENT_OK)
    {
        ok(!strcmp(resp.reason, "Service Unavailable"), "%s: reason: expected \"Service Unavailable\", got \"%s\"\n",
           what, resp.reason);
        value = response_header(&resp, "Server");
        ok(value && !strcmp(value, "Microsoft-HTTPAPI/2.0"), "%s: Server: expected \"Microsoft-HTTPAPI/2.0\", got \"%s\"\n",
           what, value ? value : "(none)");
        value = response_header(&resp, "Content-Type");
        ok(value && !strcmp(value, "text/html; charset=us-ascii"),
           "%s: Content-Type: expected \"text/html; charset=us-ascii\", got \"%s\"\n", what, value ? value : "(none)");
        ok(resp.body_len == sizeof(page_503) - 1 && !memcmp(resp.body, page_503, resp.body_len),
           "%s: body: expected http.sys's page (%u bytes), got %d bytes \"%s\"\n", what, (unsigned)sizeof(page_503) - 1,
           resp.body_len, dbgstr(resp.body, resp.body_len));
        ok(resp.closed || client_wait_closed(&c, TIMEOUT), "%s: expected the connection closed after the 503\n", what);
    }
    response_free(&resp);
    client_close(&c);
}

/* With Basic 503 verbosity: no response, the connection is reset. */
static void check_reset(const char *path, const char *what)
{
    struct http_response resp;
    struct client c;
    int cret = CLIENT_ERROR;

    memset(&resp, 0, sizeof(resp));
    if (send_get(&c, path)) cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_CLOSED || cret == CLIENT_ERROR, "%s: expected the connection reset, no response; got %d (status %d)\n",
       what, cret, resp.status);
    response_free(&resp);
    client_close(&c);
}

/* ------------------------------------------------------------------------------------------ */

/* The child: a process of its own that tries to register URL, as another server would. */
static int child_main(const char *url_text)
{
    HTTP_SERVER_SESSION_ID session = 0;
    HTTP_URL_GROUP_ID group = 0;
    WCHAR url[256];
    ULONG ret;

    if ((ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL))) return 1000 + ret;
    if ((ret = HttpCreateServerSession(version2, &session, 0))) return 2000 + ret;
    if ((ret = HttpCreateUrlGroup(session, &group, 0))) return 3000 + ret;
    MultiByteToWideChar(CP_ACP, 0, url_text, -1, url, 256);
    ret = HttpAddUrlToUrlGroup(group, url, 1, 0);
    HttpCloseServerSession(session);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return (int)ret;
}

/* Runs the child with URL; its exit code (~0u if it could not be run). */
static DWORD run_child(const char *url)
{
    char self[MAX_PATH], cmd[MAX_PATH + 300];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    DWORD code = ~0u;

    GetModuleFileNameA(NULL, self, sizeof(self));
    snprintf(cmd, sizeof(cmd), "\"%s\" child %u %s", self, port, url);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return code;
    if (WaitForSingleObject(pi.hProcess, 60000) == WAIT_OBJECT_0) GetExitCodeProcess(pi.hProcess, &code);
    else TerminateProcess(pi.hProcess, 1);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code;
}

/* A group's URLs are registered when they are added, bound or not. */
static void test_unbound_group(void)
{
    HTTP_SERVER_SESSION_ID session = new_session(), other_session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session), other = new_group(other_session);
    HANDLE queue = new_queue(), second = new_queue(), v1 = NULL;
    HTTP_URL_CONTEXT context;
    char url_text[128];
    WCHAR url[128];
    ULONG ret;
    DWORD code;
    int status;

    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/unbound/"), 0x51, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/unbound/): expected NO_ERROR, got %lu\n", ret);

    /* nothing else listens on the port: the unbound group's URL holds it */
    check_503_page("/unbound/x", "a request for an unbound group");

    /* conflicts show when the URL is added, not when the group is bound */
    ret = HttpAddUrlToUrlGroup(other, url, 0x52, 0);
    ok(ret == ERROR_ALREADY_EXISTS, "the same URL in another session's unbound group: expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    ret = HttpCreateHttpHandle(&v1, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrl(v1, url, NULL);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpAddUrl of an unbound group's URL: expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    snprintf(url_text, sizeof(url_text), "http://+:%u/unbound/", port);
    code = run_child(url_text);
    ok(code == ERROR_ALREADY_EXISTS, "another process adding an unbound group's URL: expected ERROR_ALREADY_EXISTS (183), got %lu\n", code);
    snprintf(url_text, sizeof(url_text), "http://+:%u/unbound/child/", port);
    code = run_child(url_text);
    ok(code == NO_ERROR, "another process adding a free URL: expected NO_ERROR, got %lu\n", code);

    /* bound: served, with the context; unbound again: 503 again */
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "binding: expected NO_ERROR, got %lu\n", ret);
    status = get_status(queue, "/unbound/x", &context);
    ok(status == 200 && context == 0x51, "request once bound: expected 200 and context 0x51, got %d, %#llx\n", status, context);
    ret = set_binding(group, NULL);
    ok(ret == NO_ERROR, "unbinding: expected NO_ERROR, got %lu\n", ret);
    check_503_page("/unbound/x", "a request after unbinding");

    /* rebinding to another queue moves the requests there */
    ret = set_binding(group, second);
    ok(ret == NO_ERROR, "binding to a second queue: expected NO_ERROR, got %lu\n", ret);
    status = get_status(second, "/unbound/y", &context);
    ok(status == 200 && context == 0x51, "request after rebinding: expected 200 on the second queue, got %d, %#llx\n", status, context);

    /* closing the queue leaves the group unbound */
    ret = HttpCloseRequestQueue(second);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue: expected NO_ERROR, got %lu\n", ret);
    check_503_page("/unbound/y", "a request after the group's queue closed");

    /* removing the URL frees it at once, for this process and others */
    ret = HttpRemoveUrlFromUrlGroup(group, url, 0);
    ok(ret == NO_ERROR, "HttpRemoveUrlFromUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(other, url, 0x53, 0);
    ok(ret == NO_ERROR, "the URL in another group once removed: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseUrlGroup(other);
    ok(ret == NO_ERROR, "HttpCloseUrlGroup: expected NO_ERROR, got %lu\n", ret);
    snprintf(url_text, sizeof(url_text), "http://+:%u/unbound/", port);
    code = run_child(url_text);
    ok(code == NO_ERROR, "another process adding the URL once it is free: expected NO_ERROR, got %lu\n", code);

    HttpCloseRequestQueue(v1);
    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(other_session);
    HttpCloseServerSession(session);
}

/* HttpServerStateProperty: an inactive session, group or queue refuses its requests the way a
 * full queue does (its 503 verbosity: a reset by default, a 503 with Limited); active again,
 * they are served. */
static void test_state(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session), idle = new_group(session);
    HANDLE queue = new_queue();
    HTTP_STATE_INFO info;
    WCHAR url[128];
    ULONG ret, len, value;
    int status;

    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/state/"), 1, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/state/): expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(idle, url_of(url, "/state/idle/"), 2, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/state/idle/): expected NO_ERROR, got %lu\n", ret);
    ok(set_binding(group, queue) == NO_ERROR, "binding /state/: expected NO_ERROR\n");
    status = get_status(queue, "/state/a", NULL);
    ok(status == 200, "request to an active group: expected 200, got %d\n", status);

    /* the group */
    ret = set_state(session, group, TRUE, HttpEnabledStateInactive);
    ok(ret == NO_ERROR, "group state inactive: expected NO_ERROR, got %lu\n", ret);
    check_reset("/state/a", "a request to an inactive group (Basic verbosity)");
    set_verbosity(queue, Http503ResponseVerbosityLimited);
    check_503_page("/state/a", "a request to an inactive group (Limited verbosity)");
    ret = set_state(session, group, TRUE, HttpEnabledStateActive);
    ok(ret == NO_ERROR, "group state active: expected NO_ERROR, got %lu\n", ret);
    status = get_status(queue, "/state/a", NULL);
    ok(status == 200, "request to a group made active again: expected 200, got %d\n", status);
    ret = set_state(session, group, TRUE, HttpEnabledStateInactive);
    ok(ret == NO_ERROR, "group state inactive: expected NO_ERROR, got %lu\n", ret);
    ret = set_state(session, group, FALSE, HttpEnabledStateInactive);
    ok(ret == NO_ERROR, "group state not present: expected NO_ERROR, got %lu\n", ret);
    status = get_status(queue, "/state/a", NULL);
    ok(status == 200, "request once the group's state is taken away (active by default): expected 200, got %d\n", status);
    memset(&info, 0xcc, sizeof(info));
    ret = HttpQueryUrlGroupProperty(group, HttpServerStateProperty, &info, sizeof(info), &len);
    ok(ret == NO_ERROR && !info.Flags.Present && info.State == HttpEnabledStateActive,
       "group state read back: expected NO_ERROR, not present, active; got %lu, %lu, %u\n", ret, (ULONG)info.Flags.Present, info.State);

    /* an inactive unbound group: there is no queue, no verbosity to ask */
    ret = set_state(session, idle, TRUE, HttpEnabledStateInactive);
    ok(ret == NO_ERROR, "unbound group state inactive: expected NO_ERROR, got %lu\n", ret);
    check_503_page("/state/idle/", "a request to an inactive unbound group");

    /* the session: all its groups, even one that says it is active */
    ret = set_state(session, 0, TRUE, HttpEnabledStateInactive);
    ok(ret == NO_ERROR, "session state inactive: expected NO_ERROR, got %lu\n", ret);
    check_503_page("/state/a", "a request while the session is inactive");
    ret = set_state(session, group, TRUE, HttpEnabledStateActive);
    ok(ret == NO_ERROR, "group state active: expected NO_ERROR, got %lu\n", ret);
    check_503_page("/state/a", "a request to an active group while its session is inactive");
    ret = set_state(session, 0, TRUE, HttpEnabledStateActive);
    ok(ret == NO_ERROR, "session state active: expected NO_ERROR, got %lu\n", ret);
    status = get_status(queue, "/state/a", NULL);
    ok(status == 200, "request once the session is active again: expected 200, got %d\n", status);

    /* the queue */
    ret = set_queue_state(queue, HttpEnabledStateInactive);
    ok(ret == NO_ERROR, "queue state inactive: expected NO_ERROR, got %lu\n", ret);
    check_503_page("/state/a", "a request to an inactive queue (Limited verbosity)");
    value = HttpEnabledStateActive;
    ret = HttpQueryRequestQueueProperty(queue, HttpServerStateProperty, &value, sizeof(value), 0, &len, NULL);
    ok(ret == NO_ERROR && value == HttpEnabledStateInactive, "queue state read back: expected NO_ERROR and inactive, got %lu, %lu\n",
       ret, value);
    set_verbosity(queue, Http503ResponseVerbosityBasic);
    check_reset("/state/a", "a request to an inactive queue (Basic verbosity)");
    ret = set_queue_state(queue, HttpEnabledStateActive);
    ok(ret == NO_ERROR, "queue state active: expected NO_ERROR, got %lu\n", ret);
    status = get_status(queue, "/state/a", NULL);
    ok(status == 200, "request to a queue made active again: expected 200, got %d\n", status);

    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(session);
}

/* HTTP_CONNECTION_LIMIT_INFO: connections beyond the limit are refused (Basic: reset; Limited:
 * 503); a connection that closes makes room; connections of other groups do not count. */
static void test_connection_limit(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session), free_group = new_group(session);
    HANDLE queue = new_queue();
    struct client held[2], c;
    WCHAR url[128];
    ULONG ret;
    int i, status;

    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/limit/"), 1, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/limit/): expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(free_group, url_of(url, "/nolimit/"), 2, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/nolimit/): expected NO_ERROR, got %lu\n", ret);
    ok(set_binding(group, queue) == NO_ERROR, "binding /limit/: expected NO_ERROR\n");
    ok(set_binding(free_group, queue) == NO_ERROR, "binding /nolimit/: expected NO_ERROR\n");
    ret = set_connection_limit(group, TRUE, 2);
    ok(ret == NO_ERROR, "connection limit 2: expected NO_ERROR, got %lu\n", ret);

    /* two connections served and kept open */
    for (i = 0; i < 2; i++)
    {
        status = CLIENT_ERROR;
        if (send_get(&held[i], "/limit/held")) serve_one(queue, &held[i], TIMEOUT, NULL, &status);
        ok(status == 200, "connection %d within the limit: expected 200, got %d\n", i + 1, status);
    }
    /* a second request on a connection already counted is fine */
    client_send_str(&held[0], "GET /limit/again HTTP/1.1\r\nHost: localhost\r\n\r\n");
    serve_one(queue, &held[0], TIMEOUT, NULL, &status);
    ok(status == 200, "another request on a counted connection: expected 200, got %d\n", status);

    check_reset("/limit/x", "a third connection with a limit of 2 (Basic verbosity)");
    set_verbosity(queue, Http503ResponseVerbosityLimited);
    check_503_page("/limit/x", "a third connection with a limit of 2 (Limited verbosity)");
    status = get_status(queue, "/nolimit/x", NULL);
    ok(status == 200, "a connection to a group without a limit: expected 200, got %d\n", status);

    /* a connection closes: there is room for one more */
    client_close(&held[1]);
    Sleep(SHORT_WAIT);   /* the engine sees the close */
    status = CLIENT_ERROR;
    if (send_get(&held[1], "/limit/y")) serve_one(queue, &held[1], TIMEOUT, NULL, &status);
    ok(status == 200, "a connection after another closed: expected 200, got %d\n", status);
    check_503_page("/limit/x", "a connection over the limit again");

    /* the limit taken away */
    ret = set_connection_limit(group, FALSE, 0);
    ok(ret == NO_ERROR, "connection limit not present: expected NO_ERROR, got %lu\n", ret);
    status = CLIENT_ERROR;
    if (send_get(&c, "/limit/z")) serve_one(queue, &c, TIMEOUT, NULL, &status);
    ok(status == 200, "a third connection once the limit is gone: expected 200, got %d\n", status);
    client_close(&c);

    for (i = 0; i < 2; i++) client_close(&held[i]);
    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(session);
}

/* A 64 KiB response under a limit of 1024 bytes per second: some bytes come, not all of them in
 * two seconds; once the limit is taken away the rest follows. */
static void check_throttled(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID group, HANDLE queue, const char *path,
                            const char *what)
{
    static char body[65537];
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct client c;
    ULONG ret, got;
    int cret;

    memset(body, 'b', sizeof(body) - 1);
    if (!send_get(&c, path))
    {
        ok(0, "%s: could not send the request\n", what);
        client_close(&c);
        free_request(req);
        return;
    }
    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &got, TIMEOUT);
    ok(ret == NO_ERROR, "%s: receive: expected NO_ERROR, got %lu\n", what, ret);
    if (!ret)
    {
        ret = respond_text(queue, req->RequestId, body);
        ok(ret == NO_ERROR, "%s: HttpSendHttpResponse of 64 KiB: expected NO_ERROR, got %lu\n", what, ret);
    }
    client_wait_closed(&c, 2000);
    ok(c.len > 0 && c.len < 65536, "%s: after 2 s at 1024 bytes/s: expected part of the 64 KiB response, got %d bytes\n",
       what, c.len);
    ret = set_bandwidth(session, group, FALSE, 0);
    ok(ret == NO_ERROR, "%s: bandwidth limit taken away: expected NO_ERROR, got %lu\n", what, ret);
    cret = client_read_response(&c, &resp, FALSE, TIMEOUT);
    ok(cret == CLIENT_OK && resp.status == 200 && resp.body_len == 65536,
       "%s: once unlimited: expected the whole response, got %d (status %d, %d bytes)\n", what, cret, resp.status,
       resp.body_len);
    response_free(&resp);
    client_close(&c);
    free_request(req);
}

static void test_bandwidth(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session);
    HANDLE queue = new_queue();
    WCHAR url[128];
    ULONG ret;

    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/slow/"), 1, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/slow/): expected NO_ERROR, got %lu\n", ret);
    ok(set_binding(group, queue) == NO_ERROR, "binding /slow/: expected NO_ERROR\n");
    ret = set_bandwidth(session, group, TRUE, 1023);
    ok(ret == ERROR_INVALID_PARAMETER, "bandwidth 1023: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    ret = set_bandwidth(session, group, TRUE, 1024);
    ok(ret == NO_ERROR, "group bandwidth 1024: expected NO_ERROR, got %lu\n", ret);
    check_throttled(session, group, queue, "/slow/group", "group bandwidth");

    /* the session's limit applies to a group without one */
    ret = set_bandwidth(session, 0, TRUE, 1024);
    ok(ret == NO_ERROR, "session bandwidth 1024: expected NO_ERROR, got %lu\n", ret);
    check_throttled(session, 0, queue, "/slow/session", "session bandwidth");

    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(session);
}

#define LOG_FIELD_DATE      0x00000001
#define LOG_FIELD_TIME      0x00000002
#define LOG_FIELD_CLIENT_IP 0x00000004
#define LOG_FIELD_USER_NAME 0x00000008
#define LOG_FIELD_SITE_NAME 0x00000010
#define LOG_FIELD_METHOD    0x00000080
#define LOG_FIELD_URI_STEM  0x00000100
#define LOG_FIELD_URI_QUERY 0x00000200
#define LOG_FIELD_STATUS    0x00000400
#define LOG_FIELD_SUB_STATUS 0x00200000
#define LOGGING_FLAG_UTF8   0x2
#ifndef HTTP_AUTH_ENABLE_BASIC
#define HTTP_AUTH_ENABLE_BASIC 0x1
#define HTTP_AUTH_ENABLE_NTLM  0x4
#endif

static ULONG set_logging(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID group, BOOL present, const WCHAR *dir,
                         const WCHAR *software, ULONG fields)
{
    HTTP_LOGGING_INFO info;

    memset(&info, 0, sizeof(info));
    info.Flags.Present = present;
    info.LoggingFlags = LOGGING_FLAG_UTF8;
    info.SoftwareName = software;
    info.SoftwareNameLength = software ? lstrlenW(software) * sizeof(WCHAR) : 0;
    info.DirectoryName = dir;
    info.DirectoryNameLength = dir ? lstrlenW(dir) * sizeof(WCHAR) : 0;
    info.Format = HttpLoggingTypeW3C;
    info.Fields = fields;
    info.RolloverType = HttpLoggingRolloverDaily;
    if (group) return HttpSetUrlGroupProperty(group, HttpServerLoggingProperty, &info, sizeof(info));
    return HttpSetServerSessionProperty(session, HttpServerLoggingProperty, &info, sizeof(info));
}

/* A GET of path answered 200, with log data naming user (NULL: no pLogData at all). */
static ULONG logged_exchange(HANDLE queue, const char *path, const WCHAR *user, int *status)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    struct http_response resp;
    struct test_response r;
    struct http_log_fields log;
    struct client c;
    ULONG ret = ERROR_CONNECTION_REFUSED, got, dummy;

    *status = CLIENT_ERROR;
    if (send_get(&c, path) && !(ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &got, TIMEOUT)))
    {
        memset(&log, 0, sizeof(log));
        log.Base.Type = HttpLogDataTypeFields;
        log.UserName = (WCHAR *)user;
        log.UserNameLength = user ? lstrlenW(user) * sizeof(WCHAR) : 0;
        log.Method = "GET";
        log.MethodLength = 3;
        log.ServiceName = "W3SVC7";
        log.ServiceNameLength = 6;
        log.ProtocolStatus = 200;
        log.SubStatus = 3;
        init_response(&r, 200, "OK", "text/plain", "logged");
        ret = HttpSendHttpResponse(queue, req->RequestId, 0, &r.resp, NULL, &dummy, NULL, 0, NULL,
                                   user ? (HTTP_LOG_DATA *)&log : NULL);
        *status = client_read_response(&c, &resp, FALSE, TIMEOUT);
        if (*status == CLIENT_OK) *status = resp.status;
        response_free(&resp);
    }
    client_close(&c);
    free_request(req);
    return ret;
}

/* The whole file; NULL if it cannot be read. */
static char *read_text(const WCHAR *path, DWORD *len)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    static char text[65536];

    *len = 0;
    if (file == INVALID_HANDLE_VALUE) return NULL;
    ReadFile(file, text, sizeof(text) - 1, len, NULL);
    CloseHandle(file);
    text[*len] = 0;
    return text;
}

static int count_lines(const char *text, const char *needle)
{
    int n = 0;
    const char *p;

    for (p = text; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* HttpServerLoggingProperty (W3C): the files in the directory named, with the header lines and
 * one line per response the application gave log data for. */
static void test_logging(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session);
    HANDLE queue = new_queue();
    WCHAR base[MAX_PATH], dir[MAX_PATH], session_dir[MAX_PATH], file[MAX_PATH], session_file[MAX_PATH], url[128];
    char expect[256], date[16];
    struct http_log_fields bad;
    struct test_response r;
    SYSTEMTIME now;
    DWORD len;
    ULONG ret, dummy;
    char *text;
    int status;

    GetTempPathW(MAX_PATH, base);
    wsprintfW(dir, L"%sw3c-%lu\\site\\logs", base, GetCurrentProcessId());
    wsprintfW(session_dir, L"%sw3c-%lu\\central", base, GetCurrentProcessId());
    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/logged/"), 1, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/logged/): expected NO_ERROR, got %lu\n", ret);
    ok(set_binding(group, queue) == NO_ERROR, "binding /logged/: expected NO_ERROR\n");

    ret = set_logging(session, group, TRUE, L"logs\\relative", NULL, LOG_FIELD_DATE);
    ok(ret == ERROR_INVALID_PARAMETER, "a relative log directory: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = set_logging(session, group, TRUE, dir, NULL, LOG_FIELD_DATE | LOG_FIELD_TIME | LOG_FIELD_CLIENT_IP |
                      LOG_FIELD_USER_NAME | LOG_FIELD_SITE_NAME | LOG_FIELD_METHOD | LOG_FIELD_URI_STEM |
                      LOG_FIELD_URI_QUERY | LOG_FIELD_STATUS | LOG_FIELD_SUB_STATUS);
    ok(ret == NO_ERROR, "group W3C logging into a new directory: expected NO_ERROR, got %lu\n", ret);
    ok(GetFileAttributesW(dir) != INVALID_FILE_ATTRIBUTES && (GetFileAttributesW(dir) & FILE_ATTRIBUTE_DIRECTORY),
       "the log directory: expected it made\n");

    /* a run before this one may have left its files (process ids repeat) */
    GetSystemTime(&now);
    wsprintfW(file, L"%s\\u_ex%02u%02u%02u.log", dir, now.wYear % 100, now.wMonth, now.wDay);
    DeleteFileW(file);
    wsprintfW(session_file, L"%s\\u_ex%02u%02u%02u.log", session_dir, now.wYear % 100, now.wMonth, now.wDay);
    DeleteFileW(session_file);
    ret = logged_exchange(queue, "/logged/a?x=1", L"alice", &status);
    ok(ret == NO_ERROR && status == 200, "a response with log data: expected NO_ERROR and 200, got %lu, %d\n", ret, status);
    ret = logged_exchange(queue, "/logged/b", NULL, &status);
    ok(ret == NO_ERROR && status == 200, "a response without log data: expected NO_ERROR and 200, got %lu, %d\n", ret, status);

    snprintf(date, sizeof(date), "%04u-%02u-%02u", now.wYear, now.wMonth, now.wDay);
    text = read_text(file, &len);
    ok(text != NULL, "the daily log u_exYYMMDD.log (UTC): expected it in the directory\n");
    if (text)
    {
        static const char head[] = "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: ";
        ok(!strncmp(text, head, sizeof(head) - 1),
           "log header: expected #Software, #Version, #Date, got \"%s\"\n", dbgstr(text, 80));
        snprintf(expect, sizeof(expect), "#Date: %s ", date);
        ok(strstr(text, expect) != NULL, "#Date: expected today's UTC date %s\n", date);
        ok(strstr(text, "\r\n#Fields: date time s-sitename cs-method cs-uri-stem cs-uri-query cs-username c-ip "
                        "sc-status sc-substatus\r\n") != NULL,
           "#Fields: expected the selected fields in W3C order, got \"%s\"\n", dbgstr(text, 200));
        snprintf(expect, sizeof(expect), "\r\n%s ", date);
        ok(count_lines(text, expect) == 1, "log lines: expected one (the response with log data), got %d in \"%s\"\n",
           count_lines(text, expect), dbgstr(text, 200));
        ok(strstr(text, " W3SVC7 GET /logged/a x=1 alice 127.0.0.1 200 3\r\n") != NULL,
           "log line: expected \"W3SVC7 GET /logged/a x=1 alice 127.0.0.1 200 3\", got \"%s\"\n", dbgstr(text, 250));
        ok(!strstr(text, "/logged/b"), "a response without log data: expected no line\n");
    }

    /* the group's logging taken away: the session's applies */
    ret = set_logging(session, 0, TRUE, session_dir, L"Central Log", LOG_FIELD_URI_STEM | LOG_FIELD_STATUS);
    ok(ret == NO_ERROR, "session W3C logging: expected NO_ERROR, got %lu\n", ret);
    ret = set_logging(session, group, FALSE, NULL, NULL, 0);
    ok(ret == NO_ERROR, "group logging not present: expected NO_ERROR, got %lu\n", ret);
    ret = logged_exchange(queue, "/logged/c", L"bob", &status);
    ok(ret == NO_ERROR && status == 200, "a response with log data: expected NO_ERROR and 200, got %lu, %d\n", ret, status);
    text = read_text(session_file, &len);
    ok(text && !strncmp(text, "#Software: Central Log\r\n", 24) && strstr(text, "#Fields: cs-uri-stem sc-status\r\n") &&
       strstr(text, "\r\n/logged/c 200\r\n"),
       "the session's log: expected its header and the line, got \"%s\"\n", text ? dbgstr(text, 200) : "(no file)");

    /* log data must say what it is */
    memset(&bad, 0, sizeof(bad));
    bad.Base.Type = 7;
    {
        HTTP_REQUEST_V1 *req = alloc_request();
        struct client c;
        ULONG got;

        if (send_get(&c, "/logged/d") && !receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &got, TIMEOUT))
        {
            init_response(&r, 200, "OK", NULL, "x");
            ret = HttpSendHttpResponse(queue, req->RequestId, 0, &r.resp, NULL, &dummy, NULL, 0, NULL, (HTTP_LOG_DATA *)&bad);
            ok(ret == ERROR_INVALID_PARAMETER, "log data of an unknown type: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
            respond_text(queue, req->RequestId, "x");
        }
        client_close(&c);
        free_request(req);
    }

    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(session);
    DeleteFileW(file);
    DeleteFileW(session_file);
    RemoveDirectoryW(dir);
    RemoveDirectoryW(session_dir);
    wsprintfW(dir, L"%sw3c-%lu\\site", base, GetCurrentProcessId());
    RemoveDirectoryW(dir);
    wsprintfW(dir, L"%sw3c-%lu", base, GetCurrentProcessId());
    RemoveDirectoryW(dir);
}

static ULONG set_auth(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID group, BOOL present, ULONG schemes,
                      const WCHAR *realm)
{
    HTTP_SERVER_AUTHENTICATION_INFO info;

    memset(&info, 0, sizeof(info));
    info.Flags.Present = present;
    info.AuthSchemes = schemes;
    info.BasicParams.Realm = (WCHAR *)realm;
    info.BasicParams.RealmLength = realm ? lstrlenW(realm) * sizeof(WCHAR) : 0;
    if (group) return HttpSetUrlGroupProperty(group, HttpServerAuthenticationProperty, &info, sizeof(info));
    return HttpSetServerSessionProperty(session, HttpServerAuthenticationProperty, &info, sizeof(info));
}

struct auth_seen
{
    BOOL present;                  /* an HttpRequestInfoTypeAuth entry */
    ULONG count;                   /* RequestInfoCount */
    HTTP_REQUEST_AUTH_INFO info;   /* its first fields, as MinGW's http.h has them */
    BYTE raw[80];                  /* all of it (x64) */
    ULONG length;
    int status;                    /* what the client saw of the 401 */
    char challenge[128];           /* its WWW-Authenticate */
    int challenges;
};

/* A GET with the given Authorization (NULL: none); the application answers 401 with a Basic
 * challenge of its own, as applications do. */
static void auth_exchange(HANDLE queue, const char *path, const char *authorization, struct auth_seen *seen)
{
    HTTP_REQUEST_V2 *req = (HTTP_REQUEST_V2 *)alloc_request();
    struct http_response resp;
    struct test_response r;
    struct client c;
    char text[512];
    const char *value;
    ULONG got, i, dummy;

    memset(seen, 0, sizeof(*seen));
    seen->status = CLIENT_ERROR;
    if (!client_connect(&c, AF_INET, port))
    {
        client_close(&c);
        free_request((HTTP_REQUEST_V1 *)req);
        return;
    }
    snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\nHost: localhost\r\n%s%s%s\r\n", path,
             authorization ? "Authorization: " : "", authorization ? authorization : "", authorization ? "\r\n" : "");
    client_send_str(&c, text);
    if (!receive_request(queue, HTTP_NULL_ID, 0, (HTTP_REQUEST_V1 *)req, REQ_BUFFER_SIZE, &got, TIMEOUT))
    {
        seen->count = req->RequestInfoCount;
        for (i = 0; i < req->RequestInfoCount; i++)
        {
            if (req->pRequestInfo[i].InfoType != HttpRequestInfoTypeAuth) continue;
            seen->present = TRUE;
            seen->length = req->pRequestInfo[i].InfoLength;
            memcpy(&seen->info, req->pRequestInfo[i].pInfo, sizeof(seen->info));
            memcpy(seen->raw, req->pRequestInfo[i].pInfo, min(sizeof(seen->raw), seen->length));
        }
        init_response(&r, 401, "Unauthorized", "text/plain", "who?");
        set_known_header(&r, HttpHeaderWwwAuthenticate, "Basic realm=\"test realm\"");
        HttpSendHttpResponse(queue, req->RequestId, 0, &r.resp, NULL, &dummy, NULL, 0, NULL, NULL);
        seen->status = client_read_response(&c, &resp, FALSE, TIMEOUT);
        if (seen->status == CLIENT_OK)
        {
            seen->status = resp.status;
            seen->challenges = response_header_count(&resp, "WWW-Authenticate");
            if ((value = response_header(&resp, "WWW-Authenticate")))
                snprintf(seen->challenge, sizeof(seen->challenge), "%s", value);
        }
        response_free(&resp);
    }
    client_close(&c);
    free_request((HTTP_REQUEST_V1 *)req);
}

/* HttpServerAuthenticationProperty: every request is delivered, with HTTP_REQUEST_AUTH_INFO saying
 * what its Authorization header amounts to; the application sends the 401 and its challenge.  A Wine
 * prefix has no accounts to log Basic credentials on to: they are a failed logon. */
static void test_authentication(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session), plain = new_group(session);
    HANDLE queue = new_queue();
    struct auth_seen seen;
    WCHAR url[128];
    ULONG ret;

    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/auth/"), 1, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/auth/): expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(plain, url_of(url, "/noauth/"), 2, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/noauth/): expected NO_ERROR, got %lu\n", ret);
    ok(set_binding(group, queue) == NO_ERROR, "binding /auth/: expected NO_ERROR\n");
    ok(set_binding(plain, queue) == NO_ERROR, "binding /noauth/: expected NO_ERROR\n");
    ret = set_auth(session, group, TRUE, HTTP_AUTH_ENABLE_BASIC, L"test realm");
    ok(ret == NO_ERROR, "Basic authentication on the group: expected NO_ERROR, got %lu\n", ret);

    auth_exchange(queue, "/auth/a", NULL, &seen);
    ok(seen.present, "no credentials: expected an HttpRequestInfoTypeAuth entry (of %lu)\n", seen.count);
    ok(seen.length == 80, "HTTP_REQUEST_AUTH_INFO: expected 80 bytes, got %lu\n", seen.length);
    ok(seen.info.AuthStatus == HttpAuthStatusNotAuthenticated && seen.info.AuthType == HttpRequestAuthTypeNone,
       "no credentials: expected HttpAuthStatusNotAuthenticated (1) and HttpRequestAuthTypeNone (0), got %u, %u\n",
       seen.info.AuthStatus, seen.info.AuthType);
    ok(!seen.info.AccessToken, "no credentials: expected no AccessToken, got %p\n", seen.info.AccessToken);
    ok(seen.status == 401 && seen.challenges == 1 && !strcmp(seen.challenge, "Basic realm=\"test realm\""),
       "the application's 401: expected it as sent, one WWW-Authenticate; got %d, %d \"%s\"\n", seen.status,
       seen.challenges, seen.challenge);

    auth_exchange(queue, "/auth/b", "Basic dXNlcjpwYXNzd29yZA==", &seen);
    ok(seen.present && seen.info.AuthStatus == HttpAuthStatusFailure && seen.info.AuthType == HttpRequestAuthTypeBasic,
       "Basic credentials: expected HttpAuthStatusFailure (2) and HttpRequestAuthTypeBasic (1), got %d, %u, %u\n",
       seen.present, seen.info.AuthStatus, seen.info.AuthType);
    ok(seen.info.SecStatus == SEC_E_LOGON_DENIED, "Basic credentials: expected SEC_E_LOGON_DENIED, got %#lx\n",
       (ULONG)seen.info.SecStatus);
    ok(!seen.info.AccessToken, "Basic credentials not logged on: expected no AccessToken, got %p\n", seen.info.AccessToken);

    auth_exchange(queue, "/auth/c", "Negotiate YIIBbgYGKwYBBQUC", &seen);
    ok(seen.present && seen.info.AuthStatus == HttpAuthStatusNotAuthenticated &&
       seen.info.AuthType == HttpRequestAuthTypeNegotiate,
       "a scheme not enabled: expected HttpAuthStatusNotAuthenticated (1) and its type (Negotiate, 4), got %d, %u, %u\n",
       seen.present, seen.info.AuthStatus, seen.info.AuthType);

    auth_exchange(queue, "/noauth/x", "Basic dXNlcjpwYXNzd29yZA==", &seen);
    ok(!seen.present && seen.status == 401,
       "a group without authentication: expected no Auth information, got %d (of %lu)\n", seen.present, seen.count);

    /* the session's applies to a group that sets none */
    ret = set_auth(session, 0, TRUE, HTTP_AUTH_ENABLE_BASIC | HTTP_AUTH_ENABLE_NTLM, NULL);
    ok(ret == NO_ERROR, "authentication on the session: expected NO_ERROR, got %lu\n", ret);
    auth_exchange(queue, "/noauth/y", "NTLM TlRMTVNTUAABAAAA", &seen);
    ok(seen.present && seen.info.AuthStatus == HttpAuthStatusNotAuthenticated && seen.info.AuthType == HttpRequestAuthTypeNTLM,
       "the session's schemes: expected NotAuthenticated (1) and NTLM (3), got %d, %u, %u\n", seen.present,
       seen.info.AuthStatus, seen.info.AuthType);
    ret = set_auth(session, group, FALSE, 0, NULL);
    ok(ret == NO_ERROR, "group authentication not present: expected NO_ERROR, got %lu\n", ret);
    auth_exchange(queue, "/auth/d", "Basic !!", &seen);
    ok(seen.present && seen.info.AuthStatus == HttpAuthStatusFailure && seen.info.SecStatus == SEC_E_INVALID_TOKEN,
       "malformed Basic under the session's schemes: expected HttpAuthStatusFailure and SEC_E_INVALID_TOKEN, got %d, %u, %#lx\n",
       seen.present, seen.info.AuthStatus, (ULONG)seen.info.SecStatus);

    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(session);
}

static void basic_header(char *out, size_t size, const char *user, const char *password)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char plain[256];
    size_t len, i, n;

    len = snprintf(plain, sizeof(plain), "%s:%s", user, password);
    n = snprintf(out, size, "Basic ");
    for (i = 0; i < len && n + 5 < size; i += 3)
    {
        unsigned v = (BYTE)plain[i] << 16 | (i + 1 < len ? (BYTE)plain[i + 1] << 8 : 0) | (i + 2 < len ? (BYTE)plain[i + 2] : 0);
        out[n++] = b64[v >> 18];
        out[n++] = b64[(v >> 12) & 63];
        out[n++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        out[n++] = i + 2 < len ? b64[v & 63] : '=';
    }
    out[n] = 0;
}

static BOOL all_zero(const BYTE *p, size_t len)
{
    while (len--) if (*p++) return FALSE;
    return TRUE;
}

/* Basic credentials of the prefix's one account (the user this process runs as) are checked for
 * real; a wrong password is a failed logon, with nothing but AuthStatus, SecStatus and AuthType
 * set.  The right one is known only when HTTPSYS_TEST_BASIC_PASSWORD gives it: the logon then
 * succeeds, with a primary token of that user for the application to close. */
static void test_basic_logon(void)
{
    HTTP_SERVER_SESSION_ID session = new_session();
    HTTP_URL_GROUP_ID group = new_group(session);
    HANDLE queue = new_queue();
    char user[128], computer[MAX_COMPUTERNAME_LENGTH + 1], name[300], header[512], password[128];
    DWORD len = sizeof(user), clen = sizeof(computer);
    struct auth_seen seen;
    WCHAR url[128];
    ULONG ret;

    ok(GetUserNameA(user, &len), "GetUserNameA: expected TRUE, got error %lu\n", GetLastError());
    ok(GetComputerNameA(computer, &clen), "GetComputerNameA: expected TRUE, got error %lu\n", GetLastError());
    ret = HttpAddUrlToUrlGroup(group, url_of(url, "/logon/"), 1, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/logon/): expected NO_ERROR, got %lu\n", ret);
    ok(set_binding(group, queue) == NO_ERROR, "binding /logon/: expected NO_ERROR\n");
    ret = set_auth(session, group, TRUE, HTTP_AUTH_ENABLE_BASIC, L"logon realm");
    ok(ret == NO_ERROR, "Basic authentication on the group: expected NO_ERROR, got %lu\n", ret);

    basic_header(header, sizeof(header), user, "surely not the password 0");
    auth_exchange(queue, "/logon/wrong", header, &seen);
    ok(seen.present && seen.length == 80, "our own user, a wrong password: expected an Auth entry of 80 bytes, got %d, %lu\n",
       seen.present, seen.length);
    ok(seen.info.AuthStatus == HttpAuthStatusFailure && seen.info.AuthType == HttpRequestAuthTypeBasic,
       "our own user, a wrong password: expected HttpAuthStatusFailure (2), HttpRequestAuthTypeBasic (1), got %u, %u\n",
       seen.info.AuthStatus, seen.info.AuthType);
    ok(seen.info.SecStatus == SEC_E_LOGON_DENIED, "our own user, a wrong password: expected SEC_E_LOGON_DENIED, got %#lx\n",
       (ULONG)seen.info.SecStatus);
    ok(!seen.info.Flags && all_zero(seen.raw + 16, sizeof(seen.raw) - 16),
       "a failed logon: expected Flags, AccessToken, ContextAttributes, PackedContext, MutualAuthData and "
       "pPackageName all zero\n");
    ok(seen.status == 401, "a failed logon: expected the application's 401, got %d\n", seen.status);

    snprintf(name, sizeof(name), "%s\\%s", computer, user);
    basic_header(header, sizeof(header), name, "surely not the password 1");
    auth_exchange(queue, "/logon/domain", header, &seen);
    ok(seen.info.AuthStatus == HttpAuthStatusFailure && seen.info.SecStatus == SEC_E_LOGON_DENIED,
       "COMPUTERNAME\\user, a wrong password: expected HttpAuthStatusFailure, SEC_E_LOGON_DENIED, got %u, %#lx\n",
       seen.info.AuthStatus, (ULONG)seen.info.SecStatus);

    snprintf(name, sizeof(name), "not-%s", user);
    basic_header(header, sizeof(header), name, "x");
    auth_exchange(queue, "/logon/other", header, &seen);
    ok(seen.info.AuthStatus == HttpAuthStatusFailure && seen.info.SecStatus == SEC_E_LOGON_DENIED &&
       !seen.info.AccessToken,
       "an account the prefix does not have: expected HttpAuthStatusFailure, SEC_E_LOGON_DENIED, no token; got %u, %#lx, %p\n",
       seen.info.AuthStatus, (ULONG)seen.info.SecStatus, seen.info.AccessToken);

    basic_header(header, sizeof(header), user, "");
    auth_exchange(queue, "/logon/blank", header, &seen);
    ok(seen.info.AuthStatus == HttpAuthStatusFailure && seen.info.SecStatus == SEC_E_LOGON_DENIED,
       "a blank password: expected HttpAuthStatusFailure, SEC_E_LOGON_DENIED, got %u, %#lx\n",
       seen.info.AuthStatus, (ULONG)seen.info.SecStatus);

    len = GetEnvironmentVariableA("HTTPSYS_TEST_BASIC_PASSWORD", password, sizeof(password));
    if (!len || len >= sizeof(password))
        trace("HTTPSYS_TEST_BASIC_PASSWORD not set: the successful logon is not tested\n");
    else
    {
        TOKEN_TYPE type = 0;
        BYTE mine[256], theirs[256];
        HANDLE own;
        DWORD size;

        basic_header(header, sizeof(header), user, password);
        auth_exchange(queue, "/logon/right", header, &seen);
        ok(seen.info.AuthStatus == HttpAuthStatusSuccess && !seen.info.SecStatus &&
           seen.info.AuthType == HttpRequestAuthTypeBasic,
           "the right password: expected HttpAuthStatusSuccess (0), SecStatus 0, Basic; got %u, %#lx, %u\n",
           seen.info.AuthStatus, (ULONG)seen.info.SecStatus, seen.info.AuthType);
        ok(seen.info.AccessToken != NULL, "the right password: expected an AccessToken\n");
        ok(GetTokenInformation(seen.info.AccessToken, TokenType, &type, sizeof(type), &size) && type == TokenPrimary,
           "the AccessToken: expected a primary token (as LogonUser's), got %d (error %lu)\n", type, GetLastError());
        OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &own);
        ok(GetTokenInformation(seen.info.AccessToken, TokenUser, theirs, sizeof(theirs), &size) &&
           GetTokenInformation(own, TokenUser, mine, sizeof(mine), &size) &&
           EqualSid(((TOKEN_USER *)theirs)->User.Sid, ((TOKEN_USER *)mine)->User.Sid),
           "the AccessToken: expected our own user's\n");
        CloseHandle(own);
        ok(CloseHandle(seen.info.AccessToken), "CloseHandle(AccessToken): expected TRUE, got error %lu\n", GetLastError());
        ok(!seen.info.ContextAttributes && !seen.info.PackedContextLength && !seen.info.PackedContext &&
           !seen.info.MutualAuthDataLength && !seen.info.pMutualAuthData && all_zero(seen.raw + 64, 16),
           "a Basic logon: expected no context, packed context, mutual data or package name\n");
    }
    HttpCloseRequestQueue(queue);
    HttpCloseServerSession(session);
}

int main(int argc, char **argv)
{
    ULONG ret;

    if (argc == 4 && !strcmp(argv[1], "child")) return child_main(argv[3]);
    test_startup("v2_props.c");
    port = test_port(argc, argv);

    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(2.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();

    test_unbound_group();
    test_state();
    test_connection_limit();
    test_bandwidth();
    test_logging();
    test_authentication();
    test_basic_logon();

    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

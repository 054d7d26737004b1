/*
 * http.sys's error log, HTTPERR (KB 820729 "Error logging in HTTP API"): with the default
 * configuration (EnableErrorLogging 1, ErrorLoggingDir %SystemRoot%\System32\LogFiles) the
 * service writes %SystemRoot%\System32\LogFiles\HTTPERR\httperr<N>.log, a W3C-style file with
 * the fields "date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid
 * s-reason s-queuename", one line for each response it made itself, each connection a timer
 * cut, and each request whose client went away while the application held it.
 *
 * The test provokes some of each, then reads the log as an administrator would (sharing it
 * with the service, which keeps it open) and checks each line's fields.  Every URL carries a
 * token of this run, so lines of earlier runs in the same prefix are never mistaken for its own.
 *
 * Usage: httperr.exe PORT
 *
 * Written from KB 820729 and the reference digest (shared/reference/httpapi.md §3.3, §5.4).
 */

#include "util.h"

static const HTTPAPI_VERSION version2 = HTTPAPI_VERSION_2;
static USHORT port;
static char token[16];
static char queue_name[32];

#define FIELDS 13
#define LOG_MAX (16 << 20)

enum { F_DATE, F_TIME, F_CIP, F_CPORT, F_SIP, F_SPORT, F_VERSION, F_METHOD, F_URI, F_STATUS, F_SITEID, F_REASON,
       F_QUEUE };

/* What one provoked event should have logged. */
struct expect
{
    const char *what;
    USHORT client_port;            /* 0: not known to the test */
    char uri[128];                 /* the cs-uri field, the token in it */
    const char *method, *version, *status, *reason, *queue;
};

static struct expect expects[8];
static int expect_count;

static struct expect *expect_line(const char *what, USHORT client_port, const char *path, const char *method,
                                  const char *version, const char *status, const char *reason, const char *queue)
{
    struct expect *e = &expects[expect_count++];

    e->what = what;
    e->client_port = client_port;
    snprintf(e->uri, sizeof(e->uri), path, token);
    e->method = method;
    e->version = version;
    e->status = status;
    e->reason = reason;
    e->queue = queue;
    return e;
}

/* Sends one request on a connection of its own; returns the status of the answer (0: none,
 * the connection was closed or reset) and the client's port. */
static int send_raw(const char *fmt, USHORT *client_port)
{
    struct http_response resp;
    struct client c;
    char text[512];
    int status = 0;

    snprintf(text, sizeof(text), fmt, token, port);
    if (!client_connect(&c, AF_INET, port))
    {
        ok(0, "connecting to port %u failed: error %d\n", port, WSAGetLastError());
        return -1;
    }
    *client_port = c.local_port;
    client_send_str(&c, text);
    if (client_read_response(&c, &resp, FALSE, TIMEOUT) == CLIENT_OK) status = resp.status;
    response_free(&resp);
    client_close(&c);
    return status;
}

/* Closes with a reset, as a client that gives up does. */
static void reset_close(struct client *c)
{
    struct linger now = { 1, 0 };

    setsockopt(c->s, SOL_SOCKET, SO_LINGER, (const char *)&now, sizeof(now));
    client_close(c);
}

static ULONG bind_group(HTTP_URL_GROUP_ID group, HANDLE queue)
{
    HTTP_BINDING_INFO binding;

    memset(&binding, 0, sizeof(binding));
    binding.Flags.Present = 1;
    binding.RequestQueueHandle = queue;
    return HttpSetUrlGroupProperty(group, HttpServerBindingProperty, &binding, sizeof(binding));
}

/* Every httperrN.log there is, one after the other: a run may straddle a rollover. */
static char *read_logs(DWORD *total, char *first_head, int head_cap)
{
    char *data = malloc(LOG_MAX + 1);
    DWORD len = 0;
    int n;

    first_head[0] = 0;
    for (n = 1; n < 1000 && data; n++)
    {
        char path[MAX_PATH];
        HANDLE file;
        DWORD got;

        snprintf(path, sizeof(path), "C:\\windows\\system32\\LogFiles\\HTTPERR\\httperr%d.log", n);
        file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
        if (file == INVALID_HANDLE_VALUE) break;
        if (n == 1)
        {
            if (ReadFile(file, first_head, head_cap - 1, &got, NULL)) first_head[got] = 0;
            SetFilePointer(file, 0, NULL, FILE_BEGIN);
        }
        /* only the last few MB can be this run's */
        if (len > LOG_MAX / 2)
        {
            memmove(data, data + len - LOG_MAX / 4, LOG_MAX / 4);
            len = LOG_MAX / 4;
        }
        while (len < LOG_MAX && ReadFile(file, data + len, LOG_MAX - len, &got, NULL) && got) len += got;
        CloseHandle(file);
    }
    if (data) data[len] = 0;
    *total = len;
    return data;
}

/* The fields of the first line whose cs-uri is uri and whose reason is reason. */
static BOOL find_line(char *log, const char *uri, const char *reason, char fields[FIELDS][4200])
{
    char *line = log;

    while (line && *line)
    {
        char *end = strstr(line, "\r\n"), *p = line;
        int count = 0;

        if (end) *end = 0;
        while (*line != '#' && count < FIELDS && p)
        {
            char *sp = strchr(p, ' ');
            size_t n = sp ? (size_t)(sp - p) : strlen(p);
            if (n >= 4200) break;
            memcpy(fields[count], p, n);
            fields[count++][n] = 0;
            p = sp ? sp + 1 : NULL;
        }
        if (end) *end = '\r';
        if (count == FIELDS && !p && !strcmp(fields[F_URI], uri) && !strcmp(fields[F_REASON], reason)) return TRUE;
        line = end ? end + 2 : NULL;
    }
    return FALSE;
}

static void check_line(char *log, const struct expect *e)
{
    static char fields[FIELDS][4200];
    char sport[8], cport[8];
    SYSTEMTIME now;
    int y, mo, d, h, mi, s;
    LONG diff;

    if (!find_line(log, e->uri, e->reason, fields))
    {
        ok(0, "%s: expected a line for %s with the reason %s, found none\n", e->what, e->uri, e->reason);
        return;
    }
    snprintf(sport, sizeof(sport), "%u", port);
    snprintf(cport, sizeof(cport), "%u", e->client_port);
    ok(!strcmp(fields[F_CIP], "127.0.0.1") && !strcmp(fields[F_SIP], "127.0.0.1") && !strcmp(fields[F_SPORT], sport) &&
       (!e->client_port || !strcmp(fields[F_CPORT], cport)),
       "%s: expected 127.0.0.1 %s 127.0.0.1 %s, got %s %s %s %s\n", e->what, cport, sport, fields[F_CIP],
       fields[F_CPORT], fields[F_SIP], fields[F_SPORT]);
    ok(!strcmp(fields[F_VERSION], e->version) && !strcmp(fields[F_METHOD], e->method) &&
       !strcmp(fields[F_STATUS], e->status) && !strcmp(fields[F_SITEID], "-") && !strcmp(fields[F_QUEUE], e->queue),
       "%s: expected %s %s %s - %s %s, got %s %s %s %s %s %s\n", e->what, e->version, e->method, e->status, e->reason,
       e->queue, fields[F_VERSION], fields[F_METHOD], fields[F_STATUS], fields[F_SITEID], fields[F_REASON],
       fields[F_QUEUE]);
    /* in UTC: within a few minutes of GetSystemTime */
    GetSystemTime(&now);
    diff = 99999;
    if (sscanf(fields[F_DATE], "%d-%d-%d", &y, &mo, &d) == 3 && sscanf(fields[F_TIME], "%d:%d:%d", &h, &mi, &s) == 3 &&
        strlen(fields[F_DATE]) == 10 && strlen(fields[F_TIME]) == 8 &&
        y == now.wYear && mo == now.wMonth && d == now.wDay)
        diff = labs((LONG)(now.wHour * 3600 + now.wMinute * 60 + now.wSecond) - (h * 3600 + mi * 60 + s));
    ok(diff < 300, "%s: expected the UTC date and time (%04u-%02u-%02u %02u:%02u), got %s %s\n", e->what, now.wYear,
       now.wMonth, now.wDay, now.wHour, now.wMinute, fields[F_DATE], fields[F_TIME]);
}

int main(int argc, char **argv)
{
    HTTP_SERVER_SESSION_ID session = 0;
    HTTP_URL_GROUP_ID group = 0, unbound = 0, off_group = 0;
    HANDLE queue = NULL, off_queue = NULL;
    HTTP_TIMEOUT_LIMIT_INFO timeouts;
    HTTP_REQUEST_V1 *req = alloc_request();
    HTTP_ENABLED_STATE state = HttpEnabledStateInactive;
    WCHAR url[128], wname[32];
    struct client c;
    char head[512], text[256];
    USHORT cport;
    DWORD len;
    ULONG ret, bytes;
    char *log;
    int status, i;

    test_startup("httperr.c");
    port = test_port(argc, argv);
    snprintf(token, sizeof(token), "%lx", GetTickCount() ^ (GetCurrentProcessId() << 16));
    snprintf(queue_name, sizeof(queue_name), "HttpErr_%u", port);
    MultiByteToWideChar(CP_ACP, 0, queue_name, -1, wname, 32);

    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize: expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();
    ret = HttpCreateServerSession(version2, &session, 0);
    ok(ret == NO_ERROR, "HttpCreateServerSession: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, wname, NULL, 0, &queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(%s): expected NO_ERROR, got %lu\n", queue_name, ret);
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &off_queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue: expected NO_ERROR, got %lu\n", ret);
    HttpCreateUrlGroup(session, &group, 0);
    HttpCreateUrlGroup(session, &unbound, 0);
    HttpCreateUrlGroup(session, &off_group, 0);
    ret = HttpAddUrlToUrlGroup(group, wfmt(url, 128, "http://+:%u/e/", port), 0, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/e/): expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(unbound, wfmt(url, 128, "http://+:%u/unbound/", port), 0, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/unbound/): expected NO_ERROR, got %lu\n", ret);
    ret = HttpAddUrlToUrlGroup(off_group, wfmt(url, 128, "http://+:%u/off/", port), 0, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(/off/): expected NO_ERROR, got %lu\n", ret);
    ok(bind_group(group, queue) == NO_ERROR, "binding /e/: expected NO_ERROR\n");
    ok(bind_group(off_group, off_queue) == NO_ERROR, "binding /off/: expected NO_ERROR\n");
    ret = HttpSetRequestQueueProperty(off_queue, HttpServerStateProperty, &state, sizeof(state), 0, NULL);
    ok(ret == NO_ERROR, "disabling the second queue: expected NO_ERROR, got %lu\n", ret);
    memset(&timeouts, 0, sizeof(timeouts));
    timeouts.Flags.Present = 1;
    timeouts.RequestQueue = 2;
    ret = HttpSetUrlGroupProperty(group, HttpServerTimeoutsProperty, &timeouts, sizeof(timeouts));
    ok(ret == NO_ERROR, "RequestQueue 2 s: expected NO_ERROR, got %lu\n", ret);

    /* the pages the service answers with itself */
    status = send_raw("GET /e/host-%s HTTP/1.1\r\nHost: bad^host:%u\r\n\r\n", &cport);
    ok(status == 400, "a bad Host: expected 400, got %d\n", status);
    expect_line("a bad Host", cport, "/e/host-%s", "GET", "HTTP/1.1", "400", "Hostname", "-");
    status = send_raw("GE(T /e/verb-%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", &cport);
    ok(status == 400, "a verb that is no token: expected 400, got %d\n", status);
    /* the request line did not parse beyond the verb: no URL, no version */
    expect_line("a bad verb", cport, "-", "GE(T", "-", "400", "Verb", "-");
    status = send_raw("GET /nothing-%s/here HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", &cport);
    ok(status == 404, "a URL nobody registered: expected 404, got %d\n", status);
    expect_line("a 404", cport, "/nothing-%s/here", "GET", "HTTP/1.1", "404", "NotFound", "-");
    status = send_raw("GET /unbound/x-%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", &cport);
    ok(status == 503, "a group bound to no queue: expected 503, got %d\n", status);
    expect_line("an unbound group", cport, "/unbound/x-%s", "GET", "HTTP/1.1", "503", "N/A", "-");
    status = send_raw("GET /off/x-%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", &cport);
    ok(status == 0, "a disabled queue, Basic 503 verbosity: expected a reset, got %d\n", status);
    expect_line("a disabled queue", cport, "/off/x-%s", "GET", "HTTP/1.1", "503", "Disabled", "-");

    /* RequestQueue: no receive takes the request within 2 s */
    snprintf(text, sizeof(text), "GET /e/waits-%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", token, port);
    if (client_connect(&c, AF_INET, port))
    {
        client_send_str(&c, text);
        ok(client_wait_closed(&c, 8000), "RequestQueue 2 s: expected the connection cut\n");
        expect_line("RequestQueue", c.local_port, "/e/waits-%s", "GET", "HTTP/1.1", "-", "Timer_ReqQueue", queue_name);
        client_close(&c);
    }

    /* the client resets while the application holds its request */
    snprintf(text, sizeof(text), "GET /e/held-%s?q=1 HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", token, port);
    if (client_connect(&c, AF_INET, port))
    {
        client_send_str(&c, text);
        ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, TIMEOUT);
        ok(ret == NO_ERROR, "receiving the request: expected NO_ERROR, got %lu\n", ret);
        expect_line("a dropped connection", c.local_port, "/e/held-%s?q=1", "GET", "HTTP/1.1", "-",
                    "Connection_Dropped", queue_name);
        reset_close(&c);
        Sleep(500);
        if (!ret)
        {
            ret = respond_text(queue, req->RequestId, "too late");
            ok(ret == ERROR_CONNECTION_INVALID, "answering a client that reset: expected ERROR_CONNECTION_INVALID "
               "(1229), got %lu\n", ret);
        }
    }
    Sleep(300);

    log = read_logs(&len, head, sizeof(head));
    ok(log && len > 0, "C:\\windows\\system32\\LogFiles\\HTTPERR\\httperr1.log: expected the log, got %lu bytes "
       "(error %lu)\n", len, GetLastError());
    ok(!strncmp(head, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: ", 57),
       "httperr1.log: expected #Software, #Version and #Date first, got %s\n", dbgstr(head, 80));
    ok(strstr(head, "\r\n#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid "
                    "s-reason s-queuename\r\n") != NULL,
       "httperr1.log: expected the #Fields line of KB 820729, got %s\n", dbgstr(head, 200));
    for (i = 0; i < expect_count && log; i++)
    {
        if (!strcmp(expects[i].uri, "-"))
        {
            /* a line without URL: found by its client's port and its verb */
            char needle[96];
            snprintf(needle, sizeof(needle), " 127.0.0.1 %u 127.0.0.1 %u - %s - 400 - Verb -\r\n", expects[i].client_port,
                     port, expects[i].method);
            ok(strstr(log, needle) != NULL, "%s: expected a line ending \"%s\"\n", expects[i].what, needle);
            continue;
        }
        check_line(log, &expects[i]);
    }
    free(log);

    free_request(req);
    HttpCloseUrlGroup(group);
    HttpCloseUrlGroup(unbound);
    HttpCloseUrlGroup(off_group);
    HttpCloseRequestQueue(queue);
    HttpCloseRequestQueue(off_queue);
    HttpCloseServerSession(session);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

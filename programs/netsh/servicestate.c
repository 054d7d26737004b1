/*
 * show servicestate and show cachestate: ask the service for a snapshot of
 * its live request queues, registrations and cached responses and print
 * it in Windows' layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <winternl.h>
#include <psapi.h>

#include "netsh.h"
#include "httpsys_proto.h"

/* A handle on the service's device that is no request queue. */
static HANDLE open_service(DWORD *err)
{
    static const WCHAR device[] = HS_DEVICE_NAME;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    IO_STATUS_BLOCK io;
    NTSTATUS status;
    HANDLE h;

    RtlInitUnicodeString(&name, device);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &attr, &io, NULL, 0,
                          FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0);
    if (status)
    {
        *err = RtlNtStatusToDosError(status);
        return NULL;
    }
    return h;
}

static char *fetch_state(DWORD *err)
{
    OVERLAPPED ov;
    HANDLE h;
    DWORD size = 65536, got = 0;
    char *buf = NULL;

    if (!(h = open_service(err))) return NULL;
    for (;;)
    {
        memset(&ov, 0, sizeof(ov));
        ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
        free(buf);
        if (!(buf = malloc(size + 1))) { *err = ERROR_NOT_ENOUGH_MEMORY; break; }
        if (DeviceIoControl(h, HS_IOCTL_SERVICE_STATE, NULL, 0, buf, size, &got, &ov) ||
            (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(h, &ov, &got, TRUE)))
        {
            CloseHandle(ov.hEvent);
            buf[got] = 0;
            *err = 0;
            break;
        }
        *err = GetLastError();
        GetOverlappedResult(h, &ov, &got, FALSE);
        CloseHandle(ov.hEvent);
        if (*err != ERROR_MORE_DATA || got <= size) { free(buf); buf = NULL; break; }
        size = got;
    }
    CloseHandle(h);
    return buf;
}

struct snapshot_queue
{
    unsigned long long id;
    unsigned version, processes;
    unsigned pids[32];
};

static void print_processes(const struct snapshot_queue *q, const WCHAR *indent)
{
    unsigned i;

    out(L"%lsNumber of active processes attached: %u\n", indent, q->processes);
    out(L"%lsProcesses:\n", indent);
    for (i = 0; i < q->processes && i < 32; i++)
    {
        WCHAR image[MAX_PATH] = L"<?>";
        DWORD len = MAX_PATH;
        HANDLE p = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, q->pids[i]);
        if (p)
        {
            if (!QueryFullProcessImageNameW(p, 0, image, &len)) lstrcpyW(image, L"<?>");
            CloseHandle(p);
        }
        out(L"%ls    ID: %u, image: %ls\n", indent, q->pids[i], image);
    }
}

static void print_urls(const char *state, unsigned long long id, const WCHAR *indent)
{
    const char *line = state;
    unsigned count = 0;

    for (line = state; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line))
    {
        unsigned long long qid;
        int off = 0;
        if (sscanf(line, "U %llu %n", &qid, &off) >= 1 && off && qid == id) count++;
    }
    out(L"%lsNumber of registered URLs: %u\n", indent, count);
    out(L"%lsRegistered URLs:\n", indent);
    for (line = state; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line))
    {
        unsigned long long qid;
        int off = 0;
        if (sscanf(line, "U %llu %n", &qid, &off) >= 1 && off && qid == id)
        {
            const char *end = strchr(line + off, '\n');
            int len = end ? (int)(end - line - off) : (int)strlen(line + off), i;
            WCHAR url[1024];
            /* http.sys shows registrations upper-cased */
            len = MultiByteToWideChar(CP_UTF8, 0, line + off, len, url, 1023);
            url[len < 0 ? 0 : len] = 0;
            for (i = 0; url[i]; i++) url[i] = towupper(url[i]);
            out(L"%ls    %ls\n", indent, url);
        }
    }
}

/* The queue's settings, from its "N" line: state, 503 verbosity,
 * QueueLength and name (defaults if the engine gave none). */
struct queue_settings
{
    unsigned disabled, verbosity, max;
    WCHAR name[300];
};

static void queue_settings(const char *state, unsigned long long id, struct queue_settings *qs)
{
    const char *line;

    qs->disabled = 0;
    qs->verbosity = 0;
    qs->max = 1000;
    qs->name[0] = 0;
    for (line = state; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line))
    {
        unsigned long long qid;
        const char *end;
        int off = 0, len;

        if (sscanf(line, "N %llu %u %u %u%n", &qid, &qs->disabled, &qs->verbosity, &qs->max, &off) < 4 || !off ||
            qid != id)
            continue;
        /* one space, then the name to the end of the line (none: unnamed) */
        if (line[off] == ' ') off++;
        end = strchr(line + off, '\n');
        len = end ? (int)(end - line - off) : (int)strlen(line + off);
        len = len ? MultiByteToWideChar(CP_UTF8, 0, line + off, len, qs->name, 299) : 0;
        qs->name[len < 0 ? 0 : len] = 0;
        return;
    }
}

static void print_queue_name(const struct queue_settings *qs, const WCHAR *indent)
{
    if (qs->name[0]) out(L"%lsRequest queue name: %ls\n", indent, qs->name);
    else out(L"%lsRequest queue name: Request queue is unnamed.\n", indent);
}

static int parse_queue(const char *line, struct snapshot_queue *q)
{
    int off = 0, n;
    unsigned i;

    memset(q, 0, sizeof(*q));
    if (sscanf(line, "Q %llu %u %u%n", &q->id, &q->version, &q->processes, &off) < 3) return 0;
    for (i = 0; i < q->processes && i < 32; i++)
    {
        if (sscanf(line + off, " %u%n", &q->pids[i], &n) < 1) break;
        off += n;
    }
    return 1;
}

int servicestate_show(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] = { { L"view", TAG_POSITIONAL }, { L"verbose", TAG_POSITIONAL } };
    const WCHAR *values[2];
    int requestq = 0, rc;
    const char *line;
    char *state;
    DWORD err;

    if (!get_args(cmd, argc, argv, defs, 2, values, &rc)) return rc;
    if ((values[0] && (requestq = parse_choice(values[0], L"requestq", L"session")) < 0)
        || (values[1] && parse_choice(values[1], L"yes", L"no") < 0))
    {
        msg_bad_parameter();
        print_usage(cmd);
        return NETSH_FAILED;
    }
    if (!(state = fetch_state(&err)))
    {
        WCHAR msg[512];
        FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0, msg, 512, NULL);
        out(L"Failed to query the HTTP service state, Error: %lu\n%ls\n", err, msg);
        return NETSH_FAILED;
    }

    out(L"\nSnapshot of HTTP service state (%ls View): \n", requestq ? L"Request Queue" : L"Server Session");
    out(L"----------------------------------------------------- \n\n");
    for (line = state; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line))
    {
        static const WCHAR *const verbosity[] = { L"Basic", L"Limited", L"Full" };
        struct queue_settings qs;
        struct snapshot_queue q;

        if (!parse_queue(line, &q)) continue;
        queue_settings(state, q.id, &qs);
        if (requestq)
        {
            print_queue_name(&qs, L"");
            out(L"    Version: %u.0\n", q.version);
            out(L"    State: %ls\n", qs.disabled ? L"Inactive" : L"Active");
            out(L"    Request queue 503 verbosity level: %ls\n", verbosity[qs.verbosity < 3 ? qs.verbosity : 0]);
            out(L"    Max requests: %u\n", qs.max);
            print_processes(&q, L"    ");
            print_urls(state, q.id, L"    ");
            out(L"\n");
        }
        else
        {
            /* a v1 queue carries its registrations itself: shown as an
             * implicit session and URL group, as http.sys lists them */
            out(L"Server session ID: FF%014llX\n", q.id);
            out(L"    Version: %u.0\n", q.version);
            out(L"    State: Active\n");
            out(L"    URL groups:\n");
            out(L"    URL group ID: FE%014llX\n", q.id);
            out(L"        State: Active\n");
            print_queue_name(&qs, L"        ");
            print_urls(state, q.id, L"        ");
            out(L"\n");
        }
    }
    free(state);
    return NETSH_OK;
}


/* "K <queue> <policy> <seconds> <status> <hits> <head bytes> <body bytes> <age s> <url>" */
struct cached_response
{
    unsigned long long queue, hits, age;
    unsigned policy, seconds, status;
    size_t head, body;
    WCHAR url[1024];
};

static int parse_cached(const char *line, struct cached_response *c)
{
    const char *end;
    int off = 0, len;

    if (sscanf(line, "K %llu %u %u %u %llu %zu %zu %llu %n", &c->queue, &c->policy, &c->seconds, &c->status,
               &c->hits, &c->head, &c->body, &c->age, &off) < 8 || !off)
        return 0;
    end = strchr(line + off, '\n');
    len = end ? (int)(end - line - off) : (int)strlen(line + off);
    len = MultiByteToWideChar(CP_UTF8, 0, line + off, len, c->url, ARRAY_SIZE(c->url) - 1);
    c->url[len < 0 ? 0 : len] = 0;
    return 1;
}

static void print_cached(const struct cached_response *c)
{
    ULARGE_INTEGER t;
    FILETIME ft;
    SYSTEMTIME utc, local;

    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    t.QuadPart -= c->age * 10000000ull;
    ft.dwLowDateTime = t.LowPart;
    ft.dwHighDateTime = t.HighPart;
    FileTimeToSystemTime(&ft, &utc);
    if (!SystemTimeToTzSpecificLocalTime(NULL, &utc, &local)) local = utc;
    out(L"    URL: %ls\n", c->url);
    out(L"        Status code: %u\n", c->status);
    out(L"        HTTP verb: GET\n");
    if (c->policy == HttpCachePolicyTimeToLive)
    {
        out(L"        Cache policy type: Time to live\n");
        out(L"        Time to live (secs): %u\n", c->seconds);
    }
    else out(L"        Cache policy type: User invalidates\n");
    out(L"        Creation time: %u.%u.%u:%u.%u.%u:%u\n", local.wYear, local.wMonth, local.wDay, local.wHour,
        local.wMinute, local.wSecond, local.wMilliseconds);
    out(L"        Request queue name: \n");
    out(L"        Headers length: %zu\n", c->head);
    out(L"        Content length: %zu\n", c->body);
    out(L"        Hit count: %llu\n", c->hits);
    out(L"        Force disconnect after serving: FALSE\n");
}

int cachestate_show(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] = { { L"url", TAG_POSITIONAL } };
    const WCHAR *values[1];
    struct cached_response *c;
    const char *line;
    char *state;
    DWORD err;
    int rc, shown = 0;

    if (!get_args(cmd, argc, argv, defs, 1, values, &rc)) return rc;
    if (!(state = fetch_state(&err)))
    {
        WCHAR msg[512];
        FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0, msg, 512, NULL);
        out(L"Failed to query the HTTP service state, Error: %lu\n%ls\n", err, msg);
        return NETSH_FAILED;
    }
    if (!(c = malloc(sizeof(*c))))
    {
        free(state);
        return NETSH_FAILED;
    }
    for (line = state; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line))
    {
        /* url= names one resource, or a prefix of some */
        if (!parse_cached(line, c) || (values[0] && _wcsnicmp(c->url, values[0], wcslen(values[0])))) continue;
        if (!shown++) out(L"\nSnapshot of response cache:\n--------------------------- \n\n");
        print_cached(c);
        out(L"\n");
    }
    if (!shown)
    {
        if (values[0]) out(L"\nThere were no cache entries corresponding to the provided URL\n\n");
        else out(L"\nSnapshot of response cache:\n--------------------------- \n\n");
    }
    free(c);
    free(state);
    return NETSH_OK;
}

int cache_delete(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] = { { L"url", TAG_POSITIONAL }, { L"recursive", TAG_POSITIONAL } };
    struct hs_cache_params params;
    const WCHAR *values[2];
    char *in = NULL;
    OVERLAPPED ov;
    DWORD err = 0, got, len = 0;
    HANDLE h;
    int rc, recursive = 0;

    if (!get_args(cmd, argc, argv, defs, 2, values, &rc)) return rc;
    if (values[1] && (recursive = parse_choice(values[1], L"yes", L"no")) < 0)
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    memset(&params, 0, sizeof(params));
    params.flags = recursive ? HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE : 0;
    if (values[0]) len = WideCharToMultiByte(CP_UTF8, 0, values[0], -1, NULL, 0, NULL, NULL);
    params.name_len = len ? len - 1 : 0;
    if (!(in = malloc(sizeof(params) + len + 1))) return NETSH_FAILED;
    memcpy(in, &params, sizeof(params));
    if (len) WideCharToMultiByte(CP_UTF8, 0, values[0], -1, in + sizeof(params), len, NULL, NULL);
    /* every queue's cached responses (and fragments) under the URL: all of them without one */
    if ((h = open_service(&err)))
    {
        memset(&ov, 0, sizeof(ov));
        ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
        if (DeviceIoControl(h, HS_IOCTL_CACHE_FLUSH, in, sizeof(params) + params.name_len, NULL, 0, &got, &ov) ||
            (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(h, &ov, &got, TRUE)))
            err = 0;
        else
            err = GetLastError();
        CloseHandle(ov.hEvent);
        CloseHandle(h);
    }
    free(in);
    if (err)
    {
        msg_api_error(L"Cache entries deletion failed", err);
        return NETSH_FAILED;
    }
    msg_success(L"Cache entries successfully deleted");
    return NETSH_OK;
}

/*
 * netsh http: the commands of the HTTP service context.
 *
 * "show servicestate" asks the service for a snapshot of its live request
 * queues and registrations and prints it in Windows' layout.  The
 * configuration commands (sslcert, urlacl, iplisten, ...) come with the
 * configuration store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <winternl.h>
#include <psapi.h>

#include "netsh.h"
#include "httpsys_proto.h"

static void http_help(void)
{
    out(L"\n"
        L"The following commands are available:\n"
        L"\n"
        L"Commands in this context:\n"
        L"?              - Displays a list of commands.\n"
        L"add            - Adds a configuration entry to a table.\n"
        L"delete         - Deletes a configuration entry from a table.\n"
        L"dump           - Displays a configuration script.\n"
        L"flush          - Flushes internal data.\n"
        L"help           - Displays a list of commands.\n"
        L"show           - Displays information.\n"
        L"update         - Updates a configuration entry in a table.\n"
        L"\n"
        L"To view help for a command, type the command, followed by a space, and then\n"
        L" type ?.\n");
}

static void show_help(void)
{
    out(L"\n"
        L"The following commands are available:\n"
        L"\n"
        L"Commands in this context:\n"
        L"show servicestate - Shows a snapshot of the HTTP service.\n"
        L"\n");
}

static void servicestate_help(void)
{
    out(L"\n"
        L"Usage: show servicestate [[view=]session|requestq] [[verbose=]yes|no]\n"
        L"\n"
        L"Parameters:\n"
        L"\n"
        L"    Tag          Value\n"
        L"    view       - Whether to view a snapshot of the HTTP service state\n"
        L"                 based on the server session or on request queues.\n"
        L"    verbose    - Whether to display verbose information that also shows\n"
        L"                 property information.\n"
        L"\n"
        L"Remarks: Displays a snapshot of the HTTP service state.\n"
        L"\n"
        L"Examples:\n"
        L"\n"
        L"    show servicestate\n"
        L"    show servicestate view=\"session\"\n"
        L"    show servicestate view=\"requestq\"\n"
        L"\n");
}

/* Windows reads "view=session", "session" and "VIEW=Session" alike. */
static const WCHAR *arg_value(const WCHAR *arg, const WCHAR *tag)
{
    size_t n = wcslen(tag);
    if (!wcsnicmp(arg, tag, n) && arg[n] == '=') return arg + n + 1;
    return NULL;
}

static char *fetch_state(DWORD *err)
{
    static const WCHAR device[] = HS_DEVICE_NAME;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    IO_STATUS_BLOCK io;
    OVERLAPPED ov;
    HANDLE h;
    DWORD size = 65536, got = 0;
    char *buf = NULL;
    NTSTATUS status;

    RtlInitUnicodeString(&name, device);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &attr, &io, NULL, 0,
                          FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0);
    if (status)
    {
        *err = RtlNtStatusToDosError(status);
        return NULL;
    }
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

static int show_servicestate(int argc, WCHAR **argv)
{
    int requestq = 0, i;
    const char *line;
    char *state;
    DWORD err;

    for (i = 0; i < argc; i++)
    {
        const WCHAR *v;
        if (!wcscmp(argv[i], L"?") || !wcsicmp(argv[i], L"help")) { servicestate_help(); return NETSH_OK; }
        if ((v = arg_value(argv[i], L"view"))) ;
        else if (arg_value(argv[i], L"verbose")) continue;
        else v = argv[i];
        if (!wcsicmp(v, L"requestq")) requestq = 1;
        else if (!wcsicmp(v, L"session")) requestq = 0;
        else if (!wcsicmp(v, L"yes") || !wcsicmp(v, L"no")) continue;
        else
        {
            out(L"The parameter is incorrect.\n\n");
            servicestate_help();
            return NETSH_FAILED;
        }
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
        struct snapshot_queue q;
        if (!parse_queue(line, &q)) continue;
        if (requestq)
        {
            out(L"Request queue name: Request queue is unnamed.\n");
            out(L"    Version: %u.0\n", q.version);
            out(L"    State: Active\n");
            out(L"    Request queue 503 verbosity level: Basic\n");
            out(L"    Max requests: 1000\n");
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
            out(L"        Request queue name: Request queue is unnamed.\n");
            print_urls(state, q.id, L"        ");
            out(L"\n");
        }
    }
    free(state);
    return NETSH_OK;
}

int http_command(int argc, WCHAR **argv)
{
    if (!argc || !wcscmp(argv[0], L"?") || !wcsicmp(argv[0], L"help")) { http_help(); return NETSH_OK; }
    if (!wcsicmp(argv[0], L"show"))
    {
        if (argc < 2 || !wcscmp(argv[1], L"?") || !wcsicmp(argv[1], L"help")) { show_help(); return NETSH_OK; }
        if (!wcsicmp(argv[1], L"servicestate")) return show_servicestate(argc - 2, argv + 2);
    }
    if (!wcsicmp(argv[0], L"add") || !wcsicmp(argv[0], L"delete") || !wcsicmp(argv[0], L"update") ||
        !wcsicmp(argv[0], L"dump") || !wcsicmp(argv[0], L"flush") || !wcsicmp(argv[0], L"show"))
    {
        out(L"This command is not implemented yet in this netsh.\n");
        return NETSH_FAILED;
    }
    out(L"The following command was not found: http %ls.\n", argv[0]);
    return NETSH_FAILED;
}

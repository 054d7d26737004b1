/*
 * The security attributes of a named request queue: the descriptor given to HttpCreateRequestQueue
 * governs who may open the queue with HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING (from this
 * process and from another one, and with DELEGATION); a queue created without one gets its
 * creator's default, which lets the same user in; a descriptor that is not valid is refused;
 * bInheritHandle makes the handle inheritable.
 *
 * Usage: v2_named_sd.exe PORT                       (needs no port of its own)
 *        v2_named_sd.exe PORT worker NAME EXPECTED  (the second process: EXPECTED is the error
 *                                                    its OPEN_EXISTING must get)
 *
 * Written from Microsoft's documentation of HttpCreateRequestQueue and of named request queues
 * ("By default, applications are not allowed to open a request queue unless they have been
 * granted permission in the ACL"; ERROR_ACCESS_DENIED: "the calling process does not have a
 * permission to open the request queue").
 */

#include "v2util.h"
#include <sddl.h>

static USHORT port;
static unsigned serial;

/* A name for a queue of test what, one word (the worker gets it on its command line). */
static const WCHAR *queue_name(WCHAR *buf, const char *what)
{
    WCHAR *p;

    wfmt(buf, 96, "v2_named_sd-%s-%lu-%u", what, GetCurrentProcessId(), ++serial);
    for (p = buf; *p; p++) if (*p == ' ') *p = '_';
    return buf;
}

/* The second process opens NAME and expects the error EXPECTED. */
static int worker(const WCHAR *name, ULONG expected)
{
    HANDLE queue = NULL;
    ULONG ret;

    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "worker: HttpInitialize: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &queue);
    ok(ret == expected, "worker: HttpCreateRequestQueue(OPEN_EXISTING) of the first process's queue: "
       "expected %lu, got %lu\n", expected, ret);
    if (!ret) HttpCloseRequestQueue(queue);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

/* Runs this program as the worker for name and waits for it. */
static void open_elsewhere(const WCHAR *name, ULONG expected, const char *what)
{
    char args[256];
    HANDLE process;
    DWORD code;

    snprintf(args, sizeof(args), "%u worker %ls %lu", port, name, expected);
    if (!(process = start_self(args)))
    {
        ok(0, "%s: starting the worker process failed: error %lu\n", what, GetLastError());
        return;
    }
    code = wait_self(process, TIMEOUT * 5);
    ok(code != STILL_ACTIVE, "%s: the worker process did not end\n", what);
    ok(code == 0, "%s: the worker process's open did not get error %lu (exit code %lu)\n", what, expected, code);
}

static PSECURITY_DESCRIPTOR sd_from(const WCHAR *sddl)
{
    PSECURITY_DESCRIPTOR sd = NULL;

    ok(ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL),
       "ConvertStringSecurityDescriptorToSecurityDescriptorW(%ls): error %lu\n", sddl, GetLastError());
    return sd;
}

/* Creates a queue named after what with sd, and opens it by name here, here with DELEGATION and
 * from another process: each open gets expected. */
static void check_opens(const char *what, PSECURITY_DESCRIPTOR sd, ULONG expected)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), sd, FALSE };
    HANDLE creator = NULL, opener = NULL, again = NULL;
    WCHAR name[96];
    ULONG ret, value = 5;

    queue_name(name, what);
    ret = HttpCreateRequestQueue(version2, name, &sa, 0, &creator);
    ok(ret == NO_ERROR, "%s: HttpCreateRequestQueue(named, with the descriptor): expected NO_ERROR, got %lu\n", what, ret);
    if (ret) return;
    /* the descriptor governs opens, not the creator's own handle */
    ret = HttpSetRequestQueueProperty(creator, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == NO_ERROR, "%s: HttpSetRequestQueueProperty on the creator's handle: expected NO_ERROR, got %lu\n", what, ret);

    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &opener);
    ok(ret == expected, "%s: HttpCreateRequestQueue(OPEN_EXISTING) in the creator's process: expected %lu, got %lu\n",
       what, expected, ret);
    if (!ret) HttpCloseRequestQueue(opener);
    else ok(opener == NULL, "%s: a refused OPEN_EXISTING: expected no handle, got %p\n", what, opener);
    opener = NULL;
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING |
                                 HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION, &opener);
    ok(ret == expected, "%s: HttpCreateRequestQueue(OPEN_EXISTING | DELEGATION): expected %lu, got %lu\n",
       what, expected, ret);
    if (!ret) HttpCloseRequestQueue(opener);
    open_elsewhere(name, expected, what);

    /* a refused open leaves no handle behind: the name is free once the creator's closes */
    ret = HttpCloseRequestQueue(creator);
    ok(ret == NO_ERROR, "%s: HttpCloseRequestQueue(creator): expected NO_ERROR, got %lu\n", what, ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &again);
    ok(ret == NO_ERROR, "%s: HttpCreateRequestQueue(the name again, every handle closed): expected NO_ERROR, got %lu\n",
       what, ret);
    if (!ret) HttpCloseRequestQueue(again);
}

static void test_descriptors(void)
{
    static const struct { const char *what; const WCHAR *sddl; ULONG expected; } tests[] =
    {
        { "everyone allowed", L"D:(A;;GA;;;WD)", NO_ERROR },
        { "everyone read and write", L"D:(A;;GRGW;;;WD)", NO_ERROR },
        { "everyone denied", L"D:(D;;GA;;;WD)", ERROR_ACCESS_DENIED },
        { "denied before allowed", L"D:(D;;GA;;;WD)(A;;GA;;;WD)", ERROR_ACCESS_DENIED },
        { "empty DACL", L"D:", ERROR_ACCESS_DENIED },
        { "guests only", L"D:(A;;GA;;;BG)", ERROR_ACCESS_DENIED },
        { "an owner and no DACL", L"O:WD", NO_ERROR },   /* the creator's default DACL */
    };
    SECURITY_DESCRIPTOR absolute;
    PSECURITY_DESCRIPTOR sd;
    TOKEN_USER *user;
    HANDLE token;
    WCHAR *sid_text, sddl[160];
    DWORD size = 0;
    unsigned i;

    for (i = 0; i < ARRAYSIZE(tests); i++)
    {
        if (!(sd = sd_from(tests[i].sddl))) continue;
        check_opens(tests[i].what, sd, tests[i].expected);
        LocalFree(sd);
    }

    /* a NULL DACL grants everything to everyone */
    InitializeSecurityDescriptor(&absolute, SECURITY_DESCRIPTOR_REVISION);
    SetSecurityDescriptorDacl(&absolute, TRUE, NULL, FALSE);
    check_opens("NULL DACL", &absolute, NO_ERROR);

    /* a DACL that names this user alone */
    OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token);
    GetTokenInformation(token, TokenUser, NULL, 0, &size);
    user = malloc(size);
    if (GetTokenInformation(token, TokenUser, user, size, &size) && ConvertSidToStringSidW(user->User.Sid, &sid_text))
    {
        if ((sd = sd_from(wfmt(sddl, 160, "D:(A;;GA;;;%ls)", sid_text))))
        {
            check_opens("this user alone", sd, NO_ERROR);
            LocalFree(sd);
        }
        if ((sd = sd_from(wfmt(sddl, 160, "D:(D;;GW;;;%ls)(A;;GA;;;WD)", sid_text))))
        {
            check_opens("this user denied writing", sd, ERROR_ACCESS_DENIED);
            LocalFree(sd);
        }
        LocalFree(sid_text);
    }
    else ok(0, "the token's user: error %lu\n", GetLastError());
    free(user);
    CloseHandle(token);
}

/* No descriptor: the queue gets its creator's default, under which the same user may open it. */
static void test_default(void)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
    HANDLE creator = NULL, opener = NULL;
    WCHAR name[96];
    ULONG ret;

    queue_name(name, "nosa");
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &creator);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(named, no security attributes): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &opener);
    ok(ret == NO_ERROR, "OPEN_EXISTING of a queue created without security attributes, same user: "
       "expected NO_ERROR, got %lu\n", ret);
    if (!ret) HttpCloseRequestQueue(opener);
    if (creator) open_elsewhere(name, NO_ERROR, "no security attributes");
    if (creator) HttpCloseRequestQueue(creator);

    creator = NULL;
    queue_name(name, "nullsd");
    ret = HttpCreateRequestQueue(version2, name, &sa, 0, &creator);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(named, security attributes without a descriptor): "
       "expected NO_ERROR, got %lu\n", ret);
    opener = NULL;
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &opener);
    ok(ret == NO_ERROR, "OPEN_EXISTING of a queue whose attributes have no descriptor, same user: "
       "expected NO_ERROR, got %lu\n", ret);
    if (!ret) HttpCloseRequestQueue(opener);
    if (creator) HttpCloseRequestQueue(creator);
}

/* A descriptor that is not valid is a bad parameter, and leaves no queue behind. */
static void test_bad_descriptor(void)
{
    SECURITY_DESCRIPTOR bad;
    SECURITY_ATTRIBUTES sa = { sizeof(sa), &bad, FALSE };
    HANDLE queue = NULL, opener = NULL;
    WCHAR name[96];
    ULONG ret;

    InitializeSecurityDescriptor(&bad, SECURITY_DESCRIPTOR_REVISION);
    bad.Revision = 7;
    queue_name(name, "bad");
    ret = HttpCreateRequestQueue(version2, name, &sa, 0, &queue);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(named, a descriptor of revision 7): "
       "expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ok(queue == NULL, "a refused HttpCreateRequestQueue: expected no handle, got %p\n", queue);
    queue = NULL;
    ret = HttpCreateRequestQueue(version2, NULL, &sa, 0, &queue);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpCreateRequestQueue(unnamed, a descriptor of revision 7): "
       "expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    queue = NULL;
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &queue);
    ok(ret == ERROR_FILE_NOT_FOUND, "OPEN_EXISTING of the name a refused create gave: "
       "expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    if (!ret) HttpCloseRequestQueue(queue);

    /* the attributes belong to a new queue only (documented) */
    sa.lpSecurityDescriptor = NULL;
    queue = NULL;
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(named): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, &sa, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &opener);
    ok(ret == ERROR_INVALID_PARAMETER, "OPEN_EXISTING with security attributes: expected ERROR_INVALID_PARAMETER (87), "
       "got %lu\n", ret);
    if (!ret) HttpCloseRequestQueue(opener);
    if (queue) HttpCloseRequestQueue(queue);
}

/* bInheritHandle: the queue handle is inheritable, as a file handle made with it would be. */
static void test_inherit(void)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE queue = NULL;
    DWORD flags = 0;
    WCHAR name[96];
    ULONG ret;

    ret = HttpCreateRequestQueue(version2, queue_name(name, "inherit"), &sa, 0, &queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(bInheritHandle TRUE): expected NO_ERROR, got %lu\n", ret);
    ok(queue && GetHandleInformation(queue, &flags) && (flags & HANDLE_FLAG_INHERIT),
       "bInheritHandle TRUE: expected an inheritable handle, flags %#lx\n", flags);
    if (queue) HttpCloseRequestQueue(queue);

    sa.bInheritHandle = FALSE;
    queue = NULL;
    flags = 0;
    ret = HttpCreateRequestQueue(version2, NULL, &sa, 0, &queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(bInheritHandle FALSE): expected NO_ERROR, got %lu\n", ret);
    ok(queue && GetHandleInformation(queue, &flags) && !(flags & HANDLE_FLAG_INHERIT),
       "bInheritHandle FALSE: expected a handle that is not inherited, flags %#lx\n", flags);
    if (queue) HttpCloseRequestQueue(queue);
}

int main(int argc, char **argv)
{
    ULONG ret;

    test_startup("v2_named_sd.c");
    port = test_port(argc, argv);
    if (argc >= 5 && !strcmp(argv[2], "worker"))
    {
        WCHAR name[128];
        MultiByteToWideChar(CP_ACP, 0, argv[3], -1, name, 128);
        return worker(name, strtoul(argv[4], NULL, 10));
    }

    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(2.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();

    test_descriptors();
    test_default();
    test_bad_descriptor();
    test_inherit();

    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

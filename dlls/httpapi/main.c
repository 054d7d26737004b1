/*
 * httpapi.dll: initialisation and the service it needs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

static CRITICAL_SECTION init_cs;
static LONG init_server, init_config;    /* HttpInitialize references per flag */
static int debug_level = DBG_ERR;

/* WINEDEBUG=+httpapi (or trace+/warn+httpapi) switches our channel on, as
 * for Wine's own modules. */
static void parse_winedebug(void)
{
    char spec[256], *item, *ctx = NULL;
    DWORD n = GetEnvironmentVariableA("WINEDEBUG", spec, sizeof(spec));

    if (!n || n >= sizeof(spec)) return;
    for (item = strtok_r(spec, ",", &ctx); item; item = strtok_r(NULL, ",", &ctx))
    {
        char *sign = strpbrk(item, "+-");
        if (!sign || (strcmp(sign + 1, "httpapi") && strcmp(sign + 1, "all"))) continue;
        if (sign == item) debug_level = *sign == '+' ? DBG_TRACE : -1;
        else if (!strncmp(item, "trace", 5)) debug_level = *sign == '+' ? DBG_TRACE : DBG_WARN;
        else if (!strncmp(item, "warn", 4) && *sign == '+' && debug_level < DBG_WARN) debug_level = DBG_WARN;
    }
}

int httpapi_debug_on(enum dbg_level level)
{
    return (int)level <= debug_level;
}

void httpapi_debug(enum dbg_level level, const char *func, const char *fmt, ...)
{
    static const char *names[] = { "err", "warn", "trace" };
    char buf[1024];
    int n;
    va_list ap;

    n = snprintf(buf, sizeof(buf), "%04lx:%s:httpapi:%s ", GetCurrentThreadId(), names[level], func);
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
    va_end(ap);
    fputs(buf, stderr);
    if (buf[strlen(buf) - 1] != '\n') fputc('\n', stderr);
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
    if (reason == DLL_PROCESS_ATTACH)
    {
        DisableThreadLibraryCalls(inst);
        InitializeCriticalSection(&init_cs);
        queue_init();
        parse_winedebug();
    }
    return TRUE;
}

BOOL httpapi_initialized(ULONG flags)
{
    if ((flags & HTTP_INITIALIZE_SERVER) && !init_server) return FALSE;
    if ((flags & HTTP_INITIALIZE_CONFIG) && !init_config) return FALSE;
    return TRUE;
}

/* The HTTP service is a demand-start driver: start it the way Windows
 * programs expect HttpInitialize to (Wine's own skips this when
 * HTTP_INITIALIZE_CONFIG is also set, which breaks ASP.NET Core).
 *
 * In a prefix that is still starting up, Wine's service manager keeps its
 * database locked (ERROR_SERVICE_DATABASE_LOCKED) while it starts the
 * prefix's own services; on Windows the service is simply there, so wait
 * for the lock (tools/install.sh lets a new prefix settle for the rest). */
#define SERVICE_START_PATIENCE_MS 60000

static BOOL service_running(SC_HANDLE service)
{
    SERVICE_STATUS status;
    return QueryServiceStatus(service, &status) && status.dwCurrentState == SERVICE_RUNNING;
}

static ULONG start_service(void)
{
    SC_HANDLE manager, service;
    DWORD start = GetTickCount();
    ULONG ret = NO_ERROR;

    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT))) return GetLastError();
    if (!(service = OpenServiceW(manager, L"http", SERVICE_START | SERVICE_QUERY_STATUS)))
    {
        ret = GetLastError();
        CloseServiceHandle(manager);
        return ret;
    }
    while (!service_running(service))
    {
        if (StartServiceW(service, 0, NULL) || (ret = GetLastError()) == ERROR_SERVICE_ALREADY_RUNNING)
        {
            ret = NO_ERROR;
            break;
        }
        if (ret != ERROR_SERVICE_DATABASE_LOCKED || GetTickCount() - start > SERVICE_START_PATIENCE_MS)
        {
            ERR("cannot start the HTTP service: %lu\n", ret);
            break;
        }
        TRACE("the service manager is busy (%lu): trying again\n", ret);
        Sleep(250);
        ret = NO_ERROR;
    }
    CloseServiceHandle(service);
    CloseServiceHandle(manager);
    return ret;
}

ULONG WINAPI HttpInitialize(HTTPAPI_VERSION version, ULONG flags, void *reserved)
{
    ULONG ret;

    TRACE("version %u.%u flags %#lx\n", version.HttpApiMajorVersion, version.HttpApiMinorVersion, flags);
    if (reserved || !flags || (flags & ~(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG)))
        return ERROR_INVALID_PARAMETER;
    if (!((version.HttpApiMajorVersion == 1 || version.HttpApiMajorVersion == 2) && version.HttpApiMinorVersion == 0))
        return ERROR_REVISION_MISMATCH;
    if ((ret = start_service())) return ret;
    EnterCriticalSection(&init_cs);
    if (flags & HTTP_INITIALIZE_SERVER) init_server++;
    if (flags & HTTP_INITIALIZE_CONFIG) init_config++;
    LeaveCriticalSection(&init_cs);
    return NO_ERROR;
}

ULONG WINAPI HttpTerminate(ULONG flags, void *reserved)
{
    ULONG ret = NO_ERROR;

    TRACE("flags %#lx\n", flags);
    if (reserved || !flags || (flags & ~(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG)))
        return ERROR_INVALID_PARAMETER;
    EnterCriticalSection(&init_cs);
    /* each flag's reference must exist before any is released */
    if (((flags & HTTP_INITIALIZE_SERVER) && !init_server) || ((flags & HTTP_INITIALIZE_CONFIG) && !init_config))
        ret = ERROR_DLL_INIT_FAILED;
    else
    {
        if (flags & HTTP_INITIALIZE_SERVER) init_server--;
        if (flags & HTTP_INITIALIZE_CONFIG) init_config--;
    }
    LeaveCriticalSection(&init_cs);
    return ret;
}

char *utf16_to_utf8(const WCHAR *s, int *len)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    char *out;

    if (n <= 0 || !(out = HeapAlloc(GetProcessHeap(), 0, n))) return NULL;
    WideCharToMultiByte(CP_UTF8, 0, s, -1, out, n, NULL, NULL);
    if (len) *len = n - 1;
    return out;
}

const char *debugstr_w(const WCHAR *s)
{
    static __thread char buf[4][256];
    static __thread int next;
    char *out = buf[next++ & 3];

    if (!s) return "(null)";
    out[0] = '"';
    WideCharToMultiByte(CP_UTF8, 0, s, -1, out + 1, 250, NULL, NULL);
    out[250] = 0;
    strcat(out, "\"");
    return out;
}

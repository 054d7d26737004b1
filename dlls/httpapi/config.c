/*
 * HttpSetServiceConfiguration, HttpQueryServiceConfiguration,
 * HttpDeleteServiceConfiguration, HttpUpdateServiceConfiguration: the
 * argument checks common to every record, and the dispatch to the module
 * that owns the record kind.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <winternl.h>
#include <http.h>

#include "httpapi_private.h"
#include "config.h"

static const struct config_ops *ops_for(HTTP_SERVICE_CONFIG_ID id)
{
    switch ((int)id)
    {
    case 0: return &config_listen_ops;                   /* HttpServiceConfigIPListenList */
    case 1: case 5: case 6: case 8: case 9: case 10: case 11: case 12: return &config_ssl_ops;
    case 2: return &config_urlacl_ops;                   /* HttpServiceConfigUrlAclInfo */
    case 3: case 4: case 7: return &config_value_ops;    /* Timeout, Cache, Setting */
    default: return NULL;
    }
}

/* Checks shared by every function: ServiceHandle and pOverlapped are
 * reserved, and the process must have initialised the configuration API. */
static ULONG common_checks(HANDLE handle, OVERLAPPED *ovl)
{
    if (handle) return ERROR_INVALID_HANDLE;
    if (ovl) return ERROR_INVALID_PARAMETER;
    if (!httpapi_initialized(HTTP_INITIALIZE_CONFIG)) return ERROR_DLL_INIT_FAILED;
    return NO_ERROR;
}

static ULONG set_or_update(HANDLE handle, HTTP_SERVICE_CONFIG_ID id, void *info, ULONG len, OVERLAPPED *ovl, BOOL update)
{
    const struct config_ops *ops = ops_for(id);
    ULONG ret;

    if ((ret = common_checks(handle, ovl))) return ret;
    if (!ops || !ops->set || (update && !ops->updatable) || !info) return ERROR_INVALID_PARAMETER;
    if (!(ret = ops->set(id, info, len, update))) config_notify_service();
    return ret;
}

ULONG WINAPI HttpSetServiceConfiguration(HANDLE handle, HTTP_SERVICE_CONFIG_ID id, void *info, ULONG len, OVERLAPPED *ovl)
{
    TRACE("%p %d %p %lu %p\n", handle, id, info, len, ovl);
    return set_or_update(handle, id, info, len, ovl, FALSE);
}

ULONG WINAPI HttpUpdateServiceConfiguration(HANDLE handle, HTTP_SERVICE_CONFIG_ID id, void *info, ULONG len, OVERLAPPED *ovl)
{
    TRACE("%p %d %p %lu %p\n", handle, id, info, len, ovl);
    return set_or_update(handle, id, info, len, ovl, TRUE);
}

ULONG WINAPI HttpDeleteServiceConfiguration(HANDLE handle, HTTP_SERVICE_CONFIG_ID id, void *info, ULONG len, OVERLAPPED *ovl)
{
    const struct config_ops *ops = ops_for(id);
    ULONG ret;

    TRACE("%p %d %p %lu %p\n", handle, id, info, len, ovl);
    if ((ret = common_checks(handle, ovl))) return ret;
    if (!ops || !ops->remove || !info) return ERROR_INVALID_PARAMETER;
    if (!(ret = ops->remove(id, info, len))) config_notify_service();
    return ret;
}

ULONG WINAPI HttpQueryServiceConfiguration(HANDLE handle, HTTP_SERVICE_CONFIG_ID id, void *in, ULONG in_len,
                                           void *out, ULONG out_len, ULONG *ret_len, OVERLAPPED *ovl)
{
    const struct config_ops *ops = ops_for(id);
    ULONG ret;

    TRACE("%p %d %p %lu %p %lu %p %p\n", handle, id, in, in_len, out, out_len, ret_len, ovl);
    if ((ret = common_checks(handle, ovl))) return ret;
    if (!ops || !ops->query) return ERROR_INVALID_PARAMETER;
    if (!out && out_len) return ERROR_INVALID_PARAMETER;
    return ops->query(id, in, in_len, out, out_len, ret_len);
}

/* ------------------------------------------------------------------------ */
/* helpers shared by the record modules                                     */
/* ------------------------------------------------------------------------ */

HKEY config_open_params(BOOL write)
{
    HKEY key;
    LONG status = write ? RegCreateKeyExW(HKEY_LOCAL_MACHINE, HTTP_PARAMETERS_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL)
                        : RegOpenKeyExW(HKEY_LOCAL_MACHINE, HTTP_PARAMETERS_KEY, 0, KEY_READ, &key);
    return status ? NULL : key;
}

ULONG config_win32_from_reg(LONG status)
{
    return status == ERROR_SUCCESS ? NO_ERROR : (ULONG)status;
}

void *out_take(struct out_buf *b, ULONG len, ULONG align)
{
    ULONG at = (b->used + align - 1) & ~(align - 1);
    b->used = at + len;
    if (!b->base || b->used > b->cap) return NULL;
    return b->base + at;
}

WCHAR *out_wstr(struct out_buf *b, const WCHAR *s)
{
    ULONG len;
    WCHAR *p;

    if (!s) return NULL;
    len = (lstrlenW(s) + 1) * sizeof(WCHAR);
    if ((p = out_take(b, len, sizeof(WCHAR)))) memcpy(p, s, len);
    return p;
}

ULONG config_sockaddr_valid(const SOCKADDR *sa, ULONG len, BOOL need_port)
{
    if (!sa) return ERROR_INVALID_PARAMETER;
    if (sa->sa_family == AF_INET)
    {
        if (len && len < sizeof(SOCKADDR_IN)) return ERROR_INVALID_PARAMETER;
        if (need_port && !((const SOCKADDR_IN *)sa)->sin_port) return ERROR_INVALID_PARAMETER;
        return NO_ERROR;
    }
    if (sa->sa_family == AF_INET6)
    {
        if (len && len < sizeof(SOCKADDR_IN6)) return ERROR_INVALID_PARAMETER;
        if (need_port && !((const SOCKADDR_IN6 *)sa)->sin6_port) return ERROR_INVALID_PARAMETER;
        return NO_ERROR;
    }
    return ERROR_INVALID_PARAMETER;
}

void config_format_addr(const SOCKADDR *sa, BOOL with_port, WCHAR *out, DWORD cap)
{
    WCHAR ip[64] = L"";
    USHORT port;

    if (sa->sa_family == AF_INET6)
    {
        const SOCKADDR_IN6 *sin6 = (const SOCKADDR_IN6 *)sa;
        InetNtopW(AF_INET6, (void *)&sin6->sin6_addr, ip, 64);
        port = ntohs(sin6->sin6_port);
        if (with_port) _snwprintf(out, cap, L"[%s]:%u", ip, port);
        else _snwprintf(out, cap, L"%s", ip);
    }
    else
    {
        const SOCKADDR_IN *sin = (const SOCKADDR_IN *)sa;
        InetNtopW(AF_INET, (void *)&sin->sin_addr, ip, 64);
        port = ntohs(sin->sin_port);
        if (with_port) _snwprintf(out, cap, L"%s:%u", ip, port);
        else _snwprintf(out, cap, L"%s", ip);
    }
    out[cap - 1] = 0;
}

/* Reads "1.2.3.4", "1.2.3.4:80", "::1", "[::1]", "[::1]:80". */
BOOL config_parse_addr(const WCHAR *text, SOCKADDR_STORAGE *out)
{
    WCHAR host[64];
    const WCHAR *port = NULL, *end;
    unsigned long p = 0;
    size_t len;

    memset(out, 0, sizeof(*out));
    if (text[0] == '[')
    {
        if (!(end = wcschr(text, ']'))) return FALSE;
        len = end - text - 1;
        if (end[1] == ':') port = end + 2;
        else if (end[1]) return FALSE;
        text++;
    }
    else
    {
        const WCHAR *colon = wcschr(text, ':');
        if (colon && !wcschr(colon + 1, ':')) { len = colon - text; port = colon + 1; }
        else len = lstrlenW(text);
    }
    if (len >= 64) return FALSE;
    memcpy(host, text, len * sizeof(WCHAR));
    host[len] = 0;
    if (port)
    {
        WCHAR *stop;
        p = wcstoul(port, &stop, 10);
        if (!*port || *stop || p > 65535) return FALSE;
    }
    if (InetPtonW(AF_INET, host, &((SOCKADDR_IN *)out)->sin_addr) == 1)
    {
        out->ss_family = AF_INET;
        ((SOCKADDR_IN *)out)->sin_port = htons((USHORT)p);
        return TRUE;
    }
    if (InetPtonW(AF_INET6, host, &((SOCKADDR_IN6 *)out)->sin6_addr) == 1)
    {
        out->ss_family = AF_INET6;
        ((SOCKADDR_IN6 *)out)->sin6_port = htons((USHORT)p);
        return TRUE;
    }
    return FALSE;
}

void config_notify_service(void)
{
    static const WCHAR device[] = HS_DEVICE_NAME;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    IO_STATUS_BLOCK io;
    HANDLE h;

    RtlInitUnicodeString(&name, device);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    if (NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &attr, &io, NULL, 0,
                     FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0))
        return;   /* not running: it reads the store when it starts */
    queue_ioctl(h, HS_IOCTL_RELOAD_CONFIG, NULL, 0, NULL, 0, NULL, NULL);
    NtClose(h);
}

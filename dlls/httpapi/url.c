/*
 * HttpAddUrl and HttpRemoveUrl: v1 registration directly on a queue.  URL
 * groups (v2objects.c) register their URLs on their queue the same way.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"
#include "config.h"

ULONG url_ioctl(HANDLE handle, DWORD code, const WCHAR *prefix, HTTP_URL_CONTEXT context)
{
    struct hs_url_params *params;
    char *utf8;
    int len;
    ULONG ret;

    if (!(utf8 = utf16_to_utf8(prefix, &len))) return ERROR_INVALID_PARAMETER;
    if (!(params = HeapAlloc(GetProcessHeap(), 0, sizeof(*params) + len)))
    {
        HeapFree(GetProcessHeap(), 0, utf8);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    params->context = context;
    params->flags = 0;
    params->url_len = (uint32_t)len;
    memcpy(params + 1, utf8, len);
    ret = queue_ioctl(handle, code, params, sizeof(*params) + len, NULL, 0, NULL, NULL);
    HeapFree(GetProcessHeap(), 0, params);
    HeapFree(GetProcessHeap(), 0, utf8);
    if (ret == ERROR_INVALID_FUNCTION) ret = ERROR_INVALID_PARAMETER;   /* not a request queue */
    return ret;
}

ULONG WINAPI HttpAddUrl(HANDLE handle, const WCHAR *prefix, void *reserved)
{
    ULONG ret;

    TRACE("%p %s %p\n", handle, debugstr_w(prefix), reserved);
    if (!httpapi_initialized(HTTP_INITIALIZE_SERVER)) return ERROR_DLL_INIT_FAILED;
    if (!handle || handle == INVALID_HANDLE_VALUE || !prefix || reserved) return ERROR_INVALID_PARAMETER;
    if ((ret = urlacl_check_register(prefix))) return ret;
    return url_ioctl(handle, HS_IOCTL_ADD_URL, prefix, 0);
}

ULONG WINAPI HttpRemoveUrl(HANDLE handle, const WCHAR *prefix)
{
    TRACE("%p %s\n", handle, debugstr_w(prefix));
    if (!httpapi_initialized(HTTP_INITIALIZE_SERVER)) return ERROR_DLL_INIT_FAILED;
    if (!handle || handle == INVALID_HANDLE_VALUE || !prefix) return ERROR_INVALID_PARAMETER;
    return url_ioctl(handle, HS_IOCTL_REMOVE_URL, prefix, 0);
}

/*
 * The IP listen list: the addresses the service binds instead of the
 * wildcard ones.  ListenOnlyList, a REG_MULTI_SZ of addresses.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <http.h>
#include <stddef.h>

#include "httpapi_private.h"
#include "config.h"

#define MAX_ENTRIES 256

struct listen_list
{
    SOCKADDR_STORAGE addr[MAX_ENTRIES];
    unsigned count;
};

/* Entries a .reg import wrote that do not parse are skipped, not fatal. */
static void read_list(struct listen_list *list)
{
    HKEY key = config_open_params(FALSE);
    WCHAR *data, *p;
    DWORD size = 0, type;

    list->count = 0;
    if (!key) return;
    if (!RegQueryValueExW(key, L"ListenOnlyList", NULL, &type, NULL, &size) && type == REG_MULTI_SZ && size &&
        (data = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size + 2 * sizeof(WCHAR))))
    {
        if (!RegQueryValueExW(key, L"ListenOnlyList", NULL, &type, (BYTE *)data, &size))
            for (p = data; *p && list->count < MAX_ENTRIES; p += lstrlenW(p) + 1)
                if (config_parse_addr(p, &list->addr[list->count])) list->count++;
        HeapFree(GetProcessHeap(), 0, data);
    }
    RegCloseKey(key);
}

static ULONG write_list(const struct listen_list *list)
{
    WCHAR *data = HeapAlloc(GetProcessHeap(), 0, (list->count * 64 + 2) * sizeof(WCHAR)), *p = data;
    HKEY key;
    LONG status;
    unsigned i;

    if (!data) return ERROR_NOT_ENOUGH_MEMORY;
    if (!(key = config_open_params(TRUE)))
    {
        HeapFree(GetProcessHeap(), 0, data);
        return ERROR_ACCESS_DENIED;
    }
    for (i = 0; i < list->count; i++)
    {
        const SOCKADDR *sa = (const SOCKADDR *)&list->addr[i];
        USHORT port = sa->sa_family == AF_INET6 ? ((const SOCKADDR_IN6 *)sa)->sin6_port : ((const SOCKADDR_IN *)sa)->sin_port;
        config_format_addr(sa, port != 0, p, 64);
        p += lstrlenW(p) + 1;
    }
    *p++ = 0;
    if (!list->count) status = RegDeleteValueW(key, L"ListenOnlyList");
    else status = RegSetValueExW(key, L"ListenOnlyList", 0, REG_MULTI_SZ, (BYTE *)data, (DWORD)((p - data) * sizeof(WCHAR)));
    if (status == ERROR_FILE_NOT_FOUND) status = ERROR_SUCCESS;
    RegCloseKey(key);
    HeapFree(GetProcessHeap(), 0, data);
    return config_win32_from_reg(status);
}

static BOOL same_addr(const SOCKADDR_STORAGE *a, const SOCKADDR_STORAGE *b)
{
    if (a->ss_family != b->ss_family) return FALSE;
    if (a->ss_family == AF_INET)
    {
        const SOCKADDR_IN *x = (const SOCKADDR_IN *)a, *y = (const SOCKADDR_IN *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    {
        const SOCKADDR_IN6 *x = (const SOCKADDR_IN6 *)a, *y = (const SOCKADDR_IN6 *)b;
        return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
    }
}

static ULONG param_addr(const void *info, ULONG len, SOCKADDR_STORAGE *out)
{
    const HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM *p = info;
    ULONG ret;

    if (len < sizeof(*p)) return ERROR_INSUFFICIENT_BUFFER;
    if (!p->pAddress) return ERROR_INVALID_PARAMETER;
    /* AddrLength is all there is to read: not even the family below it */
    if (p->AddrLength != sizeof(SOCKADDR_IN) && p->AddrLength != sizeof(SOCKADDR_IN6)) return ERROR_INVALID_PARAMETER;
    if ((ret = config_sockaddr_valid(p->pAddress, p->AddrLength, FALSE))) return ret;
    if (p->AddrLength != (p->pAddress->sa_family == AF_INET ? sizeof(SOCKADDR_IN) : sizeof(SOCKADDR_IN6)))
        return ERROR_INVALID_PARAMETER;
    memset(out, 0, sizeof(*out));
    memcpy(out, p->pAddress, p->AddrLength);
    if (out->ss_family == AF_INET6)   /* flow and scope are not part of an entry */
        ((SOCKADDR_IN6 *)out)->sin6_flowinfo = ((SOCKADDR_IN6 *)out)->sin6_scope_id = 0;
    else
        memset(((SOCKADDR_IN *)out)->sin_zero, 0, sizeof(((SOCKADDR_IN *)out)->sin_zero));
    return NO_ERROR;
}

/* Adds (add) or removes the address; the list is read, changed and
 * written back, so a change made by another process in between is kept. */
static ULONG change_list(const SOCKADDR_STORAGE *addr, BOOL add)
{
    struct listen_list *list = HeapAlloc(GetProcessHeap(), 0, sizeof(*list));
    ULONG ret;
    unsigned i;

    if (!list) return ERROR_NOT_ENOUGH_MEMORY;
    read_list(list);
    for (i = 0; i < list->count; i++) if (same_addr(&list->addr[i], addr)) break;
    if (add && i < list->count) ret = ERROR_ALREADY_EXISTS;
    else if (!add && i == list->count) ret = ERROR_FILE_NOT_FOUND;
    else if (add && list->count == MAX_ENTRIES) ret = ERROR_NOT_ENOUGH_MEMORY;
    else
    {
        if (add) list->addr[list->count++] = *addr;
        else list->addr[i] = list->addr[--list->count];
        ret = write_list(list);
    }
    HeapFree(GetProcessHeap(), 0, list);
    return ret;
}

static ULONG listen_set(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len, BOOL update)
{
    SOCKADDR_STORAGE addr;
    ULONG ret = param_addr(info, len, &addr);
    return ret ? ret : change_list(&addr, TRUE);
}

static ULONG listen_remove(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len)
{
    SOCKADDR_STORAGE addr;
    ULONG ret = param_addr(info, len, &addr);
    return ret ? ret : change_list(&addr, FALSE);
}

static ULONG listen_query(HTTP_SERVICE_CONFIG_ID id, const void *in, ULONG in_len, void *out, ULONG out_len, ULONG *ret_len)
{
    struct listen_list *list = HeapAlloc(GetProcessHeap(), 0, sizeof(*list));
    HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *q = out;
    ULONG need;

    if (!list) return ERROR_NOT_ENOUGH_MEMORY;
    read_list(list);
    need = (ULONG)offsetof(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY, AddrList) +
           (list->count ? list->count : 1) * (ULONG)sizeof(SOCKADDR_STORAGE);
    if (ret_len) *ret_len = need;
    if (out_len < need)
    {
        HeapFree(GetProcessHeap(), 0, list);
        return ERROR_INSUFFICIENT_BUFFER;
    }
    memset(out, 0, need);
    q->AddrCount = list->count;
    memcpy(q->AddrList, list->addr, list->count * sizeof(SOCKADDR_STORAGE));
    HeapFree(GetProcessHeap(), 0, list);
    return NO_ERROR;
}

const struct config_ops config_listen_ops = { listen_set, listen_remove, listen_query, FALSE };

/*
 * Single-value records: the service timeouts (HttpServiceConfigTimeout),
 * the cache parameters (HttpServiceConfigCache) and the settings
 * (HttpServiceConfigSetting).  Each is one DWORD under Parameters.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"
#include "config.h"

/* The value name for a record key, NULL for a key that does not exist. */
static const WCHAR *value_name(HTTP_SERVICE_CONFIG_ID id, int key)
{
    static const WCHAR *const timeouts[] = { L"IdleConnectionTimeout", L"HeaderWaitTimeout" };
    static const WCHAR *const cache[] = { L"MaxCacheResponseSize", L"CacheRangeChunkSize" };

    switch ((int)id)
    {
    case 3: return key >= 0 && key < 2 ? timeouts[key] : NULL;
    case 4: return key >= 0 && key < 2 ? cache[key] : NULL;
    case 7: return key == HttpTlsThrottle ? L"TlsThrottle" : NULL;
    }
    return NULL;
}

static ULONG read_value(const WCHAR *name, DWORD *value)
{
    HKEY key = config_open_params(FALSE);
    DWORD size = sizeof(*value), type;
    LONG status;

    if (!key) return ERROR_FILE_NOT_FOUND;
    status = RegQueryValueExW(key, name, NULL, &type, (BYTE *)value, &size);
    RegCloseKey(key);
    return status || type != REG_DWORD || size != sizeof(*value) ? ERROR_FILE_NOT_FOUND : NO_ERROR;
}

static ULONG value_set(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len, BOOL update)
{
    const WCHAR *name;
    DWORD value, old;
    HKEY key;
    LONG status;

    if (id == HttpServiceConfigTimeout)
    {
        const HTTP_SERVICE_CONFIG_TIMEOUT_SET *t = info;
        if (len < sizeof(*t)) return ERROR_INSUFFICIENT_BUFFER;
        name = value_name(id, t->KeyDesc);
        value = t->ParamDesc;
        if (!value) return ERROR_INVALID_PARAMETER;   /* a timeout of 0 seconds means nothing */
    }
    else if (id == HttpServiceConfigCache)
    {
        const HTTP_SERVICE_CONFIG_CACHE_SET *c = info;
        if (len < sizeof(*c)) return ERROR_INSUFFICIENT_BUFFER;
        name = value_name(id, c->KeyDesc);
        value = c->ParamDesc;
    }
    else
    {
        const HTTP_SERVICE_CONFIG_SETTING_SET *s = info;
        if (len < sizeof(*s)) return ERROR_INSUFFICIENT_BUFFER;
        name = value_name(id, s->KeyDesc);
        value = s->ParamDesc;
    }
    if (!name) return ERROR_INVALID_PARAMETER;
    if (!read_value(name, &old)) return ERROR_ALREADY_EXISTS;
    if (!(key = config_open_params(TRUE))) return ERROR_ACCESS_DENIED;
    status = RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&value, sizeof(value));
    RegCloseKey(key);
    return config_win32_from_reg(status);
}

/* Delete and Query take the bare key (an enum). */
static ULONG key_of(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len, const WCHAR **name)
{
    if (!info) return ERROR_INVALID_PARAMETER;
    if (len < sizeof(int)) return ERROR_INSUFFICIENT_BUFFER;
    if (!(*name = value_name(id, *(const int *)info))) return ERROR_INVALID_PARAMETER;
    return NO_ERROR;
}

static ULONG value_remove(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len)
{
    const WCHAR *name;
    HKEY key;
    LONG status;
    ULONG ret;

    if ((ret = key_of(id, info, len, &name))) return ret;
    if (!(key = config_open_params(FALSE))) return ERROR_FILE_NOT_FOUND;
    RegCloseKey(key);
    if (!(key = config_open_params(TRUE))) return ERROR_ACCESS_DENIED;
    status = RegDeleteValueW(key, name);
    RegCloseKey(key);
    return status == ERROR_FILE_NOT_FOUND ? ERROR_FILE_NOT_FOUND : config_win32_from_reg(status);
}

static ULONG value_query(HTTP_SERVICE_CONFIG_ID id, const void *in, ULONG in_len, void *out, ULONG out_len, ULONG *ret_len)
{
    ULONG size = id == HttpServiceConfigTimeout ? sizeof(HTTP_SERVICE_CONFIG_TIMEOUT_PARAM) : sizeof(ULONG);
    const WCHAR *name;
    DWORD value;
    ULONG ret;

    if ((ret = key_of(id, in, in_len, &name))) return ret;
    if ((ret = read_value(name, &value))) return ret;
    if (ret_len) *ret_len = size;
    /* documented: timeouts answer ERROR_MORE_DATA, the others ERROR_INSUFFICIENT_BUFFER */
    if (out_len < size) return id == HttpServiceConfigTimeout ? ERROR_MORE_DATA : ERROR_INSUFFICIENT_BUFFER;
    if (id == HttpServiceConfigTimeout) *(USHORT *)out = (USHORT)value;
    else *(ULONG *)out = value;
    return NO_ERROR;
}

const struct config_ops config_value_ops = { value_set, value_remove, value_query, FALSE };

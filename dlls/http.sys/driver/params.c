#include <ntifs.h>

#include <stdio.h>

#include "params.h"
#include "link.h"

#define ITEM_MAX 1100

static int utf16_to_utf8(const WCHAR *src, unsigned count, char *dst, unsigned cap)
{
    unsigned i, n = 0;

    for (i = 0; i < count && src[i]; i++)
    {
        unsigned c = src[i];
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < count && src[i + 1] >= 0xdc00 && src[i + 1] < 0xe000)
            c = 0x10000 + ((c - 0xd800) << 10) + (src[++i] - 0xdc00);
        if (c < 0x80) { if (n + 1 >= cap) break; dst[n++] = (char)c; }
        else if (c < 0x800) { if (n + 2 >= cap) break; dst[n++] = (char)(0xc0 | c >> 6); dst[n++] = (char)(0x80 | (c & 0x3f)); }
        else if (c < 0x10000) { if (n + 3 >= cap) break; dst[n++] = (char)(0xe0 | c >> 12); dst[n++] = (char)(0x80 | ((c >> 6) & 0x3f)); dst[n++] = (char)(0x80 | (c & 0x3f)); }
        else { if (n + 4 >= cap) break; dst[n++] = (char)(0xf0 | c >> 18); dst[n++] = (char)(0x80 | ((c >> 12) & 0x3f)); dst[n++] = (char)(0x80 | ((c >> 6) & 0x3f)); dst[n++] = (char)(0x80 | (c & 0x3f)); }
    }
    dst[n] = 0;
    return (int)n;
}

/* One registry value as "Name:type=value"; the engine judges type and range. */
static char *format_value(const KEY_VALUE_FULL_INFORMATION *info)
{
    char *item = link_alloc(ITEM_MAX);
    const UCHAR *data = (const UCHAR *)info + info->DataOffset;
    int n;

    if (!item) return NULL;
    n = utf16_to_utf8(info->Name, info->NameLength / sizeof(WCHAR), item, 256);
    switch (info->Type)
    {
    case REG_DWORD:
        if (info->DataLength == sizeof(ULONG))
        {
            ULONG v;
            memcpy(&v, data, sizeof(v));   /* the data follows the name: no alignment promised */
            _snprintf(item + n, ITEM_MAX - n, ":dword=%lu", v);
        }
        else
            _snprintf(item + n, ITEM_MAX - n, ":dword=bad-length");
        break;
    case REG_SZ:
    case REG_EXPAND_SZ:
        n += _snprintf(item + n, ITEM_MAX - n, info->Type == REG_SZ ? ":sz=" : ":expand_sz=");
        utf16_to_utf8((const WCHAR *)data, info->DataLength / sizeof(WCHAR), item + n, ITEM_MAX - n);
        break;
    default:
        _snprintf(item + n, ITEM_MAX - n, ":type%lu=", info->Type);
        break;
    }
    item[ITEM_MAX - 1] = 0;
    return item;
}

static int ascii_equal_ci(const WCHAR *a, const WCHAR *b, unsigned count)
{
    unsigned i;

    for (i = 0; i < count; i++)
    {
        WCHAR x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i], y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i];
        if (x != y) return 0;
    }
    return 1;
}

#define DIR_MAX 600   /* WCHARs of an error log folder, %SystemRoot% expanded */

/* ErrorLoggingDir (KB 820729): "a fully qualified local path", which "can
 * contain %SystemRoot%"; no network share, no "." or ".." to walk out of
 * it.  Writes the NT path (\??\C:\...) to out; 0 when it is one. */
static int error_log_nt_path(const WCHAR *value, unsigned count, WCHAR *out)
{
    static const WCHAR root_var[] = L"%SystemRoot%", root[] = L"C:\\windows";
    unsigned i, n = 4, start;

    memcpy(out, L"\\??\\", 4 * sizeof(WCHAR));
    for (i = 0; i < count && value[i]; )
    {
        if (i + 12 <= count && ascii_equal_ci(value + i, root_var, 12))
        {
            if (n + 10 >= DIR_MAX) return -1;
            memcpy(out + n, root, 10 * sizeof(WCHAR));
            n += 10;
            i += 12;
            continue;
        }
        if (n + 1 >= DIR_MAX) return -1;
        out[n++] = value[i] == '/' ? '\\' : value[i];
        i++;
    }
    while (n > 7 && out[n - 1] == '\\') n--;   /* "C:\logs\" is "C:\logs"; "C:\" stays */
    out[n] = 0;
    if (n < 7 || !((out[4] | 32) >= 'a' && (out[4] | 32) <= 'z') || out[5] != ':' || out[6] != '\\') return -1;
    for (i = 7; i <= n; i++)
    {
        WCHAR c = out[i];
        if (c && c != '\\')
        {
            if (c < 0x20 || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|') return -1;
            continue;
        }
        /* the end of a segment: none empty, none "." or ".." */
        for (start = i; start > 7 && out[start - 1] != '\\'; start--) {}
        if (i == 7 && !c) break;   /* the drive's root */
        if (i == start || (i - start == 1 && out[start] == '.') ||
            (i - start == 2 && out[start] == '.' && out[start + 1] == '.'))
            return -1;
    }
    return 0;
}

/* "ErrorLoggingDir:<type>=<Unix path>" for the engine, which has no other
 * way to find a Windows path; NULL when the value is no local path or the
 * folder above it does not exist. */
static char *error_log_dir_item(const WCHAR *value, unsigned count, const char *type)
{
    WCHAR *path = link_alloc(DIR_MAX * sizeof(WCHAR));
    char *item = link_alloc(ITEM_MAX);
    int n;

    if (!path || !item || error_log_nt_path(value, count, path)) goto fail;
    n = _snprintf(item, ITEM_MAX, "ErrorLoggingDir:%s=", type);
    if (link_unix_path((const uint16_t *)path, item + n, ITEM_MAX - n, 1)) goto fail;
    link_free(path);
    return item;
fail:
    link_free(path);
    link_free(item);
    return NULL;
}

/* The engine reads an item up to the first ':' as the name and up to the
 * next '=' as the type: a value whose name holds either (or a NUL, which
 * would end it early) is none of Windows' and would pass for another, e.g.
 * "ErrorLoggingDir:unix=/..." for the folder checked above. */
static int plain_name(const KEY_VALUE_FULL_INFORMATION *info)
{
    unsigned i;

    for (i = 0; i < info->NameLength / sizeof(WCHAR); i++)
        if (!info->Name[i] || info->Name[i] == ':' || info->Name[i] == '=') return 0;
    return 1;
}

static int is_error_log_dir(const KEY_VALUE_FULL_INFORMATION *info)
{
    static const WCHAR name[] = L"ErrorLoggingDir";

    return info->NameLength == 15 * sizeof(WCHAR) && ascii_equal_ci(info->Name, name, 15) &&
           (info->Type == REG_SZ || info->Type == REG_EXPAND_SZ);
}

static int read_values(const void *registry_path, char **items, int max)
{
    const UNICODE_STRING *service = registry_path;
    UNICODE_STRING path;
    OBJECT_ATTRIBUTES attr;
    HANDLE key;
    ULONG index, size;
    WCHAR buf[512];
    static const WCHAR suffix[] = L"\\Parameters";
    KEY_VALUE_FULL_INFORMATION *info;
    int count = 0;

    if (service->Length + sizeof(suffix) > sizeof(buf)) return 0;
    memcpy(buf, service->Buffer, service->Length);
    memcpy((char *)buf + service->Length, suffix, sizeof(suffix));
    RtlInitUnicodeString(&path, buf);
    InitializeObjectAttributes(&attr, &path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    if (ZwOpenKey(&key, KEY_READ, &attr)) return 0;   /* no Parameters key: all defaults */
    if (!(info = link_alloc(8192)))
    {
        ZwClose(key);
        return 0;
    }
    for (index = 0; count < max; index++)
    {
        NTSTATUS status = ZwEnumerateValueKey(key, index, KeyValueFullInformation, info, 8192, &size);
        if (status == STATUS_NO_MORE_ENTRIES) break;
        if (status) continue;   /* too large to be one of ours: skip it */
        if (!plain_name(info)) continue;
        if ((items[count] = format_value(info))) count++;
        if (count < max && is_error_log_dir(info) &&
            (items[count] = error_log_dir_item((const WCHAR *)((const UCHAR *)info + info->DataOffset),
                                               info->DataLength / sizeof(WCHAR), "unix")))
            count++;
    }
    link_free(info);
    ZwClose(key);
    return count;
}

int params_read(const void *registry_path, char **items, int max)
{
    static const WCHAR default_dir[] = L"%SystemRoot%\\System32\\LogFiles";
    int count = read_values(registry_path, items, max);

    /* the engine also needs the default's Unix path, for a bad value */
    if (count < max && (items[count] = error_log_dir_item(default_dir, sizeof(default_dir) / sizeof(WCHAR) - 1, "unixdefault")))
        count++;
    return count;
}

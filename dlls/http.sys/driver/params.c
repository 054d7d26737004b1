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
            _snprintf(item + n, ITEM_MAX - n, ":dword=%lu", *(const ULONG *)data);
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

int params_read(const void *registry_path, char **items, int max)
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
        if ((items[count] = format_value(info))) count++;
    }
    link_free(info);
    ZwClose(key);
    return count;
}

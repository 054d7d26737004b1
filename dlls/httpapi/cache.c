/*
 * HttpAddFragmentToCache, HttpReadFragmentFromCache, HttpFlushResponseCache.
 *
 * The kernel cache lives in the engine (cachectl.c there has its rules:
 * names under a URL prefix registered on the queue, expiry, the
 * scavenger); these check the arguments and pass the call on.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

/* Runs one cache IOCTL: params, the name in UTF-8, then data. */
static ULONG cache_ioctl(HANDLE handle, DWORD code, struct hs_cache_params *params, const WCHAR *name,
                         const void *data, ULONG data_len, void *out, ULONG out_len, ULONG *ret_len, OVERLAPPED *ovl)
{
    char *utf8, *in;
    int len;
    ULONG ret;

    if (!(utf8 = utf16_to_utf8(name, &len)) || !len)
    {
        HeapFree(GetProcessHeap(), 0, utf8);
        return ERROR_INVALID_PARAMETER;
    }
    if (!(in = HeapAlloc(GetProcessHeap(), 0, sizeof(*params) + len + data_len)))
    {
        HeapFree(GetProcessHeap(), 0, utf8);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    params->name_len = (uint32_t)len;
    memcpy(in, params, sizeof(*params));
    memcpy(in + sizeof(*params), utf8, len);
    if (data_len) memcpy(in + sizeof(*params) + len, data, data_len);
    ret = queue_ioctl(handle, code, in, sizeof(*params) + len + data_len, out, out_len, ret_len, ovl);
    HeapFree(GetProcessHeap(), 0, in);
    HeapFree(GetProcessHeap(), 0, utf8);
    if (ret == ERROR_INVALID_FUNCTION) ret = ERROR_INVALID_PARAMETER;   /* not a request queue */
    return ret;
}

/* The bytes of a file chunk's range, read now: a fragment must not change
 * when the file does. */
static ULONG read_file_range(const HTTP_DATA_CHUNK *chunk, BYTE **data, ULONG *len)
{
    HANDLE file = chunk->FromFileHandle.FileHandle;
    ULONGLONG start = chunk->FromFileHandle.ByteRange.StartingOffset.QuadPart;
    ULONGLONG length = chunk->FromFileHandle.ByteRange.Length.QuadPart;
    LARGE_INTEGER size;
    HANDLE event;
    ULONG ret = NO_ERROR, done = 0;

    if (!GetFileSizeEx(file, &size) || start > (ULONGLONG)size.QuadPart) return ERROR_INVALID_PARAMETER;
    if (length == HTTP_BYTE_RANGE_TO_EOF) length = size.QuadPart - start;
    else if (length > (ULONGLONG)size.QuadPart - start) return ERROR_INVALID_PARAMETER;
    if (length > HS_CACHE_FRAGMENT_MAX) return ERROR_NO_SYSTEM_RESOURCES;
    if (!(*data = HeapAlloc(GetProcessHeap(), 0, length ? (SIZE_T)length : 1))) return ERROR_NOT_ENOUGH_MEMORY;
    event = CreateEventW(NULL, TRUE, FALSE, NULL);
    while (done < length && !ret)
    {
        OVERLAPPED ov;
        DWORD got = 0;

        memset(&ov, 0, sizeof(ov));
        ov.Offset = (DWORD)(start + done);
        ov.OffsetHigh = (DWORD)((start + done) >> 32);
        ov.hEvent = (HANDLE)((ULONG_PTR)event | 1);
        if (!ReadFile(file, *data + done, (DWORD)length - done, &got, &ov))
        {
            if (GetLastError() != ERROR_IO_PENDING || !GetOverlappedResult(file, &ov, &got, TRUE))
                ret = GetLastError();
        }
        if (!ret && !got) ret = ERROR_HANDLE_EOF;
        done += got;
    }
    CloseHandle(event);
    if (ret) HeapFree(GetProcessHeap(), 0, *data);
    else *len = (ULONG)length;
    return ret;
}

ULONG WINAPI HttpAddFragmentToCache(HANDLE handle, const WCHAR *prefix, HTTP_DATA_CHUNK *chunk,
                                    HTTP_CACHE_POLICY *policy, OVERLAPPED *ovl)
{
    struct hs_cache_params params;
    BYTE *data = NULL;
    ULONG len = 0, ret;

    TRACE("%p %s %p %p %p\n", handle, debugstr_w(prefix), chunk, policy, ovl);
    if (!prefix || !chunk || !policy) return ERROR_INVALID_PARAMETER;
    /* a fragment cached under no policy could never be used */
    if (policy->Policy != HttpCachePolicyUserInvalidates && policy->Policy != HttpCachePolicyTimeToLive)
        return ERROR_INVALID_PARAMETER;
    switch (chunk->DataChunkType)
    {
    case HttpDataChunkFromMemory:
        if (chunk->FromMemory.BufferLength && !chunk->FromMemory.pBuffer) return ERROR_INVALID_PARAMETER;
        if (chunk->FromMemory.BufferLength > HS_CACHE_FRAGMENT_MAX) return ERROR_NO_SYSTEM_RESOURCES;
        len = chunk->FromMemory.BufferLength;
        break;
    case HttpDataChunkFromFileHandle:
        if ((ret = read_file_range(chunk, &data, &len))) return ret;
        break;
    default:
        return ERROR_INVALID_PARAMETER;
    }
    memset(&params, 0, sizeof(params));
    params.policy = policy->Policy;
    params.seconds = policy->SecondsToLive;
    ret = cache_ioctl(handle, HS_IOCTL_CACHE_ADD, &params, prefix, data ? data : chunk->FromMemory.pBuffer, len,
                      NULL, 0, NULL, ovl);
    HeapFree(GetProcessHeap(), 0, data);
    return ret;
}

ULONG WINAPI HttpReadFragmentFromCache(HANDLE handle, const WCHAR *prefix, HTTP_BYTE_RANGE *range, void *buffer,
                                       ULONG len, ULONG *read, OVERLAPPED *ovl)
{
    struct hs_cache_params params;
    ULONG ret, bytes = 0;

    TRACE("%p %s %p %p %lu %p %p\n", handle, debugstr_w(prefix), range, buffer, len, read, ovl);
    /* a synchronous call must be able to say how much it read */
    if (!prefix || (!ovl && !read) || (len && !buffer)) return ERROR_INVALID_PARAMETER;
    memset(&params, 0, sizeof(params));
    if (range)
    {
        params.flags = HS_CACHE_RANGE;
        params.offset = range->StartingOffset.QuadPart;
        params.length = range->Length.QuadPart;
    }
    ret = cache_ioctl(handle, HS_IOCTL_CACHE_READ, &params, prefix, NULL, 0, buffer, len, &bytes, ovl);
    /* ERROR_MORE_DATA: bytes is the size the whole range needs */
    if (!ovl && read && (!ret || ret == ERROR_MORE_DATA)) *read = bytes;
    return ret;
}

ULONG WINAPI HttpFlushResponseCache(HANDLE handle, const WCHAR *prefix, ULONG flags, OVERLAPPED *ovl)
{
    struct hs_cache_params params;

    TRACE("%p %s %#lx %p\n", handle, debugstr_w(prefix), flags, ovl);
    if (!prefix || (flags & ~HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE)) return ERROR_INVALID_PARAMETER;
    memset(&params, 0, sizeof(params));
    params.flags = flags;
    return cache_ioctl(handle, HS_IOCTL_CACHE_FLUSH, &params, prefix, NULL, 0, NULL, 0, NULL, ovl);
}

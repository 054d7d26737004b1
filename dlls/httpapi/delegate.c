/*
 * Delegation, as ASP.NET Core's HttpSys server uses it: the receiver names
 * its queue; the delegator opens it (HTTP_CREATE_REQUEST_QUEUE_FLAG_
 * OPEN_EXISTING | _DELEGATION), finds the receiver's URL group with
 * HttpFindUrlGroupId, and hands received requests over with
 * HttpDelegateRequestEx and the URL (DelegateRequestDelegateUrlProperty).
 * The engine moves the request, unanswered, to the receiver's queue.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

/* HTTP_DELEGATE_REQUEST_PROPERTY_INFO (http.h, Windows 10 and later) */
typedef struct
{
    ULONG PropertyId;          /* HTTP_DELEGATE_REQUEST_PROPERTY_ID */
    ULONG PropertyInfoLength;  /* bytes */
    void *PropertyInfo;
} delegate_property;
#define DELEGATE_RESERVED_PROPERTY 0
#define DELEGATE_URL_PROPERTY      1   /* DelegateRequestDelegateUrlProperty: the URL prefix, UTF-16, no NUL needed */

#define URL_MAX 2048   /* characters */

static ULONG to_utf8(const WCHAR *url, int chars, char *out, int cap, int *len)
{
    if (chars <= 0 || chars > URL_MAX) return ERROR_INVALID_PARAMETER;
    if (!(*len = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, url, chars, out, cap, NULL, NULL)))
        return ERROR_INVALID_PARAMETER;
    return NO_ERROR;
}

/* The queue's engine id, or 0 if the handle is no queue. */
static uint64_t queue_id_of(HANDLE h)
{
    struct queue *q = queue_get(h);
    uint64_t id = q ? q->id : 0;

    queue_put(q);
    return id;
}

ULONG WINAPI HttpFindUrlGroupId(const WCHAR *url, HANDLE queue, HTTP_URL_GROUP_ID *id)
{
    char utf8[URL_MAX * 3];
    ULONGLONG found = 0;
    ULONG ret, bytes = 0;
    int len;

    TRACE("%s %p %p\n", debugstr_w(url), queue, id);
    if (!url || !id) return ERROR_INVALID_PARAMETER;
    if ((ret = to_utf8(url, lstrlenW(url), utf8, sizeof(utf8), &len))) return ret;
    if (!queue_id_of(queue)) return ERROR_INVALID_HANDLE;
    ret = queue_ioctl(queue, HS_IOCTL_FIND_GROUP, utf8, len, &found, sizeof(found), &bytes, NULL);
    if (!ret && bytes == sizeof(found)) *id = found;
    else if (!ret) ret = ERROR_NOT_FOUND;
    return ret;
}

ULONG WINAPI HttpDelegateRequestEx(HANDLE source, HANDLE target, HTTP_REQUEST_ID id, HTTP_URL_GROUP_ID group,
                                   ULONG count, void *properties)
{
    struct { struct hs_delegate d; char url[URL_MAX * 3]; } in;
    const delegate_property *props = properties;
    ULONG i, ret;
    int len = 0;

    TRACE("%p %p %#I64x %#I64x %lu %p\n", source, target, id, group, count, properties);
    if (count && !props) return ERROR_INVALID_PARAMETER;
    memset(&in.d, 0, sizeof(in.d));
    for (i = 0; i < count; i++)
    {
        if (props[i].PropertyId == DELEGATE_RESERVED_PROPERTY) continue;
        if (props[i].PropertyId != DELEGATE_URL_PROPERTY || in.d.url_len || !props[i].PropertyInfo ||
            !props[i].PropertyInfoLength || props[i].PropertyInfoLength % sizeof(WCHAR))
            return ERROR_INVALID_PARAMETER;
        if ((ret = to_utf8(props[i].PropertyInfo, props[i].PropertyInfoLength / sizeof(WCHAR), in.url,
                           sizeof(in.url), &len)))
            return ret;
        in.d.url_len = len;
    }
    if (!id) return ERROR_CONNECTION_INVALID;
    if (!queue_id_of(source)) return ERROR_INVALID_HANDLE;
    if (!(in.d.dst_queue_id = queue_id_of(target))) return ERROR_INVALID_HANDLE;
    in.d.request_id = id;
    in.d.group = group;
    return queue_ioctl(source, HS_IOCTL_DELEGATE, &in, sizeof(in.d) + in.d.url_len, NULL, 0, NULL, NULL);
}

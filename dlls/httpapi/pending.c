/*
 * Exports whose behaviour comes with later work (the v2 object model, the
 * configuration store, caches, disconnect notification, ...).  Each checks
 * what it can and returns ERROR_CALL_NOT_IMPLEMENTED, a Win32 error every
 * caller handles, instead of raising Wine's "unimplemented function"
 * exception.  README.md lists them.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

#define NOT_YET(name) do { WARN("%s is not implemented yet\n", name); return ERROR_CALL_NOT_IMPLEMENTED; } while (0)

ULONG WINAPI HttpAddFragmentToCache(HANDLE h, const WCHAR *prefix, HTTP_DATA_CHUNK *chunk, HTTP_CACHE_POLICY *policy, OVERLAPPED *ovl)
{ NOT_YET("HttpAddFragmentToCache"); }

ULONG WINAPI HttpAddUrlToUrlGroup(HTTP_URL_GROUP_ID group, const WCHAR *url, HTTP_URL_CONTEXT context, ULONG reserved)
{ NOT_YET("HttpAddUrlToUrlGroup"); }

ULONG WINAPI HttpCancelHttpRequest(HANDLE h, HTTP_REQUEST_ID id, OVERLAPPED *ovl)
{ NOT_YET("HttpCancelHttpRequest"); }

ULONG WINAPI HttpCloseServerSession(HTTP_SERVER_SESSION_ID id)
{ NOT_YET("HttpCloseServerSession"); }

ULONG WINAPI HttpCloseUrlGroup(HTTP_URL_GROUP_ID id)
{ NOT_YET("HttpCloseUrlGroup"); }

ULONG WINAPI HttpControlService(void *a, ULONG b, void *c, ULONG d)
{ NOT_YET("HttpControlService"); }

ULONG WINAPI HttpCreateRequestQueue(HTTPAPI_VERSION version, const WCHAR *name, SECURITY_ATTRIBUTES *sa, ULONG flags, HANDLE *handle)
{ NOT_YET("HttpCreateRequestQueue"); }

ULONG WINAPI HttpCreateServerSession(HTTPAPI_VERSION version, HTTP_SERVER_SESSION_ID *id, ULONG reserved)
{ NOT_YET("HttpCreateServerSession"); }

ULONG WINAPI HttpCreateUrlGroup(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID *id, ULONG reserved)
{ NOT_YET("HttpCreateUrlGroup"); }

ULONG WINAPI HttpDeclarePush(HANDLE h, HTTP_REQUEST_ID id, HTTP_VERB verb, const WCHAR *path, const char *query, void *headers)
{ NOT_YET("HttpDeclarePush"); }

ULONG WINAPI HttpDelegateRequest(void *a, void *b, ULONGLONG c, ULONGLONG d, ULONG e, void *f)
{ NOT_YET("HttpDelegateRequest"); }

ULONG WINAPI HttpDelegateRequestEx(HANDLE source, HANDLE target, HTTP_REQUEST_ID id, HTTP_URL_GROUP_ID group, ULONG count, void *properties)
{ NOT_YET("HttpDelegateRequestEx"); }

ULONG WINAPI HttpEvaluateRequest(void *a, void *b, void *c)
{ NOT_YET("HttpEvaluateRequest"); }

ULONG WINAPI HttpFindUrlGroupId(const WCHAR *url, HANDLE queue, HTTP_URL_GROUP_ID *id)
{ NOT_YET("HttpFindUrlGroupId"); }

ULONG WINAPI HttpFlushResponseCache(HANDLE h, const WCHAR *prefix, ULONG flags, OVERLAPPED *ovl)
{ NOT_YET("HttpFlushResponseCache"); }

ULONG WINAPI HttpGetCounters(void *a, ULONG b, void *c, ULONG d, void *e)
{ NOT_YET("HttpGetCounters"); }

ULONG WINAPI HttpGetExtension(HTTPAPI_VERSION version, ULONG extension, void *buffer, ULONG size)
{ NOT_YET("HttpGetExtension"); }

ULONG WINAPI HttpPrepareUrl(void *reserved, ULONG flags, const WCHAR *url, WCHAR **prepared)
{ NOT_YET("HttpPrepareUrl"); }

ULONG WINAPI HttpQueryRequestQueueProperty(HANDLE h, HTTP_SERVER_PROPERTY property, void *buffer, ULONG len,
                                           ULONG reserved, ULONG *ret_len, void *reserved2)
{ NOT_YET("HttpQueryRequestQueueProperty"); }

ULONG WINAPI HttpQueryServerSessionProperty(HTTP_SERVER_SESSION_ID id, HTTP_SERVER_PROPERTY property, void *buffer,
                                            ULONG len, ULONG *ret_len)
{ NOT_YET("HttpQueryServerSessionProperty"); }

ULONG WINAPI HttpQueryUrlGroupProperty(HTTP_URL_GROUP_ID id, HTTP_SERVER_PROPERTY property, void *buffer, ULONG len,
                                       ULONG *ret_len)
{ NOT_YET("HttpQueryUrlGroupProperty"); }

ULONG WINAPI HttpReadFragmentFromCache(HANDLE h, const WCHAR *prefix, HTTP_BYTE_RANGE *range, void *buffer, ULONG len,
                                       ULONG *read, OVERLAPPED *ovl)
{ NOT_YET("HttpReadFragmentFromCache"); }

ULONG WINAPI HttpRemoveUrlFromUrlGroup(HTTP_URL_GROUP_ID id, const WCHAR *url, ULONG flags)
{ NOT_YET("HttpRemoveUrlFromUrlGroup"); }

ULONG WINAPI HttpSetRequestQueueProperty(HANDLE h, HTTP_SERVER_PROPERTY property, void *info, ULONG len,
                                         ULONG reserved, void *reserved2)
{ NOT_YET("HttpSetRequestQueueProperty"); }

ULONG WINAPI HttpSetServerSessionProperty(HTTP_SERVER_SESSION_ID id, HTTP_SERVER_PROPERTY property, void *info, ULONG len)
{ NOT_YET("HttpSetServerSessionProperty"); }

ULONG WINAPI HttpSetUrlGroupProperty(HTTP_URL_GROUP_ID id, HTTP_SERVER_PROPERTY property, void *info, ULONG len)
{ NOT_YET("HttpSetUrlGroupProperty"); }

ULONG WINAPI HttpShutdownRequestQueue(HANDLE h)
{ NOT_YET("HttpShutdownRequestQueue"); }

ULONG WINAPI HttpWaitForDemandStart(HANDLE h, OVERLAPPED *ovl)
{ NOT_YET("HttpWaitForDemandStart"); }

ULONG WINAPI HttpWaitForDisconnect(HANDLE h, HTTP_CONNECTION_ID id, OVERLAPPED *ovl)
{ NOT_YET("HttpWaitForDisconnect"); }

ULONG WINAPI HttpWaitForDisconnectEx(HANDLE h, HTTP_CONNECTION_ID id, ULONG reserved, OVERLAPPED *ovl)
{ NOT_YET("HttpWaitForDisconnectEx"); }

ULONG WINAPI HttpSetRequestProperty(HANDLE h, HTTP_REQUEST_ID id, ULONG property, void *input, ULONG size, OVERLAPPED *ovl)
{ NOT_YET("HttpSetRequestProperty"); }

/* No optional feature is available yet: the honest answer is FALSE. */
BOOL WINAPI HttpIsFeatureSupported(ULONG feature)
{
    TRACE("%lu\n", feature);
    return FALSE;
}

/* Plain connections carry no client certificate; TLS comes with HTTPS. */
ULONG WINAPI HttpCloseRequestQueue(HANDLE h)
{
    TRACE("%p\n", h);
    if (!h || h == INVALID_HANDLE_VALUE) return ERROR_INVALID_PARAMETER;
    queue_forget(h);
    return CloseHandle(h) ? NO_ERROR : GetLastError();
}

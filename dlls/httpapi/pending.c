/*
 * Exports whose behaviour comes with later work (opening queues by name,
 * delegation, caches, ...).  Each checks
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

ULONG WINAPI HttpDelegateRequestEx(HANDLE source, HANDLE target, HTTP_REQUEST_ID id, HTTP_URL_GROUP_ID group, ULONG count, void *properties)
{ NOT_YET("HttpDelegateRequestEx"); }

ULONG WINAPI HttpFindUrlGroupId(const WCHAR *url, HANDLE queue, HTTP_URL_GROUP_ID *id)
{ NOT_YET("HttpFindUrlGroupId"); }

ULONG WINAPI HttpFlushResponseCache(HANDLE h, const WCHAR *prefix, ULONG flags, OVERLAPPED *ovl)
{ NOT_YET("HttpFlushResponseCache"); }

ULONG WINAPI HttpReadFragmentFromCache(HANDLE h, const WCHAR *prefix, HTTP_BYTE_RANGE *range, void *buffer, ULONG len,
                                       ULONG *read, OVERLAPPED *ovl)
{ NOT_YET("HttpReadFragmentFromCache"); }


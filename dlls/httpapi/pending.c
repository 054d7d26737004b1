/*
 * Exports whose behaviour comes with later work (opening queues by name,
 * delegation, ...).  Each checks
 * what it can and returns ERROR_CALL_NOT_IMPLEMENTED, a Win32 error every
 * caller handles, instead of raising Wine's "unimplemented function"
 * exception.  README.md lists them.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

#define NOT_YET(name) do { WARN("%s is not implemented yet\n", name); return ERROR_CALL_NOT_IMPLEMENTED; } while (0)

ULONG WINAPI HttpDelegateRequestEx(HANDLE source, HANDLE target, HTTP_REQUEST_ID id, HTTP_URL_GROUP_ID group, ULONG count, void *properties)
{ NOT_YET("HttpDelegateRequestEx"); }

ULONG WINAPI HttpFindUrlGroupId(const WCHAR *url, HANDLE queue, HTTP_URL_GROUP_ID *id)
{ NOT_YET("HttpFindUrlGroupId"); }



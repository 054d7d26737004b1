/*
 * Exports of Windows' httpapi.dll whose contract is published nowhere: no
 * SDK header, Win32 metadata or language binding declares HttpGetCounters,
 * HttpEvaluateRequest or HttpDelegateRequest (the ...Ex form is a different,
 * documented function), and no public program is known to call them
 * (README, "Undocumented exports").
 *
 * Without their arguments or structures there is nothing to check and no
 * layout a caller could read, so each answers ERROR_NOT_SUPPORTED, the HTTP
 * API's answer for an operation it does not offer, and touches none of its
 * arguments.  The parameter lists below are placeholders: on x86_64 the
 * callee does not clean the stack, so their count cannot hurt a caller.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

ULONG WINAPI HttpGetCounters(void *a, ULONG b, void *c, ULONG d, void *e)
{
    WARN("(%p %lu %p %lu %p): unpublished, not supported\n", a, b, c, d, e);
    return ERROR_NOT_SUPPORTED;
}

ULONG WINAPI HttpEvaluateRequest(void *a, void *b, void *c)
{
    WARN("(%p %p %p): unpublished, not supported\n", a, b, c);
    return ERROR_NOT_SUPPORTED;
}

ULONG WINAPI HttpDelegateRequest(void *a, void *b, ULONGLONG c, ULONGLONG d, ULONG e, void *f)
{
    WARN("(%p %p %#I64x %#I64x %lu %p): unpublished, not supported\n", a, b, c, d, e, f);
    return ERROR_NOT_SUPPORTED;
}

/*
 * HttpControlService(InputBuffer, InputLength, OutputBuffer, OutputLength,
 * BytesReturned): a private control call on the HTTP service, declared in
 * no header.
 *
 * On Windows it clears *BytesReturned and hands the two buffers unchanged
 * to http.sys as one synchronous device control on the configuration
 * channel, which HttpInitialize(HTTP_INITIALIZE_CONFIG) opens; without that
 * channel the call fails as one on a NULL handle does, ERROR_INVALID_HANDLE
 * (README, "Undocumented exports").  What http.sys does with the buffers is
 * not published, so a process that has the channel is told
 * ERROR_NOT_SUPPORTED, the HTTP API's answer for an operation it does not
 * offer.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

ULONG WINAPI HttpControlService(void *in, ULONG in_len, void *out, ULONG out_len, ULONG *bytes)
{
    TRACE("%p %lu %p %lu %p\n", in, in_len, out, out_len, bytes);
    /* Windows writes through the pointer unchecked; a crash is no answer */
    if (!bytes) return ERROR_INVALID_PARAMETER;
    *bytes = 0;
    if (!httpapi_initialized(HTTP_INITIALIZE_CONFIG)) return ERROR_INVALID_HANDLE;
    WARN("control code unknown to this service\n");
    return ERROR_NOT_SUPPORTED;
}

/*
 * HttpControlService(InputBuffer, InputLength, OutputBuffer, OutputLength,
 * BytesReturned): a control call on the HTTP service that no header
 * declares and no documentation describes.  It follows the documented
 * conventions of the configuration calls: ERROR_DLL_INIT_FAILED before
 * HttpInitialize(HTTP_INITIALIZE_CONFIG), ERROR_INVALID_PARAMETER for a
 * missing out pointer; *BytesReturned is 0 whatever happens; and, as no
 * control code is published, ERROR_NOT_SUPPORTED for every request.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

ULONG WINAPI HttpControlService(void *in, ULONG in_len, void *out, ULONG out_len, ULONG *bytes)
{
    TRACE("%p %lu %p %lu %p\n", in, in_len, out, out_len, bytes);
    if (!bytes) return ERROR_INVALID_PARAMETER;
    *bytes = 0;
    if (!httpapi_initialized(HTTP_INITIALIZE_CONFIG)) return ERROR_DLL_INIT_FAILED;
    WARN("no control code is known to this service\n");
    return ERROR_NOT_SUPPORTED;
}

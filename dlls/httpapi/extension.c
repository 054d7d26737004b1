/*
 * HttpGetExtension(Version, Extension, Buffer, BufferSize): the SDK's
 * http.h declares it, but no documentation describes it or names any
 * extension.  It follows the conventions every httpapi function documents:
 * ERROR_DLL_INIT_FAILED before HttpInitialize, and ERROR_INVALID_PARAMETER
 * for an extension this implementation does not have, which is every one.
 * The buffer is never written.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

ULONG WINAPI HttpGetExtension(HTTPAPI_VERSION version, ULONG extension, void *buffer, ULONG size)
{
    TRACE("version %u.%u extension %lu buffer %p size %lu\n", version.HttpApiMajorVersion,
          version.HttpApiMinorVersion, extension, buffer, size);
    if (!httpapi_initialized(HTTP_INITIALIZE_SERVER) && !httpapi_initialized(HTTP_INITIALIZE_CONFIG))
        return ERROR_DLL_INIT_FAILED;
    WARN("extension %lu is not provided\n", extension);
    return ERROR_INVALID_PARAMETER;
}

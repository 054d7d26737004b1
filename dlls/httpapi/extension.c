/*
 * HttpGetExtension: hands out a table of private entry points by number.
 *
 * The SDK declares it (http.h) but documents neither it nor any extension
 * number.  Windows' own answers (README, "Undocumented exports"): nothing
 * before HttpInitialize, with any flags (ERROR_DLL_INIT_FAILED); the version
 * is not looked at; one number, 2203, gives the table of http.sys's HTTP
 * client, which WinHTTP's HTTP/3 path asks for with version 2.0 and a
 * pointer-sized buffer; any other number, buffer or size is
 * ERROR_INVALID_PARAMETER.
 *
 * This service has no HTTP client, so 2203 is answered as Windows answers a
 * number it does not have: a caller written for Windows already handles
 * that (WinHTTP then does without http.sys), and sees no error code that
 * Windows' HttpGetExtension never returns.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

#define EXTENSION_HTTP_CLIENT 2203

ULONG WINAPI HttpGetExtension(HTTPAPI_VERSION version, ULONG extension, void *buffer, ULONG size)
{
    TRACE("version %u.%u extension %lu buffer %p size %lu\n", version.HttpApiMajorVersion,
          version.HttpApiMinorVersion, extension, buffer, size);
    if (!httpapi_initialized(HTTP_INITIALIZE_SERVER) && !httpapi_initialized(HTTP_INITIALIZE_CONFIG))
        return ERROR_DLL_INIT_FAILED;
    if (extension == EXTENSION_HTTP_CLIENT && buffer && size == sizeof(void *))
        WARN("no HTTP client here: extension %lu is not provided\n", extension);
    return ERROR_INVALID_PARAMETER;
}

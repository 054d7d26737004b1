/*
 * HttpWaitForDisconnect(Ex) and HttpCancelHttpRequest: calls about a
 * client connection that the engine answers (it sees the connection close,
 * and resets it).  Both go through the driver, synchronously or OVERLAPPED
 * like every other I/O call on the queue.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"

ULONG WINAPI HttpWaitForDisconnect(HANDLE handle, HTTP_CONNECTION_ID id, OVERLAPPED *ovl)
{
    TRACE("%p %#I64x %p\n", handle, id, ovl);
    if (!id) return ERROR_INVALID_PARAMETER;
    return queue_ioctl(handle, HS_IOCTL_WAIT_DISCONNECT, &id, sizeof(id), NULL, 0, NULL, ovl);
}

ULONG WINAPI HttpWaitForDisconnectEx(HANDLE handle, HTTP_CONNECTION_ID id, ULONG reserved, OVERLAPPED *ovl)
{
    TRACE("%p %#I64x %#lx %p\n", handle, id, reserved, ovl);
    if (reserved) return ERROR_INVALID_PARAMETER;
    return HttpWaitForDisconnect(handle, id, ovl);
}

ULONG WINAPI HttpCancelHttpRequest(HANDLE handle, HTTP_REQUEST_ID id, OVERLAPPED *ovl)
{
    TRACE("%p %#I64x %p\n", handle, id, ovl);
    if (!id) return ERROR_CONNECTION_INVALID;
    return queue_ioctl(handle, HS_IOCTL_CANCEL_REQUEST, &id, sizeof(id), NULL, 0, NULL, ovl);
}

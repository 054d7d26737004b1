/*
 * HttpWaitForDemandStart: the controller of a named queue (created with
 * HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER) waits until a request arrives
 * for it, to start a worker process that opens the queue by name.  The
 * engine checks that the caller is the controller's process and that only
 * one wait is outstanding; it completes the wait when a request waits for
 * a receive.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"
#include "v2objects.h"

ULONG WINAPI HttpWaitForDemandStart(HANDLE handle, OVERLAPPED *ovl)
{
    struct v2_queue *rec;
    struct queue *q;
    BOOL shut_down = FALSE, v2;

    TRACE("%p %p\n", handle, ovl);
    v2_lock();
    if ((v2 = (rec = v2_find_queue(handle)) != NULL)) shut_down = rec->shut_down;
    v2_unlock();
    if (shut_down) return ERROR_INVALID_HANDLE;   /* documented: after HttpShutdownRequestQueue */
    if (!v2)
    {
        ULONG ret = ERROR_INVALID_PARAMETER;      /* documented: not a request queue */

        if ((q = queue_get(handle)))
        {
            if (q->image == HS_IMAGE_V1) ret = ERROR_NOT_SUPPORTED;
            queue_put(q);
        }
        return ret;
    }
    return queue_ioctl(handle, HS_IOCTL_DEMAND_START, NULL, 0, NULL, 0, NULL, ovl);
}

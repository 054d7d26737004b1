/*
 * HttpCreateHttpHandle, HttpReceiveHttpRequest, HttpReceiveRequestEntityBody.
 */
#include <stdlib.h>
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"
#include "reqimage.h"

#ifndef HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY
#define HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY 2
#endif

/* The structure layout the engine writes must be the one in http.h. */
_Static_assert(sizeof(HTTP_REQUEST_V1) == HS_IMAGE_V1_SIZE, "HTTP_REQUEST_V1 size");
_Static_assert(sizeof(HTTP_REQUEST_V2) == HS_IMAGE_V2_SIZE, "HTTP_REQUEST_V2 size");
_Static_assert(offsetof(HTTP_REQUEST_V1, RequestId) == HS_IMAGE_REQUEST_ID_OFFSET, "RequestId");
_Static_assert(offsetof(HTTP_REQUEST_V1, CookedUrl) == 64, "CookedUrl");
_Static_assert(offsetof(HTTP_REQUEST_V1, Headers) == 120, "Headers");
_Static_assert(offsetof(HTTP_REQUEST_V1, BytesReceived) == 808, "BytesReceived");
_Static_assert(offsetof(HTTP_REQUEST_V1, pSslInfo) == 840, "pSslInfo");
_Static_assert(sizeof(HTTP_UNKNOWN_HEADER) == 24, "HTTP_UNKNOWN_HEADER");
_Static_assert(sizeof(HTTP_DATA_CHUNK) == 32, "HTTP_DATA_CHUNK");

ULONG WINAPI HttpCreateHttpHandle(HANDLE *handle, ULONG reserved)
{
    ULONG ret;

    TRACE("%p %#lx\n", handle, reserved);
    if (!httpapi_initialized(HTTP_INITIALIZE_SERVER)) return ERROR_DLL_INIT_FAILED;
    if (!handle || reserved) return ERROR_INVALID_PARAMETER;
    if ((ret = queue_open(handle, 1))) return ret;
    queue_put(queue_get(*handle));   /* map the fast path now, not on the first request */
    return NO_ERROR;
}

/* A synchronous receive that finds the queue empty looks again a few times,
 * giving the processor away in between, before it blocks in the driver: on
 * a busy server the next request usually arrives within microseconds,
 * while blocking and waking through the driver costs hundreds.
 * HTTPSYS_RECEIVE_SPINS (environment, 0-100000) overrides the count, for
 * the benchmark's before/after figures. */
#define RECEIVE_SPINS 64

static int receive_spins(void)
{
    static LONG spins = -1;
    LONG n = __atomic_load_n(&spins, __ATOMIC_RELAXED);
    char text[16];
    DWORD len;

    if (n >= 0) return n;
    len = GetEnvironmentVariableA("HTTPSYS_RECEIVE_SPINS", text, sizeof(text));
    n = (len && len < sizeof(text)) ? atoi(text) : RECEIVE_SPINS;
    if (n < 0 || n > 100000) n = RECEIVE_SPINS;
    __atomic_store_n(&spins, n, __ATOMIC_RELAXED);
    return n;
}

/* The engine hands a request to a receive waiting in the driver only when
 * no thread has looked at the ring for a moment, but its completion then
 * waits in the completion port for a thread to come back from serving the
 * ring, which under steady load may be never.  While such requests are out
 * (handed_over), every PORT_TURN-th OVERLAPPED receive skips the ring and
 * goes to the driver, sending its thread back to the port, where the
 * older completions come out first. */
#define PORT_TURN 64

static BOOL port_turn_due(struct queue *q, OVERLAPPED *ovl)
{
    if (!ovl || !q->shm || !__atomic_load_n(&q->shm->handed_over, __ATOMIC_ACQUIRE)) return FALSE;
    if (InterlockedIncrement(&q->port_turn) < PORT_TURN) return FALSE;
    InterlockedExchange(&q->port_turn, 0);
    return TRUE;
}

ULONG WINAPI HttpReceiveHttpRequest(HANDLE handle, HTTP_REQUEST_ID id, ULONG flags, HTTP_REQUEST *request,
                                    ULONG size, ULONG *ret_size, OVERLAPPED *ovl)
{
    struct hs_receive_params params;
    struct queue *q;
    ULONG ret, bytes = 0;

    TRACE("%p %#I64x %#lx %p %lu %p %p\n", handle, id, flags, request, size, ret_size, ovl);
    if (flags & ~(HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY | HTTP_RECEIVE_REQUEST_FLAG_FLUSH_BODY))
        return ERROR_INVALID_PARAMETER;
    if (!request || (!ovl && !ret_size)) return ERROR_INVALID_PARAMETER;
    if ((ULONG_PTR)request & (TYPE_ALIGNMENT(HTTP_REQUEST) - 1)) return ERROR_NOACCESS;
    if (size < sizeof(HTTP_REQUEST_V1)) return ERROR_INSUFFICIENT_BUFFER;
    if (!(q = queue_get(handle))) return ERROR_INVALID_HANDLE;
    if (q->controller)
    {
        queue_put(q);
        return ERROR_INVALID_HANDLE;   /* a controller's handle does no I/O */
    }

    if (!id && queue_can_complete_inline(q, ovl) && !port_turn_due(q, ovl))
    {
        /* an OVERLAPPED receive may look again too when it is allowed to
         * complete on the spot (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) */
        int spins = receive_spins();

        fastpath_start_looking(q);
        for (;;)
        {
            ret = fastpath_receive(q, flags, request, size, &bytes, ovl != NULL);
            if (ret != FP_NOTHING || spins-- <= 0) break;
            SwitchToThread();
        }
        fastpath_stop_looking(q);
        if (ret != FP_NOTHING)
        {
            queue_put(q);
            if (ret_size) *ret_size = bytes;
            if (!ret) complete_inline(ovl, bytes);
            return ret;
        }
    }
    params.request_id = id;
    params.user_address = (uint64_t)(ULONG_PTR)request;
    params.flags = flags;
    params.image = q->image;
    queue_put(q);
    ret = queue_ioctl(handle, HS_IOCTL_RECEIVE_REQUEST, &params, sizeof(params), request, size, &bytes, ovl);
    if (!ovl && ret_size && (!ret || ret == ERROR_MORE_DATA)) *ret_size = bytes;
    return ret;
}

ULONG WINAPI HttpReceiveRequestEntityBody(HANDLE handle, HTTP_REQUEST_ID id, ULONG flags, void *buffer,
                                          ULONG size, ULONG *ret_size, OVERLAPPED *ovl)
{
    struct hs_body_params params;
    ULONG ret, bytes = 0;

    TRACE("%p %#I64x %#lx %p %lu %p %p\n", handle, id, flags, buffer, size, ret_size, ovl);
    if (flags & ~HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER) return ERROR_INVALID_PARAMETER;
    if (!buffer || !size || (!ovl && !ret_size)) return ERROR_INVALID_PARAMETER;
    if (!id) return ERROR_CONNECTION_INVALID;
    params.request_id = id;
    params.flags = flags;
    params.reserved = 0;
    ret = queue_ioctl(handle, HS_IOCTL_RECEIVE_BODY, &params, sizeof(params), buffer, size, &bytes, ovl);
    if (!ovl && ret_size && (!ret || ret == ERROR_HANDLE_EOF)) *ret_size = bytes;
    return ret;
}

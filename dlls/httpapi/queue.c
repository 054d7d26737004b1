/*
 * Request-queue handles: opening them on the driver's device, the IOCTL
 * helper every call uses, and the per-handle view of the queue's shared
 * memory that the fast path works on.
 */
#include <winsock2.h>
#include <windows.h>
#include <winternl.h>
#include <http.h>

#include "httpapi_private.h"

#define MAX_QUEUES 256

#ifndef FileIoCompletionNotificationInformation
#define FileIoCompletionNotificationInformation 41
#endif
typedef struct { ULONG Flags; } io_completion_notification_info;

static CRITICAL_SECTION queues_cs;
static struct queue *queues[MAX_QUEUES];
static HANDLE doorbell = INVALID_HANDLE_VALUE;
static SRWLOCK doorbell_lock = SRWLOCK_INIT;   /* exclusive: replacing it */
static DWORD sync_event_tls = TLS_OUT_OF_INDEXES;

/* A per-thread event for synchronous calls; its low bit set keeps the
 * completion out of any port the handle is bound to (as Windows documents
 * for OVERLAPPED.hEvent). */
static HANDLE sync_event(void)
{
    HANDLE ev;

    if (sync_event_tls == TLS_OUT_OF_INDEXES)
    {
        DWORD idx = TlsAlloc();
        if (InterlockedCompareExchange((LONG *)&sync_event_tls, (LONG)idx, (LONG)TLS_OUT_OF_INDEXES) != (LONG)TLS_OUT_OF_INDEXES)
            TlsFree(idx);
    }
    if (!(ev = TlsGetValue(sync_event_tls)))
    {
        ev = CreateEventW(NULL, TRUE, FALSE, NULL);
        TlsSetValue(sync_event_tls, ev);
    }
    return ev;
}

void queue_init(void)
{
    InitializeCriticalSection(&queues_cs);
}

ULONG queue_ioctl(HANDLE handle, DWORD code, const void *in, DWORD in_len, void *out, DWORD out_len,
                  ULONG *ret_len, OVERLAPPED *ovl)
{
    OVERLAPPED sync;
    DWORD bytes = 0;
    ULONG err;

    if (ovl)
    {
        if (DeviceIoControl(handle, code, (void *)in, in_len, out, out_len, NULL, ovl)) return NO_ERROR;
        return GetLastError();
    }
    memset(&sync, 0, sizeof(sync));
    sync.hEvent = (HANDLE)((ULONG_PTR)sync_event() | 1);
    if (DeviceIoControl(handle, code, (void *)in, in_len, out, out_len, &bytes, &sync)) err = NO_ERROR;
    else if ((err = GetLastError()) == ERROR_IO_PENDING)
        err = GetOverlappedResult(handle, &sync, &bytes, TRUE) ? NO_ERROR : GetLastError();
    else
        GetOverlappedResult(handle, &sync, &bytes, FALSE);   /* picks up the byte count of a warning */
    if (ret_len) *ret_len = bytes;
    return err;
}

/* Called with the path the engine has just given: the engine is alive.  A
 * doorbell opened earlier may be a dead engine's (the driver restarted it;
 * the new one made a new FIFO at the same path): a byte written to a FIFO
 * nobody reads fails, and the one that replaced it is opened instead.  (A
 * dead engine's FIFO is never opened again: opening a FIFO without a
 * reader for writing blocks.) */
static void open_doorbell(const char *path)
{
    WCHAR wpath[300];
    HANDLE h;
    DWORD written;
    int n;

    if (!path[0]) return;
    AcquireSRWLockExclusive(&doorbell_lock);
    if (doorbell != INVALID_HANDLE_VALUE)
    {
        /* one spurious wake of the engine per queue opened */
        if (WriteFile(doorbell, "", 1, &written, NULL)) goto done;
        TRACE("the doorbell's engine is gone: %lu\n", GetLastError());
        CloseHandle(doorbell);
        doorbell = INVALID_HANDLE_VALUE;
    }
    lstrcpyW(wpath, L"\\\\?\\unix");
    n = MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath + 8, 290);
    if (n <= 0) goto done;
    for (n = 8; wpath[n]; n++) if (wpath[n] == '/') wpath[n] = '\\';
    h = CreateFileW(wpath, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) WARN("no doorbell at %s: %lu\n", path, GetLastError());
    else doorbell = h;
done:
    ReleaseSRWLockExclusive(&doorbell_lock);
}

static struct hs_shm_header *map_shm(const char *path, SIZE_T size)
{
    WCHAR wpath[300];
    HANDLE file, mapping;
    struct hs_shm_header *view;
    int n;

    lstrcpyW(wpath, L"\\\\?\\unix");
    n = MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath + 8, 290);
    if (n <= 0) return NULL;
    for (n = 8; wpath[n]; n++) if (wpath[n] == '/') wpath[n] = '\\';
    file = CreateFileW(wpath, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return NULL;
    mapping = CreateFileMappingW(file, NULL, PAGE_READWRITE, 0, 0, NULL);
    CloseHandle(file);
    if (!mapping) return NULL;
    view = MapViewOfFile(mapping, FILE_MAP_ALL_ACCESS, 0, 0, size);
    CloseHandle(mapping);
    if (view && (view->magic != HS_SHM_MAGIC || view->version != HS_SHM_VERSION ||
                 view->resp_ring_off + view->resp_ring_size > size ||
                 view->req_ring_off + view->req_ring_size > size ||
                 view->slots_off + (uint64_t)view->slot_count * sizeof(struct hs_shm_slot) > size ||
                 view->slot_count != HS_SLOT_COUNT))
    {
        WARN("shared memory %s is not ours; no fast path\n", path);
        UnmapViewOfFile(view);
        view = NULL;
    }
    return view;
}

static struct queue *queue_attach(HANDLE handle)
{
    struct hs_queue_info info;
    struct queue *q;
    ULONG len;

    if (queue_ioctl(handle, HS_IOCTL_QUEUE_INFO, NULL, 0, &info, sizeof(info), &len, NULL) || len < sizeof(info))
        return NULL;
    if (!(q = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*q)))) return NULL;
    q->handle = handle;
    q->id = info.queue_id;
    q->refs = 1;
    q->controller = (info.flags & HS_QINFO_CONTROLLER) != 0;
    info.shm_path[sizeof(info.shm_path) - 1] = 0;
    info.doorbell_path[sizeof(info.doorbell_path) - 1] = 0;
    if (info.shm_size && info.shm_path[0])
    {
        q->shm = map_shm(info.shm_path, info.shm_size);
        q->shm_size = info.shm_size;
        open_doorbell(info.doorbell_path);
    }
    q->image = q->shm ? q->shm->image : HS_IMAGE_V1;
    return q;
}

ULONG device_open(HANDLE *handle)
{
    static const WCHAR device[] = HS_DEVICE_NAME;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    IO_STATUS_BLOCK io;
    NTSTATUS status;

    RtlInitUnicodeString(&name, device);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    /* no FILE_SYNCHRONOUS_IO_*: the handle is asynchronous, as http.sys's are */
    status = NtCreateFile(handle, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &attr, &io, NULL, FILE_ATTRIBUTE_NORMAL,
                          FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0);
    return status ? RtlNtStatusToDosError(status) : NO_ERROR;
}

ULONG queue_open(HANDLE *handle, USHORT api_major)
{
    struct hs_queue_params params = { api_major, 0, 0 };
    HANDLE h;
    ULONG err;

    if ((err = device_open(&h))) return err;
    if ((err = queue_ioctl(h, HS_IOCTL_SET_QUEUE, &params, sizeof(params), NULL, 0, NULL, NULL)))
    {
        NtClose(h);
        return err;
    }
    *handle = h;
    return NO_ERROR;
}

struct queue *queue_get(HANDLE handle)
{
    struct queue *q = NULL, *fresh;
    unsigned i, slot = MAX_QUEUES;

    if (!handle || handle == INVALID_HANDLE_VALUE) return NULL;
    EnterCriticalSection(&queues_cs);
    for (i = 0; i < MAX_QUEUES; i++)
    {
        if (queues[i] && queues[i]->handle == handle) { q = queues[i]; break; }
        if (!queues[i] && slot == MAX_QUEUES) slot = i;
    }
    /* A handle value can be reused after CloseHandle; the engine marks a
     * closed queue's memory, so a stale entry is noticed and replaced. */
    if (q && q->shm && __atomic_load_n(&q->shm->closed, __ATOMIC_ACQUIRE))
    {
        queues[i] = NULL;
        slot = i;
        queue_put(q);
        q = NULL;
    }
    if (q && q->shut_down)
    {
        /* HttpShutdownRequestQueue: calls fail at once rather than wait */
        LeaveCriticalSection(&queues_cs);
        return NULL;
    }
    if (q) InterlockedIncrement(&q->refs);
    LeaveCriticalSection(&queues_cs);
    if (q) return q;

    if (!(fresh = queue_attach(handle))) return NULL;
    EnterCriticalSection(&queues_cs);
    for (i = 0; i < MAX_QUEUES && slot == MAX_QUEUES; i++) if (!queues[i]) slot = i;
    if (slot < MAX_QUEUES)
    {
        queues[slot] = fresh;
        InterlockedIncrement(&fresh->refs);
    }
    LeaveCriticalSection(&queues_cs);
    return fresh;
}

void queue_put(struct queue *q)
{
    if (!q || InterlockedDecrement(&q->refs)) return;
    if (q->shm) UnmapViewOfFile(q->shm);
    HeapFree(GetProcessHeap(), 0, q);
}

void queue_forget(HANDLE handle)
{
    struct queue *q = NULL;
    unsigned i;

    EnterCriticalSection(&queues_cs);
    for (i = 0; i < MAX_QUEUES; i++)
        if (queues[i] && queues[i]->handle == handle) { q = queues[i]; queues[i] = NULL; break; }
    LeaveCriticalSection(&queues_cs);
    queue_put(q);
}

/* An OVERLAPPED call may complete right here only when Windows would not
 * queue a completion packet for it: a synchronous success under
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS.  (The port a handle is bound to
 * cannot be learnt under Wine, so without that mode it must be real I/O.) */
BOOL queue_can_complete_inline(struct queue *q, OVERLAPPED *ovl)
{
    io_completion_notification_info info;
    IO_STATUS_BLOCK io;

    if (!ovl) return TRUE;
    if (q->skip_on_success) return TRUE;
    if (!NtQueryInformationFile(q->handle, &io, &info, sizeof(info), (FILE_INFORMATION_CLASS)FileIoCompletionNotificationInformation) &&
        (info.Flags & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS))
        q->skip_on_success = TRUE;   /* the mode cannot be cleared */
    return q->skip_on_success;
}

void complete_inline(OVERLAPPED *ovl, ULONG bytes)
{
    if (!ovl) return;
    ovl->Internal = 0;
    ovl->InternalHigh = bytes;
    if (ovl->hEvent) SetEvent((HANDLE)((ULONG_PTR)ovl->hEvent & ~(ULONG_PTR)1));
}

void queue_ring_doorbell(struct queue *q)
{
    DWORD n;

    /* only the first writer after the engine went idle rings */
    if (!__atomic_exchange_n(&q->shm->engine_idle, 0, __ATOMIC_SEQ_CST)) return;
    AcquireSRWLockShared(&doorbell_lock);
    if (doorbell != INVALID_HANDLE_VALUE) WriteFile(doorbell, "", 1, &n, NULL);
    ReleaseSRWLockShared(&doorbell_lock);
}

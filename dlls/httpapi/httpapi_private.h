/*
 * httpapi.dll internals.
 *
 * Every request-queue handle is a file on the driver's device.  Calls that
 * find their work already done by the engine (a request waiting in the
 * queue's shared memory, a response that fits in it) complete here without
 * entering wineserver; everything else becomes an IOCTL that the driver
 * relays to the engine.
 */
#ifndef HTTPAPI_PRIVATE_H
#define HTTPAPI_PRIVATE_H

#include <stdint.h>
#include <winsock2.h>
#include <windows.h>
#include <http.h>
#include "httpsys_proto.h"

/* ------------------------------------------------------------------ debug */
enum dbg_level { DBG_ERR, DBG_WARN, DBG_TRACE };
int  httpapi_debug_on(enum dbg_level level);
void httpapi_debug(enum dbg_level level, const char *func, const char *fmt, ...);
#define TRACE(...) do { if (httpapi_debug_on(DBG_TRACE)) httpapi_debug(DBG_TRACE, __func__, __VA_ARGS__); } while (0)
#define WARN(...)  do { if (httpapi_debug_on(DBG_WARN)) httpapi_debug(DBG_WARN, __func__, __VA_ARGS__); } while (0)
#define ERR(...)   do { if (httpapi_debug_on(DBG_ERR)) httpapi_debug(DBG_ERR, __func__, __VA_ARGS__); } while (0)

/* ------------------------------------------------------------------- init */
BOOL httpapi_initialized(ULONG flags);

/* ----------------------------------------------------------------- queues */
struct queue
{
    HANDLE handle;
    uint64_t id;
    uint32_t image;                 /* HS_IMAGE_V1 / V2 */
    struct hs_shm_header *shm;      /* NULL: no fast path */
    SIZE_T shm_size;
    BOOL skip_on_success;           /* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS seen on the handle */
    LONG shut_down;                 /* HttpShutdownRequestQueue: queue_get fails from then on */
    LONG refs;
    LONG port_turn;                 /* OVERLAPPED receives since one last went to the port (receive.c) */
    BOOL controller;                /* HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER: no I/O on this handle */
};

void queue_init(void);
/* A file on the driver's device: a queue once HS_IOCTL_SET_QUEUE says so. */
ULONG device_open(HANDLE *handle);
ULONG queue_open(HANDLE *handle, USHORT api_major);
/* queuesd.c: a named queue's security descriptor (HeapFree the bytes), and
 * an opener's access check against it. */
ULONG queue_sd_make(const SECURITY_ATTRIBUTES *sa, BYTE **sd, DWORD *len);
ULONG queue_sd_check(const BYTE *sd, DWORD len);
/* sdbytes.c: whether len bytes from outside are a whole self-relative
 * descriptor (IsValidSecurityDescriptor trusts the offsets inside). */
BOOL sd_bytes_valid(const BYTE *sd, DWORD len, BOOL need_owner_group);
struct queue *queue_get(HANDLE handle);      /* takes a reference; NULL if not a queue */
void queue_put(struct queue *q);
void queue_forget(HANDLE handle);
BOOL queue_can_complete_inline(struct queue *q, OVERLAPPED *ovl);
void queue_ring_doorbell(struct queue *q);

/* Runs one IOCTL; synchronously when ovl is NULL.  Returns a Win32 error. */
ULONG queue_ioctl(HANDLE handle, DWORD code, const void *in, DWORD in_len, void *out, DWORD out_len,
                  ULONG *ret_len, OVERLAPPED *ovl);

/* Registers (HS_IOCTL_ADD_URL) or removes a URL prefix on a queue (url.c). */
ULONG url_ioctl(HANDLE handle, DWORD code, const WCHAR *prefix, HTTP_URL_CONTEXT context);

/* --------------------------------------------------------------- fastpath */
#define FP_NOTHING 0xffffffffu   /* nothing for us here: take the slow path */
ULONG fastpath_receive(struct queue *q, ULONG flags, void *buf, ULONG len, ULONG *bytes, BOOL async);
/* Around a thread's looks at the ring: while any thread looks, the engine
 * puts new requests there rather than completing receives waiting in the driver. */
void  fastpath_start_looking(struct queue *q);
void  fastpath_stop_looking(struct queue *q);
ULONG fastpath_send(struct queue *q, const struct hs_wire_response *r, BOOL *done);
ULONG fastpath_begin_send(struct queue *q, uint64_t request_id);
void  fastpath_abort_send(struct queue *q, uint64_t request_id);
void  complete_inline(OVERLAPPED *ovl, ULONG bytes);

/* ------------------------------------------------------------------ misc */
char *utf16_to_utf8(const WCHAR *s, int *len);   /* HeapFree the result */
const char *debugstr_w(const WCHAR *s);         /* for traces: a short-lived copy */

#endif

/*
 * http.sys: the kernel-mode half of the HTTP service.
 *
 * DriverEntry reads the Parameters key, starts the engine and connects to
 * it; every IRP on the request-queue device is then relayed to the engine
 * and completed when the engine answers.  Because request queues are file
 * objects on this device, OVERLAPPED I/O, events, completion ports,
 * CancelIoEx and CloseHandle behave as Windows programs expect: Wine's I/O
 * manager does that part.  DriverUnload (net stop http) stops the engine and
 * fails whatever is still pending.
 *
 * The receive thread supervises the engine: when it dies outside a stop,
 * pending IRPs fail with STATUS_CANCELLED, file objects opened on it go
 * stale (STATUS_INVALID_HANDLE from then on: its queues, URLs and requests
 * died with it), and a new engine is started, with a back-off that gives
 * up after MAX_QUICK_FAILURES engines in a row that did not last.
 */
#include <ntifs.h>

#include "httpsys_proto.h"
#include "link.h"
#include "params.h"
#include "records.h"

#define MAX_PARAMS   64
#define READY_WAIT_MS 15000
#define QUICK_EXIT_MS 10000        /* an engine that dies sooner than this did not last */
#define MAX_QUICK_FAILURES 5       /* then the driver stops restarting it */
#define FIRST_BACKOFF_MS 250       /* doubled for each failure in a row */
#define CREATE_WAIT_MS 5000        /* how long opening a handle waits for a restart */
#ifndef PROCESS_QUERY_INFORMATION  /* the DDK's headers lack it */
#define PROCESS_QUERY_INFORMATION 0x0400
#endif

struct file_ctx
{
    uint64_t id;
    LONG generation;                 /* the engine this file object was opened on */
    int closed;
};

struct pending_irp
{
    LIST_ENTRY entry;
    uint64_t op;
    IRP *irp;
    uint32_t client_pid;             /* the process that asked */
};

static DEVICE_OBJECT *queue_device;
static HANDLE device_dir;
static KSPIN_LOCK irp_lock;          /* guards pending_irps and the counters */
static LIST_ENTRY pending_irps;
/* The send lock: a synchronization event, not a KMUTEX, because Wine 8's
 * KeReleaseMutex never releases the NT mutant a contended KeWaitForSingleObject
 * acquired; a thread that waits for a KMUTEX its owner has "released" waits
 * until that thread ends (measured: a chain worker stuck this way behind the
 * unloading thread). */
static KEVENT send_lock;
static LONG64 next_op, next_file;
static volatile LONG engine_up;      /* the control channel works */
static volatile LONG bye_received;
static volatile LONG stopping;       /* DriverUnload: the engine must not come back */
static volatile LONG shutdown_sent;
static volatile LONG generation;     /* bumped each time an engine dies */
static volatile LONG restarting;     /* an engine died; the next is on its way */
static uint32_t engine_pid;          /* of the current engine, from its ready file */
static PKTHREAD receive_thread;
static UNICODE_STRING service_key;   /* our registry path, for reading the store again */
static volatile LONG cert_workers;   /* certificate reads and chain checks in progress */

struct cert_job
{
    uint64_t op;
    struct hs_msg_cert_request req;
};

/* Chain requests above this are refused unread: OpenSSL itself accepts no
 * more than 100 KiB of client certificates by default. */
#define CHAIN_REQUEST_MAX (sizeof(struct hs_msg_chain_request) + HS_CERT_MAX)

struct chain_job
{
    uint64_t op;
    uint32_t size;
    union
    {
        struct hs_msg_chain_request req;
        uint8_t bytes[1];            /* the request and its certificates, size bytes */
    } u;
};

/* ------------------------------------------------------------------------ */
/* services for link.c                                                       */
/* ------------------------------------------------------------------------ */

void *link_alloc(size_t size) { return ExAllocatePoolWithTag(NonPagedPool, size, 0x48736870 /* "phsH" */); }
void link_free(void *p) { if (p) ExFreePool(p); }
void link_lock(void) { KeWaitForSingleObject(&send_lock, Executive, KernelMode, FALSE, NULL); }
void link_unlock(void) { KeSetEvent(&send_lock, IO_NO_INCREMENT, FALSE); }
void link_log(const char *msg) { DbgPrint("http: %s\n", msg); }
static void log_line(const char *text, uint32_t number, const char *tail);
void link_log_number(const char *text, uint32_t number, const char *tail) { log_line(text, number, tail); }

void link_sleep_ms(unsigned ms)
{
    LARGE_INTEGER t;
    t.QuadPart = -(LONGLONG)ms * 10000;
    KeDelayExecutionThread(KernelMode, FALSE, &t);
}

/* ------------------------------------------------------------------------ */
/* pending IRPs                                                              */
/* ------------------------------------------------------------------------ */

static struct pending_irp *take_pending(uint64_t op)
{
    struct pending_irp *found = NULL;
    LIST_ENTRY *e;
    KIRQL irql;

    KeAcquireSpinLock(&irp_lock, &irql);
    for (e = pending_irps.Flink; e != &pending_irps; e = e->Flink)
    {
        struct pending_irp *p = CONTAINING_RECORD(e, struct pending_irp, entry);
        if (p->op == op)
        {
            RemoveEntryList(e);
            found = p;
            break;
        }
    }
    KeReleaseSpinLock(&irp_lock, irql);
    return found;
}

static void finish_irp(IRP *irp, NTSTATUS status, ULONG_PTR info)
{
    IoSetCancelRoutine(irp, NULL);
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

/* The engine is gone: nothing pending may hang.  Under the send lock, so
 * that an IRP whose frame dispatch_ioctl is still sending is not completed
 * (and freed) under it. */
static void fail_all_pending(NTSTATUS status)
{
    link_lock();
    for (;;)
    {
        struct pending_irp *p = NULL;
        KIRQL irql;

        KeAcquireSpinLock(&irp_lock, &irql);
        if (!IsListEmpty(&pending_irps))
            p = CONTAINING_RECORD(RemoveHeadList(&pending_irps), struct pending_irp, entry);
        KeReleaseSpinLock(&irp_lock, irql);
        if (!p) break;
        finish_irp(p->irp, status, 0);
        link_free(p);
    }
    link_unlock();
}

static void WINAPI cancel_irp(DEVICE_OBJECT *device, IRP *irp)
{
    uint64_t op = (uint64_t)(ULONG_PTR)irp->Tail.Overlay.DriverContext[0];

    IoReleaseCancelSpinLock(irp->CancelIrql);
    /* The engine decides: it completes the operation as cancelled, unless
     * it has just completed it, in which case its answer is on the way. */
    if (engine_up && !link_send(HS_MSG_CANCEL, op, 0, NULL, 0, NULL, 0)) return;
    {
        struct pending_irp *p;
        /* not while dispatch_ioctl may still be sending its frame */
        link_lock();
        p = take_pending(op);
        link_unlock();
        if (p)
        {
            finish_irp(p->irp, STATUS_CANCELLED, 0);
            link_free(p);
        }
    }
}

/* A successful Basic logon is of the prefix's one account, the user the
 * receiving process runs as: it gets a primary token of that user (what
 * LogonUser returns), as a handle of its own, which it closes.  0 when one
 * cannot be made: the request still goes, without a token. */
static uint64_t token_for(uint32_t pid)
{
    OBJECT_ATTRIBUTES attr;
    CLIENT_ID cid;
    HANDLE process = NULL, own = NULL, dup = NULL, remote = NULL;
    NTSTATUS status;

    cid.UniqueProcess = (HANDLE)(ULONG_PTR)pid;
    cid.UniqueThread = NULL;
    InitializeObjectAttributes(&attr, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    if ((status = ZwOpenProcess(&process, PROCESS_DUP_HANDLE | PROCESS_QUERY_INFORMATION, &attr, &cid)) ||
        (status = ZwOpenProcessTokenEx(process, TOKEN_DUPLICATE, OBJ_KERNEL_HANDLE, &own)) ||
        (status = ZwDuplicateToken(own, TOKEN_ALL_ACCESS, &attr, FALSE, TokenPrimary, &dup)) ||
        (status = ZwDuplicateObject(NtCurrentProcess(), dup, process, &remote, 0, 0, DUPLICATE_SAME_ACCESS)))
    {
        log_line("a successful Basic logon got no token for process ", pid, ": it has AccessToken NULL");
        remote = NULL;
    }
    if (dup) ZwClose(dup);
    if (own) ZwClose(own);
    if (process) ZwClose(process);
    return (uint64_t)(ULONG_PTR)remote;
}

static void start_cert_job(uint64_t op, const uint8_t *body, uint32_t len);
static void start_chain_job(uint64_t op, const uint8_t *body, uint32_t len);

/* Called on the receive thread for every frame from the engine. */
void link_on_frame(const struct hs_msg_header *hdr, const uint8_t *body, uint32_t len)
{
    const struct hs_msg_complete *msg = (const struct hs_msg_complete *)body;
    struct pending_irp *p;
    IO_STACK_LOCATION *stack;
    ULONG out_len;
    uint32_t data_len;

    if (hdr->type == HS_MSG_BYE) { bye_received = 1; return; }
    if (hdr->type == HS_MSG_CERT_REQUEST) { start_cert_job(hdr->op, body, len); return; }
    if (hdr->type == HS_MSG_CHAIN_REQUEST) { start_chain_job(hdr->op, body, len); return; }
    if (hdr->type != HS_MSG_COMPLETE || len < sizeof(*msg)) return;
    if (!(p = take_pending(hdr->op))) return;   /* cancelled and completed already */
    stack = IoGetCurrentIrpStackLocation(p->irp);
    out_len = stack->Parameters.DeviceIoControl.OutputBufferLength;
    data_len = len - (uint32_t)sizeof(*msg);
    if (data_len > out_len) data_len = out_len;
    if (data_len) memcpy(p->irp->AssociatedIrp.SystemBuffer, body + sizeof(*msg), data_len);
    if (msg->token_at && !msg->status && data_len >= sizeof(uint64_t) && msg->token_at <= data_len - sizeof(uint64_t))
    {
        uint64_t token = token_for(p->client_pid);
        memcpy((char *)p->irp->AssociatedIrp.SystemBuffer + msg->token_at, &token, sizeof(token));
    }
    finish_irp(p->irp, (NTSTATUS)msg->status, (ULONG_PTR)msg->information);
    link_free(p);
}

/* Reads a certificate for the engine, off the receive thread: the store can
 * be slow, and completions must keep flowing meanwhile. */
static void WINAPI cert_main(void *arg)
{
    struct cert_job *job = arg;
    struct hs_msg_cert_reply failed = { 8 /* ERROR_NOT_ENOUGH_MEMORY */, 0 };
    uint8_t *reply = NULL;
    uint32_t len = 0;

    if (link_cert_material(&job->req, &reply, &len))
        link_send(HS_MSG_CERT_REPLY, job->op, 0, &failed, sizeof(failed), NULL, 0);
    else
    {
        link_send(HS_MSG_CERT_REPLY, job->op, 0, reply, len, NULL, 0);
        RtlSecureZeroMemory(reply, len);
        link_free(reply);
    }
    link_free(job);
    InterlockedDecrement(&cert_workers);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static void start_cert_job(uint64_t op, const uint8_t *body, uint32_t len)
{
    struct hs_msg_cert_reply failed = { 8 /* ERROR_NOT_ENOUGH_MEMORY */, 0 };
    struct cert_job *job;
    HANDLE thread;

    if (len < sizeof(job->req)) return;
    if (!(job = link_alloc(sizeof(*job))))
    {
        link_send(HS_MSG_CERT_REPLY, op, 0, &failed, sizeof(failed), NULL, 0);
        return;
    }
    job->op = op;
    memcpy(&job->req, body, sizeof(job->req));
    InterlockedIncrement(&cert_workers);
    if (PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, cert_main, job))
    {
        InterlockedDecrement(&cert_workers);
        link_free(job);
        link_send(HS_MSG_CERT_REPLY, op, 0, &failed, sizeof(failed), NULL, 0);
        return;
    }
    ZwClose(thread);
}

/* Verifies a client's chain for the engine, off the receive thread: a
 * verification may fetch issuers and CRLs over the network. */
static void WINAPI chain_main(void *arg)
{
    struct chain_job *job = arg;
    struct hs_msg_chain_reply reply;

    link_verify_chain(&job->u.req, job->size, &reply);
    link_send(HS_MSG_CHAIN_REPLY, job->op, 0, &reply, sizeof(reply), NULL, 0);
    link_free(job);
    InterlockedDecrement(&cert_workers);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static void start_chain_job(uint64_t op, const uint8_t *body, uint32_t len)
{
    struct hs_msg_chain_reply failed = { 0, 0 };
    struct chain_job *job;
    HANDLE thread;

    /* the engine waits for an answer to every request, even a bad one */
    if (len < sizeof(job->u.req) || len > CHAIN_REQUEST_MAX)
    {
        failed.status = 87;   /* ERROR_INVALID_PARAMETER */
        link_send(HS_MSG_CHAIN_REPLY, op, 0, &failed, sizeof(failed), NULL, 0);
        return;
    }
    failed.status = 8;        /* ERROR_NOT_ENOUGH_MEMORY */
    if (!(job = link_alloc(FIELD_OFFSET(struct chain_job, u) + len)))
    {
        link_send(HS_MSG_CHAIN_REPLY, op, 0, &failed, sizeof(failed), NULL, 0);
        return;
    }
    job->op = op;
    job->size = len;
    memcpy(job->u.bytes, body, len);
    InterlockedIncrement(&cert_workers);
    if (PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, chain_main, job))
    {
        InterlockedDecrement(&cert_workers);
        link_free(job);
        link_send(HS_MSG_CHAIN_REPLY, op, 0, &failed, sizeof(failed), NULL, 0);
        return;
    }
    ZwClose(thread);
}

static NTSTATUS start_engine(UNICODE_STRING *registry_path, uint32_t previous_pid);

/* Once only: a stop and a restart that race may both try. */
static void send_shutdown(void)
{
    if (!InterlockedCompareExchange(&shutdown_sent, 1, 0)) link_send(HS_MSG_SHUTDOWN, 0, 0, NULL, 0, NULL, 0);
}

static ULONGLONG now_ms(void)
{
    LARGE_INTEGER t;
    KeQuerySystemTime(&t);
    return (ULONGLONG)t.QuadPart / 10000;
}

/* Sleeps in slices, so that a stop is not kept waiting. */
static void backoff_sleep(unsigned ms)
{
    unsigned slept;
    for (slept = 0; slept < ms && !stopping; slept += 50) link_sleep_ms(50);
}

/* Runs an engine's control channel until it closes; then, unless the
 * driver is being stopped, starts a new engine and goes on with it. */
static void WINAPI receive_main(void *arg)
{
    ULONGLONG started = now_ms();
    unsigned failures = 0;

    for (;;)
    {
        uint32_t dead_pid;

        link_receive_loop();
        InterlockedExchange(&engine_up, 0);
        /* before anything can see engine_up again: every file object of
         * this engine is stale from here on */
        InterlockedIncrement(&generation);
        InterlockedExchange(&restarting, 1);
        link_close();
        fail_all_pending(STATUS_CANCELLED);
        if (stopping) break;

        dead_pid = engine_pid;
        log_line("http.sys: the engine (pid ", dead_pid, ") exited; starting a new one");
        if (now_ms() - started >= QUICK_EXIT_MS) failures = 0;
        for (;;)
        {
            if (failures >= MAX_QUICK_FAILURES)
            {
                log_line("http.sys: ", failures, " engines in a row exited quickly; not restarting "
                         "(net stop http and net start http try again)");
                goto done;
            }
            if (failures) backoff_sleep(FIRST_BACKOFF_MS << (failures - 1));
            failures++;
            if (stopping) goto done;
            started = now_ms();
            if (!start_engine(&service_key, dead_pid)) break;
        }
        InterlockedExchange(&restarting, 0);
        /* a stop that came during the start found no engine to shut down */
        if (stopping) send_shutdown();
    }
done:
    InterlockedExchange(&restarting, 0);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* ------------------------------------------------------------------------ */
/* dispatch                                                                  */
/* ------------------------------------------------------------------------ */

static NTSTATUS complete_now(IRP *irp, NTSTATUS status)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS WINAPI dispatch_create(DEVICE_OBJECT *device, IRP *irp)
{
    IO_STACK_LOCATION *stack = IoGetCurrentIrpStackLocation(irp);
    struct file_ctx *ctx;
    struct hs_msg_open msg;
    unsigned waited;
    LONG gen;

    /* A server that lost its queue to a dead engine makes a new one at
     * once: it waits here for the new engine rather than fail (Wine turns
     * a failed create into ERROR_INVALID_HANDLE, which says nothing). */
    for (waited = 0; !engine_up && restarting && waited < CREATE_WAIT_MS; waited += 20) link_sleep_ms(20);
    /* read before engine_up: an engine that dies after the check leaves this file stale */
    gen = InterlockedCompareExchange(&generation, 0, 0);

    if (!engine_up) return complete_now(irp, STATUS_DEVICE_NOT_READY);
    if (!(ctx = link_alloc(sizeof(*ctx)))) return complete_now(irp, STATUS_NO_MEMORY);
    ctx->id = (uint64_t)InterlockedIncrement64(&next_file);
    ctx->generation = gen;
    ctx->closed = 0;
    stack->FileObject->FsContext = ctx;
    msg.client_pid = (uint32_t)(ULONG_PTR)PsGetCurrentProcessId();
    msg.reserved = 0;
    link_send(HS_MSG_OPEN, 0, ctx->id, &msg, sizeof(msg), NULL, 0);
    return complete_now(irp, STATUS_SUCCESS);
}

static void close_file(FILE_OBJECT *file)
{
    struct file_ctx *ctx = file ? file->FsContext : NULL;

    if (!ctx || ctx->closed) return;
    ctx->closed = 1;
    /* the engine completes every operation of this file as aborted; a
     * stale file's engine is gone, and the new one never knew it */
    if (engine_up && ctx->generation == generation) link_send(HS_MSG_CLOSE, 0, ctx->id, NULL, 0, NULL, 0);
}

static NTSTATUS WINAPI dispatch_cleanup(DEVICE_OBJECT *device, IRP *irp)
{
    close_file(IoGetCurrentIrpStackLocation(irp)->FileObject);
    return complete_now(irp, STATUS_SUCCESS);
}

static NTSTATUS WINAPI dispatch_close(DEVICE_OBJECT *device, IRP *irp)
{
    FILE_OBJECT *file = IoGetCurrentIrpStackLocation(irp)->FileObject;

    close_file(file);
    if (file && file->FsContext)
    {
        link_free(file->FsContext);
        file->FsContext = NULL;
    }
    return complete_now(irp, STATUS_SUCCESS);
}

static NTSTATUS WINAPI dispatch_ioctl(DEVICE_OBJECT *device, IRP *irp)
{
    IO_STACK_LOCATION *stack = IoGetCurrentIrpStackLocation(irp);
    struct file_ctx *ctx = stack->FileObject ? stack->FileObject->FsContext : NULL;
    ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
    struct hs_msg_ioctl msg;
    struct pending_irp *p;
    char *records = NULL;
    uint32_t records_len = 0, in_len;
    const void *in;
    uint64_t op;
    KIRQL irql;
    int sent;

    if ((code & 0xffff0003) != HS_CTL_CODE(0)) return complete_now(irp, STATUS_INVALID_DEVICE_REQUEST);
    if (!ctx || ctx->closed) return complete_now(irp, STATUS_INVALID_HANDLE);
    if (code == HS_IOCTL_APPLY_CONFIG) return complete_now(irp, STATUS_ACCESS_DENIED);   /* ours only */
    if (!(p = link_alloc(sizeof(*p)))) return complete_now(irp, STATUS_NO_MEMORY);

    op = p->op = (uint64_t)InterlockedIncrement64(&next_op);
    p->irp = irp;
    irp->Tail.Overlay.DriverContext[0] = (void *)(ULONG_PTR)op;
    msg.code = code;
    msg.out_size = stack->Parameters.DeviceIoControl.OutputBufferLength;
    msg.client_pid = p->client_pid = (uint32_t)(ULONG_PTR)PsGetCurrentProcessId();
    msg.reserved = 0;
    in = irp->AssociatedIrp.SystemBuffer;
    in_len = stack->Parameters.DeviceIoControl.InputBufferLength;
    if (code == HS_IOCTL_RELOAD_CONFIG)
    {
        /* The configuration store changed: the engine gets the records as
         * they are now, and the caller returns once they apply. */
        records = records_read(&service_key, &records_len);
        msg.code = HS_IOCTL_APPLY_CONFIG;
        msg.out_size = 0;
        in = records;
        in_len = records_len;
    }

    /* From the check to the end of the send, under the send lock: an engine
     * that dies meanwhile fails its pending IRPs only under this lock too,
     * so this IRP and its buffers stay ours until the frame is out, and no
     * frame of a dead engine's file reaches the next one. */
    link_lock();
    /* opened on an engine that has died: its queue is gone for good */
    if (ctx->generation != generation || !engine_up)
    {
        NTSTATUS status = ctx->generation != generation ? STATUS_INVALID_HANDLE : STATUS_CANCELLED;
        link_unlock();
        link_free(records);
        link_free(p);
        return complete_now(irp, status);
    }
    IoMarkIrpPending(irp);
    KeAcquireSpinLock(&irp_lock, &irql);
    InsertTailList(&pending_irps, &p->entry);
    IoSetCancelRoutine(irp, cancel_irp);
    KeReleaseSpinLock(&irp_lock, irql);
    sent = link_send_locked(HS_MSG_IOCTL, op, ctx->id, &msg, sizeof(msg), in, in_len);
    link_unlock();
    link_free(records);
    if (sent)
    {
        /* the engine is unreachable; if the receive thread has not failed
         * this IRP already, do it here */
        struct pending_irp *mine = take_pending(op);
        if (mine)
        {
            finish_irp(irp, STATUS_CANCELLED, 0);
            link_free(mine);
        }
    }
    return STATUS_PENDING;
}

/* ------------------------------------------------------------------------ */
/* engine start and stop                                                     */
/* ------------------------------------------------------------------------ */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* The ready file is "<port> <secret-hex> <pid>\n", written by the engine
 * with mode 0600 in a 0700 directory. */
static NTSTATUS read_ready_file(uint16_t *port, uint8_t *secret, uint32_t *pid)
{
    static const WCHAR path[] = HS_RUNDIR_NT_PATH L"\\" L"ready";
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    IO_STATUS_BLOCK io;
    HANDLE file;
    char buf[200];
    NTSTATUS status;
    ULONG i, p = 0, n, n_read;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwCreateFile(&file, GENERIC_READ | SYNCHRONIZE, &attr, &io, NULL, 0, FILE_SHARE_READ | FILE_SHARE_DELETE,
                          FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0);
    if (status) return status;
    status = ZwReadFile(file, NULL, NULL, NULL, &io, buf, sizeof(buf) - 1, NULL, NULL);
    ZwClose(file);
    if (status) return status;
    n_read = n = (ULONG)io.Information;
    buf[n] = 0;
    for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++) p = p * 10 + (ULONG)(buf[i] - '0');
    if (i >= n || buf[i] != ' ' || !p || p > 65535 || n < i + 1 + 2 * HS_SECRET_BYTES) return STATUS_UNSUCCESSFUL;
    i++;
    for (n = 0; n < HS_SECRET_BYTES; n++)
    {
        int hi = hex_digit(buf[i + 2 * n]), lo = hex_digit(buf[i + 2 * n + 1]);
        if (hi < 0 || lo < 0) return STATUS_UNSUCCESSFUL;
        secret[n] = (uint8_t)(hi << 4 | lo);
    }
    /* the pid, for the log and for the next engine's cleanup */
    *pid = 0;
    for (i += 2 * HS_SECRET_BYTES + 1; i < n_read && buf[i] >= '0' && buf[i] <= '9'; i++) *pid = *pid * 10 + (uint32_t)(buf[i] - '0');
    RtlSecureZeroMemory(buf, sizeof(buf));
    *port = (uint16_t)p;
    return STATUS_SUCCESS;
}

static void delete_ready_file(void)
{
    static const WCHAR path[] = HS_RUNDIR_NT_PATH L"\\" L"ready";
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    ZwDeleteFile(&attr);
}

/* Writes value in decimal, at least width digits; returns the length. */
static ULONG put_number(char *out, ULONG value, ULONG width)
{
    char rev[12];
    ULONG n = 0, i;

    do rev[n++] = (char)('0' + value % 10); while (value /= 10);
    while (n < width) rev[n++] = '0';
    for (i = 0; i < n; i++) out[i] = rev[n - 1 - i];
    return n;
}

static ULONG put_text(char *out, const char *text, ULONG room)
{
    ULONG n = 0;
    while (text[n] && n < room) { out[n] = text[n]; n++; }
    return n;
}

/* Appends "<text><number><tail>" to the engine's log, the service's event
 * log, where administrators and the tests look: DbgPrint is seen by nobody.
 * The line has the engine's own form, "YYYY-MM-DD hh:mm:ss level:where ...". */
static void log_line(const char *text, uint32_t number, const char *tail)
{
    static const WCHAR path[] = HS_RUNDIR_NT_PATH L"\\" L"engine.log";
    char line[400];
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    IO_STATUS_BLOCK io;
    TIME_FIELDS tf;
    LARGE_INTEGER t;
    HANDLE file;
    ULONG len = 0;

    DbgPrint("%s%u%s\n", text, number, tail);
    KeQuerySystemTime(&t);
    RtlTimeToTimeFields(&t, &tf);
    len += put_number(line + len, tf.Year, 4);
    line[len++] = '-';
    len += put_number(line + len, tf.Month, 2);
    line[len++] = '-';
    len += put_number(line + len, tf.Day, 2);
    line[len++] = ' ';
    len += put_number(line + len, tf.Hour, 2);
    line[len++] = ':';
    len += put_number(line + len, tf.Minute, 2);
    line[len++] = ':';
    len += put_number(line + len, tf.Second, 2);
    len += put_text(line + len, " warn:driver ", 20);
    len += put_text(line + len, text, 150);
    len += put_number(line + len, number, 1);
    len += put_text(line + len, tail, 150);
    line[len++] = '\n';

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    if (ZwCreateFile(&file, FILE_APPEND_DATA | SYNCHRONIZE, &attr, &io, NULL, 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
                     FILE_OPEN_IF, FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0))
        return;
    ZwWriteFile(file, NULL, NULL, NULL, &io, line, len, NULL, NULL);
    ZwClose(file);
}

/* previous_pid: the engine that died, when this is a restart (0 at driver start) */
static NTSTATUS start_engine(UNICODE_STRING *registry_path, uint32_t previous_pid)
{
    char *argv[6 + 2 * MAX_PARAMS + 1], *params[MAX_PARAMS], pid_text[12];
    char *engine_path = link_alloc(1024), *rundir = link_alloc(1024);
    uint8_t secret[HS_SECRET_BYTES];
    uint16_t port = 0;
    uint32_t pid = 0;
    NTSTATUS status = STATUS_UNSUCCESSFUL;
    int count, i, argc = 0, spawned;
    unsigned waited;

    if (!engine_path || !rundir) goto done;
    if (link_unix_path((const uint16_t *)HS_ENGINE_NT_PATH, engine_path, 1024, 0) ||
        link_unix_path((const uint16_t *)HS_RUNDIR_NT_PATH, rundir, 1024, 1))
    {
        DbgPrint("http: the engine is not installed in this prefix\n");
        status = STATUS_OBJECT_NAME_NOT_FOUND;
        goto done;
    }
    delete_ready_file();
    count = params_read(registry_path, params, MAX_PARAMS);
    argv[argc++] = engine_path;
    argv[argc++] = "--rundir";
    argv[argc++] = rundir;
    if (previous_pid)
    {
        /* the new engine logs the restart and sweeps up what the dead one left */
        pid_text[put_number(pid_text, previous_pid, 1)] = 0;
        argv[argc++] = "--restarted";
        argv[argc++] = pid_text;
    }
    for (i = 0; i < count; i++)
    {
        argv[argc++] = "--param";
        argv[argc++] = params[i];
    }
    argv[argc] = NULL;
    spawned = link_spawn(argv);
    for (i = 0; i < count; i++) link_free(params[i]);
    if (spawned < 0)
    {
        log_line("http.sys: the engine cannot be started (", 0, ")");
        goto done;
    }

    for (waited = 0; waited < READY_WAIT_MS; waited += 20)
    {
        if (!read_ready_file(&port, secret, &pid)) break;
        port = 0;
        if (stopping && waited >= 1000) break;   /* a stop is waiting for us */
        link_sleep_ms(20);
    }
    if (!port)
    {
        log_line("http.sys: the engine wrote no ready file within ", READY_WAIT_MS / 1000, " s");
        goto done;
    }
    /* a refused connection is tried again: the engine is up, and an
     * engine given up on waits 30 s for a driver that never comes */
    for (i = 0; i < 5 && link_connect(port, secret); i++) link_sleep_ms(100);
    if (i == 5)
    {
        log_line("http.sys: the engine (pid ", pid, ") cannot be reached on its control port");
        goto done;
    }
    RtlSecureZeroMemory(secret, sizeof(secret));
    {
        /* before anything else: the records of the configuration store */
        uint32_t len = 0;
        char *records = records_read(registry_path, &len);
        link_send(HS_MSG_CONFIG, 0, 0, records, len, NULL, 0);
        link_free(records);
    }
    engine_pid = pid;
    bye_received = 0;
    shutdown_sent = 0;
    InterlockedExchange(&engine_up, 1);
    status = STATUS_SUCCESS;
done:
    link_free(engine_path);
    link_free(rundir);
    return status;
}

static void stop_engine(void)
{
    unsigned waited;

    /* from here the receive thread restarts nothing, and shuts down an
     * engine it is starting */
    InterlockedExchange(&stopping, 1);
    if (engine_up)
    {
        send_shutdown();
        /* the engine completes everything, says BYE, and closes */
        for (waited = 0; waited < 10000 && engine_up && !bye_received; waited += 10) link_sleep_ms(10);
    }
    if (receive_thread)
    {
        LARGE_INTEGER timeout;
        /* a restart in progress gives up within a second of seeing the stop */
        timeout.QuadPart = -20000000;   /* 2 s */
        if (KeWaitForSingleObject(receive_thread, Executive, KernelMode, FALSE, &timeout) == STATUS_TIMEOUT)
        {
            link_close();
            timeout.QuadPart = -50000000;   /* 5 s */
            KeWaitForSingleObject(receive_thread, Executive, KernelMode, FALSE, &timeout);
        }
        ObDereferenceObject(receive_thread);
        receive_thread = NULL;
    }
    engine_up = 0;
    link_close();
    fail_all_pending(STATUS_CANCELLED);
    /* certificate readers and chain verifiers run our code: wait for them before unloading */
    for (waited = 0; waited < 10000 && cert_workers; waited += 10) link_sleep_ms(10);
}

static void WINAPI driver_unload(DRIVER_OBJECT *driver)
{
    UNICODE_STRING link;

    stop_engine();
    RtlInitUnicodeString(&link, L"\\DosDevices\\HttpSysQueue");
    IoDeleteSymbolicLink(&link);
    if (queue_device) IoDeleteDevice(queue_device);
    queue_device = NULL;
    if (device_dir) ZwClose(device_dir);
    device_dir = NULL;
}

NTSTATUS WINAPI DriverEntry(DRIVER_OBJECT *driver, UNICODE_STRING *registry_path)
{
    UNICODE_STRING name, link;
    OBJECT_ATTRIBUTES attr;
    HANDLE thread;
    NTSTATUS status;

    /* a driver loaded again after net stop may find its old values */
    stopping = restarting = shutdown_sent = bye_received = engine_up = 0;
    KeInitializeSpinLock(&irp_lock);
    InitializeListHead(&pending_irps);
    KeInitializeEvent(&send_lock, SynchronizationEvent, TRUE);
    if (!(service_key.Buffer = link_alloc(registry_path->Length + sizeof(WCHAR)))) return STATUS_NO_MEMORY;
    memcpy(service_key.Buffer, registry_path->Buffer, registry_path->Length);
    service_key.Length = registry_path->Length;
    service_key.MaximumLength = registry_path->Length + sizeof(WCHAR);

    if ((status = start_engine(registry_path, 0))) return status;

    RtlInitUnicodeString(&name, HS_DEVICE_DIR);
    InitializeObjectAttributes(&attr, &name, OBJ_PERMANENT | OBJ_OPENIF, NULL, NULL);
    ZwCreateDirectoryObject(&device_dir, 0, &attr);
    RtlInitUnicodeString(&name, HS_DEVICE_NAME);
    if ((status = IoCreateDevice(driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &queue_device)))
    {
        stop_engine();
        return status;
    }
    RtlInitUnicodeString(&link, L"\\DosDevices\\HttpSysQueue");
    IoCreateSymbolicLink(&link, &name);

    driver->MajorFunction[IRP_MJ_CREATE] = dispatch_create;
    driver->MajorFunction[IRP_MJ_CLEANUP] = dispatch_cleanup;
    driver->MajorFunction[IRP_MJ_CLOSE] = dispatch_close;
    driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = dispatch_ioctl;
    driver->DriverUnload = driver_unload;

    if ((status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL, receive_main, NULL)))
    {
        driver_unload(driver);
        return status;
    }
    ObReferenceObjectByHandle(thread, SYNCHRONIZE, NULL, KernelMode, (void **)&receive_thread, NULL);
    ZwClose(thread);
    return STATUS_SUCCESS;
}

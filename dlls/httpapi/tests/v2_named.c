/*
 * Named request queues: HttpCreateRequestQueue with HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING
 * from this process and from another one (both handles serve the same queue), only the creator
 * sets the queue's properties, the name is taken while any handle is open; a controller's queue
 * (HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER) whose handle does no I/O; and
 * HttpWaitForDemandStart.
 *
 * Usage: v2_named.exe PORT                    (uses PORT only)
 *        v2_named.exe PORT worker NAME MODE   (the second process, started by the first)
 *
 * Written from Microsoft's documentation of HttpCreateRequestQueue and HttpWaitForDemandStart
 * (shared/reference/httpapi.md §1.2).
 */

#include "v2util.h"

#ifndef ERROR_INVALID_ID_AUTHORITY
#define ERROR_INVALID_ID_AUTHORITY 1343
#endif

static USHORT port;

static HTTP_SERVER_SESSION_ID session;

/* A group of the session with URL path on the port, bound to queue. */
static HTTP_URL_GROUP_ID bound_group(HANDLE queue, const char *path)
{
    HTTP_URL_GROUP_ID group = new_group(session);
    WCHAR url[128];
    ULONG ret;

    ret = HttpAddUrlToUrlGroup(group, wfmt(url, 128, "http://+:%u%s", port, path), 7, 0);
    ok(ret == NO_ERROR, "HttpAddUrlToUrlGroup(%s): expected NO_ERROR, got %lu\n", path, ret);
    ret = set_binding(group, queue);
    ok(ret == NO_ERROR, "HttpSetUrlGroupProperty(Binding): expected NO_ERROR, got %lu\n", ret);
    return group;
}

/* A client thread GETs path; returns the job (the caller waits for it). */
static struct client_job *get_later(const char *path, DWORD delay_ms)
{
    char text[256];

    snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n", path, port);
    return client_job_start(AF_INET, port, text, delay_ms, TIMEOUT * 2);
}

/* Receives one request on queue within wait_ms and answers it with body. */
static ULONG serve_one(HANDLE queue, const char *body, DWORD wait_ms)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    ULONG ret, bytes;

    ret = receive_request(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, wait_ms);
    if (!ret) ret = respond_text(queue, req->RequestId, body);
    free_request(req);
    return ret;
}

static BOOL job_body_is(struct client_job *job, const char *body)
{
    BOOL done = client_job_wait(job, TIMEOUT * 3);
    BOOL same = done && job->result == CLIENT_OK && job->resp.status == 200 && job->resp.body &&
                !strcmp(job->resp.body, body);

    if (!same && done) trace("client: result %d status %d body %s\n", job->result, job->resp.status,
                             job->resp.body ? job->resp.body : "(none)");
    if (done) client_job_free(job);
    return same;
}

/* ------------------------------------------------------------------------------------------ */
/* The second process */

/* MODE "serve": opens NAME, checks what an opener may not do, serves one request with
 * "from the worker", then waits for the first process to say it may exit (its handle keeps the
 * queue's name taken meanwhile).  MODE "demand": a worker's handle may not wait for demand. */
static int worker(const WCHAR *name, const char *mode, const char *done_event)
{
    HANDLE queue = NULL, ready, done;
    ULONG ret, value = 10;

    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "worker: HttpInitialize: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &queue);
    ok(ret == NO_ERROR, "worker: HttpCreateRequestQueue(OPEN_EXISTING) of the first process's queue: expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();
    if (!strcmp(mode, "demand"))
    {
        ret = HttpWaitForDemandStart(queue, NULL);
        ok(ret == ERROR_INVALID_ID_AUTHORITY, "worker: HttpWaitForDemandStart from a process that is not the controller: "
           "expected ERROR_INVALID_ID_AUTHORITY (1343), got %lu\n", ret);
    }
    ret = HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "worker: HttpSetRequestQueueProperty(QueueLength) by a process that opened the queue: "
       "expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);

    ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, done_event);
    SetEvent(ready);   /* the event starts as "ready"; the first process resets it */
    CloseHandle(ready);
    ret = serve_one(queue, "from the worker", TIMEOUT * 3);
    ok(ret == NO_ERROR, "worker: receiving and answering a request on the opened queue: expected NO_ERROR, got %lu\n", ret);
    done = OpenEventA(SYNCHRONIZE, FALSE, done_event);
    if (done)
    {
        WaitForSingleObject(done, TIMEOUT * 3);
        CloseHandle(done);
    }
    ret = HttpCloseRequestQueue(queue);
    ok(ret == NO_ERROR, "worker: HttpCloseRequestQueue: expected NO_ERROR, got %lu\n", ret);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

/* Starts this program as the worker; its RESULT line goes to our stdout. */
static HANDLE start_worker(const WCHAR *name, const char *mode, const char *event_name)
{
    char args[256];
    HANDLE process;

    snprintf(args, sizeof(args), "%u worker %ls %s %s", port, name, mode, event_name);
    if (!(process = start_self(args))) ok(0, "starting the worker process failed: error %lu\n", GetLastError());
    return process;
}

static void wait_worker(HANDLE process)
{
    DWORD code;

    if (!process) return;
    code = wait_self(process, TIMEOUT * 5);
    ok(code != STILL_ACTIVE, "the worker process did not end\n");
    ok(code == 0, "the worker process reported failures (exit code %lu)\n", code);
}

/* ------------------------------------------------------------------------------------------ */

/* Two handles on one queue in this process: each receives requests routed to the queue. */
static void test_open_existing_here(void)
{
    HANDLE creator = NULL, opener = NULL, again = NULL;
    struct client_job *job;
    WCHAR name[64], upper[64];
    ULONG ret, value = 5;
    HTTP_URL_GROUP_ID group;

    wfmt(name, 64, "v2_named-here-%lu", GetCurrentProcessId());
    wfmt(upper, 64, "V2_NAMED-HERE-%lu", GetCurrentProcessId());
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &creator);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(named): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, upper, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &opener);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(OPEN_EXISTING, the name in other case): expected NO_ERROR, got %lu\n", ret);
    ok(opener && opener != creator, "OPEN_EXISTING: expected a handle of its own\n");
    ret = HttpCreateRequestQueue(version2, upper, NULL, 0, &again);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpCreateRequestQueue(the name in other case): expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    if (!opener) return;

    ret = HttpSetRequestQueueProperty(opener, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpSetRequestQueueProperty on an opened handle: expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpSetRequestQueueProperty(creator, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    ok(ret == NO_ERROR, "HttpSetRequestQueueProperty on the creator's handle: expected NO_ERROR, got %lu\n", ret);

    group = bound_group(creator, "/named/here/");
    job = get_later("/named/here/a", 0);
    ret = serve_one(opener, "via the opener", TIMEOUT);
    ok(ret == NO_ERROR, "a request to the creator's queue, received on the opened handle: expected NO_ERROR, got %lu\n", ret);
    ok(job_body_is(job, "via the opener"), "the client: expected 200 \"via the opener\"\n");
    job = get_later("/named/here/b", 0);
    ret = serve_one(creator, "via the creator", TIMEOUT);
    ok(ret == NO_ERROR, "a request received on the creator's handle: expected NO_ERROR, got %lu\n", ret);
    ok(job_body_is(job, "via the creator"), "the client: expected 200 \"via the creator\"\n");

    /* the queue lives while a handle is open: its URLs still reach it and the name stays taken */
    ret = HttpCloseUrlGroup(group);
    ok(ret == NO_ERROR, "HttpCloseUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseRequestQueue(creator);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue(creator): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &again);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpCreateRequestQueue(a name whose queue has an opened handle left): "
       "expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    ret = HttpCloseRequestQueue(opener);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue(opener): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &again);
    ok(ret == ERROR_FILE_NOT_FOUND, "HttpCreateRequestQueue(OPEN_EXISTING after every handle closed): "
       "expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &again);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(the name again after every handle closed): expected NO_ERROR, got %lu\n", ret);
    if (!ret) HttpCloseRequestQueue(again);
}

/* Another process opens the queue by name and serves its requests. */
static void test_open_existing_elsewhere(void)
{
    HANDLE creator = NULL, again = NULL, process, event;
    struct client_job *job;
    HTTP_URL_GROUP_ID group;
    char event_name[64];
    WCHAR name[64];
    ULONG ret;

    wfmt(name, 64, "v2_named-other-%lu", GetCurrentProcessId());
    snprintf(event_name, sizeof(event_name), "v2_named-event-%lu", GetCurrentProcessId());
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &creator);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(named): expected NO_ERROR, got %lu\n", ret);
    if (ret) return;
    group = bound_group(creator, "/named/other/");
    event = CreateEventA(NULL, TRUE, FALSE, event_name);
    process = start_worker(name, "serve", event_name);
    ok(WaitForSingleObject(event, TIMEOUT * 3) == WAIT_OBJECT_0, "the worker did not open the queue\n");
    ResetEvent(event);
    job = get_later("/named/other/x", 0);
    ok(job_body_is(job, "from the worker"), "a request to a queue another process opened and serves: "
       "expected 200 \"from the worker\"\n");

    /* closing the creator's handle leaves the queue to the worker, name and all */
    ret = HttpCloseUrlGroup(group);
    ok(ret == NO_ERROR, "HttpCloseUrlGroup: expected NO_ERROR, got %lu\n", ret);
    ret = HttpCloseRequestQueue(creator);
    ok(ret == NO_ERROR, "HttpCloseRequestQueue(creator): expected NO_ERROR, got %lu\n", ret);
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &again);
    ok(ret == ERROR_ALREADY_EXISTS, "HttpCreateRequestQueue(a name another process still holds open): "
       "expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    SetEvent(event);
    wait_worker(process);
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &again);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(the name after the other process closed it): expected NO_ERROR, got %lu\n", ret);
    if (!ret) HttpCloseRequestQueue(again);
    CloseHandle(event);
}

/* A controller's handle registers URLs but does no I/O; it waits for demand, and a worker's
 * handle serves what arrives. */
static void test_controller(void)
{
    HANDLE controller = NULL, worker_queue = NULL, plain = NULL, v1 = NULL, process, event;
    HTTP_REQUEST_V1 *req = alloc_request();
    struct test_response r;
    struct client_job *job;
    char event_name[64];
    WCHAR name[64];
    OVERLAPPED ov, ov2;
    ULONG ret, bytes;

    wfmt(name, 64, "v2_named-controller-%lu", GetCurrentProcessId());
    snprintf(event_name, sizeof(event_name), "v2_named-cevent-%lu", GetCurrentProcessId());
    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    memset(&ov2, 0, sizeof(ov2));
    ov2.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);

    ret = HttpWaitForDemandStart(NULL, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "HttpWaitForDemandStart(NULL): expected ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    ret = HttpCreateHttpHandle(&v1, 0);
    ok(ret == NO_ERROR, "HttpCreateHttpHandle: expected NO_ERROR, got %lu\n", ret);
    ret = HttpWaitForDemandStart(v1, NULL);
    ok(ret == ERROR_NOT_SUPPORTED, "HttpWaitForDemandStart(a v1 handle): expected ERROR_NOT_SUPPORTED (50), got %lu\n", ret);
    CloseHandle(v1);
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &plain);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue: expected NO_ERROR, got %lu\n", ret);
    ret = HttpWaitForDemandStart(plain, NULL);
    ok(ret == ERROR_INVALID_ID_AUTHORITY, "HttpWaitForDemandStart(a queue created without CONTROLLER): "
       "expected ERROR_INVALID_ID_AUTHORITY (1343), got %lu\n", ret);
    HttpCloseRequestQueue(plain);

    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER, &controller);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(CONTROLLER, named): expected NO_ERROR, got %lu\n", ret);
    if (ret) goto done;
    bound_group(controller, "/named/controller/");

    ret = HttpReceiveHttpRequest(controller, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, &bytes, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpReceiveHttpRequest on a controller's handle: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
    ret = HttpReceiveRequestEntityBody(controller, 1234, 0, req, 64, &bytes, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpReceiveRequestEntityBody on a controller's handle: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
    init_response(&r, 200, "OK", "text/plain", "x");
    ret = HttpSendHttpResponse(controller, 1234, 0, &r.resp, NULL, &bytes, NULL, 0, NULL, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpSendHttpResponse on a controller's handle: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);

    /* the wait: pending until a request comes; one at a time; CancelIoEx ends it */
    ret = HttpWaitForDemandStart(controller, &ov);
    ok(ret == ERROR_IO_PENDING, "HttpWaitForDemandStart(controller, OVERLAPPED): expected ERROR_IO_PENDING (997), got %lu\n", ret);
    ret = HttpWaitForDemandStart(controller, &ov2);
    ret = finish_overlapped(controller, ret, &ov2, &bytes, TIMEOUT);
    ok(ret == ERROR_ALREADY_EXISTS, "a second HttpWaitForDemandStart: expected ERROR_ALREADY_EXISTS (183), got %lu\n", ret);
    ok(WaitForSingleObject(ov.hEvent, SHORT_WAIT) == WAIT_TIMEOUT, "HttpWaitForDemandStart completed with no request\n");
    CancelIoEx(controller, &ov);
    ret = finish_overlapped(controller, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == ERROR_OPERATION_ABORTED, "HttpWaitForDemandStart cancelled: expected ERROR_OPERATION_ABORTED (995), got %lu\n", ret);

    ResetEvent(ov.hEvent);
    ret = HttpWaitForDemandStart(controller, &ov);
    ok(ret == ERROR_IO_PENDING, "HttpWaitForDemandStart again: expected ERROR_IO_PENDING (997), got %lu\n", ret);
    job = get_later("/named/controller/demand", 0);
    ret = finish_overlapped(controller, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "HttpWaitForDemandStart when a request arrives: expected NO_ERROR, got %lu\n", ret);

    /* the controller starts a worker, which opens the queue and serves the waiting request;
     * its own HttpWaitForDemandStart is refused */
    event = CreateEventA(NULL, TRUE, FALSE, event_name);
    process = start_worker(name, "demand", event_name);
    ok(job_body_is(job, "from the worker"), "the request that started the worker: expected 200 \"from the worker\"\n");
    SetEvent(event);
    wait_worker(process);
    CloseHandle(event);

    /* a request already waiting is demand at once */
    ret = HttpCreateRequestQueue(version2, name, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING, &worker_queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(OPEN_EXISTING of the controller's queue): expected NO_ERROR, got %lu\n", ret);
    job = get_later("/named/controller/queued", 0);
    Sleep(SHORT_WAIT);
    ResetEvent(ov.hEvent);
    ret = HttpWaitForDemandStart(controller, &ov);
    ret = finish_overlapped(controller, ret, &ov, &bytes, TIMEOUT);
    ok(ret == NO_ERROR, "HttpWaitForDemandStart with a request already waiting: expected NO_ERROR, got %lu\n", ret);
    if (worker_queue)
    {
        ret = serve_one(worker_queue, "queued", TIMEOUT);
        ok(ret == NO_ERROR, "serving the waiting request on an opened handle: expected NO_ERROR, got %lu\n", ret);
    }
    ok(job_body_is(job, "queued"), "the waiting request: expected 200 \"queued\"\n");

    /* HttpShutdownRequestQueue ends the wait and refuses new ones */
    ResetEvent(ov.hEvent);
    ret = HttpWaitForDemandStart(controller, &ov);
    ok(ret == ERROR_IO_PENDING, "HttpWaitForDemandStart before shutdown: expected ERROR_IO_PENDING (997), got %lu\n", ret);
    ret = HttpShutdownRequestQueue(controller);
    ok(ret == NO_ERROR, "HttpShutdownRequestQueue(controller): expected NO_ERROR, got %lu\n", ret);
    ret = finish_overlapped(controller, ERROR_IO_PENDING, &ov, &bytes, TIMEOUT);
    ok(ret == ERROR_OPERATION_ABORTED, "HttpWaitForDemandStart ended by HttpShutdownRequestQueue: "
       "expected ERROR_OPERATION_ABORTED (995), got %lu\n", ret);
    ret = HttpWaitForDemandStart(controller, NULL);
    ok(ret == ERROR_INVALID_HANDLE, "HttpWaitForDemandStart after HttpShutdownRequestQueue: expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
    if (worker_queue) HttpCloseRequestQueue(worker_queue);
    HttpCloseRequestQueue(controller);

    /* a controller's queue may be unnamed; it still does no I/O */
    ret = HttpCreateRequestQueue(version2, NULL, NULL, HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER, &controller);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(CONTROLLER, unnamed): expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ret = HttpReceiveHttpRequest(controller, HTTP_NULL_ID, 0, (HTTP_REQUEST *)req, REQ_BUFFER_SIZE, &bytes, NULL);
        ok(ret == ERROR_INVALID_HANDLE, "HttpReceiveHttpRequest on an unnamed controller's handle: "
           "expected ERROR_INVALID_HANDLE (6), got %lu\n", ret);
        HttpCloseRequestQueue(controller);
    }
done:
    CloseHandle(ov.hEvent);
    CloseHandle(ov2.hEvent);
    free_request(req);
}

/* Runs "netsh http show servicestate view=requestq" and returns its output (malloc'd). */
static char *servicestate(void)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    char cmd[] = "netsh http show servicestate view=requestq", *out = malloc(1 << 20);
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    HANDLE rd, wr;
    DWORD got, total = 0;

    if (!out || !CreatePipe(&rd, &wr, &sa, 0)) return out;
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = wr;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    out[0] = 0;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
    {
        CloseHandle(rd);
        CloseHandle(wr);
        return out;
    }
    CloseHandle(wr);
    while (total < (1 << 20) - 1 && ReadFile(rd, out + total, (1 << 20) - 1 - total, &got, NULL) && got) total += got;
    out[total] = 0;
    WaitForSingleObject(pi.hProcess, 10000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
    return out;
}

/* netsh shows a named queue's name, state, 503 verbosity and QueueLength as they are. */
static void test_servicestate(void)
{
    HANDLE queue = NULL;
    WCHAR name[64];
    char expect[128], *text;
    ULONG ret, value;

    wfmt(name, 64, "v2_named-shown-%lu", GetCurrentProcessId());
    ret = HttpCreateRequestQueue(version2, name, NULL, 0, &queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(named): expected NO_ERROR, got %lu\n", ret);
    if (ret) return;
    value = 2000;
    HttpSetRequestQueueProperty(queue, HttpServerQueueLengthProperty, &value, sizeof(value), 0, NULL);
    value = Http503ResponseVerbosityLimited;
    HttpSetRequestQueueProperty(queue, HttpServer503VerbosityProperty, &value, sizeof(value), 0, NULL);
    value = HttpEnabledStateInactive;
    HttpSetRequestQueueProperty(queue, HttpServerStateProperty, &value, sizeof(value), 0, NULL);
    text = servicestate();
    snprintf(expect, sizeof(expect), "Request queue name: v2_named-shown-%lu\r\n    Version: 2.0\r\n    State: Inactive\r\n"
             "    Request queue 503 verbosity level: Limited\r\n    Max requests: 2000\r\n", GetCurrentProcessId());
    ok(text && strstr(text, expect) != NULL, "netsh http show servicestate view=requestq: expected the queue's name and "
       "settings (%s), got %s\n", expect, text ? text : "(nothing)");
    free(text);
    HttpCloseRequestQueue(queue);

    /* an unnamed queue is said to be unnamed, whatever line follows its settings */
    ret = HttpCreateRequestQueue(version2, NULL, NULL, 0, &queue);
    ok(ret == NO_ERROR, "HttpCreateRequestQueue(unnamed): expected NO_ERROR, got %lu\n", ret);
    if (ret) return;
    text = servicestate();
    ok(text && strstr(text, "Request queue name: Request queue is unnamed.\r\n    Version: 2.0\r\n    State: Active\r\n") != NULL,
       "netsh http show servicestate view=requestq: expected an unnamed, active queue, got %s\n", text ? text : "(nothing)");
    free(text);
    HttpCloseRequestQueue(queue);
}

int main(int argc, char **argv)
{
    ULONG ret;

    test_startup("v2_named.c");
    port = test_port(argc, argv);
    if (argc >= 6 && !strcmp(argv[2], "worker"))
    {
        WCHAR name[128];
        MultiByteToWideChar(CP_ACP, 0, argv[3], -1, name, 128);
        return worker(name, argv[4], argv[5]);
    }

    ret = HttpInitialize(version2, HTTP_INITIALIZE_SERVER, NULL);
    ok(ret == NO_ERROR, "HttpInitialize(2.0, HTTP_INITIALIZE_SERVER): expected NO_ERROR, got %lu\n", ret);
    if (ret) return test_report();
    ret = HttpCreateServerSession(version2, &session, 0);
    ok(ret == NO_ERROR, "HttpCreateServerSession: expected NO_ERROR, got %lu\n", ret);

    test_open_existing_here();
    test_open_existing_elsewhere();
    test_controller();
    test_servicestate();

    HttpCloseServerSession(session);
    HttpTerminate(HTTP_INITIALIZE_SERVER, NULL);
    return test_report();
}

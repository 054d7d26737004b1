/*
 * Server sessions, URL groups and v2 request queues (HTTP Server API 2.0).
 *
 * A group's URLs are registered in the engine when they are added, under
 * the group (kept by the engine in its session's file), so that a conflict
 * with any other registration is an error at once, as on Windows.  Binding
 * the group to a queue sends its requests there, each with its URL's
 * HTTP_URL_CONTEXT; an unbound group's requests get a 503.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "v2objects.h"
#include "config.h"

static SRWLOCK v2_srw = SRWLOCK_INIT;
static struct v2_session *sessions;
static struct v2_group *groups;
static struct v2_queue *v2_queues;
static LONG next_id;

void v2_lock(void) { AcquireSRWLockExclusive(&v2_srw); }
void v2_unlock(void) { ReleaseSRWLockExclusive(&v2_srw); }

/* Opaque, never zero, and a session's id never names a group. */
static ULONGLONG new_id(void)
{
    return 0xfe00000000000000ull | ((ULONGLONG)(GetCurrentProcessId() & 0xffffff) << 32) |
           (ULONG)InterlockedIncrement(&next_id);
}

struct v2_session *v2_find_session(HTTP_SERVER_SESSION_ID id)
{
    struct v2_session *s;
    for (s = sessions; s; s = s->next) if (s->id == id) return s;
    return NULL;
}

struct v2_group *v2_find_group(HTTP_URL_GROUP_ID id)
{
    struct v2_group *g;
    for (g = groups; g; g = g->next) if (g->id == id) return g;
    return NULL;
}

static void unlink_queue(struct v2_queue *q)
{
    struct v2_queue **p;
    for (p = &v2_queues; *p; p = &(*p)->next) if (*p == q) { *p = q->next; break; }
}

static void free_queue_record(struct v2_queue *q)
{
    HeapFree(GetProcessHeap(), 0, q);
}

/* Groups bound to a queue that is going away lose their binding quietly,
 * as the engine unbinds them when the queue goes. */
static void forget_bindings(struct v2_queue *q)
{
    struct v2_group *g;

    for (g = groups; g; g = g->next) if (g->queue == q) g->queue = NULL;
}

struct v2_queue *v2_find_queue(HANDLE handle)
{
    struct v2_queue *q;
    struct queue *live;

    if (!handle || handle == INVALID_HANDLE_VALUE) return NULL;
    for (q = v2_queues; q; q = q->next) if (q->handle == handle) break;
    if (!q || q->shut_down) return q;
    /* A queue closed with a bare CloseHandle leaves its record behind; the
     * handle value may since name another queue. */
    live = queue_get(handle);
    if (live && live->id == q->queue_id)
    {
        queue_put(live);
        return q;
    }
    queue_put(live);
    TRACE("%p is no longer the queue it was\n", handle);
    forget_bindings(q);
    unlink_queue(q);
    free_queue_record(q);
    return NULL;
}

/* ------------------------------------------------------ the engine's side */

static ULONG group_ioctl(struct v2_group *g, DWORD code, const void *in, DWORD len)
{
    return queue_ioctl(g->session->handle, code, in, len, NULL, 0, NULL, NULL);
}

static ULONG group_url_ioctl(struct v2_group *g, DWORD code, const WCHAR *url, HTTP_URL_CONTEXT context)
{
    struct hs_group_params group = { g->id };
    struct hs_url_params params;
    char *utf8;
    BYTE *buf;
    int len;
    ULONG ret;

    if (!(utf8 = utf16_to_utf8(url, &len))) return ERROR_INVALID_PARAMETER;
    if (!(buf = HeapAlloc(GetProcessHeap(), 0, sizeof(group) + sizeof(params) + len)))
    {
        HeapFree(GetProcessHeap(), 0, utf8);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    params.context = context;
    params.flags = 0;
    params.url_len = (uint32_t)len;
    memcpy(buf, &group, sizeof(group));
    memcpy(buf + sizeof(group), &params, sizeof(params));
    memcpy(buf + sizeof(group) + sizeof(params), utf8, len);
    ret = group_ioctl(g, code, buf, sizeof(group) + sizeof(params) + len);
    HeapFree(GetProcessHeap(), 0, buf);
    HeapFree(GetProcessHeap(), 0, utf8);
    return ret;
}

/* A queue shut down is bound in name only: nothing new is routed to it. */
static ULONG engine_bind(struct v2_group *g, struct v2_queue *q)
{
    struct hs_group_bind bind = { g->id, q && !q->shut_down ? q->queue_id : 0 };
    return group_ioctl(g, HS_IOCTL_GROUP_BIND, &bind, sizeof(bind));
}

ULONG v2_bind_group(struct v2_group *g, struct v2_queue *q)
{
    ULONG ret;

    if (g->queue == q) return NO_ERROR;
    if ((ret = engine_bind(g, q))) return ret;
    g->queue = q;
    return NO_ERROR;
}

/* The engine drops a closed queue's bindings itself, but only once the
 * close reaches it: requests for the groups get their 503 from now on. */
static void unbind_all(struct v2_queue *q)
{
    struct v2_group *g;
    ULONG ret;

    for (g = groups; g; g = g->next)
        if (g->queue == q && (ret = engine_bind(g, NULL))) TRACE("unbinding %#I64x: %lu\n", g->id, ret);
}

ULONG v2_apply_property(struct v2_session *s, struct v2_group *g, ULONG property, BOOL present, ULONG value,
                        const void *data, ULONG data_len)
{
    struct hs_server_property p = { g ? g->id : 0, property, present, value, data_len };
    BYTE *buf;
    ULONG ret;

    if (!data_len) return queue_ioctl(s->handle, HS_IOCTL_SERVER_PROPERTY, &p, sizeof(p), NULL, 0, NULL, NULL);
    if (!(buf = HeapAlloc(GetProcessHeap(), 0, sizeof(p) + data_len))) return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(buf, &p, sizeof(p));
    memcpy(buf + sizeof(p), data, data_len);
    ret = queue_ioctl(s->handle, HS_IOCTL_SERVER_PROPERTY, buf, sizeof(p) + data_len, NULL, 0, NULL, NULL);
    HeapFree(GetProcessHeap(), 0, buf);
    return ret;
}

static void free_url(struct v2_url *u)
{
    hs_prefix_free(&u->prefix);
    HeapFree(GetProcessHeap(), 0, u->url);
    HeapFree(GetProcessHeap(), 0, u);
}

static void close_group(struct v2_group *g)
{
    struct hs_group_params params = { g->id };
    struct v2_group **p;
    struct v2_url *u;
    ULONG ret;

    /* synchronously: the URLs are free for others when this returns */
    if ((ret = group_ioctl(g, HS_IOCTL_GROUP_CLOSE, &params, sizeof(params)))) TRACE("closing %#I64x: %lu\n", g->id, ret);
    while ((u = g->urls))
    {
        g->urls = u->next;
        free_url(u);
    }
    for (p = &groups; *p; p = &(*p)->next) if (*p == g) { *p = g->next; break; }
    server_props_free(&g->props);
    HeapFree(GetProcessHeap(), 0, g);
}

/* --------------------------------------------------------------- sessions */

ULONG WINAPI HttpCreateServerSession(HTTPAPI_VERSION version, HTTP_SERVER_SESSION_ID *id, ULONG reserved)
{
    struct v2_session *s;
    ULONG ret;

    TRACE("%u.%u %p %#lx\n", version.HttpApiMajorVersion, version.HttpApiMinorVersion, id, reserved);
    if (!id || reserved) return ERROR_INVALID_PARAMETER;
    /* Windows takes 1.0 here too, unlike for request queues */
    if ((version.HttpApiMajorVersion != 1 && version.HttpApiMajorVersion != 2) || version.HttpApiMinorVersion)
        return ERROR_REVISION_MISMATCH;
    if (!httpapi_initialized(HTTP_INITIALIZE_SERVER)) return ERROR_DLL_INIT_FAILED;
    if (!(s = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*s)))) return ERROR_NOT_ENOUGH_MEMORY;
    if ((ret = device_open(&s->handle)))
    {
        HeapFree(GetProcessHeap(), 0, s);
        return ret;
    }
    server_props_init(&s->props);
    s->id = new_id();
    v2_lock();
    s->next = sessions;
    sessions = s;
    v2_unlock();
    *id = s->id;
    TRACE("session %#I64x\n", s->id);
    return NO_ERROR;
}

/* Closing a session closes its URL groups. */
ULONG WINAPI HttpCloseServerSession(HTTP_SERVER_SESSION_ID id)
{
    struct v2_session *s, **p;
    struct v2_group *g, *next;

    TRACE("%#I64x\n", id);
    v2_lock();
    if (!(s = v2_find_session(id)))
    {
        v2_unlock();
        return ERROR_INVALID_PARAMETER;
    }
    for (g = groups; g; g = next)
    {
        next = g->next;
        if (g->session == s) close_group(g);
    }
    for (p = &sessions; *p; p = &(*p)->next) if (*p == s) { *p = s->next; break; }
    v2_unlock();
    CloseHandle(s->handle);
    server_props_free(&s->props);
    HeapFree(GetProcessHeap(), 0, s);
    return NO_ERROR;
}

/* ------------------------------------------------------------- URL groups */

ULONG WINAPI HttpCreateUrlGroup(HTTP_SERVER_SESSION_ID session, HTTP_URL_GROUP_ID *id, ULONG reserved)
{
    struct hs_group_params params;
    struct v2_group *g;
    struct v2_session *s;
    ULONG ret;

    TRACE("%#I64x %p %#lx\n", session, id, reserved);
    if (!id || reserved) return ERROR_INVALID_PARAMETER;
    if (!(g = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*g)))) return ERROR_NOT_ENOUGH_MEMORY;
    server_props_init(&g->props);
    v2_lock();
    if (!(s = v2_find_session(session)))
    {
        v2_unlock();
        HeapFree(GetProcessHeap(), 0, g);
        return ERROR_INVALID_PARAMETER;
    }
    g->session = s;
    g->id = params.group = new_id();
    if ((ret = group_ioctl(g, HS_IOCTL_GROUP_CREATE, &params, sizeof(params))))
    {
        v2_unlock();
        HeapFree(GetProcessHeap(), 0, g);
        return ret;
    }
    g->next = groups;
    groups = g;
    *id = g->id;
    v2_unlock();
    TRACE("group %#I64x\n", *id);
    return NO_ERROR;
}

ULONG WINAPI HttpCloseUrlGroup(HTTP_URL_GROUP_ID id)
{
    struct v2_group *g;

    TRACE("%#I64x\n", id);
    v2_lock();
    if (!(g = v2_find_group(id)))
    {
        v2_unlock();
        return ERROR_INVALID_PARAMETER;
    }
    close_group(g);
    v2_unlock();
    return NO_ERROR;
}

static ULONG parse_url(const WCHAR *url, struct hs_prefix *prefix)
{
    char *utf8;
    int len;
    ULONG ret;

    memset(prefix, 0, sizeof(*prefix));
    if (!(utf8 = utf16_to_utf8(url, &len))) return ERROR_INVALID_PARAMETER;
    ret = hs_prefix_parse(utf8, len, prefix);
    HeapFree(GetProcessHeap(), 0, utf8);
    return ret;
}

ULONG WINAPI HttpAddUrlToUrlGroup(HTTP_URL_GROUP_ID id, const WCHAR *url, HTTP_URL_CONTEXT context, ULONG reserved)
{
    struct v2_group *g;
    struct v2_url *u;
    SIZE_T size;
    ULONG ret;

    TRACE("%#I64x %s %#I64x %#lx\n", id, debugstr_w(url), context, reserved);
    if (!url || reserved) return ERROR_INVALID_PARAMETER;
    if (!(u = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*u)))) return ERROR_NOT_ENOUGH_MEMORY;
    if ((ret = parse_url(url, &u->prefix)))
    {
        free_url(u);
        return ret;
    }
    size = (lstrlenW(url) + 1) * sizeof(WCHAR);
    if (!(u->url = HeapAlloc(GetProcessHeap(), 0, size)))
    {
        free_url(u);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    memcpy(u->url, url, size);
    u->context = context;

    v2_lock();
    if (!(g = v2_find_group(id))) ret = ERROR_INVALID_PARAMETER;
    else if (!(ret = urlacl_check_register(url)))
        ret = group_url_ioctl(g, HS_IOCTL_GROUP_ADD_URL, url, context);
    if (!ret)
    {
        u->next = g->urls;
        g->urls = u;
    }
    v2_unlock();
    if (ret) free_url(u);
    return ret;
}

ULONG WINAPI HttpRemoveUrlFromUrlGroup(HTTP_URL_GROUP_ID id, const WCHAR *url, ULONG flags)
{
    struct hs_prefix prefix;
    struct v2_group *g;
    struct v2_url *u, **p;
    ULONG ret;

    TRACE("%#I64x %s %#lx\n", id, debugstr_w(url), flags);
    if (flags & ~HTTP_URL_FLAG_REMOVE_ALL) return ERROR_INVALID_PARAMETER;
    if ((flags & HTTP_URL_FLAG_REMOVE_ALL) ? url != NULL : url == NULL) return ERROR_INVALID_PARAMETER;

    v2_lock();
    if (!(g = v2_find_group(id)))
    {
        v2_unlock();
        return ERROR_INVALID_PARAMETER;
    }
    if (flags & HTTP_URL_FLAG_REMOVE_ALL)
    {
        while ((u = g->urls))
        {
            g->urls = u->next;
            if ((ret = group_url_ioctl(g, HS_IOCTL_GROUP_REMOVE_URL, u->url, u->context)))
                TRACE("removing %s: %lu\n", debugstr_w(u->url), ret);
            free_url(u);
        }
        v2_unlock();
        return NO_ERROR;
    }
    if ((ret = parse_url(url, &prefix)))
    {
        v2_unlock();
        return ret;
    }
    ret = ERROR_FILE_NOT_FOUND;   /* documented, and what Windows answers */
    for (p = &g->urls; (u = *p); p = &u->next)
    {
        if (!hs_prefix_equal(&u->prefix, &prefix)) continue;
        if ((ret = group_url_ioctl(g, HS_IOCTL_GROUP_REMOVE_URL, u->url, u->context)))
            TRACE("removing %s: %lu\n", debugstr_w(u->url), ret);
        *p = u->next;
        free_url(u);
        ret = NO_ERROR;
        break;
    }
    v2_unlock();
    hs_prefix_free(&prefix);
    return ret;
}

/* --------------------------------------------------------- request queues */

static BOOL valid_queue_name(const WCHAR *name)
{
    const WCHAR *p;

    if (!name[0]) return FALSE;
    for (p = name; *p; p++) if (*p == '\\') return FALSE;   /* it names an object */
    return TRUE;
}

/* Names a new queue (HS_QNAME_CREATE, with the descriptor it keeps) or
 * joins this handle to the named one (HS_QNAME_OPEN, which returns that
 * descriptor in out).  The engine keeps the names of every process's
 * queues, so a name is taken machine-wide and free again when the last
 * handle to its queue closes. */
static ULONG queue_name_ioctl(HANDLE h, const WCHAR *name, ULONG flags, const BYTE *sd, DWORD sd_len,
                              BYTE *out, DWORD out_len, ULONG *got)
{
    struct hs_queue_name p;
    char utf8[HS_QUEUE_NAME_MAX * 3];
    BYTE *in;
    DWORD in_len;
    int len = 0;
    ULONG ret;

    if (name && !(len = WideCharToMultiByte(CP_UTF8, 0, name, -1, utf8, sizeof(utf8), NULL, NULL)))
        return ERROR_INVALID_NAME;
    p.flags = flags | (sd ? HS_QNAME_SD : 0);
    p.name_len = len ? len - 1 : 0;
    in_len = sizeof(p) + p.name_len + (sd ? sizeof(sd_len) + sd_len : 0);
    if (!(in = HeapAlloc(GetProcessHeap(), 0, in_len))) return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(in, &p, sizeof(p));
    memcpy(in + sizeof(p), utf8, p.name_len);
    if (sd)
    {
        memcpy(in + sizeof(p) + p.name_len, &sd_len, sizeof(sd_len));
        memcpy(in + sizeof(p) + p.name_len + sizeof(sd_len), sd, sd_len);
    }
    ret = queue_ioctl(h, HS_IOCTL_QUEUE_NAME, in, in_len, out, out_len, got, NULL);
    HeapFree(GetProcessHeap(), 0, in);
    return ret;
}

/* HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING: another handle to a queue
 * that a process created with this name, if the queue's descriptor lets
 * this process open it (queuesd.c); a delegator's open is checked the same
 * way. */
static ULONG open_existing_queue(const WCHAR *name, ULONG flags, HANDLE *handle)
{
    ULONG ret, got = 0, qflags = HS_QNAME_OPEN;
    BYTE *sd;
    HANDLE h;

    if (flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION) qflags |= HS_QNAME_DELEGATION;
    if (!(sd = HeapAlloc(GetProcessHeap(), 0, HS_QUEUE_SD_MAX))) return ERROR_NOT_ENOUGH_MEMORY;
    if (!(ret = device_open(&h)))
    {
        if (!(ret = queue_name_ioctl(h, name, qflags, NULL, 0, sd, HS_QUEUE_SD_MAX, &got)) &&
            (ret = queue_sd_check(sd, got)))
            TRACE("%s: this process may not open the queue\n", debugstr_w(name));
        if (ret) CloseHandle(h);
        else *handle = h;
    }
    HeapFree(GetProcessHeap(), 0, sd);
    return ret;
}

/* A named queue keeps the descriptor its creator gave, or the default one
 * (queue_sd_make); it governs who may open the queue by name. */
static ULONG name_new_queue(HANDLE h, const WCHAR *name, const SECURITY_ATTRIBUTES *sa, ULONG flags)
{
    ULONG ret, qflags = HS_QNAME_CREATE | (flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER ? HS_QNAME_CONTROLLER : 0);
    DWORD sd_len = 0;
    BYTE *sd = NULL;

    if (name && (ret = queue_sd_make(sa, &sd, &sd_len))) return ret;
    ret = queue_name_ioctl(h, name, qflags, sd, sd_len, NULL, 0, NULL);
    HeapFree(GetProcessHeap(), 0, sd);
    return ret;
}

ULONG WINAPI HttpCreateRequestQueue(HTTPAPI_VERSION version, const WCHAR *name, SECURITY_ATTRIBUTES *sa, ULONG flags,
                                    HANDLE *handle)
{
    static const ULONG known = HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING | HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER |
                               HTTP_CREATE_REQUEST_QUEUE_FLAG_DELEGATION;
    struct v2_queue *rec, **p;
    struct queue *q;
    HANDLE h;
    ULONG ret;

    TRACE("%u.%u %s %p %#lx %p\n", version.HttpApiMajorVersion, version.HttpApiMinorVersion, debugstr_w(name), sa,
          flags, handle);
    if (version.HttpApiMajorVersion != 2 || version.HttpApiMinorVersion) return ERROR_REVISION_MISMATCH;
    if (!handle || (flags & ~known)) return ERROR_INVALID_PARAMETER;
    if (name && lstrlenW(name) * sizeof(WCHAR) > MAX_PATH) return ERROR_INVALID_PARAMETER;
    if (flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING)
    {
        if (!name || sa || (flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER)) return ERROR_INVALID_PARAMETER;
    }
    /* the descriptor belongs to the queue, named or not */
    if (sa && sa->lpSecurityDescriptor && !IsValidSecurityDescriptor(sa->lpSecurityDescriptor))
        return ERROR_INVALID_PARAMETER;
    if (!httpapi_initialized(HTTP_INITIALIZE_SERVER)) return ERROR_DLL_INIT_FAILED;
    if (name && !valid_queue_name(name)) return ERROR_INVALID_NAME;
    if (!(rec = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*rec)))) return ERROR_NOT_ENOUGH_MEMORY;
    if (flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_OPEN_EXISTING)
    {
        if ((ret = open_existing_queue(name, flags, &h)))
        {
            free_queue_record(rec);
            return ret;
        }
        rec->opened = TRUE;   /* the creator's properties are not ours to set */
    }
    else if ((ret = queue_open(&h, 2)))
    {
        free_queue_record(rec);
        return ret;
    }
    else if ((name || (flags & HTTP_CREATE_REQUEST_QUEUE_FLAG_CONTROLLER)) &&
             (ret = name_new_queue(h, name, sa, flags)))
    {
        CloseHandle(h);
        free_queue_record(rec);
        return ret;
    }
    /* the handle is this process's, as CreateFile's would be */
    if (sa && sa->bInheritHandle) SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    rec->queue_length = 1000;   /* http.sys's default */
    rec->verbosity = Http503ResponseVerbosityBasic;
    rec->state = HttpEnabledStateActive;
    /* maps the fast path now, not on the first request */
    if (!(q = queue_get(h)))
    {
        CloseHandle(h);
        free_queue_record(rec);
        return ERROR_INVALID_HANDLE;
    }
    rec->handle = h;
    rec->queue_id = q->id;
    queue_put(q);

    v2_lock();
    /* a record left by a bare CloseHandle cannot own this value any more */
    for (p = &v2_queues; *p; p = &(*p)->next)
    {
        struct v2_queue *stale = *p;

        if (stale->handle != h) continue;
        *p = stale->next;
        forget_bindings(stale);
        free_queue_record(stale);
        break;
    }
    rec->next = v2_queues;
    v2_queues = rec;
    v2_unlock();
    *handle = h;
    TRACE("queue %p\n", h);
    return NO_ERROR;
}

/* For v1 handles too: they are files on the same device. */
ULONG WINAPI HttpCloseRequestQueue(HANDLE handle)
{
    struct v2_queue *rec;

    TRACE("%p\n", handle);
    if (!handle || handle == INVALID_HANDLE_VALUE) return ERROR_INVALID_PARAMETER;
    v2_lock();
    for (rec = v2_queues; rec; rec = rec->next) if (rec->handle == handle) break;
    if (rec)
    {
        unbind_all(rec);
        forget_bindings(rec);
        unlink_queue(rec);
        free_queue_record(rec);
    }
    v2_unlock();
    queue_forget(handle);
    return CloseHandle(handle) ? NO_ERROR : GetLastError();
}

/*
 * Nothing new is routed to the queue (its groups' requests get 503s),
 * every pending call on the handle ends with ERROR_OPERATION_ABORTED, and
 * later calls fail at once instead of waiting (ERROR_INVALID_HANDLE).
 * CancelIoEx cannot tell receives from other calls: a response still being
 * sent through the driver is cancelled too, where Windows lets it finish.
 */
ULONG WINAPI HttpShutdownRequestQueue(HANDLE handle)
{
    struct v2_queue *rec;
    struct queue *q;

    TRACE("%p\n", handle);
    v2_lock();
    if (!(rec = v2_find_queue(handle)))
    {
        v2_unlock();
        return ERROR_INVALID_PARAMETER;
    }
    if (!rec->shut_down)
    {
        unbind_all(rec);
        if ((q = queue_get(handle)))
        {
            InterlockedExchange(&q->shut_down, 1);
            queue_put(q);
        }
        rec->shut_down = TRUE;
    }
    v2_unlock();
    CancelIoEx(handle, NULL);
    return NO_ERROR;
}

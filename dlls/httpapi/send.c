/*
 * HttpSendHttpResponse and HttpSendResponseEntityBody.
 *
 * The response is flattened into the engine's wire form (the engine adds
 * what http.sys adds: Date, Server, Content-Length, Connection), then goes
 * through the queue's shared memory when it may complete here, or to the
 * driver otherwise.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "httpapi_private.h"
#include "httpapi_ext.h"
#include "filechunk.h"

#define KNOWN_SEND_FLAGS (HTTP_SEND_RESPONSE_FLAG_DISCONNECT | HTTP_SEND_RESPONSE_FLAG_MORE_DATA | \
                          HTTP_SEND_RESPONSE_FLAG_BUFFER_DATA | 0x8 /* ENABLE_NAGLING */ | \
                          0x20 /* PROCESS_RANGES */ | 0x40 /* OPAQUE */ | 0x100 /* GOAWAY */)

/* Unknown bits are refused, as by a Windows without them (ASP.NET Core's
 * HttpSys server tells an old Windows by that answer to GOAWAY).  GOAWAY
 * "must always be specified with DISCONNECT" (http.h); on HTTP/1.x it means
 * no more than DISCONNECT.  DISCONNECT with MORE_DATA is accepted: the
 * documentation calls it undefined, yet ASP.NET Core's HttpSys server sends
 * it for every streamed response on a connection that will close. */
static BOOL send_flags_ok(ULONG flags)
{
    if (flags & ~KNOWN_SEND_FLAGS) return FALSE;
    if ((flags & 0x100 /* GOAWAY */) && !(flags & HTTP_SEND_RESPONSE_FLAG_DISCONNECT)) return FALSE;
    return TRUE;
}

struct blob
{
    uint8_t *data;
    SIZE_T len, cap;
    BOOL failed;
};

static BOOL blob_reserve(struct blob *b, SIZE_T extra)
{
    SIZE_T cap;
    uint8_t *p;

    if (b->failed) return FALSE;
    if (b->len + extra <= b->cap) return TRUE;
    if (b->len + extra > 0x7fff0000) { b->failed = TRUE; return FALSE; }
    for (cap = b->cap ? b->cap : 4096; cap < b->len + extra; cap *= 2) {}
    p = b->data ? HeapReAlloc(GetProcessHeap(), 0, b->data, cap) : HeapAlloc(GetProcessHeap(), 0, cap);
    if (!p) { b->failed = TRUE; return FALSE; }
    b->data = p;
    b->cap = cap;
    return TRUE;
}

static void blob_add(struct blob *b, const void *p, SIZE_T n, struct hs_str *where)
{
    if (where) { where->off = (uint32_t)b->len; where->len = (uint32_t)n; }
    if (!n || !blob_reserve(b, n)) return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Header text must not be able to start a header or a body of its own. */
static BOOL value_ok(const char *v, USHORT len)
{
    USHORT i;
    if (len && !v) return FALSE;
    for (i = 0; i < len; i++) if (v[i] == '\r' || v[i] == '\n' || !v[i]) return FALSE;
    return TRUE;
}

static BOOL token_ok(const char *v, USHORT len)
{
    static const char seps[] = "()<>@,;:\\\"/[]?={} \t";
    USHORT i;
    if (!len || !v) return FALSE;
    for (i = 0; i < len; i++)
        if (v[i] <= 0x20 || v[i] >= 0x7f || strchr(seps, v[i])) return FALSE;
    return TRUE;
}

/* One file chunk the engine will send by name: its table entry and the
 * host path that entry will point at once the table is written. */
struct file_ref
{
    struct hs_wire_file item;
    char *path;
};

/* File chunks the engine will send by name, in body order. */
struct file_refs
{
    struct file_ref *refs;
    UINT count, cap;
    ULONGLONG bytes;
};

static void file_refs_free(struct file_refs *f)
{
    UINT i;
    for (i = 0; i < f->count; i++) HeapFree(GetProcessHeap(), 0, f->refs[i].path);
    HeapFree(GetProcessHeap(), 0, f->refs);
}

/* Hands a large chunk to the engine by name; FALSE: copy it instead. */
static BOOL add_file_ref(struct file_refs *f, HANDLE file, ULONGLONG start, ULONGLONG length, ULONGLONG body_pos)
{
    struct file_ref *ref;
    ULONGLONG index;
    char *path;

    if (length < FILE_CHUNK_BY_NAME_MIN || f->count >= HS_WIRE_MAX_FILES) return FALSE;
    if (f->count == f->cap)
    {
        UINT cap = f->cap ? f->cap * 2 : 4;
        void *refs = f->refs ? HeapReAlloc(GetProcessHeap(), 0, f->refs, cap * sizeof(*f->refs))
                             : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*f->refs));
        if (!refs) return FALSE;
        f->refs = refs;
        f->cap = cap;
    }
    if (!file_chunk_host_file(file, &path, &index)) return FALSE;
    ref = &f->refs[f->count++];
    memset(ref, 0, sizeof(*ref));
    ref->item.body_pos = body_pos;
    ref->item.offset = start;
    ref->item.length = length;
    ref->item.file_index = index;
    ref->path = path;
    f->bytes += length;
    return TRUE;
}

/* Appends the file chunk table (8-aligned) and the paths it names. */
static ULONG add_file_table(struct blob *b, struct hs_wire_response *w, const struct file_refs *f)
{
    struct hs_wire_file *table;
    UINT i;

    if (!f->count) return NO_ERROR;
    while (b->len & 7) blob_add(b, "", 1, NULL);
    w->file_off = (uint32_t)b->len;
    w->file_count = f->count;
    if (!blob_reserve(b, (SIZE_T)f->count * sizeof(*table))) return ERROR_NOT_ENOUGH_MEMORY;
    b->len += (SIZE_T)f->count * sizeof(*table);
    for (i = 0; i < f->count; i++)
    {
        struct hs_wire_file item = f->refs[i].item;
        SIZE_T len = strlen(f->refs[i].path);
        blob_add(b, f->refs[i].path, len + 1, &item.path);
        item.path.len = (uint32_t)len;
        if (b->failed) return ERROR_NOT_ENOUGH_MEMORY;
        memcpy(b->data + w->file_off + i * sizeof(item), &item, sizeof(item));
    }
    return NO_ERROR;
}

static ULONG add_file_chunk(struct blob *b, const HTTP_DATA_CHUNK *chunk, struct file_refs *files, SIZE_T body_off)
{
    HANDLE file = chunk->FromFileHandle.FileHandle;
    ULONGLONG start = chunk->FromFileHandle.ByteRange.StartingOffset.QuadPart;
    ULONGLONG length = chunk->FromFileHandle.ByteRange.Length.QuadPart;
    LARGE_INTEGER size;
    HANDLE event;
    ULONG ret = NO_ERROR;

    if (!GetFileSizeEx(file, &size)) return ERROR_INVALID_PARAMETER;
    if (start > (ULONGLONG)size.QuadPart) return ERROR_INVALID_PARAMETER;
    if (length == HTTP_BYTE_RANGE_TO_EOF || length > (ULONGLONG)size.QuadPart - start)
    {
        if (length != HTTP_BYTE_RANGE_TO_EOF) return ERROR_INVALID_PARAMETER;
        length = size.QuadPart - start;
    }
    if (add_file_ref(files, file, start, length, b->len - body_off)) return NO_ERROR;
    if (!blob_reserve(b, (SIZE_T)length)) return ERROR_NOT_ENOUGH_MEMORY;
    event = CreateEventW(NULL, TRUE, FALSE, NULL);
    while (length && !ret)
    {
        OVERLAPPED ov;
        DWORD want = length > 0x100000 ? 0x100000 : (DWORD)length, got = 0;

        memset(&ov, 0, sizeof(ov));
        ov.Offset = (DWORD)start;
        ov.OffsetHigh = (DWORD)(start >> 32);
        ov.hEvent = (HANDLE)((ULONG_PTR)event | 1);
        if (!ReadFile(file, b->data + b->len, want, &got, &ov))
        {
            if (GetLastError() != ERROR_IO_PENDING || !GetOverlappedResult(file, &ov, &got, TRUE))
                ret = GetLastError();
        }
        if (!ret && !got) ret = ERROR_HANDLE_EOF;
        b->len += got;
        start += got;
        length -= got;
    }
    CloseHandle(event);
    return ret;
}

/* Fragment chunks the engine inserts from its cache, in body order. */
struct frag_refs
{
    struct hs_wire_frag *items;
    char **names;                    /* UTF-8, NUL-terminated */
    UINT count, cap;
};

static void frag_refs_free(struct frag_refs *g)
{
    UINT i;
    for (i = 0; i < g->count; i++) HeapFree(GetProcessHeap(), 0, g->names[i]);
    HeapFree(GetProcessHeap(), 0, g->items);
    HeapFree(GetProcessHeap(), 0, g->names);
}

/* HttpDataChunkFromFragmentCache(Ex): the fragment's name and range, and
 * where it goes among the memory and file chunks. */
static ULONG add_frag_chunk(struct frag_refs *g, const HTTP_DATA_CHUNK *chunk, ULONGLONG body_pos, UINT files_before)
{
    ULONGLONG offset = 0, length = HS_CACHE_TO_EOF;
    const WCHAR *name;
    int wlen, n;
    char *utf8;

    if (chunk->DataChunkType == HttpDataChunkFromFragmentCache)
    {
        name = chunk->FromFragmentCache.pFragmentName;
        wlen = chunk->FromFragmentCache.FragmentNameLength / sizeof(WCHAR);
    }
    else
    {
        const HTTP_DATA_CHUNK_FRAGMENT_CACHE_EX *ex = (const HTTP_DATA_CHUNK_FRAGMENT_CACHE_EX *)chunk;
        name = ex->pFragmentName;
        wlen = name ? lstrlenW(name) : 0;
        offset = ex->ByteRange.StartingOffset.QuadPart;
        length = ex->ByteRange.Length.QuadPart;
    }
    if (!name || wlen <= 0 || g->count >= HS_WIRE_MAX_FRAGS) return ERROR_INVALID_PARAMETER;
    if (g->count == g->cap)
    {
        UINT cap = g->cap ? g->cap * 2 : 4;
        void *items = g->items ? HeapReAlloc(GetProcessHeap(), 0, g->items, cap * sizeof(*g->items))
                               : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*g->items));
        void *names;
        if (!items) return ERROR_NOT_ENOUGH_MEMORY;
        g->items = items;
        names = g->names ? HeapReAlloc(GetProcessHeap(), 0, g->names, cap * sizeof(*g->names))
                         : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(*g->names));
        if (!names) return ERROR_NOT_ENOUGH_MEMORY;
        g->names = names;
        g->cap = cap;
    }
    n = WideCharToMultiByte(CP_UTF8, 0, name, wlen, NULL, 0, NULL, NULL);
    if (n <= 0 || !(utf8 = HeapAlloc(GetProcessHeap(), 0, n + 1))) return ERROR_NOT_ENOUGH_MEMORY;
    WideCharToMultiByte(CP_UTF8, 0, name, wlen, utf8, n, NULL, NULL);
    utf8[n] = 0;
    memset(&g->items[g->count], 0, sizeof(g->items[g->count]));
    g->items[g->count].body_pos = body_pos;
    g->items[g->count].offset = offset;
    g->items[g->count].length = length;
    g->items[g->count].files_before = files_before;
    g->names[g->count++] = utf8;
    return NO_ERROR;
}

/* Appends the fragment chunk table (8-aligned) and the names it holds. */
static ULONG add_frag_table(struct blob *b, struct hs_wire_response *w, const struct frag_refs *g)
{
    struct hs_wire_frags head = { g->count, 0 };
    SIZE_T items;
    UINT i;

    if (!g->count) return NO_ERROR;
    while (b->len & 7) blob_add(b, "", 1, NULL);
    w->frag_off = (uint32_t)b->len;
    blob_add(b, &head, sizeof(head), NULL);
    items = b->len;
    if (!blob_reserve(b, (SIZE_T)g->count * sizeof(*g->items))) return ERROR_NOT_ENOUGH_MEMORY;
    b->len += (SIZE_T)g->count * sizeof(*g->items);
    for (i = 0; i < g->count; i++)
    {
        struct hs_wire_frag item = g->items[i];
        SIZE_T len = strlen(g->names[i]);
        blob_add(b, g->names[i], len + 1, &item.name);
        item.name.len = (uint32_t)len;
        if (b->failed) return ERROR_NOT_ENOUGH_MEMORY;
        memcpy(b->data + items + i * sizeof(item), &item, sizeof(item));
    }
    return NO_ERROR;
}

/* The entity body: memory chunks copied, file chunks copied or named,
 * fragment chunks named. */
static ULONG add_chunks(struct blob *b, struct hs_wire_response *w, USHORT count, const HTTP_DATA_CHUNK *chunks,
                        ULONGLONG *total)
{
    struct file_refs files = { 0 };
    struct frag_refs frags = { 0 };
    USHORT i;
    ULONG ret = NO_ERROR;

    if (count && !chunks) return ERROR_INVALID_PARAMETER;
    w->body.off = (uint32_t)b->len;
    for (i = 0; i < count && !ret; i++)
    {
        switch (chunks[i].DataChunkType)
        {
        case HttpDataChunkFromMemory:
            if (chunks[i].FromMemory.BufferLength && !chunks[i].FromMemory.pBuffer) ret = ERROR_INVALID_PARAMETER;
            else blob_add(b, chunks[i].FromMemory.pBuffer, chunks[i].FromMemory.BufferLength, NULL);
            break;
        case HttpDataChunkFromFileHandle:
            ret = add_file_chunk(b, &chunks[i], &files, w->body.off);
            break;
        case HttpDataChunkFromFragmentCache:
        case HttpDataChunkFromFragmentCacheEx:
            ret = add_frag_chunk(&frags, &chunks[i], b->len - w->body.off, files.count);
            break;
        default:
            /* HttpDataChunkTrailers is for HTTP/2 streams (callers such as
             * ASP.NET Core send it only there, after probing
             * HttpFeatureResponseTrailers, which is FALSE here); over HTTP/1.1
             * the application writes its own chunk framing, trailers included. */
            WARN("data chunk type %u is not supported over HTTP/1.1\n", chunks[i].DataChunkType);
            ret = ERROR_INVALID_PARAMETER;
        }
    }
    w->body.len = (uint32_t)(b->len - w->body.off);
    if (!ret && b->failed) ret = ERROR_NOT_ENOUGH_MEMORY;
    if (!ret) ret = add_file_table(b, w, &files);
    if (!ret) ret = add_frag_table(b, w, &frags);
    *total = w->body.len + files.bytes;
    file_refs_free(&files);
    frag_refs_free(&frags);
    return ret;
}

static ULONG add_headers(struct blob *b, struct hs_wire_response *w, const HTTP_RESPONSE_HEADERS *headers)
{
    struct hs_str *pairs;
    USHORT i;

    for (i = 0; i < HttpHeaderResponseMaximum; i++)
    {
        const HTTP_KNOWN_HEADER *h = &headers->KnownHeaders[i];
        if (!h->RawValueLength) continue;
        if (!value_ok(h->pRawValue, h->RawValueLength)) return ERROR_INVALID_PARAMETER;
        blob_add(b, h->pRawValue, h->RawValueLength, &w->known[i]);
        w->known_present |= 1u << i;
    }
    if (headers->UnknownHeaderCount && !headers->pUnknownHeaders) return ERROR_INVALID_PARAMETER;
    for (i = 0; i < headers->UnknownHeaderCount; i++)
    {
        const HTTP_UNKNOWN_HEADER *h = &headers->pUnknownHeaders[i];
        if (!token_ok(h->pName, h->NameLength) || !value_ok(h->pRawValue, h->RawValueLength))
            return ERROR_INVALID_PARAMETER;
    }
    /* the name/value index goes at an aligned offset inside the blob */
    while (b->len & 7) blob_add(b, "", 1, NULL);
    w->unknown_off = (uint32_t)b->len;
    w->unknown_count = headers->UnknownHeaderCount;
    if (!blob_reserve(b, (SIZE_T)headers->UnknownHeaderCount * 2 * sizeof(struct hs_str))) return ERROR_NOT_ENOUGH_MEMORY;
    b->len += (SIZE_T)headers->UnknownHeaderCount * 2 * sizeof(struct hs_str);
    for (i = 0; i < headers->UnknownHeaderCount; i++)
    {
        const HTTP_UNKNOWN_HEADER *h = &headers->pUnknownHeaders[i];
        struct hs_str name, value;
        blob_add(b, h->pName, h->NameLength, &name);
        blob_add(b, h->pRawValue, h->RawValueLength, &value);
        if (b->failed) return ERROR_NOT_ENOUGH_MEMORY;
        pairs = (struct hs_str *)(b->data + w->unknown_off);
        pairs[2 * i] = name;
        pairs[2 * i + 1] = value;
    }
    return NO_ERROR;
}

static void add_wide(struct blob *b, const WCHAR *s, USHORT bytes, struct hs_str *where)
{
    int n = bytes ? WideCharToMultiByte(CP_UTF8, 0, s, bytes / sizeof(WCHAR), NULL, 0, NULL, NULL) : 0;

    where->off = (uint32_t)b->len;
    where->len = 0;
    if (n <= 0 || !blob_reserve(b, n)) return;
    WideCharToMultiByte(CP_UTF8, 0, s, bytes / sizeof(WCHAR), (char *)b->data + b->len, n, NULL, NULL);
    b->len += n;
    where->len = n;
}

/* pLogData: what W3C logging writes for this response, kept by the engine
 * until the response ends. */
static ULONG add_log(struct blob *b, struct hs_wire_response *w, const void *log_data)
{
    const struct http_log_fields *f = log_data;
    struct hs_wire_log log;

    if (!f) return NO_ERROR;
    if (f->Base.Type != HttpLogDataTypeFields) return ERROR_INVALID_PARAMETER;
    if ((f->UserNameLength && !f->UserName) || (f->UriStemLength && !f->UriStem) ||
        (f->ClientIpLength && !f->ClientIp) || (f->ServerNameLength && !f->ServerName) ||
        (f->ServiceNameLength && !f->ServiceName) || (f->ServerIpLength && !f->ServerIp) ||
        (f->MethodLength && !f->Method) || (f->UriQueryLength && !f->UriQuery) || (f->HostLength && !f->Host) ||
        (f->UserAgentLength && !f->UserAgent) || (f->CookieLength && !f->Cookie) ||
        (f->ReferrerLength && !f->Referrer))
        return ERROR_INVALID_PARAMETER;
    memset(&log, 0, sizeof(log));
    while (b->len & 7) blob_add(b, "", 1, NULL);
    w->log_off = (uint32_t)b->len;
    if (!blob_reserve(b, sizeof(log))) return ERROR_NOT_ENOUGH_MEMORY;
    b->len += sizeof(log);
    add_wide(b, f->UserName, f->UserNameLength, &log.user_name);
    add_wide(b, f->UriStem, f->UriStemLength, &log.uri_stem);
    blob_add(b, f->ClientIp, f->ClientIpLength, &log.client_ip);
    blob_add(b, f->ServerName, f->ServerNameLength, &log.server_name);
    blob_add(b, f->ServiceName, f->ServiceNameLength, &log.service_name);
    blob_add(b, f->ServerIp, f->ServerIpLength, &log.server_ip);
    blob_add(b, f->Method, f->MethodLength, &log.method);
    blob_add(b, f->UriQuery, f->UriQueryLength, &log.uri_query);
    blob_add(b, f->Host, f->HostLength, &log.host);
    blob_add(b, f->UserAgent, f->UserAgentLength, &log.user_agent);
    blob_add(b, f->Cookie, f->CookieLength, &log.cookie);
    blob_add(b, f->Referrer, f->ReferrerLength, &log.referrer);
    log.server_port = f->ServerPort;
    log.protocol_status = f->ProtocolStatus;
    log.sub_status = f->SubStatus;
    log.win32_status = f->Win32Status;
    if (b->failed) return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(b->data + w->log_off, &log, sizeof(log));
    return NO_ERROR;
}

/* Sends a flattened response the way the caller's mode allows. */
static ULONG send_blob(HANDLE handle, struct hs_wire_response *w, struct blob *b, ULONGLONG total,
                       ULONG *sent, OVERLAPPED *ovl)
{
    struct queue *q = queue_get(handle);
    ULONG ret, body = total > 0xffffffffu ? 0xffffffffu : (ULONG)total, counted = 0;
    BOOL done = FALSE;

    if (!q) return ERROR_INVALID_HANDLE;
    if (q->controller)
    {
        queue_put(q);
        return ERROR_INVALID_HANDLE;   /* a controller's handle does no I/O */
    }
    w->size = (uint32_t)b->len;
    memcpy(b->data, w, sizeof(*w));
    if ((ret = fastpath_begin_send(q, w->request_id)))
    {
        queue_put(q);
        return ret;
    }
    /* the engine alone knows the size of fragments, and whether they are cached */
    if (q->shm && !w->frag_off && queue_can_complete_inline(q, ovl))
    {
        fastpath_send(q, (const struct hs_wire_response *)b->data, &done);
        if (done)
        {
            queue_put(q);
            if (sent) *sent = body;
            complete_inline(ovl, body);
            return NO_ERROR;
        }
    }
    queue_put(q);
    ret = queue_ioctl(handle, HS_IOCTL_SEND, b->data, (DWORD)b->len, NULL, 0, &counted, ovl);
    if (ret && ret != ERROR_IO_PENDING && (q = queue_get(handle)))
    {
        fastpath_abort_send(q, w->request_id);   /* the engine never saw it */
        queue_put(q);
    }
    if (!ovl && !ret && sent) *sent = w->frag_off ? counted : body;
    return ret;
}

static ULONG begin_blob(struct blob *b, struct hs_wire_response *w, ULONG kind, HTTP_REQUEST_ID id, ULONG flags)
{
    memset(w, 0, sizeof(*w));
    memset(b, 0, sizeof(*b));
    if (!blob_reserve(b, sizeof(*w) + 512)) return ERROR_NOT_ENOUGH_MEMORY;
    b->len = sizeof(*w);
    w->kind = kind;
    w->request_id = id;
    w->flags = flags;
    return NO_ERROR;
}

ULONG WINAPI HttpSendHttpResponse(HANDLE handle, HTTP_REQUEST_ID id, ULONG flags, HTTP_RESPONSE *response,
                                  void *cache_policy_ptr, ULONG *sent, void *reserved1,
                                  ULONG reserved2, OVERLAPPED *ovl, void *log_data)
{
    HTTP_CACHE_POLICY *cache_policy = cache_policy_ptr;
    struct hs_wire_response w;
    ULONGLONG total;
    struct blob b;
    ULONG ret;

    TRACE("%p %#I64x %#lx %p %p %p %p %lu %p %p\n", handle, id, flags, response, cache_policy, sent,
          reserved1, reserved2, ovl, log_data);
    if (!response || !send_flags_ok(flags) || reserved1 || reserved2) return ERROR_INVALID_PARAMETER;
    if (response->StatusCode > 999 || (response->ReasonLength && !response->pReason)) return ERROR_INVALID_PARAMETER;
    if ((flags & 0x40 /* OPAQUE */) && response->StatusCode != 101) return ERROR_INVALID_PARAMETER;
    if (!value_ok(response->pReason, response->ReasonLength)) return ERROR_INVALID_PARAMETER;
    if (cache_policy && (ULONG)cache_policy->Policy >= HttpCachePolicyMaximum) return ERROR_INVALID_PARAMETER;
    if (!id) return ERROR_CONNECTION_INVALID;

    if ((ret = begin_blob(&b, &w, HS_RESP_HEADERS, id, flags))) return ret;
    if (cache_policy)
    {
        /* the engine keeps the response if it meets the cache's conditions */
        w.cache_policy = cache_policy->Policy;
        w.cache_seconds = cache_policy->SecondsToLive;
    }
    w.status = response->StatusCode;
    w.version_major = (uint8_t)response->Version.MajorVersion;
    w.version_minor = (uint8_t)response->Version.MinorVersion;
    blob_add(&b, response->pReason, response->ReasonLength, &w.reason);
    if (!(ret = add_headers(&b, &w, &response->Headers)) &&
        !(ret = add_chunks(&b, &w, response->EntityChunkCount, response->pEntityChunks, &total)) &&
        !(ret = add_log(&b, &w, log_data)))
        ret = send_blob(handle, &w, &b, total, sent, ovl);
    HeapFree(GetProcessHeap(), 0, b.data);
    return ret;
}

ULONG WINAPI HttpSendResponseEntityBody(HANDLE handle, HTTP_REQUEST_ID id, ULONG flags, USHORT count,
                                        HTTP_DATA_CHUNK *chunks, ULONG *sent, void *reserved1,
                                        ULONG reserved2, OVERLAPPED *ovl, void *log_data)
{
    struct hs_wire_response w;
    ULONGLONG total;
    struct blob b;
    ULONG ret;

    TRACE("%p %#I64x %#lx %u %p %p %p %lu %p %p\n", handle, id, flags, count, chunks, sent, reserved1,
          reserved2, ovl, log_data);
    if (!send_flags_ok(flags) || reserved1 || reserved2) return ERROR_INVALID_PARAMETER;
    if (!id) return ERROR_CONNECTION_INVALID;
    if ((ret = begin_blob(&b, &w, HS_RESP_ENTITY, id, flags))) return ret;
    w.unknown_off = (uint32_t)b.len;
    if (!(ret = add_chunks(&b, &w, count, chunks, &total)) && !(ret = add_log(&b, &w, log_data)))
        ret = send_blob(handle, &w, &b, total, sent, ovl);
    HeapFree(GetProcessHeap(), 0, b.data);
    return ret;
}

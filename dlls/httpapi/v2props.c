/*
 * Properties of server sessions, URL groups and v2 request queues:
 * HttpSet/Query{ServerSession,UrlGroup,RequestQueue}Property.
 *
 * Every property is validated as documented and kept, so that a program
 * configures its server the way it does on Windows and reads back what it
 * set.  The engine applies the binding (v2objects.c), the states, the
 * connection limit, the bandwidth limit, W3C logging (v2log.c), the
 * authentication schemes (as the requests' Auth information), the queue
 * length and the 503 verbosity; the timeouts, flow rate, the other log
 * formats, extended authentication and channel binding are kept only.
 *
 * Structures with pointers are kept as one self-contained block (the
 * structure, then what it points to) and returned the same way by Query:
 * the pointers then point into the caller's buffer.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "v2objects.h"

#define AUTH_SCHEMES_ALL        0x1f    /* HTTP_AUTH_ENABLE_BASIC ... KERBEROS */
#define AUTH_EX_FLAGS_ALL       0x03    /* ENABLE_KERBEROS_CREDENTIAL_CACHING, CAPTURE_CREDENTIAL */
#define LOGGING_FLAGS_ALL       0x0f    /* HTTP_LOGGING_FLAG_* */
#define LOGGING_ERRORS_ONLY     0x04
#define LOGGING_SUCCESS_ONLY    0x08
#define LOG_DIRECTORY_MAX_BYTES 424
#define LOG_ROLLOVER_MIN        (1024 * 1024)   /* HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE */
#define BANDWIDTH_MIN           1024            /* HTTP_MIN_ALLOWED_BANDWIDTH_THROTTLING_RATE */
#define CHANNEL_BIND_FLAGS_ALL  0x3f            /* HTTP_CHANNEL_BIND_* */
#define QUEUE_LENGTH_MAX        0x7fffffff

enum owner { OWNER_SESSION, OWNER_GROUP };

void server_props_init(struct server_props *props)
{
    memset(props, 0, sizeof(*props));
    props->state.State = HttpEnabledStateActive;
    props->bandwidth.MaxBandwidth = HTTP_LIMIT_INFINITE;
    props->connections.MaxConnections = HTTP_LIMIT_INFINITE;
    props->flowrate.MaxBandwidth = HTTP_LIMIT_INFINITE;
    props->flowrate.MaxPeakBandwidth = HTTP_LIMIT_INFINITE;
}

void server_props_free(struct server_props *props)
{
    HeapFree(GetProcessHeap(), 0, props->auth);
    HeapFree(GetProcessHeap(), 0, props->ext_auth);
    HeapFree(GetProcessHeap(), 0, props->logging);
    HeapFree(GetProcessHeap(), 0, props->channel_bind);
    memset(props, 0, sizeof(*props));
}

/* ------------------------------------------------------------------ blocks */

/* Lays data out one piece after another; with no base it only measures. */
struct packer
{
    BYTE *base;
    SIZE_T pos;
};

static void *pk_put(struct packer *p, const void *data, SIZE_T len, SIZE_T align)
{
    BYTE *dst;

    if (!data || !len) return NULL;
    p->pos = (p->pos + align - 1) & ~(align - 1);
    dst = p->base ? p->base + p->pos : NULL;
    if (dst) memcpy(dst, data, len);
    p->pos += len;
    return dst;
}

/* Counted text, terminated as well for callers that look for the end. */
static WCHAR *pk_wstr(struct packer *p, const WCHAR *s, SIZE_T bytes)
{
    static const WCHAR nul;
    WCHAR *dst = pk_put(p, s, bytes, sizeof(WCHAR));

    if (dst || (!p->base && s && bytes)) pk_put(p, &nul, sizeof(nul), 1);
    return dst;
}

static SIZE_T pack_auth(const HTTP_SERVER_AUTHENTICATION_INFO *src, BYTE *out)
{
    struct packer p = { out, 0 };
    HTTP_SERVER_AUTHENTICATION_INFO *dst = pk_put(&p, src, sizeof(*src), 8);
    WCHAR *domain = pk_wstr(&p, src->DigestParams.DomainName, src->DigestParams.DomainNameLength);
    WCHAR *realm = pk_wstr(&p, src->DigestParams.Realm, src->DigestParams.RealmLength);
    WCHAR *basic = pk_wstr(&p, src->BasicParams.Realm, src->BasicParams.RealmLength);

    if (dst)
    {
        dst->DigestParams.DomainName = domain;
        dst->DigestParams.Realm = realm;
        dst->BasicParams.Realm = basic;
    }
    return p.pos;
}

static SIZE_T pack_logging(const HTTP_LOGGING_INFO *src, const void *sd, SIZE_T sd_len, BYTE *out)
{
    struct packer p = { out, 0 };
    HTTP_LOGGING_INFO *dst = pk_put(&p, src, sizeof(*src), 8);
    WCHAR *software = pk_wstr(&p, src->SoftwareName, src->SoftwareNameLength);
    WCHAR *directory = pk_wstr(&p, src->DirectoryName, src->DirectoryNameLength);
    void *sd_copy = pk_put(&p, sd, sd_len, 8);

    if (dst)
    {
        dst->SoftwareName = software;
        dst->DirectoryName = directory;
        dst->pSecurityDescriptor = sd_copy;
    }
    return p.pos;
}

static SIZE_T pack_channel_bind(const HTTP_CHANNEL_BIND_INFO *src, BYTE *out)
{
    struct packer p = { out, 0 };
    HTTP_CHANNEL_BIND_INFO *dst = pk_put(&p, src, sizeof(*src), 8);
    PHTTP_SERVICE_BINDING_BASE *names;
    ULONG i;

    names = pk_put(&p, src->ServiceNames, src->NumberOfServiceNames * sizeof(*names), 8);
    for (i = 0; i < src->NumberOfServiceNames; i++)
    {
        const HTTP_SERVICE_BINDING_BASE *name = src->ServiceNames[i];
        HTTP_SERVICE_BINDING_BASE *copy;

        if (name->Type == HttpServiceBindingTypeW)
        {
            const HTTP_SERVICE_BINDING_W *w = (const HTTP_SERVICE_BINDING_W *)name;
            HTTP_SERVICE_BINDING_W *dw = pk_put(&p, w, sizeof(*w), 8);
            WCHAR *text = pk_put(&p, w->Buffer, w->BufferSize, sizeof(WCHAR));
            if (dw) dw->Buffer = text;
            copy = dw ? &dw->Base : NULL;
        }
        else
        {
            const HTTP_SERVICE_BINDING_A *a = (const HTTP_SERVICE_BINDING_A *)name;
            HTTP_SERVICE_BINDING_A *da = pk_put(&p, a, sizeof(*a), 8);
            char *text = pk_put(&p, a->Buffer, a->BufferSize, 1);
            if (da) da->Buffer = text;
            copy = da ? &da->Base : NULL;
        }
        if (names) names[i] = copy;
    }
    if (dst) dst->ServiceNames = names;
    return p.pos;
}

/* Replaces *slot with a block made by pack(). */
#define STORE_BLOCK(slot, size_expr, pack_expr) do { \
        SIZE_T size_ = (size_expr); \
        BYTE *out = HeapAlloc(GetProcessHeap(), 0, size_); \
        if (!out) return ERROR_NOT_ENOUGH_MEMORY; \
        pack_expr; \
        HeapFree(GetProcessHeap(), 0, (slot)); \
        (slot) = (void *)out; \
    } while (0)

static ULONG give(const void *data, ULONG size, void *buffer, ULONG len, ULONG *ret_len)
{
    if (ret_len) *ret_len = size;
    if (len < size) return ERROR_MORE_DATA;
    memcpy(buffer, data, size);
    return NO_ERROR;
}

/* ------------------------------------------------------------- validation */

static BOOL counted_ok(const void *p, USHORT bytes)
{
    return p || !bytes;
}

static ULONG check_auth(const HTTP_SERVER_AUTHENTICATION_INFO *info, ULONG len)
{
    if (len < sizeof(*info)) return ERROR_INVALID_PARAMETER;
    if (!info->Flags.Present) return NO_ERROR;
    if ((info->AuthSchemes & ~AUTH_SCHEMES_ALL) || (info->ExFlags & ~AUTH_EX_FLAGS_ALL)) return ERROR_INVALID_PARAMETER;
    if (!counted_ok(info->DigestParams.DomainName, info->DigestParams.DomainNameLength) ||
        !counted_ok(info->DigestParams.Realm, info->DigestParams.RealmLength) ||
        !counted_ok(info->BasicParams.Realm, info->BasicParams.RealmLength))
        return ERROR_INVALID_PARAMETER;
    return NO_ERROR;
}

static BOOL full_path(const WCHAR *dir, USHORT bytes)
{
    USHORT n = bytes / sizeof(WCHAR);

    if (n >= 3 && ((dir[0] | 0x20) >= 'a' && (dir[0] | 0x20) <= 'z') && dir[1] == ':' && dir[2] == '\\') return TRUE;
    return n >= 3 && dir[0] == '\\' && dir[1] == '\\';   /* UNC */
}

static ULONG check_logging(const HTTP_LOGGING_INFO *info, ULONG len, enum owner owner)
{
    if (len < sizeof(*info)) return ERROR_INVALID_PARAMETER;
    if (!info->Flags.Present) return NO_ERROR;
    if (info->LoggingFlags & ~LOGGING_FLAGS_ALL) return ERROR_INVALID_PARAMETER;
    if ((info->LoggingFlags & LOGGING_ERRORS_ONLY) && (info->LoggingFlags & LOGGING_SUCCESS_ONLY))
        return ERROR_INVALID_PARAMETER;
    if (!counted_ok(info->SoftwareName, info->SoftwareNameLength) || info->SoftwareNameLength > MAX_PATH)
        return ERROR_INVALID_PARAMETER;
    if (!info->DirectoryName || !info->DirectoryNameLength || info->DirectoryNameLength > LOG_DIRECTORY_MAX_BYTES ||
        !full_path(info->DirectoryName, info->DirectoryNameLength))
        return ERROR_INVALID_PARAMETER;
    switch (info->Format)
    {
    case HttpLoggingTypeW3C: break;
    case HttpLoggingTypeIIS:
    case HttpLoggingTypeNCSA: if (owner == OWNER_SESSION) return ERROR_INVALID_PARAMETER; break;
    case HttpLoggingTypeRaw: if (owner == OWNER_GROUP) return ERROR_INVALID_PARAMETER; break;
    default: return ERROR_INVALID_PARAMETER;
    }
    if (info->pExtFields || info->NumOfExtFields || info->MaxRecordSize) return ERROR_INVALID_PARAMETER;
    if ((ULONG)info->RolloverType > HttpLoggingRolloverHourly) return ERROR_INVALID_PARAMETER;
    if (info->RolloverType == HttpLoggingRolloverSize && info->RolloverSize != HTTP_LIMIT_INFINITE &&
        info->RolloverSize < LOG_ROLLOVER_MIN)
        return ERROR_INVALID_PARAMETER;
    return NO_ERROR;
}

static ULONG check_channel_bind(const HTTP_CHANNEL_BIND_INFO *info, ULONG len)
{
    ULONG i;

    if (len < sizeof(*info)) return ERROR_INVALID_PARAMETER;
    if ((ULONG)info->Hardening > HttpAuthenticationHardeningStrict || (info->Flags & ~CHANNEL_BIND_FLAGS_ALL))
        return ERROR_INVALID_PARAMETER;
    if (info->NumberOfServiceNames && !info->ServiceNames) return ERROR_INVALID_PARAMETER;
    if (info->NumberOfServiceNames > 0x10000) return ERROR_INVALID_PARAMETER;
    for (i = 0; i < info->NumberOfServiceNames; i++)
    {
        const HTTP_SERVICE_BINDING_BASE *name = info->ServiceNames[i];
        const HTTP_SERVICE_BINDING_W *w = (const HTTP_SERVICE_BINDING_W *)name;

        if (!name || (name->Type != HttpServiceBindingTypeW && name->Type != HttpServiceBindingTypeA))
            return ERROR_INVALID_PARAMETER;
        /* the A and W forms share their layout */
        if (!w->Buffer || !w->BufferSize || w->BufferSize > 0x10000) return ERROR_INVALID_PARAMETER;
    }
    return NO_ERROR;
}

/* An absolute descriptor becomes self-relative, so that it can be kept. */
static ULONG copy_sd(PSECURITY_DESCRIPTOR sd, BYTE **out, DWORD *len)
{
    SECURITY_DESCRIPTOR_CONTROL control;
    DWORD revision, n = 0;

    *out = NULL;
    *len = 0;
    if (!sd) return NO_ERROR;
    if (!IsValidSecurityDescriptor(sd) || !GetSecurityDescriptorControl(sd, &control, &revision))
        return ERROR_INVALID_PARAMETER;
    if (control & SE_SELF_RELATIVE)
    {
        n = GetSecurityDescriptorLength(sd);
        if (!(*out = HeapAlloc(GetProcessHeap(), 0, n))) return ERROR_NOT_ENOUGH_MEMORY;
        memcpy(*out, sd, n);
    }
    else
    {
        MakeSelfRelativeSD(sd, NULL, &n);
        if (!n || !(*out = HeapAlloc(GetProcessHeap(), 0, n))) return ERROR_NOT_ENOUGH_MEMORY;
        if (!MakeSelfRelativeSD(sd, *out, &n))
        {
            HeapFree(GetProcessHeap(), 0, *out);
            *out = NULL;
            return ERROR_INVALID_PARAMETER;
        }
    }
    *len = n;
    return NO_ERROR;
}

/* ------------------------------------------------------------ set / query */

static ULONG set_qos(struct v2_session *session, struct v2_group *group, struct server_props *props, enum owner owner,
                     const HTTP_QOS_SETTING_INFO *info, ULONG len)
{
    ULONG ret;

    if (len < sizeof(*info) || !info->QosSetting) return ERROR_INVALID_PARAMETER;
    switch (info->QosType)
    {
    case HttpQosSettingTypeBandwidth:
    {
        const HTTP_BANDWIDTH_LIMIT_INFO *b = info->QosSetting;
        if (b->Flags.Present && b->MaxBandwidth != HTTP_LIMIT_INFINITE && b->MaxBandwidth < BANDWIDTH_MIN)
            return ERROR_INVALID_PARAMETER;
        if ((ret = v2_apply_property(session, group, HS_SPROP_BANDWIDTH, b->Flags.Present, b->MaxBandwidth, NULL, 0)))
            return ret;
        if (!b->Flags.Present)
        {
            props->bandwidth.Flags.Present = 0;
            props->bandwidth.MaxBandwidth = HTTP_LIMIT_INFINITE;
            break;
        }
        props->bandwidth = *b;
        break;
    }
    case HttpQosSettingTypeConnectionLimit:
    {
        /* a URL group's: a session has no connection limit of its own */
        const HTTP_CONNECTION_LIMIT_INFO *c = info->QosSetting;
        if (owner != OWNER_GROUP) return ERROR_INVALID_PARAMETER;
        if ((ret = v2_apply_property(session, group, HS_SPROP_CONN_LIMIT, c->Flags.Present, c->MaxConnections, NULL, 0)))
            return ret;
        if (!c->Flags.Present)
        {
            props->connections.Flags.Present = 0;
            props->connections.MaxConnections = HTTP_LIMIT_INFINITE;
            break;
        }
        props->connections = *c;
        break;
    }
    case HttpQosSettingTypeFlowRate:
    {
        const HTTP_FLOWRATE_INFO *f = info->QosSetting;
        if (!f->Flags.Present)
        {
            props->flowrate.Flags.Present = 0;
            props->flowrate.MaxBandwidth = props->flowrate.MaxPeakBandwidth = HTTP_LIMIT_INFINITE;
            props->flowrate.BurstSize = 0;
            break;
        }
        if ((f->MaxBandwidth != HTTP_LIMIT_INFINITE && f->MaxBandwidth < BANDWIDTH_MIN) ||
            (f->MaxPeakBandwidth != HTTP_LIMIT_INFINITE && f->MaxPeakBandwidth < BANDWIDTH_MIN))
            return ERROR_INVALID_PARAMETER;
        props->flowrate = *f;
        break;
    }
    default:
        return ERROR_INVALID_PARAMETER;
    }
    return NO_ERROR;
}

static ULONG query_qos(const struct server_props *props, enum owner owner, void *buffer, ULONG len, ULONG *ret_len)
{
    HTTP_QOS_SETTING_INFO *info = buffer;
    const void *setting;
    ULONG size;

    /* the caller says which setting it asks for */
    if (len < sizeof(*info)) return ERROR_INVALID_PARAMETER;
    switch (info->QosType)
    {
    case HttpQosSettingTypeBandwidth: setting = &props->bandwidth; size = sizeof(props->bandwidth); break;
    case HttpQosSettingTypeConnectionLimit:
        if (owner != OWNER_GROUP) return ERROR_INVALID_PARAMETER;
        setting = &props->connections; size = sizeof(props->connections); break;
    case HttpQosSettingTypeFlowRate: setting = &props->flowrate; size = sizeof(props->flowrate); break;
    default: return ERROR_INVALID_PARAMETER;
    }
    if (ret_len) *ret_len = sizeof(*info) + size;
    if (len < sizeof(*info) + size) return ERROR_MORE_DATA;
    info->QosSetting = info + 1;
    memcpy(info + 1, setting, size);
    return NO_ERROR;
}

static ULONG set_auth(HTTP_SERVER_AUTHENTICATION_INFO **slot, const HTTP_SERVER_AUTHENTICATION_INFO *info, ULONG len)
{
    ULONG ret;

    if ((ret = check_auth(info, len))) return ret;
    if (!info->Flags.Present)
    {
        HeapFree(GetProcessHeap(), 0, *slot);
        *slot = NULL;
        return NO_ERROR;
    }
    STORE_BLOCK(*slot, pack_auth(info, NULL), pack_auth(info, out));
    return NO_ERROR;
}

static ULONG set_logging(struct v2_session *session, struct v2_group *group, struct server_props *props,
                         enum owner owner, const HTTP_LOGGING_INFO *info, ULONG len)
{
    BYTE *sd;
    DWORD sd_len;
    ULONG ret;

    if ((ret = check_logging(info, len, owner))) return ret;
    if ((ret = v2_apply_logging(session, group, info))) return ret;
    if (!info->Flags.Present)
    {
        HeapFree(GetProcessHeap(), 0, props->logging);
        props->logging = NULL;
        return NO_ERROR;
    }
    if ((ret = copy_sd(info->pSecurityDescriptor, &sd, &sd_len))) return ret;
    {
        SIZE_T size = pack_logging(info, sd, sd_len, NULL);
        BYTE *out = HeapAlloc(GetProcessHeap(), 0, size);
        if (out)
        {
            pack_logging(info, sd, sd_len, out);
            HeapFree(GetProcessHeap(), 0, props->logging);
            props->logging = (HTTP_LOGGING_INFO *)out;
        }
        else ret = ERROR_NOT_ENOUGH_MEMORY;
    }
    HeapFree(GetProcessHeap(), 0, sd);
    return ret;
}

static ULONG set_channel_bind(struct server_props *props, const HTTP_CHANNEL_BIND_INFO *info, ULONG len)
{
    ULONG ret;

    if ((ret = check_channel_bind(info, len))) return ret;
    STORE_BLOCK(props->channel_bind, pack_channel_bind(info, NULL), pack_channel_bind(info, out));
    return NO_ERROR;
}

static ULONG set_binding(struct v2_group *group, const HTTP_BINDING_INFO *info, ULONG len, BOOL delegation)
{
    struct v2_queue *queue = NULL;

    if (len < sizeof(*info)) return ERROR_INVALID_PARAMETER;
    if (info->Flags.Present && !(queue = v2_find_queue(info->RequestQueueHandle))) return ERROR_INVALID_PARAMETER;
    if (delegation)
    {
        group->delegate = queue ? queue->handle : NULL;
        return NO_ERROR;
    }
    return v2_bind_group(group, queue);
}

static ULONG set_prop(struct v2_session *session, struct v2_group *group, ULONG property, const void *info, ULONG len)
{
    struct server_props *props = group ? &group->props : &session->props;
    enum owner owner = group ? OWNER_GROUP : OWNER_SESSION;
    ULONG ret;

    switch (property)
    {
    case HttpServerTimeoutsProperty:
    {
        const HTTP_TIMEOUT_LIMIT_INFO *t = info;
        struct hs_timeouts e;

        if (len < sizeof(*t)) return ERROR_INVALID_PARAMETER;
        /* the engine runs the connections' timers */
        e.entity_body = t->EntityBody;
        e.drain_entity_body = t->DrainEntityBody;
        e.request_queue = t->RequestQueue;
        e.idle_connection = t->IdleConnection;
        e.header_wait = t->HeaderWait;
        e.reserved = 0;
        e.min_send_rate = t->MinSendRate;
        if ((ret = v2_apply_property(session, group, HS_SPROP_TIMEOUTS, t->Flags.Present, 0, &e, sizeof(e))))
            return ret;
        if (t->Flags.Present) props->timeouts = *t;
        else memset(&props->timeouts, 0, sizeof(props->timeouts));
        return NO_ERROR;
    }
    case HttpServerStateProperty:
    {
        const HTTP_STATE_INFO *s = info;
        if (len < sizeof(*s)) return ERROR_INVALID_PARAMETER;
        if (s->Flags.Present && (ULONG)s->State > HttpEnabledStateInactive) return ERROR_INVALID_PARAMETER;
        if ((ret = v2_apply_property(session, group, HS_SPROP_STATE, s->Flags.Present, s->State, NULL, 0)))
            return ret;
        if (!s->Flags.Present)
        {
            props->state.Flags.Present = 0;
            props->state.State = HttpEnabledStateActive;
            return NO_ERROR;
        }
        props->state = *s;
        return NO_ERROR;
    }
    case HttpServerQosProperty:
        return set_qos(session, group, props, owner, info, len);
    case HttpServerAuthenticationProperty:
    {
        const HTTP_SERVER_AUTHENTICATION_INFO *a = info;
        if ((ret = check_auth(a, len))) return ret;
        if ((ret = v2_apply_property(session, group, HS_SPROP_AUTH, a->Flags.Present, a->AuthSchemes, NULL, 0)))
            return ret;
        return set_auth(&props->auth, info, len);
    }
    case HttpServerExtendedAuthenticationProperty:
        return set_auth(&props->ext_auth, info, len);
    case HttpServerLoggingProperty:
        return set_logging(session, group, props, owner, info, len);
    case HttpServerChannelBindProperty:
        return set_channel_bind(props, info, len);
    case HttpServerListenEndpointProperty:
    {
        const HTTP_LISTEN_ENDPOINT_INFO *l = info;
        if (owner != OWNER_SESSION || len < sizeof(*l)) return ERROR_INVALID_PARAMETER;
        if (l->Flags.Present) props->listen = *l;
        else memset(&props->listen, 0, sizeof(props->listen));
        return NO_ERROR;
    }
    case HttpServerBindingProperty:
        if (owner != OWNER_GROUP) return ERROR_INVALID_PARAMETER;
        return set_binding(group, info, len, FALSE);
    case HTTP_SERVER_DELEGATION_PROPERTY:
        if (owner != OWNER_GROUP) return ERROR_INVALID_PARAMETER;
        return set_binding(group, info, len, TRUE);
    default:
        /* the queue's own properties among them: QueueLength, 503Verbosity */
        return ERROR_INVALID_PARAMETER;
    }
}

static ULONG query_block(const void *block, SIZE_T (*pack)(const void *, BYTE *), SIZE_T empty_size,
                         void *buffer, ULONG len, ULONG *ret_len)
{
    SIZE_T size = block ? pack(block, NULL) : empty_size;

    if (ret_len) *ret_len = (ULONG)size;
    if (len < size) return ERROR_MORE_DATA;
    if (block) pack(block, buffer);
    else memset(buffer, 0, size);
    return NO_ERROR;
}

static SIZE_T pack_auth_any(const void *src, BYTE *out) { return pack_auth(src, out); }
static SIZE_T pack_channel_bind_any(const void *src, BYTE *out) { return pack_channel_bind(src, out); }

static ULONG query_prop(const struct server_props *props, enum owner owner, ULONG property, void *buffer, ULONG len,
                        ULONG *ret_len)
{
    switch (property)
    {
    case HttpServerTimeoutsProperty:
        return give(&props->timeouts, sizeof(props->timeouts), buffer, len, ret_len);
    case HttpServerStateProperty:
        return give(&props->state, sizeof(props->state), buffer, len, ret_len);
    case HttpServerQosProperty:
        return query_qos(props, owner, buffer, len, ret_len);
    case HttpServerAuthenticationProperty:
        return query_block(props->auth, pack_auth_any, sizeof(HTTP_SERVER_AUTHENTICATION_INFO), buffer, len, ret_len);
    case HttpServerExtendedAuthenticationProperty:
        return query_block(props->ext_auth, pack_auth_any, sizeof(HTTP_SERVER_AUTHENTICATION_INFO), buffer, len, ret_len);
    case HttpServerChannelBindProperty:
        return query_block(props->channel_bind, pack_channel_bind_any, sizeof(HTTP_CHANNEL_BIND_INFO), buffer, len, ret_len);
    case HttpServerListenEndpointProperty:
        if (owner != OWNER_SESSION) return ERROR_INVALID_PARAMETER;
        return give(&props->listen, sizeof(props->listen), buffer, len, ret_len);
    default:
        /* Logging cannot be queried (documented), nor Binding */
        return ERROR_INVALID_PARAMETER;
    }
}

/* ------------------------------------------------------ sessions, groups */

ULONG WINAPI HttpSetServerSessionProperty(HTTP_SERVER_SESSION_ID id, HTTP_SERVER_PROPERTY property, void *info, ULONG len)
{
    struct v2_session *s;
    ULONG ret;

    TRACE("%#I64x %u %p %lu\n", id, property, info, len);
    if (!info || !len) return ERROR_INVALID_PARAMETER;
    v2_lock();
    ret = (s = v2_find_session(id)) ? set_prop(s, NULL, property, info, len) : ERROR_INVALID_PARAMETER;
    v2_unlock();
    return ret;
}

ULONG WINAPI HttpQueryServerSessionProperty(HTTP_SERVER_SESSION_ID id, HTTP_SERVER_PROPERTY property, void *buffer,
                                            ULONG len, ULONG *ret_len)
{
    struct v2_session *s;
    ULONG ret;

    TRACE("%#I64x %u %p %lu %p\n", id, property, buffer, len, ret_len);
    if (!buffer || !len) return ERROR_INVALID_PARAMETER;
    v2_lock();
    ret = (s = v2_find_session(id)) ? query_prop(&s->props, OWNER_SESSION, property, buffer, len, ret_len)
                                    : ERROR_INVALID_PARAMETER;
    v2_unlock();
    return ret;
}

ULONG WINAPI HttpSetUrlGroupProperty(HTTP_URL_GROUP_ID id, HTTP_SERVER_PROPERTY property, void *info, ULONG len)
{
    struct v2_group *g;
    ULONG ret;

    TRACE("%#I64x %u %p %lu\n", id, property, info, len);
    if (!info || !len) return ERROR_INVALID_PARAMETER;
    v2_lock();
    ret = (g = v2_find_group(id)) ? set_prop(g->session, g, property, info, len) : ERROR_INVALID_PARAMETER;
    v2_unlock();
    return ret;
}

ULONG WINAPI HttpQueryUrlGroupProperty(HTTP_URL_GROUP_ID id, HTTP_SERVER_PROPERTY property, void *buffer, ULONG len,
                                       ULONG *ret_len)
{
    struct v2_group *g;
    ULONG ret;

    TRACE("%#I64x %u %p %lu %p\n", id, property, buffer, len, ret_len);
    if (!buffer || !len) return ERROR_INVALID_PARAMETER;
    v2_lock();
    ret = (g = v2_find_group(id)) ? query_prop(&g->props, OWNER_GROUP, property, buffer, len, ret_len)
                                  : ERROR_INVALID_PARAMETER;
    v2_unlock();
    return ret;
}

/* ---------------------------------------------------------- request queues */

/* Not one of our v2 queues: a v1 handle is told so (ERROR_NOT_SUPPORTED). */
static ULONG not_a_v2_queue(HANDLE handle)
{
    struct queue *q = queue_get(handle);
    ULONG ret;

    if (!q) return ERROR_INVALID_HANDLE;
    ret = q->image == HS_IMAGE_V1 ? ERROR_NOT_SUPPORTED : ERROR_INVALID_PARAMETER;
    queue_put(q);
    return ret;
}

ULONG WINAPI HttpSetRequestQueueProperty(HANDLE handle, HTTP_SERVER_PROPERTY property, void *info, ULONG len,
                                         ULONG reserved, void *reserved2)
{
    struct hs_queue_limits limits;
    struct v2_queue *q;
    ULONG value, ret = NO_ERROR;

    TRACE("%p %u %p %lu %#lx %p\n", handle, property, info, len, reserved, reserved2);
    if (reserved || reserved2 || !info || !len) return ERROR_INVALID_PARAMETER;
    v2_lock();
    if (!(q = v2_find_queue(handle)))
    {
        v2_unlock();
        return not_a_v2_queue(handle);
    }
    /* each is a ULONG-sized value; callers passing a wider integer are fine;
     * only the queue's creator may set them */
    if (len < sizeof(ULONG) || q->opened) ret = ERROR_INVALID_PARAMETER;
    else
    {
        value = *(const ULONG *)info;
        switch (property)
        {
        case HttpServerQueueLengthProperty:
            if (!value || value > QUEUE_LENGTH_MAX) ret = ERROR_INVALID_PARAMETER;
            else q->queue_length = value;
            break;
        case HttpServer503VerbosityProperty:
            if (value > Http503ResponseVerbosityFull) ret = ERROR_INVALID_PARAMETER;
            else q->verbosity = value;
            break;
        case HttpServerStateProperty:
            if (value > HttpEnabledStateInactive) ret = ERROR_INVALID_PARAMETER;
            else q->state = value;
            break;
        default:
            ret = ERROR_INVALID_PARAMETER;
            break;
        }
    }
    limits.length = q->queue_length;
    limits.verbosity = q->verbosity;
    v2_unlock();
    /* the engine applies these: it refuses the requests beyond the length,
     * and all of them while the queue is disabled */
    if (!ret && (property == HttpServerQueueLengthProperty || property == HttpServer503VerbosityProperty))
        ret = queue_ioctl(handle, HS_IOCTL_QUEUE_LIMITS, &limits, sizeof(limits), NULL, 0, NULL, NULL);
    else if (!ret && property == HttpServerStateProperty)
        ret = queue_ioctl(handle, HS_IOCTL_QUEUE_STATE, &value, sizeof(value), NULL, 0, NULL, NULL);
    return ret;
}

ULONG WINAPI HttpQueryRequestQueueProperty(HANDLE handle, HTTP_SERVER_PROPERTY property, void *buffer, ULONG len,
                                           ULONG reserved, ULONG *ret_len, void *reserved2)
{
    struct v2_queue *q;
    ULONG value, ret;

    TRACE("%p %u %p %lu %#lx %p %p\n", handle, property, buffer, len, reserved, ret_len, reserved2);
    if (reserved || reserved2 || !buffer || !len) return ERROR_INVALID_PARAMETER;
    v2_lock();
    if (!(q = v2_find_queue(handle)))
    {
        v2_unlock();
        return not_a_v2_queue(handle);
    }
    switch (property)
    {
    case HttpServerQueueLengthProperty: value = q->queue_length; break;
    case HttpServer503VerbosityProperty: value = q->verbosity; break;
    case HttpServerStateProperty: value = q->state; break;
    default:
        v2_unlock();
        return ERROR_INVALID_PARAMETER;
    }
    v2_unlock();
    ret = give(&value, sizeof(value), buffer, len, ret_len);
    return ret;
}

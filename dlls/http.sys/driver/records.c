#include <ntifs.h>
#include <stdio.h>

#include "records.h"
#include "link.h"

#ifndef TEXT_MAX   /* fuzz_config_store builds it smaller too */
#define TEXT_MAX (256 * 1024)
#endif

struct text
{
    char *data;
    uint32_t len, cap;
    uint32_t line;   /* where the record being written starts */
    int cut;         /* part of it did not fit */
};

static void add(struct text *t, const char *s)
{
    size_t n = strlen(s);
    if (!t->data || t->len + n + 1 > t->cap)
    {
        t->cut = 1;   /* full: never overrun */
        return;
    }
    memcpy(t->data + t->len, s, n);
    t->len += (uint32_t)n;
    t->data[t->len] = 0;
}

/* Ends a record: one that did not fit whole is dropped whole, as a record
 * cut short (a binding without its store or part of its hash) would read
 * as another one. */
static void end_line(struct text *t)
{
    add(t, "\n");
    if (t->cut && t->data)
    {
        t->len = t->line;
        t->data[t->len] = 0;
    }
    t->line = t->len;
    t->cut = 0;
}

/* UTF-16 to UTF-8 with the bytes that would break a line or a key=value
 * pair written as %XX. */
static void add_escaped(struct text *t, const WCHAR *s, unsigned count)
{
    char buf[8];
    unsigned i;

    for (i = 0; i < count && s[i]; i++)
    {
        unsigned c = s[i], n = 0, k;
        unsigned char bytes[4];
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < count && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000)
            c = 0x10000 + ((c - 0xd800) << 10) + (s[++i] - 0xdc00);
        if (c < 0x80) bytes[n++] = (unsigned char)c;
        else if (c < 0x800) { bytes[n++] = 0xc0 | c >> 6; bytes[n++] = 0x80 | (c & 0x3f); }
        else if (c < 0x10000) { bytes[n++] = 0xe0 | c >> 12; bytes[n++] = 0x80 | ((c >> 6) & 0x3f); bytes[n++] = 0x80 | (c & 0x3f); }
        else { bytes[n++] = 0xf0 | c >> 18; bytes[n++] = 0x80 | ((c >> 12) & 0x3f); bytes[n++] = 0x80 | ((c >> 6) & 0x3f); bytes[n++] = 0x80 | (c & 0x3f); }
        for (k = 0; k < n; k++)
        {
            if (bytes[k] <= 0x20 || bytes[k] == '%' || bytes[k] == '=' || bytes[k] == 0x7f)
                _snprintf(buf, sizeof(buf), "%%%02X", bytes[k]);
            else { buf[0] = (char)bytes[k]; buf[1] = 0; }
            add(t, buf);
        }
    }
}

static HANDLE open_key(HANDLE parent, const WCHAR *name, const UNICODE_STRING *full)
{
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES attr;
    HANDLE key;

    if (full) us = *full;
    else RtlInitUnicodeString(&us, name);
    InitializeObjectAttributes(&attr, &us, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, parent, NULL);
    return ZwOpenKey(&key, KEY_READ, &attr) ? NULL : key;
}

/* Reads one value into info (a caller buffer of 4 kB); NULL if absent. */
static KEY_VALUE_PARTIAL_INFORMATION *query(HANDLE key, const WCHAR *name, void *buf, ULONG cap)
{
    UNICODE_STRING us;
    ULONG size;

    RtlInitUnicodeString(&us, name);
    return ZwQueryValueKey(key, &us, KeyValuePartialInformation, buf, cap, &size) ? NULL : buf;
}

static int query_dword(HANDLE key, const WCHAR *name, ULONG *out)
{
    ULONG buf[8];
    KEY_VALUE_PARTIAL_INFORMATION *v = query(key, name, buf, sizeof(buf));
    if (!v || v->Type != REG_DWORD || v->DataLength != sizeof(ULONG)) return 0;
    *out = *(const ULONG *)v->Data;
    return 1;
}

static void add_dword_record(struct text *t, HANDLE key, const WCHAR *name, const char *line)
{
    char buf[96];
    ULONG v;

    if (!query_dword(key, name, &v)) return;
    _snprintf(buf, sizeof(buf), "%s %lu", line, v);
    add(t, buf);
    end_line(t);
}

static void add_listen_list(struct text *t, HANDLE params, void *buf, ULONG cap)
{
    KEY_VALUE_PARTIAL_INFORMATION *v = query(params, L"ListenOnlyList", buf, cap);
    const WCHAR *p, *end;

    if (!v || v->Type != REG_MULTI_SZ) return;
    p = (const WCHAR *)v->Data;
    end = p + v->DataLength / sizeof(WCHAR);
    while (p < end && *p)
    {
        unsigned n = 0;
        while (p + n < end && p[n]) n++;
        add(t, "listen ");
        add_escaped(t, p, n);
        end_line(t);
        p += n + 1;
    }
}

static void add_sz(struct text *t, HANDLE key, const WCHAR *name, const char *tag, void *buf, ULONG cap)
{
    KEY_VALUE_PARTIAL_INFORMATION *v = query(key, name, buf, cap);
    if (!v || (v->Type != REG_SZ && v->Type != REG_EXPAND_SZ)) return;
    add(t, " ");
    add(t, tag);
    add(t, "=");
    add_escaped(t, (const WCHAR *)v->Data, v->DataLength / sizeof(WCHAR));
}

static void add_binding(struct text *t, HANDLE root, const char *kind, const WCHAR *name, unsigned name_len,
                        void *buf, ULONG cap)
{
    UNICODE_STRING us;
    HANDLE key;
    KEY_VALUE_PARTIAL_INFORMATION *v;
    char tmp[64];
    ULONG d, i;

    us.Buffer = (WCHAR *)name;
    us.Length = us.MaximumLength = (USHORT)(name_len * sizeof(WCHAR));
    if (!(key = open_key(root, NULL, &us))) return;
    add(t, "ssl ");
    add(t, kind);
    add(t, " ");
    add_escaped(t, name, name_len);
    if ((v = query(key, L"SslCertHash", buf, cap)) && v->Type == REG_BINARY && v->DataLength <= 64)
    {
        add(t, " hash=");
        for (i = 0; i < v->DataLength; i++)
        {
            _snprintf(tmp, sizeof(tmp), "%02x", v->Data[i]);
            add(t, tmp);
        }
    }
    add_sz(t, key, L"SslCertStoreName", "store", buf, cap);
    if (query_dword(key, L"DefaultFlags", &d)) { _snprintf(tmp, sizeof(tmp), " flags=%lu", d); add(t, tmp); }
    if (query_dword(key, L"DefaultSslCertCheckMode", &d)) { _snprintf(tmp, sizeof(tmp), " checkmode=%lu", d); add(t, tmp); }
    if (query_dword(key, L"DefaultSslRevocationFreshnessTime", &d)) { _snprintf(tmp, sizeof(tmp), " freshness=%lu", d); add(t, tmp); }
    if (query_dword(key, L"DefaultSslRevocationUrlRetrievalTimeout", &d)) { _snprintf(tmp, sizeof(tmp), " urltimeout=%lu", d); add(t, tmp); }
    add_sz(t, key, L"DefaultSslCtlIdentifier", "ctlid", buf, cap);
    add_sz(t, key, L"DefaultSslCtlStoreName", "ctlstore", buf, cap);
    end_line(t);
    ZwClose(key);
}

static void add_bindings(struct text *t, HANDLE params, const WCHAR *root_name, const char *kind, void *buf, ULONG cap)
{
    HANDLE root = open_key(params, root_name, NULL);
    KEY_BASIC_INFORMATION *info = buf;
    ULONG index, size;

    if (!root) return;
    for (index = 0;; index++)
    {
        NTSTATUS status = ZwEnumerateKey(root, index, KeyBasicInformation, info, cap / 2, &size);
        if (status == STATUS_NO_MORE_ENTRIES) break;
        if (status) continue;
        add_binding(t, root, kind, info->Name, info->NameLength / sizeof(WCHAR), (char *)buf + cap / 2, cap / 2);
    }
    ZwClose(root);
}

char *records_read(const void *registry_path, uint32_t *len)
{
    const UNICODE_STRING *service = registry_path;
    static const WCHAR suffix[] = L"\\Parameters";
    struct text t = { link_alloc(TEXT_MAX), 0, TEXT_MAX, 0, 0 };
    WCHAR path[512];
    UNICODE_STRING us;
    HANDLE params;
    void *buf = link_alloc(16384);

    *len = 0;
    if (!t.data || !buf) { link_free(t.data); link_free(buf); return NULL; }
    t.data[0] = 0;
    if (service->Length + sizeof(suffix) <= sizeof(path))
    {
        memcpy(path, service->Buffer, service->Length);
        memcpy((char *)path + service->Length, suffix, sizeof(suffix));
        RtlInitUnicodeString(&us, path);
        if ((params = open_key(NULL, NULL, &us)))
        {
            add_listen_list(&t, params, buf, 16384);
            add_dword_record(&t, params, L"IdleConnectionTimeout", "timeout idle");
            add_dword_record(&t, params, L"HeaderWaitTimeout", "timeout headerwait");
            add_dword_record(&t, params, L"MaxCacheResponseSize", "cache maxresponse");
            add_dword_record(&t, params, L"CacheRangeChunkSize", "cache rangechunk");
            add_dword_record(&t, params, L"TlsThrottle", "setting tlsthrottle");
            add_bindings(&t, params, L"SslBindingInfo", "ip", buf, 16384);
            add_bindings(&t, params, L"SslSniBindingInfo", "sni", buf, 16384);
            add_bindings(&t, params, L"SslCcsBindingInfo", "ccs", buf, 16384);
            add_bindings(&t, params, L"SslScopedCcsBindingInfo", "scoped", buf, 16384);
            ZwClose(params);
        }
    }
    link_free(buf);
    *len = t.len;
    return t.data;
}

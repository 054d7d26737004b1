/*
 * SSL certificate bindings: by IP:port (SslBindingInfo), by SNI host:port
 * (SslSniBindingInfo), for the central certificate store (SslCcsBindingInfo)
 * and scoped CCS (SslScopedCcsBindingInfo), with their extended ("Ex")
 * properties.  One registry key per binding, Windows' value names.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <http.h>
#include <stddef.h>

#include "httpapi_private.h"
#include "config.h"
#include "certkey.h"

enum binding_kind { KIND_IP, KIND_SNI, KIND_CCS, KIND_SCOPED };

static const WCHAR *const kind_keys[] =
{
    L"SslBindingInfo", L"SslSniBindingInfo", L"SslCcsBindingInfo", L"SslScopedCcsBindingInfo"
};

/* A binding as the registry holds it. */
struct binding
{
    BYTE hash[HTTP_SSL_CERT_SHA_HASH_LENGTH];
    DWORD hash_len;
    GUID appid;
    WCHAR store[HTTP_SSL_CERT_STORE_NAME_LENGTH];
    BOOL has_store;
    DWORD check_mode, freshness, url_timeout, flags;
    WCHAR ctl_id[256], ctl_store[256];
    BOOL has_ctl_id, has_ctl_store;
};

static enum binding_kind kind_of(HTTP_SERVICE_CONFIG_ID id)
{
    switch ((int)id)
    {
    case 5: case 9: return KIND_SNI;
    case 6: case 10: return KIND_CCS;
    case 11: case 12: return KIND_SCOPED;
    default: return KIND_IP;
    }
}

static BOOL is_ex(HTTP_SERVICE_CONFIG_ID id)
{
    return id == 8 || id == 9 || id == 10 || id == 12;
}

/* ------------------------------------------------------------------ keys */

static ULONG ip_key_name(const SOCKADDR *sa, WCHAR *name, DWORD cap)
{
    ULONG ret = config_sockaddr_valid(sa, 0, TRUE);
    if (!ret) config_format_addr(sa, TRUE, name, cap);
    return ret;
}

static ULONG sni_key_name(const HTTP_SERVICE_CONFIG_SSL_SNI_KEY *key, WCHAR *name, DWORD cap)
{
    ULONG ret = config_sockaddr_valid((const SOCKADDR *)&key->IpPort, 0, TRUE);
    USHORT port;
    int len;

    if (ret) return ret;
    if (!key->Host || !key->Host[0]) return ERROR_INVALID_PARAMETER;
    len = lstrlenW(key->Host);
    /* "*" is the wildcard host of central-store bindings; a registry key
     * name may hold anything but a backslash */
    if (len > 255 || wcspbrk(key->Host, L"\\/: ")) return ERROR_INVALID_PARAMETER;
    port = key->IpPort.ss_family == AF_INET6 ? ntohs(((const SOCKADDR_IN6 *)&key->IpPort)->sin6_port)
                                             : ntohs(((const SOCKADDR_IN *)&key->IpPort)->sin_port);
    _snwprintf(name, cap, L"%s:%u", key->Host, port);
    name[cap - 1] = 0;
    return NO_ERROR;
}

/* CCS bindings are per port: the address is always written 0.0.0.0. */
static ULONG ccs_key_name(const SOCKADDR_STORAGE *addr, WCHAR *name, DWORD cap)
{
    ULONG ret = config_sockaddr_valid((const SOCKADDR *)addr, 0, TRUE);
    USHORT port;

    if (ret) return ret;
    port = addr->ss_family == AF_INET6 ? ntohs(((const SOCKADDR_IN6 *)addr)->sin6_port)
                                       : ntohs(((const SOCKADDR_IN *)addr)->sin_port);
    _snwprintf(name, cap, L"0.0.0.0:%u", port);
    name[cap - 1] = 0;
    return NO_ERROR;
}

/* The record's key, from the structure the caller passed for this ConfigId. */
static ULONG key_name(HTTP_SERVICE_CONFIG_ID id, const void *info, WCHAR *name, DWORD cap)
{
    switch (kind_of(id))
    {
    case KIND_IP:
        if (is_ex(id)) return ip_key_name((const SOCKADDR *)&((const HTTP_SERVICE_CONFIG_SSL_SET_EX *)info)->KeyDesc.IpPort, name, cap);
        return ip_key_name(((const HTTP_SERVICE_CONFIG_SSL_SET *)info)->KeyDesc.pIpPort, name, cap);
    case KIND_SNI:
    case KIND_SCOPED:
        return sni_key_name(&((const HTTP_SERVICE_CONFIG_SSL_SNI_SET *)info)->KeyDesc, name, cap);
    case KIND_CCS:
        return ccs_key_name(&((const HTTP_SERVICE_CONFIG_SSL_CCS_SET *)info)->KeyDesc.LocalAddress, name, cap);
    }
    return ERROR_INVALID_PARAMETER;
}

static ULONG min_size(HTTP_SERVICE_CONFIG_ID id)
{
    switch ((int)id)
    {
    case 1: return sizeof(HTTP_SERVICE_CONFIG_SSL_SET);
    case 5: case 11: return sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET);
    case 6: return sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET);
    case 8: return sizeof(HTTP_SERVICE_CONFIG_SSL_SET_EX);
    case 9: case 12: return sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX);
    case 10: return sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX);
    }
    return 0;
}

static HKEY open_kind(enum binding_kind kind, BOOL write)
{
    HKEY params = config_open_params(write), key = NULL;

    if (!params) return NULL;
    if (write) RegCreateKeyExW(params, kind_keys[kind], 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL);
    else RegOpenKeyExW(params, kind_keys[kind], 0, KEY_READ, &key);
    RegCloseKey(params);
    return key;
}

/* ---------------------------------------------------------------- params */

static BOOL str_ok(const WCHAR *s, int max)
{
    return !s || lstrlenW(s) < max;
}

static ULONG param_from_caller(enum binding_kind kind, const HTTP_SERVICE_CONFIG_SSL_PARAM *p, struct binding *b)
{
    memset(b, 0, sizeof(*b));
    /* a CCS binding takes its certificates from files: no hash needed */
    if (kind == KIND_CCS && !p->SslHashLength && !p->pSslHash) b->hash_len = 0;
    else
    {
        if (p->SslHashLength != HTTP_SSL_CERT_SHA_HASH_LENGTH || !p->pSslHash) return ERROR_INVALID_PARAMETER;
        memcpy(b->hash, p->pSslHash, HTTP_SSL_CERT_SHA_HASH_LENGTH);
        b->hash_len = HTTP_SSL_CERT_SHA_HASH_LENGTH;
    }
    if (!str_ok(p->pSslCertStoreName, HTTP_SSL_CERT_STORE_NAME_LENGTH) ||
        !str_ok(p->pDefaultSslCtlIdentifier, 256) || !str_ok(p->pDefaultSslCtlStoreName, 256))
        return ERROR_INVALID_PARAMETER;
    if (p->DefaultFlags & ~HTTP_SERVICE_CONFIG_SSL_FLAG_ALL) return ERROR_INVALID_PARAMETER;
    b->appid = p->AppId;
    if ((b->has_store = p->pSslCertStoreName && p->pSslCertStoreName[0])) lstrcpyW(b->store, p->pSslCertStoreName);
    b->check_mode = p->DefaultCertCheckMode;
    b->freshness = p->DefaultRevocationFreshnessTime;
    b->url_timeout = p->DefaultRevocationUrlRetrievalTimeout;
    b->flags = p->DefaultFlags;
    if ((b->has_ctl_id = p->pDefaultSslCtlIdentifier && p->pDefaultSslCtlIdentifier[0])) lstrcpyW(b->ctl_id, p->pDefaultSslCtlIdentifier);
    if ((b->has_ctl_store = p->pDefaultSslCtlStoreName && p->pDefaultSslCtlStoreName[0])) lstrcpyW(b->ctl_store, p->pDefaultSslCtlStoreName);
    return NO_ERROR;
}

static LONG set_dword(HKEY key, const WCHAR *name, DWORD v)
{
    return RegSetValueExW(key, name, 0, REG_DWORD, (const BYTE *)&v, sizeof(v));
}

static LONG set_or_clear_sz(HKEY key, const WCHAR *name, BOOL has, const WCHAR *v)
{
    if (!has)
    {
        LONG status = RegDeleteValueW(key, name);
        return status == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : status;
    }
    return RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)v, (lstrlenW(v) + 1) * sizeof(WCHAR));
}

static LONG write_binding(HKEY key, const struct binding *b)
{
    LONG status;

    if (b->hash_len) status = RegSetValueExW(key, L"SslCertHash", 0, REG_BINARY, b->hash, b->hash_len);
    else if ((status = RegDeleteValueW(key, L"SslCertHash")) == ERROR_FILE_NOT_FOUND) status = ERROR_SUCCESS;
    if (status) return status;
    if ((status = RegSetValueExW(key, L"AppId", 0, REG_BINARY, (const BYTE *)&b->appid, sizeof(b->appid)))) return status;
    if ((status = set_or_clear_sz(key, L"SslCertStoreName", b->has_store, b->store))) return status;
    if ((status = set_dword(key, L"DefaultSslCertCheckMode", b->check_mode))) return status;
    if ((status = set_dword(key, L"DefaultSslRevocationFreshnessTime", b->freshness))) return status;
    if ((status = set_dword(key, L"DefaultSslRevocationUrlRetrievalTimeout", b->url_timeout))) return status;
    if ((status = set_dword(key, L"DefaultFlags", b->flags))) return status;
    if ((status = set_or_clear_sz(key, L"DefaultSslCtlIdentifier", b->has_ctl_id, b->ctl_id))) return status;
    return set_or_clear_sz(key, L"DefaultSslCtlStoreName", b->has_ctl_store, b->ctl_store);
}

static DWORD get_dword(HKEY key, const WCHAR *name)
{
    DWORD v = 0, size = sizeof(v), type;
    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)&v, &size) || type != REG_DWORD || size != sizeof(v)) return 0;
    return v;
}

static BOOL get_sz(HKEY key, const WCHAR *name, WCHAR *out, DWORD cap)
{
    DWORD size = cap * sizeof(WCHAR), type;
    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)out, &size) || (type != REG_SZ && type != REG_EXPAND_SZ))
        return FALSE;
    out[cap - 1] = 0;
    if (size / sizeof(WCHAR) < cap) out[size / sizeof(WCHAR)] = 0;
    return out[0] != 0;
}

/* Reads a binding, tolerating values a .reg import may leave out. */
static void read_binding(HKEY key, struct binding *b)
{
    DWORD size = sizeof(b->hash), type;

    memset(b, 0, sizeof(*b));
    if (!RegQueryValueExW(key, L"SslCertHash", NULL, &type, b->hash, &size) && type == REG_BINARY) b->hash_len = size;
    size = sizeof(b->appid);
    if (RegQueryValueExW(key, L"AppId", NULL, &type, (BYTE *)&b->appid, &size) || size != sizeof(b->appid))
        memset(&b->appid, 0, sizeof(b->appid));
    b->has_store = get_sz(key, L"SslCertStoreName", b->store, HTTP_SSL_CERT_STORE_NAME_LENGTH);
    b->check_mode = get_dword(key, L"DefaultSslCertCheckMode");
    b->freshness = get_dword(key, L"DefaultSslRevocationFreshnessTime");
    b->url_timeout = get_dword(key, L"DefaultSslRevocationUrlRetrievalTimeout");
    b->flags = get_dword(key, L"DefaultFlags");
    b->has_ctl_id = get_sz(key, L"DefaultSslCtlIdentifier", b->ctl_id, 256);
    b->has_ctl_store = get_sz(key, L"DefaultSslCtlStoreName", b->ctl_store, 256);
}

/* ------------------------------------------------------- Ex properties */

struct ex_values { const WCHAR *names[2]; int count; };

static BOOL ex_values(HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE type, struct ex_values *v)
{
    switch (type)
    {
    case ExParamTypeHttp2Window:
        v->names[0] = L"Http2ReceiveWindowSize";
        v->count = 1;
        return TRUE;
    case ExParamTypeHttp2SettingsLimits:
        v->names[0] = L"Http2MaxSettingsPerFrame";
        v->names[1] = L"Http2MaxSettingsPerMinute";
        v->count = 2;
        return TRUE;
    default:
        return FALSE;
    }
}

static BOOL ex_present(HKEY key, const struct ex_values *v)
{
    DWORD type, size = 0;
    return !RegQueryValueExW(key, v->names[0], NULL, &type, NULL, &size) && type == REG_DWORD;
}

static ULONG set_ex(HTTP_SERVICE_CONFIG_ID id, const void *info, BOOL update)
{
    const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *p;
    struct ex_values v;
    WCHAR name[300];
    DWORD values[2];
    HKEY root, key;
    ULONG ret;
    int i;

    if ((ret = key_name(id, info, name, 300))) return ret;
    p = kind_of(id) == KIND_IP ? &((const HTTP_SERVICE_CONFIG_SSL_SET_EX *)info)->ParamDesc
      : kind_of(id) == KIND_CCS ? &((const HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX *)info)->ParamDesc
      : &((const HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX *)info)->ParamDesc;
    if (p->ParamType >= ExParamTypeMax) return ERROR_INVALID_PARAMETER;
    if (!ex_values(p->ParamType, &v)) return ERROR_NOT_SUPPORTED;
    if (p->ParamType == ExParamTypeHttp2Window) values[0] = p->Http2WindowSizeParam.Http2ReceiveWindowSize;
    else
    {
        values[0] = p->Http2SettingsLimitsParam.Http2MaxSettingsPerFrame;
        values[1] = p->Http2SettingsLimitsParam.Http2MaxSettingsPerMinute;
    }
    if (!(root = open_kind(kind_of(id), FALSE))) return ERROR_FILE_NOT_FOUND;
    ret = RegOpenKeyExW(root, name, 0, KEY_ALL_ACCESS, &key) ? ERROR_FILE_NOT_FOUND : NO_ERROR;
    RegCloseKey(root);
    if (ret) return ret;
    if (!update && ex_present(key, &v)) ret = ERROR_ALREADY_EXISTS;
    else if (update && !ex_present(key, &v)) ret = ERROR_FILE_NOT_FOUND;
    for (i = 0; !ret && i < v.count; i++) ret = config_win32_from_reg(set_dword(key, v.names[i], values[i]));
    RegCloseKey(key);
    return ret;
}

/* --------------------------------------------------------------- set */

static ULONG ssl_set(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len, BOOL update)
{
    enum binding_kind kind = kind_of(id);
    const HTTP_SERVICE_CONFIG_SSL_PARAM *p;
    struct binding b;
    WCHAR name[300];
    DWORD disposition;
    HKEY root, key;
    ULONG ret;
    LONG status;

    if (len < min_size(id)) return ERROR_INSUFFICIENT_BUFFER;
    if (is_ex(id)) return set_ex(id, info, update);
    if ((ret = key_name(id, info, name, 300))) return ret;
    p = kind == KIND_IP ? &((const HTTP_SERVICE_CONFIG_SSL_SET *)info)->ParamDesc
      : kind == KIND_CCS ? &((const HTTP_SERVICE_CONFIG_SSL_CCS_SET *)info)->ParamDesc
      : &((const HTTP_SERVICE_CONFIG_SSL_SNI_SET *)info)->ParamDesc;
    if ((ret = param_from_caller(kind, p, &b))) return ret;
    /* The certificate must be there, with its key, before anything is written. */
    if (b.hash_len && certkey_check(b.has_store ? b.store : L"MY", b.hash)) return ERROR_NO_SUCH_LOGON_SESSION;

    if (!(root = open_kind(kind, TRUE))) return ERROR_ACCESS_DENIED;
    if (update)
    {
        status = RegOpenKeyExW(root, name, 0, KEY_ALL_ACCESS, &key);
        if (status) { RegCloseKey(root); return ERROR_FILE_NOT_FOUND; }
        disposition = REG_OPENED_EXISTING_KEY;
    }
    else
    {
        status = RegCreateKeyExW(root, name, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, &disposition);
        if (status) { RegCloseKey(root); return config_win32_from_reg(status); }
        if (disposition == REG_OPENED_EXISTING_KEY)
        {
            RegCloseKey(key);
            RegCloseKey(root);
            return ERROR_ALREADY_EXISTS;
        }
    }
    status = write_binding(key, &b);
    RegCloseKey(key);
    if (status && disposition == REG_CREATED_NEW_KEY) RegDeleteKeyW(root, name);
    RegCloseKey(root);
    return config_win32_from_reg(status);
}

/* ------------------------------------------------------------- delete */

static ULONG ssl_remove(HTTP_SERVICE_CONFIG_ID id, const void *info, ULONG len)
{
    WCHAR name[300];
    HKEY root, key;
    ULONG ret;

    if (len < min_size(id)) return ERROR_INSUFFICIENT_BUFFER;
    if ((ret = key_name(id, info, name, 300))) return ret;
    if (!(root = open_kind(kind_of(id), FALSE))) return ERROR_FILE_NOT_FOUND;
    if (is_ex(id))
    {
        const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *p = kind_of(id) == KIND_IP ? &((const HTTP_SERVICE_CONFIG_SSL_SET_EX *)info)->ParamDesc
            : kind_of(id) == KIND_CCS ? &((const HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX *)info)->ParamDesc
            : &((const HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX *)info)->ParamDesc;
        struct ex_values v;
        int i;

        if (p->ParamType >= ExParamTypeMax) ret = ERROR_INVALID_PARAMETER;
        else if (!ex_values(p->ParamType, &v)) ret = ERROR_NOT_SUPPORTED;
        else if (RegOpenKeyExW(root, name, 0, KEY_ALL_ACCESS, &key)) ret = ERROR_FILE_NOT_FOUND;
        else
        {
            if (!ex_present(key, &v)) ret = ERROR_FILE_NOT_FOUND;
            for (i = 0; !ret && i < v.count; i++) RegDeleteValueW(key, v.names[i]);
            RegCloseKey(key);
        }
    }
    else
    {
        LONG status = RegDeleteKeyW(root, name);
        ret = status == ERROR_FILE_NOT_FOUND ? ERROR_FILE_NOT_FOUND : config_win32_from_reg(status);
    }
    RegCloseKey(root);
    return ret;
}

/* -------------------------------------------------------------- query */

static void fill_param(struct out_buf *o, const struct binding *b, HTTP_SERVICE_CONFIG_SSL_PARAM *p)
{
    BYTE *hash = b->hash_len ? out_take(o, b->hash_len, 1) : NULL;
    WCHAR *store = b->has_store ? out_wstr(o, b->store) : NULL;
    WCHAR *ctl_id = b->has_ctl_id ? out_wstr(o, b->ctl_id) : NULL;
    WCHAR *ctl_store = b->has_ctl_store ? out_wstr(o, b->ctl_store) : NULL;

    if (!p) return;
    if (hash) memcpy(hash, b->hash, b->hash_len);
    p->SslHashLength = b->hash_len;
    p->pSslHash = hash;
    p->AppId = b->appid;
    p->pSslCertStoreName = store;
    p->DefaultCertCheckMode = b->check_mode;
    p->DefaultRevocationFreshnessTime = b->freshness;
    p->DefaultRevocationUrlRetrievalTimeout = b->url_timeout;
    p->pDefaultSslCtlIdentifier = ctl_id;
    p->pDefaultSslCtlStoreName = ctl_store;
    p->DefaultFlags = b->flags;
}

static void fill_ex(HKEY key, HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE type, HTTP_SERVICE_CONFIG_SSL_PARAM_EX *p)
{
    memset(p, 0, sizeof(*p));
    p->ParamType = type;
    if (type == ExParamTypeHttp2Window)
        p->Http2WindowSizeParam.Http2ReceiveWindowSize = get_dword(key, L"Http2ReceiveWindowSize");
    else
    {
        p->Http2SettingsLimitsParam.Http2MaxSettingsPerFrame = get_dword(key, L"Http2MaxSettingsPerFrame");
        p->Http2SettingsLimitsParam.Http2MaxSettingsPerMinute = get_dword(key, L"Http2MaxSettingsPerMinute");
    }
}

/* Writes the record named name (from the registry key) as the caller's
 * structure for this ConfigId; one pass sizes, the second writes. */
static ULONG build_output(HTTP_SERVICE_CONFIG_ID id, HKEY key, const WCHAR *name,
                          HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ex_type, void *out, ULONG out_len, ULONG *ret_len)
{
    enum binding_kind kind = kind_of(id);
    struct binding b;
    SOCKADDR_STORAGE addr;
    WCHAR host[260];
    int pass;

    read_binding(key, &b);
    memset(&addr, 0, sizeof(addr));
    host[0] = 0;
    if (kind == KIND_IP || kind == KIND_CCS)
    {
        if (!config_parse_addr(name, &addr)) return ERROR_FILE_NOT_FOUND;   /* a key that is not ours */
    }
    else
    {
        const WCHAR *colon = wcsrchr(name, ':');
        WCHAR *stop;
        unsigned long port;
        if (!colon || colon == name || colon - name >= 260) return ERROR_FILE_NOT_FOUND;
        port = wcstoul(colon + 1, &stop, 10);
        if (*stop || !port || port > 65535) return ERROR_FILE_NOT_FOUND;
        memcpy(host, name, (colon - name) * sizeof(WCHAR));
        host[colon - name] = 0;
        addr.ss_family = AF_INET;
        ((SOCKADDR_IN *)&addr)->sin_port = htons((USHORT)port);
    }

    for (pass = 0; pass < 2; pass++)
    {
        struct out_buf o = { pass ? out : NULL, pass ? out_len : 0, 0 };
        void *set = out_take(&o, min_size(id), 8);

        switch ((int)id)
        {
        case 1:
        {
            HTTP_SERVICE_CONFIG_SSL_SET *s = set;
            ULONG alen = addr.ss_family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
            SOCKADDR *sa = out_take(&o, alen, 8);
            if (s) { memcpy(sa, &addr, alen); s->KeyDesc.pIpPort = sa; }
            fill_param(&o, &b, s ? &s->ParamDesc : NULL);
            break;
        }
        case 5: case 11:
        {
            HTTP_SERVICE_CONFIG_SSL_SNI_SET *s = set;
            WCHAR *h = out_wstr(&o, host);
            if (s) { s->KeyDesc.IpPort = addr; s->KeyDesc.Host = h; }
            fill_param(&o, &b, s ? &s->ParamDesc : NULL);
            break;
        }
        case 6:
        {
            HTTP_SERVICE_CONFIG_SSL_CCS_SET *s = set;
            if (s) s->KeyDesc.LocalAddress = addr;
            fill_param(&o, &b, s ? &s->ParamDesc : NULL);
            break;
        }
        case 8:
        {
            HTTP_SERVICE_CONFIG_SSL_SET_EX *s = set;
            if (s) { s->KeyDesc.IpPort = addr; fill_ex(key, ex_type, &s->ParamDesc); }
            break;
        }
        case 9: case 12:
        {
            HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX *s = set;
            WCHAR *h = out_wstr(&o, host);
            if (s) { s->KeyDesc.IpPort = addr; s->KeyDesc.Host = h; fill_ex(key, ex_type, &s->ParamDesc); }
            break;
        }
        case 10:
        {
            HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX *s = set;
            if (s) { s->KeyDesc.LocalAddress = addr; fill_ex(key, ex_type, &s->ParamDesc); }
            break;
        }
        }
        if (ret_len) *ret_len = o.used;
        if (!pass && o.used > out_len) return ERROR_INSUFFICIENT_BUFFER;
        if (!pass) memset(out, 0, o.used);
    }
    return NO_ERROR;
}

/* A key the enumeration can report: one that names an address or a
 * host:port (anything else, left by hand in the registry, is skipped). */
static BOOL well_formed(enum binding_kind kind, const WCHAR *name)
{
    SOCKADDR_STORAGE addr;
    const WCHAR *colon;
    WCHAR *stop;
    unsigned long port;

    if (kind == KIND_IP || kind == KIND_CCS) return config_parse_addr(name, &addr);
    if (!(colon = wcsrchr(name, ':')) || colon == name) return FALSE;
    port = wcstoul(colon + 1, &stop, 10);
    return !*stop && port && port <= 65535;
}

/* Registry key names compare without case: find the spelling stored. */
static void stored_name(HKEY root, WCHAR name[300])
{
    WCHAR stored[300];
    DWORD index, len;

    for (index = 0;; index++)
    {
        len = 300;
        if (RegEnumKeyExW(root, index, stored, &len, NULL, NULL, NULL, NULL)) return;
        if (!lstrcmpiW(stored, name))
        {
            lstrcpyW(name, stored);
            return;
        }
    }
}

/* The query structures share a shape: QueryDesc, the key, dwToken (and
 * for Ex, ParamType). */
static ULONG ssl_query(HTTP_SERVICE_CONFIG_ID id, const void *in, ULONG in_len, void *out, ULONG out_len, ULONG *ret_len)
{
    enum binding_kind kind = kind_of(id);
    HTTP_SERVICE_CONFIG_QUERY_TYPE type;
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE ex_type = ExParamTypeHttp2Window;
    const void *key_in;
    DWORD token;
    ULONG need, ret;
    WCHAR name[300];
    HKEY root, key;
    struct ex_values v = { { NULL, NULL }, 0 };

    switch ((int)id)
    {
    case 1: need = sizeof(HTTP_SERVICE_CONFIG_SSL_QUERY); break;
    case 5: case 11: need = sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY); break;
    case 6: need = sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_QUERY); break;
    case 8: need = sizeof(HTTP_SERVICE_CONFIG_SSL_QUERY_EX); break;
    case 9: case 12: need = sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX); break;
    default: need = sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX); break;
    }
    if (!in) return ERROR_INVALID_PARAMETER;
    if (in_len < need) return ERROR_INSUFFICIENT_BUFFER;
    type = *(const HTTP_SERVICE_CONFIG_QUERY_TYPE *)in;
    switch ((int)id)
    {
    case 1: key_in = NULL; token = ((const HTTP_SERVICE_CONFIG_SSL_QUERY *)in)->dwToken; break;
    case 5: case 11: token = ((const HTTP_SERVICE_CONFIG_SSL_SNI_QUERY *)in)->dwToken; break;
    case 6: token = ((const HTTP_SERVICE_CONFIG_SSL_CCS_QUERY *)in)->dwToken; break;
    case 8:
        token = ((const HTTP_SERVICE_CONFIG_SSL_QUERY_EX *)in)->dwToken;
        ex_type = ((const HTTP_SERVICE_CONFIG_SSL_QUERY_EX *)in)->ParamType;
        break;
    case 9: case 12:
        token = ((const HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX *)in)->dwToken;
        ex_type = ((const HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX *)in)->ParamType;
        break;
    default:
        token = ((const HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX *)in)->dwToken;
        ex_type = ((const HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX *)in)->ParamType;
        break;
    }
    (void)key_in;
    if (is_ex(id))
    {
        if (ex_type >= ExParamTypeMax) return ERROR_INVALID_PARAMETER;
        if (!ex_values(ex_type, &v)) return ERROR_NOT_SUPPORTED;
    }

    if (type == HttpServiceConfigQueryExact)
    {
        /* the key sits where the *_SET structure has it, right after QueryDesc */
        const BYTE *k = (const BYTE *)in + (id == 1 ? offsetof(HTTP_SERVICE_CONFIG_SSL_QUERY, KeyDesc)
                         : id == 8 ? offsetof(HTTP_SERVICE_CONFIG_SSL_QUERY_EX, KeyDesc)
                         : (id == 6 || id == 10) ? offsetof(HTTP_SERVICE_CONFIG_SSL_CCS_QUERY, KeyDesc)
                         : offsetof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY, KeyDesc));
        if (id == 1) ret = ip_key_name(((const HTTP_SERVICE_CONFIG_SSL_KEY *)k)->pIpPort, name, 300);
        else if (id == 8) ret = ip_key_name((const SOCKADDR *)k, name, 300);
        else if (kind == KIND_CCS) ret = ccs_key_name((const SOCKADDR_STORAGE *)k, name, 300);
        else ret = sni_key_name((const HTTP_SERVICE_CONFIG_SSL_SNI_KEY *)k, name, 300);
        if (ret) return ret;
        if (!(root = open_kind(kind, FALSE))) return ERROR_FILE_NOT_FOUND;
        if (RegOpenKeyExW(root, name, 0, KEY_READ, &key)) ret = ERROR_FILE_NOT_FOUND;
        else
        {
            stored_name(root, name);   /* answer with the host as it was set */
            if (is_ex(id) && !ex_present(key, &v)) ret = ERROR_FILE_NOT_FOUND;
            else ret = build_output(id, key, name, ex_type, out, out_len, ret_len);
            RegCloseKey(key);
        }
        RegCloseKey(root);
        return ret;
    }
    if (type != HttpServiceConfigQueryNext) return ERROR_INVALID_PARAMETER;

    /* Next: the dwToken-th record (of those carrying the property, for Ex) */
    if (!(root = open_kind(kind, FALSE))) return ERROR_NO_MORE_ITEMS;
    ret = ERROR_NO_MORE_ITEMS;
    for (DWORD index = 0, seen = 0;; index++)
    {
        DWORD len = 300;
        if (RegEnumKeyExW(root, index, name, &len, NULL, NULL, NULL, NULL)) break;
        if (RegOpenKeyExW(root, name, 0, KEY_READ, &key)) continue;
        if ((is_ex(id) && !ex_present(key, &v)) || !well_formed(kind, name)) { RegCloseKey(key); continue; }
        if (seen++ == token)
        {
            ret = build_output(id, key, name, ex_type, out, out_len, ret_len);
            RegCloseKey(key);
            break;
        }
        RegCloseKey(key);
    }
    RegCloseKey(root);
    return ret;
}

const struct config_ops config_ssl_ops = { ssl_set, ssl_remove, ssl_query, TRUE };

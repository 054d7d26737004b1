/*
 * add / delete / show / update sslcert and update sslpropertyex: the SSL
 * bindings, by IP and port (HttpServiceConfigSSLCertInfo), by host name and
 * port (SslSniCertInfo), for the central certificate store (SslCcsCertInfo)
 * and the scoped central store (SslScopedCcsCertInfo), with their HTTP/2
 * extended properties (the Ex records).
 */
#include <stdlib.h>
#include <stddef.h>

#include "netsh.h"

enum kind { KIND_IP, KIND_SNI, KIND_CCS, KIND_SCOPED, KIND_COUNT };

static const HTTP_SERVICE_CONFIG_ID kind_id[KIND_COUNT] =
{
    HttpServiceConfigSSLCertInfo, HttpServiceConfigSslSniCertInfo,
    HttpServiceConfigSslCcsCertInfo, HttpServiceConfigSslScopedCcsCertInfo
};
static const HTTP_SERVICE_CONFIG_ID kind_ex_id[KIND_COUNT] =
{
    HttpServiceConfigSslCertInfoEx, HttpServiceConfigSslSniCertInfoEx,
    HttpServiceConfigSslCcsCertInfoEx, HttpServiceConfigSslScopedCcsCertInfoEx
};
static const WCHAR *const kind_tag[KIND_COUNT] = { L"ipport", L"hostnameport", L"ccs", L"scopedccs" };

struct binding_key
{
    enum kind kind;
    SOCKADDR_STORAGE addr;   /* IP: the address and port; otherwise 0.0.0.0 and the port */
    WCHAR host[256];
};

union ssl_set
{
    HTTP_SERVICE_CONFIG_SSL_SET ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_SET sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_SET ccs;
};

union ssl_query
{
    HTTP_SERVICE_CONFIG_SSL_QUERY ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_QUERY ccs;
};

union ssl_set_ex
{
    HTTP_SERVICE_CONFIG_SSL_SET_EX ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX ccs;
};

union ssl_query_ex
{
    HTTP_SERVICE_CONFIG_SSL_QUERY_EX ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX ccs;
};

/* ---- keys and records ----------------------------------------------------- */

static void port_only_key(struct binding_key *key, USHORT port)
{
    SOCKADDR_IN *sin = (SOCKADDR_IN *)&key->addr;
    memset(&key->addr, 0, sizeof(key->addr));
    sin->sin_family = AF_INET;
    sin->sin_port = port_swap(port);
}

static USHORT key_port(const struct binding_key *key)
{
    return port_swap(((const SOCKADDR_IN *)&key->addr)->sin_port);
}

static void key_text(const struct binding_key *key, WCHAR *buf, size_t size)
{
    switch (key->kind)
    {
    case KIND_IP: format_sockaddr((const SOCKADDR *)&key->addr, buf, size); break;
    case KIND_CCS: swprintf(buf, size, L"%u", key_port(key)); break;
    default: swprintf(buf, size, L"%ls:%u", key->host, key_port(key)); break;
    }
}

/* the key from ipport= / hostnameport= / ccs= / scopedccs=: 1 found, 0 none,
 * -1 bad (more than one, or a malformed value) */
static int get_key(const WCHAR *const *values, struct binding_key *key)
{
    int found = 0, k;
    USHORT port;

    memset(key, 0, sizeof(*key));
    for (k = 0; k < KIND_COUNT; k++)
    {
        if (!values[k]) continue;
        if (found++) return -1;
        key->kind = k;
        switch (k)
        {
        case KIND_IP:
            if (!parse_ipport(values[k], &key->addr)) return -1;
            break;
        case KIND_CCS:
            if (!parse_port(values[k], &port)) return -1;
            port_only_key(key, port);
            break;
        default:
            if (!parse_hostport(values[k], key->host, ARRAY_SIZE(key->host), &port)) return -1;
            port_only_key(key, port);
            break;
        }
    }
    return found;
}

static HTTP_SERVICE_CONFIG_SSL_PARAM *set_param(union ssl_set *set, enum kind kind)
{
    switch (kind)
    {
    case KIND_IP: return &set->ip.ParamDesc;
    case KIND_CCS: return &set->ccs.ParamDesc;
    default: return &set->sni.ParamDesc;
    }
}

static ULONG set_size(enum kind kind)
{
    switch (kind)
    {
    case KIND_IP: return sizeof(HTTP_SERVICE_CONFIG_SSL_SET);
    case KIND_CCS: return sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET);
    default: return sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET);
    }
}

/* a SET record for the key; the key must outlive it */
static void make_set(union ssl_set *set, struct binding_key *key)
{
    memset(set, 0, sizeof(*set));
    switch (key->kind)
    {
    case KIND_IP: set->ip.KeyDesc.pIpPort = (PSOCKADDR)&key->addr; break;
    case KIND_CCS: set->ccs.KeyDesc.LocalAddress = key->addr; break;
    default:
        set->sni.KeyDesc.IpPort = key->addr;
        set->sni.KeyDesc.Host = key->host;
        break;
    }
}

/* the key and parameters of a record the API returned */
static HTTP_SERVICE_CONFIG_SSL_PARAM *read_set(enum kind kind, void *buf, struct binding_key *key)
{
    union ssl_set *set = buf;

    memset(key, 0, sizeof(*key));
    key->kind = kind;
    switch (kind)
    {
    case KIND_IP:
        if (set->ip.KeyDesc.pIpPort)
            memcpy(&key->addr, set->ip.KeyDesc.pIpPort, set->ip.KeyDesc.pIpPort->sa_family == AF_INET6
                   ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN));
        break;
    case KIND_CCS:
        key->addr = set->ccs.KeyDesc.LocalAddress;
        break;
    default:
        key->addr = set->sni.KeyDesc.IpPort;
        if (set->sni.KeyDesc.Host) lstrcpynW(key->host, set->sni.KeyDesc.Host, ARRAY_SIZE(key->host));
        break;
    }
    return set_param(set, kind);
}

static DWORD query_record(struct binding_key *key, HTTP_SERVICE_CONFIG_QUERY_TYPE type, DWORD token,
                          void **buf)
{
    union ssl_query query;
    ULONG size;

    memset(&query, 0, sizeof(query));
    switch (key->kind)
    {
    case KIND_IP:
        query.ip.QueryDesc = type;
        query.ip.KeyDesc.pIpPort = (PSOCKADDR)&key->addr;
        query.ip.dwToken = token;
        size = sizeof(query.ip);
        break;
    case KIND_CCS:
        query.ccs.QueryDesc = type;
        query.ccs.KeyDesc.LocalAddress = key->addr;
        query.ccs.dwToken = token;
        size = sizeof(query.ccs);
        break;
    default:
        query.sni.QueryDesc = type;
        query.sni.KeyDesc.IpPort = key->addr;
        query.sni.KeyDesc.Host = key->host;
        query.sni.dwToken = token;
        size = sizeof(query.sni);
        break;
    }
    return config_query(kind_id[key->kind], &query, size, buf);
}

/* one extended property of a binding, if set */
static DWORD query_ex(struct binding_key *key, HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE type,
                      HTTP_SERVICE_CONFIG_SSL_PARAM_EX *param)
{
    union ssl_query_ex query;
    ULONG size, offset;
    void *buf;
    DWORD err;

    memset(&query, 0, sizeof(query));
    switch (key->kind)
    {
    case KIND_IP:
        query.ip.QueryDesc = HttpServiceConfigQueryExact;
        query.ip.KeyDesc.IpPort = key->addr;
        query.ip.ParamType = type;
        size = sizeof(query.ip);
        offset = offsetof(HTTP_SERVICE_CONFIG_SSL_SET_EX, ParamDesc);
        break;
    case KIND_CCS:
        query.ccs.QueryDesc = HttpServiceConfigQueryExact;
        query.ccs.KeyDesc.LocalAddress = key->addr;
        query.ccs.ParamType = type;
        size = sizeof(query.ccs);
        offset = offsetof(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX, ParamDesc);
        break;
    default:
        query.sni.QueryDesc = HttpServiceConfigQueryExact;
        query.sni.KeyDesc.IpPort = key->addr;
        query.sni.KeyDesc.Host = key->host;
        query.sni.ParamType = type;
        size = sizeof(query.sni);
        offset = offsetof(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, ParamDesc);
        break;
    }
    if ((err = config_query(kind_ex_id[key->kind], &query, size, &buf))) return err;
    *param = *(HTTP_SERVICE_CONFIG_SSL_PARAM_EX *)((BYTE *)buf + offset);
    free(buf);
    return param->ParamType == type ? 0 : ERROR_FILE_NOT_FOUND;
}

/* ---- the switches ----------------------------------------------------------- */

enum
{
    A_IPPORT, A_HOSTNAMEPORT, A_CCS, A_SCOPEDCCS,      /* the keys, in enum kind order */
    A_CERTHASH, A_APPID, A_CERTSTORENAME, A_FRESHNESS, A_RETRIEVAL, A_CTLID, A_CTLSTORE,
    A_SWITCHES   /* the enable|disable switches follow, in switch_defs order */
};

struct ssl_switch
{
    const WCHAR *tag;
    BOOL check_mode;   /* a DefaultCertCheckMode bit rather than a DefaultFlags bit */
    DWORD bit;
    BOOL inverted;     /* "enable" clears the bit */
};

static const struct ssl_switch switch_defs[] =
{
    { L"verifyclientcertrevocation", TRUE, HTTP_CERT_CHECK_MODE_NO_REVOCATION, TRUE },
    { L"verifyrevocationwithcachedclientcertonly", TRUE, HTTP_CERT_CHECK_MODE_CACHED_REVOCATION, FALSE },
    { L"usagecheck", TRUE, HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK, TRUE },
    { L"dsmapperusage", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_USE_DS_MAPPER, FALSE },
    { L"clientcertnegotiation", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT, FALSE },
    { L"reject", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_REJECT, FALSE },
    { L"disablehttp2", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_HTTP2, FALSE },
    { L"disablequic", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_QUIC, FALSE },
    { L"disablelegacytls", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS, FALSE },
    { L"disabletls12", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS12, FALSE },
    { L"disabletls13", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13, FALSE },
    { L"disableocspstapling", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_OCSP_STAPLING, FALSE },
    { L"enabletokenbinding", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_TOKEN_BINDING, FALSE },
    { L"logextendedevents", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_LOG_EXTENDED_EVENTS, FALSE },
    { L"enablesessionticket", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET, FALSE },
    { L"disablesessionid", FALSE, HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_SESSION_ID, FALSE },
};
#define SWITCH_COUNT ARRAY_SIZE(switch_defs)
#define ARG_COUNT (A_SWITCHES + SWITCH_COUNT)

/* The tags of add/update sslcert.  The older syntax allowed leaving the tags
 * out in the order "ipport certhash appid certstorename ..." */
static void sslcert_tags(struct tag_def *defs)
{
    static const WCHAR *const names[A_SWITCHES] =
    {
        L"ipport", L"hostnameport", L"ccs", L"scopedccs", L"certhash", L"appid", L"certstorename",
        L"revocationfreshnesstime", L"urlretrievaltimeout", L"sslctlidentifier", L"sslctlstorename"
    };
    unsigned i;

    for (i = 0; i < A_SWITCHES; i++)
    {
        defs[i].name = names[i];
        defs[i].flags = 0;
    }
    for (i = 0; i < SWITCH_COUNT; i++)
    {
        defs[A_SWITCHES + i].name = switch_defs[i].tag;
        defs[A_SWITCHES + i].flags = 0;
    }
}

/* the tag table reordered for positional values: ipport, certhash, appid,
 * certstorename, the three revocation switches, freshness, retrieval
 * timeout, ctl identifier, ctl store, dsmapperusage, clientcertnegotiation */
static void positional_order(struct tag_def *defs, unsigned *map)
{
    static const unsigned order[] =
    {
        A_IPPORT, A_CERTHASH, A_APPID, A_CERTSTORENAME, A_SWITCHES + 0, A_SWITCHES + 1, A_SWITCHES + 2,
        A_FRESHNESS, A_RETRIEVAL, A_CTLID, A_CTLSTORE, A_SWITCHES + 3, A_SWITCHES + 4
    };
    struct tag_def plain[ARG_COUNT];
    unsigned i, n = 0, j;

    sslcert_tags(plain);
    for (i = 0; i < ARRAY_SIZE(order); i++)
    {
        defs[n] = plain[order[i]];
        defs[n].flags = TAG_POSITIONAL;
        map[n++] = order[i];
    }
    for (i = 0; i < ARG_COUNT; i++)
    {
        for (j = 0; j < ARRAY_SIZE(order); j++)
            if (order[j] == i) break;
        if (j < ARRAY_SIZE(order)) continue;
        defs[n] = plain[i];
        map[n++] = i;
    }
}

static BOOL get_sslcert_args(const struct command *cmd, int argc, WCHAR **argv, const WCHAR **values, int *rc)
{
    struct tag_def defs[ARG_COUNT];
    const WCHAR *ordered[ARG_COUNT];
    unsigned map[ARG_COUNT], i;

    positional_order(defs, map);
    if (!get_args(cmd, argc, argv, defs, ARG_COUNT, ordered, rc)) return FALSE;
    for (i = 0; i < ARG_COUNT; i++) values[map[i]] = ordered[i];
    return TRUE;
}

/* Applies the parameters given on the command line to a record's
 * parameters; the strings point into values or into hash. */
static BOOL apply_params(const WCHAR *const *values, HTTP_SERVICE_CONFIG_SSL_PARAM *p, BYTE *hash)
{
    unsigned i;
    ULONG n;

    if (values[A_CERTHASH])
    {
        if (!parse_hash(values[A_CERTHASH], hash)) return FALSE;
        p->pSslHash = hash;
        p->SslHashLength = HTTP_SSL_CERT_SHA_HASH_LENGTH;
    }
    if (values[A_APPID] && !parse_guid(values[A_APPID], &p->AppId)) return FALSE;
    if (values[A_CERTSTORENAME]) p->pSslCertStoreName = (WCHAR *)values[A_CERTSTORENAME];
    if (values[A_CTLID]) p->pDefaultSslCtlIdentifier = (WCHAR *)values[A_CTLID];
    if (values[A_CTLSTORE]) p->pDefaultSslCtlStoreName = (WCHAR *)values[A_CTLSTORE];
    if (values[A_FRESHNESS])
    {
        if (!parse_ulong(values[A_FRESHNESS], ~0u, &n)) return FALSE;
        p->DefaultRevocationFreshnessTime = n;
        if (n) p->DefaultCertCheckMode |= HTTP_CERT_CHECK_MODE_USE_REVOCATION_FRESHNESS;
        else p->DefaultCertCheckMode &= ~HTTP_CERT_CHECK_MODE_USE_REVOCATION_FRESHNESS;
    }
    if (values[A_RETRIEVAL])
    {
        if (!parse_ulong(values[A_RETRIEVAL], ~0u, &n)) return FALSE;
        p->DefaultRevocationUrlRetrievalTimeout = n;
    }
    for (i = 0; i < SWITCH_COUNT; i++)
    {
        const struct ssl_switch *s = &switch_defs[i];
        DWORD *field = s->check_mode ? &p->DefaultCertCheckMode : &p->DefaultFlags;
        int on;

        if (!values[A_SWITCHES + i]) continue;
        if ((on = parse_choice(values[A_SWITCHES + i], L"enable", L"disable")) < 0) return FALSE;
        if (on != s->inverted) *field |= s->bit;
        else *field &= ~s->bit;
    }
    return TRUE;
}

/* ---- add / update / delete ----------------------------------------------------- */

int sslcert_add(const struct command *cmd, int argc, WCHAR **argv)
{
    const WCHAR *values[ARG_COUNT];
    struct binding_key key;
    BYTE hash[HTTP_SSL_CERT_SHA_HASH_LENGTH];
    union ssl_set set;
    DWORD err;
    int rc, found;

    if (!get_sslcert_args(cmd, argc, argv, values, &rc)) return rc;
    if ((found = get_key(values, &key)) < 0)
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    if (!found || !values[A_APPID])
    {
        print_usage(cmd);
        return NETSH_FAILED;
    }
    make_set(&set, &key);
    if (!apply_params(values, set_param(&set, key.kind), hash))
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    if (!(err = config_init()))
        err = HttpSetServiceConfiguration(NULL, kind_id[key.kind], &set, set_size(key.kind), NULL);
    if (err)
    {
        msg_api_error(L"SSL Certificate add failed", err);
        return NETSH_FAILED;
    }
    msg_success(L"SSL Certificate successfully added");
    return NETSH_OK;
}

/* update sslcert changes what the command line gives and keeps the rest of
 * the binding as it is. */
int sslcert_update(const struct command *cmd, int argc, WCHAR **argv)
{
    const WCHAR *values[ARG_COUNT];
    struct binding_key key, old_key;
    BYTE hash[HTTP_SSL_CERT_SHA_HASH_LENGTH];
    union ssl_set set;
    void *buf;
    DWORD err;
    int rc, found;

    if (!get_sslcert_args(cmd, argc, argv, values, &rc)) return rc;
    if ((found = get_key(values, &key)) < 0)
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    if (!found)
    {
        print_usage(cmd);
        return NETSH_FAILED;
    }
    make_set(&set, &key);
    /* check the values before touching anything */
    if (!apply_params(values, set_param(&set, key.kind), hash))
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    if ((err = query_record(&key, HttpServiceConfigQueryExact, 0, &buf)))
    {
        msg_api_error(L"SSL Certificate update failed", err);
        return NETSH_FAILED;
    }
    *set_param(&set, key.kind) = *read_set(key.kind, buf, &old_key);
    apply_params(values, set_param(&set, key.kind), hash);
    err = HttpUpdateServiceConfiguration(NULL, kind_id[key.kind], &set, set_size(key.kind), NULL);
    free(buf);
    if (err)
    {
        msg_api_error(L"SSL Certificate update failed", err);
        return NETSH_FAILED;
    }
    msg_success(L"SSL Certificate successfully updated");
    return NETSH_OK;
}

int sslcert_delete(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] =
    {
        { L"ipport", TAG_POSITIONAL }, { L"hostnameport", 0 }, { L"ccs", 0 }, { L"scopedccs", 0 },
    };
    const WCHAR *values[ARRAY_SIZE(defs)];
    struct binding_key key;
    union ssl_set set;
    DWORD err;
    int rc, found;

    if (!get_args(cmd, argc, argv, defs, ARRAY_SIZE(defs), values, &rc)) return rc;
    if ((found = get_key(values, &key)) < 0)
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    if (!found)
    {
        print_usage(cmd);
        return NETSH_FAILED;
    }
    make_set(&set, &key);
    if (!(err = config_init()))
        err = HttpDeleteServiceConfiguration(NULL, kind_id[key.kind], &set, set_size(key.kind), NULL);
    if (err)
    {
        msg_api_error(L"SSL Certificate deletion failed", err);
        return NETSH_FAILED;
    }
    msg_success(L"SSL Certificate successfully deleted");
    return NETSH_OK;
}

/* ---- show ------------------------------------------------------------------------ */

static void line(const WCHAR *label, const WCHAR *value)
{
    out(L"    %-28ls : %ls\n", label, value);
}

static void print_record(struct binding_key *key, HTTP_SERVICE_CONFIG_SSL_PARAM *p)
{
    static const WCHAR *const key_label[KIND_COUNT] =
    {
        L"IP:port", L"Hostname:port", L"Central Certificate Store", L"Scoped CCS Hostname:port"
    };
    static const struct { const WCHAR *label; DWORD bit; } flags[] =
    {
        { L"Disable HTTP2", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_HTTP2 },
        { L"Disable QUIC", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_QUIC },
        { L"Disable TLS1.2", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS12 },
        { L"Disable TLS1.3", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_TLS13 },
        { L"Disable OCSP Stapling", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_OCSP_STAPLING },
        { L"Enable Token Binding", HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_TOKEN_BINDING },
        { L"Log Extended Events", HTTP_SERVICE_CONFIG_SSL_FLAG_LOG_EXTENDED_EVENTS },
        { L"Disable Legacy TLS Versions", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS },
        { L"Enable Session Ticket", HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET },
        { L"Disable Session ID", HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_SESSION_ID },
        { L"Enable Caching Client Hello", HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO },
    };
    WCHAR text[300], hash[2 * HTTP_SSL_CERT_SHA_HASH_LENGTH + 1];
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ex;
    DWORD mode = p->DefaultCertCheckMode, f = p->DefaultFlags;
    ULONG i;

    key_text(key, text, ARRAY_SIZE(text));
    line(key_label[key->kind], text);
    hash[0] = 0;
    for (i = 0; p->pSslHash && i < p->SslHashLength && i < HTTP_SSL_CERT_SHA_HASH_LENGTH; i++)
        swprintf(hash + 2 * i, 3, L"%02x", ((const BYTE *)p->pSslHash)[i]);
    line(L"Certificate Hash", hash);
    format_guid(&p->AppId, text);
    line(L"Application ID", text);
    line(L"Certificate Store Name", p->pSslCertStoreName ? p->pSslCertStoreName : L"(null)");
    line(L"Verify Client Certificate Revocation", mode & HTTP_CERT_CHECK_MODE_NO_REVOCATION ? L"Disabled" : L"Enabled");
    line(L"Verify Revocation Using Cached Client Certificate Only",
         mode & HTTP_CERT_CHECK_MODE_CACHED_REVOCATION ? L"Enabled" : L"Disabled");
    line(L"Usage Check", mode & HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK ? L"Disabled" : L"Enabled");
    swprintf(text, ARRAY_SIZE(text), L"%lu", p->DefaultRevocationFreshnessTime);
    line(L"Revocation Freshness Time", text);
    swprintf(text, ARRAY_SIZE(text), L"%lu", p->DefaultRevocationUrlRetrievalTimeout);
    line(L"URL Retrieval Timeout", text);
    line(L"Ctl Identifier", p->pDefaultSslCtlIdentifier ? p->pDefaultSslCtlIdentifier : L"(null)");
    line(L"Ctl Store Name", p->pDefaultSslCtlStoreName ? p->pDefaultSslCtlStoreName : L"(null)");
    line(L"DS Mapper Usage", f & HTTP_SERVICE_CONFIG_SSL_FLAG_USE_DS_MAPPER ? L"Enabled" : L"Disabled");
    line(L"Negotiate Client Certificate", f & HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT ? L"Enabled" : L"Disabled");
    line(L"Reject Connections", f & HTTP_SERVICE_CONFIG_SSL_FLAG_REJECT ? L"Enabled" : L"Disabled");
    for (i = 0; i < ARRAY_SIZE(flags); i++) line(flags[i].label, f & flags[i].bit ? L"Set" : L"Not Set");
    if (!query_ex(key, ExParamTypeHttp2Window, &ex))
    {
        out(L" Extended Properties:\n");
        line(L"PropertyId", L"0");
        swprintf(text, ARRAY_SIZE(text), L"%lu", ex.Http2WindowSizeParam.Http2ReceiveWindowSize);
        line(L"Receive Window", text);
    }
    if (!query_ex(key, ExParamTypeHttp2SettingsLimits, &ex))
    {
        out(L" Extended Properties:\n");
        line(L"PropertyId", L"1");
        swprintf(text, ARRAY_SIZE(text), L"%lu", ex.Http2SettingsLimitsParam.Http2MaxSettingsPerFrame);
        line(L"Max Settings Per Frame", text);
        swprintf(text, ARRAY_SIZE(text), L"%lu", ex.Http2SettingsLimitsParam.Http2MaxSettingsPerMinute);
        line(L"Max Settings Per Minute", text);
    }
    out(L"\n");
}

/* Calls fn for every binding of a kind, in the API's order. */
static DWORD for_each_binding(enum kind kind, void (*fn)(struct binding_key *, HTTP_SERVICE_CONFIG_SSL_PARAM *))
{
    struct binding_key query_key, key;
    DWORD token, err;
    void *buf;

    memset(&query_key, 0, sizeof(query_key));
    query_key.kind = kind;
    port_only_key(&query_key, 0);
    for (token = 0;; token++)
    {
        if ((err = query_record(&query_key, HttpServiceConfigQueryNext, token, &buf)))
            return err == ERROR_NO_MORE_ITEMS ? 0 : err;
        fn(&key, read_set(kind, buf, &key));
        free(buf);
    }
}

int sslcert_show(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] =
    {
        { L"ipport", TAG_POSITIONAL }, { L"hostnameport", 0 }, { L"ccs", 0 }, { L"scopedccs", 0 },
        { L"json", 0 },
    };
    const WCHAR *values[ARRAY_SIZE(defs)];
    struct binding_key key, got;
    DWORD err = 0;
    void *buf;
    int rc, found, k;

    if (!get_args(cmd, argc, argv, defs, ARRAY_SIZE(defs), values, &rc)) return rc;
    if ((found = get_key(values, &key)) < 0 || (values[4] && parse_choice(values[4], L"enable", L"disable") < 0))
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    out(L"\nSSL Certificate bindings:\n-------------------------\n\n");
    if (found)
    {
        if (!(err = query_record(&key, HttpServiceConfigQueryExact, 0, &buf)))
        {
            print_record(&got, read_set(key.kind, buf, &got));
            free(buf);
        }
    }
    else
    {
        for (k = 0; k < KIND_COUNT && !err; k++)
        {
            err = for_each_binding(k, print_record);
            /* an API without scoped central-store bindings has none to show */
            if (k == KIND_SCOPED && (err == ERROR_INVALID_PARAMETER || err == ERROR_NOT_SUPPORTED)) err = 0;
        }
    }
    if (err)
    {
        msg_system_text(err);
        out(L"\n");
        return NETSH_FAILED;
    }
    out(L"\n");
    return NETSH_OK;
}

/* ---- update sslpropertyex ------------------------------------------------------------ */

int sslpropertyex_update(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct tag_def defs[] =
    {
        { L"ipport", 0 }, { L"hostnameport", 0 }, { L"ccs", 0 }, { L"scopedccs", 0 },
        { L"propertyid", TAG_REQUIRED }, { L"receivewindow", 0 }, { L"maxsettingsperframe", 0 },
        { L"maxsettingsperminute", 0 },
    };
    const WCHAR *values[ARRAY_SIZE(defs)];
    struct binding_key key;
    union ssl_set_ex set;
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX *param;
    ULONG id, a, b, size;
    DWORD err;
    int rc, found;

    if (!get_args(cmd, argc, argv, defs, ARRAY_SIZE(defs), values, &rc)) return rc;
    if ((found = get_key(values, &key)) < 0 || !parse_ulong(values[4], ~0u, &id))
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    if (!found)
    {
        print_usage(cmd);
        return NETSH_FAILED;
    }
    memset(&set, 0, sizeof(set));
    switch (key.kind)
    {
    case KIND_IP:
        set.ip.KeyDesc.IpPort = key.addr;
        param = &set.ip.ParamDesc;
        size = sizeof(set.ip);
        break;
    case KIND_CCS:
        set.ccs.KeyDesc.LocalAddress = key.addr;
        param = &set.ccs.ParamDesc;
        size = sizeof(set.ccs);
        break;
    default:
        set.sni.KeyDesc.IpPort = key.addr;
        set.sni.KeyDesc.Host = key.host;
        param = &set.sni.ParamDesc;
        size = sizeof(set.sni);
        break;
    }
    if (id == ExParamTypeHttp2Window && values[5] && !values[6] && !values[7] && parse_ulong(values[5], ~0u, &a))
    {
        param->ParamType = ExParamTypeHttp2Window;
        param->Http2WindowSizeParam.Http2ReceiveWindowSize = a;
    }
    else if (id == ExParamTypeHttp2SettingsLimits && !values[5] && values[6] && values[7]
             && parse_ulong(values[6], ~0u, &a) && parse_ulong(values[7], ~0u, &b))
    {
        param->ParamType = ExParamTypeHttp2SettingsLimits;
        param->Http2SettingsLimitsParam.Http2MaxSettingsPerFrame = a;
        param->Http2SettingsLimitsParam.Http2MaxSettingsPerMinute = b;
    }
    else
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    /* replace the property, or add it to a binding that does not have it yet */
    if (!(err = config_init()))
    {
        err = HttpUpdateServiceConfiguration(NULL, kind_ex_id[key.kind], &set, size, NULL);
        if (err == ERROR_FILE_NOT_FOUND)
            err = HttpSetServiceConfiguration(NULL, kind_ex_id[key.kind], &set, size, NULL);
    }
    if (err)
    {
        msg_api_error(L"SSL Certificate update failed", err);
        return NETSH_FAILED;
    }
    msg_success(L"SSL Certificate successfully updated");
    return NETSH_OK;
}

/* ---- dump ------------------------------------------------------------------------------ */

/* a value as a command line takes it: quoted when it has a space */
static void dump_value(const WCHAR *tag, const WCHAR *value)
{
    out(wcschr(value, ' ') ? L" %ls=\"%ls\"" : L" %ls=%ls", tag, value);
}

static void dump_record(struct binding_key *key, HTTP_SERVICE_CONFIG_SSL_PARAM *p)
{
    WCHAR text[300], guid[40];
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX ex;
    unsigned i;

    key_text(key, text, ARRAY_SIZE(text));
    out(L"add sslcert %ls=%ls", kind_tag[key->kind], text);
    if (p->pSslHash && p->SslHashLength)
    {
        out(L" certhash=");
        for (i = 0; i < p->SslHashLength; i++) out(L"%02x", ((const BYTE *)p->pSslHash)[i]);
    }
    format_guid(&p->AppId, guid);
    out(L" appid=%ls", guid);
    if (p->pSslCertStoreName) dump_value(L"certstorename", p->pSslCertStoreName);
    if (p->DefaultRevocationFreshnessTime) out(L" revocationfreshnesstime=%lu", p->DefaultRevocationFreshnessTime);
    if (p->DefaultRevocationUrlRetrievalTimeout)
        out(L" urlretrievaltimeout=%lu", p->DefaultRevocationUrlRetrievalTimeout);
    if (p->pDefaultSslCtlIdentifier) dump_value(L"sslctlidentifier", p->pDefaultSslCtlIdentifier);
    if (p->pDefaultSslCtlStoreName) dump_value(L"sslctlstorename", p->pDefaultSslCtlStoreName);
    for (i = 0; i < SWITCH_COUNT; i++)
    {
        const struct ssl_switch *s = &switch_defs[i];
        BOOL set = ((s->check_mode ? p->DefaultCertCheckMode : p->DefaultFlags) & s->bit) != 0;
        if (set) out(L" %ls=%ls", s->tag, s->inverted ? L"disable" : L"enable");
    }
    out(L"\n");
    if (!query_ex(key, ExParamTypeHttp2Window, &ex))
        out(L"update sslpropertyex %ls=%ls propertyid=0 receivewindow=%lu\n", kind_tag[key->kind], text,
            ex.Http2WindowSizeParam.Http2ReceiveWindowSize);
    if (!query_ex(key, ExParamTypeHttp2SettingsLimits, &ex))
        out(L"update sslpropertyex %ls=%ls propertyid=1 maxsettingsperframe=%lu maxsettingsperminute=%lu\n",
            kind_tag[key->kind], text, ex.Http2SettingsLimitsParam.Http2MaxSettingsPerFrame,
            ex.Http2SettingsLimitsParam.Http2MaxSettingsPerMinute);
}

DWORD sslcert_dump(void)
{
    DWORD err, first = 0;
    int k;

    for (k = 0; k < KIND_COUNT; k++)
    {
        err = for_each_binding(k, dump_record);
        if (k == KIND_SCOPED && (err == ERROR_INVALID_PARAMETER || err == ERROR_NOT_SUPPORTED)) err = 0;
        if (err && !first) first = err;
    }
    return first;
}

/*
 * Service configuration conformance tests: the TLS bindings.
 *
 *   HttpServiceConfigSSLCertInfo (1)    by IP and port        HTTP_SERVICE_CONFIG_SSL_SET
 *   HttpServiceConfigSslSniCertInfo (5) by host name and port HTTP_SERVICE_CONFIG_SSL_SNI_SET
 *   HttpServiceConfigSslCcsCertInfo (6) central store, port   HTTP_SERVICE_CONFIG_SSL_CCS_SET
 *   and their Ex forms (8, 9, 10), which add typed extended properties to a binding.
 *
 * Usage: config_ssl.exe PORT   (uses PORT..PORT+3 to name the records: nothing is bound)
 *
 * Written from shared/reference/httpapi.md §1.3, §2.1, §2.2, §2.4, §3.1 and docs/configuration.md:
 * Set creates (ERROR_ALREADY_EXISTS if the binding exists), Update replaces (ERROR_FILE_NOT_FOUND if
 * it does not), Delete removes (ERROR_FILE_NOT_FOUND if missing); Query Exact by key, Next by
 * dwToken until ERROR_NO_MORE_ITEMS; the output is the SET structure and what it points to in one
 * buffer; a certificate that is not in LocalMachine\<store> is ERROR_NO_SUCH_LOGON_SESSION.  The
 * bindings live under HKLM\System\CurrentControlSet\Services\HTTP\Parameters\SslBindingInfo\<ip>:<port>
 * (SslSniBindingInfo\<host>:<port>, SslCcsBindingInfo\0.0.0.0:<port>).
 *
 * The test makes two self-signed certificates (subject CN=httpapi-cfgtest-PORT-<n>.test) with
 * CryptoAPI and puts them into LocalMachine\MY; they and their key containers are removed at the
 * end (and at the start, in case a previous run died).
 */

#include "config_util.h"
#include <wincrypt.h>

enum kind { KIND_IP, KIND_SNI, KIND_CCS, KIND_COUNT };
static const char *const kind_names[KIND_COUNT] = { "SSL (IP)", "SSL SNI", "SSL CCS" };

struct binding
{
    enum kind kind;
    SOCKADDR_STORAGE addr;
    WCHAR host[96];     /* SNI only */
    char name[160];     /* for messages */
};

/* Per kind: b1 made through the API, b2 a second one (IP: an IPv6 key), br written into the
 * registry directly, bx never made (every failing call uses it). */
static struct binding b1[KIND_COUNT], b2[KIND_COUNT], br[KIND_COUNT], bx[KIND_COUNT];
static struct binding sni_wild;   /* host "*" */

static GUID app1, app2, app3;
static BYTE hash_nocert[20];   /* the thumbprint of no certificate in any store */

struct test_cert
{
    BYTE hash[20];
    WCHAR container[64];
    BOOL ready;
};
static struct test_cert cert1, cert2;
/* cert_nokey: in LocalMachine\MY without a private key; cert_user: only in CurrentUser\MY. */
static struct test_cert cert_nokey, cert_user;

/* ------------------------------------------------------------------------------------------ */
/* The records. */

static HTTP_SERVICE_CONFIG_ID kind_id(enum kind kind)
{
    return kind == KIND_IP ? HttpServiceConfigSSLCertInfo
         : kind == KIND_SNI ? HttpServiceConfigSslSniCertInfo : HttpServiceConfigSslCcsCertInfo;
}

static HTTP_SERVICE_CONFIG_ID kind_id_ex(enum kind kind)
{
    return kind == KIND_IP ? HttpServiceConfigSslCertInfoEx
         : kind == KIND_SNI ? HttpServiceConfigSslSniCertInfoEx : HttpServiceConfigSslCcsCertInfoEx;
}

static void init_binding(struct binding *b, enum kind kind, const SOCKADDR *addr, const WCHAR *host)
{
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    memcpy(&b->addr, addr, addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
    if (host) lstrcpynW(b->host, host, 96);
    if (kind == KIND_SNI)
        snprintf(b->name, sizeof(b->name), "%s binding %s:%u", kind_names[kind], dbgw(b->host),
                 sockaddr_port((SOCKADDR *)&b->addr));
    else
        snprintf(b->name, sizeof(b->name), "%s binding %s", kind_names[kind], dbgaddr((SOCKADDR *)&b->addr));
}

/* The registry key of a binding, relative to Parameters. */
static const WCHAR *binding_key(const struct binding *b, WCHAR *buf, DWORD count)
{
    WCHAR addr[96];

    if (b->kind == KIND_SNI)
        swprintf(buf, count, L"SslSniBindingInfo\\%ls:%u", b->host, sockaddr_port((SOCKADDR *)&b->addr));
    else
        swprintf(buf, count, L"%ls\\%ls", b->kind == KIND_IP ? L"SslBindingInfo" : L"SslCcsBindingInfo",
                 addr_port_text((SOCKADDR *)&b->addr, addr, 96));
    return buf;
}

static void init_records(void)
{
    const USHORT loop6[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
    BYTE hi = (BYTE)(cfg_port >> 8), lo = (BYTE)cfg_port;
    SOCKADDR_STORAGE ss;
    WCHAR host[96];
    int i;

    make_v4(&ss, 0, 0, 0, 0, cfg_port);
    init_binding(&b1[KIND_IP], KIND_IP, (SOCKADDR *)&ss, NULL);
    init_binding(&b1[KIND_CCS], KIND_CCS, (SOCKADDR *)&ss, NULL);
    swprintf(host, 96, L"cfgtest-%u.httpapi.test", cfg_port);
    init_binding(&b1[KIND_SNI], KIND_SNI, (SOCKADDR *)&ss, host);
    swprintf(host, 96, L"cfgtest-two-%u.httpapi.test", cfg_port);
    init_binding(&b2[KIND_SNI], KIND_SNI, (SOCKADDR *)&ss, host);
    swprintf(host, 96, L"cfgtest-reg-%u.httpapi.test", cfg_port);
    init_binding(&br[KIND_SNI], KIND_SNI, (SOCKADDR *)&ss, host);
    swprintf(host, 96, L"cfgtest-never-%u.httpapi.test", cfg_port);
    init_binding(&bx[KIND_SNI], KIND_SNI, (SOCKADDR *)&ss, host);

    make_v4(&ss, 0, 0, 0, 0, cfg_port + 1);
    init_binding(&sni_wild, KIND_SNI, (SOCKADDR *)&ss, L"*");

    make_v6(&ss, loop6, cfg_port);
    init_binding(&b2[KIND_IP], KIND_IP, (SOCKADDR *)&ss, NULL);
    make_v4(&ss, 0, 0, 0, 0, cfg_port + 1);
    init_binding(&br[KIND_IP], KIND_IP, (SOCKADDR *)&ss, NULL);
    init_binding(&b2[KIND_CCS], KIND_CCS, (SOCKADDR *)&ss, NULL);
    make_v4(&ss, 127, hi, lo, 211, cfg_port);
    init_binding(&bx[KIND_IP], KIND_IP, (SOCKADDR *)&ss, NULL);
    make_v4(&ss, 0, 0, 0, 0, cfg_port + 2);
    init_binding(&br[KIND_CCS], KIND_CCS, (SOCKADDR *)&ss, NULL);
    make_v4(&ss, 0, 0, 0, 0, (USHORT)(cfg_port + 3));
    init_binding(&bx[KIND_CCS], KIND_CCS, (SOCKADDR *)&ss, NULL);

    app1.Data1 = 0x68747470; app1.Data2 = 0x6366; app1.Data3 = 0x6701;
    app1.Data4[0] = 0x80; app1.Data4[1] = 0x01; app1.Data4[6] = hi; app1.Data4[7] = lo;
    app2 = app1; app2.Data3 = 0x6702;
    app3 = app1; app3.Data3 = 0x6703;
    for (i = 0; i < 20; i++) hash_nocert[i] = (BYTE)(0xa5 ^ (i * 37));
    hash_nocert[0] = hi;
    hash_nocert[1] = lo;
}

union any_set
{
    HTTP_SERVICE_CONFIG_SSL_SET ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_SET sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_SET ccs;
};

union any_query
{
    HTTP_SERVICE_CONFIG_SSL_QUERY ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_QUERY ccs;
};

static ULONG set_size(enum kind kind)
{
    return kind == KIND_IP ? sizeof(HTTP_SERVICE_CONFIG_SSL_SET)
         : kind == KIND_SNI ? sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET) : sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET);
}

static ULONG query_size(enum kind kind)
{
    return kind == KIND_IP ? sizeof(HTTP_SERVICE_CONFIG_SSL_QUERY)
         : kind == KIND_SNI ? sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY) : sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_QUERY);
}

static void make_set(union any_set *s, struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM *param)
{
    memset(s, 0, sizeof(*s));
    switch (b->kind)
    {
    case KIND_IP:
        s->ip.KeyDesc.pIpPort = (SOCKADDR *)&b->addr;
        s->ip.ParamDesc = *param;
        break;
    case KIND_SNI:
        s->sni.KeyDesc.IpPort = b->addr;
        s->sni.KeyDesc.Host = b->host;
        s->sni.ParamDesc = *param;
        break;
    default:
        s->ccs.KeyDesc.LocalAddress = b->addr;
        s->ccs.ParamDesc = *param;
        break;
    }
}

static ULONG b_set(struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM *param)
{
    union any_set s;
    make_set(&s, b, param);
    return cfg_set(kind_id(b->kind), &s, set_size(b->kind));
}

static ULONG b_update(struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM *param)
{
    union any_set s;
    make_set(&s, b, param);
    return cfg_update(kind_id(b->kind), &s, set_size(b->kind));
}

/* Delete names the binding by its key; the parameters are left empty (as netsh's
 * "delete sslcert ipport=" passes them). */
static ULONG b_delete(struct binding *b)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM none;
    union any_set s;

    memset(&none, 0, sizeof(none));
    make_set(&s, b, &none);
    return cfg_delete(kind_id(b->kind), &s, set_size(b->kind));
}

static void make_query(union any_query *q, struct binding *b, HTTP_SERVICE_CONFIG_QUERY_TYPE type, DWORD token)
{
    memset(q, 0, sizeof(*q));
    switch (b->kind)
    {
    case KIND_IP:
        q->ip.QueryDesc = type;
        q->ip.KeyDesc.pIpPort = (SOCKADDR *)&b->addr;
        q->ip.dwToken = token;
        break;
    case KIND_SNI:
        q->sni.QueryDesc = type;
        q->sni.KeyDesc.IpPort = b->addr;
        q->sni.KeyDesc.Host = b->host;
        q->sni.dwToken = token;
        break;
    default:
        q->ccs.QueryDesc = type;
        q->ccs.KeyDesc.LocalAddress = b->addr;
        q->ccs.dwToken = token;
        break;
    }
}

static ULONG b_query(struct binding *b, void *out, ULONG size, ULONG *len)
{
    union any_query q;
    make_query(&q, b, HttpServiceConfigQueryExact, 0);
    *len = 0;
    return cfg_query(kind_id(b->kind), &q, query_size(b->kind), out, size, len);
}

static const HTTP_SERVICE_CONFIG_SSL_PARAM *out_param(enum kind kind, const void *out)
{
    const union any_set *s = out;
    return kind == KIND_IP ? &s->ip.ParamDesc : kind == KIND_SNI ? &s->sni.ParamDesc : &s->ccs.ParamDesc;
}

static ULONG sockaddr_len(const SOCKADDR *sa)
{
    return sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* Every pointer of a query's output points into it. */
static BOOL out_self_contained(enum kind kind, const void *out, ULONG size)
{
    const union any_set *s = out;
    const HTTP_SERVICE_CONFIG_SSL_PARAM *p;

    if (size < set_size(kind)) return FALSE;
    if (kind == KIND_IP && !ptr_in(out, size, s->ip.KeyDesc.pIpPort, sizeof(SOCKADDR))) return FALSE;
    if (kind == KIND_IP && !ptr_in(out, size, s->ip.KeyDesc.pIpPort, sockaddr_len(s->ip.KeyDesc.pIpPort))) return FALSE;
    if (kind == KIND_SNI && !wstr_in(out, size, s->sni.KeyDesc.Host, FALSE)) return FALSE;
    p = out_param(kind, out);
    if (p->SslHashLength && !ptr_in(out, size, p->pSslHash, p->SslHashLength)) return FALSE;
    return wstr_in(out, size, p->pSslCertStoreName, TRUE) && wstr_in(out, size, p->pDefaultSslCtlIdentifier, TRUE)
        && wstr_in(out, size, p->pDefaultSslCtlStoreName, TRUE);
}

/* The output (self-contained) is the binding's. */
static BOOL out_key_is(const struct binding *b, const void *out)
{
    const union any_set *s = out;

    switch (b->kind)
    {
    case KIND_IP:
        return sockaddr_eq(s->ip.KeyDesc.pIpPort, (const SOCKADDR *)&b->addr);
    case KIND_SNI:
        return s->sni.KeyDesc.IpPort.ss_family == b->addr.ss_family
            && sockaddr_port((const SOCKADDR *)&s->sni.KeyDesc.IpPort) == sockaddr_port((const SOCKADDR *)&b->addr)
            && !_wcsicmp(s->sni.KeyDesc.Host, b->host);
    default:
        return sockaddr_eq((const SOCKADDR *)&s->ccs.KeyDesc.LocalAddress, (const SOCKADDR *)&b->addr);
    }
}

static BOOL opt_str_same(const WCHAR *got, const WCHAR *expect)
{
    if (!expect) return !got || !*got;
    return got && !_wcsicmp(got, expect);
}

/* Which field of the output differs from what was set (NULL: none).  A store name set as NULL
 * means "MY" (reference §2.2): NULL or "MY" is accepted back. */
static const char *param_diff(const HTTP_SERVICE_CONFIG_SSL_PARAM *got, const HTTP_SERVICE_CONFIG_SSL_PARAM *expect)
{
    if (got->SslHashLength != expect->SslHashLength) return "SslHashLength";
    if (expect->SslHashLength && (!got->pSslHash || memcmp(got->pSslHash, expect->pSslHash, expect->SslHashLength)))
        return "the hash";
    if (memcmp(&got->AppId, &expect->AppId, sizeof(GUID))) return "AppId";
    if (expect->pSslCertStoreName ? !opt_str_same(got->pSslCertStoreName, expect->pSslCertStoreName)
                                  : !(opt_str_same(got->pSslCertStoreName, NULL) || opt_str_same(got->pSslCertStoreName, L"MY")))
        return "pSslCertStoreName";
    if (got->DefaultCertCheckMode != expect->DefaultCertCheckMode) return "DefaultCertCheckMode";
    if (got->DefaultRevocationFreshnessTime != expect->DefaultRevocationFreshnessTime) return "DefaultRevocationFreshnessTime";
    if (got->DefaultRevocationUrlRetrievalTimeout != expect->DefaultRevocationUrlRetrievalTimeout)
        return "DefaultRevocationUrlRetrievalTimeout";
    if (!opt_str_same(got->pDefaultSslCtlIdentifier, expect->pDefaultSslCtlIdentifier)) return "pDefaultSslCtlIdentifier";
    if (!opt_str_same(got->pDefaultSslCtlStoreName, expect->pDefaultSslCtlStoreName)) return "pDefaultSslCtlStoreName";
    if (got->DefaultFlags != expect->DefaultFlags) return "DefaultFlags";
    return NULL;
}

/* A binding as Query returns it now: NO_ERROR and the first field that differs, or the error. */
static ULONG b_current_diff(struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM *expect, const char **diff)
{
    void *out = big_alloc();
    ULONG ret, len;

    *diff = NULL;
    ret = b_query(b, out, BIG_BUFFER, &len);
    if (!ret)
    {
        if (!out_self_contained(b->kind, out, len)) *diff = "(output not self-contained)";
        else if (!out_key_is(b, out)) *diff = "(key)";
        else *diff = param_diff(out_param(b->kind, out), expect);
    }
    big_free(out);
    return ret;
}

#define check_current(b, expect, why) check_current_(__LINE__, b, expect, why)
static void check_current_(int line, struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM *expect, const char *why)
{
    const char *diff;
    ULONG ret = b_current_diff(b, expect, &diff);
    ok_(__FILE__, line, ret == NO_ERROR && !diff, "Query (Exact) of %s %s: expected NO_ERROR and the record as set, "
        "got %lu%s%s\n", b->name, why, ret, diff ? ", different " : "", diff ? diff : "");
}

#define check_missing(b, why) check_missing_(__LINE__, b, why)
static void check_missing_(int line, struct binding *b, const char *why)
{
    void *out = big_alloc();
    ULONG len, ret = b_query(b, out, BIG_BUFFER, &len);
    ok_(__FILE__, line, ret == ERROR_FILE_NOT_FOUND, "Query (Exact) of %s %s: expected ERROR_FILE_NOT_FOUND (2), got %lu\n",
        b->name, why, ret);
    big_free(out);
}

/* ------------------------------------------------------------------------------------------ */
/* The certificates. */

static void cert_container(int n, WCHAR *buf)
{
    swprintf(buf, 64, L"httpapi-cfgtest-%u-%d", cfg_port, n);
}

/* Removes test certificate `n` (every one if n is 0) from LocalMachine\MY and CurrentUser\MY, and
 * its key container. */
static void remove_certs(int n)
{
    static const DWORD locations[] = { CERT_SYSTEM_STORE_LOCAL_MACHINE, CERT_SYSTEM_STORE_CURRENT_USER };
    PCCERT_CONTEXT cert;
    HCERTSTORE store;
    HCRYPTPROV prov;
    WCHAR subject[64], container[64];
    int i;

    if (n) swprintf(subject, 64, L"httpapi-cfgtest-%u-%d.test", cfg_port, n);
    else swprintf(subject, 64, L"httpapi-cfgtest-%u-", cfg_port);
    for (i = 0; i < (int)ARRAYSIZE(locations); i++)
    {
        if (!(store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, locations[i], L"MY"))) continue;
        while ((cert = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SUBJECT_STR_W, subject, NULL)))
            CertDeleteCertificateFromStore(cert);
        /* Wine 8.0 writes a system store's deletions to the registry only when committed. */
        CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
        CertCloseStore(store, 0);
    }
    for (i = 1; i <= 4; i++)
    {
        if (n && i != n) continue;
        cert_container(i, container);
        CryptAcquireContextW(&prov, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_DELETEKEYSET | CRYPT_MACHINE_KEYSET);
        CryptAcquireContextW(&prov, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_DELETEKEYSET);
    }
}

/* Whether the certificate with this thumbprint is in LocalMachine\MY with a private key that
 * CryptAcquireCertificatePrivateKey opens. */
static BOOL cert_usable(const BYTE *hash, DWORD *error)
{
    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                     CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG, L"MY");
    CRYPT_HASH_BLOB blob = { 20, (BYTE *)hash };
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE key = 0;
    PCCERT_CONTEXT cert;
    DWORD spec = 0;
    BOOL free_key = FALSE, ret = FALSE;

    *error = 0;
    if (!store)
    {
        *error = GetLastError();
        return FALSE;
    }
    cert = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL);
    if (!cert) *error = GetLastError();
    else
    {
        ret = CryptAcquireCertificatePrivateKey(cert, CRYPT_ACQUIRE_SILENT_FLAG, NULL, &key, &spec, &free_key);
        if (!ret) *error = GetLastError();
        else if (free_key) CryptReleaseContext(key, 0);
        CertFreeCertificateContext(cert);
    }
    CertCloseStore(store, 0);
    return ret;
}

enum cert_place { CERT_LM_MY, CERT_LM_MY_NO_KEY, CERT_CU_MY };

/* A self-signed certificate whose RSA key is in the container `n` (a machine key set when
 * `machine`), added to LocalMachine\MY; or added there without its key (the property that names the
 * key is removed and the container deleted); or added to CurrentUser\MY instead. */
static BOOL make_cert(struct test_cert *c, int n, BOOL machine, enum cert_place place)
{
    DWORD keyset = machine ? CRYPT_MACHINE_KEYSET : 0, size = 20, enclen = 256;
    CRYPT_KEY_PROV_INFO info;
    CERT_NAME_BLOB name;
    PCCERT_CONTEXT cert;
    HCERTSTORE store;
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    WCHAR subject[96];
    BYTE encoded[256];
    BOOL ret;

    memset(c, 0, sizeof(*c));
    cert_container(n, c->container);
    CryptAcquireContextW(&prov, c->container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_DELETEKEYSET | keyset);
    if (!CryptAcquireContextW(&prov, c->container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_NEWKEYSET | keyset))
    {
        trace("CryptAcquireContext(%s, CRYPT_NEWKEYSET%s) failed: %lu\n", dbgw(c->container),
              machine ? " | CRYPT_MACHINE_KEYSET" : "", GetLastError());
        return FALSE;
    }
    if (!CryptGenKey(prov, AT_KEYEXCHANGE, (2048 << 16) | CRYPT_EXPORTABLE, &key))
    {
        trace("CryptGenKey failed: %lu\n", GetLastError());
        CryptReleaseContext(prov, 0);
        return FALSE;
    }
    CryptDestroyKey(key);

    swprintf(subject, 96, L"CN=httpapi-cfgtest-%u-%d.test", cfg_port, n);
    if (!CertStrToNameW(X509_ASN_ENCODING, subject, CERT_X500_NAME_STR, NULL, encoded, &enclen, NULL))
    {
        trace("CertStrToName failed: %lu\n", GetLastError());
        CryptReleaseContext(prov, 0);
        return FALSE;
    }
    name.cbData = enclen;
    name.pbData = encoded;
    memset(&info, 0, sizeof(info));
    info.pwszContainerName = c->container;
    info.pwszProvName = (WCHAR *)MS_ENH_RSA_AES_PROV_W;
    info.dwProvType = PROV_RSA_AES;
    info.dwFlags = keyset;
    info.dwKeySpec = AT_KEYEXCHANGE;
    cert = CertCreateSelfSignCertificate(prov, &name, 0, &info, NULL, NULL, NULL, NULL);
    CryptReleaseContext(prov, 0);
    if (!cert)
    {
        trace("CertCreateSelfSignCertificate failed: %lu\n", GetLastError());
        return FALSE;
    }
    ret = CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, c->hash, &size) && size == 20;
    if (place == CERT_LM_MY_NO_KEY)
    {
        CertSetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, 0, NULL);
        CryptAcquireContextW(&prov, c->container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_DELETEKEYSET | keyset);
    }
    store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, place == CERT_CU_MY ? CERT_SYSTEM_STORE_CURRENT_USER
                          : CERT_SYSTEM_STORE_LOCAL_MACHINE, L"MY");
    if (!store || !CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL))
    {
        trace("adding certificate %d to its store failed: %lu\n", n, GetLastError());
        ret = FALSE;
    }
    if (store) CertCloseStore(store, 0);
    CertFreeCertificateContext(cert);
    return ret;
}

/*
 * The key goes into a machine key set, as a server's would.  Wine 8.0's
 * CryptAcquireCertificatePrivateKey drops CRYPT_MACHINE_KEYSET from the certificate's key
 * provider info and looks in the user's key sets (CRYPT_E_NO_KEY_PROPERTY): there the test falls
 * back to a key in the user's key set, which is where that function looks.
 */
static BOOL make_usable_cert(struct test_cert *c, int n)
{
    DWORD error = 0;

    if (make_cert(c, n, TRUE, CERT_LM_MY) && cert_usable(c->hash, &error)) return c->ready = TRUE;
    trace("certificate %d with a machine key set: private key not usable (error 0x%08lx); using the user's key set\n",
          n, error);
    remove_certs(n);
    if (make_cert(c, n, FALSE, CERT_LM_MY) && cert_usable(c->hash, &error)) return c->ready = TRUE;
    trace("certificate %d with a user key set: private key not usable (error 0x%08lx)\n", n, error);
    return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* The parameters the tests set. */

static WCHAR store_my[] = L"MY", store_root[] = L"Root", ctl_id[] = L"httpapi-cfgtest-ctl", ctl_store[] = L"CA";

/* First Set of b1: every field that has a registry value, none at its default. */
static HTTP_SERVICE_CONFIG_SSL_PARAM param_first(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p;

    memset(&p, 0, sizeof(p));
    if (kind != KIND_CCS)
    {
        p.SslHashLength = 20;
        p.pSslHash = cert1.hash;
        p.pSslCertStoreName = store_my;
    }
    p.AppId = app1;
    p.DefaultCertCheckMode = HTTP_CERT_CHECK_MODE_USE_REVOCATION_FRESHNESS | HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK;
    p.DefaultRevocationFreshnessTime = 600;
    p.DefaultRevocationUrlRetrievalTimeout = 15000;
    p.DefaultFlags = HTTP_SERVICE_CONFIG_SSL_FLAG_NEGOTIATE_CLIENT_CERT;
    return p;
}

/* What Update puts in its place. */
static HTTP_SERVICE_CONFIG_SSL_PARAM param_update(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p;

    memset(&p, 0, sizeof(p));
    if (kind != KIND_CCS)
    {
        p.SslHashLength = 20;
        p.pSslHash = cert2.hash;
        p.pSslCertStoreName = store_my;
    }
    p.AppId = app2;
    p.DefaultCertCheckMode = HTTP_CERT_CHECK_MODE_NO_REVOCATION;
    p.DefaultFlags = HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_HTTP2 | HTTP_SERVICE_CONFIG_SSL_FLAG_DISABLE_LEGACY_TLS;
    return p;
}

/* b2: the default store (NULL), a CTL, the DS mapper. */
static HTTP_SERVICE_CONFIG_SSL_PARAM param_second(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p;

    memset(&p, 0, sizeof(p));
    if (kind != KIND_CCS)
    {
        p.SslHashLength = 20;
        p.pSslHash = cert1.hash;
    }
    p.AppId = app2;
    p.pDefaultSslCtlIdentifier = ctl_id;
    p.pDefaultSslCtlStoreName = ctl_store;
    p.DefaultFlags = HTTP_SERVICE_CONFIG_SSL_FLAG_USE_DS_MAPPER;
    return p;
}

/* The record written into the registry directly: a thumbprint of no certificate (Query does not
 * look at the store), a few values, the rest absent. */
static HTTP_SERVICE_CONFIG_SSL_PARAM param_registry(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p;

    memset(&p, 0, sizeof(p));
    if (kind != KIND_CCS)
    {
        p.SslHashLength = 20;
        p.pSslHash = hash_nocert;
        p.pSslCertStoreName = store_my;
    }
    p.AppId = app3;
    p.DefaultCertCheckMode = HTTP_CERT_CHECK_MODE_NO_REVOCATION;
    p.DefaultFlags = HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_SESSION_TICKET;
    return p;
}

/* ------------------------------------------------------------------------------------------ */
/* The registry. */

static void check_reg_binary(const WCHAR *key, const WCHAR *name, const void *expect, DWORD len)
{
    BYTE data[256];
    DWORD type = 0, size = sizeof(data);
    LONG ret = reg_get(key, name, &type, data, &size);

    ok(!ret && type == REG_BINARY && size == len && !memcmp(data, expect, len),
       "registry value %s\\%s: expected REG_BINARY (3) of %lu bytes as set, got error %ld, type %lu, %lu bytes\n",
       dbgw(key), dbgw(name), len, ret, type, size);
}

static void check_reg_dword(const WCHAR *key, const WCHAR *name, DWORD expect)
{
    DWORD type = 0, size = sizeof(DWORD), value = 0;
    LONG ret = reg_get(key, name, &type, &value, &size);

    ok(!ret && type == REG_DWORD && value == expect, "registry value %s\\%s: expected REG_DWORD (4) %lu, got error %ld, "
       "type %lu, value %lu\n", dbgw(key), dbgw(name), expect, ret, type, value);
}

static void check_reg_sz(const WCHAR *key, const WCHAR *name, const WCHAR *expect)
{
    WCHAR data[256];
    DWORD type = 0, size = sizeof(data) - sizeof(WCHAR);
    LONG ret;

    memset(data, 0, sizeof(data));
    ret = reg_get(key, name, &type, data, &size);
    ok(!ret && (type == REG_SZ || type == REG_EXPAND_SZ) && !_wcsicmp(data, expect),
       "registry value %s\\%s: expected REG_SZ %s, got error %ld, type %lu, %s\n", dbgw(key), dbgw(name), dbgw(expect),
       ret, type, dbgw(data));
}

/* Each value of the layout that is not at its default (those may be absent). */
static void check_registry(const struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM *p)
{
    WCHAR key[160];

    binding_key(b, key, 160);
    ok(reg_key_exists(key), "registry key Parameters\\%s: expected it to exist for %s\n", dbgw(key), b->name);
    if (p->SslHashLength) check_reg_binary(key, L"SslCertHash", p->pSslHash, p->SslHashLength);
    check_reg_binary(key, L"AppId", &p->AppId, sizeof(GUID));
    if (p->pSslCertStoreName) check_reg_sz(key, L"SslCertStoreName", p->pSslCertStoreName);
    if (p->DefaultCertCheckMode) check_reg_dword(key, L"DefaultSslCertCheckMode", p->DefaultCertCheckMode);
    if (p->DefaultRevocationFreshnessTime)
        check_reg_dword(key, L"DefaultSslRevocationFreshnessTime", p->DefaultRevocationFreshnessTime);
    if (p->DefaultRevocationUrlRetrievalTimeout)
        check_reg_dword(key, L"DefaultSslRevocationUrlRetrievalTimeout", p->DefaultRevocationUrlRetrievalTimeout);
    if (p->pDefaultSslCtlIdentifier) check_reg_sz(key, L"DefaultSslCtlIdentifier", p->pDefaultSslCtlIdentifier);
    if (p->pDefaultSslCtlStoreName) check_reg_sz(key, L"DefaultSslCtlStoreName", p->pDefaultSslCtlStoreName);
    if (p->DefaultFlags) check_reg_dword(key, L"DefaultFlags", p->DefaultFlags);
}

/* Writes a binding the way a .reg file exported on Windows holds it. */
static void write_registry(const struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM *p)
{
    WCHAR key[160];

    binding_key(b, key, 160);
    if (p->SslHashLength) reg_put(key, L"SslCertHash", REG_BINARY, p->pSslHash, p->SslHashLength);
    reg_put(key, L"AppId", REG_BINARY, &p->AppId, sizeof(GUID));
    if (p->pSslCertStoreName) reg_put_sz(key, L"SslCertStoreName", p->pSslCertStoreName);
    reg_put_dword(key, L"DefaultSslCertCheckMode", p->DefaultCertCheckMode);
    reg_put_dword(key, L"DefaultFlags", p->DefaultFlags);
}

static void cleanup(void)
{
    struct binding *all[] = { b1, b2, br, bx };
    WCHAR key[160];
    unsigned i, k;

    for (i = 0; i < ARRAYSIZE(all); i++)
        for (k = 0; k < KIND_COUNT; k++)
        {
            if (!all[i][k].name[0]) continue;
            b_delete(&all[i][k]);
            reg_remove_tree(binding_key(&all[i][k], key, 160));
        }
    b_delete(&sni_wild);
    reg_remove_tree(binding_key(&sni_wild, key, 160));
}

/* ------------------------------------------------------------------------------------------ */
/* The tests, for one kind of binding. */

static void test_set(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p1 = param_first(kind), p2 = param_second(kind), pu = param_update(kind);
    ULONG ret;

    ret = b_set(&b1[kind], &p1);
    ok(ret == NO_ERROR, "Set of %s: expected NO_ERROR, got %lu\n", b1[kind].name, ret);
    ret = b_set(&b2[kind], &p2);
    ok(ret == NO_ERROR, "Set of %s: expected NO_ERROR, got %lu\n", b2[kind].name, ret);

    check_registry(&b1[kind], &p1);
    check_registry(&b2[kind], &p2);

    /* A second Set fails and leaves the first record. */
    ret = b_set(&b1[kind], &pu);
    ok(ret == ERROR_ALREADY_EXISTS, "Set of an existing %s: expected ERROR_ALREADY_EXISTS (183), got %lu\n",
       b1[kind].name, ret);
    check_current(&b1[kind], &p1, "after the failed second Set");
}

static void test_query_exact(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p1 = param_first(kind), p2 = param_second(kind);
    union any_query q;
    char what[256];
    const char *diff;
    void *out;
    ULONG size, ret, len;

    make_query(&q, &b1[kind], HttpServiceConfigQueryExact, 77 /* ignored by an exact query */);
    snprintf(what, sizeof(what), "%s (Exact)", b1[kind].name);
    out = query_sized(kind_id(kind), &q, query_size(kind), what, &size);
    if (out)
    {
        ok(out_self_contained(kind, out, size), "Query of %s: expected every pointer inside the %lu-byte output\n", what,
           size);
        if (out_self_contained(kind, out, size))
        {
            ok(out_key_is(&b1[kind], out), "Query of %s: expected the key back\n", what);
            diff = param_diff(out_param(kind, out), &p1);
            ok(!diff, "Query of %s: expected the parameters as set, got a different %s\n", what, diff ? diff : "");
        }
        HeapFree(GetProcessHeap(), 0, out);
    }

    /* The second record (an IPv6 key for IP bindings; the default store, a CTL). */
    check_current(&b2[kind], &p2, "");

    check_missing(&bx[kind], "(never set)");

    out = big_alloc();
    make_query(&q, &b1[kind], HttpServiceConfigQueryMax, 0);
    ret = cfg_query(kind_id(kind), &q, query_size(kind), out, BIG_BUFFER, &len);
    ok(ret == ERROR_INVALID_PARAMETER, "Query of %s with QueryDesc HttpServiceConfigQueryMax: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", b1[kind].name, ret);

    ret = cfg_query(kind_id(kind), NULL, 0, out, BIG_BUFFER, &len);
    ok(ret == ERROR_INVALID_PARAMETER, "Query of a %s binding with no query structure: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", kind_names[kind], ret);

    if (kind == KIND_IP)
    {
        make_query(&q, &b1[kind], HttpServiceConfigQueryExact, 0);
        q.ip.KeyDesc.pIpPort = NULL;
        ret = cfg_query(kind_id(kind), &q, query_size(kind), out, BIG_BUFFER, &len);
        ok(ret == ERROR_INVALID_PARAMETER, "Query (Exact) of an SSL binding with pIpPort NULL: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    }
    if (kind == KIND_SNI)
    {
        make_query(&q, &b1[kind], HttpServiceConfigQueryExact, 0);
        q.sni.KeyDesc.Host = NULL;
        ret = cfg_query(kind_id(kind), &q, query_size(kind), out, BIG_BUFFER, &len);
        ok(ret == ERROR_INVALID_PARAMETER, "Query (Exact) of an SNI binding with Host NULL: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    }
    big_free(out);
}

/* A binding written into the registry as a .reg import would is one Query returns. */
static void test_registry_import(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM pr = param_registry(kind);

    write_registry(&br[kind], &pr);
    check_current(&br[kind], &pr, "(written into the registry directly)");
}

/* Enumeration: dwToken 0, 1, ... until ERROR_NO_MORE_ITEMS; b1, b2 and br once each, bx never. */
static void test_query_next(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p1 = param_first(kind), p2 = param_second(kind), pr = param_registry(kind);
    struct binding *mine[] = { &b1[kind], &b2[kind], &br[kind], &bx[kind] };
    const HTTP_SERVICE_CONFIG_SSL_PARAM *expect[] = { &p1, &p2, &pr, &p1 };
    int seen[4] = { 0 }, bad = 0, i;
    union any_query q;
    char what[128];
    void *out;
    ULONG ret = NO_ERROR, len, size, token;

    make_query(&q, &bx[kind], HttpServiceConfigQueryNext, 0); /* the key is ignored */
    snprintf(what, sizeof(what), "%s binding number 0 (Next)", kind_names[kind]);
    out = query_sized(kind_id(kind), &q, query_size(kind), what, &size);
    if (out)
    {
        ok(out_self_contained(kind, out, size), "Query of %s: expected every pointer inside the %lu-byte output\n", what,
           size);
        HeapFree(GetProcessHeap(), 0, out);
    }

    out = big_alloc();
    for (token = 0; token < 100000; token++)
    {
        make_query(&q, &bx[kind], HttpServiceConfigQueryNext, token);
        len = 0;
        ret = cfg_query(kind_id(kind), &q, query_size(kind), out, BIG_BUFFER, &len);
        if (ret) break;
        if (!out_self_contained(kind, out, len))
        {
            bad++;
            continue;
        }
        for (i = 0; i < 4; i++)
            if (out_key_is(mine[i], out))
            {
                seen[i]++;
                if (param_diff(out_param(kind, out), expect[i])) bad++;
            }
    }
    ok(ret == ERROR_NO_MORE_ITEMS, "Query (Next) of %s bindings: expected ERROR_NO_MORE_ITEMS (259) after the last, got "
       "%lu at dwToken %lu\n", kind_names[kind], ret, token);
    ok(!bad, "Query (Next) of %s bindings: expected every output self-contained and each test binding as set, got %d "
       "that were not\n", kind_names[kind], bad);
    ok(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 0, "Query (Next) of %s bindings: expected the three "
       "test bindings once each and the one never set not at all, got %d %d %d %d\n", kind_names[kind], seen[0], seen[1],
       seen[2], seen[3]);
    big_free(out);
}

static void test_update(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM pu = param_update(kind), p;
    WCHAR key[160];
    ULONG ret;

    ret = b_update(&b1[kind], &pu);
    ok(ret == NO_ERROR, "Update of %s: expected NO_ERROR, got %lu\n", b1[kind].name, ret);
    check_current(&b1[kind], &pu, "after Update");
    binding_key(&b1[kind], key, 160);
    if (kind != KIND_CCS) check_reg_binary(key, L"SslCertHash", pu.pSslHash, 20);
    check_reg_binary(key, L"AppId", &pu.AppId, sizeof(GUID));

    ret = b_update(&bx[kind], &pu);
    ok(ret == ERROR_FILE_NOT_FOUND, "Update of a %s binding that does not exist: expected ERROR_FILE_NOT_FOUND (2), "
       "got %lu\n", kind_names[kind], ret);
    check_missing(&bx[kind], "after the failed Update (Update creates nothing)");

    /* A failed Update leaves the record as it was. */
    p = pu;
    p.DefaultFlags = 0x00010000;
    ret = b_update(&b1[kind], &p);
    ok(ret == ERROR_INVALID_PARAMETER, "Update of %s with the unknown DefaultFlags bit 0x10000: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", b1[kind].name, ret);
    if (kind != KIND_CCS)
    {
        p = pu;
        p.pSslHash = hash_nocert;
        ret = b_update(&b1[kind], &p);
        ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "Update of %s with a certificate that is in no store: expected "
           "ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", b1[kind].name, ret);
        p = pu;
        p.SslHashLength = 19;
        ret = b_update(&b1[kind], &p);
        ok(ret == ERROR_INVALID_PARAMETER, "Update of %s with SslHashLength 19: expected ERROR_INVALID_PARAMETER (87), "
           "got %lu\n", b1[kind].name, ret);
    }
    {
        union any_set s;
        make_set(&s, &b1[kind], &pu);
        ret = cfg_update(kind_id(kind), &s, set_size(kind) - 1);
        ok(ret == ERROR_INSUFFICIENT_BUFFER, "Update of %s with a length one byte short of the structure: expected "
           "ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", b1[kind].name, ret);
    }
    ret = cfg_update(kind_id(kind), NULL, set_size(kind));
    ok(ret == ERROR_INVALID_PARAMETER, "Update of a %s binding with no structure (NULL): expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", kind_names[kind], ret);
    check_current(&b1[kind], &pu, "after the failed Update calls");
}

/* Set calls that must fail, all on bx: none of them may create it. */
static void test_invalid(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p;
    struct binding b;
    WCHAR long_store[130], key[160];
    union any_set s;
    ULONG ret;
    int i;

    if (kind != KIND_CCS)
    {
        p = param_first(kind);
        p.pSslHash = hash_nocert;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "Set of %s with a certificate that is in no store: expected "
           "ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", bx[kind].name, ret);

        /* "SSL Certificate add failed, Error: 1312" is what netsh reports for a certificate
         * without its private key. */
        p = param_first(kind);
        p.pSslHash = cert_nokey.hash;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "Set of %s with a certificate in LocalMachine\\MY that has no private key: "
           "expected ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", bx[kind].name, ret);

        p = param_first(kind);
        p.pSslHash = cert_user.hash;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "Set of %s with a certificate that is in CurrentUser\\MY only: expected "
           "ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", bx[kind].name, ret);

        p = param_first(kind);
        p.pSslCertStoreName = store_root;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "Set of %s naming store Root, which does not hold the certificate: expected "
           "ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", bx[kind].name, ret);

        p = param_first(kind);
        p.SslHashLength = 19;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_INVALID_PARAMETER, "Set of %s with SslHashLength 19: expected ERROR_INVALID_PARAMETER (87), "
           "got %lu\n", bx[kind].name, ret);

        p = param_first(kind);
        p.SslHashLength = 0;
        p.pSslHash = NULL;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_INVALID_PARAMETER, "Set of %s with no hash: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
           bx[kind].name, ret);

        p = param_first(kind);
        p.pSslHash = NULL;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_INVALID_PARAMETER, "Set of %s with SslHashLength 20 and pSslHash NULL: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", bx[kind].name, ret);

        /* HTTP_SSL_CERT_STORE_NAME_LENGTH (128) counts the terminating NUL. */
        for (i = 0; i < 128; i++) long_store[i] = 'S';
        long_store[128] = 0;
        p = param_first(kind);
        p.pSslCertStoreName = long_store;
        ret = b_set(&bx[kind], &p);
        ok(ret == ERROR_INVALID_PARAMETER, "Set of %s with a store name of 128 characters: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", bx[kind].name, ret);
    }

    p = param_first(kind);
    p.DefaultFlags = 0x00010000;
    ret = b_set(&bx[kind], &p);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of %s with the unknown DefaultFlags bit 0x10000: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", bx[kind].name, ret);

    p = param_first(kind);
    b = bx[kind];
    b.addr.ss_family = AF_IPX;
    ret = b_set(&b, &p);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a %s binding whose address is of family AF_IPX: expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", kind_names[kind], ret);
    if (!ret) b_delete(&b);

    b = bx[kind];
    ((struct sockaddr_in *)&b.addr)->sin_port = 0;
    ret = b_set(&b, &p);
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a %s binding with port 0: expected ERROR_INVALID_PARAMETER (87), got %lu\n",
       kind_names[kind], ret);
    if (!ret) b_delete(&b);

    make_set(&s, &bx[kind], &p);
    ret = cfg_set(kind_id(kind), &s, set_size(kind) - 1);
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "Set of %s with a length one byte short of the structure: expected "
       "ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", bx[kind].name, ret);

    ret = cfg_set(kind_id(kind), NULL, set_size(kind));
    ok(ret == ERROR_INVALID_PARAMETER, "Set of a %s binding with no structure (NULL): expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", kind_names[kind], ret);

    if (kind == KIND_IP)
    {
        s.ip.KeyDesc.pIpPort = NULL;
        ret = cfg_set(kind_id(kind), &s, set_size(kind));
        ok(ret == ERROR_INVALID_PARAMETER, "Set of an SSL binding with pIpPort NULL: expected ERROR_INVALID_PARAMETER "
           "(87), got %lu\n", ret);
    }
    if (kind == KIND_SNI)
    {
        s.sni.KeyDesc.Host = NULL;
        ret = cfg_set(kind_id(kind), &s, set_size(kind));
        ok(ret == ERROR_INVALID_PARAMETER, "Set of an SNI binding with Host NULL: expected ERROR_INVALID_PARAMETER "
           "(87), got %lu\n", ret);
        s.sni.KeyDesc.Host = (WCHAR *)L"";
        ret = cfg_set(kind_id(kind), &s, set_size(kind));
        ok(ret == ERROR_INVALID_PARAMETER, "Set of an SNI binding with an empty Host: expected ERROR_INVALID_PARAMETER "
           "(87), got %lu\n", ret);
        if (!ret) cfg_delete(kind_id(kind), &s, set_size(kind));
    }

    check_missing(&bx[kind], "after the failed Set calls");
    ok(!reg_key_exists(binding_key(&bx[kind], key, 160)), "registry key Parameters\\%s after the failed Set calls: "
       "expected none\n", dbgw(key));
}

/* ------------------------------------------------------------------------------------------ */
/* The Ex forms: typed extended properties of an existing binding. */

union any_set_ex
{
    HTTP_SERVICE_CONFIG_SSL_SET_EX ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX ccs;
};

union any_query_ex
{
    HTTP_SERVICE_CONFIG_SSL_QUERY_EX ip;
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX sni;
    HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX ccs;
};

static ULONG set_ex_size(enum kind kind)
{
    return kind == KIND_IP ? sizeof(HTTP_SERVICE_CONFIG_SSL_SET_EX)
         : kind == KIND_SNI ? sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX) : sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX);
}

static ULONG query_ex_size(enum kind kind)
{
    return kind == KIND_IP ? sizeof(HTTP_SERVICE_CONFIG_SSL_QUERY_EX)
         : kind == KIND_SNI ? sizeof(HTTP_SERVICE_CONFIG_SSL_SNI_QUERY_EX) : sizeof(HTTP_SERVICE_CONFIG_SSL_CCS_QUERY_EX);
}

static void make_set_ex(union any_set_ex *s, struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *p)
{
    memset(s, 0, sizeof(*s));
    switch (b->kind)
    {
    case KIND_IP:
        s->ip.KeyDesc.IpPort = b->addr;
        s->ip.ParamDesc = *p;
        break;
    case KIND_SNI:
        s->sni.KeyDesc.IpPort = b->addr;
        s->sni.KeyDesc.Host = b->host;
        s->sni.ParamDesc = *p;
        break;
    default:
        s->ccs.KeyDesc.LocalAddress = b->addr;
        s->ccs.ParamDesc = *p;
        break;
    }
}

static HTTP_SERVICE_CONFIG_SSL_PARAM_EX window_param(DWORD size)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX p;
    memset(&p, 0, sizeof(p));
    p.ParamType = ExParamTypeHttp2Window;
    p.Http2WindowSizeParam.Http2ReceiveWindowSize = size;
    return p;
}

static HTTP_SERVICE_CONFIG_SSL_PARAM_EX limits_param(DWORD per_frame, DWORD per_minute)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX p;
    memset(&p, 0, sizeof(p));
    p.ParamType = ExParamTypeHttp2SettingsLimits;
    p.Http2SettingsLimitsParam.Http2MaxSettingsPerFrame = per_frame;
    p.Http2SettingsLimitsParam.Http2MaxSettingsPerMinute = per_minute;
    return p;
}

static ULONG b_set_ex(struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *p)
{
    union any_set_ex s;
    make_set_ex(&s, b, p);
    return cfg_set(kind_id_ex(b->kind), &s, set_ex_size(b->kind));
}

static ULONG b_update_ex(struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *p)
{
    union any_set_ex s;
    make_set_ex(&s, b, p);
    return cfg_update(kind_id_ex(b->kind), &s, set_ex_size(b->kind));
}

static ULONG b_delete_ex(struct binding *b, HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE type)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX p;
    union any_set_ex s;

    memset(&p, 0, sizeof(p));
    p.ParamType = type;
    make_set_ex(&s, b, &p);
    return cfg_delete(kind_id_ex(b->kind), &s, set_ex_size(b->kind));
}

static void make_query_ex(union any_query_ex *q, struct binding *b, HTTP_SERVICE_CONFIG_QUERY_TYPE type, DWORD token,
                          HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE param_type)
{
    memset(q, 0, sizeof(*q));
    switch (b->kind)
    {
    case KIND_IP:
        q->ip.QueryDesc = type;
        q->ip.KeyDesc.IpPort = b->addr;
        q->ip.dwToken = token;
        q->ip.ParamType = param_type;
        break;
    case KIND_SNI:
        q->sni.QueryDesc = type;
        q->sni.KeyDesc.IpPort = b->addr;
        q->sni.KeyDesc.Host = b->host;
        q->sni.dwToken = token;
        q->sni.ParamType = param_type;
        break;
    default:
        q->ccs.QueryDesc = type;
        q->ccs.KeyDesc.LocalAddress = b->addr;
        q->ccs.dwToken = token;
        q->ccs.ParamType = param_type;
        break;
    }
}

static const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *out_param_ex(enum kind kind, const void *out)
{
    const union any_set_ex *s = out;
    return kind == KIND_IP ? &s->ip.ParamDesc : kind == KIND_SNI ? &s->sni.ParamDesc : &s->ccs.ParamDesc;
}

static BOOL out_ex_key_is(const struct binding *b, const void *out, ULONG size)
{
    const union any_set_ex *s = out;

    if (size < set_ex_size(b->kind)) return FALSE;
    switch (b->kind)
    {
    case KIND_IP:
        return sockaddr_eq((const SOCKADDR *)&s->ip.KeyDesc.IpPort, (const SOCKADDR *)&b->addr);
    case KIND_SNI:
        return wstr_in(out, size, s->sni.KeyDesc.Host, FALSE) && !_wcsicmp(s->sni.KeyDesc.Host, b->host)
            && sockaddr_port((const SOCKADDR *)&s->sni.KeyDesc.IpPort) == sockaddr_port((const SOCKADDR *)&b->addr);
    default:
        return sockaddr_eq((const SOCKADDR *)&s->ccs.KeyDesc.LocalAddress, (const SOCKADDR *)&b->addr);
    }
}

static BOOL param_ex_same(const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *got, const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *expect)
{
    if (got->ParamType != expect->ParamType) return FALSE;
    if (expect->ParamType == ExParamTypeHttp2Window)
        return got->Http2WindowSizeParam.Http2ReceiveWindowSize == expect->Http2WindowSizeParam.Http2ReceiveWindowSize;
    return got->Http2SettingsLimitsParam.Http2MaxSettingsPerFrame == expect->Http2SettingsLimitsParam.Http2MaxSettingsPerFrame
        && got->Http2SettingsLimitsParam.Http2MaxSettingsPerMinute == expect->Http2SettingsLimitsParam.Http2MaxSettingsPerMinute;
}

/* The property as Query (Exact) returns it: the error, and whether it is `expect`. */
static ULONG b_query_ex(struct binding *b, const HTTP_SERVICE_CONFIG_SSL_PARAM_EX *expect, BOOL *same)
{
    union any_query_ex q;
    void *out = big_alloc();
    ULONG ret, len = 0;

    make_query_ex(&q, b, HttpServiceConfigQueryExact, 0, expect->ParamType);
    ret = cfg_query(kind_id_ex(b->kind), &q, query_ex_size(b->kind), out, BIG_BUFFER, &len);
    *same = !ret && out_ex_key_is(b, out, len) && param_ex_same(out_param_ex(b->kind, out), expect);
    big_free(out);
    return ret;
}

static void test_ex(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX win = window_param(262144), win2 = window_param(524288), lim = limits_param(100, 2000);
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX p;
    struct binding *b = &b1[kind];
    union any_query_ex q;
    union any_set_ex s;
    char what[256];
    WCHAR key[160];
    DWORD type, size;
    ULONG ret, len, token;
    void *out;
    BOOL same;
    int seen = 0;

    binding_key(b, key, 160);

    ret = b_set_ex(&bx[kind], &win);
    ok(ret == ERROR_FILE_NOT_FOUND, "Set (Ex, HTTP/2 window) of %s, which does not exist: expected ERROR_FILE_NOT_FOUND "
       "(2), got %lu\n", bx[kind].name, ret);

    ret = b_set_ex(b, &win);
    ok(ret == NO_ERROR, "Set (Ex, HTTP/2 window 262144) of %s: expected NO_ERROR, got %lu\n", b->name, ret);
    check_reg_dword(key, L"Http2ReceiveWindowSize", 262144);
    ret = b_set_ex(b, &win2);
    ok(ret == ERROR_ALREADY_EXISTS, "Set (Ex, HTTP/2 window) of %s a second time: expected ERROR_ALREADY_EXISTS (183), "
       "got %lu\n", b->name, ret);

    make_query_ex(&q, b, HttpServiceConfigQueryExact, 0, ExParamTypeHttp2Window);
    snprintf(what, sizeof(what), "%s (Ex, Exact, HTTP/2 window)", b->name);
    out = query_sized(kind_id_ex(kind), &q, query_ex_size(kind), what, &size);
    if (out)
    {
        ok(out_ex_key_is(b, out, size), "Query of %s: expected the key back, in the %lu-byte output\n", what, size);
        ok(param_ex_same(out_param_ex(kind, out), &win), "Query of %s: expected ParamType %u and window 262144, got %u "
           "and %lu\n", what, ExParamTypeHttp2Window, out_param_ex(kind, out)->ParamType,
           out_param_ex(kind, out)->Http2WindowSizeParam.Http2ReceiveWindowSize);
        HeapFree(GetProcessHeap(), 0, out);
    }

    ret = b_query_ex(b, &lim, &same);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query (Ex, Exact) of the HTTP/2 settings limits of %s, never set: expected "
       "ERROR_FILE_NOT_FOUND (2), got %lu\n", b->name, ret);

    /* Next: the bindings that have the property, each once. */
    out = big_alloc();
    for (token = 0; token < 100000; token++)
    {
        make_query_ex(&q, &bx[kind], HttpServiceConfigQueryNext, token, ExParamTypeHttp2Window);
        ret = cfg_query(kind_id_ex(kind), &q, query_ex_size(kind), out, BIG_BUFFER, &len);
        if (ret) break;
        if (out_ex_key_is(b, out, len) && param_ex_same(out_param_ex(kind, out), &win)) seen++;
    }
    ok(ret == ERROR_NO_MORE_ITEMS, "Query (Ex, Next, HTTP/2 window) of %s bindings: expected ERROR_NO_MORE_ITEMS (259) "
       "after the last, got %lu at dwToken %lu\n", kind_names[kind], ret, token);
    ok(seen == 1, "Query (Ex, Next, HTTP/2 window) of %s bindings: expected %s with its window once, got %d times\n",
       kind_names[kind], b->name, seen);
    big_free(out);

    ret = b_update_ex(b, &win2);
    ok(ret == NO_ERROR, "Update (Ex, HTTP/2 window 524288) of %s: expected NO_ERROR, got %lu\n", b->name, ret);
    ret = b_query_ex(b, &win2, &same);
    ok(ret == NO_ERROR && same, "Query (Ex, Exact) of %s after Update: expected NO_ERROR and window 524288, got %lu, "
       "same %d\n", b->name, ret, same);
    ret = b_update_ex(b, &lim);
    ok(ret == ERROR_FILE_NOT_FOUND, "Update (Ex, HTTP/2 settings limits) of %s, which has none: expected "
       "ERROR_FILE_NOT_FOUND (2), got %lu\n", b->name, ret);

    ret = b_set_ex(b, &lim);
    ok(ret == NO_ERROR, "Set (Ex, HTTP/2 settings limits 100/2000) of %s: expected NO_ERROR, got %lu\n", b->name, ret);
    check_reg_dword(key, L"Http2MaxSettingsPerFrame", 100);
    check_reg_dword(key, L"Http2MaxSettingsPerMinute", 2000);
    ret = b_query_ex(b, &lim, &same);
    ok(ret == NO_ERROR && same, "Query (Ex, Exact) of the HTTP/2 settings limits of %s: expected NO_ERROR and 100/2000, "
       "got %lu, same %d\n", b->name, ret, same);

    /* Only the HTTP/2 parameter types are stored (docs/configuration.md). */
    memset(&p, 0, sizeof(p));
    p.ParamType = ExParamTypeTlsRestrictions;
    ret = b_set_ex(b, &p);
    ok(ret == ERROR_NOT_SUPPORTED, "Set (Ex) of %s with ParamType ExParamTypeTlsRestrictions: expected "
       "ERROR_NOT_SUPPORTED (50), got %lu\n", b->name, ret);
    p.ParamType = ExParamTypeMax;
    ret = b_set_ex(b, &p);
    ok(ret == ERROR_INVALID_PARAMETER, "Set (Ex) of %s with ParamType ExParamTypeMax: expected ERROR_INVALID_PARAMETER "
       "(87), got %lu\n", b->name, ret);
    make_set_ex(&s, b, &win);
    ret = cfg_set(kind_id_ex(kind), &s, set_ex_size(kind) - 1);
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "Set (Ex) of %s with a length one byte short of the structure: expected "
       "ERROR_INSUFFICIENT_BUFFER (122), got %lu\n", b->name, ret);

    ret = b_delete_ex(b, ExParamTypeHttp2Window);
    ok(ret == NO_ERROR, "Delete (Ex, HTTP/2 window) of %s: expected NO_ERROR, got %lu\n", b->name, ret);
    ret = b_query_ex(b, &win2, &same);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query (Ex, Exact, HTTP/2 window) of %s after its Delete: expected "
       "ERROR_FILE_NOT_FOUND (2), got %lu\n", b->name, ret);
    size = 0;
    ok(reg_get(key, L"Http2ReceiveWindowSize", &type, NULL, &size) == ERROR_FILE_NOT_FOUND,
       "registry value %s\\Http2ReceiveWindowSize after Delete (Ex): expected none\n", dbgw(key));
    ret = b_delete_ex(b, ExParamTypeHttp2Window);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete (Ex, HTTP/2 window) of %s a second time: expected ERROR_FILE_NOT_FOUND (2), "
       "got %lu\n", b->name, ret);
    ret = b_query_ex(b, &lim, &same);
    ok(ret == NO_ERROR && same, "Query (Ex, Exact) of the HTTP/2 settings limits of %s after the window's Delete: "
       "expected NO_ERROR and 100/2000 still, got %lu, same %d\n", b->name, ret, same);
    {
        HTTP_SERVICE_CONFIG_SSL_PARAM pu = param_update(kind);
        check_current(b, &pu, "after the Ex calls (the binding itself is unchanged)");
    }
    /* The settings limits stay: deleting the binding removes them with it (test_delete). */
}

static void test_delete(enum kind kind)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM_EX lim = limits_param(100, 2000);
    struct binding b;
    union any_set s;
    WCHAR key[160];
    ULONG ret;
    BOOL same;

    ret = b_delete(&b1[kind]);
    ok(ret == NO_ERROR, "Delete of %s: expected NO_ERROR, got %lu\n", b1[kind].name, ret);
    ok(!reg_key_exists(binding_key(&b1[kind], key, 160)), "registry key Parameters\\%s after Delete: expected none\n",
       dbgw(key));
    check_missing(&b1[kind], "after Delete");
    ret = b_query_ex(&b1[kind], &lim, &same);
    ok(ret == ERROR_FILE_NOT_FOUND, "Query (Ex, Exact) of the HTTP/2 settings limits of %s after the binding's Delete: "
       "expected ERROR_FILE_NOT_FOUND (2), got %lu\n", b1[kind].name, ret);
    ret = b_delete(&b1[kind]);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete of %s a second time: expected ERROR_FILE_NOT_FOUND (2), got %lu\n",
       b1[kind].name, ret);
    ret = b_delete(&bx[kind]);
    ok(ret == ERROR_FILE_NOT_FOUND, "Delete of %s, never set: expected ERROR_FILE_NOT_FOUND (2), got %lu\n",
       bx[kind].name, ret);

    b = b2[kind];
    ((struct sockaddr_in *)&b.addr)->sin_port = 0;
    ret = b_delete(&b);
    ok(ret == ERROR_INVALID_PARAMETER, "Delete of a %s binding with port 0: expected ERROR_INVALID_PARAMETER (87), got "
       "%lu\n", kind_names[kind], ret);
    if (kind == KIND_IP)
    {
        memset(&s, 0, sizeof(s));
        ret = cfg_delete(kind_id(kind), &s, set_size(kind));
        ok(ret == ERROR_INVALID_PARAMETER, "Delete of an SSL binding with pIpPort NULL: expected ERROR_INVALID_PARAMETER "
           "(87), got %lu\n", ret);
    }
    if (kind == KIND_SNI)
    {
        b = b2[kind];
        b.host[0] = 0;
        ret = b_delete(&b);
        ok(ret == ERROR_INVALID_PARAMETER, "Delete of an SNI binding with an empty Host: expected "
           "ERROR_INVALID_PARAMETER (87), got %lu\n", ret);
    }
    ret = cfg_delete(kind_id(kind), NULL, set_size(kind));
    ok(ret == ERROR_INVALID_PARAMETER, "Delete of a %s binding with no structure (NULL): expected "
       "ERROR_INVALID_PARAMETER (87), got %lu\n", kind_names[kind], ret);
    {
        HTTP_SERVICE_CONFIG_SSL_PARAM p2 = param_second(kind);
        check_current(&b2[kind], &p2, "after the failed Delete calls");
    }

    ret = b_delete(&b2[kind]);
    ok(ret == NO_ERROR, "Delete of %s: expected NO_ERROR, got %lu\n", b2[kind].name, ret);
    ret = b_delete(&br[kind]);
    ok(ret == NO_ERROR, "Delete of %s (written into the registry directly): expected NO_ERROR, got %lu\n", br[kind].name,
       ret);
    ok(!reg_key_exists(binding_key(&br[kind], key, 160)), "registry key Parameters\\%s after Delete: expected none\n",
       dbgw(key));
}

/* HttpDeleteServiceConfiguration's and HttpUpdateServiceConfiguration's pages, on the SNI_SET
 * structure: "The hostname will be "*" when the SSL central certificate store is queried and
 * wildcard bindings are used, and a host name for regular SNI": a binding for host "*" is a record. */
static void test_sni_wildcard(void)
{
    HTTP_SERVICE_CONFIG_SSL_PARAM p = param_first(KIND_SNI);
    ULONG ret;

    ret = b_set(&sni_wild, &p);
    ok(ret == NO_ERROR, "Set of %s (the wildcard host): expected NO_ERROR, got %lu\n", sni_wild.name, ret);
    if (ret) return;
    check_current(&sni_wild, &p, "(the wildcard host)");
    ret = b_delete(&sni_wild);
    ok(ret == NO_ERROR, "Delete of %s (the wildcard host): expected NO_ERROR, got %lu\n", sni_wild.name, ret);
}

static void test_kind(enum kind kind)
{
    if (kind != KIND_CCS && !(cert1.ready && cert2.ready))
    {
        skip("%s bindings: no test certificate with a usable private key\n", kind_names[kind]);
        return;
    }
    test_set(kind);
    test_query_exact(kind);
    test_registry_import(kind);
    test_query_next(kind);
    test_update(kind);
    test_invalid(kind);
    test_ex(kind);
    test_delete(kind);
    if (kind == KIND_SNI) test_sni_wildcard();
}

int main(int argc, char **argv)
{
    BOOL ready, had_parent[KIND_COUNT];

    test_startup("config_ssl.c");
    cfg_port = test_port(argc, argv);
    init_records();
    if (!config_init()) return test_report();

    had_parent[KIND_IP] = reg_key_exists(L"SslBindingInfo");
    had_parent[KIND_SNI] = reg_key_exists(L"SslSniBindingInfo");
    had_parent[KIND_CCS] = reg_key_exists(L"SslCcsBindingInfo");
    cleanup();
    remove_certs(0);
    ready = make_usable_cert(&cert1, 1) && make_usable_cert(&cert2, 2);
    ok(ready, "making two self-signed certificates with usable private keys in LocalMachine\\MY: expected success\n");
    if (ready)
    {
        DWORD error;
        cert_nokey.ready = make_cert(&cert_nokey, 3, FALSE, CERT_LM_MY_NO_KEY) && !cert_usable(cert_nokey.hash, &error);
        cert_user.ready = make_cert(&cert_user, 4, FALSE, CERT_CU_MY) && !cert_usable(cert_user.hash, &error);
        ok(cert_nokey.ready && cert_user.ready, "making a certificate without a private key in LocalMachine\\MY and "
           "one in CurrentUser\\MY only: expected success, got %d and %d\n", cert_nokey.ready, cert_user.ready);
    }

    test_kind(KIND_IP);
    test_kind(KIND_SNI);
    test_kind(KIND_CCS);

    cleanup();
    remove_certs(0);
    /* The parent keys too, if this test made them. */
    if (!had_parent[KIND_IP]) reg_remove_if_empty(L"SslBindingInfo");
    if (!had_parent[KIND_SNI]) reg_remove_if_empty(L"SslSniBindingInfo");
    if (!had_parent[KIND_CCS]) reg_remove_if_empty(L"SslCcsBindingInfo");
    config_term();
    return test_report();
}

/*
 * Client-certificate chains, verified for the engine the way http.sys does.
 *
 * The engine's OpenSSL sees the client's certificates but not the prefix's
 * trust: the roots an administrator installed, the intermediates in the CA
 * store, the URL cache, revocation.  So the engine sends the certificates
 * (HS_MSG_CHAIN_REQUEST), the driver calls httpsys_verify_chain in this DLL,
 * loaded into winedevice.exe (exported by ordinal only,
 * HS_CHAIN_EXPORT_ORDINAL, so that the export table stays Windows'), and the
 * result becomes HTTP_SSL_CLIENT_CERT_INFO.CertFlags: the chain's
 * CERT_TRUST_* error status, for the application to judge as on Windows.
 *
 * The chain is built by CertGetCertificateChain against the machine's stores
 * (http.sys is a service and trusts LocalMachine\Root, not a user's roots),
 * with the certificates the client sent as the additional store, under the
 * binding's settings (HTTP_SERVICE_CONFIG_SSL_PARAM DefaultCertCheckMode,
 * DefaultRevocationFreshnessTime, DefaultRevocationUrlRetrievalTimeout and
 * DefaultFlags's DisableSslCertChainCacheOnlyUrlRetrieval, which the engine
 * sends as HS_CHAIN_FETCH_URLS).
 *
 * Where Wine 8's crypt32 and cryptnet differ from what Windows documents,
 * what is below makes up for it, each said where; measured by
 * dlls/httpapi/tests/chain.c.  What cannot be made up for from here: Wine
 * passes no dwUrlRetrievalTimeout to its CRL downloads, and it ignores
 * fCheckRevocationFreshnessTime (a revocation status it has cached stands
 * until the CRL's nextUpdate).
 */
/* the CERT_CHAIN_PARA members after RequestedUsage (timeouts, freshness) */
#define CERT_CHAIN_PARA_HAS_EXTRA_FIELDS
#include "httpapi_private.h"
#include <wincrypt.h>
#include "httpapi_ext.h"

#define STORES_KEY L"Software\\Microsoft\\SystemCertificates"

/* GetLastError, never 0: a failure must not read as success */
static DWORD last_error(void)
{
    DWORD err = GetLastError();
    return err ? err : ERROR_INTERNAL_ERROR;
}

struct chain_certs
{
    DWORD count;
    const BYTE *der[HS_CHAIN_MAX_CERTS];
    DWORD len[HS_CHAIN_MAX_CERTS];
};

/* The request comes from the engine, which took the certificates from a
 * remote client: every length is checked against size, and a request with
 * anything left over is refused as well, so that a framing error on either
 * side shows instead of being half-read. */
static BOOL parse_request(const struct hs_msg_chain_request *req, DWORD size, struct chain_certs *c)
{
    const BYTE *p;
    DWORD left, i;

    if (!req || size < sizeof(*req)) return FALSE;
    if (!req->count || req->count > HS_CHAIN_MAX_CERTS) return FALSE;
    p = (const BYTE *)(req + 1);
    left = size - sizeof(*req);
    for (i = 0; i < req->count; i++)
    {
        DWORD len;

        if (left < sizeof(len)) return FALSE;
        memcpy(&len, p, sizeof(len));
        p += sizeof(len);
        left -= sizeof(len);
        if (!len || len > left) return FALSE;
        c->der[i] = p;
        c->len[i] = len;
        p += len;
        left -= len;
    }
    c->count = req->count;
    return left == 0;
}

/* dwFlags of CertGetCertificateChain for the binding's settings. */
static DWORD chain_flags(const struct hs_msg_chain_request *req)
{
    DWORD mode = req->check_mode, flags = 0;
    BOOL cache_only;

    /* http.sys fetches nothing during a handshake unless the binding says so
     * (DisableSslCertChainCacheOnlyUrlRetrieval); CACHED_URLS asks for the
     * same per binding.  CertGetCertificateChain's CACHE_ONLY_URL_RETRIEVAL
     * covers every URL the chain engine would fetch: AIA issuers and
     * revocation data alike. */
    cache_only = !(req->flags & HS_CHAIN_FETCH_URLS) || (mode & HTTP_CERT_CHECK_MODE_CACHED_URLS);
    if (cache_only) flags |= CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL;

    /* Mode 0 "enables the client certificate revocation check": every
     * certificate's, but not the root's, which is trusted because it is in
     * the store, and whose status no issuer could vouch for. */
    if (!(mode & HTTP_CERT_CHECK_MODE_NO_REVOCATION))
    {
        flags |= CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT;
        /* CACHED_REVOCATION, "only cached certificate revocation is to be
         * used": CRLs and OCSP answers already in the cache, none from the
         * network.  Cache-only URL retrieval means that as well, but Wine 8's
         * chain engine passes only REVOCATION_CHECK_CACHE_ONLY on to
         * CertVerifyRevocation, and would download CRLs otherwise. */
        if ((mode & HTTP_CERT_CHECK_MODE_CACHED_REVOCATION) || cache_only)
            flags |= CERT_CHAIN_REVOCATION_CHECK_CACHE_ONLY;
    }

    /* NO_AIA: issuers come from the client and the stores only.  Wine 8's
     * crypt32 ignores CERT_CHAIN_DISABLE_AIA and fetches an issuer from its
     * AIA URL whenever URL retrieval is allowed, so retrieval is limited to
     * the cache as well; in Wine that flag governs only AIA fetches (CRLs
     * follow REVOCATION_CHECK_CACHE_ONLY, above), so revocation is as the
     * binding says. */
    if (mode & HTTP_CERT_CHECK_MODE_NO_AIA)
        flags |= CERT_CHAIN_DISABLE_AIA | CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL;
    return flags;
}

/* pChainPara for the binding's settings; usage points into *client_auth. */
static void chain_para(const struct hs_msg_chain_request *req, CERT_CHAIN_PARA *para, LPSTR *client_auth)
{
    memset(para, 0, sizeof(*para));
    para->cbSize = sizeof(*para);

    /* Unless NO_USAGE_CHECK, the client's certificate must be good for
     * client authentication: a certificate whose EKU lists other purposes
     * only gets CERT_TRUST_IS_NOT_VALID_FOR_USAGE (one without an EKU is
     * good for any purpose). */
    if (!(req->check_mode & HTTP_CERT_CHECK_MODE_NO_USAGE_CHECK))
    {
        *client_auth = (LPSTR)szOID_PKIX_KP_CLIENT_AUTH;
        para->RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
        para->RequestedUsage.Usage.cUsageIdentifier = 1;
        para->RequestedUsage.Usage.rgpszUsageIdentifier = client_auth;
    }

    /* USE_REVOCATION_FRESHNESS: a CRL older than DefaultRevocationFreshnessTime
     * seconds is fetched again even if its nextUpdate has not come; without
     * it, only an expired CRL is.  CERT_CHAIN_PARA says exactly this with
     * fCheckRevocationFreshnessTime and dwRevocationFreshnessTime. */
    if (req->check_mode & HTTP_CERT_CHECK_MODE_USE_REVOCATION_FRESHNESS)
    {
        para->fCheckRevocationFreshnessTime = TRUE;
        para->dwRevocationFreshnessTime = req->freshness_time;
    }

    /* DefaultRevocationUrlRetrievalTimeout, in ms as dwUrlRetrievalTimeout;
     * 0 leaves the system's default, as on Windows. */
    if (req->url_timeout) para->dwUrlRetrievalTimeout = req->url_timeout;
}

/* ------------------------------------------------------------------------ */
/* the chain engine                                                          */
/* ------------------------------------------------------------------------ */

/* HCCE_LOCAL_MACHINE would be the engine, but Wine 8 makes it once per
 * process over the stores as they were then: in winedevice.exe, a root
 * added to LocalMachine\Root or removed from it while the service runs
 * would count only after a restart.  So the engine is ours, over the
 * machine's stores, and made again when anything under
 * HKLM\Software\Microsoft\SystemCertificates (where those stores live)
 * changes; a verification keeps the engine it started with. */
struct engine
{
    LONG refs;
    HCERTCHAINENGINE handle;
};

static SRWLOCK engine_lock = SRWLOCK_INIT;
static struct engine *current_engine;
static HKEY stores_key;
static HANDLE stores_changed;          /* manual reset; NULL: not watched, a new engine each time */

static void engine_release(struct engine *e)
{
    if (e && !InterlockedDecrement(&e->refs))
    {
        CertFreeCertificateChainEngine(e->handle);
        HeapFree(GetProcessHeap(), 0, e);
    }
}

static struct engine *make_engine(void)
{
    static const WCHAR *const world[] = { L"CA", L"My", L"Trust" };
    CERT_CHAIN_ENGINE_CONFIG config;
    HCERTSTORE root, others[ARRAYSIZE(world)];
    struct engine *e;
    DWORD i, n = 0;

    if (!(e = HeapAlloc(GetProcessHeap(), 0, sizeof(*e)))) return NULL;
    e->refs = 1;
    e->handle = NULL;
    root = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG,
                         L"Root");
    for (i = 0; i < ARRAYSIZE(world); i++)
        if ((others[n] = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                       CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG, world[i])))
            n++;
    memset(&config, 0, sizeof(config));
    /* the Windows 7 layout, with hExclusiveRoot but not dwExclusiveFlags:
     * Wine 8 takes that size and the one before it only */
    config.cbSize = FIELD_OFFSET(CERT_CHAIN_ENGINE_CONFIG, dwExclusiveFlags);
    /* the machine's roots are the only trusted ones, its CA, My and Trust
     * stores are searched for issuers, as in HCCE_LOCAL_MACHINE (which
     * CERT_CHAIN_USE_LOCAL_MACHINE_STORE asks of Windows; Wine 8 ignores it
     * and searches the user's stores too, which can add issuers but no
     * trust) */
    config.hExclusiveRoot = root;
    config.cAdditionalStore = n;
    config.rghAdditionalStore = others;
    config.dwFlags = CERT_CHAIN_USE_LOCAL_MACHINE_STORE;
    if (!root || !CertCreateCertificateChainEngine(&config, &e->handle))
    {
        WARN("no chain engine over the machine's stores: %#lx\n", GetLastError());
        HeapFree(GetProcessHeap(), 0, e);
        e = NULL;
    }
    if (root) CertCloseStore(root, 0);
    for (i = 0; i < n; i++) CertCloseStore(others[i], 0);
    return e;
}

/* Arms the notification for the next change of the stores; FALSE if they
 * cannot be watched. */
static BOOL watch_stores(void)
{
    static const DWORD filter = REG_NOTIFY_CHANGE_NAME | REG_NOTIFY_CHANGE_LAST_SET;

    if (!stores_key && RegCreateKeyExW(HKEY_LOCAL_MACHINE, STORES_KEY, 0, NULL, 0, KEY_NOTIFY, NULL, &stores_key, NULL))
        return FALSE;
    if (!stores_changed && !(stores_changed = CreateEventW(NULL, TRUE, FALSE, NULL))) return FALSE;
    ResetEvent(stores_changed);
    /* THREAD_AGNOSTIC: the driver's workers end after each verification,
     * which would end a thread's notification on Windows; without it where
     * it is not known */
    if (!RegNotifyChangeKeyValue(stores_key, TRUE, filter | REG_NOTIFY_THREAD_AGNOSTIC, stores_changed, TRUE) ||
        !RegNotifyChangeKeyValue(stores_key, TRUE, filter, stores_changed, TRUE))
        return TRUE;
    CloseHandle(stores_changed);
    stores_changed = NULL;
    return FALSE;
}

/* The engine for one verification (engine_release it after). */
static struct engine *engine_acquire(void)
{
    struct engine *e;

    AcquireSRWLockExclusive(&engine_lock);
    if (!current_engine || !stores_changed || WaitForSingleObject(stores_changed, 0) == WAIT_OBJECT_0)
    {
        /* watched before the stores are read: a change while they are is
         * seen by the next verification */
        if (!watch_stores()) WARN("the machine's certificate stores are not watched: a new engine each time\n");
        engine_release(current_engine);
        current_engine = make_engine();
    }
    if ((e = current_engine)) InterlockedIncrement(&e->refs);
    ReleaseSRWLockExclusive(&engine_lock);
    return e;
}

/* ------------------------------------------------------------------------ */
/* verification                                                              */
/* ------------------------------------------------------------------------ */

/* Whether a CRL of cert's CRL distribution points that is in the URL cache,
 * signed by issuer, lists cert.  Wine 8's cryptnet caches every status it
 * finds, a revocation included, as "not revoked" (until the CRL's
 * nextUpdate), so a revoked certificate passes every check after the first;
 * the CRL that revoked it is still in the URL cache, and this looks there. */
static BOOL revoked_in_cached_crl(PCCERT_CONTEXT cert, PCCERT_CONTEXT issuer)
{
    /* cryptnet.dll's, looked up rather than imported: the chain engine
     * loads it anyway, and httpapi.dll keeps Windows' imports */
    static BOOL (WINAPI *get_url)(LPCSTR, void *, DWORD, CRYPT_URL_ARRAY *, DWORD *, CRYPT_URL_INFO *, DWORD *, void *);
    static BOOL (WINAPI *retrieve)(LPCWSTR, LPCSTR, DWORD, DWORD, void **, HCRYPTASYNC, PCRYPT_CREDENTIALS, void *,
                                   PCRYPT_RETRIEVE_AUX_INFO);
    CRYPT_URL_ARRAY *urls;
    DWORD size = 0, i;
    BOOL revoked = FALSE;
    HMODULE cryptnet;

    if (!retrieve)
    {
        if (!(cryptnet = LoadLibraryW(L"cryptnet.dll"))) return FALSE;
        get_url = (void *)GetProcAddress(cryptnet, "CryptGetObjectUrl");
        retrieve = (void *)GetProcAddress(cryptnet, "CryptRetrieveObjectByUrlW");
        if (!get_url || !retrieve) return FALSE;
    }
    if (!get_url(URL_OID_CERTIFICATE_CRL_DIST_POINT, (void *)cert, 0, NULL, &size, NULL, NULL, NULL) ||
        !(urls = HeapAlloc(GetProcessHeap(), 0, size)))
        return FALSE;
    if (get_url(URL_OID_CERTIFICATE_CRL_DIST_POINT, (void *)cert, 0, urls, &size, NULL, NULL, NULL))
    {
        for (i = 0; i < urls->cUrl && !revoked; i++)
        {
            PCCRL_CONTEXT crl = NULL;
            PCRL_ENTRY entry = NULL;

            if (!retrieve(urls->rgwszUrl[i], CONTEXT_OID_CRL, CRYPT_CACHE_ONLY_RETRIEVAL, 0, (void **)&crl, NULL, NULL,
                          NULL, NULL) || !crl)
                continue;
            if (CryptVerifyCertificateSignatureEx(0, X509_ASN_ENCODING, CRYPT_VERIFY_CERT_SIGN_SUBJECT_CRL, (void *)crl,
                                                  CRYPT_VERIFY_CERT_SIGN_ISSUER_CERT, (void *)issuer, 0, NULL) &&
                CertFindCertificateInCRL(cert, crl, 0, NULL, &entry) && entry)
                revoked = TRUE;
            CertFreeCRLContext(crl);
        }
    }
    HeapFree(GetProcessHeap(), 0, urls);
    return revoked;
}

/* The chain's error status, as Windows would report it: with what
 * revoked_in_cached_crl finds for the certificates whose revocation was
 * checked (all but the last). */
static DWORD chain_status(PCCERT_CHAIN_CONTEXT chain, DWORD flags)
{
    DWORD status = chain->TrustStatus.dwErrorStatus, i, j;

    /* A CRL that cannot be had leaves the status unknown: Windows reports
     * CRYPT_E_REVOCATION_OFFLINE with both flags, Wine 8 with
     * IS_OFFLINE_REVOCATION alone. */
    if (status & CERT_TRUST_IS_OFFLINE_REVOCATION) status |= CERT_TRUST_REVOCATION_STATUS_UNKNOWN;

    if (!(flags & CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT) || (status & CERT_TRUST_IS_REVOKED))
        return status;
    for (i = 0; i < chain->cChain; i++)
    {
        const CERT_SIMPLE_CHAIN *simple = chain->rgpChain[i];

        for (j = 0; j + 1 < simple->cElement; j++)
            if (revoked_in_cached_crl(simple->rgpElement[j]->pCertContext, simple->rgpElement[j + 1]->pCertContext))
            {
                TRACE("certificate %lu of the chain is in a cached CRL\n", j);
                return status | CERT_TRUST_IS_REVOKED;
            }
    }
    return status;
}

static DWORD verify(const struct hs_msg_chain_request *req, const struct chain_certs *c, DWORD *cert_flags)
{
    PCCERT_CHAIN_CONTEXT chain = NULL;
    PCCERT_CONTEXT leaf = NULL;
    CERT_CHAIN_PARA para;
    struct engine *engine;
    LPSTR client_auth;
    HCERTSTORE store;
    DWORD err = NO_ERROR, flags = chain_flags(req), i;

    if (!(store = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, NULL)))
        return last_error();
    /* The client's own certificate first, its context taken from the store
     * so that the chain engine sees the same certificates the client sent;
     * one that does not decode fails the verification (OpenSSL has read
     * them already, so this means the two disagree). */
    for (i = 0; i < c->count && !err; i++)
        if (!CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, c->der[i], c->len[i],
                                              CERT_STORE_ADD_USE_EXISTING, i ? NULL : &leaf))
            err = last_error();
    if (!err && !(engine = engine_acquire())) err = ERROR_NOT_ENOUGH_MEMORY;
    if (!err)
    {
        chain_para(req, &para, &client_auth);
        if (CertGetCertificateChain(engine->handle, leaf, NULL, store, &para, flags, NULL, &chain))
        {
            *cert_flags = chain_status(chain, flags);
            TRACE("check mode %#x flags %#x: error status %#lx (chain %#lx), info status %#lx\n", req->check_mode,
                  req->flags, *cert_flags, chain->TrustStatus.dwErrorStatus, chain->TrustStatus.dwInfoStatus);
            CertFreeCertificateChain(chain);
        }
        else err = last_error();
        engine_release(engine);
    }
    if (leaf) CertFreeCertificateContext(leaf);
    CertCloseStore(store, 0);
    return err;
}

/* Fills reply for the request of size bytes (the request and its
 * certificates): status 0 and the chain's error status in cert_flags, or
 * status a Win32 error (ERROR_INVALID_PARAMETER for a malformed request) and
 * cert_flags 0.  Returns reply->status. */
DWORD WINAPI httpsys_verify_chain(const struct hs_msg_chain_request *req, DWORD size, struct hs_msg_chain_reply *reply)
{
    struct chain_certs certs;
    DWORD flags = 0, err;

    if (!reply) return ERROR_INVALID_PARAMETER;
    if (!parse_request(req, size, &certs))
    {
        WARN("malformed chain request (%lu bytes)\n", size);
        err = ERROR_INVALID_PARAMETER;
    }
    else if ((err = verify(req, &certs, &flags)))
        WARN("chain not verified: error %#lx\n", err);
    reply->status = err;
    reply->cert_flags = err ? 0 : flags;
    return err;
}

/*
 * httpsys_verify_chain, httpapi.dll's ordinal 201 (dlls/httpapi/chainexport.c): how the driver has
 * a TLS client's certificate chain verified, called here directly as the driver calls it.
 *
 * Usage: chain.exe PORT    (an HTTP server of this program on 127.0.0.1:PORT serves the issuer
 *                           certificates and CRLs that the test certificates' AIA and CRL
 *                           distribution point URLs name)
 *
 * Every certificate is made here with CryptoAPI (CryptSignAndEncodeCertificate over a CERT_INFO,
 * RSA keys of the moment), valid relative to now, and its names and URLs carry a token of this run
 * so that nothing a previous run left in the stores or the URL cache can stand in for it.  The
 * roots go into LocalMachine\Root (http.sys trusts the machine's roots) and are removed at the end.
 *
 * What a chain's error status should be is what CertGetCertificateChain documents.  Where Wine 8
 * answers otherwise chainexport.c makes up for what it can; the few checks it cannot pass are
 * skipped under Wine, naming the reason (ok_wine_limit).  Written from Microsoft's CryptoAPI and
 * HTTP Server API documentation (CertGetCertificateChain, CERT_CHAIN_PARA, CERT_TRUST_STATUS,
 * HTTP_SERVICE_CONFIG_SSL_PARAM).
 */

#include "test.h"
#include <wincrypt.h>
#include "httpsys_proto.h"

#define MODE_NO_REVOCATION      0x00000001   /* HTTP_CERT_CHECK_MODE_* */
#define MODE_CACHED_REVOCATION  0x00000002
#define MODE_REVOCATION_FRESH   0x00000004
#define MODE_CACHED_URLS        0x00000008
#define MODE_NO_AIA             0x00000010
#define MODE_NO_USAGE_CHECK     0x00010000

/* what a certificate gets whose revocation status cannot be had: no CRL or OCSP named, or the CRL
 * not reachable */
#define NO_REVOCATION_INFO (CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION)

typedef DWORD (WINAPI *verify_chain_fn)(const struct hs_msg_chain_request *, DWORD, struct hs_msg_chain_reply *);

static verify_chain_fn verify_chain;
static USHORT port;
static char token[32];
static BOOL is_wine;

/* A check that Wine 8 is known to fail, for the reason given: under Wine a failure is a skip that
 * names the reason, elsewhere a failure. */
#define ok_wine_limit(cond, reason, ...) \
    do { if (!(cond) && is_wine) skip("Wine 8 limitation: %s\n", reason); else ok(cond, __VA_ARGS__); } while (0)

/* ------------------------------------------------------------------------------------------------ */
/* keys and certificates                                                                            */
/* ------------------------------------------------------------------------------------------------ */

struct blob
{
    BYTE *data;
    DWORD len;
};

struct key
{
    HCRYPTPROV prov;
    CERT_PUBLIC_KEY_INFO *pub;
};

/* An RSA key that lives as long as the process: a CRYPT_VERIFYCONTEXT provider keeps no container. */
static BOOL make_key(struct key *k)
{
    HCRYPTKEY h;
    DWORD size = 0;

    if (!CryptAcquireContextW(&k->prov, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT)) return FALSE;
    if (!CryptGenKey(k->prov, AT_SIGNATURE, 2048 << 16, &h)) return FALSE;
    CryptDestroyKey(h);
    if (!CryptExportPublicKeyInfo(k->prov, AT_SIGNATURE, X509_ASN_ENCODING, NULL, &size)) return FALSE;
    k->pub = malloc(size);
    return CryptExportPublicKeyInfo(k->prov, AT_SIGNATURE, X509_ASN_ENCODING, k->pub, &size);
}

static void free_key(struct key *k)
{
    if (k->prov) CryptReleaseContext(k->prov, 0);
    free(k->pub);
}

static CERT_NAME_BLOB name_blob(const char *cn)
{
    CERT_NAME_BLOB name = { 0, NULL };
    char text[200];

    snprintf(text, sizeof(text), "CN=\"httpsys chain test %s %s\"", cn, token);
    if (CertStrToNameA(X509_ASN_ENCODING, text, CERT_X500_NAME_STR, NULL, NULL, &name.cbData, NULL))
    {
        name.pbData = malloc(name.cbData);
        CertStrToNameA(X509_ASN_ENCODING, text, CERT_X500_NAME_STR, NULL, name.pbData, &name.cbData, NULL);
    }
    return name;
}

static FILETIME days_from_now(double days)
{
    FILETIME ft;
    ULARGE_INTEGER t;

    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    t.QuadPart += (LONGLONG)(days * 864000000000.0);
    ft.dwLowDateTime = t.LowPart;
    ft.dwHighDateTime = t.HighPart;
    return ft;
}

static WCHAR *url_for(const char *path)
{
    static WCHAR urls[16][128];
    static int next;
    char text[128];
    WCHAR *url = urls[next++ % 16];

    snprintf(text, sizeof(text), "http://127.0.0.1:%u/%s/%s", port, token, path);
    MultiByteToWideChar(CP_ACP, 0, text, -1, url, 128);
    return url;
}

/* The extensions' encodings, kept until the certificate is signed. */
struct extensions
{
    CERT_EXTENSION ext[4];
    DWORD count;
};

static void add_extension(struct extensions *e, const char *oid, BOOL critical, const char *type, const void *info)
{
    CERT_EXTENSION *x = &e->ext[e->count];

    x->pszObjId = (LPSTR)oid;
    x->fCritical = critical;
    if (CryptEncodeObjectEx(X509_ASN_ENCODING, type, info, CRYPT_ENCODE_ALLOC_FLAG, NULL, &x->Value.pbData,
                            &x->Value.cbData))
        e->count++;
    else trace("encoding %s failed: %#lx\n", oid, GetLastError());
}

struct cert_params
{
    const char *subject, *issuer;   /* names, as name_blob takes them */
    const struct key *key, *signer;
    double from, to;                /* validity, in days from now */
    BOOL ca;
    const char *eku;                /* the only extended key usage, or NULL: no EKU extension */
    const char *aia;                /* caIssuers URL path on our server, or NULL */
    const char *cdp;                /* CRL distribution point URL path on our server, or NULL */
};

static struct blob make_cert(const struct cert_params *p)
{
    CRYPT_ALGORITHM_IDENTIFIER alg = { (LPSTR)szOID_RSA_SHA256RSA, { 0, NULL } };
    CERT_BASIC_CONSTRAINTS2_INFO basic = { p->ca, FALSE, 0 };
    LPSTR usage = (LPSTR)p->eku;
    CERT_ENHKEY_USAGE eku = { 1, &usage };
    CERT_ACCESS_DESCRIPTION access;
    CERT_AUTHORITY_INFO_ACCESS aia = { 1, &access };
    CERT_ALT_NAME_ENTRY cdp_name;
    CRL_DIST_POINT point;
    CRL_DIST_POINTS_INFO cdp = { 1, &point };
    struct extensions e = { .count = 0 };
    struct blob out = { NULL, 0 };
    BYTE serial[12];
    CERT_INFO info;
    DWORD i;

    memset(&info, 0, sizeof(info));
    info.dwVersion = CERT_V3;
    CryptGenRandom(p->key->prov, sizeof(serial), serial);
    serial[sizeof(serial) - 1] = (serial[sizeof(serial) - 1] & 0x3f) | 0x10;   /* little-endian, positive */
    info.SerialNumber.cbData = sizeof(serial);
    info.SerialNumber.pbData = serial;
    info.SignatureAlgorithm = alg;
    info.Issuer = name_blob(p->issuer);
    info.Subject = name_blob(p->subject);
    info.NotBefore = days_from_now(p->from);
    info.NotAfter = days_from_now(p->to);
    info.SubjectPublicKeyInfo = *p->key->pub;

    add_extension(&e, szOID_BASIC_CONSTRAINTS2, TRUE, X509_BASIC_CONSTRAINTS2, &basic);
    if (p->eku) add_extension(&e, szOID_ENHANCED_KEY_USAGE, FALSE, X509_ENHANCED_KEY_USAGE, &eku);
    if (p->aia)
    {
        access.pszAccessMethod = (LPSTR)szOID_PKIX_CA_ISSUERS;
        access.AccessLocation.dwAltNameChoice = CERT_ALT_NAME_URL;
        access.AccessLocation.pwszURL = url_for(p->aia);
        add_extension(&e, szOID_AUTHORITY_INFO_ACCESS, FALSE, X509_AUTHORITY_INFO_ACCESS, &aia);
    }
    if (p->cdp)
    {
        memset(&point, 0, sizeof(point));
        point.DistPointName.dwDistPointNameChoice = CRL_DIST_POINT_FULL_NAME;
        point.DistPointName.FullName.cAltEntry = 1;
        point.DistPointName.FullName.rgAltEntry = &cdp_name;
        cdp_name.dwAltNameChoice = CERT_ALT_NAME_URL;
        cdp_name.pwszURL = url_for(p->cdp);
        add_extension(&e, szOID_CRL_DIST_POINTS, FALSE, X509_CRL_DIST_POINTS, &cdp);
    }
    info.cExtension = e.count;
    info.rgExtension = e.ext;

    if (CryptSignAndEncodeCertificate(p->signer->prov, AT_SIGNATURE, X509_ASN_ENCODING, X509_CERT_TO_BE_SIGNED,
                                      &info, &alg, NULL, NULL, &out.len) &&
        (out.data = malloc(out.len)) &&
        !CryptSignAndEncodeCertificate(p->signer->prov, AT_SIGNATURE, X509_ASN_ENCODING, X509_CERT_TO_BE_SIGNED,
                                       &info, &alg, NULL, out.data, &out.len))
    {
        free(out.data);
        out.data = NULL;
    }
    if (!out.data)
    {
        trace("certificate %s not made: %#lx\n", p->subject, GetLastError());
        out.len = 0;
    }
    for (i = 0; i < e.count; i++) LocalFree(e.ext[i].Value.pbData);
    free(info.Issuer.pbData);
    free(info.Subject.pbData);
    return out;
}

/* A CRL of issuer (signed with signer) that revokes the certificate revoked. */
static struct blob make_crl(const char *issuer, const struct key *signer, const struct blob *revoked)
{
    CRYPT_ALGORITHM_IDENTIFIER alg = { (LPSTR)szOID_RSA_SHA256RSA, { 0, NULL } };
    PCCERT_CONTEXT cert = CertCreateCertificateContext(X509_ASN_ENCODING, revoked->data, revoked->len);
    struct blob out = { NULL, 0 };
    CRL_ENTRY entry;
    CRL_INFO info;

    if (!cert) return out;
    memset(&entry, 0, sizeof(entry));
    entry.SerialNumber = cert->pCertInfo->SerialNumber;
    entry.RevocationDate = days_from_now(-0.1);
    memset(&info, 0, sizeof(info));
    info.dwVersion = CRL_V2;
    info.SignatureAlgorithm = alg;
    info.Issuer = name_blob(issuer);
    info.ThisUpdate = days_from_now(-0.2);
    info.NextUpdate = days_from_now(7);
    info.cCRLEntry = 1;
    info.rgCRLEntry = &entry;
    if (CryptSignAndEncodeCertificate(signer->prov, AT_SIGNATURE, X509_ASN_ENCODING, X509_CERT_CRL_TO_BE_SIGNED,
                                      &info, &alg, NULL, NULL, &out.len) &&
        (out.data = malloc(out.len)) &&
        !CryptSignAndEncodeCertificate(signer->prov, AT_SIGNATURE, X509_ASN_ENCODING, X509_CERT_CRL_TO_BE_SIGNED,
                                       &info, &alg, NULL, out.data, &out.len))
    {
        free(out.data);
        out.data = NULL;
    }
    if (!out.data)
    {
        trace("CRL not made: %#lx\n", GetLastError());
        out.len = 0;
    }
    free(info.Issuer.pbData);
    CertFreeCertificateContext(cert);
    return out;
}

/* ------------------------------------------------------------------------------------------------ */
/* LocalMachine\Root                                                                                */
/* ------------------------------------------------------------------------------------------------ */

static BOOL trust_root(const struct blob *root, BOOL add)
{
    HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root");
    PCCERT_CONTEXT cert = CertCreateCertificateContext(X509_ASN_ENCODING, root->data, root->len), found;
    BYTE hash[20];
    CRYPT_HASH_BLOB blob = { sizeof(hash), hash };
    BOOL ret = FALSE;

    if (store && cert)
    {
        if (add) ret = CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL);
        else if (CertGetCertificateContextProperty(cert, CERT_HASH_PROP_ID, hash, &blob.cbData) &&
                 (found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL)))
            /* Wine 8 writes a deletion back to the registry only when asked to (as certutil knows) */
            ret = CertDeleteCertificateFromStore(found) && CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
    }
    if (!ret) trace("%s LocalMachine\\Root failed: %#lx\n", add ? "adding to" : "removing from", GetLastError());
    if (cert) CertFreeCertificateContext(cert);
    if (store) CertCloseStore(store, 0);
    return ret;
}

/* ------------------------------------------------------------------------------------------------ */
/* the HTTP server of the AIA and CRL URLs                                                          */
/* ------------------------------------------------------------------------------------------------ */

struct resource
{
    char path[64];
    const struct blob *body;
    const char *type;
    DWORD delay_ms;                 /* before answering */
    volatile LONG hits;
};

static struct resource resources[8];
static int resource_count;
static SOCKET listener = INVALID_SOCKET;

static struct resource *serve(const char *path, const struct blob *body, const char *type, DWORD delay_ms)
{
    struct resource *r = &resources[resource_count++];

    snprintf(r->path, sizeof(r->path), "/%s/%s", token, path);
    r->body = body;
    r->type = type;
    r->delay_ms = delay_ms;
    return r;
}

static DWORD WINAPI serve_connection(void *arg)
{
    SOCKET s = (SOCKET)(ULONG_PTR)arg;
    char request[4096], head[256], *path, *end;
    struct resource *r = NULL;
    int got = 0, n, i;

    while (got < (int)sizeof(request) - 1 && (n = recv(s, request + got, sizeof(request) - 1 - got, 0)) > 0)
    {
        got += n;
        request[got] = 0;
        if (strstr(request, "\r\n\r\n")) break;
    }
    request[got] = 0;
    if (!strncmp(request, "GET ", 4) && (end = strchr(path = request + 4, ' ')))
    {
        *end = 0;
        for (i = 0; i < resource_count; i++)
            if (!strcmp(resources[i].path, path)) r = &resources[i];
    }
    if (r)
    {
        InterlockedIncrement(&r->hits);
        Sleep(r->delay_ms);
        n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
                     "Connection: close\r\n\r\n", r->type, r->body->len);
        send(s, head, n, 0);
        send(s, (const char *)r->body->data, r->body->len, 0);
    }
    else
    {
        static const char not_found[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        send(s, not_found, sizeof(not_found) - 1, 0);
    }
    shutdown(s, SD_SEND);
    closesocket(s);
    return 0;
}

static DWORD WINAPI server_main(void *arg)
{
    SOCKET s;

    (void)arg;
    while ((s = accept(listener, NULL, NULL)) != INVALID_SOCKET)
    {
        HANDLE thread = CreateThread(NULL, 0, serve_connection, (void *)(ULONG_PTR)s, 0, NULL);
        if (thread) CloseHandle(thread);
        else closesocket(s);
    }
    return 0;
}

static BOOL start_server(void)
{
    struct sockaddr_in sin;
    WSADATA wsa;
    HANDLE thread;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    if ((listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) == INVALID_SOCKET) return FALSE;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&sin, sizeof(sin)) || listen(listener, 16)) return FALSE;
    if (!(thread = CreateThread(NULL, 0, server_main, NULL, 0, NULL))) return FALSE;
    CloseHandle(thread);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------------ */
/* requests                                                                                         */
/* ------------------------------------------------------------------------------------------------ */

/* The request the engine sends: the header, then count certificates, each u32 length + DER. */
static BYTE *build_request(DWORD flags, DWORD mode, DWORD freshness, DWORD timeout, int count,
                           const struct blob **certs, DWORD *size)
{
    struct hs_msg_chain_request req;
    DWORD total = sizeof(req), pos;
    BYTE *buf;
    int i;

    for (i = 0; i < count; i++) total += sizeof(DWORD) + certs[i]->len;
    buf = malloc(total);
    memset(&req, 0, sizeof(req));
    req.flags = flags;
    req.check_mode = mode;
    req.freshness_time = freshness;
    req.url_timeout = timeout;
    req.count = count;
    memcpy(buf, &req, sizeof(req));
    for (i = 0, pos = sizeof(req); i < count; i++)
    {
        memcpy(buf + pos, &certs[i]->len, sizeof(DWORD));
        memcpy(buf + pos + sizeof(DWORD), certs[i]->data, certs[i]->len);
        pos += sizeof(DWORD) + certs[i]->len;
    }
    *size = total;
    return buf;
}

/* Verifies the chain of count certificates (client's first) with the given settings. */
static struct hs_msg_chain_reply check_ex(DWORD flags, DWORD mode, DWORD freshness, DWORD timeout, int count, ...)
{
    const struct blob *certs[HS_CHAIN_MAX_CERTS];
    struct hs_msg_chain_reply reply = { 0xdeadbeef, 0xdeadbeef };
    DWORD size, ret;
    va_list args;
    BYTE *req;
    int i;

    va_start(args, count);
    for (i = 0; i < count; i++) certs[i] = va_arg(args, const struct blob *);
    va_end(args);
    req = build_request(flags, mode, freshness, timeout, count, certs, &size);
    ret = verify_chain((const struct hs_msg_chain_request *)req, size, &reply);
    if (ret != reply.status) reply.status = 0xbad0bad0;   /* the return value must be the status */
    free(req);
    return reply;
}

#define check(flags, mode, ...) check_ex(flags, mode, 0, 0, __VA_ARGS__)

/* ------------------------------------------------------------------------------------------------ */
/* the tests                                                                                        */
/* ------------------------------------------------------------------------------------------------ */

static struct key root_key, int_key, leaf_key, other_key;
static struct blob root, inter, leaf, leaf_no_aia, leaf_cached_urls, leaf_expired, leaf_server, leaf_any,
                   other_root, other_leaf, late_root, late_leaf, rev_leaf, ok_leaf, slow_leaf, crl;
static struct resource *aia_fetch, *aia_no_aia, *aia_cached_urls, *crl_res, *crl_slow;

static BOOL make_all(void)
{
    const char *client = szOID_PKIX_KP_CLIENT_AUTH;
    struct cert_params p;

    if (!make_key(&root_key) || !make_key(&int_key) || !make_key(&leaf_key) || !make_key(&other_key))
    {
        trace("no RSA keys: %#lx\n", GetLastError());
        return FALSE;
    }
    /* root -> intermediate -> client certificates, the root trusted */
    p = (struct cert_params){ "root", "root", &root_key, &root_key, -1, 30, TRUE, NULL, NULL, NULL };
    root = make_cert(&p);
    p = (struct cert_params){ "intermediate", "root", &int_key, &root_key, -1, 30, TRUE, NULL, NULL, NULL };
    inter = make_cert(&p);
    p = (struct cert_params){ "client", "intermediate", &leaf_key, &int_key, -1, 30, FALSE, client, "int-fetch.cer", NULL };
    leaf = make_cert(&p);
    p.aia = "int-no-aia.cer";
    leaf_no_aia = make_cert(&p);
    p.aia = "int-cached-urls.cer";
    leaf_cached_urls = make_cert(&p);
    p = (struct cert_params){ "expired client", "intermediate", &leaf_key, &int_key, -3, -1, FALSE, client, NULL, NULL };
    leaf_expired = make_cert(&p);
    p = (struct cert_params){ "server", "intermediate", &leaf_key, &int_key, -1, 30, FALSE, szOID_PKIX_KP_SERVER_AUTH,
                              NULL, NULL };
    leaf_server = make_cert(&p);
    p = (struct cert_params){ "any purpose client", "intermediate", &leaf_key, &int_key, -1, 30, FALSE, NULL, NULL,
                              NULL };
    leaf_any = make_cert(&p);
    /* a root nobody trusts */
    p = (struct cert_params){ "other root", "other root", &other_key, &other_key, -1, 30, TRUE, NULL, NULL, NULL };
    other_root = make_cert(&p);
    p = (struct cert_params){ "other client", "other root", &leaf_key, &other_key, -1, 30, FALSE, client, NULL, NULL };
    other_leaf = make_cert(&p);
    /* a root trusted only after the first verifications */
    p = (struct cert_params){ "late root", "late root", &other_key, &other_key, -1, 30, TRUE, NULL, NULL, NULL };
    late_root = make_cert(&p);
    p = (struct cert_params){ "late client", "late root", &leaf_key, &other_key, -1, 30, FALSE, client, NULL, NULL };
    late_leaf = make_cert(&p);
    /* issued by the root itself, so that revocation (checked for all but the root) concerns the client's
     * certificate alone; the root's CRL revokes rev_leaf */
    p = (struct cert_params){ "revoked client", "root", &leaf_key, &root_key, -1, 30, FALSE, client, NULL, "root.crl" };
    rev_leaf = make_cert(&p);
    p.subject = "good client";
    ok_leaf = make_cert(&p);
    p.subject = "slow crl client";
    p.cdp = "slow.crl";
    slow_leaf = make_cert(&p);
    crl = make_crl("root", &root_key, &rev_leaf);

    aia_fetch = serve("int-fetch.cer", &inter, "application/pkix-cert", 0);
    aia_no_aia = serve("int-no-aia.cer", &inter, "application/pkix-cert", 0);
    aia_cached_urls = serve("int-cached-urls.cer", &inter, "application/pkix-cert", 0);
    crl_res = serve("root.crl", &crl, "application/pkix-crl", 0);
    crl_slow = serve("slow.crl", &crl, "application/pkix-crl", 6000);
    return root.data && inter.data && leaf.data && leaf_no_aia.data && leaf_cached_urls.data && leaf_expired.data &&
           leaf_server.data && leaf_any.data && other_root.data && other_leaf.data && late_root.data &&
           late_leaf.data && rev_leaf.data && ok_leaf.data && slow_leaf.data && crl.data;
}

static void test_malformed(void)
{
    const struct blob *one[1] = { &leaf };
    struct hs_msg_chain_request *req;
    struct hs_msg_chain_reply reply;
    BYTE junk[64];
    DWORD size, ret, len;
    BYTE *buf;

    buf = build_request(0, MODE_NO_REVOCATION, 0, 0, 1, one, &size);
    req = (struct hs_msg_chain_request *)buf;

    reply.status = reply.cert_flags = 0xdeadbeef;
    ret = verify_chain(req, sizeof(*req) - 1, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER, "size below the header: status %u, expected ERROR_INVALID_PARAMETER\n",
       reply.status);
    ok(reply.cert_flags == 0, "size below the header: cert_flags %#x, expected 0\n", reply.cert_flags);
    ok(ret == ERROR_INVALID_PARAMETER, "size below the header: returned %lu, expected ERROR_INVALID_PARAMETER\n", ret);

    reply.status = 0xdeadbeef;
    ret = verify_chain(NULL, 0, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER, "no request: status %u, expected ERROR_INVALID_PARAMETER\n",
       reply.status);
    ret = verify_chain(req, size, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "no reply: returned %lu, expected ERROR_INVALID_PARAMETER\n", ret);

    req->count = HS_CHAIN_MAX_CERTS + 1;
    reply.status = 0xdeadbeef;
    verify_chain(req, size, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER, "count %u: status %u, expected ERROR_INVALID_PARAMETER\n",
       req->count, reply.status);

    req->count = 0;
    reply.status = 0xdeadbeef;
    verify_chain(req, size, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER, "count 0: status %u, expected ERROR_INVALID_PARAMETER\n",
       reply.status);

    req->count = 2;
    reply.status = 0xdeadbeef;
    verify_chain(req, size, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER,
       "count 2, one certificate sent: status %u, expected ERROR_INVALID_PARAMETER\n", reply.status);

    req->count = 1;
    len = leaf.len + 1;
    memcpy(buf + sizeof(*req), &len, sizeof(len));
    reply.status = 0xdeadbeef;
    verify_chain(req, size, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER,
       "length one past the end: status %u, expected ERROR_INVALID_PARAMETER\n", reply.status);

    len = 0xffffffff;
    memcpy(buf + sizeof(*req), &len, sizeof(len));
    reply.status = 0xdeadbeef;
    verify_chain(req, size, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER, "length 0xffffffff: status %u, expected ERROR_INVALID_PARAMETER\n",
       reply.status);

    len = 0;
    memcpy(buf + sizeof(*req), &len, sizeof(len));
    reply.status = 0xdeadbeef;
    verify_chain(req, size, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER, "length 0: status %u, expected ERROR_INVALID_PARAMETER\n",
       reply.status);

    reply.status = 0xdeadbeef;
    verify_chain(req, sizeof(*req) + 2, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER,
       "size cutting the length field: status %u, expected ERROR_INVALID_PARAMETER\n", reply.status);

    len = leaf.len - 1;
    memcpy(buf + sizeof(*req), &len, sizeof(len));
    reply.status = 0xdeadbeef;
    verify_chain(req, size, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER,
       "a byte left after the certificates: status %u, expected ERROR_INVALID_PARAMETER\n", reply.status);

    len = leaf.len;
    memcpy(buf + sizeof(*req), &len, sizeof(len));
    reply.status = 0xdeadbeef;
    verify_chain(req, size - 1, &reply);
    ok(reply.status == ERROR_INVALID_PARAMETER,
       "size one short of the certificate: status %u, expected ERROR_INVALID_PARAMETER\n", reply.status);
    free(buf);

    /* well framed, but not a certificate: CryptoAPI's decoding error (CRYPT_E_ASN1_*) */
    memset(junk, 0x5a, sizeof(junk));
    {
        struct blob bad = { junk, sizeof(junk) };
        reply = check(0, MODE_NO_REVOCATION, 1, &bad);
    }
    ok((reply.status & 0xffffff00) == 0x80093100,
       "junk for a certificate: status %#x, expected a CRYPT_E_ASN1_* error\n", reply.status);
    ok(reply.cert_flags == 0, "junk for a certificate: cert_flags %#x, expected 0\n", reply.cert_flags);
    {
        struct blob bad = { junk, sizeof(junk) };
        reply = check(0, MODE_NO_REVOCATION, 2, &leaf, &bad);
    }
    ok((reply.status & 0xffffff00) == 0x80093100,
       "junk for an intermediate: status %#x, expected a CRYPT_E_ASN1_* error\n", reply.status);
}

static void test_trusted(void)
{
    struct hs_msg_chain_reply r;

    r = check(0, MODE_NO_REVOCATION, 2, &leaf, &inter);
    ok(r.status == 0, "trusted chain: status %u, expected 0\n", r.status);
    ok(r.cert_flags == 0, "trusted chain, no revocation check: cert_flags %#x, expected 0\n", r.cert_flags);

    /* the client may send its chain with the root, as TLS allows */
    r = check(0, MODE_NO_REVOCATION, 3, &leaf, &inter, &root);
    ok(r.cert_flags == 0, "trusted chain sent with its root: cert_flags %#x, expected 0\n", r.cert_flags);

    /* Mode 0 checks revocation for the client's certificate and the intermediate: neither names a
     * CRL or an OCSP responder, so their status is unknown.  Windows and Wine 8 both report that as
     * CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION (CRYPT_E_NO_REVOCATION_CHECK). */
    r = check(0, 0, 2, &leaf, &inter);
    ok(r.status == 0, "revocation checked: status %u, expected 0\n", r.status);
    ok(r.cert_flags == NO_REVOCATION_INFO,
       "revocation checked, no CRL or OCSP named: cert_flags %#x, expected %#x (REVOCATION_STATUS_UNKNOWN | "
       "IS_OFFLINE_REVOCATION)\n", r.cert_flags, NO_REVOCATION_INFO);
    r = check(0, MODE_CACHED_REVOCATION, 2, &leaf, &inter);
    ok(r.cert_flags == NO_REVOCATION_INFO, "cached revocation only: cert_flags %#x, expected %#x\n", r.cert_flags,
       NO_REVOCATION_INFO);
}

static void test_untrusted(void)
{
    struct hs_msg_chain_reply r;

    r = check(0, MODE_NO_REVOCATION, 2, &other_leaf, &other_root);
    ok(r.status == 0, "untrusted root: status %u, expected 0\n", r.status);
    ok(r.cert_flags == CERT_TRUST_IS_UNTRUSTED_ROOT, "untrusted root: cert_flags %#x, expected %#x "
       "(CERT_TRUST_IS_UNTRUSTED_ROOT)\n", r.cert_flags, CERT_TRUST_IS_UNTRUSTED_ROOT);
}

static void test_partial(void)
{
    struct hs_msg_chain_reply r;

    /* the intermediate neither sent nor in a store, and URLs from the cache only: the chain stops
     * at the client's certificate */
    r = check(0, MODE_NO_REVOCATION, 1, &leaf);
    ok(r.status == 0, "missing intermediate: status %u, expected 0\n", r.status);
    ok(r.cert_flags == CERT_TRUST_IS_PARTIAL_CHAIN, "missing intermediate, cache-only retrieval: cert_flags %#x, "
       "expected %#x (CERT_TRUST_IS_PARTIAL_CHAIN)\n", r.cert_flags, CERT_TRUST_IS_PARTIAL_CHAIN);
    ok(aia_fetch->hits == 0, "cache-only retrieval: the AIA URL was fetched %ld times, expected 0\n", aia_fetch->hits);

    /* NO_AIA: the issuer is not fetched even where fetching is allowed */
    r = check(HS_CHAIN_FETCH_URLS, MODE_NO_REVOCATION | MODE_NO_AIA, 1, &leaf_no_aia);
    ok(r.cert_flags == CERT_TRUST_IS_PARTIAL_CHAIN, "NO_AIA: cert_flags %#x, expected %#x (CERT_TRUST_IS_PARTIAL_CHAIN)\n",
       r.cert_flags, CERT_TRUST_IS_PARTIAL_CHAIN);
    ok(aia_no_aia->hits == 0, "NO_AIA: the AIA URL was fetched %ld times, expected 0\n", aia_no_aia->hits);

    /* CACHED_URLS: the binding's own "cache only", whatever DefaultFlags say */
    r = check(HS_CHAIN_FETCH_URLS, MODE_NO_REVOCATION | MODE_CACHED_URLS, 1, &leaf_cached_urls);
    ok(r.cert_flags == CERT_TRUST_IS_PARTIAL_CHAIN,
       "CACHED_URLS: cert_flags %#x, expected %#x (CERT_TRUST_IS_PARTIAL_CHAIN)\n", r.cert_flags,
       CERT_TRUST_IS_PARTIAL_CHAIN);
    ok(aia_cached_urls->hits == 0, "CACHED_URLS: the AIA URL was fetched %ld times, expected 0\n",
       aia_cached_urls->hits);
}

static void test_fetch(void)
{
    struct hs_msg_chain_reply r;

    /* DisableSslCertChainCacheOnlyUrlRetrieval: the intermediate comes from the AIA caIssuers URL */
    r = check(HS_CHAIN_FETCH_URLS, MODE_NO_REVOCATION, 1, &leaf);
    ok(r.status == 0, "AIA fetch: status %u, expected 0\n", r.status);
    ok(aia_fetch->hits >= 1, "AIA fetch: the AIA URL was fetched %ld times, expected at least once\n", aia_fetch->hits);
    ok(r.cert_flags == 0, "intermediate fetched from the AIA URL: cert_flags %#x, expected 0\n", r.cert_flags);

    /* once fetched, it is in the URL cache, where cache-only retrieval finds it (CertGetCertificateChain:
     * CERT_CHAIN_CACHE_ONLY_URL_RETRIEVAL "uses only cached URLs") */
    r = check(0, MODE_NO_REVOCATION, 1, &leaf);
    ok(r.cert_flags == 0, "intermediate from the URL cache: cert_flags %#x, expected 0\n", r.cert_flags);
}

static void test_time_and_usage(void)
{
    struct hs_msg_chain_reply r;

    r = check(0, MODE_NO_REVOCATION, 2, &leaf_expired, &inter);
    ok(r.status == 0, "expired client certificate: status %u, expected 0\n", r.status);
    ok(r.cert_flags == CERT_TRUST_IS_NOT_TIME_VALID, "expired client certificate: cert_flags %#x, expected %#x "
       "(CERT_TRUST_IS_NOT_TIME_VALID)\n", r.cert_flags, CERT_TRUST_IS_NOT_TIME_VALID);

    r = check(0, MODE_NO_REVOCATION, 2, &leaf_server, &inter);
    ok(r.cert_flags == CERT_TRUST_IS_NOT_VALID_FOR_USAGE, "server-auth-only certificate: cert_flags %#x, "
       "expected %#x (CERT_TRUST_IS_NOT_VALID_FOR_USAGE)\n", r.cert_flags, CERT_TRUST_IS_NOT_VALID_FOR_USAGE);
    r = check(0, MODE_NO_REVOCATION | MODE_NO_USAGE_CHECK, 2, &leaf_server, &inter);
    ok(r.cert_flags == 0, "server-auth-only certificate, NO_USAGE_CHECK: cert_flags %#x, expected 0\n", r.cert_flags);

    /* a certificate without an EKU extension is good for any purpose */
    r = check(0, MODE_NO_REVOCATION, 2, &leaf_any, &inter);
    ok(r.cert_flags == 0, "certificate without EKU: cert_flags %#x, expected 0\n", r.cert_flags);
}

static void test_revocation(void)
{
    struct hs_msg_chain_reply r;
    DWORD start, took;

    /* Cache-only retrieval (the default) covers CRLs too: nothing fetched, the status unknown. */
    r = check(0, 0, 1, &ok_leaf);
    ok(r.cert_flags == NO_REVOCATION_INFO, "CRL not in the cache, cache-only retrieval: cert_flags %#x, "
       "expected %#x (REVOCATION_STATUS_UNKNOWN | IS_OFFLINE_REVOCATION)\n", r.cert_flags, NO_REVOCATION_INFO);
    ok(crl_res->hits == 0, "cache-only retrieval: the CRL was fetched %ld times, expected 0\n", crl_res->hits);

    /* CACHED_REVOCATION: only cached revocation data, though URLs may be fetched */
    r = check(HS_CHAIN_FETCH_URLS, MODE_CACHED_REVOCATION, 1, &ok_leaf);
    ok(r.cert_flags == NO_REVOCATION_INFO, "CACHED_REVOCATION, CRL not in the cache: cert_flags %#x, expected %#x\n",
       r.cert_flags, NO_REVOCATION_INFO);
    ok(crl_res->hits == 0, "CACHED_REVOCATION: the CRL was fetched %ld times, expected 0\n", crl_res->hits);

    /* fetching allowed: the CRL is read and revokes one certificate, not the other */
    r = check(HS_CHAIN_FETCH_URLS, 0, 1, &rev_leaf);
    ok(r.status == 0, "revoked certificate: status %u, expected 0\n", r.status);
    ok(r.cert_flags == CERT_TRUST_IS_REVOKED, "revoked certificate: cert_flags %#x, expected %#x "
       "(CERT_TRUST_IS_REVOKED)\n", r.cert_flags, CERT_TRUST_IS_REVOKED);
    ok(crl_res->hits >= 1, "CRL retrieval: the CRL was fetched %ld times, expected at least once\n", crl_res->hits);
    r = check(HS_CHAIN_FETCH_URLS, 0, 1, &ok_leaf);
    ok(r.cert_flags == 0, "certificate the CRL does not list: cert_flags %#x, expected 0\n", r.cert_flags);

    /* revoked stays revoked, the CRL now in the cache (Wine 8's cryptnet remembers this certificate as
     * good: chainexport.c looks in the cached CRL itself) */
    r = check(HS_CHAIN_FETCH_URLS, 0, 1, &rev_leaf);
    ok(r.cert_flags == CERT_TRUST_IS_REVOKED, "revoked certificate, verified again: cert_flags %#x, expected %#x "
       "(CERT_TRUST_IS_REVOKED)\n", r.cert_flags, CERT_TRUST_IS_REVOKED);
    r = check(0, 0, 1, &rev_leaf);
    ok(r.cert_flags == CERT_TRUST_IS_REVOKED, "revoked certificate, CRL from the cache only: cert_flags %#x, "
       "expected %#x (CERT_TRUST_IS_REVOKED)\n", r.cert_flags, CERT_TRUST_IS_REVOKED);
    r = check(0, MODE_NO_REVOCATION, 1, &rev_leaf);
    ok(r.cert_flags == 0, "revoked certificate, NO_REVOCATION: cert_flags %#x, expected 0\n", r.cert_flags);

    /* DefaultRevocationUrlRetrievalTimeout: a CRL server slower than the timeout leaves the
     * status offline, and the verification does not wait for it */
    start = GetTickCount();
    r = check_ex(HS_CHAIN_FETCH_URLS, 0, 0, 1000, 1, &slow_leaf);
    took = GetTickCount() - start;
    ok_wine_limit(r.cert_flags == NO_REVOCATION_INFO, "dwUrlRetrievalTimeout does not reach the CRL download "
                  "(CryptRetrieveObjectByUrlW gets 0, no timeout)",
                  "CRL slower than the timeout: cert_flags %#x, expected %#x (REVOCATION_STATUS_UNKNOWN | "
                  "IS_OFFLINE_REVOCATION)\n", r.cert_flags, NO_REVOCATION_INFO);
    ok_wine_limit(took < 5000, "dwUrlRetrievalTimeout does not reach the CRL download",
                  "CRL slower than the 1000 ms timeout: the verification took %lu ms, expected less than 5000\n",
                  took);
}

/* Freshness: a CRL older than DefaultRevocationFreshnessTime seconds is fetched again. */
static void test_freshness(void)
{
    struct hs_msg_chain_reply r;
    LONG before;

    before = crl_res->hits;
    Sleep(2500);
    r = check_ex(HS_CHAIN_FETCH_URLS, MODE_REVOCATION_FRESH, 1, 0, 1, &rev_leaf);
    ok(r.cert_flags == CERT_TRUST_IS_REVOKED, "freshness 1 s: cert_flags %#x, expected %#x (CERT_TRUST_IS_REVOKED)\n",
       r.cert_flags, CERT_TRUST_IS_REVOKED);
    ok_wine_limit(crl_res->hits > before, "cryptnet ignores fCheckFreshnessTime: the status it cached stands "
                  "until the CRL's nextUpdate",
                  "freshness 1 s, CRL 2.5 s old: fetched %ld times since, expected again\n", crl_res->hits - before);
}

/* A root added while the service runs is trusted from the next verification on. */
static void test_late_root(void)
{
    struct hs_msg_chain_reply r;

    r = check(0, MODE_NO_REVOCATION, 2, &late_leaf, &late_root);
    ok(r.cert_flags == CERT_TRUST_IS_UNTRUSTED_ROOT, "root not yet trusted: cert_flags %#x, expected %#x "
       "(CERT_TRUST_IS_UNTRUSTED_ROOT)\n", r.cert_flags, CERT_TRUST_IS_UNTRUSTED_ROOT);
    if (!trust_root(&late_root, TRUE)) return;
    r = check(0, MODE_NO_REVOCATION, 2, &late_leaf, &late_root);
    ok(r.cert_flags == 0, "root trusted since the last verification: cert_flags %#x, expected 0\n", r.cert_flags);
    r = check(0, MODE_NO_REVOCATION, 1, &late_leaf);
    ok(r.cert_flags == 0, "root trusted since, not sent: cert_flags %#x, expected 0\n", r.cert_flags);

    /* and a root removed is no longer trusted */
    ok(trust_root(&late_root, FALSE), "removing the late root from LocalMachine\\Root: failed, expected success\n");
    r = check(0, MODE_NO_REVOCATION, 2, &late_leaf, &late_root);
    ok(r.cert_flags == CERT_TRUST_IS_UNTRUSTED_ROOT, "root removed since the last verification: cert_flags %#x, "
       "expected %#x (CERT_TRUST_IS_UNTRUSTED_ROOT)\n", r.cert_flags, CERT_TRUST_IS_UNTRUSTED_ROOT);
}

int main(int argc, char **argv)
{
    HMODULE httpapi;

    test_init("chain");
    port = test_port(argc, argv);
    snprintf(token, sizeof(token), "%lx-%lx", GetCurrentProcessId(), GetTickCount());

    is_wine = GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") != NULL;
    httpapi = LoadLibraryA("httpapi.dll");
    ok(httpapi != NULL, "LoadLibrary(httpapi.dll): error %lu, expected success\n", GetLastError());
    if (!httpapi) return test_report();
    verify_chain = (verify_chain_fn)(void *)GetProcAddress(httpapi, MAKEINTRESOURCEA(HS_CHAIN_EXPORT_ORDINAL));
    ok(verify_chain != NULL, "httpapi.dll ordinal %u: not found, expected httpsys_verify_chain\n",
       HS_CHAIN_EXPORT_ORDINAL);
    ok(GetProcAddress(httpapi, "httpsys_verify_chain") == NULL,
       "httpsys_verify_chain exported by name, expected by ordinal only\n");
    if (!verify_chain) return test_report();

    ok(make_all(), "making the test certificates: failed, expected success\n");
    ok(start_server(), "the HTTP server on 127.0.0.1:%u: error %d, expected listening\n", port, WSAGetLastError());
    if (!ok(trust_root(&root, TRUE), "adding the test root to LocalMachine\\Root: failed, expected success\n"))
        return test_report();

    test_malformed();
    test_trusted();
    test_untrusted();
    test_partial();
    test_fetch();
    test_time_and_usage();
    test_revocation();
    test_freshness();
    test_late_root();

    ok(trust_root(&root, FALSE), "removing the test root from LocalMachine\\Root: failed, expected success\n");
    closesocket(listener);
    free_key(&root_key);
    free_key(&int_key);
    free_key(&leaf_key);
    free_key(&other_key);
    return test_report();
}

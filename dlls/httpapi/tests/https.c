/*
 * HTTPS conformance tests: an SSL binding made with HttpSetServiceConfiguration for a certificate
 * of LocalMachine\MY, an https:// registration, and what a request that came over TLS carries
 * (HTTP_REQUEST.pSslInfo, the TLS request properties, the ClientHello a binding with
 * ENABLE_CACHE_CLIENT_HELLO keeps), with WinHTTP as the client.
 *
 * Usage: https.exe PORT      (uses PORT and PORT+1; PORT+1 stays plain HTTP)
 *
 * The test makes its own self-signed certificate (CertCreateSelfSignCertificate, an RSA key in a
 * CSP container) and removes it, its key and its binding at the end.
 *
 * Written from Microsoft's documentation of httpapi.dll (see shared/reference/httpapi.md).
 */

#include "util.h"
#include <winhttp.h>
#include <wincrypt.h>
#include <sspi.h>

#ifndef HTTP_RECEIVE_SECURE_CHANNEL_TOKEN
#define HTTP_RECEIVE_SECURE_CHANNEL_TOKEN 0x1
#endif

#define CONTAINER   L"httpsys-conformance-https"
#define SUBJECT     "CN=localhost, O=httpsys conformance"

typedef ULONG (WINAPI *query_property_fn)(HANDLE, HTTP_REQUEST_ID, ULONG, void *, ULONG, void *, ULONG, ULONG *,
                                          OVERLAPPED *);

#define FLAG_ENABLE_CACHE_CLIENT_HELLO 0x8000   /* HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO */

static USHORT port;
static BYTE cert_hash[20];
static DWORD binding_flags;   /* DefaultFlags of the binding the tests make */
static query_property_fn query_property;

/* ------------------------------------------------------------------------------------------------ */
/* the certificate                                                                                  */
/* ------------------------------------------------------------------------------------------------ */

static HCERTSTORE open_my(void)
{
    return CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"MY");
}

static BOOL make_certificate(void)
{
    CERT_NAME_BLOB name = { 0, NULL };
    CRYPT_KEY_PROV_INFO prov;
    HCRYPTPROV csp = 0;
    HCRYPTKEY key = 0;
    PCCERT_CONTEXT cert = NULL;
    HCERTSTORE store = NULL;
    SYSTEMTIME end;
    BYTE encoded[256];
    DWORD size = sizeof(encoded), hash_size = sizeof(cert_hash);
    BOOL ret = FALSE;

    CryptAcquireContextW(&csp, CONTAINER, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_DELETEKEYSET);
    if (!CryptAcquireContextW(&csp, CONTAINER, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_NEWKEYSET) ||
        !CryptGenKey(csp, AT_KEYEXCHANGE, (2048 << 16) | CRYPT_EXPORTABLE, &key))
    {
        trace("no RSA key: %lu\n", GetLastError());
        goto done;
    }
    if (!CertStrToNameA(X509_ASN_ENCODING, SUBJECT, CERT_X500_NAME_STR, NULL, encoded, &size, NULL)) goto done;
    name.cbData = size;
    name.pbData = encoded;
    memset(&prov, 0, sizeof(prov));
    prov.pwszContainerName = (WCHAR *)CONTAINER;
    prov.pwszProvName = (WCHAR *)MS_ENH_RSA_AES_PROV_W;
    prov.dwProvType = PROV_RSA_AES;
    prov.dwKeySpec = AT_KEYEXCHANGE;
    GetSystemTime(&end);
    end.wYear += 1;
    if (!(cert = CertCreateSelfSignCertificate(csp, &name, 0, &prov, NULL, NULL, &end, NULL)))
    {
        trace("CertCreateSelfSignCertificate failed: %lu\n", GetLastError());
        goto done;
    }
    if (!(store = open_my()) || !CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL))
        goto done;
    ret = CertGetCertificateContextProperty(cert, CERT_HASH_PROP_ID, cert_hash, &hash_size);
done:
    if (cert) CertFreeCertificateContext(cert);
    if (store) CertCloseStore(store, 0);
    if (key) CryptDestroyKey(key);
    if (csp) CryptReleaseContext(csp, 0);
    return ret;
}

static void remove_certificate(void)
{
    CRYPT_HASH_BLOB blob = { sizeof(cert_hash), cert_hash };
    HCERTSTORE store = open_my();
    PCCERT_CONTEXT cert;
    HCRYPTPROV csp;

    if (store && (cert = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_HASH, &blob, NULL)))
        CertDeleteCertificateFromStore(cert);
    if (store) CertCloseStore(store, 0);
    CryptAcquireContextW(&csp, CONTAINER, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_DELETEKEYSET);
}

static ULONG binding(BOOL add)
{
    HTTP_SERVICE_CONFIG_SSL_SET set;
    struct sockaddr_in addr;

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    memset(&set, 0, sizeof(set));
    set.KeyDesc.pIpPort = (SOCKADDR *)&addr;
    set.ParamDesc.SslHashLength = sizeof(cert_hash);
    set.ParamDesc.pSslHash = cert_hash;
    set.ParamDesc.pSslCertStoreName = (WCHAR *)L"MY";
    set.ParamDesc.AppId.Data1 = 0x1234;
    set.ParamDesc.DefaultFlags = binding_flags;
    if (add) return HttpSetServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
    return HttpDeleteServiceConfiguration(NULL, HttpServiceConfigSSLCertInfo, &set, sizeof(set), NULL);
}

/* ------------------------------------------------------------------------------------------------ */
/* the client                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

struct fetch
{
    const WCHAR *host;
    USHORT port;
    BOOL secure;
    BOOL no_client_cert;    /* answer a certificate request with no certificate */
    DWORD error;            /* 0, or the WinHTTP error */
    DWORD status;
    char body[256];
    HANDLE done;
};

static DWORD WINAPI fetch_thread(void *arg)
{
    struct fetch *f = arg;
    HINTERNET session = NULL, conn = NULL, req = NULL;
    DWORD flags = SECURITY_FLAG_IGNORE_UNKNOWN_CA | SECURITY_FLAG_IGNORE_CERT_CN_INVALID |
                  SECURITY_FLAG_IGNORE_CERT_DATE_INVALID | SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE;
    DWORD size = sizeof(f->status), got, total = 0, no_keep_alive = WINHTTP_DISABLE_KEEP_ALIVE;

    f->error = 0;
    if (!(session = WinHttpOpen(L"httpsys-conformance", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0)) ||
        !WinHttpSetTimeouts(session, 5000, 5000, 5000, 5000) ||
        !(conn = WinHttpConnect(session, f->host, f->port, 0)) ||
        !(req = WinHttpOpenRequest(conn, L"GET", L"/tls/path?q=1", NULL, NULL, NULL, f->secure ? WINHTTP_FLAG_SECURE : 0)) ||
        (f->secure && !WinHttpSetOption(req, WINHTTP_OPTION_SECURITY_FLAGS, &flags, sizeof(flags))) ||
        /* every fetch makes its own connection and handshake */
        !WinHttpSetOption(req, WINHTTP_OPTION_DISABLE_FEATURE, &no_keep_alive, sizeof(no_keep_alive)) ||
        (f->no_client_cert && !WinHttpSetOption(req, WINHTTP_OPTION_CLIENT_CERT_CONTEXT, WINHTTP_NO_CLIENT_CERT_CONTEXT, 0)) ||
        !WinHttpSendRequest(req, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(req, NULL) ||
        !WinHttpQueryHeaders(req, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, NULL, &f->status, &size, NULL))
        f->error = GetLastError();
    while (!f->error && total + 1 < sizeof(f->body) && WinHttpReadData(req, f->body + total, sizeof(f->body) - 1 - total, &got) && got)
        total += got;
    f->body[total] = 0;
    if (req) WinHttpCloseHandle(req);
    if (conn) WinHttpCloseHandle(conn);
    if (session) WinHttpCloseHandle(session);
    SetEvent(f->done);
    return 0;
}

static void fetch_start(struct fetch *f, const WCHAR *host, USHORT p, BOOL secure, BOOL no_client_cert)
{
    memset(f, 0, sizeof(*f));
    f->no_client_cert = no_client_cert;
    f->host = host;
    f->port = p;
    f->secure = secure;
    f->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    CloseHandle(CreateThread(NULL, 0, fetch_thread, f, 0, NULL));
}

static BOOL fetch_wait(struct fetch *f)
{
    BOOL ret = WaitForSingleObject(f->done, 15000) == WAIT_OBJECT_0;
    CloseHandle(f->done);
    return ret;
}

/* ------------------------------------------------------------------------------------------------ */
/* tests                                                                                            */
/* ------------------------------------------------------------------------------------------------ */

static void answer(HANDLE queue, HTTP_REQUEST_ID id, const char *body)
{
    struct test_response r;
    init_response(&r, 200, "OK", "text/plain", body);
    ok(send_response_sync(queue, id, 0, &r, NULL) == NO_ERROR, "HttpSendHttpResponse over TLS: expected NO_ERROR\n");
}

static void check_properties(HANDLE queue, HTTP_REQUEST_ID id)
{
    struct { WCHAR host[256]; ULONG flags; } sni;
    BYTE cipher[680];
    DWORD dword;
    ULONG ret, bytes;

    if (!query_property)
    {
        skip("HttpQueryRequestProperty is not exported\n");
        return;
    }
    memset(&sni, 0xcc, sizeof(sni));
    bytes = 0;
    ret = query_property(queue, id, 4 /* HttpRequestPropertySni */, NULL, 0, &sni, sizeof(sni), &bytes, NULL);
    ok(ret == NO_ERROR, "HttpQueryRequestProperty(Sni): expected NO_ERROR, got %lu\n", ret);
    ok(bytes == sizeof(sni), "Sni: expected %u bytes, got %lu\n", (unsigned)sizeof(sni), bytes);
    ok(!ret && !lstrcmpW(sni.host, L"localhost"), "Sni: expected the host name \"localhost\", got %ls\n",
       ret ? L"?" : sni.host);
    ok(!ret && sni.flags == 1, "Sni: expected HTTP_REQUEST_PROPERTY_SNI_FLAG_SNI_USED (1), got %#lx\n", sni.flags);
    bytes = 0;
    ret = query_property(queue, id, 4, NULL, 0, &sni, 8, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA && bytes == sizeof(sni),
       "Sni into 8 bytes: expected ERROR_MORE_DATA and %u, got %lu and %lu\n", (unsigned)sizeof(sni), ret, bytes);
    ret = query_property(queue, id, 14 /* HttpRequestPropertyTlsCipherInfo */, NULL, 0, cipher, sizeof(cipher), &bytes, NULL);
    ok(ret == NO_ERROR && bytes == sizeof(cipher), "TlsCipherInfo: expected NO_ERROR and %u bytes, got %lu and %lu\n",
       (unsigned)sizeof(cipher), ret, bytes);
    memcpy(&dword, cipher, 4);
    ok(!ret && dword == 1, "TlsCipherInfo.dwVersion: expected 1, got %lu\n", dword);
    memcpy(&dword, cipher + 4, 4);
    ok(!ret && (dword == 0x303 || dword == 0x304), "TlsCipherInfo.dwProtocol: expected TLS 1.2 or 1.3, got %#lx\n", dword);
    ret = query_property(queue, id, 99, NULL, 0, cipher, sizeof(cipher), &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "an unknown property: expected ERROR_INVALID_PARAMETER, got %lu\n", ret);
    ret = query_property(queue, id, 11 /* HttpRequestPropertyTlsClientHello */, NULL, 0, cipher, sizeof(cipher), &bytes, NULL);
    ok(ret == ERROR_INVALID_FUNCTION, "TlsClientHello on a binding without ENABLE_CACHE_CLIENT_HELLO: "
       "expected ERROR_INVALID_FUNCTION (1), got %lu\n", ret);
}

/* HttpRequestPropertyTlsClientHello on a binding with ENABLE_CACHE_CLIENT_HELLO: the bytes of the
 * ClientHello as the client sent them, TLS record headers included; probed for with no buffer. */
static void test_client_hello(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    BYTE *hello = NULL;
    struct fetch f;
    BOOL timed_out, sni = FALSE;
    ULONG ret, bytes, size = 0, i;

    binding(FALSE);
    binding_flags = FLAG_ENABLE_CACHE_CLIENT_HELLO;
    ret = binding(TRUE);
    ok(ret == NO_ERROR, "a binding with ENABLE_CACHE_CLIENT_HELLO: expected NO_ERROR, got %lu\n", ret);
    fetch_start(&f, L"localhost", port, TRUE, FALSE);
    ret = receive_request_sync(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, 10000, &timed_out);
    ok(ret == NO_ERROR, "a request over TLS: expected NO_ERROR, got %lu\n", ret);
    if (ret || !query_property) goto done;
    ret = query_property(queue, req->RequestId, 11, NULL, 0, NULL, 0, &size, NULL);
    ok(ret == ERROR_MORE_DATA, "TlsClientHello with no buffer: expected ERROR_MORE_DATA (234), got %lu\n", ret);
    ok(size > 5 + 4 + 38, "TlsClientHello with no buffer: expected the size of a ClientHello, got %lu\n", size);
    if (size <= 5 + 4 + 38 || size > 65536) goto answer;
    hello = malloc(size + 1);
    hello[size] = 0xcc;
    ret = query_property(queue, req->RequestId, 11, NULL, 0, hello, size - 1, &bytes, NULL);
    ok(ret == ERROR_MORE_DATA && bytes == size, "TlsClientHello one byte short: expected ERROR_MORE_DATA (234) and %lu, "
       "got %lu and %lu\n", size, ret, bytes);
    ret = query_property(queue, req->RequestId, 11, NULL, 0, hello, size, &bytes, NULL);
    ok(ret == NO_ERROR && bytes == size, "TlsClientHello: expected NO_ERROR and %lu bytes, got %lu and %lu\n", size, ret, bytes);
    ok(hello[size] == 0xcc, "TlsClientHello writes its size and no more\n");
    if (ret) goto answer;
    ok(hello[0] == 0x16 && hello[1] == 3, "TlsClientHello: expected a handshake record (0x16 0x03), got %#x %#x\n",
       hello[0], hello[1]);
    ok(5 + (ULONG)((hello[3] << 8) | hello[4]) <= size, "TlsClientHello: the first record (%u bytes) lies within the %lu\n",
       (hello[3] << 8) | hello[4], size);
    ok(hello[5] == 1, "TlsClientHello: expected the message type ClientHello (1), got %u\n", hello[5]);
    for (i = 0; i + 9 <= size && !sni; i++) sni = !memcmp(hello + i, "localhost", 9);
    ok(sni, "TlsClientHello: the server name the client sent (localhost) is in it\n");
answer:
    answer(queue, req->RequestId, "hello seen");
done:
    ok(fetch_wait(&f) && f.error == 0 && f.status == 200, "the client with a cached ClientHello: expected 200, got error %lu, "
       "status %lu\n", f.error, f.status);
    free(hello);
    free(req);
    binding(FALSE);
    binding_flags = 0;
    ret = binding(TRUE);
    ok(ret == NO_ERROR, "the binding without the flag again: expected NO_ERROR, got %lu\n", ret);
}

/* HTTP_RECEIVE_SECURE_CHANNEL_TOKEN: the connection's channel binding, a
 * SEC_CHANNEL_BINDINGS whose application data is tls-server-end-point. */
static void check_channel_binding(HANDLE queue, HTTP_CONNECTION_ID conn)
{
    static const char prefix[] = "tls-server-end-point:";
    union { HTTP_REQUEST_CHANNEL_BIND_STATUS st; char raw[512]; } out;
    const SEC_CHANNEL_BINDINGS *b;
    ULONG ret, bytes = 0;

    ret = HttpReceiveClientCertificate(queue, conn, HTTP_RECEIVE_SECURE_CHANNEL_TOKEN, (void *)&out, 8, &bytes, NULL);
    ok(ret == ERROR_INSUFFICIENT_BUFFER, "the channel token into 8 bytes: expected ERROR_INSUFFICIENT_BUFFER, got %lu\n", ret);
    ret = HttpReceiveClientCertificate(queue, conn, HTTP_RECEIVE_SECURE_CHANNEL_TOKEN, (void *)&out,
                                       sizeof(out.st), &bytes, NULL);
    ok(ret == ERROR_MORE_DATA && out.st.ChannelTokenSize > sizeof(*b),
       "the channel token without room for it: expected ERROR_MORE_DATA and its size, got %lu, %lu\n", ret,
       out.st.ChannelTokenSize);
    memset(&out, 0, sizeof(out));
    ret = HttpReceiveClientCertificate(queue, conn, HTTP_RECEIVE_SECURE_CHANNEL_TOKEN, (void *)&out, sizeof(out),
                                       &bytes, NULL);
    ok(ret == NO_ERROR, "HTTP_RECEIVE_SECURE_CHANNEL_TOKEN: expected NO_ERROR, got %lu\n", ret);
    if (ret) return;
    b = (const SEC_CHANNEL_BINDINGS *)out.st.ChannelToken;
    ok(out.st.ChannelToken == (PUCHAR)out.raw + sizeof(out.st) && bytes == sizeof(out.st) + out.st.ChannelTokenSize,
       "the token follows the structure in the buffer (%lu bytes)\n", bytes);
    ok(b->cbApplicationDataLength == sizeof(prefix) - 1 + 32 && b->dwApplicationDataOffset == sizeof(*b) &&
       !memcmp((const char *)b + b->dwApplicationDataOffset, prefix, sizeof(prefix) - 1),
       "the application data is tls-server-end-point: and a SHA-256 hash (%lu bytes)\n", b->cbApplicationDataLength);
    ret = HttpReceiveClientCertificate(queue, 0x12345678, HTTP_RECEIVE_SECURE_CHANNEL_TOKEN, (void *)&out, sizeof(out),
                                       &bytes, NULL);
    ok(ret == ERROR_CONNECTION_INVALID, "an unknown connection: expected ERROR_CONNECTION_INVALID, got %lu\n", ret);
    ret = HttpReceiveClientCertificate(queue, conn, 8, (void *)&out, sizeof(out), &bytes, NULL);
    ok(ret == ERROR_INVALID_PARAMETER, "unknown flags: expected ERROR_INVALID_PARAMETER, got %lu\n", ret);
}

/* A client that is asked for a certificate after the handshake and has
 * none: Wine's WinHTTP gives up with ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED
 * (Windows' WinHTTP does too unless the application chose a certificate);
 * the server learns there is none. */
static void test_certificate_asked_later(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    HTTP_SSL_CLIENT_CERT_INFO *cert_info = malloc(4096);
    struct fetch f;
    BOOL timed_out;
    ULONG ret, bytes;

    fetch_start(&f, L"localhost", port, TRUE, FALSE);
    ret = receive_request_sync(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, 10000, &timed_out);
    ok(ret == NO_ERROR, "a request over TLS: expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ret = HttpReceiveClientCertificate(queue, req->ConnectionId, 0, cert_info, 4096, &bytes, NULL);
        ok(ret == ERROR_NOT_FOUND || ret == ERROR_CONNECTION_INVALID,
           "HttpReceiveClientCertificate when the client has none: expected ERROR_NOT_FOUND, got %lu\n", ret);
        answer(queue, req->RequestId, "late");
    }
    ok(fetch_wait(&f), "the WinHTTP client finishes\n");
    ok(f.error == ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED || (f.error == 0 && f.status == 200),
       "WinHTTP, asked for a certificate: expected ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED or the answer, got %lu\n",
       f.error);
    free(cert_info);
    free(req);
}

static void test_https_request(HANDLE queue)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    HTTP_SSL_CLIENT_CERT_INFO *cert_info = malloc(4096);
    const HTTP_SSL_INFO *ssl;
    struct fetch f;
    BOOL timed_out;
    ULONG ret, bytes;
    const char *what = "";

    fetch_start(&f, L"localhost", port, TRUE, FALSE);
    ret = receive_request_sync(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, 10000, &timed_out);
    ok(ret == NO_ERROR && !timed_out, "a request over TLS reaches the server: expected NO_ERROR, got %lu%s\n", ret,
       timed_out ? " (nothing came)" : "");
    if (ret)
    {
        fetch_wait(&f);
        trace("client error %lu\n", f.error);
        goto done;
    }
    ok(request_in_bounds(req, bytes, &what), "every pointer lies within the request: %s does not\n", what);
    ok(req->CookedUrl.pFullUrl && !wcsncmp(req->CookedUrl.pFullUrl, L"https://localhost:", 18),
       "pFullUrl: expected https://localhost:..., got %ls\n", req->CookedUrl.pFullUrl);
    ssl = req->pSslInfo;
    ok(ssl != NULL, "pSslInfo: expected a structure for a request over TLS, got NULL\n");
    if (ssl)
    {
        ok(ssl->ServerCertKeySize == 2048, "ServerCertKeySize: expected 2048, got %u\n", ssl->ServerCertKeySize);
        ok(ssl->ConnectionKeySize == 128 || ssl->ConnectionKeySize == 256,
           "ConnectionKeySize: expected 128 or 256, got %u\n", ssl->ConnectionKeySize);
        ok(ssl->pServerCertSubject && ssl->ServerCertSubjectSize == strlen(SUBJECT) &&
           !strcmp(ssl->pServerCertSubject, SUBJECT), "pServerCertSubject: expected \"%s\", got \"%s\" (%lu)\n",
           SUBJECT, ssl->pServerCertSubject ? ssl->pServerCertSubject : "(null)", ssl->ServerCertSubjectSize);
        ok(ssl->pServerCertIssuer && !strcmp(ssl->pServerCertIssuer, SUBJECT),
           "pServerCertIssuer of a self-signed certificate: expected the subject, got \"%s\"\n",
           ssl->pServerCertIssuer ? ssl->pServerCertIssuer : "(null)");
        ok(ssl->SslClientCertNegotiated == 0, "SslClientCertNegotiated without a client certificate: expected 0, got %lu\n",
           ssl->SslClientCertNegotiated);
        ok(ssl->pClientCertInfo == NULL, "pClientCertInfo without a client certificate: expected NULL\n");
    }
    check_properties(queue, req->RequestId);
    check_channel_binding(queue, req->ConnectionId);
    answer(queue, req->RequestId, "secure hello");
    ok(fetch_wait(&f), "the WinHTTP client finishes\n");
    ok(f.error == 0 && f.status == 200 && !strcmp(f.body, "secure hello"),
       "WinHTTP gets the response over TLS: expected 200 \"secure hello\", got error %lu, status %lu, \"%s\"\n",
       f.error, f.status, f.body);
done:
    free(cert_info);
    free(req);
}

static void test_plain_request(void)
{
    HTTP_REQUEST_V1 *req = alloc_request();
    HANDLE queue = NULL;
    WCHAR url[64];
    struct fetch f;
    BOOL timed_out;
    BYTE buf[680];
    ULONG ret, bytes;

    USHORT plain = 0, p;

    /* a port near the test's that no other program holds */
    if (!HttpCreateHttpHandle(&queue, 0))
        for (p = port + 1; p < port + 40 && !plain; p++)
            if (!HttpAddUrl(queue, wfmt(url, 64, "http://+:%u/", p), NULL)) plain = p;
    if (!plain)
    {
        ok(0, "a plain http registration on the ports after %u failed\n", port);
        goto done;
    }
    fetch_start(&f, L"localhost", plain, FALSE, FALSE);
    ret = receive_request_sync(queue, HTTP_NULL_ID, 0, req, REQ_BUFFER_SIZE, &bytes, 10000, &timed_out);
    ok(ret == NO_ERROR, "a plain request: expected NO_ERROR, got %lu\n", ret);
    if (!ret)
    {
        ok(req->pSslInfo == NULL, "pSslInfo of a plain request: expected NULL\n");
        if (query_property)
        {
            ret = query_property(queue, req->RequestId, 4, NULL, 0, buf, sizeof(buf), &bytes, NULL);
            ok(ret == ERROR_INVALID_FUNCTION, "Sni of a plain request: expected ERROR_INVALID_FUNCTION, got %lu\n", ret);
        }
        answer(queue, req->RequestId, "plain");
    }
    fetch_wait(&f);
done:
    if (queue)
    {
        HttpRemoveUrl(queue, url);
        CloseHandle(queue);
    }
    free(req);
}

static void test_binding_changes(HANDLE queue)
{
    struct fetch f;
    ULONG ret;

    ret = binding(FALSE);
    ok(ret == NO_ERROR, "HttpDeleteServiceConfiguration of the binding: expected NO_ERROR, got %lu\n", ret);
    fetch_start(&f, L"localhost", port, TRUE, FALSE);
    ok(fetch_wait(&f) && f.error != 0, "no binding: the handshake fails, expected a WinHTTP error, got %lu (status %lu)\n",
       f.error, f.status);
    ret = binding(TRUE);
    ok(ret == NO_ERROR, "the binding added again: expected NO_ERROR, got %lu\n", ret);
}

int main(int argc, char **argv)
{
    HANDLE queue = NULL, other = NULL;
    WCHAR url[64], url2[64];
    ULONG ret;

    test_init("https");
    if (argc < 2 || !(port = (USHORT)atoi(argv[1])))
    {
        printf("usage: https.exe PORT\n");
        return 2;
    }
    query_property = (query_property_fn)(void *)GetProcAddress(GetModuleHandleA("httpapi.dll"), "HttpQueryRequestProperty");
    ret = HttpInitialize(version1, HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    ok(ret == NO_ERROR, "HttpInitialize: expected NO_ERROR, got %lu\n", ret);
    if (!make_certificate())
    {
        skip("no certificate could be made here\n");
        return test_report();
    }
    binding(FALSE);
    ret = binding(TRUE);
    ok(ret == NO_ERROR, "HttpSetServiceConfiguration(SSLCertInfo, 0.0.0.0:%u): expected NO_ERROR, got %lu\n", port, ret);

    HttpCreateHttpHandle(&queue, 0);
    ret = HttpAddUrl(queue, wfmt(url, 64, "https://+:%u/", port), NULL);
    ok(ret == NO_ERROR, "HttpAddUrl(https://+:%u/): expected NO_ERROR, got %lu\n", port, ret);
    HttpCreateHttpHandle(&other, 0);
    ret = HttpAddUrl(other, wfmt(url2, 64, "http://+:%u/plain/", port), NULL);
    ok(ret == ERROR_ALREADY_EXISTS, "http:// on the https port: expected ERROR_ALREADY_EXISTS, got %lu\n", ret);
    CloseHandle(other);

    test_https_request(queue);
    test_plain_request();
    test_binding_changes(queue);
    test_https_request(queue);
    test_certificate_asked_later(queue);
    test_client_hello(queue);

    HttpRemoveUrl(queue, url);
    CloseHandle(queue);
    binding(FALSE);
    remove_certificate();
    HttpTerminate(HTTP_INITIALIZE_SERVER | HTTP_INITIALIZE_CONFIG, NULL);
    return test_report();
}

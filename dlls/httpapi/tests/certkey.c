/*
 * certkey.c (dlls/httpapi/certkey.c) under Wine: finding a certificate's private key in the prefix's
 * machine store and exporting it for the TLS code.
 *
 * Usage: certkey.exe PORT                 runs the tests below (PORT is unused)
 *        certkey.exe PORT COMMAND ARGS... one step for tests/integration/test_certutil.py:
 *          check STORE HASH                    "CHECK <error>"
 *          export STORE HASH OUTPREFIX         "EXPORT <error> <chain count>", and OUTPREFIX-cert.der,
 *                                              OUTPREFIX-chain.der (concatenated), OUTPREFIX-key.der
 *          addcert STORE CERTFILE              "ADDCERT <error>": the certificate alone, no key
 *          storekey STORE CERTFILE KEYFILE     "STOREKEY <error>": the certificate, and the PKCS#8 key
 *                                              as certkey_store_key keeps it
 *          wineimport STORE PFXFILE PASSWORD   "WINEIMPORT <error> <count>": Wine's own PFXImportCertStore,
 *                                              certificates added with the key reference it records
 *          acquire STORE HASH                  "ACQUIRE <error> <key spec>": CryptAcquireCertificatePrivateKey
 *          remove STORE HASH                   "REMOVE <error>": the certificate and its stored key
 *          dropcontainer NAME                  "DROPCONTAINER <error>": a user-keyset container
 *        HASH is the SHA-1 thumbprint in hex; files are Windows paths.
 *
 * Written from Microsoft's CryptoAPI documentation; the Wine 8.0 behaviours relied on are the
 * measured ones described in certkey.c.
 */

#include "test.h"
#include <bcrypt.h>
#include "certkey.h"

#define ENCODING (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

/* A throwaway P-256 certificate and its key (made with openssl for this test), and another key. */
static const BYTE ec_cert[] =
{
    0x30, 0x82, 0x01, 0x92, 0x30, 0x82, 0x01, 0x37, 0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x14, 0x06,
    0x8b, 0x96, 0x5c, 0xae, 0x56, 0xf9, 0x6f, 0xac, 0x17, 0x58, 0xc1, 0x26, 0x02, 0x97, 0x8a, 0x97,
    0x6c, 0x75, 0x4c, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x30,
    0x1d, 0x31, 0x1b, 0x30, 0x19, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x12, 0x63, 0x65, 0x72, 0x74,
    0x6b, 0x65, 0x79, 0x20, 0x65, 0x63, 0x20, 0x66, 0x69, 0x78, 0x74, 0x75, 0x72, 0x65, 0x30, 0x20,
    0x17, 0x0d, 0x32, 0x36, 0x31, 0x31, 0x32, 0x37, 0x31, 0x36, 0x33, 0x30, 0x33, 0x38, 0x5a, 0x18,
    0x0f, 0x32, 0x31, 0x32, 0x36, 0x31, 0x31, 0x30, 0x33, 0x31, 0x36, 0x33, 0x30, 0x33, 0x38, 0x5a,
    0x30, 0x1d, 0x31, 0x1b, 0x30, 0x19, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x12, 0x63, 0x65, 0x72,
    0x74, 0x6b, 0x65, 0x79, 0x20, 0x65, 0x63, 0x20, 0x66, 0x69, 0x78, 0x74, 0x75, 0x72, 0x65, 0x30,
    0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
    0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04, 0xf4, 0x09, 0xce, 0xb8, 0xfd, 0xe6,
    0x4f, 0x3a, 0x3c, 0x54, 0x80, 0xde, 0x1c, 0x9e, 0xf6, 0x29, 0xbf, 0x89, 0x10, 0x0b, 0x26, 0xde,
    0xbe, 0x44, 0x4d, 0x67, 0xe0, 0x02, 0x26, 0x28, 0x89, 0x8f, 0x9a, 0x5a, 0xa5, 0xc4, 0x88, 0xd0,
    0xaf, 0xc9, 0x4e, 0x86, 0xfa, 0x8f, 0x50, 0x72, 0x04, 0xc6, 0x4a, 0x49, 0x1f, 0xf0, 0x5c, 0x60,
    0x34, 0xa4, 0xd6, 0xfc, 0xb4, 0x63, 0xd2, 0x4d, 0x0e, 0xd1, 0xa3, 0x53, 0x30, 0x51, 0x30, 0x1d,
    0x06, 0x03, 0x55, 0x1d, 0x0e, 0x04, 0x16, 0x04, 0x14, 0x66, 0xea, 0x9a, 0x38, 0x5a, 0xc8, 0x1b,
    0x82, 0x82, 0xd5, 0xe1, 0xc5, 0x2a, 0xfe, 0x92, 0x11, 0x6a, 0x58, 0x6f, 0x5a, 0x30, 0x1f, 0x06,
    0x03, 0x55, 0x1d, 0x23, 0x04, 0x18, 0x30, 0x16, 0x80, 0x14, 0x66, 0xea, 0x9a, 0x38, 0x5a, 0xc8,
    0x1b, 0x82, 0x82, 0xd5, 0xe1, 0xc5, 0x2a, 0xfe, 0x92, 0x11, 0x6a, 0x58, 0x6f, 0x5a, 0x30, 0x0f,
    0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff, 0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff, 0x30,
    0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, 0x03, 0x49, 0x00, 0x30, 0x46,
    0x02, 0x21, 0x00, 0x86, 0xff, 0xca, 0x1f, 0x47, 0x66, 0xef, 0xf8, 0x89, 0x2c, 0xf1, 0x79, 0x21,
    0x0d, 0x3d, 0x06, 0x31, 0x47, 0x5d, 0xa8, 0x96, 0x06, 0xc2, 0xcb, 0x20, 0x95, 0xed, 0x0b, 0xfe,
    0xb6, 0xb0, 0xfe, 0x02, 0x21, 0x00, 0x8b, 0x55, 0x13, 0x4a, 0x1f, 0x4b, 0x37, 0x91, 0x38, 0x20,
    0x2f, 0x36, 0x80, 0x47, 0x61, 0x9c, 0x35, 0x32, 0x1b, 0x07, 0xe0, 0x1c, 0x8b, 0x5d, 0xfb, 0xe6,
    0x56, 0xea, 0x91, 0x80, 0x55, 0x08,
};
static const BYTE ec_key[] =
{
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02,
    0x01, 0x01, 0x04, 0x20, 0xcb, 0x97, 0xc0, 0xcf, 0x75, 0xf3, 0xa1, 0x07, 0x43, 0xf0, 0x06, 0x2a,
    0x04, 0xfb, 0x6a, 0x8f, 0x0f, 0x37, 0xd3, 0xc5, 0xc5, 0xaf, 0x31, 0x02, 0x4b, 0x8b, 0x17, 0x43,
    0x92, 0x8c, 0x08, 0x52, 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04, 0xf4, 0x09, 0xce, 0xb8, 0xfd, 0xe6,
    0x4f, 0x3a, 0x3c, 0x54, 0x80, 0xde, 0x1c, 0x9e, 0xf6, 0x29, 0xbf, 0x89, 0x10, 0x0b, 0x26, 0xde,
    0xbe, 0x44, 0x4d, 0x67, 0xe0, 0x02, 0x26, 0x28, 0x89, 0x8f, 0x9a, 0x5a, 0xa5, 0xc4, 0x88, 0xd0,
    0xaf, 0xc9, 0x4e, 0x86, 0xfa, 0x8f, 0x50, 0x72, 0x04, 0xc6, 0x4a, 0x49, 0x1f, 0xf0, 0x5c, 0x60,
    0x34, 0xa4, 0xd6, 0xfc, 0xb4, 0x63, 0xd2, 0x4d, 0x0e, 0xd1,
};
static const BYTE ec_other_key[] =
{
    0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02,
    0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x6d, 0x30, 0x6b, 0x02,
    0x01, 0x01, 0x04, 0x20, 0x8f, 0x38, 0x1d, 0x13, 0xa2, 0x55, 0x49, 0xe4, 0x96, 0x1c, 0x8e, 0xc6,
    0x42, 0xbf, 0xc5, 0xcc, 0xfc, 0xf1, 0x87, 0x98, 0x3b, 0x88, 0x04, 0x08, 0xfb, 0x9e, 0xb3, 0x65,
    0xa3, 0xd4, 0x07, 0xab, 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04, 0xa1, 0xfd, 0xf3, 0x91, 0x0a, 0xf6,
    0xec, 0x18, 0x1b, 0x16, 0xe4, 0x04, 0x92, 0x39, 0xe0, 0xc8, 0x9b, 0x46, 0x99, 0x62, 0xf8, 0xf1,
    0x76, 0x38, 0xd9, 0xe0, 0x0b, 0x26, 0xb9, 0x22, 0xa6, 0x6b, 0x09, 0x64, 0xe1, 0x62, 0x74, 0x5f,
    0x1c, 0xa8, 0x71, 0x76, 0x37, 0xe5, 0x45, 0xec, 0x8a, 0xc9, 0xbf, 0x3d, 0x9a, 0x47, 0x6e, 0xf9,
    0x2d, 0x2f, 0xa9, 0x56, 0x21, 0x37, 0x84, 0xe4, 0x24, 0x31,
};

/* ------------------------------------------------------------------------------------------------ */

static BOOL parse_hash(const char *text, BYTE hash[20])
{
    int i;
    unsigned int v;

    if (strlen(text) != 40) return FALSE;
    for (i = 0; i < 20; i++)
    {
        if (sscanf(text + 2 * i, "%2x", &v) != 1) return FALSE;
        hash[i] = (BYTE)v;
    }
    return TRUE;
}

static BYTE *read_file(const char *path, DWORD *len)
{
    FILE *f = fopen(path, "rb");
    BYTE *data;
    long n;

    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n <= 0 || !(data = malloc(n)) || fread(data, 1, n, f) != (size_t)n)
    {
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (DWORD)n;
    return data;
}

static BOOL write_file(const char *path, const BYTE *data, DWORD len)
{
    FILE *f = fopen(path, "wb");
    BOOL ret;

    if (!f) return FALSE;
    ret = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ret;
}

static WCHAR *wide(const char *s)
{
    static WCHAR buf[4][512];
    static int next;
    WCHAR *w = buf[next++ % 4];

    MultiByteToWideChar(CP_ACP, 0, s, -1, w, 512);
    return w;
}

/* Adds a certificate to LocalMachine\<store> (replacing one with the same hash) and returns the
 * store's context.  Deleting first and committing: see importpfx.c for why Wine 8.0 needs both. */
static PCCERT_CONTEXT add_cert(const WCHAR *store_name, const BYTE *der, DWORD len, const CRYPT_KEY_PROV_INFO *info)
{
    HCERTSTORE store = certkey_open_store(store_name, FALSE, FALSE);
    PCCERT_CONTEXT cert = NULL, old;
    BYTE hash[20];
    DWORD hash_len = 20;
    CRYPT_HASH_BLOB blob = { 20, hash };

    if (!store) return NULL;
    CryptHashCertificate(0, CALG_SHA1, 0, der, len, hash, &hash_len);
    if ((old = CertFindCertificateInStore(store, ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL)))
        CertDeleteCertificateFromStore(old);
    if (CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, len, CERT_STORE_ADD_NEW, &cert) && info &&
        !CertSetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, 0, info))
    {
        CertFreeCertificateContext(cert);
        cert = NULL;
    }
    CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
    CertCloseStore(store, 0);
    return cert;
}

static DWORD remove_cert(const WCHAR *store_name, const BYTE hash[20])
{
    HCERTSTORE store = certkey_open_store(store_name, TRUE, FALSE);
    CRYPT_HASH_BLOB blob = { 20, (BYTE *)hash };
    PCCERT_CONTEXT cert;
    DWORD ret = NO_ERROR;

    if (!store) return ERROR_FILE_NOT_FOUND;
    if (!(cert = CertFindCertificateInStore(store, ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL)))
        ret = ERROR_FILE_NOT_FOUND;
    else if (!CertDeleteCertificateFromStore(cert)) ret = GetLastError();
    CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
    CertCloseStore(store, 0);
    certkey_forget_key(hash);
    return ret;
}

/* True if the big-endian form of the key's modulus is inside der. */
static BOOL der_has_modulus(const BYTE *der, DWORD der_len, const BYTE *pubblob, DWORD pub_len)
{
    const RSAPUBKEY *rsa = (const RSAPUBKEY *)(pubblob + sizeof(BLOBHEADER));
    DWORD n = rsa->bitlen / 8, i;
    const BYTE *mod = pubblob + sizeof(BLOBHEADER) + sizeof(RSAPUBKEY);
    BYTE be[1024];

    if (pub_len < sizeof(BLOBHEADER) + sizeof(RSAPUBKEY) + n || n > sizeof(be) || der_len < n) return FALSE;
    for (i = 0; i < n; i++) be[i] = mod[n - 1 - i];
    for (i = 0; i + n <= der_len; i++) if (!memcmp(der + i, be, n)) return TRUE;
    return FALSE;
}

/* ------------------------------------------------------------------------------------------------
 * The tests */

static void test_not_found(void)
{
    static const BYTE zero[20];
    struct certkey ck;
    HCERTSTORE store;
    DWORD ret;

    ret = certkey_check(L"httpsys-no-such-store", zero);
    ok(ret == ERROR_FILE_NOT_FOUND, "no such store: expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    store = certkey_open_store(L"httpsys-no-such-store", TRUE, TRUE);
    ok(!store, "looking in a store must not create it\n");
    if (store) CertCloseStore(store, 0);
    ret = certkey_check(NULL, zero);
    ok(ret == ERROR_FILE_NOT_FOUND, "no such certificate (store NULL): expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    ret = certkey_check(L"", zero);
    ok(ret == ERROR_FILE_NOT_FOUND, "no such certificate (store \"\"): expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    memset(&ck, 0xcc, sizeof(ck));
    ret = certkey_export(L"my", zero, &ck);
    ok(ret == ERROR_FILE_NOT_FOUND, "export, no such certificate: expected ERROR_FILE_NOT_FOUND (2), got %lu\n", ret);
    ok(!ck.cert && !ck.key && !ck.chain && !ck.key_len, "a failed export leaves nothing behind\n");
    certkey_free(&ck);
}

/* A known answer for the RSA PRIVATEKEYBLOB -> PKCS#8 encoder (numbers chosen for their encodings:
 * a high bit that needs a 0 byte, zeros to strip), not a working key.  The blob's exponent1 and
 * exponent2 are wrong on purpose: the encoder derives them from d, p and q (Wine's
 * PFXImportCertStore misplaces them), so 5 mod 0x8002 and 5 mod 0x10 come out. */
static void test_pkcs8_encoder(void)
{
    static const BYTE expect[] =
    {
        0x30, 0x3a, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
        0x01, 0x01, 0x05, 0x00, 0x04, 0x26, 0x30, 0x24, 0x02, 0x01, 0x00,
        0x02, 0x05, 0x00, 0xc0, 0x00, 0x00, 0x01,   /* n */
        0x02, 0x03, 0x01, 0x00, 0x01,               /* e */
        0x02, 0x01, 0x05,                           /* d */
        0x02, 0x03, 0x00, 0x80, 0x03,               /* p */
        0x02, 0x01, 0x11,                           /* q */
        0x02, 0x01, 0x05,                           /* d mod (p-1) */
        0x02, 0x01, 0x05,                           /* d mod (q-1) */
        0x02, 0x02, 0x01, 0x02,                     /* q^-1 mod p */
    };
    BYTE blob[sizeof(BLOBHEADER) + sizeof(RSAPUBKEY) + 4 + 5 * 2 + 4];
    BLOBHEADER *hdr = (BLOBHEADER *)blob;
    RSAPUBKEY *rsa = (RSAPUBKEY *)(hdr + 1);
    BYTE *p = (BYTE *)(rsa + 1), *der = NULL;
    DWORD len = 0, ret;

    hdr->bType = PRIVATEKEYBLOB;
    hdr->bVersion = CUR_BLOB_VERSION;
    hdr->reserved = 0;
    hdr->aiKeyAlg = CALG_RSA_KEYX;
    rsa->magic = 0x32415352;
    rsa->bitlen = 32;
    rsa->pubexp = 65537;
    memcpy(p, "\x01\x00\x00\xc0", 4);       /* modulus, little-endian */
    memcpy(p + 4, "\x03\x80", 2);           /* prime1 */
    memcpy(p + 6, "\x11\x00", 2);           /* prime2 */
    memcpy(p + 8, "\x00\x00", 2);           /* exponent1 */
    memcpy(p + 10, "\x01\x7f", 2);          /* exponent2 */
    memcpy(p + 12, "\x02\x01", 2);          /* coefficient */
    memcpy(p + 14, "\x05\x00\x00\x00", 4);  /* privateExponent */
    ret = certkey_rsa_blob_to_pkcs8(blob, sizeof(blob), &der, &len);
    ok(!ret, "certkey_rsa_blob_to_pkcs8: %lu\n", ret);
    ok(len == sizeof(expect) && der && !memcmp(der, expect, len), "PKCS#8 of the known blob differs (length %lu)\n", len);
    certkey_free_key(der, len);

    ret = certkey_rsa_blob_to_pkcs8(blob, sizeof(blob) - 1, &der, &len);
    ok(ret == (DWORD)NTE_BAD_KEY, "a truncated blob: expected NTE_BAD_KEY, got %08lx\n", ret);
}

/* A key made by a program the way CryptoAPI intends: its own container, CertCreateSelfSignCertificate,
 * and CERT_KEY_PROV_INFO_PROP_ID naming the container. */
struct made
{
    WCHAR container[64];
    DWORD keyset, spec;
    BYTE hash[20];
    BYTE pub[1200];
    DWORD pub_len;
    BOOL ok;
};

static void make_csp_cert(struct made *m, const WCHAR *container, DWORD keyset, DWORD spec, BOOL exportable,
                          const WCHAR *subject, const CRYPT_KEY_PROV_INFO *info_override)
{
    HCRYPTPROV prov;
    HCRYPTKEY key;
    CERT_NAME_BLOB name = { 0 };
    CRYPT_KEY_PROV_INFO info;
    PCCERT_CONTEXT self, stored;
    DWORD size = 0;

    memset(m, 0, sizeof(*m));
    lstrcpyW(m->container, container);
    m->keyset = keyset;
    m->spec = spec;
    CryptAcquireContextW(&prov, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, keyset | CRYPT_DELETEKEYSET);
    if (!CryptAcquireContextW(&prov, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, keyset | CRYPT_NEWKEYSET))
    {
        ok(0, "CryptAcquireContext(%ls, NEWKEYSET): %08lx\n", container, GetLastError());
        return;
    }
    if (!CryptGenKey(prov, spec, (2048 << 16) | (exportable ? CRYPT_EXPORTABLE : 0), &key))
    {
        ok(0, "CryptGenKey: %08lx\n", GetLastError());
        CryptReleaseContext(prov, 0);
        return;
    }
    m->pub_len = sizeof(m->pub);
    ok(CryptExportKey(key, 0, PUBLICKEYBLOB, 0, m->pub, &m->pub_len), "export the public key: %08lx\n", GetLastError());
    CryptDestroyKey(key);

    CertStrToNameW(X509_ASN_ENCODING, subject, CERT_X500_NAME_STR, NULL, NULL, &size, NULL);
    name.pbData = malloc(size);
    name.cbData = size;
    CertStrToNameW(X509_ASN_ENCODING, subject, CERT_X500_NAME_STR, NULL, name.pbData, &name.cbData, NULL);
    memset(&info, 0, sizeof(info));
    info.pwszContainerName = (WCHAR *)container;
    info.pwszProvName = (WCHAR *)MS_ENH_RSA_AES_PROV_W;
    info.dwProvType = PROV_RSA_AES;
    info.dwFlags = keyset;
    info.dwKeySpec = spec;
    self = CertCreateSelfSignCertificate(prov, &name, 0, &info, NULL, NULL, NULL, NULL);
    free(name.pbData);
    /* The key is written back to the registry when the context is released. */
    CryptReleaseContext(prov, 0);
    if (!self)
    {
        ok(0, "CertCreateSelfSignCertificate: %08lx\n", GetLastError());
        return;
    }
    stored = add_cert(L"MY", self->pbCertEncoded, self->cbCertEncoded, info_override ? info_override : &info);
    ok(stored != NULL, "add the certificate to LocalMachine\\MY: %08lx\n", GetLastError());
    certkey_thumbprint(self, m->hash);
    CertFreeCertificateContext(self);
    if (stored) CertFreeCertificateContext(stored);
    m->ok = stored != NULL;
}

static void drop_made(struct made *m)
{
    HCRYPTPROV prov;

    remove_cert(L"MY", m->hash);
    CryptAcquireContextW(&prov, m->container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, m->keyset | CRYPT_DELETEKEYSET);
}

static void test_csp_keys(void)
{
    struct made m, other;
    struct certkey ck;
    CRYPT_KEY_PROV_INFO info;
    DWORD ret;

    /* Machine keyset, key exchange, exportable: what certutil and well-behaved programs do. */
    make_csp_cert(&m, L"httpsys-test-machine", CRYPT_MACHINE_KEYSET, AT_KEYEXCHANGE, TRUE, L"CN=certkey machine", NULL);
    if (m.ok)
    {
        ret = certkey_check(NULL, m.hash);
        ok(ret == NO_ERROR, "machine container: certkey_check expected NO_ERROR, got %lu\n", ret);
        ret = certkey_check(L"my", m.hash);
        ok(ret == NO_ERROR, "store name \"my\" (case): expected NO_ERROR, got %lu\n", ret);
        ret = certkey_check(L"CA", m.hash);
        ok(ret == ERROR_FILE_NOT_FOUND, "in another store: expected ERROR_FILE_NOT_FOUND, got %lu\n", ret);
        ret = certkey_export(L"MY", m.hash, &ck);
        ok(ret == NO_ERROR, "certkey_export: %lu\n", ret);
        if (!ret)
        {
            ok(ck.cert && ck.cert_len > 100, "the certificate is exported\n");
            ok(ck.chain_count == 0 && !ck.chain && !ck.chain_len, "a self-signed certificate has no chain (%lu)\n", ck.chain_count);
            ok(ck.key && ck.key_len > 1000 && ck.key[0] == 0x30, "a PKCS#8 key is exported (%lu bytes)\n", ck.key_len);
            ok(der_has_modulus(ck.key, ck.key_len, m.pub, m.pub_len), "the exported key holds the certificate's modulus\n");
        }
        certkey_free(&ck);
        ok(!ck.key && !ck.cert, "certkey_free clears the structure\n");
    }

    /* Signature key in the user keyset. */
    make_csp_cert(&other, L"httpsys-test-sign", 0, AT_SIGNATURE, TRUE, L"CN=certkey signature", NULL);
    if (other.ok)
    {
        ret = certkey_check(NULL, other.hash);
        ok(ret == NO_ERROR, "user container, AT_SIGNATURE: expected NO_ERROR, got %lu\n", ret);
        ret = certkey_export(NULL, other.hash, &ck);
        ok(!ret && der_has_modulus(ck.key, ck.key_len, other.pub, other.pub_len), "AT_SIGNATURE key exported (%lu)\n", ret);
        certkey_free(&ck);
    }

    /* A reference like the one Wine's own PFX import records: spec 3, no keyset flag, the key in the
     * machine keyset.  Found by trying the other keyset and both specs. */
    if (m.ok)
    {
        struct made broken;

        memset(&info, 0, sizeof(info));
        info.pwszContainerName = (WCHAR *)L"httpsys-test-broken";
        info.pwszProvName = (WCHAR *)MS_ENHANCED_PROV_W;
        info.dwProvType = PROV_RSA_FULL;
        info.dwKeySpec = 3;
        make_csp_cert(&broken, L"httpsys-test-broken", CRYPT_MACHINE_KEYSET, AT_KEYEXCHANGE, TRUE, L"CN=certkey broken", &info);
        if (broken.ok)
        {
            ret = certkey_check(NULL, broken.hash);
            ok(ret == NO_ERROR, "a reference with dwKeySpec 3 and the wrong keyset: expected NO_ERROR, got %lu\n", ret);
        }
        drop_made(&broken);
    }

    /* A reference to a container that holds another certificate's key. */
    if (m.ok && other.ok)
    {
        struct made wrong;

        memset(&info, 0, sizeof(info));
        info.pwszContainerName = (WCHAR *)L"httpsys-test-machine";
        info.pwszProvName = (WCHAR *)MS_ENH_RSA_AES_PROV_W;
        info.dwProvType = PROV_RSA_AES;
        info.dwFlags = CRYPT_MACHINE_KEYSET;
        info.dwKeySpec = AT_KEYEXCHANGE;
        make_csp_cert(&wrong, L"httpsys-test-wrong", 0, AT_KEYEXCHANGE, TRUE, L"CN=certkey wrong key", &info);
        if (wrong.ok)
        {
            ret = certkey_check(NULL, wrong.hash);
            ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "another certificate's key: expected ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", ret);
        }
        drop_made(&wrong);
    }

    /* A key the service cannot export. */
    {
        struct made locked;

        make_csp_cert(&locked, L"httpsys-test-locked", CRYPT_MACHINE_KEYSET, AT_KEYEXCHANGE, FALSE, L"CN=certkey locked", NULL);
        if (locked.ok)
        {
            BYTE *key;
            DWORD len;
            BOOL not_exportable = FALSE;
            PCCERT_CONTEXT cert;
            HCERTSTORE store = certkey_open_store(NULL, TRUE, TRUE);
            CRYPT_HASH_BLOB blob = { 20, locked.hash };

            ret = certkey_check(NULL, locked.hash);
            ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "a non-exportable key: expected ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", ret);
            cert = store ? CertFindCertificateInStore(store, ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL) : NULL;
            if (cert)
            {
                ret = certkey_private_key(cert, &key, &len, NULL, &not_exportable);
                ok(ret == ERROR_NO_SUCH_LOGON_SESSION && not_exportable, "certkey_private_key says why (%lu, %d)\n", ret, not_exportable);
                CertFreeCertificateContext(cert);
            }
            if (store) CertCloseStore(store, 0);
        }
        drop_made(&locked);
    }

    /* The certificate without any key. */
    if (m.ok)
    {
        HCERTSTORE store = certkey_open_store(NULL, TRUE, TRUE);
        CRYPT_HASH_BLOB blob = { 20, m.hash };
        PCCERT_CONTEXT cert = store ? CertFindCertificateInStore(store, ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL) : NULL;
        PCCERT_CONTEXT bare = NULL;
        BYTE der[4096];
        DWORD len = 0;

        if (cert && cert->cbCertEncoded <= sizeof(der))
        {
            len = cert->cbCertEncoded;
            memcpy(der, cert->pbCertEncoded, len);
        }
        if (cert) CertFreeCertificateContext(cert);
        if (store) CertCloseStore(store, 0);
        if (len) bare = add_cert(L"MY", der, len, NULL);
        ok(bare != NULL, "re-add the certificate without a key\n");
        if (bare) CertFreeCertificateContext(bare);
        ret = certkey_check(NULL, m.hash);
        ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "no key: expected ERROR_NO_SUCH_LOGON_SESSION (1312), got %lu\n", ret);
        ret = certkey_export(NULL, m.hash, &ck);
        ok(ret == ERROR_NO_SUCH_LOGON_SESSION && !ck.key && !ck.cert, "export without a key: expected ERROR_NO_SUCH_LOGON_SESSION, got %lu\n", ret);
    }
    drop_made(&m);
    drop_made(&other);
}

static void test_stored_ec_key(void)
{
    PCCERT_CONTEXT cert;
    struct certkey ck;
    BYTE hash[20];
    DWORD ret;

    cert = add_cert(L"MY", ec_cert, sizeof(ec_cert), NULL);
    ok(cert != NULL, "add the EC certificate: %08lx\n", GetLastError());
    if (!cert) return;
    certkey_thumbprint(cert, hash);

    ret = certkey_verify_pkcs8(cert, ec_key, sizeof(ec_key));
    ok(ret == NO_ERROR, "the EC key is the certificate's: got %08lx\n", ret);
    ret = certkey_verify_pkcs8(cert, ec_other_key, sizeof(ec_other_key));
    ok(ret == (DWORD)NTE_BAD_KEY, "another EC key is not: expected NTE_BAD_KEY, got %08lx\n", ret);
    ret = certkey_verify_pkcs8(cert, ec_key, sizeof(ec_key) - 5);
    ok(ret == (DWORD)CRYPT_E_ASN1_BADTAG, "a truncated key: expected CRYPT_E_ASN1_BADTAG, got %08lx\n", ret);

    ret = certkey_check(NULL, hash);
    ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "EC certificate before its key is stored: expected 1312, got %lu\n", ret);
    ret = certkey_store_key(cert, ec_other_key, sizeof(ec_other_key));
    ok(ret == (DWORD)NTE_BAD_KEY, "storing another certificate's key: expected NTE_BAD_KEY, got %08lx\n", ret);
    ret = certkey_store_key(cert, ec_key, sizeof(ec_key));
    ok(ret == NO_ERROR, "certkey_store_key: %08lx\n", ret);
    ret = certkey_check(NULL, hash);
    ok(ret == NO_ERROR, "EC certificate with its stored key: expected NO_ERROR, got %lu\n", ret);
    ret = certkey_export(NULL, hash, &ck);
    ok(ret == NO_ERROR && ck.key_len == sizeof(ec_key) && !memcmp(ck.key, ec_key, sizeof(ec_key)),
       "the stored EC key comes back unchanged (%lu)\n", ret);
    ok(ck.cert_len == sizeof(ec_cert) && !memcmp(ck.cert, ec_cert, sizeof(ec_cert)), "and the certificate too\n");
    certkey_free(&ck);

    ret = certkey_forget_key(hash);
    ok(ret == NO_ERROR, "certkey_forget_key: %lu\n", ret);
    ret = certkey_check(NULL, hash);
    ok(ret == ERROR_NO_SUCH_LOGON_SESSION, "after certkey_forget_key: expected 1312, got %lu\n", ret);
    CertFreeCertificateContext(cert);
    remove_cert(L"MY", hash);
}

/* ------------------------------------------------------------------------------------------------
 * The steps test_certutil.py runs. */

static int command(int argc, char **argv)
{
    const char *cmd = argv[2];
    BYTE hash[20];
    DWORD ret, len, key_len;
    BYTE *data, *key;

    if (!strcmp(cmd, "check") && argc == 5 && parse_hash(argv[4], hash))
    {
        printf("CHECK %lu\n", certkey_check(wide(argv[3]), hash));
        return 0;
    }
    if (!strcmp(cmd, "export") && argc == 6 && parse_hash(argv[4], hash))
    {
        struct certkey ck;
        char path[600];

        ret = certkey_export(wide(argv[3]), hash, &ck);
        if (!ret)
        {
            snprintf(path, sizeof(path), "%s-cert.der", argv[5]);
            if (!write_file(path, ck.cert, ck.cert_len)) ret = GetLastError();
            snprintf(path, sizeof(path), "%s-chain.der", argv[5]);
            if (!write_file(path, ck.chain, ck.chain_len)) ret = GetLastError();
            snprintf(path, sizeof(path), "%s-key.der", argv[5]);
            if (!write_file(path, ck.key, ck.key_len)) ret = GetLastError();
        }
        printf("EXPORT %lu %lu\n", ret, ck.chain_count);
        certkey_free(&ck);
        return 0;
    }
    if (!strcmp(cmd, "addcert") && argc == 5 && (data = read_file(argv[4], &len)))
    {
        PCCERT_CONTEXT cert = add_cert(wide(argv[3]), data, len, NULL);
        printf("ADDCERT %lu\n", cert ? 0 : GetLastError());
        if (cert) CertFreeCertificateContext(cert);
        return 0;
    }
    if (!strcmp(cmd, "storekey") && argc == 6 && (data = read_file(argv[4], &len)) &&
        (key = read_file(argv[5], &key_len)))
    {
        PCCERT_CONTEXT cert = add_cert(wide(argv[3]), data, len, NULL);
        ret = cert ? certkey_store_key(cert, key, key_len) : GetLastError();
        printf("STOREKEY %lu\n", ret);
        if (cert) CertFreeCertificateContext(cert);
        return 0;
    }
    if (!strcmp(cmd, "wineimport") && argc == 6 && (data = read_file(argv[4], &len)))
    {
        CRYPT_DATA_BLOB pfx = { len, data };
        HCERTSTORE tmp = PFXImportCertStore(&pfx, wide(argv[5]), CRYPT_EXPORTABLE);
        HCERTSTORE store = certkey_open_store(wide(argv[3]), FALSE, FALSE);
        PCCERT_CONTEXT cert = NULL;
        DWORD count = 0;

        ret = tmp && store ? NO_ERROR : GetLastError();
        while (!ret && (cert = CertEnumCertificatesInStore(tmp, cert)))
        {
            if (CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) count++;
            else ret = GetLastError();
        }
        if (cert) CertFreeCertificateContext(cert);
        if (store)
        {
            CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
            CertCloseStore(store, 0);
        }
        if (tmp) CertCloseStore(tmp, 0);
        printf("WINEIMPORT %lu %lu\n", ret ? ret : (tmp ? 0 : 1), count);
        return 0;
    }
    if (!strcmp(cmd, "acquire") && argc == 5 && parse_hash(argv[4], hash))
    {
        HCERTSTORE store = certkey_open_store(wide(argv[3]), TRUE, TRUE);
        CRYPT_HASH_BLOB blob = { 20, hash };
        PCCERT_CONTEXT cert = store ? CertFindCertificateInStore(store, ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL) : NULL;
        HCRYPTPROV_OR_NCRYPT_KEY_HANDLE prov;
        DWORD spec = 0;
        BOOL free_prov;

        ret = ERROR_FILE_NOT_FOUND;
        if (cert)
        {
            ret = CryptAcquireCertificatePrivateKey(cert, 0, NULL, &prov, &spec, &free_prov) ? 0 : GetLastError();
            if (!ret)
            {
                HCRYPTKEY k;
                if (!CryptGetUserKey(prov, spec, &k)) ret = GetLastError();
                else CryptDestroyKey(k);
                if (free_prov) CryptReleaseContext(prov, 0);
            }
            CertFreeCertificateContext(cert);
        }
        if (store) CertCloseStore(store, 0);
        printf("ACQUIRE %lu %lu\n", ret, spec);
        return 0;
    }
    if (!strcmp(cmd, "remove") && argc == 5 && parse_hash(argv[4], hash))
    {
        printf("REMOVE %lu\n", remove_cert(wide(argv[3]), hash));
        return 0;
    }
    if (!strcmp(cmd, "dropcontainer") && argc == 4)
    {
        HCRYPTPROV prov;
        ret = CryptAcquireContextW(&prov, wide(argv[3]), MS_ENHANCED_PROV_W, PROV_RSA_FULL, CRYPT_DELETEKEYSET) ? 0 : GetLastError();
        printf("DROPCONTAINER %lu\n", ret);
        return 0;
    }
    printf("usage: certkey.exe PORT [check|export|addcert|storekey|wineimport|acquire|remove|dropcontainer ...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    test_init("certkey");
    test_port(argc, argv);
    if (argc > 2) return command(argc, argv);

    test_not_found();
    test_pkcs8_encoder();
    test_csp_keys();
    test_stored_ec_key();
    return test_report();
}

/*
 * certutil.exe: the verbs of Windows' certutil that an HTTPS server needs, on the prefix's machine
 * certificate stores:
 *
 *   certutil [-f] [-p Password] -importPFX [CertificateStoreName] PFXFile [Modifiers]
 *   certutil -store [CertificateStoreName [CertId]]
 *   certutil -delstore CertificateStoreName CertId
 *
 * Output and exit codes follow Windows' certutil: "CertUtil: -<verb> command completed successfully."
 * and exit code 0, or "CertUtil: -<verb> command FAILED: 0x<hresult> (<detail>)" followed by the
 * error's text, and the HRESULT as exit code (a Unix parent sees its low 8 bits).
 *
 * Where the keys go, and why, is described in importpfx.c and dlls/httpapi/certkey.c; certutil links
 * certkey.c so that it stores keys exactly where the HTTP service looks for them.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "certutil.h"

/* ------------------------------------------------------------------------------------------------
 * Output */

static void write_text(HANDLE handle, FILE *file, const WCHAR *text, int len)
{
    char small[4096], *buf = small;
    UINT cp = GetConsoleOutputCP();
    int n = WideCharToMultiByte(cp, 0, text, len, NULL, 0, NULL, NULL);

    (void)handle;
    if (n <= 0) return;
    if (n > (int)sizeof(small) && !(buf = malloc(n))) return;
    WideCharToMultiByte(cp, 0, text, len, buf, n, NULL, NULL);
    fwrite(buf, 1, n, file);
    fflush(file);
    if (buf != small) free(buf);
}

static void vout(FILE *file, const WCHAR *fmt, va_list ap)
{
    WCHAR small[1024], *buf = small;
    va_list copy;
    int len;

    va_copy(copy, ap);
    len = _vscwprintf(fmt, copy);
    va_end(copy);
    if (len < 0) return;
    if (len >= (int)ARRAY_SIZE(small) && !(buf = malloc((len + 1) * sizeof(WCHAR)))) return;
    _vsnwprintf(buf, len + 1, fmt, ap);
    buf[len] = 0;
    write_text(NULL, file, buf, len);
    if (buf != small) free(buf);
}

void out(const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vout(stdout, fmt, ap);
    va_end(ap);
}

void err_out(const WCHAR *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vout(stderr, fmt, ap);
    va_end(ap);
}

void hex_string(const BYTE *data, DWORD len, BOOL reverse, WCHAR *text)
{
    static const WCHAR digits[] = L"0123456789abcdef";
    DWORD i;

    for (i = 0; i < len; i++)
    {
        BYTE b = data[reverse ? len - 1 - i : i];
        text[2 * i] = digits[b >> 4];
        text[2 * i + 1] = digits[b & 15];
    }
    text[2 * len] = 0;
}

/* ------------------------------------------------------------------------------------------------
 * Errors, as Windows' certutil names them. */

struct error_name
{
    HRESULT hr;
    const WCHAR *name;
    const WCHAR *text;
};

static const struct error_name error_names[] =
{
    { HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), L"ERROR_FILE_NOT_FOUND", L"The system cannot find the file specified." },
    { HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), L"ERROR_PATH_NOT_FOUND", L"The system cannot find the path specified." },
    { HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), L"ERROR_ACCESS_DENIED", L"Access is denied." },
    { HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY), L"ERROR_NOT_ENOUGH_MEMORY", L"Not enough memory resources are available to process this command." },
    { HRESULT_FROM_WIN32(ERROR_OUTOFMEMORY), L"ERROR_OUTOFMEMORY", L"Not enough memory resources are available to complete this operation." },
    { HRESULT_FROM_WIN32(ERROR_INVALID_DATA), L"ERROR_INVALID_DATA", L"The data is invalid." },
    { HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION), L"ERROR_SHARING_VIOLATION", L"The process cannot access the file because it is being used by another process." },
    { HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED), L"ERROR_NOT_SUPPORTED", L"The request is not supported." },
    { HRESULT_FROM_WIN32(ERROR_INVALID_PASSWORD), L"ERROR_INVALID_PASSWORD", L"The specified network password is not correct." },
    { HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER), L"ERROR_INVALID_PARAMETER", L"The parameter is incorrect." },
    { HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE), L"ERROR_FILE_TOO_LARGE", L"The file size exceeds the limit allowed and cannot be saved." },
    { HRESULT_FROM_WIN32(ERROR_NO_SUCH_LOGON_SESSION), L"ERROR_NO_SUCH_LOGON_SESSION", L"A specified logon session does not exist. It may already have been terminated." },
    { CRYPT_E_NOT_FOUND, L"CRYPT_E_NOT_FOUND", L"Cannot find object or property." },
    { CRYPT_E_EXISTS, L"CRYPT_E_EXISTS", L"The object or property already exists." },
    { CRYPT_E_ASN1_BADTAG, L"CRYPT_E_ASN1_BADTAG", L"ASN1 bad tag value met." },
    { NTE_BAD_KEY, L"NTE_BAD_KEY", L"Bad Key." },
    { NTE_BAD_KEY_STATE, L"NTE_BAD_KEY_STATE", L"Key not valid for use in specified state." },
    { NTE_BAD_ALGID, L"NTE_BAD_ALGID", L"Invalid algorithm specified." },
    { NTE_BAD_KEYSET, L"NTE_BAD_KEYSET", L"Keyset does not exist" },
    { NTE_NO_KEY, L"NTE_NO_KEY", L"Key does not exist." },
    { NTE_EXISTS, L"NTE_EXISTS", L"Object already exists." },
    { E_OUTOFMEMORY, L"E_OUTOFMEMORY", L"Ran out of memory" },
};

static void report_failure(const WCHAR *verb, HRESULT hr)
{
    const struct error_name *e = NULL;
    WCHAR text[512];
    unsigned int i;
    DWORD n;

    for (i = 0; i < ARRAY_SIZE(error_names); i++)
        if (error_names[i].hr == hr) e = &error_names[i];
    if (HRESULT_FACILITY(hr) == FACILITY_WIN32)
    {
        if (e) out(L"CertUtil: %ls command FAILED: 0x%08lx (WIN32: %lu %ls)\n", verb, (ULONG)hr, (ULONG)HRESULT_CODE(hr), e->name);
        else out(L"CertUtil: %ls command FAILED: 0x%08lx (WIN32: %lu)\n", verb, (ULONG)hr, (ULONG)HRESULT_CODE(hr));
    }
    else if (e) out(L"CertUtil: %ls command FAILED: 0x%08lx (%ld %ls)\n", verb, (ULONG)hr, (LONG)hr, e->name);
    else out(L"CertUtil: %ls command FAILED: 0x%08lx (%ld)\n", verb, (ULONG)hr, (LONG)hr);

    if (e)
    {
        out(L"CertUtil: %ls\n", e->text);
        return;
    }
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, hr, 0, text,
                       ARRAY_SIZE(text), NULL);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ')) n--;
    text[n] = 0;
    if (n) out(L"CertUtil: %ls\n", text);
}

/* ------------------------------------------------------------------------------------------------
 * Usage */

struct verb
{
    const WCHAR *name;      /* as Windows' certutil spells it in its messages */
    const WCHAR *summary;
    const WCHAR *usage;
    HRESULT (*run)(const struct options *opts, int argc, WCHAR **argv);
};

static const struct verb verbs[] =
{
    { L"-importPFX", L"Import certificate and private key",
      L"  CertUtil [Options] -importPFX [CertificateStoreName] PFXFile [Modifiers]\n"
      L"  Import certificate and private key\n"
      L"    CertificateStoreName -- Certificate store name.  See -store.\n"
      L"    PFXFile -- PFX file to import\n"
      L"    Modifiers -- Comma separated list of one or more of the following:\n"
      L"        AT_SIGNATURE -- Change the KeySpec to Signature\n"
      L"        AT_KEYEXCHANGE -- Change the KeySpec to Key Exchange\n"
      L"        NoExport -- Make the private key non-exportable\n"
      L"        NoChain -- Do not import the certificate chain\n"
      L"        NoRoot -- Do not import the root certificate\n"
      L"\n"
      L"  Defaults to personal machine store.\n"
      L"\n"
      L"Options:\n"
      L"  -f                -- Force overwrite\n"
      L"  -p Password       -- Password\n",
      verb_importpfx },
    { L"-store", L"Dump certificate store",
      L"  CertUtil [Options] -store [CertificateStoreName [CertId]]\n"
      L"  Dump certificate store\n"
      L"    CertificateStoreName -- Certificate store name.  Examples:\n"
      L"        \"My\" (default), \"CA\", \"Root\",\n"
      L"    CertId -- Certificate or CRL match token.  This can be an index (0, 1, ...),\n"
      L"        a serial number or a SHA-1 certificate hash (thumbprint).\n"
      L"\n"
      L"  Only the local machine's stores are available here.\n",
      verb_store },
    { L"-delstore", L"Delete certificate from store",
      L"  CertUtil [Options] -delstore CertificateStoreName CertId\n"
      L"  Delete certificate from store\n"
      L"    CertificateStoreName -- Certificate store name.  See -store.\n"
      L"    CertId -- Certificate or CRL match token.  See -store.\n"
      L"\n"
      L"  The private key certutil -importPFX stored with the certificate is deleted too.\n",
      verb_delstore },
};

static void usage_verb(const struct verb *v)
{
    out(L"Usage:\n%ls\n", v->usage);
}

static void usage_all(void)
{
    unsigned int i;

    out(L"Verbs:\n");
    for (i = 0; i < ARRAY_SIZE(verbs); i++) out(L"  %-17ls -- %ls\n", verbs[i].name, verbs[i].summary);
    out(L"\n");
    out(L"CertUtil -?              -- Display a verb list (command list)\n");
    out(L"CertUtil -importPFX -?   -- Display help text for the \"importPFX\" verb\n");
    out(L"\n");
    out(L"Options:\n");
    out(L"  -f                -- Force overwrite\n");
    out(L"  -p Password       -- Password\n");
}

/* ------------------------------------------------------------------------------------------------
 * Shared by the verbs */

CRYPT_KEY_PROV_INFO *get_prov_info(PCCERT_CONTEXT cert)
{
    CRYPT_KEY_PROV_INFO *info;
    DWORD size = 0;

    if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size)) return NULL;
    if (!(info = HeapAlloc(GetProcessHeap(), 0, size))) return NULL;
    if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, info, &size))
    {
        HeapFree(GetProcessHeap(), 0, info);
        return NULL;
    }
    return info;
}

void delete_own_key(const BYTE hash[20])
{
    WCHAR name[CERTKEY_CONTAINER_CHARS];
    HCRYPTPROV prov;

    certkey_container_name(hash, name);
    CryptAcquireContextW(&prov, name, CERTKEY_PROVIDER, CERTKEY_PROVIDER_TYPE, CRYPT_MACHINE_KEYSET | CRYPT_DELETEKEYSET);
    CryptAcquireContextW(&prov, name, CERTKEY_PROVIDER, CERTKEY_PROVIDER_TYPE, CRYPT_DELETEKEYSET);
    certkey_forget_key(hash);
}

static const WCHAR *store_display_name(const WCHAR *name)
{
    static const struct { const WCHAR *name, *display; } names[] =
    {
        { L"My", L"Personal" },
        { L"Root", L"Trusted Root Certification Authorities" },
        { L"CA", L"Intermediate Certification Authorities" },
        { L"Trust", L"Enterprise Trust" },
        { L"AuthRoot", L"Third-Party Root Certification Authorities" },
        { L"TrustedPeople", L"Trusted People" },
        { L"TrustedPublisher", L"Trusted Publishers" },
        { L"Disallowed", L"Untrusted Certificates" },
        { L"WebHosting", L"Web Hosting" },
        { L"AddressBook", L"Other People" },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(names); i++)
        if (!lstrcmpiW(name, names[i].name)) return names[i].display;
    return CryptFindLocalizedName(name);
}

static void print_store_header(const WCHAR *name)
{
    const WCHAR *display = store_display_name(name);

    if (display) out(L"%ls \"%ls\"\n", name, display);
    else out(L"%ls\n", name);
}

/* CertId: an index, a SHA-1 thumbprint or a serial number (hex; spaces ignored). */
static BOOL cert_matches(PCCERT_CONTEXT cert, int index, const WCHAR *id)
{
    WCHAR clean[128], hex[128];
    BYTE hash[20];
    const WCHAR *p;
    DWORD n = 0, i;
    BOOL digits = TRUE;

    if (!id) return TRUE;
    for (p = id; *p && n < ARRAY_SIZE(clean) - 1; p++)
    {
        if (*p == ' ') continue;
        clean[n++] = towlower(*p);
        if (*p < '0' || *p > '9') digits = FALSE;
    }
    clean[n] = 0;
    if (!n) return FALSE;
    if (digits && n <= 6 && _wtoi(clean) == index) return TRUE;
    if (n == 40 && certkey_thumbprint(cert, hash))
    {
        hex_string(hash, 20, FALSE, hex);
        if (!wcscmp(hex, clean)) return TRUE;
    }
    i = cert->pCertInfo->SerialNumber.cbData;
    if (i && i <= 60 && n == 2 * i)
    {
        hex_string(cert->pCertInfo->SerialNumber.pbData, i, TRUE, hex);
        if (!wcscmp(hex, clean)) return TRUE;
    }
    return FALSE;
}

/* ------------------------------------------------------------------------------------------------
 * -store */

static void print_name(const WCHAR *label, CERT_NAME_BLOB *name)
{
    DWORD flags = CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG;
    DWORD n = CertNameToStrW(X509_ASN_ENCODING, name, flags, NULL, 0);
    WCHAR *buf;

    if (n && (buf = HeapAlloc(GetProcessHeap(), 0, n * sizeof(WCHAR))))
    {
        CertNameToStrW(X509_ASN_ENCODING, name, flags, buf, n);
        out(L"%ls: %ls\n", label, buf);
        HeapFree(GetProcessHeap(), 0, buf);
    }
    else out(L"%ls: \n", label);
}

static void print_time(const WCHAR *label, const FILETIME *ft)
{
    SYSTEMTIME utc, local;
    WCHAR date[64], time[64];

    if (!FileTimeToSystemTime(ft, &utc) || !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local)) local = utc;
    if (!GetDateFormatW(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &local, NULL, date, ARRAY_SIZE(date))) date[0] = 0;
    if (!GetTimeFormatW(LOCALE_USER_DEFAULT, TIME_NOSECONDS, &local, NULL, time, ARRAY_SIZE(time))) time[0] = 0;
    out(L" %ls: %ls %ls\n", label, date, time);
}

/* The encryption (AT_KEYEXCHANGE) or signature test Windows' certutil runs on a CSP key: the
 * certificate's public key and the container's private key must be two halves of one pair. */
static BOOL csp_key_test(HCRYPTPROV prov, HCRYPTKEY key, DWORD spec, PCCERT_CONTEXT cert)
{
    static const BYTE plain[] = "certutil key test";
    HCRYPTKEY pub;
    HCRYPTHASH hash;
    BYTE buf[1024], sig[1024];
    DWORD len = sizeof(plain), sig_len = sizeof(sig);
    BOOL ok = FALSE;

    if (!CryptImportPublicKeyInfo(prov, X509_ASN_ENCODING, &cert->pCertInfo->SubjectPublicKeyInfo, &pub)) return FALSE;
    if (spec == AT_KEYEXCHANGE)
    {
        memcpy(buf, plain, len);
        if (CryptEncrypt(pub, 0, TRUE, 0, buf, &len, sizeof(buf)) && CryptDecrypt(key, 0, TRUE, 0, buf, &len))
            ok = len == sizeof(plain) && !memcmp(buf, plain, len);
    }
    else if (CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash))
    {
        if (CryptHashData(hash, plain, sizeof(plain), 0) && CryptSignHashW(hash, spec, NULL, 0, sig, &sig_len))
            ok = CryptVerifySignatureW(hash, sig, sig_len, pub, NULL, 0);
        CryptDestroyHash(hash);
    }
    CryptDestroyKey(pub);
    return ok;
}

/* The key lines for a CSP key: the container, and whether its key is there and the certificate's.
 * Keysets and specs are tried as certkey.c does, since Wine's own PFX import records wrong ones. */
static void print_csp_key(PCCERT_CONTEXT cert, const CRYPT_KEY_PROV_INFO *info)
{
    DWORD keysets[2], specs[2], k, s, n;
    BOOL found_any = FALSE, unique_done = FALSE;
    HCRYPTPROV prov;
    HCRYPTKEY key;
    char unique[512];

    out(L"  Key Container = %ls\n", info->pwszContainerName ? info->pwszContainerName : L"");
    keysets[0] = info->dwFlags & CRYPT_MACHINE_KEYSET;
    keysets[1] = keysets[0] ^ CRYPT_MACHINE_KEYSET;
    specs[0] = info->dwKeySpec == AT_SIGNATURE ? AT_SIGNATURE : AT_KEYEXCHANGE;
    specs[1] = specs[0] == AT_SIGNATURE ? AT_KEYEXCHANGE : AT_SIGNATURE;
    for (k = 0; k < 2; k++)
    {
        if (!CryptAcquireContextW(&prov, info->pwszContainerName, info->pwszProvName, info->dwProvType,
                                  keysets[k] | CRYPT_SILENT))
            continue;
        if (!unique_done)
        {
            n = sizeof(unique);
            if (CryptGetProvParam(prov, PP_UNIQUE_CONTAINER, (BYTE *)unique, &n, 0) && n && unique[0])
                out(L"  Unique container name: %hs\n", unique);
            out(L"  Provider = %ls\n", info->pwszProvName ? info->pwszProvName : L"");
            unique_done = TRUE;
        }
        for (s = 0; s < 2; s++)
        {
            BYTE *blob;
            DWORD len = 0;
            BOOL exportable;

            if (!CryptGetUserKey(prov, specs[s], &key)) continue;
            found_any = TRUE;
            n = 0;
            if (CryptExportKey(key, 0, PUBLICKEYBLOB, 0, NULL, &n) && (blob = HeapAlloc(GetProcessHeap(), 0, n)))
            {
                BOOL match = CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &n) && certkey_rsa_blob_matches(cert, blob, n);
                HeapFree(GetProcessHeap(), 0, blob);
                if (match)
                {
                    exportable = CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, NULL, &len);
                    if (!exportable) out(L"Private key is NOT exportable\n");
                    if (csp_key_test(prov, key, specs[s], cert))
                        out(specs[s] == AT_KEYEXCHANGE ? L"Encryption test passed\n" : L"Signature test passed\n");
                    else
                        out(specs[s] == AT_KEYEXCHANGE ? L"Encryption test FAILED\n" : L"Signature test FAILED\n");
                    CryptDestroyKey(key);
                    CryptReleaseContext(prov, 0);
                    return;
                }
            }
            CryptDestroyKey(key);
        }
        CryptReleaseContext(prov, 0);
    }
    if (!unique_done) out(L"  Provider = %ls\n", info->pwszProvName ? info->pwszProvName : L"");
    if (found_any) out(specs[0] == AT_KEYEXCHANGE ? L"Encryption test FAILED\n" : L"Signature test FAILED\n");
    else out(L"Missing stored keyset\n");
}

static BOOL is_p256(PCCERT_CONTEXT cert)
{
    static const BYTE p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
    const CRYPT_OBJID_BLOB *params = &cert->pCertInfo->SubjectPublicKeyInfo.Algorithm.Parameters;

    return params->cbData == sizeof(p256) && !memcmp(params->pbData, p256, sizeof(p256));
}

static void print_key(PCCERT_CONTEXT cert)
{
    CRYPT_KEY_PROV_INFO *info = get_prov_info(cert);
    enum certkey_source source;
    const char *alg = cert->pCertInfo->SubjectPublicKeyInfo.Algorithm.pszObjId;
    BOOL rsa = alg && !strcmp(alg, szOID_RSA_RSA);
    WCHAR hex[41];
    BYTE hash[20], *key;
    DWORD len;

    if (info && info->dwProvType)
    {
        print_csp_key(cert, info);
        HeapFree(GetProcessHeap(), 0, info);
        return;
    }
    if (!certkey_private_key(cert, &key, &len, &source, NULL))
    {
        certkey_free_key(key, len);
        if (source == CERTKEY_SRC_STORED && certkey_thumbprint(cert, hash))
        {
            hex_string(hash, 20, FALSE, hex);
            out(L"  Key Container = HKEY_LOCAL_MACHINE\\%ls\\%ls\n", CERTKEY_STORED_KEYS, hex);
            out(L"  Provider = httpsys (key kept with the certificate by certutil)\n");
        }
        else if (info)
        {
            out(L"  Key Container = %ls\n", info->pwszContainerName ? info->pwszContainerName : L"");
            out(L"  Provider = %ls\n", info->pwszProvName ? info->pwszProvName : L"");
        }
        /* certkey_private_key has checked the pair: the public half for RSA; a signature for P-256
         * keys, the public key the private key carries for the curves Wine's bcrypt cannot sign with. */
        if (rsa) out(L"Encryption test passed\n");
        else if (is_p256(cert)) out(L"Signature test passed\n");
        else out(L"Private key matches the certificate's public key\n");
    }
    else if (info)
    {
        out(L"  Key Container = %ls\n", info->pwszContainerName ? info->pwszContainerName : L"");
        out(L"  Provider = %ls\n", info->pwszProvName ? info->pwszProvName : L"");
        out(L"Missing stored keyset\n");
    }
    else
    {
        out(L"No key provider information\n");
        out(L"Cannot find the certificate and private key for decryption.\n");
    }
    HeapFree(GetProcessHeap(), 0, info);
}

static void print_cert(PCCERT_CONTEXT cert, int index)
{
    const CERT_INFO *ci = cert->pCertInfo;
    WCHAR hex[130];
    BYTE hash[20];

    out(L"================ Certificate %d ================\n", index);
    if (ci->SerialNumber.cbData <= 64) hex_string(ci->SerialNumber.pbData, ci->SerialNumber.cbData, TRUE, hex);
    else hex[0] = 0;
    out(L"Serial Number: %ls\n", hex);
    print_name(L"Issuer", (CERT_NAME_BLOB *)&ci->Issuer);
    print_time(L"NotBefore", &ci->NotBefore);
    print_time(L"NotAfter", &ci->NotAfter);
    print_name(L"Subject", (CERT_NAME_BLOB *)&ci->Subject);
    if (CertCompareCertificateName(X509_ASN_ENCODING, (CERT_NAME_BLOB *)&ci->Subject, (CERT_NAME_BLOB *)&ci->Issuer))
    {
        if (CryptVerifyCertificateSignatureEx(0, X509_ASN_ENCODING, CRYPT_VERIFY_CERT_SIGN_SUBJECT_CERT, (void *)cert,
                                              CRYPT_VERIFY_CERT_SIGN_ISSUER_CERT, (void *)cert, 0, NULL))
            out(L"Signature matches Public Key\n");
        out(L"Root Certificate: Subject matches Issuer\n");
    }
    else out(L"Non-root Certificate\n");
    if (certkey_thumbprint(cert, hash))
    {
        hex_string(hash, 20, FALSE, hex);
        out(L"Cert Hash(sha1): %ls\n", hex);
    }
    print_key(cert);
}

HRESULT verb_store(const struct options *opts, int argc, WCHAR **argv)
{
    const WCHAR *name = argc > 0 ? argv[0] : L"My", *id = argc > 1 ? argv[1] : NULL;
    PCCERT_CONTEXT cert = NULL;
    HCERTSTORE store;
    int index = 0, shown = 0;

    (void)opts;
    if (argc > 2) return HR_INVALID_ARG;
    if (!(store = certkey_open_store(name, TRUE, TRUE))) return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    print_store_header(name);
    while ((cert = CertEnumCertificatesInStore(store, cert)))
    {
        if (cert_matches(cert, index, id))
        {
            if (shown++) out(L"\n");
            print_cert(cert, index);
        }
        index++;
    }
    CertCloseStore(store, 0);
    if (id && !shown) return CRYPT_E_NOT_FOUND;
    return S_OK;
}

/* ------------------------------------------------------------------------------------------------
 * -delstore */

HRESULT verb_delstore(const struct options *opts, int argc, WCHAR **argv)
{
    PCCERT_CONTEXT cert = NULL, victims[256];
    HCERTSTORE store;
    HRESULT hr = S_OK;
    BYTE hash[20];
    int index = 0, count = 0, indexes[256], i;

    (void)opts;
    if (argc != 2) return HR_INVALID_ARG;
    if (!(store = certkey_open_store(argv[0], TRUE, FALSE))) return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    print_store_header(argv[0]);
    /* Collect first: deleting while enumerating would skip certificates. */
    while ((cert = CertEnumCertificatesInStore(store, cert)))
    {
        if (count < (int)ARRAY_SIZE(victims) && cert_matches(cert, index, argv[1]))
        {
            victims[count] = CertDuplicateCertificateContext(cert);
            indexes[count++] = index;
        }
        index++;
    }
    for (i = 0; i < count; i++)
    {
        BOOL have_hash = certkey_thumbprint(victims[i], hash);

        out(L"Deleting Certificate %d\n", indexes[i]);
        /* CertDeleteCertificateFromStore frees the context it is given. */
        if (!CertDeleteCertificateFromStore(victims[i]))
        {
            if (hr == S_OK) hr = HRESULT_FROM_WIN32(GetLastError());
            continue;
        }
        if (have_hash) delete_own_key(hash);
    }
    /* Wine 8.0 writes a deletion back to the registry only when asked to. */
    if (count && !CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL) && hr == S_OK)
        hr = HRESULT_FROM_WIN32(GetLastError());
    CertCloseStore(store, 0);
    if (!count) return CRYPT_E_NOT_FOUND;
    return hr;
}

/* ------------------------------------------------------------------------------------------------
 * The command line */

static BOOL is_help(const WCHAR *arg)
{
    return !wcscmp(arg, L"-?") || !wcscmp(arg, L"/?") || !lstrcmpiW(arg, L"-help") || !lstrcmpiW(arg, L"/help");
}

/* A "-word" or "/word" (a path such as /tmp/x.pfx is only an option if it names one). */
static const WCHAR *option_word(const WCHAR *arg)
{
    if ((arg[0] == '-' || arg[0] == '/') && arg[1]) return arg + 1;
    return NULL;
}

static const struct verb *find_verb(const WCHAR *word)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(verbs); i++)
        if (!lstrcmpiW(word, verbs[i].name + 1)) return &verbs[i];
    return NULL;
}

int __cdecl wmain(int argc, WCHAR **argv)
{
    struct options opts = { FALSE, NULL };
    const struct verb *verb = NULL;
    WCHAR **args;
    int nargs = 0, i;
    BOOL help = FALSE;
    HRESULT hr;

    if (!(args = calloc(argc + 1, sizeof(*args)))) return E_OUTOFMEMORY;
    for (i = 1; i < argc; i++)
    {
        const WCHAR *word = option_word(argv[i]);

        if (is_help(argv[i])) help = TRUE;
        else if (word && !lstrcmpiW(word, L"f")) opts.force = TRUE;
        else if (word && !lstrcmpiW(word, L"p"))
        {
            if (i + 1 >= argc)
            {
                out(L"CertUtil: Missing argument: %ls\n", argv[i]);
                free(args);
                return HR_INVALID_ARG;
            }
            opts.password = argv[++i];
        }
        else if (word && find_verb(word))
        {
            if (verb)
            {
                out(L"CertUtil: Unknown arg: %ls\n", argv[i]);
                free(args);
                return HR_INVALID_ARG;
            }
            verb = find_verb(word);
        }
        else if (word && argv[i][0] == '-')
        {
            out(L"CertUtil: Unknown arg: %ls\n", argv[i]);
            out(L"CertUtil -? -- Display a verb list (command list)\n");
            free(args);
            return HR_INVALID_ARG;
        }
        else args[nargs++] = argv[i];
    }

    if (!verb)
    {
        usage_all();
        hr = S_OK;
        if (nargs)
        {
            out(L"CertUtil: Unknown arg: %ls\n", args[0]);
            hr = HR_INVALID_ARG;
        }
        free(args);
        return hr;
    }
    if (help)
    {
        usage_verb(verb);
        free(args);
        return 0;
    }
    hr = verb->run(&opts, nargs, args);
    if (hr == HR_INVALID_ARG) usage_verb(verb);
    if (FAILED(hr)) report_failure(verb->name, hr);
    else out(L"CertUtil: %ls command completed successfully.\n", verb->name);
    free(args);
    return hr;
}

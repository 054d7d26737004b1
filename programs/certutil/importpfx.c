/*
 * certutil -importPFX: a PFX's certificates into LocalMachine\<store>, with a private key that
 * works.
 *
 * What Wine 8.0 gives, measured (see also dlls/httpapi/certkey.c):
 *  - PFXImportCertStore reads PFX files made by OpenSSL 3 (modern and -legacy) with RSA keys, but
 *    records a broken key reference (CERT_KEY_PROV_INFO_PROP_ID: dwKeySpec 3, dwFlags 0), puts the
 *    key in the user's default key container (named after the user, e.g. "root": every import
 *    overwrites the previous one), loses it altogether with CRYPT_MACHINE_KEYSET, and drops the
 *    root certificate of the chain.  Every certificate it returns carries that same reference.
 *  - It fails for a PFX whose key is not RSA ("key algorithm 4 not supported" for EC keys), and then
 *    gives no reason at all (the last error is untouched), exactly as for a wrong password;
 *    PFXVerifyPassword is a stub that always answers FALSE.
 *  - CryptAcquireCertificatePrivateKey opens the recorded container with dwFlags 0, i.e. in the
 *    user keyset, whatever CRYPT_MACHINE_KEYSET the reference says.
 *
 * So the import runs in two steps:
 *  1. Wine's PFXImportCertStore into a memory store, with CRYPT_EXPORTABLE and the user keyset, with
 *     WINEUSERNAME (which Wine's GetUserName, hence its default container name, reads) set for the
 *     call to a name of our own, so that the key lands in a container nobody else uses and the
 *     user's real default container is never touched (measured: Wine also derives the key that
 *     protects a stored CSP key from that name, so it stays set until the keys are read back).  Each certificate's key is read back from
 *     the container its reference names (both keysets, both specs), exported, and kept only if it
 *     is the certificate's (the public halves compare equal); then the temporary containers are
 *     deleted, so that nothing of this import can be picked up by the next one.
 *  2. Each RSA key goes into the machine container "httpsys-<thumbprint>" (Microsoft Enhanced RSA and
 *     AES Cryptographic Provider, AT_KEYEXCHANGE unless AT_SIGNATURE is asked, exportable unless
 *     NoExport), mirrored into a user container of the same name so that Wine 8.0's
 *     CryptAcquireCertificatePrivateKey finds it, and the certificate gets a reference to the machine
 *     container (CRYPT_MACHINE_KEYSET, as on Windows).  With NoExport the HTTP service could no
 *     longer export the key for OpenSSL, so a protected copy is also kept where certkey.c looks
 *     (HKLM\Software\httpsys\PrivateKeys).
 *
 * A PFX that Wine cannot read (an EC key, ...) is read by the HTTP service instead, whose engine
 * has OpenSSL (HS_IOCTL_PKCS12): it gives the certificates and the key as PKCS#8 (and, for RSA, as
 * a PRIVATEKEYBLOB, which then goes into the container as above).  Wine 8.0's CNG cannot keep an EC
 * key (no persisted keys in ncrypt), so an EC key is kept only as the protected copy certkey.c
 * reads (HKLM\Software\httpsys\PrivateKeys); it is the service that uses it.
 */
#include <stdlib.h>
#include <winternl.h>
#include <http.h>

#include "certutil.h"
#include "httpsys_proto.h"

#define MAX_PFX_SIZE (16 * 1024 * 1024)

struct modifiers
{
    DWORD spec;             /* AT_KEYEXCHANGE or AT_SIGNATURE */
    BOOL no_export, no_chain, no_root;
};

struct item
{
    PCCERT_CONTEXT cert;    /* in the temporary store */
    BYTE hash[20];
    BYTE *key;              /* RSA PRIVATEKEYBLOB, or NULL */
    DWORD key_len;
    BYTE *pkcs8;            /* a key no CSP of Wine holds (EC): PKCS#8, kept as a protected copy */
    DWORD pkcs8_len;
    BOOL referenced;        /* Wine's import gave it a key reference */
    BOOL add;
    BOOL present;           /* a chain certificate already in the store: left as it is */
};

static BOOL parse_modifiers(const WCHAR *text, struct modifiers *mods)
{
    WCHAR buf[256], *word, *ctx = NULL;

    mods->spec = AT_KEYEXCHANGE;
    if (!text) return TRUE;
    if (wcslen(text) >= ARRAY_SIZE(buf)) return FALSE;
    wcscpy(buf, text);
    for (word = wcstok_s(buf, L",", &ctx); word; word = wcstok_s(NULL, L",", &ctx))
    {
        while (*word == ' ') word++;
        if (!lstrcmpiW(word, L"AT_SIGNATURE")) mods->spec = AT_SIGNATURE;
        else if (!lstrcmpiW(word, L"AT_KEYEXCHANGE")) mods->spec = AT_KEYEXCHANGE;
        else if (!lstrcmpiW(word, L"NoExport")) mods->no_export = TRUE;
        else if (!lstrcmpiW(word, L"NoChain")) mods->no_chain = TRUE;
        else if (!lstrcmpiW(word, L"NoRoot")) mods->no_root = TRUE;
        else if (!lstrcmpiW(word, L"NoProtect")) ;     /* keys are never password-protected here */
        else return FALSE;
    }
    return TRUE;
}

static BOOL is_modifier_list(const WCHAR *text)
{
    struct modifiers m = { 0 };
    return parse_modifiers(text, &m);
}

static HRESULT read_file(const WCHAR *path, CRYPT_DATA_BLOB *blob)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    DWORD got;

    if (file == INVALID_HANDLE_VALUE) return HRESULT_FROM_WIN32(GetLastError());
    if (!GetFileSizeEx(file, &size) || size.QuadPart > MAX_PFX_SIZE)
    {
        CloseHandle(file);
        return HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE);
    }
    blob->cbData = (DWORD)size.QuadPart;
    if (!(blob->pbData = HeapAlloc(GetProcessHeap(), 0, blob->cbData ? blob->cbData : 1)))
    {
        CloseHandle(file);
        return E_OUTOFMEMORY;
    }
    if (!ReadFile(file, blob->pbData, blob->cbData, &got, NULL) || got != blob->cbData)
    {
        HRESULT hr = HRESULT_FROM_WIN32(GetLastError());
        CloseHandle(file);
        HeapFree(GetProcessHeap(), 0, blob->pbData);
        blob->pbData = NULL;
        return FAILED(hr) ? hr : HRESULT_FROM_WIN32(ERROR_READ_FAULT);
    }
    CloseHandle(file);
    return S_OK;
}

/* "Enter PFX password:" as Windows' certutil asks when -p is not given. */
static BOOL read_password(WCHAR *buf, DWORD size)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode, n = 0;

    out(L"Enter PFX password: ");
    if (GetConsoleMode(in, &mode))
    {
        SetConsoleMode(in, mode & ~ENABLE_ECHO_INPUT);
        if (!ReadConsoleW(in, buf, size - 1, &n, NULL)) n = 0;
        SetConsoleMode(in, mode);
    }
    else
    {
        char line[512];
        DWORD got, len = 0;

        while (len < sizeof(line) - 1 && ReadFile(in, line + len, 1, &got, NULL) && got && line[len] != '\n') len++;
        n = MultiByteToWideChar(GetConsoleCP(), 0, line, len, buf, size - 1);
        SecureZeroMemory(line, sizeof(line));
    }
    out(L"\n");
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
    buf[n] = 0;
    return TRUE;
}

/* ------------------------------------------------------------------------------------------------
 * Step 1: Wine's import into memory, and the keys out of it. */

struct temp_import
{
    HCERTSTORE store;
    WCHAR user[256];        /* the real default container name: never deleted */
    WCHAR name[64];         /* ours */
    WCHAR saved[256];       /* WINEUSERNAME as it was */
    BOOL had_saved;
};

static void delete_container(const WCHAR *name, const WCHAR *provider, DWORD type, DWORD keyset)
{
    HCRYPTPROV prov;
    CryptAcquireContextW(&prov, name, provider, type, keyset | CRYPT_DELETEKEYSET);
}

/* Wine's rsaenh protects a stored key with CryptProtectData, whose key Wine derives from the user
 * name: the temporary name stays in force until the keys have been read back (restore_user). */
static void restore_user(struct temp_import *tmp)
{
    SetEnvironmentVariableW(L"WINEUSERNAME", tmp->had_saved ? tmp->saved : NULL);
}

static BOOL wine_import(CRYPT_DATA_BLOB *pfx, const WCHAR *password, struct temp_import *tmp)
{
    DWORD n = GetEnvironmentVariableW(L"WINEUSERNAME", tmp->saved, ARRAY_SIZE(tmp->saved));
    DWORD size = ARRAY_SIZE(tmp->user);

    tmp->had_saved = n && n < ARRAY_SIZE(tmp->saved);
    if (!GetUserNameW(tmp->user, &size)) tmp->user[0] = 0;
    swprintf(tmp->name, ARRAY_SIZE(tmp->name), L"httpsys-import-%lu-%lu", GetCurrentProcessId(), GetTickCount());
    SetEnvironmentVariableW(L"WINEUSERNAME", tmp->name);
    tmp->store = PFXImportCertStore(pfx, password, CRYPT_EXPORTABLE | CRYPT_USER_KEYSET);
    if (!tmp->store)
    {
        restore_user(tmp);
        delete_container(tmp->name, MS_ENHANCED_PROV_W, PROV_RSA_FULL, 0);
    }
    return tmp->store != NULL;
}

/* The certificate's key from where the temporary import put it, if it is the certificate's. */
static void take_key(struct item *it, const CRYPT_KEY_PROV_INFO *info)
{
    DWORD keysets[2] = { info->dwFlags & CRYPT_MACHINE_KEYSET, (info->dwFlags & CRYPT_MACHINE_KEYSET) ^ CRYPT_MACHINE_KEYSET };
    DWORD specs[2] = { AT_KEYEXCHANGE, AT_SIGNATURE }, k, s, ret;

    if (info->dwKeySpec == AT_SIGNATURE) { specs[0] = AT_SIGNATURE; specs[1] = AT_KEYEXCHANGE; }
    for (k = 0; k < 2; k++)
        for (s = 0; s < 2; s++)
        {
            ret = certkey_csp_key_blob(it->cert, info->pwszContainerName, info->pwszProvName, info->dwProvType,
                                       keysets[k], specs[s], &it->key, &it->key_len);
            if (!ret) return;
            if (ret == (DWORD)NTE_BAD_KEYSET) break;
        }
    it->key = NULL;
}

static void cleanup_temp(struct temp_import *tmp)
{
    PCCERT_CONTEXT cert = NULL;
    CRYPT_KEY_PROV_INFO *info;

    while ((cert = CertEnumCertificatesInStore(tmp->store, cert)))
    {
        if (!(info = get_prov_info(cert))) continue;
        /* Containers this import made; the user's own default container is left alone, should a
         * Wine ignore WINEUSERNAME. */
        if (info->dwProvType && info->pwszContainerName && lstrcmpiW(info->pwszContainerName, tmp->user))
            delete_container(info->pwszContainerName, info->pwszProvName, info->dwProvType,
                             info->dwFlags & CRYPT_MACHINE_KEYSET);
        HeapFree(GetProcessHeap(), 0, info);
    }
    delete_container(tmp->name, MS_ENHANCED_PROV_W, PROV_RSA_FULL, 0);
}

/* ------------------------------------------------------------------------------------------------
 * Step 2: our container and the store. */

static HRESULT install_key(const struct item *it, const struct modifiers *mods)
{
    WCHAR name[CERTKEY_CONTAINER_CHARS];
    DWORD keysets[2] = { CRYPT_MACHINE_KEYSET, 0 }, k;
    HRESULT hr = S_OK;
    BYTE *blob;

    certkey_container_name(it->hash, name);
    if (!(blob = HeapAlloc(GetProcessHeap(), 0, it->key_len))) return E_OUTOFMEMORY;
    memcpy(blob, it->key, it->key_len);
    /* The key spec a CSP gives an imported key follows the blob's algorithm. */
    ((BLOBHEADER *)blob)->aiKeyAlg = mods->spec == AT_SIGNATURE ? CALG_RSA_SIGN : CALG_RSA_KEYX;
    for (k = 0; k < 2 && hr == S_OK; k++)
    {
        HCRYPTPROV prov;
        HCRYPTKEY key;

        delete_container(name, CERTKEY_PROVIDER, CERTKEY_PROVIDER_TYPE, keysets[k]);
        if (!CryptAcquireContextW(&prov, name, CERTKEY_PROVIDER, CERTKEY_PROVIDER_TYPE,
                                  keysets[k] | CRYPT_NEWKEYSET | CRYPT_SILENT))
        {
            hr = HRESULT_FROM_WIN32(GetLastError());
            break;
        }
        if (!CryptImportKey(prov, blob, it->key_len, 0, mods->no_export ? 0 : CRYPT_EXPORTABLE, &key))
            hr = HRESULT_FROM_WIN32(GetLastError());
        else
        {
            CryptDestroyKey(key);
            if (!CryptGetUserKey(prov, mods->spec, &key)) hr = NTE_NO_KEY;
            else CryptDestroyKey(key);
        }
        CryptReleaseContext(prov, 0);
    }
    SecureZeroMemory(blob, it->key_len);
    HeapFree(GetProcessHeap(), 0, blob);

    if (hr == S_OK && mods->no_export)
    {
        BYTE *der;
        DWORD len, ret = certkey_rsa_blob_to_pkcs8(it->key, it->key_len, &der, &len);

        if (!ret)
        {
            ret = certkey_store_key(it->cert, der, len);
            certkey_free_key(der, len);
        }
        if (ret) hr = HRESULT_FROM_WIN32(ret);
    }
    else if (hr == S_OK) certkey_forget_key(it->hash);
    if (FAILED(hr)) delete_own_key(it->hash);
    return hr;
}

static HRESULT add_cert(HCERTSTORE store, const struct item *it, const struct modifiers *mods)
{
    WCHAR container[CERTKEY_CONTAINER_CHARS];
    CRYPT_KEY_PROV_INFO info;
    PCCERT_CONTEXT added;
    DWORD size = 0;
    BYTE *friendly;

    CRYPT_HASH_BLOB hash = { 20, (BYTE *)it->hash };
    PCCERT_CONTEXT old;

    /* Measured: when CERT_STORE_ADD_REPLACE_EXISTING replaces a certificate, Wine 8.0 never writes the
     * properties then set on the new one back to the registry; deleting the old one first works. */
    if ((old = CertFindCertificateInStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH,
                                          &hash, NULL)) &&
        !CertDeleteCertificateFromStore(old))
        return HRESULT_FROM_WIN32(GetLastError());
    /* The encoded certificate only: not the broken key reference of the temporary import. */
    if (!CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, it->cert->pbCertEncoded,
                                          it->cert->cbCertEncoded, CERT_STORE_ADD_NEW, &added))
        return HRESULT_FROM_WIN32(GetLastError());
    if (it->key)
    {
        certkey_container_name(it->hash, container);
        memset(&info, 0, sizeof(info));
        info.pwszContainerName = container;
        info.pwszProvName = (WCHAR *)CERTKEY_PROVIDER;
        info.dwProvType = CERTKEY_PROVIDER_TYPE;
        info.dwFlags = CRYPT_MACHINE_KEYSET;
        info.dwKeySpec = mods->spec;
        if (!CertSetCertificateContextProperty(added, CERT_KEY_PROV_INFO_PROP_ID, 0, &info))
        {
            HRESULT hr = HRESULT_FROM_WIN32(GetLastError());
            CertDeleteCertificateFromStore(added);
            return hr;
        }
    }
    if (CertGetCertificateContextProperty(it->cert, CERT_FRIENDLY_NAME_PROP_ID, NULL, &size) &&
        (friendly = HeapAlloc(GetProcessHeap(), 0, size)))
    {
        CRYPT_DATA_BLOB blob = { size, friendly };
        if (CertGetCertificateContextProperty(it->cert, CERT_FRIENDLY_NAME_PROP_ID, friendly, &size))
            CertSetCertificateContextProperty(added, CERT_FRIENDLY_NAME_PROP_ID, 0, &blob);
        HeapFree(GetProcessHeap(), 0, friendly);
    }
    CertFreeCertificateContext(added);
    return S_OK;
}

static void free_items(struct item *items, DWORD count)
{
    DWORD i;

    for (i = 0; i < count; i++)
    {
        certkey_free_key(items[i].key, items[i].key_len);
        certkey_free_key(items[i].pkcs8, items[i].pkcs8_len);
        CertFreeCertificateContext(items[i].cert);
    }
    HeapFree(GetProcessHeap(), 0, items);
}

/* ------------------------------------------------------------------------------------------------
 * The service reads what Wine cannot. */

static HANDLE open_service(void)
{
    static const WCHAR device[] = HS_DEVICE_NAME;
    HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attr;
    IO_STATUS_BLOCK io;
    HANDLE h;

    if (HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL)) return NULL;   /* starts the service */
    RtlInitUnicodeString(&name, device);
    InitializeObjectAttributes(&attr, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    if (NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &attr, &io, NULL, 0,
                     FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, FILE_NON_DIRECTORY_FILE, NULL, 0))
        h = NULL;
    HttpTerminate(HTTP_INITIALIZE_CONFIG, NULL);
    return h;
}

static DWORD service_ioctl(HANDLE h, const void *in, DWORD in_len, void *out, DWORD out_len, DWORD *got)
{
    OVERLAPPED ov;
    DWORD err = NO_ERROR;

    memset(&ov, 0, sizeof(ov));
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    *got = 0;
    if (!DeviceIoControl(h, HS_IOCTL_PKCS12, (void *)in, in_len, out, out_len, got, &ov))
    {
        err = GetLastError();
        if (err == ERROR_IO_PENDING) err = GetOverlappedResult(h, &ov, got, TRUE) ? NO_ERROR : GetLastError();
        else GetOverlappedResult(h, &ov, got, FALSE);
    }
    CloseHandle(ov.hEvent);
    return err;
}

/* Parses the PFX in the service; fills a memory store with the certificates and the items' keys. */
static HRESULT service_import(const CRYPT_DATA_BLOB *pfx, const WCHAR *password, HCERTSTORE *store_out,
                              BYTE **key_blob, DWORD *blob_len, BYTE **pkcs8, DWORD *pkcs8_len, BYTE key_hash[20])
{
    char pass[1024];
    int pass_len = password ? WideCharToMultiByte(CP_UTF8, 0, password, -1, pass, sizeof(pass), NULL, NULL) - 1 : 0;
    DWORD in_len, out_len = 1 << 20, got, err, at;
    BYTE *in, *out = NULL;
    HCERTSTORE store;
    HANDLE h;
    HRESULT hr = S_OK;

    *store_out = NULL;
    *key_blob = *pkcs8 = NULL;
    *blob_len = *pkcs8_len = 0;
    if (pass_len < 0) pass_len = 0;
    if (!(h = open_service())) return HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE);
    in_len = 4 + pass_len + pfx->cbData;
    if (!(in = HeapAlloc(GetProcessHeap(), 0, in_len)))
    {
        CloseHandle(h);
        return E_OUTOFMEMORY;
    }
    memcpy(in, &pass_len, 4);
    memcpy(in + 4, pass, pass_len);
    memcpy(in + 4 + pass_len, pfx->pbData, pfx->cbData);
    SecureZeroMemory(pass, sizeof(pass));
    for (;;)
    {
        if (!(out = HeapAlloc(GetProcessHeap(), 0, out_len))) { err = ERROR_NOT_ENOUGH_MEMORY; break; }
        err = service_ioctl(h, in, in_len, out, out_len, &got);
        if (err != ERROR_MORE_DATA || got <= out_len) break;
        SecureZeroMemory(out, out_len);
        HeapFree(GetProcessHeap(), 0, out);
        out = NULL;
        out_len = got;
    }
    SecureZeroMemory(in, in_len);
    HeapFree(GetProcessHeap(), 0, in);
    CloseHandle(h);
    if (err)
    {
        if (out) HeapFree(GetProcessHeap(), 0, out);
        return err == ERROR_INVALID_DATA ? CRYPT_E_ASN1_BADTAG : HRESULT_FROM_WIN32(err);
    }

    store = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, NULL);
    for (at = 0; store && at + sizeof(struct hs_pkcs12_item) <= got;)
    {
        struct hs_pkcs12_item item;
        const BYTE *data;

        memcpy(&item, out + at, sizeof(item));
        data = out + at + sizeof(item);
        if (item.len > got - at - sizeof(item)) break;
        switch (item.type)
        {
        case HS_P12_CERT:
        case HS_P12_CA:
        {
            PCCERT_CONTEXT added = NULL;
            if (CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, data, item.len, CERT_STORE_ADD_USE_EXISTING,
                                                 item.type == HS_P12_CERT ? &added : NULL) && added)
            {
                certkey_thumbprint(added, key_hash);
                CertFreeCertificateContext(added);
            }
            break;
        }
        case HS_P12_KEY_MSBLOB:
        case HS_P12_KEY_PKCS8:
        {
            BYTE *copy = HeapAlloc(GetProcessHeap(), 0, item.len);
            if (!copy) { hr = E_OUTOFMEMORY; break; }
            memcpy(copy, data, item.len);
            if (item.type == HS_P12_KEY_MSBLOB) { *key_blob = copy; *blob_len = item.len; }
            else { *pkcs8 = copy; *pkcs8_len = item.len; }
            break;
        }
        }
        at += (sizeof(item) + item.len + 3) & ~3u;
    }
    SecureZeroMemory(out, got);
    HeapFree(GetProcessHeap(), 0, out);
    if (!store) return HRESULT_FROM_WIN32(GetLastError());
    *store_out = store;
    return hr;
}

HRESULT verb_importpfx(const struct options *opts, int argc, WCHAR **argv)
{
    BYTE *svc_blob = NULL, *svc_pkcs8 = NULL, svc_hash[20] = { 0 };
    DWORD svc_blob_len = 0, svc_pkcs8_len = 0;
    BOOL from_service = FALSE;
    const WCHAR *store_name = L"MY", *file, *modifier_text = NULL;
    struct temp_import tmp;
    struct modifiers mods = { 0 };
    CRYPT_DATA_BLOB pfx = { 0 };
    PCCERT_CONTEXT cert = NULL;
    struct item *items = NULL;
    DWORD count = 0, i, added = 0;
    BOOL referenced, with_key;
    HCERTSTORE store = NULL;
    WCHAR typed[256];
    HRESULT hr;

    if (argc == 1) file = argv[0];
    else if (argc == 2 && is_modifier_list(argv[1])) { file = argv[0]; modifier_text = argv[1]; }
    else if (argc == 2) { store_name = argv[0]; file = argv[1]; }
    else if (argc == 3) { store_name = argv[0]; file = argv[1]; modifier_text = argv[2]; }
    else return HR_INVALID_ARG;
    if (!parse_modifiers(modifier_text, &mods)) return HR_INVALID_ARG;

    if (FAILED(hr = read_file(file, &pfx))) return hr;
    if (!PFXIsPFXBlob(&pfx))
    {
        HeapFree(GetProcessHeap(), 0, pfx.pbData);
        return CRYPT_E_ASN1_BADTAG;
    }

    /* Step 1.  The service's OpenSSL reads every kind of PFX and key correctly; Wine's own reader is
     * the fallback when the service cannot be reached (it reads RSA keys only, and measured: the CRT
     * coefficient of about half the RSA keys it imports is not q^-1 mod p).  Without -p, an empty
     * password is tried before asking, as Windows' certutil does. */
    memset(&tmp, 0, sizeof(tmp));
    hr = service_import(&pfx, opts->password ? opts->password : L"", &tmp.store, &svc_blob, &svc_blob_len,
                        &svc_pkcs8, &svc_pkcs8_len, svc_hash);
    if (hr == HRESULT_FROM_WIN32(ERROR_INVALID_PASSWORD) && !opts->password)
    {
        read_password(typed, ARRAY_SIZE(typed));
        hr = service_import(&pfx, typed, &tmp.store, &svc_blob, &svc_blob_len, &svc_pkcs8, &svc_pkcs8_len, svc_hash);
        SecureZeroMemory(typed, sizeof(typed));
    }
    if (SUCCEEDED(hr)) from_service = TRUE;
    else if (hr != HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE))
    {
        HeapFree(GetProcessHeap(), 0, pfx.pbData);
        return hr;
    }
    else
    {
        err_out(L"certutil: the HTTP service is not available; reading the PFX with Wine's own reader.\n");
        if (opts->password)
        {
            if (!wine_import(&pfx, opts->password, &tmp) && !*opts->password) wine_import(&pfx, NULL, &tmp);
        }
        else if (!wine_import(&pfx, L"", &tmp) && !wine_import(&pfx, NULL, &tmp))
        {
            read_password(typed, ARRAY_SIZE(typed));
            wine_import(&pfx, typed, &tmp);
            SecureZeroMemory(typed, sizeof(typed));
        }
        if (!tmp.store)
        {
            HeapFree(GetProcessHeap(), 0, pfx.pbData);
            err_out(L"certutil: the PFX could not be read: a wrong password, or (Wine 8.0 reads RSA keys only) "
                    L"a key of another kind.\n");
            return HRESULT_FROM_WIN32(ERROR_INVALID_PASSWORD);
        }
        hr = S_OK;
    }
    HeapFree(GetProcessHeap(), 0, pfx.pbData);

    while ((cert = CertEnumCertificatesInStore(tmp.store, cert)))
    {
        struct item *grown = items ? HeapReAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, items, (count + 1) * sizeof(*items))
                                   : HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*items));
        CRYPT_KEY_PROV_INFO *info;

        if (!grown)
        {
            CertFreeCertificateContext(cert);
            hr = E_OUTOFMEMORY;
            break;
        }
        items = grown;
        items[count].cert = CertDuplicateCertificateContext(cert);
        certkey_thumbprint(cert, items[count].hash);
        if (from_service)
        {
            /* the key goes with the certificate the service named */
            if (!memcmp(items[count].hash, svc_hash, 20) && (svc_blob || svc_pkcs8))
            {
                items[count].referenced = TRUE;
                if (svc_blob) { items[count].key = svc_blob; items[count].key_len = svc_blob_len; svc_blob = NULL; }
                else if (!certkey_verify_pkcs8(cert, svc_pkcs8, svc_pkcs8_len))
                {
                    items[count].pkcs8 = svc_pkcs8;
                    items[count].pkcs8_len = svc_pkcs8_len;
                    svc_pkcs8 = NULL;
                }
            }
        }
        else if ((info = get_prov_info(cert)))
        {
            items[count].referenced = TRUE;
            if (info->dwProvType) take_key(&items[count], info);
            HeapFree(GetProcessHeap(), 0, info);
        }
        count++;
    }
    if (!from_service)
    {
        restore_user(&tmp);
        cleanup_temp(&tmp);
    }
    if (svc_blob) certkey_free_key(svc_blob, svc_blob_len);
    if (svc_pkcs8) certkey_free_key(svc_pkcs8, svc_pkcs8_len);
    if (FAILED(hr)) goto done;

    /* A key that came with the PFX but could not be read back: fail rather than leave a certificate
     * that looks imported and has no key. */
    for (i = 0, referenced = with_key = FALSE; i < count; i++)
    {
        referenced |= items[i].referenced;
        with_key |= items[i].key != NULL || items[i].pkcs8 != NULL;
    }
    if (referenced && !with_key)
    {
        err_out(L"certutil: the PFX's private key could not be read back from Wine's import.\n");
        hr = NTE_NO_KEY;
        goto done;
    }

    for (i = 0; i < count; i++)
    {
        BOOL root = CertCompareCertificateName(X509_ASN_ENCODING, &items[i].cert->pCertInfo->Subject,
                                               &items[i].cert->pCertInfo->Issuer);
        items[i].add = items[i].key || items[i].pkcs8 || (!mods.no_chain && !(mods.no_root && root));
    }

    if (!(store = certkey_open_store(store_name, FALSE, FALSE)))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        goto done;
    }
    /* Nothing changes unless everything can be added. */
    for (i = 0; i < count; i++)
    {
        CRYPT_HASH_BLOB hash = { 20, items[i].hash };
        PCCERT_CONTEXT old;

        if (!items[i].add) continue;
        if ((old = CertFindCertificateInStore(store, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &hash, NULL)))
        {
            CertFreeCertificateContext(old);
            /* A CA certificate that another import brought is no conflict. */
            if (!items[i].key && !items[i].pkcs8 && !opts->force) items[i].present = TRUE;
            else if (!opts->force)
            {
                hr = CRYPT_E_EXISTS;
                goto done;
            }
        }
    }
    for (i = 0; i < count; i++)
    {
        if (!items[i].add || (!items[i].key && !items[i].pkcs8)) continue;
        if (items[i].key) hr = install_key(&items[i], &mods);
        else hr = HRESULT_FROM_WIN32(certkey_store_key(items[i].cert, items[i].pkcs8, items[i].pkcs8_len));
        if (FAILED(hr))
        {
            while (i--) if (items[i].add && (items[i].key || items[i].pkcs8)) delete_own_key(items[i].hash);
            goto done;
        }
    }
    for (i = 0; i < count; i++)
    {
        WCHAR name[256];

        if (!items[i].add) continue;
        if (!CertGetNameStringW(items[i].cert, CERT_NAME_SIMPLE_DISPLAY_TYPE, 0, NULL, name, ARRAY_SIZE(name)))
            name[0] = 0;
        if (items[i].present)
        {
            out(L"Certificate \"%ls\" already in store.\n", name);
            continue;
        }
        if (FAILED(hr = add_cert(store, &items[i], &mods)))
        {
            /* Keep what was added consistent, and no key without its certificate. */
            for (; i < count; i++) if (items[i].add && (items[i].key || items[i].pkcs8)) delete_own_key(items[i].hash);
            if (added) CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
            goto done;
        }
        out(L"Certificate \"%ls\" added to store.\n", name);
        added++;
    }
    for (i = 0, referenced = FALSE; i < count; i++) referenced |= items[i].present;
    if (!added) hr = referenced ? CRYPT_E_EXISTS : CRYPT_E_NOT_FOUND;
    else
    {
        /* Measured: Wine 8.0 writes a replaced certificate (and a deletion) back to the registry only
         * when asked to; closing the store is not enough. */
        if (!CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL)) hr = HRESULT_FROM_WIN32(GetLastError());
        out(L"\n");
    }

done:
    if (store) CertCloseStore(store, 0);
    free_items(items, count);
    CertCloseStore(tmp.store, 0);
    return hr;
}

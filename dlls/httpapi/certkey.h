/*
 * Certificates and private keys for HTTPS: finding the certificate that an
 * SSL binding names in the prefix's machine store, and handing it, its chain
 * and its private key to the TLS code (OpenSSL) as DER.
 *
 * Shared by httpapi.dll (certkey_check, for the configuration API), the TLS
 * code (certkey_export) and certutil.exe (the lower-level functions below,
 * so that what certutil stores is exactly what the service looks for).
 * See certkey.c for where keys live and why.
 */
#ifndef HTTPSYS_CERTKEY_H
#define HTTPSYS_CERTKEY_H

#include <windows.h>
#include <wincrypt.h>

/* Finds the certificate by SHA-1 thumbprint in LocalMachine\<store> (NULL or "" = "MY", case-insensitive)
 * and checks that its private key can be obtained.  Returns NO_ERROR, ERROR_FILE_NOT_FOUND (no such store
 * or certificate) or ERROR_NO_SUCH_LOGON_SESSION (the certificate has no usable private key). */
DWORD certkey_check(const WCHAR *store, const BYTE hash[20]);

/* Exports the certificate (DER), the chain up to (not including) the root from the prefix's CA and
 * intermediate stores ("CA", then "Root" for the root itself is not included), and the private key as a
 * PKCS#8 PrivateKeyInfo DER, for handing to OpenSSL.  Buffers are HeapAlloc'ed; free with certkey_free. */
#define CERTKEY_MAX_CHAIN 8
struct certkey
{
    BYTE *cert;  DWORD cert_len;
    BYTE *chain /* concatenated DER certs */; DWORD chain_len; DWORD chain_count;
    DWORD chain_sizes[CERTKEY_MAX_CHAIN];     /* the size of each certificate in chain */
    BYTE *key;   DWORD key_len;
};
DWORD certkey_export(const WCHAR *store, const BYTE hash[20], struct certkey *out);
void certkey_free(struct certkey *ck);

/* ------------------------------------------------------------------------------------------------
 * Lower level, for certutil.exe and the tests. */

/* The CSP key container certutil creates for a certificate: "httpsys-<40 lowercase hex>", in the
 * machine keyset (and mirrored in the user keyset, see certkey.c), Microsoft Enhanced RSA and AES
 * Cryptographic Provider. */
#define CERTKEY_CONTAINER_PREFIX L"httpsys-"
#define CERTKEY_CONTAINER_CHARS  (8 + 40 + 1)
#define CERTKEY_PROVIDER         MS_ENH_RSA_AES_PROV_W
#define CERTKEY_PROVIDER_TYPE    PROV_RSA_AES
void certkey_container_name(const BYTE hash[20], WCHAR name[CERTKEY_CONTAINER_CHARS]);

/* Where keys that no CSP of Wine 8.0 can hold are kept (EC keys, and a copy of keys imported with
 * certutil's NoExport): HKLM\<CERTKEY_STORED_KEYS>, one REG_BINARY value per certificate, named by its
 * thumbprint (40 lowercase hex digits). */
#define CERTKEY_STORED_KEYS L"Software\\httpsys\\PrivateKeys"

enum certkey_source
{
    CERTKEY_SRC_NONE,
    CERTKEY_SRC_STORED,     /* our own protected copy (CERTKEY_STORED_KEYS) */
    CERTKEY_SRC_CSP,        /* the CSP container that CERT_KEY_PROV_INFO_PROP_ID names */
    CERTKEY_SRC_CSP_GUESS,  /* that container, but another keyset or key spec than it says (Wine's PFX import) */
    CERTKEY_SRC_CNG,        /* a CNG key (CryptAcquireCertificatePrivateKey gave an NCRYPT_KEY_HANDLE) */
};

/* Opens LocalMachine\<name> (NULL or "" = MY).  must_exist: fail with ERROR_FILE_NOT_FOUND rather than
 * create it. */
HCERTSTORE certkey_open_store(const WCHAR *name, BOOL must_exist, BOOL read_only);

/* The private key of cert as PKCS#8 DER (wipe and free with certkey_free_key), from wherever it is:
 * NO_ERROR, or ERROR_NO_SUCH_LOGON_SESSION when no usable key is found; *not_exportable (may be NULL)
 * is set when a matching key exists but cannot be exported. */
DWORD certkey_private_key(PCCERT_CONTEXT cert, BYTE **pkcs8, DWORD *len, enum certkey_source *source,
                          BOOL *not_exportable);
void certkey_free_key(BYTE *key, DWORD len);

/* Reads the key of a CSP container (keyset: 0 or CRYPT_MACHINE_KEYSET; spec AT_KEYEXCHANGE or
 * AT_SIGNATURE) as a PRIVATEKEYBLOB, only if it matches cert's public key.  NO_ERROR,
 * NTE_BAD_KEYSET (no such container), NTE_NO_KEY (no such key or not cert's), NTE_BAD_KEY_STATE (not
 * exportable).  Free with certkey_free_key. */
DWORD certkey_csp_key_blob(PCCERT_CONTEXT cert, const WCHAR *container, const WCHAR *provider, DWORD type,
                           DWORD keyset, DWORD spec, BYTE **blob, DWORD *len);

/* TRUE if an RSA PRIVATEKEYBLOB (or PUBLICKEYBLOB) holds cert's public key. */
BOOL certkey_rsa_blob_matches(PCCERT_CONTEXT cert, const BYTE *blob, DWORD len);

/* An RSA PRIVATEKEYBLOB as PKCS#8 PrivateKeyInfo DER (free with certkey_free_key). */
DWORD certkey_rsa_blob_to_pkcs8(const BYTE *blob, DWORD len, BYTE **der, DWORD *der_len);

/* NO_ERROR if the PKCS#8 key (RSA, or EC on P-256/P-384/P-521) is the private half of cert's public
 * key, NTE_BAD_KEY if not, NTE_BAD_ALGID for another algorithm, CRYPT_E_ASN1_BADTAG if it does not parse. */
DWORD certkey_verify_pkcs8(PCCERT_CONTEXT cert, const BYTE *pkcs8, DWORD len);

/* Keeps a protected copy of cert's PKCS#8 key in CERTKEY_STORED_KEYS (after certkey_verify_pkcs8), or
 * removes it. */
DWORD certkey_store_key(PCCERT_CONTEXT cert, const BYTE *pkcs8, DWORD len);
DWORD certkey_forget_key(const BYTE hash[20]);

/* The SHA-1 thumbprint of a certificate. */
BOOL certkey_thumbprint(PCCERT_CONTEXT cert, BYTE hash[20]);

#endif /* HTTPSYS_CERTKEY_H */

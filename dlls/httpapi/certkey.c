/*
 * Certificates and private keys for HTTPS (see certkey.h for the interface).
 *
 * Where a certificate's private key can be, and how it is found here
 * ------------------------------------------------------------------
 * The certificate is in the prefix's LocalMachine\<store>.  Its key, in this order:
 *
 * 1. A protected copy that certutil.exe (or certkey_store_key) keeps in
 *    HKLM\Software\httpsys\PrivateKeys, value <thumbprint>: CryptProtectData(CRYPTPROTECT_LOCAL_MACHINE)
 *    of "HSK1" + the certificate's SHA-1 thumbprint + the PKCS#8 PrivateKeyInfo DER.  Used for the
 *    keys no CSP of Wine 8.0 can hold (EC keys) and for keys imported with certutil's NoExport (their
 *    CSP copy is then not exportable, and the service still needs the key for OpenSSL).  It is checked
 *    against the certificate (certkey_verify_pkcs8) every time it is read.
 *    Why not a certificate property of our own (an id >= CERT_FIRST_USER_PROP_ID)?  Measured: Wine 8.0's
 *    CertSetCertificateContextProperty accepts only a fixed list of ids (1-5, 9-13, 15, 20-27, 29, 30,
 *    64, 70) and fails for every user id (0x8000-0xffff).
 *    Why not CNG?  Measured: Wine 8.0's ncrypt keeps no key (NCryptOpenKey, NCryptCreatePersistedKey and
 *    named NCryptImportKey return NTE_NOT_SUPPORTED) and its NCryptImportKey rejects EC private blobs;
 *    its bcrypt imports and signs with P-256 private keys in memory only (P-384: STATUS_NOT_SUPPORTED,
 *    P-521: no such algorithm).
 *    Wine 8.0's CryptProtectData is not bound to the prefix (a blob made in one prefix opens in a fresh
 *    one), so under Wine this copy is only as private as the prefix's registry file: as the CSP
 *    containers are (Wine's rsaenh keeps them in the registry too, protected the same way).  It derives
 *    its key from the user name (GetUserName, i.e. WINEUSERNAME), with or without
 *    CRYPTPROTECT_LOCAL_MACHINE: copies and CSP keys open only in processes running under the name that
 *    stored them, which every process of a prefix normally does (services included).
 *
 * 2. The CSP container that CERT_KEY_PROV_INFO_PROP_ID names, read with CryptAcquireContext honouring
 *    the CRYPT_MACHINE_KEYSET flag it records, then CryptGetUserKey(dwKeySpec) and
 *    CryptExportKey(PRIVATEKEYBLOB) (so the key must be exportable).  certutil puts RSA keys in the
 *    machine container "httpsys-<thumbprint>" (Microsoft Enhanced RSA and AES Cryptographic Provider,
 *    AT_KEYEXCHANGE, exportable).  Measured: Wine 8.0's CryptAcquireCertificatePrivateKey opens the
 *    container with dwFlags 0 whatever the property says, i.e. always in the user keyset, so it never
 *    finds a machine key; certutil therefore mirrors the key in a user container of the same name,
 *    which is what makes CryptAcquireCertificatePrivateKey work for other Windows programs.
 *    Wine 8.0's own PFXImportCertStore records a broken reference: dwKeySpec 3, dwFlags 0 even when the
 *    import asked for CRYPT_MACHINE_KEYSET, and as container the default container of the user (named
 *    after the user, e.g. "root"), which the next import overwrites.  So when the recorded keyset and
 *    spec do not give the key, the other keyset and both specs are tried; a key is accepted only if its
 *    public half is the certificate's (never the key of another certificate in a shared container).
 *
 * 3. A CNG key (CERT_KEY_PROV_INFO with dwProvType 0): CryptAcquireCertificatePrivateKey, then
 *    NCryptExportKey(NCRYPT_PKCS8_PRIVATE_KEY_BLOB).  Cannot work with Wine 8.0's ncrypt (above); here for
 *    Wines that keep CNG keys.
 *
 * PKCS#8 from an RSA PRIVATEKEYBLOB: measured, Wine 8.0's CryptEncodeObjectEx has neither
 * PKCS_RSA_PRIVATE_KEY nor PKCS_PRIVATE_KEY_INFO (nor X509_ECC_PRIVATE_KEY), and its CryptDecodeObjectEx
 * lacks them too, so the DER is written and read here by a small encoder and reader (RFC 8017 A.1.2
 * RSAPrivateKey, RFC 5208 PrivateKeyInfo, RFC 5915 ECPrivateKey).
 *
 * Key material is never logged, and every buffer that held some is wiped before it is freed.
 */

#ifdef CERTKEY_STANDALONE
#include <windows.h>
#define TRACE(...) do { } while (0)
#define WARN(...)  do { } while (0)
#else
#include "httpapi_private.h"
#endif
#include <wincrypt.h>
#include <bcrypt.h>
#include <ncrypt.h>
#include "certkey.h"

#define ENCODING (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)
#define MAX_CHAIN CERTKEY_MAX_CHAIN

#ifndef STATUS_NOT_SUPPORTED
#define STATUS_NOT_SUPPORTED ((NTSTATUS)0xc00000bb)
#endif
#ifndef STATUS_NOT_IMPLEMENTED
#define STATUS_NOT_IMPLEMENTED ((NTSTATUS)0xc0000002)
#endif

static void *heap_alloc(SIZE_T n)
{
    return HeapAlloc(GetProcessHeap(), 0, n ? n : 1);
}

static void wipe_free(void *p, SIZE_T n)
{
    if (!p) return;
    SecureZeroMemory(p, n);
    HeapFree(GetProcessHeap(), 0, p);
}

void certkey_free_key(BYTE *key, DWORD len)
{
    wipe_free(key, len);
}

static void hex_name(const BYTE hash[20], WCHAR *out)
{
    static const WCHAR digits[] = L"0123456789abcdef";
    int i;

    for (i = 0; i < 20; i++)
    {
        out[2 * i] = digits[hash[i] >> 4];
        out[2 * i + 1] = digits[hash[i] & 15];
    }
    out[40] = 0;
}

void certkey_container_name(const BYTE hash[20], WCHAR name[CERTKEY_CONTAINER_CHARS])
{
    lstrcpyW(name, CERTKEY_CONTAINER_PREFIX);
    hex_name(hash, name + lstrlenW(CERTKEY_CONTAINER_PREFIX));
}

BOOL certkey_thumbprint(PCCERT_CONTEXT cert, BYTE hash[20])
{
    DWORD len = 20;
    return CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, hash, &len) && len == 20;
}

HCERTSTORE certkey_open_store(const WCHAR *name, BOOL must_exist, BOOL read_only)
{
    DWORD flags = CERT_SYSTEM_STORE_LOCAL_MACHINE;
    HCERTSTORE store;

    if (!name || !*name) name = L"MY";
    if (must_exist) flags |= CERT_STORE_OPEN_EXISTING_FLAG;
    if (read_only) flags |= CERT_STORE_READONLY_FLAG;
    store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, flags, name);
    if (!store && must_exist) SetLastError(ERROR_FILE_NOT_FOUND);
    return store;
}

/* ------------------------------------------------------------------------------------------------
 * DER, the little that is needed. */

struct der_out
{
    BYTE *buf;
    DWORD len, cap;
    BOOL failed;
};

/* Grows by copying, so that no freed block keeps key material. */
static void der_put(struct der_out *o, const void *data, DWORD n)
{
    if (o->failed) return;
    if (o->len + n > o->cap)
    {
        DWORD cap = o->cap ? o->cap : 256;
        BYTE *buf;

        while (cap < o->len + n) cap *= 2;
        if (!(buf = heap_alloc(cap)))
        {
            o->failed = TRUE;
            return;
        }
        if (o->len) memcpy(buf, o->buf, o->len);
        wipe_free(o->buf, o->cap);
        o->buf = buf;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, data, n);
    o->len += n;
}

static void der_put_header(struct der_out *o, BYTE tag, DWORD n)
{
    BYTE h[6];
    DWORD hl = 0;

    h[hl++] = tag;
    if (n < 0x80) h[hl++] = (BYTE)n;
    else if (n < 0x100) { h[hl++] = 0x81; h[hl++] = (BYTE)n; }
    else if (n < 0x10000) { h[hl++] = 0x82; h[hl++] = (BYTE)(n >> 8); h[hl++] = (BYTE)n; }
    else { h[hl++] = 0x83; h[hl++] = (BYTE)(n >> 16); h[hl++] = (BYTE)(n >> 8); h[hl++] = (BYTE)n; }
    der_put(o, h, hl);
}

/* An INTEGER from an unsigned little-endian number (CryptoAPI's byte order). */
static void der_put_uint_le(struct der_out *o, const BYTE *le, DWORD n)
{
    DWORD i, used = n;
    BYTE zero = 0;

    while (used && !le[used - 1]) used--;
    if (!used)
    {
        der_put_header(o, 0x02, 1);
        der_put(o, &zero, 1);
        return;
    }
    der_put_header(o, 0x02, used + ((le[used - 1] & 0x80) ? 1 : 0));
    if (le[used - 1] & 0x80) der_put(o, &zero, 1);
    for (i = used; i > 0; i--) der_put(o, &le[i - 1], 1);
}

/* Wraps inner as one TLV into o, and wipes inner. */
static void der_wrap(struct der_out *o, BYTE tag, struct der_out *inner)
{
    if (inner->failed) o->failed = TRUE;
    der_put_header(o, tag, inner->len);
    if (inner->len) der_put(o, inner->buf, inner->len);
    wipe_free(inner->buf, inner->cap);
    memset(inner, 0, sizeof(*inner));
}

struct der_in
{
    const BYTE *p;
    DWORD len;
};

/* Reads one TLV with the given tag (definite lengths only). */
static BOOL der_get(struct der_in *in, BYTE tag, struct der_in *out)
{
    DWORD n, hl = 2, i, k;

    if (in->len < 2 || in->p[0] != tag) return FALSE;
    n = in->p[1];
    if (n & 0x80)
    {
        k = n & 0x7f;
        if (!k || k > 4 || in->len < 2 + k) return FALSE;
        for (n = 0, i = 0; i < k; i++) n = (n << 8) | in->p[2 + i];
        hl += k;
    }
    if (n > in->len - hl) return FALSE;
    out->p = in->p + hl;
    out->len = n;
    in->p += hl + n;
    in->len -= hl + n;
    return TRUE;
}

/* An INTEGER's magnitude: its content without leading zero bytes. */
static void der_strip(struct der_in *v)
{
    while (v->len > 1 && !v->p[0]) { v->p++; v->len--; }
    if (v->len == 1 && !v->p[0]) v->len = 0;
}

static BOOL der_equal(const struct der_in *v, const BYTE *der, DWORD len)
{
    return v->len == len && !memcmp(v->p, der, len);
}

static const BYTE oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };   /* 1.2.840.113549.1.1.1 */
static const BYTE oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };              /* 1.2.840.10045.2.1 */

struct curve
{
    const char *oid;            /* as in CERT_PUBLIC_KEY_INFO */
    BYTE der[10]; DWORD der_len;  /* its OID content */
    const WCHAR *alg;
    ULONG priv_magic, pub_magic, size;
};

static const struct curve curves[] =
{
    { szOID_ECC_CURVE_P256, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 8, BCRYPT_ECDSA_P256_ALGORITHM,
      BCRYPT_ECDSA_PRIVATE_P256_MAGIC, BCRYPT_ECDSA_PUBLIC_P256_MAGIC, 32 },
    { szOID_ECC_CURVE_P384, { 0x2b, 0x81, 0x04, 0x00, 0x22 }, 5, BCRYPT_ECDSA_P384_ALGORITHM,
      BCRYPT_ECDSA_PRIVATE_P384_MAGIC, BCRYPT_ECDSA_PUBLIC_P384_MAGIC, 48 },
    { szOID_ECC_CURVE_P521, { 0x2b, 0x81, 0x04, 0x00, 0x23 }, 5, BCRYPT_ECDSA_P521_ALGORITHM,
      BCRYPT_ECDSA_PRIVATE_P521_MAGIC, BCRYPT_ECDSA_PUBLIC_P521_MAGIC, 66 },
};

/* The curve of an EC certificate: its parameters are the DER of the curve's OID. */
static const struct curve *cert_curve(PCCERT_CONTEXT cert)
{
    const CERT_PUBLIC_KEY_INFO *spki = &cert->pCertInfo->SubjectPublicKeyInfo;
    struct der_in in = { spki->Algorithm.Parameters.pbData, spki->Algorithm.Parameters.cbData }, oid;
    unsigned int i;

    if (!spki->Algorithm.pszObjId || strcmp(spki->Algorithm.pszObjId, szOID_ECC_PUBLIC_KEY)) return NULL;
    if (!in.p || !der_get(&in, 0x06, &oid)) return NULL;
    for (i = 0; i < ARRAYSIZE(curves); i++)
        if (der_equal(&oid, curves[i].der, curves[i].der_len)) return &curves[i];
    return NULL;
}

static BOOL cert_is_rsa(PCCERT_CONTEXT cert)
{
    const char *oid = cert->pCertInfo->SubjectPublicKeyInfo.Algorithm.pszObjId;
    return oid && !strcmp(oid, szOID_RSA_RSA);
}

/* ------------------------------------------------------------------------------------------------
 * RSA */

struct rsa_blob
{
    DWORD bitlen, pubexp, len, half;
    const BYTE *modulus;    /* little-endian, len bytes; the rest follows in PRIVATEKEYBLOB order */
    BOOL priv;
};

static BOOL parse_rsa_blob(const BYTE *blob, DWORD size, struct rsa_blob *r)
{
    const BLOBHEADER *hdr = (const BLOBHEADER *)blob;
    const RSAPUBKEY *pub = (const RSAPUBKEY *)(blob + sizeof(BLOBHEADER));

    if (size < sizeof(BLOBHEADER) + sizeof(RSAPUBKEY)) return FALSE;
    if (hdr->bType == PRIVATEKEYBLOB && pub->magic == 0x32415352 /* RSA2 */) r->priv = TRUE;
    else if (hdr->bType == PUBLICKEYBLOB && pub->magic == 0x31415352 /* RSA1 */) r->priv = FALSE;
    else return FALSE;
    r->bitlen = pub->bitlen;
    r->pubexp = pub->pubexp;
    r->len = (pub->bitlen + 7) / 8;
    r->half = (pub->bitlen + 15) / 16;
    if (!r->len || r->len > 2048) return FALSE;
    r->modulus = blob + sizeof(BLOBHEADER) + sizeof(RSAPUBKEY);
    if (size < sizeof(BLOBHEADER) + sizeof(RSAPUBKEY) + (r->priv ? 2 * r->len + 5 * r->half : r->len))
        return FALSE;
    return TRUE;
}

/* The certificate's RSA public key as a PUBLICKEYBLOB (LocalFree). */
static BYTE *cert_rsa_public(PCCERT_CONTEXT cert, DWORD *len)
{
    const CERT_PUBLIC_KEY_INFO *spki = &cert->pCertInfo->SubjectPublicKeyInfo;
    BYTE *blob = NULL;

    if (!cert_is_rsa(cert)) return NULL;
    if (!CryptDecodeObjectEx(ENCODING, RSA_CSP_PUBLICKEYBLOB, spki->PublicKey.pbData, spki->PublicKey.cbData,
                             CRYPT_DECODE_ALLOC_FLAG, NULL, &blob, len))
        return NULL;
    return blob;
}

BOOL certkey_rsa_blob_matches(PCCERT_CONTEXT cert, const BYTE *blob, DWORD len)
{
    struct rsa_blob key, pub;
    DWORD publen;
    BYTE *cert_blob = cert_rsa_public(cert, &publen);
    BOOL ret;

    if (!cert_blob) return FALSE;
    ret = parse_rsa_blob(blob, len, &key) && parse_rsa_blob(cert_blob, publen, &pub) &&
          key.bitlen == pub.bitlen && key.pubexp == pub.pubexp && !memcmp(key.modulus, pub.modulus, key.len);
    LocalFree(cert_blob);
    return ret;
}

/* out = a mod (prime - 1), little-endian; out has prime_len bytes.  Shift
 * and subtract, one bit of a at a time: small, and fast enough for a key
 * (a 2048-bit exponent modulo a 1024-bit prime is 2048 steps). */
static void exponent_mod_prime_less_one(const BYTE *a, DWORD a_len, const BYTE *prime, DWORD prime_len, BYTE *out)
{
    BYTE m[513], r[513];   /* prime_len + 1: a shifted remainder may need one byte more */
    DWORD i, n = prime_len + 1;
    int bit;

    memcpy(m, prime, prime_len);
    m[prime_len] = 0;
    m[0] &= 0xfe;          /* the prime is odd: minus one clears bit 0 */
    memset(r, 0, n);
    for (i = a_len; i-- > 0;)
        for (bit = 7; bit >= 0; bit--)
        {
            int carry = (a[i] >> bit) & 1, ge = 1;
            DWORD j;
            for (j = 0; j < n; j++)
            {
                int top = r[j] >> 7;
                r[j] = (BYTE)((r[j] << 1) | carry);
                carry = top;
            }
            for (j = n; j-- > 0;)
                if (r[j] != m[j]) { ge = r[j] > m[j]; break; }
            if (ge)
            {
                int borrow = 0;
                for (j = 0; j < n; j++)
                {
                    int d = r[j] - m[j] - borrow;
                    borrow = d < 0;
                    r[j] = (BYTE)d;
                }
            }
        }
    memcpy(out, r, prime_len);
    SecureZeroMemory(r, sizeof(r));
}

DWORD certkey_rsa_blob_to_pkcs8(const BYTE *blob, DWORD len, BYTE **der, DWORD *der_len)
{
    static const BYTE version0[] = { 0x02, 0x01, 0x00 };
    static const BYTE null[] = { 0x05, 0x00 };
    struct der_out rsa = { 0 }, alg = { 0 }, pki = { 0 }, out = { 0 };
    struct rsa_blob r;
    const BYTE *p;
    BYTE exp[4], dp[512], dq[512];

    if (!parse_rsa_blob(blob, len, &r) || !r.priv || r.half > sizeof(dp)) return NTE_BAD_KEY;
    p = r.modulus;
    exp[0] = (BYTE)r.pubexp; exp[1] = (BYTE)(r.pubexp >> 8); exp[2] = (BYTE)(r.pubexp >> 16); exp[3] = (BYTE)(r.pubexp >> 24);

    /* RSAPrivateKey: version, n, e, d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p.  The blob holds
     * n, p, q, dp, dq, qinv, d. */
    der_put(&rsa, version0, sizeof(version0));
    der_put_uint_le(&rsa, p, r.len);                                    /* modulus */
    der_put_uint_le(&rsa, exp, 4);                                      /* publicExponent */
    der_put_uint_le(&rsa, p + r.len + 5 * r.half, r.len);               /* privateExponent */
    der_put_uint_le(&rsa, p + r.len, r.half);                           /* prime1 */
    der_put_uint_le(&rsa, p + r.len + r.half, r.half);                  /* prime2 */
    /* exponent1 and exponent2 are derived from d, p and q, not copied: Wine
     * 8's PFXImportCertStore misplaces one whose top byte is zero (about one
     * key in a hundred), and OpenSSL rejects the key then */
    exponent_mod_prime_less_one(p + r.len + 5 * r.half, r.len, p + r.len, r.half, dp);
    exponent_mod_prime_less_one(p + r.len + 5 * r.half, r.len, p + r.len + r.half, r.half, dq);
    der_put_uint_le(&rsa, dp, r.half);                                  /* exponent1 */
    der_put_uint_le(&rsa, dq, r.half);                                  /* exponent2 */
    SecureZeroMemory(dp, sizeof(dp));
    SecureZeroMemory(dq, sizeof(dq));
    der_put_uint_le(&rsa, p + r.len + 4 * r.half, r.half);              /* coefficient */

    der_put_header(&alg, 0x06, sizeof(oid_rsa));
    der_put(&alg, oid_rsa, sizeof(oid_rsa));
    der_put(&alg, null, sizeof(null));

    der_put(&pki, version0, sizeof(version0));
    der_wrap(&pki, 0x30, &alg);
    {
        struct der_out seq = { 0 };
        der_wrap(&seq, 0x30, &rsa);
        der_wrap(&pki, 0x04, &seq);
    }
    der_wrap(&out, 0x30, &pki);
    if (out.failed)
    {
        wipe_free(out.buf, out.cap);
        return ERROR_OUTOFMEMORY;
    }
    /* out.buf may be larger than out.len: hand over an exact copy. */
    if (!(*der = heap_alloc(out.len)))
    {
        wipe_free(out.buf, out.cap);
        return ERROR_OUTOFMEMORY;
    }
    memcpy(*der, out.buf, out.len);
    *der_len = out.len;
    wipe_free(out.buf, out.cap);
    return NO_ERROR;
}

/* ------------------------------------------------------------------------------------------------
 * EC: a key is the certificate's if a signature made with it verifies with the certificate's key.
 * Measured: Wine 8.0's bcrypt signs with P-256 keys only (importing a P-384 private key fails with
 * STATUS_NOT_SUPPORTED, and it has no P-521), so for the other curves ec_check answers NTE_BAD_ALGID
 * and the public key that the ECPrivateKey carries has to do (OpenSSL checks the pair again when the
 * TLS code loads it). */

static DWORD ec_check(const struct curve *c, PCCERT_CONTEXT cert, const struct der_in *d)
{
    const CRYPT_BIT_BLOB *point = &cert->pCertInfo->SubjectPublicKeyInfo.PublicKey;
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_KEY_HANDLE priv = NULL, pub = NULL;
    BCRYPT_ECCKEY_BLOB *hdr;
    BYTE *blob, digest[32], sig[256];
    DWORD blob_len = sizeof(*hdr) + 3 * c->size;
    ULONG sig_len = 0, i;
    DWORD ret = NTE_BAD_KEY;
    NTSTATUS status;

    if (point->cbData != 1 + 2 * c->size || point->pbData[0] != 4 || d->len > c->size || !d->len) return NTE_BAD_KEY;
    if (!(blob = heap_alloc(blob_len))) return ERROR_OUTOFMEMORY;
    hdr = (BCRYPT_ECCKEY_BLOB *)blob;
    hdr->dwMagic = c->priv_magic;
    hdr->cbKey = c->size;
    memcpy(blob + sizeof(*hdr), point->pbData + 1, 2 * c->size);
    memset(blob + sizeof(*hdr) + 2 * c->size, 0, c->size - d->len);
    memcpy(blob + sizeof(*hdr) + 3 * c->size - d->len, d->p, d->len);
    for (i = 0; i < sizeof(digest); i++) digest[i] = (BYTE)(0x5a ^ (i * 7));

    if ((status = BCryptOpenAlgorithmProvider(&alg, c->alg, NULL, 0)))
    {
        TRACE("BCryptOpenAlgorithmProvider(%ls): %08lx\n", c->alg, status);
        ret = NTE_BAD_ALGID;
        goto done;
    }
    if ((status = BCryptImportKeyPair(alg, NULL, BCRYPT_ECCPRIVATE_BLOB, &priv, blob, blob_len, 0)))
    {
        TRACE("BCryptImportKeyPair(%ls): %08lx\n", c->alg, status);
        if (status == STATUS_NOT_SUPPORTED || status == STATUS_NOT_IMPLEMENTED) ret = NTE_BAD_ALGID;
        goto done;
    }
    if (BCryptSignHash(priv, NULL, digest, sizeof(digest), sig, sizeof(sig), &sig_len, 0)) goto done;
    hdr->dwMagic = c->pub_magic;
    if (BCryptImportKeyPair(alg, NULL, BCRYPT_ECCPUBLIC_BLOB, &pub, blob, sizeof(*hdr) + 2 * c->size, 0)) goto done;
    if (!BCryptVerifySignature(pub, NULL, digest, sizeof(digest), sig, sig_len, 0)) ret = NO_ERROR;
done:
    if (priv) BCryptDestroyKey(priv);
    if (pub) BCryptDestroyKey(pub);
    if (alg) BCryptCloseAlgorithmProvider(alg, 0);
    wipe_free(blob, blob_len);
    return ret;
}

DWORD certkey_verify_pkcs8(PCCERT_CONTEXT cert, const BYTE *pkcs8, DWORD len)
{
    struct der_in in = { pkcs8, len }, pki, version, alg, priv, oid, key, v;

    if (!der_get(&in, 0x30, &pki) || !der_get(&pki, 0x02, &version) || !der_get(&pki, 0x30, &alg) ||
        !der_get(&pki, 0x04, &priv) || !der_get(&alg, 0x06, &oid))
        return CRYPT_E_ASN1_BADTAG;

    if (der_equal(&oid, oid_rsa, sizeof(oid_rsa)))
    {
        struct der_in n, e;
        struct rsa_blob pub;
        DWORD publen, i;
        BYTE *cert_blob;
        DWORD ret = NTE_BAD_KEY;

        if (!der_get(&priv, 0x30, &key) || !der_get(&key, 0x02, &v) || !der_get(&key, 0x02, &n) ||
            !der_get(&key, 0x02, &e))
            return CRYPT_E_ASN1_BADTAG;
        if (!cert_is_rsa(cert)) return NTE_BAD_KEY;
        if (!(cert_blob = cert_rsa_public(cert, &publen))) return NTE_BAD_KEY;
        der_strip(&n);
        der_strip(&e);
        if (parse_rsa_blob(cert_blob, publen, &pub) && e.len <= 4)
        {
            DWORD exp = 0, used = pub.len;

            for (i = 0; i < e.len; i++) exp = (exp << 8) | e.p[i];
            while (used && !pub.modulus[used - 1]) used--;
            if (exp == pub.pubexp && n.len == used)
            {
                for (i = 0; i < used; i++) if (n.p[i] != pub.modulus[used - 1 - i]) break;
                if (i == used) ret = NO_ERROR;
            }
        }
        LocalFree(cert_blob);
        return ret;
    }
    if (der_equal(&oid, oid_ec, sizeof(oid_ec)))
    {
        const struct curve *c = cert_curve(cert);
        struct der_in param, d;

        const CRYPT_BIT_BLOB *point = &cert->pCertInfo->SubjectPublicKeyInfo.PublicKey;
        struct der_in explicit, bits;
        BOOL public_matches = FALSE;
        DWORD ret;

        if (!c) return NTE_BAD_KEY;
        /* The curve is in the AlgorithmIdentifier, or else in the ECPrivateKey's [0]. */
        if (der_get(&alg, 0x06, &param) && !der_equal(&param, c->der, c->der_len)) return NTE_BAD_KEY;
        if (!der_get(&priv, 0x30, &key) || !der_get(&key, 0x02, &v) || !der_get(&key, 0x04, &d))
            return CRYPT_E_ASN1_BADTAG;
        if (key.len && key.p[0] == 0xa0)
        {
            if (!der_get(&key, 0xa0, &explicit) || !der_get(&explicit, 0x06, &param) ||
                !der_equal(&param, c->der, c->der_len))
                return NTE_BAD_KEY;
        }
        /* [1] publicKey BIT STRING: 0 unused bits, then the point as in the certificate. */
        if (key.len && key.p[0] == 0xa1)
        {
            if (!der_get(&key, 0xa1, &explicit) || !der_get(&explicit, 0x03, &bits) || !bits.len || bits.p[0])
                return CRYPT_E_ASN1_BADTAG;
            if (bits.len - 1 != point->cbData || memcmp(bits.p + 1, point->pbData, point->cbData)) return NTE_BAD_KEY;
            public_matches = TRUE;
        }
        der_strip(&d);
        ret = ec_check(c, cert, &d);
        if (ret == (DWORD)NTE_BAD_ALGID && public_matches) ret = NO_ERROR;
        return ret;
    }
    return NTE_BAD_ALGID;
}

/* ------------------------------------------------------------------------------------------------
 * Our protected copies. */

static const BYTE stored_magic[4] = { 'H', 'S', 'K', '1' };
static const char stored_entropy[] = "httpsys private key";

DWORD certkey_store_key(PCCERT_CONTEXT cert, const BYTE *pkcs8, DWORD len)
{
    DATA_BLOB in, out = { 0 }, entropy = { sizeof(stored_entropy), (BYTE *)stored_entropy };
    WCHAR name[41];
    BYTE hash[20];
    HKEY key;
    DWORD ret;

    if ((ret = certkey_verify_pkcs8(cert, pkcs8, len))) return ret;
    if (!certkey_thumbprint(cert, hash)) return GetLastError();
    in.cbData = sizeof(stored_magic) + 20 + len;
    if (!(in.pbData = heap_alloc(in.cbData))) return ERROR_OUTOFMEMORY;
    memcpy(in.pbData, stored_magic, sizeof(stored_magic));
    memcpy(in.pbData + sizeof(stored_magic), hash, 20);
    memcpy(in.pbData + sizeof(stored_magic) + 20, pkcs8, len);
    if (!CryptProtectData(&in, L"httpsys private key", &entropy, NULL, NULL,
                          CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &out))
        ret = GetLastError();
    wipe_free(in.pbData, in.cbData);
    if (ret) return ret;

    hex_name(hash, name);
    ret = RegCreateKeyExW(HKEY_LOCAL_MACHINE, CERTKEY_STORED_KEYS, 0, NULL, 0, KEY_SET_VALUE, NULL, &key, NULL);
    if (!ret)
    {
        ret = RegSetValueExW(key, name, 0, REG_BINARY, out.pbData, out.cbData);
        RegCloseKey(key);
    }
    LocalFree(out.pbData);
    return ret;
}

DWORD certkey_forget_key(const BYTE hash[20])
{
    WCHAR name[41];
    HKEY key;
    DWORD ret;

    hex_name(hash, name);
    if ((ret = RegOpenKeyExW(HKEY_LOCAL_MACHINE, CERTKEY_STORED_KEYS, 0, KEY_SET_VALUE, &key))) return ret;
    ret = RegDeleteValueW(key, name);
    RegCloseKey(key);
    return ret;
}

static DWORD stored_key(PCCERT_CONTEXT cert, BYTE **pkcs8, DWORD *len)
{
    DATA_BLOB in = { 0 }, out = { 0 }, entropy = { sizeof(stored_entropy), (BYTE *)stored_entropy };
    WCHAR name[41];
    BYTE hash[20];
    HKEY key;
    DWORD ret, type, size = 0;

    if (!certkey_thumbprint(cert, hash)) return GetLastError();
    hex_name(hash, name);
    if ((ret = RegOpenKeyExW(HKEY_LOCAL_MACHINE, CERTKEY_STORED_KEYS, 0, KEY_QUERY_VALUE, &key))) return ret;
    ret = RegQueryValueExW(key, name, NULL, &type, NULL, &size);
    if (!ret && (type != REG_BINARY || !size)) ret = ERROR_INVALID_DATA;
    if (!ret && !(in.pbData = heap_alloc(size))) ret = ERROR_OUTOFMEMORY;
    if (!ret) ret = RegQueryValueExW(key, name, NULL, &type, in.pbData, &size);
    RegCloseKey(key);
    if (ret)
    {
        HeapFree(GetProcessHeap(), 0, in.pbData);
        return ret;
    }
    in.cbData = size;
    if (!CryptUnprotectData(&in, NULL, &entropy, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &out))
    {
        ret = GetLastError();
        WARN("cannot unprotect the stored key of %ls: %08lx\n", name, ret);
        HeapFree(GetProcessHeap(), 0, in.pbData);
        return ret ? ret : ERROR_INVALID_DATA;
    }
    HeapFree(GetProcessHeap(), 0, in.pbData);

    ret = ERROR_INVALID_DATA;
    if (out.cbData > sizeof(stored_magic) + 20 && !memcmp(out.pbData, stored_magic, sizeof(stored_magic)) &&
        !memcmp(out.pbData + sizeof(stored_magic), hash, 20))
    {
        const BYTE *der = out.pbData + sizeof(stored_magic) + 20;
        DWORD der_len = out.cbData - sizeof(stored_magic) - 20;

        if (!(ret = certkey_verify_pkcs8(cert, der, der_len)))
        {
            if ((*pkcs8 = heap_alloc(der_len)))
            {
                memcpy(*pkcs8, der, der_len);
                *len = der_len;
            }
            else ret = ERROR_OUTOFMEMORY;
        }
    }
    if (ret) WARN("the stored key of %ls is not the certificate's (%08lx)\n", name, ret);
    SecureZeroMemory(out.pbData, out.cbData);
    LocalFree(out.pbData);
    return ret;
}

/* ------------------------------------------------------------------------------------------------
 * CSP and CNG keys. */

DWORD certkey_csp_key_blob(PCCERT_CONTEXT cert, const WCHAR *container, const WCHAR *provider, DWORD type,
                           DWORD keyset, DWORD spec, BYTE **blob, DWORD *len)
{
    HCRYPTPROV prov;
    HCRYPTKEY key;
    BYTE *pub = NULL, *priv = NULL;
    DWORD n = 0, ret = NO_ERROR;

    if (!CryptAcquireContextW(&prov, container, provider, type, keyset | CRYPT_SILENT)) return NTE_BAD_KEYSET;
    if (!CryptGetUserKey(prov, spec, &key))
    {
        CryptReleaseContext(prov, 0);
        return NTE_NO_KEY;
    }
    /* The public half first: that always exports, and decides whether the key is cert's. */
    if (!CryptExportKey(key, 0, PUBLICKEYBLOB, 0, NULL, &n) || !(pub = heap_alloc(n)) ||
        !CryptExportKey(key, 0, PUBLICKEYBLOB, 0, pub, &n) || !certkey_rsa_blob_matches(cert, pub, n))
        ret = NTE_NO_KEY;
    HeapFree(GetProcessHeap(), 0, pub);
    if (!ret)
    {
        n = 0;
        if (!CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, NULL, &n)) ret = NTE_BAD_KEY_STATE;
        else if (!(priv = heap_alloc(n))) ret = ERROR_OUTOFMEMORY;
        else if (!CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, priv, &n)) ret = NTE_BAD_KEY_STATE;
        else if (!certkey_rsa_blob_matches(cert, priv, n)) ret = NTE_NO_KEY;
        if (ret) wipe_free(priv, n);
        else
        {
            *blob = priv;
            *len = n;
        }
    }
    CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    return ret;
}

static DWORD csp_key(PCCERT_CONTEXT cert, const CRYPT_KEY_PROV_INFO *info, BYTE **pkcs8, DWORD *len,
                     enum certkey_source *source, BOOL *not_exportable)
{
    DWORD keysets[2], specs[2], k, s, ret, blob_len;
    BYTE *blob;

    keysets[0] = info->dwFlags & CRYPT_MACHINE_KEYSET;
    keysets[1] = keysets[0] ^ CRYPT_MACHINE_KEYSET;
    specs[0] = info->dwKeySpec == AT_SIGNATURE ? AT_SIGNATURE : AT_KEYEXCHANGE;
    specs[1] = specs[0] == AT_SIGNATURE ? AT_KEYEXCHANGE : AT_SIGNATURE;
    for (k = 0; k < 2; k++)
    {
        for (s = 0; s < 2; s++)
        {
            ret = certkey_csp_key_blob(cert, info->pwszContainerName, info->pwszProvName, info->dwProvType,
                                       keysets[k], specs[s], &blob, &blob_len);
            if (ret == (DWORD)NTE_BAD_KEY_STATE)
            {
                WARN("the private key in container %ls is not exportable\n", info->pwszContainerName);
                *not_exportable = TRUE;
            }
            if (ret == (DWORD)NTE_BAD_KEYSET) break;    /* no such container in this keyset */
            if (ret) continue;
            ret = certkey_rsa_blob_to_pkcs8(blob, blob_len, pkcs8, len);
            wipe_free(blob, blob_len);
            if (ret) return ret;
            *source = (!k && specs[s] == info->dwKeySpec) ? CERTKEY_SRC_CSP : CERTKEY_SRC_CSP_GUESS;
            TRACE("key of container %ls, %s keyset, spec %lu\n", info->pwszContainerName,
                  keysets[k] ? "machine" : "user", specs[s]);
            return NO_ERROR;
        }
    }
    return ERROR_NO_SUCH_LOGON_SESSION;
}

static DWORD cng_key(PCCERT_CONTEXT cert, BYTE **pkcs8, DWORD *len, BOOL *not_exportable)
{
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE handle;
    DWORD spec, n = 0, ret = ERROR_NO_SUCH_LOGON_SESSION;
    BOOL free_handle;
    SECURITY_STATUS status;
    BYTE *der;

    if (!CryptAcquireCertificatePrivateKey(cert, CRYPT_ACQUIRE_ONLY_NCRYPT_KEY_FLAG | CRYPT_ACQUIRE_SILENT_FLAG,
                                           NULL, &handle, &spec, &free_handle))
    {
        TRACE("no CNG key: %08lx\n", GetLastError());
        return ERROR_NO_SUCH_LOGON_SESSION;
    }
    status = NCryptExportKey(handle, 0, NCRYPT_PKCS8_PRIVATE_KEY_BLOB, NULL, NULL, 0, &n, 0);
    if (status == NTE_NOT_SUPPORTED || status == NTE_PERM || status == NTE_BAD_KEY_STATE) *not_exportable = TRUE;
    if (!status && (der = heap_alloc(n)))
    {
        if (!NCryptExportKey(handle, 0, NCRYPT_PKCS8_PRIVATE_KEY_BLOB, NULL, der, n, &n, 0) &&
            !certkey_verify_pkcs8(cert, der, n))
        {
            *pkcs8 = der;
            *len = n;
            ret = NO_ERROR;
        }
        else wipe_free(der, n);
    }
    if (free_handle) NCryptFreeObject(handle);
    return ret;
}

DWORD certkey_private_key(PCCERT_CONTEXT cert, BYTE **pkcs8, DWORD *len, enum certkey_source *source,
                          BOOL *not_exportable)
{
    CRYPT_KEY_PROV_INFO *info;
    enum certkey_source src = CERTKEY_SRC_NONE;
    BOOL no_export = FALSE;
    DWORD size = 0, ret;

    *pkcs8 = NULL;
    *len = 0;
    if (!(ret = stored_key(cert, pkcs8, len))) src = CERTKEY_SRC_STORED;
    else if (CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, NULL, &size) &&
             (info = heap_alloc(size)))
    {
        if (!CertGetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, info, &size))
            ret = ERROR_NO_SUCH_LOGON_SESSION;
        else if (info->dwProvType)
            ret = csp_key(cert, info, pkcs8, len, &src, &no_export);
        else if (!(ret = cng_key(cert, pkcs8, len, &no_export)))
            src = CERTKEY_SRC_CNG;
        HeapFree(GetProcessHeap(), 0, info);
    }
    else
    {
        TRACE("no key provider information\n");
        ret = ERROR_NO_SUCH_LOGON_SESSION;
    }
    if (ret && ret != ERROR_OUTOFMEMORY) ret = ERROR_NO_SUCH_LOGON_SESSION;
    if (source) *source = src;
    if (not_exportable) *not_exportable = ret ? no_export : FALSE;
    return ret;
}

/* ------------------------------------------------------------------------------------------------
 * The service's interface. */

static PCCERT_CONTEXT find_cert(const WCHAR *store_name, const BYTE hash[20], HCERTSTORE *store)
{
    CRYPT_HASH_BLOB blob = { 20, (BYTE *)hash };
    PCCERT_CONTEXT cert;

    if (!(*store = certkey_open_store(store_name, TRUE, TRUE)))
    {
        TRACE("no store %ls\n", store_name && *store_name ? store_name : L"MY");
        return NULL;
    }
    if (!(cert = CertFindCertificateInStore(*store, ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, NULL)))
    {
        TRACE("no such certificate in %ls\n", store_name && *store_name ? store_name : L"MY");
        CertCloseStore(*store, 0);
        *store = NULL;
    }
    return cert;
}

DWORD certkey_check(const WCHAR *store_name, const BYTE hash[20])
{
    HCERTSTORE store;
    PCCERT_CONTEXT cert;
    BYTE *key;
    DWORD len, ret;

    if (!hash) return ERROR_INVALID_PARAMETER;
    if (!(cert = find_cert(store_name, hash, &store))) return ERROR_FILE_NOT_FOUND;
    ret = certkey_private_key(cert, &key, &len, NULL, NULL);
    certkey_free_key(key, len);
    CertFreeCertificateContext(cert);
    CertCloseStore(store, 0);
    return ret;
}

static BOOL self_issued(PCCERT_CONTEXT cert)
{
    return CertCompareCertificateName(X509_ASN_ENCODING, &cert->pCertInfo->Subject, &cert->pCertInfo->Issuer);
}

/* The certificate in one of stores whose subject is cert's issuer and whose key signed cert.  When a
 * signature cannot be checked at all (an algorithm this Wine lacks), the name has to do. */
static PCCERT_CONTEXT find_issuer(HCERTSTORE *stores, unsigned int count, PCCERT_CONTEXT cert)
{
    PCCERT_CONTEXT c, by_name = NULL;
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        if (!stores[i]) continue;
        c = NULL;
        while ((c = CertFindCertificateInStore(stores[i], ENCODING, 0, CERT_FIND_SUBJECT_NAME,
                                               &cert->pCertInfo->Issuer, c)))
        {
            if (CryptVerifyCertificateSignatureEx(0, X509_ASN_ENCODING, CRYPT_VERIFY_CERT_SIGN_SUBJECT_CERT,
                                                  (void *)cert, CRYPT_VERIFY_CERT_SIGN_ISSUER_CERT, (void *)c, 0, NULL))
            {
                if (by_name) CertFreeCertificateContext(by_name);
                return c;
            }
            if (!by_name && GetLastError() != (DWORD)NTE_BAD_SIGNATURE)
                by_name = CertDuplicateCertificateContext(c);
        }
    }
    return by_name;
}

static DWORD build_chain(PCCERT_CONTEXT leaf, HCERTSTORE own, struct certkey *out)
{
    HCERTSTORE stores[2];
    PCCERT_CONTEXT chain[MAX_CHAIN], cur = leaf, issuer;
    DWORD count = 0, total = 0, i, j, ret = NO_ERROR;
    BYTE *p;

    stores[0] = certkey_open_store(L"CA", TRUE, TRUE);
    stores[1] = own;
    while (count < MAX_CHAIN && !self_issued(cur))
    {
        if (!(issuer = find_issuer(stores, 2, cur))) break;
        if (self_issued(issuer))    /* the root: the client has it, or does not trust us anyway */
        {
            CertFreeCertificateContext(issuer);
            break;
        }
        for (j = 0; j < count; j++) if (CertCompareCertificate(X509_ASN_ENCODING, chain[j]->pCertInfo, issuer->pCertInfo)) break;
        if (j < count || CertCompareCertificate(X509_ASN_ENCODING, leaf->pCertInfo, issuer->pCertInfo))
        {
            CertFreeCertificateContext(issuer);   /* a loop */
            break;
        }
        chain[count++] = issuer;
        total += issuer->cbCertEncoded;
        cur = issuer;
    }
    if (count)
    {
        if ((out->chain = p = heap_alloc(total)))
        {
            for (i = 0; i < count; i++)
            {
                memcpy(p, chain[i]->pbCertEncoded, chain[i]->cbCertEncoded);
                p += chain[i]->cbCertEncoded;
                out->chain_sizes[i] = chain[i]->cbCertEncoded;
            }
            out->chain_len = total;
            out->chain_count = count;
        }
        else ret = ERROR_OUTOFMEMORY;
    }
    for (i = 0; i < count; i++) CertFreeCertificateContext(chain[i]);
    if (stores[0]) CertCloseStore(stores[0], 0);
    return ret;
}

DWORD certkey_export(const WCHAR *store_name, const BYTE hash[20], struct certkey *out)
{
    HCERTSTORE store;
    PCCERT_CONTEXT cert;
    enum certkey_source source;
    DWORD ret;

    if (!out || !hash) return ERROR_INVALID_PARAMETER;
    memset(out, 0, sizeof(*out));
    if (!(cert = find_cert(store_name, hash, &store))) return ERROR_FILE_NOT_FOUND;
    ret = certkey_private_key(cert, &out->key, &out->key_len, &source, NULL);
    if (!ret)
    {
        TRACE("private key found (source %d)\n", source);
        if ((out->cert = heap_alloc(cert->cbCertEncoded)))
        {
            memcpy(out->cert, cert->pbCertEncoded, cert->cbCertEncoded);
            out->cert_len = cert->cbCertEncoded;
            ret = build_chain(cert, store, out);
        }
        else ret = ERROR_OUTOFMEMORY;
    }
    CertFreeCertificateContext(cert);
    CertCloseStore(store, 0);
    if (ret) certkey_free(out);
    return ret;
}

void certkey_free(struct certkey *ck)
{
    if (!ck) return;
    HeapFree(GetProcessHeap(), 0, ck->cert);
    HeapFree(GetProcessHeap(), 0, ck->chain);
    wipe_free(ck->key, ck->key_len);
    memset(ck, 0, sizeof(*ck));
}

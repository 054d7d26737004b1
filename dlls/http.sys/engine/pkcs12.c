#include <stdint.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "pkcs12.h"
#include "httpsys_proto.h"
#include "log.h"

#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_DATA      13
#define ERROR_INVALID_PASSWORD  86

/* PFX files made with "-legacy" (RC2, 3DES) need OpenSSL's legacy provider. */
static OSSL_PROVIDER *legacy_provider, *default_provider;

static void load_providers(void)
{
    static int done;
    if (done) return;
    done = 1;
    if (!(legacy_provider = OSSL_PROVIDER_load(NULL, "legacy")))
        WARN("OpenSSL's legacy provider is missing: old PFX files will not read");
    default_provider = OSSL_PROVIDER_load(NULL, "default");
    ERR_clear_error();
}

void hs_pkcs12_cleanup(void)
{
    if (legacy_provider) OSSL_PROVIDER_unload(legacy_provider);
    if (default_provider) OSSL_PROVIDER_unload(default_provider);
    legacy_provider = default_provider = NULL;
}

static void add_item(struct hs_buf *out, uint8_t type, const void *data, uint32_t len)
{
    struct hs_pkcs12_item item = { type, { 0, 0, 0 }, len };
    hs_buf_add(out, &item, sizeof(item));
    hs_buf_add(out, data, len);
    hs_buf_pad(out, 4);
}

static void add_cert(struct hs_buf *out, uint8_t type, X509 *cert)
{
    unsigned char *der = NULL;
    int len = i2d_X509(cert, &der);
    if (len > 0) add_item(out, type, der, (uint32_t)len);
    OPENSSL_free(der);
}

static void add_key(struct hs_buf *out, EVP_PKEY *pkey)
{
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pkey);
    unsigned char *der = NULL;
    int len = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1;

    if (len > 0) add_item(out, HS_P12_KEY_PKCS8, der, (uint32_t)len);
    if (der) OPENSSL_clear_free(der, (size_t)(len > 0 ? len : 0));
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA)
    {
        /* also in CryptoAPI's own form, for a CSP container */
        BIO *bio = BIO_new(BIO_s_mem());
        char *data;
        long n;
        if (bio && i2b_PrivateKey_bio(bio, pkey) > 0 && (n = BIO_get_mem_data(bio, &data)) > 0)
        {
            add_item(out, HS_P12_KEY_MSBLOB, data, (uint32_t)n);
            OPENSSL_cleanse(data, (size_t)n);
        }
        BIO_free(bio);
    }
}

uint32_t hs_pkcs12_parse(const uint8_t *pfx, size_t len, const char *password, size_t pass_len,
                         EVP_PKEY **pkey, X509 **cert, STACK_OF(X509) **ca)
{
    char pass[1024];
    PKCS12 *p12;
    BIO *bio;
    uint32_t ret = 0;

    load_providers();
    *pkey = NULL;
    *cert = NULL;
    *ca = NULL;
    if (pass_len >= sizeof(pass) || len > INT32_MAX) return ERROR_INVALID_DATA;
    memcpy(pass, password, pass_len);
    pass[pass_len] = 0;
    if (!(bio = BIO_new_mem_buf(pfx, (int)len)))
    {
        OPENSSL_cleanse(pass, sizeof(pass));
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    p12 = d2i_PKCS12_bio(bio, NULL);
    BIO_free(bio);
    if (!p12) ret = ERROR_INVALID_DATA;
    /* an empty password may have been set as "no password" */
    else if (!PKCS12_verify_mac(p12, pass, (int)pass_len) && !(pass_len == 0 && PKCS12_verify_mac(p12, NULL, 0)))
        ret = ERROR_INVALID_PASSWORD;
    else if (!PKCS12_parse(p12, pass_len || PKCS12_verify_mac(p12, pass, 0) ? pass : NULL, pkey, cert, ca))
        ret = ERROR_INVALID_DATA;
    OPENSSL_cleanse(pass, sizeof(pass));
    PKCS12_free(p12);
    ERR_clear_error();
    return ret;
}

uint32_t hs_pkcs12_read(const uint8_t *in, uint32_t in_len, struct hs_buf *out)
{
    EVP_PKEY *pkey;
    X509 *cert;
    STACK_OF(X509) *ca;
    uint32_t pass_len, ret;
    int i;

    if (in_len < 4) return ERROR_INVALID_DATA;
    memcpy(&pass_len, in, 4);
    if (pass_len > in_len - 4) return ERROR_INVALID_DATA;
    ret = hs_pkcs12_parse(in + 4 + pass_len, in_len - 4 - pass_len, (const char *)in + 4, pass_len, &pkey, &cert, &ca);
    if (!ret)
    {
        if (pkey) add_key(out, pkey);
        if (cert) add_cert(out, HS_P12_CERT, cert);
        for (i = 0; ca && i < sk_X509_num(ca); i++) add_cert(out, HS_P12_CA, sk_X509_value(ca, i));
        if (out->failed) ret = ERROR_NOT_ENOUGH_MEMORY;
    }
    EVP_PKEY_free(pkey);
    X509_free(cert);
    sk_X509_pop_free(ca, X509_free);
    return ret;
}

void hs_pkcs12_wipe(struct hs_buf *out)
{
    if (out->data) OPENSSL_cleanse(out->data, out->cap);
    hs_buf_free(out);
}

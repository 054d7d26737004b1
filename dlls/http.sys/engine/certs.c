#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/sha.h>

#include "buf.h"
#include "certs.h"
#include "control.h"
#include "engine.h"
#include "pkcs12.h"
#include "log.h"

#define ERROR_NOT_ENOUGH_MEMORY    8
#define ERROR_INVALID_DATA         13
#define ERROR_NO_SUCH_LOGON_SESSION 1312
#define RETRY_MS                   5000   /* a failed certificate is asked for again after this */

/* ------------------------------------------------------------------------ */
/* material                                                                  */
/* ------------------------------------------------------------------------ */

void hs_cert_material_ref(struct hs_cert_material *m)
{
    m->refs++;
}

void hs_cert_material_unref(struct hs_cert_material *m)
{
    if (!m || --m->refs) return;
    X509_free(m->cert);
    EVP_PKEY_free(m->key);
    sk_X509_pop_free(m->chain, X509_free);
    free(m->issuer);
    free(m->subject);
    free(m);
}

/* Windows' short names for the attributes CertNameToStr knows. */
static const char *x500_key(int nid)
{
    switch (nid)
    {
    case NID_commonName: return "CN";
    case NID_localityName: return "L";
    case NID_organizationName: return "O";
    case NID_organizationalUnitName: return "OU";
    case NID_pkcs9_emailAddress: return "E";
    case NID_countryName: return "C";
    case NID_stateOrProvinceName: return "S";
    case NID_streetAddress: return "STREET";
    case NID_title: return "T";
    case NID_givenName: return "G";
    case NID_initials: return "I";
    case NID_surname: return "SN";
    case NID_domainComponent: return "DC";
    case NID_serialNumber: return "SERIALNUMBER";
    case NID_postalCode: return "PostalCode";
    case NID_description: return "Description";
    default: return NULL;
    }
}

static int needs_quotes(const unsigned char *v, int len)
{
    int i;

    if (!len) return 1;
    if (v[0] == ' ' || v[len - 1] == ' ') return 1;
    for (i = 0; i < len; i++)
        if (strchr(",+=\"\n<>#;", v[i]) && v[i]) return 1;
    return 0;
}

char *hs_x500_name_string(const X509_NAME *name)
{
    struct hs_buf out = { 0 };
    int i, n = X509_NAME_entry_count(name), prev_set = -1;

    for (i = 0; i < n; i++)
    {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);
        const char *key = x500_key(OBJ_obj2nid(obj));
        unsigned char *utf8 = NULL;
        int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        int set = X509_NAME_ENTRY_set(e);
        char oid[128];

        if (i) hs_buf_adds(&out, set == prev_set ? " + " : ", ");   /* a multi-valued RDN, or the next one */
        prev_set = set;
        if (!key)
        {
            OBJ_obj2txt(oid, sizeof(oid), obj, 1);
            hs_buf_add(&out, "OID.", 4);
            key = oid;
        }
        hs_buf_add(&out, key, strlen(key));
        hs_buf_add(&out, "=", 1);
        if (len < 0) len = 0;
        if (needs_quotes(utf8, len))
        {
            int j;
            hs_buf_add(&out, "\"", 1);
            for (j = 0; j < len; j++)
            {
                if (utf8[j] == '"') hs_buf_add(&out, "\"", 1);
                hs_buf_add(&out, utf8 + j, 1);
            }
            hs_buf_add(&out, "\"", 1);
        }
        else hs_buf_add(&out, utf8, (size_t)len);
        OPENSSL_free(utf8);
    }
    hs_buf_add(&out, "", 1);
    if (out.failed)
    {
        hs_buf_free(&out);
        return NULL;
    }
    return (char *)out.data;
}

uint32_t hs_cert_material_new(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain, struct hs_cert_material **out)
{
    struct hs_cert_material *m;
    unsigned int id_len = 0;

    *out = NULL;
    if (!cert || !key)
    {
        X509_free(cert);
        EVP_PKEY_free(key);
        sk_X509_pop_free(chain, X509_free);
        return cert ? ERROR_NO_SUCH_LOGON_SESSION : ERROR_INVALID_DATA;
    }
    if (!(m = calloc(1, sizeof(*m))) || (!chain && !(chain = sk_X509_new_null())))
    {
        free(m);
        X509_free(cert);
        EVP_PKEY_free(key);
        sk_X509_pop_free(chain, X509_free);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    m->refs = 1;
    m->cert = cert;
    m->key = key;
    m->chain = chain;
    if (!X509_check_private_key(cert, key))
    {
        ERR_clear_error();
        hs_cert_material_unref(m);
        return ERROR_NO_SUCH_LOGON_SESSION;   /* the key is not the certificate's */
    }
    m->key_bits = (uint16_t)EVP_PKEY_get_bits(X509_get0_pubkey(cert));
    m->issuer = hs_x500_name_string(X509_get_issuer_name(cert));
    m->subject = hs_x500_name_string(X509_get_subject_name(cert));
    if (!m->issuer || !m->subject)
    {
        hs_cert_material_unref(m);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    m->issuer_len = (uint32_t)strlen(m->issuer);
    m->subject_len = (uint32_t)strlen(m->subject);
    X509_digest(cert, EVP_sha256(), m->id, &id_len);
    *out = m;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* replies                                                                   */
/* ------------------------------------------------------------------------ */

struct reader { const uint8_t *p; uint32_t left; };

static int read_blob(struct reader *r, const uint8_t **data, uint32_t *len)
{
    if (r->left < 4) return 0;
    memcpy(len, r->p, 4);
    if (*len > r->left - 4) return 0;
    *data = r->p + 4;
    r->p += 4 + *len;
    r->left -= 4 + *len;
    return 1;
}

static X509 *der_cert(const uint8_t *der, uint32_t len)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, len);
    if (x && p != der + len) { X509_free(x); x = NULL; }
    return x;
}

static uint32_t parse_der_material(struct reader *r, struct hs_cert_material **out)
{
    const uint8_t *data;
    uint32_t len, count, i;
    X509 *cert = NULL;
    STACK_OF(X509) *chain = sk_X509_new_null();
    EVP_PKEY *key = NULL;

    if (!chain) return ERROR_NOT_ENOUGH_MEMORY;
    if (!read_blob(r, &data, &len) || !(cert = der_cert(data, len))) goto bad;
    if (r->left < 4) goto bad;
    memcpy(&count, r->p, 4);
    r->p += 4;
    r->left -= 4;
    for (i = 0; i < count; i++)
    {
        X509 *x;
        if (!read_blob(r, &data, &len) || !(x = der_cert(data, len))) goto bad;
        if (!sk_X509_push(chain, x)) { X509_free(x); goto bad; }
    }
    if (!read_blob(r, &data, &len)) goto bad;
    {
        const unsigned char *p = data;
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len);
        if (p8) key = EVP_PKCS82PKEY(p8);
        PKCS8_PRIV_KEY_INFO_free(p8);
    }
    if (!key) goto bad;
    return hs_cert_material_new(cert, key, chain, out);
bad:
    ERR_clear_error();
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    return ERROR_INVALID_DATA;
}

static uint32_t parse_pkcs12_material(struct reader *r, struct hs_cert_material **out)
{
    const uint8_t *pfx, *pass;
    uint32_t pfx_len, pass_len, err;
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *ca;

    if (!read_blob(r, &pfx, &pfx_len) || !read_blob(r, &pass, &pass_len)) return ERROR_INVALID_DATA;
    if ((err = hs_pkcs12_parse(pfx, pfx_len, (const char *)pass, pass_len, &key, &cert, &ca))) return err;
    return hs_cert_material_new(cert, key, ca, out);
}

/* ------------------------------------------------------------------------ */
/* the cache                                                                 */
/* ------------------------------------------------------------------------ */

static void entry_settle(struct hs_cert_entry *e)
{
    while (!hs_list_empty(&e->waiters))
    {
        struct hs_cert_waiter *w = HS_CONTAINER(e->waiters.next, struct hs_cert_waiter, link);
        hs_list_remove(&w->link);
        w->ready(w);
    }
}

static void entry_free(struct hs_cert_entry *e)
{
    hs_list_remove(&e->link);
    hs_cert_material_unref(e->m);
    free(e);
}

static void copy_utf16(uint16_t *dst, size_t cap, const char *src)
{
    size_t i;
    for (i = 0; i + 1 < cap && src[i]; i++) dst[i] = (unsigned char)src[i];
    dst[i] = 0;
}

static void start_fetch(struct hs_engine *eng, struct hs_cert_entry *e)
{
    struct hs_msg_cert_request req;

    memset(&req, 0, sizeof(req));
    req.source = e->source;
    req.hash_len = e->hash_len;
    memcpy(req.hash, e->hash, sizeof(req.hash));
    if (e->source == HS_CERT_FROM_CCS) copy_utf16(req.host, 256, e->name);
    else copy_utf16(req.store, 128, e->name);
    e->state = HS_CERT_FETCHING;
    e->op = ++eng->next_cert_op;
    TRACE("asking the driver for certificate %llu", (unsigned long long)e->op);
    hs_control_send(eng->ctl, HS_MSG_CERT_REQUEST, e->op, 0, &req, sizeof(req), NULL, 0);
}

struct hs_cert_entry *hs_certs_for_binding(struct hs_engine *eng, const struct hs_ssl_binding *b,
                                           const char *sni_host)
{
    struct hs_list *cur;
    struct hs_cert_entry *e;
    uint32_t source = b->kind == HS_SSL_CCS ? HS_CERT_FROM_CCS : HS_CERT_FROM_STORE;
    char name[256];
    size_t i;
    const char *src = source == HS_CERT_FROM_CCS ? (sni_host ? sni_host : "") : (b->store[0] ? b->store : "MY");

    for (i = 0; i + 1 < sizeof(name) && src[i]; i++)
        name[i] = (char)(source == HS_CERT_FROM_CCS ? tolower((unsigned char)src[i]) : toupper((unsigned char)src[i]));
    name[i] = 0;

    HS_LIST_FOR_EACH(cur, &eng->certs)
    {
        e = HS_CONTAINER(cur, struct hs_cert_entry, link);
        if (e->source != source || strcmp(e->name, name)) continue;
        if (source == HS_CERT_FROM_STORE && (e->hash_len != b->hash_len || memcmp(e->hash, b->hash, b->hash_len)))
            continue;
        if (e->state == HS_CERT_FAILED && hs_now_ms() >= e->retry_at_ms) start_fetch(eng, e);
        return e;
    }
    if (!(e = calloc(1, sizeof(*e)))) return NULL;
    e->source = source;
    if (source == HS_CERT_FROM_STORE)
    {
        e->hash_len = b->hash_len > sizeof(e->hash) ? sizeof(e->hash) : b->hash_len;
        memcpy(e->hash, b->hash, e->hash_len);
    }
    memcpy(e->name, name, sizeof(name));
    hs_list_init(&e->waiters);
    hs_list_add_tail(&eng->certs, &e->link);
    start_fetch(eng, e);
    return e;
}

void hs_certs_wait(struct hs_cert_entry *e, struct hs_cert_waiter *w)
{
    hs_list_add_tail(&e->waiters, &w->link);
}

void hs_certs_cancel_wait(struct hs_cert_waiter *w)
{
    hs_list_remove(&w->link);
}

void hs_certs_on_reply(struct hs_engine *eng, uint64_t op, const uint8_t *body, uint32_t len)
{
    struct hs_list *cur;
    struct hs_cert_entry *e = NULL;
    struct hs_msg_cert_reply reply;
    struct reader r;
    uint32_t err;

    HS_LIST_FOR_EACH(cur, &eng->certs)
    {
        struct hs_cert_entry *x = HS_CONTAINER(cur, struct hs_cert_entry, link);
        if (x->state == HS_CERT_FETCHING && x->op == op) e = x;
    }
    if (!e) return;   /* forgotten meanwhile */
    if (len < sizeof(reply)) err = ERROR_INVALID_DATA;
    else
    {
        memcpy(&reply, body, sizeof(reply));
        r.p = body + sizeof(reply);
        r.left = len - (uint32_t)sizeof(reply);
        if ((err = reply.status)) ;
        else if (reply.format == HS_CERT_DER) err = parse_der_material(&r, &e->m);
        else if (reply.format == HS_CERT_PKCS12) err = parse_pkcs12_material(&r, &e->m);
        else err = ERROR_INVALID_DATA;
    }
    if (err)
    {
        WARN("SSL certificate %llu could not be had: error %u", (unsigned long long)op, err);
        e->state = HS_CERT_FAILED;
        e->error = err;
        e->retry_at_ms = hs_now_ms() + RETRY_MS;
    }
    else
    {
        TRACE("SSL certificate %llu ready: %s (%u-bit key)", (unsigned long long)op, e->m->subject, e->m->key_bits);
        e->state = HS_CERT_READY;
    }
    entry_settle(e);
}

void hs_certs_forget_all(struct hs_engine *eng)
{
    struct hs_list old, *cur, *next;

    /* Detach first: a waiter woken below asks again, and must get a fresh
     * entry that reads the store as it is now. */
    hs_list_init(&old);
    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->certs)
    {
        hs_list_remove(cur);
        hs_list_add_tail(&old, cur);
    }
    HS_LIST_FOR_EACH_SAFE(cur, next, &old)
    {
        struct hs_cert_entry *e = HS_CONTAINER(cur, struct hs_cert_entry, link);
        if (e->state == HS_CERT_FETCHING)
        {
            e->state = HS_CERT_FAILED;
            e->error = ERROR_NO_SUCH_LOGON_SESSION;
            entry_settle(e);
        }
        entry_free(e);
    }
}

/*
 * TLS for https connections (see tls.h).
 *
 * Kernel TLS, and what it costs in behaviour
 * ------------------------------------------
 * OpenSSL 3.0 hands a connection's keys to the kernel (SSL_OP_ENABLE_KTLS)
 * once, at the end of the handshake, and can never take them back:
 *
 * - TLS 1.2: renegotiation becomes impossible, and http.sys renegotiates to
 *   ask for a client certificate when HttpReceiveClientCertificate is called
 *   on a connection that has none.  So a TLS 1.2 connection uses kTLS only
 *   when its binding asks for the client certificate in the handshake
 *   (NEGOTIATE_CLIENT_CERT); every other TLS 1.2 connection stays in user
 *   space and keeps renegotiation.
 * - TLS 1.3: post-handshake authentication still works (no key change), but
 *   a client's KeyUpdate(update_requested) makes OpenSSL 3.0 answer with its
 *   own KeyUpdate and switch its send key in user space only, while the
 *   kernel keeps encrypting with the old key: every later byte would reach
 *   the client as garbage.  Policy: when a client asks for a key update on
 *   a connection whose sending is in the kernel, the engine closes the
 *   connection without writing another byte.  What was sent before is
 *   intact; the client sees the connection end (its framing tells it the
 *   response is incomplete) and never a corrupted record.  A KeyUpdate that
 *   does not ask for an answer changes only the client's key, which OpenSSL
 *   reads in user space, and the connection goes on.
 *
 * Sessions and EnableSslCloseNotify
 * ---------------------------------
 * Off (the default): the server sends no close_notify, and a session stays
 * resumable however the connection ends, as long as no TLS error ended it.
 * On: the server sends close_notify before it closes, and the sessions a
 * connection created are dropped from the cache unless the client sent its
 * close_notify.  Session tickets (ENABLE_SESSION_TICKET) carry the session to
 * the client, so a ticket cannot be taken back once issued; without that
 * flag TLS 1.2 resumes by session id and TLS 1.3 by stateful tickets, both
 * from the cache, which DISABLE_SESSION_ID keeps empty for its binding.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "tls.h"
#include "clientcert.h"
#include "conn.h"
#include "engine.h"
#include "log.h"

/* HTTP_SERVICE_CONFIG_SSL_FLAG_* (reference §2.2) */
#define FLAG_NEGOTIATE_CLIENT_CERT 0x0002
#define FLAG_REJECT                0x0008
#define FLAG_DISABLE_TLS13         0x0040
#define FLAG_ENABLE_SESSION_TICKET 0x0800
#define FLAG_DISABLE_TLS12         0x1000
#define FLAG_DISABLE_SESSION_ID    0x4000
#define FLAG_CACHE_CLIENT_HELLO    0x8000

#define SESSION_TIMEOUT_S 36000    /* Schannel's ServerCacheTime default: 10 hours */

/* TLS 1.2 suites, in the server's order: forward-secret AEAD first, then
 * CBC with SHA-2 and SHA-1, then RSA key exchange for old clients, the
 * families Windows offers.  NULL, export, anonymous, RC2, RC4, DES, 3DES and
 * MD5 suites are never in the list (and SSL 2/3, TLS 1.0/1.1 never
 * negotiated): they are broken, whatever the seed's Windows versions did. */
static const char tls12_ciphers[] =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:"
    "ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:"
    "AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA";
static const char tls13_suites[] = "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";

static struct hs_conn *conn_of(const SSL *ssl)
{
    return SSL_get_app_data(ssl);
}

/* ------------------------------------------------------------------------ */
/* the ClientHello, for HttpRequestPropertyTlsClientHello                    */
/* ------------------------------------------------------------------------ */

/* The binding is known only once OpenSSL has read the whole ClientHello, so
 * its records are kept from the start when any binding might want them, and
 * dropped as soon as the chosen binding does not (client_hello).  What is
 * kept is the bytes as the client sent them: each TLS record header (type
 * 22, version, length) and the part of the message it carried.  Windows
 * documents only "the contents of the TLS Client Hello message" as a BYTE[];
 * the records are what ASP.NET Core's Kestrel gives to the same callback, so
 * one parser serves both servers. */

#define HELLO_MAX_RECORDS 32   /* a ClientHello in more records than this is not kept */

struct hs_hello_capture
{
    uint32_t records;
    unsigned overflow : 1;
    uint8_t header[HELLO_MAX_RECORDS][5];
};

static void drop_hello(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;

    free(t->capture);
    t->capture = NULL;
    if (!t->client_hello) return;
    c->eng->hello_count--;
    c->eng->hello_bytes -= t->client_hello_len;
    free(t->client_hello);
    t->client_hello = NULL;
    t->client_hello_len = 0;
}

/* The message and the headers of the records that carried it, as they came. */
static void keep_hello(struct hs_conn *c, const uint8_t *msg, size_t len)
{
    struct hs_tls_conn *t = c->tls;
    const struct hs_hello_capture *h = t->capture;
    size_t total = len, done = 0, i, n;
    uint8_t *out, *p;

    for (i = 0; i < h->records; i++) total += 5;
    if (!h->records || total > UINT32_MAX || !(out = malloc(total))) return;
    p = out;
    for (i = 0; i < h->records && done < len; i++)
    {
        n = ((size_t)h->header[i][3] << 8) | h->header[i][4];
        if (n > len - done) n = len - done;
        memcpy(p, h->header[i], 5);
        memcpy(p + 5, msg + done, n);
        p += 5 + n;
        done += n;
    }
    if (done < len)
    {
        /* the headers do not account for the message: not what came */
        free(out);
        return;
    }
    t->client_hello = out;
    t->client_hello_len = (uint32_t)(p - out);
    c->eng->hello_count++;
    c->eng->hello_bytes += t->client_hello_len;
}

static void capture_hello(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
                          void *arg)
{
    struct hs_conn *c = conn_of(ssl);
    struct hs_tls_conn *t = c->tls;
    struct hs_hello_capture *h = t->capture;
    const uint8_t *p = buf;

    (void)version;
    (void)arg;
    if (write_p || !h) return;
    if (content_type == SSL3_RT_HEADER)
    {
        if (len != 5 || p[0] != SSL3_RT_HANDSHAKE) return;
        if (h->records == HELLO_MAX_RECORDS) h->overflow = 1;
        else memcpy(h->header[h->records++], p, 5);
        return;
    }
    if (content_type != SSL3_RT_HANDSHAKE || len < 4) return;
    /* the first handshake message of the client: only the first ClientHello
     * (not the second after a HelloRetryRequest) is the connection's */
    if (p[0] == SSL3_MT_CLIENT_HELLO && !h->overflow) keep_hello(c, p, len);
    free(t->capture);
    t->capture = NULL;
    SSL_set_msg_callback(ssl, NULL);
}

static int any_binding_keeps_hello(const struct hs_records *r)
{
    uint32_t i;

    for (i = 0; i < r->ssl_count; i++)
        if (r->ssl[i].flags & FLAG_CACHE_CLIENT_HELLO) return 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* choosing the binding                                                      */
/* ------------------------------------------------------------------------ */

/* The host name of the SNI extension, lower case; "" if none.  0 if the
 * extension is malformed. */
static int client_sni(SSL *ssl, char *out, size_t cap)
{
    const unsigned char *p;
    size_t len, i;

    out[0] = 0;
    if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len)) return 1;
    if (len < 2 || (size_t)((p[0] << 8) | p[1]) != len - 2) return 0;
    p += 2;
    len -= 2;
    while (len >= 3)
    {
        size_t n = (size_t)((p[1] << 8) | p[2]);
        if (n > len - 3) return 0;
        if (p[0] == 0 /* host_name */)
        {
            if (!n || n >= cap) return 0;
            for (i = 0; i < n; i++)
            {
                unsigned char ch = p[3 + i];
                if (ch <= ' ' || ch >= 0x7f) return 0;
                out[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
            }
            out[n] = 0;
            return 1;
        }
        p += 3 + n;
        len -= 3 + n;
    }
    return len == 0;
}

/* Whether the client offers TLS 1.3 (supported_versions). */
static int client_offers_tls13(SSL *ssl)
{
    const unsigned char *p;
    size_t len, i;

    if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_versions, &p, &len) || len < 1 || p[0] != len - 1)
        return 0;
    for (i = 1; i + 1 < len; i += 2)
        if (p[i] == 0x03 && p[i + 1] == 0x04) return 1;
    return 0;
}

/* The address as 4 or 16 bytes (an IPv4-mapped IPv6 address as IPv4);
 * returns 4 or 6. */
static int ip_of(const struct sockaddr *sa, uint8_t ip[16])
{
    if (sa->sa_family == AF_INET6)
    {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) { memcpy(ip, a->s6_addr + 12, 4); return 4; }
        memcpy(ip, a->s6_addr, 16);
        return 6;
    }
    memcpy(ip, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    return 4;
}

static int is_any(const uint8_t ip[16], int family)
{
    static const uint8_t zero[16];
    return !memcmp(ip, zero, family == 6 ? 16 : 4);
}

static uint16_t port_of(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
    return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

static int sni_matches(const struct hs_ssl_binding *b, const char *sni)
{
    const char *colon = strrchr(b->subject, ':');
    size_t n = colon ? (size_t)(colon - b->subject) : strlen(b->subject);
    return strlen(sni) == n && !strncasecmp(b->subject, sni, n);
}

/* Windows' lookup order (reference §3.1): SNI host:port, IP:port, the
 * wildcard of the connection's family then of the other, and the central
 * certificate store binding of the port. */
static const struct hs_ssl_binding *find_binding(const struct hs_records *r, const char *sni,
                                                 const struct sockaddr *local)
{
    uint8_t ip[16], bip[16];
    int family = ip_of(local, ip), pass;
    uint16_t port = port_of(local);
    uint32_t i;

    if (sni[0])
        for (i = 0; i < r->ssl_count; i++)
            if (r->ssl[i].kind == HS_SSL_SNI && r->ssl[i].port == port && sni_matches(&r->ssl[i], sni))
                return &r->ssl[i];
    for (pass = 0; pass < 3; pass++)
        for (i = 0; i < r->ssl_count; i++)
        {
            const struct hs_ssl_binding *b = &r->ssl[i];
            int bfam;
            if (b->kind != HS_SSL_IP || b->port != port) continue;
            bfam = ip_of((const struct sockaddr *)&b->addr, bip);
            if (pass == 0 && bfam == family && !is_any(bip, bfam) && !memcmp(ip, bip, family == 6 ? 16 : 4)) return b;
            if (pass == 1 && bfam == family && is_any(bip, bfam)) return b;
            if (pass == 2 && bfam != family && is_any(bip, bfam)) return b;
        }
    for (i = 0; i < r->ssl_count; i++)
        if (r->ssl[i].kind == HS_SSL_CCS && r->ssl[i].port == port) return &r->ssl[i];
    return NULL;
}

int hs_tls_accept_any_certificate(int ok, X509_STORE_CTX *store)
{
    (void)ok;
    (void)store;
    return 1;   /* the chain is judged with Windows' rules when the application asks */
}

/* Makes the connection serve this binding's certificate with its flags. */
static int apply_binding(SSL *ssl, struct hs_tls_conn *t, const struct hs_ssl_binding *b, int kernel_ssl)
{
    struct hs_cert_material *m = t->cert;
    int min = TLS1_2_VERSION, max = TLS1_3_VERSION, tls13;
    unsigned char sid[EVP_MAX_MD_SIZE];
    unsigned int sid_len = 0;
    EVP_MD_CTX *md;
    int ok;

    if (b->flags & FLAG_DISABLE_TLS12) min = TLS1_3_VERSION;
    if (b->flags & FLAG_DISABLE_TLS13) max = TLS1_2_VERSION;
    if (min > max) return 0;   /* no version left: nothing to negotiate */
    if (!SSL_set_min_proto_version(ssl, min) || !SSL_set_max_proto_version(ssl, max)) return 0;
    if (!SSL_use_cert_and_key(ssl, m->cert, m->key, m->chain, 1)) return 0;
    if (b->flags & FLAG_NEGOTIATE_CLIENT_CERT)
        SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, hs_tls_accept_any_certificate);
    if (b->flags & FLAG_ENABLE_SESSION_TICKET) SSL_clear_options(ssl, SSL_OP_NO_TICKET);
    /* sessions resume only on the binding and certificate that made them */
    if (!(md = EVP_MD_CTX_new())) return 0;
    ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, b->subject, strlen(b->subject) + 1) &&
         EVP_DigestUpdate(md, m->id, sizeof(m->id)) && EVP_DigestFinal_ex(md, sid, &sid_len);
    EVP_MD_CTX_free(md);
    if (!ok || !SSL_set_session_id_context(ssl, sid, sid_len)) return 0;
    tls13 = max == TLS1_3_VERSION && client_offers_tls13(ssl);
    if (kernel_ssl && (tls13 || (b->flags & FLAG_NEGOTIATE_CLIENT_CERT))) SSL_set_options(ssl, SSL_OP_ENABLE_KTLS);
    t->binding_flags = b->flags;
    if (!(b->flags & FLAG_CACHE_CLIENT_HELLO)) drop_hello(conn_of(ssl));
    t->check_mode = b->checkmode;
    t->freshness = b->freshness;
    t->url_timeout = b->urltimeout;
    return 1;
}

static void certificate_ready(struct hs_cert_waiter *w)
{
    struct hs_tls_conn *t = HS_CONTAINER(w, struct hs_tls_conn, wait);
    struct hs_conn *c = conn_of(t->ssl);

    t->waiting_cert = 0;
    hs_conn_tls_continue(c);
}

static int client_hello(SSL *ssl, int *alert, void *arg)
{
    struct hs_conn *c = conn_of(ssl);
    struct hs_engine *eng = c->eng;
    struct hs_tls_conn *t = c->tls;
    const struct hs_ssl_binding *b;
    struct hs_cert_entry *e;

    (void)arg;
    *alert = SSL_AD_HANDSHAKE_FAILURE;
    if (!client_sni(ssl, t->sni, sizeof(t->sni)))
    {
        *alert = SSL_AD_DECODE_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    if (!(b = find_binding(&eng->records, t->sni, &c->local.sa)))
    {
        TRACE("connection %llu: no SSL binding for %s port %u", (unsigned long long)c->id,
              t->sni[0] ? t->sni : "(no SNI)", port_of(&c->local.sa));
        return SSL_CLIENT_HELLO_ERROR;
    }
    if (b->flags & FLAG_REJECT)
    {
        TRACE("connection %llu: binding %s rejects connections", (unsigned long long)c->id, b->subject);
        return SSL_CLIENT_HELLO_ERROR;
    }
    if (b->kind == HS_SSL_CCS && !t->sni[0])
    {
        TRACE("connection %llu: central certificate store binding and no SNI", (unsigned long long)c->id);
        return SSL_CLIENT_HELLO_ERROR;
    }
    if (!(e = hs_certs_for_binding(eng, b, t->sni))) return SSL_CLIENT_HELLO_ERROR;
    if (e->state == HS_CERT_FETCHING)
    {
        t->wait.ready = certificate_ready;
        hs_certs_wait(e, &t->wait);
        t->waiting_cert = 1;
        return SSL_CLIENT_HELLO_RETRY;
    }
    if (e->state != HS_CERT_READY)
    {
        TRACE("connection %llu: the certificate of %s is not available (error %u)", (unsigned long long)c->id,
              b->subject, e->error);
        return SSL_CLIENT_HELLO_ERROR;
    }
    hs_cert_material_unref(t->cert);
    t->cert = e->m;
    hs_cert_material_ref(t->cert);
    if (!apply_binding(ssl, t, b, eng->cfg.enable_kernel_ssl != 0))
    {
        ERR_clear_error();
        *alert = SSL_AD_PROTOCOL_VERSION;
        return SSL_CLIENT_HELLO_ERROR;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* kernel TLS, KeyUpdate, sessions                                           */
/* ------------------------------------------------------------------------ */

/* Handshake messages from the client after the handshake: a KeyUpdate
 * that asks for an answer (under kernel TLS), the Finished that ends the
 * answer to a certificate request. */
static void watch_messages(int write_p, int version, int content_type, const void *buf, size_t len,
                           SSL *ssl, void *arg)
{
    const unsigned char *p = buf;
    struct hs_tls_conn *t = conn_of(ssl)->tls;

    (void)version;
    (void)arg;
    if (write_p || content_type != SSL3_RT_HANDSHAKE || len < 4) return;
    if (t->ktls_tx && len >= 5 && p[0] == SSL3_MT_KEY_UPDATE && p[4] == SSL_KEY_UPDATE_REQUESTED)
        t->key_update = 1;
    if (t->cert_asked && p[0] == SSL3_MT_FINISHED) t->peer_finished = 1;
}

void hs_tls_watch_handshake(struct hs_conn *c)
{
    SSL_set_msg_callback(c->tls->ssl, watch_messages);
}

static void info(const SSL *ssl, int where, int ret)
{
    struct hs_conn *c = conn_of(ssl);

    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE) || !c || !c->tls) return;
    if (!c->tls->ktls_tx && BIO_get_ktls_send(SSL_get_wbio(ssl)))
    {
        c->tls->ktls_tx = 1;
        hs_tls_watch_handshake(c);
        TRACE("connection %llu: kernel TLS sends (%s)", (unsigned long long)c->id, SSL_get_version(ssl));
    }
    hs_client_cert_handshake_done(c);
}

static int new_session(SSL *ssl, SSL_SESSION *sess)
{
    struct hs_conn *c = conn_of(ssl);
    struct hs_tls_conn *t = c->tls;

    if (t->binding_flags & FLAG_DISABLE_SESSION_ID) SSL_CTX_remove_session(SSL_get_SSL_CTX(ssl), sess);
    else if (c->eng->cfg.enable_ssl_close_notify && t->session_count < HS_TLS_MAX_SESSIONS)
    {
        SSL_SESSION_up_ref(sess);
        t->sessions[t->session_count++] = sess;
    }
    return 0;   /* the cache keeps its own reference */
}

int hs_tls_init(struct hs_engine *eng)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    static const unsigned char context[] = "httpsys";

    if (!ctx) return -1;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
    if (!eng->cfg.enable_ssl_close_notify) SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                     SSL_MODE_RELEASE_BUFFERS);
    if (!SSL_CTX_set_cipher_list(ctx, tls12_ciphers) || !SSL_CTX_set_ciphersuites(ctx, tls13_suites))
    {
        SSL_CTX_free(ctx);
        return -1;
    }
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_set_timeout(ctx, SESSION_TIMEOUT_S);
    SSL_CTX_set_session_id_context(ctx, context, sizeof(context) - 1);
    SSL_CTX_sess_set_new_cb(ctx, new_session);
    SSL_CTX_set_client_hello_cb(ctx, client_hello, NULL);
    SSL_CTX_set_info_callback(ctx, info);
    SSL_CTX_set_dh_auto(ctx, 1);
    eng->tls_ctx = ctx;
    return 0;
}

void hs_tls_free(struct hs_engine *eng)
{
    SSL_CTX_free(eng->tls_ctx);
    eng->tls_ctx = NULL;
}

/* ------------------------------------------------------------------------ */
/* connections                                                               */
/* ------------------------------------------------------------------------ */

int hs_tls_conn_start(struct hs_conn *c)
{
    struct hs_tls_conn *t = calloc(1, sizeof(*t));

    if (!t || !c->eng->tls_ctx || !(t->ssl = SSL_new(c->eng->tls_ctx)))
    {
        free(t);
        return -1;
    }
    if (!SSL_set_fd(t->ssl, c->fd))
    {
        SSL_free(t->ssl);
        free(t);
        return -1;
    }
    SSL_set_app_data(t->ssl, c);
    SSL_set_accept_state(t->ssl);
    hs_list_init(&t->wait.link);
    hs_list_init(&t->cert_ops);
    if (any_binding_keeps_hello(&c->eng->records) && (t->capture = calloc(1, sizeof(*t->capture))))
        SSL_set_msg_callback(t->ssl, capture_hello);
    c->tls = t;
    return 0;
}

/* The outcome of an SSL call that did not move bytes, as errno. */
static ssize_t failed_call(struct hs_conn *c, int ret, int from_read)
{
    struct hs_tls_conn *t = c->tls;
    int saved = errno;

    switch (SSL_get_error(t->ssl, ret))
    {
    case SSL_ERROR_WANT_READ:
        if (!from_read) t->write_wants_read = 1;
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_WANT_WRITE:
        if (from_read) t->read_wants_write = 1;
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_WANT_CLIENT_HELLO_CB:
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        /* kTLS reports a would-block this way (ktls.md) */
        if (saved == EAGAIN || saved == EINTR) { errno = EAGAIN; return -1; }
        if (!saved) return 0;   /* the peer closed the connection */
        t->failed = 1;
        errno = saved;
        return -1;
    default:
    {
        unsigned long e = ERR_peek_last_error();
        TRACE("connection %llu: TLS error: %s", (unsigned long long)c->id, e ? ERR_reason_error_string(e) : "?");
        t->failed = 1;
        ERR_clear_error();
        errno = ECONNRESET;
        return -1;
    }
    }
}

static ssize_t key_update_refused(struct hs_conn *c)
{
    TRACE("connection %llu: the client asked for a key update while the kernel sends: closing without "
          "another byte", (unsigned long long)c->id);
    c->tls->failed = 1;
    errno = ECONNRESET;
    return -1;
}

ssize_t hs_tls_read(struct hs_conn *c, void *buf, size_t len)
{
    struct hs_tls_conn *t = c->tls;
    int n;

    if (t->waiting_cert) { errno = EAGAIN; return -1; }
    t->read_wants_write = 0;
    ERR_clear_error();
    errno = 0;
    n = SSL_read(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    if (t->key_update) return key_update_refused(c);
    if (t->cert_asked) hs_client_cert_after_read(c);
    if (n > 0) return n;
    return failed_call(c, n, 1);
}

ssize_t hs_tls_write(struct hs_conn *c, const void *buf, size_t len)
{
    struct hs_tls_conn *t = c->tls;
    int n;

    if (t->key_update) return key_update_refused(c);
    if (t->waiting_cert) { errno = EAGAIN; return -1; }
    t->write_wants_read = 0;
    ERR_clear_error();
    errno = 0;
    n = SSL_write(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
    if (t->key_update) return key_update_refused(c);
    if (n > 0) return n;
    n = (int)failed_call(c, n, 0);
    if (n == 0) { errno = EPIPE; return -1; }
    return n;
}

ssize_t hs_tls_sendfile(struct hs_conn *c, int fd, uint64_t offset, size_t len)
{
    struct hs_tls_conn *t = c->tls;
    ossl_ssize_t n;

    if (!t->ktls_tx) return -2;
    if (t->key_update) return key_update_refused(c);
    ERR_clear_error();
    errno = 0;
    n = SSL_sendfile(t->ssl, fd, (off_t)offset, len, 0);
    if (n >= 0) return (ssize_t)n;
    n = failed_call(c, (int)n, 0);
    if (n == 0) { errno = EPIPE; return -1; }
    return (ssize_t)n;
}

int hs_tls_pending(const struct hs_conn *c)
{
    return c->tls && SSL_pending(c->tls->ssl) > 0;
}

void hs_tls_close_notify(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;

    if (!t || !c->eng->cfg.enable_ssl_close_notify || t->failed || t->key_update) return;
    if (!SSL_is_init_finished(t->ssl) || (SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN)) return;
    ERR_clear_error();
    SSL_shutdown(t->ssl);
    ERR_clear_error();
}

void hs_tls_conn_free(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;
    unsigned int i;

    if (!t) return;
    hs_client_cert_conn_gone(c);
    if (t->waiting_cert) hs_certs_cancel_wait(&t->wait);
    if (!t->failed && SSL_is_init_finished(t->ssl))
    {
        /* With EnableSslCloseNotify, a client that did not say goodbye
         * cannot resume; otherwise every session that ended without a TLS
         * error stays (SSL_free would drop it for a missing shutdown). */
        if (c->eng->cfg.enable_ssl_close_notify && !(SSL_get_shutdown(t->ssl) & SSL_RECEIVED_SHUTDOWN))
            for (i = 0; i < t->session_count; i++) SSL_CTX_remove_session(c->eng->tls_ctx, t->sessions[i]);
        SSL_set_shutdown(t->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    }
    for (i = 0; i < t->session_count; i++) SSL_SESSION_free(t->sessions[i]);
    SSL_free(t->ssl);
    ERR_clear_error();
    free(t->client_cert);
    drop_hello(c);
    hs_cert_material_unref(t->cert);
    free(t);
    c->tls = NULL;
}

/*
 * Client certificates (see clientcert.h).
 *
 * CertFlags is the chain's CERT_TRUST_* error status as CertGetCertificateChain
 * reports it in the prefix, under the binding's DefaultCertCheckMode; the
 * driver computes it (HS_MSG_CHAIN_REQUEST) because the trust anchors are
 * the Windows stores, not the host's.  Until it is known the connection's
 * first request is not offered, so that pSslInfo is right when the
 * application sees it.  If the driver cannot verify at all, CertFlags says
 * the chain is partial (CERT_TRUST_IS_PARTIAL_CHAIN): never trusted by
 * mistake.
 *
 * Asking after the handshake
 * --------------------------
 * http.sys renegotiates when HttpReceiveClientCertificate finds no
 * certificate.  Here: TLS 1.2 renegotiates (user-space TLS 1.2 connections
 * keep renegotiation for this: see tls.c); TLS 1.3 uses post-handshake
 * authentication when the client offered it (RFC 8446 §4.6.2), and
 * otherwise there is no way to ask and the answer is ERROR_NOT_FOUND.  A
 * client that answers with no certificate gets ERROR_NOT_FOUND too, and is
 * not asked again on that connection; so is one whose binding already asked
 * in the handshake (NEGOTIATE_CLIENT_CERT).
 *
 * HTTP_RECEIVE_SECURE_CHANNEL_TOKEN returns the channel binding of the
 * connection as Windows' SSPI takes it: a SEC_CHANNEL_BINDINGS structure
 * whose application data is "tls-server-end-point:" and the hash of the
 * server certificate (RFC 5929 §4), defined for TLS 1.2 and 1.3 alike.
 * HTTP_RECEIVE_FULL_CHAIN is accepted and returns the client's certificate
 * as without it.
 */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "clientcert.h"
#include "conntable.h"
#include "conn.h"
#include "control.h"
#include "engine.h"
#include "log.h"
#include "reqimage.h"
#include "tls.h"

#define ERROR_INVALID_PARAMETER   87
#define ERROR_NOT_FOUND           1168
#define ERROR_CONNECTION_INVALID  1229
#define ERROR_NOT_ENOUGH_MEMORY   8
#define CERT_TRUST_IS_PARTIAL_CHAIN 0x10000

/* A client may ignore a HelloRequest (TLS 1.2 allows it) or never answer a
 * CertificateRequest: the calls waiting then get ERROR_NOT_FOUND, as for a
 * client that has no certificate, and the connection goes on. */
#define CERT_REQUEST_TIMEOUT_MS 5000

#define RECEIVE_SECURE_CHANNEL_TOKEN 0x1
#define RECEIVE_FULL_CHAIN           0x2
#define FLAG_NEGOTIATE_CLIENT_CERT   0x2

static void note_certificate(struct hs_tls_conn *t, X509 *peer)
{
    unsigned char *der = NULL;
    int len;

    free(t->client_cert);
    t->client_cert = NULL;
    t->client_cert_len = 0;
    if ((len = i2d_X509(peer, &der)) <= 0) return;
    if ((t->client_cert = malloc((size_t)len)))
    {
        memcpy(t->client_cert, der, (size_t)len);
        t->client_cert_len = (uint32_t)len;
    }
    OPENSSL_free(der);
}

static int add_der(uint8_t **buf, size_t *len, X509 *x)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    uint8_t *p;
    uint32_t n32;

    if (n <= 0) return 0;
    if (!(p = realloc(*buf, *len + 4 + (size_t)n))) { OPENSSL_free(der); return 0; }
    n32 = (uint32_t)n;
    memcpy(p + *len, &n32, 4);
    memcpy(p + *len + 4, der, (size_t)n);
    *buf = p;
    *len += 4 + (size_t)n;
    OPENSSL_free(der);
    return 1;
}

/* Sends the client's certificate and the intermediates it sent to be
 * verified; requests wait for the answer. */
static void verify_chain(struct hs_conn *c, X509 *peer)
{
    struct hs_tls_conn *t = c->tls;
    STACK_OF(X509) *sent = SSL_get_peer_cert_chain(t->ssl);   /* server side: without the leaf */
    struct hs_msg_chain_request req;
    uint8_t *certs = NULL;
    size_t len = 0;
    int i, n = sent ? sk_X509_num(sent) : 0;

    memset(&req, 0, sizeof(req));
    if (c->eng->cfg.disable_ssl_cert_chain_cache_only_url_retrieval) req.flags |= HS_CHAIN_FETCH_URLS;
    req.check_mode = t->check_mode;
    req.freshness_time = t->freshness;
    req.url_timeout = t->url_timeout;
    if (!add_der(&certs, &len, peer)) goto fail;
    req.count = 1;
    for (i = 0; i < n && req.count < HS_CHAIN_MAX_CERTS; i++)
    {
        X509 *x = sk_X509_value(sent, i);
        if (!X509_cmp(x, peer)) continue;
        if (!add_der(&certs, &len, x)) goto fail;
        req.count++;
    }
    t->chain_op = ++c->eng->next_cert_op;
    hs_control_send(c->eng->ctl, HS_MSG_CHAIN_REQUEST, t->chain_op, 0, &req, sizeof(req), certs, (uint32_t)len);
    free(certs);
    return;
fail:
    free(certs);
    WARN("connection %llu: cannot send the client's chain to be verified", (unsigned long long)c->id);
    t->client_cert_flags = CERT_TRUST_IS_PARTIAL_CHAIN;
}

static void complete_cert_op(struct hs_engine *eng, struct hs_tls_conn *t, struct hs_op *op)
{
    uint8_t *out;
    uint32_t err, written;

    if (!t->client_cert)
    {
        hs_engine_complete(eng, op, ERROR_NOT_FOUND, 0, NULL, 0);
        return;
    }
    if (!(out = malloc(HS_CLIENT_CERT_INFO_SIZE + (size_t)t->client_cert_len)))
    {
        hs_engine_complete(eng, op, ERROR_NOT_ENOUGH_MEMORY, 0, NULL, 0);
        return;
    }
    err = hs_client_cert_image(t->client_cert_flags, t->client_cert, t->client_cert_len, op->p.cert.user_address,
                               out, op->out_size, &written);
    hs_engine_complete(eng, op, err, written, err == 122 ? NULL : out, err == 122 ? 0 : written);
    free(out);
}

/* Answers every HttpReceiveClientCertificate call waiting on the
 * connection: with the certificate (or ERROR_NOT_FOUND) once it is final,
 * or with err when the connection goes away. */
static void answer_waiters(struct hs_conn *c, uint32_t err)
{
    struct hs_tls_conn *t = c->tls;

    while (!hs_list_empty(&t->cert_ops))
    {
        struct hs_op *op = HS_CONTAINER(t->cert_ops.next, struct hs_op, wait_link);
        op->cancel = NULL;
        if (err) hs_engine_complete(c->eng, op, err, 0, NULL, 0);   /* unlinks it */
        else complete_cert_op(c->eng, t, op);
    }
}

static void settle(struct hs_conn *c)
{
    answer_waiters(c, 0);
}

/* A certificate from the client (or none): verify it, or settle now. */
static void certificate_arrived(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;
    X509 *peer = SSL_get0_peer_certificate(t->ssl);

    if (!peer)
    {
        settle(c);
        return;
    }
    note_certificate(t, peer);
    t->client_cert_flags = 0;
    verify_chain(c, peer);
    if (!t->chain_op) settle(c);
}

void hs_client_cert_handshake_done(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;

    if (t->handshake_done) return;
    t->handshake_done = 1;
    if (t->binding_flags & FLAG_NEGOTIATE_CLIENT_CERT) t->cert_final = 1;
    if (SSL_get0_peer_certificate(t->ssl)) certificate_arrived(c);
}

void hs_client_cert_after_read(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;

    if (!t || !t->cert_asked || !t->peer_finished) return;
    hs_timer_cancel(c->eng->loop, &t->cert_timer);
    t->cert_asked = 0;
    t->peer_finished = 0;
    t->cert_final = 1;
    TRACE("connection %llu: the client answered the certificate request (%s)", (unsigned long long)c->id,
          SSL_get0_peer_certificate(t->ssl) ? "with a certificate" : "without one");
    certificate_arrived(c);
}

int hs_client_cert_busy(const struct hs_conn *c)
{
    return c->tls && c->tls->chain_op;
}

void hs_client_cert_conn_gone(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;

    if (!t) return;
    hs_timer_cancel(c->eng->loop, &t->cert_timer);
    answer_waiters(c, ERROR_CONNECTION_INVALID);
}

void hs_client_cert_on_chain_reply(struct hs_engine *eng, uint64_t op, const uint8_t *body, uint32_t len)
{
    struct hs_msg_chain_reply reply;
    struct hs_list *e;

    if (len < sizeof(reply))
    {
        WARN("malformed chain reply");
        memset(&reply, 0, sizeof(reply));
        reply.status = ERROR_INVALID_PARAMETER;
    }
    else memcpy(&reply, body, sizeof(reply));
    for (e = eng->conns.next; e != &eng->conns; e = e->next)
    {
        struct hs_conn *c = HS_CONTAINER(e, struct hs_conn, link);
        struct hs_tls_conn *t = c->tls;

        if (!t || t->chain_op != op) continue;
        t->chain_op = 0;
        if (reply.status)
        {
            WARN("connection %llu: the client's chain could not be verified (error %u)", (unsigned long long)c->id,
                 reply.status);
            t->client_cert_flags = CERT_TRUST_IS_PARTIAL_CHAIN;
        }
        else t->client_cert_flags = reply.cert_flags;
        TRACE("connection %llu: client certificate CertFlags %#x", (unsigned long long)c->id, t->client_cert_flags);
        settle(c);
        hs_conn_resume(c);
        return;
    }
}

/* ------------------------------------------------------------------------ */
/* HttpReceiveClientCertificate                                              */
/* ------------------------------------------------------------------------ */

static struct hs_conn *find_conn(struct hs_engine *eng, uint64_t id)
{
    struct hs_conn *c = hs_conn_table_find(eng, id);
    return c && !c->dead ? c : NULL;
}

/* "tls-server-end-point:" + the hash of the server certificate in a
 * SEC_CHANNEL_BINDINGS; 0 or a Win32 error. */
static uint32_t channel_binding(struct hs_tls_conn *t, uint8_t *out, uint32_t *len)
{
    static const char prefix[] = "tls-server-end-point:";
    X509 *cert = t->cert ? t->cert->cert : NULL;
    const EVP_MD *md = NULL;
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int hash_len = 0;
    uint32_t hdr[8] = { 0 };
    int nid = NID_undef;

    if (!cert) return ERROR_NOT_FOUND;
    /* the certificate's signature hash, but SHA-256 for MD5 and SHA-1 (RFC 5929 §4.1) */
    if (X509_get_signature_info(cert, &nid, NULL, NULL, NULL) && nid != NID_md5 && nid != NID_sha1 && nid != NID_undef)
        md = EVP_get_digestbynid(nid);
    if (!md) md = EVP_sha256();
    if (!X509_digest(cert, md, hash, &hash_len)) return ERROR_NOT_FOUND;
    hdr[6] = (uint32_t)(sizeof(prefix) - 1 + hash_len);   /* cbApplicationDataLength */
    hdr[7] = sizeof(hdr);                                  /* dwApplicationDataOffset */
    memcpy(out, hdr, sizeof(hdr));
    memcpy(out + sizeof(hdr), prefix, sizeof(prefix) - 1);
    memcpy(out + sizeof(hdr) + sizeof(prefix) - 1, hash, hash_len);
    *len = (uint32_t)(sizeof(hdr) + sizeof(prefix) - 1 + hash_len);
    return 0;
}

static void cert_request_expired(struct hs_timer *timer)
{
    struct hs_tls_conn *t = HS_CONTAINER(timer, struct hs_tls_conn, cert_timer);
    struct hs_conn *c = SSL_get_app_data(t->ssl);

    TRACE("connection %llu: no answer to the certificate request", (unsigned long long)c->id);
    t->cert_asked = 0;
    t->cert_final = 1;
    settle(c);
}

static void cancel_cert_op(struct hs_op *op)
{
    hs_list_remove(&op->wait_link);
    hs_list_init(&op->wait_link);
}

/* Sends a certificate request on an established connection; 0 or ERROR_NOT_FOUND. */
static uint32_t ask_for_certificate(struct hs_conn *c)
{
    struct hs_tls_conn *t = c->tls;
    int ok;

    SSL_set_verify(t->ssl, SSL_VERIFY_PEER, hs_tls_accept_any_certificate);
    ERR_clear_error();
    if (SSL_version(t->ssl) >= TLS1_3_VERSION) ok = SSL_verify_client_post_handshake(t->ssl);
    else
    {
        /* a full handshake: resuming the session would bring no CertificateRequest */
        SSL_set_options(t->ssl, SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
        ok = !t->ktls_tx && SSL_renegotiate(t->ssl);
    }
    if (!ok)
    {
        TRACE("connection %llu: cannot ask the client for a certificate (%s)", (unsigned long long)c->id,
              SSL_version(t->ssl) >= TLS1_3_VERSION ? "no post-handshake authentication offered" : "renegotiation");
        ERR_clear_error();
        return ERROR_NOT_FOUND;
    }
    t->cert_asked = 1;
    t->peer_finished = 0;
    t->cert_timer.fn = cert_request_expired;
    hs_timer_arm(c->eng->loop, &t->cert_timer, CERT_REQUEST_TIMEOUT_MS);
    hs_tls_watch_handshake(c);
    /* writes the CertificateRequest (or HelloRequest); the answer comes with the reads */
    SSL_do_handshake(t->ssl);
    ERR_clear_error();
    TRACE("connection %llu: asked the client for a certificate", (unsigned long long)c->id);
    return 0;
}

void hs_client_cert_ioctl(struct hs_engine *eng, struct hs_queue *q, struct hs_op *op,
                          const uint8_t *in, uint32_t len)
{
    struct hs_client_cert_params p;
    struct hs_tls_conn *t;
    struct hs_conn *c;
    uint32_t err;

    (void)q;
    if (len < sizeof(p)) { hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0); return; }
    memcpy(&p, in, sizeof(p));
    if (p.flags & ~(uint32_t)(RECEIVE_SECURE_CHANNEL_TOKEN | RECEIVE_FULL_CHAIN))
    {
        hs_engine_complete(eng, op, ERROR_INVALID_PARAMETER, 0, NULL, 0);
        return;
    }
    if (!(c = find_conn(eng, p.connection_id)))
    {
        hs_engine_complete(eng, op, ERROR_CONNECTION_INVALID, 0, NULL, 0);
        return;
    }
    if (!(t = c->tls) || !t->handshake_done)
    {
        hs_engine_complete(eng, op, ERROR_NOT_FOUND, 0, NULL, 0);
        return;
    }
    op->p.cert = p;
    if (p.flags & RECEIVE_SECURE_CHANNEL_TOKEN)
    {
        uint8_t token[32 + 32 + EVP_MAX_MD_SIZE], image[HS_CHANNEL_BIND_STATUS_SIZE + sizeof(token)];
        uint32_t token_len = 0, written;

        if ((err = channel_binding(t, token, &token_len))) { hs_engine_complete(eng, op, err, 0, NULL, 0); return; }
        err = hs_channel_bind_image(token, token_len, p.user_address, image, op->out_size < sizeof(image) ?
                                    op->out_size : (uint32_t)sizeof(image), &written);
        hs_engine_complete(eng, op, err, written, err == 122 ? NULL : image, err == 122 ? 0 : written);
        return;
    }
    if (t->client_cert && !t->chain_op) { complete_cert_op(eng, t, op); return; }
    if (!t->client_cert && !t->cert_asked)
    {
        if (t->cert_final) { hs_engine_complete(eng, op, ERROR_NOT_FOUND, 0, NULL, 0); return; }
        if ((err = ask_for_certificate(c))) { hs_engine_complete(eng, op, err, 0, NULL, 0); return; }
    }
    hs_engine_pend(eng, op, &t->cert_ops, cancel_cert_op);
    if (!c->dead) hs_conn_tls_continue(c);   /* the answer may already be readable */
}

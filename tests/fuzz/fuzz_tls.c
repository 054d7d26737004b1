/*
 * libFuzzer target for the engine's TLS-facing code: a whole engine in this
 * process (harness.h) with SSL bindings for 0.0.0.0:443 and
 * www.example.com:443, a queue registered for https://+:443/, and a client
 * on loopback.
 *
 * Input: one byte of mode, a 16-bit length and that many bytes of the
 * certificate reply the driver sends (HS_MSG_CERT_REPLY body; length 0:
 * the valid one made at start-up), a 16-bit length and the chain reply
 * (HS_MSG_CHAIN_REPLY body), then the client's bytes.
 *   mode bit 0 clear: the client's bytes go to the server as they are (its
 *                     ClientHello, whatever follows);
 *   mode bit 0 set:   an OpenSSL client of the harness does the handshake
 *                     (SNI www.example.com when bit 1 is set, a client
 *                     certificate when bit 2 is, TLS 1.2 only when bit 3
 *                     is) and sends the client's bytes inside TLS; the queue
 *                     then receives the request, asks its TLS properties and
 *                     the client certificate.
 *   bits 4-7 pick the binding's DefaultFlags (client certificates,
 *   TLS 1.2 or 1.3 off, tickets, session ids, reject).
 * That reaches the ClientHello callback (SNI, binding choice, flags), the
 * certificate fetch and the parsing of the driver's certificate material
 * (DER and PKCS#12), the client certificate's chain request and reply,
 * HTTP_SSL_INFO and the TLS request properties.  Checked: memory errors,
 * leaks, and well-formed frames from the engine.
 */
#include "harness.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define FILE_Q 1

static uint8_t *good_reply;           /* hs_msg_cert_reply + DER material */
static uint32_t good_reply_len;
static EVP_PKEY *client_key;
static X509 *client_cert;
static SSL_CTX *client_ctx;

static X509 *make_cert(EVP_PKEY *key, const char *cn)
{
    X509 *x = X509_new();
    X509_NAME *name;

    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
    X509_set_pubkey(x, key);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Fuzz", -1, -1, 0);
    X509_set_issuer_name(x, name);
    REQUIRE(X509_sign(x, key, EVP_sha256()));
    return x;
}

static void append(uint8_t **buf, uint32_t *len, const void *data, uint32_t n)
{
    REQUIRE((*buf = realloc(*buf, *len + n)));
    memcpy(*buf + *len, data, n);
    *len += n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct hs_msg_cert_reply rep = { 0, HS_CERT_DER };
    EVP_PKEY *key = EVP_EC_gen("P-256");
    PKCS8_PRIV_KEY_INFO *p8;
    X509 *cert;
    uint8_t *der = NULL;
    uint32_t n, zero = 0;
    int len;

    REQUIRE(key && (cert = make_cert(key, "www.example.com")));
    append(&good_reply, &good_reply_len, &rep, sizeof(rep));
    REQUIRE((len = i2d_X509(cert, &der)) > 0);
    n = (uint32_t)len;
    append(&good_reply, &good_reply_len, &n, 4);
    append(&good_reply, &good_reply_len, der, n);
    OPENSSL_free(der);
    der = NULL;
    append(&good_reply, &good_reply_len, &zero, 4);
    REQUIRE((p8 = EVP_PKEY2PKCS8(key)) && (len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der)) > 0);
    n = (uint32_t)len;
    append(&good_reply, &good_reply_len, &n, 4);
    append(&good_reply, &good_reply_len, der, n);
    OPENSSL_free(der);
    PKCS8_PRIV_KEY_INFO_free(p8);
    X509_free(cert);
    EVP_PKEY_free(key);

    REQUIRE((client_key = EVP_EC_gen("P-256")) && (client_cert = make_cert(client_key, "client")));
    REQUIRE((client_ctx = SSL_CTX_new(TLS_client_method())));
    SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
    if (getenv("HS_FUZZ_WRITE_REPLY"))   /* for making seeds */
    {
        FILE *f = fopen(getenv("HS_FUZZ_WRITE_REPLY"), "wb");
        fwrite(good_reply, 1, good_reply_len, f);
        fclose(f);
    }
    return 0;
}

struct state
{
    struct hs_harness h;
    const uint8_t *cert_reply, *chain_reply;
    uint32_t cert_reply_len, chain_reply_len;
    uint64_t next_op;
    int done;                     /* our last call completed */
    uint8_t out[8192];
    uint32_t out_len;
};

static void on_frame(struct hs_harness *h, const struct hs_msg_header *hdr, const uint8_t *body, uint32_t len)
{
    struct state *s = h->ctx;

    switch (hdr->type)
    {
    case HS_MSG_COMPLETE:
        REQUIRE(len >= sizeof(struct hs_msg_complete) && hdr->file == FILE_Q);
        REQUIRE(len - sizeof(struct hs_msg_complete) <= sizeof(s->out));
        s->out_len = len - (uint32_t)sizeof(struct hs_msg_complete);
        memcpy(s->out, body + sizeof(struct hs_msg_complete), s->out_len);
        s->done = 1;
        break;
    case HS_MSG_CERT_REQUEST:
        REQUIRE(len == sizeof(struct hs_msg_cert_request));
        hs_harness_send(h, HS_MSG_CERT_REPLY, hdr->op, 0,
                        s->cert_reply_len ? s->cert_reply : good_reply,
                        s->cert_reply_len ? s->cert_reply_len : good_reply_len, NULL, 0);
        break;
    case HS_MSG_CHAIN_REQUEST:
    {
        struct hs_msg_chain_request req;
        struct hs_msg_chain_reply ok = { 0, 0 };
        REQUIRE(len >= sizeof(req));
        memcpy(&req, body, sizeof(req));
        REQUIRE(req.count >= 1 && req.count <= HS_CHAIN_MAX_CERTS);
        hs_harness_send(h, HS_MSG_CHAIN_REPLY, hdr->op, 0, s->chain_reply_len ? s->chain_reply : (const uint8_t *)&ok,
                        s->chain_reply_len ? s->chain_reply_len : sizeof(ok), NULL, 0);
        break;
    }
    case HS_MSG_BYE:
        break;
    default:
        REQUIRE(!"unexpected frame from the engine");
    }
}

/* Sends an IOCTL on the queue and waits (a little) for its answer: 1 if it came. */
static int call(struct state *s, uint32_t code, const void *in, uint32_t len, uint32_t out_size)
{
    struct hs_msg_ioctl m = { code, out_size, 1234, 0 };
    int i;

    s->done = 0;
    s->out_len = 0;
    hs_harness_send(&s->h, HS_MSG_IOCTL, ++s->next_op, FILE_Q, &m, sizeof(m), in, len);
    for (i = 0; i < 50 && !s->done && !s->h.broken; i++) hs_harness_pump(&s->h, 2);
    if (getenv("HS_FUZZ_LOG")) fprintf(stderr, "call %x: %s, %u bytes\n", code, s->done ? "done" : "pending", s->out_len);
    return s->done;
}

static void setup(struct state *s, uint32_t flags)
{
    static const char url[] = "https://+:443/";
    struct hs_msg_open open = { 1234, 0 };
    struct hs_queue_params qp = { 2, 0, 0 };
    struct { struct hs_url_params p; char url[sizeof(url) - 1]; } add = { { 5, 0, sizeof(url) - 1 }, { 0 } };
    char records[600];
    int n;

    n = snprintf(records, sizeof(records),
                 "ssl ip 0.0.0.0:443 hash=00112233445566778899aabbccddeeff00112233 store=MY flags=%u checkmode=0\n"
                 "ssl sni www.example.com:443 hash=ffeeddccbbaa99887766554433221100ffeeddcc store=WebHosting flags=%u\n",
                 flags, flags);
    hs_harness_send(&s->h, HS_MSG_CONFIG, 0, 0, records, (uint32_t)n, NULL, 0);
    hs_harness_send(&s->h, HS_MSG_OPEN, 0, FILE_Q, &open, sizeof(open), NULL, 0);
    REQUIRE(call(s, HS_IOCTL_SET_QUEUE, &qp, sizeof(qp), 0));
    memcpy(add.url, url, sizeof(url) - 1);
    REQUIRE(call(s, HS_IOCTL_ADD_URL, &add, sizeof(add), 0));
}

static void drain(int fd)
{
    char buf[4096];
    while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) {}
}

/* Raw bytes as the client's flight(s). */
static void raw_client(struct state *s, int fd, const uint8_t *data, size_t len)
{
    size_t off = 0;

    while (off < len && !s->h.broken)
    {
        ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0 && errno != EAGAIN) break;
        if (n > 0) off += (size_t)n;
        hs_harness_pump(&s->h, 4);
        drain(fd);
    }
    hs_harness_pump(&s->h, 16);
}

static uint64_t request_id_of(const struct state *s)
{
    uint64_t id = 0;
    /* HTTP_REQUEST_V2 image: RequestId follows Flags and ConnectionId */
    if (s->out_len >= 24) memcpy(&id, s->out + 16, 8);
    return id;
}

/* The harness's own OpenSSL client: handshake, then the bytes inside TLS. */
static void tls_client(struct state *s, int fd, uint8_t mode, const uint8_t *data, size_t len)
{
    static const char head[] = "GET / HTTP/1.1\r\nHost: www.example.com\r\n";
    SSL *ssl = SSL_new(client_ctx);
    int i, r;

    if (!ssl) return;
    SSL_set_fd(ssl, fd);
    if (mode & 2) SSL_set_tlsext_host_name(ssl, "www.example.com");
    if (mode & 4) { SSL_use_certificate(ssl, client_cert); SSL_use_PrivateKey(ssl, client_key); }
    if (mode & 8) SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
    for (i = 0; i < 200; i++)
    {
        if ((r = SSL_connect(ssl)) == 1) break;
        r = SSL_get_error(ssl, r);
        if (r != SSL_ERROR_WANT_READ && r != SSL_ERROR_WANT_WRITE) break;
        hs_harness_pump(&s->h, 2);
    }
    if (r == 1)
    {
        struct hs_receive_params recv = { 0, 0x10000, 0, HS_IMAGE_V2 };
        SSL_write(ssl, head, sizeof(head) - 1);
        if (len) SSL_write(ssl, data, (int)len);
        SSL_write(ssl, "\r\n", 2);
        hs_harness_pump(&s->h, 8);
        if (call(s, HS_IOCTL_RECEIVE_REQUEST, &recv, sizeof(recv), sizeof(s->out)))
        {
            uint64_t id = request_id_of(s), conn = 0;
            struct hs_property_params prop = { id, HS_PROPERTY_SNI, 0 };
            struct hs_client_cert_params cc = { 0, 0x20000, 0, 0 };

            if (s->out_len >= 16) memcpy(&conn, s->out + 8, 8);
            call(s, HS_IOCTL_REQUEST_PROPERTY, &prop, sizeof(prop), 4096);
            prop.property = HS_PROPERTY_TLS_CIPHER_INFO;
            call(s, HS_IOCTL_REQUEST_PROPERTY, &prop, sizeof(prop), 4096);
            cc.connection_id = conn;
            call(s, HS_IOCTL_CLIENT_CERT, &cc, sizeof(cc), 4096);
            for (i = 0; i < 20; i++) { char b[256]; SSL_read(ssl, b, sizeof(b)); hs_harness_pump(&s->h, 2); }
        }
    }
    SSL_free(ssl);
}

static const uint32_t flag_sets[16] =
{
    0, 0x2, 0x40, 0x1000, 0x800, 0x4000, 0x8, 0x2 | 0x40, 0x2 | 0x1000, 0x800 | 0x4000, 0x2 | 0x800,
    0x40 | 0x1000, 0x80, 0x2 | 0x80, 0xffffffff, 0x2 | 0x4000,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const params[] = { "EnableKernelSSL:dword=0", NULL };
    static struct state s;
    uint8_t mode;
    int fd;

    if (size < 5) return 0;
    memset(&s, 0, sizeof(s));
    mode = data[0];
    s.cert_reply_len = data[1] | (uint32_t)data[2] << 8;
    if (s.cert_reply_len > size - 3) return 0;
    s.cert_reply = data + 3;
    data += 3 + s.cert_reply_len;
    size -= 3 + s.cert_reply_len;
    if (size < 2) return 0;
    s.chain_reply_len = data[0] | (uint32_t)data[1] << 8;
    if (s.chain_reply_len > size - 2) return 0;
    s.chain_reply = data + 2;
    data += 2 + s.chain_reply_len;
    size -= 2 + s.chain_reply_len;

    hs_harness_start(&s.h, params, on_frame, &s);
    setup(&s, flag_sets[mode >> 4]);
    if ((fd = hs_harness_connect(443)) >= 0)
    {
        if (mode & 1) tls_client(&s, fd, mode, data, size);
        else raw_client(&s, fd, data, size);
        close(fd);
        hs_harness_pump(&s.h, 16);
    }
    hs_harness_stop(&s.h);
    return 0;
}

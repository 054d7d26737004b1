#include <stddef.h>
#include <string.h>

#include "reqimage.h"

/* The x64 layout of http.h's structures, pointers as 64-bit integers. */
struct img_known_header { uint16_t len; uint16_t pad[3]; uint64_t value; };
struct img_unknown_header { uint16_t name_len, value_len; uint32_t pad; uint64_t name, value; };
struct img_data_chunk { uint32_t type; uint32_t pad; uint64_t buffer; uint32_t length; uint32_t pad2; uint64_t pad3; };

struct img_request
{
    uint32_t flags, pad0;
    uint64_t connection_id;
    uint64_t request_id;
    uint64_t url_context;
    uint16_t version_major, version_minor;
    uint32_t verb;
    uint16_t unknown_verb_len, raw_url_len;
    uint32_t pad1;
    uint64_t unknown_verb, raw_url;
    uint16_t full_url_len, host_len, abs_path_len, query_len;
    uint64_t full_url, host, abs_path, query;
    uint64_t remote_addr, local_addr;
    uint16_t unknown_count, pad2[3];
    uint64_t unknown_headers;
    uint16_t trailer_count, pad3[3];
    uint64_t trailers;
    struct img_known_header known[HS_KNOWN_REQUEST_HEADERS];
    uint64_t bytes_received;
    uint16_t entity_chunk_count, pad4[3];
    uint64_t entity_chunks;
    uint64_t raw_connection_id;
    uint64_t ssl_info;
    /* HTTP_REQUEST_V2 */
    uint16_t request_info_count, pad5[3];
    uint64_t request_info;
};

struct img_ssl_info
{
    uint16_t server_cert_key_size, connection_key_size;
    uint32_t issuer_size, subject_size, pad;
    uint64_t issuer, subject, client_cert_info;
    uint32_t client_cert_negotiated, pad2;
};
struct img_client_cert_info
{
    uint32_t cert_flags, cert_encoded_size;
    uint64_t cert_encoded, token;
    uint8_t denied_by_mapper, pad[7];
};
struct img_channel_bind_status
{
    uint64_t service_name, channel_token;
    uint32_t channel_token_size, flags;
};
struct img_request_info { uint32_t type, length; uint64_t info; };
struct img_ssl_protocol_info
{
    uint32_t protocol, cipher_type, cipher_strength, hash_type, hash_strength, key_exchange_type, key_exchange_strength;
};
struct img_auth_info
{
    uint32_t auth_status;
    int32_t sec_status;
    uint32_t flags, auth_type;
    uint64_t access_token;
    uint32_t context_attributes, packed_context_length, packed_context_type, pad;
    uint64_t packed_context;
    uint32_t mutual_auth_data_length, pad2;
    uint64_t mutual_auth_data;
    uint16_t package_name_length, pad3[3];
    uint64_t package_name;
};

_Static_assert(sizeof(struct img_request) == HS_IMAGE_V2_SIZE, "HTTP_REQUEST_V2 layout");
_Static_assert(sizeof(struct img_ssl_info) == 48, "HTTP_SSL_INFO layout");
_Static_assert(sizeof(struct img_client_cert_info) == 32, "HTTP_SSL_CLIENT_CERT_INFO layout");
_Static_assert(sizeof(struct img_request_info) == 16, "HTTP_REQUEST_INFO layout");
_Static_assert(sizeof(struct img_channel_bind_status) == HS_CHANNEL_BIND_STATUS_SIZE,
               "HTTP_REQUEST_CHANNEL_BIND_STATUS layout");
_Static_assert(sizeof(struct img_ssl_protocol_info) == 28, "HTTP_SSL_PROTOCOL_INFO layout");
_Static_assert(sizeof(struct img_auth_info) == 80, "HTTP_REQUEST_AUTH_INFO layout");
_Static_assert(offsetof(struct img_request, request_info_count) == HS_IMAGE_V1_SIZE, "HTTP_REQUEST_V1 layout");
_Static_assert(offsetof(struct img_request, request_id) == HS_IMAGE_REQUEST_ID_OFFSET, "RequestId offset");
_Static_assert(sizeof(struct img_unknown_header) == 24, "HTTP_UNKNOWN_HEADER layout");
_Static_assert(sizeof(struct img_data_chunk) == 32, "HTTP_DATA_CHUNK layout");

#define HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY 1
#define HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS 1
#define HTTP_VERB_UNKNOWN 1
#define HTTP_REQUEST_INFO_TYPE_AUTH 0
#define HS_AUTH_SUCCESS_STATUS 0   /* HttpAuthStatusSuccess */
#define HTTP_REQUEST_INFO_TYPE_SSL_PROTOCOL 2

static int str_ok(const struct hs_str *s, uint32_t size)
{
    /* every string is followed by a NUL in the blob */
    return s->off <= size && s->len <= size - s->off && s->off + s->len < size;
}

int hs_wire_request_valid(const struct hs_wire_request *w, uint32_t size)
{
    const struct hs_str *pairs;
    uint32_t i;

    if (size < sizeof(*w) || w->size != size) return 0;
    if (!str_ok(&w->unknown_verb, size) || !str_ok(&w->raw_url, size) || !str_ok(&w->cooked_url, size)) return 0;
    if (w->cooked_url.off & 1 || w->cooked_url.len & 1) return 0;
    if (w->cooked_host_off > w->cooked_url.len || w->cooked_host_len > w->cooked_url.len - w->cooked_host_off) return 0;
    if (w->cooked_path_off > w->cooked_url.len || w->cooked_path_len > w->cooked_url.len - w->cooked_path_off) return 0;
    if (w->cooked_query_off > w->cooked_url.len || w->cooked_query_len > w->cooked_url.len - w->cooked_query_off) return 0;
    if ((w->cooked_host_off | w->cooked_host_len | w->cooked_path_off | w->cooked_path_len |
         w->cooked_query_off | w->cooked_query_len) & 1) return 0;
    if (w->cooked_url.len > 0xfffe || w->raw_url.len > 0xfffe || w->unknown_verb.len > 0xfffe) return 0;
    for (i = 0; i < HS_KNOWN_REQUEST_HEADERS; i++)
        if (!str_ok(&w->known[i], size) || w->known[i].len > 0xfffe) return 0;
    if (w->unknown_count > 0xffff) return 0;
    if (w->unknown_off > size || (uint64_t)w->unknown_count * 2 * sizeof(struct hs_str) > size - w->unknown_off) return 0;
    if (w->unknown_off & 3) return 0;
    pairs = (const struct hs_str *)((const uint8_t *)w + w->unknown_off);
    for (i = 0; i < w->unknown_count * 2; i++)
        if (!str_ok(&pairs[i], size) || pairs[i].len > 0xfffe) return 0;
    if (w->body.off > size || w->body.len > size - w->body.off) return 0;
    if (w->ssl_off)
    {
        const struct hs_wire_ssl *ssl = (const struct hs_wire_ssl *)((const uint8_t *)w + w->ssl_off);
        if (w->ssl_off & 7 || w->ssl_off > size || sizeof(*ssl) > size - w->ssl_off) return 0;
        if (!str_ok(&ssl->issuer, size) || !str_ok(&ssl->subject, size) || !str_ok(&ssl->client_cert, size)) return 0;
    }
    return 1;
}

static int known_present(const struct hs_wire_request *w, int i)
{
    return i < 32 ? (w->known_present_lo >> i) & 1 : (w->known_present_hi >> (i - 32)) & 1;
}

/* A bump allocator over the caller's buffer that also counts what it would
 * have needed, so one pass both sizes and writes the image. */
struct layout
{
    uint8_t *out;
    uint32_t cap, used;
    uint64_t base;      /* the caller's address of out[0] */
    int fits;
};

static uint32_t take(struct layout *l, uint32_t len, uint32_t align)
{
    uint32_t at = (l->used + align - 1) & ~(align - 1);
    l->used = at + len;
    if (l->used > l->cap) l->fits = 0;
    return at;
}

/* Copies a string plus a NUL terminator; returns its address for the caller. */
static uint64_t put_str(struct layout *l, const uint8_t *blob, const struct hs_str *s, uint32_t align, uint32_t nul)
{
    uint32_t at = take(l, s->len + nul, align);
    if (l->fits)
    {
        memcpy(l->out + at, blob + s->off, s->len);
        memset(l->out + at + s->len, 0, nul);
    }
    return l->base + at;
}

void hs_image_build(const struct hs_wire_request *w, uint32_t wire_size, uint32_t image,
                    uint32_t flags, uint64_t user_address, uint8_t *out, uint32_t cap,
                    struct hs_image_result *res)
{
    const uint8_t *blob = (const uint8_t *)w;
    const struct hs_str *pairs;
    struct layout l = { out, cap, 0, user_address, 1 };
    struct img_request req;
    uint32_t fixed = image == HS_IMAGE_V1 ? HS_IMAGE_V1_SIZE : HS_IMAGE_V2_SIZE;
    uint64_t cooked;
    uint32_t i, at;

    memset(res, 0, sizeof(*res));
    if (!hs_wire_request_valid(w, wire_size))
    {
        res->error = 87;
        return;
    }
    memset(&req, 0, sizeof(req));
    take(&l, fixed, 8);

    req.connection_id = w->connection_id;
    req.raw_connection_id = w->connection_id;
    req.request_id = w->request_id;
    req.url_context = w->url_context;
    req.version_major = w->version_major;
    req.version_minor = w->version_minor;
    req.verb = w->verb;
    req.bytes_received = w->bytes_received;
    if (w->verb == HTTP_VERB_UNKNOWN)
    {
        req.unknown_verb_len = (uint16_t)w->unknown_verb.len;
        req.unknown_verb = put_str(&l, blob, &w->unknown_verb, 1, 1);
    }
    req.raw_url_len = (uint16_t)w->raw_url.len;
    req.raw_url = put_str(&l, blob, &w->raw_url, 1, 1);

    cooked = put_str(&l, blob, &w->cooked_url, 2, 2);
    req.full_url_len = (uint16_t)w->cooked_url.len;
    req.full_url = cooked;
    req.host_len = (uint16_t)w->cooked_host_len;
    req.host = cooked + w->cooked_host_off;
    req.abs_path_len = (uint16_t)w->cooked_path_len;
    req.abs_path = cooked + w->cooked_path_off;
    req.query_len = (uint16_t)w->cooked_query_len;
    req.query = w->cooked_query_len ? cooked + w->cooked_query_off : 0;

    at = take(&l, sizeof(w->remote_addr), 8);
    if (l.fits) memcpy(out + at, w->remote_addr, sizeof(w->remote_addr));
    req.remote_addr = l.base + at;
    at = take(&l, sizeof(w->local_addr), 8);
    if (l.fits) memcpy(out + at, w->local_addr, sizeof(w->local_addr));
    req.local_addr = l.base + at;

    pairs = (const struct hs_str *)(blob + w->unknown_off);
    req.unknown_count = (uint16_t)w->unknown_count;
    if (w->unknown_count)
    {
        uint32_t array = take(&l, w->unknown_count * (uint32_t)sizeof(struct img_unknown_header), 8);
        req.unknown_headers = l.base + array;
        for (i = 0; i < w->unknown_count; i++)
        {
            struct img_unknown_header h = { (uint16_t)pairs[2 * i].len, (uint16_t)pairs[2 * i + 1].len, 0, 0, 0 };
            h.name = put_str(&l, blob, &pairs[2 * i], 1, 1);
            h.value = put_str(&l, blob, &pairs[2 * i + 1], 1, 1);
            if (l.fits) memcpy(out + array + i * sizeof(h), &h, sizeof(h));
        }
    }
    for (i = 0; i < HS_KNOWN_REQUEST_HEADERS; i++)
    {
        if (!known_present(w, (int)i)) continue;
        req.known[i].len = (uint16_t)w->known[i].len;
        req.known[i].value = put_str(&l, blob, &w->known[i], 1, 1);
    }

    if (w->ssl_off)
    {
        const struct hs_wire_ssl *ssl = (const struct hs_wire_ssl *)(blob + w->ssl_off);
        struct img_ssl_info info;
        uint32_t info_at = take(&l, sizeof(info), 8);

        memset(&info, 0, sizeof(info));
        info.server_cert_key_size = ssl->server_cert_key_size;
        info.connection_key_size = ssl->connection_key_size;
        info.issuer_size = ssl->issuer.len;
        info.subject_size = ssl->subject.len;
        info.issuer = put_str(&l, blob, &ssl->issuer, 1, 1);
        info.subject = put_str(&l, blob, &ssl->subject, 1, 1);
        info.client_cert_negotiated = ssl->client_cert_negotiated;
        if (ssl->client_cert.len)
        {
            struct img_client_cert_info cert;
            uint32_t cert_at = take(&l, sizeof(cert), 8);
            memset(&cert, 0, sizeof(cert));
            cert.cert_flags = ssl->client_cert_flags;
            cert.cert_encoded_size = ssl->client_cert.len;
            cert.cert_encoded = put_str(&l, blob, &ssl->client_cert, 1, 0);
            if (l.fits) memcpy(out + cert_at, &cert, sizeof(cert));
            info.client_cert_info = l.base + cert_at;
        }
        if (l.fits) memcpy(out + info_at, &info, sizeof(info));
        req.ssl_info = l.base + info_at;
    }

    /* HTTP_REQUEST_V2's request information: authentication first, then TLS */
    if (image != HS_IMAGE_V1 && ((w->auth & HS_AUTH_PRESENT) || w->ssl_off))
    {
        uint16_t count = (w->auth & HS_AUTH_PRESENT ? 1 : 0) + (w->ssl_off ? 1 : 0), n = 0;
        uint32_t ri_at = take(&l, count * (uint32_t)sizeof(struct img_request_info), 8);
        struct img_request_info ri;

        if (w->auth & HS_AUTH_PRESENT)
        {
            struct img_auth_info auth;
            uint32_t auth_at = take(&l, sizeof(auth), 8);

            memset(&auth, 0, sizeof(auth));
            auth.auth_status = HS_AUTH_STATUS(w->auth);
            auth.auth_type = HS_AUTH_TYPE(w->auth);
            auth.sec_status = w->auth_sec_status;
            ri.type = HTTP_REQUEST_INFO_TYPE_AUTH;
            ri.length = sizeof(auth);
            ri.info = l.base + auth_at;
            if (l.fits)
            {
                memcpy(out + ri_at + n * sizeof(ri), &ri, sizeof(ri));
                memcpy(out + auth_at, &auth, sizeof(auth));
                /* a logon's token is a handle in the receiver's process: whoever
                 * delivers the image puts one there */
                if (auth.auth_status == HS_AUTH_SUCCESS_STATUS)
                    res->token_at = auth_at + (uint32_t)offsetof(struct img_auth_info, access_token);
            }
            n++;
        }
        if (w->ssl_off)
        {
            const struct hs_wire_ssl *ssl = (const struct hs_wire_ssl *)(blob + w->ssl_off);
            struct img_ssl_protocol_info proto = { ssl->protocol, ssl->cipher_type, ssl->cipher_strength,
                                                   ssl->hash_type, ssl->hash_strength, ssl->key_exchange_type,
                                                   ssl->key_exchange_strength };
            uint32_t proto_at = take(&l, sizeof(proto), 8);

            ri.type = HTTP_REQUEST_INFO_TYPE_SSL_PROTOCOL;
            ri.length = sizeof(proto);
            ri.info = l.base + proto_at;
            if (l.fits)
            {
                memcpy(out + ri_at + n * sizeof(ri), &ri, sizeof(ri));
                memcpy(out + proto_at, &proto, sizeof(proto));
            }
            n++;
        }
        req.request_info_count = count;
        req.request_info = l.base + ri_at;
    }

    res->needed = l.used;
    if (!l.fits)
    {
        res->token_at = 0;
        res->error = 234;
        if (cap >= HS_IMAGE_REQUEST_ID_OFFSET + 8)
            memcpy(out + HS_IMAGE_REQUEST_ID_OFFSET, &w->request_id, 8);
        res->written = cap >= HS_IMAGE_REQUEST_ID_OFFSET + 8 ? HS_IMAGE_REQUEST_ID_OFFSET + 8 : 0;
        return;
    }

    /* The entity body goes in only as far as it fits: it never makes the
     * request itself "too large" (the rest is read with
     * HttpReceiveRequestEntityBody). */
    if ((flags & HTTP_RECEIVE_REQUEST_FLAG_COPY_BODY) && w->body.len)
    {
        uint32_t chunk_at = (l.used + 7) & ~7u;
        if (chunk_at + sizeof(struct img_data_chunk) < cap)
        {
            uint32_t data_at = chunk_at + (uint32_t)sizeof(struct img_data_chunk);
            uint32_t room = cap - data_at, n = w->body.len < room ? w->body.len : room;
            struct img_data_chunk chunk = { 0, 0, l.base + data_at, n, 0, 0 };
            if (n)
            {
                memcpy(out + chunk_at, &chunk, sizeof(chunk));
                memcpy(out + data_at, blob + w->body.off, n);
                req.entity_chunk_count = 1;
                req.entity_chunks = l.base + chunk_at;
                l.used = data_at + n;
                res->body_taken = n;
            }
        }
    }
    if ((w->flags & HS_REQ_MORE_BODY) || res->body_taken < w->body.len)
        req.flags |= HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS;

    memcpy(out, &req, fixed);
    res->written = l.used;
}

/* A fixed structure followed by data it points to, as HttpReceiveClientCertificate returns. */
static uint32_t fixed_and_data(const void *fixed, uint32_t fixed_size, const uint8_t *data, uint32_t len,
                               uint8_t *out, uint32_t cap, uint32_t *written)
{
    *written = 0;
    if (cap < fixed_size) return 122;   /* ERROR_INSUFFICIENT_BUFFER */
    memcpy(out, fixed, fixed_size);
    *written = fixed_size;
    if (cap - fixed_size < len) return 234;   /* ERROR_MORE_DATA */
    if (len) memcpy(out + fixed_size, data, len);
    *written = fixed_size + len;
    return 0;
}

uint32_t hs_client_cert_image(uint32_t cert_flags, const uint8_t *der, uint32_t len, uint64_t user_address,
                              uint8_t *out, uint32_t cap, uint32_t *written)
{
    struct img_client_cert_info info;

    memset(&info, 0, sizeof(info));
    info.cert_flags = cert_flags;
    info.cert_encoded_size = len;
    if (cap >= sizeof(info) && cap - sizeof(info) >= len) info.cert_encoded = user_address + sizeof(info);
    return fixed_and_data(&info, sizeof(info), der, len, out, cap, written);
}

uint32_t hs_channel_bind_image(const uint8_t *token, uint32_t len, uint64_t user_address,
                               uint8_t *out, uint32_t cap, uint32_t *written)
{
    struct img_channel_bind_status st;

    memset(&st, 0, sizeof(st));
    if (cap >= sizeof(st) && cap - sizeof(st) >= len) st.channel_token = user_address + sizeof(st);
    st.channel_token_size = len;
    return fixed_and_data(&st, sizeof(st), token, len, out, cap, written);
}

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "response.h"
#include "http_parse.h"
#include "wire.h"

#define H_CONNECTION        1
#define H_DATE              2
#define H_TRANSFER_ENCODING 6
#define H_CONTENT_LENGTH    11
#define H_CONTENT_TYPE      12
#define H_CONTENT_RANGE     17
#define H_SERVER            26
#define SEND_FLAG_DISCONNECT 0x1
#define SEND_FLAG_MORE_DATA  0x2
#define SEND_FLAG_OPAQUE     0x40

static const char server_token[] = "Microsoft-HTTPAPI/2.0";

const char *hs_reason_phrase(unsigned status)
{
    switch (status)
    {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Requested Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
    }
}

static const uint8_t *blob(const struct hs_wire_response *r) { return (const uint8_t *)r; }

static int present(const struct hs_wire_response *r, int id) { return (r->known_present >> id) & 1; }

static int value_has_token(const uint8_t *v, uint32_t len, const char *token)
{
    size_t tlen = strlen(token);
    uint32_t i = 0;

    while (i < len)
    {
        uint32_t start, end;
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) i++;
        start = i;
        while (i < len && v[i] != ',') i++;
        end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t')) end--;
        if (end - start == tlen && !strncasecmp((const char *)v + start, token, tlen)) return 1;
    }
    return 0;
}

static void add_header(struct hs_buf *out, const char *name, const void *value, size_t len)
{
    hs_buf_adds(out, name);
    hs_buf_add(out, ": ", 2);
    hs_buf_add(out, value, len);
    hs_buf_add(out, "\r\n", 2);
}

static void add_server(struct hs_buf *out, const struct hs_wire_response *r, const struct hs_resp_ctx *ctx)
{
    const struct hs_str *s = &r->known[H_SERVER];

    if (present(r, H_SERVER) && s->len)
    {
        hs_buf_adds(out, "Server: ");
        hs_buf_add(out, blob(r) + s->off, s->len);
        /* DisableServerHeader=2: never append http.sys's own token */
        if (ctx->disable_server_header != 2) { hs_buf_add(out, " ", 1); hs_buf_adds(out, server_token); }
        hs_buf_add(out, "\r\n", 2);
    }
    else if (ctx->disable_server_header != 2)
        add_header(out, "Server", server_token, sizeof(server_token) - 1);
}

void hs_response_head(struct hs_buf *out, const struct hs_wire_response *r,
                      const struct hs_resp_ctx *ctx, struct hs_resp_result *res)
{
    const struct hs_str *pairs = (const struct hs_str *)(blob(r) + r->unknown_off);
    const struct hs_range_plan *range = ctx->range && ctx->range->status ? ctx->range : NULL;
    unsigned status = range ? range->status : r->status;
    uint64_t body_total = range ? range->length : hs_wire_response_body_total(r) + ctx->fragment_bytes;
    int final = !(r->flags & SEND_FLAG_MORE_DATA);
    /* a ranged answer's length is the engine's, whatever the application said */
    int has_length = !range && (present(r, H_CONTENT_LENGTH) || present(r, H_TRANSFER_ENCODING));
    int app_close = present(r, H_CONNECTION) &&
                    value_has_token(blob(r) + r->known[H_CONNECTION].off, r->known[H_CONNECTION].len, "close");
    char line[96];
    uint32_t i;

    /* OPAQUE with a 101: from here on the connection carries the upgraded
     * protocol's bytes both ways, unframed, until one side closes it */
    res->opaque = (r->flags & SEND_FLAG_OPAQUE) && status == 101;
    res->body_allowed = res->opaque || (!ctx->is_head && status >= 200 && status != 204 && status != 304);
    /* a response with no length that continues later can only end with the connection */
    res->unframed = res->opaque || (!has_length && !final && res->body_allowed);
    res->close_after = !ctx->client_keep_alive || ctx->force_close || (r->flags & SEND_FLAG_DISCONNECT) ||
                       app_close || res->unframed;

    snprintf(line, sizeof(line), "HTTP/1.1 %u ", status);
    hs_buf_adds(out, line);
    if (r->reason.len && !range) hs_buf_add(out, blob(r) + r->reason.off, r->reason.len);
    else hs_buf_adds(out, hs_reason_phrase(status));
    hs_buf_add(out, "\r\n", 2);

    for (i = 0; i < HS_KNOWN_RESPONSE_HEADERS; i++)
    {
        const struct hs_str *s = &r->known[i];
        if (i == H_DATE || i == H_SERVER) continue;   /* http.sys's own, below */
        if (i == H_CONNECTION)
        {
            if (present(r, i)) add_header(out, "Connection", blob(r) + s->off, s->len);
            else if (res->close_after && !ctx->http10 && !res->opaque) add_header(out, "Connection", "close", 5);
            else if (!res->close_after && ctx->http10) add_header(out, "Connection", "keep-alive", 10);
            continue;
        }
        if (i == H_CONTENT_LENGTH && !has_length && final && status >= 200 && status != 204 && status != 304 &&
            !(ctx->is_head && !body_total))
        {
            snprintf(line, sizeof(line), "%llu", (unsigned long long)body_total);
            add_header(out, "Content-Length", line, strlen(line));
            continue;
        }
        if (range && i == H_CONTENT_TYPE && (range->status == 416 || range->count > 1))
        {
            /* a 416 has no body to describe; several parts each say their type */
            if (range->status == 416) continue;
            hs_ranges_multipart_type(range, line, sizeof(line));
            add_header(out, "Content-Type", line, strlen(line));
            continue;
        }
        if (range && i == H_CONTENT_RANGE && (range->status == 416 || range->count == 1))
        {
            hs_ranges_content_range(range, line, sizeof(line));
            add_header(out, "Content-Range", line, strlen(line));
            continue;
        }
        if (present(r, (int)i)) add_header(out, hp_known_response_header_name((int)i), blob(r) + s->off, s->len);
    }
    add_server(out, r, ctx);
    for (i = 0; i < r->unknown_count; i++)
    {
        struct hs_str name, value;
        memcpy(&name, &pairs[2 * i], sizeof(name));
        memcpy(&value, &pairs[2 * i + 1], sizeof(value));
        hs_buf_add(out, blob(r) + name.off, name.len);
        hs_buf_add(out, ": ", 2);
        hs_buf_add(out, blob(r) + value.off, value.len);
        hs_buf_add(out, "\r\n", 2);
    }
    if (present(r, H_DATE) && r->known[H_DATE].len)
        add_header(out, "Date", blob(r) + r->known[H_DATE].off, r->known[H_DATE].len);
    else
        add_header(out, "Date", ctx->date, strlen(ctx->date));
    hs_buf_add(out, "\r\n", 2);
}

/*
 * Chunked transfer coding decoder (RFC 9112 §7.1).
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-ext    = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
 *
 * The size line and the data are decoded byte by byte, so any split works.
 * The trailer section is not: its fields are reported as offsets into the
 * caller's buffer, so it is only consumed once it is complete, and what it
 * may hold is bounded by max_field_length.
 */

#include <string.h>

#include "chunked.h"

enum
{
    CK_SIZE_START,       /* first hex digit of chunk-size */
    CK_SIZE,             /* more hex digits */
    CK_SIZE_BWS,         /* whitespace after the size: only ";" may follow */
    CK_EXT_NAME_START,   /* after ";" */
    CK_EXT_NAME,
    CK_EXT_NAME_BWS,     /* whitespace after a name: "=" or ";" */
    CK_EXT_VALUE_START,  /* after "=" */
    CK_EXT_TOKEN,
    CK_EXT_QUOTED,
    CK_EXT_QUOTED_PAIR,  /* after a backslash in a quoted-string */
    CK_EXT_VALUE_END,    /* after the closing quote */
    CK_EXT_VALUE_BWS,    /* whitespace after a value: only ";" may follow */
    CK_SIZE_LF,          /* CR of the size line seen */
    CK_DATA,
    CK_DATA_CR,
    CK_DATA_LF,
    CK_TRAILER,          /* buf at the start of a call holds the trailer section */
    CK_DONE,
    CK_ERROR,
};

#define MAX_CHUNK_SIZE UINT64_C(0x7fffffffffffffff)

void hp_chunked_init(struct hp_chunked *c, uint32_t max_field_length, struct hp_header *trailers,
                     uint32_t trailer_capacity)
{
    memset(c, 0, sizeof(*c));
    c->max_field_length = max_field_length ? max_field_length : HP_DEFAULT_MAX_FIELD_LENGTH;
    c->trailers = trailers;
    c->trailer_capacity = trailers ? trailer_capacity : 0;
    c->state = CK_SIZE_START;
}

static int hex_value(unsigned char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static int is_ws(unsigned char ch)
{
    return ch == ' ' || ch == '\t';
}

/* HTAB, SP, VCHAR, obs-text: what a quoted-string may hold, escaped or not. */
static int is_text(unsigned char ch)
{
    return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

static int in_size_line(int state)
{
    return state >= CK_SIZE_START && state <= CK_EXT_VALUE_BWS;
}

static int in_extension(int state)
{
    return state >= CK_SIZE_BWS && state <= CK_EXT_VALUE_BWS;
}

/* The state after ch, or -1 if ch breaks the grammar. */
static int next_state(struct hp_chunked *c, unsigned char ch)
{
    int hex;

    switch (c->state)
    {
    case CK_SIZE_START:
    case CK_SIZE:
        /* 1*HEXDIG only: no sign, no "0x", no "_", no inner whitespace. */
        if ((hex = hex_value(ch)) >= 0)
        {
            if (c->chunk_left > (MAX_CHUNK_SIZE - (uint64_t)hex) / 16) return -1;
            c->chunk_left = c->chunk_left * 16 + (uint64_t)hex;
            return CK_SIZE;
        }
        if (c->state == CK_SIZE_START) return -1;
        if (ch == ';') return CK_EXT_NAME_START;
        if (is_ws(ch)) return CK_SIZE_BWS;
        return ch == '\r' ? CK_SIZE_LF : -1;
    case CK_SIZE_BWS:
        if (is_ws(ch)) return CK_SIZE_BWS;
        return ch == ';' ? CK_EXT_NAME_START : -1;
    case CK_EXT_NAME_START:
        if (is_ws(ch)) return CK_EXT_NAME_START;
        return hp_is_tchar(ch) ? CK_EXT_NAME : -1;
    case CK_EXT_NAME:
        if (hp_is_tchar(ch)) return CK_EXT_NAME;
        if (ch == '=') return CK_EXT_VALUE_START;
        if (ch == ';') return CK_EXT_NAME_START;
        if (is_ws(ch)) return CK_EXT_NAME_BWS;
        return ch == '\r' ? CK_SIZE_LF : -1;
    case CK_EXT_NAME_BWS:
        if (is_ws(ch)) return CK_EXT_NAME_BWS;
        if (ch == '=') return CK_EXT_VALUE_START;
        return ch == ';' ? CK_EXT_NAME_START : -1;
    case CK_EXT_VALUE_START:
        if (is_ws(ch)) return CK_EXT_VALUE_START;
        if (ch == '"') return CK_EXT_QUOTED;
        return hp_is_tchar(ch) ? CK_EXT_TOKEN : -1;
    case CK_EXT_TOKEN:
    case CK_EXT_VALUE_END:
        if (c->state == CK_EXT_TOKEN && hp_is_tchar(ch)) return CK_EXT_TOKEN;
        if (ch == ';') return CK_EXT_NAME_START;
        if (is_ws(ch)) return CK_EXT_VALUE_BWS;
        return ch == '\r' ? CK_SIZE_LF : -1;
    case CK_EXT_QUOTED:
        if (ch == '"') return CK_EXT_VALUE_END;
        if (ch == '\\') return CK_EXT_QUOTED_PAIR;
        return is_text(ch) ? CK_EXT_QUOTED : -1;
    case CK_EXT_QUOTED_PAIR:
        return is_text(ch) ? CK_EXT_QUOTED : -1;
    case CK_EXT_VALUE_BWS:
        if (is_ws(ch)) return CK_EXT_VALUE_BWS;
        return ch == ';' ? CK_EXT_NAME_START : -1;
    case CK_SIZE_LF:
        if (ch != '\n') return -1;
        return c->chunk_left ? CK_DATA : CK_TRAILER;
    case CK_DATA_CR:
        return ch == '\r' ? CK_DATA_LF : -1;
    case CK_DATA_LF:
        if (ch != '\n') return -1;
        c->chunk_left = 0;
        c->line_bytes = 0;
        return CK_SIZE_START;
    default:
        return -1;
    }
}

/* One byte of framing (anything but data and trailers). */
static int step(struct hp_chunked *c, unsigned char ch, enum hp_error *err)
{
    int next;

    /* The limits make a body of tiny chunks with huge extensions cost the
     * sender as much as it costs us. */
    if (in_size_line(c->state) && ch != '\r' && ++c->line_bytes > c->max_field_length)
    {
        *err = HP_ERR_REQUEST_TOO_LONG;
        return 0;
    }
    if ((next = next_state(c, ch)) < 0)
    {
        *err = HP_ERR_BAD_REQUEST;
        return 0;
    }
    if (in_extension(next) && ++c->ext_bytes > c->max_field_length)
    {
        *err = HP_ERR_REQUEST_TOO_LONG;
        return 0;
    }
    c->state = next;
    return 1;
}

static size_t copy_data(struct hp_chunked *c, char *buf, size_t len, size_t pos, size_t *out)
{
    size_t n = len - pos;

    if (n > c->chunk_left) n = (size_t)c->chunk_left;
    if (*out != pos) memmove(buf + *out, buf + pos, n);
    *out += n;
    c->chunk_left -= n;
    c->body_bytes += n;
    if (!c->chunk_left) c->state = CK_DATA_CR;
    return n;
}

/*
 * The trailer section at buf[*pos..len): field lines with the same rules as
 * in the head, then an empty line.  Returns HP_INCOMPLETE without consuming
 * anything until that empty line is there.
 */
static enum hp_status parse_trailers(struct hp_chunked *c, char *buf, size_t len, size_t *pos,
                                     enum hp_error *err)
{
    size_t p = *pos, next;
    uint32_t used = 0;
    struct hp_header h;
    enum hp_status st;

    c->trailer_count = 0;
    for (;;)
    {
        if (p == len) return HP_INCOMPLETE;
        if (buf[p] == '\r' || buf[p] == '\n')
        {
            /* Bare CR or LF: strict, as in the head. */
            if (buf[p] == '\n') goto bad;
            if (p + 1 == len) return HP_INCOMPLETE;
            if (buf[p + 1] != '\n') goto bad;
            c->trailer_off = *pos;
            c->trailer_len = p - *pos;
            c->state = CK_DONE;
            *pos = p + 2;
            return HP_OK;
        }
        st = hp_parse_field(buf, len, p, c->max_field_length - used, &h, &next, err);
        if (st != HP_OK) return st;
        used += (uint32_t)(next - 2 - p);
        if (c->trailers)
        {
            if (c->trailer_count == c->trailer_capacity)
            {
                *err = HP_ERR_REQUEST_TOO_LONG;
                return HP_ERROR;
            }
            c->trailers[c->trailer_count++] = h;
        }
        p = next;
    }
bad:
    *err = HP_ERR_BAD_REQUEST;
    return HP_ERROR;
}

enum hp_status hp_chunked_decode(struct hp_chunked *c, char *buf, size_t len, size_t *consumed,
                                 size_t *produced, enum hp_error *err)
{
    size_t pos = 0, out = 0;
    enum hp_status st = HP_INCOMPLETE;

    /* Trailer offsets are 32-bit; the rest is consumed by the next call. */
    if (len > UINT32_MAX) len = UINT32_MAX;
    *err = HP_ERR_NONE;
    if (c->state == CK_ERROR)
    {
        *consumed = *produced = 0;
        *err = c->error;
        return HP_ERROR;
    }
    if (c->state == CK_DONE)
    {
        *consumed = *produced = 0;
        return HP_OK;
    }
    while (pos < len)
    {
        if (c->state == CK_DATA)
            pos += copy_data(c, buf, len, pos, &out);
        else if (c->state == CK_TRAILER)
        {
            st = parse_trailers(c, buf, len, &pos, err);
            break;
        }
        else if (step(c, (unsigned char)buf[pos], err))
            pos++;
        else
        {
            st = HP_ERROR;
            break;
        }
    }
    if (st == HP_ERROR)
    {
        c->state = CK_ERROR;
        c->error = *err;
    }
    *consumed = pos;
    *produced = out;
    return st;
}

/*
 * HTTP/1.1 request-head parser (RFC 9112, RFC 9110).
 *
 * A pure function over bytes: no allocation, no I/O, no global state.  The
 * caller keeps the bytes received so far and calls hp_parse_request() again
 * with the whole buffer whenever more arrive; every call starts from scratch.
 * All offsets in the results are relative to the buffer passed in.
 */
#ifndef HP_HTTP_PARSE_H
#define HP_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

enum hp_status { HP_OK = 0, HP_INCOMPLETE = 1, HP_ERROR = 2 };

/* Which http.sys-generated error answers a bad request (reference §5.4). */
enum hp_error
{
    HP_ERR_NONE = 0,
    HP_ERR_BAD_REQUEST,      /* 400 generic: bad CR/LF, bad request line, bad number, bad chunked framing */
    HP_ERR_INVALID_VERB,     /* 400 Invalid Verb: the method is not a token */
    HP_ERR_INVALID_URL,      /* 400 Invalid URL: bad bytes or form of the request-target */
    HP_ERR_INVALID_HEADER,   /* 400 Invalid Header: bad field line, conflicting framing headers */
    HP_ERR_HOSTNAME,         /* 400 Invalid Hostname: missing, duplicate, empty or malformed Host */
    HP_ERR_REQUEST_TOO_LONG, /* 400 Request Too Long: a field line, the head, or too many fields */
    HP_ERR_URL_TOO_LONG,     /* 414 */
    HP_ERR_LENGTH_REQUIRED,  /* 411: POST or PUT with neither Content-Length nor chunked */
    HP_ERR_VERSION,          /* 505: HTTP major version other than 1 */
    HP_ERR_NOT_IMPLEMENTED,  /* 501: a transfer coding other than a final "chunked" */
};

/* HTTP_VERB numbering (reference §1.7). */
enum hp_verb
{
    HP_VERB_UNPARSED = 0, HP_VERB_UNKNOWN = 1, HP_VERB_INVALID = 2,
    HP_VERB_OPTIONS = 3, HP_VERB_GET, HP_VERB_HEAD, HP_VERB_POST, HP_VERB_PUT,
    HP_VERB_DELETE, HP_VERB_TRACE, HP_VERB_CONNECT, HP_VERB_TRACK, HP_VERB_MOVE,
    HP_VERB_COPY, HP_VERB_PROPFIND, HP_VERB_PROPPATCH, HP_VERB_MKCOL, HP_VERB_LOCK,
    HP_VERB_UNLOCK, HP_VERB_SEARCH = 19, HP_VERB_MAXIMUM = 20
};

/* The HTTP_HEADER_ID values the parser itself acts on, and the table sizes. */
enum hp_header_id
{
    HP_HDR_CONNECTION = 1,
    HP_HDR_TRANSFER_ENCODING = 6,
    HP_HDR_UPGRADE = 7,
    HP_HDR_CONTENT_LENGTH = 11,
    HP_HDR_AUTHORIZATION = 24,
    HP_HDR_COOKIE = 25,
    HP_HDR_EXPECT = 26,
    HP_HDR_HOST = 28,
    HP_HDR_REFERER = 36,
    HP_HDR_USER_AGENT = 40,
    HP_HDR_RESPONSE_MAXIMUM = 30,
    HP_HDR_REQUEST_MAXIMUM = 41,
};

/* http.sys defaults (reference §3.2); a limit of 0 selects the default. */
#define HP_DEFAULT_MAX_FIELD_LENGTH  16384u
#define HP_DEFAULT_MAX_REQUEST_BYTES 16384u
#define HP_DEFAULT_MAX_URL_BYTES     16384u

struct hp_limits
{
    uint32_t max_field_length;  /* bytes of one field line, CRLF excluded; also bounds the method */
    uint32_t max_request_bytes; /* bytes of the whole head, leading empty lines and final CRLF included */
    uint32_t max_url_bytes;     /* bytes of the request-target */
};

struct hp_header
{
    uint32_t name_off, name_len;
    uint32_t value_off, value_len; /* leading and trailing OWS removed */
    int known;                     /* HTTP_HEADER_ID request id 0..40, or -1 */
};

enum hp_target_form { HP_ORIGIN_FORM, HP_ABSOLUTE_FORM, HP_AUTHORITY_FORM, HP_ASTERISK_FORM };
enum hp_body_kind { HP_BODY_NONE, HP_BODY_LENGTH, HP_BODY_CHUNKED };

struct hp_request
{
    uint32_t method_off, method_len;
    int verb;                          /* enum hp_verb; HP_VERB_UNKNOWN for other tokens */
    uint32_t target_off, target_len;
    enum hp_target_form target_form;
    uint32_t host_off, host_len;       /* host[:port] from Host, or from the absolute-form authority
                                        * (which wins); 0 length if neither */
    int version_major, version_minor;  /* 1.2 .. 1.9 are reported as 1.1 */
    struct hp_header *headers;         /* caller-provided array, kept across calls */
    uint32_t header_count, header_capacity;
    uint32_t head_len;                 /* bytes up to and including the blank line */
    enum hp_body_kind body_kind;       /* HP_BODY_LENGTH also for "Content-Length: 0" */
    uint64_t content_length;
    int keep_alive;                    /* RFC 9112 §9.3 */
    int expect_continue;               /* "Expect: 100-continue" in an HTTP/1.1 request */
    int upgrade;                       /* Connection: upgrade and an Upgrade field */
};

/*
 * Parses the request head at the start of buf.  HP_OK: the head is complete
 * and valid, req is filled, the body (or the next request) starts at
 * buf + req->head_len.  HP_INCOMPLETE: more bytes are needed; never returned
 * once len >= max_request_bytes, except while the request-target is still
 * arriving, which may take max_url_bytes (so an over-long URL is told
 * apart with 414): the bytes buffered stay below max_request_bytes +
 * max_field_length + max_url_bytes.  HP_ERROR: *err says which error page.
 * lim may be NULL for the defaults.  req->headers and req->header_capacity
 * are inputs; more field lines than the capacity is HP_ERR_REQUEST_TOO_LONG.
 */
enum hp_status hp_parse_request(const char *buf, size_t len, const struct hp_limits *lim,
                                struct hp_request *req, enum hp_error *err);

/*
 * Parses one field line (name ":" OWS value OWS CRLF) starting at buf[pos];
 * shared with the chunked decoder for trailer fields.  The line content (CRLF
 * excluded) may be at most max_line bytes.  On HP_OK, *h is filled and *next
 * is the offset just past the CRLF.  len must be below 2^32.
 */
enum hp_status hp_parse_field(const char *buf, size_t len, size_t pos, uint32_t max_line,
                              struct hp_header *h, size_t *next, enum hp_error *err);

/* RFC 9110 tchar: the bytes of a token (methods, field names, codings). */
int hp_is_tchar(unsigned char c);

int hp_known_request_header(const char *name, size_t len);  /* case-insensitive; -1 if unknown */
const char *hp_known_request_header_name(int id);           /* canonical spelling; NULL if out of range */
int hp_known_response_header(const char *name, size_t len); /* 0..19 shared, 20 Accept-Ranges .. 29 WWW-Authenticate */
const char *hp_known_response_header_name(int id);
int hp_verb_from_method(const char *m, size_t len);         /* case-sensitive: "get" is HP_VERB_UNKNOWN */
const char *hp_verb_name(int verb);                           /* NULL for HP_VERB_UNKNOWN and the like */

#endif

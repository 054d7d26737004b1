/*
 * The responses http.sys generates itself (reference §5.4), byte for byte
 * where the page is known, and the IMF-fixdate for their Date field.
 */
#ifndef HS_ERRPAGE_H
#define HS_ERRPAGE_H

#include <stddef.h>
#include <time.h>

#include "http_parse.h"

enum hs_page
{
    HS_PAGE_BAD_REQUEST,          /* 400 Bad Request (generic) */
    HS_PAGE_INVALID_HOSTNAME,     /* 400 Bad Request - Invalid Hostname */
    HS_PAGE_INVALID_URL,          /* 400 Bad Request - Invalid URL */
    HS_PAGE_INVALID_VERB,         /* 400 Bad Request - Invalid Verb */
    HS_PAGE_INVALID_HEADER,       /* 400 Bad Request - Invalid Header */
    HS_PAGE_REQUEST_TOO_LONG,     /* 400 Bad Request - Request Too Long */
    HS_PAGE_NOT_FOUND,            /* 404 */
    HS_PAGE_LENGTH_REQUIRED,      /* 411 */
    HS_PAGE_ENTITY_TOO_LARGE,     /* 413 (page text unconfirmed) */
    HS_PAGE_URL_TOO_LONG,         /* 414 */
    HS_PAGE_INTERNAL_ERROR,       /* 500 */
    HS_PAGE_NOT_IMPLEMENTED,      /* 501 */
    HS_PAGE_SERVICE_UNAVAILABLE,  /* 503 (only sent with Limited/Full 503 verbosity) */
    HS_PAGE_VERSION_NOT_SUPPORTED,/* 505 (page text unconfirmed) */
    HS_PAGE_COUNT
};

/* The page for a parse error; HP_ERR_NONE gives the generic 400. */
enum hs_page hs_page_for_error(enum hp_error err);

/* The status code of a page, e.g. 400; 0 for a value out of range. */
int hs_page_status(enum hs_page page);

/* The reason phrase the HTTPERR log gives the page (KB 820729), where one
 * page has one: the 400 Request Too Long and 503 pages have several, and
 * the caller knows which. */
const char *hs_page_reason(enum hs_page page);

/*
 * Writes the whole response (status line, Content-Type, Server unless
 * server_header is 0 (DisableServerHeader=1), Date unless date is NULL,
 * Connection: close, Content-Length, then the HTML body) to out.  Returns
 * its length; the response is in out only if that is <= cap (nothing is
 * written otherwise), so a first call with cap 0 sizes the buffer.
 * 0 for a page out of range.
 */
size_t hs_error_response(char *out, size_t cap, enum hs_page page, const char *date, int server_header);

/* IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT", NUL-terminated.
 * Always GMT, independent of locale and TZ; times outside 1970..9999 are clamped. */
void hs_http_date(time_t t, char out[30]);

#endif

/*
 * http.sys's own error responses (reference §5.4).
 *
 * The body template and the 400/404/411/414/503 texts are http.sys's
 * (the 404 body is 315 bytes, the Invalid Hostname one 334, as observed).
 * The 413 and 505 pages were never confirmed: their texts below are ours,
 * in the same style.  The reason phrase of the status line is the page's
 * title.
 */

#include <stdint.h>
#include <string.h>

#include "errpage.h"

struct page
{
    int status;
    const char *title;    /* also the reason phrase */
    const char *heading;
    const char *text;
};

static const struct page pages[HS_PAGE_COUNT] =
{
    [HS_PAGE_BAD_REQUEST] = { 400, "Bad Request", "Bad Request", "The request is badly formed." },
    [HS_PAGE_INVALID_HOSTNAME] = { 400, "Bad Request", "Bad Request - Invalid Hostname",
                                   "The request hostname is invalid." },
    [HS_PAGE_INVALID_URL] = { 400, "Bad Request", "Bad Request - Invalid URL", "The request URL is invalid." },
    [HS_PAGE_INVALID_VERB] = { 400, "Bad Request", "Bad Request - Invalid Verb", "The request verb is invalid." },
    [HS_PAGE_INVALID_HEADER] = { 400, "Bad Request", "Bad Request - Invalid Header",
                                 "The request has an invalid header name." },
    [HS_PAGE_REQUEST_TOO_LONG] = { 400, "Bad Request", "Bad Request - Request Too Long",
                                   "The size of the request headers is too long." },
    [HS_PAGE_NOT_FOUND] = { 404, "Not Found", "Not Found", "The requested resource is not found." },
    [HS_PAGE_LENGTH_REQUIRED] = { 411, "Length Required", "Length Required",
                                  "The request must be chunked or have a content length." },
    /* Unconfirmed: http.sys logs EntityTooLarge, but its page is not documented. */
    [HS_PAGE_ENTITY_TOO_LARGE] = { 413, "Request Entity Too Large", "Request Entity Too Large",
                                   "The request entity is too large." },
    [HS_PAGE_URL_TOO_LONG] = { 414, "Request URL Too Long", "Request URL Too Long",
                               "The request URL is too long." },
    [HS_PAGE_INTERNAL_ERROR] = { 500, "Internal Server Error", "Internal Server Error",
                                 "The server encountered an internal error." },
    [HS_PAGE_NOT_IMPLEMENTED] = { 501, "Not Implemented", "Not Implemented",
                                  "The requested feature is not implemented." },
    [HS_PAGE_SERVICE_UNAVAILABLE] = { 503, "Service Unavailable", "Service Unavailable",
                                      "The service is unavailable." },
    /* Unconfirmed: only the Version_N/S log reason is documented. */
    [HS_PAGE_VERSION_NOT_SUPPORTED] = { 505, "HTTP Version Not Supported", "HTTP Version Not Supported",
                                        "The HTTP version is not supported." },
};

enum hs_page hs_page_for_error(enum hp_error err)
{
    switch (err)
    {
    case HP_ERR_INVALID_VERB:     return HS_PAGE_INVALID_VERB;
    case HP_ERR_INVALID_URL:      return HS_PAGE_INVALID_URL;
    case HP_ERR_INVALID_HEADER:   return HS_PAGE_INVALID_HEADER;
    case HP_ERR_HOSTNAME:         return HS_PAGE_INVALID_HOSTNAME;
    case HP_ERR_REQUEST_TOO_LONG: return HS_PAGE_REQUEST_TOO_LONG;
    case HP_ERR_URL_TOO_LONG:     return HS_PAGE_URL_TOO_LONG;
    case HP_ERR_LENGTH_REQUIRED:  return HS_PAGE_LENGTH_REQUIRED;
    case HP_ERR_VERSION:          return HS_PAGE_VERSION_NOT_SUPPORTED;
    case HP_ERR_NOT_IMPLEMENTED:  return HS_PAGE_NOT_IMPLEMENTED;
    default:                      return HS_PAGE_BAD_REQUEST;
    }
}

int hs_page_status(enum hs_page page)
{
    if ((unsigned)page >= HS_PAGE_COUNT) return 0;
    return pages[page].status;
}

const char *hs_page_reason(enum hs_page page)
{
    static const char *const reasons[HS_PAGE_COUNT] =
    {
        [HS_PAGE_BAD_REQUEST] = "BadRequest",
        [HS_PAGE_INVALID_HOSTNAME] = "Hostname",
        [HS_PAGE_INVALID_URL] = "URL",
        [HS_PAGE_INVALID_VERB] = "Verb",
        [HS_PAGE_INVALID_HEADER] = "Header",
        [HS_PAGE_REQUEST_TOO_LONG] = "RequestLength",
        /* not in KB 820729's table: what http.sys's logs show for it */
        [HS_PAGE_NOT_FOUND] = "NotFound",
        [HS_PAGE_LENGTH_REQUIRED] = "LengthRequired",
        [HS_PAGE_ENTITY_TOO_LARGE] = "EntityTooLarge",
        [HS_PAGE_URL_TOO_LONG] = "URL_Length",
        [HS_PAGE_INTERNAL_ERROR] = "Internal",
        [HS_PAGE_NOT_IMPLEMENTED] = "N/I",
        [HS_PAGE_SERVICE_UNAVAILABLE] = "N/A",
        [HS_PAGE_VERSION_NOT_SUPPORTED] = "Version_N/S",
    };

    if ((unsigned)page >= HS_PAGE_COUNT) return "Internal";
    return reasons[page];
}

/* Appends to a buffer that may be too small; len counts what it would take. */
struct sink
{
    char *out;
    size_t cap, len;
};

static void put(struct sink *s, const char *str)
{
    size_t n = strlen(str);

    if (s->out && s->len + n <= s->cap) memcpy(s->out + s->len, str, n);
    s->len += n;
}

static void put_number(struct sink *s, size_t v)
{
    char digits[24];
    size_t i = sizeof(digits) - 1;

    digits[i] = 0;
    do digits[--i] = (char)('0' + v % 10); while ((v /= 10) && i);
    put(s, digits + i);
}

static void put_body(struct sink *s, const struct page *p)
{
    /* The DOCTYPE's two quoted strings have no space between them in
     * http.sys's page; clients compare these bodies byte for byte. */
    put(s, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n");
    put(s, "<HTML><HEAD><TITLE>");
    put(s, p->title);
    put(s, "</TITLE>\r\n");
    put(s, "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n");
    put(s, "<BODY><h2>");
    put(s, p->heading);
    put(s, "</h2>\r\n<hr><p>HTTP Error ");
    put_number(s, (size_t)p->status);
    put(s, ". ");
    put(s, p->text);
    put(s, "</p>\r\n</BODY></HTML>\r\n");
}

static void put_response(struct sink *s, const struct page *p, size_t body_len, const char *date,
                         int server_header)
{
    put(s, "HTTP/1.1 ");
    put_number(s, (size_t)p->status);
    put(s, " ");
    put(s, p->title);
    put(s, "\r\nContent-Type: text/html; charset=us-ascii\r\n");
    if (server_header) put(s, "Server: Microsoft-HTTPAPI/2.0\r\n");
    if (date)
    {
        put(s, "Date: ");
        put(s, date);
        put(s, "\r\n");
    }
    /* http.sys closes the connection after an error it generates (KB820729). */
    put(s, "Connection: close\r\nContent-Length: ");
    put_number(s, body_len);
    put(s, "\r\n\r\n");
    put_body(s, p);
}

size_t hs_error_response(char *out, size_t cap, enum hs_page page, const char *date, int server_header)
{
    struct sink count = { NULL, 0, 0 }, body = { NULL, 0, 0 }, real = { out, cap, 0 };
    const struct page *p;

    if ((unsigned)page >= HS_PAGE_COUNT) return 0;
    p = &pages[page];
    put_body(&body, p);
    put_response(&count, p, body.len, date, server_header);
    if (count.len <= cap && out) put_response(&real, p, body.len, date, server_header);
    return count.len;
}

/* ---- IMF-fixdate ------------------------------------------------------- */

static void put2(char *s, int v)
{
    s[0] = (char)('0' + v / 10);
    s[1] = (char)('0' + v % 10);
}

static int is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days since 1970-01-01 to a Gregorian date, by the 400/100/4/1-year
 * cycles counted from 1601-01-01 (the start of a 400-year cycle). */
static void civil_date(int64_t days, int *year, int *month, int *mday)
{
    static const int month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t d = days + 134774;  /* days from 1601-01-01 to 1970-01-01 */
    int64_t q400 = d / 146097, q100, q4, q1;
    int m = 0;

    d %= 146097;
    q100 = d / 36524;
    if (q100 == 4) q100 = 3;    /* the last day of a 400-year cycle */
    d -= q100 * 36524;
    q4 = d / 1461;
    d -= q4 * 1461;
    q1 = d / 365;
    if (q1 == 4) q1 = 3;        /* the last day of a 4-year cycle */
    d -= q1 * 365;
    *year = (int)(1601 + 400 * q400 + 100 * q100 + 4 * q4 + q1);
    for (;;)
    {
        int n = month_days[m] + (m == 1 && is_leap(*year));
        if (d < n) break;
        d -= n;
        m++;
    }
    *month = m;
    *mday = (int)d + 1;
}

void hs_http_date(time_t t, char out[30])
{
    static const char wdays[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int64_t s = (int64_t)t, days;
    int secs, year, month, mday, wday;

    if (s < 0) s = 0;
    if (s > INT64_C(253402300799)) s = INT64_C(253402300799);  /* 9999-12-31 23:59:59 */
    days = s / 86400;
    secs = (int)(s % 86400);
    civil_date(days, &year, &month, &mday);
    wday = (int)((days + 4) % 7);  /* 1970-01-01 was a Thursday */

    memcpy(out, wdays + 3 * wday, 3);
    out[3] = ',';
    out[4] = ' ';
    put2(out + 5, mday);
    out[7] = ' ';
    memcpy(out + 8, months + 3 * month, 3);
    out[11] = ' ';
    put2(out + 12, year / 100);
    put2(out + 14, year % 100);
    out[16] = ' ';
    put2(out + 17, secs / 3600);
    out[19] = ':';
    put2(out + 20, secs / 60 % 60);
    out[22] = ':';
    put2(out + 23, secs % 60);
    memcpy(out + 25, " GMT", 5);
}

/*
 * http.sys's own error responses (reference §5.4) and the Date format.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "errpage.h"

#define DATE "Sun, 06 Nov 1994 08:49:37 GMT"

static char out[2048];

/* The body of a full response in out, and its length. */
static const char *body_of(size_t len, size_t *body_len)
{
    const char *end = strstr(out, "\r\n\r\n");

    if (!end || (size_t)(end + 4 - out) > len) return NULL;
    *body_len = len - (size_t)(end + 4 - out);
    return end + 4;
}

/* Content-Length's value in out. */
static long content_length(void)
{
    const char *p = strstr(out, "\r\nContent-Length: ");
    return p ? strtol(p + 18, NULL, 10) : -1;
}

static size_t page(enum hs_page p, const char *date, int server)
{
    size_t n;

    memset(out, 0, sizeof(out));
    n = hs_error_response(out, sizeof(out) - 1, p, date, server);
    return n;
}

static void test_404(void)
{
    static const char expect[] =
        "HTTP/1.1 404 Not Found\r\n"
        "Content-Type: text/html; charset=us-ascii\r\n"
        "Server: Microsoft-HTTPAPI/2.0\r\n"
        "Date: " DATE "\r\n"
        "Connection: close\r\n"
        "Content-Length: 315\r\n"
        "\r\n"
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
        "<HTML><HEAD><TITLE>Not Found</TITLE>\r\n"
        "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
        "<BODY><h2>Not Found</h2>\r\n"
        "<hr><p>HTTP Error 404. The requested resource is not found.</p>\r\n"
        "</BODY></HTML>\r\n";
    size_t n = page(HS_PAGE_NOT_FOUND, DATE, 1), blen = 0;
    const char *b;

    CHECK_MEM(out, n, expect);
    b = body_of(n, &blen);
    CHECK(b != NULL);
    CHECK_INT(blen, 315);
    CHECK_INT(content_length(), 315);
}

static void test_invalid_hostname(void)
{
    static const char body[] =
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n"
        "<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n"
        "<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n"
        "<BODY><h2>Bad Request - Invalid Hostname</h2>\r\n"
        "<hr><p>HTTP Error 400. The request hostname is invalid.</p>\r\n"
        "</BODY></HTML>\r\n";
    size_t n = page(HS_PAGE_INVALID_HOSTNAME, DATE, 1), blen = 0;
    const char *b = body_of(n, &blen);

    CHECK(!strncmp(out, "HTTP/1.1 400 Bad Request\r\n", 26));
    CHECK(b != NULL);
    CHECK_MEM(b, blen, body);
    CHECK_INT(blen, 334);
    CHECK_INT(content_length(), 334);
}

struct expect_page
{
    enum hs_page page;
    int status;
    const char *status_line;
    const char *heading;
    const char *text;
    long body_len;  /* -1: not known from http.sys */
};

static void test_all_pages(void)
{
    static const struct expect_page pages[] =
    {
        { HS_PAGE_BAD_REQUEST, 400, "HTTP/1.1 400 Bad Request\r\n", "<h2>Bad Request</h2>",
          "HTTP Error 400. The request is badly formed.", 311 },
        { HS_PAGE_INVALID_HOSTNAME, 400, "HTTP/1.1 400 Bad Request\r\n", "<h2>Bad Request - Invalid Hostname</h2>",
          "HTTP Error 400. The request hostname is invalid.", 334 },
        { HS_PAGE_INVALID_URL, 400, "HTTP/1.1 400 Bad Request\r\n", "<h2>Bad Request - Invalid URL</h2>",
          "HTTP Error 400. The request URL is invalid.", 324 },
        { HS_PAGE_INVALID_VERB, 400, "HTTP/1.1 400 Bad Request\r\n", "<h2>Bad Request - Invalid Verb</h2>",
          "HTTP Error 400. The request verb is invalid.", 326 },
        { HS_PAGE_INVALID_HEADER, 400, "HTTP/1.1 400 Bad Request\r\n", "<h2>Bad Request - Invalid Header</h2>",
          "HTTP Error 400. The request has an invalid header name.", 339 },
        { HS_PAGE_REQUEST_TOO_LONG, 400, "HTTP/1.1 400 Bad Request\r\n", "<h2>Bad Request - Request Too Long</h2>",
          "HTTP Error 400. The size of the request headers is too long.", 346 },
        { HS_PAGE_NOT_FOUND, 404, "HTTP/1.1 404 Not Found\r\n", "<h2>Not Found</h2>",
          "HTTP Error 404. The requested resource is not found.", 315 },
        { HS_PAGE_LENGTH_REQUIRED, 411, "HTTP/1.1 411 Length Required\r\n", "<h2>Length Required</h2>",
          "HTTP Error 411. The request must be chunked or have a content length.", 344 },
        { HS_PAGE_ENTITY_TOO_LARGE, 413, "HTTP/1.1 413 Request Entity Too Large\r\n",
          "<h2>Request Entity Too Large</h2>", "HTTP Error 413. The request entity is too large.", -1 },
        { HS_PAGE_URL_TOO_LONG, 414, "HTTP/1.1 414 Request URL Too Long\r\n", "<h2>Request URL Too Long</h2>",
          "HTTP Error 414. The request URL is too long.", -1 },
        { HS_PAGE_INTERNAL_ERROR, 500, "HTTP/1.1 500 Internal Server Error\r\n", "<h2>Internal Server Error</h2>",
          "HTTP Error 500. The server encountered an internal error.", -1 },
        { HS_PAGE_NOT_IMPLEMENTED, 501, "HTTP/1.1 501 Not Implemented\r\n", "<h2>Not Implemented</h2>",
          "HTTP Error 501. The requested feature is not implemented.", -1 },
        { HS_PAGE_SERVICE_UNAVAILABLE, 503, "HTTP/1.1 503 Service Unavailable\r\n", "<h2>Service Unavailable</h2>",
          "HTTP Error 503. The service is unavailable.", -1 },
        { HS_PAGE_VERSION_NOT_SUPPORTED, 505, "HTTP/1.1 505 HTTP Version Not Supported\r\n",
          "<h2>HTTP Version Not Supported</h2>", "HTTP Error 505. The HTTP version is not supported.", -1 },
    };
    size_t i;

    CHECK_INT(sizeof(pages) / sizeof(pages[0]), HS_PAGE_COUNT);
    for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
    {
        const struct expect_page *e = &pages[i];
        size_t n = page(e->page, DATE, 1), blen = 0;
        const char *b = body_of(n, &blen);

        CHECK_INT(hs_page_status(e->page), e->status);
        CHECK_MSG(!strncmp(out, e->status_line, strlen(e->status_line)), "status line of page %zu", i);
        CHECK_MSG(b && strstr(b, e->heading), "heading of page %zu", i);
        CHECK_MSG(b && strstr(b, e->text), "text of page %zu", i);
        CHECK_MSG(b && (long)blen == content_length(), "Content-Length of page %zu", i);
        if (e->body_len >= 0) CHECK_INT(blen, e->body_len);
        CHECK_INT(n, strlen(out));
    }
    CHECK_INT(hs_page_status(HS_PAGE_COUNT), 0);
    CHECK_INT(hs_error_response(out, sizeof(out), HS_PAGE_COUNT, DATE, 1), 0);
}

static void test_headers(void)
{
    size_t with = page(HS_PAGE_BAD_REQUEST, DATE, 1), n;

    CHECK(strstr(out, "\r\nServer: Microsoft-HTTPAPI/2.0\r\n") != NULL);
    CHECK(strstr(out, "\r\nDate: " DATE "\r\n") != NULL);
    CHECK(strstr(out, "\r\nConnection: close\r\n") != NULL);
    CHECK(strstr(out, "\r\nContent-Type: text/html; charset=us-ascii\r\n") != NULL);
    /* DisableServerHeader=1 */
    n = page(HS_PAGE_BAD_REQUEST, DATE, 0);
    CHECK(strstr(out, "Server:") == NULL);
    CHECK_INT(with - n, strlen("Server: Microsoft-HTTPAPI/2.0\r\n"));
    /* no date */
    n = page(HS_PAGE_BAD_REQUEST, NULL, 1);
    CHECK(strstr(out, "Date:") == NULL);
    CHECK_INT(with - n, strlen("Date: " DATE "\r\n"));
    /* header order as http.sys sends it */
    page(HS_PAGE_BAD_REQUEST, DATE, 1);
    CHECK(strstr(out, "Content-Type") < strstr(out, "Server") && strstr(out, "Server") < strstr(out, "Date") &&
          strstr(out, "Date") < strstr(out, "Connection") && strstr(out, "Connection") < strstr(out, "Content-Length"));
}

static void test_capacity(void)
{
    size_t need = hs_error_response(NULL, 0, HS_PAGE_NOT_FOUND, DATE, 1), n;
    char *exact = malloc(need);

    CHECK(need > 315);
    memset(out, 'x', sizeof(out));
    CHECK_INT(hs_error_response(out, need - 1, HS_PAGE_NOT_FOUND, DATE, 1), need);
    CHECK(out[0] == 'x');  /* too small: nothing written */
    n = hs_error_response(exact, need, HS_PAGE_NOT_FOUND, DATE, 1);  /* exact fit, ASan-checked */
    CHECK_INT(n, need);
    CHECK(!memcmp(exact, "HTTP/1.1 404 Not Found\r\n", 24));
    CHECK(!memcmp(exact + need - 16, "</BODY></HTML>\r\n", 16));
    free(exact);
}

static void test_page_for_error(void)
{
    CHECK_INT(hs_page_for_error(HP_ERR_BAD_REQUEST), HS_PAGE_BAD_REQUEST);
    CHECK_INT(hs_page_for_error(HP_ERR_NONE), HS_PAGE_BAD_REQUEST);
    CHECK_INT(hs_page_for_error(HP_ERR_INVALID_VERB), HS_PAGE_INVALID_VERB);
    CHECK_INT(hs_page_for_error(HP_ERR_INVALID_URL), HS_PAGE_INVALID_URL);
    CHECK_INT(hs_page_for_error(HP_ERR_INVALID_HEADER), HS_PAGE_INVALID_HEADER);
    CHECK_INT(hs_page_for_error(HP_ERR_HOSTNAME), HS_PAGE_INVALID_HOSTNAME);
    CHECK_INT(hs_page_for_error(HP_ERR_REQUEST_TOO_LONG), HS_PAGE_REQUEST_TOO_LONG);
    CHECK_INT(hs_page_for_error(HP_ERR_URL_TOO_LONG), HS_PAGE_URL_TOO_LONG);
    CHECK_INT(hs_page_for_error(HP_ERR_LENGTH_REQUIRED), HS_PAGE_LENGTH_REQUIRED);
    CHECK_INT(hs_page_for_error(HP_ERR_VERSION), HS_PAGE_VERSION_NOT_SUPPORTED);
    CHECK_INT(hs_page_for_error(HP_ERR_NOT_IMPLEMENTED), HS_PAGE_NOT_IMPLEMENTED);
}

static void check_date(time_t t, const char *expect)
{
    char d[30];

    memset(d, '#', sizeof(d));
    hs_http_date(t, d);
    CHECK_MSG(!strcmp(d, expect), "hs_http_date(%lld): got '%.30s', expected '%s'", (long long)t, d, expect);
}

static void test_date(void)
{
    check_date(784111777, "Sun, 06 Nov 1994 08:49:37 GMT");  /* RFC 9110's example */
    check_date(0, "Thu, 01 Jan 1970 00:00:00 GMT");
    check_date(951782400, "Tue, 29 Feb 2000 00:00:00 GMT");   /* leap day of a 400-year leap year */
    check_date(951868800, "Wed, 01 Mar 2000 00:00:00 GMT");
    check_date(978220800, "Sun, 31 Dec 2000 00:00:00 GMT");   /* last day of a 400-year cycle */
    check_date(978307200, "Mon, 01 Jan 2001 00:00:00 GMT");
    check_date(1078012800, "Sun, 29 Feb 2004 00:00:00 GMT");
    check_date(1234567890, "Fri, 13 Feb 2009 23:31:30 GMT");
    check_date(2147483647, "Tue, 19 Jan 2038 03:14:07 GMT");
    check_date(4107542399, "Sun, 28 Feb 2100 23:59:59 GMT");  /* 2100 is not a leap year */
    check_date(4107542400, "Mon, 01 Mar 2100 00:00:00 GMT");
    check_date(253402300799, "Fri, 31 Dec 9999 23:59:59 GMT");
    check_date(253402300800, "Fri, 31 Dec 9999 23:59:59 GMT");  /* clamped */
    check_date(-1, "Thu, 01 Jan 1970 00:00:00 GMT");            /* clamped */

    /* every day for 400 years against the C library (UTC, no locale involved) */
    {
        time_t t;
        int ok = 1;
        for (t = 0; t < (time_t)146097 * 86400 && ok; t += 86400 + 3661)
        {
            char mine[30], ref[64];
            struct tm *tm = gmtime(&t);
            strftime(ref, sizeof(ref), "%a, %d %b %Y %H:%M:%S GMT", tm);
            hs_http_date(t, mine);
            if (strcmp(mine, ref))
            {
                printf("  date %lld: '%s' vs '%s'\n", (long long)t, mine, ref);
                ok = 0;
            }
        }
        CHECK(ok);
    }
}

/* KB 820729's reason phrases, for the HTTPERR log */
static void test_reasons(void)
{
    static const char *const expect[HS_PAGE_COUNT] =
    {
        "BadRequest", "Hostname", "URL", "Verb", "Header", "RequestLength", "NotFound", "LengthRequired",
        "EntityTooLarge", "URL_Length", "Internal", "N/I", "N/A", "Version_N/S",
    };
    int i;

    for (i = 0; i < HS_PAGE_COUNT; i++)
        CHECK_MSG(!strcmp(hs_page_reason((enum hs_page)i), expect[i]), "page %d: %s, expected %s", i,
                  hs_page_reason((enum hs_page)i), expect[i]);
    CHECK(!strcmp(hs_page_reason(HS_PAGE_COUNT), "Internal"));
}

int main(void)
{
    test_404();
    test_invalid_hostname();
    test_all_pages();
    test_headers();
    test_capacity();
    test_page_for_error();
    test_date();
    test_reasons();
    return unit_report();
}

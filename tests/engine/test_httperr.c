/*
 * The HTTPERR log (httperr.c): the header block, lines with KB 820729's
 * rules ("-" for what is not known, "+" for spaces and control bytes, UTC,
 * the URL cut at 4096 bytes and the verb at 255, HTTP/?.? for versions of
 * 10 and more), and the files: named httperrN.log, 0600, started with a
 * header, rolled over at the size limit, in a folder that must be ours.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "unit.h"
#include "httperr.h"

#define WHEN 1700000000   /* 2023-11-14 22:13:20 UTC */

static char buf[16384];

static struct sockaddr_in v4(const char *ip, unsigned port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static void entry(struct hs_httperr_entry *e, const struct sockaddr_in *client, const struct sockaddr_in *server)
{
    memset(e, 0, sizeof(*e));
    e->when = WHEN;
    e->client = (const struct sockaddr *)client;
    e->server = (const struct sockaddr *)server;
    e->version_major = e->version_minor = -1;
}

static void test_header(void)
{
    size_t n = hs_httperr_header(buf, sizeof(buf), WHEN);

    CHECK_MEM(buf, n, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: 2023-11-14 22:13:20\r\n"
                      "#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid "
                      "s-reason s-queuename\r\n");
    buf[0] = 'x';
    CHECK_INT(hs_httperr_header(buf, 10, WHEN), n);
    CHECK(buf[0] == 'x');
}

static void test_lines(void)
{
    struct sockaddr_in client = v4("127.0.0.1", 2780), server = v4("127.0.0.1", 80);
    struct sockaddr_in6 c6, s6;
    struct hs_httperr_entry e;
    size_t n;

    /* KB 820729's own example */
    entry(&e, &client, &server);
    e.version_major = 1;
    e.version_minor = 1;
    e.method = "GET";
    e.method_len = 3;
    e.uri = "/ThisIsMyUrl.htm";
    e.uri_len = strlen(e.uri);
    e.status = 400;
    e.reason = "Hostname";
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 127.0.0.1 2780 127.0.0.1 80 HTTP/1.1 GET /ThisIsMyUrl.htm 400 - Hostname -\r\n");

    /* a timer with no request: only the addresses */
    entry(&e, &client, &server);
    e.reason = "Timer_MinBytesPerSecond";
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 127.0.0.1 2780 127.0.0.1 80 - - - - - Timer_MinBytesPerSecond -\r\n");

    /* nothing known at all */
    entry(&e, NULL, NULL);
    e.reason = "Timer_ConnectionIdle";
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 - - - - - - - - - Timer_ConnectionIdle -\r\n");

    /* spaces, tabs and control bytes become '+'; the queue's name is written */
    entry(&e, &client, &server);
    e.version_major = 1;
    e.version_minor = 0;
    e.method = "GET";
    e.method_len = 3;
    e.uri = "/a b\tc\x01" "d\x7f?q=\xc3\xa9";
    e.uri_len = strlen(e.uri);
    e.status = 503;
    e.reason = "QueueFull";
    e.queue = "my queue";
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 127.0.0.1 2780 127.0.0.1 80 HTTP/1.0 GET /a+b+c+d+?q=\xc3\xa9 503 - QueueFull my+queue\r\n");

    /* versions of 10 and more */
    e.queue = NULL;
    e.version_major = 10;
    e.version_minor = 0;
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK(n && strstr(buf, " HTTP/?.? GET ") != NULL);
    e.version_major = 1;
    e.version_minor = 12;
    hs_httperr_line(buf, sizeof(buf), &e);
    CHECK(strstr(buf, " HTTP/?.? GET ") != NULL);
    e.version_major = 2;
    e.version_minor = 0;
    hs_httperr_line(buf, sizeof(buf), &e);
    CHECK(strstr(buf, " HTTP/2.0 GET ") != NULL);

    /* a status above 999 is no status */
    e.status = 1000;
    hs_httperr_line(buf, sizeof(buf), &e);
    CHECK(strstr(buf, " - - QueueFull -\r\n") != NULL);

    /* IPv6 with its scope id; a v4-mapped address as IPv4 */
    memset(&c6, 0, sizeof(c6));
    c6.sin6_family = AF_INET6;
    c6.sin6_port = htons(51000);
    inet_pton(AF_INET6, "::1", &c6.sin6_addr);
    memset(&s6, 0, sizeof(s6));
    s6.sin6_family = AF_INET6;
    s6.sin6_port = htons(8080);
    s6.sin6_scope_id = 3;
    inet_pton(AF_INET6, "fe80::1", &s6.sin6_addr);
    entry(&e, NULL, NULL);
    e.client = (const struct sockaddr *)&c6;
    e.server = (const struct sockaddr *)&s6;
    e.reason = "Client_Reset";
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 ::1%0 51000 fe80::1%3 8080 - - - - - Client_Reset -\r\n");
    inet_pton(AF_INET6, "::ffff:10.1.2.3", &c6.sin6_addr);
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 10.1.2.3 51000 fe80::1%3 8080 - - - - - Client_Reset -\r\n");

    /* too small: the length it needs, nothing written */
    buf[0] = 'x';
    CHECK_INT(hs_httperr_line(buf, 5, &e), n);
    CHECK(buf[0] == 'x');
}

static void test_truncation(void)
{
    struct sockaddr_in client = v4("10.0.0.2", 1), server = v4("10.0.0.1", 2);
    static char uri[6000], verb[400];
    struct hs_httperr_entry e;
    const char *p, *q;
    size_t n;

    memset(uri, 'u', sizeof(uri) - 1);
    uri[0] = '/';
    memset(verb, 'V', sizeof(verb) - 1);
    entry(&e, &client, &server);
    e.version_major = e.version_minor = 1;
    e.method = verb;
    e.method_len = strlen(verb);
    e.uri = uri;
    e.uri_len = strlen(uri);
    e.status = 414;
    e.reason = "URL_Length";
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK(n < sizeof(buf));
    p = strstr(buf, " HTTP/1.1 ") + 10;
    q = strchr(p, ' ');
    CHECK_INT(q - p, 255);
    p = q + 1;
    q = strchr(p, ' ');
    CHECK_INT(q - p, 4096);
    CHECK(!strcmp(q, " 414 - URL_Length -\r\n"));

    /* a cut never splits a UTF-8 sequence: "é" across byte 4096 goes whole */
    uri[4095] = (char)0xc3;
    uri[4096] = (char)0xa9;
    hs_httperr_line(buf, sizeof(buf), &e);
    p = strstr(buf, " HTTP/1.1 ") + 10 + 256;
    q = strchr(p, ' ');
    CHECK_INT(q - p, 4095);

    /* empty values are '-' too */
    e.method_len = 0;
    e.uri_len = 0;
    n = hs_httperr_line(buf, sizeof(buf), &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 10.0.0.2 1 10.0.0.1 2 HTTP/1.1 - - 414 - URL_Length -\r\n");
}

static char *slurp(const char *path, size_t *len)
{
    static char data[3 << 20];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, data, sizeof(data) - 1);

    if (fd >= 0) close(fd);
    *len = n < 0 ? 0 : (size_t)n;
    data[*len] = 0;
    return n < 0 ? NULL : data;
}

static void test_files(void)
{
    struct sockaddr_in client = v4("127.0.0.1", 5000), server = v4("127.0.0.1", 80);
    char dir[] = "/tmp/test_httperr.XXXXXX", path[512], sub[256];
    static char uri[4097];
    struct hs_httperr_entry e;
    struct hs_httperr *log;
    struct stat st;
    size_t len, i;
    char *text;

    if (!mkdtemp(dir))
    {
        CHECK_MSG(0, "mkdtemp");
        return;
    }
    /* ErrorLoggingDir itself is made when its parent exists */
    snprintf(sub, sizeof(sub), "%s/LogFiles", dir);
    log = hs_httperr_open(sub, 0);
    CHECK(log != NULL);
    snprintf(path, sizeof(path), "%s/HTTPERR", sub);
    CHECK(!lstat(path, &st) && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
    snprintf(path, sizeof(path), "%s/HTTPERR/httperr1.log", sub);
    CHECK_MSG(lstat(path, &st) != 0, "no file before the first event");

    entry(&e, &client, &server);
    e.reason = "Timer_ConnectionIdle";
    hs_httperr_write(log, &e);
    e.reason = "Timer_HeaderWait";
    hs_httperr_write(log, &e);
    CHECK(!lstat(path, &st) && (st.st_mode & 0777) == 0600);
    text = slurp(path, &len);
    CHECK(text && !strncmp(text, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: ", 57));
    CHECK(text && strstr(text, " - - - - - Timer_ConnectionIdle -\r\n") && strstr(text, " - - - - - Timer_HeaderWait -\r\n"));
    hs_httperr_free(log);

    /* a new run goes on in the last file, with a header block of its own */
    log = hs_httperr_open(sub, 0x100000);
    e.reason = "Client_Reset";
    hs_httperr_write(log, &e);
    text = slurp(path, &len);
    CHECK(text && strstr(strstr(text, "Timer_HeaderWait") ?: "", "#Software: ") && strstr(text, "Client_Reset"));

    /* past ErrorLogFileTruncateSize: httperr2.log, with its header; no file passes the limit */
    memset(uri, 'a', sizeof(uri) - 1);
    uri[0] = '/';
    e.uri = uri;
    e.uri_len = 4096;
    e.status = 404;
    e.reason = "NotFound";
    for (i = 0; i < 300; i++) hs_httperr_write(log, &e);
    text = slurp(path, &len);
    CHECK_MSG(len <= 0x100000 && len > 0x100000 - 5000, "httperr1.log is %zu bytes", len);
    snprintf(path, sizeof(path), "%s/HTTPERR/httperr2.log", sub);
    text = slurp(path, &len);
    CHECK(text && !strncmp(text, "#Software: ", 11) && strstr(text, " 404 - NotFound -\r\n"));
    hs_httperr_free(log);
    /* and the next run starts from the highest number */
    log = hs_httperr_open(sub, 0x100000);
    e.uri_len = 0;
    e.reason = "Marker";
    hs_httperr_write(log, &e);
    text = slurp(path, &len);
    CHECK(text && strstr(text, "Marker"));
    hs_httperr_free(log);

    /* HTTPERR a link to another folder: refused */
    snprintf(sub, sizeof(sub), "%s/linked", dir);
    mkdir(sub, 0700);
    snprintf(path, sizeof(path), "%s/HTTPERR", sub);
    CHECK(!symlink(dir, path));
    CHECK(hs_httperr_open(sub, 0) == NULL);
    /* a parent that does not exist: refused */
    snprintf(sub, sizeof(sub), "%s/no/such", dir);
    CHECK(hs_httperr_open(sub, 0) == NULL);
    /* a writer without a log does nothing */
    hs_httperr_write(NULL, &e);
    hs_httperr_free(NULL);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    if (system(path)) printf("could not remove %s\n", dir);
}

int main(void)
{
    test_header();
    test_lines();
    test_truncation();
    test_files();
    return unit_report();
}

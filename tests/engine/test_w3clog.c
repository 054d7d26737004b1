/*
 * W3C log files (w3clog.c): the #Fields line in IIS's order, log lines
 * (UTC, "-" for nothing, "+" for spaces), file names per rollover type,
 * and the files themselves: header blocks, size rollover, paths refused.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "unit.h"
#include "w3clog.h"
#include "httpsys_proto.h"

#define ALL_FIELDS 0x003fffff
#define WHEN 1700000000   /* 2023-11-14 22:13:20 UTC, a Tuesday */

static char buf[4096];

static struct hs_text T(const char *s)
{
    struct hs_text t = { s, s ? strlen(s) : 0 };
    return t;
}

static void test_fields_line(void)
{
    size_t n = hs_w3c_fields_line(buf, sizeof(buf), ALL_FIELDS);

    CHECK_MEM(buf, n, "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port "
                      "cs-username c-ip cs-version cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status "
                      "sc-substatus sc-win32-status sc-bytes cs-bytes time-taken\r\n");
    /* the bits' order is not the line's */
    n = hs_w3c_fields_line(buf, sizeof(buf), HS_LOG_STATUS | HS_LOG_CLIENT_IP | HS_LOG_DATE);
    CHECK_MEM(buf, n, "#Fields: date c-ip sc-status\r\n");
    n = hs_w3c_fields_line(buf, sizeof(buf), 0);
    CHECK_MEM(buf, n, "#Fields:\r\n");
    /* too small: the length it needs, nothing written past cap */
    buf[0] = 'x';
    CHECK_INT(hs_w3c_fields_line(buf, 4, HS_LOG_DATE), 15);
}

static void test_line(void)
{
    struct hs_w3c_entry e;
    size_t n;

    memset(&e, 0, sizeof(e));
    e.when = WHEN;
    e.site_name = T("W3SVC1");
    e.server_ip = T("127.0.0.1");
    e.method = T("GET");
    e.uri_stem = T("/a b/c");
    e.user_agent = T("Mozilla/5.0 (X11)");
    e.client_ip = T("::1");
    e.version = T("HTTP/1.1");
    e.host = T("localhost:80");
    e.server_port = 80;
    e.status = 200;
    e.win32_status = 0;
    e.bytes_sent = 1234;
    e.bytes_recv = 56;
    e.time_taken_ms = 7;
    n = hs_w3c_line(buf, sizeof(buf), ALL_FIELDS, &e);
    CHECK_MEM(buf, n, "2023-11-14 22:13:20 W3SVC1 - 127.0.0.1 GET /a+b/c - 80 - ::1 HTTP/1.1 Mozilla/5.0+(X11) - - "
                      "localhost:80 200 0 0 1234 56 7\r\n");
    /* nothing can end the line early */
    e.user_name = T("evil\r\n#Fields: x");
    n = hs_w3c_line(buf, sizeof(buf), HS_LOG_USER_NAME | HS_LOG_TIME, &e);
    CHECK_MEM(buf, n, "22:13:20 evil??#Fields:+x\r\n");
}

static void test_file_names(void)
{
    time_t when = WHEN;
    struct tm tm;
    size_t n;

    gmtime_r(&when, &tm);
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_DAILY, HS_LOG_FLAG_UTF8, &tm, 0);
    CHECK_MEM(buf, n, "u_ex231114.log");
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_DAILY, 0, &tm, 0);
    CHECK_MEM(buf, n, "ex231114.log");
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_HOURLY, HS_LOG_FLAG_UTF8, &tm, 0);
    CHECK_MEM(buf, n, "u_ex23111422.log");
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_MONTHLY, HS_LOG_FLAG_UTF8, &tm, 0);
    CHECK_MEM(buf, n, "u_ex2311.log");
    /* November 2023 starts on a Wednesday: the 14th is in its third week */
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_WEEKLY, HS_LOG_FLAG_UTF8, &tm, 0);
    CHECK_MEM(buf, n, "u_ex231103.log");
    tm.tm_mday = 4; tm.tm_wday = 6;   /* Saturday the 4th: still the first */
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_WEEKLY, 0, &tm, 0);
    CHECK_MEM(buf, n, "ex231101.log");
    tm.tm_mday = 5; tm.tm_wday = 0;   /* Sunday the 5th: the second */
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_WEEKLY, 0, &tm, 0);
    CHECK_MEM(buf, n, "ex231102.log");
    n = hs_w3c_file_name(buf, sizeof(buf), HS_ROLL_SIZE, HS_LOG_FLAG_UTF8, &tm, 3);
    CHECK_MEM(buf, n, "u_extend3.log");
}

static uint32_t make(const char *dir, uint32_t rollover, uint32_t size, uint32_t flags, const char *software,
                     struct hs_w3c **log)
{
    uint8_t data[1024];
    struct hs_log_config c = { flags, HS_LOG_DATE | HS_LOG_TIME | HS_LOG_URI_STEM | HS_LOG_STATUS, rollover, size,
                               (uint32_t)strlen(software), (uint32_t)strlen(dir) };

    memcpy(data, &c, sizeof(c));
    memcpy(data + sizeof(c), software, c.software_len);
    memcpy(data + sizeof(c) + c.software_len, dir, c.dir_len);
    return hs_w3c_new(data, sizeof(c) + c.software_len + c.dir_len, log);
}

static char *read_file(const char *path, size_t *len)
{
    static char content[1 << 16];
    FILE *f = fopen(path, "rb");

    *len = 0;
    if (!f) return NULL;
    *len = fread(content, 1, sizeof(content) - 1, f);
    content[*len] = 0;
    fclose(f);
    return content;
}

static void test_files(void)
{
    char dir[] = "/tmp/test_w3clog.XXXXXX", path[512], link[512];
    struct hs_w3c_entry e;
    struct hs_w3c *log;
    struct stat st;
    size_t len;
    char *text;
    int i;

    if (!mkdtemp(dir)) { CHECK_MSG(0, "mkdtemp failed"); return; }
    /* paths the engine will not write in */
    CHECK_INT(make("relative/dir", HS_ROLL_DAILY, 0, 0, "", &log), 87);
    snprintf(path, sizeof(path), "%s/../x", dir);
    CHECK_INT(make(path, HS_ROLL_DAILY, 0, 0, "", &log), 87);
    snprintf(path, sizeof(path), "%s/missing", dir);
    CHECK_INT(make(path, HS_ROLL_DAILY, 0, 0, "", &log), 3);
    snprintf(link, sizeof(link), "%s/link", dir);
    CHECK(!symlink(dir, link));
    CHECK_INT(make(link, HS_ROLL_DAILY, 0, 0, "", &log), 5);
    CHECK_INT(make(dir, HS_ROLL_SIZE, 1000, 0, "", &log), 87);     /* below 1 MiB */
    CHECK_INT(make(dir, 5, 0, 0, "", &log), 87);
    CHECK_INT(make(dir, HS_ROLL_DAILY, 0, HS_LOG_FLAG_ERRORS_ONLY | HS_LOG_FLAG_SUCCESS_ONLY, "", &log), 87);

    /* a daily log: a header block, then the lines */
    CHECK_INT(make(dir, HS_ROLL_DAILY, 0, HS_LOG_FLAG_UTF8, "", &log), 0);
    memset(&e, 0, sizeof(e));
    e.when = WHEN;
    e.uri_stem = T("/one");
    e.status = 200;
    hs_w3c_write(log, &e);
    e.uri_stem = T("/two");
    e.status = 404;
    hs_w3c_write(log, &e);
    hs_w3c_free(log);
    snprintf(path, sizeof(path), "%s/u_ex231114.log", dir);
    text = read_file(path, &len);
    CHECK_MEM(text, len, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: 2023-11-14 22:13:20\r\n"
                         "#Fields: date time cs-uri-stem sc-status\r\n"
                         "2023-11-14 22:13:20 /one 200\r\n2023-11-14 22:13:20 /two 404\r\n");
    CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0600);

    /* opened again: another header block; errors only */
    CHECK_INT(make(dir, HS_ROLL_DAILY, 0, HS_LOG_FLAG_UTF8 | HS_LOG_FLAG_ERRORS_ONLY, "Test Server", &log), 0);
    e.uri_stem = T("/ok");
    e.status = 200;
    hs_w3c_write(log, &e);
    e.uri_stem = T("/bad");
    e.status = 500;
    hs_w3c_write(log, &e);
    hs_w3c_free(log);
    text = read_file(path, &len);
    CHECK(text && strstr(text, "\r\n#Software: Test Server\r\n#Version: 1.0\r\n") &&
          !strstr(text, "/ok") && strstr(text, "/bad 500\r\n"));

    /* size rollover at 1 MiB: extend1 fills, extend2 takes the rest */
    CHECK_INT(make(dir, HS_ROLL_SIZE, 1u << 20, 0, "", &log), 0);
    {
        static char stem[1000];
        memset(stem, 'x', sizeof(stem) - 1);
        stem[0] = '/';
        e.uri_stem = T(stem);
        e.status = 200;
        for (i = 0; i < 1100; i++) hs_w3c_write(log, &e);
    }
    hs_w3c_free(log);
    snprintf(path, sizeof(path), "%s/extend1.log", dir);
    CHECK(!stat(path, &st) && st.st_size <= (1 << 20) && st.st_size > (1 << 20) - 2000);
    snprintf(path, sizeof(path), "%s/extend2.log", dir);
    CHECK(!stat(path, &st) && st.st_size > 50000 && st.st_size < 200000);
    text = read_file(path, &len);
    CHECK(text && !strncmp(text, "#Software: ", 11));

    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    CHECK(!system(path));
}

int main(void)
{
    test_fields_line();
    test_line();
    test_file_names();
    test_files();
    return unit_report();
}

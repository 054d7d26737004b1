#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "w3clog.h"
#include "sink.h"
#include "logfile.h"
#include "httpsys_proto.h"
#include "log.h"

#define ERROR_FILE_NOT_FOUND    2
#define ERROR_PATH_NOT_FOUND    3
#define ERROR_ACCESS_DENIED     5
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_INVALID_PARAMETER 87

#define SOFTWARE_DEFAULT  "Microsoft HTTP API 2.0"
#define SOFTWARE_MAX      (260 * 3)   /* MAX_PATH characters, in UTF-8 */
#define DIR_MAX           2048
#define ROLLOVER_SIZE_MIN (1u << 20)  /* HTTP_MIN_ALLOWED_LOG_FILE_ROLLOVER_SIZE */
#define NO_LIMIT          0xffffffffu
#define LINE_MAX_BYTES    16384       /* longer values are cut, as IIS cuts its fields */

struct hs_w3c
{
    uint32_t flags, fields, rollover_size;
    enum hs_rollover rollover;
    char *software;
    int dir_fd;
    int fd;                          /* the current file, -1 when none is open */
    char name[64];                   /* its name */
    uint32_t seq;                    /* size rollover: its number */
    uint64_t size;
};

/* IIS's order of the W3C fields, whatever order their bits are in. */
static const struct { uint32_t bit; const char *name; } field_names[] =
{
    { HS_LOG_DATE, "date" },
    { HS_LOG_TIME, "time" },
    { HS_LOG_SITE_NAME, "s-sitename" },
    { HS_LOG_COMPUTER_NAME, "s-computername" },
    { HS_LOG_SERVER_IP, "s-ip" },
    { HS_LOG_METHOD, "cs-method" },
    { HS_LOG_URI_STEM, "cs-uri-stem" },
    { HS_LOG_URI_QUERY, "cs-uri-query" },
    { HS_LOG_SERVER_PORT, "s-port" },
    { HS_LOG_USER_NAME, "cs-username" },
    { HS_LOG_CLIENT_IP, "c-ip" },
    { HS_LOG_VERSION, "cs-version" },
    { HS_LOG_USER_AGENT, "cs(User-Agent)" },
    { HS_LOG_COOKIE, "cs(Cookie)" },
    { HS_LOG_REFERER, "cs(Referer)" },
    { HS_LOG_HOST, "cs-host" },
    { HS_LOG_STATUS, "sc-status" },
    { HS_LOG_SUB_STATUS, "sc-substatus" },
    { HS_LOG_WIN32_STATUS, "sc-win32-status" },
    { HS_LOG_BYTES_SENT, "sc-bytes" },
    { HS_LOG_BYTES_RECV, "cs-bytes" },
    { HS_LOG_TIME_TAKEN, "time-taken" },
};
#define FIELD_COUNT (sizeof(field_names) / sizeof(field_names[0]))

/* ------------------------------------------------------------------------ */
/* formatting                                                                */
/* ------------------------------------------------------------------------ */

/* W3C's rules: an empty value is "-", a space is "+", and nothing may end
 * the line or the field early. */
static void put_text(struct sink *s, struct hs_text t)
{
    size_t i;

    if (!t.p || !t.len)
    {
        put(s, "-", 1);
        return;
    }
    for (i = 0; i < t.len; i++)
    {
        unsigned char c = (unsigned char)t.p[i];
        char r = c == ' ' ? '+' : (c < 0x20 || c == 0x7f) ? '?' : (char)c;
        put(s, &r, 1);
    }
}

static void put_number(struct sink *s, uint64_t v)
{
    char buf[24];
    put(s, buf, (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, v));
}

size_t hs_w3c_fields_line(char *out, size_t cap, uint32_t fields)
{
    struct sink s = { out, cap, 0 };
    size_t i;

    puts_(&s, "#Fields:");
    for (i = 0; i < FIELD_COUNT; i++)
    {
        if (!(fields & field_names[i].bit)) continue;
        put(&s, " ", 1);
        puts_(&s, field_names[i].name);
    }
    put(&s, "\r\n", 2);
    return finish(&s);
}

size_t hs_w3c_line(char *out, size_t cap, uint32_t fields, const struct hs_w3c_entry *e)
{
    struct sink s = { out, cap, 0 };
    char buf[32];
    struct tm tm;
    int any = 0;
    size_t i;

    gmtime_r(&e->when, &tm);
    for (i = 0; i < FIELD_COUNT; i++)
    {
        uint32_t bit = field_names[i].bit;

        if (!(fields & bit)) continue;
        if (any) put(&s, " ", 1);
        any = 1;
        switch (bit)
        {
        case HS_LOG_DATE:
            put(&s, buf, strftime(buf, sizeof(buf), "%Y-%m-%d", &tm));
            break;
        case HS_LOG_TIME:
            put(&s, buf, strftime(buf, sizeof(buf), "%H:%M:%S", &tm));
            break;
        case HS_LOG_SITE_NAME:     put_text(&s, e->site_name); break;
        case HS_LOG_COMPUTER_NAME: put_text(&s, e->computer_name); break;
        case HS_LOG_SERVER_IP:     put_text(&s, e->server_ip); break;
        case HS_LOG_METHOD:        put_text(&s, e->method); break;
        case HS_LOG_URI_STEM:      put_text(&s, e->uri_stem); break;
        case HS_LOG_URI_QUERY:     put_text(&s, e->uri_query); break;
        case HS_LOG_SERVER_PORT:   put_number(&s, e->server_port); break;
        case HS_LOG_USER_NAME:     put_text(&s, e->user_name); break;
        case HS_LOG_CLIENT_IP:     put_text(&s, e->client_ip); break;
        case HS_LOG_VERSION:       put_text(&s, e->version); break;
        case HS_LOG_USER_AGENT:    put_text(&s, e->user_agent); break;
        case HS_LOG_COOKIE:        put_text(&s, e->cookie); break;
        case HS_LOG_REFERER:       put_text(&s, e->referer); break;
        case HS_LOG_HOST:          put_text(&s, e->host); break;
        case HS_LOG_STATUS:        put_number(&s, e->status); break;
        case HS_LOG_SUB_STATUS:    put_number(&s, e->sub_status); break;
        case HS_LOG_WIN32_STATUS:  put_number(&s, e->win32_status); break;
        case HS_LOG_BYTES_SENT:    put_number(&s, e->bytes_sent); break;
        case HS_LOG_BYTES_RECV:    put_number(&s, e->bytes_recv); break;
        case HS_LOG_TIME_TAKEN:    put_number(&s, e->time_taken_ms); break;
        }
    }
    put(&s, "\r\n", 2);
    return finish(&s);
}

/* The week of the month, weeks starting on Sunday: the 1st is in week 1. */
static int week_of_month(const struct tm *tm)
{
    int first_wday = ((tm->tm_wday - (tm->tm_mday - 1)) % 7 + 7) % 7;
    return (tm->tm_mday - 1 + first_wday) / 7 + 1;
}

size_t hs_w3c_file_name(char *out, size_t cap, enum hs_rollover rollover, uint32_t flags, const struct tm *tm,
                        uint32_t seq)
{
    /* "u_" marks a file written in UTF-8, as IIS names them */
    const char *prefix = flags & HS_LOG_FLAG_UTF8 ? "u_" : "";
    int yy = tm->tm_year % 100, mm = tm->tm_mon + 1, n;

    switch (rollover)
    {
    case HS_ROLL_SIZE:
        n = snprintf(out, cap, "%sextend%u.log", prefix, seq);
        break;
    case HS_ROLL_HOURLY:
        n = snprintf(out, cap, "%sex%02d%02d%02d%02d.log", prefix, yy, mm, tm->tm_mday, tm->tm_hour);
        break;
    case HS_ROLL_WEEKLY:
        n = snprintf(out, cap, "%sex%02d%02d%02d.log", prefix, yy, mm, week_of_month(tm));
        break;
    case HS_ROLL_MONTHLY:
        n = snprintf(out, cap, "%sex%02d%02d.log", prefix, yy, mm);
        break;
    default:
        n = snprintf(out, cap, "%sex%02d%02d%02d.log", prefix, yy, mm, tm->tm_mday);
        break;
    }
    return n < 0 ? 0 : (size_t)n;
}

/* ------------------------------------------------------------------------ */
/* files                                                                     */
/* ------------------------------------------------------------------------ */

static int printable(const char *p, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) return 0;
    return 1;
}

/* An absolute path without "." or ".." segments: the directory the
 * library named, never one reached by walking out of it. */
static int plain_path(const char *p, size_t len)
{
    size_t i, seg;

    if (!len || p[0] != '/' || !printable(p, len)) return 0;
    for (i = 0; i < len; i = seg)
    {
        size_t start = i + 1;
        for (seg = start; seg < len && p[seg] != '/'; seg++) {}
        if ((seg - start == 1 && p[start] == '.') || (seg - start == 2 && p[start] == '.' && p[start + 1] == '.'))
            return 0;
    }
    return 1;
}

uint32_t hs_w3c_new(const uint8_t *data, uint32_t len, struct hs_w3c **out)
{
    struct hs_log_config c;
    struct hs_w3c *log;
    struct stat st;
    char dir[DIR_MAX + 1];
    const char *software;

    *out = NULL;
    if (len < sizeof(c)) return ERROR_INVALID_PARAMETER;
    memcpy(&c, data, sizeof(c));
    if (c.software_len > SOFTWARE_MAX || c.dir_len > DIR_MAX || c.software_len + c.dir_len > len - sizeof(c))
        return ERROR_INVALID_PARAMETER;
    if (c.rollover > HS_ROLL_HOURLY) return ERROR_INVALID_PARAMETER;
    if (c.rollover == HS_ROLL_SIZE && c.rollover_size != NO_LIMIT && c.rollover_size < ROLLOVER_SIZE_MIN)
        return ERROR_INVALID_PARAMETER;
    if ((c.logging_flags & HS_LOG_FLAG_ERRORS_ONLY) && (c.logging_flags & HS_LOG_FLAG_SUCCESS_ONLY))
        return ERROR_INVALID_PARAMETER;
    software = (const char *)data + sizeof(c);
    if (!printable(software, c.software_len)) return ERROR_INVALID_PARAMETER;
    memcpy(dir, software + c.software_len, c.dir_len);
    dir[c.dir_len] = 0;
    if (!plain_path(dir, c.dir_len) || strlen(dir) != c.dir_len) return ERROR_INVALID_PARAMETER;

    if (!(log = calloc(1, sizeof(*log)))) return ERROR_NOT_ENOUGH_MEMORY;
    log->fd = -1;
    log->seq = 1;
    log->flags = c.logging_flags;
    log->fields = c.fields;
    log->rollover = c.rollover;
    log->rollover_size = c.rollover_size;
    log->software = c.software_len ? strndup(software, c.software_len) : strdup(SOFTWARE_DEFAULT);
    /* the directory itself must be a directory of ours, not a link to one */
    log->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (!log->software || log->dir_fd < 0 || fstat(log->dir_fd, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
    {
        uint32_t err = !log->software ? ERROR_NOT_ENOUGH_MEMORY :
                       log->dir_fd < 0 && errno == ENOENT ? ERROR_PATH_NOT_FOUND : ERROR_ACCESS_DENIED;
        WARN("W3C log directory %s is not usable (error %u)", dir, err);
        hs_w3c_free(log);
        return err;
    }
    TRACE("W3C log in %s, fields %#x, rollover %u", dir, c.fields, c.rollover);
    *out = log;
    return 0;
}

void hs_w3c_free(struct hs_w3c *log)
{
    if (!log) return;
    if (log->fd >= 0) close(log->fd);
    if (log->dir_fd >= 0) close(log->dir_fd);
    free(log->software);
    free(log);
}

static void close_file(struct hs_w3c *log)
{
    if (log->fd >= 0) close(log->fd);
    log->fd = -1;
    log->name[0] = 0;
}

/* Opens name for appending, and starts a header block in it, as IIS does
 * each time it opens a log. */
static int open_file(struct hs_w3c *log, const char *name, time_t now)
{
    char head[1024], date[32];
    struct stat st;
    struct tm tm;
    int n;

    close_file(log);
    log->fd = hs_logfile_open(log->dir_fd, name, &st);
    if (log->fd < 0 || !S_ISREG(st.st_mode))
    {
        WARN("cannot open the W3C log %s: %s", name, strerror(errno));
        close_file(log);
        return -1;
    }
    snprintf(log->name, sizeof(log->name), "%s", name);
    log->size = (uint64_t)st.st_size;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    n = snprintf(head, sizeof(head), "#Software: %s\r\n#Version: 1.0\r\n#Date: %s\r\n", log->software, date);
    n += (int)hs_w3c_fields_line(head + n, sizeof(head) - (size_t)n, log->fields);
    if (n >= (int)sizeof(head) || hs_logfile_write(log->fd, head, (size_t)n))
    {
        close_file(log);
        return -1;
    }
    log->size += (uint64_t)n;
    return 0;
}

/* Size rollover: the first file of the sequence that still has room. */
static void next_sized_file(struct hs_w3c *log, char *name, size_t cap, size_t need, const struct tm *tm)
{
    struct stat st;

    for (;;)
    {
        hs_w3c_file_name(name, cap, HS_ROLL_SIZE, log->flags, tm, log->seq);
        if (log->rollover_size == NO_LIMIT || fstatat(log->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) ||
            (uint64_t)st.st_size + need <= log->rollover_size || log->seq == UINT32_MAX)
            return;
        log->seq++;
    }
}

void hs_w3c_write(struct hs_w3c *log, const struct hs_w3c_entry *e)
{
    char line[LINE_MAX_BYTES], name[64];
    struct tm tm;
    size_t n;

    if ((log->flags & HS_LOG_FLAG_ERRORS_ONLY) && e->status < 400) return;
    if ((log->flags & HS_LOG_FLAG_SUCCESS_ONLY) && e->status >= 400) return;
    n = hs_w3c_line(line, sizeof(line), log->fields, e);
    if (n >= sizeof(line))
    {
        /* cut, but still one line */
        n = sizeof(line) - 1;
        line[n - 2] = '\r';
        line[n - 1] = '\n';
    }
    if (log->flags & HS_LOG_FLAG_LOCAL_TIME_ROLLOVER) localtime_r(&e->when, &tm);
    else gmtime_r(&e->when, &tm);
    if (log->rollover == HS_ROLL_SIZE)
    {
        if (log->fd >= 0 && log->rollover_size != NO_LIMIT && log->size + n > log->rollover_size)
        {
            close_file(log);
            log->seq++;
        }
        if (log->fd < 0) next_sized_file(log, name, sizeof(name), n, &tm);
        else snprintf(name, sizeof(name), "%s", log->name);
    }
    else hs_w3c_file_name(name, sizeof(name), log->rollover, log->flags, &tm, 0);
    if ((log->fd < 0 || strcmp(name, log->name)) && open_file(log, name, e->when)) return;
    if (hs_logfile_write(log->fd, line, n))
    {
        WARN("cannot write the W3C log %s: %s", log->name, strerror(errno));
        close_file(log);
        return;
    }
    log->size += n;
}

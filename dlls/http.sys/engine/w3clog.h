/*
 * W3C extended log files of HttpServerLoggingProperty (HttpLoggingTypeW3C):
 * one line per response the application asked to log (pLogData), the
 * fields of HTTP_LOGGING_INFO.Fields in IIS's order, times in UTC, files
 * named and rolled over as HTTP_LOGGING_ROLLOVER_TYPE documents.  Not the
 * engine's own log (log.h).
 */
#ifndef HS_W3CLOG_H
#define HS_W3CLOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* HTTP_LOG_FIELD_* */
#define HS_LOG_DATE          0x00000001
#define HS_LOG_TIME          0x00000002
#define HS_LOG_CLIENT_IP     0x00000004
#define HS_LOG_USER_NAME     0x00000008
#define HS_LOG_SITE_NAME     0x00000010
#define HS_LOG_COMPUTER_NAME 0x00000020
#define HS_LOG_SERVER_IP     0x00000040
#define HS_LOG_METHOD        0x00000080
#define HS_LOG_URI_STEM      0x00000100
#define HS_LOG_URI_QUERY     0x00000200
#define HS_LOG_STATUS        0x00000400
#define HS_LOG_WIN32_STATUS  0x00000800
#define HS_LOG_BYTES_SENT    0x00001000
#define HS_LOG_BYTES_RECV    0x00002000
#define HS_LOG_TIME_TAKEN    0x00004000
#define HS_LOG_SERVER_PORT   0x00008000
#define HS_LOG_USER_AGENT    0x00010000
#define HS_LOG_COOKIE        0x00020000
#define HS_LOG_REFERER       0x00040000
#define HS_LOG_VERSION       0x00080000
#define HS_LOG_HOST          0x00100000
#define HS_LOG_SUB_STATUS    0x00200000

/* HTTP_LOGGING_FLAG_* */
#define HS_LOG_FLAG_LOCAL_TIME_ROLLOVER 0x1
#define HS_LOG_FLAG_UTF8                0x2
#define HS_LOG_FLAG_ERRORS_ONLY         0x4
#define HS_LOG_FLAG_SUCCESS_ONLY        0x8

/* HTTP_LOGGING_ROLLOVER_TYPE */
enum hs_rollover { HS_ROLL_SIZE, HS_ROLL_DAILY, HS_ROLL_WEEKLY, HS_ROLL_MONTHLY, HS_ROLL_HOURLY };

struct hs_text { const char *p; size_t len; };   /* len 0: not known, logged as "-" */

/* One response, as it is logged. */
struct hs_w3c_entry
{
    time_t when;                     /* UTC */
    struct hs_text site_name, computer_name, server_ip, method, uri_stem, uri_query;
    struct hs_text user_name, client_ip, version, user_agent, cookie, referer, host;
    uint32_t server_port, status, sub_status, win32_status;
    uint64_t bytes_sent, bytes_recv, time_taken_ms;
};

/* The pure parts, for the tests: each returns the length it needs, and
 * writes (NUL-terminated) only when that fits in cap. */
size_t hs_w3c_fields_line(char *out, size_t cap, uint32_t fields);
size_t hs_w3c_line(char *out, size_t cap, uint32_t fields, const struct hs_w3c_entry *e);
/* tm: the rollover's clock (UTC, or local with LOCAL_TIME_ROLLOVER);
 * seq: the size rollover's file number (from 1). */
size_t hs_w3c_file_name(char *out, size_t cap, enum hs_rollover rollover, uint32_t flags, const struct tm *tm,
                        uint32_t seq);

struct hs_w3c;

/* From an hs_log_config and its strings; a Win32 error when the directory
 * is not one the engine will write in (not absolute, dot segments, not a
 * directory of ours). */
uint32_t hs_w3c_new(const uint8_t *data, uint32_t len, struct hs_w3c **out);
void hs_w3c_free(struct hs_w3c *log);
/* Appends the entry's line (a header block first when the file is opened),
 * rolling over to a new file when the period or size says so. */
void hs_w3c_write(struct hs_w3c *log, const struct hs_w3c_entry *e);

#endif

#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "log.h"

static FILE *log_file;
static int stderr_level = HS_LOG_ERR;   /* highest level echoed to stderr */

/* WINEDEBUG is a comma list of [class]{+|-}channel items; "all" matches too. */
static void parse_winedebug(const char *spec)
{
    char buf[512], *save = NULL, *item;

    if (!spec) return;
    snprintf(buf, sizeof(buf), "%s", spec);
    for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save))
    {
        char *sign = strpbrk(item, "+-");
        const char *channel;
        int on;

        if (!sign) continue;
        channel = sign + 1;
        if (strcmp(channel, "httpsys") && strcmp(channel, "all")) continue;
        on = *sign == '+';
        *sign = 0;
        if (!*item) stderr_level = on ? HS_LOG_TRACE : -1;
        else if (!strcmp(item, "trace")) stderr_level = on ? HS_LOG_TRACE : HS_LOG_WARN;
        else if (!strcmp(item, "warn")) { if (on && stderr_level < HS_LOG_WARN) stderr_level = HS_LOG_WARN;
                                          if (!on && stderr_level >= HS_LOG_WARN) stderr_level = HS_LOG_ERR; }
        else if (!strcmp(item, "err")) { if (!on) stderr_level = -1; }
    }
}

void hs_log_init(const char *winedebug, const char *logfile)
{
    parse_winedebug(winedebug);
    if (logfile)
    {
        int fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0)
        {
            fchmod(fd, 0600);
            log_file = fdopen(fd, "a");
            if (log_file) setvbuf(log_file, NULL, _IOLBF, 0);
            else close(fd);
        }
    }
}

void hs_log_close(void)
{
    if (log_file) fclose(log_file);
    log_file = NULL;
}

int hs_log_enabled(enum hs_log_level level)
{
    return (int)level <= stderr_level || (level <= HS_LOG_WARN && log_file);
}

static const char *level_name(enum hs_log_level level)
{
    switch (level)
    {
    case HS_LOG_ERR: return "err";
    case HS_LOG_WARN: return "warn";
    default: return "trace";
    }
}

void hs_log(enum hs_log_level level, const char *func, const char *fmt, ...)
{
    char msg[1024], stamp[32];
    struct tm tm;
    time_t now = time(NULL);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    if ((int)level <= stderr_level)
        fprintf(stderr, "%s:httpsys:%s %s\n", level_name(level), func, msg);
    if (log_file && level <= HS_LOG_WARN)
    {
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
        fprintf(log_file, "%s %s:%s %s\n", stamp, level_name(level), func, msg);
    }
}

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include "httperr.h"
#include "sink.h"
#include "logfile.h"
#include "log.h"

#define LINE_MAX_BYTES 8192   /* above the longest line the limits allow */
#define QUEUE_MAX      1024   /* a queue name is at most 260 UTF-16 units */

struct hs_httperr
{
    int dir_fd;
    int fd;                   /* the current file, -1 when none is open */
    uint32_t seq;             /* its number */
    uint64_t size;
    uint32_t limit;
    int warned;
};

/* ------------------------------------------------------------------------ */
/* formatting                                                                */
/* ------------------------------------------------------------------------ */

/* KB 820729: "-" for a field that is not available; a space, a tab or a
 * control character becomes "+".  A field cut at max bytes is cut before a
 * UTF-8 sequence, not inside one. */
static void put_field(struct sink *s, const char *p, size_t len, size_t max)
{
    size_t i;

    if (!p || !len)
    {
        put(s, "-", 1);
        return;
    }
    if (len > max)
    {
        len = max;
        while (len && ((unsigned char)p[len] & 0xc0) == 0x80) len--;
    }
    for (i = 0; i < len; i++)
    {
        unsigned char c = (unsigned char)p[i];
        char r = c <= 0x20 || c == 0x7f ? '+' : (char)c;
        put(s, &r, 1);
    }
}

/* The address and the port, two fields; an IPv6 address with its scope
 * id, as http.sys writes it. */
static void put_address(struct sink *s, const struct sockaddr *sa)
{
    char text[INET6_ADDRSTRLEN + 16];
    unsigned port = 0;

    text[0] = 0;
    if (sa && sa->sa_family == AF_INET)
    {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
        port = ntohs(in->sin_port);
    }
    else if (sa && sa->sa_family == AF_INET6)
    {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) inet_ntop(AF_INET, in6->sin6_addr.s6_addr + 12, text, sizeof(text));
        else if (inet_ntop(AF_INET6, &in6->sin6_addr, text, INET6_ADDRSTRLEN))
            snprintf(text + strlen(text), sizeof(text) - strlen(text), "%%%u", (unsigned)in6->sin6_scope_id);
        port = ntohs(in6->sin6_port);
    }
    if (!text[0])
    {
        put(s, "- -", 3);
        return;
    }
    puts_(s, text);
    snprintf(text, sizeof(text), " %u", port);
    puts_(s, text);
}

size_t hs_httperr_header(char *out, size_t cap, time_t when)
{
    struct sink s = { out, cap, 0 };
    char date[32];
    struct tm tm;

    gmtime_r(&when, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    puts_(&s, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: ");
    puts_(&s, date);
    puts_(&s, "\r\n#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status "
              "s-siteid s-reason s-queuename\r\n");
    return finish(&s);
}

size_t hs_httperr_line(char *out, size_t cap, const struct hs_httperr_entry *e)
{
    struct sink s = { out, cap, 0 };
    char buf[32];
    struct tm tm;

    gmtime_r(&e->when, &tm);
    put(&s, buf, strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S ", &tm));
    put_address(&s, e->client);
    put(&s, " ", 1);
    put_address(&s, e->server);
    put(&s, " ", 1);
    if (e->version_major < 0 || e->version_minor < 0) put(&s, "-", 1);
    else if (e->version_major >= 10 || e->version_minor >= 10) puts_(&s, "HTTP/?.?");
    else put(&s, buf, (size_t)snprintf(buf, sizeof(buf), "HTTP/%d.%d", e->version_major, e->version_minor));
    put(&s, " ", 1);
    put_field(&s, e->method, e->method_len, HS_HTTPERR_VERB_MAX);
    put(&s, " ", 1);
    put_field(&s, e->uri, e->uri_len, HS_HTTPERR_URI_MAX);
    put(&s, " ", 1);
    if (e->status && e->status <= 999) put(&s, buf, (size_t)snprintf(buf, sizeof(buf), "%u", e->status));
    else put(&s, "-", 1);
    /* s-siteid: IIS's site ids; nothing here has one */
    put(&s, " - ", 3);
    put_field(&s, e->reason, e->reason ? strlen(e->reason) : 0, 64);
    put(&s, " ", 1);
    put_field(&s, e->queue, e->queue ? strlen(e->queue) : 0, QUEUE_MAX);
    put(&s, "\r\n", 2);
    return finish(&s);
}

/* ------------------------------------------------------------------------ */
/* files                                                                     */
/* ------------------------------------------------------------------------ */

/* The highest N of the httperrN.log files already there: writing goes on
 * where the last run stopped. */
static uint32_t last_sequence(int dir_fd)
{
    uint32_t best = 1;
    struct dirent *d;
    DIR *dir;
    int fd = dup(dir_fd);

    if (fd < 0) return best;
    if (!(dir = fdopendir(fd)))
    {
        close(fd);
        return best;
    }
    while ((d = readdir(dir)))
    {
        unsigned n;
        int end = 0;
        if (sscanf(d->d_name, "httperr%u.log%n", &n, &end) == 1 && end && !d->d_name[end] &&
            d->d_name[7] >= '1' && d->d_name[7] <= '9' && n > best)
            best = n;
    }
    closedir(dir);
    return best;
}

struct hs_httperr *hs_httperr_open(const char *dir, uint32_t truncate_size)
{
    struct hs_httperr *log;
    struct stat st;
    int parent;

    /* ErrorLoggingDir may not exist yet (a fresh prefix has no LogFiles);
     * made here, it is closed to others like everything the service makes
     * (umask 077 would make it so anyway); one that exists is left as it is */
    if (mkdir(dir, 0700) && errno != EEXIST)
    {
        WARN("error log: cannot make %s: %s; HTTPERR is not written", dir, strerror(errno));
        return NULL;
    }
    if ((parent = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
        WARN("error log: cannot open %s: %s; HTTPERR is not written", dir, strerror(errno));
        return NULL;
    }
    if (mkdirat(parent, "HTTPERR", 0700) && errno != EEXIST)
    {
        WARN("error log: cannot make %s/HTTPERR: %s; HTTPERR is not written", dir, strerror(errno));
        close(parent);
        return NULL;
    }
    if (!(log = calloc(1, sizeof(*log))))
    {
        close(parent);
        return NULL;
    }
    log->fd = -1;
    log->limit = truncate_size < HS_HTTPERR_SIZE_MIN ? HS_HTTPERR_SIZE_MIN : truncate_size;
    /* the folder is the service's alone, as on Windows (administrators and
     * SYSTEM only): not a link to somewhere else, not someone else's */
    log->dir_fd = openat(parent, "HTTPERR", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(parent);
    if (log->dir_fd < 0 || fstat(log->dir_fd, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
        ((st.st_mode & 077) && fchmod(log->dir_fd, 0700)))
    {
        WARN("error log: %s/HTTPERR is not a directory of ours; HTTPERR is not written", dir);
        hs_httperr_free(log);
        return NULL;
    }
    log->seq = last_sequence(log->dir_fd);
    TRACE("error log in %s/HTTPERR from httperr%u.log, files of %u bytes", dir, log->seq, log->limit);
    return log;
}

void hs_httperr_free(struct hs_httperr *log)
{
    if (!log) return;
    if (log->fd >= 0) close(log->fd);
    if (log->dir_fd >= 0) close(log->dir_fd);
    free(log);
}

static void close_file(struct hs_httperr *log)
{
    if (log->fd >= 0) close(log->fd);
    log->fd = -1;
}

static void failed(struct hs_httperr *log, const char *what, const char *name)
{
    if (!log->warned)
        WARN("error log: cannot %s HTTPERR/%s: %s; errors are not logged while this lasts", what, name,
             strerror(errno));
    log->warned = 1;
    close_file(log);
}

/* Opens the first file from log->seq on that has room for need more bytes
 * after a header, and writes the header. */
static int open_file(struct hs_httperr *log, size_t need, time_t now)
{
    char name[32], head[512];
    struct stat st;
    size_t hlen = hs_httperr_header(head, sizeof(head), now);

    for (;;)
    {
        snprintf(name, sizeof(name), "httperr%u.log", log->seq);
        if ((log->fd = hs_logfile_open(log->dir_fd, name, &st)) < 0)
        {
            failed(log, "open", name);
            return -1;
        }
        if (!S_ISREG(st.st_mode) || st.st_uid != getuid())
        {
            errno = EPERM;
            failed(log, "use", name);
            return -1;
        }
        if (!st.st_size || (uint64_t)st.st_size + hlen + need <= log->limit || log->seq == UINT32_MAX) break;
        close_file(log);
        log->seq++;
    }
    if (hs_logfile_write(log->fd, head, hlen))
    {
        failed(log, "write", name);
        return -1;
    }
    log->size = (uint64_t)st.st_size + hlen;
    return 0;
}

void hs_httperr_write(struct hs_httperr *log, const struct hs_httperr_entry *e)
{
    char line[LINE_MAX_BYTES], name[32];
    size_t n;

    if (!log) return;
    n = hs_httperr_line(line, sizeof(line), e);
    if (n >= sizeof(line)) return;   /* cannot happen: every field is bounded */
    if (log->fd >= 0 && log->size + n > log->limit && log->seq < UINT32_MAX)
    {
        close_file(log);
        log->seq++;
    }
    if (log->fd < 0 && open_file(log, n, e->when)) return;
    if (hs_logfile_write(log->fd, line, n))
    {
        snprintf(name, sizeof(name), "httperr%u.log", log->seq);
        failed(log, "write", name);
        return;
    }
    log->size += n;
}

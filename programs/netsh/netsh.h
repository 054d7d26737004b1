/* netsh.exe: the command contexts and their shared helpers. */
#ifndef NETSH_H
#define NETSH_H

#include <stdio.h>
#include <wchar.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <http.h>

#include "httpapi_ext.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* network byte order without ws2_32 (x86 is little-endian) */
static inline USHORT port_swap(USHORT v) { return (USHORT)((v >> 8) | (v << 8)); }

/* Exit codes scripts test: 0 success, 1 a command failed or was not found. */
#define NETSH_OK     0
#define NETSH_FAILED 1

/* ---- output (netsh.c) ---------------------------------------------------- */
void out(const WCHAR *fmt, ...);
void msg_success(const WCHAR *text);                 /* "\n<text>\n\n" */
void msg_api_error(const WCHAR *what, DWORD err);    /* "\n<what>, Error: N\n<system text>\n\n" */
void msg_system_text(DWORD err);                     /* "<system text>\n" */
void msg_bad_parameter(void);                        /* "The parameter is incorrect.\n\n" */

/* ---- the command table (http.c) ------------------------------------------- */
struct command
{
    const WCHAR *group;     /* "add", "delete", ...; NULL for a command of the context itself */
    const WCHAR *name;      /* "sslcert" */
    const WCHAR *summary;   /* one line, as in the group's list */
    const WCHAR *usage;     /* the text "<command> ?" prints */
    int (*run)(const struct command *cmd, int argc, WCHAR **argv);
};

int  http_command(int argc, WCHAR **argv);   /* argv[0] is the first word after "http" */
void print_usage(const struct command *cmd);

/* ---- arguments (args.c) --------------------------------------------------- */
#define TAG_REQUIRED   0x1  /* missing: the usage text, exit code 1 */
#define TAG_POSITIONAL 0x2  /* may be given without "tag=", in table order */

struct tag_def
{
    const WCHAR *name;
    unsigned flags;
};

/* Fills values[i] for defs[i] from "tag=value" or positional words.  On
 * FALSE, the help or the error has been printed and *rc is the exit code. */
BOOL get_args(const struct command *cmd, int argc, WCHAR **argv, const struct tag_def *defs,
              unsigned count, const WCHAR **values, int *rc);
BOOL is_help_word(const WCHAR *arg);
BOOL match_keyword(const WCHAR *word, const WCHAR *keyword);      /* case-insensitive */
int  parse_choice(const WCHAR *value, const WCHAR *yes, const WCHAR *no);  /* 1, 0, -1 */
BOOL parse_ulong(const WCHAR *value, ULONG max, ULONG *result);  /* decimal or 0x hex */
BOOL parse_guid(const WCHAR *value, GUID *guid);                 /* braces optional */
BOOL parse_hash(const WCHAR *value, BYTE hash[HTTP_SSL_CERT_SHA_HASH_LENGTH]);
BOOL parse_port(const WCHAR *value, USHORT *port);               /* 1..65535 */
BOOL parse_ipport(const WCHAR *value, SOCKADDR_STORAGE *addr);  /* a.b.c.d:port, [v6]:port */
BOOL parse_ipaddress(const WCHAR *value, SOCKADDR_STORAGE *addr, int *len);  /* port optional */
BOOL parse_hostport(const WCHAR *value, WCHAR *host, size_t host_size, USHORT *port);
void format_sockaddr(const SOCKADDR *addr, WCHAR *buf, ULONG size);  /* port shown when set */
void format_guid(const GUID *guid, WCHAR *buf);                      /* 39 characters */

/* ---- the configuration API (config.c) ------------------------------------- */
DWORD config_init(void);
/* HttpQueryServiceConfiguration into a buffer it allocates (free() it). */
DWORD config_query(HTTP_SERVICE_CONFIG_ID id, void *in, ULONG in_len, void **out_buf);
BOOL  config_absent(DWORD err);   /* not found / no more items */

/* ---- the commands ---------------------------------------------------------- */
int sslcert_add(const struct command *cmd, int argc, WCHAR **argv);
int sslcert_update(const struct command *cmd, int argc, WCHAR **argv);
int sslcert_delete(const struct command *cmd, int argc, WCHAR **argv);
int sslcert_show(const struct command *cmd, int argc, WCHAR **argv);
int sslpropertyex_update(const struct command *cmd, int argc, WCHAR **argv);
DWORD sslcert_dump(void);

int urlacl_add(const struct command *cmd, int argc, WCHAR **argv);
int urlacl_delete(const struct command *cmd, int argc, WCHAR **argv);
int urlacl_show(const struct command *cmd, int argc, WCHAR **argv);
DWORD urlacl_dump(void);

int iplisten_add(const struct command *cmd, int argc, WCHAR **argv);
int iplisten_delete(const struct command *cmd, int argc, WCHAR **argv);
int iplisten_show(const struct command *cmd, int argc, WCHAR **argv);
int timeout_add(const struct command *cmd, int argc, WCHAR **argv);
int timeout_delete(const struct command *cmd, int argc, WCHAR **argv);
int timeout_show(const struct command *cmd, int argc, WCHAR **argv);
int cacheparam_add(const struct command *cmd, int argc, WCHAR **argv);
int cacheparam_delete(const struct command *cmd, int argc, WCHAR **argv);
int cacheparam_show(const struct command *cmd, int argc, WCHAR **argv);
int setting_add(const struct command *cmd, int argc, WCHAR **argv);
int setting_delete(const struct command *cmd, int argc, WCHAR **argv);
int setting_show(const struct command *cmd, int argc, WCHAR **argv);
int cache_delete(const struct command *cmd, int argc, WCHAR **argv);
int cachestate_show(const struct command *cmd, int argc, WCHAR **argv);
int logbuffer_flush(const struct command *cmd, int argc, WCHAR **argv);
DWORD simple_dump(void);

int servicestate_show(const struct command *cmd, int argc, WCHAR **argv);
int http_dump(const struct command *cmd, int argc, WCHAR **argv);

/* ---- help texts (help.c) ---------------------------------------------------- */
extern const WCHAR usage_add_cacheparam[], usage_add_iplisten[], usage_add_setting[], usage_add_sslcert[],
                   usage_add_timeout[], usage_add_urlacl[], usage_delete_cache[], usage_delete_cacheparam[],
                   usage_delete_iplisten[], usage_delete_setting[], usage_delete_sslcert[],
                   usage_delete_timeout[], usage_delete_urlacl[], usage_dump[], usage_flush_logbuffer[],
                   usage_show_cacheparam[], usage_show_cachestate[], usage_show_iplisten[],
                   usage_show_servicestate[], usage_show_setting[], usage_show_sslcert[],
                   usage_show_timeout[], usage_show_urlacl[], usage_update_sslcert[],
                   usage_update_sslpropertyex[];
extern const WCHAR help_http_context[], help_netsh_context[];

#endif

/*
 * The single-value records: the IP listen list, the service-wide timeouts,
 * the cache parameters and the TLS throttle setting; and the commands on
 * the response cache and the log buffer.
 */
#include <stdlib.h>

#include "netsh.h"

static BOOL no_args(const struct command *cmd, int argc, WCHAR **argv, int *rc)
{
    const WCHAR *unused[1];
    static const struct tag_def none[1] = { { L"", 0 } };
    return get_args(cmd, argc, argv, none, 0, unused, rc);
}

/* ---- iplisten --------------------------------------------------------------- */

static int iplisten_change(const struct command *cmd, int argc, WCHAR **argv, BOOL add)
{
    static const struct tag_def defs[] = { { L"ipaddress", TAG_POSITIONAL | TAG_REQUIRED } };
    const WCHAR *values[1];
    HTTP_SERVICE_CONFIG_IP_LISTEN_PARAM param;
    SOCKADDR_STORAGE addr;
    int rc, len;
    DWORD err;

    if (!get_args(cmd, argc, argv, defs, 1, values, &rc)) return rc;
    if (!parse_ipaddress(values[0], &addr, &len))
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    param.AddrLength = len;
    param.pAddress = (PSOCKADDR)&addr;
    if (!(err = config_init()))
    {
        if (add) err = HttpSetServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL);
        else err = HttpDeleteServiceConfiguration(NULL, HttpServiceConfigIPListenList, &param, sizeof(param), NULL);
    }
    if (err)
    {
        msg_api_error(add ? L"IP address add failed" : L"IP address deletion failed", err);
        return NETSH_FAILED;
    }
    msg_success(add ? L"IP address successfully added" : L"IP address successfully deleted");
    return NETSH_OK;
}

int iplisten_add(const struct command *cmd, int argc, WCHAR **argv)
{
    return iplisten_change(cmd, argc, argv, TRUE);
}

int iplisten_delete(const struct command *cmd, int argc, WCHAR **argv)
{
    return iplisten_change(cmd, argc, argv, FALSE);
}

/* the list (NULL and 0 when empty) */
static DWORD query_iplisten(HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY **list)
{
    DWORD err = config_query(HttpServiceConfigIPListenList, NULL, 0, (void **)list);
    if (config_absent(err)) err = 0;
    return err;
}

int iplisten_show(const struct command *cmd, int argc, WCHAR **argv)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list;
    WCHAR text[100];
    DWORD err;
    ULONG i;
    int rc;

    if (!no_args(cmd, argc, argv, &rc)) return rc;
    out(L"\nIP addresses present in the IP listen list:\n-------------------------------------------\n\n");
    if ((err = query_iplisten(&list)))
    {
        msg_system_text(err);
        out(L"\n");
        return NETSH_FAILED;
    }
    for (i = 0; list && i < list->AddrCount; i++)
    {
        format_sockaddr((SOCKADDR *)&list->AddrList[i], text, ARRAY_SIZE(text));
        out(L"    %ls\n", text);
    }
    free(list);
    out(L"\n\n");
    return NETSH_OK;
}

/* ---- timeout, cacheparam, setting ----------------------------------------------- */

/* One kind of keyed value: its config id, its keys, its messages. */
struct keyed
{
    HTTP_SERVICE_CONFIG_ID id;
    const WCHAR *type_tag;          /* "timeouttype" */
    const WCHAR *keys[2];           /* the key names, by key value */
    ULONG max;                      /* largest value */
    const WCHAR *what;              /* "Timeout" */
};

static const struct keyed timeouts =
{
    HttpServiceConfigTimeout, L"timeouttype", { L"idleconnectiontimeout", L"headerwaittimeout" }, 0xffff, L"Timeout"
};
static const struct keyed cacheparams =
{
    HttpServiceConfigCache, L"type", { L"maxcacheresponsesize", L"cacherangechunksize" }, ~0u, L"Cache parameter"
};
static const struct keyed settings =
{
    HttpServiceConfigSetting, L"settingtype", { NULL, L"sslthrottle" }, ~0u, L"Setting"
};

static int keyed_key(const struct keyed *k, const WCHAR *name)
{
    int i;
    for (i = 0; i < 2; i++)
        if (k->keys[i] && match_keyword(name, k->keys[i])) return i;
    return -1;
}

/* the SET record of any of the three: { key; value } */
struct keyed_set
{
    ULONG key;
    ULONG value;   /* a USHORT for timeouts: the layout is the same up to it */
};

static ULONG keyed_size(const struct keyed *k)
{
    if (k->id == HttpServiceConfigTimeout) return sizeof(HTTP_SERVICE_CONFIG_TIMEOUT_SET);
    if (k->id == HttpServiceConfigCache) return sizeof(HTTP_SERVICE_CONFIG_CACHE_SET);
    return sizeof(HTTP_SERVICE_CONFIG_SETTING_SET);
}

static int keyed_add(const struct keyed *k, const struct command *cmd, int argc, WCHAR **argv)
{
    struct tag_def defs[] = { { k->type_tag, TAG_POSITIONAL | TAG_REQUIRED }, { L"value", TAG_POSITIONAL | TAG_REQUIRED } };
    const WCHAR *values[2];
    union
    {
        HTTP_SERVICE_CONFIG_TIMEOUT_SET timeout;
        HTTP_SERVICE_CONFIG_CACHE_SET cache;
        HTTP_SERVICE_CONFIG_SETTING_SET setting;
    } set;
    WCHAR what[64];
    ULONG value;
    int rc, key;
    DWORD err;

    if (!get_args(cmd, argc, argv, defs, 2, values, &rc)) return rc;
    if ((key = keyed_key(k, values[0])) < 0 || !parse_ulong(values[1], k->max, &value))
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    memset(&set, 0, sizeof(set));
    if (k->id == HttpServiceConfigTimeout)
    {
        set.timeout.KeyDesc = key;
        set.timeout.ParamDesc = (USHORT)value;
    }
    else if (k->id == HttpServiceConfigCache)
    {
        set.cache.KeyDesc = key;
        set.cache.ParamDesc = value;
    }
    else
    {
        set.setting.KeyDesc = key;
        set.setting.ParamDesc = value;
    }
    if (!(err = config_init())) err = HttpSetServiceConfiguration(NULL, k->id, &set, keyed_size(k), NULL);
    if (err)
    {
        swprintf(what, ARRAY_SIZE(what), L"%ls add failed", k->what);
        msg_api_error(what, err);
        return NETSH_FAILED;
    }
    swprintf(what, ARRAY_SIZE(what), L"%ls successfully added", k->what);
    msg_success(what);
    return NETSH_OK;
}

static int keyed_delete(const struct keyed *k, const struct command *cmd, int argc, WCHAR **argv)
{
    struct tag_def defs[] = { { k->type_tag, TAG_POSITIONAL | TAG_REQUIRED } };
    const WCHAR *values[1];
    struct keyed_set set;
    WCHAR what[64];
    int rc, key;
    DWORD err;

    if (!get_args(cmd, argc, argv, defs, 1, values, &rc)) return rc;
    if ((key = keyed_key(k, values[0])) < 0)
    {
        msg_bad_parameter();
        return NETSH_FAILED;
    }
    /* the SET record, whose first member is the key */
    memset(&set, 0, sizeof(set));
    set.key = key;
    if (!(err = config_init())) err = HttpDeleteServiceConfiguration(NULL, k->id, &set, keyed_size(k), NULL);
    if (err)
    {
        swprintf(what, ARRAY_SIZE(what), L"%ls deletion failed", k->what);
        msg_api_error(what, err);
        return NETSH_FAILED;
    }
    swprintf(what, ARRAY_SIZE(what), L"%ls successfully deleted", k->what);
    msg_success(what);
    return NETSH_OK;
}

/* a value: 0 and *set TRUE, 0 and *set FALSE when never set, or an error */
static DWORD keyed_query(const struct keyed *k, ULONG key, ULONG *value, BOOL *set)
{
    void *buf;
    DWORD err = config_query(k->id, &key, sizeof(key), &buf);

    *set = FALSE;
    if (config_absent(err)) return 0;
    if (err) return err;
    *value = k->id == HttpServiceConfigTimeout ? *(USHORT *)buf : *(ULONG *)buf;
    *set = TRUE;
    free(buf);
    return 0;
}

int timeout_add(const struct command *cmd, int argc, WCHAR **argv) { return keyed_add(&timeouts, cmd, argc, argv); }
int timeout_delete(const struct command *cmd, int argc, WCHAR **argv) { return keyed_delete(&timeouts, cmd, argc, argv); }
int cacheparam_add(const struct command *cmd, int argc, WCHAR **argv) { return keyed_add(&cacheparams, cmd, argc, argv); }
int cacheparam_delete(const struct command *cmd, int argc, WCHAR **argv) { return keyed_delete(&cacheparams, cmd, argc, argv); }
int setting_add(const struct command *cmd, int argc, WCHAR **argv) { return keyed_add(&settings, cmd, argc, argv); }
int setting_delete(const struct command *cmd, int argc, WCHAR **argv) { return keyed_delete(&settings, cmd, argc, argv); }

/* One "show" table: a title and a line per key, with the value or, when
 * the value was never set, the service's default (or "Not Set"). */
struct show_line
{
    ULONG key;
    const WCHAR *label;
    const WCHAR *unset;
};

static int keyed_show(const struct keyed *k, const struct command *cmd, int argc, WCHAR **argv,
                      const WCHAR *title, const struct show_line *lines, unsigned count)
{
    ULONG value;
    BOOL set;
    DWORD err;
    unsigned i;
    int rc;

    if (!no_args(cmd, argc, argv, &rc)) return rc;
    out(L"\n%ls\n", title);
    for (i = 0; title[i]; i++) out(L"-");
    out(L"\n\n");
    for (i = 0; i < count; i++)
    {
        if ((err = keyed_query(k, lines[i].key, &value, &set)))
        {
            msg_system_text(err);
            out(L"\n");
            return NETSH_FAILED;
        }
        if (set) out(L"    %ls : %lu\n", lines[i].label, value);
        else out(L"    %ls : %ls\n", lines[i].label, lines[i].unset);
    }
    out(L"\n");
    return NETSH_OK;
}

int timeout_show(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct show_line lines[] =
    {
        { IdleConnectionTimeout, L"Idle connection timeout (secs)", L"120" },
        { HeaderWaitTimeout, L"Header wait timeout (secs)", L"120" },
    };
    return keyed_show(&timeouts, cmd, argc, argv, L"Service Timeout Values:", lines, ARRAY_SIZE(lines));
}

int cacheparam_show(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct show_line lines[] =
    {
        { MaxCacheResponseSize, L"Max cache response size (bytes)", L"262144" },
        { CacheRangeChunkSize, L"Cache range chunk size (bytes)", L"Not Set" },
    };
    return keyed_show(&cacheparams, cmd, argc, argv, L"Cache Parameters:", lines, ARRAY_SIZE(lines));
}

int setting_show(const struct command *cmd, int argc, WCHAR **argv)
{
    static const struct show_line lines[] = { { HttpTlsThrottle, L"SSL throttle", L"Not Set" } };
    return keyed_show(&settings, cmd, argc, argv, L"Setting Values:", lines, ARRAY_SIZE(lines));
}

/* ---- the response cache and the log buffer ------------------------------------ */
/* (show cachestate and delete cache are in servicestate.c: they talk to the service) */

int logbuffer_flush(const struct command *cmd, int argc, WCHAR **argv)
{
    int rc;

    if (!no_args(cmd, argc, argv, &rc)) return rc;
    msg_success(L"Log buffer successfully flushed");
    return NETSH_OK;
}

/* ---- dump -------------------------------------------------------------------- */

static DWORD dump_keyed(const struct keyed *k, const WCHAR *command)
{
    ULONG key, value;
    BOOL set;
    DWORD err;

    for (key = 0; key < 2; key++)
    {
        if (!k->keys[key]) continue;
        if ((err = keyed_query(k, key, &value, &set))) return err;
        if (set) out(L"%ls %ls=%ls value=%lu\n", command, k->type_tag, k->keys[key], value);
    }
    return 0;
}

DWORD simple_dump(void)
{
    HTTP_SERVICE_CONFIG_IP_LISTEN_QUERY *list;
    WCHAR text[100];
    DWORD err, first = 0;
    ULONG i;

    if (!(err = query_iplisten(&list)))
    {
        for (i = 0; list && i < list->AddrCount; i++)
        {
            format_sockaddr((SOCKADDR *)&list->AddrList[i], text, ARRAY_SIZE(text));
            out(L"add iplisten ipaddress=%ls\n", text);
        }
        free(list);
    }
    else first = err;
    if ((err = dump_keyed(&timeouts, L"add timeout")) && !first) first = err;
    if ((err = dump_keyed(&cacheparams, L"add cacheparam")) && !first) first = err;
    if ((err = dump_keyed(&settings, L"add setting")) && !first) first = err;
    return first;
}

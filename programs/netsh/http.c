/*
 * netsh http: the commands of the HTTP service context and how a command
 * line finds one.  Command words are matched as Windows' netsh matches
 * them: in any case, and by any prefix that names a single command ("sh"
 * for show).
 */
#include "netsh.h"

static const struct command commands[] =
{
    { L"add", L"cacheparam", L"Adds an HTTP service cache parameter", usage_add_cacheparam, cacheparam_add },
    { L"add", L"iplisten", L"Adds an IP address to the IP listen list. ", usage_add_iplisten, iplisten_add },
    { L"add", L"setting", L"Adds a global setting to the service.", usage_add_setting, setting_add },
    { L"add", L"sslcert", L"Adds an SSL server certificate binding.", usage_add_sslcert, sslcert_add },
    { L"add", L"timeout", L"Adds a global timeout to the service.", usage_add_timeout, timeout_add },
    { L"add", L"urlacl", L"Adds an URL reservation entry. ", usage_add_urlacl, urlacl_add },
    { L"delete", L"cache", L"Deletes entries from the HTTP service kernel URI cache.", usage_delete_cache, cache_delete },
    { L"delete", L"cacheparam", L"Deletes an HTTP service cache parameter.", usage_delete_cacheparam, cacheparam_delete },
    { L"delete", L"iplisten", L"Deletes an IP address from the IP listen list. ", usage_delete_iplisten, iplisten_delete },
    { L"delete", L"setting", L"Deletes a global setting from the service.", usage_delete_setting, setting_delete },
    { L"delete", L"sslcert", L"Deletes SSL certificate bindings.", usage_delete_sslcert, sslcert_delete },
    { L"delete", L"timeout", L"Deletes a global timeout. ", usage_delete_timeout, timeout_delete },
    { L"delete", L"urlacl", L"Deletes a URL reservation. ", usage_delete_urlacl, urlacl_delete },
    { NULL, L"dump", L"Displays a configuration script.", usage_dump, http_dump },
    { L"flush", L"logbuffer", L"Flushes the internal buffers for the log files.", usage_flush_logbuffer, logbuffer_flush },
    { L"show", L"cacheparam", L"Shows the cache parameters of HTTP service .", usage_show_cacheparam, cacheparam_show },
    { L"show", L"cachestate", L"Lists cached URI resources and their associated properties.", usage_show_cachestate, cachestate_show },
    { L"show", L"iplisten", L"Displays all the IP addresses in the IP listen list.", usage_show_iplisten, iplisten_show },
    { L"show", L"servicestate", L"Shows a snapshot of the HTTP service.", usage_show_servicestate, servicestate_show },
    { L"show", L"setting", L"Shows the global settings of the service.", usage_show_setting, setting_show },
    { L"show", L"sslcert", L"Displays SSL certificate bindings. ", usage_show_sslcert, sslcert_show },
    { L"show", L"timeout", L"Shows the timeout values of the service.", usage_show_timeout, timeout_show },
    { L"show", L"urlacl", L"Displays URL namespace reservations. ", usage_show_urlacl, urlacl_show },
    { L"update", L"sslcert", L"Updates an SSL server certificate binding.", usage_update_sslcert, sslcert_update },
    { L"update", L"sslpropertyex", L"Updates an extended property of an SSL server certificate binding.",
      usage_update_sslpropertyex, sslpropertyex_update },
};

static const WCHAR *const groups[] = { L"add", L"delete", L"flush", L"show", L"update" };

void print_usage(const struct command *cmd)
{
    out(L"%ls", cmd->usage);
}

/* The one keyword of a list that a word names, by its full name or by a
 * prefix that only it has (NULL when none or several). */
static const WCHAR *match_word(const WCHAR *word, const WCHAR *const *keywords, unsigned count)
{
    size_t len = wcslen(word);
    const WCHAR *found = NULL;
    unsigned i;

    for (i = 0; i < count; i++)
        if (!wcsicmp(word, keywords[i])) return keywords[i];
    for (i = 0; i < count; i++)
    {
        if (wcsnicmp(word, keywords[i], len)) continue;
        if (found) return NULL;
        found = keywords[i];
    }
    return len ? found : NULL;
}

static void group_help(const WCHAR *group)
{
    unsigned i;

    out(L"\nThe following commands are available:\n\nCommands in this context:\n");
    for (i = 0; i < ARRAY_SIZE(commands); i++)
    {
        WCHAR name[64];
        if (!commands[i].group || wcscmp(commands[i].group, group)) continue;
        swprintf(name, ARRAY_SIZE(name), L"%ls %ls", group, commands[i].name);
        out(L"%-14ls - %ls\n", name, commands[i].summary);
    }
    out(L"\n");
}

static int not_found(int argc, WCHAR **argv)
{
    int i;

    out(L"The following command was not found: http");
    for (i = 0; i < argc; i++) out(L" %ls", argv[i]);
    out(L".\n");
    return NETSH_FAILED;
}

int http_command(int argc, WCHAR **argv)
{
    const WCHAR *names[ARRAY_SIZE(commands) + ARRAY_SIZE(groups) + 2];
    const WCHAR *word, *group = NULL;
    unsigned i, n = 0;

    if (!argc || is_help_word(argv[0]))
    {
        out(L"%ls", help_http_context);
        return NETSH_OK;
    }
    /* the context's own commands and its groups */
    for (i = 0; i < ARRAY_SIZE(groups); i++) names[n++] = groups[i];
    for (i = 0; i < ARRAY_SIZE(commands); i++)
        if (!commands[i].group) names[n++] = commands[i].name;
    if (!(word = match_word(argv[0], names, n))) return not_found(argc, argv);
    for (i = 0; i < ARRAY_SIZE(groups); i++)
        if (word == groups[i]) group = word;
    if (!group)
    {
        for (i = 0; i < ARRAY_SIZE(commands); i++)
            if (!commands[i].group && word == commands[i].name)
                return commands[i].run(&commands[i], argc - 1, argv + 1);
    }

    /* a group: its command list, or one of its commands */
    if (argc < 2 || is_help_word(argv[1]))
    {
        group_help(group);
        return NETSH_OK;
    }
    for (i = 0, n = 0; i < ARRAY_SIZE(commands); i++)
        if (commands[i].group && !wcscmp(commands[i].group, group)) names[n++] = commands[i].name;
    if (!(word = match_word(argv[1], names, n))) return not_found(argc, argv);
    for (i = 0; i < ARRAY_SIZE(commands); i++)
        if (commands[i].group && !wcscmp(commands[i].group, group) && word == commands[i].name)
            return commands[i].run(&commands[i], argc - 2, argv + 2);
    return not_found(argc, argv);
}

/*
 * netsh.exe: the command shell, with the "http" context.
 *
 * netsh runs one command given on its command line ("netsh http show
 * servicestate"); the interactive shell of Windows' netsh is not provided.
 * Keywords are case-insensitive, as on Windows.
 */
#include <stdarg.h>
#include <stdio.h>

#include "netsh.h"

void out(const WCHAR *fmt, ...)
{
    WCHAR buf[4096];
    char utf8[12288];
    va_list ap;
    int n;

    va_start(ap, fmt);
    _vsnwprintf(buf, sizeof(buf) / sizeof(buf[0]) - 1, fmt, ap);
    va_end(ap);
    buf[sizeof(buf) / sizeof(buf[0]) - 1] = 0;
    n = WideCharToMultiByte(GetConsoleOutputCP(), 0, buf, -1, utf8, sizeof(utf8), NULL, NULL);
    if (n > 0) fwrite(utf8, 1, n - 1, stdout);
}

static void usage(void)
{
    out(L"Usage: netsh [-a AliasFile] [-c Context] [-r RemoteMachine] [-u [DomainName\\]UserName] [-p Password | *]\n"
        L"             [Command | -f ScriptFile]\n"
        L"The following commands are available:\n"
        L"\n"
        L"Commands in this context:\n"
        L"?              - Displays a list of commands.\n"
        L"help           - Displays a list of commands.\n"
        L"http           - Changes to the `netsh http' context.\n"
        L"\n"
        L"The following sub-contexts are available:\n"
        L" http\n"
        L"\n"
        L"To view help for a command, type the command, followed by a space, and then\n"
        L" type ?.\n");
}

int wmain(int argc, WCHAR **argv)
{
    int i = 1;

    /* "-c http" selects the context the command runs in */
    if (argc > 2 && (!wcsicmp(argv[1], L"-c") || !wcsicmp(argv[1], L"/c")))
    {
        if (wcsicmp(argv[2], L"http"))
        {
            out(L"The following command was not found: %ls.\n", argv[2]);
            return NETSH_FAILED;
        }
        return http_command(argc - 3, argv + 3);
    }
    if (argc <= i || !wcscmp(argv[i], L"?") || !wcsicmp(argv[i], L"help") || !wcscmp(argv[i], L"/?") || !wcscmp(argv[i], L"-?"))
    {
        usage();
        return argc <= i ? NETSH_OK : NETSH_OK;
    }
    if (!wcsicmp(argv[i], L"http")) return http_command(argc - i - 1, argv + i + 1);
    out(L"The following command was not found: %ls.\n", argv[i]);
    return NETSH_FAILED;
}

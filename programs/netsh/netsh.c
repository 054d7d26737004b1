/*
 * netsh.exe: the command shell, with the "http" context.
 *
 * netsh runs one command given on its command line ("netsh http show
 * servicestate"); the interactive shell of Windows' netsh is not provided.
 * Keywords are case-insensitive, as on Windows.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "netsh.h"

static void write_text(const WCHAR *text, int len)
{
    char small[4096], *buf = small;
    int n = WideCharToMultiByte(GetConsoleOutputCP(), 0, text, len, NULL, 0, NULL, NULL);

    if (n <= 0) return;
    if (n > (int)sizeof(small) && !(buf = malloc(n))) return;
    WideCharToMultiByte(GetConsoleOutputCP(), 0, text, len, buf, n, NULL, NULL);
    fwrite(buf, 1, n, stdout);
    if (buf != small) free(buf);
}

void out(const WCHAR *fmt, ...)
{
    WCHAR small[1024], *buf = small;
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = _vscwprintf(fmt, ap);
    va_end(ap);
    if (len < 0) return;
    if (len >= (int)ARRAY_SIZE(small) && !(buf = malloc((len + 1) * sizeof(WCHAR)))) return;
    va_start(ap, fmt);
    _vsnwprintf(buf, len + 1, fmt, ap);
    va_end(ap);
    buf[len] = 0;
    write_text(buf, len);
    if (buf != small) free(buf);
}

/* The system's text for an error, without its line end ("" if it has none). */
static void system_text(DWORD err, WCHAR *buf, DWORD size)
{
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0,
                             buf, size, NULL);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
    buf[n] = 0;
}

void msg_system_text(DWORD err)
{
    WCHAR text[1024];
    system_text(err, text, ARRAY_SIZE(text));
    out(L"%ls\n", text);
}

void msg_success(const WCHAR *text)
{
    out(L"\n%ls\n\n", text);
}

void msg_api_error(const WCHAR *what, DWORD err)
{
    WCHAR text[1024];
    system_text(err, text, ARRAY_SIZE(text));
    out(L"\n%ls, Error: %lu\n%ls\n\n", what, err, text);
}

void msg_bad_parameter(void)
{
    msg_system_text(ERROR_INVALID_PARAMETER);
    out(L"\n");
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
    if (argc <= i || is_help_word(argv[i]))
    {
        out(L"%ls", help_netsh_context);
        return NETSH_OK;
    }
    if (match_keyword(argv[i], L"http")) return http_command(argc - i - 1, argv + i + 1);
    if (match_keyword(argv[i], L"dump"))
    {
        WCHAR *dump = (WCHAR *)L"dump";
        return http_command(1, &dump);
    }
    out(L"The following command was not found: ");
    for (; i < argc; i++) out(L"%ls%ls", argv[i], i + 1 < argc ? L" " : L"");
    out(L".\n");
    return NETSH_FAILED;
}

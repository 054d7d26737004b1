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

/* Windows' texts for the errors the commands meet, which Wine's message
 * table words differently ("Invalid parameter." for "The parameter is
 * incorrect."); scripts compare these lines. */
static const struct { DWORD code; const WCHAR *text; } windows_texts[] =
{
    { ERROR_INVALID_FUNCTION, L"Incorrect function." },
    { ERROR_FILE_NOT_FOUND, L"The system cannot find the file specified." },
    { ERROR_PATH_NOT_FOUND, L"The system cannot find the path specified." },
    { ERROR_ACCESS_DENIED, L"Access is denied." },
    { ERROR_INVALID_HANDLE, L"The handle is invalid." },
    { ERROR_NOT_ENOUGH_MEMORY, L"Not enough memory resources are available to process this command." },
    { ERROR_INVALID_DATA, L"The data is invalid." },
    { ERROR_OUTOFMEMORY, L"Not enough memory resources are available to complete this operation." },
    { ERROR_SHARING_VIOLATION, L"The process cannot access the file because it is being used by another process." },
    { ERROR_NOT_SUPPORTED, L"The request is not supported." },
    { ERROR_INVALID_PARAMETER, L"The parameter is incorrect." },
    { ERROR_CALL_NOT_IMPLEMENTED, L"This function is not supported on this system." },
    { ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small." },
    { ERROR_ALREADY_EXISTS, L"Cannot create a file when that file already exists." },
    { ERROR_MORE_DATA, L"More data is available." },
    { ERROR_NO_MORE_ITEMS, L"No more data is available." },
    { ERROR_DLL_INIT_FAILED, L"A dynamic link library (DLL) initialization routine failed." },
    { ERROR_SERVICE_DOES_NOT_EXIST, L"The specified service does not exist as an installed service." },
    { ERROR_NOT_FOUND, L"Element not found." },
    { ERROR_INVALID_NETNAME, L"The format of the specified network name is invalid." },
    { ERROR_NO_SUCH_LOGON_SESSION, L"A specified logon session does not exist. It may already have been terminated." },
    { ERROR_NONE_MAPPED, L"No mapping between account names and security IDs was done." },
    { ERROR_INVALID_SID, L"The security ID structure is invalid." },
    { ERROR_INVALID_ACL, L"The access control list (ACL) structure is invalid." },
    { ERROR_INVALID_SECURITY_DESCR, L"The security descriptor structure is invalid." },
};

/* The system's text for an error, without its line end ("" if it has none). */
static void system_text(DWORD err, WCHAR *buf, DWORD size)
{
    DWORD n;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(windows_texts); i++)
        if (windows_texts[i].code == err)
        {
            lstrcpynW(buf, windows_texts[i].text, size);
            return;
        }
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0,
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

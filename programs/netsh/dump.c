/*
 * dump: the commands that recreate the configuration, as a netsh script
 * ("netsh -f" or "netsh exec" runs it on Windows).
 */
#include "netsh.h"

int http_dump(const struct command *cmd, int argc, WCHAR **argv)
{
    const WCHAR *unused[1];
    static const struct tag_def none[1] = { { L"", 0 } };
    DWORD err, first = 0;
    int rc;

    if (!get_args(cmd, argc, argv, none, 0, unused, &rc)) return rc;
    out(L"\n"
        L"#========================\n"
        L"# HTTP configuration\n"
        L"#========================\n"
        L"pushd http\n"
        L"\n");
    if ((err = simple_dump())) first = err;
    if ((err = sslcert_dump()) && !first) first = err;
    if ((err = urlacl_dump()) && !first) first = err;
    out(L"\n"
        L"popd\n"
        L"# End of HTTP configuration\n"
        L"\n");
    if (first)
    {
        msg_system_text(first);
        return NETSH_FAILED;
    }
    return NETSH_OK;
}

/* netsh.exe: the command contexts and their shared helpers. */
#ifndef NETSH_H
#define NETSH_H

#include <winsock2.h>
#include <windows.h>

/* Exit codes scripts test: 0 success, 1 a command failed or was not found. */
#define NETSH_OK     0
#define NETSH_FAILED 1

void out(const WCHAR *fmt, ...);
int  http_command(int argc, WCHAR **argv);   /* argv[0] is the first word after "http" */

#endif

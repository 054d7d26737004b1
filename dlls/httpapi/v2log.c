/*
 * HttpServerLoggingProperty as the engine applies it: W3C log files in the
 * directory HTTP_LOGGING_INFO names.  The directory is made here, the way
 * the caller's Windows path means it, and handed to the engine as the Unix
 * path it is in the prefix; the other formats are kept only.
 */
#include <winsock2.h>
#include <windows.h>
#include <http.h>

#include "v2objects.h"

/* Makes dir and what is missing above it; a UNC path is left as it is. */
static ULONG make_directory(WCHAR *dir)
{
    WCHAR *p, save;

    if (dir[0] == '\\' && dir[1] == '\\') return NO_ERROR;
    for (p = dir + 3; ; p++)
    {
        if (*p && *p != '\\') continue;
        save = *p;
        *p = 0;
        if (!CreateDirectoryW(dir, NULL) && GetLastError() != ERROR_ALREADY_EXISTS)
        {
            ULONG err = GetLastError();
            *p = save;
            return err;
        }
        *p = save;
        if (!save || !p[1]) return NO_ERROR;
    }
}

static char *unix_path(const WCHAR *dir)
{
    static char * (CDECL *to_unix)(const WCHAR *);

    if (!to_unix)
        to_unix = (void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    return to_unix ? to_unix(dir) : NULL;
}

static char *to_utf8(const WCHAR *s, int chars, int *len)
{
    char *out;

    *len = chars ? WideCharToMultiByte(CP_UTF8, 0, s, chars, NULL, 0, NULL, NULL) : 0;
    if (!(out = HeapAlloc(GetProcessHeap(), 0, *len + 1))) return NULL;
    if (chars) WideCharToMultiByte(CP_UTF8, 0, s, chars, out, *len, NULL, NULL);
    out[*len] = 0;
    return out;
}

ULONG v2_apply_logging(struct v2_session *s, struct v2_group *g, const HTTP_LOGGING_INFO *info)
{
    struct hs_log_config c;
    WCHAR *dir = NULL;
    char *software = NULL, *path = NULL;
    BYTE *data = NULL;
    int software_len, n;
    ULONG ret;

    if (!info->Flags.Present || info->Format != HttpLoggingTypeW3C)
    {
        if (info->Flags.Present) WARN("log format %u is kept, not applied\n", info->Format);
        return v2_apply_property(s, g, HS_SPROP_LOGGING, FALSE, 0, NULL, 0);
    }
    n = info->DirectoryNameLength / sizeof(WCHAR);
    if (!(dir = HeapAlloc(GetProcessHeap(), 0, (n + 1) * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(dir, info->DirectoryName, n * sizeof(WCHAR));
    while (n > 3 && dir[n - 1] == '\\') n--;
    dir[n] = 0;
    if ((ret = make_directory(dir))) goto done;
    if (!(path = unix_path(dir)))
    {
        WARN("%s has no Unix path\n", debugstr_w(dir));
        ret = ERROR_PATH_NOT_FOUND;
        goto done;
    }
    if (!(software = to_utf8(info->SoftwareName, info->SoftwareNameLength / sizeof(WCHAR), &software_len)))
    {
        ret = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    c.logging_flags = info->LoggingFlags;
    c.fields = info->Fields;
    c.rollover = info->RolloverType;
    c.rollover_size = info->RolloverSize;
    c.software_len = software_len;
    c.dir_len = strlen(path);
    if (!(data = HeapAlloc(GetProcessHeap(), 0, sizeof(c) + c.software_len + c.dir_len)))
    {
        ret = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    memcpy(data, &c, sizeof(c));
    memcpy(data + sizeof(c), software, c.software_len);
    memcpy(data + sizeof(c) + c.software_len, path, c.dir_len);
    ret = v2_apply_property(s, g, HS_SPROP_LOGGING, TRUE, 0, data, sizeof(c) + c.software_len + c.dir_len);
    TRACE("W3C log in %s: %lu\n", path, ret);
done:
    HeapFree(GetProcessHeap(), 0, data);
    HeapFree(GetProcessHeap(), 0, software);
    HeapFree(GetProcessHeap(), 0, path);
    HeapFree(GetProcessHeap(), 0, dir);
    return ret;
}

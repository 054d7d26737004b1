/*
 * Where a file handle's bytes live on the host, so that the engine can send
 * a large HttpDataChunkFromFileHandle chunk straight from the file (sendfile,
 * or SSL_sendfile under kernel TLS) instead of having the bytes copied into
 * the response here and across the driver.
 *
 * Under Wine a handle to a disk file is a Unix file; kernel32 exports
 * wine_get_unix_file_name to map a DOS path to it.  The handle's name is
 * opened again and its file index compared (Wine reports st_ino there),
 * and the engine compares st_ino once more when it opens the Unix path, so
 * a file that was renamed, deleted or replaced is never sent in the
 * handle's place.  Anything that does not resolve (another platform, a
 * pipe, a renamed file) is copied as before.
 *
 * The engine runs as the same Unix user as every program in the prefix,
 * so naming a path gives it nothing the caller could not read itself.
 */
#include <winsock2.h>
#include <windows.h>

#include "httpapi_private.h"
#include "filechunk.h"

typedef char *(CDECL *unix_name_fn)(const WCHAR *dos);

static unix_name_fn unix_name(void)
{
    static unix_name_fn fn;
    static LONG resolved;

    if (!__atomic_load_n(&resolved, __ATOMIC_ACQUIRE))
    {
        fn = (unix_name_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
        __atomic_store_n(&resolved, 1, __ATOMIC_RELEASE);
    }
    return fn;
}

static BOOL file_index(HANDLE file, ULONGLONG *index, DWORD *volume)
{
    BY_HANDLE_FILE_INFORMATION info;

    if (!GetFileInformationByHandle(file, &info)) return FALSE;
    if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) return FALSE;
    *index = ((ULONGLONG)info.nFileIndexHigh << 32) | info.nFileIndexLow;
    *volume = info.dwVolumeSerialNumber;
    return TRUE;
}

/* Opens the name again and checks that it still leads to the handle's file
 * (GetFinalPathNameByHandle reports the name the file was opened by, which
 * a rename or a replacement may since have given to another file). */
static BOOL same_file(const WCHAR *name, ULONGLONG index, DWORD volume)
{
    ULONGLONG other_index = 0;
    DWORD other_volume = 0;
    BOOL same;
    HANDLE h;

    h = CreateFileW(name, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) return FALSE;
    same = file_index(h, &other_index, &other_volume) && other_index == index && other_volume == volume;
    CloseHandle(h);
    return same;
}

BOOL file_chunk_host_file(HANDLE file, char **path, ULONGLONG *index)
{
    unix_name_fn to_unix = unix_name();
    WCHAR small[MAX_PATH], *dos = small;
    DWORD len, volume;
    char *name = NULL;

    *path = NULL;
    if (!to_unix || GetFileType(file) != FILE_TYPE_DISK || !file_index(file, index, &volume)) return FALSE;
    len = GetFinalPathNameByHandleW(file, small, (sizeof(small) / sizeof(small[0])), FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (len >= (sizeof(small) / sizeof(small[0])))
    {
        if (!(dos = HeapAlloc(GetProcessHeap(), 0, len * sizeof(WCHAR)))) return FALSE;
        len = GetFinalPathNameByHandleW(file, dos, len, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    }
    if (len && same_file(dos, *index, volume)) name = to_unix(dos);
    else TRACE("%s no longer names the handle's file\n", debugstr_w(dos));
    if (dos != small) HeapFree(GetProcessHeap(), 0, dos);
    if (!name) return FALSE;
    if (name[0] != '/')
    {
        HeapFree(GetProcessHeap(), 0, name);
        return FALSE;
    }
    TRACE("the engine sends %s itself\n", name);
    *path = name;
    return TRUE;
}

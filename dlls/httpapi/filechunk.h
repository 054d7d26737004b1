/*
 * The host file behind a Windows file handle, for file chunks the engine
 * sends itself.
 */
#ifndef HTTPAPI_FILECHUNK_H
#define HTTPAPI_FILECHUNK_H

#include <windows.h>

/* Chunks shorter than this are cheaper to copy than to name. */
#define FILE_CHUNK_BY_NAME_MIN (64 * 1024)

/* The Unix path (UTF-8, HeapFree it) and file index of a disk file handle;
 * FALSE when the engine cannot be trusted to find the same file by name. */
BOOL file_chunk_host_file(HANDLE file, char **path, ULONGLONG *index);

#endif

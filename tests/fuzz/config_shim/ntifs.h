/*
 * Just enough of the DDK for the driver's registry readers
 * (dlls/http.sys/driver/records.c, params.c) in the fuzz targets: the Zw*
 * registry calls work on registry.c's in-memory store, with NT's answers
 * for short buffers (STATUS_BUFFER_OVERFLOW with what fits,
 * STATUS_BUFFER_TOO_SMALL when not even the fixed part does).
 */
#ifndef CONFIG_SHIM_NTIFS_H
#define CONFIG_SHIM_NTIFS_H

#include "shim_types.h"

#define STATUS_SUCCESS               ((NTSTATUS)0)
#define STATUS_BUFFER_OVERFLOW       ((NTSTATUS)0x80000005)
#define STATUS_NO_MORE_ENTRIES       ((NTSTATUS)0x8000001a)
#define STATUS_INVALID_PARAMETER     ((NTSTATUS)0xc000000d)
#define STATUS_BUFFER_TOO_SMALL      ((NTSTATUS)0xc0000023)
#define STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xc0000034)
#define STATUS_INVALID_HANDLE        ((NTSTATUS)0xc0000008)
#define KEY_READ 0x20019
typedef UNICODE_STRING *PUNICODE_STRING;

typedef enum { KeyBasicInformation = 0, KeyNodeInformation, KeyFullInformation } KEY_INFORMATION_CLASS;
typedef enum { KeyValueBasicInformation = 0, KeyValueFullInformation, KeyValuePartialInformation } KEY_VALUE_INFORMATION_CLASS;
typedef struct { LARGE_INTEGER LastWriteTime; ULONG TitleIndex, NameLength; WCHAR Name[1]; } KEY_BASIC_INFORMATION;
typedef struct { ULONG TitleIndex, Type, DataOffset, DataLength, NameLength; WCHAR Name[1]; } KEY_VALUE_FULL_INFORMATION;
typedef struct { ULONG TitleIndex, Type, DataLength; UCHAR Data[1]; } KEY_VALUE_PARTIAL_INFORMATION;

NTSTATUS ZwOpenKey(HANDLE *key, ACCESS_MASK access, OBJECT_ATTRIBUTES *attr);
NTSTATUS ZwClose(HANDLE h);
NTSTATUS ZwQueryValueKey(HANDLE key, UNICODE_STRING *name, KEY_VALUE_INFORMATION_CLASS cls, void *buf, ULONG len, ULONG *ret);
NTSTATUS ZwEnumerateKey(HANDLE key, ULONG index, KEY_INFORMATION_CLASS cls, void *buf, ULONG len, ULONG *ret);
NTSTATUS ZwEnumerateValueKey(HANDLE key, ULONG index, KEY_VALUE_INFORMATION_CLASS cls, void *buf, ULONG len, ULONG *ret);

/* msvcrt's _snprintf: -1 and no terminator when the output does not fit;
 * "%lu" is a 32-bit ULONG as under MinGW */
int shim_snprintf(char *buf, size_t count, const char *fmt, ...);
#define _snprintf shim_snprintf

#endif

/*
 * The Windows types the configuration code uses, for compiling httpapi's
 * config*.c and the driver's records.c / params.c natively in the fuzz
 * targets (fuzz_config_api, fuzz_config_store).  Built with -fshort-wchar
 * so that L"" strings are UTF-16, and with Windows' sizes (LONG and ULONG
 * are 32 bits).  Sockets are the host's: every part of the target is
 * compiled against the same ones.
 */
#ifndef CONFIG_SHIM_TYPES_H
#define CONFIG_SHIM_TYPES_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define WINAPI
#define CALLBACK
typedef wchar_t WCHAR;              /* 16 bits with -fshort-wchar */
typedef WCHAR *PWSTR, *LPWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;
typedef char CHAR;
typedef int BOOL;
typedef uint8_t BYTE, UCHAR, BOOLEAN;
typedef uint16_t USHORT, WORD;
typedef uint32_t ULONG, DWORD, UINT;
typedef int32_t LONG, NTSTATUS;
typedef uint64_t ULONGLONG;
typedef int64_t LONGLONG;
typedef size_t SIZE_T;
typedef void *PVOID, *LPVOID, *HANDLE;
typedef ULONG *PULONG;
typedef DWORD *LPDWORD;
typedef BYTE *LPBYTE;
typedef ULONG ACCESS_MASK;
typedef union { struct { ULONG LowPart; LONG HighPart; } u; LONGLONG QuadPart; } LARGE_INTEGER;
#define TRUE 1
#define FALSE 0
typedef struct { uint32_t Data1; uint16_t Data2, Data3; uint8_t Data4[8]; } GUID;
typedef struct sockaddr SOCKADDR, *PSOCKADDR;
typedef struct sockaddr_in SOCKADDR_IN;
typedef struct sockaddr_in6 SOCKADDR_IN6;
typedef struct sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE;
typedef struct { uintptr_t Internal, InternalHigh; DWORD Offset, OffsetHigh; HANDLE hEvent; } OVERLAPPED, *LPOVERLAPPED;

#define ERROR_SUCCESS              0
#define NO_ERROR                   0
#define ERROR_FILE_NOT_FOUND       2
#define ERROR_ACCESS_DENIED        5
#define ERROR_INVALID_HANDLE       6
#define ERROR_NOT_ENOUGH_MEMORY    8
#define ERROR_NOT_SUPPORTED        50
#define ERROR_INVALID_PARAMETER    87
#define ERROR_INSUFFICIENT_BUFFER  122
#define ERROR_ALREADY_EXISTS       183
#define ERROR_MORE_DATA            234
#define ERROR_NO_MORE_ITEMS        259
#define ERROR_DLL_INIT_FAILED      1114
#define ERROR_NO_SUCH_LOGON_SESSION 1312

#define REG_NONE 0
#define REG_SZ 1
#define REG_EXPAND_SZ 2
#define REG_BINARY 3
#define REG_DWORD 4
#define REG_MULTI_SZ 7
#define REG_QWORD 11

/* object names, for both the NT and the Win32 side */
typedef struct { USHORT Length, MaximumLength; PWSTR Buffer; } UNICODE_STRING, *PUNICODE_STRING;
typedef struct { ULONG Length; HANDLE RootDirectory; PUNICODE_STRING ObjectName; ULONG Attributes;
                 PVOID SecurityDescriptor, SecurityQualityOfService; } OBJECT_ATTRIBUTES;
typedef struct { union { NTSTATUS Status; PVOID Pointer; }; uintptr_t Information; } IO_STATUS_BLOCK;
#define OBJ_CASE_INSENSITIVE 0x40
#define OBJ_KERNEL_HANDLE 0x200
#define InitializeObjectAttributes(p, n, a, r, s) \
    do { (p)->Length = sizeof(*(p)); (p)->RootDirectory = (r); (p)->ObjectName = (n); (p)->Attributes = (a); \
         (p)->SecurityDescriptor = (s); (p)->SecurityQualityOfService = NULL; } while (0)
void RtlInitUnicodeString(UNICODE_STRING *us, const WCHAR *s);

/* 16-bit wide-string functions (the C library's assume 32-bit wchar_t) */
static inline size_t shim_wcslen(const WCHAR *s) { size_t n = 0; while (s[n]) n++; return n; }
static inline WCHAR shim_lower(WCHAR c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline int shim_wcsicmp(const WCHAR *a, const WCHAR *b)
{
    while (*a && shim_lower(*a) == shim_lower(*b)) { a++; b++; }
    return (int)shim_lower(*a) - (int)shim_lower(*b);
}

#endif

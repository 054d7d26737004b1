/*
 * A small test framework for the httpapi conformance tests.
 *
 * ok(cond, fmt, ...)   counts one check; on failure prints "file:line: Test failed: <message>".
 * trace(fmt, ...)      prints "file:line: <message>".
 * skip(fmt, ...)       prints "file:line: Tests skipped: <message>".
 * test_report()        prints "RESULT <passed> <failed>" and returns the exit code.
 *
 * Every test program calls test_init() first.  It makes stdout unbuffered, installs a handler that
 * turns a crash into a failed check plus the RESULT line, and starts a watchdog that ends the
 * program (again with a RESULT line) if the whole run takes longer than TEST_GLOBAL_TIMEOUT ms.
 *
 * guard_arm()/guard_disarm() bracket a synchronous call that could block: if it has not returned
 * in time, the guard cancels every I/O on the handle (CancelIoEx(handle, NULL)) so that the call
 * returns and the test can fail the check instead of hanging.
 *
 * Include this header first in every test file: it selects MinGW's C99 printf.
 */

#ifndef HTTPAPI_TEST_H
#define HTTPAPI_TEST_H

#ifndef __USE_MINGW_ANSI_STDIO
#define __USE_MINGW_ANSI_STDIO 1
#endif

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_GLOBAL_TIMEOUT
#define TEST_GLOBAL_TIMEOUT 240000
#endif

#define TEST_UNUSED __attribute__((unused))

static volatile LONG test_passed, test_failed, test_skipped;
static CRITICAL_SECTION test_print_cs;
static const char *test_program = "test";

static const char *test_basename(const char *file)
{
    const char *p = strrchr(file, '/'), *q = strrchr(file, '\\');
    if (q > p) p = q;
    return p ? p + 1 : file;
}

static void test_vprint(const char *file, int line, const char *prefix, const char *fmt, va_list args)
{
    EnterCriticalSection(&test_print_cs);
    printf("%s:%d: %s", test_basename(file), line, prefix);
    vprintf(fmt, args);
    fflush(stdout);
    LeaveCriticalSection(&test_print_cs);
}

static TEST_UNUSED int ok_(const char *file, int line, int cond, const char *fmt, ...)
    __attribute__((format(gnu_printf, 4, 5)));
static TEST_UNUSED int ok_(const char *file, int line, int cond, const char *fmt, ...)
{
    va_list args;

    if (cond)
    {
        InterlockedIncrement(&test_passed);
        return 1;
    }
    InterlockedIncrement(&test_failed);
    va_start(args, fmt);
    test_vprint(file, line, "Test failed: ", fmt, args);
    va_end(args);
    return 0;
}

static TEST_UNUSED void trace_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));
static TEST_UNUSED void trace_(const char *file, int line, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    test_vprint(file, line, "", fmt, args);
    va_end(args);
}

static TEST_UNUSED void skip_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(gnu_printf, 3, 4)));
static TEST_UNUSED void skip_(const char *file, int line, const char *fmt, ...)
{
    va_list args;
    InterlockedIncrement(&test_skipped);
    va_start(args, fmt);
    test_vprint(file, line, "Tests skipped: ", fmt, args);
    va_end(args);
}

#define ok(cond, ...) ok_(__FILE__, __LINE__, (cond), __VA_ARGS__)
#define trace(...) trace_(__FILE__, __LINE__, __VA_ARGS__)
#define skip(...) skip_(__FILE__, __LINE__, __VA_ARGS__)

static TEST_UNUSED int test_report(void)
{
    EnterCriticalSection(&test_print_cs);
    printf("RESULT %ld %ld\n", test_passed, test_failed);
    fflush(stdout);
    LeaveCriticalSection(&test_print_cs);
    return test_failed ? 1 : 0;
}

/* Ends the program at once, counting one more failure: used when going on would hang or touch
 * memory that a stuck operation may still write to. */
static void test_abort(const char *file, int line, const char *why)
{
    ok_(file, line, 0, "aborting the test program: %s\n", why);
    test_report();
    TerminateProcess(GetCurrentProcess(), 2);
}

static LONG WINAPI test_crash_filter(EXCEPTION_POINTERS *info)
{
    char msg[128];
    snprintf(msg, sizeof(msg), "unhandled exception 0x%08lx at %p",
             info->ExceptionRecord->ExceptionCode, info->ExceptionRecord->ExceptionAddress);
    test_abort(test_program, 0, msg);
    return EXCEPTION_EXECUTE_HANDLER;
}

static DWORD WINAPI test_global_watchdog(void *arg)
{
    (void)arg;
    Sleep(TEST_GLOBAL_TIMEOUT);
    test_abort(test_program, 0, "the whole test program took too long");
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The guard for synchronous calls. */

static HANDLE guard_arm_event, guard_disarm_event, guard_ack_event;
static HANDLE volatile guard_target;
static volatile DWORD guard_ms;
static volatile LONG guard_fired;

static DWORD WINAPI guard_thread(void *arg)
{
    (void)arg;
    for (;;)
    {
        WaitForSingleObject(guard_arm_event, INFINITE);
        if (WaitForSingleObject(guard_disarm_event, guard_ms) == WAIT_TIMEOUT)
        {
            guard_fired = 1;
            CancelIoEx(guard_target, NULL);
            /* The call must return now; if it does not, nothing else will make it. */
            if (WaitForSingleObject(guard_disarm_event, 5000) == WAIT_TIMEOUT)
                test_abort(test_program, 0, "a synchronous call did not return after CancelIoEx");
        }
        SetEvent(guard_ack_event);
    }
    return 0;
}

static TEST_UNUSED void guard_arm(HANDLE handle, DWORD ms)
{
    guard_target = handle;
    guard_ms = ms;
    guard_fired = 0;
    SetEvent(guard_arm_event);
}

/* Returns TRUE if the guard had to cancel the call. */
static TEST_UNUSED BOOL guard_disarm(void)
{
    SetEvent(guard_disarm_event);
    WaitForSingleObject(guard_ack_event, INFINITE);
    return guard_fired != 0;
}

static TEST_UNUSED void test_init(const char *program)
{
    HANDLE thread;

    test_program = program;
    InitializeCriticalSection(&test_print_cs);
    setvbuf(stdout, NULL, _IONBF, 0);
    SetUnhandledExceptionFilter(test_crash_filter);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);

    guard_arm_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    guard_disarm_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    guard_ack_event = CreateEventA(NULL, FALSE, FALSE, NULL);
    thread = CreateThread(NULL, 0, guard_thread, NULL, 0, NULL);
    CloseHandle(thread);
    thread = CreateThread(NULL, 0, test_global_watchdog, NULL, 0, NULL);
    CloseHandle(thread);
}

/* Every program takes its first TCP port as argv[1]. */
static TEST_UNUSED USHORT test_port(int argc, char **argv)
{
    long port = argc > 1 ? strtol(argv[1], NULL, 10) : 0;

    if (port <= 0 || port > 65000)
    {
        printf("usage: %s PORT   (uses PORT and the few ports above it)\n", test_program);
        printf("RESULT 0 1\n");
        exit(1);
    }
    return (USHORT)port;
}

#endif /* HTTPAPI_TEST_H */

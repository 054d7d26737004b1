/*
 * A minimal test harness for the engine's native unit tests.
 *
 * Each expectation is one CHECK; a failing one prints where and why.  The
 * program ends with "RESULT <passed> <failed>", which tests/run adds up.
 */
#ifndef HS_UNIT_H
#define HS_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define CHECK_MSG(cond, ...) do { \
        if (cond) unit_passed++; \
        else { unit_failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

#define CHECK(cond) CHECK_MSG((cond), "%s", #cond)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
        CHECK_MSG(a_ == b_, "%s == %s: got %lld, expected %lld", #a, #b, a_, b_); } while (0)
/* a: pointer + length, b: C string */
#define CHECK_MEM(p, n, s) do { size_t n_ = (n); const char *s_ = (s); \
        CHECK_MSG(n_ == strlen(s_) && !memcmp((p), s_, n_), "%s: got '%.*s', expected '%s'", #p, (int)n_, (const char *)(p), s_); } while (0)

static inline int unit_report(void)
{
    printf("RESULT %d %d\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}

#endif

/* What driver.c and link.c give records.c and params.c, for the fuzz targets. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "../../../dlls/http.sys/driver/link.h"

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "driver glue: %s (%s:%d)\n", #c, __FILE__, __LINE__); __builtin_trap(); } } while (0)

int shim_unix_path_fails;

void *link_alloc(size_t size) { return malloc(size); }
void link_free(void *p) { free(p); }

/* The folder must be one params.c has checked: \??\X:\ and segments that
 * are neither empty, "." nor "..", no control characters.  The Unix path
 * written is "/shim-unix/" and the rest, so that a target can tell it. */
int link_unix_path(const uint16_t *nt, char *out, size_t cap, int may_not_exist)
{
    size_t i, n, seg = 7;

    REQUIRE(nt[0] == '\\' && nt[1] == '?' && nt[2] == '?' && nt[3] == '\\');
    REQUIRE(((nt[4] | 32) >= 'a' && (nt[4] | 32) <= 'z') && nt[5] == ':' && nt[6] == '\\');
    for (i = 7;; i++)
    {
        if (nt[i] && nt[i] != '\\') { REQUIRE(nt[i] >= 0x20); continue; }
        n = i - seg;
        if (!(i == 7 && !nt[i])) REQUIRE(n && !(n == 1 && nt[seg] == '.') && !(n == 2 && nt[seg] == '.' && nt[seg + 1] == '.'));
        if (!nt[i]) break;
        seg = i + 1;
    }
    if (shim_unix_path_fails) return -1;
    n = (size_t)snprintf(out, cap, "/shim-unix/");
    for (i = 7; nt[i] && n + 2 < cap; i++) out[n++] = nt[i] == '\\' ? '/' : nt[i] < 0x80 ? (char)nt[i] : '_';
    out[n] = 0;
    return 0;
}

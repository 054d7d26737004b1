/*
 * libFuzzer target for the Range field (PROCESS_RANGES).
 *
 * Input: eight bytes of representation length (little-endian; the top bits
 * are masked off so that short and huge lengths both come up), then the
 * field value.  Besides memory errors it checks what the engine relies on
 * when it cuts a body: every range inside the body, in order of its ends,
 * none overlapping another, at most HS_RANGES_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ranges.h"

#define REQUIRE(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hs_range r[HS_RANGES_MAX];
    enum hs_range_outcome ret;
    uint64_t length = 0;
    unsigned n = 12345, i, j;

    if (size < 8) return 0;
    memcpy(&length, data, 8);
    if (!(data[7] & 0x80)) length &= 0xfffff;   /* mostly small lengths, sometimes anything */
    ret = hs_ranges_parse((const char *)data + 8, size - 8, length, r, &n);
    REQUIRE(ret == HS_RANGES_IGNORE || ret == HS_RANGES_PARTIAL || ret == HS_RANGES_UNSATISFIABLE);
    if (ret != HS_RANGES_PARTIAL)
    {
        REQUIRE(n == 0);
        return 0;
    }
    REQUIRE(n >= 1 && n <= HS_RANGES_MAX && length > 0);
    for (i = 0; i < n; i++)
    {
        REQUIRE(r[i].first <= r[i].last && r[i].last < length);
        for (j = i + 1; j < n; j++) REQUIRE(r[i].last < r[j].first || r[j].last < r[i].first);
    }
    return 0;
}

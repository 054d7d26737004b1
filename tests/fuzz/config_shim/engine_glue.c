/* The engine's records parser for fuzz_config_api, whose Windows headers
 * and the engine's do not mix in one file. */
#include "records.h"

int hs_records_parse_counts(const char *text, size_t len, uint32_t *listen, uint32_t *ssl, uint32_t *skipped)
{
    struct hs_records r;
    if (hs_records_parse(text, len, &r)) return -1;
    *listen = r.listen_count;
    *ssl = r.ssl_count;
    *skipped = r.skipped;
    hs_records_free(&r);
    return 0;
}

/*
 * libFuzzer target for the configuration as it reaches the engine from the
 * registry: the records text the driver sends (HS_MSG_CONFIG and
 * HS_IOCTL_APPLY_CONFIG, records.h) and the Parameters values it passes as
 * --param "Name:type=value" (config.h).  Whatever the store holds, since
 * anybody who can write the registry (or a hand edit) decides it.
 *
 * Input: the records text, then optionally a NUL and the --param items,
 * one a line.  Besides memory errors it checks what the rest of the engine
 * relies on: every record read is complete (terminated names, hash sizes,
 * addresses of a known family, the ports the subject names), every
 * Parameters value within its documented range, and MaxFieldLength never
 * above MaxRequestBytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "config.h"
#include "log.h"
#include "records.h"
#include "records_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    hs_log_init("-all", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t text_len = nul ? (size_t)(nul - data) : size;
    struct hs_records r;
    struct hs_config cfg;
    char *items, *line, *save = NULL;

    /* the driver's text is not NUL-terminated: give the parser exactly its bytes */
    {
        char *text = malloc(text_len ? text_len : 1);
        if (!text) return 0;
        memcpy(text, data, text_len);
        if (!hs_records_parse(text, text_len, &r))
        {
            check_records(&r);
            hs_records_free(&r);
        }
        free(text);
    }

    if (!nul) return 0;
    if (!(items = malloc(size - text_len))) return 0;
    memcpy(items, nul + 1, size - text_len - 1);
    items[size - text_len - 1] = 0;
    hs_config_defaults(&cfg);
    for (line = strtok_r(items, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        hs_config_apply(&cfg, line);
    hs_config_finish(&cfg);
    check_config(&cfg);
    free(items);
    return 0;
}

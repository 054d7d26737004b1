/*
 * The configuration API as the commands use it: one HttpInitialize for the
 * process, and queries into buffers grown to the size the API asks for.
 */
#include <stdlib.h>

#include "netsh.h"

DWORD config_init(void)
{
    static const HTTPAPI_VERSION version = HTTPAPI_VERSION_1;
    static DWORD result = ~0u;

    if (result == ~0u) result = HttpInitialize(version, HTTP_INITIALIZE_CONFIG, NULL);
    return result;
}

BOOL config_absent(DWORD err)
{
    return err == ERROR_FILE_NOT_FOUND || err == ERROR_NO_MORE_ITEMS || err == ERROR_NOT_FOUND;
}

DWORD config_query(HTTP_SERVICE_CONFIG_ID id, void *in, ULONG in_len, void **out_buf)
{
    ULONG size = 4096, needed;
    DWORD err;
    int tries;

    *out_buf = NULL;
    if ((err = config_init())) return err;
    for (tries = 0; tries < 8; tries++)
    {
        void *buf = calloc(1, size);
        if (!buf) return ERROR_NOT_ENOUGH_MEMORY;
        needed = 0;
        err = HttpQueryServiceConfiguration(NULL, id, in, in_len, buf, size, &needed, NULL);
        if (!err)
        {
            *out_buf = buf;
            return 0;
        }
        free(buf);
        if (err != ERROR_INSUFFICIENT_BUFFER && err != ERROR_MORE_DATA) return err;
        size = needed > size ? needed : size * 2;
    }
    return err;
}

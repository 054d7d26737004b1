/* Reads HKLM\...\Services\HTTP\Parameters for the engine's command line. */
#ifndef HS_DRIVER_PARAMS_H
#define HS_DRIVER_PARAMS_H

/* Returns the number of "Name:type=value" strings stored in items (each
 * allocated with link_alloc), at most max. */
int params_read(const void *registry_path /* PUNICODE_STRING */, char **items, int max);

#endif

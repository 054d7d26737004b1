/*
 * The configuration records the engine acts on, read from the store in the
 * registry (docs/configuration.md) and put into the engine's text form:
 * one record per line, "kind subject key=value ...", values %-escaped.
 */
#ifndef HS_DRIVER_RECORDS_H
#define HS_DRIVER_RECORDS_H

#include <stdint.h>

/* Returns the text (allocated with link_alloc) and its length in *len. */
char *records_read(const void *registry_path /* PUNICODE_STRING */, uint32_t *len);

#endif

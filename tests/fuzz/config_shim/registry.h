/*
 * The fuzz targets' side of the in-memory registry (registry.c): what the
 * Win32 Reg* and the NT Zw* stand-ins work on.
 */
#ifndef CONFIG_SHIM_REGISTRY_H
#define CONFIG_SHIM_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

struct shim_node;

void shim_reg_reset(void);                     /* an empty registry: just \Registry\Machine */
unsigned shim_reg_open_handles(void);          /* keys opened and not closed */
/* the key at path (UTF-16, '\'-separated, from HKLM), made if needed; NULL for a bad name */
struct shim_node *shim_reg_make(const uint16_t *path);
/* a child of key with any name (no check: as a hand-made .reg import could) */
struct shim_node *shim_reg_make_child(struct shim_node *key, const uint16_t *name, size_t len);
void shim_reg_set(struct shim_node *key, const uint16_t *name, size_t name_len, uint32_t type,
                  const void *data, size_t len);

/* walking what is stored */
struct shim_node *shim_reg_find(const uint16_t *path);
struct shim_node *shim_reg_child(struct shim_node *key, unsigned index);
const uint16_t *shim_reg_name(struct shim_node *key, size_t *len);
int shim_reg_value(struct shim_node *key, unsigned index, const uint16_t **name, size_t *name_len,
                   uint32_t *type, const uint8_t **data, size_t *len);

/* the security-descriptor stand-in: the caller's token is an administrator's */
extern int shim_token_is_admin;

#endif

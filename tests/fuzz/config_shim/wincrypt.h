/* config_shim: only the names certkey.h declares with */
#include "windows.h"
typedef void *HCERTSTORE;
typedef const void *PCCERT_CONTEXT;
#define MS_ENH_RSA_AES_PROV_W L""
#define PROV_RSA_AES 24

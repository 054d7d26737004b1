/* config_shim: everything is in windows.h */
#include "windows.h"

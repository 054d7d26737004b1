/*
 * An in-memory registry behind both the Win32 Reg* functions httpapi uses
 * and the Zw* functions the driver uses, with their answers for missing
 * keys, short buffers and limits (key names of at most 255 characters,
 * value names of at most 16383); and the other stand-ins the shim headers
 * declare.  Names compare without ASCII case; enumeration is in creation
 * order.  Deleted keys stay allocated until the next reset, so a handle
 * left open on one stays harmless (the targets count handles instead).
 */
#include "windows.h"
#include "ntifs.h"
#include "registry.h"

#define REQUIRE(c) do { if (!(c)) { fprintf(stderr, "shim: %s (%s:%d)\n", #c, __FILE__, __LINE__); __builtin_trap(); } } while (0)

struct shim_value
{
    WCHAR *name;
    size_t name_len;
    DWORD type;
    BYTE *data;
    size_t len;
    struct shim_value *next;
};

struct shim_node
{
    WCHAR *name;
    size_t name_len;
    struct shim_node *parent, *children, *next, *all;
    struct shim_value *values;
    int deleted;
};

struct shim_key { struct shim_node *node; struct shim_key *next_free; };

static struct shim_node *all_nodes, *machine;
static unsigned open_handles;
int shim_token_is_admin;

static WCHAR *dup_name(const WCHAR *s, size_t len)
{
    WCHAR *d = malloc((len + 1) * sizeof(WCHAR));
    REQUIRE(d);
    memcpy(d, s, len * sizeof(WCHAR));
    d[len] = 0;
    return d;
}

static int name_eq(const WCHAR *a, size_t alen, const WCHAR *b, size_t blen)
{
    size_t i;
    if (alen != blen) return 0;
    for (i = 0; i < alen; i++) if (shim_lower(a[i]) != shim_lower(b[i])) return 0;
    return 1;
}

static void free_values(struct shim_value *v)
{
    while (v)
    {
        struct shim_value *next = v->next;
        free(v->name);
        free(v->data);
        free(v);
        v = next;
    }
}

static struct shim_node *new_node(struct shim_node *parent, const WCHAR *name, size_t len)
{
    struct shim_node *n = calloc(1, sizeof(*n)), **tail;
    REQUIRE(n);
    n->name = dup_name(name, len);
    n->name_len = len;
    n->parent = parent;
    n->all = all_nodes;
    all_nodes = n;
    if (parent)
    {
        for (tail = &parent->children; *tail; tail = &(*tail)->next) {}
        *tail = n;
    }
    return n;
}

void shim_reg_reset(void)
{
    struct shim_node *root;
    while (all_nodes)
    {
        struct shim_node *next = all_nodes->all;
        free(all_nodes->name);
        free_values(all_nodes->values);
        free(all_nodes);
        all_nodes = next;
    }
    root = new_node(NULL, L"", 0);
    machine = new_node(new_node(root, L"Registry", 8), L"Machine", 7);
    open_handles = 0;
    shim_token_is_admin = 0;
}

unsigned shim_reg_open_handles(void) { return open_handles; }

static struct shim_node *child(struct shim_node *n, const WCHAR *name, size_t len)
{
    struct shim_node *c;
    for (c = n->children; c; c = c->next) if (name_eq(c->name, c->name_len, name, len)) return c;
    return NULL;
}

/* Walks (and with create, makes) a '\'-separated path of len units. */
static LONG walk(struct shim_node *n, const WCHAR *path, size_t len, int create, struct shim_node **out, int *created)
{
    size_t i = 0;

    if (created) *created = 0;
    while (i < len)
    {
        size_t start = i;
        struct shim_node *c;
        while (i < len && path[i] != '\\') i++;
        if (i == start) return i == len ? ERROR_SUCCESS : ERROR_INVALID_PARAMETER;   /* "a\\b" */
        if (i - start > 255) return ERROR_INVALID_PARAMETER;
        if (!(c = child(n, path + start, i - start)))
        {
            if (!create) return ERROR_FILE_NOT_FOUND;
            c = new_node(n, path + start, i - start);
            if (created) *created = 1;
        }
        n = c;
        if (i < len) i++;
    }
    *out = n;
    return ERROR_SUCCESS;
}

static size_t wlen(const uint16_t *s) { size_t n = 0; while (s[n]) n++; return n; }

struct shim_node *shim_reg_make(const uint16_t *path)
{
    struct shim_node *n;
    return walk(machine, (const WCHAR *)path, wlen(path), 1, &n, NULL) ? NULL : n;
}

struct shim_node *shim_reg_make_child(struct shim_node *key, const uint16_t *name, size_t len)
{
    struct shim_node *c = child(key, (const WCHAR *)name, len);
    return c ? c : new_node(key, (const WCHAR *)name, len);
}

struct shim_node *shim_reg_find(const uint16_t *path)
{
    struct shim_node *n;
    return walk(machine, (const WCHAR *)path, wlen(path), 0, &n, NULL) ? NULL : n;
}

struct shim_node *shim_reg_child(struct shim_node *key, unsigned index)
{
    struct shim_node *c;
    for (c = key->children; c && index; c = c->next) index--;
    return c;
}

const uint16_t *shim_reg_name(struct shim_node *key, size_t *len)
{
    *len = key->name_len;
    return (const uint16_t *)key->name;
}

int shim_reg_value(struct shim_node *key, unsigned index, const uint16_t **name, size_t *name_len,
                   uint32_t *type, const uint8_t **data, size_t *len)
{
    struct shim_value *v;
    for (v = key->values; v && index; v = v->next) index--;
    if (!v) return 0;
    *name = (const uint16_t *)v->name;
    *name_len = v->name_len;
    *type = v->type;
    *data = v->data;
    *len = v->len;
    return 1;
}

static struct shim_value *find_value(struct shim_node *n, const WCHAR *name, size_t len)
{
    struct shim_value *v;
    for (v = n->values; v; v = v->next) if (name_eq(v->name, v->name_len, name, len)) return v;
    return NULL;
}

void shim_reg_set(struct shim_node *key, const uint16_t *name, size_t name_len, uint32_t type, const void *data, size_t len)
{
    struct shim_value *v = find_value(key, (const WCHAR *)name, name_len), **tail;

    if (!v)
    {
        REQUIRE((v = calloc(1, sizeof(*v))));
        v->name = dup_name((const WCHAR *)name, name_len);
        v->name_len = name_len;
        for (tail = &key->values; *tail; tail = &(*tail)->next) {}
        *tail = v;
    }
    free(v->data);
    REQUIRE((v->data = malloc(len ? len : 1)));
    memcpy(v->data, data, len);
    v->len = len;
    v->type = type;
}

/* ----------------------------------------------------------------- Win32 */

static HKEY new_handle(struct shim_node *n)
{
    struct shim_key *k = calloc(1, sizeof(*k));
    REQUIRE(k);
    k->node = n;
    open_handles++;
    return k;
}

static struct shim_node *node_of(HKEY key)
{
    if (key == HKEY_LOCAL_MACHINE) return machine;
    REQUIRE(key);
    return key->node;
}

LONG RegCreateKeyExW(HKEY key, LPCWSTR sub, DWORD reserved, LPWSTR cls, DWORD options, REGSAM sam, void *sa,
                     PHKEY out, LPDWORD disposition)
{
    struct shim_node *n;
    int created;
    LONG status;

    if (!out) return ERROR_INVALID_PARAMETER;
    if ((status = walk(node_of(key), sub, sub ? shim_wcslen(sub) : 0, 1, &n, &created))) return status;
    *out = new_handle(n);
    if (disposition) *disposition = created ? REG_CREATED_NEW_KEY : REG_OPENED_EXISTING_KEY;
    return ERROR_SUCCESS;
}

LONG RegOpenKeyExW(HKEY key, LPCWSTR sub, DWORD options, REGSAM sam, PHKEY out)
{
    struct shim_node *n;
    LONG status;

    if (!out) return ERROR_INVALID_PARAMETER;
    if ((status = walk(node_of(key), sub, sub ? shim_wcslen(sub) : 0, 0, &n, NULL))) return status;
    *out = new_handle(n);
    return ERROR_SUCCESS;
}

LONG RegCloseKey(HKEY key)
{
    if (key == HKEY_LOCAL_MACHINE) return ERROR_SUCCESS;
    REQUIRE(key && open_handles);
    open_handles--;
    free(key);
    return ERROR_SUCCESS;
}

LONG RegSetValueExW(HKEY key, LPCWSTR name, DWORD reserved, DWORD type, const BYTE *data, DWORD len)
{
    size_t nlen = name ? shim_wcslen(name) : 0;
    struct shim_node *n = node_of(key);

    if (n->deleted) return 1018;   /* ERROR_KEY_DELETED */
    if (nlen > 16383 || (len && !data)) return ERROR_INVALID_PARAMETER;
    shim_reg_set(n, (const uint16_t *)(name ? name : L""), nlen, type, data, len);
    return ERROR_SUCCESS;
}

static LONG copy_data(const struct shim_value *v, LPDWORD type, LPBYTE data, LPDWORD len)
{
    if (type) *type = v->type;
    if (!len) return data ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
    if (data && *len < v->len) { *len = (DWORD)v->len; return ERROR_MORE_DATA; }
    if (data) memcpy(data, v->data, v->len);
    *len = (DWORD)v->len;
    return ERROR_SUCCESS;
}

LONG RegQueryValueExW(HKEY key, LPCWSTR name, LPDWORD reserved, LPDWORD type, LPBYTE data, LPDWORD len)
{
    struct shim_value *v = find_value(node_of(key), name ? name : L"", name ? shim_wcslen(name) : 0);
    return v ? copy_data(v, type, data, len) : ERROR_FILE_NOT_FOUND;
}

LONG RegDeleteValueW(HKEY key, LPCWSTR name)
{
    struct shim_node *n = node_of(key);
    struct shim_value **p;
    size_t nlen = name ? shim_wcslen(name) : 0;

    for (p = &n->values; *p; p = &(*p)->next)
        if (name_eq((*p)->name, (*p)->name_len, name ? name : L"", nlen))
        {
            struct shim_value *v = *p;
            *p = v->next;
            v->next = NULL;
            free_values(v);
            return ERROR_SUCCESS;
        }
    return ERROR_FILE_NOT_FOUND;
}

LONG RegDeleteKeyW(HKEY key, LPCWSTR sub)
{
    struct shim_node *n, **p;
    LONG status;

    if (!sub) return ERROR_INVALID_PARAMETER;
    if ((status = walk(node_of(key), sub, shim_wcslen(sub), 0, &n, NULL))) return status;
    if (n->children || n == machine) return ERROR_ACCESS_DENIED;
    for (p = &n->parent->children; *p != n; p = &(*p)->next) {}
    *p = n->next;
    n->deleted = 1;
    return ERROR_SUCCESS;
}

LONG RegEnumKeyExW(HKEY key, DWORD index, LPWSTR name, LPDWORD name_len, LPDWORD reserved, LPWSTR cls,
                   LPDWORD cls_len, void *time)
{
    struct shim_node *c = shim_reg_child(node_of(key), index);

    if (!c) return ERROR_NO_MORE_ITEMS;
    if (*name_len <= c->name_len) return ERROR_MORE_DATA;
    memcpy(name, c->name, (c->name_len + 1) * sizeof(WCHAR));
    *name_len = (DWORD)c->name_len;
    return ERROR_SUCCESS;
}

LONG RegEnumValueW(HKEY key, DWORD index, LPWSTR name, LPDWORD name_len, LPDWORD reserved, LPDWORD type,
                   LPBYTE data, LPDWORD data_len)
{
    struct shim_value *v;
    LONG status;

    for (v = node_of(key)->values; v && index; v = v->next) index--;
    if (!v) return ERROR_NO_MORE_ITEMS;
    if (*name_len <= v->name_len) return ERROR_MORE_DATA;
    if ((status = copy_data(v, type, data, data_len))) return status;
    memcpy(name, v->name, (v->name_len + 1) * sizeof(WCHAR));
    *name_len = (DWORD)v->name_len;
    return ERROR_SUCCESS;
}

/* -------------------------------------------------------------------- NT */

void RtlInitUnicodeString(UNICODE_STRING *us, const WCHAR *s)
{
    size_t n = s ? shim_wcslen(s) : 0;
    us->Buffer = (WCHAR *)s;
    us->Length = (USHORT)(n * sizeof(WCHAR));
    us->MaximumLength = s ? us->Length + sizeof(WCHAR) : 0;
}

NTSTATUS ZwOpenKey(HANDLE *key, ACCESS_MASK access, OBJECT_ATTRIBUTES *attr)
{
    const UNICODE_STRING *us = attr->ObjectName;
    const WCHAR *p = us->Buffer;
    size_t len = us->Length / sizeof(WCHAR);
    struct shim_node *n;

    if (attr->RootDirectory) n = ((struct shim_key *)attr->RootDirectory)->node;
    else
    {
        if (!len || p[0] != '\\') return STATUS_OBJECT_NAME_NOT_FOUND;
        for (n = machine; n->parent; n = n->parent) {}
        p++;
        len--;
    }
    if (walk(n, p, len, 0, &n, NULL)) return STATUS_OBJECT_NAME_NOT_FOUND;
    *key = new_handle(n);
    return STATUS_SUCCESS;
}

NTSTATUS ZwClose(HANDLE h)
{
    REQUIRE(h && open_handles);
    open_handles--;
    free(h);
    return STATUS_SUCCESS;
}

/* Copies what fits: STATUS_BUFFER_OVERFLOW when not all of it does. */
static NTSTATUS fill(void *buf, ULONG cap, const void *fixed, ULONG fixed_len, const void *a, ULONG alen,
                     const void *b, ULONG blen, ULONG *ret)
{
    ULONG total = fixed_len + alen + blen, n;

    *ret = total;
    if (cap < fixed_len) return STATUS_BUFFER_TOO_SMALL;
    memcpy(buf, fixed, fixed_len);
    n = cap - fixed_len < alen ? cap - fixed_len : alen;
    memcpy((BYTE *)buf + fixed_len, a, n);
    if (n == alen && blen)
    {
        ULONG m = cap - fixed_len - alen < blen ? cap - fixed_len - alen : blen;
        memcpy((BYTE *)buf + fixed_len + alen, b, m);
    }
    return cap < total ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

NTSTATUS ZwQueryValueKey(HANDLE key, UNICODE_STRING *name, KEY_VALUE_INFORMATION_CLASS cls, void *buf, ULONG len, ULONG *ret)
{
    struct shim_value *v = find_value(((struct shim_key *)key)->node, name->Buffer, name->Length / sizeof(WCHAR));
    KEY_VALUE_PARTIAL_INFORMATION info;

    REQUIRE(cls == KeyValuePartialInformation);
    if (!v) return STATUS_OBJECT_NAME_NOT_FOUND;
    info.TitleIndex = 0;
    info.Type = v->type;
    info.DataLength = (ULONG)v->len;
    return fill(buf, len, &info, offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data), v->data, (ULONG)v->len, NULL, 0, ret);
}

NTSTATUS ZwEnumerateKey(HANDLE key, ULONG index, KEY_INFORMATION_CLASS cls, void *buf, ULONG len, ULONG *ret)
{
    struct shim_node *c = shim_reg_child(((struct shim_key *)key)->node, index);
    KEY_BASIC_INFORMATION info;

    REQUIRE(cls == KeyBasicInformation);
    if (!c) return STATUS_NO_MORE_ENTRIES;
    memset(&info, 0, sizeof(info));
    info.NameLength = (ULONG)(c->name_len * sizeof(WCHAR));
    return fill(buf, len, &info, offsetof(KEY_BASIC_INFORMATION, Name), c->name, info.NameLength, NULL, 0, ret);
}

/* The data follows the name directly, unaligned: nothing promises more. */
NTSTATUS ZwEnumerateValueKey(HANDLE key, ULONG index, KEY_VALUE_INFORMATION_CLASS cls, void *buf, ULONG len, ULONG *ret)
{
    struct shim_value *v;
    KEY_VALUE_FULL_INFORMATION info;
    ULONG fixed = offsetof(KEY_VALUE_FULL_INFORMATION, Name);

    REQUIRE(cls == KeyValueFullInformation);
    for (v = ((struct shim_key *)key)->node->values; v && index; v = v->next) index--;
    if (!v) return STATUS_NO_MORE_ENTRIES;
    memset(&info, 0, sizeof(info));
    info.Type = v->type;
    info.NameLength = (ULONG)(v->name_len * sizeof(WCHAR));
    info.DataOffset = fixed + info.NameLength;
    info.DataLength = (ULONG)v->len;
    return fill(buf, len, &info, fixed, v->name, info.NameLength, v->data, info.DataLength, ret);
}

NTSTATUS NtCreateFile(HANDLE *h, ACCESS_MASK access, OBJECT_ATTRIBUTES *attr, IO_STATUS_BLOCK *io, void *size,
                      ULONG attrs, ULONG share, ULONG disposition, ULONG options, void *ea, ULONG ea_len)
{
    return STATUS_OBJECT_NAME_NOT_FOUND;   /* no service running: config_notify_service does nothing */
}

NTSTATUS NtClose(HANDLE h) { return STATUS_SUCCESS; }

/* ----------------------------------------------------------- formatting */

/* msvcrt: -1 and no terminator when it does not fit, a terminator when it does */
static int finish(char *out, size_t count, const char *tmp, int n)
{
    if (n < 0) return -1;
    if ((size_t)n >= count)
    {
        memcpy(out, tmp, count);
        return (size_t)n == count ? n : -1;
    }
    memcpy(out, tmp, (size_t)n + 1);
    return n;
}

int shim_snprintf(char *buf, size_t count, const char *fmt, ...)
{
    char nfmt[256], tmp[4096];
    size_t i, j = 0;
    va_list ap;
    int n;

    /* a Windows long is 32 bits: "%lu" takes a ULONG */
    for (i = 0; fmt[i] && j < sizeof(nfmt) - 1; i++)
        if (!(fmt[i] == 'l' && i && (fmt[i - 1] == '%' || (fmt[i - 1] >= '0' && fmt[i - 1] <= '9')) && fmt[i + 1] != 'l'))
            nfmt[j++] = fmt[i];
    nfmt[j] = 0;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), nfmt, ap);
    va_end(ap);
    REQUIRE(n < (int)sizeof(tmp));
    return finish(buf, count, tmp, n);
}

/* the formats config*.c use: %s (a wide string, as in msvcrt's wide
 * functions), %u, %d, %lu, %% */
int shim_snwprintf(WCHAR *buf, size_t count, const WCHAR *fmt, ...)
{
    WCHAR tmp[4096];
    size_t n = 0;
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++)
    {
        char num[32];
        const char *p;
        if (*fmt != '%') { REQUIRE(n < 4095); tmp[n++] = *fmt; continue; }
        fmt++;
        if (*fmt == 'l') fmt++;
        switch (*fmt)
        {
        case 's':
        {
            const WCHAR *s = va_arg(ap, const WCHAR *);
            REQUIRE(s);
            while (*s) { REQUIRE(n < 4095); tmp[n++] = *s++; }
            continue;
        }
        case 'u': snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned)); break;
        case 'd': snprintf(num, sizeof(num), "%d", va_arg(ap, int)); break;
        case '%': strcpy(num, "%"); break;
        default: REQUIRE(!"format");
        }
        for (p = num; *p; p++) tmp[n++] = (WCHAR)*p;
    }
    va_end(ap);
    tmp[n] = 0;
    if (n >= count)
    {
        memcpy(buf, tmp, count * sizeof(WCHAR));
        return n == count ? (int)n : -1;
    }
    memcpy(buf, tmp, (n + 1) * sizeof(WCHAR));
    return (int)n;
}

int InetPtonW(int family, const WCHAR *text, void *addr)
{
    char buf[128];
    size_t i;
    for (i = 0; text[i]; i++) { if (text[i] > 0x7f || i + 1 >= sizeof(buf)) return 0; buf[i] = (char)text[i]; }
    buf[i] = 0;
    return inet_pton(family, buf, addr);
}

const WCHAR *InetNtopW(int family, const void *addr, WCHAR *buf, size_t size)
{
    char tmp[INET6_ADDRSTRLEN];
    size_t i;
    if (!inet_ntop(family, addr, tmp, sizeof(tmp)) || strlen(tmp) + 1 > size) return NULL;
    for (i = 0; i <= strlen(tmp); i++) buf[i] = (WCHAR)tmp[i];
    return buf;
}

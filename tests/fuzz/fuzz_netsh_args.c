/*
 * libFuzzer target for netsh's argument parsing: programs/netsh/args.c
 * itself, compiled natively against tests/fuzz/netsh_shim (see windows.h
 * there for what is a stand-in).  The commands that use it talk to
 * httpapi.dll right after parsing and are not compiled here.
 *
 * Input: UTF-16LE; the first unit picks a command's tag table, then the
 * words of the command line follow, each ended by a 0 unit (the C runtime
 * has split and unquoted them by then).  get_args fills the tags, and every
 * value goes through every value parser and back through the formatters.
 * Checked, besides memory errors: a value get_args returns is non-empty and
 * lies inside one of the words; required tags are there; parsed ports are
 * 1-65535, an ip:port has a port, a host from host:port fits its buffer and
 * formatted addresses and GUIDs are terminated within theirs.
 */
#include "args.c"

#define REQUIRE(c) do { if (!(c)) __builtin_trap(); } while (0)

static int usage_printed, bad_printed;

void print_usage(const struct command *cmd) { (void)cmd; usage_printed++; }
void msg_bad_parameter(void) { bad_printed++; }

static const struct tag_def sslcert_tags[] =
{
    { L"ipport", TAG_POSITIONAL }, { L"hostnameport", TAG_POSITIONAL }, { L"ccs", TAG_POSITIONAL },
    { L"scopedccs", TAG_POSITIONAL }, { L"certhash", TAG_POSITIONAL }, { L"appid", TAG_POSITIONAL },
    { L"certstorename", TAG_POSITIONAL }, { L"verifyclientcertrevocation", 0 }, { L"clientcertnegotiation", 0 },
    { L"revocationfreshnesstime", 0 }, { L"disablehttp2", 0 },
};
static const struct tag_def urlacl_tags[] =
{
    { L"url", TAG_REQUIRED | TAG_POSITIONAL }, { L"user", TAG_POSITIONAL }, { L"listen", TAG_POSITIONAL },
    { L"delegate", TAG_POSITIONAL }, { L"sddl", TAG_POSITIONAL },
};
static const struct tag_def timeout_tags[] =
{
    { L"timeouttype", TAG_REQUIRED | TAG_POSITIONAL }, { L"value", TAG_REQUIRED | TAG_POSITIONAL },
};
static const struct tag_def iplisten_tags[] = { { L"ipaddress", TAG_REQUIRED | TAG_POSITIONAL } };
static const struct { const struct tag_def *defs; unsigned count; } tables[] =
{
    { sslcert_tags, ARRAY_SIZE(sslcert_tags) }, { urlacl_tags, ARRAY_SIZE(urlacl_tags) },
    { timeout_tags, ARRAY_SIZE(timeout_tags) }, { iplisten_tags, ARRAY_SIZE(iplisten_tags) },
};

static int terminated(const WCHAR *buf, size_t size)
{
    size_t i;
    for (i = 0; i < size; i++) if (!buf[i]) return 1;
    return 0;
}

static void parse_value(const WCHAR *v)
{
    SOCKADDR_STORAGE addr;
    WCHAR host[256], text[80];
    BYTE hash[HTTP_SSL_CERT_SHA_HASH_LENGTH];
    USHORT port;
    ULONG n;
    GUID guid;
    int len;

    if (parse_ulong(v, 0xffffffff, &n)) REQUIRE(v[0]);
    if (parse_ulong(v, 1000, &n)) REQUIRE(n <= 1000);
    if (parse_port(v, &port)) REQUIRE(port >= 1);
    parse_hash(v, hash);
    if (parse_guid(v, &guid))
    {
        format_guid(&guid, text);
        REQUIRE(terminated(text, 39));
    }
    if (parse_ipaddress(v, &addr, &len))
    {
        REQUIRE(addr.ss_family == AF_INET || addr.ss_family == AF_INET6);
        REQUIRE(len == (addr.ss_family == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6)));
        text[0] = 1;
        format_sockaddr((const SOCKADDR *)&addr, text, ARRAY_SIZE(text));
        REQUIRE(terminated(text, ARRAY_SIZE(text)));
    }
    if (parse_ipport(v, &addr)) REQUIRE(((SOCKADDR_IN *)&addr)->sin_port != 0);
    if (parse_hostport(v, host, 8, &port)) REQUIRE(port >= 1 && shim_wcslen(host) < 8);
    if (parse_hostport(v, host, ARRAY_SIZE(host), &port)) REQUIRE(port >= 1 && shim_wcslen(host) < ARRAY_SIZE(host));
    is_help_word(v);
    parse_choice(v, L"enable", L"disable");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct command cmd = { L"add", L"test", L"", L"", NULL };
    WCHAR *units, *argv[16];
    const WCHAR *values[16];
    size_t count = size / 2, i;
    unsigned table, t;
    int argc = 0, rc = -1;

    if (count < 1) return 0;
    /* one more unit so that the last word is terminated too */
    if (!(units = calloc(count + 1, sizeof(WCHAR)))) return 0;
    memcpy(units, data, count * 2);
    table = units[0] % ARRAY_SIZE(tables);
    for (i = 1; i < count + 1 && argc < 16; )
    {
        argv[argc++] = units + i;
        while (units[i]) i++;
        i++;
        if (i >= count + 1) break;
    }
    usage_printed = bad_printed = 0;
    if (get_args(&cmd, argc, argv, tables[table].defs, tables[table].count, values, &rc))
    {
        for (t = 0; t < tables[table].count; t++)
        {
            int inside = 0, a;
            if (!values[t])
            {
                REQUIRE(!(tables[table].defs[t].flags & TAG_REQUIRED));
                continue;
            }
            REQUIRE(values[t][0]);
            for (a = 0; a < argc; a++)
                if (values[t] >= argv[a] && values[t] <= argv[a] + shim_wcslen(argv[a])) inside = 1;
            REQUIRE(inside);
            parse_value(values[t]);
        }
        REQUIRE(!usage_printed && !bad_printed);
    }
    else REQUIRE((rc == NETSH_OK || rc == NETSH_FAILED) && usage_printed + bad_printed == 1);
    for (i = 0; i < (size_t)argc; i++) parse_value(argv[i]);
    free(units);
    return 0;
}

/* The driver's records.c again, with a text limit small enough for the
 * fuzzer's inputs to reach: fuzz_config_store compares what it writes when
 * full with what the full-sized one writes. */
#define TEXT_MAX 2048
#define records_read records_read_small
#include "../../../dlls/http.sys/driver/records.c"

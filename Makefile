# httpsys: Windows' HTTP Server API (httpapi.dll + http.sys) for Wine.
#
#   make                         build every part into build/
#   make test                    install what the tests need, run them all
#   make run                     start the example server (HTTP on :8080)
#   make install WINEPREFIX=DIR  put it into a Wine prefix (created if needed)
#   make uninstall WINEPREFIX=DIR  give the prefix back to Wine's own
#   make bench                   benchmarks (see bench/README.md)
#   make soak                    30 minutes of mixed HTTP/HTTPS load on the engine (SOAK_SECONDS)
#   make valgrind                the engine's tests under valgrind (about 10 minutes)

BUILD   ?= build
CC      ?= gcc
MINGW   ?= x86_64-w64-mingw32-gcc
DLLTOOL ?= x86_64-w64-mingw32-dlltool

ENGINE_DIR := dlls/http.sys/engine
COMMON_DIR := dlls/http.sys/common
DRIVER_DIR := dlls/http.sys/driver

WARN_FLAGS   := -Wall -Wextra -Wno-unused-parameter
HOST_CFLAGS  := -std=gnu11 -O2 -g $(WARN_FLAGS) -Iinclude -I$(ENGINE_DIR) -I$(COMMON_DIR)
SAN_CFLAGS   := -std=gnu11 -O1 -g $(WARN_FLAGS) -Iinclude -I$(ENGINE_DIR) -I$(COMMON_DIR) \
                -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
PE_CFLAGS    := -O2 -g $(WARN_FLAGS) -static-libgcc -Iinclude -I$(COMMON_DIR) -D_WIN32_WINNT=0x0A00
DDK_CFLAGS   := $(PE_CFLAGS) -I/usr/share/mingw-w64/include/ddk

ENGINE_LIB_SRC := $(filter-out $(ENGINE_DIR)/main.c,$(wildcard $(ENGINE_DIR)/*.c)) $(wildcard $(COMMON_DIR)/*.c)
ENGINE_SRC     := $(ENGINE_LIB_SRC) $(ENGINE_DIR)/main.c
ENGINE_HDR     := $(wildcard $(ENGINE_DIR)/*.h) $(wildcard $(COMMON_DIR)/*.h) include/httpsys_proto.h

HTTPAPI_SRC := $(wildcard dlls/httpapi/*.c) $(wildcard $(COMMON_DIR)/*.c)
HTTPAPI_HDR := $(wildcard dlls/httpapi/*.h) $(wildcard $(COMMON_DIR)/*.h) include/httpsys_proto.h
DRIVER_DDK_SRC := $(DRIVER_DIR)/driver.c $(DRIVER_DIR)/params.c $(DRIVER_DIR)/records.c
DRIVER_W32_SRC := $(DRIVER_DIR)/link.c

WINTEST_SRC := $(filter-out dlls/httpapi/tests/client.c,$(wildcard dlls/httpapi/tests/*.c))
WINTESTS    := $(patsubst dlls/httpapi/tests/%.c,$(BUILD)/tests/%.exe,$(WINTEST_SRC))
UNIT_SRC    := $(wildcard tests/engine/test_*.c)
UNITS       := $(patsubst tests/engine/%.c,$(BUILD)/unit/%,$(UNIT_SRC))
UNITS_SAN   := $(patsubst tests/engine/%.c,$(BUILD)/unit-san/%,$(UNIT_SRC))

FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS     := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 600
WINPROBES   := $(patsubst tests/win/%.c,$(BUILD)/win/%.exe,$(wildcard tests/win/*.c))

PARTS := $(BUILD)/httpsys-engine $(BUILD)/http.sys $(BUILD)/httpapi.dll $(BUILD)/netsh.exe $(BUILD)/certutil.exe \
         $(BUILD)/examples/hello.exe $(BUILD)/examples/fileserver.exe

.PHONY: all test run install uninstall bench soak valgrind clean fuzz fuzzers
all: $(PARTS) $(WINTESTS) $(WINPROBES) $(UNITS) $(UNITS_SAN) $(BUILD)/httpsys-engine-bench

$(BUILD) $(BUILD)/tests $(BUILD)/win $(BUILD)/unit $(BUILD)/unit-san $(BUILD)/examples $(BUILD)/obj $(BUILD)/fuzz:
	mkdir -p $@

# --- the engine (host) ---------------------------------------------------
# Built once into a library (plain and sanitized) that the engine, its unit
# tests and its fuzz targets link.
ENGINE_OBJ     := $(patsubst %.c,$(BUILD)/obj/host/%.o,$(ENGINE_LIB_SRC))
ENGINE_SAN_OBJ := $(patsubst %.c,$(BUILD)/obj/san/%.o,$(ENGINE_LIB_SRC))

$(BUILD)/obj/host/%.o: %.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<
$(BUILD)/obj/san/%.o: %.c $(ENGINE_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -c -o $@ $<

$(BUILD)/libengine.a: $(ENGINE_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libengine-san.a: $(ENGINE_SAN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/httpsys-engine: $(ENGINE_DIR)/main.c $(BUILD)/libengine.a $(ENGINE_HDR) | $(BUILD)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(BUILD)/libengine.a -lssl -lcrypto -lpam

$(BUILD)/httpsys-engine-san: $(ENGINE_DIR)/main.c $(BUILD)/libengine-san.a $(ENGINE_HDR) | $(BUILD)
	$(CC) $(SAN_CFLAGS) -o $@ $< $(BUILD)/libengine-san.a -lssl -lcrypto -lpam

# the engine alone, answering requests in its own loop: what Wine costs (issue 5)
$(BUILD)/httpsys-engine-bench: bench/engine_alone.c $(BUILD)/libengine.a $(ENGINE_HDR) | $(BUILD)
	$(CC) $(HOST_CFLAGS) -o $@ $< $(BUILD)/libengine.a -lssl -lcrypto -lpam

$(BUILD)/unit/%: tests/engine/%.c $(BUILD)/libengine.a tests/engine/unit.h | $(BUILD)/unit
	$(CC) $(HOST_CFLAGS) -o $@ $< $(BUILD)/libengine.a -lssl -lcrypto -lpam

$(BUILD)/unit-san/%: tests/engine/%.c $(BUILD)/libengine-san.a tests/engine/unit.h | $(BUILD)/unit-san
	$(CC) $(SAN_CFLAGS) -o $@ $< $(BUILD)/libengine-san.a -lssl -lcrypto -lpam

# helpers that tests drive (not tests themselves: build/unit*/test_* are run as such),
# sanitized so that whatever the tests feed them is checked for memory errors too
UNIT_TOOLS := $(BUILD)/unit-tools/parse_probe
all: $(UNIT_TOOLS)
$(BUILD)/unit-tools/%: tests/engine/%.c $(BUILD)/libengine-san.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -o $@ $< $(BUILD)/libengine-san.a -lssl -lcrypto -lpam

# libFuzzer targets: make test replays their corpora, make fuzz runs them
$(BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(ENGINE_LIB_SRC) $(ENGINE_HDR) | $(BUILD)/fuzz
	clang -std=gnu11 -O1 -g -Iinclude -I$(ENGINE_DIR) -I$(COMMON_DIR) \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $< $(ENGINE_LIB_SRC) -lssl -lcrypto -lpam

# netsh's argument parsing is Windows code: built natively against a few
# stand-in headers, with UTF-16 wide strings as under MinGW
$(BUILD)/fuzz/fuzz_netsh_args: tests/fuzz/fuzz_netsh_args.c programs/netsh/args.c programs/netsh/netsh.h \
                               $(wildcard tests/fuzz/netsh_shim/*.h) | $(BUILD)/fuzz
	clang -std=gnu11 -O1 -g -fshort-wchar -Itests/fuzz/netsh_shim -Iprograms/netsh \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $<

# The configuration store's Windows code (httpapi's config*.c, the driver's
# records.c and params.c), natively against tests/fuzz/config_shim: an
# in-memory registry behind both the Win32 and the NT registry calls
CONFIG_SHIM := $(wildcard tests/fuzz/config_shim/*.[ch])
CONFIG_FUZZ_CFLAGS := -std=gnu11 -O1 -g -fshort-wchar -Wno-incompatible-pointer-types -Iinclude -I$(ENGINE_DIR) \
                      -I$(COMMON_DIR) -Itests/fuzz -Itests/fuzz/config_shim -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
CONFIG_ENGINE_SRC := $(ENGINE_DIR)/records.c $(ENGINE_DIR)/config.c $(ENGINE_DIR)/log.c
CONFIG_DRIVER_SRC := $(DRIVER_DIR)/records.c $(DRIVER_DIR)/params.c tests/fuzz/config_shim/records_small.c \
                     tests/fuzz/config_shim/driver_glue.c tests/fuzz/config_shim/registry.c
$(BUILD)/fuzz/fuzz_config_store: tests/fuzz/fuzz_config_store.c $(CONFIG_SHIM) $(CONFIG_DRIVER_SRC) $(CONFIG_ENGINE_SRC) \
                                 $(wildcard tests/fuzz/*.h) $(ENGINE_HDR) $(wildcard $(DRIVER_DIR)/*.h) | $(BUILD)/fuzz
	clang $(CONFIG_FUZZ_CFLAGS) -o $@ $< $(CONFIG_DRIVER_SRC) $(CONFIG_ENGINE_SRC)
CONFIG_API_SRC := $(filter-out dlls/httpapi/config.h,$(wildcard dlls/httpapi/config*.[ch])) dlls/httpapi/sdbytes.c \
                  $(COMMON_DIR)/urlprefix.c \
                  tests/fuzz/config_shim/sddl.c tests/fuzz/config_shim/engine_glue.c
$(BUILD)/fuzz/fuzz_config_api: tests/fuzz/fuzz_config_api.c $(CONFIG_SHIM) $(CONFIG_API_SRC) dlls/httpapi/config.h \
                               $(CONFIG_DRIVER_SRC) $(CONFIG_ENGINE_SRC) $(HTTPAPI_HDR) $(wildcard tests/fuzz/*.h) \
                               $(ENGINE_HDR) | $(BUILD)/fuzz
	clang $(CONFIG_FUZZ_CFLAGS) -o $@ $< $(filter %.c,$(CONFIG_API_SRC)) $(CONFIG_DRIVER_SRC) $(CONFIG_ENGINE_SRC)

fuzzers: $(FUZZERS)

fuzz: $(FUZZERS)
	for f in $(FUZZERS); do n=$$(basename $$f); n=$${n#fuzz_}; mkdir -p tests/fuzz/corpus/$$n; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 tests/fuzz/corpus/$$n || exit 1; done

# --- the driver (PE, native subsystem) ------------------------------------
# link.c is compiled against the Win32 headers, the rest against the DDK's;
# the image imports only ntoskrnl and ws2_32 (see link.h for why).
$(BUILD)/obj/driver-%.o: $(DRIVER_DIR)/%.c $(wildcard $(DRIVER_DIR)/*.h) include/httpsys_proto.h | $(BUILD)/obj
	$(MINGW) $(DDK_CFLAGS) -c -o $@ $<
$(BUILD)/obj/driver-link.o: $(DRIVER_DIR)/link.c $(wildcard $(DRIVER_DIR)/*.h) include/httpsys_proto.h | $(BUILD)/obj
	$(MINGW) $(PE_CFLAGS) -c -o $@ $<

$(BUILD)/http.sys: $(BUILD)/obj/driver-driver.o $(BUILD)/obj/driver-params.o $(BUILD)/obj/driver-records.o $(BUILD)/obj/driver-link.o
	$(MINGW) -shared -nostdlib -Wl,--subsystem,native -Wl,-e,DriverEntry -o $@ $^ -lntoskrnl -lws2_32 -lgcc

# --- httpapi.dll ----------------------------------------------------------
$(BUILD)/httpapi.dll: $(HTTPAPI_SRC) $(HTTPAPI_HDR) dlls/httpapi/httpapi.def | $(BUILD)
	$(MINGW) $(PE_CFLAGS) -DHTTPAPI_LINKAGE_EXPORT -shared -o $@ $(HTTPAPI_SRC) dlls/httpapi/httpapi.def \
	    -Wl,--out-implib,$(BUILD)/libhttpapi.a -ladvapi32 -lntdll -lws2_32 -lcrypt32 -lbcrypt -lncrypt

# --- programs -------------------------------------------------------------
# links against libhttpapi.a, which the httpapi.dll rule writes
$(BUILD)/netsh.exe: $(wildcard programs/netsh/*.c) $(wildcard programs/netsh/*.h) include/httpsys_proto.h $(BUILD)/httpapi.dll | $(BUILD)
	$(MINGW) $(PE_CFLAGS) -municode -o $@ $(filter %.c,$^) -L$(BUILD) -lhttpapi -lntdll

# certutil links certkey.c so that it stores keys where the service looks for them.
CERTKEY_DEPS := dlls/httpapi/certkey.c dlls/httpapi/certkey.h
CERTKEY_LIBS := -lcrypt32 -ladvapi32 -lbcrypt -lncrypt
$(BUILD)/certutil.exe: $(wildcard programs/certutil/*.c) $(wildcard programs/certutil/*.h) $(CERTKEY_DEPS) $(BUILD)/httpapi.dll | $(BUILD)
	$(MINGW) $(PE_CFLAGS) -municode -DCERTKEY_STANDALONE -Idlls/httpapi -o $@ $(filter %.c,$^) $(CERTKEY_LIBS) -L$(BUILD) -lhttpapi -lntdll

$(BUILD)/examples/hello.exe: examples/hello/hello.c $(BUILD)/httpapi.dll | $(BUILD)/examples
	$(MINGW) $(PE_CFLAGS) -o $@ $< -L$(BUILD) -lhttpapi

$(BUILD)/examples/fileserver.exe: examples/fileserver/fileserver.c $(BUILD)/httpapi.dll | $(BUILD)/examples
	$(MINGW) $(PE_CFLAGS) -o $@ $< -L$(BUILD) -lhttpapi

# the 2.0 API on a completion port (the way ASP.NET Core's HttpSys server runs)
all: $(BUILD)/examples/iocp.exe
$(BUILD)/examples/iocp.exe: examples/iocp/iocp.c $(BUILD)/httpapi.dll | $(BUILD)/examples
	$(MINGW) $(PE_CFLAGS) -o $@ $< -L$(BUILD) -lhttpapi

$(BUILD)/tests/%.exe: dlls/httpapi/tests/%.c dlls/httpapi/tests/client.c $(wildcard dlls/httpapi/tests/*.h) $(BUILD)/httpapi.dll | $(BUILD)/tests
	$(MINGW) $(PE_CFLAGS) -o $@ $< dlls/httpapi/tests/client.c -L$(BUILD) -lhttpapi -lws2_32 -ladvapi32 -lcrypt32 -lwinhttp

$(BUILD)/tests/certkey.exe: dlls/httpapi/tests/certkey.c $(CERTKEY_DEPS) $(wildcard dlls/httpapi/tests/*.h) | $(BUILD)/tests
	$(MINGW) $(PE_CFLAGS) -DCERTKEY_STANDALONE -Idlls/httpapi -o $@ $< dlls/httpapi/certkey.c $(CERTKEY_LIBS)

$(BUILD)/win/%.exe: tests/win/%.c $(BUILD)/httpapi.dll | $(BUILD)/win
	$(MINGW) $(PE_CFLAGS) -o $@ $< -L$(BUILD) -lhttpapi

# programs that make the calls .NET's HttpListener and ASP.NET Core's HttpSys
# server make, in their order (tests/integration/test_replay.py drives them)
REPLAYS := $(patsubst tests/replay/%.c,$(BUILD)/replay/%.exe,$(wildcard tests/replay/*.c))
all: $(REPLAYS)
$(BUILD)/replay:
	mkdir -p $@
$(BUILD)/replay/%.exe: tests/replay/%.c tests/replay/replay.h $(BUILD)/httpapi.dll | $(BUILD)/replay
	$(MINGW) $(PE_CFLAGS) -o $@ $< -L$(BUILD) -lhttpapi -lcrypt32

# --- user-facing commands -------------------------------------------------
test:
	tools/deps.sh test
	$(MAKE) all $(BUILD)/httpsys-engine-san fuzzers
	tests/run

run:
	tools/deps.sh run
	$(MAKE) $(PARTS)
	tools/run.sh

install: $(PARTS)
	@test -n "$(WINEPREFIX)" || { echo "usage: make install WINEPREFIX=DIR"; exit 2; }
	tools/install.sh "$(WINEPREFIX)" "$(BUILD)"

uninstall:
	@test -n "$(WINEPREFIX)" || { echo "usage: make uninstall WINEPREFIX=DIR"; exit 2; }
	tools/uninstall.sh "$(WINEPREFIX)"

bench:
	tools/deps.sh bench
	$(MAKE) $(PARTS) $(BUILD)/httpsys-engine-bench $(if $(wildcard examples/iocp/iocp.c),$(BUILD)/examples/iocp.exe)
	bench/run.py

# not part of make test: SOAK_SECONDS (default 1800) of load, watching the
# engine's RSS and descriptors (docs/reliability.md)
SOAK_SECONDS ?= 1800
soak:
	tools/deps.sh soak
	$(MAKE) $(BUILD)/httpsys-engine-bench
	SOAK_SECONDS=$(SOAK_SECONDS) nice tests/soak/soak.py $(BUILD)/httpsys-engine-bench $(BUILD)/soak

# not part of make test (it takes about as long as make test itself): the
# engine's unit tests and native suites under memcheck, no error and no leak
valgrind:
	tools/deps.sh valgrind
	$(MAKE) $(BUILD)/httpsys-engine $(UNITS)
	tests/valgrind/run.sh $(BUILD) $(BUILD)/valgrind

clean:
	rm -rf $(BUILD)

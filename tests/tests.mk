# Test targets, included by the top-level Makefile.
#
#   make unit          cmocka unit tests (tests/unit/test_*.c)
#   make fuzz-replay   replay every fuzz corpus through its target (gcc)
#   make fuzz          build the libFuzzer targets with clang (build-fuzz/)
#   make integration   pytest suites in tests/integration (root, namespaces)
#   make asan          unit tests + fuzz replay + integration smoke under ASan+UBSan
#   make interop       real Linux PPP peers in a qemu guest (tests/interop)
#   make check         install deps, build, run everything above

PYTEST		?= /usr/bin/python3 -m pytest
UNIT_SRCS	 = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS	 = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
FUZZ_SRCS	 = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY	 = $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%-replay)
FUZZ_BINS	 = $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)

# Extra link flags for one test: TEST_LDFLAGS_<test name>.
# test_tcpudp records the link life cycle calls of the devices under test.
TEST_LDFLAGS_test_tcpudp = -Wl,--wrap=link_phys_up,--wrap=link_phys_down \
		   -Wl,--wrap=link_phys_input,--wrap=link_incoming
# test_ttychan records what the kernel channel delivers to the link.
TEST_LDFLAGS_test_ttychan = -Wl,--wrap=link_phys_input
# test_modem records the link life cycle calls and fakes the modem lines.
TEST_LDFLAGS_test_modem = -Wl,--wrap=link_phys_up,--wrap=link_phys_down \
		   -Wl,--wrap=link_phys_input,--wrap=link_incoming \
		   -Wl,--wrap=tty_pins

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIBMPD)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(LDFLAGS) \
		$(TEST_LDFLAGS_$*) -o $@ $< $(LIBMPD) -lcmocka $(LDLIBS)

$(BUILD)/tests/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(LIBMPD)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< \
		tests/fuzz/replay.c $(LIBMPD) $(LDLIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

fuzz-replay: $(FUZZ_REPLAY)
	@set -e; for t in $(FUZZ_REPLAY); do \
		n=$$(basename $$t -replay); n=$${n#fuzz_}; \
		echo "== $$t tests/fuzz/corpus/$$n"; \
		$$t tests/fuzz/corpus/$$n; done

# libFuzzer builds: the library is rebuilt with clang and coverage.
FUZZ_FLAGS	 = -g -O1 -fsanitize=fuzzer-no-link,address,undefined
fuzz:
	$(MAKE) BUILD=build-fuzz/obj CC=clang OPT="$(FUZZ_FLAGS)" WERROR= build-fuzz/obj/libmpd.a
	@set -e; for s in $(FUZZ_SRCS); do n=$$(basename $$s .c); \
		clang $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-o build-fuzz/$$n $$s build-fuzz/obj/libmpd.a $(LDLIBS); done
	@echo "fuzz targets in build-fuzz/; run e.g. build-fuzz/fuzz_tokenize -max_total_time=60 tests/fuzz/corpus/tokenize"

ASAN_FLAGS	 = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
asan:
	$(MAKE) BUILD=build-asan OPT="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		build-asan/mpd5 unit fuzz-replay
	MPD_BIN=$(CURDIR)/build-asan/mpd5 MPD_ASAN=1 $(PYTEST) -q --tb=short -rfE -p no:cacheprovider \
		-m "not slow" tests/integration

integration: $(MPD)
	MPD_BIN=$(CURDIR)/$(MPD) $(PYTEST) -v --tb=short -rfE -p no:cacheprovider tests/integration

# The interop suite boots one guest (scripts/lab) for the whole run.
interop: $(MPD)
	sh scripts/lab/prepare.sh >/dev/null
	MPD_BIN=$(CURDIR)/$(MPD) $(PYTEST) -v --tb=short -rfE -p no:cacheprovider tests/interop

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) asan
	$(MAKE) integration
	$(MAKE) interop

.PHONY: unit fuzz fuzz-replay asan integration interop check

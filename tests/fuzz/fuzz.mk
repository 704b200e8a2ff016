# tests/fuzz/fuzz.mk - libFuzzer targets (issue 7).  Included by the
# top-level Makefile; see tests/fuzz/README.md.
#
#   make fuzz                       build every target into build-fuzz/
#   make fuzz-run [FUZZ_SECONDS=600] [FUZZ_TARGETS="fuzz_vrp ..."]
#                                   run each target in turn (nice 19, one
#                                   job), logs in build-fuzz/logs/
#   make fuzz-smoke                 CI-sized: every target over its seed
#                                   corpus and regression inputs, then
#                                   FUZZ_SMOKE_SECONDS (20) of fuzzing
#   make fuzz-regress               only replay tests/fuzz/regress/
#   make fuzz-clean
#
# The library objects are compiled again from the same $(LIBSRC) the
# Makefile puts into librovmon.a, with coverage instrumentation
# (-fsanitize=fuzzer-no-link) plus ASan and UBSan; the targets link
# with -fsanitize=fuzzer,address,undefined and the same $(LIBS).
# -Werror is dropped for src/ here (clang may warn where gcc does not,
# and src/ is not this file's to fix); the fuzz targets keep it.

FUZZ_CC		?= $(shell command -v clang-14 >/dev/null 2>&1 && echo clang-14 || echo clang)
FUZZ_BUILD	?= build-fuzz
FUZZ_SAN	?= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_OPT	?= -O1 -g
FUZZ_CFLAGS	= -std=c11 $(FUZZ_OPT) $(filter-out -Werror,$(WARN)) $(FUZZ_SAN)
FUZZ_TARGETS	?= fuzz_packet fuzz_pcap fuzz_bgp_msg fuzz_vrp fuzz_rules \
		   fuzz_redis_reply fuzz_aspa fuzz_rtr fuzz_rtr_audit \
		   fuzz_rtr_client fuzz_checkpoint fuzz_control fuzz_bmp \
		   fuzz_mrt
FUZZ_SECONDS	?= 600
FUZZ_SMOKE_SECONDS ?= 20

FUZZ_LIBOBJ	= $(LIBSRC:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LIB	= $(FUZZ_BUILD)/librovmon-fuzz.a
FUZZ_BINS	= $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
FUZZ_COMMON	= $(FUZZ_BUILD)/obj/fuzz_common.o

.PHONY: fuzz-run fuzz-smoke fuzz-regress fuzz-clean

fuzz: $(FUZZ_BINS)

$(FUZZ_BUILD)/obj:
	mkdir -p $@

$(FUZZ_BUILD)/obj/%.o: src/%.c $(wildcard include/*/*.h) | $(FUZZ_BUILD)/obj
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIBOBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/obj/fuzz_%.o: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h \
    $(wildcard include/*/*.h) | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -Werror \
	    -fsanitize=fuzzer-no-link -DFUZZ_TOPDIR='"$(CURDIR)"' -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz_%.o $(FUZZ_COMMON) $(FUZZ_LIB)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LIBS)

# Seeds too big for git (tests/fuzz/mkseeds.py), regenerated when the
# script changes; the corpus libFuzzer grows is build-fuzz/corpus/.
$(FUZZ_BUILD)/seeds/.done: tests/fuzz/mkseeds.py
	python3 tests/fuzz/mkseeds.py $(FUZZ_BUILD)/seeds
	touch $@

fuzz-run: fuzz $(FUZZ_BUILD)/seeds/.done
	FUZZ_BUILD=$(FUZZ_BUILD) sh tests/fuzz/run.sh run $(FUZZ_SECONDS) \
	    $(FUZZ_TARGETS)

fuzz-smoke: fuzz
	FUZZ_BUILD=$(FUZZ_BUILD) sh tests/fuzz/run.sh smoke \
	    $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

fuzz-regress: fuzz
	FUZZ_BUILD=$(FUZZ_BUILD) sh tests/fuzz/run.sh regress 0 $(FUZZ_TARGETS)

fuzz-clean:
	rm -rf $(FUZZ_BUILD)

# Keep the targets' objects (make would delete them as intermediates).
.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_COMMON)

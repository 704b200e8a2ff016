# rovmon - passive BGP route-origin monitor.
#
#   make            build rovmon and rovctl into build/
#   make deps       install the Debian 12 packages the build and tests need
#   make demo       deps + build + run rovmon on the bundled capture
#   make check      deps + build + every test (unit, decoding, end-to-end,
#                   static analysis, the sanitizer build of unit and
#                   decoding tests, and the ThreadSanitizer build of the
#                   tests that start threads)
#   make asan       ASan+UBSan build in build-asan/ and its tests
#   make tsan       ThreadSanitizer build in build-tsan/ and the tests that
#                   start threads (those marked "tsan: yes")
#   make bench      performance figures (see docs/performance.md)
#
# BUILD selects the output directory; SAN adds sanitizer flags.

CC	?= cc
BUILD	?= build
PREFIX	?= /usr/local
SAN	?=

WARN	= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2 \
	  -Wno-format-nonliteral
OPT	?= -O2 -g
CPPFLAGS += -Iinclude -D_GNU_SOURCE
# Link-time optimisation of rovmon (issue 17): one UPDATE runs through
# bgp_frame.c, bgp_session.c, bgp_infer.c, bgp_update.c, bgp_attr.c,
# bgp_aspath.c, rovmon_loop.c and summary.c, and inlining across them cut
# a decode-only run of the full table by 7% of its CPU time (net 96.0 ->
# 89.5 ms, docs/performance.md).  Fat objects: rovctl and the unit tests
# link their ordinary code, with no LTO step.  gcc only (clang's needs
# llvm-ar and a linker plugin), not with sanitizers; LTO= turns it off.
CC_IS_GCC := $(shell $(CC) -v 2>&1 | grep -c '^gcc version')
LTO	?= $(if $(SAN),,$(if $(filter 1,$(CC_IS_GCC)),-flto=auto -ffat-lto-objects))
CFLAGS	+= -std=c11 $(OPT) $(WARN) $(SAN)
LDFLAGS	+= $(SAN)

# libnids is optional: the IPv4 reference engine (--engine=libnids).
HAVE_NIDS := $(shell test -f /usr/include/nids.h && echo 1)
ifeq ($(HAVE_NIDS),1)
CPPFLAGS += -DHAVE_LIBNIDS
NIDS_LIBS = -lnids
endif

# libcurl is not linked: src/base/curl_lazy.c loads it on first use (its
# headers are still needed, from libcurl4-openssl-dev).
# libmicrohttpd serves --metrics (src/rovmon/metrics_http.c).
MHD_LIBS := $(shell pkg-config --libs libmicrohttpd 2> /dev/null || echo -lmicrohttpd)
LIBS	= -lpcap -ljansson -lhiredis $(MHD_LIBS) $(NIDS_LIBS) -lm -lz -lbz2 -lpthread -ldl

# Every src/*/*.c except the programs' own files goes into one static
# library; each test links the library and takes only the objects it needs.
ROVMON_SRC = src/rovmon/rovmon.c src/rovmon/rovmon_options.c src/rovmon/rovmon_loop.c \
	     src/rovmon/control_answer.c
ROVCTL_SRC = src/rovctl/rovctl.c src/rovctl/rovctl_query.c src/rovctl/rovctl_gen.c \
	     src/rovctl/rovctl_aspa.c \
	     src/rovctl/rovctl_path.c src/rovctl/rovctl_control.c
MAINS	= $(ROVMON_SRC) $(ROVCTL_SRC)
LIBSRC	= $(filter-out $(MAINS) $(if $(HAVE_NIDS),,src/capture/reasm_nids.c),$(wildcard src/*/*.c))
LIBOBJ	= $(LIBSRC:src/%.c=$(BUILD)/obj/%.o)
LIB	= $(BUILD)/librovmon.a
HEADERS	= $(wildcard include/*/*.h)
PROGS	= $(BUILD)/rovmon $(if $(wildcard src/rovctl/rovctl.c),$(BUILD)/rovctl)

UNITSRC	= $(wildcard tests/unit/test_*.c)
UNITBIN	= $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)
# The unit tests that start threads (a line "tsan: yes"): the ones the
# ThreadSanitizer build runs; the others take minutes under it.
TSANSRC	= $(shell grep -l 'tsan: yes' $(UNITSRC))
TSANBIN	= $(TSANSRC:tests/unit/%.c=$(BUILD)/tests/%)
TSAN_FLAGS = BUILD=build-tsan OPT="-O1 -g" SAN="-fsanitize=thread"

.PHONY: all deps demo demo-leaks check test unit e2e asan tsan tsanbins bench clean install fuzz FORCE

all: $(PROGS)

$(BUILD)/obj/%.o: src/%.c $(HEADERS) | $(BUILD)/obj
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LTO) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(LIB): $(LIBOBJ)
	rm -f $@
	ar rcs $@ $^

# The installed rules directory is compiled into rovmon (src/rovmon/paths.c says
# how the default rules file is found); a stamp holding the value rebuilds
# rovmon_options.o when SYSCONFDIR changes.
SYSCONFDIR ?= /etc/rovmon
$(BUILD)/obj/rovmon/rovmon_options.o: CPPFLAGS += -DROVMON_SYSCONFDIR='"$(SYSCONFDIR)"'
$(BUILD)/obj/rovmon/rovmon_options.o: $(BUILD)/sysconfdir.stamp
$(BUILD)/sysconfdir.stamp: FORCE | $(BUILD)/obj
	@echo '$(SYSCONFDIR)' | cmp -s - $@ || echo '$(SYSCONFDIR)' > $@
FORCE:

$(BUILD)/rovmon: $(ROVMON_SRC:src/%.c=$(BUILD)/obj/%.o) $(LIB)
	$(CC) $(LDFLAGS) $(OPT) $(LTO) -o $@ $^ $(LIBS)

$(BUILD)/rovctl: $(ROVCTL_SRC:src/%.c=$(BUILD)/obj/%.o) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The unit tests' shared builders (tests/unit/builders.h) come from an
# archive of one object per group, so a test links a group, and what it
# calls, only when it uses it.
UNITLIB	= $(BUILD)/tests/libbuilders.a
UNITLIBOBJ = $(patsubst tests/unit/%.c,$(BUILD)/tests/%.o,$(wildcard tests/unit/builders*.c))
$(BUILD)/tests/%.o: tests/unit/%.c tests/unit/builders.h $(HEADERS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -c -o $@ $<
$(UNITLIB): $(UNITLIBOBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c tests/unit/builders.h $(UNITLIB) $(LIB) $(HEADERS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -o $@ $< $(UNITLIB) $(LIB) $(LIBS) -lcmocka

deps:
	@sh tests/deps.sh

# The demo: route events from a bundled capture of real speakers.
DEMO_PCAP ?= pcaps/ipv4-full.pcap
DEMO_VRPS ?= pcaps/demo-vrps.json
demo: deps
	@$(MAKE) --no-print-directory all
	@rm -f $(BUILD)/demo-routes.jsonl $(BUILD)/demo-alerts.json
	@echo "== rovmon -r $(DEMO_PCAP) --vrps $(DEMO_VRPS) --routes $(BUILD)/demo-routes.jsonl --alerts $(BUILD)/demo-alerts.json =="
	@$(BUILD)/rovmon -r $(DEMO_PCAP) --vrps $(DEMO_VRPS) \
	    --routes $(BUILD)/demo-routes.jsonl --alerts $(BUILD)/demo-alerts.json \
	    --sensor demo --stats $(BUILD)/demo-stats.json
	@echo "== $$(wc -l < $(BUILD)/demo-routes.jsonl) route events; one of each RPKI outcome =="
	@for s in '"valid"' '"invalid","reason":"as"' '"invalid","reason":"length"' '"not-found"'; do \
	    grep -m 1 -F "\"state\":$$s" $(BUILD)/demo-routes.jsonl; done
	@echo "== $$(wc -l < $(BUILD)/demo-alerts.json) alerts (rules/rovmon.rules: each INVALID and NOT_FOUND route once, and its resolution) by rule, then the first INVALID one =="
	@sed -n 's/.*"rule":"\([0-9:]*\)".*"msg":"\([^"]*\)".*/\1 \2/p' $(BUILD)/demo-alerts.json | sort | uniq -c
	@grep -m 1 '"sid":1000001' $(BUILD)/demo-alerts.json
	@echo "== statistics ($(BUILD)/demo-stats.json) =="
	@cat $(BUILD)/demo-stats.json
	@$(MAKE) --no-print-directory demo-leaks

# The second demo: route leaks (RFC 9234 roles and OTC) and ASPA, on a
# capture of ten real speakers with BGP roles around a monitored router R
# (pcaps/README.md, roles-otc.pcap) and hand-made ASPAs.
DEMO_LEAK_PCAP ?= pcaps/roles-otc.pcap
DEMO_ASPA ?= pcaps/roles-aspa.json
demo-leaks: all
	@rm -f $(BUILD)/demo-leak-routes.jsonl $(BUILD)/demo-leak-alerts.json
	@echo "== rovmon -r $(DEMO_LEAK_PCAP) --vrps $(DEMO_ASPA) --routes $(BUILD)/demo-leak-routes.jsonl --alerts $(BUILD)/demo-leak-alerts.json =="
	@$(BUILD)/rovmon -r $(DEMO_LEAK_PCAP) --vrps $(DEMO_ASPA) \
	    --routes $(BUILD)/demo-leak-routes.jsonl --alerts $(BUILD)/demo-leak-alerts.json \
	    --sensor demo --stats /dev/null
	@echo "== $$(grep -c '"event":"announce"' $(BUILD)/demo-leak-routes.jsonl) announcements: by the sender's role (learnt from the OPENs), its leak (RFC 9234 rule) and ASPA verdict =="
	@sed -n 's/.*"peer_role":\("[^"]*"\|null\).*"aspa":{"state":"\([a-z]*\)".*"leak":\(null\|{"rule":"[^"]*"\).*/\1 aspa=\2 leak=\3/p' \
	    $(BUILD)/demo-leak-routes.jsonl | sed 's/{"rule"://; s/"//g' | sort | uniq -c
	@echo "== $$(wc -l < $(BUILD)/demo-leak-alerts.json) alerts by rule =="
	@sed -n 's/.*"rule":"\([0-9:]*\)".*"msg":"\([^"]*\)".*/\1 \2/p' $(BUILD)/demo-leak-alerts.json | sort | uniq -c
	@echo "== R (AS65010) leaks its peer's route to its second provider P2 (AS65002): OTC on a route from a customer =="
	@grep -m 1 '"sid":1000009.*"prefix":"10.20.21.0/24"' $(BUILD)/demo-leak-alerts.json
	@echo "== the same UPDATE, sid 1000008: ASPA invalid there too (AS65030's ASPA does not name AS65010 as a provider) =="
	@grep -m 1 '"sid":1000008.*"prefix":"10.20.21.0/24"' $(BUILD)/demo-leak-alerts.json | \
	    sed 's/.*\("msg":"[^"]*"\).*\("aspa":{[^{]*{[^}]*}}\).*/{\1,...,\2,...}/'

# `make check` is what CI and the README run.  It re-enters make after
# deps so that optional libraries installed by deps are detected.
# tests/run.sh also runs the static analysis (tests/static/run.sh,
# cppcheck and clang-tidy): any finding fails the check.
check: deps
	@$(MAKE) --no-print-directory all unitbins
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    all unitbins
	@$(MAKE) --no-print-directory $(TSAN_FLAGS) all tsanbins
	@sh tests/run.sh build build-asan build-tsan

unitbins: $(UNITBIN)
tsanbins: $(TSANBIN)

test: all unitbins
	@sh tests/run.sh $(BUILD)

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test

# ThreadSanitizer: the sinks' workers, the VRP reloader and the Redis
# watcher; tests/run.sh runs only what is marked "tsan: yes" in a build
# directory named *tsan*, and fails on any report.
tsan:
	@$(MAKE) --no-print-directory $(TSAN_FLAGS) all tsanbins
	@sh tests/run.sh build-tsan

bench: all $(BUILD)/bench_rov $(BUILD)/bench_aspa $(BUILD)/bench_json $(BUILD)/bench_reval \
	    $(BUILD)/bench_bounds $(BUILD)/tests/test_rib
	@sh tests/bench.sh $(BUILD)

# make install [PREFIX=/usr/local] [DESTDIR=staging]: programs to sbin, man
# pages, the rules to /etc/rovmon (existing files are kept: they are the
# administrator's), the systemd unit and logrotate snippet as examples in
# share/doc/rovmon, or, for PREFIX=/usr, where systemd and logrotate look.
MANDIR	?= $(PREFIX)/share/man
DOCDIR	?= $(PREFIX)/share/doc/rovmon
UNITDIR	?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(DOCDIR))
LOGROTATEDIR ?= $(if $(filter /usr,$(PREFIX)),/etc/logrotate.d,$(DOCDIR))
INSTALL_RULES = rules/rovmon.rules rules/classification.config \
	rules/watchlist.rules.example
install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(SYSCONFDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(LOGROTATEDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/sbin/
	for f in $(INSTALL_RULES) docs/rovmon.conf.example; do \
	    [ -e $(DESTDIR)$(SYSCONFDIR)/$${f##*/} ] || \
	    install -m 644 $$f $(DESTDIR)$(SYSCONFDIR)/ || exit 1; done
	install -m 644 docs/rovmon.8 docs/rovctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 docs/rovmon.rules.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 docs/rovmon.conf.example $(DESTDIR)$(DOCDIR)/
	install -m 644 docs/deploy/rovmon.service $(DESTDIR)$(UNITDIR)/
	install -m 644 docs/deploy/rovmon.logrotate \
	    $(DESTDIR)$(LOGROTATEDIR)/$(if $(filter /usr,$(PREFIX)),rovmon,rovmon.logrotate)

clean:
	rm -rf build build-asan build-tsan

# ROV index benchmark (tests/bench.sh): build/bench_rov FILE
$(BUILD)/bench_rov: tests/bench_rov.c $(LIB) $(HEADERS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LIBS)
# ASPA hop index and path verification on real paths (tests/bench.sh)
$(BUILD)/bench_aspa: tests/bench_aspa.c $(LIB) $(HEADERS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LIBS)
# Re-validation of a route-server-size RIB after a VRP change (tests/bench.sh)
$(BUILD)/bench_reval: tests/bench_reval.c $(LIB) $(HEADERS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LIBS)
# Route-event formatting, direct against jansson (tests/bench.sh)
$(BUILD)/bench_json: tests/bench_json.c $(LIB) $(HEADERS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB) $(LIBS)
# The machine's memory latency, parallelism and bandwidths (tests/bench.sh)
$(BUILD)/bench_bounds: tests/bench_bounds.c
	@mkdir -p $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<
include tests/fuzz/fuzz.mk

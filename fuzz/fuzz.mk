# fuzz/fuzz.mk - libFuzzer targets for the parsers (see fuzz/README.md).
# Included from the top Makefile; every name here starts with FUZZ_ or
# fuzz- so that nothing of the main build is redefined.
#
#   make fuzz-build            build/fuzz/fuzz_{smaps,protocol,results,defs}
#   make fuzz-smoke            each target FUZZ_SECONDS (30) on a copy of its corpus
#   make -j2 fuzz-long         each 600 s, then merge new inputs into fuzz/corpus/
#   make fuzz-cmin             rewrite each fuzz/corpus/TARGET minimised (-merge=1)
#   make fuzz-smoke-results    one target (also fuzz-long-TARGET, fuzz-cmin-TARGET)

# The default goal stays the top Makefile's, wherever this is included.
FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_LONG_SECONDS ?= 600
FUZZ_DIR = build/fuzz
FUZZ_TARGETS = smaps protocol results defs
FUZZ_CJSON_CFLAGS := $(shell pkg-config --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)
FUZZ_CJSON_LIBS := $(shell pkg-config --libs libcjson 2>/dev/null || echo -lcjson)
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -g -O1 $(FUZZ_SAN) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra \
	-Iharness -Ifuzz $(FUZZ_CJSON_CFLAGS)
FUZZ_LIBS = $(FUZZ_CJSON_LIBS) -lpthread -lm

# The harness sources each target links: the parser and what it calls.
FUZZ_SRC_smaps = harness/procmem.c
FUZZ_RESULTS_MODEL = harness/results.c harness/results_json.c harness/cellscan.c harness/jsonutil.c \
	harness/keymap.c harness/textfmt.c harness/stats.c harness/util.c harness/journal.c harness/views.c \
	harness/probe.c
FUZZ_SRC_protocol = harness/protocol.c $(FUZZ_RESULTS_MODEL)
FUZZ_SRC_results = $(FUZZ_RESULTS_MODEL)
FUZZ_SRC_defs = harness/catalog.c harness/spawn.c harness/guard.c harness/cgroup.c \
	harness/reaper.c harness/procmem.c $(FUZZ_RESULTS_MODEL)

# Extra libFuzzer flags per target (fuzz/run adds fuzz/dict/TARGET.dict).
# smaps: real files are 50 KB, but every rule shows within 16 KB (lines
# over 512 bytes, many records), and smaller inputs run 10x faster.
FUZZ_OPTS_smaps = -max_len=16384

FUZZ_BINS = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

.PHONY: fuzz-build fuzz-smoke fuzz-long fuzz-cmin
fuzz-build: $(FUZZ_BINS)
fuzz-smoke: $(FUZZ_TARGETS:%=fuzz-smoke-%)
fuzz-long: $(FUZZ_TARGETS:%=fuzz-long-%)
fuzz-cmin: $(FUZZ_TARGETS:%=fuzz-cmin-%)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

# fuzz-cmin-T: the smallest set of T's corpus files that keeps its coverage;
# regression inputs (regress-*, inputs that once crashed) are always kept.
define FUZZ_TARGET_RULES
$(FUZZ_DIR)/fuzz_$(1): $(FUZZ_DIR)/obj/fuzz/fuzz_$(1).o $(FUZZ_SRC_$(1):%.c=$(FUZZ_DIR)/obj/%.o)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $$^ $$(FUZZ_LIBS)
.PHONY: fuzz-smoke-$(1) fuzz-long-$(1) fuzz-cmin-$(1)
fuzz-smoke-$(1): $(FUZZ_DIR)/fuzz_$(1)
	FUZZ_FLAGS="$$(FUZZ_OPTS_$(1)) $$(FUZZ_FLAGS)" \
	fuzz/run $$< fuzz/corpus/$(1) $(FUZZ_DIR)/run/$(1) $$(FUZZ_SECONDS)
fuzz-long-$(1): $(FUZZ_DIR)/fuzz_$(1)
	FUZZ_FLAGS="$$(FUZZ_OPTS_$(1)) $$(FUZZ_FLAGS)" \
	fuzz/run $$< fuzz/corpus/$(1) $(FUZZ_DIR)/long/$(1) $$(FUZZ_LONG_SECONDS) merge
fuzz-cmin-$(1): $(FUZZ_DIR)/fuzz_$(1)
	rm -rf $(FUZZ_DIR)/cmin/$(1) && mkdir -p $(FUZZ_DIR)/cmin/$(1)
	$$< -merge=1 -rss_limit_mb=2048 $$(FUZZ_OPTS_$(1)) $(FUZZ_DIR)/cmin/$(1) fuzz/corpus/$(1) >$(FUZZ_DIR)/cmin/$(1).log 2>&1
	rm -rf $(FUZZ_DIR)/cmin/$(1).old && mv fuzz/corpus/$(1) $(FUZZ_DIR)/cmin/$(1).old
	mv $(FUZZ_DIR)/cmin/$(1) fuzz/corpus/$(1)
	cp -p $(FUZZ_DIR)/cmin/$(1).old/regress-* fuzz/corpus/$(1)/ 2>/dev/null || true
	@echo "fuzz/corpus/$(1): $$$$(ls fuzz/corpus/$(1) | wc -l) files, $$$$(du -sh fuzz/corpus/$(1) | cut -f1)"
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_TARGET_RULES,$(t))))

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

.DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)

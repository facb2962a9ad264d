# objmem - build, test, run. Plain GNU make, no autotools.
#
#   make            build ./objmem
#   make check      build and run every test (unit + end-to-end)
#   make run        install what is missing (as root), build, run the default matrix
#   make deps       install the Debian packages the build and tests need
#   make SANITIZE=address,undefined check   the same under sanitizers
#   make valgrind   a valgrind subset;  make fuzz-smoke   30 s of each fuzz target
#   make install PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config

WARNINGS = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wvla -Wwrite-strings -fno-common -Wshadow -Wformat=2
CJSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)
CJSON_LIBS   := $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)
# libcurl: its header at build time; the library itself is loaded when a URL
# is first read or sent (fetch.c), so commands that touch no network start fast

comma := ,
FLAVOR = default
SAN_FLAGS =
ifneq ($(strip $(SANITIZE)),)
  ifneq ($(filter-out address undefined thread,$(subst $(comma), ,$(SANITIZE))),)
    $(error SANITIZE takes address, undefined, address,undefined or thread, not '$(SANITIZE)')
  endif
  FLAVOR = san-$(subst $(comma),-,$(SANITIZE))
  # gcc leaves float-cast-overflow out of undefined: a double out of an
  # integer's range (1e308 read as a count) must stop the run too
  SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all \
	      $(if $(filter undefined,$(subst $(comma), ,$(SANITIZE))),-fsanitize=float-cast-overflow)
endif

ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) $(CJSON_CFLAGS) -Iharness
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)
LIBS = $(CJSON_LIBS) -ldl -lpthread -lm

BUILD = build/$(FLAVOR)
HARNESS_SRC = $(sort $(wildcard harness/*.c))
LIB_SRC = $(filter-out harness/main.c,$(HARNESS_SRC))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_SUPPORT_OBJ = $(BUILD)/tests/unit/unit.o
DEPFILES = $(shell find $(BUILD) -name '*.d' 2>/dev/null)

.PHONY: all check unit e2e run deps install clean interpreters bench help shell-docs
# Objects of the test binaries are kept: make would otherwise delete them
# after the tests ran, and its "rm" line would follow the tally.
.SECONDARY:
# ./objmem is the default build; a sanitizer build stays in its own directory.
ifeq ($(FLAVOR),default)
all: objmem
else
all: $(BUILD)/objmem
endif

define HELP_TEXT
objmem - build, test, run

  make            build ./objmem
  make check      build and run every test (unit + end-to-end); the last line is the tally
  make run        install what is missing (as root), build, run the default matrix
  make deps       install the Debian packages the build and tests need
  make interpreters [PROVISION_ARGS="NAME..."]   provision interpreter builds
  make SANITIZE=address,undefined check   the same under sanitizers
  make valgrind   a valgrind subset;  make fuzz-smoke   30 s of each fuzz target
  make bench      benchmarks that print tables
  make install PREFIX=/usr/local DESTDIR=   the binary, workloads, templates,
                  interpreter definitions, provisioning tools, man page objmem(1)
                  and bash and zsh completion
endef
export HELP_TEXT

help:
	@printf '%s\n' "$$HELP_TEXT"

objmem: $(BUILD)/objmem
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/objmem: $(BUILD)/harness/main.o $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libobjmem.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UNIT_SUPPORT_OBJ) $(BUILD)/libobjmem.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcunit $(LIBS)

unit: $(UNIT_BIN)

# Every test: unit binaries, then end-to-end scripts; the last line is
# "N passed, N failed".
check: all $(UNIT_BIN)
	OBJMEM=$(CURDIR)/$(BUILD)/objmem OBJMEM_FLAVOR=$(FLAVOR) tests/run-tests $(UNIT_BIN)

e2e: all
	OBJMEM=$(CURDIR)/$(BUILD)/objmem OBJMEM_FLAVOR=$(FLAVOR) tests/run-tests --e2e-only

deps:
	scripts/install-deps

run: deps
	$(MAKE) objmem
	./objmem run --preset default -o results/latest.json

# Build or install interpreter builds (see interpreters/README.md):
#   make interpreters PROVISION_ARGS="cpython-3.13 pypy3"
interpreters: all
	./interpreters/provision $(PROVISION_ARGS)

bench: objmem
	BUILD=$(BUILD) bench/run

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libobjmem.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Everything objmem reads at run time lives under PREFIX/share/objmem, where
# it looks when it is not run from the source tree. Each step fails loudly.
SHARE = $(DESTDIR)$(PREFIX)/share/objmem
INSTALL_RECIPES = $(wildcard interpreters/recipes/*.recipe)
INSTALL_PROVISION_LIB = $(wildcard interpreters/lib/*.sh)

# INSTALL_BIN: the binary to install (tests install the one they test).
INSTALL_BIN ?= objmem

# The man page and the completion, made from the help texts of the binary
# installed (scripts/shell-docs), so they say what it says.
SHELL_DOCS = $(BUILD)/shell-docs
$(SHELL_DOCS)/objmem.1: $(INSTALL_BIN) scripts/shell-docs
	scripts/shell-docs $(abspath $(INSTALL_BIN)) $(SHELL_DOCS)
shell-docs: $(SHELL_DOCS)/objmem.1

install: $(INSTALL_BIN) $(SHELL_DOCS)/objmem.1
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/workloads/ext $(SHARE)/plots \
		$(SHARE)/interpreters/recipes $(SHARE)/interpreters/lib $(SHARE)/docs \
		$(DESTDIR)$(PREFIX)/share/doc/objmem $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 644 $(SHELL_DOCS)/objmem.1 $(DESTDIR)$(PREFIX)/share/man/man1/objmem.1
	install -m 644 $(SHELL_DOCS)/objmem.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/objmem
	install -m 644 $(SHELL_DOCS)/_objmem $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_objmem
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/objmem
	install -m 644 workloads/*.py $(SHARE)/workloads/
	install -m 644 workloads/ext/* $(SHARE)/workloads/ext/
	install -m 644 plots/*.gp plots/README.md $(SHARE)/plots/
	install -m 644 docs/layout.md $(SHARE)/docs/
	install -m 644 LICENSE README.md $(DESTDIR)$(PREFIX)/share/doc/objmem/
	install -m 644 interpreters/*.json interpreters/README.md $(SHARE)/interpreters/
	install -m 755 interpreters/provision interpreters/write-definition $(SHARE)/interpreters/
	$(if $(INSTALL_RECIPES),install -m 644 $(INSTALL_RECIPES) $(SHARE)/interpreters/recipes/)
	$(if $(INSTALL_PROVISION_LIB),install -m 644 $(INSTALL_PROVISION_LIB) $(SHARE)/interpreters/lib/)

clean:
	rm -rf build objmem

-include $(DEPFILES)

# libFuzzer targets: make fuzz-build, fuzz-smoke (FUZZ_SECONDS=30), fuzz-long (see fuzz/README.md)
include fuzz/fuzz.mk

# valgrind cannot run a sanitizer build: it uses the default one
.PHONY: valgrind
valgrind: objmem unit
	OBJMEM=$(CURDIR)/objmem OBJMEM_BUILD=$(BUILD) tests/valgrind-subset

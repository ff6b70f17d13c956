# attackkb: one plain GNU Makefile. `make help` lists the targets.
PKGS     := sqlite3 jansson yaml-0.1 libgit2 libcmark-gfm zlib
B        ?= build
PREFIX   ?= /usr/local
CFLAGS   ?= -O2 -g
KB_FLAGS := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers -pthread
CPPFLAGS += -I. -I$(B)/gen -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libgit2 is not linked: parser/git2load.c loads it when a command needs it.
# The other libraries are linked statically (Debian's own .a files): a
# command then starts without mapping and relocating six shared objects,
# about a tenth of what `show` or `search` costs (docs/benchmarks.md). A
# distribution that rebuilds on library updates may prefer SHARED_LIBS=1.
DEP_LIBS := -lcmark-gfm-extensions $(shell pkg-config --libs $(filter-out libgit2,$(PKGS)) 2>/dev/null)
ifeq ($(SHARED_LIBS),1)
LDLIBS   += -Wl,--as-needed $(DEP_LIBS) -lpthread
else
LDLIBS   += -Wl,-Bstatic $(DEP_LIBS) -Wl,-Bdynamic -lm -lpthread
endif
MAINS    := cli/main.c web/main.c web/fcgi_main.c
LIB_SRC  := $(filter-out $(MAINS),$(wildcard kb/*.c parser/*.c export/*.c web/*.c cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/queries.o $(B)/obj/gen/sql.o
LIB_OBJ  += $(B)/obj/gen/assets.o
TEST_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard tests/*.c))
QUERIES  := $(sort $(wildcard queries/*.sql))

all: $(B)/attackkb
all: $(B)/attackkb.cgi
all: $(B)/attackkb.fcgi

$(B)/libkb.a: $(LIB_OBJ)
	$(AR) rcs $@ $^
$(B)/attackkb: $(B)/obj/cli/main.o $(B)/libkb.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(B)/attackkb.cgi: $(B)/obj/web/main.o $(B)/libkb.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# The same pages as a FastCGI application (libfcgi, started by spawn-fcgi).
$(B)/attackkb.fcgi: $(B)/obj/web/fcgi_main.o $(B)/libkb.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lfcgi
$(B)/check_all: $(TEST_OBJ) $(B)/libkb.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs check libgit2)
$(B)/obj/tests/%.o: CPPFLAGS += $(shell pkg-config --cflags check)
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(KB_FLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<
$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(KB_FLAGS) $(CFLAGS) -c -o $@ $<
# The named queries are commented .sql files, compiled into the binary.
$(B)/gen/queries.c: $(QUERIES) $(wildcard queries/include/*.sql) scripts/embed-queries.sh
	@mkdir -p $(@D)
	sh scripts/embed-queries.sh $(QUERIES) > $@.tmp && mv $@.tmp $@

$(B)/gen/sql.c: kb/schema.sql kb/views.sql scripts/embed-text.sh
	@mkdir -p $(@D)
	{ sh scripts/embed-text.sh kb_schema_sql kb/schema.sql kb_views_sql kb/views.sql && \
	  printf 'const char kb_schema_id[] = "%s";\n' \
	    "$$(cat kb/schema.sql kb/views.sql | sha256sum | cut -c1-16)"; } > $@.tmp && mv $@.tmp $@

# The web page's stylesheet, compiled into attackkb.cgi.
$(B)/gen/assets.c: web/style.css scripts/embed-text.sh
	@mkdir -p $(@D)
	sh scripts/embed-text.sh assets_style_css web/style.css > $@.tmp && mv $@.tmp $@

deps:
	@sh scripts/deps.sh build

# The end-to-end tests need lighttpd, curl, spawn-fcgi, chromium and wrk.
deps-web:
	@sh scripts/deps.sh web

check: deps deps-web lint-deps
	$(MAKE) --no-print-directory all $(B)/check_all
	cd tests && ATTACKKB=../$(B)/attackkb ../$(B)/check_all

# ASan and UBSan make the code 2-3 times slower: so are Check's timeouts.
asan: deps
	CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-3} \
	$(MAKE) --no-print-directory B=build-asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" check

# The integration paths under valgrind memcheck (scripts/valgrind.sh).
valgrind: deps
	@sh scripts/deps.sh valgrind
	$(MAKE) --no-print-directory all
	sh scripts/valgrind.sh $(B)

DEMO_DATA := data/attack/enterprise-attack-18.1.json.gz data/attack/mobile-attack-18.1.json.gz data/attack/ics-attack-18.1.json.gz
demo: deps
	$(MAKE) --no-print-directory all
	$(B)/attackkb --db attack.db ingest $(DEMO_DATA)
	$(B)/attackkb --db attack.db stats
	@echo; echo '$$ attackkb show T1136'
	$(B)/attackkb --db attack.db show T1136 | head -40
	@echo; echo '$$ attackkb query mitigations-for T1136'
	$(B)/attackkb --db attack.db query mitigations-for T1136
	@echo; echo '$$ attackkb search "create account"'
	$(B)/attackkb --db attack.db search --limit 8 "create account"

bench: deps
	@sh scripts/deps.sh bench web
	$(MAKE) --no-print-directory all
	sh scripts/bench.sh $(B)

# libFuzzer harnesses under ASan and UBSan (clang): make fuzz FUZZ_SECONDS=N
FUZZ_SECONDS ?= 60
FUZZ_HARNESS := $(patsubst fuzz/%.c,build-fuzz/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_ONLY    ?=
fuzz:
	@sh scripts/deps.sh fuzz
	$(MAKE) --no-print-directory B=build-fuzz CC=clang \
	  CFLAGS="-O1 -g -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all" \
	  $(FUZZ_HARNESS)
	sh scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_ONLY)
$(B)/fuzz_%: $(B)/obj/fuzz/fuzz_%.o $(B)/libkb.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# lighttpd on 127.0.0.1:8080 serving the demo store (make demo builds it);
# Ctrl-C stops it. PORT=N for another port.
PORT ?= 8080
serve: deps
	$(MAKE) --no-print-directory all
	@test -f attack.db || $(MAKE) --no-print-directory demo
	@echo "attackkb: http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	PORT=$(PORT) CGI=$(B)/attackkb.cgi ATTACKKB_DB=$(CURDIR)/attack.db \
	  sh tests/web-server.sh run $(B)/serve

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/attackkb $(DESTDIR)$(PREFIX)/bin/attackkb
	install -m 644 docs/attackkb.1 $(DESTDIR)$(PREFIX)/share/man/man1/attackkb.1

format:
	clang-format -i $(wildcard kb/*.[ch] parser/*.[ch] export/*.[ch] web/*.[ch] cli/*.[ch] tests/*.[ch])

# Each third-party library is used by one module only.
lint-deps:
	@sh scripts/lint-deps.sh

clean:
	rm -rf $(B) build-asan build-fuzz

help:
	@echo "targets: all check asan valgrind demo serve bench fuzz install format lint-deps clean"

.PHONY: all deps deps-web check asan valgrind demo serve bench fuzz install format lint-deps clean help
-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(B)/obj/cli/main.d
-include $(B)/obj/web/main.d $(B)/obj/web/fcgi_main.d

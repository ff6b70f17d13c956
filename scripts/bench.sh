#!/bin/sh
# scripts/bench.sh BUILD: measure the performance targets of
# docs/benchmarks.md (make bench), each side by side in one hyperfine run.
# Each feature measures in a function of its own; BENCH="ingest queries"
# picks some (default: all). Tables go to BUILD/bench/, figures to stdout.
# The enterprise 17.1 bundle is read from $ATTACKKB_SHARED/data/attack
# (default ../shared, beside the clone); a function that needs it says so
# and skips when it is not there.
set -eu
B=${1:-build}
BIN=$(cd "$B" && pwd)/attackkb
SHARED=${ATTACKKB_SHARED:-../shared}
AKB=$BIN
top=$(cd "$(dirname "$0")/.." && pwd)
BABS=$(cd "$B" && pwd)
OUT=$B/bench
DATA=data/attack
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/attackkb-bench-XXXXXX)
WORK=$TMP
ENTERPRISE=data/attack/enterprise-attack-18.1.json.gz
failed=0
trap 'rm -rf "$TMP"' EXIT

# Mean seconds of a hyperfine run exported to $1; the fastest run; the
# mean CPU seconds (user + system). On a shared machine the fastest run
# and the CPU time are the steadier figures.
mean() {
	jq -r '.results[0].mean' "$1"
}

fastest() {
	jq -r '.results[0].min' "$1"
}

cpu() {
	jq -r '.results[0].user + .results[0].system' "$1"
}

# "NAME: mean, fastest, cpu" of run $2, and its ratios to run $3 if given.
report() {
	printf '  %-38s mean %.3f  fastest %.3f  cpu %.3f' "$1" \
		"$(mean "$2")" "$(fastest "$2")" "$(cpu "$2")"
	if [ $# -ge 3 ]; then
		printf '  (x%s fastest, x%s cpu)' \
			"$(ratio "$(fastest "$2")" "$(fastest "$3")")" \
			"$(ratio "$(cpu "$2")" "$(cpu "$3")")"
	fi
	echo
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

size_of() {
	stat -c %s "$1"
}

# mean_ms NAME LIMIT_MS CMD...: run CMD with hyperfine (warm cache), print a
# Markdown row "| NAME | mean | max | cpu | limit | ok |" (wall-clock mean
# and max, mean user + system time; ms), note failures of the mean.
mean_ms() {
	name=$1
	limit=$2
	shift 2
	hyperfine -N -w 3 -r "${RUNS:-20}" --export-json "$WORK/h.json" "$*" \
		>/dev/null 2>&1
	mean=$(jq '.results[0].mean * 1000 | . * 10 | round / 10' "$WORK/h.json")
	max=$(jq '.results[0].max * 1000 | . * 10 | round / 10' "$WORK/h.json")
	cpu=$(jq '(.results[0].user + .results[0].system) * 1000 | . * 10 |
		round / 10' "$WORK/h.json")
	ok=yes
	if awk -v m="$mean" -v l="$limit" 'BEGIN { exit !(m > l) }'; then
		ok=NO
		failed=1
	fi
	printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$mean" "$max" "$cpu" \
		"$limit" "$ok"
}

# A store with the three shipped domains, for the query benchmarks.
store() {
	if [ ! -f "$OUT/all.db" ]; then
		"$AKB" -q --db "$OUT/all.db" ingest "$DATA"/*-attack-18.1.json.gz
	fi
}

# Issue 2: ingest of the enterprise bundle vs jq merely parsing it; peak
# memory of the ingest.
bench_ingest() {
	plain=$OUT/enterprise-attack-18.1.json
	[ -f "$plain" ] || gunzip -c "$DATA/enterprise-attack-18.1.json.gz" >"$plain"
	db=$OUT/ingest.db
	hyperfine --warmup 1 --runs 7 --export-markdown "$OUT/ingest.md" \
		--prepare "rm -f $db $db-wal $db-shm" \
		-n "jq '.objects|length'" "jq '.objects|length' $plain" \
		-n "attackkb ingest (new store)" "$AKB -q --db $db ingest $plain"
	rm -f "$db" "$db-wal" "$db-shm"
	/usr/bin/time -f "peak memory of attackkb ingest: %M KiB" \
		"$AKB" -q --db "$db" ingest "$plain" 2>&1 | tee "$OUT/ingest-memory.txt"
}

# Issue 2: whole-process latency of show and search (target: median
# <= 5 ms); hyperfine's table gives means, the medians follow it.
bench_queries() {
	store
	hyperfine -N --warmup 5 --runs 100 --export-markdown "$OUT/queries.md" \
		--export-json "$WORK/queries.json" \
		-n "attackkb show T1136" "$AKB --db $OUT/all.db show T1136" \
		-n "attackkb search \"create account\"" \
		"$AKB --db $OUT/all.db search \"create account\"" \
		-n "attackkb sql \"SELECT 1\" (open + schema)" \
		"$AKB --db $OUT/all.db sql \"SELECT 1\"" \
		-n "attackkb show T1086 (revoked)" \
		"$AKB --db $OUT/all.db show T1086" \
		-n "attackkb show DC0001 (data component)" \
		"$AKB --db $OUT/all.db show DC0001"
	jq -r '.results[] | "  median \(.median * 10000 | round / 10) ms, " +
		"user \(.user * 10000 | round / 10), system " +
		"\(.system * 10000 | round / 10): \(.command)"' \
		"$WORK/queries.json" | tee -a "$OUT/queries.md"
}

# Issue 3: a generated vault of 2,600 seed-format notes (every live
# enterprise object but the matrix): ingest into a store holding the
# enterprise bundle, re-ingest unchanged, vault-check.
bench_notes() {
	if [ ! -f "$OUT/ent.db" ]; then
		"$AKB" -q --db "$OUT/ent.db" ingest "$DATA"/enterprise-attack-18.1.json.gz
	fi
	if [ ! -d "$OUT/vault" ]; then
		python3 scripts/gen-vault.py "$AKB" "$OUT/ent.db" "$OUT/vault"
	fi
	hyperfine -N --runs 10 --export-markdown "$OUT/notes.md" \
		--prepare "cp $OUT/ent.db $OUT/notes.db" \
		-n "ingest VAULT (2,600 notes) over enterprise" \
		"$AKB -q --db $OUT/notes.db ingest $OUT/vault" \
		--prepare "true" \
		-n "vault-check VAULT" \
		"$AKB -q --db $OUT/ent.db vault-check $OUT/vault"
	cp "$OUT/ent.db" "$OUT/notes.db"
	"$AKB" -q --db "$OUT/notes.db" ingest "$OUT/vault"
	hyperfine -N --warmup 2 --runs 20 --export-markdown "$OUT/notes-again.md" \
		-n "re-ingest VAULT unchanged" \
		"$AKB -q --db $OUT/notes.db ingest $OUT/vault"
}

# --- git, history and diff (issue 5) --------------------------------------
# Per-object git ingest vs the bundle file; a second release into a store
# vs the first; diff of two stored enterprise releases; history of one
# object; store size with two releases vs one.
bench_gitdiff() {
	e17="$SHARED/data/attack/enterprise-attack-17.1.json"
	e18="$SHARED/data/attack/enterprise-attack-18.1.json"
	[ -f "$e18" ] || e18=data/attack/enterprise-attack-18.1.json.gz
	if [ ! -f "$e17" ]; then
		echo "gitdiff: $e17 is missing; skipped"
		return 0
	fi
	if [ "${e18%.gz}" != "$e18" ]; then
		gunzip -c "$e18" > "$TMP/enterprise-attack-18.1.json"
		e18="$TMP/enterprise-attack-18.1.json"
	fi
	echo "gitdiff: building a mitre/cti-shaped repository of 17.1 and 18.1"
	python3 scripts/make-cti-repo.py "$TMP/cti" "$e17" "$e18"
	h="hyperfine --style basic --runs 7 --warmup 1"

	$h --prepare "rm -f $TMP/b.db*" --export-json "$TMP/bundle.json" \
		"$BIN -q --db $TMP/b.db ingest $e17"
	$h --prepare "rm -f $TMP/g.db*" --export-json "$TMP/objects.json" \
		"$BIN -q --db $TMP/g.db ingest --git $TMP/cti --ref ATT\\&CK-v17.1 --per-object"
	$h --prepare "rm -f $TMP/g.db*" --export-json "$TMP/gitbundle.json" \
		"$BIN -q --db $TMP/g.db ingest --git $TMP/cti --ref ATT\\&CK-v17.1"
	# A second release: 18.1 into a store holding 17.1 (a fresh copy of
	# b.db each run) against 17.1 into an empty store.
	$h --prepare "rm -f $TMP/s.db*; cp $TMP/b.db $TMP/s.db" \
		--export-json "$TMP/second.json" \
		"$BIN -q --db $TMP/s.db ingest $e18"
	$h --prepare "rm -f $TMP/one.db*" --export-json "$TMP/first18.json" \
		"$BIN -q --db $TMP/one.db ingest $e18"
	hyperfine --style basic --warmup 2 --runs 10 \
		--export-json "$TMP/diff.json" \
		"$BIN --db $TMP/s.db diff 17.1 18.1 > /dev/null"
	hyperfine --style basic -N --warmup 5 --runs 50 \
		--export-json "$TMP/history.json" \
		"$BIN --db $TMP/s.db history T1066"

	one=$(size_of "$TMP/one.db")
	two=$(size_of "$TMP/s.db")
	echo
	echo "gitdiff results (seconds)"
	report "ingest 17.1 bundle file" "$TMP/bundle.json"
	report "ingest 17.1 git per-object (<= 1.5x)" "$TMP/objects.json" \
		"$TMP/bundle.json"
	report "ingest 17.1 git bundle blob" "$TMP/gitbundle.json" \
		"$TMP/bundle.json"
	report "18.1 into a store with 17.1 (<= 1.2x)" "$TMP/second.json" \
		"$TMP/bundle.json"
	report "18.1 into an empty store" "$TMP/first18.json"
	report "diff 17.1 18.1, stored (<= 1 s)" "$TMP/diff.json"
	report "history T1066 (<= 0.010 s)" "$TMP/history.json"
	echo "  store, 18.1 alone:                     $one bytes"
	echo "  store, 17.1 + 18.1:                    $two bytes ($(ratio "$two" "$one")x)"
	echo "  ten releases, growing as 17.1 -> 18.1: $((one + 9 * (two - one))) bytes ($(ratio $((one + 9 * (two - one))) "$one")x; target <= 3)"
}

# Detections (issue 7): importing 3,000 Sigma rules <= 1 s; each coverage
# query <= 50 ms, whole process, on the full Enterprise store with those
# rules and the real Sigma and CAR fixtures imported.
bench_detections() {
	db=$WORK/detections.db
	corpus=$WORK/sigma-3000
	echo "## Detections: import and coverage queries"
	echo
	"$BIN" -q --db "$db" ingest "$ENTERPRISE" \
		tests/fixtures/detections/sigma tests/fixtures/detections/car
	sh scripts/make-sigma-corpus.sh "$corpus" 375 >/dev/null
	printf '# collected\nWinEventLog:Sysmon EventCode=1\n' >"$WORK/sources.txt"
	printf 'WinEventLog:Security EventCode=4688, 4624\n' >>"$WORK/sources.txt"
	printf 'auditd:SYSCALL execve\nNSM:Flow\n' >>"$WORK/sources.txt"
	echo "| what | mean ms | max ms | cpu ms | limit ms | ok |"
	echo "|---|---|---|---|---|---|"
	RUNS=5 mean_ms "ingest 3,000 Sigma rules (a set replaced each run)" \
		1000 "$BIN" -q --db "$db" ingest --set corpus "$corpus"
	for q in "coverage" "coverage --by platform" "coverage --by technique" \
		"coverage --rollup" "gaps" \
		"mitigation-priorities" "mitigation-priorities --by technique" \
		"mitigation-priorities --group APT29" "detected-not-mitigated" \
		"mitigated-not-detected" "group-exposure APT29" \
		"feasible --log-sources $WORK/sources.txt" \
		"feasible --by platform --log-sources $WORK/sources.txt"; do
		mean_ms "$(echo "$q" | sed "s|$WORK/||")" 50 \
			"$BIN" -q --db "$db" $q
	done
	# Writing a Navigator layer runs a per-technique query besides the
	# one printed, and builds the JSON: a budget of its own.
	for q in "coverage --layer $WORK/layer.json" \
		"gaps --layer $WORK/layer.json"; do
		mean_ms "$(echo "$q" | sed "s|$WORK/||") (layer export)" 100 \
			"$BIN" -q --db "$db" $q
	done
	echo
}

# Peak resident memory of a command, in MiB.
peak_mib() {
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 |
		awk '{ printf "%.1f", $1 / 1024 }'
}

# A store holding the shipped Enterprise v18.1 (made once).
enterprise_store() {
	if [ ! -f "$WORK/enterprise.db" ]; then
		"$BIN" -q --db "$WORK/enterprise.db" ingest \
			"$DATA/enterprise-attack-18.1.json.gz"
	fi
	echo "$WORK/enterprise.db"
}

# Obsidian vault (attackkb export obsidian): the full Enterprise v18.1
# vault into a new folder <= 0.5 s; re-export with no change <= 0.2 s;
# peak memory <= 100 MiB. Each full export goes to a folder of its own
# (deleting the previous one first would time the file system's clean-up).
bench_obsidian() {
	db=$(enterprise_store)
	echo "== obsidian: export obsidian of Enterprise v18.1"
	hyperfine --warmup 1 --runs 10 --export-json "$WORK/full.json" \
		"$BIN --db $db export obsidian $WORK/full-\$(date +%s%N)"
	# The same in memory (tmpfs), to tell the program from the disk.
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		shm=$(mktemp -d /dev/shm/attackkb-bench-XXXXXX)
		hyperfine --warmup 1 --runs 10 --export-json "$WORK/shm.json" \
			"$BIN --db $db export obsidian $shm/full-\$(date +%s%N)"
		rm -rf "$shm"
	fi
	"$BIN" --db "$db" export obsidian "$WORK/vault" >/dev/null
	hyperfine --warmup 2 --runs 20 --export-json "$WORK/again.json" \
		"$BIN --db $db export obsidian $WORK/vault"
	full=$(jq '.results[0].median' "$WORK/full.json")
	full_min=$(jq '.results[0].min' "$WORK/full.json")
	full_cpu=$(jq '.results[0].user + .results[0].system' "$WORK/full.json")
	again=$(jq '.results[0].median' "$WORK/again.json")
	mem_full=$(peak_mib "$BIN" --db "$db" export obsidian "$WORK/mem")
	mem_again=$(peak_mib "$BIN" --db "$db" export obsidian "$WORK/mem")
	printf '%-34s %8s %8s\n' "obsidian" "measured" "target"
	printf '%-34s %7.3fs %8s\n' "full vault (2994 files), median" \
		"$full" "0.5s"
	printf '%-34s %7.3fs\n' "  fastest run" "$full_min"
	printf '%-34s %7.3fs\n' "  CPU time (user + system), mean" \
		"$full_cpu"
	if [ -f "$WORK/shm.json" ]; then
		printf '%-34s %7.3fs\n' "  into tmpfs, median" \
			"$(jq '.results[0].median' "$WORK/shm.json")"
	fi
	printf '%-34s %7.3fs %8s\n' "re-export, nothing changed, median" \
		"$again" "0.2s"
	printf '%-34s %5sMiB %8s\n' "peak memory, full vault" "$mem_full" \
		"100MiB"
	printf '%-34s %5sMiB %8s\n' "peak memory, re-export" "$mem_again" \
		"100MiB"
	echo "cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# The web page (issue 6): median latency of search and object pages through
# lighttpd as CGI, requests per second at 20 connections (wrk, 10 s) for
# CGI and FastCGI. A store of the three shipped v18.1 domains, built fresh.
bench_web() {
	dir=$BABS/bench-web
	db=$dir/attack.db
	data=$top/data/attack
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "== web: building a store of enterprise, mobile and ics 18.1"
	"$BABS/attackkb" -q --db "$db" ingest "$data/enterprise-attack-18.1.json.gz" \
		"$data/mobile-attack-18.1.json.gz" "$data/ics-attack-18.1.json.gz"
	echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

	searches="/search?q=create+account /search?q=1136 /search?q=powershell
/search?q=credential+dumping /search?q=APT29 /search?q=%22scheduled+task%22
/search?q=valid+accounts&domain=enterprise /search?q=mimi*"
	objects="/object/T1136 /object/T1136.001 /object/T1059.001 /object/T1003
/object/G0016 /object/S0002 /object/M1028 /object/TA0003 /object/DET0583
/object/T1566.001"

	# Median of curl's time_total (connection to last byte) over N rounds
	# of every URL of a list, sequential, in ms.
	median() { # port urls rounds
		for i in $(seq "$3"); do
			for u in $2; do
				curl -s -o /dev/null --noproxy '*' -w '%{time_total}\n' \
					"http://127.0.0.1:$1$u"
			done
		done | sort -n | awk '{ v[NR] = $1 } END {
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.1f ms (n=%d, p90 %.1f ms)", m * 1000, NR,
				v[int(NR * 0.9)] * 1000 }'
	}
	# wrk at 20 connections: requests/s, latency p50 and p99, failures.
	load() { # port path seconds [lua script]
		script=
		[ $# -gt 3 ] && script="-s $4"
		wrk -t2 -c20 -d"$3"s --latency $script "http://127.0.0.1:$1$2" >"$dir/wrk.out" 2>&1
		awk '/Requests\/sec/ { rps = $2 }
			/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
			/Non-2xx/ { bad += $NF } /Socket errors/ { err = $0 }
			END { printf "%.0f req/s, p50 %s, p99 %s, failed: %s\n", rps,
				p50, p99, (bad || err) ? bad " " err : "none" }' "$dir/wrk.out"
	}
	# Every live enterprise technique's page, for wrk to go round: with
	# the page cache off, each request builds a different page.
	"$BABS/attackkb" --db "$db" sql -f csv "SELECT attack_id FROM techniques
		WHERE domain = 'enterprise-attack' ORDER BY attack_id" |
		tail -n +2 | tr -d '\r' | sed 's|^|/object/|' >"$dir/objects.txt"
	cat >"$dir/rotate.lua" <<-EOF
		local paths = {}
		for line in io.lines("$dir/objects.txt") do paths[#paths + 1] = line end
		local i = 0
		request = function()
			i = i % #paths + 1
			return wrk.format("GET", paths[i])
		end
	EOF
	n=$(wc -l <"$dir/objects.txt")

	export ATTACKKB_DB="$db" CGI="$BABS/attackkb.cgi"
	port=$(sh "$top/tests/web-server.sh" start "$dir/cgi")
	echo "-- CGI (lighttpd mod_cgi, a process per request)"
	echo "search median latency: $(median "$port" "$searches" 6)"
	echo "object median latency: $(median "$port" "$objects" 5)"
	echo "object /object/T1136, wrk 20 connections 10 s: $(load "$port" /object/T1136 10)"
	echo "search create account, wrk 20 connections 10 s: $(load "$port" '/search?q=create+account' 10)"
	# The ceiling of a process per request on this machine now: a page
	# that touches no store (a 404 for an unknown route).
	echo "404 without the store (process start only), wrk 20 connections 5 s: $(load "$port" /nope 5 | sed 's/failed: .*/all 404 by design/')"
	sh "$top/tests/web-server.sh" stop "$dir/cgi"

	port=$(MODE=fcgi FCGI_PROCS=2 sh "$top/tests/web-server.sh" start "$dir/fcgi")
	echo "-- FastCGI (lighttpd mod_fastcgi, 2 spawn-fcgi processes, page cache 32 MiB)"
	echo "search median latency: $(median "$port" "$searches" 6)"
	echo "object median latency: $(median "$port" "$objects" 5)"
	echo "object /object/T1136, wrk 20 connections 10 s: $(load "$port" /object/T1136 10)"
	echo "$n technique pages in turn, wrk 20 connections 10 s: $(load "$port" / 10 "$dir/rotate.lua")"
	echo "search create account, wrk 20 connections 10 s: $(load "$port" '/search?q=create+account' 10)"
	MODE=fcgi sh "$top/tests/web-server.sh" stop "$dir/fcgi"

	port=$(ATTACKKB_PAGE_CACHE=0 MODE=fcgi FCGI_PROCS=2 sh "$top/tests/web-server.sh" start "$dir/fcgi0")
	echo "-- FastCGI without the page cache (ATTACKKB_PAGE_CACHE=0): every page built"
	echo "object /object/T1136, wrk 20 connections 10 s: $(load "$port" /object/T1136 10)"
	echo "$n technique pages in turn, wrk 20 connections 10 s: $(load "$port" / 10 "$dir/rotate.lua")"
	echo "search create account, wrk 20 connections 10 s: $(load "$port" '/search?q=create+account' 10)"
	MODE=fcgi sh "$top/tests/web-server.sh" stop "$dir/fcgi0"
	unset CGI
}

for b in ${BENCH:-ingest queries notes gitdiff detections obsidian web}; do
	"bench_$b"
done
echo "tables in $OUT/"
exit $failed

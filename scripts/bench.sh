#!/bin/sh
# make bench: measure the performance targets of docs/benchmarks.md, each
# side by side in one hyperfine run. Usage: scripts/bench.sh [BUILD_DIR]
# Results (Markdown tables) go to BUILD_DIR/bench/.
set -eu
B=${1:-build}
OUT=$B/bench
AKB=$B/attackkb
DATA=data/attack
mkdir -p "$OUT"

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

# Issue 2: whole-process latency of show and search.
bench_queries() {
	store
	hyperfine -N --warmup 5 --runs 100 --export-markdown "$OUT/queries.md" \
		-n "attackkb show T1136" "$AKB --db $OUT/all.db show T1136" \
		-n "attackkb search \"create account\"" \
		"$AKB --db $OUT/all.db search \"create account\"" \
		-n "attackkb sql \"SELECT 1\" (open + schema)" \
		"$AKB --db $OUT/all.db sql \"SELECT 1\""
}

for b in ${BENCH:-ingest queries}; do
	"bench_$b"
done
echo "results in $OUT/"

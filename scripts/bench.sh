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

for b in ${BENCH:-ingest queries notes}; do
	"bench_$b"
done
echo "results in $OUT/"

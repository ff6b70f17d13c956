#!/bin/sh
# scripts/bench.sh BUILD [NAME...]: measure the performance targets of
# docs/benchmarks.md with the binaries in BUILD (make bench). Each feature
# has its own function bench_NAME; with no NAME, all of them run.
set -e
B=${1:-build}
[ $# -gt 0 ] && shift
BIN=$(cd "$B" && pwd)/attackkb
DATA=$(pwd)/data/attack
WORK=$(mktemp -d /tmp/attackkb-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

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

names=${*:-obsidian}
for name in $names; do
	"bench_$name"
done

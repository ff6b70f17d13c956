#!/bin/sh
# Benchmarks behind docs/benchmarks.md (make bench): sh scripts/bench.sh [B]
# B is the build folder (default build). Each feature measures its targets
# in a function of its own, called at the end; a function prints Markdown
# rows and may set failed=1. Needs hyperfine and jq (scripts/deps.sh bench).
set -eu
B=${1:-build}
BIN=$B/attackkb
ENTERPRISE=data/attack/enterprise-attack-18.1.json.gz
WORK=$(mktemp -d /tmp/attackkb-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
failed=0

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

echo "attackkb benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
bench_detections
exit $failed

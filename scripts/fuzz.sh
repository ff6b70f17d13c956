#!/bin/sh
# make fuzz: run libFuzzer harnesses (ASan + UBSan) for SECONDS each, seeded
# from the test fixtures and fuzz/seeds/NAME, with fuzz/NAME.dict (or a
# shared dictionary). Usage: fuzz.sh DIR SECONDS [NAME...]  (default: all)
# Crash, leak and timeout inputs land in DIR/artifacts; each run's log in
# DIR/logs/NAME.log, and its summary line is printed:
#   NAME: SECONDS s (CPU s CPU), RUNS runs, cov COV ft FT, findings: none | FILE...
set -eu
B=$1
SECONDS_EACH=$2
shift 2
[ $# -gt 0 ] || set -- $(for h in "$B"/fuzz_*; do echo "${h##*/fuzz_}"; done)
mkdir -p "$B/artifacts" "$B/logs"

# seed DIR FILE...: copy files into the corpus under content-derived names.
seed() {
	d=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		cp "$f" "$d/seed-$(cksum <"$f" | cut -d' ' -f1)"
	done
}

# A vault in one input, notes cut at "@@@ PATH" lines (fuzz/fuzz_note.c).
vault_seed() {
	dir=$1
	first=1
	find "$dir" -name '*.md' | sort | while read -r f; do
		[ $first = 1 ] || printf '\n@@@ %s\n' "${f#"$dir"/}"
		first=0
		cat "$f"
	done
}

status=0
for name in "$@"; do
	h=$B/fuzz_$name
	corpus=$B/corpus/$name
	mkdir -p "$corpus"
	dict=
	case $name in
	bundle | stix)
		seed "$corpus" tests/fixtures/stix/*.json
		dict=fuzz/json.dict ;;
	search)
		printf 'create account' >"$corpus/seed1"
		printf '"local account" mimik*' >"$corpus/seed2"
		printf '1136' >"$corpus/seed3"
		dict=fuzz/search.dict ;;
	frontmatter)
		find tests/fixtures/notes -name '*.md' | while read -r f; do
			seed "$corpus" "$f"
		done
		dict=fuzz/yaml.dict ;;
	note)
		find tests/fixtures/notes -name '*.md' | while read -r f; do
			seed "$corpus" "$f"
		done
		for v in tests/fixtures/notes/*-vault; do
			vault_seed "$v" >"$corpus/vault-${v##*/}"
		done
		dict=fuzz/markdown.dict ;;
	sigma | car)
		seed "$corpus" tests/fixtures/detections/*/*.yml \
			tests/fixtures/detections/*/*.yaml
		dict=fuzz/yaml.dict ;;
	detcsv)
		seed "$corpus" tests/fixtures/detections/synthetic/*.csv \
			tests/fixtures/detections/synthetic/*.tsv ;;
	cgi)
		dict=fuzz/http.dict ;;
	esac
	[ -d "fuzz/seeds/$name" ] && cp fuzz/seeds/"$name"/* "$corpus"/
	[ -f "fuzz/$name.dict" ] && dict=fuzz/$name.dict
	log=$B/logs/$name.log
	rc=0
	/usr/bin/time -o "$B/logs/$name.cpu" -f '%U %S' \
		"$h" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-rss_limit_mb=2048 -max_len=1048576 ${dict:+-dict=$dict} \
		-print_final_stats=1 -artifact_prefix="$B/artifacts/$name-" \
		"$corpus" >"$log" 2>&1 || rc=$?
	cpu=$(awk 'END { printf "%.0f", $1 + $2 }' "$B/logs/$name.cpu")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
	covft=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
		sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1 ft \2/p')
	found=$(grep -hoE "Test unit written to [^ ]*" "$log" |
		sed 's/.* to //' | tr '\n' ' ')
	echo "$name: ${secs:-?} s (${cpu:-?} s CPU), ${runs:-?} runs, ${covft:-cov ? ft ?}, findings: ${found:-none}"
	if [ "$rc" -ne 0 ]; then
		status=1
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -n 5
	fi
done
exit $status

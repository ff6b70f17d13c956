#!/bin/sh
# make fuzz: run every libFuzzer harness (ASan + UBSan) for FUZZ_SECONDS
# seconds each, seeded from the test fixtures. Usage: fuzz.sh DIR SECONDS
set -eu
B=$1
SECONDS_EACH=$2
for h in "$B"/fuzz_*; do
	name=${h##*/fuzz_}
	corpus=$B/corpus/$name
	mkdir -p "$corpus"
	case $name in
	bundle | stix)
		cp tests/fixtures/stix/*.json "$corpus"/ 2>/dev/null || true
		dict=fuzz/json.dict ;;
	search)
		printf 'create account' >"$corpus/seed1"
		printf '"local account" mimik*' >"$corpus/seed2"
		printf '1136' >"$corpus/seed3"
		dict=fuzz/search.dict ;;
	*)
		dict= ;;
	esac
	[ -d "fuzz/seeds/$name" ] && cp fuzz/seeds/"$name"/* "$corpus"/
	[ -f "fuzz/$name.dict" ] && dict=fuzz/$name.dict
	echo "== $name: $SECONDS_EACH s"
	"$h" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=1048576 ${dict:+-dict=$dict} -print_final_stats=1 \
		"$corpus" 2>&1 | tail -n 12
done

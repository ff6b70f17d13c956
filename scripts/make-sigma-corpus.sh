#!/bin/sh
# Benchmark helper, not a test: write N copies of each Sigma rule of SRC
# (default: the real rules in tests/fixtures/detections/sigma) into DIR, each
# copy with its own id (the last 12 hex digits of the UUID become the copy
# number), so that an import sees distinct rules. With the 8 shipped rules,
# N=375 gives 3,000 rules.
# Usage: scripts/make-sigma-corpus.sh DIR N [SRC]
set -eu
usage() {
	echo "usage: $0 DIR N [SRC]" >&2
	exit 2
}
[ $# -ge 2 ] && [ $# -le 3 ] || usage
dir=$1
n=$2
src=${3:-$(dirname "$0")/../tests/fixtures/detections/sigma}
case $n in '' | *[!0-9]*) usage ;; esac
mkdir -p "$dir"
count=0
for f in "$src"/*.yml; do
	[ -f "$f" ] || continue
	awk -v n="$n" -v dir="$dir" -v base="$(basename "$f" .yml)" '
	{ lines[NR] = $0 }
	END {
		for (i = 1; i <= n; i++) {
			out = sprintf("%s/%06d_%s.yml", dir, i, base)
			for (l = 1; l <= NR; l++) {
				line = lines[l]
				if (line ~ /^id: [0-9a-fA-F-]+$/ && length(line) > 16)
					line = sprintf("%s%012x",
					    substr(line, 1, length(line) - 12), i)
				print line > out
			}
			close(out)
		}
	}' "$f"
	count=$((count + n))
done
echo "$0: wrote $count rules to $dir"

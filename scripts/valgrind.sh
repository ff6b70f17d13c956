#!/bin/sh
# make valgrind: the integration paths under valgrind memcheck, which must
# report no error and no definitely lost byte: ingest of the three shipped
# bundles, a vault round trip (export the mobile domain to Obsidian, ingest
# the vault back, vault-check it), detection rules, a search, and CGI
# requests. Usage: valgrind.sh BUILD_DIR
set -eu
B=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/attackkb-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
vg="valgrind -q --error-exitcode=99 --leak-check=full
 --errors-for-leak-kinds=definite --show-leak-kinds=definite
 --track-origins=no --num-callers=30 --log-file=$tmp/vg.%p.log"
db=$tmp/attack.db
D=data/attack
n=0
fail=0

# run NAME CMD...: one step under memcheck; reports and remembers failures.
run() {
	name=$1
	shift
	n=$((n + 1))
	start=$(date +%s)
	rc=0
	$vg "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	secs=$(($(date +%s) - start))
	if [ "$rc" -ne 0 ]; then
		echo "valgrind: $name: FAILED (exit $rc, $secs s)"
		cat "$tmp/err" | head -n 20
		cat "$tmp"/vg.*.log 2>/dev/null | head -n 60
		fail=1
	else
		echo "valgrind: $name: ok ($secs s)"
	fi
	rm -f "$tmp"/vg.*.log
}

run "ingest enterprise, mobile, ics" $B/attackkb -q --db "$db" ingest \
	$D/enterprise-attack-18.1.json.gz $D/mobile-attack-18.1.json.gz \
	$D/ics-attack-18.1.json.gz
run "ingest detections" $B/attackkb -q --db "$db" ingest --set fixtures \
	tests/fixtures/detections/sigma tests/fixtures/detections/car/CAR-2013-01-002.yaml
run "export obsidian (mobile)" $B/attackkb -q --db "$db" export obsidian \
	"$tmp/vault" --domain mobile
run "ingest the vault back" $B/attackkb -q --db "$db" ingest "$tmp/vault"
run "vault-check" $B/attackkb -q --db "$db" vault-check "$tmp/vault"
run "search" $B/attackkb --db "$db" search "create account"
run "show" $B/attackkb --db "$db" show T1136
run "coverage" $B/attackkb --db "$db" coverage
for req in "GET / " "GET /search q=local+account" \
	"GET /object/T1136.001 " "GET /matrix/mobile " \
	"GET /search q=%0d%0aX:1" "POST / "; do
	set -- $req
	run "cgi $1 $2 ${3:-}" env REQUEST_METHOD="$1" PATH_INFO="$2" \
		QUERY_STRING="${3:-}" SCRIPT_NAME=/attackkb.cgi \
		ATTACKKB_DB="$db" $B/attackkb.cgi
done
[ $fail -eq 0 ] && echo "valgrind: $n steps, no error, no definitely lost byte"
exit $fail

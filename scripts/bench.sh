#!/bin/sh
# make bench: performance measurements, one function per part; the figures
# and the targets are in docs/benchmarks.md.
# Usage: scripts/bench.sh [BUILD_DIR [PART...]]   (parts: web; default all)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-build}
[ $# -gt 0 ] && shift
case $B in /*) ;; *) B=$top/$B ;; esac

# The web page (issue 6): median latency of search and object pages through
# lighttpd as CGI, requests per second at 20 connections (wrk, 10 s) for
# CGI and FastCGI. A store of the three shipped v18.1 domains, built fresh.
bench_web() {
	dir=$B/bench-web
	db=$dir/attack.db
	data=$top/data/attack
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "== web: building a store of enterprise, mobile and ics 18.1"
	"$B/attackkb" -q --db "$db" ingest "$data/enterprise-attack-18.1.json.gz" \
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
	"$B/attackkb" --db "$db" sql -f csv "SELECT attack_id FROM techniques
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

	export ATTACKKB_DB="$db" CGI="$B/attackkb.cgi"
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

parts=${*:-web}
for part in $parts; do
	"bench_$part"
done

#!/bin/sh
# Start or stop lighttpd serving attackkb.cgi on a free 127.0.0.1 port.
# Usage: tests/web-server.sh start|stop [STATE_DIR]
#   STATE_DIR  config, pid, port and logs; default build/web
#   CGI        the CGI binary; default the attackkb.cgi beside STATE_DIR
#   ATTACKKB_DB  the store the CGI opens; default attack.db at the top
# start prints the port once lighttpd answers; stop ends that lighttpd.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
dir=${2:-$top/build/web}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pidfile=$dir/lighttpd.pid

die() { echo "web-server.sh: $*" >&2; exit 1; }

stop() {
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
	fi
	rm -f "$pidfile" "$dir/lighttpd.port"
}

start() {
	lighttpd=$(command -v lighttpd || echo /usr/sbin/lighttpd)
	[ -x "$lighttpd" ] || die "lighttpd is not installed (scripts/deps.sh)"
	command -v curl >/dev/null || die "curl is not installed (scripts/deps.sh web)"
	cgi=${CGI:-$(dirname "$dir")/attackkb.cgi}
	[ -x "$cgi" ] || die "no CGI at $cgi (make all)"
	cgi=$(cd "$(dirname "$cgi")" && pwd)/$(basename "$cgi")
	db=${ATTACKKB_DB:-$top/attack.db}
	case "$dir$db" in
	*[\"\\\|\&]*) die "paths may not hold \" \\ | or &" ;;
	esac
	if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
		die "already running (pid $(cat "$pidfile")); stop it first"
	fi
	mkdir -p "$dir/www"
	ln -sf "$cgi" "$dir/attackkb.cgi"
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$dir|g" -e "s|@DB@|$db|g" \
			"$top/web/lighttpd.conf.in" > "$dir/lighttpd.conf"
		# -D: foreground, so the pid is ours; no fd may stay on our
		# caller's pipes.
		"$lighttpd" -D -f "$dir/lighttpd.conf" \
			>"$dir/lighttpd.out" 2>&1 </dev/null &
		pid=$!
		echo "$pid" > "$pidfile"
		i=0
		while [ $i -lt 50 ]; do
			kill -0 "$pid" 2>/dev/null || break # bind failed?
			if curl -s --noproxy '*' -o /dev/null --max-time 2 \
				"http://127.0.0.1:$port/static/style.css"; then
				echo "$port" > "$dir/lighttpd.port"
				echo "$port"
				return 0
			fi
			sleep 0.1; i=$((i + 1))
		done
		stop
		grep -q "Address already in use" "$dir/lighttpd.out" \
			"$dir/error.log" 2>/dev/null || break
	done
	cat "$dir/lighttpd.out" "$dir/error.log" >&2 2>/dev/null || true
	die "lighttpd did not start"
}

case $cmd in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop [STATE_DIR]" >&2; exit 2 ;;
esac

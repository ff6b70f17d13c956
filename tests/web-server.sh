#!/bin/sh
# Start or stop lighttpd serving attackkb.cgi on a free 127.0.0.1 port.
# Usage: tests/web-server.sh start|stop|run [STATE_DIR]
#   STATE_DIR  config, pid, port and logs; default build/web
#   CGI        the CGI binary; default the attackkb.cgi beside STATE_DIR
#   ATTACKKB_DB  the store the CGI opens; default attack.db at the top
#   MODE       cgi (default) or fcgi: lighttpd's mod_fastcgi talking to
#              FCGI (default attackkb.fcgi beside CGI), FCGI_PROCS (2)
#              processes started with spawn-fcgi on a Unix socket
#   PORT       a fixed port instead of a free one
# start prints the port once lighttpd answers; stop ends that lighttpd (and
# the FastCGI processes); run starts and waits until Ctrl-C (make serve).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
dir=${2:-$top/build/web}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
pidfile=$dir/lighttpd.pid
fcgi_pidfile=$dir/fcgi.pid
mode=${MODE:-cgi}

die() { echo "web-server.sh: $*" >&2; exit 1; }

stop_fcgi() {
	[ -f "$fcgi_pidfile" ] || return 0
	for pid in $(cat "$fcgi_pidfile"); do
		kill "$pid" 2>/dev/null || true
	done
	rm -f "$fcgi_pidfile" "$dir/attackkb.sock"
}

# spawn-fcgi forks FCGI_PROCS processes on one socket and writes their
# pids to fcgi.pid.
start_fcgi() {
	command -v spawn-fcgi >/dev/null ||
		die "spawn-fcgi is not installed (scripts/deps.sh web)"
	fcgi=${FCGI:-$(dirname "$cgi")/attackkb.fcgi}
	[ -x "$fcgi" ] || die "no FastCGI program at $fcgi (make all)"
	stop_fcgi
	ATTACKKB_DB=$db spawn-fcgi -s "$dir/attackkb.sock" -M 0600 \
		-F "${FCGI_PROCS:-2}" -P "$fcgi_pidfile" -- "$fcgi" \
		>"$dir/spawn-fcgi.out" 2>&1 </dev/null ||
		die "spawn-fcgi failed: $(cat "$dir/spawn-fcgi.out")"
}

stop() {
	stop_fcgi
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
	case $mode in
	cgi) conf=$top/web/lighttpd.conf.in ;;
	fcgi) conf=$top/web/lighttpd-fcgi.conf.in; start_fcgi ;;
	*) die "MODE is cgi or fcgi" ;;
	esac
	tries=0
	while [ $tries -lt 20 ]; do
		tries=$((tries + 1))
		port=${PORT:-$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))}
		sed -e "s|@PORT@|$port|g" -e "s|@DIR@|$dir|g" -e "s|@DB@|$db|g" \
			"$conf" > "$dir/lighttpd.conf"
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
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -f "$pidfile"
		[ -z "${PORT:-}" ] || break
		grep -q "Address already in use" "$dir/lighttpd.out" \
			"$dir/error.log" 2>/dev/null || break
	done
	stop
	cat "$dir/lighttpd.out" "$dir/error.log" >&2 2>/dev/null || true
	die "lighttpd did not start"
}

case $cmd in
start) start ;;
stop) stop ;;
run)
	start >/dev/null
	trap 'stop; exit 0' INT TERM
	echo "web-server.sh: serving on http://127.0.0.1:$(cat "$dir/lighttpd.port")/ (Ctrl-C stops)"
	while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 1; done
	stop
	;;
*) echo "usage: $0 start|stop|run [STATE_DIR]" >&2; exit 2 ;;
esac

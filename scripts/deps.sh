#!/bin/sh
# Install the Debian packages attackkb needs, if any are missing.
# Usage: scripts/deps.sh [build|bench|web|fuzz]...   (build is always included)
set -e
pkgs="build-essential pkg-config libsqlite3-dev libjansson-dev libyaml-dev
libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev check zlib1g-dev
lighttpd sqlite3 libfcgi-dev"
for set in "$@"; do
	case $set in
	build) ;;
	bench) pkgs="$pkgs hyperfine jq time git python3" ;;
	web) pkgs="$pkgs chromium wrk spawn-fcgi curl" ;;
	fuzz) pkgs="$pkgs clang libclang-rt-14-dev libfuzzer-14-dev time" ;;
	valgrind) pkgs="$pkgs valgrind" ;;
	*) echo "deps.sh: unknown package set '$set'" >&2; exit 2 ;;
	esac
done
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing:$missing" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >&2

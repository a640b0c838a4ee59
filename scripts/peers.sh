#!/usr/bin/env bash
# Fetches the real peers the tests talk to, from Debian's packages, without changing the
# system: sid packages are downloaded and unpacked into a private cache folder, never
# installed. The mirror is read from this machine's own apt configuration.
# Prints the cache root on stdout; idempotent and cheap when the cache is warm.
set -euo pipefail

cache="${AUTOTLS_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/autotls/peers}"
wanted_sid=(pebble)
wanted_bookworm=(pebble)

have_all() {
  [ -x "$cache/sid/usr/bin/pebble" ] && [ -x "$cache/sid/usr/bin/pebble-challtestsrv" ] \
    && [ -x "$cache/bookworm/usr/bin/pebble" ]
}

if have_all; then
  echo "$cache"
  exit 0
fi

mirror=$( { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
  | grep -vE '^[[:space:]]*#' | grep -oE 'https?://[^ ]+/debian/?( |$)' | tr -d ' ' | head -n 1 || true)
if [ -z "$mirror" ]; then
  echo "peers.sh: no Debian mirror found in /etc/apt/sources.list{,.d}; configure apt first" >&2
  exit 1
fi

apt_state="$cache/apt"
mkdir -p "$apt_state/lists/partial" "$cache/debs"
printf 'deb %s sid main\ndeb %s bookworm main\n' "$mirror" "$mirror" > "$apt_state/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_state/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$apt_state/lists" -o Dir::Cache="$apt_state/cache"
          -o APT::Sandbox::User=root -q)
mkdir -p "$apt_state/cache/archives/partial"
echo "peers.sh: reading package lists from $mirror (sid, bookworm)" >&2
apt-get "${apt_opts[@]}" update >&2

cd "$cache/debs"
rm -f ./*.deb
apt-get "${apt_opts[@]}" download "${wanted_sid[@]/%//sid}" >&2
for deb in ./*.deb; do dpkg -x "$deb" "$cache/sid"; done
rm -f ./*.deb
apt-get "${apt_opts[@]}" download "${wanted_bookworm[@]/%//bookworm}" >&2
for deb in ./*.deb; do dpkg -x "$deb" "$cache/bookworm"; done
rm -f ./*.deb

if ! have_all; then
  echo "peers.sh: the downloaded packages did not provide pebble/pebble-challtestsrv under $cache" >&2
  exit 1
fi
echo "$cache"

#!/usr/bin/env bash
# Fetches the real peers the tests talk to, from Debian's packages. Packages of this
# release (unbound, knot, dnsperf, the PostgreSQL server, PgBouncer, BIND 9) are installed with apt-get when missing; packages only
# sid has (pebble 2.10, acme.sh) and the older pebble 2.4 are downloaded and unpacked into
# a private cache folder, never installed. The mirror is read from this machine's own apt
# configuration.
# With --bench it also fetches what only the benchmarks compare against: lego and Caddy (sid).
# With --demo it fetches only what scripts/demo.sh needs: Pebble 2.10 (sid), nothing installed.
# Prints the cache root on stdout; idempotent and cheap when the cache is warm.
set -euo pipefail
bench=false
demo=false
[ "${1:-}" != --bench ] || bench=true
[ "${1:-}" != --demo ] || demo=true

cache="${AUTOTLS_PEERS:-${XDG_CACHE_HOME:-$HOME/.cache}/autotls/peers}"
wanted_sid=(pebble acme.sh)
if $bench; then wanted_sid+=(lego caddy); fi
wanted_bookworm=(pebble)
# commands this machine's own release provides, and the packages that bring them
system_commands=(unbound knotd dnsperf h2load named pgbouncer chromium certutil)
system_packages=(unbound knot dnsperf nghttp2-client postgresql bind9 pgbouncer chromium libnss3-tools)
if $demo; then
  # the demo's DNS server is the built-in responder and its CA is Pebble: nothing of this release is needed
  wanted_sid=(pebble)
  wanted_bookworm=()
  system_commands=()
  system_packages=()
fi

missing_system=false
for command in "${system_commands[@]+"${system_commands[@]}"}"; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$command" >/dev/null 2>&1 || missing_system=true
done
# the PostgreSQL server's programs live in a versioned folder, not on PATH; the tests start their own clusters
$demo || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing_system=true
if $missing_system; then
  if [ "$(id -u)" != 0 ]; then
    echo "peers.sh: need ${system_packages[*]} from Debian; run as root or install them: apt-get install ${system_packages[*]}" >&2
    exit 1
  fi
  echo "peers.sh: installing ${system_packages[*]} from Debian" >&2
  apt-get -q update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${system_packages[@]}" >&2
fi

have_all() {
  if $demo; then [ -x "$cache/sid/usr/bin/pebble" ]; return; fi
  [ -x "$cache/sid/usr/bin/pebble" ] && [ -x "$cache/sid/usr/bin/pebble-challtestsrv" ] \
    && [ -f "$cache/sid/usr/share/acme.sh/acme.sh" ] && [ -x "$cache/bookworm/usr/bin/pebble" ] \
    && { ! $bench || { [ -x "$cache/sid/usr/bin/lego" ] && [ -x "$cache/sid/usr/bin/caddy" ]; }; }
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
releases=(sid)
[ ${#wanted_bookworm[@]} -eq 0 ] || releases+=(bookworm)
for release in "${releases[@]}"; do printf 'deb %s %s main\n' "$mirror" "$release"; done > "$apt_state/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_state/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$apt_state/lists" -o Dir::Cache="$apt_state/cache"
          -o APT::Sandbox::User=root -q)
mkdir -p "$apt_state/cache/archives/partial"
echo "peers.sh: reading package lists from $mirror (${releases[*]})" >&2
apt-get "${apt_opts[@]}" update >&2

cd "$cache/debs"
rm -f ./*.deb
apt-get "${apt_opts[@]}" download "${wanted_sid[@]/%//sid}" >&2
for deb in ./*.deb; do dpkg -x "$deb" "$cache/sid"; done
rm -f ./*.deb
if [ ${#wanted_bookworm[@]} -gt 0 ]; then
  apt-get "${apt_opts[@]}" download "${wanted_bookworm[@]/%//bookworm}" >&2
  for deb in ./*.deb; do dpkg -x "$deb" "$cache/bookworm"; done
  rm -f ./*.deb
fi

if ! have_all; then
  echo "peers.sh: the downloaded packages did not provide ${wanted_sid[*]} (sid) and ${wanted_bookworm[*]:-nothing} (bookworm) under $cache" >&2
  exit 1
fi
echo "$cache"

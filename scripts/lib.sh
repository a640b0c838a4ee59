# Shared by the scripts in this folder (sourced, not run).

# free_ports N: N distinct loopback ports the system chose (each bound for TCP and UDP at port 0
# and read back, then released), one per line; free_port: one of them.
free_ports() { java "$(dirname "${BASH_SOURCE[0]}")/FreePorts.java" "${1:-1}"; }
free_port() { free_ports 1; }

# wait_for SECONDS COMMAND...: runs COMMAND until it succeeds; returns 1 after SECONDS.
wait_for() {
  local deadline=$(( SECONDS + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.02
  done
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# need COMMAND DEBIAN_PACKAGE: fails with what to install when COMMAND is missing.
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "${0##*/}: '$1' is missing; install it (Debian: apt-get install $2)" >&2; exit 1; }
}

# A certificate and key for a test CA's own HTTPS listener on 127.0.0.1: pebble_listener_cert DIR
pebble_listener_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$1/ca-key.pem" -out "$1/ca-cert.pem" 2>/dev/null
}

# stats VALUES...: "runs median min max" of whole numbers (the lower median for an even count).
stats() {
  [ $# -gt 0 ] || { echo "0 - - -"; return; }
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%d %d %d %d\n", NR, v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# report FILE LINE...: appends lines to a report fragment when BENCH_REPORT_DIR is set.
report() {
  local file=$1; shift
  [ -z "${BENCH_REPORT_DIR:-}" ] || printf '%s\n' "$@" >> "$BENCH_REPORT_DIR/$file"
}

# target REPORT DESCRIPTION ACTUAL OP LIMIT: prints and reports whether ACTUAL OP LIMIT holds (OP: <= or >=).
target() {
  local file=$1 what=$2 actual=$3 op=$4 limit=$5 verdict
  if [ -z "$actual" ] || [ "$actual" = - ] || [ -z "$limit" ] || [ "$limit" = - ]; then verdict="not measured"
  elif awk -v a="$actual" -v l="$limit" -v op="$op" 'BEGIN { exit !((op == "<=") ? a <= l : a >= l) }'; then verdict=met
  else verdict="**missed**"; fi
  echo "target: $what: $actual (limit $op $limit): $verdict"
  report "$file" "- $what: $actual, target $op $limit: $verdict"
}

#!/usr/bin/env bash
# The benchmark command. Runs the five benchmarks side by side with their peers on this
# machine (local peers only, from Debian's packages) and rewrites BENCHMARKS.md with a table
# per benchmark, the machine, and SVG charts for the first two (docs/bench/).
#   bash scripts/bench.sh           the full run, 20 to 30 minutes on 2 cores (autotls on JDK 17 and JDK 25;
#                                   the fleet at 10,000 and 100,000 names)
#   bash scripts/bench.sh --smoke   a few seconds per benchmark (the fleet at 5,000 names, about a minute
#                                   with its store generated, once, into ~/.cache/autotls), so the programs
#                                   cannot rot; writes target/bench-smoke/ and leaves BENCHMARKS.md alone (CI)
# Every figure is printed with the command that produced it; the sub-commands can be run alone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --smoke ]; then
  smoke=true; out=target/bench-smoke; charts=$out; runs=1; names=10; seconds=3; tls_names=300; dns_seconds=2
  fleet_names=5000
  export FLEET_SECONDS=2 FLEET_STARTS=1 FLEET_CHANGES=5 FLEET_FIRST_TIME=100 FLEET_SYNCS=3 FLEET_SETTLE=60s FLEET_CHANGE_WAIT=2s
else
  smoke=false; out=.; charts=docs/bench; runs=5; names=100; seconds=30; tls_names=10000; dns_seconds=10
  fleet_names="10000 100000"
fi
started=$(date +%s)
peers=$(bash scripts/peers.sh --bench)
mvn -q -B -ntp -DskipTests package
fragments=$(mktemp -d /tmp/autotls-bench-report.XXXXXX)
trap 'rm -rf "$fragments"' EXIT
export BENCH_REPORT_DIR=$fragments

echo "=== 1. issuance latency"
RUNS=$runs CONCURRENT_NAMES=$names bash scripts/bench-issuance.sh
echo "=== 2 and 3. hot swap under load, many names"
bash scripts/bench-tls.sh "$seconds" "$tls_names"
echo "=== 4. responder"
BENCH_SECONDS=$dns_seconds bash scripts/bench-responder.sh
echo "=== 5. a fleet's store"
bash scripts/bench-fleet.sh $fleet_names

mkdir -p "$out" "$charts"
bash scripts/chart.sh "Issuance, start to first Pebble-issued handshake (median, min-max)" ms \
  "$fragments/issuance.tsv" "$charts/issuance.svg"
bash scripts/chart.sh "Hot swap: requests/s, autotls swapping every 300 ms vs static keystore" req/s \
  "$fragments/hotswap.tsv" "$charts/hotswap.svg"

version() { "$@" 2>&1 | grep -o '[0-9]\+\.[0-9]\+\.[0-9]\+' | head -n 1; }
cpu=$(grep -m 1 'model name' /proc/cpuinfo | sed 's/.*: //')
memory=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
java_version="$(java -version 2>&1 | head -n 1) and $("${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -version 2>&1 | head -n 1)"
minutes=$(( ($(date +%s) - started + 59) / 60 ))
chart_path=${charts#./}; [ "$out" = . ] || chart_path=.
{
  echo "# Benchmarks"
  echo
  echo "Written by \`bash scripts/bench.sh\`$($smoke && echo ' --smoke (smoke mode: too short to read anything into)') on $(date -u +%F),"
  echo "in $minutes minutes. Every peer ran on the same machine in the same run; read ratios, not absolutes."
  echo
  echo "Machine: $(nproc) cores ($cpu), $memory, $os, $(uname -r); $java_version."
  echo "Peers: Pebble $(version zcat "$peers/sid/usr/share/doc/pebble/changelog.Debian.gz") (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0),"
  echo "lego $(version "$peers/sid/usr/bin/lego" --version), acme.sh $(version sh "$peers/sid/usr/share/acme.sh/acme.sh" --version),"
  echo "Caddy $(version "$peers/sid/usr/bin/caddy" version), knot $(version knotd --version), dnsperf $(dnsperf -h 2>&1 | grep -o "Version [0-9.]*" | cut -d " " -f 2),"
  echo "h2load (nghttp2 $(version h2load --version))."
  echo
  echo "## 1. Issuance latency"
  echo
  echo "![Issuance latency]($chart_path/issuance.svg)"
  echo
  echo "Whole process: process start to the first TLS handshake showing a Pebble-issued certificate"
  echo "(lego and acme.sh serve nothing: process start to exit). In-library: the certificate's job"
  echo "in autotls, from its start (preflight, order, challenge, finalize, download) to the"
  echo "certificate being stored and served. autotls runs on JDK 17 and on JDK 25, each with its start-up cache"
  echo "(\`scripts/autotls-run.sh\`); the hot swap and responder figures are from JDK 17."
  echo
  cat "$fragments/issuance.md"
  echo
  echo "## 2. Hot swap under load"
  echo
  echo "![Hot swap](${chart_path}/hotswap.svg)"
  echo
  cat "$fragments/hotswap.md"
  echo
  echo "## 3. Many names"
  echo
  cat "$fragments/names.md"
  echo
  echo "Targets:"
  cat "$fragments/names-targets.md"
  echo
  echo "## 4. Responder"
  echo
  cat "$fragments/responder.md"
  echo
  bash scripts/bench-fleet.sh --section "$fragments"
} > "$out/BENCHMARKS.md.tmp"
mv "$out/BENCHMARKS.md.tmp" "$out/BENCHMARKS.md"
echo "=== wrote $out/BENCHMARKS.md and $charts/{issuance,hotswap}.svg in $minutes minutes"

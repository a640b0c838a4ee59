#!/usr/bin/env bash
# A fleet's store (issue 25): N names in one PostgreSQL store, each instance a JVM of its own
# serving the store's managed set; start to a stored name served (N names vs 1), heap after full
# GC, handshakes for first-time names vs one name, the store's load per sync, and a certificate
# stored by one instance until another serves it (FleetBench). The store is generated once per
# count and schema and kept in ~/.cache/autotls/fleet-*.pgdump.
# Usage: bash scripts/bench-fleet.sh [names...]            default: 10000 100000 (one run each, in that order);
#                                                          figures and targets on standard output
#        bash scripts/bench-fleet.sh --write [names...]    the same, then section 5 of BENCHMARKS.md rewritten
#                                                          with them (scripts/bench.sh rewrites the whole file)
#        bash scripts/bench-fleet.sh --section FOLDER      prints section 5 from the fragments in FOLDER (for bench.sh)
# Environment (all optional):
#   FLEET_SECONDS=10       seconds per handshake rate      FLEET_STARTS=3     starts of each store, alternating
#   FLEET_CHANGES=20       certificates A stores for B     FLEET_FIRST_TIME=300  handshakes per latency figure
#   FLEET_SYNCS=10         syncs counted, one by one       FLEET_SETTLE=300s  how long the first sync after a start may take
#   FLEET_CHANGE_WAIT=5s   how long B is given per change  FLEET_XMX=2g       each instance's -Xmx
#   FLEET_INSTANCE_OPTIONS="-Dautotls.cache.certificates=20000"   more JVM options for every instance
set -euo pipefail
cd "$(dirname "$0")/.."

# section FOLDER: section 5 of BENCHMARKS.md, its method and the fragments FleetBench wrote to FOLDER.
section() {
  echo "## 5. 100,000 names in one PostgreSQL store"
  echo
  echo "A platform's fleet: N names managed at run time (the store's managed set, as \`AutoTls.manage\` keeps it; no"
  echo "\`autotls.domains\`) in one PostgreSQL 15 store on this machine, each instance a JVM of its own (\`FleetInstance\`,"
  echo "JDK 17, \`-Xmx${FLEET_XMX:-2g}\`, default settings). One certificate per name from a throwaway local issuer, written"
  echo "through the store's own code and kept as a pg_dump in \`~/.cache/autotls/\` (generated once per count and schema)."
  echo "Start: process start to the first handshake showing the stored certificate of the name added last, N names"
  echo "against a store of 1, the same settings, alternating runs, median. Heap: after a full GC in the instance, once"
  echo "started and after the handshakes. Handshakes: full (no session reuse) from 2 client threads; first-time names"
  echo "are each asked once, in a seeded random order over all N, so every handshake meets a name not asked before; one"
  echo "name is the same name each time; the latencies are of handshakes one after another, a first-time name and the"
  echo "one name in turn. Per sync: an instance whose"
  echo "store connection goes through a relay that counts bytes and PostgreSQL protocol messages (statements: Execute"
  echo "and simple Query; rows: DataRow) makes, after its first look at the store, looks with nothing changed one"
  echo "after another (\`AutoTls.syncWithStore()\`, the look its sync job makes every interval). A change: instance A"
  echo "stores a new certificate (\`CertificateFiles.save\`, as maintenance does) for a name instance B holds in memory;"
  echo "both sync every hour, so only a notification lets B serve it in time; B is asked by a handshake every few ms."
  echo
  cat "$1/fleet.md"
  echo
  cat "$1/fleet-store.md"
  echo
  cat "$1/fleet-today.md"
  echo
  echo "Targets:"
  cat "$1/fleet-targets.md"
}

if [ "${1:-}" = --section ]; then
  section "$2"
  exit 0
fi
write=false
if [ "${1:-}" = --write ]; then
  write=true; shift
fi
[ $# -gt 0 ] || set -- 10000 100000
settings=$(env | grep '^FLEET_' | sort | sed -E "s/^([^=]*)=(.* .*)$/\1='\2'/" | tr '\n' ' ' || true)
command_line="${settings}bash scripts/bench-fleet.sh $*"   # printed with every figure: what reproduces it
if $write; then
  BENCH_REPORT_DIR=$(mktemp -d /tmp/autotls-fleet-report.XXXXXX)
  export BENCH_REPORT_DIR
fi
started=$(date +%s)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || bash scripts/peers.sh >/dev/null   # PostgreSQL
mvn -q -B -ntp -DskipTests test-compile
cp=$(mktemp)
trap 'rm -f "$cp"; ! $write || rm -rf "$BENCH_REPORT_DIR"' EXIT
mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >/dev/null
for names in "$@"; do
  echo "== java dev.autotls.bench.FleetBench $names ${FLEET_SECONDS:-10}"
  java -Xmx1g -cp "target/test-classes:target/classes:$(cat "$cp")" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dfleet.starts="${FLEET_STARTS:-3}" -Dfleet.changes="${FLEET_CHANGES:-20}" -Dfleet.first-time="${FLEET_FIRST_TIME:-300}" \
    -Dfleet.syncs="${FLEET_SYNCS:-10}" -Dfleet.settle="${FLEET_SETTLE:-300s}" \
    -Dfleet.change-wait="${FLEET_CHANGE_WAIT:-5s}" -Dfleet.xmx="${FLEET_XMX:-2g}" \
    -Dfleet.instance-options="${FLEET_INSTANCE_OPTIONS:-}" -Dbench.command="$command_line" \
    dev.autotls.bench.FleetBench "$names" "${FLEET_SECONDS:-10}"
done
if $write; then # section 5 is BENCHMARKS.md's last: everything from its heading on is replaced
  minutes=$(( ($(date +%s) - started + 59) / 60 ))
  {
    sed '/^## 5\. /,$d' BENCHMARKS.md
    section "$BENCH_REPORT_DIR"
    echo
    echo "Section 5 written by \`${settings}bash scripts/bench-fleet.sh --write $*\` on $(date -u +%F) in $minutes min, apart from the rest of the file."
  } > BENCHMARKS.md.tmp
  mv BENCHMARKS.md.tmp BENCHMARKS.md
  echo "=== wrote section 5 of BENCHMARKS.md in $minutes min"
fi

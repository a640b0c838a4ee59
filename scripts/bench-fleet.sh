#!/usr/bin/env bash
# A fleet's store (issue 25): N names in one PostgreSQL store, each instance a JVM of its own
# serving the store's managed set; start to a stored name served (N names vs 1), heap after full
# GC, handshakes for first-time names vs one name, the store's load per sync, and a certificate
# stored by one instance until another serves it (FleetBench). The store is generated once per
# count and schema and kept in ~/.cache/autotls/fleet-*.pgdump.
# Usage: bash scripts/bench-fleet.sh [names...]      default: 10000 100000 (one run each, in that order)
# Environment (all optional):
#   FLEET_SECONDS=10       seconds per handshake rate     FLEET_STARTS=3     starts of each store, alternating
#   FLEET_CHANGES=20       certificates A stores for B     FLEET_FIRST_TIME=300  handshakes per latency figure
#   FLEET_SYNCS=10         syncs counted, one by one       FLEET_SETTLE=300s  how long the first sync after a start may take
#   FLEET_CHANGE_WAIT=5s   how long B is given per change  FLEET_XMX=2g       each instance's -Xmx
#   FLEET_INSTANCE_OPTIONS="-Dautotls.cache.certificates=20000"   more JVM options for every instance
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 10000 100000
settings=$(env | grep '^FLEET_' | sort | sed -E "s/^([^=]*)=(.* .*)$/\1='\2'/" | tr '\n' ' ' || true)
command_line="${settings}bash scripts/bench-fleet.sh $*"   # printed with every figure: what reproduces it
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || bash scripts/peers.sh >/dev/null   # PostgreSQL
mvn -q -B -ntp -DskipTests test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
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

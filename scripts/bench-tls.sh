#!/usr/bin/env bash
# The TLS side, measured in one run on this machine:
#   1. hot swap under load: h2load against autotls (certificates swapped every 300 ms) and
#      against the same Jetty with a static keystore, keep-alive and new connections;
#   2. many names: N stored certificates, time to load, heap after GC, handshakes/s with SNI
#      spread over all names versus one name; on JDK 17 and on JDK 25 (JDK25_HOME).
# Usage: bash scripts/bench-tls.sh [seconds per measurement, default 30] [names, default 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
names=${2:-10000}
names_seconds=$(( seconds < 10 ? seconds : 10 ))   # handshake rates settle within 10 s
bash scripts/peers.sh >/dev/null   # h2load
mvn -q -B -DskipTests test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
mvn -q -B dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >/dev/null
jdk25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$jdk25/bin/java" ] || { echo "bench-tls: no JDK 25 at $jdk25; install Temurin 25 (Debian: apt-get install" \
  "temurin-25-jdk, from packages.adoptium.net) or set JDK25_HOME" >&2; exit 1; }
java=java
run() { "$java" -Xmx1g -cp "target/test-classes:target/classes:$(cat "$cp")" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@"; }
echo "== java dev.autotls.bench.HotSwapBench $seconds"
run dev.autotls.bench.HotSwapBench "$seconds"
echo "== java dev.autotls.bench.ManyNamesBench $names $names_seconds (JDK 17)"
run dev.autotls.bench.ManyNamesBench "$names" "$names_seconds"
echo "== $jdk25/bin/java dev.autotls.bench.ManyNamesBench $names $names_seconds (JDK 25)"
java=$jdk25/bin/java run dev.autotls.bench.ManyNamesBench "$names" "$names_seconds"

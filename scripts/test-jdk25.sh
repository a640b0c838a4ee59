#!/usr/bin/env bash
# The test suite on JDK 25, the newest LTS, beside CI's JDK 17 run (the library still targets Java 17:
# maven.compiler.release). A representative part, so CI stays well under 40 minutes on 2 cores: every
# unit test (surefire, the fuzz seeds among them), and the integration tests of issuance (http-01,
# dns-persist-01, the acme-dns alias, the serve command), hot swap under load, and the responder
# (DNS and API conformance, acme.sh as its client).
#   bash scripts/test-jdk25.sh        JDK 25 from JDK25_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64
set -euo pipefail
cd "$(dirname "$0")/.."
jdk=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if ! "$jdk/bin/java" -version 2>&1 | grep -q 'version "25'; then
  echo "test-jdk25: no JDK 25 at $jdk; install Temurin 25 (Debian: apt-get install temurin-25-jdk, from" \
    "Adoptium's apt repository packages.adoptium.net) or set JDK25_HOME to a JDK 25" >&2
  exit 1
fi
JAVA_HOME=$jdk mvn -B -ntp verify \
  -Dit.test='Http01IssuanceIT,DnsPersistIT,AcmeDnsAliasIT,ServeCommandIT,HotSwapUnderLoadIT,DnsConformanceIT,ApiConformanceIT,AcmeShClientIT'

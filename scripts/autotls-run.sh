#!/usr/bin/env bash
# Runs target/autotls.jar (serve, acme-dns, records, ...) with the JVM's start-up cache, so a start
# loads the library's classes from a cache instead of from the jar:
#   JDK 25 and later: an AOT cache (JEP 483/514/515: -XX:AOTCacheOutput to train, -XX:AOTCache to use);
#   JDK 17 to 24:     a dynamic CDS archive (-XX:ArchiveClassesAtExit to train, -XX:SharedArchiveFile to use).
#
#   scripts/autotls-run.sh train serve [--SETTING=VALUE...]   the one-line training step: runs the command
#                                                              until it serves a CA's certificate (one issuance;
#                                                              a restart with stored ones: RUN_TRAIN_SECONDS,
#                                                              default 20), stops it, writes the cache
#   scripts/autotls-run.sh serve [--SETTING=VALUE...]          runs with the cache (without one if there is none)
#   scripts/autotls-run.sh acme-dns --config config.cfg        the same for the responder (train it the same way)
#
# java is $JAVA_HOME/bin/java, else the one on the PATH. -D settings and other JVM options go in
# JAVA_OPTS (they must be the same for training and use). The cache is
# RUN_CACHE_DIR/autotls-<command>-jdk<N>.{aot,jsa} (default: beside the jar), with a .stamp
# naming the jar's time and size and the JVM it was made for. A rebuilt jar (or another JVM)
# needs a new cache: the script then says so, runs without the stale one, and prints the line to
# train again. The JVM checks the cache itself too, and runs without it (with a warning) when it
# does not match.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jar=${RUN_JAR:-$here/target/autotls.jar}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
train=false
if [ "${1:-}" = train ]; then train=true; shift; fi
[ $# -gt 0 ] || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
command=$1
[ -f "$jar" ] || { echo "autotls-run: $jar is missing; build it with: mvn -DskipTests package (or set RUN_JAR)" >&2; exit 1; }
command -v "$java" >/dev/null || { echo "autotls-run: no java at '$java'; set JAVA_HOME to a JDK 17 or later" >&2; exit 1; }

# the JDK's release file says its version without starting a JVM (a start is what this script saves)
release=$(dirname "$(dirname "$(readlink -f "$(command -v "$java")")")")/release
if [ -f "$release" ] && grep -q '^JAVA_VERSION=' "$release"; then
  version_line="$(sed -n 's/^IMPLEMENTOR="\(.*\)"/\1/p' "$release") $(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$release")"
  feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
else
  version_line=$("$java" -version 2>&1 | head -n 1)
  feature=$(echo "$version_line" | sed -n 's/.*version "\([0-9]*\).*/\1/p')
fi
[ -n "$feature" ] && [ "$feature" -ge 17 ] || { echo "autotls-run: autotls needs JDK 17 or later; $java is: $version_line" >&2; exit 1; }
cache_dir=${RUN_CACHE_DIR:-$(dirname "$jar")}
if [ "$feature" -ge 25 ]; then cache=$cache_dir/autotls-$command-jdk$feature.aot; else cache=$cache_dir/autotls-$command-jdk$feature.jsa; fi
stamp_file=$cache.stamp
stamp="$(stat -c '%Y %s' "$jar") $version_line"
# shellcheck disable=SC2206 # the options are words, as on a java command line
opts=(${JAVA_OPTS:-})

if $train; then
  mkdir -p "$cache_dir"
  rm -f "$cache" "$cache.config" "$stamp_file"
  # -Xlog: the JVM lists every class it leaves out (old bytecode, JFR events) as a warning; keep only errors
  if [ "$feature" -ge 25 ]; then record=(-XX:AOTCacheOutput="$cache" -Xlog:aot=error); else record=(-XX:ArchiveClassesAtExit="$cache" -Xlog:cds=error); fi
  seconds=${RUN_TRAIN_SECONDS:-20}
  echo "autotls-run: training the start-up cache on '$*' (until a CA's certificate is served, at most $seconds s) ($version_line) -> $cache" >&2
  log=$(mktemp)
  "$java" "${record[@]}" "${opts[@]}" -jar "$jar" "$@" > >(tee "$log") 2>&1 &
  pid=$!
  trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
  for _ in $(seq 1 $(( seconds * 10 ))); do
    kill -0 "$pid" 2>/dev/null || break
    ! grep -q "Now serving the CA's certificate" "$log" || { sleep 1; break; } # a second more: the first handshakes
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true # a normal exit: the JVM writes the cache on its way out
  wait "$pid" || true
  [ -s "$cache" ] || { echo "autotls-run: the JVM wrote no cache at $cache (its output above says why)" >&2; exit 1; }
  echo "$stamp" > "$stamp_file"
  echo "autotls-run: wrote $cache; start with: scripts/autotls-run.sh $*" >&2
  exit 0
fi

use=()
if [ -f "$cache" ]; then
  if [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
    if [ "$feature" -ge 25 ]; then use=(-XX:AOTCache="$cache"); else use=(-XX:SharedArchiveFile="$cache"); fi
  else
    echo "autotls-run: $cache was made for another build of $(basename "$jar") or another JVM; running without it." >&2
    echo "autotls-run: train it again (once per build): scripts/autotls-run.sh train $*" >&2
  fi
fi
exec "$java" "${use[@]}" "${opts[@]}" -jar "$jar" "$@"

#!/usr/bin/env bash
# Fuzzing with Jazzer: each fuzz target (src/test/java/**/*Fuzzer.java) runs for a set time,
# one after the other, and the script prints per target how many inputs it ran and what it found.
#   bash scripts/fuzz.sh                  60 s per target
#   bash scripts/fuzz.sh 5                5 s per target (CI)
#   bash scripts/fuzz.sh 600 PemFuzzer    one target (or several) for ten minutes
# Everything it writes stays in target/fuzz/: the corpus grown per target (corpus/NAME, kept
# between runs), crashing inputs with a Java reproducer (crashes/NAME), the logs (logs/NAME.log).
# The seeds and the inputs of earlier findings are read from src/test/resources/fuzz/NAME/,
# which `mvn verify` also runs through each target (FuzzInputsTest).
# FUZZ_KEEP_GOING=N goes on after a finding until N distinct ones (default 1: stop at the first).
# Exits 1 when any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
out=$PWD/target/fuzz
mkdir -p "$out/tmp" "$out/work" "$out/logs"
: >"$out/no-hosts" # an empty hosts file: no input makes the JVM ask a DNS server (names in config.cfg)

if ! mvn -q -B -ntp -DskipTests test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >"$out/logs/build.log" 2>&1; then
  cat "$out/logs/build.log" >&2
  exit 2
fi
classpath="$PWD/target/test-classes:$PWD/target/classes:$(cat "$out/classpath.txt")"

targets=()
while IFS= read -r file; do
  name=$(basename "$file" .java)
  if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "$name"; then
    targets+=("$(echo "${file#src/test/java/}" | sed 's|/|.|g; s|\.java$||')")
  fi
done < <(find src/test/java -name '*Fuzzer.java' | sort)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz.sh: no fuzz target matches '$*'" >&2; exit 2; }

java=${JAVA_HOME:+$JAVA_HOME/bin/}java
seeds=$PWD/src/test/resources/fuzz
dictionaries=$PWD/src/test/resources/fuzz-dictionaries # words of a target's input language, where it has one
# Coverage where inputs are parsed: this library, dnsjava, Jackson's JSON and TOML readers,
# Bouncy Castle. Jetty only carries the API requests in, and Jackson's databind maps the tokens
# to trees: instrumenting them costs seconds at every start and teaches the fuzzer little.
not_instrumented='org.eclipse.jetty.**:org.slf4j.**:com.github.benmanes.caffeine.**:com.fasterxml.jackson.databind.**:com.fasterxml.jackson.annotation.**'
summary=()
failed=0
for target in "${targets[@]}"; do
  name=${target##*.}
  corpus=$out/corpus/$name
  crashes=$out/crashes/$name
  log=$out/logs/$name.log
  mkdir -p "$corpus" "$crashes"
  extra=()
  if grep -q 'class Hooks' "src/test/java/${target//.//}.java"; then
    extra+=("--custom_hooks=$target\$Hooks")
  fi
  if [ -f "$dictionaries/$name.dict" ]; then
    extra+=("-dict=$dictionaries/$name.dict")
  fi
  echo "=== $name: $seconds s"
  set +e
  (cd "$out/work" && "$java" -Xmx1g -Xss4m -XX:ErrorFile="$out/hs_err_%p.log" \
      -Djava.io.tmpdir="$out/tmp" -Djdk.net.hosts.file="$out/no-hosts" \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
      -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
      --target_class="$target" "${extra[@]}" --instrumentation_excludes="$not_instrumented" \
      --reproducer_path="$crashes" --keep_going="${FUZZ_KEEP_GOING:-1}" \
      -artifact_prefix="$crashes/" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 \
      -max_len=8192 -print_final_stats=1 \
      "$corpus" "$seeds/$name") >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -ao 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  [ -n "$runs" ] || runs=$(grep -ao '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
  # one line per distinct finding: an exception or assertion, or libFuzzer's timeout, out-of-memory, leak...
  found=$(grep -acE '^== Java Exception|^==[0-9]+== ERROR: libFuzzer' "$log" || true)
  if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then
    found=1 # ended badly without a report (the JVM died): the log says why
  fi
  line="$name: ${runs:-0} executions in $seconds s, $found finding(s)"
  [ "$found" -eq 0 ] || { line="$line; see $log and $crashes"; failed=1; }
  grep -aE '^== Java Exception|^==[0-9]+== ERROR: libFuzzer' "$log" | sed 's/^==[0-9]*== /== /; s/^/    /' || true
  echo "$line"
  summary+=("$line")
done

echo "=== fuzzing summary"
printf '%s\n' "${summary[@]}"
exit "$failed"

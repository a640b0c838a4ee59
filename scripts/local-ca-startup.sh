#!/usr/bin/env bash
# Time from starting `serve --domains=localhost` (no CA set, a new storage folder each run) to the
# first handshake that presents a certificate of the built-in local CA; prints each run and the
# median of RUNS (default 5). Needs target/autotls.jar (mvn -o package -DskipTests) and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
jar="${AUTOTLS_JAR:-target/autotls.jar}"
[ -f "$jar" ] || { echo "local-ca-startup: $jar is missing; build it with: mvn -o -B -ntp package -DskipTests" >&2; exit 1; }
command -v openssl >/dev/null || { echo "local-ca-startup: needs openssl (apt-get install openssl)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/local-ca-startup.XXXXXX")"
trap 'rm -rf "$work"' EXIT
. scripts/lib.sh
times=()
for run in $(seq 1 "$runs"); do
  { read -r https; read -r http; } < <(free_ports 2)
  start=$(date +%s%N)
  HOME="$work/home-$run" java -jar "$jar" serve --domains=localhost --https.port="$https" --http.port="$http" \
    --storage="$work/storage-$run" >"$work/serve-$run.log" 2>&1 &
  pid=$!
  deadline=$(( $(date +%s) + 60 ))
  until openssl s_client -connect "127.0.0.1:$https" -servername localhost </dev/null 2>/dev/null \
      | grep -q 'issuer=.*autotls local CA'; do
    if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "$pid" 2>/dev/null; then
      echo "local-ca-startup: run $run served no local certificate within 60 s; log:" >&2; cat "$work/serve-$run.log" >&2
      kill "$pid" 2>/dev/null || true; exit 1
    fi
    sleep 0.05 # a poll interval, so the probes do not take the CPU the JVM is starting on
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "run $run: ${ms} ms"
  times+=("$ms")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "serve --domains=localhost to a served local certificate: median ${median} ms of ${runs} runs"

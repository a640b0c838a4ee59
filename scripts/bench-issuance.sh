#!/usr/bin/env bash
# Issuance latency with dns-persist-01 against one local Pebble 2.10 (PEBBLE_VA_NOSLEEP=1,
# PEBBLE_WFE_NONCEREJECT=0), interleaved, RUNS runs each (default 5):
#   autotls: `java -jar target/autotls.jar serve` start -> first handshake with a Pebble certificate
#   acme.sh 3.1.5: `acme.sh --issue --dns-persist -d NAME`, whole process
# Both accounts' records are served by the built-in responder (authoritative for persist.test).
# Prints every run and the median, min and max.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
peers=$(bash scripts/peers.sh)
[ -f target/autotls.jar ] || mvn -q -B -DskipTests package

work=$(mktemp -d /tmp/autotls-bench-issuance.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. scripts/lib.sh

acme=$(free_port); mgmt=$(free_port); dns=$(free_port); api=$(free_port)
ca="https://127.0.0.1:$acme/dir"
pebble_listener_cert "$work"
cat > "$work/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$acme", "managementListenAddress": "127.0.0.1:$mgmt",
  "certificate": "$work/ca-cert.pem", "privateKey": "$work/ca-key.pem", "httpPort": $(free_port), "tlsPort": $(free_port),
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 "$peers/sid/usr/bin/pebble" -config "$work/pebble.json" \
  -dnsserver "127.0.0.1:$dns" > "$work/pebble.log" 2>&1 &
pids+=($!)
wait_for 30 curl -sf --cacert "$work/ca-cert.pem" "$ca" || { echo "bench: Pebble did not start" >&2; exit 1; }
curl -sf --cacert "$work/ca-cert.pem" "https://127.0.0.1:$mgmt/roots/0" > "$work/root.pem"

common=(-Dautotls.ca="$ca" -Dautotls.ca.trust="$work/ca-cert.pem" -Dautotls.storage="$work/storage"
        -Dautotls.challenge=dns-persist-01 -Dautotls.agree-tos=true -Dautotls.dns.resolvers="127.0.0.1:$dns"
        -Dautotls.http.port=off)
acmesh=(sh "$peers/sid/usr/share/acme.sh/acme.sh" --server "$ca" --ca-bundle "$work/ca-cert.pem" --home "$work/acme.sh"
        --config-home "$work/acme.sh" --no-color)
records=()
for i in $(seq 1 "$runs"); do
  records+=("$(java "${common[@]}" -Dautotls.domains="p$i.persist.test" -jar target/autotls.jar records 2>/dev/null)")
  value=$("${acmesh[@]}" --make-dns-persist-value -d "a$i.persist.test" 2>&1 | sed -n 's/.*TXT persist value :\(.*\)$/\1/p' | head -n 1)
  records+=("_validation-persist.a$i.persist.test. TXT $value")
done
{
  echo "[general]"; echo "listen = \"127.0.0.1:$dns\""; echo 'protocol = "both"'; echo 'domain = "persist.test"'
  echo 'records = ['; echo '  "persist.test. A 127.0.0.1",'; echo '  "*.persist.test. A 127.0.0.1",'
  for r in "${records[@]}"; do echo "  '$r',"; done
  echo ']'; echo '[database]'; echo "connection = \"$work/acme-dns.db\""; echo '[api]'; echo 'ip = "127.0.0.1"'
  echo "port = \"$api\""; echo 'tls = "none"'
} > "$work/config.cfg"
java -jar target/autotls.jar acme-dns --config "$work/config.cfg" > "$work/responder.log" 2>&1 &
pids+=($!)
wait_for 30 curl -sf "http://127.0.0.1:$api/health" || { echo "bench: the responder did not start" >&2; exit 1; }

autotls_ms=(); acmesh_ms=(); library_ms=()
for i in $(seq 1 "$runs"); do
  https=$(free_port)
  start=$(now_ms)
  java ${BENCH_JAVA_OPTS:-} "${common[@]}" -Dautotls.domains="p$i.persist.test" -Dautotls.https.port="$https" -jar target/autotls.jar serve \
    > "$work/serve-$i.log" 2>&1 &
  serve=$!
  if wait_for 60 curl -sf --cacert "$work/root.pem" --resolve "p$i.persist.test:$https:127.0.0.1" "https://p$i.persist.test:$https/"; then
    autotls_ms+=($(( $(now_ms) - start )))
    library_ms+=("$(sed -n 's/.*obtained in \([0-9]*\) ms.*/\1/p' "$work/serve-$i.log" | head -n 1)")
  else
    echo "autotls run $i failed; its log:" >&2; tail -n 20 "$work/serve-$i.log" >&2
  fi
  kill "$serve"; wait "$serve" 2>/dev/null || true
  [ -z "${BENCH_KEEP_LOG:-}" ] || cp "$work/serve-$i.log" "$BENCH_KEEP_LOG-$i.log"

  start=$(now_ms)
  if "${acmesh[@]}" --issue --dns-persist -d "a$i.persist.test" --dnssleep 1 > "$work/acmesh-$i.log" 2>&1; then
    acmesh_ms+=($(( $(now_ms) - start )))
  else
    echo "acme.sh run $i failed; its log:" >&2; tail -n 20 "$work/acmesh-$i.log" >&2
  fi
done

summary() { # label values...
  local label=$1; shift
  [ $# -gt 0 ] || { echo "$label: no successful run"; return; }
  printf '%s\n' "$@" | sort -n | awk -v label="$label" '{ v[NR] = $1 } END {
    printf "%s: runs %d, median %d ms, min %d ms, max %d ms\n", label, NR, v[int((NR + 1) / 2)], v[1], v[NR] }'
}
echo "runs (ms): autotls ${autotls_ms[*]:-}; in-library ${library_ms[*]:-}; acme.sh ${acmesh_ms[*]:-}"
summary "autotls serve start -> Pebble-issued handshake (dns-persist-01)" "${autotls_ms[@]}"
summary "autotls in-library, order start -> certificate published" "${library_ms[@]}"
summary "acme.sh 3.1.5 --issue --dns-persist, whole process" "${acmesh_ms[@]}"

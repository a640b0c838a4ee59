#!/usr/bin/env bash
# Issuance latency against one local Pebble 2.10 (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0),
# RUNS runs of each client (default 5), interleaved run by run, a fresh name every time:
#   autotls `serve` with dns-persist-01, with the acme-dns alias, with http-01;
#   lego 4.35 (dns-01 through its exec hook, publishing through the acme-dns API);
#   acme.sh 3.1.5 (dns-persist-01); Caddy 2.11 (http-01, tls-alpn-01 turned off).
# Whole-process time: process start -> first handshake that shows a Pebble-issued certificate
# (lego and acme.sh: process start -> exit 0, they serve nothing). In-library time (autotls):
# order start -> certificate published, from its own log. Then CONCURRENT_NAMES names (default
# 100, dns-persist-01) issued by one autotls instance: start -> all served.
# Every client keeps one ACME account over all its runs, as it would in use.
# The built-in responder is authoritative for persist.test and is Pebble's only DNS server.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
names=${CONCURRENT_NAMES:-100}
peers=$(bash scripts/peers.sh --bench)
[ -f target/autotls.jar ] || mvn -q -B -ntp -DskipTests package
sid="$peers/sid/usr/bin"

work=$(mktemp -d /tmp/autotls-bench-issuance.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
. scripts/lib.sh

acme=$(free_port); mgmt=$(free_port); dns=$(free_port); api=$(free_port); http=$(free_port)
ca="https://127.0.0.1:$acme/dir"
pebble_listener_cert "$work"
cat > "$work/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$acme", "managementListenAddress": "127.0.0.1:$mgmt",
  "certificate": "$work/ca-cert.pem", "privateKey": "$work/ca-key.pem", "httpPort": $http, "tlsPort": $(free_port),
  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 "$sid/pebble" -config "$work/pebble.json" -dnsserver "127.0.0.1:$dns" \
  > "$work/pebble.log" 2>&1 &
pids+=($!)
wait_for 30 curl -sf --cacert "$work/ca-cert.pem" "$ca" || { echo "bench: Pebble did not start" >&2; exit 1; }
curl -sf --cacert "$work/ca-cert.pem" "https://127.0.0.1:$mgmt/roots/0" > "$work/root.pem"

: > "$work/records.txt"
start_responder() { # the built-in responder with the records collected so far
  { echo "[general]"; echo "listen = \"127.0.0.1:$dns\""; echo 'protocol = "both"'; echo 'domain = "persist.test"'
    echo 'records = ['; echo '  "persist.test. A 127.0.0.1",'
    sed "s/.*/  '&',/" "$work/records.txt"
    echo ']'; echo '[database]'; echo "connection = \"$work/acme-dns.db\""; echo '[api]'; echo 'ip = "127.0.0.1"'
    echo "port = \"$api\""; echo 'tls = "none"'; echo '[autotls]'; echo 'registrations_per_minute = 100000'
  } > "$work/config.cfg"
  java -jar target/autotls.jar acme-dns --config "$work/config.cfg" >> "$work/responder.log" 2>&1 &
  responder=$!
  pids+=($responder)
  wait_for 30 curl -sf "http://127.0.0.1:$api/health" || { echo "bench: the responder did not start" >&2; exit 1; }
}
start_responder

settings=(-Dautotls.ca="$ca" -Dautotls.ca.trust="$work/ca-cert.pem" -Dautotls.storage="$work/autotls" -Dautotls.agree-tos=true
          -Dautotls.dns.resolvers="127.0.0.1:$dns" -Dautotls.acmedns.url="http://127.0.0.1:$api")
autotls=(java ${BENCH_JAVA_OPTS:-} "${settings[@]}") # BENCH_JAVA_OPTS: e.g. a JFR recording of each timed run
records=(java "${settings[@]}")
acmesh=(sh "$peers/sid/usr/share/acme.sh/acme.sh" --server "$ca" --ca-bundle "$work/ca-cert.pem" --home "$work/acme.sh"
        --config-home "$work/acme.sh" --no-color)
# the records each client needs, created once before the clock runs, as their owners would
for i in $(seq 1 "$runs"); do
  "${records[@]}" -Dautotls.challenge=dns-persist-01 -jar target/autotls.jar records "p$i.persist.test" 2>/dev/null | grep -v "^;" >> "$work/records.txt"
  "${records[@]}" -Dautotls.challenge=acme-dns -jar target/autotls.jar records "q$i.persist.test" 2>/dev/null | grep -v "^;" >> "$work/records.txt"
  value=$("${acmesh[@]}" --make-dns-persist-value -d "a$i.persist.test" 2>&1 | sed -n 's/.*TXT persist value :\(.*\)$/\1/p' | head -n 1)
  echo "_validation-persist.a$i.persist.test. TXT $value" >> "$work/records.txt"
  reg=$(curl -sf -X POST "http://127.0.0.1:$api/register")
  field() { echo "$reg" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
  # lego hands its hook the name at the end of the CNAME: the acme-dns subdomain itself
  echo "$(field fulldomain). $(field username) $(field password) $(field subdomain)" >> "$work/lego-accounts"
  echo "_acme-challenge.l$i.persist.test. CNAME $(field fulldomain)." >> "$work/records.txt"
  printf '%s.persist.test. A 127.0.0.1\n' "h$i" "c$i" >> "$work/records.txt" # the http-01 names, for Pebble's look-up
done
bulk=$(seq 1 "$names" | sed 's/.*/n&.persist.test/' | paste -sd,)
"${records[@]}" -Dautotls.challenge=dns-persist-01 -jar target/autotls.jar records ${bulk//,/ } 2>/dev/null | grep -v "^;" >> "$work/records.txt"
kill "$responder"; wait "$responder" 2>/dev/null || true
start_responder

cat > "$work/lego-hook.sh" <<HOOK
#!/bin/sh
# lego's exec hook: present|cleanup FQDN VALUE. Publishes VALUE through the acme-dns API.
[ "\$1" = present ] || exit 0
set -- \$(grep "^\$2 " "$work/lego-accounts") "\$3"
exec curl -sf -X POST -H "X-Api-User: \$2" -H "X-Api-Key: \$3" -d "{\"subdomain\":\"\$4\",\"txt\":\"\$5\"}" \
  "http://127.0.0.1:$api/update"
HOOK
chmod +x "$work/lego-hook.sh"

handshake() { # NAME PORT: whether NAME answers on PORT with a certificate from Pebble's root
  curl -sf -o /dev/null --cacert "$work/root.pem" --resolve "$1:$2:127.0.0.1" "https://$1:$2/"
}
# time_serve LABEL NAME LOG COMMAND...: runs a server until NAME shows a Pebble certificate
time_serve() {
  local label=$1 name=$2 port=$3 log=$4; shift 4
  echo "bench: process started $(date -u +%FT%T.%3NZ)" > "$log"
  local start; start=$(now_ms)
  "$@" >> "$log" 2>&1 &
  local pid=$!
  if wait_for 60 handshake "$name" "$port"; then
    eval "${label}_ms+=($(( $(now_ms) - start )))"
    echo "bench: handshake with the CA's certificate $(date -u +%FT%T.%3NZ)" >> "$log"
  else
    echo "$label run failed; its log:" >&2; tail -n 20 "$log" >&2
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
# time_exit LABEL LOG COMMAND...: runs a client to its exit 0
time_exit() {
  local label=$1 log=$2; shift 2
  local start; start=$(now_ms)
  if "$@" > "$log" 2>&1; then
    eval "${label}_ms+=($(( $(now_ms) - start )))"
  else
    echo "$label run failed; its log:" >&2; tail -n 20 "$log" >&2
  fi
}
in_library() { sed -n 's/.*obtained in \([0-9]*\) ms.*/\1/p' "$1" | head -n 1; }

persist_ms=(); alias_ms=(); http_ms=(); lego_ms=(); acmesh_ms=(); caddy_ms=()
persist_lib=(); alias_lib=(); http_lib=()
for i in $(seq 1 "$runs"); do
  https=$(free_port)
  time_serve persist "p$i.persist.test" "$https" "$work/persist-$i.log" "${autotls[@]}" -Dautotls.challenge=dns-persist-01 \
    -Dautotls.domains="p$i.persist.test" -Dautotls.https.port="$https" -Dautotls.http.port=off -jar target/autotls.jar serve
  persist_lib+=($(in_library "$work/persist-$i.log"))
  time_serve alias "q$i.persist.test" "$https" "$work/alias-$i.log" "${autotls[@]}" -Dautotls.challenge=acme-dns \
    -Dautotls.domains="q$i.persist.test" -Dautotls.https.port="$https" -Dautotls.http.port=off -jar target/autotls.jar serve
  alias_lib+=($(in_library "$work/alias-$i.log"))
  time_serve http "h$i.persist.test" "$https" "$work/http-$i.log" "${autotls[@]}" -Dautotls.challenge=http-01 \
    -Dautotls.domains="h$i.persist.test" -Dautotls.https.port="$https" -Dautotls.http.port="$http" -jar target/autotls.jar serve
  http_lib+=($(in_library "$work/http-$i.log"))
  time_exit lego "$work/lego-$i.log" env LEGO_CA_CERTIFICATES="$work/ca-cert.pem" EXEC_PATH="$work/lego-hook.sh" \
    EXEC_POLLING_INTERVAL=1 EXEC_PROPAGATION_TIMEOUT=60 "$sid/lego" --server "$ca" --email bench@example.test --accept-tos \
    --path "$work/lego" --dns exec --dns.resolvers "127.0.0.1:$dns" --dns.propagation-disable-ans -d "l$i.persist.test" run
  time_exit acmesh "$work/acmesh-$i.log" "${acmesh[@]}" --issue --dns-persist -d "a$i.persist.test" --dnssleep 1
  cat > "$work/Caddyfile" <<CADDY
{
	admin off
	http_port $http
	https_port $https
	storage file_system $work/caddy
	skip_install_trust
	ocsp_stapling off
}
c$i.persist.test {
	tls {
		issuer acme {
			dir $ca
			trusted_roots $work/ca-cert.pem
			disable_tlsalpn_challenge
		}
	}
	respond "ok"
}
CADDY
  time_serve caddy "c$i.persist.test" "$https" "$work/caddy-$i.log" env HOME="$work" XDG_DATA_HOME="$work/caddy-data" \
    XDG_CONFIG_HOME="$work/caddy-config" "$sid/caddy" run --config "$work/Caddyfile" --adapter caddyfile
done

# one instance, many names: process start -> every name served (each its own certificate and order)
https=$(free_port)
start=$(now_ms)
"${autotls[@]}" -Dautotls.challenge=dns-persist-01 -Dautotls.domains="$bulk" -Dautotls.https.port="$https" \
  -Dautotls.http.port=off -jar target/autotls.jar serve > "$work/bulk.log" 2>&1 &
bulk_pid=$!
pids+=($bulk_pid)
served() { [ "$(grep -c 'Now serving the CA' "$work/bulk.log")" -ge "$names" ]; }
if wait_for 300 served && handshake "n$names.persist.test" "$https"; then
  bulk_ms=$(( $(now_ms) - start ))
else
  bulk_ms=; echo "the $names-name run did not finish; its log:" >&2; tail -n 20 "$work/bulk.log" >&2
fi
kill "$bulk_pid"; wait "$bulk_pid" 2>/dev/null || true

row() { # LABEL CHALLENGE MEASURE VALUES...: a table row, and a chart line for whole-process figures
  local label=$1 challenge=$2 measure=$3; shift 3
  read -r n median min max <<< "$(stats "$@")"
  printf '%-16s %-15s %-34s runs %d  median %6s ms  min %6s ms  max %6s ms   (%s)\n' \
    "$label" "$challenge" "$measure" "$n" "$median" "$min" "$max" "$*"
  report issuance.md "| $label | $challenge | $measure | $n | $median | $min | $max |"
  [ "$measure" != "whole process" ] || [ "$n" = 0 ] || report issuance.tsv "$label ($challenge)	$median	$min	$max"
}
cmd="RUNS=$runs CONCURRENT_NAMES=$names bash scripts/bench-issuance.sh"
echo "== issuance latency, ms ($cmd)"
report issuance.md "Command: \`$cmd\`. Pebble 2.10 with PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0; runs interleaved." "" \
  "| Client | Challenge | Measured | Runs | Median ms | Min ms | Max ms |" "|---|---|---|---|---|---|---|"
row autotls dns-persist-01 "in-library (order -> published)" "${persist_lib[@]}"
row autotls acme-dns-alias "in-library (order -> published)" "${alias_lib[@]}"
row autotls http-01 "in-library (order -> published)" "${http_lib[@]}"
row autotls dns-persist-01 "whole process" "${persist_ms[@]}"
row autotls acme-dns-alias "whole process" "${alias_ms[@]}"
row autotls http-01 "whole process" "${http_ms[@]}"
row "lego 4.35" "dns-01 (exec)" "whole process" "${lego_ms[@]}"
row "acme.sh 3.1.5" dns-persist-01 "whole process" "${acmesh_ms[@]}"
row "Caddy 2.11" http-01 "whole process" "${caddy_ms[@]}"
if [ -n "$bulk_ms" ]; then
  rate=$(awk -v n="$names" -v ms="$bulk_ms" 'BEGIN { printf "%.1f", n * 1000 / ms }')
  echo "autotls, $names names in one instance (dns-persist-01): start -> all served $bulk_ms ms, $rate orders/s"
  report issuance.md "" "One autotls instance, $names names (one certificate each, dns-persist-01): process start to" \
    "all $names served **$bulk_ms ms**, **$rate orders/s**."
fi

median() { stats "$@" | awk '{ print $2 }'; }
caddy=$(median "${caddy_ms[@]}")
report issuance.md "" "Targets:"
target issuance.md "autotls dns-persist-01 in-library median, ms" "$(median "${persist_lib[@]}")" "<=" 150
target issuance.md "autotls acme-dns alias in-library median, ms" "$(median "${alias_lib[@]}")" "<=" 150
target issuance.md "autotls http-01 in-library median, ms" "$(median "${http_lib[@]}")" "<=" 150
target issuance.md "autotls dns-persist-01 whole-process median versus Caddy's, ms" "$(median "${persist_ms[@]}")" "<=" "$caddy"
target issuance.md "autotls acme-dns alias whole-process median versus Caddy's, ms" "$(median "${alias_ms[@]}")" "<=" "$caddy"
target issuance.md "autotls http-01 whole-process median versus Caddy's, ms" "$(median "${http_ms[@]}")" "<=" "$caddy"
tenth() { local m; m=$(median "$@"); [ "$m" = - ] && echo - || echo $(( m / 10 )); }
target issuance.md "autotls dns-persist-01 whole-process median versus 1/10 of lego's, ms" "$(median "${persist_ms[@]}")" "<=" \
  "$(tenth "${lego_ms[@]}")"
target issuance.md "autotls dns-persist-01 whole-process median versus 1/10 of acme.sh's, ms" "$(median "${persist_ms[@]}")" "<=" \
  "$(tenth "${acmesh_ms[@]}")"
target issuance.md "$names names in one instance, ms" "${bulk_ms:--}" "<=" 10000

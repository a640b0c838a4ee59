#!/usr/bin/env bash
# Issuance latency against one local Pebble 2.10 (PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0),
# RUNS runs of each client (default 5), interleaved run by run, a fresh name every time:
#   autotls `serve` with dns-persist-01, with the acme-dns alias, with http-01, each on JDK 17 and
#   on JDK 25 (JDK25_HOME), started by scripts/autotls-run.sh with its start-up cache (CDS on 17,
#   the AOT cache on 25), trained first on one http-01 issuance of a name of its own;
#   lego 4.35 (dns-01 through its exec hook, publishing through the acme-dns API);
#   acme.sh 3.1.5 (dns-persist-01); Caddy 2.11 (http-01, tls-alpn-01 turned off).
# Whole-process time: process start -> first handshake that shows a Pebble-issued certificate
# (lego and acme.sh: process start -> exit 0, they serve nothing). In-library time (autotls):
# order start -> certificate published, from its own log. Then CONCURRENT_NAMES names (default
# 100, dns-persist-01) issued by one autotls instance on each JDK: start -> all served.
# Every client keeps one ACME account over all its runs, as it would in use.
# The built-in responder is authoritative for persist.test and is Pebble's only DNS server.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
names=${CONCURRENT_NAMES:-100}
peers=$(bash scripts/peers.sh --bench)
[ -f target/autotls.jar ] || mvn -q -B -ntp -DskipTests package
sid="$peers/sid/usr/bin"
jdk17=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
jdk25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
grep -q '^JAVA_VERSION="17' "$jdk17/release" 2>/dev/null || { echo "bench: the java on the PATH ($jdk17) is not JDK 17" >&2; exit 1; }
grep -q '^JAVA_VERSION="25' "$jdk25/release" 2>/dev/null || { echo "bench: no JDK 25 at $jdk25; install Temurin 25" \
  "(Debian: apt-get install temurin-25-jdk, from packages.adoptium.net) or set JDK25_HOME" >&2; exit 1; }
jdks=(17 25)

work=$(mktemp -d /tmp/autotls-bench-issuance.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
. scripts/lib.sh

{ read -r acme; read -r mgmt; read -r dns; read -r api; read -r http; read -r pebble_tls; } < <(free_ports 6)
ca="https://127.0.0.1:$acme/dir"
pebble_listener_cert "$work"
cat > "$work/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$acme", "managementListenAddress": "127.0.0.1:$mgmt",
  "certificate": "$work/ca-cert.pem", "privateKey": "$work/ca-key.pem", "httpPort": $http, "tlsPort": $pebble_tls,
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
records=(java "${settings[@]}")
# autotls J OPTION...: `serve` on JDK J through the launcher, with its cache; BENCH_JAVA_OPTS: e.g. -Xlog:class+load
autotls() {
  local j=$1; shift
  local home=$jdk17; [ "$j" = 25 ] && home=$jdk25
  # exec: the process time_serve started and stops is the JVM itself (the launcher execs java too)
  exec env JAVA_HOME="$home" RUN_CACHE_DIR="$work/cache" JAVA_OPTS="${BENCH_JAVA_OPTS:-} ${settings[*]}" \
    bash scripts/autotls-run.sh serve "$@"
}
acmesh=(sh "$peers/sid/usr/share/acme.sh/acme.sh" --server "$ca" --ca-bundle "$work/ca-cert.pem" --home "$work/acme.sh"
        --config-home "$work/acme.sh" --no-color)
# the records each client needs, created once before the clock runs, as their owners would
printf 't%s.persist.test. A 127.0.0.1\n' "${jdks[@]}" >> "$work/records.txt" # the training names (http-01)
for i in $(seq 1 "$runs"); do
  for j in "${jdks[@]}"; do
    "${records[@]}" -Dautotls.challenge=dns-persist-01 -jar target/autotls.jar records "p$i-$j.persist.test" 2>/dev/null | grep -v "^;" >> "$work/records.txt"
    "${records[@]}" -Dautotls.challenge=acme-dns -jar target/autotls.jar records "q$i-$j.persist.test" 2>/dev/null | grep -v "^;" >> "$work/records.txt"
    printf 'h%s-%s.persist.test. A 127.0.0.1\n' "$i" "$j" >> "$work/records.txt"
  done
  value=$("${acmesh[@]}" --make-dns-persist-value -d "a$i.persist.test" 2>&1 | sed -n 's/.*TXT persist value :\(.*\)$/\1/p' | head -n 1)
  echo "_validation-persist.a$i.persist.test. TXT $value" >> "$work/records.txt"
  reg=$(curl -sf -X POST "http://127.0.0.1:$api/register")
  field() { echo "$reg" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
  # lego hands its hook the name at the end of the CNAME: the acme-dns subdomain itself
  echo "$(field fulldomain). $(field username) $(field password) $(field subdomain)" >> "$work/lego-accounts"
  echo "_acme-challenge.l$i.persist.test. CNAME $(field fulldomain)." >> "$work/records.txt"
  printf '%s.persist.test. A 127.0.0.1\n' "c$i" >> "$work/records.txt" # Caddy's http-01 name, for Pebble's look-up
done
for j in "${jdks[@]}"; do
  bulk=$(seq 1 "$names" | sed "s/.*/n&-$j.persist.test/" | paste -sd,)
  "${records[@]}" -Dautotls.challenge=dns-persist-01 -jar target/autotls.jar records ${bulk//,/ } 2>/dev/null | grep -v "^;" >> "$work/records.txt"
done
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

# the start-up caches, each trained on one http-01 issuance (the launcher's one-line training step)
for j in "${jdks[@]}"; do
  home=$jdk17; [ "$j" = 25 ] && home=$jdk25
  env JAVA_HOME="$home" RUN_CACHE_DIR="$work/cache" JAVA_OPTS="${settings[*]}" bash scripts/autotls-run.sh train serve \
    --challenge=http-01 --domains="t$j.persist.test" --https.port="$(free_port)" --http.port="$http" > "$work/train-$j.log" 2>&1 \
    || { echo "bench: training the JDK $j cache failed; its log:" >&2; tail -n 20 "$work/train-$j.log" >&2; exit 1; }
done

lego_ms=(); acmesh_ms=(); caddy_ms=()
for j in "${jdks[@]}"; do
  eval "persist${j}_ms=(); alias${j}_ms=(); http${j}_ms=(); persist${j}_lib=(); alias${j}_lib=(); http${j}_lib=()"
done
for i in $(seq 1 "$runs"); do
  https=$(free_port)
  for j in "${jdks[@]}"; do
    time_serve "persist$j" "p$i-$j.persist.test" "$https" "$work/persist$j-$i.log" autotls "$j" --challenge=dns-persist-01 \
      --domains="p$i-$j.persist.test" --https.port="$https" --http.port=off
    eval "persist${j}_lib+=($(in_library "$work/persist$j-$i.log"))"
    time_serve "alias$j" "q$i-$j.persist.test" "$https" "$work/alias$j-$i.log" autotls "$j" --challenge=acme-dns \
      --domains="q$i-$j.persist.test" --https.port="$https" --http.port=off
    eval "alias${j}_lib+=($(in_library "$work/alias$j-$i.log"))"
    time_serve "http$j" "h$i-$j.persist.test" "$https" "$work/http$j-$i.log" autotls "$j" --challenge=http-01 \
      --domains="h$i-$j.persist.test" --https.port="$https" --http.port="$http"
    eval "http${j}_lib+=($(in_library "$work/http$j-$i.log"))"
  done
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
for j in "${jdks[@]}"; do
  https=$(free_port)
  bulk=$(seq 1 "$names" | sed "s/.*/n&-$j.persist.test/" | paste -sd,)
  start=$(now_ms)
  autotls "$j" --challenge=dns-persist-01 --domains="$bulk" --https.port="$https" --http.port=off > "$work/bulk$j.log" 2>&1 &
  bulk_pid=$!
  pids+=($bulk_pid)
  served() { [ "$(grep -c 'Now serving the CA' "$work/bulk$j.log")" -ge "$names" ]; }
  if wait_for 300 served && handshake "n$names-$j.persist.test" "$https"; then
    eval "bulk${j}_ms=$(( $(now_ms) - start ))"
  else
    eval "bulk${j}_ms="; echo "the $names-name run on JDK $j did not finish; its log:" >&2; tail -n 20 "$work/bulk$j.log" >&2
  fi
  kill "$bulk_pid"; wait "$bulk_pid" 2>/dev/null || true
done
# signed requests (POSTs) Pebble received per order in the last many-names run
posts=$(awk -v from="$(sed -n 's/^.*\([0-9][0-9]:[0-9][0-9]:[0-9][0-9]\)\.[0-9]*Z \[main\].*/\1/p' "$work/bulk25.log" | head -n 1)" \
  '$3 >= from && / POST / && /calling handler/' "$work/pebble.log" | wc -l)

row() { # LABEL CHALLENGE MEASURE VALUES17... -- VALUES25...: a table row (JDK 17 and 25 columns), chart lines
  local label=$1 challenge=$2 measure=$3; shift 3
  local a=() b=() seen=false v
  for v in "$@"; do if [ "$v" = -- ]; then seen=true; elif $seen; then b+=("$v"); else a+=("$v"); fi; done
  read -r n median min max <<< "$(stats "${a[@]}")"
  read -r n25 median25 min25 max25 <<< "$(stats "${b[@]}")"
  printf '%-16s %-15s %-32s JDK 17: runs %d median %6s min %6s max %6s | JDK 25: runs %d median %6s min %6s max %6s\n' \
    "$label" "$challenge" "$measure" "$n" "$median" "$min" "$max" "$n25" "$median25" "$min25" "$max25"
  report issuance.md "| $label | $challenge | $measure | $n | $median | $min | $max | $median25 | $min25 | $max25 |"
  if [ "$measure" = "whole process" ]; then
    [ "$n" = 0 ] || report issuance.tsv "$label ($challenge$( [ "$n25" = 0 ] || echo ', JDK 17'))	$median	$min	$max"
    [ "$n25" = 0 ] || report issuance.tsv "$label ($challenge, JDK 25)	$median25	$min25	$max25"
  fi
}
cmd="RUNS=$runs CONCURRENT_NAMES=$names bash scripts/bench-issuance.sh"
echo "== issuance latency, ms ($cmd)"
report issuance.md "Command: \`$cmd\`. Pebble 2.10 with PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0; runs interleaved." \
  "autotls ran through \`scripts/autotls-run.sh serve\` with its start-up cache trained on one http-01 issuance:" \
  "a CDS archive on JDK 17 ($(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk17/release")), an AOT cache on JDK 25" \
  "($(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk25/release")). The peers are not Java: their figures stand in the first columns." "" \
  "| Client | Challenge | Measured | Runs | Median ms (JDK 17) | Min | Max | Median ms (JDK 25) | Min | Max |" \
  "|---|---|---|---|---|---|---|---|---|---|"
row autotls dns-persist-01 "in-library (order -> published)" "${persist17_lib[@]}" -- "${persist25_lib[@]}"
row autotls acme-dns-alias "in-library (order -> published)" "${alias17_lib[@]}" -- "${alias25_lib[@]}"
row autotls http-01 "in-library (order -> published)" "${http17_lib[@]}" -- "${http25_lib[@]}"
row autotls dns-persist-01 "whole process" "${persist17_ms[@]}" -- "${persist25_ms[@]}"
row autotls acme-dns-alias "whole process" "${alias17_ms[@]}" -- "${alias25_ms[@]}"
row autotls http-01 "whole process" "${http17_ms[@]}" -- "${http25_ms[@]}"
row "lego 4.35" "dns-01 (exec)" "whole process" "${lego_ms[@]}"
row "acme.sh 3.1.5" dns-persist-01 "whole process" "${acmesh_ms[@]}"
row "Caddy 2.11" http-01 "whole process" "${caddy_ms[@]}"
for j in "${jdks[@]}"; do
  eval "ms=\${bulk${j}_ms:-}"
  if [ -n "$ms" ]; then
    rate=$(awk -v n="$names" -v ms="$ms" 'BEGIN { printf "%.1f", n * 1000 / ms }')
    echo "autotls, $names names in one instance (dns-persist-01, JDK $j): start -> all served $ms ms, $rate orders/s"
    report issuance.md "" "One autotls instance, $names names (one certificate each, dns-persist-01), JDK $j: process start to" \
      "all $names served **$ms ms**, **$rate orders/s**."
  fi
done
per_order=$(awk -v p="$posts" -v n="$names" 'BEGIN { printf "%.1f", p / n }')
echo "signed requests per order (the JDK 25 many-names run, from Pebble's log): $per_order"
report issuance.md "" "Signed requests (POSTs) per order in the JDK 25 many-names run, counted in Pebble's log: **$per_order**" \
  "(new order, authorization, challenge, authorization polls, finalize, order poll, certificate)."

median() { stats "$@" | awk '{ print $2 }'; }
caddy=$(median "${caddy_ms[@]}")
times() { [ "$caddy" = - ] && echo - || awk -v c="$caddy" -v f="$1" 'BEGIN { printf "%d", c * f }'; }
report issuance.md "" "Targets:"
for j in "${jdks[@]}"; do
  for strategy in persist:dns-persist-01 alias:acme-dns-alias http:http-01; do
    eval "values=(\"\${${strategy%%:*}${j}_lib[@]}\")"
    target issuance.md "autotls ${strategy#*:} in-library median on JDK $j, ms" "$(median "${values[@]}")" "<=" 400
  done
done
target issuance.md "autotls http-01 whole-process median on JDK 25 versus 2.0 x Caddy's, ms" "$(median "${http25_ms[@]}")" "<=" "$(times 2.0)"
target issuance.md "autotls http-01 whole-process median on JDK 17 versus 3.0 x Caddy's, ms" "$(median "${http17_ms[@]}")" "<=" "$(times 3.0)"
for j in "${jdks[@]}"; do
  eval "ms=\${bulk${j}_ms:-}"
  target issuance.md "$names names in one instance on JDK $j, ms" "${ms:--}" "<=" 5000
done

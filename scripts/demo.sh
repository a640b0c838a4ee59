#!/usr/bin/env bash
# The local demo, start to finish on one machine, nothing to configure:
#   1. a private test CA (Pebble, Let's Encrypt's test CA, from Debian's packages);
#   2. this host's ACME account, and the one dns-persist-01 record it needs (`records`);
#   3. the built-in acme-dns responder as the authoritative DNS server of demo.test,
#      holding that record (as your DNS provider would);
#   4. the demo site with autotls using dns-persist-01, for demo.test and *.demo.test.
# Ends by printing the served certificate and a curl command that verifies it.
#   bash scripts/demo.sh          run, show, stop everything
#   bash scripts/demo.sh --keep   keep the site, the DNS server and the CA running until Ctrl-C
# Needs java (17+), Maven, curl and openssl; fetches Pebble itself (scripts/peers.sh --demo).
# Everything it writes goes to target/demo/ (logs, the test CA's root, the demo's storage).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
[ "${1:-}" = "--keep" ] && keep=true

. scripts/lib.sh
need java openjdk-17-jdk-headless
need mvn maven
need curl curl
need openssl openssl
java_major=$(java -version 2>&1 | sed -nE '1s/.*version "(1\.)?([0-9]+).*/\2/p')
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  echo "demo: needs Java 17 or newer, found: $(java -version 2>&1 | head -n 1); install it (Debian: apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi

work=target/demo
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

peers=$(bash scripts/peers.sh --demo 2> "$work/peers.log") || {
  echo "demo: could not fetch Pebble 2.10 (Debian sid package pebble) with scripts/peers.sh --demo:" >&2
  tail -n 5 "$work/peers.log" >&2; exit 1; }
if [ ! -f target/autotls.jar ]; then
  echo "0. Building target/autotls.jar (mvn package, about a minute; log in target/demo/build.log)"
  # -B and style.color keep Maven's colours off, but Maven 3.8's console library still writes reset codes
  # (ESC[0m) into a redirected log: strip every escape sequence on the way into the log
  { mvn -B -q -ntp -Dstyle.color=never -DskipTests package 2>&1; echo "maven exit $?"; } \
    | sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' > "$work/build.log"
  if ! tail -n 1 "$work/build.log" | grep -qx "maven exit 0"; then
    echo "demo: the build failed; the end of target/demo/build.log:" >&2
    tail -n 20 "$work/build.log" >&2; exit 1
  fi
fi

pids=()
cleanup() {
  for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

await() { # description, seconds, command...
  local what=$1; shift
  wait_for "$@" || { echo "demo: gave up waiting for $what; the logs (in target/demo/):" >&2; tail -n 20 "$work"/*.log >&2 || true; exit 1; }
}

{ read -r acme; read -r mgmt; read -r dns; read -r api; read -r https; read -r pebble_http; read -r pebble_tls; } < <(free_ports 7)
name=demo.test
ca="https://127.0.0.1:$acme/dir"
settings=(--domains="$name,*.$name" --ca="$ca" --ca.trust="$work/ca-cert.pem"
          --storage="$work/storage" --challenge=dns-persist-01 --agree-tos
          --dns.resolvers="127.0.0.1:$dns" --http.port=off --https.port="$https")

pebble_listener_cert "$work"
cat > "$work/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$acme", "managementListenAddress": "127.0.0.1:$mgmt",
  "certificate": "$work/ca-cert.pem", "privateKey": "$work/ca-key.pem",
  "httpPort": $pebble_http, "tlsPort": $pebble_tls, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON

echo "1. A private test CA (Pebble 2.10) on 127.0.0.1, validating through the DNS server of step 3"
PEBBLE_VA_NOSLEEP=1 "$peers/sid/usr/bin/pebble" -config "$work/pebble.json" -dnsserver "127.0.0.1:$dns" > "$work/pebble.log" 2>&1 &
pids+=($!)
await "the test CA" 30 curl -sf --cacert "$work/ca-cert.pem" "$ca"
curl -sf --cacert "$work/ca-cert.pem" "https://127.0.0.1:$mgmt/roots/0" > "$work/test-ca-root.pem"

echo "2. The one DNS record to create, from: java -jar target/autotls.jar records --domains=$name,*.$name ..."
record=$(java -jar target/autotls.jar records "${settings[@]}" 2> "$work/records.log" | grep -v "^;" || true)
[ -n "$record" ] || { echo "demo: records printed nothing:" >&2; cat "$work/records.log" >&2; exit 1; }
echo "   $record"

echo "3. The built-in acme-dns responder serving $name with that record (port $dns)"
cat > "$work/config.cfg" <<CFG
[general]
listen = "127.0.0.1:$dns"
protocol = "both"
domain = "$name"
nsname = "$name"
nsadmin = "admin.$name"
records = [
  "$name. A 127.0.0.1",
  "*.$name. A 127.0.0.1",
  '$record',
]
[database]
engine = "sqlite3"
connection = "$work/acme-dns.db"
[api]
ip = "127.0.0.1"
port = "$api"
tls = "none"
CFG
java -jar target/autotls.jar acme-dns --config "$work/config.cfg" > "$work/responder.log" 2>&1 &
pids+=($!)
await "the DNS server" 30 curl -sf "http://127.0.0.1:$api/health"

echo "4. The demo site with autotls (dns-persist-01), HTTPS on port $https"
started=$(now_ms)
java -jar target/autotls.jar serve "${settings[@]}" > "$work/serve.log" 2>&1 &
pids+=($!)
await "a certificate from the test CA" 60 \
  curl -sf --cacert "$work/test-ca-root.pem" --resolve "$name:$https:127.0.0.1" "https://$name:$https/"
elapsed=$(( $(now_ms) - started ))

echo "5. HTTPS is served with the test CA's certificate, $elapsed ms after the site started:"
openssl s_client -connect "127.0.0.1:$https" -servername "www.$name" </dev/null 2>/dev/null \
  | openssl x509 -noout -issuer -enddate -ext subjectAltName | sed 's/^/   /'
echo "   https://www.$name says: $(curl -s --cacert "$work/test-ca-root.pem" --resolve "www.$name:$https:127.0.0.1" "https://www.$name:$https/")"
echo "   What autotls logged:"
grep -E 'AutoTls|CertificateManager|OrderFlow|AccountService' "$work/serve.log" | sed -E 's/^.*(INFO|WARN) [^ ]+ - /     /'
if $keep; then
  echo "6. Verify it yourself (the test CA's root is in target/demo/test-ca-root.pem):"
  echo "   curl --cacert target/demo/test-ca-root.pem --resolve www.$name:$https:127.0.0.1 https://www.$name:$https/"
  echo "   Ctrl-C stops the site, the DNS server and the CA."
  wait "${pids[-1]}"
else
  echo "6. Verify it yourself: bash scripts/demo.sh --keep, then the curl command it prints:"
  echo "   curl --cacert target/demo/test-ca-root.pem --resolve www.$name:<port>:127.0.0.1 https://www.$name:<port>/"
fi

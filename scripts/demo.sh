#!/usr/bin/env bash
# The local demo: a private test CA (Pebble, from Debian's packages) on loopback, and the
# autotls demo site obtaining a certificate from it, exactly as it would from Let's Encrypt.
# Ends by printing the served certificate and a curl command that verifies it.
#   bash scripts/demo.sh          run, show, stop everything
#   bash scripts/demo.sh --keep   keep the site and the CA running until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/.."
keep=false
[ "${1:-}" = "--keep" ] && keep=true

need() { command -v "$1" >/dev/null 2>&1 || { echo "demo: '$1' is missing; install it (Debian: apt-get install $2)" >&2; exit 1; }; }
need curl curl
need openssl openssl
need java openjdk-17-jre-headless

peers=$(bash scripts/peers.sh)
[ -f target/autotls.jar ] || { echo "demo: building target/autotls.jar" >&2; mvn -q -B -DskipTests package; }

work=$(mktemp -d /tmp/autotls-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
wait_for() { # description, seconds, command...
  local what=$1 limit=$2; shift 2
  local deadline=$(( SECONDS + limit ))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS > deadline )); then echo "demo: gave up waiting for $what; logs in $work" >&2; trap - EXIT; exit 1; fi
    sleep 0.1
  done
}

acme=$(free_port); mgmt=$(free_port); dns=$(free_port); http=$(free_port); https=$(free_port); ctl=$(free_port)
name=demo.test

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$work/ca-key.pem" -out "$work/ca-cert.pem" 2>/dev/null
cat > "$work/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$acme", "managementListenAddress": "127.0.0.1:$mgmt",
  "certificate": "$work/ca-cert.pem", "privateKey": "$work/ca-key.pem",
  "httpPort": $http, "tlsPort": $(free_port), "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON

echo "1. Starting a private test CA (Pebble) and its DNS server on 127.0.0.1"
"$peers/sid/usr/bin/pebble-challtestsrv" -dnsserver "127.0.0.1:$dns" -management "127.0.0.1:$ctl" \
  -http01 "" -https01 "" -tlsalpn01 "" -doh "" -defaultIPv6 "" > "$work/dns.log" 2>&1 &
pids+=($!)
PEBBLE_VA_NOSLEEP=1 "$peers/sid/usr/bin/pebble" -config "$work/pebble.json" -dnsserver "127.0.0.1:$dns" > "$work/pebble.log" 2>&1 &
pids+=($!)
wait_for "the test CA" 30 curl -sf --cacert "$work/ca-cert.pem" "https://127.0.0.1:$acme/dir"
curl -sf --cacert "$work/ca-cert.pem" "https://127.0.0.1:$mgmt/roots/0" > "$work/test-ca-root.pem"

echo "2. Starting the autotls demo site for $name (HTTPS $https, HTTP $http), CA https://127.0.0.1:$acme/dir"
started=$(date +%s%N)
java -Dautotls.domains="$name" -Dautotls.ca="https://127.0.0.1:$acme/dir" -Dautotls.ca.trust="$work/ca-cert.pem" \
     -Dautotls.storage="$work/storage" -Dautotls.challenge=http-01 -Dautotls.agree-tos=true \
     -Dautotls.http.port="$http" -Dautotls.https.port="$https" -jar target/autotls.jar serve > "$work/serve.log" 2>&1 &
pids+=($!)
wait_for "a certificate from the test CA" 60 \
  curl -sf --cacert "$work/test-ca-root.pem" --resolve "$name:$https:127.0.0.1" "https://$name:$https/"
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))

echo "3. HTTPS is served with a certificate from the test CA, $elapsed ms after start:"
openssl s_client -connect "127.0.0.1:$https" -servername "$name" </dev/null 2>/dev/null \
  | openssl x509 -noout -subject -issuer -enddate -ext subjectAltName | sed 's/^/   /'
echo "   The site says: $(curl -s --cacert "$work/test-ca-root.pem" --resolve "$name:$https:127.0.0.1" "https://$name:$https/")"
echo "   What autotls logged:"
grep -E 'autotls|CertificateManager|OrderFlow|AccountService' "$work/serve.log" | sed -E 's/^.*(INFO|WARN) [^ ]+ - /     /'
if $keep; then
  cp "$work/test-ca-root.pem" ./test-ca-root.pem
  echo "4. Verify it yourself (the test CA's root is in ./test-ca-root.pem):"
  echo "   curl --cacert test-ca-root.pem --resolve $name:$https:127.0.0.1 https://$name:$https/"
  echo "   Ctrl-C stops the site and the CA."
  wait "${pids[-1]}"
else
  echo "4. Verify it yourself: bash scripts/demo.sh --keep, then"
  echo "   curl --cacert test-ca-root.pem --resolve $name:<https port>:127.0.0.1 https://$name:<https port>/"
fi

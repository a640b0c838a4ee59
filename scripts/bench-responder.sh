#!/usr/bin/env bash
# Measures the built-in acme-dns responder beside knot, in one run on this machine:
#   1. UDP TXT look-ups with dnsperf for 10 s, against the responder and against knot
#      serving the same 100 TXT records, as fast as each goes; then both at half the
#      responder's maximum rate (-Q), where nothing may be lost, with latency percentiles.
#      Raw speed: the responder runs with response rate limiting off (rrl_responses_per_second
#      = 0), since one dnsperf client asks each name far faster than the limit allows;
#   2. the same look-ups, and a flood of one name at 20,000 a second (a reflection attack's
#      shape), against a second responder on the same database with the default settings,
#      rate limiting on: what a flooding client gets, and what the responder held back;
#   3. POST /update with valid credentials, h2load over HTTP/1.1 for 10 s.
# Prints every figure with the command that produced it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-10}
bash scripts/peers.sh >/dev/null
[ -f target/autotls.jar ] || mvn -q -B -DskipTests package

work=$(mktemp -d /tmp/autotls-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. scripts/lib.sh

knot_port=$(free_port)
# The responders bind port 0 (UDP and TCP get one free number together) and log the numbers they
# got; the bench reads them back instead of guessing free ones.
responder_ports() { # LOG: prints "DNS_PORT API_PORT" once the responder has logged both; fails after 30 s
  wait_for 30 grep -q 'acme-dns API on port' "$1" || return 1
  echo "$(sed -n 's/.*DNS on port \([0-9]*\) .*/\1/p' "$1" | head -1) $(sed -n 's/.*API on port \([0-9]*\) .*/\1/p' "$1" | head -1)"
}
cat > "$work/config.cfg" <<CFG
[general]
listen = "127.0.0.1:0"
protocol = "both"
domain = "auth.bench.test"
nsname = "auth.bench.test"
nsadmin = "admin.auth.bench.test"
records = ["auth.bench.test. NS auth.bench.test.", "auth.bench.test. A 127.0.0.1"]
[database]
engine = "sqlite3"
connection = "$work/acme-dns.db"
[api]
ip = "127.0.0.1"
port = "0"
tls = "none"
[autotls]
registrations_per_minute = 100000
rrl_responses_per_second = 0
CFG
java -jar target/autotls.jar acme-dns --config "$work/config.cfg" > "$work/responder.log" 2>&1 &
pids+=($!)
read -r dns api < <(responder_ports "$work/responder.log") \
  && wait_for 30 curl -sf "http://127.0.0.1:$api/health" \
  || { echo "bench: the responder did not start; its log:" >&2; cat "$work/responder.log" >&2; exit 1; }

: > "$work/queries.txt"
{ echo "\$ORIGIN auth.bench.test."; echo "\$TTL 1"; echo "@ SOA auth.bench.test. admin.auth.bench.test. 1 28800 7200 604800 86400"
  echo "@ NS auth.bench.test."; echo "@ A 127.0.0.1"; } > "$work/auth.bench.test.zone"
for i in $(seq 1 100); do
  reg=$(curl -sf -X POST "http://127.0.0.1:$api/register")
  user=$(echo "$reg" | sed -n 's/.*"username":"\([^"]*\)".*/\1/p')
  key=$(echo "$reg" | sed -n 's/.*"password":"\([^"]*\)".*/\1/p')
  sub=$(echo "$reg" | sed -n 's/.*"subdomain":"\([^"]*\)".*/\1/p')
  txt=$(printf '%043d' "$i")
  curl -sf -X POST -H "X-Api-User: $user" -H "X-Api-Key: $key" -d "{\"subdomain\":\"$sub\",\"txt\":\"$txt\"}" \
    "http://127.0.0.1:$api/update" >/dev/null
  echo "$sub.auth.bench.test TXT" >> "$work/queries.txt"
  echo "$sub 1 TXT \"$txt\"" >> "$work/auth.bench.test.zone"
  [ "$i" = 1 ] && { last_user=$user; last_key=$key; last_sub=$sub; }
done

# the limited responder: the same zone and database, every [autotls] setting at its default
sed -e '/^\[autotls\]/,$d' "$work/config.cfg" > "$work/config-limited.cfg"
java -jar target/autotls.jar acme-dns --config "$work/config-limited.cfg" > "$work/responder-limited.log" 2>&1 &
limited_pid=$!
pids+=($limited_pid)
read -r limited_dns limited_api < <(responder_ports "$work/responder-limited.log") \
  && wait_for 30 curl -sf "http://127.0.0.1:$limited_api/health" \
  || { echo "bench: the limited responder did not start; its log:" >&2; cat "$work/responder-limited.log" >&2; exit 1; }
echo "$(head -n 1 "$work/queries.txt")" > "$work/one-name.txt"

mkdir -p "$work/knot-db"
cat > "$work/knot.conf" <<CONF
server:
    rundir: "$work"
    listen: 127.0.0.1@$knot_port
    background-workers: 1
database:
    storage: "$work/knot-db"
template:
  - id: default
    storage: "$work"
    file: "%s.zone"
zone:
  - domain: auth.bench.test
CONF
knotd -c "$work/knot.conf" > "$work/knot.log" 2>&1 &
pids+=($!)
wait_for 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$knot_port" || { echo "bench: knot did not start" >&2; exit 1; }

# dnsperf's own summary figures: sent completed lost qps avg_ms
summary_of() {
  awk '/Queries sent/ { s = $3 } /Queries completed/ { c = $3 } /Queries lost/ { l = $3 }
       /Queries per second/ { q = $4 } /Average Latency/ { a = $4 * 1000 }
       END { printf "%d %d %d %.0f %.3f\n", s, c, l, q, a }' "$1"
}
# latency percentiles from dnsperf -v lines ("> NOERROR name TXT 0.000123"), 10 us buckets: p50 p90 p99 max (ms)
percentiles() {
  awk '/^> [A-Z]/ && $NF ~ /^[0-9.]+$/ { n++; b = int($NF * 100000); h[b]++; if ($NF > m) m = $NF }
       END { split("0.5 0.9 0.99", q, " "); i = 1; seen = 0
             for (b = 0; i <= 3 && n > 0; b++) { seen += h[b]; while (i <= 3 && seen >= q[i] * n) { p[i] = (b + 1) / 100; i++ } }
             printf "%.2f %.2f %.2f %.2f\n", p[1], p[2], p[3], m * 1000 }' "$1"
}
run_dnsperf() { # label port [max qps] [extra dnsperf options]
  local cmd="dnsperf -s 127.0.0.1 -p $2 -d queries.txt -l $seconds -c 4 -q 200${3:+ -Q $3 -v}${4:+ $4}"
  echo "== $1: $cmd"
  (cd "$work" && $cmd) > "$work/dnsperf-$1.txt" 2>&1 || true
  grep -E 'Queries sent|Queries completed|Queries lost|Queries per second|Average Latency|Latency StdDev|Average packet size' \
    "$work/dnsperf-$1.txt" | sed 's/^ */   /'
  last_cmd=$cmd
}
report responder.md "Command: \`BENCH_SECONDS=$seconds bash scripts/bench-responder.sh\`; 100 registered names, UDP TXT" \
  "look-ups by dnsperf (4 clients, 200 outstanding), the same records served by knot. Raw speed: the responder runs with" \
  "response rate limiting off (\`rrl_responses_per_second = 0\`) here, as knot runs without its rrl module; the limited run" \
  "follows the targets." "" \
  "| Server | Load | dnsperf | Queries/s | Lost | Avg ms | p50 ms | p90 ms | p99 ms | max ms |" "|---|---|---|---|---|---|---|---|---|---|"
dns_row() { # label server load
  read -r sent completed lost qps avg <<< "$(summary_of "$work/dnsperf-$1.txt")"
  local p="- - - -"
  grep -q '^> ' "$work/dnsperf-$1.txt" && p=$(percentiles "$work/dnsperf-$1.txt")
  read -r p50 p90 p99 max <<< "$p"
  echo "   lost $lost of $sent; latency p50 $p50 ms, p90 $p90 ms, p99 $p99 ms, max $max ms"
  report responder.md "| $2 | $3 | \`$last_cmd\` | $qps | $lost of $sent | $avg | $p50 | $p90 | $p99 | $max |"
}
# a short unrecorded run each first: the responder's JIT, not its design, would otherwise decide the first seconds
(cd "$work" && dnsperf -s 127.0.0.1 -p "$dns" -d queries.txt -l 2 -c 4 -q 200 && dnsperf -s 127.0.0.1 -p "$knot_port" \
  -d queries.txt -l 2 -c 4 -q 200) > /dev/null 2>&1 || true
run_dnsperf autotls-max "$dns"; dns_row autotls-max "autotls responder" "as fast as it goes"
run_dnsperf knot-max "$knot_port"; dns_row knot-max "knot $(knotd --version | grep -o '[0-9][0-9.]*' | head -n 1)" "as fast as it goes"
r=$(summary_of "$work/dnsperf-autotls-max.txt" | awk '{print $4}')
k=$(summary_of "$work/dnsperf-knot-max.txt" | awk '{print $4}')
ratio=$(awk -v r="$r" -v k="$k" 'BEGIN { printf "%.2f", r / k }')
echo "== ratio responder/knot: $ratio"
half=$(( ${r%.*} / 2 ))
run_dnsperf autotls-half "$dns" "$half"; dns_row autotls-half "autotls responder" "half its maximum ($half/s)"
run_dnsperf knot-half "$knot_port" "$half"; dns_row knot-half "knot" "the same rate ($half/s)"
report responder.md "" "Responder/knot queries per second: **$ratio**." "" "Targets:"
target responder.md "responder/knot queries per second" "$ratio" ">=" 0.5
target responder.md "queries lost at half the responder's maximum rate" "$(summary_of "$work/dnsperf-autotls-half.txt" | awk '{ print $3 }')" "<=" 0

# with rate limiting on: one client (127.0.0.1) that asks each name far faster than the limit
response_size() { awk '/Average packet size/ { print $7 }' "$1"; }
run_dnsperf rrl-names "$limited_dns" "" "-t 1"
read -r sent completed lost qps avg <<< "$(summary_of "$work/dnsperf-rrl-names.txt")"
names_row="| 100 names, as fast as it goes | \`$last_cmd\` | $sent | $completed | $lost | $(response_size "$work/dnsperf-rrl-names.txt") |"
cmd="dnsperf -s 127.0.0.1 -p $limited_dns -d one-name.txt -l $seconds -c 1 -q 20000 -Q 20000 -t 1"
echo "== rrl-one-name: $cmd"
(cd "$work" && $cmd) > "$work/dnsperf-rrl-one.txt" 2>&1 || true
grep -E 'Queries sent|Queries completed|Queries lost|Average packet size' "$work/dnsperf-rrl-one.txt" | sed 's/^ */   /'
read -r sent completed lost qps avg <<< "$(summary_of "$work/dnsperf-rrl-one.txt")"
one_row="| one name at 20,000/s (a reflection flood) | \`$cmd\` | $sent | $completed | $lost | $(response_size "$work/dnsperf-rrl-one.txt") |"
kill "$limited_pid"; wait "$limited_pid" 2>/dev/null || true # on its way out it logs what it held back
# its lines ("held back N UDP answers (D dropped, T sent truncated)"), once a minute and at the end, summed
held=$(grep -o 'held back [0-9]* UDP answers ([0-9]* dropped, [0-9]* sent truncated)' "$work/responder-limited.log" \
  | tr -d '(,' | awk '{ n += $3; d += $6; t += $8 } END { if (n) printf "rate limiting held back %d UDP answers (%d dropped, %d sent truncated).", n, d, t }' \
  || true)
echo "   the limited responder: ${held:-held nothing back}"
report responder.md "" "With response rate limiting on (the defaults: 200 answers a second per answer and client /24, 5 s window," \
  "slip 2), one dnsperf client on 127.0.0.1; completed counts whole and truncated (TC) answers, lost ones were dropped:" "" \
  "| Load | dnsperf | Sent | Completed | Lost | Avg response bytes |" "|---|---|---|---|---|---|" "$names_row" "$one_row" "" \
  "The responder's own count over both runs: ${held:-nothing held back}"

echo "{\"subdomain\":\"$last_sub\",\"txt\":\"$(printf 'u%.0s' $(seq 1 43))\"}" > "$work/update.json"
cmd="h2load --h1 -D $seconds -c 8 -t 2 -d update.json -H 'X-Api-User: (user)' -H 'X-Api-Key: (key)' http://127.0.0.1:$api/update"
echo "== /update with valid credentials: $cmd"
(cd "$work" && h2load --h1 -D "$seconds" -c 8 -t 2 -d update.json -H "X-Api-User: $last_user" -H "X-Api-Key: $last_key" \
  -H "Content-Type: application/json" "http://127.0.0.1:$api/update") > "$work/h2load.txt" 2>&1 || true
grep -E '^finished in|^requests:|^status codes:|time for request' "$work/h2load.txt" | sed 's/^/   /'
rps=$(awk '/^finished in/ { gsub(",", "", $4); print $4 }' "$work/h2load.txt")
codes=$(grep '^status codes:' "$work/h2load.txt" | sed 's/status codes: //')
report responder.md "" "POST /update with valid credentials (\`$cmd\`): **${rps%.*} requests/s**, status codes: $codes."

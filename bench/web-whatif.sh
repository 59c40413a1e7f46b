#!/usr/bin/env bash
# The web app under load: what-if requests on a 1,000-payee company, 50 concurrent
# sessions (50 executives, each asking about their own payout), for BENCH_SECONDS (20).
# Needs wrk (Debian: apt-get install wrk) and curl; builds advocomp and advocomp-bench
# (release) unless ADVOCOMP_BIN / ADVOCOMP_BENCH_BIN name built ones. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-20}
sessions=${BENCH_SESSIONS:-50}
port=${BENCH_PORT:-18181}
bin=${ADVOCOMP_BIN:-.build/release/advocomp}
benchbin=${ADVOCOMP_BENCH_BIN:-.build/release/advocomp-bench}
[ -n "${ADVOCOMP_BIN:-}" ] || swift build -c release --product advocomp >&2
[ -n "${ADVOCOMP_BENCH_BIN:-}" ] || swift build -c release --product advocomp-bench >&2
command -v wrk >/dev/null || { echo "web-whatif: wrk is needed (apt-get install wrk)" >&2; exit 1; }
dir=$(mktemp -d /tmp/advocomp-web-bench.XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
"$benchbin" generate --payees 1000 --out "$dir/company" >/dev/null
db="$dir/web.db"
"$bin" calculate --db "$db" --plan "$dir/company/plan.yaml" --roster "$dir/company/roster.csv" \
  --actuals "$dir/company/actuals.csv" --period 2026-Q1 --quiet >/dev/null 2>&1
# 50 payees on the plan for the whole quarter, one executive account each.
payees=$(awk -F, -v n="$sessions" 'NR > 1 && $5 == "exec-bench" && $11 == "" && $10 < "2025" && k < n { print $1; k++ }' "$dir/company/roster.csv")
"$bin" serve --db "$db" --port "$port" 2>"$dir/serve.log" &
server=$!
for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/login" && break; sleep 0.2; done
lua="$dir/whatif.lua"
echo 'local s = {}' > "$lua"
n=0
for p in $payees; do
  printf 'bench-password-%s\n' "$p" | "$bin" users add "u$p" --role executive --payee "$p" --db "$db" --password-stdin 2>/dev/null
  jar="$dir/jar-$p"
  csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
  curl -s -o /dev/null -c "$jar" -b "$jar" --data "csrf=$csrf&username=u$p&password=bench-password-$p" "http://127.0.0.1:$port/login"
  cookie=$(awk '$6 == "advocomp_session" { print $7 }' "$jar")
  echo "s[#s + 1] = { cookie = \"advocomp_session=$cookie\", payee = \"$p\" }" >> "$lua"
  echo "$cookie $p" >> "$dir/sessions.txt"
  n=$((n + 1))
done
# The first what-if of a run reads its inputs once: warm it before timing.
curl -s -o /dev/null -H "Cookie: advocomp_session=$cookie" "http://127.0.0.1:$port/payees/$p/whatif?kpi.nrr=101"
cat >> "$lua" <<'LUA'
local k = 0
request = function()
  k = k + 1
  local x = s[(k % #s) + 1]
  local nrr = 95 + (k % 20)
  local calls = k % 12
  return wrk.format("GET", "/payees/" .. x.payee .. "/whatif?kpi.nrr=" .. nrr .. "&kpi.win_rate_advocate=" .. (20 + k % 25),
                    { ["Cookie"] = x.cookie, ["Accept"] = "application/json" })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors (status) %d, non-2xx %d\n", summary.requests, summary.errors.status, summary.errors.status))
  for _, p in pairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("p%s %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max %.2f ms, mean %.2f ms, %.0f requests/s\n", latency.max / 1000, latency.mean / 1000, summary.requests / (summary.duration / 1e6)))
end
LUA
echo "web-whatif: $n sessions, 1,000 payees, ${seconds}s, $(nproc) cores" >&2
echo "== executives moving a control (each waits for its answer, then ${BENCH_THINK:-0.15} s +-50%)"
python3 bench/web-sessions.py --port "$port" --sessions "$dir/sessions.txt" --seconds "$seconds" --think "${BENCH_THINK:-0.15}"
echo "== saturation: $n connections asking back to back (wrk, no think time)"
wrk -t2 -c"$sessions" -d"${seconds}s" --latency -s "$lua" "http://127.0.0.1:$port"

#!/usr/bin/env bash
# Benchmarks advocomp end to end and the engine alone.
#
#   scripts/bench.sh
#
# Builds release, generates synthetic companies (advocomp-bench generate), runs
#   advocomp calculate --no-db --plan ... --roster ... --actuals ... --period 2026-Q1 --format csv --output FILE
# on each (best of BENCH_RUNS runs: wall time, CPU time, peak RSS; --no-db: the history is
# timed separately, on the largest company: best and median of BENCH_RUNS recorded runs),
# then the in-memory
# phase timings of `advocomp-bench engine` on the largest company, and prints a summary.
#
# Environment (all optional):
#   BENCH_SCRATCH  swift build scratch path        (default .build)
#   BENCH_OUT      where companies and results go  (default bench-out, git-ignored)
#   BENCH_SIZES    payee counts; the engine runs on the last (default "1000 10000 100000")
#   BENCH_RUNS     end-to-end runs per size        (default 3)
#   BENCH_REPEAT   engine runs per phase           (default 5)
#   BENCH_SEED     generator seed                  (default 42)
#   BENCH_TARGET   seconds allowed for the largest size (default 1)
#   BENCH_RECORD_TARGET  seconds allowed for the largest size recorded with --db (default 1.5)
#   BENCH_XLSX     payee counts for the workbook export (default none)
#   BENCH_EVENTS   ledger sizes in events, with 10,000 payees (default none; the
#                  issue's goal is BENCH_EVENTS=1000000: under 2 s and 1 GB)
#   BENCH_SIMULATE "PAYEESxRUNS ..." simulations to time (default none; the goal is
#                  BENCH_SIMULATE=1000x10000: 10 million payee evaluations in under 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH=${BENCH_SCRATCH:-.build}
OUT=${BENCH_OUT:-bench-out}
SIZES=${BENCH_SIZES:-"1000 10000 100000"}
RUNS=${BENCH_RUNS:-3}
REPEAT=${BENCH_REPEAT:-5}
SEED=${BENCH_SEED:-42}
TARGET=${BENCH_TARGET:-1}

if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
    [ -x "$d/swift" ] && export PATH="$d:$PATH" && break
  done
fi
command -v swift >/dev/null 2>&1 || { echo "bench: Swift 6 is required (https://www.swift.org/install/)" >&2; exit 1; }

# GNU time gives the peak RSS; install it only when missing and we are root with apt-get.
gnu_time() { [ -x /usr/bin/time ] && /usr/bin/time -f '%M' true >/dev/null 2>&1; }
if ! gnu_time && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "bench: installing GNU time (for peak memory)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; } >/dev/null 2>&1 || true
fi
HAVE_TIME=0
gnu_time && HAVE_TIME=1

echo "== building release (scratch path $SCRATCH)" >&2
swift build -c release --scratch-path "$SCRATCH" --product advocomp >&2
swift build -c release --scratch-path "$SCRATCH" --product advocomp-bench >&2
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
ADVOCOMP=$BIN/advocomp
BENCH=$BIN/advocomp-bench

mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt

# Wall clock in seconds with microseconds (bash 5's EPOCHREALTIME, else GNU date).
now() {
  if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

# One end-to-end run: prints "wall_s user_s sys_s rss_kb" (rss "-" without GNU time).
run_once() {
  local dir=$1 out=$2 log=$3 t0 t1 rc=0
  local cmd=("$ADVOCOMP" calculate --no-db --plan "$dir/plan.yaml" --roster "$dir/roster.csv" --actuals "$dir/actuals.csv"
             --period 2026-Q1 --format csv --output "$out")
  rm -f "$out"
  if [ $HAVE_TIME = 1 ]; then
    t0=$(now); /usr/bin/time -v -o "$log.time" "${cmd[@]}" 2>"$log" || rc=$?; t1=$(now)
  else
    local TIMEFORMAT='%U %S'
    t0=$(now); { time "${cmd[@]}" 2>"$log"; } 2>"$log.time" || rc=$?; t1=$(now)
  fi
  if [ $rc != 0 ]; then
    echo "bench: advocomp calculate failed on $dir (exit $rc):" >&2
    head -20 "$log" >&2
    exit 1
  fi
  if [ $HAVE_TIME = 1 ]; then
    awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" '
      /User time \(seconds\)/ { u = $NF }
      /System time \(seconds\)/ { s = $NF }
      /Maximum resident set size/ { m = $NF }
      END { print w, u, s, m }' "$log.time"
  else
    read -r u s < "$log.time"
    awk -v a="$t0" -v b="$t1" -v u="$u" -v s="$s" 'BEGIN { printf "%.4f %s %s -\n", b - a, u, s }'
  fi
}

results=()
largest=""
for n in $SIZES; do
  dir=$OUT/company-$n
  echo "== generating $n payees into $dir" >&2
  "$BENCH" generate --payees "$n" --out "$dir" --seed "$SEED" >&2
  "$ADVOCOMP" validate "$dir/plan.yaml" >/dev/null 2>&1 || { "$ADVOCOMP" validate "$dir/plan.yaml"; exit 1; }
  roster_rows=$(( $(wc -l < "$dir/roster.csv") - 1 ))
  actual_rows=$(( $(wc -l < "$dir/actuals.csv") - 1 ))
  input_kb=$(( ($(wc -c < "$dir/plan.yaml") + $(wc -c < "$dir/roster.csv") + $(wc -c < "$dir/actuals.csv")) / 1024 ))
  echo "== advocomp calculate, $n payees, $RUNS runs" >&2
  lines=()
  for r in $(seq "$RUNS"); do
    line=$(run_once "$dir" "$dir/payouts.csv" "$dir/run.log")
    echo "   run $r: wall ${line%% *} s" >&2
    lines+=("$line")
  done
  out_rows=$(( $(wc -l < "$dir/payouts.csv") - 1 ))
  # best = fastest wall; peak RSS = the largest seen; median wall.
  stats=$(printf '%s\n' "${lines[@]}" | sort -n -k1,1 | awk '
    { w[NR] = $1; u[NR] = $2; s[NR] = $3; if ($4 != "-" && $4 + 0 > m) m = $4 + 0 }
    END { med = (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
          printf "%.3f %.3f %.2f %.2f %s", w[1], med, u[1], s[1], (m ? sprintf("%.1f", m / 1024) : "n/a") }')
  read -r best med user sys rss <<<"$stats"
  results+=("$n $roster_rows $actual_rows $input_kb $out_rows $best $med $user $sys $rss")
  largest=$n
done

{
  echo "advocomp benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '? GB') RAM; $(swift --version 2>/dev/null | head -1)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)'); seed $SEED"
  echo
  echo "End to end: advocomp calculate ... --period 2026-Q1 --format csv --output FILE (release build)"
  echo "best of $RUNS runs; CPU = user + sys of the best run; peak RSS = max over runs$([ $HAVE_TIME = 1 ] || echo ' (n/a: GNU time not found)')"
  echo
  printf '%9s %9s %9s %9s %10s %10s %9s %12s\n' payees "actuals" "input KB" "out rows" "best s" "median s" "CPU s" "peak RSS MB"
  for r in "${results[@]}"; do
    read -r n rr ar kb orows best med user sys rss <<<"$r"
    printf '%9s %9s %9s %9s %10s %10s %9s %12s\n' "$n" "$ar" "$kb" "$orows" "$best" "$med" \
      "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$rss"
  done
  if [ -n "$largest" ]; then
    best_large=$(printf '%s\n' "${results[@]}" | awk -v n="$largest" '$1 == n { print $6 }')
    verdict=$(awk -v b="$best_large" -v t="$TARGET" 'BEGIN { print (b < t) ? "MET" : "NOT MET" }')
    echo
    echo "goal: $largest payees end to end in under $TARGET s: $verdict (best $best_large s)"
  fi
} | tee "$SUMMARY"

if [ -n "$largest" ]; then
  echo "== advocomp-bench engine on $largest payees ($REPEAT runs per phase)" >&2
  { echo; "$BENCH" engine --dir "$OUT/company-$largest" --repeat "$REPEAT"; } | tee -a "$SUMMARY"
fi

# Recording a run in the history (--db): the largest company, each run into a fresh
# database (best and median of BENCH_RUNS; peak memory); the goal is BENCH_RECORD_TARGET.
if [ -n "$largest" ]; then
  dir=$OUT/company-$largest
  walls=() rss=()
  for _ in $(seq "$RUNS"); do
    rm -f "$OUT/history.db" "$OUT/history.db-wal" "$OUT/history.db-shm"
    cmd=("$ADVOCOMP" calculate --db "$OUT/history.db" --plan "$dir/plan.yaml" --roster "$dir/roster.csv" --actuals "$dir/actuals.csv"
         --period 2026-Q1 --format csv --output "$dir/payouts.csv" -q)
    t0=$(now)
    if [ $HAVE_TIME = 1 ]; then /usr/bin/time -f '%M' -o "$OUT/history.time" "${cmd[@]}" 2>/dev/null; else "${cmd[@]}" 2>/dev/null; fi
    t1=$(now)
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    rss+=("$( [ $HAVE_TIME = 1 ] && tail -1 "$OUT/history.time" || echo -)")
  done
  sorted=$(printf '%s\n' "${walls[@]}" | sort -n)
  best=$(echo "$sorted" | head -1)
  median=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  verdict=$(awk -v b="$median" -v t="${BENCH_RECORD_TARGET:-1.5}" 'BEGIN { print (b < t) ? "MET" : "NOT MET" }')
  { echo
    printf 'History: the same run recorded with --db (fresh database each run, %s runs): best %s s, median %s s, peak %s MB, database %s MB\n' \
      "$RUNS" "$best" "$median" "$( [ "$peak" = - ] && echo n/a || echo $(( peak / 1024 )) )" "$(( $(wc -c < "$OUT/history.db") / 1048576 ))"
    echo "goal: $largest payees calculated and recorded in under ${BENCH_RECORD_TARGET:-1.5} s: $verdict (median $median s)"
  } | tee -a "$SUMMARY"
fi

echo "== number types: 10 million multiply-adds" >&2
{ echo; "$BENCH" numbers; } | tee -a "$SUMMARY"

# Optional: the workbook export at the given sizes (BENCH_XLSX="10000 100000").
if [ -n "${BENCH_XLSX:-}" ]; then
  echo | tee -a "$SUMMARY"
  echo "Workbook: advocomp calculate ... --format csv --output FILE --xlsx BOOK (best of 1 run)" | tee -a "$SUMMARY"
  for n in $BENCH_XLSX; do
    dir=$OUT/company-$n
    [ -d "$dir" ] || "$BENCH" generate --payees "$n" --out "$dir" --seed "$SEED" >&2
    t0=$(now)
    if [ $HAVE_TIME = 1 ]; then
      /usr/bin/time -f '%M' -o "$dir/xlsx.time" "$ADVOCOMP" calculate --no-db --plan "$dir/plan.yaml" --roster "$dir/roster.csv" \
        --actuals "$dir/actuals.csv" --period 2026-Q1 --format csv --output "$dir/payouts.csv" --xlsx "$dir/book.xlsx" 2>/dev/null
      rss=$(( $(tail -1 "$dir/xlsx.time") / 1024 ))
    else
      "$ADVOCOMP" calculate --no-db --plan "$dir/plan.yaml" --roster "$dir/roster.csv" --actuals "$dir/actuals.csv" \
        --period 2026-Q1 --format csv --output "$dir/payouts.csv" --xlsx "$dir/book.xlsx" 2>/dev/null
      rss="n/a"
    fi
    t1=$(now)
    printf '%9s payees: %.2f s, peak RSS %s MB, workbook %s MB\n' "$n" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
      "$rss" "$(( $(wc -c < "$dir/book.xlsx") / 1048576 ))" | tee -a "$SUMMARY"
  done
fi
# Optional: the advocacy ledger at the given sizes (BENCH_EVENTS="1000000"), 10,000 payees.
if [ -n "${BENCH_EVENTS:-}" ]; then
  echo | tee -a "$SUMMARY"
  echo "Ledger: advocomp calculate ... --events FILE --format csv --output FILE, 10,000 payees (best and median of $RUNS runs)" | tee -a "$SUMMARY"
  for e in $BENCH_EVENTS; do
    dir=$OUT/ledger-$e
    [ -f "$dir/events.csv" ] || "$BENCH" generate --payees 10000 --events "$e" --out "$dir" --seed "$SEED" >&2
    walls=() rss=0
    for r in $(seq "$RUNS"); do
      t0=$(now)
      if [ $HAVE_TIME = 1 ]; then
        /usr/bin/time -f '%M' -o "$dir/ledger.time" "$ADVOCOMP" calculate --no-db --plan "$dir/plan-ledger.yaml" --roster "$dir/roster.csv" \
          --actuals "$dir/actuals.csv" --events "$dir/events.csv" --period 2026-Q1 --format csv --output "$dir/payouts.csv" 2>/dev/null
        m=$(( $(tail -1 "$dir/ledger.time") / 1024 )); [ "$m" -gt "$rss" ] && rss=$m
      else
        "$ADVOCOMP" calculate --no-db --plan "$dir/plan-ledger.yaml" --roster "$dir/roster.csv" --actuals "$dir/actuals.csv" \
          --events "$dir/events.csv" --period 2026-Q1 --format csv --output "$dir/payouts.csv" 2>/dev/null
      fi
      t1=$(now)
      walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    done
    read -r best med <<<"$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ w[NR] = $1 } END { printf "%.2f %.2f", w[1], (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }')"
    printf '%9s events: best %s s, median %s s, peak RSS %s MB, events file %s MB\n' "$e" "$best" "$med" \
      "$([ $HAVE_TIME = 1 ] && echo "$rss" || echo n/a)" "$(( $(wc -c < "$dir/events.csv") / 1048576 ))" | tee -a "$SUMMARY"
    { "$BENCH" ledger --dir "$dir" --repeat "$REPEAT"; } | tee -a "$SUMMARY"
  done
fi
# Optional: simulations (advocomp simulate on the generated scenario.yaml).
if [ -n "${BENCH_SIMULATE:-}" ]; then
  echo | tee -a "$SUMMARY"
  echo "Simulation: advocomp simulate --scenario scenario.yaml --runs R --seed 1 --format json (best and median of $RUNS runs)" | tee -a "$SUMMARY"
  for spec in $BENCH_SIMULATE; do
    n=${spec%x*} r=${spec#*x}
    dir=$OUT/company-$n
    [ -f "$dir/scenario.yaml" ] || "$BENCH" generate --payees "$n" --out "$dir" --seed "$SEED" >&2
    walls=() rss=0
    for k in $(seq "$RUNS"); do
      t0=$(now)
      if [ $HAVE_TIME = 1 ]; then
        /usr/bin/time -f '%M' -o "$dir/sim.time" "$ADVOCOMP" simulate --plan "$dir/plan.yaml" --roster "$dir/roster.csv" \
          --actuals "$dir/actuals.csv" --period 2026-Q1 --scenario "$dir/scenario.yaml" --runs "$r" --seed 1 --format json --output "$dir/sim.json" 2>/dev/null
        m=$(( $(tail -1 "$dir/sim.time") / 1024 )); [ "$m" -gt "$rss" ] && rss=$m
      else
        "$ADVOCOMP" simulate --plan "$dir/plan.yaml" --roster "$dir/roster.csv" --actuals "$dir/actuals.csv" --period 2026-Q1 \
          --scenario "$dir/scenario.yaml" --runs "$r" --seed 1 --format json --output "$dir/sim.json" 2>/dev/null
      fi
      t1=$(now)
      walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    done
    read -r best med <<<"$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ w[NR] = $1 } END { printf "%.2f %.2f", w[1], (NR % 2) ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2 }')"
    printf '%9s payees x %6s runs (%s million payee evaluations): best %s s, median %s s, peak RSS %s MB\n' "$n" "$r" \
      "$(awk -v a="$n" -v b="$r" 'BEGIN { printf "%.1f", a * b / 1e6 }')" "$best" "$med" "$([ $HAVE_TIME = 1 ] && echo "$rss" || echo n/a)" | tee -a "$SUMMARY"
  done
fi
echo >&2
echo "summary written to $SUMMARY" >&2

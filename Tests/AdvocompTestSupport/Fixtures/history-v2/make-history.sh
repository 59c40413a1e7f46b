#!/usr/bin/env bash
# Makes history-v2.db: a run history written by the advocomp of commit 4f34a6b (schema 2,
# PRAGMA user_version = 2, no grdb_migrations table), kept so that every later advocomp
# is tested on a real file of the previous schema (HistoryFixtureTests).
#
#   make-history.sh ADVOCOMP_BINARY_OF_4f34a6b OUTPUT.db
#
# From the root of a work tree of that commit (its samples and plans). It records runs of the
# sample company (plans reading an OKR set, EUR and GBP payees), of conformance case 04 (the
# ledger, with findings) and of conformance case 01 with a true_up section (the
# four quarters of 2026 approved and closed, an approved adjustment of Q1, the 2026
# true-up approved and closed), two plan versions (one with its OKR set) and a
# calculation by --plan-id.
set -euo pipefail
A=$(realpath "$1"); OUT=$(realpath -m "$2")
ROOT=$(pwd)
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/plans" "$W/samples" "$W/c01" "$W/c04"
cp "$ROOT"/Tests/AdvocompTests/Fixtures/conformance/04-ledger-gaming/*.{yaml,csv} "$W/c04/"
cp "$ROOT"/plans/*.yaml "$W/plans/"; cp "$ROOT"/samples/*.csv "$W/samples/"
C=Tests/AdvocompTests/Fixtures/conformance/01-scorecard-basics
cp "$ROOT/$C/roster.csv" "$W/c01/"
{ cat "$ROOT/$C/plan.yaml"; printf '\ntrue_up:\n  negative: carry\n  targets:\n    review_velocity: { target: 160, targets: { enterprise: 100, smb: 240 } }\n'; } > "$W/c01/plan.yaml"
{
  echo "period,scope,kpi,value"
  q=1
  for v in "31 48 44 0.93 101% 15" "27 66 40 0.95 106% 14" "20 50 30 0.85 100% 19" "30 70 45 0.92 104% 16"; do
    set -- $v
    echo "2026-Q$q,unit:enterprise,review_velocity,$1"; echo "2026-Q$q,unit:smb,review_velocity,$2"
    echo "2026-Q$q,unit:midmarket,review_velocity,$3"; echo "2026-Q$q,company,reference_fill_rate,$4"
    echo "2026-Q$q,company,nrr,$5"; echo "2026-Q$q,company,cac_payback,$6"
    q=$((q + 1))
  done
  echo "2026-FY,unit:enterprise,review_velocity,108"; echo "2026-FY,unit:smb,review_velocity,234"
  echo "2026-FY,unit:midmarket,review_velocity,159"; echo "2026-FY,company,reference_fill_rate,0.91"
  echo "2026-FY,company,nrr,103%"; echo "2026-FY,company,cac_payback,16"
} > "$W/c01/actuals.csv"
cd "$W"
S=(--roster samples/roster.csv --actuals samples/actuals-2026.csv)
K=(--plan c01/plan.yaml --roster c01/roster.csv --actuals c01/actuals.csv)
"$A" calculate --db h.db -q --plan plans/cmo-review-velocity.yaml "${S[@]}" --period 2026-Q1 >/dev/null          # 1: OKR sets
"$A" calculate --db h.db -q --plan c04/plan.yaml --roster c04/roster.csv --actuals c04/actuals.csv --events c04/events.csv --period "$(sed -n 's/^period: *//p' c04/case.yaml)" >/dev/null  # 2: findings
for q in 1 2 3 4; do                                                                                          # 3..6
  "$A" calculate --db h.db -q "${K[@]}" --period 2026-Q$q >/dev/null
  id=$("$A" runs --db h.db | tail -1 | cut -d' ' -f1)
  "$A" approve --db h.db "$id" >/dev/null
  "$A" close --db h.db --period 2026-Q$q --plan-id exec-advocacy >/dev/null
done
sed 's/^2026-Q1,unit:smb,review_velocity,48$/2026-Q1,unit:smb,review_velocity,54/' c01/actuals.csv > c01/actuals-restated.csv
"$A" calculate --db h.db -q --plan c01/plan.yaml --roster c01/roster.csv --actuals c01/actuals-restated.csv --period 2026-Q1 >/dev/null  # 7: adjustment of 3
"$A" approve --db h.db 7 >/dev/null
"$A" true-up --db h.db -q "${K[@]}" --year 2026 >/dev/null                                                     # 8: true-up
"$A" approve --db h.db 8 >/dev/null
"$A" close --db h.db --period 2026-FY >/dev/null
"$A" plans add --db h.db plans/cro-reference-program.yaml --effective 2026-01-01 >/dev/null
"$A" plans add --db h.db c01/plan.yaml --effective 2026-01-01 >/dev/null
"$A" calculate --db h.db -q --plan-id cro-reference-program "${S[@]}" --period 2026-Q2 >/dev/null             # 9: --plan-id
"$A" calculate --db h.db -q --plan plans/cco-nrr-expansion.yaml "${S[@]}" --period 2026-Q2 >/dev/null          # 10: EUR and GBP payees
"$A" runs --db h.db >&2
sqlite3 h.db "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;" >/dev/null 2>&1 || true
test "$(sqlite3 h.db 'PRAGMA user_version')" = 2
cp h.db "$OUT"

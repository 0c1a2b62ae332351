#!/usr/bin/env bash
# Haven's matcher and Splink side by side on the same generated records (BENCHMARKS.md).
# Needs a release build and Splink in /tmp/splinkenv (see bench/splink_dedupe.py).
#   bash bench/match_vs_splink.sh 10000 50000 100000
set -euo pipefail
HAVEN=${HAVEN:-target/release/haven}
PY=${PY:-/tmp/splinkenv/bin/python}
OUT=${OUT:-/tmp/match-bench}
mkdir -p "$OUT"
for n in "$@"; do
  csv="$OUT/people$n.csv"
  echo "== $n records"
  echo "-- haven bench match (in memory: generation not timed)"
  "$HAVEN" bench match --records "$n" --sample "$csv"
  echo "-- haven match dedupe on the CSV (end to end: read, match, write)"
  /usr/bin/time -f "wall_s=%e peak_rss_mib=%M(KiB)" "$HAVEN" match dedupe "$csv" --id id \
    --field first_name=first_name --field last_name=last_name --field birth_date=birth_date \
    --field sex=sex --field phone=phone --output "$OUT/pairs$n.csv" --threshold 0.9
  python3 bench/score_pairs.py "$csv" "$OUT/pairs$n.csv"
  echo "-- splink"
  "$PY" bench/splink_dedupe.py "$csv" --threshold 0.9
done

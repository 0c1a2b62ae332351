#!/bin/bash
# What the name digests cost SQLite in each layout, apart from Haven: random 16-byte digests,
# 24 per person, inserted in key order in batches of 2,000 persons (as an import does), into
# a fresh table. Usage: tools/digest_layout_bench.sh [persons]   (needs the sqlite3 CLI)
# Layouts: text = 32 hex characters + 36-character person id, with an index on the person
# (today's); blob = 16-byte digest + integer person key, same two B-trees; blob-norowid = the
# same in one B-tree (WITHOUT ROWID, no person index); "once" = the whole file in one batch.
set -euo pipefail
persons=${1:-10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() { # layout batch_persons
  local layout=$1 per=$2 db=$dir/$1.db rows=$(( $2 * 24 ))
  {
    echo "pragma journal_mode=wal; pragma synchronous=normal;"
    case $layout in
      text) echo "create table t(digest text not null, person_id text not null, primary key(digest, person_id)); create index t_p on t(person_id);" ;;
      blob) echo "create table t(digest blob not null, person_id integer not null, primary key(digest, person_id)); create index t_p on t(person_id);" ;;
      blob-norowid) echo "create table t(digest blob not null, person_id integer not null, primary key(digest, person_id)) without rowid;" ;;
    esac
    for b in $(seq 0 $(( persons / per - 1 ))); do
      if [ "$layout" = text ]; then
        echo "begin; insert into t select hex(randomblob(16)), printf('%08x-0000-7000-8000-%012x', $b*$per + value/24, value) from generate_series(0, $((rows - 1))) order by 1; commit;"
      else
        echo "begin; insert into t select randomblob(16), $b*$per + value/24 from generate_series(0, $((rows - 1))) order by 1; commit;"
      fi
    done
  } > "$dir/$layout.sql"
  local start end
  start=$(date +%s.%N)
  sqlite3 "$db" < "$dir/$layout.sql" > /dev/null
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%.2f\t%s\n' "$layout" "$persons" "$per" "$(echo "$end - $start" | bc)" "$(du -m "$db" | cut -f1)"
  rm -f "$db" "$db-wal" "$db-shm"
}
printf 'layout\tpersons\tbatch\tseconds\tMB\n'
for layout in text blob blob-norowid; do run $layout 2000; done
run blob-norowid "$persons"

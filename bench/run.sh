#!/usr/bin/env bash
# `make bench`: generate data at each size on SQLite and PostgreSQL, load-test each, write the table.
# Sizes: BENCH_SIZES (default "10000 100000"; add 1000000 for the national-scale run, ~1 h).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SIZES=${BENCH_SIZES:-10000 100000}
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
export ADUAN_ENV=development
for n in $SIZES; do
  DATABASE_URL="sqlite:///$PWD/var/bench-$n.sqlite3" $PY bench/generate.py --reports "$n"
  DATABASE_URL="sqlite:///$PWD/var/bench-$n.sqlite3" $PY bench/load.py --label "sqlite-$n"
  psql "$PG/postgres" -tc "SELECT 1 FROM pg_database WHERE datname='aduan_bench_$n'" | grep -q 1 \
    || psql "$PG/postgres" -c "CREATE DATABASE aduan_bench_$n" >/dev/null
  DATABASE_URL="$PG/aduan_bench_$n" $PY bench/generate.py --reports "$n"
  DATABASE_URL="$PG/aduan_bench_$n" $PY bench/load.py --label "postgres-$n"
done
$PY bench/report.py

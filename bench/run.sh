#!/usr/bin/env bash
# `make bench`: generate data at each size on SQLite and PostgreSQL, load-test each, write the table.
# Sizes: BENCH_SIZES (default "10000 100000"; add 1000000 for the national-scale run).
# Databases that already hold enough reports are reused as they are (generate.py only migrates
# them and tops them up), so a later run on a quiet machine measures without regenerating:
# var/bench-<n>.sqlite3 and aduan_bench_<n> on BENCH_PG_URL.
# SQLite is measured up to BENCH_SQLITE_MAX reports (default 100000): generating a million on
# SQLite takes hours and a single-file database is not the national-scale deployment.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SIZES=${BENCH_SIZES:-10000 100000}
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
SQLITE_MAX=${BENCH_SQLITE_MAX:-100000}
LOAD_ARGS=${BENCH_LOAD_ARGS:-}
export ADUAN_ENV=development
mkdir -p var
for n in $SIZES; do
  if [ "$n" -le "$SQLITE_MAX" ]; then
    DATABASE_URL="sqlite:///$PWD/var/bench-$n.sqlite3" $PY bench/generate.py --reports "$n"
    DATABASE_URL="sqlite:///$PWD/var/bench-$n.sqlite3" $PY bench/load.py --label "sqlite-$n" $LOAD_ARGS
  fi
  psql "$PG/postgres" -tc "SELECT 1 FROM pg_database WHERE datname='aduan_bench_$n'" | grep -q 1 \
    || psql "$PG/postgres" -c "CREATE DATABASE aduan_bench_$n" >/dev/null
  DATABASE_URL="$PG/aduan_bench_$n" $PY bench/generate.py --reports "$n"
  DATABASE_URL="$PG/aduan_bench_$n" $PY bench/load.py --label "postgres-$n" $LOAD_ARGS
done
$PY bench/report.py

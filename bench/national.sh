#!/usr/bin/env bash
# `make bench-national`: the national-scale run of issue 18 on PostgreSQL (bench/README.md).
# A base of BENCH_BASE reports (default 100000) is generated once by bench/generate.py into
# aduan_bench_base_<BENCH_BASE>; each size of BENCH_NATIONAL_SIZES (default "1000000 10000000")
# is then made from it by bench/scale.py (a template copy multiplied set-wise inside PostgreSQL,
# resumable, a no-op on a database already complete) and load-tested by bench/load.py, the sizes
# back to back so that they share the machine's conditions. `uptime` is printed before each run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SIZES=${BENCH_NATIONAL_SIZES:-1000000 10000000}
BASE=${BENCH_BASE:-100000}
PG=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}
LOAD_ARGS=${BENCH_LOAD_ARGS:-}
export ADUAN_ENV=development BENCH_PG_URL="$PG"
base="aduan_bench_base_$BASE"
psql "$PG/postgres" -tc "SELECT 1 FROM pg_database WHERE datname='$base'" | grep -q 1 \
  || psql "$PG/postgres" -c "CREATE DATABASE $base" >/dev/null
DATABASE_URL="$PG/$base" $PY bench/generate.py --reports "$BASE"
for n in $SIZES; do
  $PY bench/scale.py --base "$base" --to "$n"
  DATABASE_URL="$PG/aduan_bench_$n" $PY bench/generate.py --reports "$n"  # migrates, reuses
done
for n in $SIZES; do
  echo "postgres-$n: $(date -u '+%F %T') UTC, $(uptime)"
  DATABASE_URL="$PG/aduan_bench_$n" $PY bench/load.py --label "postgres-$n" $LOAD_ARGS
done
$PY bench/report.py

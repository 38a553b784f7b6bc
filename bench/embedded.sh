#!/usr/bin/env bash
# `make bench-embedded`: the embedded default under load (bench/embedded.py; README: Performance).
# 10,000 reports on SQLite in var/embedded-<n>.sqlite3 (generated once, topped up by later runs),
# then gunicorn with 2 sync workers driven by wrk with 10 connections.
# BENCH_EMBEDDED_REPORTS (10000), BENCH_EMBEDDED_ARGS (e.g. "--runs 5 --seconds 15").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
N=${BENCH_EMBEDDED_REPORTS:-10000}
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk
  else
    echo "wrk is needed: sudo apt-get install wrk (Debian/Ubuntu package 'wrk')" >&2
    exit 1
  fi
fi
unset REDIS_URL
export ADUAN_ENV=development DATABASE_URL="sqlite:///$PWD/var/embedded-$N.sqlite3"
mkdir -p var
echo "uptime: $(uptime)"
$PY bench/generate.py --reports "$N"
# shellcheck disable=SC2086
$PY bench/embedded.py ${BENCH_EMBEDDED_ARGS:-}
echo "uptime: $(uptime)"

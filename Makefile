# Aduan: `make run` serves the demo, `make test` runs the tests. Needs Python 3.11+ with venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the server `make run` starts, unless SITE_URL says otherwise.
export SITE_URL ?= http://$(HOST):$(PORT)
# Python keeps its bytecode cache (`__pycache__/`, ignored by git) even where the shell sets
# PYTHONDONTWRITEBYTECODE: without it every test process, and every server a test starts in a
# subprocess, compiles the project's modules again and pytest rewrites every test module's
# asserts again (collection: 13.6 s a process without the cache, 6.5 s with it).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test quick test-postgres bench bench-scaleout bench-embedded bench-national install install-dev lock clean messages vendor lint lint-imports

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Every install is from the locks (`make lock` writes them from requirements*.txt), each file
# checked against its sha256: requirements.lock the runtime set; EXTRAS=s3 adds the s3 extra
# (requirements-s3.lock: attachments in S3-compatible object storage, docs/deploy.md);
# install-dev adds both the extra and the tests and tools (requirements-dev.lock).
EXTRAS ?=

$(VENV)/.installed: $(BIN)/python requirements.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-%: $(VENV)/.installed requirements-%.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock -r requirements-$*.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-s3.lock requirements-dev.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock -r requirements-s3.lock \
	  -r requirements-dev.lock
	touch $@

# Resolve requirements*.txt (installing nothing) and write the three locks with their hashes.
lock: $(BIN)/python
	$(BIN)/python scripts/lock_requirements.py

# Translations: the .po files are the source; the .mo files are compiled here by Babel (pure
# Python, no gettext needed) and never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard aduan/locale/*/LC_MESSAGES/django.po))
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ -l $(word 3,$(subst /, ,$<)) >/dev/null
messages: $(MO_FILES)

# Front-end libraries (Leaflet, its marker clusters) from npm at the versions in package-lock.json,
# copied under aduan/web/static/vendor/ (not committed) and served by the app itself: no CDN.
VENDOR := aduan/web/static/vendor
$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the map libraries: apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet $(VENDOR)/markercluster
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
	  node_modules/leaflet/dist/leaflet.css \
	  node_modules/leaflet/dist/images node_modules/leaflet/LICENSE $(VENDOR)/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	  node_modules/leaflet.markercluster/dist/leaflet.markercluster.js.map \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
	  node_modules/leaflet.markercluster/MIT-LICENCE.txt $(VENDOR)/markercluster/
	touch $@
vendor: $(VENDOR)/.installed

install: $(VENV)/.installed $(EXTRAS:%=$(VENV)/.installed-%) messages vendor
install-dev: $(VENV)/.installed-dev messages vendor

# Development mode, SQLite in var/, the web server and the huey worker in one terminal.
# Ctrl-C stops both (they share the terminal's process group; the trap catches any leftover).
run: export ADUAN_ENV ?= development
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Aduan: http://$(HOST):$(PORT)/  (akun demo: lihat README, kata sandi aduan-demo)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py run_huey --quiet & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT); \
	wait

# The whole suite, the slow proofs included (what CI runs; README: Developing), on two processes
# like `quick`: a test database (and a Redis database) per process, each module on one process.
test: export ADUAN_ENV := test
test: install-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The everyday loop: everything but the tests marked `slow` (schemathesis, chromium, production
# start-ups in subprocesses, the crash test, the full authorisation matrix, migrations, backups),
# on two processes (pytest-xdist; a test database per process, each module on one process so that
# the data a module builds once is built once). The plugins of the slow proofs alone (schemathesis
# and hypothesis) are not loaded: a second of CPU in each of the three processes.
quick: export ADUAN_ENV := test
quick: install-dev
	$(BIN)/python -m pytest -m "not slow" -n 2 --dist loadfile -p no:schemathesis \
	  -p no:hypothesispytest $(PYTEST_ARGS)

test-postgres: install-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aduan} ADUAN_ENV=test $(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# Lint, format, layers and types (settings in pyproject.toml; README: Developing).
lint: export ADUAN_ENV := test
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check aduan
	$(BIN)/lint-imports
	$(BIN)/mypy

# The layers of the apps (pyproject.toml [tool.importlinter]; README: Architecture).
lint-imports: install-dev
	$(BIN)/lint-imports

# Load benchmark (see bench/README.md); BENCH_SIZES="10000 100000 1000000" for the full run.
bench: install-dev
	bash bench/run.sh

# Two app servers behind nginx, two huey consumers, Redis of its own, one PostgreSQL: throughput
# through one app server and two, an app server killed, Redis restarted (README: Performance).
# BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), SCALEOUT_ARGS (e.g. --reports 100000).
bench-scaleout: install-dev
	ADUAN_ENV=development $(BIN)/python bench/scaleout.py $(SCALEOUT_ARGS)

# The embedded default under load: SQLite, 2 gunicorn workers, wrk (bench/README.md, issue 18).
bench-embedded: install-dev
	bash bench/embedded.sh

# National scale (issue 18): 1M and 10M reports on PostgreSQL, made by multiplying a generated
# 100k base inside PostgreSQL (bench/scale.py); BENCH_NATIONAL_SIZES="1000000 5000000" for less.
bench-national: install-dev
	bash bench/national.sh

clean:
	rm -rf var/ .pytest_cache

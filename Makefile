# Aduan: `make run` serves the demo, `make test` runs the tests. Needs Python 3.11+ with venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres bench install install-dev clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Translations: the .po files are the source; the .mo files are compiled here by Babel (pure
# Python, no gettext needed) and never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard aduan/locale/*/LC_MESSAGES/django.po))
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ -l $(word 3,$(subst /, ,$<)) >/dev/null
messages: $(MO_FILES)

install: $(VENV)/.installed messages
install-dev: $(VENV)/.installed-dev messages

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

test: export ADUAN_ENV := test
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install-dev
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aduan} ADUAN_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

# Load benchmark (see bench/README.md); BENCH_SIZES="10000 100000 1000000" for the full run.
bench: install-dev
	bash bench/run.sh

clean:
	rm -rf var/ .pytest_cache

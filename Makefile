# Two commands do all the set-up: `make run` (demo district on SQLite) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint demo bench clean

# `make run`, `make test` and `make bench` are development: DEBUG=1 lets the public development secrets fill in (without it
# the settings refuse to start). A DEBUG from the environment wins.
run test bench: export DEBUG ?= 1

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP) $@

# `make run PORT=8080` or `make run HOST=0.0.0.0` (reachable from other machines; add their name to ALLOWED_HOSTS).
HOST ?= 127.0.0.1
PORT ?= 8000

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_district --if-empty --seed 42
	$(PY) manage.py codes_keys init
	$(PY) manage.py demo_logins --host $(HOST) --port $(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: $(DEVSTAMP) lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Clusterhub: `make run` serves the platform with demo data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint test-sqlite test-postgres test-browser bench messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py compilemessages --ignore='.venv/*' -v0
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_reference --if-empty
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin
	@echo "Clusterhub is at http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

test-sqlite: $(STAMP)
	$(PY) manage.py compilemessages --ignore='.venv/*' -v0
	$(VENV)/bin/pytest -q --ignore=tests/browser

test-postgres: $(STAMP)
	scripts/with-postgres.sh $(VENV)/bin/pytest -q --ignore=tests/browser

test-browser: $(STAMP)
	scripts/ensure-chromium.sh
	$(VENV)/bin/pytest -q tests/browser

test: lint test-sqlite test-postgres test-browser

bench: $(STAMP)
	$(PY) bench/registry.py

messages: $(STAMP)
	cd src/clusterhub && ../../$(PY) ../../manage.py makemessages -l fr --ignore='*/migrations/*'

clean:
	rm -rf $(VENV) var

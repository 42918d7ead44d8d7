# Clusterhub: `make run` serves the platform with demo data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint test-sqlite test-postgres test-production test-browser bench messages clean pdf-libs

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# WeasyPrint (booklets, badges) needs Debian's Pango and a few fonts; installed when missing.
pdf-libs:
	@if ! ldconfig -p | grep -q 'libpango-1.0.so.0' || ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' \
	  || ! fc-list 2>/dev/null | grep -qi dejavu; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	    libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core fonts-liberation >/dev/null; \
	fi

# Compiles the translations (.po to .mo) when there are any. Django's compilemessages needs
# GNU gettext's msgfmt (Debian's gettext package) and fails when no locale folder exists.
COMPILEMESSAGES = if find src -name '*.po' -print -quit | grep -q .; then \
	  command -v msgfmt >/dev/null || { \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext >/dev/null; }; \
	  $(PY) manage.py compilemessages --ignore='.venv/*' --ignore='node_modules/*' -v0; \
	fi

run: $(STAMP) pdf-libs
	mkdir -p "$${CLUSTERHUB_VAR_DIR:-var}"
	@$(COMPILEMESSAGES)
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_reference --if-empty
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin
	@echo "Clusterhub is at http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Folders that ruff checks (bench/ may not exist yet in a fresh clone).
LINT_PATHS := $(wildcard src tests bench)
# pytest exits with 5 when it collects no test: not a failure for these targets.
PYTEST_OK := || test $$? -eq 5

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)

test-sqlite: $(STAMP) pdf-libs
	@$(COMPILEMESSAGES)
	env -u DATABASE_URL $(VENV)/bin/pytest -q --ignore=tests/browser $(PYTEST_OK)

test-postgres: $(STAMP) pdf-libs
	@$(COMPILEMESSAGES)
	scripts/with-postgres.sh $(VENV)/bin/pytest -q --ignore=tests/browser $(PYTEST_OK)

# The production stack (PostgreSQL, Redis, gunicorn, the worker, an SMTP sink) on 127.0.0.1 and a
# smoke test through it over HTTP. No PYTEST_OK: if the stack does not start or no test runs,
# this fails.
test-production: $(STAMP) pdf-libs
	@$(COMPILEMESSAGES)
	CLUSTERHUB_PYTHON=$(abspath $(PY)) scripts/with-postgres.sh scripts/with-production.sh \
	  $(VENV)/bin/pytest -q -p no:playwright tests/production

# axe-core (from npm) checks the pages' accessibility in the browser tests; Debian's npm is
# installed when missing.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

# Debian's Chromium, not pytest-playwright's download (hence -p no:playwright).
test-browser: $(STAMP) pdf-libs $(AXE)
	scripts/ensure-chromium.sh
	@$(COMPILEMESSAGES)
	env -u DATABASE_URL $(VENV)/bin/pytest -q -p no:playwright tests/browser $(PYTEST_OK)

test: lint test-sqlite test-postgres test-production test-browser

bench: $(STAMP) pdf-libs
	$(PY) bench/registry.py
	$(PY) bench/events.py
	$(PY) bench/recommender.py
	$(PY) bench/scheduler.py
	$(PY) bench/assignment.py
	$(PY) bench/consultations.py
	$(PY) bench/insights.py
	$(PY) bench/newsletter.py
	$(PY) bench/load.py

# Updates the French catalogue (src/clusterhub/locale/fr) from the templates and the Python
# code, then compiles it. makemessages needs GNU gettext's xgettext and msgmerge.
messages: $(STAMP)
	@command -v xgettext >/dev/null || { \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext >/dev/null; }
	cd src/clusterhub && ../../$(PY) ../../manage.py makemessages -l fr \
	  --ignore='*/migrations/*' --no-obsolete
	@$(COMPILEMESSAGES)

clean:
	rm -rf $(VENV) var
